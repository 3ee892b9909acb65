"""Labelled data, the fixed split, and per-label precision/recall/F1/ROC AUC for any Scorer."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from models.base import Scorer

__all__ = ["LabelledData", "read_labelled_csv", "read_labelled_jsonl", "split_indices", "evaluate",
           "DEFAULT_DATA", "SPLIT_SEED", "VALIDATION_SET", "COLUMN_TO_SIGNAL"]

SPLIT_SEED = 13
DEFAULT_DATA = Path("../shared/data/id_hate_abusive_train.csv")
VALIDATION_SET = Path(__file__).resolve().parents[1] / "validation" / "provocation_fraud.jsonl"
# Written after the lexicon was tuned on VALIDATION_SET and never used for tuning: the honest estimate.
HOLDOUT_SET = Path(__file__).resolve().parents[1] / "validation" / "provocation_fraud_holdout.jsonl"
# dataset column -> suhu signal (a CSV may also use the signal names directly)
COLUMN_TO_SIGNAL = {"HS": "hate", "Abusive": "incivility"}
_EVALUATED = ("incivility", "hate", "provocation", "fraud_claim", "tension")


@dataclass(frozen=True)
class LabelledData:
    texts: list[str]
    columns: dict[str, np.ndarray]  # every 0/1 column found, by its CSV name

    def signal_labels(self) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for col, y in self.columns.items():
            name = COLUMN_TO_SIGNAL.get(col, col)
            if name in _EVALUATED:
                out[name] = y
        return out

    def subset(self, idx: Sequence[int]) -> "LabelledData":
        idx = np.asarray(idx, dtype=np.int64)
        return LabelledData([self.texts[i] for i in idx], {k: v[idx] for k, v in self.columns.items()})


def resolve_data_path(path: Path | str | None) -> Path:
    """The default CSV lives in ../shared relative to the repo root; try the cwd, then the repo."""
    if path is not None:
        return Path(path)
    candidates = [Path.cwd() / DEFAULT_DATA, Path(__file__).resolve().parents[2] / DEFAULT_DATA]
    for c in candidates:
        if c.is_file():
            return c.resolve()
    return candidates[-1]


def read_labelled_csv(path: Path | str) -> LabelledData:
    """A CSV with a text column (`Tweet` or `text`) and 0/1 label columns; malformed rows fail loudly."""
    path = Path(path)
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames or []
        text_col = "Tweet" if "Tweet" in fields else "text" if "text" in fields else None
        if text_col is None:
            raise ValueError(f"{path}: needs a `Tweet` or `text` column, found {fields}")
        label_cols = [c for c in fields if c != text_col]
        texts: list[str] = []
        values: dict[str, list[int]] = {c: [] for c in label_cols}
        for lineno, row in enumerate(reader, start=2):
            texts.append(row[text_col] or "")
            for c in label_cols:
                raw = (row.get(c) or "").strip()
                if raw not in {"0", "1"}:
                    raise ValueError(f"{path}:{lineno}: column {c} is {raw!r}, expected 0 or 1")
                values[c].append(int(raw))
    return LabelledData(texts, {c: np.asarray(v, dtype=np.int64) for c, v in values.items()})


def read_labelled_jsonl(path: Path | str) -> LabelledData:
    texts: list[str] = []
    values: dict[str, list[int]] = {}
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    keys = [k for k in ("provocation", "fraud_claim", "hate", "incivility") if all(k in r for r in rows)]
    for r in rows:
        texts.append(r["text"])
        for k in keys:
            values.setdefault(k, []).append(int(r[k]))
    return LabelledData(texts, {k: np.asarray(v, dtype=np.int64) for k, v in values.items()})


def split_indices(data: LabelledData, seed: int = SPLIT_SEED) -> dict[str, np.ndarray]:
    """70% train, 15% calibration (thresholds, hyper-parameters), 15% test (reported only)."""
    from sklearn.model_selection import train_test_split

    n = len(data.texts)
    strat = data.columns["HS"] * 2 + data.columns["Abusive"]
    idx = np.arange(n)
    train, rest = train_test_split(idx, test_size=0.3, random_state=seed, stratify=strat)
    cal, test = train_test_split(rest, test_size=0.5, random_state=seed, stratify=strat[rest])
    return {"train": np.sort(train), "calibration": np.sort(cal), "test": np.sort(test)}


def best_f1_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """The decision threshold (0.10-0.90, step 0.01) with the best F1 on (y, p), and that F1."""
    from sklearn.metrics import f1_score

    grid = np.round(np.arange(0.10, 0.901, 0.01), 2)
    f1s = [f1_score(y, p >= t) for t in grid]
    best = int(np.argmax(f1s))
    return float(grid[best]), float(f1s[best])


def metrics(y: np.ndarray, score: np.ndarray, threshold: float) -> dict[str, float | int | None]:
    from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

    pred = (score >= threshold).astype(np.int64)
    both = len(set(y.tolist())) == 2
    return {
        "precision": round(float(precision_score(y, pred, zero_division=0)), 4),
        "recall": round(float(recall_score(y, pred, zero_division=0)), 4),
        "f1": round(float(f1_score(y, pred, zero_division=0)), 4),
        "roc_auc": round(float(roc_auc_score(y, score)), 4) if both else None,
        "support": int(y.sum()),
        "n": int(len(y)),
        "threshold": float(threshold),
    }


def evaluate(scorer: Scorer, data: LabelledData, batch_size: int = 512) -> dict[str, dict[str, float | int | None]]:
    """Metrics at the scorer's own decision thresholds for every signal the data labels."""
    labels = data.signal_labels()
    if not labels:
        raise ValueError("no label column matches a signal (HS, Abusive, hate, incivility, provocation, fraud_claim)")
    scores: dict[str, list[float]] = {k: [] for k in labels}
    for start in range(0, len(data.texts), batch_size):
        for ps in scorer.score_batch(data.texts[start:start + batch_size]):
            for k in labels:
                scores[k].append(ps.scores[k])
    return {k: metrics(labels[k], np.asarray(scores[k]), scorer.thresholds[k]) for k in labels}


def format_table(results: Mapping[str, Mapping[str, object]]) -> str:
    lines = ["label         precision  recall  f1      roc_auc  support  n      threshold"]
    for k, m in results.items():
        auc = m["roc_auc"]
        lines.append(f"{k:<13} {m['precision']:<10} {m['recall']:<7} {m['f1']:<7} "
                     f"{'-' if auc is None else auc!s:<8} {m['support']:<8} {m['n']:<6} {m['threshold']}")
    return "\n".join(lines)
