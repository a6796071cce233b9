/*
 * loader/plan.c - `rawload plan OBJ [--btf FILE] [--json]`: everything a
 * load would do up to its first bpf() call, shown without root and
 * without the kernel.
 *
 * It runs the load's own steps before the kernel (loader/load.c's steps
 * table), with the same library calls:
 *
 *   read the object          obj_open
 *   apply options            --prog, --set (setvar_apply), --resize
 *   collect relocations      reloc_collect
 *   apply CO-RE relocations  core_relocate_prog_targets, against --btf FILE
 *                            or /sys/kernel/btf/vmlinux
 *   resolve externs          extern_resolve
 *   link programs            reloc_build_prog
 *
 * which make the load image (struct load's code and image: what the
 * kernel will be given), and then prints it, instead of making syscalls:
 *
 *   1. the maps BPF_MAP_CREATE would create, with the flags the loader
 *      adds to global data (load_map_params in load_kernel.c) and their initial
 *      values after --set;
 *   2. each selected program's final instructions, disassembled by
 *      show/disasm.c, every relocated instruction annotated;
 *   3. where each program would be attached (loader/plan_attach.c).
 *
 * Map fds do not exist yet: the image's map references hold map indexes,
 * which the listing turns into names.
 */
#include "plan_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "load_internal.h"
#include "show/disasm.h"
#include "elf/object.h"
#include "show/json.h"
#include "show/dump.h"
#include "relo/core.h"
#include "relo/extern.h"
#include "relo/reloc.h"
#include "setvar.h"
#include "wrap.h"

#define EXIT_OK 0
#define EXIT_BAD_INPUT 2

/* ---- 1. maps ------------------------------------------------------------ */

static const char *type_str(const struct plan *pl, uint32_t id, char *buf, size_t len)
{
	if (!id || !pl->l.obj.btf)
		return "-";
	return btf_type_str(pl->l.obj.btf, id, buf, len);
}

/* Maps that would get the same kernel-visible name (16 bytes with the
 * NUL): the kernel accepts both, but bpftool and /proc show them alike. */
static int name_collides(const struct object *o, size_t i)
{
	for (size_t k = 0; k < o->nmaps; k++)
		if (k != i && !strcmp(o->maps[k].kernel_name, o->maps[i].kernel_name))
			return (int)k;
	return -1;
}

/* One variable's initial value, as --dump-maps formats it (JSON). */
static void var_value(const struct plan *pl, const struct obj_map *m, size_t map,
		      const struct obj_var *v, struct json *vj)
{
	if (v->offset + (uint64_t)v->size > m->value_size)
		return json_null(vj);
	dump_value(vj, pl->l.obj.btf, v->type_id, pl->l.map_data[map] + v->offset, v->size);
}

/* The @k-th __kconfig extern when map @i is the .kconfig map, or NULL:
 * its values come from the kernel config (extern_resolve), not the file. */
static const struct obj_extern *kconfig_of(const struct plan *pl, size_t i, size_t k)
{
	const struct object *o = &pl->l.obj;

	if (!o->has_kconfig_map || o->kconfig_map != i || !pl->l.map_data[i])
		return NULL;
	for (size_t e = 0; e < o->nexterns; e++)
		if (o->externs[e].kind == EXTERN_KCONFIG && !k--)
			return &o->externs[e];
	return NULL;
}

static void ext_value(const struct plan *pl, size_t i, const struct obj_extern *x,
		      struct json *vj)
{
	if (x->offset + (uint64_t)x->size > pl->l.maps[i].value_size)
		return json_null(vj);
	dump_value(vj, pl->l.obj.btf, x->type_id, pl->l.map_data[i] + x->offset, x->size);
}

static void map_text(const struct plan *pl, size_t i)
{
	const struct object *o = &pl->l.obj;
	const struct obj_map *m = &pl->l.maps[i];
	char flags[160], decl[160], kt[128], vt[128], st[1024];
	int other = name_collides(o, i);
	struct map_params mp;
	char why[200];
	struct json vj;

	/* exactly what the load would pass to BPF_MAP_CREATE */
	load_map_params(&pl->l, i, &mp, why, sizeof(why));
	obj_map_flags_str(mp.map_flags, flags, sizeof(flags));
	printf("  %-16s kernel name '%s'  %s  key %u value %u max_entries %u\n", m->name,
	       m->kernel_name, obj_map_type_name(m->type), m->key_size, m->value_size,
	       m->max_entries);
	printf("      flags %s", flags);
	if (mp.map_flags != m->map_flags) {
		obj_map_flags_str(m->map_flags, decl, sizeof(decl));
		printf(" (declared %s; the loader adds the rest)", decl);
	}
	/* map_extra: a bloom filter's hash count, an arena's user address */
	if (mp.map_extra)
		printf(", map_extra %#" PRIx64, (uint64_t)mp.map_extra);
	if (m->origin == MAP_DATA && m->data_kind != DATA_BSS)
		printf(", initial value written");
	if (m->origin == MAP_DATA &&
	    (m->data_kind == DATA_RODATA || m->data_kind == DATA_KCONFIG))
		printf(", then frozen (BPF_MAP_FREEZE)");
	printf("\n      origin %s%s%s%s, BTF key %s value %s", obj_map_origin_name(m->origin),
	       m->origin == MAP_DATA ? " (" : "",
	       m->origin == MAP_DATA ? obj_data_kind_name(m->data_kind) : "",
	       m->origin == MAP_DATA ? ")" : "",
	       type_str(pl, mp.btf_key_type_id, kt, sizeof(kt)),
	       type_str(pl, mp.btf_value_type_id, vt, sizeof(vt)));
	if (m->pinning)
		printf(", pinned by name at /sys/fs/bpf/%s", m->name);
	putchar('\n');
	if (other >= 0)
		printf("      warning: kernel name '%s' collides with map '%s' (the kernel "
		       "keeps 15 bytes): bpftool and /proc show them alike\n", m->kernel_name,
		       pl->l.maps[other].name);
	load_struct_ops_describe(&pl->l, i, st, sizeof(st));
	if (*st)
		puts(st);
	json_init(&vj, stdout);
	for (size_t k = 0; k < m->ninits; k++)
		printf("      slot %u = '%s' (.values: written once both exist)\n",
		       m->inits[k].slot, m->inits[k].target);
	for (size_t k = 0; pl->l.map_data[i] && k < m->nvars; k++) {
		printf("      +%-4u %-24s = ", m->vars[k].offset, m->vars[k].name);
		var_value(pl, m, i, &m->vars[k], &vj);
		vj.need_comma = 0;
		putchar('\n');
	}
	for (size_t k = 0; kconfig_of(pl, i, k); k++) {
		const struct obj_extern *x = kconfig_of(pl, i, k);

		printf("      +%-4u %-24s = ", x->offset, x->name);
		ext_value(pl, i, x, &vj);
		vj.need_comma = 0;
		putchar('\n');
	}
}

static void map_json(const struct plan *pl, size_t i)
{
	const struct object *o = &pl->l.obj;
	const struct obj_map *m = &pl->l.maps[i];
	struct json *j = pl->j;
	char flags[160], kt[128], vt[128];
	int other = name_collides(o, i);
	struct map_params mp;
	char why[200];

	load_map_params(&pl->l, i, &mp, why, sizeof(why));
	obj_map_flags_str(mp.map_flags, flags, sizeof(flags));
	json_obj_begin(j);
	json_kstr(j, "name", m->name);
	json_kstr(j, "kernel_name", m->kernel_name);
	json_kstr(j, "type", obj_map_type_name(m->type));
	json_ku64(j, "key_size", m->key_size);
	json_ku64(j, "value_size", m->value_size);
	json_ku64(j, "max_entries", m->max_entries);
	json_ku64(j, "map_flags", mp.map_flags);
	json_kstr(j, "flags", flags);
	json_ku64(j, "declared_flags", m->map_flags);
	json_ku64(j, "map_extra", mp.map_extra);
	json_kbool(j, "frozen", m->origin == MAP_DATA && (m->data_kind == DATA_RODATA ||
							  m->data_kind == DATA_KCONFIG));
	json_kstr(j, "origin", obj_map_origin_name(m->origin));
	if (m->origin == MAP_DATA)
		json_kstr(j, "data_kind", obj_data_kind_name(m->data_kind));
	json_kstr(j, "btf_key_type", type_str(pl, mp.btf_key_type_id, kt, sizeof(kt)));
	json_kstr(j, "btf_value_type", type_str(pl, mp.btf_value_type_id, vt, sizeof(vt)));
	json_kbool(j, "pinned_by_name", m->pinning != 0);
	if (other >= 0)
		json_kstr(j, "kernel_name_collides_with", pl->l.maps[other].name);
	if (pl->l.map_data[i]) {
		json_key(j, "initial_values");
		json_obj_begin(j);
		for (size_t k = 0; k < m->nvars; k++) {
			json_key(j, m->vars[k].name);
			var_value(pl, m, i, &m->vars[k], j);
		}
		for (size_t k = 0; kconfig_of(pl, i, k); k++) {
			json_key(j, kconfig_of(pl, i, k)->name);
			ext_value(pl, i, kconfig_of(pl, i, k), j);
		}
		json_obj_end(j);
	}
	load_struct_ops_json(&pl->l, i, j);
	if (m->ninits) {
		json_key(j, "slots");
		json_obj_begin(j);
		for (size_t k = 0; k < m->ninits; k++) {
			char slot[16];

			snprintf(slot, sizeof(slot), "%u", m->inits[k].slot);
			json_kstr(j, slot, m->inits[k].target);
		}
		json_obj_end(j);
	}
	json_obj_end(j);
}

static void plan_maps(const struct plan *pl)
{
	const struct object *o = &pl->l.obj;

	if (pl->j) {
		json_key(pl->j, "maps");
		json_arr_begin(pl->j);
	} else {
		printf("maps that BPF_MAP_CREATE would create (%zu):\n", o->nmaps);
	}
	for (size_t i = 0; i < o->nmaps; i++) {
		if (pl->j)
			map_json(pl, i);
		else
			map_text(pl, i);
	}
	if (pl->j)
		json_arr_end(pl->j);
}

/* ---- 2. programs -------------------------------------------------------- */

/* Where each function landed in a linked program. */
struct placed_fn {
	size_t prog;	/* obj prog index */
	size_t base;	/* first instruction in the final program */
};

struct layout {
	struct placed_fn *fn;	/* the program first, then by base */
	size_t n;
};

static int cmp_base(const void *a, const void *b)
{
	const struct placed_fn *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/*
 * Which function sits where. reloc_build_prog lists the appended
 * subprograms by object index, not by position; func_info (one record per
 * function, rebased to the final program) says where each starts, and
 * its FUNC type id names it. Without .BTF.ext the subprograms are taken
 * in list order, which is right for one subprogram and a guess beyond.
 */
static int layout_of(const struct plan *pl, size_t prog, const struct final_prog *fp,
		     struct layout *ly)
{
	const struct object *o = &pl->l.obj;
	size_t next = o->progs[prog].insn_cnt;

	ly->fn = calloc(fp->nsubprogs + 1, sizeof(*ly->fn));
	if (!ly->fn)
		return -ENOMEM;
	ly->fn[0] = (struct placed_fn){ prog, 0 };
	ly->n = 1;
	for (size_t k = 0; k < fp->nsubprogs; k++) {
		size_t sub = fp->subprogs[k], base = next;

		for (size_t f = 0; f < fp->func_info_cnt; f++)
			if (o->progs[sub].btf_func_id &&
			    fp->func_info[f].type_id == o->progs[sub].btf_func_id)
				base = fp->func_info[f].insn_off;
		next += o->progs[sub].insn_cnt;
		ly->fn[ly->n++] = (struct placed_fn){ sub, base };
	}
	qsort(ly->fn + 1, ly->n - 1, sizeof(*ly->fn), cmp_base);
	return 0;
}

/* The function containing final instruction @idx. */
static const struct placed_fn *fn_at(const struct layout *ly, size_t idx)
{
	const struct placed_fn *f = &ly->fn[0];

	for (size_t k = 1; k < ly->n; k++)
		if (ly->fn[k].base <= idx)
			f = &ly->fn[k];
	return f;
}

/* The name of the function starting at final instruction @idx, or NULL. */
static const char *fn_starting(const struct plan *pl, const struct layout *ly, int64_t idx)
{
	for (size_t k = 0; k < ly->n; k++)
		if ((int64_t)ly->fn[k].base == idx)
			return pl->l.obj.progs[ly->fn[k].prog].name;
	return NULL;
}

/* The ELF relocation of section @shndx at byte @off, or NULL. */
static const struct relo *relo_at(const struct plan *pl, size_t shndx, uint64_t off)
{
	for (size_t i = 0; i < pl->l.relos.count; i++)
		if (pl->l.relos.sec_shndx[i] == shndx && pl->l.relos.relos[i].sec_off == off)
			return &pl->l.relos.relos[i];
	return NULL;
}

/* ld_imm64 symbolizer for disasm: the load image's map indexes as names. */
static int imm64_sym(void *arg, const struct bpf_insn *in, char *buf, size_t len)
{
	const struct plan *pl = arg;
	int64_t m = in->imm;

	if ((in->src_reg != BPF_PSEUDO_MAP_FD && in->src_reg != BPF_PSEUDO_MAP_VALUE) ||
	    m < 0 || (size_t)m >= pl->l.obj.nmaps)
		return 0;
	if (in->src_reg == BPF_PSEUDO_MAP_FD)
		snprintf(buf, len, "map[%s]", pl->l.maps[m].name);
	else
		snprintf(buf, len, "map[%s][0]+%u", pl->l.maps[m].name, (uint32_t)in[1].imm);
	return 1;
}

/* The variable of data map @m at byte @off: "variable 'x'" or
 * "variable 'x' + 4"; "" when between variables (a string literal). */
static void var_at(const struct obj_map *m, uint32_t off, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t k = 0; k < m->nvars; k++) {
		const struct obj_var *v = &m->vars[k];

		if (off >= v->offset && off - v->offset < (v->size ? v->size : 1)) {
			if (off == v->offset)
				snprintf(buf, len, " (variable '%s')", v->name);
			else
				snprintf(buf, len, " (variable '%s' + %u)", v->name, off - v->offset);
		}
	}
}

/* What a relocated ld_imm64 or call became (the kind is read off the
 * final instruction; the relocation @r names externs). */
static void note_link(const struct plan *pl, const struct layout *ly, size_t idx,
		      const struct bpf_insn *in, const struct relo *r, char *buf, size_t len)
{
	const struct object *o = &pl->l.obj;
	const struct obj_extern *x = r && (r->kind == RELO_EXTERN_VAR ||
					   r->kind == RELO_EXTERN_FUNC) ? &o->externs[r->ext] : NULL;
	int64_t m = in->imm, t = (int64_t)idx + in->imm + 1;
	int is_ld = in->code == (BPF_LD | BPF_IMM | BPF_DW);
	int is_call = in->code == (BPF_JMP | BPF_CALL);
	char var[128];

	buf[0] = '\0';
	if (x && x->kind == EXTERN_KCONFIG)
		snprintf(buf, len, "extern '%s' (__kconfig): map '.kconfig' + %u", x->name,
			 x->offset);
	else if (x && is_call)
		snprintf(buf, len, "kfunc '%s' (vmlinux BTF id %d)", x->name, in->imm);
	else if (x && in->src_reg == BPF_PSEUDO_BTF_ID)
		snprintf(buf, len, "ksym '%s' (typed: vmlinux BTF id %d)", x->name, in->imm);
	else if (x)
		snprintf(buf, len, "ksym '%s' (address from kallsyms%s)", x->name,
			 pl->l.ext && pl->l.ext[r->ext].resolved ? "" : "; weak, unresolved: 0");
	else if (is_call && in->src_reg == BPF_PSEUDO_CALL)
		snprintf(buf, len, "call subprog '%s' (pc%+d = insn %" PRId64 ")",
			 fn_starting(pl, ly, t) ? fn_starting(pl, ly, t) : "?", in->imm, t);
	else if (is_ld && in->src_reg == BPF_PSEUDO_FUNC)
		snprintf(buf, len, "callback '%s' (pc%+d = insn %" PRId64 ")",
			 fn_starting(pl, ly, t) ? fn_starting(pl, ly, t) : "?", in->imm, t);
	else if (is_ld && in->src_reg == BPF_PSEUDO_MAP_FD && m >= 0 && (size_t)m < o->nmaps)
		snprintf(buf, len, "map '%s'", pl->l.maps[m].name);
	else if (is_ld && in->src_reg == BPF_PSEUDO_MAP_VALUE && m >= 0 &&
		 (size_t)m < o->nmaps) {
		var_at(&pl->l.maps[m], (uint32_t)in[1].imm, var, sizeof(var));
		snprintf(buf, len, "map '%s' + %u%s", pl->l.maps[m].name, (uint32_t)in[1].imm, var);
	}
}

/* The constant a CO-RE relocation rewrites in @in (core_cmd.c's rule: an
 * offset is in off for loads and stores, imm for ALU/JMP, both imm halves
 * of an ld_imm64). */
static int64_t core_value(const struct bpf_insn *in, size_t room)
{
	unsigned cls = BPF_CLASS(in->code);

	if (in->code == (BPF_LD | BPF_IMM | BPF_DW) && room >= 2)
		return (int64_t)((uint64_t)(uint32_t)in[1].imm << 32 | (uint32_t)in[0].imm);
	if (cls == BPF_LDX || cls == BPF_ST || cls == BPF_STX)
		return in->off;
	return in->imm;
}

/*
 * Access string @acc on local type @id, spelled with member names
 * ("0:54" on struct task_struct -> "struct task_struct.real_parent").
 * A copy of core_cmd.c's spell_access, reduced to fields and enumerators
 * (to share: see the closing note of issue 4).
 */
static void spell_access(const struct btf *btf, uint32_t id, const char *acc,
			 uint32_t kind, char *buf, size_t len)
{
	size_t n;
	char *end;

	btf_type_str(btf, id, buf, len);
	n = strlen(buf);
	if (kind == BPF_CORE_TYPE_ID_LOCAL || kind == BPF_CORE_TYPE_ID_TARGET ||
	    kind == BPF_CORE_TYPE_EXISTS || kind == BPF_CORE_TYPE_SIZE ||
	    kind == BPF_CORE_TYPE_MATCHES)
		return;
	for (int i = 0; *acc && n < len; i++) {
		unsigned long idx = strtoul(acc, &end, 10);
		const struct btf_type *t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, id));

		if (end == acc || !t)
			return;
		acc = *end == ':' ? end + 1 : end;
		if (kind == BPF_CORE_ENUMVAL_EXISTS || kind == BPF_CORE_ENUMVAL_VALUE) {
			if (btf_kind(t) == BTF_KIND_ENUM && idx < btf_vlen(t))
				snprintf(buf + n, len - n, "::%s",
					 btf_str(btf, btf_enums(t)[idx].name_off));
			else if (btf_kind(t) == BTF_KIND_ENUM64 && idx < btf_vlen(t))
				snprintf(buf + n, len - n, "::%s",
					 btf_str(btf, btf_enum64s(t)[idx].name_off));
			return;
		}
		if (i == 0) {	/* the root pointer, indexed like an array */
			if (idx)
				n += (size_t)snprintf(buf + n, len - n, "[%lu]", idx);
			continue;
		}
		if ((btf_kind(t) == BTF_KIND_STRUCT || btf_kind(t) == BTF_KIND_UNION) &&
		    idx < btf_vlen(t)) {
			const struct btf_member *mb = &btf_members(t)[idx];

			if (*btf_str(btf, mb->name_off))
				n += (size_t)snprintf(buf + n, len - n, ".%s",
						      btf_str(btf, mb->name_off));
			id = mb->type;
		} else if (btf_kind(t) == BTF_KIND_ARRAY) {
			n += (size_t)snprintf(buf + n, len - n, "[%lu]", idx);
			id = btf_array(t)->type;
		} else {
			return;
		}
	}
}

/* The CO-RE records of function @f at its local instruction @li:
 * "CO-RE byte_off struct task_struct.pid (0:73): 2460 -> 2468". */
static void note_core(const struct plan *pl, const struct placed_fn *f, size_t li,
		      char *buf, size_t len)
{
	const struct object *o = &pl->l.obj;
	const struct obj_prog *p = &o->progs[f->prog];
	const struct btf_ext_sec *sec;
	uint64_t off = p->sec_off + li * sizeof(struct bpf_insn);
	size_t n = strlen(buf);

	if (!o->ext || !o->btf || !pl->l.code || !pl->l.code[f->prog] ||
	    !(sec = btf_ext_find(&o->ext->core_relo, p->sec_name)))
		return;
	for (uint32_t i = 0; i < sec->count && n < len; i++) {
		const struct bpf_core_relo *r = &((const struct bpf_core_relo *)sec->recs)[i];
		const struct core_report *rep = &pl->l.core[f->prog];
		const char *acc = btf_str(o->btf, r->access_str_off), *poison = NULL;
		char path[256];

		if (r->insn_off != off)
			continue;
		spell_access(o->btf, r->type_id, acc, r->kind, path, sizeof(path));
		for (size_t k = 0; k < rep->npoisoned; k++)
			if (rep->poisoned[k].relo_idx == i)
				poison = rep->poisoned[k].desc;
		/* core.c's description repeats kind, type and access first */
		if (poison && strstr(poison, ", access ") &&
		    strstr(strstr(poison, ", access "), ": "))
			poison = strstr(strstr(poison, ", access "), ": ") + 2;
		n += (size_t)snprintf(buf + n, len - n, "%sCO-RE %s %s (%s): %" PRId64, n ? "; " : "",
				      core_relo_kind_name(r->kind), path, acc,
				      core_value(&p->insns[li], p->insn_cnt - li));
		if (n >= len)
			break;
		if (poison)
			n += (size_t)snprintf(buf + n, len - n, " -> poisoned (%s)", poison);
		else
			n += (size_t)snprintf(buf + n, len - n, " -> %" PRId64,
					      core_value(&pl->l.code[f->prog][li], p->insn_cnt - li));
	}
}

/* Every note for final instruction @idx. */
static void note_insn(const struct plan *pl, const struct layout *ly,
		      const struct final_prog *fp, size_t idx, char *buf, size_t len)
{
	const struct placed_fn *f = fn_at(ly, idx);
	const struct obj_prog *p = &pl->l.obj.progs[f->prog];
	size_t li = idx - f->base;
	const struct relo *r = relo_at(pl, p->shndx, p->sec_off + li * sizeof(struct bpf_insn));

	note_link(pl, ly, idx, &fp->insns[idx], r, buf, len);
	note_core(pl, f, li, buf, len);
}

static void insn_out(const struct plan *pl, size_t idx, const char *text, const char *note)
{
	if (!pl->j) {
		if (*note)
			printf("  %5zu: %-36s ; %s\n", idx, text, note);
		else
			printf("  %5zu: %s\n", idx, text);
		return;
	}
	json_obj_begin(pl->j);
	json_ku64(pl->j, "idx", idx);
	json_kstr(pl->j, "text", text);
	if (*note)
		json_kstr(pl->j, "note", note);
	json_obj_end(pl->j);
}

static void prog_head(const struct plan *pl, size_t prog, const struct final_prog *fp,
		      const struct layout *ly)
{
	const struct obj_prog *p = &pl->l.obj.progs[prog];
	struct json *j = pl->j;

	if (!j) {
		printf("\nprogram '%s' (section '%s', %s): %zu instructions", p->name,
		       p->sec_name, secdef_prog_type_name(p->def->prog_type), fp->insn_cnt);
		for (size_t k = 1; k < ly->n; k++)
			printf("%s'%s' at %zu", k == 1 ? ", appended: " : ", ",
			       pl->l.obj.progs[ly->fn[k].prog].name, ly->fn[k].base);
		putchar('\n');
		return;
	}
	json_kstr(j, "name", p->name);
	json_kstr(j, "section", p->sec_name);
	json_kstr(j, "prog_type", secdef_prog_type_name(p->def->prog_type));
	json_ku64(j, "insn_cnt", fp->insn_cnt);
	json_key(j, "functions");
	json_arr_begin(j);
	for (size_t k = 0; k < ly->n; k++) {
		json_obj_begin(j);
		json_kstr(j, "name", pl->l.obj.progs[ly->fn[k].prog].name);
		json_ku64(j, "start", ly->fn[k].base);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* List program @prog of the load image: what the load gives the kernel,
 * map references by name (their fds do not exist yet). */
static int plan_prog(struct plan *pl, size_t prog)
{
	struct disasm_sym sym = { imm64_sym, pl };
	struct layout ly = { 0 };
	const struct final_prog *fp = &pl->l.image[prog];
	char text[192], note[512];
	int err;

	if ((err = layout_of(pl, prog, fp, &ly)))
		return err_set(&pl->l.eb, err, "out of memory");
	if (pl->j)
		json_obj_begin(pl->j);
	prog_head(pl, prog, fp, &ly);
	if (pl->j) {
		json_key(pl->j, "insns");
		json_arr_begin(pl->j);
	}
	for (size_t i = 0, step; i < fp->insn_cnt; i += step) {
		const char *fname = fn_starting(pl, &ly, (int64_t)i);

		if (fname && !pl->j)
			printf("  %s:\n", fname);
		step = disasm_insn(&fp->insns[i], fp->insn_cnt - i, &sym, text, sizeof(text));
		note_insn(pl, &ly, fp, i, note, sizeof(note));
		insn_out(pl, i, text, note);
	}
	if (pl->j) {
		json_arr_end(pl->j);
		json_obj_end(pl->j);
	}
	free(ly.fn);
	return 0;
}

static int plan_progs(struct plan *pl)
{
	int err = 0;

	if (pl->j) {
		json_key(pl->j, "programs");
		json_arr_begin(pl->j);
	}
	for (size_t i = 0; !err && i < pl->l.obj.nprogs; i++)
		if (pl->l.selected[i])
			err = plan_prog(pl, i);
	if (pl->j)
		json_arr_end(pl->j);
	return err;
}

/* ---- driver ------------------------------------------------------------- */

static void plan_head(const struct plan *pl)
{
	const char *btf = pl->l.vmlinux ? pl->l.vmlinux_path : "not needed";

	if (pl->j) {
		json_kstr(pl->j, "object", pl->l.c->obj);
		json_key(pl->j, "target_btf");
		if (pl->l.vmlinux)
			json_str(pl->j, pl->l.vmlinux_path);
		else
			json_null(pl->j);
		return;
	}
	printf("plan for %s: what a load would do, up to its first bpf() call (none made)\n",
	       pl->l.c->obj);
	printf("target BTF (CO-RE, ksyms): %s\n\n", btf);
}

int plan_run(const struct cli *c)
{
	struct plan pl;
	const char *step = "";
	struct json j;
	int err;

	memset(&pl, 0, sizeof(pl));
	err = load_prepare(&pl.l, c, &step);
	if (err) {
		fprintf(stderr, "rawload: %s: %s (step '%s')\n", c->obj, pl.l.eb.msg, step);
		load_release(&pl.l);
		return EXIT_BAD_INPUT;
	}
	if (c->json) {
		json_init(&j, stdout);
		pl.j = &j;
		json_obj_begin(&j);
	}
	plan_head(&pl);
	plan_maps(&pl);
	err = plan_progs(&pl);
	if (err)
		say_error(c->obj, pl.l.eb.msg);
	else
		plan_attach(&pl);
	if (c->json) {
		json_obj_end(&j);
		putchar('\n');
	}
	load_release(&pl.l);
	return err ? EXIT_BAD_INPUT : EXIT_OK;
}
