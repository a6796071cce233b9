/*
 * elf/maps.c - map definitions: BTF-defined (.maps) and legacy (maps).
 *
 * A BTF-defined map is a global variable in SEC(".maps") whose *type*
 * carries the definition; its value is all zero. The libbpf macros encode
 * each field in a member's type, where BTF keeps it:
 *
 *   __uint(max_entries, 1024)  ->  int (*max_entries)[1024];
 *        a pointer to an array whose element count is the value
 *   __type(key, u32)           ->  u32 *key;
 *        a pointer to the key's type: its size and its BTF id
 *   __ulong(map_extra, N)      ->  enum { __unique_value0 = N } map_extra;
 *        an enum whose one value is N (64 bits: an arena's address)
 *   __array(values, struct inner) -> struct inner *values[];
 *        an empty array of pointers: the inner map's definition (map in
 *        map) or a function prototype (prog array); the elements, if any,
 *        are set by relocations in .rel.maps (see object.c)
 *
 * So reading a definition means walking the struct's members and decoding
 * each one's type, never reading the variable's bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object_internal.h"
#include "uapi.h"

/* __uint(name, N): PTR -> ARRAY[N]; returns N. */
static int member_uint(const struct btf *btf, const struct btf_member *m,
		       uint32_t *val, struct errbuf *eb)
{
	const struct btf_type *t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, m->type));
	const struct btf_type *arr;

	if (!t || btf_kind(t) != BTF_KIND_PTR)
		return err_set(eb, -EINVAL, "field '%s' is not __uint() (not a pointer)",
			       btf_str(btf, m->name_off));
	arr = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, t->type));
	if (!arr || btf_kind(arr) != BTF_KIND_ARRAY)
		return err_set(eb, -EINVAL,
			       "field '%s' is not __uint() (not a pointer to an array)",
			       btf_str(btf, m->name_off));
	*val = btf_array(arr)->nelems;
	return 0;
}

/* __ulong(name, N): a member of an anonymous enum whose one value is N
 * (libbpf's bpf_helpers.h since 1.4: a pointer-to-array's count holds 32
 * bits, an enum's value 64, as map_extra needs for an arena's address).
 * clang makes it an ENUM when N fits 32 bits, else an ENUM64. __uint()
 * is taken too, as libbpf takes either. */
static int member_ulong(const struct btf *btf, const struct btf_member *m,
			uint64_t *val, struct errbuf *eb)
{
	const struct btf_type *t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, m->type));
	uint32_t v32;
	int err;

	if (t && (btf_kind(t) == BTF_KIND_ENUM || btf_kind(t) == BTF_KIND_ENUM64)) {
		if (btf_vlen(t) != 1)
			return err_set(eb, -EINVAL, "field '%s' is not __ulong() (an enum of "
				       "%u values, not 1)", btf_str(btf, m->name_off),
				       btf_vlen(t));
		*val = btf_kind(t) == BTF_KIND_ENUM ? (uint32_t)btf_enums(t)[0].val :
			btf_enum64_value(&btf_enum64s(t)[0]);
		return 0;
	}
	if ((err = member_uint(btf, m, &v32, eb)))
		return err_set(eb, err, "field '%s' is neither __ulong() nor __uint()",
			       btf_str(btf, m->name_off));
	*val = v32;
	return 0;
}

/* __type(name, T): PTR -> T; returns T's id and size. */
static int member_type(const struct btf *btf, const struct btf_member *m,
		       uint32_t *id, uint32_t *size, struct errbuf *eb)
{
	const struct btf_type *t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, m->type));
	uint64_t sz;
	int err;

	if (!t || btf_kind(t) != BTF_KIND_PTR)
		return err_set(eb, -EINVAL, "field '%s' is not __type() (not a pointer)",
			       btf_str(btf, m->name_off));
	err = btf_type_size(btf, t->type, &sz, eb);
	if (err)
		return err_prefix(eb, err, "field '%s'", btf_str(btf, m->name_off));
	if (sz > UINT32_MAX)
		return err_set(eb, -E2BIG, "field '%s': type of %" PRIu64 " bytes",
			       btf_str(btf, m->name_off), sz);
	*id = t->type;
	*size = (uint32_t)sz;
	return 0;
}

static int set_size(uint32_t *field, uint32_t val, const char *what,
		    struct errbuf *eb)
{
	if (*field && *field != val)
		return err_set(eb, -EINVAL, "%s is given twice, as %u and as %u",
			       what, *field, val);
	*field = val;
	return 0;
}

/* __array(values, ...): an ARRAY of PTR to a STRUCT (inner map) or a
 * FUNC_PROTO (prog array). Returns the STRUCT's id, or 0 for a prototype. */
static int member_values(const struct btf *btf, const struct btf_member *m,
			 uint32_t *inner_struct, struct errbuf *eb)
{
	const struct btf_type *arr = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, m->type));
	const struct btf_type *ptr, *t;

	if (!arr || btf_kind(arr) != BTF_KIND_ARRAY)
		return err_set(eb, -EINVAL, "field 'values' is not __array() (not an array)");
	ptr = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, btf_array(arr)->type));
	if (!ptr || btf_kind(ptr) != BTF_KIND_PTR)
		return err_set(eb, -EINVAL, "field 'values' is not an array of pointers");
	t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, ptr->type));
	if (t && btf_kind(t) == BTF_KIND_STRUCT) {
		*inner_struct = btf_skip_mods_typedefs(btf, ptr->type);
		return 0;
	}
	if (t && btf_kind(t) == BTF_KIND_FUNC_PROTO) {
		*inner_struct = 0;
		return 0;
	}
	return err_set(eb, -EINVAL,
		       "field 'values' points to %s, expected a map definition "
		       "struct or a function prototype",
		       t ? btf_kind_name(btf_kind(t)) : "void");
}

/*
 * Decode definition struct @struct_id into @m. @inner_struct gets the
 * inner-map definition's struct id, 0 if none.
 */
int maps_parse_btf_def(const struct btf *btf, uint32_t struct_id,
		       struct obj_map *m, uint32_t *inner_struct,
		       struct errbuf *eb)
{
	const struct btf_type *st = btf_type_by_id(btf, struct_id);
	const struct btf_member *mem;
	uint32_t ksz = 0, vsz = 0;
	int err = 0;

	*inner_struct = 0;
	if (!st || btf_kind(st) != BTF_KIND_STRUCT)
		return err_set(eb, -EINVAL, "definition is not a struct (BTF type [%u])",
			       struct_id);
	mem = btf_members(st);
	for (unsigned i = 0; i < btf_vlen(st) && !err; i++) {
		const char *f = btf_str(btf, mem[i].name_off);
		uint32_t v = 0;

		if (!strcmp(f, "type"))
			err = member_uint(btf, &mem[i], &m->type, eb);
		else if (!strcmp(f, "max_entries"))
			err = member_uint(btf, &mem[i], &m->max_entries, eb);
		else if (!strcmp(f, "map_flags"))
			err = member_uint(btf, &mem[i], &m->map_flags, eb);
		else if (!strcmp(f, "numa_node"))
			err = member_uint(btf, &mem[i], &m->numa_node, eb);
		else if (!strcmp(f, "pinning"))
			err = member_uint(btf, &mem[i], &m->pinning, eb);
		else if (!strcmp(f, "map_extra"))
			err = member_ulong(btf, &mem[i], &m->map_extra, eb);
		else if (!strcmp(f, "key_size")) {
			if (!(err = member_uint(btf, &mem[i], &v, eb)))
				err = set_size(&ksz, v, "key size", eb);
		} else if (!strcmp(f, "value_size")) {
			if (!(err = member_uint(btf, &mem[i], &v, eb)))
				err = set_size(&vsz, v, "value size", eb);
		} else if (!strcmp(f, "key")) {
			if (!(err = member_type(btf, &mem[i], &m->btf_key_type_id, &v, eb)))
				err = set_size(&ksz, v, "key size", eb);
		} else if (!strcmp(f, "value")) {
			if (!(err = member_type(btf, &mem[i], &m->btf_value_type_id, &v, eb)))
				err = set_size(&vsz, v, "value size", eb);
		} else if (!strcmp(f, "values")) {
			err = member_values(btf, &mem[i], inner_struct, eb);
			m->values_off = btf_member_bit_offset(st, i) / 8;
			m->has_values = 1;
		} else {
			/* libbpf 1.x refuses unknown fields too: a typo such
			 * as "max_entry" would otherwise be silently ignored. */
			err = err_set(eb, -EINVAL, "unknown field '%s'", f);
		}
	}
	if (err)
		return err;
	if (m->pinning > 1)
		return err_set(eb, -EINVAL,
			       "pinning %u: only 0 (none) and 1 (LIBBPF_PIN_BY_NAME) exist",
			       m->pinning);
	m->key_size = ksz;
	m->value_size = vsz;
	/* Map-in-map values are fds in user space, 4 bytes (libbpf sets
	 * value_size the same way when only "values" is given). */
	if (m->has_values && !vsz)
		m->value_size = 4;
	return 0;
}

/*
 * Legacy definitions: SEC("maps") holds struct bpf_map_def records, one
 * per symbol, as in samples/bpf and aya. Newer fields (map_flags, then
 * inner_map_idx, numa_node) were appended over time, so the record size
 * is the section size divided by the symbols in it, and fields beyond it
 * stay zero.
 */
struct legacy_map_def {
	uint32_t type, key_size, value_size, max_entries, map_flags;
};

int maps_collect_legacy(struct object *obj, struct errbuf *eb)
{
	const struct elf_file *ef = &obj->elf;
	size_t shndx = obj->legacy_maps_shndx, nsyms = 0, recsz;
	const uint8_t *bytes;
	size_t len;
	int err;

	err = elf_section_bytes(ef, shndx, (const void **)&bytes, &len, eb);
	if (err)
		return err;
	for (size_t i = 1; i < ef->nsyms; i++)
		if (ef->syms[i].st_shndx == shndx &&
		    ELF64_ST_TYPE(ef->syms[i].st_info) != STT_SECTION)
			nsyms++;
	if (!nsyms)
		return 0;
	recsz = len / nsyms;
	if (recsz < 4 * sizeof(uint32_t) || len % nsyms)
		return err_set(eb, -EINVAL,
			       "section %zu 'maps': %zu bytes for %zu map symbols is not "
			       "a whole number of struct bpf_map_def", shndx, len, nsyms);
	for (size_t i = 1; i < ef->nsyms; i++) {
		const Elf64_Sym *s = &ef->syms[i];
		struct legacy_map_def d = { 0 };
		struct obj_map *m;

		if (s->st_shndx != shndx || ELF64_ST_TYPE(s->st_info) == STT_SECTION)
			continue;
		if (s->st_value % recsz)
			return err_set(eb, -EINVAL,
				       "section %zu 'maps': map '%s' at offset 0x%" PRIx64
				       " is not on a %zu-byte record boundary",
				       shndx, elf_sym_name(ef, i), (uint64_t)s->st_value, recsz);
		memcpy(&d, bytes + s->st_value, recsz < sizeof(d) ? recsz : sizeof(d));
		m = obj_add_map(obj, eb);
		if (!m)
			return -ENOMEM;
		m->name = elf_sym_name(ef, i);
		obj_map_kernel_name(m->name, m->kernel_name);
		m->origin = MAP_LEGACY;
		m->type = d.type;
		m->key_size = d.key_size;
		m->value_size = d.value_size;
		m->max_entries = d.max_entries;
		m->map_flags = d.map_flags;
		m->shndx = shndx;
		m->sec_off = s->st_value;
	}
	return 0;
}

/* The offset and size a variable has in its section: its ELF symbol is
 * authoritative (clang may leave DATASEC offsets for the linker). The
 * first (lowest-index) symbol of that name in that section, found in the
 * index obj_open built (object.c, index_symbols). */
static int symkey_cmp(size_t shndx, const char *name, const struct obj_symkey *k)
{
	if (shndx != k->shndx)
		return shndx < k->shndx ? -1 : 1;
	return strcmp(name, k->name);
}

size_t obj_find_symbol(const struct object *obj, size_t shndx, const char *name, int type)
{
	size_t lo = 0, hi = obj->nsymidx;

	while (lo < hi) {	/* the first key >= (shndx, name) */
		size_t mid = lo + (hi - lo) / 2;

		if (symkey_cmp(shndx, name, &obj->symidx[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* equal keys are in symbol-table order: the first of @type wins */
	for (; lo < obj->nsymidx && !symkey_cmp(shndx, name, &obj->symidx[lo]); lo++) {
		size_t sym = obj->symidx[lo].sym;

		if (type < 0 || (int)ELF64_ST_TYPE(obj->elf.syms[sym].st_info) == type)
			return sym;
	}
	return 0;
}

static int add_inner_map(struct object *obj, size_t outer, uint32_t inner_struct,
			 struct errbuf *eb)
{
	struct obj_map *m = obj_add_map(obj, eb);
	size_t idx = obj->nmaps - 1;
	uint32_t nested;
	char *name;
	int err;

	if (!m)
		return -ENOMEM;
	if (asprintf(&name, "%s.inner", obj->maps[outer].name) < 0)
		return err_set(eb, -ENOMEM, "out of memory");
	m->name = m->name_owned = name;
	m->origin = MAP_INNER;
	obj_map_kernel_name(name, m->kernel_name);
	m->shndx = obj->maps[outer].shndx;
	m->sec_off = obj->maps[outer].sec_off;
	err = maps_parse_btf_def(obj->btf, inner_struct, m, &nested, eb);
	if (err)
		return err_prefix(eb, err, "inner map");
	if (nested)
		return err_set(eb, -EINVAL, "inner map is itself a map of maps");
	obj->maps[outer].inner = (int)idx;
	return 0;
}

int maps_collect_btf(struct object *obj, struct errbuf *eb)
{
	const struct btf *btf = obj->btf;
	const struct btf_type *sec;
	const struct btf_var_secinfo *vi;
	int sec_id;

	if (!btf)
		return err_set(eb, -EINVAL,
			       "section '.maps' needs the object's BTF, and there is "
			       "no .BTF section: compile with clang -g");
	sec_id = btf_find_by_name_kind(btf, ".maps", BTF_KIND_DATASEC);
	if (sec_id < 0)
		return err_set(eb, -EINVAL, "section '.maps' has no DATASEC in .BTF");
	sec = btf_type_by_id(btf, (uint32_t)sec_id);
	vi = btf_var_secinfos(sec);
	for (unsigned i = 0; i < btf_vlen(sec); i++) {
		const struct btf_type *var = btf_type_by_id(btf, vi[i].type);
		uint32_t inner_struct;
		struct obj_map *m;
		size_t idx, sym;
		int err;

		if (!var || btf_kind(var) != BTF_KIND_VAR)
			return err_set(eb, -EINVAL,
				       "'.maps' DATASEC entry %u is not a variable", i);
		m = obj_add_map(obj, eb);
		if (!m)
			return -ENOMEM;
		idx = obj->nmaps - 1;
		m->name = btf_str(btf, var->name_off);
		m->origin = MAP_BTF;
		m->btf_var_id = vi[i].type;
		m->shndx = obj->maps_shndx;
		obj_map_kernel_name(m->name, m->kernel_name);
		sym = obj_find_symbol(obj, obj->maps_shndx, m->name, -1);
		m->sec_off = sym ? obj->elf.syms[sym].st_value : vi[i].offset;
		err = maps_parse_btf_def(btf, btf_skip_mods_typedefs(btf, var->type),
					 m, &inner_struct, eb);
		if (!err && inner_struct)
			err = add_inner_map(obj, idx, inner_struct, eb);
		if (err)
			return err_prefix(eb, err, "map '%s'", obj->maps[idx].name);
	}
	return 0;
}

int obj_map_unsized(uint32_t type)
{
	return type == BPF_MAP_TYPE_SK_STORAGE || type == BPF_MAP_TYPE_INODE_STORAGE ||
	       type == BPF_MAP_TYPE_TASK_STORAGE || type == RL_BPF_MAP_TYPE_CGRP_STORAGE ||
	       type == BPF_MAP_TYPE_CGROUP_STORAGE ||
	       type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

int obj_map_check(const struct obj_map *m, uint32_t ncpus, struct errbuf *eb)
{
	int array = m->type == BPF_MAP_TYPE_ARRAY || m->type == BPF_MAP_TYPE_PERCPU_ARRAY ||
		    m->type == BPF_MAP_TYPE_PROG_ARRAY || m->type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
		    m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY || m->type == BPF_MAP_TYPE_CGROUP_ARRAY;
	int keyed = array || m->type == BPF_MAP_TYPE_HASH || m->type == BPF_MAP_TYPE_LRU_HASH ||
		    m->type == BPF_MAP_TYPE_PERCPU_HASH || m->type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
		    m->type == BPF_MAP_TYPE_HASH_OF_MAPS || m->type == BPF_MAP_TYPE_LPM_TRIE;
	uint64_t bytes;

	if (keyed && !m->key_size)
		return err_set(eb, -EINVAL, "map '%s': a %s map needs a key, and key_size is 0",
			       m->name, obj_map_type_name(m->type));
	if (keyed && !m->value_size)
		return err_set(eb, -EINVAL, "map '%s': a %s map needs a value, and value_size "
			       "is 0", m->name, obj_map_type_name(m->type));
	if (array && m->key_size != 4)
		return err_set(eb, -EINVAL, "map '%s': a %s map is indexed by a 4-byte key, "
			       "and key_size is %u", m->name, obj_map_type_name(m->type),
			       m->key_size);
	/* arrays are allocated whole at creation: value rounded up to 8
	 * bytes, and a per-CPU array once for every possible CPU */
	bytes = (uint64_t)m->max_entries * (((uint64_t)m->value_size + 7) & ~7ull);
	if (m->type == BPF_MAP_TYPE_PERCPU_ARRAY)
		bytes *= ncpus ? ncpus : 1;
	if (array && bytes > (4ull << 30))
		return err_set(eb, -E2BIG, "map '%s': %u entries of %u bytes%s is %" PRIu64
			       " MiB, allocated at creation; over rawload's limit of 4 GiB "
			       "(--resize %s=N to choose)", m->name, m->max_entries,
			       m->value_size, m->type == BPF_MAP_TYPE_PERCPU_ARRAY ?
			       (ncpus > 1 ? " on each CPU" : " (per CPU)") : "",
			       bytes >> 20, m->name);
	return 0;
}
