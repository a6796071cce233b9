/*
 * elf/btf.c - parsing BTF, and the accessors that read it afterwards (the
 * API is in btf.h).
 *
 * Where it sits: object.c hands btf_parse() the bytes of an object's .BTF
 * section, and relo/core.c reads the target kernel's types through
 * btf_load_file("/sys/kernel/btf/vmlinux") (btf_file.c). Both go through
 * btf_parse(), which checks everything once, so that the accessors
 * afterwards can trust the data and never fail.
 *
 * The BTF module is five files, one concern each:
 *   btf.c        this file: the format, the parse steps, the walk over the
 *                records, and the accessors (strings, sizes, modifiers);
 *   btf_check.c  the checks only BTF from outside the kernel needs: name
 *                offsets, references, DATASEC entries, reference cycles;
 *   btf_file.c   btf_load_file(): raw BTF or an ELF's .BTF, mapped;
 *   btf_index.c  lookups by name (the lazily built name index);
 *   btf_fmt.c    btf_type_str(): a type's C spelling, for messages.
 * btf_internal.h holds what they share and nobody else should see.
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
 * Steps 1, 2 and the walk of 3 are here; 3's per-record checks, 4 and 5
 * are in btf_check.c.
 */
#include "btf.h"
#include "btf_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* The magic as a little-endian reader sees a big-endian producer's. */
#define BTF_MAGIC_SWAPPED 0x9FEB

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

const char *btf_str_checked(const struct btf *btf, uint32_t off)
{
	while (btf->base && off < btf->start_str_off)
		btf = btf->base;
	if (off < btf->start_str_off || off - btf->start_str_off >= btf->str_len)
		return NULL;
	return btf->strs + (off - btf->start_str_off);
}

const char *btf_type_name(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf_type_by_id(btf, id);

	return t ? btf_str(btf, t->name_off) : "";
}

/* btf_internal.h says what this is for. */
int btf_type_err(const struct btf *btf, uint32_t id, struct errbuf *eb,
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

/* The record lengths by kind: btf_internal.h explains the encoding. */
#define REC(fixed, item) { sizeof(struct btf_type) + (fixed), (item) }
#define UNKNOWN { BTF_LAYOUT_UNKNOWN, 0 }
const struct btf_kind_layout btf_layout[32] = {
	[BTF_KIND_UNKN] = UNKNOWN,
	[BTF_KIND_INT] = REC(sizeof(uint32_t), 0), /* encoding, offset, bits */
	[BTF_KIND_PTR] = REC(0, 0),
	[BTF_KIND_ARRAY] = REC(sizeof(struct btf_array), 0),
	[BTF_KIND_STRUCT] = REC(0, sizeof(struct btf_member)),
	[BTF_KIND_UNION] = REC(0, sizeof(struct btf_member)),
	[BTF_KIND_ENUM] = REC(0, sizeof(struct btf_enum)),
	[BTF_KIND_FWD] = REC(0, 0),
	[BTF_KIND_TYPEDEF] = REC(0, 0),
	[BTF_KIND_VOLATILE] = REC(0, 0),
	[BTF_KIND_CONST] = REC(0, 0),
	[BTF_KIND_RESTRICT] = REC(0, 0),
	[BTF_KIND_FUNC] = REC(0, 0),
	[BTF_KIND_FUNC_PROTO] = REC(0, sizeof(struct btf_param)),
	[BTF_KIND_VAR] = REC(sizeof(struct btf_var), 0),
	[BTF_KIND_DATASEC] = REC(0, sizeof(struct btf_var_secinfo)),
	[BTF_KIND_FLOAT] = REC(0, 0),
	[BTF_KIND_DECL_TAG] = REC(sizeof(struct btf_decl_tag), 0),
	[BTF_KIND_TYPE_TAG] = REC(0, 0),
	[BTF_KIND_ENUM64] = REC(0, sizeof(struct btf_enum64)),
	/* kinds no kernel defines yet (include/uapi/linux/btf.h: 19 is the
	 * last, ENUM64) */
	[20] = UNKNOWN, [21] = UNKNOWN, [22] = UNKNOWN, [23] = UNKNOWN,
	[24] = UNKNOWN, [25] = UNKNOWN, [26] = UNKNOWN, [27] = UNKNOWN,
	[28] = UNKNOWN, [29] = UNKNOWN, [30] = UNKNOWN, [31] = UNKNOWN,
};
#undef REC
#undef UNKNOWN

/* btf_internal.h says what this is for. */
int btf_walk_err(const struct btf *btf, uint32_t off, struct errbuf *eb)
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
	if (btf_layout[kind].rec == BTF_LAYOUT_UNKNOWN)
		return err_set(eb, -EINVAL, "type [%u] at offset %u: unknown "
			       "kind %u", id, off, kind);
	return err_set(eb, -EINVAL, "type [%u] %s at offset %u: its "
		       "%" PRIu64 " bytes run past the end of the type "
		       "section (%u bytes)", id, btf_kind_name(kind), off,
		       btf_rec_len(t), len);
}

/*
 * The trusted walk: only lengths, offsets and kinds, as lean as the
 * bench's walk-only floor (it is the loop every load of vmlinux BTF runs
 * 126,000 times). Only the 12-byte header of a record is read, and only
 * when it lies inside the section; a record whose tail (or unknown kind,
 * BTF_LAYOUT_UNKNOWN bytes) runs past the end pushes @off past the end and
 * ends the loop, so the bounds are checked once, afterwards. @off is 64
 * bits wide for that overshoot; @n is a size_t so that it indexes both
 * arrays without being widened each time round.
 */
static int btf_walk_trusted(struct btf *btf, uint32_t *offs, uint8_t *kinds,
			    struct errbuf *eb)
{
	const uint8_t *types = btf->types;
	uint64_t len = btf->hdr->type_len, off = 0;
	uint32_t good, start = btf->start_id;
	uint32_t max_n = start <= BTF_MAX_TYPE ? BTF_MAX_TYPE - start + 1 : 0;
	size_t n = 0;

	if (len >= sizeof(struct btf_type)) {
		/* the last offset a record header fits at: "off + 12 <= len"
		 * with nothing added per round */
		uint64_t last = len - sizeof(struct btf_type);

		for (; off <= last; n++) {
			const struct btf_type *t = (const void *)(types + off);
			uint32_t info = t->info;
			const struct btf_kind_layout *l =
				&btf_layout[BTF_INFO_KIND(info)];

			offs[n] = (uint32_t)off;
			kinds[n] = (uint8_t)BTF_INFO_KIND(info);
			off += l->rec + (uint64_t)BTF_INFO_VLEN(info) * l->item;
		}
	}
	/* The records before the first bad one; then the first fault in
	 * record order: an id past BTF_MAX_TYPE, or the bad record. */
	good = (uint32_t)(off > len ? n - 1 : n);
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
	 * allocation of each array serves the walk, shrunk to size after. */
	size_t max = btf->hdr->type_len / sizeof(struct btf_type);
	uint32_t *offs = malloc((max ? max : 1) * sizeof(*offs));
	uint8_t *kinds = malloc(BTF_KINDS_SIZE(max));
	size_t nk;
	int err;

	btf->type_offs = offs;
	btf->kinds = kinds;
	if (!offs || !kinds)
		return err_set(eb, -ENOMEM, "out of memory for %zu type offsets", max);
	if (w->flags & BTF_PARSE_TRUSTED)
		err = btf_walk_trusted(btf, offs, kinds, eb);
	else
		err = btf_walk_full(w, offs, kinds, eb);
	if (err)
		return err;
	offs = realloc(offs, (btf->nr_types ? btf->nr_types : 1) * sizeof(*offs));
	if (offs)
		btf->type_offs = offs;
	nk = BTF_KINDS_SIZE(btf->nr_types);
	memset(kinds + btf->nr_types, BTF_KIND_PAD, nk - btf->nr_types);
	kinds = realloc(kinds, nk);
	if (kinds)
		btf->kinds = kinds;
	return 0;
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
	btf->names = btf_names_new();
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
	free(btf->kinds);
	free(btf);
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
