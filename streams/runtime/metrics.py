"""Every Prometheus metric suhu exports, in one place: names, labels, buckets.

Label values come only from bounded sets (regions, signals, platforms, dead-letter reasons,
severities, destinations, phases); never a post id, author, hashtag or free text (UU PDP, and
cardinality). Children are created up front so a quiet province shows 0 on the dashboard
instead of nothing. The registry is injected so tests use a fresh one.

Why one long module: one place for every metric name, label set and bucket, by design (the
dashboards and rules are checked against it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from models.base import SIGNALS
from streams.core.contract import REJECT_REASONS
from streams.outputs.delivery import DESTINATIONS  # the pagers, defined once with their classes
from streams.core.records import SEVERITIES, UNKNOWN_REGION

# Why a message was dead-lettered: the contract names the reasons (one place); counting an
# unlisted reason raises (KeyError) rather than inventing a label, so a validator bug shows up in tests.
DLQ_REASONS: tuple[str, ...] = REJECT_REASONS

# Platforms we label by; anything else is counted as "other" so a producer typo cannot add series.
PLATFORMS: tuple[str, ...] = (
    "twitter",
    "facebook",
    "instagram",
    "tiktok",
    "youtube",
    "news_comment",
    "other",
    "unknown",
)
_PLATFORM_SET = frozenset(PLATFORMS)

# Phases in which the operations room expects a steady stream of posts (SuhuNoPosts pages then).
ACTIVE_PHASES: frozenset[str] = frozenset({"campaign", "masa_tenang", "voting", "counting"})

# delivered: accepted by the pager; retried: a retryable failure (429/5xx/network), will be re-sent;
# failed: a permanent rejection (4xx), counted and logged, not retried.
DELIVERY_OUTCOMES: tuple[str, ...] = ("delivered", "retried", "failed")
ALERT_STATUSES: tuple[str, ...] = ("firing", "resolved")

# Alert state per region and signal, as exported in suhu_region_alert_state.
ALERT_STATE_OK = 0
ALERT_STATE_WARNING = 1
ALERT_STATE_CRITICAL = 2
_STATE_BY_NAME = {"ok": 0, None: 0, "warning": 1, "critical": 2}

# Seconds buckets from sub-second to an hour: post latency spans live traffic and backfills.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
BATCH_SIZE_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048)
INFERENCE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
DELIVERY_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900)

# Every metric name, so rules, dashboards and tests can refer to the constants.
POSTS_RECEIVED = "suhu_posts_received_total"
POSTS_SCORED = "suhu_posts_scored_total"
POSTS_DEDUPLICATED = "suhu_posts_deduplicated_total"
POSTS_LATE = "suhu_posts_late_total"
POSTS_DEAD_LETTERED = "suhu_posts_dead_lettered_total"
SCORER_ERRORS = "suhu_scorer_errors_total"
PARTITION_HOLES = "suhu_partition_holes_total"
SCORING_BATCH_SIZE = "suhu_scoring_batch_size"
SCORING_BATCH_DURATION = "suhu_scoring_batch_duration_seconds"
POST_SCORING_LATENCY = "suhu_post_scoring_latency_seconds"
EVENT_TIME_LAG = "suhu_event_time_lag_seconds"
NEWEST_EVENT = "suhu_newest_event_timestamp_seconds"
WATERMARK_LAG = "suhu_watermark_lag_seconds"
SOURCE_WATERMARK_LAG = "suhu_source_watermark_lag_seconds"
SOURCE_IDLE = "suhu_source_idle"
POSTS_LATE_DROPPED = "suhu_posts_late_dropped_total"
REGION_SIGNAL_VALUE = "suhu_region_signal_value"
REGION_SIGNAL_P90 = "suhu_region_signal_p90"
REGION_SIGNAL_SHARE = "suhu_region_signal_share"
REGION_POSTS = "suhu_region_posts"
REGION_AUTHORS = "suhu_region_authors"
REGION_THRESHOLD = "suhu_region_threshold"
REGION_BASELINE = "suhu_region_baseline"
REGION_ALERT_STATE = "suhu_region_alert_state"
REGION_TENSION = "suhu_region_tension"
REGION_INFO = "suhu_region_info"
REGION_SOURCE_SHARE = "suhu_region_source_share"
ALERTS_EMITTED = "suhu_alerts_emitted_total"
ALERT_DELIVERIES = "suhu_alert_deliveries_total"
ALERT_DELIVERY_DURATION = "suhu_alert_delivery_seconds"
WINDOW_CLOSE_TO_ALERT = "suhu_window_close_to_alert_seconds"
ELECTION_PHASE = "suhu_election_phase"
ELECTION_PHASE_ACTIVE = "suhu_election_phase_active"
KAFKA_CONSUMER_LAG = "suhu_kafka_consumer_lag_messages"
WORKER_INFO = "suhu_worker_info"
HOAX_CATALOGUE_CLAIMS = "suhu_hoax_catalogue_claims"
HOAX_CATALOGUE_REJECTED = "suhu_hoax_catalogue_rejected_total"
HOAX_POSTS = "suhu_hoax_posts_total"
HOAX_CLAIM_POSTS = "suhu_hoax_claim_posts"
HOAX_CLAIM_PROVINCES = "suhu_hoax_claim_provinces"
HOAX_STANCES = ("spreading", "debunking")
TOP_CLAIMS = 20  # claims exported with their own label: a bounded set, whatever the catalogue's size


@dataclass(frozen=True, slots=True)
class RegionInfo:
    """What the map and the island-group aggregates need to know about a region."""

    code: str
    name: str
    island_group: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class SignalView:
    """One region's current window for one signal, as the aggregation engine sees it."""

    value: float  # the number thresholds compare (e.g. mean score over the window)
    p90: float | None = None
    share: float | None = None  # fraction of posts labelled with the signal, 0-1
    threshold_warning: float | None = None
    threshold_critical: float | None = None
    baseline: float | None = None
    state: str | int | None = None  # ok | warning | critical (or 0/1/2)


@dataclass(frozen=True, slots=True)
class RegionView:
    """One region's current window: post and author counts plus a view per signal."""

    posts: int
    authors: int
    signals: Mapping[str, SignalView] = field(default_factory=dict)


def default_regions() -> tuple[RegionInfo, ...]:
    """Every region code (38 provinces + unknown) from streams.core.regions, the one place provinces live."""
    from streams.core.regions import PROVINCE_BY_CODE, REGION_CODES, region_name

    out = []
    for code in REGION_CODES:
        p = PROVINCE_BY_CODE.get(code)
        if p is None:
            out.append(RegionInfo(code, region_name(code), "unknown", math.nan, math.nan))
        else:
            out.append(RegionInfo(code, p.name, p.island_group, p.lat, p.lon))
    return tuple(out)


def default_phases() -> tuple[str, ...]:
    from streams.core.calendar import PHASES

    return PHASES


def _state_value(state: str | int | None) -> int:
    if isinstance(state, int) and not isinstance(state, bool):
        return state if state in (0, 1, 2) else 0
    return _STATE_BY_NAME.get(state, 0)


def _finite(x: float | None) -> bool:
    return x is not None and isinstance(x, (int, float)) and math.isfinite(x)


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


_REGION_SOURCE_LABELS = ("field", "profile", "text")  # streams.core.aggregation.SOURCE_NAMES


def region_view_from_engine(d: Mapping[str, Any]) -> RegionView:
    """Adapt one region of `RegionalEngine.snapshot()`; a firing state exports its severity (1 or 2)."""
    signals: dict[str, SignalView] = {}
    for sig, sd in (d.get("signals") or {}).items():
        if not isinstance(sd, Mapping):
            continue
        st = sd.get("state")
        state = sd.get("severity") if st == "firing" else st if st in ("warning", "critical") else "ok"
        signals[sig] = SignalView(
            value=_num(sd.get("value")) if _num(sd.get("value")) is not None else math.nan,
            p90=_num(sd.get("p90")),
            share=_num(sd.get("share")),
            threshold_warning=_num(sd.get("warning_fire")),
            threshold_critical=_num(sd.get("critical_fire")),
            baseline=_num(sd.get("baseline")),
            state=state,
        )
    return RegionView(int(d.get("post_count") or 0), int(d.get("author_count") or 0), signals)


class SuhuMetrics:
    """The worker's metrics. Methods are cheap: children are cached, the hot path is a dict lookup."""

    def __init__(
        self,
        registry: CollectorRegistry | None = None,
        *,
        regions: Sequence[RegionInfo] | None = None,
        signals: Sequence[str] = SIGNALS,
        phases: Sequence[str] | None = None,
        topics: Sequence[str] = (),
        partitions: int = 0,
    ) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self.regions: tuple[RegionInfo, ...] = tuple(regions) if regions is not None else default_regions()
        self.region_codes: tuple[str, ...] = tuple(r.code for r in self.regions)
        if UNKNOWN_REGION not in self.region_codes:
            raise ValueError(f"the region table must include {UNKNOWN_REGION!r}")
        self._region_set = frozenset(self.region_codes)
        self.signals = tuple(signals)
        self.partitions = partitions
        r = self.registry

        # --- throughput -------------------------------------------------------------------
        self.coordination = CoordinationMetrics(r)
        self._received = Counter(POSTS_RECEIVED[:-6], "Posts read from the posts topic.", ["platform"], registry=r)
        self._scored = Counter(POSTS_SCORED[:-6], "Posts scored.", ["platform"], registry=r)
        self._dedup = Counter(POSTS_DEDUPLICATED[:-6], "Posts dropped as duplicates (same platform:id).", registry=r)
        self._late = Counter(
            POSTS_LATE[:-6], "Posts that arrived after a window that should have held them had closed "
            "(counted in the windows still open unless older than the allowed lateness).", registry=r
        )
        self._late_dropped = Counter(
            POSTS_LATE_DROPPED[:-6], "Late posts beyond the allowed lateness: counted here, in no window.", registry=r
        )
        self._dlq = Counter(POSTS_DEAD_LETTERED[:-6], "Messages sent to the dead-letter topic.", ["reason"], registry=r)
        self._scorer_errors = Counter(SCORER_ERRORS[:-6], "Scoring batches that raised.", registry=r)
        self._holes = Counter(
            PARTITION_HOLES[:-6],
            "Fetched offsets that skipped the agent (a rebalance dropped them; they stay uncommitted until re-read).",
            ["topic"], registry=r)
        self._received_c = {p: self._received.labels(platform=p) for p in PLATFORMS}
        self._scored_c = {p: self._scored.labels(platform=p) for p in PLATFORMS}
        self._dlq_c = {reason: self._dlq.labels(reason=reason) for reason in DLQ_REASONS}

        # --- model ------------------------------------------------------------------------
        self._batch_size = Histogram(
            SCORING_BATCH_SIZE, "Posts per scoring batch.", buckets=BATCH_SIZE_BUCKETS, registry=r
        )
        self._batch_seconds = Histogram(
            SCORING_BATCH_DURATION, "Model inference time per batch.", buckets=INFERENCE_BUCKETS, registry=r
        )

        # --- time ---------------------------------------------------------------------------
        self._post_latency = Histogram(
            POST_SCORING_LATENCY, "Post created_at to scored, wall clock.", buckets=LATENCY_BUCKETS, registry=r
        )
        self._lag = Gauge(EVENT_TIME_LAG, "Now minus the newest created_at processed.", registry=r)
        self._newest = Gauge(NEWEST_EVENT, "Newest created_at processed, Unix seconds.", registry=r)
        self._wm_lag = Gauge(
            WATERMARK_LAG, "Wall clock minus the aggregation watermark (windows close at watermark minus grace), "
            "per posts-scored partition this worker owns.", ["partition"], registry=r)
        self._src_lag = Gauge(
            SOURCE_WATERMARK_LAG, "Wall clock minus the newest event time read from each posts partition this "
            "worker owns.", ["partition"], registry=r)
        self._src_idle = Gauge(
            SOURCE_IDLE, "1 while an owned posts partition is idle (left out of the watermark).", ["partition"],
            registry=r)
        self._close_to_alert = Histogram(
            WINDOW_CLOSE_TO_ALERT,
            "Window close (stream time reached its end) to alert published, wall clock.",
            buckets=DELIVERY_BUCKETS,
            registry=r,
        )

        # --- per region windows -------------------------------------------------------------------
        rs = ["region", "signal"]
        self._value = Gauge(REGION_SIGNAL_VALUE, "Current window value per region and signal (0-1).", rs, registry=r)
        self._p90 = Gauge(REGION_SIGNAL_P90, "90th percentile score in the current window.", rs, registry=r)
        self._share = Gauge(REGION_SIGNAL_SHARE, "Share of window posts labelled with the signal (0-1).", rs, registry=r)
        self._baseline = Gauge(REGION_BASELINE, "Baseline value per region and signal.", rs, registry=r)
        self._state = Gauge(REGION_ALERT_STATE, "Alert state: 0 ok, 1 warning, 2 critical.", rs, registry=r)
        self._threshold = Gauge(
            REGION_THRESHOLD, "Threshold in force per region, signal and severity.", rs + ["severity"], registry=r
        )
        self._posts = Gauge(REGION_POSTS, "Posts in the current window.", ["region"], registry=r)
        self._authors = Gauge(REGION_AUTHORS, "Distinct authors in the current window.", ["region"], registry=r)
        self._tension = Gauge(REGION_TENSION, "Current window tension value (0-1), for the map.", ["region"], registry=r)
        self._source_share = Gauge(
            REGION_SOURCE_SHARE,
            "Share of the current window's posts by where their region came from: field, profile, text.",
            ["region", "source"], registry=r,
        )
        self._info = Gauge(
            REGION_INFO,
            "Region metadata for joins: name, island group, centroid.",
            ["region", "region_name", "island_group", "lat", "lon"],
            registry=r,
        )
        self._rs_children: dict[tuple[str, str], tuple[Gauge, Gauge, Gauge, Gauge, Gauge, Gauge, Gauge]] = {}
        for info in self.regions:
            self._info.labels(
                region=info.code,
                region_name=info.name,
                island_group=info.island_group,
                lat=f"{info.lat:.2f}" if math.isfinite(info.lat) else "",
                lon=f"{info.lon:.2f}" if math.isfinite(info.lon) else "",
            ).set(1)
            self._posts.labels(region=info.code).set(0)
            self._authors.labels(region=info.code).set(0)
            self._tension.labels(region=info.code).set(0)
            for src in _REGION_SOURCE_LABELS:
                self._source_share.labels(region=info.code, source=src).set(0)
            for s in self.signals:
                self._rs_children[(info.code, s)] = (
                    self._value.labels(region=info.code, signal=s),
                    self._p90.labels(region=info.code, signal=s),
                    self._share.labels(region=info.code, signal=s),
                    self._baseline.labels(region=info.code, signal=s),
                    self._state.labels(region=info.code, signal=s),
                    self._threshold.labels(region=info.code, signal=s, severity="warning"),
                    self._threshold.labels(region=info.code, signal=s, severity="critical"),
                )
                for child in self._rs_children[(info.code, s)]:
                    child.set(0)

        # --- alerts and delivery ----------------------------------------------------------------------
        self._emitted = Counter(
            ALERTS_EMITTED[:-6], "Alert transitions published.", ["severity", "status"], registry=r
        )
        self._emitted_c = {(sev, st): self._emitted.labels(severity=sev, status=st) for sev in SEVERITIES for st in ALERT_STATUSES}
        self._deliveries = Counter(
            ALERT_DELIVERIES[:-6], "Delivery attempts by destination and outcome.", ["destination", "outcome"], registry=r
        )
        self._deliveries_c = {
            (d, o): self._deliveries.labels(destination=d, outcome=o) for d in DESTINATIONS for o in DELIVERY_OUTCOMES
        }
        self._delivery_seconds = Histogram(
            ALERT_DELIVERY_DURATION,
            "First delivery attempt to accepted by the pager, including retries and backoff.",
            ["destination"],
            buckets=DELIVERY_BUCKETS,
            registry=r,
        )
        self._delivery_seconds_c = {d: self._delivery_seconds.labels(destination=d) for d in DESTINATIONS}

        # --- phase, Kafka, build ------------------------------------------------------------------
        self._phase = Gauge(ELECTION_PHASE, "1 for the current election phase, 0 for the others.", ["phase"], registry=r)
        self._phase_active = Gauge(
            ELECTION_PHASE_ACTIVE, "1 while the calendar says posts are expected (an active phase).", registry=r
        )
        self._phases: set[str] = set()
        for p in phases if phases is not None else default_phases():
            self._phase.labels(phase=p).set(0)
            self._phases.add(p)
        self._consumer_lag = Gauge(
            KAFKA_CONSUMER_LAG, "Messages behind the log end, per partition.", ["topic", "partition"], registry=r
        )
        for t in topics:
            for p in range(partitions):
                self._consumer_lag.labels(topic=t, partition=str(p)).set(0)
        self._worker_info = Gauge(WORKER_INFO, "Build information (value is always 1).", ["version", "model_version"], registry=r)
        self.hoaxes = HoaxMetrics(r)

    # ---- hot path: counters -------------------------------------------------------------------------
    def platform_label(self, platform: str | None) -> str:
        if not platform:
            return "unknown"
        return platform if platform in _PLATFORM_SET else "other"

    def region_label(self, region: str | None) -> str:
        return region if region in self._region_set else UNKNOWN_REGION

    def posts_received(self, n: int = 1, platform: str | None = "unknown") -> None:
        self._received_c[self.platform_label(platform)].inc(n)

    def posts_scored(self, n: int = 1, platform: str | None = "unknown") -> None:
        self._scored_c[self.platform_label(platform)].inc(n)

    def posts_deduplicated(self, n: int = 1) -> None:
        self._dedup.inc(n)

    def posts_late(self, n: int = 1) -> None:
        self._late.inc(n)

    def posts_late_dropped(self, n: int = 1) -> None:
        self._late_dropped.inc(n)

    def posts_dead_lettered(self, reason: str, n: int = 1) -> None:
        """An unknown reason is a programming error in the validator: fail loudly in tests."""
        self._dlq_c[reason].inc(n)

    def partition_hole(self, topic: str) -> None:
        self._holes.labels(topic=topic).inc()

    def post_scored(self, platform: str | None, latency_s: float) -> None:
        """One scored post: counts it and observes created_at -> scored."""
        self._scored_c[self.platform_label(platform)].inc()
        self._post_latency.observe(max(0.0, latency_s))

    def scorer_error(self, n: int = 1) -> None:
        self._scorer_errors.inc(n)

    def scoring_batch(self, size: int, seconds: float) -> None:
        self._batch_size.observe(size)
        self._batch_seconds.observe(seconds)

    def post_latency(self, seconds: float) -> None:
        self._post_latency.observe(max(0.0, seconds))

    def event_time_lag(self, seconds: float) -> None:
        self._lag.set(seconds)

    def newest_event(self, event_ts: float, now: float) -> None:
        """Record the newest created_at (Unix seconds) and the lag behind `now` in one call."""
        self._newest.set(event_ts)
        self._lag.set(max(0.0, now - event_ts))

    def watermark_lag(self, partition: int, seconds: float | None) -> None:
        """None: the partition is not owned (or has no watermark yet): the series is removed."""
        label = str(int(partition))
        if seconds is None:
            try:
                self._wm_lag.remove(label)
            except KeyError:
                pass
        else:
            self._wm_lag.labels(partition=label).set(max(0.0, seconds))

    def source_lag(self, partition: int, seconds: float | None, idle: bool | None) -> None:
        label = str(int(partition))
        for gauge, value in ((self._src_lag, seconds), (self._src_idle, None if idle is None else float(idle))):
            if value is None:
                try:
                    gauge.remove(label)
                except KeyError:
                    pass
            else:
                gauge.labels(partition=label).set(max(0.0, value))

    # ---- windows -------------------------------------------------------------------------------------
    def window_values(self, snapshot: Mapping[str, Any]) -> None:
        """Set the per-region gauges from the engine's latest closed windows; absent regions keep theirs.

        Accepts `RegionalEngine.snapshot()` (region -> dict with post_count, author_count and per-signal
        value, p90, share, baseline, state, severity, warning_fire, critical_fire) or RegionView objects.
        """
        phases: dict[str, int] = {}
        for raw in snapshot.values():
            phase = raw.get("phase") if isinstance(raw, Mapping) else None
            if isinstance(phase, str) and phase:
                phases[phase] = phases.get(phase, 0) + 1
        if phases:
            # Pilkada calendars differ by region: show the phase most regions are in.
            current = max(sorted(phases), key=lambda p: phases[p])
            self.election_phase(current, current in ACTIVE_PHASES)
        for region, raw in snapshot.items():
            view = raw if isinstance(raw, RegionView) else region_view_from_engine(raw)
            code = self.region_label(region)
            self._posts.labels(region=code).set(view.posts)
            self._authors.labels(region=code).set(view.authors)
            shares = raw.get("region_sources") if isinstance(raw, Mapping) else None
            if isinstance(shares, Mapping):
                for src in _REGION_SOURCE_LABELS:  # bounded labels: never a value from the input
                    if _finite(_num(shares.get(src))):
                        self._source_share.labels(region=code, source=src).set(float(shares[src]))
            for signal, sv in view.signals.items():
                children = self._rs_children.get((code, signal))
                if children is None:
                    continue  # a signal the metrics were not built for: bounded labels win
                value, p90, share, baseline, state, warn, crit = children
                if _finite(sv.value):
                    value.set(sv.value)
                    if signal == "tension":
                        self._tension.labels(region=code).set(sv.value)
                if _finite(sv.p90):
                    p90.set(sv.p90)  # type: ignore[arg-type]
                if _finite(sv.share):
                    share.set(sv.share)  # type: ignore[arg-type]
                if _finite(sv.baseline):
                    baseline.set(sv.baseline)  # type: ignore[arg-type]
                if _finite(sv.threshold_warning):
                    warn.set(sv.threshold_warning)  # type: ignore[arg-type]
                if _finite(sv.threshold_critical):
                    crit.set(sv.threshold_critical)  # type: ignore[arg-type]
                state.set(_state_value(sv.state))

    def thresholds(self, table: Mapping[tuple[str, str], tuple[float | None, float | None]]) -> None:
        """Set thresholds in force, keyed by (region, signal) -> (warning, critical), e.g. on a phase change."""
        for (region, signal), (warning, critical) in table.items():
            children = self._rs_children.get((self.region_label(region), signal))
            if children is None:
                continue
            if _finite(warning):
                children[5].set(warning)  # type: ignore[arg-type]
            if _finite(critical):
                children[6].set(critical)  # type: ignore[arg-type]

    def alert_state(self, region: str, signal: str, state: str | int | None) -> None:
        children = self._rs_children.get((self.region_label(region), signal))
        if children is not None:
            children[4].set(_state_value(state))

    # ---- alerts and delivery -----------------------------------------------------------------------
    def alert_emitted(self, severity: str, status: str) -> None:
        self._emitted_c[(severity, status)].inc()

    def alert_delivery(self, destination: str, outcome: str, seconds: float | None = None) -> None:
        self._deliveries_c[(destination, outcome)].inc()
        if seconds is not None and outcome == "delivered":
            self._delivery_seconds_c[destination].observe(max(0.0, seconds))

    def window_close_to_alert(self, seconds: float) -> None:
        self._close_to_alert.observe(max(0.0, seconds))

    # ---- phase, Kafka, build ----------------------------------------------------------------------
    def election_phase(self, phase: str, active: bool) -> None:
        """Exactly one phase series is 1; phases come from the calendar, a small fixed set."""
        self._phases.add(phase)
        for p in self._phases:
            self._phase.labels(phase=p).set(1 if p == phase else 0)
        self._phase_active.set(1 if active else 0)

    def consumer_lag(self, topic: str, partition: int, lag: int) -> None:
        self._consumer_lag.labels(topic=topic, partition=str(int(partition))).set(max(0, lag))

    def worker_info(self, version: str, model_version: str) -> None:
        self._worker_info.clear()
        self._worker_info.labels(version=version, model_version=model_version).set(1)

    # ---- exposition ----------------------------------------------------------------------------------
    def render(self) -> tuple[bytes, str]:
        """The /metrics body and its content type, for the worker's web page."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class HoaxMetrics:
    """Known-hoax gauges and counters; the claim label is the id (never text) of at most TOP_CLAIMS claims."""

    def __init__(self, registry: CollectorRegistry) -> None:
        r = registry
        self.catalogue = Gauge(HOAX_CATALOGUE_CLAIMS, "Claims in the debunked-claims catalogue this worker matches "
                               "against.", registry=r)
        self.rejected = Counter(HOAX_CATALOGUE_REJECTED[:-6], "Catalogue records skipped as invalid.", registry=r)
        self.matched = Counter(HOAX_POSTS[:-6], "Posts that repeat a catalogue claim, by stance.", ["stance"],
                               registry=r)
        self.claim_posts = Gauge(HOAX_CLAIM_POSTS, "Posts spreading the claim in its latest closed window (top claims "
                                 "only).", ["claim"], registry=r)
        self.claim_provinces = Gauge(HOAX_CLAIM_PROVINCES, "Provinces the claim spread in during its latest closed "
                                     "window (top claims only).", ["claim"], registry=r)
        self._matched_c = {s: self.matched.labels(stance=s) for s in HOAX_STANCES}
        self._rejected_seen = 0

    def post_matched(self, stance: str | None) -> None:
        child = self._matched_c.get(stance or "")
        if child is not None:
            child.inc()

    def export(self, catalogue_size: int, rejected_total: int, snapshot: Sequence[Mapping[str, Any]]) -> None:
        """The catalogue's size, newly rejected records, and the top claims of the latest closed windows."""
        self.catalogue.set(catalogue_size)
        if rejected_total > self._rejected_seen:
            self.rejected.inc(rejected_total - self._rejected_seen)
            self._rejected_seen = rejected_total
        self.claim_posts.clear()
        self.claim_provinces.clear()
        for w in snapshot[:TOP_CLAIMS]:
            self.claim_posts.labels(claim=str(w["claim"])).set(w["posts"])
            self.claim_provinces.labels(claim=str(w["claim"])).set(len(w["provinces"]))


def start_metrics_server(registry: CollectorRegistry, host: str = "127.0.0.1", port: int = 0):  # type: ignore[no-untyped-def]
    """Serve /metrics from a thread for processes without a Faust web server; loopback by default.

    Returns (server, thread); `server.server_address[1]` is the bound port, `server.shutdown()` stops it.
    """
    from prometheus_client import start_http_server

    return start_http_server(port, addr=host, registry=registry)


def region_codes(regions: Iterable[RegionInfo]) -> tuple[str, ...]:
    return tuple(r.code for r in regions)


# --- metrics: bounded labels only (a kind of post, a severity, a status); never a cluster id, ----------
# author, hashtag or text.
COORDINATION_POST_KINDS = ("fingerprinted", "short", "reposts", "duplicates", "too_late", "shed")


class CoordinationMetrics:
    """The coordination detector's numbers (streams/runtime/coordination_stage.py), exported from its snapshot
    and counters."""

    def __init__(self, registry: Any) -> None:
        r = registry
        self._posts = Counter("suhu_coordination_posts", "Posts seen by the coordination detector, by kind "
                              "(fingerprinted, short: too few content words, reposts, duplicates, too_late, shed: left the "
                              "window early because it held SUHU_COORDINATION_MAX_WINDOW_POSTS).",
                              ["kind"], registry=r)
        for k in COORDINATION_POST_KINDS:
            self._posts.labels(kind=k)
        self._alerts = Counter("suhu_coordination_alerts", "Coordination alert transitions.",
                               ["severity", "status"], registry=r)
        for sev in ("warning", "critical"):
            for st in ("firing", "resolved"):
                self._alerts.labels(severity=sev, status=st)
        self._clusters = Gauge("suhu_coordination_clusters", "Clusters of near-identical posts in the window.",
                               registry=r)
        self._window = Gauge("suhu_coordination_window_posts", "Fingerprinted posts in the detector's window.",
                             registry=r)
        self._largest = Gauge("suhu_coordination_largest_cluster_authors",
                              "Distinct authors of the largest cluster in the window.", registry=r)
        self._firing = Gauge("suhu_coordination_firing", "Coordinated campaigns currently firing.", registry=r)
        self._index = Gauge("suhu_coordination_index_entries", "LSH band keys held (the detector's state size).",
                            registry=r)
        self._exported: dict[str, int] = {}

    def alert(self, severity: str, status: str) -> None:
        self._alerts.labels(severity=severity, status=status).inc()

    def export(self, detector: Any) -> None:
        if detector is None:
            return
        snap = detector.snapshot()
        self._clusters.set(snap["clusters"])
        self._window.set(snap["window_posts"])
        self._largest.set(snap["largest_authors"])
        self._firing.set(snap["firing"])
        self._index.set(snap["index"])
        for k in COORDINATION_POST_KINDS:
            now = detector.stats.get(k, 0)
            delta = now - self._exported.get(k, 0)
            if delta > 0:
                self._posts.labels(kind=k).inc(delta)
            self._exported[k] = now


__all__ = [
    "COORDINATION_POST_KINDS",
    "CoordinationMetrics",
    "DLQ_REASONS",
    "PLATFORMS",
    "DESTINATIONS",
    "DELIVERY_OUTCOMES",
    "HoaxMetrics",
    "RegionInfo",
    "RegionView",
    "SignalView",
    "SuhuMetrics",
    "start_metrics_server",
    "default_regions",
]
