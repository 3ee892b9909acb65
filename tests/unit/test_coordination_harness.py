"""The coordination harness (bench/coordination_harness.py) end to end, small: an organic stream
built from the real sentences in /work/shared/data (read at test time, never copied) with organic
repetition, and injected campaigns. Skipped, with the reason, when the data files are absent."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from streams.core.coordination import CoordinationConfig

HARNESS = Path(__file__).resolve().parents[2] / "bench" / "coordination_harness.py"


def load_harness():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("coordination_harness", HARNESS)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["coordination_harness"] = mod
    spec.loader.exec_module(mod)
    mod.SKIP = pytest.skip
    return mod


def test_injected_campaigns_are_found_and_organic_repetition_is_not_a_campaign():
    h = load_harness()
    res = h.run(hours=0.75, rate=25, n_campaigns=5, seed=11, cfg=CoordinationConfig(), quiet=True, warmup_h=0.35)
    assert res["campaigns"] == 5
    assert res["recall"] >= 0.8, res["missed"]
    assert res["false_alerts"] == 0, res["false_detail"]
    assert res["delay_median_min"] is not None and res["delay_median_min"] <= 3
