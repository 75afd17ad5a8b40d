#!/usr/bin/env python3
"""Sums /proc/PID/smaps files by mapping (PSS, KiB), largest first; with two files, the difference.

Usage: smaps-sum.py A [B]   (A and B saved by AUTHDECK_BENCH_SMAPS=DIR scripts/app-bench.sh)
"""
import collections
import sys


def read(path):
    sums = collections.Counter()
    name = None
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if '-' in parts[0] and not parts[0].endswith(':'):
                # "start-end perms offset dev inode [path]": anonymous mappings keyed by perms.
                name = parts[5] if len(parts) > 5 else f'[anon {parts[1]}]'
                name = name.split('/')[-1]
            elif parts[0] == 'Pss:':
                sums[name] += int(parts[1])
    return sums


a = read(sys.argv[1])
if len(sys.argv) == 2:
    for name, kb in a.most_common(40):
        print(f'{kb:8d}  {name}')
    print(f'{sum(a.values()):8d}  total')
else:
    b = read(sys.argv[2])
    diff = {k: a.get(k, 0) - b.get(k, 0) for k in set(a) | set(b)}
    for name, kb in sorted(diff.items(), key=lambda kv: -abs(kv[1]))[:40]:
        print(f'{kb:+8d}  {name}  ({a.get(name, 0)} vs {b.get(name, 0)})')
    print(f'{sum(a.values()) - sum(b.values()):+8d}  total')
