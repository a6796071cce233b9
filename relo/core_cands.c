/*
 * relo/core_cands.c - CO-RE step 2: CANDIDATES, and the targets they come
 * from.
 *
 * A candidate is a target type of a compatible kind whose essential name
 * (the name up to a "___flavor" suffix) is the local type's. They are
 * looked for once per local type and kept in the target set's cache for
 * the whole object, because relocations prune them (core.c): a type a
 * relocation rejected while others satisfied it is not offered again.
 *
 * The targets: vmlinux (or --btf FILE) first; only for a local type that
 * has no candidate there, every module's split BTF under
 * /sys/kernel/btf, read on first need -- libbpf's order.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"

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
 * hands over the types whose essential name is the one asked; cand_visit
 * checks their kinds (and the name once more: the index's contract is
 * the key, the rule here is libbpf's).
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

/* @local_id's candidates from the target set's cache, searched for on
 * first use. The cache lives as long as the set, so the pruning one
 * program's relocations do applies to the next program's too. */
int core_get_cands(struct core_targets *ts, const struct btf *local,
		   uint32_t local_id, struct core_cands **out,
		   struct errbuf *eb)
{
	struct core_cands *p;
	int err;

	if (ts->cands_of != local) {
		core_targets_drop_cands(ts); /* another object's */
		ts->cands_of = local;
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
	err = find_cands(local, local_id, ts, &p[ts->ncands], eb);
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
const struct core_cand *core_first_cand(const struct core_cands *c)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (!c->c[i].out_prog)
			return &c->c[i];
	return NULL;
}

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

int core_targets_load_modules(struct core_targets *ts, struct errbuf *eb)
{
	char **names = NULL, path[4096];
	size_t n = 0;
	int err;

	if (ts->modules_read || !ts->module_dir || ts->n == 0)
		return 0;
	ts->modules_read = 1;
	/* the folder is listed by the caller's host/ reader: relo/ opens
	 * no file of the machine itself (the BTF files are elf/'s to read) */
	err = ts->list_modules ? ts->list_modules(ts->module_dir, &names, &n, eb) : 0;
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
