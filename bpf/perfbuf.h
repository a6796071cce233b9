/*
 * bpf/perfbuf.h - reading a BPF_MAP_TYPE_PERF_EVENT_ARRAY from user space.
 *
 * bpf_perf_event_output() writes a sample into the perf ring of the CPU it
 * runs on; the map only holds, per CPU, the perf event whose ring it is.
 * So the reader opens one PERF_COUNT_SW_BPF_OUTPUT event per CPU, maps its
 * ring, stores its fd in the map at that CPU's index, and reads samples
 * (and counts of lost ones) from each ring.
 */
#ifndef RAWLOAD_PERFBUF_H
#define RAWLOAD_PERFBUF_H

#include <stddef.h>
#include <stdint.h>

#include "elf/err.h"

#define PERFBUF_MAX_CPUS 256

struct perfbuf {
	int ncpu;
	int fds[PERFBUF_MAX_CPUS];	/* one event per CPU, or -1 */
	void *rings[PERFBUF_MAX_CPUS];	/* mmap'ed: a control page + data */
	size_t page, data_size;		/* bytes of the data area */
	uint64_t lost;			/* samples the kernel dropped */
	uint8_t *scratch;		/* a record that wraps is copied here */
};

/* Open and map a ring for each of @ncpu CPUs and put them in the map. */
int pb_open(struct perfbuf *pb, int map_fd, int ncpu, struct errbuf *eb);
/* Call @fn for every sample on every CPU; returns the number read. */
int pb_consume(struct perfbuf *pb, void (*fn)(void *ctx, int cpu, const void *data,
					      uint32_t len), void *ctx);
void pb_close(struct perfbuf *pb);

#endif
