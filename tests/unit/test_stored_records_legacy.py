"""Records stored by the code of commit 7d37f1c (before named codecs), frozen in
tests/unit/data/stored_records_legacy.json (made by tests/unit/data/capture_stored_records.py): the
`contributions` and `engine-state` tables of an engine stopped mid-incident, and `delivered` marks.
A worker of any later build restarted on them must judge the rest of the stream exactly as that
commit's engine did."""

from __future__ import annotations

import copy
from pathlib import Path

import orjson

from models.base import SIGNALS
from streams.core.engine import RegionalEngine, partition_for
from streams.core.records import ScoredPost
from tests.unit.streams_factory import config

FIXTURE = Path(__file__).parent / "data" / "stored_records_legacy.json"
LEGACY = orjson.loads(FIXTURE.read_bytes())


def continuation() -> list[ScoredPost]:
    """The rest of the stream; a signal this build has and that commit had not scores 0 (as it
    reads in the frozen records)."""
    out = []
    for d in LEGACY["continuation"]:
        sp = ScoredPost.from_dict(d)
        out.append(ScoredPost(sp.post, {s: sp.scores.get(s, 0.0) for s in SIGNALS}, sp.labels, None, None,
                              sp.model_version, source=sp.source))
    return out


def brief(a) -> dict:
    d = a.to_dict()
    return {k: d[k] for k in LEGACY["expected_alerts"][0]}


def restart_and_continue(contributions: dict, state: dict) -> list[dict]:
    eng = RegionalEngine(config(), contributions, state)
    alerts = []
    for sp in continuation():
        alerts += eng.process(sp, partition_for(sp.post.region, LEGACY["partitions"]), str(sp.source))
    return [brief(a) for a in alerts]


def test_an_engine_restarted_on_legacy_tables_judges_the_rest_of_the_stream_as_that_commit_did():
    got = restart_and_continue(copy.deepcopy(LEGACY["contributions"]), copy.deepcopy(LEGACY["state"]))
    assert got == LEGACY["expected_alerts"]
    assert {a["status"] for a in got} == {"firing", "resolved"}  # the incident open at the split resolves


def test_replay_after_a_restart_on_legacy_tables_republishes_the_incidents_open_at_the_split():
    eng = RegionalEngine(config(), copy.deepcopy(LEGACY["contributions"]), copy.deepcopy(LEGACY["state"]))
    last_per_series_and_signal = {(a["region"], a["city"], a["signal"]): a["alert_id"]
                                  for a in LEGACY["alerts_before_split"]}
    assert sorted(a.alert_id for a in eng.replay_pending()) == sorted(last_per_series_and_signal.values())
