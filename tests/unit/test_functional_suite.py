"""The HateCheck-style functional suite: the YAML, the expander, the perturbations and the runner.

Nothing here depends on how good the shipped model is: the runner is checked against a fake scorer
with known answers, and the CLI test asserts structure only.
"""

from __future__ import annotations

import difflib
import json
import random
from collections import Counter
from typing import Sequence

import pytest
import yaml
from click.testing import CliRunner

from models.base import SIGNALS, PostScores
from models.offline.functional import (DEFAULT_CASES, PERTURBATIONS, Case, Expectation, format_report, load_cases,
                               perturb, run_suite)

HATEFUL_HATECHECK = {"F1", "F2", "F3", "F4", "F5", "F6", "F7", "F10", "F12", "F13", "F14", "F16", "F17",
                     "F25", "F26", "F27", "F28", "F29"}
NON_HATEFUL_HATECHECK = {"F8", "F9", "F11", "F15", "F18", "F19", "F20", "F21", "F22", "F23", "F24"}
EXTRA_IDS = {"X01_threat_political_camp", "X02_news_about_hate", "X03_civil_criticism_candidate",
             "X04_support_candidate"}
CATEGORIES = {"suku", "agama", "ras", "antargolongan", "gender", "orientasi", "disabilitas", "politik"}


@pytest.fixture(scope="module")
def spec() -> dict:
    return yaml.safe_load(DEFAULT_CASES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases()


def test_the_yaml_has_enough_targets_in_every_category(spec: dict) -> None:
    targets = spec["targets"]
    assert len(targets) >= 24
    assert len({t["id"] for t in targets}) == len(targets)
    assert {t["category"] for t in targets} == CATEGORIES
    for t in targets:
        assert t["forms"] and all(isinstance(f, str) and f.strip() for f in t["forms"]), t["id"]
    by_category = Counter(t["category"] for t in targets)
    assert by_category["suku"] >= 10 and by_category["agama"] >= 8 and by_category["politik"] >= 3


def test_every_functionality_is_well_formed(spec: dict) -> None:
    fns = {f["id"]: f for f in spec["functionalities"]}
    assert len(fns) == len(spec["functionalities"])
    for fid, fn in fns.items():
        assert fn["label"] in ("hateful", "non_hateful"), fid
        assert fn["description"].strip(), fid
        expect = fn["expect"]
        assert set(expect) <= {"any_of", "none_of"} and set(expect.get("any_of", []) + expect.get("none_of", [])) <= set(SIGNALS)
        if fn.get("perturb"):
            assert fn["perturb"] in PERTURBATIONS
            assert all(fns[src]["label"] == "hateful" for src in fn["derived_from"])
            continue
        assert len(fn["templates"]) >= 6, fid
        for tpl in fn["templates"]:
            assert tpl["register"] in ("formal", "informal", "slang"), (fid, tpl)
        if fn["label"] == "hateful":
            assert "hate" in expect["any_of"], fid
        else:
            assert "hate" in expect["none_of"] and not expect.get("any_of"), fid


def test_every_required_functionality_exists_with_the_right_label(spec: dict) -> None:
    fns = spec["functionalities"]
    by_hc = {f["hatecheck"]: f for f in fns if f.get("hatecheck")}
    assert HATEFUL_HATECHECK <= set(by_hc) and NON_HATEFUL_HATECHECK <= set(by_hc)
    assert all(by_hc[h]["label"] == "hateful" for h in HATEFUL_HATECHECK)
    assert all(by_hc[h]["label"] == "non_hateful" for h in NON_HATEFUL_HATECHECK)
    assert EXTRA_IDS <= {f["id"] for f in fns}
    threats = [f for f in fns if f.get("provocation_expected")]
    assert {f.get("hatecheck") for f in threats} == {"F5", "F6", None}
    for f in threats:
        assert set(f["expect"]["any_of"]) == {"hate", "provocation"}
    for h in ("F15", "F18", "F19", "F20", "F21"):
        assert set(by_hc[h]["expect"]["none_of"]) == {"hate", "provocation"}


def test_the_spelling_base_templates_each_contain_a_keyword(spec: dict) -> None:
    """Spelling variants must perturb the hateful word, not the target's name."""
    sources = {src for f in spec["functionalities"] if f.get("perturb") for src in f["derived_from"]}
    for fn in spec["functionalities"]:
        if fn["id"] in sources:
            for tpl in fn["templates"]:
                words = tpl["text"].lower().replace(",", " ").replace(".", " ").split()
                assert set(words) & set(spec["spelling_keywords"]), tpl["text"]


def test_expansion_is_deterministic_and_sized(cases: list[Case]) -> None:
    again = load_cases()
    assert [(c.id, c.text) for c in cases] == [(c.id, c.text) for c in again]
    assert len({c.id for c in cases}) == len(cases)
    assert 3000 <= len(cases) <= 6000
    for c in cases:
        assert "{" not in c.text and "}" not in c.text, c.id
        assert c.text[0] == c.text[0].upper() or not c.text[0].isalpha(), c.id
    counts = Counter(c.functionality for c in cases)
    assert max(counts.values()) <= 200 and min(counts.values()) >= 6


def test_target_based_cases_carry_target_and_category(cases: list[Case], spec: dict) -> None:
    category_of = {t["id"]: t["category"] for t in spec["targets"]}
    for c in cases:
        if c.target is not None:
            assert c.category == category_of[c.target], c.id
    threat = [c for c in cases if c.functionality == "X01_threat_political_camp"]
    assert threat and {c.category for c in threat} == {"politik"}
    f01 = [c for c in cases if c.functionality == "F01_derogation_emotion"]
    assert "politik" not in {c.category for c in f01}
    assert len({c.target for c in f01}) >= 24


@pytest.mark.parametrize("kind", PERTURBATIONS)
def test_each_perturbation_changes_the_text_but_keeps_it_close(kind: str, cases: list[Case], spec: dict) -> None:
    keywords = spec["spelling_keywords"]
    samples = ["Gue benci orang Madura.", "Benci bgt gw ama perempuan, najis.", "Umat Hindu itu kecoa.",
               "Saya sangat membenci etnis Tionghoa.", "Kaum waria itu busuk."]
    derived = [c for c in cases if c.functionality.startswith(("F01_", "F02_", "F03_"))]
    for i, text in enumerate(samples + [c.text for c in derived]):
        out = perturb(kind, text, keywords, random.Random(i))
        assert out != text, (kind, text)
        assert difflib.SequenceMatcher(None, text, out).ratio() >= 0.8, (kind, text, out)
        assert out == perturb(kind, text, keywords, random.Random(i))


def test_perturbations_hit_the_hateful_word() -> None:
    kw = ["benci"]
    rng = random.Random(0)
    assert perturb("added_spaces", "Gue benci orang Madura.", kw, rng) == "Gue b e n c i orang Madura."
    assert perturb("leetspeak", "Gue benci orang Madura.", kw, rng) == "Gue b3nc1 orang Madura."
    assert perturb("missing_space", "Gue benci orang Madura.", kw, rng) == "Guebenciorang Madura."
    assert perturb("missing_char", "Gue benci orang Madura.", kw, rng) in {
        "Gue bnci orang Madura.", "Gue beci orang Madura.", "Gue benc orang Madura.", "Gue beni orang Madura."}
    assert perturb("swap_adjacent", "Gue benci orang Madura.", kw, rng) in {
        "Gue bneci orang Madura.", "Gue becni orang Madura.", "Gue benic orang Madura."}


def test_spelling_cases_are_perturbed_base_cases(cases: list[Case]) -> None:
    by_id = {c.id: c for c in cases}
    spelled = [c for c in cases if c.hatecheck in {"F25", "F26", "F27", "F28", "F29"}]
    assert len(spelled) == 5 * 150
    for c in spelled:
        base_id = c.id.split(":", 1)[1]
        if base_id in by_id:
            assert by_id[base_id].text != c.text and by_id[base_id].target == c.target


class WordScorer:
    """Fake scorer: `hate` when a hate word is present, `provocation` when a threat word is."""

    version = "fake-1"
    thresholds = {s: 0.5 for s in SIGNALS}

    def __init__(self) -> None:
        self.batches: list[int] = []

    def score_batch(self, texts: Sequence[str]) -> list[PostScores]:
        self.batches.append(len(texts))
        out = []
        for t in texts:
            words = set(t.lower().split())
            labels = tuple(s for s, cue in (("hate", {"benci", "sampah"}), ("provocation", {"bunuh"}))
                           if words & cue)
            out.append(PostScores(scores={s: float(s in labels) for s in SIGNALS}, labels=labels))
        return out


def _case(i: int, fn: str, hc: str | None, label: str, cat: str | None, text: str, threat: bool = False) -> Case:
    if label == "hateful":
        expect = Expectation(any_of=("hate", "provocation") if threat else ("hate",))
    else:
        expect = Expectation(none_of=("hate", "provocation"))
    return Case(id=f"{fn}:{i}", functionality=fn, hatecheck=hc, label=label, target=None, category=cat,
                register="slang", text=text, expect=expect, provocation_expected=threat)


FAKE_CASES = [
    _case(0, "F01", "F1", "hateful", "suku", "gue benci mereka"),  # pass
    _case(1, "F01", "F1", "hateful", "suku", "mereka jelek"),  # fail
    _case(2, "F01", "F1", "hateful", "agama", "mereka sampah"),  # pass
    _case(3, "F05", "F5", "hateful", "agama", "bunuh mereka", threat=True),  # pass (provocation)
    _case(4, "F05", "F5", "hateful", "agama", "usir mereka", threat=True),  # fail
    _case(5, "F15", "F15", "non_hateful", "suku", "gue gak benci mereka"),  # fail (hate)
    _case(6, "F15", "F15", "non_hateful", "suku", "tidak ada yang salah"),  # pass
    _case(7, "F20", "F20", "non_hateful", "agama", "jangan bilang mereka sampah"),  # fail (hate)
    _case(8, "F21", "F21", "non_hateful", "agama", "menghina mereka itu salah"),  # pass
    _case(9, "F21", "F21", "non_hateful", None, "jangan bunuh siapa pun"),  # fail (provocation)
]


def test_run_suite_gives_exact_rates_on_a_fake_scorer() -> None:
    scorer = WordScorer()
    r = run_suite(scorer, FAKE_CASES, batch_size=4)
    assert scorer.batches == [4, 4, 2]
    rates = {f["id"]: (f["n"], f["passed"], f["pass_rate"]) for f in r.functionalities}
    assert rates == {"F01": (3, 2, 0.6667), "F05": (2, 1, 0.5), "F15": (2, 1, 0.5), "F20": (1, 0, 0.0),
                     "F21": (2, 1, 0.5)}
    assert [f["id"] for f in r.functionalities] == ["F01", "F05", "F15", "F20", "F21"]
    assert r.n == 10 and r.accuracy == 0.5 and r.version == "fake-1"
    assert r.hateful_recall == 0.6 and r.hate_label_recall == 0.4 and r.non_hateful_pass_rate == 0.4
    assert r.threat_provocation_share == 0.5
    assert r.counter_speech_hate_share == round(1 / 3, 4)
    assert r.negated_hate_share == 0.5
    assert r.categories["suku"]["all"] == {"n": 4, "passed": 2, "pass_rate": 0.5}
    assert r.categories["suku"]["hateful"]["pass_rate"] == 0.5
    assert r.categories["agama"]["hateful"] == {"n": 3, "passed": 2, "pass_rate": 0.6667}
    assert r.categories["agama"]["non_hateful"] == {"n": 2, "passed": 1, "pass_rate": 0.5}
    assert set(r.categories) == {"suku", "agama"}
    assert r.failed_ids["F01"] == ["F01:1"] and r.failed_ids["F21"] == ["F21:9"]
    report = format_report(r)
    assert "F05" in report and "50.0%" in report and "accuracy" in report
    assert "gue benci mereka" not in report and "gue benci" not in json.dumps(r.to_dict())


def test_run_suite_on_the_real_cases_with_the_fake_scorer(cases: list[Case]) -> None:
    r = run_suite(WordScorer(), cases)
    assert sum(f["n"] for f in r.functionalities) == len(cases)
    for f in r.functionalities:
        expected = sum(c.expect.met(WordScorer().score_batch([c.text])[0].labels)
                       for c in cases if c.functionality == f["id"])
        assert f["passed"] == expected, f["id"]


def test_cli_evaluate_functional_json_reports_every_functionality(cases: list[Case]) -> None:
    from streams.cli import cli

    result = CliRunner().invoke(cli, ["evaluate", "--functional", "--json"], obj={})
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert got["n"] == len(cases)
    assert [f["id"] for f in got["functionalities"]] == list(dict.fromkeys(c.functionality for c in cases))
    for f in got["functionalities"]:
        assert set(f) >= {"id", "label", "n", "passed", "pass_rate", "hate_share", "provocation_share"}
        assert 0 <= f["passed"] <= f["n"]
    for key in ("accuracy", "hateful_recall", "threat_provocation_share", "counter_speech_hate_share",
                "negated_hate_share"):
        assert 0.0 <= got[key] <= 1.0
    assert set(got["categories"]) == CATEGORIES
