/*
 * tests/fuzz/fuzz_names.c - no string the object controls can leave the
 * place it is meant for (issue 15).
 *
 * fuzz_object looks for crashes; this harness looks for a broken promise.
 * Every object obj_open_mem accepts is checked against what the consumers
 * of its names would do with them, written here from the consumer's side
 * rather than with elf/names.c's tables:
 *
 *   a section name          is written after "p:" into uprobe_events or
 *                           kprobe_events: one word, no whitespace, no
 *                           control byte (a newline is a second command)
 *   a tracepoint's parts    become events/CATEGORY/NAME/id under tracefs:
 *                           neither may hold '/' or be "." or ".."
 *   a map's or program's    reaches bpf_attr's 16-byte name and, with
 *   name                    --pin, a file under the pin directory: no '/'
 *   a map pinned by name    is /sys/fs/bpf/NAME: no '/', no '.' (so no
 *                           "..", and bpffs refuses dots anyway)
 *   a data map's kernel     is built by the object model and must still be
 *   name                    a name the kernel takes
 *
 * Input that is not an ELF file is cut at NUL bytes, and each piece is
 * run through name_bad_byte() for every rule and compared with the same
 * rules spelt as sets of characters; name_quote() must stay inside its
 * buffer and print only printable bytes. A broken promise aborts, so
 * libFuzzer keeps the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "elf/names.h"
#include "elf/object.h"
#include "tests/fuzz/fuzz.h"

#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

static void broken(const char *what, const char *s)
{
	char q[200];

	fprintf(stderr, "fuzz_names: %s: '%s'\n", what, name_quote(s, q, sizeof(q)));
	abort();
}

static int is_dot_name(const char *s)
{
	return !strcmp(s, ".") || !strcmp(s, "..");
}

/* One word of a tracefs command line: printable, no space. */
static void want_word(const char *what, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c <= ' ' || *c >= 0x7f)
			broken(what, s);
}

/* One path component: not empty, no '/', not "." or "..". */
static void want_component(const char *what, const char *s)
{
	if (!*s || strchr(s, '/') || is_dot_name(s))
		broken(what, s);
}

static void check_tracepoint(const struct obj_prog *p)
{
	const char *sep = strchr(p->attach_target, '/');
	char cat[256];

	if (!sep)
		return;	/* no category: refused by the attach step, no path built */
	snprintf(cat, sizeof(cat), "%.*s", (int)(sep - p->attach_target), p->attach_target);
	want_component("tracepoint category", cat);
	want_component("tracepoint name", sep + 1);
}

static void check_object(const struct object *obj)
{
	for (size_t i = 0; i < obj->nprogs; i++) {
		const struct obj_prog *p = &obj->progs[i];

		if (p->is_subprog)
			continue;
		want_word("section name", p->sec_name);
		want_component("program name", p->name);
		if (p->def && p->def->attach == ATTACH_TRACEPOINT && p->attach_target)
			check_tracepoint(p);
	}
	for (size_t i = 0; i < obj->nmaps; i++) {
		const struct obj_map *m = &obj->maps[i];

		if (name_bad_byte(m->kernel_name, NAME_KERNEL) >= 0 && m->kernel_name[0])
			broken("kernel map name", m->kernel_name);
		if (m->origin == MAP_DATA)
			continue;
		want_component("map name", m->name);
		if (m->pinning && strchr(m->name, '.'))
			broken("map pinned by name holds a '.'", m->name);
	}
}

/* The rules again, as sets of characters: the reference for names.c. */
static long oracle(const char *s, enum name_rule rule)
{
	static const char *const sets[] = {
		[NAME_KERNEL] = ALNUM "_.",
		[NAME_BPFFS] = ALNUM "_-",
		[NAME_TRACEFS] = ALNUM "_-.",
	};
	size_t n;

	if (!*s || (rule != NAME_BPFFS && rule != NAME_WORD && is_dot_name(s)))
		return 0;
	if (rule == NAME_WORD) {
		for (n = 0; s[n]; n++)
			if (!strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" ALNUM, s[n]))
				break;
	} else {
		n = strspn(s, sets[rule]);
	}
	return s[n] ? (long)n : -1;
}

static void check_strings(const char *buf, size_t size)
{
	for (size_t at = 0; at < size; at += strlen(buf + at) + 1) {
		const char *s = buf + at;
		char q[64];
		size_t qn;

		for (enum name_rule r = NAME_KERNEL; r <= NAME_WORD; r++)
			if (name_bad_byte(s, r) != oracle(s, r))
				broken(name_rule_str(r), s);
		memset(q, 'Z', sizeof(q));
		name_quote(s, q, 40);
		qn = strnlen(q, sizeof(q));
		if (qn >= 40 || q[40] != 'Z')
			broken("name_quote wrote past its buffer", s);
		for (size_t k = 0; k < qn; k++)
			if (q[k] < ' ' || q[k] >= 0x7f)
				broken("name_quote printed an unprintable byte", s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct object obj;
	struct errbuf eb;
	uint8_t *buf;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (size < 4 || memcmp(data, "\x7f" "ELF", 4)) {
		/* one NUL more, so the last piece is a string as well */
		char *s = calloc(1, size + 1);

		if (s) {
			memcpy(s, data, size);
			check_strings(s, size);
		}
		free(s);
		return 0;
	}
	buf = fuzz_copy(data, size);
	if (!buf)
		return 0;
	memset(&obj, 0, sizeof(obj));
	if (obj_open_mem(buf, size, "fuzz.bpf.o", &obj, &eb) == 0)
		check_object(&obj);
	obj_close(&obj);
	free(buf);
	return 0;
}
