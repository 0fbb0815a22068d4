#!/usr/bin/env python3
"""Fuzz seed helper (tests/fuzz/make_seeds.sh): a btfgen archive IN -> the same archive with meta
and payload stored uncompressed (checksums recomputed), so mutations reach the type records."""
import lzma, struct, sys, zlib

d = open(sys.argv[1], 'rb').read()
assert d[:8] == b'UZBTFAR\0' and not struct.unpack('<I', d[12:16])[0] & 1
h = list(struct.unpack('<13I', d[8:60]))
meta_len, pay_len, raw_len, comp, meta_raw = h[3], h[4], h[5], h[6], h[11]

def inflate(method, blob, size):
    if method == 0:
        return blob
    if method == 1:
        import subprocess
        return subprocess.run(['zstd', '-d', '-c'], input=blob, capture_output=True, check=True).stdout
    dec = lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[{'id': lzma.FILTER_LZMA2, 'dict_size': 1 << 26}])
    return dec.decompress(blob, size)

meta = inflate((comp >> 8) & 0xff, d[60:60 + meta_len], meta_raw)
pay = inflate(comp & 0xff, d[60 + meta_len:60 + meta_len + pay_len], raw_len)
assert len(meta) == meta_raw and len(pay) == raw_len
h[3], h[4], h[6] = len(meta), len(pay), 0
h[10] = zlib.crc32(pay)
hdr = d[:8] + struct.pack('<13I', *h)
h[12] = zlib.crc32(meta, zlib.crc32(hdr[:56]))
hdr = d[:8] + struct.pack('<13I', *h)
open(sys.argv[2], 'wb').write(hdr + meta + pay)
