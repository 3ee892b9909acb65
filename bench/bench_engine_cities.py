"""Microseconds per post of `RegionalEngine.process` with city-level windows (no Kafka, no scoring).

Usage: taskset -c 0 .venv/bin/python bench/bench_engine_cities.py [--minutes 240 --per-minute 40 --city-share 0.6]
Synthetic scored posts from tests/unit/streams_factory (six provinces, one with an incident); a share
of them carry a gazetteer city, as validated posts from a "Kota Bandung"-style region field do.
Each repetition runs a fresh engine over the same stream; best and median CPU time (process_time, steadier
than wall time on a shared machine) are reported.
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.unit.streams_factory

from streams.core.engine import partition_for  # noqa: E402
from streams.core.regions import CITIES_BY_CODE  # noqa: E402
from tests.unit.streams_factory import MINUTE, VOTING_9AM, engine, interleave, traffic  # noqa: E402

REGIONS = ("ID-JB", "ID-JT", "ID-JI", "ID-JK", "ID-SN", "ID-SU")


def stream(minutes: int, per_minute: int, city_share: float) -> list:
    parts = [traffic(r, VOTING_9AM, minutes, per_minute, authors=400, tag="b") for r in REGIONS]
    parts.append(traffic("ID-JB", VOTING_9AM + 60 * MINUTE, 30, 3 * per_minute, authors=300,
                         abusive_share=0.8, tag="inc"))
    posts = interleave(*parts)
    rng = random.Random(11)
    out = []
    for sp in posts:
        cities = CITIES_BY_CODE.get(sp.post.region, ())
        if cities and rng.random() < city_share:
            # Concentrated: most city posts name one of the province's first three cities.
            city = cities[min(int(rng.expovariate(1.0)), len(cities) - 1, 2)]
            sp = dataclasses.replace(sp, post=dataclasses.replace(sp.post, city=city))
        out.append(sp)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=int, default=240)
    ap.add_argument("--per-minute", type=int, default=40)
    ap.add_argument("--city-share", type=float, default=0.6)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    posts = stream(a.minutes, a.per_minute, a.city_share)
    routed = [(sp, partition_for(sp.post.region, 8)) for sp in posts]
    times, alerts = [], 0
    for _ in range(a.repeat):
        eng = engine()
        t = time.process_time()
        n_alerts = 0
        for sp, p in routed:
            n_alerts += len(eng.process(sp, p))
        times.append(time.process_time() - t)
        alerts = n_alerts
    us = [x / len(routed) * 1e6 for x in times]
    with_city = sum(1 for sp, _ in routed if sp.post.city)
    print(f"posts={len(routed)} with_city={with_city} alerts={alerts} python={platform.python_version()}")
    print(f"engine CPU us/post: best {min(us):.1f}  median {statistics.median(us):.1f}  (repeat {a.repeat})")


if __name__ == "__main__":
    main()
