/*
 * show/json.h - a tiny streaming JSON writer for --json output.
 *
 * It tracks only whether a comma is due, so callers write in document
 * order: json_obj_begin, json_key + value, ..., json_obj_end.
 */
#ifndef RAWLOAD_JSON_H
#define RAWLOAD_JSON_H

#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *out;
	int need_comma;	/* a value was written at this level */
};

void json_init(struct json *j, FILE *out);
void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
void json_strn(struct json *j, const char *s, size_t n);
/* All @n bytes, NULs too (as \u0000): text that holds several strings. */
void json_bytes(struct json *j, const char *s, size_t n);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
void json_double(struct json *j, double v);
/* key + value in one call */
void json_kstr(struct json *j, const char *key, const char *s);
void json_ku64(struct json *j, const char *key, uint64_t v);
void json_kbool(struct json *j, const char *key, int v);

#endif
