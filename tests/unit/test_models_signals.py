"""Each signal on clear Indonesian positives and negatives written for suhu."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.base import SIGNALS
from models.normalize import normalize
from models.signals import _fraud_claim_score, fraud_claim_score
from models.offline.evaluate import HOLDOUT_SET, VALIDATION_SET, evaluate, read_labelled_jsonl
from models.scorer import load_scorer

HOAXES = Path(__file__).resolve().parents[1] / "data" / "hoaxes"


@pytest.fixture(scope="module")
def scorer():  # type: ignore[no-untyped-def]
    return load_scorer()


def labels_of(scorer, text: str) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    return scorer.score_batch([text])[0].labels


@pytest.mark.parametrize("text", [
    "dasar goblok lu, otak udang bangsat",
    "anjing banget kelakuan lo, tolol",
])
def test_vulgar_insults_are_incivility(scorer, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "incivility" in labels_of(scorer, text)


@pytest.mark.parametrize("text", [
    "selamat pagi, semoga pemilu berjalan lancar dan damai",
    "debat capres semalam membahas program kesehatan",
])
def test_polite_posts_carry_no_label(scorer, text: str) -> None:  # type: ignore[no-untyped-def]
    assert labels_of(scorer, text) == ()


def test_religious_hate_fires_with_group_target_and_religion_category(scorer) -> None:  # type: ignore[no-untyped-def]
    ps = scorer.score_batch(["dasar kafir laknat, umat agama itu semua harus diusir dari negeri ini"])[0]
    assert "hate" in ps.labels
    assert ps.hate_target == "group"
    assert ps.hate_category == "religion"


def test_no_target_or_category_without_hate(scorer) -> None:  # type: ignore[no-untyped-def]
    ps = scorer.score_batch(["terima kasih petugas KPPS yang sudah bekerja keras"])[0]
    assert "hate" not in ps.labels and ps.hate_target is None and ps.hate_category is None


@pytest.mark.parametrize("text", [
    "Ayo kepung KPU sekarang juga!",
    "semua turun ke jalan, rebut kembali suara rakyat",
    "bakar saja kantor bawaslu itu",
])
def test_calls_to_mobilise_and_threats_are_provocation(scorer, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "provocation" in labels_of(scorer, text)


@pytest.mark.parametrize("text", [
    "Jangan turun ke jalan, tempuh jalur hukum",
    "Polisi membubarkan massa yang mengepung KPU",
    "bakar ikan di pantai bareng keluarga",
])
def test_discouraged_reported_or_everyday_uses_are_not_provocation(scorer, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "provocation" not in labels_of(scorer, text)


@pytest.mark.parametrize("text", [
    "Surat suara sudah tercoblos sebelum pemilih datang",
    "Sirekap dimanipulasi, suara digelembungkan",
    "kpu curang bgt, pemilu TSM",
])
def test_rigging_claims_are_fraud_claim(scorer, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "fraud_claim" in labels_of(scorer, text)


@pytest.mark.parametrize("text", [
    "Tidak ada kecurangan di TPS kami",
    "Hoaks: video surat suara tercoblos itu dari 2019",
    "adikku curang main kartu",
])
def test_denials_fact_checks_and_games_are_not_fraud_claim(scorer, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "fraud_claim" not in labels_of(scorer, text)


@pytest.mark.parametrize("text", [
    "suara d gelembungin di tingkat kecamatan",  # slang predicate next to its object
    "Surat suara udah di coblos duluan sebelum warga datang",
    "Angka di C1 plano diubah petugas tengah malam tanpa saksi",  # weak predicates + suspicion marker
    "Kenapa suara 02 di Sirekap lebih banyak dari jumlah DPT? Siapa yang nambahin?",  # a question passing it on
    "Bukan menang, tapi merampok suara",  # the negation does not reach past "tapi"
    "Suara 01 ditulis 800, gimana ceritanya kalau bukan digelembungkan?",  # rhetorical negation asserts the claim
    "Bukan hoax!! Surat suara sudah tercoblos di gudang",  # "not a hoax" is no debunk
    "Ada DPT siluman di desa kami, suaranya masuk semua",  # DPT normalises to "dapat"
])
def test_fraud_narratives_in_many_forms_are_fraud_claim(text: str) -> None:
    assert fraud_claim_score(normalize(text)) >= 0.5


@pytest.mark.parametrize("text", [
    "Hasil timbangan berat badan saya pasti di-setting",  # a generic object outside an election post
    "Jadwal rapat diubah ke hari Kamis",  # a predicate without an election object
    "Sirekap diperbarui, angka di TPS kami berubah setelah dikoreksi operator",  # correction, debunk framing
    "Kabar penggelembungan suara di TPS Depok ternyata salah input yang sudah dikoreksi",
    "Kalau ada pemilih ganda di DPT, warga bisa melapor ke PPS",  # procedure, a weak predicate alone
    "Tidak ada surat suara yang tercoblos di TPS kami",
])
def test_procedure_corrections_debunks_and_other_topics_are_not_fraud_claim(text: str) -> None:
    assert fraud_claim_score(normalize(text)) < 0.5


def test_the_fraud_gate_changes_no_score_on_the_labelled_sets() -> None:
    """Posts without fraud vocabulary skip the regex scans; the score must be the one the scans give."""
    texts = list(read_labelled_jsonl(VALIDATION_SET).texts)
    for name in ("dev_fraud_v2.jsonl", "dev_fraud.jsonl", "dev_civil.jsonl"):
        with (HOAXES / name).open(encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f if line.strip()]
    for text in texts:
        n = normalize(text)
        assert fraud_claim_score(n) == _fraud_claim_score(n), text


def test_tension_rises_with_provocation_and_stays_low_for_calm_posts(scorer) -> None:  # type: ignore[no-untyped-def]
    calm, hot = scorer.score_batch(["pemilu damai, ayo ke TPS", "KPU curang! ayo kepung KPU, turun ke jalan!"])
    assert calm.scores["tension"] < 0.2
    assert "tension" in hot.labels


def test_every_score_is_in_the_unit_interval(scorer) -> None:  # type: ignore[no-untyped-def]
    for ps in scorer.score_batch(["", "!!!", "a" * 30000, "KPU curang, kepung, bakar, bunuh, anjing kafir cina"]):
        assert set(ps.scores) == set(SIGNALS)
        assert all(0.0 <= v <= 1.0 for v in ps.scores.values())


def test_lexicon_meets_what_the_card_claims_on_the_committed_sets(scorer) -> None:  # type: ignore[no-untyped-def]
    claimed = scorer.config
    for key, path in (("metrics_lexicon_validation", VALIDATION_SET), ("metrics_lexicon_holdout", HOLDOUT_SET)):
        got = evaluate(scorer, read_labelled_jsonl(path))
        for signal in ("provocation", "fraud_claim"):
            assert got[signal]["f1"] == pytest.approx(claimed[key][signal]["f1"], abs=1e-4)
