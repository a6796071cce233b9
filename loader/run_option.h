/*
 * loader/run_option.h - --run NAME: a loaded program run on demand with
 * BPF_PROG_TEST_RUN (bpf/testrun.c), after the attach step, instead of
 * waiting for an event to run it.
 */
#ifndef RAWLOAD_RUN_OPTION_H
#define RAWLOAD_RUN_OPTION_H

#include <stddef.h>

struct load;

/* In step_options, before any kernel call: find each --run's program
 * (and select it for the load, as --prog would), read its --data and
 * --ctx files (or build the default packet), and check the inputs fit the
 * program's type. 0, or -errno with l->eb set: a usage error. */
int run_option_prepare(struct load *l);

/* In step_run: each --run in the order given, its result printed (a line
 * on stdout, or a JSON object per run with --json). Stops at the first
 * refusal: -errno with l->eb naming the program, the call and a hint. */
int run_option_all(struct load *l);

/* 1 if program @prog is run by a --run: it needs no attach target, so
 * step_attach does not call it "loaded but not attached". */
int run_option_wanted(const struct load *l, size_t prog);

/* Free what run_option_prepare read; safe on a load that never got there. */
void run_option_free(struct load *l);

#endif
