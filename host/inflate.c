/*
 * host/inflate.c - gzip/DEFLATE decoding (see inflate.h for why).
 *
 * DEFLATE in one paragraph (RFC 1951 section 3): the data is a sequence of
 * blocks; each starts with 3 bits (BFINAL, then BTYPE: 0 stored, 1 fixed
 * Huffman, 2 dynamic Huffman). Bits are read from the least significant
 * bit of each byte up; Huffman codes are read one bit at a time with the
 * first bit the code's MOST significant one. A Huffman block is a stream
 * of symbols from the literal/length alphabet (0-255 a byte, 256 end of
 * block, 257-285 a match length with extra bits); a length is followed by
 * a distance symbol (0-29, with extra bits), and the match copies that
 * many bytes from that far back in the output (overlap allowed: distance
 * 1, length 10 repeats a byte ten times).
 *
 *   dynamic block header:  HLIT(5) HDIST(5) HCLEN(4)
 *                          (HCLEN+4) x 3-bit code-length-code lengths,
 *                                      in the order of clen_order[]
 *                          HLIT+257 + HDIST+1 code lengths, coded with
 *                          that code; 16/17/18 are run-length repeats
 *
 * A canonical Huffman code is fully described by its code lengths, so the
 * decoder keeps, per length, how many codes have it (count[]) and the
 * symbols ordered by (length, value) (symbol[]); decoding walks the
 * lengths, and a code of length L is valid if it falls within the count[L]
 * codes that follow the last code of length L-1.
 */
#include "inflate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAXBITS 15     /* longest Huffman code */
#define MAXLCODES 286  /* literal/length symbols that may appear */
#define MAXDCODES 30   /* distance symbols */
#define FIXLCODES 288  /* the fixed code defines 288 (286, 287 unused) */

struct huff {
	uint16_t count[MAXBITS + 1]; /* [L] = codes of length L */
	uint16_t symbol[FIXLCODES];  /* symbols by (length, value) */
};

struct state {
	const uint8_t *in;
	size_t in_len, pos;	/* next input byte */
	uint32_t bitbuf;	/* bits read but not used, LSB first */
	int bitcnt;		/* how many */
	uint8_t *out;		/* malloc'ed, grows */
	size_t out_len, out_cap, max_out;
	struct errbuf *eb;
};

/* @need <= 16 bits, LSB-first. At most 16 + 7 bits are ever buffered. */
static int bits(struct state *s, int need, uint32_t *v)
{
	uint32_t val = s->bitbuf;

	while (s->bitcnt < need) {
		if (s->pos >= s->in_len)
			return err_set(s->eb, -EINVAL, "deflate data truncated at byte %zu",
				       s->pos);
		val |= (uint32_t)s->in[s->pos++] << s->bitcnt;
		s->bitcnt += 8;
	}
	s->bitbuf = val >> need;
	s->bitcnt -= need;
	*v = val & ((1u << need) - 1);
	return 0;
}

static int put(struct state *s, uint8_t c)
{
	if (s->out_len == s->out_cap) {
		size_t cap = s->out_cap ? s->out_cap * 2 : 4096;
		uint8_t *p;

		if (s->out_len >= s->max_out)
			return err_set(s->eb, -EFBIG, "decompressed data exceeds the "
				       "limit of %zu bytes", s->max_out);
		if (cap > s->max_out)
			cap = s->max_out;
		p = realloc(s->out, cap + 1); /* +1: room for a NUL */
		if (!p)
			return err_set(s->eb, -ENOMEM, "out of memory");
		s->out = p;
		s->out_cap = cap;
	}
	s->out[s->out_len++] = c;
	return 0;
}

/*
 * Build the decoding tables from @n code lengths. Returns 0 for a complete
 * code, > 0 for an incomplete one (codes left unused: allowed, since a
 * block with one distance code is legal; an unused code then fails in
 * decode()), -EINVAL for an over-subscribed one (more codes of a length
 * than fit), which no correct encoder emits.
 */
static int huff_build(struct huff *h, const uint8_t *len, int n)
{
	uint16_t offs[MAXBITS + 1];
	int left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (int i = 0; i < n; i++)
		h->count[len[i]]++;
	if (h->count[0] == n)
		return 1; /* no codes: incomplete, decode always fails */
	for (int l = 1; l <= MAXBITS; l++) {
		left <<= 1;
		left -= h->count[l];
		if (left < 0)
			return -EINVAL;
	}
	offs[1] = 0;
	for (int l = 1; l < MAXBITS; l++)
		offs[l + 1] = offs[l] + h->count[l];
	for (int i = 0; i < n; i++)
		if (len[i])
			h->symbol[offs[len[i]]++] = (uint16_t)i;
	return left;
}

/* One symbol: extend the code a bit at a time until it is one of the
 * count[L] codes of length L (first..first+count-1). */
static int decode(struct state *s, const struct huff *h, int *sym)
{
	int code = 0, first = 0, index = 0;
	uint32_t b;
	int err;

	for (int l = 1; l <= MAXBITS; l++) {
		if ((err = bits(s, 1, &b)))
			return err;
		code |= (int)b;
		if (code - h->count[l] < first) {
			*sym = h->symbol[index + (code - first)];
			return 0;
		}
		index += h->count[l];
		first += h->count[l];
		first <<= 1;
		code <<= 1;
	}
	return err_set(s->eb, -EINVAL, "invalid Huffman code at byte %zu", s->pos);
}

/* RFC 1951 3.2.5: base and extra bits of lengths 257..285 and distances. */
static const uint16_t lbase[29] = { 3,  4,  5,  6,  7,  8,  9,  10, 11,  13,
				    15, 17, 19, 23, 27, 31, 35, 43, 51,  59,
				    67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t lext[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
				  2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dbase[30] = { 1,    2,    3,    4,    5,    7,     9,
				    13,   17,   25,   33,   49,   65,    97,
				    129,  193,  257,  385,  513,  769,   1025,
				    1537, 2049, 3073, 4097, 6145, 8193,  12289,
				    16385, 24577 };
static const uint8_t dext[30] = { 0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
				  6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* The symbols of one Huffman-coded block, up to end-of-block (256). */
static int codes(struct state *s, const struct huff *lc, const struct huff *dc)
{
	int sym, err;
	uint32_t e;

	for (;;) {
		if ((err = decode(s, lc, &sym)))
			return err;
		if (sym < 256) {
			if ((err = put(s, (uint8_t)sym)))
				return err;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29)
			return err_set(s->eb, -EINVAL, "invalid length symbol %d at byte %zu",
				       sym + 257, s->pos);
		if ((err = bits(s, lext[sym], &e)))
			return err;
		size_t len = lbase[sym] + e;
		if ((err = decode(s, dc, &sym)))
			return err;
		if (sym >= 30)
			return err_set(s->eb, -EINVAL, "invalid distance symbol %d at byte %zu",
				       sym, s->pos);
		if ((err = bits(s, dext[sym], &e)))
			return err;
		size_t dist = dbase[sym] + e;
		if (dist > s->out_len)
			return err_set(s->eb, -EINVAL, "distance %zu reaches before the start "
				       "of the output (%zu bytes) at byte %zu", dist,
				       s->out_len, s->pos);
		while (len--)
			if ((err = put(s, s->out[s->out_len - dist])))
				return err;
	}
}

/* BTYPE 0: skip to a byte boundary, LEN, ~LEN, LEN raw bytes. */
static int stored(struct state *s)
{
	size_t len;

	s->bitbuf = 0; /* the rest of the current byte is padding */
	s->bitcnt = 0;
	if (s->in_len - s->pos < 4)
		return err_set(s->eb, -EINVAL, "stored block header truncated at byte %zu",
			       s->pos);
	len = s->in[s->pos] | (size_t)s->in[s->pos + 1] << 8;
	if ((len ^ 0xffff) != (s->in[s->pos + 2] | (size_t)s->in[s->pos + 3] << 8))
		return err_set(s->eb, -EINVAL, "stored block at byte %zu: LEN and NLEN "
			       "do not complement each other", s->pos);
	s->pos += 4;
	if (s->in_len - s->pos < len)
		return err_set(s->eb, -EINVAL, "stored block of %zu bytes truncated at "
			       "byte %zu", len, s->pos);
	for (size_t i = 0; i < len; i++) {
		int err = put(s, s->in[s->pos + i]);
		if (err)
			return err;
	}
	s->pos += len;
	return 0;
}

/* BTYPE 1: the code RFC 1951 3.2.6 fixes once and for all. */
static int fixed(struct state *s)
{
	struct huff lc, dc;
	uint8_t len[FIXLCODES];
	int i = 0;

	for (; i < 144; i++)
		len[i] = 8;
	for (; i < 256; i++)
		len[i] = 9;
	for (; i < 280; i++)
		len[i] = 7;
	for (; i < FIXLCODES; i++)
		len[i] = 8;
	huff_build(&lc, len, FIXLCODES);
	for (i = 0; i < MAXDCODES; i++)
		len[i] = 5;
	huff_build(&dc, len, MAXDCODES);
	return codes(s, &lc, &dc);
}

/* The order code-length-code lengths are sent in: most likely first. */
static const uint8_t clen_order[19] = { 16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
					11, 4,	12, 3, 13, 2, 14, 1, 15 };

/* Read the HLIT+HDIST code lengths with the code-length code @cc. */
static int read_lengths(struct state *s, const struct huff *cc, uint8_t *len, int n)
{
	int i = 0, sym, err;
	uint32_t rep;

	while (i < n) {
		uint8_t val = 0;

		if ((err = decode(s, cc, &sym)))
			return err;
		if (sym < 16) {
			len[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) { /* repeat the previous length 3-6 times */
			if (i == 0)
				return err_set(s->eb, -EINVAL, "code length repeat with "
					       "no previous length at byte %zu", s->pos);
			val = len[i - 1];
			err = bits(s, 2, &rep);
			rep += 3;
		} else if (sym == 17) { /* 3-10 zeros */
			err = bits(s, 3, &rep);
			rep += 3;
		} else { /* 18: 11-138 zeros */
			err = bits(s, 7, &rep);
			rep += 11;
		}
		if (err)
			return err;
		if (i + (int)rep > n)
			return err_set(s->eb, -EINVAL, "code length repeat runs past the "
				       "%d lengths at byte %zu", n, s->pos);
		while (rep--)
			len[i++] = val;
	}
	return 0;
}

/* BTYPE 2: the block carries its own codes (see the file top). */
static int dynamic(struct state *s)
{
	uint8_t len[MAXLCODES + MAXDCODES];
	struct huff lc, dc;
	uint32_t nlen, ndist, ncode, v;
	int err;

	if ((err = bits(s, 5, &nlen)) || (err = bits(s, 5, &ndist)) ||
	    (err = bits(s, 4, &ncode)))
		return err;
	nlen += 257;
	ndist += 1;
	ncode += 4;
	if (nlen > MAXLCODES || ndist > MAXDCODES)
		return err_set(s->eb, -EINVAL, "dynamic block with %u length and %u "
			       "distance codes (at most 286 and 30)", nlen, ndist);
	memset(len, 0, sizeof(len));
	for (uint32_t i = 0; i < ncode; i++) {
		if ((err = bits(s, 3, &v)))
			return err;
		len[clen_order[i]] = (uint8_t)v;
	}
	if (huff_build(&lc, len, 19) != 0) /* this one must be complete */
		return err_set(s->eb, -EINVAL, "bad code-length code at byte %zu", s->pos);
	if ((err = read_lengths(s, &lc, len, (int)(nlen + ndist))))
		return err;
	if (len[256] == 0)
		return err_set(s->eb, -EINVAL, "dynamic block without an end-of-block "
			       "code at byte %zu", s->pos);
	if (huff_build(&lc, len, (int)nlen) < 0 ||
	    huff_build(&dc, len + nlen, (int)ndist) < 0)
		return err_set(s->eb, -EINVAL, "over-subscribed Huffman code at byte %zu",
			       s->pos);
	return codes(s, &lc, &dc);
}

static int run_blocks(struct state *s)
{
	uint32_t last, type;
	int err;

	do {
		if ((err = bits(s, 1, &last)) || (err = bits(s, 2, &type)))
			return err;
		switch (type) {
		case 0: err = stored(s); break;
		case 1: err = fixed(s); break;
		case 2: err = dynamic(s); break;
		default:
			return err_set(s->eb, -EINVAL, "invalid block type 3 at byte %zu",
				       s->pos);
		}
		if (err)
			return err;
	} while (!last);
	return 0;
}

/* Decode at @in into s->out (appending), returning the bytes consumed. */
static int inflate_into(struct state *s, const uint8_t *in, size_t in_len,
			size_t *consumed)
{
	int err;

	s->in = in;
	s->in_len = in_len;
	s->pos = 0;
	s->bitbuf = 0;
	s->bitcnt = 0;
	err = run_blocks(s);
	if (!err && consumed)
		*consumed = s->pos; /* unused bits of the last byte are padding */
	return err;
}

static int finish(struct state *s, int err, uint8_t **out, size_t *out_len)
{
	if (!err && !s->out && (s->out = malloc(1)) == NULL)
		err = err_set(s->eb, -ENOMEM, "out of memory");
	if (err) {
		free(s->out);
		return err;
	}
	s->out[s->out_len] = '\0';
	*out = s->out;
	*out_len = s->out_len;
	return 0;
}

int inflate_raw(const uint8_t *in, size_t in_len, size_t max_out,
		uint8_t **out, size_t *out_len, size_t *consumed,
		struct errbuf *eb)
{
	struct state s = { .max_out = max_out, .eb = eb };

	return finish(&s, inflate_into(&s, in, in_len, consumed), out, out_len);
}

uint32_t inflate_crc32(uint32_t crc, const uint8_t *p, size_t len)
{
	/* Bit at a time, reflected polynomial 0xedb88320: slow next to a
	 * table, but a kernel config is a few hundred KiB. */
	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

int inflate_is_gzip(const uint8_t *data, size_t len)
{
	return len >= 3 && data[0] == 0x1f && data[1] == 0x8b && data[2] == 8;
}

enum { FTEXT = 1, FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16 };

/*
 * A gzip member header (RFC 1952 2.3):
 *
 *   1f 8b 08 FLG MTIME(4) XFL OS  [XLEN(2) extra] [name\0] [comment\0] [CRC16]
 *
 * Returns the header's length in *hlen.
 */
static int gzip_header(const uint8_t *p, size_t len, size_t at, size_t *hlen,
		       struct errbuf *eb)
{
	size_t pos = 10;
	uint8_t flg;

	if (len < 10 || !inflate_is_gzip(p, len))
		return err_set(eb, -EINVAL, "gzip member at byte %zu: no gzip header", at);
	flg = p[3];
	if (flg & 0xe0)
		return err_set(eb, -EINVAL, "gzip member at byte %zu: reserved flags "
			       "0x%x set", at, flg & 0xe0);
	if (flg & FEXTRA) {
		if (len - pos < 2)
			goto trunc;
		size_t xlen = p[pos] | (size_t)p[pos + 1] << 8;
		pos += 2;
		if (len - pos < xlen)
			goto trunc;
		pos += xlen;
	}
	for (int f = FNAME; f <= FCOMMENT; f <<= 1) {
		if (!(flg & f))
			continue;
		const uint8_t *nul = memchr(p + pos, 0, len - pos);
		if (!nul)
			goto trunc;
		pos = (size_t)(nul - p) + 1;
	}
	if (flg & FHCRC) {
		if (len - pos < 2)
			goto trunc;
		uint32_t want = p[pos] | (uint32_t)p[pos + 1] << 8;
		if ((inflate_crc32(0, p, pos) & 0xffff) != want)
			return err_set(eb, -EINVAL, "gzip member at byte %zu: header "
				       "CRC mismatch", at);
		pos += 2;
	}
	*hlen = pos;
	return 0;
trunc:
	return err_set(eb, -EINVAL, "gzip member at byte %zu: header truncated", at);
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int inflate_gzip(const uint8_t *in, size_t in_len, size_t max_out,
		 uint8_t **out, size_t *out_len, struct errbuf *eb)
{
	struct state s = { .max_out = max_out, .eb = eb };
	size_t at = 0;
	int err = 0;

	/* Members follow one another (`cat a.gz b.gz` is valid gzip); what
	 * they decode to is concatenated, as gunzip does. */
	do {
		size_t hlen = 0, used = 0, start = s.out_len;

		err = gzip_header(in + at, in_len - at, at, &hlen, eb);
		if (err)
			break;
		err = inflate_into(&s, in + at + hlen, in_len - at - hlen, &used);
		if (err) {
			err_prefix(eb, err, "gzip member at byte %zu", at);
			break;
		}
		at += hlen + used;
		if (in_len - at < 8) {
			err = err_set(eb, -EINVAL, "gzip member: trailer truncated");
			break;
		}
		uint32_t crc = inflate_crc32(0, s.out ? s.out + start : NULL,
					     s.out_len - start);
		if (crc != le32(in + at) || (uint32_t)(s.out_len - start) != le32(in + at + 4)) {
			err = err_set(eb, -EINVAL, "gzip member: CRC-32 or length in the "
				      "trailer does not match the data (corrupt file)");
			break;
		}
		at += 8;
		/* trailing zero padding (tape-style) ends the stream */
	} while (at < in_len && in[at] != 0);
	return finish(&s, err, out, out_len);
}
