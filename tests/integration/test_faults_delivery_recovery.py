"""Fault: the worker is SIGKILLed while an incident is firing in a real Alertmanager (issue 12).

Specification: Alertmanager ends a firing alert that is not re-posted within `endsAt` (4 re-send
intervals), so the restarted worker must rebuild its firing alerts from the durable records
(`alerts` + `delivered`) and keep re-sending them. The alert stays active in Alertmanager across the
crash, longer than the `endsAt` the dead worker last gave it, and resolves only when suhu resolves it.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import urllib.request
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
import pytest

from streams.core import topics as T
from streams.core.contract import parse_rfc3339
from tests.integration.conftest import free_ports, produce
from tests.integration.faults_support import (
    FAST_WINDOWS,
    alerts_on_topic,
    expected_alerts,
    incident_stream,
    thresholds_file,
    wait_healthy,
    wait_until,
)
from tests.obs_servers import recording_alertmanager_config, running_alertmanager

pytestmark = [pytest.mark.integration, pytest.mark.faults]

RESEND_S = 20.0  # Alertmanager keeps a firing alert 4 x this after its last re-send
INCIDENT = "ID-JB:incivility:3:4"


class NotificationRecorder:
    """Alertmanager's webhook notifications, with the monotonic time each arrived."""

    def __init__(self, port: int) -> None:
        self.received: list[tuple[float, dict[str, Any]]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's spelling
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                recorder.received.append((time.monotonic(), json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def statuses(self, dedup_key: str, severity: str | None = None) -> list[tuple[float, str]]:
        """Notifications for ``dedup_key`` (of one ``severity``: an escalation ends the alert of the old
        severity, which Alertmanager notifies as resolved while the incident still fires)."""
        return [(at, a["status"]) for at, n in list(self.received) for a in n["alerts"]
                if a["labels"].get("dedup_key") == dedup_key
                and (severity is None or a["labels"].get("severity") == severity)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def am_alert(am_url: str, dedup_key: str) -> dict[str, Any] | None:
    """The alert as Alertmanager holds it now, if it is active (endsAt still ahead)."""
    query = urllib.parse.urlencode({"filter": f'dedup_key="{dedup_key}"'})
    with urllib.request.urlopen(f"{am_url}/api/v2/alerts?{query}", timeout=5) as resp:
        alerts = json.loads(resp.read())
    now_ms = time.time() * 1000
    for a in alerts:
        if a["status"]["state"] == "active" and (parse_rfc3339(a["endsAt"]) or 0) > now_ms:
            return a
    return None


def split_while_firing(settings, stream):  # type: ignore[no-untyped-def]
    """A prefix of the stream after which one incident is firing, that incident's dedup_key and the
    severity it resolves at; the whole stream resolves it (the oracle: the offline engine)."""
    alerts = expected_alerts(settings, stream)
    fired = next(a for a in alerts if a.status == "firing" and a.region == "ID-JB" and a.city is None)
    resolved = next(a for a in alerts if a.dedup_key == fired.dedup_key and a.status == "resolved")
    # Cut a window step after the firing window closed (end + grace), well before the resolution.
    cut_ms = parse_rfc3339(fired.window_end) + (FAST_WINDOWS["window_grace_s"] + FAST_WINDOWS["window_step_s"]) * 1000
    assert cut_ms < parse_rfc3339(resolved.window_end), "the incident must still be firing at the cut"
    cut = next(i for i, v in enumerate(stream.values) if parse_rfc3339(orjson.loads(v)["created_at"]) >= cut_ms)
    prefix = stream.slice(0, cut)
    last = [a for a in expected_alerts(settings, prefix) if a.dedup_key == fired.dedup_key]
    assert last and last[-1].status == "firing", "the prefix must end with the incident firing"
    return prefix, stream.slice(cut), fired.dedup_key, resolved.severity


def test_a_firing_alert_survives_a_worker_crash_in_alertmanager_and_resolves_only_with_suhu(
        kafka_settings_factory, worker_process, tmp_path, record_property):  # type: ignore[no-untyped-def]
    web_port, hook_port = free_ports(2)
    recorder = NotificationRecorder(hook_port)
    try:
        with running_alertmanager(tmp_path / "am", recording_alertmanager_config(hook_port)) as am_url:
            settings = kafka_settings_factory(
                web_port=web_port, batch_size=64, batch_deadline_ms=100, thresholds_file=thresholds_file(tmp_path),
                alertmanager_url=am_url, alertmanager_resend_s=RESEND_S, kafka_session_timeout_s=6,
                source_idle_timeout_s=5, **FAST_WINDOWS)
            stream = incident_stream(minutes=12, rate=5, seed=11, incidents=[INCIDENT])
            prefix, rest, key, final_severity = split_while_firing(settings, stream)

            first = worker_process(settings, name="before-kill")
            wait_healthy(web_port, first)
            produce(settings, T.POSTS, prefix.values, keys=prefix.keys, timeout_s=120)
            wait_until(lambda: am_alert(am_url, key) is not None, 240, f"{key} firing in Alertmanager", first.log_text)
            time.sleep(2)  # past the delivered mark's flush: the restart must not simply deliver it again
            ends_before_kill = parse_rfc3339(am_alert(am_url, key)["endsAt"]) / 1000  # type: ignore[index]

            first.kill()
            killed_at = time.time()
            second = worker_process(settings, name="after-kill")
            healthy_s = wait_healthy(web_port, second)
            restarted_at = time.time()

            # Past the expiry the dead worker last set, and 3 re-send intervals after the restart:
            # still active, because the restarted worker re-sent it (a later endsAt).
            until = max(ends_before_kill + 5, restarted_at + 3 * RESEND_S)
            while time.time() < until:
                assert am_alert(am_url, key) is not None, (
                    f"{key} ended in Alertmanager {time.time() - killed_at:.1f}s after the kill\n"
                    + second.log_text()[-3000:])
                time.sleep(1)
            alive = am_alert(am_url, key)
            assert alive is not None and parse_rfc3339(alive["endsAt"]) / 1000 > ends_before_kill + 1
            assert "resolved" not in {s for _, s in recorder.statuses(key)}
            rebuilt = second.wait_for_log(r"\[(\S+ \S+)\] \[\d+\] \[INFO\] alerts/\d+: delivery state rebuilt "
                                          r"from \d+ records, [1-9]\d* firing", 5)
            rebuilt_s = datetime.strptime(rebuilt.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp() - killed_at
            resumed_at = time.monotonic()

            # Suhu resolves it: the rest of the stream calms the province. (On the way it escalates, in
            # this stream: the end of the old severity's alert is notified as resolved too, so the wait is
            # for the resolution at the severity the oracle resolves it at.)
            produce(settings, T.POSTS, rest.values, keys=rest.keys, timeout_s=120)
            wait_until(lambda: any(s == "resolved" for _, s in recorder.statuses(key, final_severity)), 240,
                       f"{key} resolved in Alertmanager at {final_severity}", second.log_text)
            assert am_alert(am_url, key) is None
            on_topic = [a for a in alerts_on_topic(settings, min_messages=1, timeout_s=30) if a.dedup_key == key]
            assert [a.status for a in on_topic][-1] == "resolved"
            statuses = recorder.statuses(key)
            assert statuses[0][1] == "firing" and recorder.statuses(key, final_severity)[-1][1] == "resolved"
            assert all(at >= resumed_at for at, s in statuses if s == "resolved")
    finally:
        recorder.close()

    record_property("resend_s", RESEND_S)
    record_property("kill_to_rebuilt_s", round(rebuilt_s, 1))
    record_property("restart_to_healthy_s", round(healthy_s, 1))
    print(f"\nFAULT delivery-recovery: resend={RESEND_S:.0f}s healthy={healthy_s:.1f}s "
          f"state rebuilt {rebuilt_s:.1f}s after the kill; {key} active in Alertmanager "
          f"{until - killed_at:.0f}s after the kill (dead worker's endsAt was {ends_before_kill - killed_at:.0f}s "
          f"after it), resolved only by suhu")
