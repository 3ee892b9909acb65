"""The shipped scorer on real-shaped text: floors that hold the numbers in its model card.

Everything here runs on sets committed with the project (hand-written, frozen before fast-v3 was
tuned) and the functional suite, so it runs on a fresh clone without the licensed data. Floors are
a little under the card's numbers: they catch a regression, not noise.
"""

from __future__ import annotations

import json

import pytest

from models.artifacts import DEFAULT_FAST_DIR
from models.offline.functional import load_cases, run_suite
from models.offline.quality import POLITICAL_SET, political_report, read_political_set
from models.scorer import load_scorer

CARD = json.loads((DEFAULT_FAST_DIR / "config.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scorer():
    return load_scorer()


@pytest.fixture(scope="module")
def suite(scorer):
    return run_suite(scorer, load_cases())


@pytest.fixture(scope="module")
def political(scorer):
    return political_report(scorer, read_political_set(POLITICAL_SET))


def test_the_card_reports_what_the_shipped_model_does(political, suite) -> None:
    assert political["hate"]["civil_fpr"] == CARD["political_validation"]["hate"]["civil_fpr"]
    assert suite.accuracy == CARD["functional"]["accuracy"]


def test_civil_political_posts_are_rarely_hate_whether_or_not_they_name_someone(political) -> None:
    hate = political["hate"]["civil_fpr"]
    assert hate["negatives_names"] >= 200 and hate["negatives_no_names"] >= 100
    assert hate["fpr_names"] <= 0.10
    assert hate["fpr_no_names"] <= 0.10
    assert abs(hate["gap"]) <= 0.05
    assert political["incivility"]["civil_fpr"]["fpr"] <= 0.10
    assert political["provocation"]["civil_fpr"]["fpr"] <= 0.02


def test_uncivil_and_hateful_political_posts_are_caught(political) -> None:
    assert political["hate"]["metrics"]["f1"] >= 0.80
    assert political["incivility"]["metrics"]["f1"] >= 0.75


def test_functional_suite_overall(suite) -> None:
    assert suite.accuracy >= 0.85
    assert suite.hateful_recall >= 0.85
    assert suite.counter_speech_hate_share <= 0.20
    # the 20 % is not met for negated hate (the card says so): hold the card's number
    assert suite.negated_hate_share <= CARD["functional"]["negated_hate_share"] + 0.03


def _floor(card_rate: float) -> float:
    """The card's pass rate less 3 points, never above the issue's floor for hateful cases (0.70)."""
    return round(card_rate - 0.03, 4)


@pytest.mark.parametrize("row", CARD["functional"]["functionalities"], ids=lambda r: r["id"])
def test_each_functionality_holds_its_card_floor(suite, row) -> None:
    now = {r["id"]: r for r in suite.functionalities}[row["id"]]
    assert now["pass_rate"] >= _floor(row["pass_rate"]), f"{row['id']} fell below the card's {row['pass_rate']:.1%}"


# The known gaps named in the model card. sara v2 closed the two of v1 on the tuning suite (implicit
# derogation 44.5 % -> 95.5 %, words glued together 68 % -> 96.7 %): none is left to excuse.
KNOWN_GAPS: set[str] = set()


def test_every_other_hateful_functionality_reaches_seventy_percent(suite) -> None:
    hateful = [r for r in suite.functionalities if r["label"] == "hateful"]
    below = {r["id"] for r in hateful if r["pass_rate"] < 0.70}
    assert below <= KNOWN_GAPS, sorted(below - KNOWN_GAPS)


def test_threats_are_labelled_hate_or_provocation(suite) -> None:
    threats = [r for r in suite.functionalities if r["id"].startswith(("F05", "F06", "X01"))]
    assert threats and all(r["pass_rate"] >= 0.80 for r in threats)


def test_threats_raise_provocation_and_answers_to_hate_are_not_hate(suite) -> None:
    # sara v2 on the tuning suite: threats labelled provocation 95.0 %, counter-speech flagged hate 0.0 %,
    # negated hate flagged hate 10.5 %; floors a little under them
    assert suite.threat_provocation_share >= 0.92
    assert suite.counter_speech_hate_share <= 0.03
    assert suite.negated_hate_share <= 0.14


@pytest.fixture(scope="module")
def holdout(scorer):
    from models.offline.quality import FUNCTIONAL_HOLDOUT

    return run_suite(scorer, load_cases(FUNCTIONAL_HOLDOUT))


def test_held_out_suite_holds_the_cards_numbers(holdout) -> None:
    """The honest estimate (templates written blind to the rules) does not regress below the card."""
    card = CARD["functional_holdout"]
    assert holdout.n == card["n"] >= 4000
    for key in ("accuracy", "hateful_recall", "non_hateful_pass_rate"):
        assert getattr(holdout, key) >= card[key] - 0.03, key
    assert holdout.counter_speech_hate_share <= card["counter_speech_hate_share"] + 0.03
