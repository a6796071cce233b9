/*
 * tests/unit/check_disasm.c - suite "disasm": show/disasm.c.
 *
 *   table  one hand-encoded instruction (or ld_imm64 pair) per row, every
 *          class: ALU and ALU32 (reg, imm, neg, end), cpu v4 (MOVSX, SDIV,
 *          SMOD, BSWAP, LDSX, gotol), JMP and JMP32 (every condition, ja,
 *          call helper/subprog/kfunc, exit), LD (imm64 plain and pseudo,
 *          ABS, IND), LDX, ST, STX, atomics (add/and/or/xor, fetch, xchg,
 *          cmpxchg), and an invalid opcode; the exact text expected, in
 *          the kernel's verifier-log spelling
 *   llvm   every instruction of object under build/progs, as clang left
 *          it, against llvm-objdump-19 -d: an independent disassembler.
 *          Both lines are normalised (spacing, hex vs decimal, helper
 *          names, llvm's <label> suffixes, w/r of a 32-bit lock's
 *          source); atomic fetch/xchg/cmpxchg lines, spelled differently
 *          by llvm and the kernel, are not compared
 *
 * loader/ is not in the unit tests' library, so the disassembler's source
 * is compiled into this file (it is self-contained: libc and uapi only).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/object.h"
#include "show/disasm.h"
#include "unit.h"

#define LLVM_OBJDUMP "/usr/bin/llvm-objdump-19"

#define I(c, d, s, o, i) { .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) }
#define NONE { 0 }

struct row {
	struct bpf_insn in[2];
	size_t slots;		/* expected return */
	const char *text;
};

static const struct row rows[] = {
	/* ALU64 / ALU32, register and immediate */
	{ { I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0), NONE }, 1, "r6 = r1" },
	{ { I(BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, -8), NONE }, 1, "r1 += -8" },
	{ { I(BPF_ALU64 | BPF_SUB | BPF_X, 1, 2, 0, 0), NONE }, 1, "r1 -= r2" },
	{ { I(BPF_ALU64 | BPF_MUL | BPF_K, 0, 0, 0, 3), NONE }, 1, "r0 *= 3" },
	{ { I(BPF_ALU64 | BPF_DIV | BPF_X, 0, 1, 0, 0), NONE }, 1, "r0 /= r1" },
	{ { I(BPF_ALU64 | BPF_OR | BPF_K, 0, 0, 0, 1), NONE }, 1, "r0 |= 1" },
	{ { I(BPF_ALU64 | BPF_AND | BPF_K, 0, 0, 0, 255), NONE }, 1, "r0 &= 255" },
	{ { I(BPF_ALU64 | BPF_LSH | BPF_K, 3, 0, 0, 32), NONE }, 1, "r3 <<= 32" },
	{ { I(BPF_ALU64 | BPF_RSH | BPF_K, 3, 0, 0, 32), NONE }, 1, "r3 >>= 32" },
	{ { I(BPF_ALU64 | BPF_ARSH | BPF_K, 3, 0, 0, 32), NONE }, 1, "r3 s>>= 32" },
	{ { I(BPF_ALU64 | BPF_MOD | BPF_X, 3, 4, 0, 0), NONE }, 1, "r3 %= r4" },
	{ { I(BPF_ALU64 | BPF_XOR | BPF_X, 0, 1, 0, 0), NONE }, 1, "r0 ^= r1" },
	{ { I(BPF_ALU64 | BPF_NEG, 2, 0, 0, 0), NONE }, 1, "r2 = -r2" },
	{ { I(BPF_ALU | BPF_ADD | BPF_K, 1, 0, 0, 1), NONE }, 1, "w1 += 1" },
	{ { I(BPF_ALU | BPF_MOV | BPF_X, 1, 2, 0, 0), NONE }, 1, "w1 = w2" },
	{ { I(BPF_ALU | BPF_NEG, 1, 0, 0, 0), NONE }, 1, "w1 = -w1" },
	{ { I(BPF_ALU | BPF_END | BPF_TO_BE, 1, 0, 0, 16), NONE }, 1, "r1 = be16 r1" },
	{ { I(BPF_ALU | BPF_END | BPF_TO_LE, 1, 0, 0, 64), NONE }, 1, "r1 = le64 r1" },
	/* cpu v4 */
	{ { I(BPF_ALU64 | BPF_END | BPF_TO_LE, 1, 0, 0, 32), NONE }, 1, "r1 = bswap32 r1" },
	{ { I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 8, 0), NONE }, 1, "r1 = (s8)r2" },
	{ { I(BPF_ALU | BPF_MOV | BPF_X, 1, 2, 16, 0), NONE }, 1, "w1 = (s16)w2" },
	{ { I(BPF_ALU64 | BPF_DIV | BPF_X, 1, 2, 1, 0), NONE }, 1, "r1 s/= r2" },
	{ { I(BPF_ALU | BPF_MOD | BPF_K, 1, 0, 1, 7), NONE }, 1, "w1 s%= 7" },
	{ { I(BPF_LDX | BPF_MEMSX | BPF_B, 1, 2, 3, 0), NONE }, 1, "r1 = *(s8 *)(r2 +3)" },
	{ { I(BPF_JMP32 | BPF_JA, 0, 0, 0, 70000), NONE }, 1, "gotol +70000" },
	/* JMP / JMP32 */
	{ { I(BPF_JMP | BPF_JA, 0, 0, -2, 0), NONE }, 1, "goto -2" },
	{ { I(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 3, 0), NONE }, 1, "if r1 == 0x0 goto +3" },
	{ { I(BPF_JMP | BPF_JGT | BPF_K, 1, 0, 3, 16), NONE }, 1, "if r1 > 0x10 goto +3" },
	{ { I(BPF_JMP | BPF_JGE | BPF_X, 1, 2, 1, 0), NONE }, 1, "if r1 >= r2 goto +1" },
	{ { I(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1, 4), NONE }, 1, "if r1 & 0x4 goto +1" },
	{ { I(BPF_JMP | BPF_JNE | BPF_X, 1, 2, -26, 0), NONE }, 1, "if r1 != r2 goto -26" },
	{ { I(BPF_JMP | BPF_JSGT | BPF_K, 3, 0, 1, -1), NONE }, 1,
	  "if r3 s> 0xffffffff goto +1" },
	{ { I(BPF_JMP | BPF_JSGE | BPF_X, 0, 3, 1, 0), NONE }, 1, "if r0 s>= r3 goto +1" },
	{ { I(BPF_JMP | BPF_JLT | BPF_K, 1, 0, 2, 9), NONE }, 1, "if r1 < 0x9 goto +2" },
	{ { I(BPF_JMP | BPF_JLE | BPF_K, 1, 0, 2, 9), NONE }, 1, "if r1 <= 0x9 goto +2" },
	{ { I(BPF_JMP | BPF_JSLT | BPF_X, 1, 2, 2, 0), NONE }, 1, "if r1 s< r2 goto +2" },
	{ { I(BPF_JMP | BPF_JSLE | BPF_X, 1, 2, 2, 0), NONE }, 1, "if r1 s<= r2 goto +2" },
	{ { I(BPF_JMP32 | BPF_JEQ | BPF_K, 1, 0, 5, 7), NONE }, 1, "if w1 == 0x7 goto +5" },
	{ { I(BPF_JMP32 | BPF_JSGT | BPF_X, 1, 2, 5, 0), NONE }, 1, "if w1 s> w2 goto +5" },
	{ { I(BPF_JMP | BPF_CALL, 0, 0, 0, 1), NONE }, 1, "call bpf_map_lookup_elem#1" },
	{ { I(BPF_JMP | BPF_CALL, 0, 0, 0, 181), NONE }, 1, "call bpf_loop#181" },
	{ { I(BPF_JMP | BPF_CALL, 0, 0, 0, 195896080), NONE }, 1, "call unknown#195896080" },
	{ { I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 28), NONE }, 1, "call pc+28" },
	{ { I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, 1234), NONE }, 1,
	  "call kfunc#1234" },
	{ { I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0), NONE }, 1, "exit" },
	/* LD: ld_imm64 (two slots), ABS, IND */
	{ { I(BPF_LD | BPF_IMM | BPF_DW, 2, 0, 0, 0x7f4a7c15),
	    I(0, 0, 0, 0, (int32_t)0x9e3779b9) }, 2, "r2 = 0x9e3779b97f4a7c15 ll" },
	{ { I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 1000), NONE }, 2,
	  "r1 = map[fd:1000] ll" },
	{ { I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_VALUE, 0, 1003),
	    I(0, 0, 0, 0, 16) }, 2, "r1 = map[fd:1003][0]+16 ll" },
	{ { I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_BTF_ID, 0, 77), NONE }, 2,
	  "r1 = btf_id:77 ll" },
	{ { I(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, 27), NONE }, 2,
	  "r2 = func pc+27 ll" },
	{ { I(BPF_LD | BPF_ABS | BPF_H, 0, 0, 0, 12), NONE }, 1, "r0 = *(u16 *)skb[12]" },
	{ { I(BPF_LD | BPF_IND | BPF_B, 0, 7, 0, 14), NONE }, 1, "r0 = *(u8 *)skb[r7 +14]" },
	/* LDX, ST, STX */
	{ { I(BPF_LDX | BPF_MEM | BPF_W, 1, 6, 16, 0), NONE }, 1, "r1 = *(u32 *)(r6 +16)" },
	{ { I(BPF_LDX | BPF_MEM | BPF_DW, 1, 10, -8, 0), NONE }, 1, "r1 = *(u64 *)(r10 -8)" },
	{ { I(BPF_STX | BPF_MEM | BPF_H, 10, 1, -2, 0), NONE }, 1, "*(u16 *)(r10 -2) = r1" },
	{ { I(BPF_ST | BPF_MEM | BPF_B, 10, 0, -1, 5), NONE }, 1, "*(u8 *)(r10 -1) = 5" },
	/* atomics */
	{ { I(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_ADD), NONE }, 1,
	  "lock *(u64 *)(r1 +0) += r2" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, 8, BPF_OR), NONE }, 1,
	  "lock *(u32 *)(r1 +8) |= r2" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_AND | BPF_FETCH), NONE }, 1,
	  "r2 = atomic64_fetch_and((u64 *)(r1 +0), r2)" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, 0, BPF_XOR | BPF_FETCH), NONE }, 1,
	  "r2 = atomic_fetch_xor((u32 *)(r1 +0), r2)" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 3, 0, BPF_XCHG), NONE }, 1,
	  "r3 = atomic64_xchg((u64 *)(r1 +0), r3)" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 3, -8, BPF_CMPXCHG), NONE }, 1,
	  "r0 = atomic64_cmpxchg((u64 *)(r1 -8), r0, r3)" },
	/* not BPF */
	{ { I(BPF_ALU64 | 0xe0 | BPF_K, 1, 0, 0, 0), NONE }, 1, "invalid opcode 0xe7" },
	{ { I(BPF_LD | BPF_IMM | BPF_W, 1, 0, 0, 0), NONE }, 1, "invalid opcode 0x00" },
};

START_TEST(test_row)
{
	const struct row *r = &rows[_i];
	char buf[128];
	size_t n = disasm_insn(r->in, 2, NULL, buf, sizeof(buf));

	ck_assert_msg(!strcmp(buf, r->text), "row %d: got '%s', want '%s'", _i, buf, r->text);
	ck_assert_uint_eq(n, r->slots);
}
END_TEST

/* An ld_imm64 cut short is not read past the end; a symbolizer replaces
 * the map operand. */
static int sym_fn(void *arg, const struct bpf_insn *in, char *buf, size_t len)
{
	(void)arg;
	if (in->src_reg != BPF_PSEUDO_MAP_FD)
		return 0;
	snprintf(buf, len, "map[counts]");
	return 1;
}

START_TEST(test_edges)
{
	struct bpf_insn ld[2] = { I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 1000),
				  NONE };
	struct disasm_sym sym = { sym_fn, NULL };
	char buf[64];

	ck_assert_uint_eq(disasm_insn(ld, 1, NULL, buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "invalid opcode 0x18");
	ck_assert_uint_eq(disasm_insn(ld, 2, &sym, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "r1 = map[counts] ll");
	ck_assert_uint_eq(disasm_insn(ld, 2, NULL, buf, 8), 2);	/* truncated, terminated */
	ck_assert_uint_eq(strlen(buf), 7);
	ck_assert_str_eq(disasm_helper_name(BPF_FUNC_map_lookup_elem), "bpf_map_lookup_elem");
	ck_assert_ptr_null(disasm_helper_name(0));
	ck_assert_ptr_null(disasm_helper_name(-1));
	ck_assert_ptr_null(disasm_helper_name(100000));
}
END_TEST

/* ---- llvm-objdump as the oracle ---- */

/* Both spellings to one: no blanks, no "<label>", numbers in decimal (as
 * 64-bit in "ll" lines, else 32-bit, so -0x1 and 0xffffffff agree), no
 * helper name: "call#N" for every call; no "pc" before an offset. */
static void normalize(const char *in, char *out, size_t len)
{
	int ll = strstr(in, " ll") != NULL;
	size_t n = 0;

	for (const char *p = in; *p && n + 24 < len;) {
		if (*p == ' ' || *p == '\t') {
			p++;
		} else if (*p == '<') {
			p = strchr(p, '>') ? strchr(p, '>') + 1 : p + strlen(p);
		} else if (!strncmp(p, "pc", 2) && (p[2] == '+' || p[2] == '-')) {
			p += 2;
		} else if (n >= 4 && !strncmp(out + n - 4, "call", 4)) {
			/* "call NAME#14", "call 0xe", "call pc+8", "call 0x8": "call#N" */
			if (strchr(p, '#') && (*p == '_' || (*p >= 'a' && *p <= 'z')))
				p = strchr(p, '#') + 1;
			else if (!strncmp(p, "pc", 2))
				p += 2;
			if (*p == '+')
				p++;
			out[n++] = '#';
		} else if (*p >= '0' && *p <= '9' &&
			   !(n && (out[n - 1] == '_' || (out[n - 1] >= 'a' && out[n - 1] <= 'z') ||
				   (out[n - 1] >= '0' && out[n - 1] <= '9')))) {
			char *end;
			uint64_t v = strtoull(p, &end, 0);
			int neg = n && out[n - 1] == '-';

			if (neg)
				n--, v = -v;
			if (!ll)
				v = (uint32_t)v;
			n += (size_t)snprintf(out + n, len - n, "%llu", (unsigned long long)v);
			p = end;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
}

/* The text for instruction @idx of section @sec, from the object's own
 * programs (clang's instructions, unrelocated), or 0 if none there. */
static int ours(const struct object *o, const char *sec, size_t idx, char *buf, size_t len)
{
	for (size_t i = 0; i < o->nprogs; i++) {
		const struct obj_prog *p = &o->progs[i];
		size_t first = p->sec_off / 8;

		if (strcmp(p->sec_name, sec) || idx < first || idx >= first + p->insn_cnt)
			continue;
		disasm_insn(&p->insns[idx - first], p->insn_cnt - (idx - first), NULL, buf, len);
		return 1;
	}
	return 0;
}

static int skipped_spelling(const char *llvm)
{
	return strstr(llvm, "atomic") || strstr(llvm, "xchg");
}

static void compare_object(const char *path, size_t *compared, size_t *skipped)
{
	struct errbuf eb = { "" };
	struct object o;
	char cmd[512], line[512], sec[256] = "", a[256], b[256], na[256], nb[256];
	FILE *f;

	ck_assert_msg(obj_open(path, &o, &eb) == 0, "%s: %s", path, eb.msg);
	snprintf(cmd, sizeof(cmd), LLVM_OBJDUMP " -d --no-show-raw-insn %s", path);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long idx;
		char *tab;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "Disassembly of section %255[^:]:", sec) == 1)
			continue;
		if (sscanf(line, " %lu:", &idx) != 1 || !(tab = strchr(line, '\t')))
			continue;
		snprintf(b, sizeof(b), "%s", tab + 1);
		if (!ours(&o, sec, idx, a, sizeof(a)))
			continue;
		if (skipped_spelling(b)) {
			(*skipped)++;
			continue;
		}
		/* llvm names a 32-bit lock's source w2, the kernel r2 */
		if (!strncmp(b, "lock", 4) && strstr(b, "= w"))
			strstr(b, "= w")[2] = 'r';
		normalize(a, na, sizeof(na));
		normalize(b, nb, sizeof(nb));
		ck_assert_msg(!strcmp(na, nb), "%s section %s insn %lu: rawload '%s', llvm '%s'",
			      path, sec, idx, a, b);
		(*compared)++;
	}
	pclose(f);
	obj_close(&o);
}

START_TEST(test_llvm)
{
	char **objs;
	size_t compared = 0, skipped = 0;
	char na[64], nb[64];

	if (access(LLVM_OBJDUMP, X_OK) != 0) {
		fprintf(stderr, "disasm: llvm: %s missing, oracle comparison skipped\n",
			LLVM_OBJDUMP);
		return;
	}
	/* the normaliser must not make different instructions equal */
	normalize("if r1 > 0x10 goto +3", na, sizeof(na));
	normalize("if r1 > 0x10 goto +0x4 <x+0x20>", nb, sizeof(nb));
	ck_assert_str_ne(na, nb);
	objs = unit_list_objects();
	for (size_t i = 0; objs[i]; i++)
		compare_object(objs[i], &compared, &skipped);
	unit_free_list(objs);
	ck_assert_msg(compared > 500, "only %zu instructions compared", compared);
	fprintf(stderr, "disasm: llvm: %zu instructions agree, %zu fetch/xchg lines skipped\n",
		compared, skipped);
}
END_TEST

static Suite *disasm_suite(void)
{
	Suite *s = suite_create("disasm");
	TCase *tc = tcase_create("table");

	tcase_add_loop_test(tc, test_row, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_edges);
	suite_add_tcase(s, tc);
	tc = tcase_create("llvm");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_llvm);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(disasm_suite)
