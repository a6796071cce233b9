/*
 * bpf/lwt.h - lightweight tunnel programs (lwt_in, lwt_out, lwt_xmit) on
 * a route: what 'ip route add PREFIX dev IFACE encap bpf xmit fd N' does.
 */
#ifndef RAWLOAD_BPF_LWT_H
#define RAWLOAD_BPF_LWT_H

#include <stdint.h>

#include "elf/err.h"

/* The route a program was put on, for lwt_detach(). */
struct lwt_route {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t dst[16];	/* the prefix's address */
	uint8_t dst_len;	/* and its length in bits */
	int ifindex;		/* the interface it leaves by */
};

/* "10.0.0.0/24", "fd00::/64", or an address alone (a host route) into
 * @rt's family, dst and dst_len. 0 or -EINVAL with @eb. */
int lwt_parse_prefix(const char *s, struct lwt_route *rt, struct errbuf *eb);

/* Add the route @rt (its ifindex set) holding program @prog_fd of BPF
 * program type @prog_type (LWT_IN, LWT_OUT, LWT_XMIT: which hook of the
 * route runs it), named "rawload_<pid>_<@name>". A stale route of a
 * rawload that is gone, at the same prefix, is replaced. 0 or -errno. */
int hook_lwt(int prog_fd, uint32_t prog_type, const struct lwt_route *rt,
	       const char *name, struct errbuf *eb);
/* Delete that route. 0 or -errno. */
int lwt_detach(const struct lwt_route *rt, struct errbuf *eb);

#endif
