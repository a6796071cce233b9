/*
 * bpf/perfbuf.c - per-CPU perf rings for BPF output (see perfbuf.h).
 *
 * The first mapped page is struct perf_event_mmap_page: data_head is where
 * the kernel has written up to (read with acquire), data_tail is what we
 * have consumed (written with release). The data pages after it form a
 * ring of 2^n pages; a record is struct perf_event_header then its body:
 * PERF_RECORD_SAMPLE with PERF_SAMPLE_RAW carries a u32 size and the bytes
 * bpf_perf_event_output() gave; PERF_RECORD_LOST carries a count of
 * samples that did not fit.
 */
#include "perfbuf.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "map.h"
#include "sys.h"

#define PB_PAGES 8	/* data pages per CPU: 32 KiB with 4 KiB pages */

int pb_open(struct perfbuf *pb, int map_fd, int ncpu, struct errbuf *eb)
{
	memset(pb, 0, sizeof(*pb));
	pb->ncpu = ncpu > PERFBUF_MAX_CPUS ? PERFBUF_MAX_CPUS : ncpu;
	pb->page = (size_t)sysconf(_SC_PAGESIZE);
	pb->data_size = PB_PAGES * pb->page;
	for (int c = 0; c < PERFBUF_MAX_CPUS; c++)
		pb->fds[c] = -1;
	pb->scratch = malloc(pb->data_size);
	if (!pb->scratch)
		return err_set(eb, -ENOMEM, "out of memory");
	for (int c = 0; c < pb->ncpu; c++) {
		struct perf_event_attr a = {
			.type = PERF_TYPE_SOFTWARE, .size = sizeof(a),
			.config = PERF_COUNT_SW_BPF_OUTPUT, .sample_type = PERF_SAMPLE_RAW,
			.sample_period = 1, .wakeup_events = 1,
		};
		char why[96];
		int fd, err;

		snprintf(why, sizeof(why), "the perf ring CPU %d's samples go to", c);
		fd = sys_perf_event_open(&a, -1, c, -1, PERF_FLAG_FD_CLOEXEC, SYS_RUN, why);
		if (fd == -ENODEV)
			continue;	/* a possible but offline CPU */
		if (fd < 0)
			return err_set(eb, fd, "perf buffer: perf_event_open (CPU %d): %s", c,
				       err_str(fd));
		pb->fds[c] = fd;
		snprintf(why, sizeof(why), "CPU %d's perf ring: its header page, then the data", c);
		pb->rings[c] = sys_mmap(pb->page + pb->data_size, PROT_READ | PROT_WRITE, fd, 0,
					SYS_RUN, why);
		if (pb->rings[c] == MAP_FAILED) {
			pb->rings[c] = NULL;
			return err_set(eb, -errno, "perf buffer: mmap (CPU %d): %s", c,
				       err_str(errno));
		}
		snprintf(why, sizeof(why), "map slot %d = CPU %d's perf event", c, c);
		err = map_update(map_fd, &c, &fd, BPF_ANY, SYS_RUN, why, eb);
		if (err)
			return err;
		err = sys_ioctl(fd, PERF_EVENT_IOC_ENABLE, 0, SYS_RUN, "start the CPU's ring");
		if (err)
			return err_set(eb, err, "perf buffer: enable (CPU %d): %s", c, err_str(err));
	}
	return 0;
}

static int consume_cpu(struct perfbuf *pb, int c,
		       void (*fn)(void *, int, const void *, uint32_t), void *ctx)
{
	struct perf_event_mmap_page *h = pb->rings[c];
	const uint8_t *data = (const uint8_t *)h + pb->page;
	uint64_t head = atomic_load_explicit((_Atomic uint64_t *)&h->data_head,
					     memory_order_acquire);
	uint64_t tail = h->data_tail;
	int n = 0;

	while (tail < head) {
		size_t off = tail % pb->data_size;
		struct perf_event_header eh;
		const uint8_t *rec;

		memcpy(&eh, data + off, sizeof(eh));	/* headers never wrap (8-aligned) */
		if (eh.size < sizeof(eh) || eh.size > pb->data_size)
			break;
		if (off + eh.size > pb->data_size) {	/* the record wraps: unwrap it */
			size_t first = pb->data_size - off;

			memcpy(pb->scratch, data + off, first);
			memcpy(pb->scratch + first, data, eh.size - first);
			rec = pb->scratch;
		} else {
			rec = data + off;
		}
		if (eh.type == PERF_RECORD_SAMPLE) {
			uint32_t len;

			memcpy(&len, rec + sizeof(eh), sizeof(len));
			if (sizeof(eh) + 4 + (size_t)len <= eh.size) {
				fn(ctx, c, rec + sizeof(eh) + 4, len);
				n++;
			}
		} else if (eh.type == PERF_RECORD_LOST) {
			uint64_t lost;

			memcpy(&lost, rec + sizeof(eh) + 8, sizeof(lost));
			pb->lost += lost;
		}
		tail += eh.size;
	}
	atomic_store_explicit((_Atomic uint64_t *)&h->data_tail, tail, memory_order_release);
	return n;
}

int pb_consume(struct perfbuf *pb, void (*fn)(void *, int, const void *, uint32_t),
	       void *ctx)
{
	int n = 0;

	for (int c = 0; c < pb->ncpu; c++)
		if (pb->rings[c])
			n += consume_cpu(pb, c, fn, ctx);
	return n;
}

void pb_close(struct perfbuf *pb)
{
	for (int c = 0; c < pb->ncpu; c++) {
		if (pb->rings[c])
			munmap(pb->rings[c], pb->page + pb->data_size);
		if (pb->fds[c] >= 0)
			close(pb->fds[c]);
		pb->rings[c] = NULL;
		pb->fds[c] = -1;
	}
	free(pb->scratch);
	pb->scratch = NULL;
}
