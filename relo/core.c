/*
 * relo/core.c - CO-RE relocations: replaying the compiler's field accesses
 * on the target kernel's BTF (see core.h for the idea).
 *
 * One relocation goes through four steps, named as in libbpf's
 * relo_core.c so the two can be read side by side:
 *
 *   1. parse the LOCAL spec: walk the access string "0:1:2" over the
 *      object's own BTF, recording each named member crossed (the names
 *      are what survives between kernels, not the indexes) and the bit
 *      offset the compiler assumed;
 *   2. find CANDIDATES: target types of a compatible kind whose name,
 *      without its "___flavor" suffix, is the local type's;
 *   3. MATCH the local spec on each candidate: the same member names, in
 *      the same order (looking through anonymous struct/union members),
 *      with compatible types; this gives the target spec and bit offset;
 *   4. CALC the value the instruction holds now (from the local spec) and
 *      the one it must hold (from the target spec), then PATCH the
 *      instruction after checking it does hold the former.
 *
 * Candidates that match must all agree. When none matches, the value of an
 * existence check is 0, a type-based value is 0, and anything that reads
 * memory or an enum value is POISONED: replaced by a call of a helper that
 * does not exist. That is not an error here: the program may test
 * bpf_core_field_exists() first, and the verifier removes the dead branch;
 * only a reachable poisoned call fails to load.
 *
 * Targets: candidates come from vmlinux (or --btf FILE) and, for a local
 * type vmlinux has none of, from every module's split BTF, read from
 * /sys/kernel/btf on first need (core_targets_*, the end of this file).
 *
 * The report: with CORE_DETAIL (`rawload core`) each record also gets a
 * row (struct core_relo_detail) with both values, the matched type and
 * every candidate with the rule that rejected it; spec_match() leaves
 * that rule in the candidate's spec (enum core_miss) whether or not
 * anyone asks, and the text is only written under CORE_DETAIL.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* libbpf's limit on accessors in one spec (BPF_CORE_SPEC_MAX_LEN). */
#define CORE_SPEC_MAX_LEN 64
/* Recursion limits of the type comparisons, as libbpf's. */
#define CORE_MAX_DEPTH 32

/* One step of a spec: a named member (@name set; @type_id is the
 * struct/union holding it, @idx its member index) or an array element
 * (@name NULL; @type_id is the element type, @idx the element index). For
 * enum-value relocations, the single accessor is the enumerator. */
struct core_acc {
	uint32_t type_id;
	uint32_t idx;
	const char *name;
};

/* Why spec_match() found no match on a candidate: kept in the candidate's
 * spec for the report (two stores on a path that is already failing). */
enum core_miss {
	CORE_MISS_NONE,
	CORE_MISS_FIELD,	/* no member of that name */
	CORE_MISS_FIELD_TYPE,	/* the member's type is incompatible */
	CORE_MISS_NOT_ARRAY,	/* an index into something not an array */
	CORE_MISS_INDEX,	/* the index is past the target's array */
	CORE_MISS_ENUMERATOR,	/* no enumerator of that name */
	CORE_MISS_TYPE,		/* type relocations: the shapes differ */
};

/* An access resolved on one BTF. */
struct core_spec {
	const struct btf *btf;
	uint32_t root_type_id;	/* the relocation's type (local or candidate) */
	uint32_t kind;		/* enum bpf_core_relo_kind */
	int len;		/* accessors in @spec (anonymous members skipped) */
	struct core_acc spec[CORE_SPEC_MAX_LEN];
	int raw_len;		/* indexes in @raw_spec: the access string */
	uint32_t raw_spec[CORE_SPEC_MAX_LEN];
	uint32_t bit_offset;	/* of the accessed field from the root */
	enum core_miss miss;	/* candidate specs: why the match failed */
	uint32_t miss_lid, miss_tid; /* FIELD_TYPE: the two types; INDEX:
				      * -, the target's element count */
};

/* The outcome for one relocation (libbpf's bpf_core_relo_res). */
struct core_res {
	uint64_t orig_val;	/* what the instruction must hold now */
	uint64_t new_val;	/* what it will hold */
	bool poison;		/* no target: poison the instruction */
	bool validate;		/* check the instruction holds @orig_val */
	bool fail_memsz_adjust; /* load size would change unsafely: poison */
	uint32_t orig_sz, new_sz; /* field sizes, for LDX/ST/STX resizing */
	uint32_t orig_type_id, new_type_id;
};

/* bpf_core_calc_*() asks for poisoning with this, as libbpf does. */
#define CORE_EPOISON EUCLEAN

static const char *const kind_names[] = {
	[BPF_CORE_FIELD_BYTE_OFFSET] = "byte_off",
	[BPF_CORE_FIELD_BYTE_SIZE] = "byte_sz",
	[BPF_CORE_FIELD_EXISTS] = "field_exists",
	[BPF_CORE_FIELD_SIGNED] = "signed",
	[BPF_CORE_FIELD_LSHIFT_U64] = "lshift_u64",
	[BPF_CORE_FIELD_RSHIFT_U64] = "rshift_u64",
	[BPF_CORE_TYPE_ID_LOCAL] = "local_type_id",
	[BPF_CORE_TYPE_ID_TARGET] = "target_type_id",
	[BPF_CORE_TYPE_EXISTS] = "type_exists",
	[BPF_CORE_TYPE_SIZE] = "type_size",
	[BPF_CORE_ENUMVAL_EXISTS] = "enumval_exists",
	[BPF_CORE_ENUMVAL_VALUE] = "enumval_value",
	[BPF_CORE_TYPE_MATCHES] = "type_matches",
};

const char *core_relo_kind_name(uint32_t kind)
{
	if (kind < sizeof(kind_names) / sizeof(kind_names[0]) && kind_names[kind])
		return kind_names[kind];
	return "unknown";
}

static bool is_field_kind(uint32_t k)
{
	return k <= BPF_CORE_FIELD_RSHIFT_U64;
}

static bool is_type_kind(uint32_t k)
{
	return k == BPF_CORE_TYPE_ID_LOCAL || k == BPF_CORE_TYPE_ID_TARGET ||
	       k == BPF_CORE_TYPE_EXISTS || k == BPF_CORE_TYPE_SIZE ||
	       k == BPF_CORE_TYPE_MATCHES;
}

static bool is_enumval_kind(uint32_t k)
{
	return k == BPF_CORE_ENUMVAL_EXISTS || k == BPF_CORE_ENUMVAL_VALUE;
}

/* X___Y with X and Y not '_': "task_struct___old" is a flavor of
 * task_struct, "__state" and "a____b" are plain names. */
static bool is_flavor_sep(const char *s)
{
	return s[0] != '_' && s[1] == '_' && s[2] == '_' && s[3] == '_' &&
	       s[4] != '_';
}

size_t core_essential_name_len(const char *name)
{
	size_t n = strlen(name);

	/* The LAST separator counts, so "a___b___c" is a flavor of "a___b". */
	for (size_t i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;)
		if (is_flavor_sep(name + i))
			return i + 1;
	return n;
}

/* Same name once flavors are cut. */
static bool essential_names_equal(const char *a, const char *b)
{
	size_t la = core_essential_name_len(a), lb = core_essential_name_len(b);

	return la == lb && strncmp(a, b, la) == 0;
}

/* ---- small BTF helpers (void is id 0, a NULL record) ---- */

static unsigned kind_of(const struct btf_type *t)
{
	return t ? btf_kind(t) : BTF_KIND_UNKN;
}

static bool is_composite(const struct btf_type *t)
{
	unsigned k = kind_of(t);

	return k == BTF_KIND_STRUCT || k == BTF_KIND_UNION;
}

static bool is_any_enum(const struct btf_type *t)
{
	unsigned k = kind_of(t);

	return k == BTF_KIND_ENUM || k == BTF_KIND_ENUM64;
}

/* CO-RE treats ENUM and ENUM64 as one kind: a kernel may have widened an
 * enum since the program was built (libbpf's btf_kind_core_compat). */
static bool kinds_core_compat(const struct btf_type *a, const struct btf_type *b)
{
	return kind_of(a) == kind_of(b) || (is_any_enum(a) && is_any_enum(b));
}

/* Follow modifiers and typedefs: the type and its id. */
static const struct btf_type *skip_mods(const struct btf *btf, uint32_t id,
					uint32_t *res_id)
{
	id = btf_skip_mods_typedefs(btf, id);
	if (res_id)
		*res_id = id;
	return btf_type_by_id(btf, id);
}

static int64_t resolve_size(const struct btf *btf, uint32_t id)
{
	struct errbuf ignore;
	uint64_t sz;

	if (btf_type_size(btf, id, &sz, &ignore) < 0 || sz > INT64_MAX)
		return -EINVAL;
	return (int64_t)sz;
}

static const char *enumerator_name(const struct btf *btf,
				   const struct btf_type *t, uint32_t i)
{
	return btf_str(btf, btf_kind(t) == BTF_KIND_ENUM ?
				    btf_enums(t)[i].name_off :
				    btf_enum64s(t)[i].name_off);
}

/* A trailing array of 0 elements in a struct (char data[]): any index is
 * in bounds. @acc is the accessor before the array. */
static bool is_flex_arr(const struct btf *btf, const struct core_acc *acc,
			const struct btf_array *arr)
{
	const struct btf_type *t;

	if (!acc->name || arr->nelems > 0)
		return false;
	t = btf_type_by_id(btf, acc->type_id);
	return is_composite(t) && acc->idx == btf_vlen(t) - 1;
}

/* ---- describing a spec, for messages ---- */

/* "struct task_struct.real_parent" / "enum pid_type::PIDTYPE_TGID". */
static void spec_str(const struct core_spec *spec, char *buf, size_t len)
{
	const struct btf_type *t = btf_type_by_id(spec->btf, spec->root_type_id);
	char tname[128];
	size_t n;

	btf_type_str(spec->btf, spec->root_type_id, tname, sizeof(tname));
	n = (size_t)snprintf(buf, len, "%s", tname);
	if (n >= len || !t)
		return;
	if (is_enumval_kind(spec->kind) && spec->len > 0) {
		snprintf(buf + n, len - n, "::%s", spec->spec[0].name);
		return;
	}
	if (!is_field_kind(spec->kind))
		return;
	for (int i = 0; i < spec->len && n < len; i++) {
		const struct core_acc *a = &spec->spec[i];

		if (a->name)
			n += (size_t)snprintf(buf + n, len - n, ".%s", a->name);
		else if (i > 0 || a->idx > 0)
			n += (size_t)snprintf(buf + n, len - n, "[%u]", a->idx);
	}
}

/* ---- 1. the local spec ---- */

/* "0:1:2" -> raw indexes. Strict: digits separated by single ':'. */
static int parse_access_str(const char *s, struct core_spec *spec,
			    struct errbuf *eb)
{
	spec->raw_len = 0;
	while (*s) {
		unsigned long v;
		char *end;

		if (spec->raw_len > 0) {
			if (*s != ':')
				break;
			s++;
		}
		if (*s < '0' || *s > '9')
			break;
		v = strtoul(s, &end, 10);
		if (v > INT32_MAX)
			return err_set(eb, -EINVAL, "index %lu too large", v);
		if (spec->raw_len == CORE_SPEC_MAX_LEN)
			return err_set(eb, -E2BIG, "more than %d accessors",
				       CORE_SPEC_MAX_LEN);
		spec->raw_spec[spec->raw_len++] = (uint32_t)v;
		s = end;
	}
	if (*s || spec->raw_len == 0)
		return err_set(eb, -EINVAL, "malformed access string");
	return 0;
}

/*
 * libbpf's bpf_core_parse_spec. Type relocations must say "0"; enum ones
 * "N" = the N-th enumerator; field ones "N:m:...": N indexes the root as
 * an array (clang records p[N].x as N:x), the rest are member indexes in
 * structs/unions and element indexes in arrays. Unnamed members (anonymous
 * struct/union) add their offset but no accessor: they are found again by
 * the names inside them.
 */
static int parse_spec(const struct btf *btf, uint32_t type_id,
		      const char *access, uint32_t kind, struct core_spec *spec,
		      struct errbuf *eb)
{
	const struct btf_type *t;
	struct core_acc *acc;
	uint32_t id;
	int64_t sz;
	int err;

	memset(spec, 0, sizeof(*spec));
	spec->btf = btf;
	spec->root_type_id = type_id;
	spec->kind = kind;

	err = parse_access_str(access, spec, eb);
	if (err)
		return err;

	if (is_type_kind(kind)) {
		if (spec->raw_len != 1 || spec->raw_spec[0] != 0)
			return err_set(eb, -EINVAL,
				       "type relocation access must be \"0\"");
		return 0;
	}

	t = skip_mods(btf, type_id, &id);
	if (!t)
		return err_set(eb, -EINVAL, "local type [%u] is void", type_id);

	acc = &spec->spec[0];
	acc->type_id = id;
	acc->idx = spec->raw_spec[0];
	spec->len++;

	if (is_enumval_kind(kind)) {
		if (!is_any_enum(t) || spec->raw_len > 1 ||
		    acc->idx >= btf_vlen(t))
			return err_set(eb, -EINVAL,
				       "not an enumerator of local type [%u]", id);
		acc->name = enumerator_name(btf, t, acc->idx);
		return 0;
	}
	if (!is_field_kind(kind))
		return err_set(eb, -EOPNOTSUPP, "unknown relocation kind %u",
			       kind);

	sz = resolve_size(btf, id);
	if (sz < 0)
		return err_set(eb, -EINVAL, "local type [%u] has no size", id);
	spec->bit_offset = (uint32_t)(acc->idx * sz * 8);

	for (int i = 1; i < spec->raw_len; i++) {
		uint32_t idx = spec->raw_spec[i];

		t = skip_mods(btf, id, &id);
		acc = &spec->spec[spec->len];
		if (is_composite(t)) {
			const struct btf_member *m;

			if (idx >= btf_vlen(t))
				return err_set(eb, -EINVAL,
					       "member %u of [%u] out of range",
					       idx, id);
			m = btf_members(t) + idx;
			spec->bit_offset += btf_member_bit_offset(t, idx);
			if (m->name_off) {
				const char *name = btf_str(btf, m->name_off);

				if (!*name)
					return err_set(eb, -EINVAL,
						       "member %u of [%u] has an empty name",
						       idx, id);
				acc->type_id = id;
				acc->idx = idx;
				acc->name = name;
				spec->len++;
			}
			id = m->type;
		} else if (kind_of(t) == BTF_KIND_ARRAY) {
			const struct btf_array *a = btf_array(t);
			bool flex;

			skip_mods(btf, a->type, &id);
			flex = is_flex_arr(btf, acc - 1, a);
			if (!flex && idx >= a->nelems)
				return err_set(eb, -EINVAL,
					       "index %u past array of %u", idx,
					       a->nelems);
			acc->type_id = id;
			acc->idx = idx;
			acc->name = NULL;
			spec->len++;
			sz = resolve_size(btf, id);
			if (sz < 0)
				return err_set(eb, -EINVAL,
					       "array element [%u] has no size", id);
			spec->bit_offset += (uint32_t)(idx * sz * 8);
		} else {
			return err_set(eb, -EINVAL,
				       "accessor %d: [%u] %s is neither composite nor array",
				       i, id, btf_kind_name(kind_of(t)));
		}
	}
	return 0;
}

/* ---- 2. candidates ---- */

/* A candidate: type @id of target BTF ts->v[@t]. */
struct core_cand {
	uint32_t t;
	uint32_t id;
	/* Set aside: relocation #@out_relo of program @out_prog was
	 * satisfied by other candidates of the same local type, not by
	 * this one (libbpf then drops it from its cand_cache); later
	 * relocations of the type do not consider it. */
	const char *out_prog;	/* NULL: still a candidate */
	uint32_t out_relo;
	bool hit;		/* match_cands: satisfied the current one */
};

struct core_cands {
	uint32_t local_id;	/* the cache key */
	struct core_cand *c;	/* in search order */
	size_t n;
	size_t searched;	/* targets looked in: ts->v[0 .. searched) */
};

/* One candidate search: the local type, and the list being filled. */
struct cand_query {
	const struct btf *target;
	uint32_t tidx;			/* its index in the target set */
	uint32_t min_id;		/* a module's own ids start here */
	const struct btf_type *lt;	/* the local type */
	const char *lname;		/* its name, and essential length */
	size_t llen;
	struct core_cands *c;
	size_t cap;
	int err;			/* -ENOMEM while appending */
};

/* btf_name_index_kind's callback: keep target @id if it is a candidate. */
static int cand_visit(uint32_t id, void *arg)
{
	struct cand_query *q = arg;
	const struct btf_type *t = btf_type_by_id(q->target, id);
	const char *name;

	if (id < q->min_id || !kinds_core_compat(t, q->lt))
		return 0;
	name = btf_str(q->target, t->name_off);
	if (!*name || core_essential_name_len(name) != q->llen ||
	    strncmp(name, q->lname, q->llen) != 0)
		return 0;
	if (q->c->n == q->cap) {
		struct core_cand *p;

		q->cap = q->cap ? q->cap * 2 : 4;
		p = realloc(q->c->c, q->cap * sizeof(*p));
		if (!p) {
			q->err = -ENOMEM;
			return 1;
		}
		q->c->c = p;
	}
	q->c->c[q->c->n++] = (struct core_cand){ .t = q->tidx, .id = id };
	return 0;
}

static int cmp_cand(const void *a, const void *b)
{
	const struct core_cand *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The candidates of @q in target @t of @ts, appended; 0 or -ENOMEM. */
static int find_cands_in(struct cand_query *q, const struct core_targets *ts,
			 uint32_t t)
{
	unsigned kinds[2];
	size_t nkinds = 0, first = q->c->n;
	size_t key_len = btf_name_key_len(q->lname);
	int r = 0;

	q->target = ts->v[t].btf;
	q->tidx = t;
	/* a module is split BTF: its base's ids are vmlinux's, searched
	 * already */
	q->min_id = t > 0 ? q->target->start_id : 0;
	kinds[nkinds++] = btf_kind(q->lt);
	if (is_any_enum(q->lt)) /* ENUM and ENUM64 are one kind to CO-RE */
		kinds[nkinds++] = btf_kind(q->lt) == BTF_KIND_ENUM ?
					  BTF_KIND_ENUM64 : BTF_KIND_ENUM;
	for (size_t k = 0; k < nkinds && r == 0; k++)
		r = btf_name_index_kind(q->target, q->lname, key_len, kinds[k],
					cand_visit, q);
	if (r < 0 || q->err)
		return -ENOMEM;
	if (nkinds > 1 && q->c->n - first > 1)
		qsort(q->c->c + first, q->c->n - first, sizeof(*q->c->c),
		      cmp_cand);
	return 0;
}

/*
 * Every target type with the local type's essential name and a compatible
 * kind, in ascending id order (libbpf's order: the first match decides
 * when candidates disagree only in kind): in v[0] (vmlinux) first, and
 * only if it has none, in every module (libbpf's bpf_core_find_cands).
 * Not a scan of the target: the target's name index (btf_name_index_kind,
 * built once per target and kind, shared by every program of the load)
 * hands over the few types whose name starts the same way; the essential
 * names are compared here.
 */
static int find_cands(const struct btf *local, uint32_t local_id,
		      struct core_targets *ts, struct core_cands *c,
		      struct errbuf *eb)
{
	const struct btf_type *lt = btf_type_by_id(local, local_id);
	const char *lname = btf_type_name(local, local_id);
	struct cand_query q = { .lt = lt, .lname = lname, .c = c };
	int err = 0;

	c->local_id = local_id;
	c->c = NULL;
	c->n = 0;
	c->searched = 0;
	if (!lt || !*lname)
		return err_set(eb, -EINVAL,
			       "anonymous local type [%u] cannot be matched by name",
			       local_id);
	q.llen = core_essential_name_len(lname);
	err = find_cands_in(&q, ts, 0);
	c->searched = 1;
	if (!err && c->n == 0) {
		/* none in vmlinux: every module's are candidates */
		if (ts->module_dir && !ts->modules_read &&
		    (err = core_targets_load_modules(ts, eb)))
			goto out;
		for (uint32_t t = 1; !err && t < ts->n; t++)
			err = find_cands_in(&q, ts, t);
		c->searched = ts->n;
	}
	if (err)
		err = err_set(eb, err, "out of memory");
out:
	if (err) {
		free(c->c);
		c->c = NULL;
		c->n = 0;
	}
	return err;
}

/* ---- 3. matching ---- */

/* libbpf's bpf_core_fields_are_compat: may a field of local type @lid be
 * read as the target's @tid? Layout-compatible enough: both composite
 * (their insides are matched by later accessors), ints with ints, enums
 * with enums of the same essential name, pointers with pointers, arrays
 * by element. */
static int fields_are_compat(const struct btf *lb, uint32_t lid,
			     const struct btf *tb, uint32_t tid)
{
	for (int depth = 0; depth < CORE_MAX_DEPTH; depth++) {
		const struct btf_type *lt = skip_mods(lb, lid, &lid);
		const struct btf_type *tt = skip_mods(tb, tid, &tid);

		if (is_composite(lt) && is_composite(tt))
			return 1;
		if (!kinds_core_compat(lt, tt))
			return 0;
		switch (kind_of(lt)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64: {
			const char *ln = btf_str(lb, lt->name_off);
			const char *tn = btf_str(tb, tt->name_off);

			/* one anonymous, or the same flavor-less name */
			return !*ln || !*tn || essential_names_equal(ln, tn);
		}
		case BTF_KIND_INT:
			/* only the old bitfield-style ints are refused */
			return BTF_INT_OFFSET(btf_int_info(lt)) == 0 &&
			       BTF_INT_OFFSET(btf_int_info(tt)) == 0;
		case BTF_KIND_ARRAY:
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* libbpf's __bpf_core_types_are_compat (TYPE_ID_TARGET, TYPE_EXISTS,
 * TYPE_SIZE): names were matched by the candidate search; here only the
 * shape: same kinds down through pointers, arrays and prototypes. */
static int types_are_compat(const struct btf *lb, uint32_t lid,
			    const struct btf *tb, uint32_t tid, int level)
{
	if (!kinds_core_compat(btf_type_by_id(lb, lid), btf_type_by_id(tb, tid)))
		return 0;
	for (int depth = 0; depth < CORE_MAX_DEPTH; depth++) {
		const struct btf_type *lt = skip_mods(lb, lid, &lid);
		const struct btf_type *tt = skip_mods(tb, tid, &tid);

		if (!kinds_core_compat(lt, tt))
			return 0;
		switch (kind_of(lt)) {
		case BTF_KIND_UNKN:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_FWD:
			return 1;
		case BTF_KIND_INT:
			return BTF_INT_OFFSET(btf_int_info(lt)) == 0 &&
			       BTF_INT_OFFSET(btf_int_info(tt)) == 0;
		case BTF_KIND_PTR:
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_params(lt);
			const struct btf_param *tp = btf_params(tt);

			if (btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (unsigned i = 0; i < btf_vlen(lt); i++) {
				int r;

				if (level <= 0)
					return -EINVAL;
				r = types_are_compat(
					lb, btf_skip_mods_typedefs(lb, lp[i].type),
					tb, btf_skip_mods_typedefs(tb, tp[i].type),
					level - 1);
				if (r <= 0)
					return r;
			}
			lid = lt->type; /* then the return type */
			tid = tt->type;
			continue;
		}
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- TYPE_MATCHES: libbpf's stricter __bpf_core_types_match ---- */

/* Names agree without flavors, or one of them is anonymous. */
static bool names_match(const struct btf *lb, uint32_t loff,
			const struct btf *tb, uint32_t toff)
{
	const char *ln = btf_str(lb, loff), *tn = btf_str(tb, toff);

	return !*ln || !*tn || essential_names_equal(ln, tn);
}

static int types_match(const struct btf *lb, uint32_t lid,
		       const struct btf *tb, uint32_t tid, bool behind_ptr,
		       int level);

/* Same size, and every local enumerator name exists in the target. */
static int enums_match(const struct btf *lb, const struct btf_type *lt,
		       const struct btf *tb, const struct btf_type *tt)
{
	if (lt->size != tt->size || btf_vlen(lt) > btf_vlen(tt))
		return 0;
	for (unsigned i = 0; i < btf_vlen(lt); i++) {
		uint32_t ln = btf_kind(lt) == BTF_KIND_ENUM ?
				      btf_enums(lt)[i].name_off :
				      btf_enum64s(lt)[i].name_off;
		bool found = false;

		for (unsigned j = 0; j < btf_vlen(tt) && !found; j++) {
			uint32_t tn = btf_kind(tt) == BTF_KIND_ENUM ?
					      btf_enums(tt)[j].name_off :
					      btf_enum64s(tt)[j].name_off;

			found = names_match(lb, ln, tb, tn);
		}
		if (!found)
			return 0;
	}
	return 1;
}

/* Every local member has a same-named target member of a matching type
 * (order and offsets do not matter). */
static int composites_match(const struct btf *lb, const struct btf_type *lt,
			    const struct btf *tb, const struct btf_type *tt,
			    bool behind_ptr, int level)
{
	const struct btf_member *lm = btf_members(lt);

	if (btf_vlen(lt) > btf_vlen(tt))
		return 0;
	for (unsigned i = 0; i < btf_vlen(lt); i++, lm++) {
		const struct btf_member *tm = btf_members(tt);
		bool matched = false;

		for (unsigned j = 0; j < btf_vlen(tt); j++, tm++) {
			int r;

			if (!names_match(lb, lm->name_off, tb, tm->name_off))
				continue;
			r = types_match(lb, lm->type, tb, tm->type, behind_ptr,
					level - 1);
			if (r < 0)
				return r;
			if (r > 0) {
				matched = true;
				break;
			}
		}
		if (!matched)
			return 0;
	}
	return 1;
}

static int types_match(const struct btf *lb, uint32_t lid,
		       const struct btf *tb, uint32_t tid, bool behind_ptr,
		       int level)
{
	if (level <= 0)
		return -EINVAL;
	for (int depth = 0; depth < CORE_MAX_DEPTH; depth++) {
		const struct btf_type *lt = skip_mods(lb, lid, &lid);
		const struct btf_type *tt = skip_mods(tb, tid, &tid);
		unsigned lk = kind_of(lt), tk = kind_of(tt);

		if (lt && tt && !names_match(lb, lt->name_off, tb, tt->name_off))
			return 0;
		switch (lk) {
		case BTF_KIND_UNKN:
			return lk == tk;
		case BTF_KIND_FWD: {
			bool lf = btf_kflag(lt);

			if (behind_ptr) {
				if (lk == tk)
					return lf == (bool)btf_kflag(tt);
				/* kflag: 0 declares a struct, 1 a union */
				return (tk == BTF_KIND_STRUCT && !lf) ||
				       (tk == BTF_KIND_UNION && lf);
			}
			return lk == tk && lf == (bool)btf_kflag(tt);
		}
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			if (!is_any_enum(tt))
				return 0;
			return enums_match(lb, lt, tb, tt);
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (behind_ptr) {
				if (lk == tk)
					return 1;
				if (tk != BTF_KIND_FWD)
					return 0;
				return (lk == BTF_KIND_UNION) == (bool)btf_kflag(tt);
			}
			if (lk != tk)
				return 0;
			return composites_match(lb, lt, tb, tt, behind_ptr, level);
		case BTF_KIND_INT:
			if (lk != tk)
				return 0;
			return lt->size == tt->size &&
			       (BTF_INT_ENCODING(btf_int_info(lt)) & BTF_INT_SIGNED) ==
				       (BTF_INT_ENCODING(btf_int_info(tt)) & BTF_INT_SIGNED);
		case BTF_KIND_PTR:
			if (lk != tk)
				return 0;
			behind_ptr = true;
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			if (lk != tk ||
			    btf_array(lt)->nelems != btf_array(tt)->nelems)
				return 0;
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_params(lt);
			const struct btf_param *tp = btf_params(tt);

			if (lk != tk || btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (unsigned i = 0; i < btf_vlen(lt); i++) {
				int r = types_match(lb, lp[i].type, tb, tp[i].type,
						    behind_ptr, level - 1);
				if (r <= 0)
					return r;
			}
			lid = lt->type;
			tid = tt->type;
			continue;
		}
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * libbpf's bpf_core_match_member: find the local accessor's member, by
 * exact name, among @tid's members, descending into anonymous members.
 * Pushes the raw index path and bit offset into @spec as it goes and pops
 * what did not lead anywhere. 1 found (and compatible), 0 not, <0 error.
 */
static int match_member(const struct btf *lb, const struct core_acc *lacc,
			const struct btf *tb, uint32_t tid,
			struct core_spec *spec, uint32_t *next_tid)
{
	const struct btf_type *lt = btf_type_by_id(lb, lacc->type_id);
	const struct btf_member *lm = btf_members(lt) + lacc->idx;
	const char *lname = btf_str(lb, lm->name_off);
	const struct btf_type *tt = skip_mods(tb, tid, &tid);
	const struct btf_member *m;

	if (!is_composite(tt))
		return 0;
	m = btf_members(tt);
	for (unsigned i = 0; i < btf_vlen(tt); i++, m++) {
		uint32_t bit_off = btf_member_bit_offset(tt, i);
		const char *tname = btf_str(tb, m->name_off);
		int found;

		if (spec->raw_len == CORE_SPEC_MAX_LEN)
			return -E2BIG;
		/* speculate that this member is the one */
		spec->bit_offset += bit_off;
		spec->raw_spec[spec->raw_len++] = i;

		if (!*tname) {
			found = match_member(lb, lacc, tb, m->type, spec, next_tid);
			if (found)
				return found;
		} else if (strcmp(lname, tname) == 0) {
			struct core_acc *tacc = &spec->spec[spec->len++];

			tacc->type_id = tid;
			tacc->idx = i;
			tacc->name = tname;
			*next_tid = m->type;
			found = fields_are_compat(lb, lm->type, tb, m->type);
			if (!found) {
				spec->len--;
				spec->miss = CORE_MISS_FIELD_TYPE;
				spec->miss_lid = lm->type;
				spec->miss_tid = m->type;
			}
			return found;
		}
		spec->bit_offset -= bit_off;
		spec->raw_len--;
	}
	return 0;
}

/*
 * libbpf's bpf_core_spec_match: replay @local on candidate @tid of @tb.
 * 1 matched (@targ filled), 0 not (*fail_at = the local accessor that
 * found nothing), <0 error.
 */
static int spec_match(const struct core_spec *local, const struct btf *tb,
		      uint32_t tid, struct core_spec *targ, int *fail_at)
{
	const struct btf_type *tt;

	memset(targ, 0, sizeof(*targ));
	targ->btf = tb;
	targ->root_type_id = tid;
	targ->kind = local->kind;
	*fail_at = 0;

	if (is_type_kind(local->kind)) {
		int r = local->kind == BPF_CORE_TYPE_MATCHES ?
				types_match(local->btf, local->root_type_id, tb,
					    tid, false, CORE_MAX_DEPTH) :
				types_are_compat(local->btf, local->root_type_id,
						 tb, tid, CORE_MAX_DEPTH);

		if (r == 0)
			targ->miss = CORE_MISS_TYPE;
		return r;
	}

	if (is_enumval_kind(local->kind)) {
		const char *lname = local->spec[0].name;

		tt = skip_mods(tb, tid, &tid);
		if (!is_any_enum(tt))
			return 0;
		for (unsigned i = 0; i < btf_vlen(tt); i++) {
			const char *tname = enumerator_name(tb, tt, i);

			if (essential_names_equal(lname, tname)) {
				targ->spec[0] = (struct core_acc){ tid, i, tname };
				targ->len = 1;
				targ->raw_spec[0] = i;
				targ->raw_len = 1;
				return 1;
			}
		}
		targ->miss = CORE_MISS_ENUMERATOR;
		return 0;
	}

	for (int i = 0; i < local->len; i++) {
		const struct core_acc *lacc = &local->spec[i];
		struct core_acc *tacc = &targ->spec[targ->len];

		*fail_at = i;
		tt = skip_mods(tb, tid, &tid);
		if (!tt)
			return -EINVAL;
		if (lacc->name) {
			int r;

			targ->miss = CORE_MISS_NONE;
			r = match_member(local->btf, lacc, tb, tid, targ, &tid);
			if (r == 0 && targ->miss == CORE_MISS_NONE)
				targ->miss = CORE_MISS_FIELD;
			if (r <= 0)
				return r;
			continue;
		}
		/* Element 0 is the root itself; deeper ones need an array. */
		if (i > 0) {
			const struct btf_array *a;

			if (kind_of(tt) != BTF_KIND_ARRAY) {
				targ->miss = CORE_MISS_NOT_ARRAY;
				return 0;
			}
			a = btf_array(tt);
			if (!is_flex_arr(tb, tacc - 1, a) && lacc->idx >= a->nelems) {
				targ->miss = CORE_MISS_INDEX;
				targ->miss_tid = a->nelems;
				return 0;
			}
			if (!skip_mods(tb, a->type, &tid))
				return -EINVAL;
		}
		if (targ->raw_len == CORE_SPEC_MAX_LEN)
			return -E2BIG;
		tacc->type_id = tid;
		tacc->idx = lacc->idx;
		tacc->name = NULL;
		targ->len++;
		targ->raw_spec[targ->raw_len++] = lacc->idx;
		int64_t sz = resolve_size(tb, tid);
		if (sz < 0)
			return (int)sz;
		targ->bit_offset += (uint32_t)(lacc->idx * sz * 8);
	}
	return 1;
}

/* ---- 4. values ---- */

/*
 * libbpf's bpf_core_calc_field_relo. For a bitfield the "field" is the
 * smallest naturally aligned 1/2/4/8-byte word around it, starting with
 * the declared type's size: the program loads that word, shifts left to
 * drop the bits above the field and right to drop the ones below
 * (BPF_CORE_READ_BITFIELD).
 */
static int calc_field(uint32_t kind, const struct core_spec *spec,
		      uint64_t *val, uint32_t *field_sz, uint32_t *type_id,
		      bool *validate, struct errbuf *eb)
{
	const struct core_acc *acc;
	const struct btf_type *t, *mt;
	const struct btf_member *m;
	uint32_t byte_off, byte_sz, bit_off, bit_sz, ftype;
	bool bitfield;
	int64_t sz;

	*field_sz = 0;
	if (kind == BPF_CORE_FIELD_EXISTS) {
		*val = spec ? 1 : 0;
		return 0;
	}
	if (!spec)
		return -CORE_EPOISON;

	acc = &spec->spec[spec->len - 1];
	t = btf_type_by_id(spec->btf, acc->type_id);

	if (!acc->name) { /* the last step is an array element: a[n] */
		sz = resolve_size(spec->btf, acc->type_id);
		if (sz < 0)
			return err_set(eb, -EINVAL, "element has no size");
		if (kind == BPF_CORE_FIELD_BYTE_OFFSET) {
			*val = spec->bit_offset / 8;
			*field_sz = (uint32_t)sz;
			*type_id = acc->type_id;
		} else if (kind == BPF_CORE_FIELD_BYTE_SIZE) {
			*val = (uint64_t)sz;
		} else {
			return err_set(eb, -EINVAL,
				       "%s cannot be applied to an array element",
				       core_relo_kind_name(kind));
		}
		if (validate)
			*validate = true;
		return 0;
	}

	m = btf_members(t) + acc->idx;
	mt = skip_mods(spec->btf, m->type, &ftype);
	bit_off = spec->bit_offset;
	bit_sz = btf_member_bitfield_size(t, acc->idx);
	bitfield = bit_sz > 0;
	if (bitfield) {
		if (!mt)
			return err_set(eb, -EINVAL, "bitfield of void");
		byte_sz = mt->size;
		if (byte_sz == 0)
			return err_set(eb, -EINVAL, "bitfield of size 0");
		byte_off = bit_off / 8 / byte_sz * byte_sz;
		while (bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
			if (byte_sz >= 8)
				return err_set(eb, -E2BIG,
					       "bitfield at bit %u (%u bits) cannot be read with one 64-bit load",
					       bit_off, bit_sz);
			byte_sz *= 2;
			byte_off = bit_off / 8 / byte_sz * byte_sz;
		}
	} else {
		sz = resolve_size(spec->btf, ftype);
		if (sz < 0)
			return err_set(eb, -EINVAL, "field '%s' has no size",
				       acc->name);
		byte_sz = (uint32_t)sz;
		byte_off = spec->bit_offset / 8;
		bit_sz = byte_sz * 8;
	}

	/* The compiler and we may pick different containers for a
	 * bitfield: do not insist the instruction holds our guess. */
	if (validate)
		*validate = !bitfield;

	switch (kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
		*val = byte_off;
		if (!bitfield) {
			*field_sz = byte_sz;
			*type_id = ftype;
		}
		break;
	case BPF_CORE_FIELD_BYTE_SIZE:
		*val = byte_sz;
		break;
	case BPF_CORE_FIELD_SIGNED:
		*val = (is_any_enum(mt) && btf_kflag(mt)) ||
		       (kind_of(mt) == BTF_KIND_INT &&
			(BTF_INT_ENCODING(btf_int_info(mt)) & BTF_INT_SIGNED));
		if (validate)
			*validate = true;
		break;
	case BPF_CORE_FIELD_LSHIFT_U64:
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		*val = 64 - (bit_off + bit_sz - byte_off * 8);
#else
		*val = (8 - byte_sz) * 8 + (bit_off - byte_off * 8);
#endif
		break;
	case BPF_CORE_FIELD_RSHIFT_U64:
		*val = 64 - bit_sz;
		if (validate)
			*validate = true;
		break;
	default:
		return err_set(eb, -EOPNOTSUPP, "unknown field relocation");
	}
	return 0;
}

/* libbpf's bpf_core_calc_type_relo: a missing type gives 0. */
static int calc_type(uint32_t kind, const struct core_spec *spec,
		     uint64_t *val, struct errbuf *eb)
{
	int64_t sz;

	if (!spec) {
		*val = 0;
		return 0;
	}
	switch (kind) {
	case BPF_CORE_TYPE_ID_TARGET:
		*val = spec->root_type_id;
		break;
	case BPF_CORE_TYPE_EXISTS:
	case BPF_CORE_TYPE_MATCHES:
		*val = 1;
		break;
	case BPF_CORE_TYPE_SIZE:
		sz = resolve_size(spec->btf, spec->root_type_id);
		if (sz < 0)
			return err_set(eb, -EINVAL, "type [%u] has no size",
				       spec->root_type_id);
		*val = (uint64_t)sz;
		break;
	default:
		return err_set(eb, -EOPNOTSUPP, "unknown type relocation");
	}
	return 0;
}

/* libbpf's bpf_core_calc_enumval_relo. A 32-bit enumerator is signed in
 * BTF and reaches the 64-bit value sign-extended, as in libbpf. */
static int calc_enumval(uint32_t kind, const struct core_spec *spec,
			uint64_t *val, struct errbuf *eb)
{
	const struct btf_type *t;

	switch (kind) {
	case BPF_CORE_ENUMVAL_EXISTS:
		*val = spec ? 1 : 0;
		return 0;
	case BPF_CORE_ENUMVAL_VALUE:
		if (!spec)
			return -CORE_EPOISON;
		t = btf_type_by_id(spec->btf, spec->spec[0].type_id);
		if (btf_kind(t) == BTF_KIND_ENUM)
			*val = (uint64_t)(int64_t)btf_enums(t)[spec->spec[0].idx].val;
		else
			*val = btf_enum64_value(btf_enum64s(t) + spec->spec[0].idx);
		return 0;
	default:
		return err_set(eb, -EOPNOTSUPP, "unknown enum relocation");
	}
}

/* libbpf's bpf_core_calc_relo: old and new value of one relocation;
 * @targ NULL when no candidate matched. */
static int calc_relo(const struct core_spec *local,
		     const struct core_spec *targ, struct core_res *res,
		     struct errbuf *eb)
{
	uint32_t kind = local->kind;
	int err = 0;

	memset(res, 0, sizeof(*res));
	res->validate = true;

	if (is_field_kind(kind)) {
		err = calc_field(kind, local, &res->orig_val, &res->orig_sz,
				 &res->orig_type_id, &res->validate, eb);
		if (!err)
			err = calc_field(kind, targ, &res->new_val,
					 &res->new_sz, &res->new_type_id, NULL,
					 eb);
		if (!err && res->orig_sz != res->new_sz) {
			/*
			 * The load must change size (a field became u64, a
			 * 32-bit kernel's pointer). That reads the right value
			 * only for pointers and unsigned ints, thanks to zero
			 * extension; anything else is poisoned at patch time.
			 */
			const struct btf_type *ot =
				btf_type_by_id(local->btf, res->orig_type_id);
			const struct btf_type *nt =
				btf_type_by_id(targ->btf, res->new_type_id);

			if (kind_of(ot) == BTF_KIND_PTR &&
			    kind_of(nt) == BTF_KIND_PTR)
				;
			else if (kind_of(ot) == BTF_KIND_INT &&
				 kind_of(nt) == BTF_KIND_INT &&
				 !(BTF_INT_ENCODING(btf_int_info(ot)) & BTF_INT_SIGNED) &&
				 !(BTF_INT_ENCODING(btf_int_info(nt)) & BTF_INT_SIGNED))
				;
			else
				res->fail_memsz_adjust = true;
		}
	} else if (is_type_kind(kind)) {
		err = calc_type(kind, local, &res->orig_val, eb);
		if (!err)
			err = calc_type(kind, targ, &res->new_val, eb);
	} else if (is_enumval_kind(kind)) {
		err = calc_enumval(kind, local, &res->orig_val, eb);
		if (!err)
			err = calc_enumval(kind, targ, &res->new_val, eb);
	} else {
		err = err_set(eb, -EOPNOTSUPP, "unknown relocation kind %u", kind);
	}
	if (err == -CORE_EPOISON) {
		res->poison = true;
		err = 0;
	}
	return err;
}

/* ---- patching ---- */

static bool is_ldimm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/* Turn @insn into "call 0xbad2310": a helper no kernel has. */
static void poison_insn(struct bpf_insn *insn)
{
	insn->code = BPF_JMP | BPF_CALL;
	insn->dst_reg = 0;
	insn->src_reg = 0;
	insn->off = 0;
	insn->imm = CORE_POISON_IMM;
}

static int size_bytes(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	case BPF_DW: return 8;
	}
	return -1;
}

static int bytes_size(uint32_t n)
{
	switch (n) {
	case 1: return BPF_B;
	case 2: return BPF_H;
	case 4: return BPF_W;
	case 8: return BPF_DW;
	}
	return -1;
}

/*
 * libbpf's bpf_core_patch_insn: where the value lives depends on the
 * instruction: the immediate of an ALU op with a constant operand
 * (r1 += 16; an existence check's r1 = 1), the offset of a load or store
 * (r1 = *(u32 *)(r2 + 16)), the 64-bit immediate of an ld_imm64. @insns
 * holds @room instructions from the patched one on.
 */
static int patch_insn(struct bpf_insn *insn, size_t room,
		      const struct core_res *res, bool *poisoned,
		      struct errbuf *eb)
{
	uint8_t cls = BPF_CLASS(insn->code);
	uint64_t orig = res->orig_val, nv = res->new_val;

	*poisoned = false;
	if (res->poison)
		goto poison;

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_SRC(insn->code) != BPF_K)
			return err_set(eb, -EINVAL,
				       "ALU instruction has a register operand, not a constant");
		if (res->validate && (uint64_t)(int64_t)insn->imm != orig)
			return err_set(eb, -EINVAL,
				       "ALU instruction holds %d, expected %llu (-> %llu)",
				       insn->imm, (unsigned long long)orig,
				       (unsigned long long)nv);
		insn->imm = (int32_t)(uint32_t)nv;
		return 0;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		if (res->validate && (uint64_t)(int64_t)insn->off != orig)
			return err_set(eb, -EINVAL,
				       "memory instruction has offset %d, expected %llu (-> %llu)",
				       insn->off, (unsigned long long)orig,
				       (unsigned long long)nv);
		if (nv > SHRT_MAX)
			return err_set(eb, -ERANGE,
				       "new offset %llu does not fit the instruction",
				       (unsigned long long)nv);
		if (res->fail_memsz_adjust)
			goto poison; /* libbpf warns, then poisons */
		insn->off = (int16_t)nv;
		if (res->new_sz != res->orig_sz) {
			int bsz;

			if (size_bytes(insn->code) != (int)res->orig_sz)
				return err_set(eb, -EINVAL,
					       "memory instruction accesses %d bytes, field has %u",
					       size_bytes(insn->code), res->orig_sz);
			bsz = bytes_size(res->new_sz);
			if (bsz < 0)
				return err_set(eb, -EINVAL,
					       "target field size %u cannot be loaded",
					       res->new_sz);
			insn->code = (uint8_t)(BPF_MODE(insn->code) | bsz | cls);
		}
		return 0;
	case BPF_LD: {
		uint64_t imm;

		if (!is_ldimm64(insn) || room < 2 || insn[0].src_reg != 0 ||
		    insn[0].off != 0 || insn[1].code != 0 ||
		    insn[1].dst_reg != 0 || insn[1].src_reg != 0 ||
		    insn[1].off != 0)
			return err_set(eb, -EINVAL, "ld_imm64 has unexpected form");
		imm = (uint32_t)insn[0].imm | ((uint64_t)(uint32_t)insn[1].imm << 32);
		if (res->validate && imm != orig)
			return err_set(eb, -EINVAL,
				       "ld_imm64 holds %llu, expected %llu (-> %llu)",
				       (unsigned long long)imm,
				       (unsigned long long)orig,
				       (unsigned long long)nv);
		insn[0].imm = (int32_t)(uint32_t)nv;
		insn[1].imm = (int32_t)(uint32_t)(nv >> 32);
		return 0;
	}
	default:
		return err_set(eb, -EINVAL,
			       "cannot relocate instruction code 0x%02x",
			       insn->code);
	}

poison:
	/* Both halves of an ld_imm64, so the verifier reports the bad call
	 * and not "unknown opcode 00" on the second half; the instruction
	 * count stays the same. */
	if (is_ldimm64(insn) && room >= 2)
		poison_insn(insn + 1);
	poison_insn(insn);
	*poisoned = true;
	return 0;
}

/* ---- the report (CORE_DETAIL) ---- */

/* The rule that rejected candidate @targ (spec_match said 0), as the
 * report shows it: "field 'pid' missing", "field 'x': incompatible types
 * 'int' (local) vs 'struct s' (target)", ... */
static void miss_str(const struct core_spec *local, const struct core_spec *targ,
		     int fail_at, char *buf, size_t len)
{
	const struct core_acc *la = &local->spec[fail_at];
	char lt[48], tt[48];

	switch (targ->miss) {
	case CORE_MISS_FIELD:
		snprintf(buf, len, "field '%s' missing", la->name ? la->name : "?");
		break;
	case CORE_MISS_FIELD_TYPE:
		btf_type_str(local->btf, targ->miss_lid, lt, sizeof(lt));
		btf_type_str(targ->btf, targ->miss_tid, tt, sizeof(tt));
		snprintf(buf, len, "field '%s': incompatible types '%s' (local) vs '%s' (target)",
			 la->name ? la->name : "?", lt, tt);
		break;
	case CORE_MISS_NOT_ARRAY:
		snprintf(buf, len, "index [%u]: not an array in the target", la->idx);
		break;
	case CORE_MISS_INDEX:
		snprintf(buf, len, "index [%u] past the target's array of %u",
			 la->idx, targ->miss_tid);
		break;
	case CORE_MISS_ENUMERATOR:
		snprintf(buf, len, "enumerator '%s' missing",
			 local->spec[0].name ? local->spec[0].name : "?");
		break;
	case CORE_MISS_TYPE:
		snprintf(buf, len, local->kind == BPF_CORE_TYPE_MATCHES ?
			 "does not match (members, sizes or signedness differ)" :
			 "incompatible type (kinds differ through pointers, arrays or prototypes)");
		break;
	default:
		snprintf(buf, len, "no match");
	}
}

/* Append a candidate note to @d; 0 or -ENOMEM. */
static int note_cand(struct core_relo_detail *d, const struct core_targets *ts,
		     struct core_cand c, int matched, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int note_cand(struct core_relo_detail *d, const struct core_targets *ts,
		     struct core_cand c, int matched, const char *fmt, ...)
{
	struct core_cand_note *p = realloc(d->cands, (d->ncands + 1) * sizeof(*p));
	va_list ap;

	if (!p)
		return -ENOMEM;
	d->cands = p;
	p += d->ncands++;
	memset(p, 0, sizeof(*p));
	p->type_id = c.id;
	p->matched = matched;
	snprintf(p->btf, sizeof(p->btf), "%s", ts->v[c.t].name);
	btf_type_str(ts->v[c.t].btf, c.id, p->type, sizeof(p->type));
	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	return 0;
}

/* The kinds a same-named type may have without being a candidate. */
static const unsigned named_kinds[] = {
	BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_ENUM, BTF_KIND_ENUM64,
	BTF_KIND_FWD, BTF_KIND_TYPEDEF, BTF_KIND_INT, BTF_KIND_FLOAT,
};

struct kind_query {
	struct core_relo_detail *d;
	const struct core_targets *ts;
	struct cand_query q;	/* target, tidx, min_id, lt, lname, llen */
	int err;
};

static int kind_visit(uint32_t id, void *arg)
{
	struct kind_query *k = arg;
	const struct btf_type *t = btf_type_by_id(k->q.target, id);
	const char *name;

	if (id < k->q.min_id)
		return 0;
	name = btf_str(k->q.target, t->name_off);
	if (!*name || core_essential_name_len(name) != k->q.llen ||
	    strncmp(name, k->q.lname, k->q.llen) != 0)
		return 0;
	k->err = note_cand(k->d, k->ts, (struct core_cand){ .t = k->q.tidx, .id = id }, 0,
			   "kind mismatch: %s, the local type is %s",
			   btf_kind_name(btf_kind(t)), btf_kind_name(btf_kind(k->q.lt)));
	return k->err;
}

/* Report-only: the types of the searched targets that have the local
 * type's essential name but a kind CO-RE does not compare with it (what
 * a user looking for "no matching targets found" wants to see). Builds
 * the name index of a few more kinds, so only under CORE_DETAIL. */
static int note_kind_mismatches(const struct btf *local, uint32_t local_id,
				const struct core_targets *ts, size_t searched,
				struct core_relo_detail *d)
{
	struct kind_query k = { .d = d, .ts = ts };
	const char *lname = btf_type_name(local, local_id);

	k.q.lt = btf_type_by_id(local, local_id);
	if (!k.q.lt || !*lname)
		return 0;
	k.q.lname = lname;
	k.q.llen = core_essential_name_len(lname);
	for (uint32_t t = 0; t < searched && t < ts->n; t++) {
		k.q.target = ts->v[t].btf;
		k.q.tidx = t;
		k.q.min_id = t > 0 ? k.q.target->start_id : 0;
		for (size_t i = 0; i < sizeof(named_kinds) / sizeof(*named_kinds); i++) {
			int r;

			if (named_kinds[i] == btf_kind(k.q.lt) ||
			    (is_any_enum(k.q.lt) && (named_kinds[i] == BTF_KIND_ENUM ||
						      named_kinds[i] == BTF_KIND_ENUM64)))
				continue;
			r = btf_name_index_kind(k.q.target, lname, btf_name_key_len(lname),
						named_kinds[i], kind_visit, &k);
			if (r < 0 || k.err)
				return -ENOMEM;
		}
	}
	return 0;
}

/* "0:58" from a spec's raw indexes. */
static void raw_str(const struct core_spec *spec, char *buf, size_t len)
{
	size_t n = 0;

	snprintf(buf, len, "0"); /* type relocations: the type itself */
	for (int i = 0; i < spec->raw_len && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, i ? ":%u" : "%u",
				      spec->raw_spec[i]);
}

/* ---- one relocation, one program ---- */

struct core_ctx {
	const struct btf *local;
	struct core_targets *ts;	/* and its candidate cache */
	const char *prog;		/* the program being relocated */
	uint32_t relo;			/* the record being applied */
};

/* @local_id's candidates from the target set's cache, searched for on
 * first use. The cache lives as long as the set, so the pruning one
 * program's relocations do applies to the next program's too. */
static int get_cands(struct core_ctx *ctx, uint32_t local_id,
		     struct core_cands **out, struct errbuf *eb)
{
	struct core_targets *ts = ctx->ts;
	struct core_cands *p;
	int err;

	if (ts->cands_of != ctx->local) {
		core_targets_drop_cands(ts); /* another object's */
		ts->cands_of = ctx->local;
	}
	for (size_t i = 0; i < ts->ncands; i++)
		if (ts->cands[i].local_id == local_id) {
			*out = &ts->cands[i];
			return 0;
		}
	p = realloc(ts->cands, (ts->ncands + 1) * sizeof(*p));
	if (!p)
		return err_set(eb, -ENOMEM, "out of memory");
	ts->cands = p;
	err = find_cands(ctx->local, local_id, ts, &p[ts->ncands], eb);
	if (err)
		return err;
	*out = &p[ts->ncands++];
	return 0;
}

void core_targets_drop_cands(struct core_targets *ts)
{
	for (size_t i = 0; i < ts->ncands; i++)
		free(ts->cands[i].c);
	free(ts->cands);
	ts->cands = NULL;
	ts->ncands = 0;
	ts->cands_of = NULL;
}

/* The first candidate not set aside, or NULL when there is none at all
 * (pruning always leaves the ones that matched). */
static const struct core_cand *first_cand(const struct core_cands *c)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (!c->c[i].out_prog)
			return &c->c[i];
	return NULL;
}

/* Why nothing matched, for the poison report: "no field 'x' in target
 * 'struct s'" (from the first candidate), or "no type ...". */
static void explain_nomatch(const struct core_spec *local,
			    const struct core_cands *c, struct core_ctx *ctx,
			    char *buf, size_t len)
{
	const struct core_cand *first = first_cand(c);
	const struct btf *tb;
	struct core_spec *targ;
	char tname[128];
	int fail_at = 0;

	if (!first) {
		btf_type_str(local->btf, local->root_type_id, tname, sizeof(tname));
		snprintf(buf, len, "no type like '%s' in target", tname);
		return;
	}
	tb = ctx->ts->v[first->t].btf;
	btf_type_str(tb, first->id, tname, sizeof(tname));
	if (!is_field_kind(local->kind) && !is_enumval_kind(local->kind)) {
		snprintf(buf, len, "target '%s' does not match", tname);
		return;
	}
	targ = malloc(sizeof(*targ));
	if (!targ) {
		snprintf(buf, len, "no match in target");
		return;
	}
	if (spec_match(local, tb, first->id, targ, &fail_at) == 0 &&
	    targ->miss == CORE_MISS_FIELD_TYPE) {
		char lt[48], tt[48];

		btf_type_str(local->btf, targ->miss_lid, lt, sizeof(lt));
		btf_type_str(tb, targ->miss_tid, tt, sizeof(tt));
		snprintf(buf, len, "field '%s' has incompatible type '%s' in target (local '%s')",
			 local->spec[fail_at].name, tt, lt);
	} else if (targ->miss != CORE_MISS_NONE && fail_at < local->len &&
		   local->spec[fail_at].name)
		snprintf(buf, len, "no %s '%s' in target '%s'",
			 is_enumval_kind(local->kind) ? "enumerator" : "field",
			 local->spec[fail_at].name, tname);
	else
		snprintf(buf, len, "no match in target '%s'", tname);
	free(targ);
}

/* Match @local on every candidate still in @cands: @res and @targ from
 * the first match, *matched how many did. Matches must agree on the
 * field's bit offset and on the value (libbpf's "field offset ambiguity"
 * and "relocation decision ambiguity"); an error names both. When some
 * matched, the others are set aside for the local type's later
 * relocations (libbpf's pruning of its cand_cache); when none did, the
 * list stays as it was: a field that exists nowhere says nothing about
 * which candidate is the right one. Notes each candidate's fate in @d
 * when it is non-NULL. */
static int match_cands(struct core_ctx *ctx, const struct core_spec *local,
		       struct core_cands *cands, struct core_spec *cand,
		       struct core_spec *targ, struct core_res *res,
		       size_t *matched, struct core_relo_detail *d,
		       struct errbuf *eb)
{
	struct core_res cres;
	char why[176];
	int err;

	*matched = 0;
	for (size_t i = 0; i < cands->n; i++) {
		struct core_cand *c = &cands->c[i];
		int fail_at;

		c->hit = false;
		if (c->out_prog) {
			if (d && note_cand(d, ctx->ts, *c, 0,
					   "set aside: other candidates satisfied relocation #%u of program '%s', this one did not",
					   c->out_relo, c->out_prog))
				return err_set(eb, -ENOMEM, "out of memory");
			continue;
		}
		err = spec_match(local, ctx->ts->v[c->t].btf, c->id, cand, &fail_at);
		if (err < 0)
			return err_set(eb, err, "matching candidate [%u] failed", c->id);
		if (err == 0) {
			if (d) {
				miss_str(local, cand, fail_at, why, sizeof(why));
				if (note_cand(d, ctx->ts, *c, 0, "%s", why))
					return err_set(eb, -ENOMEM, "out of memory");
			}
			continue;
		}
		err = calc_relo(local, cand, &cres, eb);
		if (err)
			return err;
		if (*matched == 0) {
			*res = cres;
			*targ = *cand;
		} else if (cand->bit_offset != targ->bit_offset) {
			if (d)
				note_cand(d, ctx->ts, *c, 0,
					  "ambiguous: different result than candidate [%u] (field at bit %u, not %u)",
					  targ->root_type_id, cand->bit_offset,
					  targ->bit_offset);
			return err_set(eb, -EINVAL,
				       "field offset ambiguity: candidates [%u] and [%u] put it at bit %u and %u",
				       targ->root_type_id, cand->root_type_id,
				       targ->bit_offset, cand->bit_offset);
		} else if (cres.poison != res->poison ||
			   (!cres.poison && cres.new_val != res->new_val)) {
			if (d)
				note_cand(d, ctx->ts, *c, 0,
					  "ambiguous: different result than candidate [%u] (%llu, not %llu)",
					  targ->root_type_id,
					  (unsigned long long)cres.new_val,
					  (unsigned long long)res->new_val);
			return err_set(eb, -EINVAL,
				       "candidates [%u] and [%u] disagree: %llu != %llu",
				       targ->root_type_id, cand->root_type_id,
				       (unsigned long long)res->new_val,
				       (unsigned long long)cres.new_val);
		}
		if (d && (*matched == 0 ? note_cand(d, ctx->ts, *c, 1, "%s", "") :
			  note_cand(d, ctx->ts, *c, 1, "same result as candidate [%u]",
				    targ->root_type_id)))
			return err_set(eb, -ENOMEM, "out of memory");
		(*matched)++;
		c->hit = true;
	}
	if (*matched == 0)
		return 0;
	for (size_t i = 0; i < cands->n; i++) {
		struct core_cand *c = &cands->c[i];

		if (!c->out_prog && !c->hit) {
			c->out_prog = ctx->prog;
			c->out_relo = ctx->relo;
		}
	}
	return 0;
}

/* The constant @insn holds where patch_insn() writes (@room instructions
 * from it on): a memory access's offset, an ALU immediate, both halves of
 * an ld_imm64. */
static uint64_t insn_const(const struct bpf_insn *insn, size_t room)
{
	uint8_t cls = BPF_CLASS(insn->code);

	if (insn->code == (BPF_LD | BPF_IMM | BPF_DW) && room >= 2)
		return (uint32_t)insn[0].imm | (uint64_t)(uint32_t)insn[1].imm << 32;
	if (cls == BPF_LDX || cls == BPF_ST || cls == BPF_STX)
		return (uint64_t)(int64_t)insn->off;
	return (uint64_t)(int64_t)insn->imm;
}

/* The detail row's values and matched type, once @res is known. The
 * local value is read off the instruction: for a bitfield clang may have
 * chosen another container than the one the local BTF suggests (validate
 * off), and the row shows what the instruction really held. */
static void fill_detail(struct core_relo_detail *d, const struct core_ctx *ctx,
			const struct core_res *res, const struct core_spec *targ,
			const struct core_cands *cands, size_t matched,
			const struct bpf_insn *insn, size_t room)
{
	d->local_val = insn_const(insn, room);
	d->target_val = res->new_val;
	d->local_sz = res->orig_sz;
	d->target_sz = res->new_sz;
	if (!matched)
		return;
	d->matched = 1;
	d->target_type_id = targ->root_type_id;
	for (size_t i = 0; i < cands->n; i++)
		if (ctx->ts->v[cands->c[i].t].btf == targ->btf) {
			snprintf(d->target_btf, sizeof(d->target_btf), "%s",
				 ctx->ts->v[cands->c[i].t].name);
			break;
		}
	spec_str(targ, d->target_path, sizeof(d->target_path));
	raw_str(targ, d->target_access, sizeof(d->target_access));
}

/*
 * libbpf's bpf_core_calc_relo_insn + bpf_core_patch_insn for record
 * @rec (number @ri in its section) at instruction @idx of @prog. On
 * failure, @eb gets the innermost reason; the caller prefixes it. @d,
 * when non-NULL, gets the report's row (CORE_DETAIL).
 */
static int apply_one(struct core_ctx *ctx, const struct bpf_core_relo *rec,
		     struct obj_prog *prog, size_t idx, struct core_spec *sp,
		     char *why, size_t why_len, bool *poisoned,
		     struct core_relo_detail *d, struct errbuf *eb)
{
	struct core_spec *local = &sp[0], *cand = &sp[1], *targ = &sp[2];
	struct core_cands *cands = NULL;
	struct core_res res;
	size_t matched = 0;
	int err;

	const char *access = btf_str_checked(ctx->local, rec->access_str_off);
	if (!access)
		return err_set(eb, -EINVAL, "access string offset %u out of range",
			       rec->access_str_off);
	if (!btf_type_by_id(ctx->local, rec->type_id))
		return err_set(eb, -EINVAL, "bad local type id %u", rec->type_id);
	err = parse_spec(ctx->local, rec->type_id, access, rec->kind, local, eb);
	if (err)
		return err;
	if (d) {
		d->access = access;
		spec_str(local, d->path, sizeof(d->path));
	}

	if (rec->kind == BPF_CORE_TYPE_ID_LOCAL) {
		/* Nothing to look up: the id in our own .BTF, which the
		 * kernel receives with the program. */
		memset(&res, 0, sizeof(res));
		res.validate = true;
		res.orig_val = res.new_val = local->root_type_id;
	} else {
		err = get_cands(ctx, rec->type_id, &cands, eb);
		if (!err)
			err = match_cands(ctx, local, cands, cand, targ, &res,
					  &matched, d, eb);
		if (!err && d)
			err = note_kind_mismatches(ctx->local, rec->type_id, ctx->ts,
						   cands->searched, d) ?
				      err_set(eb, -ENOMEM, "out of memory") : 0;
		if (err)
			return err;
		if (matched == 0) {
			err = calc_relo(local, NULL, &res, eb);
			if (err)
				return err;
			if (d || res.poison)
				explain_nomatch(local, cands, ctx, why, why_len);
		}
	}
	if (d)
		fill_detail(d, ctx, &res, targ, cands, matched, &prog->insns[idx],
			    prog->insn_cnt - idx);

	err = patch_insn(&prog->insns[idx], prog->insn_cnt - idx, &res,
			 poisoned, eb);
	if (err)
		return err;
	if (*poisoned && matched > 0)
		snprintf(why, why_len,
			 "the load size cannot change safely (%u -> %u bytes)",
			 res.orig_sz, res.new_sz);
	if (d) {
		d->poisoned = *poisoned;
		snprintf(d->why, sizeof(d->why), "%s", why);
	}
	return 0;
}

/* "byte_off struct task_struct.pid, access 0:73", for a message about
 * record @rec: written only when a relocation fails or is poisoned, not
 * for every record (formatting was a quarter of a 10,000-relocation
 * load). @scratch is a spec the description may overwrite. */
static void describe(const struct btf *local, const struct bpf_core_relo *rec,
		     struct core_spec *scratch, char *buf, size_t len)
{
	const char *access = btf_str_checked(local, rec->access_str_off);
	struct errbuf ignored;
	char path[160];

	if (access && btf_type_by_id(local, rec->type_id) &&
	    parse_spec(local, rec->type_id, access, rec->kind, scratch,
		       &ignored) == 0) {
		spec_str(scratch, path, sizeof(path));
		snprintf(buf, len, "%s %s, access %s",
			 core_relo_kind_name(rec->kind), path, access);
	} else {
		snprintf(buf, len, "%s [%u], access %s",
			 core_relo_kind_name(rec->kind), rec->type_id,
			 access ? access : "?");
	}
}

/* A new zeroed detail row at the end of @rep; NULL on -ENOMEM. */
static struct core_relo_detail *detail_push(struct core_report *rep)
{
	struct core_relo_detail *p =
		realloc(rep->detail, (rep->ndetail + 1) * sizeof(*p));

	if (!p)
		return NULL;
	rep->detail = p;
	p += rep->ndetail++;
	memset(p, 0, sizeof(*p));
	return p;
}

static int note_poisoned(struct core_report *rep, uint32_t i, size_t idx,
			 const char *desc, struct errbuf *eb)
{
	struct core_poisoned *p =
		realloc(rep->poisoned, (rep->npoisoned + 1) * sizeof(*p));

	if (!p)
		return err_set(eb, -ENOMEM, "out of memory");
	rep->poisoned = p;
	p += rep->npoisoned++;
	p->relo_idx = i;
	p->insn_idx = (uint32_t)idx;
	snprintf(p->desc, sizeof(p->desc), "%s", desc);
	return 0;
}

int core_relocate_prog_targets(const struct object *obj, struct obj_prog *prog,
			       struct core_targets *ts, unsigned flags,
			       struct core_report *rep, struct errbuf *eb)
{
	struct core_ctx ctx = { .local = obj->btf, .ts = ts, .prog = prog->name };
	const struct btf_ext_sec *sec;
	const struct bpf_core_relo *recs;
	struct core_spec *specs = NULL;
	uint64_t end;
	int err = 0;

	if (rep)
		memset(rep, 0, sizeof(*rep));
	if (!obj->ext || !(sec = btf_ext_find(&obj->ext->core_relo, prog->sec_name)))
		return 0;
	if (!obj->btf)
		return err_set(eb, -EINVAL, "CO-RE relocations without .BTF");
	if (!ts || ts->n == 0 || !ts->v[0].btf)
		return err_set(eb, -EINVAL,
			       "CO-RE relocations need the target kernel's BTF");

	/* three specs of ~1.3 KiB: local, candidate, chosen target */
	specs = calloc(3, sizeof(*specs));
	if (!specs)
		return err_set(eb, -ENOMEM, "out of memory");

	end = prog->sec_off + (uint64_t)prog->insn_cnt * sizeof(struct bpf_insn);
	recs = sec->recs;
	for (uint32_t i = 0; i < sec->count; i++) {
		const struct bpf_core_relo *rec = &recs[i];
		struct core_relo_detail *d = NULL;
		char desc[200], why[176] = "";
		bool poisoned = false;
		size_t idx;

		if (rec->insn_off < prog->sec_off || rec->insn_off >= end)
			continue; /* another program of the same section */
		if (rec->insn_off % sizeof(struct bpf_insn)) {
			err = err_set(eb, -EINVAL,
				      "CO-RE relocation #%u: insn_off %u is not a multiple of 8",
				      i, rec->insn_off);
			goto out;
		}
		idx = (size_t)((rec->insn_off - prog->sec_off) / sizeof(struct bpf_insn));
		if (rep && (flags & CORE_DETAIL)) {
			if (!(d = detail_push(rep))) {
				err = err_set(eb, -ENOMEM, "out of memory");
				goto out;
			}
			d->relo_idx = i;
			d->insn_idx = (uint32_t)idx;
			d->kind = rec->kind;
			d->local_type_id = rec->type_id;
			d->local_val = insn_const(&prog->insns[idx], prog->insn_cnt - idx);
		}
		ctx.relo = i;
		err = apply_one(&ctx, rec, prog, idx, specs, why, sizeof(why),
				&poisoned, d, eb);
		if (err) {
			if (d) {
				d->failed = 1;
				size_t n = strnlen(eb->msg, sizeof(d->why) - 1);

				memcpy(d->why, eb->msg, n);
				d->why[n] = '\0';
			}
			describe(obj->btf, rec, &specs[1], desc, sizeof(desc));
			err_prefix(eb, err, "CO-RE relocation #%u (%s) at insn #%zu",
				   i, desc, idx);
			goto out;
		}
		if (!rep)
			continue;
		rep->applied++;
		if (poisoned) {
			size_t n;

			describe(obj->btf, rec, &specs[1], desc, sizeof(desc));
			n = strlen(desc);
			snprintf(desc + n, sizeof(desc) - n, ": %s", why);
			if ((err = note_poisoned(rep, i, idx, desc, eb)))
				goto out;
		}
	}
out:
	free(specs);
	return err;
}

int core_relocate_prog_report(const struct object *obj, struct obj_prog *prog,
			      const struct btf *target, struct core_report *rep,
			      struct errbuf *eb)
{
	struct core_target t = { .btf = target, .name = "vmlinux" };
	struct core_targets ts = { .v = &t, .n = 1, .modules_read = 1 };
	int err = core_relocate_prog_targets(obj, prog, &ts, 0, rep, eb);

	core_targets_drop_cands(&ts);
	return err;
}

int core_relocate_prog(const struct object *obj, struct obj_prog *prog,
		       const struct btf *target, struct errbuf *eb)
{
	return core_relocate_prog_report(obj, prog, target, NULL, eb);
}

size_t core_prog_order(const struct object *obj, const int *keep, size_t *order)
{
	const struct btf_ext_table *tab;
	size_t n = 0;

	if (!obj->ext)
		return 0;
	tab = &obj->ext->core_relo;
	for (size_t s = 0; s < tab->nsecs; s++) {
		size_t first = n;

		for (size_t i = 0; i < obj->nprogs; i++) {
			const struct obj_prog *p = &obj->progs[i];
			size_t k;

			if (!p->ncore || (keep && !keep[i] && !p->is_subprog) ||
			    strcmp(p->sec_name, tab->secs[s].sec_name))
				continue;
			/* insertion by sec_off: functions come in symbol
			 * order, which is nearly always offset order */
			for (k = n++; k > first &&
			     obj->progs[order[k - 1]].sec_off > p->sec_off; k--)
				order[k] = order[k - 1];
			order[k] = i;
		}
	}
	return n;
}

void core_report_free(struct core_report *rep)
{
	if (!rep)
		return;
	free(rep->poisoned);
	rep->poisoned = NULL;
	rep->npoisoned = 0;
	for (size_t i = 0; i < rep->ndetail; i++)
		free(rep->detail[i].cands);
	free(rep->detail);
	rep->detail = NULL;
	rep->ndetail = 0;
}

/* ---- the target set ---- */

int core_targets_add(struct core_targets *ts, const struct btf *btf,
		     const char *name, int owned, struct errbuf *eb)
{
	struct core_target *p = realloc(ts->v, (ts->n + 1) * sizeof(*p));

	if (!p) {
		if (owned)
			btf_free((struct btf *)btf);
		return err_set(eb, -ENOMEM, "out of memory");
	}
	ts->v = p;
	p += ts->n++;
	p->btf = btf;
	p->owned = owned;
	snprintf(p->name, sizeof(p->name), "%s", name);
	return 0;
}

int core_targets_init(struct core_targets *ts, const struct btf *base,
		      const char *name, const char *module_dir,
		      struct errbuf *eb)
{
	memset(ts, 0, sizeof(*ts));
	ts->module_dir = module_dir;
	ts->modules_read = module_dir == NULL;
	return core_targets_add(ts, base, name, 0, eb);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The module names in @dir (every entry but ".", ".." and "vmlinux"),
 * sorted so the candidate order does not depend on readdir's. */
static int list_modules(const char *dir, char ***out, size_t *n,
			struct errbuf *eb)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	int err = 0;

	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 :
			err_set(eb, -errno, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		char **p;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "vmlinux"))
			continue;
		p = realloc(v, (*n + 1) * sizeof(*p));
		if (!p || !(p[*n] = strdup(e->d_name))) {
			v = p ? p : v;
			err = err_set(eb, -ENOMEM, "out of memory");
			break;
		}
		v = p;
		(*n)++;
	}
	closedir(d);
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_str);
	*out = v;
	return err;
}

int core_targets_load_modules(struct core_targets *ts, struct errbuf *eb)
{
	char **names = NULL, path[4096];
	size_t n = 0;
	int err;

	if (ts->modules_read || !ts->module_dir || ts->n == 0)
		return 0;
	ts->modules_read = 1;
	err = list_modules(ts->module_dir, &names, &n, eb);
	for (size_t i = 0; !err && i < n; i++) {
		struct btf *m = NULL;

		snprintf(path, sizeof(path), "%s/%s", ts->module_dir, names[i]);
		err = btf_load_file(path, ts->v[0].btf, &m, eb);
		if (err)
			err_prefix(eb, err, "module BTF '%s'", path);
		else
			err = core_targets_add(ts, m, names[i], 1, eb);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return err;
}

void core_targets_close(struct core_targets *ts)
{
	core_targets_drop_cands(ts);
	for (size_t i = 0; i < ts->n; i++)
		if (ts->v[i].owned)
			btf_free((struct btf *)ts->v[i].btf);
	free(ts->v);
	memset(ts, 0, sizeof(*ts));
}
