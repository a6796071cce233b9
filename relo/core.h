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

/* The CO-RE engine's name for the running kernel's BTF and for the folder
 * of module BTF next to it (split BTF on top of vmlinux, one per module). */
#define CORE_VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define CORE_MODULE_BTF_DIR "/sys/kernel/btf"

/* Longest target name kept ("vmlinux", "nf_tables", a --btf path). */
#define CORE_TARGET_NAME_MAX 64

struct core_cands;	/* one local type's candidates (core.c) */

/* One BTF that candidates are looked for in. */
struct core_target {
	const struct btf *btf;	/* vmlinux / --btf FILE, or a module's split BTF */
	char name[CORE_TARGET_NAME_MAX]; /* "vmlinux", the module, the file */
	int owned;		/* core_targets_close() frees @btf */
};

/*
 * Where relocations find their candidates, in libbpf's order
 * (bpf_core_find_cands): v[0], the kernel's BTF (or --btf FILE), first;
 * the other entries, the modules, only for a local type that has no
 * candidate at all in v[0], and then every module contributes.
 *
 * With @module_dir and @list_modules set, the modules are read from it
 * (every file @list_modules names, parsed as split BTF on top of v[0])
 * the first time a local type needs them, so a load whose types are all
 * in vmlinux never opens a module's BTF. The caller supplies the lister
 * (host/btf_modules.c's host_btf_modules): relo/ opens no folder of the
 * machine itself. Tests fill @v by hand and leave @module_dir NULL.
 */
struct core_targets {
	struct core_target *v;	/* malloc'ed by core_targets_init/_add */
	size_t n;
	const char *module_dir;	/* NULL: no modules beyond those in @v */
	int (*list_modules)(const char *dir, char ***names, size_t *n,
			    struct errbuf *eb);	/* NULL: none either */
	int modules_read;	/* @module_dir was read (or failed: see below) */
	/* The candidates found so far, per local type of the object being
	 * relocated (libbpf's cand_cache): every program of that object
	 * shares them, and each relocation that some of a type's candidates
	 * satisfy sets the others aside for the type's later relocations,
	 * so one object never mixes the layouts of two same-named types. */
	const struct btf *cands_of;	/* the object .BTF they belong to */
	struct core_cands *cands;	/* malloc'ed; core_targets_drop_cands() */
	size_t ncands;
};

/* Start a set with @base (not owned: it must outlive the set) named
 * @name; @module_dir as above (CORE_MODULE_BTF_DIR for the running kernel,
 * NULL for --btf FILE). -ENOMEM only. */
int core_targets_init(struct core_targets *ts, const struct btf *base,
		      const char *name, const char *module_dir,
		      struct errbuf *eb);
/* Add @btf (split on top of v[0], or anything in a test) named @name;
 * with @owned, core_targets_close() frees it, even when this fails. */
int core_targets_add(struct core_targets *ts, const struct btf *btf,
		     const char *name, int owned, struct errbuf *eb);
/* Read @ts->module_dir now (core_relocate_* does it on first need); a
 * missing folder is no modules. -errno naming the module that failed. */
int core_targets_load_modules(struct core_targets *ts, struct errbuf *eb);
/* Forget the cached candidates (relocating another object with the same
 * set starts afresh); core_targets_close() does it too. */
void core_targets_drop_cands(struct core_targets *ts);
void core_targets_close(struct core_targets *ts);

/* One candidate a relocation considered (CORE_DETAIL), and its fate. */
struct core_cand_note {
	uint32_t type_id;	/* in @btf's ids */
	char btf[CORE_TARGET_NAME_MAX]; /* the target it is in: "vmlinux" */
	char type[96];		/* "struct task_struct" */
	int matched;		/* it satisfied the relocation */
	char why[176];		/* the rule that rejected it; "" if matched */
};

/* Everything about one applied record (CORE_DETAIL). */
struct core_relo_detail {
	uint32_t relo_idx;	/* record index in the section's core_relo */
	uint32_t insn_idx;	/* instruction index in the program */
	uint32_t kind;		/* enum bpf_core_relo_kind */
	uint32_t local_type_id;	/* the record's type, in the object's .BTF */
	const char *access;	/* its access string, in the object's .BTF */
	char path[200];		/* "struct task_struct.real_parent" */
	uint64_t local_val;	/* what the instruction held before */
	uint64_t target_val;	/* what it holds now (unless @poisoned) */
	uint32_t local_sz, target_sz; /* byte_off of a field: its size */
	int poisoned;		/* the instruction was poisoned ... */
	char why[176];		/* ... because of this; or the error */
	int failed;		/* the engine stopped at this record */
	int matched;		/* a candidate matched: the next fields */
	uint32_t target_type_id; /* the (first) matching candidate */
	char target_btf[CORE_TARGET_NAME_MAX];
	char target_path[200];	/* the access on it: "struct task_struct.pid" */
	char target_access[64];	/* its raw access string "0:73" */
	size_t ncands;		/* entries in @cands, in the order tried */
	struct core_cand_note *cands; /* malloc'ed; core_report_free() */
};

/* What core_relocate_prog_report() did. */
struct core_report {
	size_t applied;		      /* records applied (poisoned included) */
	size_t npoisoned;	      /* entries in @poisoned */
	struct core_poisoned *poisoned; /* malloc'ed; core_report_free() */
	size_t ndetail;		      /* entries in @detail (CORE_DETAIL) */
	struct core_relo_detail *detail; /* malloc'ed; core_report_free() */
};

/* core_relocate_prog_targets() flags. */
enum core_flags {
	/* Fill core_report.detail: values, the matched type, every candidate
	 * and why it was rejected (`rawload core`). Off, the engine keeps no
	 * text beyond the poisoned records' descriptions. */
	CORE_DETAIL = 1u << 0,
};

/*
 * Apply every CO-RE record of @prog's section whose instruction lies inside
 * @prog (sec_off .. sec_off + insn_cnt*8) to @insns: @prog's instructions
 * (insn_cnt of them, as read on entry) in a copy the caller owns, so that
 * the object stays as clang left it. Run against a target set (vmlinux,
 * then modules; may read @ts->module_dir on first need, the only I/O of the
 * engine), with enum core_flags. No records, or no .BTF.ext, is success.
 * Fails (-errno, message naming the relocation) on malformed records,
 * instructions that do not hold the value the local BTF predicts,
 * ambiguous candidates; an unsatisfiable relocation is not a failure, its
 * instruction is poisoned as libbpf does. @rep may be NULL (then
 * CORE_DETAIL is ignored); it is zeroed first; with CORE_DETAIL,
 * rep->detail holds a row per record, including the one that failed.
 */
int core_relocate_prog_targets(const struct object *obj, const struct obj_prog *prog,
			       struct bpf_insn *insns, struct core_targets *ts,
			       unsigned flags, struct core_report *rep, struct errbuf *eb);

/* The same against one target, no modules, patching prog->insns in place:
 * for tests and fuzzers, whose object is theirs to change. @rep may be
 * NULL; free it with core_report_free() whatever the result. */
int core_relocate_prog_report(const struct object *obj, struct obj_prog *prog,
			      const struct btf *target, struct core_report *rep,
			      struct errbuf *eb);
int core_relocate_prog(const struct object *obj, struct obj_prog *prog,
		       const struct btf *target, struct errbuf *eb);
void core_report_free(struct core_report *rep);

/*
 * The functions of @obj that have CO-RE records, in the order libbpf
 * applies them (bpf_object__relocate_core: .BTF.ext's sections in turn,
 * each section's records by instruction offset). Relocate them in this
 * order with one target set: each relocation prunes its local type's
 * candidates for the later ones, so the order decides which layout wins.
 * @keep[i] (NULL: all) leaves out programs that will not be loaded, as
 * libbpf skips programs with autoload off; subprograms are always in.
 * Fills @order (room for obj->nprogs) with indexes into obj->progs and
 * returns how many.
 */
size_t core_prog_order(const struct object *obj, const int *keep, size_t *order);

/* libbpf's short name of a relocation kind: "byte_off", "field_exists",
 * "enumval_value", ...; "unknown" out of range. */
const char *core_relo_kind_name(uint32_t kind);

/* Length of @name without its flavor: "task_struct___old" -> 11. A flavor
 * is "___" followed by a non-'_', preceded by a non-'_'
 * (libbpf's bpf_core_essential_name_len). */
size_t core_essential_name_len(const char *name);

#endif
