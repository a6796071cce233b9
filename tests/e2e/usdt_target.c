/*
 * tests/e2e/usdt_target.c - a program with USDT (SystemTap SDT) probes for
 * t_usdt.sh, built by the Makefile with -O2 (PIE, and -no-pie as
 * build/e2e/usdt_target_exec). Each probe passes known values, and the
 * program prints them ("args: ..."), so the test compares what the BPF
 * side read against what was really passed, not against a number copied
 * into the test.
 *
 *   rawload_test:args   six arguments of different kinds and sizes: a
 *                       constant, a negative int, a u8, a u64, a pointer,
 *                       and an int the compiler leaves in memory
 *                       (a volatile local: an N(%rsp) operand)
 *   rawload_test:twice  two probe sites with the same provider:name,
 *                       so two notes (arguments 1 and 2)
 *   rawload_test:same   two sites with identical arguments ($5): one spec
 *   rawload_test:global an argument read through %rip (a global), which
 *                       libbpf's x86 parser does not support either
 *   rawload_test:sema   guarded by a semaphore (usdt_target_sema.c)
 *
 * usage: usdt_target [LOOPS [SLEEP_MS [wait]]] - fire every probe LOOPS
 * times, sleeping SLEEP_MS between rounds; print the semaphore each round.
 * With "wait", read a line from stdin first, so a test can start it, learn
 * its pid, attach to that process only (t_pid.sh), then let it run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <time.h>

/* in usdt_target_sema.c: fires rawload_test:sema if it is enabled, and
 * returns the semaphore's value */
unsigned usdt_target_sema(long v);

static const char greeting[] = "hello usdt";
volatile uint64_t global_counter = 0x1122334455667788ull;
/* volatile so -O2 cannot fold them into constants */
volatile int neg_src = -7;
volatile uint8_t u8_src = 200;
volatile uint64_t u64_src = 0xfedcba9876543210ull;

int main(int argc, char **argv)
{
	int loops = argc > 1 ? atoi(argv[1]) : 1;
	long ms = argc > 2 ? atol(argv[2]) : 0;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	char line[16];

	if (argc > 3 && !strcmp(argv[3], "wait") && !fgets(line, sizeof(line), stdin))
		return 1;

	for (int i = 0; i < loops; i++) {
		int neg = neg_src;
		uint8_t u8 = u8_src;
		uint64_t u64 = u64_src;
		volatile int mem = 1000 + i;
		const char *ptr = greeting;

		printf("args: 42 %d %u %llu %llu %d\n", neg, u8, (unsigned long long)u64,
		       (unsigned long long)(uintptr_t)ptr, mem);
		DTRACE_PROBE6(rawload_test, args, 42, neg, u8, u64, ptr, mem);
		DTRACE_PROBE1(rawload_test, twice, 1);
		DTRACE_PROBE1(rawload_test, same, 5);
		DTRACE_PROBE1(rawload_test, global, global_counter);
		DTRACE_PROBE1(rawload_test, same, 5);
		DTRACE_PROBE1(rawload_test, twice, 2);
		printf("semaphore: %u\n", usdt_target_sema(i));
		fflush(stdout);
		if (ms)
			nanosleep(&ts, NULL);
	}
	return 0;
}
