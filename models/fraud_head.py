"""The `fraud` head: an NB-weighted logistic regression on the fast tier's existing features (issue 13).

It reads the featurizer and vocabulary that fast-v3 already fits (nothing is refit), so the other heads'
weights and outputs stay exactly what they were; its weights live in their own file of the artifact
(`fraud_head.npz`: `coef` float32 per kept column, `intercept`), checked like every other file there.

Training data: the hand-written posts in models/validation/fraud_train.jsonl (578 fraud narratives / 1,005 civil);
from v4 on, the sets of other writers (`USED_SETS`: used dev and blind sets, and training sittings); one fixed half
of political_text_id.csv (a hashed split: `political_half(text) == 0`; the other half is never trained on and
measures false positives) and tweets from the hate/abusive set with no fraud vocabulary, as negatives.
C, the decision threshold and the veto are chosen by cross-validation on that training data only: folds
keep each hand-written sitting (one register) together and each used set apart, so a fold is scored on a style, or
a writer, it was not fitted on.

In the scorer the head's probability is mapped so that its threshold reads 0.5, damped by the lexicon's own
debunk/reporting framing, and combined with the lexicon score (`combine_fraud`); where the head reads a post as
civil (under the veto) a lexicon decision is damped. This module is what the scorer loads; training is in
models/offline/fraud_head_training.py.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from models.signals import REPORTING_FACTOR, fraud_framing_damps

__all__ = ["FRAUD_HEAD_VERSION", "FRAUD_HEAD_FILE", "TRAIN_SET", "USED_SETS", "UNFITTED_WRITERS", "political_half",
           "map_to_half", "combine_fraud", "framing_damps", "load_fraud_head"]

FRAUD_HEAD_VERSION = "fraud-head-v6"
FRAUD_HEAD_FILE = "fraud_head.npz"
TRAIN_SET = Path(__file__).resolve().parent / "validation" / "fraud_train.jsonl"
_TESTS_DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
# Hand-written sets by other writers (docs/HOAXES.md): sets written blind to the detector that have since been
# *used* (their errors read, or run once as a blind check), so they can no longer check anything (training data from
# v4 on), and, from v5, training sittings written for it by other hands (models/validation/fraud_train_more, READMEs
# there). name -> (fraud file, civil file or None); rows carry `fraud_claim` or are civil (the civil file). Each is
# one cross-validation fold of its own, so the threshold and veto are chosen on how the head does on a writer it was
# not fitted on. The frozen files (tests/data/hoaxes/{fraud_claims,civil}.jsonl) are never trained on.
_MORE = Path(__file__).resolve().parent / "validation" / "fraud_train_more"
USED_SETS = {
    "dev_v1": (_TESTS_DATA / "hoaxes" / "dev_fraud.jsonl", _TESTS_DATA / "hoaxes" / "dev_civil.jsonl"),
    "dev_v2": (_TESTS_DATA / "hoaxes" / "dev_fraud_v2.jsonl", None),
    "dev_v3": (_TESTS_DATA / "hoaxes" / "dev_fraud_v3.jsonl", _TESTS_DATA / "hoaxes" / "dev_civil_v3.jsonl"),
    "blind_v4": (_TESTS_DATA / "fraud_blind_v4" / "fraud.jsonl", _TESTS_DATA / "fraud_blind_v4" / "civil.jsonl"),
    "blind_v5": (_TESTS_DATA / "fraud_blind_v5" / "fraud.jsonl", _TESTS_DATA / "fraud_blind_v5" / "civil.jsonl"),
    "blind_v6": (_TESTS_DATA / "fraud_blind_v6" / "fraud.jsonl", _TESTS_DATA / "fraud_blind_v6" / "civil.jsonl"),
    "blind_v7": (_TESTS_DATA / "fraud_blind_v7" / "fraud.jsonl", _TESTS_DATA / "fraud_blind_v7" / "civil.jsonl"),
    "writer_a": (_MORE / "sitting_a.jsonl", None),
    "writer_b": (_MORE / "sitting_b.jsonl", None),
    "writer_c": (_MORE / "sitting_c.jsonl", None),  # short posts (2-15 words), v6
}
# The writers whose civil posts no lexicon rule was ever written from (blind v5's errors were never printed; v6, v7
# and the writers' sittings were never read for rules): out of fold, their civil false-positive rate is what a new
# writer would see. The lexicon's rate on the others (dev v1-v3, blind v4, the training file) is in sample.
UNFITTED_WRITERS = ("blind_v5", "blind_v6", "blind_v7", "writer_a", "writer_b", "writer_c")
C_GRID = (1.0, 3.0, 10.0, 30.0)
FOLDS = 5
SEED = 13
POLITICAL_WEIGHT = 0.5  # a real civil sentence against a hand-written post
TWEET_WEIGHT = 0.25
N_TWEETS = 3000
# The threshold, the veto (and C), v4: the highest out-of-fold recall of the combined signal on every hand-written
# fraud post while the combined signal flags at most 1 % of the hand-written civil posts out of fold (the target of
# issue 13) and the political half-0 false-positive rate stays at or under 0.3 %. v1-v3 bounded what the head *adds*
# over the lexicon (v1 1 point, v2/v3 none); the lexicon itself then flagged 3.3 % of blind v5's civil posts, which
# no bound on the head could move. v6: also the mean, over the UNFITTED_WRITERS, of each one's out-of-fold civil
# rate at most 1 %: v5's pooled rate (0.98 %) hid 1.9 % on two new writers, and blind v7 then read 1.5 %.
MAX_CIVIL_FPR = 0.01
MAX_POLITICAL_FPR = 0.003
THRESHOLD_GRID = tuple(round(0.50 + 0.02 * i, 2) for i in range(25))  # 0.50 .. 0.98 (v4: from 0.70)
# The veto: a lexicon decision (score >= 0.5) on a post the head reads as civil (probability under the veto) is
# damped like a reporting frame. Phrase lists fitted to one writer's civil posts did not carry to the next writer's
# (blind v4 -> v5: 3.6 % both times); the head, trained on every writer's civil posts, can overrule them.
VETO_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)  # v4: up to 0.5
# Measured once the method was final (docs/HOAXES.md; the frozen set run once, nothing changed after it).
MEASURED = {
    "blind_v8": ("run once, 4 Dec 2026, never trained on: combined R 0.833 (100/120), civil 6/340 (1.8 %); head alone "
                 "R 0.833, 5/340; lexicon v6 alone R 0.458, 35/340; fraud-head-v4 on it: R 0.783, 14/340 (4.1 %)"),
    "blind_v7": ("run once with fraud-head-v5 (not shipped: R 0.911, civil 5/336 = 1.5 %; v4 R 0.886, 7/336); "
                 "trained on since v6"),
    "blind_v6": ("run once with fraud-head-v4 (R 0.835, civil 7/320 = 2.2 %; v3: R 0.774, 22/320); trained on since v5"),
    "frozen": ("combined R 0.872 (95/109), 3/110 FP, civil on-topic 3/402 (0.75 %); head alone the same; lexicon v6 "
               "alone R 0.661, 6/110, 2/402; v4: R 0.881, 3/110, 3/402; v3: R 0.817, 7/110, 4/402"),
    "political_half1": "4,698 sentences never trained on: combined 5 FP (0.11 %; v4 9, v3 25), lexicon alone 24",
    "provocation_fraud": ("combined R 0.737 (28/38; v3 0.974, the lexicon was written on it), 3/97 FP (v3 0); "
                          "holdout R 0.833 (10/12), 1/28 FP (v3 0)"),
    "dev_sets_in_sample": ("trained on since v4: dev v2 R 0.995, 0/265; dev v1 R 1.0, 0/50; dev v3 R 0.985, 0/317; "
                           "blind v4 0.914, 0/336; blind v5 0.964, 0/304; blind v6 0.965, 0/320; blind v7 0.967, 0/336"),
}
DECISION = 0.5  # fraud_claim's label threshold (the artifact's `thresholds`); what a veto keeps a score under
COMBINATION = "max"  # fraud_claim = max(lexicon, mapped and damped head); see docs/HOAXES.md for the alternatives


def political_half(text: str) -> int:
    """0 or 1, fixed by the text alone (md5): half 0 may be trained on, half 1 is held out for FP rates."""
    return hashlib.md5(text.encode("utf-8")).digest()[0] & 1


def map_to_half(p: float, threshold: float) -> float:
    """The head's probability moved so that its decision threshold reads 0.5 (a shift in logit space)."""
    if p <= 0.0:
        return 0.0
    a, b = p * (1.0 - threshold), threshold * (1.0 - p)
    return a / (a + b)


framing_damps = fraud_framing_damps  # the lexicon's own debunk/reporting framing test, reused unchanged


def combine_fraud(lexicon: float, head_p: float, threshold: float, normalized: str, veto: float = 0.0) -> float:
    """fraud_claim from the lexicon score (already damped) and the head: the max of the two, where the
    head's share is mapped (threshold -> 0.5) and damped by the same framing factor as the lexicon's.
    The head counts only where it decides: it flags (p >= threshold), or it vetoes a lexicon decision
    (lexicon >= 0.5 and p < veto: the lexicon's score is damped like a reporting frame, so it reads under 0.5).
    Elsewhere the lexicon's score stands unchanged, so fraud_claim and the tension composite move only there."""
    if head_p < veto and lexicon >= DECISION:
        return round(lexicon * REPORTING_FACTOR, 6)
    if head_p < threshold:
        return lexicon
    head = map_to_half(head_p, threshold)
    if head <= lexicon:
        return lexicon
    if framing_damps(normalized):
        head *= REPORTING_FACTOR
    return round(max(lexicon, head), 6)


def load_fraud_head(directory: Path, n_kept: int) -> tuple[np.ndarray, float] | None:
    path = Path(directory) / FRAUD_HEAD_FILE
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as z:
        coef, intercept = z["coef"].astype(np.float64), float(z["intercept"][0])
    if coef.shape != (n_kept,):
        raise ValueError(f"{path}: coef has shape {coef.shape}, expected ({n_kept},)")
    return coef, intercept
