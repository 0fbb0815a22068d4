#!/usr/bin/env bash
# tools/dev.sh: the project's entry point on a fresh Debian machine.
#   tools/dev.sh demo   install deps, build, run the live-kernel demo (main job)
#   tools/dev.sh test   install deps, build (plain + ASan/UBSan), run every test tier
#   tools/dev.sh deps   only install the Debian packages the project needs
#   tools/dev.sh build  only configure and build (build/)
# Environment: UZ_CACHE (default ~/.cache/userize) holds fetched kernel packages.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

PKGS=(build-essential cmake pkg-config git ca-certificates
      clang-19 llvm-19 libbpf-dev libelf-dev libdw-dev libcmocka-dev
      zlib1g-dev liblzma-dev liblz4-dev libzstd-dev
      bpftool dwarves iproute2 qemu-system-x86 busybox-static lz4 zstd xz-utils cpio kmod
      groff-base)

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
	rc=0
	echo "== tests: plain build =="
	(cd build && ctest --output-on-failure --timeout 1500) || rc=1
	echo "== tests: AddressSanitizer + UndefinedBehaviorSanitizer (vm tier: plain build only, its guest program is static) =="
	(cd build-san && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure --timeout 1500 -LE vm) || rc=1
	exit $rc ;;
*)
	sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
	exit 2 ;;
esac
