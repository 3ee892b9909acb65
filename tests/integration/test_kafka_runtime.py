"""The local Kafka runtime against a real broker: lifecycle through the CLI, topics, failure modes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from streams.tooling.kafka_runtime import ensure_topics, local_kafka_status
from streams.core.settings import load_settings
from streams.core.topics import POSTS, POSTS_DLQ, topic_specs
from tests.integration.conftest import REPO_ROOT, consume, free_ports, make_settings, produce, settings_env

pytestmark = pytest.mark.integration


def _suhu(args: list[str], env: dict[str, str], timeout: float = 150) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SUHU_")}
    base.update(env)
    return subprocess.run([sys.executable, "-m", "streams.cli", *args], cwd=REPO_ROOT, env=base,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def own_broker_env(tmp_path: Path):
    """Env for a broker of this test's own (free ports, own state dir); stopped whatever happens."""
    port, controller = free_ports(2)
    env = {"SUHU_DATA_DIR": str(tmp_path), "SUHU_KAFKA_LOCAL_PORT": str(port),
           "SUHU_KAFKA_LOCAL_CONTROLLER_PORT": str(controller)}
    yield env
    _suhu(["kafka", "down"], env)


def test_kafka_up_status_roundtrip_up_again_down_status(own_broker_env: dict[str, str]) -> None:
    env = own_broker_env
    port = env["SUHU_KAFKA_LOCAL_PORT"]

    stopped = _suhu(["kafka", "status"], env)
    assert stopped.returncode == 3, stopped.stdout + stopped.stderr
    assert "stopped" in stopped.stdout

    up = _suhu(["kafka", "up"], env)
    assert up.returncode == 0, up.stdout + up.stderr
    assert f"127.0.0.1:{port}" in up.stdout

    status = _suhu(["kafka", "status"], env)
    assert status.returncode == 0, status.stdout + status.stderr
    assert "running" in status.stdout and f"port {port}" in status.stdout
    pid = int(status.stdout.split("pid ")[1].split(",")[0])

    settings = load_settings(env={}, kafka_bootstrap=f"127.0.0.1:{port}", topic_prefix="rt-")
    produce(settings, "roundtrip", [{"hello": "dunia"}], keys=[b"JK"], headers=[[("h", b"v")]])
    [record] = consume(settings, "roundtrip", min_messages=1, timeout_s=30)
    assert record.value == b'{"hello": "dunia"}'
    assert record.key == b"JK"
    assert list(record.headers) == [("h", b"v")]

    again = _suhu(["kafka", "up"], env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "already running" in again.stdout
    assert f"pid {pid}" in again.stdout

    down = _suhu(["kafka", "down"], env)
    assert down.returncode == 0, down.stdout + down.stderr
    assert "kafka stopped" in down.stdout
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split(")")[1][:3]
    assert not (Path(env["SUHU_DATA_DIR"]) / "kafka" / "kafka.pid").exists()

    after = _suhu(["kafka", "status"], env)
    assert after.returncode == 3
    assert "stopped" in after.stdout
    assert _suhu(["kafka", "down"], env).stdout.strip() == "kafka was not running"


def test_kafka_up_with_a_configured_cluster_starts_nothing(tmp_path: Path) -> None:
    env = {"SUHU_DATA_DIR": str(tmp_path), "SUHU_KAFKA_BOOTSTRAP": "kafka.example:9092"}
    up = _suhu(["kafka", "up"], env)
    assert up.returncode == 0
    assert "using existing cluster at kafka.example:9092" in up.stdout
    assert not (tmp_path / "kafka").exists()
    down = _suhu(["kafka", "down"], env)
    assert "using existing cluster at kafka.example:9092" in down.stdout


def test_kafka_up_without_java_is_a_one_line_error(tmp_path: Path) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    port, controller = free_ports(2)
    env = {"PATH": str(empty_bin), "SUHU_DATA_DIR": str(tmp_path), "SUHU_KAFKA_LOCAL_PORT": str(port),
           "SUHU_KAFKA_LOCAL_CONTROLLER_PORT": str(controller)}
    result = _suhu(["kafka", "up"], env)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "suhu: java not found: install OpenJDK 17 (apt-get install openjdk-17-jre-headless)")
    assert "Traceback" not in result.stdout + result.stderr


def test_ensure_topics_creates_every_topic_with_its_partitions_and_retention_once(kafka_bootstrap: str,
                                                                         tmp_path: Path) -> None:
    from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

    settings = make_settings(kafka_bootstrap, tmp_path, posts_retention_hours=6, dlq_retention_days=3)
    specs = {s.name: s for s in topic_specs(settings)}

    assert sorted(ensure_topics(settings)) == sorted(specs)
    assert ensure_topics(settings) == []

    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        described = {t["name"]: t for t in admin.describe_topics(list(specs))}
        configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name) for name in specs])
    finally:
        admin.close()
    topic_configs = configs["topic"]
    for name, spec in specs.items():
        assert len(described[name]["partitions"]) == spec.partitions  # 4, and 1 for the claims catalogue
        cfg = topic_configs[name]
        assert cfg["retention.ms"]["value"] == str(spec.retention_ms)
        assert cfg["cleanup.policy"]["value"] == spec.cleanup_policy
    assert topic_configs[settings.topic(POSTS)]["retention.ms"]["value"] == str(6 * 3_600_000)
    assert topic_configs[settings.topic(POSTS_DLQ)]["retention.ms"]["value"] == str(3 * 86_400_000)
    assert topic_configs[settings.topic(POSTS)]["max.message.bytes"]["value"] == "4000000"


def test_a_2_mb_post_fits_through_posts_and_the_dead_letter_topic(kafka_settings) -> None:  # type: ignore[no-untyped-def]
    big = b'{"text": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    produce(kafka_settings, POSTS, [big])
    produce(kafka_settings, POSTS_DLQ, [big], headers=[[("suhu-dlq-reason", b"too_large")]])
    assert [len(r.value) for r in consume(kafka_settings, POSTS, min_messages=1)] == [len(big)]
    [dead] = consume(kafka_settings, POSTS_DLQ, min_messages=1)
    assert len(dead.value) == len(big)
    assert dict(dead.headers)["suhu-dlq-reason"] == b"too_large"


def test_tests_get_isolated_topics(kafka_settings, kafka_bootstrap: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = make_settings(kafka_bootstrap, tmp_path / "other")
    ensure_topics(other)
    produce(kafka_settings, POSTS, [b"mine"])
    assert consume(other, POSTS, min_messages=1, timeout_s=2) == []
    assert [r.value for r in consume(kafka_settings, POSTS, min_messages=1)] == [b"mine"]


def test_settings_env_rebuilds_the_same_settings_in_a_child(kafka_settings) -> None:  # type: ignore[no-untyped-def]
    assert load_settings(env=settings_env(kafka_settings)) == kafka_settings


def test_status_of_a_configured_cluster_is_external(tmp_path: Path) -> None:
    st = local_kafka_status(load_settings(env={}, kafka_bootstrap="k:9092", data_dir=tmp_path))
    assert st.external and st.bootstrap == "k:9092"


def test_kafka_up_on_a_taken_port_says_so_in_one_line(own_broker_env: dict[str, str]) -> None:
    import socket

    port = int(own_broker_env["SUHU_KAFKA_LOCAL_PORT"])
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        result = _suhu(["kafka", "up"], own_broker_env)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"suhu: port {port} on 127.0.0.1 is taken")
    assert "Traceback" not in result.stderr


def test_a_broker_that_dies_on_start_reports_its_log_tail(own_broker_env: dict[str, str]) -> None:
    data = Path(own_broker_env["SUHU_DATA_DIR"]) / "kafka" / "data"
    data.mkdir(parents=True)
    (data / "meta.properties").write_text("version=1\nnode.id=7\ncluster.id=not-this-cluster\n")
    result = _suhu(["kafka", "up"], own_broker_env)
    assert result.returncode == 2
    assert "Kafka exited with status" in result.stderr
    assert "last lines of its logs" in result.stderr
    assert "Traceback" not in result.stderr.split("last lines")[0]
    assert _suhu(["kafka", "status"], own_broker_env).returncode == 3


def test_topics_create_and_list_commands(kafka_bootstrap: str, tmp_path: Path) -> None:
    settings = make_settings(kafka_bootstrap, tmp_path, topic_partitions=2)
    env = settings_env(settings)
    first = _suhu(["topics", "create"], env)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == [s.name for s in topic_specs(settings)]
    assert all(line.endswith("\tcreated") for line in lines)
    second = _suhu(["topics", "create"], env)
    assert all(line.endswith("\texists") for line in second.stdout.strip().splitlines())
    listed = dict(line.split("\t") for line in _suhu(["topics", "list"], env).stdout.strip().splitlines())
    assert {s.name: listed[s.name] for s in topic_specs(settings)} == {s.name: str(s.partitions)
                                                                      for s in topic_specs(settings)}
    # One partition: the claims catalogue and the coordination topics.
    assert {s.partitions for s in topic_specs(settings)} == {1, 2}


def test_ensure_kafka_returns_a_configured_cluster_without_starting_anything(tmp_path: Path) -> None:
    from streams.tooling.kafka_runtime import ensure_kafka

    assert ensure_kafka(load_settings(env={}, kafka_bootstrap="k:9092", data_dir=tmp_path)) == "k:9092"
    assert not (tmp_path / "kafka").exists()


def test_changed_retention_is_reported_as_drift_and_fixed_only_on_request(kafka_bootstrap: str,
                                                                          tmp_path: Path) -> None:
    from streams.tooling.kafka_runtime import topic_config_drift

    before = make_settings(kafka_bootstrap, tmp_path, scored_retention_hours=72)
    ensure_topics(before)
    assert topic_config_drift(before) == []

    after = load_settings(env=settings_env(before) | {"SUHU_SCORED_RETENTION_HOURS": "24"})
    scored = after.topic("posts-scored")
    report = _suhu(["topics", "create"], settings_env(after))
    assert report.returncode == 0
    assert f"topic {scored}: retention.ms={72 * 3_600_000}, settings want {24 * 3_600_000}" in report.stderr
    # posts-scored and the hoax matches derived from it share the setting
    assert sorted((d.topic, d.key) for d in topic_config_drift(after)) == sorted(
        [(scored, "retention.ms"), (after.topic("hoax-matches"), "retention.ms")])

    fixed = _suhu(["topics", "create", "--fix"], settings_env(after))
    assert fixed.returncode == 0 and "fixed" in fixed.stderr
    assert topic_config_drift(after) == []


def test_a_topic_auto_created_by_a_producer_shows_its_default_retention_as_drift(kafka_bootstrap: str,
                                                                                tmp_path: Path) -> None:
    from streams.tooling.kafka_runtime import topic_config_drift

    settings = make_settings(kafka_bootstrap, tmp_path)
    produce(settings, POSTS, [b"early"])  # before `topics create`: the broker auto-creates it
    assert ensure_topics(settings) == sorted(s.name for s in topic_specs(settings) if s.name != settings.topic(POSTS))
    drift = {(d.topic, d.key) for d in topic_config_drift(settings)}
    assert (settings.topic(POSTS), "retention.ms") in drift
