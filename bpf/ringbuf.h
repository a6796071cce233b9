/*
 * bpf/ringbuf.h - reading a BPF_MAP_TYPE_RINGBUF from user space.
 *
 * The kernel exposes a ring buffer map through mmap of its fd: page 0 is
 * the consumer position (ours to write), page 1 the producer position, and
 * after it the data area, mapped twice in a row so that a record that
 * wraps around the end can still be read as one contiguous piece.
 */
#ifndef RAWLOAD_RINGBUF_H
#define RAWLOAD_RINGBUF_H

#include <stddef.h>
#include <stdint.h>

#include "elf/err.h"

struct ringbuf {
	int map_fd;
	size_t size;		/* data area bytes (the map's max_entries) */
	void *consumer;		/* mapped page 0 */
	void *producer;		/* mapped page 1 + 2 * size of data */
	size_t page;
};

int rb_open(struct ringbuf *rb, int map_fd, uint32_t max_entries,
	    struct errbuf *eb);
/* Call @fn for every committed record, advance the consumer position.
 * Returns the number of records read. */
int rb_consume(struct ringbuf *rb, void (*fn)(void *ctx, const void *data,
					      uint32_t len), void *ctx);
void rb_close(struct ringbuf *rb);

#endif
