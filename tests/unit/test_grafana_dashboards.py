"""The Grafana dashboards are well-formed and every panel query works against a real Prometheus.

Grafana is not installable here; Prometheus is, so each panel's PromQL (variables substituted as
Grafana would) is run against a real Prometheus that scrapes a live SuhuMetrics endpoint and has
the shipped rule files loaded. A parse error is a 400; an empty result fails too.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml
from prometheus_client import CollectorRegistry

from streams.runtime.metrics import SuhuMetrics, start_metrics_server
from tests.obs_servers import running_prometheus

GRAFANA = Path(__file__).resolve().parents[2] / "deploy" / "grafana"
PROM = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"

_spec = importlib.util.spec_from_file_location("panel_queries", GRAFANA / "panel_queries.py")
assert _spec and _spec.loader
pq = importlib.util.module_from_spec(_spec)
sys.modules["panel_queries"] = pq  # dataclasses look their module up while the class is built
_spec.loader.exec_module(pq)

DASHBOARDS = {p.name: json.loads(p.read_text()) for p in sorted((GRAFANA / "dashboards").glob("*.json"))}


def datasource_uids() -> set[str]:
    doc = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "datasources.yaml").read_text())
    return {d["uid"] for d in doc["datasources"]}


def test_both_dashboards_ship_with_fixed_uids_and_a_supported_schema():
    assert {d["uid"] for d in DASHBOARDS.values()} == {"suhu-ops-room", "suhu-pipeline-health"}
    for d in DASHBOARDS.values():
        assert d["schemaVersion"] <= 42
        assert " / " in d["title"]  # Bahasa Indonesia / English


def test_every_panel_uses_a_provisioned_datasource_and_has_a_bilingual_title():
    uids = datasource_uids()
    assert {"suhu-prometheus", "suhu-alertmanager"} <= uids
    for name, d in DASHBOARDS.items():
        ids = [p["id"] for p in pq.iter_panels(d["panels"])]
        assert len(ids) == len(set(ids)), name
        for p in pq.iter_panels(d["panels"]):
            assert " / " in p["title"] or p["title"].startswith("Throughput"), p["title"]
            if p["type"] == "row":  # a heading band: no query of its own
                assert not p.get("targets"), p["title"]
                continue
            assert p["datasource"]["uid"] in uids, (name, p["title"])
            assert p["targets"], p["title"]
            for t in p["targets"]:
                assert t["datasource"]["uid"] in uids and t["expr"].strip(), (p["title"], t["refId"])


def test_operations_room_has_map_table_region_series_alerts_and_phase():
    d = DASHBOARDS["operations-room.json"]
    types = [p["type"] for p in d["panels"]]
    assert "geomap" in types and "table" in types and "timeseries" in types
    region_var = next(v for v in d["templating"]["list"] if v["name"] == "region")
    assert region_var["multi"] is True
    series = [p for p in d["panels"] if p.get("repeat") == "region"]
    assert series and all("$region" in t["expr"] for t in series[0]["targets"])
    assert any("suhu_election_phase" in t["expr"] for p in d["panels"] for t in p["targets"])


def test_operations_room_has_a_circulating_hoaxes_row_named_by_claim_id_only():
    d = DASHBOARDS["operations-room.json"]
    rows = [p for p in d["panels"] if p["type"] == "row"]
    hoax_row = next(p for p in rows if p["title"] == "Hoaks yang beredar / Circulating hoaxes")
    # The row's panels: below it, above the next row (the coordinated-campaigns row follows it).
    top = hoax_row["gridPos"]["y"]
    end = min([p["gridPos"]["y"] for p in rows if p["gridPos"]["y"] > top], default=10**6)
    below = [p for p in d["panels"] if p["type"] != "row" and top < p["gridPos"]["y"] < end]
    exprs = " ".join(t["expr"] for p in below for t in p["targets"])
    for metric in ("suhu_hoax_catalogue_claims", "suhu_hoax_claim_posts", "suhu_hoax_claim_provinces",
                   "suhu_hoax_posts_total"):
        assert metric in exprs, metric
    assert "topk(10" in exprs  # top claims by posts, bounded on the dashboard too
    labels = {lbl for p in below for t in p["targets"] for lbl in re.findall(r"{{(\w+)}}", t.get("legendFormat", ""))}
    assert labels <= {"claim", "stance"}  # a claim is shown by its id; no text label exists


def test_every_metric_a_panel_reads_is_exported_by_suhu_metrics():
    body, _ = SuhuMetrics(CollectorRegistry()).render()
    exported = set(re.findall(rb"^# TYPE (\w+) (\w+)", body, re.M))
    names = set()
    for name, kind in exported:
        n = name.decode()
        names.add(n)
        if kind == b"histogram":
            names |= {n + "_bucket", n + "_sum", n + "_count"}
        if kind == b"counter":
            names.add(n + "_total")
    for q in pq.all_panel_queries():
        for metric in re.findall(r"\b(suhu_\w+)", q.expr):
            assert metric in names, f"{q.panel}: {metric} is not exported"


def test_variables_are_substituted_the_way_grafana_formats_them():
    assert pq.substitute('x{region=~"$region"}', {"region": ["ID-JK", "ID-JB"]}) == 'x{region=~"(ID-JK|ID-JB)"}'
    assert pq.substitute('x{region=~"${region}"}', {"region": ["$__all"]}) == 'x{region=~".*"}'
    assert pq.substitute("rate(x[$__rate_interval])", {}) == "rate(x[1m])"
    with pytest.raises(KeyError):
        pq.substitute("x{a=~\"$nope\"}", {})


def populated_metrics(registry: CollectorRegistry) -> SuhuMetrics:
    """A worker's metrics mid-incident in Jakarta, filled through the public methods."""
    m = SuhuMetrics(registry, topics=("posts",), partitions=2)
    m.worker_info("0.1.0", "test-model")
    m.posts_received(500, "twitter")
    for _ in range(20):
        m.post_scored("twitter", 1.2)
    m.posts_dead_lettered("not_json", 3)
    m.scoring_batch(64, 0.05)
    m.consumer_lag("posts", 0, 12)
    m.newest_event(time.time() - 30, time.time())
    m.watermark_lag(0, 95.0)
    m.source_lag(0, 35.0, False)
    m.source_lag(1, 95.0, True)
    m.alert_emitted("critical", "firing")
    m.alert_delivery("alertmanager", "delivered", seconds=0.2)
    m.window_close_to_alert(0.4)
    sig = {"value": 0.82, "p90": 0.95, "share": 0.4, "baseline": 0.2, "state": "firing", "severity": "critical",
           "warning_fire": 0.5, "critical_fire": 0.7}
    m.window_values({"ID-JK": {"post_count": 140, "author_count": 97, "phase": "voting",
                               "signals": {"tension": sig, "hate": dict(sig, value=0.3, state="ok")}}})
    for _ in range(12):
        m.hoaxes.post_matched("spreading")
    m.hoaxes.post_matched("debunking")
    m.hoaxes.export(180, 2, [{"claim": "c017", "posts": 45, "provinces": ["ID-JI", "ID-JT", "ID-JB"]},
                             {"claim": "c102", "posts": 9, "provinces": ["ID-SU"]}])
    return m


def query(base: str, expr: str) -> dict:
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as exc:  # 400 = bad PromQL, with the parser's message
        return json.load(exc)


def test_every_panel_query_parses_and_returns_data_from_a_real_prometheus(tmp_path):
    registry = CollectorRegistry()
    populated_metrics(registry)
    server, _ = start_metrics_server(registry, "127.0.0.1", 0)
    port = server.server_address[1]
    rules = {p.name: p.read_text() for p in (PROM / "rules").glob("*.yml")}
    config = f"""
global: {{scrape_interval: 1s, evaluation_interval: 1s}}
rule_files: [{", ".join("rules/" + n for n in sorted(rules))}]
scrape_configs:
  - job_name: suhu-worker
    static_configs: [{{targets: ["127.0.0.1:{port}"]}}]
"""
    try:
        with running_prometheus(tmp_path / "prom", config, *((f"rules/{n}", t) for n, t in rules.items())) as base:
            deadline = time.monotonic() + 60
            queries = pq.all_panel_queries({"region": ["ID-JK", "ID-JB"]})
            assert len(queries) >= 30
            while True:
                failures = []
                for q in queries:
                    res = query(base, q.expr)
                    if res.get("status") != "success":
                        failures.append((q.panel, q.ref_id, q.expr, res.get("error")))
                    elif not res["data"]["result"]:
                        failures.append((q.panel, q.ref_id, q.expr, "no data"))
                if not failures or time.monotonic() > deadline:
                    break
                if any(f[3] != "no data" for f in failures):
                    break  # a parse error does not heal with time
                time.sleep(1)
            assert not failures, "\n".join(map(str, failures))
            tension = query(base, pq.all_panel_queries()[4].expr)["data"]["result"]
            jk = [r for r in tension if r["metric"]["region"] == "ID-JK"]
            assert jk and float(jk[0]["value"][1]) == 0.82
            assert jk[0]["metric"]["lat"] and jk[0]["metric"]["lon"]
            assert len(tension) == 38  # every province has a marker, "unknown" has none
    finally:
        server.shutdown()
        server.server_close()


def test_a_broken_query_is_reported_as_a_parse_error(tmp_path):
    """Guards the test above: Prometheus must reject bad PromQL with an error, not an empty result."""
    with running_prometheus(tmp_path / "prom", "global: {scrape_interval: 15s}\n") as base:
        assert query(base, "sum(rate(x[1m])")["status"] == "error"
