/*
 * tests/e2e/usdt_target_sib.c - a USDT probe whose argument is a
 * base + index * scale memory operand, for t_usdt.sh: with the "m"
 * constraint (STAP_SDT_ARG_CONSTRAINT, <sys/sdt.h>'s hook for it) gcc -O2
 * writes an array element as "-8@16(%rsp,%rax,8)". libbpf 1.7's
 * usdt.bpf.h reads such arguments (BPF_USDT_ARG_SIB); 1.1's cannot.
 *
 *   rawload_sib:elem   arr[i] (a long in a stack array) and i
 *
 * usage: usdt_target_sib [ROUNDS] - fire it ROUNDS times, printing
 * "elem: VALUE INDEX" each time.
 */
#define STAP_SDT_ARG_CONSTRAINT m
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>

int main(int argc, char **argv)
{
	volatile long arr[8];
	int rounds = argc > 1 ? atoi(argv[1]) : 1;

	for (int i = 0; i < 8; i++)
		arr[i] = 1000 + 111 * i;
	for (int r = 0; r < rounds; r++) {
		int i = (r + 3) % 8;

		DTRACE_PROBE2(rawload_sib, elem, arr[i], i);
		printf("elem: %ld %d\n", (long)arr[i], i);
		fflush(stdout);
	}
	return 0;
}
