"""Region inference: the gazetteer, the rules (ambiguity, context, non-places), provenance in posts-scored."""

from __future__ import annotations

import orjson
import pytest
from click.testing import CliRunner

from streams.core.aggregation import PaneAgg, merge
from streams.core.alerting import Observation, step
from streams.cli import cli
from streams.core.contract import ContractLimits, Pseudonymizer, Rejection, parse_rfc3339, validate_post
from streams.core.gazetteer import DISTRICT, PROVINCE, REGENCY, gazetteer
from streams.core.places import explain_region, infer_region
from streams.core.records import REGION_SOURCES, Post, ScoredPost
from streams.core.regions import CITY_NAMES, PROVINCES
from streams.core.settings import load_settings
from streams.core.thresholds import BaselineRule, Level, Rule

NOW_MS = parse_rfc3339("2024-02-14T12:00:00+07:00")
LIMITS = ContractLimits.from_settings(load_settings(env={}))


def validate(**doc: object) -> Post | Rejection:
    base = {"id": "p1", "text": "Antrean panjang sekali", "created_at": "2024-02-14T09:30:00+07:00"}
    base.update(doc)
    return validate_post(orjson.dumps(base), limits=LIMITS, pseudonymize=Pseudonymizer(b"k"), now_ms=NOW_MS)


def prof(location: str) -> str:
    return infer_region(None, location, None).code


def text(t: str, profile: str | None = None) -> str:
    return infer_region(None, profile, t).code


# ------------------------------------------------------------------------------------- gazetteer
def test_the_gazetteer_has_every_province_regency_and_district_of_kemendagri():
    g = gazetteer()
    assert g.count(PROVINCE) == 38 and g.count(REGENCY) == 514 and g.count(DISTRICT) >= 7000
    assert {a.iso for a in g.areas.values() if a.level == PROVINCE} == {p.code for p in PROVINCES}


def test_kemendagri_province_codes_map_to_iso_including_the_2022_papua_provinces():
    g = gazetteer()
    expect = {"31": "ID-JK", "34": "ID-YO", "91": "ID-PA", "92": "ID-PB", "93": "ID-PS", "94": "ID-PT",
              "95": "ID-PE", "96": "ID-PD"}
    for bps, iso in expect.items():
        assert g.areas[bps].iso == iso
    assert g.areas["94.04"].name == "Kabupaten Mimika" and g.areas["94.04"].iso == "ID-PT"
    assert g.areas["96.71"].iso == "ID-PD"  # Kota Sorong


def test_every_city_a_regency_maps_to_is_a_city_the_engine_keeps_windows_for():
    for a in gazetteer().areas.values():
        if a.city is not None:
            assert a.city in CITY_NAMES[a.iso], a


def test_the_data_licence_ships_with_the_data():
    from importlib import resources

    folder = resources.files("streams").joinpath("defaults/gazetteer")
    assert "Open Database License" in folder.joinpath("LICENSE-DATA.md").read_text(encoding="utf-8")
    assert folder.joinpath("areas.csv.gz").read_bytes()[:2] == b"\x1f\x8b"


def test_a_bare_name_means_its_highest_level_and_a_prefix_keeps_its_own_level():
    g = gazetteer()
    assert g.names["bandung"].provinces == {"ID-JB"}  # the city, not the district of Serang (Banten)
    assert g.names["kota banjar"].provinces == {"ID-JB"} and g.names["kab banjar"].provinces == {"ID-KS"}
    assert g.names["kec sukajadi"].level == DISTRICT and g.names["kec sukajadi"].prefixed


# ------------------------------------------------------------------------------------ profile
@pytest.mark.parametrize("location,code", [
    ("Bdg", "ID-JB"), ("Kota Hujan", "ID-JB"), ("Jogja istimewa", "ID-YO"), ("Surabaya | Jatim", "ID-JI"),
    ("Kota Pahlawan", "ID-JI"), ("Serambi Mekkah", "ID-AC"), ("Kota Gudeg", "ID-YO"), ("Kota Kembang", "ID-JB"),
    ("Timika", "ID-PT"), ("Kab. Agam", "ID-SB"), ("Kec. Coblong, Kota Bandung", "ID-JB"), ("Malang", "ID-JI"),
])
def test_profile_locations_resolve_nicknames_abbreviations_and_prefixes(location, code):
    assert prof(location) == code


@pytest.mark.parametrize("location", ["Indonesia", "Bumi", "NKRI", "Planet Earth", "Kuala Lumpur", "Jawa",
                                      "Jabodetabek", "di hatimu", "", "🇮🇩", "Mekkah"])
def test_non_places_are_not_regions(location):
    r = infer_region(None, location, None)
    assert r.code == "unknown" and r.source == "none" and r.confidence == 0.0


def test_a_name_several_provinces_share_stays_unknown_without_support():
    assert prof("Sukajadi") == "unknown"  # Bandung (Jawa Barat) and Pekanbaru (Riau)
    assert prof("Sukajadi, Bandung") == "ID-JB"
    assert prof("Sukajadi, Pekanbaru") == "ID-RI"
    assert prof("Banjar") == "unknown"  # Kota Banjar (Jawa Barat) or Kab. Banjar (Kalimantan Selatan)
    assert prof("Kota Banjar") == "ID-JB"


def test_profiles_naming_two_provinces_stay_unknown():
    assert prof("Jakarta - Bandung") == "unknown"


# --------------------------------------------------------------------------------------- text
@pytest.mark.parametrize("post,code", [
    ("antrean di TPS 12 Cibiru panjang", "ID-JB"),
    ("ricuh di Sampang, kotak suara dibakar", "ID-JI"),
    ("surat suara di Kec. Sukajadi, Kota Bandung sudah tercoblos", "ID-JB"),
    ("warga Kota Batu protes hasil rekap", "ID-JI"),
    ("KPU Kab. Agam mulai rekapitulasi", "ID-SB"),
    ("banjir di Bima, logistik terlambat", "ID-NB"),
    ("kerusuhan di NTB setelah pengumuman", "ID-NB"),
    ("Polda Metro Jaya siaga satu", "ID-JK"),
])
def test_text_mentions_with_context_resolve(post, code):
    assert text(post) == code


@pytest.mark.parametrize("post", [
    "surat suara di Kec. Sukajadi sudah tercoblos",  # two provinces have a Sukajadi
    "Bima bilang pilkada harus damai",  # a person
    "batu nisan di batu itu retak",  # an ordinary word, in lowercase
    "dari Sabang sampai Merauke kita satu",  # the whole country
    "usir orang Madura",  # a people, not a place
    "makan nasi padang dulu",  # food
    "dari Jakarta ke Bandung macet parah",  # two provinces, equal evidence
    "pemilu di Indonesia harus jujur",
    "Pak Solo hadir di debat",
    "serang balik saja mereka",
])
def test_text_without_a_clear_place_stays_unknown(post):
    assert text(post) == "unknown"


def test_the_profile_supports_an_ambiguous_name_in_the_text():
    assert text("surat suara di Kec. Sukajadi rusak") == "unknown"
    assert text("surat suara di Kec. Sukajadi rusak", profile="Sukajadi") == "unknown"
    assert infer_region(None, "Pekanbaru", "di Kec. Sukajadi").source == "profile"


def test_order_is_field_then_profile_then_text_with_provenance():
    r = infer_region("Jabar", "Surabaya", "ricuh di Sampang")
    assert (r.code, r.source, r.confidence) == ("ID-JB", "field", 1.0)
    r = infer_region("Planet Mars", "Surabaya", "ricuh di Medan")
    assert (r.code, r.source, r.city) == ("ID-JI", "profile", "Surabaya")
    r = infer_region(None, "Indonesia", "ricuh di Sampang")
    assert (r.code, r.source, r.city) == ("ID-JI", "text", "Sampang")
    assert 0 < r.confidence < 1
    assert infer_region(None, None, "halo semua").source == "none"


def test_inference_never_raises_on_junk():
    for junk in (b"\xff", 12, 3.5, [], {}, "x" * 100_000, "\u0130stanbul \u212a"):
        r = infer_region(junk, junk, junk)
        assert r.source in REGION_SOURCES


def test_a_city_found_by_inference_is_one_the_engine_knows():
    for post in ("ricuh di Kec. Cibiru", "ricuh di Kota Batu", "demo di Timika", "warga Jakarta Selatan"):
        r = infer_region(None, None, post)
        assert r.city is None or r.city in CITY_NAMES[r.code], (post, r)


def test_explanations_name_the_rule_the_names_and_why_others_did_not_count():
    e = explain_region("Bima bilang ricuh di Kota Batu", profile="Indonesia")
    assert e["region"] == "ID-JI" and e["source"] == "text" and e["names"] == ["kota batu"]
    names = {n["name"]: n for step_ in e["steps"] for n in step_["names"]}
    assert names["indonesia"]["level"] == "non-place" and not names["bima"]["counts"]
    assert "locative" in names["bima"]["why"] or "prefix" in names["bima"]["why"]


def test_the_resolve_command_explains_without_printing_anything_but_gazetteer_names():
    res = CliRunner().invoke(cli, ["regions", "resolve", "surat suara di Kec. Sukajadi", "--profile", "Pekanbaru"])
    assert res.exit_code == 0, res.output
    assert "ID-RI" in res.output and "profile" in res.output


# ------------------------------------------------------------------------- contract and records
def test_the_contract_infers_the_region_and_records_its_source_and_confidence():
    post = validate(author_location="Kota Hujan")
    assert isinstance(post, Post)
    assert (post.region, post.city, post.source) == ("ID-JB", "Bogor", "profile")
    d = ScoredPost(post, {"hate": 0.1}, (), None, None, "m").to_dict()
    assert d["region_source"] == "profile" and d["region_confidence"] == post.confidence
    assert "author_location" not in d  # personal data: only what it resolved to travels on
    back = ScoredPost.from_dict(d).post
    assert (back.source, back.confidence) == ("profile", post.confidence)


def test_producers_cannot_set_the_provenance_fields_and_author_location_must_be_a_string():
    post = validate(region="Jatim", region_source="text", region_confidence=0.1)
    assert isinstance(post, Post) and (post.source, post.confidence) == ("field", 1.0)
    out = validate(author_location=["Bandung"])
    assert isinstance(out, Rejection) and out.reason == "wrong_type"
    post = validate(author_location="Bandung " * 40)  # over 200 characters: not read
    assert isinstance(post, Post) and post.source == "none"


def test_records_from_before_inference_read_as_field_evidence():
    d = ScoredPost(Post("1", "t", "2024-02-14T09:30:00+07:00", 1, region="ID-JB"), {"hate": 0.1}, (), None, None,
                   "m").to_dict()
    del d["region_source"], d["region_confidence"]
    assert ScoredPost.from_dict(d).post.source == "field"
    d["region_source"] = "gps"
    with pytest.raises(ValueError):
        ScoredPost.from_dict(d)


# ------------------------------------------------------------------ windows, alerts, thresholds
def test_windows_count_posts_by_region_source():
    pane = PaneAgg()
    for i, src in enumerate((0, 0, 1, 2)):
        pane.add(f"a{i}", [100] * 5, 0, f"p{i}", src)
    res = merge([pane]).result()
    assert res.source_shares == {"field": 0.5, "profile": 0.25, "text": 0.25}
    assert res.declared_share == 0.75


def _rule(min_declared_share: float) -> Rule:
    return Rule(metric="capped_share", min_posts=1, min_authors=1, consecutive_windows=1, consecutive_clear=1,
                reminder_windows=0, baseline=BaselineRule(), warning=None, critical=Level(0.5, 0.4),
                min_declared_share=min_declared_share)


def test_a_threshold_can_require_a_minimum_share_of_declared_region_evidence():
    shares = {"field": 0.2, "profile": 0.1, "text": 0.7}
    obs = Observation("ID-JB", "hate", 0, 300_000, "voting", 0.9, 50, 40, ("p1",), None, 0.3, shares)
    _, tr = step(None, obs, _rule(0.5))
    assert tr is None  # 70 % of the evidence read from text: not judged
    _, tr = step(None, obs, _rule(0.3))
    assert tr is not None and tr.status == "firing"
