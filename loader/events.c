/*
 * loader/events.c - printing ring buffer records and bpf_printk output.
 *
 * Ring buffers: the map fd becomes readable (epoll) when the kernel
 * submits a record; the records are read from the mmap'ed ring
 * (bpf/ringbuf.c). A record has no type of its own in the object, so it is
 * printed as its length and bytes.
 * bpf_printk writes into the kernel's trace buffer, shared by everyone;
 * reading trace_pipe consumes it, as `cat trace_pipe` would.
 */
#include "events.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "json.h"
#include "mounts.h"

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

int events_open(struct events *ev, const struct object *obj, const int *map_fds,
		int json, FILE *out, struct errbuf *eb)
{
	struct epoll_event e = { .events = EPOLLIN };
	int err;

	memset(ev, 0, sizeof(*ev));
	ev->trace_fd = -1;
	ev->json = json;
	ev->out = out;
	ev->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ev->epfd < 0)
		return err_set(eb, -errno, "epoll_create1: %s", err_str(errno));
	for (size_t i = 0; i < obj->nmaps && ev->nrb < EVENTS_MAX_RB; i++) {
		if (obj->maps[i].type != BPF_MAP_TYPE_RINGBUF || map_fds[i] < 0)
			continue;
		err = rb_open(&ev->rb[ev->nrb], map_fds[i], obj->maps[i].max_entries, eb);
		if (err)
			return err_prefix(eb, err, "map '%s'", obj->maps[i].name);
		ev->rb_name[ev->nrb] = obj->maps[i].name;
		e.data.u32 = (uint32_t)ev->nrb;
		epoll_ctl(ev->epfd, EPOLL_CTL_ADD, map_fds[i], &e);
		ev->nrb++;
	}
	if (uses_printk(obj) && mounts_tracefs(json, eb) == 0) {
		ev->trace_fd = open("/sys/kernel/tracing/trace_pipe",
				    O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (ev->trace_fd >= 0) {
			e.data.u32 = EVENTS_MAX_RB;
			epoll_ctl(ev->epfd, EPOLL_CTL_ADD, ev->trace_fd, &e);
		}
	}
	return 0;
}

struct rb_ctx {
	struct events *ev;
	const char *name;	/* the ring buffer map's name */
};

static void print_record(void *ctx, const void *data, uint32_t len)
{
	struct events *ev = ((struct rb_ctx *)ctx)->ev;
	const char *name = ((struct rb_ctx *)ctx)->name;
	const uint8_t *b = data;

	if (ev->json) {
		fprintf(ev->out, "{\"ringbuf\":\"%s\",\"size\":%u,\"data\":\"", name, len);
		for (uint32_t i = 0; i < len; i++)
			fprintf(ev->out, "%02x", b[i]);
		fputs("\"}\n", ev->out);
	} else {
		fprintf(ev->out, "%s: %u bytes:", name, len);
		for (uint32_t i = 0; i < len; i++)
			fprintf(ev->out, "%s%02x", i % 4 ? "" : " ", b[i]);
		fputc('\n', ev->out);
	}
	ev->count++;
}

static void print_line(struct events *ev, const char *line)
{
	if (ev->json) {
		struct json j;

		json_init(&j, ev->out);
		json_obj_begin(&j);
		json_kstr(&j, "printk", line);
		json_obj_end(&j);
		fputc('\n', ev->out);
	} else {
		fprintf(ev->out, "%s\n", line);
	}
	ev->count++;
}

static void read_trace(struct events *ev)
{
	ssize_t n;

	while ((n = read(ev->trace_fd, ev->line + ev->linelen,
			 sizeof(ev->line) - 1 - ev->linelen)) > 0) {
		char *start = ev->line, *nl;

		ev->linelen += (size_t)n;
		ev->line[ev->linelen] = '\0';
		while ((nl = strchr(start, '\n'))) {
			*nl = '\0';
			print_line(ev, start);
			start = nl + 1;
		}
		ev->linelen -= (size_t)(start - ev->line);
		memmove(ev->line, start, ev->linelen);
		if (ev->linelen == sizeof(ev->line) - 1) {	/* an endless line */
			ev->line[ev->linelen] = '\0';
			print_line(ev, ev->line);
			ev->linelen = 0;
		}
	}
}

void events_poll(struct events *ev, int timeout_ms)
{
	struct epoll_event e[8];

	if (ev->epfd >= 0 && (ev->nrb || ev->trace_fd >= 0))
		epoll_wait(ev->epfd, e, 8, timeout_ms);
	else
		usleep((useconds_t)timeout_ms * 1000);
	/* Drain every source, whichever woke us: cheap, and a trace_pipe
	 * that does not support poll on old kernels is still read. */
	for (size_t i = 0; i < ev->nrb; i++) {
		struct rb_ctx ctx = { ev, ev->rb_name[i] };

		rb_consume(&ev->rb[i], print_record, &ctx);
	}
	if (ev->trace_fd >= 0)
		read_trace(ev);
	fflush(ev->out);
}

void events_close(struct events *ev)
{
	for (size_t i = 0; i < ev->nrb; i++)
		rb_close(&ev->rb[i]);
	if (ev->trace_fd >= 0)
		close(ev->trace_fd);
	if (ev->epfd >= 0)
		close(ev->epfd);
	ev->nrb = 0;
	ev->trace_fd = ev->epfd = -1;
}
