/*
 * bpf/ringbuf.c - the ring buffer consumer (see ringbuf.h).
 *
 * Each record starts with an 8-byte header: a u32 length whose top bits are
 * BPF_RINGBUF_BUSY_BIT (reserved, not yet submitted) and
 * BPF_RINGBUF_DISCARD_BIT (submitted as discarded), then a u32 the kernel
 * uses to find its page. Records are 8-byte aligned. The positions only
 * grow; masking with size - 1 gives the offset in the data area.
 */
#include "ringbuf.h"
#include "sys.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int rb_open(struct ringbuf *rb, int map_fd, uint32_t max_entries, struct errbuf *eb)
{
	memset(rb, 0, sizeof(*rb));
	rb->map_fd = map_fd;
	rb->size = max_entries;
	rb->page = (size_t)sysconf(_SC_PAGESIZE);
	rb->consumer = sys_mmap(rb->page, PROT_READ | PROT_WRITE, map_fd, 0, SYS_RUN,
				"the ring's consumer position, which user space advances");
	if (rb->consumer == MAP_FAILED) {
		rb->consumer = NULL;
		return err_set(eb, -errno, "ring buffer: mmap of the consumer page: %s",
			       err_str(errno));
	}
	/* The producer page and the data area are read-only for user space. */
	/* the data area twice in a row, so a record that wraps reads as one */
	rb->producer = sys_mmap(rb->page + 2 * rb->size, PROT_READ, map_fd, (long)rb->page,
				SYS_RUN, "the producer position and the data (mapped twice)");
	if (rb->producer == MAP_FAILED) {
		int e = errno;

		rb->producer = NULL;
		rb_close(rb);
		return err_set(eb, -e, "ring buffer: mmap of the data area: %s", err_str(e));
	}
	return 0;
}

int rb_consume(struct ringbuf *rb, void (*fn)(void *ctx, const void *data, uint32_t len),
	       void *ctx)
{
	_Atomic uint64_t *cons = rb->consumer, *prod = rb->producer;
	const uint8_t *data = (const uint8_t *)rb->producer + rb->page;
	uint64_t c = atomic_load_explicit(cons, memory_order_acquire);
	uint64_t p = atomic_load_explicit(prod, memory_order_acquire);
	int n = 0;

	while (c < p) {
		const _Atomic uint32_t *hdr = (const void *)(data + (c & (rb->size - 1)));
		uint32_t len = atomic_load_explicit(hdr, memory_order_acquire);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;	/* reserved but not submitted yet: stop here */
		c += (((len & ~BPF_RINGBUF_DISCARD_BIT) + BPF_RINGBUF_HDR_SZ) + 7) & ~7ull;
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			fn(ctx, (const uint8_t *)hdr + BPF_RINGBUF_HDR_SZ, len);
			n++;
		}
		atomic_store_explicit(cons, c, memory_order_release);
	}
	return n;
}

void rb_close(struct ringbuf *rb)
{
	if (rb->producer)
		munmap(rb->producer, rb->page + 2 * rb->size);
	if (rb->consumer)
		munmap(rb->consumer, rb->page);
	rb->producer = rb->consumer = NULL;
}
