#!/usr/bin/env python3
"""Fuzz seed helper (tests/fuzz/make_seeds.sh): raw BTF IN -> the same BTF in the other byte order.
Every field of the header after the magic and of every type record is a u32, so the type
section is swapped word by word; strings stay as they are."""
import struct, sys

d = open(sys.argv[1], 'rb').read()
le = d[0:2] == b'\x9f\xeb'
i, o = ('<', '>') if le else ('>', '<')
magic, ver, flags, hdr_len = struct.unpack(i + 'HBBI', d[:8])
type_off, type_len, str_off, str_len = struct.unpack(i + '4I', d[8:24])
out = struct.pack(o + 'HBBI', magic, ver, flags, hdr_len) + struct.pack(o + '4I', type_off, type_len, str_off, str_len)
out += d[24:hdr_len]
body = bytearray(d[hdr_len:])
t = body[type_off:type_off + type_len]
n = len(t) // 4
body[type_off:type_off + type_len] = struct.pack(o + '%dI' % n, *struct.unpack(i + '%dI' % n, t))
open(sys.argv[2], 'wb').write(out + bytes(body))
