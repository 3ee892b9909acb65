"""streams/core/codecs.py: every stored record reads the same whatever the build's signal order, records of
today's and earlier formats still load, new records round-trip through JSON, and what a build cannot
read is refused by name, never guessed."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import itertools
from pathlib import Path

import orjson
import pytest

from models.base import SIGNALS
from streams.core import aggregation, codecs, engine as engine_module
from streams.core.codecs import (
    CodecError,
    Contribution,
    ContributionCodec,
    contribution_labels,
    contribution_scores,
    decode_contribution,
    decode_delivered,
    decode_machine,
    decode_partition_state,
    encode_contribution,
    encode_delivered,
    encode_machine,
    encode_partition_state,
    machine_key,
    parse_state_key,
)
from streams.core.engine import RegionalEngine, partition_for
from streams.core.changelog import recovered
from tests.unit.streams_factory import MINUTE, VOTING_9AM, config, interleave, run, scored_post, traffic

LEGACY = orjson.loads((Path(__file__).parent / "data" / "stored_records_legacy.json").read_bytes())
FIVE = ("incivility", "hate", "provocation", "fraud_claim", "tension")  # the order of every legacy record

# Literal records in the formats written before streams/core/codecs.py (copied from the frozen fixture and
# from the layouts of earlier commits): [region, event_ms, author, scores_bp, label_bits, post_id,
# partition(, city(, source))].
LEGACY_9 = ["ID-JB", 1707876818731, "jb-a66", [8705, 8998, 142, 405, 659], 3, "jb-13-1", 2, "Bandung", 0]
LEGACY_9_TEXT = ["ID-JT", 1707876790000, "jt-a7", [120, 300, 9100, 50, 75], 4, "jt-12-1", 2, None, 2]
LEGACY_8 = ["ID-JB", 1707876818731, "jb-a66", [8705, 8998, 142, 405, 659], 3, "jb-13-1", 2, "Bandung"]
LEGACY_7 = ["ID-JB", 1707876818731, "jb-a66", [8705, 8998, 142, 405, 659], 3, "jb-13-1", 2]
NAMED_9 = {"incivility": 8705, "hate": 8998, "provocation": 142, "fraud_claim": 405, "tension": 659}


def json_trip(value):
    """What a changelog gives back: plain lists and dicts."""
    return orjson.loads(orjson.dumps(value))


def orders():
    """Today's order, every rotation and reversal of it, and orders with new signals (before, among
    and after the old ones) or with one removed."""
    out = [FIVE, FIVE[::-1]]
    out += [FIVE[i:] + FIVE[:i] for i in range(1, 5)]
    out += [("known_hoax",) + FIVE, FIVE[:2] + ("coordination",) + FIVE[2:] + ("known_hoax",), FIVE[1:]]
    return out


# ------------------------------------------------------------------------------ the layout registry
def test_this_builds_signal_order_is_a_registered_layout():
    """Adding or reordering a signal in models.base.SIGNALS? Append its order to codecs.SIGNAL_LAYOUTS
    (never edit an entry): records then name it by id instead of carrying the list of names."""
    assert tuple(SIGNALS) in codecs.SIGNAL_LAYOUTS.values(), (
        f"append {tuple(SIGNALS)!r} to streams.core.codecs.SIGNAL_LAYOUTS under a new id")


def test_layout_one_is_the_order_every_legacy_record_was_written_in():
    assert codecs.SIGNAL_LAYOUTS[1] == codecs.LEGACY_SIGNALS == FIVE == tuple(LEGACY["signals"])
    assert codecs.REGION_SOURCE_CODES[:3] == ("field", "profile", "text")


# ------------------------------------------------------------------------------ contributions: legacy
@pytest.mark.parametrize("record,city,source", [(LEGACY_9, "Bandung", "field"), (LEGACY_8, "Bandung", "field"),
                                                (LEGACY_7, None, "field")])
def test_legacy_contributions_of_seven_eight_and_nine_fields_decode_by_name(record, city, source):
    for signals in orders():
        c = decode_contribution(json_trip(record), signals)
        scores, labels = ContributionCodec(signals).named(c)
        assert scores == {s: NAMED_9.get(s, 0) for s in signals}
        assert labels == {"incivility", "hate"} & set(signals)
        assert (c.region, c.event_ms, c.author, c.post_id, c.partition, c.city) == \
               ("ID-JB", 1707876818731, "jb-a66", "jb-13-1", 2, city)
        assert aggregation.SOURCE_NAMES[c.source] == source


def test_a_legacy_contribution_keeps_its_region_source():
    c = decode_contribution(LEGACY_9_TEXT)
    assert aggregation.SOURCE_NAMES[c.source] == "text"
    assert contribution_labels(LEGACY_9_TEXT) == {"provocation"}
    assert contribution_scores(LEGACY_9_TEXT) == {"incivility": 120, "hate": 300, "provocation": 9100,
                                                  "fraud_claim": 50, "tension": 75}


def test_every_contribution_of_the_frozen_tables_decodes_to_the_post_that_wrote_it_in_any_signal_order():
    assert len(LEGACY["contributions"]) > 100
    for signals in orders():
        codec = ContributionCodec(signals)
        for key, record in LEGACY["contributions"].items():
            want = LEGACY["contents"][key]
            c = codec.decode(record)
            scores, labels = codec.named(c)
            assert scores == {s: want["scores_bp"].get(s, 0) for s in signals}
            assert labels == set(want["labels"]) & set(signals)
            assert (c.region, c.event_ms, c.author, c.post_id, c.partition, c.city) == \
                   (want["region"], want["event_ms"], want["author"], want["post_id"], want["partition"], want["city"])
            assert codec.sources[c.source] == want["source"]


# ------------------------------------------------------------------------------ contributions: format 1
def test_a_new_contribution_is_written_in_the_versioned_format_with_its_layout_id():
    c = Contribution("ID-JB", 1707876818731, "jb-a66", [8705, 8998, 142, 405, 659], 3, "jb-13-1", 2, "Bandung", 1)
    assert encode_contribution(c, FIVE) == [1, 1, "ID-JB", 1707876818731, "jb-a66", [8705, 8998, 142, 405, 659], 3,
                                            "jb-13-1", 2, "Bandung", 1]


def test_format_one_records_as_written_decode_literally():
    # Frozen literals: if this fails, the format changed without a new version number.
    record = [1, 1, "ID-JT", 1707876790000, "jt-a7", [120, 300, 9100, 50, 75], 4, "jt-12-1", 2, None, 2]
    assert contribution_scores(record) == {"incivility": 120, "hate": 300, "provocation": 9100,
                                           "fraud_claim": 50, "tension": 75}
    assert contribution_labels(record) == {"provocation"}
    named = [1, ["tension", "known_hoax", "hate"], "ID-JT", 1707876790000, "jt-a7", [75, 6000, 300], 3, "jt-12-1",
             2, None, 1]
    assert contribution_scores(named) == {"tension": 75, "known_hoax": 6000, "hate": 300}
    assert contribution_labels(named) == {"tension", "known_hoax"}
    c = decode_contribution(named, FIVE)
    assert ContributionCodec(FIVE).named(c) == (
        {"incivility": 0, "hate": 300, "provocation": 0, "fraud_claim": 0, "tension": 75}, {"tension"})
    assert aggregation.SOURCE_NAMES[c.source] == "profile"


@pytest.mark.parametrize("writer", orders(), ids=lambda o: ",".join(o))
def test_a_record_written_in_any_signal_order_reads_the_same_in_any_other(writer):
    scores = {s: 1000 + 37 * i for i, s in enumerate(writer)}
    labelled = set(writer[::2])
    w = ContributionCodec(writer)
    bits = sum(1 << i for i, s in enumerate(writer) if s in labelled)
    stored = json_trip(w.encode(Contribution("ID-SN", 5, "a", [scores[s] for s in writer], bits, "p", 7, None, 2)))
    assert stored[1] == (1 if writer == FIVE else list(writer))  # a layout id, or the names themselves
    assert contribution_scores(stored) == scores and contribution_labels(stored) == labelled
    for reader in orders():
        r = ContributionCodec(reader)
        got_scores, got_labels = r.named(r.decode(stored))
        assert got_scores == {s: scores.get(s, 0) for s in reader}
        assert got_labels == labelled & set(reader)


def test_new_contributions_round_trip_through_json():
    codec = ContributionCodec(FIVE)
    for source in range(3):
        c = Contribution("ID-JB", 1707876818731, "~x:1", [0, 10000, 1, 9999, 5000], 0b10101, "1", 0, "Bandung", source)
        assert codec.decode(json_trip(codec.encode(c))) == c
        assert codec.decode(codec.encode(tuple(c))) == c  # the engine's hot path hands a plain tuple


def test_decoding_into_the_writers_own_order_shares_the_score_list():
    codec = ContributionCodec(FIVE)
    stored = json_trip(codec.encode(Contribution("ID-JB", 1, "a", [1, 2, 3, 4, 5], 0, "p", 0, None, 0)))
    assert codec.decode(stored).scores is stored[5]


@pytest.mark.parametrize("record,why", [
    ([2, 1, "ID-JB", 1, "a", [1, 2, 3, 4, 5], 0, "p", 0, None, 0], "unknown format 2"),
    ([1, 99, "ID-JB", 1, "a", [1, 2, 3, 4, 5], 0, "p", 0, None, 0], "unknown signal layout 99"),
    ([1, 1, "ID-JB", 1, "a", [1, 2, 3], 0, "p", 0, None, 0], "3 scores"),
    ([1, 1, "ID-JB", 1, "a", [1, 2, 3, 4, 5], 0, "p", 0, None], "11 fields"),
    ([1, 1, "ID-JB", 1, "a", [1, 2, 3, 4, 5], 0, "p", 0, None, 9], "unknown region source code 9"),
    (["ID-JB", 1, "a", [1, 2, 3, 4, 5], 0], "7 to 9 fields"),
    ({"region": "ID-JB"}, "malformed"),
    (None, "malformed"),
])
def test_a_contribution_this_build_cannot_read_is_refused_by_name(record, why):
    with pytest.raises(CodecError, match=why) as err:
        decode_contribution(record, FIVE)
    assert err.value.table == "contributions"


def test_a_codec_refuses_a_signal_order_that_repeats_a_name():
    with pytest.raises(ValueError, match="repeat"):
        ContributionCodec(("hate", "hate"))


# ------------------------------------------------------------------------------ engine-state
P_LEGACY = {"c": 1707877020000, "i": [], "lo": None, "r": ["ID-JT", "ID-JB"], "t": 1707877127031,
            "w": {"0": 1707877132152, "1": 1707877127031}}
M_LEGACY = {"b": 0.0, "bn": 14, "bt": 1707877020000, "c": 0, "k": None, "n": 0, "r": 0, "s": "ok", "sev": None,
            "v": 0.0}


def test_state_keys_name_the_partition_or_the_series_and_signal():
    assert machine_key("ID-JB/Bandung", "known_hoax") == "m:ID-JB/Bandung:known_hoax"
    assert parse_state_key("m:ID-JB/Bandung:known_hoax") == ("m", "ID-JB/Bandung", "known_hoax")
    assert parse_state_key("m:ID-JB:hate") == ("m", "ID-JB", "hate")
    assert parse_state_key("p:12") == ("p", 12, None)
    assert parse_state_key("p:x")[0] == parse_state_key("m:nosignal")[0] == parse_state_key("z:1")[0] == "?"


def test_legacy_state_records_decode_and_new_ones_carry_their_format():
    assert LEGACY["state"]["p:2"] == P_LEGACY and LEGACY["state"]["m:ID-JB/Bandung:fraud_claim"] == M_LEGACY
    assert decode_partition_state(P_LEGACY) == {**P_LEGACY, "e": {}}  # written before reporting times
    assert decode_partition_state({"t": 5, "c": None, "r": ["ID-JB"]}) == {  # the oldest: before watermarks
        "t": 5, "c": None, "r": ["ID-JB"], "w": {}, "i": [], "lo": None, "e": {}}
    assert encode_partition_state(P_LEGACY) == {"fmt": 1, **P_LEGACY}
    assert decode_partition_state(json_trip(encode_partition_state(P_LEGACY))) == {**P_LEGACY, "e": {}}
    reported = {**P_LEGACY, "e": {"0": 1707877133000, "1": 1707877133000}}  # when each source last reported
    assert encode_partition_state(reported) == {"fmt": 1, **reported}  # an optional field of format 1
    assert decode_partition_state(json_trip(encode_partition_state(reported))) == reported
    assert decode_machine(M_LEGACY) == M_LEGACY
    assert encode_machine(M_LEGACY) == {"fmt": 1, **M_LEGACY} and "fmt" not in M_LEGACY
    assert decode_machine(json_trip(encode_machine(M_LEGACY))) == M_LEGACY
    for key, value in LEGACY["state"].items():
        kind = parse_state_key(key)[0]
        assert (decode_partition_state if kind == "p" else decode_machine)(value)


def test_a_partition_state_copies_what_it_stores():
    part = copy.deepcopy(P_LEGACY)
    stored = encode_partition_state(part)
    part["r"].append("ID-BA")
    part["w"]["2"] = 1
    assert stored["r"] == ["ID-JT", "ID-JB"] and "2" not in stored["w"]


@pytest.mark.parametrize("decode", [decode_partition_state, decode_machine])
def test_a_state_record_of_a_newer_format_is_refused(decode):
    with pytest.raises(CodecError, match="unknown format 2"):
        decode({"fmt": 2, "s": "ok"})
    with pytest.raises(CodecError, match="JSON object"):
        decode([1, 2])


# ------------------------------------------------------------------------------ delivered
def test_delivered_marks_old_and_new():
    legacy = LEGACY["delivered"]
    assert set(legacy.values()) == {1707900000}  # format 0: the bare time the stage wrote
    assert all(decode_delivered(v) == 1707900000 for v in legacy.values())
    assert encode_delivered(1707900000.75) == {"fmt": 1, "at": 1707900000}
    assert decode_delivered(json_trip(encode_delivered(1707900000.75))) == 1707900000
    assert decode_delivered(None) is None
    with pytest.raises(CodecError, match="unknown format 2"):
        decode_delivered({"fmt": 2, "at": 1})
    with pytest.raises(CodecError, match="no time"):
        decode_delivered({"fmt": 1})


def test_coordination_state_records_carry_their_format_and_old_ones_decode():
    state = {"s": "firing", "sev": "warning", "k": ["x:1", "x:2"], "t": 5, "f": 5, "d": {"size": 12}, "e": ["1"]}
    stored = codecs.encode_coordination(state)
    assert stored["fmt"] == codecs.COORDINATION_FORMAT == 1 and "fmt" not in state
    assert codecs.decode_coordination(json_trip(stored)) == state
    assert codecs.decode_coordination(dict(state)) == state  # written before the codecs: no fmt
    with pytest.raises(CodecError, match="unknown format 2"):
        codecs.decode_coordination({"fmt": 2, "s": "firing"})
    with pytest.raises(CodecError, match="no status"):
        codecs.decode_coordination({"fmt": 1})


def test_the_deliver_stage_skips_alerts_marked_in_any_format_and_counts_an_unreadable_mark_as_delivered():
    from streams.runtime.delivery_stage import DeliveryStage
    from streams.core.records import Alert

    last = LEGACY["state"]["m:ID-JB/Bandung:hate"]["last"]
    alert = Alert.from_dict(last)
    for mark in (1707900000, {"fmt": 1, "at": 1}, {"fmt": 9, "whatever": True}):
        stage = DeliveryStage([], {alert.alert_id: mark})
        assert asyncio.run(stage.handle(alert.to_json(), 0)) == "duplicate"
    delivered: dict = {}
    assert asyncio.run(DeliveryStage([], delivered, clock=lambda: 7.5).handle(alert.to_json(), 0)) == "delivered"
    assert delivered == {alert.alert_id: {"fmt": 1, "at": 7}}


# ------------------------------------------------------------------------------ the engine
def permute_signals(monkeypatch, order):
    """This build with another signal order: everything that lays scores out by position."""
    monkeypatch.setattr(engine_module, "SIGNALS", order)
    monkeypatch.setattr(aggregation, "SIGNALS", order)


def comparable(alerts):
    return sorted((a.to_dict() for a in alerts), key=lambda d: (d["window_end"], d["region"], d["city"] or "",
                                                                 d["signal"], d["status"]))


def continuation():
    from tests.unit.test_stored_records_legacy import continuation as frozen

    return frozen()


@pytest.mark.parametrize("order", [FIVE[::-1], FIVE[2:] + FIVE[:2]], ids=["reversed", "rotated"])
def test_an_engine_with_another_signal_order_restarts_on_legacy_tables_and_judges_the_same(monkeypatch, order):
    permute_signals(monkeypatch, order)
    eng = RegionalEngine(config(), copy.deepcopy(LEGACY["contributions"]), copy.deepcopy(LEGACY["state"]))
    assert eng.stats["unreadable_records"] == 0
    got = []
    for sp in continuation():
        got += eng.process(sp, partition_for(sp.post.region, LEGACY["partitions"]), str(sp.source))
    brief = [{k: a.to_dict()[k] for k in LEGACY["expected_alerts"][0]} for a in got]
    key = lambda d: (d["window_end"], d["region"], d["city"] or "", d["signal"], d["status"])  # noqa: E731
    assert sorted(brief, key=key) == sorted(LEGACY["expected_alerts"], key=key)


def mixed_stream():
    calm = traffic("ID-JB", VOTING_9AM, 40, 14, authors=120, tag="calm")
    hot = traffic("ID-JB", VOTING_9AM + 10 * MINUTE, 12, 14, authors=100, abusive_share=0.8,
                  signals=("tension", "provocation"), tag="hot")
    city = [scored_post("ID-JB", p.post.event_ms + 1, p.post.id + "-c", author=p.post.author,
                        abusive=tuple(p.labels)) for p in hot[::2]]
    city = [dataclasses.replace(p, post=dataclasses.replace(p.post, city="Bandung")) for p in city]
    return interleave(calm, hot, city)


def test_tables_written_by_a_build_with_another_signal_order_give_the_same_alerts_after_a_restart(monkeypatch):
    stream = mixed_stream()
    part = lambda region: 1  # noqa: E731
    uninterrupted = run(stream, partition_of=part)
    assert {a.signal for a in uninterrupted} >= {"tension", "provocation"}
    half = len(stream) // 2
    for writer in (FIVE[::-1], FIVE[1:] + FIVE[:1]):
        with monkeypatch.context() as m:
            permute_signals(m, writer)
            contributions, state = {}, {}
            first = run(stream[:half], RegionalEngine(config(), contributions, state), partition_of=part)
        contributions, state = recovered(contributions), recovered(state)
        assert all(v[1] == list(writer) for v in contributions.values())  # unregistered orders: names carried
        second = RegionalEngine(config(), contributions, state)
        assert second.stats["unreadable_records"] == 0
        got = first + run(stream[half:], second, partition_of=part)
        assert comparable(got) == comparable(uninterrupted)


def test_the_engine_skips_and_counts_records_newer_than_it_reads():
    contributions = copy.deepcopy(LEGACY["contributions"])
    state = copy.deepcopy(LEGACY["state"])
    contributions["x:future"] = [2, 1, "ID-JB", 1707876818731, "a", [1, 2, 3, 4, 5], 0, "future", 2, None, 0]
    state["m:ID-JB:hate"] = {"fmt": 7, "s": "firing"}
    state["m:ID-JB:signal-of-another-build"] = {"fmt": 1, "s": "firing"}  # not judged here: left alone
    eng = RegionalEngine(config(), contributions, state)
    assert eng.stats["unreadable_records"] == 2
    assert "x:future" in contributions and "m:ID-JB:signal-of-another-build" in state


def test_the_engine_writes_every_record_in_the_current_formats():
    contributions, state = {}, {}
    run(mixed_stream(), RegionalEngine(config(), contributions, state), partition_of=lambda r: 1)
    current = next(i for i, names in codecs.SIGNAL_LAYOUTS.items() if names == tuple(SIGNALS))
    held = [orjson.loads(v) for v in contributions.values()]  # held as the JSON the changelog carries
    assert held and all(v[0] == 1 and v[1] == current for v in held)
    assert state and all(v["fmt"] == 1 for v in state.values())
    assert any(k.startswith("m:ID-JB/Bandung:") for k in state) and "p:1" in state


def test_every_permutation_of_the_five_signals_decodes_the_frozen_tables_alike():
    first = next(iter(LEGACY["contributions"].values()))
    want = contribution_scores(first)
    for order in itertools.permutations(FIVE):
        c = decode_contribution(first, order)
        assert dict(zip(order, c.scores)) == want


def test_a_decoded_author_is_one_shared_string_and_the_sharing_map_stays_bounded(monkeypatch):
    """Open windows hold each post's author: decoded copies of one pseudonym are one string, and the map
    that shares them never outgrows its size (emptied when full, so nothing is kept for ever)."""
    from streams.core import records

    a, b = (orjson.loads(b'"a_0f0f0f0f0f0f0f0f0f0f"') for _ in range(2))  # two decoded copies
    assert a is not b and records.shared_author(a) is records.shared_author(b)
    assert records.shared_author(None) is None
    monkeypatch.setattr(records, "AUTHOR_CACHE_SIZE", 100)
    monkeypatch.setattr(records, "_AUTHORS", {})
    for i in range(1000):
        records.shared_author(f"a_{i:020x}")
        assert len(records._AUTHORS) <= 100
