/*
 * host/caps.c - the capabilities bpf() checks, read from /proc/self/status.
 *
 * Since 5.8 loading needs CAP_BPF (bit 39); tracing programs add
 * CAP_PERFMON (38), networking ones CAP_NET_ADMIN (12); CAP_SYS_ADMIN (21)
 * stands for all of them, and on kernels before CAP_BPF it is the only
 * one that works. The kernel answers EPERM whichever was missing.
 */
#include "caps.h"

#include <inttypes.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { CAP_NET_ADMIN_BIT = 12, CAP_SYS_ADMIN_BIT = 21, CAP_PERFMON_BIT = 38,
       CAP_BPF_BIT = 39 };

int caps_lack(unsigned need, char *why, size_t size)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	uint64_t eff = 0;
	int found = 0;
	const char *missing;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "CapEff: %" SCNx64, &eff) == 1;
	fclose(f);
	if (!found || (eff & (1ULL << CAP_SYS_ADMIN_BIT)))
		return 0;
	if (!(eff & (1ULL << CAP_BPF_BIT)))
		missing = "CAP_BPF";
	else if ((need & CAPS_PERFMON) && !(eff & (1ULL << CAP_PERFMON_BIT)))
		missing = "CAP_PERFMON";
	else if ((need & CAPS_NET_ADMIN) && !(eff & (1ULL << CAP_NET_ADMIN_BIT)))
		missing = "CAP_NET_ADMIN";
	else
		return 0;
	snprintf(why, size, "rawload runs as uid %u without %s (CapEff %016" PRIx64 "): "
		 "loading BPF needs root (sudo rawload ...), or CAP_BPF, with CAP_PERFMON "
		 "for tracing programs and CAP_NET_ADMIN for networking ones", (unsigned)geteuid(),
		 missing, eff);
	return 1;
}

unsigned caps_for_prog_type(uint32_t prog_type)
{
	switch (prog_type) {
	case BPF_PROG_TYPE_KPROBE: case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_PERF_EVENT: case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE: case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_LSM: case BPF_PROG_TYPE_STRUCT_OPS:
		return CAPS_PERFMON;
	case BPF_PROG_TYPE_EXT:		/* extends any program: both */
		return CAPS_PERFMON | CAPS_NET_ADMIN;
	case BPF_PROG_TYPE_SCHED_CLS: case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_XDP: case BPF_PROG_TYPE_LWT_IN: case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT: case BPF_PROG_TYPE_LWT_SEG6LOCAL:
	case BPF_PROG_TYPE_SK_SKB: case BPF_PROG_TYPE_SK_MSG:
	case BPF_PROG_TYPE_FLOW_DISSECTOR: case BPF_PROG_TYPE_CGROUP_DEVICE:
	case BPF_PROG_TYPE_CGROUP_SOCK: case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT: case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_SOCK_OPS: case 32 /* NETFILTER, 6.4 */:
		return CAPS_NET_ADMIN;
	default:			/* socket filters, cgroup_skb, ... */
		return CAPS_BPF;
	}
}
