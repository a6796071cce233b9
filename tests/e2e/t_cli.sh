#!/usr/bin/env bash
# The command line: help, version, usage errors and their exit status.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

expect "--help exits 0 and shows usage" 0 '^usage: rawload OBJ' $RAWLOAD --help
expect "--version" 0 '^rawload [0-9]+\.[0-9]+\.[0-9]+$' $RAWLOAD --version
expect "no arguments is bad usage (2)" 2 'no object file given' $RAWLOAD
expect "unknown option is bad usage (2)" 2 "unknown option '--frobnicate'" $RAWLOAD x.o --frobnicate
expect "--attach with unknown type" 2 "unknown type 'kprobez'" $RAWLOAD x.o --attach kprobez:foo
expect "--attach without target" 2 'expected TYPE:TARGET' $RAWLOAD x.o --attach kprobe
expect "--set without =" 2 "expected NAME=VALUE" $RAWLOAD x.o --set foo
expect "--duration must be positive" 2 "expected a positive number" $RAWLOAD x.o --duration -1
expect "--repeat must be a count" 2 "--repeat '0': expected a count from 1" $RAWLOAD x.o --run p --repeat 0
expect "--pid must be a process id" 2 "--pid '0': expected a process id" $RAWLOAD x.o --pid 0
expect "--pid of no process names it" 2 "--pid 999999999: no such process: /proc/999999999: ENOENT" \
	$RAWLOAD x.o --pid 999999999
expect "--data needs a --run" 2 "--data needs a --run NAME" $RAWLOAD x.o --data pkt.bin
expect "missing file names the file (2)" 2 'rawload: /nonexistent.o: cannot open: ENOENT' \
	$RAWLOAD inspect /nonexistent.o

# A long error on a terminal: the headline, then each "; " hint on lines
# of its own, indented, wrapped at the width; into a pipe, one line (as
# every other test here reads it). script(1) gives rawload a terminal.
llvm-objcopy --remove-section .BTF --remove-section .BTF.ext $P/globals.bpf.o "$TMP/nobtf.bpf.o"
out=$(COLUMNS=60 script -qec "$RAWLOAD $TMP/nobtf.bpf.o --no-attach --set target_pid=1" /dev/null | tr -d '\r')
long=$(awk 'length > 60' <<<"$out")
if [ "$(head -n 1 <<<"$out" | cut -c1-9)" = "rawload: " ] && [ -z "$long" ] &&
   grep -q '^  build it with clang -g$' <<<"$out" && [ "$(wc -l <<<"$out")" -ge 3 ]; then
	ok "a long error on a 60-column terminal: headline, indented hints, no line over 60"
else
	bad "error wrapping on a terminal" "$out"
fi
check "the same error into a pipe is one line" \
	"$($RAWLOAD "$TMP/nobtf.bpf.o" --no-attach --set target_pid=1 2>&1 | wc -l)" "v == 1"
finish
