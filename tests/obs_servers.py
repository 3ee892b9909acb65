"""Real Prometheus and Alertmanager (Debian packages) for tests: loopback, free ports, temp config.

Each helper is a context manager that skips the test with a clear message when the binary is
absent, polls `/-/ready`, and stops the process it started (by its own pid) afterwards.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

PROMETHEUS = "prometheus"
ALERTMANAGER = "prometheus-alertmanager"  # Debian's name; upstream tarballs call it `alertmanager`


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _binary(*names: str) -> str:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip(f"{names[0]} not installed (apt-get install prometheus prometheus-alertmanager)")
    raise AssertionError  # unreachable


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/-/ready", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not ready after {timeout_s}s:\n{log.read_text()[-3000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextlib.contextmanager
def running_prometheus(workdir: Path, config_text: str, *extra_files: tuple[str, str]) -> Iterator[str]:
    """Start Prometheus with `config_text` (and files it references, as (relative path, text)); yields its URL."""
    binary = _binary(PROMETHEUS)
    workdir.mkdir(parents=True, exist_ok=True)
    for rel, text in extra_files:
        (workdir / rel).parent.mkdir(parents=True, exist_ok=True)
        (workdir / rel).write_text(text)
    (workdir / "prometheus.yml").write_text(config_text)
    port = free_port()
    with _serving(workdir / "prometheus.log", port,
                  [binary, f"--config.file={workdir / 'prometheus.yml'}", f"--storage.tsdb.path={workdir / 'tsdb'}",
                   f"--web.listen-address=127.0.0.1:{port}", "--web.enable-lifecycle"]) as url:
        yield url


@contextlib.contextmanager
def running_alertmanager(workdir: Path, config_text: str, port: int | None = None) -> Iterator[str]:
    """Start Alertmanager without HA gossip (`--cluster.listen-address=`); yields its URL."""
    binary = _binary(ALERTMANAGER, "alertmanager")
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "alertmanager.yml").write_text(config_text)
    port = port or free_port()
    with _serving(workdir / "alertmanager.log", port,
                  [binary, f"--config.file={workdir / 'alertmanager.yml'}", f"--storage.path={workdir / 'data'}",
                   f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="]) as url:
        yield url


@contextlib.contextmanager
def _serving(log: Path, port: int, argv: list[str]) -> Iterator[str]:
    """Run one server binary on loopback until it answers /-/ready; stop it on exit."""
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, proc, log)
        yield url
    finally:
        _stop(proc)


def recording_alertmanager_config(hook_port: int, group_wait: str = "1s") -> str:
    """An Alertmanager config that sends every group, fast, to a recording webhook on loopback."""
    return f"""
route:
  receiver: recorder
  group_by: [alertname, region]
  group_wait: {group_wait}
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: recorder
    webhook_configs:
      - url: http://127.0.0.1:{hook_port}/hook
        send_resolved: true
"""
