"""The fraud head (models/fraud_head.py): what it adds to fraud_claim, and what it must leave alone.

* It sits on fast-v3's own features: weights.npz (the other heads) is the file fraud-v4 shipped, and every other
  signal, label and hate detail is identical with and without the head, on a sample of election posts.
* fraud_claim moves only on posts the head decides: it rises where the head flags (never below the lexicon's score)
  and falls under 0.5 where the head vetoes a lexicon decision (v4: the head reads the post as civil).
* Floors slightly under the measured values on the dev sets (trained on since v4: regression guards, not estimates;
  the out-of-fold numbers are in the artifact's config) and the false-positive rate on the half of
  political_text_id.csv the head never saw (read at test time when present, skipped cleanly otherwise).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest

from models.artifacts import DEFAULT_FAST_DIR
from models.fast import FastModel
from models.fraud_head import FRAUD_HEAD_FILE, combine_fraud, map_to_half, political_half
from models.normalize import normalize
from models.scorer import SuhuScorer, load_scorer
from models.signals import fraud_claim_score

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "tests" / "data" / "hoaxes"
REAL_CIVIL = Path(os.environ.get("SUHU_POLITICAL_TEXT", "/work/shared/data/political_text_id.csv"))
# sha256 of models/artifacts/fast-v3/weights.npz as fraud-v4 shipped it: the head must not touch it.
FAST_V3_WEIGHTS = "f464db390ccc746f530256e99151be5d9b7118edce9e8bdc61d91edf52b064e8"


def _rows(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


@pytest.fixture(scope="module")
def scorer() -> SuhuScorer:
    return load_scorer()


@pytest.fixture(scope="module")
def without_head(scorer: SuhuScorer) -> SuhuScorer:
    fast = scorer.fast
    base = FastModel(fast.featurizer, fast.coef[:, :fast.n_saved], fast.intercept[:fast.n_saved],
                     fast.heads[:fast.n_saved])
    base.group_reader = fast.group_reader  # the same group reader: only the fraud head differs
    config = {k: v for k, v in scorer.config.items() if k != "fraud_head"}
    return SuhuScorer(base, config)


def _sample() -> list[str]:
    v2 = [r["text"] for r in _rows(DEV / "dev_fraud_v2.jsonl")]
    train = [r["text"] for r in _rows(ROOT / "models" / "validation" / "fraud_train.jsonl")][::5]
    return v2 + train + ["", "!!!", "Prabowo!", "anjing lo", "hidup ganjar", "USER URL"]


def test_weights_of_the_other_heads_are_the_shipped_file() -> None:
    assert hashlib.sha256((DEFAULT_FAST_DIR / "weights.npz").read_bytes()).hexdigest() == FAST_V3_WEIGHTS
    with np.load(DEFAULT_FAST_DIR / "weights.npz", allow_pickle=False) as z:
        assert z["coef"].shape[1] == 9
    with np.load(DEFAULT_FAST_DIR / FRAUD_HEAD_FILE, allow_pickle=False) as z:
        assert z["coef"].dtype == np.float32 and z["coef"].ndim == 1 and z["intercept"].shape == (1,)


def test_version_names_the_head(scorer: SuhuScorer, without_head: SuhuScorer) -> None:
    assert scorer.version == "fast-v3+fraud-head-v6+lexicon-v6+sara-v8+reader-v3"
    assert without_head.version == "fast-v3+lexicon-v6+sara-v8+reader-v3"


def test_every_other_signal_is_unchanged(scorer: SuhuScorer, without_head: SuhuScorer) -> None:
    texts = _sample()
    with_h, without = scorer.score_batch(texts), without_head.score_batch(texts)
    head = scorer.fast.predict([normalize(t) for t in texts])[:, scorer.fast.head_index["fraud"]]
    moved = vetoed = 0
    for a, b, p in zip(with_h, without, head):
        for s in ("incivility", "hate", "provocation", "known_hoax"):
            assert a.scores[s] == b.scores[s]
        assert (a.hate_target, a.hate_category, a.hate_entity) == (b.hate_target, b.hate_category, b.hate_entity)
        assert set(a.labels) - {"fraud_claim", "tension"} == set(b.labels) - {"fraud_claim", "tension"}
        decides = p >= scorer.fraud_head_threshold or (p < scorer.fraud_head_veto and b.scores["fraud_claim"] >= 0.5)
        if a.scores["fraud_claim"] == b.scores["fraud_claim"]:
            assert a.scores["tension"] == b.scores["tension"]
        else:
            assert decides  # the head moves fraud_claim on the posts it decides, and only there
            moved += 1
            if a.scores["fraud_claim"] < b.scores["fraud_claim"]:  # a veto: only of a lexicon decision, to under 0.5
                assert p < scorer.fraud_head_veto and b.scores["fraud_claim"] >= 0.5 > a.scores["fraud_claim"]
                vetoed += 1
            else:
                assert p >= scorer.fraud_head_threshold
    assert moved > 0 and vetoed > 0  # both happen on this sample (dev v2's narratives and the training posts)


def test_the_head_maps_its_threshold_to_one_half_and_debunks_stay_under_it() -> None:
    assert map_to_half(0.92, 0.92) == pytest.approx(0.5)
    assert map_to_half(0.0, 0.92) == 0.0
    n = normalize("Hoaks! Kabar suara paslon dipindahkan saat rekap sudah dibantah KPU")
    assert combine_fraud(0.0, 0.9999, 0.92, n) < 0.5  # the lexicon's debunk/reporting damping applies
    assert combine_fraud(0.3, 0.5, 0.92, n) == 0.3  # under its threshold the head leaves the lexicon alone


def test_the_head_vetoes_a_lexicon_decision_only_where_it_reads_the_post_as_civil() -> None:
    n = normalize("Surat suara sudah dicoblos sebelum dibagikan di TPS kami")
    assert combine_fraud(0.8, 0.05, 0.78, n, veto=0.2) == pytest.approx(0.8 * 0.45)  # damped like a reporting frame
    assert combine_fraud(0.8, 0.25, 0.78, n, veto=0.2) == 0.8  # over the veto: the lexicon decides
    assert combine_fraud(0.4, 0.05, 0.78, n, veto=0.2) == 0.4  # no decision to veto: the score stands
    assert combine_fraud(0.8, 0.05, 0.78, n) == 0.8  # no veto configured (v1-v3 artifacts)


def test_head_lifts_recall_where_the_lexicon_misses(scorer: SuhuScorer) -> None:
    posts = ["Suara caleg kami dipindah ke caleg lain waktu pleno kecamatan, saksi sudah pulang",
             "Pak kades ngancem warga, kalau paslonnya kalah di desa bantuan dicabut"]
    for text in posts:
        assert scorer.score_batch([text])[0].scores["fraud_claim"] >= 0.5


def _recall_fp(scorer: SuhuScorer, pos: list[str], neg: list[str]) -> tuple[float, int]:
    p = [s.scores["fraud_claim"] >= 0.5 for s in scorer.score_batch(pos)] if pos else []
    n = [s.scores["fraud_claim"] >= 0.5 for s in scorer.score_batch(neg)]
    return (sum(p) / len(pos) if pos else 0.0), sum(n)


def test_dev_v2_floor(scorer: SuhuScorer) -> None:
    rows = _rows(DEV / "dev_fraud_v2.jsonl")
    recall, fp = _recall_fp(scorer, [r["text"] for r in rows if r["fraud_claim"]],
                            [r["text"] for r in rows if not r["fraud_claim"]])
    assert recall >= 0.99 and fp <= 1  # measured 0.995, 0 / 265 (lexicon alone 0.986, 0); v1 the same


def test_dev_v1_and_validation_holdout_floors(scorer: SuhuScorer) -> None:
    recall, fp = _recall_fp(scorer, [r["text"] for r in _rows(DEV / "dev_fraud.jsonl")],
                            [r["text"] for r in _rows(DEV / "dev_civil.jsonl")])
    assert recall == 1.0 and fp <= 1  # measured 1.0, 0 / 50 (v1: 1 / 50)
    hold = _rows(ROOT / "models" / "validation" / "provocation_fraud_holdout.jsonl")
    recall, fp = _recall_fp(scorer, [r["text"] for r in hold if r["fraud_claim"]],
                            [r["text"] for r in hold if not r["fraud_claim"]])
    # measured with fraud-head-v6: 0.833 (10 / 12; v1 0.917, lexicon alone 0.75) and 1 / 28: the head, which now
    # decides most posts, flags one provocation post (v1-v5 none); the blind sets, ten times larger, say false
    # positives fell (docs/HOAXES.md)
    assert recall >= 0.8 and fp <= 1


@pytest.mark.skipif(not REAL_CIVIL.is_file(), reason="political_text_id.csv (../shared) not present")
def test_false_positives_on_the_political_half_never_trained_on(scorer: SuhuScorer) -> None:
    with REAL_CIVIL.open(encoding="utf-8", newline="") as f:
        texts = [r["text"] for r in csv.DictReader(f) if (r.get("text") or "").strip()]
    half = [t for t in texts if political_half(t) == 1]
    flags = [s.scores["fraud_claim"] >= 0.5 for s in scorer.score_batch(half)]
    lexicon = sum(fraud_claim_score(normalize(t)) >= 0.5 for t in half)
    assert sum(flags) / len(half) <= 0.003  # measured 5 / 4,698 = 0.11 % (v4 9, v3 25; lexicon alone 24); target <= 1 %
    assert sum(flags) <= lexicon  # v4 vetoes more than it adds (v1-v3 added 1-2 to the lexicon's)


def test_save_npz_gives_the_same_bytes_for_the_same_arrays(tmp_path: Path) -> None:
    import time

    from models.offline.fraud_head_training import save_npz

    coef, intercept = np.arange(7, dtype=np.float32) / 3, np.array([-1.25], dtype=np.float32)
    save_npz(tmp_path / "a.npz", coef=coef, intercept=intercept)
    time.sleep(2.1)  # zip timestamps have a 2-second resolution: numpy's own savez would differ here
    save_npz(tmp_path / "b.npz", coef=coef, intercept=intercept)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    with np.load(tmp_path / "a.npz", allow_pickle=False) as z:
        assert np.array_equal(z["coef"], coef) and np.array_equal(z["intercept"], intercept)


def _tweets() -> Path:
    from models.offline.evaluate import resolve_data_path

    return resolve_data_path(None)  # what `suhu train --fraud-head` reads by default


TWEETS = _tweets()


@pytest.mark.slow
@pytest.mark.skipif(not (REAL_CIVIL.is_file() and TWEETS.is_file()), reason="training corpora (../shared) not present")
def test_training_rebuilds_the_shipped_head(tmp_path: Path) -> None:
    """`suhu train --fraud-head` on the committed data rebuilds fraud_head.npz (about 2 minutes).

    Byte for byte on the library versions it was trained with; a newer numpy/scipy/scikit-learn moves the
    solver's last digits (measured 2 Dec 2026: numpy 2.4.6, scikit-learn 1.9.1, largest coefficient change
    1.6e-4), so the check is the coefficients within 1e-3 and the same decision on every validation post.
    """
    import shutil

    from models.offline.fraud_head_training import train_fraud_head

    art = tmp_path / "fast-v3"
    shutil.copytree(DEFAULT_FAST_DIR, art)
    train_fraud_head(art, REAL_CIVIL, TWEETS, log=lambda m: None, write=True)
    rebuilt, shipped = np.load(art / FRAUD_HEAD_FILE), np.load(DEFAULT_FAST_DIR / FRAUD_HEAD_FILE)
    assert sorted(rebuilt.files) == sorted(shipped.files)
    for key in shipped.files:
        assert rebuilt[key].shape == shipped[key].shape
        assert np.allclose(rebuilt[key], shipped[key], rtol=0, atol=1e-3), key
    validation = ROOT / "models" / "validation" / "provocation_fraud.jsonl"
    texts = [json.loads(line)["text"] for line in validation.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [p.labels for p in load_scorer(art).score_batch(texts)] == \
        [p.labels for p in load_scorer(DEFAULT_FAST_DIR).score_batch(texts)]
