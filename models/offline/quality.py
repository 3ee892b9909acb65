"""Every quality number the model card and `suhu evaluate` report, computed in one place.

- in-domain: the tweets' held-out test split (and calibration, which chose the thresholds);
- the frozen, hand-written political set (`models/validation/political_civility.jsonl`, written
  before fast-v3 was tuned): false-positive rates on civil posts that name an entity vs those that
  do not, and P/R/F1 on the uncivil/hateful ones;
- the civil political corpus' test part (real sentences, unlabelled for hate, insult-filtered);
- unintended-bias AUCs per entity type (models/offline/bias.py);
- the functional suite (models/offline/functional.py, HateCheck method);
- the provocation/fraud lexicon sets.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from models.base import Scorer
from models.offline.bias import false_positive_rates, mentions_of, subgroup_aucs
from models.entities import ENTITY_TYPES as ENTITY_SUBGROUPS
from models.offline.evaluate import HOLDOUT_SET, VALIDATION_SET, LabelledData, evaluate, metrics, read_labelled_jsonl
from models.normalize import normalize

__all__ = ["POLITICAL_SET", "quality_report", "political_report", "bias_report", "civil_corpus_report",
           "ENTITY_SUBGROUPS", "read_political_set", "political_as_labelled"]

POLITICAL_SET = Path(__file__).resolve().parents[1] / "validation" / "political_civility.jsonl"
# Templates written blind to the rules, by another hand, after the first suite had been used for tuning.
FUNCTIONAL_HOLDOUT = Path(__file__).resolve().parents[1] / "validation" / "functional_holdout.yaml"
_SIGNALS = ("hate", "incivility", "provocation")


def read_political_set(path: Path | str = POLITICAL_SET) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _score(scorer: Scorer, texts: list[str]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    scores: dict[str, list[float]] = {s: [] for s in _SIGNALS}
    labels: dict[str, list[bool]] = {s: [] for s in _SIGNALS}
    for start in range(0, len(texts), 512):
        for ps in scorer.score_batch(texts[start:start + 512]):
            for s in _SIGNALS:
                scores[s].append(ps.scores[s])
                labels[s].append(s in ps.labels)
    return ({s: np.asarray(v) for s, v in scores.items()}, {s: np.asarray(v, dtype=bool) for s, v in labels.items()})


def political_report(scorer: Scorer, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """FPR on civil posts (names vs none) and P/R/F1 per signal on the frozen political set."""
    texts = [r["text"] for r in rows]
    scores, labels = _score(scorer, texts)
    masked = [normalize(t) for t in texts]
    names = mentions_of(masked, ENTITY_SUBGROUPS)["any_entity"]
    civil = np.array([r["hate"] == 0 and r["incivility"] == 0 and r["provocation"] == 0 for r in rows])
    out: dict[str, Any] = {"n": len(rows), "civil": int(civil.sum()), "uncivil_or_hateful": int((~civil).sum())}
    for s in _SIGNALS:
        y = np.array([int(r[s]) for r in rows])
        fpr = false_positive_rates(np.zeros(int(civil.sum()), dtype=np.int64), labels[s][civil], names[civil])
        out[s] = {"civil_fpr": fpr, "metrics": metrics(y, scores[s], scorer.thresholds[s])}
    kinds: dict[str, list[bool]] = {}
    for r, i in zip(rows, range(len(rows))):
        expected = {s: bool(r[s]) for s in _SIGNALS}
        ok = all(labels[s][i] == expected[s] for s in ("hate", "provocation")) and (
            expected["hate"] or expected["incivility"] or expected["provocation"] or not labels["incivility"][i])
        kinds.setdefault(r.get("kind", ""), []).append(ok)
    out["by_kind"] = {k: {"n": len(v), "correct": round(sum(v) / len(v), 4)} for k, v in sorted(kinds.items())}
    return out


def civil_corpus_report(scorer: Scorer, civil: LabelledData) -> dict[str, Any]:
    """FPR on the civil political corpus' test part (names vs none)."""
    _, labels = _score(scorer, civil.texts)
    names = mentions_of([normalize(t) for t in civil.texts], ENTITY_SUBGROUPS)["any_entity"]
    y = np.zeros(len(civil.texts), dtype=np.int64)
    return {s: false_positive_rates(y, labels[s], names) for s in ("hate", "incivility")}


def bias_report(scorer: Scorer, data: LabelledData) -> dict[str, Any]:
    """Borkan et al.'s subgroup, BPSN and BNSP AUCs of `hate` per entity type."""
    labels = data.signal_labels()
    y = labels["hate"]
    scores, _ = _score(scorer, data.texts)
    groups = mentions_of([normalize(t) for t in data.texts], ENTITY_SUBGROUPS)
    return subgroup_aucs(y, scores["hate"], groups)


def political_as_labelled(rows: list[dict[str, Any]]) -> LabelledData:
    return LabelledData([r["text"] for r in rows], {s: np.array([int(r[s]) for r in rows]) for s in _SIGNALS})


def quality_report(scorer: Scorer, test: LabelledData, calibration: LabelledData,
                   civil_test: LabelledData | None) -> dict[str, Any]:
    """All card numbers; every part that needs data which is absent is left out, not faked."""
    from models.offline.corpora import concat_signals

    out: dict[str, Any] = {"metrics_test": evaluate(scorer, test), "metrics_calibration": evaluate(scorer, calibration)}
    if VALIDATION_SET.is_file():
        out["metrics_lexicon_validation"] = evaluate(scorer, read_labelled_jsonl(VALIDATION_SET))
    if HOLDOUT_SET.is_file():
        out["metrics_lexicon_holdout"] = evaluate(scorer, read_labelled_jsonl(HOLDOUT_SET))
    if POLITICAL_SET.is_file():
        rows = read_political_set()
        out["political_validation"] = political_report(scorer, rows)
        out["bias"] = bias_report(scorer, concat_signals(test, political_as_labelled(rows)))
    if civil_test is not None:
        out["civil_corpus_test"] = civil_corpus_report(scorer, civil_test)
    try:
        from models.offline.functional import load_cases, run_suite
    except ImportError:
        return out
    out["functional"] = run_suite(scorer, load_cases()).to_dict()
    if FUNCTIONAL_HOLDOUT.is_file():
        out["functional_holdout"] = run_suite(scorer, load_cases(FUNCTIONAL_HOLDOUT)).to_dict()
    return out
