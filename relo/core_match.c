/*
 * relo/core_match.c - CO-RE step 3: MATCHING a local spec on a candidate.
 *
 * The same member names in the same order (looking through anonymous
 * struct/union members), with compatible types: libbpf's
 * bpf_core_fields_are_compat and bpf_core_types_are_compat for field and
 * type relocations, and the stricter bpf_core_types_match for
 * BPF_CORE_TYPE_MATCHES. A match gives the target spec and its bit
 * offset; a miss leaves its reason (enum core_miss) in the spec for the
 * report.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"

/* libbpf's bpf_core_fields_are_compat: may a field of local type @lid be
 * read as the target's @tid? Layout-compatible enough: both composite
 * (their insides are matched by later accessors), ints with ints, enums
 * with enums of the same essential name, pointers with pointers, arrays
 * by element. */
static int fields_are_compat(const struct btf *lb, uint32_t lid,
			     const struct btf *tb, uint32_t tid)
{
	for (int depth = 0; depth < CORE_MAX_DEPTH; depth++) {
		const struct btf_type *lt = core_skip_mods(lb, lid, &lid);
		const struct btf_type *tt = core_skip_mods(tb, tid, &tid);

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
			return !*ln || !*tn || core_essential_names_equal(ln, tn);
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
		const struct btf_type *lt = core_skip_mods(lb, lid, &lid);
		const struct btf_type *tt = core_skip_mods(tb, tid, &tid);

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

/* Names agree without flavors, or one of them is anonymous. */
static bool names_match(const struct btf *lb, uint32_t loff,
			const struct btf *tb, uint32_t toff)
{
	const char *ln = btf_str(lb, loff), *tn = btf_str(tb, toff);

	return !*ln || !*tn || core_essential_names_equal(ln, tn);
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
		const struct btf_type *lt = core_skip_mods(lb, lid, &lid);
		const struct btf_type *tt = core_skip_mods(tb, tid, &tid);
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
	const struct btf_type *tt = core_skip_mods(tb, tid, &tid);
	const struct btf_member *m;

	if (!is_composite(tt))
		return 0;
	m = btf_members(tt);
	/* libbpf's check comes first in its loop: a full spec and a struct
	 * with members is -E2BIG whether or not a name matches */
	if (spec->raw_len == CORE_SPEC_MAX_LEN && btf_vlen(tt))
		return -E2BIG;
	for (unsigned i = 0; i < btf_vlen(tt); i++, m++) {
		const char *tname = btf_str(tb, m->name_off);
		uint32_t bit_off;
		int found;

		/* only an anonymous member (looked into) or the one named
		 * can be on the path: skip the rest with one byte compared */
		if (*tname && (*tname != *lname || strcmp(lname, tname)))
			continue;
		if (spec->raw_len == CORE_SPEC_MAX_LEN)
			return -E2BIG;
		/* speculate that this member is the one */
		bit_off = btf_member_bit_offset(tt, i);
		spec->bit_offset += bit_off;
		spec->raw_spec[spec->raw_len++] = i;

		if (!*tname) {
			found = match_member(lb, lacc, tb, m->type, spec, next_tid);
			if (found)
				return found;
		} else {
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
int core_spec_match(const struct core_spec *local, const struct btf *tb,
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

		tt = core_skip_mods(tb, tid, &tid);
		if (!is_any_enum(tt))
			return 0;
		for (unsigned i = 0; i < btf_vlen(tt); i++) {
			const char *tname = core_enumerator_name(tb, tt, i);

			if (core_essential_names_equal(lname, tname)) {
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
		tt = core_skip_mods(tb, tid, &tid);
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
			if (!core_is_flex_arr(tb, tacc - 1, a) && lacc->idx >= a->nelems) {
				targ->miss = CORE_MISS_INDEX;
				targ->miss_tid = a->nelems;
				return 0;
			}
			if (!core_skip_mods(tb, a->type, &tid))
				return -EINVAL;
		}
		if (targ->raw_len == CORE_SPEC_MAX_LEN)
			return -E2BIG;
		tacc->type_id = tid;
		tacc->idx = lacc->idx;
		tacc->name = NULL;
		targ->len++;
		targ->raw_spec[targ->raw_len++] = lacc->idx;
		int64_t sz = core_resolve_size(tb, tid);
		if (sz < 0)
			return (int)sz;
		targ->bit_offset += (uint32_t)(lacc->idx * sz * 8);
	}
	return 1;
}
