#!/usr/bin/env bash
# scripts/vm/fetch-kernels.sh [FLAVOR...] - fetch the Debian kernels the VM
# tests boot: the newest linux-image package of each flavor, with `apt-get
# download` (nothing is installed; only the kernel's own packages are
# downloaded) and unpacked with `dpkg -x` into build/vm/kernels/<flavor>/.
#
#   flavors: 6.1      linux-image-6.1.0-N-amd64        Debian 12
#            6.1-rt   linux-image-6.1.0-N-rt-amd64     (PREEMPT_RT)
#            6.12     linux-image-6.12.N+deb12-amd64
#            5.10     linux-image-5.10.0-N-amd64       Debian 11 (bullseye)
#            7.2      linux-image-7.2.N+debN-amd64     Debian unstable (sid)
#
# The Debian 12 flavors come from the machine's configured apt sources. 5.10
# and 7.2 come from releases the machine does not (and must not) have in
# /etc/apt: each has a private source list and apt state of its own in
# build/vm/apt/ (<suite>.list, lists-<suite>/, cache-<suite>/), handed to
# apt-get and apt-cache with -o Dir::...=, so neither /etc/apt nor the
# machine's package lists change. The host is VM_DEBIAN_MIRROR (default
# http://deb.debian.org, the one the machine's sources use).
#
# Idempotent: a flavor already unpacked is skipped (delete its folder, or set
# VM_REFRESH=1, to look for a newer package; for 5.10 and 7.2 that also
# refreshes their private package lists). Prints one line per flavor:
#   <flavor> <release> <package>=<version>
# and writes the same into build/vm/kernels/<flavor>/PACKAGE.
set -euo pipefail
cd "$(dirname "$0")/../.."

VM=build/vm
flavors=("$@")
[ ${#flavors[@]} -gt 0 ] || flavors=(6.1 6.1-rt 6.12 5.10 7.2)
mirror=${VM_DEBIAN_MIRROR:-http://deb.debian.org}

pattern() {
	case $1 in
	6.1)    echo '^linux-image-6\.1\.0-[0-9]+-amd64$' ;;
	6.1-rt) echo '^linux-image-6\.1\.0-[0-9]+-rt-amd64$' ;;
	6.12)   echo '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' ;;
	5.10)   echo '^linux-image-5\.10\.0-[0-9]+-amd64$' ;;
	7.2)    echo '^linux-image-7\.2\.[0-9]+\+deb[0-9]+-amd64$' ;;
	*) echo "fetch-kernels: unknown flavor '$1' (6.1, 6.1-rt, 6.12, 5.10, 7.2)" >&2; return 2 ;;
	esac
}

# suite FLAVOR: the Debian release a flavor comes from when it is not the
# machine's own (empty: the machine's configured sources).
suite() {
	case $1 in
	5.10) echo bullseye ;;
	7.2)  echo sid ;;
	*)    echo ;;
	esac
}

# use_suite SUITE: set apt=(...), the options every apt-get/apt-cache call
# of that suite takes (none for the machine's sources). A private suite gets
# its source list written (signed-by: only Debian's archive keys may vouch
# for it, not every key in /etc/apt/trusted.gpg.d), its own lists and cache
# (a package cache of bullseye must not be mistaken for sid's), and an empty
# dpkg status (nothing of the machine's installed set matters for a
# download). bullseye's newest kernels are in bullseye-security (Debian LTS
# uploads there), not in the last point release of bullseye itself.
# APT::Sandbox::User=root: apt would otherwise chown lists-*/partial to _apt,
# or warn when _apt cannot reach the clone.
apt=()
use_suite() {
	apt=()
	[ -n "$1" ] || return 0
	local a=$PWD/$VM/apt s=$1
	local key='[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]'
	mkdir -p "$a/lists-$s/partial" "$a/cache-$s/archives/partial"
	case $s in
	bullseye) printf '%s\n' "deb $key $mirror/debian bullseye main" \
	                        "deb $key $mirror/debian-security bullseye-security main" ;;
	sid)      printf '%s\n' "deb $key $mirror/debian sid main" ;;
	esac >"$a/$s.list.tmp"
	# rewritten only when it changes, so its date means something to whoever looks
	if cmp -s "$a/$s.list.tmp" "$a/$s.list"; then rm "$a/$s.list.tmp"; else mv "$a/$s.list.tmp" "$a/$s.list"; fi
	apt=(-o "Dir::Etc::sourcelist=$a/$s.list" -o Dir::Etc::sourceparts=-
	     -o "Dir::State::Lists=$a/lists-$s" -o "Dir::Cache=$a/cache-$s"
	     -o Dir::State::status=/dev/null -o APT::Sandbox::User=root)
}

# update SUITE: apt-get update of the machine's sources (quietly, as before:
# a failure shows as "no package" below) or of SUITE's private list (its
# errors shown: that list is ours to get right). At most once per suite and
# run; status 1 when it was done already.
declare -A updated=()
update() {
	local k=${1:-machine}
	[ -z "${updated[$k]:-}" ] || return 1
	updated[$k]=1
	if [ -z "$1" ]; then
		apt-get update -qq >/dev/null 2>&1 || true
	else
		apt-get "${apt[@]}" update -qq >/dev/null || true
	fi
}

newest() { # PATTERN: the newest package name matching it
	apt-cache "${apt[@]}" pkgnames linux-image- | grep -E "$1" | sort -V | tail -n 1 || true
}

# parts PKG VERSION: "name=version" of each package that holds the kernel
# proper when PKG is only the umbrella. Since Debian 14 (so in sid)
# linux-image-REL is a 15 kB package of maintainer scripts that depends on
# linux-base-REL (config, modules.builtin/order), linux-binary-REL (vmlinuz)
# and linux-modules-REL, each at its own exact version. Nothing for the
# other flavors: their linux-image holds it all, and their "linux-base"
# dependency is the unversioned package of installation tools.
# linux-binary-unsigned-REL replaces linux-binary-REL when it has the same
# version: that one is the image as built from source package linux, like
# the base and modules, instead of the copy re-uploaded by
# linux-signed-amd64 with a Secure Boot signature (which qemu -kernel
# ignores).
parts() {
	local p v u
	apt-cache "${apt[@]}" show "$1=$2" | sed -n 's/^Depends: //p' | head -n 1 | tr ',' '\n' |
	sed -nE 's/^ *(linux-(base|binary|modules)-[0-9][^ ]*) \(= ([^)]+)\).*/\1 \3/p' |
	while read -r p v; do
		case $p in
		linux-binary-[0-9]*)
			u=linux-binary-unsigned-${p#linux-binary-}
			if apt-cache "${apt[@]}" show "$u=$v" >/dev/null 2>&1; then p=$u; fi ;;
		esac
		echo "$p=$v"
	done
}

# fetch PATTERN: set pkg, ver and debs (the .deb files to unpack), downloading
# what build/vm/debs lacks. Status 1 when no package matches or the download
# fails (e.g. sid has dropped the version the lists still name).
fetch() {
	local pv p v missing=() f i
	pkg=$(newest "$1")
	[ -n "$pkg" ] || return 1
	ver=$(apt-cache "${apt[@]}" policy "$pkg" | awk '/Candidate:/ {print $2}')
	mkdir -p "$VM/debs"
	debs=()
	for pv in "$pkg=$ver" $(parts "$pkg" "$ver"); do
		p=${pv%%=*} v=${pv#*=}
		# apt-get download names it NAME_VERSION_ARCH.deb, an epoch's ':' as %3a
		f=$(ls "$VM/debs/${p}_${v//:/%3a}_"*.deb 2>/dev/null | head -n 1 || true)
		if [ -z "$f" ]; then
			missing+=("$pv")
			f=$VM/debs/${p}_${v//:/%3a}_
		fi
		debs+=("$f")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		(cd "$VM/debs" && apt-get "${apt[@]}" download -q -o APT::Sandbox::User=root "${missing[@]}" >/dev/null) || return 1
		for i in "${!debs[@]}"; do
			case ${debs[$i]} in *.deb) ;; *) debs[i]=$(ls "${debs[$i]}"*.deb | head -n 1) ;; esac
		done
	fi
}

for fl in "${flavors[@]}"; do
	pat=$(pattern "$fl")
	dir=$VM/kernels/$fl
	if [ -s "$dir/PACKAGE" ] && [ -z "${VM_REFRESH:-}" ]; then
		cat "$dir/PACKAGE"
		continue
	fi
	su=$(suite "$fl")
	use_suite "$su"
	# a private list is nobody else's to refresh: VM_REFRESH does it here
	if [ -n "$su" ] && [ -n "${VM_REFRESH:-}" ]; then update "$su" || true; fi
	if ! fetch "$pat"; then
		if update "$su"; then fetch "$pat" || true; fi
	fi
	if [ -z "${pkg:-}" ]; then
		echo "fetch-kernels: no package matching $pat in ${su:-the configured apt sources}" >&2
		exit 1
	fi
	for f in "${debs[@]}"; do
		[ -s "$f" ] || { echo "fetch-kernels: could not download $pkg=$ver (or a part of it)" >&2; exit 1; }
	done
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	for f in "${debs[@]}"; do dpkg -x "$f" "$dir.tmp/root"; done
	r=$dir.tmp/root
	if [ -d "$r/lib/modules" ]; then
		rel=$(ls "$r/lib/modules" | head -n 1)
	else
		# Debian 14's packages put everything under usr/lib/modules/REL/
		# (vmlinuz or vmlinuz.unsigned, config; its System.map is a stub
		# pointing at the -dbg package) and nothing in /boot. An installed
		# system has /lib -> usr/lib (merged /usr) and /boot/vmlinuz-REL;
		# make the same links, so that mkinitramfs.sh, run.sh and
		# extract-btf.sh find root/boot/vmlinuz-REL, root/boot/config-REL
		# and root/lib/modules/REL as for every other flavor.
		rel=$(ls "$r/usr/lib/modules" | head -n 1)
		m=usr/lib/modules/$rel
		mkdir -p "$r/lib" "$r/boot"
		ln -s ../usr/lib/modules "$r/lib/modules"
		for f in vmlinuz vmlinuz.unsigned; do	# the unsigned one wins (parts)
			if [ -e "$r/$m/$f" ]; then ln -sfn "../$m/$f" "$r/boot/vmlinuz-$rel"; fi
		done
		ln -s "../$m/config" "$r/boot/config-$rel"
	fi
	if [ ! -e "$r/boot/vmlinuz-$rel" ] || [ ! -e "$r/boot/config-$rel" ]; then
		echo "fetch-kernels: $pkg=$ver: no boot/vmlinuz-$rel or boot/config-$rel in it" >&2
		exit 1
	fi
	ln -s "root/boot/vmlinuz-$rel" "$dir.tmp/vmlinuz"
	echo "$fl $rel $pkg=$ver" >"$dir.tmp/PACKAGE"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	cat "$dir/PACKAGE"
done
