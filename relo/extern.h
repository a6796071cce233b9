/*
 * relo/extern.h - giving values to the object's extern symbols.
 *
 *   extern int LINUX_KERNEL_VERSION __kconfig;   -> a value in the .kconfig map
 *   extern bool CONFIG_BPF_SYSCALL __kconfig;    -> from the kernel's config
 *   extern const void sym __ksym;                -> an address from kallsyms
 *   extern void kfunc(...) __ksym;               -> a BTF id in vmlinux
 *
 * Inputs are plain values (no file, no syscall): loader/ reads what
 * extern_needs() asks for from the machine (host/) and passes the text,
 * tests pass their own.
 */
#ifndef RAWLOAD_EXTERN_H
#define RAWLOAD_EXTERN_H

#include <stdint.h>

#include "elf/btf.h"
#include "elf/object.h"
#include "reloc.h"

/* The kallsyms lines, fed to @fn one by one (host/ksym.c's ksym_each
 * has this shape): relo/ reads no file itself. */
typedef int (*extern_ksym_fn)(void *arg, uint64_t addr, char type, const char *name);

struct extern_env {
	const struct btf *vmlinux;   /* for typed ksyms and kfuncs; may be NULL */
	const char *release;	     /* `uname -r`, for LINUX_KERNEL_VERSION */
	const char *config;	     /* the kernel config's text (host/kconfig.c),
					when extern_needs() says so */
	const char *config_name;     /* the file it was read from, for messages */
	int (*ksyms)(void *src, extern_ksym_fn fn, void *arg, struct errbuf *eb);
	void *ksyms_src;	     /* kallsyms, when extern_needs() says so */
	const char *ksyms_name;	     /* its file, for messages */
	int syscall_wrapper;	     /* LINUX_HAS_SYSCALL_WRAPPER: 1 when the
					architecture's __ARCH_sys_bpf is in
					kallsyms (syscalls wrapped, 4.17+) */
	int bpf_cookie;		     /* LINUX_HAS_BPF_COOKIE, from loader/'s
					feature probe: 1 yes, -1 no, 0 not
					probed: yes on kernels >= 5.15 */
};

/* What the caller must read from the machine before extern_resolve(),
 * for @obj's externs: the kernel config (a CONFIG_ value), kallsyms
 * (an untyped __ksym's address), whether syscalls are wrapped. */
enum {
	EXTERN_NEED_CONFIG = 1 << 0,
	EXTERN_NEED_KALLSYMS = 1 << 1,
	EXTERN_NEED_WRAPPER = 1 << 2,
};
unsigned extern_needs(const struct object *obj);

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
 * as libbpf refuses them), an unreadable kallsyms.
 */
int extern_resolve(const struct object *obj, const struct extern_env *env,
		   struct extern_value *vals, uint8_t *kconfig, struct errbuf *eb);

#endif
