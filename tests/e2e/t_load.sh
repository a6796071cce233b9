#!/usr/bin/env bash
# Loading as root on the host kernel: the kernel gets what libbpf gives it,
# programs run and their maps show it, failures say why and leave nothing.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

if [ "$(id -u)" -ne 0 ]; then
	bad "root" "the load tests need root (CAP_BPF, CAP_SYS_ADMIN); run 'sudo make test'"
	finish; exit 1
fi
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
PIN=/sys/fs/bpf/rawload-e2e-$$
cleanup() { rm -rf "$PIN" /sys/fs/bpf/pinned_totals; rm -rf "$TMP"; }
trap cleanup EXIT

# 1. Same kernel objects as libbpf: translated instructions, func/line
#    info and map definitions, compared up to map ids (tests/oracle).
for o in hello globals maps tailcall subprogs cgroup uprobe xdp_tc core printk perfbuf iter features tools \
	sockmap netns cgroup_hooks many_sections autoload maps_only ksym_exists long_sections timer_rearm; do
	if load_both $P/$o.bpf.o; then
		ok "same instructions, info and maps as libbpf: $o"
	else
		bad "same as libbpf: $o" "$(head -40 "$TMP/diff")"
	fi
done
# Programs at section indexes past the symbol count (a linker or objcopy
# may order sections so): the same ten programs, loaded as libbpf loads
# them. rawload once stopped looking for programs at index nsyms.
python3 tests/e2e/sections_last.py $P/many_sections.bpf.o "$TMP/sections_last.bpf.o"
nsyms=$(readelf -s -W "$TMP/sections_last.bpf.o" | grep -cE '^ +[0-9]+:')
last=$(readelf -S -W "$TMP/sections_last.bpf.o" | sed -n 's/^ *\[ *\([0-9]*\)\] tracepoint.*/\1/p' | tail -1)
if [ "$last" -ge "$nsyms" ] && [ "$($RAWLOAD inspect "$TMP/sections_last.bpf.o" | grep -c ' on_get')" -eq 10 ]; then
	ok "programs past the symbol count: all 10 found (last at section $last of $nsyms symbols)"
else
	bad "programs past the symbol count" "last program section ${last:-?}, $nsyms symbols: $($RAWLOAD inspect "$TMP/sections_last.bpf.o" 2>&1 | head -4)"
fi
if load_both "$TMP/sections_last.bpf.o"; then
	ok "  and loaded as libbpf loads them"
else
	bad "  same as libbpf: sections_last" "$(head -40 "$TMP/diff")"
fi
# An object of maps alone: made (and pinned, dumped), then rawload exits.
expect "maps only: created, and rawload exits at once" 0 \
	"no programs: 2 maps created; they are gone when rawload exits unless pinned" \
	timeout 10 $RAWLOAD $P/maps_only.bpf.o
check "maps only: --dump-maps shows .data's initial value" \
	"$(timeout 10 $RAWLOAD $P/maps_only.bpf.o --dump-maps --json | jq '.maps[]|select(.name==".data")|.entries[0].value.config_value')" "v == 42"
MPIN=/sys/fs/bpf/rawload-mo-$$
timeout 10 $RAWLOAD $P/maps_only.bpf.o --pin "$MPIN" >/dev/null 2>&1
check "maps only: --pin pins both maps" "$(ls "$MPIN/maps" 2>/dev/null | wc -l)" "v == 2"
rm -rf "$MPIN"
# One function in .text and nothing else is no program (libbpf loads it
# as one of no type, and the kernel refuses it: the selftests' sample_ret0).
# Built here, not in build/progs, whose objects the unit tests all open.
CLANG=${CLANG:-$(command -v clang-19 || command -v clang)}
echo 'int func(void) { return 0; }' | $CLANG -target bpf -g -O2 -x c -c -o "$TMP/text_only.bpf.o" -
expect "a lone .text function: refused in words, as a bad object" 2 \
	"nothing to load: 'func' in .text is no program, only a function other programs may call" \
	$RAWLOAD "$TMP/text_only.bpf.o" --no-attach
# __ulong(map_extra, N) (libbpf 1.4+'s bpf_helpers.h; 1.1, the oracle,
# refuses it): an ENUM's value for a bloom filter's hash count, an
# ENUM64's for an arena's 64-bit address.
MX=/sys/fs/bpf/rawload-mx-$$
if $RAWLOAD $P/map_extra.bpf.o --no-attach --pin "$MX" >"$TMP/mx.log" 2>&1; then
	check "__ulong(map_extra, 5): the kernel's bloom filter has 5 hash functions" \
		"$(build/oracle/kdump "$MX" | jq '.maps[]|select(.name=="seen")|.map_extra')" "v == 5"
else
	bad "__ulong(map_extra, 5): load" "$(tail -3 "$TMP/mx.log")"
fi
rm -rf "$MX"
$RAWLOAD $P/map_extra.bpf.o --run probe --dump-maps --json >"$TMP/mx.json" 2>"$TMP/mx.err"
check "  and the program ran: the value it pushed is found" \
	"$(tail -1 "$TMP/mx.json" | jq '.maps[]|select(.name==".bss")|.entries[0].value.found_pushed')" "v == 1"
check "__ulong(map_extra, 1 << 44), an ENUM64: plan passes all 64 bits" \
	"$($RAWLOAD plan $P/map_extra64.bpf.o --json | jq '.maps[0].map_extra')" "v == 17592186044416"
# The comparison can fail: a changed .rodata value must show, both as the
# map's bytes and in the code, since the verifier keeps the branch that a
# frozen target_pid of 0 let it remove.
load_both $P/globals.bpf.o --set target_pid=7
rc=$?
if [ $rc -eq 1 ] && grep -q '^+ *"0000: 07000000' "$TMP/diff" &&
   grep -q '^+ *"xlated_insn_cnt"' "$TMP/diff"; then
	ok "must differ: --set target_pid=7 shows in .rodata and in the verified code"
else
	bad "must differ" "status $rc; diff: $(head -20 "$TMP/diff")"
fi

# 2. The program runs: attach to a tracepoint, trigger it, read the maps.
run_globals() { # extra options...
	$RAWLOAD $P/globals.bpf.o --duration 2 --dump-maps --json "$@" >"$TMP/dump.json" 2>"$TMP/err" &
	local pid=$!
	wait_running $pid
	python3 -c 'import os
for _ in range(50): os.getpid()'
	wait $pid
}
var() { # MAP FIELD: a global variable, as --dump-maps --json shows it
	python3 - "$TMP/dump.json" "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = [m for m in d["maps"] if m["name"] == sys.argv[2]][0]
print(json.dumps(m["entries"][0]["value"][sys.argv[3]]))
PY
}
bss() { var .bss "$1"; }
if run_globals; then
	h=$(bss hits); m=$(bss matched)
	if [ "${h:-0}" -ge 50 ] && [ "${m:-0}" -gt 0 ]; then
		ok "globals runs on sys_enter_getpid: hits=$h matched=$m"
	else
		bad "globals runs" "hits=$h matched=$m: $(cat "$TMP/err")"
	fi
	# the formatting of --dump-maps: strings, booleans, nested structs
	got="$(var .rodata target_comm) $(var .rodata match_comm) $(var .data limits)"
	want='"sh" false {"max_hits": 1000000, "step": 1, "tag": "lim"}'
	if [ "$got" = "$want" ]; then
		ok "--dump-maps formats values by BTF: $got"
	else
		bad "--dump-maps formatting" "got $got, want $want"
	fi
else
	bad "globals runs" "$(cat "$TMP/err")"
fi
if run_globals --set target_pid=1; then
	h=$(bss hits); s=$(bss skipped); m=$(bss matched)
	if [ "${s:-0}" -ge 50 ] && [ "${m:-1}" -eq 0 ]; then
		ok "--set target_pid=1 filters every call: skipped=$s matched=$m"
	else
		bad "--set target_pid=1" "hits=$h skipped=$s matched=$m"
	fi

else
	bad "--set target_pid=1" "$(cat "$TMP/err")"
fi
expect "--set of an unknown variable" 2 "no global variable 'nope'" \
	$RAWLOAD $P/globals.bpf.o --no-attach --set nope=1
llvm-objcopy --remove-section .BTF --remove-section .BTF.ext $P/globals.bpf.o "$TMP/nobtf.bpf.o"
expect "--set on an object built without -g says there is no BTF, not that the variable is missing" 2 \
	"--set target_pid=1: the object has no BTF \(no .BTF section\), so its global variables have no names or types to set; build it with clang -g" \
	$RAWLOAD "$TMP/nobtf.bpf.o" --no-attach --set target_pid=1
expect "-v: the verifier's counts for each accepted program (veristat's numbers)" 0 \
	"^rawload: program 'hello_tp' verified: processed [0-9]+ insns \(limit [0-9]+\) max_states_per_insn [0-9]+ total_states [0-9]+ peak_states [0-9]+ mark_read [0-9]+; stack depth [0-9]+; verification time [0-9]+ usec$" \
	$RAWLOAD $P/hello.bpf.o --prog hello_tp --no-attach -v
expect "  one per function's stack in a program with subprograms" 0 \
	"program 'tp_getpid' verified: processed [0-9]+ insns .*; stack depth [0-9]+(\+[0-9]+)+;" \
	$RAWLOAD $P/subprogs.bpf.o --no-attach -v
expect "--set value too large" 2 "does not fit a signed 4-byte integer" \
	$RAWLOAD $P/globals.bpf.o --no-attach --set target_pid=99999999999
expect "--set string too long" 2 'does not fit char\[16\]' \
	$RAWLOAD $P/globals.bpf.o --no-attach --set target_comm=abcdefghijklmnopqrstuvwxyz
# --set in every kind of data section: what plan promises is what the map
# holds after the load (a .bss value was once dropped: a .bss is written
# only when something was set in it)
sets="--set target_pid=5 --set data_counter=11 --set last_pid=13 --set custom_counter=17 --set custom_limit=19"
$RAWLOAD plan $P/globals.bpf.o --json $sets >"$TMP/plan.json" 2>"$TMP/err"
$RAWLOAD $P/globals.bpf.o --no-attach --dump-maps --json $sets >"$TMP/set.json" 2>>"$TMP/err"
for sv in .rodata:target_pid:5 .data:data_counter:11 .bss:last_pid:13 \
	  .data.custom:custom_counter:17 .rodata.custom:custom_limit:19; do
	IFS=: read -r sec name want <<<"$sv"
	promised=$(jq -r --arg s "$sec" --arg n "$name" \
		'.maps[]|select(.name==$s)|.initial_values[$n]' "$TMP/plan.json" 2>/dev/null)
	held=$(jq -r --arg s "$sec" --arg n "$name" \
		'.maps[]|select(.name==$s)|.entries[0].value[$n]' "$TMP/set.json" 2>/dev/null)
	if [ "$promised" = "$want" ] && [ "$held" = "$want" ]; then
		ok "--set $name ($sec): plan promises $want, the map holds $held"
	else
		bad "--set $name ($sec)" "plan promises '$promised', the map holds '$held', want $want: $(cat "$TMP/err")"
	fi
done
expect "--explain shows the calls and why" 0 'bpf\(BPF_MAP_FREEZE, \{map_fd=[0-9]+\}\) = 0' \
	$RAWLOAD $P/globals.bpf.o --no-attach --explain

# 3. A refusal: exit 1, the verifier's words, the source line, no leftovers.
# A CO-RE relocation no kernel can satisfy, reached by the verifier: the
# message names the relocation, not only "invalid func unknown#195896080".
expect "a reached poisoned CO-RE relocation is named" 1 \
	"reached instruction 1 of 'unguarded_core', poisoned because CO-RE relocation #0 could not be applied.*no field 'rawload_no_such_field'" \
	$RAWLOAD $P/bad_core.bpf.o --no-attach

# This host kernel refuses fentry (EPERM); the message says what it means.
expect "fentry refused by this kernel: exit 1 with the reason" 1 \
	'EPERM.*this kernel refuses fentry/fexit/fmod_ret programs' \
	$RAWLOAD $P/vm_tracing.bpf.o --no-attach
# what to use instead names only what this kernel has: here no kprobe
if [ ! -e /sys/bus/event_source/devices/kprobe ] && ! [ -e /sys/kernel/tracing/kprobe_events ]; then
	expect "  the alternatives are kinds this kernel has (no kprobes here)" 1 \
		'refuses fentry/fexit/fmod_ret programs; a tracepoint or raw_tp program can often observe the same event$' \
		$RAWLOAD $P/vm_tracing.bpf.o --no-attach
fi

# The refused object's own kernel objects, by name: a global count would
# also see whatever else the machine loads meanwhile.
count() { bpftool "$1" show 2>/dev/null | grep -cE "name ($2) "; }
expect "verifier refusal: exit 1 with the log tail and source line" 1 \
	"BEGIN VERIFIER LOG" $RAWLOAD $P/bad_verifier.bpf.o --no-attach
out=$($RAWLOAD $P/bad_verifier.bpf.o --no-attach 2>&1)
for pat in "program 'unchecked_lookup' \(section 'tracepoint/syscalls/sys_enter_getpid'\)" \
	   "EACCES" "map_value_or_null" '\*v \+= 1'; do
	if grep -qE -- "$pat" <<<"$out"; then ok "refusal names: $pat"; else bad "refusal names: $pat" "$out"; fi
done
# -v prints the whole log: every line from the first instruction on
out=$($RAWLOAD $P/bad_verifier.bpf.o --no-attach -v 2>&1)
n=$(sed -n '/^-- BEGIN VERIFIER LOG --$/,/^-- END VERIFIER LOG --$/p' <<<"$out" | grep -c '^[0-9]*: ')
if [ "$n" -ge 5 ] && grep -q '^processed [0-9]* insns' <<<"$out"; then
	ok "-v prints the whole verifier log ($n instruction lines)"
else
	bad "-v verifier log" "$n instruction lines: $(head -c 600 <<<"$out")"
fi
sleep 1	# maps are freed by the kernel asynchronously after the last fd closes
if [ "$(count prog unchecked_looku)" -eq 0 ] && [ "$(count map 'seen|bad_ver.*')" -eq 0 ]; then
	ok "nothing of the refused load left in the kernel"
else
	bad "leftovers" "$(bpftool prog show | grep -A1 unchecked_looku) $(bpftool map show | grep -E 'name (seen|bad_ver)')"
fi
finish
