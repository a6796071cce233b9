#!/usr/bin/env bash
# What bcc's libbpf-tools show, from rawload alone (issue 18): a log2
# histogram (runqlat's shape: hist.bpf.o) by --hist, every --interval and
# at exit; a stack-trace map whose value_size the tool's loader sets
# (stacks.bpf.o) by --value-size, its frames named from /proc/kallsyms;
# --dump-maps NAMES. Each run measures something this script makes happen.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

# ---- --hist: clock_nanosleep latencies of 'rlnap' (a copy of sleep: no
# other process of the machine is called that), in usecs ----
cp /bin/sleep "$TMP/rlnap"
NAP=$TMP/rlnap
# three sleeps of 20 ms land in slot 14 (16384 -> 32767 us); the row
# layout is bcc's print_log2_hist (a run of runqlat, side by side, agrees)
$RAWLOAD $P/hist.bpf.o --set targ_comm=rlnap --hist hists.slots=usecs --interval 1 --duration 2.5 \
	>"$TMP/h.out" 2>"$TMP/h.err" &
pid=$!
wait_running $pid
for i in 1 2 3; do $NAP 0.02; done
wait $pid; rc=$?
check "--hist: the run ends normally" "$rc" "v == 0"
check "--hist --interval 1: printed at 1 s and 2 s, and at exit" \
	"$(grep -c '^hists key 0 {"comm":"rlnap"}:$' "$TMP/h.out")" "v == 1"
check "  (the interval ones carry the run's time)" \
	"$(grep -c '^\[ *[12]\.[0-9]*\] hists key 0 {"comm":"rlnap"}:$' "$TMP/h.out")" "v == 2"
last=$(awk '/^hists key 0/ {f = 1} f' "$TMP/h.out")
expect "  the header row: the label, count, distribution (bcc's columns)" 0 \
	'^     usecs               : count    distribution$' echo "$last"
expect "  the 20 ms sleeps: 3 in 16384 -> 32767, the longest bar" 0 \
	'^     16384 -> 32767      : 3        \|\*{40}\|$' echo "$last"
expect "  rows from 0 -> 1 up to the last slot with a count, no further" 0 \
	'^         0 -> 1          : 0 +\|' echo "$last"
if grep -q -- '-> 65535\|-> 131071' <<<"$last" && ! grep -q '65535 *: [1-9]\|131071 *: [1-9]' <<<"$last"; then
	bad "  no empty rows past the last count" "$last"
else
	ok "  no empty rows past the last count"
fi
# the same through --json: one line per key, buckets with bounds
$RAWLOAD $P/hist.bpf.o --set targ_comm=rlnap --hist hists.slots=usecs --duration 1.5 --json \
	>"$TMP/hj.out" 2>"$TMP/hj.err" &
pid=$!
wait_running $pid
$NAP 0.02; $NAP 0.02
wait $pid
if jq -e 'select(.hist == "hists") | .key == 0 and .value.comm == "rlnap" and .unit == "usecs" and
	  (.buckets[14] | .low == 16384 and .high == 32767 and .count == 2) and
	  (.buckets[0] | .low == 0 and .high == 1)' "$TMP/hj.out" >/dev/null; then
	ok "--hist --json: a line per key, its other members, buckets with low/high/count"
else
	bad "--hist --json" "$(cat "$TMP/hj.out" "$TMP/hj.err" | head -c 600)"
fi
# per process (runqlat -P): a histogram per key
$RAWLOAD $P/hist.bpf.o --set targ_per_process=true --set targ_comm=rlnap --hist hists.slots \
	--duration 1.5 >"$TMP/hp.out" 2>"$TMP/hp.err" &
pid=$!
wait_running $pid
$NAP 0.02; $NAP 0.02
wait $pid
check "--hist per key: one histogram for each of the two rlnap processes" \
	"$(grep -c '^hists key [0-9]* {"comm":"rlnap"}:$' "$TMP/hp.out")" "v == 2"
expect "  FIELD is the label when none is given" 0 '^     slots               : count    distribution$' \
	head -n 2 "$TMP/hp.out"
expect "--hist of a map with no array of counts says what its value holds" 2 \
	"--hist start: the value of 'start' is INT, not an array of counts or a struct holding one" \
	$RAWLOAD $P/hist.bpf.o --hist start --no-attach
expect "--hist of a member that is not there" 2 "--hist hists.nope: the value of 'hists' has no member 'nope'" \
	$RAWLOAD $P/hist.bpf.o --hist hists.nope --no-attach
expect "--hist of a missing map" 2 "--hist nosuch: no map 'nosuch' in the object" \
	$RAWLOAD $P/hist.bpf.o --hist nosuch --no-attach
expect "--interval must be positive" 2 "--interval '0': expected a positive number" \
	$RAWLOAD $P/hist.bpf.o --interval 0

# ---- --dump-maps NAMES ----
out=$($RAWLOAD $P/hist.bpf.o --no-attach --dump-maps hists,.rodata 2>&1)
if grep -q '^map hists ' <<<"$out" && grep -q '^map .rodata ' <<<"$out" && ! grep -q '^map start ' <<<"$out"; then
	ok "--dump-maps a,b dumps those maps only"
else
	bad "--dump-maps NAMES" "$out"
fi
expect "--dump-maps=NAME works too" 0 '^map start ' $RAWLOAD $P/hist.bpf.o --no-attach --dump-maps=start
expect "--dump-maps of a missing map names it" 2 "--dump-maps hists,nosuch: no map 'nosuch' in the object" \
	$RAWLOAD $P/hist.bpf.o --no-attach --dump-maps hists,nosuch

# ---- stack traces: --value-size, frames named ----
expect "a stack-trace map without value_size: the loader's job, said before any syscall" 2 \
	"map 'stacks': value_size is 0: the object leaves it to the loader \(bpf_map__set_value_size\); give it with --value-size stacks=N \(8 bytes a frame" \
	$RAWLOAD $P/stacks.bpf.o --duration 1
$RAWLOAD $P/stacks.bpf.o --value-size stacks=1016 --duration 1.5 \
	--dump-maps stacks,counts --json >"$TMP/s.out" 2>"$TMP/s.err" &
pid=$!
wait_running $pid
python3 -c 'import os; [os.getpid() for _ in range(3)]'
wait $pid
jq -e '.maps[] | select(.name == "stacks") | .value_size == 1016' "$TMP/s.out" >/dev/null &&
	ok "--value-size stacks=1016: the map is made with that value_size" ||
	bad "--value-size" "$(head -c 400 "$TMP/s.out") $(cat "$TMP/s.err")"
frames=$(jq -r '.maps[] | select(.name == "stacks") | .entries[0].value | join(" ")' "$TMP/s.out")
if grep -qE '(^| )do_syscall_64\+0x[0-9a-f]+( |$)' <<<"$frames" && ! grep -q '0xffff' <<<"$frames"; then
	ok "a kernel stack's frames are named from kallsyms (do_syscall_64+0x..): $(cut -c1-80 <<<"$frames")"
else
	bad "stack frames" "$frames"
fi
finish
