/*
 * tests/unit/check_btf.c - suite "btf": elf/btf.c.
 *
 *   kinds    a hand-built blob with every kind: lengths, names, sizes,
 *            member bit offsets, lookups, C spellings
 *   reject   table-driven: one wrong thing per row, asserting the errno
 *            AND a piece of the message (the message is behaviour)
 *   split    split BTF on a hand-built base and on the running kernel's
 *   file     btf_load_file on raw BTF, on ELF objects, on bad files
 *   vmlinux  /sys/kernel/btf/vmlinux against bpftool's dump of it, the
 *            independent oracle (tag "kernel_btf": needs the file)
 *   objects  every built build/progs object's .BTF against bpftool too
 *            (tag "progs")
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "elf/btf.h"
#include "btf_build.h"
#include "unit.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"
#define BPFTOOL "/usr/sbin/bpftool"

/* ---- kinds ---- */

/* Ids of the all-kinds blob, in the order tb_* gave them. */
struct kinds {
	uint32_t i_int, i_char, p_char, c_char, p_cchar, cptr, p_int, arr16, s,
		u, e, fwd, td, vol, cst, rst, proto, func, var, sec, flt, dtag,
		ttag, e64, p_arr, arr_ptr, p_proto, anon, varargs, p_varargs, ull;
};

static void *build_kinds(struct kinds *k, size_t *size)
{
	struct tbtf b;

	tb_init(&b);
	k->i_int = tb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	k->i_char = tb_int(&b, "char", 1, BTF_INT_CHAR, 8);
	k->p_char = tb_type(&b, NULL, BTF_KIND_PTR, 0, 0, k->i_char);
	k->c_char = tb_type(&b, NULL, BTF_KIND_CONST, 0, 0, k->i_char);
	k->p_cchar = tb_type(&b, NULL, BTF_KIND_PTR, 0, 0, k->c_char);
	k->cptr = tb_type(&b, NULL, BTF_KIND_CONST, 0, 0, k->p_char);
	k->p_int = tb_type(&b, NULL, BTF_KIND_PTR, 0, 0, k->i_int);
	k->arr16 = tb_array(&b, k->i_char, k->i_int, 16);
	/* struct s { int a; int b:3; int c:5; char name[16]; }: kind_flag
	 * set, so bitfield sizes sit in the top 8 bits of the offsets. */
	k->s = tb_type(&b, "s", BTF_KIND_STRUCT, 1, 4, 24);
	tb_member(&b, "a", k->i_int, 0);
	tb_member(&b, "b", k->i_int, 3u << 24 | 32);
	tb_member(&b, "c", k->i_int, 5u << 24 | 35);
	tb_member(&b, "name", k->arr16, 64);
	k->u = tb_type(&b, "u", BTF_KIND_UNION, 0, 2, 4);
	tb_member(&b, "x", k->i_int, 0);
	tb_member(&b, "y", k->i_char, 0);
	k->e = tb_type(&b, "e", BTF_KIND_ENUM, 0, 2, 4);
	tb_word(&b, tb_str(&b, "E_A"));
	tb_word(&b, 0);
	tb_word(&b, tb_str(&b, "E_B"));
	tb_word(&b, (uint32_t)-1);
	k->fwd = tb_type(&b, "fw", BTF_KIND_FWD, 1, 0, 0);
	k->td = tb_type(&b, "td", BTF_KIND_TYPEDEF, 0, 0, k->s);
	k->vol = tb_type(&b, NULL, BTF_KIND_VOLATILE, 0, 0, k->i_int);
	k->cst = tb_type(&b, NULL, BTF_KIND_CONST, 0, 0, k->vol);
	k->rst = tb_type(&b, NULL, BTF_KIND_RESTRICT, 0, 0, k->p_int);
	k->proto = tb_type(&b, NULL, BTF_KIND_FUNC_PROTO, 0, 2, k->i_int);
	tb_word(&b, tb_str(&b, "n"));
	tb_word(&b, k->i_int);
	tb_word(&b, tb_str(&b, "buf"));
	tb_word(&b, k->p_char);
	k->func = tb_type(&b, "f", BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL, k->proto);
	k->var = tb_type(&b, "v", BTF_KIND_VAR, 0, 0, k->i_int);
	tb_word(&b, BTF_VAR_GLOBAL_ALLOCATED);
	k->sec = tb_type(&b, ".data", BTF_KIND_DATASEC, 0, 1, 4);
	tb_word3(&b, k->var, 0, 4);
	k->flt = tb_type(&b, "double", BTF_KIND_FLOAT, 0, 0, 8);
	k->dtag = tb_type(&b, "tag", BTF_KIND_DECL_TAG, 0, 0, k->s);
	tb_word(&b, 1); /* member 1 of s */
	k->ttag = tb_type(&b, "user", BTF_KIND_TYPE_TAG, 0, 0, k->i_int);
	k->e64 = tb_type(&b, "e64", BTF_KIND_ENUM64, 1, 1, 8);
	tb_word3(&b, tb_str(&b, "BIG"), 0x89abcdef, 0x01234567);
	k->p_arr = tb_type(&b, NULL, BTF_KIND_PTR, 0, 0, k->arr16);
	k->arr_ptr = tb_array(&b, k->p_int, k->i_int, 4);
	k->p_proto = tb_type(&b, NULL, BTF_KIND_PTR, 0, 0, k->proto);
	k->anon = tb_type(&b, NULL, BTF_KIND_STRUCT, 0, 1, 8);
	tb_member(&b, "q", k->p_int, 0);
	k->varargs = tb_type(&b, NULL, BTF_KIND_FUNC_PROTO, 0, 2, 0);
	tb_word(&b, tb_str(&b, "fmt"));
	tb_word(&b, k->i_int);
	tb_word(&b, 0); /* name "" and type 0: "..." */
	tb_word(&b, 0);
	k->p_varargs = tb_type(&b, NULL, BTF_KIND_PTR, 0, 0, k->varargs);
	k->ull = tb_int(&b, "long long unsigned int", 8, 0, 64);
	return tb_blob(&b, size);
}

static struct btf *parse_ok(const void *blob, size_t size, const struct btf *base)
{
	struct errbuf eb = { "" };
	struct btf *btf = NULL;
	int err = btf_parse(blob, size, base, &btf, &eb);

	ck_assert_msg(err == 0, "btf_parse: %d: %s", err, eb.msg);
	return btf;
}

static const char *str_of(const struct btf *btf, uint32_t id)
{
	static char buf[256];

	return btf_type_str(btf, id, buf, sizeof(buf));
}

START_TEST(test_kinds_parse)
{
	struct kinds k;
	size_t size;
	void *blob = build_kinds(&k, &size);
	struct btf *btf = parse_ok(blob, size, NULL);
	const struct btf_type *t;

	ck_assert_uint_eq(btf_type_cnt(btf), k.ull + 1);
	ck_assert_uint_eq(btf->nr_types, k.ull);
	ck_assert_ptr_null(btf_type_by_id(btf, 0));
	ck_assert_ptr_null(btf_type_by_id(btf, k.ull + 1));
	ck_assert_ptr_null(btf_type_by_id(btf, UINT32_MAX));
	/* Every kind came through the walk with its name and kind. */
	{
		static const struct { size_t off; unsigned kind; const char *name; } want[] = {
			{ offsetof(struct kinds, i_int), BTF_KIND_INT, "int" },
			{ offsetof(struct kinds, p_int), BTF_KIND_PTR, "" },
			{ offsetof(struct kinds, arr16), BTF_KIND_ARRAY, "" },
			{ offsetof(struct kinds, s), BTF_KIND_STRUCT, "s" },
			{ offsetof(struct kinds, u), BTF_KIND_UNION, "u" },
			{ offsetof(struct kinds, e), BTF_KIND_ENUM, "e" },
			{ offsetof(struct kinds, fwd), BTF_KIND_FWD, "fw" },
			{ offsetof(struct kinds, td), BTF_KIND_TYPEDEF, "td" },
			{ offsetof(struct kinds, vol), BTF_KIND_VOLATILE, "" },
			{ offsetof(struct kinds, cst), BTF_KIND_CONST, "" },
			{ offsetof(struct kinds, rst), BTF_KIND_RESTRICT, "" },
			{ offsetof(struct kinds, proto), BTF_KIND_FUNC_PROTO, "" },
			{ offsetof(struct kinds, func), BTF_KIND_FUNC, "f" },
			{ offsetof(struct kinds, var), BTF_KIND_VAR, "v" },
			{ offsetof(struct kinds, sec), BTF_KIND_DATASEC, ".data" },
			{ offsetof(struct kinds, flt), BTF_KIND_FLOAT, "double" },
			{ offsetof(struct kinds, dtag), BTF_KIND_DECL_TAG, "tag" },
			{ offsetof(struct kinds, ttag), BTF_KIND_TYPE_TAG, "user" },
			{ offsetof(struct kinds, e64), BTF_KIND_ENUM64, "e64" },
			{ offsetof(struct kinds, ull), BTF_KIND_INT, "long long unsigned int" },
		};
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			uint32_t id;

			memcpy(&id, (char *)&k + want[i].off, sizeof(id));
			t = btf_type_by_id(btf, id);
			ck_assert_ptr_nonnull(t);
			ck_assert_str_eq(btf_kind_name(btf_kind(t)),
					 btf_kind_name(want[i].kind));
			ck_assert_str_eq(btf_type_name(btf, id), want[i].name);
		}
	}
	/* kind-specific data */
	t = btf_type_by_id(btf, k.i_int);
	ck_assert_uint_eq(BTF_INT_BITS(btf_int_info(t)), 32);
	ck_assert_uint_eq(BTF_INT_ENCODING(btf_int_info(t)), BTF_INT_SIGNED);
	t = btf_type_by_id(btf, k.e);
	ck_assert_int_eq(btf_enums(t)[1].val, -1);
	ck_assert_str_eq(btf_str(btf, btf_enums(t)[1].name_off), "E_B");
	t = btf_type_by_id(btf, k.e64);
	ck_assert(btf_enum64_value(btf_enum64s(t)) == 0x0123456789abcdefull);
	t = btf_type_by_id(btf, k.sec);
	ck_assert_uint_eq(btf_var_secinfos(t)[0].type, k.var);
	ck_assert_uint_eq(btf_var(btf_type_by_id(btf, k.var))->linkage,
			  BTF_VAR_GLOBAL_ALLOCATED);
	ck_assert_str_eq(btf_str(btf, 0), "");
	ck_assert_str_eq(btf_str(btf, 1u << 30), "");
	ck_assert_ptr_null(btf_str_checked(btf, (uint32_t)btf->str_len));
	ck_assert_str_eq(btf_str_checked(btf, 0), "");
	ck_assert_str_eq(btf_kind_name(99), "UNKNOWN");
	btf_free(btf);
	free(blob);
}
END_TEST

START_TEST(test_kinds_members)
{
	struct kinds k;
	size_t size;
	void *blob = build_kinds(&k, &size);
	struct btf *btf = parse_ok(blob, size, NULL);
	const struct btf_type *s = btf_type_by_id(btf, k.s);
	const struct btf_type *u = btf_type_by_id(btf, k.u);

	ck_assert_int_eq(btf_kflag(s), 1);
	ck_assert_uint_eq(btf_vlen(s), 4);
	ck_assert_uint_eq(btf_member_bit_offset(s, 0), 0);
	ck_assert_uint_eq(btf_member_bitfield_size(s, 0), 0);
	ck_assert_uint_eq(btf_member_bit_offset(s, 1), 32);
	ck_assert_uint_eq(btf_member_bitfield_size(s, 1), 3);
	ck_assert_uint_eq(btf_member_bit_offset(s, 2), 35);
	ck_assert_uint_eq(btf_member_bitfield_size(s, 2), 5);
	ck_assert_uint_eq(btf_member_bit_offset(s, 3), 64);
	ck_assert_str_eq(btf_str(btf, btf_members(s)[3].name_off), "name");
	/* without kind_flag the whole word is the offset */
	ck_assert_int_eq(btf_kflag(u), 0);
	ck_assert_uint_eq(btf_member_bit_offset(u, 1), 0);
	ck_assert_uint_eq(btf_member_bitfield_size(u, 1), 0);
	btf_free(btf);
	free(blob);
}
END_TEST

static uint64_t size_ok(const struct btf *btf, uint32_t id)
{
	struct errbuf eb = { "" };
	uint64_t size = 12345;
	int err = btf_type_size(btf, id, &size, &eb);

	ck_assert_msg(err == 0, "btf_type_size(%u): %s", id, eb.msg);
	return size;
}

static void size_fails(const struct btf *btf, uint32_t id, const char *sub)
{
	struct errbuf eb = { "" };
	uint64_t size;

	ck_assert_int_eq(btf_type_size(btf, id, &size, &eb), -EINVAL);
	ck_assert_msg(strstr(eb.msg, sub), "'%s' lacks '%s'", eb.msg, sub);
}

START_TEST(test_kinds_size)
{
	struct kinds k;
	size_t size;
	void *blob = build_kinds(&k, &size);
	struct btf *btf = parse_ok(blob, size, NULL);

	ck_assert_uint_eq(size_ok(btf, k.i_int), 4);
	ck_assert_uint_eq(size_ok(btf, k.p_int), 8);
	ck_assert_uint_eq(size_ok(btf, k.arr16), 16);
	ck_assert_uint_eq(size_ok(btf, k.arr_ptr), 32);
	ck_assert_uint_eq(size_ok(btf, k.s), 24);
	ck_assert_uint_eq(size_ok(btf, k.td), 24);
	ck_assert_uint_eq(size_ok(btf, k.cst), 4);  /* const volatile int */
	ck_assert_uint_eq(size_ok(btf, k.rst), 8);
	ck_assert_uint_eq(size_ok(btf, k.e), 4);
	ck_assert_uint_eq(size_ok(btf, k.e64), 8);
	ck_assert_uint_eq(size_ok(btf, k.flt), 8);
	ck_assert_uint_eq(size_ok(btf, k.var), 4);
	ck_assert_uint_eq(size_ok(btf, k.ttag), 4);
	ck_assert_uint_eq(size_ok(btf, k.u), 4);
	size_fails(btf, 0, "void has no size");
	size_fails(btf, k.func, "FUNC 'f': a FUNC has no size");
	size_fails(btf, k.proto, "FUNC_PROTO has no size");
	size_fails(btf, k.fwd, "FWD has no size");
	size_fails(btf, 9999, "type [9999]");
	btf_free(btf);
	free(blob);
}
END_TEST

START_TEST(test_size_overflow)
{
	struct tbtf b;
	struct btf *btf;
	void *blob;
	size_t size;
	uint32_t i, a1, a2, a3, td[40];

	tb_init(&b);
	i = tb_int(&b, "long", 8, BTF_INT_SIGNED, 64);
	a1 = tb_array(&b, i, i, 0xffffffffu);
	a2 = tb_array(&b, a1, i, 0xffffffffu);	/* 2^64 - 2^33 + 1 elements */
	a3 = tb_array(&b, a2, i, 2);		/* overflows the count */
	td[0] = i;
	for (int n = 1; n < 40; n++) /* a typedef chain deeper than 32 */
		td[n] = tb_type(&b, "t", BTF_KIND_TYPEDEF, 0, 0, td[n - 1]);
	blob = tb_blob(&b, &size);
	btf = parse_ok(blob, size, NULL);
	ck_assert_uint_eq(size_ok(btf, a1), 0xffffffffull * 8);
	size_fails(btf, a2, "size overflows 64 bits");
	size_fails(btf, a3, "element count overflows 64 bits");
	ck_assert_uint_eq(size_ok(btf, td[20]), 8);
	size_fails(btf, td[39], "more than 32 levels");
	btf_free(btf);
	free(blob);
}
END_TEST

/* A chain 10,000 types deep parses (nothing recurses on input) and its size
 * is refused past the depth limit; the same chain closed into a loop is a
 * cycle error, found without recursing either. */
/* A raw BTF blob: [1] int, then @n typedefs, [k] -> [k-1], except that
 * with @loop the first typedef points at the last (a cycle of @n). */
static void *deep_blob(uint32_t n, int loop, size_t *size)
{
	static const char strs[] = "\0int\0t";
	size_t tlen = 16 + (size_t)n * 12;
	uint8_t *blob = calloc(1, sizeof(struct btf_header) + tlen + sizeof(strs));
	struct btf_header *h = (struct btf_header *)blob;
	uint32_t *w = (uint32_t *)(blob + sizeof(*h));

	h->magic = BTF_MAGIC;
	h->version = BTF_VERSION;
	h->hdr_len = sizeof(*h);
	h->type_len = (uint32_t)tlen;
	h->str_off = (uint32_t)tlen;
	h->str_len = sizeof(strs);
	*w++ = 1, *w++ = BTF_KIND_INT << 24, *w++ = 4, *w++ = (BTF_INT_SIGNED << 24) | 32;
	for (uint32_t k = 0; k < n; k++) {	/* type [k + 2] */
		*w++ = 5;
		*w++ = BTF_KIND_TYPEDEF << 24;
		*w++ = loop && k == 0 ? n + 1 : k + 1;
	}
	memcpy(blob + sizeof(*h) + tlen, strs, sizeof(strs));
	*size = sizeof(*h) + tlen + sizeof(strs);
	return blob;
}

/* A chain 10,000 types deep parses (nothing recurses on input) and its size
 * is refused past the depth limit; the same chain closed into a loop is a
 * cycle error, found without recursing either. */
START_TEST(test_deep_chain)
{
	struct errbuf eb = { "" };
	struct btf *btf = NULL;
	size_t size;
	void *blob = deep_blob(10000, 0, &size);

	btf = parse_ok(blob, size, NULL);
	size_fails(btf, 10001, "more than 32 levels");
	btf_free(btf);
	free(blob);

	blob = deep_blob(10000, 1, &size);
	btf = NULL;
	ck_assert_int_eq(btf_parse(blob, size, NULL, &btf, &eb), -EINVAL);
	ck_assert_msg(strstr(eb.msg, "reference cycle"), "message: %s", eb.msg);
	free(blob);
}
END_TEST

START_TEST(test_kinds_lookup)
{
	struct kinds k;
	size_t size;
	void *blob = build_kinds(&k, &size);
	struct btf *btf = parse_ok(blob, size, NULL);

	ck_assert_int_eq(btf_find_by_name_kind(btf, "s", BTF_KIND_STRUCT), (int)k.s);
	ck_assert_int_eq(btf_find_by_name_kind(btf, "td", BTF_KIND_TYPEDEF), (int)k.td);
	ck_assert_int_eq(btf_find_by_name_kind(btf, "s", BTF_KIND_UNION), -ENOENT);
	ck_assert_int_eq(btf_find_by_name_kind(btf, "nope", BTF_KIND_INT), -ENOENT);
	ck_assert_int_eq(btf_find_by_name_kind(btf, "void", BTF_KIND_UNKN), 0);
	ck_assert_uint_eq(btf_skip_mods(btf, k.cst), k.i_int);
	ck_assert_uint_eq(btf_skip_mods(btf, k.td), k.td);
	ck_assert_uint_eq(btf_skip_mods_typedefs(btf, k.td), k.s);
	ck_assert_uint_eq(btf_skip_mods_typedefs(btf, k.ttag), k.i_int);
	ck_assert_uint_eq(btf_skip_mods(btf, k.p_int), k.p_int);
	ck_assert_uint_eq(btf_skip_mods(btf, 0), 0);
	btf_free(btf);
	free(blob);
}
END_TEST

START_TEST(test_kinds_str)
{
	struct kinds k;
	size_t size;
	void *blob = build_kinds(&k, &size);
	struct btf *btf = parse_ok(blob, size, NULL);
	char small[5];

	ck_assert_str_eq(str_of(btf, 0), "void");
	ck_assert_str_eq(str_of(btf, k.i_int), "int");
	ck_assert_str_eq(str_of(btf, k.p_int), "int *");
	ck_assert_str_eq(str_of(btf, k.arr16), "char[16]");
	ck_assert_str_eq(str_of(btf, k.s), "struct s");
	ck_assert_str_eq(str_of(btf, k.u), "union u");
	ck_assert_str_eq(str_of(btf, k.e), "enum e");
	ck_assert_str_eq(str_of(btf, k.e64), "enum e64");
	ck_assert_str_eq(str_of(btf, k.fwd), "union fw");
	ck_assert_str_eq(str_of(btf, k.td), "td");
	ck_assert_str_eq(str_of(btf, k.cst), "const volatile int");
	ck_assert_str_eq(str_of(btf, k.rst), "int * restrict");
	ck_assert_str_eq(str_of(btf, k.p_cchar), "const char *");
	ck_assert_str_eq(str_of(btf, k.cptr), "char * const");
	ck_assert_str_eq(str_of(btf, k.p_arr), "char (*)[16]");
	ck_assert_str_eq(str_of(btf, k.arr_ptr), "int *[4]");
	ck_assert_str_eq(str_of(btf, k.proto), "int (int, char *)");
	ck_assert_str_eq(str_of(btf, k.p_proto), "int (*)(int, char *)");
	ck_assert_str_eq(str_of(btf, k.func), "int f(int, char *)");
	ck_assert_str_eq(str_of(btf, k.p_varargs), "void (*)(int, ...)");
	ck_assert_str_eq(str_of(btf, k.var), "int v");
	ck_assert_str_eq(str_of(btf, k.sec), "datasec .data");
	ck_assert_str_eq(str_of(btf, k.flt), "double");
	ck_assert_str_eq(str_of(btf, k.ttag), "int");
	ck_assert_str_eq(str_of(btf, k.anon), "struct (anon)");
	ck_assert_str_eq(str_of(btf, k.dtag), "decl_tag tag");
	ck_assert_str_eq(str_of(btf, 4242), "<bad type [4242]>");
	/* bounded by the caller's buffer */
	ck_assert_ptr_eq(btf_type_str(btf, k.s, small, sizeof(small)), small);
	ck_assert_str_eq(small, "stru");
	btf_free(btf);
	free(blob);
}
END_TEST

/* An unaligned buffer is copied, not read through misaligned pointers
 * (UBSan would flag those). */
START_TEST(test_unaligned)
{
	struct kinds k;
	size_t size;
	void *blob = build_kinds(&k, &size);
	char *odd = malloc(size + 1);
	struct btf *btf;

	memcpy(odd + 1, blob, size);
	btf = parse_ok(odd + 1, size, NULL);
	ck_assert_ptr_nonnull(btf->map);
	ck_assert_str_eq(str_of(btf, k.p_cchar), "const char *");
	btf_free(btf);
	free(odd);
	free(blob);
}
END_TEST

START_TEST(test_empty_types)
{
	struct tbtf b;
	size_t size;
	void *blob;
	struct btf *btf;

	tb_init(&b);
	blob = tb_blob(&b, &size);
	btf = parse_ok(blob, size, NULL);
	ck_assert_uint_eq(btf_type_cnt(btf), 1);
	ck_assert_int_eq(btf_find_by_name_kind(btf, "x", BTF_KIND_INT), -ENOENT);
	btf_free(btf);
	free(blob);
}
END_TEST

/* ---- reject: one wrong thing per row ---- */

/* The good blob the rows start from: [1] int, [2] int *, [3] struct s. */
static void base_types(struct tbtf *b)
{
	uint32_t i, p;

	tb_init(b);
	i = tb_int(b, "int", 4, BTF_INT_SIGNED, 32);
	p = tb_type(b, NULL, BTF_KIND_PTR, 0, 0, i);
	tb_type(b, "s", BTF_KIND_STRUCT, 0, 2, 16);
	tb_member(b, "a", i, 0);
	tb_member(b, "p", p, 64);
}

struct row {
	const char *name;
	/* Build the blob; return its size. */
	void *(*make)(size_t *size);
	int err;
	const char *sub; /* a piece of the message */
};

static void *good(size_t *size)
{
	struct tbtf b;

	base_types(&b);
	return tb_blob(&b, size);
}

#define HDR_ROW(fn, stmt)                            \
	static void *fn(size_t *size)                \
	{                                            \
		void *blob = good(size);             \
		struct btf_header *h = tb_hdr(blob); \
		(void)h;                             \
		stmt;                                \
		return blob;                         \
	}

HDR_ROW(bad_magic, h->magic = 0x1234)
HDR_ROW(big_endian, h->magic = 0x9FEB)
HDR_ROW(too_short, *size = 10)
HDR_ROW(bad_version, h->version = 2)
HDR_ROW(bad_flags, h->flags = 1)
HDR_ROW(hdr_len_big, h->hdr_len = (uint32_t)*size + 4)
HDR_ROW(hdr_len_small, h->hdr_len = 16)
HDR_ROW(str_past_end, h->str_len += 100)
HDR_ROW(type_past_end, h->type_off = 0xfffffff0u)
HDR_ROW(overlap, h->str_off -= 4)
HDR_ROW(type_len_odd, h->type_len -= 2)
HDR_ROW(str_no_nul, ((char *)blob)[*size - 1] = 'x')
HDR_ROW(str_no_lead_nul, ((char *)blob)[24 + h->str_off] = 'x')
HDR_ROW(str_empty, h->str_len = 0)
HDR_ROW(too_big, *size = (size_t)BTF_MAX_SIZE + 1)

static void *type_unaligned(size_t *size)
{
	struct tbtf b;

	base_types(&b);
	b.pad = 2;
	return tb_blob(&b, size);
}

/* Mutate record @id of the base blob. */
#define REC_ROW(fn, id, stmt)                       \
	static void *fn(size_t *size)               \
	{                                           \
		struct tbtf b;                      \
		struct btf_type *t;                 \
		base_types(&b);                     \
		t = tb_rec(&b, id);                 \
		stmt;                               \
		return tb_blob(&b, size);           \
	}

REC_ROW(name_past_end, 1, t->name_off = 1000)
REC_ROW(member_name_past_end, 3, ((struct btf_member *)(t + 1))[1].name_off = 999)
REC_ROW(record_past_end, 3, t->info += 5)
REC_ROW(ptr_out_of_range, 2, t->type = 99)
REC_ROW(member_out_of_range, 3, ((struct btf_member *)(t + 1))[1].type = 77)
REC_ROW(unknown_kind, 2, t->info = 25u << 24)
REC_ROW(kind_zero, 2, t->info = 0)

static void *record_truncated(size_t *size)
{
	struct tbtf b;

	base_types(&b);
	tb_word(&b, 0); /* 4 bytes: not a whole record */
	return tb_blob(&b, size);
}

static void *typedef_self(size_t *size)
{
	struct tbtf b;

	base_types(&b);
	tb_type(&b, "foo", BTF_KIND_TYPEDEF, 0, 0, 4); /* [4] -> [4] */
	return tb_blob(&b, size);
}

static void *cycle3(size_t *size)
{
	struct tbtf b;

	base_types(&b);
	tb_type(&b, NULL, BTF_KIND_CONST, 0, 0, 5);	   /* [4] -> [5] */
	tb_type(&b, NULL, BTF_KIND_VOLATILE, 0, 0, 6);	   /* [5] -> [6] */
	tb_type(&b, "t", BTF_KIND_TYPEDEF, 0, 0, 4);	   /* [6] -> [4] */
	return tb_blob(&b, size);
}

static void *cycle_array(size_t *size)
{
	struct tbtf b;

	base_types(&b);
	tb_type(&b, NULL, BTF_KIND_PTR, 0, 0, 2);	/* [4] -> a fine chain */
	tb_array(&b, 6, 1, 3);				/* [5] elem [6] */
	tb_type(&b, NULL, BTF_KIND_PTR, 0, 0, 5);	/* [6] -> [5] */
	return tb_blob(&b, size);
}

static void *func_not_proto(size_t *size)
{
	struct tbtf b;

	base_types(&b);
	tb_type(&b, "f", BTF_KIND_FUNC, 0, 0, 1);
	return tb_blob(&b, size);
}

static void *decl_tag_bad_idx(size_t *size)
{
	struct tbtf b;

	base_types(&b);
	tb_type(&b, "tag", BTF_KIND_DECL_TAG, 0, 0, 3);
	tb_word(&b, 2); /* struct s has members 0 and 1 */
	return tb_blob(&b, size);
}

static void *array_index_out_of_range(size_t *size)
{
	struct tbtf b;

	base_types(&b);
	tb_array(&b, 1, 50, 4);
	return tb_blob(&b, size);
}

static const struct row rows[] = {
	{ "bad magic", bad_magic, -EINVAL, "bad BTF magic 0x1234" },
	{ "big-endian", big_endian, -EINVAL, "big-endian BTF is not supported" },
	{ "too short", too_short, -EINVAL, "10 bytes are too few for a BTF header" },
	{ "version", bad_version, -EINVAL, "unsupported BTF version 2" },
	{ "flags", bad_flags, -EINVAL, "unsupported BTF header flags 0x1" },
	{ "hdr_len > size", hdr_len_big, -EINVAL, "header length" },
	{ "hdr_len < header", hdr_len_small, -EINVAL, "header length 16 is outside 24.." },
	{ "strings past end", str_past_end, -EINVAL, "string section (offset 64, length 111) runs past the end of the data (75 bytes" },
	{ "type offset wraps", type_past_end, -EINVAL,
	  "type section (offset 4294967280, length 64) runs past the end" },
	{ "sections overlap", overlap, -EINVAL,
	  "type section [0, 64) overlaps string section [60, 71)" },
	{ "type_len % 4", type_len_odd, -EINVAL, "type section length 62 is not a multiple of 4" },
	{ "type section unaligned", type_unaligned, -EINVAL,
	  "type section at byte 26 (header 24 + offset 2) is not 4-byte aligned" },
	{ "strings not NUL-terminated", str_no_nul, -EINVAL, "is not NUL-terminated" },
	{ "strings start non-NUL", str_no_lead_nul, -EINVAL,
	  "does not start with a NUL byte" },
	{ "strings empty", str_empty, -EINVAL, "string section is empty" },
	{ "bigger than BTF_MAX_SIZE", too_big, -EINVAL, "more than the 134217728 bytes" },
	{ "name past strings", name_past_end, -EINVAL,
	  "type [1] INT: name offset 1000 is past the end of the strings" },
	{ "member name past strings", member_name_past_end, -EINVAL,
	  "type [3] STRUCT 's': member 1: name offset 999 is past the end" },
	{ "record past the end", record_past_end, -EINVAL,
	  "type [3] STRUCT at offset 28: its 96 bytes run past the end of the type section (64 bytes)" },
	{ "record truncated", record_truncated, -EINVAL,
	  "type [4] at offset 64: the 4 bytes left are too few" },
	{ "type id out of range", ptr_out_of_range, -EINVAL,
	  "type [2] PTR: refers to type [99], past the last type [3]" },
	{ "member type out of range", member_out_of_range, -EINVAL,
	  "type [3] STRUCT 's': member 1 refers to type [77]" },
	{ "array index type out of range", array_index_out_of_range, -EINVAL,
	  "type [4] ARRAY: index type refers to type [50]" },
	{ "unknown kind", unknown_kind, -EINVAL, "type [2] at offset 16: unknown kind 25" },
	{ "kind 0", kind_zero, -EINVAL, "type [2] at offset 16: unknown kind 0" },
	{ "typedef to itself", typedef_self, -EINVAL,
	  "type [4] TYPEDEF 'foo': reference cycle through type [4]" },
	{ "3-long cycle", cycle3, -EINVAL,
	  "type [4] CONST: reference cycle through type [6] ([4] -> [5] -> [6] -> [4])" },
	{ "array/pointer cycle", cycle_array, -EINVAL,
	  "type [5] ARRAY: reference cycle through type [6]" },
	{ "FUNC to a non-proto", func_not_proto, -EINVAL,
	  "type [4] FUNC 'f': refers to type [1] INT, not a FUNC_PROTO" },
	{ "DECL_TAG component_idx", decl_tag_bad_idx, -EINVAL,
	  "type [4] DECL_TAG 'tag': component_idx 2" },
};

START_TEST(test_reject)
{
	const struct row *r = &rows[_i];
	struct errbuf eb = { "" };
	struct btf *btf = (struct btf *)1;
	size_t size;
	void *blob = r->make(&size);
	int err = btf_parse(blob, size, NULL, &btf, &eb);

	ck_assert_msg(err == r->err, "%s: got %d (%s), want %d", r->name, err,
		      eb.msg, r->err);
	ck_assert_ptr_null(btf);
	ck_assert_msg(strstr(eb.msg, r->sub), "%s: message '%s' lacks '%s'",
		      r->name, eb.msg, r->sub);
	free(blob);
}
END_TEST

/* The good blob really is good: the rows fail for their own reason. */
START_TEST(test_reject_base_ok)
{
	size_t size;
	void *blob = good(&size);
	struct btf *btf = parse_ok(blob, size, NULL);

	ck_assert_uint_eq(btf_type_cnt(btf), 4);
	ck_assert_str_eq(str_of(btf, 3), "struct s");
	btf_free(btf);
	free(blob);
}
END_TEST

/* ---- split ---- */

START_TEST(test_split_handmade)
{
	struct tbtf bb, sb;
	struct btf *base, *split;
	void *bblob, *sblob;
	size_t bsize, ssize;
	uint32_t s_id, p_id, td_id, a_off;
	const struct btf_type *t;
	struct errbuf eb = { "" };

	base_types(&bb);
	a_off = tb_rec(&bb, 3) ? btf_members(tb_rec(&bb, 3))[0].name_off : 0;
	bblob = tb_blob(&bb, &bsize);
	base = parse_ok(bblob, bsize, NULL);

	/* ids from 4, string offsets from the base's str_len */
	tb_init_split(&sb, btf_type_cnt(base), base->str_len);
	s_id = tb_type(&sb, "split_s", BTF_KIND_STRUCT, 0, 2, 16);
	tb_member(&sb, NULL, 1, 0);		/* name 0: the base's "" */
	tb_word3(&sb, a_off, 2, 64);		/* name "a" from the base */
	p_id = tb_type(&sb, NULL, BTF_KIND_PTR, 0, 0, 3); /* base struct s */
	td_id = tb_type(&sb, "s", BTF_KIND_TYPEDEF, 0, 0, s_id);
	sblob = tb_blob(&sb, &ssize);
	split = parse_ok(sblob, ssize, base);

	ck_assert_uint_eq(split->start_id, 4);
	ck_assert_uint_eq(split->start_str_off, base->str_len);
	ck_assert_uint_eq(btf_type_cnt(split), 7);
	ck_assert_uint_eq(s_id, 4);
	/* base ids and strings through the split btf */
	ck_assert_str_eq(btf_type_name(split, 1), "int");
	ck_assert_str_eq(btf_type_name(split, s_id), "split_s");
	t = btf_type_by_id(split, s_id);
	ck_assert_str_eq(btf_str(split, btf_members(t)[1].name_off), "a");
	ck_assert_str_eq(str_of(split, p_id), "struct s *");
	ck_assert_str_eq(str_of(split, td_id), "s");
	ck_assert_int_eq(btf_find_by_name_kind(split, "s", BTF_KIND_STRUCT), 3);
	ck_assert_int_eq(btf_find_by_name_kind(split, "s", BTF_KIND_TYPEDEF), (int)td_id);
	ck_assert_uint_eq(btf_skip_mods_typedefs(split, td_id), s_id);
	ck_assert_uint_eq(size_ok(split, td_id), 16);
	btf_free(split);

	/* the same split data without its base is nonsense */
	ck_assert_int_eq(btf_parse(sblob, ssize, NULL, &split, &eb), -EINVAL);
	ck_assert_msg(strstr(eb.msg, "does not start with a NUL byte"), "%s", eb.msg);
	free(sblob);

	/* a split reference past the split's last id */
	tb_init_split(&sb, 4, base->str_len);
	tb_type(&sb, NULL, BTF_KIND_PTR, 0, 0, 5);
	sblob = tb_blob(&sb, &ssize);
	ck_assert_int_eq(btf_parse(sblob, ssize, base, &split, &eb), -EINVAL);
	ck_assert_msg(strstr(eb.msg, "type [4] PTR: refers to type [5], past the last type [4]"),
		      "%s", eb.msg);
	free(sblob);

	/* split BTF with no strings of its own is fine */
	tb_init_split(&sb, 4, base->str_len);
	tb_type(&sb, NULL, BTF_KIND_PTR, 0, 0, 1);
	sblob = tb_blob(&sb, &ssize);
	split = parse_ok(sblob, ssize, base);
	ck_assert_uint_eq(split->str_len, 0);
	ck_assert_str_eq(str_of(split, 4), "int *");
	btf_free(split);
	free(sblob);

	btf_free(base);
	free(bblob);
}
END_TEST

/* Build the kind of split BTF a module has, on the running kernel's. */
START_TEST(test_split_vmlinux)
{
	struct errbuf eb = { "" };
	struct btf *base = NULL, *split;
	struct tbtf sb;
	void *sblob;
	size_t ssize;
	int task, err;
	uint32_t p, s, pid_name = 0;
	const struct btf_type *t;

	err = btf_load_file(VMLINUX, NULL, &base, &eb);
	ck_assert_msg(err == 0, "%s", eb.msg);
	task = btf_find_by_name_kind(base, "task_struct", BTF_KIND_STRUCT);
	ck_assert_int_gt(task, 0);
	t = btf_type_by_id(base, (uint32_t)task);
	for (unsigned i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf_str(base, btf_members(t)[i].name_off), "pid"))
			pid_name = btf_members(t)[i].name_off;
	ck_assert_uint_ne(pid_name, 0);

	tb_init_split(&sb, btf_type_cnt(base), base->str_len);
	p = tb_type(&sb, NULL, BTF_KIND_PTR, 0, 0, (uint32_t)task);
	s = tb_type(&sb, "rawload_mod_state", BTF_KIND_STRUCT, 0, 2, 16);
	tb_member(&sb, "owner", p, 0);
	tb_word3(&sb, pid_name, (uint32_t)btf_find_by_name_kind(base, "int", BTF_KIND_INT), 64);
	sblob = tb_blob(&sb, &ssize);
	split = parse_ok(sblob, ssize, base);
	ck_assert_uint_eq(p, btf_type_cnt(base));
	ck_assert_str_eq(str_of(split, p), "struct task_struct *");
	ck_assert_str_eq(str_of(split, s), "struct rawload_mod_state");
	ck_assert_str_eq(btf_str(split, btf_members(btf_type_by_id(split, s))[1].name_off),
			 "pid");
	ck_assert_int_eq(btf_find_by_name_kind(split, "rawload_mod_state", BTF_KIND_STRUCT),
			 (int)s);
	ck_assert_int_eq(btf_find_by_name_kind(split, "task_struct", BTF_KIND_STRUCT), task);
	btf_free(split);
	free(sblob);
	btf_free(base);
}
END_TEST

/* Module BTF files under /sys/kernel/btf, if the kernel has any modules
 * with BTF (this machine may have none: then there is nothing to load). */
START_TEST(test_split_modules)
{
	struct errbuf eb = { "" };
	struct btf *base = NULL, *mod;
	DIR *d = opendir("/sys/kernel/btf");
	struct dirent *de;
	int err, tried = 0;

	ck_assert_ptr_nonnull(d);
	err = btf_load_file(VMLINUX, NULL, &base, &eb);
	ck_assert_msg(err == 0, "%s", eb.msg);
	while ((de = readdir(d)) && tried < 3) {
		char path[512];

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", de->d_name);
		err = btf_load_file(path, base, &mod, &eb);
		ck_assert_msg(err == 0, "%s", eb.msg);
		ck_assert_uint_eq(mod->start_id, btf_type_cnt(base));
		ck_assert_uint_gt(btf_type_cnt(mod), btf_type_cnt(base));
		btf_free(mod);
		tried++;
	}
	closedir(d);
	btf_free(base);
}
END_TEST

/* ---- file ---- */

static char *write_tmp(const void *data, size_t size)
{
	char *path = strdup("/tmp/rawload-btf-XXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, size), (ssize_t)size);
	close(fd);
	return path;
}

/*
 * A minimal relocatable ELF64 with sections [1] .shstrtab and [2] @name
 * holding @payload at file offset 64 + @skew:
 *   Ehdr | pad | payload | names | pad | 3 section headers
 */
static void *make_elf(const char *name, const void *payload, size_t plen,
		      size_t skew, int big_endian, size_t *size)
{
	char names[64];
	size_t nlen, name_at, pay_at = sizeof(Elf64_Ehdr) + skew, names_at, sh_at;
	Elf64_Ehdr eh = { 0 };
	Elf64_Shdr sh[3] = { { 0 } };
	uint8_t *p;

	memset(names, 0, sizeof(names));
	strcpy(names + 1, ".shstrtab");
	name_at = 11;
	strcpy(names + name_at, name);
	nlen = name_at + strlen(name) + 1;
	names_at = pay_at + plen;
	sh_at = (names_at + nlen + 7) & ~(size_t)7;
	*size = sh_at + sizeof(sh);
	p = calloc(1, *size);
	ck_assert_ptr_nonnull(p);

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = big_endian ? ELFDATA2MSB : ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_REL;
	eh.e_machine = EM_BPF;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = sizeof(eh);
	eh.e_shoff = sh_at;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 3;
	eh.e_shstrndx = 1;
	sh[1].sh_name = 1;
	sh[1].sh_type = SHT_STRTAB;
	sh[1].sh_offset = names_at;
	sh[1].sh_size = nlen;
	sh[2].sh_name = (uint32_t)name_at;
	sh[2].sh_type = SHT_PROGBITS;
	sh[2].sh_offset = pay_at;
	sh[2].sh_size = plen;
	sh[2].sh_addralign = 4;
	memcpy(p, &eh, sizeof(eh));
	memcpy(p + pay_at, payload, plen);
	memcpy(p + names_at, names, nlen);
	memcpy(p + sh_at, sh, sizeof(sh));
	return p;
}

static int load_tmp(const void *data, size_t size, struct btf **btf,
		    struct errbuf *eb, char **path)
{
	*path = write_tmp(data, size);
	return btf_load_file(*path, NULL, btf, eb);
}

START_TEST(test_file_raw_and_elf)
{
	struct kinds k;
	struct errbuf eb = { "" };
	struct btf *btf;
	size_t size, esize;
	void *blob = build_kinds(&k, &size), *elf;
	char *path;

	/* raw BTF */
	ck_assert_int_eq(load_tmp(blob, size, &btf, &eb, &path), 0);
	ck_assert_ptr_nonnull(btf->map);
	ck_assert_str_eq(str_of(btf, k.p_proto), "int (*)(int, char *)");
	btf_free(btf);
	unlink(path);
	free(path);

	/* .BTF in an ELF object, aligned and at an odd offset (copied) */
	for (size_t skew = 0; skew < 2; skew++) {
		elf = make_elf(".BTF", blob, size, skew, 0, &esize);
		ck_assert_msg(load_tmp(elf, esize, &btf, &eb, &path) == 0, "%s", eb.msg);
		ck_assert_uint_eq(btf_type_cnt(btf), k.ull + 1);
		ck_assert_str_eq(str_of(btf, k.func), "int f(int, char *)");
		btf_free(btf);
		unlink(path);
		free(path);
		free(elf);
	}
	free(blob);
}
END_TEST

static void load_fails(const void *data, size_t size, int want, const char *sub)
{
	struct errbuf eb = { "" };
	struct btf *btf = (struct btf *)1;
	char *path;
	int err = load_tmp(data, size, &btf, &eb, &path);

	ck_assert_msg(err == want, "got %d (%s), want %d", err, eb.msg, want);
	ck_assert_ptr_null(btf);
	ck_assert_msg(strstr(eb.msg, path), "'%s' does not name the path", eb.msg);
	ck_assert_msg(strstr(eb.msg, sub), "'%s' lacks '%s'", eb.msg, sub);
	unlink(path);
	free(path);
}

START_TEST(test_file_bad)
{
	struct errbuf eb = { "" };
	struct btf *btf;
	size_t size, esize;
	void *blob = good(&size), *elf;
	Elf64_Shdr sh;
	Elf64_Ehdr eh;

	ck_assert_int_eq(btf_load_file("/nonexistent/btf", NULL, &btf, &eb), -ENOENT);
	ck_assert_str_eq(eb.msg, "/nonexistent/btf: cannot open: ENOENT (No such file "
			 "or directory)");
	ck_assert_int_eq(btf_load_file("/tmp", NULL, &btf, &eb), -EINVAL);

	elf = make_elf(".BTF.ext", blob, size, 0, 0, &esize);
	load_fails(elf, esize, -ENODATA, ": no .BTF section");
	free(elf);

	elf = make_elf(".BTF", blob, size, 0, 1, &esize);
	load_fails(elf, esize, -EINVAL, "big-endian ELF is not supported");
	free(elf);

	/* .BTF's size runs past the end of the file */
	elf = make_elf(".BTF", blob, size, 0, 0, &esize);
	memcpy(&eh, elf, sizeof(eh));
	memcpy(&sh, (char *)elf + eh.e_shoff + 2 * sizeof(sh), sizeof(sh));
	sh.sh_size = 1u << 20;
	memcpy((char *)elf + eh.e_shoff + 2 * sizeof(sh), &sh, sizeof(sh));
	load_fails(elf, esize, -EINVAL, "section 2 '.BTF' (offset 0x40, size 0x100000) "
		   "lies outside the file");
	/* the section header table runs past the end */
	eh.e_shnum = 200;
	memcpy(elf, &eh, sizeof(eh));
	load_fails(elf, esize, -EINVAL, "section header table (200 entries");
	/* no sections at all (e_shnum 0 and section 0's sh_size 0) */
	eh.e_shnum = 0;
	memcpy(elf, &eh, sizeof(eh));
	load_fails(elf, esize, -EINVAL, "the file has no sections");
	free(elf);

	/* bad BTF inside a good ELF: the path and the section prefix it */
	((struct btf_header *)blob)->version = 7;
	elf = make_elf(".BTF", blob, size, 0, 0, &esize);
	load_fails(elf, esize, -EINVAL, ": section '.BTF': unsupported BTF version 7");
	free(elf);
	load_fails(blob, size, -EINVAL, ": unsupported BTF version 7");
	free(blob);
}
END_TEST

/* ---- vmlinux against bpftool ---- */

static struct btf *load_vmlinux(void)
{
	struct errbuf eb = { "" };
	struct btf *btf = NULL;
	int err = btf_load_file(VMLINUX, NULL, &btf, &eb);

	ck_assert_msg(err == 0, "%s", eb.msg);
	return btf;
}

/* The member @name of struct/union @t, or NULL. */
static const struct btf_member *member(const struct btf *btf,
				       const struct btf_type *t, const char *name)
{
	for (unsigned i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf_str(btf, btf_members(t)[i].name_off), name))
			return &btf_members(t)[i];
	return NULL;
}

START_TEST(test_vmlinux_facts)
{
	struct btf *btf = load_vmlinux();
	int task = btf_find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	int bprm = btf_find_by_name_kind(btf, "linux_binprm", BTF_KIND_STRUCT);
	const struct btf_type *t;
	const struct btf_member *m;

	ck_assert_int_gt(task, 0);
	t = btf_type_by_id(btf, (uint32_t)task);
	ck_assert_uint_eq(btf_kind(t), BTF_KIND_STRUCT);
	ck_assert_str_eq(str_of(btf, (uint32_t)task), "struct task_struct");
	m = member(btf, t, "pid");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(size_ok(btf, m->type), 4);
	ck_assert_str_eq(str_of(btf, m->type), "pid_t");
	ck_assert_str_eq(str_of(btf, btf_skip_mods_typedefs(btf, m->type)), "int");
	ck_assert_uint_eq(btf_member_bit_offset(t, (unsigned)(m - btf_members(t))) % 8, 0);
	m = member(btf, t, "comm");
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(str_of(btf, m->type), "char[16]");
	ck_assert_uint_eq(size_ok(btf, m->type), 16);
	m = member(btf, t, "real_parent");
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(str_of(btf, m->type), "struct task_struct *");
	ck_assert_uint_eq(size_ok(btf, m->type), 8);
	ck_assert_uint_gt(size_ok(btf, (uint32_t)task), 1000);

	ck_assert_int_gt(bprm, 0);
	m = member(btf, btf_type_by_id(btf, (uint32_t)bprm), "filename");
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(str_of(btf, m->type), "const char *");
	ck_assert_int_gt(btf_find_by_name_kind(btf, "unsigned int", BTF_KIND_INT), 0);
	ck_assert_int_eq(btf_find_by_name_kind(btf, "no_such_type_here", BTF_KIND_STRUCT),
			 -ENOENT);
	btf_free(btf);
}
END_TEST

/*
 * Every type of @path against `bpftool btf dump file` (raw format), an
 * independent parser: the count, and per id the kind, the name and, where
 * bpftool prints them, size= and type_id=. Lines look like
 *   [2] PTR '(anon)' type_id=5
 *   [21] STRUCT 'list_head' size=16 vlen=2
 * with members on tab-indented lines, which are skipped.
 */
static void compare_with_bpftool(const char *path, const struct btf *btf)
{
	char cmd[600], line[4096];
	uint32_t n = 0;
	FILE *f;

	ck_assert_msg(access(BPFTOOL, X_OK) == 0, "no %s", BPFTOOL);
	snprintf(cmd, sizeof(cmd), "%s btf dump file '%s'", BPFTOOL, path);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		char kind[32], name[512];
		const struct btf_type *t;
		const char *p;
		unsigned id, v;

		if (line[0] != '[')
			continue;
		ck_assert_msg(sscanf(line, "[%u] %31s '%511[^']'", &id, kind, name) == 3,
			      "cannot read bpftool line: %s", line);
		ck_assert_uint_eq(id, ++n);
		t = btf_type_by_id(btf, id);
		ck_assert_ptr_nonnull(t);
		ck_assert_msg(!strcmp(btf_kind_name(btf_kind(t)), kind),
			      "%s [%u]: %s vs bpftool %s", path, id,
			      btf_kind_name(btf_kind(t)), kind);
		ck_assert_msg(!strcmp(btf_type_name(btf, id),
				      strcmp(name, "(anon)") ? name : ""),
			      "%s [%u]: '%s' vs bpftool '%s'", path, id,
			      btf_type_name(btf, id), name);
		if ((p = strstr(line, " size=")) && sscanf(p, " size=%u", &v) == 1 &&
		    btf_kind(t) != BTF_KIND_DATASEC)
			ck_assert_msg(size_ok(btf, id) == v, "%s [%u] size %u", path, id, v);
		if ((p = strstr(line, " type_id=")) && sscanf(p, " type_id=%u", &v) == 1)
			ck_assert_msg((btf_kind(t) == BTF_KIND_ARRAY ?
				       btf_array(t)->type : t->type) == v,
				      "%s [%u] type_id %u", path, id, v);
	}
	ck_assert_int_eq(pclose(f), 0);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(btf_type_cnt(btf), n + 1);
}

START_TEST(test_vmlinux_vs_bpftool)
{
	struct btf *btf = load_vmlinux();

	compare_with_bpftool(VMLINUX, btf);
	ck_assert_uint_gt(btf_type_cnt(btf), 1000);
	btf_free(btf);
}
END_TEST

/* Objects clang built (build/progs): .BTF found by btf_load_file's own
 * ELF walk, every type as bpftool reads it. */
START_TEST(test_objects_vs_bpftool)
{
	char **objs = unit_list_objects();
	size_t n;

	for (n = 0; objs[n]; n++) {
		struct errbuf eb = { "" };
		struct btf *btf;
		char buf[256];

		ck_assert_msg(btf_load_file(objs[n], NULL, &btf, &eb) == 0, "%s", eb.msg);
		compare_with_bpftool(objs[n], btf);
		/* every type spells without tripping the sanitizers */
		for (uint32_t id = 0; id < btf_type_cnt(btf); id++)
			btf_type_str(btf, id, buf, sizeof(buf));
		btf_free(btf);
	}
	unit_free_list(objs);
	ck_assert_uint_gt(n, 0);
}
END_TEST

/* A sysfs binary file without mmap support (as module BTF is): read into
 * memory instead, then refused for what it is. */
START_TEST(test_file_read_fallback)
{
	struct errbuf eb = { "" };
	struct btf *btf;

	ck_assert_int_eq(access("/sys/kernel/notes", R_OK), 0);
	ck_assert_int_eq(btf_load_file("/sys/kernel/notes", NULL, &btf, &eb), -EINVAL);
	ck_assert_msg(strstr(eb.msg, "/sys/kernel/notes: bad BTF magic"), "%s", eb.msg);
}
END_TEST

/* ~6 MB, ~150k types: one pass, mmap'ed. Even under ASan+UBSan this is
 * well under a second; the bound only catches an accidental quadratic. */
START_TEST(test_vmlinux_speed)
{
	struct timespec a, b;
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 5; i++)
		btf_free(load_vmlinux());
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = ((b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6) / 5;
	ck_assert_msg(ms < 1000, "loading vmlinux BTF took %.0f ms", ms);
}
END_TEST

static Suite *btf_suite(void)
{
	Suite *s = suite_create("btf");
	TCase *tc;

	tc = tcase_create("kinds");
	tcase_add_test(tc, test_kinds_parse);
	tcase_add_test(tc, test_kinds_members);
	tcase_add_test(tc, test_kinds_size);
	tcase_add_test(tc, test_size_overflow);
	tcase_add_test(tc, test_deep_chain);
	tcase_add_test(tc, test_kinds_lookup);
	tcase_add_test(tc, test_kinds_str);
	tcase_add_test(tc, test_unaligned);
	tcase_add_test(tc, test_empty_types);
	suite_add_tcase(s, tc);

	tc = tcase_create("reject");
	tcase_add_test(tc, test_reject_base_ok);
	tcase_add_loop_test(tc, test_reject, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("split");
	tcase_add_test(tc, test_split_handmade);
	suite_add_tcase(s, tc);

	tc = tcase_create("file");
	tcase_add_test(tc, test_file_raw_and_elf);
	tcase_add_test(tc, test_file_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("vmlinux");
	tcase_set_tags(tc, "kernel_btf");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_vmlinux_facts);
	tcase_add_test(tc, test_vmlinux_vs_bpftool);
	tcase_add_test(tc, test_vmlinux_speed);
	tcase_add_test(tc, test_split_vmlinux);
	tcase_add_test(tc, test_split_modules);
	tcase_add_test(tc, test_file_read_fallback);
	suite_add_tcase(s, tc);

	tc = tcase_create("objects");
	tcase_set_tags(tc, "progs");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_objects_vs_bpftool);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(btf_suite)
