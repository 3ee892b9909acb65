"""The engine's cost around its stored state (no Kafka, no scorer): microseconds per post through
`RegionalEngine.process` (each post writes one contribution and its partition's clock through
streams/core/codecs.py), the cost of `rebuild()` over contributions as they come back from a JSON changelog
(every one decoded), and the changelog bytes per contribution. Best of N runs, synthetic posts from
tests/unit/streams_factory.py (8 provinces, 30 minutes at 250 posts a minute each).

    PYTHONPATH=. taskset -c 0 .venv/bin/python bench/bench_engine_state.py [N]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from streams.core.changelog import recovered  # noqa: E402
from streams.core.engine import RegionalEngine, partition_for  # noqa: E402
from tests.unit.streams_factory import VOTING_9AM, config, interleave, traffic  # noqa: E402

REGIONS = ["ID-JB", "ID-JT", "ID-JI", "ID-JK", "ID-BA", "ID-SN", "ID-SU", "ID-BT"]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    posts = interleave(*[traffic(r, VOTING_9AM, 30, 250, authors=400, abusive_share=0.1, tag="m") for r in REGIONS])
    parts = [partition_for(p.post.region, 8) for p in posts]
    best = float("inf")
    for _ in range(n):
        eng = RegionalEngine(config(), {}, {})
        t0 = time.perf_counter()
        for p, q in zip(posts, parts):
            eng.process(p, q, str(q % 2))
        best = min(best, time.perf_counter() - t0)
    print(f"process: {len(posts)} posts, best of {n}: {best / len(posts) * 1e6:.2f} us/post")
    # Stopped half-way, so many contributions are live; 20 copies of them under other keys.
    half = len(posts) // 2
    contributions: dict = {}
    state: dict = {}
    eng = RegionalEngine(config(), contributions, state)
    for p, q in zip(posts[:half], parts[:half]):
        eng.process(p, q, str(q % 2))
    contributions, state = recovered(contributions), recovered(state)  # as a restarted worker reads them
    many = {f"{k}{key}": v for k in range(20) for key, v in contributions.items()}
    again = RegionalEngine(config(), many, state)
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        again.rebuild()
        best = min(best, time.perf_counter() - t0)
    print(f"rebuild: {len(many)} contributions, best of {n}: {best * 1e3:.1f} ms ({best / len(many) * 1e6:.2f} us/record)")
    size = sum(len(orjson.dumps(v)) for v in contributions.values()) / len(contributions)
    print(f"changelog bytes per contribution: {size:.1f}")


if __name__ == "__main__":
    main()
