/*
 * relo/extern.c - giving the object's extern symbols their values.
 *
 * Where this sits: after the object is read and before the maps are made;
 * the .kconfig map's bytes computed here become its initial value, and the
 * ksym values are what relo/link.c writes into the instructions:
 *
 *   extern kind                         value                  written by link.c as
 *   ---------------------------------   --------------------   ---------------------------
 *   __kconfig LINUX_KERNEL_VERSION etc  computed here          bytes in .kconfig
 *   __kconfig CONFIG_*                  the kernel's config    bytes in .kconfig
 *   __ksym, typeless (const void)       address (kallsyms)     ld_imm64 of the address
 *   __ksym, typed variable              VAR id in vmlinux BTF  ld_imm64 BPF_PSEUDO_BTF_ID
 *   __ksym function (kfunc)             FUNC id in vmlinux     call BPF_PSEUDO_KFUNC_CALL
 *
 * The rules are libbpf's (libbpf.c: bpf_object__resolve_externs,
 * bpf_object__process_kconfig_line, set_kcfg_value_*, kallsyms_cb,
 * bpf_object__resolve_ksym_{var,func}_btf_id), so an object gets the same
 * bytes from rawload as from libbpf; the differences are listed where they
 * are (the order of the config files; no module BTF; no type-compatibility
 * check of typed ksyms).
 */
#include "extern.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "kconfig.h"

/* How a __kconfig extern's C type takes a value (libbpf's enum kcfg_type,
 * decided by its find_kcfg_type()). */
enum kcfg_type {
	KCFG_UNKNOWN,
	KCFG_CHAR,	/* char: takes 'y'/'n'/'m' as the character */
	KCFG_BOOL,	/* bool (INT with the BOOL encoding, 1 byte) */
	KCFG_INT,	/* 1, 2, 4 or 8 byte integer */
	KCFG_TRISTATE,	/* enum libbpf_tristate: n 0, y 1, m 2 */
	KCFG_CHAR_ARR,	/* char[N]: a quoted string, NUL-terminated */
};

enum { TRI_NO = 0, TRI_YES = 1, TRI_MODULE = 2 };

struct ctx {
	const struct object *obj;
	const struct extern_env *env;
	struct extern_value *vals;
	uint8_t *kconfig;
	struct errbuf *eb;
};

static enum kcfg_type kcfg_type(const struct btf *btf, uint32_t id, int *is_signed)
{
	const struct btf_type *t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, id));

	*is_signed = 0;
	if (!t)
		return KCFG_UNKNOWN;
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		uint32_t enc = BTF_INT_ENCODING(btf_int_info(t));

		if (enc & BTF_INT_BOOL)
			return t->size == 1 ? KCFG_BOOL : KCFG_UNKNOWN;
		*is_signed = !!(enc & BTF_INT_SIGNED);
		if (t->size == 1)
			return KCFG_CHAR;
		if (t->size < 1 || t->size > 8 || (t->size & (t->size - 1)))
			return KCFG_UNKNOWN;
		return KCFG_INT;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (strcmp(btf_str(btf, t->name_off), "libbpf_tristate") ||
		    (btf_kind(t) == BTF_KIND_ENUM && t->size != 4))
			return KCFG_UNKNOWN;
		return KCFG_TRISTATE;
	case BTF_KIND_ARRAY: {
		int s;

		if (btf_array(t)->nelems == 0 ||
		    kcfg_type(btf, btf_array(t)->type, &s) != KCFG_CHAR)
			return KCFG_UNKNOWN;
		return KCFG_CHAR_ARR;
	}
	default:
		return KCFG_UNKNOWN;
	}
}

/* Does @v fit the extern's integer without loss? For a signed type of Y
 * bits: -2^(Y-1) <= v <= 2^(Y-1)-1, i.e. v + 2^(Y-1) < 2^Y in unsigned
 * arithmetic (libbpf's is_kcfg_value_in_range). */
static int in_range(uint64_t v, uint32_t size, int is_signed)
{
	unsigned bits = size * 8;

	if (size == 8)
		return 1;
	if (is_signed)
		return v + (1ull << (bits - 1)) < (1ull << bits);
	return (v >> bits) == 0;
}

/* Store @v little- or big-endian as the host does: the kernel reads the
 * .kconfig map as the program's own variables. */
static void store_num(uint8_t *p, uint32_t size, uint64_t v)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (size) {
	case 1: memcpy(p, &u8, 1); break;
	case 2: memcpy(p, &u16, 2); break;
	case 4: memcpy(p, &u32, 4); break;
	default: memcpy(p, &v, 8); break;
	}
}

/* A number into the extern (libbpf's set_kcfg_value_num). */
static int set_num(struct ctx *c, size_t i, uint64_t v)
{
	const struct obj_extern *x = &c->obj->externs[i];
	int is_signed;
	enum kcfg_type t = kcfg_type(c->obj->btf, x->type_id, &is_signed);

	if (t != KCFG_INT && t != KCFG_CHAR && t != KCFG_BOOL)
		return err_set(c->eb, -EINVAL, "value %" PRIu64 " needs an integer, char "
			       "or bool type", v);
	if (t == KCFG_BOOL && v > 1)
		return err_set(c->eb, -EINVAL, "value %" PRIu64 " is not a bool", v);
	if (!in_range(v, x->size, is_signed))
		return err_set(c->eb, -ERANGE, "value %" PRIu64 " does not fit in %u "
			       "%s byte(s)", v, x->size, is_signed ? "signed" : "unsigned");
	store_num(c->kconfig + x->offset, x->size, v);
	c->vals[i].resolved = 1;
	return 0;
}

/* y/n/m into the extern (libbpf's set_kcfg_value_tri). */
static int set_tri(struct ctx *c, size_t i, char v)
{
	const struct obj_extern *x = &c->obj->externs[i];
	uint8_t *p = c->kconfig + x->offset;
	int is_signed;

	switch (kcfg_type(c->obj->btf, x->type_id, &is_signed)) {
	case KCFG_BOOL:
		if (v == 'm')
			return err_set(c->eb, -EINVAL, "value 'm' (module) needs a tristate "
				       "or char type, not bool");
		*p = v == 'y';
		break;
	case KCFG_TRISTATE:
		store_num(p, x->size, v == 'y' ? TRI_YES : v == 'm' ? TRI_MODULE : TRI_NO);
		break;
	case KCFG_CHAR:
		*p = (uint8_t)v;
		break;
	default:
		return err_set(c->eb, -EINVAL, "value '%c' needs a bool, tristate or char "
			       "type", v);
	}
	c->vals[i].resolved = 1;
	return 0;
}

/* "text" into a char array, cut to fit with its NUL (libbpf's
 * set_kcfg_value_str; it warns when it cuts). */
static int set_str(struct ctx *c, size_t i, const char *v, size_t len)
{
	const struct obj_extern *x = &c->obj->externs[i];
	int is_signed;

	if (kcfg_type(c->obj->btf, x->type_id, &is_signed) != KCFG_CHAR_ARR)
		return err_set(c->eb, -EINVAL, "a string value needs a char array type");
	if (len < 2 || v[len - 1] != '"')
		return err_set(c->eb, -EINVAL, "string value %.*s lacks its closing quote",
			       (int)len, v);
	len -= 2;
	if (len >= x->size)
		len = x->size - 1;
	memcpy(c->kconfig + x->offset, v + 1, len);
	c->kconfig[x->offset + len] = '\0';
	c->vals[i].resolved = 1;
	return 0;
}

/* CONFIG_X=VALUE: the first character says the kind, as in libbpf. */
static int set_config(struct ctx *c, size_t i, const char *v, size_t len)
{
	char num[32], *end;
	uint64_t n;
	int is_signed;

	if (len == 0)
		return err_set(c->eb, -EINVAL, "no value after '='");
	if ((*v == 'y' || *v == 'n' || *v == 'm'))
		return set_tri(c, i, *v);
	if (*v == '"')
		return set_str(c, i, v, len);
	if (len >= sizeof(num))
		return err_set(c->eb, -EINVAL, "value '%.*s' is not a valid integer",
			       (int)len, v);
	memcpy(num, v, len);
	num[len] = '\0';
	errno = 0;
	n = strtoull(num, &end, 0); /* decimal, 0x hex or 0 octal, as libbpf */
	if (errno || end == num || *end)
		return err_set(c->eb, -EINVAL, "value '%s' is not a valid integer", num);
	if (kcfg_type(c->obj->btf, c->obj->externs[i].type_id, &is_signed) == KCFG_CHAR)
		return err_set(c->eb, -EINVAL, "value '%s' needs an integer type, not char",
			       num);
	return set_num(c, i, n);
}

uint32_t extern_kernel_version(const char *release)
{
	unsigned a, b, p;

	if (!release || sscanf(release, "%u.%u.%u", &a, &b, &p) != 3)
		return 0;
	return (a << 16) + (b << 8) + (p > 255 ? 255 : p);
}

/* ---- the kernel's config ------------------------------------------------ */

/* LINUX_*: values libbpf computes itself rather than reads from a file. */
static int set_virtual(struct ctx *c, size_t i, int *known)
{
	const char *name = c->obj->externs[i].name;
	uint32_t kver = extern_kernel_version(c->env->release);
	uint64_t v;

	*known = 1;
	if (!strcmp(name, "LINUX_KERNEL_VERSION")) {
		if (!kver)
			return err_set(c->eb, -EINVAL, "cannot tell the kernel version from "
				       "release '%s'", c->env->release ? c->env->release : "");
		v = kver;
	} else if (!strcmp(name, "LINUX_HAS_BPF_COOKIE")) {
		/* bpf_get_attach_cookie() arrived in 5.15 (7adfc6c9b315); a
		 * loader/ probe, when it ran, knows better than the number */
		v = c->env->bpf_cookie ? c->env->bpf_cookie > 0
				       : kver >= ((5u << 16) + (15u << 8));
	} else if (!strcmp(name, "LINUX_HAS_SYSCALL_WRAPPER")) {
		/* found by the caller in kallsyms (host/ksym.c: the
		 * architecture's __ARCH_sys_bpf is there) */
		v = c->env->syscall_wrapper > 0;
	} else {
		*known = 0;
		return 0;
	}
	return set_num(c, i, v);
}

static int resolve_kconfig(struct ctx *c, size_t i)
{
	const struct obj_extern *x = &c->obj->externs[i];
	const char *v;
	size_t len;
	int err, known;

	if (!c->kconfig || x->offset > c->obj->maps[c->obj->kconfig_map].value_size ||
	    x->size > c->obj->maps[c->obj->kconfig_map].value_size - x->offset)
		return err_set(c->eb, -EINVAL, "no room for it in the .kconfig map");
	if (!strncmp(x->name, "LINUX_", 6)) {
		err = set_virtual(c, i, &known);
		if (err || known || x->is_weak)
			return err;
		return err_set(c->eb, -EINVAL, "not a LINUX_ value rawload (or libbpf) "
			       "knows; known: LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE, "
			       "LINUX_HAS_SYSCALL_WRAPPER");
	}
	if (strncmp(x->name, "CONFIG_", 7))
		return err_set(c->eb, -EINVAL, "a __kconfig name must start with "
			       "CONFIG_ or LINUX_");
	if (!c->env->config)
		return err_set(c->eb, -ENOENT, "the kernel config was not read (extern_needs "
			       "says EXTERN_NEED_CONFIG)");
	if (kconfig_lookup(c->env->config, x->name, &v, &len))
		return 0; /* "not set": 0 if weak; the final check names it */
	return set_config(c, i, v, len);
}

/* ---- kallsyms ------------------------------------------------------------ */

/* One kallsyms line "ffffffff81377cc0 T __x64_sys_getpid [module]". A
 * symbol can repeat (static functions of the same name): a typeless ksym
 * with two different addresses is refused, as libbpf does. */
static int on_ksym(void *arg, uint64_t addr, char type, const char *name)
{
	struct ctx *c = arg;
	const char *llvm = strstr(name, ".llvm.");
	size_t len = strlen(name);

	/* clang's ThinLTO renames static data to NAME.llvm.NUMBER */
	if (type == 'd' && llvm)
		len = (size_t)(llvm - name);
	for (size_t i = 0; i < c->obj->nexterns; i++) {
		const struct obj_extern *x = &c->obj->externs[i];
		struct extern_value *v = &c->vals[i];

		if (x->kind != EXTERN_KSYM || x->is_func || x->type_id ||
		    strlen(x->name) != len || strncmp(x->name, name, len))
			continue;
		if (v->resolved && v->addr != addr)
			return err_set(c->eb, -EINVAL, "extern '%s' (__ksym): ambiguous: "
				       "0x%" PRIx64 " or 0x%" PRIx64, x->name, v->addr, addr);
		v->resolved = 1;
		v->addr = addr;
	}
	return 0;
}

static int scan_kallsyms(struct ctx *c)
{
	if (!c->env->ksyms)
		return err_set(c->eb, -ENOENT, "no kallsyms to read (extern_needs says "
			       "EXTERN_NEED_KALLSYMS)");
	return c->env->ksyms(c->env->ksyms_src, on_ksym, c, c->eb);
}

/* ---- BTF ids ------------------------------------------------------------- */

/*
 * Typed variables and kfuncs are found by name in vmlinux BTF. libbpf also
 * searches module BTF and then passes the module's BTF fd (insn[1].imm for
 * ld_imm64, an fd_array slot for a call); relo/ opens no fds, so module
 * symbols are not found here. libbpf further checks that the local type is
 * CO-RE compatible with the kernel's (bpf_core_types_are_compat); rawload
 * leaves that to the verifier, which checks kfunc arguments itself.
 */
static int resolve_btf_id(struct ctx *c, size_t i)
{
	const struct obj_extern *x = &c->obj->externs[i];
	char name[256];
	int id;

	if (!c->env->vmlinux)
		return err_set(c->eb, -EINVAL, "extern '%s' (__ksym): no kernel BTF to "
			       "find it in", x->name);
	/* bpf_iter_num_new___v2 is bpf_iter_num_new: kfunc flavors, as in
	 * CO-RE (libbpf >= 1.2 cuts them for functions) */
	snprintf(name, sizeof(name), "%.*s",
		 (int)(x->is_func ? core_essential_name_len(x->name) : strlen(x->name)),
		 x->name);
	id = btf_find_by_name_kind(c->env->vmlinux, name,
				   x->is_func ? BTF_KIND_FUNC : BTF_KIND_VAR);
	if (id > 0) {
		c->vals[i].resolved = 1;
		c->vals[i].btf_id = (uint32_t)id;
	}
	return 0;
}

/* ---- the driver ---------------------------------------------------------- */

static int check_missing(struct ctx *c)
{
	for (size_t i = 0; i < c->obj->nexterns; i++) {
		const struct obj_extern *x = &c->obj->externs[i];

		if (c->vals[i].resolved || x->is_weak)
			continue;
		if (x->kind == EXTERN_KCONFIG)
			return err_set(c->eb, -ESRCH, "extern '%s' (__kconfig): not set in "
				       "%s; declare it __weak to read a missing option as 0",
				       x->name, c->env->config_name ? c->env->config_name
								    : "the kernel");
		if (x->type_id || x->is_func)
			return err_set(c->eb, -ESRCH, "extern '%s' (__ksym): no %s of that "
				       "name in the kernel's BTF (modules are not searched)",
				       x->name, x->is_func ? "FUNC" : "VAR");
		return err_set(c->eb, -ESRCH, "extern '%s' (__ksym): not in %s", x->name,
			       c->env->ksyms_name ? c->env->ksyms_name : "kallsyms");
	}
	return 0;
}

unsigned extern_needs(const struct object *obj)
{
	unsigned need = 0;

	for (size_t i = 0; i < obj->nexterns; i++) {
		const struct obj_extern *x = &obj->externs[i];

		if (x->kind == EXTERN_KCONFIG && !strncmp(x->name, "CONFIG_", 7))
			need |= EXTERN_NEED_CONFIG;
		else if (x->kind == EXTERN_KCONFIG &&
			 !strcmp(x->name, "LINUX_HAS_SYSCALL_WRAPPER"))
			need |= EXTERN_NEED_WRAPPER;
		else if (x->kind == EXTERN_KSYM && !x->is_func && !x->type_id)
			need |= EXTERN_NEED_KALLSYMS;
	}
	return need;
}

int extern_resolve(const struct object *obj, const struct extern_env *env,
		   struct extern_value *vals, uint8_t *kconfig, struct errbuf *eb)
{
	struct ctx c = { .obj = obj, .env = env, .vals = vals, .kconfig = kconfig, .eb = eb };
	int err = 0;

	memset(vals, 0, obj->nexterns * sizeof(*vals));
	for (size_t i = 0; !err && i < obj->nexterns; i++) {
		const struct obj_extern *x = &obj->externs[i];

		if (x->kind == EXTERN_KCONFIG) {
			if ((err = resolve_kconfig(&c, i)))
				err_prefix(eb, err, "extern '%s' (__kconfig)", x->name);
		} else if (x->is_func || x->type_id) {
			err = resolve_btf_id(&c, i);
		}
	}
	if (!err && (extern_needs(obj) & EXTERN_NEED_KALLSYMS))
		err = scan_kallsyms(&c);
	if (!err)
		err = check_missing(&c);
	return err;
}
