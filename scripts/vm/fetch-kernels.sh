#!/usr/bin/env bash
# scripts/vm/fetch-kernels.sh [FLAVOR...] - fetch the Debian kernels the VM
# tests boot: the newest linux-image package of each flavor known to the
# configured apt sources, with `apt-get download` (nothing else is downloaded)
# and unpacked with `dpkg -x` into build/vm/kernels/<flavor>/.
#
#   flavors: 6.1      linux-image-6.1.0-N-amd64
#            6.1-rt   linux-image-6.1.0-N-rt-amd64   (PREEMPT_RT)
#            6.12     linux-image-6.12.N+deb12-amd64
#
# Idempotent: a flavor already unpacked is skipped (delete its folder, or set
# VM_REFRESH=1, to look for a newer package). Prints one line per flavor:
#   <flavor> <release> <package>=<version>
# and writes the same into build/vm/kernels/<flavor>/PACKAGE.
set -euo pipefail
cd "$(dirname "$0")/../.."

VM=build/vm
flavors=("$@")
[ ${#flavors[@]} -gt 0 ] || flavors=(6.1 6.1-rt 6.12)

pattern() {
	case $1 in
	6.1)    echo '^linux-image-6\.1\.0-[0-9]+-amd64$' ;;
	6.1-rt) echo '^linux-image-6\.1\.0-[0-9]+-rt-amd64$' ;;
	6.12)   echo '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' ;;
	*) echo "fetch-kernels: unknown flavor '$1' (6.1, 6.1-rt, 6.12)" >&2; return 2 ;;
	esac
}

updated=0
for fl in "${flavors[@]}"; do
	pat=$(pattern "$fl")
	dir=$VM/kernels/$fl
	if [ -s "$dir/PACKAGE" ] && [ -z "${VM_REFRESH:-}" ]; then
		cat "$dir/PACKAGE"
		continue
	fi
	pkg=$(apt-cache pkgnames linux-image-6 | grep -E "$pat" | sort -V | tail -n 1 || true)
	if [ -z "$pkg" ] && [ $updated -eq 0 ]; then
		apt-get update -qq >/dev/null 2>&1 || true
		updated=1
		pkg=$(apt-cache pkgnames linux-image-6 | grep -E "$pat" | sort -V | tail -n 1 || true)
	fi
	if [ -z "$pkg" ]; then
		echo "fetch-kernels: no package matching $pat in the configured apt sources" >&2
		exit 1
	fi
	ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
	mkdir -p "$VM/debs"
	deb=$(ls "$VM/debs/${pkg}_"*.deb 2>/dev/null | head -n 1 || true)
	if [ -z "$deb" ]; then
		(cd "$VM/debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$ver" >/dev/null)
		deb=$(ls "$VM/debs/${pkg}_"*.deb | head -n 1)
	fi
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	dpkg -x "$deb" "$dir.tmp/root"
	rel=$(ls "$dir.tmp/root/lib/modules" | head -n 1)
	ln -s "root/boot/vmlinuz-$rel" "$dir.tmp/vmlinuz"
	echo "$fl $rel $pkg=$ver" >"$dir.tmp/PACKAGE"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	cat "$dir/PACKAGE"
done
