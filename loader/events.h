/*
 * loader/events.h - what a running program says: its ring buffers, its
 * perf event arrays and its bpf_printk lines (tracefs trace_pipe), printed
 * as they come, each with a timestamp and the map's name.
 */
#ifndef RAWLOAD_EVENTS_H
#define RAWLOAD_EVENTS_H

#include <stdio.h>
#include <time.h>

#include "bpf/perfbuf.h"
#include "bpf/ringbuf.h"
#include "cli.h"
#include "elf/object.h"

#define EVENTS_MAX 16
/* At most this many records and lines are printed in any second of a
 * run; the rest are counted and dropped (ring and perf records read and
 * let go, trace_pipe lines left to the kernel's trace buffer, which
 * overwrites them). A flood (a bpf_printk on every system call, whose
 * reader's own reads make more of them) then neither fills the disk nor
 * keeps the run loop from seeing Ctrl-C or --duration. */
#define EVENTS_RATE 20000

/* One source of records: a ring buffer or a perf event array. */
struct event_src {
	const char *name;	/* the map's name */
	uint32_t type_id;	/* --format type in the object's BTF, 0 = hex */
	int is_perf;
	struct ringbuf rb;
	struct perfbuf pb;
};

struct events {
	int epfd;			/* waits on all sources, or -1 */
	struct event_src src[EVENTS_MAX];
	size_t nsrc;
	int trace_fd;			/* trace_pipe, or -1 */
	char line[4096];		/* partial trace_pipe line */
	size_t linelen;
	const struct btf *btf;		/* for --format */
	int json;
	FILE *out;
	struct timespec start;		/* timestamps count from here */
	unsigned long count;		/* records and lines printed */
	long window;			/* the second of the run (since
					   @start) that @in_window counts */
	unsigned long in_window;	/* printed in that second */
	unsigned long dropped;		/* records dropped in that second */
	unsigned long dropped_total;	/* and over the run */
	int trace_skipped;		/* trace_pipe left unread this second */
	unsigned long trace_skips;	/* seconds it was, over the run */
};

/*
 * Resolve one --format MAP=TYPE against the object: the map must be a
 * RINGBUF or PERF_EVENT_ARRAY, and TYPE ("struct event", "union u",
 * "enum e", or a typedef/int name) a type of the object's BTF.
 */
int events_format(const struct object *obj, const struct cli_kv *f, int *map,
		  uint32_t *type_id, struct errbuf *eb);

/* Open the sources @obj has: every RINGBUF and PERF_EVENT_ARRAY map (of
 * @maps, [map] as created: a ring's size is the one the load gave it), and
 * trace_pipe when a program calls bpf_trace_printk (bpf_printk). */
int events_open(struct events *ev, const struct object *obj, const struct obj_map *maps,
		const int *map_fds, const struct cli *c, FILE *out, struct errbuf *eb);
/* Wait up to @timeout_ms and print what arrived, at most EVENTS_RATE a
 * second; returns within @timeout_ms plus a bounded amount of work, so a
 * caller looping on it sees its stop conditions whatever the event rate. */
void events_poll(struct events *ev, int timeout_ms);
/* Close all; reports lost perf samples and dropped records to stderr. */
void events_close(struct events *ev);

#endif
