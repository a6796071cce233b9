/*
 * bpf/probe.h - kprobes and uprobes: a perf event on a kernel function or
 * on an instruction in an executable file, carrying a BPF program.
 */
#ifndef RAWLOAD_BPF_PROBE_H
#define RAWLOAD_BPF_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "elf/err.h"

/* Where to look; NULL fields mean the real system paths. */
struct probe_opts {
	const char *pmu_root;	/* default /sys/bus/event_source/devices */
	const char *tracefs;	/* where tracefs is mounted (loader/ makes sure
				   it is before the legacy path); NULL: look at
				   /sys/kernel/tracing, then debugfs's */
	int force_legacy;	/* use tracefs {k,u}probe_events even with a PMU */
};

/* One probe to attach. */
struct probe_spec {
	int uprobe;		/* 0: kprobe on @func; 1: uprobe in @path */
	int retprobe;		/* fire on return instead of entry */
	const char *func;	/* kprobe: kernel function name */
	const char *path;	/* uprobe: absolute path of the binary */
	uint64_t offset;	/* kprobe: bytes into @func; uprobe: file offset */
	uint64_t ref_ctr_offset;/* uprobe: file offset of a USDT semaphore the
				   kernel increments while the probe is in, or 0 */
	uint64_t bpf_cookie;	/* with @has_cookie: what bpf_get_attach_cookie()
				   returns in the program (USDT: the spec id) */
	int has_cookie;		/* attach through a BPF link carrying @bpf_cookie */
	int pid;		/* uprobe: fire only in process @pid (perf_event_open's
				   pid, cpu -1), or 0: in every process (pid -1,
				   cpu 0); kprobes take no process filter */
	const char *spec;	/* "kprobe:FN+OFF" as the user wrote it, for errors */
};

/*
 * Attach @prog_fd at @ps. Returns the fd that holds the attachment (a link
 * or a perf event). When the legacy tracefs path was taken, the event it
 * created is named in @legacy (else @legacy is ""): the caller removes it
 * with probe_legacy_remove() after closing the fd. Whether the kernel
 * has the function at all is the caller's to check first, from kallsyms
 * (attach/kprobe_check.c), so that a refusal can name the functions that
 * would work.
 */
int hook_probe(int prog_fd, const struct probe_spec *ps,
		 const struct probe_opts *o, char *legacy, size_t legacy_size,
		 struct errbuf *eb);

/* Remove legacy event @event ("rawload_PID_N") from kprobe_events or
 * uprobe_events. The perf event using it must be closed first (else
 * EBUSY). 0 or -errno. */
int probe_legacy_remove(const struct probe_opts *o, int uprobe, const char *event,
			struct errbuf *eb);

/* Does this kernel have the kprobe (@uprobe 0) or uprobe PMU? Without one
 * (or with @o->force_legacy) hook_probe takes the legacy tracefs path. */
int probe_has_pmu(const struct probe_opts *o, int uprobe);
/* "kprobe" or "uprobe" when @type is the dynamic PMU type of a probe this
 * run opened, else NULL (--explain's perf_event_open decoding). */
const char *probe_pmu_name(uint32_t type);

/* Does this kernel have kprobes at all (a kprobe PMU or kprobe_events)? */
int probe_kprobes_available(const struct probe_opts *o);

#endif
