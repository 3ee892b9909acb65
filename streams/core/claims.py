"""The debunked-claims catalogue: one validated record per claim, and the files it is imported from.

A claim is what a fact-checker debunked: its title, the claim text *as it circulated*, the verdict
(SALAH, PENIPUAN, MENYESATKAN, ...), who published the debunk, its link and date. The catalogue lives
on the compacted ``hoax-claims`` topic (key = claim id, a tombstone deletes); `suhu claims load`
writes it, workers read it live, and the same files work offline (``--claims FILE``).

Pure: parsing and validation only, no Kafka. Every function here is total on bad input: a bad row
becomes a `RowError` with its line and reason, never an exception that stops the import.

Two file layouts are read (docs/OPERATIONS.md, "Debunked-claims catalogue"):

* generic (JSONL, or CSV with a header): ``id, title, claim, verdict, source, url, published,
  keywords, lang`` (``text`` is accepted for ``claim``; ``keywords`` a list, or ``;``/``,``-separated).
* TurnBackHoax-style CSV (a header with ``narasi``): ``url, title, date, narasi, penjelasan,
  kategori, tags``; the verdict is the ``[SALAH]`` tag that opens the title, the claim text is the
  ``narasi``, the id ``tbh-`` + a hash of the URL, the source ``TurnBackHoax (Mafindo)``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import orjson

__all__ = ["Claim", "ClaimError", "RowError", "VERDICTS", "parse_claim", "claim_from_json", "read_catalogue",
           "parse_catalogue", "catalogue_layout"]

# What fact-checkers call a debunked claim, normalised (upper case, brackets and "KONTEN" dropped).
VERDICTS: frozenset[str] = frozenset({
    "SALAH", "HOAKS", "PENIPUAN", "MENYESATKAN", "DISINFORMASI", "MISINFORMASI", "FITNAH", "PALSU",
    "DIMANIPULASI", "TIDAK TERBUKTI", "KELIRU", "SATIRE", "FALSE", "MISLEADING", "SCAM", "FABRICATED",
    "MANIPULATED",
})
_VERDICT_ALIASES = {"HOAX": "HOAKS", "KONTEN PALSU": "PALSU", "KONTEN YANG MENYESATKAN": "MENYESATKAN",
                    "KONTEN YANG DIMANIPULASI": "DIMANIPULASI", "KONTEN MENYESATKAN": "MENYESATKAN",
                    "KONTEN YANG SALAH": "SALAH", "KONTEN DIMANIPULASI": "DIMANIPULASI", "HOAXS": "HOAKS",
                    "SALAH KONTEKS": "MENYESATKAN", "KONTEKS YANG SALAH": "MENYESATKAN"}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z]{2,4})?$")
_TAG = re.compile(r"^\s*\[([^\]]{2,40})\]\s*")
MAX_TITLE = 300
MIN_TEXT, MAX_TEXT = 12, 5000
MAX_KEYWORDS = 20
TBH_SOURCE = "TurnBackHoax (Mafindo)"


class ClaimError(ValueError):
    """A claim record is invalid; ``field`` names the offending field."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        super().__init__(f"{field_name}: {message}")


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # 1-based line of the file (a CSV record's first line)
    reason: str


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    title: str
    text: str  # the claim as it circulated
    verdict: str  # one of VERDICTS
    source: str  # who published the debunk
    url: str  # the debunk
    published: str  # YYYY-MM-DD
    keywords: tuple[str, ...] = ()
    lang: str = "id"
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "claim": self.text, "verdict": self.verdict,
                "source": self.source, "url": self.url, "published": self.published,
                "keywords": list(self.keywords), "lang": self.lang}

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict())


def normalise_verdict(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ClaimError("verdict", "missing")
    v = re.sub(r"\s+", " ", value.strip().strip("[]").strip().upper())
    v = _VERDICT_ALIASES.get(v, v)
    if v not in VERDICTS:
        raise ClaimError("verdict", f"{value[:40]!r} is not a known verdict ({', '.join(sorted(VERDICTS))})")
    return v


def _text(doc: Mapping[str, Any], name: str, *alts: str, required: bool = True, limit: int = 10_000) -> str:
    for key in (name, *alts):
        value = doc.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise ClaimError(name, f"is {type(value).__name__}, expected a string")
        value = " ".join(value.split())
        if len(value) > limit:
            raise ClaimError(name, f"{len(value)} characters > {limit}")
        return value
    if required:
        raise ClaimError(name, "missing")
    return ""


def _published(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ClaimError("published", "missing")
    v = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(v[:10], fmt).date().isoformat()
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(v.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        raise ClaimError("published", f"{v[:40]!r} is not a date (YYYY-MM-DD)") from None


def _keywords(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items = re.split(r"[;,|]", value)
    elif isinstance(value, (list, tuple)):
        if not all(isinstance(x, str) for x in value):
            raise ClaimError("keywords", "must be strings")
        items = list(value)
    else:
        raise ClaimError("keywords", f"is {type(value).__name__}, expected a list or a string")
    out = tuple(dict.fromkeys(" ".join(k.lower().split()) for k in items if k.strip()))
    if len(out) > MAX_KEYWORDS:
        raise ClaimError("keywords", f"{len(out)} > {MAX_KEYWORDS}")
    return out


def parse_claim(doc: Mapping[str, Any]) -> Claim:
    """A generic record (JSONL object or CSV row) as a validated Claim; raises ClaimError."""
    if not isinstance(doc, Mapping):
        raise ClaimError("record", f"is {type(doc).__name__}, expected an object")
    cid = doc.get("id")
    if isinstance(cid, int) and not isinstance(cid, bool):
        cid = str(cid)
    if not isinstance(cid, str) or not _ID.match(cid.strip()):
        raise ClaimError("id", "must be 1-64 characters of letters, digits and . _ : -")
    cid = cid.strip()
    title = _text(doc, "title", limit=MAX_TITLE)
    text = _text(doc, "claim", "text", limit=MAX_TEXT)
    if len(text) < MIN_TEXT:
        raise ClaimError("claim", f"shorter than {MIN_TEXT} characters: nothing to match")
    verdict = normalise_verdict(doc.get("verdict"))
    source = _text(doc, "source", "publisher", limit=200)
    url = _text(doc, "url", "debunk_url", limit=2000)
    if not re.match(r"^https?://[^\s/]+\.[^\s/]+", url):
        raise ClaimError("url", "must be an http(s) link")
    published = _published(doc.get("published", doc.get("date")))
    lang = doc.get("lang") or "id"
    if not isinstance(lang, str) or not _LANG.match(lang):
        raise ClaimError("lang", f"{str(lang)[:20]!r} is not a language code")
    return Claim(cid, title, text, verdict, source, url, published, _keywords(doc.get("keywords")), lang)


def claim_from_json(raw: bytes | str) -> Claim:
    """A catalogue topic record; raises ClaimError on anything that is not a valid claim."""
    try:
        doc = orjson.loads(raw)
    except (orjson.JSONDecodeError, TypeError):
        raise ClaimError("record", "not JSON") from None
    return parse_claim(doc)


def parse_turnbackhoax(row: Mapping[str, Any]) -> Claim:
    """A TurnBackHoax-style row: the verdict is the ``[TAG]`` opening the title."""
    title = _text(row, "title", "judul", limit=1000)
    m = _TAG.match(title)
    if not m:
        raise ClaimError("title", "does not open with a [VERDICT] tag")
    verdict = normalise_verdict(m.group(1))
    url = _text(row, "url", limit=2000)
    doc = {
        "id": "tbh-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:12],
        "title": title[m.end():][:MAX_TITLE] or title[:MAX_TITLE],
        "claim": _text(row, "narasi", limit=MAX_TEXT),
        "verdict": verdict,
        "source": row.get("source") or TBH_SOURCE,
        "url": url,
        "published": row.get("date") or row.get("tanggal") or row.get("timestamp"),
        "keywords": row.get("tags") or row.get("kategori") or "",
        "lang": "id",
    }
    return parse_claim(doc)


def catalogue_layout(header: Iterable[str]) -> str:
    names = {h.strip().lower() for h in header}
    return "turnbackhoax" if "narasi" in names else "generic"


def parse_catalogue(data: bytes, name: str = "") -> tuple[list[Claim], list[RowError]]:
    """Every valid claim of a JSONL or CSV document, and every bad row with its line and reason.

    Format: ``.jsonl``/``.json`` names are JSONL, ``.csv`` CSV; otherwise sniffed (a ``{`` first).
    A later row with the same id replaces an earlier one (as on the compacted topic).
    """
    claims: dict[str, Claim] = {}
    errors: list[RowError] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [RowError(text_line(data, exc.start), "not UTF-8")]
    lower = name.lower()
    is_json = lower.endswith((".jsonl", ".json", ".ndjson")) or (
        not lower.endswith(".csv") and text.lstrip()[:1] == "{")
    rows = _jsonl_rows(text) if is_json else _csv_rows(text)
    for line, row in rows:
        if isinstance(row, RowError):
            errors.append(row)
            continue
        try:
            claim = row[1](row[0])
        except ClaimError as exc:
            errors.append(RowError(line, str(exc)))
            continue
        claims.pop(claim.id, None)
        claims[claim.id] = claim
    return list(claims.values()), errors


def text_line(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def _jsonl_rows(text: str) -> Iterator[tuple[int, Any]]:
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            doc = orjson.loads(line)
        except orjson.JSONDecodeError:
            yield n, RowError(n, "not JSON")
            continue
        if not isinstance(doc, dict):
            yield n, RowError(n, f"JSON {type(doc).__name__}, expected an object")
            continue
        yield n, (doc, parse_claim)


def _csv_rows(text: str) -> Iterator[tuple[int, Any]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return
    header = [h.strip().lower() for h in header]
    parse = parse_turnbackhoax if catalogue_layout(header) == "turnbackhoax" else parse_claim
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line, RowError(line, f"bad CSV: {exc}")
            continue
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            yield line, RowError(line, f"{len(values)} columns, the header has {len(header)}")
            continue
        yield line, (dict(zip(header, values)), parse)


def read_catalogue(path: str | Path) -> tuple[list[Claim], list[RowError]]:
    p = Path(path)
    return parse_catalogue(p.read_bytes(), p.name)
