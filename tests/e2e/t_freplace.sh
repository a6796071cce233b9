#!/usr/bin/env bash
# BPF programs as targets, on the host (root): an extension for policy() of
# an XDP dispatcher that another rawload loaded and pinned (freplace.bpf.o),
# and fentry/fexit on the same function (progtrace.bpf.o). Everything
# rawload does before the kernel verifies them: the target found by pin and
# by id, its BTF read back, FUNC's id in it, the same calls as libbpf's, and
# each way to get that wrong, named. This host kernel refuses extension and
# tracing programs (EPERM), which must be said as such; they run, replace or
# trace, and are undone in the VM guests (tests/vm/guest-tests.sh, 10d).
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

if [ "$(id -u)" -ne 0 ]; then
	bad "root" "the freplace tests need root (CAP_BPF, CAP_SYS_ADMIN); run 'sudo make test'"
	finish; exit 1
fi
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
DPIN=/sys/fs/bpf/rawload-freplace-$$
trap 'rm -rf "$DPIN" "$TMP"' EXIT
T=$P/freplace_target.bpf.o
X=$P/freplace.bpf.o
DISP=$DPIN/progs/dispatch

# same_as_libbpf JSON: "same: attach_btf_id=N attach_prog_fd=OBJ; bpf() R vs L"
# when every essential and retried call of a strace-compare --json result
# matched libbpf's (a load refused by the kernel is retried by both) and
# rawload made no more bpf() calls, else "differ: ..."
same_as_libbpf() {
	python3 - "$1" <<'PY' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
ess = [x for x in d["rows"] if x["class"] in ("essential", "retry")]
bad = [(x["status"], x["kind"], x["key"], x["differs"]) for x in ess if not x["status"].endswith("=")]
loads = [x for x in ess if x["kind"] == "PROG_LOAD" and x["rawload"] and x["libbpf"]]
if bad or not loads or d["rawload"]["bpf_calls"] > d["libbpf"]["bpf_calls"]:
    print("differ: %s; %d loads; bpf() %s vs %s" % (bad, len(loads),
          d["rawload"]["bpf_calls"], d["libbpf"]["bpf_calls"]))
else:
    det = loads[-1]["rawload"]["details"]
    print("same: attach_btf_id=%s attach_prog_fd=%s; bpf() %s vs %s" % (det.get("attach_btf_id"),
          det.get("attach_prog_fd"), d["rawload"]["bpf_calls"], d["libbpf"]["bpf_calls"]))
PY
}

# libbpf_same NAME OBJ ARGS...: scripts/strace-compare OBJ ARGS --no-attach;
# ok when the load is libbpf's, with policy()'s id and the dispatcher as its
# attach_prog_fd
libbpf_same() {
	local name=$1 v
	shift
	RAWLOAD=$RAWLOAD scripts/strace-compare "$@" --no-attach --json >"$TMP/sc.json" \
		2>"$TMP/sc.err"
	v=$(same_as_libbpf "$TMP/sc.json")
	case $v in
	"same: attach_btf_id=$fid attach_prog_fd=pinned:$DISP;"*) ok "$name (${v#same: })" ;;
	*) bad "$name" "$v $(tail -3 "$TMP/sc.err")" ;;
	esac
}

if ! $RAWLOAD $T --no-attach --pin "$DPIN" >"$TMP/t.log" 2>&1; then
	bad "freplace: the dispatcher loads" "$(tail -3 "$TMP/t.log")"
	finish; exit 1
fi
id=$("$BPFTOOL" -j prog show pinned "$DISP" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
btf=$("$BPFTOOL" -j prog show pinned "$DISP" | grep -o '"btf_id":[0-9]*' | cut -d: -f2)
# policy's id in the dispatcher's BTF, as bpftool reads that BTF
fid=$("$BPFTOOL" btf dump id "$btf" | sed -n "s/^\[\([0-9]*\)\] FUNC 'policy' .*/\1/p")

# by id, with --explain: the calls that find the target's function
base=$(max_ids)
$RAWLOAD $X --prog drop_all --attach "freplace:$id" --duration 1 --explain >"$TMP/i.out" 2>&1
rc=$?
for call in "BPF_PROG_GET_FD_BY_ID, \{prog_id=$id\}" \
	"BPF_OBJ_GET_INFO_BY_FD, \{bpf_fd=[0-9]+, info_len=[0-9]+\}" \
	"BPF_BTF_GET_FD_BY_ID, \{btf_id=$btf\}" \
	"prog_type=EXT, .*attach_btf_id=$fid, attach_prog_fd=[1-9]"; do
	if grep -qE "$call" "$TMP/i.out"; then
		ok "freplace:ID --explain: ${call//\\/}"
	else
		bad "freplace:ID --explain: ${call//\\/}" "$(grep -E 'bpf\(' "$TMP/i.out" | head -12)"
	fi
done
if grep -q "this kernel refuses freplace (BPF trampoline) programs" "$TMP/i.out"; then
	[ $rc -eq 1 ] && ok "this kernel refuses extensions (EPERM), and the error says so" ||
		bad "refused extension" "exit $rc"
else
	bad "freplace on this host" "expected the kernel's refusal (exit $rc): $(tail -3 "$TMP/i.out")"
fi
expect "freplace:PIN finds the same target and function" 1 \
	"program 'drop_all' replaces policy\(\) of program 'dispatch' \($DISP\), BTF id $fid" \
	$RAWLOAD $X --prog drop_all --attach "freplace:$DISP" --duration 1

# the same calls as libbpf's bpf_program__set_attach_target (oracle
# --attach-prog): target, BTF, instructions, attach_btf_id and the
# program attach_prog_fd names, compared call by call under strace; both
# loads end in this kernel's EPERM, so the exits are 1 and 1
libbpf_same "strace-compare: the extension's load is libbpf's" $X --prog drop_all \
	--attach "freplace:$DISP"

# fentry/fexit on policy(): the same target, from a tracing program
R=$P/progtrace.bpf.o
# (each alone: the first refusal ends the load)
$RAWLOAD $R --prog after_policy --attach "fexit:$id:policy" --duration 1 --explain \
	>"$TMP/f.out" 2>&1
$RAWLOAD $R --prog on_policy --attach "fentry:$DISP" --duration 1 --explain >>"$TMP/f.out" 2>&1
rc=$?
for prog in on_policy after_policy; do
	if grep -qE "prog_type=TRACING, .*prog_name=\"$prog\".*attach_btf_id=$fid, attach_prog_fd=[1-9]" \
		"$TMP/f.out"; then
		ok "fentry/fexit:PROG --explain: $prog loads with policy()'s id and attach_prog_fd"
	else
		bad "fentry/fexit:PROG $prog" "$(grep -E 'PROG_LOAD' "$TMP/f.out" | head -4)"
	fi
done
grep -q "program 'on_policy' traces policy() of program 'dispatch' ($DISP), BTF id $fid" \
	"$TMP/f.out" && [ $rc -eq 1 ] && grep -q "this kernel refuses fentry/fexit/fmod_ret" "$TMP/f.out" &&
	ok "fentry:PIN: the target is named, then this kernel's refusal" ||
	bad "fentry:PIN" "exit $rc: $(tail -3 "$TMP/f.out")"
expect "fentry on a BPF function without its program says how to name it" 1 \
	"no FUNC 'policy' in the kernel's BTF; if it is a function of a loaded BPF program, name that program with --attach fentry:PROG" \
	$RAWLOAD $R --prog on_policy --duration 1
libbpf_same "strace-compare: fentry on a BPF function loads as libbpf loads it" $R \
	--prog on_policy --attach "fentry:$DISP"

# ---- errors: each names what is missing ----------------------------------
expect "freplace without a target is refused before the kernel" 2 \
	"program 'drop_all' \(section 'freplace/policy'\) replaces a function of another loaded BPF program.*--attach freplace:PROG" \
	$RAWLOAD $X --prog drop_all --duration 1
expect "freplace: a section without a function needs PROG:FUNC" 2 \
	"section 'freplace' names no function; say which with freplace:PROG:FUNC" \
	$RAWLOAD $X --prog no_func --attach "freplace:$DISP" --duration 1
expect "freplace: a pinned map is not a program" 1 \
	"'$DPIN/maps/verdicts' is not a program \(anon_inode:bpf-map\)" \
	$RAWLOAD $X --prog drop_all --attach "freplace:$DPIN/maps/verdicts" --duration 1
expect "freplace: a missing pin is named" 1 \
	"BPF_OBJ_GET '$DPIN/progs/nothing': ENOENT" \
	$RAWLOAD $X --prog drop_all --attach "freplace:$DPIN/progs/nothing" --duration 1
expect "freplace: a program id that does not exist" 1 "no program has id 4000000000" \
	$RAWLOAD $X --prog drop_all --attach "freplace:4000000000" --duration 1
expect "freplace: a number past 32 bits is no id (it must not wrap to another)" 1 \
	"'4294967298' is no program id \(ids are 32-bit" \
	$RAWLOAD $X --prog drop_all --attach "freplace:4294967298" --duration 1
expect "freplace: a function the target lacks" 1 \
	"program 'dispatch' has no function 'nosuch' \(its BTF has no FUNC of that name\)" \
	$RAWLOAD $X --prog drop_all --attach "freplace:$DISP:nosuch" --duration 1
expect "freplace: a static function is refused before the kernel is asked" 1 \
	"function 'count' of program 'dispatch' is static; only global functions can be replaced" \
	$RAWLOAD $X --prog not_static --attach "freplace:$DISP" --duration 1
expect "freplace: an attach on a program of another type, before the load" 2 \
	"--attach freplace:$DISP: program 'dispatch' \(section 'xdp', type XDP\) does not fit: freplace: takes only programs of type EXT" \
	$RAWLOAD $T --prog dispatch --attach "freplace:$DISP" --duration 1
clean "freplace: nothing left after the refusals" "$base" $X
finish
