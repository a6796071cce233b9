/*
 * host/upath.c - a uprobe target's file from a bare name (see upath.h).
 *
 * The search, for "libc.so.6" with LD_LIBRARY_PATH=/opt/x:
 *
 *   /opt/x/libc.so.6                      LD_LIBRARY_PATH   no such file
 *   /usr/lib64/libc.so.6                  standard          no such file
 *   /usr/lib/libc.so.6                    standard          no such file
 *   /lib/x86_64-linux-gnu/libc.so.6       standard          a readable file: done
 *
 * An empty segment ("a::b", a trailing ':') is skipped, as libbpf skips
 * it; the dynamic linker would read it as the current directory, but a
 * probe on whatever file happens to be in the working directory is not
 * what a bare name should mean.
 */
#include "upath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int upath_is_library(const char *name)
{
	size_t n = strlen(name);

	/* libbpf: str_has_sfx(file, ".so") || strstr(file, ".so.") */
	return (n >= 3 && !strcmp(name + n - 3, ".so")) || strstr(name, ".so.") != NULL;
}

/* Is @path a regular file we may open with @perm (R_OK, R_OK | X_OK)?
 * AT_EACCESS: the effective ids, those the open will be checked with. */
static int usable(const char *path, int perm)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) &&
	       !faccessat(AT_FDCWD, path, perm, AT_EACCESS);
}

/* The first DIR of colon-separated @dirs holding a usable @name, in @out:
 * 1, 0 if none does, or -ENAMETOOLONG. */
static int search_dirs(const char *dirs, const char *name, int perm, char *out, size_t size)
{
	const char *s = dirs, *end;
	size_t len;

	for (; s && *s; s = *end ? end + 1 : end) {
		end = strchr(s, ':');
		if (!end)
			end = s + strlen(s);
		len = (size_t)(end - s);
		if (!len)
			continue;
		if ((size_t)snprintf(out, size, "%.*s/%s", (int)len, s, name) >= size)
			return -ENAMETOOLONG;
		if (usable(out, perm))
			return 1;
	}
	return 0;
}

int upath_resolve(const char *name, const struct upath_env *env, char *out, size_t size,
		  struct errbuf *eb)
{
	int lib = upath_is_library(name), perm = lib ? R_OK : R_OK | X_OK;
	const char *var = lib ? env->ld_library_path : env->path;
	const char *std = lib ? (env->lib_dirs ? env->lib_dirs : UPATH_LIB_DIRS)
			      : (env->bin_dirs ? env->bin_dirs : UPATH_BIN_DIRS);
	int found;

	if (strchr(name, '/')) {
		if ((size_t)snprintf(out, size, "%s", name) >= size)
			return err_set(eb, -ENAMETOOLONG, "%s: path too long", name);
		return 0;
	}
	if (!*name)
		return err_set(eb, -ENOENT, "empty file name; give a path or a program or "
			       "library name");
	found = search_dirs(var, name, perm, out, size);
	if (!found)
		found = search_dirs(std, name, perm, out, size);
	if (found < 0)
		return err_set(eb, found, "%s: a search directory and the name make a path "
			       "longer than %zu bytes", name, size - 1);
	if (found)
		return 0;
	out[0] = '\0';
	if (lib)
		return err_set(eb, -ENOENT, "no library '%s' (a name with .so is looked up as "
			       "libbpf does) in LD_LIBRARY_PATH (%s) or %s; give its path "
			       "('ldconfig -p' lists what the dynamic linker finds)", name,
			       var && *var ? var : "unset", std);
	return err_set(eb, -ENOENT, "no program '%s' (a name without '/' or .so is looked up "
		       "as libbpf does: readable and executable files only) in PATH (%s) or "
		       "%s; give its path", name, var && *var ? var : "unset", std);
}
