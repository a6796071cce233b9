/*
 * loader/events.c - printing ring buffer and perf buffer records and
 * bpf_printk output.
 *
 * Ring buffers: the map fd becomes readable (epoll) when the kernel
 * submits a record; the records are read from the mmap'ed ring
 * (bpf/ringbuf.c). Perf event arrays: one perf ring per CPU, each fd in
 * the epoll set (bpf/perfbuf.c). A record has no type of its own in the
 * object, so it is printed as hex unless --format names its BTF type.
 * bpf_printk writes into the kernel's trace buffer, shared by everyone;
 * reading trace_pipe consumes it, as `cat trace_pipe` would.
 */
#include "events.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "show/dump.h"
#include "show/json.h"
#include "host/mounts.h"

/* bpf_trace_printk and bpf_trace_vprintk (helper ids 6 and 177). */
static int uses_printk(const struct object *obj)
{
	for (size_t i = 0; i < obj->nprogs; i++)
		for (size_t k = 0; k < obj->progs[i].insn_cnt; k++) {
			const struct bpf_insn *in = &obj->progs[i].insns[k];

			if (in->code == (BPF_JMP | BPF_CALL) && in->src_reg == 0 &&
			    (in->imm == BPF_FUNC_trace_printk || in->imm == 177))
				return 1;
		}
	return 0;
}

static uint32_t find_type(const struct btf *btf, const char *spec)
{
	static const struct { const char *pfx; unsigned kind; } kinds[] = {
		{ "struct ", BTF_KIND_STRUCT }, { "union ", BTF_KIND_UNION },
		{ "enum ", BTF_KIND_ENUM },
	};
	int id;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strncmp(spec, kinds[i].pfx, strlen(kinds[i].pfx))) {
			id = btf_find_by_name_kind(btf, spec + strlen(kinds[i].pfx), kinds[i].kind);
			return id > 0 ? (uint32_t)id : 0;
		}
	id = btf_find_by_name_kind(btf, spec, BTF_KIND_TYPEDEF);
	if (id <= 0)
		id = btf_find_by_name_kind(btf, spec, BTF_KIND_INT);
	return id > 0 ? (uint32_t)id : 0;
}

int events_format(const struct object *obj, const struct event_types *types,
		  const struct cli_kv *f, int *map, struct event_format *fmt,
		  struct errbuf *eb)
{
	*map = obj_find_map(obj, f->key);
	if (*map < 0 || (obj->maps[*map].type != BPF_MAP_TYPE_RINGBUF &&
			 obj->maps[*map].type != BPF_MAP_TYPE_PERF_EVENT_ARRAY))
		return err_set(eb, -EINVAL, "--format %s=%s: '%s' is not a ring buffer or "
			       "perf event array map of the object", f->key, f->value, f->key);
	fmt->btf = types->obj;
	fmt->id = types->obj ? find_type(types->obj, f->value) : 0;
	for (size_t i = 0; !fmt->id && i < types->n; i++) {
		fmt->btf = types->btf[i];
		fmt->id = find_type(types->btf[i], f->value);
	}
	if (fmt->id)
		return 0;
	fmt->btf = NULL;
	/* clang puts a type in .BTF only if a global, a map or a function
	 * signature uses it: an event struct met only through the pointer
	 * bpf_ringbuf_reserve() returns is not there, however it is spelled */
	if (strchr(f->value, ' '))
		return err_set(eb, -ENOENT, "--format %s=%s: no type '%s' in the object's BTF%s; "
			       "clang records only types that globals, maps or function "
			       "signatures use: give the tool's header as BTF with --types FILE "
			       "(printf '#include \"tool.h\"\\n%s *e;\\n' | clang -g -c -target "
			       "bpf -x c - -o types.o), or declare one in the program ('%s "
			       "*unused_event __attribute__((unused));')", f->key, f->value,
			       f->value, types->n ? " or the --types files" : "", f->value, f->value);
	return err_set(eb, -ENOENT, "--format %s=%s: no type '%s' in the object's BTF%s "
		       "(spell structs 'struct NAME')", f->key, f->value, f->value,
		       types->n ? " or the --types files" : "");
}

static int add_source(struct events *ev, const struct events_opts *o, size_t m,
		      struct errbuf *eb)
{
	struct event_src *src = &ev->src[ev->nsrc];
	struct epoll_event e = { .events = EPOLLIN };
	const struct obj_map *maps = o->maps;
	int fd = o->map_fds[m];
	int err;

	memset(src, 0, sizeof(*src));
	src->name = maps[m].name;
	if (o->fmts)
		src->fmt = o->fmts[m];
	if (maps[m].type == BPF_MAP_TYPE_RINGBUF) {
		err = rb_open(&src->rb, fd, maps[m].max_entries, eb);
		e.data.u32 = (uint32_t)ev->nsrc;
		if (!err)
			epoll_ctl(ev->epfd, EPOLL_CTL_ADD, fd, &e);
	} else {
		src->is_perf = 1;
		/* one ring per possible CPU, as libbpf's perf_buffer__new: a
		 * map sized past them (max_entries 1024 on 2 CPUs) has slots
		 * no CPU writes, and perf_event_open refuses those CPUs */
		long ncpus = sysconf(_SC_NPROCESSORS_CONF);
		uint32_t slots = maps[m].max_entries;

		err = pb_open(&src->pb, fd, ncpus > 0 && (uint32_t)ncpus < slots ? (int)ncpus
						: (int)slots, eb);
		for (int cpu = 0; !err && cpu < src->pb.ncpu; cpu++)
			if (src->pb.fds[cpu] >= 0) {
				e.data.u32 = (uint32_t)ev->nsrc;
				epoll_ctl(ev->epfd, EPOLL_CTL_ADD, src->pb.fds[cpu], &e);
			}
	}
	ev->nsrc++;	/* counted even on failure, so events_close unmaps it */
	return err ? err_prefix(eb, err, "map '%s'", src->name) : 0;
}

/* bpf_printk writes to the trace ring buffer; its lines are read from
 * tracefs's trace_pipe. Without tracefs the programs still run: say why
 * their lines are missing and go on. */
static void open_trace_pipe(struct events *ev)
{
	struct epoll_event e = { .events = EPOLLIN };
	struct errbuf meb = { "" };
	const char *root;
	char path[256];

	if (mounts_tracefs(&root, &meb)) {
		fprintf(stderr, "rawload: bpf_printk lines not shown: %s\n", meb.msg);
		return;
	}
	snprintf(path, sizeof(path), "%s/trace_pipe", root);
	ev->trace_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (ev->trace_fd < 0) {
		fprintf(stderr, "rawload: bpf_printk lines not shown: %s: %s\n", path,
			err_str(errno));
		return;
	}
	e.data.u32 = EVENTS_MAX;
	epoll_ctl(ev->epfd, EPOLL_CTL_ADD, ev->trace_fd, &e);
}

int events_open(struct events *ev, const struct events_opts *o, struct errbuf *eb)
{
	const struct object *obj = o->obj;
	int err;

	memset(ev, 0, sizeof(*ev));
	ev->trace_fd = -1;
	ev->json = o->json;
	ev->out = o->out;
	ev->types = o->types;
	clock_gettime(CLOCK_MONOTONIC, &ev->start);
	ev->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ev->epfd < 0)
		return err_set(eb, -errno, "epoll_create1: %s", err_str(errno));
	for (size_t i = 0; i < obj->nmaps && ev->nsrc < EVENTS_MAX; i++) {
		if ((o->maps[i].type != BPF_MAP_TYPE_RINGBUF &&
		     o->maps[i].type != BPF_MAP_TYPE_PERF_EVENT_ARRAY) || o->map_fds[i] < 0)
			continue;
		err = add_source(ev, o, i, eb);
		if (err)
			return err;
	}
	if (uses_printk(obj))
		open_trace_pipe(ev);
	return 0;
}

static double elapsed(const struct events *ev)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - ev->start.tv_sec) +
	       (double)(now.tv_nsec - ev->start.tv_nsec) / 1e9;
}

struct rec_ctx {
	struct events *ev;
	struct event_src *src;
};

/* Start a new one-second window when the run has entered another second,
 * first saying what the last one dropped. */
static void roll_window(struct events *ev)
{
	long now = (long)elapsed(ev);

	if (now == ev->window)
		return;
	if (ev->dropped)
		fprintf(stderr, "rawload: [%10.6f] more than %d events in a second: %lu "
			"ring/perf record(s) dropped\n", elapsed(ev), EVENTS_RATE, ev->dropped);
	if (ev->trace_skipped)
		fprintf(stderr, "rawload: [%10.6f] more than %d events in a second: trace_pipe "
			"left unread for the rest of it (the kernel's trace buffer overwrites "
			"what it cannot hold)\n", elapsed(ev), EVENTS_RATE);
	ev->window = now;
	ev->in_window = ev->dropped = 0;
	ev->trace_skipped = 0;
}

/* May one more record be printed in this second? Counts it either way. */
static int take_budget(struct events *ev)
{
	if (ev->in_window < EVENTS_RATE) {
		ev->in_window++;
		return 1;
	}
	ev->dropped++;
	ev->dropped_total++;
	return 0;
}

/* A map definition of .maps (struct { __uint(type, ...); ... }): its
 * members are all pointers, which no record is made of. */
static int map_def_like(const struct btf *btf, const struct btf_type *t)
{
	for (unsigned i = 0; i < btf_vlen(t); i++) {
		const struct btf_type *mt = btf_type_by_id(btf, btf_members(t)[i].type);

		if (!mt || btf_kind(mt) != BTF_KIND_PTR)
			return 0;
	}
	return 1;
}

/* The one named struct of @btf whose size is @len, or 0 (none, or
 * several). */
static uint32_t struct_of_size(const struct btf *btf, uint32_t len)
{
	uint32_t found = 0;

	for (uint32_t id = 1; btf && id < btf_type_cnt(btf); id++) {
		const struct btf_type *t = btf_type_by_id(btf, id);

		if (t && btf_kind(t) == BTF_KIND_STRUCT && t->size == len && t->name_off &&
		    !map_def_like(btf, t)) {
			if (found)
				return 0;
			found = id;
		}
	}
	return found;
}

/* A record printed in hex: if exactly one struct of the object's BTF (or
 * of a --types file) has its size, say once which --format would show
 * it. A perf record is padded to 8 bytes with its 4-byte size in front,
 * so a struct up to 7 bytes shorter may be the one. */
static void size_hint(struct events *ev, struct event_src *src, uint32_t len)
{
	const struct event_types *ty = &ev->types;
	uint32_t pad = src->is_perf ? 7 : 0;

	src->hinted = 1;
	for (uint32_t want = len; want > 0 && want + pad >= len; want--) {
		const struct btf *btf = ty->obj;
		const char *where = "in the object's BTF";
		uint32_t id = struct_of_size(btf, want);
		const char *name;

		for (size_t i = 0; !id && i < ty->n; i++) {
			btf = ty->btf[i];
			where = ty->files[i];
			id = struct_of_size(btf, want);
		}
		if (!id)
			continue;
		name = btf_str(btf, btf_type_by_id(btf, id)->name_off);
		fprintf(stderr, "rawload: %s: its %u-byte records are printed in hex; 'struct %s' "
			"(%s, %u bytes) has their size: --format %s='struct %s' prints them "
			"field by field\n", src->name, len, name, where, want, src->name, name);
		return;
	}
}

/* "[  1.234] events: {...}" or one JSON object per line. */
static void print_record(struct events *ev, struct event_src *src, int cpu,
			 const void *data, uint32_t len)
{
	struct json j;

	if (!src->fmt.btf && !src->hinted)
		size_hint(ev, src, len);
	json_init(&j, ev->out);
	if (ev->json) {
		json_obj_begin(&j);
		json_key(&j, "ts");
		json_double(&j, elapsed(ev));
		json_kstr(&j, src->is_perf ? "perfbuf" : "ringbuf", src->name);
		if (cpu >= 0)
			json_ku64(&j, "cpu", (uint64_t)cpu);
		json_ku64(&j, "size", len);
		json_key(&j, "data");
		dump_value(&j, src->fmt.btf, src->fmt.id, data, len);
		json_obj_end(&j);
	} else {
		fprintf(ev->out, "[%10.6f] %s: ", elapsed(ev), src->name);
		if (cpu >= 0)
			fprintf(ev->out, "cpu %d ", cpu);
		fprintf(ev->out, "%u bytes ", len);
		dump_value(&j, src->fmt.btf, src->fmt.id, data, len);
	}
	fputc('\n', ev->out);
	ev->count++;
}

static void on_ring(void *ctx, const void *data, uint32_t len)
{
	struct rec_ctx *r = ctx;

	if (take_budget(r->ev))
		print_record(r->ev, r->src, -1, data, len);
}

static void on_perf(void *ctx, int cpu, const void *data, uint32_t len)
{
	struct rec_ctx *r = ctx;

	if (take_budget(r->ev))
		print_record(r->ev, r->src, cpu, data, len);
}

static void print_line(struct events *ev, const char *line)
{
	if (ev->json) {
		struct json j;

		json_init(&j, ev->out);
		json_obj_begin(&j);
		json_key(&j, "ts");
		json_double(&j, elapsed(ev));
		json_kstr(&j, "printk", line);
		json_obj_end(&j);
		fputc('\n', ev->out);
	} else {
		fprintf(ev->out, "[%10.6f] printk: %s\n", elapsed(ev), line);
	}
	ev->count++;
}

/* trace_pipe, line by line, while this second's budget lasts. Lines are
 * read only to be printed: a line that cannot be printed stays in the
 * kernel's buffer, and each read is a system call that a program on
 * sys_enter may answer with another line, so reading on regardless would
 * never end. */
static void read_trace(struct events *ev)
{
	ssize_t n;

	while (ev->in_window < EVENTS_RATE &&
	       (n = read(ev->trace_fd, ev->line + ev->linelen,
			 sizeof(ev->line) - 1 - ev->linelen)) > 0) {
		char *start = ev->line, *nl;

		ev->linelen += (size_t)n;
		ev->line[ev->linelen] = '\0';
		while ((nl = strchr(start, '\n'))) {
			*nl = '\0';
			if (take_budget(ev))
				print_line(ev, start);
			start = nl + 1;
		}
		ev->linelen -= (size_t)(start - ev->line);
		memmove(ev->line, start, ev->linelen);
		if (ev->linelen == sizeof(ev->line) - 1) {	/* an endless line */
			ev->line[ev->linelen] = '\0';
			if (take_budget(ev))
				print_line(ev, ev->line);
			ev->linelen = 0;
		}
	}
	if (ev->in_window >= EVENTS_RATE && !ev->trace_skipped) {
		ev->trace_skipped = 1;
		ev->trace_skips++;
	}
}

/* Milliseconds left in the current one-second window. */
static int window_left_ms(const struct events *ev)
{
	double left = (double)(ev->window + 1) - elapsed(ev);

	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

void events_poll(struct events *ev, int timeout_ms)
{
	struct epoll_event e[8];

	roll_window(ev);
	if (ev->in_window >= EVENTS_RATE) {
		/* over budget: the sources are readable at once, so waiting on
		 * them would spin; sleep to the next second instead (a signal
		 * cuts the sleep short) */
		int ms = window_left_ms(ev);

		usleep((useconds_t)(ms < timeout_ms ? ms : timeout_ms) * 1000);
	} else if (ev->epfd >= 0 && (ev->nsrc || ev->trace_fd >= 0)) {
		epoll_wait(ev->epfd, e, 8, timeout_ms);
	} else {
		usleep((useconds_t)timeout_ms * 1000);
	}
	roll_window(ev);
	/* Drain every source, whichever woke us: cheap, and a trace_pipe
	 * that does not support poll on old kernels is still read. Each ring
	 * is read up to where its producer was when the read began, so this
	 * ends even while the programs keep writing. */
	for (size_t i = 0; i < ev->nsrc; i++) {
		struct rec_ctx ctx = { ev, &ev->src[i] };

		if (ev->src[i].is_perf)
			pb_consume(&ev->src[i].pb, on_perf, &ctx);
		else
			rb_consume(&ev->src[i].rb, on_ring, &ctx);
	}
	if (ev->trace_fd >= 0)
		read_trace(ev);
	fflush(ev->out);
}

void events_close(struct events *ev)
{
	for (size_t i = 0; i < ev->nsrc; i++) {
		struct event_src *src = &ev->src[i];

		if (src->is_perf && src->pb.lost && !ev->json)
			fprintf(stderr, "rawload: %s: %llu samples lost (the perf rings were "
				"full)\n", src->name, (unsigned long long)src->pb.lost);
		if (src->is_perf)
			pb_close(&src->pb);
		else
			rb_close(&src->rb);
	}
	if (ev->trace_fd >= 0)
		close(ev->trace_fd);
	if (ev->epfd >= 0)
		close(ev->epfd);
	if (ev->dropped_total || ev->trace_skips)
		fprintf(stderr, "rawload: at most %d events printed a second: %lu ring/perf "
			"record(s) dropped in all, trace_pipe left unread in %lu second(s)\n",
			EVENTS_RATE, ev->dropped_total, ev->trace_skips);
	ev->nsrc = 0;
	ev->trace_fd = ev->epfd = -1;
}
