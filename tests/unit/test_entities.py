"""Political-entity masking: names become typed placeholders so no name can carry label weight."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml

import models.entities as entities
from models.entities import (
    DEFAULT_PATH, ENTITY_TYPES, GAZETTEER_VERSION, PLACEHOLDER, PLACEHOLDERS, SUFFIXES, default_masker,
    entity_types_in, load_gazetteer, mask_entities,
)
from models.normalize import normalize_plain


def masked(raw: str) -> str:
    return mask_entities(normalize_plain(raw))


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def test_loads_with_the_code_version_and_is_cached(gaz) -> None:
    assert gaz.version == GAZETTEER_VERSION
    assert load_gazetteer() is gaz
    assert default_masker() is default_masker()


def test_size_and_every_type_present(gaz) -> None:
    masked_entities = [e for e in gaz.entities if e.type in ENTITY_TYPES]
    assert len(masked_entities) >= 150
    assert sum(len(e.aliases) + len(e.licensed) for e in masked_entities) >= 500
    for etype in ENTITY_TYPES + ("derogatory",):
        assert gaz.of_type(etype), etype
    counts = default_masker().counts
    assert sum(counts[t]["patterns"] for t in ("tokoh", "partai", "paslon", "tagar")) >= 500


def test_placeholders_survive_normalisation_unchanged() -> None:
    for ph in PLACEHOLDERS:
        assert re.fullmatch(r"[a-z_]+", ph)
        assert normalize_plain(ph) == ""  # a post cannot type a placeholder itself
        assert mask_entities(ph) == ph


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Aku cinta Pak Ahok", "aku cinta pak ent_tokoh"),
        # neutral event hashtag: names nobody, normalises to an ordinary phrase -> left alone
        ("Mulai seru ni #DebatFinalPilkadaJKT", "mulai seru ini debat final pilkada jkt"),
        # campaign hashtag naming candidates -> one ent_tagar
        ("#PrabowoGibran2024 pasti menang", "ent_tagar pasti menang"),
        ("#2019GantiPresiden", "ent_tagar"),
        ("#jokowi2periode lanjut", "ent_tagar lanjut"),
        ("coblos 02", "coblos ent_nomor"),
        ("tahun 2019 ada 02 orang", "tahun 2019 ada 02 orang"),
        ("Paslon nomor urut 3 curang", "ent_nomor curang"),
        ("paslon 01 dan 02 sama saja", "ent_nomor dan ent_nomor sama saja"),
        ("01 vs 02", "ent_nomor vs ent_nomor"),
        ("01 menang", "ent_nomor menang"),
        ("capres02", "ent_nomor"),
        ("soal nomor 2 susah", "soal nomor 2 susah"),
        ("coblos 2", "coblos ent_nomor"),
        ("dasar cebong", "dasar cebong"),
        ("dasar kampang", "dasar kampret"),  # slang.py folds it; derogatory labels stay
        ("mulyono lagi mulyono lagi", "mulyono lagi mulyono lagi"),
        # longest match wins; only adjacent same-type placeholders collapse
        ("prabowo gibran", "ent_paslon"),
        ("Prabowo-Gibran menang", "ent_paslon menang"),
        ("prabowo dan gibran", "ent_tokoh dan ent_tokoh"),
        ("jokowi prabowo", "ent_tokoh"),
        ("Prabowo Subianto", "ent_tokoh"),
        # case, repeated letters and slang variants
        ("JOKOWIIII", "ent_tokoh"),
        ("Jkw", "ent_tokoh"),
        ("wowo", "ent_tokoh"),
        ("Anieeesss", "ent_tokoh"),
        ("Ma'ruf Amin dan Maruf Amin", "ent_tokoh dan ent_tokoh"),
        ("PDI-P dan pdip dan PDI Perjuangan", "ent_partai dan ent_partai dan ent_partai"),
        # suffixed forms keep the clitic as a token
        ("jokowinya", "ent_tokoh nya"),
        ("anies nya", "ent_tokoh nya"),
        ("ahoknya prabowonya", "ent_tokoh nya ent_tokoh nya"),
        ("gerindranya", "ent_partai nya"),
        # licensed words: masked only next to a cue of their type; cue words stay
        ("kubu amin curang", "kubu ent_paslon curang"),
        ("amin ya allah", "amin ya allah"),
        ("bu mega marah", "bu ent_tokoh marah"),
        ("mega proyek", "mega proyek"),
        ("jokowi dan mega", "ent_tokoh dan mega"),
        ("jokowi dan uu cipta kerja", "ent_tokoh dan uu cipta kerja"),
        ("salam rindu", "salam rindu"),
        ("baca surat yasin", "baca surat yasin"),
        ("pak yasin dan uu pemilu", "pak ent_tokoh dan uu pemilu"),
        ("bu mega dan puan", "bu ent_tokoh dan ent_tokoh"),
        ("kang uu", "ent_tokoh"),
        # a first name that is only a name is a plain alias: election talk names candidates that way
        ("luthfi polisi penjilat", "ent_tokoh polisi penjilat"),
        ("edy pemimpin gagal", "ent_tokoh pemimpin gagal"),
        ("mualem dan koster", "ent_tokoh dan ent_tokoh"),
        ("pendukung rindu", "pendukung ent_paslon"),
        # keep phrases
        ("lupa kata sandi", "lupa kata sandi"),
        ("kata sandinya", "kata sandinya"),
        ("sandi bilang", "ent_tokoh bilang"),
        ("kampanye di gelora bung karno", "kampanye di gelora bung karno"),
        # camp words stay for models/sara.py ("pendukung ent_tokoh", "kader ent_partai")
        ("kader PDIP", "kader ent_partai"),
        ("pendukung Anies", "pendukung ent_tokoh"),
        ("PPP", "p"),  # squeezed to "p" by normalisation: listed as ambiguous, not masked
        ("", ""),
    ],
)
def test_mask_examples(raw: str, expected: str) -> None:
    assert masked(raw) == expected


def test_entity_types_in() -> None:
    assert entity_types_in(masked("pendukung Prabowo-Gibran dan PDIP coblos 02")) == {"paslon", "partai",
                                                                                        "nomor_urut"}
    assert entity_types_in(masked("#AniesPresiden lalu Ganjar")) == {"tagar", "tokoh"}
    assert entity_types_in(masked("harga beras naik terus")) == frozenset()
    assert entity_types_in("") == frozenset()


def _alias_forms(gaz, types=ENTITY_TYPES):
    out = []
    for e in gaz.entities:
        if e.type in types:
            out += [(e.type, e.name, normalize_plain(a)) for a in e.aliases]
    return out


def test_each_alias_masks_to_exactly_its_placeholder(gaz) -> None:
    for etype, name, form in _alias_forms(gaz):
        assert mask_entities(form) == PLACEHOLDER[etype], (etype, name, form)
        if etype in ("tokoh", "partai", "paslon"):
            assert mask_entities(form + "nya") == PLACEHOLDER[etype] + " nya", (name, form)


def test_no_name_token_survives_a_sentence_of_all_aliases(gaz) -> None:
    sentence = " dan ".join(form for _, _, form in _alias_forms(gaz))
    leftover = set(mask_entities(sentence).split()) - PLACEHOLDERS - {"dan"}
    assert not leftover


def test_derogatory_and_ambiguous_are_never_masked(gaz) -> None:
    for e in gaz.of_type("derogatory"):
        for a in e.aliases:
            form = normalize_plain(a)
            assert mask_entities(form) == form, (e.name, a)
            assert mask_entities(f"dasar {form} kamu") == f"dasar {form} kamu"
    for text, _reason in gaz.ambiguous:
        form = normalize_plain(text)
        if len(form.split()) == 1:
            assert mask_entities(form) == form, text
        assert mask_entities(form) not in PLACEHOLDERS, text


def _pool(gaz) -> list[str]:
    m = default_masker()
    words = [f for _, _, f in _alias_forms(gaz)] + list(m.licensed)
    words += [w + s for w in list(m.licensed)[:20] for s in SUFFIXES[:2]]
    words += ["dan", "atau", "vs", "lawan", "sama", "pak", "bu", "kubu", "pendukung", "coblos", "nomor", "no",
              "paslon", "capres", "menang", "curang", "kata", "sandi", "nya", "2019", "01", "02", "03", "2", "3",
              "yang", "tidak", "banget", "dasar", "cebong", "kampret", "ent_tokoh", "ent_nomor", "partai", "urut"]
    return words


def test_masking_is_idempotent(gaz) -> None:
    rng = random.Random(20241127)
    pool = _pool(gaz)
    for _ in range(3000):
        text = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 14)))
        once = mask_entities(text)
        assert mask_entities(once) == once, text
        assert "  " not in once and once == once.strip()


def test_masking_is_idempotent_on_the_examples() -> None:
    for raw in ("paslon 01 dan 02 lawan 03", "pak agus dan ridwan atau mega", "kubu amin vs rindu",
                "jokowinya prabowo gibran dan kata sandinya", "01 vs capres 02 menang", "#AMIN amin"):
        once = masked(raw)
        assert mask_entities(once) == once


def test_normalize_is_plain_normalisation_then_masking() -> None:
    from models.normalize import normalize

    for raw in ("RT @user: Jokowi dan #PrabowoGibran2024 coblos 02!!", "dasar cebong", "kata sandi"):
        assert normalize(raw) == mask_entities(normalize_plain(raw))


# ---------------------------------------------------------------- malformed files


def _doc() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def _write(tmp_path: Path, doc: dict) -> Path:
    p = tmp_path / "gazetteer.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("group", "entry", "message"),
    [
        ("tokoh", {"name": "Tokoh Palsu", "type": "tokohh", "aliases": ["Palsu"]}, r"Tokoh Palsu.*unknown type"),
        ("tokoh", {"name": "Kosong", "type": "tokoh", "aliases": ["  "]}, r"Kosong.*empty alias"),
        ("tokoh", {"name": "Tanpa Alias", "type": "tokoh", "aliases": []}, r"Tanpa Alias.*no aliases"),
        ("tokoh", {"name": "Salah Kelompok", "type": "partai", "number": None, "aliases": ["Salah"]},
         r"Salah Kelompok.*listed under"),
        ("partai", {"name": "Partai Jokowi", "type": "partai", "number": None, "aliases": ["Jokowi"]},
         r"(?=.*Partai Jokowi)(?=.*Joko Widodo).*different type"),
        ("tokoh", {"name": "Dobel", "type": "tokoh", "aliases": ["AHOK"]},
         r"(?=.*Dobel)(?=.*Basuki Tjahaja Purnama).*another entry"),
        ("tagar", {"name": "Tanpa Pagar", "type": "tagar", "aliases": ["PrabowoMenang"]}, r"Tanpa Pagar.*hashtag"),
        ("partai", {"name": "Tanpa Nomor", "type": "partai", "aliases": ["Partai Baru"]}, r"Tanpa Nomor.*number"),
        ("tokoh", {"name": "Koma", "type": "tokoh", "aliases": ["Koma"], "2020": None}, r"Koma.*unknown keys"),
        ("derogatory", {"name": "Bukan Hinaan", "type": "derogatory", "aliases": ["Jokowi"]},
         r"Bukan Hinaan.*would be masked"),
        ("paslon", {"name": "Lisensi Ganda", "type": "paslon", "aliases": ["Lisensi Ganda"], "licensed": ["Ahok"]},
         r"Lisensi Ganda.*licensed word 'ahok' is also an alias"),
    ],
)
def test_malformed_entry_raises_naming_it(tmp_path: Path, group: str, entry: dict, message: str) -> None:
    doc = _doc()
    doc["entities"][group].append(entry)
    with pytest.raises(ValueError, match=message):
        load_gazetteer(_write(tmp_path, doc))


def test_unknown_type_group_and_ambiguous_alias_raise(tmp_path: Path) -> None:
    doc = _doc()
    doc["entities"]["lembaga"] = [{"name": "KPU", "type": "lembaga", "aliases": ["KPU"]}]
    with pytest.raises(ValueError, match="unknown entity type group 'lembaga'"):
        load_gazetteer(_write(tmp_path, doc))
    doc = _doc()
    doc["ambiguous"].append({"text": "Ahok", "reason": "test"})
    with pytest.raises(ValueError, match="ambiguous 'Ahok'"):
        load_gazetteer(_write(tmp_path, doc))


def test_a_valid_copy_loads_and_masks_the_same(tmp_path: Path) -> None:
    g = load_gazetteer(_write(tmp_path, _doc()))
    assert g is not load_gazetteer()
    assert g.build().mask("pak jokowi dan kubu amin") == "pak ent_tokoh dan kubu ent_paslon"


def test_rebuilding_the_default_masker_inside_its_own_build_fails_loudly(monkeypatch) -> None:
    monkeypatch.setattr(entities, "_default_masker", None)
    monkeypatch.setattr(entities, "_building", True)
    with pytest.raises(RuntimeError, match="normalize_plain"):
        mask_entities("jokowi")
