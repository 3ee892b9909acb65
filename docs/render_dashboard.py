"""Render docs/img/operations-room.png from a real run, with the operations-room panels' own queries.

Grafana is not installable here, so this draws the panels itself (matplotlib) from numbers it
measured: it starts a local Kafka (or uses --bootstrap), a `suhu worker`, Alertmanager and
Prometheus exactly as the issue-5 acceptance test does (tests/obs_scenario.py), produces the
synthetic stream with an incivility incident in Jawa Barat, then runs each operations-room panel's
PromQL (from deploy/grafana/dashboards/operations-room.json, $region substituted) against that
Prometheus and plots the answers. Nothing is typed in by hand; the caption says how it was made.

    .venv/bin/pip install -e '.[docs]'
    .venv/bin/python docs/render_dashboard.py [--bootstrap HOST:PORT] [--out docs/img/operations-room.png]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from streams.tooling.kafka_runtime import start_local_kafka, kafka_version  # noqa: E402
from streams.core.settings import load_settings  # noqa: E402
from tests.integration.conftest import free_ports  # noqa: E402
from tests.obs_scenario import START, LiveRun, Scenario, live_pipeline, prom_query, prom_range, scalar, wait_until  # noqa: E402

_spec = importlib.util.spec_from_file_location("panel_queries", REPO_ROOT / "deploy" / "grafana" / "panel_queries.py")
assert _spec and _spec.loader
pq = importlib.util.module_from_spec(_spec)
sys.modules["panel_queries"] = pq
_spec.loader.exec_module(pq)

DASHBOARD = REPO_ROOT / "deploy" / "grafana" / "dashboards" / "operations-room.json"
STATE_COLOURS = ("#3a9d5d", "#f2c12e", "#d9432f")  # ok, warning, critical


def panel(queries: list[Any], title_prefix: str) -> dict[str, str]:
    """refId -> expr of the operations-room panel whose title starts with `title_prefix`."""
    found = {q.ref_id: q.expr for q in queries if q.panel.startswith(title_prefix)}
    if not found:
        raise SystemExit(f"no panel titled {title_prefix!r} in {DASHBOARD.name}: the dashboard changed")
    return found


def instant(base: str, expr: str, at: float) -> list[dict[str, Any]]:
    res = prom_query(base, expr, at=at)
    if res.get("status") != "success":
        raise SystemExit(f"query failed: {expr}: {res.get('error')}")
    return res["data"]["result"]


def ranged(base: str, expr: str, start: float, end: float) -> list[dict[str, Any]]:
    res = prom_range(base, expr, start, end, step_s=1)
    if res.get("status") != "success":
        raise SystemExit(f"query failed: {expr}: {res.get('error')}")
    return res["data"]["result"]


def collect(run: LiveRun) -> dict[str, Any]:
    """Everything the picture shows, measured from the run's Prometheus."""
    sc, base = run.scenario, run.prometheus
    value_sel = f'suhu_region_signal_value{{region="{sc.region}",signal="{sc.signal}"}}'
    wait_until("the incident alert to be scraped",
               lambda: (scalar(base, f'max(max_over_time(suhu_region_alert_state{{region="{sc.region}"}}[10m]))') or 0) >= 1,
               timeout_s=120)
    time.sleep(20)  # a few more windows, so the picture shows the incident ebbing too
    end = time.time()
    start = run.scrape_started
    # The stat panels and the province table are shown at the moment the region's signal peaked.
    peak_series = ranged(base, value_sel, start, end)[0]["values"]
    peak_at = float(max(peak_series, key=lambda tv: float(tv[1]))[0])

    queries = pq.panel_queries(json.loads(DASHBOARD.read_text(encoding="utf-8")), {"region": [sc.region]})
    data: dict[str, Any] = {"start": start, "end": end, "peak_at": peak_at, "incident_sent": run.incident_sent,
                            "stream_sent": run.stream_sent, "posts_sent": run.posts_sent}
    stats = {}
    for prefix in ("Fase pemilu", "Provinsi dengan peringatan", "Ketegangan tertinggi", "Unggahan di jendela"):
        q = panel(queries, prefix)
        stats[prefix] = instant(base, q["A"], peak_at)
    data["stats"] = stats
    data["provinces"] = instant(base, panel(queries, "Provinsi menurut ketegangan")["A"], peak_at)
    data["signals"] = {ref: ranged(base, expr, start, end) for ref, expr in panel(queries, "Sinyal vs ambang").items()}
    data["posts"] = {ref: ranged(base, expr, start, end) for ref, expr in panel(queries, "Unggahan dan akun").items()}
    data["states"] = ranged(base, panel(queries, "Status peringatan")["A"], start, end)
    data["titles"] = sorted({q.panel for q in queries})
    build = instant(base, "suhu_worker_info", peak_at)
    data["model_version"] = build[0]["metric"].get("model_version", "?") if build else "?"
    return data


def _xy(series: dict[str, Any], t0: float) -> tuple[list[float], list[float]]:
    return [float(t) - t0 for t, _ in series["values"]], [float(v) for _, v in series["values"]]


def render(data: dict[str, Any], sc: Scenario, out: Path, caption: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    t0 = data["start"]
    fig = plt.figure(figsize=(16, 10), dpi=100)
    grid = fig.add_gridspec(3, 4, height_ratios=[0.5, 1.5, 1.2], hspace=0.6, wspace=0.5, top=0.9, bottom=0.16)
    fig.suptitle("Ruang operasi suhu / Operations room — rendered from a real run (not a Grafana screenshot)",
                 fontsize=14, fontweight="bold")

    # --- stat row -------------------------------------------------------------------------------
    stats = data["stats"]
    phase = [r["metric"].get("phase", "?") for r in stats["Fase pemilu"]]
    cells = [
        ("Fase pemilu / Election phase", ", ".join(phase) or "-"),
        ("Provinsi dengan peringatan / Provinces alerting", f"{float(stats['Provinsi dengan peringatan'][0]['value'][1]):.0f}"),
        ("Ketegangan tertinggi / Highest tension", f"{float(stats['Ketegangan tertinggi'][0]['value'][1]):.2f}"),
        ("Unggahan di jendela / Posts in window", f"{float(stats['Unggahan di jendela'][0]['value'][1]):.0f}"),
    ]
    for i, (title, text) in enumerate(cells):
        ax = fig.add_subplot(grid[0, i])
        ax.set_axis_off()
        ax.add_patch(plt.Rectangle((0, 0), 1, 1, transform=ax.transAxes, color="#f3f3f3"))
        ax.text(0.5, 0.72, title, ha="center", va="center", fontsize=9, transform=ax.transAxes)
        ax.text(0.5, 0.32, text, ha="center", va="center", fontsize=20, fontweight="bold", transform=ax.transAxes)
    below = ax.get_position().y0 - 0.012
    fig.text(0.5, below, f"Stat panels and province table at t={data['peak_at'] - t0:.0f} s, when {sc.region} "
             f"{sc.signal} peaked; time series over the whole run.", ha="center", va="top", fontsize=9, style="italic")

    def mark_incident(ax: Any) -> None:
        ax.axvline(data["incident_sent"] - t0, color="#888", ls=":", lw=1)
        ax.text(data["incident_sent"] - t0, ax.get_ylim()[1], " incident posts sent from here",
                fontsize=7, color="#555", va="top")

    # --- signal vs threshold ------------------------------------------------------------------------
    ax = fig.add_subplot(grid[1, :3])
    for s in data["signals"]["A"]:
        x, y = _xy(s, t0)
        ax.plot(x, y, lw=2.2 if s["metric"]["signal"] == sc.signal else 1.2, label=s["metric"]["signal"])
    for ref, style, name in (("B", "--", "warning"), ("C", "-.", "critical")):
        for s in data["signals"][ref]:
            if s["metric"]["signal"] == sc.signal:
                x, y = _xy(s, t0)
                ax.plot(x, y, ls=style, color="#d9432f" if name == "critical" else "#f2a12e", lw=1,
                        label=f"{sc.signal} {name} threshold")
    ax.set_title(f"Sinyal vs ambang — {sc.region} / Signal vs threshold", fontsize=11)
    ax.set_ylabel("capped share of the window's posts")
    ax.set_xlabel("seconds since Prometheus began scraping the worker (wall clock)")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, ncol=2, loc="upper right")
    ax.grid(alpha=0.3)
    mark_incident(ax)

    # --- provinces by tension ------------------------------------------------------------------------
    ax = fig.add_subplot(grid[1:3, 3])
    rows = sorted(((r["metric"].get("region_name", r["metric"]["region"]), float(r["value"][1]))
                   for r in data["provinces"] if r["metric"].get("region") != "unknown"), key=lambda r: r[1])[-10:]
    ax.barh([r[0] for r in rows], [r[1] for r in rows], color="#c0504d")
    for i, (_, v) in enumerate(rows):
        ax.text(v, i, f" {v:.2f}", va="center", fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_title("Provinsi menurut ketegangan\nProvinces by tension (top 10 of 38)", fontsize=11)
    ax.set_xlabel("tension (latest closed window)")
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(alpha=0.3, axis="x")

    # --- posts and authors -----------------------------------------------------------------------------
    ax = fig.add_subplot(grid[2, :2])
    for ref, name in (("A", "posts / unggahan"), ("B", "authors / akun")):
        for s in data["posts"][ref]:
            x, y = _xy(s, t0)
            ax.plot(x, y, label=name)
    ax.set_title(f"Unggahan dan akun per jendela — {sc.region} / Posts and authors per window", fontsize=11)
    ax.set_xlabel("seconds (wall clock)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    mark_incident(ax)

    # --- alert state timeline -----------------------------------------------------------------------------
    ax = fig.add_subplot(grid[2, 2])
    series = sorted(data["states"], key=lambda s: s["metric"]["signal"])
    if series:
        x, _ = _xy(series[0], t0)
        matrix = [[float(v) for _, v in s["values"]] for s in series]
        ax.imshow(matrix, aspect="auto", interpolation="nearest", cmap=ListedColormap(STATE_COLOURS), vmin=0, vmax=2,
                  extent=(x[0], x[-1], len(series) - 0.5, -0.5))
        ax.set_yticks(range(len(series)), [s["metric"]["signal"] for s in series], fontsize=8)
        ax.hlines([i + 0.5 for i in range(len(series) - 1)], x[0], x[-1], colors="white", lw=2)
    ax.set_title(f"Status peringatan — {sc.region} / Alert state", fontsize=11)
    ax.set_xlabel("seconds (wall clock)\ngreen ok, yellow warning, red critical")

    fig.text(0.01, 0.03, caption, fontsize=8, va="bottom", family="monospace")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, bbox_inches="tight")
    plt.close(fig)


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bootstrap", help="an existing Kafka (default: start a local broker in a temp dir)")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "img" / "operations-room.png")
    args = ap.parse_args(argv)
    sc = Scenario()
    with tempfile.TemporaryDirectory(prefix="suhu-render-") as tmp:
        root = Path(tmp)
        kafka = None
        bootstrap = args.bootstrap
        if not bootstrap:
            port, ctl = free_ports(2)
            settings = load_settings(env={}, data_dir=root, kafka_local_port=port, kafka_local_controller_port=ctl)
            kafka = start_local_kafka(settings, data_dir=root / "kafka", die_with_parent=True)
            bootstrap = kafka.bootstrap
        try:
            with live_pipeline(bootstrap, root / "run", sc) as run:
                data = collect(run)
        finally:
            if kafka is not None:
                kafka.stop()
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    caption = (
        f"Made by docs/render_dashboard.py on {when}: Kafka {kafka_version()} (local), one `suhu worker` (model "
        f"{data['model_version']}), Debian Prometheus scraping it every 1 s with deploy/prometheus/rules, Alertmanager.\n"
        f"Stream: suhu generate from {START}, {sc.minutes} event-time min, {sc.rate:g} posts/s, seed {sc.seed}, incident "
        f"{sc.incident_spec} ({data['posts_sent']} posts), sent one event-time minute per {sc.seconds_per_minute:g} s.\n"
        f"Windows {sc.window_size_s} s, step {sc.window_step_s} s, grace {sc.window_grace_s} s. Each panel plots the answer "
        f"of its own PromQL from operations-room.json ($region={sc.region}); drawn with matplotlib, not Grafana."
    )
    render(data, sc, args.out, caption)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
