"""The group reader: a linear model over group-masked text that reads *what is said about a group*.

Why: the group rules (models/sara.py) read hate as a group near a hostile predicate, with hand-written context
rules for negation, counter-speech and stereotype frames; each new frame is another rule, and the rules tuned on
one writer's suites gained little on suites written by others (model card, "Group rules on the blind and
development suites"). The reader learns those frames from every development functional suite at once, with
the group replaced by its category (``<grp_race>``: models.sara.group_masked), so no group name can carry
weight. It runs only on posts that name a group, and only moves the hate score at its confident ends:

- ``p < lo``: the reader is confident the post does not attack the group (a negation, a defence, an answer
  to hate, a neutral report): hate is capped at ``p``;
- ``p > hi``: it is confident the post does: hate is raised to ``p``.

In between the rules and heads decide alone. Its weights live in the fast artifact's own file
(``group_reader.npz``: kept columns, idf, coef, intercept) with its section in config.json, checksummed like
every other file; training and its cross-validation are in models/offline/reader_training.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from models.features import FeatureSpec, Featurizer

__all__ = ["READER_VERSION", "READER_FILE", "READER_FEATURES", "GroupReader", "load_group_reader", "read_hate"]

READER_VERSION = "reader-v3"
READER_FILE = "group_reader.npz"
READER_FEATURES = FeatureSpec(word_ngrams=(1, 3), char_ngrams=(2, 5), word_bits=20, char_bits=20,
                              char_within_words=True, drop_placeholders=False)


@dataclass(frozen=True)
class GroupReader:
    """Immutable after construction (safe across executor threads)."""

    featurizer: Featurizer
    coef: np.ndarray
    intercept: float
    lo: float
    hi: float
    version: str = READER_VERSION

    def predict(self, masked: Sequence[str]) -> np.ndarray:
        """P(the post attacks the group) for each group-masked text."""
        if not masked:
            return np.zeros(0)
        x = self.featurizer.transform(list(masked))
        z = np.asarray(x @ self.coef).ravel() + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


def read_hate(hate: float, p: float, lo: float, hi: float) -> float:
    """The hate score after the reader: capped at p where p < lo, raised to p where p > hi, else unchanged."""
    if p < lo:
        return min(hate, p)
    if p > hi:
        return max(hate, p)
    return hate


def load_group_reader(directory: Path, section: Mapping[str, Any]) -> GroupReader:
    path = Path(directory) / str(section.get("file", READER_FILE))
    with np.load(path, allow_pickle=False) as z:
        kept, idf, coef, intercept = z["kept"], z["idf"], z["coef"], z["intercept"]
    if coef.shape != idf.shape or kept.shape != idf.shape:
        raise ValueError(f"{path}: kept/idf/coef shapes differ: {kept.shape} {idf.shape} {coef.shape}")
    spec = FeatureSpec.from_json(section["features"]) if "features" in section else READER_FEATURES
    featurizer = Featurizer(spec, kept.astype(np.int64), idf.astype(np.float64))
    return GroupReader(featurizer, coef.astype(np.float64), float(intercept[0]), float(section["lo"]),
                       float(section["hi"]), str(section.get("version", READER_VERSION)))
