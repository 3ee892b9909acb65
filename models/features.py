"""Word + character n-gram features by hashing, with a pruned, committed feature set.

Why hashing: the feature space needs no vocabulary file and no pickled sklearn object; the
artifact is only the kept column ids, their idf and the coefficients (plain arrays in .npz).
Columns outside the kept set are dropped *before* tf-idf and L2 normalisation, in training and in
inference alike, so both paths compute exactly the same vector. Rows are independent, so a post
gets bit-identical features alone or in any batch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

__all__ = ["FeatureSpec", "Featurizer"]


@dataclass(frozen=True)
class FeatureSpec:
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    word_bits: int = 20
    char_bits: int = 20
    # True: character n-grams stay inside a word padded with spaces (sklearn's char_wb), so a
    # word's n-grams do not depend on its neighbours; False: n-grams run over the whole text.
    char_within_words: bool = False
    # True: entity placeholders (`ent_tokoh`, ...) and the `!`/`?` tokens are left out of the features.
    # Masking stops a *name* from carrying label weight; this stops the *type* of name from carrying it
    # too (in the training tweets, "a politician is named" alone predicts hate), and a cheer's `!` with it.
    drop_placeholders: bool = False

    def to_json(self) -> dict[str, object]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, d: dict[str, object]) -> "FeatureSpec":
        return cls(
            word_ngrams=tuple(d["word_ngrams"]),  # type: ignore[arg-type]
            char_ngrams=tuple(d["char_ngrams"]),  # type: ignore[arg-type]
            word_bits=int(d["word_bits"]),  # type: ignore[arg-type]
            char_bits=int(d["char_bits"]),  # type: ignore[arg-type]
            char_within_words=bool(d.get("char_within_words", False)),
            drop_placeholders=bool(d.get("drop_placeholders", False)),
        )

    @property
    def n_features(self) -> int:
        return (1 << self.word_bits) + (1 << self.char_bits)


_FNV_PRIME = np.uint64(1099511628211)
_MIX = np.uint64(0xFF51AFD7ED558CCD)
_S33 = np.uint64(33)


def _char_ngram_hits(normalized: Sequence[str], bits: int, n_min: int, n_max: int,
                     within_words: bool) -> tuple[np.ndarray, np.ndarray]:
    """(document, hashed column) of every character n-gram occurrence, unsorted (see char_ngram_counts)."""
    n_docs = len(normalized)
    if within_words:
        parts = [(" " + t.replace(" ", " \x01 ") + " ").encode("ascii", "replace") for t in normalized]
    else:
        parts = [(" " + t + " ").encode("ascii", "replace") for t in normalized]
    floor = np.uint64(1 if within_words else 0)
    buf = np.frombuffer(b"\x00".join(parts), dtype=np.uint8)
    lengths = np.fromiter((len(p) + 1 for p in parts), dtype=np.int64, count=n_docs)
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)[: len(buf)]
    arr = buf.astype(np.uint64)
    mask = np.uint64((1 << bits) - 1)
    rows_all, cols_all = [], []
    with np.errstate(over="ignore"):
        for n in range(n_min, n_max + 1):
            size = len(arr) - n + 1
            if size <= 0:
                continue
            h = np.full(size, np.uint64(14695981039346656037) ^ np.uint64(n), dtype=np.uint64)
            valid = np.ones(size, dtype=bool)
            for k in range(n):
                seg = arr[k:k + size]
                h = (h ^ seg) * _FNV_PRIME
                valid &= seg > floor
            h ^= h >> _S33
            h *= _MIX
            h ^= h >> _S33
            rows_all.append(doc_of[:size][valid])
            cols_all.append((h[valid] & mask).astype(np.int64))
    rows = np.concatenate(rows_all) if rows_all else np.zeros(0, dtype=np.int64)
    cols = np.concatenate(cols_all) if cols_all else np.zeros(0, dtype=np.int64)
    return rows, cols


def char_ngram_counts(normalized: Sequence[str], bits: int, n_min: int, n_max: int,
                      within_words: bool = False) -> sp.csr_matrix:
    """Hashed counts of character n-grams of " text ", vectorised over the whole batch.

    Replaces sklearn's per-n-gram Python loop (the fast tier's bottleneck) with numpy over one
    byte buffer; normalised text is ASCII, texts are separated by NUL and n-grams spanning a NUL are
    dropped, so each row depends on its own text only. With `within_words`, words are padded and
    separated by a 0x01 byte, and n-grams spanning it are dropped too (normalised text has no
    control characters, see normalize.py).
    """
    n_docs = len(normalized)
    rows, cols = _char_ngram_hits(normalized, bits, n_min, n_max, within_words)
    keys, counts = np.unique((rows << bits) | cols, return_counts=True)
    indptr = np.searchsorted(keys >> bits, np.arange(n_docs + 1), side="left")
    return sp.csr_matrix((counts.astype(np.float64), keys & ((1 << bits) - 1), indptr), shape=(n_docs, 1 << bits))


def _drop_placeholders(text: str) -> str:
    if "ent_" not in text and "!" not in text and "?" not in text:
        return text
    return " ".join(tok for tok in text.split() if not tok.startswith("ent_") and tok not in ("!", "?"))


def _word_ngrams(tokens: list[str], lo: int, hi: int, out: list[str]) -> None:
    """sklearn's word n-grams of a token list (lo..hi words, joined by one space), appended to `out`."""
    n_tok = len(tokens)
    for n in range(lo, min(hi, n_tok) + 1):
        if n == 1:
            out.extend(tokens)
        else:
            out.extend(" ".join(tokens[i:i + n]) for i in range(n_tok - n + 1))


class Featurizer:
    """Hashed counts -> kept columns -> sublinear tf * idf -> L2 per block (word, char)."""

    def __init__(self, spec: FeatureSpec, kept: np.ndarray | None = None, idf: np.ndarray | None = None):
        self.spec = spec
        common = dict(alternate_sign=False, norm=None, lowercase=False, dtype=np.float64)
        self._word = HashingVectorizer(
            analyzer="word", token_pattern=r"\S+", ngram_range=spec.word_ngrams,
            n_features=1 << spec.word_bits, **common,  # type: ignore[arg-type]
        )
        self.kept: np.ndarray | None = None
        self.idf: np.ndarray | None = None
        self._lookup: np.ndarray | None = None
        self._n_word_kept = 0
        if kept is not None and idf is not None:
            self.set_columns(kept, idf)

    def set_columns(self, kept: np.ndarray, idf: np.ndarray) -> None:
        kept = np.asarray(kept, dtype=np.int64)
        if np.any(np.diff(kept) <= 0):
            raise ValueError("kept feature ids must be strictly increasing")
        if len(idf) != len(kept):
            raise ValueError("idf and kept feature ids differ in length")
        # int32: a column index fits (fewer than 2^31 kept columns), and the table is one entry per
        # hashed feature (2^21), held by every featurizer of a loaded scorer: half the memory of int64.
        lookup = np.full(self.spec.n_features, -1, dtype=np.int32)
        lookup[kept] = np.arange(len(kept), dtype=np.int32)
        self.kept, self.idf, self._lookup = kept, np.asarray(idf, dtype=np.float64), lookup
        self._n_word_kept = int(np.searchsorted(kept, 1 << self.spec.word_bits))

    def knows_word(self, token: str) -> bool:
        """Whether a word had its own column in training (seen in >= min_df posts, up to hash collisions)."""
        if self._lookup is None:
            return False
        col = abs(murmurhash3_32(token, seed=0)) % (1 << self.spec.word_bits)
        return bool(self._lookup[col] >= 0)

    def counts(self, normalized: Sequence[str]) -> sp.csr_matrix:
        """Raw hashed counts over the full space (for fitting the kept set)."""
        if self.spec.drop_placeholders:
            normalized = [_drop_placeholders(t) for t in normalized]
        chars = char_ngram_counts(normalized, self.spec.char_bits, *self.spec.char_ngrams,
                                  within_words=self.spec.char_within_words)
        return sp.hstack([self._word.transform(normalized), chars], format="csr")

    def fit(self, normalized: Sequence[str], min_df: int = 2) -> sp.csr_matrix:
        counts = self.counts(normalized)
        df = np.bincount(counts.indices, minlength=self.spec.n_features)
        kept = np.flatnonzero(df >= min_df)
        n = counts.shape[0]
        idf = np.log((1.0 + n) / (1.0 + df[kept])) + 1.0
        self.set_columns(kept, idf)
        return self._finish(counts)

    def transform(self, normalized: Sequence[str]) -> sp.csr_matrix:
        """The same matrix as `_finish(counts(normalized))`, counted in the kept columns only.

        Occurrences outside the kept set are dropped before they are counted, and the counting sort
        runs on 32-bit keys (row x kept column) where they fit: the scoring path's biggest sort.
        """
        if self._lookup is None or self.idf is None:
            raise RuntimeError("featurizer has no kept columns: fit it or load an artifact")
        n_docs = len(normalized)
        n_kept = len(self.idf)
        # Word n-grams hashed as HashingVectorizer hashes them (murmurhash3 of the UTF-8 n-gram, |h| mod
        # 2^bits), without its per-batch overhead; unigram and bigram columns come before any char column.
        # Placeholders are dropped from the same token list (what `_drop_placeholders` does, split once).
        drop = self.spec.drop_placeholders
        lo, hi = self.spec.word_ngrams
        grams: list[str] = []
        per_doc = np.zeros(n_docs, dtype=np.int64)
        texts: list[str] = []
        for r, text in enumerate(normalized):
            tokens = text.split()
            if drop and ("ent_" in text or "!" in text or "?" in text):
                tokens = [tok for tok in tokens if not tok.startswith("ent_") and tok not in ("!", "?")]
                text = " ".join(tokens)
            texts.append(text)
            before = len(grams)
            _word_ngrams(tokens, lo, hi, grams)
            per_doc[r] = len(grams) - before
        normalized = texts
        h = np.fromiter((murmurhash3_32(g, seed=0) for g in grams), dtype=np.int64, count=len(grams))
        w_cols = self._lookup[np.abs(h) % (1 << self.spec.word_bits)]
        w_rows = np.repeat(np.arange(n_docs, dtype=np.int64), per_doc)
        rows, cols = _char_ngram_hits(normalized, self.spec.char_bits, *self.spec.char_ngrams,
                                      within_words=self.spec.char_within_words)
        cols = self._lookup[cols + (1 << self.spec.word_bits)]
        rows, cols = np.concatenate([w_rows, rows]), np.concatenate([w_cols, cols])
        keep = cols >= 0
        keys = rows[keep] * n_kept + cols[keep]
        if n_docs * n_kept < (1 << 32):
            keys = keys.astype(np.uint32)  # sorts in half the time
        keys, counts = np.unique(keys, return_counts=True)
        keys = keys.astype(np.int64)
        rows, cols, vals = keys // n_kept, keys % n_kept, counts.astype(np.float64)
        return self._scale(rows, cols, vals, n_docs)

    def _finish(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        assert self._lookup is not None and self.idf is not None
        counts.sort_indices()
        cols = self._lookup[counts.indices]
        keep = cols >= 0
        row_of = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        return self._scale(row_of[keep], cols[keep], counts.data[keep], counts.shape[0])

    def _scale(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_docs: int) -> sp.csr_matrix:
        """Counts (rows ascending, kept columns ascending within a row) -> sublinear tf x idf, L2 per block."""
        assert self.idf is not None
        vals = (1.0 + np.log(vals)) * self.idf[cols]
        # L2 per block per row, so word and char features weigh the same whatever the post length.
        block = (cols >= self._n_word_kept).astype(np.int64)
        key = rows * 2 + block
        sq = np.bincount(key, weights=vals * vals, minlength=n_docs * 2)
        norms = np.sqrt(sq)
        vals = vals / norms[key]
        indptr = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n_docs), out=indptr[1:])
        return sp.csr_matrix((vals, cols, indptr), shape=(n_docs, len(self.idf)))
