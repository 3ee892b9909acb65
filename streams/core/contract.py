"""The post contract: raw bytes in, a validated `Post` or a `Rejection` with a machine-readable reason.

Pure and total: no input makes it raise. The worker dead-letters every rejection with its reason,
`suhu backtest` uses the same function, so live and offline agree on what counts as a post.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Callable

import orjson

from streams.core.formatting import format_rfc3339
from streams.core.records import DEFAULT_PLATFORM, Post
from streams.core.places import MAX_PROFILE_CHARS, infer_region
from streams.core.settings import Settings, pseudonym_key

# Every reason a message can be dead-lettered for: the one place they are named
# (metrics label values come from here).
REJECT_REASONS: tuple[str, ...] = (
    "message_too_large",
    "not_utf8",
    "not_json",
    "not_object",
    "missing_field",
    "wrong_type",
    "empty_text",
    "text_too_long",
    "bad_timestamp",
    "timestamp_out_of_range",
    "scoring_failed",
)

REQUIRED_FIELDS = ("id", "text", "created_at")
OPTIONAL_STRING_FIELDS = ("platform", "lang", "url")  # author_location too, checked on its own
MAX_ID_CHARS = 256
MAX_PLATFORM_CHARS = 64


@dataclass(frozen=True, slots=True)
class Rejection:
    reason: str  # one of REJECT_REASONS
    detail: str  # short, human-readable; never contains the post text

    def __post_init__(self) -> None:
        if self.reason not in REJECT_REASONS:  # a typo here would create an unbounded metric label
            raise ValueError(f"unknown rejection reason {self.reason!r}")


@dataclass(frozen=True, slots=True)
class ContractLimits:
    max_message_bytes: int
    max_text_chars: int
    oldest_event_ms: int
    max_future_skew_ms: int

    @classmethod
    def from_settings(cls, s: Settings) -> "ContractLimits":
        oldest = parse_rfc3339(s.oldest_event)
        if oldest is None:
            raise ValueError(f"oldest_event {s.oldest_event!r} is not RFC 3339 with an offset")
        return cls(
            max_message_bytes=s.max_message_bytes,
            max_text_chars=s.max_text_chars,
            oldest_event_ms=oldest,
            max_future_skew_ms=int(s.max_future_skew_s * 1000),
        )


class Pseudonymizer:
    """Keyed hash of platform + author id (UU PDP): stable per key, not reversible without it.

    Rotating the key changes every pseudonym from then on (documented in the README).
    """

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._cached = lru_cache(maxsize=65_536)(self._compute)

    def _compute(self, platform: str, author_id: str) -> str:
        digest = hmac.new(self._key, f"{platform}\x1f{author_id}".encode("utf-8", "surrogatepass"), hashlib.sha256)
        return "a_" + digest.hexdigest()[:20]

    def __call__(self, platform: str, author_id: str) -> str:
        return self._cached(platform, author_id)

    @classmethod
    def from_settings(cls, s: Settings) -> "Pseudonymizer":
        return cls(pseudonym_key(s))


def parse_rfc3339(value: str) -> int | None:
    """Epoch milliseconds, or None when the string is not a full timestamp with a UTC offset."""
    if not 16 <= len(value) <= 40 or value[4:5] != "-" or value[10:11] not in ("T", "t", " "):
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None or dt.utcoffset() is None:
        return None
    return int(dt.timestamp() * 1000)


def validate_post(
    raw: bytes,
    *,
    limits: ContractLimits,
    pseudonymize: Callable[[str, str], str],
    now_ms: int,
) -> Post | Rejection:
    """Check one message against the contract. Total: returns a Rejection for any bad input."""
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        return Rejection("wrong_type", f"message value is {type(raw).__name__}, not bytes")
    if len(raw) > limits.max_message_bytes:
        return Rejection("message_too_large", f"{len(raw)} bytes > {limits.max_message_bytes}")
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        try:
            bytes(raw).decode("utf-8")
        except UnicodeDecodeError as uexc:
            return Rejection("not_utf8", f"invalid UTF-8 at byte {uexc.start}")
        return Rejection("not_json", f"not JSON: {str(exc)[:120]}")
    if not isinstance(doc, dict):
        return Rejection("not_object", f"JSON {type(doc).__name__}, expected an object")
    return validate_document(doc, limits=limits, pseudonymize=pseudonymize, now_ms=now_ms)


def validate_document(
    doc: dict[str, Any],
    *,
    limits: ContractLimits,
    pseudonymize: Callable[[str, str], str],
    now_ms: int,
) -> Post | Rejection:
    missing = [f for f in REQUIRED_FIELDS if doc.get(f) is None]
    if missing:
        return Rejection("missing_field", "missing " + ", ".join(missing))

    post_id, text, created_at = doc["id"], doc["text"], doc["created_at"]
    if not isinstance(post_id, str) or not post_id or len(post_id) > MAX_ID_CHARS:
        return Rejection("wrong_type", f"id must be a non-empty string of at most {MAX_ID_CHARS} chars")
    if not isinstance(text, str):
        return Rejection("wrong_type", f"text is {type(text).__name__}, expected string")
    if not isinstance(created_at, str):
        return Rejection("wrong_type", f"created_at is {type(created_at).__name__}, expected string")
    for name in OPTIONAL_STRING_FIELDS:
        value = doc.get(name)
        if value is not None and not isinstance(value, str):
            return Rejection("wrong_type", f"{name} is {type(value).__name__}, expected string")
    region_raw = doc.get("region")
    if region_raw is not None and (isinstance(region_raw, bool) or not isinstance(region_raw, (str, int))):
        return Rejection("wrong_type", f"region is {type(region_raw).__name__}, expected string or integer")
    location = doc.get("author_location")
    if location is not None and not isinstance(location, str):
        return Rejection("wrong_type", f"author_location is {type(location).__name__}, expected string")
    author_raw = doc.get("author_id")
    if author_raw is not None and (isinstance(author_raw, bool) or not isinstance(author_raw, (str, int))):
        return Rejection("wrong_type", f"author_id is {type(author_raw).__name__}, expected string or integer")
    # Optional evidence for the coordination detector (streams/core/coordination.py), passed through:
    # author_created_at (RFC 3339 with offset) makes an account "new" when under 30 days old at the
    # post; author_followers (integer >= 0) is reported as the cluster's median; is_repost (boolean)
    # marks a native repost, counted apart and never a campaign by itself.
    created = doc.get("author_created_at")
    if created is not None and (not isinstance(created, str) or parse_rfc3339(created) is None):
        return Rejection("wrong_type", "author_created_at must be RFC 3339 with an offset")
    followers = doc.get("author_followers")
    if followers is not None and (isinstance(followers, bool) or not isinstance(followers, int) or followers < 0):
        return Rejection("wrong_type", "author_followers must be a non-negative integer")
    if doc.get("is_repost") is not None and not isinstance(doc.get("is_repost"), bool):
        return Rejection("wrong_type", "is_repost must be a boolean")

    if not text.strip():
        return Rejection("empty_text", "text is empty or whitespace")
    if len(text) > limits.max_text_chars:
        return Rejection("text_too_long", f"{len(text)} chars > {limits.max_text_chars}")

    event_ms = parse_rfc3339(created_at)
    if event_ms is None:
        return Rejection("bad_timestamp", "created_at is not RFC 3339 with a UTC offset")
    if event_ms < limits.oldest_event_ms:
        return Rejection("timestamp_out_of_range", f"created_at before {format_rfc3339(limits.oldest_event_ms)}")
    if event_ms > now_ms + limits.max_future_skew_ms:
        return Rejection("timestamp_out_of_range", "created_at is in the future")

    platform = (doc.get("platform") or DEFAULT_PLATFORM).strip().lower()[:MAX_PLATFORM_CHARS] or DEFAULT_PLATFORM
    # The region field, else the author's profile location, else place names in the text
    # (streams/core/places.py). An over-long profile location is not read (it is no place name).
    match = infer_region(region_raw, location if location and len(location) <= MAX_PROFILE_CHARS else None, text)
    author = pseudonymize(platform, str(author_raw)) if author_raw not in (None, "") else None
    extra = {k: v for k, v in doc.items() if k not in _CORE_INPUT_FIELDS}
    for name in PERSONAL_FIELDS.intersection(extra):
        # Other spellings of who wrote it are personal data too (UU PDP): keyed hash, never the value.
        value = extra[name]
        extra[name] = pseudonymize(platform, str(value)) if isinstance(value, (str, int)) and value != "" else None
    return Post(
        id=post_id,
        text=text,
        created_at=created_at,
        event_ms=event_ms,
        platform=platform,
        region=match.code,
        city=match.city,
        region_raw=None if region_raw is None else str(region_raw)[:128],
        author=author,
        extra=extra,
        region_source=match.source,
        region_confidence=match.confidence,
    )


# Author-identifying fields some platforms send besides author_id: pseudonymised like it.
PERSONAL_FIELDS = frozenset(
    {"username", "user_name", "user_id", "userid", "user", "screen_name", "author", "author_name",
     "handle", "email", "phone", "phone_number"}
)

# Fields the contract owns; everything else in the input is passed through untouched. The profile
# location is read for the region and not passed on (personal data: only what it resolved to is kept).
_CORE_INPUT_FIELDS = frozenset(
    {"id", "text", "created_at", "platform", "region", "author_id", "event_ms", "city", "region_raw",
     "author_location", "region_source", "region_confidence",
     "scores", "labels", "hate_target", "hate_category", "hate_entity", "model_version", "source_partition",
     "hoax_claim_id", "hoax_stance"}
)
