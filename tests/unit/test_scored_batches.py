"""`posts-scored` carries a scoring batch's posts for one partition in one record (streams/core/records.py).

Why: every record is a trip through Faust's per-message machinery twice (produced by the scoring stage,
consumed by the aggregate stage); one record per post held one worker to a fifth of the scorer's rate
(issue 12). Each post stays on its region's partition and each partition sees the batch's posts in
batch order (a post moves its source's mark there), so the aggregate stage sees what it saw before;
a record of the older one-post format still reads.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import orjson
import pytest

from streams.core.changelog import ChangelogBuffer
from streams.core.pipeline import BatchResult
from streams.core.engine import partition_for
from streams.core.records import (SCORED_BATCH_KEY, SCORED_BATCH_KIND, ScoredPost, scored_batch_records,
                                  scored_posts_of)
from streams.runtime.aggregate_stage import AggregateStage
from streams.runtime.scoring_stage import ScoringStage
from tests.unit import streams_factory as f
from tests.unit.test_checkpoint import ev


class Metrics:
    def __getattr__(self, name: str) -> Any:
        return lambda *a, **k: None


def posts(n: int = 12) -> list[ScoredPost]:
    return f.interleave(f.traffic("ID-JB", f.VOTING_9AM, 1, n // 2, authors=5, tag="jb"),
                        f.traffic("ID-AC", f.VOTING_9AM, 1, n - n // 2, authors=5, tag="ac"))


def test_a_batch_record_reads_back_as_the_same_posts_in_the_same_order():
    sps = posts()
    (record,) = scored_batch_records([sp.to_json() for sp in sps])
    assert orjson.loads(record)["kind"] == SCORED_BATCH_KIND
    assert [sp.to_json() for sp in scored_posts_of(record)] == [sp.to_json() for sp in sps]


def test_records_stay_under_the_size_cap_and_a_post_over_it_goes_alone():
    bodies = [sp.to_json() for sp in posts(12)]
    cap = 3 * max(map(len, bodies))
    records = scored_batch_records(bodies, max_bytes=cap)
    assert len(records) >= 4 and all(len(r) <= cap + 64 for r in records)
    assert [sp.to_json() for r in records for sp in scored_posts_of(r)] == bodies
    assert len(scored_batch_records(bodies[:3], max_bytes=10)) == 3
    assert scored_batch_records([]) == []


def test_a_record_of_the_older_one_post_format_still_reads_and_a_newer_format_is_refused():
    sp = posts(2)[0]
    assert [p.to_json() for p in scored_posts_of(sp.to_json())] == [sp.to_json()]
    newer = orjson.loads(scored_batch_records([sp.to_json()])[0]) | {"fmt": 2}
    with pytest.raises(ValueError, match="unknown format"):
        scored_posts_of(orjson.dumps(newer))


async def test_the_scoring_stage_writes_one_record_per_partition_each_post_on_its_regions_partition_in_batch_order():
    sps = f.interleave(*(f.traffic(r, f.VOTING_9AM, 1, 6, authors=5, tag=r)
                         for r in ("ID-JB", "ID-AC", "ID-JK", "ID-BA", "ID-PA", "ID-SN", "ID-JT", "ID-JI")))

    class Processor:
        def process(self, raws: list[bytes]) -> BatchResult:
            return BatchResult(scored=list(enumerate(sps)))

    settings = SimpleNamespace(transformer_dir=None, transformer_mode="off", topic_partitions=4)
    stage = ScoringStage(settings, Processor(), Metrics(), scored_topic="posts-scored",  # type: ignore[arg-type]
                         dlq_topic="posts-dlq", match=lambda sp: None)
    events = [ev("posts", i % 3, 100 + i, b"k", b"{}") for i in range(len(sps))]
    out = await stage.score(events)
    scored = [r for r in out.records if r.topic == "posts-scored"]
    used = {partition_for(sp.post.region, 4) for sp in sps}
    assert len(used) > 1 and sorted(r.partition for r in scored) == sorted(used)  # one record per partition
    for r in scored:
        got = scored_posts_of(r.value)
        assert r.key == SCORED_BATCH_KEY and len({sp.post.region for sp in got}) >= 1
        assert [sp.post.id for sp in got] == [sp.post.id for sp in sps if partition_for(sp.post.region, 4) == r.partition]
    assert sum(len(scored_posts_of(r.value)) for r in scored) == len(sps)
    by_id = {sp.post.id: i for i, sp in enumerate(sps)}
    assert all(sp.source == by_id[sp.post.id] % 3 for r in scored for sp in scored_posts_of(r.value))


def test_the_aggregate_stage_gives_the_same_alerts_and_state_from_batches_as_from_one_post_per_record():
    stream = f.interleave(
        f.traffic("ID-JB", f.VOTING_9AM, 40, 30, authors=60, tag="bg"),
        f.traffic("ID-JB", f.VOTING_9AM + 15 * f.MINUTE, 10, 30, authors=60, abusive_share=0.9, tag="incident"),
    )
    results = []
    for batched in (False, True):
        contributions, state = ChangelogBuffer({}), ChangelogBuffer({})
        stage = AggregateStage(f.engine(contributions=contributions, state=state), Metrics(), "alerts")  # type: ignore[arg-type]
        alerts = []
        for start in range(0, len(stream), 50):
            chunk = stream[start:start + 50]
            values = scored_batch_records([sp.to_json() for sp in chunk]) if batched else [sp.to_json() for sp in chunk]
            events = [ev("posts-scored", 4, start + i, b"ID-JB", v) for i, v in enumerate(values)]
            alerts.extend(r.value for r in stage.alerts(events))
        results.append((alerts, dict(contributions.backing), dict(state.backing)))
    assert results[0][0], "the incident fires"
    assert results[0] == results[1]
