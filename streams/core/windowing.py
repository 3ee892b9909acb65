"""Event-time window arithmetic on integer milliseconds.

Windows are aligned hopping windows built from panes: a pane is one ``step``; a window is
``size // step`` consecutive panes and a new one starts every ``step``. Closure is decided from
*stream time* (the highest event time seen), never from the wall clock, so a replay at any
speed closes the same windows in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "WindowSpec",
    "pane_start",
    "windows_containing",
    "is_closed",
    "last_closed_end",
    "format_ms",
]


@dataclass(frozen=True, slots=True)
class WindowSpec:
    size_ms: int = 300_000
    step_ms: int = 60_000
    grace_ms: int = 60_000

    def __post_init__(self) -> None:
        if self.step_ms <= 0 or self.size_ms <= 0:
            raise ValueError("window size and step must be > 0")
        if self.size_ms % self.step_ms:
            raise ValueError("window size must be a multiple of the step")
        if self.grace_ms < 0:
            raise ValueError("grace must be >= 0")

    @property
    def panes_per_window(self) -> int:
        return self.size_ms // self.step_ms

    @classmethod
    def from_settings(cls, settings: object) -> "WindowSpec":
        return cls(
            size_ms=int(getattr(settings, "window_size_s")) * 1000,
            step_ms=int(getattr(settings, "window_step_s")) * 1000,
            grace_ms=int(getattr(settings, "window_grace_s")) * 1000,
        )


def pane_start(ts_ms: int, step_ms: int) -> int:
    """Start of the pane holding ``ts_ms`` (floor division also aligns negative times)."""
    return ts_ms - ts_ms % step_ms


def windows_containing(ts_ms: int, size_ms: int, step_ms: int) -> list[tuple[int, int]]:
    """Every aligned window [start, end) that contains ``ts_ms``, oldest first."""
    last = pane_start(ts_ms, step_ms)
    first = last - size_ms + step_ms
    return [(s, s + size_ms) for s in range(first, last + step_ms, step_ms)]


def is_closed(window_end_ms: int, stream_time_ms: int, grace_ms: int) -> bool:
    """A window is final once stream time has passed its end by the grace period."""
    return stream_time_ms >= window_end_ms + grace_ms


def last_closed_end(stream_time_ms: int, step_ms: int, grace_ms: int) -> int:
    """End of the newest closed window: the largest aligned end with end + grace <= stream time."""
    return pane_start(stream_time_ms - grace_ms, step_ms)


def format_ms(ts_ms: int) -> str:
    """RFC 3339 UTC with a ``Z``: how window bounds travel in alerts (`streams.core.formatting.format_rfc3339`)."""
    from streams.core.formatting import format_rfc3339

    return format_rfc3339(ts_ms)
