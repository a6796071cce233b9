/*
 * show/disasm.c - BPF instructions to text (see disasm.h).
 *
 * An instruction is 8 bytes (include/uapi/linux/bpf.h, struct bpf_insn):
 *
 *   code:8  dst_reg:4 src_reg:4  off:16  imm:32
 *
 * code = class (low 3 bits) + per-class fields:
 *
 *   ALU/ALU64/JMP/JMP32   op:4  src:1 (K = imm, X = src_reg)  class:3
 *   LD/LDX/ST/STX         mode:3  size:2  class:3
 *
 * and ld_imm64 (LD | IMM | DW) spans two slots: imm of the first holds
 * the low 32 bits, imm of the second the high 32. src_reg of the first
 * says what the constant is (BPF_PSEUDO_MAP_FD, _MAP_VALUE, _BTF_ID,
 * _FUNC) and so what the kernel replaces it with.
 *
 * One formatter per class, as kernel/bpf/disasm.c has; the spelling is
 * the kernel's (decimal ALU immediates and offsets, hex jump immediates).
 * cpu v4 (kernel 6.6) reuses fields that used to be zero: off = 1 turns
 * DIV/MOD signed, off = 8/16/32 turns MOV into MOVSX, ALU64 | END is an
 * unconditional byte swap, JMP32 | JA takes its offset from imm (gotol),
 * and the MEMSX mode sign-extends a load. Their constants are defined
 * here because this build's uapi header (6.1) predates them.
 */
#include "disasm.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Helper names from the uapi header's own list, whose entries carry their
 * commas (6.1 spells an entry FN(name), 6.2+ FN(name, id, ...): the
 * variadic macro takes both). Index = helper id. */
#define HELPER_NAME(x, ...) [BPF_FUNC_##x] = "bpf_" #x
static const char *const helper_names[] = { __BPF_FUNC_MAPPER(HELPER_NAME) };
#undef HELPER_NAME

const char *disasm_helper_name(int32_t id)
{
	if (id <= 0 || (size_t)id >= sizeof(helper_names) / sizeof(helper_names[0]))
		return NULL;
	return helper_names[id];
}

/* by BPF_OP(code) >> 4 */
static const char *const alu_op[16] = {
	"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=",
	NULL /* neg */, "%=", "^=", "=", "s>>=", NULL /* end */, NULL, NULL,
};
static const char *const jmp_op[16] = {
	NULL /* ja */, "==", ">", ">=", "&", "!=", "s>", "s>=",
	NULL /* call */, NULL /* exit */, "<", "<=", "s<", "s<=", NULL, NULL,
};
/* by BPF_SIZE(code) >> 3: W, H, B, DW */
static const char *const size_name[4] = { "u32", "u16", "u8", "u64" };
static const char *const ssize_name[4] = { "s32", "s16", "s8", "s64" };

static size_t bad(const struct bpf_insn *in, char *buf, size_t len)
{
	snprintf(buf, len, "invalid opcode 0x%02x", in->code);
	return 1;
}

/* ALU and ALU64: "r1 += r2", "w1 = 5", "r1 = -r1", "r1 = be16 r1",
 * cpu v4 "r1 s/= r2", "r1 = (s8)r2", "r1 = bswap32 r1". */
static size_t fmt_alu(const struct bpf_insn *in, char *buf, size_t len)
{
	char r = BPF_CLASS(in->code) == BPF_ALU64 ? 'r' : 'w';
	unsigned op = BPF_OP(in->code) >> 4;
	int x = BPF_SRC(in->code) == BPF_X;
	char rhs[24];

	if (BPF_OP(in->code) == BPF_NEG) {
		snprintf(buf, len, "%c%u = -%c%u", r, in->dst_reg, r, in->dst_reg);
		return 1;
	}
	if (BPF_OP(in->code) == BPF_END) {
		const char *how = r == 'r' ? "bswap" : x ? "be" : "le";

		snprintf(buf, len, "r%u = %s%d r%u", in->dst_reg, how, in->imm, in->dst_reg);
		return 1;
	}
	if (!alu_op[op])
		return bad(in, buf, len);
	if (x)
		snprintf(rhs, sizeof(rhs), "%c%u", r, in->src_reg);
	else
		snprintf(rhs, sizeof(rhs), "%d", in->imm);
	if (BPF_OP(in->code) == BPF_MOV && x && in->off)	/* MOVSX */
		snprintf(buf, len, "%c%u = (s%d)%s", r, in->dst_reg, in->off, rhs);
	else if ((BPF_OP(in->code) == BPF_DIV || BPF_OP(in->code) == BPF_MOD) && in->off == 1)
		snprintf(buf, len, "%c%u s%s %s", r, in->dst_reg, alu_op[op], rhs);
	else
		snprintf(buf, len, "%c%u %s %s", r, in->dst_reg, alu_op[op], rhs);
	return 1;
}

/* JMP and JMP32: "if r1 > 0x10 goto +3", "goto -2", "call ...", "exit". */
static size_t fmt_jmp(const struct bpf_insn *in, char *buf, size_t len)
{
	char r = BPF_CLASS(in->code) == BPF_JMP ? 'r' : 'w';
	unsigned op = BPF_OP(in->code) >> 4;

	switch (BPF_OP(in->code)) {
	case BPF_JA:
		if (r == 'w')	/* cpu v4 gotol: 32-bit offset in imm */
			snprintf(buf, len, "gotol %+d", in->imm);
		else
			snprintf(buf, len, "goto %+d", in->off);
		return 1;
	case BPF_EXIT:
		snprintf(buf, len, "exit");
		return 1;
	case BPF_JCOND:
		snprintf(buf, len, "may_goto %+d", in->off);
		return 1;
	case BPF_CALL:
		if (in->src_reg == BPF_PSEUDO_CALL)
			snprintf(buf, len, "call pc%+d", in->imm);
		else if (in->src_reg == BPF_PSEUDO_KFUNC_CALL)
			snprintf(buf, len, "call kfunc#%d", in->imm);
		else if (disasm_helper_name(in->imm))
			snprintf(buf, len, "call %s#%d", disasm_helper_name(in->imm), in->imm);
		else
			snprintf(buf, len, "call unknown#%d", in->imm);
		return 1;
	}
	if (!jmp_op[op])
		return bad(in, buf, len);
	if (BPF_SRC(in->code) == BPF_X)
		snprintf(buf, len, "if %c%u %s %c%u goto %+d", r, in->dst_reg, jmp_op[op], r,
			 in->src_reg, in->off);
	else
		snprintf(buf, len, "if %c%u %s 0x%x goto %+d", r, in->dst_reg, jmp_op[op],
			 (uint32_t)in->imm, in->off);
	return 1;
}

/* ld_imm64 and the legacy packet loads (LD | ABS/IND). */
static size_t fmt_ld(const struct bpf_insn *in, size_t room, const struct disasm_sym *sym,
		     char *buf, size_t len)
{
	const char *sz = size_name[BPF_SIZE(in->code) >> 3];
	char rhs[160];
	uint64_t v;

	if (BPF_MODE(in->code) == BPF_ABS) {
		snprintf(buf, len, "r0 = *(%s *)skb[%d]", sz, in->imm);
		return 1;
	}
	if (BPF_MODE(in->code) == BPF_IND) {
		snprintf(buf, len, "r0 = *(%s *)skb[r%u %+d]", sz, in->src_reg, in->imm);
		return 1;
	}
	if (in->code != (BPF_LD | BPF_IMM | BPF_DW) || room < 2)
		return bad(in, buf, len);
	v = (uint64_t)(uint32_t)in[1].imm << 32 | (uint32_t)in[0].imm;
	if (sym && sym->imm64 && sym->imm64(sym->arg, in, rhs, sizeof(rhs)))
		;
	else if (in->src_reg == BPF_PSEUDO_MAP_FD)
		snprintf(rhs, sizeof(rhs), "map[fd:%d]", in->imm);
	else if (in->src_reg == BPF_PSEUDO_MAP_VALUE)
		snprintf(rhs, sizeof(rhs), "map[fd:%d][0]+%u", in->imm, (uint32_t)in[1].imm);
	else if (in->src_reg == BPF_PSEUDO_BTF_ID)
		snprintf(rhs, sizeof(rhs), "btf_id:%d", in->imm);
	else if (in->src_reg == BPF_PSEUDO_FUNC)
		snprintf(rhs, sizeof(rhs), "func pc%+d", in->imm);
	else
		snprintf(rhs, sizeof(rhs), "0x%" PRIx64, v);
	snprintf(buf, len, "r%u = %s ll", in->dst_reg, rhs);
	return 2;
}

/* STX | ATOMIC: the operation is in imm (BPF_ADD.. | BPF_FETCH, XCHG,
 * CMPXCHG), spelled as the kernel's verifier log spells it. */
static size_t fmt_atomic(const struct bpf_insn *in, char *buf, size_t len)
{
	int dw = BPF_SIZE(in->code) == BPF_DW;
	const char *sz = size_name[BPF_SIZE(in->code) >> 3];
	unsigned op = (unsigned)in->imm & ~(unsigned)BPF_FETCH;
	const char *name = op == BPF_ADD ? "add" : op == BPF_AND ? "and" :
			   op == BPF_OR ? "or" : op == BPF_XOR ? "xor" : NULL;

	if (in->imm == BPF_CMPXCHG)
		snprintf(buf, len, "r0 = atomic%s_cmpxchg((%s *)(r%u %+d), r0, r%u)",
			 dw ? "64" : "", sz, in->dst_reg, in->off, in->src_reg);
	else if (in->imm == BPF_XCHG)
		snprintf(buf, len, "r%u = atomic%s_xchg((%s *)(r%u %+d), r%u)", in->src_reg,
			 dw ? "64" : "", sz, in->dst_reg, in->off, in->src_reg);
	else if (in->imm == BPF_LOAD_ACQ)
		snprintf(buf, len, "r%u = load_acquire((%s *)(r%u %+d))", in->dst_reg, sz,
			 in->src_reg, in->off);
	else if (in->imm == BPF_STORE_REL)
		snprintf(buf, len, "store_release((%s *)(r%u %+d), r%u)", sz, in->dst_reg,
			 in->off, in->src_reg);
	else if (name && (in->imm & BPF_FETCH))
		snprintf(buf, len, "r%u = atomic%s_fetch_%s((%s *)(r%u %+d), r%u)", in->src_reg,
			 dw ? "64" : "", name, sz, in->dst_reg, in->off, in->src_reg);
	else if (name)
		snprintf(buf, len, "lock *(%s *)(r%u %+d) %s r%u", sz, in->dst_reg, in->off,
			 alu_op[op >> 4], in->src_reg);
	else
		return bad(in, buf, len);
	return 1;
}

/* LDX, ST, STX: "r1 = *(u32 *)(r6 +16)", "*(u64 *)(r10 -8) = r1". */
static size_t fmt_mem(const struct bpf_insn *in, char *buf, size_t len)
{
	unsigned cls = BPF_CLASS(in->code), mode = BPF_MODE(in->code);
	const char *sz = size_name[BPF_SIZE(in->code) >> 3];

	if (cls == BPF_STX && mode == BPF_ATOMIC && BPF_SIZE(in->code) != BPF_H &&
	    BPF_SIZE(in->code) != BPF_B)
		return fmt_atomic(in, buf, len);
	if (cls == BPF_LDX && (mode == BPF_MEM || mode == BPF_MEMSX))
		snprintf(buf, len, "r%u = *(%s *)(r%u %+d)", in->dst_reg,
			 mode == BPF_MEMSX ? ssize_name[BPF_SIZE(in->code) >> 3] : sz,
			 in->src_reg, in->off);
	else if (cls == BPF_STX && mode == BPF_MEM)
		snprintf(buf, len, "*(%s *)(r%u %+d) = r%u", sz, in->dst_reg, in->off,
			 in->src_reg);
	else if (cls == BPF_ST && mode == BPF_MEM)
		snprintf(buf, len, "*(%s *)(r%u %+d) = %d", sz, in->dst_reg, in->off, in->imm);
	else
		return bad(in, buf, len);
	return 1;
}

size_t disasm_insn(const struct bpf_insn *in, size_t room, const struct disasm_sym *sym,
		   char *buf, size_t len)
{
	if (!len)
		return 1;
	buf[0] = '\0';
	if (!room)
		return 0;
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return fmt_alu(in, buf, len);
	case BPF_JMP:
	case BPF_JMP32:
		return fmt_jmp(in, buf, len);
	case BPF_LD:
		return fmt_ld(in, room, sym, buf, len);
	default: /* LDX, ST, STX */
		return fmt_mem(in, buf, len);
	}
}
