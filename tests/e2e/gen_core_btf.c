/*
 * tests/e2e/gen_core_btf.c - write tests/unit/core_btf.h's BTF (a
 * task_struct laid out unlike any kernel's) to a file, for
 * `rawload core OBJ --btf FILE` in tests/e2e/t_core.sh, which builds and
 * runs it:
 *
 *   cc -std=c11 -Itests/unit -o gen tests/e2e/gen_core_btf.c
 *   ./gen OUT.btf
 *
 * btf_build.h asserts with Check's ck_assert, which only works inside a
 * Check test runner; here <check.h> is kept out (its include guard) and
 * ck_assert is a plain abort.
 */
#include <stdio.h>
#include <stdlib.h>

#define CHECK_H
#define ck_assert(e) ((e) ? (void)0 : abort())
#include "core_btf.h"

int main(int argc, char **argv)
{
	static struct tbtf b;
	size_t size;
	void *blob;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OUT.btf\n", argv[0]);
		return 2;
	}
	blob = core_btf_build(&b, &size);
	f = fopen(argv[1], "wb");
	if (!f || fwrite(blob, 1, size, f) != size || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	free(blob);
	return 0;
}
