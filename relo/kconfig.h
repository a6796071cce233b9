/*
 * relo/kconfig.h - reading the kernel's build configuration.
 *
 * The text `make` leaves in .config, one option a line:
 *
 *   CONFIG_BPF_SYSCALL=y          bool or tristate: y, m (module)
 *   CONFIG_HZ=250                 int (decimal, or 0x hex)
 *   CONFIG_LOCALVERSION="-fc"     string, quoted
 *   # CONFIG_KALLSYMS_ALL is not set      a comment: the option is "n"
 *
 * The running kernel's copy is /proc/config.gz (CONFIG_IKCONFIG_PROC,
 * gzip) or /boot/config-$(uname -r) (plain text, distributions). Either
 * form is accepted from any path, told apart by the gzip magic, as zlib's
 * gzopen() (what libbpf uses) accepts both.
 */
#ifndef RAWLOAD_KCONFIG_H
#define RAWLOAD_KCONFIG_H

#include <stddef.h>

#include "elf/err.h"

/* A config file is ~250 KiB; refuse to decode more than this. */
#define KCONFIG_MAX_SIZE (16u << 20)

/* Read @path (plain text or gzip) into *text: malloc'ed, NUL-terminated,
 * the caller frees. -errno with the path in the message. */
int kconfig_read(const char *path, char **text, struct errbuf *eb);

/*
 * The value of option @name ("CONFIG_HZ") in @text: the first line that
 * is exactly "NAME=VALUE"; *val points at VALUE (not NUL-terminated, up to
 * the end of the line, *val_len bytes). Returns 0, or -ENOENT when no line
 * sets it ("# NAME is not set" does not).
 */
int kconfig_lookup(const char *text, const char *name, const char **val,
		   size_t *val_len);

#endif
