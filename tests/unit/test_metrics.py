"""Specification of the metrics the operations room and the pipeline-health rules rely on."""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.request

import pytest
from prometheus_client import CollectorRegistry

from models.base import SIGNALS
from streams.core.regions import PROVINCES
from streams.runtime.metrics import (
    DLQ_REASONS,
    PLATFORMS,
    RegionView,
    SignalView,
    SuhuMetrics,
    default_regions,
    start_metrics_server,
)


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def metrics(registry: CollectorRegistry) -> SuhuMetrics:
    return SuhuMetrics(registry, topics=("posts",), partitions=2)


def test_region_table_is_38_provinces_plus_unknown_each_with_a_map_point():
    regions = default_regions()
    codes = [r.code for r in regions]
    assert len(codes) == 39 and len(set(codes)) == 39
    assert "unknown" in codes
    provinces = [r for r in regions if r.code != "unknown"]
    assert {r.code for r in provinces} == {p.code for p in PROVINCES}
    for r in provinces:
        # Inside Indonesia's bounding box, so no marker lands in the ocean off Africa.
        assert -11.5 < r.lat < 6.5 and 94.5 < r.lon < 141.5, r
        assert r.island_group != "unknown"


def test_every_region_shows_zero_before_any_post(metrics: SuhuMetrics, registry: CollectorRegistry):
    for r in metrics.regions:
        assert registry.get_sample_value("suhu_region_posts", {"region": r.code}) == 0
        for s in SIGNALS:
            assert registry.get_sample_value("suhu_region_signal_value", {"region": r.code, "signal": s}) == 0
            assert registry.get_sample_value("suhu_region_alert_state", {"region": r.code, "signal": s}) == 0
    for reason in DLQ_REASONS:
        assert registry.get_sample_value("suhu_posts_dead_lettered_total", {"reason": reason}) == 0
    for p in PLATFORMS:
        assert registry.get_sample_value("suhu_posts_received_total", {"platform": p}) == 0
        assert registry.get_sample_value("suhu_posts_scored_total", {"platform": p}) == 0
    assert registry.get_sample_value("suhu_kafka_consumer_lag_messages", {"topic": "posts", "partition": "1"}) == 0


def test_unlisted_platform_is_counted_as_other_not_as_a_new_series(metrics, registry):
    metrics.posts_received(3, "myspace")
    metrics.posts_received(2, None)
    metrics.posts_received(1, "twitter")
    assert registry.get_sample_value("suhu_posts_received_total", {"platform": "other"}) == 3
    assert registry.get_sample_value("suhu_posts_received_total", {"platform": "unknown"}) == 2
    assert registry.get_sample_value("suhu_posts_received_total", {"platform": "twitter"}) == 1
    assert registry.get_sample_value("suhu_posts_received_total", {"platform": "myspace"}) is None


def test_unlisted_region_in_a_snapshot_is_exported_as_unknown(metrics, registry):
    metrics.window_values({"ID-XX": RegionView(posts=4, authors=2)})
    assert registry.get_sample_value("suhu_region_posts", {"region": "unknown"}) == 4
    assert registry.get_sample_value("suhu_region_posts", {"region": "ID-XX"}) is None


def test_scored_post_counts_by_platform_and_observes_latency(metrics, registry):
    metrics.post_scored("tiktok", 2.0)
    metrics.post_scored("friendster", 4.0)
    assert registry.get_sample_value("suhu_posts_scored_total", {"platform": "tiktok"}) == 1
    assert registry.get_sample_value("suhu_posts_scored_total", {"platform": "other"}) == 1
    assert registry.get_sample_value("suhu_post_scoring_latency_seconds_sum", {}) == 6.0


def test_engine_snapshot_is_exported_with_firing_severity_as_state(metrics, registry):
    sig = {"mean": 0.5, "p90": 0.8, "share": 0.3, "value": 0.55, "baseline": 0.2, "state": "firing",
           "severity": "warning", "warning_fire": 0.4, "critical_fire": 0.7}
    calm = dict(sig, state="pending", severity="warning", value=0.1)
    metrics.window_values({"ID-JT": {"post_count": 30, "author_count": 12, "phase": "voting",
                                     "signals": {"hate": sig, "tension": calm}}})
    g = registry.get_sample_value
    assert g("suhu_region_alert_state", {"region": "ID-JT", "signal": "hate"}) == 1
    assert g("suhu_region_alert_state", {"region": "ID-JT", "signal": "tension"}) == 0
    assert g("suhu_region_signal_value", {"region": "ID-JT", "signal": "hate"}) == 0.55
    assert g("suhu_region_threshold", {"region": "ID-JT", "signal": "hate", "severity": "warning"}) == 0.4
    assert g("suhu_region_tension", {"region": "ID-JT"}) == 0.1
    assert g("suhu_region_authors", {"region": "ID-JT"}) == 12
    assert g("suhu_election_phase", {"phase": "voting"}) == 1
    assert g("suhu_election_phase", {"phase": "campaign"}) == 0
    assert g("suhu_election_phase_active", {}) == 1


def test_unknown_dead_letter_reason_is_a_bug_and_raises(metrics):
    with pytest.raises(KeyError):
        metrics.posts_dead_lettered("because")


def test_window_snapshot_sets_region_gauges_and_the_map_tension(metrics, registry):
    metrics.window_values(
        {
            "ID-JK": RegionView(
                posts=120,
                authors=85,
                signals={
                    "tension": SignalView(0.72, p90=0.9, share=0.4, threshold_warning=0.5,
                                          threshold_critical=0.7, baseline=0.2, state="critical"),
                    "hate": SignalView(0.31, state="warning"),
                    "made_up": SignalView(0.99),
                },
            )
        }
    )
    g = registry.get_sample_value
    assert g("suhu_region_posts", {"region": "ID-JK"}) == 120
    assert g("suhu_region_authors", {"region": "ID-JK"}) == 85
    assert g("suhu_region_signal_value", {"region": "ID-JK", "signal": "tension"}) == 0.72
    assert g("suhu_region_tension", {"region": "ID-JK"}) == 0.72
    assert g("suhu_region_signal_p90", {"region": "ID-JK", "signal": "tension"}) == 0.9
    assert g("suhu_region_signal_share", {"region": "ID-JK", "signal": "tension"}) == 0.4
    assert g("suhu_region_threshold", {"region": "ID-JK", "signal": "tension", "severity": "critical"}) == 0.7
    assert g("suhu_region_threshold", {"region": "ID-JK", "signal": "tension", "severity": "warning"}) == 0.5
    assert g("suhu_region_baseline", {"region": "ID-JK", "signal": "tension"}) == 0.2
    assert g("suhu_region_alert_state", {"region": "ID-JK", "signal": "tension"}) == 2
    assert g("suhu_region_alert_state", {"region": "ID-JK", "signal": "hate"}) == 1
    assert g("suhu_region_signal_value", {"region": "ID-JK", "signal": "made_up"}) is None
    assert g("suhu_region_tension", {"region": "ID-JB"}) == 0


def test_nan_in_a_snapshot_keeps_the_previous_value(metrics, registry):
    metrics.window_values({"ID-BA": RegionView(1, 1, {"hate": SignalView(0.4)})})
    metrics.window_values({"ID-BA": RegionView(0, 0, {"hate": SignalView(float("nan"))})})
    assert registry.get_sample_value("suhu_region_signal_value", {"region": "ID-BA", "signal": "hate"}) == 0.4


def test_exactly_one_phase_is_current(metrics, registry):
    metrics.election_phase("masa_tenang", active=True)
    assert registry.get_sample_value("suhu_election_phase", {"phase": "masa_tenang"}) == 1
    assert registry.get_sample_value("suhu_election_phase", {"phase": "campaign"}) == 0
    metrics.election_phase("voting", active=True)
    assert registry.get_sample_value("suhu_election_phase", {"phase": "masa_tenang"}) == 0
    assert registry.get_sample_value("suhu_election_phase", {"phase": "voting"}) == 1
    assert registry.get_sample_value("suhu_election_phase_active", {}) == 1


def test_delivery_outcomes_and_latency_are_counted_by_destination(metrics, registry):
    metrics.alert_delivery("pagerduty", "retried")
    metrics.alert_delivery("pagerduty", "retried")
    metrics.alert_delivery("pagerduty", "delivered", seconds=3.5)
    g = registry.get_sample_value
    assert g("suhu_alert_deliveries_total", {"destination": "pagerduty", "outcome": "retried"}) == 2
    assert g("suhu_alert_deliveries_total", {"destination": "pagerduty", "outcome": "delivered"}) == 1
    assert g("suhu_alert_delivery_seconds_count", {"destination": "pagerduty"}) == 1
    assert g("suhu_alert_delivery_seconds_sum", {"destination": "pagerduty"}) == 3.5


def test_event_time_lag_is_now_minus_newest_event(metrics, registry):
    metrics.newest_event(1_700_000_000.0, now=1_700_000_042.5)
    assert registry.get_sample_value("suhu_event_time_lag_seconds", {}) == 42.5
    assert registry.get_sample_value("suhu_newest_event_timestamp_seconds", {}) == 1_700_000_000.0


def test_histograms_record_batches_and_latency(metrics, registry):
    metrics.scoring_batch(256, 0.12)
    metrics.post_latency(1.5)
    metrics.window_close_to_alert(0.3)
    g = registry.get_sample_value
    assert g("suhu_scoring_batch_size_sum", {}) == 256
    assert g("suhu_scoring_batch_duration_seconds_bucket", {"le": "0.25"}) == 1
    assert g("suhu_scoring_batch_duration_seconds_bucket", {"le": "0.1"}) == 0
    assert g("suhu_post_scoring_latency_seconds_count", {}) == 1
    assert g("suhu_window_close_to_alert_seconds_count", {}) == 1


def test_no_label_can_carry_post_text_or_author(metrics):
    body, _ = metrics.render()
    label_names = set(re.findall(rb"[{,]([a-z_]+)=", body))
    assert label_names <= {
        b"platform", b"region", b"reason", b"signal", b"severity", b"status", b"destination", b"outcome",
        b"le", b"phase", b"topic", b"partition", b"version", b"model_version", b"region_name",
        b"island_group", b"lat", b"lon", b"source", b"stance", b"claim",
        b"kind",  # suhu_coordination_posts_total: one of COORDINATION_POST_KINDS
    }
    # "source" is where a window's posts got their region from: a fixed set, never a profile string.
    assert set(re.findall(rb'[{,]source="([^"]*)"', body)) == {b"field", b"profile", b"text"}


def test_hoax_gauges_name_at_most_the_top_claims_by_id_and_are_replaced_on_every_export(metrics, registry):
    from streams.runtime.metrics import TOP_CLAIMS

    g = registry.get_sample_value
    many = [{"claim": f"c{i:03d}", "posts": 100 - i, "provinces": ["ID-JI"] * (i % 3)} for i in range(50)]
    metrics.hoaxes.export(20_000, 3, many)
    assert g("suhu_hoax_catalogue_claims", {}) == 20_000
    assert g("suhu_hoax_catalogue_rejected_total", {}) == 3
    body, _ = metrics.render()
    named = set(re.findall(rb'suhu_hoax_claim_posts{claim="(\w+)"}', body))
    assert len(named) == TOP_CLAIMS and b"c000" in named and b"c049" not in named
    assert g("suhu_hoax_claim_provinces", {"claim": "c002"}) == 2
    metrics.hoaxes.export(20_001, 3, many[40:41])  # the next window: only what is current stays
    assert g("suhu_hoax_claim_posts", {"claim": "c000"}) is None
    assert g("suhu_hoax_claim_posts", {"claim": "c040"}) == 60
    assert g("suhu_hoax_catalogue_rejected_total", {}) == 3  # a running total from the reader, not re-added
    metrics.hoaxes.export(20_001, 5, [])
    assert g("suhu_hoax_catalogue_rejected_total", {}) == 5


def test_hoax_posts_are_counted_by_stance_and_other_stances_are_ignored(metrics, registry):
    for stance in ("spreading", "spreading", "debunking", None, "neutral"):
        metrics.hoaxes.post_matched(stance)
    g = registry.get_sample_value
    assert g("suhu_hoax_posts_total", {"stance": "spreading"}) == 2
    assert g("suhu_hoax_posts_total", {"stance": "debunking"}) == 1
    body, _ = metrics.render()
    assert set(re.findall(rb'suhu_hoax_posts_total{stance="(\w+)"}', body)) == {b"spreading", b"debunking"}


def test_region_source_shares_are_exported_per_region(metrics):
    metrics.window_values({"ID-JB": {"post_count": 10, "author_count": 8, "signals": {},
                                     "region_sources": {"field": 0.5, "profile": 0.3, "text": 0.2, "x": 1}}})
    body, _ = metrics.render()
    assert b'suhu_region_source_share{region="ID-JB",source="text"} 0.2' in body
    assert b'source="x"' not in body


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not installed (apt-get install prometheus)")
def test_live_scrape_passes_promtool_check_metrics(metrics, registry):
    metrics.posts_received(5, "twitter")
    metrics.worker_info("0.1.0", "fast-1")
    server, thread = start_metrics_server(registry, "127.0.0.1", 0)
    try:
        port = server.server_address[1]
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read()
    finally:
        server.shutdown()
        server.server_close()
    assert b'suhu_posts_received_total{platform="twitter"} 5.0' in body
    proc = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True, timeout=30)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()


def test_watermark_gauges_are_per_owned_partition_and_removed_when_not_owned():
    m = SuhuMetrics(CollectorRegistry(), partitions=2)
    m.watermark_lag(0, 12.5)
    m.source_lag(1, 3.0, True)
    m.posts_late(2)
    m.posts_late_dropped(1)
    get = m.registry.get_sample_value
    assert get("suhu_watermark_lag_seconds", {"partition": "0"}) == 12.5
    assert get("suhu_source_watermark_lag_seconds", {"partition": "1"}) == 3.0
    assert get("suhu_source_idle", {"partition": "1"}) == 1.0
    assert get("suhu_posts_late_total") == 2 and get("suhu_posts_late_dropped_total") == 1
    m.watermark_lag(0, None)
    m.source_lag(1, None, None)
    assert get("suhu_watermark_lag_seconds", {"partition": "0"}) is None
    assert get("suhu_source_idle", {"partition": "1"}) is None
