#!/usr/bin/env bash
# `rawload core`: every CO-RE relocation resolved against a target BTF,
# without loading (no root needed). The offsets it reports must be the
# kernel's own, as bpftool reads them from the same BTF.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

VM=/sys/kernel/btf/vmlinux
OBJ=$P/core.bpf.o

expect "core: text report, exit 0" 0 'relocations$' $RAWLOAD core $OBJ
$RAWLOAD core $OBJ >"$TMP/core.txt" 2>&1

# bits_offset/8 of a task_struct member, per bpftool's raw dump of BTF
# file $2 (default vmlinux).
member_off() {
	bpftool btf dump file "${2:-$VM}" format raw |
		awk -v m="'$1'" '/^\[[0-9]+\] STRUCT .task_struct. size/ {f = 1; next}
			f && /^\[/ {exit}
			f && $1 == m {sub("bits_offset=", "", $3); print $3 / 8; exit}'
}
for f in pid tgid real_parent __state flags; do
	want=$(member_off $f)
	got=$(awk -v p="task_struct.$f" '$4 == "byte_off" && $6 == p {print $NF; exit}' "$TMP/core.txt")
	if [ -n "$want" ] && [ "$got" = "$want" ]; then
		ok "core: task_struct.$f at byte $got, as bpftool says"
	else
		bad "core: task_struct.$f" "rawload says '$got', bpftool '$want'"
	fi
done
# The ___old flavor stands for task_struct; its 'state' field is gone
# since 5.14: the read is poisoned and the existence check reads 0.
if grep -qE "byte_off +struct task_struct___old.state .*poisoned: no field 'state'" "$TMP/core.txt" &&
   grep -qE "field_exists +struct task_struct___old.state \(0:0\)  1 -> 0" "$TMP/core.txt"; then
	ok "core: task_struct___old.state poisoned, its field_exists 0"
else
	bad "core: ___old flavor" "$(grep ___old "$TMP/core.txt")"
fi
# Each row is followed by the matched type and the candidates' fates.
if grep -qE "^    target vmlinux \[[0-9]+\] struct task_struct.pid \(0:[0-9]+\)" "$TMP/core.txt" &&
   grep -qE "^    candidate vmlinux \[[0-9]+\] struct task_struct: field 'no_such_field' missing" "$TMP/core.txt"; then
	ok "core: matched type and rejected candidates shown"
else
	bad "core: detail lines" "$(head -20 "$TMP/core.txt")"
fi
expect "core: the enum value and the kernel's type id" 0 \
	"enumval_value +enum pid_type::PIDTYPE_TGID" $RAWLOAD core $OBJ

# --json: the same rows, as JSON.
if $RAWLOAD core $OBJ --json >"$TMP/core.json" &&
   python3 - "$TMP/core.json" "$(member_off tgid)" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = d["relocations"]
assert d["count"] == len(rows) > 0, d["count"]
tgid = [r for r in rows if r["kind"] == "byte_off" and r["type"] == "struct task_struct.tgid"]
assert tgid and tgid[0]["target"] == int(float(sys.argv[2])), tgid
old = [r for r in rows if r["type"] == "struct task_struct___old.state" and r["poisoned"]]
assert old and old[0]["target"] is None and "state" in old[0]["reason"], old
PY
then
	ok "core --json parses and agrees"
else
	bad "core --json" "$(head -c 400 "$TMP/core.json")"
fi

expect "core: missing --btf file is exit 2 naming it" 2 "target BTF '/nonexistent.btf'" \
	$RAWLOAD core $OBJ --btf /nonexistent.btf
head -c 100 /dev/urandom >"$TMP/junk.btf"
expect "core: garbage --btf is exit 2" 2 "target BTF" $RAWLOAD core $OBJ --btf "$TMP/junk.btf"
expect "core: a bad object is exit 2" 2 "" $RAWLOAD core "$TMP/junk.btf"
# An ELF with a .BTF section is a target too; hello.bpf.o's BTF has no
# task_struct, so every field read is poisoned, and that is not an error.
expect "core: --btf ELF without the types: poisoned, exit 0" 0 \
	"byte_off +struct task_struct.pid .*poisoned: no type like 'struct task_struct'" \
	$RAWLOAD core $OBJ --btf $P/hello.bpf.o
# A second "kernel": tests/unit/core_btf.h's BTF, written by
# tests/e2e/gen_core_btf.c: task_struct with pid at byte 36, flags a
# struct (incompatible), a typedef bpf_ringbuf instead of the struct,
# PIDTYPE_TGID = 7. The report and the relocated instructions follow it.
K=$TMP/core2.btf
if cc -std=c11 -Wall -Wextra -Werror -Itests/unit -o "$TMP/gen_core_btf" tests/e2e/gen_core_btf.c &&
   "$TMP/gen_core_btf" "$K" && [ "$(stat -c %s "$K")" -le 4096 ]; then
	ok "core: second BTF generated ($(stat -c %s "$K") bytes)"
else
	bad "core: second BTF" "gen_core_btf failed"
fi
kpid=$(member_off pid "$K")
vpid=$(member_off pid)
$RAWLOAD core $OBJ --btf "$K" >"$TMP/core2.txt" 2>&1
got=$(awk '$4 == "byte_off" && $6 == "task_struct.pid" {print $NF; exit}' "$TMP/core2.txt")
if [ "$kpid" = 36 ] && [ "$got" = "$kpid" ] && [ "$got" != "$vpid" ] &&
   grep -qE "^    target core2.btf \[7\] struct task_struct.pid \(0:3\)$" "$TMP/core2.txt"; then
	ok "core --btf: task_struct.pid at byte $got as in the file (vmlinux: $vpid)"
else
	bad "core --btf: pid" "file says '$kpid', report '$got', vmlinux '$vpid'"
fi
if $RAWLOAD core $OBJ --btf "$K" --json >"$TMP/core2.json" &&
   $RAWLOAD core $OBJ --json >"$TMP/core1.json" &&
   python3 - "$TMP/core2.json" "$TMP/core1.json" "$kpid" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["relocations"]
vm = json.load(open(sys.argv[2]))["relocations"]
kpid = int(float(sys.argv[3]))
def row(rs, kind, typ):
    r = [r for r in rs if r["kind"] == kind and r["type"] == typ]
    assert r, (kind, typ)
    return r[0]
def insn_val(r):  # the relocated instruction's constant
    i = r["insn_after"]
    return i["off"] if i["code"] & 7 in (1, 2, 3) else i["imm"]
pid, vpid = row(rows, "byte_off", "struct task_struct.pid"), row(vm, "byte_off", "struct task_struct.pid")
assert pid["local"] == vpid["local"] and pid["target"] == kpid != vpid["target"], (pid, vpid)
assert insn_val(pid) == kpid and insn_val(vpid) == vpid["target"], (pid, vpid)
assert pid["target_type"] == {"btf": "core2.btf", "id": 7, "type": "struct task_struct.pid",
                              "access": "0:3", "local_size": 4, "target_size": 4}, pid
for kind, typ, want in [("byte_off", "struct task_struct.tgid", 40),
                        ("byte_off", "struct task_struct.real_parent", 8),
                        ("byte_off", "struct task_struct.__state", 0),
                        ("byte_off", "struct task_struct.in_execve", 44),
                        ("lshift_u64", "struct task_struct.in_execve", 61),
                        ("type_size", "struct task_struct", 64),
                        ("target_type_id", "struct task_struct", 7),
                        ("enumval_value", "enum pid_type::PIDTYPE_TGID", 7),
                        ("type_exists", "struct bpf_ringbuf", 0)]:
    r = row(rows, kind, typ)
    assert r["target"] == want and insn_val(r) == want, (kind, typ, r)
# exactly these two reads are poisoned, each with its rule
poisoned = sorted((r["kind"], r["type"]) for r in rows if r["poisoned"])
assert poisoned == [("byte_off", "struct task_struct.flags"),
                    ("byte_off", "struct task_struct___old.state")], poisoned
fl = row(rows, "byte_off", "struct task_struct.flags")
assert fl["insn_after"]["imm"] == 195896080, fl
assert fl["candidates"][0]["reason"] == ("field 'flags': incompatible types 'unsigned int' "
                                         "(local) vs 'struct rawload_flags' (target)"), fl
old = row(rows, "byte_off", "struct task_struct___old.state")
assert old["candidates"][0]["reason"] == "field 'state' missing", old
rb = row(rows, "type_exists", "struct bpf_ringbuf")
assert rb["target_type"] is None and [c["reason"] for c in rb["candidates"]] == \
    ["kind mismatch: TYPEDEF, the local type is STRUCT"], rb
PY
then
	ok "core --btf --json: values, relocated instructions, poisoned set and reasons follow the file"
else
	bad "core --btf --json" "$(head -c 600 "$TMP/core2.json")"
fi
# Candidate pruning (tests/progs/core_prune.bpf.c): $K has three structs
# named prune_demo up to "___"; only ___v2 has q, so after prune_first's
# "does q exist" the other two are set aside for every later relocation of
# the local type, and both programs read a at ___v2's 4 (the object says
# 16; without pruning, the offset would be ambiguous and the load fail).
# libbpf, given the same file (the oracle's --btf), must give the kernel
# the same instructions.
PO=$P/core_prune.bpf.o
PIN=/sys/fs/bpf/rawload-e2e-core-$$
if ORACLE_ARGS="--btf $K" load_both "$PO" --btf "$K"; then
	ok "core pruning: rawload's programs equal libbpf's against the same --btf"
else
	bad "core pruning vs libbpf" "$(head -c 600 "$TMP/diff")"
fi
rm -rf "$PIN"
if $RAWLOAD core "$PO" --btf "$K" --json >"$TMP/prune.json" &&
   python3 - "$TMP/prune.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["relocations"]
offs = [r for r in rows if r["kind"] == "byte_off"]
assert [r["prog"] for r in offs] == ["prune_first", "prune_second"], offs
for r in offs:
    assert r["local"] == 16 and r["target"] == 4 and r["insn_after"]["imm"] == 4, r
    assert r["target_type"]["id"] == 12, r
    why = [c["reason"] for c in r["candidates"]]
    assert why[:2] == ["set aside: other candidates satisfied relocation #0 of "
                       "program 'prune_first', this one did not"] * 2 and why[2] is None, why
PY
then
	ok "core pruning: a at byte 4 in both programs, the others set aside by relocation #0"
else
	bad "core pruning report" "$(head -c 600 "$TMP/prune.json")"
fi
finish
