/*
 * tests/fuzz/fuzz.h - what every harness shares.
 *
 * libFuzzer hands LLVMFuzzerTestOneInput a buffer with no alignment
 * promise; the library reads ELF headers and BTF records through typed
 * pointers and expects 8-byte alignment, as mmap gives it. fuzz_copy()
 * makes an 8-byte aligned copy of exactly @size bytes (posix_memalign, so
 * ASan poisons the very first byte past the input: no slack to hide an
 * over-read in). Every harness frees everything it made: LeakSanitizer
 * runs after each input.
 */
#ifndef RAWLOAD_FUZZ_H
#define RAWLOAD_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Larger inputs than this are skipped: the library's own limits are far
 * above it, and huge inputs only slow the search down. */
#define FUZZ_MAX_INPUT (4u << 20)

static inline uint8_t *fuzz_copy(const uint8_t *data, size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, 8, size ? size : 1))
		return NULL;
	if (size)
		memcpy(p, data, size);
	return p;
}

/* Building BTF records by hand (libbpf's test macros; not in uapi). */
#ifndef BTF_INFO_ENC
#define BTF_INFO_ENC(kind, kflag, vlen) \
	((!!(kflag) << 31) | ((uint32_t)(kind) << 24) | ((vlen) & 0xffff))
#endif
#ifndef BTF_INT_ENC
#define BTF_INT_ENC(encoding, bits_offset, nr_bits) \
	((uint32_t)(encoding) << 24 | (uint32_t)(bits_offset) << 16 | (nr_bits))
#endif

/* Read a little-endian u32 from the input (for harnesses that split it). */
static inline uint32_t fuzz_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
#endif
