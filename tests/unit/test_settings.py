"""Settings: precedence, validation that names the key, production guards, no secrets in output."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.core.settings import ConfigError, Settings, load_settings


def _yaml(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "suhu.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_without_file_or_env() -> None:
    s = load_settings(env={})
    assert s == Settings()
    assert s.bootstrap() == "127.0.0.1:19092"


def test_env_beats_yaml_beats_defaults(tmp_path: Path) -> None:
    cfg = _yaml(tmp_path, "batch_size: 64\nwindow_grace_s: 30\ntopic_prefix: from-yaml.\n")
    s = load_settings(cfg, env={"SUHU_BATCH_SIZE": "128"})
    assert s.batch_size == 128  # env over YAML
    assert s.window_grace_s == 30  # YAML over default
    assert s.topic_prefix == "from-yaml."
    assert s.web_port == 6066  # default


def test_config_file_can_come_from_suhu_config(tmp_path: Path) -> None:
    cfg = _yaml(tmp_path, "app_id: from-env-file\n")
    assert load_settings(env={"SUHU_CONFIG": str(cfg)}).app_id == "from-env-file"


def test_unknown_yaml_key_fails_naming_it(tmp_path: Path) -> None:
    cfg = _yaml(tmp_path, "batch_sise: 64\n")
    with pytest.raises(ConfigError, match="batch_sise"):
        load_settings(cfg, env={})


def test_unknown_override_fails_naming_it() -> None:
    with pytest.raises(ConfigError, match="no_such_setting"):
        load_settings(env={}, no_such_setting=1)


@pytest.mark.parametrize(
    ("key", "raw", "name"),
    [
        ("SUHU_BATCH_SIZE", "lots", "batch_size"),
        ("SUHU_WINDOW_SIZE_S", "5m", "window_size_s"),
        ("SUHU_POSTS_RETENTION_HOURS", "three days", "posts_retention_hours"),
        ("SUHU_KAFKA_LOCAL_PORT", "", "kafka_local_port"),
    ],
)
def test_bad_env_value_fails_naming_the_setting(key: str, raw: str, name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings(env={key: raw})


def test_bad_yaml_type_fails_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="topic_partitions"):
        load_settings(_yaml(tmp_path, "topic_partitions: [1, 2]\n"), env={})


def test_non_positive_and_out_of_choice_values_are_refused() -> None:
    with pytest.raises(ConfigError, match="topic_partitions"):
        load_settings(env={"SUHU_TOPIC_PARTITIONS": "0"})
    with pytest.raises(ConfigError, match="environment"):
        load_settings(env={"SUHU_ENVIRONMENT": "prod"})


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "absent.yaml", env={})


def test_production_without_pseudonym_key_refuses_to_start() -> None:
    with pytest.raises(ConfigError, match="SUHU_PSEUDONYM_KEY"):
        load_settings(env={"SUHU_ENVIRONMENT": "production"})
    ok = load_settings(env={"SUHU_ENVIRONMENT": "production", "SUHU_PSEUDONYM_KEY": "k" * 32})
    assert ok.is_production


def test_secrets_are_masked_in_the_safe_dict() -> None:
    s = load_settings(env={
        "SUHU_PSEUDONYM_KEY": "pk-secret-value",
        "SUHU_PAGERDUTY_ROUTING_KEY": "pd-secret-value",
        "SUHU_WEBHOOK_SECRET": "wh-secret-value",
        "SUHU_ADMIN_TOKEN": "admin-secret-value",
        "SUHU_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "SUHU_KAFKA_SASL_MECHANISM": "PLAIN",
        "SUHU_KAFKA_SASL_USERNAME": "svc",
        "SUHU_KAFKA_SASL_PASSWORD": "sasl-secret-value",
    })
    safe = s.as_safe_dict()
    assert "secret-value" not in repr(safe)
    assert safe["pseudonym_key"] == "***"
    assert safe["kafka_sasl_password"] == "***"
    assert safe["webhook_url"] is None  # unset stays visibly unset
    assert safe["kafka_sasl_username"] == "svc"


def test_security_options_reach_kafka_clients_in_their_spelling() -> None:
    s = load_settings(env={"SUHU_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "SUHU_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
                           "SUHU_KAFKA_SASL_USERNAME": "u", "SUHU_KAFKA_SASL_PASSWORD": "p"})
    assert s.kafka_python_security() == {"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512",
                                         "sasl_plain_username": "u", "sasl_plain_password": "p"}


def test_configured_bootstrap_replaces_the_local_broker() -> None:
    assert load_settings(env={"SUHU_KAFKA_BOOTSTRAP": "k1:9092,k2:9092"}).bootstrap() == "k1:9092,k2:9092"
    assert load_settings(env={"SUHU_KAFKA_LOCAL_PORT": "29092"}).bootstrap() == "127.0.0.1:29092"


def test_cache_dir_is_outside_the_source_tree_by_default() -> None:
    from streams.tooling.kafka_runtime import REPO_ROOT, jar_dir

    lib = jar_dir(load_settings(env={}))
    assert REPO_ROOT not in lib.parents
    assert jar_dir(load_settings(env={"SUHU_CACHE_DIR": "/opt/cache"})).parts[:3] == ("/", "opt", "cache")
