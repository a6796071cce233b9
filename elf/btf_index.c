/*
 * elf/btf_index.c - finding BTF types by name: btf_find_by_name_kind() and
 * btf_name_index_kind() (the API is in btf.h).
 *
 * Lookups by name are what CO-RE (every candidate of a local type), attach
 * targets, kfuncs and an object's own programs need, and most of them go
 * to vmlinux: 126,000 records, 2.3 MB of strings. Parsing it costs one
 * walk over the records (btf.c); the lookups of a typical load must not
 * cost several more. Two tools, chosen per kind by what has been asked:
 *
 * 1. A scan of one kind. The walk kept each record's kind in btf->kinds,
 *    one byte per id, so the records of a kind are found eight ids at a
 *    time without touching the others (kind_iter below): the 10,700
 *    STRUCTs of vmlinux without reading the 115,000 other records. A
 *    lookup that finds an early type (task_struct is a low id) stops
 *    early. Used for btf_find_by_name_kind()'s first lookups of a kind.
 *
 * 2. A hash index of one kind, built on first need and kept with the btf:
 *    for every btf_name_index_kind() (CO-RE asks it for each local type),
 *    and for btf_find_by_name_kind() once its scans of a kind have cost
 *    about two walks. Built per kind, so a load that asks only for
 *    structs never hashes the 56,000 FUNC names:
 *
 *      name "task_struct___old" -> key "task_struct"   (btf_name_key_len)
 *                               -> words "task_str" "uct" (8 bytes each)
 *                               -> key_hash_str() >> shift = bucket b
 *      head[b] -> entry 12 -> entry 640 -> 0        (next[] links them)
 *      ids[12] = 1843, ids[640] = 90211             (ascending)
 *
 *    The key is the name up to its first "___", so all CO-RE flavors of a
 *    name land in the name's bucket. The key is read and hashed eight
 *    bytes at a time (key_word finds its end in each word with a few word
 *    operations): hashing it a byte at a time, looking for "___" at each
 *    byte, cost ~180 instructions per name, and with every kind but FUNC
 *    indexed at once, 2.5 times the parse itself. Every word of the key is
 *    hashed, not only the first: names that agree in eight bytes are
 *    common (1,600 "btf_trace_*" typedefs, 1,600 "trace_event_raw_*"
 *    structs), and with one word they shared one bucket, which made 1000
 *    tp_btf programs' lookups quadratic (issue 17). The visit still
 *    compares each entry's key with the one asked, for hash collisions.
 *
 * Both tools look at eight bytes at a time with the "which bytes are
 * zero" trick (Hacker's Delight 6-1; musl's strlen and memchr use it).
 *
 * Where it sits: a parsed btf (btf.c) carries a struct btf_names, empty
 * until the first lookup; everything in it is a cache of what the records
 * already say, so it is filled through a const btf and freed with it.
 */
#include "btf.h"
#include "btf_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * One kind's index: the kind's named ids in chains, one chain per bucket.
 * Entries are numbered from 1 in id order, so 0 ends a chain and a
 * calloc'ed head[] is all empty chains.
 */
struct btf_kind_index {
	uint32_t shift;		/* a key's bucket: its hash >> shift */
	uint32_t *head;		/* [b]: the first entry of bucket b, or 0 */
	uint32_t *next;		/* [e]: the entry after e in its bucket, or 0 */
	uint32_t *ids;		/* [e]: entry e's type id (ascending in e) */
};

struct btf_names {
	/* Records passed so far by scans of each kind: past two full walks,
	 * btf_find_by_name_kind builds the kind's index. */
	uint64_t scanned[NR_BTF_KINDS];
	uint8_t built[NR_BTF_KINDS];	/* kinds[k] is valid */
	struct btf_kind_index kinds[NR_BTF_KINDS];
};

struct btf_names *btf_names_new(void)
{
	return calloc(1, sizeof(struct btf_names));
}

void btf_names_free(struct btf_names *nm)
{
	if (!nm)
		return;
	for (unsigned k = 0; k < NR_BTF_KINDS; k++) {
		free(nm->kinds[k].head);
		free(nm->kinds[k].next);
		free(nm->kinds[k].ids);
	}
	free(nm);
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

/* ---- eight bytes at a time ----
 *
 * A u64 loaded with memcpy holds bytes 0..7 of the memory; which end is
 * byte 0 depends on the machine, so the five helpers below are the only
 * code that knows (little-endian: byte 0 is the low end).
 */

#define ONES 0x0101010101010101ull
#define LOWS 0x7f7f7f7f7f7f7f7full

/* 0x80 in each byte of @w that is zero, 0 in every other bit. Exact:
 * (b & 0x7f) + 0x7f cannot carry out of its byte, so no byte's answer
 * disturbs its neighbour's (the shorter (w - ONES) & ~w form can). */
static inline uint64_t zero_bytes(uint64_t w)
{
	return ~(((w & LOWS) + LOWS) | w | LOWS);
}

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
/* The index of the first flagged byte (@flags non-zero). */
static inline unsigned first_byte(uint64_t flags)
{
	return (unsigned)__builtin_clzll(flags) >> 3;
}
/* @flags without its first flag. */
static inline uint64_t clear_first(uint64_t flags)
{
	return flags & ~(0x8000000000000000ull >> __builtin_clzll(flags));
}
/* The flag of byte @i. */
static inline uint64_t byte_flag(unsigned i)
{
	return 0x80ull << (56 - 8 * i);
}
/* Byte i's flag moved to byte i - @j (byte i + @j's flag to byte i). */
static inline uint64_t from_byte_ahead(uint64_t flags, unsigned j)
{
	return flags << (8 * j);
}
/* A mask of bytes 0 .. @k-1 (k <= 8). */
static inline uint64_t first_bytes(unsigned k)
{
	return k ? ~0ull << (64 - 8 * k) : 0;
}
#else
static inline unsigned first_byte(uint64_t flags)
{
	return (unsigned)__builtin_ctzll(flags) >> 3;
}
static inline uint64_t clear_first(uint64_t flags)
{
	return flags & (flags - 1);
}
static inline uint64_t byte_flag(unsigned i)
{
	return 0x80ull << (8 * i);
}
static inline uint64_t from_byte_ahead(uint64_t flags, unsigned j)
{
	return flags >> (8 * j);
}
static inline uint64_t first_bytes(unsigned k)
{
	return k < 8 ? (1ull << (8 * k)) - 1 : ~0ull;
}
#endif

/*
 * The records of one kind, in id order: btf->kinds eight bytes at a time.
 * A word XOR eight copies of the kind is zero exactly in the bytes that
 * hold the kind, so zero_bytes() flags them, and each flag is one id
 * (about 11 instructions per eight records, 5 more per match). The array
 * is padded to whole words with BTF_KIND_PAD, which matches no kind.
 */
struct kind_iter {
	const uint8_t *kinds;	/* btf->kinds */
	size_t end;		/* its size: BTF_KINDS_SIZE(nr_types) */
	size_t next;		/* the index of the next word's first byte */
	uint64_t pat;		/* the kind, in every byte */
	uint64_t flags;		/* matches not yet returned in the last word */
};

/* @kind must be a kind (below NR_BTF_KINDS), so it never equals the pad. */
static void kind_iter_init(struct kind_iter *it, const struct btf *btf,
			   unsigned kind)
{
	it->kinds = btf->kinds;
	it->end = BTF_KINDS_SIZE(btf->nr_types);
	it->next = 0;
	it->pat = ONES * kind;
	it->flags = 0;
}

/* The next record of the kind: 1 with its index (id - start_id) in *@i,
 * or 0 when there are no more. */
static inline int kind_iter_next(struct kind_iter *it, uint32_t *i)
{
	while (!it->flags) {
		uint64_t w;

		if (it->next >= it->end)
			return 0;
		memcpy(&w, it->kinds + it->next, sizeof(w));
		it->flags = zero_bytes(w ^ it->pat);
		it->next += sizeof(w);
	}
	*i = (uint32_t)(it->next - sizeof(uint64_t) + first_byte(it->flags));
	it->flags = clear_first(it->flags);
	return 1;
}

/* ---- keys ---- */

/* The string at @off (base included) and, in *@room, the bytes from it to
 * the end of its string section; "" with room 1 for an offset outside
 * them (trusted BTF's name offsets were not checked; btf_str() does the
 * same). Inline: the index build calls it once per name. */
static inline const char *name_at(const struct btf *btf, uint32_t off,
				  size_t *room)
{
	while (btf->base && off < btf->start_str_off)
		btf = btf->base;
	off -= btf->start_str_off; /* wraps past str_len if below it */
	if (off >= btf->str_len) {
		*room = 1;
		return "";
	}
	*room = btf->str_len - off;
	return btf->strs + off;
}

/* The first min(@key_len, 8) bytes of a key in a word, the rest zero:
 * what the index hashes. */
static inline uint64_t pack_key(const char *key, size_t key_len)
{
	uint64_t w = 0;

	memcpy(&w, key, key_len < sizeof(w) ? key_len : sizeof(w));
	return w;
}

/*
 * pack_key(@s, btf_name_key_len(@s)) without reading the whole name: load
 * eight bytes, flag the NULs and the starts of "___" in them, and cut the
 * word at the first flag; *@len is the key bytes kept (8: the key goes on
 * into the next word). A "___" that starts at byte 6 or 7 runs into
 * bytes 8 and 9, which are looked at only then (they exist: no NUL came
 * before). @s must have ten bytes to read (key_hash_str() sees to it).
 *
 *   "task_struct___old"   no flag in "task_str"        -> "task_str"
 *   "file"                NUL at byte 4                -> "file"
 *   "ab___c"              "___" starts at byte 2       -> "ab"
 */
static inline uint64_t key_word(const char *s, unsigned *len)
{
	uint64_t w, under, stop;
	unsigned k;

	memcpy(&w, s, sizeof(w));
	under = zero_bytes(w ^ (ONES * '_'));
	stop = zero_bytes(w) | (under & from_byte_ahead(under, 1) &
				from_byte_ahead(under, 2));
	if (stop)
		k = first_byte(stop);
	else if (!(under & byte_flag(7)) || s[8] != '_')
		k = 8; /* no "___" can start at byte 6 or 7 */
	else if (under & byte_flag(6))
		k = 6; /* bytes 6, 7 and s[8] */
	else
		k = s[9] == '_' ? 7 : 8;
	*len = k;
	return w & first_bytes(k);
}

/*
 * The key's hash, over all of its words: key word i is bytes 8i..8i+7 of
 * the key (zero past its end), and there are key_len / 8 + 1 of them, so
 * a key of exactly eight bytes ends with an all-zero word, as the NUL
 * after it reads. Each word is mixed in with a multiply (every bit of the
 * word reaches the top bits) and the top bits folded back down, so that
 * the next word's multiply carries them too.
 *
 * Why every word: hashing only the first eight bytes put every name that
 * shares eight bytes in one bucket, and vmlinux's 1,600 "btf_trace_*"
 * typedefs (one per raw tracepoint: each tp_btf program looks one up)
 * all start with "btf_trac". 1000 tp_btf programs walked that chain a
 * thousand times: 62 M of the load's 198 M instructions (issue 17). A
 * word costs a few instructions more per name; names are two or three.
 */
static inline uint64_t key_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9E3779B97F4A7C15ull;
	return h ^ (h >> 29);
}

/* Fibonacci hashing (Knuth, TAOCP 6.4): multiply by 2^64 / phi and keep
 * the top bits, the ones every bit of the word reaches. */
static inline uint32_t key_final(uint64_t h)
{
	return (uint32_t)((h * 0x9E3779B97F4A7C15ull) >> 32);
}

/* The hash of a key given as @key_len bytes at @key (not NUL-ended there:
 * a lookup's key is the name up to its "___"). */
static uint32_t key_hash_mem(const char *key, size_t key_len)
{
	uint64_t h = 0;

	for (size_t i = 0; i <= key_len; i += 8)
		h = key_mix(h, pack_key(key + i, key_len - i < 8 ? key_len - i : 8));
	return key_final(h);
}

/* The same hash of the key of the NUL-ended name @s, with @room bytes
 * from @s to the end of its string section: eight bytes at a time while
 * eight can be read, the last few byte by byte. */
static inline uint32_t key_hash_str(const char *s, size_t room)
{
	uint64_t h = 0;
	unsigned k = 8;

	while (room >= 10 && k == 8) { /* key_word may peek at s[8], s[9] */
		h = key_mix(h, key_word(s, &k));
		s += 8;
		room -= 8;
	}
	if (k == 8) { /* near the section's end: the rest of the key */
		size_t n = btf_name_key_len(s);

		for (;; s += 8, n -= 8) {
			h = key_mix(h, pack_key(s, n < 8 ? n : 8));
			if (n < 8)
				break;
		}
	}
	return key_final(h);
}

/* key_hash_str() of the name at string offset @off wherever it lies: in
 * the base's strings or nowhere (""). Not inlined: the index build's loop
 * calls it rarely, and inlined it would crowd that loop's registers. */
static __attribute__((noinline)) uint32_t key_hash_at(const struct btf *btf,
						      uint32_t off)
{
	size_t room;
	const char *s = name_at(btf, off, &room);

	return key_hash_str(s, room);
}

/* ---- the index ---- */

/*
 * Build @btf's own (not its base's) index of @kind: one pass over the
 * kind's records collecting each named id and its key hash, then the
 * chains, linked from the last entry back so that each chain runs in
 * ascending id order (what btf_name_index_kind promises its callers).
 *
 * The first pass is the cost of the index (about 60 instructions a name on
 * vmlinux), so it keeps to one fast case: a name in this btf's own strings
 * with eight bytes to read, tested with one compare. What it needs of @btf
 * is copied into locals first: the stores into the u32 arrays could alias
 * its u32 fields, and the compiler would reload them for every name.
 */
static int btf_index_build(const struct btf *btf, unsigned kind)
{
	const uint8_t *types = btf->types;
	const uint32_t *offs = btf->type_offs;
	const char *strs = btf->strs;
	uint32_t first = btf->start_id, str_lo = btf->start_str_off;
	/* names at offsets (from str_lo) below this are in this btf's strings */
	uint32_t fast_end = btf->str_len;
	uint32_t n = 0, bits = 1, i;
	/* at most every record is of the kind: that many entries (plus the
	 * unused entry 0), allocated once, @ids shrunk afterwards */
	size_t max = (size_t)btf->nr_types + 1;
	uint32_t *hash = malloc(max * sizeof(*hash));
	uint32_t *ids = malloc(max * sizeof(*ids));
	uint32_t *head = NULL, *next = NULL, *p;
	struct kind_iter it;
	int err = -ENOMEM;

	if (!hash || !ids)
		goto out;
	kind_iter_init(&it, btf, kind);
	while (kind_iter_next(&it, &i)) {
		const struct btf_type *t = (const void *)(types + offs[i]);
		uint32_t off = t->name_off;

		if (!off)
			continue; /* anonymous: nothing to find it by */
		if (off - str_lo < fast_end)
			hash[++n] = key_hash_str(strs + (off - str_lo),
						 fast_end - (off - str_lo));
		else
			hash[++n] = key_hash_at(btf, off);
		ids[n] = first + i;
	}
	/* about one bucket per two names, at least two (the shift stays
	 * below 32): a lookup follows a chain of one or two entries */
	while (bits < 31 && (2u << bits) < n)
		bits++;
	head = calloc((size_t)1 << bits, sizeof(*head));
	next = malloc((n + 1) * sizeof(*next));
	if (!head || !next)
		goto out;
	for (uint32_t e = n; e > 0; e--) {
		uint32_t b = hash[e] >> (32 - bits);

		next[e] = head[b];
		head[b] = e;
	}
	p = realloc(ids, (n + 1) * sizeof(*ids));
	if (p)
		ids = p;
	btf->names->kinds[kind] =
		(struct btf_kind_index){ 32 - bits, head, next, ids };
	btf->names->built[kind] = 1;
	head = next = ids = NULL;
	err = 0;
out:
	free(head);
	free(next);
	free(ids);
	free(hash);
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
	b = key_hash_mem(key, key_len) >> ix->shift;
	for (uint32_t e = ix->head[b]; e; e = ix->next[e]) {
		const char *name = btf_type_name(btf, ix->ids[e]);

		/* the bucket also holds names whose hash agrees by
		 * chance: the keys themselves must */
		if (strncmp(name, key, key_len) != 0 ||
		    btf_name_key_len(name) != key_len)
			continue;
		if ((r = fn(ix->ids[e], arg)))
			return r;
	}
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

/* ---- btf_find_by_name_kind ---- */

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

/* Search one btf (not its base) for a type of @kind (a kind: below
 * NR_BTF_KINDS) named @name: by the index once the kind has one (or once
 * scans have passed two walks' worth of records, when it is built), else
 * by a scan of the kind that stops at the first match. */
static int btf_find_local(const struct btf *btf, const char *name,
			  unsigned kind)
{
	struct btf_names *nm = btf->names;
	struct btf_name_query q = { btf, name, -ENOENT };
	struct kind_iter it;
	uint32_t i;

	if (*name && !nm->built[kind] &&
	    nm->scanned[kind] >= 2 * (uint64_t)btf->nr_types + 64)
		btf_index_build(btf, kind); /* on -ENOMEM, keep scanning */
	if (*name && nm->built[kind]) {
		btf_index_visit(btf, name, btf_name_key_len(name), kind,
				btf_name_equal, &q);
		return q.id;
	}
	kind_iter_init(&it, btf, kind);
	while (kind_iter_next(&it, &i)) {
		const struct btf_type *t =
			(const void *)(btf->types + btf->type_offs[i]);
		size_t room;
		const char *s = name_at(btf, t->name_off, &room);

		/* the first bytes differ for nearly all: skip the call */
		if (s[0] == name[0] && strcmp(s, name) == 0) {
			nm->scanned[kind] += i + 1;
			return (int)(btf->start_id + i);
		}
	}
	nm->scanned[kind] += btf->nr_types + 1;
	return -ENOENT;
}

int btf_find_by_name_kind(const struct btf *btf, const char *name,
			  unsigned kind)
{
	int id = -ENOENT;

	if (kind == BTF_KIND_UNKN && strcmp(name, "void") == 0)
		return 0;
	if (kind >= NR_BTF_KINDS) /* no record has it: the walk refuses */
		return -ENOENT;
	/* Lowest ids first: the base before the split BTF on top of it. */
	if (btf->base)
		id = btf_find_by_name_kind(btf->base, name, kind);
	return id >= 0 ? id : btf_find_local(btf, name, kind);
}
