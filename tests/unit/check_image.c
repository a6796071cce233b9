/*
 * tests/unit/check_image.c - the load image (relo/reloc.h): a program
 * linked once with no fds, its map references holding map indexes, then
 * given fds by reloc_bind_maps(), must be the very instructions a link
 * with those fds gives; and linking leaves the object as read.
 * Every built test object, every program.
 */
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "elf/object.h"
#include "relo/reloc.h"
#include "unit.h"

/* Every extern resolved to something recognisable, so that objects with
 * ksyms, kfuncs and .kconfig link too. */
static struct extern_value *fake_externs(const struct object *obj)
{
	struct extern_value *ext = calloc(obj->nexterns + 1, sizeof(*ext));

	ck_assert_ptr_nonnull(ext);
	for (size_t k = 0; k < obj->nexterns; k++)
		ext[k] = (struct extern_value){ 1, 0xffffffff81000000ull + k, 7 + (uint32_t)k };
	return ext;
}

/* Program @i: with fds and as an image; both fail alike or agree. */
static void check_prog(const char *path, const struct object *obj,
		       const struct relo_set *set, size_t i, const int *fds,
		       const struct extern_value *ext)
{
	struct reloc_env with = { fds, ext, NULL }, image = { NULL, ext, NULL };
	struct errbuf eb1 = { "" }, eb2 = { "" };
	struct final_prog a, b;
	struct bpf_insn *bound;
	int e1 = reloc_build_prog(obj, set, i, &with, &a, &eb1);
	int e2 = reloc_build_prog(obj, set, i, &image, &b, &eb2);

	ck_assert_msg(e1 == e2, "%s '%s': with fds %d (%s), as image %d (%s)", path,
		      obj->progs[i].name, e1, eb1.msg, e2, eb2.msg);
	if (e1)
		return;
	ck_assert_uint_eq(a.nmap_refs, 0);	/* fds given: nothing to bind */
	ck_assert_uint_eq(a.insn_cnt, b.insn_cnt);
	for (size_t k = 0; k < b.nmap_refs; k++) {
		const struct bpf_insn *in = &b.insns[b.map_refs[k]];

		ck_assert_msg(in->code == (BPF_LD | BPF_IMM | BPF_DW) &&
			      (in->src_reg == BPF_PSEUDO_MAP_FD ||
			       in->src_reg == BPF_PSEUDO_MAP_VALUE),
			      "%s '%s': map ref %zu at insn %zu is no map ld_imm64", path,
			      obj->progs[i].name, k, b.map_refs[k]);
		ck_assert_msg(in->imm >= 0 && (size_t)in->imm < obj->nmaps,
			      "%s '%s': insn %zu names map %d of %zu", path, obj->progs[i].name,
			      b.map_refs[k], in->imm, obj->nmaps);
	}
	bound = reloc_bind_maps(&b, fds);
	ck_assert_ptr_nonnull(bound);
	ck_assert_msg(memcmp(bound, a.insns, a.insn_cnt * sizeof(*bound)) == 0,
		      "%s '%s': the bound image differs from a link with fds", path,
		      obj->progs[i].name);
	free(bound);
	reloc_free_prog(&a);
	reloc_free_prog(&b);
}

START_TEST(test_image_binds_like_a_link)
{
	char **objs = unit_list_objects();
	struct errbuf eb = { "" };
	struct object obj;
	struct relo_set set;
	struct extern_value *ext;
	struct bpf_insn **before;
	int *fds;

	ck_assert_msg(objs[_i] != NULL, "object %d missing", _i);
	ck_assert_msg(obj_open(objs[_i], &obj, &eb) == 0, "%s: %s", objs[_i], eb.msg);
	if (reloc_collect(&obj, &set, &eb)) {	/* the bad_* objects */
		obj_close(&obj);
		unit_free_list(objs);
		return;
	}
	fds = malloc((obj.nmaps + 1) * sizeof(*fds));
	before = calloc(obj.nprogs + 1, sizeof(*before));
	ck_assert(fds && before);
	for (size_t m = 0; m < obj.nmaps; m++)
		fds[m] = 300 + 3 * (int)m;	/* no map index looks like its fd */
	ext = fake_externs(&obj);
	for (size_t i = 0; i < obj.nprogs; i++) {
		before[i] = malloc(obj.progs[i].insn_cnt * sizeof(struct bpf_insn) + 1);
		ck_assert_ptr_nonnull(before[i]);
		memcpy(before[i], obj.progs[i].insns, obj.progs[i].insn_cnt * sizeof(struct bpf_insn));
	}
	for (size_t i = 0; i < obj.nprogs; i++)
		if (!obj.progs[i].is_subprog)
			check_prog(objs[_i], &obj, &set, i, fds, ext);
	for (size_t i = 0; i < obj.nprogs; i++) {
		ck_assert_msg(memcmp(before[i], obj.progs[i].insns,
				     obj.progs[i].insn_cnt * sizeof(struct bpf_insn)) == 0,
			      "%s: linking changed function '%s' of the object", objs[_i],
			      obj.progs[i].name);
		free(before[i]);
	}
	free(before);
	free(ext);
	free(fds);
	reloc_free(&set);
	obj_close(&obj);
	unit_free_list(objs);
}
END_TEST

static Suite *image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("objects");

	tcase_add_loop_test(tc, test_image_binds_like_a_link, 0, unit_count_objects());
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(image_suite)
