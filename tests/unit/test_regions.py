"""The gazetteer: every province reachable by every official spelling, junk never raises."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from streams.core.regions import (
    ISLAND_GROUPS,
    PROVINCE_BY_CODE,
    PROVINCES,
    REGION_CODES,
    RegionMatch,
    normalize_region,
    region_name,
    tz_for,
    utc_offset_ms,
)

EXPECTED_CODES = {
    "ID-AC": "11", "ID-SU": "12", "ID-SB": "13", "ID-RI": "14", "ID-JA": "15", "ID-SS": "16", "ID-BE": "17",
    "ID-LA": "18", "ID-BB": "19", "ID-KR": "21", "ID-JK": "31", "ID-JB": "32", "ID-JT": "33", "ID-YO": "34",
    "ID-JI": "35", "ID-BT": "36", "ID-BA": "51", "ID-NB": "52", "ID-NT": "53", "ID-KB": "61", "ID-KT": "62",
    "ID-KS": "63", "ID-KI": "64", "ID-KU": "65", "ID-SA": "71", "ID-ST": "72", "ID-SN": "73", "ID-SG": "74",
    "ID-GO": "75", "ID-SR": "76", "ID-MA": "81", "ID-MU": "82", "ID-PA": "91", "ID-PB": "92", "ID-PS": "93",
    "ID-PT": "94", "ID-PE": "95", "ID-PD": "96",
}


def test_there_are_exactly_38_provinces_with_the_kemendagri_numbers():
    assert {p.code: p.bps for p in PROVINCES} == EXPECTED_CODES
    assert REGION_CODES[-1] == "unknown" and len(REGION_CODES) == 39


def test_the_four_2022_papua_provinces_are_named_officially():
    assert region_name("ID-PS") == "Papua Selatan"
    assert region_name("ID-PT") == "Papua Tengah"
    assert region_name("ID-PE") == "Papua Pegunungan"
    assert region_name("ID-PD") == "Papua Barat Daya"


def test_time_zones_follow_wib_wita_wit():
    wita = {"ID-BA", "ID-NB", "ID-NT", "ID-KS", "ID-KI", "ID-KU", "ID-SA", "ID-ST", "ID-SN", "ID-SG", "ID-GO", "ID-SR"}
    wit = {"ID-MA", "ID-MU", "ID-PA", "ID-PB", "ID-PS", "ID-PT", "ID-PE", "ID-PD"}
    for p in PROVINCES:
        expected = "WITA" if p.code in wita else "WIT" if p.code in wit else "WIB"
        assert p.tz_label == expected, p.code
        assert p.utc_offset_hours == {"WIB": 7, "WITA": 8, "WIT": 9}[expected]
        assert tz_for(p.code).utcoffset(None) == timedelta(hours=p.utc_offset_hours)
        assert utc_offset_ms(p.code) == p.utc_offset_hours * 3_600_000


def test_unknown_region_is_read_as_wib():
    assert tz_for("unknown").utcoffset(None) == timedelta(hours=7)
    assert datetime(2024, 2, 14, tzinfo=tz_for("ID-PA")).tzname() == "WIT"


def test_centroids_lie_inside_indonesia_and_groups_are_known():
    for p in PROVINCES:
        assert -11.5 < p.lat < 6.5 and 94.5 < p.lon < 141.5, p.code
        assert p.island_group in ISLAND_GROUPS
        assert 0.1 < p.population_millions < 60
    assert PROVINCE_BY_CODE["ID-PE"].island_group == "Papua"
    assert sum(p.population_millions for p in PROVINCES) == pytest.approx(280, rel=0.05)


@pytest.mark.parametrize("province", PROVINCES, ids=lambda p: p.code)
def test_every_province_resolves_by_code_bps_and_name(province):
    expected = RegionMatch(province.code, None)
    assert normalize_region(province.code) == expected
    assert normalize_region(province.code.lower()) == expected
    assert normalize_region(province.code[3:]) == expected
    assert normalize_region(province.bps) == expected
    assert normalize_region(int(province.bps)) == expected
    assert normalize_region(province.name) == expected
    assert normalize_region(province.name.upper()) == expected
    assert normalize_region(f"Provinsi {province.name}") == expected
    assert normalize_region(f"  prov. {province.name.lower()} ") == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        ("Jakarta", "ID-JK"), ("DKI", "ID-JK"), ("Jabar", "ID-JB"), ("Jatim", "ID-JI"), ("Jateng", "ID-JT"),
        ("Sulsel", "ID-SN"), ("Sumut", "ID-SU"), ("Kaltim", "ID-KI"), ("NTB", "ID-NB"), ("NTT", "ID-NT"),
        ("DIY", "ID-YO"), ("Jogja", "ID-YO"), ("Yogyakarta", "ID-YO"), ("Babel", "ID-BB"), ("Kepri", "ID-KR"),
        ("Bangka Belitung", "ID-BB"), ("Papua", "ID-PA"), ("Papua Barat", "ID-PB"), ("papua barat daya", "ID-PD"),
        ("Sumbar", "ID-SB"), ("Sumsel", "ID-SS"), ("Kalbar", "ID-KB"), ("Kalteng", "ID-KT"), ("Kalsel", "ID-KS"),
        ("Kaltara", "ID-KU"), ("Sulut", "ID-SA"), ("Sulteng", "ID-ST"), ("Sultra", "ID-SG"), ("Sulbar", "ID-SR"),
        ("Malut", "ID-MU"), ("NAD", "ID-AC"), ("West Java", "ID-JB"), ("D.K.I. Jakarta", "ID-JK"),
        ("id.jk", "ID-JK"), ("ID_RI", "ID-RI"), ("Jakarta, Indonesia", "ID-JK"),
    ],
)
def test_common_aliases_resolve_to_their_province(raw, code):
    assert normalize_region(raw) == RegionMatch(code, None)


@pytest.mark.parametrize(
    "raw, code, city",
    [
        ("Surabaya", "ID-JI", "Surabaya"), ("Kota Medan", "ID-SU", "Medan"), ("Kab. Jayapura", "ID-PA", "Jayapura"),
        ("Kabupaten Bandung", "ID-JB", "Bandung"), ("Makassar", "ID-SN", "Makassar"), ("Bekasi", "ID-JB", "Bekasi"),
        ("Depok", "ID-JB", "Depok"), ("Malang", "ID-JI", "Malang"), ("KOTA  BANDUNG", "ID-JB", "Bandung"),
        ("Solo", "ID-JT", "Surakarta"), ("Tangsel", "ID-BT", "Tangerang Selatan"), ("Jaksel", "ID-JK", "Jakarta Selatan"),
        ("Batam", "ID-KR", "Batam"), ("Denpasar", "ID-BA", "Denpasar"), ("Wamena", "ID-PE", "Jayawijaya"),
        ("Timika", "ID-PT", "Mimika"), ("Merauke", "ID-PS", "Merauke"), ("Sorong", "ID-PD", "Sorong"),
        ("Manokwari", "ID-PB", "Manokwari"), ("Ternate", "ID-MU", "Ternate"), ("Ambon", "ID-MA", "Ambon"),
        ("Kupang", "ID-NT", "Kupang"), ("Mataram", "ID-NB", "Mataram"), ("Pontianak", "ID-KB", "Pontianak"),
        ("Balikpapan", "ID-KI", "Balikpapan"), ("Palangkaraya", "ID-KT", "Palangka Raya"),
        ("Kota Bengkulu", "ID-BE", "Bengkulu"), ("Kota Yogyakarta", "ID-YO", "Yogyakarta"),
        ("Banjarmasin", "ID-KS", "Banjarmasin"), ("Kota Banjar", "ID-JB", "Banjar (Kota)"),
        ("Kabupaten Banjar", "ID-KS", "Banjar"), ("Kota Baru", "ID-KS", "Kotabaru"),
        ("Coblong, Kota Bandung", "ID-JB", "Bandung"), ("Bandung, Jawa Barat", "ID-JB", "Bandung"),
        ("Kec. Tembalang / Semarang", "ID-JT", "Semarang"),
    ],
)
def test_cities_and_regencies_resolve_with_their_name(raw, code, city):
    assert normalize_region(raw) == RegionMatch(code, city)


def test_every_provincial_capital_is_in_the_gazetteer():
    capitals = [
        "Banda Aceh", "Medan", "Padang", "Pekanbaru", "Kota Jambi", "Palembang", "Kota Bengkulu", "Bandar Lampung",
        "Pangkalpinang", "Tanjungpinang", "Bandung", "Semarang", "Kota Yogyakarta", "Surabaya", "Kota Serang",
        "Denpasar", "Mataram", "Kupang", "Pontianak", "Palangka Raya", "Banjarbaru", "Samarinda", "Tanjung Selor",
        "Manado", "Palu", "Makassar", "Kendari", "Kota Gorontalo", "Mamuju", "Ambon", "Sofifi", "Jayapura",
        "Manokwari", "Merauke", "Nabire", "Wamena", "Sorong",
    ]
    for capital in capitals:
        assert normalize_region(capital).city is not None, capital


@pytest.mark.parametrize(
    "junk",
    [None, 12.5, [], {}, "", "   ", "Atlantis", "x" * 10_000, "Sulawesi", "Indonesia", 0, 99, True, object(),
     b"\xff\xfe", "🇮🇩", "ID-XX", float("nan"), float("inf"), -31],
)
def test_junk_is_unknown_and_never_raises(junk):
    assert normalize_region(junk) == RegionMatch("unknown", None)


def test_unknown_has_a_readable_name():
    assert region_name("unknown") == "Tidak diketahui"
    assert region_name("ID-YO") == "Daerah Istimewa Yogyakarta"
