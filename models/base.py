"""The scoring contract shared by every tier, the worker and `suhu score`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Protocol, Sequence

# The signals every post gets, each a float in [0, 1]. `known_hoax`: the post spreads a claim from the
# debunked-claims catalogue (streams/core/claim_index.py); 0 where no catalogue is loaded.
SIGNALS: tuple[str, ...] = ("incivility", "hate", "provocation", "fraud_claim", "tension", "known_hoax")
HATE_TARGETS: tuple[str, ...] = ("individual", "group")
HATE_CATEGORIES: tuple[str, ...] = ("religion", "race", "gender", "physical", "other")


@dataclass(frozen=True, slots=True)
class PostScores:
    scores: Mapping[str, float]  # signal -> probability-like score in [0, 1]
    labels: tuple[str, ...]  # signals whose score is >= its calibrated decision threshold
    hate_target: str | None = None  # where `hate` fires: individual | group
    hate_category: str | None = None  # where `hate` fires: religion | race | gender | physical | other
    # where `hate` fires on a post naming a political entity: its type (tokoh, partai, paslon, nomor_urut, tagar)
    hate_entity: str | None = None
    # normalize_plain of the scored text (before entity masking), for the claim matcher to reuse
    # (streams/core/hoaxes.py apply_claims); not part of the scores: not compared, shown or serialised.
    plain: str | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "scores": dict(self.scores),
            "labels": list(self.labels),
            "hate_target": self.hate_target,
            "hate_category": self.hate_category,
            "hate_entity": self.hate_entity,
        }


class Scorer(Protocol):
    """Batch-first: one call per batch of texts, stable return type, same order as the input."""

    version: str
    thresholds: Mapping[str, float]

    def score_batch(self, texts: Sequence[str]) -> list[PostScores]: ...
