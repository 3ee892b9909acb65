"""Normalisation: one spelling per word, placeholders for what must not be learnt."""

from __future__ import annotations

import pytest

from models.normalize import normalize, normalize_plain


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("RT USER: Halo", "user halo"),
        ("@budi_s lihat https://t.co/xyz", "user lihat url"),
        ("GOBLOOOOOK", "goblok"),
        ("Maaaaf", "maaf"),
        ("orang2 itu", "orang orang itu"),
        ("4nj1ng b0d0h", "anjing bodoh"),
        ("c1 covid19 01", "c1 covid19 01"),
        ("#IniCurang #2019GantiPresiden", "ini curang ent_tagar"),
        ("#IniCurang #DebatCapres", "ini curang debat capres"),
        ("Aku cinta Pak Ahok, terima kasih Pak", "aku cinta pak ent_tokoh terima kasih pak"),
        ("coblos 02 ya, jangan lupa PDIP", "coblos ent_nomor ya jangan lupa ent_partai"),
        ("dasar cebong", "dasar cebong"),
        ('dia bilang "sampah" lalu pergi', "dia bilang q_kutip sampah q_kutip lalu pergi"),
        ("Ma'ruf Amin", "ent_tokoh"),
        ("b e n c i banget", "benci banget"),
        ("gw gak tau yg bgt", "aku tidak tahu yang banget"),
        ("wkwkwkwk hahaha", "haha haha"),
        ("&amp; lalu", "lalu"),
        ("kenapa??? !!!", "kenapa ? !"),
        ("lucu \\xf0\\x9f\\x98\\x82", "lucu emo_tawa"),
        ("marah 😡 🐷", "marah emo_marah emo_hewan"),
        ("jempol 👍🏽", "jempol emo_tangan"),
        ("kafé", "kafe"),
        ("baris\\nbaru", "baris baru"),
        ("", ""),
    ],
)
def test_normalize_cases(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_plain_normalisation_keeps_the_names() -> None:
    assert normalize_plain("#IniCurang #2019GantiPresiden") == "ini curang 2019 ganti presiden"
    assert normalize_plain("Aku cinta Pak Ahok") == "aku cinta pak ahok"


def test_normalize_is_idempotent_on_its_own_output() -> None:
    once = normalize("RT USER: Dasar GOBLOOOK!!! lu tuh anjg 😂 #IniCurang orang2")
    assert normalize(once) == once


def test_normalize_never_returns_placeholders_in_upper_case_or_double_spaces() -> None:
    out = normalize("USER   URL\t\tUSER")
    assert out == "user url user"
