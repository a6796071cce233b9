#!/usr/bin/env bash
# scripts/deps.sh - install every Debian package rawload's build and tests need.
#
# Idempotent: apt-get skips what is already installed, so running it twice is
# cheap. rawload itself links only libc; everything below is for building the
# BPF test programs, for the test oracles (libelf, libbpf) and for the VM tests.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
	echo "scripts/deps.sh: run as root (it calls apt-get)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq

pkgs=(
	build-essential make pkg-config   # compiler, make
	check                             # unit-test framework
	libelf-dev zlib1g-dev             # test-only oracle for the ELF reader
	libbpf-dev                        # BPF-side headers; test-only reference loader
	bpftool                           # generates vmlinux.h for the test programs
	strace iproute2 valgrind          # syscall comparison, tc/xdp set-up, leak checks
	qemu-system-x86 busybox-static cpio kmod xz-utils   # VM tests on other kernels
	python3 jq                        # JSON checks in the e2e tests
	systemtap-sdt-dev                 # <sys/sdt.h>: USDT probes in the e2e targets
	man-db groff-base                 # the man page check
	bash-completion                   # loads scripts/bash-completion/rawload once installed
	linux-source-6.1                  # the kernel's BPF selftests (tests/selftests)
)

# Prefer clang-19/llvm-19 (Debian 12 ships them in its updates); fall back to
# the default clang if this mirror does not have them.
if apt-cache show clang-19 >/dev/null 2>&1; then
	pkgs+=(clang-19 llvm-19 lld-19 libclang-rt-19-dev)
else
	pkgs+=(clang llvm lld)
fi

apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
echo "scripts/deps.sh: dependencies installed"
