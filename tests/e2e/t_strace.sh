#!/usr/bin/env bash
# scripts/strace-compare: rawload's syscalls beside libbpf's (issue 7).
# For every loadable test object the essential sequences (BTF, maps, data,
# programs, attach calls) match libbpf's, and rawload makes no more bpf()
# calls than libbpf; an attached run matches too; a changed max_entries
# must show as a difference.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

if [ "$(id -u)" -ne 0 ]; then
	bad "root" "strace-compare loads programs: run as root"
	finish; exit 1
fi
if ! command -v strace >/dev/null || ! command -v python3 >/dev/null; then
	bad "tools" "strace-compare needs strace and python3 (scripts/deps.sh)"
	finish; exit 1
fi
[ -x build/oracle/oracle ] || { bad "oracle" "build/oracle/oracle missing: make oracle"; finish; exit 1; }
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
cleanup() { rm -f /sys/fs/bpf/pinned_totals; rm -rf "$TMP"; }
trap cleanup EXIT
SC=scripts/strace-compare

# field FILE EXPR: a value from a --json result, by a python expression on d
field() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

# compare NAME OBJ [options]: must match and rawload <= libbpf in bpf() calls
compare() {
	local name=$1 obj=$2 out=$TMP/$1.json
	shift 2
	rm -f /sys/fs/bpf/pinned_totals	# maps.bpf.o pins it by name: both sides create it
	RAWLOAD=$RAWLOAD $SC "$obj" "$@" --json >"$out" 2>"$TMP/$name.err"
	local m r l
	m=$(field "$out" 'd["match"]')
	r=$(field "$out" 'd["rawload"]["bpf_calls"]')
	l=$(field "$out" 'd["libbpf"]["bpf_calls"]')
	if [ "$m" != True ]; then
		bad "strace-compare $name" "essential sequences differ: $(field "$out" \
			'[(x["status"], x["kind"], x["key"], x["differs"]) for x in d["rows"]
			  if x["class"] == "essential" and x["status"] not in ("=", "~")]' ||
			cat "$TMP/$name.err")"
	elif [ -z "$r" ] || [ -z "$l" ] || [ "$r" -gt "$l" ]; then
		bad "strace-compare $name: bpf() count" "rawload $r > libbpf $l"
	else
		ok "strace-compare $name: essential sequences match; bpf() calls rawload $r, libbpf $l"
	fi
}

for o in hello globals maps tailcall subprogs cgroup uprobe xdp_tc core; do
	compare "$o" "$P/$o.bpf.o" --no-attach
done

# Attached: globals' count_getpid on tracepoint/syscalls/sys_enter_getpid,
# held for the default second; both sides open the perf event and link it.
compare globals-attached "$P/globals.bpf.o"
n=$(field "$TMP/globals-attached.json" \
	'sum(1 for x in d["rows"] if x["status"] in ("=", "~") and x["kind"] in ("PERF_EVENT_OPEN", "LINK_CREATE"))')
if [ "${n:-0}" -ge 2 ]; then
	ok "strace-compare globals attached: perf_event_open and LINK_CREATE aligned"
else
	n2=$(field "$TMP/globals-attached.json" \
		'[(x["status"], x["kind"]) for x in d["rows"] if x["class"] == "essential"]')
	bad "strace-compare globals attached" "attach calls not aligned: $n2"
fi

# Must differ: a --resize given to rawload only changes max_entries in
# calls_by_tgid's MAP_CREATE, and exactly that is reported.
rm -f /sys/fs/bpf/pinned_totals
RAWLOAD=$RAWLOAD $SC "$P/maps.bpf.o" --no-attach --resize calls_by_tgid=2048 --json \
	>"$TMP/resize.json" 2>"$TMP/resize.err"
rc=$?
got=$(field "$TMP/resize.json" \
	'[(x["kind"], x["key"][0], x["differs"], x["rawload"]["fields"]["max"], x["libbpf"]["fields"]["max"])
	  for x in d["rows"] if x["status"] == "!"]')
want="[('MAP_CREATE', 'calls_by_tgid', ['max'], 2048, 1024)]"
if [ $rc -eq 1 ] && [ "$(field "$TMP/resize.json" 'd["match"]')" = False ] && [ "$got" = "$want" ]; then
	ok "strace-compare must differ: --resize calls_by_tgid=2048 shows as max 2048 vs 1024"
else
	bad "strace-compare must differ" "exit $rc; rows: $got; $(head -c 300 "$TMP/resize.err")"
fi

# The text form: side by side, with the summary line.
expect "strace-compare text summary" 0 \
	'^hello\.bpf\.o: essential sequences MATCH; bpf\(\) calls: rawload [0-9]+ .*libbpf [0-9]+' \
	$SC "$P/hello.bpf.o" --no-attach
expect "strace-compare usage" 2 'usage: scripts/strace-compare OBJ' $SC
finish
