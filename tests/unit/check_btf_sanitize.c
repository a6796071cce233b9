/*
 * tests/unit/check_btf_sanitize.c - rewriting BTF for older kernels.
 *
 * For every test object's BTF (with the loader's fixups applied), the
 * rewrite for a kernel lacking every feature must leave a BTF that parses,
 * has the same type ids (plus the ENUM64 placeholder), and contains none
 * of the new kinds; each probe blob must parse and use exactly the kind it
 * probes. Whether the kernel accepts the result is tests/e2e/t_btf_old.sh.
 */
#include <linux/btf.h>
#include <stdlib.h>
#include <string.h>

#include "elf/object.h"
#include "relo/btf_fixup.h"
#include "relo/btf_sanitize.h"
#include "unit.h"

static int is_new_kind(unsigned k)
{
	return k == BTF_KIND_VAR || k == BTF_KIND_DATASEC || k == BTF_KIND_FUNC ||
	       k == BTF_KIND_FUNC_PROTO || k == BTF_KIND_FLOAT || k == BTF_KIND_DECL_TAG ||
	       k == BTF_KIND_TYPE_TAG || k == BTF_KIND_ENUM64;
}

START_TEST(test_sanitize_all)
{
	char **objs = unit_list_objects();
	struct errbuf eb = { "" };
	struct object obj;
	struct btf *in, *out;
	uint8_t *fixed, *san;
	size_t flen, slen;

	ck_assert_msg(objs[_i] != NULL, "object %d missing", _i);
	ck_assert_msg(obj_open(objs[_i], &obj, &eb) == 0, "%s: %s", objs[_i], eb.msg);
	ck_assert_int_eq(btf_fixup(&obj, &fixed, &flen, &eb), 0);
	ck_assert_int_eq(btf_parse(fixed, flen, NULL, &in, &eb), 0);
	ck_assert_msg(btf_sanitize(fixed, flen, BTF_FEAT_ALL, &san, &slen, &eb) == 0, "%s", eb.msg);
	ck_assert_msg(btf_parse(san, slen, NULL, &out, &eb) == 0, "%s: rewritten BTF: %s",
		      objs[_i], eb.msg);
	ck_assert_uint_ge(btf_type_cnt(out), btf_type_cnt(in));
	ck_assert_uint_le(btf_type_cnt(out), btf_type_cnt(in) + 1);
	for (uint32_t id = 1; id < btf_type_cnt(out); id++)
		ck_assert_msg(!is_new_kind(btf_kind(btf_type_by_id(out, id))),
			      "%s: type [%u] is still %s", objs[_i], id,
			      btf_kind_name(btf_kind(btf_type_by_id(out, id))));
	ck_assert_uint_eq(btf_features_used(san, slen), 0);
	btf_free(out);
	btf_free(in);
	free(san);
	free(fixed);
	obj_close(&obj);
	unit_free_list(objs);
}
END_TEST

START_TEST(test_probe_blobs)
{
	for (uint32_t f = 1; f < BTF_FEAT_ALL; f <<= 1) {
		uint8_t blob[BTF_PROBE_MAX];
		size_t n = btf_probe_blob(f, blob);
		struct errbuf eb = { "" };
		struct btf *b;
		uint32_t used;

		ck_assert_uint_gt(n, 0);
		ck_assert_msg(btf_parse(blob, n, NULL, &b, &eb) == 0, "%s: %s",
			      btf_feature_name(f), eb.msg);
		used = btf_features_used(blob, n);
		/* a global FUNC probe also uses FUNC, a DECL_TAG one a VAR */
		ck_assert_msg((used & f) && !(used & ~(f | BTF_FEAT_FUNC | BTF_FEAT_DATASEC)),
			      "%s probe uses 0x%x", btf_feature_name(f), used);
		btf_free(b);
	}
}
END_TEST

/* The loader's fixup, not the rewrite: a `__weak __hidden` subprogram
 * (tools.bpf.c's fill_common) reaches the kernel as a static FUNC, so it
 * is verified in its callers' context, as libbpf does; programs and plain
 * global subprograms keep their global linkage. */
static uint32_t linkage_of(const struct btf *b, const char *name)
{
	int id = btf_find_by_name_kind(b, name, BTF_KIND_FUNC);

	ck_assert_msg(id > 0, "no FUNC '%s'", name);
	return btf_vlen(btf_type_by_id(b, (uint32_t)id));
}

START_TEST(test_hidden_func_static)
{
	struct errbuf eb = { "" };
	struct object obj;
	struct btf *in;
	uint8_t *fixed;
	size_t flen, sub = 0;

	ck_assert_msg(obj_open(PROGS_DIR "/tools.bpf.o", &obj, &eb) == 0, "%s", eb.msg);
	while (sub < obj.nprogs && strcmp(obj.progs[sub].name, "fill_common"))
		sub++;
	ck_assert_uint_lt(sub, obj.nprogs);
	ck_assert(obj.progs[sub].is_hidden && !obj.progs[sub].is_global);
	ck_assert_uint_eq(linkage_of(obj.btf, "fill_common"), BTF_FUNC_GLOBAL);
	ck_assert_int_eq(btf_fixup(&obj, &fixed, &flen, &eb), 0);
	ck_assert_int_eq(btf_parse(fixed, flen, NULL, &in, &eb), 0);
	ck_assert_uint_eq(linkage_of(in, "fill_common"), BTF_FUNC_STATIC);
	ck_assert_uint_eq(linkage_of(in, "handle_exec"), BTF_FUNC_GLOBAL);
	btf_free(in);
	free(fixed);
	obj_close(&obj);
}
END_TEST

static Suite *btf_sanitize_suite(void)
{
	Suite *s = suite_create("btf_sanitize");
	TCase *tc = tcase_create("rewrite");

	tcase_add_loop_test(tc, test_sanitize_all, 0, unit_count_objects());
	tcase_add_test(tc, test_probe_blobs);
	tcase_add_test(tc, test_hidden_func_static);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(btf_sanitize_suite)
