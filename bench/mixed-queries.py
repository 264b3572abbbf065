#!/usr/bin/env python3
"""Writes DIR/blocklist.txt (N random names) and DIR/q-mixed.txt (200,000 dnsperf lines: 10% blocked
names, 80% of 200 hot names, 10% unique misses) for the benchmark scripts.

    mixed-queries.py N DIR [--seed S] [--tlds com,net,...] [--aaaa]

--aaaa asks the hot names in A and AAAA alike (otherwise A only)."""
import argparse
import random

parser = argparse.ArgumentParser()
parser.add_argument("n", type=int)
parser.add_argument("dir")
parser.add_argument("--seed", type=int, default=42)
parser.add_argument("--tlds", default="com,net,org,io,info,xyz,ru,cn")
parser.add_argument("--aaaa", action="store_true")
args = parser.parse_args()

r = random.Random(args.seed)
alpha = "abcdefghijklmnopqrstuvwxyz0123456789"
tlds = args.tlds.split(",")


def name():
    return "".join(r.choice(alpha) for _ in range(r.randint(6, 14)))


blocked = [f"{name()}.{name()}.{r.choice(tlds)}" for _ in range(args.n)]
open(f"{args.dir}/blocklist.txt", "w").write("\n".join(blocked) + "\n")
sample = r.sample(blocked, min(100000, args.n))
hot = [f"host{i}.bench.test" for i in range(200)]
mix = []
for i in range(200000):
    x = r.random()
    if x < 0.10:
        mix.append(f"{r.choice(sample)} A")
    elif x < 0.90:
        mix.append(f"{r.choice(hot)} {r.choice(['A', 'AAAA']) if args.aaaa else 'A'}")
    else:
        mix.append(f"miss{i}.bench.test A")
open(f"{args.dir}/q-mixed.txt", "w").write("\n".join(mix) + "\n")
