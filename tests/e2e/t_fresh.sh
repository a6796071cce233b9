#!/usr/bin/env bash
# A fresh machine: no tracefs, no debugfs, no bpffs. Each check runs in a
# mount namespace of its own (unshare -m, private propagation) where those
# are unmounted, so the host's mounts are never touched, whatever the other
# scripts mounted before. rawload must mount what it needs, once, say so,
# and tell a missing tracefs from a missing tracepoint.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

if [ "$(id -u)" -ne 0 ]; then
	bad "root" "the fresh-machine tests need root (unshare -m, loads); run 'sudo make test'"
	finish; exit 1
fi

# bare CMD...: CMD in a new mount namespace without tracefs, debugfs and
# bpffs. A stat of /sys/kernel/debug/tracing automounts tracefs there, so
# each is unmounted a bounded number of times, innermost first.
cat >"$TMP/bare" <<'EOF'
for m in /sys/kernel/debug/tracing /sys/kernel/tracing /sys/kernel/debug /sys/fs/bpf; do
	for i in 1 2 3; do mountpoint -q "$m" 2>/dev/null && umount -l "$m"; done
done
if mount | grep -qE ' type (tracefs|debugfs|bpf) '; then
	echo "bare: still mounted: $(mount | grep -E ' type (tracefs|debugfs|bpf) ')"; exit 97
fi
exec "$@"
EOF
bare() { unshare -m --propagation private bash "$TMP/bare" "$@"; }

# 1. The README's first command's real work, as a new user runs it.
out=$(bare bash scripts/hello.sh 2>&1); rc=$?
n=$(sed -n '/^map counts/{n;s/^ *0 = //p;q}' <<<"$out")
if [ $rc -eq 0 ] && grep -q '^rawload: mounted tracefs at /sys/kernel/tracing$' <<<"$out" &&
   grep -q 'bpf_trace_printk: hello from pid [0-9]' <<<"$out" && [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ]; then
	ok "scripts/hello.sh without tracefs or bpffs: tracefs mounted, hello line shown, counts = $n"
else
	bad "scripts/hello.sh without tracefs or bpffs" "exit $rc: $(tail -c 800 <<<"$out")"
fi
c=$(grep -c '^rawload: mounted tracefs' <<<"$out")
check "tracefs mounted once in a run that reads a tracepoint id and trace_pipe" "$c" "v == 1"

# 2. The tracepoint id alone (no bpf_printk to read): mounted before it.
out=$(bare $RAWLOAD $P/maps.bpf.o --prog on_getpid --duration 1 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$(grep -c '^rawload: mounted tracefs at /sys/kernel/tracing$' <<<"$out")" = 1 ] &&
   grep -q "attached 'on_getpid' to tracepoint:syscalls/sys_enter_getpid" <<<"$out"; then
	ok "tracepoint attach without tracefs mounts it first, once"
else
	bad "tracepoint attach without tracefs" "exit $rc: $(tail -c 600 <<<"$out")"
fi

# --explain shows the mount among the other calls
expect "--explain: the tracefs mount, decoded like the other calls" 0 \
	'^  \[mount\] mount\("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL\) = 0$' \
	bare $RAWLOAD $P/maps.bpf.o --prog on_getpid --duration 0.3 --explain

# 3. A missing tracepoint, category or event, is not a missing tracefs.
expect "a missing tracepoint category is named, with where to look" 1 \
	"tracepoint rl_nosuchcat:foo: this kernel has no tracepoint category 'rl_nosuchcat' \(no /sys/kernel/tracing/events/rl_nosuchcat\); list the categories with 'ls /sys/kernel/tracing/events'" \
	bare $RAWLOAD $P/hello.bpf.o --prog hello_tp --attach tracepoint:rl_nosuchcat:foo
expect "a missing tracepoint event is named, with its category's list" 1 \
	"tracepoint syscalls:sys_enter_rl_nosuch: category 'syscalls' has no event 'sys_enter_rl_nosuch' .*'ls /sys/kernel/tracing/events/syscalls'" \
	bare $RAWLOAD $P/hello.bpf.o --prog hello_tp --attach tracepoint:syscalls:sys_enter_rl_nosuch

# 4. tracefs that cannot be mounted (no CAP_SYS_ADMIN; CAP_BPF and
#    CAP_PERFMON still load and attach): the error says tracefs, and how.
expect "tracefs that cannot be mounted is reported as such, with the mount command" 1 \
	"tracepoint syscalls:sys_enter_execve: tracefs is not mounted \(at /sys/kernel/tracing or /sys/kernel/debug/tracing\) and mounting it failed: EPERM.*mount -t tracefs tracefs /sys/kernel/tracing" \
	bare setpriv --inh-caps -sys_admin --bounding-set -sys_admin $RAWLOAD $P/hello.bpf.o --prog hello_tp --duration 1

# 5. A legacy uprobe event (tracefs uprobe_events, forced) without tracefs:
#    mounted, attached, and the event removed at exit.
out=$(bare bash -c 'RAWLOAD_FORCE_LEGACY_KPROBE=1 "$@"; rc=$?
	echo "left: $(grep -c rawload_ /sys/kernel/tracing/uprobe_events)"; exit $rc' \
	bare $RAWLOAD $P/uprobe.bpf.o --prog probe_fn --attach uprobe:libc.so.6:getpid --duration 1 2>&1)
rc=$?
if [ $rc -eq 0 ] && grep -q '^rawload: mounted tracefs at /sys/kernel/tracing$' <<<"$out" &&
   grep -q "attached 'probe_fn'" <<<"$out" && grep -q '^left: 0$' <<<"$out"; then
	ok "legacy uprobe without tracefs: tracefs mounted, attached, event removed at exit"
else
	bad "legacy uprobe without tracefs" "exit $rc: $(tail -c 600 <<<"$out")"
fi

# 6. --pin under /sys/fs/bpf without bpffs: mounted (in this namespace
#    only, so the pins go with it).
expect "--pin without bpffs mounts it and pins" 0 \
	'^rawload: mounted bpf at /sys/fs/bpf' \
	bare bash -c '"$@" && test -e /sys/fs/bpf/rl-fresh/maps/counts' bare \
	$RAWLOAD $P/hello.bpf.o --no-attach --pin /sys/fs/bpf/rl-fresh

finish
