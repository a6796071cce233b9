/*
 * relo/btf_fixup.c - the object's BTF as the kernel must receive it.
 *
 * clang writes each DATASEC (.data, .rodata, .bss, .maps, license, ...)
 * with size 0 and every variable at offset 0: the final layout is the
 * linker's business, and for a BPF object the loader is the linker. The
 * kernel's BTF check refuses a DATASEC whose variables do not fit its
 * size, so before BPF_BTF_LOAD the sizes come from the ELF sections and
 * the offsets from the ELF symbols (what libbpf's btf_fixup_datasec does).
 *
 * Externs need more: the kernel accepts no extern linkage at all.
 *   .kconfig  its variables become allocated globals placed where rawload
 *             laid out their values (elf/object.c).
 *   .ksyms    holds variables (typed or not) and kfunc declarations; each
 *             variable becomes an allocated 4-byte int, each FUNC becomes
 *             global and its DATASEC entry points to a "dummy_ksym" int
 *             variable appended to the BTF (a DATASEC may only list VARs),
 *             which is how libbpf makes such objects acceptable too.
 *
 * And one thing is a choice of verification mode: a subprogram whose
 * symbol is global or weak but hidden (`__weak __hidden`, as the helpers
 * of libbpf's usdt.bpf.h are declared) cannot be called from outside the
 * object, so libbpf marks its BTF FUNC static (bpf_object_fixup_btf). The
 * verifier then checks it in each caller's context, where it knows what
 * its pointer arguments point to; as a global FUNC it would be checked on
 * its own, and `long *res` would be a pointer that may be NULL.
 */
#include "btf_fixup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DUMMY_NAME "dummy_ksym"

struct fix {
	const struct object *obj;
	const struct btf *btf;	/* the object's, parsed */
	uint8_t *types;		/* the copy's type section */
	char *strs;		/* the copy's string section */
	uint32_t int_id;	/* a 4-byte INT, for fake extern variables */
	uint32_t dummy_id;	/* the appended dummy_ksym VAR, or 0 */
	uint32_t dummy_name;	/* its name's string offset */
};

static struct btf_type *copy_of(const struct fix *f, uint32_t id)
{
	const struct btf_type *o = btf_type_by_id(f->btf, id);

	return (struct btf_type *)(f->types + ((const uint8_t *)o - f->btf->types));
}

static size_t sym_value(const struct object *obj, size_t shndx, const char *name,
			uint32_t *value)
{
	size_t s = obj_find_symbol(obj, shndx, name, STT_OBJECT);

	if (s)
		*value = (uint32_t)obj->elf.syms[s].st_value;
	return s;
}

static void fix_kconfig(const struct fix *f, struct btf_type *t,
			struct btf_var_secinfo *vi)
{
	const struct object *obj = f->obj;

	t->size = obj->maps[obj->kconfig_map].value_size;
	for (unsigned i = 0; i < btf_vlen(t); i++) {
		const char *vn = btf_type_name(f->btf, vi[i].type);
		struct btf_type *var = copy_of(f, vi[i].type);

		if (btf_kind(var) == BTF_KIND_VAR)
			((struct btf_var *)(var + 1))->linkage = BTF_VAR_GLOBAL_ALLOCATED;
		for (size_t k = 0; k < obj->nexterns; k++)
			if (!strcmp(obj->externs[k].name, vn))
				vi[i].offset = obj->externs[k].offset;
	}
}

static void fix_ksyms(const struct fix *f, struct btf_type *t, struct btf_var_secinfo *vi)
{
	uint32_t off = 0;

	for (unsigned i = 0; i < btf_vlen(t); i++, off += sizeof(int)) {
		struct btf_type *vt = copy_of(f, vi[i].type);

		if (btf_kind(vt) == BTF_KIND_FUNC && f->dummy_id) {
			struct btf_type *proto = copy_of(f, vt->type);
			struct btf_param *pa = (struct btf_param *)(proto + 1);

			/* the kernel wants named parameters in a global FUNC */
			for (unsigned k = 0; k < btf_vlen(proto); k++)
				if (pa[k].type && !pa[k].name_off)
					pa[k].name_off = f->dummy_name;
			vt->info = (vt->info & ~0xffffu) | BTF_FUNC_GLOBAL;
			vi[i].type = f->dummy_id;
		} else if (btf_kind(vt) == BTF_KIND_VAR) {
			((struct btf_var *)(vt + 1))->linkage = BTF_VAR_GLOBAL_ALLOCATED;
			vt->type = f->int_id;
		}
		vi[i].offset = off;
		vi[i].size = sizeof(int);
	}
	t->size = off;
}

static void fix_hidden_funcs(const struct fix *f)
{
	for (size_t i = 0; i < f->obj->nprogs; i++) {
		const struct obj_prog *p = &f->obj->progs[i];
		struct btf_type *t;

		if (!p->is_subprog || !p->is_hidden || !p->btf_func_id)
			continue;
		t = copy_of(f, p->btf_func_id);
		if (btf_vlen(t) == BTF_FUNC_GLOBAL)
			t->info = ((uint32_t)BTF_KIND_FUNC << 24) | BTF_FUNC_STATIC;
	}
}

static int vsi_cmp(const void *a, const void *b)
{
	const struct btf_var_secinfo *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static void fix_datasec(const struct fix *f, struct btf_type *t, const char *name)
{
	struct btf_var_secinfo *vi = (struct btf_var_secinfo *)(t + 1);
	size_t shndx = elf_find_section(&f->obj->elf, name);

	if (!strcmp(name, ".kconfig") && f->obj->has_kconfig_map) {
		fix_kconfig(f, t, vi);
	} else if (!strcmp(name, ".ksyms")) {
		fix_ksyms(f, t, vi);
	} else if (shndx) {
		if (!t->size)
			t->size = (uint32_t)f->obj->elf.shdrs[shndx].sh_size;
		for (unsigned i = 0; i < btf_vlen(t); i++)
			sym_value(f->obj, shndx, btf_type_name(f->btf, vi[i].type),
				  &vi[i].offset);
	}
	/* the kernel wants a DATASEC's variables in ascending offsets */
	qsort(vi, btf_vlen(t), sizeof(*vi), vsi_cmp);
}

static uint32_t find_int4(const struct btf *btf)
{
	for (uint32_t id = 1; id < btf_type_cnt(btf); id++) {
		const struct btf_type *t = btf_type_by_id(btf, id);

		if (btf_kind(t) == BTF_KIND_INT && t->size == 4 &&
		    !(BTF_INT_ENCODING(btf_int_info(t)) & BTF_INT_BOOL))
			return id;
	}
	return 0;
}

static int needs_dummy(const struct btf *btf)
{
	int id = btf_find_by_name_kind(btf, ".ksyms", BTF_KIND_DATASEC);
	const struct btf_type *sec = id > 0 ? btf_type_by_id(btf, (uint32_t)id) : NULL;

	for (unsigned i = 0; sec && i < btf_vlen(sec); i++)
		if (btf_kind(btf_type_by_id(btf, btf_var_secinfos(sec)[i].type)) == BTF_KIND_FUNC)
			return 1;
	return 0;
}

int btf_fixup(const struct object *obj, uint8_t **out, size_t *len, struct errbuf *eb)
{
	const struct btf *btf = obj->btf;
	struct fix f = { obj, btf, NULL, NULL, 0, 0, 0 };
	size_t extra_t, extra_s, hdr, tlen, slen;
	struct btf_header *h;
	uint8_t *copy;

	*out = NULL;
	*len = 0;
	if (!btf)
		return 0;
	f.int_id = find_int4(btf);
	/* The appended VAR: a btf_type, its btf_var, and its name. */
	extra_t = needs_dummy(btf) && f.int_id ? sizeof(struct btf_type) + sizeof(struct btf_var) : 0;
	extra_s = extra_t ? sizeof(DUMMY_NAME) : 0;
	hdr = btf->hdr->hdr_len;
	tlen = btf->hdr->type_len;
	slen = btf->hdr->str_len;
	copy = calloc(1, hdr + tlen + extra_t + slen + extra_s);
	if (!copy)
		return err_set(eb, -ENOMEM, "out of memory");
	/* Laid out header, types, strings, whatever the input's offsets. */
	memcpy(copy, btf->hdr, hdr);
	memcpy(copy + hdr, btf->types, tlen);
	memcpy(copy + hdr + tlen + extra_t, btf->strs, slen);
	h = (struct btf_header *)copy;
	h->type_off = 0;
	h->type_len = (uint32_t)(tlen + extra_t);
	h->str_off = h->type_len;
	h->str_len = (uint32_t)(slen + extra_s);
	f.types = copy + hdr;
	f.strs = (char *)copy + hdr + h->str_off;
	if (extra_t) {
		struct btf_type *v = (struct btf_type *)(f.types + tlen);

		memcpy(f.strs + slen, DUMMY_NAME, sizeof(DUMMY_NAME));
		v->name_off = f.dummy_name = (uint32_t)slen;
		v->info = (uint32_t)BTF_KIND_VAR << 24;
		v->type = f.int_id;
		((struct btf_var *)(v + 1))->linkage = BTF_VAR_GLOBAL_ALLOCATED;
		f.dummy_id = btf_type_cnt(btf);
	}
	for (uint32_t id = btf->start_id; id < btf_type_cnt(btf); id++) {
		const struct btf_type *orig = btf_type_by_id(btf, id);

		if (btf_kind(orig) == BTF_KIND_DATASEC)
			fix_datasec(&f, copy_of(&f, id), btf_str(btf, orig->name_off));
	}
	fix_hidden_funcs(&f);
	*out = copy;
	*len = hdr + h->str_off + h->str_len;
	return 0;
}
