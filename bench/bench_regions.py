"""Region inference cost per post on one core (streams/core/places.py), the worst case: no region field.

Usage: taskset -c 0 .venv/bin/python bench/bench_regions.py [--n 20000] [--repeat 5]

Inputs: `suhu generate`'s synthetic posts (seed 3) with their region field removed, so every post
goes through the text scan; a second run gives each post a profile location from a pool of 2,000
distinct strings (profiles repeat per author: the profile result is cached, as in the worker);
a third uses only posts that name a place; a fourth 280 characters of posts followed by one. Best and median of the repetitions are reported.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time

from streams.tooling.generator import generate_posts
from streams.core.places import infer_region
from streams.core.regions import CITIES_BY_CODE, PROVINCES

PLACE_TEMPLATES = ("antrean di TPS {n} {c} panjang sekali", "ricuh di {c} tadi siang, kotak suara dibakar",
                   "KPU Kota {c} mulai rekapitulasi suara", "warga {c} protes hasil hitung cepat",
                   "Bawaslu {p} temukan politik uang di {c}")


def run(items: list[tuple[str | None, str]], repeat: int) -> list[float]:
    for loc, text in items[:2000]:
        infer_region(None, loc, text)  # warm the gazetteer and the profile cache
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for loc, text in items:
            infer_region(None, loc, text)
        out.append((time.perf_counter() - t0) / len(items) * 1e6)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rng = random.Random(3)
    texts = [p["text"] for p in generate_posts(count=args.n, seed=3)]
    cities = [(p.name, c) for p in PROVINCES for c in CITIES_BY_CODE[p.code]]
    profiles = [rng.choice(("{c}", "{c}, {p}", "Kota {c}", "{p}", "Indonesia", "Bumi", "di hatimu")).format(
        c=c, p=p) for p, c in (rng.choice(cities) for _ in range(2000))]
    placed = [rng.choice(PLACE_TEMPLATES).format(n=rng.randint(1, 40), c=c, p=p)
              for p, c in (rng.choice(cities) for _ in range(args.n))]
    long = [" ".join(rng.choice(texts) for _ in range(8))[:280] + " " + rng.choice(placed) for _ in range(args.n)]
    cases = {
        "text only (generated posts, no region field, no profile)": [(None, t) for t in texts],
        "profile + text (2,000 distinct profiles)": [(rng.choice(profiles), t) for t in texts],
        "text naming a place": [(None, t) for t in placed],
        "long text (280 chars of posts, then a place)": [(None, t) for t in long],
    }
    mean_len = statistics.mean(len(t) for t in texts)
    print(f"python {platform.python_version()}, {platform.processor() or platform.machine()}, "
          f"pid {os.getpid()} on CPUs {sorted(os.sched_getaffinity(0))}, load {os.getloadavg()[0]:.2f}, "
          f"{args.n} posts (mean {mean_len:.0f} chars), {args.repeat} repetitions")
    for name, items in cases.items():
        us = run(items, args.repeat)
        print(f"{name}: best {min(us):.2f} us/post, median {statistics.median(us):.2f} us/post")


if __name__ == "__main__":
    main()
