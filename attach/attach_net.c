/*
 * attach/attach_net.c - the network and cgroup hooks of --attach: tc
 * (tcx links, else a clsact qdisc and a cls_bpf filter over netlink), xdp
 * and socket filters on an interface, cgroups, sockmaps (sk_msg/sk_skb,
 * held by the map until detached), network namespaces (flow_dissector,
 * sk_lookup), netfilter hooks and routes (lwt). The dispatch is in
 * attach.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach_internal.h"
#include "bpf/hook.h"
#include "bpf/lwt.h"
#include "bpf/net.h"

/* tc:IFACE[:ingress|egress]: a tcx link (6.6+), else clsact + cls_bpf.
 * Without a direction, the section's (tcx/egress) says, else ingress. */
int attach_net_tc(const struct attach_call *c)
{
	const struct obj_prog *pr = c->pr;
	struct errbuf *eb = c->eb;
	int egress = c->s->u.tc.dir >= 0 ? c->s->u.tc.dir :
		     pr->def && pr->def->attach_type == RL_BPF_TCX_EGRESS;
	int ifindex, fd = -EINVAL;
	struct attach_entry *e;
	char what[128];

	snprintf(what, sizeof(what), "tc:%s:%s", c->s->u.tc.ifname, egress ? "egress" : "ingress");
	ifindex = net_ifindex(c->s->u.tc.ifname, eb);
	if (ifindex < 0)
		return err_prefix(eb, ifindex, "%s", what);
	if (!attach_env_flag("RAWLOAD_FORCE_NETLINK_TC")) {
		fd = hook_tcx(c->prog_fd, ifindex, egress, what, eb);
		if (fd >= 0)
			return attach_keep(c->set, fd, eb);
	}
	/* EINVAL: a kernel before 6.6 does not know the tcx attach types */
	if (fd != -EINVAL)
		return fd;
	if ((fd = attach_new_entry(c->set, &e, eb)))
		return fd;
	fd = hook_tc_netlink(c->prog_fd, ifindex, egress, pr->name, &e->tc, eb);
	if (fd < 0)
		return err_prefix(eb, fd, "%s (no tcx here)", what);
	e->undo = UNDO_TC_FILTER;
	c->set->n++;
	return 0;
}

/* lwt:PREFIX:IFACE: a route to PREFIX leaving by IFACE whose lightweight
 * tunnel runs the program, at the hook its type says (lwt_in, lwt_out,
 * lwt_xmit); the route is deleted when rawload ends (bpf/lwt.c). */
int attach_net_lwt(const struct attach_call *c)
{
	const struct obj_prog *pr = c->pr;
	struct errbuf *eb = c->eb;
	uint32_t type = pr->def ? pr->def->prog_type : 0;
	struct lwt_route rt = c->s->u.lwt.route;
	struct attach_entry *e;
	char what[128];
	int err;

	snprintf(what, sizeof(what), "lwt:%s", c->target);
	if (type != BPF_PROG_TYPE_LWT_IN && type != BPF_PROG_TYPE_LWT_OUT &&
	    type != BPF_PROG_TYPE_LWT_XMIT)
		return err_set(eb, -EINVAL, "%s: only lwt_in, lwt_out and lwt_xmit programs run "
			       "on a route%s (this one is in section '%s')", what,
			       type == BPF_PROG_TYPE_LWT_SEG6LOCAL ? "; an lwt_seg6local program "
			       "is an SRv6 End.BPF action: pin it (--pin) and give it to 'ip -6 "
			       "route add ... encap seg6local action End.BPF endpoint pinned "
			       "PATH'" : "", pr->sec_name);
	rt.ifindex = net_ifindex(c->s->u.lwt.ifname, eb);
	if (rt.ifindex < 0)
		return err_prefix(eb, rt.ifindex, "%s", what);
	if ((err = attach_new_entry(c->set, &e, eb)))
		return err;
	err = hook_lwt(c->prog_fd, type, &rt, pr->name, eb);
	if (err)
		return err_prefix(eb, err, "%s", what);
	e->fd = -1;
	e->undo = UNDO_LWT_ROUTE;
	e->lwt = rt;
	c->set->n++;
	return 0;
}

/* xdp:IFACE, socket:IFACE */
int attach_net_iface(const struct attach_call *c)
{
	int prog_fd = c->prog_fd;
	const char *type = c->type;
	const char *target = c->target;
	struct attach_set *set = c->set;
	struct errbuf *eb = c->eb;
	char what[128];
	int ifindex, fd;

	snprintf(what, sizeof(what), "%s:%s", type, target);
	ifindex = net_ifindex(target, eb);
	if (ifindex < 0)
		return err_prefix(eb, ifindex, "%s", what);
	fd = c->how == AH_XDP ? hook_xdp(prog_fd, ifindex, what, eb)
				  : hook_socket_filter(prog_fd, ifindex, what, eb);
	return fd < 0 ? fd : attach_keep(set, fd, eb);
}

/* What an lsm_cgroup link needs, for the errors that mean "not here"
 * (EINVAL: a kernel before 6.0 has no BPF_LSM_CGROUP; ENOTSUPP,
 * EOPNOTSUPP, EPERM: no BPF trampoline). The kernel links the program
 * through a trampoline on bpf_lsm_HOOK shared by every cgroup (the
 * "shim", kernel/bpf/trampoline.c), and bpf_lsm_HOOK is called only by
 * the BPF LSM, so without 'bpf' in lsm= the link holds but never runs. */
static int lsm_cgroup_hint(int err, struct errbuf *eb)
{
	size_t n = strlen(eb->msg);

	if (err != -EINVAL && err != -EOPNOTSUPP && err != -KERNEL_ENOTSUPP && err != -EPERM)
		return err;
	snprintf(eb->msg + n, sizeof(eb->msg) - n, "; lsm_cgroup programs need Linux 6.0+ "
		 "with CONFIG_BPF_LSM and BPF trampolines (a kernel that refuses fentry "
		 "programs refuses these too), and run only with 'bpf' in the lsm= boot "
		 "parameter (see /sys/kernel/security/lsm)");
	return err;
}

/* cgroup:PATH. The hook is the program's expected_attach_type, fixed at
 * load (the verifier checks the context against it), so only cgroup
 * program types fit; another type would reach the kernel as attach type
 * 0 (CGROUP_INET_INGRESS) and be refused with a bare EINVAL. An
 * lsm_cgroup program attaches the same way, with BPF_LSM_CGROUP: its
 * hook (bpf_lsm_HOOK) came with attach_btf_id at load. */
int attach_net_cgroup(const struct attach_call *c)
{
	const struct obj_prog *pr = c->pr;
	int prog_fd = c->prog_fd;
	const char *target = c->target;
	struct errbuf *eb = c->eb;
	int fd;

	if (!attach_type_fits(pr, AH_CGROUP))
		return err_set(eb, -EINVAL, "cgroup:%s: a %s program does not attach to a "
			       "cgroup (section '%s'); cgroup programs are in sections "
			       "cgroup_skb/, cgroup/, sockops, lsm_cgroup/", target,
			       pr->def ? secdef_prog_type_name(pr->def->prog_type) : "?",
			       pr->sec_name);
	fd = hook_cgroup(prog_fd, target, pr->def->attach_type, eb);
	if (fd < 0 && pr->def->attach_type == BPF_LSM_CGROUP)
		return lsm_cgroup_hint(fd, eb);
	return fd;
}

/* The object's SOCKMAP and SOCKHASH maps, "a, b", for error messages. */
static void sockmaps_of(const struct object *obj, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < obj->nmaps && n < size; i++)
		if (obj->maps[i].type == BPF_MAP_TYPE_SOCKMAP ||
		    obj->maps[i].type == BPF_MAP_TYPE_SOCKHASH)
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
					      obj->maps[i].name);
	if (!buf[0])
		snprintf(buf, size, "none");
}

/*
 * sockmap:MAP for sk_msg and sk_skb programs. The program does not run
 * on a hook of its own: it runs for the sockets in MAP (a SOCKMAP or
 * SOCKHASH), on each sendmsg (sk_msg) or each received skb (sk_skb
 * stream parser / verdict). BPF_PROG_ATTACH with target_fd = the map and
 * attach_type = the expected attach type the section gave at load. The
 * map, not an fd of ours, holds the attachment, so @set records a
 * BPF_PROG_DETACH for attach_release (a pinned map would keep the program
 * running after rawload exits otherwise).
 */
/* What can be checked before the kernel is asked: the program is a
 * sk_msg/sk_skb one with a hook, and MAP is a SOCKMAP or SOCKHASH of the
 * object. Returns the map's index, or -errno with @eb naming the fault. */
static int sockmap_find(const struct object *obj, const struct obj_prog *pr,
			const char *what, const char *target, struct errbuf *eb)
{
	char have[256];
	int m;

	if (!pr->def || (pr->def->prog_type != BPF_PROG_TYPE_SK_MSG &&
			 pr->def->prog_type != BPF_PROG_TYPE_SK_SKB))
		return err_set(eb, -EINVAL, "%s: only sk_msg and sk_skb programs attach to "
			       "a sockmap (this one is in section '%s')", what, pr->sec_name);
	/* plain SEC("sk_skb") loads with expected_attach_type 0: which of the
	 * three sk_skb hooks is meant is not known */
	if (pr->def->prog_type == BPF_PROG_TYPE_SK_SKB && !pr->def->attach_type)
		return err_set(eb, -EINVAL, "%s: section '%s' names no sk_skb hook; use "
			       "SEC(\"sk_skb/stream_parser\"), SEC(\"sk_skb/stream_verdict\") "
			       "or SEC(\"sk_skb/verdict\")", what, pr->sec_name);
	sockmaps_of(obj, have, sizeof(have));
	m = obj_find_map(obj, target);
	if (m < 0)
		return err_set(eb, -ENOENT, "%s: the object has no map '%s' (its sockmaps: "
			       "%s)", what, target, have);
	if (obj->maps[m].type != BPF_MAP_TYPE_SOCKMAP &&
	    obj->maps[m].type != BPF_MAP_TYPE_SOCKHASH)
		return err_set(eb, -EINVAL, "%s: map '%s' has type %s; sk_msg and sk_skb "
			       "programs attach to a SOCKMAP or SOCKHASH map (this object's: "
			       "%s)", what, target, obj_map_type_name(obj->maps[m].type), have);
	return m;
}

int attach_net_sockmap_check(const struct attach_call *c, char *info, size_t size)
{
	char what[128];
	int m;

	snprintf(what, sizeof(what), "sockmap:%s", c->target);
	(void)info;
	(void)size;
	m = sockmap_find(c->obj, c->pr, what, c->target, c->eb);
	return m < 0 ? m : 0;
}

int attach_net_sockmap(const struct attach_call *c)
{
	const struct object *obj = c->obj;
	const int *map_fds = c->map_fds;
	const struct obj_prog *pr = c->pr;
	int prog_fd = c->prog_fd;
	const char *target = c->target;
	struct attach_set *set = c->set;
	struct errbuf *eb = c->eb;
	struct attach_entry *e;
	char what[128];
	int m, err;

	snprintf(what, sizeof(what), "sockmap:%s", target);
	m = sockmap_find(obj, pr, what, target, eb);
	if (m < 0)
		return m;
	if (map_fds[m] < 0)
		return err_set(eb, -ENOENT, "%s: map '%s' was not created", what, target);
	if ((err = attach_new_entry(set, &e, eb)))
		return err;
	/* our own copies: the undo must outlive the load's fds */
	e->fd = fcntl(map_fds[m], F_DUPFD_CLOEXEC, 3);
	e->detach.prog_fd = fcntl(prog_fd, F_DUPFD_CLOEXEC, 3);
	if (e->fd < 0 || e->detach.prog_fd < 0) {
		err = err_set(eb, -errno, "%s: dup: %s", what, err_str(-errno));
		goto fail;
	}
	e->detach.attach_type = pr->def->attach_type;
	snprintf(e->detach.what, sizeof(e->detach.what), "%s", what);
	err = hook_prog_attach(e->fd, prog_fd, pr->def->attach_type, what, eb);
	if (err)
		goto fail;
	e->undo = UNDO_PROG_DETACH;
	set->n++;
	return 0;
fail:
	if (e->fd >= 0)
		close(e->fd);
	if (e->detach.prog_fd >= 0)
		close(e->detach.prog_fd);
	return err;
}

/* netns[:PATH] for flow_dissector and sk_lookup: one program per netns
 * hook, run for every packet (flow_dissector: when the stack dissects
 * one; sk_lookup: when a TCP SYN or UDP datagram looks for a socket). */
int attach_net_netns(const struct attach_call *c)
{
	const struct obj_prog *pr = c->pr;
	int prog_fd = c->prog_fd;
	const char *target = c->target;
	struct attach_set *set = c->set;
	struct errbuf *eb = c->eb;
	int fd;

	if (!attach_type_fits(pr, AH_NETNS))
		return err_set(eb, -EINVAL, "netns:%s: only flow_dissector and sk_lookup "
			       "programs attach to a network namespace (this one is in "
			       "section '%s')", target, pr->sec_name);
	fd = hook_netns(prog_fd, target, pr->def->attach_type, eb);
	/* EEXIST: netns_bpf_link_create allows one flow dissector link per
	 * namespace (sk_lookup takes many) */
	if (fd == -EEXIST)
		return err_set(eb, fd, "netns:%s: this namespace already has a flow "
			       "dissector (one per namespace; see 'bpftool net'): %s",
			       target, err_str(fd));
	return fd < 0 ? fd : attach_keep(set, fd, eb);
}

/* netfilter:FAMILY:HOOK[:PRIO]: a hook function in rawload's own network
 * namespace, run for every packet there like an nftables chain of that
 * priority; the program's return value is the verdict (NF_DROP 0,
 * NF_ACCEPT 1). */
int attach_net_netfilter(const struct attach_call *c)
{
	const struct obj_prog *pr = c->pr;
	char what[128];
	int fd;

	snprintf(what, sizeof(what), "netfilter:%s", c->target);
	if (!pr->def || pr->def->attach != ATTACH_NETFILTER)
		return err_set(c->eb, -EINVAL, "%s: only netfilter programs attach there (this "
			       "one is in section '%s')", what, pr->sec_name);
	fd = hook_netfilter(c->prog_fd, c->s->u.nf.pf, c->s->u.nf.hooknum, c->s->u.nf.prio,
			      what, c->eb);
	return fd < 0 ? fd : attach_keep(c->set, fd, c->eb);
}
