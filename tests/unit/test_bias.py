"""Bias metrics: false-positive rates by entity mention and Borkan et al.'s subgroup AUCs."""

from __future__ import annotations

import numpy as np
from click.testing import CliRunner

from models.offline.bias import false_positive_rates, mentions_of, subgroup_aucs


def test_false_positive_rates_split_by_names() -> None:
    y = np.array([0, 0, 0, 0, 1])
    pred = np.array([True, False, False, False, True])
    names = np.array([True, True, False, False, True])
    out = false_positive_rates(y, pred, names)
    assert out["fpr"] == 0.25 and out["fpr_names"] == 0.5 and out["fpr_no_names"] == 0.0
    assert out["gap"] == 0.5 and out["negatives_names"] == 2 and out["negatives_no_names"] == 2


def test_a_score_that_rises_with_the_subgroup_has_a_low_bpsn_auc() -> None:
    # Subgroup members score 0.5 higher whatever their label: within the subgroup the order is right
    # (subgroup AUC 1), but its negatives outrank the background's positives (BPSN 0).
    y = np.array([0, 1, 0, 1])
    member = np.array([True, True, False, False])
    score = np.array([0.6, 0.9, 0.1, 0.4])
    m = subgroup_aucs(y, score, {"tokoh": member})["tokoh"]
    assert m["subgroup_auc"] == 1.0 and m["bpsn_auc"] == 0.0 and m["bnsp_auc"] == 1.0


def test_subgroups_come_from_the_placeholders() -> None:
    groups = mentions_of(["aku dukung ent_tokoh", "coblos ent_nomor", "cuaca cerah"], ("tokoh", "nomor_urut"))
    assert groups["tokoh"].tolist() == [True, False, False]
    assert groups["any_entity"].tolist() == [True, True, False]


def test_suhu_evaluate_bias_runs_on_a_fresh_clone() -> None:
    """Without ../shared it falls back to the committed political set and says so."""
    import json

    from streams.cli import cli

    result = CliRunner().invoke(cli, ["evaluate", "--bias", "--json", "/nonexistent.csv"], obj={})
    assert result.exit_code == 0, result.output
    out = json.loads(result.output[result.output.index("{"):])
    assert out["political"]["hate"]["civil_fpr"]["negatives_names"] >= 200
    assert {"tokoh", "any_entity"} <= set(out["subgroups"])
