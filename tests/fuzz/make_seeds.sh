#!/usr/bin/env bash
# tests/fuzz/make_seeds.sh BUILD OUT: regenerate the fuzz seed inputs into OUT/<harness>/ from
# the real objects of BUILD (samples, test BPF objects), real kernel BTF (the running kernel's and
# the cached arm64 ones, btfgen-minimized), tracefs format files of the running kernel and small
# DWARF objects built from tests/fuzz/seeds/*.c. tools/fuzz.sh merge then minimizes them into
# tests/fuzz/corpus/. Needs: gcc, clang-19, s390x/i686 cross gcc, zstd, xz, lz4, python3.
set -euo pipefail
build=$(cd "$1" && pwd); out=$2
src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
uz=$build/userize
cache=${UZ_CACHE:-$HOME/.cache/userize}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"/{object,btf,kimage,access,reloc_object,reloc_target,dwarf,archive,tracefs,json}

# BPF objects: every eBPF object of the build, and one relocated (it carries .note.userize).
objs=$(find "$build/samples" "$build/tests" -name '*.o' ! -path '*CMakeFiles*' -exec sh -c \
	'file "$1" | grep -q "eBPF"' _ {} \; -print | sort)
for o in $objs; do
	n=$(echo "${o#$build/}" | tr / _)
	cp "$o" "$out/object/$n"; cp "$o" "$out/reloc_object/$n"
done
"$uz" reloc "$build/samples/proctop.o" --target "$src/data/target.btf" -o "$out/object/proctop.reloc.o" 2>/dev/null

# Kernel BTF, minimized for the samples: running kernel, cached arm64 kernels, and big endian.
mini="$build/samples/"*.o
targets=(/sys/kernel/btf/vmlinux)
for f in "$cache"/btf-arm64/*.btf; do [ -f "$f" ] && targets+=("$f"); done
"$uz" btfgen $mini --targets "${targets[@]}" -o "$tmp/min" >/dev/null 2>&1
"$uz" btfgen $mini --targets "${targets[@]}" --archive "$tmp/all.uzar" >/dev/null 2>&1
python3 "$src/seeds/swap_btf.py" "$src/data/target.btf" "$tmp/min/be.btf"
for f in "$tmp"/min/*.btf; do
	b=$(basename "$f"); cp "$f" "$out/btf/$b"; cp "$f" "$out/reloc_target/$b"
done
cp "$src/data/local.btf" "$out/btf/local.btf"
# A real big-endian kernel: s390x, minimized from its DWARF (when the corpus cache has it).
s390=$(ls "$cache"/dbg/vmlinux-*-s390x 2>/dev/null | head -1 || true)
if [ -n "$s390" ]; then
	"$uz" btfgen "$build"/samples/bpfeb/*.o --targets "$s390" -o "$tmp/min-be" >/dev/null 2>&1
	for f in "$tmp"/min-be/*.btf; do cp "$f" "$out/btf/"; cp "$f" "$out/reloc_target/"; done
fi
cp "$tmp/all.uzar" "$out/archive/all.uzar"; cp "$tmp/all.uzar" "$out/reloc_target/all.uzar"
python3 "$src/seeds/stored_archive.py" "$tmp/all.uzar" "$out/archive/stored.uzar"
"$uz" btfgen "$build/samples/writesize.o" --targets /sys/kernel/btf/vmlinux --archive "$out/archive/one.uzar" >/dev/null 2>&1

# Kernel-image containers around the running kernel's minimized BTF.
k=$out/kimage; btf=$src/data/target.btf
cp "$btf" "$k/raw.btf"
gzip -9nc "$btf" >"$k/btf.gz"; xz -c "$btf" >"$k/btf.xz"; zstd -q -c "$btf" >"$k/btf.zst"
lz4 -q -l -c "$btf" >"$k/btf.lz4l"
echo 'int fuzz_vmlinux;' | gcc -x c -c -o "$tmp/v.o" -
objcopy --add-section .BTF="$btf" --set-section-flags .BTF=alloc,readonly "$tmp/v.o" "$k/vmlinux.elf"
python3 "$src/seeds/bzimage.py" "$k/vmlinux.elf" "$tmp" "$k"
mkdir -p "$tmp/deb/boot"; cp "$k/bzImage.zst" "$tmp/deb/boot/vmlinuz-6.1.0-fuzz-amd64"
echo 2.0 >"$tmp/debian-binary"
tar -C "$tmp/deb" -cJf "$tmp/data.tar.xz" ./boot
tar -C "$tmp" -cJf "$tmp/control.tar.xz" ./debian-binary
(cd "$tmp" && ar rc "$k/linux-image-fuzz.deb" debian-binary control.tar.xz data.tar.xz)
head -c 4096 /dev/urandom >"$tmp/pre"; cat "$tmp/pre" "$btf" "$tmp/pre" >"$k/embedded.img"
cp "$k/vmlinux.elf" "$out/reloc_target/vmlinux.elf"

# Access strings: every record of proctop against the fixed target, in fuzz_access's layout.
"$uz" reloc "$src/data/object.o" --target "$src/data/target.btf" -o /dev/null --report json \
	2>/dev/null >"$tmp/recs.json"
bpftool btf dump file "$src/data/local.btf" >"$tmp/local.txt"
python3 "$src/seeds/access.py" "$tmp/recs.json" "$tmp/local.txt" "$out/access"

# DWARF: small units by gcc (DWARF 4 and 5, compressed), clang, big endian (s390x) and 32-bit.
cc_dw() { "$@" -O0 -nostdlib -shared -fPIC; }
cc_dw gcc -gdwarf-4 -o "$tmp/d4" "$src/seeds/dwarf_a.c" "$src/seeds/dwarf_b.c"
cc_dw gcc -gdwarf-5 -o "$tmp/d5" "$src/seeds/dwarf_a.c" "$src/seeds/dwarf_b.c"
cc_dw gcc -gdwarf-5 -gz=zlib -o "$tmp/d5z" "$src/seeds/dwarf_a.c"
cc_dw clang-19 -g -o "$tmp/dclang" "$src/seeds/dwarf_a.c" "$src/seeds/dwarf_b.c"
cc_dw s390x-linux-gnu-gcc -g -o "$tmp/ds390x" "$src/seeds/dwarf_a.c" "$src/seeds/dwarf_b.c"
cc_dw i686-linux-gnu-gcc -g -o "$tmp/di686" "$src/seeds/dwarf_a.c"
for f in d4 d5 d5z dclang ds390x di686; do
	objcopy --only-keep-debug "$tmp/$f" "$out/dwarf/$f.debug" 2>/dev/null ||
		cp "$tmp/$f" "$out/dwarf/$f.debug"
done
cp "$out/dwarf/d5.debug" "$out/reloc_target/dwarf5.debug"

# tracefs: the running kernel's format files (a spread of systems), and a tar of a few.
ev=/sys/kernel/tracing/events
for f in sched/sched_switch sched/sched_process_exec sched/sched_wakeup syscalls/sys_enter_openat \
	syscalls/sys_exit_read raw_syscalls/sys_enter irq/irq_handler_entry skb/kfree_skb \
	net/net_dev_xmit block/block_rq_issue signal/signal_generate task/task_rename \
	writeback/writeback_dirty_inode timer/hrtimer_start kmem/kmalloc ftrace/function \
	sock/inet_sock_set_state tcp/tcp_probe; do
	[ -r "$ev/$f/format" ] || continue
	cat "$ev/$f/format" >"$out/tracefs/$(echo "$f" | tr / _)"
	mkdir -p "$tmp/events/$f"; cat "$ev/$f/format" >"$tmp/events/$f/format"
done
tar -C "$tmp" -cf "$tmp/tp.tar" events/sched/sched_switch events/syscalls/sys_enter_openat events/skb
gzip -9nc "$tmp/tp.tar" >"$out/tracefs/events.tar.gz"; cp "$tmp/tp.tar" "$out/tracefs/events.tar"
cp "$out/tracefs/events.tar.gz" "$out/reloc_target/events.tar.gz"

# JSON: what userize writes and matrix --merge reads back.
j=$out/json
two="$build/samples/writesize.o $build/samples/dropmon.o"
"$uz" matrix $two --targets "$tmp/min" -j >"$j/matrix.json" 2>/dev/null || true
"$uz" matrix $two --targets "${targets[@]}" -p --shard 1/2 >"$j/shard1.json" 2>/dev/null || true
"$uz" matrix $two --targets "${targets[@]}" -j --shard 2/2 >"$j/shard2.json" 2>/dev/null || true
"$uz" reloc "$build/samples/writesize.o" --target "$src/data/target.btf" -o /dev/null -p >"$j/reloc.json" 2>/dev/null || true
printf '{"a":[1,-2.5e3,true,false,null,"\\u00e9\\ud83d\\ude00\\n"],"b":{}}' >"$j/tiny.json"
for f in "$out"/*; do echo "$(basename "$f"): $(ls "$f" | wc -l) seeds, $(du -sh "$f" | cut -f1)"; done
find "$out" -type f -size 0 -delete
