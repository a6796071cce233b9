#!/usr/bin/env bash
# tests/e2e/run.sh - every e2e script, one summary for all of them.
#
#   bash tests/e2e/run.sh          the normal build, ./rawload: "e2e: N passed, N failed"
#   bash tests/e2e/run.sh --asan   build/asan/rawload (ASan + UBSan + LeakSanitizer):
#                                  "e2e-asan: N passed, N failed"
#   ... [--asan] t_load.sh ...     only the scripts named
#
# With --asan every script runs with RAWLOAD set to the sanitizer build,
# and a sanitizer report fails the run twice over: the process exits 99
# (so the check that ran it fails), and the report itself is counted as
# one more failure and printed. That second count catches what a check
# cannot see: a run whose status the script ignores (a background load
# waited for, a pipeline), or one expected to fail anyway (exit 1 or 2
# with an error message). ASan and LeakSanitizer write their reports to
# files of their own (log_path), read here after each script; UBSan's
# go to rawload's stderr, where tests/e2e/lib.sh looks for them.
set -u
cd "$(dirname "$0")/../.."

stage=e2e
skip=()
if [ "${1:-}" = --asan ]; then
	stage=e2e-asan
	if ! [ -x build/asan/rawload ]; then
		echo "FAIL build/asan/rawload missing: make build/asan/rawload"
		echo "$stage: 0 passed, 1 failed"
		exit 1
	fi
	export RAWLOAD=./build/asan/rawload ASAN_RAWLOAD=./build/asan/rawload
	san_log=$(mktemp -d)
	trap 'rm -rf "$san_log"' EXIT
	# 99: no status rawload itself uses (0, 1, 2). UBSan takes its own
	# exit code from UBSAN_OPTIONS, and ignores log_path there (GCC 12).
	export ASAN_OPTIONS="detect_leaks=1:exitcode=99:log_path=$san_log/report"
	export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=99"
	# Not run under ASan, each for a reason it prints:
	skip=("tests/e2e/t_valgrind.sh: valgrind cannot run an ASan binary (both claim the address space for their shadow memory), so the script runs build/rawload-dyn whatever RAWLOAD says: the e2e stage has run exactly that already")
	echo "note: runs under strace (t_strace.sh, t_plan.sh's no-bpf() check) have leak checking off: LeakSanitizer cannot work under ptrace; ASan and UBSan stay on"
	shift
fi
export STAGE=$stage
scripts=(tests/e2e/t_*.sh)
[ $# -gt 0 ] && scripts=("${@/#/tests/e2e/}")

p=0 f=0
for t in "${scripts[@]}"; do
	why=
	for s in "${skip[@]}"; do
		[ "${s%%: *}" = "$t" ] && why=${s#*: }
	done
	if [ -n "$why" ]; then
		echo "== $t: not run under ASan: $why"
		continue
	fi
	echo "== $t"
	out=$(bash "$t" 2>&1)
	echo "$out" | grep -vE "^$stage: [0-9]+ passed"
	line=$(grep -E "^$stage: [0-9]+ passed" <<<"$out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL $t: no summary line"; f=$((f + 1))
	else
		p=$((p + $(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")))
		f=$((f + $(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$line")))
	fi
	if [ "$stage" = e2e-asan ]; then
		for r in "$san_log"/report.*; do
			[ -e "$r" ] || continue
			echo "FAIL $t: sanitizer report from pid ${r##*.}: $(grep -m1 -E 'ERROR|runtime error|SUMMARY' "$r")"
			sed 's/^/     /' "$r" | head -n 40
			f=$((f + 1))
			rm -f "$r"
		done
	fi
done
echo "$stage: $p passed, $f failed"
[ "$f" -eq 0 ]
