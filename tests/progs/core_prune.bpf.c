// SPDX-License-Identifier: GPL-2.0
/*
 * core_prune.bpf.c - one local type, several same-named target types.
 *
 * CO-RE finds candidates by name up to "___", so "struct prune_demo___w"
 * may match every "prune_demo", "prune_demo___v1", ... of the target. The
 * first relocation that some candidates satisfy and others do not sets
 * the others aside for every later relocation of the same local type,
 * in this program and the next (libbpf's candidate cache does the same):
 * a program never mixes two layouts.
 *
 * tests/unit/core_btf.h holds the target this is meant for: prune_demo (a
 * at 8), prune_demo___v1 (a at 0), prune_demo___v2 (q at 0, a at 4). Only
 * ___v2 has q, so after "does q exist" the offset of a is ___v2's 4; asked
 * first, it would be ambiguous (8, 0 or 4) and the load would fail.
 * Against a real kernel, which has no prune_demo, both checks are false
 * and the reads are dead code.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct prune_demo___w {
	int q;
	int pad[3];
	int a;		/* at 16 here: the relocated offset must say 4 */
} __attribute__((preserve_access_index));

int seen[2];		/* .bss: what each program read */

SEC("tracepoint/syscalls/sys_enter_getpid")
int prune_first(void *ctx)
{
	struct prune_demo___w *w = (void *)bpf_get_current_task();
	int v = -1;

	/* only prune_demo___v2 has q: the others are set aside */
	if (bpf_core_field_exists(w->q))
		bpf_core_read(&v, sizeof(v), &w->a);
	seen[0] = v;
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int prune_second(void *ctx)
{
	struct prune_demo___w *w = (void *)bpf_get_current_task();
	int v = -1;

	/* every candidate has a; only ___v2 is left to say where */
	if (bpf_core_field_exists(w->a))
		bpf_core_read(&v, sizeof(v), &w->a);
	seen[1] = v;
	return 0;
}
