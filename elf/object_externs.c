/*
 * elf/object_externs.c - the object's extern symbols: which are .kconfig
 * values and which are .ksyms (kernel variables and kfuncs), read from the
 * undefined ELF symbols and the object's BTF; and the .kconfig map that
 * holds the values, laid out as libbpf lays it out. relo/extern.c fills in
 * the values against the running kernel.
 */
#include "object_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* libbpf's placement of .kconfig values (cmp_externs): by alignment
 * descending, then size ascending, then name, each aligned in turn. The
 * offsets become ld_imm64 immediates, so they must match libbpf's. */
static int kconfig_cmp(const void *a, const void *b)
{
	const struct obj_extern *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->kind == EXTERN_KCONFIG) {
		uint32_t ax = x->offset, ay = y->offset; /* alignment, for now */

		if (ax != ay)
			return ax > ay ? -1 : 1;
		if (x->size != y->size)
			return x->size < y->size ? -1 : 1;
	}
	return strcmp(x->name, y->name);
}

static uint32_t type_align(const struct btf *btf, uint32_t id, uint32_t size)
{
	const struct btf_type *t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, id));

	if (t && btf_kind(t) == BTF_KIND_ARRAY)
		return type_align(btf, btf_array(t)->type, 1);
	if (t && (btf_kind(t) == BTF_KIND_INT || btf_kind(t) == BTF_KIND_ENUM ||
		  btf_kind(t) == BTF_KIND_ENUM64 || btf_kind(t) == BTF_KIND_PTR)) {
		uint64_t sz = 0;

		btf_type_size(btf, id, &sz, NULL);
		return sz >= 8 ? 8 : sz ? (uint32_t)sz : 1;
	}
	return size >= 8 ? 8 : size ? size : 1;
}

static int fill_extern_btf(struct object *obj, struct obj_extern *x,
			   struct errbuf *eb)
{
	const struct btf *btf = obj->btf;
	static const char *const secs[] = { ".kconfig", ".ksyms" };

	for (size_t s = 0; btf && s < 2; s++) {
		int id = btf_find_by_name_kind(btf, secs[s], BTF_KIND_DATASEC);
		const struct btf_var_secinfo *vi;
		const struct btf_type *sec;

		if (id < 0)
			continue;
		sec = btf_type_by_id(btf, (uint32_t)id);
		vi = btf_var_secinfos(sec);
		for (unsigned i = 0; i < btf_vlen(sec); i++) {
			const struct btf_type *t = btf_type_by_id(btf, vi[i].type);

			if (!t || strcmp(btf_str(btf, t->name_off), x->name))
				continue;
			x->kind = s == 0 ? EXTERN_KCONFIG : EXTERN_KSYM;
			x->btf_id = vi[i].type;
			x->is_func = btf_kind(t) == BTF_KIND_FUNC;
			if (btf_kind(t) == BTF_KIND_VAR) {
				uint64_t sz = 0;

				x->type_id = btf_skip_mods_typedefs(btf, t->type);
				if (x->type_id && btf_type_size(btf, t->type, &sz, NULL) == 0)
					x->size = (uint32_t)sz;
			}
			return 0;
		}
	}
	/* An extern function without a DATASEC entry is a kfunc declared
	 * with __ksym in a header (FUNC with extern linkage). */
	if (btf) {
		int id = btf_find_by_name_kind(btf, x->name, BTF_KIND_FUNC);

		if (id > 0) {
			x->kind = EXTERN_KSYM;
			x->is_func = 1;
			x->btf_id = (uint32_t)id;
			return 0;
		}
	}
	return err_set(eb, -EINVAL,
		       "extern '%s' is in neither .kconfig nor .ksyms: declare it "
		       "with __kconfig or __ksym", x->name);
}

int obj_collect_externs(struct object *obj, struct errbuf *eb)
{
	const struct elf_file *ef = &obj->elf;
	uint32_t off = 0;
	int err;

	for (size_t i = 1; i < ef->nsyms; i++) {
		const Elf64_Sym *s = &ef->syms[i];
		unsigned bind = ELF64_ST_BIND(s->st_info);
		struct obj_extern *x;

		if (s->st_shndx != SHN_UNDEF || (bind != STB_GLOBAL && bind != STB_WEAK) ||
		    !*elf_sym_name(ef, i))
			continue;
		if (obj_grow((void **)&obj->externs, &obj->nexterns, sizeof(*x), eb))
			return -ENOMEM;
		x = &obj->externs[obj->nexterns - 1];
		x->name = elf_sym_name(ef, i);
		x->sym = i;
		x->is_weak = bind == STB_WEAK;
		err = fill_extern_btf(obj, x, eb);
		if (err)
			return err;
		if (x->kind == EXTERN_KCONFIG) {
			if (!x->size)
				return err_set(eb, -EINVAL,
					       "extern '%s' __kconfig has no sized type", x->name);
			x->offset = type_align(obj->btf, x->type_id, x->size);
		}
	}
	if (obj->nexterns)
		qsort(obj->externs, obj->nexterns, sizeof(*obj->externs), kconfig_cmp);
	for (size_t i = 0; i < obj->nexterns; i++) {
		struct obj_extern *x = &obj->externs[i];
		uint32_t align;

		if (x->kind != EXTERN_KCONFIG)
			continue;
		align = x->offset;
		off = (off + align - 1) / align * align;
		x->offset = off;
		off += x->size;
	}
	if (off) {
		/* .kconfig has no ELF section: the map is rawload's own, sized
		 * to hold every extern, read-only like .rodata. */
		struct obj_map *m = obj_add_map(obj, eb);

		if (!m)
			return -ENOMEM;
		m->name = ".kconfig";
		m->origin = MAP_DATA;
		m->data_kind = DATA_KCONFIG;
		m->type = BPF_MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->value_size = off;
		m->data_size = off;
		m->max_entries = 1;
		obj_internal_map_name(obj->name, ".kconfig", m->kernel_name);
		if (obj->btf) {
			int id = btf_find_by_name_kind(obj->btf, ".kconfig", BTF_KIND_DATASEC);

			m->datasec_id = id > 0 ? (uint32_t)id : 0;
		}
		obj->kconfig_map = obj->nmaps - 1;
		obj->has_kconfig_map = 1;
	}
	return 0;
}
