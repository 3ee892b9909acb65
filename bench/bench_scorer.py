"""Posts per second of the shipped scorer on one core (fast tier; optionally a transformer tier).

Usage: taskset -c 0 .venv/bin/python bench/bench_scorer.py [--transformer-dir DIR --mode all|cascade]
Inputs are synthetic election posts built here (no dataset text), 5 repetitions, best and median reported.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

from models.scorer import load_scorer  # noqa: E402

WORDS = ("kpu bawaslu curang pemilu capres rakyat suara tps sirekap jokowi prabowo anies ganjar debat "
         "dasar goblok anjing bodoh mantap keren semoga damai ayo kepung turun jalan hoaks berita "
         "gw gak tau yg bgt wkwk 😂 🔥 #IniCurang USER URL lagi udah banget kalian mereka kita").split()


def posts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 35))) for _ in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--transformer-dir")
    ap.add_argument("--mode", default="off")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    scorer = load_scorer(transformer_dir=args.transformer_dir, transformer_mode=args.mode, torch_threads=args.threads)
    texts = posts(args.n)
    scorer.score_batch(texts[:args.batch])  # warm-up
    rates = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for i in range(0, len(texts), args.batch):
            scorer.score_batch(texts[i:i + args.batch])
        rates.append(len(texts) / (time.perf_counter() - t0))
    print(f"{scorer.version}: {args.n} posts, batch {args.batch}, mean length "
          f"{sum(map(len, texts)) / len(texts):.0f} chars; posts/s best {max(rates):.0f}, median "
          f"{statistics.median(rates):.0f} ({platform.processor() or platform.machine()}, "
          f"python {platform.python_version()}, affinity {sorted(os.sched_getaffinity(0))})")


if __name__ == "__main__":
    main()
