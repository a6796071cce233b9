#!/usr/bin/env bash
# Maps sized at load time: without --resize the load stops before any
# kernel call and names the option; with it, the maps get the size given.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh
[ "$(id -u)" -eq 0 ] || { bad "root" "needs root"; finish; exit 1; }

expect "a map left at max_entries 0 names --resize (exit 2)" 2 \
	"map 'stacks': max_entries is 0: .*give it with --resize stacks=N" \
	$RAWLOAD $P/resize.bpf.o --no-attach
out=$($RAWLOAD $P/resize.bpf.o --no-attach --explain 2>&1)
if grep -q 'bpf(' <<<"$out"; then bad "no kernel call before the size is known" "$out"; else
	ok "no kernel call before the size is known"; fi
expect "--resize sizes both maps" 0 \
	'map_type=STACK_TRACE, key_size=4, value_size=1016, max_entries=1024.*map_type=HASH, key_size=4, value_size=4, max_entries=4096' \
	bash -c "$RAWLOAD $P/resize.bpf.o --no-attach --resize stacks=1024 --resize stack_of_pid=4096 --explain 2>&1 | tr '\n' ' '"
expect "--resize of an unknown map" 2 "--resize nope=1: no map 'nope'" \
	$RAWLOAD $P/resize.bpf.o --no-attach --resize nope=1
expect "--resize to 0 is refused" 2 "expected a count from 1" \
	$RAWLOAD $P/resize.bpf.o --no-attach --resize stacks=0
finish
