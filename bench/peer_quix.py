"""The peer: suhu's stage one and a per-region window count, written as plainly as possible on
Quix Streams, so users can see what they would get instead of suhu's Faust worker.

validate (suhu's own contract) -> fast-tier score (one post at a time, as a plain `apply` does)
-> group_by region (repartition topic) -> 5-minute tumbling window count per region, event time.
Rejected posts are filtered out (suhu dead-letters them; the generated input has none).
"""

from __future__ import annotations

import argparse
from datetime import timedelta

from quixstreams import Application

from models.scorer import load_scorer
from streams.core.contract import ContractLimits, Pseudonymizer, Rejection, validate_post
from streams.core.settings import load_settings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--sink", required=True)
    ap.add_argument("--group", required=True)
    ap.add_argument("--state-dir", required=True)
    a = ap.parse_args()

    settings = load_settings(env={})
    limits = ContractLimits.from_settings(settings)
    pseudonymize = Pseudonymizer.from_settings(settings)
    scorer = load_scorer()

    app = Application(broker_address=a.bootstrap, consumer_group=a.group, auto_offset_reset="earliest",
                      commit_interval=1.0, state_dir=a.state_dir, loglevel="WARNING")
    posts = app.topic(a.source, value_deserializer="bytes", key_deserializer="bytes")
    out = app.topic(a.sink, value_serializer="json")

    def score(raw: bytes) -> dict | None:
        import time

        post = validate_post(raw, limits=limits, pseudonymize=pseudonymize, now_ms=int(time.time() * 1000))
        if isinstance(post, Rejection):
            return None
        s = scorer.score_batch([post.text])[0]
        return {"id": post.id, "region": post.region, "event_ms": post.event_ms, "scores": dict(s.scores)}

    sdf = app.dataframe(posts)
    sdf = sdf.apply(score).filter(lambda v: v is not None)
    sdf = sdf.set_timestamp(lambda value, key, ts, headers: value["event_ms"])
    sdf = sdf.group_by("region")
    sdf = sdf.tumbling_window(timedelta(minutes=5), grace_ms=timedelta(seconds=60)).count().final()  # suhu: 60 s grace
    sdf.to_topic(out)
    app.run()


if __name__ == "__main__":
    main()
