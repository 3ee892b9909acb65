"""Election phases: boundaries are local midnight in each region's own time zone."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from streams.core.calendar import PHASES, CalendarError, builtin_calendars, load_calendar, parse_calendar


def ms(iso: str) -> int:
    return int(dt.datetime.fromisoformat(iso).timestamp() * 1000)


@pytest.fixture(scope="module")
def pemilu():
    return load_calendar("pemilu-2024")


@pytest.fixture(scope="module")
def pilkada():
    return load_calendar("pilkada-2024")


def test_builtins_ship_as_yaml_in_the_package():
    assert {"pemilu-2024", "pilkada-2024"} <= set(builtin_calendars())


def test_phases_are_named_in_chronological_order():
    assert PHASES == ("pre_campaign", "campaign", "masa_tenang", "voting", "counting", "post_election")


def test_same_instant_is_campaign_in_jakarta_and_masa_tenang_in_papua(pemilu):
    instant = ms("2024-02-10T23:30:00+07:00")
    assert pemilu.phase_at(instant, "ID-JK") == "campaign"
    assert pemilu.phase_at(instant, "ID-SN") == "masa_tenang"  # 00:30 WITA on 11 Feb
    assert pemilu.phase_at(instant, "ID-PA") == "masa_tenang"  # 01:30 WIT on 11 Feb


@pytest.mark.parametrize(
    "region, offset", [("ID-JK", "+07:00"), ("ID-KB", "+07:00"), ("ID-BA", "+08:00"), ("ID-KI", "+08:00"),
                       ("ID-MU", "+09:00"), ("ID-PE", "+09:00")],
)
@pytest.mark.parametrize(
    "local, phase",
    [
        ("2023-11-27T23:59:59", "pre_campaign"),
        ("2023-11-28T00:00:00", "campaign"),
        ("2024-02-10T23:59:59", "campaign"),
        ("2024-02-11T00:00:00", "masa_tenang"),
        ("2024-02-13T23:59:59", "masa_tenang"),
        ("2024-02-14T00:00:00", "voting"),
        ("2024-02-14T23:59:59", "voting"),
        ("2024-02-15T00:00:00", "counting"),
        ("2024-03-20T23:59:59", "counting"),
        ("2024-03-21T00:00:00", "post_election"),
        ("2025-01-01T12:00:00", "post_election"),
    ],
)
def test_pemilu_2024_boundaries_in_every_time_zone(pemilu, region, offset, local, phase):
    assert pemilu.phase_at(ms(local + offset), region) == phase


@pytest.mark.parametrize("region, offset", [("ID-JB", "+07:00"), ("ID-SA", "+08:00"), ("ID-PD", "+09:00")])
@pytest.mark.parametrize(
    "local, phase",
    [
        ("2024-09-24T23:59:59", "pre_campaign"),
        ("2024-09-25T00:00:00", "campaign"),
        ("2024-11-23T23:59:59", "campaign"),
        ("2024-11-24T00:00:00", "masa_tenang"),
        ("2024-11-27T00:00:00", "voting"),
        ("2024-11-28T00:00:00", "counting"),
        ("2024-12-16T23:59:59", "counting"),
        ("2024-12-17T00:00:00", "post_election"),
    ],
)
def test_pilkada_2024_boundaries_in_every_time_zone(pilkada, region, offset, local, phase):
    assert pilkada.phase_at(ms(local + offset), region) == phase


def test_one_hour_before_midnight_wib_differs_across_all_three_zones(pemilu):
    instant = ms("2024-02-13T22:30:00+07:00")  # 23:30 WITA, 00:30 WIT on voting day
    assert [pemilu.phase_at(instant, r) for r in ("ID-JT", "ID-NT", "ID-MA")] == ["masa_tenang", "masa_tenang", "voting"]


def test_unknown_region_follows_wib(pemilu):
    assert pemilu.phase_at(ms("2024-02-13T23:30:00+07:00"), "unknown") == "masa_tenang"
    assert pemilu.phase_at(ms("2024-02-14T00:30:00+07:00"), "unknown") == "voting"


def test_cached_answers_stay_correct_across_many_days(pemilu):
    start = ms("2023-11-01T12:00:00+07:00")
    for day in range(200):
        t = start + day * 86_400_000
        first = pemilu.phase_at(t, "ID-JK")
        assert pemilu.phase_at(t, "ID-JK") == first == pemilu.phase_on(dt.date(2023, 11, 1) + dt.timedelta(day), "ID-JK")


def write(tmp_path, body: str):
    p = tmp_path / "cal.yaml"
    p.write_text(body, encoding="utf-8")
    return p


PILKADA_DKI = textwrap.dedent("""
    name: pilkada-dki
    phases:
      - {phase: campaign, start: 2024-09-25, end: 2024-11-23}
      - {phase: masa_tenang, start: 2024-11-24, end: 2024-11-26}
      - {phase: voting, start: 2024-11-27, end: 2024-11-27}
      - {phase: counting, start: 2024-11-28}
""")


def test_a_user_file_with_an_open_last_phase_loads(tmp_path):
    cal = load_calendar(write(tmp_path, PILKADA_DKI))
    assert cal.name == "pilkada-dki"
    assert cal.phase_on(dt.date(2030, 1, 1), "ID-JK") == "counting"


def test_applies_to_limits_the_election_to_some_regions(tmp_path):
    cal = load_calendar(write(tmp_path, PILKADA_DKI + "applies_to: [DKI Jakarta, ID-AC]\noutside: post_election\n"))
    assert cal.phase_on(dt.date(2024, 11, 27), "ID-JK") == "voting"
    assert cal.phase_on(dt.date(2024, 11, 27), "ID-AC") == "voting"
    assert cal.phase_on(dt.date(2024, 11, 27), "ID-JB") == "post_election"


def test_per_region_override_replaces_the_schedule(tmp_path):
    body = PILKADA_DKI + textwrap.dedent("""
        regions:
          Papua Tengah:
            phases:
              - {phase: voting, start: 2024-12-04, end: 2024-12-04}
              - {phase: counting, start: 2024-12-05, end: 2024-12-20}
    """)
    cal = load_calendar(write(tmp_path, body))
    assert cal.phase_on(dt.date(2024, 11, 27), "ID-PT") == "pre_campaign"
    assert cal.phase_on(dt.date(2024, 12, 4), "ID-PT") == "voting"
    assert cal.phase_on(dt.date(2024, 12, 21), "ID-PT") == "post_election"
    assert cal.phase_at(ms("2024-12-04T10:00:00+09:00"), "ID-PT") == "voting"
    assert cal.phase_on(dt.date(2024, 12, 4), "ID-PA") == "counting"


@pytest.mark.parametrize(
    "body, message",
    [
        ("name: x\nphases:\n  - {phase: campaign, start: 2024-01-01, end: 2024-01-10}\n"
         "  - {phase: voting, start: 2024-01-10, end: 2024-01-11}\n", "overlaps campaign"),
        ("name: x\nphases:\n  - {phase: kampanye, start: 2024-01-01, end: 2024-01-10}\n", "unknown phase 'kampanye'"),
        ("name: x\nphases:\n  - {phase: voting, start: 2024-02-30, end: 2024-03-01}\n", "not a date"),
        ("name: x\nphases:\n  - {phase: voting, start: 2024-03-02, end: 2024-03-01}\n", "ends (2024-03-01) before"),
        ("name: x\nphases:\n  - {phase: campaign, start: 2024-01-01, end: 2024-01-10}\n"
         "  - {phase: voting, start: 2024-01-12, end: 2024-01-12}\n", "gap between campaign"),
        ("name: x\nphases:\n  - {phase: campaign, start: 2024-01-01}\n"
         "  - {phase: voting, start: 2024-01-12, end: 2024-01-12}\n", "only the last phase"),
        ("phases:\n  - {phase: voting, start: 2024-01-12, end: 2024-01-12}\n", "'name' is required"),
        ("name: x\nphases: []\n", "non-empty list"),
        ("name: x\nfases: []\n", "unknown key(s) fases"),
        ("name: x\nphases:\n  - {phase: voting, start: 2024-01-12}\napplies_to: [Atlantis]\n", "not an Indonesian province"),
        ("name: x\nphases:\n  - {phase: voting, start: 2024-01-12T08:00:00}\n", "whole local days"),
        ("- just\n- a list\n", "must be a mapping"),
        ("name: x\nphases: [\n", "not valid YAML"),
    ],
)
def test_bad_calendars_fail_with_a_clear_message(tmp_path, body, message):
    with pytest.raises(CalendarError) as err:
        load_calendar(write(tmp_path, body))
    assert message in str(err.value)


def test_unknown_name_lists_the_builtins():
    with pytest.raises(CalendarError, match="pemilu-2024"):
        load_calendar("pemilu-2099")


def test_parse_calendar_accepts_string_dates():
    cal = parse_calendar({"name": "s", "phases": [{"phase": "voting", "start": "2024-02-14", "end": "2024-02-14"}]})
    assert cal.phase_on(dt.date(2024, 2, 14), "ID-JK") == "voting"
