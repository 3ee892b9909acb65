"""Validate + score a batch of raw messages: the stage-one core shared by the worker and backtest."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from models.base import Scorer
from streams.core.contract import ContractLimits, Pseudonymizer, Rejection, validate_post
from streams.core.gazetteer import gazetteer
from streams.core.records import Post, ScoredPost
from streams.core.settings import Settings


@dataclass
class BatchResult:
    scored: list[tuple[int, ScoredPost]] = field(default_factory=list)  # (index in batch, post)
    rejected: list[tuple[int, Rejection]] = field(default_factory=list)
    scoring_seconds: float = 0.0


class PostProcessor:
    """Stateless apart from its configuration: safe to call from an executor thread."""

    def __init__(
        self,
        scorer: Scorer,
        limits: ContractLimits,
        pseudonymize: Callable[[str, str], str],
        clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
        claims: Any = None,
    ) -> None:
        self.scorer = scorer
        self.limits = limits
        self.pseudonymize = pseudonymize
        self.clock_ms = clock_ms
        self.claims = claims  # a streams.core.claim_index.ClaimIndex (updated live) or None: known_hoax stays 0

    @classmethod
    def from_settings(cls, settings: Settings, scorer: Scorer) -> "PostProcessor":
        # The place gazetteer loads on first use (0.5-2 s); pay it at start-up, not on the first post.
        gazetteer()
        return cls(scorer, ContractLimits.from_settings(settings), Pseudonymizer.from_settings(settings))

    def validate(self, raws: Sequence[bytes]) -> tuple[list[tuple[int, Post]], list[tuple[int, Rejection]]]:
        now = self.clock_ms()
        valid: list[tuple[int, Post]] = []
        rejected: list[tuple[int, Rejection]] = []
        for i, raw in enumerate(raws):
            outcome = validate_post(raw, limits=self.limits, pseudonymize=self.pseudonymize, now_ms=now)
            if isinstance(outcome, Rejection):
                rejected.append((i, outcome))
            else:
                valid.append((i, outcome))
        return valid, rejected

    def process(self, raws: Sequence[bytes]) -> BatchResult:
        valid, rejected = self.validate(raws)
        result = BatchResult(rejected=rejected)
        if not valid:
            return result
        started = time.perf_counter()
        try:
            scores = self.scorer.score_batch([post.text for _, post in valid])
        except Exception as exc:  # noqa: BLE001 - a scorer failure must dead-letter, not kill the partition
            detail = f"scorer raised {type(exc).__name__}"
            result.rejected.extend((i, Rejection("scoring_failed", detail)) for i, _ in valid)
            result.rejected.sort()
            return result
        matches: list[tuple[Any, str | None, str | None]] = [(ps, None, None) for ps in scores]
        if self.claims is not None:
            from streams.core.hoaxes import apply_claims

            matches = apply_claims(self.claims, [post.text for _, post in valid], scores)
        result.scoring_seconds = time.perf_counter() - started
        version = self.scorer.version
        for (i, post), (ps, claim_id, stance) in zip(valid, matches):
            result.scored.append(
                (i, ScoredPost(post, ps.scores, ps.labels, ps.hate_target, ps.hate_category, version,
                               ps.hate_entity, hoax_claim_id=claim_id, hoax_stance=stance))
            )
        return result
