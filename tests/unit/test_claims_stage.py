"""The claims stage at start-up: the worker reads the whole catalogue before it scores its first post,
so posts are never matched against an empty index (live = `suhu backtest --claims`), and a catalogue
that cannot be read does not stop scoring for longer than the start-up timeout."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from streams.core.claim_index import ClaimIndex
from streams.core.claims import Claim
from streams.runtime.claims_stage import ClaimsStage

CLAIM = Claim("c1", "Server di luar negeri", "Server penghitungan suara disimpan di luar negeri untuk mengatur hasil",
              "SALAH", "test", "https://cekfakta.example.id/c1", "2024-02-18")


class SlowReader:
    """A catalogue reader whose start-up read blocks until released (as a slow broker would)."""

    def __init__(self, index: ClaimIndex) -> None:
        self.index = index
        self.release = threading.Event()

    def catch_up(self, timeout_s: float) -> int:
        self.release.wait(timeout_s)
        self.index.upsert(CLAIM)
        return 1


def stage_with(reader: Any, index: ClaimIndex) -> ClaimsStage:
    return ClaimsStage(index, reader, engine=None, metrics=None, topic_name="hoax-matches",  # type: ignore[arg-type]
                       alerts_topic="alerts", on_alert=lambda a: None)


async def test_scoring_waits_until_the_catalogue_has_been_read_once():
    index = ClaimIndex()
    reader = SlowReader(index)
    stage = stage_with(reader, index)
    loading = asyncio.ensure_future(stage.load_catalogue(timeout_s=10))
    waiting = asyncio.ensure_future(stage.wait_catalogue(timeout_s=10))
    await asyncio.sleep(0.2)
    assert not waiting.done() and len(index) == 0  # nothing is scored against the empty index
    reader.release.set()
    assert await waiting is True
    await loading
    assert len(index) == 1 and index.get("c1") is not None


async def test_an_unreadable_catalogue_delays_scoring_by_the_timeout_only(caplog):
    index = ClaimIndex()
    stage = stage_with(SlowReader(index), index)  # never released, never loaded
    started = asyncio.get_running_loop().time()
    assert await stage.wait_catalogue(timeout_s=0.3) is False
    assert asyncio.get_running_loop().time() - started < 5
    assert "scoring starts without it" in caplog.text
