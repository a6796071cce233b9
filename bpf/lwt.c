/*
 * bpf/lwt.c - BPF lightweight tunnels (see lwt.h).
 *
 * An LWT program runs for the packets of one route, not of an interface:
 * lwt_in for packets received and routed by it, lwt_out for locally
 * generated ones that leave by it, lwt_xmit just before they reach the
 * device (where it may also push a header: an encapsulation). The route
 * holds the program, so the route is the attachment (net/core/lwt_bpf.c),
 * added with one rtnetlink request (bpf/rtnl.c):
 *
 *   nlmsghdr   RTM_NEWROUTE, NLM_F_CREATE|NLM_F_EXCL
 *   rtmsg      family, dst_len, table main, protocol boot, scope link,
 *              type unicast: what 'ip route add PREFIX dev IFACE' sends
 *   RTA_DST         the prefix's address
 *   RTA_OIF         the interface's ifindex
 *   RTA_ENCAP_TYPE  LWTUNNEL_ENCAP_BPF
 *   RTA_ENCAP       { LWT_BPF_IN | LWT_BPF_OUT | LWT_BPF_XMIT
 *                     { LWT_BPF_PROG_FD, LWT_BPF_PROG_NAME } }
 *
 * and undone with RTM_DELROUTE of the same prefix. It is no link: a
 * rawload killed with SIGKILL leaves the route and its program behind. The
 * name "rawload_<pid>_<prog>" ('ip route show' prints it) lets the next
 * run at that prefix tell a stale route of its own from anyone else's.
 */
#include "lwt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/lwtunnel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rtnl.h"

int lwt_parse_prefix(const char *s, struct lwt_route *rt, struct errbuf *eb)
{
	const char *slash = strchr(s, '/');
	char addr[64], *end;
	unsigned long len;
	int max;

	snprintf(addr, sizeof(addr), "%.*s", (int)(slash ? slash - s : 63), s);
	rt->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	max = rt->family == AF_INET6 ? 128 : 32;
	if (inet_pton(rt->family, addr, rt->dst) != 1)
		return err_set(eb, -EINVAL, "'%s' is not an IPv4 or IPv6 prefix "
			       "(10.0.0.0/24, fd00::/64)", s);
	len = slash ? strtoul(slash + 1, &end, 10) : (unsigned long)max;
	if (slash && (*end || end == slash + 1 || len > (unsigned long)max))
		return err_set(eb, -EINVAL, "'%s': the prefix length must be 0 to %d", s, max);
	rt->dst_len = (uint8_t)len;
	return 0;
}

/* The rtmsg of a request about @rt's prefix in the main table. */
static void route_req(struct nl_req *r, uint16_t type, uint16_t flags,
		      const struct lwt_route *rt)
{
	struct rtmsg *m = rtnl_init(r, type, flags, sizeof(*m));

	m->rtm_family = (unsigned char)rt->family;
	m->rtm_dst_len = rt->dst_len;
	m->rtm_table = RT_TABLE_MAIN;
	m->rtm_protocol = RTPROT_BOOT;
	m->rtm_scope = RT_SCOPE_LINK;
	m->rtm_type = RTN_UNICAST;
	rtnl_attr(r, RTA_DST, rt->dst, rt->family == AF_INET6 ? 16 : 4);
}

static int add_route(int prog_fd, uint32_t prog_type, const struct lwt_route *rt,
		     const char *name)
{
	uint16_t encap = LWTUNNEL_ENCAP_BPF, hook;
	uint32_t oif = (uint32_t)rt->ifindex, fd32 = (uint32_t)prog_fd;
	struct rtattr *outer, *inner;
	struct nl_req r;

	hook = prog_type == BPF_PROG_TYPE_LWT_IN ? LWT_BPF_IN :
	       prog_type == BPF_PROG_TYPE_LWT_OUT ? LWT_BPF_OUT : LWT_BPF_XMIT;
	route_req(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, rt);
	rtnl_attr(&r, RTA_OIF, &oif, sizeof(oif));
	rtnl_attr(&r, RTA_ENCAP_TYPE, &encap, sizeof(encap));
	outer = rtnl_attr(&r, RTA_ENCAP, NULL, 0);
	inner = rtnl_attr(&r, hook, NULL, 0);
	rtnl_attr(&r, LWT_BPF_PROG_FD, &fd32, sizeof(fd32));
	rtnl_attr(&r, LWT_BPF_PROG_NAME, name, strlen(name) + 1);
	rtnl_nest_end(&r, inner);
	rtnl_nest_end(&r, outer);
	return rtnl_talk(&r, "add a route whose BPF lightweight tunnel runs the program");
}

/* The pid in the "rawload_<pid>_" name of the BPF program on the route at
 * exactly @rt's prefix, or 0 (no such route, or not ours). The lookup
 * asks for the FIB entry that matches (RTM_F_FIB_MATCH, 4.13+), with its
 * RTA_ENCAP. */
static int stale_owner(const struct lwt_route *rt)
{
	struct nlmsghdr *h;
	struct rtmsg *m;
	struct rtattr *a;
	char buf[4096] __attribute__((aligned(8)));
	struct nl_req r;
	int len;
	long n;

	route_req(&r, RTM_GETROUTE, 0, rt);
	m = NLMSG_DATA(&r.n);
	m->rtm_dst_len = rt->family == AF_INET6 ? 128 : 32;
	m->rtm_flags = RTM_F_FIB_MATCH;
	m->rtm_table = m->rtm_protocol = m->rtm_scope = m->rtm_type = 0;
	n = rtnl_ask(&r, buf, sizeof(buf), "whose route is at that prefix?");
	h = (struct nlmsghdr *)buf;
	if (n < (long)NLMSG_LENGTH(sizeof(*m)) || h->nlmsg_type != RTM_NEWROUTE ||
	    h->nlmsg_len > (uint32_t)n)
		return 0;
	m = NLMSG_DATA(h);
	if (m->rtm_dst_len != rt->dst_len)
		return 0;	/* a wider route matched: ours is not there */
	len = (int)RTM_PAYLOAD(h);
	for (a = RTM_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		struct rtattr *hk = RTA_DATA(a);
		int hlen = (int)RTA_PAYLOAD(a);

		if (a->rta_type != RTA_ENCAP)
			continue;
		/* RTA_ENCAP { hook { LWT_BPF_PROG_FD?, LWT_BPF_PROG_NAME } } */
		for (; RTA_OK(hk, hlen); hk = RTA_NEXT(hk, hlen)) {
			struct rtattr *p = RTA_DATA(hk);
			int plen = (int)RTA_PAYLOAD(hk);

			for (; RTA_OK(p, plen); p = RTA_NEXT(p, plen))
				if (p->rta_type == LWT_BPF_PROG_NAME)
					return rtnl_name_owner(p);
		}
	}
	return 0;
}

int hook_lwt(int prog_fd, uint32_t prog_type, const struct lwt_route *rt,
	       const char *name, struct errbuf *eb)
{
	char full[64], addr[64];
	int err, owner = 0;

	/* the kernel keeps LWT_BPF_PROG_NAME as given (ip route shows it) */
	snprintf(full, sizeof(full), "rawload_%d_%.32s", (int)getpid(), name);
	err = add_route(prog_fd, prog_type, rt, full);
	if (err == -EEXIST && rtnl_owner_gone(owner = stale_owner(rt))) {
		lwt_detach(rt, NULL);
		err = add_route(prog_fd, prog_type, rt, full);
	}
	if (!err)
		return 0;
	inet_ntop(rt->family, rt->dst, addr, sizeof(addr));
	return err_set(eb, err, "RTM_NEWROUTE %s/%u encap bpf: %s%s", addr, rt->dst_len,
		       err_str(err), err == -EEXIST && owner == (int)getpid() ?
		       "; this run has put another program on that route already (one "
		       "program per route: choose with --prog, or give another prefix)" :
		       err == -EEXIST ? "; a route to that prefix exists already (see 'ip "
		       "route show')" : err == -EOPNOTSUPP ? "; this kernel has no BPF "
		       "lightweight tunnels (CONFIG_LWTUNNEL_BPF)" : "");
}

int lwt_detach(const struct lwt_route *rt, struct errbuf *eb)
{
	uint32_t oif = (uint32_t)rt->ifindex;
	struct nl_req r;
	int err;

	route_req(&r, RTM_DELROUTE, 0, rt);
	rtnl_attr(&r, RTA_OIF, &oif, sizeof(oif));
	err = rtnl_talk(&r, "delete the route, and with it the program's tunnel");
	if (err && err != -ESRCH && err != -ENODEV)
		return err_set(eb, err, "RTM_DELROUTE: %s", err_str(err));
	return 0;
}
