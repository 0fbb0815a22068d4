#!/usr/bin/env bash
# tools/vm/interim_btf.sh: INTERIM type source for the vm tier's guests whose
# kernel has no BTF (s390x 6.1, i386 6.1), until userize reads DWARF itself
# and its btfgen archive is embedded in the guest loader. Prints the path of
# a raw BTF file made by dwarves' `pahole --btf_encode_detached` from the
# kernel's own -dbg package (the vmlinux DWARF), made at test time only and
# cached:
#   $UZ_CACHE/debs/linux-image-RELEASE-dbg_*_ARCH.deb     (apt-get download)
#   $UZ_CACHE/dbg/usr/lib/debug/boot/vmlinux-RELEASE     (dpkg-deb | tar)
#   $UZ_CACHE/interim-btf/RELEASE.btf                    (pahole)
# The guest loader is then given that file (uz-vmcheck --target), so the
# path from "a file in the guest" to the relocation is the same one the
# archive will use; only where the BTF comes from is interim.
#
#   tools/vm/interim_btf.sh RELEASE ARCH     e.g. 6.1.0-50-s390x s390x
set -euo pipefail
prog=interim_btf.sh
cache=${UZ_CACHE:-$HOME/.cache/userize}

die() {
	echo "$prog: $*" >&2
	exit 2
}

[ $# -eq 2 ] || { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
rel=$1 arch=$2
[[ $rel =~ ^[A-Za-z0-9._+~-]+$ ]] || die "odd release '$rel'"
[[ $arch =~ ^[a-z0-9]+$ ]] || die "odd architecture '$arch'"
command -v pahole >/dev/null || die "pahole is needed (Debian package dwarves)"

out=$cache/interim-btf/$rel.btf
vmlinux=$cache/dbg/usr/lib/debug/boot/vmlinux-$rel
pkg=linux-image-$rel-dbg

if [ -s "$out" ] && [ "$out" -nt "$vmlinux" ]; then
	echo "$out"
	exit 0
fi

if [ ! -s "$vmlinux" ]; then
	deb=""
	for f in "$cache/debs/${pkg}"_*_"$arch".deb; do [ -f "$f" ] && deb=$f; done
	if [ -z "$deb" ]; then
		mkdir -p "$cache/debs"
		d=$(mktemp -d "$cache/debs/.fetch.XXXXXX")
		echo "$prog: apt-get download $pkg:$arch" >&2
		(cd "$d" && apt-get download -q "$pkg:$arch") >"$d/log" 2>&1 ||
			{ cat "$d/log" >&2; rm -rf "$d"; die "cannot fetch $pkg:$arch"; }
		for f in "$d"/*.deb; do mv -f "$f" "$cache/debs/" && deb=$cache/debs/${f##*/}; done
		rm -rf "$d"
	fi
	[ -n "$deb" ] || die "no $pkg package"
	echo "$prog: extracting vmlinux-$rel from ${deb##*/}" >&2
	mkdir -p "$cache/dbg"
	t=$(mktemp -d "$cache/dbg/.x.XXXXXX")
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$t" "./usr/lib/debug/boot/vmlinux-$rel" ||
		{ rm -rf "$t"; die "cannot extract vmlinux-$rel from $deb"; }
	mkdir -p "$(dirname "$vmlinux")"
	mv -f "$t/usr/lib/debug/boot/vmlinux-$rel" "$vmlinux"
	rm -rf "$t"
fi

mkdir -p "$cache/interim-btf"
echo "$prog: pahole --btf_encode_detached from $vmlinux (interim: no userize DWARF reader yet)" >&2
pahole --btf_encode_detached="$out.tmp" "$vmlinux" >&2 || { rm -f "$out.tmp"; die "pahole failed on $vmlinux"; }
[ -s "$out.tmp" ] || { rm -f "$out.tmp"; die "pahole wrote no BTF for $vmlinux"; }
mv -f "$out.tmp" "$out"
echo "$out"
