#!/usr/bin/env bash
# tools/corpus.sh: the kernel corpus. Owns fetching Debian kernel packages
# into the cache and extracting their BTF with `userize btf extract`.
#
#   tools/corpus.sh fetch [--cache DIR] [--userize PATH] [PKG...]
#       download PKG... (default: tools/corpus.list) into CACHE/debs, extract
#       each kernel's BTF into CACHE/btf/RELEASE.btf, print RELEASE<TAB>PATH
#   tools/corpus.sh fetch --arch ARCH [--cache DIR] [--userize PATH] [PKG...]
#       the same for a foreign architecture (arm64: tools/corpus-arm64.list)
#       into CACHE/btf-ARCH, with apt lists of that architecture
#   tools/corpus.sh list [--cache DIR] [--arch ARCH]
#       print RELEASE<TAB>PATH for every BTF already extracted
#   tools/corpus.sh dbg [--cache DIR]
#       download the -dbg packages of tools/corpus-dbg.list (any arch,
#       bookworm or bullseye) and extract their vmlinux into
#       CACHE/dbg/vmlinux-RELEASE, print RELEASE<TAB>PATH
#
# CACHE defaults to ${UZ_CACHE:-$HOME/.cache/userize}. `apt-get update` runs
# only when a download fails. Any package that cannot be fetched or has no
# BTF makes the command fail, naming the package.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${UZ_CACHE:-$HOME/.cache/userize}
userize=""
updated=0
deb_path=""
arch=""
apt_opts=()
btf_dir=""

die() {
	echo "corpus: $*" >&2
	exit 1
}

# Fetchers running at once (parallel ctest fixtures, several build trees)
# share one cache: each holds the cache's lock while it downloads and
# extracts, so none reads a package another is still writing.
lock_cache() {
	mkdir -p "$cache"
	exec 9>"$cache/.lock"
	flock 9 || die "cannot lock $cache/.lock"
}

usage() {
	sed -n '3,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

list_file() {
	if [ -n "$arch" ]; then echo "$top/tools/corpus-$arch.list"; else echo "$top/tools/corpus.list"; fi
}

default_pkgs() {
	sed -e 's/#.*//' -e 's/[[:space:]]//g' "$(list_file)" | grep -v '^$'
}

# Foreign architecture: its own BTF directory and apt lists (updated once).
set_arch() {
	btf_dir="$cache/btf"
	[ -n "$arch" ] || return 0
	[ -f "$(list_file)" ] || die "no package list $(list_file) for architecture '$arch'"
	btf_dir="$cache/btf-$arch"
	mkdir -p "$cache/apt-$arch/lists/partial"
	apt_opts=(-oAPT::Architecture="$arch" -oAPT::Architectures="$arch"
		  -oDir::State::Lists="$cache/apt-$arch/lists")
	if ! ls "$cache/apt-$arch/lists/"*Packages* >/dev/null 2>&1; then
		apt-get "${apt_opts[@]}" update -q >/dev/null 2>&1 ||
			die "apt-get update for $arch failed (are you root?)"
		updated=1
	fi
}

# The kernel release a package carries: linux-image-RELEASE[-unsigned|-dbg].
pkg_release() {
	local r=${1#linux-image-}
	r=${r%-unsigned}
	r=${r%-dbg}
	echo "$r"
}

# Newest cached .deb of a package (apt names it PKG_VERSION_ARCH.deb; '+'
# and '~' stay literal, ':' in an epoch becomes %3a).
cached_deb() {
	local f
	f=$(ls -t "$cache/debs/$1"_*.deb 2>/dev/null | head -n1) || true
	echo "$f"
}

apt_err=""
# apt-get download writes under the final name while it downloads, so it
# runs in a private directory and the complete .deb is moved into the cache:
# an interrupted download or another reader (uzvm shares CACHE/debs) never
# sees a partial package under its real name.
apt_download() { # [APT-OPTION...] PKG
	local d rc=0 pkg=${!#}
	[ -n "$apt_err" ] || { apt_err=$(mktemp); trap 'rm -f "$apt_err"' EXIT; }
	d=$(mktemp -d "$cache/debs/.corpus.XXXXXX") || die "cannot create a temp dir in $cache/debs"
	(cd "$d" && apt-get "${@:1:$#-1}" download -q "$pkg" >/dev/null 2>"$apt_err") || rc=$?
	if [ $rc -eq 0 ]; then
		mv -f "$d"/*.deb "$cache/debs/" 2>/dev/null || rc=1
	fi
	rm -rf "$d"
	return $rc
}

# Sets deb_path to the package's cached .deb, downloading it if needed.
fetch_deb() {
	local pkg=$1
	deb_path=$(cached_deb "$pkg")
	[ -z "$deb_path" ] || return 0
	if ! apt_download "${apt_opts[@]}" "$pkg"; then
		if [ "$updated" = 0 ]; then
			echo "corpus: $pkg: download failed, running apt-get update" >&2
			apt-get "${apt_opts[@]}" update -q >/dev/null 2>&1 || die "apt-get update failed (are you root?)"
			updated=1
		fi
		apt_download "${apt_opts[@]}" "$pkg" || die "cannot fetch package '$pkg': $(tail -n2 "$apt_err")"
	fi
	deb_path=$(cached_deb "$pkg")
	[ -n "$deb_path" ] || die "cannot fetch package '$pkg': apt-get download left no .deb"
}

find_userize() {
	if [ -n "$userize" ]; then
		[ -x "$userize" ] || die "--userize $userize is not executable"
		return
	fi
	local c
	for c in "$top/build/userize" "$(command -v userize || true)"; do
		if [ -n "$c" ] && [ -x "$c" ]; then
			userize=$c
			return
		fi
	done
	die "no userize binary: build it (tools/dev.sh build) or pass --userize PATH"
}

extract_btf() {
	local pkg=$1 deb=$2 rel out rc=0
	rel=$(pkg_release "$pkg")
	out="$btf_dir/$rel.btf"
	if [ -s "$out" ] && [ "$out" -nt "$deb" ]; then
		printf '%s\t%s\n' "$rel" "$out"
		return 0
	fi
	"$userize" btf extract "$deb" -o "$out" --quiet || rc=$?
	case $rc in
	0) printf '%s\t%s\n' "$rel" "$out" ;;
	1) die "package '$pkg': the kernel has no BTF" ;;
	*) die "package '$pkg': cannot extract BTF from $deb (userize exit $rc)" ;;
	esac
}

cmd_fetch() {
	local pkgs=() pkg
	while [ $# -gt 0 ]; do
		case $1 in
		--cache) [ $# -ge 2 ] || die "--cache needs a directory"; cache=$2; shift 2 ;;
		--cache=*) cache=${1#--cache=}; shift ;;
		--userize) [ $# -ge 2 ] || die "--userize needs a path"; userize=$2; shift 2 ;;
		--userize=*) userize=${1#--userize=}; shift ;;
		--arch) [ $# -ge 2 ] || die "--arch needs an architecture"; arch=$2; shift 2 ;;
		-h|--help) usage; exit 0 ;;
		-*) die "unknown option '$1'" ;;
		*) pkgs+=("$1"); shift ;;
		esac
	done
	lock_cache
	set_arch
	[ ${#pkgs[@]} -gt 0 ] || mapfile -t pkgs < <(default_pkgs)
	[ ${#pkgs[@]} -gt 0 ] || die "no packages ($(list_file) is empty)"
	find_userize
	mkdir -p "$cache/debs" "$btf_dir"
	for pkg in "${pkgs[@]}"; do
		fetch_deb "$pkg"
		extract_btf "$pkg" "$deb_path"
	done
}

cmd_list() {
	local f
	while [ $# -gt 0 ]; do
		case $1 in
		--cache) [ $# -ge 2 ] || die "--cache needs a directory"; cache=$2; shift 2 ;;
		--cache=*) cache=${1#--cache=}; shift ;;
		--arch) [ $# -ge 2 ] || die "--arch needs an architecture"; arch=$2; shift 2 ;;
		-h|--help) usage; exit 0 ;;
		*) die "unknown argument '$1'" ;;
		esac
	done
	lock_cache
	local d="$cache/btf"
	[ -z "$arch" ] || d="$cache/btf-$arch"
	[ -d "$d" ] || return 0
	for f in "$d"/*.btf; do
		[ -e "$f" ] || continue
		printf '%s\t%s\n' "$(basename "$f" .btf)" "$f"
	done
}

# The mirror the machine's own Debian sources use (deb822 or one-line).
debian_mirror() {
	local m
	m=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list 2>/dev/null | grep -oE 'https?://[^ ]+/debian/?' |
		grep -v security | head -n1) || true
	echo "${m:-http://deb.debian.org/debian}"
}

# apt options for ARCH/SUITE: a private lists directory under the cache,
# and for another suite a private sources list, so the machine's own apt
# state is never touched.
apt_opts=()
set_apt_opts() {
	local arch=$1 suite=$2 native dir m
	native=$(dpkg --print-architecture)
	apt_opts=()
	[ "$arch" = "$native" ] && [ "$suite" = bookworm ] && return 0
	dir="$cache/apt/$suite-$arch"
	mkdir -p "$dir/lists/partial"
	apt_opts=(-oAPT::Architecture="$arch" -oAPT::Architectures="$arch"
		  -oDir::State::Lists="$dir/lists")
	if [ "$suite" != bookworm ]; then
		m=$(debian_mirror)
		printf 'deb %s %s main\ndeb %s-security %s-security main\n' \
			"${m%/}" "$suite" "${m%/}" "$suite" > "$dir/sources.list"
		apt_opts+=(-oDir::Etc::SourceList="$dir/sources.list" -oDir::Etc::SourceParts=/dev/null)
	fi
	if [ ! -e "$dir/updated" ]; then
		echo "corpus: apt-get update for $suite/$arch (lists in $dir)" >&2
		apt-get update -q "${apt_opts[@]}" >/dev/null 2>&1 ||
			die "apt-get update for $suite/$arch failed (are you root?)"
		touch "$dir/updated"
	fi
}

fetch_dbg_deb() {
	local pkg=$1 arch=$2 suite=$3
	deb_path=$(cached_deb "$pkg")
	[ -z "$deb_path" ] || return 0
	set_apt_opts "$arch" "$suite"
	[ -n "$apt_err" ] || { apt_err=$(mktemp); trap 'rm -f "$apt_err"' EXIT; }
	if [ ${#apt_opts[@]} -eq 0 ]; then
		fetch_deb "$pkg" # the machine's own suite and architecture
		return 0
	fi
	apt_download "${apt_opts[@]}" "$pkg" ||
		die "cannot fetch package '$pkg' ($suite/$arch): $(tail -n2 "$apt_err")"
	deb_path=$(cached_deb "$pkg")
	[ -n "$deb_path" ] || die "cannot fetch package '$pkg': apt-get download left no .deb"
}

# Only the vmlinux member of the package, into CACHE/dbg/vmlinux-RELEASE.
extract_vmlinux() {
	local pkg=$1 deb=$2 rel out tmp
	rel=$(pkg_release "$pkg")
	out="$cache/dbg/vmlinux-$rel"
	if [ -s "$out" ] && [ "$out" -nt "$deb" ]; then
		printf '%s\t%s\n' "$rel" "$out"
		return 0
	fi
	tmp=$(mktemp -d "$cache/dbg/.x.XXXXXX")
	if ! dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$tmp" "./usr/lib/debug/boot/vmlinux-$rel" 2>/dev/null; then
		rm -rf "$tmp"
		die "package '$pkg': no usr/lib/debug/boot/vmlinux-$rel in $deb"
	fi
	mv -f "$tmp/usr/lib/debug/boot/vmlinux-$rel" "$out"
	touch "$out" # newer than the .deb: extracted once
	rm -rf "$tmp"
	printf '%s\t%s\n' "$rel" "$out"
}

cmd_dbg() {
	local pkg arch suite
	while [ $# -gt 0 ]; do
		case $1 in
		--cache) [ $# -ge 2 ] || die "--cache needs a directory"; cache=$2; shift 2 ;;
		--cache=*) cache=${1#--cache=}; shift ;;
		-h|--help) usage; exit 0 ;;
		*) die "unknown argument '$1'" ;;
		esac
	done
	mkdir -p "$cache/debs" "$cache/dbg"
	while read -r pkg arch suite; do
		[ -n "$pkg" ] || continue
		[ -n "$suite" ] || die "tools/corpus-dbg.list: '$pkg' needs an architecture and a suite"
		fetch_dbg_deb "$pkg" "$arch" "$suite"
		extract_vmlinux "$pkg" "$deb_path"
	done < <(sed -e 's/#.*//' "$top/tools/corpus-dbg.list" | grep -v '^[[:space:]]*$')
}

case ${1:-} in
fetch) shift; cmd_fetch "$@" ;;
dbg) shift; cmd_dbg "$@" ;;
list) shift; cmd_list "$@" ;;
-h|--help|help) usage ;;
*) usage >&2; exit 2 ;;
esac
