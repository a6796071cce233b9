#!/usr/bin/env bash
# Attaching on the host kernel: each attach type available here gets its
# event triggered and its counters read back through --dump-maps --json;
# kprobes (absent on this kernel) get their diagnosis checked, and the
# suggestion logic runs against a kallsyms file of our own. Everything the
# test creates (netns, veth, cgroup) is removed on exit, also on failure.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

if [ "$(id -u)" -ne 0 ]; then
	bad "root" "the attach tests need root; run 'sudo make test'"
	finish; exit 1
fi
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
NS1=rl-att1-$$ NS2=rl-att2-$$ NS3=rl-att3-$$
SPIN=/sys/fs/bpf/rawload-sockmap-$$
CGROOT=$(findmnt -t cgroup2 -n -o TARGET | head -n 1)
CG=${CGROOT:+$CGROOT/rawload-att-$$}
cleanup() {
	ip netns del "$NS1" 2>/dev/null
	ip netns del "$NS2" 2>/dev/null
	ip netns del "$NS3" 2>/dev/null
	rm -rf "$SPIN"
	if [ -n "$CG" ] && [ -d "$CG" ]; then
		while read -r p; do echo "$p" >"$CGROOT/cgroup.procs"; done <"$CG/cgroup.procs" 2>/dev/null
		rmdir "$CG"
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

# ---- kprobes: this kernel may have none; the diagnosis must be right ----
out=$($RAWLOAD $P/hello.bpf.o --attach kprobe:do_execve --duration 1 2>&1)
if grep -q "no kprobe support" <<<"$out"; then
	for w in "kprobe:do_execve" "not in /proc/kallsyms" "inlined" "bprm_execve" \
		 "__x64_sys_execve" "alternatives: --prog hello_tp"; do
		grep -qF -- "$w" <<<"$out" && ok "kprobe:do_execve says $w" ||
			bad "kprobe:do_execve says $w" "$out"
	done
	# alternatives are options to pass back, only for what this kernel
	# has: no kprobe:/ksyscall: here, no fentry (unknown until loaded)
	! grep -q "fentry:\|ksyscall:\|--attach kprobe:" <<<"$out" &&
		ok "kprobe:do_execve, no kprobes: no kprobe, ksyscall or fentry suggested" ||
		bad "kprobe:do_execve suggests what this kernel lacks" "$out"
	expect "kprobe on a real function, no kprobes: no alternative in the object, where to look" 1 \
		"kprobe:bprm_execve: the running kernel has no kprobe support .*alternatives: none in this object; a tracepoint program may see the same event \(ls /sys/kernel/tracing/events\)" \
		$RAWLOAD $P/hello.bpf.o --prog hello --attach kprobe:bprm_execve --duration 1
	expect "kprobe at a syscall, no kprobes, object with another tracepoint program: --prog and --attach" 1 \
		"kprobe:__x64_sys_getpid: the running kernel has no kprobe support .*alternatives: --prog hello_tp --attach tracepoint:syscalls:sys_enter_getpid$" \
		$RAWLOAD $P/hello.bpf.o --prog hello --attach kprobe:__x64_sys_getpid --duration 1
else
	expect "kprobe:do_execve (inlined) names the closest functions" 1 \
		"'do_execve' is not in /proc/kallsyms.*bprm_execve.*alternatives: --attach kprobe:bprm_execve, --attach ksyscall:execve, --prog hello_tp" \
		$RAWLOAD $P/hello.bpf.o --attach kprobe:do_execve --duration 1
fi

# kprobe.multi: the glob is expanded here (against a list of our own:
# RAWLOAD_FILTER_FUNCTIONS), repeats and other names left out, then one
# BPF_LINK_CREATE for all; this kernel refuses it and says what to use.
printf 'rl_foo_a\nrl_bar\nrl_foo_b [rl_mod]\nrl_foo_a\n__pfx_rl_foo_c\n' >"$TMP/filter_functions"
out=$(RAWLOAD_FILTER_FUNCTIONS=$TMP/filter_functions $RAWLOAD $P/kmulti.bpf.o \
	--prog on_entry --attach 'kprobe.multi:*rl_foo_*' --explain --duration 1 2>&1)
grep -q "link the program to 2 functions (kprobe.multi:\*rl_foo_\*)" <<<"$out" &&
	ok "kprobe.multi:GLOB expands to 2 functions (repeat and __pfx_ left out)" ||
	bad "kprobe.multi glob" "$out"
# --explain decodes link_create.kprobe_multi; the call is printed even
# though this kernel refuses it
grep -qF 'attach_type=TRACE_KPROBE_MULTI, kprobe_multi={flags=0, cnt=2, syms=["rl_foo_a", "rl_foo_b"]}' <<<"$out" &&
	ok "--explain decodes kprobe_multi: flags, cnt, the names" ||
	bad "--explain kprobe_multi" "$out"
out=$(RAWLOAD_FILTER_FUNCTIONS=$TMP/filter_functions $RAWLOAD $P/kmulti.bpf.o \
	--prog on_return --attach 'kretprobe.multi:*rl_foo_*' --explain --duration 1 2>&1)
grep -qF 'attach_type=TRACE_KPROBE_MULTI, kprobe_multi={flags=RETURN, cnt=2,' <<<"$out" &&
	ok "--explain: kretprobe.multi is flags=RETURN" || bad "--explain kretprobe.multi" "$out"
# kprobe.session (6.10+): the same link with attach type
# BPF_TRACE_KPROBE_SESSION (56) and no RETURN flag; a kprobe.multi program
# is refused before the kernel is asked (it would answer a bare EINVAL)
out=$(RAWLOAD_FILTER_FUNCTIONS=$TMP/filter_functions $RAWLOAD $P/ksession.bpf.o \
	--prog plain --attach 'kprobe.session:*rl_foo_*' --explain --duration 1 2>&1)
grep -qF 'bpf(BPF_PROG_LOAD, {prog_type=KPROBE, insn_cnt=' <<<"$out" &&
	grep -qF 'prog_name="plain", expected_attach_type=TRACE_KPROBE_SESSION' <<<"$out" &&
	ok "kprobe.session: loaded with expected_attach_type TRACE_KPROBE_SESSION" ||
	bad "kprobe.session load" "$out"
grep -qF 'attach_type=TRACE_KPROBE_SESSION, kprobe_multi={flags=0, cnt=2, syms=["rl_foo_a", "rl_foo_b"]}' <<<"$out" &&
	grep -qF 'link the program to 2 functions (kprobe.session:*rl_foo_*), at entry and at return' <<<"$out" &&
	ok "--explain: kprobe.session:GLOB is one kprobe_multi link of attach type TRACE_KPROBE_SESSION" ||
	bad "--explain kprobe.session" "$out"
expect "kprobe.session:GLOB on a kprobe.multi program is refused, saying why" 1 \
	"program 'on_entry': kprobe.session:do_\*: only kprobe.session programs attach there \(the kernel checks the expected attach type BPF_TRACE_KPROBE_SESSION" \
	$RAWLOAD $P/kmulti.bpf.o --prog on_entry --attach 'kprobe.session:do_*' --duration 1
if grep -q "no kprobe support" <<<"$($RAWLOAD $P/hello.bpf.o --attach kprobe:bprm_execve --duration 1 2>&1)"; then
	expect "kprobe.multi on a kernel without it says so" 1 \
		"this kernel has no kprobe.multi \(5.18\+ with CONFIG_FPROBE\)" \
		$RAWLOAD $P/kmulti.bpf.o --duration 1
	expect "kprobe.session on a kernel without kprobe.multi says so" 1 \
		"kprobe.session:do_nanosleep: .*this kernel has no kprobe.multi \(5.18\+ with CONFIG_FPROBE\), on which kprobe.session is built" \
		$RAWLOAD $P/ksession.bpf.o --duration 1
fi

# The suggestion logic against a kallsyms of our own (RAWLOAD_KALLSYMS).
cat >"$TMP/kallsyms" <<'EOF'
ffffffff81000000 T __x64_sys_bpf
ffffffff81000010 t __pfx_do_frob.isra.0
ffffffff81000020 t do_frob.isra.0
ffffffff81000030 t do_frob.cold
ffffffff81000040 T vfs_frob
ffffffff81000050 t do_frob_common
ffffffff81000060 T __x64_sys_frob
ffffffff81000070 T __ia32_sys_frob
ffffffff81000080 d frob_table
ffffffff81000090 t unrelated
EOF
if [ "$(uname -m)" = x86_64 ]; then
	expect "suggestions: variants, stem word, containing name, syscall entry" 1 \
		"'do_frob' is not in $TMP/kallsyms.*closest: do_frob.cold, do_frob.isra.0, vfs_frob, do_frob_common; syscall entry point __x64_sys_frob" \
		env RAWLOAD_KALLSYMS="$TMP/kallsyms" $RAWLOAD $P/hello.bpf.o --attach kprobe:do_frob --duration 1
fi
expect "kretprobe with an offset is refused with the command line, exit 2" 2 "an offset needs kprobe:FN\+OFF" \
	$RAWLOAD $P/hello.bpf.o --prog hello --attach kretprobe:bprm_execve+4 --duration 1

# ---- uprobe / uretprobe on a binary built here --------------------------
cat >"$TMP/target.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
__attribute__((noinline)) int add(int a, int b) { return a + b; }
int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5, s = 0;
	for (int i = 0; i < n; i++)
		s += add(i, 1);
	printf("%d\n", s);
	return 0;
}
EOF
cc -O0 -o "$TMP/target" "$TMP/target.c"
# stripped, so only .dynsym (exported with -rdynamic) can resolve it
cc -O0 -rdynamic -o "$TMP/stripped" "$TMP/target.c" && strip "$TMP/stripped"

# uprobe_run NAME BINARY [env...]: 5 calls of add(i, 1) under both probes
# (UPROBE_FILE=NAME: attach by that name instead of BINARY's path)
uprobe_run() {
	local name=$1 bin=$2 file=${UPROBE_FILE:-$2}; shift 2
	env "$@" $RAWLOAD $P/uprobe.bpf.o --attach "uprobe:$file:add" \
		--attach "uretprobe:$file:add" --duration 1.5 --dump-maps --json \
		>"$TMP/u.json" 2>"$TMP/u.err" &
	local pid=$!
	wait_running $pid
	"$bin" 5 >/dev/null
	wait $pid || bad "$name: rawload" "$(cat "$TMP/u.err")"
	local b='.maps[]|select(.name==".bss")|.entries[0].value'
	check "$name: entries" "$(val "$TMP/u.json" "$b.entries")" "v == 5"
	check "$name: returns" "$(val "$TMP/u.json" "$b.returns")" "v == 5"
	check "$name: arg_sum" "$(val "$TMP/u.json" "$b.arg_sum")" "v == 15"
	check "$name: last_ret" "$(val "$TMP/u.json" "$b.last_ret")" "v == 5"
}
uprobe_run "uprobe (.symtab, PMU)" "$TMP/target"
uprobe_run "uprobe (.dynsym of a stripped binary)" "$TMP/stripped"
uprobe_run "uprobe (legacy tracefs uprobe_events)" "$TMP/target" RAWLOAD_FORCE_LEGACY_KPROBE=1
# a bare program name is looked up in PATH, as libbpf does
mkdir -p "$TMP/bin" && cp "$TMP/target" "$TMP/bin/rl_uprobe_target"
UPROBE_FILE=rl_uprobe_target uprobe_run "uprobe:NAME:add, NAME from PATH" \
	"$TMP/bin/rl_uprobe_target" PATH="$TMP/bin:$PATH"
# and a bare library name in LD_LIBRARY_PATH and the library directories:
# the legacy event shows the file and offset the kernel was given, the
# same for libc.so.6 as for its full path
uprobe_event() { # TARGET-FILE: the uprobe_events line of uprobe:FILE:getpid
	local pid line=""
	RAWLOAD_FORCE_LEGACY_KPROBE=1 $RAWLOAD $P/uprobe.bpf.o --prog probe_fn \
		--attach "uprobe:$1:getpid" --duration 1 >/dev/null 2>"$TMP/ue.err" &
	pid=$!
	wait_running $pid
	line=$(grep -m1 rawload_ /sys/kernel/tracing/uprobe_events)
	wait $pid || echo "rawload: $(cat "$TMP/ue.err")"
	echo "${line#* }"	# without the event's name
}
LIBC=/lib/x86_64-linux-gnu/libc.so.6
if [ -e "$LIBC" ]; then
	a=$(uprobe_event libc.so.6) b=$(uprobe_event "$LIBC")
	if [ -n "$a" ] && [ "$a" = "$b" ] && grep -q "^$(realpath "$LIBC"):0x" <<<"$a"; then
		ok "uprobe:libc.so.6:getpid is the file and offset of uprobe:$LIBC:getpid ($a)"
	else
		bad "uprobe:libc.so.6" "by name: '$a', by path: '$b'"
	fi
fi
expect "uprobe on a library that is nowhere lists the directories searched" 1 \
	"uprobe:librl_nosuch.so.1:getpid: no library 'librl_nosuch.so.1' .*in LD_LIBRARY_PATH \($TMP/bin\) or /usr/lib64:/usr/lib:/lib/x86_64-linux-gnu:.*; give its path" \
	env LD_LIBRARY_PATH="$TMP/bin" $RAWLOAD $P/uprobe.bpf.o --attach uprobe:librl_nosuch.so.1:getpid --duration 1
expect "uprobe on a program that is nowhere lists PATH" 1 \
	"uretprobe:rl_nosuch_prog:add: no program 'rl_nosuch_prog' .*in PATH \($TMP/bin:/usr/bin\) or /usr/bin:/usr/sbin; give its path" \
	env PATH="$TMP/bin:/usr/bin" $RAWLOAD $P/uprobe.bpf.o --attach uretprobe:rl_nosuch_prog:add --duration 1
if grep -q rawload_ /sys/kernel/tracing/uprobe_events 2>/dev/null; then
	bad "legacy uprobe events removed at exit" "$(cat /sys/kernel/tracing/uprobe_events)"
else
	ok "legacy uprobe events removed at exit"
fi
expect "uprobe on a missing symbol" 1 "uprobe:.*no function 'nosuch' in .symtab or .dynsym" \
	$RAWLOAD $P/uprobe.bpf.o --attach "uprobe:$TMP/target:nosuch" --duration 1
expect "uprobe on a non-ELF file" 1 "target.c: not an ELF file" \
	$RAWLOAD $P/uprobe.bpf.o --attach "uprobe:$TMP/target.c:add" --duration 1

# ---- tp_btf (section target), perf_event ------------------------------------
$RAWLOAD $P/core.bpf.o --duration 1.5 --dump-maps --json >"$TMP/c.json" 2>"$TMP/c.err" &
pid=$!; wait_running $pid; /bin/true; /bin/true; wait $pid || bad "tp_btf: rawload" "$(cat "$TMP/c.err")"
check "tp_btf/sched_process_exec counts execs" \
	"$(val "$TMP/c.json" '.maps[]|select(.name==".bss")|.entries[0].value.execs')" "v >= 2"
expect "tp_btf at another target needs a reload" 1 \
	"tp_btf:sched_process_fork: the program was loaded for 'sched_process_exec'" \
	$RAWLOAD $P/core.bpf.o --attach tp_btf:sched_process_fork --duration 1
# features.bpf.o: spin lock and timer in a map value, task storage,
# for_each with a callback, a global function; and its bpf_metadata_
# constant, which no instruction reads, listed by bpftool all the same
FPIN=/sys/fs/bpf/rawload-att-$$
$RAWLOAD $P/features.bpf.o --duration 2 --pin "$FPIN" --dump-maps --json \
	>"$TMP/f.json" 2>"$TMP/f.err" &
pid=$!; wait_running $pid
meta=$(bpftool prog show pinned "$FPIN/progs/on_exec" 2>&1)
/bin/true; /bin/true; sh -c 'exec /bin/true'
wait $pid || bad "features: rawload" "$(cat "$TMP/f.err")"
rm -rf "$FPIN"
grep -q 'loader = "rawload features test"' <<<"$meta" &&
	ok "bpftool shows the program's metadata (.rodata bound to it)" ||
	bad "bpf_metadata via PROG_BIND_MAP" "$meta"
f() { val "$TMP/f.json" ".maps[]|select(.name==\"$1\")|.entries[]|select(.key==$2)|.value$3"; }
n=$(f locked 0 .count)
check "spin lock: count of execs under bpf_spin_lock" "$n" "v >= 3"
check "for_each_map_elem visited 4 elements, global function doubled 3" "$(f stats 1 '')" "v == 10"
check "task storage: the exec'ing task's own count" "$(f stats 2 '')" "v >= 1"
check "bpf_timer callback ran (at most once per exec)" "$(f stats 3 '')" "v >= 1 && v <= $n"
$RAWLOAD $P/attach_perf.bpf.o --prog on_sample --attach perf_event:cpu-clock:200 \
	--duration 1 --dump-maps --json >"$TMP/p.json" 2>"$TMP/p.err" ||
	bad "perf_event: rawload" "$(cat "$TMP/p.err")"
check "perf_event:cpu-clock:200 samples on every CPU" \
	"$(val "$TMP/p.json" '.maps[]|select(.name==".bss")|.entries[0].value.samples')" "v >= 100"

# ---- SEC("?..."): autoload off -------------------------------------------
# optional and broken are left out unless named: broken would be refused
# by the verifier, so a default load that succeeds never offered it.
syscalls='import os
for _ in range(5): os.getpid(); os.getppid()'
$RAWLOAD $P/autoload.bpf.o --duration 1.5 --dump-maps --json --explain >"$TMP/al.json" 2>"$TMP/al.err" &
pid=$!; wait_running $pid; python3 -c "$syscalls"
wait $pid && ok "SEC(\"?...\"): the default load succeeds (the refused program is left out)" ||
	bad "autoload: rawload" "$(tail -3 "$TMP/al.err")"
expect "  and says which programs it left out, and how to load them" 0 \
	"program 'broken' \(SEC\(\"\?tracepoint/syscalls/sys_enter_getuid\"\)\) is not loaded: a '\?' before its section name leaves it out unless it is named with --prog broken" \
	$RAWLOAD $P/autoload.bpf.o --no-attach
check "  one BPF_PROG_LOAD, for 'always'" "$(grep -c 'bpf(BPF_PROG_LOAD' "$TMP/al.err")" "v == 1"
al() { val "$TMP/al.json" ".maps[]|select(.name==\"counts\")|.entries[]|select(.key==$1)|.value"; }
check "  always counted getpid" "$(al 0)" "v >= 5"
check "  optional never ran" "$(al 1)" "v == 0"
$RAWLOAD $P/autoload.bpf.o --prog optional --duration 1.5 --dump-maps --json >"$TMP/al2.json" 2>"$TMP/al2.err" &
pid=$!; wait_running $pid; python3 -c "$syscalls"
wait $pid || bad "autoload --prog optional: rawload" "$(tail -3 "$TMP/al2.err")"
check "--prog optional loads and attaches it: getppid counted" \
	"$(val "$TMP/al2.json" '.maps[]|select(.name=="counts")|.entries[]|select(.key==1)|.value')" "v >= 5"
expect "--prog broken offers it to the verifier, which refuses it" 1 \
	"program 'broken' \(section 'tracepoint/syscalls/sys_enter_getuid'\).*EACCES" \
	$RAWLOAD $P/autoload.bpf.o --prog broken --no-attach
expect "inspect marks autoload off" 0 "optional .*autoload=off" $RAWLOAD inspect $P/autoload.bpf.o

# ---- xdp, tc (tcx and netlink), socket filter on a veth pair ---------------
ip netns add "$NS1" && ip netns add "$NS2" &&
	ip link add rlatt0 netns "$NS1" type veth peer name rlatt1 netns "$NS2" &&
	ip -n "$NS1" addr add 10.199.7.1/24 dev rlatt0 &&
	ip -n "$NS2" addr add 10.199.7.2/24 dev rlatt1 &&
	ip -n "$NS1" link set rlatt0 up && ip -n "$NS2" link set rlatt1 up ||
	bad "netns setup" "ip netns/veth failed"
# traffic: 5 UDP datagrams from NS2 to NS1's address
send5() { ip netns exec "$NS2" bash -c 'for i in 1 2 3 4 5; do echo hi >/dev/udp/10.199.7.1/9; sleep 0.05; done'; }
net_run() {	# net_run OUT [env...] -- rawload args
	local out=$1; shift
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
	env "${envs[@]}" ip netns exec "$NS1" $RAWLOAD $P/xdp_tc.bpf.o "$@" --duration 1.5 \
		--dump-maps --json >"$out" 2>"$out.err" &
	local pid=$!
	wait_running $pid; send5
	wait $pid || bad "net: rawload $*" "$(cat "$out.err")"
}
net_run "$TMP/n.json" -- --prog xdp_count --attach xdp:rlatt0 \
	--prog tc_count --attach tc:rlatt0:ingress --prog sock_count --attach socket:rlatt0
check "xdp:IFACE counts IPv4 packets (per-CPU sum)" \
	"$(val "$TMP/n.json" '[.maps[]|select(.name=="xdp_stats")|.entries[]|select(.key==2)|.value[]]|add')" "v >= 5"
check "tc:IFACE:ingress (tcx) counts IPv4 packets" \
	"$(val "$TMP/n.json" '.maps[]|select(.name=="tc_stats")|.entries[]|select(.key==2)|.value')" "v >= 5"
check "socket:IFACE filter sees the packets" \
	"$(val "$TMP/n.json" '.maps[]|select(.name==".bss")|.entries[0].value.sock_packets')" "v >= 5"
net_run "$TMP/t.json" RAWLOAD_FORCE_NETLINK_TC=1 -- --prog tc_count --attach tc:rlatt0:ingress
check "tc:IFACE:ingress (clsact + cls_bpf over netlink) counts" \
	"$(val "$TMP/t.json" '.maps[]|select(.name=="tc_stats")|.entries[]|select(.key==2)|.value')" "v >= 5"
left=$(ip netns exec "$NS1" tc filter show dev rlatt0 ingress; ip netns exec "$NS1" tc qdisc show dev rlatt0 | grep clsact)
[ -z "$left" ] && ok "tc filter and clsact removed at exit" || bad "tc filter and clsact removed at exit" "$left"
left=$(ip netns exec "$NS1" ip link show rlatt0 | grep -i xdp)
[ -z "$left" ] && ok "xdp detached at exit" || bad "xdp detached at exit" "$left"
expect "xdp on a missing interface is named" 1 "xdp:nosuch0: no network interface 'nosuch0'" \
	$RAWLOAD $P/xdp_tc.bpf.o --prog xdp_count --attach xdp:nosuch0 --duration 1
expect "  with nothing attached, the run stops there: that one line" 0 "^1 exit=1$" \
	bash -c "$RAWLOAD $P/xdp_tc.bpf.o --prog xdp_count --attach xdp:nosuch0 --duration 1 2>&1 | wc -l | tr -d '\n'; echo \" exit=\${PIPESTATUS[0]}\""
expect "  two refused, nothing attached: both named, then the count" 1 \
	"xdp:nosuch0: no network interface.*tc:nosuch1:ingress: .*nosuch1.*no program could be attached \(2 refused, above\)" \
	bash -c "$RAWLOAD $P/xdp_tc.bpf.o --prog xdp_count --attach xdp:nosuch0 --prog tc_count \
	--attach tc:nosuch1:ingress --duration 1 2>&1 | tr '\n' ' '; exit \${PIPESTATUS[0]}"
# attach-all: the first program's attach is refused; the two after it are
# attached all the same, count the traffic, and the run exits 1 naming it
ip netns exec "$NS1" $RAWLOAD $P/xdp_tc.bpf.o --prog xdp_count --attach xdp:nosuch0 \
	--prog tc_count --attach tc:rlatt0:ingress --prog sock_count --attach socket:rlatt0 \
	--duration 1.5 --dump-maps --json >"$TMP/a.json" 2>"$TMP/a.err" &
pid=$!
wait_running $pid; send5
wait $pid
rc=$?
check "attach-all: a refused attach makes exit 1" "$rc" "v == 1"
check "  the programs after it count the traffic (tc)" \
	"$(val "$TMP/a.json" '.maps[]|select(.name=="tc_stats")|.entries[]|select(.key==2)|.value')" "v >= 5"
check "  (socket filter)" "$(val "$TMP/a.json" '.maps[]|select(.name==".bss")|.entries[0].value.sock_packets')" "v >= 5"
expect "  stderr (--json): the refusal, when it happened" 0 \
	"^rawload: .*: program 'xdp_count': xdp:nosuch0: no network interface 'nosuch0'" head -n 1 "$TMP/a.err"
expect "  without --json: each attach and the count" 1 \
	"xdp_count': xdp:nosuch0: no network interface.*attached 'tc_count'.*attached 'sock_count'.*1 attach refused \(above\), 2 made: running with them" \
	bash -c "ip netns exec $NS1 $RAWLOAD $P/xdp_tc.bpf.o --prog xdp_count --attach xdp:nosuch0 \
	--prog tc_count --attach tc:rlatt0:ingress --prog sock_count --attach socket:rlatt0 --duration 0.2 2>&1 | tr '\n' ' '; exit \${PIPESTATUS[0]}"
expect "  the last line lists what is not attached" 0 "^rawload: .*: not attached: 'xdp_count' \(xdp:nosuch0\)$" \
	tail -n 1 "$TMP/a.err"
expect "tc with a bad direction is refused with the command line, exit 2" 2 \
	"^rawload: tc:lo:sideways: expected tc:IFACE:ingress or tc:IFACE:egress" \
	$RAWLOAD $P/xdp_tc.bpf.o --prog tc_count --attach tc:lo:sideways --duration 1
if $RAWLOAD $P/xdp_tc.bpf.o --prog tc_count --attach tc:lo:sideways --explain 2>&1 | grep -q 'bpf('; then
	bad "  a malformed --attach makes no bpf() call" "$($RAWLOAD $P/xdp_tc.bpf.o --prog tc_count \
		--attach tc:lo:sideways --explain 2>&1 | grep -m2 'bpf(')"
else
	ok "  a malformed --attach makes no bpf() call"
fi

for spec in tracepoint:syscalls uprobe:/bin/true kprobe: xdp; do
	expect "malformed --attach $spec: exit 2 with the command line" 2 "^rawload: .*(expected|not CATEGORY:NAME)" \
		$RAWLOAD $P/hello.bpf.o --attach $spec
done

# ---- an --attach must fit: a program, and the program's type the way ----
# said in words before the load (no bpf() call), exit 2, with the
# programs of the object that would fit, written as options to pass back
expect "--attach that fits no selected program is an error, not ignored" 2 \
	"^rawload: .*: --attach xdp:lo fits no selected program: xdp: takes only programs of type XDP, and the programs are 'hello' \(kprobe\), 'hello_tp' \(tracepoint\); no program of this object does$" \
	$RAWLOAD $P/hello.bpf.o --attach xdp:lo --duration 1
expect "  one that an unselected program would take names it" 2 \
	"--attach tc:lo fits no selected program: tc: takes only programs of type SCHED_CLS, and the programs are 'xdp_count' \(xdp\); this object's programs that do: --prog tc_count" \
	$RAWLOAD $P/xdp_tc.bpf.o --attach tc:lo --prog xdp_count --duration 1
expect "a kprobe program on a tracepoint: in words, with the program that fits" 2 \
	"--attach tracepoint:syscalls:sys_enter_execve: program 'hello' \(section 'kprobe/do_execve', type KPROBE\) does not fit: tracepoint: takes only programs of type TRACEPOINT; this object's programs that do: --prog hello_tp$" \
	$RAWLOAD $P/hello.bpf.o --prog hello --attach tracepoint:syscalls:sys_enter_execve --duration 1
expect "a tracepoint program on xdp" 2 \
	"--attach xdp:lo: program 'hello_tp' \(section 'tracepoint/syscalls/sys_enter_execve', type TRACEPOINT\) does not fit: xdp: takes only programs of type XDP; no program of this object does$" \
	$RAWLOAD $P/hello.bpf.o --prog hello_tp --attach xdp:lo --duration 1
expect "a kprobe.multi program on a kprobe: a multi-link program is not a perf-event one" 2 \
	"program 'on_entry' \(section 'kprobe.multi/.*', type KPROBE\) does not fit: kprobe: takes only programs of type KPROBE \(not a multi-link program\)" \
	$RAWLOAD $P/kmulti.bpf.o --prog on_entry --attach kprobe:__x64_sys_getpid --duration 1
expect "an fentry target is fixed at load" 2 \
	"--attach fentry:bprm_execve: program 'on_getpid' \(section 'tracepoint/syscalls/sys_enter_getpid', type TRACEPOINT\) does not fit: fentry: takes only fentry programs, whose target their section fixes at load" \
	$RAWLOAD $P/maps.bpf.o --prog on_getpid --attach fentry:bprm_execve --duration 1
if $RAWLOAD $P/hello.bpf.o --prog hello_tp --attach xdp:lo --explain 2>&1 | grep -q 'bpf('; then
	bad "  a misfit --attach makes no bpf() call" "$($RAWLOAD $P/hello.bpf.o --prog hello_tp \
		--attach xdp:lo --explain 2>&1 | grep -m2 'bpf(')"
else
	ok "  a misfit --attach makes no bpf() call"
fi
# the kernel's own type rule, not the section's name: a kprobe program
# takes a uprobe (both are BPF_PROG_TYPE_KPROBE on a perf event)
expect "a kprobe program on a uprobe is allowed (same program type)" 0 \
	"attached 'hello' to uprobe:" \
	$RAWLOAD $P/hello.bpf.o --prog hello --attach uprobe:libc.so.6:getpid --duration 0.2

# ---- --explain decodes every call strace shows ----
LIBC=$(ldd /bin/true | awk '/libc\.so/ {print $3}')
LIBCR=$(readlink -f "$LIBC")
out=$($RAWLOAD $P/uprobe.bpf.o --prog probe_fn --attach uprobe:libc.so.6:getpid --duration 0.2 --explain 2>&1)
grep -qE "^  \[attach\] perf_event_open\(\{type=[0-9]+ \(uprobe\), config=0, config1=\"$LIBCR\", config2=0x[0-9a-f]+, sample_period=0\}, pid=-1, cpu=0, group_fd=-1, flags=PERF_FLAG_FD_CLOEXEC\)" <<<"$out" &&
	ok "--explain: a uprobe's perf_event_open names the PMU, the file (config1), the offset (config2)" ||
	bad "--explain uprobe" "$(grep perf_event_open <<<"$out")"
out=$(RAWLOAD_FORCE_LEGACY_KPROBE=1 $RAWLOAD $P/uprobe.bpf.o --prog probe_fn --attach uprobe:libc.so.6:getpid \
	--duration 0.2 --explain 2>&1)
grep -qE '^  \[attach\] write\("[^"]*/uprobe_events", "p:uprobes/rawload_[0-9]+_0 [^ ]*:0x[0-9a-f]+\\n", [0-9]+\) = [0-9]+$' <<<"$out" &&
grep -qE '^  \[detach\] write\("[^"]*/uprobe_events", "-:uprobes/rawload_[0-9]+_0\\n", [0-9]+\) = [0-9]+$' <<<"$out" &&
	ok "--explain: tracefs writes, the legacy probe's line and its removal tagged [detach]" ||
	bad "--explain tracefs writes" "$(grep write <<<"$out")"
out=$($RAWLOAD $P/maps.bpf.o --prog on_getpid --duration 0.2 --explain 2>&1)
rm -f /sys/fs/bpf/pinned_totals
grep -qE '^  \[run\] mmap\(NULL, [0-9]+, PROT_READ\|PROT_WRITE, MAP_SHARED, [0-9]+, 0\) = 0x[0-9a-f]+$' <<<"$out" &&
grep -qE '^  \[run\] mmap\(NULL, [0-9]+, PROT_READ, MAP_SHARED, [0-9]+, [0-9]+\) = 0x[0-9a-f]+$' <<<"$out" &&
	ok "--explain: a ring buffer's two mmaps" || bad "--explain mmap" "$(grep -i mmap <<<"$out")"
out=$($RAWLOAD $P/perfbuf.bpf.o --duration 0.2 --explain 2>&1)
grep -qE 'perf_event_open\(\{type=1 \(SOFTWARE\), config=BPF_OUTPUT, sample_period=1, sample_type=PERF_SAMPLE_RAW, wakeup_events=1\}' <<<"$out" &&
	ok "--explain: a perf buffer's events by type and config name" ||
	bad "--explain perf buffer" "$(grep perf_event_open <<<"$out" | head -2)"
ip netns add "rlexp$$"
ip -n "rlexp$$" link set lo up
out=$(RAWLOAD_FORCE_NETLINK_TC=1 ip netns exec "rlexp$$" $RAWLOAD $P/xdp_tc.bpf.o --prog tc_count \
	--attach tc:lo --duration 0.2 --explain 2>&1)
ip netns del "rlexp$$"
grep -qE '^  \[attach\] sendto\([0-9]+, \{nlmsg_type=RTM_NEWTFILTER, nlmsg_flags=REQUEST\|ACK\|EXCL\|CREATE, tcmsg=\{ifindex=1, handle=0x1, parent=ffff:fff2, info=0x10300\}, \[TCA_KIND="bpf", TCA_OPTIONS=\{TCA_BPF_FD=[0-9]+, TCA_BPF_NAME="rawload_[0-9]+_tc_count\+clsact", TCA_BPF_FLAGS=1\}\]\}, [0-9]+\) = [0-9]+$' <<<"$out" &&
	ok "--explain: a netlink request with its header and attributes by name" ||
	bad "--explain netlink" "$(grep sendto <<<"$out" | head -3)"
grep -qE '^  \[detach\] sendto\([0-9]+, \{nlmsg_type=RTM_DELTFILTER' <<<"$out" &&
grep -qE '^  \[detach\] sendto\([0-9]+, \{nlmsg_type=RTM_DELQDISC' <<<"$out" &&
	ok "--explain: the filter's and qdisc's deletion tagged [detach]" ||
	bad "--explain detach tags" "$(grep -E 'DEL|detach' <<<"$out" | head -4)"

# ---- twins and placeholders (bcc's libbpf-tools' shape) ----
expect "placeholders: each named before the load, with the --prog that leaves them out" 1 \
	"program 'file_read_fentry' \(fentry/dummy_file_read\) is a placeholder: .*leave it out here with --prog exec_btf --prog exec_raw.*program 'file_read_kprobe' \(kprobe/dummy_file_read\) is a placeholder" \
	bash -c "$RAWLOAD $P/twins.bpf.o --duration 0.2 2>&1 | tr '\n' ' '; exit \${PIPESTATUS[0]}"
expect "  the fentry placeholder's load failure says placeholder, not 'name a BPF program'" 1 \
	"program 'file_read_fentry' \(fentry/dummy_file_read\): no FUNC 'dummy_file_read' in the kernel's BTF: a placeholder, whose tool's own loader sets the real target; leave it out with --prog" \
	$RAWLOAD $P/twins.bpf.o --duration 0.2
out=$( (sleep 0.5; /bin/true; /bin/true) & $RAWLOAD $P/twins.bpf.o --prog exec_btf --prog exec_raw \
	--duration 1.5 --dump-maps 2>"$TMP/tw.err"); rc=$?
grep -q "programs 'exec_btf' (tp_btf/sched_process_exec) and 'exec_raw' (raw_tp/sched_process_exec) run on the same event: what both count is counted twice; .*choose with --prog exec_btf or --prog exec_raw" "$TMP/tw.err" &&
	ok "twins loaded together: warned that the event is counted twice" || bad "twins warning" "$(cat "$TMP/tw.err")"
b=$(grep -o '"execs_btf":[0-9]*' <<<"$out" | cut -d: -f2)
r=$(grep -o '"execs_raw":[0-9]*' <<<"$out" | cut -d: -f2)
check "  and both ran (tp_btf counted execs)" "$b" "v >= 2"
check "  (raw_tp counted them too)" "$r" "v >= 2"
expect "one twin alone: no warning" 0 "^rawload: attached 'exec_btf' to tp_btf:sched_process_exec$" \
	bash -c "$RAWLOAD $P/twins.bpf.o --prog exec_btf --duration 0.2 2>&1 | head -n 1"

# ---- iterators -------------------------------------------------------------
# iter/task runs when read: rawload attaches it, prints one walk and, with
# nothing else attached, exits without waiting. only_tgid narrows it to
# this shell: a header, one line per thread (a shell has one), the count.
if out=$(timeout 20 $RAWLOAD $P/iter.bpf.o --set only_tgid=$$ 2>"$TMP/i.err"); then
	want=$(printf '%7s %7s %s\n%7d %7d %s\n1 tasks' TGID PID COMM $$ $$ "$(cat /proc/$$/comm)")
	[ "$out" = "$want" ] && ok "iter/task: this shell's line, read at attach, then exit" ||
		bad "iter/task --set only_tgid" "got: $out | want: $want"
else
	bad "iter/task" "exit $?: $(cat "$TMP/i.err")"
fi
# every task: the count line agrees with the lines, and both this shell
# and kthreadd (pid 2) are there
out=$(timeout 20 $RAWLOAD $P/iter.bpf.o 2>/dev/null)
n=$(tail -n 1 <<<"$out" | awk '{print $1}')
if [ "$(grep -cE '^ +[0-9]+ +[0-9]+ ' <<<"$out")" = "$n" ] && [ "$n" -gt 2 ] &&
   grep -qE "^ +$$ +$$ $(cat /proc/$$/comm)\$" <<<"$out" &&
   grep -qE "^ +2 +2 kthreadd\$" <<<"$out"; then
	ok "iter/task: every task ($n), this shell and kthreadd among them"
else
	bad "iter/task: every task" "n=$n: $(head -c 300 <<<"$out")"
fi
expect "iter at another target needs a reload" 1 \
	"iter:bpf_map: the program was loaded to walk 'task'" \
	$RAWLOAD $P/iter.bpf.o --attach iter:bpf_map

# Under --json an iterator's text is one valid JSON line per line; a walk
# of records (bpf_seq_write) is a hex dump, never raw bytes on a terminal.
out=$(timeout 20 $RAWLOAD $P/iter.bpf.o --set only_tgid=$$ --json 2>/dev/null)
if [ "$(jq -r '.line' <<<"$out" 2>/dev/null | tail -n 1)" = "1 tasks" ] &&
   [ "$(jq -r '.iter' <<<"$out" | sort -u)" = list_tasks ]; then
	ok "iter --json: each text line a JSON object {iter, line}"
else
	bad "iter --json" "$out"
fi
hex=$(printf '%08x' $$ | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')
out=$(timeout 20 $RAWLOAD $P/iter_bin.bpf.o --set only_tgid=$$ 2>/dev/null)
comm=$(cut -c1-4 /proc/$$/comm)
chex=$(printf '%s' "$comm" | od -An -tx1 | tr -d ' \n')
expect "iter of records: a hex dump with offsets and the bytes as text" 0 \
	"^00000000: ${hex:0:4} ${hex:4:4} ${hex:0:4} ${hex:4:4} ${chex:0:4} ${chex:4:4} .*  .{8}$comm" echo "$out"
out=$(timeout 20 $RAWLOAD $P/iter_bin.bpf.o --set only_tgid=$$ --json 2>/dev/null)
jq -e --arg h "$hex$hex" '.iter == "dump_tasks" and .size == 24 and (.data | startswith($h))' \
	<<<"$out" >/dev/null && ok "iter of records --json: valid JSON, size and hex data" ||
	bad "iter of records --json" "$out"

# ---- cgroup --------------------------------------------------------------
if [ -z "$CG" ]; then
	bad "cgroup" "no cgroup2 mount"
else
	mkdir "$CG"
	$RAWLOAD $P/cgroup.bpf.o --attach "cgroup:$CG" --duration 1.5 --dump-maps --json \
		>"$TMP/g.json" 2>"$TMP/g.err" &
	pid=$!; wait_running $pid
	bash -c "echo \$\$ >$CG/cgroup.procs; for i in 1 2 3; do echo hi >/dev/udp/127.0.0.1/9; done"
	wait $pid || bad "cgroup: rawload" "$(cat "$TMP/g.err")"
	check "cgroup:PATH cgroup_skb/egress counts packets" \
		"$(val "$TMP/g.json" '.maps[]|select(.name=="egress_stats")|.entries[]|select(.key==0)|.value')" "v >= 3"
	expect "cgroup v1 / plain directory is refused clearly" 1 "is not a cgroup v2 directory" \
		$RAWLOAD $P/cgroup.bpf.o --attach "cgroup:$TMP" --duration 1
	expect "cgroup: on a program of another type is refused before the load, naming it" 2 \
		"--attach cgroup:$CG: program 'hello_tp' \(section 'tracepoint/syscalls/sys_enter_execve', type TRACEPOINT\) does not fit: cgroup: takes only programs of type CGROUP_SKB/.*; no program of this object does" \
		$RAWLOAD $P/hello.bpf.o --prog hello_tp --attach "cgroup:$CG" --duration 1

	# every other kind of cgroup hook, from a process moved into $CG:
	# a sysctl read, a socket, its connect and getsockopt, a device open
	cat >"$TMP/hooks.py" <<'PY'
import socket
open('/proc/sys/kernel/ostype').read()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(('127.0.0.1', 9))
s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)
open('/dev/null', 'w').write('x')
PY
	$RAWLOAD $P/cgroup_hooks.bpf.o --attach "cgroup:$CG" --duration 1.5 --dump-maps --json \
		>"$TMP/h.json" 2>"$TMP/h.err" &
	pid=$!; wait_running $pid
	bash -c "echo \$\$ >$CG/cgroup.procs; exec python3 $TMP/hooks.py"
	wait $pid || bad "cgroup hooks: rawload" "$(cat "$TMP/h.err")"
	h() { val "$TMP/h.json" ".maps[]|select(.name==\"hook_calls\")|.entries[]|select(.key==$1)|.value"; }
	check "cgroup/sysctl counts a /proc/sys read" "$(h 0)" "v >= 1"
	check "cgroup/getsockopt counts getsockopt(SO_TYPE)" "$(h 1)" "v >= 1"
	check "cgroup/connect4 counts a UDP connect" "$(h 2)" "v >= 1"
	check "cgroup/sock_create counts socket()" "$(h 3)" "v >= 1"
	check "cgroup/dev counts a device open" "$(h 4)" "v >= 1"

	# the AF_UNIX hooks (6.7+), one call each from a process in $CG, and
	# connect_unix moving a connect to "\0rawload-redirect" (bound by no
	# one) to the listener at "\0rawload-unix-<tag in hex>". The sockets
	# are closed by hand: CPython formats an unclosed one for its
	# ResourceWarning, with getsockname and getpeername.
	cat >"$TMP/unix.py" <<'PY'
import socket, sys
tag = int(sys.argv[1])
name = '\0rawload-unix-%08x' % tag
l = socket.socket(socket.AF_UNIX); l.bind(name); l.listen(1)
c = socket.socket(socket.AF_UNIX)
c.connect('\0rawload-redirect')           # connect_unix, redirected
peer = c.getpeername()                    # getpeername_unix
l.getsockname()                           # getsockname_unix
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); d.bind('\0rawload-ud-%08x' % tag)
e = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); e.bind('\0rawload-ue-%08x' % tag)
e.sendto(b'x', '\0rawload-ud-%08x' % tag)  # sendmsg_unix
d.recvfrom(10)                            # recvmsg_unix (e is bound: a source)
for x in (l, c, d, e):
    x.close()
print('redirected' if peer == name.encode() else 'peer %r' % peer)
PY
	base=$(max_ids)
	$RAWLOAD $P/cgroup_unix.bpf.o --attach "cgroup:$CG" --set tag=$$ --duration 1.5 \
		--dump-maps --json >"$TMP/u.json" 2>"$TMP/u.err" &
	pid=$!; wait_running $pid
	got=$(bash -c "echo \$\$ >$CG/cgroup.procs; exec python3 $TMP/unix.py $$" 2>&1)
	wait $pid || bad "cgroup unix hooks: rawload" "$(cat "$TMP/u.err")"
	u() { val "$TMP/u.json" ".maps[]|select(.name==\"unix_calls\")|.entries[]|select(.key==$1)|.value"; }
	check "cgroup/connect_unix counts a connect" "$(u 0)" "v == 1"
	check "cgroup/sendmsg_unix counts a sendto" "$(u 1)" "v == 1"
	check "cgroup/recvmsg_unix counts a recvfrom" "$(u 2)" "v == 1"
	check "cgroup/getpeername_unix counts a getpeername" "$(u 3)" "v == 1"
	check "cgroup/getsockname_unix counts a getsockname" "$(u 4)" "v == 1"
	[ "$got" = redirected ] && [ "$(u 5)" = 1 ] &&
		ok "cgroup/connect_unix rewrote the address (bpf_sock_addr_set_sun_path)" ||
		bad "connect_unix rewrite" "client says '$got', redirected $(u 5)"
	clean "cgroup unix hooks: nothing left after exit" "$base" $P/cgroup_unix.bpf.o

	# ---- sockmap + sockops ----------------------------------------------
	# sockops (cgroup:) puts both ends of a loopback TCP connection made in
	# $CG into the SOCKMAP 'socks'; sk_msg then sees the 3 sends of 100
	# bytes, the stream parser and verdict the bytes received. Maps and
	# programs are pinned, so only BPF_PROG_DETACH at exit frees the sk
	# programs: once their program pins are removed, none may be left.
	cat >"$TMP/tcp.py" <<'PY'
import socket
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
c = socket.create_connection(l.getsockname()); s, _ = l.accept()
s.settimeout(3)
got = 0
for i in range(3):
    c.sendall(b'x' * 100)
    while got < 100 * (i + 1):
        got += len(s.recv(1000))
print(got)
PY
	$RAWLOAD $P/sockmap.bpf.o --attach "cgroup:$CG" --attach sockmap:socks --pin "$SPIN" \
		--duration 1.5 --dump-maps --json >"$TMP/s.json" 2>"$TMP/s.err" &
	pid=$!; wait_running $pid
	got=$(bash -c "echo \$\$ >$CG/cgroup.procs; exec python3 $TMP/tcp.py" 2>&1)
	wait $pid || bad "sockmap: rawload" "$(cat "$TMP/s.err")"
	check "sockmap: the receiver got all 300 bytes through the verdict" "$got" "v == 300"
	s() { val "$TMP/s.json" ".maps[]|select(.name==\"$1\")|.entries[]|select(.key==$2)|.value"; }
	[ "$(s ops 4) $(s ops 5)" = "1 1" ] &&
		ok "sockops (cgroup:PATH): active and passive established once each" ||
		bad "sockops events" "active $(s ops 4), passive $(s ops 5)"
	check "sockops put both ends in the sockmap" "$(s stats 4)" "v == 2"
	check "sockmap:socks sk_msg counts 300 bytes sent" "$(s stats 0)" "v == 300"
	check "sockmap:socks sk_msg runs once per send" "$(s stats 1)" "v == 3"
	check "sockmap:socks sk_skb/stream_verdict counts 300 bytes received" "$(s stats 2)" "v == 300"
	check "sockmap:socks sk_skb/stream_parser ran" "$(s stats 3)" "v >= 1"
	[ -n "$SPIN" ] && rm -rf "$SPIN/progs"
	left=$(for n in msg_count skb_parse skb_verdict; do bpftool prog show name $n; done 2>&1)
	[ -z "$left" ] && ok "sockmap programs detached at exit (map still pinned)" ||
		bad "sockmap programs detached at exit" "$left"
	[ -n "$SPIN" ] && rm -rf "$SPIN"
	left=$(bpftool cgroup tree "$CG" 2>&1 | awk 'NR > 2')
	[ -z "$left" ] && ok "cgroup programs detached at exit" || bad "cgroup detached at exit" "$left"
	expect "sockmap: a map that is not a sockmap is named" 1 \
		"program 'msg_count': sockmap:stats: map 'stats' has type ARRAY; sk_msg and sk_skb programs attach to a SOCKMAP or SOCKHASH map \(this object's: socks\)" \
		$RAWLOAD $P/sockmap.bpf.o --prog msg_count --attach sockmap:stats --duration 1
	expect "sockmap: a missing map is named" 1 "sockmap:nosuch: the object has no map 'nosuch'" \
		$RAWLOAD $P/sockmap.bpf.o --prog msg_count --attach sockmap:nosuch --duration 1
	expect "sockmap: on a program of another type, before the load" 2 \
		"--attach sockmap:socks: program 'dissect' \(section 'flow_dissector', type FLOW_DISSECTOR\) does not fit: sockmap: takes only programs of type SK_MSG/SK_SKB" \
		$RAWLOAD $P/netns.bpf.o --prog dissect --attach sockmap:socks --duration 1
fi

# ---- network namespace: flow_dissector, sk_lookup ---------------------------
# A private netns with RPS on lo: RPS hashes each received packet that
# carries no socket hash (the RSTs answering connects to a closed port),
# and the flow dissector computes that hash. sk_lookup runs for each SYN.
ip netns add "$NS3" && ip -n "$NS3" link set lo up &&
	ip netns exec "$NS3" sh -c 'echo 1 >/sys/class/net/lo/queues/rx-0/rps_cpus' ||
	bad "netns setup" "ip netns / rps_cpus failed"
ip netns exec "$NS3" $RAWLOAD $P/netns.bpf.o --prog dissect --attach "netns:/run/netns/$NS3" \
	--prog lookup --attach netns --duration 1.5 --dump-maps --json >"$TMP/ns.json" 2>"$TMP/ns.err" &
pid=$!; wait_running $pid
ip netns exec "$NS3" bash -c 'for i in 1 2 3; do (echo hi >/dev/tcp/127.0.0.1/9) 2>/dev/null; done'
wait $pid || bad "netns: rawload" "$(cat "$TMP/ns.err")"
nv() { val "$TMP/ns.json" ".maps[]|select(.name==\"netns_stats\")|.entries[]|select(.key==$1)|.value"; }
check "netns:PATH flow_dissector dissects the RPS-hashed packets" "$(nv 0)" "v >= 3"
check "netns (the current one) sk_lookup runs for each of 3 SYNs" "$(nv 1)" "v >= 3"
left=$(ip netns exec "$NS3" bpftool net | sed -n '/flow_dissector/,$p' | sed 1d | grep .
	bpftool prog show name lookup; bpftool prog show name dissect)
[ -z "$left" ] && ok "netns links gone at exit" || bad "netns links gone at exit" "$left"
expect "netns: a file that is no namespace" 1 "/etc/passwd is not a namespace file" \
	$RAWLOAD $P/netns.bpf.o --attach netns:/etc/passwd --duration 1
expect "netns: a program not for a namespace, before the load" 2 \
	"--attach netns:/proc/self/ns/net: program 'hello_tp' \(section 'tracepoint/syscalls/sys_enter_execve', type TRACEPOINT\) does not fit: netns: takes only programs of type FLOW_DISSECTOR/SK_LOOKUP" \
	$RAWLOAD $P/hello.bpf.o --prog hello_tp --attach netns --duration 1

# ---- netfilter (6.4+): local_in of the private netns ------------------------
# 3 connects to a closed port on lo: 3 SYNs and 3 RSTs delivered locally.
ip netns exec "$NS3" $RAWLOAD $P/netfilter.bpf.o --attach netfilter:ipv4:local_in:-100 \
	--duration 1.5 --dump-maps --json --explain >"$TMP/nf.json" 2>"$TMP/nf.err" &
pid=$!; wait_running $pid
ip netns exec "$NS3" bash -c 'for i in 1 2 3; do (echo hi >/dev/tcp/127.0.0.1/9) 2>/dev/null; done'
wait $pid || bad "netfilter: rawload" "$(cat "$TMP/nf.err")"
check "netfilter:ipv4:local_in counts the 6 packets delivered" \
	"$(jq -r '.maps[]|select(.name=="nf_stats")|.entries[]|select(.key==0)|.value' "$TMP/nf.json" 2>/dev/null)" "v == 6"
grep -q "attach_type=NETFILTER, netfilter={pf=2, hooknum=1, priority=-100}" "$TMP/nf.err" &&
	ok "--explain decodes the netfilter link" || bad "--explain netfilter" "$(grep LINK_CREATE "$TMP/nf.err")"
left=$(bpftool prog show name nf_count 2>&1; bpftool link show 2>&1 | grep -i netfilter)
[ -z "$left" ] && ok "netfilter link gone at exit" || bad "netfilter link gone at exit" "$left"
expect "netfilter: a bad hook name lists the good ones, exit 2" 2 \
	"netfilter:ipv4:input: expected netfilter:FAMILY:HOOK\[:PRIO\] with FAMILY ipv4 or ipv6 and HOOK prerouting, local_in" \
	$RAWLOAD $P/netfilter.bpf.o --attach netfilter:ipv4:input --duration 1
expect "netfilter: netfilter's own priority INT_MIN is refused, exit 2" 2 "PRIO '-2147483648' is not a number between" \
	$RAWLOAD $P/netfilter.bpf.o --attach netfilter:ipv4:local_in:-2147483648 --duration 1

finish
