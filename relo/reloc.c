/*
 * relo/reloc.c - classifying ELF relocations (step 1 of reloc.h).
 *
 * clang emits one REL entry per instruction that needs the loader: the
 * entry names the instruction (r_offset) and a symbol. What the loader
 * must do follows from the instruction and where the symbol lives:
 *
 *   instruction         symbol in          kind
 *   call (PSEUDO_CALL)  .text              RELO_CALL
 *   call                undefined          RELO_EXTERN_FUNC (kfunc)
 *   ld_imm64            .maps / maps       RELO_MAP
 *   ld_imm64            .data .rodata ...  RELO_DATA
 *   ld_imm64            .text              RELO_SUBPROG_ADDR (callback)
 *   ld_imm64            undefined          RELO_EXTERN_VAR
 */
#include "reloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int is_ld_imm64(const struct bpf_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static int is_call(const struct bpf_insn *in)
{
	return in->code == (BPF_JMP | BPF_CALL);
}

static int find_extern(const struct object *obj, size_t sym)
{
	for (size_t i = 0; i < obj->nexterns; i++)
		if (obj->externs[i].sym == sym)
			return (int)i;
	return -1;
}

static int find_map_at(const struct object *obj, size_t shndx, uint64_t off)
{
	for (size_t i = 0; i < obj->nmaps; i++)
		if ((obj->maps[i].origin == MAP_BTF || obj->maps[i].origin == MAP_LEGACY) &&
		    obj->maps[i].shndx == shndx && obj->maps[i].sec_off == off)
			return (int)i;
	return -1;
}

/* Where each function's code lies, sorted by (section, offset): insn_at()
 * binary-searches it, so classifying R relocations of P functions costs
 * O((P + R) log P), not O(P * R). */
struct prog_span {
	size_t shndx;
	uint64_t off;		/* sec_off */
	size_t prog;		/* index in obj->progs */
};

struct prog_order {
	const struct object *obj;
	struct prog_span *spans;
	int overlap;		/* two functions share bytes (a hostile file):
				 * insn_at scans in program order instead */
};

static int span_cmp(const void *a, const void *b)
{
	const struct prog_span *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int prog_order_init(struct prog_order *po, const struct object *obj)
{
	po->obj = obj;
	po->spans = malloc((obj->nprogs ? obj->nprogs : 1) * sizeof(*po->spans));
	if (!po->spans)
		return -ENOMEM;
	for (size_t i = 0; i < obj->nprogs; i++)
		po->spans[i] = (struct prog_span){ obj->progs[i].shndx,
						   obj->progs[i].sec_off, i };
	qsort(po->spans, obj->nprogs, sizeof(*po->spans), span_cmp);
	for (size_t i = 1; i < obj->nprogs; i++) {
		const struct prog_span *a = &po->spans[i - 1], *b = &po->spans[i];

		if (a->shndx == b->shndx &&
		    a->off + obj->progs[a->prog].insn_cnt * 8 > b->off)
			po->overlap = 1;
	}
	return 0;
}

/* The instruction at @off of code section @shndx, read from the program
 * that contains it (programs hold the only copies of the code): the last
 * function starting at or before @off, if @off is inside it (functions
 * are symbols of one section's code, and do not overlap). */
static const struct bpf_insn *insn_at(const struct prog_order *po, size_t shndx,
				      uint64_t off, size_t *left)
{
	size_t lo = 0, hi = po->obj->nprogs;
	const struct obj_prog *p;

	for (size_t i = 0; po->overlap && i < po->obj->nprogs; i++) {
		p = &po->obj->progs[i];
		if (p->shndx == shndx && off >= p->sec_off &&
		    off < p->sec_off + p->insn_cnt * 8) {
			*left = p->insn_cnt - (off - p->sec_off) / 8;
			return &p->insns[(off - p->sec_off) / 8];
		}
	}
	if (po->overlap)
		return NULL;
	while (lo < hi) { /* lo: the first function after (shndx, off) */
		size_t mid = lo + (hi - lo) / 2;
		const struct prog_span *sp = &po->spans[mid];

		if (sp->shndx < shndx || (sp->shndx == shndx && sp->off <= off))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || po->spans[lo - 1].shndx != shndx)
		return NULL;
	p = &po->obj->progs[po->spans[lo - 1].prog];
	if (off >= p->sec_off + p->insn_cnt * 8)
		return NULL;
	*left = p->insn_cnt - (off - p->sec_off) / 8;
	return &p->insns[(off - p->sec_off) / 8];
}

static int classify(const struct prog_order *po, size_t shndx, const Elf64_Rel *r,
		    struct relo *out, struct errbuf *eb)
{
	const struct object *obj = po->obj;
	const struct elf_file *ef = &obj->elf;
	size_t sym = ELF64_R_SYM(r->r_info), left;
	const Elf64_Sym *s = &ef->syms[sym];
	const struct bpf_insn *in;
	const char *name = elf_sym_name(ef, sym);

	memset(out, 0, sizeof(*out));
	out->sec_off = r->r_offset;
	out->sym = sym;
	out->sym_off = s->st_value;
	out->map = out->ext = -1;
	if (r->r_offset % sizeof(struct bpf_insn))
		return err_set(eb, -EINVAL, "offset 0x%" PRIx64 " is not on an "
			       "instruction boundary (8 bytes)", (uint64_t)r->r_offset);
	in = insn_at(po, shndx, r->r_offset, &left);
	if (!in)
		return err_set(eb, -EINVAL, "offset 0x%" PRIx64 " is inside no function",
			       (uint64_t)r->r_offset);

	if (is_call(in)) {
		if (s->st_shndx == SHN_UNDEF) {
			out->kind = RELO_EXTERN_FUNC;
			out->ext = find_extern(obj, sym);
			return out->ext < 0 ? err_set(eb, -EINVAL, "call to undefined '%s'",
						      name) : 0;
		}
		if (in->src_reg != BPF_PSEUDO_CALL || s->st_shndx != obj->text_shndx)
			return err_set(eb, -EINVAL,
				       "call at offset 0x%" PRIx64 " to '%s', which is not a "
				       "subprogram in .text", (uint64_t)r->r_offset, name);
		out->kind = RELO_CALL;
		return 0;
	}
	if (!is_ld_imm64(in))
		return err_set(eb, -EINVAL,
			       "instruction at offset 0x%" PRIx64 " (opcode 0x%02x) "
			       "refers to '%s' but is neither a call nor a 64-bit load",
			       (uint64_t)r->r_offset, in->code, name);
	if (left < 2)
		return err_set(eb, -EINVAL,
			       "64-bit load at offset 0x%" PRIx64 " has no second half",
			       (uint64_t)r->r_offset);
	if (s->st_shndx == SHN_UNDEF) {
		out->kind = RELO_EXTERN_VAR;
		out->ext = find_extern(obj, sym);
		return out->ext < 0 ? err_set(eb, -EINVAL, "load of undefined '%s'", name) : 0;
	}
	if (s->st_shndx == obj->text_shndx && obj->text_shndx) {
		out->kind = RELO_SUBPROG_ADDR;
		return 0;
	}
	if (s->st_shndx >= ef->shnum)
		return err_set(eb, -EINVAL, "'%s' is in no section", name);
	if ((obj->maps_shndx && s->st_shndx == obj->maps_shndx) ||
	    (obj->legacy_maps_shndx && s->st_shndx == obj->legacy_maps_shndx)) {
		out->kind = RELO_MAP;
		out->map = find_map_at(obj, s->st_shndx, s->st_value);
		return out->map < 0 ? err_set(eb, -EINVAL,
					      "'%s' at offset 0x%" PRIx64 " of section '%s' is "
					      "no map definition", name, (uint64_t)s->st_value,
					      elf_section_name(ef, s->st_shndx)) : 0;
	}
	out->kind = RELO_DATA;
	out->map = obj_find_data_map(obj, s->st_shndx);
	if (out->map < 0)
		return err_set(eb, -EINVAL,
			       "'%s' lives in section %u '%s', which is neither code, a map "
			       "nor global data", name, s->st_shndx,
			       elf_section_name(ef, s->st_shndx));
	return 0;
}

static int relo_cmp(const void *a, const void *b)
{
	const struct relo *x = a, *y = b;

	return x->sec_off < y->sec_off ? -1 : x->sec_off > y->sec_off;
}

/* 1 if @s's records (each @rec_size bytes, insn_off first) ascend. */
static uint8_t ext_sec_sorted(const struct btf_ext_sec *s, size_t rec_size)
{
	uint32_t prev = 0, off;

	for (uint32_t i = 0; i < s->count; i++) {
		memcpy(&off, (const uint8_t *)s->recs + i * rec_size, sizeof(off));
		if (i && off < prev)
			return 0;
		prev = off;
	}
	return 1;
}

static int ext_sorted_init(const struct object *obj, struct relo_set *set)
{
	const struct btf_ext_table *fi, *li;

	if (!obj->ext)
		return 0;
	fi = &obj->ext->func_info;
	li = &obj->ext->line_info;
	set->ext_sorted = malloc(fi->nsecs + li->nsecs + 1);
	if (!set->ext_sorted)
		return -ENOMEM;
	for (size_t i = 0; i < fi->nsecs; i++)
		set->ext_sorted[i] = ext_sec_sorted(&fi->secs[i],
						    sizeof(struct bpf_func_info));
	for (size_t i = 0; i < li->nsecs; i++)
		set->ext_sorted[fi->nsecs + i] =
			ext_sec_sorted(&li->secs[i], sizeof(struct bpf_line_info));
	return 0;
}

int reloc_collect(const struct object *obj, struct relo_set *set, struct errbuf *eb)
{
	struct prog_order po = { obj, NULL, 0 };
	size_t total = 0, n = 0;
	int err = 0;

	memset(set, 0, sizeof(*set));
	for (size_t i = 0; i < obj->nrelsecs; i++)
		total += obj->relsecs[i].rel.count;
	set->relos = calloc(total ? total : 1, sizeof(*set->relos));
	set->sec_shndx = calloc(total ? total : 1, sizeof(*set->sec_shndx));
	set->secs = calloc(obj->nrelsecs ? obj->nrelsecs : 1, sizeof(*set->secs));
	set->nsec_of = obj->elf.shnum;
	set->sec_of = calloc(set->nsec_of ? set->nsec_of : 1, sizeof(*set->sec_of));
	if (!set->relos || !set->sec_shndx || !set->secs || !set->sec_of ||
	    prog_order_init(&po, obj) || ext_sorted_init(obj, set)) {
		err = err_set(eb, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < obj->nrelsecs; i++) {
		const struct elf_rel_section *rs = &obj->relsecs[i].rel;
		size_t first = n;

		for (size_t k = 0; k < rs->count; k++, n++) {
			err = classify(&po, rs->target, &rs->rels[k], &set->relos[n], eb);
			if (err) {
				err = err_prefix(eb, err, "section %zu '%s': relocation %zu",
						 rs->shndx, elf_section_name(&obj->elf, rs->shndx),
						 k);
				goto out;
			}
			set->sec_shndx[n] = rs->target;
		}
		qsort(set->relos + first, n - first, sizeof(*set->relos), relo_cmp);
		set->sec_of[rs->target] = set->sec_of[rs->target] ? RELO_SEC_SEVERAL :
					   (uint32_t)set->nsecs + 1;
		set->secs[set->nsecs++] = (struct relo_sec){ rs->target, first, n - first };
	}
	set->count = n;
out:
	free(po.spans);
	if (err)
		reloc_free(set);
	return err;
}

void reloc_free(struct relo_set *set)
{
	free(set->relos);
	free(set->sec_shndx);
	free(set->secs);
	free(set->sec_of);
	free(set->ext_sorted);
	memset(set, 0, sizeof(*set));
}

const char *reloc_kind_name(enum relo_kind k)
{
	static const char *const n[] = { "map", "global data", "call",
					 "subprogram address", "extern variable",
					 "extern function" };
	return (unsigned)k < sizeof(n) / sizeof(n[0]) ? n[k] : "?";
}
