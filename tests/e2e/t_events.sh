#!/usr/bin/env bash
# While a program runs, rawload prints what it says: bpf_printk lines from
# trace_pipe and ring buffer records, as text and as JSON lines.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh
[ "$(id -u)" -eq 0 ] || { bad "root" "needs root"; finish; exit 1; }

$RAWLOAD $P/printk.bpf.o --duration 3 >"$TMP/p.out" 2>"$TMP/p.err" &
pid=$!
wait_running $pid
for _ in 1 2 3; do /bin/true; done
wait $pid
if grep -q 'rawload-printk exec by pid [0-9]' "$TMP/p.out"; then
	ok "bpf_printk lines are printed while the program runs"
else
	bad "bpf_printk" "stdout: $(head -c 300 "$TMP/p.out") stderr: $(cat "$TMP/p.err")"
fi

# maps.bpf.o submits a 32-byte record (pid, tgid, ts, comm) per getpid.
$RAWLOAD $P/maps.bpf.o --duration 3 --json >"$TMP/r.out" 2>"$TMP/r.err" &
pid=$!
wait_running $pid
python3 -c 'import os; [os.getpid() for _ in range(20)]'
wait $pid
rm -f /sys/fs/bpf/pinned_totals
comm_hex=$(printf 'python3' | od -An -tx1 | tr -d ' \n')
n=$(grep -c "\"ringbuf\":\"events\",\"size\":32,\"data\":\"[0-9a-f]\{32\}$comm_hex" "$TMP/r.out")
if [ "$n" -ge 20 ]; then
	ok "ring buffer records arrive as JSON lines ($n from python3)"
else
	bad "ring buffer" "$n records from python3; $(head -c 300 "$TMP/r.out") $(cat "$TMP/r.err")"
fi

# The same ring buffer records formatted as the struct they are.
$RAWLOAD $P/maps.bpf.o --duration 3 --json --format "events=struct event" >"$TMP/rf.out" 2>"$TMP/rf.err" &
pid=$!
wait_running $pid
python3 -c 'import os; [os.getpid() for _ in range(10)]'
wait $pid
rm -f /sys/fs/bpf/pinned_totals
n=$(grep -c '"ringbuf":"events","size":32,"data":{"pid":[0-9]*,"tgid":[0-9]*,"ts_ns":[0-9]*,"comm":"python3"}' "$TMP/rf.out")
if [ "$n" -ge 10 ]; then
	ok "ring buffer records formatted by --format as struct event ($n from python3)"
else
	bad "ring buffer --format" "$n; $(head -c 400 "$TMP/rf.out") $(cat "$TMP/rf.err")"
fi

# perfbuf.bpf.o: bpf_perf_event_output into per-CPU perf rings; with
# --format the records print as the struct they are.
$RAWLOAD $P/perfbuf.bpf.o --duration 3 --json --format "samples=struct pb_sample" \
	>"$TMP/pb.out" 2>"$TMP/pb.err" &
pid=$!
wait_running $pid
python3 -c 'import os; [os.getpid() for _ in range(15)]'
wait $pid
n=$(grep -c '"perfbuf":"samples","cpu":[0-9]*,"size":[0-9]*,"data":{"pid":[0-9]*,"seq":[0-9]*,"comm":"python3"}' "$TMP/pb.out")
if [ "$n" -ge 15 ]; then
	ok "perf buffer samples arrive per CPU, formatted by --format ($n from python3)"
else
	bad "perf buffer" "$n; $(head -c 400 "$TMP/pb.out") $(cat "$TMP/pb.err")"
fi
# A perf event array sized past the CPUs (max_entries 1024): one ring per
# possible CPU, as libbpf opens them; perf_event_open refuses the others.
$RAWLOAD $P/perfbuf.bpf.o --resize samples=1024 --duration 3 --json \
	--format "samples=struct pb_sample" >"$TMP/pbw.out" 2>"$TMP/pbw.err" &
pid=$!
wait_running $pid
python3 -c 'import os; [os.getpid() for _ in range(15)]'
if wait $pid; then
	n=$(grep -c '"perfbuf":"samples".*"comm":"python3"' "$TMP/pbw.out")
	check "a perf array of 1024 slots on $(nproc) CPUs: a ring per CPU, samples arrive" "$n" "v >= 15"
else
	bad "a perf array of 1024 slots" "$(tail -3 "$TMP/pbw.err")"
fi
# tools.bpf.o, a libbpf-bootstrap style tracer: exec and exit records in a
# ring buffer sized in events (rounded up to pages, as libbpf does), filled
# by a __weak __hidden helper; exec records only for targ_comm, a filter
# in the custom section .rodata.filters set with --set.
$RAWLOAD $P/tools.bpf.o --duration 1.5 --json --dump-maps --format "rb=struct event" \
	--set targ_comm=true >"$TMP/t.out" 2>"$TMP/t.err" &
pid=$!
wait_running $pid
(exec sh -c '/bin/true; sh -c "exit 7"') &
trig=$!
wait $trig
wait $pid
ev() { grep -c "\"ringbuf\":\"rb\",\"size\":104,\"data\":{$1" "$TMP/t.out"; }
n=$(ev "\"pid\":[0-9]*,\"ppid\":$trig,\"exit_code\":0,\"exit_event\":0,\"duration_ns\":0,\"comm\":\"true\",\"filename\":\"/bin/true\"}")
[ "$n" -eq 1 ] && ok "tools: exec record of /bin/true, its parent read with BPF_CORE_READ" ||
	bad "tools exec record" "$n; $(grep -m3 ringbuf "$TMP/t.out") $(cat "$TMP/t.err")"
n=$(ev "\"pid\":[0-9]*,\"ppid\":$trig,\"exit_code\":7,\"exit_event\":1,\"duration_ns\":[1-9][0-9]*,\"comm\":\"sh\"")
[ "$n" -eq 1 ] && ok "tools: exit record of sh -c 'exit 7' with its exit code and lifetime" ||
	bad "tools exit record" "$n; $(grep -m3 '"exit_event":1' "$TMP/t.out")"
n=$(grep '"exit_event":0' "$TMP/t.out" | grep -vc '"comm":"true"')
[ "$n" -eq 0 ] && ok "tools: --set targ_comm=true in .rodata.filters leaves only true's execs" ||
	bad "tools targ_comm filter" "$n other exec records: $(grep -m2 '"exit_event":0' "$TMP/t.out")"
check_bss() {
	python3 - "$TMP/t.out" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1]).read().splitlines()[-1])
b = [m for m in d["maps"] if m["name"] == ".bss"][0]["entries"][0]["value"]
print("ok" if b["execs"] >= 1 and b["exits"] >= 2 and b["forks"] >= 1 else b)
PY
}
r=$(check_bss 2>&1)
[ "$r" = ok ] && ok "tools: .bss counts execs, exits and forks (raw_tp/ short form)" ||
	bad "tools .bss counts" "$r"

expect "--format with an unknown struct says why clang may have left it out" 2 \
	"no type 'struct nope' in the object's BTF; clang records only types that globals, maps or function signatures use" \
	$RAWLOAD $P/perfbuf.bpf.o --no-attach --format "samples=struct nope"
expect "--format with an unknown bare name asks for 'struct NAME'" 2 \
	"no type 'nope' in the object's BTF \(spell structs 'struct NAME'\)" \
	$RAWLOAD $P/perfbuf.bpf.o --no-attach --format "samples=nope"
expect "--format on a map that is no buffer is refused" 2 "is not a ring buffer or perf event array" \
	$RAWLOAD $P/globals.bpf.o --no-attach --format ".bss=int"
# ---- an event struct declared only in a header (bcc's libbpf-tools) ----
# execsnoop.bpf.o's struct event is in execsnoop.h and only pointed to, so
# not in the object's BTF: --format alone cannot name it; the header,
# compiled once with -g, is given with --types. Its records are
# variable-length (only the args bytes used are sent): every complete
# field is printed, the args sent, and where the record ends.
expect "--format of a header-only struct points to --types" 2 \
	"no type 'struct event' in the object's BTF; .*give the tool's header as BTF with --types FILE" \
	$RAWLOAD $P/execsnoop.bpf.o --no-attach --format "events=struct event"
CL=$(command -v clang-19 || command -v clang)
printf '#include "execsnoop.h"\nstruct event *e;\n' |
	$CL -g -c -target bpf -I tests/progs -x c - -o "$TMP/execsnoop-types.o"
expect "--types of a missing file is bad usage" 2 "--types $TMP/nope.o: $TMP/nope.o: cannot open: ENOENT" \
	$RAWLOAD $P/execsnoop.bpf.o --no-attach --types "$TMP/nope.o" --format "events=struct event"
expect "--types of a file without BTF says so" 2 "--types /bin/true: .*\.BTF" \
	$RAWLOAD $P/execsnoop.bpf.o --no-attach --types /bin/true
$RAWLOAD $P/execsnoop.bpf.o --types "$TMP/execsnoop-types.o" --format "events=struct event" \
	--duration 3 --json >"$TMP/es.out" 2>"$TMP/es.err" &
pid=$!
wait_running $pid
/bin/echo rl-first-arg rl-second-arg >/dev/null
wait $pid
line=$(grep -m1 'rl-first-arg' "$TMP/es.out")
if jq -e '.data.comm != null and .data.args_count == 3 and
	  .data.args == "/bin/echo\u0000rl-first-arg\u0000rl-second-arg" and
	  (.data["(cut)"] | test("^[0-9]+ of 292 bytes$")) and .size < 292' <<<"$line" >/dev/null; then
	ok "a variable-length record through --types: complete fields, every argument sent, the cut marked"
else
	bad "execsnoop with --types" "line: $line; err: $(cat "$TMP/es.err")"
fi
# Without --format: the hex record, and if exactly one struct of the
# object's BTF has the record's size, a hint naming it (once).
$RAWLOAD $P/maps.bpf.o --prog on_getpid --duration 2 >"$TMP/h.out" 2>"$TMP/h.err" &
pid=$!
wait_running $pid
python3 -c 'import os; [os.getpid() for _ in range(5)]'
wait $pid
rm -f /sys/fs/bpf/pinned_totals
check "a record without --format: the hint comes once" \
	"$(grep -c "^rawload: events: its 32-byte records are printed in hex; 'struct event' (in the object's BTF, 32 bytes) has their size: --format events='struct event' prints them field by field$" "$TMP/h.err")" "v == 1"
expect "text lines carry a timestamp and their source" 0 '^\[ *[0-9]+\.[0-9]{6}\] printk: .*rawload-printk' \
	cat "$TMP/p.out"
# A flood (issue 15, item 6): a bpf_printk on every system call of
# rawload's own, whose reads of trace_pipe make more lines to read. The run
# must still end at --duration and at SIGINT (a hang here is caught by
# timeout, not measured), print at most EVENTS_RATE (20000) lines a second
# (3 windows: seconds 0, 1 and the final drain in 2), and say so.
F=$P/printk_flood.bpf.o
timeout -s KILL 60 bash -c 'exec "$1" "$2" --set target_tgid=$$ --duration 2 2>"$3"' \
	x "$RAWLOAD" "$F" "$TMP/flood.err" >"$TMP/flood.out"; rc=$?
out=$(wc -l <"$TMP/flood.out")
if [ $rc -eq 0 ] && [ "$out" -ge 1000 ] && [ "$out" -le 60000 ] &&
   grep -q 'trace_pipe left unread for the rest of it' "$TMP/flood.err" &&
   grep -q 'at most 20000 events printed a second' "$TMP/flood.err"; then
	ok "a self-feeding bpf_printk flood ends at --duration 2 with $out lines (at most 20000 a second), drops reported"
else
	bad "printk flood with --duration" "exit $rc, $out lines: $(tail -c 400 "$TMP/flood.err")"
fi
bash -c 'exec "$1" "$2" --set target_tgid=$$ >/dev/null 2>"$3"' x "$RAWLOAD" "$F" "$TMP/flood2.err" &
pid=$!
wait_running $pid || sleep 1
sleep 1
kill -INT $pid
for i in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then
	kill -KILL $pid; wait $pid
	bad "printk flood and SIGINT" "still running 10 s after SIGINT: $(tail -c 300 "$TMP/flood2.err")"
else
	wait $pid; rc=$?
	check "a bpf_printk flood stops at SIGINT (exit status)" "$rc" "v == 0"
fi
finish
