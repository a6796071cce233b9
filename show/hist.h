/*
 * show/hist.h - --hist: a map's log2 histograms, printed as bcc's tools
 * print them (runqlat, biolatency: a value, or a member of it, that is an
 * array of counts, slot i counting values from 2^i to 2^(i+1)-1).
 */
#ifndef RAWLOAD_HIST_H
#define RAWLOAD_HIST_H

#include <stdint.h>
#include <stdio.h>

#include "elf/err.h"
#include "elf/object.h"

/* One --hist MAP[.FIELD][=LABEL], resolved against the object's BTF. */
struct hist_spec {
	int map;		/* index of the map */
	uint32_t off;		/* byte offset of the counts in a value */
	uint32_t elem_size;	/* bytes of one count: 1, 2, 4 or 8 */
	uint32_t nslots;	/* counts in the array */
	int member;		/* the counts' member index in a struct
				   value (its other members are printed
				   with the key), or -1 */
	char label[32];		/* the value's unit, above the ranges:
				   LABEL, else FIELD, else "value" */
};

/*
 * Read @arg ("hists.slots=usecs") against @obj: MAP a map of the object
 * with a BTF value type; FIELD, if given, a member of that struct, else
 * the value itself or its one integer array member; the counts an array
 * of unsigned or signed integers. 0, or -errno with @eb saying what the
 * value holds instead.
 */
int hist_resolve(const struct object *obj, const char *arg, struct hist_spec *h,
		 struct errbuf *eb);

/*
 * Every key of map @m (fd @fd, values @value_size bytes as created; per-CPU
 * values summed) as a histogram: in text, a line naming the key (and the
 * value's other members), then bcc's rows "low -> high : count |****|"
 * up to the last slot with a count; in JSON one line per key
 * {"hist":MAP,"key":..,"unit":..,"buckets":[{"low","high","count"}],...}.
 * @ts >= 0 puts the run's time on each (--interval).
 */
void hist_print(const struct object *obj, const struct obj_map *m, int fd,
		const struct hist_spec *h, int json, double ts, FILE *out);

/* bcc's layout for @n counts: the header row with @label, then a row per
 * slot up to the last non-zero one; nothing when all are zero. */
void hist_log2_rows(FILE *out, const uint64_t *counts, uint32_t n, const char *label);

#endif
