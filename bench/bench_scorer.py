"""Posts per second of the shipped scorer on one core (fast tier; optionally a transformer tier).

Usage: taskset -c 0 .venv/bin/python bench/bench_scorer.py [--transformer-dir DIR --mode all|cascade]
Inputs are synthetic election posts built here (no dataset text), 5 repetitions, best and median reported.
`--civil` instead reports the share of `suhu generate`'s civil background posts (60 min at 5/s, seed 1)
that get each label: a false-positive rate. Measured, never used to fit or tune a model.
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
    ap.add_argument("--transformer-batch", type=int, default=None,
                    help="Transformer forward-pass batch (default: --batch, so one pass per scorer batch).")
    ap.add_argument("--model-dir", help="Fast-tier artifact (default: the committed one).")
    ap.add_argument("--civil", action="store_true", help="Report label rates on civil generated posts instead.")
    args = ap.parse_args()
    scorer = load_scorer(args.model_dir, transformer_dir=args.transformer_dir, transformer_mode=args.mode,
                         torch_threads=args.threads, transformer_batch_size=args.transformer_batch or args.batch)
    if args.civil:
        civil_rates(scorer)
        return
    texts = posts(args.n)
    scorer.score_batch(texts[:args.batch])  # warm-up
    routed = [0]
    if getattr(scorer, "transformer", None) is not None:  # count what the cascade sends to the transformer
        predict = scorer.transformer.predict

        def counting_predict(batch):  # type: ignore[no-untyped-def]
            routed[0] += len(batch)
            return predict(batch)

        scorer.transformer.predict = counting_predict
    rates, cpu_rates = [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(0, len(texts), args.batch):
            scorer.score_batch(texts[i:i + args.batch])
        rates.append(len(texts) / (time.perf_counter() - t0))
        cpu_rates.append(len(texts) / (time.process_time() - c0))
    # Per CPU-second as well: on a shared box wall-clock rates mostly measure the neighbours.
    print(f"{scorer.version}: {args.n} posts, batch {args.batch}, mean length "
          f"{sum(map(len, texts)) / len(texts):.0f} chars; posts/s best {max(rates):.0f}, median "
          f"{statistics.median(rates):.0f}; per CPU-second best {max(cpu_rates):.0f}, median "
          f"{statistics.median(cpu_rates):.0f}"
          f"{'' if not routed[0] else f'; transformer scored {routed[0] / (args.n * args.repeat):.1%} of posts'}"
          f" ({platform.processor() or platform.machine()}, "
          f"python {platform.python_version()}, affinity {sorted(os.sched_getaffinity(0))}, "
          f"load average {os.getloadavg()[0]:.2f})")


def civil_rates(scorer) -> None:  # type: ignore[no-untyped-def]
    from streams.tooling.generator import generate_posts

    texts = [p["text"] for p in generate_posts(minutes=60, rate=5, seed=1, truth=True)
             if p["synthetic"]["signal"] is None]
    labelled = [ps.labels for ps in scorer.score_batch(texts)]
    rates = ", ".join(f"{s} {sum(s in lab for lab in labelled) / len(texts):.2%}"
                      for s in ("hate", "incivility", "provocation", "fraud_claim", "tension"))
    print(f"{scorer.version}: {len(texts)} civil background posts; labelled {rates}")


if __name__ == "__main__":
    main()
