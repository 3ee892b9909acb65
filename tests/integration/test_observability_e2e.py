"""Issue 5 acceptance: the dashboards work against a real Prometheus scraping a real worker.

One live run per module (tests/obs_scenario.py): a real Kafka broker, `suhu worker`, the Debian
Alertmanager (with a recording webhook) and the Debian Prometheus with the shipped rule files,
scraping the worker every second while a synthetic stream with an incivility incident in Jawa
Barat is produced minute by minute. Then: the region's window gauges must rise during the
incident, the incident must page through Alertmanager, and every Grafana panel query (variables
substituted) must succeed and return data.
"""

from __future__ import annotations

import importlib.util
import math
import sys
import time
from typing import Any, Iterator

import pytest

from tests.obs_scenario import (
    REPO_ROOT,
    LiveRun,
    Scenario,
    live_pipeline,
    prom_query,
    prom_range,
    samples,
    scalar,
    wait_until,
)

pytestmark = pytest.mark.integration

_spec = importlib.util.spec_from_file_location("panel_queries", REPO_ROOT / "deploy" / "grafana" / "panel_queries.py")
assert _spec and _spec.loader
pq = sys.modules.get("panel_queries") or importlib.util.module_from_spec(_spec)
if "panel_queries" not in sys.modules:
    sys.modules["panel_queries"] = pq  # dataclasses look their module up while the class is built
    _spec.loader.exec_module(pq)

SCENARIO = Scenario()


@pytest.fixture(scope="module")
def live_run(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveRun]:
    began = time.monotonic()
    with live_pipeline(kafka_bootstrap, tmp_path_factory.mktemp("obs-e2e"), SCENARIO) as run:
        print(f"\nlive run: {run.posts_sent} posts produced in {time.monotonic() - began:.1f}s "
              f"(incl. worker and Prometheus start)")
        yield run
        assert run.worker.alive(), run.worker.log_text()[-3000:]


def _region_series(run: LiveRun, metric: str, **labels: str) -> str:
    sel = ",".join([f'job="suhu-worker"', f'region="{run.scenario.region}"']
                   + [f'{k}="{v}"' for k, v in labels.items()])
    return f"{metric}{{{sel}}}"


def _alert_state(run: LiveRun) -> str:
    return _region_series(run, "suhu_region_alert_state", signal=run.scenario.signal)


def test_region_window_gauges_rise_during_the_incident(live_run: LiveRun) -> None:
    run, sc = live_run, live_run.scenario
    value = _region_series(run, "suhu_region_signal_value", signal=sc.signal)
    share = _region_series(run, "suhu_region_signal_share", signal=sc.signal)
    posts = _region_series(run, "suhu_region_posts")
    warning = _region_series(run, "suhu_region_threshold", signal=sc.signal, severity="warning")

    # The last incident windows close once later posts move stream time on; wait for the peak to be scraped.
    wait_until("the region's signal to reach its warning threshold in Prometheus",
               lambda: (scalar(run.prometheus, f"max_over_time({value}[10m])") or 0)
               >= (scalar(run.prometheus, warning) or math.inf), timeout_s=90)
    end = time.time()
    series = {name: samples(run.prometheus, expr, run.scrape_started, end)
              for name, expr in {"value": value, "share": share, "posts": posts}.items()}

    def before(name: str) -> list[float]:  # scraped before a single incident post was produced
        return [v for t, v in series[name] if t < run.incident_sent]

    def during(name: str) -> list[float]:
        return [v for t, v in series[name] if t >= run.incident_sent]

    assert before("posts") and max(before("posts")) >= 1, "no closed window of the region before the incident"
    threshold = scalar(run.prometheus, warning)
    print(f"\n{sc.region} {sc.signal}: value before {max(before('value')):.3f} -> peak {max(during('value')):.3f} "
          f"(warning threshold {threshold}); share {max(before('share')):.3f} -> {max(during('share')):.3f}; "
          f"posts per window {max(before('posts')):.0f} -> {max(during('posts')):.0f}")
    assert max(during("value")) >= max(before("value")) + 0.2
    assert max(during("share")) >= max(before("share")) + 0.2
    assert max(during("posts")) > max(before("posts"))  # the wave adds posts on top of normal volume
    assert threshold is not None and max(during("value")) >= threshold


def test_the_incident_pages_through_alertmanager(live_run: LiveRun) -> None:
    run, sc = live_run, live_run.scenario
    wait_until("the region's alert state to be scraped as firing",
               lambda: (scalar(run.prometheus, f"max_over_time({_alert_state(run)}[10m])") or 0) >= 1, timeout_s=90)

    def paged() -> list[dict[str, Any]]:
        return [a for n in run.notifications for a in n.get("alerts", [])
                if a["labels"].get("region") == sc.region and a["labels"].get("signal") == sc.signal]

    alerts = wait_until("Alertmanager to notify the webhook about the incident", paged, timeout_s=60)
    assert alerts[0]["status"] == "firing"
    assert alerts[0]["labels"]["alertname"] == "SuhuIncivility"
    delivered = 'sum(suhu_alert_deliveries_total{destination="alertmanager",outcome="delivered"})'
    assert wait_until("the delivery to be counted", lambda: (scalar(run.prometheus, delivered) or 0) >= 1, 30)


def _has_finite_value(result: list[dict[str, Any]]) -> bool:
    for series in result:
        points = series.get("values") or [series["value"]]
        if any(math.isfinite(float(v)) for _, v in points):
            return True
    return False


def _check(run: LiveRun, q: Any, end: float) -> str | None:
    """None when the panel query succeeds with data; otherwise why not."""
    if q.instant:
        res = prom_query(run.prometheus, q.expr, at=end)
    else:  # a time series panel: the whole run, as the dashboard's time range would show it
        res = prom_range(run.prometheus, q.expr, run.scrape_started, end, step_s=2)
    if res.get("status") != "success":
        return f"error: {res.get('errorType')}: {res.get('error')}"
    if not res["data"]["result"]:
        return "no data"
    if not _has_finite_value(res["data"]["result"]):
        return "only NaN"
    return None


# The incident region alone, the incident region with another, and "All".
VARIABLE_SETS = [
    {"region": [SCENARIO.region]},
    {"region": [SCENARIO.region, "ID-JK"], "signal": [SCENARIO.signal, "tension"]},
    {"region": ["$__all"]},
]


def test_every_grafana_panel_query_returns_data_from_the_live_run(live_run: LiveRun) -> None:
    run = live_run
    # Alert-delivery panels need the incident delivered; pipeline alerts need a rule evaluation.
    wait_until("an alert delivery to be scraped",
               lambda: (scalar(run.prometheus, 'sum(suhu_alert_deliveries_total{outcome="delivered"})') or 0) >= 1,
               timeout_s=120)
    queries = [q for variables in VARIABLE_SETS for q in pq.all_panel_queries(variables)]
    assert len(queries) >= 3 * 30
    assert not [q for q in queries if "$" in q.expr], "a dashboard variable was left unsubstituted"

    deadline = time.monotonic() + 45
    while True:
        end = time.time()
        failures = [(q, why) for q in queries if (why := _check(run, q, end)) is not None]
        if not failures or time.monotonic() > deadline or any(w.startswith("error") for _, w in failures):
            break  # a parse error does not heal with time; missing data may (rules, rate windows)
        time.sleep(2)
    report = "\n".join(f"[{q.dashboard}] {q.panel} ({q.ref_id}): {why}\n    {q.expr}" for q, why in failures)
    assert not failures, f"{len(failures)} of {len(queries)} panel queries failed:\n{report}"
    print(f"\n{len(queries)} panel queries ({len({(q.dashboard, q.panel) for q in queries})} panels, "
          f"{len(VARIABLE_SETS)} variable selections) returned data")

    # Data, and the right data: the operations room saw the province alerting and hot on the map.
    def panel_expr(prefix: str) -> str:
        return next(q.expr for q in queries if q.panel.startswith(prefix))

    end = time.time()
    alerting = prom_range(run.prometheus, panel_expr("Provinsi dengan peringatan"), run.scrape_started, end, 2)
    assert max(float(v) for s in alerting["data"]["result"] for _, v in s["values"]) >= 1
    markers = prom_range(run.prometheus, panel_expr("Peta ketegangan"), run.scrape_started, end, 2)["data"]["result"]
    assert len(markers) == 38  # one marker per province, "unknown" has none
    hottest = max(markers, key=lambda s: max(float(v) for _, v in s["values"]))
    assert hottest["metric"]["region"] == run.scenario.region


def test_the_circulating_hoaxes_row_shows_the_spreading_claim_by_id(live_run: LiveRun) -> None:
    run = live_run
    from tests.obs_scenario import CLAIMS_FILE

    catalogue = sum(1 for line in CLAIMS_FILE.read_text(encoding="utf-8").splitlines() if line.strip())
    wait_until("the catalogue to be loaded and scraped",
               lambda: scalar(run.prometheus, "max(suhu_hoax_catalogue_claims)") == catalogue, timeout_s=60)
    wait_until("claim d02 to be counted in a closed window",
               lambda: (scalar(run.prometheus, 'max(suhu_hoax_claim_posts{claim="d02"})') or 0) >= 1, timeout_s=90)
    provinces = scalar(run.prometheus, 'max_over_time(suhu_hoax_claim_provinces{claim="d02"}[10m])')
    assert provinces == len(run.scenario.hoax_regions)
    assert (scalar(run.prometheus, 'sum(suhu_hoax_posts_total{stance="spreading"})') or 0) >= 3
    top = prom_query(run.prometheus, "topk(10, max by (claim) (suhu_hoax_claim_posts))")["data"]["result"]
    assert [r["metric"] for r in top] == [{"claim": "d02"}]  # an id, never the claim's or a post's text
