/*
 * attach/attach_spec.c - TARGET of an --attach, or of a section, read into
 * the fields its way of attaching uses (struct attach_spec, attach.h).
 *
 * Only the syntax is judged here, never the machine: whether the
 * interface, the file or the function exists is the handler's question,
 * asked when it attaches. So a malformed target is refused while the
 * command line is read (exit 2, before any system call), and the handler
 * reads fields instead of cutting the string again. Each parser is the
 * @parse of its ways' rows in attach.c's table; ways whose target is one
 * name (raw_tp:NAME, xdp:IFACE, cgroup:PATH, ...) need none;
 * usdt:, uprobe.multi: and a BPF program target (fentry:PROG:FUNC) are
 * still cut where they are resolved, since the cut depends on the file.
 */
#include "attach_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/lwt.h"

/* "NAME+OFF" into @name and *@off (0 without "+OFF"); @spec prefixes the
 * errors. */
static int split_offset(const char *spec, const char *s, char *name, size_t size,
			uint64_t *off, struct errbuf *eb)
{
	const char *plus = strchr(s, '+');
	char *end;

	*off = 0;
	if (plus) {
		errno = 0;
		*off = strtoull(plus + 1, &end, 0);
		if (errno || end == plus + 1 || *end)
			return err_set(eb, -EINVAL, "%s: offset '%s' is not a number", spec, plus + 1);
	}
	if (!*s || s == plus || (size_t)(plus ? plus - s : (long)strlen(s)) >= size)
		return err_set(eb, -EINVAL, "%s: expected NAME[+OFFSET]", spec);
	snprintf(name, size, "%.*s", (int)(plus ? plus - s : (long)strlen(s)), s);
	return 0;
}

/* tracepoint:CATEGORY:NAME (a section spells it CATEGORY/NAME) */
int attach_parse_tracepoint(struct attach_spec *s, struct errbuf *eb)
{
	const char *sep = strpbrk(s->target, ":/");

	if (!sep || (size_t)(sep - s->target) >= sizeof(s->u.tp.cat))
		return err_set(eb, -EINVAL, "tracepoint target '%s' is not CATEGORY:NAME",
			       s->target);
	snprintf(s->u.tp.cat, sizeof(s->u.tp.cat), "%.*s", (int)(sep - s->target), s->target);
	s->u.tp.name = sep + 1;
	return 0;
}

/* kprobe:FN[+OFF], kretprobe:FN, ksyscall:NAME, kretsyscall:NAME: a
 * return probe fires at the return, wherever it is, and a syscall is
 * probed at its entry point, so only kprobe: takes an offset */
int attach_parse_kprobe(struct attach_spec *s, struct errbuf *eb)
{
	char spec[300];

	snprintf(spec, sizeof(spec), "%s:%s", attach_how_name(s->how), s->target);
	if (split_offset(spec, s->target, s->u.probe.func, sizeof(s->u.probe.func),
			 &s->u.probe.offset, eb))
		return -EINVAL;
	if (s->u.probe.offset && s->how != AH_KPROBE)
		return err_set(eb, -EINVAL, "%s: an offset needs kprobe:FN+OFF (a return "
			       "probe fires at the return, wherever it is)", spec);
	return 0;
}

/* uprobe:PATH:SYMBOL[+OFF] or uprobe:PATH:0xFILEOFFSET; PATH is cut at
 * the last ':', so it may hold ':' itself */
int attach_parse_uprobe(struct attach_spec *s, struct errbuf *eb)
{
	const char *colon = strrchr(s->target, ':');
	char spec[300], *end;

	snprintf(spec, sizeof(spec), "%s:%s", attach_how_name(s->how), s->target);
	if (!colon || colon == s->target || (size_t)(colon - s->target) >= 4096)
		return err_set(eb, -EINVAL, "%s: expected PATH:SYMBOL[+OFFSET], e.g. "
			       "uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:malloc", spec);
	s->u.uprobe.file_len = (size_t)(colon - s->target);
	if (split_offset(spec, colon + 1, s->u.uprobe.sym, sizeof(s->u.uprobe.sym),
			 &s->u.uprobe.extra, eb))
		return -EINVAL;
	if (s->how == AH_URETPROBE && s->u.uprobe.extra)
		return err_set(eb, -EINVAL, "%s: a return probe takes no +OFFSET", spec);
	/* "0x..." is a file offset; anything else a symbol of the file */
	errno = 0;
	s->u.uprobe.addr = strtoull(s->u.uprobe.sym, &end, 0);
	s->u.uprobe.is_addr = !strncmp(s->u.uprobe.sym, "0x", 2) && !errno && !*end;
	return 0;
}

/* tc:IFACE[:ingress|egress] */
int attach_parse_tc(struct attach_spec *s, struct errbuf *eb)
{
	const char *colon = strchr(s->target, ':');
	size_t n = colon ? (size_t)(colon - s->target) : strlen(s->target);

	if (!n || n >= sizeof(s->u.tc.ifname) ||
	    (colon && strcmp(colon + 1, "egress") && strcmp(colon + 1, "ingress")))
		return err_set(eb, -EINVAL, "tc:%s: expected tc:IFACE:ingress or "
			       "tc:IFACE:egress", s->target);
	snprintf(s->u.tc.ifname, sizeof(s->u.tc.ifname), "%.*s", (int)n, s->target);
	s->u.tc.dir = !colon ? -1 : !strcmp(colon + 1, "egress");
	return 0;
}

/* lwt:PREFIX:IFACE (cut at the last ':', as an IPv6 prefix holds many) */
int attach_parse_lwt(struct attach_spec *s, struct errbuf *eb)
{
	const char *colon = strrchr(s->target, ':');
	char prefix[64];
	int err;

	if (!colon || !colon[1] || (size_t)(colon - s->target) >= sizeof(prefix))
		return err_set(eb, -EINVAL, "lwt:%s: expected lwt:PREFIX:IFACE, e.g. "
			       "lwt:10.0.0.0/24:eth0", s->target);
	snprintf(prefix, sizeof(prefix), "%.*s", (int)(colon - s->target), s->target);
	if ((err = lwt_parse_prefix(prefix, &s->u.lwt.route, eb)))
		return err_prefix(eb, err, "lwt:%s", s->target);
	s->u.lwt.ifname = colon + 1;
	return 0;
}

/* "ipv4"/"ipv6" and the hook names as nft spells them
 * (include/uapi/linux/netfilter.h: NFPROTO_*, enum nf_inet_hooks) */
static const struct { const char *name; uint32_t value; } nf_families[] = {
	{ "ipv4", 2 }, { "ipv6", 10 },
}, nf_hooks[] = {
	{ "prerouting", 0 }, { "local_in", 1 }, { "forward", 2 },
	{ "local_out", 3 }, { "postrouting", 4 },
};

/* netfilter:FAMILY:HOOK[:PRIO], PRIO 0 when left out */
int attach_parse_netfilter(struct attach_spec *s, struct errbuf *eb)
{
	const char *t = s->target, *c1 = strchr(t, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char fam[16] = "", hook[32] = "", *end;
	size_t i, nf = sizeof(nf_families) / sizeof(nf_families[0]);
	size_t nh = sizeof(nf_hooks) / sizeof(nf_hooks[0]);
	long long p = 0;

	if (!c1 || (size_t)(c1 - t) >= sizeof(fam))
		goto usage;
	snprintf(fam, sizeof(fam), "%.*s", (int)(c1 - t), t);
	snprintf(hook, sizeof(hook), "%.*s", (int)(c2 ? c2 - c1 - 1 : (long)strlen(c1 + 1)),
		 c1 + 1);
	for (i = 0; i < nf && strcmp(fam, nf_families[i].name); i++)
		;
	if (i == nf)
		goto usage;
	s->u.nf.pf = nf_families[i].value;
	for (i = 0; i < nh && strcmp(hook, nf_hooks[i].name); i++)
		;
	if (i == nh)
		goto usage;
	s->u.nf.hooknum = nf_hooks[i].value;
	if (c2) {
		errno = 0;
		p = strtoll(c2 + 1, &end, 10);
		/* INT_MIN and INT_MAX are NF_IP_PRI_FIRST/LAST, netfilter's own */
		if (errno || end == c2 + 1 || *end || p <= INT32_MIN || p >= INT32_MAX)
			return err_set(eb, -EINVAL, "netfilter:%s: PRIO '%s' is not a number "
				       "between %d and %d", t, c2 + 1, INT32_MIN + 1,
				       INT32_MAX - 1);
	}
	s->u.nf.prio = (int32_t)p;
	return 0;
usage:
	return err_set(eb, -EINVAL, "netfilter:%s: expected netfilter:FAMILY:HOOK[:PRIO] with "
		       "FAMILY ipv4 or ipv6 and HOOK prerouting, local_in, forward, "
		       "local_out or postrouting, e.g. netfilter:ipv4:local_in:-100", t);
}

/* perf_event:cpu-clock[:FREQ], FREQ samples a second (99 if left out) */
int attach_parse_perf_event(struct attach_spec *s, struct errbuf *eb)
{
	const char *t = s->target;
	char *end;

	if (strncmp(t, "cpu-clock", 9) || (t[9] && t[9] != ':'))
		return err_set(eb, -EINVAL, "perf_event:%s: only perf_event:cpu-clock:FREQ "
			       "(samples per second on every CPU) is supported", t);
	s->u.perf.freq = 99;
	if (t[9]) {
		errno = 0;
		s->u.perf.freq = strtoull(t + 10, &end, 10);
		if (errno || *end || !s->u.perf.freq)
			return err_set(eb, -EINVAL, "perf_event:%s: FREQ must be a positive "
				       "number of samples per second", t);
	}
	return 0;
}
