/*
 * relo/link.c - building one program's final instructions (step 2 of
 * reloc.h).
 *
 * A program's own code comes first. Each time the walk meets a call (or a
 * callback's address) to a .text subprogram not yet in the program, the
 * subprogram is appended at the end and walked at once, depth first; so
 * the layout is the one libbpf produces, and the kernel sees the same
 * instructions from both. Each function's relocations are applied where
 * its code landed, and its func_info/line_info records move with it.
 *
 * Worked example: prog P (4 insns) calls static S1 at insn 2; S1 calls S2.
 *   P  at 0..3,  S1 appended at 4,  S2 appended after S1.
 *   P's call at 2 gets imm = 4 - 2 - 1 = 1: calls are relative to the
 *   instruction after the call, counted in instructions.
 */
#include "reloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct builder {
	const struct object *obj;
	const struct relo_set *set;
	const struct reloc_env *env;
	struct final_prog *fp;
	/* The functions in the program so far, in the order appended (the
	 * program itself first): a short list, searched by base_of(), so a
	 * build costs nothing per function of the object it does not use. */
	struct placed {
		size_t prog;	/* obj prog index */
		size_t base;	/* its first instruction in fp->insns */
		int walking;	/* its walk is running */
	} *placed;
	size_t nplaced, placed_cap;
	size_t cap;		/* capacity of fp->insns */
	size_t func_cap, line_cap; /* capacities of fp->func_info, line_info */
	size_t refs_cap;	/* capacity of fp->map_refs */
	struct errbuf *eb;
};

/* Function @prog's entry in b->placed, or NULL if not appended yet. */
static struct placed *placed_of(const struct builder *b, size_t prog)
{
	for (size_t i = 0; i < b->nplaced; i++)
		if (b->placed[i].prog == prog)
			return &b->placed[i];
	return NULL;
}

/* Where function @prog's code starts in the program (it is placed). */
static size_t base_of(const struct builder *b, size_t prog)
{
	return placed_of(b, prog)->base;
}

static int append_code(struct builder *b, size_t prog)
{
	const struct obj_prog *p = &b->obj->progs[prog];
	struct final_prog *fp = b->fp;

	if (fp->insn_cnt + p->insn_cnt > b->cap) {
		size_t cap = (fp->insn_cnt + p->insn_cnt) * 2;
		void *n = realloc(fp->insns, cap * sizeof(*fp->insns));

		if (!n)
			return err_set(b->eb, -ENOMEM, "out of memory");
		fp->insns = n;
		b->cap = cap;
	}
	if (b->nplaced == b->placed_cap) {
		size_t cap = b->placed_cap ? b->placed_cap * 2 : 8;
		void *n = realloc(b->placed, cap * sizeof(*b->placed));

		if (!n)
			return err_set(b->eb, -ENOMEM, "out of memory");
		b->placed = n;
		b->placed_cap = cap;
	}
	/* the code CO-RE patched, if the loader gave it; else as read */
	memcpy(fp->insns + fp->insn_cnt,
	       b->env->code && b->env->code[prog] ? b->env->code[prog] : p->insns,
	       p->insn_cnt * sizeof(*p->insns));
	b->placed[b->nplaced++] = (struct placed){ prog, fp->insn_cnt, 0 };
	fp->insn_cnt += p->insn_cnt;
	return 0;
}

/* The first of @s's @rec_size-byte records with insn_off >= @off (they
 * ascend by insn_off: reloc_collect checked). */
static uint32_t ext_lower_bound(const struct btf_ext_sec *s, size_t rec_size,
				uint64_t off)
{
	uint32_t lo = 0, hi = s->count, v;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		memcpy(&v, (const uint8_t *)s->recs + (size_t)mid * rec_size, sizeof(v));
		if (v < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Copy @prog's records of one .BTF.ext table (@which: 0 func_info, 1
 * line_info), rebased to where it landed. In the file insn_off counts bytes
 * from the section start; the kernel wants instruction indexes from the
 * program start. A section's records ascend by insn_off (clang writes them
 * so, and reloc_collect checked), so the program's are one run found by
 * binary search; a section that does not ascend is scanned whole. The
 * output array grows geometrically (@cap).
 */
static int append_ext(struct builder *b, const struct btf_ext_table *t, int which,
		      size_t prog, size_t rec_size, void **recs, size_t *cnt,
		      size_t *cap)
{
	const struct obj_prog *p = &b->obj->progs[prog];
	const struct btf_ext_sec *s = btf_ext_find(t, p->sec_name);
	uint64_t end = p->sec_off + p->insn_cnt * 8;
	size_t sec_idx, base = base_of(b, prog);
	uint32_t i = 0;
	int sorted;

	if (!s)
		return 0;
	sec_idx = (size_t)(s - t->secs) + (which ? b->obj->ext->func_info.nsecs : 0);
	sorted = b->set->ext_sorted && b->set->ext_sorted[sec_idx];
	if (sorted)
		i = ext_lower_bound(s, rec_size, p->sec_off);
	for (; i < s->count; i++) {
		const uint8_t *rec = (const uint8_t *)s->recs + i * rec_size;
		uint32_t off;

		memcpy(&off, rec, sizeof(off));	/* insn_off is the first field */
		if (sorted && off >= end)
			break;
		if (off < p->sec_off || off >= end)
			continue;
		if (*cnt == *cap) {
			size_t ncap = *cap ? *cap * 2 : 8;
			void *n = realloc(*recs, ncap * rec_size);

			if (!n)
				return err_set(b->eb, -ENOMEM, "out of memory");
			*recs = n;
			*cap = ncap;
		}
		memcpy((uint8_t *)*recs + *cnt * rec_size, rec, rec_size);
		off = (uint32_t)(base + (off - p->sec_off) / 8);
		memcpy((uint8_t *)*recs + *cnt * rec_size, &off, sizeof(off));
		(*cnt)++;
	}
	return 0;
}

static int walk(struct builder *b, size_t prog);

/* The .text function that instruction index @idx of .text falls in. */
static int subprog_at(const struct object *obj, int64_t idx)
{
	for (size_t i = 0; i < obj->nprogs; i++) {
		const struct obj_prog *p = &obj->progs[i];

		if (p->is_subprog && idx >= 0 && (uint64_t)idx * 8 >= p->sec_off &&
		    (uint64_t)idx * 8 < p->sec_off + p->insn_cnt * 8)
			return (int)i;
	}
	return -1;
}

/* A call or a callback address: make sure the target is appended, then
 * point the instruction at it, relative to the next instruction. */
static int link_subprog(struct builder *b, size_t prog, size_t i,
			const struct relo *r)
{
	const struct obj_prog *p = &b->obj->progs[prog];
	size_t base = base_of(b, prog);
	struct bpf_insn *in = &b->fp->insns[base + i];
	const struct placed *sp;
	int64_t target;
	int sub, err;

	/* With a relocation the target is symbol + imm: for a global
	 * function imm is -1 (call to its first insn); for a static one the
	 * symbol is the section and imm the offset. Without one (a static
	 * callee in the same section) imm is already relative. */
	if (r && r->kind == RELO_CALL)
		target = (int64_t)(r->sym_off / 8) + in->imm + 1;
	else if (r)
		target = ((int64_t)r->sym_off + in->imm) / 8;
	else
		target = (int64_t)(p->sec_off / 8 + i) + in->imm + 1;
	sub = subprog_at(b->obj, target);
	if (sub < 0 || b->obj->progs[sub].sec_off / 8 != (uint64_t)target)
		return err_set(b->eb, -EINVAL,
			       "instruction %zu: call target (.text instruction %" PRId64
			       ") is not the start of a subprogram", i, target);
	/* A call back into a function whose walk has not finished closes a
	 * cycle: recursion, which the verifier refuses ("recursive call").
	 * Say which functions, before the kernel is involved at all. An
	 * address is no call: a timer callback that re-arms itself names
	 * itself in bpf_timer_set_callback(), and the kernel calls it later
	 * from the timer, not from itself (the verifier allows it). */
	sp = placed_of(b, (size_t)sub);
	if (sp && sp->walking && !(r && r->kind == RELO_SUBPROG_ADDR))
		return err_set(b->eb, -EINVAL,
			       "instruction %zu: '%s' calls '%s' recursively; BPF programs "
			       "cannot recurse", i, p->name, b->obj->progs[sub].name);
	if (!sp) {
		err = append_code(b, (size_t)sub);
		if (!err)
			err = walk(b, (size_t)sub);
		if (err)
			return err_prefix(b->eb, err, "subprogram '%s'", b->obj->progs[sub].name);
		in = &b->fp->insns[base + i]; /* insns may have moved */
	}
	if (r && r->kind == RELO_SUBPROG_ADDR)
		in->src_reg = BPF_PSEUDO_FUNC;
	in->imm = (int32_t)((int64_t)base_of(b, (size_t)sub) - (int64_t)(base + i) - 1);
	return 0;
}

/* Map @map in the ld_imm64 at @in: its fd, or in the load image its index,
 * remembered in map_refs for reloc_bind_maps. */
static int name_map(struct builder *b, struct bpf_insn *in, int map)
{
	struct final_prog *fp = b->fp;

	if (b->env->map_fds) {
		in->imm = b->env->map_fds[map];
		return 0;
	}
	if (fp->nmap_refs == b->refs_cap) {
		size_t cap = b->refs_cap ? b->refs_cap * 2 : 8;
		void *n = realloc(fp->map_refs, cap * sizeof(*fp->map_refs));

		if (!n)
			return err_set(b->eb, -ENOMEM, "out of memory");
		fp->map_refs = n;
		b->refs_cap = cap;
	}
	fp->map_refs[fp->nmap_refs++] = (size_t)(in - fp->insns);
	in->imm = map;
	return 0;
}

/* ld_imm64 of a map: the kernel swaps the fd for the map pointer. */
static int patch_map(struct builder *b, struct bpf_insn *in, const struct relo *r)
{
	in[0].src_reg = BPF_PSEUDO_MAP_FD;
	in[1].imm = 0;
	return name_map(b, in, r->map);
}

/* ld_imm64 of a global: the map's value address plus the offset, which
 * is the symbol's offset plus what clang left in imm (for a section
 * symbol, such as a string literal's, the offset is all in imm). */
static int patch_data(struct builder *b, struct bpf_insn *in, const struct relo *r)
{
	in[1].imm = in[0].imm + (int32_t)r->sym_off;
	in[0].src_reg = BPF_PSEUDO_MAP_VALUE;
	return name_map(b, in, r->map);
}

static int patch_extern_var(struct builder *b, struct bpf_insn *in,
			    const struct relo *r)
{
	const struct obj_extern *x = &b->obj->externs[r->ext];
	const struct extern_value *v = b->env->ext ? &b->env->ext[r->ext] : NULL;

	if (x->kind == EXTERN_KCONFIG) {
		in[0].src_reg = BPF_PSEUDO_MAP_VALUE;
		in[1].imm = (int32_t)x->offset;
		return name_map(b, in, b->obj->kconfig_map);
	}
	if (!v)
		return err_set(b->eb, -ENOTSUP, "extern '%s' (__ksym) was not resolved",
			       x->name);
	if ((x->type_id || x->is_func) && v->resolved && v->btf_id) {
		/* a typed ksym, or a kfunc's address (bpf_ksym_exists(kfunc)):
		 * the verifier knows it from its vmlinux BTF id (a FUNC's is a
		 * non-NULL read-only pointer, so the guarded branch stays) */
		in[0].src_reg = BPF_PSEUDO_BTF_ID;
		in[0].imm = (int32_t)v->btf_id;
		in[1].imm = 0;
	} else {
		/* an untyped ksym's address from kallsyms, or 0 for a weak one
		 * the kernel lacks (bpf_ksym_exists() is then false) */
		in[0].imm = (int32_t)(uint32_t)v->addr;
		in[1].imm = (int32_t)(uint32_t)(v->addr >> 32);
	}
	return 0;
}

static int patch_extern_func(struct builder *b, struct bpf_insn *in,
			     const struct relo *r)
{
	const struct obj_extern *x = &b->obj->externs[r->ext];
	const struct extern_value *v = b->env->ext ? &b->env->ext[r->ext] : NULL;

	if (v && !v->resolved && x->is_weak) {
		/* a weak kfunc this kernel lacks: the call stays, with BTF id
		 * 0 (no kernel function has it), for the verifier to drop as
		 * dead code behind bpf_ksym_exists(), as libbpf 1.1 leaves it
		 * (libbpf 1.2+ turns it into a call of helper 2002000000 +
		 * the extern's index instead; the kernel keeps the same code).
		 * A call that is reached is refused by the verifier. */
		in->src_reg = BPF_PSEUDO_KFUNC_CALL;
		in->off = 0;
		in->imm = 0;
		return 0;
	}
	if (!v || !v->resolved)
		return err_set(b->eb, -ENOTSUP, "kfunc '%s' was not resolved", x->name);
	in->src_reg = BPF_PSEUDO_KFUNC_CALL;
	in->imm = (int32_t)v->btf_id;
	in->off = 0;	/* 0: the kfunc is in vmlinux, not a module */
	return 0;
}

/*
 * The relocations of function @prog: the first one at or past its start
 * in its section's block of the sorted relocations (binary search), and
 * the block's end. walk() then steps through them in order with the
 * instructions, so a function costs O(log R + its instructions + its
 * relocations), not a scan of all R per instruction.
 */
static int relo_span(const struct builder *b, const struct obj_prog *p,
		     const struct relo **first, const struct relo **last)
{
	const struct relo_set *set = b->set;
	const struct relo_sec *sec = NULL;
	const struct relo *r;
	size_t lo = 0, hi;

	*first = *last = NULL;
	if (set->sec_of && p->shndx < set->nsec_of) {
		/* the section's block, found once by reloc_collect */
		uint32_t k = set->sec_of[p->shndx];

		if (k == RELO_SEC_SEVERAL)
			return 0; /* two .rel sections for one code section: scan */
		sec = k ? &set->secs[k - 1] : NULL;
	} else {
		size_t blocks = 0;

		for (size_t k = 0; k < set->nsecs; k++)
			if (set->secs[k].shndx == p->shndx && !blocks++)
				sec = &set->secs[k];
		if (blocks > 1)
			return 0;
	}
	if (!sec)
		return 1; /* no relocations in this section */
	r = set->relos + sec->first;
	hi = sec->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].sec_off < p->sec_off)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = r + lo;
	*last = r + sec->count;
	return 1;
}

/* The first relocation of section @shndx at @off, by a scan of them all:
 * only for the odd file relo_span() cannot index. */
static const struct relo *find_relo(const struct builder *b, size_t shndx, uint64_t off)
{
	for (size_t i = 0; i < b->set->count; i++)
		if (b->set->sec_shndx[i] == shndx && b->set->relos[i].sec_off == off)
			return &b->set->relos[i];
	return NULL;
}

/* Apply every relocation of function @prog where its code landed. */
static int walk(struct builder *b, size_t prog)
{
	const struct obj_prog *p = &b->obj->progs[prog];
	const struct relo *next, *last;
	size_t base = base_of(b, prog);
	int err = 0, indexed;

	placed_of(b, prog)->walking = 1;

	if (b->obj->ext) {
		err = append_ext(b, &b->obj->ext->func_info, 0, prog,
				 sizeof(struct bpf_func_info), (void **)&b->fp->func_info,
				 &b->fp->func_info_cnt, &b->func_cap);
		if (!err)
			err = append_ext(b, &b->obj->ext->line_info, 1, prog,
					 sizeof(struct bpf_line_info),
					 (void **)&b->fp->line_info, &b->fp->line_info_cnt,
					 &b->line_cap);
	}
	indexed = relo_span(b, p, &next, &last);
	for (size_t i = 0; i < p->insn_cnt && !err; i++) {
		uint64_t off = p->sec_off + i * 8;
		const struct relo *r = NULL;
		struct bpf_insn *in = &b->fp->insns[base + i];

		/* the first relocation at this offset, as a scan would find */
		while (next && next < last && next->sec_off < off)
			next++;
		if (next && next < last && next->sec_off == off)
			r = next;
		if (!indexed)
			r = find_relo(b, p->shndx, off);

		if (!r) {
			if (in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL)
				err = link_subprog(b, prog, i, NULL);
			continue;
		}
		switch (r->kind) {
		case RELO_MAP: err = patch_map(b, in, r); break;
		case RELO_DATA: err = patch_data(b, in, r); break;
		case RELO_EXTERN_VAR: err = patch_extern_var(b, in, r); break;
		case RELO_EXTERN_FUNC: err = patch_extern_func(b, in, r); break;
		case RELO_CALL:
		case RELO_SUBPROG_ADDR: err = link_subprog(b, prog, i, r); break;
		}
		if (err) {
			/* a section symbol has no name: name its section */
			const char *sym = elf_sym_name(&b->obj->elf, r->sym);

			if (!*sym)
				sym = elf_section_name(&b->obj->elf,
						       b->obj->elf.syms[r->sym].st_shndx);
			err = err_prefix(b->eb, err, "instruction %zu (%s relocation for '%s')",
					 i, reloc_kind_name(r->kind), sym);
		}
	}
	placed_of(b, prog)->walking = 0;
	return err;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

int reloc_build_prog(const struct object *obj, const struct relo_set *set,
		     size_t prog, const struct reloc_env *env,
		     struct final_prog *out, struct errbuf *eb)
{
	struct builder b = { .obj = obj, .set = set, .env = env, .fp = out, .eb = eb };
	int err;

	memset(out, 0, sizeof(*out));
	err = append_code(&b, prog);
	if (!err)
		err = walk(&b, prog);
	/* the subprograms appended, listed by object index */
	if (!err && b.nplaced > 1) {
		out->subprogs = malloc((b.nplaced - 1) * sizeof(*out->subprogs));
		if (!out->subprogs)
			err = err_set(eb, -ENOMEM, "out of memory");
		for (size_t i = 1; !err && i < b.nplaced; i++)
			out->subprogs[out->nsubprogs++] = b.placed[i].prog;
		if (!err)
			qsort(out->subprogs, out->nsubprogs, sizeof(*out->subprogs),
			      cmp_size);
	}
	free(b.placed);
	if (err)
		reloc_free_prog(out);
	return err;
}

struct bpf_insn *reloc_bind_maps(const struct final_prog *fp, const int *map_fds)
{
	struct bpf_insn *insns = malloc(fp->insn_cnt * sizeof(*insns) + 1);

	if (!insns)
		return NULL;
	memcpy(insns, fp->insns, fp->insn_cnt * sizeof(*insns));
	for (size_t k = 0; k < fp->nmap_refs; k++)
		insns[fp->map_refs[k]].imm = map_fds[fp->insns[fp->map_refs[k]].imm];
	return insns;
}

void reloc_free_prog(struct final_prog *fp)
{
	free(fp->insns);
	free(fp->map_refs);
	free(fp->func_info);
	free(fp->line_info);
	free(fp->subprogs);
	memset(fp, 0, sizeof(*fp));
}
