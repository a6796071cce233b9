/*
 * bpf/testrun.h - BPF_PROG_TEST_RUN: run a loaded program once (or
 * --repeat times) on input rawload supplies, without attaching it.
 *
 * This is how SEC("syscall") programs run at all, and how packet programs
 * (XDP, tc, socket filters, ...) are tried on a packet without a NIC: the
 * kernel builds the program's context from the bytes given (an sk_buff or
 * xdp_buff around data_in, the struct in ctx_in), runs the program and
 * copies back its return value, the average run time and the packet and
 * context as the program left them. Source of truth: bpf_prog_test_run()
 * in kernel/bpf/syscall.c and the per-type test_run handlers in
 * net/bpf/test_run.c (bpf_prog_test_run_skb, _xdp, _syscall, ...).
 */
#ifndef RAWLOAD_BPF_TESTRUN_H
#define RAWLOAD_BPF_TESTRUN_H

#include <stddef.h>
#include <stdint.h>

#include "elf/err.h"

/* One BPF_PROG_TEST_RUN, as the attr's test fields take it. A pointer
 * left NULL is passed as 0, and 0 means "none" to the kernel. */
struct test_run_params {
	int prog_fd;
	const void *data_in;	/* the packet, or NULL */
	uint32_t data_size_in;
	void *data_out;		/* where the packet comes back, or NULL */
	uint32_t data_size_out;	/* its capacity (0: the kernel assumes enough) */
	const void *ctx_in;	/* the context struct, or NULL */
	uint32_t ctx_size_in;
	void *ctx_out;		/* where the context comes back, or NULL */
	uint32_t ctx_size_out;	/* its capacity */
	uint32_t repeat;	/* runs to average over; 0 and 1 both mean one */
	uint32_t flags;		/* BPF_F_TEST_RUN_ON_CPU (raw_tp), ... */
	uint32_t cpu;		/* with BPF_F_TEST_RUN_ON_CPU */
	const char *why;	/* for --explain */
};

/* What the kernel wrote back. */
struct test_run_result {
	uint32_t retval;	/* the program's return value (r0, truncated to u32) */
	uint32_t duration;	/* average ns per run; 0 for types that do not time */
	uint32_t data_size_out;	/* the packet's size after the run (may exceed
				   the buffer: then truncated is set) */
	uint32_t ctx_size_out;	/* bytes of context written back */
	int truncated;		/* ENOSPC: data_out held only data_size_out
				   bytes; the program did run */
};

/* Run the program. 0, or -errno with @eb naming the call and the sizes
 * given; -ENOTSUPP (524) means this program type has no test_run in this
 * kernel. The caller owns every buffer. */
int prog_test_run(const struct test_run_params *p, struct test_run_result *r,
		  struct errbuf *eb);

/* ---- what each program type takes and returns (pure) -------------------- */

/* 1 if programs of @prog_type run on a packet (data_in): XDP, the sk_buff
 * types (tc, socket filter, cgroup_skb, lwt), flow dissector, netfilter. */
int test_run_takes_packet(uint32_t prog_type);

/* 0 for the types whose handler refuses a repeat count (EINVAL): syscall
 * and raw_tp programs run exactly once per call. 1 for the others. */
int test_run_takes_repeat(uint32_t prog_type);

/* 1 if the kernel times @prog_type's runs and reports the average in
 * test.duration (the packet types and sk_lookup); the others leave 0. */
int test_run_timed(uint32_t prog_type);

/* 1 if @prog_type's context comes back in ctx_out; a syscall program's
 * comes back in ctx_in's own buffer instead (bpf_prog_test_run_syscall
 * copies it there and refuses a ctx_out). */
int test_run_ctx_out(uint32_t prog_type);

/* The name of return value @retval for @prog_type ("XDP_PASS",
 * "TC_ACT_SHOT", "SK_PASS", ...), or NULL when the value is a plain
 * number for that type (a length, a syscall program's result). */
const char *test_run_retval_name(uint32_t prog_type, uint32_t retval);

/*
 * The packet rawload runs a packet program on when none is given: 60
 * bytes (the shortest Ethernet frame, without its FCS), IPv4 UDP from
 * 10.0.0.1:40000 to 10.0.0.2:9 (discard), TTL 64, a valid header checksum,
 * UDP checksum 0 ("none", which IPv4 allows) and 18 bytes of text:
 *
 *   offset  0  Ethernet  dst 02:00:00:00:00:02  src 02:00:00:00:00:01
 *          12            type 0x0800 (IPv4)
 *          14  IPv4      45 00, total length 46, id 0, DF, TTL 64, proto 17,
 *                        checksum, 10.0.0.1 -> 10.0.0.2
 *          34  UDP       40000 -> 9, length 26, checksum 0
 *          42  payload   "rawload --run pkt\n"
 *
 * The kernel wants at least ETH_HLEN (14) bytes for every packet type
 * (bpf_test_init). A netfilter program's packet starts at the IP header
 * (its default hook, NF_INET_LOCAL_OUT, sees no link layer): for
 * BPF_PROG_TYPE_NETFILTER the same packet comes without its first 14
 * bytes. Writes at most @cap bytes to @buf; returns the packet's length.
 */
#define TEST_RUN_PACKET_LEN 60
size_t test_run_builtin_packet(uint32_t prog_type, uint8_t *buf, size_t cap);

#endif
