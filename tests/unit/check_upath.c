/*
 * tests/unit/check_upath.c - suite "upath": how a bare uprobe target name
 * becomes a file (host/upath.c), on a fake directory tree made per test:
 *
 *   ROOT/ld/libfoo.so.1       (LD_LIBRARY_PATH)    readable
 *   ROOT/lib64/libfoo.so.1    (standard, first)    shadowed by ld/
 *   ROOT/lib64/libbar.so      (standard, first)
 *   ROOT/lib/libbar.so        (standard, second)   shadowed by lib64/
 *   ROOT/lib/libdir.so.2/     a directory, not a file: skipped
 *   ROOT/bin1/tool            (PATH)               mode 0644: not a program
 *   ROOT/bin2/tool            (PATH)               mode 0755
 *   ROOT/sbin/admin           (standard bin)       mode 0755
 *
 * The order of the lists is libbpf's resolve_full_path order; the
 * standard directories are replaced by ROOT's through upath_env.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/upath.h"
#include "unit.h"

static char root[64];
static char ld[128], libs[256], path[256], bins[128];

static void touch(const char *rel, mode_t mode)
{
	char p[160];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, mode);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(chmod(p, mode), 0);
}

static void sub(const char *rel)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	ck_assert_int_eq(mkdir(p, 0755), 0);
}

static void tree_setup(void)
{
	snprintf(root, sizeof(root), "/tmp/rl-upath-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	sub("ld");
	sub("lib64");
	sub("lib");
	sub("lib/libdir.so.2");
	sub("bin1");
	sub("bin2");
	sub("sbin");
	touch("ld/libfoo.so.1", 0644);
	touch("lib64/libfoo.so.1", 0644);
	touch("lib64/libbar.so", 0644);
	touch("lib/libbar.so", 0644);
	touch("bin1/tool", 0644);
	touch("bin2/tool", 0755);
	touch("sbin/admin", 0755);
	snprintf(ld, sizeof(ld), "%s/ld", root);
	/* an empty segment and a missing directory are skipped */
	snprintf(libs, sizeof(libs), "%s/lib64::%s/nonesuch:%s/lib", root, root, root);
	snprintf(path, sizeof(path), "%s/bin1:%s/bin2", root, root);
	snprintf(bins, sizeof(bins), "%s/sbin", root);
}

static void tree_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "check_upath: could not remove %s\n", root);
}

/* resolve @name with the fake tree; the result relative to ROOT, or the
 * error message */
static int resolve(const char *name, int with_env, char *rel, size_t size,
		   struct errbuf *eb)
{
	struct upath_env env = { .lib_dirs = libs, .bin_dirs = bins };
	char out[4096];
	size_t n = strlen(root);
	int err;

	if (with_env) {
		env.ld_library_path = ld;
		env.path = path;
	}
	err = upath_resolve(name, &env, out, sizeof(out), eb);
	if (!err)
		snprintf(rel, size, "%s", strncmp(out, root, n) ? out : out + n + 1);
	return err;
}

static const struct {
	const char *name;
	int with_env;
	const char *want;	/* relative to ROOT, or (a '/' first) as is */
} hits[] = {
	{ "libfoo.so.1", 1, "ld/libfoo.so.1" },	  /* LD_LIBRARY_PATH first */
	{ "libfoo.so.1", 0, "lib64/libfoo.so.1" }, /* then the standard list */
	{ "libbar.so", 1, "lib64/libbar.so" },	  /* ".so" at the end, first dir wins */
	{ "tool", 1, "bin2/tool" },		  /* bin1/tool is not executable */
	{ "admin", 1, "sbin/admin" },		  /* PATH, then the standard bins */
	{ "admin", 0, "sbin/admin" },		  /* PATH unset */
	{ "./tool", 1, "./tool" },		  /* a '/': a path, as given */
	{ "/no/such/libc.so.6", 1, "/no/such/libc.so.6" },
};

START_TEST(test_resolve_hits)
{
	struct errbuf eb = { { 0 } };
	char rel[256];

	ck_assert_msg(resolve(hits[_i].name, hits[_i].with_env, rel, sizeof(rel), &eb) == 0,
		      "%s: %s", hits[_i].name, eb.msg);
	ck_assert_str_eq(rel, hits[_i].want);
}
END_TEST

/* the message lists every directory searched, and where each came from */
START_TEST(test_resolve_misses)
{
	struct errbuf eb = { { 0 } };
	char rel[256], want[600];

	ck_assert_int_eq(resolve("libnone.so.3", 1, rel, sizeof(rel), &eb), -ENOENT);
	snprintf(want, sizeof(want), "in LD_LIBRARY_PATH (%s) or %s;", ld, libs);
	ck_assert_msg(strstr(eb.msg, "no library 'libnone.so.3'") && strstr(eb.msg, want),
		      "%s", eb.msg);
	/* a directory of that name is no library */
	ck_assert_int_eq(resolve("libdir.so.2", 0, rel, sizeof(rel), &eb), -ENOENT);
	ck_assert_msg(strstr(eb.msg, "LD_LIBRARY_PATH (unset)"), "%s", eb.msg);
	ck_assert_int_eq(resolve("nonesuch", 1, rel, sizeof(rel), &eb), -ENOENT);
	snprintf(want, sizeof(want), "in PATH (%s) or %s;", path, bins);
	ck_assert_msg(strstr(eb.msg, "no program 'nonesuch'") && strstr(eb.msg, want),
		      "%s", eb.msg);
	/* a program name is not looked up among the libraries, nor the
	 * other way round */
	ck_assert_int_eq(resolve("libbar", 1, rel, sizeof(rel), &eb), -ENOENT);
	ck_assert_int_eq(resolve("tool.so", 1, rel, sizeof(rel), &eb), -ENOENT);
}
END_TEST

START_TEST(test_is_library)
{
	ck_assert(upath_is_library("libc.so.6"));
	ck_assert(upath_is_library("libfoo.so"));
	ck_assert(!upath_is_library("so"));
	ck_assert(!upath_is_library("libc.sox"));
	ck_assert(!upath_is_library("bash"));
}
END_TEST

/* a result that does not fit the caller's buffer is an error, not a
 * truncated path */
START_TEST(test_resolve_too_long)
{
	struct upath_env env = { .lib_dirs = libs };
	struct errbuf eb = { { 0 } };
	char out[16];

	ck_assert_int_eq(upath_resolve("libbar.so", &env, out, sizeof(out), &eb), -ENAMETOOLONG);
	ck_assert_int_eq(upath_resolve("/a/rather/long/path", &env, out, sizeof(out), &eb),
			 -ENAMETOOLONG);
}
END_TEST

static Suite *upath_suite(void)
{
	Suite *s = suite_create("upath");
	TCase *tc = tcase_create("search");

	tcase_add_checked_fixture(tc, tree_setup, tree_teardown);
	tcase_add_loop_test(tc, test_resolve_hits, 0, sizeof(hits) / sizeof(hits[0]));
	tcase_add_test(tc, test_resolve_misses);
	tcase_add_test(tc, test_is_library);
	tcase_add_test(tc, test_resolve_too_long);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(upath_suite)
