/*
 * bpf/prog.c - BPF_PROG_LOAD and BPF_BTF_LOAD, with their logs.
 *
 * The verifier log is asked for only after a refusal (as libbpf does):
 * producing it costs the kernel time on every load, and a load that
 * succeeds has nothing to say. The retry keeps the first errno: with a
 * log buffer that is too small the kernel answers ENOSPC, which must not
 * hide the real reason (EACCES, EINVAL, ...).
 */
#include "prog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * union bpf_attr as of Linux 6.4+ for BPF_PROG_LOAD / BPF_BTF_LOAD: after
 * the last field Debian 12's 6.1 header knows, newer kernels put
 * log_true_size, where they report the log size the program needed. An
 * older kernel reads our zeros there as "no such field" and never writes.
 */
struct attr_ext {
	union bpf_attr a;
	uint8_t tail[32];
};
#define PROG_LOG_TRUE_SIZE_OFF (offsetof(union bpf_attr, core_relo_rec_size) + 4)
#define PROG_ATTR_SIZE (PROG_LOG_TRUE_SIZE_OFF + 4)
#define BTF_LOG_TRUE_SIZE_OFF (offsetof(union bpf_attr, btf_log_level) + 4)
#define BTF_ATTR_SIZE (BTF_LOG_TRUE_SIZE_OFF + 4)

#define LOG_START (256u << 10)
#define LOG_MAX (1u << 30) /* the kernel's limit: UINT_MAX >> 2 */

static uint32_t read_u32(const struct attr_ext *x, size_t off)
{
	uint32_t v;

	memcpy(&v, (const char *)x + off, sizeof(v));
	return v;
}

/*
 * prog_attr - the PROG_LOAD fields, and why:
 *   prog_type, expected_attach_type: what the program is and where it will
 *       attach; the verifier picks the context type and helpers from them.
 *   insns, insn_cnt, license: the code; GPL-only helpers need a GPL license.
 *   kern_version: only checked by kernels before 5.0 for kprobes.
 *   prog_flags: BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS from the section name.
 *   prog_name: what bpftool shows (15 bytes).
 *   prog_btf_fd, func_info*, line_info*: the object's BTF and which
 *       instruction is which function / source line; the verifier checks
 *       global functions by their BTF prototype and prints source lines.
 *   attach_btf_id, attach_btf_obj_fd: the kernel function or hook a
 *       tp_btf/fentry/fexit/lsm program is verified against.
 *   attach_prog_fd (the same field as attach_btf_obj_fd): for freplace,
 *       the loaded program holding the function attach_btf_id names (an
 *       id in that program's BTF, not the kernel's).
 *   fd_array: maps referenced by index (unused by clang objects).
 */
static void prog_attr(const struct prog_params *p, struct attr_ext *x)
{
	union bpf_attr *a = &x->a;

	memset(x, 0, sizeof(*x));
	a->prog_type = p->prog_type;
	a->expected_attach_type = p->expected_attach_type;
	a->insns = (uint64_t)(uintptr_t)p->insns;
	a->insn_cnt = p->insn_cnt;
	a->license = (uint64_t)(uintptr_t)p->license;
	a->kern_version = p->kern_version;
	a->prog_flags = p->prog_flags;
	/* the kernel keeps 15 characters and a NUL (BPF_OBJ_NAME_LEN); @x
	 * is zeroed, so copying at most 15 leaves the NUL */
	memcpy(a->prog_name, p->name, strnlen(p->name, sizeof(a->prog_name) - 1));
	if (p->btf_fd >= 0) {
		a->prog_btf_fd = (uint32_t)p->btf_fd;
		if (p->func_info_cnt) {
			a->func_info_rec_size = sizeof(struct bpf_func_info);
			a->func_info = (uint64_t)(uintptr_t)p->func_info;
			a->func_info_cnt = p->func_info_cnt;
		}
		if (p->line_info_cnt) {
			a->line_info_rec_size = sizeof(struct bpf_line_info);
			a->line_info = (uint64_t)(uintptr_t)p->line_info;
			a->line_info_cnt = p->line_info_cnt;
		}
	}
	a->attach_btf_id = p->attach_btf_id;
	if (p->attach_btf_obj_fd >= 0)
		a->attach_btf_obj_fd = (uint32_t)p->attach_btf_obj_fd;
	else if (p->attach_prog_fd >= 0)
		a->attach_prog_fd = (uint32_t)p->attach_prog_fd;
	a->fd_array = (uint64_t)(uintptr_t)p->fd_array;
	/* BPF_LOG_STATS alone: a few lines ("processed N insns ...",
	 * "stack depth ..."), written on success too; the full log is
	 * fetched only after a refusal (fetch_prog_log) */
	if (p->stats && p->stats_size) {
		p->stats[0] = '\0';
		a->log_level = 4;
		a->log_buf = (uint64_t)(uintptr_t)p->stats;
		a->log_size = p->stats_size;
	}
}

/* Load again with a log buffer, grown until the log fits. */
static void fetch_prog_log(const struct prog_params *p, char **log)
{
	uint32_t size = LOG_START;
	struct attr_ext x;

	*log = NULL;
	for (int tries = 0; tries < 6 && size <= LOG_MAX; tries++) {
		char *buf;
		uint32_t need;
		long r;

		/* each try verifies the program again, with the log on (slower
		 * than the first time: a refused 1M-instruction walk takes 1.5 s
		 * or more): after Ctrl-C no further try */
		if (p->interrupted && *p->interrupted)
			return;
		if (!(buf = calloc(1, size)))
			return;
		prog_attr(p, &x);
		x.a.log_level = 1;
		x.a.log_size = size;
		x.a.log_buf = (uint64_t)(uintptr_t)buf;
		r = sys_bpf(BPF_PROG_LOAD, &x.a, PROG_ATTR_SIZE, SYS_LOAD,
			    "load again, asking the verifier for its log");
		if (r >= 0)	/* refused once, accepted now: keep no program */
			close((int)r);
		if (r != -ENOSPC) {
			*log = buf;
			return;
		}
		free(buf);
		/* Kernels since 6.4 report the size the log needed. */
		need = read_u32(&x, PROG_LOG_TRUE_SIZE_OFF);
		size = need > size ? need : size * 4;
	}
}

int prog_load(const struct prog_params *p, char **log, struct errbuf *eb)
{
	struct attr_ext x;
	long fd;

	if (log)
		*log = NULL;
	/* EAGAIN: the verifier was interrupted (a signal, or need_resched
	 * in a long verification); libbpf tries up to 5 times, so do we. */
	for (int tries = 0; tries < 5; tries++) {
		prog_attr(p, &x);
		fd = sys_bpf(BPF_PROG_LOAD, &x.a, PROG_ATTR_SIZE, SYS_LOAD, p->why);
		/* a stats log that overflowed fails the load (ENOSPC, 6.4+'s
		 * log): the statistics were only wanted, load without */
		if (fd == -ENOSPC && x.a.log_level) {
			x.a.log_level = 0;
			x.a.log_buf = 0;
			x.a.log_size = 0;
			fd = sys_bpf(BPF_PROG_LOAD, &x.a, PROG_ATTR_SIZE, SYS_LOAD,
				     "again, without the statistics log that did not fit");
		}
		if (fd != -EAGAIN || (p->interrupted && *p->interrupted))
			break;
	}
	if (fd >= 0)
		return (int)fd;
	/* The user asked to stop during the verification: the log would
	 * cost a second verification just as long, for nobody to read. */
	if (p->interrupted && *p->interrupted)
		return err_set(eb, -EINTR, "BPF_PROG_LOAD interrupted (%s); the verifier's log "
			       "was not fetched", err_str((int)fd));
	if (log)
		fetch_prog_log(p, log);
	if (p->interrupted && *p->interrupted)
		return err_set(eb, -EINTR, "BPF_PROG_LOAD refused (%s), then interrupted while "
			       "fetching the verifier's log", err_str((int)fd));
	return err_set(eb, (int)fd, "BPF_PROG_LOAD (type %u, %u instructions): %s",
		       p->prog_type, p->insn_cnt, err_str((int)fd));
}

/*
 * btf_load_kernel - BPF_BTF_LOAD: btf (the raw bytes), btf_size, and on
 * retry btf_log_buf/size/level. The kernel checks the whole BTF (every
 * type, name and DATASEC) before any map or program may refer to it.
 */
int btf_load_kernel(const void *data, uint32_t size, const char *why,
		    enum sys_tag tag, char **log, struct errbuf *eb)
{
	struct attr_ext x;
	long fd;

	if (log)
		*log = NULL;
	memset(&x, 0, sizeof(x));
	x.a.btf = (uint64_t)(uintptr_t)data;
	x.a.btf_size = size;
	fd = sys_bpf(BPF_BTF_LOAD, &x.a, BTF_ATTR_SIZE, tag, why);
	if (fd >= 0)
		return (int)fd;
	/* EPERM is decided before the BTF is read (CAP_BPF): no log */
	if (log && fd != -EPERM && (*log = calloc(1, LOG_START))) {
		long r;

		x.a.btf_log_buf = (uint64_t)(uintptr_t)*log;
		x.a.btf_log_size = LOG_START;
		x.a.btf_log_level = 1;
		r = sys_bpf(BPF_BTF_LOAD, &x.a, BTF_ATTR_SIZE, tag,
			    "load the BTF again, asking for the kernel's BTF log");
		if (r >= 0)
			close((int)r);
	}
	return err_set(eb, (int)fd, "BPF_BTF_LOAD (%u bytes): %s", size,
		       err_str((int)fd));
}

int prog_bind_map(int prog_fd, int map_fd, const char *why, struct errbuf *eb)
{
	union bpf_attr attr;
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.prog_bind_map.prog_fd = (uint32_t)prog_fd;
	attr.prog_bind_map.map_fd = (uint32_t)map_fd;
	r = sys_bpf(BPF_PROG_BIND_MAP, &attr, ATTR_SIZE(prog_bind_map.flags), SYS_LOAD, why);
	if (r < 0)
		return err_set(eb, (int)r, "BPF_PROG_BIND_MAP: %s", err_str((int)r));
	return 0;
}
