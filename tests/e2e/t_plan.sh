#!/usr/bin/env bash
# `rawload plan`: everything a load would do up to its first bpf() call,
# without the kernel: maps with the loader's flags and initial values,
# the final instructions disassembled and annotated, the attach plan.
# Needs no root (the e2e runner runs it as root: no difference).
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

BTF61=build/vm/btf/6.1.btf

# insns FILE: the instruction lines of a text plan, without annotations
insns() { grep -E '^ +[0-9]+: ' "$1" | sed 's/ *;.*//'; }

# ---- maps: the flags the loader adds, --set values, --resize ----
$RAWLOAD plan $P/globals.bpf.o >"$TMP/g.txt" 2>&1
if grep -A1 -E "^  \.rodata +kernel name 'globals.rodata'" "$TMP/g.txt" |
   grep -qE "flags RDONLY_PROG\|MMAPABLE .*then frozen"; then
	ok "plan: .rodata is RDONLY_PROG|MMAPABLE and frozen"
else
	bad "plan: .rodata flags" "$(grep -A2 '^  \.rodata ' "$TMP/g.txt")"
fi
if grep -A1 -E "^  \.bss " "$TMP/g.txt" | grep -qE "flags MMAPABLE" &&
   ! grep -A1 -E "^  \.bss " "$TMP/g.txt" | grep -q frozen; then
	ok "plan: .bss is MMAPABLE, not frozen"
else
	bad "plan: .bss flags" "$(grep -A1 '^  \.bss ' "$TMP/g.txt")"
fi
$RAWLOAD plan $P/globals.bpf.o --set target_pid=7 >"$TMP/g7.txt" 2>&1
if grep -qE '^ +\+0 +target_pid += 0$' "$TMP/g.txt" &&
   grep -qE '^ +\+0 +target_pid += 7$' "$TMP/g7.txt"; then
	ok "plan: --set target_pid=7 shows in .rodata's initial value"
else
	bad "plan: --set value" "$(grep target_pid "$TMP/g7.txt" | head -3)"
fi
if diff <(insns "$TMP/g.txt") <(insns "$TMP/g7.txt") >/dev/null && [ -n "$(insns "$TMP/g.txt")" ]; then
	ok "plan: --set changes no instruction"
else
	bad "plan: --set instructions" "the listings differ"
fi
expect "plan: a global read is annotated with its map and variable" 0 \
	"r1 = map\[\.rodata\]\[0\]\+0 ll +; map '\.rodata' \+ 0 \(variable 'target_pid'\)" \
	$RAWLOAD plan $P/globals.bpf.o
expect "plan: --resize calls_by_tgid=2048" 0 \
	"calls_by_tgid +kernel name 'calls_by_tgid' +HASH +key 4 value 8 max_entries 2048" \
	$RAWLOAD plan $P/maps.bpf.o --resize calls_by_tgid=2048
expect "plan: a map lookup names the map and the helper" 0 \
	"r1 = map\[calls_by_tgid\] ll +; map 'calls_by_tgid'" $RAWLOAD plan $P/maps.bpf.o
expect "plan: a map pinned by name says where" 0 \
	"pinned by name at /sys/fs/bpf/pinned_totals" $RAWLOAD plan $P/maps.bpf.o
expect "plan: an unsized map is exit 2, as the load" 2 "give it with --resize stacks=N" \
	$RAWLOAD plan $P/resize.bpf.o
# Two maps with one kernel-visible name: a copy of maps.bpf.o whose
# inner_a is renamed inner_b everywhere.
python3 -c "import sys; d = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(d.replace(b'inner_a\0', b'inner_b\0'))" $P/maps.bpf.o "$TMP/dup.bpf.o"
expect "plan: colliding kernel names are a warning" 0 \
	"warning: kernel name 'inner_b' collides with map 'inner_b'" $RAWLOAD plan "$TMP/dup.bpf.o"

# ---- programs: subprograms, callbacks, helpers, externs ----
$RAWLOAD plan $P/subprogs.bpf.o >"$TMP/s.txt" 2>&1
for pat in "program 'tp_getpid' .*appended: 'sum_step' at [0-9]+, 'mix' at [0-9]+, 'scale' at [0-9]+" \
	   "call pc\+[0-9]+ +; call subprog 'scale' \(pc\+[0-9]+ = insn [0-9]+\)" \
	   "r2 = func pc\+[0-9]+ ll +; callback 'sum_step'" \
	   "call bpf_loop#181" "^  scale:$" "^  mix:$"; do
	if grep -qE "$pat" "$TMP/s.txt"; then ok "plan: subprogs: /$pat/"
	else bad "plan: subprogs" "no /$pat/"; fi
done
# each appended function starts where its label says, and a call lands there
awk '/^program .tp_getpid/ {p = 1} /^program .raw_sys_enter/ {p = 0}
     p && /^  [a-z_]+:$/ {name = $1; getline; split($1, a, ":"); start[name] = a[1]}
     p && /call subprog/ {split($1, c, ":"); match($0, /insn [0-9]+/); t = substr($0, RSTART + 5, RLENGTH - 5)
        match($0, /subprog .[a-z_]+/); s = substr($0, RSTART + 9, RLENGTH - 9); calls[s] = t}
     END {for (s in calls) if (start[s ":"] != calls[s]) {print s, start[s ":"], calls[s]; exit 1}}' \
	"$TMP/s.txt" >"$TMP/awk.out"
if [ $? -eq 0 ] && grep -q "call subprog" "$TMP/s.txt"; then
	ok "plan: every subprogram call lands on its function's first instruction"
else
	bad "plan: call targets" "$(cat "$TMP/awk.out")"
fi
expect "plan: __kconfig extern annotated" 0 \
	"; extern 'LINUX_KERNEL_VERSION' \(__kconfig\): map '\.kconfig' \+ [0-9]+" \
	$RAWLOAD plan $P/externs.bpf.o
# an --attach of the program's family (kretprobe: on a kprobe program)
# applies as in the load, which attaches it there
expect "plan: --attach kretprobe: takes the kprobe program, as a load does" 0 \
	"hello +-> kretprobe:bprm_execve \(--attach\)" \
	$RAWLOAD plan $P/hello.bpf.o --attach kretprobe:bprm_execve
expect "plan: ksym annotated" 0 "; ksym '__x64_sys_getpid'" $RAWLOAD plan $P/externs.bpf.o
expect "plan: .kconfig's initial value shows the resolved config" 0 \
	"\+[0-9]+ +CONFIG_BPF_SYSCALL += true" $RAWLOAD plan $P/externs.bpf.o

# ---- CO-RE: the running kernel against Debian 6.1's BTF ----
$RAWLOAD plan $P/core.bpf.o >"$TMP/h.txt" 2>&1
expect "plan: core.bpf.o against the host" 0 "CO-RE byte_off struct task_struct.pid" \
	$RAWLOAD plan $P/core.bpf.o
expect "plan: a poisoned CO-RE relocation is shown as such" 0 \
	"call unknown#195896080 +; CO-RE byte_off struct task_struct___old.state .*poisoned \(no field 'state'" \
	$RAWLOAD plan $P/core.bpf.o
# byte offset of a task_struct member in BTF file $1, per bpftool
member_off() {
	bpftool btf dump file "$1" format raw |
		awk -v m="'$2'" '/^\[[0-9]+\] STRUCT .task_struct. size/ {f = 1; next}
			f && /^\[/ {exit}
			f && $1 == m {sub("bits_offset=", "", $3); print $3 / 8; exit}'
}
# the value an annotated CO-RE line gives field $2 in plan output $1
core_off() {
	grep -E "CO-RE byte_off struct task_struct\.$2 \(" "$1" | head -1 |
		sed -E 's/.*: -?[0-9]+ -> (-?[0-9]+).*/\1/'
}
if [ -f "$BTF61" ] && command -v bpftool >/dev/null; then
	$RAWLOAD plan $P/core.bpf.o --btf "$BTF61" >"$TMP/v.txt" 2>&1
	for f in pid tgid real_parent; do
		h=$(core_off "$TMP/h.txt" $f) v=$(core_off "$TMP/v.txt" $f)
		hw=$(member_off /sys/kernel/btf/vmlinux $f) vw=$(member_off "$BTF61" $f)
		if [ -n "$v" ] && [ "$v" = "$vw" ] && [ "$h" = "$hw" ] && [ "$h" != "$v" ]; then
			ok "plan: task_struct.$f at $h here, $v in 6.1 (as bpftool says)"
		else
			bad "plan: task_struct.$f" "host $h (bpftool $hw), 6.1 $v (bpftool $vw)"
		fi
	done
	if grep -q "target BTF (CO-RE, ksyms): $BTF61" "$TMP/v.txt" &&
	   ! diff <(insns "$TMP/h.txt") <(insns "$TMP/v.txt") >/dev/null; then
		ok "plan: --btf 6.1 changes the instructions, and says which BTF"
	else
		bad "plan: --btf" "same listing or no target line"
	fi
else
	bad "plan: 6.1 BTF" "$BTF61 or bpftool missing: run scripts/extract-btf.sh 6.1"
fi

# ---- attach plan ----
expect "plan: the section's target" 0 \
	"count_getpid +-> tracepoint:syscalls/sys_enter_getpid \(the section's target\)" \
	$RAWLOAD plan $P/globals.bpf.o
expect "plan: --attach overrides it" 0 \
	"count_getpid +-> tracepoint:syscalls:sys_enter_getppid \(--attach\)" \
	$RAWLOAD plan $P/globals.bpf.o --attach tracepoint:syscalls:sys_enter_getppid
expect "plan: --no-attach" 0 "count_getpid +-> not attached: --no-attach" \
	$RAWLOAD plan $P/globals.bpf.o --no-attach
expect "plan: --prog selects" 0 "^attach plan" $RAWLOAD plan $P/subprogs.bpf.o --prog tp_getpid
expect "plan: sockmap:MAP and cgroup:PATH for a sockops + sk_msg object" 0 \
	"sockops_add +-> cgroup:/sys/fs/cgroup/x \(--attach\).*msg_count +-> sockmap:socks \(--attach\)" \
	bash -c "$RAWLOAD plan $P/sockmap.bpf.o --attach cgroup:/sys/fs/cgroup/x --attach sockmap:socks | tr '\n' ' '"
expect "plan: a sockmap:MAP that is no sockmap will fail, and says why" 0 \
	"msg_count +-> sockmap:stats \(--attach; will fail: sockmap:stats: map 'stats' has type ARRAY" \
	$RAWLOAD plan $P/sockmap.bpf.o --prog msg_count --attach sockmap:stats
expect "plan: netns alone is this namespace" 0 "lookup +-> netns:/proc/self/ns/net \(--attach\)" \
	$RAWLOAD plan $P/netns.bpf.o --attach netns
expect "plan: sk_lookup without --attach says which to give" 0 \
	"lookup +-> not attached: .*give one with --attach netns" $RAWLOAD plan $P/netns.bpf.o
# kprobe.session (6.10+): the section's target, the --attach a target-less
# one wants, and the expected attach type the kernel will insist on
expect "plan: kprobe.session/FN is its own attach type" 0 \
	"count_runs +-> kprobe.session:do_nanosleep \(the section's target\).*odd_skip +-> kprobe.session:do_nanosleep" \
	bash -c "$RAWLOAD plan $P/ksession.bpf.o | tr '\n' ' '"
expect "plan: SEC(\"kprobe.session\") without a target says which --attach" 0 \
	"plain +-> not attached: its section names no target; give one with --attach kprobe.session:GLOB" \
	$RAWLOAD plan $P/ksession.bpf.o
expect "plan: kprobe.session:GLOB for a kprobe.multi program will fail, and says why" 0 \
	"on_entry +-> kprobe.session:do_\* \(--attach; will fail: .*only kprobe.session programs attach there .*BPF_TRACE_KPROBE_SESSION" \
	$RAWLOAD plan $P/kmulti.bpf.o --prog on_entry --attach 'kprobe.session:do_*'
expect "plan: kprobe.multi:GLOB for a kprobe.session program will fail, and says why" 0 \
	"plain +-> kprobe.multi:do_\* \(--attach; will fail: .*BPF_TRACE_KPROBE_MULTI.*attach this one with kprobe.session:GLOB" \
	$RAWLOAD plan $P/ksession.bpf.o --prog plain --attach 'kprobe.multi:do_*'
# lsm_cgroup/HOOK: HOOK is the LSM hook (load time), the cgroup an --attach
expect "plan: lsm_cgroup takes cgroup:PATH" 0 "deny_inet6 +-> cgroup:/sys/fs/cgroup/x \(--attach\)" \
	$RAWLOAD plan $P/vm_lsm_cgroup.bpf.o --attach cgroup:/sys/fs/cgroup/x
expect "plan: lsm_cgroup's hook is not a place to attach" 0 \
	"deny_inet6 +-> not attached: its section names the hook, not where to attach; give one with --attach cgroup:PATH" \
	$RAWLOAD plan $P/vm_lsm_cgroup.bpf.o
expect "plan: the AF_UNIX cgroup hooks take cgroup:PATH" 0 \
	"on_connect_unix +-> cgroup:/x \(--attach\).*on_getsockname_unix -> cgroup:/x \(--attach\)" \
	bash -c "$RAWLOAD plan $P/cgroup_unix.bpf.o --attach cgroup:/x | tr '\n' ' '"
expect "plan: a bad netfilter hook is refused with the command line, exit 2" 2 \
	"netfilter:ipv4:input: expected netfilter:FAMILY:HOOK\[:PRIO\] with .*HOOK prerouting, local_in" \
	$RAWLOAD plan $P/netfilter.bpf.o --attach netfilter:ipv4:input
expect "plan: a sockmap that is no map of the object will fail" 0 \
	"msg_count +-> sockmap:nosuch \(--attach; will fail: sockmap:nosuch: the object has no map 'nosuch'" \
	$RAWLOAD plan $P/sockmap.bpf.o --prog msg_count --attach sockmap:nosuch
if $RAWLOAD plan $P/subprogs.bpf.o --prog tp_getpid 2>&1 | grep -q "raw_sys_enter"; then
	bad "plan: --prog" "raw_sys_enter listed although not selected"
else
	ok "plan: --prog lists only the selected program"
fi

# ---- --json: the same data ----
if $RAWLOAD plan $P/globals.bpf.o --set target_pid=7 --json >"$TMP/g.json" &&
   python3 - "$TMP/g.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ro = [m for m in d["maps"] if m["name"] == ".rodata"][0]
assert ro["flags"] == "RDONLY_PROG|MMAPABLE" and ro["frozen"] and ro["declared_flags"] == 0, ro
assert ro["initial_values"]["target_pid"] == 7, ro
p = d["programs"][0]
assert p["name"] == "count_getpid" and p["insn_cnt"] > 0, p
notes = [i["note"] for i in p["insns"] if "note" in i]
assert any("variable 'target_pid'" in n for n in notes), notes
assert d["attach"][0]["type"] == "tracepoint", d["attach"]
PY
then
	ok "plan --json parses and agrees"
else
	bad "plan --json" "$(head -c 400 "$TMP/g.json")"
fi

# ---- bad input, and no bpf() call at all ----
head -c 100 /dev/urandom >"$TMP/junk.o"
expect "plan: a bad object is exit 2" 2 "" $RAWLOAD plan "$TMP/junk.o"
expect "plan: a recursive object is exit 2 naming the cycle" 2 "recursively" \
	$RAWLOAD plan $P/bad_recursion.bpf.o
expect "plan: --prog of no such program is exit 2" 2 "no program of that name" \
	$RAWLOAD plan $P/globals.bpf.o --prog nope
expect "plan: a missing --btf is exit 2" 2 "target BTF '/nonexistent.btf'" \
	$RAWLOAD plan $P/core.bpf.o --btf /nonexistent.btf
if command -v strace >/dev/null; then
	for o in globals maps subprogs core externs; do
		# LeakSanitizer cannot work under ptrace: off when $RAWLOAD is
		# the sanitizer build (tests/e2e/run.sh --asan), ASan stays on.
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
			strace -f -e trace=bpf -o "$TMP/st.txt" $RAWLOAD plan $P/$o.bpf.o >/dev/null 2>&1
		if [ $? -eq 0 ] && ! grep -q 'bpf(' "$TMP/st.txt"; then
			ok "plan: $o.bpf.o makes no bpf() call"
		else
			bad "plan: $o.bpf.o syscalls" "$(grep 'bpf(' "$TMP/st.txt" | head -3)"
		fi
	done
else
	bad "plan: strace" "strace missing (scripts/deps.sh)"
fi
expect "plan: the ASan build runs it clean" 0 "^attach plan" $ASAN_RAWLOAD plan $P/subprogs.bpf.o
finish
