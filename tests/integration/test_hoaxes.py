"""Known hoaxes through a real broker: a catalogue on hoax-claims, posts spreading one claim across five
provinces, the regional known_hoax alert and the claim-spread alert, a live catalogue update, and
`suhu backtest --claims` giving the same hoax alerts as the worker."""

from __future__ import annotations

import time

import orjson
import pytest

from streams.core import topics as T
from streams.tooling.backtest import run_backtest
from streams.runtime.catalogue_topic import publish_claims
from streams.core.claim_index import ClaimIndex
from streams.core.claims import Claim, read_catalogue
from streams.tooling.kafka_runtime import ensure_topics
from tests.integration.conftest import consume, free_ports, produce
from tests.integration.faults_support import wait_healthy
from tests.unit.test_hoaxes import DATA, hoax_stream

pytestmark = pytest.mark.integration

NEW = Claim("n1", "Bendera terbalik kode rahasia", "Bendera partai di TPS dipasang terbalik oleh petugas sebagai kode "
            "rahasia untuk paslon tertentu", "SALAH", "dev", "https://cekfakta.example.id/n1", "2024-02-20")


def test_a_spreading_claim_pages_per_region_and_per_claim_live_as_in_backtest(kafka_settings_factory, worker_process):  # type: ignore[no-untyped-def]
    (port,) = free_ports(1)
    settings = kafka_settings_factory(web_port=port, batch_deadline_ms=100, source_idle_timeout_s=5)
    ensure_topics(settings)
    claims, _ = read_catalogue(DATA / "dev_claims.jsonl")
    publish_claims(settings, claims)
    worker = worker_process(settings)
    wait_healthy(port, worker)
    time.sleep(3)  # the catalogue reader's first poll
    lines = hoax_stream()
    produce(settings, T.POSTS, [orjson.loads(x) for x in lines], keys=[f"x:{i}" for i in range(len(lines))])

    deadline = time.monotonic() + 240
    hoax: list[dict] = []
    while time.monotonic() < deadline:
        alerts = [orjson.loads(r.value) for r in consume(settings, T.ALERTS, min_messages=1, timeout_s=10)]
        hoax = [a for a in alerts if a["signal"] in ("known_hoax", "hoax_spread")]
        kinds = {(a["signal"], a["status"]) for a in hoax}
        if {("known_hoax", "firing"), ("hoax_spread", "firing")} <= kinds:
            break
        time.sleep(3)
    kinds = {(a["signal"], a["region"], a["status"]) for a in hoax}
    assert ("known_hoax", "ID-JI", "firing") in kinds, worker.log_text()[-3000:]
    assert ("hoax_spread", "ID", "firing") in kinds, worker.log_text()[-3000:]
    spread = next(a for a in hoax if a["signal"] == "hoax_spread")
    assert "menyebar di 5 provinsi" in spread["summary_id"] and spread["claim"]["id"] == "d02"

    # Live = backtest, for the hoax alerts the input has closed so far.
    offline = run_backtest(lines, settings, claims=ClaimIndex(claims))
    want = {a.alert_id for a in offline if a.signal in ("known_hoax", "hoax_spread")}
    got = {a["alert_id"] for a in hoax}
    assert got <= want and {a.alert_id for a in offline if a.signal == "hoax_spread" and a.status == "firing"} <= got

    # A claim loaded now is matched from the next posts on, without a restart.
    publish_claims(settings, [NEW])
    time.sleep(5)
    post = {"id": "new-1", "text": "Bendera partai di TPS dipasang terbalik oleh petugas sbg kode rahasia!!",
            "created_at": "2024-02-20T03:00:00+00:00", "region": "ID-SN", "author_id": "z"}
    produce(settings, T.POSTS, [post], keys=["x:new-1"])
    deadline = time.monotonic() + 60
    scored: list[dict] = []
    while time.monotonic() < deadline and not scored:
        recs = consume(settings, T.POSTS_SCORED, min_messages=len(lines) + 1, timeout_s=10)
        scored = [d for d in (orjson.loads(r.value) for r in recs) if d.get("id") == "new-1"]
    assert scored and scored[0].get("hoax_claim_id") == "n1" and scored[0]["hoax_stance"] == "spreading"
    assert "new-1" not in worker.log_text() and "Bendera partai" not in worker.log_text()  # no post text logged
