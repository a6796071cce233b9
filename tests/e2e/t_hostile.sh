#!/usr/bin/env bash
# Hostile objects through the whole binary, built with ASan+UBSan+LSan:
# exit status 2, a message naming the file and what is wrong, no crash,
# no out-of-bounds read, no leak (LeakSanitizer fails the run on a leak).
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh
# Appended, so what tests/e2e/run.sh --asan set (log_path) still holds.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:exitcode=99
src=$P/hello.bpf.o
size=$(stat -c %s $src)

for n in 0 1 16 63 64 65 200 $((size / 2)) $((size - 64)) $((size - 1)); do
	head -c $n $src >"$TMP/t$n.bpf.o"
	expect "truncated to $n bytes: exit 2 with a message" 2 "^rawload: $TMP/t$n.bpf.o: " \
		$ASAN_RAWLOAD inspect "$TMP/t$n.bpf.o"
done
printf 'not an elf file at all, just text\n' >"$TMP/text.bpf.o"
expect "not ELF" 2 'not an ELF file' $ASAN_RAWLOAD inspect "$TMP/text.bpf.o"
cp $src "$TMP/be.bpf.o" && printf '\002' | dd of="$TMP/be.bpf.o" bs=1 seek=5 conv=notrunc status=none
expect "big-endian object" 2 'big-endian ELF \(clang -target bpfeb\) is not supported' \
	$ASAN_RAWLOAD inspect "$TMP/be.bpf.o"
cp $src "$TMP/sh.bpf.o" && printf '\010\000' | dd of="$TMP/sh.bpf.o" bs=1 seek=58 conv=notrunc status=none
expect "e_shentsize = 8" 2 'e_shentsize is 8' $ASAN_RAWLOAD inspect "$TMP/sh.bpf.o"
expect "a directory is not an object" 2 'not a regular file' $ASAN_RAWLOAD inspect "$TMP"
expect "load of a bad object is also exit 2" 2 'big-endian' $ASAN_RAWLOAD "$TMP/be.bpf.o" --no-attach
expect "BTF the kernel would refuse (unused info bits) is refused first, exit 2" 2 \
	"'.BTF': type \[25\] FWD: info 0x67000000 has bits set outside kind_flag" \
	$ASAN_RAWLOAD tests/fuzz/regressions/fuzz_object/datasec-var-void-sanitize --no-attach
expect "an array map of 16 TiB is refused before the kernel (exit 2)" 2 \
	"map 'enormous': 4294967295 entries of 4096 bytes is 16777215 MiB" \
	$ASAN_RAWLOAD $P/bad_maps.bpf.o --no-attach
expect "a hash map with a 0-byte key is refused before the kernel (exit 2)" 2 \
	"map 'keyless': a HASH map needs a key, and key_size is 0" \
	$ASAN_RAWLOAD $P/bad_maps.bpf.o --no-attach --resize enormous=1
expect "recursive subprograms: exit 2 naming them" 2 "'odd' calls 'even' recursively" \
	$ASAN_RAWLOAD $P/bad_recursion.bpf.o --no-attach
out=$($ASAN_RAWLOAD $P/bad_recursion.bpf.o --no-attach --explain 2>&1)
if grep -q 'bpf(' <<<"$out"; then
	bad "a bad object never reaches the kernel" "$(grep 'bpf(' <<<"$out" | head -3)"
else
	ok "a bad object never reaches the kernel (no bpf() call in --explain)"
fi
# A license section of type NOBITS has no bytes: refused, not read through
# a NULL pointer (fuzz_object found it; the file is its regression too).
expect "a NOBITS license section is refused, exit 2" 2 \
	"section [0-9]+ 'license': empty \(SHT_NOBITS, no bytes in the file\)" \
	$ASAN_RAWLOAD inspect tests/fuzz/regressions/fuzz_object/license-nobits
# .BTF.ext records pointing past their section would never be applied: a
# CO-RE relocation skipped in silence is a wrong program, so it is refused.
expect "a CO-RE record past its section's end is refused, exit 2" 2 \
	"'.BTF.ext': CO-RE record 0 of section [0-9]+ '[a-z_/]+': insn_off 65528 is past its end \(the section holds [0-9]+ instructions\)" \
	$ASAN_RAWLOAD tests/fuzz/regressions/fuzz_object/btf-ext-core-past-end --no-attach
expect "a func_info record past its section's end is refused, exit 2" 2 \
	"'.BTF.ext': func_info record 0 of section [0-9]+ 'kprobe/do_execve': insn_off 524280 is past its end" \
	$ASAN_RAWLOAD tests/fuzz/regressions/fuzz_object/btf-ext-func-past-end --no-attach
# A per-CPU array is allocated once per possible CPU: the 4 GiB limit
# counts them all (plan, which creates nothing, shows the same check).
ncpu=$(getconf _NPROCESSORS_CONF)
n=$(( (4 << 30) / (8 * ncpu) + 1 ))
expect "a per-CPU array over 4 GiB on $ncpu CPUs is refused before the kernel, exit 2" 2 \
	"map 'percpu_hits': $n entries of 8 bytes (on each CPU|\(per CPU\)) is [0-9]+ MiB, allocated at creation; over rawload's limit of 4 GiB" \
	$ASAN_RAWLOAD plan $P/maps.bpf.o --resize percpu_hits=$n
expect "  one entry less per CPU is within the limit" 0 "percpu_hits" \
	$ASAN_RAWLOAD plan $P/maps.bpf.o --resize percpu_hits=$((n - 1))

# Names from the object reach the kernel, bpffs paths and tracefs commands:
# each is checked against its consumer before any system call (elf/names.h).
# The objects are maps.bpf.o with one string replaced by another of the
# same length, everywhere it occurs (ELF string tables and .BTF alike).
patch_obj() { # OUT OLD NEW: maps.bpf.o with every OLD\0 made NEW\0
	python3 - "$P/maps.bpf.o" "$@" <<'PY'
import sys
src, out, old, new = sys.argv[1], sys.argv[2], sys.argv[3].encode(), sys.argv[4].encode().decode('unicode_escape').encode('latin-1')
new = new + b'a' * (len(old) - len(new))
assert len(new) == len(old)
d = open(src, 'rb').read()
assert d.count(old + b'\0') > 0
open(out, 'wb').write(d.replace(old + b'\0', new + b'\0'))
PY
}
no_bpf() { # NAME OBJ: --explain shows no bpf() call for OBJ
	if $ASAN_RAWLOAD "$2" --no-attach --explain 2>&1 | grep -q 'bpf('; then
		bad "$1: no bpf() call before the refusal" "$($ASAN_RAWLOAD "$2" --no-attach --explain 2>&1 | grep -m2 'bpf(')"
	else
		ok "$1: no bpf() call before the refusal"
	fi
}
# 1. A map pinned by name whose name is a path: /sys/fs/bpf/rl_dir/victim
#    is another tool's pinned map, which the object must not reach.
VDIR=/sys/fs/bpf/rl_dir
if [ "$(id -u)" -eq 0 ] && mountpoint -q /sys/fs/bpf && [ ! -e "$VDIR" ]; then
	mkdir "$VDIR" && bpftool map create "$VDIR/victim" type array key 4 value 8 entries 1 name victim
fi
patch_obj "$TMP/slash.bpf.o" pinned_totals 'rl_dir/victim'
expect "a map name holding '/' (pinned by name) is refused, exit 2" 2 \
	"section [0-9]+ '.maps': map 'rl_dir/victim': byte 6 \(0x2f\) is refused: it may hold only letters, digits, '_' and '.'" \
	$ASAN_RAWLOAD "$TMP/slash.bpf.o" --no-attach
no_bpf "map name with '/'" "$TMP/slash.bpf.o"
if [ -e "$VDIR/victim" ]; then
	[ "$(bpftool map lookup pinned "$VDIR/victim" key 0 0 0 0 -j 2>/dev/null | jq -r '.value|join("")')" = \
	  "0x000x000x000x000x000x000x000x00" ] && ok "  the map pinned at $VDIR/victim is untouched" ||
		bad "  the victim map" "$(bpftool map dump pinned "$VDIR/victim")"
	rm -rf "$VDIR"
fi
patch_obj "$TMP/dotdot.bpf.o" pinned_totals '../../../v/ab'
expect "a map name climbing out of /sys/fs/bpf is refused, exit 2" 2 \
	"map '../../../v/ab': byte 2 \(0x2f\) is refused" $ASAN_RAWLOAD "$TMP/dotdot.bpf.o" --no-attach
patch_obj "$TMP/pindot.bpf.o" pinned_totals 'pinned.totals'
expect "a map pinned by name with a '.' (bpffs refuses it) is refused, exit 2" 2 \
	"map pinned by name 'pinned.totals': byte 6 \(0x2e\) is refused: it may hold only letters, digits, '_' and '-'" \
	$ASAN_RAWLOAD "$TMP/pindot.bpf.o" --no-attach
patch_obj "$TMP/mapdd.bpf.o" percpu_hits '..\x00'
expect "a map named '..' (with --pin, the directory above) is refused, exit 2" 2 \
	"map '..': byte 0 \(0x2e\) is refused: it may hold only letters, digits, '_' and '.', and not '.' or '..'" \
	$ASAN_RAWLOAD "$TMP/mapdd.bpf.o" --no-attach --pin /sys/fs/bpf/rl_hostile_dd
[ ! -e /sys/fs/bpf/rl_hostile_dd ] && ok "  and nothing was made under /sys/fs/bpf" ||
	{ bad "  /sys/fs/bpf/rl_hostile_dd was made" "$(ls -R /sys/fs/bpf/rl_hostile_dd)"; rm -rf /sys/fs/bpf/rl_hostile_dd; }
# 2. A section name that would write a second command into uprobe_events.
patch_obj "$TMP/inject.bpf.o" tracepoint/syscalls/sys_enter_getpid 'uprobe//bin/true:0x0\n-:uprobes/X #'
expect "a section name holding a newline (a tracefs command injection) is refused, exit 2" 2 \
	"section [0-9]+ 'uprobe//bin/true:0x0\\\\x0a-:uprobes/X #a*': byte 20 \(0x0a\) is refused: it may hold only printable ASCII without spaces" \
	$ASAN_RAWLOAD "$TMP/inject.bpf.o" --no-attach
no_bpf "section name with a newline" "$TMP/inject.bpf.o"
# 3. A tracepoint category that leaves tracefs's events/.
patch_obj "$TMP/tptrav.bpf.o" tracepoint/syscalls/sys_enter_getpid 'tracepoint/../../../../../../proc/se'
expect "a tracepoint section climbing out of events/ is refused, exit 2" 2 \
	"tracepoint category '..': byte 0 \(0x2e\) is refused" $ASAN_RAWLOAD "$TMP/tptrav.bpf.o" --no-attach
# A section target its way cannot read, refused before anything loads.
patch_obj "$TMP/tpnosep.bpf.o" tracepoint/syscalls/sys_enter_getpid 'tracepoint/syscalls_sys_enter_getpid'
expect "a tracepoint section without CATEGORY/NAME is refused, exit 2" 2 \
	"program '[a-z_]+': section 'tracepoint/syscalls_sys_enter_getpid': tracepoint target 'syscalls_sys_enter_getpid' is not CATEGORY:NAME" \
	$ASAN_RAWLOAD "$TMP/tpnosep.bpf.o"
expect "  but loads with --no-attach" 0 "" $ASAN_RAWLOAD "$TMP/tpnosep.bpf.o" --no-attach
# The command line's targets too, before any system call.
expect "--attach with a newline in the target is refused, exit 2" 2 \
	"--attach 'tracepoint:syscalls:sys_enter_execve\\\\x0a-:x': byte 25 of the target is the control character 0x0a" \
	$ASAN_RAWLOAD $P/hello.bpf.o --prog hello_tp --attach $'tracepoint:syscalls:sys_enter_execve\n-:x'
expect "--attach tracepoint:..:.. is refused, exit 2" 2 \
	"--attach 'tracepoint:..:..': the tracepoint's category and name may hold only" \
	$ASAN_RAWLOAD $P/hello.bpf.o --prog hello_tp --attach 'tracepoint:..:..'
if [ "$(id -u)" -eq 0 ]; then
	mkdir -p "$TMP/a b" && cp /bin/true "$TMP/a b/t"
	expect "a uprobe path with a space goes through the uprobe PMU" 0 "attached 'probe_fn'" \
		$ASAN_RAWLOAD $P/uprobe.bpf.o --prog probe_fn --attach "uprobe:$TMP/a b/t:0x10" --duration 0.2
	expect "  but is not written into uprobe_events (legacy path)" 1 \
		"cannot be written to tracefs's uprobe_events \(RAWLOAD_FORCE_LEGACY_KPROBE is set\): byte [0-9]+ is refused" \
		env RAWLOAD_FORCE_LEGACY_KPROBE=1 $ASAN_RAWLOAD $P/uprobe.bpf.o --prog probe_fn \
		--attach "uprobe:$TMP/a b/t:0x10" --duration 0.2
fi
finish
