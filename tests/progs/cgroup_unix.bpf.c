// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup_unix.bpf.c - the AF_UNIX hooks of cgroup sock_addr programs
 * (Linux 6.7+), each counting and allowing; connect_unix also redirects:
 *
 *   rawload cgroup_unix.bpf.o --attach cgroup:/sys/fs/cgroup/NAME --set tag=N
 *
 * A connect() from the cgroup to the abstract address "\0rawload-redirect"
 * goes to "\0rawload-unix-XXXXXXXX" instead (N in hex), the way a service
 * mesh moves a client to a proxy's socket without telling it: the program
 * writes the new address with the bpf_sock_addr_set_sun_path kfunc, the
 * only way to change an AF_UNIX address (ctx->user_ip4 and friends are
 * the inet hooks').
 *
 * The hooks run only where the kernel has an address to show the
 * program: sendmsg with a destination (sendto), recvmsg asking for the
 * source (recvfrom) of a bound sender, getpeername/getsockname of a socket
 * with an address (net/unix/af_unix.c).
 *
 * Only addresses in the abstract names "\0rawload-..." are counted. Other
 * programs in the cgroup use AF_UNIX too, and how often depends on the
 * machine: glibc's NSS tries /var/run/nscd/socket for every user lookup
 * (bash does one when HOME is unset), and a pyenv shim runs a dozen
 * processes before python starts.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

enum hook {
	H_CONNECT, H_SENDMSG, H_RECVMSG, H_GETPEERNAME, H_GETSOCKNAME,
	H_REDIRECTED,	/* connects sent to "\0rawload-unix-XXXXXXXX" */
	H_MAX
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, H_MAX);
	__type(key, __u32);	/* enum hook */
	__type(value, __u64);	/* calls */
} unix_calls SEC(".maps");

/* --set tag=N: which "\0rawload-unix-XXXXXXXX" this run redirects to, so
 * two test runs at once do not meet */
const volatile __u32 tag;

/* kfuncs (6.2+ and 6.7+): the kernel's view of the context, and the one
 * setter of an AF_UNIX address (length from the buffer's size) */
extern void *bpf_cast_to_kern_ctx(void *obj) __ksym;
extern int bpf_sock_addr_set_sun_path(struct bpf_sock_addr_kern *sa_kern,
				      const __u8 *sun_path, __u32 sun_path__sz) __ksym;

static void add(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&unix_calls, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
}

#define SUN_PATH_OFF 2	/* offsetof(struct sockaddr_un, sun_path) */

/* Does the address the hook sees start with the n bytes of want (n at
 * most 17, the length of "\0rawload-redirect")? With exact set, is it
 * exactly those bytes? The address is kernel memory behind sa->uaddr, past
 * what struct sockaddr's BTF covers, so it is read with
 * bpf_probe_read_kernel. */
static __always_inline int addr_is(struct bpf_sock_addr_kern *sa,
				   const char *want, int n, int exact)
{
	char got[17];

	if (exact ? sa->uaddrlen != SUN_PATH_OFF + n : sa->uaddrlen < SUN_PATH_OFF + n)
		return 0;
	if (bpf_probe_read_kernel(got, n, (char *)sa->uaddr + SUN_PATH_OFF))
		return 0;
	for (int i = 0; i < n; i++)
		if (got[i] != want[i])
			return 0;
	return 1;
}

/* Count the call if its address is one of the test's abstract names. */
static int count(struct bpf_sock_addr *ctx, __u32 key)
{
	static const char ours[] = "\0rawload-";

	if (addr_is(bpf_cast_to_kern_ctx(ctx), ours, sizeof(ours) - 1, 0))
		add(key);
	return 1;	/* allow */
}

SEC("cgroup/connect_unix")
int on_connect_unix(struct bpf_sock_addr *ctx)
{
	static const char prefix[] = "\0rawload-unix-";
	static const char from[] = "\0rawload-redirect";
	struct bpf_sock_addr_kern *sa = bpf_cast_to_kern_ctx(ctx);
	__u8 to[sizeof(prefix) - 1 + 8];
	int i;

	count(ctx, H_CONNECT);
	if (!addr_is(sa, from, sizeof(from) - 1, 1))
		return 1;
	for (i = 0; i < (int)sizeof(prefix) - 1; i++)
		to[i] = prefix[i];
	for (int d = 0; d < 8; d++) {
		__u32 nib = (tag >> (28 - 4 * d)) & 0xf;

		to[i + d] = nib < 10 ? '0' + nib : 'a' + nib - 10;
	}
	if (bpf_sock_addr_set_sun_path(sa, to, sizeof(to)) == 0)
		add(H_REDIRECTED);
	return 1;
}

SEC("cgroup/sendmsg_unix")
int on_sendmsg_unix(struct bpf_sock_addr *ctx)
{
	return count(ctx, H_SENDMSG);
}

SEC("cgroup/recvmsg_unix")
int on_recvmsg_unix(struct bpf_sock_addr *ctx)
{
	return count(ctx, H_RECVMSG);
}

SEC("cgroup/getpeername_unix")
int on_getpeername_unix(struct bpf_sock_addr *ctx)
{
	return count(ctx, H_GETPEERNAME);
}

SEC("cgroup/getsockname_unix")
int on_getsockname_unix(struct bpf_sock_addr *ctx)
{
	return count(ctx, H_GETSOCKNAME);
}
