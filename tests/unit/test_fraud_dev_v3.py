"""fraud_claim on the dev v3 sets and the used blind sets, written blind to the detector by other hands.

Since fraud-head-v4 (4 Dec 2026) dev v3, blind v4 and blind v5 (v6: blind v6 and v7 too) are *training data* of the fraud head
(models/fraud_head.py USED_SETS): the floors below are regression guards on in-sample numbers, not estimates. The
estimates are the out-of-fold numbers in the artifact's config (each set held out in turn) and the one run of
tests/data/fraud_blind_v8 (docs/HOAXES.md). History of dev v3 (tests/data/hoaxes/README.md):

First measured with fraud-head-v1 + lexicon v4: 18 / 317 civil election-process posts flagged (5.7 %), recall 61 / 65
(0.938). Now (fraud-head-v2 + lexicon v5, unchanged with fraud-head-v3 + lexicon v6): 5 / 317 (1.6 %), recall 60 / 65
(0.923); docs/HOAXES.md, fraud section.
These files are no longer blind: their false positives were read before lexicon v5's framing and the v2 training
posts were written (not trained on until fraud-head-v4, nothing copied; docs/HOAXES.md says what was chosen after reading them), so
these numbers are optimistic and tests/data/fraud_blind_v4 is the check. The floors below are slightly worse than
the measured numbers, so a change that makes either worse fails. They are floors, not targets: the civil target is 1 %.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.scorer import load_scorer

HOAXES = Path(__file__).resolve().parents[2] / "tests" / "data" / "hoaxes"
CIVIL = HOAXES / "dev_civil_v3.jsonl"
FRAUD = HOAXES / "dev_fraud_v3.jsonl"

MAX_CIVIL_FLAGGED = 2  # in sample 0 / 317 with fraud-head-v4 (out of fold 4; v3 5, v1 18)
MIN_FRAUD_FLAGGED = 62  # in sample 64 / 65 (out of fold 64; v3 60, v1 61)


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


# tests/data/fraud_blind_v4: blind until its one run (2 Dec 06:27 UTC: civil 12 / 336, recall 93 / 116 with
# fraud-head-v2 + lexicon v5); its errors were then read for lexicon v6, so it is a dev set now (docs/HOAXES.md).
BLIND_V4 = Path(__file__).resolve().parents[2] / "tests" / "data" / "fraud_blind_v4"
MAX_BLIND_V4_CIVIL_FLAGGED = 2  # in sample 0 / 336 with fraud-head-v4 (out of fold 1; v3 2)
MIN_BLIND_V4_FRAUD_FLAGGED = 103  # in sample 106 / 116 (out of fold 96; v3 95)


def test_blind_v4_floors() -> None:
    civil, fraud = _rows(BLIND_V4 / "civil.jsonl"), _rows(BLIND_V4 / "fraud.jsonl")
    civil_flagged, fraud_flagged = _flagged(civil), _flagged(fraud)
    assert len(civil_flagged) <= MAX_BLIND_V4_CIVIL_FLAGGED, (len(civil_flagged), len(civil), civil_flagged)
    assert len(fraud_flagged) >= MIN_BLIND_V4_FRAUD_FLAGGED, (len(fraud_flagged), len(fraud))


# tests/data/fraud_blind_v6: written blind on 4 Dec 2026, run once with fraud-head-v4 (05:16 UTC: civil 7 / 320,
# recall 96 / 115; fraud-head-v3 22 and 89); training data from fraud-head-v5 on (in sample below).
BLIND_V6 = Path(__file__).resolve().parents[2] / "tests" / "data" / "fraud_blind_v6"
MAX_BLIND_V6_CIVIL_FLAGGED = 2  # in sample 0 / 320 with fraud-head-v6 (out of fold 3)
MIN_BLIND_V6_FRAUD_FLAGGED = 106  # in sample 111 / 115 (out of fold 101)
# tests/data/fraud_blind_v7: written blind on 4 Dec 2026, run once with fraud-head-v5 (05:41 UTC: civil 5 / 336, recall
# 112 / 123; v5 was not shipped); training data from fraud-head-v6 on (in sample below).
BLIND_V7 = Path(__file__).resolve().parents[2] / "tests" / "data" / "fraud_blind_v7"
MAX_BLIND_V7_CIVIL_FLAGGED = 2  # in sample 0 / 336 with fraud-head-v6 (out of fold 3)
MIN_BLIND_V7_FRAUD_FLAGGED = 114  # in sample 119 / 123 (out of fold 112)
# tests/data/fraud_blind_v8: written blind on 4 Dec 2026, run once with fraud-head-v6 (06:00 UTC): never trained on.
BLIND_V8 = Path(__file__).resolve().parents[2] / "tests" / "data" / "fraud_blind_v8"
MAX_BLIND_V8_CIVIL_FLAGGED = 8  # measured 6 / 340 (1.8 %; target 1 %, not met; fraud-head-v4: 14)
MIN_BLIND_V8_FRAUD_FLAGGED = 96  # measured 100 / 120 (fraud-head-v4: 94)


@pytest.mark.parametrize("folder, max_civil, min_fraud", [
    (BLIND_V6, MAX_BLIND_V6_CIVIL_FLAGGED, MIN_BLIND_V6_FRAUD_FLAGGED),
    (BLIND_V7, MAX_BLIND_V7_CIVIL_FLAGGED, MIN_BLIND_V7_FRAUD_FLAGGED),
    (BLIND_V8, MAX_BLIND_V8_CIVIL_FLAGGED, MIN_BLIND_V8_FRAUD_FLAGGED),
])
def test_blind_v6_to_v8_floors(folder: Path, max_civil: int, min_fraud: int) -> None:
    civil, fraud = _rows(folder / "civil.jsonl"), _rows(folder / "fraud.jsonl")
    assert len(civil) >= 300 and len(fraud) >= 100
    civil_flagged, fraud_flagged = _flagged(civil), _flagged(fraud)
    assert len(civil_flagged) <= max_civil, (len(civil_flagged), len(civil))  # ids not printed
    assert len(fraud_flagged) >= min_fraud, (len(fraud_flagged), len(fraud))
