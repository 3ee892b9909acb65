"""Group-hate evidence: a group near a hostile predicate is hate; negation, quotation and reporting are not."""

from __future__ import annotations

import pytest

from models.normalize import normalize
from models.sara import group_evidence


def evidence(text: str):
    return group_evidence(normalize(text))


@pytest.mark.parametrize("text", [
    "Gue benci orang madura.",
    "orang madura itu yang paling buruk.",
    "Umat Kristen itu sampah masyarakat",
    "Kaum LGBT harus dibasmi dari negeri ini",
    "Gue ketemu orang Batak kemarin. Mereka semua menjijikkan",
    "Perempuan tidak pantas jadi pemimpin, urus dapur aja",
    "Saya tidak pernah melihat umat Hindu berbuat baik.",
    "Mengapa jemaat Ahmadiyah selalu menjadi sumber masalah?",
])
def test_a_group_with_a_hostile_predicate_is_hate(text: str) -> None:
    e = evidence(text)
    assert e.hate >= 0.7 and not e.counter_speech


@pytest.mark.parametrize("text", [
    "Akan kubunuh semua orang Kristen",
    "Usir orang Madura dari kampung ini!",
    "Kami tidak akan segan membantai pendukung 02",
    "Besok gue datengin rumah umat Buddha bawa golok.",
])
def test_violence_against_a_group_is_a_threat(text: str) -> None:
    assert evidence(text).threat >= 0.8


@pytest.mark.parametrize("text", [
    "Gw gak benci sm org Cina kok",
    "Orang Maluku bukan sampah, mereka sama kayak kita.",
    "Kalau ada yg bilang \"orang Papua itu monyet\", itu rasis!",
    "Postingan yang bilang 'kaum perempuan itu binatang' harus di-report, bukan di-share.",
    "Polisi menangkap pelaku ujaran kebencian terhadap warga Tionghoa di Medan",
    "Tidak ada yang salah dengan Ahmadiyah",
])
def test_negation_counter_speech_and_reports_are_not_hate(text: str) -> None:
    e = evidence(text)
    assert e.hate == 0.0 and e.threat == 0.0


@pytest.mark.parametrize("text", [
    "Warga Tionghoa di Singkawang antusias ke TPS",
    "Umat Kristen di Manado ikut jaga TPS bersama warga muslim",
    "Pakde muslim punya anjing, biasa aja",
    "Jokowi dan Prabowo bertemu di Istana",
    "kerja bareng orang Jawa enak",
    "Tidak ada yang lebih baik dari orang Sunda",
])
def test_neutral_mentions_give_no_evidence(text: str) -> None:
    assert evidence(text).hate == 0.0


def test_typos_count_only_for_words_the_vocabulary_does_not_know() -> None:
    text = normalize("Aku beni banget sama cewek.")
    assert group_evidence(text).hate == 0.0  # no vocabulary test given: no typo matching
    assert group_evidence(text, known=lambda w: w != "beni").hate >= 0.7
    assert group_evidence(text, known=lambda w: True).hate == 0.0  # a known word is never a typo


def test_category_follows_the_group() -> None:
    assert evidence("Gue benci orang madura").category == "race"
    assert evidence("Gue benci umat Hindu").category == "religion"
    assert evidence("Gue benci kaum waria").category == "gender"
    assert evidence("Gue benci pendukung 01").category == "other"
