/*
 * relo/core_report.c - what CO-RE tells people: the rows of
 * `rawload core` (CORE_DETAIL: values, the matched type, every
 * candidate with the rule that rejected it) and the descriptions of
 * poisoned and failed relocations. Nothing here changes an instruction;
 * the text is written only when someone will read it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"

/* The rule that rejected candidate @targ (core_spec_match said 0), as the
 * report shows it: "field 'pid' missing", "field 'x': incompatible types
 * 'int' (local) vs 'struct s' (target)", ... */
void core_miss_str(const struct core_spec *local, const struct core_spec *targ,
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
int core_note_cand(struct core_relo_detail *d, const struct core_targets *ts,
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
	k->err = core_note_cand(k->d, k->ts, (struct core_cand){ .t = k->q.tidx, .id = id }, 0,
			   "kind mismatch: %s, the local type is %s",
			   btf_kind_name(btf_kind(t)), btf_kind_name(btf_kind(k->q.lt)));
	return k->err;
}

/* Report-only: the types of the searched targets that have the local
 * type's essential name but a kind CO-RE does not compare with it (what
 * a user looking for "no matching targets found" wants to see). Builds
 * the name index of a few more kinds, so only under CORE_DETAIL. */
int core_note_kind_mismatches(const struct btf *local, uint32_t local_id,
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

/* Why nothing matched, for the poison report: "no field 'x' in target
 * 'struct s'" (from the first candidate), or "no type ...". */
void core_explain_nomatch(const struct core_spec *local,
			  const struct core_cands *c,
			  const struct core_targets *ts,
			  char *buf, size_t len)
{
	const struct core_cand *first = core_first_cand(c);
	const struct btf *tb;
	struct core_spec *targ;
	char tname[128];
	int fail_at = 0;

	if (!first) {
		btf_type_str(local->btf, local->root_type_id, tname, sizeof(tname));
		snprintf(buf, len, "no type like '%s' in target", tname);
		return;
	}
	tb = ts->v[first->t].btf;
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
	if (core_spec_match(local, tb, first->id, targ, &fail_at) == 0 &&
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

/* The constant @insn holds where core_patch_insn() writes (@room instructions
 * from it on): a memory access's offset, an ALU immediate, both halves of
 * an ld_imm64. */
uint64_t core_insn_const(const struct bpf_insn *insn, size_t room)
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
void core_fill_detail(struct core_relo_detail *d, const struct core_targets *ts,
		      const struct core_res *res, const struct core_spec *targ,
		      const struct core_cands *cands, size_t matched,
		      const struct bpf_insn *insn, size_t room)
{
	d->local_val = core_insn_const(insn, room);
	d->target_val = res->new_val;
	d->local_sz = res->orig_sz;
	d->target_sz = res->new_sz;
	if (!matched)
		return;
	d->matched = 1;
	d->target_type_id = targ->root_type_id;
	for (size_t i = 0; i < cands->n; i++)
		if (ts->v[cands->c[i].t].btf == targ->btf) {
			snprintf(d->target_btf, sizeof(d->target_btf), "%s",
				 ts->v[cands->c[i].t].name);
			break;
		}
	core_spec_str(targ, d->target_path, sizeof(d->target_path));
	core_raw_str(targ, d->target_access, sizeof(d->target_access));
}

/* "byte_off struct task_struct.pid, access 0:73", for a message about
 * record @rec: written only when a relocation fails or is poisoned, not
 * for every record (formatting was a quarter of a 10,000-relocation
 * load). @scratch is a spec the description may overwrite. */
void core_describe(const struct btf *local, const struct bpf_core_relo *rec,
		   struct core_spec *scratch, char *buf, size_t len)
{
	const char *access = btf_str_checked(local, rec->access_str_off);
	struct errbuf ignored;
	char path[160];

	if (access && btf_type_by_id(local, rec->type_id) &&
	    core_parse_spec(local, rec->type_id, access, rec->kind, scratch,
		       &ignored) == 0) {
		core_spec_str(scratch, path, sizeof(path));
		snprintf(buf, len, "%s %s, access %s",
			 core_relo_kind_name(rec->kind), path, access);
	} else {
		snprintf(buf, len, "%s [%u], access %s",
			 core_relo_kind_name(rec->kind), rec->type_id,
			 access ? access : "?");
	}
}

/* A new zeroed detail row at the end of @rep; NULL on -ENOMEM. */
struct core_relo_detail *core_detail_push(struct core_report *rep)
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

int core_note_poisoned(struct core_report *rep, uint32_t i, size_t idx,
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
