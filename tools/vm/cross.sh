#!/usr/bin/env bash
# tools/vm/cross.sh: cross builds of the qemu guest program (uz-vmcheck with
# libuserize, the samples' runner and the checks, statically linked) for the
# non-x86_64 guests of the vm tier. One CMake build directory per
# architecture, configured with cmake/toolchain-TRIPLET.cmake and
# -DUZ_GUEST_ONLY=ON: no BPF objects (the guests load the host build's),
# no host tools.
#
#   tools/vm/cross.sh build ARCH [DIR] [--userize BIN --objs 'OBJ...' --kernels 'VMLINUX...']
#                                        configure + build DIR (default build-ARCH); with
#                                        --userize, uz-vmcheck embeds the btfgen archive
#                                        BIN makes of OBJs over those kernels (DWARF)
#   tools/vm/cross.sh sysroot ARCH       make $UZ_CACHE/sysroot/ARCH (see below)
#   tools/vm/cross.sh check ARCH         say where ARCH's libraries come from
#   ARCH: arm64 | s390x | i386
#
# The target's static libraries come from the Debian multiarch packages
# (libbpf-dev:ARCH ... installed by tools/dev.sh) when they are installed,
# else from a sysroot of the same -dev packages fetched with apt-get download
# and unpacked with dpkg-deb -x into $UZ_CACHE/sysroot/ARCH. The sysroot is
# the way for s390x: this machine's mirror serves no s390x security suite,
# so s390x's zlib1g, liblzma5 and libzstd1 stay at the point-release versions
# while amd64 has the security updates, and Multi-Arch: same packages must
# have equal versions on every architecture to be co-installed.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${UZ_CACHE:-$HOME/.cache/userize}
prog=cross.sh

die() {
	echo "$prog: $*" >&2
	exit 2
}

# The -dev packages whose static archives and headers the guest link needs.
DEV_PKGS=(libbpf-dev libelf-dev zlib1g-dev libzstd-dev liblzma-dev liblz4-dev libdw-dev libbz2-dev)

arch_vars() {
	case $1 in
	arm64 | aarch64) arch=arm64 triplet=aarch64-linux-gnu multiarch=aarch64-linux-gnu ;;
	s390x) arch=s390x triplet=s390x-linux-gnu multiarch=s390x-linux-gnu ;;
	i386 | i686) arch=i386 triplet=i686-linux-gnu multiarch=i386-linux-gnu ;;
	*) die "unknown architecture '$1' (arm64, s390x or i386)" ;;
	esac
}

have_multiarch() {
	local p
	for p in libbpf libelf libz libzstd liblzma liblz4; do
		[ -f "/usr/lib/$multiarch/$p.a" ] || return 1
	done
	[ -f "/usr/lib/$multiarch/pkgconfig/libbpf.pc" ]
}

# apt-get for architecture $arch only, with lists and caches of its own
# under $cache/apt/$arch (the system's apt state is not touched).
apt_arch() {
	local d=$cache/apt/$arch
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	apt-get -q -oAPT::Architecture="$arch" -oAPT::Architectures="$arch" \
		-oDir::State::Lists="$d/lists" -oDir::Cache="$d/cache" "$@"
}

sysroot() {
	local root=$cache/sysroot/$arch w f
	if [ -f "$root/.complete" ]; then
		echo "$root"
		return 0
	fi
	command -v apt-get >/dev/null || die "apt-get is needed to fetch the $arch packages"
	mkdir -p "$cache/sysroot"
	w=$(mktemp -d "$root.new.XXXXXX")
	echo "$prog: $arch sysroot: apt-get download ${DEV_PKGS[*]}" >&2
	apt_arch update >"$w/update.log" 2>&1 || { cat "$w/update.log" >&2; rm -rf "$w"; die "apt-get update for $arch failed"; }
	mkdir "$w/debs" "$w/root"
	(cd "$w/debs" && apt_arch download "${DEV_PKGS[@]}") >"$w/download.log" 2>&1 ||
		{ cat "$w/download.log" >&2; rm -rf "$w"; die "cannot download the $arch -dev packages"; }
	for f in "$w"/debs/*.deb; do
		dpkg-deb -x "$f" "$w/root" || { rm -rf "$w"; die "cannot unpack $f"; }
	done
	(cd "$w/debs" && ls) >"$w/root/.packages"
	: >"$w/root/.complete"
	rm -rf "$root.old"
	[ ! -e "$root" ] || mv -T "$root" "$root.old"
	mv -T "$w/root" "$root"
	rm -rf "$w" "$root.old"
	echo "$root"
}

check() {
	command -v "$triplet-gcc" >/dev/null || die "no $triplet-gcc (tools/dev.sh deps installs gcc-$triplet)"
	[ -f "/usr/$triplet/lib/libc.a" ] || die "no /usr/$triplet/lib/libc.a (install libc6-dev-$arch-cross)"
	if have_multiarch; then
		echo "multiarch /usr/lib/$multiarch"
	else
		echo "sysroot $cache/sysroot/$arch"
	fi
}

build() {
	local dir=$top/build-$arch src sr="" ubin="" uobjs="" ukern=""
	local -a embed=()
	if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
		dir=$1
		shift
	fi
	while [ $# -gt 0 ]; do
		[ $# -ge 2 ] || die "$1 needs a value"
		case $1 in
		--userize) ubin=$2 ;;
		--objs) uobjs=$2 ;;
		--kernels) ukern=$2 ;;
		*) die "unknown option '$1'" ;;
		esac
		shift 2
	done
	if [ -n "$ubin$uobjs$ukern" ]; then
		[ -n "$ubin" ] && [ -n "$uobjs" ] && [ -n "$ukern" ] ||
			die "--userize, --objs and --kernels go together"
		[ -x "$ubin" ] || die "no userize at $ubin"
		local f
		for f in $uobjs; do [ -r "$f" ] || die "no BPF object $f"; done
		for f in $ukern; do
			[ -r "$f" ] || die "no kernel types $f (tools/corpus.sh dbg fetches the -dbg vmlinux files)"
		done
		# CMake lists: ';'-separated
		embed=("-DUZ_VMCHECK_BTFGEN=$ubin" "-DUZ_VMCHECK_OBJS=${uobjs// /;}"
			"-DUZ_VMCHECK_KERNELS=${ukern// /;}")
	else
		embed=(-UUZ_VMCHECK_BTFGEN)
	fi
	src=$(check)
	if [ "${src%% *}" = sysroot ]; then
		sr=$(sysroot)
	fi
	echo "$prog: $arch: libraries from ${sr:-/usr/lib/$multiarch}, build in $dir" >&2
	UZ_CROSS_SYSROOT=$sr cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_TOOLCHAIN_FILE="$top/cmake/toolchain-$triplet.cmake" -DUZ_GUEST_ONLY=ON \
		-DUZ_CROSS_SYSROOT="$sr" "${embed[@]}" >"$dir.configure.log" 2>&1 ||
		{ cat "$dir.configure.log" >&2; die "$arch: cmake configure failed"; }
	rm -f "$dir.configure.log"
	cmake --build "$dir" -j"${UZ_JOBS:-2}" --target uz-vmcheck
	! readelf -lW "$dir/tests/vm/uz-vmcheck" | grep -q 'Requesting program interpreter' ||
		die "$arch: $dir/tests/vm/uz-vmcheck is not a static executable"
	echo "$dir/tests/vm/uz-vmcheck"
}

[ $# -ge 2 ] || { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
cmd=$1
arch_vars "$2"
shift 2
case $cmd in
build) build "$@" ;;
sysroot) sysroot ;;
check) check ;;
*) die "unknown command '$cmd' (build, sysroot, check)" ;;
esac
