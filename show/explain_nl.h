/*
 * show/explain_nl.h - an rtnetlink request decoded for --explain: the
 * message type and flags, struct tcmsg or struct rtmsg, every attribute
 * by name (nested ones in braces).
 */
#ifndef RAWLOAD_EXPLAIN_NL_H
#define RAWLOAD_EXPLAIN_NL_H

#include <stddef.h>
#include <stdio.h>

/* "{nlmsg_type=RTM_NEWTFILTER, nlmsg_flags=REQUEST|ACK|..., tcmsg={...},
 * [TCA_KIND="bpf", TCA_OPTIONS={TCA_BPF_FD=7, ...}]}" for the @len bytes
 * at @buf. */
void explain_netlink(FILE *o, const void *buf, size_t len);

#endif
