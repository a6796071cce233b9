/*
 * umulti_target.c - tests/e2e/umulti_target.c for the VM guest, built
 * static like every helper here (so its functions are in .symtab of an
 * ET_EXEC), without the libc mode that needs dlsym.
 */
#define UMULTI_NO_LIBC
#include "../e2e/umulti_target.c"
