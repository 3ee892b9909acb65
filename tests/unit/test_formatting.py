"""Specification of the shared words and formats: one naming of each signal, one RFC 3339, one
number format, one URL redaction, used by the alert summaries, the pager payloads and the logs."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from models.base import SIGNALS
from streams.core.alerting import Observation, Transition, make_alert
from streams.outputs.delivery import alertmanager_payload, describe_id, pagerduty_event
from streams.core.formatting import SIGNAL_WORDS, format_level, format_number, format_rfc3339, redact_url, signal_words

STREAMS = Path(__file__).resolve().parents[2] / "streams"
WIB = timezone(timedelta(hours=7))


@pytest.mark.parametrize("signal", SIGNALS)
def test_summary_and_pager_payloads_name_a_signal_alike(signal):
    obs = Observation("ID-JB", signal, 1_707_876_000_000, 1_707_876_300_000, "voting", 0.6, 120, 80)
    alert = make_alert(Transition("firing", "critical", "k", 0.5, 0.2), obs, "Jawa Barat")
    words = signal_words(signal)
    assert alert.summary_id.startswith(f"[KRITIS] {words.id} di Jawa Barat")
    assert alert.summary_en.startswith(f"[CRITICAL] {words.en} in Jawa Barat")
    assert describe_id(alert).startswith(f"{words.id} di Jawa Barat")
    assert pagerduty_event(alert, "rk")["payload"]["custom_details"]["description"] == describe_id(alert)
    [entry] = alertmanager_payload(alert)
    assert entry["annotations"]["description"] == describe_id(alert)


def test_every_signal_has_both_names_and_an_unknown_one_keeps_its_id():
    assert set(SIGNAL_WORDS) == set(SIGNALS) | {"coordination"}  # + the coordination alert's signal
    assert all(w.id and w.en for w in SIGNAL_WORDS.values())
    assert signal_words("rumour") == ("rumour", "rumour")


def test_rfc3339_is_utc_with_z_from_milliseconds_or_datetimes():
    assert format_rfc3339(1_707_876_000_000) == "2024-02-14T02:00:00Z"
    assert format_rfc3339(1_707_876_000_250) == "2024-02-14T02:00:00.250Z"
    assert format_rfc3339(1_707_876_000_000, "milliseconds") == "2024-02-14T02:00:00.000Z"
    assert format_rfc3339(datetime(2024, 2, 14, 9, 0, tzinfo=WIB), "milliseconds") == "2024-02-14T02:00:00.000Z"
    assert format_rfc3339(datetime(2024, 2, 14, 2, 0)) == "2024-02-14T02:00:00Z"  # naive = UTC


def test_numbers_in_texts():
    assert format_number(0.8123) == "0.812" and format_number(0.8, 2) == "0.80"
    assert [format_number(x) for x in (None, math.nan, math.inf, True, "0.5")] == ["-"] * 5
    assert format_level(0.615, "capped_share") == "62%" and format_level(0.615, "p90") == "0.61"
    assert format_level(None, "share") == "-"


def test_redacted_urls_keep_scheme_host_port_and_path_only():
    assert redact_url("https://user:pw@ops.example:8443/hook?token=abc#x") == "https://ops.example:8443/hook?***"
    assert redact_url("http://am-1:9093,http://am-2:9093/") == "http://am-1:9093,http://am-2:9093/"
    assert redact_url("http://[::1") == "<invalid url>"


def test_no_module_keeps_a_copy_of_the_helpers():
    """The formats are written once, in streams/core/formatting.py."""
    copies = {
        "RFC 3339 by hand": re.compile(r'replace\("\+00:00", "Z"\)'),
        "URL splitting": re.compile(r"\burlsplit\b"),
        "signal names": re.compile(r'"(?:ketidaksopanan|Ujaran kasar)"'),
    }
    for path in STREAMS.glob("*.py"):
        if path.name == "formatting.py":
            continue
        text = path.read_text(encoding="utf-8")
        for what, rx in copies.items():
            assert not rx.search(text), f"{path.name} has its own {what}"
