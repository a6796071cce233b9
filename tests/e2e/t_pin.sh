#!/usr/bin/env bash
# Pinning: --pin DIR, and maps declared with LIBBPF_PIN_BY_NAME (shared
# through /sys/fs/bpf/NAME, reused only when compatible).
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh
[ "$(id -u)" -eq 0 ] || { bad "root" "needs root"; finish; exit 1; }
PIN=/sys/fs/bpf/rawload-pin-$$
trap 'rm -rf "$PIN" "$PIN-fail" /sys/fs/bpf/rawload-link-$$ /sys/fs/bpf/pinned_totals "$TMP"' EXIT
rm -f /sys/fs/bpf/pinned_totals

expect "--pin pins maps and programs" 0 '' $RAWLOAD $P/globals.bpf.o --no-attach --pin $PIN
for f in maps/globals_rodata maps/globals_bss maps/_data_custom progs/count_getpid; do
	if [ -e "$PIN/$f" ]; then ok "pinned $f"; else bad "pinned $f" "$(ls -R $PIN)"; fi
done
# A custom data section longer than a kernel name: pinned by its whole
# name, as libbpf pins it (the kernel's name is cut to ".data.read_most").
expect "--pin: a long custom data section" 0 '' \
	$RAWLOAD $P/long_sections.bpf.o --no-attach --pin "$PIN-long"
if [ -e "$PIN-long/maps/_data_read_mostly" ]; then ok "  pinned as maps/_data_read_mostly"
else bad "  pinned as maps/_data_read_mostly" "$(ls -R "$PIN-long")"; fi
rm -rf "$PIN-long"
expect "pins outlive rawload: bpftool reads the pinned .rodata" 0 'globals.rodata' \
	bpftool map show pinned $PIN/maps/globals_rodata
expect "pinning again over existing pins fails with EEXIST" 1 'EEXIST.*remove the old pin' \
	$RAWLOAD $P/globals.bpf.o --no-attach --pin $PIN
expect "--pin outside bpffs is refused as bad usage" 2 'is not on a bpffs mount' \
	$RAWLOAD $P/globals.bpf.o --no-attach --pin "$TMP/pins"
expect "--pin with .. is refused as bad usage" 2 "'..' is not allowed" \
	$RAWLOAD $P/globals.bpf.o --no-attach --pin /sys/fs/bpf/../../tmp/x
# (issue 15, item 12) The path is judged by where it leads, before any
# work: a name that only starts like /sys/fs/bpf, a bpffs symbolic link to
# /tmp, a missing parent; nothing is created outside bpffs.
expect "--pin /sys/fs/bpfX is refused as bad usage, before the load" 2 \
	"--pin '/sys/fs/bpfX' is not on a bpffs mount" \
	$RAWLOAD $P/globals.bpf.o --no-attach --pin /sys/fs/bpfX --explain
[ -e /sys/fs/bpfX ] && bad "/sys/fs/bpfX" "was created" || ok "  and /sys/fs/bpfX was not created"
mkdir -p "$TMP/outside"
ln -sfn "$TMP/outside" /sys/fs/bpf/rawload-link-$$
expect "--pin through a bpffs symbolic link to /tmp is refused" 2 \
	"--pin '/sys/fs/bpf/rawload-link-$$/sub' is not on a bpffs mount \('/sys/fs/bpf/rawload-link-$$' is $TMP/outside" \
	$RAWLOAD $P/globals.bpf.o --no-attach --pin /sys/fs/bpf/rawload-link-$$/sub
[ -z "$(ls -A "$TMP/outside")" ] && ok "  and nothing was created behind the link" ||
	bad "behind the link" "$(ls -A "$TMP/outside")"
rm -f /sys/fs/bpf/rawload-link-$$
expect "--pin under a missing directory is refused as bad usage" 2 \
	"its parent directory '/sys/fs/bpf/rawload-none-$$' does not exist" \
	$RAWLOAD $P/globals.bpf.o --no-attach --pin /sys/fs/bpf/rawload-none-$$/x
# A run that fails after pinning takes its pins back (here: an attach
# target that does not exist, after step 12 pinned everything).
expect "a run failing after --pin removes the pins it made" 1 \
	"removing the [0-9]+ pin\(s\) and director\(ies\) this run made under $PIN-fail" \
	$RAWLOAD $P/hello.bpf.o --prog hello_tp --attach tracepoint:syscalls:sys_enter_rl_nosuch --pin $PIN-fail
[ ! -e "$PIN-fail" ] && ok "  nothing is left under $PIN-fail" || bad "after the failed run" "$(ls -R "$PIN-fail")"

# By name: the first load pins, the second reuses (and says so) the map
# with the counts the first run left in it.
expect "pinning by name creates /sys/fs/bpf/pinned_totals" 0 '' \
	$RAWLOAD $P/maps.bpf.o --no-attach
[ -e /sys/fs/bpf/pinned_totals ] && ok "pinned by name" || bad "pinned by name" "no pin"
bpftool map update pinned /sys/fs/bpf/pinned_totals key 0 0 0 0 value 42 0 0 0 0 0 0 0
expect "the second load reuses it" 0 "reusing the map pinned at /sys/fs/bpf/pinned_totals" \
	$RAWLOAD $P/maps.bpf.o --no-attach
expect "the reused map kept its value" 0 '"value": 42' bpftool map lookup pinned \
	/sys/fs/bpf/pinned_totals key 0 0 0 0
rm -f /sys/fs/bpf/pinned_totals
bpftool map create /sys/fs/bpf/pinned_totals type array key 4 value 8 entries 2 name pinned_totals
expect "an incompatible pinned map is an error naming the field" 1 \
	"the map pinned at '/sys/fs/bpf/pinned_totals' has max_entries 2, this object declares 1" \
	$RAWLOAD $P/maps.bpf.o --no-attach
finish
