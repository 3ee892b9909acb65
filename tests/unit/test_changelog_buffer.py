"""ChangelogBuffer: the engine's tables, written once per batch to the changelog (streams/core/changelog.py)."""

from __future__ import annotations

from streams.core.changelog import DELETED, ChangelogBuffer


def test_only_the_last_value_of_a_key_in_a_batch_is_sent_to_the_partition_that_wrote_it() -> None:
    buf = ChangelogBuffer({})
    buf.at(3)["p:3"] = {"t": 1}
    buf.at(3)["p:3"] = {"t": 2}
    buf.at(5)["p:5"] = {"t": 9}
    assert buf.drain() == [(3, "p:3", {"t": 2}), (5, "p:5", {"t": 9})]
    assert buf.drain() == []
    assert buf["p:3"] == {"t": 2} and len(buf) == 2


def test_deleting_a_key_that_the_changelog_has_sends_a_tombstone() -> None:
    buf = ChangelogBuffer({"c1": [1]})  # e.g. recovered from the changelog
    assert buf.at(1).pop("c1", None) == [1]
    assert "c1" not in buf
    assert buf.drain() == [(1, "c1", DELETED)]


def test_a_key_created_and_deleted_in_the_same_batch_never_reaches_the_changelog() -> None:
    buf = ChangelogBuffer({})
    p0 = buf.at(0)
    p0["c1"] = [1]
    p0["c2"] = [2]
    del p0["c1"]
    assert buf.drain() == [(0, "c2", [2])]
    # once drained, c2 is on the changelog: deleting it now needs a tombstone
    del p0["c2"]
    assert buf.drain() == [(0, "c2", DELETED)]


def test_deleted_then_written_again_sends_the_new_value() -> None:
    buf = ChangelogBuffer({"k": 1})
    del buf.at(0)["k"]
    buf.at(0)["k"] = 2
    assert buf.drain() == [(0, "k", 2)]


def test_a_write_without_a_partition_is_refused() -> None:
    import pytest

    buf = ChangelogBuffer({"k": 1})
    with pytest.raises(TypeError):
        buf["k"] = 2
    with pytest.raises(TypeError):
        del buf["k"]
    assert buf["k"] == 1 and buf.pending == 0
    assert buf.at(4).pop("missing", "default") == "default" and buf.pending == 0


def test_reads_see_the_backing_store_so_recovered_state_is_visible() -> None:
    backing = {"m:ID-JB:hate": {"s": "firing"}}
    buf = ChangelogBuffer(backing)
    assert "m:ID-JB:hate" in buf and buf.get("m:ID-JB:hate") == {"s": "firing"}
    assert dict(buf.items()) == backing and buf.get("nope") is None
    assert buf.pending == 0


def _apply(log: dict, buffer: ChangelogBuffer) -> None:
    """What a consumer of the changelog (Faust's recovery) ends up with."""
    for partition, key, value in buffer.drain():
        if key.startswith("p:"):  # a partition's clock goes to its own changelog partition
            assert int(key[2:]) == partition
        if value is DELETED:
            log.pop(key, None)
        else:
            log[key] = value


def test_the_engine_through_buffers_alerts_and_leaves_on_the_changelog_what_plain_dicts_hold() -> None:
    from tests.unit import streams_factory as f

    posts = f.interleave(
        f.traffic("ID-JB", f.VOTING_9AM, 40, 30, authors=60, tag="bg"),
        f.traffic("ID-JB", f.VOTING_9AM + 15 * f.MINUTE, 10, 30, authors=60, abusive_share=0.9, tag="incident"),
        f.traffic("ID-JK", f.VOTING_9AM, 40, 20, authors=60, tag="bg"),
    )
    plain_c: dict = {}
    plain_s: dict = {}
    reference = f.engine(contributions=plain_c, state=plain_s)
    cb, sb = ChangelogBuffer({}), ChangelogBuffer({})
    buffered = f.engine(contributions=cb, state=sb)
    log_c: dict = {}
    log_s: dict = {}
    alerts = []
    for i, sp in enumerate(posts):
        partition = 1 if sp.post.region == "ID-JB" else 6
        out = buffered.process(sp, partition)
        assert out == reference.process(sp, partition)
        alerts += out
        if i % 97 == 96:  # a batch boundary
            _apply(log_c, cb)
            _apply(log_s, sb)
    _apply(log_c, cb)
    _apply(log_s, sb)
    assert any(a.status == "firing" for a in alerts) and any(a.status == "resolved" for a in alerts)
    assert log_c == plain_c and log_s == plain_s

    # and a worker recovering from that changelog rebuilds to the same decisions
    recovered = f.engine(contributions=dict(log_c), state=dict(log_s))
    tail = f.traffic("ID-JB", f.VOTING_9AM + 40 * f.MINUTE, 10, 30, authors=60, tag="tail")
    assert [recovered.process(sp, 1) for sp in tail] == [reference.process(sp, 1) for sp in tail]
