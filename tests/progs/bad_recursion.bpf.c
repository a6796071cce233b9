/* Mutual recursion between two subprograms: the kernel refuses recursion,
 * and rawload must say so before any kernel call (exit 2). Used by
 * tests/e2e/t_hostile.sh. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

static __noinline int odd(int n);

static __noinline int even(int n)
{
	if (n <= 0)
		return 1;
	return odd(n - 1) + bpf_get_smp_processor_id();
}

static __noinline int odd(int n)
{
	if (n <= 0)
		return 0;
	return even(n - 1) + bpf_get_smp_processor_id();
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int recurse(void *ctx)
{
	return even(bpf_get_prandom_u32() & 7);
}

char LICENSE[] SEC("license") = "GPL";
