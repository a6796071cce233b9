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
	size_t *base;		/* [obj prog index] -> insn offset, or SIZE_MAX */
	char *walking;		/* [obj prog index] -> 1 while its walk is running */
	size_t cap;		/* capacity of fp->insns */
	struct errbuf *eb;
};

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
	memcpy(fp->insns + fp->insn_cnt, p->insns, p->insn_cnt * sizeof(*p->insns));
	b->base[prog] = fp->insn_cnt;
	fp->insn_cnt += p->insn_cnt;
	return 0;
}

/* Copy @prog's records of one .BTF.ext table, rebased to where it landed.
 * In the file insn_off counts bytes from the section start; the kernel
 * wants instruction indexes from the program start. */
static int append_ext(struct builder *b, const struct btf_ext_table *t, size_t prog,
		      size_t rec_size, void **recs, size_t *cnt)
{
	const struct obj_prog *p = &b->obj->progs[prog];
	const struct btf_ext_sec *s = btf_ext_find(t, p->sec_name);

	for (uint32_t i = 0; s && i < s->count; i++) {
		const uint8_t *rec = (const uint8_t *)s->recs + i * rec_size;
		uint32_t off;
		void *n;

		memcpy(&off, rec, sizeof(off));	/* insn_off is the first field */
		if (off < p->sec_off || off >= p->sec_off + p->insn_cnt * 8)
			continue;
		n = realloc(*recs, (*cnt + 1) * rec_size);
		if (!n)
			return err_set(b->eb, -ENOMEM, "out of memory");
		*recs = n;
		memcpy((uint8_t *)n + *cnt * rec_size, rec, rec_size);
		off = (uint32_t)(b->base[prog] + (off - p->sec_off) / 8);
		memcpy((uint8_t *)n + *cnt * rec_size, &off, sizeof(off));
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
	struct bpf_insn *in = &b->fp->insns[b->base[prog] + i];
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
	 * Say which functions, before the kernel is involved at all. */
	if (b->walking[sub])
		return err_set(b->eb, -EINVAL,
			       "instruction %zu: '%s' calls '%s' recursively; BPF programs "
			       "cannot recurse", i, p->name, b->obj->progs[sub].name);
	if (b->base[sub] == SIZE_MAX) {
		err = append_code(b, (size_t)sub);
		if (!err)
			err = walk(b, (size_t)sub);
		if (err)
			return err_prefix(b->eb, err, "subprogram '%s'", b->obj->progs[sub].name);
		in = &b->fp->insns[b->base[prog] + i]; /* insns may have moved */
	}
	if (r && r->kind == RELO_SUBPROG_ADDR)
		in->src_reg = BPF_PSEUDO_FUNC;
	in->imm = (int32_t)((int64_t)b->base[sub] - (int64_t)(b->base[prog] + i) - 1);
	return 0;
}

/* ld_imm64 of a map: the kernel swaps the fd for the map pointer. */
static void patch_map(struct builder *b, struct bpf_insn *in, const struct relo *r)
{
	in[0].src_reg = BPF_PSEUDO_MAP_FD;
	in[0].imm = b->env->map_fds[r->map];
	in[1].imm = 0;
}

/* ld_imm64 of a global: the map's value address plus the offset, which
 * is the symbol's offset plus what clang left in imm (for a section
 * symbol, such as a string literal's, the offset is all in imm). */
static void patch_data(struct builder *b, struct bpf_insn *in, const struct relo *r)
{
	in[1].imm = in[0].imm + (int32_t)r->sym_off;
	in[0].src_reg = BPF_PSEUDO_MAP_VALUE;
	in[0].imm = b->env->map_fds[r->map];
}

static int patch_extern_var(struct builder *b, struct bpf_insn *in,
			    const struct relo *r)
{
	const struct obj_extern *x = &b->obj->externs[r->ext];
	const struct extern_value *v = b->env->ext ? &b->env->ext[r->ext] : NULL;

	if (x->kind == EXTERN_KCONFIG) {
		in[0].src_reg = BPF_PSEUDO_MAP_VALUE;
		in[0].imm = b->env->map_fds[b->obj->kconfig_map];
		in[1].imm = (int32_t)x->offset;
		return 0;
	}
	if (!v)
		return err_set(b->eb, -ENOTSUP, "extern '%s' (__ksym) was not resolved",
			       x->name);
	if (x->type_id && v->resolved && v->btf_id) {
		/* a typed ksym: the verifier knows its type from vmlinux BTF */
		in[0].src_reg = BPF_PSEUDO_BTF_ID;
		in[0].imm = (int32_t)v->btf_id;
		in[1].imm = 0;
	} else {
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

	if (!v || !v->resolved)
		return err_set(b->eb, -ENOTSUP, "kfunc '%s' was not resolved", x->name);
	in->src_reg = BPF_PSEUDO_KFUNC_CALL;
	in->imm = (int32_t)v->btf_id;
	in->off = 0;	/* 0: the kfunc is in vmlinux, not a module */
	return 0;
}

static const struct relo *find_relo(const struct builder *b, size_t shndx, uint64_t off)
{
	/* A linear scan: objects have tens of relocations; issue 9's
	 * benchmarks decide whether this needs an index. */
	for (size_t i = 0; i < b->set->count; i++)
		if (b->set->sec_shndx[i] == shndx && b->set->relos[i].sec_off == off)
			return &b->set->relos[i];
	return NULL;
}

/* Apply every relocation of function @prog where its code landed. */
static int walk(struct builder *b, size_t prog)
{
	const struct obj_prog *p = &b->obj->progs[prog];
	int err = 0;

	b->walking[prog] = 1;

	if (b->obj->ext) {
		err = append_ext(b, &b->obj->ext->func_info, prog,
				 sizeof(struct bpf_func_info), (void **)&b->fp->func_info,
				 &b->fp->func_info_cnt);
		if (!err)
			err = append_ext(b, &b->obj->ext->line_info, prog,
					 sizeof(struct bpf_line_info),
					 (void **)&b->fp->line_info, &b->fp->line_info_cnt);
	}
	for (size_t i = 0; i < p->insn_cnt && !err; i++) {
		const struct relo *r = find_relo(b, p->shndx, p->sec_off + i * 8);
		struct bpf_insn *in = &b->fp->insns[b->base[prog] + i];

		if (!r) {
			if (in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL)
				err = link_subprog(b, prog, i, NULL);
			continue;
		}
		switch (r->kind) {
		case RELO_MAP: patch_map(b, in, r); break;
		case RELO_DATA: patch_data(b, in, r); break;
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
	b->walking[prog] = 0;
	return err;
}

int reloc_build_prog(const struct object *obj, const struct relo_set *set,
		     size_t prog, const struct reloc_env *env,
		     struct final_prog *out, struct errbuf *eb)
{
	struct builder b = { obj, set, env, out, NULL, NULL, 0, eb };
	int err;

	memset(out, 0, sizeof(*out));
	b.base = malloc(obj->nprogs * sizeof(*b.base));
	b.walking = calloc(obj->nprogs, 1);
	if (!b.base || !b.walking) {
		free(b.base);
		free(b.walking);
		return err_set(eb, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < obj->nprogs; i++)
		b.base[i] = SIZE_MAX;
	err = append_code(&b, prog);
	if (!err)
		err = walk(&b, prog);
	for (size_t i = 0; !err && i < obj->nprogs; i++) {
		size_t *n;

		if (i == prog || b.base[i] == SIZE_MAX)
			continue;
		n = realloc(out->subprogs, (out->nsubprogs + 1) * sizeof(*n));
		if (!n) {
			err = err_set(eb, -ENOMEM, "out of memory");
			break;
		}
		out->subprogs = n;
		out->subprogs[out->nsubprogs++] = i;
	}
	free(b.base);
	free(b.walking);
	if (err)
		reloc_free_prog(out);
	return err;
}

void reloc_free_prog(struct final_prog *fp)
{
	free(fp->insns);
	free(fp->func_info);
	free(fp->line_info);
	free(fp->subprogs);
	memset(fp, 0, sizeof(*fp));
}
