#!/usr/bin/env bash
# tools/bench/dwarf_bench.sh: relocating from DWARF vs converting it with pahole.
#
#   tools/bench/dwarf_bench.sh [--runs N] [--build DIR] [VMLINUX]
#
# Whole processes, alternating, N runs each (default 5): `userize matrix`
# relocating all sample objects (the bpfeb builds for a big-endian file)
# against VMLINUX read from its DWARF, then `pahole -J` making BTF of the
# same file (what a loader needs before it can relocate at all). Elapsed
# time, CPU time (user + system: what the process itself cost, whatever
# else runs on the machine) and peak RSS come from /usr/bin/time; the
# medians and the ratios userize/pahole are printed. Also one `userize reloc` per sample (each
# process scans the file on its own). Default VMLINUX: the s390x -dbg file
# of the cache (tools/corpus.sh dbg). Not a test: nothing is asserted.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${UZ_CACHE:-$HOME/.cache/userize}
runs=5
build="$top/build"
vm=""
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	-h|--help) sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) vm=$1; shift ;;
	esac
done
vm=${vm:-$cache/dbg/vmlinux-6.1.0-50-s390x}
[ -f "$vm" ] || { echo "dwarf_bench: $vm missing (tools/corpus.sh dbg)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "dwarf_bench: /usr/bin/time (package time) is needed" >&2; exit 2; }
command -v pahole >/dev/null || { echo "dwarf_bench: pahole (dwarves) is needed" >&2; exit 2; }
uz="$build/userize"
sub=""
if [ "$(od -An -tx1 -j5 -N1 "$vm" | tr -d ' ')" = 02 ]; then sub=bpfeb/; fi
objs=()
for s in dropmon lo_filter writesize iolatency proctop; do
	objs+=("$build/samples/$sub$s.o")
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure NAME CMD...: append "seconds kB" to $tmp/NAME
measure() {
	local name=$1
	shift
	/usr/bin/time -f '%e %M %U %S' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" ||
		{ echo "dwarf_bench: $name failed:" >&2; cat "$tmp/err" >&2; exit 1; }
	tail -n1 "$tmp/t" | awk '{print $1, $2, $3 + $4}' >> "$tmp/$name"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

for ((i = 0; i < runs; i++)); do
	measure userize "$uz" matrix --target-format dwarf --json "${objs[@]}" --targets "$vm"
	measure pahole pahole -J --btf_encode_detached="$tmp/out.btf" "$vm"
	for o in "${objs[@]}"; do
		measure one "$uz" reloc "$o" --target "$vm" --target-format dwarf -o "$tmp/o.o"
	done
done
ut=$(cut -d' ' -f1 "$tmp/userize" | median); um=$(cut -d' ' -f2 "$tmp/userize" | median)
pt=$(cut -d' ' -f1 "$tmp/pahole" | median); pm=$(cut -d' ' -f2 "$tmp/pahole" | median)
uc=$(cut -d' ' -f3 "$tmp/userize" | median); pc=$(cut -d' ' -f3 "$tmp/pahole" | median)
ot=$(cut -d' ' -f1 "$tmp/one" | median); om=$(cut -d' ' -f2 "$tmp/one" | median)
oc=$(cut -d' ' -f3 "$tmp/one" | median)
echo "file: $vm ($(du -m "$vm" | cut -f1) MB), ${#objs[@]} sample objects, $runs alternating runs, medians"
printf '%-44s %9s %8s %14s\n' "" "elapsed s" "CPU s" "peak RSS (MB)"
printf '%-44s %9.2f %8.2f %14.1f\n' "userize matrix, all samples, one process" "$ut" "$uc" "$(echo "$um/1024" | bc -l)"
printf '%-44s %9.2f %8.2f %14.1f\n' "pahole -J (DWARF -> BTF, the whole file)" "$pt" "$pc" "$(echo "$pm/1024" | bc -l)"
printf '%-44s %9.2f %8.2f %14.1f\n' "userize reloc, one sample per process" "$ot" "$oc" "$(echo "$om/1024" | bc -l)"
printf 'ratio userize/pahole: elapsed %.3fx, CPU %.3fx, peak memory %.3fx (goal: <= 0.1x time, <= 0.25x memory)\n' \
	"$(echo "$ut/$pt" | bc -l)" "$(echo "$uc/$pc" | bc -l)" "$(echo "$um/$pm" | bc -l)"
