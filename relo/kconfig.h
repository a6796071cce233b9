/*
 * relo/kconfig.h - an option's value in the kernel's build configuration.
 *
 * The text `make` leaves in .config, one option a line:
 *
 *   CONFIG_BPF_SYSCALL=y          bool or tristate: y, m (module)
 *   CONFIG_HZ=250                 int (decimal, or 0x hex)
 *   CONFIG_LOCALVERSION="-fc"     string, quoted
 *   # CONFIG_KALLSYMS_ALL is not set      a comment: the option is "n"
 *
 * Reading it is host/kconfig.c's (the file of the running machine);
 * here it is text already.
 */
#ifndef RAWLOAD_KCONFIG_H
#define RAWLOAD_KCONFIG_H

#include <stddef.h>

/*
 * The value of option @name ("CONFIG_HZ") in @text: the first line that
 * is exactly "NAME=VALUE"; *val points at VALUE (not NUL-terminated, up to
 * the end of the line, *val_len bytes). Returns 0, or -ENOENT when no line
 * sets it ("# NAME is not set" does not).
 */
int kconfig_lookup(const char *text, const char *name, const char **val,
		   size_t *val_len);

#endif
