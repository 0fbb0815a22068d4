#!/usr/bin/env python3
"""Fuzz seed helper (tests/fuzz/make_seeds.sh): RECS.json LOCAL.txt OUTDIR -> one fuzz_access
input per relocation record: kind, instruction template, local type id, recorded value, access."""
import json, re, struct, sys

kinds = ['byte_off', 'byte_sz', 'field_exists', 'signed', 'lshift_u64', 'rshift_u64',
         'local_type_id', 'target_type_id', 'type_exists', 'type_size', 'enumval_exists',
         'enumval_value', 'type_matches']
ids = {}
for line in open(sys.argv[2]):
    m = re.match(r"\[(\d+)\] (STRUCT|UNION|ENUM|ENUM64|TYPEDEF|INT|FWD) '([^']*)'", line)
    if m:
        k = {'STRUCT': 'struct ', 'UNION': 'union ', 'ENUM': 'enum ', 'ENUM64': 'enum '}.get(m[2], '')
        ids.setdefault(k + m[3], int(m[1]))
seen = set()
for r in json.load(open(sys.argv[1])):
    tid = ids.get(r['local_type'])
    if tid is None:
        continue
    kind = kinds.index(r['kind'])
    tmpl = 0 if kind == 0 else 2 if kind in (6, 7, 11) else 1
    key = (kind, tid, r['access'])
    if key in seen:
        continue
    seen.add(key)
    blob = struct.pack('<BBHI', kind, tmpl, tid, r['orig_value'] & 0xffffffff) + r['access'].encode()
    open('%s/rec-%03d' % (sys.argv[3], len(seen)), 'wb').write(blob)
