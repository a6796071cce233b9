/*
 * tests/unit/main.c - runs every registered Check suite.
 *
 * Prints Check's per-test lines for failures and one closing line,
 * "unit: N passed, N failed", which tests/run.sh adds into the total.
 * Check's default fork mode is kept, so a parser crash fails one test
 * rather than the run. CK_RUN_SUITE / CK_RUN_CASE select tests.
 *
 * Leaks. The binary is built with ASan, whose LeakSanitizer checks the
 * heap when a process exits. Check runs each test in a forked child and
 * ends a passing one with exit(EXIT_SUCCESS) (check_run.c,
 * tcase_run_tfun_fork), so that check does run there: a leak becomes exit
 * status 1, which Check reports as "Early exit with return value 1". That
 * alone leaves three holes:
 *   - LeakSanitizer counts a block that a global still points to as in
 *     use. A fixture that keeps its object in a file-scope struct (as
 *     check_btf_ext.c's `g` does) and forgets to free it in its teardown
 *     leaks invisibly;
 *   - a failed assertion ends the child with _exit(1) (_ck_assert_failed),
 *     so its leaks are never looked at (harmless: the test failed anyway);
 *   - with CK_FORK=no there is one check, at the end, naming no test.
 * So the unit binary runs LeakSanitizer with use_globals=0 (only stacks,
 * registers and thread-local storage are roots), every TCase gets a
 * teardown that runs the check after each test and fails that test by
 * name (unit_tcase_create), and main() checks once more at the end, for
 * the runner itself and for CK_FORK=no.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#undef tcase_create	/* unit.h redirects it here; the real one below */

#if defined(__SANITIZE_ADDRESS__)
#define UNIT_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNIT_LSAN 1
#endif
#endif

#ifdef UNIT_LSAN
#include <sanitizer/lsan_interface.h>

/*
 * Read by LeakSanitizer at startup; LSAN_OPTIONS still overrides it.
 * leak_check_at_exit=0: each forked test has been checked by its teardown
 * already, and a second scan at its exit cost a quarter of the run time;
 * main() checks the runner itself before returning.
 */
const char *__lsan_default_options(void)
{
	return "use_globals=0:leak_check_at_exit=0:print_suppressions=0";
}

/*
 * With globals no longer roots, blocks that libraries allocate once and
 * keep in their own globals look leaked in every test: stdout's buffer,
 * the FILE Check fdopen()s for its results and that FILE's buffer, and
 * libstdc++'s emergency exception pool (libstdc++ comes with the
 * sanitizer runtime). The default mode never saw them either, so
 * suppressing them hides nothing it used to report. They are matched on
 * the glibc function that allocated them because the stack stops there:
 * glibc has no frame pointers for ASan's fast unwinder to follow.
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:_IO_file_doallocate\n"
	       "leak:_IO_new_fdopen\n"
	       "leak:libstdc++.so\n";
}
#endif

/*
 * unit_leak_check - the teardown every TCase runs last: fail the test
 * that just ran if LeakSanitizer finds a block nothing points to.
 *
 * Skipped with CK_FORK=no: every test then shares one heap, so a leak
 * would fail each later test too; main()'s last check reports it.
 */
static void unit_leak_check(void)
{
#ifdef UNIT_LSAN
	const char *fork_env = getenv("CK_FORK");

	if (fork_env && strcmp(fork_env, "no") == 0)
		return;
	if (__lsan_do_recoverable_leak_check())
		ck_abort_msg("LeakSanitizer: this test leaked memory "
			     "(the allocation stacks are on stderr)");
#endif
}

/* Check runs teardowns in the reverse order they were added, so the leak
 * check, added first, runs after every teardown of the suite's own. */
TCase *unit_tcase_create(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, NULL, unit_leak_check);
	return tc;
}

static unit_suite_fn suites[64];
static size_t nsuites;

void unit_register(unit_suite_fn fn)
{
	if (nsuites < sizeof(suites) / sizeof(suites[0]))
		suites[nsuites++] = fn;
}

void *unit_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	ck_assert(buf != NULL);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **unit_list_objects(void)
{
	DIR *d = opendir(PROGS_DIR);
	struct dirent *de;
	char **list = calloc(256, sizeof(*list));
	size_t n = 0;

	ck_assert_msg(d != NULL, "no %s: run 'make progs'", PROGS_DIR);
	while ((de = readdir(d)) && n < 255) {
		size_t len = strlen(de->d_name);

		if (len > 6 && strcmp(de->d_name + len - 6, ".bpf.o") == 0) {
			list[n] = malloc(sizeof(PROGS_DIR) + len + 1);
			sprintf(list[n++], "%s/%s", PROGS_DIR, de->d_name);
		}
	}
	closedir(d);
	qsort(list, n, sizeof(*list), cmp_str);
	return list;
}

int unit_count_objects(void)
{
	DIR *d = opendir(PROGS_DIR);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 1;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > 6 && strcmp(de->d_name + len - 6, ".bpf.o") == 0)
			n++;
	}
	closedir(d);
	return n ? n : 1;
}

void unit_free_list(char **list)
{
	for (size_t i = 0; list[i]; i++)
		free(list[i]);
	free(list);
}

int main(void)
{
	SRunner *sr;
	int run, failed;

	if (!nsuites) {
		fprintf(stderr, "unit: no suites registered\n");
		return 1;
	}
	sr = srunner_create(suites[0]());
	for (size_t i = 1; i < nsuites; i++)
		srunner_add_suite(sr, suites[i]());
#ifdef UNIT_LSAN
	/* Nothing to find yet, but the symbolizer reads its debug info now,
	 * once, and every forked child inherits it rather than rereading it
	 * to match the suppressions (that doubled the run time). */
	__lsan_do_recoverable_leak_check();
#endif
	srunner_run_all(sr, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
#ifdef UNIT_LSAN
	/* The check at exit is off (see __lsan_default_options): this is the
	 * runner's own, and with CK_FORK=no the only one the tests get. */
	if (__lsan_do_recoverable_leak_check()) {
		fprintf(stderr, "unit: LeakSanitizer found a leak in the runner"
			" (with CK_FORK=no: in some test; run forked to see which)\n");
		failed++;
		run++;
	}
#endif
	printf("unit: %d passed, %d failed\n", run - failed, failed);
	return failed ? 1 : 0;
}
