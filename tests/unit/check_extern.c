/*
 * tests/unit/check_extern.c - suite "extern": relo/extern.c, relo/kconfig.c,
 * host/kconfig.c and host/inflate.c.
 *
 *   inflate  the CRC-32 check value; gzip -1/-9 output of random and of
 *            repetitive data (dynamic and fixed blocks), a hand-built
 *            member with a stored block and every optional header field
 *            (FEXTRA, FNAME, FCOMMENT, FHCRC), two concatenated members;
 *            corrupt trailer, truncation, bad header CRC and the output
 *            limit each refused with their errno
 *   kconfig  build/progs/externs.bpf.o against a hand-written config (plain
 *            and gzip'ed with gzip -9), a fake kallsyms and the host's
 *            vmlinux BTF: the exact bytes placed in the .kconfig buffer and
 *            each resolved value; LINUX_KERNEL_VERSION for a given release
 *            (patch level clamped at 255)
 *   errors   table: a missing strong CONFIG_, 'm' for a bool, an int out
 *            of range, a string for an int, a missing strong ksym, an
 *            ambiguous ksym: errno and the name in the message
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/object.h"
#include "host/inflate.h"
#include "host/kconfig.h"
#include "host/ksym.h"
#include "relo/extern.h"
#include "relo/kconfig.h"
#include "unit.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"
#define EXTERNS_OBJ PROGS_DIR "/externs.bpf.o"

static char tmpdir[64];

static void tmp_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_extern.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void tmp_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "check_extern: could not remove %s\n", tmpdir);
}

static char *tmp_path(const char *name)
{
	static char buf[4][128];
	static int k;
	char *p = buf[k++ % 4];

	snprintf(p, 128, "%s/%s", tmpdir, name);
	return p;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void run(const char *cmd)
{
	ck_assert_msg(system(cmd) == 0, "command failed: %s", cmd);
}

/* ---- inflate ------------------------------------------------------------ */

START_TEST(test_crc32)
{
	/* the check value every CRC-32 catalogue lists */
	ck_assert_uint_eq(inflate_crc32(0, (const uint8_t *)"123456789", 9), 0xcbf43926u);
	ck_assert_uint_eq(inflate_crc32(0, NULL, 0), 0);
}
END_TEST

/* gzip @plain with the system's gzip at @level and decode it back. */
static void roundtrip_gzip(const uint8_t *plain, size_t len, int level)
{
	char cmd[512];
	uint8_t *gz, *out;
	size_t gz_len, out_len;
	struct errbuf eb;

	write_file(tmp_path("plain"), plain, len);
	snprintf(cmd, sizeof(cmd), "gzip -%d -c '%s' > '%s'", level, tmp_path("plain"),
		 tmp_path("plain.gz"));
	run(cmd);
	gz = unit_read_file(tmp_path("plain.gz"), &gz_len);
	ck_assert_msg(inflate_gzip(gz, gz_len, len + 1, &out, &out_len, &eb) == 0,
		      "level %d, %zu bytes: %s", level, len, eb.msg);
	ck_assert_uint_eq(out_len, len);
	ck_assert_int_eq(memcmp(out, plain, len), 0);
	ck_assert_uint_eq(out[len], 0); /* the promised NUL */
	free(out);
	/* one byte less room than needed is refused */
	if (len > 0) {
		ck_assert_int_eq(inflate_gzip(gz, gz_len, len - 1, &out, &out_len, &eb),
				 -EFBIG);
		ck_assert_ptr_nonnull(strstr(eb.msg, "limit"));
	}
	free(gz);
}

START_TEST(test_gzip_random)
{
	static const size_t sizes[] = { 0, 1, 100, 65535, 65536, 300000 };
	uint8_t *buf = malloc(300000);

	srand(4242);
	for (size_t i = 0; i < 300000; i++)
		buf[i] = (uint8_t)rand();
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		roundtrip_gzip(buf, sizes[i], 1);
		roundtrip_gzip(buf, sizes[i], 9);
	}
	free(buf);
}
END_TEST

START_TEST(test_gzip_text)
{
	/* long matches (distance 1, length 258), a config-like text, and a
	 * short input that gzip codes with the fixed Huffman code */
	size_t n = 0, cap = 200000;
	char *buf = malloc(cap);

	for (int i = 0; n + 64 < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "CONFIG_OPTION_%d=%s\n", i % 977,
				      i % 3 ? "y" : "\"a string\"");
	memset(buf + n - 20000, 'x', 20000);
	roundtrip_gzip((uint8_t *)buf, n, 6);
	roundtrip_gzip((uint8_t *)"CONFIG_A=y\n", 11, 9);
	free(buf);
}
END_TEST

/* A gzip member by hand: every optional header field, one stored block. */
static size_t build_member(uint8_t *p, const char *data)
{
	size_t n = 0, len = strlen(data);
	uint32_t crc;

	memcpy(p, "\x1f\x8b\x08\x1e\0\0\0\0\0\3", 10); /* FHCRC|FEXTRA|FNAME|FCOMMENT */
	n = 10;
	memcpy(p + n, "\x03\0abc", 5);	  /* XLEN 3 */
	n += 5;
	memcpy(p + n, "name\0comment\0", 13);
	n += 13;
	crc = inflate_crc32(0, p, n);
	p[n++] = (uint8_t)crc;
	p[n++] = (uint8_t)(crc >> 8);
	p[n++] = 0x01; /* BFINAL, stored */
	p[n++] = (uint8_t)len;
	p[n++] = (uint8_t)(len >> 8);
	p[n++] = (uint8_t)~len;
	p[n++] = (uint8_t)(~len >> 8);
	memcpy(p + n, data, len);
	n += len;
	crc = inflate_crc32(0, (const uint8_t *)data, len);
	for (int i = 0; i < 4; i++)
		p[n++] = (uint8_t)(crc >> 8 * i);
	for (int i = 0; i < 4; i++)
		p[n++] = (uint8_t)(len >> 8 * i);
	return n;
}

START_TEST(test_gzip_hand)
{
	uint8_t gz[256], *out;
	size_t n, m, out_len;
	struct errbuf eb;

	n = build_member(gz, "CONFIG_X=y\n");
	m = build_member(gz + n, "CONFIG_Y=m\n");
	ck_assert_msg(inflate_gzip(gz, n + m, 1000, &out, &out_len, &eb) == 0, "%s", eb.msg);
	ck_assert_str_eq((char *)out, "CONFIG_X=y\nCONFIG_Y=m\n");
	free(out);

	gz[n - 5] ^= 1; /* the first member's CRC-32 */
	ck_assert_int_eq(inflate_gzip(gz, n, 1000, &out, &out_len, &eb), -EINVAL);
	ck_assert_ptr_nonnull(strstr(eb.msg, "CRC-32"));
	gz[n - 5] ^= 1;
	gz[28] ^= 1; /* the header CRC */
	ck_assert_int_eq(inflate_gzip(gz, n, 1000, &out, &out_len, &eb), -EINVAL);
	ck_assert_ptr_nonnull(strstr(eb.msg, "header CRC"));
	gz[28] ^= 1;
	ck_assert_int_eq(inflate_gzip(gz, n - 12, 1000, &out, &out_len, &eb), -EINVAL);
	ck_assert_ptr_nonnull(strstr(eb.msg, "truncated"));
	ck_assert_int_eq(inflate_gzip(gz, 20, 1000, &out, &out_len, &eb), -EINVAL);
	gz[3] |= 0x80; /* reserved flag */
	ck_assert_int_eq(inflate_gzip(gz, n, 1000, &out, &out_len, &eb), -EINVAL);
	ck_assert_ptr_nonnull(strstr(eb.msg, "reserved"));
	/* block type 3 does not exist */
	ck_assert_int_eq(inflate_raw((const uint8_t *)"\x07", 1, 100, &out, &out_len, NULL,
				     &eb), -EINVAL);
	ck_assert_ptr_nonnull(strstr(eb.msg, "block type 3"));
}
END_TEST

/* ---- kconfig / externs ---------------------------------------------------- */

static const char *config_text =
	"#\n# Automatically generated file; DO NOT EDIT.\n#\n"
	"CONFIG_BPF=y\n"
	"CONFIG_BPF_SYSCALL=y\n"
	"CONFIG_BPF_JIT=m\n"
	"# CONFIG_BOOL_DOES_NOT_EXIST is not set\n"
	"CONFIG_HZ=0x3e8\n"
	"CONFIG_LOCALVERSION=\"-test\"\n";

static const char *kallsyms_text =
	"ffffffff81000010 T __x64_sys_getpid\n"
	"ffffffff81000020 T __x64_sys_bpf\n"
	"ffffffffc0001000 t some_func\t[some_module]\n";

struct fixture {
	struct object obj;
	struct btf *vmlinux;
	struct extern_value vals[32];
	uint8_t kconfig[64];
	struct extern_env env;
	char *config;		/* the text env.config points at */
	char config_path[128], ksyms_path[128], prefix[32];
	struct errbuf eb;
};

/* kallsyms from a test file, as loader/load.c hands it over */
static int each_ksym(void *src, extern_ksym_fn fn, void *arg, struct errbuf *eb)
{
	return ksym_each(src, fn, arg, eb);
}

/* The config text of @path into the fixture, as loader/load.c reads it. */
static void fx_config(struct fixture *f, const char *path)
{
	free(f->config);
	f->config = NULL;
	snprintf(f->config_path, sizeof(f->config_path), "%s", path);
	ck_assert_msg(kconfig_read(f->config_path, &f->config, &f->eb) == 0, "%s", f->eb.msg);
	f->env.config = f->config;
	f->env.config_name = f->config_path;
}

static void fx_open(struct fixture *f, const char *config, const char *kallsyms)
{
	memset(f, 0, sizeof(*f));
	ck_assert_msg(obj_open(EXTERNS_OBJ, &f->obj, &f->eb) == 0, "%s", f->eb.msg);
	ck_assert_uint_le(f->obj.nexterns, 32);
	ck_assert(f->obj.has_kconfig_map);
	ck_assert_uint_le(f->obj.maps[f->obj.kconfig_map].value_size, sizeof(f->kconfig));
	write_file(tmp_path("config"), config, strlen(config));
	write_file(tmp_path("kallsyms"), kallsyms, strlen(kallsyms));
	f->env.release = "5.10.300-test";
	fx_config(f, tmp_path("config"));
	snprintf(f->ksyms_path, sizeof(f->ksyms_path), "%s", tmp_path("kallsyms"));
	f->env.ksyms = each_ksym;
	f->env.ksyms_src = f->ksyms_path;
	f->env.ksyms_name = f->ksyms_path;
	f->env.syscall_wrapper = !ksym_syscall_prefix(f->ksyms_path, f->prefix,
						      sizeof(f->prefix), NULL) &&
				 strcmp(f->prefix, "sys_");
	if (access(VMLINUX, R_OK) == 0)
		ck_assert(btf_load_file(VMLINUX, NULL, &f->vmlinux, &f->eb) == 0);
	f->env.vmlinux = f->vmlinux;
}

static void fx_close(struct fixture *f)
{
	btf_free(f->vmlinux);
	free(f->config);
	obj_close(&f->obj);
}

static int ext_index(const struct object *obj, const char *name)
{
	for (size_t i = 0; i < obj->nexterns; i++)
		if (!strcmp(obj->externs[i].name, name))
			return (int)i;
	ck_abort_msg("no extern '%s'", name);
	return -1;
}

/* The value the test expects for @name, put at its offset and size. */
static void want_at(const struct object *obj, uint8_t *buf, const char *name, uint64_t v)
{
	const struct obj_extern *x = &obj->externs[ext_index(obj, name)];

	ck_assert(x->size <= 8);
	memcpy(buf + x->offset, &v, x->size); /* little-endian host */
}

static void check_resolved(struct fixture *f)
{
	const struct object *o = &f->obj;
	uint8_t want[64] = { 0 };
	int i;

	/* the .kconfig bytes, exactly */
	want_at(o, want, "LINUX_KERNEL_VERSION", (5 << 16) + (10 << 8) + 255);
	want_at(o, want, "CONFIG_BPF_SYSCALL", 1);
	want_at(o, want, "CONFIG_BPF_JIT", 2);	/* m -> TRI_MODULE */
	want_at(o, want, "CONFIG_HZ", 1000);	/* 0x3e8 */
	ck_assert_int_eq(memcmp(f->kconfig, want, sizeof(want)), 0);
	ck_assert(f->vals[ext_index(o, "CONFIG_BPF_SYSCALL")].resolved);
	ck_assert(!f->vals[ext_index(o, "CONFIG_DOES_NOT_EXIST")].resolved);
	ck_assert(!f->vals[ext_index(o, "CONFIG_BOOL_DOES_NOT_EXIST")].resolved);

	i = ext_index(o, "__x64_sys_getpid");
	ck_assert(f->vals[i].resolved);
	ck_assert_uint_eq(f->vals[i].addr, 0xffffffff81000010ull);
	i = ext_index(o, "rawload_no_such_symbol");
	ck_assert(!f->vals[i].resolved);
	ck_assert_uint_eq(f->vals[i].addr, 0);

	if (!f->vmlinux)
		return;
	i = ext_index(o, "bpf_iter_num_new");
	ck_assert(f->vals[i].resolved);
	ck_assert_int_eq((int)f->vals[i].btf_id,
			 btf_find_by_name_kind(f->vmlinux, "bpf_iter_num_new", BTF_KIND_FUNC));
}

START_TEST(test_kconfig_plain)
{
	struct fixture f;

	fx_open(&f, config_text, kallsyms_text);
	if (!f.vmlinux) {
		fx_close(&f);
		return; /* the kfuncs are strong: without vmlinux BTF they fail */
	}
	ck_assert_msg(extern_resolve(&f.obj, &f.env, f.vals, f.kconfig, &f.eb) == 0, "%s",
		      f.eb.msg);
	check_resolved(&f);
	fx_close(&f);
}
END_TEST

START_TEST(test_kconfig_gzip)
{
	struct fixture f;
	char cmd[512];

	fx_open(&f, config_text, kallsyms_text);
	if (!f.vmlinux) {
		fx_close(&f);
		return;
	}
	snprintf(cmd, sizeof(cmd), "gzip -9 -c '%s' > '%s'", tmp_path("config"),
		 tmp_path("config.gz"));
	run(cmd);
	fx_config(&f, tmp_path("config.gz"));
	ck_assert_msg(extern_resolve(&f.obj, &f.env, f.vals, f.kconfig, &f.eb) == 0, "%s",
		      f.eb.msg);
	check_resolved(&f);
	fx_close(&f);
}
END_TEST

START_TEST(test_kconfig_lookup)
{
	const char *v;
	size_t len;

	ck_assert_int_eq(kconfig_lookup(config_text, "CONFIG_LOCALVERSION", &v, &len), 0);
	ck_assert_int_eq((int)len, 7);
	ck_assert_int_eq(strncmp(v, "\"-test\"", len), 0);
	/* a prefix of another option's name is not that option */
	ck_assert_int_eq(kconfig_lookup(config_text, "CONFIG_BP", &v, &len), -ENOENT);
	ck_assert_int_eq(kconfig_lookup(config_text, "CONFIG_BOOL_DOES_NOT_EXIST", &v, &len),
			 -ENOENT);
}
END_TEST

START_TEST(test_kernel_version)
{
	ck_assert_uint_eq(extern_kernel_version("6.18.44-fc-v657"), 0x06122c);
	ck_assert_uint_eq(extern_kernel_version("4.9.300"), 0x0409ff); /* clamped */
	ck_assert_uint_eq(extern_kernel_version("6.1.0-18-amd64"), 0x060100);
	ck_assert_uint_eq(extern_kernel_version("6.8"), 0);
	ck_assert_uint_eq(extern_kernel_version(NULL), 0);
}
END_TEST

/* ---- errors ---------------------------------------------------------------- */

static const struct ecase {
	const char *config, *kallsyms;
	int err;
	const char *substr;
} ecases[] = {
	{ "CONFIG_HZ=100\n", NULL, -ESRCH, "'CONFIG_BPF_SYSCALL' (__kconfig): not set in /" },
	{ "CONFIG_BPF_SYSCALL=m\n", NULL, -EINVAL, "CONFIG_BPF_SYSCALL' (__kconfig): value 'm'" },
	{ "CONFIG_BPF_SYSCALL=y\nCONFIG_HZ=4294967296\n", NULL, -ERANGE, "CONFIG_HZ" },
	{ "CONFIG_BPF_SYSCALL=y\nCONFIG_HZ=\"250\"\n", NULL, -EINVAL, "CONFIG_HZ" },
	{ "CONFIG_BPF_SYSCALL=y\nCONFIG_HZ=25o\n", NULL, -EINVAL, "'25o' is not a valid integer" },
	{ "CONFIG_BPF_SYSCALL=y\n", "ffffffff81000020 T __x64_sys_bpf\n", -ESRCH,
	  "'__x64_sys_getpid' (__ksym): not in /" },
	{ "CONFIG_BPF_SYSCALL=y\n",
	  "ffffffff81000010 T __x64_sys_getpid\nffffffff81000030 t __x64_sys_getpid\n",
	  -EINVAL, "ambiguous" },
};
#define NECASES (sizeof(ecases) / sizeof(ecases[0]))

START_TEST(test_errors)
{
	const struct ecase *e = &ecases[_i];
	struct fixture f;
	int err;

	fx_open(&f, e->config, e->kallsyms ? e->kallsyms : kallsyms_text);
	if (!f.vmlinux && e->err == -ESRCH) {
		fx_close(&f);
		return; /* a kfunc would be the missing one */
	}
	err = extern_resolve(&f.obj, &f.env, f.vals, f.kconfig, &f.eb);
	ck_assert_msg(err == e->err, "case %d: got %d (%s)", _i, err, f.eb.msg);
	ck_assert_msg(strstr(f.eb.msg, e->substr), "case %d: '%s' lacks '%s'", _i, f.eb.msg,
		      e->substr);
	fx_close(&f);
}
END_TEST

static Suite *extern_suite(void)
{
	Suite *s = suite_create("extern");
	TCase *tc = tcase_create("inflate");

	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_crc32);
	tcase_add_test(tc, test_gzip_random);
	tcase_add_test(tc, test_gzip_text);
	tcase_add_test(tc, test_gzip_hand);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("kconfig");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_kconfig_plain);
	tcase_add_test(tc, test_kconfig_gzip);
	tcase_add_test(tc, test_kconfig_lookup);
	tcase_add_test(tc, test_kernel_version);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_loop_test(tc, test_errors, 0, (int)NECASES);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(extern_suite)
