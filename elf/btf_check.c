/*
 * elf/btf_check.c - the checks that make BTF from outside the kernel safe
 * to read: every name offset inside the strings, every referenced type id
 * present, every DATASEC entry a variable, no reference cycles.
 *
 * Where it sits: steps 3 (the per-record half), 4 and 5 of btf_parse()
 * (btf.c, which has the list and the format). Why they are apart from the
 * walk: an object's .BTF and a --btf FILE come from a compiler or a user,
 * so nothing in them is trusted, while the running kernel's own BTF
 * (/sys/kernel/btf/...) was built and verified by the kernel at boot and
 * skips all of this (BTF_PARSE_TRUSTED): on vmlinux's 126,000 records the
 * full checks cost several times the walk itself (bench/notes.md).
 *
 * How they stay cheap for clean input: the full walk (btf_walk_full, the
 * twin of btf.c's trusted walk) hands every record, while it is in hand,
 * to btf_walk_check(), which checks its names at once and only notes what
 * its references need (the largest id mentioned, the
 * records whose chain successor is not below them). A clean BTF then costs
 * one walk; when a note cannot vouch for the data, the step falls back to
 * its full check, which finds the first fault in id order and words it.
 *
 * The rules are the kernel's (kernel/bpf/btf.c: btf_check_all_metas,
 * btf_check_all_types, btf_datasec_check_meta) and libbpf's
 * (btf.c: btf_validate_type); where rawload words a fault, it names the
 * record the way bpftool prints it: "type [12] STRUCT 'task': ...".
 */
#include "btf.h"
#include "btf_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* Colours of btf_find_cycle(): not seen, on the chain being walked,
 * known to end. */
enum { CHAIN_WHITE, CHAIN_GREY, CHAIN_BLACK };

/* ---- step 3: names and notes, record by record during the walk ---- */

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
 * section), its offset and kind into @offs and @kinds, and btf_walk_check()
 * on it. State is kept in locals: stores into the arrays could alias btf's
 * fields.
 */
int btf_walk_full(struct btf_walk *w, uint32_t *offs, uint8_t *kinds,
		  struct errbuf *eb)
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
		uint64_t rec;

		if (left < sizeof(*t) || n >= max_n)
			break;
		rec = btf_rec_len(t);
		if (rec > left)
			break;
		offs[n] = off;
		kinds[n++] = (uint8_t)btf_kind(t);
		btf->nr_types = n;
		err = btf_walk_check(w, start + n - 1, t, limit, eb);
		if (err)
			return err;
		off += (uint32_t)rec;
	}
	btf->nr_types = n;
	return off < len ? btf_walk_err(btf, off, eb) : 0;
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

/* The error of btf_check_func_tag() below for a FUNC, apart: a call to
 * btf_kind_name() and then to btf_type_err() on its fast path cost that
 * function register saves on every one of vmlinux's 56,000 FUNCs. */
static __attribute__((noinline)) int
btf_not_func_proto(const struct btf *btf, uint32_t id, const struct btf_type *t,
		   const struct btf_type *target, struct errbuf *eb)
{
	return btf_type_err(btf, id, eb, "refers to type [%u] %s, not a "
			    "FUNC_PROTO", t->type,
			    target ? btf_kind_name(btf_kind(target)) : "void");
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
		return btf_not_func_proto(btf, id, t, target, eb);
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

/* Every reference below the type count and every FUNC/DECL_TAG checked
 * during the walk: nothing to do. Otherwise the full check, in id order. */
int btf_step_refs(struct btf_walk *w, struct errbuf *eb)
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
int btf_step_datasecs(struct btf_walk *w, struct errbuf *eb)
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

/* Report the cycle @entry -> ... -> @last -> @entry, spelled out. */
static int btf_cycle_err(const struct btf *btf, uint32_t entry, uint32_t last,
			 struct errbuf *eb)
{
	char path[160] = "", hop[24];
	uint32_t id = entry;
	int hops;

	for (hops = 0; hops < 8; hops++) {
		snprintf(hop, sizeof(hop), "[%u] -> ", id);
		btf_str_cat(path, sizeof(path), hop);
		if (id == last)
			break;
		id = btf_chain_next(btf, id);
	}
	snprintf(hop, sizeof(hop), "%s[%u]", hops == 8 ? "... -> " : "", entry);
	btf_str_cat(path, sizeof(path), hop);
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
int btf_check_cycles(struct btf_walk *w, struct errbuf *eb)
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
