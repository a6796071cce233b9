/* Only __kconfig externs (no kfuncs, so it loads on 6.1 too): the values
 * rawload reads from /proc/config.gz or /boot/config-RELEASE, stored where
 * the tests can compare them with the config file (tests/vm/guest-tests.sh). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern int LINUX_KERNEL_VERSION __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig;
extern int CONFIG_HZ __kconfig __weak;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig __weak;
extern int CONFIG_RAWLOAD_DOES_NOT_EXIST __kconfig __weak;

int kversion, bpf_syscall, hz, bpf_jit, missing;

SEC("tracepoint/syscalls/sys_enter_getpid")
int read_kconfig(void *ctx)
{
	kversion = LINUX_KERNEL_VERSION;
	bpf_syscall = CONFIG_BPF_SYSCALL;
	hz = CONFIG_HZ;
	bpf_jit = CONFIG_BPF_JIT;
	missing = CONFIG_RAWLOAD_DOES_NOT_EXIST;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
