/*
 * tests/fuzz/fuzz_btf_ext.c - the .BTF.ext parser (elf/btf_ext.c).
 *
 * .BTF.ext only means something beside its .BTF (section names, access
 * strings and type ids point into it), so the input carries both:
 *
 *   u32 n (little endian) | n bytes of .BTF | the rest: .BTF.ext
 *
 * The seeds are built that way from the test objects (tests/fuzz/
 * Makefile.inc). An input whose .BTF does not parse is still useful: the
 * .BTF.ext is then parsed against a one-type BTF, where every section
 * name and type id it holds must be refused cleanly.
 */
#include <string.h>
#include "elf/btf_ext.h"
#include "tests/fuzz/fuzz.h"

static volatile uint32_t sink;

/* One INT named "int"; strings "\0int\0". */
static const uint32_t tiny_words[] = {
	0x0001eb9f, 24, 0, 16, 16, 5,	/* header: magic/version/flags, hdr_len, type off/len, str off/len */
	1, BTF_INFO_ENC(BTF_KIND_INT, 0, 0), 4, BTF_INT_ENC(BTF_INT_SIGNED, 0, 32),
	0x746e6900, 0x00000000,		/* "\0int\0" + padding */
};

static void walk_table(const struct btf_ext_table *t, size_t rec_size)
{
	for (size_t i = 0; i < t->nsecs; i++) {
		const struct btf_ext_sec *s = &t->secs[i];
		const uint8_t *r = s->recs;
		uint8_t x = 0;

		sink += (uint32_t)strlen(s->sec_name);
		for (size_t k = 0; k < (size_t)s->count * rec_size; k++)
			x ^= r[k];
		sink += x;
		if (btf_ext_find(t, s->sec_name) == NULL)
			__builtin_trap(); /* a section it listed must be found */
	}
	sink += btf_ext_find(t, "no such section") != NULL;
}

static void try_ext(const uint8_t *ext, size_t len, const struct btf *btf)
{
	struct btf_ext *e = NULL;
	struct errbuf eb;

	if (btf_ext_parse(ext, len, btf, &e, &eb) == 0) {
		walk_table(&e->func_info, sizeof(struct bpf_func_info));
		walk_table(&e->line_info, sizeof(struct bpf_line_info));
		walk_table(&e->core_relo, sizeof(struct bpf_core_relo));
		btf_ext_free(e);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct btf *btf = NULL, *tiny = NULL;
	uint8_t *bbuf, *ebuf;
	struct errbuf eb;
	size_t n;

	if (size < 4 || size > FUZZ_MAX_INPUT)
		return 0;
	n = fuzz_u32(data);
	if (n > size - 4)
		n = size - 4;
	/* two aligned copies: each part starts 8-aligned, as in an ELF file */
	bbuf = fuzz_copy(data + 4, n);
	ebuf = fuzz_copy(data + 4 + n, size - 4 - n);
	if (!bbuf || !ebuf)
		goto out;
	if (btf_parse(bbuf, n, NULL, &btf, &eb) == 0)
		try_ext(ebuf, size - 4 - n, btf);
	if (btf_parse(tiny_words, sizeof(tiny_words) - 3, NULL, &tiny, &eb) == 0)
		try_ext(ebuf, size - 4 - n, tiny);
	else
		__builtin_trap(); /* the fixed BTF must parse */
out:
	btf_free(tiny);
	btf_free(btf);
	free(ebuf);
	free(bbuf);
	return 0;
}
