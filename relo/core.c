/*
 * relo/core.c - CO-RE relocations: replaying the compiler's field accesses
 * on the target kernel's BTF (see core.h for the idea). This file drives
 * them, record by record and program by program; the steps live in
 * core_spec.c (1), core_cands.c (2), core_match.c (3), core_calc.c (4),
 * and the report's text in core_report.c.
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
 * Candidates that match must all agree, and the ones that did not match
 * while others did are set aside for the local type's later relocations
 * (match_cands), so an object gets one layout per local type. When none
 * matches, the value of an existence check is 0, a type-based value is 0,
 * and anything that reads memory or an enum value is POISONED: replaced
 * by a call of a helper that does not exist. That is not an error here: the program may test
 * bpf_core_field_exists() first, and the verifier removes the dead branch;
 * only a reachable poisoned call fails to load.
 *
 * Targets: candidates come from vmlinux (or --btf FILE) and, for a local
 * type vmlinux has none of, from every module's split BTF, read from
 * /sys/kernel/btf on first need (core_targets_*, in core_cands.c).
 *
 * The report: with CORE_DETAIL (`rawload core`) each record also gets a
 * row (struct core_relo_detail) with both values, the matched type and
 * every candidate with the rule that rejected it; core_spec_match() leaves
 * that rule in the candidate's spec (enum core_miss) whether or not
 * anyone asks, and the text is only written under CORE_DETAIL.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"

struct core_ctx {
	const struct btf *local;
	struct core_targets *ts;	/* and its candidate cache */
	const char *prog;		/* the program being relocated */
	uint32_t relo;			/* the record being applied */
};

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
			if (d && core_note_cand(d, ctx->ts, *c, 0,
					   "set aside: other candidates satisfied relocation #%u of program '%s', this one did not",
					   c->out_relo, c->out_prog))
				return err_set(eb, -ENOMEM, "out of memory");
			continue;
		}
		err = core_spec_match(local, ctx->ts->v[c->t].btf, c->id, cand, &fail_at);
		if (err < 0)
			return err_set(eb, err, "matching candidate [%u] failed", c->id);
		if (err == 0) {
			if (d) {
				core_miss_str(local, cand, fail_at, why, sizeof(why));
				if (core_note_cand(d, ctx->ts, *c, 0, "%s", why))
					return err_set(eb, -ENOMEM, "out of memory");
			}
			continue;
		}
		err = core_calc_relo(local, cand, &cres, eb);
		if (err)
			return err;
		if (*matched == 0) {
			*res = cres;
			*targ = *cand;
		} else if (cand->bit_offset != targ->bit_offset) {
			if (d)
				core_note_cand(d, ctx->ts, *c, 0,
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
				core_note_cand(d, ctx->ts, *c, 0,
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
		if (d && (*matched == 0 ? core_note_cand(d, ctx->ts, *c, 1, "%s", "") :
			  core_note_cand(d, ctx->ts, *c, 1, "same result as candidate [%u]",
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

/*
 * libbpf's bpf_core_calc_relo_insn + bpf_core_patch_insn for record
 * @rec (number @ri in its section) at instruction @idx of @prog. On
 * failure, @eb gets the innermost reason; the caller prefixes it. @d,
 * when non-NULL, gets the report's row (CORE_DETAIL).
 */
static int apply_one(struct core_ctx *ctx, const struct bpf_core_relo *rec,
		     const struct obj_prog *prog, struct bpf_insn *insns, size_t idx,
		     struct core_spec *sp,
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
	err = core_parse_spec(ctx->local, rec->type_id, access, rec->kind, local, eb);
	if (err)
		return err;
	if (d) {
		d->access = access;
		core_spec_str(local, d->path, sizeof(d->path));
	}

	if (rec->kind == BPF_CORE_TYPE_ID_LOCAL) {
		/* Nothing to look up: the id in our own .BTF, which the
		 * kernel receives with the program. */
		memset(&res, 0, sizeof(res));
		res.validate = true;
		res.orig_val = res.new_val = local->root_type_id;
	} else {
		err = core_get_cands(ctx->ts, ctx->local, rec->type_id, &cands, eb);
		if (!err)
			err = match_cands(ctx, local, cands, cand, targ, &res,
					  &matched, d, eb);
		if (!err && d)
			err = core_note_kind_mismatches(ctx->local, rec->type_id, ctx->ts,
						   cands->searched, d) ?
				      err_set(eb, -ENOMEM, "out of memory") : 0;
		if (err)
			return err;
		if (matched == 0) {
			err = core_calc_relo(local, NULL, &res, eb);
			if (err)
				return err;
			if (d || res.poison)
				core_explain_nomatch(local, cands, ctx->ts, why, why_len);
		}
	}
	if (d)
		core_fill_detail(d, ctx->ts, &res, targ, cands, matched, &insns[idx],
			    prog->insn_cnt - idx);

	err = core_patch_insn(&insns[idx], prog->insn_cnt - idx, &res,
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

/* The first record a program starting at @sec_off can own: found by
 * binary search when the section's records are in insn_off order (a
 * section of 100 programs would otherwise scan all its records 100
 * times), else 0, and the caller's range check does the work. */
static uint32_t first_record(const struct btf_ext_sec *sec, uint64_t sec_off)
{
	const struct bpf_core_relo *recs = sec->recs;
	uint32_t lo = 0, hi = sec->count;

	if (!sec->sorted)
		return 0;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (recs[mid].insn_off < sec_off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int core_relocate_prog_targets(const struct object *obj, const struct obj_prog *prog,
			       struct bpf_insn *insns, struct core_targets *ts, unsigned flags,
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
	for (uint32_t i = first_record(sec, prog->sec_off); i < sec->count; i++) {
		const struct bpf_core_relo *rec = &recs[i];
		struct core_relo_detail *d = NULL;
		char desc[200], why[176] = "";
		bool poisoned = false;
		size_t idx;

		if (sec->sorted && rec->insn_off >= end)
			break; /* the next program's */
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
			if (!(d = core_detail_push(rep))) {
				err = err_set(eb, -ENOMEM, "out of memory");
				goto out;
			}
			d->relo_idx = i;
			d->insn_idx = (uint32_t)idx;
			d->kind = rec->kind;
			d->local_type_id = rec->type_id;
			d->local_val = core_insn_const(&insns[idx], prog->insn_cnt - idx);
		}
		ctx.relo = i;
		err = apply_one(&ctx, rec, prog, insns, idx, specs, why, sizeof(why),
				&poisoned, d, eb);
		if (err) {
			if (d) {
				d->failed = 1;
				size_t n = strnlen(eb->msg, sizeof(d->why) - 1);

				memcpy(d->why, eb->msg, n);
				d->why[n] = '\0';
			}
			core_describe(obj->btf, rec, &specs[1], desc, sizeof(desc));
			err_prefix(eb, err, "CO-RE relocation #%u (%s) at insn #%zu",
				   i, desc, idx);
			goto out;
		}
		if (!rep)
			continue;
		rep->applied++;
		if (poisoned) {
			size_t n;

			core_describe(obj->btf, rec, &specs[1], desc, sizeof(desc));
			n = strlen(desc);
			snprintf(desc + n, sizeof(desc) - n, ": %s", why);
			if ((err = core_note_poisoned(rep, i, idx, desc, eb)))
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
	int err = core_relocate_prog_targets(obj, prog, prog->insns, &ts, 0, rep, eb);

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
