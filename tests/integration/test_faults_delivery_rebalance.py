"""Fault: a second worker joins while an incident is firing in a real Alertmanager (issue 12).

Specification: after every rebalance exactly one worker re-sends a firing alert to Alertmanager, the
owner of the alert's `alerts` partition; a worker that gave the partition up stops at once. The alert
stays active across the rebalance and, once suhu resolves it, no worker posts it as firing again.

Each worker talks to Alertmanager through its own recording proxy, so the test sees who sent what.
Which partitions move when a worker joins is the assignor's choice (Faust's is sticky and, for a
newcomer, deterministic). So a first joiner shows which `alerts` partitions a newcomer takes, and the
incident is put in a province whose alert lands on one of them: the hand-over itself is exercised, not
only a rebalance that left the alert where it was. Should the assignor choose otherwise, more workers
join (each replacing the last) until the partition has changed owner.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
import pytest
from kafka.partitioner.default import murmur2

from streams.core import topics as T
from streams.core.contract import parse_rfc3339
from streams.core.settings import replace
from tests.integration.conftest import consume, free_ports, produce
from tests.integration.faults_support import FAST_WINDOWS, incident_stream, thresholds_file, wait_healthy, wait_until
from tests.integration.faults_support import expected_alerts
from tests.integration.test_faults_delivery_recovery import am_alert
from tests.obs_servers import recording_alertmanager_config, running_alertmanager

pytestmark = [pytest.mark.integration, pytest.mark.faults]

RESEND_S = 8.0  # re-send interval; Alertmanager keeps a firing alert 4 x this after its last post
MAX_JOINS = 4  # each join moves the alert's partition with probability about 1/2


class RecordingProxy:
    """Forwards a worker's Alertmanager posts and records, per post, the alerts' dedup keys and status."""

    def __init__(self, port: int, target: str) -> None:
        # (monotonic time, dedup_key, severity, "firing"|"resolved"): an escalation ends the alert of the
        # old severity (a resolved post) while the incident still fires at the new one.
        self.posts: list[tuple[float, str, str, str]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's spelling
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                now_ms = time.time() * 1000
                for a in json.loads(body or b"[]"):
                    ends = a.get("endsAt")
                    resolved = bool(ends) and _epoch_ms(ends) <= now_ms
                    proxy.posts.append((time.monotonic(), a["labels"].get("dedup_key", ""),
                                        a["labels"].get("severity", ""), "resolved" if resolved else "firing"))
                req = urllib.request.Request(target + self.path, data=body, method="POST",
                                             headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(req, timeout=10) as resp:
                    reply, status = resp.read(), resp.status
                self.send_response(status)
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def sent(self, key: str, since: float, status: str = "firing", severity: str | None = None) -> int:
        return sum(1 for at, k, sev, s in list(self.posts)
                   if k == key and s == status and at >= since and (severity is None or sev == severity))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _epoch_ms(rfc3339: str) -> float:
    return parse_rfc3339(rfc3339) or 0.0


def kafka_partition(key: str, partitions: int) -> int:
    """The producer's default partitioner (murmur2, as aiokafka and the Java client compute it)."""
    return (murmur2(key.encode()) & 0x7FFFFFFF) % partitions


def incident_on(settings: Any, wanted: set[int]) -> tuple[Any, Any, str, int, str]:
    """An incivility incident in the first province whose alert lands on one of `wanted` partitions:
    (the stream up to where it fires, the rest that resolves it, its dedup_key, its partition, the
    severity it resolves at)."""
    for region in ("ID-JB", "ID-JK", "ID-JT", "ID-JI", "ID-BT", "ID-SU", "ID-SN", "ID-BA", "ID-SS", "ID-KB"):
        stream = incident_stream(minutes=12, rate=5, seed=11, incidents=[f"{region}:incivility:3:4"])
        alerts = expected_alerts(settings, stream)
        fired = next((a for a in alerts if a.status == "firing" and a.region == region and a.city is None), None)
        if fired is None or kafka_partition(fired.dedup_key, settings.topic_partitions) not in wanted:
            continue
        resolved = next(a for a in alerts if a.dedup_key == fired.dedup_key and a.status == "resolved")
        cut_ms = parse_rfc3339(fired.window_end) + (FAST_WINDOWS["window_grace_s"] + FAST_WINDOWS["window_step_s"]) * 1000
        assert cut_ms < parse_rfc3339(resolved.window_end), "the incident must still be firing at the cut"
        cut = next(i for i, v in enumerate(stream.values) if parse_rfc3339(orjson.loads(v)["created_at"]) >= cut_ms)
        return (stream.slice(0, cut), stream.slice(cut), fired.dedup_key,
                kafka_partition(fired.dedup_key, settings.topic_partitions), resolved.severity)
    raise AssertionError(f"no candidate province's alert lands on partitions {sorted(wanted)}")


def joined_partitions(worker: Any) -> set[int]:
    return {int(m) for m in re.findall(r"alerts/(\d+): delivery state rebuilt", worker.log_text())}


def owner_of(partition: int, workers: dict[str, Any]) -> str | None:
    """The worker that most recently rebuilt the delivery state of `alerts/<partition>`, from the logs."""
    pattern = f"alerts/{partition}: delivery state rebuilt"
    latest: tuple[str, str] | None = None
    for name, w in workers.items():
        for line in w.log_text().splitlines():
            if pattern in line and (latest is None or line[:25] > latest[1][:25]):
                latest = (name, line)
    return None if latest is None else latest[0]


def test_after_each_rebalance_exactly_one_worker_re_sends_a_firing_alert(
        kafka_settings_factory, worker_process, tmp_path, record_property):  # type: ignore[no-untyped-def]
    ports = free_ports(5 + 2 * MAX_JOINS)  # a: web, hook, proxy; each joiner and the scout: web, proxy
    with running_alertmanager(tmp_path / "am", recording_alertmanager_config(ports[1])) as am_url:
        proxies: list[RecordingProxy] = []
        try:
            base = kafka_settings_factory(
                web_port=ports[0], batch_size=64, batch_deadline_ms=100, thresholds_file=thresholds_file(tmp_path),
                alertmanager_url=am_url, alertmanager_resend_s=RESEND_S, kafka_session_timeout_s=6,
                source_idle_timeout_s=5, **FAST_WINDOWS)

            def start(name: str, web_port: int, proxy_port: int) -> Any:
                proxy = RecordingProxy(proxy_port, am_url)
                proxies.append(proxy)
                settings = replace(base, data_dir=tmp_path / name, web_port=web_port, alertmanager_url=proxy.url)
                w = worker_process(settings, name=name)
                w.proxy = proxy
                wait_healthy(web_port, w)
                return w

            a = start("a", ports[0], ports[2])
            workers = {"a": a}
            # A rehearsal: which alerts partitions does a newcomer take from a?
            scout = start("scout", ports[3 + 2 * MAX_JOINS], ports[4 + 2 * MAX_JOINS])
            workers["scout"] = scout
            wait_until(lambda: joined_partitions(scout), 120, "the scout's assignment", scout.log_text)
            time.sleep(3)
            taken = joined_partitions(scout)
            scout.stop()
            prefix, rest, key, partition, final_severity = incident_on(base, taken)

            produce(base, T.POSTS, prefix.values, keys=prefix.keys, timeout_s=120)
            wait_until(lambda: am_alert(am_url, key) is not None, 240, f"{key} firing in Alertmanager", a.log_text)
            on_topic = {r.partition for r in consume(base, T.ALERTS, min_messages=1, timeout_s=30) if r.key == key.encode()}
            assert on_topic == {partition}, (on_topic, partition)
            wait_until(lambda: owner_of(partition, workers) == "a", 120, f"a owning alerts/{partition}", a.log_text)

            moved, joiner, joins = False, None, 0
            while not moved and joins < MAX_JOINS:
                if joiner is not None:  # the last joiner kept nothing of interest: let another member try
                    joiner.stop()
                    wait_until(lambda: owner_of(partition, workers) == "a", 120, "a owning it again", a.log_text)
                joins += 1
                name = f"b{joins}"
                joiner = start(name, ports[2 + 2 * joins - 1], ports[2 + 2 * joins])
                workers[name] = joiner
                joiner.wait_for_log(r"Setting newly assigned partitions", 120)
                a.wait_for_log(r"Setting newly assigned partitions", 120)
                time.sleep(2 * RESEND_S)  # let the generation settle and each owner re-send once or twice
                moved = owner_of(partition, workers) == name

            assert moved, f"alerts/{partition} never changed owner in {joins} joins: the hand-over was not exercised"
            # Three re-send intervals after the last rebalance settled: one re-sender, the partition's owner.
            owner = owner_of(partition, workers)
            assert owner is not None
            since = time.monotonic()
            while time.monotonic() < since + 3 * RESEND_S:
                assert am_alert(am_url, key) is not None, f"{key} ended in Alertmanager during the rebalance"
                time.sleep(1)
            senders = {n: w.proxy.sent(key, since) for n, w in workers.items() if w.alive()}
            assert senders[owner] >= 2, (senders, owner)
            assert [n for n, c in senders.items() if c] == [owner], (senders, owner)

            # Suhu resolves it; afterwards nobody posts it as firing again.
            produce(base, T.POSTS, rest.values, keys=rest.keys, timeout_s=120)
            wait_until(lambda: any(p.sent(key, 0, "resolved", final_severity) for p in proxies), 240,
                       f"{key} resolved at {final_severity}",
                       workers[owner].log_text)
            resolved_at = time.monotonic()
            time.sleep(3 * RESEND_S)
            assert am_alert(am_url, key) is None
            late_firing = {n: w.proxy.sent(key, resolved_at + 1) for n, w in workers.items()}
            assert not any(late_firing.values()), late_firing
        finally:
            for p in proxies:
                p.close()

    record_property("joins", joins)
    record_property("partition_moved", moved)
    print(f"\nFAULT delivery-rebalance: alerts/{partition} owner after {joins} join(s): {owner} "
          f"({'moved' if moved else 'stayed with a'}); re-sends in 3 x {RESEND_S:.0f}s: {senders}; "
          f"nothing re-posted as firing after the resolution")
