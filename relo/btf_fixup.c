/*
 * relo/btf_fixup.c - the object's BTF as the kernel must receive it.
 *
 * clang writes each DATASEC (.data, .rodata, .bss, .maps, license, ...)
 * with size 0 and every variable at offset 0: the final layout is the
 * linker's business, and for a BPF object the loader is the linker. The
 * kernel's BTF check refuses a DATASEC whose variables do not fit its
 * size, so before BPF_BTF_LOAD the sizes come from the ELF sections and
 * the offsets from the ELF symbols (what libbpf's btf_fixup_datasec does).
 * .kconfig has no section: its size and offsets are rawload's own layout
 * of the extern values (elf/object.c).
 */
#include "btf_fixup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void fix_datasec(const struct object *obj, struct btf_type *t,
			struct btf_var_secinfo *vi, const char *name)
{
	const struct btf *btf = obj->btf;
	size_t shndx = elf_find_section(&obj->elf, name);

	if (!strcmp(name, ".kconfig") && obj->has_kconfig_map) {
		t->size = obj->maps[obj->kconfig_map].value_size;
		for (unsigned i = 0; i < btf_vlen(t); i++) {
			const char *vn = btf_type_name(btf, vi[i].type);

			for (size_t k = 0; k < obj->nexterns; k++)
				if (!strcmp(obj->externs[k].name, vn))
					vi[i].offset = obj->externs[k].offset;
		}
		return;
	}
	if (!shndx)
		return;
	if (!t->size)
		t->size = (uint32_t)obj->elf.shdrs[shndx].sh_size;
	for (unsigned i = 0; i < btf_vlen(t); i++) {
		const char *vn = btf_type_name(btf, vi[i].type);

		for (size_t s = 1; s < obj->elf.nsyms; s++) {
			const Elf64_Sym *sym = &obj->elf.syms[s];

			if (sym->st_shndx == shndx &&
			    ELF64_ST_TYPE(sym->st_info) == STT_OBJECT &&
			    !strcmp(elf_sym_name(&obj->elf, s), vn)) {
				vi[i].offset = (uint32_t)sym->st_value;
				break;
			}
		}
	}
}

int btf_fixup(const struct object *obj, uint8_t **out, size_t *len,
	      struct errbuf *eb)
{
	const struct btf *btf = obj->btf;
	uint8_t *copy;

	*out = NULL;
	*len = 0;
	if (!btf)
		return 0;
	copy = malloc(btf->size);
	if (!copy)
		return err_set(eb, -ENOMEM, "out of memory");
	memcpy(copy, btf->data, btf->size);
	for (uint32_t id = btf->start_id; id < btf_type_cnt(btf); id++) {
		const struct btf_type *orig = btf_type_by_id(btf, id);
		size_t off = (size_t)((const uint8_t *)orig - btf->data);
		struct btf_type *t = (struct btf_type *)(copy + off);

		if (btf_kind(orig) == BTF_KIND_DATASEC)
			fix_datasec(obj, t, (struct btf_var_secinfo *)(t + 1),
				    btf_str(btf, orig->name_off));
	}
	*out = copy;
	*len = btf->size;
	return 0;
}
