"""Known hoaxes: the catalogue's validation, matching and stance, live catalogue updates, the claim-spread
engine, and `suhu backtest --claims` (no broker)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson
import pytest

from streams.tooling.backtest import run_backtest
from streams.runtime.catalogue_topic import CatalogueReader, ReaderStats, apply_record
from streams.core.claim_index import ClaimIndex
from streams.core.claims import Claim, parse_catalogue, read_catalogue
from streams.core.hoaxes import ClaimSpreadEngine, HoaxPost, SpreadRule
from streams.core.settings import load_settings
from streams.core.windowing import WindowSpec

DATA = Path(__file__).resolve().parents[1] / "data" / "hoaxes"
MINUTE = 60_000
T0 = int(datetime(2024, 2, 20, 2, 0, tzinfo=timezone.utc).timestamp() * 1000)


@pytest.fixture(scope="module")
def dev_claims() -> list[Claim]:
    claims, errors = read_catalogue(DATA / "dev_claims.jsonl")
    assert not errors
    return claims


@pytest.fixture(scope="module")
def index(dev_claims: list[Claim]) -> ClaimIndex:
    return ClaimIndex(dev_claims)


# ------------------------------------------------------------------------------------ catalogue files
def test_a_generic_csv_loads_its_good_rows_and_reports_each_bad_one_with_its_line_and_reason() -> None:
    csv = (
        "id,title,claim,verdict,source,url,published,keywords\n"
        "c1,Server di Singapura,Server Sirekap ada di Singapura dan dikendalikan asing,SALAH,Mafindo,"
        "https://turnbackhoax.id/c1,2024-02-18,sirekap;server\n"
        "c2,Pendek,pendek,SALAH,Mafindo,https://turnbackhoax.id/c2,2024-02-18,\n"
        "c3,Verdict,Klaim yang cukup panjang untuk dicocokkan,BENAR,Mafindo,https://turnbackhoax.id/c3,2024-02-18,\n"
        "c4,Tanggal,Klaim yang cukup panjang untuk dicocokkan,SALAH,Mafindo,https://turnbackhoax.id/c4,kemarin,\n"
        "c5,Link,Klaim yang cukup panjang untuk dicocokkan,SALAH,Mafindo,bukan-link,2024-02-18,\n"
        "c6,too,few\n"
        "c7,Verdict bracketed,Klaim lain yang cukup panjang untuk dicocokkan,[Konten yang Menyesatkan],Mafindo,"
        "https://turnbackhoax.id/c7,18/02/2024,\n"
    )
    claims, errors = parse_catalogue(csv.encode(), "catalogue.csv")
    assert [c.id for c in claims] == ["c1", "c7"]
    assert claims[0].keywords == ("sirekap", "server")
    assert claims[1].verdict == "MENYESATKAN" and claims[1].published == "2024-02-18"
    assert [(e.line, e.reason.split(":")[0]) for e in errors] == [
        (3, "claim"), (4, "verdict"), (5, "published"), (6, "url"), (7, "3 columns, the header has 8")]


def test_a_turnbackhoax_style_export_takes_the_verdict_from_the_title_tag() -> None:
    csv = (
        "url,title,date,narasi,penjelasan,kategori,tags\n"
        "https://turnbackhoax.id/2024/02/18/salah-server,[SALAH] Server Sirekap di Singapura,2024-02-18,"
        "\"Server Sirekap KPU berada di Singapura dan dikendalikan asing\",Penjelasan...,Politik,sirekap\n"
        "https://turnbackhoax.id/x,Tanpa tag,2024-02-18,Narasi yang cukup panjang sekali,p,k,t\n"
    )
    claims, errors = parse_catalogue(csv.encode(), "tbh.csv")
    assert len(claims) == 1 and claims[0].verdict == "SALAH" and claims[0].id.startswith("tbh-")
    assert claims[0].title == "Server Sirekap di Singapura" and claims[0].source == "TurnBackHoax (Mafindo)"
    assert [e.line for e in errors] == [3]


def test_jsonl_rows_that_are_not_json_or_not_objects_are_reported_not_fatal() -> None:
    good = orjson.dumps({"id": "j1", "title": "t", "claim": "Klaim yang cukup panjang", "verdict": "hoax",
                         "source": "s", "url": "https://x.id/1", "published": "2024-01-01"})
    claims, errors = parse_catalogue(b"{not json\n[1,2]\n" + good + b"\n", "c.jsonl")
    assert [c.id for c in claims] == ["j1"] and claims[0].verdict == "HOAKS"
    assert [(e.line, e.reason) for e in errors] == [(1, "not JSON"), (2, "JSON list, expected an object")]


# ------------------------------------------------------------------------------------ matching
def test_an_edited_copy_with_slang_matches_its_claim_and_spreads_it(index: ClaimIndex) -> None:
    m = index.match("Viral!! server sirekap trnyata di singapura & dikendalikan asing buat ngatur hasil pemilu")[0]
    assert (m.claim_id, m.matched, m.stance) == ("d02", True, "spreading")
    assert m.known_hoax >= 0.5


def test_a_post_calling_the_claim_a_hoax_debunks_it_and_scores_low(index: ClaimIndex) -> None:
    m = index.match("HOAKS! server Sirekap berada di Singapura dan dikendalikan pihak asing, itu tidak benar")[0]
    assert (m.claim_id, m.matched, m.stance) == ("d02", True, "debunking")
    assert m.known_hoax < 0.5


def test_a_fact_check_link_makes_a_post_a_debunk(index: ClaimIndex) -> None:
    m = index.match("Server Sirekap berada di Singapura dan dikendalikan asing? baca https://turnbackhoax.id/abc")[0]
    assert m.stance == "debunking"


def test_not_a_hoax_insists_the_claim_is_true(index: ClaimIndex) -> None:
    m = index.match("Ini bukan hoaks: server Sirekap berada di Singapura dan dikendalikan pihak asing")[0]
    assert m.stance == "spreading" and m.matched


def test_a_civil_post_on_the_same_topic_does_not_match(index: ClaimIndex) -> None:
    for text in ("KPU memastikan surat suara di gudang Jawa Timur aman dan dijaga aparat",
                 "Server Sirekap sempat lambat tadi malam karena banyak yang mengakses"):
        found = index.match(text)
        assert not found or not found[0].matched


def test_catalogue_changes_apply_to_the_next_match_without_a_rebuild(dev_claims: list[Claim]) -> None:
    ix = ClaimIndex(dev_claims)
    text = "Awas, bendera partai di TPS 7 Makassar dipasang terbalik oleh petugas sebagai kode rahasia"
    assert not any(m.matched for m in ix.match(text))
    ix.upsert(Claim("n1", "Bendera terbalik kode rahasia", "Bendera partai di TPS dipasang terbalik oleh petugas "
                    "sebagai kode rahasia", "SALAH", "t", "https://x.id/n1", "2024-02-14"))
    assert ix.match(text)[0].claim_id == "n1" and ix.match(text)[0].matched
    assert ix.remove("n1") and not any(m.claim_id == "n1" for m in ix.match(text))


# ------------------------------------------------------------------------------------ bad catalogue input
class _Record:
    def __init__(self, key: bytes | None, value: bytes | None, offset: int) -> None:
        self.key, self.value, self.offset = key, value, offset


class _TP:
    topic, partition = "hoax-claims", 0


class _FakeConsumer:
    def __init__(self, records: list[_Record]) -> None:
        self.records = records

    def poll(self, timeout_ms: int = 0, max_records: int = 0) -> dict[Any, list[_Record]]:
        out, self.records = self.records, []
        return {_TP(): out} if out else {}

    def close(self) -> None:
        pass


def test_bad_catalogue_records_are_skipped_and_counted_and_never_crash_the_reader(dev_claims: list[Claim]) -> None:
    good = dev_claims[0]
    records = [
        _Record(b"x", b"\xff\xfe not utf8", 0),
        _Record(b"x", b"{not json", 1),
        _Record(b"x", b"[1, 2, 3]", 2),
        _Record(b"x", orjson.dumps({"id": "x", "title": 5}), 3),
        _Record(b"other", good.to_json(), 4),  # key is not the claim id
        _Record(good.id.encode(), good.to_json(), 5),
        _Record(None, None, 6),  # a tombstone without a key
        _Record(b"\xff", None, 7),
        _Record(b"missing", None, 8),
    ]
    index = ClaimIndex()
    reader = CatalogueReader(load_settings(env={}), index, consumer_factory=lambda: _FakeConsumer(records))
    assert reader.poll() == len(records)
    assert index.claims() == [good]
    assert reader.stats.rejected == 5 and reader.stats.applied == 1
    reader.index.match("anything at all")  # the index still works


def test_a_tombstone_removes_the_claim() -> None:
    ix = ClaimIndex([Claim("a", "t", "Klaim yang cukup panjang sekali", "SALAH", "s", "https://x.id", "2024-01-01")])
    stats = ReaderStats()
    apply_record(ix, b"a", None, stats)
    assert len(ix) == 0 and stats.deleted == 1


# ------------------------------------------------------------------------------------ spread engine
PROVINCES = ["ID-JI", "ID-JB", "ID-JT", "ID-BT", "ID-SU"]


def _spread_posts(claim: str, minutes: int, per_minute: int, start: int = T0) -> list[HoaxPost]:
    out = []
    for m in range(minutes):
        for i in range(per_minute):
            n = m * per_minute + i
            out.append(HoaxPost(f"x:{claim}:{n}", f"p{n:04d}", claim, start + m * MINUTE + i * 1000, f"a{n % 13}",
                                PROVINCES[n % len(PROVINCES)]))
    return out


def _spread_engine(index: ClaimIndex, contributions: dict, state: dict) -> ClaimSpreadEngine:
    return ClaimSpreadEngine(WindowSpec(300_000, 60_000, 60_000), SpreadRule(min_posts=15, min_authors=10,
                             min_provinces=3, critical_provinces=8, consecutive_clear=2), index.get,
                             contributions, state)


def test_a_claim_spreading_in_five_provinces_pages_with_its_title_verdict_debunk_and_provinces(index) -> None:
    eng = _spread_engine(index, {}, {})
    alerts = []
    for hp in _spread_posts("d02", 10, 4):
        alerts += eng.process(hp, 0)
    firing = [a for a in alerts if a.status == "firing"]
    assert len(firing) == 1
    a = firing[0]
    assert a.signal == "hoax_spread" and a.region == "ID" and a.severity == "warning"
    assert a.summary_id.startswith('[HOAKS] "Server Sirekap ada di Singapura dan dikendalikan asing" (SALAH) menyebar '
                                   'di 5 provinsi: ')
    assert "Jawa Timur" in a.summary_id and "https://cekfakta.example.id/d02" in a.summary_id
    assert a.summary_en.startswith('[HOAX] "Server Sirekap ada di Singapura') and "5 provinces" in a.summary_en
    assert a.claim["id"] == "d02" and sorted(a.claim["provinces"]) == sorted(PROVINCES)
    assert "dikendalikan pihak asing untuk mengatur" not in a.summary_id  # the claim text is not paged
    # Quiet afterwards: resolved after two calm windows, pushed along by another claim's posts.
    later = T0 + 30 * MINUTE
    for hp in _spread_posts("d05", 3, 1, start=later):
        alerts += eng.process(hp, 0)
    assert [x.status for x in alerts if x.claim and x.claim["id"] == "d02"] == ["firing", "resolved"]


def test_a_claim_in_two_provinces_does_not_page(index) -> None:
    eng = _spread_engine(index, {}, {})
    posts = [HoaxPost(f"k{i}", f"p{i}", "d02", T0 + i * 10_000, f"a{i}", ("ID-JI", "ID-JB")[i % 2]) for i in range(60)]
    posts.append(HoaxPost("late", "pl", "d02", T0 + 30 * MINUTE, "z", "ID-JI"))
    assert [a for hp in posts for a in eng.process(hp, 0)] == []


def test_the_spread_engine_rebuilt_from_its_state_gives_the_same_alerts(index) -> None:
    posts = _spread_posts("d02", 10, 4) + _spread_posts("d05", 3, 1, start=T0 + 30 * MINUTE)
    one = _spread_engine(index, {}, {})
    expected = [a for hp in posts for a in one.process(hp, 0)]
    contributions: dict = {}
    state: dict = {}
    two = _spread_engine(index, contributions, state)
    got = [a for hp in posts[:17] for a in two.process(hp, 0)]
    three = _spread_engine(index, contributions, state)  # a restart
    got += [a for hp in posts[17:] for a in three.process(hp, 0)]
    assert [a.alert_id for a in got] == [a.alert_id for a in expected]


# ------------------------------------------------------------------------------------ backtest
def _raw(i: int, text: str, region: str, minute: float, author: str) -> bytes:
    ts = datetime.fromtimestamp((T0 + minute * MINUTE) / 1000, tz=timezone.utc) + timedelta(seconds=0)
    return orjson.dumps({"id": f"r{i}", "text": text, "created_at": ts.isoformat(), "region": region,
                         "author_id": author, "platform": "x"})


SPREAD_TEXTS = [
    "Server Sirekap ternyata di Singapura dan dikendalikan asing buat ngatur hasil pemilu 2024!",
    "pantes aja, server sirekap kpu berada di singapura dikendalikan pihak asing",
    "Jadi server Sirekap ada di Singapura? dikendalikan asing untuk mengatur hasil pemilu. Ngeri",
]


def hoax_stream() -> list[bytes]:
    lines = []
    i = 0
    for minute in range(12):
        for k in range(6):  # Jawa Timur: a flood, 6 a minute from 24 accounts
            lines.append(_raw(i, SPREAD_TEXTS[i % 3], "ID-JI", minute + k / 10, f"jt{i % 24}"))
            i += 1
        for r in ("ID-JB", "ID-JT", "ID-BT", "ID-SU"):
            lines.append(_raw(i, SPREAD_TEXTS[i % 3], r, minute + 0.5, f"{r}{i % 5}"))
            i += 1
    lines.append(_raw(i, "Selamat pagi, semoga hari ini lancar", "ID-JI", 40, "late"))
    return lines


def test_backtest_with_a_catalogue_gives_the_region_alert_and_the_claim_spread_alert() -> None:
    settings = load_settings(env={})
    index = ClaimIndex(read_catalogue(DATA / "dev_claims.jsonl")[0])
    stats: Counter[str] = Counter()
    alerts = run_backtest(hoax_stream(), settings, claims=index, stats=stats)
    kinds = {(a.signal, a.region, a.status) for a in alerts}
    assert ("known_hoax", "ID-JI", "firing") in kinds
    assert ("hoax_spread", "ID", "firing") in kinds
    spread = next(a for a in alerts if a.signal == "hoax_spread")
    assert "menyebar di 5 provinsi" in spread.summary_id
    for a in alerts:  # never a post's text in a page
        assert all(t[:30] not in a.summary_id and t[:30] not in a.summary_en for t in SPREAD_TEXTS)
    # Without the catalogue neither fires.
    assert not [a for a in run_backtest(hoax_stream(), settings) if a.signal in ("known_hoax", "hoax_spread")]


def test_the_claim_windows_take_watermark_records_by_the_same_rule_as_the_regional_ones(index) -> None:
    from streams.core.watermarks import parse_watermark_record, watermark_record
    eng = ClaimSpreadEngine(WindowSpec(300_000, 60_000, 60_000), SpreadRule(min_posts=15, min_authors=10,
                            min_provinces=3, critical_provinces=8, consecutive_clear=2), index.get, {}, {}, sources=2)
    both_idle = parse_watermark_record(watermark_record({"0": {"m": None, "idle": True},
                                                         "1": {"m": None, "idle": True}}, 1_000))
    eng.advance(0, *both_idle)
    eng.advance(0, {"0": 5 * 60_000, "1": 60_000}, set(), {"0", "1"}, 2_000)
    clock = eng.watermark(0)
    eng.advance(0, *both_idle)  # seen again: stale, the clock stays with the slow source
    assert eng.watermark(0) == clock == 60_000
