/*
 * tests/unit/core_btf.h - "another kernel" for tests/progs/core.bpf.o: a
 * small raw BTF, built with btf_build.h, in which every type the program
 * relocates against exists, but laid out differently from any real
 * vmlinux, so each relocated value is known here and differs from the
 * build-time vmlinux.h's:
 *
 *   struct task_struct {               (64 bytes, kind_flag 1)
 *       unsigned int __state;          @0
 *       struct rawload_flags flags;    @4   a struct, not the local
 *                                           unsigned int: incompatible,
 *                                           so reading it is poisoned
 *       struct task_struct *real_parent; @8
 *       int pid;                       @36
 *       int tgid;                      @40
 *       unsigned int in_execve:1;      bit 354 (container u32 @44)
 *       char comm[16];                 @48
 *   };
 *   enum pid_type { PIDTYPE_PID = 0, PIDTYPE_TGID = 7 };
 *   typedef int bpf_ringbuf;           a same-named type of another kind:
 *                                      "struct bpf_ringbuf" does not exist
 *   struct prune_demo { int a @8; };   three candidates for one local
 *   struct prune_demo___v1 { int a @0; };  type (core_prune.bpf.c): only
 *   struct prune_demo___v2 { int q @0; int a @4; };  ___v2 has q
 *
 * Used in memory by check_core.c (suite "core", tcase "second_btf") and
 * written to a file by tests/e2e/gen_core_btf.c for `rawload core --btf`
 * (tests/e2e/t_core.sh). CORE_BTF_* are the values both check.
 */
#ifndef RAWLOAD_CORE_BTF_H
#define RAWLOAD_CORE_BTF_H

#include "btf_build.h"

#define CORE_BTF_TASK_ID 7	  /* struct task_struct's id */
#define CORE_BTF_TASK_SIZE 64
#define CORE_BTF_STATE_OFF 0
#define CORE_BTF_REAL_PARENT_OFF 8
#define CORE_BTF_PID_OFF 36
#define CORE_BTF_TGID_OFF 40
#define CORE_BTF_IN_EXECVE_BIT 354 /* byte_off 44, lshift 61, rshift 63 */
#define CORE_BTF_COMM_OFF 48
#define CORE_BTF_PIDTYPE_TGID 7
/* three same-named structs for tests/progs/core_prune.bpf.c */
#define CORE_BTF_PRUNE_A_OFF 8
#define CORE_BTF_PRUNE_V1_A_OFF 0
#define CORE_BTF_PRUNE_V2_A_OFF 4
#define CORE_BTF_PRUNE_V2_ID 12

/* The blob (malloc'ed, *size bytes); @b is scratch space. */
static inline void *core_btf_build(struct tbtf *b, size_t *size)
{
	tb_init(b);
	tb_int(b, "int", 4, BTF_INT_SIGNED, 32);		/* [1] */
	tb_int(b, "unsigned int", 4, 0, 32);			/* [2] */
	tb_int(b, "char", 1, 0, 8);				/* [3] */
	tb_array(b, 3, 1, 16);					/* [4] */
	tb_type(b, "rawload_flags", BTF_KIND_STRUCT, 0, 1, 4);	/* [5] */
	tb_member(b, "f", 1, 0);
	tb_type(b, NULL, BTF_KIND_PTR, 0, 0, CORE_BTF_TASK_ID); /* [6] */
	tb_type(b, "task_struct", BTF_KIND_STRUCT, 1, 7,	/* [7] */
		CORE_BTF_TASK_SIZE);
	tb_member(b, "__state", 2, CORE_BTF_STATE_OFF * 8);
	tb_member(b, "flags", 5, 4 * 8);
	tb_member(b, "real_parent", 6, CORE_BTF_REAL_PARENT_OFF * 8);
	tb_member(b, "pid", 1, CORE_BTF_PID_OFF * 8);
	tb_member(b, "tgid", 1, CORE_BTF_TGID_OFF * 8);
	tb_member(b, "in_execve", 2, 1u << 24 | CORE_BTF_IN_EXECVE_BIT);
	tb_member(b, "comm", 4, CORE_BTF_COMM_OFF * 8);
	tb_type(b, "pid_type", BTF_KIND_ENUM, 0, 2, 4);		/* [8] */
	tb_word(b, tb_str(b, "PIDTYPE_PID"));
	tb_word(b, 0);
	tb_word(b, tb_str(b, "PIDTYPE_TGID"));
	tb_word(b, CORE_BTF_PIDTYPE_TGID);
	tb_type(b, "bpf_ringbuf", BTF_KIND_TYPEDEF, 0, 0, 1);	/* [9] */
	tb_type(b, "prune_demo", BTF_KIND_STRUCT, 0, 1, 12);	/* [10] */
	tb_member(b, "a", 1, CORE_BTF_PRUNE_A_OFF * 8);
	tb_type(b, "prune_demo___v1", BTF_KIND_STRUCT, 0, 1, 4); /* [11] */
	tb_member(b, "a", 1, CORE_BTF_PRUNE_V1_A_OFF * 8);
	tb_type(b, "prune_demo___v2", BTF_KIND_STRUCT, 0, 2, 8); /* [12] */
	tb_member(b, "q", 1, 0);
	tb_member(b, "a", 1, CORE_BTF_PRUNE_V2_A_OFF * 8);
	return tb_blob(b, size);
}

#endif
