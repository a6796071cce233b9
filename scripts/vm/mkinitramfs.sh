#!/usr/bin/env bash
# scripts/vm/mkinitramfs.sh FLAVOR - the initramfs the VM tests boot.
#
# Writes build/vm/<flavor>/initramfs.cpio.gz (cpio newc, gzip) holding:
#   /bin/busybox + its applet links      (busybox-static)
#   /bin/bash and its shared libraries   (tests are bash scripts)
#   /init                                 (mounts, loads modules, runs the
#                                          guest tests, powers off)
#   /boot/config-<release>                (the guest has no /proc/config.gz)
#   /lib/modules/<release>/...            the modules in VM_MODULES and their
#                                          dependencies, decompressed, from the
#                                          same Debian package; /init insmods
#                                          them in the order of modules.load
#   /src/  the project, laid out as in the repository (the guest cd's there):
#          rawload (+ ld-linux and libc), build/progs/*.bpf.o,
#          build/vm/NAME for every tests/vm/NAME.c (static helpers:
#          getpid_loop, vmhelper), tests/e2e/lib.sh, tests/vm/*.sh
#
# Environment:
#   VM_MODULES  modules to include and load (default: "sch_ingress cls_bpf veth")
#   VM_BINS     host programs to copy with their libraries, at the same path
#               as on the host (default: "bpftool mountpoint"; add e.g. "ip tc")
# The kernels come from scripts/vm/fetch-kernels.sh (run first).
set -euo pipefail
cd "$(dirname "$0")/../.."

fl=${1:?usage: mkinitramfs.sh FLAVOR (6.1, 6.1-rt, 6.12, 5.10, 7.2)}
K=build/vm/kernels/$fl
[ -s "$K/PACKAGE" ] || { echo "mkinitramfs: no kernel for $fl: run scripts/vm/fetch-kernels.sh $fl" >&2; exit 1; }
read -r _ rel _ <"$K/PACKAGE"
KR=$K/root
OUT=build/vm/$fl
modules=${VM_MODULES-sch_ingress cls_bpf veth}

helpers=()
for c in tests/vm/*.c; do helpers+=("build/vm/$(basename "$c" .c)"); done
for f in rawload "${helpers[@]}" tests/e2e/lib.sh tests/vm/guest-tests.sh; do
	[ -e "$f" ] || { echo "mkinitramfs: $f is missing (make rawload progs; make vm-helpers)" >&2; exit 1; }
done
ls build/progs/*.bpf.o >/dev/null 2>&1 || { echo "mkinitramfs: no build/progs/*.bpf.o: make progs" >&2; exit 1; }
BUSYBOX=$(command -v busybox || echo /bin/busybox)
file -L "$BUSYBOX" | grep -q 'statically linked' ||
	{ echo "mkinitramfs: $BUSYBOX is not static: apt-get install busybox-static" >&2; exit 1; }

mkdir -p "$OUT"
R=$OUT/root
rm -rf "$R"
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,proc,sys,dev,tmp,run,root,etc,boot,src}

# copy_elf FILE DEST: FILE and every shared library ldd lists for it (same
# absolute paths inside, so the dynamic loader finds them).
copy_libs() {
	local l
	for l in $(ldd "$1" 2>/dev/null | grep -oE '(/[^ ]+)' || true); do
		[ -e "$l" ] || continue
		mkdir -p "$R$(dirname "$l")"
		cp -L "$l" "$R$l"
	done
}
copy_elf() {
	mkdir -p "$(dirname "$R$2")"
	cp -L "$1" "$R$2"
	copy_libs "$1"
}

# busybox and its applets (links into /bin; bash is not replaced)
cp "$BUSYBOX" "$R/bin/busybox"
for a in $("$BUSYBOX" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$R/bin/$a"
done
copy_elf "$(command -v bash)" /bin/bash
for b in ${VM_BINS-bpftool mountpoint}; do
	p=$(PATH=$PATH:/usr/sbin:/sbin command -v "$b") || { echo "mkinitramfs: VM_BINS: no '$b' on the host" >&2; exit 1; }
	p=$(readlink -f "$p")
	copy_elf "$p" "$p"
done
# merged-/usr style lookups (/usr/lib/x86_64-linux-gnu/...) for ld.so
[ -d "$R/lib/x86_64-linux-gnu" ] && ln -s ../lib "$R/usr/lib"

# kernel config and modules
cp "$KR/boot/config-$rel" "$R/boot/config-$rel"
M=/lib/modules/$rel
mkdir -p "$R$M"
cp "$KR$M"/modules.builtin* "$KR$M/modules.order" "$R$M/" 2>/dev/null || true
: >"$R$M/modules.load"
if [ -n "$modules" ]; then
	[ -s "$KR$M/modules.dep" ] || depmod -b "$KR" "$rel"
	# modprobe --show-depends: "insmod PATH [params]" lines, dependencies first
	modprobe -d "$KR" -S "$rel" --show-depends -a $modules |
	while read -r verb path _; do
		[ "$verb" = insmod ] || continue
		rp=${path#"$KR"}
		dst=${rp%.xz}; dst=${dst%.zst}
		mkdir -p "$R$(dirname "$dst")"
		case $path in
		*.xz)  xz -dc "$path" >"$R$dst" ;;
		*.zst) zstd -qdc "$path" >"$R$dst" ;;
		*)     cp "$path" "$R$dst" ;;
		esac
		grep -qxF "$dst" "$R$M/modules.load" || echo "$dst" >>"$R$M/modules.load"
	done
fi

# the project
S=$R/src
mkdir -p "$S/build/progs" "$S/build/vm" "$S/tests/e2e" "$S/tests/vm"
cp rawload "$S/rawload"
copy_libs rawload
cp build/progs/*.bpf.o "$S/build/progs/"
cp "${helpers[@]}" "$S/build/vm/"
cp tests/e2e/lib.sh "$S/tests/e2e/"
cp tests/vm/*.sh "$S/tests/vm/"
echo "$fl $rel" >"$S/build/vm/FLAVOR"

cat >"$R/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
P
cat >"$R/etc/group" <<'P'
root:x:0:
P

cat >"$R/init" <<'INIT'
#!/bin/sh
# /init of the rawload VM tests (scripts/vm/mkinitramfs.sh)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
mount -t securityfs securityfs /sys/kernel/security	# the active LSMs
mkdir -p /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup
ip link set lo up 2>/dev/null
echo	# after the firmware's escape sequences: start a clean line
rel=$(uname -r)
while read -r m; do
	[ -n "$m" ] && { insmod "$m" || echo "vm-init: insmod $m failed"; }
done </lib/modules/$rel/modules.load
echo "vm-init: booted $rel in $(cut -d' ' -f1 /proc/uptime) s"
cd /src
bash tests/vm/guest-tests.sh </dev/null
echo "vm-init: guest-tests exited $?"
sync
poweroff -f
INIT
chmod +x "$R/init"

(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$OUT/initramfs.cpio.gz.tmp"
mv "$OUT/initramfs.cpio.gz.tmp" "$OUT/initramfs.cpio.gz"
echo "mkinitramfs: $OUT/initramfs.cpio.gz ($rel, $(du -h "$OUT/initramfs.cpio.gz" | cut -f1); modules: $(wc -l <"$R$M/modules.load"))"
