"""Pane and window aggregates: exact, mergeable in any order, robust to one loud account."""

from __future__ import annotations

import random

import pytest

from models.base import SIGNALS
from streams.core.aggregation import BINS, PaneAgg, labels_to_bits, merge, quantise

HATE = SIGNALS.index("hate")
NS = len(SIGNALS)


def _post(rng, i, authors):
    scores = [rng.randrange(0, 10_001) for _ in SIGNALS]
    bits = sum(1 << k for k, s in enumerate(scores) if s >= 5_000)
    return f"a{rng.randrange(authors)}", scores, bits, f"p{i}"


def _panes(posts, n_panes, rng):
    panes = [PaneAgg() for _ in range(n_panes)]
    for post in posts:
        panes[rng.randrange(n_panes)].add(*post)
    return panes


def test_merging_the_same_posts_in_any_order_and_any_pane_split_gives_identical_results():
    rng = random.Random(7)
    posts = [_post(rng, i, 40) for i in range(500)]
    results = []
    for seed in range(4):
        r = random.Random(seed)
        shuffled = posts[:]
        r.shuffle(shuffled)
        panes = _panes(shuffled, 1 + seed, r)
        r.shuffle(panes)
        results.append(merge(panes).result(author_cap=3))
    assert all(res == results[0] for res in results)


def test_counts_means_and_shares_are_exact():
    pane = PaneAgg()
    pane.add("a", [8_000] * len(SIGNALS), 1 << HATE, "p1")
    pane.add("b", [2_000] * len(SIGNALS), 0, "p2")
    pane.add("b", [2_000] * len(SIGNALS), 0, "p3")
    res = merge([pane]).result()
    assert (res.post_count, res.author_count) == (3, 2)
    hate = res.signals["hate"]
    assert hate.mean == pytest.approx(0.4)
    assert hate.share == pytest.approx(1 / 3, abs=1e-6)
    assert hate.over_count == 1
    assert res.signals["incivility"].share == 0.0


def test_one_author_posting_200_times_weighs_at_most_the_cap_in_the_capped_share():
    pane = PaneAgg()
    for i in range(200):
        pane.add("loud", [9_000] * len(SIGNALS), 1 << HATE, f"l{i}")
    for i in range(50):
        pane.add(f"civil{i}", [500] * len(SIGNALS), 0, f"c{i}")
    hate = merge([pane]).result(author_cap=3).signals["hate"]
    assert hate.share == pytest.approx(200 / 250)
    assert hate.capped_share == pytest.approx(3 / 53, abs=1e-6)
    assert hate.capped_mean == pytest.approx((3 * 0.9 + 50 * 0.05) / 53, abs=1e-6)


def test_quantiles_from_the_histogram_are_within_one_bin_of_the_exact_ones():
    rng = random.Random(3)
    pane = PaneAgg()
    values = []
    for i in range(2_000):
        s = int(rng.betavariate(2, 5) * 10_000)
        values.append(s / 10_000)
        pane.add(f"a{i}", [s] * len(SIGNALS), 0, f"p{i}")
    values.sort()
    hate = merge([pane]).result().signals["hate"]
    assert abs(hate.p90 - values[int(0.9 * len(values))]) <= 1 / BINS
    assert abs(hate.p99 - values[int(0.99 * len(values))]) <= 1 / BINS


def test_examples_are_the_three_highest_scoring_post_ids_across_panes():
    a, b = PaneAgg(), PaneAgg()
    for i, s in enumerate([100, 9_000, 300, 9_500]):
        a.add(f"u{i}", [s] * len(SIGNALS), 0, f"a{i}")
    for i, s in enumerate([9_900, 50]):
        b.add(f"v{i}", [s] * len(SIGNALS), 0, f"b{i}")
    assert merge([a, b]).result().signals["hate"].examples == ("b0", "a3", "a1")


def test_an_empty_window_has_zero_everything():
    res = merge([]).result()
    assert res.post_count == 0 and res.author_count == 0
    assert all(s.share == 0.0 and s.examples == () for s in res.signals.values())


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -0.01, 1.01])
def test_scores_outside_zero_one_are_rejected(bad):
    with pytest.raises(ValueError):
        quantise(bad)


def test_scores_quantise_to_basis_points():
    assert (quantise(0.0), quantise(0.12345), quantise(1.0)) == (0, 1235, 10_000)


def test_unknown_labels_are_ignored_when_building_bits():
    assert labels_to_bits(["hate", "tension", "a_future_signal"]) == (1 << HATE) | (1 << SIGNALS.index("tension"))


def test_a_post_with_more_scores_than_signals_is_refused_and_leaves_the_pane_as_it_was():
    """Author rows sit end to end in one array: an extra score would land in the next author's row."""
    pane = PaneAgg()
    pane.add("a1", [100] * NS, 0, "p1")
    pane.add("a2", [200] * NS, 0, "p2")
    before = merge([pane]).result().to_dict()
    for author in ("a1", "a3"):  # an author with a row, and a new one
        with pytest.raises(IndexError):
            pane.add(author, [9000] * (NS + 1), 0, "bad")
    assert merge([pane]).result().to_dict() == before
