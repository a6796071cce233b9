#!/usr/bin/env bash
# tests/vm/guest-tests.sh - runs INSIDE the VM (scripts/vm/run.sh), from /src,
# which holds the repository's layout: ./rawload, build/progs/*.bpf.o,
# build/vm/{getpid_loop,vmhelper} (static helpers from tests/vm/*.c),
# tests/e2e/lib.sh. Root, busybox + bash, no python.
# Prints "ok   NAME" / "FAIL NAME: why" lines and closes with
# "guest: N passed, N failed"; the host script reads those from the serial log.
cd "$(dirname "$0")/../.." && STAGE=guest && . tests/e2e/lib.sh
rel=$(uname -r)
read -r flavor want_rel <build/vm/FLAVOR 2>/dev/null

# 1. The kernel the host meant to boot, and its config where rawload looks.
echo "guest: kernel $rel (flavor ${flavor:-?}), $(nproc) cpu(s)"
if [ "$rel" = "$want_rel" ]; then ok "uname -r: $rel"; else bad "uname -r" "$rel, expected $want_rel"; fi
if [ -s "/boot/config-$rel" ]; then ok "/boot/config-$rel present"; else bad "kernel config" "no /boot/config-$rel"; fi
for d in /sys/fs/bpf /sys/kernel/tracing; do
	if grep -q " $d " /proc/mounts; then ok "mounted: $d"; else bad "mounted: $d" "not in /proc/mounts"; fi
done

# 2. The binary runs here (its libc was copied from the host).
expect "rawload --version" 0 '[0-9]+\.[0-9]+' $RAWLOAD --version

# 3. inspect needs no kernel: every object.
for o in $P/*.bpf.o; do
	n=$(basename "$o" .bpf.o)
	expect "inspect $n" 0 '' $RAWLOAD inspect "$o"
done

# 4. Every object that loads on these kernels loads: maps, BTF, programs,
#    CO-RE against this kernel's BTF (objects built against the 6.18 host).
for n in hello globals maps tailcall cgroup uprobe xdp_tc core; do
	expect "load --no-attach $n" 0 '' $RAWLOAD $P/$n.bpf.o --no-attach
done
# subprogs.bpf.o calls bpf_loop (5.17): an older kernel refuses its
# callback, and rawload says what the kernel lacks
case $(uname -r) in
5.[0-9].*|5.1[0-6].*)
	expect "subprogs: bpf_loop's callback on a kernel before 5.17, said" 1 \
		"callback functions as subprograms|helper [0-9]+ \(bpf_loop\) \(a newer kernel's: Linux 5\.17\)" \
		$RAWLOAD $P/subprogs.bpf.o --no-attach ;;
*)
	expect "load --no-attach subprogs" 0 '' $RAWLOAD $P/subprogs.bpf.o --no-attach ;;
esac
# externs.bpf.o calls the bpf_iter_num kfuncs, which kernels before 6.4
# do not have: there the load must fail naming the missing kfunc; from 6.4
# on it loads, with the BTF accepted (externs rewritten as libbpf does).
case $(uname -r) in
6.[0-3].*|5.*)
	expect "externs: a kfunc this kernel lacks is named" 2 \
		"extern 'bpf_iter_num_[a-z]+' \(__ksym\): no FUNC of that name" \
		$RAWLOAD $P/externs.bpf.o --no-attach ;;
*)
	out=$($RAWLOAD $P/externs.bpf.o --no-attach 2>&1); rc=$?
	if [ $rc -eq 0 ] && ! grep -q 'refused the object' <<<"$out"; then
		ok "externs: loads with its BTF"
	else
		bad "externs" "exit $rc: $out"
	fi ;;
esac

# 4b. CO-RE ground truth: 'rawload core' resolves core.bpf.o (built against
#     the 6.18 host's vmlinux.h) against this kernel's BTF; every plain field
#     offset and the struct size must be what this kernel's BTF says, read
#     independently with bpftool (bits_offset / 8, size=).
core_truth() {
	local out btf rc=0 f got want size
	out=$($RAWLOAD core $P/core.bpf.o 2>&1) || { bad "rawload core core.bpf.o" "$out"; return; }
	ok "rawload core core.bpf.o: $(grep -cE ' -> ' <<<"$out") relocations resolved"
	bpftool btf dump file /sys/kernel/btf/vmlinux >"$TMP/vmlinux.btf" 2>&1	# also for 12.
	btf=$(sed -n "/^\[[0-9]*\] STRUCT 'task_struct' size=/,/^\[/p" "$TMP/vmlinux.btf")
	[ -n "$btf" ] || { bad "CO-RE ground truth" "bpftool found no struct task_struct"; return; }
	# task_struct.state became __state in 5.14
	local st=__state
	case $(uname -r) in 5.[0-9].*|5.1[0-3].*) st=state ;; esac
	for f in pid tgid real_parent $st flags comm; do
		# (core.bpf.c reads the old 'state' through its flavor task_struct___old)
		got=$(grep -E "byte_off +struct task_struct(___old)?\.$f \(" <<<"$out" | head -n 1 | awk '{print $NF}')
		want=$(grep -E "^[[:space:]]+'$f' type_id=[0-9]+ bits_offset=" <<<"$btf" | head -n 1 |
			sed -E 's/.*bits_offset=([0-9]+).*/\1/')
		if [ -n "$got" ] && [ -n "$want" ] && [ "$got" -eq $((want / 8)) ]; then
			ok "CO-RE task_struct.$f at $got (BTF: bit $want)"
		else
			bad "CO-RE task_struct.$f" "rawload says '$got', BTF bits_offset '$want'"
		fi
	done
	got=$(grep -E 'type_size +struct task_struct ' <<<"$out" | awk '{print $NF}')
	size=$(head -n 1 <<<"$btf" | sed -E 's/.* size=([0-9]+).*/\1/')
	if [ -n "$got" ] && [ "$got" = "$size" ]; then ok "CO-RE sizeof(task_struct) = $got"
	else bad "CO-RE sizeof(task_struct)" "rawload says '$got', BTF size '$size'"; fi
	got=$(grep -E 'field_exists +struct task_struct___fake' <<<"$out" | awk '{print $NF}')
	if [ "$got" = 0 ]; then ok "CO-RE: task_struct___fake.no_such_field does not exist"
	else bad "CO-RE fake field" "rawload says '$got'"; fi
}
core_truth

# 5. A program runs: globals.bpf.o on tracepoint syscalls/sys_enter_getpid.
#    bss_u64 N: the N-th u64 of the .bss map's value in the --dump-maps --json
#    output (a hex string now; a {"hits":..} object once values use BTF).
bss_u64() { # FILE INDEX [FIELD]
	local j hex le i
	j=$(tr -d '\n' <"$1" | sed -n 's/.*"name":"[^"]*\.bss"\(.*\)/\1/p')
	if [ -n "$3" ] && grep -qE "\"$3\": *[0-9]+" <<<"$j"; then
		grep -oE "\"$3\": *[0-9]+" <<<"$j" | head -n 1 | grep -oE '[0-9]+$'
		return
	fi
	hex=$(sed -n 's/^[^}]*"entries":\[{"key":"[0-9a-f]*","value":"\([0-9a-f]*\)".*/\1/p' <<<"$j")
	hex=${hex:$(($2 * 16)):16}
	[ ${#hex} -eq 16 ] || return 1
	le=""
	for i in 14 12 10 8 6 4 2 0; do le+=${hex:$i:2}; done
	echo $((16#$le))
}
run_globals() { # extra options...
	$RAWLOAD $P/globals.bpf.o --duration 2 --dump-maps --json "$@" >"$TMP/dump.json" 2>"$TMP/err" &
	local pid=$!
	sleep 1
	build/vm/getpid_loop 100
	wait $pid
}
if run_globals; then
	h=$(bss_u64 "$TMP/dump.json" 0 hits); m=$(bss_u64 "$TMP/dump.json" 2 matched)
	if [ "${h:-0}" -ge 100 ] && [ "${m:-0}" -ge 100 ]; then
		ok "globals runs on sys_enter_getpid: hits=$h matched=$m"
	else
		bad "globals runs" "hits=$h matched=$m: $(head -c 400 "$TMP/dump.json") $(cat "$TMP/err")"
	fi
else
	bad "globals runs" "exit $?: $(cat "$TMP/err")"
fi

# 5b. kconfig externs: the guest has no /proc/config.gz, so rawload reads
#     /boot/config-$(uname -r); the values the program stored must be the
#     file's (and the version uname's).
kc() { grep -o "\"$1\":[0-9-]*" "$TMP/kc.json" | head -n1 | cut -d: -f2; }
cfg() { grep -m1 "^$1=" "/boot/config-$(uname -r)" | cut -d= -f2; }
$RAWLOAD $P/kconfig.bpf.o --duration 2 --dump-maps --json >"$TMP/kc.json" 2>"$TMP/err" &
pid=$!
sleep 1
build/vm/getpid_loop 10
wait $pid
IFS=.- read -r ka kb kc_ _ <<<"$(uname -r)"
want_ver=$(( (ka << 16) + (kb << 8) + (kc_ > 255 ? 255 : kc_) ))
want_jit=$(case $(cfg CONFIG_BPF_JIT) in y) echo 1;; m) echo 2;; *) echo 0;; esac)
got="$(kc kversion) $(kc bpf_syscall) $(kc hz) $(kc bpf_jit) $(kc missing)"
want="$want_ver 1 $(cfg CONFIG_HZ) $want_jit 0"
if [ "$got" = "$want" ]; then
	ok "kconfig externs from /boot/config-$(uname -r): version hz jit = $got"
else
	bad "kconfig externs" "got '$got', want '$want': $(head -c 300 "$TMP/kc.json") $(cat "$TMP/err")"
fi

# 6. This kernel has what the host lacks: kprobes.
if [ -d /sys/bus/event_source/devices/kprobe ]; then
	ok "kprobe PMU present (type $(cat /sys/bus/event_source/devices/kprobe/type))"
else
	bad "kprobe PMU" "no /sys/bus/event_source/devices/kprobe"
fi
if grep -q ' bprm_execve$' /proc/kallsyms; then ok "bprm_execve in kallsyms"; else bad "bprm_execve" "not in /proc/kallsyms"; fi

# 7. kprobe attach (bpf_printk from bprm_execve): exec programs meanwhile.
#    rawload reads trace_pipe itself for a program that calls bpf_printk, so
#    the line shows in its output (or in the trace buffer if it did not).
echo >/sys/kernel/tracing/trace
$RAWLOAD $P/hello.bpf.o --attach kprobe:bprm_execve --duration 2 >"$TMP/k.out" 2>&1 &
kp=$!
sleep 1
for i in 1 2 3; do /bin/true; done
wait $kp; krc=$?
if [ $krc -eq 0 ] && cat "$TMP/k.out" /sys/kernel/tracing/trace | grep -q 'hello from pid'; then
	ok "kprobe:bprm_execve: bpf_printk line seen"
else
	bad "kprobe:bprm_execve" "exit $krc: $(head -c 600 "$TMP/k.out")"
fi
# do_execve is inlined on these kernels: the refusal says so and offers
# the real names (design.md's example).
expect "kprobe:do_execve refused with alternatives" 1 'not in /proc/kallsyms.*bprm_execve' \
	$RAWLOAD $P/hello.bpf.o --attach kprobe:do_execve --duration 1

# --- helpers for the running tests below ---------------------------------
# The --dump-maps --json output is one line per map, values formatted with
# BTF (.bss as {"key":0,"value":{"var":N,...}}): the first "KEY":NUMBER or
# "KEY":"STRING" anywhere in FILE (the names asked for here are unique).
# jload FILE reads them all once (one grep: every process costs under TCG)
# into JV; jnum/jstr FILE KEY then look up (FILE must be the one loaded).
declare -A JV
jload() {
	local line k v
	JV=()
	grep -oE '"[A-Za-z0-9_.]+": *(-?[0-9]+|"[^"]*")' "$1" >"$TMP/kv"
	while IFS= read -r line; do
		k=${line%%\":*}; k=${k#\"}
		v=${line#*\":}; v=${v# }; v=${v#\"}; v=${v%\"}
		[ -n "${JV[$k]+set}" ] || JV[$k]=$v
	done <"$TMP/kv"
}
jnum() { echo "${JV[$2]-}"; }
jstr() { echo "${JV[$2]-}"; }
# the single value of hello.bpf.o's one-slot array "counts"
counts_val() { grep -oE '"name":"counts"[^]]*' "$1" | grep -oE '"value":[0-9]+' | grep -oE '[0-9]+$'; }
# bg_rawload NLINKS ARGS...: ARGS --dump-maps --json in the background,
# stdout and stderr to $TMP/rl.out, $rl its pid; returns once rawload holds
# NLINKS BPF links (every attach here makes one: kprobes through
# BPF_LINK_CREATE on a perf event, tracing and LSM programs through
# BPF_RAW_TRACEPOINT_OPEN), seen as "link_type:" in /proc/PID/fdinfo, so
# attached; or after 15 s, or when it has exited. --duration counts from
# there: callers pass --duration 1.5 and act at once.
bg_rawload() {
	local want=$1 i n; shift
	echo >/sys/kernel/tracing/trace	# no stale bpf_printk lines
	rl_t0=$(cut -d' ' -f1 /proc/uptime)
	"$@" --dump-maps --json >"$TMP/rl.out" 2>&1 &
	rl=$!
	for i in $(seq 150); do
		# a link each, or, before 5.15 (no perf event links: the program
		# is set on the event by ioctl), the perf events themselves
		n=$(grep -l '^link_type:' /proc/$rl/fdinfo/* 2>/dev/null | wc -l)
		[ "$n" -ge "$want" ] && return 0
		[ "$n" -eq 0 ] && n=$(ls -l /proc/$rl/fd 2>/dev/null | grep -c 'anon_inode:\[perf_event\]')
		[ "$n" -ge "$want" ] && sleep 0.2 && return 0
		kill -0 $rl 2>/dev/null || return 0
		sleep 0.1
	done
	echo "note rawload $*: only $n of $want links after 15 s"
}
# rl_wait NAME: wait for the background rawload; 0 if it exited 0
rl_wait() {
	wait $rl; local rc=$?
	jload "$TMP/rl.out"
	echo "note $1: rawload ran $(awk -v t0="$rl_t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s"
	[ $rc -eq 0 ] && return 0
	bad "$1" "rawload exited $rc: $(grep -v '^[0-9]*: \|^; ' "$TMP/rl.out" | tail -c 900)"
	return 1
}

t_run0=$(cut -d' ' -f1 /proc/uptime)
# 8. The kprobe family, each with hello.bpf.o (a kprobe program, section
#    kprobe/do_execve, that calls bpf_printk and counts into the one-slot
#    array "counts"): three execs of /bin/true meanwhile must show the line
#    in rawload's output and a count of at least 3 in the map dumped at exit
#    (the count includes bg_rawload's own polling execs).
#    KP_DURING, if set, is run (eval) while attached.
kp_test() { # NAME ATTACH-SPEC [rawload options...] (RAWLOAD_ENV: VAR=VALUE)
	local name=$1 spec=$2 n; shift 2
	bg_rawload 1 env $RAWLOAD_ENV $RAWLOAD $P/hello.bpf.o "$@" --attach "$spec" --duration 1.5
	for i in 1 2 3; do /bin/true; done
	[ -n "${KP_DURING:-}" ] && eval "$KP_DURING"
	rl_wait "$name" || return 1
	n=$(counts_val "$TMP/rl.out")
	if grep -q 'hello from pid' "$TMP/rl.out" && [ "${n:-0}" -ge 3 ]; then
		ok "$name: bpf_printk line seen, counts=$n"
	else
		bad "$name" "counts=$n: $(head -c 600 "$TMP/rl.out")"; return 1
	fi
}
# kretprobe and ksyscall name the program with --prog: without it, rawload
# matches --attach to programs by the section's type (kprobe), so a
# kretprobe:/ksyscall: spec is ignored and the section's own target
# kprobe:do_execve is tried instead (reported to the lead).
kp_test "kretprobe:bprm_execve" kretprobe:bprm_execve --prog hello
kp_test "ksyscall:execve" ksyscall:execve --prog hello
if grep -q ' __x64_sys_execve$' /proc/kallsyms; then
	ok "ksyscall:execve: __x64_sys_execve is the x86_64 entry point here"
else
	bad "ksyscall prefix" "no __x64_sys_execve in /proc/kallsyms"
fi

# A kprobe at an offset. bprm_execve is a static function: no endbr64 even
# with IBT (6.12), so on all three kernels it opens with the 5-byte
# __fentry__ call (a nop until traced) and +5 is the next instruction (the
# kernels' disassembly: 6.12 "e8 .. call; +5 push %r15; +7 push %r14";
# +4 and +1 are inside the call). +5 is a real int3 kprobe, not ftrace's.
kp_test "kprobe:bprm_execve+5 (after the __fentry__ call)" kprobe:bprm_execve+5
# ...and an offset inside an instruction is refused by the kernel (EILSEQ).
expect "kprobe:bprm_execve+1 (inside an instruction) refused" 1 'kprobe:bprm_execve\+1' \
	$RAWLOAD $P/hello.bpf.o --attach kprobe:bprm_execve+1 --duration 1

# 9. The legacy tracefs kprobe path (forced by RAWLOAD_FORCE_LEGACY_KPROBE,
#    as on a kernel without the kprobe PMU): while attached, kprobe_events
#    holds rawload's event; after rawload exits, no rawload_ event is left.
# where rawload found tracefs: /sys/kernel/tracing, or debugfs's tracing;
# waited for up to 6 s: on a slow guest (5.10 under TCG) rawload attaches
# more than 2 s after it starts
KPE=/sys/kernel/tracing/kprobe_events
[ -e $KPE ] || KPE=/sys/kernel/debug/tracing/kprobe_events
KP_DURING='for i in $(seq 60); do grep -q rawload_ $KPE && break; sleep 0.1; done
	cat $KPE >"$TMP/kpe.during"'
RAWLOAD_ENV=RAWLOAD_FORCE_LEGACY_KPROBE=1
if kp_test "legacy tracefs kprobe:bprm_execve" kprobe:bprm_execve --explain; then
	if grep -qE '^p:[^ ]*rawload_[^ ]* bprm_execve' "$TMP/kpe.during"; then
		ok "legacy kprobe: kprobe_events had $(grep rawload_ "$TMP/kpe.during" | cut -d' ' -f1) while attached"
	else
		bad "legacy kprobe" "no rawload_ event in $KPE while attached: $(cat "$TMP/kpe.during"); rawload: $(grep -E 'write\(|perf_event_open' "$TMP/rl.out" | head -n 4)"
	fi
	if grep -q rawload_ $KPE; then
		bad "legacy kprobe cleanup" "left behind: $(grep rawload_ $KPE)"
	else
		ok "legacy kprobe: no rawload_ event left in kprobe_events after exit"
	fi
fi
KP_DURING= RAWLOAD_ENV=

# 10. fentry, fexit and fmod_ret (tests/progs/vm_tracing.bpf.c), all four
#     programs attached at once. Their counters count only what
#     build/vm/vmhelper (comm "vmhelper") does, so they must match exactly.
# Its counters use atomic fetch-and-add (5.12): an older kernel refuses
# them, and rawload says what it lacks.
old_atomics=0
case $(uname -r) in 5.[0-9].*|5.1[01].*) old_atomics=1 ;; esac
if [ $old_atomics = 1 ]; then
	expect "vm_tracing.bpf.o before 5.12: the atomic fetch-and-op the kernel lacks, said" 1 \
		"this kernel has no atomic fetch-and-op instructions .*Linux 5\.12\+" \
		$RAWLOAD $P/vm_tracing.bpf.o --duration 1
else
	bg_rawload 4 $RAWLOAD $P/vm_tracing.bpf.o --duration 1.5
	build/vm/vmhelper nanosleep 20 >"$TMP/h1.out" 2>&1
	build/vm/vmhelper open /dev/null /rawload-no-such-file >"$TMP/h2.out" 2>&1
	build/vm/vmhelper getsid >"$TMP/h3.out" 2>&1
fi
if [ $old_atomics = 0 ] && rl_wait "vm_tracing.bpf.o (fentry, fexit, fmod_ret)"; then
	J=$TMP/rl.out
	a=$(jnum $J nanosleeps); h=$(jnum $J helper_nanosleeps)
	if [ "$h" = 20 ] && [ "${a:-0}" -ge 20 ]; then ok "fentry:do_nanosleep: vmhelper's 20 counted ($a in all)"
	else bad "fentry:do_nanosleep" "helper_nanosleeps=$h nanosleeps=$a: $(head -c 400 $J)"; fi
	h=$(jnum $J helper_nanosleep_exits); r=$(jnum $J nanosleep_ret_sum)
	if [ "$h" = 20 ] && [ "$r" = 0 ]; then ok "fexit:do_nanosleep: 20 returns, all 0"
	else bad "fexit:do_nanosleep" "exits=$h ret_sum=$r: $(head -c 400 $J)"; fi
	n=$(jnum $J open_exits); f=$(jnum $J first_open_ret); l=$(jnum $J last_open_ret)
	want=$(sed -n 's/^open=\(-\{0,1\}[0-9]*\).*/\1/p' "$TMP/h2.out" | tr '\n' ' ')
	# the kernel returns -ENOENT, libc turns it into -1 and errno 2
	if [ "$n" = 2 ] && [ "$f" = 3 ] && [ "$l" = -2 ] && [ "$want" = "3 -1 " ] &&
		grep -q 'errno=2 (ENOENT)' "$TMP/h2.out"; then
		ok "fexit:do_sys_openat2: return values 3 and -ENOENT, as vmhelper saw"
	else bad "fexit:do_sys_openat2" "exits=$n first=$f last=$l; vmhelper: $(cat "$TMP/h2.out")"; fi
	n=$(jnum $J getsid_calls); r=$(jnum $J getsid_orig_ret)
	if grep -qx 'getsid=-1 errno=18 (EXDEV)' "$TMP/h3.out" && [ "$n" = 1 ] && [ "$r" = 0 ]; then
		ok "fmod_ret:security_task_getsid: getsid() failed with EXDEV"
	else bad "fmod_ret:security_task_getsid" "calls=$n orig=$r vmhelper: $(cat "$TMP/h3.out")"; fi
	out=$(build/vm/vmhelper getsid)
	if grep -qE '^getsid=[0-9]+$' <<<"$out"; then ok "fmod_ret detached: getsid() succeeds again ($out)"
	else bad "fmod_ret detach" "$out"; fi
fi

# 10b. kprobe.multi and kretprobe.multi (tests/progs/kmulti.bpf.c): one
#      link each, over every function "*_nanosleep" matches; vmhelper's 20
#      nanosleeps pass through hrtimer_nanosleep and do_nanosleep, told
#      apart by bpf_get_func_ip(): 20 each, in and out. Debian's 6.1 is
#      built without CONFIG_FPROBE: there the refusal must say so.
if [ "$(cfg CONFIG_FPROBE)" = y ]; then
	bg_rawload 2 $RAWLOAD $P/kmulti.bpf.o --duration 1.5
	build/vm/vmhelper nanosleep 20 >"$TMP/h1.out" 2>&1
	if rl_wait "kmulti.bpf.o (kprobe.multi)"; then
		J=$TMP/rl.out
		v="$(jnum $J do_entries) $(jnum $J hr_entries) $(jnum $J do_returns) $(jnum $J hr_returns)"
		if [ "$v" = "20 20 20 20" ]; then
			ok "kprobe.multi/kretprobe.multi:*_nanosleep: do_ and hrtimer_nanosleep 20 times each, in and out ($(jnum $J other_entries) other)"
		else bad "kprobe.multi" "do/hr entries, do/hr returns: $v: $(head -c 400 "$J")"; fi
	fi
else
	# before 5.15 the programs' bpf_get_func_ip() stops the load first
	expect "kprobe.multi without CONFIG_FPROBE is refused, saying so" 1 \
		"this kernel has no kprobe.multi \(5.18\+ with CONFIG_FPROBE\); attach each function with kprobe:FN|no helper [0-9]+ \(bpf_get_func_ip\) \(a newer kernel's: Linux 5\.15\)" \
		$RAWLOAD $P/kmulti.bpf.o --duration 1
fi
expect "kprobe.multi: a glob that matches nothing is named" 1 \
	"no kernel function matches 'rawload_nosuch_\*' in /sys/kernel/tracing/available_filter_functions|no helper [0-9]+ \(bpf_get_func_ip\) \(a newer kernel's: Linux 5\.15\)" \
	$RAWLOAD $P/kmulti.bpf.o --prog on_entry --attach 'kprobe.multi:rawload_nosuch_*' --duration 1

# 10b'. kprobe.session (tests/progs/ksession.bpf.c, Linux 6.10+ with
#      CONFIG_FPROBE): one program at do_nanosleep's entry and return.
#      vmhelper's 20 nanosleeps: count_runs sees 20 entries and 20 returns
#      (bpf_session_is_return tells them apart); odd_skip returns 1 at the
#      entry of odd calls, so only the 10 even calls return to it, their
#      cookies (the call numbers set at entry) summing to 2+4+...+20 = 110;
#      plain, given its target with --attach, runs 40 times. Before 6.10
#      the attach is refused, saying which kernel it needs.
case $(uname -r) in
6.[0-9].*|5.*)
	expect "kprobe.session before 6.10 is refused, saying so" 1 \
		"kprobe.session:do_nanosleep: BPF_LINK_CREATE \(BPF_TRACE_KPROBE_SESSION, 1 function\): .*; kprobe.session needs Linux 6\.10\+ \(BPF_TRACE_KPROBE_SESSION\)" \
		$RAWLOAD $P/ksession.bpf.o --prog plain --attach kprobe.session:do_nanosleep --duration 1
	;;
*)
	if [ "$(cfg CONFIG_FPROBE)" = y ]; then
		bg_rawload 3 $RAWLOAD $P/ksession.bpf.o --prog count_runs --prog odd_skip \
			--prog plain --attach kprobe.session:do_nanosleep --duration 1.5
		build/vm/vmhelper nanosleep 20 >"$TMP/h1.out" 2>&1
		if rl_wait "ksession.bpf.o (kprobe.session)"; then
			J=$TMP/rl.out
			v="$(jnum $J entries) $(jnum $J returns)"
			if [ "$v" = "20 20" ]; then ok "kprobe.session:do_nanosleep: 20 entries, 20 returns (bpf_session_is_return)"
			else bad "kprobe.session entries/returns" "$v: $(head -c 400 "$J")"; fi
			v="$(jnum $J odd_calls) $(jnum $J even_returns) $(jnum $J cookie_sum)"
			if [ "$v" = "20 10 110" ]; then ok "kprobe.session: returning 1 at entry skips the return (10 of 20 return; cookies sum 110)"
			else bad "kprobe.session skip at entry" "calls, returns, cookie sum: $v: $(head -c 400 "$J")"; fi
			v=$(jnum $J plain_runs)
			if [ "$v" = 40 ]; then ok "--attach kprobe.session:do_nanosleep: 40 runs for 20 calls"
			else bad "--attach kprobe.session" "plain_runs=$v: $(head -c 400 "$J")"; fi
		fi
		out=$($RAWLOAD $P/ksession.bpf.o --prog plain --attach 'kprobe.session:do_nanosl*' \
			--explain --duration 0.1 2>&1)
		if grep -qF 'attach_type=TRACE_KPROBE_SESSION, kprobe_multi={flags=0, cnt=1, syms=["do_nanosleep"]}}) = ' <<<"$out" &&
			! grep -qF ' = -1 ' <<<"$(grep -F 'BPF_LINK_CREATE' <<<"$out")"; then
			ok "--explain: the kprobe.session link, decoded, succeeds"
		else bad "--explain kprobe.session" "$(grep -A1 LINK_CREATE <<<"$out" | head -c 600)"; fi
	else
		expect "kprobe.session without CONFIG_FPROBE is refused, saying so" 1 \
			"this kernel has no kprobe.multi \(5.18\+ with CONFIG_FPROBE\), on which kprobe.session is built" \
			$RAWLOAD $P/ksession.bpf.o --prog plain --attach kprobe.session:do_nanosleep --duration 1
	fi
	;;
esac

# 10c. uprobe.multi (tests/progs/umulti.bpf.o, Linux 6.6+) on the static
#      build/vm/umulti_target: add, add2, addx called 5, 3, 2 times, the
#      others not at all, counted at entry by first argument and at return
#      by value. Kernels before 6.6 refuse the link: the message says so.
UT=$PWD/build/vm/umulti_target
case $(uname -r) in
6.[0-5].*|5.*)
	expect "uprobe.multi before 6.6 is refused, saying so" 1 \
		"needs Linux 6\.6\+ \(BPF_TRACE_UPROBE_MULTI\); attach each function with uprobe:PATH:SYMBOL instead|no helper [0-9]+ \(bpf_get_func_ip\) \(a newer kernel's: Linux 5\.15\)" \
		$RAWLOAD $P/umulti.bpf.o --prog on_entry --attach "uprobe.multi:$UT:add*" --duration 1
	;;
*)
	bg_rawload 2 $RAWLOAD $P/umulti.bpf.o --prog on_entry --attach "uprobe.multi:$UT:add*" \
		--prog on_return --attach "uretprobe.multi:$UT:add*" --duration 1.5
	$UT >"$TMP/ut.out" 2>&1 || bad "umulti_target" "$(cat "$TMP/ut.out")"
	if rl_wait "umulti.bpf.o (uprobe.multi)"; then
		v=$(grep -oE '"(calls|rets|ret_sum)": *\[[^]]*\]' "$TMP/rl.out" | tr -d ' ' | tr '\n' ' ')
		if [ "$v" = '"calls":[0,5,3,2,0,0,0,0] "rets":[0,5,3,2,0,0,0,0] "ret_sum":[0,5010,6003,6001,0,0,0,0] ' ]; then
			ok "uprobe.multi/uretprobe.multi add*: add 5, add2 3, addx 2 in and out, sub/mul 0"
		else bad "uprobe.multi add*" "$v: $(head -c 400 "$TMP/rl.out")"; fi
	else
		echo "note umulti.bpf.o: $(tail -c 1500 "$TMP/rl.out" | tr "\n" " ")"
	fi
	;;
esac

# 10d. freplace (tests/progs/freplace.bpf.c) and fentry/fexit on a BPF
#      function (tests/progs/progtrace.bpf.c): the XDP dispatcher of
#      freplace_target.bpf.o, loaded and pinned by one rawload, test-run by
#      bpftool on a 60-byte packet; its policy() is replaced by drop_all,
#      loaded by a second rawload with --attach freplace:PIN. The dispatcher
#      counts the verdicts it returns in its own map: 3 XDP_PASS before, 5
#      XDP_DROP while replaced (and drop_all's own count of 5), XDP_PASS
#      again once rawload has exited.
DPIN=/sys/fs/bpf/rawload-freplace
DISP=$DPIN/progs/dispatch
head -c 60 /dev/zero >"$TMP/pkt"
xdp_run() {	# N: the dispatcher's return value over N runs (2 PASS, 1 DROP)
	bpftool prog run pinned "$DISP" data_in "$TMP/pkt" repeat "$1" 2>&1 |
		sed -n 's/^Return value: \([0-9]*\).*/\1/p'
}
verdicts() {	# V: how often the dispatcher returned verdict V
	bpftool -j map lookup pinned "$DPIN/maps/verdicts" key "$1" 0 0 0 2>&1 |
		grep -o '"formatted":{"key":[0-9]*,"value":[0-9]*' | sed 's/.*"value"://'
}
rm -rf "$DPIN"
if ! $RAWLOAD $P/freplace_target.bpf.o --no-attach --pin "$DPIN" >"$TMP/fr.log" 2>&1; then
	bad "freplace: the dispatcher loads and pins" "$(tail -3 "$TMP/fr.log")"
else
	a=$(xdp_run 3); b=$(verdicts 2)
	[ "$a" = 2 ] && [ "$b" = 3 ] && ok "freplace: the dispatcher passes before (3 XDP_PASS)" ||
		bad "freplace: before" "returned '$a', XDP_PASS counted '$b'"
	bg_rawload 1 $RAWLOAD $P/freplace.bpf.o --prog drop_all --attach "freplace:$DISP" \
		--duration 1.5
	a=$(xdp_run 5); b=$(verdicts 1)
	if rl_wait "freplace.bpf.o (drop_all for policy())"; then
		[ "$a" = 1 ] && [ "$b" = 5 ] &&
			ok "freplace:PIN: the dispatcher drops while replaced (5 XDP_DROP counted by it)" ||
			bad "freplace: replaced" "returned '$a', XDP_DROP counted '$b'"
		n=$(jnum $TMP/rl.out replaced_calls)
		[ "$n" = 5 ] && ok "freplace: drop_all counted its 5 runs" ||
			bad "freplace: drop_all's count" "replaced_calls=$n: $(head -c 400 "$TMP/rl.out")"
	fi
	a=$(xdp_run 2); b=$(verdicts 2)
	[ "$a" = 2 ] && [ "$b" = 5 ] && ok "freplace undone at exit: XDP_PASS again (5 in all)" ||
		bad "freplace: after exit" "returned '$a', XDP_PASS counted '$b'"
	# fentry and fexit on policy(), by pin: 4 runs, 4 entries, 4 returns
	# of XDP_PASS (2 each)
	bg_rawload 2 $RAWLOAD $P/progtrace.bpf.o --attach "fentry:$DISP" \
		--attach "fexit:$DISP" --duration 1.5
	a=$(xdp_run 4)
	if rl_wait "progtrace.bpf.o (fentry/fexit on policy())"; then
		c=$(jnum $TMP/rl.out policy_calls); r=$(jnum $TMP/rl.out policy_returns)
		v=$(jnum $TMP/rl.out verdict_sum)
		[ "$a" = 2 ] && [ "$c" = 4 ] && [ "$r" = 4 ] && [ "$v" = 8 ] &&
			ok "fentry/fexit:PIN on a BPF function: 4 calls, 4 returns of XDP_PASS" ||
			bad "fentry/fexit on policy()" "run '$a' calls=$c returns=$r sum=$v"
	fi
	id=$(bpftool -j prog show pinned "$DISP" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
	bg_rawload 1 $RAWLOAD $P/freplace.bpf.o --prog no_func --attach "freplace:$id:policy" \
		--duration 1.5 --explain
	a=$(xdp_run 1)
	rl_wait "freplace.bpf.o (no_func, by id)" && [ "$a" = 3 ] &&
		ok "freplace:ID:FUNC: SEC(\"freplace\") given its function replaces it (XDP_TX)" ||
		bad "freplace:ID:FUNC" "returned '$a'"
	# the link: no target (the load's), attach type 0, which the kernel
	# ignores for an extension
	grep -qE 'bpf\(BPF_LINK_CREATE, \{prog_fd=[0-9]+, target_fd=0, attach_type=0\}\) = [0-9]+' \
		"$TMP/rl.out" && ok "freplace --explain: BPF_LINK_CREATE target_fd=0, attach_type=0" ||
		bad "freplace --explain link" "$(grep LINK_CREATE "$TMP/rl.out")"
	rm -rf "$DPIN"
fi

# 11. BPF LSM (tests/progs/vm_lsm.bpf.c on lsm/path_mkdir): mkdir of
#     rawload-deny* is EPERM while attached, other names are not, and after
#     rawload exits the same mkdir succeeds.
if grep -qw bpf /sys/kernel/security/lsm 2>/dev/null; then
	ok "BPF LSM active: $(cat /sys/kernel/security/lsm)"
else
	bad "BPF LSM" "bpf not in /sys/kernel/security/lsm: $(cat /sys/kernel/security/lsm 2>&1)"
fi
rm -rf /tmp/rawload-deny-1 /tmp/rawload-allow-1
bg_rawload 1 $RAWLOAD $P/vm_lsm.bpf.o --duration 1.5
build/vm/vmhelper mkdir /tmp/rawload-deny-1 >"$TMP/h1.out" 2>&1
build/vm/vmhelper mkdir /tmp/rawload-allow-1 >"$TMP/h2.out" 2>&1
if rl_wait "lsm:path_mkdir"; then
	d=$(jnum "$TMP/rl.out" denied); m=$(jnum "$TMP/rl.out" mkdirs)
	if grep -qx 'mkdir=-1 errno=1 (EPERM)' "$TMP/h1.out" && [ ! -d /tmp/rawload-deny-1 ] && [ "$d" = 1 ]; then
		ok "lsm:path_mkdir: mkdir rawload-deny-1 is EPERM (denied=$d of $m)"
	else bad "lsm:path_mkdir deny" "denied=$d vmhelper: $(cat "$TMP/h1.out"); $(head -c 400 "$TMP/rl.out")"; fi
	if grep -qx 'mkdir=0' "$TMP/h2.out" && [ -d /tmp/rawload-allow-1 ] &&
		[ "$(jstr "$TMP/rl.out" last_name)" = rawload-allow-1 ]; then
		ok "lsm:path_mkdir: mkdir rawload-allow-1 allowed (and seen by the hook)"
	else bad "lsm:path_mkdir allow" "$(cat "$TMP/h2.out"); last_name=$(jstr "$TMP/rl.out" last_name)"; fi
	out=$(build/vm/vmhelper mkdir /tmp/rawload-deny-1)
	if [ "$out" = mkdir=0 ] && [ -d /tmp/rawload-deny-1 ]; then
		ok "lsm detached: mkdir rawload-deny-1 succeeds after exit"
	else bad "lsm detach" "$out"; fi
fi

# 11b. lsm_cgroup (tests/progs/vm_lsm_cgroup.bpf.c on lsm_cgroup/socket_create,
#      --attach cgroup:PATH, 6.0+): in the cgroup socket(AF_INET6) is EPERM and
#      socket(AF_INET) is not; outside it AF_INET6 works; exact counts; after
#      rawload exits AF_INET6 works in the cgroup too.
CGL=/sys/fs/cgroup/rawload-lsm-cgroup
in_cgl() { bash -c "echo \$\$ >$CGL/cgroup.procs; $1"; }
mkdir -p $CGL
lsm_cgroup=1
case $(uname -r) in 5.*) lsm_cgroup=0 ;; esac
if [ $lsm_cgroup = 0 ]; then
	expect "lsm_cgroup before 6.0: the kernel refuses the program type's attach type" 1 \
		"program 'deny_inet6' \(section 'lsm_cgroup/socket_create'\): BPF_PROG_LOAD .*EINVAL" \
		$RAWLOAD $P/vm_lsm_cgroup.bpf.o --attach cgroup:$CGL --duration 1
else
	bg_rawload 1 $RAWLOAD $P/vm_lsm_cgroup.bpf.o --attach cgroup:$CGL --duration 3
	in_cgl "build/vm/vmhelper socket 10; exec build/vm/vmhelper socket 2" >"$TMP/c1.out" 2>&1
	build/vm/vmhelper socket 10 >"$TMP/c2.out" 2>&1
fi
if [ $lsm_cgroup = 1 ] && rl_wait "lsm_cgroup:socket_create"; then
	s=$(jnum "$TMP/rl.out" sockets); d=$(jnum "$TMP/rl.out" denied)
	if [ "$(tr '\n' ' ' <"$TMP/c1.out")" = "socket=-1 errno=1 (EPERM) socket=3 " ] &&
		[ "$s $d" = "2 1" ]; then
		ok "lsm_cgroup/socket_create on cgroup:$CGL: AF_INET6 EPERM, AF_INET allowed (sockets=$s denied=$d)"
	else bad "lsm_cgroup in the cgroup" "sockets=$s denied=$d vmhelper: $(cat "$TMP/c1.out"); $(head -c 400 "$TMP/rl.out")"; fi
	if grep -qx 'socket=3' "$TMP/c2.out"; then
		ok "lsm_cgroup: a process outside the cgroup creates its AF_INET6 socket"
	else bad "lsm_cgroup outside the cgroup" "$(cat "$TMP/c2.out")"; fi
	out=$(in_cgl "exec build/vm/vmhelper socket 10")
	if [ "$out" = socket=3 ]; then ok "lsm_cgroup detached: AF_INET6 in the cgroup after exit"
	else bad "lsm_cgroup detach" "$out"; fi
fi
rmdir $CGL

# 12. CO-RE ground truth while running: core.bpf.o (tp_btf/sched_process_exec,
#     built against the 6.18 host's vmlinux.h) records the task that exec'd.
#     Exec vmhelper, which reports itself (nothing execs after it until
#     rawload exits: wait is a builtin), and compare; the BTF-derived values
#     against bpftool's dump of this kernel's BTF (from 4b) and of the object.
core_running() {
	local J=$TMP/rl.out H=$TMP/h.out k v want btf_of
	bg_rawload 1 $RAWLOAD $P/core.bpf.o --duration 1.5
	build/vm/vmhelper ids >"$H" 2>&1
	rl_wait "core.bpf.o on tp_btf/sched_process_exec" || return
	v=$(jstr $J comm)
	if [ "$v" = vmhelper ] && grep -q ' comm=vmhelper ' "$H"; then ok "CO-RE running: comm '$v'"
	else bad "CO-RE running: comm" "recorded '$v'; vmhelper: $(cat "$H")"; fi
	for k in pid ppid flags; do
		v=$(jnum $J $k); want=$(grep -oE "(^| )$k=[0-9]+" "$H" | grep -oE '[0-9]+$')
		if [ -n "$v" ] && [ "$v" = "$want" ]; then ok "CO-RE running: $k $v (vmhelper: $want)"
		else bad "CO-RE running: $k" "recorded '$v', vmhelper says '$want'"; fi
	done
	want=$(grep -oE '(^| )pid=[0-9]+' "$H" | grep -oE '[0-9]+$')
	v=$(jnum $J tgid)
	if [ "$v" = "$want" ]; then ok "CO-RE running: tgid $v"; else bad "CO-RE running: tgid" "'$v', want '$want'"; fi
	# bpftool's view of this kernel's BTF (one pass over the dump)
	grep -E "^\[[0-9]+\] (STRUCT 'task_struct'|STRUCT 'bpf_ringbuf'|ENUM 'pid_type') |'PIDTYPE_TGID' val=" \
		"$TMP/vmlinux.btf" >"$TMP/btf.few"
	btf_of() { grep -E "$1" "$TMP/btf.few" | head -n 1; }
	want=$(btf_of "^\[[0-9]+\] STRUCT 'task_struct' size=" | sed -E 's/^\[([0-9]+)\].* size=([0-9]+).*/\1 \2/')
	v="$(jnum $J task_btf_id) $(jnum $J task_size)"
	if [ "$v" = "$want" ]; then ok "CO-RE running: task_struct is BTF id ${v% *}, size ${v#* }"
	else bad "CO-RE running: task_struct id/size" "recorded '$v', bpftool '$want'"; fi
	want=$(grep -oE "'PIDTYPE_TGID' val=[0-9]+" "$TMP/btf.few" | head -n 1 | grep -oE '[0-9]+$')
	v=$(jnum $J pidtype_tgid)
	if [ -n "$want" ] && [ "$v" = "$want" ] && [ "$(jnum $J has_pidtype_tgid)" = 1 ]; then ok "CO-RE running: PIDTYPE_TGID = $v"
	else bad "CO-RE running: PIDTYPE_TGID" "recorded '$v', bpftool '$want'"; fi
	want=0; [ -n "$(btf_of "^\[[0-9]+\] STRUCT 'bpf_ringbuf' size=")" ] && want=1
	v=$(jnum $J has_ringbuf_type)
	if [ "$v" = "$want" ]; then ok "CO-RE running: struct bpf_ringbuf exists: $v"
	else bad "CO-RE running: bpf_ringbuf" "recorded '$v', bpftool says $want"; fi
	want=$(bpftool btf dump file $P/core.bpf.o 2>/dev/null | grep -E "^\[[0-9]+\] STRUCT 'exec_info' " | sed -E 's/^\[([0-9]+)\].*/\1/')
	v=$(jnum $J info_btf_id)
	if [ -n "$want" ] && [ "$v" = "$want" ]; then ok "CO-RE running: local exec_info is BTF id $v"
	else bad "CO-RE running: local type id" "recorded '$v', the object's BTF says '$want'"; fi
	# state 0: TASK_RUNNING; in_execve: set during exec; the rest fixed.
	# before 5.14 task_struct still has 'state' (has_state_old 1)
	local wantv="0 1 16 0 0 0"
	case $(uname -r) in 5.[0-9].*|5.1[0-3].*) wantv="0 1 16 1 0 0" ;; esac
	v="$(jnum $J state) $(jnum $J in_execve) $(jnum $J comm_size) $(jnum $J has_state_old) $(jnum $J has_fake) $(jnum $J old_matches)"
	if [ "$v" = "$wantv" ] && [ "$(jnum $J execs)" -ge 1 ]; then
		ok "CO-RE running: state, in_execve, comm size, absent fields as expected"
	else bad "CO-RE running: state in_execve comm_size has_state_old has_fake old_matches" "'$v', want '$wantv'"; fi
}
core_running

echo "note sections 8-12 (running programs) took $(awk -v t0="$t_run0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s; uptime $(cut -d' ' -f1 /proc/uptime) s"
finish
