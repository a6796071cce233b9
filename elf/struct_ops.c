/*
 * elf/struct_ops.c - struct_ops variables: tables of function pointers
 * that the kernel calls, filled with BPF programs.
 *
 * A BPF program can implement a kernel interface that is a struct of
 * function pointers (struct tcp_congestion_ops, struct sched_ext_ops,
 * ...). The object declares one variable of that struct per
 * implementation, in SEC(".struct_ops") or SEC(".struct_ops.link"), and
 * sets its function pointers to programs of SEC("struct_ops/NAME"):
 *
 *   SEC(".struct_ops.link")
 *   struct tcp_congestion_ops rl_cc = {       <- one map, BPF_MAP_TYPE_STRUCT_OPS
 *           .ssthresh = (void *)rl_ssthresh,  <- an R_BPF_64_ABS64 relocation in
 *           .name = "rl_cc",                     .rel.struct_ops.link at the
 *   };                                           member's offset, to rl_ssthresh
 *
 * The variable's bytes hold the data members (name, flags) as the
 * compiler laid them out; the function pointers are zero there, and the
 * relocations say which program each one is. Everything in this file
 * comes from the object alone: the variable, its struct type in .BTF,
 * and the member -> program pairs. Matching them with the running
 * kernel's struct (its layout, the member indexes a program is loaded
 * with) is relo/struct_ops.c's job.
 *
 * The two sections differ only in how the map is registered: ".link"
 * maps are created with BPF_F_LINK and registered by BPF_LINK_CREATE
 * (kernel 6.4+); plain ".struct_ops" maps register when their value is
 * written (BPF_MAP_UPDATE_ELEM) and unregister on BPF_MAP_DELETE_ELEM.
 *
 * Source of truth: kernel/bpf/bpf_struct_ops.c (the map type), libbpf's
 * handling of the same sections (it names the map after the variable).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object_internal.h"

#define SEC_STRUCT_OPS ".struct_ops"
#define SEC_STRUCT_OPS_LINK ".struct_ops.link"

/* Is member @i of struct @st a pointer to a function? */
static int member_is_func_ptr(const struct btf *btf, const struct btf_type *st, unsigned i)
{
	const struct btf_type *t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf,
							btf_members(st)[i].type));

	if (!t || btf_kind(t) != BTF_KIND_PTR)
		return 0;
	t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, t->type));
	return t && btf_kind(t) == BTF_KIND_FUNC_PROTO;
}

/* One variable of the section's DATASEC -> one map. Its place comes from
 * its ELF symbol: clang leaves the DATASEC's offsets zero (the loader
 * fills them in, relo/btf_fixup.c). */
static int add_var(struct object *obj, size_t shndx, int link, uint32_t var_id,
		   const uint8_t *bytes, size_t len, struct errbuf *eb)
{
	const struct btf *btf = obj->btf;
	const struct btf_type *var = btf_type_by_id(btf, var_id), *st;
	const char *name;
	struct obj_map *m;
	uint32_t sid;
	size_t sym;
	uint64_t off;

	if (!var || btf_kind(var) != BTF_KIND_VAR)
		return err_set(eb, -EINVAL, "DATASEC entry [%u] is not a variable", var_id);
	name = btf_str(btf, var->name_off);
	sid = btf_skip_mods_typedefs(btf, var->type);
	st = btf_type_by_id(btf, sid);
	if (!st || btf_kind(st) != BTF_KIND_STRUCT || !*btf_str(btf, st->name_off))
		return err_set(eb, -EINVAL, "variable '%s' is not of a named struct type: a "
			       "struct_ops variable must be the kernel interface's struct "
			       "(e.g. struct tcp_congestion_ops)", name);
	sym = obj_find_symbol(obj, shndx, name, -1);
	if (!sym)
		return err_set(eb, -EINVAL, "variable '%s' has no symbol in the section", name);
	off = obj->elf.syms[sym].st_value;
	if (off > len || len - off < st->size)
		return err_set(eb, -EINVAL, "variable '%s' at offset 0x%" PRIx64 " size %u lies "
			       "outside the section (%zu bytes)", name, off, st->size, len);
	m = obj_add_map(obj, eb);
	if (!m)
		return -ENOMEM;
	m->name = name;
	m->origin = MAP_STRUCT_OPS;
	m->type = BPF_MAP_TYPE_STRUCT_OPS;
	/* the kernel's shape for the type: one entry, key 0 */
	m->key_size = 4;
	m->value_size = st->size;
	m->max_entries = 1;
	m->map_flags = link ? RL_BPF_F_LINK : 0;
	m->btf_var_id = var_id;
	m->shndx = shndx;
	m->sec_off = off;
	m->data = bytes + off;
	m->data_size = st->size;
	m->st_type_id = sid;
	m->st_type_name = btf_str(btf, st->name_off);
	/* libbpf names the map after the variable; the kernel keeps 15 bytes */
	obj_map_kernel_name(name, m->kernel_name);
	return 0;
}

/* The map of section @shndx whose variable covers byte @off, or NULL. */
static struct obj_map *map_at(struct object *obj, size_t shndx, uint64_t off)
{
	for (size_t i = 0; i < obj->nmaps; i++) {
		struct obj_map *m = &obj->maps[i];

		if (m->origin == MAP_STRUCT_OPS && m->shndx == shndx && off >= m->sec_off &&
		    off - m->sec_off < m->data_size)
			return m;
	}
	return NULL;
}

/* The program whose first instruction is at byte @off of section @shndx:
 * the function a relocation's symbol names. -1 if none. */
static int prog_at(const struct object *obj, size_t shndx, uint64_t off)
{
	for (size_t i = 0; i < obj->nprogs; i++)
		if (obj->progs[i].shndx == shndx && obj->progs[i].sec_off == off)
			return (int)i;
	return -1;
}

/* Relocation @k of @rs: member (at r_offset) = &program (the symbol). */
static int add_func(struct object *obj, const struct elf_rel_section *rs, size_t k,
		    struct errbuf *eb)
{
	const Elf64_Rel *r = &rs->rels[k];
	const Elf64_Sym *s = &obj->elf.syms[ELF64_R_SYM(r->r_info)];
	struct obj_map *m = map_at(obj, rs->target, r->r_offset);
	struct obj_st_func *f;
	const struct btf_type *st;
	uint64_t moff;
	unsigned i;
	int p;

	if (!m)
		return err_set(eb, -EINVAL, "relocation %zu at offset 0x%" PRIx64 " is not "
			       "inside any struct_ops variable", k, (uint64_t)r->r_offset);
	st = btf_type_by_id(obj->btf, m->st_type_id);
	moff = r->r_offset - m->sec_off;
	for (i = 0; i < btf_vlen(st); i++)
		if (btf_member_bit_offset(st, i) == moff * 8 && !btf_member_bitfield_size(st, i))
			break;
	if (i == btf_vlen(st) || !member_is_func_ptr(obj->btf, st, i))
		return err_set(eb, -EINVAL, "variable '%s': relocation %zu at +%" PRIu64 " is "
			       "not on a function pointer of struct %s", m->name, k, moff,
			       m->st_type_name);
	/* a function symbol names its own first byte; a section symbol
	 * (older compilers) would need the addend, which clang never
	 * emits here */
	p = s->st_shndx < obj->elf.shnum ? prog_at(obj, s->st_shndx, s->st_value) : -1;
	if (p < 0 || obj->progs[p].is_subprog ||
	    obj->progs[p].def->prog_type != BPF_PROG_TYPE_STRUCT_OPS)
		return err_set(eb, -EINVAL, "variable '%s': member '%s' points to '%s', which is "
			       "not a program in a SEC(\"struct_ops/...\") section", m->name,
			       btf_str(obj->btf, btf_members(st)[i].name_off),
			       elf_sym_name(&obj->elf, ELF64_R_SYM(r->r_info)));
	f = realloc(m->st_funcs, (m->nst_funcs + 1) * sizeof(*f));
	if (!f)
		return err_set(eb, -ENOMEM, "out of memory");
	m->st_funcs = f;
	m->st_funcs[m->nst_funcs].member = i;
	m->st_funcs[m->nst_funcs].prog = (size_t)p;
	m->nst_funcs++;
	return 0;
}

static int collect_section(struct object *obj, size_t shndx, int link, struct errbuf *eb)
{
	const struct elf_file *ef = &obj->elf;
	const char *name = elf_section_name(ef, shndx);
	const struct btf_var_secinfo *vi;
	const struct btf_type *sec;
	const void *bytes;
	size_t len;
	int id, err;

	if (!obj->btf)
		return err_set(eb, -EINVAL, "struct_ops variables are described by the "
			       "object's BTF, and it has none (build with clang -g)");
	id = btf_find_by_name_kind(obj->btf, name, BTF_KIND_DATASEC);
	if (id < 0)
		return err_set(eb, -EINVAL, "no DATASEC '%s' in .BTF to say which variables "
			       "the section holds", name);
	err = elf_section_bytes(ef, shndx, &bytes, &len, eb);
	if (err)
		return err;
	sec = btf_type_by_id(obj->btf, (uint32_t)id);
	vi = btf_var_secinfos(sec);
	for (unsigned i = 0; i < btf_vlen(sec); i++) {
		err = add_var(obj, shndx, link, vi[i].type, bytes, len, eb);
		if (err)
			return err;
	}
	for (size_t r = 1; r < ef->shnum; r++) {
		struct elf_rel_section rs;

		if (ef->shdrs[r].sh_type != SHT_REL || ef->shdrs[r].sh_info != shndx)
			continue;
		err = elf_rel_section(ef, r, &rs, eb);
		for (size_t k = 0; !err && k < rs.count; k++)
			err = add_func(obj, &rs, k, eb);
		if (err)
			return err_prefix(eb, err, "section %zu '%s'", r, elf_section_name(ef, r));
	}
	return 0;
}

int struct_ops_collect(struct object *obj, struct errbuf *eb)
{
	const struct elf_file *ef = &obj->elf;

	for (size_t i = 1; i < ef->shnum; i++) {
		const char *name = elf_section_name(ef, i);
		int link = !strcmp(name, SEC_STRUCT_OPS_LINK), err;

		if ((!link && strcmp(name, SEC_STRUCT_OPS)) || ef->shdrs[i].sh_size == 0 ||
		    ef->shdrs[i].sh_type != SHT_PROGBITS)
			continue;
		err = collect_section(obj, i, link, eb);
		if (err)
			return err_prefix(eb, err, "section %zu '%s'", i, name);
	}
	return 0;
}
