/*
 * tests/unit/unit.h - what every Check suite file needs.
 *
 * Each check_*.c defines its suite and registers it with UNIT_SUITE(fn);
 * tests/unit/main.c runs every registered suite, so adding a file adds its
 * tests without touching a list. Tests run from the repository top, where
 * the built BPF test objects are under build/progs/.
 */
#ifndef RAWLOAD_UNIT_H
#define RAWLOAD_UNIT_H

#include <check.h>
#include <stddef.h>

#define PROGS_DIR "build/progs"

typedef Suite *(*unit_suite_fn)(void);
void unit_register(unit_suite_fn fn);

#define UNIT_SUITE(fn)                                                   \
	static void __attribute__((constructor)) unit_register_##fn(void) \
	{                                                                \
		unit_register(fn);                                       \
	}

/*
 * Every TCase checks for leaks after each of its tests (tests/unit/main.c
 * explains why the check at the child's exit is not enough). The check is
 * a fixture, so it must be on every TCase; redirecting tcase_create here
 * puts it there without each suite having to remember.
 */
TCase *unit_tcase_create(const char *name);
#define tcase_create(name) unit_tcase_create(name)

/* Read a whole file into malloc'ed memory (test helper; aborts the test
 * on failure). */
void *unit_read_file(const char *path, size_t *size);

/* NULL-terminated list of every built object under PROGS_DIR, malloc'ed. */
char **unit_list_objects(void);
void unit_free_list(char **list);
/* How many objects unit_list_objects() will list (at least 1, so a missing
 * build fails the test that then finds no object rather than vanishing).
 * Safe to call while building suites (no ck_assert). */
int unit_count_objects(void);

#endif
