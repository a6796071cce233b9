/*
 * elf/usdt_arg.c - USDT argument strings to struct usdt_spec (see
 * usdt_arg.h for the format and the record).
 *
 * Worked example: "-4@28(%rsp)", an int the compiler left on the stack.
 *
 *   size    "-4"      signed, 4 bytes  -> arg_signed 1, arg_bitshift 64-32 = 32
 *   operand "28(%rsp)" memory at rsp+28 -> REG_DEREF, val_off 28,
 *                                          reg_off offsetof(pt_regs, sp) = 152
 *
 * bpf_usdt_arg() then reads 8 bytes at (regs->sp + 28), shifts them left
 * by 32 and arithmetically right by 32: the int, sign-extended.
 *
 * What the BPF side cannot read is refused here, with the reason, rather
 * than attached to produce wrong numbers:
 *   - "%rip"-relative operands ("8@counter(%rip)", a global variable): the
 *     address is relative to the end of an instruction the note does not
 *     describe, and the operand usually names a symbol, not a number.
 *     libbpf 1.x refuses them too ("unrecognized arg spec").
 *   - a symbol as a constant or offset ("8@$buf", "4@buf+8(%rax)"): the
 *     note holds the symbol's name, and its run-time address is unknown.
 *   - segment prefixes ("%fs:8"): thread-local data, whose base the
 *     BPF side cannot read.
 * base + index * scale ("16(%rsp,%rax,8)", what gcc writes for an array
 * element under the "m" constraint) parses to USDT_ARG_SIB, as libbpf
 * 1.7 parses it; only 1.7's usdt.bpf.h reads it, which the object's
 * layout decides (usdt_layout.c), not this file.
 */
#include "usdt_arg.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/*
 * The kernel's struct pt_regs on x86-64 (arch/x86/include/asm/ptrace.h),
 * which is the uprobe program's context: 21 eight-byte slots in this
 * order. Offsets are written out rather than taken from a header so the
 * result does not depend on the machine rawload is built on.
 */
enum {
	PT_R15 = 0, PT_R14 = 8, PT_R13 = 16, PT_R12 = 24, PT_BP = 32, PT_BX = 40,
	PT_R11 = 48, PT_R10 = 56, PT_R9 = 64, PT_R8 = 72, PT_AX = 80, PT_CX = 88,
	PT_DX = 96, PT_SI = 104, PT_DI = 112, PT_ORIG_AX = 120, PT_IP = 128,
	PT_CS = 136, PT_FLAGS = 144, PT_SP = 152, PT_SS = 160,
};

/* Every name a general-purpose register goes by, widest first: the
 * 8-byte value is read from pt_regs whatever the width named, and the
 * argument's size trims it. */
static const struct {
	const char *names[4];
	int off;
} regs[] = {
	{ { "rax", "eax", "ax", "al" }, PT_AX },
	{ { "rbx", "ebx", "bx", "bl" }, PT_BX },
	{ { "rcx", "ecx", "cx", "cl" }, PT_CX },
	{ { "rdx", "edx", "dx", "dl" }, PT_DX },
	{ { "rsi", "esi", "si", "sil" }, PT_SI },
	{ { "rdi", "edi", "di", "dil" }, PT_DI },
	{ { "rbp", "ebp", "bp", "bpl" }, PT_BP },
	{ { "rsp", "esp", "sp", "spl" }, PT_SP },
	{ { "r8", "r8d", "r8w", "r8b" }, PT_R8 },
	{ { "r9", "r9d", "r9w", "r9b" }, PT_R9 },
	{ { "r10", "r10d", "r10w", "r10b" }, PT_R10 },
	{ { "r11", "r11d", "r11w", "r11b" }, PT_R11 },
	{ { "r12", "r12d", "r12w", "r12b" }, PT_R12 },
	{ { "r13", "r13d", "r13w", "r13b" }, PT_R13 },
	{ { "r14", "r14d", "r14w", "r14b" }, PT_R14 },
	{ { "r15", "r15d", "r15w", "r15b" }, PT_R15 },
};

int usdt_reg_off(const char *name)
{
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		for (size_t k = 0; k < 4; k++)
			if (!strcmp(name, regs[i].names[k]))
				return regs[i].off;
	return -1;
}

/* A whole string as a signed 64-bit integer: decimal, or hex after "0x"
 * (gas accepts both; gcc and clang write decimal). 0, or -EINVAL. */
static int parse_int(const char *s, int64_t *v)
{
	const char *p = s;
	int neg = 0, base = 10;
	uint64_t u;
	char *end;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!(*p >= '0' && *p <= '9') && !(base == 16 && *p && strchr("abcdefABCDEF", *p)))
		return -EINVAL;
	errno = 0;
	u = strtoull(p, &end, base);
	/* a negative value down to INT64_MIN; a positive one up to 2^64-1,
	 * which an unsigned 8-byte constant may be written as */
	if (errno || *end || (neg && u > (uint64_t)INT64_MAX + 1))
		return -EINVAL;
	*v = (int64_t)(neg ? 0 - u : u);
	return 0;
}

/* "%REG" (with its '%') to a pt_regs offset; -EINVAL with the reason. */
static int parse_reg(const char *s, int *off, struct errbuf *eb)
{
	if (*s != '%')
		return err_set(eb, -EINVAL, "'%s' is not a register (no '%%')", s);
	if (!strcmp(s + 1, "rip") || !strcmp(s + 1, "eip"))
		return err_set(eb, -EINVAL, "%%rip-relative operands are not supported "
			       "(libbpf refuses them too): the address is relative to the "
			       "next instruction, and usually names a global variable; pass "
			       "the variable's value through a local instead");
	*off = usdt_reg_off(s + 1);
	if (*off < 0)
		return err_set(eb, -EINVAL, "register '%s' cannot be read from struct "
			       "pt_regs (a general-purpose register is needed: %%rax.."
			       "%%r15 and their 32/16/8-bit names)", s);
	return 0;
}

/* "%BASE,%INDEX[,SCALE]" (inside the parentheses of a SIB operand). */
static int parse_sib(char *inner, struct usdt_arg_spec *a, struct errbuf *eb)
{
	char *idx = strchr(inner, ','), *scale;
	int64_t n = 1;
	int off;

	*idx++ = '\0';
	scale = strchr(idx, ',');
	if (scale)
		*scale++ = '\0';
	if (!*inner)
		return err_set(eb, -EINVAL, "an index without a base register ('(,%s)') is "
			       "not supported: the BPF side adds the index to a register", idx);
	if (parse_reg(inner, &off, eb))
		return -EINVAL;
	a->reg_off = (int16_t)off;
	if (parse_reg(idx, &off, eb))
		return -EINVAL;
	a->idx_reg_off = (int16_t)off;
	if (scale && (parse_int(scale, &n) || !(n == 1 || n == 2 || n == 4 || n == 8)))
		return err_set(eb, -EINVAL, "scale '%s' is not 1, 2, 4 or 8", scale);
	a->scale_bitshift = (uint8_t)(n == 8 ? 3 : n == 4 ? 2 : n == 2 ? 1 : 0);
	a->arg_type = USDT_ARG_SIB;
	return 0;
}

/* The operand after '@': "$N", "%REG", "N(%REG)", "(%REG)" or
 * "N(%BASE,%INDEX,SCALE)". */
static int parse_operand(const char *op, struct usdt_arg_spec *a, struct errbuf *eb)
{
	const char *open = strchr(op, '(');
	char disp[64], base[32];
	size_t dlen, blen;
	int64_t v = 0;
	int off;

	if (*op == '$') {
		if (parse_int(op + 1, &v))
			return err_set(eb, -EINVAL, "constant '%s' is not a number (a "
				       "symbol's address is known only at run time)", op + 1);
		a->arg_type = USDT_ARG_CONST;
		a->val_off = (uint64_t)v;
		return 0;
	}
	if (strchr(op, ':'))
		return err_set(eb, -EINVAL, "segment-prefixed operands (%%fs:, %%gs:: "
			       "thread-local data) are not supported");
	if (*op == '%') {
		if (parse_reg(op, &off, eb))
			return -EINVAL;
		a->arg_type = USDT_ARG_REG;
		a->reg_off = (int16_t)off;
		return 0;
	}
	if (!open || op[strlen(op) - 1] != ')')
		return err_set(eb, -EINVAL, "operand '%s' is none of $CONST, %%REG, "
			       "OFFSET(%%REG), (%%REG)", op);
	dlen = (size_t)(open - op);
	blen = strlen(open + 1) - 1;	/* without the ')' */
	if (dlen >= sizeof(disp) || blen >= sizeof(base))
		return err_set(eb, -EINVAL, "operand '%s' is too long", op);
	memcpy(disp, op, dlen);
	disp[dlen] = '\0';
	memcpy(base, open + 1, blen);
	base[blen] = '\0';
	/* the register first: "sym(%rip)" is refused for the %rip */
	if (!strchr(base, ',') && parse_reg(base, &off, eb))
		return -EINVAL;
	if (dlen && parse_int(disp, &v))
		return err_set(eb, -EINVAL, "offset '%s' is not a number (a symbol's "
			       "address is known only at run time)", disp);
	a->val_off = (uint64_t)v;
	if (strchr(base, ','))
		return parse_sib(base, a, eb);
	a->arg_type = USDT_ARG_REG_DEREF;
	a->reg_off = (int16_t)off;
	return 0;
}

/* One "SIZE@OPERAND" token. */
static int parse_arg(const char *tok, struct usdt_arg_spec *a, struct errbuf *eb)
{
	const char *at = strchr(tok, '@');
	char size[8];
	int64_t n;

	if (!at || at == tok || (size_t)(at - tok) >= sizeof(size))
		return err_set(eb, -EINVAL, "expected SIZE@OPERAND (e.g. -4@%%eax)");
	memcpy(size, tok, (size_t)(at - tok));
	size[at - tok] = '\0';
	if (parse_int(size, &n) || !strncmp(size, "0x", 2) || size[0] == '+' ||
	    !(n == 1 || n == 2 || n == 4 || n == 8 || n == -1 || n == -2 || n == -4 ||
	      n == -8))
		return err_set(eb, -EINVAL, "size '%s' is not 1, 2, 4 or 8 (negative "
			       "for a signed value)", size);
	a->arg_signed = n < 0;
	a->arg_bitshift = (int8_t)(64 - 8 * (n < 0 ? -n : n));
	return parse_operand(at + 1, a, eb);
}

int usdt_spec_parse(const char *args, uint64_t cookie, struct usdt_spec *spec,
		    struct errbuf *eb)
{
	const char *p = args;
	char tok[128];
	int n = 0;

	memset(spec, 0, sizeof(*spec));
	spec->usdt_cookie = cookie;
	for (;;) {
		size_t len;

		p += strspn(p, " \t");
		if (!*p)
			break;
		len = strcspn(p, " \t");
		if (n == USDT_MAX_ARGS)
			return err_set(eb, -EINVAL, "more than %d arguments (the most "
				       "usdt.bpf.h's BPF_USDT_MAX_ARG_CNT holds)", USDT_MAX_ARGS);
		if (len >= sizeof(tok))
			return err_set(eb, -EINVAL, "argument %d '%.*s...' is too long", n + 1,
				       32, p);
		memcpy(tok, p, len);
		tok[len] = '\0';
		if (parse_arg(tok, &spec->args[n], eb))
			return err_prefix(eb, -EINVAL, "argument %d '%s'", n + 1, tok);
		n++;
		p += len;
	}
	spec->arg_cnt = (int16_t)n;
	return 0;
}
