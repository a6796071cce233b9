/*
 * show/explain_nl.c - --explain's decoding of the rtnetlink requests
 * rawload sends (tc's clsact qdisc and cls_bpf filters, lwt routes), as
 * strace -e trace=sendto -X verbose would show them: the netlink header,
 * the family header (struct tcmsg or struct rtmsg), then every attribute
 * by name, nested ones in braces.
 *
 * An attribute is a struct rtattr {len, type} and its payload, padded to
 * 4 bytes; the same type number means different things in different
 * places (TCA_KIND is 1 at the top, TCA_BPF_ACT 1 inside a bpf filter's
 * TCA_OPTIONS), so each level has its own table of names.
 */
#include "explain_nl.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>

/* One level's names: [type] = "NAME"; @nest: the level a nested
 * attribute of that type holds, or NULL. */
struct nl_level {
	const char *const *names;
	size_t n;
	const struct nl_level *const *nest;
};

static const char *const lwt_prog[] = { NULL, "LWT_BPF_PROG_FD", "LWT_BPF_PROG_NAME" };
static const struct nl_level lwt_prog_level = { lwt_prog, 3, NULL };
static const struct nl_level *const lwt_nest[] = { NULL, &lwt_prog_level, &lwt_prog_level,
						   &lwt_prog_level };
static const char *const lwt[] = { NULL, "LWT_BPF_IN", "LWT_BPF_OUT", "LWT_BPF_XMIT",
				   "LWT_BPF_XMIT_HEADROOM" };
static const struct nl_level lwt_level = { lwt, 5, lwt_nest };

static const char *const rta[] = {
	[RTA_DST] = "RTA_DST", [RTA_OIF] = "RTA_OIF", [RTA_GATEWAY] = "RTA_GATEWAY",
	[RTA_PRIORITY] = "RTA_PRIORITY", [RTA_TABLE] = "RTA_TABLE",
	[RTA_ENCAP_TYPE] = "RTA_ENCAP_TYPE", [RTA_ENCAP] = "RTA_ENCAP",
};
static const struct nl_level *const rta_nest[RTA_ENCAP + 1] = { [RTA_ENCAP] = &lwt_level };
static const struct nl_level route_level = { rta, RTA_ENCAP + 1, rta_nest };

static const char *const tca_bpf[] = { NULL, "TCA_BPF_ACT", "TCA_BPF_POLICE",
	"TCA_BPF_CLASSID", "TCA_BPF_OPS_LEN", "TCA_BPF_OPS", "TCA_BPF_FD", "TCA_BPF_NAME",
	"TCA_BPF_FLAGS", "TCA_BPF_FLAGS_GEN", "TCA_BPF_TAG", "TCA_BPF_ID" };
static const struct nl_level tca_bpf_level = { tca_bpf, 12, NULL };
static const char *const tca[] = { NULL, "TCA_KIND", "TCA_OPTIONS" };
static const struct nl_level *const tca_nest[] = { NULL, NULL, &tca_bpf_level };
static const struct nl_level tc_level = { tca, 3, tca_nest };

/* Printable and NUL-terminated: a name such as TCA_KIND's "bpf". */
static int is_str(const unsigned char *p, size_t n)
{
	if (n < 2 || p[n - 1])
		return 0;
	for (size_t i = 0; i + 1 < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return 0;
	return 1;
}

static void value(FILE *o, const unsigned char *p, size_t n, unsigned short type,
		  const struct nl_level *lv, int family)
{
	uint32_t u32;
	uint16_t u16;
	char addr[64];

	if (lv == &route_level && (type == RTA_DST || type == RTA_GATEWAY) &&
	    inet_ntop(family, p, addr, sizeof(addr)) && n == (family == AF_INET6 ? 16u : 4u)) {
		fputs(addr, o);
	} else if (is_str(p, n)) {
		fprintf(o, "\"%s\"", (const char *)p);
	} else if (n == 4) {
		memcpy(&u32, p, 4);
		fprintf(o, "%u", u32);
	} else if (n == 2) {
		memcpy(&u16, p, 2);
		fprintf(o, "%u", u16);
	} else {
		for (size_t i = 0; i < n; i++)
			fprintf(o, "%s%02x", i ? "" : "0x", p[i]);
		if (!n)
			fputs("(flag)", o);
	}
}

/* The attributes in @p[0, @n) at level @lv, comma-separated. */
static void attrs(FILE *o, const unsigned char *p, size_t n, const struct nl_level *lv,
		  int family, int depth)
{
	int first = 1;

	while (n >= sizeof(struct rtattr)) {
		struct rtattr a;
		size_t len, step;
		unsigned short type;

		memcpy(&a, p, sizeof(a));
		len = a.rta_len;
		if (len < sizeof(a) || len > n)
			break;
		type = a.rta_type & NLA_TYPE_MASK;
		fputs(first ? "" : ", ", o);
		first = 0;
		if (lv && type < lv->n && lv->names[type])
			fputs(lv->names[type], o);
		else
			fprintf(o, "attr %u", type);
		fputc('=', o);
		if (lv && lv->nest && type < lv->n && lv->nest[type] && depth < 4) {
			fputc('{', o);
			attrs(o, p + RTA_LENGTH(0), len - RTA_LENGTH(0), lv->nest[type], family,
			      depth + 1);
			fputc('}', o);
		} else {
			value(o, p + RTA_LENGTH(0), len - RTA_LENGTH(0), type, lv, family);
		}
		step = RTA_ALIGN(len);
		if (step > n)
			break;
		p += step;
		n -= step;
	}
}

static const char *msg_name(uint16_t t)
{
	switch (t) {
	case RTM_NEWQDISC: return "RTM_NEWQDISC";
	case RTM_DELQDISC: return "RTM_DELQDISC";
	case RTM_GETQDISC: return "RTM_GETQDISC";
	case RTM_NEWTFILTER: return "RTM_NEWTFILTER";
	case RTM_DELTFILTER: return "RTM_DELTFILTER";
	case RTM_GETTFILTER: return "RTM_GETTFILTER";
	case RTM_NEWROUTE: return "RTM_NEWROUTE";
	case RTM_DELROUTE: return "RTM_DELROUTE";
	case RTM_GETROUTE: return "RTM_GETROUTE";
	default: return NULL;
	}
}

/* The flags above the low byte mean one thing for a GET (DUMP = ROOT |
 * MATCH) and another for a NEW (REPLACE, EXCL, CREATE, APPEND). */
static void flags(FILE *o, uint16_t f, int get)
{
	static const struct { uint16_t bit; const char *name; } names[] = {
		{ NLM_F_REQUEST, "REQUEST" }, { NLM_F_ACK, "ACK" }, { NLM_F_EXCL, "EXCL" },
		{ NLM_F_CREATE, "CREATE" }, { NLM_F_REPLACE, "REPLACE" }, { NLM_F_APPEND, "APPEND" },
	}, get_names[] = {
		{ NLM_F_REQUEST, "REQUEST" }, { NLM_F_ACK, "ACK" }, { NLM_F_DUMP, "DUMP" },
	};
	size_t n = get ? 3 : sizeof(names) / sizeof(names[0]);
	int any = 0;

	for (size_t i = 0; i < n; i++)
		if ((f & (get ? get_names : names)[i].bit) == (get ? get_names : names)[i].bit) {
			fprintf(o, "%s%s", any++ ? "|" : "", (get ? get_names : names)[i].name);
			f &= (uint16_t)~(get ? get_names : names)[i].bit;
		}
	if (f || !any)
		fprintf(o, "%s0x%x", any ? "|" : "", f);
}

void explain_netlink(FILE *o, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	struct nlmsghdr h;
	const char *name;

	if (!buf || len < sizeof(h)) {
		fprintf(o, "<%zu bytes>", len);
		return;
	}
	memcpy(&h, p, sizeof(h));
	if (h.nlmsg_len > len)
		h.nlmsg_len = (uint32_t)len;
	name = msg_name(h.nlmsg_type);
	fputs("{nlmsg_type=", o);
	name ? fputs(name, o) : fprintf(o, "%u", h.nlmsg_type);
	fputs(", nlmsg_flags=", o);
	/* RTM_GET* are the type numbers 2 mod 4 (RTM_GETLINK 18, ...) */
	flags(o, h.nlmsg_flags, h.nlmsg_type % 4 == 2);
	p += NLMSG_HDRLEN;
	len = h.nlmsg_len > NLMSG_HDRLEN ? h.nlmsg_len - NLMSG_HDRLEN : 0;
	if (h.nlmsg_type >= RTM_NEWQDISC && h.nlmsg_type <= RTM_GETTFILTER &&
	    len >= NLMSG_ALIGN(sizeof(struct tcmsg))) {
		struct tcmsg t;

		memcpy(&t, p, sizeof(t));
		/* tcm_info of a filter: its priority (high 16 bits) and protocol
		 * (low 16, network byte order) */
		fprintf(o, ", tcmsg={ifindex=%d, handle=0x%x, parent=%x:%x, info=0x%x}", t.tcm_ifindex,
			t.tcm_handle, t.tcm_parent >> 16, t.tcm_parent & 0xffff, t.tcm_info);
		len -= NLMSG_ALIGN(sizeof(t));
		p += NLMSG_ALIGN(sizeof(t));
		fputs(", [", o);
		attrs(o, p, len, &tc_level, 0, 0);
		fputc(']', o);
	} else if (h.nlmsg_type >= RTM_NEWROUTE && h.nlmsg_type <= RTM_GETROUTE &&
		   len >= NLMSG_ALIGN(sizeof(struct rtmsg))) {
		struct rtmsg r;

		memcpy(&r, p, sizeof(r));
		fprintf(o, ", rtmsg={family=%s, dst_len=%u, table=%u, protocol=%u, scope=%u, "
			"type=%u}", r.rtm_family == AF_INET ? "AF_INET" : r.rtm_family == AF_INET6 ?
			"AF_INET6" : "?", r.rtm_dst_len, r.rtm_table, r.rtm_protocol, r.rtm_scope,
			r.rtm_type);
		len -= NLMSG_ALIGN(sizeof(r));
		p += NLMSG_ALIGN(sizeof(r));
		fputs(", [", o);
		attrs(o, p, len, &route_level, r.rtm_family, 0);
		fputc(']', o);
	} else {
		fprintf(o, ", <%zu bytes>", len);
	}
	fputc('}', o);
}
