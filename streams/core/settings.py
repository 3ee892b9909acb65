"""Configuration: the only module that reads the environment.

Precedence: built-in defaults < the YAML file named by ``SUHU_CONFIG`` (or ``--config``)
< ``SUHU_*`` environment variables. Everything is validated once at start so that a
typo fails loudly with the offending key instead of surfacing at 3 a.m. on voting day.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

import yaml

from streams.core.formatting import redact_url


class ConfigError(ValueError):
    """A configuration value is missing, unknown or out of range."""


SECRET_FIELDS = frozenset(
    {
        "kafka_sasl_password",
        "pseudonym_key",
        "pagerduty_routing_key",
        "webhook_secret",
        "admin_token",
    }
)


@dataclass(frozen=True)
class Settings:
    # --- deployment -------------------------------------------------------------------
    environment: str = "development"  # development | production
    data_dir: Path = Path("var")  # worker table state, local Kafka data (when started by us)
    cache_dir: Path | None = None  # downloaded Kafka jars; None: ~/.cache/suhu (outside the source tree)
    # --- Kafka --------------------------------------------------------------------------
    kafka_bootstrap: str | None = None  # None: start/use the local broker from deploy/kafka
    kafka_local_port: int = 19092
    kafka_local_controller_port: int = 19093
    kafka_security_protocol: str = "PLAINTEXT"  # PLAINTEXT | SSL | SASL_PLAINTEXT | SASL_SSL
    kafka_sasl_mechanism: str | None = None  # PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512
    kafka_sasl_username: str | None = None
    kafka_sasl_password: str | None = None
    kafka_ssl_cafile: str | None = None
    kafka_ssl_certfile: str | None = None
    kafka_ssl_keyfile: str | None = None
    topic_prefix: str = ""  # prepended to every topic name (tests, multi-tenant clusters)
    topic_partitions: int = 8
    topic_replication_factor: int = 1  # 3 on a real cluster
    kafka_session_timeout_s: float = 15.0  # how long a crashed worker holds its partitions before failover
    scored_retention_hours: float = 72.0  # posts-scored carries text: keep it short (UU PDP)
    posts_retention_hours: float = 72.0
    alerts_retention_days: float = 400.0  # the durable record of what was alerted
    dlq_retention_days: float = 14.0
    # --- coordinated campaigns (streams/core/coordination.py) -------------------------------------
    coordination_enabled: bool = True
    coordination_window_s: int = 900  # sliding event-time window a campaign must fit its K authors in
    coordination_min_authors: int = 10  # K distinct authors
    coordination_min_words: int = 6  # content words a post needs to be fingerprinted
    coordination_reorder_s: int = 60  # posts are clustered in event-time order this far behind the newest
    coordination_max_window_posts: int = 500_000  # memory bound of the detector's window (0: unbounded)
    # --- worker -------------------------------------------------------------------------
    app_id: str = "suhu"
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    admin_token: str | None = None
    batch_size: int = 256
    batch_deadline_ms: int = 200  # no post waits longer than this for its batch to fill
    max_text_chars: int = 20_000
    max_message_bytes: int = 1_000_000
    max_future_skew_s: float = 600.0  # created_at further in the future than this is absurd
    oldest_event: str = "2000-01-01T00:00:00+00:00"
    pseudonym_key: str | None = None
    # --- models -------------------------------------------------------------------------
    model_dir: Path | None = None  # None: the committed default under models/artifacts
    transformer_dir: Path | None = None  # a local HF checkpoint: enables the transformer tier
    transformer_mode: str = "off"  # off | cascade | all
    torch_threads: int = 1
    # --- windows, thresholds, calendar ----------------------------------------------------
    window_size_s: int = 300
    window_step_s: int = 60
    window_grace_s: int = 60  # also the out-of-orderness allowed inside one input partition
    allowed_lateness_s: float = 300.0  # a late post this close to the watermark still counts in open windows
    source_idle_timeout_s: float = 30.0  # an input partition silent this long (and with no lag) stops holding the watermark
    watermark_interval_s: float = 0.25  # how often the scoring stage writes watermark records
    thresholds_file: Path | None = None  # None: deploy/thresholds.yaml defaults shipped in the package
    calendar: str = "pemilu-2024"  # a built-in calendar name or a YAML file path
    claims_startup_timeout_s: float = 30.0  # scoring waits this long at most for the claims catalogue's first read
    # --- delivery ---------------------------------------------------------------------------
    alertmanager_url: str | None = None
    alertmanager_resend_s: float = 60.0
    pagerduty_url: str = "https://events.pagerduty.com/v2/enqueue"
    pagerduty_routing_key: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    delivery_max_backoff_s: float = 60.0

    # ------------------------------------------------------------------------------------
    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def bootstrap(self) -> str:
        return self.kafka_bootstrap or f"127.0.0.1:{self.kafka_local_port}"

    def as_safe_dict(self) -> dict[str, Any]:
        """For logs and `suhu config`: secrets shown only as set/unset."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in SECRET_FIELDS:
                value = "***" if value else None
            elif f.name.endswith("_url") and value:
                value = redact_url(value)
            elif isinstance(value, Path):
                value = str(value)
            out[f.name] = value
        return out

    def kafka_python_security(self) -> dict[str, Any]:
        """Security options in kafka-python's spelling, for every client we create."""
        opts: dict[str, Any] = {"security_protocol": self.kafka_security_protocol}
        if self.kafka_sasl_mechanism:
            opts["sasl_mechanism"] = self.kafka_sasl_mechanism
            opts["sasl_plain_username"] = self.kafka_sasl_username
            opts["sasl_plain_password"] = self.kafka_sasl_password
        if self.kafka_ssl_cafile:
            opts["ssl_cafile"] = self.kafka_ssl_cafile
        if self.kafka_ssl_certfile:
            opts["ssl_certfile"] = self.kafka_ssl_certfile
        if self.kafka_ssl_keyfile:
            opts["ssl_keyfile"] = self.kafka_ssl_keyfile
        return opts


ENV_PREFIX = "SUHU_"
_CHOICES: dict[str, set[str]] = {
    "environment": {"development", "production"},
    "kafka_security_protocol": {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"},
    "transformer_mode": {"off", "cascade", "all"},
}
_POSITIVE = {
    "topic_partitions",
    "topic_replication_factor",
    "kafka_session_timeout_s",
    "batch_size",
    "batch_deadline_ms",
    "max_text_chars",
    "max_message_bytes",
    "window_size_s",
    "window_step_s",
    "scored_retention_hours",
    "posts_retention_hours",
    "alerts_retention_days",
    "dlq_retention_days",
    "torch_threads",
    "alertmanager_resend_s",
    "delivery_max_backoff_s",
    "source_idle_timeout_s",
    "watermark_interval_s",
    "coordination_window_s",
    "coordination_min_authors",
    "coordination_min_words",
    "coordination_reorder_s",
    "claims_startup_timeout_s",
}


def _coerce(name: str, raw: Any, annotation: str) -> Any:
    if raw is None or (isinstance(raw, str) and raw.strip() == "" and "None" in annotation):
        if "None" in annotation:
            return None
        raise ConfigError(f"{name}: a value is required")
    try:
        if annotation.startswith("int"):
            if isinstance(raw, bool):
                raise ValueError
            return int(raw)
        if annotation.startswith("float"):
            return float(raw)
        if annotation.startswith("Path"):
            return Path(str(raw)).expanduser()
        if annotation.startswith("bool"):
            if isinstance(raw, bool):
                return raw
            return str(raw).strip().lower() in {"1", "true", "yes", "on"}
        return str(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{name}: expected {annotation.split(' ')[0]}, got {raw!r}") from None


def load_settings(
    config_file: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build validated settings from defaults, the YAML file, the environment and overrides."""
    env = os.environ if env is None else env
    known = {f.name: str(f.type) for f in fields(Settings)}
    values: dict[str, Any] = {}

    path = config_file or env.get(f"{ENV_PREFIX}CONFIG")
    if path:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"config file {p} does not exist")
        try:
            loaded = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"config file {p} is not valid YAML: {exc}") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"config file {p} must be a mapping of settings")
        unknown = sorted(set(loaded) - set(known))
        if unknown:
            raise ConfigError(f"config file {p}: unknown setting(s) {', '.join(unknown)}")
        values.update(loaded)

    for name in known:
        key = ENV_PREFIX + name.upper()
        if key in env:
            values[name] = env[key]
    values.update({k: v for k, v in overrides.items() if v is not None})

    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"unknown setting(s) {', '.join(unknown)}")
    coerced = {name: _coerce(name, raw, known[name]) for name, raw in values.items()}
    settings = Settings(**coerced)
    validate(settings)
    return settings


def validate(s: Settings) -> None:
    for name, choices in _CHOICES.items():
        if getattr(s, name) not in choices:
            raise ConfigError(f"{name}: {getattr(s, name)!r} is not one of {sorted(choices)}")
    for name in _POSITIVE:
        if getattr(s, name) <= 0:
            raise ConfigError(f"{name}: must be > 0, got {getattr(s, name)}")
    if s.window_size_s % s.window_step_s:
        raise ConfigError("window_size_s must be a multiple of window_step_s")
    if s.window_grace_s < 0:
        raise ConfigError("window_grace_s must be >= 0")
    if s.allowed_lateness_s < 0:
        raise ConfigError("allowed_lateness_s must be >= 0")
    if s.coordination_max_window_posts < 0:
        raise ConfigError("coordination_max_window_posts must be >= 0 (0: unbounded)")
    if s.is_production and not s.pseudonym_key:
        raise ConfigError(
            "production mode needs SUHU_PSEUDONYM_KEY (the key for pseudonymising author ids, UU PDP); "
            "refusing to start without it"
        )
    if s.kafka_sasl_mechanism and not s.kafka_security_protocol.startswith("SASL"):
        raise ConfigError("kafka_sasl_mechanism is set but kafka_security_protocol is not SASL_*")
    if s.transformer_mode != "off" and s.transformer_dir is None:
        raise ConfigError("transformer_mode is cascade/all but transformer_dir is not set")
    if s.web_host not in {"127.0.0.1", "localhost", "::1"} and not s.admin_token and s.is_production:
        raise ConfigError("web_host is not loopback: set SUHU_ADMIN_TOKEN for the state-changing endpoints")


# Development key: stable across restarts so demo pseudonyms are consistent; never used in production.
DEVELOPMENT_PSEUDONYM_KEY = "suhu-development-only-key"


def pseudonym_key(s: Settings) -> bytes:
    return (s.pseudonym_key or DEVELOPMENT_PSEUDONYM_KEY).encode("utf-8")


def to_env(s: Settings) -> dict[str, str]:
    """SUHU_* variables that reproduce these settings in a child process (worker, demo, tests)."""
    env: dict[str, str] = {}
    for f in fields(s):
        value = getattr(s, f.name)
        if value is not None:
            env[ENV_PREFIX + f.name.upper()] = str(value)
    return env


def replace(s: Settings, **changes: Any) -> Settings:
    new = dataclasses.replace(s, **changes)
    validate(new)
    return new


__all__ = ["Settings", "ConfigError", "load_settings", "validate", "pseudonym_key", "replace", "to_env"]
