"""What the scorer makes of a tier's raw hate probabilities: the content rule, the group evidence, then the group reader."""

from __future__ import annotations

from models.normalize import normalize
from models.reader import read_hate
from models.sara import group_evidence, group_masked
from models.scorer import MIN_CONTENT_WORDS, combine_hate, content_words


def with_group_evidence(scorer, texts: list[str], hate: list[float]) -> list[float]:  # type: ignore[no-untyped-def]
    """The hate scores `scorer` must emit for `texts` when its tier says `hate` (rounded as it rounds)."""
    known = scorer.fast.featurizer.knows_word
    out = []
    for t, h in zip(texts, hate):
        n = normalize(t)
        h = h if content_words(n) >= MIN_CONTENT_WORDS else 0.0
        hate = combine_hate(h, group_evidence(n, known), scorer.counter_speech_factor)
        masked = group_masked(n) if scorer.reader is not None else None
        if masked is not None:  # the group reader, on posts that name a group
            hate = read_hate(hate, float(scorer.reader.predict([masked])[0]), scorer.reader.lo, scorer.reader.hi)
        out.append(round(hate, 6))
    return out
