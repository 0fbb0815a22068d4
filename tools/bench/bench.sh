#!/usr/bin/env bash
# tools/bench/bench.sh: the one benchmark command (tools/dev.sh bench).
#
#   tools/bench/bench.sh [--quick] [--build DIR] [--clock cpu|wall] [--no-dwarf]
#                        [--dwarf-runs N] [--only N,...]
#
# Builds a Release tree (default build-bench/), generates its inputs there
# (bench/: scaling objects, a minimized and a merged target), fetches the
# corpus if missing, runs every pair of engines alternately after a warm-up
# and prints one table of medians, ratios (anchor / userize: above 1 means
# userize takes less) and peak RSS. Writes the same as DIR/bench.json, the
# scaling series as DIR/bench-scaling.tsv and a plot of them as
# DIR/bench-scaling.png. Sections (docs/performance.md says what each row
# measures):
#   1 CO-RE resolution of core_bench.o (102 records), userize vs libbpf, on
#     the running kernel and every corpus kernel; whole process `userize
#     reloc` vs `bpftool gen min_core_btf` vs a libbpf loader
#   2 target loading, uz_target_load vs btf__parse, in-process and fresh
#   3 the matrix: all samples over the whole corpus
#   4 DWARF vs pahole -J; btfgen and the archive vs bpftool + xz
#   5 scaling: resolution vs relocation count and vs target size
# --quick: fewer rounds (about a third of the time). --clock: in-process
# windows as this thread's CPU time (default; the machine may be shared) or
# wall time; whole processes always report both. --only 1,5: those
# sections only. --no-dwarf: section 4 without the DWARF rows;
# --dwarf-runs N: runs of each DWARF pair (default 1, after the file is read
# into the page cache). Needs root (libbpf probes
# the kernel before it relocates). Not a test: nothing is asserted, but the
# engines' results are compared in every round (uz-bench-core,
# uz-bench-matrix) and a difference stops the run.
set -Eeuo pipefail
trap 'echo "bench: stopped at line $LINENO: $BASH_COMMAND" >&2' ERR
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top"
cache=${UZ_CACHE:-$HOME/.cache/userize}
build=build-bench
quick=0
D=1
clock=cpu
dwarf=1
only=",1,2,3,4,5,"
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; shift ;;
	--build) build=$2; shift 2 ;;
	--clock) clock=$2; shift 2 ;;
	--no-dwarf) dwarf=0; shift ;;
	--only) only=",$2,"; shift 2 ;;
	--dwarf-runs) D=$2; shift 2 ;;
	-h|--help) sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
want() { [[ $only == *",$1,"* ]]; }
case $clock in cpu|wall) ;; *) echo "bench: --clock cpu or wall" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "bench: needs root (libbpf probes the kernel before relocating); run it with sudo" >&2; exit 2; }
for t in /usr/bin/time bpftool pahole xz jq clang-19 gnuplot; do
	command -v "$t" >/dev/null || { echo "bench: $t is missing (tools/dev.sh deps installs it)" >&2; exit 2; }
done
export UZ_BENCH_CLOCK=$clock
if [ $quick = 1 ]; then R=7 W=5 G=3 L=3; else R=21 W=11 G=5 L=5; fi
# R: in-process rounds; W: whole-process runs per command; G: btfgen runs
# (each is a process per kernel); D: DWARF runs (--dwarf-runs; one pahole
# run of a 600 MB vmlinux is half a minute here); L: load processes per
# engine (section 2).
running=/sys/kernel/btf/vmlinux

echo "bench: building $build (Release)" >&2
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
nice cmake --build "$build" -j2 >/dev/null
b=$top/$build
bb=$b/tools/bench
uz=$b/userize
in=$b/bench
mkdir -p "$in"

shopt -s nullglob
corpus=("$cache"/btf/*.btf)
if [ ${#corpus[@]} -eq 0 ]; then
	tools/corpus.sh fetch --userize "$uz" >&2
	corpus=("$cache"/btf/*.btf)
fi
[ ${#corpus[@]} -gt 0 ] || { echo "bench: no corpus kernels in $cache/btf" >&2; exit 1; }
dbgs=()
if [ $dwarf = 1 ]; then
	for f in "$cache"/dbg/vmlinux-*; do [[ $f == *.btf ]] || dbgs+=("$f"); done
	if [ ${#dbgs[@]} -eq 0 ]; then
		tools/corpus.sh dbg >&2
		for f in "$cache"/dbg/vmlinux-*; do [[ $f == *.btf ]] || dbgs+=("$f"); done
	fi
	[ ${#dbgs[@]} -gt 0 ] || { echo "bench: no debug vmlinux in $cache/dbg (tools/corpus.sh dbg)" >&2; exit 1; }
fi
samples=()
for s in dropmon iolatency lo_filter proctop writesize; do samples+=("$b/samples/$s.o"); done
core=$bb/core_bench.o

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rows=$tmp/rows.tsv
series=$b/bench-scaling.tsv
: > "$rows"
printf 'series\tx\tlabel\tuserize_ms\tlibbpf_ms\n' > "$series"

# row SECTION NAME UNIT USERIZE ANCHOR_NAME ANCHOR UZ_RSS_KB ANCHOR_RSS_KB [NOTE]
# (fields separated by \x1f: a field may be empty, and read collapses tabs)
S=$'\x1f'
# [USERIZE_ELAPSED_MS ANCHOR_ELAPSED_MS] (whole processes, when the time
# columns are CPU time)
row() { printf "%s$S%s$S%s$S%s$S%s$S%s$S%s$S%s$S%s$S%s$S%s\n" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "${9:-}" "${10:-}" "${11:-}" >> "$rows"; }
f1() { awk -v v="$1" 'BEGIN { printf "%.1f", v }'; }
mb() { if [ -n "$1" ]; then awk -v v="$1" 'BEGIN { printf "%.1f", v / 1024 }'; else printf -- '-'; fi; }
median() { sort -g | awk '{a[NR]=$1} END {if (!NR) exit 1; print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
maxof() { sort -g | tail -n1; }
# whole NAME CMD...: one run; appends "elapsed_ms cpu_ms maxrss_kB" to $tmp/w.NAME
whole() {
	local name=$1; shift
	"$bb/uz-bench-run" "$tmp/w.$name" -- "$@" 2>"$tmp/err" ||
		{ echo "bench: $name failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
}
# col NAME N: median of column N of $tmp/w.NAME (1 elapsed, 2 cpu, 3 rss)
col() { cut -d' ' -f"$2" "$tmp/w.$1" | median; }
colmax() { cut -d' ' -f"$2" "$tmp/w.$1" | maxof; }
# alternate RUNS NAME1 'CMD1' NAME2 'CMD2' ...: one warm-up of each, then
# RUNS rounds, the starting command rotating every round.
alternate() {
	local runs=$1; shift
	local -a names=() cmds=()
	while [ $# -gt 0 ]; do names+=("$1"); cmds+=("$2"); shift 2; done
	local n=${#names[@]} i j k
	for ((j = 0; j < n; j++)); do
		rm -f "$tmp/w.${names[j]}"
		[ "${NOWARM:-0}" = 1 ] || whole "${names[j]}" bash -c "${cmds[j]}"
		rm -f "$tmp/w.${names[j]}"
	done
	for ((i = 0; i < runs; i++)); do
		for ((j = 0; j < n; j++)); do
			k=$(((i + j) % n))
			whole "${names[k]}" bash -c "${cmds[k]}"
		done
	done
}
# timecol: the column of whole() that matches --clock
if [ "$clock" = cpu ]; then tc=2; else tc=1; fi

# ---- inputs ------------------------------------------------------------
echo "bench: generating inputs in $in" >&2
if [ ! -s "$in/vmlinux.h" ]; then
	bpftool btf dump file "$running" format c > "$in/vmlinux.h.tmp"
	mv "$in/vmlinux.h.tmp" "$in/vmlinux.h"
fi
# Scaling objects: N records; chunks of at most 1,000 records are compiled
# apart (clang is superlinear in the records of one file) and linked.
gen_obj() {
	local n=$1 out=$in/relocs-$1.o parts=() first=0 c pids=()
	[ -s "$out" ] && return 0
	while [ $first -lt "$n" ]; do
		c=$((n - first < 1000 ? n - first : 1000))
		tools/bench/gen_relocs.sh "$c" "$running" "$in/relocs-$n.$first.c" "$first"
		parts+=("$in/relocs-$n.$first.o")
		first=$((first + c))
	done
	for p in "${parts[@]}"; do
		while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
		clang-19 -g -O2 -target bpf -I"$in" -I/usr/include/"$(gcc -print-multiarch)" \
			-c "${p%.o}.c" -o "$p" &
	done
	wait
	if [ ${#parts[@]} -eq 1 ]; then mv "${parts[0]}" "$out.tmp"; else bpftool gen object "$out.tmp" "${parts[@]}"; fi
	mv "$out.tmp" "$out"
	rm -f "${parts[@]}"
}
for n in 10 100 1000 10000; do gen_obj $n; done
# Target sizes: core_bench.o's minimized BTF, a vmlinux, the same vmlinux
# merged with every module's BTF. The running kernel's modules are used
# when /sys/kernel/btf has any; else (a kernel without modules, as a VM
# kernel often is) a corpus kernel and the modules of its package.
mods=()
for m in /sys/kernel/btf/*; do [ "$m" = "$running" ] || mods+=("$m"); done
if [ ${#mods[@]} -gt 0 ]; then
	sizek=$running
else
	sizek=$cache/btf/6.1.0-56-amd64.btf
	[ -f "$sizek" ] || sizek=${corpus[0]}
	rel=$(basename "$sizek" .btf)
	if [ ! -d "$in/mods-$rel" ]; then
		deb=("$cache"/debs/linux-image-"$rel"-unsigned_*.deb "$cache"/debs/linux-image-"$rel"_*.deb)
		[ ${#deb[@]} -gt 0 ] || { echo "bench: no package of $rel in $cache/debs for its modules" >&2; exit 1; }
		rm -rf "$in/mods.tmp" && mkdir -p "$in/mods.tmp"
		dpkg-deb --fsys-tarfile "${deb[0]}" | tar -x -C "$in/mods.tmp" --wildcards '*.ko'
		mv "$in/mods.tmp" "$in/mods-$rel"
	fi
	mapfile -t mods < <(find "$in/mods-$rel" -name '*.ko' | sort)
fi
rm -rf "$in/min"
"$uz" btfgen "$core" --targets "$sizek" -o "$in/min" >/dev/null
mins=("$in"/min/*.btf)
read -r alltypes nmods nobtf < <("$bb/uz-bench-btfmerge" "$in/all.btf" "$sizek" "${mods[@]}")
[ "$nmods" -gt 0 ] || { echo "bench: none of the ${#mods[@]} modules has BTF" >&2; exit 1; }

# ---- 1. CO-RE resolution ------------------------------------------------
sec1() {
	echo "bench: [${SECONDS}s] 1 CO-RE resolution" >&2
	: > "$tmp/core.tsv"
	for t in "$running" "${corpus[@]}"; do
		"$bb/uz-bench-core" --rounds $R --target "$t" --tsv "$tmp/core.tsv" >/dev/null
	done
	while IFS=$'\t' read -r tgt types recs lbp lbc uzl uzr rlb ruz rbase ltypes; do
		name=$(basename "$tgt" .btf)
		row 1 "$recs records vs $name ($types types): uz_object_relocate vs libbpf CO-RE" ms "$uzr" "libbpf CO-RE" "$lbc" "$ruz" "$rlb" \
			"peak RSS: fresh child, load + relocate (empty child $(mb "$rbase") MB)"
	done < "$tmp/core.tsv"
	alternate $W uzreloc "'$uz' reloc '$core' --target '$running' -o /dev/null" \
		bpftool "bpftool gen min_core_btf '$running' '$tmp/min.btf' '$core'" \
		lbreloc "'$bb/uz-bench-lbreloc' '$core' '$running'"
	row 1 "whole process: userize reloc vs bpftool gen min_core_btf (running kernel)" ms "$(col uzreloc $tc)" \
		"bpftool gen min_core_btf" "$(col bpftool $tc)" "$(col uzreloc 3)" "$(col bpftool 3)" \
		"elapsed: userize $(f1 "$(col uzreloc 1)") ms, bpftool $(f1 "$(col bpftool 1)") ms" "$(col uzreloc 1)" "$(col bpftool 1)"
	row 1 "whole process: userize reloc vs a libbpf loader (open, load up to BPF_PROG_LOAD)" ms "$(col uzreloc $tc)" \
		"libbpf loader" "$(col lbreloc $tc)" "$(col uzreloc 3)" "$(col lbreloc 3)" \
		"elapsed: libbpf loader $(f1 "$(col lbreloc 1)") ms" "$(col uzreloc 1)" "$(col lbreloc 1)"
}
want 1 && sec1

# ---- 2. target loading --------------------------------------------------
sec2() {
	echo "bench: [${SECONDS}s] 2 target loading" >&2
	: > "$tmp/l.userize"; : > "$tmp/l.libbpf"; : > "$tmp/f.userize"; : > "$tmp/f.libbpf"; : > "$tmp/f.none"
	for e in userize libbpf none; do "$bb/uz-bench-load" $e "$running" 3 >/dev/null; done
	for ((i = 0; i < L; i++)); do
		for e in userize libbpf; do "$bb/uz-bench-load" $e "$running" $R >> "$tmp/l.$e"; done
	done
	for ((i = 0; i < W; i++)); do
		for e in userize libbpf none; do
			if [ $((i % 2)) = 1 ] && [ $e != none ]; then e=$([ $e = userize ] && echo libbpf || echo userize); fi
			"$bb/uz-bench-load" $e "$running" 1 >> "$tmp/f.$e"
		done
	done
	lm() { cut -d' ' -f"$2" "$1" | median; }
	types=$(cut -d' ' -f4 "$tmp/l.userize" | sed -n 1p)
	floor=$(mb "$(lm "$tmp/f.none" 3)")
	row 2 "in-process, warm heap, vmlinux ($types types): uz_target_load vs btf__parse" ms \
		"$(lm "$tmp/l.userize" 2)" "btf__parse" "$(lm "$tmp/l.libbpf" 2)" "$(lm "$tmp/l.userize" 3)" "$(lm "$tmp/l.libbpf" 3)" \
		"goal <= 1 ms and less memory than libbpf; RSS: process peak, empty process $floor MB"
	row 2 "fresh process, first load, vmlinux ($types types): uz_target_load vs btf__parse" ms \
		"$(lm "$tmp/f.userize" 1)" "btf__parse" "$(lm "$tmp/f.libbpf" 1)" "$(lm "$tmp/f.userize" 3)" "$(lm "$tmp/f.libbpf" 3)" \
		"RSS: process peak, empty process $floor MB"
}
want 2 && sec2

# ---- 3. matrix ----------------------------------------------------------
sec3() {
	echo "bench: [${SECONDS}s] 3 matrix" >&2
	: > "$tmp/matrix.tsv"
	"$bb/uz-bench-matrix" --rounds $((R / 3 > 3 ? R / 3 : 3)) --no-tools --tsv "$tmp/matrix.tsv" >/dev/null
	read -r rss_uz rss_lb < <(awk -F'\t' '$1 == "rss" {print $2, $3}' "$tmp/matrix.tsv")
	while IFS=$'\t' read -r kind name ktypes uzl uzr lbp lbc lbl; do
		case $kind in
		kernel)
			row 3 "5 samples vs $name ($ktypes types): load + relocate vs parse + CO-RE" ms \
				"$(echo "$uzl + $uzr" | bc -l)" "libbpf parse + CO-RE" "$(echo "$lbp + $lbc" | bc -l)" "" "" \
				"libbpf open + load per object: $(f1 "$lbl") ms" ;;
		total)
			row 3 "5 samples vs all kernels (median of per-round sums)" ms \
				"$(echo "$uzl + $uzr" | bc -l)" "libbpf parse + CO-RE" "$(echo "$lbp + $lbc" | bc -l)" "$rss_uz" "$rss_lb" \
				"RSS: one in-process pass in a fresh child; libbpf open + load per object: $(f1 "$lbl") ms" ;;
		cli)
			row 3 "whole process: userize matrix 5 samples --targets all kernels" ms "$name" "" "" "$ktypes" "" \
				"goal < 1 s; userize matrix --fields: $(f1 "$uzl") ms, $(mb "$uzr") MB" ;;
		esac
	done < "$tmp/matrix.tsv"
}
want 3 && sec3

# ---- 4. DWARF, btfgen, archive ------------------------------------------
sec4() {
	echo "bench: [${SECONDS}s] 4 DWARF, btfgen, archive" >&2
	for vm in "${dbgs[@]}"; do
		sub=""
		if [ "$(od -An -tx1 -j5 -N1 "$vm" | tr -d ' ')" = 02 ]; then sub=bpfeb/; fi
		objs=""
		for s in dropmon iolatency lo_filter proctop writesize; do objs+=" '$b/samples/$sub$s.o'"; done
		cat "$vm" > /dev/null	# the warm-up: page cache (a whole run is seconds)
		name=$(basename "$vm")
		rm -f "$tmp/pahole.btf"
		NOWARM=1 alternate $D uzdwarf "'$uz' matrix --target-format dwarf --json $objs --targets '$vm'" \
			pahole "pahole -J --btf_encode_detached='$tmp/pahole.btf' '$vm'"
		row 4 "DWARF $name ($(($(stat -c %s "$vm") >> 20)) MB): userize matrix 5 samples vs pahole -J" ms \
			"$(col uzdwarf $tc)" "pahole -J" "$(col pahole $tc)" "$(col uzdwarf 3)" "$(col pahole 3)" \
			"elapsed: userize $(f1 "$(col uzdwarf 1)") ms, pahole $(f1 "$(col pahole 1)") ms; pahole wrote $(stat -c %s "$tmp/pahole.btf" 2>/dev/null || echo no) B" \
			"$(col uzdwarf 1)" "$(col pahole 1)"
		# btfgen from DWARF for x86_64 files (core_bench.o is a 64-bit
		# little-endian object): userize alone against pahole -J (the run
		# above) + bpftool gen min_core_btf of its output.
		[ "$(od -An -tx2 -j18 -N2 "$vm" | tr -d ' ')" = 003e ] || continue
		[ -s "$tmp/pahole.btf" ] || continue
		NOWARM=1 alternate $D uzdg "rm -rf '$tmp/dg' && '$uz' btfgen --target-format dwarf '$core' --targets '$vm' -o '$tmp/dg'" \
			btp "bpftool gen min_core_btf '$tmp/pahole.btf' '$tmp/btp.btf' '$core'"
		local pt pr br
		pt=$(echo "$(col pahole $tc) + $(col btp $tc)" | bc -l)
		pr=$(col pahole 3); br=$(col btp 3); [ "$br" -le "$pr" ] || pr=$br
		row 4 "btfgen from DWARF $name: userize vs pahole -J + bpftool" ms \
			"$(col uzdg $tc)" "pahole -J + bpftool" "$pt" "$(col uzdg 3)" "$pr" \
			"elapsed: userize $(f1 "$(col uzdg 1)") ms, pahole + bpftool $(f1 "$(echo "$(col pahole 1) + $(col btp 1)" | bc -l)") ms" \
			"$(col uzdg 1)" "$(echo "$(col pahole 1) + $(col btp 1)" | bc -l)"
		row 4 "btfgen from DWARF $name: bytes written" B "$(cat "$tmp"/dg/*.btf | wc -c)" "pahole -J + bpftool" \
			"$(stat -c %s "$tmp/btp.btf")" "" ""
	done
	# btfgen of the plain CO-RE object over every kernel: one userize process
	# against one bpftool process per kernel.
	kernels=("$running" "${corpus[@]}")
	bt_loop="for k in ${kernels[*]}; do bpftool gen min_core_btf \$k '$tmp/bt/'\$(basename \$k .btf).btf '$core' || exit 1; done"
	mkdir -p "$tmp/bt"
	alternate $G uzgen "rm -rf '$tmp/uzgen' && '$uz' btfgen '$core' --targets ${kernels[*]} -o '$tmp/uzgen'" \
		btgen "$bt_loop"
	uzb=$(cat "$tmp"/uzgen/*.btf | wc -c); btb=$(cat "$tmp"/bt/*.btf | wc -c)
	row 4 "btfgen core_bench.o x ${#kernels[@]} kernels: userize btfgen vs bpftool per kernel" ms \
		"$(col uzgen $tc)" "bpftool gen min_core_btf" "$(col btgen $tc)" "$(col uzgen 3)" "$(colmax btgen 3)" \
		"elapsed: userize $(f1 "$(col uzgen 1)") ms, bpftool $(f1 "$(col btgen 1)") ms; bpftool RSS: the largest run" \
		"$(col uzgen 1)" "$(col btgen 1)"
	row 4 "btfgen core_bench.o x ${#kernels[@]} kernels: bytes written" B "$uzb" "bpftool gen min_core_btf" "$btb" "" ""
	alternate $G uzar "'$uz' btfgen '$core' --targets ${kernels[*]} --archive '$tmp/a.uzar'" \
		btxz "$bt_loop && tar -C '$tmp/bt' -cf - . | xz -9 > '$tmp/bt.tar.xz'"
	row 4 "archive core_bench.o x ${#kernels[@]} kernels: btfgen --archive vs bpftool + tar | xz -9" ms \
		"$(col uzar $tc)" "bpftool + tar | xz -9" "$(col btxz $tc)" "$(col uzar 3)" "$(colmax btxz 3)" \
		"elapsed: userize $(f1 "$(col uzar 1)") ms, bpftool + xz $(f1 "$(col btxz 1)") ms" "$(col uzar 1)" "$(col btxz 1)"
	row 4 "archive core_bench.o x ${#kernels[@]} kernels: bytes" B "$(stat -c %s "$tmp/a.uzar")" "bpftool + tar | xz -9" \
		"$(stat -c %s "$tmp/bt.tar.xz")" "" ""
}
want 4 && sec4

# ---- 5. scaling ---------------------------------------------------------
sec5() {
	echo "bench: [${SECONDS}s] 5 scaling" >&2
	: > "$tmp/scale.tsv"
	for n in 10 100 1000 10000; do
		r=$R
		[ $n -ge 10000 ] && r=$((R / 4 > 3 ? R / 4 : 3))
		[ $n -eq 1000 ] && r=$((R / 2 > 3 ? R / 2 : 3))
		"$bb/uz-bench-core" --rounds $r --object "$in/relocs-$n.o" --target "$running" --tsv "$tmp/scale.tsv" >/dev/null
	done
	while IFS=$'\t' read -r tgt types recs lbp lbc uzl uzr rlb ruz rbase ltypes; do
		printf 'relocations\t%s\t%s records, %s local types\t%s\t%s\n' "$recs" "$recs" "$ltypes" "$uzr" "$lbc" >> "$series"
		row 5 "$recs records ($ltypes local types) vs running kernel" ms "$uzr" "libbpf CO-RE" "$lbc" "$ruz" "$rlb" \
			"peak RSS: fresh child"
	done < "$tmp/scale.tsv"
	: > "$tmp/scale.tsv"
	for t in "${mins[0]}" "$sizek" "$in/all.btf"; do
		r=$R
		[ "$t" = "$in/all.btf" ] && r=$((R / 4 > 3 ? R / 4 : 3))	# a second a round
		"$bb/uz-bench-core" --rounds $r --target "$t" --tsv "$tmp/scale.tsv" >/dev/null
	done
	i=0
	sname=$(basename "$sizek" .btf)
	for label in "minimized BTF of $sname" "vmlinux $sname" "vmlinux $sname + $nmods modules"; do
		i=$((i + 1))
		IFS=$'\t' read -r tgt types recs lbp lbc uzl uzr rlb ruz rbase ltypes < <(sed -n ${i}p "$tmp/scale.tsv")
		printf 'target\t%s\t%s\t%s\t%s\n' "$types" "$label" "$uzr" "$lbc" >> "$series"
		row 5 "102 records vs $label ($types types)" ms "$uzr" "libbpf CO-RE" "$lbc" "$ruz" "$rlb" \
			"load: uz_target_load $(f1 "$uzl") ms, btf__parse $(f1 "$lbp") ms"
	done
}
want 5 && sec5

# ---- report -------------------------------------------------------------
cpu=$(lscpu | sed -n 's/^Model name: *//p' | sed -n 1p)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
ver_libbpf=$(dpkg-query -W -f='${Version}\n' "libbpf1:$(dpkg --print-architecture)" 2>/dev/null || echo unknown)
ver_bpftool=$(bpftool version 2>/dev/null | sed -n 1p)
ver_pahole=$(pahole --version)
ver_clang=$(clang-19 --version | sed -n 1p)
load=$(cut -d' ' -f1-3 /proc/loadavg)
png=$b/bench-scaling.png
jq -R -s --arg cpu "$cpu" --arg cores "$(nproc)" --arg mem "$mem" --arg kernel "$(uname -r)" \
	--arg libbpf "$ver_libbpf" --arg bpftool "$ver_bpftool" --arg pahole "$ver_pahole" --arg clang "$ver_clang" \
	--arg clock "$clock" --arg quick "$quick" --arg load "$load" --arg date "$(date -u +%FT%TZ)" \
	--arg rounds "$R" --arg runs "$W" --arg png "$png" --rawfile series "$series" '
	def num: if . == "" then null else tonumber end;
	{ date: $date, machine: { cpu: $cpu, cores: ($cores | tonumber), memory: $mem, kernel: $kernel,
	    loadavg_at_end: $load },
	  versions: { libbpf: $libbpf, bpftool: $bpftool, pahole: $pahole, clang: $clang },
	  settings: { clock: $clock, quick: ($quick == "1"), rounds: ($rounds | tonumber),
	    whole_process_runs: ($runs | tonumber),
	    ratio: "anchor / userize; above 1 means userize takes less time, memory or bytes" },
	  rows: [ split("\n")[] | select(length > 0) | split("\u001f") |
	    { section: (.[0] | tonumber), name: .[1], unit: .[2], userize: (.[3] | num),
	      anchor: .[4], anchor_value: (.[5] | num),
	      ratio: (if .[3] != "" and .[5] != "" and (.[3] | tonumber) > 0
	              then ((.[5] | tonumber) / (.[3] | tonumber)) else null end),
	      userize_peak_rss_kb: (.[6] | num), anchor_peak_rss_kb: (.[7] | num), note: .[8],
	      userize_elapsed_ms: (.[9] | num), anchor_elapsed_ms: (.[10] | num) } ],
	  series: [ $series | split("\n")[1:][] | select(length > 0) | split("\t") |
	    { series: .[0], x: (.[1] | tonumber), label: .[2], userize_ms: (.[3] | tonumber),
	      libbpf_ms: (.[4] | tonumber) } ],
	  plot: $png }' "$rows" > "$b/bench.json.tmp"
mv "$b/bench.json.tmp" "$b/bench.json"

# The plot: resolution time against records and against target types.
awk -F'\t' '$1 == "relocations"' "$series" > "$tmp/s1"
awk -F'\t' '$1 == "target"' "$series" > "$tmp/s2"
[ -s "$tmp/s1" ] || [ -s "$tmp/s2" ] || png="(none: section 5 not run)"
[ ! -s "$tmp/s1" ] && [ ! -s "$tmp/s2" ] || gnuplot <<EOF
set terminal png size 1200,500 noenhanced
set output '$png'
set datafile separator '\t'
set multiplot layout 1,2 title 'CO-RE resolution time ($clock clock, medians)'
set logscale xy
set grid
set key top left
set xlabel 'CO-RE records (running kernel)'
set ylabel 'ms'
plot '$tmp/s1' using 2:4 with linespoints title 'userize uz_object_relocate', \
     '$tmp/s1' using 2:5 with linespoints title 'libbpf CO-RE'
set xlabel 'target types (minimized, vmlinux, + modules; 102 records)'
plot '$tmp/s2' using 2:4 with linespoints title 'userize uz_object_relocate', \
     '$tmp/s2' using 2:5 with linespoints title 'libbpf CO-RE'
unset multiplot
EOF

fmt_v() { # value unit
	case $2 in
	B) printf '%s B' "$1" ;;
	*) awk -v v="$1" 'BEGIN { if (v >= 100) printf "%.0f ms", v; else if (v >= 1) printf "%.2f ms", v; else printf "%.3f ms", v }' ;;
	esac
}
echo "userize benchmark: $(uname -r), $cpu, $(nproc) cores, $mem; load average $load"
echo "libbpf $ver_libbpf, $ver_bpftool, $ver_pahole, $ver_clang"
echo "clock: $clock (in-process windows$([ $clock = cpu ] && echo ': thread CPU time; whole processes: user + system')), medians; ratio = anchor / userize (> 1: userize takes less)"
titles=("" "1 CO-RE resolution of core_bench.o, userize vs libbpf" "2 target loading" \
	"3 matrix: userize uz_target_load + uz_object_relocate vs libbpf btf__parse + CO-RE" \
	"4 DWARF vs pahole; btfgen and archive vs bpftool (+ xz)" \
	"5 scaling: uz_object_relocate vs libbpf CO-RE")
printf '%-3s %-84s %10s %10s %9s %7s %7s\n' "" "measurement" "userize" "anchor" "ratio" "uz MB" "anc. MB"
last=""
while IFS=$S read -r sec name unit u an a ru ra note ue ae; do
	[ "$sec" = "$last" ] || echo "== ${titles[sec]}"
	last=$sec
	ratio=-
	if [ -n "$u" ] && [ -n "$a" ]; then ratio=$(awk -v u="$u" -v a="$a" 'BEGIN { if (u > 0) printf "%.2fx", a / u; else print "-" }'); fi
	printf '%-3s %-84s %10s %10s %9s %7s %7s\n' "$sec" "$name" "$(fmt_v "$u" "$unit")" \
		"$([ -n "$a" ] && fmt_v "$a" "$unit" || echo -)" "$ratio" "$(mb "$ru")" "$(mb "$ra")"
	[ -z "$note" ] || printf '%-3s   %s\n' "" "$note"
done < "$rows"
echo
echo "series (also $series):"
column -t -s $'\t' "$series" | sed 's/^/  /'
echo
echo "JSON: $b/bench.json   plot: $png"
