#!/usr/bin/env bash
# struct_ops on the host kernel, as root: a TCP congestion control written
# in BPF (tests/progs/struct_ops.bpf.c) is registered while rawload runs,
# a loopback TCP transfer that chooses it runs its callbacks (their counters
# are read back), and after rawload exits -- at the end of --duration, or
# killed -- the kernel has neither the congestion control nor any program,
# map or link of the run. The legacy SEC(".struct_ops") form registers by
# its map update and must be unregistered explicitly (DELETE_ELEM); it is
# also compared with libbpf 1.1's load. Layout: the value size and member
# indexes rawload plans are checked against bpftool's reading of vmlinux.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

if [ "$(id -u)" -ne 0 ]; then
	bad "root" "the struct_ops tests register congestion controls; run as root"
	finish; exit 1
fi
if ! [ -x "$BPFTOOL" ]; then
	bad "bpftool" "bpftool is not installed (make deps)"
	finish; exit 1
fi
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
AVAIL=/proc/sys/net/ipv4/tcp_available_congestion_control
OBJ=$P/struct_ops.bpf.o LEG=$P/struct_ops_legacy.bpf.o
PIN=/sys/fs/bpf/rawload-so-$$
cleanup() {
	rm -rf "$PIN" "$TMP"
	# a legacy registration outlives a killed loader: never leave one
	grep -qw rl_cc_legacy "$AVAIL" && "$BPFTOOL" struct_ops unregister name rl_cc_legacy >/dev/null
}
trap cleanup EXIT

registered() { grep -qw "$1" "$AVAIL"; }
# wait_reg NAME: up to 5 s for NAME to appear in the available list
wait_reg() {
	local i
	for i in $(seq 1 50); do registered "$1" && return 0; sleep 0.1; done
	return 1
}
# gone NAME CHECK: NAME left the available list (polled ~2 s)
gone() {
	local i
	for i in $(seq 1 20); do registered "$1" || { ok "$2"; return; }; sleep 0.1; done
	bad "$2" "still in $AVAIL: $(cat "$AVAIL")"
}
# transfer CC: 4 MiB over loopback from a socket that chose CC; prints
# the congestion control the socket had, and the bytes received
transfer() {
	python3 - "$1" <<'PY'
import socket, sys, threading
cc = sys.argv[1].encode()
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
got = []
def rx():
    c, _ = srv.accept()
    n = 0
    while True:
        b = c.recv(1 << 16)
        if not b:
            break
        n += len(b)
    got.append(n)
t = threading.Thread(target=rx)
t.start()
s = socket.socket()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, cc)
s.connect(srv.getsockname())
print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\0").decode(), end=" ")
s.sendall(b"x" * (4 << 20))
s.close()
t.join()
print(got[0])
PY
}
bss() { jq -r ".maps[]|select(.name==\".bss\")|.entries[0].value.$2" "$1" 2>/dev/null; }

# ---- 1. the plan: the kernel's layout, as bpftool reads vmlinux ------------
$BPFTOOL btf dump file /sys/kernel/btf/vmlinux format raw >"$TMP/vmlinux.txt"
vsize=$(grep -m1 "STRUCT 'bpf_struct_ops_tcp_congestion_ops'" "$TMP/vmlinux.txt" |
	grep -o 'size=[0-9]*' | cut -d= -f2)
# member N of struct tcp_congestion_ops: its index is its line number - 1
midx() {
	awk "/STRUCT 'tcp_congestion_ops' /{f=1; next} f && /^\\[/{exit} f{print}" "$TMP/vmlinux.txt" |
		grep -n "^	'$1' " | cut -d: -f1 | awk '{print $1 - 1}'
}
plan=$($RAWLOAD plan "$OBJ" 2>&1)
grep -qE "rl_cc +kernel name 'rl_cc'  STRUCT_OPS  key 4 value $vsize max_entries 1" <<<"$plan" &&
	ok "plan: rl_cc is a STRUCT_OPS map of value $vsize (sizeof bpf_struct_ops_tcp_congestion_ops)" ||
	bad "plan: map shape" "$(grep -A2 'rl_cc ' <<<"$plan")"
grep -q "flags LINK" <<<"$plan" && ok "plan: .struct_ops.link gives BPF_F_LINK" ||
	bad "plan: BPF_F_LINK" "$(grep -A2 'rl_cc ' <<<"$plan")"
for m in ssthresh cong_avoid undo_cwnd init; do
	i=$(midx "$m")
	grep -qE "$m +=.*\(expected_attach_type $i\)" <<<"$plan" &&
		grep -qE "struct_ops:rl_cc\.$m \(member $i of struct tcp_congestion_ops" <<<"$plan" &&
		ok "plan: .$m is member $i of the kernel's struct" ||
		bad "plan: .$m member $i" "$(grep "$m" <<<"$plan")"
done

# ---- 2. .struct_ops.link: registered, used, unregistered ------------------
base=$(max_ids)
$RAWLOAD "$OBJ" --duration 3 --dump-maps --json >"$TMP/l.json" 2>"$TMP/l.err" &
pid=$!
if wait_reg rl_cc; then
	ok "rl_cc in tcp_available_congestion_control while rawload runs"
	out=$(transfer rl_cc 2>&1)
	[ "$out" = "rl_cc 4194304" ] && ok "a TCP transfer with TCP_CONGESTION rl_cc: $out" ||
		bad "transfer with rl_cc" "$out"
	$BPFTOOL -j link show >"$TMP/links.json"
	jq -e '.[]|select(.type=="struct_ops")' "$TMP/links.json" >/dev/null &&
		ok "a struct_ops link holds it" || bad "struct_ops link" "$(cat "$TMP/links.json")"
else
	bad "rl_cc registered" "$(cat "$AVAIL"); $(cat "$TMP/l.err")"
fi
wait $pid && ok "rawload exits 0 after --duration" || bad "rawload exit" "$(cat "$TMP/l.err")"
check "the kernel called rl_init (init_calls)" "$(bss "$TMP/l.json" init_calls)" "v >= 1"
check "the kernel called rl_cong_avoid on ACKs (cong_avoid_calls)" \
	"$(bss "$TMP/l.json" cong_avoid_calls)" "v > 0"
gone rl_cc "rl_cc unregistered after rawload exits"
clean "struct_ops.link run: nothing left" "$base" "$OBJ"

# --no-attach: created, value written, not registered
$RAWLOAD "$OBJ" --no-attach --duration 1.5 >"$TMP/n.out" 2>&1 &
pid=$!
wait_running $pid
registered rl_cc && bad "--no-attach registers nothing" "$(cat "$AVAIL")" ||
	ok "--no-attach registers nothing"
wait $pid
grep -q "struct_ops rl_cc (tcp_congestion_ops) is loaded but not registered (--no-attach)" \
	"$TMP/n.out" && ok "--no-attach says what it left out" || bad "--no-attach message" "$(cat "$TMP/n.out")"

# SIGKILL: the link dies with the process, and the registration with it
base=$(max_ids)
$RAWLOAD "$OBJ" --duration 30 >/dev/null 2>&1 &
pid=$!
if wait_reg rl_cc; then
	kill -KILL $pid
	wait $pid 2>/dev/null
	gone rl_cc "SIGKILL while registered: rl_cc unregistered (the link closed)"
	clean "SIGKILL: nothing left" "$base" "$OBJ"
else
	bad "rl_cc registered (SIGKILL case)" "$(cat "$AVAIL")"
	kill $pid 2>/dev/null; wait $pid 2>/dev/null
fi

# A second load of the same name: the link is refused, the load undone
# (and the first one, without --json, says what it registered)
$RAWLOAD "$OBJ" --duration 4 >"$TMP/r.out" 2>&1 &
pid=$!
if wait_reg rl_cc; then
	base=$(max_ids)
	expect "a second rl_cc is refused (EEXIST)" 1 \
		"struct_ops 'rl_cc': BPF_LINK_CREATE \(map fd [0-9]+, BPF_STRUCT_OPS\): EEXIST.*already has one of that name" \
		$RAWLOAD "$OBJ" --duration 1
	registered rl_cc && ok "the first registration stays" || bad "first registration" "$(cat "$AVAIL")"
	kill -TERM $pid
	wait $pid
	gone rl_cc "rl_cc unregistered after SIGTERM"
	grep -q "^rawload: struct_ops rl_cc (tcp_congestion_ops) registered through a BPF link" \
		"$TMP/r.out" && ok "rawload reports the registration" || bad "report" "$(cat "$TMP/r.out")"
else
	bad "rl_cc registered (second-load case)" "$(cat "$AVAIL")"
	kill $pid 2>/dev/null; wait $pid 2>/dev/null
fi

# ---- 3. .struct_ops (legacy): the map update registers -------------------
base=$(max_ids)
$RAWLOAD "$LEG" --duration 3 --explain --dump-maps --json >"$TMP/g.json" 2>"$TMP/g.err" &
pid=$!
if wait_reg rl_cc_legacy; then
	ok "rl_cc_legacy registered by its map update"
	out=$(transfer rl_cc_legacy 2>&1)
	[ "$out" = "rl_cc_legacy 4194304" ] && ok "a TCP transfer with rl_cc_legacy" ||
		bad "transfer with rl_cc_legacy" "$out"
else
	bad "rl_cc_legacy registered" "$(cat "$AVAIL"); $(cat "$TMP/g.err")"
fi
wait $pid || bad "legacy rawload exit" "$(cat "$TMP/g.err")"
check "rl_legacy_cong_avoid ran (legacy_acks)" "$(jq -r '.maps[]|select(.name==".bss")|.entries[0].value.legacy_acks' "$TMP/g.json" 2>/dev/null)" "v > 0"
grep -q "bpf(BPF_MAP_DELETE_ELEM" "$TMP/g.err" && ok "legacy: BPF_MAP_DELETE_ELEM at exit" ||
	bad "legacy: DELETE_ELEM" "$(grep -A1 '\[attach\]' "$TMP/g.err")"
gone rl_cc_legacy "rl_cc_legacy unregistered after rawload exits"
clean "legacy run: nothing left" "$base" "$LEG"

# ---- 4. the same attrs as libbpf 1.1 (which knows .struct_ops only) -------
if load_both "$LEG"; then
	ok "same programs (attach_btf_id) and map (btf_vmlinux_value_type_id) as libbpf"
else
	bad "same as libbpf: struct_ops_legacy" "$(head -40 "$TMP/diff")"
fi
rm -rf "$PIN"
if command -v strace >/dev/null; then
	out=$(scripts/strace-compare "$LEG" --no-attach 2>&1)
	grep -q "essential sequences MATCH" <<<"$out" &&
		grep -qE '^=  PROG_LOAD rl_legacy_undo_ STRUCT_OPS insns=3 GPL attach=' <<<"$out" &&
		ok "strace-compare: MAP_CREATE and PROG_LOAD attrs (expected_attach_type) as libbpf's" ||
		bad "strace-compare struct_ops_legacy" "$(tail -15 <<<"$out")"
fi

# ---- 5. what the kernel does not know ------------------------------------
base=$(max_ids)
expect "unknown struct_ops type: exit 2, named" 2 \
	"struct_ops map 'rl_nosuch' \(struct rl_nosuch_ops\): the kernel has no struct_ops type 'rl_nosuch_ops' \(no bpf_struct_ops_rl_nosuch_ops in vmlinux BTF" \
	$RAWLOAD $P/bad_struct_ops_type.bpf.o
expect "a set member the kernel lacks: exit 2, named (a zero one is left out)" 2 \
	"struct_ops map 'rl_bad_cc' \(struct tcp_congestion_ops___rl\): member 'rl_extra' is set, but the kernel's struct tcp_congestion_ops \(vmlinux BTF\) has no member of that name" \
	$RAWLOAD $P/bad_struct_ops_member.bpf.o
clean "unknown type refused: nothing left" "$base" $P/bad_struct_ops_type.bpf.o
clean "member refused: nothing left" "$base" $P/bad_struct_ops_member.bpf.o
finish
