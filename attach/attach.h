/*
 * attach/attach.h - from "--attach TYPE:TARGET" (or a section's target) to
 * the bpf/ calls that attach a loaded program, and back off again.
 */
#ifndef RAWLOAD_LOADER_ATTACH_H
#define RAWLOAD_LOADER_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/lwt.h"
#include "bpf/net.h"
#include "elf/object.h"

#define ATTACH_MAX 256

/* What must happen, besides closing the fd, to undo an attachment. */
enum attach_undo {
	UNDO_NONE,
	UNDO_KPROBE_EVENT,	/* write "-:kprobes/EVENT" to tracefs kprobe_events */
	UNDO_UPROBE_EVENT,	/* write "-:uprobes/EVENT" to uprobe_events */
	UNDO_TC_FILTER,		/* delete the cls_bpf filter (and our clsact) */
	UNDO_PROG_DETACH,	/* BPF_PROG_DETACH @detach from map @fd */
	UNDO_MAP_DELETE,	/* BPF_MAP_DELETE_ELEM key 0 of map @fd (a
				   copy): unregisters a .struct_ops map */
	UNDO_LWT_ROUTE,		/* delete the route holding an lwt program */
};

/* One attachment: the fd that holds it (-1 when the kernel object itself
 * holds the program, as a tc filter does; for UNDO_PROG_DETACH a copy of
 * the sockmap's fd, the target the detach names) and its undo step. */
struct attach_entry {
	int fd;
	enum attach_undo undo;
	char event[64];		/* UNDO_*_EVENT: the tracefs event name */
	struct tc_filter tc;	/* UNDO_TC_FILTER */
	struct lwt_route lwt;	/* UNDO_LWT_ROUTE */
	struct {
		int prog_fd;	/* a copy of the program's fd, ours to close */
		uint32_t attach_type; /* the hook it was attached with */
		char what[128];	/* "sockmap:NAME", for --explain */
	} detach;		/* UNDO_PROG_DETACH; UNDO_MAP_DELETE uses
				   its @what */
};

/* The array map <bpf/usdt.bpf.h> declares: a usdt program's argument specs,
 * which the loader writes at attach. */
#define USDT_SPECS_MAP "__bpf_usdt_specs"

/* What holds the attachments, undone newest first by attach_release. A
 * zeroed struct is an empty set. */
struct attach_set {
	struct attach_entry *ent; /* malloc'ed, @cap entries, @n used */
	size_t n, cap;
	uint32_t usdt_next_spec;  /* the next free index of __bpf_usdt_specs */
	uint32_t usdt_nspecs;	  /* its max_entries as created (--resize);
				     0: as the object declares it */
	int usdt_multi;		  /* 1: usdt programs are loaded for, and
				     attached with, one uprobe_multi link
				     each; 0: one perf-event uprobe per site.
				     Set by attach_usdt_pick_link() */
	int pid;		  /* --pid: the uprobe-family attaches of this
				     set (attach_takes_pid) fire only in this
				     process; 0 in every process. Set by the
				     caller before the first attach */
	/* An iterator is read once, when it is attached: its whole walk
	 * goes to @iter_output (attach/ prints nothing; loader/ does, as
	 * text or JSON); NULL drops it. */
	void (*iter_output)(void *ctx, const char *prog, const uint8_t *data, size_t n);
	void *iter_ctx;
};

/*
 * The ways rawload attaches, one per --attach TYPE. Each has one row of
 * attach.c's table: its name, the TARGET it takes (for --help), the
 * handler that attaches, the checks `plan` can make without the kernel,
 * and the rules below (which programs it fits, --pid, defaults). The
 * command line, --help, `--list-attach-types` (the shell completion's
 * source) and the section targets are all read through that one table.
 */
enum attach_how {
	AH_NONE = -1,		/* a section that names no way to attach */
	AH_KPROBE, AH_KRETPROBE, AH_KSYSCALL, AH_KRETSYSCALL,
	AH_UPROBE, AH_URETPROBE, AH_TRACEPOINT, AH_RAW_TP,
	AH_TP_BTF, AH_FENTRY, AH_FEXIT, AH_FMOD_RET, AH_LSM, AH_FREPLACE,
	AH_XDP, AH_TC, AH_CGROUP, AH_SOCKET, AH_PERF_EVENT, AH_ITER,
	AH_KPROBE_MULTI, AH_KRETPROBE_MULTI, AH_KPROBE_SESSION,
	AH_SOCKMAP, AH_NETNS, AH_NETFILTER, AH_LWT,
	AH_USDT, AH_UPROBE_MULTI, AH_URETPROBE_MULTI,
	AH_COUNT
};

/*
 * An --attach TYPE:TARGET, or a section's own target, read once: the way,
 * TARGET as given, and the fields its way uses (attach/attach_spec.c).
 * Strings point into @target, which must outlive the spec (argv, or the
 * object's section names).
 */
struct attach_spec {
	enum attach_how how;
	const char *target;
	union {
		struct { char cat[128]; const char *name; } tp;	/* tracepoint */
		struct { char func[160]; uint64_t offset; } probe; /* kprobe family */
		struct {
			size_t file_len;	/* PATH is target[0, file_len) */
			char sym[256];		/* SYMBOL, or "0x..." */
			int is_addr;		/* @sym is a file offset, @addr */
			uint64_t addr, extra;	/* +OFF after SYMBOL */
		} uprobe;
		struct { char ifname[64]; int dir; } tc;	/* dir -1: the section's,
								   0 ingress, 1 egress */
		struct { struct lwt_route route; const char *ifname; } lwt;
		struct { uint32_t pf, hooknum; int32_t prio; } nf;
		struct { uint64_t freq; } perf;
	} u;
};

/* Read @target for @how into @s (syntax only: nothing on the machine is
 * looked at). 0 or -EINVAL with @eb saying what form was expected. */
int attach_spec_parse(enum attach_how how, const char *target, struct attach_spec *s,
		      struct errbuf *eb);

/* Program @p's own section target as a spec: 1 with @s filled, 0 when
 * its section names none (attach_section_target), or -EINVAL with @eb. */
int attach_section_spec(const struct obj_prog *p, struct attach_spec *s, struct errbuf *eb);

/* "kprobe" for AH_KPROBE; "none" for AH_NONE. */
const char *attach_how_name(enum attach_how how);
/* The way named by the @len bytes at @name, or AH_NONE. */
enum attach_how attach_how_find(const char *name, size_t len);
/* What --help shows for it: "kprobe:FN[+OFF]". */
const char *attach_how_usage(enum attach_how how);

/* The way a program's own section means (AH_TRACEPOINT for
 * tracepoint/CAT/NAME, AH_KRETPROBE for kretprobe/FN, ...), or AH_NONE. */
enum attach_how attach_how_of(const struct obj_prog *p);

/* Is @how program @p's own way (or, for tc/xdp/socket/cgroup/perf_event/
 * sockmap/netns/lwt, its program type's)? */
int attach_type_fits(const struct obj_prog *p, enum attach_how how);
/* Does an --attach of @how given without --prog apply to program @prog?
 * Programs of exactly that way take it; when none of the @selected ones
 * is, programs of the same family do (a kprobe program takes kretprobe:,
 * ksyscall:; a uprobe program uretprobe:). */
int attach_applies(const struct object *obj, const int *selected, size_t prog,
		   enum attach_how how);

/* Can the kernel attach program @p the way @how at all: its own way, its
 * family's (attach_applies), or a program type the hook takes (a kprobe
 * program on a uprobe, a tracepoint program on any tracepoint)? BTF-
 * targeted ways (fentry, tp_btf, iter, ...) take only their own programs. */
int attach_prog_can(const struct obj_prog *p, enum attach_how how);
/* Before the load, for an --attach @s: with @prog >= 0 (it follows
 * --prog), that program can take it; with @prog < 0, some @selected
 * program takes it. 0, or -EINVAL with @eb saying in words what the way
 * takes and which of @obj's programs could (--prog NAME). */
int attach_fits_check(const struct object *obj, const int *selected, int prog,
		      const struct attach_spec *s, struct errbuf *eb);

/* A placeholder: a program whose section names a stand-in target
 * (bcc's fentry/dummy_file_read), which its tool's own loader replaces at
 * load or leaves unloaded. */
int attach_placeholder(const struct obj_prog *p);
/* Twins: two programs whose sections name the same event in two ways
 * (tp_btf/X and raw_tp/X, fentry/F and kprobe/F, ...), of which a tool's
 * loader loads one, by what the kernel has. */
int attach_twins(const struct obj_prog *a, const struct obj_prog *b);

/* Where the program's own section says to attach it (FN of kprobe/FN),
 * or NULL when an --attach must say: the section names no target, or its
 * target is not a place to attach (lsm_cgroup/HOOK names the LSM hook;
 * the program attaches to a cgroup:PATH). */
const char *attach_section_target(const struct obj_prog *p);

/* Attach loaded program @prog (fd @prog_fd) at @s, recording what holds
 * it in @set; @map_fds ([map] fd) give sockmap:MAP its map. 0 or -errno
 * with @eb naming the program. */
int attach_program(const struct object *obj, const int *map_fds, size_t prog,
		   int prog_fd, const struct attach_spec *s, struct attach_set *set,
		   struct errbuf *eb);

/* The checks of @s that need no kernel (plan runs them too):
 * a sockmap:MAP names a SOCKMAP/SOCKHASH map of the object, the program
 * type fits a sockmap, netns or cgroup target, a usdt probe or a
 * uprobe.multi glob is found. With @info, what was found ("3 functions in
 * PATH: ...", the sites of a usdt probe) for `rawload plan`, else "".
 * 0 or -errno with @eb. */
int attach_check(const struct object *obj, size_t prog, const struct attach_spec *s,
		 char *info, size_t size, struct errbuf *eb);

/* For a program whose section names no target: " sockmap:MAP ...", the
 * --attach it wants, or "" when there is no particular one. */
const char *attach_hint(const struct obj_prog *pr);

/* The target an --attach of @how given without one means ("netns" alone
 * is the current network namespace), or NULL when it needs a target. */
const char *attach_default_target(enum attach_how how);

/* Does an attach of @how take a process filter (--pid)? The uprobe
 * family does: uprobe, uretprobe, uprobe.multi, uretprobe.multi, usdt
 * (a breakpoint in one file, which the kernel can install in one
 * process's memory map only). Kernel-side hooks (kprobes, tracepoints,
 * fentry, xdp, ...) run in whatever task is current and have no such
 * filter; a program filters those itself with bpf_get_current_pid_tgid(). */
int attach_takes_pid(enum attach_how how);

/* Does an --attach @how:@target name a function of a loaded BPF program
 * rather than a kernel function? freplace: always does; fentry:/fexit: do
 * when the target is a pinned program (a path) or a program id, with an
 * optional :FUNC (kernel function names never start with '/' or a digit). */
int attach_target_is_prog(enum attach_how how, const char *target);

/* Detach everything in @set, newest first, and free it. */
void attach_release(struct attach_set *set);
/* Detach the entries made after @set->n was @mark, newest first: what a
 * failed attach of one program had done already (the first sites of a
 * usdt probe, a tracefs event before its perf event was refused), so
 * that a program is attached whole or not at all. */
void attach_release_to(struct attach_set *set, size_t mark);

/* Before the programs are loaded: whether this run's usdt programs get
 * uprobe_multi links (@set->usdt_multi), asking the kernel only when a
 * @selected program is a usdt one (attach/attach_usdt.c). */
void attach_usdt_pick_link(const struct object *obj, const int *selected,
			   struct attach_set *set);

#endif
