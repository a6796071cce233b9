/*
 * bpf/rtnl.h - rtnetlink requests built by hand, for the attachments that
 * are not BPF links but kernel objects holding a program: tc filters on a
 * clsact qdisc, routes with a BPF lightweight tunnel (bpf/net.c, bpf/lwt.c).
 *
 * A request is a struct nlmsghdr, the message family's own header (struct
 * tcmsg, struct rtmsg), then attributes (struct rtattr: length, type,
 * payload, each aligned to 4 bytes), which may nest.
 */
#ifndef RAWLOAD_BPF_RTNL_H
#define RAWLOAD_BPF_RTNL_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "sys.h"
#include <stddef.h>
#include <stdint.h>

struct nl_req {
	struct nlmsghdr n;
	char body[512];		/* family header, then attributes */
	enum sys_tag tag;	/* --explain's tag for its calls (not sent):
				   rtnl_init makes a delete SYS_DETACH */
};

/* Start request @type with @flags (NLM_F_REQUEST and, by rtnl_talk,
 * NLM_F_ACK are added) and a zeroed family header of @hdr_len bytes,
 * which is returned for the caller to fill. */
void *rtnl_init(struct nl_req *r, uint16_t type, uint16_t flags, size_t hdr_len);

/* Append attribute @type with @len bytes of @data; returns it, so that a
 * nest can be closed with rtnl_nest_end (NULL if @r is full). */
struct rtattr *rtnl_attr(struct nl_req *r, unsigned short type, const void *data,
			 size_t len);
/* Close nest @a: its length covers every attribute appended since. */
void rtnl_nest_end(struct nl_req *r, struct rtattr *a);

/* Send @r on a fresh NETLINK_ROUTE socket and return the kernel's answer:
 * 0 (its ACK) or the -errno of its NLMSG_ERROR. @why is for --explain. */
int rtnl_talk(struct nl_req *r, const char *why);

/* Send @r (a get request, no ACK asked) and read the first reply into
 * @buf: its length, or -errno (the kernel's, or -EPROTO). */
long rtnl_ask(struct nl_req *r, void *buf, size_t size, const char *why);

/* The kernel objects rawload makes over rtnetlink outlive a SIGKILL, so
 * each carries the name "rawload_<pid>_<prog>" (TCA_BPF_NAME,
 * LWT_BPF_PROG_NAME): the pid in name attribute @a, or 0 if it is not such
 * a name; and whether that rawload is gone (its object stale, ours to
 * remove) rather than alive or this process. */
int rtnl_name_owner(const struct rtattr *a);
int rtnl_owner_gone(int pid);

#endif
