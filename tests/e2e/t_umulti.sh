#!/usr/bin/env bash
# uprobe.multi / uretprobe.multi (BPF_TRACE_UPROBE_MULTI, Linux 6.6+) on
# the host kernel, against tests/e2e/umulti_target.c built here: its
# functions add (id 1), add2, addx, sub, sub2, mul (id 6) are called 5, 3,
# 2, 4, 1 and 6 times, each as FN(id, i) returning id * 1000 + i, and it
# prints their addresses. tests/progs/umulti.bpf.o counts calls by first
# argument, returns by value, and both by bpf_get_func_ip(); the counts
# must be exact for the functions the glob matches and zero for the rest,
# and the addresses the ones the target printed. Also: a stripped binary
# (.dynsym only), libc's getp*id from a section target with a pid filter,
# the plan, --explain, the errors, and nothing left behind.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

if [ "$(id -u)" -ne 0 ]; then
	bad "root" "the uprobe.multi tests attach uprobes; run as root"
	finish; exit 1
fi
O=$P/umulti.bpf.o
[ -e $O ] || { bad "build" "$O missing: make progs"; finish; exit 1; }
LIBC=/lib/x86_64-linux-gnu/libc.so.6	# on_libc's section names this path

T=$TMP/target S=$TMP/stripped
cc -O0 -g -o "$T" tests/e2e/umulti_target.c -ldl
# stripped, so only .dynsym (exported with -rdynamic) names the functions
cc -O0 -rdynamic -o "$S" tests/e2e/umulti_target.c -ldl && strip "$S"
if readelf -S "$S" | grep -q '\.symtab'; then
	bad "stripped target has no .symtab" "$(readelf -S "$S" | grep symtab)"
fi

# run NAME BINARY [TARGET-ARGS] -- RAWLOAD-ARGS...: rawload in the
# background with --dump-maps --json (to $TMP/NAME.json), BINARY run once
# it is attached (its output, the function addresses, in $TMP/NAME.out).
run() {
	local name=$1 bin=$2 pid targs=()
	shift 2
	while [ "$1" != -- ]; do targs+=("$1"); shift; done
	shift
	$RAWLOAD $O "$@" --duration 30 --dump-maps --json >"$TMP/$name.json" 2>"$TMP/$name.err" &
	pid=$!
	wait_running $pid || bad "$name: rawload attached" "$(cat "$TMP/$name.err")"
	"$bin" "${targs[@]}" >"$TMP/$name.out" || bad "$name: target" "exit $?"
	kill -INT $pid
	wait $pid || bad "$name: rawload" "$(cat "$TMP/$name.err")"
}

# check_py NAME NAME-OF-RUN PYTHON-EXPR: EXPR with b = .bss's value, ips =
# entry_ips, libc = libc_ips (address -> count), addr = the target's
# "NAME ADDRESS" lines as a dict (python keeps 64-bit integers exact).
check_py() {
	local name=$1 run=$2 expr=$3 res
	res=$(python3 - "$TMP/$run.json" "$TMP/$run.out" "$expr" <<'PY' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
maps = {m["name"]: m for m in d["maps"]}
b = maps[".bss"]["entries"][0]["value"]
ips = {e["key"]: e["value"] for e in maps["entry_ips"]["entries"]}
libc = {e["key"]: e["value"] for e in maps["libc_ips"]["entries"]}
addr = {l.split()[0]: int(l.split()[1], 16) for l in open(sys.argv[2]) if len(l.split()) == 2}
ok = eval(sys.argv[3])
print("ok" if ok is True else "got: .bss=%s ips=%s libc=%s addr=%s" % (b, ips, libc, addr))
PY
)
	[ "$res" = ok ] && ok "$name" || bad "$name" "$res"
}

# ---- 1. add* at entry and return, mul (exact name) sleepable -----------------
run glob "$T" -- --prog on_entry --attach "uprobe.multi:$T:add*" \
	--prog on_return --attach "uretprobe.multi:$T:add*" \
	--prog on_entry_s --attach "uprobe.multi:$T:mul"
check_py "add*: add 5, add2 3, addx 2 calls; sub, sub2, mul 0" glob \
	'b["calls"] == [0, 5, 3, 2, 0, 0, 0, 0] and b["other"] == 0'
check_py "add*: bpf_get_func_ip = the target's own addresses" glob \
	'b["ips"][1:4] == [addr["add"], addr["add2"], addr["addx"]]'
check_py "add*: exactly three addresses fired, 5/3/2 times" glob \
	'ips == {addr["add"]: 5, addr["add2"]: 3, addr["addx"]: 2}'
check_py "uretprobe.multi add*: returns 5/3/2, values id*1000+i" glob \
	'b["rets"] == [0, 5, 3, 2, 0, 0, 0, 0] and b["ret_sum"][1:4] == [5010, 6003, 6001]'
check_py "uretprobe.multi: bpf_get_func_ip is the function's entry" glob \
	'b["ret_ips"][1:4] == b["ips"][1:4]'
check_py "uprobe.multi.s (sleepable) on exact name 'mul': 6 calls, no others" glob \
	'b["calls_s"] == [0, 0, 0, 0, 0, 0, 6, 0]'

# ---- 2. exact names and '?' --------------------------------------------------
run exact "$T" -- --prog on_entry --attach "uprobe.multi:$T:add"
check_py "exact 'add' matches add only (not add2, addx)" exact \
	'b["calls"] == [0, 5, 0, 0, 0, 0, 0, 0] and ips == {addr["add"]: 5}'
run qmark "$T" -- --prog on_entry --attach "uprobe.multi:$T:add?"
check_py "'add?' matches add2 and addx, not add" qmark \
	'b["calls"] == [0, 0, 3, 2, 0, 0, 0, 0]'
run star "$T" -- --prog on_entry --attach "uprobe.multi:$T:?u*"
check_py "'?u*' matches sub, sub2, mul (not __do_global_dtors_aux, frame_dummy)" star \
	'b["calls"] == [0, 0, 0, 0, 4, 1, 6, 0] and len(ips) == 3'

# ---- 3. a stripped binary: .dynsym only -----------------------------------
run stripped "$S" -- --prog on_entry --attach "uprobe.multi:$S:sub*" \
	--prog on_return --attach "uretprobe.multi:$S:sub*"
check_py "stripped (.dynsym): sub 4, sub2 1, nothing else" stripped \
	'b["calls"] == [0, 0, 0, 0, 4, 1, 0, 0] and b["other"] == 0'
check_py "stripped: addresses and returns" stripped \
	'ips == {addr["sub"]: 4, addr["sub2"]: 1} and b["rets"][4:6] == [4, 1] and b["ret_sum"][4:6] == [16006, 5000]'

# ---- 4. libc's getp*id from the section's target, one process only ---------
if [ -e "$LIBC" ]; then
	out=$($RAWLOAD plan $O --prog on_libc 2>&1)
	grep -qE "on_libc +-> uprobe.multi:$LIBC:getp\*id \(the section's target; [0-9]+ functions in [^:]*libc.so.6: .*getpid, getppid" <<<"$out" &&
		ok "plan: on_libc's section target and the libc functions it matches" ||
		bad "plan: on_libc" "$(grep on_libc <<<"$out")"
	# libc_run NAME RAWLOAD-ARGS...: the target calls getpid 7 and getppid
	# 3 times once rawload (filtering on its pid) is attached
	libc_run() {
		local name=$1 pid tpid; shift
		rm -f "$TMP/go"
		mkfifo "$TMP/go"
		$T libc 7 3 wait <"$TMP/go" >"$TMP/$name.out" &
		tpid=$!
		exec 9>"$TMP/go"	# opens the fifo: the target starts, and waits for a line
		$RAWLOAD $O --prog on_libc "$@" --set target_tgid=$tpid --duration 30 \
			--dump-maps --json >"$TMP/$name.json" 2>"$TMP/$name.err" &
		pid=$!
		wait_running $pid || bad "$name: rawload attached" "$(cat "$TMP/$name.err")"
		echo go >&9
		exec 9>&-
		wait $tpid || bad "$name: target" "exit $?"
		# other processes call getpid all the time; target_tgid keeps them out
		sh -c 'for i in 1 2 3; do :; done' </dev/null
		kill -INT $pid
		wait $pid || bad "$name: rawload" "$(cat "$TMP/$name.err")"
	}
	libc_run libc
	check_py "libc getp*id, pid filter: getpid 7, getppid 3, nothing else" libc \
		'libc == {addr["getpid"]: 7, addr["getppid"]: 3}'
	# the same by library name: looked up as libbpf does, the same file
	out=$($RAWLOAD plan $O --prog on_libc --attach 'uprobe.multi:libc.so.6:getp*id' 2>&1)
	grep -qF "(--attach; $(grep -oE '[0-9]+ functions in ' <<<"$($RAWLOAD plan $O --prog on_libc)")$(realpath "$LIBC"):" <<<"$out" &&
		ok "plan: uprobe.multi:libc.so.6:getp*id is $(realpath "$LIBC"), as many functions" ||
		bad "plan: libc.so.6 by name" "$(grep on_libc <<<"$out")"
	libc_run libcname --attach 'uprobe.multi:libc.so.6:getp*id'
	check_py "uprobe.multi:libc.so.6:getp*id (by name): getpid 7, getppid 3, nothing else" libcname \
		'libc == {addr["getpid"]: 7, addr["getppid"]: 3}'
else
	bad "libc at $LIBC" "missing: on_libc's section target assumes Debian x86-64"
fi

# ---- 4b. a program by name, from PATH; a name that is nowhere -------------
mkdir -p "$TMP/bin" && cp "$T" "$TMP/bin/rl_umulti_target"
OLDPATH=$PATH
export PATH="$TMP/bin:$PATH"
run pathname "$TMP/bin/rl_umulti_target" -- --prog on_entry \
	--attach "uprobe.multi:rl_umulti_target:add*"
export PATH=$OLDPATH
check_py "uprobe.multi:NAME:add*, NAME from PATH: add 5, add2 3, addx 2" pathname \
	'b["calls"] == [0, 5, 3, 2, 0, 0, 0, 0] and b["other"] == 0'
expect "uprobe.multi: a program name that is nowhere lists PATH" 1 \
	"uprobe.multi:rl_nosuch_prog:add\*: no program 'rl_nosuch_prog' .*in PATH \($TMP/bin\) or /usr/bin:/usr/sbin; give its path" \
	env PATH="$TMP/bin" $RAWLOAD $O --prog on_entry --attach 'uprobe.multi:rl_nosuch_prog:add*' --duration 1
expect "plan: a library name that is nowhere will fail, listing the directories" 0 \
	"on_entry +-> uprobe.multi:librl_nosuch.so:add\* \(--attach; will fail: .*no library 'librl_nosuch.so' .*in LD_LIBRARY_PATH \(unset\) or /usr/lib64:/usr/lib:" \
	env -u LD_LIBRARY_PATH $RAWLOAD plan $O --prog on_entry --attach 'uprobe.multi:librl_nosuch.so:add*'

# ---- 5. plan and --explain -----------------------------------------------
out=$($RAWLOAD plan $O --prog on_entry --attach "uprobe.multi:$T:add*" \
	--prog on_return --attach "uretprobe.multi:$T:nosuch*" 2>&1)
grep -qF "on_entry         -> uprobe.multi:$T:add* (--attach; 3 functions in $T: add, add2, addx)" <<<"$out" &&
	ok "plan: the glob's 3 functions, by name" || bad "plan: add*" "$(grep -- '->' <<<"$out")"
grep -qE "on_return +-> uretprobe.multi:$T:nosuch\* \(--attach; will fail: .*no function matching 'nosuch\*'" <<<"$out" &&
	ok "plan: a glob matching nothing will fail" || bad "plan: nosuch*" "$(grep -- '->' <<<"$out")"
out=$($RAWLOAD plan $O 2>&1)
grep -qE "on_entry +-> not attached: .*--attach uprobe.multi:PATH:GLOB" <<<"$out" &&
grep -qE "on_return +-> not attached: .*--attach uretprobe.multi:PATH:GLOB" <<<"$out" &&
	ok "plan: bare sections ask for --attach uprobe.multi:PATH:GLOB" ||
	bad "plan: bare sections" "$(grep -- '->' <<<"$out")"

out=$($RAWLOAD $O --prog on_entry --attach "uprobe.multi:$T:add*" --prog on_return \
	--attach "uretprobe.multi:$T:add*" --explain --duration 0.1 2>&1)
[ "$(grep -c 'BPF_LINK_CREATE' <<<"$out")" = 2 ] && ! grep -q perf_event_open <<<"$out" &&
grep -qF "attach_type=TRACE_UPROBE_MULTI, uprobe_multi={path=\"$T\", offsets=<3 x u64>, cnt=3, flags=0, pid=0}" <<<"$out" &&
grep -qF "uprobe_multi={path=\"$T\", offsets=<3 x u64>, cnt=3, flags=RETURN, pid=0}" <<<"$out" &&
grep -q "expected_attach_type=TRACE_UPROBE_MULTI" <<<"$out" &&
	ok "explain: one BPF_LINK_CREATE per program for 3 functions, no perf events" ||
	bad "explain" "$(grep -E 'LINK_CREATE|perf_event_open|PROG_LOAD' <<<"$out")"
out=$($RAWLOAD $O --prog on_entry_s --attach "uprobe.multi:$T:mul" --explain --duration 0.1 2>&1)
grep -qE "prog_name=\"on_entry_s\", expected_attach_type=TRACE_UPROBE_MULTI, prog_flags=0x10" <<<"$out" &&
	ok "explain: uprobe.multi.s loads with BPF_F_SLEEPABLE" ||
	bad "explain: sleepable" "$(grep PROG_LOAD <<<"$out")"

# ---- 6. errors -----------------------------------------------------------
expect "no match: says what was searched, suggests nm" 1 \
	"uprobe.multi:$T:nosuch\*: $T has no function matching 'nosuch\*' \([0-9]+ functions in .symtab and .dynsym\); list them with 'nm $T' or 'nm -D $T'" \
	$RAWLOAD $O --prog on_entry --attach "uprobe.multi:$T:nosuch*" --duration 1
expect "no match in a stripped binary names .dynsym only" 1 \
	"\([0-9]+ functions in .dynsym\)" \
	$RAWLOAD $O --prog on_entry --attach "uprobe.multi:$S:nosuch" --duration 1
expect "bad spec (no GLOB)" 1 "uprobe.multi:$T: expected PATH:GLOB" \
	$RAWLOAD $O --prog on_entry --attach "uprobe.multi:$T" --duration 1
expect "missing file" 1 "uprobe.multi:$TMP/nofile:add: $TMP/nofile: ENOENT" \
	$RAWLOAD $O --prog on_entry --attach "uprobe.multi:$TMP/nofile:add" --duration 1
expect "not ELF" 1 "umulti_target.c: not an ELF file" \
	$RAWLOAD $O --prog on_entry --attach "uprobe.multi:tests/e2e/umulti_target.c:add" --duration 1
expect "a plain uprobe program is refused before the kernel" 1 \
	"program 'probe_fn': uprobe.multi:$T:add: only uprobe.multi programs attach there .*section 'uprobe'" \
	$RAWLOAD $P/uprobe.bpf.o --prog probe_fn --attach "uprobe.multi:$T:add" --duration 1
expect "unknown --attach type lists uprobe.multi" 2 "uprobe.multi, uretprobe.multi[,)]" \
	$RAWLOAD $O --attach "uprobe.mutli:$T:add"

# ---- 7. one link while attached; nothing left after exit, failure, SIGKILL --
base=$(max_ids)
$RAWLOAD $O --prog on_entry --attach "uprobe.multi:$T:*" --duration 30 >"$TMP/k.out" 2>&1 &
pid=$!
if wait_running $pid; then
	# the links rawload holds, from its fds (bpftool 7.1 knows no
	# uprobe_multi links: "type 12", without pids)
	n=$(cat /proc/$pid/fdinfo/* 2>/dev/null | grep -c '^link_type:')
	t=$(cat /proc/$pid/fdinfo/* 2>/dev/null | awk '/^link_type:/ {print $2}')
	[ "$n" = 1 ] && [ "$t" = uprobe_multi ] && ok "one uprobe_multi link for every function of '*'" ||
		bad "one uprobe_multi link for every function of '*'" "$n links: $t"
else
	bad "SIGKILL run: rawload attached" "$(cat "$TMP/k.out")"
fi
kill -KILL $pid
wait $pid 2>/dev/null
clean "after SIGKILL: no link, program or map left" "$base" "$O"

base=$(max_ids)
$RAWLOAD $O --prog on_entry --attach "uprobe.multi:$T:add*" --duration 0.2 >"$TMP/d.out" 2>&1 ||
	bad "--duration run" "$(cat "$TMP/d.out")"
clean "after --duration: nothing left" "$base" "$O"

base=$(max_ids)
$RAWLOAD $O --prog on_entry --attach "uprobe.multi:$T:add*" --prog on_return \
	--attach "uretprobe.multi:$T:nosuch" --duration 5 >"$TMP/f.out" 2>&1
rc=$?
[ $rc = 1 ] && ok "a failed second attach exits 1" || bad "failed attach exit" "exit $rc: $(cat "$TMP/f.out")"
clean "after a failed second attach: the first link is gone too" "$base" "$O"

finish
