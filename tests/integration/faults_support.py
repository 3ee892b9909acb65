"""Shared helpers for the fault-injection tests (tests/integration/test_faults_*.py, issue 6).

Why the input is keyed by region: the engine is deterministic per partition of `posts-scored`.
Producing raw posts keyed by their province code puts every post of a region in the same
`posts` partition as its scored record (same key, same murmur2 partitioner, same partition
count), so each scored partition sees exactly the order in which the test produced, and
`streams.tooling.backtest.run_backtest` over the same lines is the oracle for the live alerts.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson

from streams.core import topics as T
from streams.outputs.delivery import verify_webhook
from streams.tooling.generator import generate_posts, parse_incident
from streams.core.records import Alert
from streams.core.settings import Settings
from tests.integration.conftest import consume, one_post_per_record

WEBHOOK_SECRET = "fault-test-secret"

# Small windows so a few minutes of event time give many closed windows; low evidence floors so
# the synthetic stream's incidents page. Grace 30 s covers the generator's 20 s of disorder.
FAST_WINDOWS = dict(window_size_s=60, window_step_s=20, window_grace_s=30)
THRESHOLDS_YAML = """\
version: 1
author_cap: 3
defaults:
  metric: capped_share
  min_posts: 8
  min_authors: 5
  consecutive_windows: 1
  consecutive_clear: 2
  reminder_windows: 0
  baseline: {half_life_minutes: 30, warmup_windows: 3, min_rise: 0.10, ratio: 1.5, clear_rise: 0.05}
signals:
  incivility: {default: {warning: {fire: 0.30, clear: 0.20}, critical: {fire: 0.55, clear: 0.40}}}
  hate: {default: {warning: {fire: 0.25, clear: 0.18}, critical: {fire: 0.50, clear: 0.38}}}
  provocation: {default: {warning: {fire: 0.15, clear: 0.10}, critical: {fire: 0.35, clear: 0.25}}}
  fraud_claim: {default: {warning: {fire: 0.20, clear: 0.14}, critical: {fire: 0.45, clear: 0.33}}}
  tension: {default: {warning: {fire: 0.30, clear: 0.22}, critical: {fire: 0.55, clear: 0.42}}}
"""


def thresholds_file(tmp_path: Path) -> Path:
    path = tmp_path / "thresholds.yaml"
    path.write_text(THRESHOLDS_YAML, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Stream:
    keys: list[bytes]
    values: list[bytes]

    def __len__(self) -> int:
        return len(self.values)

    def slice(self, start: int, stop: int | None = None) -> "Stream":
        return Stream(self.keys[start:stop], self.values[start:stop])


def incident_stream(*, minutes: float, rate: float, seed: int, incidents: Iterable[str]) -> Stream:
    """Synthetic posts keyed by their province (see the module docstring); no unknown regions,
    so no post's key and scored key can disagree."""
    keys, values = [], []
    for post in generate_posts(minutes=minutes, rate=rate, seed=seed, unknown_share=0.0, truth=True,
                               incidents=[parse_incident(s) for s in incidents]):
        keys.append(post["synthetic"]["region"].encode())
        values.append(orjson.dumps(post))
    return Stream(keys, values)


def expected_alerts(settings: Settings, stream: Stream) -> list[Alert]:
    """The oracle: the same engine, offline, on the same lines in the same per-partition order."""
    from streams.tooling.backtest import run_backtest

    return run_backtest(stream.values, settings)


def alert_ids(alerts: Iterable[Alert]) -> list[str]:
    return sorted({a.alert_id for a in alerts})


def alerts_on_topic(settings: Settings, *, min_messages: int, timeout_s: float = 60.0,
                    max_idle_s: float = 3.0) -> list[Alert]:
    records = consume(settings, T.ALERTS, min_messages=min_messages, timeout_s=timeout_s, max_idle_s=max_idle_s)
    return [Alert.from_json(r.value) for r in records]


# --- offsets and lag --------------------------------------------------------------------------------


def end_offset_total(settings: Settings, topic: str) -> int:
    from kafka import KafkaConsumer, TopicPartition

    name = settings.topic(topic)
    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap(), group_id=None,
                             **settings.kafka_python_security())
    try:
        parts = consumer.partitions_for_topic(name) or set()
        tps = [TopicPartition(name, p) for p in parts]
        return int(sum(consumer.end_offsets(tps).values())) if tps else 0
    finally:
        consumer.close()


class ScoredPosts:
    """Scored posts on `posts-scored` so far, read incrementally: the topic's end offsets also count
    the watermark records the scoring stage writes every second (streams/core/watermarks.py)."""

    def __init__(self, settings: Settings) -> None:
        from kafka import KafkaConsumer, TopicPartition

        self.consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap(), group_id=None,
                                      enable_auto_commit=False, **settings.kafka_python_security())
        name = settings.topic(T.POSTS_SCORED)
        tps = [TopicPartition(name, p) for p in range(settings.topic_partitions)]
        self.consumer.assign(tps)
        self.consumer.seek_to_beginning(*tps)
        self.tps = tps
        self.n = 0

    def __call__(self) -> int:
        """The count as of the topic's end offsets when called (a fast worker cannot keep it reading on)."""
        from streams.core.watermarks import WATERMARK_KEY

        end = self.consumer.end_offsets(self.tps)
        while any(self.consumer.position(tp) < end[tp] for tp in self.tps):
            batch = self.consumer.poll(timeout_ms=200)
            self.n += sum(len(one_post_per_record([r for r in records if r.key != WATERMARK_KEY]))
                          for records in batch.values())
        return self.n

    def close(self) -> None:
        self.consumer.close()


class LagProbe:
    """Lag of the worker's consumer group (app id) on one topic: end offsets minus committed."""

    def __init__(self, settings: Settings, topic: str) -> None:
        from kafka import KafkaAdminClient, KafkaConsumer

        self.settings = settings
        self.name = settings.topic(topic)
        self.admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap(), **settings.kafka_python_security())
        self.consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap(), group_id=None,
                                      **settings.kafka_python_security())

    def __call__(self) -> int:
        from kafka import TopicPartition

        tps = [TopicPartition(self.name, p) for p in range(self.settings.topic_partitions)]
        ends = self.consumer.end_offsets(tps)
        committed = self._committed(tps)
        lag = 0
        for tp in tps:
            meta = committed.get(tp)
            pos = meta.offset if meta is not None and meta.offset >= 0 else 0
            lag += max(0, ends[tp] - pos)
        return lag

    def _committed(self, tps: list[Any]) -> dict[Any, Any]:
        """The group's committed offsets; while its coordinator is still being elected (a new
        group, a broker busy on a loaded box) retry briefly, then count it as nothing committed."""
        from kafka.errors import KafkaError

        for _ in range(20):
            try:
                return dict(self.admin.list_group_offsets({self.settings.app_id: tps}).get(self.settings.app_id, {}))
            except KafkaError as exc:
                if not getattr(exc, "retriable", False):
                    raise
                time.sleep(0.25)
        return {}

    def close(self) -> None:
        self.admin.close()
        self.consumer.close()


# Client chatter that filled the whole log tail of a failure without saying anything (CI, 3 Dec 2026).
_CONNECTION_NOISE = re.compile(r"KafkaConnection|KafkaTCPTransport|[Mm]etadata|[Bb]ootstrap|Initializing connection|"
                               r"IO loop starting|Closing transport|Connection closed")


def log_tail(text: str, chars: int = 6000) -> str:
    """The end of a worker log without the Kafka clients' connection chatter."""
    kept = [line for line in text.splitlines() if not _CONNECTION_NOISE.search(line)]
    return "\n".join(kept)[-chars:]


def wait_until(pred: Callable[[], bool], timeout_s: float, what: str, log: Callable[[], str] | None = None,
               interval_s: float = 0.5, detail: Callable[[], str] | None = None) -> float:
    """Poll ``pred``; returns the seconds it took, or fails naming ``what`` (with ``detail()`` and a log tail)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        if pred():
            return time.monotonic() - start
        time.sleep(interval_s)
    extra = f" ({detail()})" if detail else ""
    tail = ("\n" + log_tail(log())) if log else ""
    raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}{extra}{tail}")


def healthy(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
        return True
    except OSError:
        return False


def wait_healthy(port: int, worker: Any, timeout_s: float = 180.0) -> float:
    def ok() -> bool:
        assert worker.alive(), worker.log_text()[-4000:]
        return healthy(port)

    return wait_until(ok, timeout_s, "worker /healthz", worker.log_text, interval_s=0.25)


def scrape(port: int) -> str:
    return urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()


def sample(text: str, name: str, **labels: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    total = 0.0
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                total += s.value
    return total


# --- a recording pager ------------------------------------------------------------------------------


@dataclass
class Received:
    alert_id: str
    dedup_key: str
    status: str
    at: float  # time.monotonic() at receipt


@dataclass
class WebhookRecorder:
    """A signed-webhook receiver on loopback that records every accepted alert.

    ``down()`` closes the port (the pager is unreachable: connection refused), ``up()`` opens it
    again on the same port; bad signatures get 401 and are recorded in ``rejected``.
    """

    port: int
    secret: str = WEBHOOK_SECRET
    received: list[Received] = field(default_factory=list)
    rejected: int = 0
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def up(self) -> None:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's spelling
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                ok = verify_webhook(body, self.headers.get("X-Suhu-Signature", ""), recorder.secret,
                                    now=int(time.time()))
                if not ok:
                    with recorder._lock:
                        recorder.rejected += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                doc = json.loads(body)
                with recorder._lock:
                    recorder.received.append(Received(doc["alert_id"], doc["dedup_key"], doc["status"],
                                                      time.monotonic()))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def ids(self) -> list[str]:
        with self._lock:
            return [r.alert_id for r in self.received]


@dataclass
class PagingFault:
    """What a fault test that checks every page needs: the worker's web port, a webhook pager already up
    (the test takes it down), settings with fast windows, the input and the alerts the offline engine
    gives for it (`expected_alerts`, keyed by alert_id)."""

    web_port: int
    recorder: WebhookRecorder
    settings: Settings
    stream: Stream
    expected: dict[str, dict[str, Any]]


def paging_fault(kafka_settings_factory: Callable[..., Settings], tmp_path: Path, *, seed: int,
                 incidents: Iterable[str]) -> PagingFault:
    """20 minutes of incident stream at 5 posts/s to a worker with 64-post batches, paging a webhook."""
    from tests.integration.conftest import free_ports

    web_port, hook_port = free_ports(2)
    recorder = WebhookRecorder(hook_port)
    recorder.up()
    settings = kafka_settings_factory(web_port=web_port, batch_size=64, batch_deadline_ms=100,
                                      thresholds_file=thresholds_file(tmp_path), webhook_url=recorder.url,
                                      webhook_secret=WEBHOOK_SECRET, **FAST_WINDOWS)
    stream = incident_stream(minutes=20, rate=5, seed=seed, incidents=incidents)
    expected = {a.alert_id: a.to_dict() for a in expected_alerts(settings, stream)}
    assert len(expected) >= 10, "the input must page several times for this test to mean anything"
    return PagingFault(web_port, recorder, settings, stream, expected)


def assert_every_post_scored(settings: Settings, stream: Stream) -> None:
    """Every valid post of ``stream`` is on `posts-scored` (a re-processed one may be there twice)."""
    from tests.integration.conftest import consume

    scored = consume(settings, T.POSTS_SCORED, min_messages=len(stream), timeout_s=60, max_idle_s=2)
    assert {orjson.loads(r.value)["id"] for r in scored} == {orjson.loads(v)["id"] for v in stream.values}


def assert_alerts_equal_backtest(settings: Settings, expected: dict[str, dict[str, Any]]) -> None:
    """The live alerts on the `alerts` topic (deduplicated by alert_id: republishing after a restart is by
    design) are the offline engine's, field for field, post and author counts included."""
    live = {a.alert_id: a.to_dict() for a in alerts_on_topic(settings, min_messages=len(expected))}
    assert set(live) == set(expected)
    for alert_id, doc in expected.items():
        assert live[alert_id] == doc, alert_id
