"""Window arithmetic: aligned hopping windows on integer milliseconds, closed by stream time."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.core.windowing import WindowSpec, format_ms, is_closed, last_closed_end, pane_start, windows_containing

MIN = 60_000


def test_pane_start_aligns_down_including_times_before_the_epoch():
    assert pane_start(125_000, MIN) == 120_000
    assert pane_start(120_000, MIN) == 120_000
    assert pane_start(-1, MIN) == -MIN


def test_a_time_lies_in_size_over_step_windows_oldest_first():
    assert windows_containing(7 * MIN + 5, 5 * MIN, MIN) == [
        (3 * MIN, 8 * MIN), (4 * MIN, 9 * MIN), (5 * MIN, 10 * MIN), (6 * MIN, 11 * MIN), (7 * MIN, 12 * MIN)]


@given(ts=st.integers(-10**13, 10**13), panes=st.integers(1, 12), step=st.sampled_from([1_000, 60_000, 300_000]))
def test_every_window_containing_a_time_really_contains_it(ts, panes, step):
    size = panes * step
    wins = windows_containing(ts, size, step)
    assert len(wins) == panes
    assert all(s <= ts < e and e - s == size and s % step == 0 for s, e in wins)


def test_a_window_closes_only_when_stream_time_passes_its_end_plus_grace():
    assert not is_closed(10 * MIN, 10 * MIN + 59_999, 60_000)
    assert is_closed(10 * MIN, 11 * MIN, 60_000)


@given(t=st.integers(0, 10**13), grace=st.integers(0, 600_000))
def test_last_closed_end_is_the_newest_end_is_closed_accepts(t, grace):
    end = last_closed_end(t, MIN, grace)
    assert end % MIN == 0
    assert is_closed(end, t, grace)
    assert not is_closed(end + MIN, t, grace)


def test_window_spec_rejects_a_size_that_is_not_a_multiple_of_the_step():
    with pytest.raises(ValueError, match="multiple"):
        WindowSpec(size_ms=90_000, step_ms=60_000)
    with pytest.raises(ValueError, match="grace"):
        WindowSpec(grace_ms=-1)


def test_window_spec_comes_from_settings_in_seconds():
    from streams.core.settings import load_settings

    spec = WindowSpec.from_settings(load_settings(env={}, window_size_s=600, window_step_s=120, window_grace_s=30))
    assert (spec.size_ms, spec.step_ms, spec.grace_ms, spec.panes_per_window) == (600_000, 120_000, 30_000, 5)


def test_window_bounds_are_rfc3339_utc():
    assert format_ms(1_707_876_000_000) == "2024-02-14T02:00:00Z"
