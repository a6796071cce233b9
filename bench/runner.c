// SPDX-License-Identifier: GPL-2.0
/*
 * bench/runner.c - run a command N times in fresh processes and report
 * medians: wall time (clock_gettime around fork..wait4), the child's user
 * and system CPU time and its peak RSS (wait4's rusage).
 *
 *   runner [-n N] [-w WARMUP] [-u PATH]... -- CMD [ARG]...
 *
 *   -n N       measured runs (default 20)
 *   -w W       unmeasured runs first (default 2: page cache, dentries)
 *   -u PATH    unlink PATH before every run (a pin the command leaves)
 *
 * Prints one line:
 *   wall_ms=MED wall_min_ms=MIN user_ms=MED sys_ms=MED cpu_ms=MED maxrss_kb=MED
 * The child's stdout and stderr go to /dev/null; a failing run aborts.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_UNLINK 8

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_dbl);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double ms(struct timeval tv)
{
	return tv.tv_sec * 1e3 + tv.tv_usec / 1e3;
}

int main(int argc, char **argv)
{
	const char *unl[MAX_UNLINK];
	int nunl = 0, n = 20, warm = 2, i, opt;
	double *wall, *user, *sys, *cpu, *rss, wmin;

	while ((opt = getopt(argc, argv, "+n:w:u:")) != -1) {
		if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'w')
			warm = atoi(optarg);
		else if (opt == 'u' && nunl < MAX_UNLINK)
			unl[nunl++] = optarg;
		else
			goto usage;
	}
	if (optind >= argc || n < 1)
		goto usage;
	wall = calloc(n, sizeof(double));
	user = calloc(n, sizeof(double));
	sys = calloc(n, sizeof(double));
	cpu = calloc(n, sizeof(double));
	rss = calloc(n, sizeof(double));
	if (!wall || !user || !sys || !cpu || !rss)
		return 1;
	for (i = -warm; i < n; i++) {
		struct timespec t0, t1;
		struct rusage ru;
		int status;
		pid_t pid;

		for (int k = 0; k < nunl; k++)
			unlink(unl[k]);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		pid = fork();
		if (pid < 0)
			return perror("fork"), 1;
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);

			dup2(fd, 1);
			dup2(fd, 2);
			execvp(argv[optind], argv + optind);
			_exit(127);
		}
		if (wait4(pid, &status, 0, &ru) < 0)
			return perror("wait4"), 1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "runner: %s failed (status %#x)\n",
				argv[optind], status);
			return 1;
		}
		if (i < 0)
			continue;
		wall[i] = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
		user[i] = ms(ru.ru_utime);
		sys[i] = ms(ru.ru_stime);
		cpu[i] = user[i] + sys[i];
		rss[i] = ru.ru_maxrss;
	}
	for (int k = 0; k < nunl; k++)
		unlink(unl[k]);
	wmin = wall[0];
	for (i = 1; i < n; i++)
		if (wall[i] < wmin)
			wmin = wall[i];
	printf("wall_ms=%.3f wall_min_ms=%.3f user_ms=%.2f sys_ms=%.2f cpu_ms=%.2f maxrss_kb=%.0f\n",
	       median(wall, n), wmin, median(user, n), median(sys, n),
	       median(cpu, n), median(rss, n));
	return 0;
usage:
	fprintf(stderr, "usage: runner [-n N] [-w W] [-u PATH]... -- CMD [ARG]...\n");
	return 2;
}
