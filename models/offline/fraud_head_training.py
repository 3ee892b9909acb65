"""Training the `fraud` head (models/fraud_head.py holds what the scorer loads): data, cross-validation of C
and the threshold, and the artifact file. Run by `suhu train --fraud-head`.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from models.fraud_head import (C_GRID, COMBINATION, DECISION, FOLDS, FRAUD_HEAD_FILE, FRAUD_HEAD_VERSION,
                               MAX_CIVIL_FPR, MAX_POLITICAL_FPR, MEASURED, N_TWEETS, POLITICAL_WEIGHT, SEED,
                               THRESHOLD_GRID, TRAIN_SET, TWEET_WEIGHT, UNFITTED_WRITERS, USED_SETS, VETO_GRID,
                               framing_damps, political_half)
from models.normalize import normalize

__all__ = ["train_fraud_head", "head_scores", "save_npz"]


def _read_jsonl(path: Path) -> list[dict]:  # type: ignore[type-arg]
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def training_rows(political_csv: Path | None, tweets_csv: Path | None,
                  log: Callable[[str], None] = print) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, dict]:  # type: ignore[type-arg]
    """texts, labels, sample weights, fold ids, counts. Fold ids: the training file's rows by sitting (FOLDS folds),
    each used set its own fold after those, the real sentences and tweets by hash (into the first FOLDS).
    The hand-written rows (training file, then the used sets) come first: counts["hand_written"] of them."""
    from models.signals import fraud_claim_score

    rows = _read_jsonl(TRAIN_SET)
    sittings = sorted({r["sitting"] for r in rows})
    fold_of_sitting = {s: i % FOLDS for i, s in enumerate(sittings)}
    texts = [r["text"] for r in rows]
    y = [int(r["fraud_claim"]) for r in rows]
    w = [1.0] * len(rows)
    folds = [fold_of_sitting[r["sitting"]] for r in rows]
    counts = {"training_file": len(rows), "training_file_fraud": sum(y), "sittings": len(sittings)}
    for j, (name, (fraud_path, civil_path)) in enumerate(sorted(USED_SETS.items())):
        labelled = [(r["text"], int(bool(r.get("fraud_claim", True)))) for r in _read_jsonl(fraud_path)]
        if civil_path is not None:
            labelled += [(r["text"], 0) for r in _read_jsonl(civil_path)]
        texts += [t for t, _ in labelled]
        y += [label for _, label in labelled]
        w += [1.0] * len(labelled)
        folds += [FOLDS + j] * len(labelled)
        counts[f"used_{name}"] = f"{sum(label for _, label in labelled)} fraud / {sum(1 - label for _, label in labelled)} civil"
    counts.update(hand_written=len(texts), hand_written_fraud=sum(y))
    if political_csv is not None and political_csv.is_file():
        with political_csv.open(encoding="utf-8", newline="") as f:
            pol = [r["text"] for r in csv.DictReader(f) if (r.get("text") or "").strip()]
        half0 = [t for t in pol if political_half(t) == 0]
        # Sentences the lexicon itself flags may well push a fraud claim (2014 blog posts): not used as negatives.
        kept = [t for t in half0 if fraud_claim_score(normalize(t)) < 0.5]
        texts += kept
        y += [0] * len(kept)
        w += [POLITICAL_WEIGHT] * len(kept)
        folds += [hashlib.md5(t.encode()).digest()[1] % FOLDS for t in kept]
        counts.update(political_half0=len(half0), political_used=len(kept), political_half1=len(pol) - len(half0))
        log(f"political_text_id: half 0 {len(half0)} sentences, {len(kept)} used as negatives "
            f"({len(half0) - len(kept)} flagged by the lexicon left out); half 1 {len(pol) - len(half0)} held out")
    if tweets_csv is not None and tweets_csv.is_file():
        with tweets_csv.open(encoding="latin-1", newline="") as f:
            tw = [r["Tweet"] for r in csv.DictReader(f) if (r.get("Tweet") or "").strip()]
        clean = [t for t in tw if fraud_claim_score(normalize(t)) == 0.0 and "curang" not in t.lower()]
        rng = np.random.default_rng(SEED)
        pick = [clean[i] for i in sorted(rng.choice(len(clean), size=min(N_TWEETS, len(clean)), replace=False))]
        texts += pick
        y += [0] * len(pick)
        w += [TWEET_WEIGHT] * len(pick)
        folds += [hashlib.md5(t.encode("utf-8", "replace")).digest()[1] % FOLDS for t in pick]
        counts.update(tweets_pool=len(clean), tweets_used=len(pick))
        log(f"tweets: {len(pick)} of {len(clean)} with no fraud vocabulary, as negatives")
    return texts, np.array(y), np.array(w), np.array(folds), counts


def _combined(lex: np.ndarray, damp: np.ndarray, p: np.ndarray, t: float, veto: float = 0.0) -> np.ndarray:
    """`combine_fraud` over arrays (the same rule: the veto first, then the mapped and damped head where it flags)."""
    from models.fraud_head import REPORTING_FACTOR

    a = p * (1.0 - t)
    head = np.where(p >= t, np.where(p > 0, a / (a + t * (1.0 - p)), 0.0) * damp, 0.0)
    vetoed = (p < veto) & (lex >= DECISION)
    return np.where(vetoed, lex * REPORTING_FACTOR, np.maximum(lex, head))


def choose_threshold(y_hand: np.ndarray, lex_hand: np.ndarray, damp_hand: np.ndarray, p_hand: np.ndarray,
                     lex_pol: np.ndarray, damp_pol: np.ndarray, p_pol: np.ndarray,
                     writers: Sequence[np.ndarray] = ()) -> tuple[float, dict]:  # type: ignore[type-arg]
    """The threshold and veto, on out-of-fold scores of the *combined* signal: the highest recall on the
    hand-written fraud posts such that the combined signal flags at most MAX_CIVIL_FPR of the hand-written civil
    posts, the mean over ``writers`` (masks of the hand-written rows, one per unfitted writer) of each one's civil
    rate too, and the political half-0 FPR stays <= MAX_POLITICAL_FPR (ties: fewer civil flags, then the higher
    threshold, then the smaller veto). Compared unrounded; reported rounded."""
    pos, neg = y_hand == 1, y_hand == 0
    lex_fpr = float((lex_hand[neg] >= DECISION).mean())
    best: tuple[tuple[float, float, float, float], dict] | None = None  # type: ignore[type-arg]
    for t in THRESHOLD_GRID:
        for veto in VETO_GRID:
            f = _combined(lex_hand, damp_hand, p_hand, t, veto) >= DECISION
            fp = _combined(lex_pol, damp_pol, p_pol, t, veto) >= DECISION
            recall, civil = float(f[pos].mean()), float(f[neg].mean())
            political = float(fp.mean()) if len(fp) else 0.0
            per_writer = float(np.mean([f[w & neg].mean() for w in writers])) if len(writers) else civil
            if civil > MAX_CIVIL_FPR + 1e-9 or per_writer > MAX_CIVIL_FPR + 1e-9 or political > MAX_POLITICAL_FPR + 1e-9:
                continue
            m = {"threshold": t, "veto": veto, "recall": round(recall, 4), "civil_fpr": round(civil, 4),
                 "lexicon_recall": round(float((lex_hand[pos] >= DECISION).mean()), 4),
                 "lexicon_civil_fpr": round(lex_fpr, 4), "political_fpr": round(political, 4),
                 "unfitted_writers_mean_civil_fpr": round(per_writer, 4)}
            key = (recall, -civil, t, -veto)
            if best is None or key > best[0]:
                best = (key, m)
    assert best is not None, "no threshold and veto meet the false-positive limits"
    return best[1]["threshold"], best[1]


def train_fraud_head(model_dir: Path, political_csv: Path | None, tweets_csv: Path | None,
                     log: Callable[[str], None] = print, write: bool = True) -> dict:  # type: ignore[type-arg]
    """Fit the head on the artifact's own features, choose C and threshold by CV, write fraud_head.npz and the
    config's `fraud_head` section (other files untouched), re-render the card."""
    from models.fast import FastModel
    from models.offline.train import _fit_head

    fast, _ = FastModel.load(model_dir)
    texts, y, w, folds, counts = training_rows(political_csv, tweets_csv, log)
    x = fast.featurizer.transform([normalize(t) for t in texts])
    n_hand = counts["hand_written"]
    n_pol = counts.get("political_used", 0)
    from models.signals import REPORTING_FACTOR, fraud_claim_score

    normalized = [normalize(t) for t in texts[:n_hand + n_pol]]
    lex = np.array([fraud_claim_score(t) for t in normalized])
    damp = np.array([REPORTING_FACTOR if framing_damps(t) else 1.0 for t in normalized])
    hand, pol = slice(0, n_hand), slice(n_hand, n_hand + n_pol)
    cv: dict[str, dict] = {}  # type: ignore[type-arg]
    oof: dict[float, np.ndarray] = {}
    names = sorted(USED_SETS)
    writers = [folds[hand] == FOLDS + names.index(name) for name in UNFITTED_WRITERS]
    for c in C_GRID:
        z = np.zeros(len(y))
        for k in range(FOLDS + len(USED_SETS)):
            fit, held = folds != k, folds == k
            coef, b = _fit_head(x[fit], y[fit], c, SEED, w[fit])
            z[held] = x[held] @ coef + b
        p = oof[c] = 1.0 / (1.0 + np.exp(-z))
        t, m = choose_threshold(y[hand], lex[hand], damp[hand], p[hand], lex[pol], damp[pol], p[pol], writers)
        cv[str(c)] = m
        log(f"  C={c}: threshold {t}, veto {m['veto']}: out-of-fold recall {m['recall']} (lexicon alone {m['lexicon_recall']}), "
            f"hand-written civil FPR {m['civil_fpr']} (lexicon {m['lexicon_civil_fpr']}), mean over the unfitted writers "
            f"{m['unfitted_writers_mean_civil_fpr']}, political half-0 {m['political_fpr']}")
    c_best = max(C_GRID, key=lambda c: (cv[str(c)]["recall"], -cv[str(c)]["civil_fpr"], -c))
    threshold, veto = cv[str(c_best)]["threshold"], cv[str(c_best)]["veto"]
    # Out of fold, per used set (each was one fold: the head had not seen that writer): what the report quotes.
    flags = _combined(lex[hand], damp[hand], oof[c_best][hand], threshold, veto) >= DECISION
    lexicon_flags = lex[hand] >= DECISION
    per_set = {}
    for j, name in enumerate(sorted(USED_SETS)):
        in_set = folds[hand] == FOLDS + j
        pos, neg = in_set & (y[hand] == 1), in_set & (y[hand] == 0)
        per_set[name] = {"fraud": int(pos.sum()), "recalled": int(flags[pos].sum()), "civil": int(neg.sum()),
                         "civil_flagged": int(flags[neg].sum()), "lexicon_recalled": int(lexicon_flags[pos].sum()),
                         "lexicon_civil_flagged": int(lexicon_flags[neg].sum())}
        log(f"  out of fold, {name}: recall {per_set[name]['recalled']}/{per_set[name]['fraud']}, civil flagged "
            f"{per_set[name]['civil_flagged']}/{per_set[name]['civil']} (lexicon alone "
            f"{per_set[name]['lexicon_recalled']}, {per_set[name]['lexicon_civil_flagged']})")
    coef, b = _fit_head(x, y, c_best, SEED, w)
    coef32, b32 = coef.astype(np.float32), np.array([b], dtype=np.float32)
    section = {
        "version": FRAUD_HEAD_VERSION, "file": FRAUD_HEAD_FILE, "c": c_best, "threshold": threshold, "veto": veto,
        "combination": COMBINATION, "cv": cv, "out_of_fold_per_used_set": per_set,
        "cv_folds": (f"{FOLDS + len(USED_SETS)} folds: the training file's posts grouped by sitting into {FOLDS}, "
                     f"each used set one fold"),
        "threshold_rule": (f"threshold and veto: highest out-of-fold recall of the combined signal on the hand-written "
                           f"fraud posts with at most {MAX_CIVIL_FPR:.0%} of the hand-written civil posts flagged, at most "
                           f"{MAX_CIVIL_FPR:.0%} on average over the writers no lexicon rule was written from "
                           f"({', '.join(UNFITTED_WRITERS)}), and political half-0 FPR <= {MAX_POLITICAL_FPR:.1%}"),
        "weights": {"hand_written": 1.0, "political": POLITICAL_WEIGHT, "tweets": TWEET_WEIGHT},
        "data": {**counts, "hand_written_file": "models/validation/fraud_train.jsonl",
                 "used_sets": {k: [str(f.relative_to(TRAIN_SET.parents[2])) for f in v if f is not None]
                               for k, v in sorted(USED_SETS.items())},
                 "used_sets": {k: [str(f.relative_to(TRAIN_SET.parents[2])) for f in v if f is not None]
                               for k, v in sorted(USED_SETS.items())},
                 "political_licences": "idner-news-2k MIT; IndoNLU SmSA Apache-2.0; id-stance-kompasiana CC BY-NC-SA 4.0",
                 "tweets_licence": "CC BY-NC-SA 4.0 (Ibrohim & Budi 2019)"},
        "command": "suhu train --fraud-head",
        "measured": MEASURED,
    }
    log(f"fraud head: C={c_best}, threshold {threshold}, {int((coef32 != 0).sum())} non-zero weights")
    if write:
        _write(Path(model_dir), coef32, b32, section)
    return section


def _write(model_dir: Path, coef: np.ndarray, intercept: np.ndarray, section: dict) -> None:  # type: ignore[type-arg]
    from models.artifacts import read_config, write_config
    from models.fast import FAST_KIND
    from models.offline.train import refresh_card

    config = read_config(model_dir, FAST_KIND)
    files = sorted(config.pop("checksums"))
    from models.offline.evaluate import HOLDOUT_SET, VALIDATION_SET, evaluate, read_labelled_jsonl
    from models.scorer import load_scorer

    save_npz(model_dir / FRAUD_HEAD_FILE, coef=coef, intercept=intercept)
    previous = config.get("fraud_head", {})
    config["fraud_head"] = {**previous, **section}
    # The validation/holdout metrics the card reports go through the scorer: fraud_claim there is now the combined
    # signal. The lexicon-alone fraud_claim metrics are kept beside them (first time only).
    keys = ("metrics_lexicon_validation", "metrics_lexicon_holdout")
    if "lexicon_alone" not in previous:
        config["fraud_head"]["lexicon_alone"] = {k: config[k]["fraud_claim"] for k in keys if k in config}
    else:
        config["fraud_head"]["lexicon_alone"] = previous["lexicon_alone"]
    files = sorted(set(files) | {FRAUD_HEAD_FILE})
    write_config(model_dir, config, files)
    scorer = load_scorer(model_dir)
    for key, path in zip(keys, (VALIDATION_SET, HOLDOUT_SET)):
        if key in config and path.is_file():
            config[key] = evaluate(scorer, read_labelled_jsonl(path))
    write_config(model_dir, config, files)
    refresh_card(model_dir)  # the card, re-rendered; weights.npz untouched


def save_npz(path: Path, **arrays: np.ndarray) -> None:
    """np.savez_compressed with a fixed member timestamp (numpy stamps the current time, so two runs on the same
    data gave different bytes): the same arrays always give the same file."""
    import io
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, array in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asanyarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, buf.getvalue())


def head_scores(model_dir: Path, texts: Sequence[str]) -> np.ndarray:
    """The head's raw probabilities for texts (evaluation helper)."""
    from models.fast import FastModel

    fast, _ = FastModel.load(model_dir)
    return fast.predict([normalize(t) for t in texts])[:, fast.head_index["fraud"]]
