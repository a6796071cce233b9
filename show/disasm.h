/*
 * show/disasm.h - rawload's own BPF disassembler: one instruction to
 * one line of the classic BPF assembly the kernel's verifier log and
 * bpftool's "xlated" dump print (kernel/bpf/disasm.c), e.g.
 *
 *   r1 = *(u32 *)(r6 +16)          if r1 > 0x10 goto +3
 *   w1 += 1                        lock *(u64 *)(r1 +0) += r2
 *   r1 = be16 r1                   call bpf_map_lookup_elem#1
 *   r1 = 0x2a ll                   r1 = map[fd:1000] ll
 *
 * Pure: no syscalls, no allocation. The source of truth for the encoding
 * is include/uapi/linux/bpf.h and Documentation/bpf/standardization/
 * instruction-set.rst (cpu v4's MOVSX, LDSX, SDIV/SMOD, BSWAP and gotol
 * included). Differences from the kernel's text, for readability: no
 * "(bf)" opcode prefix, "goto +3" instead of "goto pc+3", and "ll" after
 * a 64-bit immediate, as llvm-objdump writes it.
 */
#ifndef RAWLOAD_DISASM_H
#define RAWLOAD_DISASM_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

/* Opcodes newer than Debian 12's 6.1 uapi header. */
#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80		/* cpu v4 sign-extending load (6.6) */
#endif
#ifndef BPF_JCOND
#define BPF_JCOND 0xe0		/* may_goto (6.9) */
#endif
#ifndef BPF_LOAD_ACQ
#define BPF_LOAD_ACQ 0x100	/* load-acquire (6.15) */
#endif
#ifndef BPF_STORE_REL
#define BPF_STORE_REL 0x110	/* store-release (6.15) */
#endif

/* Optional symbolizer: loader/plan.c names maps instead of printing the
 * map indexes the load image holds before the maps exist. */
struct disasm_sym {
	/* Write the right-hand side of ld_imm64 @in (two slots) into @buf
	 * and return 1, or return 0 for the default text. */
	int (*imm64)(void *arg, const struct bpf_insn *in, char *buf, size_t len);
	void *arg;
};

/*
 * Format the instruction at @in (with @room slots left in the program,
 * so an ld_imm64 can read its second half) into @buf. Returns how many
 * slots it took: 2 for a complete ld_imm64, else 1 (0 when @room is 0).
 * An opcode that is not
 * BPF prints as "invalid opcode 0x.." (never fails). @sym may be NULL.
 */
size_t disasm_insn(const struct bpf_insn *in, size_t room, const struct disasm_sym *sym,
		   char *buf, size_t len);

/* The name of helper @id ("bpf_map_lookup_elem"), or NULL if this
 * build's <linux/bpf.h> does not know it. */
const char *disasm_helper_name(int32_t id);

#endif
