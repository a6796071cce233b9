/*
 * bpf/sys.h - the kernel boundary's choke points.
 *
 * Every bpf(), perf_event_open() and attach ioctl() rawload makes goes
 * through one function here, so --explain can print each call decoded
 * (show/explain.c installs a hook with sys_set_trace) and tests can
 * record calls. bpf/ never prints: it reports the call, its attr and its
 * result to the hook.
 */
#ifndef RAWLOAD_SYS_H
#define RAWLOAD_SYS_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

#include "elf/err.h"

/* Bytes of union bpf_attr up to and including @last_field: what a command
 * uses. Passing exactly this (as libbpf does) keeps strace lines
 * comparable, and the kernel refuses non-zero bytes past the fields a
 * command knows (CHECK_ATTR in kernel/bpf/syscall.c). */
#define ATTR_SIZE(last_field)                                  \
	(offsetof(union bpf_attr, last_field) +                \
	 sizeof(((union bpf_attr *)0)->last_field))

/* What a call was for, as --explain tags it. */
enum sys_tag {
	SYS_LOAD,   /* creating the object's kernel objects */
	SYS_ATTACH, /* attaching and detaching */
	SYS_PROBE,  /* asking what the kernel supports */
	SYS_RUN,    /* reading maps and events while running */
	SYS_DETACH, /* undoing an attach: the calls a clean exit makes */
};

/* SYS_MMAP: a ring or perf buffer mapped (attr NULL; args: length, prot,
 * fd, offset; result the address or -errno). SYS_WRITE: a line written to
 * a tracefs file (attr the text, size its length, args[0] the path as a
 * pointer). */
enum sys_kind { SYS_BPF, SYS_PERF_EVENT_OPEN, SYS_IOCTL, SYS_OTHER, SYS_SOCKET, SYS_MMAP,
		SYS_WRITE };

/* What a SYS_SOCKET call was (its struct sys_call cmd). args[] holds the
 * fd (or domain), then level/type, optname/protocol, length. */
enum sys_sock_op { SOCK_OPEN, SOCK_BIND, SOCK_SETSOCKOPT, SOCK_SEND, SOCK_RECV };

/* One call, as the trace hook sees it after it returned. */
struct sys_call {
	enum sys_kind kind;
	int cmd;		/* bpf command, ioctl request */
	const void *attr;	/* union bpf_attr / struct perf_event_attr */
	unsigned int size;	/* bytes of @attr passed */
	long args[4];		/* perf_event_open: pid, cpu, group, flags;
				   ioctl: fd, arg */
	long result;		/* >= 0, or -errno */
	enum sys_tag tag;
	const char *why;	/* one line for --explain */
};

typedef void (*sys_trace_fn)(const struct sys_call *call);

/* Install @fn to see every call (show/explain.c, for --explain); NULL
 * removes it. Not set, the calls are made with nothing else done. */
void sys_set_trace(sys_trace_fn fn);

/*
 * The only call to bpf(2). Returns the result (often a new fd) or -errno.
 * New fds are kept above 2: rawload passes fds in attrs where 0 means
 * "none" (btf_fd), so an fd 0 would be misread (libbpf's ensure_good_fd).
 */
long sys_bpf(int cmd, union bpf_attr *attr, unsigned int size,
	     enum sys_tag tag, const char *why);

struct perf_event_attr;
/* The only call to perf_event_open(2). Returns an fd or -errno. */
int sys_perf_event_open(struct perf_event_attr *attr, int pid, int cpu,
			int group_fd, unsigned long flags, enum sys_tag tag,
			const char *why);

/* The attach ioctls (PERF_EVENT_IOC_SET_BPF, _ENABLE). Returns 0 or -errno. */
int sys_ioctl(int fd, unsigned long request, unsigned long arg,
	      enum sys_tag tag, const char *why);

/* The socket calls attaching needs (bpf/net.c): packet sockets for
 * socket filters, NETLINK_ROUTE for tc. Each returns >= 0 (a new fd, a
 * byte count) or -errno, and is traced as SYS_SOCKET. */
int sys_socket(int domain, int type, int protocol, enum sys_tag tag, const char *why);
int sys_bind(int fd, const void *addr, unsigned int len, enum sys_tag tag,
	     const char *why);
int sys_setsockopt(int fd, int level, int optname, const void *val, unsigned int len,
		   enum sys_tag tag, const char *why);
long sys_send(int fd, const void *buf, size_t len, enum sys_tag tag, const char *why);
long sys_recv(int fd, void *buf, size_t len, enum sys_tag tag, const char *why);

/* mmap(NULL, @len, @prot, MAP_SHARED, @fd, @off) of a BPF ring buffer or a
 * perf ring: the mapping, or MAP_FAILED with errno set. */
void *sys_mmap(size_t len, int prot, int fd, long off, enum sys_tag tag, const char *why);

/* Append @text to the file at @path (a tracefs control file such as
 * kprobe_events): 0 or -errno. */
int sys_write_file(const char *path, const char *text, enum sys_tag tag, const char *why);

/* "BPF_MAP_CREATE" etc. */
const char *sys_bpf_cmd_name(int cmd);

/* Commands whose result is a new fd (to keep above 2). */
int sys_bpf_cmd_returns_fd(int cmd);

#endif
