"""Fixtures for tests against a real Kafka broker, started through the project's own runtime.

One broker per test session (on free ports, state under pytest's tmp dir), or the cluster named
by ``SUHU_KAFKA_BOOTSTRAP``. Every test gets its own topic prefix, app id and state dir, so tests
never see each other's messages, consumer groups or tables.

Helpers for tests: ``produce``, ``consume``, ``settings_env`` (import them from this module).
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pytest

from streams.tooling.kafka_runtime import ensure_topics, start_local_kafka
from streams.core.settings import Settings, load_settings
from streams.core.watermarks import WATERMARK_KEY

REPO_ROOT = Path(__file__).resolve().parents[2]
MAX_TEST_MESSAGE_BYTES = 8 * 1024 * 1024  # room for the 4 MB messages the posts topic accepts


def free_ports(n: int) -> list[int]:
    """n distinct free loopback ports (held open together so the kernel cannot hand one out twice)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


# --- the broker ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real broker for the whole session: ours, or the one SUHU_KAFKA_BOOTSTRAP names."""
    external = os.environ.get("SUHU_KAFKA_BOOTSTRAP")
    if external:
        yield external
        return
    port, controller_port = free_ports(2)
    root = tmp_path_factory.mktemp("kafka-broker")
    settings = load_settings(env={}, data_dir=root, kafka_local_port=port, kafka_local_controller_port=controller_port)
    kafka = start_local_kafka(settings, data_dir=root / "kafka", die_with_parent=True)
    try:
        yield kafka.bootstrap
    finally:
        kafka.stop()


def make_settings(bootstrap: str, tmp_path: Path, **overrides: Any) -> Settings:
    """Test settings: isolated topics, group and state; the environment is ignored on purpose."""
    tag = uuid.uuid4().hex[:10]
    values: dict[str, Any] = {
        "kafka_bootstrap": bootstrap,
        "topic_prefix": f"t{tag}-",
        "app_id": f"suhu-test-{tag}",
        "data_dir": tmp_path,
        "topic_partitions": 4,
    }
    values.update(overrides)
    return load_settings(env={}, **values)


@pytest.fixture
def kafka_settings(kafka_bootstrap: str, tmp_path: Path) -> Settings:
    """Settings for one test, with suhu's topics already created under its own prefix."""
    settings = make_settings(kafka_bootstrap, tmp_path)
    ensure_topics(settings)
    return settings


@pytest.fixture
def kafka_settings_factory(kafka_bootstrap: str, tmp_path: Path) -> Callable[..., Settings]:
    """Like ``kafka_settings`` with overrides (e.g. thresholds_file); topics are created too."""

    def make(**overrides: Any) -> Settings:
        settings = make_settings(kafka_bootstrap, tmp_path, **overrides)
        ensure_topics(settings)
        return settings

    return make


# --- clients ----------------------------------------------------------------------------------------------


def _topic_name(settings: Settings, topic: str) -> str:
    """Accept a logical name ("posts"), an already prefixed one, or a Faust changelog (named by the
    app id: "<app_id>-delivered-changelog")."""
    if settings.topic_prefix and topic.startswith(settings.topic_prefix):
        return topic
    if topic.startswith(f"{settings.app_id}-") and topic.endswith("-changelog"):
        return topic
    return settings.topic(topic)


def _encode(value: bytes | str | Mapping[str, Any] | None) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def produce(
    settings: Settings,
    topic: str,
    values: Sequence[bytes | str | Mapping[str, Any] | None],
    keys: Sequence[bytes | str | None] | None = None,
    headers: Sequence[list[tuple[str, bytes]]] | None = None,
    timeout_s: float = 30.0,
) -> list[Any]:
    """Send messages and wait until every one is acknowledged; returns their RecordMetadata.

    ``topic`` may be logical ("posts") or prefixed; dicts are sent as JSON, bytes as they are.
    """
    from kafka import KafkaProducer

    if keys is not None and len(keys) != len(values):
        raise ValueError("keys and values must have the same length")
    name = _topic_name(settings, topic)
    producer = KafkaProducer(bootstrap_servers=settings.bootstrap(), max_request_size=MAX_TEST_MESSAGE_BYTES,
                             acks="all", linger_ms=5, **settings.kafka_python_security())
    try:
        futures = []
        for i, value in enumerate(values):
            key = keys[i] if keys is not None else None
            futures.append(producer.send(
                name, value=_encode(value), key=_encode(key) if key is not None else None,
                headers=headers[i] if headers is not None else None,
            ))
        producer.flush(timeout=timeout_s)
        return [f.get(timeout=timeout_s) for f in futures]
    finally:
        producer.close(timeout=5)


def consume(
    settings: Settings,
    topic: str,
    *,
    min_messages: int,
    timeout_s: float = 30.0,
    max_idle_s: float | None = None,
    watermarks: bool = False,
) -> list[Any]:
    """Read a topic from the beginning (no consumer group) until ``min_messages`` arrived or time ran out.

    Watermark records (on ``posts-scored``, key ``~watermark``) are left out unless ``watermarks``.
    ``posts-scored`` is read one scored post per record (`one_post_per_record`), and counted so.

    Returns kafka-python ConsumerRecords (with ``.headers``), in partition order. With
    ``max_idle_s``, keep reading after ``min_messages`` until nothing new came for that long
    (to check that *no more* than expected arrive).
    """
    from kafka import KafkaConsumer, TopicPartition

    name = _topic_name(settings, topic)
    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap(), group_id=None, enable_auto_commit=False,
                             max_partition_fetch_bytes=MAX_TEST_MESSAGE_BYTES,
                             fetch_max_bytes=4 * MAX_TEST_MESSAGE_BYTES, **settings.kafka_python_security())
    deadline = time.monotonic() + timeout_s
    try:
        partitions = None
        while partitions is None:
            partitions = consumer.partitions_for_topic(name)
            if partitions is None:
                if time.monotonic() > deadline:
                    return []
                time.sleep(0.2)
        tps = [TopicPartition(name, p) for p in sorted(partitions)]
        per_post = name == settings.topic("posts-scored")
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        records: list[Any] = []
        last_new = time.monotonic()
        while time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=200)
            for tp_records in batch.values():
                kept = [r for r in tp_records if watermarks or r.key != WATERMARK_KEY]
                records.extend(one_post_per_record(kept) if per_post else kept)
            if batch:
                last_new = time.monotonic()
            if len(records) >= min_messages:
                if max_idle_s is None or time.monotonic() - last_new >= max_idle_s:
                    break
        records.sort(key=lambda r: (r.partition, r.offset))
        return records
    finally:
        consumer.close()


def one_post_per_record(records: Sequence[Any]) -> list[Any]:
    """``posts-scored`` records as one record per scored post: the scoring stage writes a batch's posts
    for one partition in one record (streams/core/records.py, `scored_batch_records`); each post comes
    back here with its batch record's partition and offset, keyed by its region (as a record of one
    post was), its value the post's JSON."""
    import orjson

    from streams.core.records import SCORED_BATCH_KIND

    out: list[Any] = []
    for r in records:
        doc = orjson.loads(r.value) if r.key != WATERMARK_KEY else None
        if isinstance(doc, dict) and doc.get("kind") == SCORED_BATCH_KIND:
            out.extend(r._replace(key=str(d.get("region")).encode(), value=orjson.dumps(d)) for d in doc["posts"])
        else:
            out.append(r)
    return out


# --- worker subprocesses ---------------------------------------------------------------------------------------


def settings_env(settings: Settings) -> dict[str, str]:
    """SUHU_* variables that make a child process load exactly these settings."""
    env: dict[str, str] = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if value is None:
            continue
        env[f"SUHU_{f.name.upper()}"] = str(value)
    return env


@dataclass
class WorkerProcess:
    """A `suhu worker` child: its Popen, its log, and a way to end it."""

    proc: subprocess.Popen[bytes]
    log_path: Path
    settings: Settings
    _log_handle: Any = field(repr=False, default=None)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def wait_for_log(self, pattern: str, timeout_s: float = 60.0) -> re.Match[str]:
        """Block until ``pattern`` (a regex) shows up in the log; fail with the log tail if it never does."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            m = rx.search(self.log_text())
            if m:
                return m
            if not self.alive():
                break
            time.sleep(0.2)
        tail = "\n".join(self.log_text().splitlines()[-40:])
        state = "running" if self.alive() else f"exited with {self.proc.returncode}"
        raise AssertionError(f"worker ({state}) never logged /{pattern}/; log tail:\n{tail}")

    def stop(self, timeout_s: float = 20.0, sig: int = signal.SIGTERM) -> int:
        """Graceful stop (SIGTERM by default), SIGKILL after ``timeout_s``; returns the exit status."""
        if self.alive():
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None
        return self.proc.returncode

    def kill(self) -> int:
        """Crash it (SIGKILL): for restart and recovery tests."""
        return self.stop(timeout_s=5.0, sig=signal.SIGKILL)


@pytest.fixture
def worker_process(tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Factory: ``worker_process(settings, *extra_args, env=None, name="worker", module="streams.cli")``
    starts a worker (``module``: the entry point run with ``-m``, a test's wrapper of the CLI that injects a fault).

    Every worker started is stopped at teardown; its log stays under tmp_path for the report.
    """
    started: list[WorkerProcess] = []

    def start(settings: Settings, *args: str, env: Mapping[str, str] | None = None,
              name: str = "worker", module: str = "streams.cli") -> WorkerProcess:
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("SUHU_")}
        child_env.update(settings_env(settings))
        child_env["PYTHONUNBUFFERED"] = "1"
        if env:
            child_env.update(env)
        log_path = tmp_path / f"{name}-{len(started)}.log"
        handle = log_path.open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", module, "worker", *args],
            cwd=REPO_ROOT, env=child_env, stdin=subprocess.DEVNULL, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        worker = WorkerProcess(proc, log_path, settings, handle)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
