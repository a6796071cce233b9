/*
 * tests/fuzz/fuzz_btf.c - the BTF parser (elf/btf.c) on arbitrary bytes.
 *
 * The input is parsed three ways: as standalone BTF (an object's .BTF or
 * raw kernel BTF: both are the same format), as split BTF on top of a
 * small fixed base (module BTF on vmlinux), and, when it parsed on its
 * own, as split BTF on top of itself. Whatever parsed is then walked with
 * every accessor loader/ and relo/ use, over every type id: btf_parse
 * promises the accessors can trust what it accepted. Standalone BTF that
 * parsed also goes through btf_sanitize (relo/btf_sanitize.c) for a kernel
 * missing each BTF feature in turn, and all of them: its contract is "any
 * input that passed btf_parse", and its output must parse again.
 */
#include <string.h>
#include "elf/btf.h"
#include "relo/btf_sanitize.h"
#include "tests/fuzz/fuzz.h"

static volatile uint32_t sink;

/* ---- a small base BTF, built once --------------------------------------- */

static const char base_strs[] = "\0int\0foo\0a\0b\0foo_t\0e\0X\0f\0task_struct";
#define S_INT 1
#define S_FOO 5
#define S_A 9
#define S_B 11
#define S_FOO_T 13
#define S_E 19
#define S_X 21
#define S_F 23
#define S_TASK 25

static uint32_t base_words[64];
static size_t base_nwords;
static uint8_t base_blob[sizeof(struct btf_header) + sizeof(base_words) +
			 sizeof(base_strs)] __attribute__((aligned(8)));
static struct btf *base_btf;

static void w(uint32_t v) { base_words[base_nwords++] = v; }

static void type(uint32_t name, unsigned kind, unsigned vlen, int kflag,
		 uint32_t size_or_type)
{
	w(name);
	w(BTF_INFO_ENC(kind, kflag, vlen));
	w(size_or_type);
}

static void build_base(void)
{
	struct btf_header h = { 0 };
	struct errbuf eb;

	type(S_INT, BTF_KIND_INT, 0, 0, 4);		/* 1 int */
	w(BTF_INT_ENC(BTF_INT_SIGNED, 0, 32));
	type(S_FOO, BTF_KIND_STRUCT, 2, 0, 8);		/* 2 struct foo */
	w(S_A); w(1); w(0);
	w(S_B); w(1); w(32);
	type(0, BTF_KIND_PTR, 0, 0, 2);			/* 3 struct foo * */
	type(S_FOO_T, BTF_KIND_TYPEDEF, 0, 0, 2);	/* 4 foo_t */
	type(0, BTF_KIND_CONST, 0, 0, 4);		/* 5 const foo_t */
	type(S_E, BTF_KIND_ENUM, 1, 0, 4);		/* 6 enum e */
	w(S_X); w(1);
	type(0, BTF_KIND_ARRAY, 0, 0, 0);		/* 7 int[4] */
	w(1); w(1); w(4);
	type(0, BTF_KIND_FUNC_PROTO, 1, 0, 1);		/* 8 int (struct foo *) */
	w(0); w(3);
	type(S_F, BTF_KIND_FUNC, 0, 0, 8);		/* 9 f */
	type(S_TASK, BTF_KIND_FWD, 0, 0, 0);		/* 10 struct task_struct; */

	h.magic = BTF_MAGIC;
	h.version = BTF_VERSION;
	h.hdr_len = sizeof(h);
	h.type_off = 0;
	h.type_len = base_nwords * 4;
	h.str_off = h.type_len;
	h.str_len = sizeof(base_strs);
	memcpy(base_blob, &h, sizeof(h));
	memcpy(base_blob + sizeof(h), base_words, h.type_len);
	memcpy(base_blob + sizeof(h) + h.type_len, base_strs, sizeof(base_strs));
	if (btf_parse(base_blob, sizeof(h) + h.type_len + sizeof(base_strs),
		      NULL, &base_btf, &eb)) {
		/* the fixed base must parse: a harness bug otherwise */
		__builtin_trap();
	}
}

/* ---- walking a parsed BTF ----------------------------------------------- */

static void walk(const struct btf *btf)
{
	static const unsigned kinds[] = {
		BTF_KIND_INT, BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_ENUM,
		BTF_KIND_TYPEDEF, BTF_KIND_FUNC, BTF_KIND_VAR, BTF_KIND_DATASEC,
		BTF_KIND_ENUM64, BTF_KIND_FWD,
	};
	uint32_t n = btf_type_cnt(btf);
	char buf[256], small[8];
	struct errbuf eb;

	/* vmlinux has ~100k types; a fuzzed one is small, but bound the work */
	if (n > 20000)
		n = 20000;
	for (uint32_t id = 0; id < n; id++) {
		const struct btf_type *t = btf_type_by_id(btf, id);
		const char *name = btf_type_name(btf, id);
		uint64_t size;

		sink += (uint32_t)strlen(name);
		sink += (uint32_t)strlen(btf_type_str(btf, id, buf, sizeof(buf)));
		sink += (uint32_t)strlen(btf_type_str(btf, id, small, sizeof(small)));
		if (btf_type_size(btf, id, &size, &eb) == 0)
			sink += (uint32_t)size;
		sink += btf_skip_mods_typedefs(btf, id) + btf_skip_mods(btf, id);
		if (!t)
			continue;
		sink += (uint32_t)strlen(btf_kind_name(btf_kind(t)));
		if (btf_kind(t) == BTF_KIND_STRUCT || btf_kind(t) == BTF_KIND_UNION)
			for (unsigned i = 0; i < btf_vlen(t); i++) {
				sink += btf_member_bit_offset(t, i);
				sink += btf_member_bitfield_size(t, i);
				sink += (uint32_t)strlen(btf_str(btf, btf_members(t)[i].name_off));
			}
		if (*name && id < 500) {
			int found = btf_find_by_name_kind(btf, name, btf_kind(t));

			/* the first of that name and kind: never after @id */
			if (found < 0 || (uint32_t)found > id)
				__builtin_trap();
		}
	}
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		sink += (uint32_t)btf_find_by_name_kind(btf, "task_struct", kinds[k]);
	sink += (uint32_t)btf_find_by_name_kind(btf, "", BTF_KIND_INT);
	sink += btf_str_checked(btf, 0) != NULL;
	sink += btf_str_checked(btf, 0xffffffffu) != NULL;
	sink += btf_type_by_id(btf, n) != NULL;
	sink += btf_type_by_id(btf, 0xffffffffu) != NULL;
}

static void sanitize_all(const uint8_t *data, size_t len)
{
	struct errbuf eb;

	sink += btf_features_used(data, len);
	for (uint32_t f = 1; f <= BTF_FEAT_ALL; f <<= 1) {
		uint32_t missing = f == (BTF_FEAT_ALL + 1) / 2 ? BTF_FEAT_ALL : f;
		uint8_t *out = NULL;
		size_t out_len = 0;

		if (btf_sanitize(data, len, missing, &out, &out_len, &eb) == 0) {
			struct btf *b = NULL;

			if (btf_parse(out, out_len, NULL, &b, &eb) == 0)
				sink += btf_type_cnt(b);
			btf_free(b);
		}
		free(out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct btf *btf = NULL, *split = NULL;
	struct errbuf eb;
	uint8_t *buf;

	if (!base_btf)
		build_base();
	if (size > FUZZ_MAX_INPUT)
		return 0;
	buf = fuzz_copy(data, size);
	if (!buf)
		return 0;
	if (btf_parse(buf, size, NULL, &btf, &eb) == 0) {
		walk(btf);
		sanitize_all(buf, size);
		if (btf_parse(buf, size, btf, &split, &eb) == 0) {
			walk(split);
			btf_free(split);
		}
		btf_free(btf);
	}
	if (btf_parse(buf, size, base_btf, &split, &eb) == 0) {
		walk(split);
		btf_free(split);
	}
	free(buf);
	return 0;
}
