/*
 * bpf/net.c - interface, socket, cgroup and CPU attachment (see net.h).
 *
 * Links first (BPF_LINK_CREATE: closing the fd detaches, and a crashed
 * rawload leaves nothing behind). The one non-link path is tc on kernels
 * before 6.6: a cls_bpf filter on the clsact qdisc, built as rtnetlink
 * messages by hand (include/uapi/linux/rtnetlink.h, pkt_cls.h):
 *
 *   nlmsghdr  RTM_NEWTFILTER, NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL
 *   tcmsg     ifindex, parent = ffff:fff2 (ingress) / ffff:fff3 (egress),
 *             handle 1, info = prio << 16 | htons(ETH_P_ALL)
 *   TCA_KIND     "bpf"
 *   TCA_OPTIONS  { TCA_BPF_FD prog fd, TCA_BPF_NAME, TCA_BPF_FLAGS
 *                  TCA_BPF_FLAG_ACT_DIRECT: the program's return value is
 *                  the tc action (direct-action) }
 *
 * The kernel answers each request with an NLMSG_ERROR message whose error
 * is 0 (an ACK) or -errno.
 */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/perf_event.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "hook.h"
#include "rtnl.h"
#include "sys.h"

int net_ifindex(const char *ifname, struct errbuf *eb)
{
	char path[256];
	FILE *f;
	int idx = -1;

	if (!*ifname || strchr(ifname, '/') || strlen(ifname) >= IF_NAMESIZE)
		return err_set(eb, -EINVAL, "'%s' is not an interface name", ifname);
	snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", ifname);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d", &idx) != 1)
			idx = -1;
		fclose(f);
	}
	if (idx <= 0)
		return err_set(eb, -ENODEV, "no network interface '%s' in this network "
			       "namespace (see 'ip link')", ifname);
	return idx;
}

int hook_xdp(int prog_fd, int ifindex, const char *what, struct errbuf *eb)
{
	int fd = hook_link_create(prog_fd, (uint32_t)ifindex, BPF_XDP, what, eb);

	if (fd == -EBUSY || fd == -EEXIST)
		err_prefix(eb, fd, "another XDP program is attached there (see 'ip link "
			   "show' or 'bpftool net'); ");
	return fd;
}

int hook_tcx(int prog_fd, int ifindex, int egress, const char *what,
	       struct errbuf *eb)
{
	return hook_link_create(prog_fd, (uint32_t)ifindex,
				  egress ? RL_BPF_TCX_EGRESS : RL_BPF_TCX_INGRESS, what, eb);
}

/* ---- tc over rtnetlink (bpf/rtnl.c) ---------------------------------------- */

static void tc_req(struct nl_req *r, uint16_t type, uint16_t flags, int ifindex,
		   uint32_t parent, uint32_t handle, uint32_t info)
{
	struct tcmsg *t = rtnl_init(r, type, flags, sizeof(*t));

	t->tcm_family = AF_UNSPEC;
	t->tcm_ifindex = ifindex;
	t->tcm_parent = parent;
	t->tcm_handle = handle;
	t->tcm_info = info;
}

/* RTM_NEWQDISC/RTM_DELQDISC "clsact" (handle ffff:0, parent ffff:fff1). */
static int clsact(int ifindex, int add)
{
	struct nl_req r;

	tc_req(&r, add ? RTM_NEWQDISC : RTM_DELQDISC, add ? NLM_F_CREATE | NLM_F_EXCL : 0,
	       ifindex, TC_H_CLSACT, TC_H_MAKE(TC_H_CLSACT, 0), 0);
	rtnl_attr(&r, TCA_KIND, "clsact", sizeof("clsact"));
	return rtnl_talk(&r, add ? "add the clsact qdisc" : "delete the clsact qdisc");
}

/* Does hook @parent (clsact ingress or egress) of @ifindex hold any
 * filter? An RTM_GETTFILTER dump of it: its first message is a filter
 * (RTM_NEWTFILTER) or the end of an empty dump (NLMSG_DONE). 1, 0 or
 * -errno. */
static int hook_has_filters(int ifindex, uint32_t parent)
{
	char buf[8192] __attribute__((aligned(8)));	/* read as a struct nlmsghdr */
	struct nlmsghdr h;
	struct nl_req r;
	long n;

	tc_req(&r, RTM_GETTFILTER, NLM_F_DUMP, ifindex, parent, 0, 0);
	r.tag = SYS_DETACH;	/* asked only before deleting our qdisc */
	n = rtnl_ask(&r, buf, sizeof(buf), "does the clsact qdisc hold other filters?");
	if (n < 0)
		return (int)n;
	memcpy(&h, buf, sizeof(h));
	return h.nlmsg_type == RTM_NEWTFILTER;
}

/*
 * The clsact qdisc rawload added, deleted only when no filter is left on
 * either of its hooks: deleting a qdisc deletes its filters, and another
 * tool may have added one since (or, for two rawloads racing, the other
 * run's filter may be there). When the check fails the qdisc stays: an
 * empty clsact costs nothing, someone else's lost filter does.
 */
static void release_qdisc(int ifindex)
{
	if (hook_has_filters(ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)) == 0 &&
	    hook_has_filters(ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)) == 0)
		clsact(ifindex, 0);
}

/* A run that added the clsact qdisc says so in its filter's name
 * ("rawload_<pid>_<prog>+clsact"; '+' is in no program name), so that the
 * run that finds the filter of a killed rawload knows whose the qdisc was:
 * a qdisc a dead rawload made is inherited (removed at the new run's exit
 * once empty), any other is left alone. */
#define QDISC_MARK "+clsact"

static int name_says_qdisc(const struct rtattr *a)
{
	const char *name = RTA_DATA(a);
	size_t len = RTA_PAYLOAD(a), m = sizeof(QDISC_MARK) - 1;

	return len > m && name[len - 1] == '\0' && strlen(name) >= m &&
	       !strcmp(name + strlen(name) - m, QDISC_MARK);
}

/*
 * A cls_bpf filter is not a link: it keeps its program after a rawload
 * killed with SIGKILL, and then blocks the next run's filter at the same
 * prio/handle (EEXIST). rawload names its filters "rawload_<pid>_<prog>"
 * (TCA_BPF_NAME, shown by 'tc filter show'), so the next run can tell a
 * stale filter of its own, whose process is gone, from anyone else's.
 * Returns the owning pid of the filter at @f, or 0 if it is not ours,
 * and in *@made_qdisc whether that run had added the clsact qdisc.
 */
static int stale_owner(const struct tc_filter *f, int *made_qdisc)
{
	char buf[8192] __attribute__((aligned(8)));	/* read as a struct nlmsghdr */
	struct nl_req r;
	long n;

	tc_req(&r, RTM_GETTFILTER, 0, f->ifindex, f->parent, f->handle,
	       TC_H_MAKE(f->prio << 16, htons(ETH_P_ALL)));
	rtnl_attr(&r, TCA_KIND, "bpf", sizeof("bpf"));
	n = rtnl_ask(&r, buf, sizeof(buf), "whose filter is at prio 1 handle 1?");
	if (n < (long)NLMSG_LENGTH(sizeof(struct tcmsg)))
		return 0;
	/* RTM_NEWTFILTER: tcmsg, then TCA_KIND, TCA_OPTIONS { TCA_BPF_NAME } */
	{
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(struct tcmsg));
		struct rtattr *a = (struct rtattr *)((char *)NLMSG_DATA(h) +
						     NLMSG_ALIGN(sizeof(struct tcmsg)));

		if (h->nlmsg_type != RTM_NEWTFILTER || h->nlmsg_len > (uint32_t)n)
			return 0;
		for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
			struct rtattr *o = RTA_DATA(a);
			int olen = (int)RTA_PAYLOAD(a);

			if (a->rta_type != TCA_OPTIONS)
				continue;
			for (; RTA_OK(o, olen); o = RTA_NEXT(o, olen))
				if (o->rta_type == TCA_BPF_NAME) {
					*made_qdisc = name_says_qdisc(o);
					return rtnl_name_owner(o);
				}
		}
	}
	return 0;
}

/* "rawload_<pid>_<prog>", and QDISC_MARK when this run owns the qdisc. */
static void filter_name(char *out, size_t size, const char *prog, int made_qdisc)
{
	snprintf(out, size, "rawload_%d_%.32s%s", (int)getpid(), prog,
		 made_qdisc ? QDISC_MARK : "");
}

static int add_filter(int prog_fd, const struct tc_filter *f, const char *name)
{
	uint32_t fd32 = (uint32_t)prog_fd, flags = TCA_BPF_FLAG_ACT_DIRECT;
	struct rtattr *opts;
	struct nl_req r;

	tc_req(&r, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, f->ifindex, f->parent, f->handle,
	       TC_H_MAKE(f->prio << 16, htons(ETH_P_ALL)));
	rtnl_attr(&r, TCA_KIND, "bpf", sizeof("bpf"));
	opts = rtnl_attr(&r, TCA_OPTIONS, NULL, 0);
	rtnl_attr(&r, TCA_BPF_FD, &fd32, sizeof(fd32));
	rtnl_attr(&r, TCA_BPF_NAME, name, strlen(name) + 1);
	rtnl_attr(&r, TCA_BPF_FLAGS, &flags, sizeof(flags));
	rtnl_nest_end(&r, opts);
	return rtnl_talk(&r, "add a cls_bpf direct-action filter");
}

int hook_tc_netlink(int prog_fd, int ifindex, int egress, const char *name,
		      struct tc_filter *out, struct errbuf *eb)
{
	struct tc_filter f = {
		.ifindex = ifindex, .prio = 1, .handle = 1,
		.parent = TC_H_MAKE(TC_H_CLSACT, egress ? TC_H_MIN_EGRESS : TC_H_MIN_INGRESS),
	};
	char fname[64];
	int err, dead_made = 0;

	err = clsact(ifindex, 1);
	if (err && err != -EEXIST)
		return err_set(eb, err, "tc: RTM_NEWQDISC clsact on ifindex %d: %s", ifindex,
			       err_str(err));
	f.made_qdisc = !err;
	filter_name(fname, sizeof(fname), name, f.made_qdisc);
	err = add_filter(prog_fd, &f, fname);
	if (err == -EEXIST && rtnl_owner_gone(stale_owner(&f, &dead_made))) {
		struct tc_filter stale = f;

		stale.made_qdisc = 0;	/* it stays: ours to use now */
		tc_netlink_detach(&stale, NULL);
		if (dead_made && !f.made_qdisc) {
			f.made_qdisc = 1;	/* inherited from the killed run */
			filter_name(fname, sizeof(fname), name, 1);
		}
		err = add_filter(prog_fd, &f, fname);
	}
	if (err) {
		if (f.made_qdisc)
			release_qdisc(ifindex);
		return err_set(eb, err, "tc: RTM_NEWTFILTER bpf da on ifindex %d %s: %s%s",
			       ifindex, egress ? "egress" : "ingress", err_str(err),
			       err == -EEXIST ? "; a filter with prio 1 handle 1 is there "
			       "already (see 'tc filter show')" : "");
	}
	*out = f;
	return 0;
}

int tc_netlink_detach(const struct tc_filter *f, struct errbuf *eb)
{
	struct nl_req r;
	int err;

	tc_req(&r, RTM_DELTFILTER, 0, f->ifindex, f->parent, f->handle,
	       TC_H_MAKE(f->prio << 16, htons(ETH_P_ALL)));
	rtnl_attr(&r, TCA_KIND, "bpf", sizeof("bpf"));
	err = rtnl_talk(&r, "delete the cls_bpf filter");
	if (f->made_qdisc)
		release_qdisc(f->ifindex);
	if (err && err != -ENODEV)
		return err_set(eb, err, "tc: RTM_DELTFILTER on ifindex %d: %s", f->ifindex,
			       err_str(err));
	return 0;
}

/* ---- sockets, cgroups, CPUs ------------------------------------------------ */

/* socket(AF_PACKET, SOCK_RAW, ETH_P_ALL) sees every frame of the interface
 * it is bound to; SO_ATTACH_BPF (3.19+) runs the program on each, and the
 * program's return value is how many bytes the socket keeps. */
int hook_socket_filter(int prog_fd, int ifindex, const char *what,
			 struct errbuf *eb)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	int fd, err;

	fd = sys_socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL), SYS_ATTACH,
			"a packet socket for the filter");
	if (fd < 0)
		return err_set(eb, fd, "%s: socket(AF_PACKET): %s", what, err_str(fd));
	err = sys_bind(fd, &sll, sizeof(sll), SYS_ATTACH, "bind it to the interface");
	if (err) {
		err_set(eb, err, "%s: bind to ifindex %d: %s", what, ifindex, err_str(err));
		goto fail;
	}
	err = sys_setsockopt(fd, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd, sizeof(prog_fd),
			     SYS_ATTACH, "SO_ATTACH_BPF: the program filters the socket");
	if (err) {
		err_set(eb, err, "%s: setsockopt(SO_ATTACH_BPF): %s", what, err_str(err));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return err;
}

/* include/uapi/linux/magic.h */
#define CGROUP2_MAGIC 0x63677270

int hook_cgroup(int prog_fd, const char *path, uint32_t attach_type,
		  struct errbuf *eb)
{
	char what[300];
	struct statfs sfs;
	int cg = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;

	if (cg < 0)
		return err_set(eb, -errno, "cgroup %s: open: %s; give a cgroup v2 directory "
			       "such as /sys/fs/cgroup/NAME", path, err_str(-errno));
	snprintf(what, sizeof(what), "cgroup %s", path);
	/* BPF_LINK_CREATE answers EBADF for a directory that is not a cgroup v2
	 * one (cgroup_get_from_fd): say what is wrong instead */
	if (fstatfs(cg, &sfs) || sfs.f_type != CGROUP2_MAGIC) {
		close(cg);
		return err_set(eb, -EBADF, "%s is not a cgroup v2 directory (BPF programs "
			       "attach only to cgroup v2; find its mount with 'findmnt -t "
			       "cgroup2')", path);
	}
	fd = hook_link_create(prog_fd, (uint32_t)cg, attach_type, what, eb);
	close(cg);	/* the link holds the cgroup */
	return fd;
}

/* ---- sockmaps (BPF_PROG_ATTACH) and network namespaces ------------------ */

/* BPF_PROG_ATTACH or BPF_PROG_DETACH (@cmd) of @prog_fd at @target_fd's
 * hook @attach_type: the two take the same three fields; DETACH's attr
 * ends at attach_type, ATTACH's at replace_bpf_fd. */
static int prog_attach_cmd(int cmd, int target_fd, int prog_fd, uint32_t attach_type,
			   const char *what, struct errbuf *eb)
{
	int attach = cmd == BPF_PROG_ATTACH;
	union bpf_attr attr;
	char why[256];
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)target_fd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = attach_type;
	snprintf(why, sizeof(why), "%s the program %s %s", attach ? "attach" : "detach",
		 attach ? "to" : "from", what);
	r = sys_bpf(cmd, &attr, attach ? ATTR_SIZE(replace_bpf_fd) : ATTR_SIZE(attach_type),
		    attach ? SYS_ATTACH : SYS_DETACH, why);
	if (r < 0)
		return err_set(eb, (int)r, "%s: %s (target_fd %d, attach_type %u): %s", what,
			       sys_bpf_cmd_name(cmd), target_fd, attach_type, err_str((int)r));
	return 0;
}

/*
 * BPF_PROG_ATTACH, the attach command from before links (4.10+); today
 * only the sockmap hooks still need it (no BPF_LINK_CREATE for them
 * before 6.10's sockmap links). Fills:
 *   target_fd      what the program attaches to: here a SOCKMAP/SOCKHASH
 *                  map fd (sock_map_get_from_fd); a cgroup fd for the old
 *                  cgroup attach
 *   attach_bpf_fd  the program
 *   attach_type    the hook on that map: BPF_SK_MSG_VERDICT,
 *                  BPF_SK_SKB_STREAM_PARSER, BPF_SK_SKB_STREAM_VERDICT,
 *                  BPF_SK_SKB_VERDICT; the kernel also checks it equals the
 *                  program's expected_attach_type for sk_msg
 * Left zero: attach_flags (a map holds one program per hook: a second
 * attach replaces the first, no BPF_F_ALLOW_MULTI here), replace_bpf_fd.
 * The attachment is not a link: it lives in the map, so closing our fds
 * does not undo it while anything (a pin, a program) holds the map.
 */
int hook_prog_attach(int target_fd, int prog_fd, uint32_t attach_type,
		       const char *what, struct errbuf *eb)
{
	return prog_attach_cmd(BPF_PROG_ATTACH, target_fd, prog_fd, attach_type, what, eb);
}

/*
 * BPF_PROG_DETACH undoes BPF_PROG_ATTACH: the same target_fd and
 * attach_type, and attach_bpf_fd naming the program, which the sockmap
 * compares with the one attached (sock_map_prog_detach: ENOENT when
 * another program took the hook meanwhile, and it is left in place).
 */
int hook_prog_detach(int target_fd, int prog_fd, uint32_t attach_type,
		       const char *what, struct errbuf *eb)
{
	return prog_attach_cmd(BPF_PROG_DETACH, target_fd, prog_fd, attach_type, what, eb);
}

/* include/uapi/linux/magic.h */
#define NSFS_MAGIC 0x6e736673

/*
 * A network namespace is named by a file of nsfs: /proc/PID/ns/net or a
 * bind mount of it (/run/netns/NAME, what 'ip netns add' makes). The
 * link's target_fd is that file's fd (netns_bpf_link_create does
 * get_net_ns_by_fd); the link holds the namespace, so the fd is closed.
 */
int hook_netns(int prog_fd, const char *path, uint32_t attach_type,
		 struct errbuf *eb)
{
	char what[300];
	struct statfs sfs;
	int ns = open(path, O_RDONLY | O_CLOEXEC), fd;

	if (ns < 0)
		return err_set(eb, -errno, "netns %s: open: %s; give /proc/PID/ns/net or "
			       "/run/netns/NAME", path, err_str(-errno));
	snprintf(what, sizeof(what), "netns %s", path);
	/* LINK_CREATE would answer EINVAL for any other file: say why */
	if (fstatfs(ns, &sfs) || sfs.f_type != NSFS_MAGIC) {
		close(ns);
		return err_set(eb, -EINVAL, "%s is not a namespace file (nsfs); give "
			       "/proc/PID/ns/net or /run/netns/NAME", path);
	}
	fd = hook_link_create(prog_fd, (uint32_t)ns, attach_type, what, eb);
	close(ns);
	return fd;
}

/* link_create.netfilter (6.4), which Debian 12's header lacks: the four
 * fields sit at the start of link_create's per-type union, where
 * target_btf_id (the union's first member) starts. */
struct rl_link_netfilter {
	uint32_t pf;		/* NFPROTO_IPV4, NFPROTO_IPV6 */
	uint32_t hooknum;	/* NF_INET_PRE_ROUTING .. NF_INET_POST_ROUTING */
	int32_t priority;	/* not INT_MIN/INT_MAX: those are netfilter's own */
	uint32_t flags;		/* 0; BPF_F_NETFILTER_IP_DEFRAG (6.6) asks for
				   reassembled packets */
};

/*
 * BPF_LINK_CREATE with attach_type BPF_NETFILTER and target_fd 0: the hook
 * is in the namespace of the calling process (bpf_nf_link_attach uses
 * current->nsproxy->net_ns), so a hook in another namespace is made by
 * running rawload there (ip netns exec). The size covers the 16 bytes of
 * the netfilter member (up to kprobe_multi.syms, which ends where it ends).
 */
int hook_netfilter(int prog_fd, uint32_t pf, uint32_t hooknum, int32_t priority,
		     const char *what, struct errbuf *eb)
{
	struct rl_link_netfilter nf = { pf, hooknum, priority, 0 };
	union bpf_attr attr;
	char why[256];
	long fd;

	_Static_assert(sizeof(nf) == offsetof(union bpf_attr, link_create.kprobe_multi.syms) +
			       sizeof(attr.link_create.kprobe_multi.syms) -
			       offsetof(union bpf_attr, link_create.target_btf_id),
		       "link_create.netfilter is 16 bytes at the per-type union");
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (uint32_t)prog_fd;
	attr.link_create.attach_type = RL_BPF_NETFILTER;
	memcpy(&attr.link_create.target_btf_id, &nf, sizeof(nf));
	snprintf(why, sizeof(why), "link the program to %s", what);
	fd = sys_bpf(BPF_LINK_CREATE, &attr, ATTR_SIZE(link_create.kprobe_multi.syms),
		     SYS_ATTACH, why);
	if (fd >= 0)
		return (int)fd;
	/* EINVAL also comes from a kernel before 6.4 (no such attach type) */
	if (fd == -EINVAL)
		return err_set(eb, (int)fd, "%s: BPF_LINK_CREATE (pf %u, hooknum %u, priority "
			       "%d): %s; the kernel needs 6.4+ with CONFIG_NETFILTER_BPF_LINK, "
			       "and refuses the priorities INT_MIN and INT_MAX", what, pf,
			       hooknum, priority, err_str((int)fd));
	return err_set(eb, (int)fd, "%s: BPF_LINK_CREATE (pf %u, hooknum %u, priority %d): "
		       "%s", what, pf, hooknum, priority, err_str((int)fd));
}

/* The online CPUs, "0-3,6" in /sys/devices/system/cpu/online, as a
 * bitmap of at most @max CPUs; returns how many. */
static int online_cpus(unsigned char *on, size_t max)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	int n = 0;
	unsigned a, b;
	char sep;

	memset(on, 0, max);
	if (!f)
		return -errno;
	while (fscanf(f, "%u", &a) == 1) {
		b = a;
		if (fscanf(f, "%c", &sep) == 1 && sep == '-') {
			if (fscanf(f, "%u", &b) != 1)
				break;
			if (fscanf(f, "%c", &sep) != 1)
				sep = '\n';
		}
		for (unsigned c = a; c <= b && c < max; c++)
			n += !on[c]++;
		if (sep != ',')
			break;
	}
	fclose(f);
	return n;
}

int hook_cpu_clock(int prog_fd, uint64_t freq, int *fds, size_t max,
		     struct errbuf *eb)
{
	unsigned char on[1024];
	size_t n = 0;
	int err = online_cpus(on, sizeof(on));

	if (err < 0)
		return err_set(eb, err, "reading /sys/devices/system/cpu/online: %s",
			       err_str(err));
	for (size_t cpu = 0; cpu < sizeof(on); cpu++) {
		struct perf_event_attr pa;
		char what[96];
		int pfd, fd;

		if (!on[cpu])
			continue;
		if (n >= max) {
			err = err_set(eb, -E2BIG, "more than %zu CPUs", max);
			goto fail;
		}
		memset(&pa, 0, sizeof(pa));
		pa.size = sizeof(pa);
		pa.type = PERF_TYPE_SOFTWARE;
		pa.config = PERF_COUNT_SW_CPU_CLOCK;
		pa.sample_freq = freq;
		pa.freq = 1;	/* sample_freq is in Hz, not a period */
		snprintf(what, sizeof(what), "perf_event cpu-clock at %llu Hz on CPU %zu",
			 (unsigned long long)freq, cpu);
		pfd = sys_perf_event_open(&pa, -1, (int)cpu, -1, PERF_FLAG_FD_CLOEXEC,
					  SYS_ATTACH, what);
		if (pfd < 0) {
			err = err_set(eb, pfd, "%s: perf_event_open: %s%s", what, err_str(pfd),
				      pfd == -EINVAL ? "; the frequency may be above "
				      "/proc/sys/kernel/perf_event_max_sample_rate" : "");
			goto fail;
		}
		fd = hook_perf_event(prog_fd, pfd, what, eb);
		if (fd < 0) {
			err = fd;
			goto fail;
		}
		fds[n++] = fd;
	}
	return (int)n;
fail:
	while (n)
		close(fds[--n]);
	return err;
}
