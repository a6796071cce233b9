// SPDX-License-Identifier: GPL-2.0
/*
 * vmhelper.c - the VM guest's probe of what BPF programs did to syscalls.
 * The guest has no python; this is built on the host with `cc -static`
 * (tests/vm/Makefile.inc, scripts/vm/run.sh) and copied into the initramfs
 * as build/vm/vmhelper (scripts/vm/mkinitramfs.sh). Its comm, "vmhelper",
 * is what tests/progs/vm_tracing.bpf.c filters on.
 *
 *   vmhelper ids            print "pid=P ppid=Q comm=C flags=F" (raw syscalls;
 *                           comm and flags, decimal, from /proc/self)
 *   vmhelper nanosleep N    N nanosleep(2)s of 1 ms, print "nanosleeps=N"
 *   vmhelper open PATH...   open(2) each PATH read-only (not closed), print
 *                           "open=FD" or "open=-1 errno=E (NAME)" for each
 *   vmhelper getsid         getsid(getpid()) (getsid(0) skips the LSM hook),
 *                           print "getsid=R" or "getsid=-1 errno=E (NAME)"
 *   vmhelper mkdir PATH     mkdir PATH, print "mkdir=0" or "mkdir=-1 errno=E (NAME)"
 *                           (an existing directory is removed first)
 *   vmhelper socket FAMILY  socket(FAMILY, SOCK_DGRAM, 0) (FAMILY a number: 2
 *                           AF_INET, 10 AF_INET6), print "socket=FD" or
 *                           "socket=-1 errno=E (NAME)"
 * The exit status is 0 unless the arguments are wrong.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case EEXIST: return "EEXIST";
	case ENOENT: return "ENOENT";
	case EXDEV: return "EXDEV";
	case ESRCH: return "ESRCH";
	case EINVAL: return "EINVAL";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	default: return "?";
	}
}

static void report(const char *what, long r, int e)
{
	if (r < 0)
		printf("%s=%ld errno=%d (%s)\n", what, r, e, errname(e));
	else
		printf("%s=%ld\n", what, r);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	long r;

	if (!strcmp(cmd, "ids")) {
		char comm[32] = "?", stat[1024] = "", *p;
		unsigned long flags = 0;
		FILE *f;

		if ((f = fopen("/proc/self/comm", "r"))) {
			if (fgets(comm, sizeof(comm), f))
				comm[strcspn(comm, "\n")] = 0;
			fclose(f);
		}
		if ((f = fopen("/proc/self/stat", "r"))) {
			/* pid (comm) state ppid pgrp session tty tpgid flags */
			if (fgets(stat, sizeof(stat), f) && (p = strrchr(stat, ')')))
				sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags);
			fclose(f);
		}
		printf("pid=%ld ppid=%ld comm=%s flags=%lu\n", syscall(SYS_getpid),
		       syscall(SYS_getppid), comm, flags);
	} else if (!strcmp(cmd, "nanosleep") && argc > 2) {
		long n = strtol(argv[2], NULL, 10), i;
		struct timespec ts = { 0, 1000000 };

		for (i = 0; i < n; i++)
			syscall(SYS_nanosleep, &ts, NULL);
		printf("nanosleeps=%ld\n", n);
	} else if (!strcmp(cmd, "open") && argc > 2) {
		for (int i = 2; i < argc; i++) {
			errno = 0;
			r = open(argv[i], O_RDONLY);
			report("open", r, errno);
		}
	} else if (!strcmp(cmd, "getsid")) {
		errno = 0;
		r = syscall(SYS_getsid, syscall(SYS_getpid));
		report("getsid", r, errno);
	} else if (!strcmp(cmd, "mkdir") && argc > 2) {
		rmdir(argv[2]);
		errno = 0;
		r = mkdir(argv[2], 0755);
		report("mkdir", r, errno);
	} else if (!strcmp(cmd, "socket") && argc > 2) {
		errno = 0;
		r = socket(atoi(argv[2]), SOCK_DGRAM, 0);
		report("socket", r, errno);
	} else {
		fprintf(stderr, "usage: vmhelper ids | nanosleep N | open PATH... | getsid | "
			"mkdir PATH | socket FAMILY\n");
		return 2;
	}
	return 0;
}
