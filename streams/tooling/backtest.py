"""Offline replay: the live pipeline's windows, thresholds and state machines over a JSONL file.

Raw posts are validated and scored with the worker's own stage-one code; scored posts (lines
with ``scores``) go straight to the engine. Each post is routed to the partition Kafka would
give it (key = region), and open windows are *not* flushed at the end unless asked: the live
pipeline cannot know the input ended.

Arrival order: the backtest feeds the posts in event-time order (a stable sort on ``created_at``,
file order among equal times) and moves every partition's watermark to the newest event time fed
so far, minus nothing: it is the run of an input that is perfectly in order and never late. The
live pipeline closes a window only once every input partition has passed its end plus the grace
(streams/core/watermarks.py), so it sees each window complete and reaches the same alerts whatever the
arrival order, paced, all at once or with a partition held back, as long as each input partition
is out of order by less than the grace and no partition that still has posts to deliver is
declared idle (docs/RELIABILITY.md, "Event time and watermarks").
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

import orjson

from streams.core.engine import EngineConfig, RegionalEngine, partition_for
from streams.core.records import Alert, ScoredPost
from streams.core.watermarks import LEGACY_SOURCE

__all__ = ["run_backtest"]


def run_backtest(
    lines: Iterable[bytes],
    settings: Any,
    scorer: Any = None,
    partitions: int | None = None,
    *,
    flush: bool = False,
    stats: Counter[str] | None = None,
    config: EngineConfig | None = None,
    claims: Any = None,
) -> list[Alert]:
    """Replay ``lines`` (JSONL of raw or scored posts) and return the alert timeline.

    ``stats`` (if given) receives input counts (``lines``, ``scored_input``, ``raw_input``,
    ``rejected:<reason>``, ...) and the engine's counters, so nothing is dropped silently.
    ``claims`` (a ClaimIndex): raw posts are matched against the catalogue as live, and the claim-spread
    alerts (streams/core/hoaxes.py) join the timeline.
    """
    stats = stats if stats is not None else Counter()
    parts = partitions or settings.topic_partitions
    decision = dict(getattr(scorer, "thresholds", {}) or {}) if scorer is not None else {}
    engine = RegionalEngine(config or EngineConfig.from_settings(settings, decision), {}, {})
    part_cache: dict[str, int] = {}
    alerts: list[Alert] = []
    pending_raw: list[bytes] = []
    processor: Any = None
    batch = max(1, int(getattr(settings, "batch_size", 256)))

    scored: list[ScoredPost] = []

    def feed(sp: ScoredPost) -> None:
        scored.append(sp)

    def drain() -> None:
        nonlocal processor, scorer
        if not pending_raw:
            return
        if processor is None:
            from streams.core.pipeline import PostProcessor

            if scorer is None:
                from models.scorer import load_scorer

                scorer = load_scorer(model_dir=settings.model_dir, transformer_dir=settings.transformer_dir,
                                     transformer_mode=settings.transformer_mode,
                                     torch_threads=settings.torch_threads)
            processor = PostProcessor.from_settings(settings, scorer)
            processor.claims = claims
        result = processor.process(pending_raw)
        for _, rejection in result.rejected:
            stats[f"rejected:{rejection.reason}"] += 1
        for _, sp in result.scored:
            feed(sp)
        pending_raw.clear()

    for raw in lines:
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        if not raw.strip():
            continue
        stats["lines"] += 1
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError:
            doc = None
        if isinstance(doc, dict) and "scores" in doc:
            drain()  # keep input order across raw and scored lines
            stats["scored_input"] += 1
            try:
                sp = ScoredPost.from_dict(doc)
            except (KeyError, TypeError, ValueError, AttributeError):
                stats["rejected:invalid_scored_post"] += 1
                continue
            feed(sp)
        else:
            stats["raw_input"] += 1  # the validator dead-letters junk with a reason, as live
            pending_raw.append(raw)
            if len(pending_raw) >= batch:
                drain()
    drain()
    scored.sort(key=lambda sp: sp.post.event_ms)  # stable: file order among equal event times
    w = engine.config.window
    spread = None
    if claims is not None:
        from streams.core.hoaxes import ClaimSpreadEngine, spread_rule

        spread = ClaimSpreadEngine(w, spread_rule(getattr(settings, "thresholds_file", None)), claims.get, {}, {},
                                   calendar=engine.config.calendar)
    spread_parts: set[int] = set()
    closed: int | None = None
    for sp in scored:
        region = sp.post.region
        p = part_cache.get(region)
        if p is None:
            p = part_cache[region] = partition_for(region, parts)
        alerts.extend(engine.process(sp, p))
        if spread is not None:
            alerts.extend(_spread(spread, sp, parts, spread_parts))
        t = sp.post.event_ms - w.grace_ms
        c = t - t % w.step_ms
        if closed is None or c > closed:
            # The watermark reaches every partition, as the watermark records do live.
            closed = c
            for q in sorted(set(part_cache.values()) - {p}):
                alerts.extend(engine.advance(q, {LEGACY_SOURCE: sp.post.event_ms}))
            if spread is not None:
                for q in sorted(spread_parts):
                    alerts.extend(spread.advance(q, {LEGACY_SOURCE: sp.post.event_ms}))
    if flush:
        alerts.extend(engine.flush())
    if getattr(settings, "coordination_enabled", False):
        # The worker's coordination detector over the same posts (streams/core/coordination.py): fed in
        # event-time order, its reorder buffer flushed only when the windows are.
        from streams.core.coordination import CoordinationConfig, CoordinationDetector

        det = CoordinationDetector(CoordinationConfig.from_settings(settings),
                                   phase_at=engine.config.calendar.phase_at)
        for sp in scored:
            alerts.extend(det.feed(sp))
        if flush:
            alerts.extend(det.flush())
        stats.update({f"coordination_{k}": v for k, v in det.stats.items()})
    stats.update(engine.stats)
    if spread is not None:
        stats.update({f"hoax_spread:{k}": v for k, v in spread.stats.items()})
    return alerts


def _spread(spread: Any, sp: ScoredPost, parts: int, seen: set[int]) -> list[Alert]:
    """Feed a post spreading a known hoax to the claim-spread engine, on its claim's partition."""
    from streams.core.hoaxes import hoax_post

    hp = hoax_post(sp)
    if hp is None:
        return []
    q = partition_for(hp.claim_id, parts)
    seen.add(q)
    return spread.process(hp, q)
