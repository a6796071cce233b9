/*
 * bpf/testrun.c - BPF_PROG_TEST_RUN (see testrun.h), and what each
 * program type takes and returns there.
 *
 * The kernel dispatches on the program type (bpf_prog_test_run() calls
 * prog->aux->ops->test_run; a type without one answers ENOTSUPP, 524),
 * and each handler in net/bpf/test_run.c checks its own rules:
 *
 *   type                      data_in       ctx_in            repeat  ctx back in
 *   XDP                       >= 14 bytes   struct xdp_md     yes     ctx_out
 *   SCHED_CLS/ACT, SOCKET_FILTER, CGROUP_SKB, LWT_*
 *                             >= 14 bytes   struct __sk_buff  yes     ctx_out
 *   FLOW_DISSECTOR            >= 14 bytes   bpf_flow_keys     yes     ctx_out
 *   NETFILTER (6.4+)          >= 20 bytes   nf_hook_state     yes     -
 *   SK_LOOKUP                 none          bpf_sk_lookup     yes     ctx_out
 *   SYSCALL                   none          anything < 64 KiB no      ctx_in
 *   RAW_TRACEPOINT            none          u64 args          no      -
 *   TRACING (fentry/fexit)    none          none              -       -
 *
 * Any field a type does not take must be 0, or the kernel answers EINVAL.
 */
#include "testrun.h"

#include <errno.h>
#include <linux/bpf.h>
#include <string.h>

#include "elf/uapi.h"
#include "sys.h"

/*
 * prog_test_run - the test fields of union bpf_attr, all of them given
 * as @p says (ATTR_SIZE(test.batch_size), as libbpf passes):
 *   prog_fd                    the program to run
 *   data_in/size_in            the packet the kernel copies into a fresh
 *                              sk_buff/xdp_buff (headroom added by it)
 *   data_out/size_out          where it copies the packet back; size_out
 *                              is read as the buffer's capacity and
 *                              written with the packet's real size
 *   ctx_in/size_in, ctx_out/size_out  the same for the context struct
 *   repeat                     runs, timed together; duration = average
 *   flags, cpu                 BPF_F_TEST_RUN_ON_CPU for raw_tp
 * Left 0: batch_size (only with BPF_F_TEST_XDP_LIVE_FRAMES, which sends
 * the frames into the network stack for real; rawload does not).
 * Written by the kernel: retval, duration, data_size_out, ctx_size_out.
 */
int prog_test_run(const struct test_run_params *p, struct test_run_result *r,
		  struct errbuf *eb)
{
	union bpf_attr attr;
	long ret;

	memset(&attr, 0, sizeof(attr));
	memset(r, 0, sizeof(*r));
	attr.test.prog_fd = (uint32_t)p->prog_fd;
	attr.test.data_in = (uint64_t)(uintptr_t)p->data_in;
	attr.test.data_size_in = p->data_size_in;
	attr.test.data_out = (uint64_t)(uintptr_t)p->data_out;
	attr.test.data_size_out = p->data_size_out;
	attr.test.ctx_in = (uint64_t)(uintptr_t)p->ctx_in;
	attr.test.ctx_size_in = p->ctx_size_in;
	attr.test.ctx_out = (uint64_t)(uintptr_t)p->ctx_out;
	attr.test.ctx_size_out = p->ctx_size_out;
	attr.test.repeat = p->repeat;
	attr.test.flags = p->flags;
	attr.test.cpu = p->cpu;
	ret = sys_bpf(BPF_PROG_TEST_RUN, &attr, ATTR_SIZE(test.batch_size), SYS_RUN, p->why);
	/* ENOSPC: a buffer was too small, but the program ran and retval,
	 * duration and the sizes were written (bpf_test_finish) */
	if (ret < 0 && ret != -ENOSPC)
		return err_set(eb, (int)ret, "BPF_PROG_TEST_RUN (data_size_in %u, "
			       "ctx_size_in %u, repeat %u): %s", p->data_size_in,
			       p->ctx_size_in, p->repeat, err_str((int)ret));
	r->retval = attr.test.retval;
	r->duration = attr.test.duration;
	r->data_size_out = attr.test.data_size_out;
	r->ctx_size_out = attr.test.ctx_size_out;
	r->truncated = ret == -ENOSPC;
	return 0;
}

int test_run_takes_packet(uint32_t prog_type)
{
	switch (prog_type) {
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT:
	case BPF_PROG_TYPE_LWT_SEG6LOCAL:
	case BPF_PROG_TYPE_FLOW_DISSECTOR:
	case RL_BPF_PROG_TYPE_NETFILTER:
		return 1;
	default:
		return 0;
	}
}

int test_run_takes_repeat(uint32_t prog_type)
{
	return prog_type != BPF_PROG_TYPE_SYSCALL && prog_type != BPF_PROG_TYPE_RAW_TRACEPOINT;
}

int test_run_timed(uint32_t prog_type)
{
	return test_run_takes_packet(prog_type) || prog_type == BPF_PROG_TYPE_SK_LOOKUP;
}

int test_run_ctx_out(uint32_t prog_type)
{
	/* netfilter reads its hook state but writes nothing back */
	return (test_run_takes_packet(prog_type) && prog_type != RL_BPF_PROG_TYPE_NETFILTER) ||
	       prog_type == BPF_PROG_TYPE_SK_LOOKUP;
}

const char *test_run_retval_name(uint32_t prog_type, uint32_t retval)
{
	/* enum xdp_action */
	static const char *const xdp[] = {
		"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT",
	};
	/* TC_ACT_* from <linux/pkt_cls.h>; -1 is TC_ACT_UNSPEC */
	static const char *const tc[] = {
		"TC_ACT_OK", "TC_ACT_RECLASSIFY", "TC_ACT_SHOT", "TC_ACT_PIPE",
		"TC_ACT_STOLEN", "TC_ACT_QUEUED", "TC_ACT_REPEAT", "TC_ACT_REDIRECT",
		"TC_ACT_TRAP",
	};

	switch (prog_type) {
	case BPF_PROG_TYPE_XDP:
		return retval < sizeof(xdp) / sizeof(xdp[0]) ? xdp[retval] : NULL;
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		if (retval == UINT32_MAX)
			return "TC_ACT_UNSPEC";
		return retval < sizeof(tc) / sizeof(tc[0]) ? tc[retval] : NULL;
	case BPF_PROG_TYPE_SK_LOOKUP:
		return retval == SK_PASS ? "SK_PASS" : retval == SK_DROP ? "SK_DROP" : NULL;
	case BPF_PROG_TYPE_CGROUP_SKB:
		/* bit 0: let the packet through; bit 1 (egress): congestion */
		return retval == 0 ? "drop" : retval == 1 ? "allow" : NULL;
	case BPF_PROG_TYPE_SOCKET_FILTER:
		/* the bytes the socket gets; 0 drops the packet */
		return retval == 0 ? "drop" : NULL;
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT:
	case BPF_PROG_TYPE_LWT_SEG6LOCAL:
	case BPF_PROG_TYPE_FLOW_DISSECTOR:
		/* enum bpf_ret_code */
		return retval == BPF_OK ? "BPF_OK" : retval == BPF_DROP ? "BPF_DROP" :
		       retval == BPF_REDIRECT ? "BPF_REDIRECT" :
		       retval == BPF_LWT_REROUTE ? "BPF_LWT_REROUTE" : NULL;
	case RL_BPF_PROG_TYPE_NETFILTER:
		return retval == 0 ? "NF_DROP" : retval == 1 ? "NF_ACCEPT" : NULL;
	default:
		return NULL;
	}
}

/* The IPv4 header checksum (RFC 791): the one's complement of the one's
 * complement sum of the header's 16-bit words, checksum field as 0. */
static uint16_t ip_checksum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t test_run_builtin_packet(uint32_t prog_type, uint8_t *buf, size_t cap)
{
	static const uint8_t pkt[TEST_RUN_PACKET_LEN] = {
		/* Ethernet: dst, src, type IPv4 */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x08, 0x00,
		/* IPv4: version 4, IHL 5; TOS 0; total length 46; id 0; DF;
		 * TTL 64; UDP; checksum (below); 10.0.0.1 -> 10.0.0.2 */
		0x45, 0x00, 0x00, 46, 0x00, 0x00, 0x40, 0x00, 64, 17, 0x00, 0x00,
		10, 0, 0, 1, 10, 0, 0, 2,
		/* UDP: 40000 -> 9, length 26, checksum 0 (none) */
		0x9c, 0x40, 0x00, 9, 0x00, 26, 0x00, 0x00,
		/* payload */
		'r', 'a', 'w', 'l', 'o', 'a', 'd', ' ', '-', '-', 'r', 'u', 'n', ' ',
		'p', 'k', 't', '\n',
	};
	uint8_t tmp[TEST_RUN_PACKET_LEN];
	size_t skip = prog_type == RL_BPF_PROG_TYPE_NETFILTER ? 14 : 0;
	size_t n = sizeof(pkt) - skip;
	uint16_t sum;

	memcpy(tmp, pkt, sizeof(pkt));
	sum = ip_checksum(tmp + 14, 20);
	tmp[24] = (uint8_t)(sum >> 8);
	tmp[25] = (uint8_t)sum;
	memcpy(buf, tmp + skip, n < cap ? n : cap);
	return n;
}
