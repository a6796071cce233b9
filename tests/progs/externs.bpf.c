// SPDX-License-Identifier: GPL-2.0
/*
 * externs.bpf.c - values the loader supplies at load time.
 *
 * __kconfig externs live in a .kconfig map the loader fills from the
 * running kernel's configuration (/proc/config.gz or /boot/config-*) and
 * version; __weak ones may be missing and then read as 0. __ksym externs
 * are kernel symbols: a typeless one (const void) is just an address from
 * /proc/kallsyms; a typed one is found by name in the kernel's BTF, and a
 * typed function is a kfunc, called by BTF id.
 *
 * The classic typed variable, `extern const struct rq runqueues __ksym;`
 * read through bpf_per_cpu_ptr(), is left out on purpose: the kernel finds a
 * variable's address with kallsyms_lookup_name(), which on kernels built
 * without CONFIG_KALLSYMS_ALL (like the 6.18 test host) knows only
 * functions, so PROG_LOAD fails with "ldimm64 failed to find the address
 * for kernel symbol 'runqueues'".
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

extern int LINUX_KERNEL_VERSION __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig __weak;
extern int CONFIG_HZ __kconfig __weak;
extern int CONFIG_DOES_NOT_EXIST __kconfig __weak;
extern bool CONFIG_BOOL_DOES_NOT_EXIST __kconfig __weak;

/* Typeless: only the address, taken from /proc/kallsyms. */
extern const void __x64_sys_getpid __ksym;
extern const void rawload_no_such_symbol __ksym __weak;

/* Typed functions (kfuncs): the open-coded number iterator, available to
 * every program type. */
extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;

int kernel_version;		/* .bss */
int bpf_syscall;
int bpf_jit;
int hz;
int missing_int;
int missing_bool;
__u64 getpid_addr;
__u64 missing_addr;
__u64 iter_sum;	/* 0 + 1 + ... + 9 = 45 */
__u64 calls;

SEC("tracepoint/syscalls/sys_enter_getpid")
int read_externs(struct trace_event_raw_sys_enter *ctx)
{
	struct bpf_iter_num it;
	__u64 sum = 0;
	int *n;

	kernel_version = LINUX_KERNEL_VERSION;
	bpf_syscall = CONFIG_BPF_SYSCALL;
	bpf_jit = CONFIG_BPF_JIT;
	hz = CONFIG_HZ;
	missing_int = CONFIG_DOES_NOT_EXIST;
	missing_bool = CONFIG_BOOL_DOES_NOT_EXIST;
	getpid_addr = (__u64)&__x64_sys_getpid;
	missing_addr = (__u64)&rawload_no_such_symbol;

	bpf_iter_num_new(&it, 0, 10);
	while ((n = bpf_iter_num_next(&it)))
		sum += *n;
	bpf_iter_num_destroy(&it);
	iter_sum = sum;
	calls++;
	return 0;
}
