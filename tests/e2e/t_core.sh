#!/usr/bin/env bash
# `rawload core`: every CO-RE relocation resolved against a target BTF,
# without loading (no root needed). The offsets it reports must be the
# kernel's own, as bpftool reads them from the same BTF.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

VM=/sys/kernel/btf/vmlinux
OBJ=$P/core.bpf.o

expect "core: text report, exit 0" 0 'relocations$' $RAWLOAD core $OBJ
$RAWLOAD core $OBJ >"$TMP/core.txt" 2>&1

# bits_offset/8 of a task_struct member, per bpftool's raw dump.
member_off() {
	bpftool btf dump file $VM format raw |
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
finish
