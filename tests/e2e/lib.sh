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

# val FILE JQ-PATH: one value from a --dump-maps --json file
val() { jq -r "$2" "$1" 2>/dev/null; }
# check NAME ACTUAL CONDITION: ACTUAL must be a number for which the bash
# arithmetic test CONDITION on $v holds ("v == 1", "v >= 3")
check() {
	local v=$2
	if [[ "$v" =~ ^[0-9]+$ ]] && (( $3 )); then ok "$1"; else bad "$1" "got '$v', want $3"; fi
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

# ---- what the kernel holds of a run (t_failure.sh, t_struct_ops.sh) ----
# Other processes load BPF programs on the same machine at the same time:
# an object is "ours" when its name is one of the object file's program or
# map names, its id is newer than the run's start, and no live process
# holds an fd to it (bpftool's "pids"). Needs root and bpftool.
BPFTOOL=${BPFTOOL:-$(command -v bpftool || echo /usr/sbin/bpftool)}

# The names OBJ's programs and maps get in the kernel (15 characters).
# Maps pinned by name (LIBBPF_PIN_BY_NAME) are meant to stay: left out.
# NAMES_FROM=FILE takes the names from another object (for a broken one).
names() {
	$RAWLOAD inspect "${NAMES_FROM:-$1}" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
for p in d["programs"]:
    if not p["subprogram"]:
        print("prog", p["name"][:15])
for m in d["maps"]:
    if not m.get("pinning"):
        print("map", (m.get("kernel_name") or m["name"])[:15])
'
}

# Highest prog/map/link id now: "P M L".
max_ids() {
	local k
	for k in prog map link; do
		"$BPFTOOL" -j $k show 2>/dev/null |
			python3 -c 'import json,sys; d=json.load(sys.stdin) or []; print(max([e["id"] for e in d] or [0]))'
	done | tr '\n' ' '
}

# leftovers BASE OBJ [EXCEPT_MAP...]: the programs, maps and links newer
# than BASE ("P M L" from max_ids) named like OBJ's, held by no process.
leftovers() {
	local base=$1 obj=$2
	shift 2
	names "$obj" >"$TMP/names"
	"$BPFTOOL" -j prog show >"$TMP/progs.json" 2>/dev/null || echo '[]' >"$TMP/progs.json"
	"$BPFTOOL" -j map show >"$TMP/maps.json" 2>/dev/null || echo '[]' >"$TMP/maps.json"
	"$BPFTOOL" -j link show >"$TMP/links.json" 2>/dev/null || echo '[]' >"$TMP/links.json"
	python3 - "$TMP" "$base" "$@" <<'PY'
import json, sys
tmp, base, skip = sys.argv[1], [int(x) for x in sys.argv[2].split()], set(sys.argv[3:])
want = {"prog": set(), "map": set()}
for line in open(tmp + "/names"):
    k, n = line.split(None, 1)
    want[k].add(n.strip())
want["map"] -= skip
def load(k):
    try:
        return json.load(open("%s/%ss.json" % (tmp, k))) or []
    except ValueError:
        return []
progs, maps, links = load("prog"), load("map"), load("link")
out, ours, our_maps = [], set(), set()
for p in progs:
    if p["id"] > base[0] and p.get("name") in want["prog"]:
        ours.add(p["id"])
        if not p.get("pids"):
            out.append("prog %d %s" % (p["id"], p["name"]))
for m in maps:
    if m["id"] > base[1] and m.get("name") in want["map"]:
        our_maps.add(m["id"])
        if not m.get("pids"):
            out.append("map %d %s" % (m["id"], m["name"]))
# a link holds a program, or (struct_ops) a map
for l in links:
    if l["id"] > base[2] and not l.get("pids") and \
       (l.get("prog_id") in ours or l.get("map_id") in our_maps):
        out.append("link %d (%s, %s %d)" % (l["id"], l.get("type"),
                   "prog" if "prog_id" in l else "map", l.get("prog_id", l.get("map_id", 0))))
print("; ".join(out))
PY
}

TRACEFS=${TRACEFS:-/sys/kernel/tracing}
# tracefs probes of process PID: rawload_PID_N in kprobe_events/uprobe_events.
tracefs_left() {
	cat "$TRACEFS/kprobe_events" "$TRACEFS/uprobe_events" 2>/dev/null |
		grep -oE "rawload_$1_[0-9]+" | sort -u | tr '\n' ' '
}

# clean NAME BASE OBJ [PID [EXCEPT_MAP...]]: poll ~2 s for OBJ's objects
# newer than BASE and PID's tracefs probes (if PID is given) to be gone.
clean() {
	local name=$1 base=$2 obj=$3 pid=${4:-} left tl i
	shift $(($# < 4 ? $# : 4))
	for i in $(seq 1 25); do
		left=$(leftovers "$base" "$obj" "$@")
		tl=${pid:+$(tracefs_left "$pid")}
		[ -z "$left$tl" ] && { ok "$name"; return 0; }
		sleep 0.1
	done
	bad "$name" "left behind: ${left:+$left }${tl:+tracefs: $tl}"
	return 1
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
		# (a wrapper that execs rawload, such as 'ip netns exec', may sleep
		# first: only rawload's own sleep counts)
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = rawload ] || s=
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
