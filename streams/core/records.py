"""The records that travel between stages, as plain dataclasses with explicit JSON layouts.

They know nothing of Kafka: the worker, `suhu score`, and `suhu backtest` all use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import orjson

UNKNOWN_REGION = "unknown"
DEFAULT_PLATFORM = "unknown"
# Where a post's region came from (streams/core/places.py): the bounded label set for metrics too.
REGION_SOURCES: tuple[str, ...] = ("field", "profile", "text", "none")


@dataclass(frozen=True, slots=True)
class Post:
    """A validated post: required fields checked, region normalised, author pseudonymised."""

    id: str
    text: str
    created_at: str  # as sent (RFC 3339 with offset)
    event_ms: int  # created_at as UTC epoch milliseconds: the event time
    platform: str = DEFAULT_PLATFORM
    region: str = UNKNOWN_REGION  # ISO 3166-2:ID code (e.g. "ID-JK") or "unknown"
    city: str | None = None  # normalised city/regency name where the region field named one
    region_raw: str | None = None  # what the producer sent, for audit of the gazetteer
    author: str | None = None  # keyed-hash pseudonym of platform + author_id; never the raw id
    extra: Mapping[str, Any] = field(default_factory=dict)  # every other field, passed through
    region_source: str | None = None  # field | profile | text | none (None: field if region is known)
    region_confidence: float | None = None  # 0-1 (None: 1.0 for a known region, 0 otherwise)

    @property
    def source(self) -> str:
        """Where the region came from; records from before inference existed read as the field."""
        if self.region_source is not None:
            return self.region_source
        return "none" if self.region == UNKNOWN_REGION else "field"

    @property
    def confidence(self) -> float:
        if self.region_confidence is not None:
            return self.region_confidence
        return 0.0 if self.region == UNKNOWN_REGION else 1.0

    @property
    def dedup_key(self) -> str:
        """Same platform + id = same post, however often it is delivered."""
        return f"{self.platform}:{self.id}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.extra)
        out.update(
            id=self.id,
            text=self.text,
            created_at=self.created_at,
            event_ms=self.event_ms,
            platform=self.platform,
            region=self.region,
            city=self.city,
            region_raw=self.region_raw,
            author_id=self.author,
            region_source=self.source,
            region_confidence=self.confidence,
        )
        return out


POST_CORE_FIELDS = frozenset(
    {"id", "text", "created_at", "event_ms", "platform", "region", "city", "region_raw", "author_id",
     "region_source", "region_confidence"}
)


# One string per author pseudonym: the engine's panes and the coordination window hold a post's author
# for as long as its windows are open, and an author posts more than once (a decoded copy is ~70
# bytes). A bounded map of our own, not `sys.intern`: CPython 3.12.0-3.12.4 made interned strings
# immortal (python/cpython#113993, made mortal again in 3.12.5 and 3.13), which would keep every
# pseudonym ever seen. Emptied when full: sharing restarts, nothing is lost.
_AUTHORS: dict[str, str] = {}
AUTHOR_CACHE_SIZE = 1 << 18


def shared_author(author: Any) -> Any:
    """The process's one copy of an author pseudonym (anything else as it is)."""
    if type(author) is not str:
        return author
    one = _AUTHORS.get(author)
    if one is None:
        if len(_AUTHORS) >= AUTHOR_CACHE_SIZE:
            _AUTHORS.clear()
        one = _AUTHORS[author] = author
    return one


@dataclass(frozen=True, slots=True)
class ScoredPost:
    post: Post
    scores: Mapping[str, float]
    labels: tuple[str, ...]
    hate_target: str | None
    hate_category: str | None
    model_version: str
    hate_entity: str | None = None
    source: int | None = None  # the `posts` partition it was read from: its watermark source
    hoax_claim_id: str | None = None  # the catalogue claim the post repeats (streams/core/claim_index.py)
    hoax_stance: str | None = None  # spreading | debunking, where hoax_claim_id is set

    def to_dict(self) -> dict[str, Any]:
        out = self.post.to_dict()
        out.update(
            scores=dict(self.scores),
            labels=list(self.labels),
            hate_target=self.hate_target,
            hate_category=self.hate_category,
            hate_entity=self.hate_entity,
            model_version=self.model_version,
        )
        if self.source is not None:
            out["source_partition"] = self.source
        if self.hoax_claim_id is not None:
            out["hoax_claim_id"] = self.hoax_claim_id
            out["hoax_stance"] = self.hoax_stance
        return out

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ScoredPost":
        scoring = {"scores", "labels", "hate_target", "hate_category", "hate_entity", "model_version",
                   "source_partition", "hoax_claim_id", "hoax_stance"}
        extra = {k: v for k, v in d.items() if k not in POST_CORE_FIELDS and k not in scoring}
        post = Post(
            id=d["id"],
            text=d["text"],
            created_at=d["created_at"],
            event_ms=int(d["event_ms"]),
            platform=d.get("platform") or DEFAULT_PLATFORM,
            region=d.get("region") or UNKNOWN_REGION,
            city=d.get("city"),
            region_raw=d.get("region_raw"),
            author=shared_author(d.get("author_id")),
            extra=extra,
            region_source=_region_source(d.get("region_source")),
            region_confidence=_confidence(d.get("region_confidence")),
        )
        return cls(
            post=post,
            scores={k: float(v) for k, v in d["scores"].items()},
            labels=tuple(d.get("labels") or ()),
            hate_target=d.get("hate_target"),
            hate_category=d.get("hate_category"),
            model_version=d.get("model_version", ""),
            hate_entity=d.get("hate_entity"),
            source=_source(d.get("source_partition")),
            hoax_claim_id=_opt_str(d.get("hoax_claim_id")),
            hoax_stance=_opt_str(d.get("hoax_stance")),
        )

    @classmethod
    def from_json(cls, raw: bytes | str) -> "ScoredPost":
        return cls.from_dict(orjson.loads(raw))


# One ``posts-scored`` record carries the scored posts of one scoring batch that go to one partition,
# in batch order (issue 12: each record is a trip through Faust's per-message machinery on both sides,
# and one per post held the worker to a fraction of the scorer's rate). Each post is still on the
# partition its region's key gives (`streams.core.engine.partition_for`); the record's key only names
# the kind. A record holding one post's ``to_dict`` (written before format 1, keyed by region) still reads.
SCORED_BATCH_KIND = "scored"
SCORED_BATCH_KEY = b"~scored"
SCORED_BATCH_FORMAT = 1
SCORED_BATCH_MAX_BYTES = 256 * 1024  # well under the broker's 1 MB message limit; a bigger post goes alone
_SCORED_HEAD = orjson.dumps({"kind": SCORED_BATCH_KIND, "fmt": SCORED_BATCH_FORMAT})[:-1] + b',"posts":['


def scored_batch_records(encoded: list[bytes], max_bytes: int = SCORED_BATCH_MAX_BYTES) -> list[bytes]:
    """``posts-scored`` records for posts already encoded (`ScoredPost.to_json`), in their order: as
    few as hold them in at most ``max_bytes`` each (a post over it alone in its record)."""
    out: list[bytes] = []
    part: list[bytes] = []
    size = 0
    for body in encoded:
        if part and size + len(body) + 1 > max_bytes:
            out.append(_SCORED_HEAD + b",".join(part) + b"]}")
            part, size = [], 0
        part.append(body)
        size += len(body) + 1
    if part:
        out.append(_SCORED_HEAD + b",".join(part) + b"]}")
    return out


def scored_posts_of(raw: bytes | str) -> list[ScoredPost]:
    """The scored posts a ``posts-scored`` record carries (a batch, or one post of the older format).
    Raises ValueError (or KeyError/TypeError) on a record it cannot read, a newer format included."""
    doc = orjson.loads(raw)
    if isinstance(doc, dict) and doc.get("kind") == SCORED_BATCH_KIND:
        fmt = doc.get("fmt")
        if not isinstance(fmt, int) or not 1 <= fmt <= SCORED_BATCH_FORMAT:
            raise ValueError(f"scored-posts record of unknown format {fmt!r}")
        return [ScoredPost.from_dict(d) for d in doc["posts"]]
    return [ScoredPost.from_dict(doc)]


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type(value).__name__}")
    return value


def _region_source(value: Any) -> str | None:
    if value is None:
        return None
    if value not in REGION_SOURCES:
        raise ValueError(f"region_source must be one of {REGION_SOURCES}, got {value!r}")
    return str(value)


def _confidence(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(f"region_confidence must be a number in [0, 1], got {value!r}")
    return float(value)


def _source(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"source_partition must be a partition number, got {value!r}")
    return value


ALERT_STATUSES = ("firing", "resolved")
SEVERITIES = ("warning", "critical")


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert transition, as published on the `alerts` topic (the durable record).

    `alert_id` identifies this transition (replays republish the same id; delivery dedups on it);
    `dedup_key` identifies the incident (same for its firing and its resolution) and is what
    PagerDuty / Alertmanager group on.
    """

    alert_id: str
    dedup_key: str
    status: str  # firing | resolved
    severity: str  # warning | critical
    region: str  # ISO code
    region_name: str
    signal: str
    value: float
    threshold: float
    baseline: float | None
    window_start: str  # RFC 3339, UTC
    window_end: str
    phase: str
    post_count: int
    author_count: int
    example_post_ids: tuple[str, ...]
    summary_id: str  # Bahasa Indonesia
    summary_en: str
    emitted_at: str  # stream time of the transition (deterministic: replay gives the same value)
    city: str | None = None  # gazetteer city/regency name for a city-level alert; None for the province
    late: bool = False  # a correction: posts that arrived after the window closed made this transition
    # Share of the window's posts by where their region came from (field, profile, text); None in
    # records published before region inference existed.
    region_sources: Mapping[str, float] | None = None
    # A coordination alert's own fields (streams/core/coordination.py): cluster id, size, provinces, ...
    coordination: Mapping[str, Any] | None = None
    # A claim-spread alert (signal "hoax_spread", region "ID"): the claim (id, title, verdict, url,
    # source) and the provinces it spread in; None for regional alerts.
    claim: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "alert_id": self.alert_id,
            "dedup_key": self.dedup_key,
            "status": self.status,
            "severity": self.severity,
            "region": self.region,
            "region_name": self.region_name,
            "signal": self.signal,
            "value": self.value,
            "threshold": self.threshold,
            "baseline": self.baseline,
            "window_start": self.window_start,
            "window_end": self.window_end,
            "phase": self.phase,
            "post_count": self.post_count,
            "author_count": self.author_count,
            "example_post_ids": list(self.example_post_ids),
            "summary_id": self.summary_id,
            "summary_en": self.summary_en,
            "emitted_at": self.emitted_at,
            "city": self.city,
        }
        if self.late:
            out["late"] = True
        if self.region_sources is not None:
            out["region_sources"] = dict(self.region_sources)
        if self.coordination is not None:
            out["coordination"] = dict(self.coordination)
        if self.claim is not None:
            out["claim"] = dict(self.claim)
        return out

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Alert":
        data = dict(d)
        data["example_post_ids"] = tuple(data.get("example_post_ids") or ())
        data.setdefault("city", None)  # records published before city-level alerts existed
        data["late"] = bool(data.get("late", False))
        data.setdefault("region_sources", None)
        data.setdefault("coordination", None)
        data.setdefault("claim", None)
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})

    @classmethod
    def from_json(cls, raw: bytes | str) -> "Alert":
        return cls.from_dict(orjson.loads(raw))
