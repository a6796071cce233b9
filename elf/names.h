/*
 * elf/names.h - is a string fit for where it is going?
 *
 * Names in an object file (sections, symbols, map variables) and on the
 * command line end up in places that each have a grammar of their own: a
 * bpf_attr's map_name, a file under /sys/fs/bpf, a directory under
 * tracefs's events/, a line written to kprobe_events. A name outside that
 * grammar is at best refused late by the kernel, at worst read as
 * something else: "../x" as another directory, a newline as a second
 * tracefs command. So each string is checked against its consumer's rule
 * before any system call, and refused naming the first byte that breaks it.
 */
#ifndef RAWLOAD_NAMES_H
#define RAWLOAD_NAMES_H

#include <stddef.h>

/* The consumers, each with the alphabet it accepts. */
enum name_rule {
	NAME_KERNEL,	/* bpf_attr.map_name / prog_name: letters, digits,
			   '_' and '.' (bpf_obj_name_cpy() in
			   kernel/bpf/syscall.c refuses anything else); not
			   "." or "..", which --pin would turn into a
			   directory rather than a file */
	NAME_BPFFS,	/* one file name under a bpffs: letters, digits, '_'
			   and '-' (bpf_lookup() in kernel/bpf/inode.c refuses
			   names with a '.', and a '/' would be a directory) */
	NAME_TRACEFS,	/* a tracepoint category or event, a directory under
			   tracefs's events/: letters, digits, '_', '-', '.',
			   but never "." or ".." */
	NAME_WORD,	/* a word of a tracefs command line or an attach
			   target: printable ASCII without spaces (the kernel
			   splits kprobe_events/uprobe_events lines at
			   whitespace, and a newline starts a new command) */
};

/*
 * The offset of the first byte of @s that @rule refuses, or -1 if @s is
 * fine. An empty string is refused at offset 0. For NAME_KERNEL and
 * NAME_TRACEFS, "." and ".." are refused at offset 0 as well.
 */
long name_bad_byte(const char *s, enum name_rule rule);

/* What @rule accepts, in words, for the error message. */
const char *name_rule_str(enum name_rule rule);

/*
 * @s quoted for an error message: printable bytes as they are, others as
 * \xNN, cut to fit @size. Returns @out.
 */
char *name_quote(const char *s, char *out, size_t size);

#endif
