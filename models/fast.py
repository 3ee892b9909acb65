"""The fast tier: linear heads over hashed word + char n-grams, as plain arrays.

Heads: incivility (dataset `Abusive`), hate (`HS`), hate target (individual/group) and SARA
category (religion/race/physical/gender/other); target and category heads are trained on hate
posts only, so they answer "which kind, given that it is hate".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np

from models.artifacts import ArtifactError, read_config
from models.features import Featurizer, FeatureSpec

__all__ = ["FastModel", "HEADS", "FAST_KIND", "WEIGHTS_NAME"]

FAST_KIND = "suhu-fast-linear"
WEIGHTS_NAME = "weights.npz"
# head -> dataset column
HEADS: dict[str, str] = {
    "incivility": "Abusive",
    "hate": "HS",
    "target_individual": "HS_Individual",
    "target_group": "HS_Group",
    "cat_religion": "HS_Religion",
    "cat_race": "HS_Race",
    "cat_physical": "HS_Physical",
    "cat_gender": "HS_Gender",
    "cat_other": "HS_Other",
}


class FastModel:
    """Immutable after construction, so one instance is safe to share across executor threads."""

    def __init__(self, featurizer: Featurizer, coef: np.ndarray, intercept: np.ndarray, heads: Sequence[str],
                 n_saved: int | None = None):
        if coef.shape != (len(featurizer.idf), len(heads)):  # type: ignore[arg-type]
            raise ArtifactError(f"coefficients have shape {coef.shape}, expected ({len(featurizer.idf)}, {len(heads)})")  # type: ignore[arg-type]
        # Heads past `n_saved` come from their own files (the fraud head): weights.npz keeps only the first ones.
        self.n_saved = len(heads) if n_saved is None else n_saved
        self.featurizer = featurizer
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.heads = tuple(heads)
        self.head_index = {h: i for i, h in enumerate(self.heads)}
        self.group_reader: Any = None  # models.reader.GroupReader, where the artifact has one (set by `load`)

    def predict(self, normalized: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (len(normalized), len(heads)), each row independent of the others."""
        if len(normalized) == 0:
            return np.zeros((0, len(self.heads)))
        x = self.featurizer.transform(normalized)
        z = np.asarray(x @ self.coef) + self.intercept
        p = 1.0 / (1.0 + np.exp(-z))
        p[np.diff(x.indptr) == 0] = 0.0  # no feature at all (empty, only `!`, only names): no evidence
        return p

    # -- persistence -------------------------------------------------------------------------
    def save_weights(self, directory: Path) -> None:
        assert self.featurizer.kept is not None and self.featurizer.idf is not None
        np.savez_compressed(
            directory / WEIGHTS_NAME,
            kept=self.featurizer.kept.astype(np.int32),
            idf=self.featurizer.idf.astype(np.float32),
            coef=self.coef[:, :self.n_saved].astype(np.float32),
            intercept=self.intercept[:self.n_saved].astype(np.float32),
        )

    @classmethod
    def load(cls, directory: Path) -> tuple["FastModel", dict]:  # type: ignore[type-arg]
        config = read_config(directory, FAST_KIND)
        try:
            spec = FeatureSpec.from_json(config["features"])
            heads = list(config["heads"])
            with np.load(Path(directory) / WEIGHTS_NAME, allow_pickle=False) as z:
                kept, idf, coef, intercept = z["kept"], z["idf"], z["coef"], z["intercept"]
        except (KeyError, ValueError, TypeError) as exc:
            raise ArtifactError(f"{directory}: malformed fast-tier artifact: {exc}") from None
        featurizer = Featurizer(spec, kept.astype(np.int64), idf.astype(np.float64))
        model = cls(featurizer, coef.astype(np.float64), intercept.astype(np.float64), heads)
        if "fraud_head" in config:  # listed in the checksums, so read_config has verified it
            from models.fraud_head import load_fraud_head

            try:
                extra = load_fraud_head(Path(directory), len(idf))
            except (KeyError, ValueError) as exc:
                raise ArtifactError(f"{directory}: malformed fraud head: {exc}") from None
            if extra is None:
                raise ArtifactError(f"{directory}: config has a fraud head but {config['fraud_head'].get('file')} is missing")
            model = model.with_head("fraud", *extra)
        if "group_reader" in config:  # listed in the checksums, so read_config has verified it
            from models.reader import load_group_reader

            try:
                model.group_reader = load_group_reader(Path(directory), config["group_reader"])
            except (KeyError, ValueError, OSError) as exc:
                raise ArtifactError(f"{directory}: malformed group reader: {exc}") from None
        return model, config

    def with_head(self, name: str, coef: np.ndarray, intercept: float) -> "FastModel":
        """This model plus one more head over the same features (the other heads' columns unchanged)."""
        return FastModel(self.featurizer, np.column_stack([self.coef, coef]), np.append(self.intercept, intercept),
                         [*self.heads, name], n_saved=self.n_saved)
