"""Claim matching speed and memory against a large synthetic catalogue (one core).

    taskset -c 1 env PYTHONPATH=. python bench/bench_claims.py [--claims 20000] [--posts 5000] [--repeat 5] [--out F]

The catalogue: the dev claims plus synthetic ones built from their words and a pool of invented
words (so words have realistic document frequencies); the posts: the dev posts and civil posts,
repeated. Reports, best of ``--repeat`` passes (and the median), posts/s for ClaimIndex.match
(normalisation included: ``posts_per_s``, ``us_per_post``) and for the scoring stage's path,
``match_batch`` over batches of 256 with the scorer's normalisation reused (``batch_*``), per wall
second and per CPU second of this process (the machine is shared: CPU time is what load inflates
least), with the load average; and the index's memory (growth of the process's resident memory while
the index is built).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.tooling.claim_eval import read_jsonl  # noqa: E402
from models.normalize import normalize_plain  # noqa: E402
from streams.core.claim_index import MAX_SCORED_CHARS, ClaimIndex  # noqa: E402
from streams.core.claims import Claim, read_catalogue  # noqa: E402

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


def _passes(fn, n: int, repeat: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    walls, cpus = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return {"best": round(n / min(walls)), "median": round(n / statistics.median(walls)),
            "cpu_best": round(n / min(cpus)), "us_best": round(min(walls) / n * 1e6, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=20_000)
    ap.add_argument("--posts", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=5, help="passes over the posts; the best and the median reported")
    ap.add_argument("--out", type=Path, default=None, help="also write the result (JSON) here")
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
    # the scoring stage's path: the scorer has normalised every post (PostScores.plain), apply_claims
    # matches each batch of 256 with it (streams/core/hoaxes.py)
    plain = [normalize_plain(p) if len(p) <= MAX_SCORED_CHARS else None for p in posts]
    batches = [(posts[i:i + 256], plain[i:i + 256]) for i in range(0, len(posts), 256)]
    index.match(posts[0])  # warm caches that every worker warms on its first post
    found: list = []
    single = _passes(lambda: found.__setitem__(slice(None), [index.match(p) for p in posts]), len(posts), a.repeat)
    batch = _passes(lambda: [index.match_batch(b, n) for b, n in batches], len(posts), a.repeat)
    matched = sum(1 for f in found if f and f[0].matched)
    out = {"claims": len(index), "posts": len(posts), "repeat": a.repeat,
           "posts_per_s": single["best"], "posts_per_s_median": single["median"],
           "posts_per_cpu_s": single["cpu_best"], "us_per_post": single["us_best"],
           "batch_posts_per_s": batch["best"], "batch_posts_per_s_median": batch["median"],
           "batch_posts_per_cpu_s": batch["cpu_best"], "batch_us_per_post": batch["us_best"],
           "index_build_s": round(build_s, 2), "index_mib": round(mem / 2**20, 1), "matched": matched,
           **index.stats(), "load": [round(x, 2) for x in os.getloadavg()],
           "command": "taskset -c %s bench/bench_claims.py --claims %d --posts %d --repeat %d" % (
               ",".join(map(str, sorted(os.sched_getaffinity(0)))), a.claims, a.posts, a.repeat)}
    print(json.dumps(out, indent=2))
    if a.out is not None:
        a.out.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
