/*
 * relo/extern.h - giving values to the object's extern symbols.
 *
 *   extern int LINUX_KERNEL_VERSION __kconfig;   -> a value in the .kconfig map
 *   extern bool CONFIG_BPF_SYSCALL __kconfig;    -> from the kernel's config
 *   extern const void sym __ksym;                -> an address from kallsyms
 *   extern void kfunc(...) __ksym;               -> a BTF id in vmlinux
 *
 * Inputs are files and plain values (no syscalls): loader/ passes the
 * kernel release and the paths, tests pass their own files.
 */
#ifndef RAWLOAD_EXTERN_H
#define RAWLOAD_EXTERN_H

#include <stdint.h>

#include "elf/btf.h"
#include "elf/object.h"
#include "reloc.h"

struct extern_env {
	const struct btf *vmlinux;   /* for typed ksyms and kfuncs; may be NULL */
	const char *release;	     /* `uname -r`, for LINUX_KERNEL_VERSION and
					/boot/config-RELEASE */
	const char *kconfig_path;    /* NULL: /proc/config.gz, then
					/boot/config-RELEASE */
	const char *kallsyms_path;   /* NULL: /proc/kallsyms */
};

/*
 * Resolve every extern of @obj: @vals[i] for obj->externs[i], and the
 * .kconfig map's bytes into @kconfig (obj->maps[obj->kconfig_map]'s size).
 * A missing __weak extern becomes 0; a missing strong one is an error
 * naming it.
 */
int extern_resolve(const struct object *obj, const struct extern_env *env,
		   struct extern_value *vals, uint8_t *kconfig, struct errbuf *eb);

#endif
