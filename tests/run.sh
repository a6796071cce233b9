#!/usr/bin/env bash
# tests/run.sh - every test stage in turn; `make test` runs it.
#
# Each stage prints its own lines and one "STAGE: N passed, N failed" line;
# this script adds them up and closes with the single line
#   N passed, N failed
# A stage that cannot run (no root for the kernel tests, no VM kernels)
# counts as failed, never as skipped: a green run means everything ran.
set -u
cd "$(dirname "$0")/.."

total_pass=0
total_fail=0
summary=()

run_stage() {
	local name=$1; shift
	local out rc line p f
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^[a-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$name: stage printed no summary (exit $rc): counted as 1 failure"
		p=0; f=1
	else
		p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
		f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "$name: exited $rc with no failure counted: counted as 1 failure"
			f=1
		fi
	fi
	rm -f "$out"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	summary+=("$(printf '%-8s %4d passed, %d failed' "$name" "$p" "$f")")
}

run_stage rules bash tests/rules.sh
run_stage unit ./build/unit
run_stage fuzz bash tests/fuzz/replay.sh
run_stage smoke make -s fuzz-smoke FUZZ_SMOKE_SECONDS=8
run_stage e2e bash tests/e2e/run.sh
run_stage e2e-asan bash tests/e2e/run.sh --asan
run_stage oracle bash tests/oracle/selftest.sh
run_stage selftests bash tests/selftests/compare.sh
run_stage vm bash scripts/vm/test-all.sh

echo
echo "per stage:"
printf '  %s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
