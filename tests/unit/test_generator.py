"""The synthetic stream: contract-shaped, deterministic, realistic enough to exercise the pipeline."""

from __future__ import annotations

import collections
import datetime as dt
import json
import re

import orjson
import pytest
from click.testing import CliRunner

from streams.tooling.generator import (
    DEBATE_NIGHT,
    MAX_DISORDER_MS,
    DebateNight,
    Incident,
    _BACKGROUND,
    _DEBATE,
    _INCIDENT,
    generate_command,
    generate_posts,
    parse_debate_night,
    parse_incident,
)
from streams.core.regions import PROVINCE_BY_CODE, normalize_region


def event_ms(post) -> int:
    return int(dt.datetime.fromisoformat(post["created_at"]).timestamp() * 1000)


def test_every_post_follows_the_post_contract():
    for post in generate_posts(count=3000, seed=3):
        assert isinstance(post["id"], str) and post["id"]
        assert isinstance(post["text"], str) and post["text"].strip()
        created = dt.datetime.fromisoformat(post["created_at"])
        assert created.utcoffset() in {dt.timedelta(hours=h) for h in (7, 8, 9)}
        assert post["platform"] in {"x", "facebook", "tiktok", "instagram", "youtube", "news_comment"}
        orjson.loads(orjson.dumps(post))


def test_ids_are_unique():
    ids = [p["id"] for p in generate_posts(count=20_000, seed=1)]
    assert len(set(ids)) == len(ids)


def test_same_seed_same_stream_and_different_seed_different_stream():
    a = list(generate_posts(count=2000, seed=42, incidents=[parse_incident("ID-JB:hate:0:5")]))
    b = list(generate_posts(count=2000, seed=42, incidents=[parse_incident("ID-JB:hate:0:5")]))
    c = list(generate_posts(count=2000, seed=43, incidents=[parse_incident("ID-JB:hate:0:5")]))
    assert a == b
    assert [p["text"] for p in a] != [p["text"] for p in c]


def test_created_at_is_in_the_regions_own_offset():
    for post in generate_posts(count=5000, seed=5, unknown_share=0.0, truth=True):
        offset = dt.datetime.fromisoformat(post["created_at"]).utcoffset()
        assert offset == dt.timedelta(hours=PROVINCE_BY_CODE[post["synthetic"]["region"]].utc_offset_hours)


def test_event_time_increases_with_disorder_well_under_30_seconds():
    posts = list(generate_posts(minutes=10, rate=30, seed=2))
    times = [event_ms(p) for p in posts]
    high = times[0]
    worst = 0
    for t in times:
        worst = max(worst, high - t)
        high = max(high, t)
    assert 0 < worst <= MAX_DISORDER_MS < 30_000
    assert times[-1] - times[0] > 9 * 60_000


def test_minutes_and_rate_set_the_volume():
    posts = list(generate_posts(minutes=10, rate=20, seed=9))
    assert 20 * 600 * 0.9 < len(posts) < 20 * 600 * 1.1
    start = dt.datetime.fromisoformat("2024-02-14T06:00:00+07:00")
    assert all(start <= dt.datetime.fromisoformat(p["created_at"]) < start + dt.timedelta(minutes=10) for p in posts)


def test_count_stops_exactly():
    assert len(list(generate_posts(count=1234, seed=0))) == 1234
    assert list(generate_posts(count=0)) == []


def test_volume_follows_population():
    regions = collections.Counter(p["synthetic"]["region"]
                                  for p in generate_posts(count=60_000, seed=4, unknown_share=0, truth=True))
    assert regions["ID-JB"] > 3 * regions["ID-SU"] / 2 > 3 * regions["ID-PD"]
    assert set(regions) == set(PROVINCE_BY_CODE)  # every province speaks
    share_jb = regions["ID-JB"] / 60_000
    assert share_jb == pytest.approx(49.9 / sum(p.population_millions for p in PROVINCE_BY_CODE.values()), rel=0.15)


def test_region_spellings_vary_and_normalise_back_to_the_true_province():
    posts = list(generate_posts(count=20_000, seed=6, unknown_share=0.05, truth=True))
    spellings = collections.Counter(type(p.get("region")).__name__ for p in posts)
    distinct = {p.get("region") for p in posts}
    assert len(distinct) > 300 and spellings["int"] > 0
    for p in posts:
        assert normalize_region(p.get("region")).code == p["synthetic"]["region"], p.get("region")
    unknown = sum(p["synthetic"]["region"] == "unknown" for p in posts)
    assert 0.03 * 20_000 < unknown < 0.07 * 20_000
    assert any("region" not in p for p in posts)


def test_authors_are_zipf_like_with_some_very_active_accounts():
    authors = collections.Counter(p["author_id"] for p in generate_posts(count=50_000, seed=8))
    top = authors.most_common(10)
    assert top[0][1] > 100 * 50_000 / len(authors)  # the most active account posts far more than the average
    assert len(authors) > 5_000


def test_incident_adds_heated_posts_by_many_authors_in_its_region_only_while_it_lasts():
    inc = parse_incident("ID-JB:incivility:30:20")
    posts = list(generate_posts(minutes=60, rate=10, seed=11, incidents=[inc], truth=True))
    heated = [p for p in posts if p["synthetic"]["signal"]]
    assert heated and all(p["synthetic"]["signal"] == "incivility" for p in heated)
    assert {p["synthetic"]["region"] for p in heated} <= {"ID-JB", "unknown"}
    start = dt.datetime.fromisoformat("2024-02-14T06:00:00+07:00")
    minutes = [(dt.datetime.fromisoformat(p["created_at"]) - start).total_seconds() / 60 for p in heated]
    assert min(minutes) >= 29.5 and max(minutes) < 50
    jb_background = sum(1 for p in posts if p["synthetic"] == {"region": "ID-JB", "signal": None})
    # intensity 1: about as many heated posts per minute as the region's normal volume
    assert len(heated) == pytest.approx(jb_background * 20 / 60, rel=0.3)
    assert len({p["author_id"] for p in heated}) > 0.9 * len(heated)


def test_small_province_incident_still_has_posts():
    posts = list(generate_posts(minutes=20, rate=5, seed=1, truth=True,
                                incidents=[parse_incident("Papua Pegunungan:provocation:0:10:2")]))
    heated = [p for p in posts if p["synthetic"]["signal"] == "provocation"]
    assert len(heated) >= 40


VOCAB = {
    "incivility": ("goblok", "tolol", "bangsat", "anjing", "bajingan", "kampret", "bego", "idiot", "brengsek"),
    "hate": ("usir", "biadab", "rendahan", "laknat", "hina", "dibenci", "penjajah", "penyakit", "sampah", "pengkhianat", "bersihkan mereka"),
    "provocation": ("kepung", "serbu", "bakar", "turun ke jalan", "senjata", "rusuh", "blokade", "duduki", "sweeping",
                    "melawan", "people power"),
    "fraud_claim": ("curang", "kecurangan", "tercoblos", "sirekap", "manipulasi", "penggelembungan", "tsm",
                    "siluman", "dicuri", "dicoblos", "serangan fajar", "digelembungkan", "dimanipulasi", "diubah"),
}
ALL_HEATED = tuple(w for words in VOCAB.values() for w in words)


@pytest.mark.parametrize("signal", sorted(VOCAB))
def test_incident_texts_carry_their_signals_vocabulary(signal):
    posts = generate_posts(minutes=10, rate=2, seed=12, truth=True, incidents=[Incident("ID-JK", signal, 0, 10, 3)])
    heated = [p["text"].lower() for p in posts if p["synthetic"]["signal"]]
    assert len(heated) > 100
    for text in heated:
        assert any(w in text for w in VOCAB[signal]), text


def test_background_is_civil():
    for post in generate_posts(count=20_000, seed=13):
        text = post["text"].lower()
        assert not any(w in text for w in ALL_HEATED), text


def test_templates_are_plentiful():
    assert len(_BACKGROUND) >= 40
    assert all(len(_INCIDENT[s]) >= 10 for s in ("incivility", "hate", "provocation", "fraud_claim"))


@pytest.mark.parametrize(
    "spec, message",
    [
        ("ID-XX:incivility:1:2", "not an Indonesian province"),
        ("ID-JB:rudeness:1:2", "signal must be one of"),
        ("ID-JB:hate:soon:2", "must be numbers"),
        ("ID-JB:hate:1", "expected REGION"),
        ("ID-JB:hate:1:0", "DURATION_MIN > 0"),
    ],
)
def test_bad_incident_specs_are_rejected_with_a_reason(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_incident(spec)


def test_incident_region_accepts_any_spelling():
    assert parse_incident("jabar:fraud-claim:5:10:0.5") == Incident("ID-JB", "fraud_claim", 5, 10, 0.5)


def test_cli_writes_jsonl_to_a_file(tmp_path):
    out = tmp_path / "posts.jsonl"
    result = CliRunner().invoke(generate_command, ["--count", "500", "--seed", "3", "--out", str(out),
                                                   "--incident", "ID-JI:provocation:0:5", "--rate", "5"])
    assert result.exit_code == 0, result.output
    lines = out.read_bytes().splitlines()
    assert len(lines) == 500
    assert [json.loads(x) for x in lines] == list(
        generate_posts(count=500, seed=3, rate=5, incidents=[parse_incident("ID-JI:provocation:0:5")]))


def test_cli_rejects_a_bad_incident_and_minutes_with_count():
    runner = CliRunner()
    assert runner.invoke(generate_command, ["--count", "5", "--incident", "Atlantis:hate:0:1"]).exit_code == 2
    assert runner.invoke(generate_command, ["--count", "5", "--minutes", "1"]).exit_code == 2
    assert runner.invoke(generate_command, ["--count", "5", "--start", "2024-02-14 06:00"]).exit_code == 2


# --------------------------------------------------------------------------------------------
# debate night / quick-count evening: a surge of civil posts that name candidates

DEBATE_SPEC = "ID-JB,Jatim:20:30:4"
T_START = dt.datetime.fromisoformat("2024-02-14T06:00:00+07:00")

# Insults, slurs and camp labels a scorer treats as abuse; none may appear in a debate-night post.
DEROGATORY = frozenset(
    "cebong kampret kadrun togog kampang buzzerp anjing bangsat goblok tolol bego bodoh idiot dungu tahi tai "
    "bacot bajingan brengsek jancuk kontol memek ngentot banci monyet babi kodok onta kafir aseng pki antek "
    "penipu pembohong maling munafik laknat biadab sampah busuk benci muak jijik gila sinting setan iblis "
    "lonte pelacur kampungan bejat keparat sialan dajjal licik culas pengkhianat perusak penjilat "
    "bunuh bantai habisi usir bakar penggal gantung ganyang hajar serbu kepung curang".split()
) | {"plonga plongo", "kurang ajar", "asam sulfat"}
_DEROGATORY_RX = re.compile(r"(?<![a-z])(?:" + "|".join(sorted(map(re.escape, DEROGATORY), key=len, reverse=True))
                            + r")(?![a-z])")
# Every debate-night post names someone or something of the race: a candidate, pair, party, number or hashtag.
_NAMES_RX = re.compile(
    r"#|(?<![a-z])(?:anies|prabowo|ganjar|gibran|imin|muhaimin|mahfud|jokowi|ahok|ridwan|kamil|emil|pramono|"
    r"rano|karno|doel|dharma|suswono|wardana|mega|risma|khofifah|sby|ahy|paloh|amin|pdip|gerindra|"
    r"golkar|pkb|nasdem|pks|demokrat|pan|psi|perindo|ppp|paslon|pasangan|nomor)")


def _minute(post) -> float:
    return (dt.datetime.fromisoformat(post["created_at"]) - T_START).total_seconds() / 60


def _debate_stream(seed=21, spec=DEBATE_SPEC, minutes=60):
    return list(generate_posts(minutes=minutes, rate=10, seed=seed, unknown_share=0, truth=True,
                               debate_nights=[parse_debate_night(spec)]))


@pytest.fixture(scope="module")
def debate_stream():
    return _debate_stream()


def test_debate_night_spec_parses_several_provinces_and_defaults_to_five_times():
    assert parse_debate_night("ID-JK,Jabar , Jawa Tengah,jatim:30:60") == DebateNight(
        ("ID-JK", "ID-JB", "ID-JT", "ID-JI"), 30, 60, 5.0)
    assert parse_debate_night("Sulsel:0:15:2.5") == DebateNight(("ID-SN",), 0, 15, 2.5)
    assert parse_debate_night("ID-JK,DKI Jakarta:0:10").regions == ("ID-JK",)


@pytest.mark.parametrize(
    "spec, message",
    [
        ("Atlantis:0:10", "not an Indonesian province"),
        ("ID-JK,,ID-JB:0:10", "empty region"),
        ("ID-JK:soon:10", "must be numbers"),
        ("ID-JK:10", "expected REGION"),
        ("ID-JK:0:10:5:1", "expected REGION"),
        ("ID-JK:0:0", "MINUTES > 0"),
        ("ID-JK:0:10:1", "1 < FACTOR"),
        ("ID-JK:-1:10", "START_MIN >= 0"),
    ],
)
def test_bad_debate_night_specs_are_rejected_with_a_reason(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_debate_night(spec)


def test_debate_night_is_deterministic_and_seeded():
    a, b, c = (_debate_stream(seed=seed, spec="ID-JB,Jatim:5:10:4", minutes=20) for seed in (5, 5, 6))
    assert a == b
    assert [p["text"] for p in a] != [p["text"] for p in c]
    ids = [p["id"] for p in a]
    assert len(set(ids)) == len(ids) and ids[0] == "5-000000001"


def test_a_debate_night_outside_the_stream_changes_nothing():
    plain = list(generate_posts(minutes=10, rate=10, seed=3))
    assert list(generate_posts(minutes=10, rate=10, seed=3,
                               debate_nights=[parse_debate_night("ID-JB:30:60")])) == plain


def test_debate_night_multiplies_the_named_provinces_volume_by_about_factor_only_while_it_lasts(debate_stream):
    posts = debate_stream
    debate = [p for p in posts if p["synthetic"].get("pattern") == DEBATE_NIGHT]
    assert debate and all(p["synthetic"]["signal"] is None for p in debate)
    assert {p["synthetic"]["region"] for p in debate} == {"ID-JB", "ID-JI"}
    minutes = [_minute(p) for p in debate]
    assert min(minutes) >= 20 - MAX_DISORDER_MS / 60_000 and max(minutes) < 50

    def per_minute(code, inside):
        n = sum(1 for p in posts if p["synthetic"]["region"] == code and (21 <= _minute(p) < 49) == inside
                and not 19 <= _minute(p) < 21 and not 49 <= _minute(p) < 51)  # skip the edges (disorder)
        return n / (28 if inside else 60 - 32)

    for code in ("ID-JB", "ID-JI"):
        assert per_minute(code, True) / per_minute(code, False) == pytest.approx(4, rel=0.15), code
    for code in ("ID-JT", "ID-JK", "ID-SU"):  # not named: their volume does not move
        assert per_minute(code, True) / per_minute(code, False) == pytest.approx(1, rel=0.2), code


def test_debate_night_posts_come_from_many_of_the_provinces_own_accounts(debate_stream):
    posts = debate_stream
    debate = [p for p in posts if p["synthetic"].get("pattern") == DEBATE_NIGHT]
    jb = [p for p in debate if p["synthetic"]["region"] == "ID-JB"]
    authors = {p["author_id"] for p in jb}
    assert len(authors) > 0.5 * len(jb)
    assert all(p["author_id"].split(":", 1)[1].startswith("jb") for p in jb)  # the province's pool, as background
    background_authors = {p["author_id"] for p in posts
                          if p["synthetic"]["region"] == "ID-JB" and "pattern" not in p["synthetic"]}
    assert authors & background_authors  # regulars join in: the same accounts, not a separate crowd


def test_debate_night_texts_are_civil_and_name_candidates_parties_or_numbers():
    posts = _debate_stream(spec="ID-JK,ID-JB,ID-JT,ID-JI:0:30:6", minutes=30)
    debate = [p["text"].lower() for p in posts if p["synthetic"].get("pattern") == DEBATE_NIGHT]
    assert len(debate) > 10_000
    for text in debate:
        assert not _DEROGATORY_RX.search(text), text
        assert not any(w in text for w in ALL_HEATED), text
        assert _NAMES_RX.search(text), text
    assert len(set(debate)) > 2_000  # varied, not a handful of strings repeated


def test_debate_night_templates_are_plentiful_and_distinct():
    assert len(_DEBATE) >= 60 and len(set(_DEBATE)) == len(_DEBATE)
    assert not set(_DEBATE) & set(_BACKGROUND)


def test_cli_debate_night(tmp_path):
    out = tmp_path / "posts.jsonl"
    args = ["--minutes", "3", "--rate", "5", "--seed", "4", "--debate-night", "ID-JK,ID-JB:1:2", "--out", str(out)]
    result = CliRunner().invoke(generate_command, args)
    assert result.exit_code == 0, result.output
    assert [json.loads(x) for x in out.read_bytes().splitlines()] == list(
        generate_posts(minutes=3, rate=5, seed=4, debate_nights=[parse_debate_night("ID-JK,ID-JB:1:2")]))
    bad = CliRunner().invoke(generate_command, ["--count", "5", "--debate-night", "Atlantis:0:10"])
    assert bad.exit_code == 2 and "not an Indonesian province" in bad.output
