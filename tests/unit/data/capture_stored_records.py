"""How `stored_records_legacy.json` was made: the engine and the deliver stage of commit 7d37f1c (before
streams/core/codecs.py) run on a small literal stream, and what they wrote to their tables frozen as is.

Kept for the record, not for re-running: today's code writes the current format, so running it now
makes a fixture of that format instead (useful for freezing a future version's records the same way):

    PYTHONPATH=. .venv/bin/python tests/unit/data/capture_stored_records.py OUT.json

The stream: West Java calm (half of its posts from Kota Bandung, a judged city), a hate incident
from minute 10 to 22 that fires (province and city) before the split and resolves after it, and Central
Java whose regions came from the author's profile or the post's text. The engine stops at the split
(minute 19); ``contributions`` and ``state`` are its two tables then, ``continuation`` the rest of the
stream, ``expected_alerts`` what the engine of that commit published on it after a restart from the
tables, and ``contents`` each contribution as the post that wrote it (named fields: the ground truth a
decoder must reproduce, whatever the signal order).
"""

from __future__ import annotations

import asyncio
import random
import sys
from datetime import datetime, timezone

import orjson

from models.base import SIGNALS
from streams.runtime.delivery_stage import DeliveryStage
from streams.core.changelog import recovered
from streams.core.engine import RegionalEngine, partition_for
from streams.core.records import Alert, Post, ScoredPost
from tests.unit.streams_factory import MINUTE, VOTING_9AM, config

PARTITIONS = 4
SPLIT_MS = VOTING_9AM + 19 * MINUTE


def post(region, ev, pid, author, abusive, rng, *, city=None, source=None):
    scores = {s: round(rng.uniform(0.80, 0.98) if s in abusive else rng.uniform(0.01, 0.15), 4) for s in SIGNALS}
    created = datetime.fromtimestamp(ev / 1000, tz=timezone.utc).isoformat()
    p = Post(id=pid, text="(synthetic)", created_at=created, event_ms=ev, platform="x", region=region, city=city,
             author=author, region_source=source)
    return ScoredPost(p, scores, tuple(s for s in SIGNALS if s in abusive), None, None, "synthetic",
                      source=rng.randrange(2))  # the `posts` partition it came from: two watermark sources


def stream():
    rng = random.Random("stored-records-v0")
    out = []
    for m in range(34):
        for k in range(12):
            ev = VOTING_9AM + m * MINUTE + rng.randrange(MINUTE)
            bad = 10 <= m < 22 and rng.random() < 0.7
            out.append(post("ID-JB", ev, f"jb-{m}-{k}", f"jb-a{rng.randrange(80)}", ("hate", "incivility") if bad else (),
                            rng, city="Bandung" if k % 2 else None))
        for k in range(6):
            ev = VOTING_9AM + m * MINUTE + rng.randrange(MINUTE)
            source = ("profile", "text", "field")[k % 3]
            labels = ("provocation",) if rng.random() < 0.2 else ()
            out.append(post("ID-JT", ev, f"jt-{m}-{k}", f"jt-a{rng.randrange(40)}" if k != 5 else None, labels, rng,
                            source=source))
    out.sort(key=lambda p: (p.post.event_ms, p.post.id))
    return out


def main(path: str) -> None:
    posts = stream()
    first = [p for p in posts if p.post.event_ms < SPLIT_MS]
    rest = [p for p in posts if p.post.event_ms >= SPLIT_MS]
    contributions, state = {}, {}
    eng = RegionalEngine(config(), contributions, state)
    before = []
    for p in first:
        before += eng.process(p, partition_for(p.post.region, PARTITIONS), str(p.source))
    contributions = recovered(contributions)
    state = recovered(state)
    restarted = RegionalEngine(config(), recovered(contributions), recovered(state))
    after = []
    for p in rest:
        after += restarted.process(p, partition_for(p.post.region, PARTITIONS), str(p.source))
    by_key = {p.post.dedup_key: p for p in first}
    contents = {}
    for key in contributions:
        sp = by_key[key]
        contents[key] = {
            "region": sp.post.region, "event_ms": sp.post.event_ms, "author": sp.post.author or f"~{key}",
            "scores_bp": {s: int(sp.scores[s] * 10_000 + 0.5) for s in SIGNALS}, "labels": sorted(sp.labels),
            "post_id": sp.post.id, "partition": partition_for(sp.post.region, PARTITIONS),
            "city": sp.post.city, "source": sp.post.source,
        }

    # The deliver stage's table: alert_id -> what it writes after a page.
    delivered: dict = {}
    stage = DeliveryStage([], delivered, clock=lambda: 1_707_900_000.75)
    for a in before[:2]:
        asyncio.run(stage.handle(a.to_json(), 0))

    doc = {
        "signals": list(SIGNALS),
        "partitions": PARTITIONS,
        "alerts_before_split": [_brief(a) for a in before],
        "contributions": contributions,
        "state": state,
        "delivered": orjson.loads(orjson.dumps(delivered)),
        "contents": contents,
        "continuation": [_slim(p) for p in rest],
        "expected_alerts": [_brief(a) for a in after],
    }
    with open(path, "wb") as f:
        f.write(_lines(doc))
    print(f"{len(first)} posts before the split, {len(rest)} after; {len(contributions)} contributions, "
          f"{len(state)} state records; alerts {len(before)} before, {len(after)} after", file=sys.stderr)


def _slim(sp: ScoredPost) -> dict:
    d = sp.to_dict()
    return {k: d[k] for k in ("id", "text", "created_at", "event_ms", "platform", "region", "city", "author_id",
                              "region_source", "scores", "labels", "model_version", "source_partition")}


def _lines(doc: dict) -> bytes:
    """Sorted JSON, one table entry / list item a line (reviewable diffs)."""
    out = [b"{"]
    keys = sorted(doc)
    for n, k in enumerate(keys):
        v = doc[k]
        end = b"," if n < len(keys) - 1 else b""
        if isinstance(v, dict) and v and all(isinstance(x, (dict, list)) for x in v.values()):
            items = sorted(v.items())
            body = b",\n".join(b"  " + orjson.dumps(ik) + b": " + orjson.dumps(iv, option=orjson.OPT_SORT_KEYS)
                               for ik, iv in items)
            out.append(orjson.dumps(k) + b": {\n" + body + b"\n}" + end)
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            body = b",\n".join(b"  " + orjson.dumps(x, option=orjson.OPT_SORT_KEYS) for x in v)
            out.append(orjson.dumps(k) + b": [\n" + body + b"\n]" + end)
        else:
            out.append(orjson.dumps(k) + b": " + orjson.dumps(v, option=orjson.OPT_SORT_KEYS) + end)
    out.append(b"}\n")
    return b"\n".join(out)


def _brief(a: Alert) -> dict:
    return {k: a.to_dict()[k] for k in ("alert_id", "status", "severity", "region", "city", "signal", "value",
                                         "post_count", "author_count", "window_end")}


if __name__ == "__main__":
    main(sys.argv[1])
