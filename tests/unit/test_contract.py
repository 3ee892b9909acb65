"""The post contract: what counts as a post, and the reason for everything that does not."""

from __future__ import annotations

import json

import orjson
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from streams.core.contract import REJECT_REASONS, ContractLimits, Pseudonymizer, Rejection, parse_rfc3339, validate_post
from streams.core.records import Post
from streams.core.settings import load_settings

NOW_MS = parse_rfc3339("2024-02-14T12:00:00+07:00")
LIMITS = ContractLimits.from_settings(load_settings(env={}))
PSEUDO = Pseudonymizer(b"test-key")


def check(doc: object) -> Post | Rejection:
    raw = doc if isinstance(doc, bytes) else orjson.dumps(doc)
    return validate_post(raw, limits=LIMITS, pseudonymize=PSEUDO, now_ms=NOW_MS)


def good(**over: object) -> dict[str, object]:
    doc: dict[str, object] = {"id": "p1", "text": "Antrean di TPS 05 panjang sekali", "created_at": "2024-02-14T09:30:00+07:00"}
    doc.update(over)
    return doc


def reason(doc: object) -> str:
    out = check(doc)
    assert isinstance(out, Rejection), out
    return out.reason


def test_minimal_valid_post_gets_event_time_and_unknown_region():
    post = check(good())
    assert isinstance(post, Post)
    assert post.event_ms == parse_rfc3339("2024-02-14T02:30:00+00:00")
    assert post.region == "unknown"
    assert post.platform == "unknown"
    assert post.dedup_key == "unknown:p1"


def test_region_spellings_normalise_to_iso_code():
    assert check(good(region="Jabar")).region == "ID-JB"  # type: ignore[union-attr]
    assert check(good(region=31)).region == "ID-JK"  # type: ignore[union-attr]
    assert check(good(region="Kota Surabaya")).region == "ID-JI"  # type: ignore[union-attr]


def test_unknown_fields_pass_through_and_core_fields_are_not_overridden():
    post = check(good(lang="id", url="https://example.org/x", hashtags=["pemilu"], event_ms=5))
    assert isinstance(post, Post)
    assert post.extra["lang"] == "id" and post.extra["hashtags"] == ["pemilu"]
    assert post.to_dict()["event_ms"] == post.event_ms != 5


def test_author_id_is_pseudonymised_with_the_key_and_platform():
    a = check(good(author_id="budi_123", platform="twitter"))
    b = check(good(author_id="budi_123", platform="facebook"))
    assert isinstance(a, Post) and isinstance(b, Post)
    assert a.author and "budi" not in a.author
    assert a.author != b.author
    other_key = validate_post(orjson.dumps(good(author_id="budi_123", platform="twitter")), limits=LIMITS,
                              pseudonymize=Pseudonymizer(b"other"), now_ms=NOW_MS)
    assert isinstance(other_key, Post) and other_key.author != a.author
    assert "budi_123" not in orjson.dumps(a.to_dict()).decode()


def test_other_author_identifying_fields_are_pseudonymised_too():
    post = check(good(platform="twitter", username="budi_123", screen_name="Budi Santoso", user={"nested": 1}))
    assert isinstance(post, Post)
    published = orjson.dumps(post.to_dict()).decode()
    assert "budi_123" not in published and "Budi Santoso" not in published
    assert post.extra["username"] == PSEUDO("twitter", "budi_123")
    assert post.extra["user"] is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"\xff\xfe not utf8", "not_utf8"),
        (b"{not json", "not_json"),
        (b"[1, 2]", "not_object"),
        (b'"just a string"', "not_object"),
        ({"text": "x", "created_at": "2024-02-14T09:30:00+07:00"}, "missing_field"),
        (good(id=123), "wrong_type"),
        (good(text=["a"]), "wrong_type"),
        (good(region={"nested": True}), "wrong_type"),
        (good(platform=5), "wrong_type"),
        (good(text="   \n"), "empty_text"),
        (good(text="x" * 20_001), "text_too_long"),
        (good(created_at="14/02/2024 09:30"), "bad_timestamp"),
        (good(created_at="2024-02-14T09:30:00"), "bad_timestamp"),  # no offset: ambiguous across WIB/WITA/WIT
        (good(created_at=1707877800), "wrong_type"),
        (good(created_at="1970-01-01T00:00:00+00:00"), "timestamp_out_of_range"),
        (good(created_at="2099-01-01T00:00:00+07:00"), "timestamp_out_of_range"),
        (b"{" + b'"a":' * 10 + b"1" + b"}" * 10, "not_json"),
    ],
)
def test_invalid_messages_are_rejected_with_a_machine_readable_reason(raw: object, expected: str):
    assert reason(raw) == expected


def test_oversized_message_is_rejected_before_parsing():
    assert reason(orjson.dumps(good(text="a" * 2_000_000))) == "message_too_large"


def test_rejection_reasons_are_a_closed_set():
    with pytest.raises(ValueError):
        Rejection("something_new", "x")


@hsettings(max_examples=300, deadline=None)
@given(st.binary(max_size=512))
def test_any_bytes_give_a_post_or_a_known_rejection(raw: bytes):
    out = validate_post(raw, limits=LIMITS, pseudonymize=PSEUDO, now_ms=NOW_MS)
    assert isinstance(out, Post) or out.reason in REJECT_REASONS


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@hsettings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "text", "created_at", "region", "platform", "author_id", "lang", "x"]),
                       json_values, max_size=8))
def test_any_json_object_gives_a_post_or_a_known_rejection(doc: dict[str, object]):
    raw = json.dumps(doc).encode()  # stdlib: also writes integers beyond 64 bits
    out = validate_post(raw, limits=LIMITS, pseudonymize=PSEUDO, now_ms=NOW_MS)
    assert isinstance(out, Post) or out.reason in REJECT_REASONS
