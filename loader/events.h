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

/* The BTF a record type may come from: the object's, then each --types
 * FILE's, in the order given. */
struct event_types {
	const struct btf *obj;		/* the object's BTF, or NULL */
	struct btf *const *btf;		/* [n] --types FILE */
	const char *const *files;	/* [n] their paths, for messages */
	size_t n;
};

/* How one map's records are printed: as type @id of @btf (--format), or
 * in hex when @btf is NULL. */
struct event_format {
	const struct btf *btf;
	uint32_t id;
};

/* One source of records: a ring buffer or a perf event array. */
struct event_src {
	const char *name;	/* the map's name */
	struct event_format fmt; /* --format, or hex */
	int hinted;		/* a record size hint was given (or none fits) */
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
	struct event_types types;	/* for record size hints */
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
 * "enum e", or a typedef/int name) a type of @types: the object's BTF
 * first, then the --types files. The map's index in *@map, the type in
 * *@fmt.
 */
int events_format(const struct object *obj, const struct event_types *types,
		  const struct cli_kv *f, int *map, struct event_format *fmt,
		  struct errbuf *eb);

/* What events_open reads. */
struct events_opts {
	const struct object *obj;
	const struct obj_map *maps;	/* [map] as created: a ring's size is
					   the one the load gave it */
	const int *map_fds;		/* [map] */
	const struct event_format *fmts; /* [map] --format; NULL: all hex */
	struct event_types types;
	int json;
	FILE *out;
};

/* Open the sources the object has: every RINGBUF and PERF_EVENT_ARRAY map,
 * and trace_pipe when a program calls bpf_trace_printk (bpf_printk). */
int events_open(struct events *ev, const struct events_opts *o, struct errbuf *eb);
/* Wait up to @timeout_ms and print what arrived, at most EVENTS_RATE a
 * second; returns within @timeout_ms plus a bounded amount of work, so a
 * caller looping on it sees its stop conditions whatever the event rate. */
void events_poll(struct events *ev, int timeout_ms);
/* Close all; reports lost perf samples and dropped records to stderr. */
void events_close(struct events *ev);

#endif
