/*
 * bpf/hook.h - the kernel calls that attach a loaded program to a hook,
 * the kernel's name for a place where programs run (a tracepoint, a
 * function's entry, a cgroup's socket layer). The hook_* functions of
 * bpf/ make the calls; attach/attach*.c decide which ones (attach_*).
 * Each returns an fd that holds the attachment: closing it detaches (a
 * BPF link, or a perf event carrying the program).
 */
#ifndef RAWLOAD_BPF_HOOK_H
#define RAWLOAD_BPF_HOOK_H

#include <stddef.h>
#include <stdint.h>

#include "elf/err.h"
#include "elf/uapi.h"

/* tracepoint CATEGORY:NAME through the perf event of its id, read under
 * @tracefs (the caller makes sure tracefs is mounted there). */
int hook_tracepoint(int prog_fd, const char *tracefs, const char *category,
		      const char *name, struct errbuf *eb);
/* raw tracepoint NAME (raw_tp/ programs), or a BTF-typed program whose
 * target was fixed at load (tp_btf, fentry, fexit, lsm) with name NULL. */
int hook_raw_tp(int prog_fd, const char *name, struct errbuf *eb);

/* Attach to perf event @pfd, which this takes over (closed on failure,
 * or held by the returned link). Returns the link fd, or @pfd itself on
 * kernels without perf links. @what names the event in errors. */
int hook_perf_event(int prog_fd, int pfd, const char *what, struct errbuf *eb);

/* Like hook_perf_event, with BPF cookie @cookie on the link (5.15+; no
 * fallback to the ioctl, which cannot carry one). Returns the link fd. */
int hook_perf_event_cookie(int prog_fd, int pfd, uint64_t cookie, const char *what,
			     struct errbuf *eb);

/* BPF_LINK_CREATE of @prog_fd at @target (an fd, an ifindex, or 0) with
 * @attach_type. Returns the link fd; @what names the target in errors. */
int hook_link_create(int prog_fd, uint32_t target, uint32_t attach_type,
		       const char *what, struct errbuf *eb);

/* A tracing program (tp_btf, fentry, fexit, fmod_ret, lsm) at the BTF
 * target it was loaded for: BPF_LINK_CREATE with target_fd 0 and
 * @attach_type = its expected_attach_type, falling back to
 * BPF_RAW_TRACEPOINT_OPEN with name NULL on kernels before 5.10's tracing
 * links. @what is "fentry:FN" etc. */
int hook_tracing(int prog_fd, uint32_t attach_type, const char *what,
		   struct errbuf *eb);

/* Where a kprobe_multi link runs its program. */
enum kmulti_mode {
	KMULTI_ENTRY,	/* kprobe.multi: at entry (BPF_TRACE_KPROBE_MULTI) */
	KMULTI_RETURN,	/* kretprobe.multi: at return (BPF_F_KPROBE_MULTI_RETURN) */
	KMULTI_SESSION,	/* kprobe.session (6.10+): at entry and, unless the
			   entry run returned non-zero, at return
			   (BPF_TRACE_KPROBE_SESSION) */
};

/* A kprobe_multi link (5.18+, CONFIG_FPROBE): @prog_fd at all @n
 * functions @syms, as @mode says, in one BPF_LINK_CREATE; the kernel
 * resolves the names. The program must have been loaded with the matching
 * expected_attach_type (KPROBE_MULTI, or KPROBE_SESSION for
 * KMULTI_SESSION). @what names it. */
int hook_kprobe_multi(int prog_fd, char *const *syms, size_t n, enum kmulti_mode mode,
			const char *what, struct errbuf *eb);

/* A uprobe.multi link (6.6+, CONFIG_UPROBES): @prog_fd, loaded with
 * expected_attach_type BPF_TRACE_UPROBE_MULTI, at the @n file offsets
 * @offsets of the file @path (absolute: the kernel looks it up), at entry
 * or, with @retprobe, at return, in processes of @pid only (0: every
 * process), all in one BPF_LINK_CREATE. @what names it in errors. */
int hook_uprobe_multi(int prog_fd, const char *path, const uint64_t *offsets, size_t n,
			int retprobe, uint32_t pid, const char *what, struct errbuf *eb);

/* The sites of one uprobe.multi link, for USDT probes: per site a file
 * offset and, in arrays that may be NULL (none), the file offset of a
 * semaphore (0: none) and a BPF cookie. */
struct umulti_sites {
	const char *path;		/* absolute */
	const uint64_t *offsets;	/* [n] */
	const uint64_t *ref_ctr_offsets;/* [n] or NULL */
	const uint64_t *cookies;	/* [n] or NULL */
	size_t n;
	const char *unit;		/* what a site is, for --explain: "function" */
};

/* hook_uprobe_multi() with @s's semaphores and cookies. Returns the
 * link fd (the caller closes it) or -errno with @eb. */
int hook_uprobe_multi_sites(int prog_fd, const struct umulti_sites *s, int retprobe,
			      uint32_t pid, const char *what, struct errbuf *eb);

/* Does this kernel have uprobe_multi links with per-process filtering
 * (libbpf's probe, see bpf/hook.c)? 1 or 0; -errno with @eb when it
 * cannot tell (the probe program refused, EPERM). */
int probe_uprobe_multi_link(struct errbuf *eb);

/* Register struct_ops map @map_fd (created with BPF_F_LINK, its value
 * written) through a link: BPF_LINK_CREATE with the map in place of a
 * program. Closing the link unregisters it. Returns the link fd; @what
 * names the map in errors. */
int hook_struct_ops_link(int map_fd, const char *what, struct errbuf *eb);

/* An iterator program (SEC("iter/task"), ...) runs only when read: its
 * link (BPF_LINK_CREATE, BPF_TRACE_ITER) fixes what it walks, and each
 * BPF_ITER_CREATE on the link opens a fresh walk, a file whose read()s
 * run the program over the next objects and return what it printed with
 * bpf_seq_printf. Returns that fd; @what names it in errors. */
int hook_iter_open(int link_fd, const char *what, struct errbuf *eb);

#endif
