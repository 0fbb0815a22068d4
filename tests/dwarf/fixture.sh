#!/usr/bin/env bash
# tests/dwarf/fixture.sh: inputs of the DWARF target tests, cached.
#   - the debug vmlinux files (tools/corpus.sh dbg)
#   - for those without BTF, the BTF pahole -J makes of them
#     (CACHE/dbg/vmlinux-RELEASE.pahole.btf): a test-time cross-check only
#   - a stripped copy of the i386 vmlinux (no BTF, no DWARF)
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${UZ_CACHE:-$HOME/.cache/userize}

"$top/tools/corpus.sh" dbg --cache "$cache"
command -v pahole >/dev/null || { echo "fixture: pahole (dwarves) is not installed" >&2; exit 1; }
for rel in 6.1.0-50-s390x 6.1.0-56-686-pae; do
	vm="$cache/dbg/vmlinux-$rel"
	out="$vm.pahole.btf"
	if [ ! -s "$out" ] || [ "$vm" -nt "$out" ]; then
		pahole -J --btf_encode_detached="$out.tmp" "$vm" >/dev/null
		mv -f "$out.tmp" "$out"
	fi
	echo "$rel: $out"
done
vm="$cache/dbg/vmlinux-6.1.0-56-686-pae"
out="$cache/dbg/stripped-vmlinux-6.1.0-56-686-pae"
if [ ! -s "$out" ] || [ "$vm" -nt "$out" ]; then
	objcopy --strip-debug "$vm" "$out.tmp"
	mv -f "$out.tmp" "$out"
fi
echo "stripped: $out"
