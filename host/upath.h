/*
 * host/upath.h - the file a uprobe-family target names, when it names it
 * without a path: "libc.so.6" or "bash", as libbpf accepts them.
 *
 * A uprobe is placed in a file (the kernel takes an inode), so every
 * uprobe:, uretprobe:, uprobe.multi: and usdt: target starts with one.
 * A name holding a '/' is a path and is used as it is. Any other name is
 * looked up as libbpf's resolve_full_path does (libbpf.c, used by
 * bpf_program__attach_uprobe_opts, _uprobe_multi and _usdt):
 *
 *   a library, a name ending in ".so" or holding ".so."  (libc.so.6)
 *       readable, in the directories of LD_LIBRARY_PATH, then
 *       /usr/lib64, /usr/lib, /lib/<multiarch>     (libbpf's order)
 *       /usr/lib/<multiarch>, /lib64, /lib          (rawload adds these)
 *   a program, any other name                           (bash)
 *       readable and executable, in the directories of PATH, then
 *       /usr/bin, /usr/sbin                         (libbpf's)
 *
 * The first hit wins, so where libbpf finds a file rawload finds the same
 * one; the directories rawload adds come last and only find what libbpf
 * would not (a library under /usr/lib/x86_64-linux-gnu on a system whose
 * /lib is not a link to /usr/lib). <multiarch> is the Debian tuple of the
 * build (x86_64-linux-gnu, aarch64-linux-gnu, ...).
 *
 * Only files are read (stat, access): no environment here. loader/ passes
 * $LD_LIBRARY_PATH and $PATH, and the tests pass a fake tree instead of
 * the standard directories.
 */
#ifndef RAWLOAD_HOST_UPATH_H
#define RAWLOAD_HOST_UPATH_H

#include <stddef.h>

#include "elf/err.h"

/* Where to look; a NULL or empty member is skipped. */
struct upath_env {
	const char *ld_library_path; /* $LD_LIBRARY_PATH: "DIR:DIR" */
	const char *path;	     /* $PATH: "DIR:DIR" */
	const char *lib_dirs;	     /* NULL: UPATH_LIB_DIRS (tests: a fake tree) */
	const char *bin_dirs;	     /* NULL: UPATH_BIN_DIRS */
};

#if defined(__x86_64__)
#define UPATH_MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define UPATH_MULTIARCH "aarch64-linux-gnu"
#elif defined(__i386__)
#define UPATH_MULTIARCH "i386-linux-gnu"
#elif defined(__riscv) && __riscv_xlen == 64
#define UPATH_MULTIARCH "riscv64-linux-gnu"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define UPATH_MULTIARCH "powerpc64le-linux-gnu"
#elif defined(__s390x__)
#define UPATH_MULTIARCH "s390x-linux-gnu"
#endif

#ifdef UPATH_MULTIARCH
#define UPATH_LIB_DIRS                                              \
	"/usr/lib64:/usr/lib:/lib/" UPATH_MULTIARCH ":/usr/lib/" UPATH_MULTIARCH \
	":/lib64:/lib"
#else
#define UPATH_LIB_DIRS "/usr/lib64:/usr/lib:/lib64:/lib"
#endif
#define UPATH_BIN_DIRS "/usr/bin:/usr/sbin"

/* Is @name looked up as a library ("x.so", "x.so.6"), not a program? */
int upath_is_library(const char *name);

/*
 * The file uprobe-family target @name means, in @out (@size bytes): @name
 * itself when it holds a '/', else the first match of the search above.
 * Not made absolute: the caller's realpath does that, and says if a path
 * given with a '/' does not exist.
 * 0; -ENOENT when nothing matches, with a message listing every directory
 * searched (and where each list came from); -ENAMETOOLONG.
 */
int upath_resolve(const char *name, const struct upath_env *env, char *out, size_t size,
		  struct errbuf *eb);

#endif
