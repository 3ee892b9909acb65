"""How the aggregation cost grows with the number of regions and the window size (no Kafka).

The same `RegionalEngine` the worker runs, over plain dicts, fed pre-scored posts: microseconds per
post and the number of live contributions (the state a worker holds) for each combination.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from dataclasses import replace as dc_replace
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from models.scorer import load_scorer  # noqa: E402
from streams.core.engine import RegionalEngine, partition_for  # noqa: E402
from streams.tooling.generator import generate_posts  # noqa: E402
from streams.core.pipeline import PostProcessor  # noqa: E402
from streams.core.regions import REGION_CODES  # noqa: E402
from streams.core.settings import load_settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=60_000)
    ap.add_argument("--regions", default="1,8,38")
    ap.add_argument("--windows", default="300,3600", help="window sizes in seconds (step 60 s)")
    ap.add_argument("--out", type=Path, default=REPO / "var" / "bench" / "engine.json")
    a = ap.parse_args()

    base = load_settings(env={})
    scorer = load_scorer()
    proc = PostProcessor.from_settings(base, scorer)
    raws = [orjson.dumps(p) for p in generate_posts(count=a.n, rate=200.0, seed=3)]  # 5 min of event time
    scored = [sp for _, sp in proc.process(raws).scored]
    codes = sorted(c for c in REGION_CODES if c != "unknown")
    rows = []
    for k in [int(x) for x in a.regions.split(",")]:
        chosen = codes[:k]
        posts = [dc_replace(sp, post=dc_replace(sp.post, region=chosen[i % k])) for i, sp in enumerate(scored)]
        parts = [partition_for(sp.post.region, base.topic_partitions) for sp in posts]
        for w in [int(x) for x in a.windows.split(",")]:
            settings = load_settings(env={}, window_size_s=w, window_step_s=60)
            contributions: dict = {}
            engine = RegionalEngine.from_settings(settings, scorer.thresholds, contributions=contributions, state={})
            t0 = time.perf_counter()
            for sp, p in zip(posts, parts):
                engine.process(sp, p)
            dt = time.perf_counter() - t0
            # memory in a second pass: tracemalloc slows the first one several times over
            again = RegionalEngine.from_settings(settings, scorer.thresholds, contributions={}, state={})
            tracemalloc.start()
            for sp, p in zip(posts, parts):
                again.process(sp, p)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rows.append({"regions": k, "window_s": w, "posts": len(posts), "us_per_post": round(dt / len(posts) * 1e6, 1),
                         "windows_closed": engine.stats["windows_closed"], "live_contributions": len(contributions),
                         "peak_traced_mib": round(peak / 2**20, 1)})
            print(rows[-1], flush=True)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_bytes(orjson.dumps({"rows": rows, "command": " ".join(sys.argv),
                                      "load": [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]}, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
