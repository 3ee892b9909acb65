"""The alternative measured against streams/core/claim_index.py (docs/HOAXES.md): datasketch MinHash-LSH.

Shingles are the same normalised, affix-stripped words and word bigrams; LSH (Jaccard threshold
``lsh_threshold``) proposes candidates, the estimated Jaccard ranks them, a match needs ``threshold``.
Stance is decided by the same rule as the index (stance_of), so only the similarity differs.
"""

from __future__ import annotations

from typing import Iterable

from datasketch import MinHash, MinHashLSH

from models.normalize import normalize_plain
from streams.core.claim_index import ClaimMatch, _bigrams, stance_of, tokens
from streams.core.claims import Claim


def _shingles(toks: list[str]) -> set[bytes]:
    return {t.encode() for t in toks} | {b.encode() for b in _bigrams(toks)}


class MinHashMatcher:
    def __init__(self, claims: Iterable[Claim], num_perm: int = 64, lsh_threshold: float = 0.15,
                 threshold: float = 0.3) -> None:
        self.num_perm, self.threshold = num_perm, threshold
        self.lsh = MinHashLSH(threshold=lsh_threshold, num_perm=num_perm)
        self.sigs: dict[str, MinHash] = {}
        self.words: dict[str, set[str]] = {}
        for c in claims:
            toks = tokens(normalize_plain(c.text))
            m = self._minhash(toks)
            self.sigs[c.id] = m
            self.words[c.id] = set(toks)
            self.lsh.insert(c.id, m)

    def _minhash(self, toks: list[str]) -> MinHash:
        m = MinHash(num_perm=self.num_perm)
        m.update_batch(list(_shingles(toks)))
        return m

    def match(self, text: str) -> ClaimMatch | None:
        norm = normalize_plain(text)
        toks = tokens(norm)
        if not toks:
            return None
        m = self._minhash(toks)
        cands = self.lsh.query(m)
        if not cands:
            return None
        best = max(cands, key=lambda cid: (m.jaccard(self.sigs[cid]), cid))
        j = m.jaccard(self.sigs[best])
        stance, _ = stance_of(norm, text, self.words[best])
        return ClaimMatch(best, j, j, stance, j >= self.threshold, {"jaccard": j})
