/*
 * loader/load_run.c - the steps after the commit point, once every map
 * and program exists: pin (--pin), attach (each program at its section's
 * target or an --attach), run (print events until Ctrl-C or --duration)
 * and dump the maps (--dump-maps). See load.c for the order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "show/dump.h"
#include "show/json.h"
#include "events.h"
#include "load_internal.h"
#include "host/ksym.h"
#include "host/mounts.h"
#include "run_option.h"
#include "wrap.h"

/* ---- pinning ------------------------------------------------------------ */

/* Remember @path as made by this run (for load_pins_rollback). */
static int made(struct load *l, const char *path)
{
	char **m = realloc(l->made, (l->nmade + 1) * sizeof(*m));

	if (!m)
		return err_set(&l->eb, -ENOMEM, "out of memory");
	l->made = m;
	if (!(m[l->nmade] = strdup(path)))
		return err_set(&l->eb, -ENOMEM, "out of memory");
	l->nmade++;
	return 0;
}

/* mkdir @path unless it is there; a directory made here is remembered. */
static int make_dir(struct load *l, const char *path)
{
	if (mkdir(path, 0700) == 0)
		return made(l, path);
	if (errno != EEXIST)
		return err_set(&l->eb, -errno, "--pin: cannot create '%s': %s", path,
			       err_str(errno));
	return 0;
}

static int pin_one(struct load *l, const char *kind, const char *name, int fd)
{
	char path[4096], why[4200];
	int err;

	snprintf(path, sizeof(path), "%s/%s", l->c->pin, kind);
	if ((err = make_dir(l, path)))
		return err;
	/* bpffs refuses names with a '.', so "hello.rodata" pins as
	 * "hello_rodata" (as the test oracle pins libbpf's maps). */
	snprintf(path, sizeof(path), "%s/%s/", l->c->pin, kind);
	for (const char *c = name; *c && strlen(path) + 1 < sizeof(path); c++)
		path[strlen(path) + 1] = '\0', path[strlen(path)] = *c == '.' ? '_' : *c;
	snprintf(why, sizeof(why), "pin %s so it outlives rawload", path);
	if ((err = obj_pin(fd, path, why, &l->eb)))
		return err;
	return made(l, path);
}

/* A map's pin is named as libbpf's bpf_map__name(): a BTF map by its
 * variable, .data/.rodata/.bss by the name the kernel gets ("hello_bss",
 * the object's name in front), and a custom data section (.data.NAME,
 * .rodata.NAME: a second dot) by the whole section name, which the kernel
 * gets cut to 15 characters (".data.read_mostly" is ".data.read_most"). */
static const char *pin_name(const struct obj_map *m)
{
	if (m->origin != MAP_DATA || strchr(m->name + 1, '.'))
		return m->name;
	return m->kernel_name;
}

void load_pins_rollback(struct load *l, int remove)
{
	while (l->nmade) {
		char *p = l->made[--l->nmade];

		/* a pin is a file, a directory is empty once its pins are gone */
		if (remove && unlink(p) && errno == EISDIR)
			rmdir(p);
		free(p);
	}
	free(l->made);
	l->made = NULL;
}

int step_pin(struct load *l)
{
	const struct object *o = &l->obj;
	int err = 0;

	if (!l->c->pin)
		return 0;
	/* load.c checked the path (on a bpffs, mounted by then) */
	if ((err = make_dir(l, l->c->pin)))
		return err;
	for (size_t i = 0; !err && i < o->nmaps; i++)
		if (l->map_fds[i] >= 0)
			err = pin_one(l, "maps", pin_name(&o->maps[i]), l->map_fds[i]);
	for (size_t i = 0; !err && i < o->nprogs; i++)
		if (l->prog_fds[i] >= 0)
			err = pin_one(l, "progs", o->progs[i].name, l->prog_fds[i]);
	return err;
}

/* ---- attach ------------------------------------------------------------- */

static int attach_one(struct load *l, size_t i, const struct attach_spec *s)
{
	enum attach_how how = s->how;
	const char *type = attach_how_name(how), *target = s->target;
	int err = attach_program(&l->obj, l->map_fds, i, l->prog_fds[i], s, &l->att, &l->eb);

	if (err)
		return err;
	load_say(l, "attached '%s' to %s:%s%s", l->obj.progs[i].name, type, target,
		 l->att.pid && attach_takes_pid(how) ? " (in process --pid only)" : "");
	/* --pid is a note, not a refusal, for the other hooks: bpftrace's -p
	 * and libbpf's pid argument are likewise for user probes only, and an
	 * object may well mix a kprobe with the uprobes it filters */
	if (l->att.pid && !attach_takes_pid(how))
		load_say(l, "note: --pid %d does not apply to %s:%s: a kernel hook runs "
			 "in every process (filter with bpf_get_current_pid_tgid() in the "
			 "program)", l->att.pid, type, target);
	if (how == AH_ITER)
		l->iters++;
	else
		l->others++;
	return 0;
}

/* attach_one, whose refusal is reported here and counted, not returned:
 * the other programs are still attached (a tool whose kprobe target this
 * kernel lacks still gives the answers of the rest) and the run ends with
 * exit 1 (load_run reads l->nfailed). What the failed attach had made
 * already is undone at once, so no program is left half attached. */
static void attach_or_report(struct load *l, size_t i, const struct attach_spec *s)
{
	size_t mark = l->att.n, len = l->failed ? strlen(l->failed) : 0;
	uint32_t spec_mark = l->att.usdt_next_spec;
	const char *name = l->obj.progs[i].name, *how = attach_how_name(s->how);
	char *grown;
	int err = attach_one(l, i, s);

	if (!err)
		return;
	say_error(l->c->obj, l->eb.msg);
	attach_release_to(&l->att, mark);
	l->att.usdt_next_spec = spec_mark;
	if (!l->nfailed++)
		l->first_failure = err;
	/* "'a' (kprobe:f), 'b' (usdt:...)": the list load_run ends with */
	grown = realloc(l->failed, len + strlen(name) + strlen(how) + strlen(s->target) + 10);
	if (grown) {
		snprintf(grown + len, strlen(name) + strlen(how) + strlen(s->target) + 10,
			 "%s'%s' (%s:%s)", len ? ", " : "", name, how, s->target);
		l->failed = grown;
	}
}

/* Text, as a terminal shows it: tabs, newlines, printable ASCII and the
 * bytes of UTF-8; anything else (a NUL, a struct that bpf_seq_write put
 * there) makes the walk binary. */
static int is_text(const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (d[i] < 0x20 ? d[i] != '\n' && d[i] != '\t' && d[i] != '\r' : d[i] == 0x7f)
			return 0;
	return 1;
}

/*
 * attach_set's iter_output: an iterator's walk. Text is printed as it is
 * (what `cat` of a pinned iterator shows); bytes that are no text as a hex
 * dump, 16 a line with their offset. Under --json, one line per text line,
 * {"iter":PROG,"line":...}, or one {"iter":PROG,"size":N,"data":HEX}.
 */
void load_iter_output(void *ctx, const char *prog, const uint8_t *d, size_t n)
{
	const struct load *l = ctx;
	int text = is_text(d, n);
	struct json j;

	fflush(stdout);
	for (size_t at = 0; at < n;) {
		const uint8_t *nl = text ? memchr(d + at, '\n', n - at) : NULL;
		size_t len = !text ? n : nl ? (size_t)(nl - (d + at)) : n - at;

		if (!l->c->json && text) {
			fwrite(d + at, 1, len, stdout);
			fputc('\n', stdout);
		} else if (!l->c->json) {
			for (size_t k = 0; k < n; k += 16) {
				printf("%08zx:", k);
				for (size_t b = k; b < k + 16; b++)
					b < n ? printf("%s%02x", b % 2 ? "" : " ", d[b])
					      : printf("%s  ", b % 2 ? "" : " ");
				fputs("  ", stdout);
				for (size_t b = k; b < k + 16 && b < n; b++)
					putchar(d[b] >= 0x20 && d[b] < 0x7f ? d[b] : '.');
				putchar('\n');
			}
		} else {
			json_init(&j, stdout);
			json_obj_begin(&j);
			json_kstr(&j, "iter", prog);
			if (text) {
				json_key(&j, "line");
				json_strn(&j, (const char *)d + at, len);
			} else {
				json_ku64(&j, "size", n);
				json_key(&j, "data");
				dump_value(&j, NULL, 0, d, n);
			}
			json_obj_end(&j);
			fputc('\n', stdout);
		}
		at += len + (text ? 1 : 0);
	}
	fflush(stdout);
}

/* Is there an --attach for program @i (after its --prog, or one whose
 * type fits it)? Then its section's target is not used. */
static int attach_given(const struct load *l, size_t i)
{
	for (size_t k = 0; k < l->c->nattaches; k++) {
		const struct cli_attach *a = &l->c->attaches[k];

		if (a->prog >= 0 ? obj_find_prog(&l->obj, l->c->progs[a->prog]) == (int)i
				 : attach_applies(&l->obj, l->selected, i, a->at.how))
			return 1;
	}
	return 0;
}

/* "--prog a --prog b": the selected programs that are not placeholders. */
static void real_progs(const struct load *l, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < l->obj.nprogs && n < size; i++)
		if (l->selected[i] && !attach_placeholder(&l->obj.progs[i]))
			n += (size_t)snprintf(out + n, size - n, "%s--prog %s", n ? " " : "",
					      l->obj.progs[i].name);
}

/* What a tool's own loader would not do: load its placeholders, or both
 * twins of one event. Said before the load; the load goes on (the user
 * may mean it). */
static void warn_selection(const struct load *l)
{
	const struct object *o = &l->obj;
	char keep[300];

	for (size_t i = 0; i < o->nprogs; i++) {
		if (!l->selected[i] || attach_given(l, i))
			continue;
		if (attach_placeholder(&o->progs[i])) {
			real_progs(l, keep, sizeof(keep));
			load_say(l, "program '%s' (%s) is a placeholder: its tool's own loader "
				 "sets the real target at load (bpf_program__set_attach_target) "
				 "or leaves it out; leave it out here%s%s", o->progs[i].name,
				 o->progs[i].sec_name, *keep ? " with " : "", keep);
			continue;
		}
		for (size_t k = i + 1; k < o->nprogs; k++)
			if (l->selected[k] && !attach_given(l, k) &&
			    attach_twins(&o->progs[i], &o->progs[k]))
				load_say(l, "programs '%s' (%s) and '%s' (%s) run on the same "
					 "event: what both count is counted twice; a tool's "
					 "loader loads one of such twins (by what the kernel "
					 "has): choose with --prog %s or --prog %s",
					 o->progs[i].name, o->progs[i].sec_name, o->progs[k].name,
					 o->progs[k].sec_name, o->progs[i].name, o->progs[k].name);
	}
}

int step_targets(struct load *l)
{
	struct attach_spec sp;

	/* the --attach targets were read with the command line; each must
	 * fit a program, and the program's type the way: said now, not as
	 * the kernel's EINVAL after the load */
	for (size_t k = 0; !l->c->no_attach && k < l->c->nattaches; k++) {
		const struct cli_attach *a = &l->c->attaches[k];
		int prog = a->prog >= 0 ? obj_find_prog(&l->obj, l->c->progs[a->prog]) : -1;
		int err;

		if ((a->prog < 0 || prog >= 0) &&
		    (err = attach_fits_check(&l->obj, l->selected, prog, &a->at, &l->eb)))
			return err;
	}
	warn_selection(l);
	for (size_t i = 0; !l->c->no_attach && i < l->obj.nprogs; i++) {
		int err;

		if (l->selected[i] && !attach_given(l, i) &&
		    (err = attach_section_spec(&l->obj.progs[i], &sp, &l->eb)) < 0)
			return err;
	}
	return 0;
}

int step_attach(struct load *l)
{
	const struct object *o = &l->obj;
	int err, specs = obj_find_map(o, USDT_SPECS_MAP);

	if (specs >= 0)	/* usdt spec ids fit the map as created */
		l->att.usdt_nspecs = l->maps[specs].max_entries;
	if (l->c->no_attach)
		return load_struct_ops_attach(l);	/* says what stays unregistered */
	for (size_t i = 0; i < o->nprogs; i++) {
		const struct obj_prog *pr = &o->progs[i];
		int given = 0;

		if (l->prog_fds[i] < 0)
			continue;
		for (size_t k = 0; k < l->c->nattaches; k++) {
			const struct cli_attach *a = &l->c->attaches[k];
			int mine = a->prog >= 0 ? obj_find_prog(o, l->c->progs[a->prog]) == (int)i
						: attach_applies(o, l->selected, i, a->at.how);

			if (!mine)
				continue;
			given = 1;
			attach_or_report(l, i, &a->at);
		}
		/* registered with its struct_ops map, below; a --run program
		 * without a target is run by step_run, not attached */
		if (given || pr->def->prog_type == BPF_PROG_TYPE_STRUCT_OPS ||
		    (!attach_section_target(pr) && run_option_wanted(l, i)))
			continue;
		if (!attach_section_target(pr) && pr->def->prog_type == BPF_PROG_TYPE_SYSCALL) {
			load_say(l, "program '%s' (%s) is loaded but not run: a syscall program "
			    "has no hook; run it with --run %s", pr->name, pr->sec_name, pr->name);
			continue;
		}
		if (!attach_section_target(pr)) {
			load_say(l, "program '%s' (%s) is loaded but not attached: its section "
			    "names %s; give one with --attach%s", pr->name, pr->sec_name,
			    pr->attach_target ? "the hook, not where to attach" : "no target",
			    attach_hint(pr));
			continue;
		}
		{
			struct attach_spec sp;

			/* read by step_targets already; cannot fail here */
			err = attach_section_spec(pr, &sp, &l->eb);
			if (err < 0)
				return err;
			attach_or_report(l, i, &sp);
		}
	}
	if ((err = load_struct_ops_attach(l)))
		return err;
	/* a single refusal, printed above, says it all */
	if (l->nfailed == 1 && !l->iters && !l->others) {
		l->reported = 1;
		return l->first_failure;
	}
	if (l->nfailed && !l->iters && !l->others)
		return err_set(&l->eb, l->first_failure, "no program could be attached (%zu "
			       "refused, above)", l->nfailed);
	if (l->nfailed)
		load_say(l, "%zu attach%s refused (above), %zu made: running with %s; "
			 "the exit status will be 1", l->nfailed, l->nfailed == 1 ? "" : "es",
			 l->iters + l->others, l->iters + l->others == 1 ? "it" : "them");
	return 0;
}

/* ---- run ---------------------------------------------------------------- */

/* --hist: each map's histograms; @ts >= 0 during the run (--interval). */
static void print_hists(const struct load *l, double ts)
{
	for (size_t k = 0; k < l->c->nhists; k++) {
		int m = l->hists[k].map;

		if (l->map_fds[m] >= 0)
			hist_print(&l->obj, &l->maps[m], l->map_fds[m], &l->hists[k], l->c->json,
				   ts, stdout);
	}
}

/* --run programs first (loader/run_option.c), then, until Ctrl-C or
 * --duration: print ring buffer records and bpf_printk lines as they
 * arrive. An object of iterators only has printed its output already
 * (attach/attach.c, do_iter) and stops at once. */
int step_run(struct load *l)
{
	struct timespec start, now;
	double next_hist = l->c->interval;
	struct events ev;
	int err;

	if ((err = run_option_all(l)))
		return err;
	if (l->c->no_attach && !l->c->duration)
		return 0;
	/* iterators ran when they were attached, --run programs just now:
	 * with nothing else attached, there is nothing to wait for */
	if ((l->iters || l->c->nruns) && !l->others && !l->c->duration)
		return 0;
	/* an object of maps alone (libbpf loads those too): made, and
	 * pinned or dumped if asked; nothing runs to wait for */
	if (!obj_count_entries(&l->obj) && !l->c->duration) {
		load_say(l, "no programs: %zu map%s created%s", l->obj.nmaps,
			 l->obj.nmaps == 1 ? "" : "s", l->c->pin ? " and pinned" :
			 "; they are gone when rawload exits unless pinned (--pin DIR)");
		return 0;
	}
	struct events_opts eo = { .obj = &l->obj, .maps = l->maps, .map_fds = l->map_fds,
				  .fmts = l->fmts, .json = l->c->json, .out = stdout };

	load_event_types(l, &eo.types);
	err = events_open(&ev, &eo, &l->eb);
	if (err) {
		events_close(&ev);
		return err;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	load_say(l, "running; %s", l->c->duration ? "stopping after --duration" : "Ctrl-C to stop");
	while (!load_stop) {
		double t;

		events_poll(&ev, 100);
		clock_gettime(CLOCK_MONOTONIC, &now);
		t = (double)(now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9;
		if (l->c->duration && t >= l->c->duration)
			break;
		/* --interval: the histograms so far, as runqlat prints them
		 * (cumulative: the maps are the program's, not cleared) */
		if (l->c->interval && t >= next_hist) {
			print_hists(l, t);
			next_hist += l->c->interval;
		}
	}
	events_poll(&ev, 0);
	events_close(&ev);
	return 0;
}

/* dump_opts' symbolize: kallsyms, read once, at the first frame asked. */
struct symbols {
	int loaded;
	struct ksym_table t;
};

static int symbolize(void *ctx, uint64_t addr, char *buf, size_t size)
{
	struct symbols *s = ctx;
	struct errbuf eb;
	const char *name;
	uint64_t off;

	if (!s->loaded++)
		ksym_table_load(getenv("RAWLOAD_KALLSYMS"), &s->t, &eb);
	if (!(name = ksym_table_find(&s->t, addr, &off)))
		return 0;
	snprintf(buf, size, "%s+0x%llx", name, (unsigned long long)off);
	return 1;
}

int step_dump(struct load *l)
{
	struct symbols syms = { 0 };
	struct dump_opts o = { .only = l->dump_sel, .json = l->c->json, .out = stdout,
			       .symbolize = symbolize, .sym_ctx = &syms };

	if (l->c->dump_maps)
		dump_maps(&l->obj, l->maps, l->map_fds, &o);
	ksym_table_free(&syms.t);
	print_hists(l, -1);
	return 0;
}
