"""Synthetic scored-post streams for the windowing/alerting specifications.

Every stream is deterministic (seeded), scored by construction: an "abusive" post scores high
on the chosen signals and carries them as labels; a civil post scores low and carries none.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone
from typing import Any, Iterable, MutableMapping, Sequence

from models.base import SIGNALS
from streams.core.calendar import load_calendar
from streams.core.engine import EngineConfig, RegionalEngine
from streams.core.records import Post, ScoredPost
from streams.core.thresholds import Thresholds, load_thresholds, parse_thresholds
from streams.core.windowing import WindowSpec

MINUTE = 60_000
# 14 Feb 2024 09:00 WIB: voting day of Pemilu 2024 in western Indonesia.
VOTING_9AM = int(datetime(2024, 2, 14, 2, 0, tzinfo=timezone.utc).timestamp() * 1000)
# 14 Jan 2024 09:00 WIB: campaign period.
CAMPAIGN_9AM = int(datetime(2024, 1, 14, 2, 0, tzinfo=timezone.utc).timestamp() * 1000)


def scored_post(
    region: str,
    event_ms: int,
    post_id: str,
    *,
    author: str | None,
    abusive: Sequence[str] = (),
    rng: random.Random | None = None,
    platform: str = "x",
) -> ScoredPost:
    rng = rng or random.Random(post_id)
    scores = {s: round(rng.uniform(0.80, 0.98) if s in abusive else rng.uniform(0.01, 0.15), 4) for s in SIGNALS}
    created = datetime.fromtimestamp(event_ms / 1000, tz=timezone.utc).isoformat()
    post = Post(id=post_id, text="(synthetic)", created_at=created, event_ms=event_ms, platform=platform,
                region=region, author=author)
    return ScoredPost(post, scores, tuple(s for s in SIGNALS if s in abusive), None, None, "synthetic")


def traffic(
    region: str,
    start_ms: int,
    minutes: int,
    per_minute: int,
    *,
    authors: int,
    abusive_share: float = 0.0,
    signals: Sequence[str] = ("hate", "incivility"),
    tag: str = "bg",
    seed: int = 1,
    author_prefix: str | None = None,
    exact: bool = False,
) -> list[ScoredPost]:
    """``per_minute`` posts a minute from ``authors`` accounts, a share of them abusive
    (drawn at random, or with ``exact`` spread evenly so every minute has the same share)."""
    rng = random.Random(f"{region}-{tag}-{seed}")
    prefix = author_prefix or f"{region}-{tag}"
    out = []
    for m in range(minutes):
        for k in range(per_minute):
            ev = start_ms + m * MINUTE + rng.randrange(MINUTE)
            i = m * per_minute + k
            if exact:
                bad = int((i + 1) * abusive_share) > int(i * abusive_share)
            else:
                bad = rng.random() < abusive_share
            out.append(scored_post(region, ev, f"{region}-{tag}-{i}", author=f"{prefix}-{rng.randrange(authors)}",
                                   abusive=signals if bad else (), rng=rng))
    return out


def interleave(*streams: Iterable[ScoredPost]) -> list[ScoredPost]:
    """Merge streams in event-time order (stable, so equal times keep a fixed order)."""
    merged = [p for s in streams for p in s]
    merged.sort(key=lambda p: (p.post.event_ms, p.post.id))
    return merged


def thresholds(overrides: dict[str, Any] | None = None) -> Thresholds:
    if not overrides:
        return load_thresholds(None)
    import importlib.resources

    import yaml

    data = yaml.safe_load(importlib.resources.files("streams").joinpath("defaults/thresholds.yaml").read_text())
    _deep_update(data, overrides)
    return parse_thresholds(data, "test")


def _deep_update(d: dict[str, Any], u: dict[str, Any]) -> None:
    for k, v in u.items():
        if isinstance(v, dict) and isinstance(d.get(k), dict):
            _deep_update(d[k], v)
        else:
            d[k] = v


def config(th: Thresholds | None = None, *, grace_ms: int = MINUTE) -> EngineConfig:
    return EngineConfig(window=WindowSpec(5 * MINUTE, MINUTE, grace_ms), thresholds=th or thresholds(),
                        calendar=load_calendar("pemilu-2024"))


def engine(
    cfg: EngineConfig | None = None,
    contributions: MutableMapping[str, Any] | None = None,
    state: MutableMapping[str, Any] | None = None,
) -> RegionalEngine:
    return RegionalEngine(cfg or config(), {} if contributions is None else contributions,
                          {} if state is None else state)


def run(posts: Iterable[ScoredPost], eng: RegionalEngine | None = None, partition_of=None) -> list:
    """Feed posts (each region its own partition unless told) and collect the alerts."""
    eng = eng or engine()
    part = partition_of or (lambda region: sum(region.encode()) % 8)
    alerts = []
    for p in posts:
        alerts.extend(eng.process(p, part(p.post.region)))
    return alerts
