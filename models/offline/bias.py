"""Unintended-bias metrics: does a score depend on *who* a post names rather than what it says?

- False-positive rate on civil posts, split by whether they name a political entity: the number the
  operations room feels (debate night lights the map when naming a candidate reads as hate).
- Subgroup AUC, BPSN AUC and BNSP AUC (Borkan et al. 2019, "Nuanced Metrics for Measuring
  Unintended Bias with Real Data for Text Classification"): for the posts that mention a subgroup,
  how well the score separates positives from negatives within the subgroup (subgroup AUC), subgroup
  negatives from background positives (BPSN: low when naming the subgroup raises the score) and
  subgroup positives from background negatives (BNSP: low when naming it lowers the score).
Pure functions over arrays; the subgroup of a post comes from the entity placeholders in its
normalised text (models.entities).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

__all__ = ["false_positive_rates", "subgroup_aucs", "mentions_of"]


def _auc(y: np.ndarray, s: np.ndarray) -> float | None:
    if len(set(y.tolist())) < 2:
        return None
    from sklearn.metrics import roc_auc_score

    return round(float(roc_auc_score(y, s)), 4)


def false_positive_rates(y: np.ndarray, pred: np.ndarray, names: np.ndarray) -> dict[str, float | int | None]:
    """FPR among negatives overall, among those that name an entity, and among those that name none."""
    neg = y == 0

    def rate(mask: np.ndarray) -> float | None:
        m = neg & mask
        return round(float(pred[m].mean()), 4) if m.any() else None

    with_names, without = rate(names), rate(~names)
    gap = None if with_names is None or without is None else round(with_names - without, 4)
    return {"fpr": rate(np.ones_like(neg)), "fpr_names": with_names, "fpr_no_names": without, "gap": gap,
            "negatives": int(neg.sum()), "negatives_names": int((neg & names).sum()),
            "negatives_no_names": int((neg & ~names).sum())}


def subgroup_aucs(y: np.ndarray, score: np.ndarray,
                  subgroups: Mapping[str, np.ndarray]) -> dict[str, dict[str, float | int | None]]:
    """Borkan et al.'s three AUCs per subgroup (None where a side has no examples)."""
    out: dict[str, dict[str, float | int | None]] = {}
    pos, neg = y == 1, y == 0
    for name, member in subgroups.items():
        bpsn = (member & neg) | (~member & pos)
        bnsp = (member & pos) | (~member & neg)
        out[name] = {
            "n": int(member.sum()),
            "positives": int((member & pos).sum()),
            "subgroup_auc": _auc(y[member], score[member]),
            "bpsn_auc": _auc(y[bpsn], score[bpsn]),
            "bnsp_auc": _auc(y[bnsp], score[bnsp]),
        }
    return out


def mentions_of(masked_texts: Sequence[str], types: Sequence[str]) -> dict[str, np.ndarray]:
    """Boolean membership per entity type (and `any_entity`) from masked, normalised texts."""
    from models.entities import PLACEHOLDER

    tokens = [set(t.split()) for t in masked_texts]
    out = {t: np.array([PLACEHOLDER[t] in toks for toks in tokens], dtype=bool) for t in types}
    out["any_entity"] = np.logical_or.reduce(list(out.values())) if out else np.zeros(len(tokens), dtype=bool)
    return out
