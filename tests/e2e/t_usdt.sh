#!/usr/bin/env bash
# USDT attach (usdt:PATH:PROVIDER:NAME) on the host kernel, against the
# targets the Makefile builds from tests/e2e/usdt_target.c: a PIE
# (ET_DYN), the same linked -no-pie (ET_EXEC), and a program whose
# semaphore-guarded probe is in a shared library. The target prints every
# value it passes to a probe; tests/progs/usdt.bpf.o stores what
# bpf_usdt_arg() read; the two must agree exactly. Also: both notes of a
# probe with two sites fire, identical argument specs share one record,
# the semaphore is 1 only while attached, the errors name the file, the
# probe and the argument, and nothing is left behind.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

if [ "$(id -u)" -ne 0 ]; then
	bad "root" "the usdt tests attach uprobes; run as root"
	finish; exit 1
fi
for f in build/e2e/usdt_target build/e2e/usdt_target_exec build/e2e/usdt_target_lib build/e2e/usdt_target_sib \
	 $P/usdt.bpf.o $P/usdt_v17.bpf.o $P/usdt_wide.bpf.o $P/usdt_unknown.bpf.o $P/uprobe.bpf.o; do
	[ -e "$f" ] || { bad "build" "$f missing: make progs usdt-targets"; finish; exit 1; }
done
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
O=$P/usdt.bpf.o
PIE=build/e2e/usdt_target EXE=build/e2e/usdt_target_exec LIBT=build/e2e/usdt_target_lib
LIB=build/e2e/libusdt_sema.so

# The notes really hold the operand kinds the test is about; if a compiler
# change ever made them all constants, the value checks would prove less.
notes=$(readelf -n "$PIE")
for form in '-4@\$42' '@%r[a-z0-9]+' '@-?[0-9]+\(%r[a-z0-9]+\)' '@global_counter\(%rip\)'; do
	grep -qE -- "Arguments: .*$form" <<<"$notes" && ok "target notes have a '$form' argument" ||
		bad "target notes have a '$form' argument" "$(grep Arguments <<<"$notes")"
done
[ "$(grep -c 'Name: twice' <<<"$notes")" = 2 ] && ok "rawload_test:twice has two notes" ||
	bad "rawload_test:twice has two notes" "$notes"

# run_usdt NAME TARGET ROUNDS RAWLOAD-ARGS...: rawload in the background
# with --dump-maps --json, TARGET run for ROUNDS rounds while attached
# (its output in $TMP/NAME.out), the dump in $TMP/NAME.json.
run_usdt() {
	local name=$1 target=$2 rounds=$3 pid
	shift 3
	$RAWLOAD $O "$@" --duration 2 --dump-maps --json >"$TMP/$name.json" 2>"$TMP/$name.err" &
	pid=$!
	wait_running $pid
	"$target" "$rounds" >"$TMP/$name.out"
	wait $pid || bad "$name: rawload" "$(cat "$TMP/$name.err")"
}

# check_py NAME PYTHON-EXPR: evaluate EXPR with b = .bss's value, specs =
# the used __bpf_usdt_specs records, out = the target's output lines
# (python: 64-bit integers stay exact, as jq's doubles would not).
check_py() {
	local name=$1 expr=$2 json=$3 outf=$4 res
	res=$(python3 - "$json" "$outf" "$expr" <<'PY' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
maps = {m["name"]: m for m in d["maps"]}
b = maps[".bss"]["entries"][0]["value"]
specs = [e["value"] for e in maps["__bpf_usdt_specs"]["entries"] if e["value"]["arg_cnt"]]
out = open(sys.argv[2]).read().splitlines()
args = [l.split()[1:] for l in out if l.startswith("args:")]
sema = [int(l.split()[1]) for l in out if l.startswith("semaphore:")]
def s64(u): u = int(u); return u - (1 << 64) if u >= 1 << 63 else u
ok = eval(sys.argv[3])
print("ok" if ok is True else "got: .bss=%s args=%s sema=%s specs=%d" % (b, args, sema, len(specs)))
PY
)
	[ "$res" = ok ] && ok "$name" || bad "$name" "$res"
}

# ---- the PIE: every probe kind, three rounds --------------------------------
run_usdt pie "$PIE" 3 --prog on_args --attach "usdt:$PIE:rawload_test:args" \
	--prog on_same --attach "usdt:$PIE:rawload_test:same" \
	--prog on_sema --attach "usdt:$PIE:rawload_test:sema" --prog on_twice
J=$TMP/pie.json OUT=$TMP/pie.out
check_py "pie: args fired once per round" 'b["args_hits"] == 3 == len(args)' "$J" "$OUT"
check_py "pie: bpf_usdt_arg_cnt is 6" 'b["args_cnt"] == 6' "$J" "$OUT"
check_py "pie: bpf_usdt_arg returns 0 for 0..5, -ENOENT for 6" \
	'b["args_ret"] == [0] * 6 + [-2]' "$J" "$OUT"
check_py "pie: constant 42 (-4@\$42)" 'b["args"][0] == 42 == int(args[-1][0])' "$J" "$OUT"
check_py "pie: negative int -7 (-4@%reg, sign-extended)" \
	'b["args"][1] == -7 == int(args[-1][1])' "$J" "$OUT"
check_py "pie: u8 200 (1@%reg, upper bits cleared)" \
	'b["args"][2] == 200 == int(args[-1][2])' "$J" "$OUT"
check_py "pie: u64 0xfedcba9876543210 (8@%reg)" \
	'b["args"][3] == s64(args[-1][3]) == s64(0xfedcba9876543210)' "$J" "$OUT"
check_py "pie: pointer = the address the target printed" \
	'b["args"][4] == int(args[-1][4]) != 0' "$J" "$OUT"
check_py "pie: memory operand (-4@N(%rsp)) = the last round's 1002" \
	'b["args"][5] == int(args[-1][5]) == 1002' "$J" "$OUT"
check_py "pie: bpf_usdt_cookie is 0" 'b["args_cookie"] == 0' "$J" "$OUT"
check_py "pie: both sites of rawload_test:twice fired (auto-attach from the section)" \
	'b["twice_by_arg"] == [0, 3, 3, 0]' "$J" "$OUT"
check_py "pie: both sites of rawload_test:same fired" \
	'b["same_hits"] == 6 and b["same_sum"] == 30' "$J" "$OUT"
check_py "pie: semaphore-guarded probe fired with round + 100" \
	'b["sema_hits"] == 3 and b["sema_last"] == 102' "$J" "$OUT"
check_py "pie: the semaphore was 1 while attached" 'sema == [1, 1, 1]' "$J" "$OUT"
# args 1, twice 2 ($1, $2), same 1 (two sites, one "-4@$5"), sema 1
check_py "pie: 5 spec records (same's two sites share one)" 'len(specs) == 5' "$J" "$OUT"
check_py "pie: the args record: const, then registers, then a deref of %rsp (152)" \
	'[a["arg_type"] for a in specs[0]["args"][:6]] == [0, 1, 1, 1, 1, 2] and specs[0]["args"][5]["reg_off"] == 152 and specs[0]["args"][0]["val_off"] == 42' \
	"$J" "$OUT"
"$PIE" 1 >"$TMP/after.out"
grep -q '^semaphore: 0$' "$TMP/after.out" && ok "pie: the semaphore is 0 again after rawload exits" ||
	bad "pie: semaphore after exit" "$(cat "$TMP/after.out")"

# uprobe_multi (this kernel has it; libbpf 1.3+ does the same): each usdt
# program is loaded with expected_attach_type BPF_TRACE_UPROBE_MULTI and
# gets one link for all its sites, the spec ids as the link's cookies.
# (Debian's libbpf 1.1 still makes one perf-event uprobe per site, so the
# oracle would differ here on purpose; t_usdt has no oracle comparison.)
out=$($RAWLOAD $O --prog on_same --attach "usdt:$PIE:rawload_test:same" --prog on_twice \
	--prog on_sema --attach "usdt:$PIE:rawload_test:sema" --explain --duration 0.1 2>&1)
[ "$(grep -c 'BPF_PROG_LOAD.*prog_name="on_.*expected_attach_type=TRACE_UPROBE_MULTI' <<<"$out")" = 3 ] &&
	ok "uprobe_multi: the three usdt programs load with expected attach type uprobe_multi" ||
	bad "uprobe_multi: expected attach type" "$(grep -E 'PROG_LOAD' <<<"$out")"
[ "$(grep -c 'BPF_LINK_CREATE.*attach_type=TRACE_UPROBE_MULTI.*usdt_target' <<<"$out")" = 3 ] &&
[ "$(grep -c 'PERF_EVENT\|perf_event_open' <<<"$out")" = 0 ] &&
grep -q 'offsets=<2 x u64>, cookies=\[0, 0\], cnt=2' <<<"$out" &&
grep -q 'offsets=<2 x u64>, cookies=\[2, 3\], cnt=2' <<<"$out" &&
grep -q 'offsets=<1 x u64>, ref_ctr_offsets=<1 x u64>, cookies=\[1\], cnt=1' <<<"$out" &&
	ok "uprobe_multi: one link per program, spec ids as cookies, the semaphore's offset" ||
	bad "uprobe_multi: links" "$(grep -E 'LINK_CREATE|perf_event_open' <<<"$out")"

# The fallback, perf-event uprobes (kernels without uprobe_multi; forced
# here): one spec per distinct argument string, in attach order; same's
# two sites one spec, so two links with one cookie (0: --explain shows a
# cookie only when it is not 0); the programs load as plain uprobes.
out=$(RAWLOAD_FORCE_USDT_PERF=1 $RAWLOAD $O --prog on_same --attach "usdt:$PIE:rawload_test:same" \
	--prog on_twice --explain --duration 0.1 2>&1)
[ "$(grep -c "argument spec [0-9]* for '-4@\$5'" <<<"$out")" = 1 ] &&
! grep -q 'UPROBE_MULTI' <<<"$out" &&
[ "$(grep -c 'BPF_LINK_CREATE.*attach_type=PERF_EVENT' <<<"$out")" = 4 ] &&
[ "$(grep -c 'perf_event={bpf_cookie=' <<<"$out")" = 2 ] &&
grep -q "argument spec 0 for '-4@\$5'" <<<"$out" &&
grep -qE 'bpf_cookie=1}' <<<"$out" && grep -qE 'bpf_cookie=2}' <<<"$out" &&
	ok "perf fallback: one spec for same's two sites; twice's sites get cookies 1 and 2" ||
	bad "explain: specs and cookies" "$(grep -E 'argument spec|LINK_CREATE' <<<"$out")"

RAWLOAD_FORCE_USDT_PERF=1 run_usdt perf "$PIE" 2 --prog on_args --attach "usdt:$PIE:rawload_test:args" \
	--prog on_sema --attach "usdt:$PIE:rawload_test:sema"
check_py "perf fallback: arguments, and the semaphore 1 while attached" \
	'b["args_hits"] == 2 and b["args"][:3] == [42, -7, 200] and b["args"][5] == 1001 and sema == [1, 1] and b["sema_last"] == 101' \
	"$TMP/perf.json" "$TMP/perf.out"

# ---- newer usdt.bpf.h layouts: rawload fills the records by the BTF -------
# usdt_v17.bpf.o: libbpf 1.7's struct __bpf_usdt_arg_spec (bitfields, 24
# bytes, a 304-byte spec); usdt_wide.bpf.o: SIB fields appended (304 too,
# reg_off where 1.1 has it). tests/progs/usdt_newer.h describes both.
for v in v17 wide; do
	O=$P/usdt_$v.bpf.o run_usdt "layout_$v" "$PIE" 2 --attach "usdt:$PIE:rawload_test:args"
	check_py "layout $v: all six arguments as printed, count 6, -ENOENT past it" \
		'b["args_hits"] == 2 and b["args_cnt"] == 6 and b["args_ret"] == [0] * 6 + [-2] and b["args"][:3] == [42, -7, 200] and b["args"][3] == s64(args[-1][3]) and b["args"][4] == int(args[-1][4]) and b["args"][5] == int(args[-1][5]) == 1001' \
		"$TMP/layout_$v.json" "$TMP/layout_$v.out"
done
check_py "layout v17: the record as the BTF lays it out (dumped through it)" \
	'specs[0]["arg_cnt"] == 6 and [a["arg_type"] for a in specs[0]["args"][:6]] == [0, 1, 1, 1, 1, 2] and specs[0]["args"][5]["reg_off"] == 152 and specs[0]["args"][1]["arg_bitshift"] == 32' \
	"$TMP/layout_v17.json" "$TMP/layout_v17.out"

# base + index * scale ("-8@16(%rsp,%rax,8)", usdt_target_sib.c): read by
# 1.7's layout and by the appended one (both declare idx_reg_off and
# scale_bitshift, and BPF_USDT_ARG_SIB); libbpf 1.1's cannot, refused below
SIB=build/e2e/usdt_target_sib
grep -qE 'Arguments: .*@-?[0-9]*\(%r[a-z0-9]+,%r[a-z0-9]+,[1248]\)' <<<"$(readelf -n $SIB)" &&
	ok "the sib target's note has a base + index * scale argument" ||
	bad "sib target note" "$(readelf -n $SIB | grep Arguments)"
for v in v17 wide; do
	O=$P/usdt_$v.bpf.o run_usdt "sib_$v" "$SIB" 3 --attach "usdt:$SIB:rawload_sib:elem"
	check_py "layout $v: the array element and its index, as printed (SIB)" \
		'b["args_hits"] == 3 and b["args_cnt"] == 2 and b["args"][:2] == [int(x) for x in [l.split()[1:] for l in out if l.startswith("elem:")][-1]] == [1555, 5]' \
		"$TMP/sib_$v.json" "$TMP/sib_$v.out"
done

# ---- ET_EXEC (-no-pie): addresses 0x40xxxx, file offsets through PT_LOAD --
run_usdt exec "$EXE" 2 --prog on_args --attach "usdt:$EXE:rawload_test:args" \
	--prog on_sema --attach "usdt:$EXE:rawload_test:sema"
J=$TMP/exec.json OUT=$TMP/exec.out
check_py "exec: all six arguments as printed" \
	'b["args_hits"] == 2 and b["args"][:3] == [42, -7, 200] and b["args"][3] == s64(args[-1][3]) and b["args"][4] == int(args[-1][4]) and b["args"][5] == int(args[-1][5]) == 1001' \
	"$J" "$OUT"
check_py "exec: semaphore 1 while attached, probe fired" \
	'sema == [1, 1] and b["sema_hits"] == 2 and b["sema_last"] == 101' "$J" "$OUT"

# ---- a shared library: the semaphore lives in the .so ----------------------
run_usdt lib "$LIBT" 2 --prog on_sema --attach "usdt:$LIB:rawload_test:sema"
check_py "shared library: semaphore 1 while attached, probe fired twice" \
	'sema == [1, 1] and b["sema_hits"] == 2 and b["sema_last"] == 101' "$TMP/lib.json" "$TMP/lib.out"

# ---- the legacy tracefs path: "PATH:0xOFF(0xSEMAPHORE)" ---------------------
RAWLOAD_FORCE_LEGACY_KPROBE=1 run_usdt legacy "$PIE" 2 \
	--prog on_sema --attach "usdt:$PIE:rawload_test:sema"
check_py "legacy uprobe_events: semaphore and probe" \
	'sema == [1, 1] and b["sema_hits"] == 2' "$TMP/legacy.json" "$TMP/legacy.out"
if grep -q rawload_ /sys/kernel/tracing/uprobe_events 2>/dev/null; then
	bad "legacy usdt events removed at exit" "$(cat /sys/kernel/tracing/uprobe_events)"
else
	ok "legacy usdt events removed at exit"
fi

# ---- plan: the sites, without the kernel -----------------------------------
expect "plan: twice's two sites from the section" 0 \
	"on_twice +-> usdt:\./build/e2e/usdt_target:rawload_test:twice \(the section's target; sites at file offsets 0x[0-9a-f]+ args '-4@\\\$1', 0x[0-9a-f]+ args '-4@\\\$2'\)" \
	$RAWLOAD plan $O --prog on_twice
expect "plan: the semaphore's file offset" 0 \
	"on_sema +-> usdt:$PIE:rawload_test:sema \(--attach; 1 site at file offset 0x[0-9a-f]+ args '-8@%rdi' semaphore 0x[0-9a-f]+\)" \
	$RAWLOAD plan $O --prog on_sema --attach "usdt:$PIE:rawload_test:sema"

# ---- errors ----------------------------------------------------------------
printf 'int main(void) { return 0; }\n' >"$TMP/plain.c" && cc -o "$TMP/plain" "$TMP/plain.c"
expect "missing binary" 1 "program 'on_args': usdt:/nonexistent/rl:p:n: /nonexistent/rl: ENOENT" \
	$RAWLOAD $O --prog on_args --attach usdt:/nonexistent/rl:p:n --duration 1
expect "no .note.stapsdt" 1 "usdt:$TMP/plain:p:n: $TMP/plain: no \.note\.stapsdt section" \
	$RAWLOAD $O --prog on_args --attach "usdt:$TMP/plain:p:n" --duration 1
expect "not an ELF file" 1 "plain\.c: not an ELF file" \
	$RAWLOAD $O --prog on_args --attach "usdt:$TMP/plain.c:p:n" --duration 1
expect "no such probe: the ones that exist are listed" 1 \
	"has no USDT probe 'rawload_test:nope'; it has 5: rawload_test:args, rawload_test:twice, rawload_test:same, rawload_test:global, rawload_test:sema" \
	$RAWLOAD $O --prog on_args --attach "usdt:$PIE:rawload_test:nope" --duration 1
expect "%rip-relative argument: probe, site, argument and reason" 1 \
	"probe rawload_test:global: site 1 of 1 \(file offset 0x[0-9a-f]+\): argument 1 '8@global_counter\(%rip\)': %rip-relative operands are not supported" \
	$RAWLOAD $O --prog on_args --attach "usdt:$PIE:rawload_test:global" --duration 1
expect "bad target syntax" 1 "usdt:nocolons: expected PATH:PROVIDER:NAME" \
	$RAWLOAD $O --prog on_args --attach usdt:nocolons --duration 1
expect "a program without usdt.bpf.h's maps" 1 "the object has no map __bpf_usdt_specs" \
	$RAWLOAD $P/uprobe.bpf.o --prog probe_fn --attach "usdt:$PIE:rawload_test:args" --duration 1
expect "spec map full: --resize named as the fix" 1 \
	"program 'on_twice': .*all 2 entries of __bpf_usdt_specs are in use; give more with --resize __bpf_usdt_specs=N" \
	$RAWLOAD $O --prog on_args --attach "usdt:$PIE:rawload_test:args" --prog on_same \
	--attach "usdt:$PIE:rawload_test:same" --prog on_twice --resize __bpf_usdt_specs=2 --duration 1
expect "a usdt program on a plain uprobe: loaded for uprobe_multi, so refused in words" 1 \
	"program 'on_args': uprobe:$PIE:main: a usdt program is loaded for a uprobe_multi link .*RAWLOAD_FORCE_USDT_PERF=1" \
	$RAWLOAD $O --prog on_args --attach "uprobe:$PIE:main" --duration 1
RAWLOAD_FORCE_USDT_PERF=1 expect "... and with RAWLOAD_FORCE_USDT_PERF=1 it attaches" 0 \
	"attached 'on_args' to uprobe:$PIE:main" \
	$RAWLOAD $O --prog on_args --attach "uprobe:$PIE:main" --duration 0.2
expect "a SIB argument with libbpf 1.1's layout: refused, naming what is missing" 1 \
	"site 1 of 1 \(args '.*'\): argument 1: the object's enum __bpf_usdt_arg_type has no BPF_USDT_ARG_SIB \(base \+ index \* scale operands need libbpf 1.7\+'s usdt.bpf.h\)" \
	$RAWLOAD $O --prog on_args --attach "usdt:$SIB:rawload_sib:elem" --duration 1
expect "a record layout with a member rawload cannot fill: refused, naming it" 1 \
	"program 'on_args': usdt:.*: map __bpf_usdt_specs: struct __bpf_usdt_arg_spec has a member 'arg_flags' rawload does not know how to fill" \
	$RAWLOAD $P/usdt_unknown.bpf.o --attach "usdt:$PIE:rawload_test:args" --duration 1
expect "plan says so too" 0 "on_args +-> usdt:.*will fail: .*member 'arg_flags'" \
	$RAWLOAD plan $P/usdt_unknown.bpf.o --attach "usdt:$PIE:rawload_test:args"
expect "plan says an unsupported argument will fail" 0 \
	"on_args +-> usdt:.*rawload_test:global \(--attach; will fail: .*%rip-relative" \
	$RAWLOAD plan $O --prog on_args --attach "usdt:$PIE:rawload_test:global"

# ---- failure hygiene: a failure after two usdt attaches leaves no link,
# no perf event holding the program, no semaphore raised. bpftool here
# shows no "pids", so the links are found through /proc/PID/fdinfo.
link_ids() { grep -h '^link_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -n | tr '\n' ' '; }
# programs attach in object order: on_args, on_sema, then on_twice fails
$RAWLOAD $O --prog on_args --attach "usdt:$PIE:rawload_test:args" --prog on_sema \
	--attach "usdt:$PIE:rawload_test:sema" --prog on_twice --attach "usdt:$PIE:rawload_test:global" \
	--duration 1 >"$TMP/fail.out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "attached 'on_args'" "$TMP/fail.out" && grep -q "attached 'on_sema'" "$TMP/fail.out" &&
	grep -q "program 'on_twice'.*%rip-relative" "$TMP/fail.out" &&
	ok "failure after two successful usdt attaches: exit 1" ||
	bad "failure after two usdt attaches" "exit $rc: $(cat "$TMP/fail.out")"
"$PIE" 1 >"$TMP/after2.out"
grep -q '^semaphore: 0$' "$TMP/after2.out" && ok "after the failure the semaphore is 0 (uprobe gone)" ||
	bad "semaphore after the failure" "$(cat "$TMP/after2.out")"
# while running: one uprobe_multi link per program (args, sema, twice);
# SIGKILL;
# then none of those links exists and the semaphore is 0
$RAWLOAD $O --prog on_args --attach "usdt:$PIE:rawload_test:args" --prog on_sema \
	--attach "usdt:$PIE:rawload_test:sema" --prog on_twice --duration 5 >/dev/null 2>&1 &
pid=$!
wait_running $pid
ids=$(link_ids $pid)
[ "$(wc -w <<<"$ids")" = 3 ] && ok "three links held while attached (one per program)" ||
	bad "links while attached" "'$ids'"
# Debian 12's bpftool 7.1 predates the type: it shows its number, 12
# (BPF_LINK_TYPE_UPROBE_MULTI)
types=$(bpftool -j link show 2>/dev/null | python3 -c '
import json, sys
want = set(int(x) for x in sys.argv[1].split())
print(" ".join(sorted(set(str(l["type"]) for l in (json.load(sys.stdin) or []) if l["id"] in want))))' "$ids")
[ "$types" = uprobe_multi ] || [ "$types" = 12 ] && ok "bpftool: they are uprobe_multi links" ||
	bad "bpftool link types" "'$types'"
"$PIE" 1 | grep -q '^semaphore: 1$' && ok "semaphore 1 while attached" || bad "semaphore while attached" "not 1"
kill -KILL $pid; wait $pid 2>/dev/null
left=
for i in $(seq 1 20); do
	left=$(bpftool -j link show 2>/dev/null | python3 -c '
import json, sys
want = set(int(x) for x in sys.argv[1].split())
print(" ".join(str(l["id"]) for l in (json.load(sys.stdin) or []) if l["id"] in want))' "$ids")
	[ -z "$left" ] && break
	sleep 0.1
done
[ -n "$ids" ] && [ -z "$left" ] && ok "SIGKILL while attached: links $ids gone" ||
	bad "links after SIGKILL" "still there: '$left' (of '$ids')"
"$PIE" 1 >"$TMP/after3.out"
grep -q '^semaphore: 0$' "$TMP/after3.out" && ok "SIGKILL while attached: semaphore back to 0" ||
	bad "semaphore after SIGKILL" "$(cat "$TMP/after3.out")"

finish
