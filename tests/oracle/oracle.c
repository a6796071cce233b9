// SPDX-License-Identifier: GPL-2.0
/*
 * oracle.c - load an object with libbpf and pin what it made (test-only).
 *
 *   oracle [-v] [--pin-root DIR] [--prog NAME]... OBJ PINDIR
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

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define EXIT_REFUSED 1
#define EXIT_USAGE 2

/* The command line, parsed. */
struct options {
	const char *obj_path;	/* OBJ */
	const char *pin_dir;	/* PINDIR */
	const char *pin_root;	/* --pin-root, or NULL for libbpf's default */
	const char **progs;	/* --prog names, in order; NULL if none */
	int nr_progs;		/* entries in progs */
	bool verbose;		/* -v */
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
		"usage: oracle [-v] [--pin-root DIR] [--prog NAME]... OBJ PINDIR\n"
		"  loads OBJ with libbpf, pins programs at PINDIR/progs/NAME and\n"
		"  maps at PINDIR/maps/NAME; attaches nothing\n");
}

/* Returns 0, or EXIT_USAGE after printing why. */
static int parse_args(int argc, char **argv, struct options *o)
{
	const char *pos[2];
	int nr_pos = 0;

	o->progs = calloc(argc, sizeof(*o->progs));
	if (!o->progs)
		return EXIT_USAGE;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-v")) {
			o->verbose = true;
		} else if (!strcmp(a, "--prog") && i + 1 < argc) {
			o->progs[o->nr_progs++] = argv[++i];
		} else if (!strcmp(a, "--pin-root") && i + 1 < argc) {
			o->pin_root = argv[++i];
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
	if (nr_pos != 2) {
		usage();
		return EXIT_USAGE;
	}
	o->obj_path = pos[0];
	o->pin_dir = pos[1];
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

int main(int argc, char **argv)
{
	struct options o = { 0 };
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct bpf_object *obj = NULL;
	int ret, err;

	ret = parse_args(argc, argv, &o);
	if (ret)
		goto out;
	verbose = o.verbose;
	libbpf_set_print(print_libbpf);

	open_opts.pin_root_path = o.pin_root;
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
	if (pin_all(obj, o.pin_dir)) {
		ret = EXIT_REFUSED;
		goto out;
	}
	if (verbose)
		fprintf(stderr, "oracle: %s: loaded and pinned under %s\n",
			o.obj_path, o.pin_dir);
out:
	bpf_object__close(obj);
	free(o.progs);
	return ret;
}
