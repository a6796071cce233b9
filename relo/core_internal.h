/*
 * relo/core_internal.h - what the CO-RE files share: the spec (a
 * relocation's access replayed on one BTF), the outcome of one
 * relocation, the candidates, and each step's entry points. relo/core.h
 * is the engine's API; nothing outside relo/core*.c includes this.
 */
#ifndef RAWLOAD_CORE_INTERNAL_H
#define RAWLOAD_CORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* Why core_spec_match() found no match on a candidate: kept in the candidate's
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

static inline bool is_field_kind(uint32_t k)
{
	return k <= BPF_CORE_FIELD_RSHIFT_U64;
}

static inline bool is_type_kind(uint32_t k)
{
	return k == BPF_CORE_TYPE_ID_LOCAL || k == BPF_CORE_TYPE_ID_TARGET ||
	       k == BPF_CORE_TYPE_EXISTS || k == BPF_CORE_TYPE_SIZE ||
	       k == BPF_CORE_TYPE_MATCHES;
}

static inline bool is_enumval_kind(uint32_t k)
{
	return k == BPF_CORE_ENUMVAL_EXISTS || k == BPF_CORE_ENUMVAL_VALUE;
}

static inline unsigned kind_of(const struct btf_type *t)
{
	return t ? btf_kind(t) : BTF_KIND_UNKN;
}

static inline bool is_composite(const struct btf_type *t)
{
	unsigned k = kind_of(t);

	return k == BTF_KIND_STRUCT || k == BTF_KIND_UNION;
}

static inline bool is_any_enum(const struct btf_type *t)
{
	unsigned k = kind_of(t);

	return k == BTF_KIND_ENUM || k == BTF_KIND_ENUM64;
}

/* CO-RE treats ENUM and ENUM64 as one kind: a kernel may have widened an
 * enum since the program was built (libbpf's btf_kind_core_compat). */
static inline bool kinds_core_compat(const struct btf_type *a, const struct btf_type *b)
{
	return kind_of(a) == kind_of(b) || (is_any_enum(a) && is_any_enum(b));
}

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

/* ---- step 1, the local spec (core_spec.c) ---- */

/* Walk @access over @type_id of @btf into @spec (kind @kind); -EINVAL
 * naming the bad index, as libbpf's bpf_core_parse_spec refuses it. */
int core_parse_spec(const struct btf *btf, uint32_t type_id,
		    const char *access, uint32_t kind, struct core_spec *spec,
		    struct errbuf *eb);
/* "struct task_struct.real_parent", "enum e::E_A", for messages. */
void core_spec_str(const struct core_spec *spec, char *buf, size_t len);
/* The spec's raw access string, "0:3:1". */
void core_raw_str(const struct core_spec *spec, char *buf, size_t len);
/* Names equal up to any "___flavor" suffix of either. */
bool core_essential_names_equal(const char *a, const char *b);
/* @id with modifiers and typedefs skipped (its id in *@res_id). */
const struct btf_type *core_skip_mods(const struct btf *btf, uint32_t id,
				      uint32_t *res_id);
/* The byte size of @id, or -1 when it has none. */
int64_t core_resolve_size(const struct btf *btf, uint32_t id);
/* The name of enumerator @i of ENUM/ENUM64 @t. */
const char *core_enumerator_name(const struct btf *btf,
				 const struct btf_type *t, uint32_t i);
/* Whether @arr, reached by @acc, is a flexible array member (any index
 * goes). */
bool core_is_flex_arr(const struct btf *btf, const struct core_acc *acc,
		      const struct btf_array *arr);

/* ---- step 2, candidates (core_cands.c) ---- */

/* @local_id's candidates, from @ts's cache or searched for now. */
int core_get_cands(struct core_targets *ts, const struct btf *local,
		   uint32_t local_id, struct core_cands **out,
		   struct errbuf *eb);
/* The first candidate not set aside; NULL when there is none at all. */
const struct core_cand *core_first_cand(const struct core_cands *c);

/* ---- step 3, matching (core_match.c) ---- */

/* Match @local on type @tid of @tb: 1 with @targ filled, 0 with the
 * reason in targ->miss and the failing accessor in *@fail_at, -errno. */
int core_spec_match(const struct core_spec *local, const struct btf *tb,
		    uint32_t tid, struct core_spec *targ, int *fail_at);

/* ---- step 4, values and patching (core_calc.c) ---- */

/* The old and new values for @local matched as @targ (NULL: no match,
 * so 0 for existence and poison for the rest). */
int core_calc_relo(const struct core_spec *local,
		   const struct core_spec *targ, struct core_res *res,
		   struct errbuf *eb);
/* Rewrite @insn (@room instructions from it on) per @res, or poison it;
 * -EINVAL if it does not hold res->orig_val. */
int core_patch_insn(struct bpf_insn *insn, size_t room,
		    const struct core_res *res, bool *poisoned,
		    struct errbuf *eb);

/* ---- the report and messages (core_report.c) ---- */

/* The rule that rejected a candidate, as `rawload core` prints it. */
void core_miss_str(const struct core_spec *local, const struct core_spec *targ,
		   int fail_at, char *buf, size_t len);
/* Append candidate @c's fate to @d; 0 or -ENOMEM. */
int core_note_cand(struct core_relo_detail *d, const struct core_targets *ts,
		   struct core_cand c, int matched, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Same-named target types of other kinds, noted as such in @d. */
int core_note_kind_mismatches(const struct btf *local, uint32_t local_id,
			      const struct core_targets *ts, size_t searched,
			      struct core_relo_detail *d);
/* Why no candidate matched, for a poisoned relocation. */
void core_explain_nomatch(const struct core_spec *local,
			  const struct core_cands *c,
			  const struct core_targets *ts,
			  char *buf, size_t len);
/* The constant @insn holds where core_patch_insn() writes. */
uint64_t core_insn_const(const struct bpf_insn *insn, size_t room);
/* The values and the matched type of one record, in @d. */
void core_fill_detail(struct core_relo_detail *d, const struct core_targets *ts,
		      const struct core_res *res, const struct core_spec *targ,
		      const struct core_cands *cands, size_t matched,
		      const struct bpf_insn *insn, size_t room);
/* "byte_off struct task_struct.pid, access 0:73" for record @rec. */
void core_describe(const struct btf *local, const struct bpf_core_relo *rec,
		   struct core_spec *scratch, char *buf, size_t len);
/* A new zeroed row at the end of rep->detail; NULL on -ENOMEM. */
struct core_relo_detail *core_detail_push(struct core_report *rep);
/* Record that relocation #@i at instruction @idx was poisoned. */
int core_note_poisoned(struct core_report *rep, uint32_t i, size_t idx,
		       const char *desc, struct errbuf *eb);

#endif
