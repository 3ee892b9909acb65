"""Security and privacy specifications (issue 6): what may leave a worker, and how it is protected.

Kafka clients are checked at the module boundary: the client class is replaced by a recorder, the
project's own code constructs it, and the keyword arguments it received are the specification.
"""

from __future__ import annotations

import asyncio
import logging
import os
import ssl
import subprocess
import sys
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import web
from click.testing import CliRunner

from streams.core.settings import SECRET_FIELDS, ConfigError, Settings, load_settings

REPO = Path(__file__).resolve().parents[2]

SASL_PASSWORD = "kafka-pw-Zr8pQ2"
ROUTING_KEY = "R0UT1NGKEY0123456789abcdefabcdef"
WEBHOOK_SECRET = "whsec-Jq7Vt3Lm9"
PSEUDONYM_KEY = "pseudo-key-Xy4Wz6"
ADMIN_TOKEN = "admin-tok-Hb5Kc1"
URL_TOKEN = "url-tok-Pp2Nn8"  # tokens some sites put into webhook URLs


class ClientBuilt(Exception):
    """Raised by a recording client once it has its kwargs: the code under test stops there."""


def recorder(calls: list[dict[str, Any]]) -> type:
    class Recorder:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            calls.append(kwargs)
            raise ClientBuilt

    return Recorder


@pytest.fixture(scope="module")
def ca_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway self-signed CA, so the SSL context can be shown to load the configured file."""
    d = tmp_path_factory.mktemp("ca")
    key, crt = d / "ca.key", d / "ca.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=suhu-test-ca",
         "-keyout", str(key), "-out", str(crt)],
        check=True, capture_output=True, timeout=60,
    )
    return crt


@pytest.fixture()
def sasl_ssl(ca_file: Path, tmp_path: Path) -> Settings:
    return load_settings(
        env={},
        kafka_bootstrap="kafka-1.example:9093",
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="suhu-worker",
        kafka_sasl_password=SASL_PASSWORD,
        kafka_ssl_cafile=str(ca_file),
        data_dir=tmp_path,
        app_id="suhu-security-test",
    )


def assert_sasl_ssl(kwargs: dict[str, Any], ca_file: Path) -> None:
    assert kwargs["bootstrap_servers"] == "kafka-1.example:9093"
    assert kwargs["security_protocol"] == "SASL_SSL"
    assert kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
    assert kwargs["sasl_plain_username"] == "suhu-worker"
    assert kwargs["sasl_plain_password"] == SASL_PASSWORD
    assert kwargs["ssl_cafile"] == str(ca_file)


# ---- Kafka security passes through to every client ----------------------------------------------------------
def test_produce_command_producer_gets_the_sasl_ssl_settings(monkeypatch, sasl_ssl, ca_file):
    import kafka

    from streams.tooling.producer import make_producer

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(kafka, "KafkaProducer", recorder(calls))
    with pytest.raises(ClientBuilt):
        make_producer(sasl_ssl)
    assert len(calls) == 1
    assert_sasl_ssl(calls[0], ca_file)


@pytest.mark.parametrize("entry", ["ensure_topics", "list_topics", "_admin_ready"])
def test_topic_admin_client_gets_the_sasl_ssl_settings(monkeypatch, sasl_ssl, ca_file, entry):
    import kafka.admin

    from streams.tooling import kafka_runtime

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(kafka.admin, "KafkaAdminClient", recorder(calls))
    try:
        if entry == "_admin_ready":
            kafka_runtime._admin_ready(sasl_ssl.bootstrap(), sasl_ssl)
        else:
            getattr(kafka_runtime, entry)(sasl_ssl)
    except ClientBuilt:
        pass
    assert len(calls) == 1
    assert_sasl_ssl(calls[0], ca_file)


def test_demo_alert_consumer_and_topic_cleanup_get_the_sasl_ssl_settings(monkeypatch, sasl_ssl, ca_file):
    import kafka
    import kafka.admin

    from streams.tooling import demo

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(kafka, "KafkaConsumer", recorder(calls))
    monkeypatch.setattr(kafka.admin, "KafkaAdminClient", recorder(calls))
    with pytest.raises(ClientBuilt):
        demo._watch_alerts(sasl_ssl, demo.DemoState())
    with pytest.raises(ClientBuilt):
        demo._delete_demo_topics(sasl_ssl)
    assert len(calls) == 2
    for kwargs in calls:
        assert_sasl_ssl(kwargs, ca_file)


def test_faust_clients_get_sasl_credentials_with_mechanism_user_and_the_configured_ca(sasl_ssl):
    import faust
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    from streams.runtime.app import broker_credentials, faust_app

    creds = broker_credentials(sasl_ssl)
    assert isinstance(creds, faust.SASLCredentials)
    assert creds.mechanism.value == "SCRAM-SHA-512"
    assert creds.username == "suhu-worker" and creds.password == SASL_PASSWORD
    assert isinstance(creds.ssl_context, ssl.SSLContext)
    assert creds.ssl_context.verify_mode == ssl.CERT_REQUIRED and creds.ssl_context.check_hostname
    assert [dict(x[0] for x in c["subject"])["commonName"] for c in creds.ssl_context.get_ca_certs()] == [
        "suhu-test-ca"]

    # What faust's aiokafka driver hands to its consumer, producer and admin client:
    app = faust_app(sasl_ssl)
    auth = credentials_to_aiokafka_auth(app.conf.broker_credentials)
    assert auth["security_protocol"] == "SASL_SSL"
    assert auth["sasl_mechanism"] == "SCRAM-SHA-512"
    assert auth["sasl_plain_username"] == "suhu-worker" and auth["sasl_plain_password"] == SASL_PASSWORD
    assert auth["ssl_context"] is app.conf.broker_credentials.ssl_context


def test_faust_gets_ssl_only_credentials_for_mutual_tls(ca_file, tmp_path):
    import faust

    from streams.runtime.app import broker_credentials

    cert = tmp_path / "client.crt"
    key = tmp_path / "client.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=suhu-worker", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True,
                   timeout=60)
    s = load_settings(env={}, kafka_security_protocol="SSL", kafka_ssl_cafile=str(ca_file),
                      kafka_ssl_certfile=str(cert), kafka_ssl_keyfile=str(key))
    creds = broker_credentials(s)
    assert isinstance(creds, faust.SSLCredentials)
    assert creds.protocol.value == "SSL"
    assert s.kafka_python_security() == {"security_protocol": "SSL", "ssl_cafile": str(ca_file),
                                         "ssl_certfile": str(cert), "ssl_keyfile": str(key)}


def test_plaintext_is_the_only_protocol_without_credentials():
    from streams.runtime.app import broker_credentials

    assert broker_credentials(load_settings(env={})) is None


# ---- HTTP endpoints ------------------------------------------------------------------------------------------
def test_web_server_binds_loopback_by_default(tmp_path):
    from streams.runtime.app import faust_app

    s = load_settings(env={}, data_dir=tmp_path)
    assert s.web_host == "127.0.0.1"
    conf = faust_app(s).conf
    assert conf.web_bind == "127.0.0.1" and conf.web_host == "127.0.0.1"


def test_standalone_metrics_server_binds_loopback_by_default():
    from prometheus_client import CollectorRegistry

    from streams.runtime.metrics import start_metrics_server

    server, thread = start_metrics_server(CollectorRegistry())
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_production_on_a_non_loopback_address_needs_an_admin_token():
    with pytest.raises(ConfigError, match="SUHU_ADMIN_TOKEN"):
        load_settings(env={}, environment="production", pseudonym_key=PSEUDONYM_KEY, web_host="0.0.0.0")
    assert load_settings(env={}, environment="production", pseudonym_key=PSEUDONYM_KEY, web_host="0.0.0.0",
                         admin_token=ADMIN_TOKEN).web_host == "0.0.0.0"


@pytest.fixture(scope="module")
def scorer():
    from models.scorer import load_scorer

    return load_scorer()


async def test_the_worker_web_server_has_no_state_changing_endpoints(scorer, tmp_path):
    """There is no admin endpoint: every route is read-only and writes are refused with 405/404."""
    from aiohttp.test_utils import TestClient, TestServer

    from streams.runtime.app import create_worker

    settings = load_settings(env={}, data_dir=tmp_path, app_id="suhu-web-test")
    worker = create_worker(settings, scorer=scorer)
    worker.app.web.init_server()  # mounts the blueprints the running worker would mount
    aio_app = worker.app.web.web_app
    routes = {(r.method, r.resource.canonical) for r in aio_app.router.routes()}
    assert {p for _, p in routes} == {"/", "/metrics", "/healthz"}
    assert {m for m, _ in routes} <= {"GET", "HEAD"}

    async with TestClient(TestServer(aio_app)) as client:
        before = await (await client.get("/metrics")).read()
        for path in ["/", "/metrics", "/healthz", "/table/contributions", "/router", "/graph", "/admin"]:
            for method in ["POST", "PUT", "PATCH", "DELETE"]:
                resp = await client.request(method, path, data=b'{"status": "resolved"}')
                assert resp.status in (404, 405), (method, path, resp.status)
        after = await (await client.get("/metrics")).read()
        health = await (await client.get("/healthz")).json()
    assert before == after
    assert health == {"status": "ok", "model_version": scorer.version}


# ---- pseudonymisation key ----------------------------------------------------------------------------------
def test_production_mode_without_a_pseudonym_key_refuses_with_a_clear_message():
    with pytest.raises(ConfigError) as err:
        load_settings(env={"SUHU_ENVIRONMENT": "production"})
    assert "production mode needs SUHU_PSEUDONYM_KEY" in str(err.value)
    assert "refusing to start" in str(err.value)


def test_suhu_worker_in_production_without_a_key_exits_before_connecting():
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUHU_")}
    # A bootstrap nobody listens on: the worker must refuse before it ever tries it.
    env.update(SUHU_ENVIRONMENT="production", SUHU_KAFKA_BOOTSTRAP="127.0.0.1:9")
    out = subprocess.run([sys.executable, "-m", "streams.cli", "worker"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode != 0
    assert "production mode needs SUHU_PSEUDONYM_KEY" in out.stderr
    assert "Traceback" not in out.stderr
    assert "127.0.0.1:9" not in out.stderr + out.stdout  # never got as far as Kafka


def test_author_ids_are_keyed_hashes_that_change_with_the_key():
    from streams.core.contract import Pseudonymizer

    a = Pseudonymizer(b"key-one")("x", "akunasli-1")
    b = Pseudonymizer(b"key-two")("x", "akunasli-1")
    assert a != b and "akunasli" not in a and "akunasli" not in b
    assert a == Pseudonymizer(b"key-one")("x", "akunasli-1")  # stable, so windows can count authors


# ---- secrets ----------------------------------------------------------------------------------------------
ALL_SECRETS = {
    "SUHU_KAFKA_SASL_PASSWORD": SASL_PASSWORD,
    "SUHU_PSEUDONYM_KEY": PSEUDONYM_KEY,
    "SUHU_PAGERDUTY_ROUTING_KEY": ROUTING_KEY,
    "SUHU_WEBHOOK_SECRET": WEBHOOK_SECRET,
    "SUHU_ADMIN_TOKEN": ADMIN_TOKEN,
}


def test_every_secret_looking_setting_is_masked():
    looks_secret = {f.name for f in fields(Settings)
                    if any(w in f.name for w in ("password", "secret", "token", "routing_key", "pseudonym_key"))}
    assert looks_secret <= SECRET_FIELDS
    assert {k.removeprefix("SUHU_").lower() for k in ALL_SECRETS} == SECRET_FIELDS


def test_safe_dict_and_suhu_config_never_show_a_secret():
    from streams.cli import cli

    env = dict(ALL_SECRETS, SUHU_ENVIRONMENT="production", SUHU_KAFKA_SECURITY_PROTOCOL="SASL_SSL",
               SUHU_KAFKA_SASL_MECHANISM="PLAIN", SUHU_KAFKA_SASL_USERNAME="suhu-worker",
               SUHU_WEBHOOK_URL=f"https://ops.example/hook?token={URL_TOKEN}",
               SUHU_ALERTMANAGER_URL=f"https://am:{URL_TOKEN}@am-1.example:9093,https://am-2.example:9093")
    safe = load_settings(env=env).as_safe_dict()
    assert all(safe[name] == "***" for name in SECRET_FIELDS)
    result = CliRunner().invoke(cli, ["config"], env={**{k: None for k in os.environ if k.startswith("SUHU_")},
                                                       **env}, obj={})
    assert result.exit_code == 0, result.output
    shown = orjson.loads(result.output)
    assert shown["kafka_sasl_username"] == "suhu-worker"  # non-secrets are shown
    assert shown["webhook_url"] == "https://ops.example/hook?***"
    assert shown["alertmanager_url"] == "https://am-1.example:9093?***,https://am-2.example:9093"
    for value in [*ALL_SECRETS.values(), URL_TOKEN]:
        assert value not in result.output


# ---- no raw text or author ids in logs ----------------------------------------------------------------------
ABUSE = ["dasar kafir bodoh, usir saja mereka dari sini", "anjing kau pendukung curang, goblok semua",
         "bangsat, bakar saja kantor mereka", "kafir tolol tidak tahu diri, pergi kau"]
CIVIL = ["selamat pagi, jangan lupa datang ke TPS ya", "antrean di TPS cukup tertib hari ini",
         "semoga pemilu berjalan damai dan lancar", "terima kasih petugas KPPS atas kerja kerasnya"]
TEXT_MARK = "teksrahasia"
AUTHOR_MARK = "akunasli"


def marked_posts() -> list[bytes]:
    """A voting-day hour in Jawa Barat with a 20-minute abusive burst, plus invalid messages."""
    t0 = datetime(2024, 2, 14, 2, 0, tzinfo=timezone.utc).timestamp()
    out = []
    for m in range(60):
        for k in range(20):
            i = m * 20 + k
            bad = 25 <= m < 45 and k % 4 != 0
            text = f"{(ABUSE if bad else CIVIL)[i % 4]} {TEXT_MARK}{i}"
            ts = datetime.fromtimestamp(t0 + m * 60 + k * 2.5, tz=timezone.utc).isoformat()
            out.append(orjson.dumps({"id": f"p{i}", "text": text, "created_at": ts, "platform": "x",
                                     "region": "Jawa Barat", "author_id": f"{AUTHOR_MARK}-{i % 150}"}))
    # Rejected inputs carry the marks too: rejection details must not echo them.
    out += [
        orjson.dumps({"id": "bad-ts", "text": f"{TEXT_MARK} waktu", "created_at": "kemarin",
                      "author_id": f"{AUTHOR_MARK}-x"}),
        orjson.dumps({"id": "long", "text": f"{TEXT_MARK} " * 5000, "created_at": "2024-02-14T09:00:00+07:00",
                      "author_id": f"{AUTHOR_MARK}-y"}),
        f'{{"id": "broken", "text": "{TEXT_MARK}'.encode(),
        orjson.dumps([TEXT_MARK, AUTHOR_MARK]),
    ]
    return out


def test_pipeline_and_engine_log_neither_post_text_nor_author_ids(scorer, caplog):
    from streams.core.engine import RegionalEngine
    from streams.core.pipeline import PostProcessor

    settings = load_settings(env={}, pseudonym_key=PSEUDONYM_KEY)
    caplog.set_level(logging.DEBUG)
    processor = PostProcessor.from_settings(settings, scorer)
    engine = RegionalEngine.from_settings(settings, scorer.thresholds, contributions={}, state={})
    posts = marked_posts()
    result = processor.process(posts)
    alerts = [a for _, sp in result.scored for a in engine.process(sp, 0)]
    engine.rebuild()  # the restart path logs too, if anything does

    assert len(result.scored) == 1200 and len(result.rejected) == 4
    assert any(a.status == "firing" for a in alerts)  # the alerting path ran
    for record in caplog.records:
        line = record.getMessage() + (record.exc_text or "")
        assert TEXT_MARK not in line and AUTHOR_MARK not in line, record.name
    for _, rejection in result.rejected:  # DLQ headers are read by operators
        assert TEXT_MARK not in rejection.detail and AUTHOR_MARK not in rejection.detail
    # Published records: posts-scored carries text by design (short retention), never the raw author id.
    for _, sp in result.scored:
        assert AUTHOR_MARK not in sp.to_json().decode()
    for alert in alerts:
        assert TEXT_MARK not in alert.to_json().decode() and AUTHOR_MARK not in alert.to_json().decode()


# ---- retention -------------------------------------------------------------------------------------------
def test_scored_posts_retention_comes_from_the_setting():
    from streams.core.topics import POSTS_SCORED, topic_specs

    s = load_settings(env={"SUHU_SCORED_RETENTION_HOURS": "6"})
    spec = next(t for t in topic_specs(s) if t.name == s.topic(POSTS_SCORED))
    assert spec.config()["retention.ms"] == str(6 * 3_600_000)
    assert spec.config()["cleanup.policy"] == "delete"  # bounded: compaction would keep the last text per key


def test_unbounded_scored_retention_is_refused():
    with pytest.raises(ConfigError, match="scored_retention_hours"):
        load_settings(env={"SUHU_SCORED_RETENTION_HOURS": "-1"})


# ---- delivery never leaks a routing key or webhook secret ----------------------------------------------------
async def _serve(statuses: list[int]) -> tuple[web.AppRunner, str]:
    async def handler(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=statuses.pop(0) if statuses else 202)

    app = web.Application()
    app.router.add_post("/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)  # the receiver's own log is not ours to check
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


async def test_delivery_errors_and_logs_hide_the_routing_key_and_webhook_secret(caplog):
    from streams.outputs.delivery import (
        DeliveryError,
        PagerDutyDestination,
        WebhookDestination,
        deliver_with_retry,
    )
    from streams.core.records import Alert

    from .test_delivery import make_alert

    caplog.set_level(logging.DEBUG)
    alert: Alert = make_alert()
    runner, base = await _serve([503, 429, 400, 500, 202, 401, 401])

    async def no_sleep(_: float) -> None:
        return None

    errors: list[str] = []
    pd = PagerDutyDestination(base + "/v2/enqueue", ROUTING_KEY)
    hook = WebhookDestination(base + f"/hook?token={WEBHOOK_SECRET}", WEBHOOK_SECRET)
    closed = WebhookDestination(f"http://suhu:{WEBHOOK_SECRET}@127.0.0.1:9/hook?routing_key={ROUTING_KEY}",
                                WEBHOOK_SECRET, timeout_s=2)
    try:
        outcomes = [await deliver_with_retry(alert, pd, sleep=no_sleep),
                    await deliver_with_retry(alert, hook, sleep=no_sleep)]
        for dest in (pd, hook, closed):
            try:
                await dest.send(alert)
            except DeliveryError as exc:
                errors.append(f"{exc} {exc!r} {exc.reason}")
    finally:
        for d in (pd, hook, closed):
            await d.close()
        await runner.cleanup()
    assert outcomes == ["failed", "delivered"]  # 503, 429 retried, 400 permanent; 500 retried, 202
    assert len(errors) == 3  # two 401s and the closed port
    text = "\n".join(errors + [r.getMessage() + (r.exc_text or "") for r in caplog.records]
                     + [repr(pd), repr(hook), repr(closed)])
    assert "HTTP 503" in text and "HTTP 400" in text  # the logs say what happened...
    assert ROUTING_KEY not in text and WEBHOOK_SECRET not in text  # ...and nothing that grants access
