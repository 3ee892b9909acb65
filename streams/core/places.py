"""Where is this post from? The region of a post, with where that answer came from.

Pure and total (no Kafka, no I/O after the gazetteer is loaded, never raises on input). In order:

1. ``field``: the post's ``region`` field, when streams.core.regions.normalize_region knows it.
2. ``profile``: the author's free-text profile location (``author_location``: "Bdg", "Kota Hujan",
   "Surabaya | Jatim"), read for every place name it contains.
3. ``text``: place names in the post's text ("ricuh di Sampang", "surat suara di Kec. Sukajadi").
4. ``none``: the region stays ``unknown`` (counted, never judged).

Rules (the same for profile and text unless said otherwise; every name is a key of the gazetteer,
streams/core/gazetteer.py, matched longest first on lowercase words):

* Non-places ("Indonesia", "Bumi", "NKRI", "Jawa", "Jabodetabek", "Kuala Lumpur", "dari Sabang
  sampai Merauke") are consumed and never resolve.
* A name right after a word that makes it something else is skipped: a person ("Pak Bima", "Mas
  Solo"), an ethnic group ("orang Madura", "suku Batak"), a street or village ("Jl. Bandung",
  "Desa Sukamaju"), food or a product ("nasi Padang", "soto Lamongan", "batik Pekalongan").
* In text, context decides for names that are also something else:
  - an administrative prefix ("Kota Batu", "Kab. Agam", "Kec. Sukajadi", "Provinsi Jambi") always counts;
  - ordinary words ("batu", "padang", "raya"; gazetteer/common_words.txt and aliases.yaml) count
    after a locative word *and* with a capital letter ("di Batu", not "di batu nisan"), or with a prefix;
  - people's names, short codes and other listed names ("Bima", "Agam", "Solok", "Metro", "Jkt")
    count after a locative word ("di Bima", "warga Solok", "KPU Metro", "TPS 4 Agam"); a short
    province code written in capitals ("NTB", "DKI") counts alone;
  - a district counts after a locative word, or written with a capital letter not at the start;
  - other regencies, cities and provinces count alone.
  In a profile location every name counts alone, except a district whose name is an ordinary word.
* Ambiguity is explicit: a name several provinces share ("Sukajadi": Bandung and Pekanbaru;
  "Banjar") resolves only when another name supports one reading (its regency or province also
  named, or for text, the profile location), and stays unknown otherwise.
* A district of the same name as a bigger place resolves to the district when its regency is named
  too ("Kediri, Tabanan" is the district in Bali, not the city in Jawa Timur); a regency named without
  the context it needs still counts as such support.
* Names of different provinces leave the post unknown ("dari Jakarta ke Bandung"), except an old
  province label next to a place of a province split from it ("Sorong, Papua Barat": Papua Barat Daya).
* Bare "Papua" names the region (six provinces since 2022), not the province: it is a non-place;
  the province needs "Provinsi Papua" or one of its places.

Every result carries ``source``, a ``confidence`` in [0, 1] (a fixed value per rule, see
`_confidence`), the ``rule`` and the gazetteer names it used (never the raw text: the names are
gazetteer keys). Only the first 1,000 characters of a text and 200 of a profile are read.

Why one long module: one resolution order with its context rules (profile and text share them);
the place-name data itself is in streams/core/gazetteer.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from typing import Any, NamedTuple

from streams.core.gazetteer import DISTRICT, PROVINCE, REGENCY, Gazetteer, Name, gazetteer
from streams.core.records import UNKNOWN_REGION
from streams.core.regions import normalize_region

__all__ = ["REGION_SOURCES", "RegionInference", "infer_region", "explain_region", "MAX_PROFILE_CHARS",
           "MAX_TEXT_SCAN_CHARS"]

REGION_SOURCES: tuple[str, ...] = ("field", "profile", "text", "none")
MAX_PROFILE_CHARS = 200
MAX_TEXT_SCAN_CHARS = 1_000

PREFIXED, LOCATIVE, BARE = 3, 2, 1
# Words that put the next name in a place.
_LOCATIVE = frozenset(w.encode() for w in
    "di dari ke daerah wilayah kawasan warga penduduk masyarakat sekitar asal dapil kpu kpud bawaslu "
    "panwaslu panwascam ppk pps polres polresta polrestabes polda polsek kapolres kapolda kodim korem "
    "bupati walikota wali gubernur wagub dprd pilkada pilwalkot pilbup pilgub pemkot pemkab pemprov tps "
    "kota kabupaten kab kec kecamatan distrik provinsi prov se menuju tiba tinggal lokasi seputar "
    "pinggiran pelosok wilayahnya daerahnya sampai hingga".split()
)
# Words after which a known name is something else: a person, a people, a street or village, food.
_BLOCK = frozenset(w.encode() for w in
    "pak bu bapak ibu mas mbak bang kak om tante mbah eyang haji h kh gus habib ustadz ustad ust sdr "
    "saudara saudari si sang nama namanya capres cawapres caleg cagub cawagub paslon "
    "orang suku etnis bahasa logat dialek adat "
    "jalan jl jln gang gg desa kelurahan kel dusun kampung kp perumahan perum komplek kompleks blok "
    "nasi soto sate bakso mie mi martabak pempek gudeg coto rendang kopi batik tahu lumpia dodol "
    "keripik kerupuk bandeng ayam bebek pecel rawon rujak es kain tenun kuda sapi jeruk salak "
    "pt cv bank hotel universitas univ institut politeknik".split()
)


class RegionInference(NamedTuple):
    """One post's region and its provenance (a tuple: built once per post, cheaply)."""

    code: str  # ISO 3166-2:ID code or "unknown"
    city: str | None  # the engine's city name (streams.core.regions.CITY_NAMES) when one is known
    source: str  # field | profile | text | none
    confidence: float  # 0 for none
    rule: str  # which rule decided (see `explain_region`)
    names: tuple[str, ...] = ()  # gazetteer names used (never raw input)


_NONE = RegionInference(UNKNOWN_REGION, None, "none", 0.0, "no_place_named")


@dataclass(slots=True)
class _Mention:
    name: Name
    strength: int  # PREFIXED | LOCATIVE | BARE; 0: dropped (see ``why``)
    why: str = ""
    blocked: bool = False  # after a word that makes it something else: not even support


def _tables() -> tuple[bytes, bytes]:
    keep = bytearray(b" " * 256)
    low = bytearray(b" " * 256)
    for c in b"abcdefghijklmnopqrstuvwxyz0123456789":
        keep[c] = low[c] = c
    for c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        keep[c] = c
        low[c] = c + 32
    return bytes(low), bytes(keep)


# UTF-8 bytes -> lowercase ASCII words: every other byte (punctuation, emoji, any non-ASCII letter)
# separates words. bytes.translate + split is ~5x faster than a regex over a str with emoji.
_LOWER, _KEEP_CASE = _tables()


_Found = tuple[str, int]  # a name that counts for the resolution: (its gazetteer key, its strength)


def _scan(text: str, profile: bool, g: Gazetteer, trace: list[_Mention] | None = None) -> list[_Found]:
    """Every gazetteer name in ``text`` (longest match first) that the resolution reads, with its strength.

    With ``trace``, every name matched is also appended to it with why it counts or not.
    """
    raw = text.encode("utf-8", "replace")
    low = raw.translate(_LOWER).split()
    hits = (g.first_words_b if profile else g.first_words_text_b).intersection(low)  # in C: most posts stop here
    if not hits:
        return []
    first, names = g.first_b, g.names_b
    out: list[_Found] = []
    cased: list[bytes] | None = None
    n = len(low)
    end = 0  # the word after the last name matched: a name is never read inside another one
    for i in compress(range(n), map(hits.__contains__, low)):  # the words that can start a name, found in C
        if i < end:
            continue
        w = low[i]
        lengths, seconds = first[w]
        nm = None
        k = 1
        if i + 1 < n and low[i + 1] in seconds:
            for k in lengths:
                if k == 1 or i + k <= n:
                    nm = names.get(w if k == 1 else b" ".join(low[i:i + k]))
                    if nm is not None:
                        break
        else:
            nm = names.get(w)
        if nm is None:
            continue
        j = _judge(nm, low, i, profile, cased, raw)
        if j is None:  # needs the original case: tokenise it once, only now
            cased = raw.translate(_KEEP_CASE).split()
            j = _judge(nm, low, i, profile, cased, raw)
            assert j is not None
        strength, why, blocked = j
        level = nm.level
        if strength or not level or (not blocked and level >= REGENCY):
            out.append((nm.key, strength))  # a regency named without context still supports a district of its own
        if trace is not None:
            trace.append(_Mention(nm, strength, why, blocked))
        end = i + k
    return out


def _judge(nm: Name, low: list[bytes], i: int, profile: bool, cased: list[bytes] | None,
           raw: bytes) -> tuple[int, str, bool] | None:
    """The mention's (strength, why, blocked) in its context; None when the original capitals are needed first."""
    level = nm.level
    if not level:
        return 0, "not a region", False
    if nm.prefixed:
        return PREFIXED, "administrative prefix", False
    prev = low[i - 1] if i else b""
    if prev in _BLOCK:
        return 0, f"after '{prev.decode()}': not a place here", True
    locative = prev in _LOCATIVE or (prev.isdigit() and i >= 2 and low[i - 2] == b"tps")
    if profile:
        if nm.ordinary and level == DISTRICT:
            return 0, "ordinary word naming only a district: needs 'Kec.'", False
        return (LOCATIVE if locative else BARE), "profile location", False
    if nm.ordinary:
        if level == DISTRICT:
            return 0, "ordinary word naming only a district: needs 'Kec.'", False
        if not locative:
            return 0, "ordinary word: needs a prefix or a locative word", False
        if cased is None:
            if low[i].capitalize() not in raw and low[i].upper() not in raw:
                return 0, "ordinary word in lowercase", False
            return None
        if not cased[i][:1].isupper():
            return 0, "ordinary word in lowercase", False
        return LOCATIVE, "locative word, capitalised", False
    if nm.needs_context:
        if locative:
            return LOCATIVE, "locative word", False
        if level == PROVINCE and len(nm.key) <= 3:
            if cased is None:
                return None
            if cased[i].isupper():
                return BARE, "province code in capitals", False
        return 0, "needs a prefix or a locative word", False
    if level == DISTRICT:  # 7,000 names, many of them words too: a capital letter, never first
        if cased is None:
            w = low[i]
            if w.capitalize() not in raw and w.upper() not in raw:
                return 0, "district name in lowercase", False  # cheap: no capital anywhere
            return None
        if i and cased[i][:1].isupper():
            if locative:
                return LOCATIVE, "district name, capitalised, after a locative word", False
            return BARE, "district name, capitalised", False
        return 0, "district name in lowercase or first", False
    return (LOCATIVE, "locative word", False) if locative else (BARE, "bare name", False)


def _mentions(found: list[_Found] | tuple[_Found, ...], g: Gazetteer) -> list[_Mention]:
    names = g.names
    return [_Mention(names[key], strength) for key, strength in found]


@dataclass(slots=True)
class _Decision:
    code: str | None
    city: str | None
    rule: str
    names: tuple[str, ...]
    strength: int  # strongest agreeing mention
    agreeing: int
    supported: bool
    district_only: bool
    ambiguous: frozenset[str]  # provinces of names left ambiguous (a hint for the text)


_NON_PLACE = _Decision(None, None, "non_place", (), 0, 0, False, False, frozenset())
_NO_PLACE = _Decision(None, None, "no_place_named", (), 0, 0, False, False, frozenset())
# Provinces split from another since 1999: an old label next to a place of the new one is stale.
_PARENT = {"ID-PS": "ID-PA", "ID-PT": "ID-PA", "ID-PE": "ID-PA", "ID-PD": "ID-PB", "ID-PB": "ID-PA",
           "ID-KU": "ID-KI", "ID-BT": "ID-JB", "ID-KR": "ID-RI", "ID-BB": "ID-SS", "ID-SR": "ID-SN",
           "ID-GO": "ID-SA", "ID-MU": "ID-MA"}


def _resolve(mentions: list[_Mention], hint: frozenset[str]) -> _Decision:
    places = [m for m in mentions if m.strength]
    if not places:
        return _NON_PLACE if any(m.name.non_place for m in mentions) else _NO_PLACE
    provs0 = places[0].name.provinces
    if len(provs0) == 1:  # the common case: every name read means the same one province
        for m in mentions:
            nm = m.name
            if nm.level and nm.provinces != provs0:
                break
        else:
            return _agreeing(next(iter(provs0)), [(m, False) for m in places], frozenset())
    support = [m for m in mentions if not m.name.non_place]
    named_provs: set[str] = set(hint)
    for m in support:
        if len(m.name.provinces) == 1:
            named_provs |= m.name.provinces
    votes: dict[str, int] = {}
    used: dict[str, list[tuple[_Mention, bool]]] = {}
    ambiguous: set[str] = set()
    for m in places:
        nm = m.name
        others = set()
        for o in support:
            if o is not m and o.name.level >= REGENCY:
                others |= o.name.regencies
        # A district of this name inside a regency named alongside it ("Kediri, Tabanan").
        sup = {a.iso for a in (*nm.areas, *nm.shadowed) if a.level == DISTRICT and a.regency in others}
        provs = nm.provinces
        supported = False
        if len(sup) == 1 and (len(provs) > 1 or sup != provs):
            provs, supported = frozenset(sup), True
        elif len(provs) > 1:
            cand = provs & named_provs
            if len(cand) != 1:
                ambiguous |= provs
                continue
            provs, supported = frozenset(cand), True
        iso = next(iter(provs))
        votes[iso] = votes.get(iso, 0) + m.strength
        used.setdefault(iso, []).append((m, supported))
    amb = frozenset(ambiguous)
    if len(votes) > 1:
        # An old province label next to a place of a province split from it: "Sorong, Papua Barat".
        for iso in list(votes):
            child_named = any(_PARENT.get(c) == iso and any(m.name.level < PROVINCE for m, _ in used[c])
                              for c in votes)
            if child_named and all(m.name.level == PROVINCE for m, _ in used[iso]):
                del votes[iso]
    if not votes:
        return _Decision(None, None, "ambiguous", tuple(sorted({m.name.key for m in places})), 0, 0, False,
                         False, amb)
    if len(votes) > 1:
        return _Decision(None, None, "conflict", tuple(sorted({m.name.key for m in places})), 0, 0, False,
                         False, amb)
    win = next(iter(votes))
    return _agreeing(win, used[win], amb)


def _agreeing(win: str, mine: list[tuple[_Mention, bool]], amb: frozenset[str]) -> _Decision:
    cities: set[str] = set()
    keys: dict[str, None] = {}  # in order, once each
    strength = 0
    supported = False
    district_only = True
    for m, s in mine:
        nm = m.name
        level = nm.level
        if level < PROVINCE:
            city = nm.cities.get(win)
            if city is not None:
                cities.add(city)
        keys[nm.key] = None
        if m.strength > strength:
            strength = m.strength
        if s:
            supported = True
        if level != DISTRICT:
            district_only = False
    return _Decision(win, next(iter(cities)) if len(cities) == 1 else None, "", tuple(keys), strength, len(mine),
                     supported, district_only, amb)


_TEXT_RULES = {PREFIXED: (0.8, "text_prefixed"), LOCATIVE: (0.7, "text_locative"), BARE: (0.6, "text_bare")}


def _confidence(source: str, d: _Decision) -> tuple[float, str]:
    """A fixed confidence per rule (documented in README, "Region inference")."""
    if source == "profile":
        conf, rule = (0.8, "profile_supported") if d.supported else (0.9, "profile_names")
    else:
        conf, rule = _TEXT_RULES[d.strength]
        if d.district_only and d.strength < PREFIXED:
            conf -= 0.1
        if d.supported:
            conf, rule = conf + 0.05, rule + "_supported"
        if d.agreeing > 1:
            conf += 0.1
    return round(min(conf, 0.95), 2), rule


@lru_cache(maxsize=65_536)
def _profile(location: str) -> tuple[RegionInference | None, frozenset[str]]:
    g = gazetteer()
    d = _resolve(_mentions(_scan(location, True, g), g), frozenset())
    if d.code is not None:
        conf, rule = _confidence("profile", d)
        return RegionInference(d.code, d.city, "profile", conf, rule, d.names), d.ambiguous
    if d.rule == "no_place_named" and any(c.isalpha() for c in location) and len(location.strip()) > 2:
        m = normalize_region(location)  # "ID-JB", "D.K.I. Jakarta": the region field's own spellings
        if m.code != UNKNOWN_REGION:
            return RegionInference(m.code, m.city, "profile", 0.85, "profile_region_spelling", ()), d.ambiguous
    return None, d.ambiguous


def _text(text: str, hint: frozenset[str]) -> RegionInference | None:
    found = _scan(text[:MAX_TEXT_SCAN_CHARS], False, gazetteer())
    if not found:
        return None
    # The decision depends only on the names found, their strengths and the hint: posts name the
    # same places over and over, so it is made once per distinct combination.
    return _text_decision(tuple(found), hint)


@lru_cache(maxsize=16_384)  # a few MB; the combinations posts name repeat heavily
def _text_decision(found: tuple[_Found, ...], hint: frozenset[str]) -> RegionInference | None:
    d = _resolve(_mentions(found, gazetteer()), hint)
    if d.code is None:
        return None
    conf, rule = _confidence("text", d)
    return RegionInference(d.code, d.city, "text", conf, rule, d.names)


def infer_region(region: Any = None, author_location: Any = None, text: Any = None) -> RegionInference:
    """The post's region and its provenance; never raises, whatever the inputs are."""
    try:
        if region is not None:
            m = normalize_region(region)
            if m.code != UNKNOWN_REGION:
                return RegionInference(m.code, m.city, "field", 1.0, "field")
        hint: frozenset[str] = frozenset()
        if isinstance(author_location, str) and 0 < len(author_location) <= MAX_PROFILE_CHARS:
            found, hint = _profile(author_location)
            if found is not None:
                return found
        if isinstance(text, str) and text:
            found = _text(text, hint)
            if found is not None:
                return found
    except Exception:  # noqa: BLE001 - inference on untrusted input must never take the worker down
        return _NONE
    return _NONE


def explain_region(text: str = "", profile: str | None = None, region: Any = None) -> dict[str, Any]:
    """What `suhu regions resolve` prints: every step, every name seen and why it counted or not."""
    g = gazetteer()
    steps: list[dict[str, Any]] = []
    if region is not None:
        m = normalize_region(region)
        steps.append({"step": "field", "result": m.code, "city": m.city})
    for source, value in (("profile", profile), ("text", text)):
        if not value:
            continue
        trace: list[_Mention] = []
        limit = MAX_PROFILE_CHARS if source == "profile" else MAX_TEXT_SCAN_CHARS
        _scan(value[:limit], source == "profile", g, trace)
        d = _resolve([m for m in trace if m.strength or m.name.non_place
                      or (not m.blocked and m.name.level >= REGENCY)], frozenset())
        steps.append({
            "step": source,
            "names": [{
                "name": m.name.key,
                "level": {0: "non-place", 1: "district", 2: "regency/city", 3: "province"}[m.name.level],
                "provinces": sorted(m.name.provinces),
                "areas": [f"{a.code} {a.name}" for a in m.name.areas[:6]],
                "alias_of": m.name.alias_of,
                "counts": bool(m.strength),
                "weight": m.strength,
                "why": m.why,
            } for m in trace],
            "decision": d.code or d.rule,
        })
    result = infer_region(region, profile, text)
    return {
        "region": result.code,
        "city": result.city,
        "source": result.source,
        "confidence": result.confidence,
        "rule": result.rule,
        "names": list(result.names),
        "steps": steps,
    }
