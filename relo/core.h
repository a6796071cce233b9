/*
 * relo/core.h - CO-RE: rewriting field offsets, sizes, type ids and enum
 * values for the kernel the program is about to run on.
 *
 * clang compiles an access like task->real_parent->tgid against the
 * vmlinux.h it was given, and records in .BTF.ext, for every instruction
 * whose constant depends on that layout, a CO-RE relocation: which
 * instruction, which local type, and an access string ("0:56" = element 0
 * of the root, then member 56). Here that access is replayed on the target
 * kernel's BTF, by member NAME, and the instruction's constant is rewritten
 * to what the target says. Pure: no syscalls; a function of (object's .BTF,
 * its .BTF.ext records, the target BTF).
 *
 * The results are meant to be exactly libbpf's (relo_core.c): the kernel
 * must get the instructions libbpf would give it, including the "poisoned"
 * instructions (call 0xbad2310) that stand for relocations no candidate
 * satisfied; the verifier only refuses those if they are reachable.
 */
#ifndef RAWLOAD_CORE_H
#define RAWLOAD_CORE_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

#include "elf/btf.h"
#include "elf/err.h"
#include "elf/object.h"

/* The helper id a poisoned instruction calls: the verifier reports
 * "invalid func unknown#195896080" if it can be reached. */
#define CORE_POISON_IMM 195896080 /* 0xbad2310, "bad relo" */

/* One relocation that no target candidate satisfied, so its instruction
 * was poisoned instead of patched; loader/ names it when the verifier
 * complains about instruction @insn_idx. */
struct core_poisoned {
	uint32_t relo_idx;	/* record index in the section's core_relo */
	uint32_t insn_idx;	/* instruction index in the program */
	char desc[200];		/* "byte_off struct x.a (0:1): no field 'a' ..." */
};

/* What core_relocate_prog_report() did. */
struct core_report {
	size_t applied;		      /* records applied (poisoned included) */
	size_t npoisoned;	      /* entries in @poisoned */
	struct core_poisoned *poisoned; /* malloc'ed; core_report_free() */
};

/*
 * Apply every CO-RE record of @prog's section whose instruction lies inside
 * @prog (sec_off .. sec_off + insn_cnt*8) to prog->insns, in place, against
 * @target (normally /sys/kernel/btf/vmlinux). No records, or no .BTF.ext,
 * is success. Fails (-errno, message naming the relocation) on malformed
 * records, instructions that do not hold the value the local BTF predicts,
 * ambiguous candidates; an unsatisfiable relocation is not a failure, its
 * instruction is poisoned as libbpf does.
 */
int core_relocate_prog(const struct object *obj, struct obj_prog *prog,
		       const struct btf *target, struct errbuf *eb);

/* The same, also filling @rep (may be NULL); free it with
 * core_report_free() whatever the result. */
int core_relocate_prog_report(const struct object *obj, struct obj_prog *prog,
			      const struct btf *target, struct core_report *rep,
			      struct errbuf *eb);
void core_report_free(struct core_report *rep);

/* libbpf's short name of a relocation kind: "byte_off", "field_exists",
 * "enumval_value", ...; "unknown" out of range. */
const char *core_relo_kind_name(uint32_t kind);

/* Length of @name without its flavor: "task_struct___old" -> 11. A flavor
 * is "___" followed by a non-'_', preceded by a non-'_'
 * (libbpf's bpf_core_essential_name_len). */
size_t core_essential_name_len(const char *name);

#endif
