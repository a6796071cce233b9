/*
 * loader/inspect.c - `rawload inspect OBJ [--json]`.
 *
 * Prints struct object (elf/object.h) as it is: nothing here reads the
 * file or calls the kernel, so what inspect shows is exactly what the
 * later stages will work from.
 */
#include "inspect.h"

#include <inttypes.h>
#include <string.h>

#include "show/json.h"

static const char *btf_name_of(const struct object *obj, uint32_t id, char *buf,
			       size_t len)
{
	if (!obj->btf || !id)
		return "-";
	return btf_type_str(obj->btf, id, buf, len);
}

/* Column widths: each the longest of its values and its header, so that
 * a long program, section or map name moves its whole column, not the
 * rest of its row. */
struct widths {
	int name, sec, type;
};

static int wider(int w, const char *s)
{
	int n = (int)strlen(s);

	return n > w ? n : w;
}

static const char *prog_type_str(const struct obj_prog *p)
{
	if (p->is_subprog)
		return p->is_global ? "subprog global" : "subprog static";
	return secdef_prog_type_name(p->def->prog_type);
}

static void text_prog(const struct obj_prog *p, const struct widths *w, FILE *out)
{
	fprintf(out, "  %-*s %-*s %-*s", w->name, p->name, w->sec, p->sec_name, w->type,
		prog_type_str(p));
	fprintf(out, " %5zu %5zu %5zu", p->insn_cnt, p->nrelocs, p->ncore);
	if (!p->is_subprog) {
		if (p->def->attach_type)
			fprintf(out, "  expected_attach_type=%s",
				secdef_attach_type_name(p->def->attach_type));
		if (p->attach_target)
			fprintf(out, "  target=%s", p->attach_target);
		if (!p->autoload)
			fputs("  autoload=off (SEC(\"?...\"): loaded only with --prog)", out);
	}
	fputc('\n', out);
}

static void text_map(const struct object *obj, const struct obj_map *m, const struct widths *w,
		     FILE *out)
{
	char kb[128], vb[128];

	fprintf(out, "  %-*s %-*s %-*s key %u value %u max_entries %u", w->name, m->name,
		w->sec, m->kernel_name, w->type, obj_map_type_name(m->type), m->key_size,
		m->value_size, m->max_entries);
	if (m->map_flags) {
		char fl[160];

		obj_map_flags_str(m->map_flags, fl, sizeof(fl));
		fprintf(out, " flags %s", fl);
	}
	if (m->pinning)
		fprintf(out, " pinning by-name");
	if (m->numa_node)
		fprintf(out, " numa_node %u", m->numa_node);
	if (m->map_extra)
		fprintf(out, " map_extra 0x%" PRIx64, m->map_extra);
	fprintf(out, "  (%s)\n", m->origin == MAP_DATA ? obj_data_kind_name(m->data_kind)
						      : obj_map_origin_name(m->origin));
	if (m->btf_key_type_id || m->btf_value_type_id)
		fprintf(out, "      BTF: key %s, value %s\n",
			btf_name_of(obj, m->btf_key_type_id, kb, sizeof(kb)),
			btf_name_of(obj, m->btf_value_type_id, vb, sizeof(vb)));
	if (m->inner >= 0)
		fprintf(out, "      inner map: %s\n", obj->maps[m->inner].name);
	for (size_t i = 0; i < m->ninits; i++)
		fprintf(out, "      [%u] = %s\n", m->inits[i].slot, m->inits[i].target);
	for (size_t i = 0; i < m->nvars; i++)
		fprintf(out, "      +%-5u %-24s %4u bytes  %s\n", m->vars[i].offset,
			m->vars[i].name, m->vars[i].size,
			btf_name_of(obj, m->vars[i].type_id, kb, sizeof(kb)));
}

static void ext_counts(const struct btf_ext_table *t, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < t->nsecs; i++)
		*n += t->secs[i].count;
}

void inspect_text(const struct object *obj, FILE *out)
{
	size_t nfi, nli, ncr;

	fprintf(out, "%s: BPF object '%s', license \"%s\"", obj->path, obj->name,
		obj->license);
	if (obj->has_kern_version)
		fprintf(out, ", kernel version 0x%x", obj->kern_version);
	fputc('\n', out);

	struct widths pw = { 4, 7, 4 }, mw = { 4, 11, 4 };

	for (size_t i = 0; i < obj->nprogs; i++) {
		pw.name = wider(pw.name, obj->progs[i].name);
		pw.sec = wider(pw.sec, obj->progs[i].sec_name);
		pw.type = wider(pw.type, prog_type_str(&obj->progs[i]));
	}
	for (size_t i = 0; i < obj->nmaps; i++) {
		mw.name = wider(mw.name, obj->maps[i].name);
		mw.sec = wider(mw.sec, obj->maps[i].kernel_name);
		mw.type = wider(mw.type, obj_map_type_name(obj->maps[i].type));
	}
	fprintf(out, "programs (%zu):\n", obj->nprogs);
	if (obj->nprogs)
		fprintf(out, "  %-*s %-*s %-*s INSNS RELOS CO-RE\n", pw.name, "NAME", pw.sec,
			"SECTION", pw.type, "TYPE");
	for (size_t i = 0; i < obj->nprogs; i++)
		text_prog(&obj->progs[i], &pw, out);

	fprintf(out, "maps (%zu):\n", obj->nmaps);
	if (obj->nmaps)
		fprintf(out, "  %-*s %-*s %-*s SIZES\n", mw.name, "NAME", mw.sec, "KERNEL NAME",
			mw.type, "TYPE");
	for (size_t i = 0; i < obj->nmaps; i++)
		text_map(obj, &obj->maps[i], &mw, out);

	if (obj->nexterns) {
		fprintf(out, "externs (%zu):\n", obj->nexterns);
		for (size_t i = 0; i < obj->nexterns; i++) {
			const struct obj_extern *x = &obj->externs[i];

			fprintf(out, "  %-24s %s%s%s", x->name,
				x->kind == EXTERN_KCONFIG ? "kconfig" : "ksym",
				x->is_func ? " function" : "", x->is_weak ? " weak" : "");
			if (x->kind == EXTERN_KCONFIG)
				fprintf(out, "  .kconfig+%u, %u bytes", x->offset, x->size);
			fputc('\n', out);
		}
	}
	if (obj->btf)
		fprintf(out, "BTF: %u types, %u bytes of strings\n",
			btf_type_cnt(obj->btf) - 1, obj->btf->str_len);
	else
		fprintf(out, "BTF: none (built without -g)\n");
	if (obj->ext) {
		ext_counts(&obj->ext->func_info, &nfi);
		ext_counts(&obj->ext->line_info, &nli);
		ext_counts(&obj->ext->core_relo, &ncr);
		fprintf(out, "BTF.ext: %zu func_info, %zu line_info, %zu CO-RE relocations\n",
			nfi, nli, ncr);
	}
}

static void json_prog(struct json *j, const struct obj_prog *p)
{
	json_obj_begin(j);
	json_kstr(j, "name", p->name);
	json_kstr(j, "section", p->sec_name);
	json_kbool(j, "subprogram", p->is_subprog);
	json_kbool(j, "global", p->is_global);
	json_kbool(j, "autoload", p->autoload);
	json_kstr(j, "type", p->is_subprog ? NULL : secdef_prog_type_name(p->def->prog_type));
	json_kstr(j, "expected_attach_type",
		  p->is_subprog || !p->def->attach_type ? NULL
			: secdef_attach_type_name(p->def->attach_type));
	json_kstr(j, "attach", p->is_subprog ? NULL : secdef_attach_kind_name(p->def->attach));
	json_kstr(j, "target", p->attach_target);
	json_ku64(j, "insns", p->insn_cnt);
	json_ku64(j, "relocations", p->nrelocs);
	json_ku64(j, "core_relocations", p->ncore);
	json_ku64(j, "btf_func_id", p->btf_func_id);
	json_obj_end(j);
}

static void json_map(const struct object *obj, struct json *j, const struct obj_map *m)
{
	json_obj_begin(j);
	json_kstr(j, "name", m->name);
	json_kstr(j, "kernel_name", m->kernel_name);
	json_kstr(j, "origin", m->origin == MAP_DATA ? obj_data_kind_name(m->data_kind)
						    : obj_map_origin_name(m->origin));
	json_kstr(j, "type", obj_map_type_name(m->type));
	json_ku64(j, "key_size", m->key_size);
	json_ku64(j, "value_size", m->value_size);
	json_ku64(j, "max_entries", m->max_entries);
	json_ku64(j, "map_flags", m->map_flags);
	json_ku64(j, "numa_node", m->numa_node);
	json_ku64(j, "pinning", m->pinning);
	json_ku64(j, "map_extra", m->map_extra);
	json_ku64(j, "btf_key_type_id", m->btf_key_type_id);
	json_ku64(j, "btf_value_type_id", m->btf_value_type_id);
	json_kstr(j, "inner", m->inner >= 0 ? obj->maps[m->inner].name : NULL);
	json_key(j, "values");
	json_arr_begin(j);
	for (size_t i = 0; i < m->ninits; i++) {
		json_obj_begin(j);
		json_ku64(j, "slot", m->inits[i].slot);
		json_kstr(j, "target", m->inits[i].target);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "variables");
	json_arr_begin(j);
	for (size_t i = 0; i < m->nvars; i++) {
		char tb[128];

		json_obj_begin(j);
		json_kstr(j, "name", m->vars[i].name);
		json_ku64(j, "offset", m->vars[i].offset);
		json_ku64(j, "size", m->vars[i].size);
		json_kstr(j, "type", btf_name_of(obj, m->vars[i].type_id, tb, sizeof(tb)));
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

void inspect_json(const struct object *obj, FILE *out)
{
	struct json j;
	size_t n;

	json_init(&j, out);
	json_obj_begin(&j);
	json_kstr(&j, "file", obj->path);
	json_kstr(&j, "name", obj->name);
	json_kstr(&j, "license", obj->license);
	json_key(&j, "kern_version");
	if (obj->has_kern_version)
		json_u64(&j, obj->kern_version);
	else
		json_null(&j);
	json_key(&j, "programs");
	json_arr_begin(&j);
	for (size_t i = 0; i < obj->nprogs; i++)
		json_prog(&j, &obj->progs[i]);
	json_arr_end(&j);
	json_key(&j, "maps");
	json_arr_begin(&j);
	for (size_t i = 0; i < obj->nmaps; i++)
		json_map(obj, &j, &obj->maps[i]);
	json_arr_end(&j);
	json_key(&j, "externs");
	json_arr_begin(&j);
	for (size_t i = 0; i < obj->nexterns; i++) {
		const struct obj_extern *x = &obj->externs[i];

		json_obj_begin(&j);
		json_kstr(&j, "name", x->name);
		json_kstr(&j, "kind", x->kind == EXTERN_KCONFIG ? "kconfig" : "ksym");
		json_kbool(&j, "weak", x->is_weak);
		json_kbool(&j, "function", x->is_func);
		json_ku64(&j, "offset", x->offset);
		json_ku64(&j, "size", x->size);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "btf");
	if (obj->btf) {
		json_obj_begin(&j);
		json_ku64(&j, "types", btf_type_cnt(obj->btf) - 1);
		json_ku64(&j, "string_bytes", obj->btf->str_len);
		json_obj_end(&j);
	} else
		json_null(&j);
	json_key(&j, "btf_ext");
	if (obj->ext) {
		json_obj_begin(&j);
		ext_counts(&obj->ext->func_info, &n);
		json_ku64(&j, "func_info", n);
		ext_counts(&obj->ext->line_info, &n);
		json_ku64(&j, "line_info", n);
		ext_counts(&obj->ext->core_relo, &n);
		json_ku64(&j, "core_relo", n);
		json_obj_end(&j);
	} else
		json_null(&j);
	json_obj_end(&j);
	fputc('\n', out);
}
