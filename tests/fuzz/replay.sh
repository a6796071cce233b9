#!/usr/bin/env bash
# tests/fuzz/replay.sh - every fuzz regression file and every seed through
# its harness once, without libFuzzer, under ASan + UBSan + LeakSanitizer:
# one test per file. A stage of tests/run.sh; prints
#   fuzz-replay: N passed, N failed
# Files: tests/fuzz/regressions/<h>/* (crashes found by make fuzz, kept
# once fixed), tests/fuzz/corpus/<h>/* (committed seeds) and
# build/fuzz/seeds/<h>/* (cut from build/progs by make fuzz-seeds).
set -u
cd "$(dirname "$0")/../.."
H="fuzz_elf fuzz_btf fuzz_btf_ext fuzz_object fuzz_core fuzz_names"
pass=0 fail=0
if [ -z "${FUZZ_NO_BUILD:-}" ] && ! make -s fuzz-replay-build >/tmp/fuzz-replay-build.$$ 2>&1; then
	echo "FAIL fuzz-replay: make fuzz-replay-build failed:"
	tail -n 20 /tmp/fuzz-replay-build.$$ | sed 's/^/     /'
	rm -f /tmp/fuzz-replay-build.$$
	echo "fuzz-replay: 0 passed, 1 failed"
	exit 1
fi
rm -f /tmp/fuzz-replay-build.$$
export ASAN_OPTIONS=detect_leaks=1:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for h in $H; do
	bin=build/fuzz/replay/$h
	for f in tests/fuzz/regressions/$h/* tests/fuzz/corpus/$h/* build/fuzz/seeds/$h/*; do
		[ -f "$f" ] || continue
		out=$(timeout 60 "$bin" "$f" 2>&1)
		rc=$?
		if [ $rc -eq 0 ]; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL $h $f: exit $rc"
			grep -E '(ERROR|SUMMARY|runtime error|#[0-9]+ 0x)' <<<"$out" | head -n 8 | sed 's/^/     /'
		fi
	done
	echo "--   $h: done (running total $pass passed, $fail failed)"
done
echo "fuzz-replay: $pass passed, $fail failed"
[ $fail -eq 0 ]
