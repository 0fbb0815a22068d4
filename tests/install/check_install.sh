#!/usr/bin/env bash
# Install libuserize into a temporary prefix and build a consumer against it
# with pkg-config (shared and static) and with CMake's find_package() (also
# embedding the samples' btfgen archive with the installed
# userize_embed_archive()); the installed commands (userize, uzvm) must run
# from the prefix, with their manual pages and the bash completion installed.
set -euo pipefail
build=$1 src=$2 extra=${3:-} bpfclang=${4:?BPF clang}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
pc=$(dirname "$(find "$tmp/prefix" -name userize.pc)")
export PKG_CONFIG_PATH=$pc
cc $extra "$src/consumer.c" $(pkg-config --cflags --libs userize) -Wl,-rpath,"$(pkg-config --variable=libdir userize)" -o "$tmp/shared"
"$tmp/shared"
libdir=$(pkg-config --variable=libdir userize)
cc $extra "$src/consumer.c" $(pkg-config --cflags userize) "$libdir/libuserize.a" \
	$(pkg-config --libs --static userize | sed 's/-luserize//') -o "$tmp/static"
"$tmp/static"
mkdir "$tmp/cm"
cp "$src/consumer.c" "$src/embedder.c" "$tmp/cm/"
cp "$src/consumer.cmake.txt" "$tmp/cm/CMakeLists.txt"
archive="$build/samples/samples.uzar"
[ -s "$archive" ] || { echo "no $archive (the samples' btfgen archive) to embed" >&2; exit 1; }
cmake -S "$tmp/cm" -B "$tmp/cm/b" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_C_FLAGS="$extra" \
	-DCMAKE_EXE_LINKER_FLAGS="$extra" -DUZ_TEST_ARCHIVE="$archive" >/dev/null
cmake --build "$tmp/cm/b" >/dev/null
"$tmp/cm/b/consumer"
# BPF side: <userize/bpf/*.h> under bpf_includedir, beside (not inside) the
# C API's <userize/userize.h>; a program builds with only that -I.
bpfinc=$(pkg-config --variable=bpf_includedir userize)
test -f "$bpfinc/userize/bpf/view.h" && test -f "$bpfinc/userize/userize.h"
test ! -e "$bpfinc/userize/task.h"
multiarch=$(cc -print-multiarch)
"$bpfclang" -g -O2 -target bpfel -Wall -Werror -I"$bpfinc" -I/usr/include/"$multiarch" \
	-c "$src/bpf_consumer.bpf.c" -o "$tmp/bpf_consumer.o"
test -s "$tmp/bpf_consumer.o"
"$tmp/cm/b/embedder"
# The installed commands run from the prefix alone.
"$tmp/prefix/bin/userize" matrix --help | grep -q -- '--fields'
"$tmp/prefix/bin/uzvm" --help | grep -q 'BOOT-FAIL'
# Manual pages for the command, each subcommand and uzvm, rendered without
# warnings; the bash completion, loadable and completing subcommands.
for p in userize userize-reloc userize-explain userize-btf userize-matrix uzvm; do
	page="$tmp/prefix/share/man/man1/$p.1"
	test -s "$page" || { echo "not installed: $page" >&2; exit 1; }
	warn=$(LC_ALL=C.UTF-8 groff -man -ww -z "$page" 2>&1)
	test -z "$warn" || { echo "$page: $warn" >&2; exit 1; }
done
comp="$tmp/prefix/share/bash-completion/completions/userize"
test -s "$comp" || { echo "not installed: $comp" >&2; exit 1; }
words=$(bash -c 'source "$1"; COMP_WORDS=(userize ma); COMP_CWORD=1; _userize; echo "${COMPREPLY[*]}"' _ "$comp")
test "$words" = matrix || { echo "completion of 'userize ma' gave '$words'" >&2; exit 1; }
echo "1 passed, 0 failed"
