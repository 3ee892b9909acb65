"""Deployment manifests (issue 6, "beyond one machine"): valid, and consistent with the rest of deploy/.

`docker compose config` validates the compose file with the real Compose implementation; the
Kubernetes manifests are validated against the OpenAPI schemas of a pinned Kubernetes version
(kubernetes-validate, strict: unknown fields are errors). Cross-file facts (ports, paths, setting
names) are checked here so that one edit cannot silently break another file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from streams.core.settings import ConfigError, load_settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
K8S = DEPLOY / "kubernetes"
KUBERNETES_VERSION = "1.33.0"  # the oldest minor release the manifests promise to work on
COMPOSE_ENV = {"SUHU_PSEUDONYM_KEY": "test-only-key", "GRAFANA_ADMIN_PASSWORD": "test-only-password"}


# ---- docker compose ------------------------------------------------------------------------------------------
def _compose_command() -> list[str]:
    """`docker compose` (the plugin), or a standalone Compose v2 binary; skips with what was found."""
    found = []
    if shutil.which("docker"):
        out = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, timeout=30)
        if out.returncode == 0:
            return ["docker", "compose"]
        found.append(f"`docker compose version` failed: {(out.stderr or out.stdout).strip().splitlines()[0]}")
    else:
        found.append("no docker client")
    if shutil.which("docker-compose"):
        out = subprocess.run(["docker-compose", "version"], capture_output=True, text=True, timeout=30)
        m = re.search(r"version v?(\d+)\.", out.stdout)
        if out.returncode == 0 and m and int(m.group(1)) >= 2:
            return ["docker-compose"]
        found.append(f"docker-compose is {out.stdout.splitlines()[0] if out.stdout else 'unusable'} "
                     "(v1 does not implement the Compose Specification)")
    pytest.skip("Docker Compose v2 is not installed (" + "; ".join(found) + "): install the docker-compose-plugin")


def _compose(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SUHU_", "GRAFANA_", "COMPOSE_"))}
    return subprocess.run([*_compose_command(), "-f", str(COMPOSE), *args], cwd=DEPLOY, env={**base, **env},
                          capture_output=True, text=True, timeout=60)


def test_docker_compose_config_accepts_the_compose_file():
    out = _compose(["config", "-q"], COMPOSE_ENV)
    assert out.returncode == 0, out.stderr


def test_docker_compose_refuses_to_start_without_the_pseudonym_key():
    out = _compose(["config", "-q"], {"GRAFANA_ADMIN_PASSWORD": "x"})
    assert out.returncode != 0
    assert "set SUHU_PSEUDONYM_KEY" in out.stderr


def test_docker_compose_resolves_every_bind_mount_to_a_file_in_deploy():
    out = _compose(["config", "--format", "json"], COMPOSE_ENV)
    assert out.returncode == 0, out.stderr
    import json

    config = json.loads(out.stdout)
    assert set(config["services"]) >= {"kafka", "worker-1", "worker-2", "prometheus", "alertmanager", "grafana"}
    for name, svc in config["services"].items():
        for vol in svc.get("volumes", []):
            if vol["type"] == "bind" and not vol["source"].endswith("/secrets"):
                assert Path(vol["source"]).exists(), (name, vol["source"])
    assert config["services"]["worker-1"]["build"]["context"] == str(REPO)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def _workers(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n: s for n, s in compose["services"].items() if n.startswith("worker-")}


def test_compose_worker_environment_is_valid_production_settings(compose):
    for name, svc in _workers(compose).items():
        env = {k: re.sub(r"\$\{(\w+)[:?-][^}]*\}", lambda m: COMPOSE_ENV.get(m.group(1), "pemilu-2024"), str(v))
               for k, v in svc["environment"].items()}
        settings = load_settings(env=env)  # unknown or mistyped SUHU_* names would raise here
        assert settings.is_production and settings.web_host == "127.0.0.1", name
        with pytest.raises(ConfigError, match="SUHU_PSEUDONYM_KEY"):
            load_settings(env={k: v for k, v in env.items() if k != "SUHU_PSEUDONYM_KEY"})


def test_compose_holds_no_literal_secret(compose):
    for svc in compose["services"].values():
        for key, value in (svc.get("environment") or {}).items():
            if re.search(r"KEY|SECRET|TOKEN|PASSWORD", key) and key != "SUHU_KAFKA_SASL_MECHANISM":
                assert str(value).startswith("${"), key


def test_prometheus_scrapes_exactly_the_compose_workers(compose):
    ports = sorted(int(s["environment"]["SUHU_WEB_PORT"]) for s in _workers(compose).values())
    targets = yaml.safe_load((DEPLOY / "prometheus" / "targets" / "workers.yml").read_text(encoding="utf-8"))
    scraped = sorted(int(t.rsplit(":", 1)[1]) for group in targets for t in group["targets"])
    assert ports == scraped
    assert len({s["volumes"][0].split(":")[0] for s in _workers(compose).values()}) == len(ports)  # own state


def test_every_compose_service_listens_on_loopback_only(compose):
    svcs = compose["services"]
    assert all(s.get("network_mode") == "host" and "ports" not in s for s in svcs.values())
    assert "--web.listen-address=127.0.0.1:9090" in svcs["prometheus"]["command"]
    assert "--web.listen-address=127.0.0.1:9093" in svcs["alertmanager"]["command"]
    assert "--cluster.listen-address=" in svcs["alertmanager"]["command"]
    assert svcs["grafana"]["environment"]["GF_SERVER_HTTP_ADDR"] == "127.0.0.1"
    assert svcs["grafana"]["environment"]["GF_AUTH_ANONYMOUS_ENABLED"] == "false"
    listeners = svcs["kafka"]["environment"]["KAFKA_LISTENERS"]
    assert all("://127.0.0.1:" in x for x in listeners.split(","))


def test_compose_mounts_match_the_paths_the_provisioning_files_name(compose):
    grafana = compose["services"]["grafana"]["volumes"]
    provider = yaml.safe_load((DEPLOY / "grafana/provisioning/dashboards/dashboards.yaml").read_text())
    assert f"./grafana/dashboards:{provider['providers'][0]['options']['path']}:ro" in grafana
    datasources = yaml.safe_load((DEPLOY / "grafana/provisioning/datasources/datasources.yaml").read_text())
    urls = {d["uid"]: d["url"] for d in datasources["datasources"]}
    assert urls["suhu-prometheus"].endswith(":9090") and urls["suhu-alertmanager"].endswith(":9093")
    am_config = (DEPLOY / "alertmanager/alertmanager.yml").read_text(encoding="utf-8")
    key_dirs = {str(Path(p).parent) for p in re.findall(r"routing_key_file:\s*(\S+)", am_config)}
    mounted = {v.removesuffix(":ro").rsplit(":", 1)[1] for v in compose["services"]["alertmanager"]["volumes"]}
    assert key_dirs and key_dirs <= mounted


def test_worker_image_is_slim_non_root_and_built_from_the_package_only():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert re.findall(r"^FROM (\S+)", dockerfile, re.M) == ["python:3.11-slim", "python:3.11-slim"]
    assert re.search(r"^USER 10001", dockerfile, re.M)
    assert 'ENTRYPOINT ["suhu"]' in dockerfile
    ignore = [x for x in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines() if x and x[0] != "#"]
    assert ignore[0] == "*"  # allow-list: nothing else (no .venv, no var/, no data) enters the context
    assert {x for x in ignore[1:] if x.startswith("!")} == {"!pyproject.toml", "!README.md", "!streams/", "!models/"}


# ---- Kubernetes -----------------------------------------------------------------------------------------------
def _documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


@pytest.fixture(scope="module")
def k8s() -> dict[str, dict[str, Any]]:
    """kind/name -> manifest, for every Kubernetes object under deploy/kubernetes."""
    out = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in _documents(path):
            if doc.get("kind") != "Kustomization":
                out[f"{doc['kind']}/{doc['metadata']['name']}"] = doc
    return out


def test_every_kubernetes_manifest_is_valid_for_the_pinned_version(k8s):
    import kubernetes_validate

    assert set(k8s) >= {"StatefulSet/suhu-worker", "PodDisruptionBudget/suhu-worker", "Service/suhu-worker",
                        "ConfigMap/suhu-worker-config", "Secret/suhu-worker-secrets", "NetworkPolicy/suhu-worker"}
    for name, doc in k8s.items():
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)  # raises with the path on error


def test_the_validator_rejects_a_misspelled_field(k8s):
    import kubernetes_validate

    broken = yaml.safe_load(yaml.safe_dump(k8s["StatefulSet/suhu-worker"]))
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGett"] = {"path": "/healthz"}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_kustomization_applies_everything_except_the_example_secret():
    kust = _documents(K8S / "kustomization.yaml")[0]
    listed = set(kust["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}


def _settings_env(k8s: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {**k8s["ConfigMap/suhu-worker-config"]["data"], **k8s["Secret/suhu-worker-secrets"]["stringData"]}


def test_configmap_and_secret_are_valid_production_settings(k8s):
    settings = load_settings(env=_settings_env(k8s))  # unknown SUHU_* names or bad values raise
    assert settings.is_production and settings.kafka_security_protocol == "SASL_SSL"
    secret_keys = set(k8s["Secret/suhu-worker-secrets"]["stringData"])
    assert not secret_keys & set(k8s["ConfigMap/suhu-worker-config"]["data"])
    from streams.core.settings import SECRET_FIELDS

    assert {k.removeprefix("SUHU_").lower() for k in secret_keys} <= SECRET_FIELDS
    assert not {f"SUHU_{f.upper()}" for f in SECRET_FIELDS} & set(k8s["ConfigMap/suhu-worker-config"]["data"])


def test_statefulset_wires_config_state_probes_and_the_web_port(k8s):
    env = load_settings(env=_settings_env(k8s))
    sts = k8s["StatefulSet/suhu-worker"]
    pod = sts["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert {s.get("configMapRef", s.get("secretRef"))["name"] for s in container["envFrom"]} == {
        "suhu-worker-config", "suhu-worker-secrets"}
    (port,) = container["ports"]
    assert port["containerPort"] == env.web_port
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": port["name"]}
    # Table state on a persistent volume per pod, at SUHU_DATA_DIR.
    (claim,) = sts["spec"]["volumeClaimTemplates"]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts[claim["metadata"]["name"]] == str(env.data_dir)
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["securityContext"]["runAsNonRoot"] is True
    ca_mount = next(m for m in container["volumeMounts"] if m["name"] == "kafka-ca")["mountPath"]
    assert env.kafka_ssl_cafile.startswith(ca_mount + "/")
    # More replicas than partitions would only add idle pods.
    assert sts["spec"]["replicas"] <= env.topic_partitions


def test_pdb_service_and_network_policy_select_the_worker_pods(k8s):
    labels = k8s["StatefulSet/suhu-worker"]["spec"]["template"]["metadata"]["labels"]

    def selects(selector: dict[str, str]) -> bool:
        return all(labels.get(k) == v for k, v in selector.items())

    assert selects(k8s["PodDisruptionBudget/suhu-worker"]["spec"]["selector"]["matchLabels"])
    assert k8s["PodDisruptionBudget/suhu-worker"]["spec"]["maxUnavailable"] == 1
    assert selects(k8s["Service/suhu-worker"]["spec"]["selector"])
    assert k8s["Service/suhu-worker"]["spec"]["clusterIP"] == "None"
    assert k8s["StatefulSet/suhu-worker"]["spec"]["serviceName"] == "suhu-worker"
    policy = k8s["NetworkPolicy/suhu-worker"]["spec"]
    assert selects(policy["podSelector"]["matchLabels"])
    web_port = int(k8s["ConfigMap/suhu-worker-config"]["data"]["SUHU_WEB_PORT"])
    assert [p["port"] for rule in policy["ingress"] for p in rule["ports"]] == [web_port]


# ---- names in docs and manifests ------------------------------------------------------------------------------
def test_every_suhu_variable_named_in_the_docs_and_manifests_is_a_setting():
    from dataclasses import fields

    from streams.core.settings import Settings

    known = {f"SUHU_{f.name.upper()}" for f in fields(Settings)} | {"SUHU_CONFIG"}
    files = [COMPOSE, DEPLOY / "Dockerfile", REPO / "docs" / "OPERATIONS.md", *sorted(K8S.glob("*.yaml"))]
    for path in files:
        named = set(re.findall(r"\bSUHU_[A-Z0-9_]*[A-Z0-9]\b", path.read_text(encoding="utf-8")))
        assert named <= known, (path.name, sorted(named - known))
