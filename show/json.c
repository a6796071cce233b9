/* show/json.c - see json.h. */
#include "json.h"

#include <inttypes.h>

void json_init(struct json *j, FILE *out)
{
	j->out = out;
	j->need_comma = 0;
}

static void sep(struct json *j)
{
	if (j->need_comma)
		fputc(',', j->out);
	j->need_comma = 1;
}

void json_obj_begin(struct json *j)
{
	sep(j);
	fputc('{', j->out);
	j->need_comma = 0;
}

void json_obj_end(struct json *j)
{
	fputc('}', j->out);
	j->need_comma = 1;
}

void json_arr_begin(struct json *j)
{
	sep(j);
	fputc('[', j->out);
	j->need_comma = 0;
}

void json_arr_end(struct json *j)
{
	fputc(']', j->out);
	j->need_comma = 1;
}

void json_key(struct json *j, const char *key)
{
	json_str(j, key);
	fputc(':', j->out);
	j->need_comma = 0;
}

/* @n bytes of @s as a JSON string; @to_nul: stop at the first NUL (a C
 * string), else escape NULs as \u0000 like any control byte. */
static void str_bytes(struct json *j, const char *s, size_t n, int to_nul)
{
	sep(j);
	fputc('"', j->out);
	for (size_t i = 0; i < n && (s[i] || !to_nul); i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(j->out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(j->out, "\\u%04x", c);
		else
			fputc(c, j->out);
	}
	fputc('"', j->out);
}

void json_strn(struct json *j, const char *s, size_t n)
{
	str_bytes(j, s, n, 1);
}

void json_bytes(struct json *j, const char *s, size_t n)
{
	str_bytes(j, s, n, 0);
}

void json_str(struct json *j, const char *s)
{
	json_strn(j, s, (size_t)-1);
}

void json_u64(struct json *j, uint64_t v)
{
	sep(j);
	fprintf(j->out, "%" PRIu64, v);
}

void json_i64(struct json *j, int64_t v)
{
	sep(j);
	fprintf(j->out, "%" PRId64, v);
}

void json_bool(struct json *j, int v)
{
	sep(j);
	fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j)
{
	sep(j);
	fputs("null", j->out);
}

void json_kstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s)
		json_str(j, s);
	else
		json_null(j);
}

void json_ku64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_kbool(struct json *j, const char *key, int v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_double(struct json *j, double v)
{
	sep(j);
	fprintf(j->out, "%.6f", v);
}
