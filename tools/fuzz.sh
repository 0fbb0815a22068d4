#!/usr/bin/env bash
# tools/fuzz.sh: build and run the libFuzzer harnesses of tests/fuzz/ (docs/fuzz.md).
#   tools/fuzz.sh build [--build DIR]              configure + build DIR (default build-fuzz), clang-19
#   tools/fuzz.sh list                             the harness names
#   tools/fuzz.sh run NAME [--time SECS] [--build DIR] [--smoke]
#                                                  fuzz NAME for SECS (default 600); exit 1 on any crash
#   tools/fuzz.sh all [--time SECS] [--build DIR]  every harness at once under nice -n 19, then a table
#   tools/fuzz.sh merge NAME [--build DIR]         minimize (-merge=1) the committed corpus plus what
#                                                  runs found into tests/fuzz/corpus/NAME (crash-* kept),
#                                                  then drop its largest inputs down to its byte budget
# A run's new inputs go to DIR/fuzz-work/NAME (the committed corpus is only read), crashes to
# DIR/fuzz-artifacts/NAME/, the log to DIR/fuzz-logs/NAME.log; --smoke uses a fresh work dir
# (log NAME.smoke.log).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
corpus=$top/tests/fuzz/corpus
names() { sed -n '/^set(UZ_FUZZ_HARNESSES/,/)/p' "$top/tests/fuzz/CMakeLists.txt" |
	sed 's/set(UZ_FUZZ_HARNESSES//; s/)//' | tr -s ' \n' '\n' | sed '/^$/d'; }

cmd=${1:-}; [ $# -gt 0 ] && shift
name=""
if [ "$cmd" = run ] || [ "$cmd" = merge ]; then
	name=${1:-}; [ $# -gt 0 ] && shift
	if ! names | grep -qx "$name"; then
		echo "fuzz.sh: unknown harness '$name'; one of: $(names | tr '\n' ' ')" >&2
		exit 2
	fi
fi
secs=600 build=$top/build-fuzz smoke=0
# Byte budget of each committed corpus (KiB; the whole tree stays under 3 MB):
# merge drops the largest inputs beyond it, never a crash-* input.
budget() { case $1 in object) echo 350 ;; reloc_object) echo 450 ;; dwarf) echo 250 ;;
	json) echo 150 ;; *) echo 300 ;; esac; }
while [ $# -gt 0 ]; do
	case $1 in
	--time) secs=$2; shift 2 ;;
	--build) build=$(cd "$2" 2>/dev/null && pwd || echo "$2"); shift 2 ;;
	--smoke) smoke=1; shift ;;
	*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

bin() {
	local b=$build/tests/fuzz/uz-fuzz-$1
	if [ ! -x "$b" ]; then
		echo "fuzz.sh: $b is missing: run tools/fuzz.sh build --build $build first" >&2
		exit 2
	fi
	echo "$b"
}

# The figures of a finished run, from libFuzzer's final output.
figures() {
	local log=$1
	awk -v n="$2" '
		/ cov: / { for (i = 1; i <= NF; i++) { if ($i == "cov:") c = $(i+1); if ($i == "ft:") f = $(i+1); if ($i == "corp:") k = $(i+1) } }
		/^stat::number_of_executed_units:/ { e = $2 }
		/^stat::average_exec_per_sec:/ { s = $2 }
		END { printf "| %-13s | %12s | %7s | %6s | %6s | %-12s |\n", n, e, s, c, f, k }' "$log"
}

run() {
	local n=$1 b work art log rc=0
	b=$(bin "$n")
	if [ ! -d "$corpus/$n" ] || [ -z "$(ls -A "$corpus/$n")" ]; then
		echo "fuzz.sh: corpus $corpus/$n is missing or empty" >&2
		exit 1
	fi
	art=$build/fuzz-artifacts/$n; log=$build/fuzz-logs/$n.log
	[ $smoke = 1 ] && log=$build/fuzz-logs/$n.smoke.log
	if [ $smoke = 1 ]; then
		work=$(mktemp -d "$build/fuzz-smoke-$n.XXXXXX")
	else
		work=$build/fuzz-work/$n
	fi
	mkdir -p "$work" "$art" "$(dirname "$log")"
	# -timeout: an input slower than this is a hang (generous: the runs
	# share two cores at nice 19); -rss_limit_mb: memory is a bug too.
	"$b" -max_total_time="$secs" -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$art/" "$work" "$corpus/$n" >"$log" 2>&1 || rc=$?
	[ $smoke = 1 ] && rm -rf "$work"
	if [ $rc != 0 ] || grep -q "ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:\|ERROR: libFuzzer" "$log"; then
		echo "FAIL: harness $n (exit $rc): log $log, inputs in $art/" >&2
		grep -m5 "ERROR\|runtime error\|Test unit written" "$log" >&2 || true
		return 1
	fi
	echo "ok: $n ran ${secs}s: $(figures "$log" "$n")"
}

case $cmd in
build)
	cmake -S "$top" -B "$build" -DCMAKE_C_COMPILER=clang-19 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DUZ_WERROR=ON -DUZ_FUZZ=ON >/dev/null
	cmake --build "$build" -j"$(nproc)" ;;
list)
	names ;;
run)
	run "$name" ;;
all)
	pids=() rc=0
	for n in $(names); do
		( nice -n 19 "$0" run "$n" --time "$secs" --build "$build" >/dev/null 2>&1 ) &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	echo "| harness       |   executions |  exec/s |   cov: |    ft: | corpus       |"
	echo "|---------------|--------------|---------|--------|--------|--------------|"
	for n in $(names); do figures "$build/fuzz-logs/$n.log" "$n"; done
	for n in $(names); do
		grep -q "ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:\|ERROR: libFuzzer" "$build/fuzz-logs/$n.log" &&
			echo "FAIL: $n: see $build/fuzz-logs/$n.log" >&2 && rc=1
	done
	exit $rc ;;
merge)
	b=$(bin "$name")
	new=$(mktemp -d "$build/fuzz-merge-$name.XXXXXX")
	mkdir -p "$build/fuzz-work/$name" "$build/fuzz-logs"
	"$b" -merge=1 -rss_limit_mb=2048 -timeout=60 "$new" "$corpus/$name" "$build/fuzz-work/$name" \
		>"$build/fuzz-logs/$name.merge.log" 2>&1
	cp "$corpus/$name"/crash-* "$new"/ 2>/dev/null || true
	max=$(( $(budget "$name") * 1024 ))
	while [ "$(du -sb "$new" | cut -f1)" -gt "$max" ]; do
		big=$(find "$new" -type f ! -name 'crash-*' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
		[ -n "$big" ] || break
		rm -f "$big"
	done
	rm -rf "${corpus:?}/$name"
	mv "$new" "$corpus/$name"
	chmod 755 "$corpus/$name"
	echo "$name: $(ls "$corpus/$name" | wc -l) inputs, $(du -sh "$corpus/$name" | cut -f1)" ;;
*)
	sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
	exit 2 ;;
esac; exit $?  # one line: a run still reading this file survives edits to it
