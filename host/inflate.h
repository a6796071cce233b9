/*
 * host/inflate.h - a small, bounded gzip/DEFLATE decoder.
 *
 * Why rawload has its own: the kernel's configuration is most often found
 * only as /proc/config.gz (CONFIG_IKCONFIG_PROC), libbpf reads it with
 * zlib's gzopen(), and rawload links only libc. Decoding (not encoding) is
 * the easy half of DEFLATE: ~250 lines, no tables beyond the RFC's.
 *
 * Sources of truth: RFC 1951 (DEFLATE), RFC 1952 (gzip). The decoder is
 * written from the RFCs in the style of Mark Adler's puff.c (canonical
 * Huffman codes decoded bit by bit from per-length counts), which trades
 * speed for being checkable by reading: a kernel config decodes in ~2 ms.
 */
#ifndef RAWLOAD_INFLATE_H
#define RAWLOAD_INFLATE_H

#include <stddef.h>
#include <stdint.h>

#include "elf/err.h"

/* 1 if @data starts like a gzip member (magic 1f 8b, method 8). */
int inflate_is_gzip(const uint8_t *data, size_t len);

/*
 * Decode raw DEFLATE data (RFC 1951) at @in. Untrusted input: every read
 * is bounds-checked, and output beyond @max_out bytes is refused (-EFBIG)
 * so a "zip bomb" cannot exhaust memory. On success *out is malloc'ed
 * (the caller frees; one extra NUL byte follows the data), *out_len is its
 * length and *consumed (may be NULL) the input bytes used, the last
 * partial byte included. Errors: -EINVAL (malformed: the message says
 * what and at which input byte), -EFBIG, -ENOMEM.
 */
int inflate_raw(const uint8_t *in, size_t in_len, size_t max_out,
		uint8_t **out, size_t *out_len, size_t *consumed,
		struct errbuf *eb);

/*
 * Decode gzip data (RFC 1952): one or more concatenated members, each a
 * header (FEXTRA, FNAME, FCOMMENT and FHCRC honoured and checked), DEFLATE
 * data, and a trailer whose CRC-32 and length are checked. Same contract
 * as inflate_raw().
 */
int inflate_gzip(const uint8_t *in, size_t in_len, size_t max_out,
		 uint8_t **out, size_t *out_len, struct errbuf *eb);

/* CRC-32 (ISO 3309, the gzip/zlib/PNG one) of @len bytes, continuing @crc
 * (start with 0). */
uint32_t inflate_crc32(uint32_t crc, const uint8_t *p, size_t len);

#endif
