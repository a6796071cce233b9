#!/usr/bin/env bash
# --pid PID: uprobe-family attaches that fire in one process only. Two
# copies of a target run the same binary, each held on a fifo until
# rawload has attached with the pid of one of them, then released; the
# counts must be exactly that copy's calls, and the other copy's calls
# must not be counted. Each case has a control run without --pid that
# counts both, so a filter that never filters fails. Covered: uprobe and
# uretprobe (uprobe PMU, and the legacy tracefs path), uprobe.multi
# (link_create.uprobe_multi.pid), usdt (every site's uprobe, and the
# semaphore raised in that process only), --explain, plan, the note for
# hooks that take no process filter, and the errors.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

if [ "$(id -u)" -ne 0 ]; then
	bad "root" "the --pid tests attach uprobes; run as root"
	finish; exit 1
fi
for f in build/e2e/usdt_target $P/uprobe.bpf.o $P/umulti.bpf.o $P/usdt.bpf.o $P/hello.bpf.o; do
	[ -e "$f" ] || { bad "build" "$f missing: make progs usdt-targets"; finish; exit 1; }
done
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null

# The target: pid_target TAG N waits for a line on stdin, then calls
# add(TAG, i) for i = 0 .. N-1. TAG tells the two copies apart in what
# the programs record (uprobe.bpf.o's arg_sum, umulti.bpf.o's calls[TAG]).
T=$TMP/pid_target
cat >"$T.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
__attribute__((noinline)) long add(long tag, long i) { return tag * 1000 + i; }
int main(int argc, char **argv)
{
	long tag = argc > 2 ? atol(argv[1]) : 1, n = argc > 2 ? atol(argv[2]) : 1, s = 0;
	char line[16];

	if (!fgets(line, sizeof(line), stdin))
		return 1;
	for (long i = 0; i < n; i++)
		s += add(tag, i);
	printf("%ld\n", s);
	return 0;
}
EOF
cc -O0 -o "$T" "$T.c" || { bad "build" "cc $T.c"; finish; exit 1; }

# start_targets CMD-A -- CMD-B: both commands in the background, each
# reading a fifo held open here (fds 7 and 8), so each waits for its
# line; their pids in APID and BPID once each has exec'd its binary
# (a pid taken before the exec would still be bash's).
start_targets() {
	local a=() b=() f
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	b=("$@")
	rm -f "$TMP/a.go" "$TMP/b.go"
	mkfifo "$TMP/a.go" "$TMP/b.go"
	"${a[@]}" <"$TMP/a.go" >"$TMP/a.out" &
	APID=$!
	"${b[@]}" <"$TMP/b.go" >"$TMP/b.out" &
	BPID=$!
	exec 7>"$TMP/a.go" 8>"$TMP/b.go"
	for f in "$APID:${a[0]}" "$BPID:${b[0]}"; do
		for _ in $(seq 1 200); do
			[ "$(readlink "/proc/${f%%:*}/exe")" = "$(realpath "${f#*:}")" ] && break
			sleep 0.02
		done
	done
}
# release_targets: both copies run to their end
release_targets() {
	echo go >&7
	echo go >&8
	exec 7>&- 8>&-
	wait $APID || bad "target A (pid $APID)" "exit $?"
	wait $BPID || bad "target B (pid $BPID)" "exit $?"
}

# pid_run NAME [env...] -- RAWLOAD-ARGS...: rawload attached while both
# copies wait, the copies released, then rawload stopped; its
# --dump-maps --json in $TMP/NAME.json, its stderr in $TMP/NAME.err.
pid_run() {
	local name=$1 envs=() pid
	shift
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env "${envs[@]}" $RAWLOAD "$@" --duration 30 --dump-maps --json \
		>"$TMP/$name.json" 2>"$TMP/$name.err" &
	pid=$!
	wait_running $pid || bad "$name: rawload attached" "$(cat "$TMP/$name.err")"
	release_targets
	kill -INT $pid
	wait $pid || bad "$name: rawload" "$(cat "$TMP/$name.err")"
}

# check_py NAME RUN PYTHON-EXPR: EXPR with b = .bss's value in RUN's dump
check_py() {
	local name=$1 run=$2 expr=$3 res
	res=$(python3 - "$TMP/$run.json" "$expr" <<'PY' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
maps = {m["name"]: m for m in d["maps"]}
b = maps[".bss"]["entries"][0]["value"]
ok = eval(sys.argv[2])
print("ok" if ok is True else "got: .bss=%s" % b)
PY
)
	[ "$res" = ok ] && ok "$name" || bad "$name" "$res"
}

# ---- uprobe / uretprobe: A calls add(1, i) 3 times, B add(2, i) 7 times ----
# arg_sum is the sum of the two arguments: A 3*1 + (0+1+2) = 6, B 7*2 +
# (0+..+6) = 35; last_ret is add's int return value.
U=(--attach "uprobe:$T:add" --attach "uretprobe:$T:add")
start_targets "$T" 1 3 -- "$T" 2 7
pid_run u_all -- $P/uprobe.bpf.o "${U[@]}"
check_py "uprobe without --pid (control): both copies, 10 calls" u_all \
	'b["entries"] == 10 and b["returns"] == 10 and b["arg_sum"] == 41'

start_targets "$T" 1 3 -- "$T" 2 7
pid_run u_a -- $P/uprobe.bpf.o "${U[@]}" --pid $APID
check_py "uprobe --pid A (PMU): A's 3 calls only (arg_sum 6), none of B's" u_a \
	'b["entries"] == 3 and b["arg_sum"] == 6'
check_py "uretprobe --pid A (PMU): A's 3 returns only" u_a \
	'b["returns"] == 3 and b["last_ret"] == 1002'
expect "uprobe --pid: the attach line says it is one process's" 0 \
	"attached 'probe_fn' to uprobe:$T:add \(in process --pid only\)" \
	$RAWLOAD $P/uprobe.bpf.o --attach "uprobe:$T:add" --pid $$ --duration 0.3

start_targets "$T" 1 3 -- "$T" 2 7
pid_run u_legacy RAWLOAD_FORCE_LEGACY_KPROBE=1 -- $P/uprobe.bpf.o "${U[@]}" --pid $BPID
check_py "uprobe --pid B (legacy tracefs): B's 7 calls only (arg_sum 35)" u_legacy \
	'b["entries"] == 7 and b["arg_sum"] == 35'
check_py "uretprobe --pid B (legacy tracefs): B's 7 returns only" u_legacy \
	'b["returns"] == 7 and b["last_ret"] == 2006'
if grep -q "rawload_$$" /sys/kernel/tracing/uprobe_events 2>/dev/null; then
	bad "legacy --pid: uprobe events removed" "$(cat /sys/kernel/tracing/uprobe_events)"
fi

# ---- --explain: the pid and cpu -1 in perf_event_open --------------------
start_targets "$T" 1 1 -- "$T" 2 1
pid_run u_explain -- $P/uprobe.bpf.o --attach "uprobe:$T:add" --pid $APID --explain
grep -qE "perf_event_open\(\{type=[0-9]+( \([a-z]+\))?, config=0, .*\}, pid=$APID, cpu=-1, " "$TMP/u_explain.err" &&
	ok "--explain: perf_event_open shows pid=$APID, cpu=-1" ||
	bad "--explain perf_event_open pid" "$(grep -A1 perf_event_open "$TMP/u_explain.err")"
grep -q "in process $APID" "$TMP/u_explain.err" &&
	ok "--explain: the purpose says 'in process $APID'" ||
	bad "--explain purpose" "$(grep -A1 perf_event_open "$TMP/u_explain.err")"

# ---- uprobe.multi: calls[TAG] counts each copy apart -----------------------
M=(--prog on_entry --attach "uprobe.multi:$T:add" --prog on_return --attach "uretprobe.multi:$T:add")
start_targets "$T" 1 3 -- "$T" 2 7
pid_run m_all -- $P/umulti.bpf.o "${M[@]}"
check_py "uprobe.multi without --pid (control): A 3 and B 7 calls" m_all \
	'b["calls"][1:3] == [3, 7] and b["rets"][1:3] == [3, 7]'

start_targets "$T" 1 3 -- "$T" 2 7
pid_run m_b -- $P/umulti.bpf.o "${M[@]}" --pid $BPID --explain
check_py "uprobe.multi --pid B: B's 7 calls, none of A's" m_b \
	'b["calls"][1:3] == [0, 7] and b["other"] == 0'
check_py "uretprobe.multi --pid B: B's 7 returns, none of A's" m_b \
	'b["rets"][1:3] == [0, 7]'
grep -qE "uprobe_multi=\{path=\"$T\", .*pid=$BPID\}" "$TMP/m_b.err" &&
	ok "--explain: link_create.uprobe_multi shows pid=$BPID" ||
	bad "--explain uprobe_multi pid" "$(grep uprobe_multi "$TMP/m_b.err")"

# ---- usdt: A runs 2 rounds, B 5; the semaphore is raised in A only -------
UT=build/e2e/usdt_target
S=(--prog on_args --attach "usdt:$UT:rawload_test:args" --prog on_sema
   --attach "usdt:$UT:rawload_test:sema")
start_targets "$UT" 2 0 wait -- "$UT" 5 0 wait
pid_run s_all -- $P/usdt.bpf.o "${S[@]}"
check_py "usdt without --pid (control): 2 + 5 rounds" s_all \
	'b["args_hits"] == 7 and b["sema_hits"] == 7'

start_targets "$UT" 2 0 wait -- "$UT" 5 0 wait
pid_run s_a -- $P/usdt.bpf.o "${S[@]}" --pid $APID
check_py "usdt --pid A: A's 2 rounds only, args and semaphore-guarded probe" s_a \
	'b["args_hits"] == 2 and b["sema_hits"] == 2 and b["sema_last"] == 101'
[ "$(grep -c '^semaphore: 1$' "$TMP/a.out")" = 2 ] &&
	ok "usdt --pid A: A's semaphore was 1 in both rounds" ||
	bad "usdt --pid A: A's semaphore" "$(cat "$TMP/a.out")"
[ "$(grep -c '^semaphore: 0$' "$TMP/b.out")" = 5 ] &&
	ok "usdt --pid A: B's semaphore stayed 0 (no uprobe in B)" ||
	bad "usdt --pid A: B's semaphore" "$(cat "$TMP/b.out")"

# ---- plan, the note for other hooks, the errors ---------------------------
out=$($RAWLOAD plan $P/uprobe.bpf.o --attach "uprobe:$T:add" --pid $$ 2>&1)
grep -qE "probe_fn +-> uprobe:$T:add \(--attach; only in process $$ \(--pid\)\)" <<<"$out" &&
	ok "plan: the uprobe is in process $$ only" || bad "plan --pid" "$out"
out=$($RAWLOAD plan $P/hello.bpf.o --prog hello_tp --pid $$ 2>&1)
grep -qE "hello_tp +-> tracepoint:syscalls/sys_enter_execve \(the section's target; --pid $$ does not apply: every process\)" <<<"$out" &&
	ok "plan: --pid does not apply to a tracepoint" || bad "plan --pid tracepoint" "$out"
expect "a tracepoint with --pid attaches, with a note that it sees every process" 0 \
	"note: --pid $$ does not apply to tracepoint:syscalls/sys_enter_execve: a kernel hook runs in every process" \
	$RAWLOAD $P/hello.bpf.o --prog hello_tp --pid $$ --duration 0.3
expect "--pid of no process: exit 2, naming it" 2 \
	"rawload: --pid 999999999: no such process: /proc/999999999: ENOENT" \
	$RAWLOAD $P/uprobe.bpf.o --attach "uprobe:$T:add" --pid 999999999
expect "--pid not a number: exit 2" 2 "rawload: --pid 'abc': expected a process id" \
	$RAWLOAD $P/uprobe.bpf.o --pid abc
expect "--pid given twice: exit 2" 2 "rawload: --pid '1': only one --pid \(already $$\)" \
	$RAWLOAD $P/uprobe.bpf.o --pid $$ --pid 1

finish
