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
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
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

/* ---- the name index ----
 *
 * Lookups by name are what CO-RE (every candidate of a local type), attach
 * targets, kfuncs and an object's own programs need. A linear scan of
 * vmlinux is ~126,000 records; the index answers from one bucket. It is
 * built per kind, on demand, so a load that asks only for structs never
 * hashes the 56,000 FUNC names:
 *
 *   key "task_struct"  --hash & mask-->  bucket b
 *   start[b] .. start[b+1]  ->  ids[] = { 1843, 90211 }  (ascending)
 *
 * The key is the name up to its first "___" (btf_name_key_len), so all
 * CO-RE flavors of a name land in the name's bucket; callers compare the
 * names they get. start[] and ids[] are one counting sort of the kind's
 * named ids: no per-entry allocation, ids stay in id order per bucket.
 */

/* One kind's index: the kind's named ids, grouped by bucket. */
struct btf_kind_index {
	uint32_t mask;		/* buckets - 1 (a power of two less one) */
	uint32_t *start;	/* [b] .. [b+1] is bucket b's range in @ids */
	uint32_t *ids;		/* type ids, ascending within a bucket */
};

struct btf_names {
	/* Records visited so far by linear lookups of each kind: past two
	 * full walks, btf_find_by_name_kind builds the kind's index. */
	uint64_t scanned[NR_BTF_KINDS];
	uint8_t built[NR_BTF_KINDS];	/* kinds[k] is valid */
	struct btf_kind_index kinds[NR_BTF_KINDS];
};

static void btf_names_free(struct btf_names *nm)
{
	if (!nm)
		return;
	for (unsigned k = 0; k < NR_BTF_KINDS; k++) {
		free(nm->kinds[k].start);
		free(nm->kinds[k].ids);
	}
	free(nm);
}

/* FNV-1a: a few instructions per byte, good enough spread for names. */
static inline uint32_t btf_hash_bytes(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

size_t btf_name_key_len(const char *name)
{
	size_t i = 0;

	/* name[i] is '_' before name[i + 1] is read: no read past the NUL */
	while (name[i] && !(name[i] == '_' && name[i + 1] == '_' &&
			    name[i + 2] == '_'))
		i++;
	return i;
}

/* btf_hash_bytes(name, btf_name_key_len(name)), in one pass. */
static inline uint32_t btf_key_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s && !(s[0] == '_' && s[1] == '_' && s[2] == '_'); s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* Which kinds one build covers: FUNC alone (56,000 names in vmlinux, only
 * attach targets and kfuncs ask), or every other kind at once (CO-RE asks
 * for several: structs, enums, typedefs...; one walk serves them all). */
static uint32_t btf_index_group(unsigned kind)
{
	return kind == BTF_KIND_FUNC ? 1u << BTF_KIND_FUNC :
				       ((1u << NR_BTF_KINDS) - 1) & ~(1u << BTF_KIND_FUNC);
}

/*
 * Build @btf's own (not its base's) index of @kind and the kinds grouped
 * with it (btf_index_group): one walk collecting the named ids with their
 * key hashes (arrays grown geometrically), then per kind a counting sort
 * into start[] and ids[].
 */
static int btf_index_build(const struct btf *btf, unsigned kind)
{
	struct btf_names *nm = btf->names;
	uint32_t group = btf_index_group(kind), n = 0, cap = 0;
	uint32_t cnt[NR_BTF_KINDS] = { 0 }, *hash = NULL, *tmp = NULL;
	int err = -ENOMEM;

	for (uint32_t i = 0; i < btf->nr_types; i++) {
		const struct btf_type *t =
			(const struct btf_type *)(btf->types + btf->type_offs[i]);

		if (!(group >> btf_kind(t) & 1) || !t->name_off)
			continue;
		if (n == cap) {
			uint32_t *h, *d;

			cap = cap ? cap * 2 : 256;
			h = realloc(hash, cap * sizeof(*h));
			if (h)
				hash = h;
			d = realloc(tmp, cap * sizeof(*d));
			if (d)
				tmp = d;
			if (!h || !d)
				goto out;
		}
		hash[n] = btf_key_hash(btf_str(btf, t->name_off));
		tmp[n++] = btf->start_id + i;
		cnt[btf_kind(t)]++;
	}
	for (unsigned k = 0; k < NR_BTF_KINDS; k++) {
		struct btf_kind_index *ix = &nm->kinds[k];
		uint32_t nb = 1;

		if (!(group >> k & 1))
			continue;
		while (nb < cnt[k])
			nb <<= 1;
		ix->mask = nb - 1;
		ix->start = calloc((size_t)nb + 1, sizeof(*ix->start));
		ix->ids = malloc((cnt[k] ? cnt[k] : 1) * sizeof(*ix->ids));
		if (!ix->start || !ix->ids)
			goto out;
	}
	/* count per bucket, prefix sums, then place: start[b] serves as
	 * bucket b's cursor and is shifted back by one bucket afterwards;
	 * ids stay ascending within a bucket */
	for (uint32_t k = 0; k < n; k++) {
		struct btf_kind_index *ix =
			&nm->kinds[btf_kind(btf_type_by_id(btf, tmp[k]))];

		ix->start[(hash[k] & ix->mask) + 1]++;
	}
	for (unsigned k = 0; k < NR_BTF_KINDS; k++)
		for (uint32_t b = 0; (group >> k & 1) && b <= nm->kinds[k].mask; b++)
			nm->kinds[k].start[b + 1] += nm->kinds[k].start[b];
	for (uint32_t k = 0; k < n; k++) {
		struct btf_kind_index *ix =
			&nm->kinds[btf_kind(btf_type_by_id(btf, tmp[k]))];

		ix->ids[ix->start[hash[k] & ix->mask]++] = tmp[k];
	}
	for (unsigned k = 0; k < NR_BTF_KINDS; k++) {
		struct btf_kind_index *ix = &nm->kinds[k];

		if (!(group >> k & 1))
			continue;
		for (uint32_t b = ix->mask + 1; b > 0; b--)
			ix->start[b] = ix->start[b - 1];
		ix->start[0] = 0;
		nm->built[k] = 1;
	}
	err = 0;
out:
	for (unsigned k = 0; err && k < NR_BTF_KINDS; k++) {
		if (!(group >> k & 1))
			continue;
		free(nm->kinds[k].start);
		free(nm->kinds[k].ids);
		nm->kinds[k].start = nm->kinds[k].ids = NULL;
	}
	free(hash);
	free(tmp);
	return err;
}

/* btf_name_index_kind on @btf's own ids only (not its base's). */
static int btf_index_visit(const struct btf *btf, const char *key,
			   size_t key_len, unsigned kind,
			   int (*fn)(uint32_t id, void *arg), void *arg)
{
	const struct btf_kind_index *ix = &btf->names->kinds[kind];
	uint32_t b;
	int r;

	if (!btf->names->built[kind] && (r = btf_index_build(btf, kind)))
		return r;
	b = btf_hash_bytes(key, key_len) & ix->mask;
	for (uint32_t i = ix->start[b]; i < ix->start[b + 1]; i++)
		if ((r = fn(ix->ids[i], arg)))
			return r;
	return 0;
}

int btf_name_index_kind(const struct btf *btf, const char *key, size_t key_len,
			unsigned kind, int (*fn)(uint32_t id, void *arg),
			void *arg)
{
	int r;

	if (kind >= NR_BTF_KINDS)
		return 0;
	if (btf->base &&
	    (r = btf_name_index_kind(btf->base, key, key_len, kind, fn, arg)))
		return r;
	return btf_index_visit(btf, key, key_len, kind, fn, arg);
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

/* Per kind, the bytes that follow its struct btf_type: @fixed1 - 1, plus
 * @item per vlen entry (0 for kinds whose vlen means nothing). Sized for
 * all 32 values of the 5-bit kind field. A kind this parser does not know
 * is left 0, so its fixed part is 0 - 1 = BTF_LAYOUT_UNKNOWN, more than any
 * type section holds: the walk's one "does it fit" test also stops at it
 * (the layout after an unknown kind is unknowable). */
#define BTF_LAYOUT_UNKNOWN UINT32_MAX
static const struct {
	uint32_t fixed1, item;
} btf_layout[32] = {
	[BTF_KIND_INT] = { 1 + sizeof(uint32_t), 0 }, /* encoding, offset, bits */
	[BTF_KIND_PTR] = { 1, 0 },
	[BTF_KIND_ARRAY] = { 1 + sizeof(struct btf_array), 0 },
	[BTF_KIND_STRUCT] = { 1, sizeof(struct btf_member) },
	[BTF_KIND_UNION] = { 1, sizeof(struct btf_member) },
	[BTF_KIND_ENUM] = { 1, sizeof(struct btf_enum) },
	[BTF_KIND_FWD] = { 1, 0 },
	[BTF_KIND_TYPEDEF] = { 1, 0 },
	[BTF_KIND_VOLATILE] = { 1, 0 },
	[BTF_KIND_CONST] = { 1, 0 },
	[BTF_KIND_RESTRICT] = { 1, 0 },
	[BTF_KIND_FUNC] = { 1, 0 },
	[BTF_KIND_FUNC_PROTO] = { 1, sizeof(struct btf_param) },
	[BTF_KIND_VAR] = { 1 + sizeof(struct btf_var), 0 },
	[BTF_KIND_DATASEC] = { 1, sizeof(struct btf_var_secinfo) },
	[BTF_KIND_FLOAT] = { 1, 0 },
	[BTF_KIND_DECL_TAG] = { 1 + sizeof(struct btf_decl_tag), 0 },
	[BTF_KIND_TYPE_TAG] = { 1, 0 },
	[BTF_KIND_ENUM64] = { 1, sizeof(struct btf_enum64) },
};

/* Bytes after @t's struct btf_type (BTF_LAYOUT_UNKNOWN or more: unknown). */
static inline uint64_t btf_extra_len(const struct btf_type *t)
{
	unsigned kind = btf_kind(t);

	return (uint32_t)(btf_layout[kind].fixed1 - 1) +
	       (uint64_t)btf_vlen(t) * btf_layout[kind].item;
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

/* Why the record at @off (the next id) stopped the walk. */
static int btf_walk_err(const struct btf *btf, uint32_t off, struct errbuf *eb)
{
	const struct btf_type *t = (const struct btf_type *)(btf->types + off);
	uint32_t len = btf->hdr->type_len, id = btf->start_id + btf->nr_types;
	unsigned kind;

	if (len - off < sizeof(*t))
		return err_set(eb, -EINVAL, "type [%u] at offset %u: the %u "
			       "bytes left are too few for a type record (%zu)",
			       id, off, len - off, sizeof(*t));
	if (id > BTF_MAX_TYPE)
		return err_set(eb, -EINVAL, "type [%u] at offset %u: more "
			       "than %u types", id, off, BTF_MAX_TYPE);
	kind = btf_kind(t);
	if (btf_layout[kind].fixed1 == 0)
		return err_set(eb, -EINVAL, "type [%u] at offset %u: unknown "
			       "kind %u", id, off, kind);
	return err_set(eb, -EINVAL, "type [%u] %s at offset %u: its "
		       "%" PRIu64 " bytes run past the end of the type "
		       "section (%u bytes)", id, btf_kind_name(kind), off,
		       sizeof(*t) + btf_extra_len(t), len);
}

/*
 * What the walk notes for the later steps, so that they need not visit
 * every record again. A clean BTF (every one the kernel or clang makes)
 * then costs one walk; anything the notes cannot vouch for sends a step
 * back to its full check, which finds the first fault in id order and
 * words it.
 */
struct btf_walk {
	struct btf *btf;
	unsigned flags;		/* enum btf_parse_flags */
	uint32_t ref_max;	/* the largest type id any record mentions */
	int refs_suspect;	/* a FUNC or DECL_TAG the walk could not check */
	uint32_t *fwd;		/* chain records whose successor is not below
				 * them: every cycle passes through one */
	size_t nfwd, fwd_cap;
};

static int btf_check_func_tag(const struct btf *btf, uint32_t id,
			      const struct btf_type *t, struct errbuf *eb);

static inline uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* Remember chain record @id (successor @next) if @next is not below it. */
static int btf_note_chain(struct btf_walk *w, uint32_t id, uint32_t next,
			  struct errbuf *eb)
{
	uint32_t *p;

	if (next < id)
		return 0;
	if (w->nfwd == w->fwd_cap) {
		w->fwd_cap = w->fwd_cap ? w->fwd_cap * 2 : 64;
		p = realloc(w->fwd, w->fwd_cap * sizeof(*p));
		if (!p)
			return err_set(eb, -ENOMEM, "out of memory checking types");
		w->fwd = p;
	}
	w->fwd[w->nfwd++] = id;
	return 0;
}

/*
 * The checks of record @id while it is in hand: its name offsets (an error
 * is reported now, as the record's own), and notes on its references
 * (steps 4 and 5). A FUNC or DECL_TAG whose target is already walked is
 * checked here; one that points forward is left to step 4.
 */
static int btf_walk_check(struct btf_walk *w, uint32_t id,
			  const struct btf_type *t, uint32_t limit,
			  struct errbuf *eb)
{
	unsigned vlen = btf_vlen(t), kind = btf_kind(t);
	uint32_t bad = t->name_off >= limit, ref = 0;

	switch (kind) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *m = btf_members(t);

		for (unsigned i = 0; i < vlen; i++) {
			bad |= m[i].name_off >= limit;
			ref = max_u32(ref, m[i].type);
		}
		break;
	}
	case BTF_KIND_ENUM:
		for (unsigned i = 0; i < vlen; i++)
			bad |= btf_enums(t)[i].name_off >= limit;
		break;
	case BTF_KIND_ENUM64:
		for (unsigned i = 0; i < vlen; i++)
			bad |= btf_enum64s(t)[i].name_off >= limit;
		break;
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *p = btf_params(t);

		ref = t->type;
		for (unsigned i = 0; i < vlen; i++) {
			bad |= p[i].name_off >= limit;
			ref = max_u32(ref, p[i].type);
		}
		break;
	}
	case BTF_KIND_DATASEC:
		for (unsigned i = 0; i < vlen; i++)
			ref = max_u32(ref, btf_var_secinfos(t)[i].type);
		break;
	case BTF_KIND_ARRAY:
		ref = max_u32(btf_array(t)->type, btf_array(t)->index_type);
		if (!bad && btf_note_chain(w, id, btf_array(t)->type, eb))
			return -ENOMEM;
		break;
	case BTF_KIND_FUNC:
	case BTF_KIND_DECL_TAG:
		if (t->type >= id || btf_check_func_tag(w->btf, id, t, NULL))
			w->refs_suspect = 1;
		/* fall through */
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_VAR:
		ref = t->type;
		if (!bad && btf_note_chain(w, id, t->type, eb))
			return -ENOMEM;
		break;
	default: /* INT, FLOAT, FWD: a name, nothing referred to */
		break;
	}
	if (bad)
		return btf_check_names(w->btf, id, t, eb);
	w->ref_max = max_u32(w->ref_max, ref);
	return 0;
}

/*
 * The full walk: each record's length (by kind and vlen, inside the
 * section), its offset into type_offs, and btf_walk_check() on it. State
 * is kept in locals: stores into type_offs could alias btf's fields.
 */
static int btf_walk_full(struct btf_walk *w, uint32_t *offs, struct errbuf *eb)
{
	struct btf *btf = w->btf;
	const uint8_t *types = btf->types;
	uint32_t len = btf->hdr->type_len, off = 0, n = 0;
	uint32_t start = btf->start_id;
	uint32_t limit = btf->start_str_off + btf->str_len;
	/* records with ids up to BTF_MAX_TYPE */
	uint32_t max_n = start <= BTF_MAX_TYPE ? BTF_MAX_TYPE - start + 1 : 0;
	int err;

	while (off < len) {
		const struct btf_type *t = (const struct btf_type *)(types + off);
		uint32_t left = len - off;
		uint64_t extra;

		if (left < sizeof(*t) || n >= max_n)
			break;
		extra = btf_extra_len(t);
		if (extra > left - sizeof(*t))
			break;
		offs[n++] = off;
		btf->nr_types = n;
		err = btf_walk_check(w, start + n - 1, t, limit, eb);
		if (err)
			return err;
		off += sizeof(*t) + (uint32_t)extra;
	}
	btf->nr_types = n;
	return off < len ? btf_walk_err(btf, off, eb) : 0;
}

/*
 * The trusted walk: only lengths and offsets, as lean as the bench's
 * walk-only floor. Only the 12-byte header of a record is read, and only
 * when it lies inside the section; a record whose tail (or unknown kind,
 * BTF_LAYOUT_UNKNOWN bytes) runs past the end pushes @off past @len and
 * ends the loop, so the bounds are checked once, afterwards. @off is 64
 * bits wide for that overshoot.
 */
static int btf_walk_trusted(struct btf *btf, uint32_t *offs, struct errbuf *eb)
{
	const uint8_t *types = btf->types;
	uint64_t len = btf->hdr->type_len, off = 0;
	uint32_t n = 0, good, start = btf->start_id;
	uint32_t max_n = start <= BTF_MAX_TYPE ? BTF_MAX_TYPE - start + 1 : 0;

	while (off + sizeof(struct btf_type) <= len) {
		const struct btf_type *t = (const struct btf_type *)(types + off);

		offs[n++] = (uint32_t)off;
		off += sizeof(*t) + btf_extra_len(t);
	}
	/* The records before the first bad one; then the first fault in
	 * record order: an id past BTF_MAX_TYPE, or the bad record. */
	good = off > len ? n - 1 : n;
	if (good > max_n) {
		btf->nr_types = max_n;
		return btf_walk_err(btf, offs[max_n], eb);
	}
	btf->nr_types = good;
	if (off == len)
		return 0;
	return btf_walk_err(btf, off > len ? offs[n - 1] : (uint32_t)off, eb);
}

static int btf_walk_types(struct btf_walk *w, struct errbuf *eb)
{
	struct btf *btf = w->btf;
	/* Every record is at least 12 bytes: an upper bound, so one
	 * allocation serves the walk, shrunk to size afterwards. */
	size_t max = btf->hdr->type_len / sizeof(struct btf_type);
	uint32_t *offs = malloc((max ? max : 1) * sizeof(*offs));
	int err;

	if (!offs)
		return err_set(eb, -ENOMEM, "out of memory for %zu type offsets", max);
	btf->type_offs = offs;
	if (w->flags & BTF_PARSE_TRUSTED)
		err = btf_walk_trusted(btf, offs, eb);
	else
		err = btf_walk_full(w, offs, eb);
	if (err)
		return err;
	offs = realloc(offs, (btf->nr_types ? btf->nr_types : 1) * sizeof(*offs));
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
 *
 * The walks start at the @n ids in @starts, or at every id if @starts is
 * NULL. Returns 1 with the cycle's *entry and *last (the first found, in
 * the order of the starts), 0 if there is none, -ENOMEM.
 */
static int btf_find_cycle(const struct btf *btf, const uint32_t *starts,
			  size_t n, uint32_t *entry, uint32_t *last)
{
	uint32_t start = btf->start_id;
	uint8_t *colour = calloc(btf->nr_types ? btf->nr_types : 1, 1);
	int found = 0;

	if (!colour)
		return -ENOMEM;
	if (!starts)
		n = btf->nr_types;
	for (size_t k = 0; k < n && !found; k++) {
		uint32_t first = starts ? starts[k] : start + (uint32_t)k;
		uint32_t cur = first, next;

		if (colour[first - start] != CHAIN_WHITE)
			continue;
		for (;;) {
			colour[cur - start] = CHAIN_GREY;
			next = btf_chain_next(btf, cur);
			if (next < start || colour[next - start] == CHAIN_BLACK)
				break;
			if (colour[next - start] == CHAIN_GREY) {
				*entry = next;
				*last = cur;
				found = 1;
				break;
			}
			cur = next;
		}
		for (cur = first; cur >= start && colour[cur - start] == CHAIN_GREY;
		     cur = btf_chain_next(btf, cur))
			colour[cur - start] = CHAIN_BLACK;
	}
	free(colour);
	return found;
}

/*
 * A cycle has at least one edge that does not go down (a successor at or
 * above its node), and the walk listed those records (w->fwd): starting
 * only there finds any cycle (vmlinux: ~2,900 starts, not 126,585). If
 * there is one, the search is redone from every id, so the cycle reported
 * is the first in id order, whatever the starts were.
 */
static int btf_check_cycles(struct btf_walk *w, struct errbuf *eb)
{
	uint32_t entry = 0, last = 0;
	int r;

	if ((w->flags & BTF_PARSE_TRUSTED) || !w->nfwd)
		return 0;
	r = btf_find_cycle(w->btf, w->fwd, w->nfwd, &entry, &last);
	if (r > 0)
		r = btf_find_cycle(w->btf, NULL, 0, &entry, &last);
	if (r < 0)
		return err_set(eb, -ENOMEM, "out of memory checking %u types",
			       w->btf->nr_types);
	return r ? btf_cycle_err(w->btf, entry, last, eb) : 0;
}

/* ---- btf_parse: the steps in order ---- */

static int btf_step_header(struct btf_walk *w, struct errbuf *eb)
{
	return btf_check_header(w->btf, eb);
}

static int btf_step_strings(struct btf_walk *w, struct errbuf *eb)
{
	return btf_check_strings(w->btf, eb);
}

/* Every reference below the type count and every FUNC/DECL_TAG checked
 * during the walk: nothing to do. Otherwise the full check, in id order. */
static int btf_step_refs(struct btf_walk *w, struct errbuf *eb)
{
	if ((w->flags & BTF_PARSE_TRUSTED) ||
	    (w->ref_max < btf_type_cnt(w->btf) && !w->refs_suspect))
		return 0;
	return btf_check_refs(w->btf, eb);
}

/*
 * Two rules the kernel enforces that the walk does not: the bits of a
 * record's info word outside kind_flag, kind and vlen must be zero
 * (BTF_INFO_MASK in kernel/bpf/btf.c, "Invalid btf_info"), and a DATASEC
 * lists variables: each entry must be a VAR, or a FUNC (an object's .ksyms
 * section declares kfuncs there), else "Not a VAR kind member" - and
 * later stages read the entry's name through it.
 */
#define BTF_INFO_USED_BITS 0x9f00ffffu
static int btf_step_datasecs(struct btf_walk *w, struct errbuf *eb)
{
	const struct btf *btf = w->btf;

	if (w->flags & BTF_PARSE_TRUSTED)
		return 0;
	for (uint32_t id = btf->start_id; id < btf_type_cnt(btf); id++) {
		const struct btf_type *t = btf_type_by_id(btf, id);
		const struct btf_var_secinfo *vs;

		if (t->info & ~BTF_INFO_USED_BITS)
			return err_set(eb, -EINVAL, "type [%u] %s: info 0x%08x has bits set "
				       "outside kind_flag, kind and vlen", id,
				       btf_kind_name(btf_kind(t)), t->info);
		if (btf_kind(t) != BTF_KIND_DATASEC)
			continue;
		vs = btf_var_secinfos(t);
		for (unsigned i = 0; i < btf_vlen(t); i++) {
			const struct btf_type *v = btf_type_by_id(btf, vs[i].type);

			if (!v || (btf_kind(v) != BTF_KIND_VAR && btf_kind(v) != BTF_KIND_FUNC))
				return err_set(eb, -EINVAL,
					       "type [%u] DATASEC '%s': entry %u is type [%u] "
					       "(%s), not a VAR", id, btf_str(btf, t->name_off), i,
					       vs[i].type, v ? btf_kind_name(btf_kind(v)) : "void");
		}
	}
	return 0;
}

static const struct {
	const char *name;
	int (*run)(struct btf_walk *w, struct errbuf *eb);
} btf_parse_steps[] = {
	{ "check header", btf_step_header },
	{ "check strings", btf_step_strings },
	{ "walk types (lengths, names; note references)", btf_walk_types },
	{ "check type references", btf_step_refs },
	{ "check info bits and DATASEC entries", btf_step_datasecs },
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
	return btf_parse_opts(data, size, base, 0, out, eb);
}

int btf_parse_opts(const void *data, size_t size, const struct btf *base,
		   unsigned flags, struct btf **out, struct errbuf *eb)
{
	struct btf_walk w = { .flags = flags };
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
	btf->trusted = !!(flags & BTF_PARSE_TRUSTED);
	btf->names = calloc(1, sizeof(*btf->names));
	w.btf = btf;
	err = btf->names ? btf_align_data(btf, eb) :
			   err_set(eb, -ENOMEM, "out of memory for the BTF");
	for (size_t i = 0; !err && i < sizeof(btf_parse_steps) /
					   sizeof(btf_parse_steps[0]); i++)
		err = btf_parse_steps[i].run(&w, eb);
	free(w.fwd);
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
	btf_names_free(btf->names);
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

/*
 * Is @fd a sysfs file? Only the kernel writes sysfs, and the BTF there
 * (/sys/kernel/btf/vmlinux, /sys/kernel/btf/<module>) is what the running
 * kernel built and verified itself (btf_parse_vmlinux, btf_parse_module in
 * kernel/bpf/btf.c) before it published it: the one input rawload parses
 * BTF_PARSE_TRUSTED. A copy of it elsewhere (--btf FILE) is checked in full.
 */
static int statfs_is_sysfs(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 && sfs.f_type == SYSFS_MAGIC;
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
	err = btf_parse_opts((const uint8_t *)map + off, len, base,
			     !off && statfs_is_sysfs(fd) ? BTF_PARSE_TRUSTED : 0,
			     out, eb);
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

/* One name lookup through the index: the first id named exactly @name. */
struct btf_name_query {
	const struct btf *btf;
	const char *name;
	int id;
};

static int btf_name_equal(uint32_t id, void *arg)
{
	struct btf_name_query *q = arg;

	if (strcmp(btf_type_name(q->btf, id), q->name))
		return 0;
	q->id = (int)id;
	return 1;
}

/* Search one btf (not its base) for a type of @kind named @name: by the
 * index once the kind has one (or once linear scans have cost two walks
 * of the types, when it is built), else by a scan that stops at the first
 * match. */
static int btf_find_local(const struct btf *btf, const char *name, unsigned kind)
{
	struct btf_names *nm = btf->names;
	struct btf_name_query q = { btf, name, -ENOENT };
	uint32_t i;

	if (kind < NR_BTF_KINDS && *name && !nm->built[kind] &&
	    nm->scanned[kind] >= 2 * (uint64_t)btf->nr_types + 64)
		btf_index_build(btf, kind); /* on -ENOMEM, keep scanning */
	if (kind < NR_BTF_KINDS && *name && nm->built[kind]) {
		btf_index_visit(btf, name, btf_name_key_len(name), kind,
				btf_name_equal, &q);
		return q.id;
	}
	for (i = 0; i < btf->nr_types; i++) {
		const struct btf_type *t =
			(const struct btf_type *)(btf->types + btf->type_offs[i]);

		if (btf_kind(t) == kind && strcmp(btf_str(btf, t->name_off), name) == 0)
			break;
	}
	if (kind < NR_BTF_KINDS)
		nm->scanned[kind] += i + 1;
	return i < btf->nr_types ? (int)(btf->start_id + i) : -ENOENT;
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
