/*
 * loader/cli.c - option parsing. Only syntax is checked here; whether a
 * program or map of that name exists is decided once the object is read.
 * The one exception is --pid, whose process must exist (/proc/PID): a
 * wrong pid is a usage error, and better said before anything is loaded.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach/attach.h"
#include "elf/names.h"

/* --attach's line of --help: every usage of attach.c's table, wrapped
 * under the option's text. */
static void attach_types_usage(FILE *out)
{
	const char *lead = "  --attach TYPE:TARGET  attach (repeatable):";
	int col = fprintf(out, "%s", lead);

	for (int i = 0; i < AH_COUNT; i++) {
		const char *u = attach_how_usage((enum attach_how)i);

		if (col + 1 + (int)strlen(u) > 80)
			col = fprintf(out, "\n%24s%s", "", u) - 1;	/* the \n */
		else
			col += fprintf(out, " %s", u);
	}
	fprintf(out, "\n%24s(PROG: a loaded BPF program, pinned or its id)\n", "");
}

void cli_usage(FILE *out)
{
	fputs(
"usage: rawload OBJ [options]          load OBJ, attach, print events until Ctrl-C\n"
"       rawload inspect OBJ [--json]   show what OBJ holds, without loading\n"
"       rawload core OBJ [--btf FILE]  resolve OBJ's CO-RE relocations, no load\n"
"       rawload plan OBJ [--btf FILE]  what a load would do, up to the first syscall\n"
"       rawload --help | --version | --list-attach-types\n"
"\n"
"options:\n",
		out);
	attach_types_usage(out);
	fputs(
"  --prog NAME           load and attach only the named programs (repeatable);\n"
"                        an --attach right after a --prog applies to it\n"
"  --no-attach           load only\n"
"  --set VAR=VALUE       set a global variable (e.g. const volatile) before load\n"
"  --resize MAP=N        set a map's max_entries before it is created\n"
"  --value-size MAP=N    set a map's value_size, as a stack-trace tool's loader\n"
"                        does (bpf_map__set_value_size)\n"
"  --format MAP=TYPE     print MAP's ring/perf buffer records as BTF TYPE\n"
"                        (e.g. --format events='struct event'); default hex\n"
"  --types FILE          more BTF for --format's TYPE (repeatable): a BPF object\n"
"                        or raw BTF: a tool's header, compiled with BTF\n"
"  --pin DIR             pin maps at DIR/maps/NAME, programs at DIR/progs/NAME\n"
"  --duration SECONDS    detach and exit after this long\n"
"  --pid PID             uprobe, uretprobe, uprobe.multi, uretprobe.multi and usdt\n"
"                        attaches fire in process PID only (kprobes and other\n"
"                        kernel hooks still see every process)\n"
"  --run NAME            run program NAME with BPF_PROG_TEST_RUN after the attach\n"
"                        (repeatable); rawload exits after the runs if nothing\n"
"                        else is attached and no --duration is given\n"
"  --data FILE           packet for the --run before it ('-': stdin; default a\n"
"                        60-byte IPv4 UDP packet for XDP, tc, socket, ...)\n"
"  --ctx FILE            context for the --run before it: a syscall program's\n"
"                        argument struct, a struct __sk_buff, an xdp_md\n"
"  --repeat N            run it N times in the kernel, report the average time\n"
"  --dump-maps [NAMES]   print every map's contents at exit, or only NAMES (a,b)\n"
"  --hist MAP[.FIELD][=LABEL]\n"
"                        print MAP's log2 histograms (an array of counts, or its\n"
"                        member FIELD) as bcc's tools do, per key, at exit\n"
"  --interval SECONDS    and every SECONDS (--hist)\n"
"  --json                machine-readable output\n"
"  --explain             print every syscall rawload makes, decoded, with its purpose\n"
"  --btf FILE            target BTF for CO-RE instead of the running kernel's\n"
"  -v                    the verifier log and loader details\n"
"\n"
"exit status: 0 done; 1 the kernel refused (verifier, attach); 2 bad usage or object\n",
		out);
}

static int parse_kv(const char *opt, const char *arg, struct cli_kv *kv,
		    struct errbuf *eb)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return err_set(eb, -EINVAL, "%s '%s': expected NAME=VALUE", opt, arg);
	kv->key = strndup(arg, (size_t)(eq - arg));
	kv->value = eq + 1;
	return kv->key ? 0 : -ENOMEM;
}

/* A target reaches file paths, tracefs and the kernel: no control bytes
 * anywhere (a newline would start a second tracefs command), and a
 * tracepoint's CATEGORY:NAME must be two directories of tracefs's events/,
 * not a way out of it. */
static int check_attach_target(const struct cli_attach *a, struct errbuf *eb)
{
	char q[300], part[128];
	const char *sep;
	long at;

	for (const char *c = a->at.target; *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f)
			return err_set(eb, -EINVAL, "--attach '%s': byte %ld of the target "
				       "is the control character 0x%02x", name_quote(a->spec, q,
				       sizeof(q)), (long)(c - a->at.target), (unsigned char)*c);
	if (a->at.how != AH_TRACEPOINT || !(sep = strpbrk(a->at.target, ":/")))
		return 0;
	snprintf(part, sizeof(part), "%.*s", (int)(sep - a->at.target), a->at.target);
	if ((at = name_bad_byte(part, NAME_TRACEFS)) >= 0 ||
	    (at = name_bad_byte(sep + 1, NAME_TRACEFS)) >= 0)
		return err_set(eb, -EINVAL, "--attach '%s': the tracepoint's category and name "
			       "may hold only %s", a->spec, name_rule_str(NAME_TRACEFS));
	return 0;
}

static int parse_attach(const char *arg, int prog, struct cli_attach *a,
			struct errbuf *eb)
{
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
	enum attach_how how = attach_how_find(arg, n);
	const char *target;
	char known[600];
	size_t len = 0;
	int err;

	if (how == AH_NONE) {
		known[0] = '\0';
		for (int i = 0; i < AH_COUNT && len < sizeof(known); i++)
			len += (size_t)snprintf(known + len, sizeof(known) - len, "%s%s",
						i ? ", " : "", attach_how_name((enum attach_how)i));
		return err_set(eb, -EINVAL, "--attach '%s': unknown type '%.*s' (%s)", arg,
			       (int)n, arg, known);
	}
	a->spec = arg;
	target = colon && colon[1] ? colon + 1 : attach_default_target(how);
	if (!target)
		return err_set(eb, -EINVAL, "--attach '%s': expected TYPE:TARGET, e.g. "
			       "kprobe:bprm_execve", arg);
	a->prog = prog;
	/* control bytes first: the parsers quote TARGET in their messages */
	a->at.how = how;
	a->at.target = target;
	if ((err = check_attach_target(a, eb)))
		return err;
	/* the parsers' messages name TYPE:TARGET themselves */
	return attach_spec_parse(how, target, &a->at, eb);
}

/* The value of option argv[*i] ("--pin DIR" or "--pin=DIR"). */
static const char *optarg_of(int argc, char **argv, int *i, const char *name,
			     struct errbuf *eb)
{
	size_t n = strlen(name);

	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 >= argc) {
		err_set(eb, -EINVAL, "%s needs a value", name);
		return NULL;
	}
	return argv[++*i];
}

static int is_opt(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

static int add_checked(size_t *n, const char *what, struct errbuf *eb)
{
	if (*n >= CLI_MAX)
		return err_set(eb, -E2BIG, "more than %d %s options", CLI_MAX, what);
	return 0;
}

/* The run --data/--ctx/--repeat apply to: the last --run, or every run
 * when no --run came yet. */
static struct cli_run *current_run(struct cli *c)
{
	return c->nruns ? &c->runs[c->nruns - 1] : &c->run_all;
}

static int parse_repeat(const char *v, uint32_t *out, struct errbuf *eb)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (*end || end == v || errno || n == 0 || n > UINT32_MAX || *v == '-')
		return err_set(eb, -EINVAL, "--repeat '%s': expected a count from 1 to "
			       "4294967295", v);
	*out = (uint32_t)n;
	return 0;
}

/* --run options: NAME, and the inputs of the run before them. */
static int parse_run_option(int argc, char **argv, int *i, struct cli *c,
			    struct errbuf *eb)
{
	const char *a = argv[*i], *v;
	int err;

	if (is_opt(a, "--run")) {
		if (!(v = optarg_of(argc, argv, i, "--run", eb)))
			return -EINVAL;
		if ((err = add_checked(&c->nruns, "--run", eb)))
			return err;
		c->runs[c->nruns++].prog = v;
	} else if (is_opt(a, "--data")) {
		if (!(current_run(c)->data = optarg_of(argc, argv, i, "--data", eb)))
			return -EINVAL;
	} else if (is_opt(a, "--ctx")) {
		if (!(current_run(c)->ctx = optarg_of(argc, argv, i, "--ctx", eb)))
			return -EINVAL;
	} else {
		if (!(v = optarg_of(argc, argv, i, "--repeat", eb)))
			return -EINVAL;
		return parse_repeat(v, &current_run(c)->repeat, eb);
	}
	return 0;
}

/* Inputs given before any --run go to every run they fit (the program
 * types are known only once the object is read: loader/run_option.c), and
 * need a run to go to. */
static int finish_runs(const struct cli *c, struct errbuf *eb)
{
	const struct cli_run *d = &c->run_all;

	if (!c->nruns && (d->data || d->ctx || d->repeat))
		return err_set(eb, -EINVAL, "%s needs a --run NAME: it is an input of a run",
			       d->data ? "--data" : d->ctx ? "--ctx" : "--repeat");
	return 0;
}

/* --pid PID: a positive number whose /proc/PID exists. Only the process
 * filter of uprobes takes it (attach/attach.c, attach_takes_pid); the
 * kernel checks it again when the probe is made (ESRCH if it is gone). */
static int parse_pid(const char *v, int *out, struct errbuf *eb)
{
	char path[64], *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (*end || end == v || errno || n == 0 || n > INT_MAX || *v == '-')
		return err_set(eb, -EINVAL, "--pid '%s': expected a process id (a positive "
			       "number)", v);
	snprintf(path, sizeof(path), "/proc/%lu", n);
	if (access(path, F_OK))
		return err_set(eb, -ESRCH, "--pid %lu: no such process: %s: %s; see "
			       "pgrep NAME or ps -e for the running ones", n, path,
			       err_str(-errno));
	*out = (int)n;
	return 0;
}

/* ---- the options, one table ----------------------------------------- */

/* Options without a value: a flag of struct cli, or the command to run. */
static const struct {
	const char *name, *alias;
	size_t flag;		/* offsetof the int it sets to 1, or 0 */
	int cmd;		/* else the command it selects */
} flag_opts[] = {
	{ "--no-attach", NULL, offsetof(struct cli, no_attach), 0 },
	{ "--json", NULL, offsetof(struct cli, json), 0 },
	{ "--explain", NULL, offsetof(struct cli, explain), 0 },
	{ "--verbose", "-v", offsetof(struct cli, verbose), 0 },
	{ "--help", "-h", 0, CMD_HELP },
	{ "--version", NULL, 0, CMD_VERSION },
	{ "--list-attach-types", NULL, 0, CMD_ATTACH_TYPES },
};

/* Options with a value @v; @after_prog: the option before was --prog. */
static int opt_prog(struct cli *c, const char *v, int after_prog, struct errbuf *eb)
{
	int err = add_checked(&c->nprogs, "--prog", eb);

	(void)after_prog;
	if (err)
		return err;
	c->progs[c->nprogs++] = v;
	c->after_prog = 1;
	return 0;
}

static int opt_attach(struct cli *c, const char *v, int after_prog, struct errbuf *eb)
{
	int err = add_checked(&c->nattaches, "--attach", eb);

	/* An --attach right after a --prog belongs to that program. */
	if (!err)
		err = parse_attach(v, after_prog ? (int)c->nprogs - 1 : -1,
				   &c->attaches[c->nattaches], eb);
	c->nattaches += !err;
	return err;
}

/* NAME=VALUE into the next of @kv (*@n used), as option @opt. */
static int add_kv(const char *opt, const char *v, struct cli_kv *kv, size_t *n,
		  struct errbuf *eb)
{
	int err = add_checked(n, opt, eb);

	if (!err && !(err = parse_kv(opt, v, &kv[*n], eb)))
		(*n)++;
	return err;
}

static int opt_set(struct cli *c, const char *v, int after_prog, struct errbuf *eb)
{
	(void)after_prog;
	return add_kv("--set", v, c->sets, &c->nsets, eb);
}

static int opt_resize(struct cli *c, const char *v, int after_prog, struct errbuf *eb)
{
	(void)after_prog;
	return add_kv("--resize", v, c->resizes, &c->nresizes, eb);
}

static int opt_format(struct cli *c, const char *v, int after_prog, struct errbuf *eb)
{
	(void)after_prog;
	return add_kv("--format", v, c->formats, &c->nformats, eb);
}

static int opt_types(struct cli *c, const char *v, int after_prog, struct errbuf *eb)
{
	(void)after_prog;
	if (c->ntypes >= CLI_MAX)
		return err_set(eb, -E2BIG, "--types: more than %d files", CLI_MAX);
	c->types[c->ntypes++] = v;
	return 0;
}

static int opt_value_size(struct cli *c, const char *v, int after_prog, struct errbuf *eb)
{
	(void)after_prog;
	return add_kv("--value-size", v, c->value_sizes, &c->nvalue_sizes, eb);
}

static int opt_hist(struct cli *c, const char *v, int after_prog, struct errbuf *eb)
{
	(void)after_prog;
	if (!*v || *v == '.' || *v == '=')
		return err_set(eb, -EINVAL, "--hist '%s': expected MAP[.FIELD][=LABEL]", v);
	if (add_checked(&c->nhists, "--hist", eb))
		return -E2BIG;
	c->hists[c->nhists++] = v;
	return 0;
}

static int opt_interval(struct cli *c, const char *v, int after_prog, struct errbuf *eb)
{
	char *end;

	(void)after_prog;
	c->interval = strtod(v, &end);
	if (*end || end == v || !(c->interval > 0))
		return err_set(eb, -EINVAL, "--interval '%s': expected a positive number of "
			       "seconds", v);
	return 0;
}

static int opt_pin(struct cli *c, const char *v, int after_prog, struct errbuf *eb)
{
	(void)after_prog;
	(void)eb;
	c->pin = v;
	return 0;
}

static int opt_btf(struct cli *c, const char *v, int after_prog, struct errbuf *eb)
{
	(void)after_prog;
	(void)eb;
	c->btf = v;
	return 0;
}

static int opt_pid(struct cli *c, const char *v, int after_prog, struct errbuf *eb)
{
	(void)after_prog;
	if (c->pid)
		return err_set(eb, -EINVAL, "--pid '%s': only one --pid (already %d)", v, c->pid);
	return parse_pid(v, &c->pid, eb);
}

static int opt_duration(struct cli *c, const char *v, int after_prog, struct errbuf *eb)
{
	char *end;

	(void)after_prog;
	c->duration = strtod(v, &end);
	if (*end || end == v || c->duration <= 0)
		return err_set(eb, -EINVAL, "--duration '%s': expected a positive number of "
			       "seconds", v);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct cli *c, const char *v, int after_prog, struct errbuf *eb);
} value_opts[] = {
	{ "--prog", opt_prog },	    { "--attach", opt_attach },
	{ "--set", opt_set },	    { "--resize", opt_resize },
	{ "--format", opt_format }, { "--types", opt_types },
	{ "--value-size", opt_value_size }, { "--hist", opt_hist },
	{ "--interval", opt_interval },
	{ "--pin", opt_pin },
	{ "--btf", opt_btf },	    { "--pid", opt_pid },
	{ "--duration", opt_duration },
};

static int parse_option(int argc, char **argv, int *i, struct cli *c,
			struct errbuf *eb)
{
	const char *a = argv[*i], *v;
	int after_prog = c->after_prog;

	c->after_prog = 0;
	for (size_t k = 0; k < sizeof(flag_opts) / sizeof(flag_opts[0]); k++) {
		if (strcmp(a, flag_opts[k].name) &&
		    (!flag_opts[k].alias || strcmp(a, flag_opts[k].alias)))
			continue;
		if (flag_opts[k].flag)
			*(int *)((char *)c + flag_opts[k].flag) = 1;
		else
			c->cmd = (enum cli_cmd)flag_opts[k].cmd;
		return 0;
	}
	/* --dump-maps alone (every map), --dump-maps=A,B, or --dump-maps A,B
	 * once the object is named (before it, a word is the object) */
	if (is_opt(a, "--dump-maps")) {
		c->dump_maps = 1;
		v = strchr(a, '=') ? strchr(a, '=') + 1 :
		    c->obj && *i + 1 < argc && argv[*i + 1][0] != '-' ? argv[++*i] : NULL;
		if (!v)
			return 0;
		if (!*v)
			return err_set(eb, -EINVAL, "--dump-maps=: expected map names");
		if (add_checked(&c->ndump_only, "--dump-maps NAMES", eb))
			return -E2BIG;
		c->dump_only[c->ndump_only++] = v;
		return 0;
	}
	/* a --run and the inputs that belong to it (cli.h, struct cli_run) */
	if (is_opt(a, "--run") || is_opt(a, "--data") || is_opt(a, "--ctx") ||
	    is_opt(a, "--repeat"))
		return parse_run_option(argc, argv, i, c, eb);
	for (size_t k = 0; k < sizeof(value_opts) / sizeof(value_opts[0]); k++) {
		if (!is_opt(a, value_opts[k].name))
			continue;
		if (!(v = optarg_of(argc, argv, i, value_opts[k].name, eb)))
			return -EINVAL;
		return value_opts[k].fn(c, v, after_prog, eb);
	}
	return err_set(eb, -EINVAL, "unknown option '%s' (see rawload --help)", a);
}

int cli_parse(int argc, char **argv, struct cli *c, struct errbuf *eb)
{
	int first = 1, err;

	memset(c, 0, sizeof(*c));
	c->cmd = CMD_LOAD;
	if (argc > 1 && !strcmp(argv[1], "inspect"))
		c->cmd = CMD_INSPECT, first = 2;
	else if (argc > 1 && !strcmp(argv[1], "core"))
		c->cmd = CMD_CORE, first = 2;
	else if (argc > 1 && !strcmp(argv[1], "plan"))
		c->cmd = CMD_PLAN, first = 2;
	for (int i = first; i < argc; i++) {
		if (argv[i][0] != '-' || !argv[i][1]) {
			if (c->obj)
				return err_set(eb, -EINVAL, "more than one object file ('%s', '%s')",
					       c->obj, argv[i]);
			c->obj = argv[i];
			continue;
		}
		err = parse_option(argc, argv, &i, c, eb);
		if (err)
			return err;
		if (c->cmd == CMD_HELP || c->cmd == CMD_VERSION || c->cmd == CMD_ATTACH_TYPES)
			return 0;
	}
	if (!c->obj)
		return err_set(eb, -EINVAL, "no object file given (see rawload --help)");
	return finish_runs(c, eb);
}

int cli_dump_wants(const struct cli *c, const char *name)
{
	size_t n = strlen(name);

	if (!c->ndump_only)
		return 1;
	for (size_t k = 0; k < c->ndump_only; k++)
		for (const char *p = c->dump_only[k]; *p; p += strcspn(p, ","), p += !!*p)
			if (strcspn(p, ",") == n && !strncmp(p, name, n))
				return 1;
	return 0;
}

void cli_free(struct cli *c)
{
	for (size_t i = 0; i < c->nsets; i++)
		free((char *)c->sets[i].key);
	for (size_t i = 0; i < c->nresizes; i++)
		free((char *)c->resizes[i].key);
	for (size_t i = 0; i < c->nformats; i++)
		free((char *)c->formats[i].key);
	for (size_t i = 0; i < c->nvalue_sizes; i++)
		free((char *)c->value_sizes[i].key);
	c->nsets = c->nresizes = c->nformats = c->nvalue_sizes = 0;
}
