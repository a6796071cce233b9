/*
 * host/btf_modules.h - the kernel modules that carry BTF.
 *
 * /sys/kernel/btf holds one file per module with BTF (split BTF on top of
 * "vmlinux"). CO-RE looks in them for a type vmlinux lacks (relo/core.h,
 * struct core_targets), and takes their names through this function.
 */
#ifndef RAWLOAD_HOST_BTF_MODULES_H
#define RAWLOAD_HOST_BTF_MODULES_H

#include <stddef.h>

#include "elf/err.h"

/* The names in @dir, every entry but ".", ".." and "vmlinux", sorted so
 * the candidate order does not depend on readdir's: *@out malloc'ed (and
 * each name), *@n of them. A missing @dir is no modules (0). -errno with
 * @eb otherwise. */
int host_btf_modules(const char *dir, char ***out, size_t *n, struct errbuf *eb);

#endif
