"""Features and NB weighting of the fast tier: what each row depends on, and which way NB leans."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from models.features import Featurizer, FeatureSpec, char_ngram_counts
from models.offline.train import nb_ratio


def test_within_word_char_ngrams_of_a_word_do_not_depend_on_its_neighbours() -> None:
    a = char_ngram_counts(["curang sekali"], 18, 2, 5, within_words=True)
    b = char_ngram_counts(["curang"], 18, 2, 5, within_words=True) + char_ngram_counts(["sekali"], 18, 2, 5,
                                                                                         within_words=True)
    assert (a != b).nnz == 0


def test_whole_text_char_ngrams_do_span_words() -> None:
    a = char_ngram_counts(["curang sekali"], 18, 2, 5)
    b = char_ngram_counts(["curang"], 18, 2, 5) + char_ngram_counts(["sekali"], 18, 2, 5)
    assert (a != b).nnz > 0


def test_within_word_ngram_count_is_that_of_each_padded_word() -> None:
    # " ab " gives 3 bigrams and 2 trigrams; " cd " the same.
    m = char_ngram_counts(["ab cd"], 16, 2, 3, within_words=True)
    assert m.sum() == 10


def test_a_row_is_the_same_alone_and_in_a_batch_with_within_word_ngrams() -> None:
    texts = ["dasar bodoh", "semoga pemilu damai", "", "kpu curang !"]
    fz = Featurizer(FeatureSpec(word_bits=14, char_bits=14, char_within_words=True))
    batch = fz.fit(texts, min_df=1)
    alone = sp.vstack([fz.transform([t]) for t in texts])
    assert abs(batch - alone).max() == 0


def test_specs_written_before_within_word_ngrams_load_as_whole_text_ngrams() -> None:
    old = {"word_ngrams": [1, 2], "char_ngrams": [2, 5], "word_bits": 20, "char_bits": 20}
    assert FeatureSpec.from_json(old).char_within_words is False
    assert FeatureSpec.from_json(FeatureSpec(char_within_words=True).to_json()).char_within_words is True


def test_nb_ratio_leans_towards_the_class_a_feature_is_seen_in() -> None:
    x = sp.csr_matrix(np.array([[1, 0, 1], [1, 0, 1], [0, 1, 1], [0, 1, 1]], dtype=float))
    y = np.array([1, 1, 0, 0])
    r = nb_ratio(x, y)
    assert r[0] > 0 > r[1]
    assert abs(r[2]) < 1e-12  # seen equally in both classes: no weight either way


def test_nb_ratio_counts_presence_not_tf_idf_magnitude() -> None:
    y = np.array([1, 0])
    small = nb_ratio(sp.csr_matrix(np.array([[0.1, 0.0], [0.0, 1.0]])), y)
    large = nb_ratio(sp.csr_matrix(np.array([[9.0, 0.0], [0.0, 1.0]])), y)
    assert np.allclose(small, large)
