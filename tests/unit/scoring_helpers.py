"""What the scorer makes of a tier's raw hate probabilities once the group evidence is added."""

from __future__ import annotations

from models.normalize import normalize
from models.sara import group_evidence
from models.scorer import combine_hate


def with_group_evidence(scorer, texts: list[str], hate: list[float]) -> list[float]:  # type: ignore[no-untyped-def]
    """The hate scores `scorer` must emit for `texts` when its tier says `hate` (rounded as it rounds)."""
    known = scorer.fast.featurizer.knows_word
    return [round(combine_hate(h, group_evidence(normalize(t), known), scorer.counter_speech_factor), 6)
            for t, h in zip(texts, hate)]
