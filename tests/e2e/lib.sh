# tests/e2e/lib.sh - sourced by the e2e scripts: tiny assertion helpers.
# Each check prints "ok   NAME" or "FAIL NAME: why" and counts; finish
# prints "e2e: N passed, N failed" (the stage summary tests/run.sh reads).
pass=0
fail=0
RAWLOAD=${RAWLOAD:-./rawload}
ASAN_RAWLOAD=${ASAN_RAWLOAD:-./build/asan/rawload}
P=build/progs
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1: $2"; }

# expect NAME STATUS PATTERN CMD...: run CMD, require exit STATUS and
# (if PATTERN is not empty) an extended-regex match in stdout+stderr.
expect() {
	local name=$1 want=$2 pat=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		bad "$name" "exit $rc, expected $want; output: $(head -c 600 <<<"$out")"
	elif [ "${STAGE:-e2e}" = e2e-asan ] && grep -q 'runtime error:' <<<"$out"; then
		bad "$name" "UBSan:$(grep -m1 -o 'runtime error:.\{0,160\}' <<<"$out" | sed 's/^runtime error: / /')"
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" <<<"$out"; then
		bad "$name" "output does not match /$pat/: $(head -c 600 <<<"$out")"
	else
		ok "$name"
	fi
}

# load_both OBJ [rawload options]: load OBJ with the libbpf oracle (given
# $ORACLE_ARGS, if set) and with rawload, pin both under $PIN (set by the
# caller), dump what the kernel holds for each (tests/oracle/kdump) and
# diff: status 0 identical, 1 different (the diff in $TMP/diff), 2 a
# loader refused.
load_both() {
	local obj=$1; shift
	rm -rf "$PIN"; mkdir -p "$PIN/lib" "$PIN/raw"
	# shellcheck disable=SC2086 # ORACLE_ARGS: options for libbpf's side
	if ! build/oracle/oracle ${ORACLE_ARGS:-} --pin-root "$PIN" "$obj" "$PIN/lib" >"$TMP/o.log" 2>&1; then
		echo "libbpf refused: $(tail -3 "$TMP/o.log")" >"$TMP/diff"; return 2
	fi
	if ! $RAWLOAD "$obj" --no-attach --pin "$PIN/raw" "$@" >"$TMP/r.log" 2>&1; then
		echo "rawload refused: $(tail -3 "$TMP/r.log")" >"$TMP/diff"; return 2
	fi
	build/oracle/kdump "$PIN/lib" >"$TMP/lib.json" &&
		build/oracle/kdump "$PIN/raw" >"$TMP/raw.json" || return 2
	bash tests/oracle/compare.sh "$TMP/lib.json" "$TMP/raw.json" >"$TMP/diff"
}

# Under tests/e2e/run.sh --asan a UBSan finding ends rawload with status
# 99, but its report goes to rawload's stderr whatever log_path says (GCC
# 12's libubsan, loaded beside libasan). Where a script ignores a status
# (a pipeline, a background run waited for with its stderr in a file),
# the report is all that is left: expect() fails a check whose output
# holds one, and this fails once for each file in $TMP that does.
san_reports() {
	local f
	[ "${STAGE:-e2e}" = e2e-asan ] || return 0
	while IFS= read -r f; do
		bad "sanitizer report in \$TMP/${f#"$TMP"/}" \
			"UBSan:$(grep -a -m1 -o 'runtime error:.\{0,160\}' "$f" | sed 's/^runtime error: / /')"
	done < <(grep -rla 'runtime error:' "$TMP" 2>/dev/null)
}

# wait_running PID: wait (at most 20 s) until rawload PID has attached
# everything and waits in its run loop, which is when its current system
# call (/proc/PID/syscall) is epoll_wait/epoll_pwait or, with nothing to
# read, a sleep (nanosleep/clock_nanosleep). A test that triggers events
# after a fixed sleep instead races the load on a slow (sanitizer) run.
wait_running() {
	local i s
	for i in $(seq 1 400); do
		s=$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null) || return 1
		case $s in 232|281|35|230) return 0 ;; esac
		sleep 0.05
	done
	return 1
}

finish() {
	san_reports
	echo "${STAGE:-e2e}: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
