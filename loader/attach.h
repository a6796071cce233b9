/*
 * loader/attach.h - from "--attach TYPE:TARGET" (or a section's target) to
 * the bpf/ calls that attach a loaded program, and back off again.
 */
#ifndef RAWLOAD_LOADER_ATTACH_H
#define RAWLOAD_LOADER_ATTACH_H

#include <stddef.h>

#include "elf/object.h"

#define ATTACH_MAX 256

/* What holds the attachments: closing an fd detaches (a link, a perf
 * event); some attachments also need an undo step (a legacy tracefs kprobe
 * event to remove, a tc filter to delete), kept as a description. */
struct attach_set {
	int fds[ATTACH_MAX];
	size_t nfds;
	char *undo[ATTACH_MAX];	/* owned; see attach.c for the format */
	size_t nundo;
};

/* Does an --attach of @type ("kprobe", "xdp", ...) apply to program @p? */
int attach_type_fits(const struct obj_prog *p, const char *type);
/* The --attach type a program's own section target means ("tracepoint"
 * for tracepoint/CAT/NAME, "kprobe" for kprobe/FN, ...). */
const char *attach_type_of(const struct obj_prog *p);

/* Attach loaded program @prog (fd @prog_fd) at @type:@target, recording
 * what holds it in @set. 0 or -errno with @eb naming the program. */
int attach_program(const struct object *obj, size_t prog, int prog_fd,
		   const char *type, const char *target, struct attach_set *set,
		   struct errbuf *eb);

/* Detach everything in @set, newest first. */
void attach_release(struct attach_set *set);

#endif
