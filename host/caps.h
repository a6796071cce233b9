/*
 * host/caps.h - may this process use bpf() at all? Asked only after the
 * kernel answered EPERM, to tell a missing privilege (run as root) from a
 * kernel that refuses the thing itself (lockdown, a disabled feature).
 */
#ifndef RAWLOAD_CAPS_H
#define RAWLOAD_CAPS_H

#include <stddef.h>
#include <stdint.h>

/* What a bpf() command needs besides CAP_BPF. */
enum caps_need {
	CAPS_BPF = 0,		/* BTF, maps, most program types */
	CAPS_PERFMON = 1 << 0,	/* tracing programs (kprobe, tracepoint, fentry, ...) */
	CAPS_NET_ADMIN = 1 << 1, /* networking programs (xdp, tc, cgroup, ...) */
};

/*
 * 1 when this process's effective capabilities (CapEff of
 * /proc/self/status) lack what @need says, CAP_SYS_ADMIN standing in for
 * each: then @why gets what is needed, in words, and who we run as. 0
 * when they are there (an EPERM is then the kernel's own refusal), or
 * when /proc cannot tell.
 */
int caps_lack(unsigned need, char *why, size_t size);
/* What loading a program of @prog_type needs besides CAP_BPF (the
 * kernel's is_perfmon_prog_type and is_net_admin_prog_type). */
unsigned caps_for_prog_type(uint32_t prog_type);

#endif
