"""Claim matching speed and memory against a large synthetic catalogue (one core).

    taskset -c 0 env PYTHONPATH=. python bench/bench_claims.py [--claims 20000] [--posts 5000]

The catalogue: the dev claims plus synthetic ones built from their words and a pool of invented
words (so words have realistic document frequencies); the posts: the dev posts and civil posts,
repeated. Reports posts/s for ClaimIndex.match (normalisation included) and the index's memory
(growth of the process's resident memory while the index is built).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.claim_eval import read_jsonl  # noqa: E402
from streams.claim_index import ClaimIndex  # noqa: E402
from streams.claims import Claim, read_catalogue  # noqa: E402

DATA = ROOT / "tests" / "data" / "hoaxes"


def synthetic(n: int, seed: int = 7) -> list[Claim]:
    rng = random.Random(seed)
    base, _ = read_catalogue(DATA / "dev_claims.jsonl")
    words = sorted({w for c in base for w in c.text.lower().split()})
    syll = ["ka", "ra", "ma", "ta", "ng", "si", "lu", "pe", "ba", "do", "wi", "ju", "ne", "ko", "har"]
    invented = sorted({"".join(rng.choice(syll) for _ in range(rng.randint(2, 4))) for _ in range(30_000)})
    out = list(base)
    for i in range(n - len(base)):
        k = rng.randint(12, 28)
        text = " ".join(rng.choice(words) if rng.random() < 0.55 else rng.choice(invented) for _ in range(k))
        out.append(Claim(f"syn{i}", f"synthetic {i}", text, "SALAH", "bench", f"https://example.id/{i}",
                         "2024-02-01"))
    return out


def _rss() -> int:
    """Resident memory of this process in bytes (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=20_000)
    ap.add_argument("--posts", type=int, default=5_000)
    a = ap.parse_args()
    claims = synthetic(a.claims)
    gc.collect()
    rss0 = _rss()
    t = time.perf_counter()
    index = ClaimIndex(claims)
    build_s = time.perf_counter() - t
    gc.collect()
    mem = _rss() - rss0
    texts = [p["text"] for p in read_jsonl(DATA / "dev_posts.jsonl") + read_jsonl(DATA / "dev_civil.jsonl")]
    posts = (texts * (a.posts // len(texts) + 1))[: a.posts]
    index.match(posts[0])  # warm caches that every worker warms on its first post
    t = time.perf_counter()
    t = time.perf_counter()
    found = [index.match(p) for p in posts]
    dt = time.perf_counter() - t
    matched = sum(1 for f in found if f and f[0].matched)
    print(json.dumps({"claims": len(index), "posts": len(posts), "posts_per_s": round(len(posts) / dt),
                      "us_per_post": round(dt / len(posts) * 1e6, 1), "index_build_s": round(build_s, 2),
                      "index_mib": round(mem / 2**20, 1), "matched": matched, **index.stats()}, indent=2))


if __name__ == "__main__":
    main()
