"""The group reader (models/reader.py): a learned model over group-masked text that can only cap or raise the
hate score of posts that name a group, never read which group, and ships checksummed in the fast artifact."""

from __future__ import annotations

import numpy as np
import pytest

from models.artifacts import DEFAULT_FAST_DIR
from models.fast import FastModel
from models.normalize import normalize
from models.reader import READER_VERSION, read_hate
from models.sara import group_masked
from models.scorer import SuhuScorer, load_scorer


@pytest.fixture(scope="module")
def scorers() -> tuple[SuhuScorer, SuhuScorer]:
    fast, config = FastModel.load(DEFAULT_FAST_DIR)
    return SuhuScorer(fast, config), SuhuScorer(fast, {k: v for k, v in config.items() if k != "group_reader"})


def test_a_group_mention_becomes_its_category_placeholder_and_a_post_without_one_is_not_read() -> None:
    masked = group_masked(normalize("Gue benci orang Madura, mereka semua sama aja"))
    assert masked is not None and "madura" not in masked and "<grp_" in masked
    assert group_masked(normalize("Antrean di TPS 12 panjang sejak pagi, petugas sigap")) is None


def test_the_reader_caps_below_lo_raises_above_hi_and_leaves_the_middle_to_the_rules() -> None:
    assert read_hate(0.9, 0.02, lo=0.05, hi=0.8) == 0.02
    assert read_hate(0.01, 0.02, lo=0.05, hi=0.8) == 0.01  # a cap never raises
    assert read_hate(0.1, 0.95, lo=0.05, hi=0.8) == 0.95
    assert read_hate(0.99, 0.95, lo=0.05, hi=0.8) == 0.99  # a raise never lowers
    assert read_hate(0.3, 0.5, lo=0.05, hi=0.8) == 0.3


def test_the_shipped_scorer_has_the_reader_and_names_it_in_its_version() -> None:
    scorer = load_scorer()
    assert scorer.reader is not None and scorer.version.endswith(f"+{READER_VERSION}")
    assert 0.0 <= scorer.reader.lo < scorer.thresholds["hate"] < scorer.reader.hi <= 1.0


def test_posts_that_name_no_group_score_exactly_as_without_the_reader(scorers) -> None:  # type: ignore[no-untyped-def]
    on, off = scorers
    texts = ["Dasar goblok lo, kerja gak becus", "Ayo ke TPS, jangan golput!", "Quick count: 01 unggul tipis",
             "Koruptor itu sampah masyarakat", "Bawaslu temukan 12 pelanggaran di kecamatan kami"]
    assert all(group_masked(normalize(t)) is None for t in texts)
    assert [p.scores for p in on.score_batch(texts)] == [p.scores for p in off.score_batch(texts)]


def test_the_reader_cannot_tell_groups_of_one_category_apart(scorers) -> None:  # type: ignore[no-untyped-def]
    on, _ = scorers
    frames = ["orang {} itu semuanya licik dan tidak bisa dipercaya",
              "tidak benar kalau orang {} itu pemalas, itu cuma stereotip",
              "kemarin saya makan di warung orang {} dekat pasar"]
    for frame in frames:
        masked = [group_masked(normalize(frame.format(g))) for g in ("Jawa", "Bugis", "Madura", "Batak")]
        assert len(set(masked)) == 1
        p = on.reader.predict(masked)  # type: ignore[union-attr]
        assert np.ptp(p) == 0.0


def test_a_post_scores_the_same_alone_and_inside_a_batch_with_the_reader(scorers) -> None:  # type: ignore[no-untyped-def]
    on, _ = scorers
    texts = ["Orang Tionghoa itu cuma peduli duit", "Ayo ke TPS", "Saya tidak benci orang Papua", "USER URL", ""]
    batch = on.score_batch(texts)
    alone = [on.score_batch([t])[0] for t in texts]
    assert [p.scores for p in batch] == [p.scores for p in alone]
