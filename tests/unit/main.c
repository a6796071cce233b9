/*
 * tests/unit/main.c - runs every registered Check suite.
 *
 * Prints Check's per-test lines for failures and one closing line,
 * "unit: N passed, N failed", which tests/run.sh adds into the total.
 * Check's default fork mode is kept, so a parser crash fails one test
 * rather than the run. CK_RUN_SUITE / CK_RUN_CASE select tests.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

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
	srunner_run_all(sr, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	printf("unit: %d passed, %d failed\n", run - failed, failed);
	return failed ? 1 : 0;
}
