/*
 * loader/plan_internal.h - shared between plan.c (the driver, maps and
 * programs) and plan_attach.c (the attach plan) only.
 */
#ifndef RAWLOAD_PLAN_INTERNAL_H
#define RAWLOAD_PLAN_INTERNAL_H

#include "load_internal.h"
#include "plan.h"

struct json;

struct plan {
	struct load l;		  /* the load's own state after its pre-kernel steps */
	struct json *j;		  /* --json writer, or NULL for text */
};

/* Print (text or JSON "attach" array) where each selected program of
 * @pl would be attached, or why it would not be. */
void plan_attach(const struct plan *pl);

#endif
