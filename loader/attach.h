/*
 * loader/attach.h - from "--attach TYPE:TARGET" (or a section's target) to
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

/* What holds the attachments, undone newest first by attach_release. A
 * zeroed struct is an empty set. */
struct attach_set {
	struct attach_entry *ent; /* malloc'ed, @cap entries, @n used */
	size_t n, cap;
	uint32_t usdt_next_spec;  /* the next free index of __bpf_usdt_specs */
	int pid;		  /* --pid: the uprobe-family attaches of this
				     set (attach_takes_pid) fire only in this
				     process; 0 in every process. Set by the
				     caller before the first attach */
};

/* Is @type ("kprobe", "xdp", ...) program @p's own attach type (or, for
 * tc/xdp/socket/cgroup/perf_event, its program type)? */
int attach_type_fits(const struct obj_prog *p, const char *type);
/* Does an --attach of @type given without --prog apply to program @prog?
 * Programs of exactly that type take it; when none of the @selected ones
 * is, programs of the same family do (a kprobe program takes kretprobe:,
 * ksyscall:; a uprobe program uretprobe:). */
int attach_applies(const struct object *obj, const int *selected, size_t prog,
		   const char *type);
/* The --attach type a program's own section target means ("tracepoint"
 * for tracepoint/CAT/NAME, "kprobe" for kprobe/FN, ...). */
const char *attach_type_of(const struct obj_prog *p);

/* Where the program's own section says to attach it (FN of kprobe/FN),
 * or NULL when an --attach must say: the section names no target, or its
 * target is not a place to attach (lsm_cgroup/HOOK names the LSM hook;
 * the program attaches to a cgroup:PATH). */
const char *attach_section_target(const struct obj_prog *p);

/* Attach loaded program @prog (fd @prog_fd) at @type:@target, recording
 * what holds it in @set; @map_fds ([map] fd) give sockmap:MAP its map.
 * 0 or -errno with @eb naming the program. */
int attach_program(const struct object *obj, const int *map_fds, size_t prog,
		   int prog_fd, const char *type, const char *target,
		   struct attach_set *set, struct errbuf *eb);

/* The checks of @type:@target that need no kernel (plan runs them too):
 * a sockmap:MAP names a SOCKMAP/SOCKHASH map of the object, the program
 * type fits a sockmap, netns or cgroup target. 0 or -errno with @eb. */
int attach_check(const struct object *obj, size_t prog, const char *type,
		 const char *target, struct errbuf *eb);

/* usdt:@target's checks without the kernel: the file, its probe, every
 * site's argument spec, the object's __bpf_usdt_specs map. With @info,
 * the sites found ("0x110d '-4@$1', ... (2 sites: ...)") for `rawload
 * plan`. 0 or -errno with @eb. */
int attach_usdt_check(const struct object *obj, const char *target, char *info,
		      size_t size, struct errbuf *eb);

/* uprobe.multi:@target's checks without the kernel (@type is
 * "uprobe.multi" or "uretprobe.multi"): the program is a uprobe.multi
 * program, the file reads, the glob matches. With @info, what it matched
 * ("3 functions in PATH: add, add2, addx") for `rawload plan`. 0 or
 * -errno with @eb. */
int attach_umulti_check(const struct obj_prog *pr, const char *type, const char *target,
			char *info, size_t size, struct errbuf *eb);

/* For a program whose section names no target: " sockmap:MAP ...", the
 * --attach it wants, or "" when there is no particular one. */
const char *attach_hint(const struct obj_prog *pr);

/* The target an --attach TYPE given without one means ("netns" alone is
 * the current network namespace), or NULL when TYPE needs a target. */
const char *attach_default_target(const char *type);

/* Does an attach of @type take a process filter (--pid)? The uprobe
 * family does: uprobe, uretprobe, uprobe.multi, uretprobe.multi, usdt
 * (a breakpoint in one file, which the kernel can install in one
 * process's memory map only). Kernel-side hooks (kprobes, tracepoints,
 * fentry, xdp, ...) run in whatever task is current and have no such
 * filter; a program filters those itself with bpf_get_current_pid_tgid(). */
int attach_takes_pid(const char *type);

/* Does an --attach @type:@target name a function of a loaded BPF program
 * rather than a kernel function? freplace: always does; fentry:/fexit: do
 * when the target is a pinned program (a path) or a program id, with an
 * optional :FUNC (kernel function names never start with '/' or a digit). */
int attach_target_is_prog(const char *type, const char *target);

/* Detach everything in @set, newest first, and free it. */
void attach_release(struct attach_set *set);

#endif
