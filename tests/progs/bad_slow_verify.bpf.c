/* A program the verifier refuses only after a long walk: a loop it must
 * unroll, state by state, until it gives up at the 1,000,000-instruction
 * limit ("BPF program is too large"), a second or more of kernel time.
 * tests/e2e/t_failure.sh interrupts rawload during that walk: it must stop
 * without loading the program a second time for the verifier's log. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

volatile __u64 sink;

SEC("tracepoint/syscalls/sys_enter_getpid")
int slow_verify(void *ctx)
{
	__u64 sum = 0;

	/* the bound is a volatile read: clang keeps the loop, and the
	 * verifier cannot prove it ends before its limit */
	for (__u64 i = 0; i < sink + (1ull << 32); i++)
		sum += i ^ (sum >> 3);
	sink = sum;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
