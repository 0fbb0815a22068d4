#!/usr/bin/env bash
# tools/dev.sh: the project's entry point on a fresh Debian machine.
#   tools/dev.sh demo   install deps, build, run the live-kernel demo (main job)
#   tools/dev.sh test   install deps, build (plain + ASan/UBSan + libFuzzer), run every test tier
#   tools/dev.sh deps   only install the Debian packages the project needs
#   tools/dev.sh build  only configure and build (build/)
#   tools/dev.sh cross  cross build the qemu guest program (build/cross-ARCH, as the vm tier does)
#   tools/dev.sh bench [--quick]  build-bench/ (Release), every benchmark, one table
#                      (docs/performance.md; tools/bench/bench.sh --help)
# Environment: UZ_CACHE (default ~/.cache/userize) holds fetched kernel packages.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

PKGS=(build-essential cmake pkg-config git ca-certificates
      clang-19 llvm-19 libbpf-dev libelf-dev libdw-dev libcmocka-dev
      zlib1g-dev liblzma-dev liblz4-dev libzstd-dev
      bpftool dwarves time bc iproute2 qemu-system-x86 busybox-static lz4 zstd xz-utils cpio kmod
      libbz2-dev qemu-system-arm qemu-system-misc
      gcc-aarch64-linux-gnu gcc-s390x-linux-gnu gcc-i686-linux-gnu
      libc6-dev-arm64-cross libc6-dev-s390x-cross libc6-dev-i386-cross
      groff-base gnuplot-nox jq
      libclang-rt-19-dev)

# The vm tier's guests of other architectures run a statically linked,
# cross-built loader (tools/vm/cross.sh). Its static libraries come from
# Debian's multiarch -dev packages, installed beside the amd64 ones
# (Multi-Arch: same). s390x is not among them: this machine's mirror has no
# s390x security suite, so s390x's zlib1g, liblzma5 and libzstd1 lag behind
# the amd64 security updates and cannot be co-installed (Multi-Arch: same
# needs one version on every architecture); tools/vm/cross.sh unpacks the
# s390x -dev packages into a sysroot under the cache instead. s390x is still
# added as a dpkg architecture: its package lists serve `apt-get download` of
# the s390x kernel packages.
FOREIGN_ARCHS=(arm64 i386)
FOREIGN_DEV=(libbpf-dev libelf-dev zlib1g-dev libzstd-dev liblzma-dev liblz4-dev libdw-dev libbz2-dev)
for a in "${FOREIGN_ARCHS[@]}"; do
	for p in "${FOREIGN_DEV[@]}"; do PKGS+=("$p:$a"); done
done

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "userize: '$1' needs root (it installs packages and loads BPF programs); run it with sudo" >&2
		exit 1
	fi
}

deps() {
	local missing=()
	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		return 0
	fi
	need_root deps
	echo "userize: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	local known a
	known=" $(dpkg --print-architecture) $(dpkg --print-foreign-architectures | tr '\n' ' ') "
	for a in "${FOREIGN_ARCHS[@]}" s390x; do
		[[ $known == *" $a "* ]] || dpkg --add-architecture "$a"
	done
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# The project's own builds treat warnings as errors (UZ_WERROR).
build() {
	local dir=$1; shift
	cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUZ_WERROR=ON "$@" >/dev/null
	cmake --build "$dir" -j"$(nproc)"
}

case "${1:-}" in
deps)
	deps ;;
build)
	deps; build build ;;
cross)
	deps; build build
	# the vm tier's fixture: s390x and i386 embed the btfgen archive of
	# their kernels' -dbg DWARF (fetched by the dwarf fixture first)
	(cd build && ctest -R '^vm_cross_build$' --output-on-failure) ;;
demo)
	deps; build build
	need_root demo
	exec tools/demo.sh build ;;
test)
	deps
	need_root test
	build build
	build build-san -DUZ_SANITIZE=ON
	# A packager's build: Release at -O3 (as Debian's dpkg-buildflags can
	# give), warnings as errors so that none creeps in; library and CLI only.
	build build-release -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="-O3" -DUZ_TESTS=OFF
	# The libFuzzer harnesses (tests/fuzz/, docs/fuzz.md): clang-19 with
	# ASan+UBSan, library and harnesses only.
	build build-fuzz -DCMAKE_C_COMPILER=clang-19 -DUZ_FUZZ=ON
	rc=0
	echo "== tests: plain build =="
	(cd build && ctest --output-on-failure --timeout 1500) || rc=1
	echo "== tests: AddressSanitizer + UndefinedBehaviorSanitizer (vm tier: plain build only, its guest program is static) =="
	(cd build-san && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure --timeout 1500 -LE vm) || rc=1
	echo "== tests: fuzz smoke (each libFuzzer harness 15 s on its corpus; any crash fails) =="
	(cd build-fuzz && ctest --output-on-failure -j2) || rc=1
	exit $rc ;;
bench)
	deps
	need_root bench
	shift
	exec tools/bench/bench.sh "$@" ;;
*)
	sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
	exit 2 ;;
esac
