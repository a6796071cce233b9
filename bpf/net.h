/*
 * bpf/net.h - attaching to network interfaces, sockets, cgroups and CPUs:
 * xdp, tc (tcx links or clsact + cls_bpf over netlink), socket filters,
 * sockmap programs (sk_msg, sk_skb), network-namespace programs
 * (flow_dissector, sk_lookup), cgroup programs and perf_event (cpu-clock)
 * programs.
 */
#ifndef RAWLOAD_BPF_NET_H
#define RAWLOAD_BPF_NET_H

#include <stddef.h>
#include <stdint.h>

#include "elf/err.h"
#include "elf/uapi.h"

/* The ifindex of interface @ifname (from /sys/class/net/NAME/ifindex in
 * the caller's network namespace), or -ENODEV naming it. */
int net_ifindex(const char *ifname, struct errbuf *eb);

/* BPF_LINK_CREATE on an interface: BPF_XDP (kernel 5.9+), or tcx
 * ingress/egress (6.6+). Returns the link fd. */
int hook_xdp(int prog_fd, int ifindex, const char *what, struct errbuf *eb);
int hook_tcx(int prog_fd, int ifindex, int egress, const char *what,
	       struct errbuf *eb);

/* What hook_tc_netlink() created, for tc_netlink_detach(). */
struct tc_filter {
	int ifindex;
	uint32_t parent;	/* clsact ingress or egress hook */
	uint32_t prio;		/* filter priority (its "pref") */
	uint32_t handle;	/* filter handle */
	int made_qdisc;		/* we added the clsact qdisc: delete it too,
				   once no filter is left on it */
};

/* A cls_bpf direct-action filter on the clsact qdisc of @ifindex (added
 * when missing), over a NETLINK_ROUTE socket: what 'tc filter add dev X
 * ingress bpf da fd N' does. The kernel filter holds the program; nothing
 * is returned to close. 0 and *@out, or -errno. */
int hook_tc_netlink(int prog_fd, int ifindex, int egress, const char *name,
		      struct tc_filter *out, struct errbuf *eb);
/* Delete that filter, and the qdisc if we added it and no filter is left
 * on it (another tool's, or another rawload's). 0 or -errno. */
int tc_netlink_detach(const struct tc_filter *f, struct errbuf *eb);

/* An AF_PACKET socket bound to @ifindex with the program as its filter
 * (SO_ATTACH_BPF); the returned socket fd holds it. */
int hook_socket_filter(int prog_fd, int ifindex, const char *what,
			 struct errbuf *eb);

/* BPF_LINK_CREATE on cgroup directory @path with @attach_type. */
int hook_cgroup(int prog_fd, const char *path, uint32_t attach_type,
		  struct errbuf *eb);

/* BPF_PROG_ATTACH / BPF_PROG_DETACH of @prog_fd at @target_fd (a
 * SOCKMAP/SOCKHASH map fd) with @attach_type. Not a link: nothing holds
 * the attachment but the target, so the caller must detach. 0 or -errno;
 * @what names the target in errors. */
int hook_prog_attach(int target_fd, int prog_fd, uint32_t attach_type,
		       const char *what, struct errbuf *eb);
int hook_prog_detach(int target_fd, int prog_fd, uint32_t attach_type,
		       const char *what, struct errbuf *eb);

/* BPF_LINK_CREATE on the network namespace file @path (/proc/self/ns/net,
 * /run/netns/NAME) with @attach_type (BPF_FLOW_DISSECTOR, BPF_SK_LOOKUP).
 * Returns the link fd. */
int hook_netns(int prog_fd, const char *path, uint32_t attach_type,
		 struct errbuf *eb);

/* A netfilter link (6.4+, CONFIG_NETFILTER_BPF_LINK) in the caller's
 * network namespace: protocol family @pf (NFPROTO_IPV4 2, NFPROTO_IPV6
 * 10), hook @hooknum (NF_INET_PRE_ROUTING 0 .. NF_INET_POST_ROUTING 4),
 * @priority among that hook's functions (lower runs first). Returns the
 * link fd; @what names it in errors. */
int hook_netfilter(int prog_fd, uint32_t pf, uint32_t hooknum, int32_t priority,
		     const char *what, struct errbuf *eb);

/* A software cpu-clock perf event sampling at @freq Hz on every online CPU,
 * each carrying the program. Up to @max fds into @fds; returns how many,
 * or -errno (nothing left open). */
int hook_cpu_clock(int prog_fd, uint64_t freq, int *fds, size_t max,
		     struct errbuf *eb);

#endif
