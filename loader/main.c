/*
 * loader/main.c - rawload's entry: argv to steps, and the exit status.
 *
 * This is the only place that chooses the exit status (design.md):
 *   0  done
 *   1  the kernel refused (verifier, map creation, attach)
 *   2  bad usage or a bad object file
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "cli.h"
#include "host/mounts.h"
#include "show/explain.h"
#include "elf/object.h"
#include "core_cmd.h"
#include "inspect.h"
#include "load.h"
#include "plan.h"
#include "wrap.h"

enum { EXIT_DONE = 0, EXIT_KERNEL = 1, EXIT_BAD_INPUT = 2 };

static int cmd_inspect(const struct cli *c)
{
	struct errbuf eb = { "" };
	struct object obj;
	int err;

	err = obj_open(c->obj, &obj, &eb);
	if (err) {
		say_error(c->obj, eb.msg);
		return EXIT_BAD_INPUT;
	}
	if (c->json)
		inspect_json(&obj, stdout);
	else
		inspect_text(&obj, stdout);
	obj_close(&obj);
	return EXIT_DONE;
}

static int run(const struct cli *c)
{
	switch (c->cmd) {
	case CMD_HELP:
		cli_usage(stdout);
		return EXIT_DONE;
	case CMD_VERSION:
		printf("rawload %s\n", RAWLOAD_VERSION);
		return EXIT_DONE;
	case CMD_ATTACH_TYPES:
		/* one per line, TYPE:TARGET as --help shows it: what the shell
		 * completion offers after --attach */
		for (int i = 0; i < AH_COUNT; i++)
			printf("%s\n", attach_how_usage((enum attach_how)i));
		return EXIT_DONE;
	case CMD_INSPECT:
		return cmd_inspect(c);
	case CMD_CORE:
		return core_cmd_run(c);
	case CMD_PLAN:
		return plan_run(c);
	case CMD_LOAD:
		break;
	}
	switch (load_run(c)) {
	case LOAD_OK:
		return EXIT_DONE;
	case LOAD_KERNEL_REFUSED:
		return EXIT_KERNEL;
	default:
		return EXIT_BAD_INPUT;
	}
}

/* host/mounts.c had to mount a file system: a change to the machine that
 * outlives the run, so it is said. */
static void say_mounted(const char *type, const char *dir)
{
	explain_mount(type, dir);
	fprintf(stderr, "rawload: mounted %s at %s\n", type, dir);
}

int main(int argc, char **argv)
{
	struct errbuf eb = { "" };
	struct cli c;
	int status;

	if (cli_parse(argc, argv, &c, &eb)) {
		say_error(NULL, eb.msg);
		cli_free(&c);
		return EXIT_BAD_INPUT;
	}
	if (!c.json)
		mounts_on_mount(say_mounted);
	status = run(&c);
	cli_free(&c);
	return status;
}
