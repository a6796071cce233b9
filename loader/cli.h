/*
 * loader/cli.h - the command line (design.md's contract).
 *
 *   rawload OBJ [options]            load, attach, print events
 *   rawload inspect OBJ [--json]     what the object holds; no kernel call
 *   rawload core OBJ [--btf FILE]    CO-RE relocations resolved, no load
 *   rawload plan OBJ [--btf FILE]    everything up to the first syscall
 */
#ifndef RAWLOAD_CLI_H
#define RAWLOAD_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "attach/attach.h"

#include "elf/err.h"

#define CLI_MAX 64

enum cli_cmd { CMD_LOAD, CMD_INSPECT, CMD_CORE, CMD_PLAN, CMD_HELP, CMD_VERSION,
	       CMD_ATTACH_TYPES };

/* --attach TYPE:TARGET, split at the first ':' and read by TYPE's rules
 * (attach_spec_parse): AH_KPROBE, "do_execve". @prog is the --prog it
 * follows (index into progs[]), or -1 when it applies to every program
 * whose type fits. */
struct cli_attach {
	const char *spec;	/* as given */
	struct attach_spec at;	/* TYPE, TARGET (the rest after ':', which may
				   hold more ':') and its fields */
	int prog;
};

/* --run NAME and the inputs of that run. --data, --ctx and --repeat
 * given after a --run belong to it; given before any --run, they are kept
 * in run_all and go to every run that sets none and whose program type
 * takes them. */
struct cli_run {
	const char *prog;	/* the program to run */
	const char *data;	/* --data FILE ("-": stdin), or NULL: built-in packet */
	const char *ctx;	/* --ctx FILE ("-": stdin), or NULL: no context */
	uint32_t repeat;	/* --repeat N; 0 when not given (one run) */
};

struct cli_kv {
	const char *key;	/* variable or map name */
	const char *value;	/* as given */
};

struct cli {
	enum cli_cmd cmd;
	const char *obj;			/* the object file */
	const char *progs[CLI_MAX];		/* --prog NAME */
	size_t nprogs;
	struct cli_attach attaches[CLI_MAX];	/* --attach */
	size_t nattaches;
	struct cli_kv sets[CLI_MAX];		/* --set VAR=VALUE */
	size_t nsets;
	struct cli_kv resizes[CLI_MAX];		/* --resize MAP=N */
	size_t nresizes;
	struct cli_kv formats[CLI_MAX];		/* --format MAP=TYPE */
	size_t nformats;
	const char *types[CLI_MAX];		/* --types FILE: more BTF for
						   --format's TYPE */
	size_t ntypes;
	struct cli_run runs[CLI_MAX];		/* --run NAME */
	size_t nruns;
	struct cli_run run_all;			/* --data/--ctx/--repeat before any --run */
	const char *dump_only[CLI_MAX];		/* --dump-maps NAME[,NAME...]:
						   only these maps */
	size_t ndump_only;
	struct cli_kv value_sizes[CLI_MAX];	/* --value-size MAP=N */
	size_t nvalue_sizes;
	const char *hists[CLI_MAX];		/* --hist MAP[.FIELD][=LABEL] */
	size_t nhists;
	double interval;			/* --interval S: print --hist every
						   S seconds; 0 = at exit only */
	const char *pin;			/* --pin DIR */
	const char *btf;			/* --btf FILE */
	double duration;			/* --duration S; 0 = until Ctrl-C */
	int pid;				/* --pid PID: uprobe-family attaches
						   in this process only; 0 = every
						   process */
	int no_attach, dump_maps, json, explain, verbose;
	int after_prog;		/* parser state: the last option was --prog */
};

int cli_parse(int argc, char **argv, struct cli *c, struct errbuf *eb);
void cli_usage(FILE *out);
/* Does --dump-maps show map @name (every map when no names were given)? */
int cli_dump_wants(const struct cli *c, const char *name);
/* Free what cli_parse allocated (the NAME parts of NAME=VALUE options). */
void cli_free(struct cli *c);

#endif
