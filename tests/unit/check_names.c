/*
 * tests/unit/check_names.c - suite "names": elf/names.c's rules, each
 * with the strings its consumer would misread. tests/fuzz/fuzz_names.c
 * compares the same rules with sets of characters on arbitrary input;
 * these are the cases a reader should see spelt out.
 */
#include <string.h>

#include "elf/names.h"
#include "unit.h"

START_TEST(test_kernel_names)
{
	ck_assert_int_eq(name_bad_byte("hello_tp", NAME_KERNEL), -1);
	ck_assert_int_eq(name_bad_byte("hello.rodata", NAME_KERNEL), -1);
	ck_assert_int_eq(name_bad_byte("", NAME_KERNEL), 0);
	/* with --pin these would be directories, not files */
	ck_assert_int_eq(name_bad_byte(".", NAME_KERNEL), 0);
	ck_assert_int_eq(name_bad_byte("..", NAME_KERNEL), 0);
	ck_assert_int_eq(name_bad_byte("...", NAME_KERNEL), -1);
	ck_assert_int_eq(name_bad_byte("a/b", NAME_KERNEL), 1);
	ck_assert_int_eq(name_bad_byte("ab-c", NAME_KERNEL), 2);
}
END_TEST

START_TEST(test_bpffs_names)
{
	ck_assert_int_eq(name_bad_byte("pinned_totals", NAME_BPFFS), -1);
	ck_assert_int_eq(name_bad_byte("my-map", NAME_BPFFS), -1);
	/* bpf_lookup() refuses a '.', so ".." never reaches a lookup */
	ck_assert_int_eq(name_bad_byte("..", NAME_BPFFS), 0);
	ck_assert_int_eq(name_bad_byte("a.b", NAME_BPFFS), 1);
	ck_assert_int_eq(name_bad_byte("../../v", NAME_BPFFS), 0);
}
END_TEST

START_TEST(test_tracefs_names)
{
	ck_assert_int_eq(name_bad_byte("sys_enter_execve", NAME_TRACEFS), -1);
	ck_assert_int_eq(name_bad_byte("9p.x-y", NAME_TRACEFS), -1);
	ck_assert_int_eq(name_bad_byte("..", NAME_TRACEFS), 0);
	ck_assert_int_eq(name_bad_byte(".", NAME_TRACEFS), 0);
	ck_assert_int_eq(name_bad_byte("a/b", NAME_TRACEFS), 1);
}
END_TEST

START_TEST(test_words)
{
	ck_assert_int_eq(name_bad_byte("uprobe//bin/true:0x10", NAME_WORD), -1);
	/* a newline would start a second kprobe_events command */
	ck_assert_int_eq(name_bad_byte("p:x\n-:uprobes/y", NAME_WORD), 3);
	ck_assert_int_eq(name_bad_byte("a b", NAME_WORD), 1);
	ck_assert_int_eq(name_bad_byte("\x7f", NAME_WORD), 0);
	ck_assert_int_eq(name_bad_byte("\xc3\xa9", NAME_WORD), 0);
}
END_TEST

START_TEST(test_quote)
{
	char q[16];

	ck_assert_str_eq(name_quote("a\nb", q, sizeof(q)), "a\\x0ab");
	ck_assert_str_eq(name_quote("a\\b", q, sizeof(q)), "a\\x5cb");
	/* cut, never past the buffer, never half an escape */
	memset(q, 'Z', sizeof(q));
	name_quote("\n\n\n\n\n", q, 8);
	ck_assert_str_eq(q, "\\x0a");
	ck_assert_int_eq(q[8], 'Z');
	ck_assert_str_eq(name_quote(NULL, q, sizeof(q)), "");
}
END_TEST

static Suite *names_suite(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, test_kernel_names);
	tcase_add_test(tc, test_bpffs_names);
	tcase_add_test(tc, test_tracefs_names);
	tcase_add_test(tc, test_words);
	tcase_add_test(tc, test_quote);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(names_suite)
