/* SPDX-License-Identifier: GPL-2.0 */
/*
 * execsnoop.h - the event of execsnoop.bpf.c, shared with its (imagined)
 * user space as bcc's libbpf-tools share theirs: the BPF side only ever
 * holds a pointer to it, so clang leaves it out of the object's BTF.
 * rawload formats it with --types: compile this header once,
 *   printf '#include "execsnoop.h"\nstruct event *e;\n' |
 *       clang -g -c -target bpf -x c - -o execsnoop-types.o
 */
#ifndef EXECSNOOP_H
#define EXECSNOOP_H

#define ARGSIZE 32
#define MAX_ARGS 8
#define FULL_MAX_ARGS_ARR (MAX_ARGS * ARGSIZE)

struct event {
	int pid;
	int ppid;
	unsigned int uid;
	int args_count;
	unsigned int args_size;	/* bytes of args[] that hold argument text */
	char comm[16];
	char args[FULL_MAX_ARGS_ARR];
};

#endif
