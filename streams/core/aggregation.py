"""Mergeable per-pane aggregates and the per-window result the thresholds are compared with.

Scores are quantised to integer basis points (0..10000) when a post's contribution is recorded,
so sums and histograms are exact integers: merging panes in any order, or rebuilding them from
the changelog after a restart, gives bit-identical window results (and so identical alerts).
Authors are counted exactly (a set of pseudonyms, a few hundred per region and window), and a
per-author cap keeps one account posting 200 times from lighting up a region on its own.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from models.base import SIGNALS

__all__ = [
    "SCALE",
    "BINS",
    "EXAMPLES",
    "METRICS",
    "quantise",
    "PaneAgg",
    "WindowAgg",
    "SignalStats",
    "WindowResult",
    "merge",
    "SOURCE_FIELD",
    "SOURCE_PROFILE",
    "SOURCE_TEXT",
    "SOURCE_NAMES",
]

SCALE = 10_000  # basis points: a score of 0.1234 is stored as 1234
BINS = 20  # fixed histogram bins on [0, 1] for approximate quantiles
EXAMPLES = 3  # example post ids kept per signal (ids only, never text)
NS = len(SIGNALS)
_SUM = 1 + NS  # author record layout: [n, over_0..over_{NS-1}, sum_0..sum_{NS-1}]
_REC = 1 + 2 * NS
_FP = 1_000_000  # fixed-point scale for author-capped sums
_OVER: tuple[tuple[int, ...], ...] = tuple(tuple(bits >> i & 1 for i in range(NS)) for bits in range(1 << NS))

# What a threshold can be compared with (thresholds.py validates against this list).
METRICS: tuple[str, ...] = ("capped_share", "share", "capped_mean", "mean", "p90", "p99")


def quantise(score: float) -> int:
    """A score in [0, 1] as integer basis points; raises ValueError on NaN/inf/out of range."""
    f = float(score)
    if not 0.0 <= f <= 1.0:  # also false for NaN
        raise ValueError(f"score {score!r} is not in [0, 1]")
    return int(f * SCALE + 0.5)


def _top(examples: list[tuple[int, str]], score: int, post_id: str) -> None:
    item = (score, post_id)
    if len(examples) < EXAMPLES:
        examples.append(item)
        examples.sort(reverse=True)
    elif item > examples[-1] and item not in examples:
        examples[-1] = item
        examples.sort(reverse=True)


# Where a post's region came from, as counted in panes: the index of records.REGION_SOURCES
# (a post without a known region never reaches a pane, so "none" is not counted).
SOURCE_FIELD, SOURCE_PROFILE, SOURCE_TEXT = 0, 1, 2
SOURCE_NAMES: tuple[str, ...] = ("field", "profile", "text")
NSRC = 3


class PaneAgg:
    """One region's posts in one pane (one window step).

    The per-author rows (``[n, over_0..over_{NS-1}, sum_0..sum_{NS-1}]``) sit end to end in one int64
    array, ``authors`` giving each author's row: a pane lives as long as its windows plus the allowed
    lateness, and a list per author (its header and an int object per sum) cost about twice the array.
    """

    __slots__ = ("count", "authors", "rows", "hist", "examples", "sources")

    def __init__(self) -> None:
        self.count = 0
        # author -> index of the author's row (times _REC: its offset in ``rows``); an index, not the
        # offset, as CPython shares the ints below 257 and most panes have fewer authors than that
        self.authors: dict[str, int] = {}
        self.rows = array("q")
        self.hist = [0] * (NS * BINS)
        self.examples: list[list[tuple[int, str]]] = [[] for _ in range(NS)]
        self.sources = [0] * NSRC  # posts by where their region came from (field, profile, text)

    def add(self, author: str, scores: Sequence[int], bits: int, post_id: str, source: int = SOURCE_FIELD) -> None:
        """Add one post: ``scores`` in basis points in SIGNALS order, ``bits`` = labels as a bitmask,
        ``source`` where its region came from (SOURCE_FIELD, SOURCE_PROFILE, SOURCE_TEXT)."""
        n = len(scores)
        if n > NS:  # would spill into the next author's row
            raise IndexError(f"{n} scores for {NS} signals")
        self.count += 1
        self.sources[source] += 1
        rows = self.rows
        authors = self.authors
        o = authors.get(author)
        if o is None:
            authors[author] = len(authors)
            rows.append(1)
            rows.extend(_OVER[bits])
            rows.extend(scores)
            if n < NS:  # fewer scores than signals: the rest are 0
                rows.extend(_OVER[0][n:])
        else:
            o *= _REC
            rows[o] += 1
            if bits:
                for i in range(NS):
                    if bits >> i & 1:
                        rows[o + 1 + i] += 1
            o += _SUM
            for i, s in enumerate(scores):
                rows[o + i] += s
        hist = self.hist
        examples = self.examples
        for i, s in enumerate(scores):
            b = s * BINS // SCALE
            hist[i * BINS + (b if b < BINS else BINS - 1)] += 1
            ex = examples[i]
            if len(ex) < EXAMPLES or s >= ex[-1][0]:
                _top(ex, s, post_id)


@dataclass(frozen=True, slots=True)
class SignalStats:
    mean: float
    p90: float
    p99: float
    share: float  # share of posts over the signal's decision threshold
    capped_share: float  # the same with each author's weight capped at ``author_cap`` posts
    capped_mean: float
    over_count: int
    examples: tuple[str, ...]

    def metric(self, name: str) -> float:
        return float(getattr(self, name))

    def to_dict(self) -> dict[str, Any]:
        return {
            "mean": self.mean,
            "p90": self.p90,
            "p99": self.p99,
            "share": self.share,
            "capped_share": self.capped_share,
            "capped_mean": self.capped_mean,
            "over_count": self.over_count,
            "examples": list(self.examples),
        }


@dataclass(frozen=True, slots=True)
class WindowResult:
    post_count: int
    author_count: int
    signals: Mapping[str, SignalStats] = field(default_factory=dict)
    sources: tuple[int, ...] = (0, 0, 0)  # posts by where their region came from: field, profile, text

    @property
    def source_shares(self) -> dict[str, float]:
        """Share of the window's posts per region source ({"field": .., "profile": .., "text": ..})."""
        n = sum(self.sources)
        return {name: round(c / n, 6) if n else 0.0 for name, c in zip(SOURCE_NAMES, self.sources)}

    @property
    def declared_share(self) -> float:
        """Share of posts whose region was declared (the region field or the author's profile)."""
        n = sum(self.sources)
        return round((self.sources[SOURCE_FIELD] + self.sources[SOURCE_PROFILE]) / n, 6) if n else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "post_count": self.post_count,
            "author_count": self.author_count,
            "signals": {k: v.to_dict() for k, v in self.signals.items()},
            "region_sources": self.source_shares,
        }


def _quantile(hist: Sequence[int], offset: int, n: int, q: float) -> float:
    """Linear interpolation inside the fixed bin that holds the q-th rank."""
    if n == 0:
        return 0.0
    rank = q * n
    cum = 0
    width = 1.0 / BINS
    for b in range(BINS):
        c = hist[offset + b]
        if c and cum + c >= rank:
            return round(b * width + (rank - cum) / c * width, 6)
        cum += c
    return 1.0


class WindowAgg:
    """The merge of a window's panes; ``result()`` turns it into what thresholds compare."""

    __slots__ = ("count", "keys", "rows", "hist", "examples", "sources")

    def __init__(self) -> None:
        self.count = 0
        self.sources = [0] * NSRC
        self.keys: list[str] = []  # author of each row; an author may have a row in several panes
        self.rows: list[array] = []  # the panes' row arrays, in the order of ``keys``
        self.hist = [0] * (NS * BINS)
        self.examples: list[list[tuple[int, str]]] = [[] for _ in range(NS)]

    def add_pane(self, pane: PaneAgg) -> None:
        self.count += pane.count
        self.sources = [x + y for x, y in zip(self.sources, pane.sources)]
        self.keys.extend(pane.authors)  # in offset order: rows are appended as authors first appear
        self.rows.append(pane.rows)
        self.hist = [x + y for x, y in zip(self.hist, pane.hist)]
        for i in range(NS):
            for s, pid in pane.examples[i]:
                _top(self.examples[i], s, pid)

    def _matrix(self) -> np.ndarray:
        """One row per (pane, author), in the order of ``keys``."""
        if not self.rows:
            return np.zeros((0, _REC), dtype=np.int64)
        flat = np.concatenate([np.frombuffer(r, dtype=np.int64) for r in self.rows])
        return flat.reshape(len(self.keys), _REC)

    @property
    def authors(self) -> dict[str, list[int]]:
        """Per-author totals over the window (for inspection; result() does this vectorised)."""
        out: dict[str, list[int]] = {}
        for k, r in zip(self.keys, self._matrix().tolist()):
            mine = out.get(k)
            out[k] = r if mine is None else [x + y for x, y in zip(mine, r)]
        return out

    def result(self, author_cap: int = 3) -> WindowResult:
        n = self.count
        if not n:
            empty = SignalStats(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, ())
            return WindowResult(post_count=0, author_count=0, signals={name: empty for name in SIGNALS},
                                sources=tuple(self.sources))
        index: dict[str, int] = {}
        slot = [index.setdefault(k, len(index)) for k in self.keys]
        rows = self._matrix()
        if len(index) == len(slot):
            arr = rows  # every author in one pane only: nothing to combine
        else:
            arr = np.zeros((len(index), _REC), dtype=np.int64)
            np.add.at(arr, np.array(slot), rows)
        per_author = arr[:, 0]
        capped = np.minimum(per_author, author_cap)
        # Each author weighs min(n_a, cap) of their n_a posts. Integer fixed point (1e-6 per author)
        # keeps the sums exact, so any merge order or a rebuild after restart gives the same bits.
        over = arr[:, 1:_SUM]
        sums = arr[:, _SUM:]
        over_tot = over.sum(axis=0)
        sum_tot = sums.sum(axis=0)
        capped_over = (over * capped[:, None] * _FP // per_author[:, None]).sum(axis=0)
        capped_sum = (sums * capped[:, None] * (_FP // SCALE) // per_author[:, None]).sum(axis=0)
        capped_n = int(capped.sum()) * _FP
        signals: dict[str, SignalStats] = {}
        for i, name in enumerate(SIGNALS):
            signals[name] = SignalStats(
                mean=round(int(sum_tot[i]) / n / SCALE, 6),
                p90=_quantile(self.hist, i * BINS, n, 0.90),
                p99=_quantile(self.hist, i * BINS, n, 0.99),
                share=round(int(over_tot[i]) / n, 6),
                capped_share=round(int(capped_over[i]) / capped_n, 6),
                capped_mean=round(int(capped_sum[i]) / capped_n, 6),
                over_count=int(over_tot[i]),
                examples=tuple(pid for _, pid in self.examples[i]),
            )
        return WindowResult(post_count=n, author_count=len(arr), signals=signals, sources=tuple(self.sources))


def merge(panes: Iterable[PaneAgg]) -> WindowAgg:
    w = WindowAgg()
    for p in panes:
        w.add_pane(p)
    return w


def labels_to_bits(labels: Iterable[str]) -> int:
    bits = 0
    for label in labels:
        try:
            bits |= 1 << SIGNALS.index(label)
        except ValueError:
            continue  # a label this build does not aggregate (newer model): ignored, not an error
    return bits
