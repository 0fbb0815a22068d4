#!/usr/bin/env python3
"""Fuzz seed helper (tests/fuzz/make_seeds.sh): ELF TMPDIR OUTDIR -> small x86 bzImages whose
payload is that ELF, compressed by gzip, xz, zstd and lz4 (legacy frame), as a real bzImage's
setup header describes it (boot protocol 2.15, version string, payload offset/length)."""
import os, struct, subprocess, sys

elf = open(sys.argv[1], 'rb').read()
tools = {'gz': ['gzip', '-9nc'], 'xz': ['xz', '-c'], 'zst': ['zstd', '-q', '-c'], 'lz4': ['lz4', '-q', '-l', '-c']}
for ext, cmd in tools.items():
    pay = subprocess.run(cmd, input=elf, capture_output=True, check=True).stdout
    if ext != 'gz':
        pay += struct.pack('<I', len(elf))   # the uncompressed size a kernel's payload ends with
    sects = 1
    setup = bytearray((sects + 1) * 512)
    setup[0x1f1] = sects
    setup[0x1fe:0x200] = b'\x55\xaa'
    setup[0x202:0x206] = b'HdrS'
    struct.pack_into('<H', setup, 0x206, 0x20f)
    ver = b'6.1.0-fuzz-amd64 (fuzz@seed) #1 SMP\0'
    setup[0x300:0x300 + len(ver)] = ver
    struct.pack_into('<H', setup, 0x20e, 0x300 - 0x200)
    head = b'\0' * 64                        # the decompressor stub a real image has
    struct.pack_into('<II', setup, 0x248, len(head), len(pay))
    open(os.path.join(sys.argv[3], 'bzImage.' + ext), 'wb').write(bytes(setup) + head + pay)
