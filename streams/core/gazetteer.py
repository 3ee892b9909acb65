"""The full administrative gazetteer: 38 provinces, 514 regencies/cities, 7,000+ districts.

A sibling of streams/core/regions.py, which owns it: regions.py knows the provinces (ISO codes, time
zones) and the cities that get their own windows; this module adds every regency and district of
Kemendagri, from the idn-area-data package (ODbL, `streams/defaults/gazetteer/LICENSE-DATA.md`,
converted by `tools/build_gazetteer.py`), plus the hand-written nicknames of `aliases.yaml` and every
spelling regions.py knows. streams/core/places.py reads names with it; nothing else loads the files.

A *name* is a lowercase word sequence ("kota bandung", "sukajadi", "kota hujan") with the areas it
can mean. Names are stored as written and with their administrative prefixes ("Kota Batu",
"Kab. Agam", "Kec. Sukajadi", "Provinsi Jambi"): a prefixed name keeps only the areas of its level,
and a bare name only those of the highest level it has (a province over a regency or alias over a
district: "Bandung" is the city in Jawa Barat, not the district in Serang, Banten).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping

import yaml

from streams.core import regions

__all__ = ["Area", "Name", "Gazetteer", "gazetteer", "tokens", "DATA_DIR"]

DATA_DIR = "defaults/gazetteer"  # inside the streams package
_WORD = re.compile(r"[a-z0-9]+")

# Level of an area: what a bare name prefers (higher wins).
PROVINCE, REGENCY, DISTRICT = 3, 2, 1
_REGENCY_PREFIX = re.compile(r"^(kabupaten|kota)( administrasi)? ")
# Written prefixes per level: "Kab. Agam" is tokenised "kab agam".
_PREFIX_WORDS = {
    "kota": ("kota", "kotamadya", "kodya", "kota administrasi", "pemkot"),
    "kab": ("kabupaten", "kab", "kabupaten administrasi", "pemkab"),
    "district": ("kecamatan", "kec", "distrik"),
    "province": ("provinsi", "prov", "propinsi", "prop", "pemprov"),
}


def tokens(text: str) -> list[str]:
    """Lowercase ASCII words and numbers: how names and texts are compared."""
    return _WORD.findall(text.lower())


@dataclass(frozen=True, slots=True)
class Area:
    code: str  # Kemendagri code: "32", "32.73", "32.73.07"
    name: str  # official name, as in the source
    level: int  # PROVINCE | REGENCY | DISTRICT
    iso: str  # ISO 3166-2:ID code of its province
    regency: str | None  # its regency's code (a regency: its own; a province: None)
    city: str | None  # the engine's city name (streams.core.regions.CITY_NAMES) for its regency, if any


@dataclass(frozen=True, slots=True)
class Name:
    """One key of the gazetteer and everything the resolution rules need to know about it."""

    key: str  # lowercase words joined by one space
    provinces: frozenset[str]  # ISO codes it can mean; empty for a non-place
    regencies: frozenset[str]  # regency codes it can mean (a district: its regency)
    level: int  # the level of the areas kept (0: a non-place)
    prefixed: bool  # written with an administrative prefix ("kota batu", "kec sukajadi")
    ordinary: bool  # an ordinary word too ("batu", "raya"): in text only with a prefix or a capitalised locative
    needs_context: bool  # a person's name, a short code or a word that needs a prefix or locative in text
    areas: tuple[Area, ...] = ()
    cities: Mapping[str, str] = field(default_factory=dict)  # province -> its one city name, where the areas agree
    alias_of: str | None = None  # for the explanation: "Kota Hujan" -> "Kota Bogor"
    # Districts of the same name that a higher level hides ("Kediri" the district of Tabanan, Bali,
    # under the city and regency of Jawa Timur): a reading only when their regency is also named.
    shadowed: tuple[Area, ...] = ()

    @property
    def non_place(self) -> bool:
        return self.level == 0


class Gazetteer:
    """Names -> areas, with the first-word index the mention scanner walks."""

    def __init__(self, names: Mapping[str, Name], areas: Mapping[str, Area]) -> None:
        self.names = names
        self.areas = areas
        lengths: dict[str, set[int]] = {}
        seconds: dict[str, set[str]] = {}
        for key in names:
            words = key.split(" ")
            lengths.setdefault(words[0], set()).add(len(words))
            if len(words) > 1:
                seconds.setdefault(words[0], set()).add(words[1])
        # first word -> (the word counts of the names it starts, longest first; their second words)
        self.first: dict[str, tuple[tuple[int, ...], frozenset[str]]] = {
            w: (tuple(sorted(ls, reverse=True)), frozenset(seconds.get(w, ()))) for w, ls in lengths.items()
        }
        self.first_words = frozenset(self.first)
        # The same, keyed by ASCII bytes: the scanner tokenises with bytes.translate (streams/core/places.py).
        self.names_b: dict[bytes, Name] = {k.encode("ascii"): v for k, v in names.items()}
        self.first_b: dict[bytes, tuple[tuple[int, ...], frozenset[bytes]]] = {
            w.encode("ascii"): (ls, frozenset(x.encode("ascii") for x in sec)) for w, (ls, sec) in self.first.items()
        }
        self.first_words_b = frozenset(self.first_b)
        # For a post's text: without the words whose every name cannot count there on its own (a
        # one-word non-place, or an ordinary word naming only districts, which needs "Kec." and so
        # is matched through that name): "tetap", "damai", "rumah" start no scan work.
        silent = {w for w, (ls, _) in self.first.items()
                  if ls == (1,) and (names[w].non_place or (names[w].ordinary and names[w].level == DISTRICT))}
        self.first_words_text_b = frozenset(w.encode("ascii") for w in self.first if w not in silent)

    def count(self, level: int) -> int:
        return sum(1 for a in self.areas.values() if a.level == level)

    def lookup(self, text: str) -> Name | None:
        return self.names.get(" ".join(tokens(text)))


# ----------------------------------------------------------------------------------------- loading
def _read_areas() -> dict[str, Area]:
    raw = resources.files("streams").joinpath(f"{DATA_DIR}/areas.csv.gz").read_bytes()
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8"))))
    city_of: dict[str, str | None] = {}
    areas: dict[str, Area] = {}
    for row in rows:
        code, name = row["code"], row["name"]
        prov = regions.PROVINCE_BY_BPS.get(code[:2])
        if prov is None:
            raise ValueError(f"gazetteer: province code {code[:2]} of {name!r} has no ISO code")
        if len(code) == 2:
            areas[code] = Area(code, name, PROVINCE, prov.code, None, None)
        elif len(code) == 5:
            match = regions.normalize_region(name)
            city = match.city if match.code == prov.code and match.city in regions.CITY_NAMES[prov.code] else None
            city_of[code] = city
            areas[code] = Area(code, name, REGENCY, prov.code, code, city)
        else:
            reg = code[:5]
            areas[code] = Area(code, name, DISTRICT, prov.code, reg, city_of.get(reg))
    return areas


def _read_yaml() -> dict:
    text = resources.files("streams").joinpath(f"{DATA_DIR}/aliases.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text) or {}
    for k in ("aliases", "non_places", "needs_context", "ordinary_words", "not_ordinary"):
        doc.setdefault(k, {} if k == "aliases" else [])
    return doc


def _read_common_words() -> frozenset[str]:
    text = resources.files("streams").joinpath(f"{DATA_DIR}/common_words.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


class _Builder:
    def __init__(self) -> None:
        # key -> {"areas": {code: Area}, "prefixed": bool, "alias_of": str|None, "virtual": [(iso, city)]}
        self.keys: dict[str, dict] = {}

    def add(self, key_text: str, area: Area, *, prefixed: bool = False, alias_of: str | None = None) -> None:
        key = " ".join(tokens(key_text))
        if not key:
            return
        slot = self.keys.setdefault(key, {"areas": {}, "bare": set(), "alias_of": alias_of})
        slot["areas"][area.code] = area
        if not prefixed:
            slot["bare"].add(area.level)  # the name is also written bare at this level
        if alias_of and slot["alias_of"] is None:
            slot["alias_of"] = alias_of


def _build() -> Gazetteer:
    areas = _read_areas()
    doc = _read_yaml()
    common = (_read_common_words() | {w.lower() for w in doc["ordinary_words"]}) - {
        w.lower() for w in doc["not_ordinary"]}
    context = {" ".join(tokens(w)) for w in doc["needs_context"]}
    b = _Builder()
    by_iso = {a.iso: a for a in areas.values() if a.level == PROVINCE}
    regencies_by_city: dict[tuple[str, str], list[Area]] = {}
    for a in areas.values():
        if a.level == REGENCY and a.city:
            regencies_by_city.setdefault((a.iso, a.city), []).append(a)

    for a in areas.values():
        if a.level == PROVINCE:
            b.add(a.name, a)
            for w in _PREFIX_WORDS["province"]:
                b.add(f"{w} {a.name}", a, prefixed=True)
        elif a.level == REGENCY:
            base = _REGENCY_PREFIX.sub("", a.name.lower())
            b.add(base, a)
            kind = "kota" if a.name.lower().startswith("kota") else "kab"
            for w in _PREFIX_WORDS[kind]:
                b.add(f"{w} {base}", a, prefixed=True)
        else:
            for part in a.name.split("/"):
                b.add(part, a)
                for w in _PREFIX_WORDS["district"]:
                    b.add(f"{w} {part}", a, prefixed=True)

    # The spellings regions.py knows: province names and aliases, cities and their nicknames.
    for p in regions.PROVINCES:
        for spelling in (p.name, *p.aliases):
            if len(tokens(spelling)) and not tokens(spelling)[0].isdigit():
                b.add(spelling, by_iso[p.code])
    # key -> the regencies that have a district of that name
    district_regs: dict[str, set[str]] = {}
    for k, slot in b.keys.items():
        for a in slot["areas"].values():
            if a.level == DISTRICT and a.regency:
                district_regs.setdefault(k, set()).add(a.regency)
    for name, iso, extra in regions._CITIES:  # noqa: SLF001 - regions.py owns this module
        code = f"ID-{iso}"
        regs = regencies_by_city.get((code, name)) or []
        for spelling in (name, *extra):
            own = {r.code for r in regs}
            if spelling != name and own & district_regs.get(" ".join(tokens(spelling)), set()):
                continue  # the town is a district of its own regency ("Martapura", "Wonosari"): read as districts
            if regs:
                for r in regs:
                    b.add(spelling, r, alias_of=None if spelling == name else name)
            else:  # a city the official list does not have as a regency (Cikarang, Sofifi, IKN...)
                b.add(spelling, Area(f"{code}/{name}", name, REGENCY, code, None, name),
                      alias_of=None if spelling == name else name)
    for spelling, (iso, city) in regions._PREFIXED_CITIES.items():  # noqa: SLF001
        regs = regencies_by_city.get((f"ID-{iso}", city)) or []
        for r in regs:
            b.add(spelling, r, prefixed=True)
    for spelling, target in doc["aliases"].items():
        target = str(target)
        if target.startswith("ID-"):
            b.add(spelling, by_iso[target], alias_of=by_iso[target].name)
        else:
            area = areas.get(target)
            if area is None or area.level != REGENCY:
                raise ValueError(f"gazetteer alias {spelling!r}: {target!r} is not a regency code")
            b.add(spelling, area, alias_of=area.name)

    for key in [k for k in b.keys if "tanjung" in k.split(" ")]:
        for short in ("tg", "tj"):  # "Tg. Pinang", "Tj. Priok"
            alt = " ".join(short if w == "tanjung" else w for w in key.split(" "))
            if alt not in b.keys:
                b.keys[alt] = b.keys[key]
    names: dict[str, Name] = {}
    for key, slot in b.keys.items():
        found = list(slot["areas"].values())
        top = max(a.level for a in found)
        kept = tuple(a for a in found if a.level == top)
        shadowed = tuple(a for a in found if a.level == DISTRICT and top > DISTRICT)
        if len(kept) > 1:
            kept = tuple(sorted(kept, key=lambda a: a.code))
        provinces = frozenset(a.iso for a in kept)
        cities: dict[str, str] = {}
        for a in kept:
            cities[a.iso] = a.city if cities.get(a.iso, a.city) == a.city else None  # type: ignore[assignment]
        cities = {iso: c for iso, c in cities.items() if c}
        words = key.split(" ")
        prefixed = top not in slot["bare"]
        names[key] = Name(
            key=key,
            provinces=provinces,
            regencies=frozenset(a.regency for a in kept if a.regency),
            level=top,
            prefixed=prefixed,
            ordinary=not prefixed and len(words) == 1 and key in common,
            needs_context=not prefixed and (key in context or len(key) <= 3),
            areas=kept,
            cities=MappingProxyType(cities),
            alias_of=slot["alias_of"],
            shadowed=shadowed,
        )
    for spelling in doc["non_places"]:
        key = " ".join(tokens(spelling))
        names[key] = Name(key, frozenset(), frozenset(), 0, False, False, False)
    return Gazetteer(MappingProxyType(names), MappingProxyType(areas))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The one gazetteer, loaded on first use (~0.1 s) and shared."""
    return _build()
