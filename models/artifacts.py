"""Self-describing model directories: config.json (labels, thresholds, version, checksums) + files.

Loading fails loudly: a missing file, an unlisted file or a checksum mismatch is an ArtifactError,
never a silently different model.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

__all__ = ["ArtifactError", "sha256_file", "write_config", "read_config", "DEFAULT_FAST_DIR"]

DEFAULT_FAST_DIR = Path(__file__).resolve().parent / "artifacts" / "fast-v3"
CONFIG_NAME = "config.json"


class ArtifactError(RuntimeError):
    """A model directory is incomplete, corrupt or of an unknown format."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_config(directory: Path, config: dict[str, Any], files: list[str]) -> Path:
    """Write config.json with the checksum of every listed file (which must already exist)."""
    config = dict(config)
    config["checksums"] = {name: sha256_file(directory / name) for name in sorted(files)}
    path = directory / CONFIG_NAME
    path.write_text(json.dumps(config, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_config(directory: Path, kind: str) -> dict[str, Any]:
    """Read and verify config.json and every file it lists."""
    directory = Path(directory)
    path = directory / CONFIG_NAME
    if not path.is_file():
        raise ArtifactError(f"{path} is missing: not a suhu model directory")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"{path} is not valid JSON: {exc}") from None
    if config.get("kind") != kind:
        raise ArtifactError(f"{path}: kind is {config.get('kind')!r}, expected {kind!r}")
    checksums = config.get("checksums")
    if not isinstance(checksums, dict) or not checksums:
        raise ArtifactError(f"{path}: no checksums listed")
    for name, expected in checksums.items():
        f = directory / name
        if not f.is_file():
            raise ArtifactError(f"{directory}: {name} is missing")
        actual = sha256_file(f)
        if actual != expected:
            raise ArtifactError(f"{directory}: checksum mismatch for {name} (expected {expected[:12]}, got {actual[:12]})")
    return config
