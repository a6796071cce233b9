/*
 * bpf/rtnl.c - rtnetlink requests (see rtnl.h).
 *
 * Each request goes on its own NETLINK_ROUTE socket, bound to no group:
 * the kernel answers on the same socket with an NLMSG_ERROR message whose
 * error is 0 (the ACK asked for with NLM_F_ACK) or -errno, or for a get
 * request with the object asked for.
 */
#include "rtnl.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sys.h"

void *rtnl_init(struct nl_req *r, uint16_t type, uint16_t flags, size_t hdr_len)
{
	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = (uint32_t)NLMSG_LENGTH(hdr_len);
	r->n.nlmsg_type = type;
	r->n.nlmsg_flags = flags | NLM_F_REQUEST;
	r->n.nlmsg_seq = 1;
	r->tag = type == RTM_DELQDISC || type == RTM_DELTFILTER || type == RTM_DELROUTE
		 ? SYS_DETACH : SYS_ATTACH;
	return NLMSG_DATA(&r->n);
}

struct rtattr *rtnl_attr(struct nl_req *r, unsigned short type, const void *data,
			 size_t len)
{
	size_t at = NLMSG_ALIGN(r->n.nlmsg_len);
	struct rtattr *a = (struct rtattr *)((char *)r + at);

	if (at + RTA_LENGTH(len) > sizeof(*r))
		return NULL;	/* the callers' fixed attributes always fit */
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->n.nlmsg_len = (uint32_t)(at + RTA_ALIGN(a->rta_len));
	return a;
}

void rtnl_nest_end(struct nl_req *r, struct rtattr *a)
{
	a->rta_len = (unsigned short)((char *)r + r->n.nlmsg_len - (char *)a);
}

/* A bound NETLINK_ROUTE socket with @r sent on it, or -errno. */
static int send_req(struct nl_req *r, const char *why)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	long n;
	int fd, err;

	fd = sys_socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE, r->tag,
			"an rtnetlink socket");
	if (fd < 0)
		return fd;
	err = sys_bind(fd, &sa, sizeof(sa), r->tag, "bind the rtnetlink socket");
	if (!err && (n = sys_send(fd, r, r->n.nlmsg_len, r->tag, why)) < 0)
		err = (int)n;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int rtnl_talk(struct nl_req *r, const char *why)
{
	char buf[4096];
	long n;
	int fd, err = -EPROTO;

	r->n.nlmsg_flags |= NLM_F_ACK;
	fd = send_req(r, why);
	if (fd < 0)
		return fd;
	n = sys_recv(fd, buf, sizeof(buf), r->tag, "the kernel's answer");
	if (n < 0) {
		err = (int)n;
	} else if ((size_t)n >= NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
		struct nlmsghdr h;
		struct nlmsgerr e;

		memcpy(&h, buf, sizeof(h));
		memcpy(&e, buf + NLMSG_HDRLEN, sizeof(e));
		if (h.nlmsg_type == NLMSG_ERROR)
			err = e.error;
	}
	close(fd);
	return err;
}

long rtnl_ask(struct nl_req *r, void *buf, size_t size, const char *why)
{
	long n;
	int fd = send_req(r, why);

	if (fd < 0)
		return fd;
	n = sys_recv(fd, buf, size, r->tag, "the kernel's answer");
	close(fd);
	if (n >= (long)NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
		struct nlmsghdr h;
		struct nlmsgerr e;

		memcpy(&h, buf, sizeof(h));
		memcpy(&e, (const char *)buf + NLMSG_HDRLEN, sizeof(e));
		if (h.nlmsg_type == NLMSG_ERROR)
			return e.error ? e.error : -EPROTO;
	}
	return n < 0 ? n : n >= (long)NLMSG_HDRLEN ? n : -EPROTO;
}

int rtnl_name_owner(const struct rtattr *a)
{
	const char *name = RTA_DATA(a);
	size_t len = RTA_PAYLOAD(a);
	int pid;

	if (len <= 8 || name[len - 1] != '\0' || sscanf(name, "rawload_%d_", &pid) != 1)
		return 0;
	return pid > 0 ? pid : 0;
}

int rtnl_owner_gone(int pid)
{
	return pid > 0 && pid != (int)getpid() && kill(pid, 0) < 0 && errno == ESRCH;
}
