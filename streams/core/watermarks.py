"""Event-time progress across input partitions: source watermarks, idleness, lateness.

Pure: no Kafka, no clocks of its own (callers pass processing time and consumer lag in), so the
worker, `suhu backtest` and the tests share it.

The rule (docs/RELIABILITY.md, "Event time and watermarks"):

* Each partition of the input topic ``posts`` is a *source*. Its progress ("mark") is the largest
  event time among the valid posts read from it. Posts of one source may be out of order among
  themselves by at most the window grace (``window_grace_s``: bounded out-of-orderness, Flink's
  ``forBoundedOutOfOrderness``).
* The aggregation stage's clock (its *watermark*) is the minimum mark over all sources, so a
  window [s, e) closes only once every source has passed e + grace: a slow input partition holds
  the clock back instead of having its posts dropped as late. This is how Flink combines the
  watermarks of its input channels (minimum over inputs), Beam/Dataflow its input watermark
  (minimum over upstream sources), and Kafka Streams chooses the next record across a task's
  partitions (smallest head timestamp, with ``max.task.idle.ms``).
* A source that delivered nothing for ``source_idle_timeout_s`` (processing time) *and* has no
  unread messages on the broker (consumer lag 0) is *idle* and left out of the minimum, so a silent
  input partition stalls closing by at most that timeout (Flink's ``WatermarkStrategy.withIdleness``).
  A source with unread data is never idle, however long it takes to read (Kafka Streams 3.0+,
  KIP-695: wait while the partition has lag). When every source is idle the clock is the largest
  mark: nothing more is coming. The lag must be current: the scoring stage asks the broker when an
  idle source resumes (streams/runtime/scoring_stage.py, `Watermarks`).
* The clock never moves backwards.
* A watermark record seen again (a replay after a restart, or offsets read around Faust and then
  handed out by Faust as well) never undoes a newer one: marks are kept monotonic, and a source's
  idleness is taken only from a record emitted no earlier than the last one applied for that source
  (`apply_report`). A stale "idle" would otherwise let the clock jump to the fastest source and leave
  the slower sources' posts behind as late.

A post is *late* when a window that should have held it had already closed when it arrived. Late
posts are counted (`late` and a per-series tally); those within ``allowed_lateness_s`` of the
clock still go into every window that is still open, older ones are dropped from aggregation
(`late_dropped`), as Flink's ``allowedLateness`` / Beam's ``withAllowedLateness``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection, Iterable, Mapping

__all__ = [
    "LEGACY_SOURCE",
    "SourceTracker",
    "advance_clock",
    "apply_report",
    "closing_step",
    "combine",
    "lateness",
    "watermark_record",
    "parse_watermark_record",
    "WATERMARK_KIND",
    "WATERMARK_KEY",
]

LEGACY_SOURCE = "_"  # records without a source (backtest, unit tests, records written before watermarks)
WATERMARK_KIND = "watermark"
WATERMARK_KEY = b"~watermark"  # the message key of watermark records (no region code looks like it)


def combine(marks: Mapping[str, int], idle: Collection[str], expected: Collection[str] | None) -> int | None:
    """The watermark over ``expected`` sources (None: the sources in ``marks``).

    Minimum mark over the sources that are not idle; None while a non-idle expected source has
    reported no mark yet (the clock waits for it); the largest mark when every source is idle.
    """
    sources = marks.keys() if expected is None else expected
    low: int | None = None
    high: int | None = None
    any_active = False
    for s in sources:
        m = marks.get(s)
        if s in idle:
            if m is not None and (high is None or m > high):
                high = m
            continue
        any_active = True
        if m is None:
            return None
        if low is None or m < low:
            low = m
        if high is None or m > high:
            high = m
    if any_active:
        return low
    return high


def closing_step(mark: int | None, step_ms: int, grace_ms: int) -> int | None:
    """How many window ends a clock at ``mark`` has closed (windows end on multiples of the step and
    close ``grace_ms`` after their end); None before the first mark.

    The scoring stage publishes its sources' marks at once when this number grows, rather than at
    the next watermark tick, so a window closes as soon as the input has passed it (the tick still
    carries idleness and marks that move within a step).
    """
    if mark is None:
        return None
    return (mark - grace_ms) // step_ms


def advance_clock(part: dict[str, Any], expected: Collection[str] | None, grace_ms: int,
                  step_ms: int) -> tuple[int, int] | None:
    """Move a partition clock (``{"t", "c", "w", "i", "lo", ...}``, streams/core/codecs.py) to the watermark of
    its sources' marks. None when it did not move; else ``(closed, closing)``: the windows ending after
    ``closed`` up to ``closing`` close now (none when equal). On the clock's first move it starts below
    every post already waiting (``lo``), so their windows are judged. The caller sets ``c`` to
    ``closing`` once it has closed them. Shared by the regional and the claim-spread engines."""
    wm = combine(part["w"], part["i"], expected)
    if wm is None or (part["t"] is not None and wm <= part["t"]):
        return None
    part["t"] = wm
    t = wm - grace_ms
    closing = t - t % step_ms
    closed = part["c"]
    if closed is None:
        lo = part["lo"]
        closed = closing if lo is None else min(closing, lo - lo % step_ms)
        part["c"], part["lo"] = closed, None
    return closed, closing


def lateness(event_ms: int, closed_end: int | None, step_ms: int, size_ms: int, allowed_ms: int) -> str:
    """``"on_time"``, ``"late"`` (missed a closed window, still counted in the open ones) or
    ``"dropped"`` (every window holding it closed more than ``allowed_ms`` ago)."""
    if closed_end is None:
        return "on_time"
    pane = event_ms - event_ms % step_ms
    if pane + step_ms > closed_end:
        return "on_time"
    if pane + size_ms + allowed_ms <= closed_end:
        return "dropped"
    return "late"


@dataclass
class _Source:
    mark: int | None = None  # largest event time read
    last_offset: int | None = None  # last offset read
    last_seen: float = 0.0  # processing time of the last message (or of the assignment)
    idle: bool = False


class SourceTracker:
    """The scoring stage's view of the input partitions it owns (one per worker).

    ``observe`` every message once its scored output has been handed to the producer; ``report``
    what to publish on every ``posts-scored`` partition.
    """

    def __init__(self, idle_timeout_s: float) -> None:
        if idle_timeout_s <= 0:
            raise ValueError("idle timeout must be > 0")
        self.idle_timeout_s = idle_timeout_s
        self.sources: dict[int, _Source] = {}

    def assign(self, partitions: Iterable[int], now: float) -> None:
        """Keep exactly ``partitions``; a newly assigned one starts its idle timeout now."""
        wanted = set(partitions)
        for p in list(self.sources):
            if p not in wanted:
                del self.sources[p]
        for p in wanted:
            if p not in self.sources:
                self.sources[p] = _Source(last_seen=now)

    def observe(self, partition: int, offset: int, event_ms: int | None, now: float) -> bool:
        """Take one message read from ``partition``; True when that source was idle (its input resumed)."""
        src = self.sources.get(partition)
        if src is None:
            src = self.sources[partition] = _Source()
        if event_ms is not None and (src.mark is None or event_ms > src.mark):
            src.mark = event_ms
        if src.last_offset is None or offset > src.last_offset:
            src.last_offset = offset
        src.last_seen = now
        resumed = src.idle
        src.idle = False
        return resumed

    def any_idle(self) -> bool:
        return any(s.idle for s in self.sources.values())

    def check_idle(self, now: float, lag: Mapping[int, int | None]) -> list[int]:
        """Mark sources idle per the rule above; returns the ones that changed state.

        ``lag[p]``: messages on the broker not yet read from ``p`` (None: unknown, treated as 0).
        """
        changed = []
        for p, src in self.sources.items():
            behind = lag.get(p)
            idle = now - src.last_seen >= self.idle_timeout_s and not (behind is not None and behind > 0)
            if idle != src.idle:
                src.idle = idle
                changed.append(p)
        return changed

    def report(self) -> dict[str, dict[str, Any]]:
        return {str(p): {"m": s.mark, "idle": s.idle} for p, s in sorted(self.sources.items())}

    def low_mark(self) -> int | None:
        """The smallest mark over owned non-idle sources (for this worker's alignment and metrics)."""
        return combine({str(p): s.mark for p, s in self.sources.items() if s.mark is not None},
                       {str(p) for p, s in self.sources.items() if s.idle},
                       [str(p) for p in self.sources])


def apply_report(part: dict[str, Any], marks: Mapping[str, int], idle: Collection[str], owned: Collection[str],
                 emitted_ms: int | None = None) -> bool:
    """Take one watermark record into a clock ``part`` (``w`` mark per source, ``i`` idle sources, ``e``
    when each source's idleness was last reported, emitter's ms); True when marks or idleness changed.

    Marks only move forward. For each source in ``owned`` the record says whether it is idle now, unless
    the record is older (``emitted_ms``) than the last record applied for that source: then it is a
    replay and its idleness is stale. Records without ``emitted_ms`` (written before it was read) are
    applied as they come. ``emitted_ms`` is the emitting worker's clock; when a source moves to a worker
    whose clock is behind, that source's idleness changes are ignored for the skew (its posts still
    make it active again at once, streams/core/engine.py).
    """
    changed = False
    w = part["w"]
    for src, m in marks.items():
        if w.get(src) is None or m > w[src]:
            w[src] = m
            changed = True
    now_idle_sources = part["i"]
    reported = part.setdefault("e", {})
    for src in owned:
        if emitted_ms is not None:
            last = reported.get(src)
            if last is not None and emitted_ms < last:
                continue
            reported[src] = emitted_ms
        now_idle = src in idle
        if now_idle != (src in now_idle_sources):
            if now_idle:
                now_idle_sources.append(src)
            else:
                now_idle_sources.remove(src)
            changed = True
    return changed


def watermark_record(sources: Mapping[str, Mapping[str, Any]], emitted_ms: int) -> dict[str, Any]:
    """The record the scoring stage writes to every posts-scored partition (never counted as a post)."""
    return {"kind": WATERMARK_KIND, "sources": {k: dict(v) for k, v in sources.items()}, "emitted_ms": emitted_ms}


def parse_watermark_record(doc: Mapping[str, Any]) -> tuple[dict[str, int], set[str], set[str], int | None]:
    """(marks, idle, owned, emitted_ms) from a watermark record (emitted_ms None where the record has
    none); raises ValueError on anything malformed."""
    if doc.get("kind") != WATERMARK_KIND:
        raise ValueError("not a watermark record")
    sources = doc.get("sources")
    if not isinstance(sources, dict):
        raise ValueError("watermark record without sources")
    marks: dict[str, int] = {}
    idle: set[str] = set()
    owned: set[str] = set()
    for key, value in sources.items():
        if not isinstance(key, str) or not key.isdigit() or not isinstance(value, dict):
            raise ValueError(f"bad watermark source {key!r}")
        m = value.get("m")
        if m is not None:
            if isinstance(m, bool) or not isinstance(m, int):
                raise ValueError(f"bad mark for source {key}")
            marks[key] = m
        if value.get("idle") is True:
            idle.add(key)
        owned.add(key)
    emitted = doc.get("emitted_ms")
    if emitted is not None and (isinstance(emitted, bool) or not isinstance(emitted, int)):
        raise ValueError("bad emitted_ms")
    return marks, idle, owned, emitted
