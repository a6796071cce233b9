/*
 * tests/e2e/umulti_target.c - the program t_umulti.sh attaches
 * uprobe.multi to: six functions called a known number of times, and
 * libc's getpid/getppid.
 *
 *   umulti_target          print "NAME ADDRESS" for each function, then
 *                          call add 5x, add2 3x, addx 2x, sub 4x, sub2 1x,
 *                          mul 6x; each FN(id, i) returns id * 1000 + i
 *   umulti_target libc N M print getpid's and getppid's addresses in libc,
 *                          then call getpid N times and getppid M times
 *
 * Either waits for a line on stdin first when given "wait" as its last
 * argument, so the test can start rawload with the target's pid.
 * Built -O0 by the test: every function stays, none folded into another
 * (the bodies differ anyway, so -O2's identical-code folding, as in the
 * VM's static build tests/vm/umulti_target.c, leaves them apart too).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FN(name, id)                                                    \
	__attribute__((noinline, used)) long name(long fid, long i)    \
	{                                                               \
		return fid == id ? id * 1000 + i : -1;                  \
	}
FN(add, 1)
FN(add2, 2)
FN(addx, 3)
FN(sub, 4)
FN(sub2, 5)
FN(mul, 6)

static const struct {
	const char *name;
	long (*fn)(long, long);
	long id, times;
} fns[] = {
	{ "add", add, 1, 5 },	{ "add2", add2, 2, 3 }, { "addx", addx, 3, 2 },
	{ "sub", sub, 4, 4 },	{ "sub2", sub2, 5, 1 }, { "mul", mul, 6, 6 },
};

int main(int argc, char **argv)
{
	int wait = argc > 1 && !strcmp(argv[argc - 1], "wait");
	char line[16];

#ifndef UMULTI_NO_LIBC	/* tests/vm/umulti_target.c: static, no dlsym */
	if (argc > 3 && !strcmp(argv[1], "libc")) {
		long n = atol(argv[2]), m = atol(argv[3]);

		printf("getpid %p\ngetppid %p\n", dlsym(RTLD_DEFAULT, "getpid"),
		       dlsym(RTLD_DEFAULT, "getppid"));
		fflush(stdout);
		if (wait && !fgets(line, sizeof(line), stdin))
			return 1;
		for (long i = 0; i < n; i++)
			getpid();
		for (long i = 0; i < m; i++)
			getppid();
		return 0;
	}
#endif
	for (size_t k = 0; k < sizeof(fns) / sizeof(fns[0]); k++)
		printf("%s %p\n", fns[k].name, (void *)fns[k].fn);
	fflush(stdout);
	if (wait && !fgets(line, sizeof(line), stdin))
		return 1;
	for (size_t k = 0; k < sizeof(fns) / sizeof(fns[0]); k++)
		for (long i = 0; i < fns[k].times; i++)
			if (fns[k].fn(fns[k].id, i) != fns[k].id * 1000 + i)
				return 1;
	return 0;
}
