#!/usr/bin/env bash
# tools/demo.sh BUILD_DIR: the live-kernel demo (README main job). Prints
# where each sample's view fields land on this kernel (the relocation
# report), then runs samples for a few seconds each while generating the
# activity they count, and finally boots a Debian 6.1 kernel under qemu
# (tools/vm/uzvm fetches the package into the cache) where the same objects
# pass the samples' checks. Needs root;
# tools/dev.sh demo builds and calls it.
set -euo pipefail

b=${1:?usage: tools/demo.sh BUILD_DIR}
s="$b/samples"
secs=${UZ_DEMO_SECONDS:-3}

if [ "$(id -u)" != 0 ]; then
	echo "demo: the samples load BPF programs into the running kernel; run as root" >&2
	exit 1
fi
for x in proctop writesize iolatency dropmon lo_filter; do
	[ -x "$s/$x" ] || { echo "demo: $s/$x missing; build first (tools/dev.sh build)" >&2; exit 1; }
done

banner() { printf '\n==== %s\n' "$*"; }

banner "Relocation report: the samples' views on this kernel ($(uname -r))"
echo "(view field -> kernel field @byte offset, and the relocation kinds used)"
for x in proctop iolatency dropmon lo_filter writesize; do
	"$s/$x" --target /sys/kernel/btf/vmlinux
done

other=$(ls "${UZ_CACHE:-$HOME/.cache/userize}"/btf/6.1.*.btf 2>/dev/null | head -n1 || true)
if [ -n "$other" ]; then
	banner "Same proctop object against $(basename "$other" .btf) (report only)"
	"$s/proctop" --target "$other" | sed -n '1,6p'
fi

tmp=$(mktemp -d /var/tmp/uz-demo.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

banner "proctop for ${secs}s (activity: a shell forking sleepers)"
( sleep 0.5; for i in $(seq 20); do sleep 0.05; done ) &
"$s/proctop" --duration "$secs"
wait

banner "writesize for ${secs}s (activity: dd writes of 1, 512, 4096 and 65536 bytes)"
( sleep 0.5
  for bs in 1 512 4096 65536; do
	dd if=/dev/zero of=/dev/null bs=$bs count=200 status=none
  done ) &
"$s/writesize" --duration "$secs"
wait

banner "iolatency for ${secs}s (activity: 4 KiB O_DIRECT writes and reads on $(df --output=source / | tail -n1))"
( sleep 0.5
  dd if=/dev/zero of="$tmp/io" bs=4k count=200 oflag=direct status=none
  dd if="$tmp/io" of=/dev/null bs=4k iflag=direct status=none ) &
"$s/iolatency" --duration "$secs"
wait

banner "dropmon for ${secs}s (activity: 50 UDP datagrams to closed port 127.0.0.1:9)"
( sleep 0.5; for i in $(seq 50); do echo drop > /dev/udp/127.0.0.1/9 || true; done ) &
"$s/dropmon" --duration "$secs"
wait

# The same objects on an older kernel, booted under qemu: relocated in the
# guest against its own BTF, then the samples' checks (tests/checks).
# The first kernel of tools/vm/kernels.list; uzvm fetches it into the cache.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deb=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$top/tools/vm/kernels.list" | grep -v '^$' | head -n1)
if [ -x "$b/tests/vm/uz-vmcheck" ]; then
	banner "The same objects inside $deb under qemu (checks of tests/checks)"
	adds=()
	# every sample and check object the build made: uz-vmcheck runs a
	# check per object and fails on one it cannot find
	for o in "$s"/*.o "$b"/tests/checks/*.o; do
		adds+=(--add "$o:/root/objs/$(basename "$o")")
	done
	# iolatency's scratch disk: NVMe on qemu's null block driver.
	"$top/tools/vm/uzvm" -q --out "$tmp/vm" --modules veth --add "$b/tests/vm/uz-vmcheck:/root/uz-vmcheck" \
		--qemu-arg -blockdev --qemu-arg driver=null-co,node-name=uzd,size=67108864 \
		--qemu-arg -device --qemu-arg nvme,drive=uzd,serial=uzvm \
		"${adds[@]}" --run '/root/uz-vmcheck --blockdev /dev/nvme0n1' "$deb" | grep -v 'logs and summary'
	echo "guest console (excerpt):"
	tr -d '\r' <"$(ls "$tmp"/vm/*.console | head -n1)" |
		grep -E '^(UZ-KERNEL|UZ-CHECK|UZ-RESULT|UZ-OFFSET proctop byte_off task_struct_user.pid|  proctop: child p|  fallback: kernel)' |
		sed 's/^/  /'
else
	echo "demo: $b/tests/vm/uz-vmcheck missing (a sanitizer build has none); build with tools/dev.sh build" >&2
	exit 1
fi
