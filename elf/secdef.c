/*
 * elf/secdef.c - the section-name table (see secdef.h).
 *
 * The order matters where one name is a prefix of another with a '/':
 * "xdp/devmap" must be tried before "xdp", and "cgroup/sock_create" before
 * "cgroup/sock". The first match wins.
 */
#include "secdef.h"

#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include "uapi.h"

#define P(t) BPF_PROG_TYPE_##t
#define DEF(n, t, a, f, k) { n, P(t), a, f, ATTACH_##k }

static const struct secdef defs[] = {
	DEF("socket", SOCKET_FILTER, 0, 0, SOCKET),
	DEF("sk_reuseport/migrate", SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, 0, NONE),
	DEF("sk_reuseport", SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, 0, NONE),
	DEF("kprobe", KPROBE, 0, SD_TARGET, KPROBE),
	DEF("uprobe", KPROBE, 0, SD_TARGET, UPROBE),
	DEF("uprobe.s", KPROBE, 0, SD_TARGET | SD_SLEEPABLE, UPROBE),
	DEF("kretprobe", KPROBE, 0, SD_TARGET | SD_RETPROBE, KPROBE),
	DEF("uretprobe", KPROBE, 0, SD_TARGET | SD_RETPROBE, UPROBE),
	DEF("uretprobe.s", KPROBE, 0, SD_TARGET | SD_RETPROBE | SD_SLEEPABLE, UPROBE),
	DEF("kprobe.multi", KPROBE, BPF_TRACE_KPROBE_MULTI, SD_TARGET, KPROBE_MULTI),
	DEF("kretprobe.multi", KPROBE, BPF_TRACE_KPROBE_MULTI, SD_TARGET | SD_RETPROBE, KPROBE_MULTI),
	/* "kprobe.session/GLOB": entry and return, one program (6.10+) */
	DEF("kprobe.session", KPROBE, RL_BPF_TRACE_KPROBE_SESSION, SD_TARGET, KPROBE_MULTI),
	/* "uprobe.multi/PATH:GLOB"; sleepable like uprobe.s (libbpf's table) */
	DEF("uprobe.multi", KPROBE, RL_BPF_TRACE_UPROBE_MULTI, SD_TARGET, UPROBE_MULTI),
	DEF("uretprobe.multi", KPROBE, RL_BPF_TRACE_UPROBE_MULTI, SD_TARGET | SD_RETPROBE,
	    UPROBE_MULTI),
	DEF("uprobe.multi.s", KPROBE, RL_BPF_TRACE_UPROBE_MULTI, SD_TARGET | SD_SLEEPABLE,
	    UPROBE_MULTI),
	DEF("uretprobe.multi.s", KPROBE, RL_BPF_TRACE_UPROBE_MULTI,
	    SD_TARGET | SD_RETPROBE | SD_SLEEPABLE, UPROBE_MULTI),
	DEF("ksyscall", KPROBE, 0, SD_TARGET, KSYSCALL),
	DEF("kretsyscall", KPROBE, 0, SD_TARGET | SD_RETPROBE, KSYSCALL),
	DEF("usdt", KPROBE, 0, SD_TARGET, USDT),
	DEF("tc/ingress", SCHED_CLS, RL_BPF_TCX_INGRESS, 0, TC),
	DEF("tc/egress", SCHED_CLS, RL_BPF_TCX_EGRESS, 0, TC),
	DEF("tcx/ingress", SCHED_CLS, RL_BPF_TCX_INGRESS, 0, TC),
	DEF("tcx/egress", SCHED_CLS, RL_BPF_TCX_EGRESS, 0, TC),
	DEF("tc", SCHED_CLS, 0, 0, TC),
	DEF("classifier", SCHED_CLS, 0, 0, TC),
	DEF("action", SCHED_ACT, 0, 0, NONE),
	DEF("tracepoint", TRACEPOINT, 0, SD_TARGET, TRACEPOINT),
	DEF("tp", TRACEPOINT, 0, SD_TARGET, TRACEPOINT),
	DEF("raw_tracepoint", RAW_TRACEPOINT, 0, SD_TARGET, RAW_TP),
	DEF("raw_tp", RAW_TRACEPOINT, 0, SD_TARGET, RAW_TP),
	DEF("raw_tracepoint.w", RAW_TRACEPOINT_WRITABLE, 0, SD_TARGET, RAW_TP),
	DEF("raw_tp.w", RAW_TRACEPOINT_WRITABLE, 0, SD_TARGET, RAW_TP),
	DEF("tp_btf", TRACING, BPF_TRACE_RAW_TP, SD_TARGET | SD_ATTACH_BTF, TRACING),
	DEF("fentry", TRACING, BPF_TRACE_FENTRY, SD_TARGET | SD_ATTACH_BTF, TRACING),
	DEF("fmod_ret", TRACING, BPF_MODIFY_RETURN, SD_TARGET | SD_ATTACH_BTF, TRACING),
	DEF("fexit", TRACING, BPF_TRACE_FEXIT, SD_TARGET | SD_ATTACH_BTF, TRACING),
	DEF("fentry.s", TRACING, BPF_TRACE_FENTRY, SD_TARGET | SD_ATTACH_BTF | SD_SLEEPABLE, TRACING),
	DEF("fmod_ret.s", TRACING, BPF_MODIFY_RETURN, SD_TARGET | SD_ATTACH_BTF | SD_SLEEPABLE, TRACING),
	DEF("fexit.s", TRACING, BPF_TRACE_FEXIT, SD_TARGET | SD_ATTACH_BTF | SD_SLEEPABLE, TRACING),
	/* the target is a global function of a loaded BPF program, which
	 * --attach freplace:PROG names (the section only names the function) */
	DEF("freplace", EXT, 0, SD_TARGET | SD_ATTACH_BTF, FREPLACE),
	DEF("lsm", LSM, BPF_LSM_MAC, SD_TARGET | SD_ATTACH_BTF, LSM),
	DEF("lsm.s", LSM, BPF_LSM_MAC, SD_TARGET | SD_ATTACH_BTF | SD_SLEEPABLE, LSM),
	/* the target is the LSM hook (bpf_lsm_HOOK, fixed at load); the
	 * cgroup it runs for comes from --attach cgroup:PATH */
	DEF("lsm_cgroup", LSM, BPF_LSM_CGROUP, SD_TARGET | SD_ATTACH_BTF, CGROUP),
	DEF("iter", TRACING, BPF_TRACE_ITER, SD_TARGET | SD_ATTACH_BTF, ITER),
	DEF("iter.s", TRACING, BPF_TRACE_ITER, SD_TARGET | SD_ATTACH_BTF | SD_SLEEPABLE, ITER),
	DEF("syscall", SYSCALL, 0, SD_SLEEPABLE, NONE),
	DEF("xdp.frags/devmap", XDP, BPF_XDP_DEVMAP, SD_XDP_FRAGS, NONE),
	DEF("xdp/devmap", XDP, BPF_XDP_DEVMAP, 0, NONE),
	DEF("xdp.frags/cpumap", XDP, BPF_XDP_CPUMAP, SD_XDP_FRAGS, NONE),
	DEF("xdp/cpumap", XDP, BPF_XDP_CPUMAP, 0, NONE),
	DEF("xdp.frags", XDP, BPF_XDP, SD_XDP_FRAGS, XDP),
	DEF("xdp", XDP, BPF_XDP, 0, XDP),
	DEF("perf_event", PERF_EVENT, 0, 0, PERF_EVENT),
	DEF("lwt_in", LWT_IN, 0, 0, NONE),
	DEF("lwt_out", LWT_OUT, 0, 0, NONE),
	DEF("lwt_xmit", LWT_XMIT, 0, 0, NONE),
	DEF("lwt_seg6local", LWT_SEG6LOCAL, 0, 0, NONE),
	DEF("sockops", SOCK_OPS, BPF_CGROUP_SOCK_OPS, 0, CGROUP),
	DEF("sk_skb/stream_parser", SK_SKB, BPF_SK_SKB_STREAM_PARSER, 0, SOCKMAP),
	DEF("sk_skb/stream_verdict", SK_SKB, BPF_SK_SKB_STREAM_VERDICT, 0, SOCKMAP),
	DEF("sk_skb/verdict", SK_SKB, BPF_SK_SKB_VERDICT, 0, SOCKMAP),
	DEF("sk_skb", SK_SKB, 0, 0, SOCKMAP),
	DEF("sk_msg", SK_MSG, BPF_SK_MSG_VERDICT, 0, SOCKMAP),
	DEF("lirc_mode2", LIRC_MODE2, BPF_LIRC_MODE2, 0, NONE),
	DEF("flow_dissector", FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, 0, NETNS),
	DEF("cgroup_skb/ingress", CGROUP_SKB, BPF_CGROUP_INET_INGRESS, 0, CGROUP),
	DEF("cgroup_skb/egress", CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0, CGROUP),
	DEF("cgroup/skb", CGROUP_SKB, 0, 0, CGROUP),
	DEF("cgroup/sock_create", CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0, CGROUP),
	DEF("cgroup/sock_release", CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, 0, CGROUP),
	DEF("cgroup/sock", CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0, CGROUP),
	DEF("cgroup/post_bind4", CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, 0, CGROUP),
	DEF("cgroup/post_bind6", CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, 0, CGROUP),
	DEF("cgroup/bind4", CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, 0, CGROUP),
	DEF("cgroup/bind6", CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, 0, CGROUP),
	DEF("cgroup/connect4", CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, 0, CGROUP),
	DEF("cgroup/connect6", CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, 0, CGROUP),
	DEF("cgroup/connect_unix", CGROUP_SOCK_ADDR, RL_BPF_CGROUP_UNIX_CONNECT, 0, CGROUP),
	DEF("cgroup/sendmsg4", CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, 0, CGROUP),
	DEF("cgroup/sendmsg6", CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, 0, CGROUP),
	DEF("cgroup/sendmsg_unix", CGROUP_SOCK_ADDR, RL_BPF_CGROUP_UNIX_SENDMSG, 0, CGROUP),
	DEF("cgroup/recvmsg4", CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, 0, CGROUP),
	DEF("cgroup/recvmsg6", CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, 0, CGROUP),
	DEF("cgroup/recvmsg_unix", CGROUP_SOCK_ADDR, RL_BPF_CGROUP_UNIX_RECVMSG, 0, CGROUP),
	DEF("cgroup/getpeername4", CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, 0, CGROUP),
	DEF("cgroup/getpeername6", CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, 0, CGROUP),
	DEF("cgroup/getpeername_unix", CGROUP_SOCK_ADDR, RL_BPF_CGROUP_UNIX_GETPEERNAME, 0, CGROUP),
	DEF("cgroup/getsockname4", CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, 0, CGROUP),
	DEF("cgroup/getsockname6", CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, 0, CGROUP),
	DEF("cgroup/getsockname_unix", CGROUP_SOCK_ADDR, RL_BPF_CGROUP_UNIX_GETSOCKNAME, 0, CGROUP),
	DEF("cgroup/sysctl", CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, 0, CGROUP),
	DEF("cgroup/getsockopt", CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, 0, CGROUP),
	DEF("cgroup/setsockopt", CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, 0, CGROUP),
	DEF("cgroup/dev", CGROUP_DEVICE, BPF_CGROUP_DEVICE, 0, CGROUP),
	/* expected_attach_type and attach_btf_id come from the struct_ops
	 * member the program fills (relo/struct_ops.c), not from here */
	DEF("struct_ops", STRUCT_OPS, 0, SD_TARGET, NONE),
	DEF("struct_ops.s", STRUCT_OPS, 0, SD_TARGET | SD_SLEEPABLE, NONE),
	DEF("sk_lookup", SK_LOOKUP, BPF_SK_LOOKUP, 0, NETNS),
	/* spelled out: Debian 12's header has no BPF_PROG_TYPE_NETFILTER */
	{ "netfilter", RL_BPF_PROG_TYPE_NETFILTER, RL_BPF_NETFILTER, 0, ATTACH_NETFILTER },
};

const struct secdef *secdef_find(const char *sec, const char **target)
{
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		const struct secdef *d = &defs[i];
		size_t n = strlen(d->name);

		if (strncmp(sec, d->name, n) != 0)
			continue;
		if (sec[n] == '\0') {
			*target = NULL;
			return d;
		}
		if (sec[n] == '/' && (d->flags & SD_TARGET)) {
			*target = sec[n + 1] ? sec + n + 1 : NULL;
			return d;
		}
	}
	*target = NULL;
	return NULL;
}

static const char *const prog_types[] = {
	"UNSPEC", "SOCKET_FILTER", "KPROBE", "SCHED_CLS", "SCHED_ACT",
	"TRACEPOINT", "XDP", "PERF_EVENT", "CGROUP_SKB", "CGROUP_SOCK",
	"LWT_IN", "LWT_OUT", "LWT_XMIT", "SOCK_OPS", "SK_SKB",
	"CGROUP_DEVICE", "SK_MSG", "RAW_TRACEPOINT", "CGROUP_SOCK_ADDR",
	"LWT_SEG6LOCAL", "LIRC_MODE2", "SK_REUSEPORT", "FLOW_DISSECTOR",
	"CGROUP_SYSCTL", "RAW_TRACEPOINT_WRITABLE", "CGROUP_SOCKOPT",
	"TRACING", "STRUCT_OPS", "EXT", "LSM", "SK_LOOKUP", "SYSCALL",
	"NETFILTER",
};

static const char *const attach_types[] = {
	"CGROUP_INET_INGRESS", "CGROUP_INET_EGRESS", "CGROUP_INET_SOCK_CREATE",
	"CGROUP_SOCK_OPS", "SK_SKB_STREAM_PARSER", "SK_SKB_STREAM_VERDICT",
	"CGROUP_DEVICE", "SK_MSG_VERDICT", "CGROUP_INET4_BIND",
	"CGROUP_INET6_BIND", "CGROUP_INET4_CONNECT", "CGROUP_INET6_CONNECT",
	"CGROUP_INET4_POST_BIND", "CGROUP_INET6_POST_BIND",
	"CGROUP_UDP4_SENDMSG", "CGROUP_UDP6_SENDMSG", "LIRC_MODE2",
	"FLOW_DISSECTOR", "CGROUP_SYSCTL", "CGROUP_UDP4_RECVMSG",
	"CGROUP_UDP6_RECVMSG", "CGROUP_GETSOCKOPT", "CGROUP_SETSOCKOPT",
	"TRACE_RAW_TP", "TRACE_FENTRY", "TRACE_FEXIT", "MODIFY_RETURN",
	"LSM_MAC", "TRACE_ITER", "CGROUP_INET4_GETPEERNAME",
	"CGROUP_INET6_GETPEERNAME", "CGROUP_INET4_GETSOCKNAME",
	"CGROUP_INET6_GETSOCKNAME", "XDP_DEVMAP", "CGROUP_INET_SOCK_RELEASE",
	"XDP_CPUMAP", "SK_LOOKUP", "XDP", "SK_SKB_VERDICT",
	"SK_REUSEPORT_SELECT", "SK_REUSEPORT_SELECT_OR_MIGRATE", "PERF_EVENT",
	"TRACE_KPROBE_MULTI", "LSM_CGROUP", "STRUCT_OPS", "NETFILTER",
	"TCX_INGRESS", "TCX_EGRESS", "TRACE_UPROBE_MULTI", "CGROUP_UNIX_CONNECT",
	"CGROUP_UNIX_SENDMSG", "CGROUP_UNIX_RECVMSG", "CGROUP_UNIX_GETPEERNAME",
	"CGROUP_UNIX_GETSOCKNAME", "NETKIT_PRIMARY", "NETKIT_PEER", "TRACE_KPROBE_SESSION",
	"TRACE_UPROBE_SESSION",
};

const char *secdef_prog_type_name(uint32_t type)
{
	static _Thread_local char buf[24];

	if (type < sizeof(prog_types) / sizeof(prog_types[0]))
		return prog_types[type];
	snprintf(buf, sizeof(buf), "prog type %u", type);
	return buf;
}

const char *secdef_attach_type_name(uint32_t type)
{
	static _Thread_local char buf[24];

	if (type < sizeof(attach_types) / sizeof(attach_types[0]))
		return attach_types[type];
	snprintf(buf, sizeof(buf), "attach type %u", type);
	return buf;
}

const char *secdef_attach_kind_name(enum attach_kind kind)
{
	static const char *const names[] = {
		[ATTACH_NONE] = "none",	       [ATTACH_KPROBE] = "kprobe",
		[ATTACH_KSYSCALL] = "ksyscall", [ATTACH_UPROBE] = "uprobe",
		[ATTACH_TRACEPOINT] = "tracepoint", [ATTACH_RAW_TP] = "raw_tp",
		[ATTACH_TRACING] = "tracing",  [ATTACH_LSM] = "lsm",
		[ATTACH_XDP] = "xdp",	       [ATTACH_TC] = "tc",
		[ATTACH_CGROUP] = "cgroup",    [ATTACH_SOCKET] = "socket",
		[ATTACH_PERF_EVENT] = "perf_event", [ATTACH_ITER] = "iter",
		[ATTACH_KPROBE_MULTI] = "kprobe.multi",
		[ATTACH_SOCKMAP] = "sockmap",  [ATTACH_NETNS] = "netns",
		[ATTACH_NETFILTER] = "netfilter", [ATTACH_USDT] = "usdt",
		[ATTACH_UPROBE_MULTI] = "uprobe.multi", [ATTACH_FREPLACE] = "freplace",
	};
	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}
