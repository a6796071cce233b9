// SPDX-License-Identifier: GPL-2.0
/*
 * getpid_loop.c - call getpid(2) N times (default 100), then exit.
 *
 * Runs inside the VM test guest, which has no python: it triggers the
 * syscalls/sys_enter_getpid tracepoint that globals.bpf.o counts. Built on
 * the host with `cc -static` (scripts/vm/mkinitramfs.sh).
 *
 *   getpid_loop [N [DELAY_US]]   DELAY_US: pause between calls (default 0)
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100;
	long delay = argc > 2 ? strtol(argv[2], NULL, 10) : 0;

	for (long i = 0; i < n; i++) {
		syscall(SYS_getpid); /* not glibc's getpid(): never cached */
		if (delay > 0)
			usleep((useconds_t)delay);
	}
	return 0;
}
