"""RegionalEngine: the one place where windows close and alerts are decided.

Synchronous and pure apart from two injected mappings, so the Faust worker (changelog tables),
`suhu backtest` (dicts) and the tests all run exactly this code:

* ``contributions``: post dedup key -> a compact record of what the post adds to its panes (region,
  event time, author, scores and labels, post id, partition, city, region source): its province's and,
  when ``city`` is a gazetteer city, that city's (one record, two panes). Panes are an in-memory cache
  derived from it: ``rebuild()`` recomputes them after a restart or rebalance.
* ``state``: ``"p:<partition>"`` -> the partition's clock (watermark, newest closed window end, regions,
  mark per source, idle sources, earliest event before the watermark was known) and
  ``"m:<series>:<signal>"`` -> the alert state machine (with its baseline and last alert), where a
  series is a province (``ID-JB``) or one of its cities (``ID-JB/Bandung``, see `series_key`).

Every stored value is written and read by streams/core/codecs.py (named, versioned; scores and labels
against an explicit signal layout, so a change to `SIGNALS` never reinterprets stored state).

The clock is kept per partition of ``posts-scored`` (keyed by region): the *watermark*, the
minimum over the input (``posts``) partitions of the largest event time each has delivered
(streams/core/watermarks.py). Windows close when the watermark passes their end plus the grace period:
never on the wall clock, and never because one fast input partition ran ahead. The marks come with
the posts themselves (a scored post names its source partition) and with the watermark records the
scoring stage writes to every posts-scored partition (`advance`). Without configured sources
(``EngineConfig.sources`` None: `suhu backtest`, records without a source) every record counts as
one source and the watermark is the largest event time seen, the Kafka Streams stream time.

Why one long module: it is the one place where windows close and alerts are decided (panes, clocks,
state machines and their stored records); split, the invariants between them would span files.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta, timezone, tzinfo
from typing import Any, Callable, Collection, Iterable, Mapping, MutableMapping

from models.base import SIGNALS
from streams.core.aggregation import SOURCE_NAMES, PaneAgg, WindowResult, labels_to_bits, merge, quantise
from streams.core.alerting import Observation, make_alert, series_key, step
from streams.core.changelog import writer
from streams.core.codecs import (
    CodecError,
    Contribution,
    ContributionCodec,
    decode_machine,
    decode_partition_state,
    encode_machine,
    encode_partition_state,
    machine_key,
    partition_clock,
    parse_state_key,
    partition_key,
)
from streams.core.records import UNKNOWN_REGION, Alert, ScoredPost
from streams.core.thresholds import Thresholds
from streams.core.watermarks import LEGACY_SOURCE, advance_clock, apply_report, lateness
from streams.core.windowing import WindowSpec, format_ms

__all__ = ["EngineConfig", "RegionalEngine", "partition_for"]

log = logging.getLogger(__name__)

NS = len(SIGNALS)
_SOURCE_INDEX = {name: i for i, name in enumerate(SOURCE_NAMES)}  # a post's region source -> pane slot


def partition_for(region: str, partitions: int) -> int:
    """The partition Kafka's default partitioner gives a record keyed by ``region``."""
    from kafka.partitioner.default import murmur2

    return (murmur2(region.encode("utf-8")) & 0x7FFFFFFF) % partitions


def _as_tzinfo(tz: Any) -> tzinfo:
    if isinstance(tz, tzinfo):
        return tz
    if isinstance(tz, (int, float)):
        return timezone(timedelta(hours=tz))
    if isinstance(tz, str):
        from zoneinfo import ZoneInfo

        return ZoneInfo(tz)
    return timezone.utc


@dataclass(frozen=True)
class EngineConfig:
    window: WindowSpec
    thresholds: Thresholds
    calendar: Any  # anything with .phase_at(event_ms, region_code) -> phase name
    decision_thresholds: Mapping[str, float] = field(default_factory=dict)  # reported in snapshots
    region_codes: frozenset[str] | None = None  # None: streams.core.regions.REGION_CODES
    region_name: Callable[[str], str] | None = None  # None: streams.core.regions.region_name
    tz_for: Callable[[str], Any] | None = None  # None: streams.core.regions.tz_for
    city_names: Mapping[str, Collection[str]] | None = None  # None: streams.core.regions.CITY_NAMES
    sources: int | None = None  # input partitions the watermark waits for; None: whatever reports
    allowed_lateness_ms: int = 0  # how long closed panes stay to count late posts in open windows

    @classmethod
    def from_settings(cls, settings: Any, decision_thresholds: Mapping[str, float] | None = None) -> "EngineConfig":
        from streams.core.calendar import load_calendar
        from streams.core.thresholds import load_thresholds

        return cls(
            window=WindowSpec.from_settings(settings),
            thresholds=load_thresholds(settings.thresholds_file),
            calendar=load_calendar(settings.calendar),
            decision_thresholds=dict(decision_thresholds or {}),
            allowed_lateness_ms=int(float(getattr(settings, "allowed_lateness_s", 0)) * 1000),
        )


class RegionalEngine:
    def __init__(
        self,
        config: EngineConfig,
        contributions: MutableMapping[str, Any],
        state: MutableMapping[str, Any],
    ) -> None:
        self.config = config
        self.contributions = contributions
        self.state = state
        # Every write names the partition of the event that makes it (streams/core/changelog.py).
        self._contributions_at = writer(contributions)
        self._state_at = writer(state)
        self.stats: Counter[str] = Counter()
        w = config.window
        self._size, self._step, self._grace = w.size_ms, w.step_ms, w.grace_ms
        self._cap = config.thresholds.author_cap
        self._expected = None if config.sources is None else [str(i) for i in range(config.sources)]
        self._allowed = max(0, int(config.allowed_lateness_ms))
        self._codec = ContributionCodec(SIGNALS)  # stored contributions <-> this build's signal order
        self._late_windows: dict[str, dict[int, int]] = {}  # series -> window end -> late posts
        if (config.region_codes is None or config.region_name is None or config.tz_for is None
                or config.city_names is None):
            from streams.core import regions as _regions  # the gazetteer: one place for region facts

            codes = config.region_codes if config.region_codes is not None else frozenset(_regions.REGION_CODES)
            self._name = config.region_name or _regions.region_name
            self._tz_fn = config.tz_for or _regions.tz_for
            city_names = config.city_names if config.city_names is not None else _regions.CITY_NAMES
        else:
            codes = config.region_codes
            self._name, self._tz_fn = config.region_name, config.tz_for
            city_names = config.city_names
        self._codes = frozenset(codes) - {UNKNOWN_REGION}  # no thresholds for "somewhere": counted, not judged
        # City series are bounded by the gazetteer: any other ``city`` value is judged at province level only.
        self._city_names = {r: frozenset(city_names.get(r, ())) for r in self._codes
                            if config.thresholds.cities_enabled(r)}
        self._cities: dict[str, set[str]] = {}  # province -> its cities that have (had) a series
        self._city_min_posts: dict[str, int] = {}
        self._tz_cache: dict[str, tzinfo] = {}
        self._panes: dict[str, dict[int, PaneAgg]] = {}
        self._pane_keys: dict[tuple[str, int], list[str]] = {}
        self._parts: dict[int, dict[str, Any]] = {}
        self._machines: dict[str, list[dict[str, Any]]] = {}
        self._latest: dict[str, tuple[int, WindowResult, str]] = {}
        self._stale: dict[int, list[str]] = {}
        # series -> (end of its latest judged window, its machines before that window): the one step
        # of history a late post needs to re-judge that window (in memory: a restart forgets it).
        self._prev: dict[str, tuple[int, list[dict[str, Any]]]] = {}
        self.rebuild()

    @classmethod
    def from_settings(
        cls,
        settings: Any,
        decision_thresholds: Mapping[str, float] | None = None,
        *,
        contributions: MutableMapping[str, Any],
        state: MutableMapping[str, Any],
    ) -> "RegionalEngine":
        return cls(EngineConfig.from_settings(settings, decision_thresholds), contributions, state)

    # ------------------------------------------------------------------------------ recovery
    def rebuild(self) -> None:
        """Recompute the in-memory panes and caches from the two mappings (after a restart)."""
        self._panes.clear()
        self._pane_keys.clear()
        self._parts.clear()
        self._machines.clear()
        self._cities.clear()
        self._prev.clear()
        unreadable = 0
        for key, value in list(self.state.items()):
            kind, name, signal = parse_state_key(key)
            try:
                if kind == "p":
                    self._parts[name] = decode_partition_state(value)
                elif kind == "m" and signal in SIGNALS:  # a signal this build does not judge: left alone
                    self._machine(name)[SIGNALS.index(signal)] = decode_machine(value)
                    region, _, city = name.partition("/")
                    if city:
                        self._cities.setdefault(region, set()).add(city)
            except CodecError:
                unreadable += 1
        self._stale.clear()
        decode = self._codec.decode
        for key, value in list(self.contributions.items()):
            try:
                contrib = decode(value)
            except CodecError:
                unreadable += 1
                continue
            part = self._parts.get(contrib.partition)
            p = contrib.event_ms - contrib.event_ms % self._step
            if part is not None and part["c"] is not None and p + self._size + self._allowed <= part["c"]:
                # All its windows are closed (an eviction lost in a crash). Deleted on that partition's
                # next post: a changelog table write needs the partition's event to be current.
                self._stale.setdefault(contrib.partition, []).append(key)
                continue
            self._add(key, contrib)
        if unreadable:
            # Newer than this build (a downgrade) or damaged: skipped, counted, never a crash loop.
            self.stats["unreadable_records"] += unreadable
            log.error("%d stored engine records could not be read and were skipped (newer format?)", unreadable)

    def _machine(self, unit: str) -> list[dict[str, Any]]:
        ms = self._machines.get(unit)
        if ms is None:
            ms = self._machines[unit] = [{} for _ in SIGNALS]
        return ms

    def _add(self, key: str, c: Contribution | tuple[Any, ...]) -> None:
        region, ev, author, scores, bits, post_id, _, city, src = c
        p = ev - ev % self._step
        panes = self._panes.get(region)
        if panes is None:
            panes = self._panes[region] = {}
        pane = panes.get(p)
        if pane is None:
            pane = panes[p] = PaneAgg()
            self._pane_keys[(region, p)] = []
        pane.add(author, scores, bits, post_id, src)
        self._pane_keys[(region, p)].append(key)
        if city is not None and city in self._city_names.get(region, ()):
            # The same record feeds the city's pane; its key is tracked (and evicted) with the province's.
            unit = series_key(region, city)
            panes = self._panes.get(unit)
            if panes is None:
                panes = self._panes[unit] = {}
                self._cities.setdefault(region, set()).add(city)
            pane = panes.get(p)
            if pane is None:
                pane = panes[p] = PaneAgg()
            pane.add(author, scores, bits, post_id, src)

    # ------------------------------------------------------------------------------ hot path
    def _part(self, partition: int) -> dict[str, Any]:
        return partition_clock(self._parts, partition)

    def _save(self, partition: int, part: dict[str, Any]) -> None:
        self._state_at(partition)[partition_key(partition)] = encode_partition_state(part)

    def process(self, post: ScoredPost, partition: int, source: str | None = None) -> list[Alert]:
        """Add one scored post (read from input partition ``source``); returns the alerts of every
        window the watermark closed."""
        p_ = post.post
        key = p_.dedup_key
        if key in self.contributions:
            self.stats["duplicates"] += 1
            return []
        region = p_.region
        if region not in self._codes:
            self.stats["unknown_region"] += 1
            return []
        ev = p_.event_ms
        part = self._part(partition)
        c = part["c"]
        kind = lateness(ev, c, self._step, self._size, self._allowed)
        if kind != "on_time":
            self.stats["late"] += 1
            self._tally_late(region, p_.city, ev, c)
            if kind == "dropped":
                self.stats["late_dropped"] += 1
                return []
        try:
            scores = [quantise(post.scores[s]) for s in SIGNALS]
        except (KeyError, TypeError, ValueError):
            self.stats["invalid"] += 1
            return []
        if self._stale:
            contributions = self._contributions_at(partition)
            for stale in self._stale.pop(partition, ()):
                contributions.pop(stale, None)
        city = p_.city
        if city is not None and city not in self._city_names.get(region, ()):
            self.stats["city_not_judged"] += 1  # not in the gazetteer (or city windows off): province only
            city = None
        # A plain tuple in `Contribution`'s field order (cheaper to build than the named tuple).
        contrib = (region, ev, p_.author or f"~{key}", scores, labels_to_bits(post.labels), p_.id, partition, city,
                   _SOURCE_INDEX.get(p_.source, 0))
        self._contributions_at(partition)[key] = self._codec.encode_json(contrib)  # held as its changelog JSON
        self._add(key, contrib)
        self.stats["processed"] += 1
        corrections = self._correct(region, city, ev, self._state_at(partition)) if kind == "late" else []
        dirty = False
        if region not in part["r"]:
            part["r"].append(region)
            dirty = True
        src = LEGACY_SOURCE if source is None else source
        w = part["w"]
        if w.get(src) is None or ev > w[src]:
            w[src] = ev
            dirty = True
        if src in part["i"]:
            part["i"].remove(src)  # a post proves its source is active again
        if part["c"] is None and (part["lo"] is None or ev < part["lo"]):
            part["lo"] = ev
            dirty = True
        alerts, moved = self._tick(partition, part)
        if dirty or moved:
            self._save(partition, part)
        return corrections + alerts if corrections else alerts

    def _correct(self, region: str, city: str | None, ev: int, state: MutableMapping[str, Any]) -> list[Alert]:
        """Re-judge the latest closed window of the post's series with the late post in it.

        The rule (docs/RELIABILITY.md): a transition the late posts create there is published, with
        ``late: true``; one already published for that window stands (alerts are never retracted);
        otherwise the machine state (pending streak, baseline) is corrected silently.
        """
        out: list[Alert] = []
        pane = ev - ev % self._step
        size, step_ms = self._size, self._step
        units = [(region, None)]
        if city is not None:
            units.append((series_key(region, city), city))
        th = self.config.thresholds
        for unit, c_city in units:
            prev, latest = self._prev.get(unit), self._latest.get(unit)
            if prev is None or latest is None or prev[0] != latest[0]:
                continue
            end = prev[0]
            if not end - size <= pane < end:
                continue
            panes = self._panes.get(unit, {})
            res = merge(panes[p] for p in range(end - size, end, step_ms) if p in panes).result(self._cap)
            phase = latest[2]
            self._latest[unit] = (end, res, phase)
            machines = self._machine(unit)
            for i, sig in enumerate(SIGNALS):
                rule = th.rule(region, sig, phase, c_city is not None)
                st = res.signals[sig]
                obs = Observation(region, sig, end - size, end, phase, st.metric(rule.metric),
                                  res.post_count, res.author_count, st.examples, c_city,
                                  res.declared_share, res.source_shares)
                new, tr = step(prev[1][i], obs, rule)
                cur = machines[i]
                last = cur.get("last")
                if last is not None and last.get("window_end") == format_ms(end):
                    continue  # this window already published a transition: it stands
                if tr is not None:
                    alert = make_alert(tr, obs, self._series_name(region, c_city), self._tz(region), rule.metric)
                    alert = dataclasses.replace(alert, late=True)
                    new["last"] = alert.to_dict()
                    out.append(alert)
                    self.stats["late_alerts"] += 1
                if new != cur:
                    machines[i] = new
                    state[machine_key(unit, sig)] = encode_machine(new)
        self.stats["alerts"] += len(out)
        return out

    def advance(self, partition: int, marks: Mapping[str, int], idle: Collection[str] = (),
                owned: Collection[str] = (), emitted_ms: int | None = None) -> list[Alert]:
        """A watermark record on ``partition``: sources' marks (kept monotonic) and, for the sources
        in ``owned``, whether they are idle now, unless the record is older than the last one applied
        for that source (`apply_report`). Returns the alerts of the windows it closed."""
        part = self._part(partition)
        if not apply_report(part, marks, idle, owned, emitted_ms):
            return []
        alerts, _ = self._tick(partition, part)
        self._save(partition, part)
        return alerts

    def _tick(self, partition: int, part: dict[str, Any]) -> tuple[list[Alert], bool]:
        """Move the partition's watermark from its sources' marks; close what it passed."""
        moved = advance_clock(part, self._expected, self._grace, self._step)
        if moved is None:
            return [], False
        c, new_c = moved
        if new_c > c:
            return self._close(partition, part, c, new_c), True
        return [], True

    def _tally_late(self, region: str, city: str | None, ev: int, closed: int | None) -> None:
        """Count a late post against every closed window that should have held it (see `snapshot`)."""
        if closed is None:
            return
        pane = ev - ev % self._step
        units = [region]
        if city is not None and city in self._city_names.get(region, ()):
            units.append(series_key(region, city))
        for unit in units:
            tally = self._late_windows.setdefault(unit, {})
            for end in range(pane + self._step, min(pane + self._size, closed) + 1, self._step):
                tally[end] = tally.get(end, 0) + 1

    def watermark(self, partition: int) -> int | None:
        """The partition's event-time clock (ms): windows up to it minus the grace are closed."""
        part = self._parts.get(partition)
        return None if part is None else part["t"]

    # ------------------------------------------------------------------------------ closure
    def _close(self, partition: int, part: dict[str, Any], old_c: int, new_c: int) -> list[Alert]:
        collected: list[tuple[int, str, int, Alert]] = []
        state = self._state_at(partition)
        for region in sorted(part["r"]):
            self._close_region(region, region, None, old_c, new_c, collected, state)
            for city in sorted(self._cities.get(region, ())):
                self._close_region(series_key(region, city), region, city, old_c, new_c, collected, state)
        part["c"] = new_c
        self._evict(part["r"], new_c - self._allowed, self._contributions_at(partition))
        collected.sort(key=lambda x: (x[0], x[1], x[2]))
        self.stats["alerts"] += len(collected)
        return [a for _, _, _, a in collected]

    def _close_region(self, unit: str, region: str, city: str | None, old_c: int, new_c: int,
                      out: list[tuple[int, str, int, Alert]], state: MutableMapping[str, Any]) -> None:
        size, step_ms = self._size, self._step
        panes = self._panes.get(unit, {})
        machines = self._machine(unit)
        e = old_c + step_ms
        while e <= new_c:
            has_data = any((e - size) <= p < e for p in panes)
            active = any(m.get("s") not in (None, "ok") for m in machines)
            if not has_data and not active:
                later = [p for p in panes if p >= e]
                if not later:
                    return
                e = min(later) + step_ms  # skip the empty windows in between: nothing can change
                continue
            self._evaluate(unit, region, city, e, panes, machines, out, state)
            e += step_ms

    def _evaluate(self, unit: str, region: str, city: str | None, end: int, panes: dict[int, PaneAgg],
                  machines: list[dict[str, Any]], out: list[tuple[int, str, int, Alert]],
                  state: MutableMapping[str, Any]) -> None:
        size, step_ms = self._size, self._step
        th = self.config.thresholds
        is_city = city is not None
        if is_city and self._thin(region, end, panes, machines):
            # Most of ~380 cities are quiet most of the time: a window under min_posts cannot fire or
            # teach the baseline, so it is not computed; it only ends a pending streak, as step() would.
            self._latest.pop(unit, None)
            self._prev.pop(unit, None)
            self.stats["city_windows_thin"] += 1
            for i, m in enumerate(machines):
                if m.get("s") == "pending":
                    machines[i] = {**m, "s": "ok", "sev": None, "n": 0}
                    state[machine_key(unit, SIGNALS[i])] = encode_machine(machines[i])
            return
        res = merge(panes[p] for p in range(end - size, end, step_ms) if p in panes).result(self._cap)
        phase = self.config.calendar.phase_at(end - 1, region)
        self._latest[unit] = (end, res, phase)
        self._prev[unit] = (end, [dict(m) for m in machines])
        self.stats["windows_closed"] += 1
        for i, sig in enumerate(SIGNALS):
            rule = th.rule(region, sig, phase, is_city)
            st = res.signals[sig]
            obs = Observation(region, sig, end - size, end, phase, st.metric(rule.metric),
                              res.post_count, res.author_count, st.examples, city,
                              res.declared_share, res.source_shares)
            old = machines[i]
            new, tr = step(old, obs, rule)
            if tr is not None:
                alert = make_alert(tr, obs, self._series_name(region, city), self._tz(region), rule.metric)
                new["last"] = alert.to_dict()
                out.append((end, unit, i, alert))
            if new != old:
                machines[i] = new
                state[machine_key(unit, sig)] = encode_machine(new)

    def _thin(self, region: str, end: int, panes: dict[int, PaneAgg], machines: list[dict[str, Any]]) -> bool:
        """Too few posts to judge, and no firing alert waiting for its calm windows."""
        need = self._city_min_posts.get(region)
        if need is None:
            need = self._city_min_posts[region] = self.config.thresholds.knobs(region, city=True)["min_posts"]
        size, step_ms = self._size, self._step
        n = sum(panes[p].count for p in range(end - size, end, step_ms) if p in panes)
        return n < need and not any(m.get("s") == "firing" for m in machines)

    def _evict(self, regions: Iterable[str], closed: int, contributions: MutableMapping[str, Any]) -> None:
        """Drop panes (and their contributions) that no open window needs any more."""
        for region in regions:
            for unit in (region, *(series_key(region, city) for city in self._cities.get(region, ()))):
                tally = self._late_windows.get(unit)
                if tally:
                    for end in [e for e in tally if e < closed]:
                        del tally[end]
            panes = self._panes.get(region)
            if not panes:
                continue
            for p in [p for p in panes if p + self._size <= closed]:
                del panes[p]
                for key in self._pane_keys.pop((region, p), ()):
                    contributions.pop(key, None)
            for city in self._cities.get(region, ()):
                cpanes = self._panes.get(series_key(region, city))
                if cpanes:
                    for p in [p for p in cpanes if p + self._size <= closed]:
                        del cpanes[p]

    # ------------------------------------------------------------------------------ helpers
    def _region_name(self, region: str) -> str:
        try:
            return str(self._name(region))
        except (KeyError, ValueError):
            return region

    def _series_name(self, region: str, city: str | None) -> str:
        """What the operations room reads: "Jawa Barat", or "Bandung, Jawa Barat" for a city."""
        name = self._region_name(region)
        return name if city is None else f"{city}, {name}"

    def _tz(self, region: str) -> tzinfo:
        tz = self._tz_cache.get(region)
        if tz is None:
            try:
                tz = _as_tzinfo(self._tz_fn(region))
            except (KeyError, ValueError):
                tz = timezone.utc
            self._tz_cache[region] = tz
        return tz

    def stream_time(self, partition: int) -> int | None:
        return self.watermark(partition)

    def flush(self) -> list[Alert]:
        """Close every window that holds data and let open incidents resolve (end of a backtest).

        The live pipeline never does this (it cannot know the input ended); backtests do it only
        when asked, so that by default their output matches the live `alerts` topic.
        """
        th = self.config.thresholds
        clear = max(th.knobs(r, city)["consecutive_clear"] for r in ("", *th.regions) for city in (False, True))
        alerts: list[Alert] = []
        for partition in sorted(self._parts):
            part = self._parts[partition]
            ends = [p + self._size for r in part["r"] for p in self._panes.get(r, {})]
            if not ends or part["c"] is None:
                continue
            horizon = max(ends) + (clear + 1) * self._step
            if horizon > part["c"]:
                alerts += self._close(partition, part, part["c"], horizon)
                part["t"] = max(part["t"] or horizon + self._grace, horizon + self._grace)
                self._save(partition, part)
        return alerts

    def replay_pending(self) -> list[Alert]:
        """The last alert of every state machine: republished once after a restart (harmless,
        delivery dedups on alert_id) so a crash between saving state and publishing loses nothing."""
        found = [(m["last"]["emitted_at"], unit, i, m["last"])
                 for unit, ms in self._machines.items() for i, m in enumerate(ms) if m.get("last")]
        found.sort(key=lambda x: (x[0], x[1], x[2]))
        return [Alert.from_dict(d) for *_, d in found]

    def snapshot(self) -> dict[str, Any]:
        """The latest closed window per province and signal, with thresholds and baselines (plain
        JSON types; `streams.runtime.metrics.SuhuMetrics.window_values` turns it into gauges). A province's
        cities are nested under its ``"cities"`` key, so the gauges keep their bounded region labels."""
        out: dict[str, Any] = {}
        for unit in sorted(self._latest):
            region, _, city = unit.partition("/")
            if not city:
                out[unit] = self._series_snapshot(unit, region, None)
        for unit in sorted(self._latest):
            region, _, city = unit.partition("/")
            if city and region in out:
                out[region].setdefault("cities", {})[city] = self._series_snapshot(unit, region, city)
        return out

    def _series_snapshot(self, unit: str, region: str, city: str | None) -> dict[str, Any]:
        th = self.config.thresholds
        end, res, phase = self._latest[unit]
        machines = self._machine(unit)
        sigs: dict[str, Any] = {}
        for i, sig in enumerate(SIGNALS):
            rule = th.rule(region, sig, phase, city is not None)
            st = res.signals[sig]
            m = machines[i]
            sigs[sig] = {
                **st.to_dict(),
                "metric": rule.metric,
                "value": st.metric(rule.metric),
                "baseline": m.get("b"),
                "state": m.get("s") or "ok",
                "severity": m.get("sev"),
                "warning_fire": rule.warning.fire if rule.warning else None,
                "critical_fire": rule.critical.fire if rule.critical else None,
                "decision_threshold": self.config.decision_thresholds.get(sig),
            }
        return {
            "region_name": self._series_name(region, city),
            "window_start": format_ms(end - self._size),
            "window_end": format_ms(end),
            "window_end_ms": end,
            "phase": phase,
            "post_count": res.post_count,
            "author_count": res.author_count,
            "late": self._late_windows.get(unit, {}).get(end, 0),  # posts that arrived after it closed
            "region_sources": res.source_shares,  # share of posts by where their region came from
            "signals": sigs,
        }
