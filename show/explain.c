/*
 * show/explain.c - the teaching view: each call rawload makes, decoded.
 *
 * bpf/sys.c reports every bpf(), perf_event_open() and ioctl() to the
 * sys_trace hook after it returns; this file prints the command, the attr
 * fields that matter for it, the result (fd or errno), and the caller's
 * one-line reason, tagged [load], [attach], [probe] or [run].
 */
#include "explain.h"

#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bpf/probe.h"
#include "bpf/sys.h"
#include "explain_nl.h"
#include "elf/secdef.h"
#include "elf/uapi.h"

static int enabled;

static const char *tag_name(enum sys_tag t)
{
	static const char *const n[] = { "load", "attach", "probe", "run", "detach" };
	return (unsigned)t < 5 ? n[t] : "?";
}

/* BPF_PROG_TEST_RUN's attr.test: the inputs given, then (the hook runs
 * after the call) what the kernel wrote back over the attr: retval, the
 * average duration, and the sizes of the packet and context it copied
 * out (data_size_out and ctx_size_out went in as the buffers' capacity).
 * Zero inputs are left out: the kernel reads them as "none". */
static void decode_test_run(FILE *o, const union bpf_attr *a)
{
	fprintf(o, "{prog_fd=%u", a->test.prog_fd);
	if (a->test.data_in)
		fprintf(o, ", data_in=<%u bytes>, data_size_in=%u", a->test.data_size_in,
			a->test.data_size_in);
	if (a->test.data_out)
		fputs(", data_out=<buffer>", o);
	if (a->test.ctx_in)
		fprintf(o, ", ctx_in=<%u bytes>, ctx_size_in=%u", a->test.ctx_size_in,
			a->test.ctx_size_in);
	if (a->test.ctx_out)
		fputs(", ctx_out=<buffer>", o);
	if (a->test.repeat)
		fprintf(o, ", repeat=%u", a->test.repeat);
	if (a->test.flags)
		fprintf(o, ", flags=0x%x, cpu=%u", a->test.flags, a->test.cpu);
	fprintf(o, "} -> {retval=%u, duration=%u", a->test.retval, a->test.duration);
	if (a->test.data_out)
		fprintf(o, ", data_size_out=%u", a->test.data_size_out);
	if (a->test.ctx_out)
		fprintf(o, ", ctx_size_out=%u", a->test.ctx_size_out);
	fputc('}', o);
}

/*
 * link_create.kprobe_multi: flags (BPF_F_KPROBE_MULTI_RETURN, bit 0), cnt,
 * and three user pointers to cnt entries each: syms (char *[], names the
 * kernel looks up in kallsyms), addrs (unsigned long[], instead of syms),
 * cookies (u64[], for bpf_get_attach_cookie). The call has returned but
 * the caller's arrays are still alive, so the first names are shown.
 */
static void decode_kprobe_multi(FILE *o, const union bpf_attr *a)
{
	const char *const *syms = (const char *const *)(uintptr_t)a->link_create.kprobe_multi.syms;
	uint32_t cnt = a->link_create.kprobe_multi.cnt, f = a->link_create.kprobe_multi.flags;

	fprintf(o, ", kprobe_multi={flags=%s", f & 1 ? "RETURN" : f ? "" : "0");
	if (f & ~1u)
		fprintf(o, "%s0x%x", f & 1 ? "|" : "", f & ~1u);
	fprintf(o, ", cnt=%u, syms=", cnt);
	if (syms) {
		fputc('[', o);
		for (uint32_t i = 0; i < cnt && i < 3; i++)
			fprintf(o, "%s\"%s\"", i ? ", " : "", syms[i] ? syms[i] : "");
		fprintf(o, "%s]", cnt > 3 ? ", ..." : "");
	} else {
		fputs("NULL", o);
	}
	if (a->link_create.kprobe_multi.addrs)
		fprintf(o, ", addrs=<%u x unsigned long>", cnt);
	if (a->link_create.kprobe_multi.cookies)
		fprintf(o, ", cookies=<%u x u64>", cnt);
	fputc('}', o);
}

/* BPF_MAP_CREATE's fields, strace's way (flags by name). */
static void decode_map_create(FILE *o, const union bpf_attr *a)
{
	fprintf(o, "{map_type=%s, key_size=%u, value_size=%u, max_entries=%u, "
		"map_flags=", obj_map_type_name(a->map_type), a->key_size,
		a->value_size, a->max_entries);
	if (a->map_flags) {
		char fl[160];

		obj_map_flags_str(a->map_flags, fl, sizeof(fl));
		fputs(fl, o);
	} else {
		fputs("0x0", o);	/* as strace prints it */
	}
	fprintf(o, ", map_name=\"%.16s\"", a->map_name);
	if (a->inner_map_fd)
		fprintf(o, ", inner_map_fd=%u", a->inner_map_fd);
	if (a->btf_fd)
		fprintf(o, ", btf_fd=%u, btf_key_type_id=%u, btf_value_type_id=%u",
			a->btf_fd, a->btf_key_type_id, a->btf_value_type_id);
	if (a->btf_vmlinux_value_type_id)
		fprintf(o, ", btf_vmlinux_value_type_id=%u", a->btf_vmlinux_value_type_id);
	fputc('}', o);
}

/* BPF_PROG_LOAD's fields: the ones a load sets, and the log's. */
static void decode_prog_load(FILE *o, const union bpf_attr *a)
{
	fprintf(o, "{prog_type=%s, insn_cnt=%u, license=\"%s\", prog_name=\"%.16s\"",
		secdef_prog_type_name(a->prog_type), a->insn_cnt,
		(const char *)(uintptr_t)a->license, a->prog_name);
	/* struct_ops: the index of the member the program fills */
	if (a->prog_type == BPF_PROG_TYPE_STRUCT_OPS)
		fprintf(o, ", expected_attach_type=%u (member index)",
			a->expected_attach_type);
	else if (a->expected_attach_type)
		fprintf(o, ", expected_attach_type=%s",
			secdef_attach_type_name(a->expected_attach_type));
	if (a->prog_flags)
		fprintf(o, ", prog_flags=0x%x", a->prog_flags);
	if (a->prog_btf_fd)
		fprintf(o, ", prog_btf_fd=%u, func_info_cnt=%u, line_info_cnt=%u",
			a->prog_btf_fd, a->func_info_cnt, a->line_info_cnt);
	if (a->attach_btf_id)
		fprintf(o, ", attach_btf_id=%u", a->attach_btf_id);
	/* freplace, fentry/fexit on a BPF function: the program holding
	 * that function (one field with attach_btf_obj_fd, which
	 * rawload does not use, named for what it holds) */
	if (a->prog_type == BPF_PROG_TYPE_EXT ||
	    (a->prog_type == BPF_PROG_TYPE_TRACING && a->attach_prog_fd))
		fprintf(o, ", attach_prog_fd=%u", a->attach_prog_fd);
	if (a->log_level)
		fprintf(o, ", log_level=%u, log_size=%u", a->log_level, a->log_size);
	fputc('}', o);
}

/* BPF_LINK_CREATE: the common fields, then the per-type union's words
 * for the attach types that use them. */
static void decode_link_create(FILE *o, const union bpf_attr *a)
{
	/* BPF_STRUCT_OPS links a map: the same slot, named map_fd.
	 * attach_type 0 with no target is an extension's link (a cgroup
	 * link, the other 0, always has its cgroup's fd): the kernel
	 * ignores the type there, and 0 is not CGROUP_INET_INGRESS */
	fprintf(o, "{%s=%u, target_fd=%u, attach_type=%s",
		a->link_create.attach_type == RL_BPF_STRUCT_OPS ? "map_fd" : "prog_fd",
		a->link_create.prog_fd,
		a->link_create.target_fd,
		!a->link_create.attach_type && !a->link_create.target_fd ? "0" :
		secdef_attach_type_name(a->link_create.attach_type));
	/* BPF_NETFILTER: link_create.netfilter, pf/hooknum/priority,
	 * the first words of the per-type union (bpf/net.c) */
	if (a->link_create.attach_type == RL_BPF_NETFILTER) {
		uint32_t nf[3];

		memcpy(nf, &a->link_create.target_btf_id, sizeof(nf));
		fprintf(o, ", netfilter={pf=%u, hooknum=%u, priority=%d}", nf[0], nf[1],
			(int32_t)nf[2]);
	}
	/* BPF_TRACE_UPROBE_MULTI: link_create.uprobe_multi, the
	 * per-type union's words as bpf/hook.c lays them out */
	if (a->link_create.attach_type == RL_BPF_TRACE_UPROBE_MULTI) {
		uint64_t p[4];
		uint32_t w[3];

		memcpy(p, &a->link_create.target_btf_id, sizeof(p));
		memcpy(w, (const char *)&a->link_create.target_btf_id + sizeof(p),
		       sizeof(w));
		fprintf(o, ", uprobe_multi={path=\"%s\", offsets=<%u x u64>",
			p[0] ? (const char *)(uintptr_t)p[0] : "", w[0]);
		/* USDT (attach/attach_usdt.c): the semaphores, and the
		 * cookies, which are spec ids, so worth seeing */
		if (p[2])
			fprintf(o, ", ref_ctr_offsets=<%u x u64>", w[0]);
		if (p[3]) {
			const uint64_t *ck = (const uint64_t *)(uintptr_t)p[3];

			fputs(", cookies=[", o);
			for (uint32_t i = 0; i < w[0] && i < 8; i++)
				fprintf(o, "%s%llu", i ? ", " : "", (unsigned long long)ck[i]);
			fputs(w[0] > 8 ? ", ...]" : "]", o);
		}
		fprintf(o, ", cnt=%u, flags=%s, pid=%u}", w[0],
			w[1] & RL_BPF_F_UPROBE_MULTI_RETURN ? "RETURN" : "0", w[2]);
	}
	/* BPF_TRACE_KPROBE_MULTI and BPF_TRACE_KPROBE_SESSION (6.10):
	 * link_create.kprobe_multi */
	if (a->link_create.attach_type == BPF_TRACE_KPROBE_MULTI ||
	    a->link_create.attach_type == RL_BPF_TRACE_KPROBE_SESSION)
		decode_kprobe_multi(o, a);
	if (a->link_create.attach_type == BPF_PERF_EVENT && a->link_create.perf_event.bpf_cookie)
		fprintf(o, ", perf_event={bpf_cookie=%llu}",
			(unsigned long long)a->link_create.perf_event.bpf_cookie);
	fputc('}', o);
}

static void decode_bpf(FILE *o, int cmd, const union bpf_attr *a)
{
	switch (cmd) {
	case BPF_MAP_CREATE:
		decode_map_create(o, a);
		break;
	case BPF_MAP_UPDATE_ELEM:
	case BPF_MAP_LOOKUP_ELEM:
		fprintf(o, "{map_fd=%u, key=0x%llx, value=0x%llx, flags=%llu}", a->map_fd,
			(unsigned long long)a->key, (unsigned long long)a->value,
			(unsigned long long)a->flags);
		break;
	case BPF_MAP_DELETE_ELEM:
		fprintf(o, "{map_fd=%u, key=0x%llx}", a->map_fd, (unsigned long long)a->key);
		break;
	case BPF_MAP_GET_NEXT_KEY:
	case BPF_MAP_FREEZE:
		fprintf(o, "{map_fd=%u}", a->map_fd);
		break;
	case BPF_BTF_LOAD:
		fprintf(o, "{btf=<%u bytes>, btf_size=%u, btf_log_level=%u}", a->btf_size,
			a->btf_size, a->btf_log_level);
		break;
	case BPF_PROG_LOAD:
		decode_prog_load(o, a);
		break;
	case BPF_OBJ_PIN:
	case BPF_OBJ_GET:
		fprintf(o, "{pathname=\"%s\", bpf_fd=%u}", (const char *)(uintptr_t)a->pathname,
			a->bpf_fd);
		break;
	case BPF_LINK_CREATE:
		decode_link_create(o, a);
		break;
	case BPF_PROG_ATTACH:
	case BPF_PROG_DETACH:
		fprintf(o, "{target_fd=%u, attach_bpf_fd=%u, attach_type=%s", a->target_fd,
			a->attach_bpf_fd, secdef_attach_type_name(a->attach_type));
		if (cmd == BPF_PROG_ATTACH)
			fprintf(o, ", attach_flags=0x%x", a->attach_flags);
		fputc('}', o);
		break;
	case BPF_PROG_GET_FD_BY_ID:
		fprintf(o, "{prog_id=%u}", a->prog_id);
		break;
	case BPF_BTF_GET_FD_BY_ID:
		fprintf(o, "{btf_id=%u}", a->btf_id);
		break;
	case BPF_OBJ_GET_INFO_BY_FD:
		fprintf(o, "{bpf_fd=%u, info_len=%u}", a->info.bpf_fd, a->info.info_len);
		break;
	case BPF_PROG_BIND_MAP:
		fprintf(o, "{prog_fd=%u, map_fd=%u}", a->prog_bind_map.prog_fd,
			a->prog_bind_map.map_fd);
		break;
	case BPF_ITER_CREATE:
		fprintf(o, "{link_fd=%u}", a->iter_create.link_fd);
		break;
	case BPF_PROG_TEST_RUN:
		decode_test_run(o, a);
		break;
	case BPF_RAW_TRACEPOINT_OPEN:
		fprintf(o, "{name=\"%s\", prog_fd=%u}",
			a->raw_tracepoint.name ? (const char *)(uintptr_t)a->raw_tracepoint.name
					       : "", a->raw_tracepoint.prog_fd);
		break;
	default:
		fputs("{...}", o);
	}
}

/* The socket calls of tc (netlink) and socket filters (packet sockets):
 * args[] holds the fd or domain, then level/type, optname/protocol, len. */
static void decode_socket(FILE *o, const struct sys_call *c)
{
	switch (c->cmd) {
	case SOCK_OPEN:
		fprintf(o, "socket(%s, %s, %ld)", c->args[0] == AF_NETLINK ? "AF_NETLINK" :
			c->args[0] == AF_PACKET ? "AF_PACKET" : "?",
			c->args[1] == (SOCK_RAW | SOCK_CLOEXEC) ? "SOCK_RAW|SOCK_CLOEXEC" : "?",
			c->args[2]);
		break;
	case SOCK_BIND:
		fprintf(o, "bind(%ld, ..., %ld)", c->args[0], c->args[3]);
		break;
	case SOCK_SETSOCKOPT:
		fprintf(o, "setsockopt(%ld, %ld, %s, ..., %ld)", c->args[0], c->args[1],
			c->args[2] == SO_ATTACH_BPF ? "SO_ATTACH_BPF" : "?", c->args[3]);
		break;
	case SOCK_SEND:
		fprintf(o, "sendto(%ld, ", c->args[0]);
		explain_netlink(o, c->attr, (size_t)c->args[3]);
		fprintf(o, ", %ld)", c->args[3]);
		break;
	case SOCK_RECV:
		fprintf(o, "recvfrom(%ld, <reply>)", c->args[0]);
		break;
	default:
		fputs("socket call ?", o);
	}
}

/* perf_event_open's attr: the type by name (a kprobe or uprobe PMU's is
 * dynamic: probe_pmu_name), then what that type reads. A probe PMU's
 * config1 is a pointer to the function or file name (our own memory, read
 * here as strace -v does) and config2 the offset; a software event's
 * config is its counter; a tracepoint's its id in tracefs. */
static void decode_perf(FILE *o, const struct sys_call *c)
{
	static const char *const types[] = { "HARDWARE", "SOFTWARE", "TRACEPOINT", "HW_CACHE",
					     "RAW", "BREAKPOINT" };
	static const char *const sw[] = { "CPU_CLOCK", "TASK_CLOCK", "PAGE_FAULTS",
		"CONTEXT_SWITCHES", "CPU_MIGRATIONS", "PAGE_FAULTS_MIN", "PAGE_FAULTS_MAJ",
		"ALIGNMENT_FAULTS", "EMULATION_FAULTS", "DUMMY", "BPF_OUTPUT" };
	const struct perf_event_attr *pa = c->attr;
	const char *pmu = pa->type < 6 ? types[pa->type] : probe_pmu_name(pa->type);

	fprintf(o, "perf_event_open({type=%u", pa->type);
	if (pmu)
		fprintf(o, " (%s)", pmu);
	if (pa->type == PERF_TYPE_SOFTWARE && pa->config < sizeof(sw) / sizeof(sw[0]))
		fprintf(o, ", config=%s", sw[pa->config]);
	else
		fprintf(o, ", config=%llu", (unsigned long long)pa->config);
	if (pa->type >= 6) {
		if (pa->config1)
			fprintf(o, ", config1=\"%s\"", (const char *)(uintptr_t)pa->config1);
		fprintf(o, ", config2=0x%llx", (unsigned long long)pa->config2);
	}
	if (pa->freq)
		fprintf(o, ", sample_freq=%llu", (unsigned long long)pa->sample_freq);
	else
		fprintf(o, ", sample_period=%llu", (unsigned long long)pa->sample_period);
	if (pa->sample_type == PERF_SAMPLE_RAW)
		fputs(", sample_type=PERF_SAMPLE_RAW", o);
	if (pa->wakeup_events)
		fprintf(o, ", wakeup_events=%u", pa->wakeup_events);
	fprintf(o, "}, pid=%ld, cpu=%ld, group_fd=%ld, flags=%s)", c->args[0], c->args[1],
		c->args[2], c->args[3] == PERF_FLAG_FD_CLOEXEC ? "PERF_FLAG_FD_CLOEXEC" : "0x?");
}

static void decode_mmap(FILE *o, const struct sys_call *c)
{
	fprintf(o, "mmap(NULL, %ld, %s, MAP_SHARED, %ld, %ld)", c->args[0],
		c->args[1] == (PROT_READ | PROT_WRITE) ? "PROT_READ|PROT_WRITE" :
		c->args[1] == PROT_READ ? "PROT_READ" : "?", c->args[2], c->args[3]);
}

static void trace(const struct sys_call *c)
{
	FILE *o = stderr;

	fprintf(o, "  [%s] ", tag_name(c->tag));
	switch (c->kind) {
	case SYS_BPF:
		fprintf(o, "bpf(%s, ", sys_bpf_cmd_name(c->cmd));
		decode_bpf(o, c->cmd, c->attr);
		fputc(')', o);
		break;
	case SYS_PERF_EVENT_OPEN:
		decode_perf(o, c);
		break;
	case SYS_MMAP:
		decode_mmap(o, c);
		break;
	case SYS_WRITE:
		fprintf(o, "write(\"%s\", \"", (const char *)(uintptr_t)c->args[0]);
		/* as strace quotes it: a tracefs line ends in \n */
		for (unsigned i = 0; i < c->size; i++) {
			unsigned char ch = ((const unsigned char *)c->attr)[i];

			if (ch == '\n')
				fputs("\\n", o);
			else if (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\')
				fprintf(o, "\\x%02x", ch);
			else
				fputc(ch, o);
		}
		fprintf(o, "\", %u)", c->size);
		break;
	case SYS_IOCTL:
		fprintf(o, "ioctl(%ld, %s, %ld)", c->args[0],
			(unsigned)c->cmd == PERF_EVENT_IOC_SET_BPF ? "PERF_EVENT_IOC_SET_BPF" :
			(unsigned)c->cmd == PERF_EVENT_IOC_ENABLE ? "PERF_EVENT_IOC_ENABLE" :
								      "?", c->args[1]);
		break;
	case SYS_SOCKET:
		decode_socket(o, c);
		break;
	default:
		fputs("?", o);
	}
	if (c->result >= 0 && c->kind == SYS_MMAP)
		fprintf(o, " = 0x%lx\n", (unsigned long)c->result);
	else if (c->result >= 0)
		fprintf(o, " = %ld\n", c->result);
	else
		fprintf(o, " = -1 %s\n", err_str((int)c->result));
	if (c->why)
		fprintf(o, "           # %s\n", c->why);
}

void explain_enable(size_t nsteps)
{
	(void)nsteps;
	enabled = 1;
	sys_set_trace(trace);
}

void explain_step(size_t i, size_t n, const char *name)
{
	if (enabled)
		fprintf(stderr, "rawload: step %zu/%zu %s\n", i, n, name);
}

void explain_mount(const char *type, const char *dir)
{
	if (!enabled)
		return;
	fprintf(stderr, "  [mount] mount(\"%s\", \"%s\", \"%s\", 0, NULL) = 0\n"
		"           # %s was not mounted; mounted where it belongs, as bpftool does\n",
		type, dir, type, type);
}
