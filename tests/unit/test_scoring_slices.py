"""The worker scores a batch in slices on the event loop: same result, and the loop keeps running."""

from __future__ import annotations

import asyncio

import orjson

from models.scorer import load_scorer
from streams.runtime.scoring_stage import SCORING_SLICE, _process_in_slices
from streams.core.pipeline import PostProcessor
from streams.core.settings import load_settings


def batch(n: int) -> list[bytes]:
    out = []
    for i in range(n):
        if i % 7 == 3:
            out.append(b"{broken")
        else:
            out.append(orjson.dumps({"id": f"s{i}", "text": f"dasar bego kamu {i}" if i % 2 else f"TPS {i} lancar",
                                     "created_at": "2024-02-14T09:00:00+07:00", "region": "Jabar"}))
    return out


def test_sliced_scoring_equals_one_batch_and_lets_the_loop_run():
    processor = PostProcessor.from_settings(load_settings(env={}), load_scorer())
    raws = batch(3 * SCORING_SLICE + 5)
    whole = processor.process(raws)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    async def run():  # type: ignore[no-untyped-def]
        task = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        sliced = await _process_in_slices(processor, raws)
        task.cancel()
        return sliced

    sliced = asyncio.run(run())
    assert [(i, sp.to_dict()) for i, sp in sliced.scored] == [(i, sp.to_dict()) for i, sp in whole.scored]
    assert sliced.rejected == whole.rejected
    assert ticks >= 4  # the loop ran between the slices, not only before and after
