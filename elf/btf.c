/*
 * elf/btf.c - parsing and reading BTF (the API is in btf.h).
 *
 * Where it sits: object.c hands btf_parse() the bytes of an object's .BTF
 * section, and relo/core.c reads the target kernel's types through
 * btf_load_file("/sys/kernel/btf/vmlinux"). Both go through btf_parse(),
 * which checks everything once, so that the accessors afterwards can trust
 * the data and never fail.
 *
 * The format (include/uapi/linux/btf.h, Documentation/bpf/btf.rst):
 *
 *   data -> +----------------------+ struct btf_header (hdr_len bytes)
 *           | magic 0xeB9F, ver 1  |
 *           | type_off, type_len   | offsets count from the END of the
 *           | str_off,  str_len    | header, not from @data
 *           +----------------------+
 *           | type section         | records: a 12-byte struct btf_type,
 *           |  [1] INT 'int'       | then data whose length depends on the
 *           |  [2] PTR -> [1]      | kind and on vlen (a STRUCT carries
 *           |  [3] STRUCT 'task'   | vlen 12-byte members, a PTR nothing)
 *           |       + 3 members    |
 *           +----------------------+
 *           | string section       | "\0int\0task\0...": every name is a
 *           |                      | byte offset into it; 0 is ""
 *           +----------------------+
 *
 * The records carry no index: to find type [n] one must walk the n-1
 * records before it. So btf_parse() walks them once and keeps type_offs[],
 * one offset per id, and btf_type_by_id() is an array lookup.
 *
 * Split BTF (a kernel module's /sys/kernel/btf/<module>) has no types or
 * strings of its own below its base: its first record is id
 * btf_type_cnt(base), and its string offset 0 is base offset
 * base.str_len. Lookups below those numbers go to the base.
 *
 *   base (vmlinux)  ids 1 .. 126584    strings 0 .. 2.3M
 *   split (module)  ids 126585 ..      strings 2.3M ..
 *
 * Validation (btf_parse_steps[] below) follows what the kernel does before
 * it accepts BTF (kernel/bpf/btf.c: btf_parse_hdr, btf_check_all_metas,
 * btf_check_all_types) and what libbpf does (btf.c: btf_parse_hdr,
 * btf_parse_type_sec, btf_validate_type):
 *   1. header: magic, version, flags, the two sections inside the data,
 *      aligned, not overlapping;
 *   2. strings: NUL-terminated, so any offset inside is a C string;
 *   3. walk: each record's length by kind, inside the type section, and
 *      every name offset (types, members, enumerators, parameters);
 *   4. references: every type id a record mentions exists;
 *   5. cycles: the "points-to" chains (PTR, TYPEDEF, the modifiers, an
 *      ARRAY's element, VAR, FUNC, DECL_TAG) all end, so code following
 *      them (btf_skip_mods, btf_type_size, CO-RE) cannot loop.
 */
#include "btf.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The magic as a little-endian reader sees a big-endian producer's. */
#define BTF_MAGIC_SWAPPED 0x9FEB

/* How many typedefs, modifiers and array levels btf_type_size() and
 * btf_type_str() follow before giving up; libbpf's MAX_RESOLVE_DEPTH. */
#define BTF_RESOLVE_DEPTH 32

/* Colours of btf_check_cycles(): not seen, on the chain being walked,
 * known to end. */
enum { CHAIN_WHITE, CHAIN_GREY, CHAIN_BLACK };

static const char *const kind_names[NR_BTF_KINDS] = {
	[BTF_KIND_UNKN] = "UNKNOWN",	  [BTF_KIND_INT] = "INT",
	[BTF_KIND_PTR] = "PTR",		  [BTF_KIND_ARRAY] = "ARRAY",
	[BTF_KIND_STRUCT] = "STRUCT",	  [BTF_KIND_UNION] = "UNION",
	[BTF_KIND_ENUM] = "ENUM",	  [BTF_KIND_FWD] = "FWD",
	[BTF_KIND_TYPEDEF] = "TYPEDEF",	  [BTF_KIND_VOLATILE] = "VOLATILE",
	[BTF_KIND_CONST] = "CONST",	  [BTF_KIND_RESTRICT] = "RESTRICT",
	[BTF_KIND_FUNC] = "FUNC",	  [BTF_KIND_FUNC_PROTO] = "FUNC_PROTO",
	[BTF_KIND_VAR] = "VAR",		  [BTF_KIND_DATASEC] = "DATASEC",
	[BTF_KIND_FLOAT] = "FLOAT",	  [BTF_KIND_DECL_TAG] = "DECL_TAG",
	[BTF_KIND_TYPE_TAG] = "TYPE_TAG", [BTF_KIND_ENUM64] = "ENUM64",
};

const char *btf_kind_name(unsigned kind)
{
	if (kind < NR_BTF_KINDS && kind_names[kind])
		return kind_names[kind];
	return "UNKNOWN";
}

/* ---- accessors (trusted data: btf_parse() checked it) ---- */

uint32_t btf_type_cnt(const struct btf *btf)
{
	return btf->start_id + btf->nr_types;
}

const struct btf_type *btf_type_by_id(const struct btf *btf, uint32_t id)
{
	while (btf->base && id < btf->start_id)
		btf = btf->base;
	if (id < btf->start_id || id - btf->start_id >= btf->nr_types)
		return NULL; /* void (id 0), or past the end */
	return (const struct btf_type *)(btf->types +
					 btf->type_offs[id - btf->start_id]);
}

const char *btf_str_checked(const struct btf *btf, uint32_t off)
{
	while (btf->base && off < btf->start_str_off)
		btf = btf->base;
	if (off < btf->start_str_off || off - btf->start_str_off >= btf->str_len)
		return NULL;
	return btf->strs + (off - btf->start_str_off);
}

const char *btf_str(const struct btf *btf, uint32_t off)
{
	const char *s = btf_str_checked(btf, off);

	return s ? s : "";
}

const char *btf_type_name(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf_type_by_id(btf, id);

	return t ? btf_str(btf, t->name_off) : "";
}

/*
 * Put "type [id] KIND 'name': " in front of a message about type @id; the
 * name is left out for anonymous types. Safe on a half-checked btf: it
 * only looks at records already walked, and btf_str() bounds-checks.
 */
static int btf_type_err(const struct btf *btf, uint32_t id, struct errbuf *eb,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int btf_type_err(const struct btf *btf, uint32_t id, struct errbuf *eb,
			const char *fmt, ...)
{
	const struct btf_type *t = btf_type_by_id(btf, id);
	char msg[sizeof(eb->msg)];
	const char *name;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!t)
		return err_set(eb, -EINVAL, "type [%u]%s: %s", id,
			       id ? "" : " void", msg);
	name = btf_str(btf, t->name_off);
	if (!*name)
		return err_set(eb, -EINVAL, "type [%u] %s: %s", id,
			       btf_kind_name(btf_kind(t)), msg);
	return err_set(eb, -EINVAL, "type [%u] %s '%s': %s", id,
		       btf_kind_name(btf_kind(t)), name, msg);
}

/* ---- step 1: the header ---- */

static int btf_check_header(struct btf *btf, struct errbuf *eb)
{
	const struct btf_header *hdr = (const struct btf_header *)btf->data;
	uint64_t type_end, str_end, avail;

	if (btf->size < sizeof(*hdr))
		return err_set(eb, -EINVAL,
			       "%zu bytes are too few for a BTF header (%zu bytes)",
			       btf->size, sizeof(*hdr));
	if (hdr->magic == BTF_MAGIC_SWAPPED)
		return err_set(eb, -EINVAL,
			       "big-endian BTF is not supported (magic bytes eb 9f); "
			       "rebuild for a little-endian target (bpfel)");
	if (hdr->magic != BTF_MAGIC)
		return err_set(eb, -EINVAL, "bad BTF magic 0x%04x, expected 0x%04x",
			       hdr->magic, BTF_MAGIC);
	if (hdr->version != BTF_VERSION)
		return err_set(eb, -EINVAL, "unsupported BTF version %u, expected %u",
			       hdr->version, BTF_VERSION);
	if (hdr->flags)
		return err_set(eb, -EINVAL, "unsupported BTF header flags 0x%x",
			       hdr->flags);
	/* A longer header is a newer producer's; the sections still start
	 * after all hdr_len bytes of it (libbpf accepts it the same way). */
	if (hdr->hdr_len < sizeof(*hdr) || hdr->hdr_len > btf->size)
		return err_set(eb, -EINVAL,
			       "header length %u is outside %zu..%zu (the data size)",
			       hdr->hdr_len, sizeof(*hdr), btf->size);

	/* u32 + u32 cannot overflow a u64: widen, then compare. */
	avail = btf->size - hdr->hdr_len;
	type_end = (uint64_t)hdr->type_off + hdr->type_len;
	str_end = (uint64_t)hdr->str_off + hdr->str_len;
	if (type_end > avail)
		return err_set(eb, -EINVAL,
			       "type section (offset %u, length %u) runs past the "
			       "end of the data (%" PRIu64 " bytes after the header)",
			       hdr->type_off, hdr->type_len, avail);
	if (str_end > avail)
		return err_set(eb, -EINVAL,
			       "string section (offset %u, length %u) runs past the "
			       "end of the data (%" PRIu64 " bytes after the header)",
			       hdr->str_off, hdr->str_len, avail);
	if (hdr->type_len && hdr->str_len && hdr->type_off < str_end &&
	    hdr->str_off < type_end)
		return err_set(eb, -EINVAL,
			       "type section [%u, %" PRIu64 ") overlaps string "
			       "section [%u, %" PRIu64 ")",
			       hdr->type_off, type_end, hdr->str_off, str_end);
	/* Records are read in place as struct btf_type (u32 fields). @data
	 * is 4-aligned (btf_parse saw to it), so the offset must be too. */
	if (hdr->type_len && (hdr->hdr_len + hdr->type_off) % 4 != 0)
		return err_set(eb, -EINVAL,
			       "type section at byte %u (header %u + offset %u) is "
			       "not 4-byte aligned",
			       hdr->hdr_len + hdr->type_off, hdr->hdr_len,
			       hdr->type_off);
	if (hdr->type_len % 4 != 0)
		return err_set(eb, -EINVAL,
			       "type section length %u is not a multiple of 4",
			       hdr->type_len);

	btf->hdr = hdr;
	btf->types = btf->data + hdr->hdr_len + hdr->type_off;
	btf->strs = (const char *)btf->data + hdr->hdr_len + hdr->str_off;
	btf->str_len = hdr->str_len;
	return 0;
}

/* ---- step 2: the strings ---- */

static int btf_check_strings(struct btf *btf, struct errbuf *eb)
{
	/* Split BTF may add no strings and name everything from the base. */
	if (btf->str_len == 0 && btf->base)
		return 0;
	if (btf->str_len == 0)
		return err_set(eb, -EINVAL, "string section is empty; it must at "
			       "least hold the empty name at offset 0");
	if (btf->strs[btf->str_len - 1] != '\0')
		return err_set(eb, -EINVAL,
			       "string section (%u bytes) is not NUL-terminated",
			       btf->str_len);
	/* Offset 0 names anonymous types. In split BTF, offset 0 is the
	 * base's, so the split section may start anywhere. */
	if (!btf->base && btf->strs[0] != '\0')
		return err_set(eb, -EINVAL,
			       "string section does not start with a NUL byte "
			       "(offset 0 must be the empty name)");
	if (btf->start_str_off + (uint64_t)btf->str_len > UINT32_MAX)
		return err_set(eb, -EINVAL, "string offsets run past 32 bits "
			       "(base %u + %u bytes)",
			       btf->start_str_off, btf->str_len);
	return 0;
}

/* ---- step 3: walking the records ---- */

/* Bytes of kind-specific data after @t's struct btf_type; -1 for a kind
 * this parser does not know (the layout after it is then unknowable). */
static int64_t btf_extra_len(const struct btf_type *t)
{
	uint64_t vlen = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_INT:
		return sizeof(uint32_t); /* encoding, bit offset, bits */
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return vlen * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return vlen * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return vlen * sizeof(struct btf_var_secinfo);
	default:
		return -1;
	}
}

/*
 * STRUCT, UNION, ENUM, ENUM64 and FUNC_PROTO are followed by vlen items
 * that each BEGIN with a u32 name offset (btf_member, btf_enum,
 * btf_enum64, btf_param). What an item is called, and its stride; NULL for
 * kinds whose items have no names.
 */
static const char *btf_named_items(const struct btf_type *t, size_t *stride)
{
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		*stride = sizeof(struct btf_member);
		return "member";
	case BTF_KIND_ENUM:
		*stride = sizeof(struct btf_enum);
		return "enumerator";
	case BTF_KIND_ENUM64:
		*stride = sizeof(struct btf_enum64);
		return "enumerator";
	case BTF_KIND_FUNC_PROTO:
		*stride = sizeof(struct btf_param);
		return "parameter";
	default:
		return NULL;
	}
}

/* Every name offset in type @id lies inside the strings (base's included). */
static int btf_check_names(const struct btf *btf, uint32_t id,
			   const struct btf_type *t, struct errbuf *eb)
{
	uint32_t limit = btf->start_str_off + btf->str_len;
	const uint8_t *items = (const uint8_t *)(t + 1);
	const char *what;
	size_t stride;

	if (t->name_off >= limit)
		return btf_type_err(btf, id, eb, "name offset %u is past the end "
				    "of the strings (%u bytes)", t->name_off, limit);
	what = btf_named_items(t, &stride);
	for (unsigned i = 0; what && i < btf_vlen(t); i++) {
		uint32_t off = *(const uint32_t *)(items + i * stride);

		if (off >= limit)
			return btf_type_err(btf, id, eb, "%s %u: name offset %u is "
					    "past the end of the strings (%u bytes)",
					    what, i, off, limit);
	}
	return 0;
}

static int btf_walk_types(struct btf *btf, struct errbuf *eb)
{
	uint32_t len = btf->hdr->type_len, off = 0;
	/* Every record is at least 12 bytes: an upper bound, so one
	 * allocation serves the walk, shrunk to size afterwards. */
	size_t max = len / sizeof(struct btf_type);
	uint32_t *offs;
	int err;

	btf->type_offs = malloc((max ? max : 1) * sizeof(*btf->type_offs));
	if (!btf->type_offs)
		return err_set(eb, -ENOMEM, "out of memory for %zu type offsets", max);
	while (off < len) {
		const struct btf_type *t = (const struct btf_type *)(btf->types + off);
		uint32_t id = btf->start_id + btf->nr_types;
		int64_t extra;

		if (len - off < sizeof(*t))
			return err_set(eb, -EINVAL, "type [%u] at offset %u: the %u "
				       "bytes left are too few for a type record (%zu)",
				       id, off, len - off, sizeof(*t));
		if (id > BTF_MAX_TYPE)
			return err_set(eb, -EINVAL, "type [%u] at offset %u: more "
				       "than %u types", id, off, BTF_MAX_TYPE);
		extra = btf_extra_len(t);
		if (extra < 0)
			return err_set(eb, -EINVAL, "type [%u] at offset %u: unknown "
				       "kind %u", id, off, btf_kind(t));
		if ((uint64_t)extra > len - off - sizeof(*t))
			return err_set(eb, -EINVAL, "type [%u] %s at offset %u: its "
				       "%" PRIu64 " bytes run past the end of the type "
				       "section (%u bytes)", id,
				       btf_kind_name(btf_kind(t)), off,
				       sizeof(*t) + (uint64_t)extra, len);
		btf->type_offs[btf->nr_types++] = off;
		err = btf_check_names(btf, id, t, eb);
		if (err)
			return err;
		off += sizeof(*t) + (uint32_t)extra;
	}
	offs = realloc(btf->type_offs,
		       (btf->nr_types ? btf->nr_types : 1) * sizeof(*offs));
	if (offs)
		btf->type_offs = offs;
	return 0;
}

/* ---- step 4: references ---- */

/* @ref, mentioned by type @id (as its @what number @idx, if @what), exists. */
static int btf_check_ref(const struct btf *btf, uint32_t id, const char *what,
			 long idx, uint32_t ref, struct errbuf *eb)
{
	uint32_t cnt = btf_type_cnt(btf);

	if (ref < cnt)
		return 0;
	if (!what)
		return btf_type_err(btf, id, eb, "refers to type [%u], past the "
				    "last type [%u]", ref, cnt - 1);
	if (idx < 0)
		return btf_type_err(btf, id, eb, "%s refers to type [%u], past the "
				    "last type [%u]", what, ref, cnt - 1);
	return btf_type_err(btf, id, eb, "%s %ld refers to type [%u], past the "
			    "last type [%u]", what, idx, ref, cnt - 1);
}

/* A FUNC names its signature: libbpf and the kernel both insist that
 * the referenced type is a FUNC_PROTO. A DECL_TAG's component_idx is -1
 * (the whole type) or a member / parameter index of its target. */
static int btf_check_func_tag(const struct btf *btf, uint32_t id,
			      const struct btf_type *t, struct errbuf *eb)
{
	const struct btf_type *target = btf_type_by_id(btf, t->type);
	int32_t idx;
	unsigned n;

	if (btf_kind(t) == BTF_KIND_FUNC) {
		if (target && btf_kind(target) == BTF_KIND_FUNC_PROTO)
			return 0;
		return btf_type_err(btf, id, eb, "refers to type [%u] %s, not a "
				    "FUNC_PROTO", t->type,
				    target ? btf_kind_name(btf_kind(target)) : "void");
	}
	if (!target)
		return btf_type_err(btf, id, eb, "tags void (type [0])");
	idx = ((const struct btf_decl_tag *)(t + 1))->component_idx;
	if (idx == -1)
		return 0;
	switch (btf_kind(target)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		n = btf_vlen(target);
		break;
	case BTF_KIND_FUNC: /* checked above to be FUNC_PROTO, or later */
		target = btf_type_by_id(btf, target->type);
		n = target ? btf_vlen(target) : 0;
		break;
	default:
		n = 0;
	}
	if (idx < -1 || (uint32_t)idx >= n)
		return btf_type_err(btf, id, eb, "component_idx %d is not -1 or "
				    "a member/parameter index of type [%u] (%u)",
				    idx, t->type, n);
	return 0;
}

static int btf_check_type_refs(const struct btf *btf, uint32_t id,
			       const struct btf_type *t, struct errbuf *eb)
{
	const struct btf_member *m = btf_members(t);
	const struct btf_param *p = btf_params(t);
	const struct btf_var_secinfo *vs = btf_var_secinfos(t);
	unsigned vlen = btf_vlen(t);
	int err = 0;

	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_VAR:
		return btf_check_ref(btf, id, NULL, -1, t->type, eb);
	case BTF_KIND_FUNC:
	case BTF_KIND_DECL_TAG:
		err = btf_check_ref(btf, id, NULL, -1, t->type, eb);
		return err ? err : btf_check_func_tag(btf, id, t, eb);
	case BTF_KIND_ARRAY:
		err = btf_check_ref(btf, id, "element type", -1,
				    btf_array(t)->type, eb);
		return err ? err : btf_check_ref(btf, id, "index type", -1,
						 btf_array(t)->index_type, eb);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (unsigned i = 0; i < vlen && !err; i++)
			err = btf_check_ref(btf, id, "member", i, m[i].type, eb);
		return err;
	case BTF_KIND_FUNC_PROTO:
		err = btf_check_ref(btf, id, "return type", -1, t->type, eb);
		for (unsigned i = 0; i < vlen && !err; i++)
			err = btf_check_ref(btf, id, "parameter", i, p[i].type, eb);
		return err;
	case BTF_KIND_DATASEC:
		for (unsigned i = 0; i < vlen && !err; i++)
			err = btf_check_ref(btf, id, "variable", i, vs[i].type, eb);
		return err;
	default: /* INT, FLOAT, ENUM, ENUM64, FWD refer to nothing */
		return 0;
	}
}

static int btf_check_refs(struct btf *btf, struct errbuf *eb)
{
	for (uint32_t i = 0; i < btf->nr_types; i++) {
		uint32_t id = btf->start_id + i;
		int err = btf_check_type_refs(btf, id, btf_type_by_id(btf, id), eb);

		if (err)
			return err;
	}
	return 0;
}

/* ---- step 5: reference cycles ---- */

/*
 * The one type @id "points to" in the sense that following it never
 * passes through a named aggregate: 0 if @id is not such a kind. A struct
 * may contain a pointer to itself (a list node), but these chains must end,
 * or "what is this typedef" has no answer.
 */
static uint32_t btf_chain_next(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf_type_by_id(btf, id);

	if (!t)
		return 0;
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_VAR:
	case BTF_KIND_FUNC:
	case BTF_KIND_DECL_TAG:
		return t->type;
	case BTF_KIND_ARRAY:
		return btf_array(t)->type;
	default:
		return 0;
	}
}

/* Append @s to the string in @buf (@len bytes in all), truncating. */
static void str_cat(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	if (n + 1 < len)
		snprintf(buf + n, len - n, "%s", s);
}

/* Report the cycle @entry -> ... -> @last -> @entry, spelled out. */
static int btf_cycle_err(const struct btf *btf, uint32_t entry, uint32_t last,
			 struct errbuf *eb)
{
	char path[160] = "", hop[24];
	uint32_t id = entry;
	int hops;

	for (hops = 0; hops < 8; hops++) {
		snprintf(hop, sizeof(hop), "[%u] -> ", id);
		str_cat(path, sizeof(path), hop);
		if (id == last)
			break;
		id = btf_chain_next(btf, id);
	}
	snprintf(hop, sizeof(hop), "%s[%u]", hops == 8 ? "... -> " : "", entry);
	str_cat(path, sizeof(path), hop);
	return btf_type_err(btf, entry, eb, "reference cycle through type [%u] "
			    "(%s)", last, path);
}

/*
 * Every node has at most one successor (btf_chain_next), so the chains form
 * a forest of paths unless one closes on itself. Walk each unseen id's chain
 * painting it grey; reaching a grey node is a cycle, reaching a black node,
 * a base id or a non-chain kind means the chain ends, and the walk is
 * painted black. Each id is painted twice at most: O(types), no recursion.
 * Base ids need no colour: the base was checked when it was parsed.
 */
static int btf_check_cycles(struct btf *btf, struct errbuf *eb)
{
	uint32_t start = btf->start_id;
	uint8_t *colour = calloc(btf->nr_types ? btf->nr_types : 1, 1);

	if (!colour)
		return err_set(eb, -ENOMEM, "out of memory checking %u types",
			       btf->nr_types);
	for (uint32_t i = 0; i < btf->nr_types; i++) {
		uint32_t cur = start + i, next;

		if (colour[i] != CHAIN_WHITE)
			continue;
		for (;;) {
			colour[cur - start] = CHAIN_GREY;
			next = btf_chain_next(btf, cur);
			if (next < start || colour[next - start] == CHAIN_BLACK)
				break;
			if (colour[next - start] == CHAIN_GREY) {
				free(colour);
				return btf_cycle_err(btf, next, cur, eb);
			}
			cur = next;
		}
		for (cur = start + i; cur >= start && colour[cur - start] == CHAIN_GREY;
		     cur = btf_chain_next(btf, cur))
			colour[cur - start] = CHAIN_BLACK;
	}
	free(colour);
	return 0;
}

/* ---- btf_parse: the steps in order ---- */

static const struct {
	const char *name;
	int (*run)(struct btf *btf, struct errbuf *eb);
} btf_parse_steps[] = {
	{ "check header", btf_check_header },
	{ "check strings", btf_check_strings },
	{ "walk types", btf_walk_types },
	{ "check type references", btf_check_refs },
	{ "check reference cycles", btf_check_cycles },
};

/*
 * Records are read in place through struct pointers, which needs 4-byte
 * alignment. Section data from a mapped file is aligned (.BTF has
 * sh_addralign 4); a caller's odd buffer is copied into anonymous memory,
 * which btf_free() unmaps like a file mapping.
 */
static int btf_align_data(struct btf *btf, struct errbuf *eb)
{
	void *copy;

	if ((uintptr_t)btf->data % 4 == 0 || btf->size == 0)
		return 0;
	copy = mmap(NULL, btf->size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (copy == MAP_FAILED)
		return err_set(eb, -ENOMEM, "out of memory copying %zu bytes of "
			       "unaligned BTF", btf->size);
	memcpy(copy, btf->data, btf->size);
	btf->map = copy;
	btf->map_len = btf->size;
	btf->data = copy;
	return 0;
}

int btf_parse(const void *data, size_t size, const struct btf *base,
	      struct btf **out, struct errbuf *eb)
{
	struct btf *btf;
	int err;

	*out = NULL;
	if (size > BTF_MAX_SIZE)
		return err_set(eb, -EINVAL, "BTF is %zu bytes, more than the %u "
			       "bytes accepted", size, BTF_MAX_SIZE);
	btf = calloc(1, sizeof(*btf));
	if (!btf)
		return err_set(eb, -ENOMEM, "out of memory for the BTF");
	btf->data = data;
	btf->size = size;
	btf->base = base;
	btf->start_id = base ? btf_type_cnt(base) : 1;
	btf->start_str_off = base ? base->start_str_off + base->str_len : 0;
	err = btf_align_data(btf, eb);
	for (size_t i = 0; !err && i < sizeof(btf_parse_steps) /
					   sizeof(btf_parse_steps[0]); i++)
		err = btf_parse_steps[i].run(btf, eb);
	if (err) {
		btf_free(btf);
		return err;
	}
	*out = btf;
	return 0;
}

void btf_free(struct btf *btf)
{
	if (!btf)
		return;
	if (btf->map)
		munmap(btf->map, btf->map_len);
	free(btf->type_offs);
	free(btf);
}

/* ---- btf_load_file ---- */

/* Copy one record out of a file: ELF headers need 8-byte alignment that a
 * section offset need not give. */
static void btf_elf_shdr(const uint8_t *data, uint64_t shoff, size_t i,
			 Elf64_Shdr *sh)
{
	memcpy(sh, data + shoff + i * sizeof(*sh), sizeof(*sh));
}

/* Section @sh's bytes lie inside the file's @size bytes. */
static int btf_elf_sec_ok(const Elf64_Shdr *sh, size_t size)
{
	return sh->sh_type != SHT_NOBITS && sh->sh_offset <= size &&
	       sh->sh_size <= size - sh->sh_offset;
}

/*
 * Find ".BTF" in an ELF64 little-endian image: the few header fields this
 * needs, each bounds-checked. A deliberately small walk so that btf.c does
 * not depend on elf/elf.c (vmlinux ELF files are also inputs here, and the
 * full reader validates far more than a BTF lookup needs).
 * Returns 0 with the section's place, -ENODATA if there is no .BTF, or
 * -EINVAL for a malformed file.
 */
static int btf_elf_find(const uint8_t *data, size_t size, uint64_t *off,
			uint64_t *len, struct errbuf *eb)
{
	static const char want[] = ".BTF"; /* compared with its NUL */
	Elf64_Ehdr eh;
	Elf64_Shdr sh, names;
	uint64_t shnum, shstrndx;

	if (size < sizeof(eh))
		return err_set(eb, -EINVAL, "%zu bytes are too few for an ELF header",
			       size);
	memcpy(&eh, data, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64)
		return err_set(eb, -EINVAL, "not a 64-bit ELF file (class %u)",
			       eh.e_ident[EI_CLASS]);
	if (eh.e_ident[EI_DATA] == ELFDATA2MSB)
		return err_set(eb, -EINVAL, "big-endian ELF is not supported");
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return err_set(eb, -EINVAL, "unknown ELF data encoding %u",
			       eh.e_ident[EI_DATA]);
	if (eh.e_shoff == 0 || eh.e_shentsize != sizeof(Elf64_Shdr))
		return err_set(eb, -EINVAL, "no usable section header table "
			       "(e_shoff 0x%" PRIx64 ", e_shentsize %u)",
			       (uint64_t)eh.e_shoff, eh.e_shentsize);
	if (eh.e_shoff > size || size - eh.e_shoff < sizeof(Elf64_Shdr))
		return err_set(eb, -EINVAL, "section header table at 0x%" PRIx64
			       " lies outside the file (%zu bytes)",
			       (uint64_t)eh.e_shoff, size);
	/* With 0xff00 or more sections the real count and name-table index
	 * live in section 0 (the ELF gABI's extended numbering). */
	btf_elf_shdr(data, eh.e_shoff, 0, &sh);
	shnum = eh.e_shnum ? eh.e_shnum : sh.sh_size;
	shstrndx = eh.e_shstrndx == SHN_XINDEX ? sh.sh_link : eh.e_shstrndx;
	if (shnum > (size - eh.e_shoff) / sizeof(Elf64_Shdr))
		return err_set(eb, -EINVAL, "section header table (%" PRIu64
			       " entries at 0x%" PRIx64 ") runs past the end of the "
			       "file (%zu bytes)", shnum, (uint64_t)eh.e_shoff, size);
	if (shnum < 2)
		return err_set(eb, -EINVAL, "the file has no sections");
	if (shstrndx == SHN_UNDEF || shstrndx >= shnum)
		return err_set(eb, -EINVAL, "section name table index %" PRIu64
			       " is not in 1..%" PRIu64, shstrndx, shnum - 1);
	btf_elf_shdr(data, eh.e_shoff, shstrndx, &names);
	if (!btf_elf_sec_ok(&names, size))
		return err_set(eb, -EINVAL, "section name table (section %" PRIu64
			       ") lies outside the file", shstrndx);

	for (uint64_t i = 1; i < shnum; i++) {
		btf_elf_shdr(data, eh.e_shoff, i, &sh);
		if (sh.sh_name >= names.sh_size ||
		    names.sh_size - sh.sh_name < sizeof(want) ||
		    memcmp(data + names.sh_offset + sh.sh_name, want, sizeof(want)))
			continue;
		if (!btf_elf_sec_ok(&sh, size))
			return err_set(eb, -EINVAL, "section %" PRIu64 " '.BTF' "
				       "(offset 0x%" PRIx64 ", size 0x%" PRIx64
				       ") lies outside the file (%zu bytes)", i,
				       (uint64_t)sh.sh_offset, (uint64_t)sh.sh_size,
				       size);
		*off = sh.sh_offset;
		*len = sh.sh_size;
		return 0;
	}
	return err_set(eb, -ENODATA, "no .BTF section (was it built with "
		       "clang -g?)");
}

/*
 * Map @fd's @size bytes read-only. sysfs only lets /sys/kernel/btf/vmlinux
 * be mmap'ed on recent kernels (the 2025 patch "btf: Allow mmap of vmlinux
 * btf", Linux 6.16); module BTF and older kernels refuse. Then the file is
 * read into anonymous memory instead, so btf_free() unmaps either way.
 */
static int btf_map_fd(int fd, size_t size, void **map, struct errbuf *eb)
{
	uint8_t *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	size_t got = 0;

	if (m != MAP_FAILED) {
		*map = m;
		return 0;
	}
	if (size > BTF_MAX_SIZE)
		return err_set(eb, -EINVAL, "cannot mmap it (%s) and it is too "
			       "big to read (%zu bytes)", err_str(errno), size);
	m = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return err_set(eb, -ENOMEM, "out of memory for %zu bytes", size);
	while (got < size) {
		ssize_t n = pread(fd, m + got, size - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? -errno : -EIO;

			munmap(m, size);
			return err_set(eb, err, "read failed at byte %zu of %zu: %s",
				       got, size, n < 0 ? err_str(err) :
				       "unexpected end of file");
		}
		got += (size_t)n;
	}
	mprotect(m, size, PROT_READ);
	*map = m;
	return 0;
}

int btf_load_file(const char *path, const struct btf *base, struct btf **out,
		  struct errbuf *eb)
{
	void *map = NULL;
	size_t size = 0;
	uint64_t off = 0, len;
	struct stat st;
	int fd, err;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		return err_set(eb, err, "%s: cannot open: %s", path, err_str(err));
	}
	if (fstat(fd, &st) < 0) {
		err = -errno;
		err_set(eb, err, "%s: cannot stat: %s", path, err_str(err));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
		err = err_set(eb, -EINVAL, "%s: not a regular, non-empty file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > SIZE_MAX) {
		err = err_set(eb, -EFBIG, "%s: too big to map", path);
		goto out;
	}
	size = (size_t)st.st_size;
	err = btf_map_fd(fd, size, &map, eb);
	if (err) {
		err_prefix(eb, err, "%s", path);
		goto out;
	}

	len = size;
	if (size >= SELFMAG && memcmp(map, ELFMAG, SELFMAG) == 0) {
		err = btf_elf_find(map, size, &off, &len, eb);
		if (err) {
			err_prefix(eb, err, "%s", path);
			goto out;
		}
	}
	err = btf_parse((const uint8_t *)map + off, len, base, out, eb);
	if (err) {
		err_prefix(eb, err, off ? "%s: section '.BTF'" : "%s", path);
		goto out;
	}
	/* btf_parse made its own aligned copy if .BTF sat at an odd offset;
	 * otherwise the btf reads the mapping and now owns it. */
	if (!(*out)->map) {
		(*out)->map = map;
		(*out)->map_len = size;
		map = NULL;
	}
out:
	if (map)
		munmap(map, size);
	close(fd);
	return err;
}

/* ---- type queries ---- */

uint32_t btf_member_bit_offset(const struct btf_type *t, unsigned i)
{
	uint32_t off = btf_members(t)[i].offset;

	/* With kind_flag set, the high 8 bits hold the bitfield size. */
	return btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(off) : off;
}

uint32_t btf_member_bitfield_size(const struct btf_type *t, unsigned i)
{
	uint32_t off = btf_members(t)[i].offset;

	/* Without kind_flag a bitfield's size is only in its INT type's
	 * bits (the old encoding); callers handle that, this reports 0. */
	return btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(off) : 0;
}

static int btf_is_mod(unsigned kind)
{
	return kind == BTF_KIND_CONST || kind == BTF_KIND_VOLATILE ||
	       kind == BTF_KIND_RESTRICT || kind == BTF_KIND_TYPE_TAG;
}

/* Follow modifiers (and typedefs if @typedefs). btf_parse() proved the
 * chains end, so the bound only guards against a btf not made by it. */
static uint32_t btf_skip(const struct btf *btf, uint32_t id, int typedefs)
{
	uint32_t cnt = btf_type_cnt(btf);

	for (uint32_t n = 0; n < cnt; n++) {
		const struct btf_type *t = btf_type_by_id(btf, id);

		if (!t || !(btf_is_mod(btf_kind(t)) ||
			    (typedefs && btf_kind(t) == BTF_KIND_TYPEDEF)))
			break;
		id = t->type;
	}
	return id;
}

uint32_t btf_skip_mods_typedefs(const struct btf *btf, uint32_t id)
{
	return btf_skip(btf, id, 1);
}

uint32_t btf_skip_mods(const struct btf *btf, uint32_t id)
{
	return btf_skip(btf, id, 0);
}

int btf_type_size(const struct btf *btf, uint32_t id, uint64_t *size,
		  struct errbuf *eb)
{
	uint64_t nelems = 1, elem;
	uint32_t cur = id;

	for (int depth = 0; depth < BTF_RESOLVE_DEPTH; depth++) {
		const struct btf_type *t = btf_type_by_id(btf, cur);

		if (!t)
			return btf_type_err(btf, id, eb, "%s has no size",
					    cur ? "an unknown type" : "void");
		switch (btf_kind(t)) {
		case BTF_KIND_INT:
		case BTF_KIND_FLOAT:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_DATASEC:
			elem = t->size;
			goto done;
		case BTF_KIND_PTR:
			elem = 8; /* BPF and the 64-bit kernels rawload targets */
			goto done;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
		case BTF_KIND_VAR:
			cur = t->type;
			continue;
		case BTF_KIND_ARRAY:
			if (__builtin_mul_overflow(nelems, btf_array(t)->nelems,
						   &nelems))
				return btf_type_err(btf, id, eb, "array element "
						    "count overflows 64 bits");
			cur = btf_array(t)->type;
			continue;
		default: /* FWD, FUNC, FUNC_PROTO, DECL_TAG */
			if (cur == id)
				return btf_type_err(btf, id, eb, "a %s has no size",
						    btf_kind_name(btf_kind(t)));
			return btf_type_err(btf, id, eb, "type [%u] %s has no size",
					    cur, btf_kind_name(btf_kind(t)));
		}
	}
	return btf_type_err(btf, id, eb, "more than %d levels of typedefs, "
			    "modifiers and arrays", BTF_RESOLVE_DEPTH);
done:
	if (__builtin_mul_overflow(elem, nelems, size))
		return btf_type_err(btf, id, eb, "size overflows 64 bits "
				    "(%" PRIu64 " elements of %" PRIu64 " bytes)",
				    nelems, elem);
	return 0;
}

/* Search one btf (not its base) for a type of @kind named @name. */
static int btf_find_local(const struct btf *btf, const char *name, unsigned kind)
{
	for (uint32_t i = 0; i < btf->nr_types; i++) {
		const struct btf_type *t =
			(const struct btf_type *)(btf->types + btf->type_offs[i]);

		if (btf_kind(t) == kind && strcmp(btf_str(btf, t->name_off), name) == 0)
			return (int)(btf->start_id + i);
	}
	return -ENOENT;
}

int btf_find_by_name_kind(const struct btf *btf, const char *name,
			  unsigned kind)
{
	int id = -ENOENT;

	if (kind == BTF_KIND_UNKN && strcmp(name, "void") == 0)
		return 0;
	/* Lowest ids first: the base before the split BTF on top of it. */
	if (btf->base)
		id = btf_find_by_name_kind(btf->base, name, kind);
	return id >= 0 ? id : btf_find_local(btf, name, kind);
}

/* ---- btf_type_str: a C spelling ---- */

/* Replace @dst (of @len bytes) by @pre + @dst + @post, truncating. */
static void str_wrap(char *dst, size_t len, const char *pre, const char *post)
{
	char tmp[256];

	/* Truncation is fine here: the result is for people to read. */
	if (snprintf(tmp, sizeof(tmp), "%s%s%s", pre, dst, post) < 0 ||
	    snprintf(dst, len, "%s", tmp) < 0)
		dst[0] = '\0';
}

/* The name of a type that ends a chain: "int", "struct foo", ... */
static void btf_base_name(const struct btf *btf, const struct btf_type *t,
			  char *buf, size_t len)
{
	const char *name = btf_str(btf, t->name_off);
	const char *tag = "";

	if (!*name)
		name = "(anon)";
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
		tag = "struct ";
		break;
	case BTF_KIND_UNION:
		tag = "union ";
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		tag = "enum ";
		break;
	case BTF_KIND_FWD: /* kind_flag: a forward-declared union */
		tag = btf_kflag(t) ? "union " : "struct ";
		break;
	case BTF_KIND_DATASEC:
		tag = "datasec ";
		break;
	case BTF_KIND_DECL_TAG:
		tag = "decl_tag ";
		break;
	}
	snprintf(buf, len, "%s%s", tag, name);
}

/* A function's parameter list "(int, char *)"; nested prototypes (a
 * parameter that is itself a function pointer) get "(...)" to bound the
 * recursion at one level. */
static void btf_type_str_at(const struct btf *btf, uint32_t id, char *buf,
			    size_t len, int nest);
static void btf_params_str(const struct btf *btf, const struct btf_type *t,
			   char *buf, size_t len, int nest)
{
	const struct btf_param *p = btf_params(t);

	snprintf(buf, len, "(");
	if (btf_vlen(t) == 0)
		str_cat(buf, len, "void");
	else if (nest > 0)
		str_cat(buf, len, "...");
	for (unsigned i = 0; nest == 0 && i < btf_vlen(t); i++) {
		char one[128];

		if (p[i].type == 0) /* a trailing void parameter: varargs */
			snprintf(one, sizeof(one), "...");
		else
			btf_type_str_at(btf, p[i].type, one, sizeof(one), nest + 1);
		if (i)
			str_cat(buf, len, ", ");
		str_cat(buf, len, one);
	}
	str_cat(buf, len, ")");
}

/*
 * Walk from @id towards the base type, building the C declarator around
 * an (absent) identifier, the way C reads it inside-out:
 *
 *   PTR -> CONST -> PTR -> INT char     decl "*", then "* const *"
 *                                       result "char * const *"
 *   PTR -> ARRAY[16] -> INT char        decl "*", then "(*)[16]"
 *                                       result "char (*)[16]"
 *   PTR -> FUNC_PROTO(int) -> INT int   result "int (*)(int)"
 *
 * Qualifiers wait in @qual until we see what they qualify: a pointer
 * ("* const") or the base type ("const char").
 */
static void btf_type_str_at(const struct btf *btf, uint32_t id, char *buf,
			    size_t len, int nest)
{
	char decl[256] = "", qual[64] = "", base[128], extra[192];
	const struct btf_type *t;

	for (int depth = 0;; depth++) {
		t = btf_type_by_id(btf, id);
		if (!t) {
			snprintf(base, sizeof(base), id ? "<bad type [%u]>" : "void", id);
			break;
		}
		if (depth >= BTF_RESOLVE_DEPTH) {
			snprintf(base, sizeof(base), "...");
			break;
		}
		switch (btf_kind(t)) {
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
			str_wrap(qual, sizeof(qual), "", *qual ? " " : "");
			str_wrap(qual, sizeof(qual), "",
				 btf_kind(t) == BTF_KIND_CONST ? "const" :
				 btf_kind(t) == BTF_KIND_VOLATILE ? "volatile" :
								    "restrict");
			id = t->type;
			continue;
		case BTF_KIND_TYPE_TAG: /* an attribute C does not spell */
			id = t->type;
			continue;
		case BTF_KIND_PTR:
			snprintf(extra, sizeof(extra), "*%s%s%s", *qual ? " " : "",
				 qual, *qual && *decl ? " " : "");
			str_wrap(decl, sizeof(decl), extra, "");
			qual[0] = '\0';
			id = t->type;
			continue;
		case BTF_KIND_ARRAY:
			if (decl[0] == '*')
				str_wrap(decl, sizeof(decl), "(", ")");
			snprintf(extra, sizeof(extra), "[%u]", btf_array(t)->nelems);
			str_wrap(decl, sizeof(decl), "", extra);
			id = btf_array(t)->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			if (decl[0] == '*')
				str_wrap(decl, sizeof(decl), "(", ")");
			btf_params_str(btf, t, extra, sizeof(extra), nest);
			str_wrap(decl, sizeof(decl), "", extra);
			qual[0] = '\0';
			id = t->type;
			continue;
		case BTF_KIND_FUNC:
		case BTF_KIND_VAR: /* named: "int main(void)", "char buf[16]" */
			str_wrap(decl, sizeof(decl), btf_str(btf, t->name_off), "");
			id = t->type;
			continue;
		default:
			btf_base_name(btf, t, base, sizeof(base));
			break;
		}
		break;
	}
	snprintf(buf, len, "%s%s%s%s%s", qual, *qual ? " " : "", base,
		 *decl && decl[0] != '[' ? " " : "", decl);
}

char *btf_type_str(const struct btf *btf, uint32_t id, char *buf, size_t len)
{
	if (len)
		btf_type_str_at(btf, id, buf, len, 0);
	return buf;
}
