/*
 * tests/e2e/usdt_target_sema.c - the semaphore-guarded probe of
 * usdt_target.c, in a file of its own: with _SDT_HAS_SEMAPHORES every
 * probe of a translation unit refers to a PROVIDER_NAME_semaphore.
 *
 * A semaphore is a counter in the traced program (section .probes) that
 * the kernel increments while a uprobe with this ref_ctr_offset is
 * attached, so the program can skip computing arguments nobody reads.
 */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

unsigned usdt_target_sema(long v);

/* the name sdt.h expects: PROVIDER_NAME_semaphore */
volatile unsigned short rawload_test_sema_semaphore __attribute__((section(".probes")));

unsigned usdt_target_sema(long v)
{
	if (rawload_test_sema_semaphore)
		STAP_PROBE1(rawload_test, sema, v + 100);
	return rawload_test_sema_semaphore;
}
