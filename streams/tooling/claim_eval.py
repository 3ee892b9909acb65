"""Measure claim matching on a labelled set: top-1 claim accuracy, stance accuracy, false matches.

Pure; used by bench/eval_hoaxes.py and the evaluation unit test (tests/unit/test_hoaxes_eval.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import orjson

__all__ = ["MatchingReport", "evaluate_matching", "read_jsonl"]


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in Path(path).read_bytes().splitlines() if line.strip()]


@dataclass
class MatchingReport:
    posts: int = 0
    ranked_correct: int = 0  # the best candidate is the right claim, whatever its similarity
    ranked_stance: int = 0  # ... and its stance is right
    top1_correct: int = 0  # the best candidate is the right claim AND over the match threshold
    stance_correct: int = 0
    civil: int = 0
    civil_false: int = 0
    by_stance: dict[str, list[int]] = field(default_factory=dict)  # stance -> [n, top1 correct, stance correct]
    misses: list[dict[str, Any]] = field(default_factory=list)  # ids only, never text

    @property
    def top1_accuracy(self) -> float:
        return self.top1_correct / self.posts if self.posts else 0.0

    @property
    def ranked_accuracy(self) -> float:
        return self.ranked_correct / self.posts if self.posts else 0.0

    @property
    def ranked_stance_accuracy(self) -> float:
        return self.ranked_stance / self.posts if self.posts else 0.0

    @property
    def stance_accuracy(self) -> float:
        return self.stance_correct / self.posts if self.posts else 0.0

    @property
    def civil_false_rate(self) -> float:
        return self.civil_false / self.civil if self.civil else 0.0

    def summary(self) -> dict[str, Any]:
        return {"posts": self.posts, "ranked_top1_accuracy": round(self.ranked_accuracy, 4),
                "ranked_stance_accuracy": round(self.ranked_stance_accuracy, 4),
                "top1_accuracy": round(self.top1_accuracy, 4),
                "stance_accuracy": round(self.stance_accuracy, 4), "civil": self.civil,
                "civil_false_matches": self.civil_false, "civil_false_rate": round(self.civil_false_rate, 4),
                "by_stance": {k: {"n": v[0], "top1": round(v[1] / v[0], 4), "stance": round(v[2] / v[0], 4)}
                              for k, v in sorted(self.by_stance.items()) if v[0]}}


def _stance(label: Any) -> str:
    s = str(label or "spreading").lower()
    return "debunking" if s.startswith(("debunk", "counter", "refut", "fact")) else "spreading"


def evaluate_matching(match: Any, posts: Sequence[Mapping[str, Any]],
                      civil: Iterable[Mapping[str, Any]] = ()) -> MatchingReport:
    """``match(text)`` -> a ClaimMatch or None. Posts carry ``claim_id`` and ``stance``."""
    r = MatchingReport()
    for p in posts:
        want = p.get("claim_id")
        if not want:
            continue
        stance = _stance(p.get("stance"))
        m = match(p["text"])
        ok = m is not None and m.matched and m.claim_id == want
        st_ok = ok and m.stance == stance
        r.posts += 1
        ranked = m is not None and m.claim_id == want
        r.ranked_correct += ranked
        r.ranked_stance += ranked and m.stance == stance
        r.top1_correct += ok
        r.stance_correct += st_ok
        row = r.by_stance.setdefault(stance, [0, 0, 0])
        row[0] += 1
        row[1] += ok
        row[2] += st_ok
        if not (ok and st_ok):
            r.misses.append({"id": p.get("id"), "want": want, "stance": stance,
                             "got": None if m is None else m.claim_id, "matched": bool(m and m.matched),
                             "got_stance": None if m is None else m.stance,
                             "sim": None if m is None else m.similarity})
    for c in civil:
        r.civil += 1
        m = match(c["text"])
        if m is not None and m.matched:
            r.civil_false += 1
            r.misses.append({"id": c.get("id"), "want": None, "got": m.claim_id, "sim": m.similarity})
    return r
