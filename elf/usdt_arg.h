/*
 * elf/usdt_arg.h - a USDT probe's argument string, as the BPF side of
 * libbpf's <bpf/usdt.bpf.h> wants to read it.
 *
 * A SystemTap SDT note (elf/usdt_note.h) describes each argument of a
 * probe the way the compiler left it at the probe site, one operand of
 * GNU assembler syntax with a size in front, separated by spaces:
 *
 *   "-4@$42 -4@%r14d 1@%r13b 8@%r12 -4@28(%rsp)"
 *    |  |    |  |
 *    |  |    |  +-- where: $CONST, %REG, OFF(%REG), (%REG) or
 *    |  |    |        OFF(%BASE,%INDEX,SCALE)
 *    |  |    +----- size in bytes: 1, 2, 4 or 8
 *    |  +---------- '@' separates size and operand
 *    +------------- '-': the value is signed
 *
 * The BPF program cannot parse strings, so the loader turns each into a
 * fixed record: what kind of operand (a constant, a register, memory at a
 * register plus an offset), the register's offset in the kernel's struct
 * pt_regs (the uprobe's context), the constant or offset, and how many high
 * bits to clear (and, if signed, sign-extend) so a 1-, 2- or 4-byte value
 * comes out right from the 8 bytes read. bpf_usdt_arg() in usdt.bpf.h does
 * exactly that with the record; the records live in the BPF map
 * __bpf_usdt_specs, and the uprobe's BPF cookie says which one to use.
 *
 * Source of truth: the record's fields are struct __bpf_usdt_spec's of
 * libbpf's usdt.bpf.h (where each lies is the object's business:
 * elf/usdt_layout.h reads it from the object's BTF); the
 * operand forms are what gcc and clang emit for the "nor" asm constraint
 * of <sys/sdt.h>; the register offsets are struct pt_regs in the kernel's
 * arch/x86/include/asm/ptrace.h. x86-64 only.
 *
 * Pure: a string in, a record out, the same on any machine.
 */
#ifndef RAWLOAD_USDT_ARG_H
#define RAWLOAD_USDT_ARG_H

#include <stdint.h>

#include "err.h"

/* BPF_USDT_MAX_ARG_CNT of usdt.bpf.h */
#define USDT_MAX_ARGS 12

/* enum __bpf_usdt_arg_type */
enum usdt_arg_type {
	USDT_ARG_CONST,		/* "$42": the value is val_off itself */
	USDT_ARG_REG,		/* "%rax": the register's value */
	USDT_ARG_REG_DEREF,	/* "-8(%rbp)": 8 bytes of user memory at reg + val_off */
	USDT_ARG_SIB,		/* "16(%rsp,%rax,8)": memory at reg + (idx reg << scale
				   shift) + val_off; libbpf 1.7's usdt.bpf.h only */
	USDT_ARG_KINDS
};

/* One argument as parsed, with the fields of libbpf 1.7's struct
 * __bpf_usdt_arg_spec; what the map gets is written from it in the
 * object's own layout (elf/usdt_layout.h). */
struct usdt_arg_spec {
	uint64_t val_off;	/* CONST: the value; REG_DEREF: the offset (two's
				   complement); REG: 0 */
	uint32_t arg_type;	/* enum usdt_arg_type (a C enum: 4 bytes) */
	int16_t reg_off;	/* offsetof(struct pt_regs, reg); 0 for CONST */
	uint8_t arg_signed;	/* 1 when the size had a '-' */
	int8_t arg_bitshift;	/* 64 - 8 * size: the high bits to clear */
	int16_t idx_reg_off;	/* SIB: offsetof(struct pt_regs, index reg) */
	uint8_t scale_bitshift;	/* SIB: log2 of the scale, 1/2/4/8 -> 0..3 */
};

/* One probe site's arguments as parsed, the fields of struct
 * __bpf_usdt_spec; written out by usdt_spec_encode(). */
struct usdt_spec {
	struct usdt_arg_spec args[USDT_MAX_ARGS];
	uint64_t usdt_cookie;	/* what bpf_usdt_cookie() returns */
	int16_t arg_cnt;	/* what bpf_usdt_arg_cnt() returns */
	uint8_t pad[6];
};


/*
 * Parse @args (a note's argument string; trusted to be a C string, nothing
 * else) into *@spec, zeroed first, with usdt_cookie = @cookie.
 * Returns 0, or -EINVAL with @eb naming the argument ("argument 2
 * '8@counter(%rip)': ...") and why: an unknown register, a size other than
 * 1/2/4/8, more than 12 arguments, or an operand form the BPF side cannot
 * read (%rip-relative, a segment prefix, an index without a base).
 * base + index * scale operands parse (USDT_ARG_SIB); whether the object
 * can read them is its layout's question (usdt_spec_encode()).
 */
int usdt_spec_parse(const char *args, uint64_t cookie, struct usdt_spec *spec,
		    struct errbuf *eb);

/* offsetof(struct pt_regs, REG) on x86-64 for a register name without
 * its '%' ("rax", "r13b", "esi"), or -1 if the BPF side cannot read it
 * from pt_regs. */
int usdt_reg_off(const char *name);

#endif
