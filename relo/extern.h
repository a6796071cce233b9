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
					/boot/config-RELEASE (plain or gzip) */
	const char *kallsyms_path;   /* NULL: /proc/kallsyms */
	int bpf_cookie;		     /* LINUX_HAS_BPF_COOKIE, from loader/'s
					feature probe: 1 yes, -1 no, 0 not
					probed: yes on kernels >= 5.15 */
};

/* KERNEL_VERSION(a, b, c) of a `uname -r` string ("6.18.44-fc" ->
 * 0x06122c), c clamped to 255 as <linux/version.h> does; 0 if @release
 * does not start with three numbers. */
uint32_t extern_kernel_version(const char *release);

/*
 * Resolve every extern of @obj: @vals[i] for obj->externs[i], and the
 * .kconfig map's bytes into @kconfig (obj->maps[obj->kconfig_map]'s size,
 * zeroed by the caller; may be NULL when the object has no .kconfig map).
 * A missing __weak extern becomes 0 (vals[i].resolved = 0); a missing
 * strong one is an error naming it and the file searched. Other errors:
 * a config value that does not fit the extern's C type (-EINVAL, -ERANGE,
 * as libbpf refuses them), an unreadable kernel config or kallsyms.
 */
int extern_resolve(const struct object *obj, const struct extern_env *env,
		   struct extern_value *vals, uint8_t *kconfig, struct errbuf *eb);

#endif
