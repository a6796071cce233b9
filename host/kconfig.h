/*
 * host/kconfig.h - the running kernel's build configuration, as text.
 *
 * The running kernel's copy is /proc/config.gz (CONFIG_IKCONFIG_PROC,
 * gzip) or /boot/config-$(uname -r) (plain text, distributions). Either
 * form is accepted from any path, told apart by the gzip magic, as zlib's
 * gzopen() (what libbpf uses) accepts both. What an option is set to is
 * relo/kconfig.h's question, on the text read here.
 */
#ifndef RAWLOAD_HOST_KCONFIG_H
#define RAWLOAD_HOST_KCONFIG_H

#include <stddef.h>

#include "elf/err.h"

/* A config file is ~250 KiB; refuse to decode more than this. */
#define KCONFIG_MAX_SIZE (16u << 20)

/* Read @path (plain text or gzip) into *text: malloc'ed, NUL-terminated,
 * the caller frees. -errno with the path in the message. */
int kconfig_read(const char *path, char **text, struct errbuf *eb);

/* The running kernel's config: @path if given, else /proc/config.gz, else
 * /boot/config-@release. *@text as kconfig_read; the file read in @used.
 * -errno with @eb saying what was tried. */
int kconfig_read_running(const char *path, const char *release, char **text,
			 char *used, size_t used_size, struct errbuf *eb);

#endif
