"""Fault: bad input at volume (issue 6).

Two specifications: a property-based test (hypothesis) throws every kind of junk at the
validator, which must never raise and must name a known reason for each rejection; then a
seeded stream of the same kinds of junk, interleaved with valid posts, goes through the live
worker: it must not crash or stall, and every message ends up either scored or in the
dead-letter topic with exactly the reason the validator gives offline.
"""

from __future__ import annotations

import random
import time

import orjson
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from streams.core import topics as T
from streams.core.contract import REJECT_REASONS, ContractLimits, Rejection, validate_post
from streams.core.records import Post
from streams.core.settings import load_settings
from tests.integration.conftest import consume, free_ports, produce
from tests.integration.faults_support import wait_healthy

pytestmark = pytest.mark.faults

LIMITS = ContractLimits.from_settings(load_settings(env={}))
NOW_MS = 1_707_900_000_000  # 14 Feb 2024


def _pseudo(platform: str, author: str) -> str:
    return f"h:{len(platform)}:{len(author)}"


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40))
junk = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                    max_leaves=20)
timestamps = st.one_of(
    st.text(max_size=30),
    st.integers().map(str),
    st.sampled_from(["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+14:00", "2024-02-30T10:00:00+07:00",
                     "2024-02-14T10:00:00", "2024-02-14T10:00:00Z", "1970-01-01T00:00:00Z",
                     "2024-02-14T25:61:00+07:00", "+275760-09-13T00:00:00Z", "2024-02-14T10:00:00+99:00"]),
)
documents = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(junk, st.text(max_size=300)),
        "text": st.one_of(junk, st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
                          st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=50)),
        "created_at": st.one_of(junk, timestamps),
        "region": st.one_of(junk, st.text(max_size=40), st.integers(-10**20, 10**20)),
        "author_id": junk,
        "platform": junk,
        "lang": junk,
        "extra": junk,
    },
)
raw_messages = st.one_of(
    st.binary(max_size=300),  # mostly invalid UTF-8 / not JSON
    junk.map(lambda v: orjson.dumps(v, option=orjson.OPT_NON_STR_KEYS) if _dumpable(v) else b"\x00"),
    documents.map(lambda d: orjson.dumps(d) if _dumpable(d) else b"{"),
    st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n),  # nesting deeper than the parser allows
)


def _dumpable(v: object) -> bool:
    try:
        orjson.dumps(v, option=orjson.OPT_NON_STR_KEYS)
        return True
    except (TypeError, orjson.JSONEncodeError):
        return False


@hsettings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_messages)
def test_the_validator_never_raises_and_names_a_known_reason_for_every_rejection(raw: bytes) -> None:
    outcome = validate_post(raw, limits=LIMITS, pseudonymize=_pseudo, now_ms=NOW_MS)
    assert isinstance(outcome, (Post, Rejection))
    if isinstance(outcome, Rejection):
        assert outcome.reason in REJECT_REASONS
        assert outcome.detail
    else:
        assert outcome.text.strip() and len(outcome.text) <= LIMITS.max_text_chars
        assert LIMITS.oldest_event_ms <= outcome.event_ms <= NOW_MS + LIMITS.max_future_skew_ms


# ---------------------------------------------------------------------------------------- live


def valid_post(i: int) -> dict[str, object]:
    return {"id": f"ok{i}", "text": f"Antrean TPS {i} tertib, petugas KPPS sigap", "platform": "x",
            "created_at": f"2024-02-14T10:{i % 60:02d}:00+07:00", "region": "Jawa Tengah", "author_id": f"w{i}"}


def junk_message(rng: random.Random, i: int) -> bytes:
    """One of the kinds of junk named in issue 6, chosen and filled by a seeded RNG."""
    base = valid_post(i) | {"id": f"bad{i}"}
    kind = i % 12
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))) + b"\xff"  # invalid UTF-8
    if kind == 1:
        return orjson.dumps(base)[: rng.randrange(1, 40)]  # truncated JSON
    if kind == 2:
        return orjson.dumps(base | {rng.choice(["id", "text", "created_at"]): rng.choice([1, 2.5, [], {}, True])})
    if kind == 3:
        return orjson.dumps(base | {"text": "".join(chr(rng.randrange(0, 32)) for _ in range(50)) + "x"})
    if kind == 4:
        if i % 120 == 4:  # a few 2 MB texts (message_too_large), not 50: the broker is shared
            return orjson.dumps(base | {"text": "a" * 2_000_000})
        return orjson.dumps(base | {"text": "b" * (LIMITS.max_text_chars + 1)})
    if kind == 5:
        depth = rng.randrange(200, 5000)
        return b'{"id":"n%d","text":' % i + b"[" * depth + b"]" * depth + b"}"  # nested junk
    if kind == 6:
        return orjson.dumps(base | {"created_at": rng.choice(["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59Z",
                                                              "1970-01-01T00:00:00Z", "-1", "2024-13-40T99:99:99Z"])})
    if kind == 7:
        return orjson.dumps(base | {"region": rng.choice(["Atlantis", "Mars", "ID-XX", 99, "", "🏝️"])})  # unknown
    if kind == 8:
        return orjson.dumps(base | {"region": {"nested": [1, {"x": None}]}})
    if kind == 9:
        return orjson.dumps([base])  # not an object
    if kind == 10:
        return b""  # empty message
    return orjson.dumps(base | {"text": "\u0000\ud7ff\ufffe" + "x" * rng.randrange(30_000)})


@pytest.mark.integration
def test_a_stream_of_junk_through_the_live_worker_is_dead_lettered_with_reasons_and_never_stalls(
        kafka_settings_factory, worker_process, record_property):  # type: ignore[no-untyped-def]
    from streams.core.contract import Pseudonymizer

    (port,) = free_ports(1)
    settings = kafka_settings_factory(web_port=port, batch_deadline_ms=100)
    rng = random.Random(6)
    values: list[bytes] = []
    for i in range(600):  # junk and valid posts interleaved, junk first so nothing valid hides it
        values.append(junk_message(rng, i))
        if i % 3 == 0:
            values.append(orjson.dumps(valid_post(i)))
    pseudo = Pseudonymizer.from_settings(settings)
    limits = ContractLimits.from_settings(settings)
    now = int(time.time() * 1000)
    verdict = [validate_post(v, limits=limits, pseudonymize=pseudo, now_ms=now) for v in values]
    want_dead = [(v, o.reason) for v, o in zip(values, verdict) if isinstance(o, Rejection)]
    want_scored = {o.id for o in verdict if isinstance(o, Post)}
    assert len({r for _, r in want_dead}) >= 7, "the junk must exercise most reasons"

    worker = worker_process(settings)
    wait_healthy(port, worker)
    started = time.monotonic()
    produce(settings, T.POSTS, values, timeout_s=120)
    dead = consume(settings, T.POSTS_DLQ, min_messages=len(want_dead), timeout_s=180, max_idle_s=3)
    scored = consume(settings, T.POSTS_SCORED, min_messages=len(want_scored), timeout_s=120, max_idle_s=2)
    elapsed = time.monotonic() - started

    assert worker.alive(), worker.log_text()[-3000:]
    got_dead = sorted((bytes(r.value or b""), dict(r.headers)[T.DLQ_REASON_HEADER].decode()) for r in dead)
    assert got_dead == sorted(want_dead)  # every bad message once, original bytes, the offline reason
    assert {orjson.loads(r.value)["id"] for r in scored} == want_scored
    assert "Antrean TPS" not in worker.log_text()
    record_property("messages", len(values))
    record_property("dead_lettered", len(want_dead))
    print(f"\nFAULT bad-input: {len(values)} messages, {len(want_dead)} dead-lettered "
          f"({len({r for _, r in want_dead})} reasons), {len(want_scored)} scored, all out in {elapsed:.1f}s")
