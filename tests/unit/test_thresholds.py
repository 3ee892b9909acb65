"""The thresholds file: validated once, with the path to any bad key, explained in plain words."""

from __future__ import annotations

import copy
import importlib.resources

import pytest
import yaml
from click.testing import CliRunner

from models.base import SIGNALS
from streams.cli import cli
from streams.core.thresholds import ThresholdsError, explain, load_thresholds, parse_thresholds


@pytest.fixture(scope="module")
def shipped() -> dict:
    return yaml.safe_load(importlib.resources.files("streams").joinpath("defaults/thresholds.yaml").read_text())


def test_the_shipped_defaults_are_valid_and_cover_every_signal():
    t = load_thresholds(None)
    assert set(t.signals) == set(SIGNALS)
    for sig in SIGNALS:
        rule = t.rule("ID-JB", sig, "campaign")
        assert rule.warning and rule.critical and rule.critical.fire > rule.warning.fire


@pytest.mark.parametrize("phase", ["voting", "counting"])
def test_the_shipped_defaults_are_stricter_during_voting_and_counting(phase):
    t = load_thresholds(None)
    for sig in SIGNALS:
        calm, strict = t.rule("ID-JB", sig, "campaign"), t.rule("ID-JB", sig, phase)
        assert strict.critical.fire < calm.critical.fire
        assert strict.warning.fire < calm.warning.fire


def test_region_overrides_win_over_defaults_and_accept_short_codes(shipped):
    data = copy.deepcopy(shipped)
    data["regions"] = {
        "JB": {"min_posts": 99, "signals": {"hate": {"default": {"critical": {"fire": 0.9, "clear": 0.8}}}}}}
    t = parse_thresholds(data)
    assert t.rule("ID-JB", "hate", "campaign").min_posts == 99
    assert t.rule("ID-JB", "hate", "voting").critical.fire == 0.9  # region default beats the global phase
    assert t.rule("ID-JB", "hate", "voting").warning is None
    assert t.rule("ID-JT", "hate", "voting").critical.fire == 0.40


@pytest.mark.parametrize(
    "mutate, path",
    [
        (lambda d: d["signals"]["fraud_claim"]["voting"]["warning"].update(clear=0.5),
         "signals.fraud_claim.voting.warning.clear"),
        (lambda d: d["signals"].update(hatred={"default": {}}), "signals.hatred"),
        (lambda d: d["signals"]["hate"].update(election_day={}), "signals.hate.election_day"),
        (lambda d: d.update(regions={"ID-XX": {}}), "regions.ID-XX"),
        (lambda d: d["defaults"].update(metric="loudness"), "defaults.metric"),
        (lambda d: d["defaults"].update(min_posts="many"), "defaults.min_posts"),
        (lambda d: d["defaults"]["baseline"].update(half_life_minutes=-5), "defaults.baseline.half_life_minutes"),
        (lambda d: d["signals"]["tension"].pop("default"), "signals.tension.default"),
        (lambda d: d["signals"].pop("fraud_claim"), "signals.fraud_claim"),
        (lambda d: d["signals"]["hate"]["default"]["critical"].update(fire=0.1, clear=0.05), "signals.hate.default.critical.fire"),
        (lambda d: d.update(colour="red"), "colour"),
        (lambda d: d["cities"].update(min_post=5), "cities.min_post"),
        (lambda d: d["cities"].update(min_authors=0), "cities.min_authors"),
        (lambda d: d["cities"].update(enabled="yes"), "cities.enabled"),
        (lambda d: d["cities"].update(metric="mean"), "cities.metric"),  # cities share their province's metric
        (lambda d: d.update(regions={"ID-JB": {"cities": {"min_posts": -1}}}), "regions.ID-JB.cities.min_posts"),
    ],
)
def test_a_broken_file_is_rejected_with_the_path_to_the_bad_key(shipped, mutate, path):
    data = copy.deepcopy(shipped)
    mutate(data)
    with pytest.raises(ThresholdsError) as err:
        parse_thresholds(data, "t.yaml")
    assert err.value.path == path
    assert path in str(err.value)


def test_city_windows_take_knobs_from_the_region_cities_then_cities_then_the_province(shipped):
    data = copy.deepcopy(shipped)
    data["cities"] = {"min_posts": 12, "consecutive_windows": 3}
    data["regions"] = {"ID-JK": {"min_posts": 60, "min_authors": 30, "cities": {"min_authors": 8}},
                       "ID-PA": {"cities": {"enabled": False}}}
    t = parse_thresholds(data)
    jk = t.rule("ID-JK", "hate", "voting", city=True)
    assert (jk.min_posts, jk.min_authors, jk.consecutive_windows) == (12, 8, 3)
    jb = t.rule("ID-JB", "hate", "voting", city=True)
    assert (jb.min_posts, jb.min_authors, jb.consecutive_windows) == (12, 15, 3)
    assert jb.critical == t.rule("ID-JB", "hate", "voting").critical  # the province's levels
    assert t.rule("ID-JK", "hate", "voting").min_posts == 60
    assert t.cities_enabled("ID-JB") and not t.cities_enabled("ID-PA")


def test_a_file_without_a_cities_section_judges_cities_with_the_province_knobs(shipped):
    data = copy.deepcopy(shipped)
    del data["cities"]
    t = parse_thresholds(data)
    assert t.cities_enabled("ID-JB")
    assert t.rule("ID-JB", "hate", "voting", city=True) == t.rule("ID-JB", "hate", "voting")


def test_explain_says_what_the_file_means_in_plain_words():
    text = explain(load_thresholds(None))
    assert "at least 30 posts from at least 15 distinct accounts" in text
    assert "during voting: warning fires at 18% and clears below 12%; critical fires at 40%" in text
    assert "ID-JK: min_posts=60; min_authors=30." in text
    assert "City windows:" in text and "at least 20 posts from at least 10 distinct accounts" in text
    assert "suhu:<province>/<city>:<signal>:<ms>" in text


def test_thresholds_check_on_the_shipped_file_exits_0_with_plain_words(tmp_path):
    path = importlib.resources.files("streams").joinpath("defaults/thresholds.yaml")
    result = CliRunner().invoke(cli, ["thresholds", "check", str(path)], obj={})
    assert result.exit_code == 0, result.output
    assert "An alert fires after 2 breaching window(s) in a row" in result.output
    assert "OK: the file is valid." in result.output


@pytest.mark.parametrize(
    "content, expected",
    [
        ("signals:\n  hate:\n    default:\n      warning: {fire: 0.2, clear: 0.3}\n",
         "signals.hate.default.warning.clear"),
        ("version: 1\nsignals: [1, 2]\n", "signals: must be a mapping"),
        ("signals: {hate: {default: {warning: {fire: 0.2, clear: 0.1}}}\n", "not valid YAML"),
        ("", "empty"),
    ],
)
def test_thresholds_check_on_a_broken_file_exits_2_naming_the_bad_key(tmp_path, content, expected):
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    result = CliRunner().invoke(cli, ["thresholds", "check", str(bad)], obj={})
    assert result.exit_code == 2
    assert expected in result.output


def test_thresholds_check_on_a_missing_file_exits_2(tmp_path):
    result = CliRunner().invoke(cli, ["thresholds", "check", str(tmp_path / "nope.yaml")], obj={})
    assert result.exit_code == 2 and "cannot read" in result.output


def test_min_declared_share_is_a_validated_knob_for_provinces_and_cities(shipped):
    data = copy.deepcopy(shipped)
    data["defaults"]["min_declared_share"] = 0.5
    data["cities"] = {**(data.get("cities") or {}), "min_declared_share": 0.8}
    t = parse_thresholds(data)
    assert t.rule("ID-JB", "hate", "voting").min_declared_share == 0.5
    assert t.rule("ID-JB", "hate", "voting", city=True).min_declared_share == 0.8
    assert "declared region" in explain(t)
    assert load_thresholds(None).rule("ID-JB", "hate", "voting").min_declared_share == 0.0  # off by default
    for bad in (1.5, -0.1, "half", True):
        data["defaults"]["min_declared_share"] = bad
        with pytest.raises(ThresholdsError, match="defaults.min_declared_share"):
            parse_thresholds(data)


def test_a_file_written_before_known_hoax_existed_still_loads_with_the_shipped_levels_for_it(shipped, caplog):
    doc = copy.deepcopy(shipped)
    del doc["signals"]["known_hoax"]
    with caplog.at_level("WARNING"):
        t = parse_thresholds(doc, "ops-room.yaml")
    assert t.signals["known_hoax"] == load_thresholds(None).signals["known_hoax"]
    assert "known_hoax" in caplog.text


def test_a_signal_that_was_always_there_is_still_required(shipped):
    doc = copy.deepcopy(shipped)
    del doc["signals"]["hate"]
    with pytest.raises(ThresholdsError, match="signals.hate"):
        parse_thresholds(doc, "ops-room.yaml")
