// SPDX-License-Identifier: GPL-2.0
/*
 * oracle.c - load an object with libbpf and pin what it made (test-only).
 *
 *   oracle [-v] [--pin-root DIR] [--btf FILE] [--prog NAME [--attach-to TYPE:TARGET]]...
 *          [--attach] [--duration S] [--attach-prog PIN] OBJ PINDIR
 *   oracle [options] --no-pin OBJ [PINDIR]
 *
 * The reference side of the "same program as libbpf" comparison
 * (design.md, tests/oracle/). libbpf 1.1 opens and loads OBJ exactly as a
 * libbpf user's skeleton would; nothing is attached. Then every program is
 * pinned at PINDIR/progs/<bpf_program__name> and every map at
 * PINDIR/maps/<bpf_map__name>, each '.' made '_': bpffs allows no dots in
 * names, so "hello.rodata" is pinned as maps/hello_rodata and ".data.custom"
 * as maps/_data_custom, as libbpf's own pinning would name them.
 * tests/oracle/kdump reads them back. rawload's `--no-attach --pin DIR` is
 * meant to produce the same layout, so one kdump serves both sides.
 *
 * PINDIR must lie on a bpf filesystem (/sys/fs/bpf/...), with no '.' in the
 * names to be created there; it and its progs/ and maps/ are created if
 * missing.
 *
 *   -v              libbpf's debug output (the verifier log included) to stderr
 *   --prog NAME     load only the named programs (repeatable): the others get
 *                   bpf_program__set_autoload(false), as rawload's --prog
 *   --pin-root DIR  where LIBBPF_PIN_BY_NAME maps are pinned and reused
 *                   (bpf_object_open_opts.pin_root_path; default /sys/fs/bpf)
 *   --btf FILE      CO-RE relocations against FILE instead of the running
 *                   kernel's BTF (bpf_object_open_opts.btf_custom_path), as
 *                   rawload's --btf
 *   --no-pin        pin nothing under PINDIR (which may then be left out);
 *                   LIBBPF_PIN_BY_NAME maps are still pinned by libbpf itself.
 *                   scripts/strace-compare uses it: rawload without --pin
 *                   makes no BPF_OBJ_PIN calls either.
 *   --attach        after the load, attach as rawload does by default: every
 *                   loaded program whose section names a target
 *                   (tracepoint/CAT/NAME, raw_tp/NAME, tp_btf/NAME, ...) goes
 *                   through bpf_program__attach(); programs whose section has
 *                   no target (SEC("tracepoint"), SEC("xdp"), ...) are left
 *                   loaded, as libbpf's skeleton attach leaves them.
 *   --attach-to TYPE:TARGET
 *                   (implies --attach) rawload's explicit --attach, for the
 *                   types the comparison needs: tracepoint:CATEGORY:NAME and
 *                   raw_tp:NAME. Right after a --prog it applies to that
 *                   program; before any --prog, to every loaded program of the
 *                   fitting type (TRACEPOINT, RAW_TRACEPOINT). Those programs
 *                   attach there instead of at their section's target.
 *   --duration S    with --attach: hold the links for S seconds (default 0),
 *                   then detach (bpf_link__destroy) and exit.
 *   --attach-prog PIN
 *                   the loaded program (pinned at PIN) whose function every
 *                   freplace program replaces and every fentry/fexit program
 *                   traces: bpf_program__set_attach_target with the function
 *                   of its section, as rawload's --attach freplace:PIN,
 *                   fentry:PIN, fexit:PIN (only the load is compared).
 *
 * Pinning goes through bpf_obj_pin() on each fd rather than bpf_map__pin():
 * a PIN_BY_NAME map already carries libbpf's own pin path, and
 * bpf_map__pin() refuses a second, different one.
 *
 * Exit status: 0 loaded and pinned, silent; 1 libbpf or the kernel refused
 * (libbpf's messages, then one line of ours, on stderr); 2 bad usage.
 * libbpf is allowed here only because this is test code: rawload itself
 * never links it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define EXIT_REFUSED 1
#define EXIT_USAGE 2

/* The command line, parsed. */
struct options {
	const char *obj_path;	/* OBJ */
	const char *pin_dir;	/* PINDIR */
	const char *pin_root;	/* --pin-root, or NULL for libbpf's default */
	const char *btf;	/* --btf, or NULL: the running kernel's */
	const char **progs;	/* --prog names, in order; NULL if none */
	int nr_progs;		/* entries in progs */
	bool verbose;		/* -v */
	bool no_pin;		/* --no-pin */
	bool attach;		/* --attach, or implied by --attach-to */
	double duration;	/* --duration, seconds */
	const char *attach_prog; /* --attach-prog PIN, or NULL */
	struct attach_spec *specs; /* --attach-to, in order */
	int nr_specs;
};

/* One --attach-to: TYPE:TARGET for program @prog (an index into
 * options.progs), or for every program of the type when @prog is -1. */
struct attach_spec {
	const char *spec;	/* as given, for messages */
	bool raw_tp;		/* raw_tp:NAME, else tracepoint:CATEGORY:NAME */
	char category[256];	/* tracepoint only */
	char name[256];
	int prog;
};

static bool verbose;

/* libbpf's messages: warnings always (they carry the verifier log on a
 * refusal), info and debug only with -v, so a success prints nothing. */
static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level != LIBBPF_WARN && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: oracle [-v] [--pin-root DIR] [--btf FILE] [--prog NAME [--attach-to TYPE:TARGET]]...\n"
		"              [--attach] [--duration S] [--no-pin] [--attach-prog PIN]\n"
		"              OBJ PINDIR\n"
		"  loads OBJ with libbpf, pins programs at PINDIR/progs/NAME and\n"
		"  maps at PINDIR/maps/NAME (not with --no-pin; PINDIR may then be\n"
		"  left out); with --attach, attaches programs whose section names a\n"
		"  target, holds them --duration S seconds, then detaches.\n"
		"  --attach-to tracepoint:CATEGORY:NAME | raw_tp:NAME\n");
}

/* Parse TYPE:TARGET of --attach-to into @s. Returns 0 or EXIT_USAGE. */
static int parse_spec(const char *arg, struct attach_spec *s)
{
	const char *t;

	s->spec = arg;
	if (!strncmp(arg, "raw_tp:", 7)) {
		s->raw_tp = true;
		t = arg + 7;
		if (*t && strlen(t) < sizeof(s->name)) {
			strcpy(s->name, t);
			return 0;
		}
	} else if (!strncmp(arg, "tracepoint:", 11)) {
		const char *colon;

		t = arg + 11;
		colon = strchr(t, ':');
		if (colon && colon > t && colon[1] &&
		    (size_t)(colon - t) < sizeof(s->category) &&
		    strlen(colon + 1) < sizeof(s->name)) {
			memcpy(s->category, t, colon - t);
			s->category[colon - t] = '\0';
			strcpy(s->name, colon + 1);
			return 0;
		}
	}
	fprintf(stderr, "oracle: --attach-to '%s': expected tracepoint:CATEGORY:NAME "
		"or raw_tp:NAME\n", arg);
	return EXIT_USAGE;
}

/* Returns 0, or EXIT_USAGE after printing why. */
static int parse_args(int argc, char **argv, struct options *o)
{
	const char *pos[2];
	int nr_pos = 0;

	o->progs = calloc(argc, sizeof(*o->progs));
	o->specs = calloc(argc, sizeof(*o->specs));
	if (!o->progs || !o->specs)
		return EXIT_USAGE;
	/* the --prog an --attach-to right after it applies to, else -1 */
	int bind = -1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--prog") && i + 1 < argc) {
			o->progs[o->nr_progs++] = argv[++i];
			bind = o->nr_progs - 1;
			continue;
		}
		if (strcmp(a, "--attach-to"))
			bind = -1;
		if (!strcmp(a, "-v")) {
			o->verbose = true;
		} else if (!strcmp(a, "--pin-root") && i + 1 < argc) {
			o->pin_root = argv[++i];
		} else if (!strcmp(a, "--btf") && i + 1 < argc) {
			o->btf = argv[++i];
		} else if (!strcmp(a, "--attach-prog") && i + 1 < argc) {
			o->attach_prog = argv[++i];
		} else if (!strcmp(a, "--no-pin")) {
			o->no_pin = true;
		} else if (!strcmp(a, "--attach")) {
			o->attach = true;
		} else if (!strcmp(a, "--attach-to") && i + 1 < argc) {
			struct attach_spec *s = &o->specs[o->nr_specs++];

			if (parse_spec(argv[++i], s))
				return EXIT_USAGE;
			s->prog = bind;
			o->attach = true;
			continue;	/* a following --attach-to binds the same */
		} else if (!strcmp(a, "--duration") && i + 1 < argc) {
			char *end;

			o->duration = strtod(argv[++i], &end);
			if (*end || o->duration < 0) {
				fprintf(stderr, "oracle: --duration '%s': not a number of seconds\n",
					argv[i]);
				return EXIT_USAGE;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "oracle: unknown or incomplete option '%s'\n", a);
			usage();
			return EXIT_USAGE;
		} else if (nr_pos < 2) {
			pos[nr_pos++] = a;
		} else {
			usage();
			return EXIT_USAGE;
		}
	}
	if (nr_pos != 2 && !(o->no_pin && nr_pos == 1)) {
		usage();
		return EXIT_USAGE;
	}
	o->obj_path = pos[0];
	o->pin_dir = nr_pos == 2 ? pos[1] : NULL;
	return 0;
}

/* mkdir -p: every missing component of @path. Returns 0 or -errno. */
static int make_dir(const char *path)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		if (!c)
			return 0;
		*p = c;
	}
}

static bool name_listed(const struct options *o, const char *name)
{
	for (int i = 0; i < o->nr_progs; i++)
		if (!strcmp(o->progs[i], name))
			return true;
	return false;
}

/*
 * Apply --prog: autoload only the named programs. Every name must match a
 * program; returns 0 or EXIT_USAGE after printing the unknown name.
 */
static int select_progs(struct bpf_object *obj, const struct options *o)
{
	struct bpf_program *prog;

	if (!o->nr_progs)
		return 0;
	for (int i = 0; i < o->nr_progs; i++) {
		if (!bpf_object__find_program_by_name(obj, o->progs[i])) {
			fprintf(stderr, "oracle: %s: no program '%s'\n",
				o->obj_path, o->progs[i]);
			return EXIT_USAGE;
		}
	}
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, name_listed(o, bpf_program__name(prog)));
	return 0;
}

/* --attach-prog: every extension and tracing program gets the pinned
 * program as its target, the function being its section's (NULL: libbpf
 * takes it from the section name). Returns 0 or EXIT_REFUSED after
 * printing why. */
static int set_attach_prog(struct bpf_object *obj, const char *pin)
{
	struct bpf_program *prog;
	int fd = bpf_obj_get(pin);

	if (fd < 0) {
		fprintf(stderr, "oracle: --attach-prog %s: %s\n", pin, strerror(errno));
		return EXIT_REFUSED;
	}
	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__type(prog) != BPF_PROG_TYPE_EXT &&
		    bpf_program__type(prog) != BPF_PROG_TYPE_TRACING)
			continue;
		if (bpf_program__set_attach_target(prog, fd, NULL)) {
			fprintf(stderr, "oracle: %s: bpf_program__set_attach_target: %s\n",
				bpf_program__name(prog), strerror(errno));
			return EXIT_REFUSED;
		}
	}
	return 0;	/* fd stays open: the load needs it; exit closes it */
}

/*
 * Pin @fd at DIR/SUB/NAME, with every '.' in NAME made '_': bpffs refuses
 * names with a dot (EPERM from bpf_lookup(), kernel/bpf/inode.c: "reserved
 * for future use"), and libbpf's sanitize_pin_path() makes the same
 * substitution when it pins "hello.rodata" as "hello_rodata".
 * Returns 0 or -errno after printing the path.
 */
static int pin_fd(int fd, const char *dir, const char *sub, const char *name)
{
	char path[4096];
	size_t base;
	int err;

	base = strlen(dir) + strlen(sub) + 2;
	if (snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name) >=
	    (int)sizeof(path)) {
		fprintf(stderr, "oracle: pin path for '%s' is too long\n", name);
		return -ENAMETOOLONG;
	}
	for (char *p = path + base; *p; p++)
		if (*p == '.')
			*p = '_';
	err = bpf_obj_pin(fd, path);
	if (err) {
		err = -errno;
		fprintf(stderr, "oracle: BPF_OBJ_PIN %s: %s%s\n", path, strerror(-err),
			err == -EPERM ? "; PINDIR must be on a bpf filesystem, e.g. "
			"under /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf)" : "");
	}
	return err;
}

/*
 * Pin every loaded program and every created map. Programs with autoload
 * off and maps libbpf did not create have no fd and are skipped.
 * Returns 0 or -errno (printed).
 */
static int pin_all(struct bpf_object *obj, const char *dir)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	char sub[4096];
	int err;

	err = make_dir(dir);
	for (int i = 0; !err && i < 2; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, i ? "maps" : "progs");
		err = make_dir(sub);
	}
	if (err) {
		fprintf(stderr, "oracle: mkdir under %s: %s%s\n", dir, strerror(-err),
			err == -EPERM ? "; PINDIR must be on a bpf filesystem and its "
			"names may not contain '.'" : "");
		return err;
	}
	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__fd(prog) < 0)
			continue;
		err = pin_fd(bpf_program__fd(prog), dir, "progs", bpf_program__name(prog));
		if (err)
			return err;
	}
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__fd(map) < 0)
			continue;
		err = pin_fd(bpf_map__fd(map), dir, "maps", bpf_map__name(map));
		if (err)
			return err;
	}
	return 0;
}

/* Does --attach-to @s apply to @prog? */
static bool spec_fits(const struct options *o, const struct attach_spec *s,
		      const struct bpf_program *prog)
{
	enum bpf_prog_type t = bpf_program__type(prog);

	if (s->prog >= 0)
		return !strcmp(o->progs[s->prog], bpf_program__name(prog));
	return s->raw_tp ? t == BPF_PROG_TYPE_RAW_TRACEPOINT : t == BPF_PROG_TYPE_TRACEPOINT;
}

/*
 * --attach: attach every loaded program, either where --attach-to says or
 * at its section's target. The links go into @links (one slot per
 * attachment, room for nr_progs * (nr_specs + 1)); *@nr counts them.
 * A program whose section has no target (EOPNOTSUPP from
 * bpf_program__attach) is skipped, as rawload skips it.
 * Returns 0 or EXIT_REFUSED after printing what failed.
 */
static int attach_all(struct bpf_object *obj, const struct options *o,
		      struct bpf_link **links, int *nr)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj) {
		const char *name = bpf_program__name(prog);
		bool explicit = false;
		struct bpf_link *link;

		if (bpf_program__fd(prog) < 0)
			continue;
		for (int i = 0; i < o->nr_specs; i++) {
			const struct attach_spec *s = &o->specs[i];

			if (!spec_fits(o, s, prog))
				continue;
			explicit = true;
			link = s->raw_tp ? bpf_program__attach_raw_tracepoint(prog, s->name)
					 : bpf_program__attach_tracepoint(prog, s->category, s->name);
			if (!link) {
				fprintf(stderr, "oracle: attach '%s' to %s: %s\n",
					name, s->spec, strerror(errno));
				return EXIT_REFUSED;
			}
			links[(*nr)++] = link;
		}
		if (explicit)
			continue;
		link = bpf_program__attach(prog);
		if (!link && errno == EOPNOTSUPP) {
			if (verbose)
				fprintf(stderr, "oracle: '%s' has no target in its section; "
					"loaded, not attached\n", name);
			continue;
		}
		if (!link) {
			fprintf(stderr, "oracle: attach '%s' (section '%s'): %s\n", name,
				bpf_program__section_name(prog), strerror(errno));
			return EXIT_REFUSED;
		}
		links[(*nr)++] = link;
	}
	return 0;
}

/* Sleep @secs seconds, through signals that interrupt it. */
static void hold(double secs)
{
	struct timespec ts = { (time_t)secs, (long)((secs - (time_t)secs) * 1e9) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct bpf_object *obj = NULL;
	struct bpf_link **links = NULL;
	int ret, err, nr_links = 0;

	ret = parse_args(argc, argv, &o);
	if (ret)
		goto out;
	verbose = o.verbose;
	libbpf_set_print(print_libbpf);

	open_opts.pin_root_path = o.pin_root;
	open_opts.btf_custom_path = o.btf;
	obj = bpf_object__open_file(o.obj_path, &open_opts);
	if (!obj) {
		fprintf(stderr, "oracle: %s: bpf_object__open_file: %s\n",
			o.obj_path, strerror(errno));
		ret = EXIT_USAGE;
		goto out;
	}
	ret = select_progs(obj, &o);
	if (ret)
		goto out;
	if (o.attach_prog && (ret = set_attach_prog(obj, o.attach_prog)))
		goto out;
	/* libbpf creates only the last directory of a PIN_BY_NAME path. */
	if (o.pin_root && (err = make_dir(o.pin_root))) {
		fprintf(stderr, "oracle: mkdir %s: %s\n", o.pin_root, strerror(-err));
		ret = EXIT_REFUSED;
		goto out;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "oracle: %s: bpf_object__load: %s\n",
			o.obj_path, strerror(-err));
		ret = EXIT_REFUSED;
		goto out;
	}
	if (!o.no_pin && pin_all(obj, o.pin_dir)) {
		ret = EXIT_REFUSED;
		goto out;
	}
	if (verbose)
		fprintf(stderr, "oracle: %s: loaded%s%s\n", o.obj_path,
			o.no_pin ? "" : " and pinned under ", o.no_pin ? "" : o.pin_dir);
	if (o.attach) {
		struct bpf_program *prog;
		int n = 0;

		bpf_object__for_each_program(prog, obj)
			n++;
		links = calloc((size_t)n * (o.nr_specs + 1) + 1, sizeof(*links));
		if (!links) {
			ret = EXIT_REFUSED;
			goto out;
		}
		ret = attach_all(obj, &o, links, &nr_links);
		if (!ret)
			hold(o.duration);
	}
out:
	for (int i = 0; i < nr_links; i++)
		bpf_link__destroy(links[i]);
	free(links);
	bpf_object__close(obj);
	free(o.progs);
	free(o.specs);
	return ret;
}
