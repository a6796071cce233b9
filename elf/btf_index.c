/*
 * elf/btf_index.c - finding BTF types by name: btf_find_by_name_kind() and
 * btf_name_index_kind() (the API is in btf.h).
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

struct btf_names *btf_names_new(void)
{
	return calloc(1, sizeof(struct btf_names));
}

void btf_names_free(struct btf_names *nm)
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
