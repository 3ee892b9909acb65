"""Train the fast tier from the labelled CSV with a fixed seed and write a complete artifact dir.

Heads are NB-weighted logistic regressions (Wang & Manning 2012): each feature is scaled by its
naive-Bayes log-count ratio before the fit, which shrinks words seen about as often in both
classes and lets C stay small. The NB scaling is folded into the coefficients, so inference is the
same sparse dot as a plain linear model. C per head is chosen by cross-validation on the train
split only; decision thresholds on the calibration split; the test split is only scored, once,
after the artifact is written (its numbers go into the card).
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path
from typing import Callable

import numpy as np

from models.artifacts import write_config
from models.offline.evaluate import (HOLDOUT_SET, LabelledData, SPLIT_SEED, VALIDATION_SET, best_f1_threshold, evaluate,
                             read_labelled_csv, read_labelled_jsonl, resolve_data_path, split_indices)
from models.fast import FAST_KIND, HEADS, WEIGHTS_NAME, FastModel
from models.features import Featurizer, FeatureSpec
from models.normalize import NORMALIZER_VERSION, normalize
from models.sara import SARA_VERSION
from models.scorer import COUNTER_SPEECH_FACTOR
from models.signals import LEXICON_VERSION, TENSION_WEIGHTS

__all__ = ["train_fast", "nb_ratio", "refresh_card", "FAST_VERSION", "DEFAULT_OUT", "LEXICON_THRESHOLDS",
           "SCRATCH_RECORD"]

FAST_VERSION = "fast-v3"
DEFAULT_OUT = "models/artifacts/fast-v3"
# Weight of a civil-political negative relative to a labelled tweet (there are ~6k of them): enough to
# unlearn "names a politician" without drowning the tweets' own hate/non-hate boundary.
CIVIL_WEIGHT = 0.25
# Weight of a hand-written phenomenon post: rare phrasings (SARA hate, threats, counter-speech) that
# the tweets barely contain; counted a few times over so 1,400 posts can move 7,000.
PHENOMENA_WEIGHT = 2.0
# fast-v2 on the sets fast-v3 is judged on, measured once at commit 544c361 (the card compares with it).
FAST_V2_BASELINE = {
    "civil_corpus_hate_fpr_names": 0.570, "civil_corpus_hate_fpr_no_names": 0.106, "civil_corpus_hate_fpr": 0.458,
    "political_hate_fpr_names": 0.229, "political_hate_fpr_no_names": 0.044,
    "functional": {"accuracy": 0.4708, "hateful_recall": 0.3548, "threat_provocation_share": 0.1151,
                   "counter_speech_hate_share": 0.415},
    "functional_holdout": {"accuracy": 0.4444, "hateful_recall": 0.3325, "threat_provocation_share": 0.0573,
                           "counter_speech_hate_share": 0.445},
}
C_GRID = (1.0, 3.0, 10.0)
CV_FOLDS = 5
SUB_HEAD_C = 3.0
MIN_DF = 2
NB_ALPHA = 1.0
# Exploration behind fast-v2, measured once with this module's pieces on the same seed-13 split
# (train for fitting, calibration F1 at the best threshold; test never looked at). Recorded for the
# card; `suhu train` does not re-run them. Differences under ~0.005 are within split noise.
VARIANTS_TRIED: tuple[tuple[str, float, float | None], ...] = (
    ("fast-v1: LR, char (2, 5) over the whole text, C on calibration (hate 10, incivility 30)", 0.8266, 0.9021),
    ("NB-LR, fast-v1 features, C=3", 0.8365, 0.9186),
    ("NB-LR, fast-v1 features, C=10", 0.8388, 0.9196),
    ("NB-LR, fast-v1 features, C=30", 0.8330, 0.9241),
    ("NB-LR without class weights, C=10 (hate only)", 0.8386, None),
    ("mean of LR and NB-LR logits, C=3 / C=10", 0.8390, 0.9174),
    ("NB-LR, char (2, 5) within words, C=3 (shipped features; C by CV)", 0.8367, 0.9203),
    ("NB-LR, char (2, 6) within words, C=10 / C=3", 0.8396, 0.9198),
    ("NB-LR, word (1, 3) + char (2, 5) over the whole text, C=10", 0.8389, 0.9219),
    ("NB-LR, within words, min_df 3, C=3", 0.8367, 0.9179),
    ("NB-LR, within words, min_df 5, C=3", 0.8404, 0.9152),
    ("multi-task stack: out-of-fold logits of 10 heads (HS subtypes, HS_Strong, Abusive) -> LR", 0.8336, 0.9227),
    ("same stack with the target's own logit only (reference)", 0.8364, 0.9206),
    ("NB-LR within words, C=3, slang folding off", 0.8361, 0.9205),
    ("NB-LR within words, C=3, `-nya` split off the stem", 0.8355, 0.9228),
    ("NB-LR within words, C=3, every doubled letter squeezed", 0.8390, 0.9194),
    ("NB-LR within words, C=3, `!`/`?` tokens left out of the features", 0.8343, 0.9235),
)
# Exploration behind fast-v3 (issue 11), C fixed at 3, seed-13 split: hate F1 on the tweets' calibration
# split (at the threshold chosen there), hate false-positive rate on the frozen political set's civil
# posts that name an entity, the same on the civil corpus' test part, functional-suite accuracy.
# Rows marked (rules v0) ran an earlier draft of models/sara.py; the final rules changed only the
# functional suite and a few calibration posts. The test split was also printed during these runs.
VARIANTS_TRIED_V3: tuple[tuple[str, float, float | None, float | None, float], ...] = (
    ("masking only: tweets, no civil corpus, no hand-written posts (rules v0)", 0.7827, 0.1053, 0.0601, 0.6901),
    ("masking + civil corpus (weight 0.5), no hand-written posts (rules v0)", 0.7806, 0.0833, 0.0219, 0.6983),
    ("masking + hand-written posts (weight 2), no civil corpus (rules v0)", 0.7797, 0.0746, 0.0477, 0.7492),
    ("masking + civil (0.5) + hand-written (2) (rules v0)", 0.7819, 0.0570, 0.0200, 0.7584),
    ("same, no masking (names kept; FPR by names not measurable)", 0.7926, None, None, 0.8423),
    ("civil 0.5, hand-written 2", 0.7965, 0.0439, 0.0239, 0.8512),
    ("civil 0.5, hand-written 1", 0.7963, 0.0570, 0.0258, 0.8484),
    ("civil 0.5, hand-written 0.5", 0.7962, 0.0526, 0.0210, 0.8417),
    ("civil 0.5, hand-written 1 without counter-speech/profanity/non-protected kinds", 0.7979, 0.0570, 0.0239, 0.8413),
    ("civil 0.5, hand-written 2, C=10", 0.8006, 0.0570, 0.0267, 0.8473),
    ("civil 0.25, hand-written 2, placeholders kept as features", 0.7985, 0.0526, 0.0267, 0.8850),
    ("civil 0.25, hand-written 2, placeholders left out of the features", 0.7778, 0.0219, 0.0172, 0.8789),
    ("same + 1,530 more hand-written posts (X, Facebook/WhatsApp, TikTok registers), wider lexicons", 0.7789,
     0.0263, 0.0258, 0.8954),
    ("same + quoted hate with no insult outside the quotes read as counter-speech", 0.7780, 0.0263,
     0.0258, 0.8954),
    ("same + review fixes (negation per predicate, cheers no evidence, !/? out of the features, identity "
     "mentions) (shipped)", 0.7777, 0.0175, 0.0282, 0.8711),
)
# Retuning fast-v3 towards the in-domain targets (hate F1 >= 0.83, incivility F1 >= 0.92 on the tweets' test
# split) without giving up the civil false-positive rates or the functional suite. Same seed-13 split; the
# shipped features, data weights and C 3 unless stated; the featurizer is always fit on every training row.
# Columns: hate F1 and incivility F1 on the tweets' calibration split (thresholds chosen on it plus the civil
# calibration part, as in training); hate false-positive rate on the frozen set's civil posts naming an entity
# and naming none; the same on the civil corpus' test part; incivility F1 on the frozen set; functional-suite
# accuracy. The test split was not scored for any of these (measured with /tmp experiment scripts that build
# the artifact's pieces from this module and models/offline/corpora.py). A 5-fold CV on the train split (heads only,
# out-of-fold F1 on its 7,331 tweets) checked the promising rows: placeholders in bigrams move hate from 0.7870
# to 0.7879 (C 3) and 0.7884 to 0.7887 (C 10), C 10 alone 0.7870 -> 0.7884: all within noise; incivility without
# the hand-written posts 0.9013 -> 0.9122, real on the tweets but it loses the political insults the frozen set
# checks (incivility F1 there 0.87 -> 0.52). The stack (an insult in a post that names an entity reads as hate,
# the tweets' convention for insults of a politician) gained most on the heads alone (out-of-fold 0.7870 ->
# 0.7962, calibration 0.7881 -> 0.7962) but 0.006 after the group rules, with a new artifact format and more of
# the known 'insult of a candidate reads as hate' failure. Nothing here was shipped.
VARIANTS_TRIED_V3_RETUNE: tuple[tuple[str, float, float, float, float, float, float, float], ...] = (
    ("fast-v3 as shipped (reproduced)", 0.7777, 0.9103, 0.0175, 0.0070, 0.0314, 0.8696, 0.8711),
    ("tweets only, no civil corpus, no hand-written posts", 0.7994, 0.9244, 0.0789, 0.0420, 0.0751, 0.5798, 0.8194),
    ("same, placeholders kept as unigram features", 0.7681, 0.9178, 0.0877, 0.0000, 0.0737, 0.5089, 0.7981),
    ("tweets + civil corpus, no hand-written posts", 0.7959, 0.9242, 0.0395, 0.0350, 0.0328, 0.5221, 0.8216),
    ("hand-written posts weight 1", 0.7755, 0.9129, 0.0175, 0.0070, 0.0306, 0.8443, 0.8739),
    ("placeholders kept inside word bigrams (`ent_tokoh goblok`), not as unigrams",
     0.7836, 0.9117, 0.0175, 0.0070, 0.0306, 0.8658, 0.8721),
    ("same, one generic placeholder (`ent_x`) in the bigrams", 0.7826, 0.9111, 0.0088, 0.0140, 0.0292, 0.8725, 0.8727),
    ("same, only bigrams of a placeholder and a content word", 0.7839, 0.9126, 0.0219, 0.0140, 0.0314, 0.8658, 0.8721),
    ("word (1, 3)-grams", 0.7705, 0.9163, 0.0088, 0.0070, 0.0277, 0.8392, 0.8759),
    ("word (1, 3)-grams, placeholders in the n-grams", 0.7789, 0.9143, 0.0088, 0.0070, 0.0284, 0.8432, 0.8771),
    ("char (2, 6)-grams", 0.7787, 0.9128, 0.0219, 0.0070, 0.0328, 0.8696, 0.8721),
    ("hate C 10", 0.7856, 0.9103, 0.0132, 0.0070, 0.0336, 0.8696, 0.8703),
    ("hate C 10, placeholders in bigrams", 0.7899, 0.9117, 0.0263, 0.0210, 0.0343, 0.8658, 0.8705),
    ("hate C 10, one generic placeholder in bigrams", 0.7955, 0.9111, 0.0395, 0.0210, 0.0416, 0.8725, 0.8661),
    ("hate C 10, placeholder + content-word bigrams", 0.7894, 0.9126, 0.0263, 0.0210, 0.0350, 0.8658, 0.8691),
    ("hate C 10, placeholders in bigrams, civil 0.5", 0.7892, 0.9117, 0.0307, 0.0210, 0.0321, 0.8658, 0.8695),
    ("hate = mean of C 10 and C 3 heads, placeholders in bigrams",
     0.7891, 0.9117, 0.0263, 0.0210, 0.0401, 0.8658, 0.8723),
    ("hate head: hand-written weight 1", 0.7755, 0.9103, 0.0175, 0.0070, 0.0306, 0.8696, 0.8739),
    ("hate head: hand-written weight 0.5", 0.7779, 0.9103, 0.0219, 0.0140, 0.0306, 0.8696, 0.8733),
    ("hate head: hand-written 0.5, civil 0.5", 0.7795, 0.9103, 0.0263, 0.0140, 0.0277, 0.8696, 0.8735),
    ("hate head: tweets + civil only", 0.7959, 0.9103, 0.0395, 0.0350, 0.0328, 0.8696, 0.8216),
    ("hate head: tweets + civil + identity mentions", 0.7880, 0.9103, 0.0219, 0.0140, 0.0255, 0.8696, 0.8156),
    ("hate head = mean of the all-data and tweets + civil heads",
     0.7841, 0.9103, 0.0175, 0.0000, 0.0263, 0.8696, 0.8552),
    ("same, placeholders in bigrams", 0.7891, 0.9117, 0.0132, 0.0000, 0.0241, 0.8658, 0.8548),
    ("incivility head: no hand-written posts", 0.7777, 0.9242, 0.0175, 0.0070, 0.0314, 0.5221, 0.8711),
    ("incivility head: hand-written weight 0.25", 0.7777, 0.9188, 0.0175, 0.0070, 0.0314, 0.8127, 0.8711),
    ("incivility head: hand-written weight 0.5", 0.7777, 0.9167, 0.0175, 0.0070, 0.0314, 0.8333, 0.8711),
    ("incivility head: hand-written weight 1", 0.7777, 0.9129, 0.0175, 0.0070, 0.0314, 0.8443, 0.8711),
    ("incivility head = mean of the all-data and no-hand-written heads",
     0.7777, 0.9211, 0.0175, 0.0070, 0.0314, 0.7209, 0.8711),
    ("incivility head: without the sara_hate posts", 0.7777, 0.9178, 0.0175, 0.0070, 0.0314, 0.6746, 0.8711),
    ("incivility head: without the threat posts", 0.7777, 0.9139, 0.0175, 0.0070, 0.0314, 0.8385, 0.8711),
    ("incivility head: without the counter-speech posts", 0.7777, 0.9133, 0.0175, 0.0070, 0.0314, 0.8639, 0.8711),
    ("incivility head: without the abuse_individual posts", 0.7777, 0.9101, 0.0175, 0.0070, 0.0314, 0.8043, 0.8711),
    ("incivility head: C 1", 0.7777, 0.9102, 0.0175, 0.0070, 0.0314, 0.8310, 0.8711),
    ("incivility head: C 10", 0.7777, 0.9112, 0.0175, 0.0070, 0.0314, 0.8503, 0.8711),
    ("incivility head: C 30", 0.7777, 0.9085, 0.0175, 0.0070, 0.0314, 0.8304, 0.8711),
    ("incivility head: tweets weight 2 (hand-written 1, civil 0.125), C 10",
     0.7777, 0.9146, 0.0175, 0.0070, 0.0314, 0.8658, 0.8711),
    ("incivility head: C 10, placeholders in bigrams (both heads)",
     0.7836, 0.9122, 0.0175, 0.0070, 0.0306, 0.8808, 0.8721),
    ("hate head stacked with p(incivility) x (names an entity), fit on the train split's out-of-fold logits",
     0.7839, 0.9103, 0.0175, 0.0070, 0.0350, 0.8696, 0.8715),
)
# The from-scratch transformer run of issue 3 (models/offline/pretrain.py): its metadata, weights left out.
SCRATCH_RECORD = Path(__file__).resolve().parents[1] / "artifacts" / "tf-scratch-v2.json"
FEATURES = FeatureSpec(word_ngrams=(1, 2), char_ngrams=(2, 5), char_within_words=True, drop_placeholders=True)
# Fixed by design of the lexicon weights (a single strong cue, or two weak ones), not tuned.
LEXICON_THRESHOLDS = {"provocation": 0.5, "fraud_claim": 0.5, "tension": 0.5}


def nb_ratio(x, y: np.ndarray, alpha: float = NB_ALPHA) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Log-count ratio of each feature's presence in positive vs negative posts (smoothed)."""
    present = x.copy()
    present.data = np.ones_like(present.data)
    pos = alpha + np.asarray(present[y == 1].sum(axis=0)).ravel()
    neg = alpha + np.asarray(present[y == 0].sum(axis=0)).ravel()
    return np.log((pos / pos.sum()) / (neg / neg.sum()))


def _fit_head(x, y: np.ndarray, c: float, seed: int,  # type: ignore[no-untyped-def]
              weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """NB-LR: fit on NB-scaled features, return coefficients for the *unscaled* features."""
    from sklearn.linear_model import LogisticRegression

    r = nb_ratio(x, y)
    model = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", random_state=seed,
                               max_iter=1000).fit(x.multiply(r).tocsr(), y, sample_weight=weight)
    return r * model.coef_[0], float(model.intercept_[0])


def _cv_f1(x, y: np.ndarray, c: float, seed: int,  # type: ignore[no-untyped-def]
           weight: np.ndarray | None = None) -> float:
    """F1 at the best threshold of the pooled out-of-fold scores (train split only)."""
    from sklearn.model_selection import StratifiedKFold

    z = np.zeros(len(y))
    for fit_idx, held_idx in StratifiedKFold(CV_FOLDS, shuffle=True, random_state=seed).split(z, y):
        w, b = _fit_head(x[fit_idx], y[fit_idx], c, seed, None if weight is None else weight[fit_idx])
        z[held_idx] = x[held_idx] @ w + b
    return best_f1_threshold(y, 1.0 / (1.0 + np.exp(-z)))[1]


def train_fast(csv_path: Path | str | None, out_dir: Path, seed: int = SPLIT_SEED,
               log: Callable[[str], None] = print, civil_path: Path | str | None = None,
               fixed_c: dict[str, float] | None = None) -> dict:  # type: ignore[type-arg]
    """Fit the fast tier on tweets + civil political text + hand-written phenomena; write the artifact.

    `fixed_c` skips the cross-validation over C (experiments); the shipped model chooses C by CV.
    """
    from models.offline.card import render_card
    from models.offline.corpora import (CIVIL_CORPUS, concat, counterfactual_copies, identity_mentions, read_civil_corpus,
                                read_phenomena)
    from models.scorer import SuhuScorer

    started = time.time()
    path = resolve_data_path(csv_path)
    data = read_labelled_csv(path)
    missing = [c for c in HEADS.values() if c not in data.columns]
    if missing:
        raise ValueError(f"{path}: missing label columns {missing}")
    splits = split_indices(data, seed)
    tweets_tr, tweets_cal = data.subset(splits["train"]), data.subset(splits["calibration"])
    log(f"tweets: {path} ({len(data.texts)} rows; train {len(tweets_tr.texts)}, calibration "
        f"{len(tweets_cal.texts)}, test {len(splits['test'])})")
    civil_file = resolve_data_path(civil_path) if civil_path is not None else resolve_data_path(CIVIL_CORPUS)
    if civil_file.is_file():
        civil, civil_counts = read_civil_corpus(civil_file)
        log(f"civil political text: {civil_file} {civil_counts}")
    else:
        civil, civil_counts = None, None
        log(f"civil political text: {civil_file} not found, trained without it")
    phen, kinds = read_phenomena()
    phen_cf = counterfactual_copies(phen, kinds, seed)
    log(f"hand-written phenomena: {len(phen.texts)} posts + {len(phen_cf.texts)} counterfactual copies")

    identity = identity_mentions()
    parts = [tweets_tr, phen, phen_cf, identity] + ([civil["train"]] if civil else [])
    weights = [np.ones(len(tweets_tr.texts)), np.full(len(phen.texts), PHENOMENA_WEIGHT),
               np.full(len(phen_cf.texts), PHENOMENA_WEIGHT), np.full(len(identity.texts), PHENOMENA_WEIGHT)]
    if civil:
        weights.append(np.full(len(civil["train"].texts), CIVIL_WEIGHT))
    tr = concat(*parts)
    weight = np.concatenate(weights)

    spec = FEATURES
    featurizer = Featurizer(spec)
    x_tr = featurizer.fit([normalize(t) for t in tr.texts], min_df=MIN_DF)
    log(f"features: {x_tr.shape[1]} kept columns (min_df={MIN_DF})")

    heads = list(HEADS)
    coef = np.zeros((x_tr.shape[1], len(heads)))
    intercept = np.zeros(len(heads))
    chosen_c: dict[str, float] = {}
    hate_tr = tr.columns["HS"] == 1
    for j, head in enumerate(heads):
        y_tr = tr.columns[HEADS[head]]
        if head in ("incivility", "hate"):
            if fixed_c and head in fixed_c:
                c = fixed_c[head]
            else:
                scores = {}
                for c in C_GRID:
                    scores[c] = _cv_f1(x_tr, y_tr, c, seed, weight)
                    log(f"  {head}: C={c} {CV_FOLDS}-fold CV F1 on train={scores[c]:.4f}")
                c = max(C_GRID, key=lambda k: (scores[k], -k))  # ties go to the stronger regularisation
            coef[:, j], intercept[j] = _fit_head(x_tr, y_tr, c, seed, weight)
        else:
            c = SUB_HEAD_C
            coef[:, j], intercept[j] = _fit_head(x_tr[hate_tr], y_tr[hate_tr], c, seed, weight[hate_tr])
        chosen_c[head] = c

    # What is shipped is float32: evaluate exactly that.
    featurizer.set_columns(featurizer.kept, featurizer.idf.astype(np.float32).astype(np.float64))  # type: ignore[union-attr]
    fast = FastModel(featurizer, coef.astype(np.float32).astype(np.float64),
                     intercept.astype(np.float32).astype(np.float64), heads)
    config: dict = {  # type: ignore[type-arg]
        "kind": FAST_KIND,
        "version": FAST_VERSION,
        "heads": heads,
        "head_columns": HEADS,
        "features": spec.to_json(),
        "min_df": MIN_DF,
        "c_per_head": chosen_c,
        "head_model": f"NB-weighted logistic regression (NB alpha {NB_ALPHA}, liblinear, balanced class weights)",
        "variants_tried": [list(v) for v in VARIANTS_TRIED],
        "variants_tried_v3": [list(v) for v in VARIANTS_TRIED_V3],
        "variants_tried_v3_retune": [list(v) for v in VARIANTS_TRIED_V3_RETUNE],
        "fast_v2_baseline": FAST_V2_BASELINE,
        "c_selection": f"{CV_FOLDS}-fold CV on the train split over C in {list(C_GRID)}" if not fixed_c
        else f"fixed {fixed_c}",
        "normalizer_version": NORMALIZER_VERSION,
        "lexicon_version": LEXICON_VERSION,
        "group_rules": {"version": SARA_VERSION, "counter_speech_factor": COUNTER_SPEECH_FACTOR},
        "tension_weights": TENSION_WEIGHTS,
        "thresholds": {**LEXICON_THRESHOLDS, "incivility": 0.5, "hate": 0.5},
    }
    # Thresholds on the final scores (heads + group evidence), on the tweets' calibration split plus the
    # civil calibration part: a false positive on a civil political sentence costs as much as a miss.
    cal = concat(tweets_cal, civil["calibration"]) if civil else tweets_cal
    provisional = SuhuScorer(fast, config)
    cal_scores = provisional.score_batch(cal.texts)
    thresholds = dict(LEXICON_THRESHOLDS)
    for head in ("incivility", "hate"):
        p = np.array([ps.scores[head] for ps in cal_scores])
        t, f1 = best_f1_threshold(cal.columns[HEADS[head]], p)
        thresholds[head] = t
        log(f"  {head}: threshold {t} (calibration F1 {f1:.4f})")
    config["thresholds"] = thresholds

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fast.save_weights(out_dir)

    import sklearn

    config["training"] = {
        "data": path.name,
        "data_licence": "CC BY-NC-SA 4.0 (Ibrohim & Budi 2019)",
        "rows": len(data.texts),
        "seed": seed,
        "split": {k: int(len(v)) for k, v in splits.items()},
        "civil_corpus": None if civil_counts is None else {
            "data": civil_file.name, **civil_counts, "weight": CIVIL_WEIGHT, "split_seed": 29,
            "licences": "idner-news-2k MIT; IndoNLU SmSA Apache-2.0; id-stance-kompasiana CC BY-NC-SA 4.0"},
        "phenomena": {"data": "models/training/*.jsonl",
                      "rows": len(phen.texts), "counterfactual_copies": len(phen_cf.texts),
                      "identity_mentions": len(identity.texts),
                      "weight": PHENOMENA_WEIGHT},
        "command": f"suhu train --out {DEFAULT_OUT}",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    scorer = SuhuScorer(fast, config)
    from models.offline.quality import quality_report

    config.update(quality_report(scorer, data.subset(splits["test"]), tweets_cal,
                                 civil["test"] if civil else None))
    (out_dir / "MODEL_CARD.md").write_text(render_card(config, _scratch_record()), encoding="utf-8")
    write_config(out_dir, config, [WEIGHTS_NAME, "MODEL_CARD.md"])
    log(f"wrote {out_dir} in {time.time() - started:.0f}s")
    return config


def _scratch_record() -> dict | None:  # type: ignore[type-arg]
    return json.loads(SCRATCH_RECORD.read_text(encoding="utf-8")) if SCRATCH_RECORD.is_file() else None


def refresh_card(out_dir: Path = Path(DEFAULT_OUT)) -> dict:  # type: ignore[type-arg]
    """Re-render an artifact's card with the current experiment record; weights and metrics untouched."""
    from models.artifacts import read_config
    from models.offline.card import render_card

    out_dir = Path(out_dir)
    config = read_config(out_dir, FAST_KIND)
    config.pop("checksums")
    config["variants_tried_v3"] = [list(v) for v in VARIANTS_TRIED_V3]  # the experiment record, not the weights
    config["variants_tried_v3_retune"] = [list(v) for v in VARIANTS_TRIED_V3_RETUNE]
    # config.json is written with sorted keys: put the card's dicts back in the order training made them.
    config["c_per_head"] = {h: config["c_per_head"][h] for h in config["heads"]}
    order = [*LEXICON_THRESHOLDS, "incivility", "hate"]
    config["thresholds"] = {k: config["thresholds"][k] for k in sorted(config["thresholds"], key=order.index)}
    jsonl_order = ["provocation", "fraud_claim", "hate", "incivility"]  # read_labelled_jsonl's column order
    for key in ("metrics_lexicon_validation", "metrics_lexicon_holdout"):
        if key in config:
            config[key] = {k: config[key][k] for k in sorted(config[key], key=jsonl_order.index)}
    (out_dir / "MODEL_CARD.md").write_text(render_card(config, _scratch_record()), encoding="utf-8")
    extra = [config["fraud_head"]["file"]] if "fraud_head" in config else []
    if "group_reader" in config:
        extra.append(config["group_reader"]["file"])
    write_config(out_dir, config, [WEIGHTS_NAME, "MODEL_CARD.md", *extra])
    return config


def held_out(data: LabelledData, seed: int = SPLIT_SEED) -> LabelledData:
    return data.subset(split_indices(data, seed)["test"])
