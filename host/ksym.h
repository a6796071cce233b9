/*
 * host/ksym.h - questions about kernel function names, answered from a
 * kallsyms file (normally /proc/kallsyms; tests pass a file of their own).
 *
 * Used before a kprobe is attached: a function the kernel does not list
 * cannot be probed, and the user deserves the nearest names that can;
 * and to resolve an object's __ksym externs. Only reads a file; makes no
 * bpf() or perf calls (host/: the files of the running machine).
 */
#ifndef RAWLOAD_HOST_KSYM_H
#define RAWLOAD_HOST_KSYM_H

#include <stddef.h>
#include <stdint.h>

#include "elf/err.h"

#define KSYM_DEFAULT "/proc/kallsyms"

/* Every line "ADDR TYPE NAME [module]" of @kallsyms, to @fn with @arg,
 * until @fn returns non-zero (then that). 0, or -errno with @eb naming
 * the file when it cannot be read. relo/extern.c takes its __ksym
 * addresses this way, without opening the file itself. */
typedef int (*ksym_fn)(void *arg, uint64_t addr, char type, const char *name);
int ksym_each(const char *kallsyms, ksym_fn fn, void *arg, struct errbuf *eb);

/* The text symbols of a kallsyms file, sorted by address: for naming the
 * frames of a kernel stack (--dump-maps of a stack-trace map). */
struct ksym_table {
	struct ksym_addr { uint64_t addr; const char *name; } *syms;
	size_t n;
	char *names;		/* every name, NUL-separated */
};
/* Read @kallsyms (NULL: /proc/kallsyms) into @t. 0, or -errno with @eb;
 * without root every address reads 0, and the table is empty. */
int ksym_table_load(const char *kallsyms, struct ksym_table *t, struct errbuf *eb);
/* The symbol @addr falls in and its offset there, or NULL. */
const char *ksym_table_find(const struct ksym_table *t, uint64_t addr, uint64_t *off);
void ksym_table_free(struct ksym_table *t);

/* 1 if @name is a text symbol (type t or T) in @kallsyms, 0 if not, or
 * -errno (message in @eb) when the file cannot be read. */
int ksym_has_func(const char *kallsyms, const char *name, struct errbuf *eb);

/* The architecture's syscall entry prefix: "__x64_sys_" on x86_64,
 * "__arm64_sys_" on arm64 (kernels 4.17+ wrap every syscall as
 * __<arch>_sys_NAME), "sys_" on older kernels. Found as whatever is in
 * front of "bpf" in the entry point of bpf(2), which every kernel that
 * can load our programs has. Writes it to @out; 0 or -errno. */
int ksym_syscall_prefix(const char *kallsyms, char *out, size_t size,
			struct errbuf *eb);

/* The text symbols closest to @name, best first, comma-separated into
 * @out (at most @max names): its .isra.N/.constprop.N/.part.N/.cold
 * variants, then names that end in its stem as a word ("do_execve" has
 * stem "execve": bprm_execve), then names containing @name
 * (do_execveat_common.isra.0), then other names containing the stem.
 * Syscall entry points (*sys_*) are left out: the caller names the one
 * that matters. Returns how many names were written (0 when none, or
 * when the file cannot be read). */
int ksym_suggest(const char *kallsyms, const char *name, size_t max,
		 char *out, size_t size);

/*
 * The kernel functions whose names match the shell glob @pattern
 * (fnmatch: "vfs_*", "__x64_sys_getp?id"), sorted and without duplicates
 * (a static function may have its name in several files), in *@out: one
 * malloc'ed array of malloc'ed names, *@n of them; ksym_names_free().
 * Read from @list, one function a line ("name" or "name [module]"):
 * tracefs's available_filter_functions, the functions ftrace can hook,
 * which are the only ones a kprobe.multi (an fprobe, built on ftrace)
 * attaches to. When @list cannot be read (tracefs not mounted, or a
 * kernel in lockdown refuses it), from @kallsyms's text symbols; *@source
 * says which was read. 0 (also with no match) or -errno with @eb set.
 */
int ksym_glob(const char *list, const char *kallsyms, const char *pattern,
	      char ***out, size_t *n, const char **source, struct errbuf *eb);
void ksym_names_free(char **names, size_t n);

/* @name without the prefixes that wrap a kernel function's real work:
 * "__", "do_", "sys_" and the syscall entry prefix ("do_execve" and
 * "__x64_sys_execve" both give "execve"). Points into @name. */
const char *ksym_stem(const char *name);

#endif
