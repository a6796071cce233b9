#!/usr/bin/env bash
# scripts/extract-btf.sh - a kernel's BTF from its vmlinuz, without booting it.
#
#   scripts/extract-btf.sh VMLINUZ OUT.btf
#   scripts/extract-btf.sh 6.1                # build/vm/kernels/6.1/vmlinuz -> build/vm/btf/6.1.btf
#
# Why: `rawload core OBJ --btf FILE` shows how a program's CO-RE relocations
# resolve against another kernel. A running kernel publishes its BTF at
# /sys/kernel/btf/vmlinux; a kernel we have only as a Debian package keeps it
# inside the compressed image, as the .BTF section of the ELF vmlinux.
#
# How (the same search as the kernel's scripts/extract-vmlinux):
#   1. A bzImage is a small x86 boot stub followed by the compressed vmlinux.
#      We do not parse the stub; we look for each compressor's magic bytes
#      (gzip 1f 8b 08, xz fd 37 7a 58 5a 00, zstd 28 b5 2f fd) and try to
#      decompress from every place one occurs.
#   2. The first attempt that yields an ELF file ("\177ELF") is vmlinux.
#   3. objcopy copies its .BTF section out as raw BTF, the same format as
#      /sys/kernel/btf/vmlinux (rawload's --btf takes either that or an ELF
#      file with a .BTF section; the raw file is 5 MB instead of 60).
#
# Needs: xz-utils, gzip, zstd (whichever the kernel used: Debian uses xz),
# binutils (objcopy). The output is regenerated only when missing or older
# than the input, so the docs test can call this every run.
set -euo pipefail

if [ $# -eq 1 ] && [ -e "build/vm/kernels/$1/vmlinuz" ]; then
	set -- "build/vm/kernels/$1/vmlinuz" "build/vm/btf/$1.btf"
fi
if [ $# -ne 2 ]; then
	echo "usage: $0 VMLINUZ OUT.btf | $0 KERNEL-FLAVOR (e.g. 6.1)" >&2
	exit 2
fi
img=$1 out=$2
[ -r "$img" ] || { echo "$0: cannot read '$img' (run 'make vm-kernels'?)" >&2; exit 2; }
if [ -s "$out" ] && [ "$out" -nt "$img" ]; then
	exit 0
fi
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

is_elf() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }

# try MAGIC-AS-TR-OCTALS TAG COMMAND...: decompress from each offset where the
# magic occurs (the kernel script's tr/grep trick: turn the magic's first
# byte into a newline so grep -abo reports byte offsets of line starts).
try() {
	local magic=$1 tag=$2 pos
	shift 2
	for pos in $(tr "$magic\n$tag" "\n$tag=" <"$img" | LC_ALL=C grep -abo "^$tag" | cut -d: -f1); do
		tail -c+"$pos" "$img" | "$@" >"$tmp/vmlinux" 2>/dev/null || true
		if [ -s "$tmp/vmlinux" ] && is_elf "$tmp/vmlinux"; then
			return 0
		fi
	done
	return 1
}

if is_elf "$img"; then
	cp "$img" "$tmp/vmlinux"
elif try '\037\213\010' xy gunzip ||
     try '\3757zXZ\000' abcde xz -dc ||
     try '(\265/\375' xxx zstd -dcq; then
	:
else
	echo "$0: '$img': no gzip, xz or zstd stream in it decompresses to an ELF vmlinux" >&2
	exit 1
fi

if ! objcopy -O binary --only-section=.BTF "$tmp/vmlinux" "$tmp/btf" || [ ! -s "$tmp/btf" ]; then
	echo "$0: '$img': its vmlinux has no .BTF section (built without CONFIG_DEBUG_INFO_BTF)" >&2
	exit 1
fi
mv "$tmp/btf" "$out"
echo "$0: $(wc -c <"$out") bytes of BTF from $img -> $out" >&2
