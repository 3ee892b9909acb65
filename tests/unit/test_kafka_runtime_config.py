"""The local Kafka runtime without a broker: generated config, cluster ids, pid-file safety."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

from streams.tooling.kafka_runtime import (
    _new_cluster_id,
    kafka_version,
    local_kafka_status,
    log4j2_config,
    server_properties,
    stop_local_kafka,
)
from streams.core.settings import load_settings


def _props(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))


def test_server_properties_make_one_combined_node_on_loopback(tmp_path: Path) -> None:
    s = load_settings(env={}, kafka_local_port=29092, kafka_local_controller_port=29093)
    p = _props(server_properties(s, tmp_path))
    assert p["process.roles"] == "broker,controller"
    assert p["listeners"] == "PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093"
    assert p["controller.quorum.bootstrap.servers"] == "127.0.0.1:29093"
    assert p["controller.listener.names"] == "CONTROLLER"
    assert p["log.dirs"] == str(tmp_path / "data")
    for key in ("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "transaction.state.log.min.isr", "share.coordinator.state.topic.replication.factor",
                "share.coordinator.state.topic.min.isr", "min.insync.replicas"):
        assert p[key] == "1", key
    assert p["group.initial.rebalance.delay.ms"] == "0"


def test_broker_accepts_the_4_mb_messages_the_posts_topic_allows(tmp_path: Path) -> None:
    from streams.core.topics import topic_specs

    s = load_settings(env={})
    p = _props(server_properties(s, tmp_path))
    biggest_topic_message = max(spec.max_message_bytes or 0 for spec in topic_specs(s))
    assert int(p["message.max.bytes"]) > biggest_topic_message
    assert int(p["replica.fetch.max.bytes"]) >= int(p["message.max.bytes"])


def test_broker_logs_go_to_a_file_in_the_state_dir(tmp_path: Path) -> None:
    xml = log4j2_config(tmp_path)
    assert f'fileName="{tmp_path / "logs" / "server.log"}"' in xml
    assert "Console" not in xml


def test_log4j_config_stays_valid_xml_for_odd_paths(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    odd = tmp_path / 'a&b "c" <d>'
    root = ET.fromstring(log4j2_config(odd))
    appender = root.find("./Appenders/RollingFile")
    assert appender is not None
    assert appender.get("fileName") == str(odd / "logs" / "server.log")


def test_cluster_ids_are_kafka_uuids() -> None:
    ids = {_new_cluster_id() for _ in range(200)}
    assert len(ids) == 200
    for cid in ids:
        assert len(cid) == 22 and not cid.startswith("-")
        assert len(base64.urlsafe_b64decode(cid + "==")) == 16


def test_kafka_version_comes_from_the_pom() -> None:
    assert kafka_version() == "4.0.1"


def test_status_without_a_pid_file_is_stopped(tmp_path: Path) -> None:
    st = local_kafka_status(load_settings(env={}, data_dir=tmp_path))
    assert not st.running and st.pid is None and not st.external


def test_a_stale_pid_file_never_gets_someone_elses_process_killed(tmp_path: Path) -> None:
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        state = tmp_path / "kafka"
        state.mkdir()
        (state / "kafka.pid").write_text(f"{bystander.pid}\n")
        s = load_settings(env={}, data_dir=tmp_path)
        assert not local_kafka_status(s).running
        assert stop_local_kafka(s) is False
        assert bystander.poll() is None  # still alive
        assert not (state / "kafka.pid").exists()
    finally:
        bystander.kill()
        bystander.wait()
