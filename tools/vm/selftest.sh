#!/usr/bin/env bash
# tools/vm/selftest.sh: boots the kernels of tools/vm/kernels.list
# (or the KERNELs given) under qemu with tools/vm/uzvm and checks each verdict
# path: PASS, modules, FAIL, HANG, BOOT-FAIL, retry of an early death, --bin,
# bad input, and one boot each of arm64, s390x and i386. Takes about 110 s
# without KVM; needs the packages cached or fetchable.
#
#   tools/vm/selftest.sh [KERNEL...]
#
# Prints one line per check and "N passed, N failed"; exits 1 if any failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
uzvm=$here/uzvm
if [ $# -gt 0 ]; then
	kernels=("$@")
else
	mapfile -t kernels < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/kernels.list" | grep -v '^$')
fi
nk=${#kernels[@]}
work=$(mktemp -d "${TMPDIR:-/tmp}/uzvm-selftest.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
pass=0
fail=0

# check NAME WANT_EXIT WANT_VERDICT MAX_SECONDS -- uzvm args...
# WANT_VERDICT "-" skips the summary.tsv check (usage errors write none).
check() {
	local name=$1 want_rc=$2 want_v=$3 max_s=$4 rc=0 t0 dt bad="" v
	shift 5
	t0=$SECONDS
	"$uzvm" -q --tail 0 --out "$work/$name" "$@" >"$work/$name.log" 2>&1 || rc=$?
	dt=$((SECONDS - t0))
	[ "$rc" = "$want_rc" ] || bad="exit $rc, wanted $want_rc"
	if [ "$want_v" != - ]; then
		if [ ! -f "$work/$name/summary.tsv" ]; then
			bad="${bad:+$bad; }no summary.tsv"
		else
			v=$(awk -F'\t' 'NR > 1 { print $2 }' "$work/$name/summary.tsv" | sort -u | tr '\n' ' ')
			[ "$v" = "$want_v " ] || bad="${bad:+$bad; }verdicts '$v', wanted '$want_v'"
		fi
	fi
	[ "$dt" -le "$max_s" ] || bad="${bad:+$bad; }took $dt s, bound $max_s s"
	if [ -z "$bad" ]; then
		pass=$((pass + 1))
		printf 'ok    %-10s %3d s\n' "$name" "$dt"
	else
		fail=$((fail + 1))
		printf 'FAIL  %-10s %3d s: %s\n' "$name" "$dt" "$bad"
		sed 's/^/      | /' "$work/$name.log" | tail -n 30
	fi
}

check boot 0 PASS $((nk * 30)) -- \
	--run 'uname -r; cat /proc/sys/kernel/osrelease; ls /sys/kernel/btf/vmlinux' "${kernels[@]}"
check modules 0 PASS $((nk * 30)) -- --modules veth,bridge \
	--run 'grep "^veth " /proc/modules && grep "^bridge " /proc/modules && grep "^stp " /proc/modules' "${kernels[@]}"
check exit3 1 FAIL $((nk * 30)) -- --run 'exit 3' "${kernels[@]}"
if ! awk -F'\t' 'NR > 1 && $3 != 3 { exit 1 }' "$work/exit3/summary.tsv" 2>/dev/null; then
	fail=$((fail + 1))
	echo "FAIL  exit3: summary.tsv rc is not 3"
fi
check hang 1 HANG $((nk * 40)) -- --jobs "$nk" --timeout 30 --run 'sleep 1000' "${kernels[@]}"
check bootfail 1 BOOT-FAIL $((nk * 40)) -- --append 'rdinit=/nonexistent' "${kernels[@]}"
if [ "$(grep -c '^  attempt' "$work/bootfail.log" || true)" != $((nk * 2)) ]; then
	fail=$((fail + 1))
	echo "FAIL  bootfail: wanted 2 attempts per kernel"
fi
# An early death is retried once: a qemu wrapper that dies at once on its
# first start per kernel (as an early panic would) must still give PASS,
# after 2 attempts.
real_qemu=$(command -v qemu-system-x86_64)
cat >"$work/flaky-qemu" <<EOF2
#!/usr/bin/env bash
# first start for a given kernel image: die before the guest runs
key=""; prev=""
for a in "\$@"; do [ "\$prev" = -kernel ] && key=\$(echo "\$a" | md5sum | cut -c1-8); prev=\$a; done
if [ -n "\$key" ] && [ ! -e "$work/flaky.\$key" ]; then : >"$work/flaky.\$key"; exit 1; fi
exec "$real_qemu" "\$@"
EOF2
chmod +x "$work/flaky-qemu"
check retry 0 PASS $((nk * 40)) -- --qemu "$work/flaky-qemu" --run true "${kernels[@]}"
if ! awk -F'\t' 'NR > 1 && $7 != 2 { exit 1 }' "$work/retry/summary.tsv" 2>/dev/null; then
	fail=$((fail + 1))
	echo "FAIL  retry: wanted 2 attempts per kernel in summary.tsv"
fi
if command -v bpftool >/dev/null 2>&1; then
	check bpftool 0 PASS $((nk * 30)) -- --bin "$(command -v bpftool)" --run 'bpftool version' "${kernels[@]}"
else
	fail=$((fail + 1))
	echo "FAIL  bpftool: not installed (tools/dev.sh deps installs it)"
fi
debs=("${UZ_CACHE:-$HOME/.cache/userize}"/debs/linux-image-*.deb)
head -c 4000000 "${debs[0]}" >"$work/trunc.deb"
check nofile 2 - 5 -- /nonexistent/linux-image.deb
check truncdeb 2 - 30 -- "$work/trunc.deb"
check badopt 2 - 5 -- --no-such-option "${kernels[0]}"
check badarch 2 - 5 -- --arch sparc64 "${kernels[0]}"
check archmix 2 - 5 -- --arch s390x "${kernels[0]}"
# One boot per other architecture: qemu, machine, console and the fetched
# busybox-static:ARCH must give a guest of that machine type.
check arm64 0 PASS 90 -- --arch arm64 --run 'uname -m | grep -x aarch64' 6.1.0-56-cloud-arm64
check s390x 0 PASS 90 -- --arch s390x --run 'uname -m | grep -x s390x' linux-image-6.1.0-50-s390x
check i386 0 PASS 90 -- --arch i386 --run 'uname -m | grep -x i686' 6.1.0-56-686-pae

echo "uzvm selftest: $pass passed, $fail failed"
[ "$fail" = 0 ]
