/*
 * loader/run_option.c - --run NAME (see run_option.h): run a loaded program once
 * through BPF_PROG_TEST_RUN and print what it returned.
 *
 * Some programs exist only to be run this way: a SEC("syscall") program
 * has no hook at all, user space calls it with an argument struct (its
 * context) and reads the struct back. Packet programs are run the same
 * way on a packet of the user's (--data FILE) or on a built-in one, so an
 * XDP or tc program can be tried without a NIC. The order is that of the
 * load's step "run": every program is loaded and attached first, so a run
 * sees the same maps an event would.
 *
 * What the kernel takes for each type is in bpf/testrun.c's table; this
 * file checks what it can before the first kernel call (a packet for a
 * type that takes none is a usage error, exit 2) and explains what it
 * cannot (the kernel's EINVAL or ENOTSUPP, exit 1).
 */
#include "run_option.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/testrun.h"
#include "show/json.h"
#include "load_internal.h"

/* Inputs bigger than this are a mistake (the kernel takes about a page
 * for sk_buff programs, and 64 KiB for a syscall program's context). */
#define RUN_INPUT_MAX (1u << 20)
/* Room past the input for a packet the program grew (bpf_xdp_adjust_tail,
 * bpf_skb_change_tail) and for a context struct larger than the bytes
 * given (the kernel zero-fills the rest and copies the whole struct
 * back: sizeof(struct __sk_buff) for a tc program given only its first
 * fields). */
#define RUN_OUT_SLACK (64u << 10)

/* One --run, ready to go. */
struct run_option_input {
	int prog;		/* index in obj.progs */
	uint32_t prog_type;	/* BPF_PROG_TYPE_* */
	uint8_t *data;		/* the packet, or NULL for types that take none */
	size_t data_size;
	const char *data_from;	/* its file, or NULL: the built-in packet */
	uint8_t *ctx;		/* the context bytes, or NULL */
	size_t ctx_size;
	uint32_t repeat;	/* 0: once */
};

/* ---- before the kernel: inputs ------------------------------------------- */

/* The whole of @path ("-": stdin) into *buf, malloc'ed. */
static int read_input(const char *opt, const char *path, uint8_t **buf, size_t *size,
		      struct errbuf *eb)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	uint8_t *b = NULL;
	size_t n = 0, got;
	int err = 0;

	*buf = NULL;
	*size = 0;
	if (!f)
		return err_set(eb, -errno, "%s '%s': cannot open: %s", opt, path, err_str(errno));
	if (!(b = malloc(RUN_INPUT_MAX + 1)))
		err = err_set(eb, -ENOMEM, "out of memory");
	while (!err && (got = fread(b + n, 1, RUN_INPUT_MAX + 1 - n, f)) > 0)
		n += got;
	if (!err && ferror(f))
		err = err_set(eb, -EIO, "%s '%s': cannot read: %s", opt, path, err_str(errno));
	else if (!err && n > RUN_INPUT_MAX)
		err = err_set(eb, -EFBIG, "%s '%s': more than %u bytes; the kernel takes "
			      "about a page of packet and 64 KiB of context", opt, path,
			      RUN_INPUT_MAX);
	if (f != stdin)
		fclose(f);
	if (err) {
		free(b);
		return err;
	}
	*buf = b;
	*size = n;
	return 0;
}

static int prepare_one(struct load *l, const struct cli_run *cr, struct run_option_input *in,
		       int *stdin_used)
{
	const struct cli_run *all = &l->c->run_all;
	const struct object *o = &l->obj;
	const char *data, *tname;
	int p = obj_find_prog(o, cr->prog), err;

	if (p < 0 || o->progs[p].is_subprog)
		return err_set(&l->eb, -ENOENT, "--run %s: no program of that name (see "
			       "'rawload inspect %s')", cr->prog, l->c->obj);
	l->selected[p] = 1;
	in->prog = p;
	in->prog_type = o->progs[p].def->prog_type;
	tname = secdef_prog_type_name(in->prog_type);
	/* inputs given before any --run go to the runs they fit */
	data = cr->data ? cr->data : test_run_takes_packet(in->prog_type) ? all->data : NULL;
	in->repeat = cr->repeat ? cr->repeat :
		     test_run_takes_repeat(in->prog_type) ? all->repeat : 0;
	if (data && !test_run_takes_packet(in->prog_type))
		return err_set(&l->eb, -EINVAL, "--run %s --data %s: a %s program runs on no "
			       "packet; its input is --ctx FILE", cr->prog, data, tname);
	if (in->repeat && !test_run_takes_repeat(in->prog_type))
		return err_set(&l->eb, -EINVAL, "--run %s --repeat %u: the kernel runs a %s "
			       "program exactly once per BPF_PROG_TEST_RUN and refuses a "
			       "repeat count", cr->prog, in->repeat, tname);
	for (int k = 0; k < 2; k++) {
		const char *path = k ? (cr->ctx ? cr->ctx : all->ctx) : data;

		if (path && !strcmp(path, "-") && (*stdin_used)++)
			return err_set(&l->eb, -EINVAL, "--run %s: '-' (stdin) can be read "
				       "only once; give the other inputs as files", cr->prog);
	}
	if (data) {
		in->data_from = data;
		err = read_input("--data", data, &in->data, &in->data_size, &l->eb);
	} else if (test_run_takes_packet(in->prog_type)) {
		in->data = malloc(TEST_RUN_PACKET_LEN);
		if (!in->data)
			return err_set(&l->eb, -ENOMEM, "out of memory");
		in->data_size = test_run_builtin_packet(in->prog_type, in->data,
							TEST_RUN_PACKET_LEN);
		err = 0;
	} else
		err = 0;
	if (!err && (cr->ctx || all->ctx))
		err = read_input("--ctx", cr->ctx ? cr->ctx : all->ctx, &in->ctx,
				 &in->ctx_size, &l->eb);
	return err ? err_prefix(&l->eb, err, "--run %s", cr->prog) : 0;
}

int run_option_prepare(struct load *l)
{
	int stdin_used = 0;

	if (!l->c->nruns)
		return 0;
	l->runs = calloc(l->c->nruns, sizeof(*l->runs));
	if (!l->runs)
		return err_set(&l->eb, -ENOMEM, "out of memory");
	for (size_t k = 0; k < l->c->nruns; k++) {
		int err = prepare_one(l, &l->c->runs[k], &l->runs[k], &stdin_used);

		if (err)
			return err;
	}
	return 0;
}

int run_option_wanted(const struct load *l, size_t prog)
{
	for (size_t k = 0; l->runs && k < l->c->nruns; k++)
		if (l->runs[k].prog == (int)prog)
			return 1;
	return 0;
}

void run_option_free(struct load *l)
{
	for (size_t k = 0; l->runs && k < l->c->nruns; k++) {
		free(l->runs[k].data);
		free(l->runs[k].ctx);
	}
	free(l->runs);
	l->runs = NULL;
}

/* ---- the run ------------------------------------------------------------- */

/* What came back from one run, for the report. */
struct run_out {
	struct test_run_result r;
	const uint8_t *data;	/* the packet after the run, or NULL */
	size_t data_size;	/* bytes of it in the buffer */
	const uint8_t *ctx;	/* the context after the run, or NULL */
	size_t ctx_size;
};

/* The struct a type's --ctx holds, for hints. */
static const char *ctx_struct(uint32_t type)
{
	switch (type) {
	case BPF_PROG_TYPE_XDP:
		return "struct xdp_md";
	case BPF_PROG_TYPE_FLOW_DISSECTOR:
		return "struct bpf_flow_keys";
	case BPF_PROG_TYPE_SK_LOOKUP:
		return "struct bpf_sk_lookup";
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
		return "the tracepoint's u64 arguments";
	case BPF_PROG_TYPE_SYSCALL:
		return "the program's argument struct";
	default:
		return test_run_takes_packet(type) ? "struct __sk_buff" : "a context";
	}
}

/* A refusal, with what the kernel's answer means for this type. */
static const char *refusal_hint(const struct run_option_input *in, int err, char *buf,
				size_t len)
{
	const char *tname = secdef_prog_type_name(in->prog_type);

	if (err == -524 || err == -EOPNOTSUPP)	/* ENOTSUPP: no ->test_run */
		snprintf(buf, len, "the kernel cannot run %s programs on demand (the type "
			 "has no test_run): attach it instead, and it runs when its event "
			 "fires", tname);
	else if (err == -EINVAL && in->prog_type == BPF_PROG_TYPE_SYSCALL)
		snprintf(buf, len, "a SYSCALL program takes only --ctx FILE, its argument "
			 "struct, which must be at least as large as the fields it reads");
	else if (err == -EINVAL && in->prog_type == BPF_PROG_TYPE_SK_LOOKUP)
		snprintf(buf, len, "an SK_LOOKUP program needs --ctx FILE holding a struct "
			 "bpf_sk_lookup (family, protocol, addresses and ports set)");
	else if (err == -EINVAL && test_run_takes_packet(in->prog_type))
		snprintf(buf, len, "the kernel checks the packet (at least 14 bytes, at most "
			 "about a page) and the --ctx %s (only the fields user space may set "
			 "can be non-zero)", ctx_struct(in->prog_type));
	else if (err == -EINVAL)
		snprintf(buf, len, "the kernel refused the inputs for a %s program; its "
			 "--ctx is %s", tname, ctx_struct(in->prog_type));
	else if (err == -EMSGSIZE)
		snprintf(buf, len, "the packet is larger than the kernel takes for a %s "
			 "program", tname);
	else if (err == -EPERM || err == -EACCES)
		snprintf(buf, len, "running a program needs CAP_BPF (root)");
	else
		return NULL;
	return buf;
}

static void hex_line(FILE *out, const char *label, const uint8_t *b, size_t n)
{
	for (size_t off = 0; off < n; off += 16) {
		fprintf(out, "  %-8s +%04zx ", off ? "" : label, off);
		for (size_t i = off; i < n && i < off + 16; i++)
			fprintf(out, "%s%02x", i % 8 == 0 && i != off ? "  " : " ", b[i]);
		fputc('\n', out);
	}
}

static void json_hex(struct json *j, const char *key, const uint8_t *b, size_t n)
{
	char *s = malloc(n * 2 + 1);

	json_key(j, key);
	if (!s)
		return json_null(j);
	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", b[i]);
	s[2 * n] = '\0';
	json_str(j, s);
	free(s);
}

/*
 * Where the program rewrote the packet: the count of bytes that differ
 * and the first one, or 0. The kernel runs socket filters, cgroup_skb and
 * lwt programs on the packet from its network header and puts back 14
 * zero bytes for the Ethernet header (bpf_prog_test_run_skb, !is_l2), so
 * those compare from byte 14; a flow dissector's data_out is its struct
 * bpf_flow_keys, not a packet.
 */
static size_t packet_changes(const struct run_option_input *in, const struct run_out *o,
			     size_t *first)
{
	size_t from = 0, n = 0;

	if (in->prog_type == BPF_PROG_TYPE_FLOW_DISSECTOR || !o->data)
		return 0;
	if (in->prog_type == BPF_PROG_TYPE_SOCKET_FILTER ||
	    in->prog_type == BPF_PROG_TYPE_CGROUP_SKB ||
	    in->prog_type == BPF_PROG_TYPE_LWT_IN || in->prog_type == BPF_PROG_TYPE_LWT_OUT ||
	    in->prog_type == BPF_PROG_TYPE_LWT_XMIT ||
	    in->prog_type == BPF_PROG_TYPE_LWT_SEG6LOCAL)
		from = 14;
	for (size_t i = from; i < in->data_size || i < o->data_size; i++)
		if (i >= in->data_size || i >= o->data_size || in->data[i] != o->data[i])
			if (!n++)
				*first = i;
	return n;
}

static void report_text(const struct load *l, const struct run_option_input *in,
			const struct run_out *o)
{
	const char *name = test_run_retval_name(in->prog_type, o->r.retval);
	size_t first = 0, changed = packet_changes(in, o, &first);
	FILE *out = stdout;

	fprintf(out, "rawload: run %s: retval %d", l->obj.progs[in->prog].name,
		(int32_t)o->r.retval);
	if (name)
		fprintf(out, " (%s)", name);
	if (test_run_timed(in->prog_type))
		fprintf(out, in->repeat > 1 ? ", %u ns (average of %u runs)" : ", %u ns",
			o->r.duration, in->repeat);
	if (o->data)
		fprintf(out, ", %u bytes out%s", o->r.data_size_out,
			o->r.truncated ? " (truncated)" : "");
	if (changed)
		fprintf(out, ", rewritten: %zu byte%s differ%s from offset %zu", changed,
			changed == 1 ? "" : "s", changed == 1 ? "s" : "", first);
	if (o->ctx)
		fprintf(out, ", ctx %zu bytes out%s", o->ctx_size,
			o->ctx_size < in->ctx_size || memcmp(o->ctx, in->ctx, in->ctx_size)
			? " (changed)" : "");
	fputc('\n', out);
	if (l->c->verbose && o->data)
		hex_line(out, "data_out", o->data, o->data_size);
	if (l->c->verbose && o->ctx)
		hex_line(out, "ctx_out", o->ctx, o->ctx_size);
}

static void report_json(const struct load *l, const struct run_option_input *in,
			const struct run_out *o)
{
	const char *name = test_run_retval_name(in->prog_type, o->r.retval);
	struct json j;

	json_init(&j, stdout);
	json_obj_begin(&j);
	json_kstr(&j, "run", l->obj.progs[in->prog].name);
	json_kstr(&j, "prog_type", secdef_prog_type_name(in->prog_type));
	json_key(&j, "retval");
	json_i64(&j, (int32_t)o->r.retval);
	if (name)
		json_kstr(&j, "retval_name", name);
	if (test_run_timed(in->prog_type)) {
		json_ku64(&j, "duration_ns", o->r.duration);
		json_ku64(&j, "repeat", in->repeat ? in->repeat : 1);
	}
	if (o->data) {
		json_ku64(&j, "data_size_out", o->r.data_size_out);
		json_kbool(&j, "truncated", o->r.truncated);
		json_hex(&j, "data_out", o->data, o->data_size);
	}
	if (o->ctx)
		json_hex(&j, "ctx_out", o->ctx, o->ctx_size);
	json_obj_end(&j);
	fputc('\n', stdout);
}

/* The attr's inputs and outputs for @in: a packet with room to grow; the
 * context in ctx_in, and back in ctx_out, except for a syscall program,
 * whose context the kernel writes back into ctx_in's own buffer (so that
 * gets a private copy). */
static int run_one(struct load *l, const struct run_option_input *in)
{
	const struct obj_prog *pr = &l->obj.progs[in->prog];
	struct test_run_params p = { .prog_fd = l->prog_fds[in->prog], .repeat = in->repeat };
	uint8_t *data_out = NULL, *ctx_buf = NULL;
	struct run_out o = { 0 };
	char why[256], hint[256];
	const char *h;
	int err;

	if (in->data) {
		p.data_in = in->data;
		p.data_size_in = (uint32_t)in->data_size;
		p.data_size_out = (uint32_t)in->data_size + RUN_OUT_SLACK;
		p.data_out = data_out = malloc(p.data_size_out);
	}
	if (in->ctx && in->prog_type == BPF_PROG_TYPE_SYSCALL) {
		p.ctx_size_in = (uint32_t)in->ctx_size;
		p.ctx_in = ctx_buf = malloc(in->ctx_size + 1);
		if (ctx_buf)
			memcpy(ctx_buf, in->ctx, in->ctx_size);
	} else if (in->ctx) {
		p.ctx_in = in->ctx;
		p.ctx_size_in = (uint32_t)in->ctx_size;
		if (test_run_ctx_out(in->prog_type)) {
			p.ctx_size_out = (uint32_t)in->ctx_size + RUN_OUT_SLACK;
			p.ctx_out = ctx_buf = malloc(p.ctx_size_out);
		}
	}
	if ((in->data && !data_out) || (p.ctx_size_out && !ctx_buf) ||
	    (in->ctx && in->prog_type == BPF_PROG_TYPE_SYSCALL && !ctx_buf)) {
		err = err_set(&l->eb, -ENOMEM, "out of memory");
		goto out;
	}
	snprintf(why, sizeof(why), "run '%s' (%s)%s%s%s", pr->name,
		 secdef_prog_type_name(in->prog_type),
		 in->data ? (in->data_from ? " on the packet in " : " on the built-in packet") : "",
		 in->data_from ? in->data_from : "", in->repeat > 1 ? ", repeated" : "");
	p.why = why;
	err = prog_test_run(&p, &o.r, &l->eb);
	if (err) {
		char msg[sizeof(l->eb.msg)];

		snprintf(msg, sizeof(msg), "%s", l->eb.msg);
		h = refusal_hint(in, err, hint, sizeof(hint));
		err = err_set(&l->eb, err, "--run %s (%s, section '%s'): %s%s%s", pr->name,
			      secdef_prog_type_name(in->prog_type), pr->sec_name, msg,
			      h ? "; " : "", h ? h : "");
		goto out;
	}
	if (in->data) {
		o.data = data_out;
		o.data_size = o.r.data_size_out < p.data_size_out ? o.r.data_size_out
								 : p.data_size_out;
	}
	if (in->ctx && in->prog_type == BPF_PROG_TYPE_SYSCALL) {
		o.ctx = ctx_buf;
		o.ctx_size = in->ctx_size;
	} else if (p.ctx_out && o.r.ctx_size_out) {
		o.ctx = ctx_buf;
		o.ctx_size = o.r.ctx_size_out < p.ctx_size_out ? o.r.ctx_size_out
							       : p.ctx_size_out;
	}
	if (l->c->json)
		report_json(l, in, &o);
	else
		report_text(l, in, &o);
	fflush(stdout);
out:
	free(data_out);
	free(ctx_buf);
	return err;
}

int run_option_all(struct load *l)
{
	for (size_t k = 0; l->runs && k < l->c->nruns; k++) {
		int err = run_one(l, &l->runs[k]);

		if (err)
			return err;
	}
	return 0;
}
