"""The scorer the worker and `suhu score` share: normalise once (entities masked), fast tier,
group-hate evidence, lexicon, optional transformer tier, tension composite. Scores are rounded to 6 decimals and every post is scored
independently of its batch-mates, so the live worker and the offline command agree exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from models.artifacts import DEFAULT_FAST_DIR
from models.base import SIGNALS, PostScores
from models.fast import FastModel
from models.entities import ENTITY_TYPES, entity_types_in, mask_entities
from models.fraud_head import combine_fraud
from models.normalize import NORMALIZER_VERSION, normalize_plain
from models.reader import read_hate
from models.sara import SARA_VERSION, GroupEvidence, group_evidence, group_masked
from models.signals import LexiconSignals, fraud_claim_score, provocation_score, tension_score

__all__ = ["load_scorer", "SuhuScorer", "TRANSFORMER_MODES", "combine_hate", "COUNTER_SPEECH_FACTOR", "content_words",
           "MIN_CONTENT_WORDS"]

TRANSFORMER_MODES = ("off", "cascade", "all")
_CATEGORIES = ("religion", "race", "physical", "gender", "other")
_DECIMALS = 6
# A post that denounces, negates or reports hate keeps this share of its hate score (models/sara.py).
COUNTER_SPEECH_FACTOR = 0.3
# Abuse of a group defined by conduct ("koruptor anjing semua") reads as hate to heads trained on tweets that
# label it so; with no protected group named, their hate counts half (models.sara.GroupEvidence.conduct_only).
CONDUCT_ONLY_FACTOR = 0.5
# The heads' `hate` needs this many words of content: a cheer ("Prabowo!!!", "Hidup Ganjar!") or a bare
# word says nothing about a group; group evidence (two words at least) still applies.
MIN_CONTENT_WORDS = 2
_NOT_CONTENT = frozenset({"!", "?", "user", "url", "haha", "q_kutip"})


def content_words(normalized: str) -> int:
    """Words that carry content: not punctuation, placeholders, emoji classes, `user`/`url` or laughter."""
    return sum(1 for tok in normalized.split()
               if tok not in _NOT_CONTENT and not tok.startswith(("ent_", "emo_")))


def _has_content_words(normalized: str, n: int) -> bool:
    """content_words(normalized) >= n, stopping at the n-th word of content."""
    found = 0
    for tok in normalized.split():
        if tok not in _NOT_CONTENT and not tok.startswith(("ent_", "emo_")):
            found += 1
            if found >= n:
                return True
    return found >= n


KNOWN_HOAX_THRESHOLD = 0.5  # = streams.core.claim_index.MATCH_THRESHOLD (the calibrated match level)
MAX_SCORED_CHARS = 20_000  # longer posts are scored on their first 20k characters (bounded cost)


class SuhuScorer:
    """Implements models.base.Scorer. Read-only after construction: safe in executor threads."""

    def __init__(self, fast: FastModel, config: Mapping[str, object], transformer: object | None = None,
                 transformer_mode: str = "off", cascade_margin: float = 0.25):
        if transformer_mode not in TRANSFORMER_MODES:
            raise ValueError(f"transformer_mode must be one of {TRANSFORMER_MODES}, got {transformer_mode!r}")
        if transformer_mode != "off" and transformer is None:
            raise ValueError("transformer_mode is cascade/all but no transformer was loaded")
        self.fast = fast
        self.config = dict(config)
        trained_on = str(self.config.get("normalizer_version", "1"))
        if trained_on != NORMALIZER_VERSION:
            raise ValueError(f"model {self.config.get('version')} was trained with normaliser v{trained_on}, "
                             f"this code normalises with v{NORMALIZER_VERSION}: retrain it (suhu train)")
        rules = dict(self.config.get("group_rules") or {})
        self.group_rules = bool(rules)
        self.counter_speech_factor = float(rules.get("counter_speech_factor", COUNTER_SPEECH_FACTOR))
        self.transformer = transformer if transformer_mode != "off" else None
        self.transformer_mode = transformer_mode
        self.cascade_margin = float(cascade_margin)
        fast_thresholds = dict(self.config["thresholds"])  # type: ignore[call-overload]
        self.fast_thresholds: dict[str, float] = {k: float(v) for k, v in fast_thresholds.items()}
        # Claim matching sets known_hoax after scoring (streams/core/hoaxes.py); its decision level is fixed.
        self.fast_thresholds.setdefault("known_hoax", KNOWN_HOAX_THRESHOLD)
        thresholds = dict(self.fast_thresholds)
        # The fraud head (models/fraud_head.py), when the artifact has one: combined with the lexicon's fraud_claim.
        head = dict(self.config.get("fraud_head") or {})
        self._fraud = self.fast.head_index.get("fraud")
        self.fraud_head_threshold = float(head.get("threshold", 0.5))
        self.fraud_head_veto = float(head.get("veto", 0.0))  # v4: where the head reads a post as civil
        version = str(self.config["version"])
        if self._fraud is not None:
            version += f"+{head['version']}"
        version += f"+{LexiconSignals.version}"
        if self.group_rules:
            version += f"+sara-v{SARA_VERSION}"
        # The group reader (models/reader.py), where the artifact has one: it reads group posts after the rules.
        self.reader = fast.group_reader if self.group_rules and "group_reader" in self.config else None
        if self.reader is not None:
            version += f"+{self.reader.version}"
        if self.transformer is not None:
            tt = self.transformer.thresholds  # type: ignore[attr-defined]
            if transformer_mode == "all":
                thresholds.update(tt)
            version += f"+{self.transformer.version}-{transformer_mode}"  # type: ignore[attr-defined]
        missing = set(SIGNALS) - set(thresholds)
        if missing:
            raise ValueError(f"no threshold for {sorted(missing)}")
        self.thresholds: Mapping[str, float] = thresholds
        self.version: str = version
        self._ci = self.fast.head_index

    def score_batch(self, texts: Sequence[str]) -> list[PostScores]:
        clean = [t[:MAX_SCORED_CHARS] if isinstance(t, str) else ("" if t is None else str(t)[:MAX_SCORED_CHARS])
                 for t in texts]
        plain = [normalize_plain(t) for t in clean]
        normalized = [mask_entities(t) for t in plain]  # = models.normalize.normalize(clean[i])
        probs = self.fast.predict(normalized)
        inc = probs[:, self._ci["incivility"]]
        hate = probs[:, self._ci["hate"]]
        fraud_head = probs[:, self._fraud] if self._fraud is not None else None
        thresholds = [dict(self.fast_thresholds) for _ in clean]
        if self.transformer is not None:
            inc, hate = inc.copy(), hate.copy()
            if self.transformer_mode == "all":
                chosen = list(range(len(clean)))
            else:
                m = self.cascade_margin
                unsure = (np.abs(inc - self.fast_thresholds["incivility"]) < m) | (
                    np.abs(hate - self.fast_thresholds["hate"]) < m)
                chosen = [int(i) for i in np.flatnonzero(unsure)]
            if chosen:
                tprobs = self.transformer.predict([clean[i] for i in chosen])  # type: ignore[attr-defined]
                for row, i in enumerate(chosen):
                    inc[i] = tprobs[row]["incivility"]
                    hate[i] = tprobs[row]["hate"]
                    thresholds[i].update(self.transformer.thresholds)  # type: ignore[attr-defined]
        evidences = ([group_evidence(text, self.fast.featurizer.knows_word) for text in normalized]
                     if self.group_rules else [None] * len(normalized))
        read: dict[int, float] = {}
        if self.reader is not None:  # one batch over the posts that name a group
            masked = {i: m for i, m in ((i, group_masked(t)) for i, t in enumerate(normalized)) if m is not None}
            read = dict(zip(masked, (float(p) for p in self.reader.predict(list(masked.values())))))
        out: list[PostScores] = []
        for i, text in enumerate(normalized):
            model_hate = float(hate[i]) if _has_content_words(text, MIN_CONTENT_WORDS) else 0.0
            provocation = provocation_score(text)
            evidence = evidences[i]
            combined_hate = combine_hate(model_hate, evidence, self.counter_speech_factor)
            if i in read:
                combined_hate = read_hate(combined_hate, read[i], self.reader.lo, self.reader.hi)  # type: ignore[union-attr]
            if evidence is not None:
                if evidence.threat:
                    provocation = round(1.0 - (1.0 - provocation) * (1.0 - evidence.threat), _DECIMALS)
            scores = {
                "incivility": round(float(inc[i]), _DECIMALS),
                "hate": round(combined_hate, _DECIMALS),
                "provocation": provocation,
                "fraud_claim": fraud_claim_score(text),
            }
            if fraud_head is not None:  # combine_fraud leaves the lexicon's score where the head does not decide
                scores["fraud_claim"] = combine_fraud(scores["fraud_claim"], float(fraud_head[i]),
                                                      self.fraud_head_threshold, text, self.fraud_head_veto)
            scores["tension"] = tension_score(scores)
            scores["known_hoax"] = 0.0  # set by claim matching where a catalogue is loaded
            th = thresholds[i]
            labels = tuple(s for s in SIGNALS if scores[s] >= th[s])
            target = category = entity = None
            if "hate" in labels:
                if evidence is not None and evidence.hate > model_hate:
                    target, category = "group", evidence.category
                else:
                    row = probs[i]
                    target = ("individual" if row[self._ci["target_individual"]] >= row[self._ci["target_group"]]
                              else "group")
                    category = max(_CATEGORIES, key=lambda c: (row[self._ci["cat_" + c]], -_CATEGORIES.index(c)))
                named = entity_types_in(text)
                entity = next((t for t in ENTITY_TYPES if t in named), None)
            out.append(PostScores(scores={s: scores[s] for s in SIGNALS}, labels=labels,
                                  hate_target=target, hate_category=category, hate_entity=entity,
                                  plain=plain[i]))
        return out


def combine_hate(model_hate: float, evidence: GroupEvidence | None,
                 counter_speech_factor: float = COUNTER_SPEECH_FACTOR) -> float:
    """Noisy-OR of the heads and the group evidence: either is enough; counter-speech damps both."""
    if evidence is None:
        return model_hate
    if evidence.conduct_only:
        model_hate *= CONDUCT_ONLY_FACTOR
    hate = 1.0 - (1.0 - model_hate) * (1.0 - evidence.hate)
    return hate * counter_speech_factor if evidence.counter_speech else hate


def load_scorer(model_dir: Path | None = None, transformer_dir: Path | None = None,
                transformer_mode: str = "off", torch_threads: int = 1,
                transformer_max_length: int = 128, transformer_batch_size: int = 32,
                cascade_margin: float = 0.25) -> SuhuScorer:
    """Load the committed defaults (model_dir=None) or a trained artifact; fail loudly if incomplete."""
    if transformer_mode not in TRANSFORMER_MODES:
        raise ValueError(f"transformer_mode must be one of {TRANSFORMER_MODES}, got {transformer_mode!r}")
    fast, config = FastModel.load(Path(model_dir) if model_dir is not None else DEFAULT_FAST_DIR)
    transformer = None
    if transformer_mode != "off":
        if transformer_dir is None:
            raise ValueError("transformer_mode is cascade/all but transformer_dir is not set")
        from models.transformer import TransformerTier  # lazy: torch is optional

        transformer = TransformerTier.load(Path(transformer_dir), threads=torch_threads,
                                           max_length=transformer_max_length, batch_size=transformer_batch_size)
    return SuhuScorer(fast, config, transformer, transformer_mode, cascade_margin)
