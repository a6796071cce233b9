/*
 * bpf/sys.c - the choke points (see sys.h).
 */
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static sys_trace_fn sys_trace;

void sys_set_trace(sys_trace_fn fn)
{
	sys_trace = fn;
}

/* Move an fd in 0..2 above 2, keeping close-on-exec. */
static long keep_above_stdio(long fd)
{
	long nfd;

	if (fd < 0 || fd > 2)
		return fd;
	nfd = fcntl((int)fd, F_DUPFD_CLOEXEC, 3);
	close((int)fd);
	return nfd < 0 ? -errno : nfd;
}

static void trace(enum sys_kind kind, int cmd, const void *attr,
		  unsigned int size, const long args[4], long res,
		  enum sys_tag tag, const char *why)
{
	struct sys_call c = {
		.kind = kind, .cmd = cmd, .attr = attr, .size = size,
		.result = res, .tag = tag, .why = why,
	};

	if (!sys_trace)
		return;
	for (int i = 0; args && i < 4; i++)
		c.args[i] = args[i];
	sys_trace(&c);
}

int sys_bpf_cmd_returns_fd(int cmd)
{
	switch (cmd) {
	case BPF_MAP_CREATE: case BPF_PROG_LOAD: case BPF_OBJ_GET:
	case BPF_PROG_GET_FD_BY_ID: case BPF_MAP_GET_FD_BY_ID:
	case BPF_BTF_LOAD: case BPF_BTF_GET_FD_BY_ID:
	case BPF_RAW_TRACEPOINT_OPEN: case BPF_LINK_CREATE:
	case BPF_LINK_GET_FD_BY_ID: case BPF_ITER_CREATE:
		return 1;
	default:
		return 0;
	}
}

long sys_bpf(int cmd, union bpf_attr *attr, unsigned int size,
	     enum sys_tag tag, const char *why)
{
	long ret = syscall(__NR_bpf, cmd, attr, size);
	long res = ret < 0 ? -errno : ret;

	if (res >= 0 && sys_bpf_cmd_returns_fd(cmd))
		res = keep_above_stdio(res);
	trace(SYS_BPF, cmd, attr, size, NULL, res, tag, why);
	return res;
}

int sys_perf_event_open(struct perf_event_attr *attr, int pid, int cpu,
			int group_fd, unsigned long flags, enum sys_tag tag,
			const char *why)
{
	long args[4] = { pid, cpu, group_fd, (long)flags };
	long ret = syscall(__NR_perf_event_open, attr, pid, cpu, group_fd, flags);
	long res = ret < 0 ? -errno : keep_above_stdio(ret);

	trace(SYS_PERF_EVENT_OPEN, 0, attr, attr->size, args, res, tag, why);
	return (int)res;
}

int sys_ioctl(int fd, unsigned long request, unsigned long arg,
	      enum sys_tag tag, const char *why)
{
	long args[4] = { fd, (long)arg, 0, 0 };
	int ret = ioctl(fd, request, arg);
	long res = ret < 0 ? -errno : ret;

	trace(SYS_IOCTL, (int)request, NULL, 0, args, res, tag, why);
	return (int)res;
}

const char *sys_bpf_cmd_name(int cmd)
{
	static const char *const names[] = {
		"BPF_MAP_CREATE", "BPF_MAP_LOOKUP_ELEM", "BPF_MAP_UPDATE_ELEM",
		"BPF_MAP_DELETE_ELEM", "BPF_MAP_GET_NEXT_KEY", "BPF_PROG_LOAD",
		"BPF_OBJ_PIN", "BPF_OBJ_GET", "BPF_PROG_ATTACH", "BPF_PROG_DETACH",
		"BPF_PROG_TEST_RUN", "BPF_PROG_GET_NEXT_ID", "BPF_MAP_GET_NEXT_ID",
		"BPF_PROG_GET_FD_BY_ID", "BPF_MAP_GET_FD_BY_ID",
		"BPF_OBJ_GET_INFO_BY_FD", "BPF_PROG_QUERY",
		"BPF_RAW_TRACEPOINT_OPEN", "BPF_BTF_LOAD", "BPF_BTF_GET_FD_BY_ID",
		"BPF_TASK_FD_QUERY", "BPF_MAP_LOOKUP_AND_DELETE_ELEM",
		"BPF_MAP_FREEZE", "BPF_BTF_GET_NEXT_ID", "BPF_MAP_LOOKUP_BATCH",
		"BPF_MAP_LOOKUP_AND_DELETE_BATCH", "BPF_MAP_UPDATE_BATCH",
		"BPF_MAP_DELETE_BATCH", "BPF_LINK_CREATE", "BPF_LINK_UPDATE",
		"BPF_LINK_GET_FD_BY_ID", "BPF_LINK_GET_NEXT_ID", "BPF_ENABLE_STATS",
		"BPF_ITER_CREATE", "BPF_LINK_DETACH", "BPF_PROG_BIND_MAP",
	};
	if (cmd >= 0 && (size_t)cmd < sizeof(names) / sizeof(names[0]))
		return names[cmd];
	return "BPF_?";
}

int sys_socket(int domain, int type, int protocol, enum sys_tag tag, const char *why)
{
	long args[4] = { domain, type, protocol, 0 };
	int ret = socket(domain, type, protocol);
	long res = ret < 0 ? -errno : keep_above_stdio(ret);

	trace(SYS_SOCKET, SOCK_OPEN, NULL, 0, args, res, tag, why);
	return (int)res;
}

int sys_bind(int fd, const void *addr, unsigned int len, enum sys_tag tag,
	     const char *why)
{
	long args[4] = { fd, 0, 0, len };
	int ret = bind(fd, (const struct sockaddr *)addr, len);
	long res = ret < 0 ? -errno : ret;

	trace(SYS_SOCKET, SOCK_BIND, addr, len, args, res, tag, why);
	return (int)res;
}

int sys_setsockopt(int fd, int level, int optname, const void *val, unsigned int len,
		   enum sys_tag tag, const char *why)
{
	long args[4] = { fd, level, optname, len };
	int ret = setsockopt(fd, level, optname, val, len);
	long res = ret < 0 ? -errno : ret;

	trace(SYS_SOCKET, SOCK_SETSOCKOPT, val, len, args, res, tag, why);
	return (int)res;
}

long sys_send(int fd, const void *buf, size_t len, enum sys_tag tag, const char *why)
{
	long args[4] = { fd, 0, 0, (long)len };
	long ret = send(fd, buf, len, 0);
	long res = ret < 0 ? -errno : ret;

	trace(SYS_SOCKET, SOCK_SEND, buf, (unsigned int)len, args, res, tag, why);
	return res;
}

long sys_recv(int fd, void *buf, size_t len, enum sys_tag tag, const char *why)
{
	long args[4] = { fd, 0, 0, (long)len };
	long ret = recv(fd, buf, len, 0);
	long res = ret < 0 ? -errno : ret;

	trace(SYS_SOCKET, SOCK_RECV, NULL, 0, args, res, tag, why);
	return res;
}

void *sys_mmap(size_t len, int prot, int fd, long off, enum sys_tag tag, const char *why)
{
	long args[4] = { (long)len, prot, fd, off };
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)off);
	int e = errno;

	trace(SYS_MMAP, 0, NULL, 0, args, p == MAP_FAILED ? -e : (long)(uintptr_t)p, tag, why);
	errno = e;
	return p;
}

int sys_write_file(const char *path, const char *text, enum sys_tag tag, const char *why)
{
	long args[4] = { (long)(uintptr_t)path, 0, 0, 0 };
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	long res;

	if (fd < 0) {
		res = -errno;
	} else {
		ssize_t n = write(fd, text, strlen(text));

		res = n < 0 ? -errno : n;
		close(fd);
	}
	trace(SYS_WRITE, 0, text, (unsigned int)strlen(text), args, res, tag, why);
	return res < 0 ? (int)res : 0;
}
