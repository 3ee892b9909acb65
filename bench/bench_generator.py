"""The synthetic post generator's own cost and the entity masker's cost per post, on one core.

Usage: taskset -c 0 .venv/bin/python bench/bench_generator.py [--n 100000]

Why a benchmark and not a test: both used to be asserted in unit tests (>= 50,000 generated posts per CPU
second; < 100 us per masked post), which failed on a slower or busier machine without anything having
changed (45,337 posts/s on 2 Dec 2026). What we promise about speed is measured here and reported.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

from models.entities import default_masker
from streams.tooling.generator import generate_posts, parse_incident


def generator_rates(n: int, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.process_time()
        count = sum(1 for _ in generate_posts(count=n, seed=0, incidents=[parse_incident("ID-JB:hate:0:30")]))
        out.append(count / (time.process_time() - t0))
    return out


def masking_us(repeat: int) -> list[float]:
    base = ("jujur saja debat semalam {} lumayan tapi pendukung {} ribut terus di timeline hasil quick count "
            "paslon 02 unggul tipis tunggu kpu saja")
    names = ["jokowi", "prabowo gibran", "anies", "ganjar", "pdip", "bu mega", "kubu amin", "cak imin"]
    posts = [base.format(a, b) for a in names for b in names] * 40
    m = default_masker()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for p in posts:
            m.mask(p)
        out.append((time.perf_counter() - t0) / len(posts) * 1e6)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"python {platform.python_version()}, {platform.processor() or platform.machine()}, CPUs "
          f"{sorted(os.sched_getaffinity(0))}, load {os.getloadavg()[0]:.2f}")
    rates = generator_rates(args.n, args.repeat)
    print(f"generator ({args.n} posts, one incident): best {max(rates):,.0f}, median {statistics.median(rates):,.0f} "
          f"posts per CPU second")
    us = masking_us(args.repeat)
    print(f"entity masking (25-token posts): best {min(us):.1f} us/post, median {statistics.median(us):.1f} us/post")


if __name__ == "__main__":
    main()
