/*
 * loader/events.h - what a running program says: its ring buffers and
 * its bpf_printk lines (tracefs trace_pipe), printed as they come.
 */
#ifndef RAWLOAD_EVENTS_H
#define RAWLOAD_EVENTS_H

#include <stdio.h>

#include "bpf/ringbuf.h"
#include "elf/object.h"

#define EVENTS_MAX_RB 16

struct events {
	int epfd;			/* waits on all sources, or -1 */
	struct ringbuf rb[EVENTS_MAX_RB];
	const char *rb_name[EVENTS_MAX_RB];
	size_t nrb;
	int trace_fd;			/* trace_pipe, or -1 */
	char line[4096];		/* partial trace_pipe line */
	size_t linelen;
	int json;
	FILE *out;
	unsigned long count;		/* records and lines printed */
};

/* Open the sources @obj has: every RINGBUF map, and trace_pipe when a
 * program calls bpf_trace_printk (bpf_printk). */
int events_open(struct events *ev, const struct object *obj, const int *map_fds,
		int json, FILE *out, struct errbuf *eb);
/* Wait up to @timeout_ms and print what arrived. */
void events_poll(struct events *ev, int timeout_ms);
void events_close(struct events *ev);

#endif
