"""fraud_claim on the dev v3 sets, written blind to the detector (2 Dec 2026; tests/data/hoaxes/README.md).

Measured with the shipped scorer (lexicon v4 + fraud head): 18 / 317 civil election-process posts flagged (5.7 %),
recall 61 / 65 on the fraud narratives (0.938); docs/HOAXES.md, fraud section. The floors below are slightly worse
than that, so a change that makes either number worse fails. They are floors, not targets: the civil target is 1 %.
Never train on these files; if a threshold or rule is chosen on them, say so in docs/HOAXES.md and move the floors.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.scorer import load_scorer

HOAXES = Path(__file__).resolve().parents[2] / "tests" / "data" / "hoaxes"
CIVIL = HOAXES / "dev_civil_v3.jsonl"
FRAUD = HOAXES / "dev_fraud_v3.jsonl"

MAX_CIVIL_FLAGGED = 20  # measured 18 / 317
MIN_FRAUD_FLAGGED = 59  # measured 61 / 65


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _flagged(rows: list[dict]) -> list[str]:
    out = load_scorer().score_batch([r["text"] for r in rows])
    return [r["id"] for r, s in zip(rows, out) if "fraud_claim" in s.labels]


def test_dev_v3_files_shape() -> None:
    civil, fraud = _rows(CIVIL), _rows(FRAUD)
    assert len(civil) >= 300 and len(fraud) >= 60
    ids = [r["id"] for r in civil + fraud]
    assert len(ids) == len(set(ids))
    assert all(r["id"].startswith("cv3-") and r["text"] and r["note"] for r in civil)
    assert all(r["id"].startswith("fv3-") and r["text"] and r["note"] and r["fraud_claim"] is True for r in fraud)
    assert not any("fraud_claim" in r for r in civil)


def test_dev_v3_civil_false_positives_floor() -> None:
    civil = _rows(CIVIL)
    flagged = _flagged(civil)
    assert len(flagged) <= MAX_CIVIL_FLAGGED, (len(flagged), len(civil), flagged)


def test_dev_v3_fraud_recall_floor() -> None:
    fraud = _rows(FRAUD)
    flagged = _flagged(fraud)
    assert len(flagged) >= MIN_FRAUD_FLAGGED, (len(flagged), len(fraud))
