/*
 * elf/btf_fmt.c - btf_type_str(): the C spelling of a BTF type.
 *
 * Where it sits: at the edges, for people. Error messages ("field 'pid' is
 * 'int *' in the object but 'int' in the kernel"), the CO-RE report, plan
 * and inspect print types this way; nothing decides anything from the
 * text. So it never fails: a bad id prints as "<bad type [n]>", a long
 * spelling is cut at the buffer's end, and chains deeper than
 * BTF_RESOLVE_DEPTH end in "...".
 *
 * The one subtle part is C's inside-out declarator syntax (K&R 5.12): the
 * type chain runs from the outside in (PTR -> ARRAY -> INT), but C writes
 * the innermost type first and wraps the declarator around an absent name:
 * "char (*)[16]". btf_type_str_at() below builds it the same way a C
 * compiler reads it, with worked examples.
 */
#include "btf.h"
#include "btf_internal.h"

#include <stdio.h>
#include <string.h>

void btf_str_cat(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	if (n + 1 < len)
		snprintf(buf + n, len - n, "%s", s);
}

/* Replace @dst (of @len bytes) by @pre + @dst + @post, truncating. */
static void str_wrap(char *dst, size_t len, const char *pre, const char *post)
{
	char tmp[256];

	/* Truncation is fine here: the result is for people to read. */
	if (snprintf(tmp, sizeof(tmp), "%s%s%s", pre, dst, post) < 0 ||
	    snprintf(dst, len, "%s", tmp) < 0)
		dst[0] = '\0';
}

/* The name of a type that ends a chain: "int", "struct foo", ... */
static void btf_base_name(const struct btf *btf, const struct btf_type *t,
			  char *buf, size_t len)
{
	const char *name = btf_str(btf, t->name_off);
	const char *tag = "";

	if (!*name)
		name = "(anon)";
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
		tag = "struct ";
		break;
	case BTF_KIND_UNION:
		tag = "union ";
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		tag = "enum ";
		break;
	case BTF_KIND_FWD: /* kind_flag: a forward-declared union */
		tag = btf_kflag(t) ? "union " : "struct ";
		break;
	case BTF_KIND_DATASEC:
		tag = "datasec ";
		break;
	case BTF_KIND_DECL_TAG:
		tag = "decl_tag ";
		break;
	}
	snprintf(buf, len, "%s%s", tag, name);
}

/* A function's parameter list "(int, char *)"; nested prototypes (a
 * parameter that is itself a function pointer) get "(...)" to bound the
 * recursion at one level. */
static void btf_type_str_at(const struct btf *btf, uint32_t id, char *buf,
			    size_t len, int nest);
static void btf_params_str(const struct btf *btf, const struct btf_type *t,
			   char *buf, size_t len, int nest)
{
	const struct btf_param *p = btf_params(t);

	snprintf(buf, len, "(");
	if (btf_vlen(t) == 0)
		btf_str_cat(buf, len, "void");
	else if (nest > 0)
		btf_str_cat(buf, len, "...");
	for (unsigned i = 0; nest == 0 && i < btf_vlen(t); i++) {
		char one[128];

		if (p[i].type == 0) /* a trailing void parameter: varargs */
			snprintf(one, sizeof(one), "...");
		else
			btf_type_str_at(btf, p[i].type, one, sizeof(one), nest + 1);
		if (i)
			btf_str_cat(buf, len, ", ");
		btf_str_cat(buf, len, one);
	}
	btf_str_cat(buf, len, ")");
}

/*
 * Walk from @id towards the base type, building the C declarator around
 * an (absent) identifier, the way C reads it inside-out:
 *
 *   PTR -> CONST -> PTR -> INT char     decl "*", then "* const *"
 *                                       result "char * const *"
 *   PTR -> ARRAY[16] -> INT char        decl "*", then "(*)[16]"
 *                                       result "char (*)[16]"
 *   PTR -> FUNC_PROTO(int) -> INT int   result "int (*)(int)"
 *
 * Qualifiers wait in @qual until we see what they qualify: a pointer
 * ("* const") or the base type ("const char").
 */
static void btf_type_str_at(const struct btf *btf, uint32_t id, char *buf,
			    size_t len, int nest)
{
	char decl[256] = "", qual[64] = "", base[128], extra[192];
	const struct btf_type *t;

	for (int depth = 0;; depth++) {
		t = btf_type_by_id(btf, id);
		if (!t) {
			snprintf(base, sizeof(base), id ? "<bad type [%u]>" : "void", id);
			break;
		}
		if (depth >= BTF_RESOLVE_DEPTH) {
			snprintf(base, sizeof(base), "...");
			break;
		}
		switch (btf_kind(t)) {
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
			str_wrap(qual, sizeof(qual), "", *qual ? " " : "");
			str_wrap(qual, sizeof(qual), "",
				 btf_kind(t) == BTF_KIND_CONST ? "const" :
				 btf_kind(t) == BTF_KIND_VOLATILE ? "volatile" :
								    "restrict");
			id = t->type;
			continue;
		case BTF_KIND_TYPE_TAG: /* an attribute C does not spell */
			id = t->type;
			continue;
		case BTF_KIND_PTR:
			snprintf(extra, sizeof(extra), "*%s%s%s", *qual ? " " : "",
				 qual, *qual && *decl ? " " : "");
			str_wrap(decl, sizeof(decl), extra, "");
			qual[0] = '\0';
			id = t->type;
			continue;
		case BTF_KIND_ARRAY:
			if (decl[0] == '*')
				str_wrap(decl, sizeof(decl), "(", ")");
			snprintf(extra, sizeof(extra), "[%u]", btf_array(t)->nelems);
			str_wrap(decl, sizeof(decl), "", extra);
			id = btf_array(t)->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			if (decl[0] == '*')
				str_wrap(decl, sizeof(decl), "(", ")");
			btf_params_str(btf, t, extra, sizeof(extra), nest);
			str_wrap(decl, sizeof(decl), "", extra);
			qual[0] = '\0';
			id = t->type;
			continue;
		case BTF_KIND_FUNC:
		case BTF_KIND_VAR: /* named: "int main(void)", "char buf[16]" */
			str_wrap(decl, sizeof(decl), btf_str(btf, t->name_off), "");
			id = t->type;
			continue;
		default:
			btf_base_name(btf, t, base, sizeof(base));
			break;
		}
		break;
	}
	snprintf(buf, len, "%s%s%s%s%s", qual, *qual ? " " : "", base,
		 *decl && decl[0] != '[' ? " " : "", decl);
}

char *btf_type_str(const struct btf *btf, uint32_t id, char *buf, size_t len)
{
	if (len)
		btf_type_str_at(btf, id, buf, len, 0);
	return buf;
}
