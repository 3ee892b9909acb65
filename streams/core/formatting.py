"""Words and formats shared by everything people read: alert summaries, pager payloads, logs.

One place each for the signals' names (Bahasa Indonesia and English), RFC 3339 timestamps, numbers
in texts, and URLs with their secrets removed. Pure functions, no I/O.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import NamedTuple
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "SIGNAL_WORDS",
    "SignalWords",
    "format_level",
    "format_number",
    "format_rfc3339",
    "redact_url",
    "signal_words",
]


class SignalWords(NamedTuple):
    id: str  # Bahasa Indonesia, as the operations room reads it
    en: str


# The one naming of each signal, used by the alert summaries (streams/core/alerting.py) and the pager
# payloads (streams/outputs/delivery.py) alike.
SIGNAL_WORDS: dict[str, SignalWords] = {
    "incivility": SignalWords("Ujaran kasar", "Incivility"),
    "hate": SignalWords("Ujaran kebencian", "Hate speech"),
    "provocation": SignalWords("Provokasi", "Provocation"),
    "fraud_claim": SignalWords("Klaim kecurangan", "Fraud claims"),
    "tension": SignalWords("Ketegangan", "Tension"),
    "known_hoax": SignalWords("Penyebaran hoaks yang sudah dibantah", "Spreading of debunked hoaxes"),
    "coordination": SignalWords("Kampanye terkoordinasi", "Coordinated campaign"),
}


def signal_words(signal: str) -> SignalWords:
    """The signal's names; an unknown signal is named by its id in both languages."""
    return SIGNAL_WORDS.get(signal) or SignalWords(signal, signal)


def format_rfc3339(value: int | datetime, timespec: str = "auto") -> str:
    """RFC 3339 in UTC with a ``Z``. ``value`` is epoch milliseconds or an aware datetime (a naive one
    is taken as UTC). ``timespec="auto"`` writes milliseconds only when there are any (window bounds
    in alerts: ``2024-02-14T02:00:00Z``); ``"milliseconds"`` always writes them."""
    if isinstance(value, datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        dt = dt.astimezone(timezone.utc)
        whole = dt.microsecond == 0
    else:
        dt = datetime.fromtimestamp(value / 1000, tz=timezone.utc)
        whole = value % 1000 == 0
    if timespec == "auto":
        timespec = "seconds" if whole else "milliseconds"
    return dt.isoformat(timespec=timespec).replace("+00:00", "Z")


def format_number(x: float | None, digits: int = 3) -> str:
    """A value in a text: fixed decimals; ``-`` for a missing, non-numeric or non-finite one."""
    if x is None or isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        return "-"
    return f"{x:.{digits}f}"


def format_level(x: float | None, metric: str) -> str:
    """A signal's value or threshold as its metric reads: a share in percent, anything else in 2 decimals."""
    if metric.endswith("share") and x is not None and format_number(x) != "-":
        return f"{x * 100:.0f}%"
    return format_number(x, 2)


def redact_url(url: str) -> str:
    """Scheme, host, port and path only: userinfo, query and fragment often carry tokens
    (``https://user:pw@host``, a webhook's ``?token=``), so they are dropped and ``?***`` says so.
    A comma-separated list (an Alertmanager HA pair) is redacted URL by URL."""
    parts = []
    for one in str(url).split(","):
        try:
            u = urlsplit(one.strip())
            host = u.hostname or ""
            if u.port:
                host = f"{host}:{u.port}"
            hidden = "?***" if (u.query or u.fragment or u.username or u.password) else ""
            parts.append(urlunsplit((u.scheme, host, u.path, "", "")) + hidden)
        except ValueError:
            parts.append("<invalid url>")
    return ",".join(parts)
