"""Training the group reader (models/reader.py holds what the scorer loads): data, leave-one-suite-out
cross-validation of the cap/raise levels, and the artifact section.

Data: every *development* functional suite (the tuning file, the old holdout and the dev suites written for
tuning), expanded, normalised as the scorer normalises, group-masked (models.sara.group_masked); posts that
name no group are left out (the reader never sees them). Expansions of one template over many groups collapse
to one masked text: one example each, labelled by its cases' majority. The blind suites are never read here.
Real text beside them, so the reader also knows how real posts that name a group read: the tweets of the
hate/abusive set's *train* split that name a group (label: its hate column) and the civil corpus's *train*
split (political_text_id.csv, models/offline/corpora.py) sentences that name one (civil): the fast tier's own
splits, so the test splits the card reports stay unseen. Trained on the
templates alone, the reader capped real hate (in-domain F1 0.783 -> 0.710 at the same levels): templates
do not say how a real tweet about a group reads.

The levels (lo, hi) are chosen by leave-one-suite-out: the reader is fitted on all suites but one and the
scorer with it (rules + heads, then `read_hate`) is scored on the suite left out, whose writer the reader has
not seen; the pair with the best mean accuracy over the left-out suites wins, among the pairs that pass the
suites' harmless cases at least as often on average as the rules and heads alone. Deterministic.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from models.reader import READER_FEATURES, READER_FILE, READER_VERSION, read_hate

__all__ = ["DEV_SUITES", "C", "LEVELS", "suite_rows", "fit_reader", "cross_validate", "train_group_reader"]

VALIDATION = Path(__file__).resolve().parents[1] / "validation"
DEV_SUITES = ("functional_cases", "functional_holdout", "functional_dev_v4", "functional_dev_v5",
              "functional_dev_v6", "functional_dev_v8", "functional_dev_v11", "functional_dev_v12")
C = 4.0
MIN_DF = 2
# Levels no bolder than cap < 0.25, raise > 0.9: trained with dev v12 the leave-one-suite-out choice among bolder
# ones was cap < 0.3, raise > 0.8, which read 7 of the civil review sentences in tests/unit/test_sara.py (praise,
# inclusion, news about a group) as hate; within these bounds none (reader v3).
LO_GRID = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25)
HI_GRID = (0.9, 0.95, 0.98, 1.01)  # 1.01: never raise
LEVELS = None  # chosen by cross_validate


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def suite_rows(name: str, scorer: Any) -> list[dict[str, Any]]:
    """A suite's cases with their masked text and the scorer's own labels and hate score (reader off)."""
    from models.normalize import normalize
    from models.offline.functional import load_cases
    from models.sara import group_masked

    cases = load_cases(VALIDATION / f"{name}.yaml")
    texts = [c.text for c in cases]
    scored = []
    for i in range(0, len(texts), 512):
        scored.extend(scorer.score_batch(texts[i:i + 512]))
    return [{"masked": group_masked(normalize(c.text)), "hateful": c.label == "hateful", "labels": tuple(p.labels),
             "hate": p.scores["hate"], "any_of": c.expect.any_of, "none_of": c.expect.none_of}
            for c, p in zip(cases, scored)]


def real_rows() -> list[dict[str, Any]]:
    """Group-naming real text for training: the tweets' train split and the civil corpus's train split (the
    fast tier's own splits, so its test splits stay unseen)."""
    from models.normalize import normalize
    from models.offline.corpora import read_civil_corpus
    from models.offline.evaluate import read_labelled_csv, resolve_data_path, split_indices
    from models.sara import group_masked

    tweets = read_labelled_csv(resolve_data_path(None))
    hate = tweets.signal_labels()["hate"].astype(bool)
    rows = [{"masked": group_masked(normalize(tweets.texts[i])), "hateful": bool(hate[i])}
            for i in split_indices(tweets)["train"]]
    civil, _ = read_civil_corpus()
    rows += [{"masked": group_masked(normalize(t)), "hateful": False} for t in civil["train"].texts]
    return [r for r in rows if r["masked"] is not None]


def fit_reader(rows: Sequence[dict[str, Any]]):  # type: ignore[no-untyped-def]
    """(featurizer, coef, intercept) fitted on the rows that name a group, one example per masked text."""
    from sklearn.linear_model import LogisticRegression

    from models.features import Featurizer

    votes: dict[str, list[bool]] = {}
    for r in rows:
        if r["masked"] is not None:
            votes.setdefault(r["masked"], []).append(r["hateful"])
    texts = sorted(votes)
    y = np.array([np.mean(votes[t]) >= 0.5 for t in texts])
    featurizer = Featurizer(READER_FEATURES)
    x = featurizer.fit(texts, min_df=MIN_DF)
    model = LogisticRegression(C=C, max_iter=3000, solver="liblinear").fit(x, y)
    return featurizer, model.coef_.ravel().astype(np.float64), float(model.intercept_[0])


def _met(labels: set[str], r: dict[str, Any]) -> bool:
    hit = not r["any_of"] or any(s in labels for s in r["any_of"])
    return hit and not any(s in labels for s in r["none_of"])


def suite_accuracy(rows: Sequence[dict[str, Any]], p: np.ndarray | None, lo: float, hi: float,
                   hate_threshold: float) -> float:
    """Accuracy of the scorer's labels on a suite with the reader's probabilities p (NaN: no group named)."""
    ok = 0
    for i, r in enumerate(rows):
        labels = set(r["labels"])
        if p is not None and not np.isnan(p[i]):
            labels.discard("hate")
            if read_hate(r["hate"], float(p[i]), lo, hi) >= hate_threshold:
                labels.add("hate")
        ok += _met(labels, r)
    return ok / len(rows)


def _predict(fitted, rows: Sequence[dict[str, Any]]) -> np.ndarray:  # type: ignore[no-untyped-def]
    featurizer, coef, intercept = fitted
    p = np.full(len(rows), np.nan)
    idx = [i for i, r in enumerate(rows) if r["masked"] is not None]
    if idx:
        z = np.asarray(featurizer.transform([rows[i]["masked"] for i in idx]) @ coef).ravel() + intercept
        p[idx] = 1.0 / (1.0 + np.exp(-z))
    return p


def cross_validate(data: dict[str, list[dict[str, Any]]], hate_threshold: float,
                   real: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    names = list(data)
    held_p = {}
    for held in names:
        held_p[held] = _predict(fit_reader([r for n in names if n != held for r in data[n]] + list(real)), data[held])
        _log(f"reader cv: fitted without {held}")
    rules = {n: round(suite_accuracy(data[n], None, 0, 2, hate_threshold), 4) for n in names}
    rules_nh = float(np.mean([suite_accuracy([r for r in data[n] if not r["hateful"]], None, 0, 2, hate_threshold)
                              for n in names]))
    grid = []
    for lo in LO_GRID:
        for hi in HI_GRID:
            accs = {n: round(suite_accuracy(data[n], held_p[n], lo, hi, hate_threshold), 4) for n in names}
            nh = float(np.mean([suite_accuracy([r for r in data[n] if not r["hateful"]],
                                               held_p[n][[i for i, r in enumerate(data[n]) if not r["hateful"]]],
                                               lo, hi, hate_threshold) for n in names]))
            grid.append((round(float(np.mean(list(accs.values()))), 4), lo, hi, accs, round(nh, 4)))
    # The best mean accuracy among the levels that leave harmless cases no worse off, on average, than the rules
    # and heads alone: the first levels chosen on accuracy alone (0.05 / 0.8) passed 3.6 points fewer harmless
    # dev cases and read praise in a stereotype's frame ("orang X kalau masak pasti enak") as hate.
    allowed = [g for g in grid if g[4] >= rules_nh] or grid
    best = max(allowed, key=lambda g: (g[0], -g[1], g[2]))  # ties: the gentler cap, the rarer raise
    return {"rules_alone": rules, "rules_alone_mean": round(float(np.mean(list(rules.values()))), 4),
            "rules_alone_non_hateful": round(rules_nh, 4), "best_mean": best[0], "best_non_hateful": best[4],
            "lo": best[1], "hi": best[2], "per_suite": best[3],
            "grid": [[g[0], g[1], g[2], g[4]] for g in grid]}


def train_group_reader(model_dir: Path, write: bool = True) -> dict[str, Any]:
    """Cross-validate the levels, fit on every dev suite, write group_reader.npz and config's `group_reader`."""
    from models.fast import FastModel
    from models.scorer import SuhuScorer

    fast, config = FastModel.load(Path(model_dir))
    config = {k: v for k, v in config.items() if k != "group_reader"}
    scorer = SuhuScorer(fast, config)  # rules and heads, no reader: what the reader is combined with
    data = {name: suite_rows(name, scorer) for name in DEV_SUITES}
    threshold = float(config["thresholds"]["hate"])
    real = real_rows()
    cv = cross_validate(data, threshold, real)
    _log(f"reader cv: rules alone {cv['rules_alone_mean']}, with reader {cv['best_mean']} at lo {cv['lo']} hi {cv['hi']}")
    featurizer, coef, intercept = fit_reader([r for rows in data.values() for r in rows] + real)
    section = {
        "version": READER_VERSION, "file": READER_FILE, "lo": cv["lo"], "hi": cv["hi"], "C": C, "min_df": MIN_DF,
        "features": READER_FEATURES.to_json(), "trained_on": list(DEV_SUITES),
        "real_text": {"examples": len(real), "tweets": "train split, group-naming (CC BY-NC-SA 4.0, Ibrohim & Budi 2019)",
                      "political": "civil corpus train split (political_text_id.csv), group-naming, as civil (licences per row)"},
        "examples": int(len({r["masked"] for rows in data.values() for r in rows if r["masked"] is not None})),
        "cross_validation": {k: cv[k] for k in ("rules_alone", "rules_alone_mean", "rules_alone_non_hateful", "best_mean",
                                                 "best_non_hateful", "per_suite")},
        "command": "python -m models.offline.reader_training",
    }
    if write:
        _write(Path(model_dir), featurizer, coef, intercept, section)
    return section


def _write(model_dir: Path, featurizer, coef: np.ndarray, intercept: float, section: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    from models.artifacts import read_config, write_config
    from models.fast import FAST_KIND
    from models.offline.fraud_head_training import save_npz
    from models.offline.train import refresh_card

    config = read_config(model_dir, FAST_KIND)  # verified before anything is replaced
    save_npz(model_dir / READER_FILE, kept=featurizer.kept.astype(np.int32), idf=featurizer.idf.astype(np.float32),
             coef=coef.astype(np.float32), intercept=np.array([intercept], dtype=np.float32))
    files = sorted(set(config.pop("checksums")) | {READER_FILE})
    config["group_reader"] = section
    write_config(model_dir, config, files)
    refresh_card(model_dir)


if __name__ == "__main__":
    from models.artifacts import DEFAULT_FAST_DIR

    out = train_group_reader(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FAST_DIR)
    print({k: out[k] for k in ("lo", "hi", "examples", "cross_validation")})
