/*
 * tests/unit/check_struct_ops.c - suite "struct_ops": elf/struct_ops.c and
 * relo/struct_ops.c on build/progs/struct_ops.bpf.o.
 *
 *   elf     the object's side: one map per variable, its members set to
 *           programs (from .rel.struct_ops.link), BPF_F_LINK
 *   layout  the value placed against a hand-built target BTF whose struct
 *           tcp_congestion_ops is laid out unlike any real kernel's: every
 *           offset and member index must come from the target, none from
 *           the object (vmlinux.h) it was compiled with
 *   errors  table-driven: the target without the wrapper type, a member
 *           of another size or kind, a set member the target lacks
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "btf_build.h"
#include "elf/object.h"
#include "relo/struct_ops.h"
#include "unit.h"

/* How the hand-built target deviates (the error rows). */
enum variant { V_OK, V_NO_WRAPPER, V_NAME_8, V_SSTHRESH_INT };

/*
 * A target BTF of 6 + 2 types (*@blob holds its bytes, for the caller to
 * free after btf_free):
 *   struct tcp_congestion_ops (56 bytes): name char[16] @0, undo_cwnd @16,
 *       init @24, ssthresh @32, cong_avoid @40, flags int @48
 *   struct bpf_struct_ops_tcp_congestion_ops (88): common int[8] @0,
 *       data @32
 * Members the object sets that this struct lacks (owner, list, key, ...)
 * are all zero in struct_ops.bpf.c: left out.
 */
static struct btf *target(enum variant v, void **blob)
{
	struct btf *btf = NULL;
	struct errbuf eb;
	struct tbtf b;
	uint32_t i, fp, c, name, ops, common;
	size_t size;

	tb_init(&b);
	i = tb_int(&b, "int", 4, BTF_INT_SIGNED, 32);			 /* [1] */
	fp = tb_type(&b, NULL, BTF_KIND_FUNC_PROTO, 0, 0, i);		 /* [2] */
	fp = tb_type(&b, NULL, BTF_KIND_PTR, 0, 0, fp);			 /* [3] */
	c = tb_int(&b, "char", 1, BTF_INT_SIGNED, 8);			 /* [4] */
	name = tb_array(&b, c, i, v == V_NAME_8 ? 8 : 16);		 /* [5] */
	ops = tb_type(&b, "tcp_congestion_ops", BTF_KIND_STRUCT, 0, 6, 56); /* [6] */
	tb_member(&b, "name", name, 0);
	tb_member(&b, "undo_cwnd", fp, 128);
	tb_member(&b, "init", fp, 192);
	tb_member(&b, "ssthresh", v == V_SSTHRESH_INT ? i : fp, 256);
	tb_member(&b, "cong_avoid", fp, 320);
	tb_member(&b, "flags", i, 384);
	common = tb_array(&b, i, i, 8);					 /* [7] */
	tb_type(&b, v == V_NO_WRAPPER ? "bpf_struct_ops_other" :
		"bpf_struct_ops_tcp_congestion_ops", BTF_KIND_STRUCT, 0, 2, 88);
	tb_member(&b, "common", common, 0);
	tb_member(&b, "data", ops, 256);
	/* the parsed BTF points into the blob: freed after it */
	*blob = tb_blob(&b, &size);
	ck_assert_msg(btf_parse(*blob, size, NULL, &btf, &eb) == 0, "%s", eb.msg);
	return btf;
}

static void open_obj(const char *file, struct object *obj, size_t *map)
{
	char path[256];
	struct errbuf eb;
	int m = -1;

	snprintf(path, sizeof(path), PROGS_DIR "/%s", file);
	ck_assert_msg(obj_open(path, obj, &eb) == 0, "%s", eb.msg);
	for (size_t i = 0; i < obj->nmaps; i++)
		if (obj->maps[i].origin == MAP_STRUCT_OPS)
			m = (int)i;
	ck_assert_int_ge(m, 0);
	*map = (size_t)m;
}

static const char *prog_name(const struct object *obj, size_t p)
{
	return obj->progs[p].name;
}

START_TEST(test_elf)
{
	struct object obj;
	const struct obj_map *m;
	size_t map;

	open_obj("struct_ops.bpf.o", &obj, &map);
	m = &obj.maps[map];
	ck_assert_str_eq(m->name, "rl_cc");
	ck_assert_str_eq(m->kernel_name, "rl_cc");
	ck_assert_str_eq(m->st_type_name, "tcp_congestion_ops");
	ck_assert_uint_eq(m->type, BPF_MAP_TYPE_STRUCT_OPS);
	ck_assert_uint_eq(m->key_size, 4);
	ck_assert_uint_eq(m->max_entries, 1);
	ck_assert_uint_eq(m->map_flags, RL_BPF_F_LINK);
	ck_assert_uint_eq(m->nst_funcs, 4);
	for (size_t f = 0; f < m->nst_funcs; f++) {
		const struct btf_type *st = btf_type_by_id(obj.btf, m->st_type_id);
		const char *member = btf_str(obj.btf, btf_members(st)[m->st_funcs[f].member].name_off);
		char want[64];

		/* each callback rl_X fills member X */
		snprintf(want, sizeof(want), "rl_%s", member);
		ck_assert_str_eq(prog_name(&obj, m->st_funcs[f].prog), want);
	}
	obj_close(&obj);
}
END_TEST

START_TEST(test_layout)
{
	static const struct { const char *member; uint32_t idx, off; } want[] = {
		{ "undo_cwnd", 1, 32 + 16 }, { "init", 2, 32 + 24 },
		{ "ssthresh", 3, 32 + 32 }, { "cong_avoid", 4, 32 + 40 },
	};
	void *blob;
	struct btf *btf = target(V_OK, &blob);
	struct st_ops_kern k;
	struct object obj;
	struct errbuf eb;
	int fds[16];
	size_t map;

	open_obj("struct_ops.bpf.o", &obj, &map);
	ck_assert_msg(st_ops_resolve(&obj, map, btf, "test", &k, &eb) == 0, "%s", eb.msg);
	ck_assert_uint_eq(k.kern_type_id, 6);
	ck_assert_uint_eq(k.kern_vtype_id, 8);
	ck_assert_uint_eq(k.value_size, 88);
	ck_assert_uint_eq(k.data_off, 32);
	ck_assert_str_eq((const char *)k.value + 32, "rl_cc");
	ck_assert_uint_eq(k.nslots, 4);
	ck_assert_uint_eq(k.ndropped, 0);
	for (size_t w = 0; w < 4; w++) {
		size_t s = 0;

		while (s < k.nslots && strcmp(k.slots[s].member, want[w].member))
			s++;
		ck_assert_msg(s < k.nslots, "no slot for %s", want[w].member);
		ck_assert_uint_eq(k.slots[s].kern_member, want[w].idx);
		ck_assert_uint_eq(k.slots[s].value_off, want[w].off);
	}
	/* the fds land at those offsets, as 8-byte values */
	for (size_t p = 0; p < obj.nprogs && p < 16; p++)
		fds[p] = 100 + (int)p;
	ck_assert_int_eq(st_ops_set_fds(&obj, map, &k, fds, &eb), 0);
	for (size_t s = 0; s < k.nslots; s++) {
		uint64_t fd;

		memcpy(&fd, k.value + k.slots[s].value_off, sizeof(fd));
		ck_assert_uint_eq(fd, 100 + k.slots[s].prog);
	}
	st_ops_free(&k);
	btf_free(btf);
	free(blob);
	obj_close(&obj);
}
END_TEST

static const struct {
	const char *file;
	enum variant v;
	int err;
	const char *substr;
} ecases[] = {
	{ "struct_ops.bpf.o", V_NO_WRAPPER, -ENOENT, "struct_ops map 'rl_cc' (struct "
	  "tcp_congestion_ops): the kernel has no struct_ops type 'tcp_congestion_ops' (no "
	  "bpf_struct_ops_tcp_congestion_ops in test BTF: the struct exists" },
	{ "struct_ops.bpf.o", V_NAME_8, -EINVAL, "member 'name' is 16 bytes here but 8 in "
	  "the kernel's struct tcp_congestion_ops" },
	{ "struct_ops.bpf.o", V_SSTHRESH_INT, -EINVAL, "member 'ssthresh' is a PTR here but "
	  "a INT in the kernel's struct tcp_congestion_ops" },
	{ "bad_struct_ops_member.bpf.o", V_OK, -ENOENT, "member 'rl_extra' is set, but the "
	  "kernel's struct tcp_congestion_ops (test BTF) has no member of that name" },
};

START_TEST(test_errors)
{
	void *blob;
	struct btf *btf = target(ecases[_i].v, &blob);
	struct st_ops_kern k;
	struct object obj;
	struct errbuf eb;
	size_t map;
	int err;

	open_obj(ecases[_i].file, &obj, &map);
	err = st_ops_resolve(&obj, map, btf, "test", &k, &eb);
	ck_assert_msg(err == ecases[_i].err, "case %d: got %d (%s)", _i, err, eb.msg);
	ck_assert_msg(strstr(eb.msg, ecases[_i].substr), "case %d: '%s' lacks '%s'", _i,
		      eb.msg, ecases[_i].substr);
	st_ops_free(&k);
	btf_free(btf);
	free(blob);
	obj_close(&obj);
}
END_TEST

static Suite *struct_ops_suite(void)
{
	Suite *s = suite_create("struct_ops");
	TCase *tc = tcase_create("elf");

	tcase_add_test(tc, test_elf);
	suite_add_tcase(s, tc);
	tc = tcase_create("layout");
	tcase_add_test(tc, test_layout);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_errors, 0, (int)(sizeof(ecases) / sizeof(ecases[0])));
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(struct_ops_suite)
