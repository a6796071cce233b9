#!/usr/bin/env bash
# Pinning: --pin DIR, and maps declared with LIBBPF_PIN_BY_NAME (shared
# through /sys/fs/bpf/NAME, reused only when compatible).
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh
[ "$(id -u)" -eq 0 ] || { bad "root" "needs root"; finish; exit 1; }
PIN=/sys/fs/bpf/rawload-pin-$$
trap 'rm -rf "$PIN" /sys/fs/bpf/pinned_totals "$TMP"' EXIT
rm -f /sys/fs/bpf/pinned_totals

expect "--pin pins maps and programs" 0 '' $RAWLOAD $P/globals.bpf.o --no-attach --pin $PIN
for f in maps/globals_rodata maps/globals_bss maps/_data_custom progs/count_getpid; do
	if [ -e "$PIN/$f" ]; then ok "pinned $f"; else bad "pinned $f" "$(ls -R $PIN)"; fi
done
expect "pins outlive rawload: bpftool reads the pinned .rodata" 0 'globals.rodata' \
	bpftool map show pinned $PIN/maps/globals_rodata
expect "pinning again over existing pins fails with EEXIST" 1 'EEXIST.*remove the old pin' \
	$RAWLOAD $P/globals.bpf.o --no-attach --pin $PIN
expect "--pin outside bpffs is refused as bad usage" 2 'is not on a bpffs mount' \
	$RAWLOAD $P/globals.bpf.o --no-attach --pin "$TMP/pins"
expect "--pin with .. is refused as bad usage" 2 "'..' is not allowed" \
	$RAWLOAD $P/globals.bpf.o --no-attach --pin /sys/fs/bpf/../../tmp/x

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
