"""End to end through a real broker: posts in, scored posts and dead letters out."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import orjson
import pytest

from models.base import SIGNALS
from streams.core import topics as T
from tests.integration.conftest import consume, free_ports, produce
from tests.integration.faults_support import sample, scrape, wait_healthy

pytestmark = pytest.mark.integration


def post(i: int, **over: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "id": f"p{i}",
        "text": f"Pantauan TPS {i}: pemungutan suara berjalan lancar, warga antre dengan tertib",
        "created_at": f"2024-02-14T09:{i % 60:02d}:00+07:00",
        "platform": "twitter",
        "author_id": f"warga{i}",
        "region": ["Jabar", "ID-JK", "31", "Kota Surabaya", "Kab. Jayapura", None][i % 6],
        "lang": "id",
    }
    doc.update(over)
    return doc


@pytest.fixture
def running_worker(kafka_settings_factory, worker_process):  # type: ignore[no-untyped-def]
    (port,) = free_ports(1)
    settings = kafka_settings_factory(web_port=port, batch_deadline_ms=100)
    worker = worker_process(settings)
    wait_healthy(port, worker)
    return settings, worker


def test_valid_posts_come_back_scored_and_keyed_by_region(running_worker):  # type: ignore[no-untyped-def]
    settings, worker = running_worker
    posts = [post(i) for i in range(24)]
    produce(settings, T.POSTS, posts, keys=[f"twitter:{p['id']}" for p in posts])

    records = consume(settings, T.POSTS_SCORED, min_messages=24, timeout_s=120)
    assert len(records) == 24, worker.log_text()[-3000:]
    by_id = {orjson.loads(r.value)["id"]: r for r in records}
    assert set(by_id) == {p["id"] for p in posts}
    expected_region = {"Jabar": "ID-JB", "ID-JK": "ID-JK", "31": "ID-JK", "Kota Surabaya": "ID-JI",
                       "Kab. Jayapura": "ID-PA", None: "unknown"}
    for p in posts:
        record = by_id[p["id"]]
        scored = orjson.loads(record.value)
        assert scored["region"] == expected_region[p["region"]]  # type: ignore[index]
        assert record.key == scored["region"].encode()
        assert set(scored["scores"]) == set(SIGNALS)
        assert all(0.0 <= v <= 1.0 for v in scored["scores"].values())
        assert scored["model_version"]
        assert scored["lang"] == "id" and scored["text"] == p["text"]
        assert scored["author_id"] and "warga" not in scored["author_id"]  # pseudonymised, never the raw id
    assert "warga" not in worker.log_text() and "Pantauan TPS" not in worker.log_text()


def test_live_scores_equal_offline_suhu_score(running_worker, tmp_path):  # type: ignore[no-untyped-def]
    """The worker and `suhu score` must give bit-identical scores for the same post."""
    settings, worker = running_worker
    texts = [
        "Pemungutan suara di TPS kami lancar, terima kasih petugas KPPS",
        "dasar goblok lo semua, anjing tuh paslon",
        "KPU curang! surat suara sudah tercoblos sebelum pencoblosan, ini kecurangan TSM",
        "Ayo kepung kantor KPU malam ini, turun ke jalan, people power!",
        "gw udh nyoblos bgt, antrenya lamaaa bangettt wkwk",
    ]
    posts = [post(200 + i, text=t) for i, t in enumerate(texts)]
    produce(settings, T.POSTS, posts)
    live = {orjson.loads(r.value)["id"]: orjson.loads(r.value)
            for r in consume(settings, T.POSTS_SCORED, min_messages=len(posts), timeout_s=120)}

    src = tmp_path / "posts.jsonl"
    src.write_bytes(b"\n".join(orjson.dumps(p) for p in posts) + b"\n")
    out = subprocess.run([sys.executable, "-m", "streams.cli", "score", str(src)], capture_output=True,
                         check=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
    offline = {d["id"]: d for d in map(orjson.loads, out.stdout.splitlines())}
    assert set(offline) == set(live) == {p["id"] for p in posts}
    for post_id, scored in live.items():
        assert scored["scores"] == offline[post_id]["scores"]  # exact, not approximate
        assert scored["labels"] == offline[post_id]["labels"]
        assert scored["model_version"] == offline[post_id]["model_version"]


def test_malformed_messages_land_in_the_dead_letter_topic_with_their_reason(running_worker):  # type: ignore[no-untyped-def]
    settings, worker = running_worker
    bad = [
        (b"\xff\xfe\x00garbage", "not_utf8"),
        (b"{\"id\": \"x\", ", "not_json"),
        (b"[1, 2, 3]", "not_object"),
        (orjson.dumps({"id": "m1", "text": "tanpa waktu"}), "missing_field"),
        (orjson.dumps(post(900, id=12345)), "wrong_type"),
        (orjson.dumps(post(901, created_at="kemarin sore")), "bad_timestamp"),
        (orjson.dumps(post(902, created_at="1999-12-31T23:59:59+07:00")), "timestamp_out_of_range"),
        (orjson.dumps(post(903, text="x" * 50_000)), "text_too_long"),
        (orjson.dumps(post(904, text="y" * 2_000_000)), "message_too_large"),
    ]
    good = [post(i) for i in range(100, 110)]
    values: list[bytes] = []
    for i, (raw, _) in enumerate(bad):  # interleave: valid posts around every bad one
        values.append(orjson.dumps(good[i % len(good)]))
        values.append(raw)
    values.extend(orjson.dumps(g) for g in good[len(bad) % len(good):])
    produce(settings, T.POSTS, values)

    dead = consume(settings, T.POSTS_DLQ, min_messages=len(bad), timeout_s=120, max_idle_s=3)
    got = {bytes(r.value): dict(r.headers)[T.DLQ_REASON_HEADER].decode() for r in dead}
    assert len(dead) == len(bad), worker.log_text()[-3000:]
    for raw, reason in bad:
        assert got[raw] == reason  # the original bytes, untouched, with the machine-readable reason
    for r in dead:
        headers = dict(r.headers)
        assert headers[T.DLQ_DETAIL_HEADER]
        assert headers[T.DLQ_SOURCE_HEADER].decode().startswith(settings.topic(T.POSTS) + "/")

    scored = consume(settings, T.POSTS_SCORED, min_messages=len(good), timeout_s=60)
    assert {orjson.loads(r.value)["id"] for r in scored} == {g["id"] for g in good}
    assert worker.alive()
    metrics = scrape(settings.web_port)
    for reason in {r for _, r in bad}:
        assert sample(metrics, "suhu_posts_dead_lettered_total", reason=reason) >= 1, reason


def test_the_same_post_delivered_twice_is_counted_once(running_worker):  # type: ignore[no-untyped-def]
    settings, worker = running_worker
    p = post(7, region="ID-JK")
    produce(settings, T.POSTS, [p, p, post(8, region="ID-JK")])
    consume(settings, T.POSTS_SCORED, min_messages=3, timeout_s=120)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if sample(scrape(settings.web_port), "suhu_posts_deduplicated_total") >= 1:
            break
        time.sleep(1)
    metrics = scrape(settings.web_port)
    assert sample(metrics, "suhu_posts_deduplicated_total") == 1, json.dumps(worker.log_text()[-2000:])
