"""Convert idn-area-data (npm, ODbL data) into suhu's compact gazetteer file.

    cd /tmp && npm pack idn-area-data@4.0.1 && tar xzf idn-area-data-4.0.1.tgz
    python tools/build_gazetteer.py /tmp/package [--corpus ../shared/data/political_text_id.csv]

Writes streams/defaults/gazetteer/areas.csv.gz (provinces, regencies/cities and districts with
their Kemendagri codes and names, byte-for-byte reproducible: gzip without a timestamp) and copies
the data licence next to it. With ``--corpus`` it also rewrites ``common_words.txt``: one-word
gazetteer names that an edited Indonesian corpus uses as ordinary lowercase words ("batu",
"padang", "raya"), which a post's text must give context for (see streams/core/places.py).
Villages and islands are not converted (83,000 village names are mostly ordinary words).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "streams" / "defaults" / "gazetteer"
sys.path.insert(0, str(ROOT))

from streams.core.regions import PROVINCE_BY_BPS  # noqa: E402  (after the path set-up)

EXPECTED = {"provinces": 38, "regencies": 514, "districts": 7_000}  # districts: at least


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def convert(src: Path) -> list[tuple[str, str]]:
    data = src / "data" if (src / "data").is_dir() else src
    provinces, regencies, districts = (_rows(data / f"{n}.csv") for n in ("provinces", "regencies", "districts"))
    if len(provinces) != EXPECTED["provinces"] or len(regencies) != EXPECTED["regencies"]:
        raise SystemExit(f"unexpected sizes: {len(provinces)} provinces, {len(regencies)} regencies")
    if len(districts) < EXPECTED["districts"]:
        raise SystemExit(f"only {len(districts)} districts")
    for p in provinces:
        if p["code"] not in PROVINCE_BY_BPS:
            raise SystemExit(f"province code {p['code']} ({p['name']}) has no ISO 3166-2:ID code in streams/core/regions.py")
    out = [(p["code"], p["name"]) for p in provinces]
    out += [(r["code"], r["name"]) for r in regencies]
    out += [(d["code"], d["name"]) for d in districts]
    codes = {c for c, _ in out}
    for r in regencies:
        assert r["province_code"] in codes, r
    for d in districts:
        assert d["regency_code"] in codes, d
    return sorted(out, key=lambda x: [int(part) for part in x[0].split(".")])


def write(rows: list[tuple[str, str]]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("code", "name"))
    w.writerows(rows)
    target = OUT / "areas.csv.gz"
    with open(target, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    return target


def common_words(rows: list[tuple[str, str]], corpus: Path, min_count: int = 2) -> list[str]:
    """One-word area names the corpus writes in lowercase mid-sentence (an ordinary word there)."""
    names: set[str] = set()
    for code, name in rows:
        if len(code) == 2:
            continue
        base = re.sub(r"^(kabupaten|kota)( administrasi)? ", "", name.lower())
        for part in base.split("/"):
            words = re.findall(r"[a-z0-9]+", part)
            if len(words) == 1:
                names.add(words[0])
    lower: Counter[str] = Counter()
    with corpus.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["text"].islower():
                continue  # an all-lowercase source (SmSA) writes every name in lowercase too
            for i, m in enumerate(re.finditer(r"[A-Za-z]+", row["text"])):
                w = m.group()
                if i and w.islower() and w in names:
                    lower[w] += 1
    return sorted(w for w, n in lower.items() if n >= min_count)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("package", type=Path, help="the unpacked idn-area-data npm package (or its data/ folder)")
    ap.add_argument("--corpus", type=Path, help="a CSV with a 'text' column of edited Indonesian sentences")
    args = ap.parse_args()
    rows = convert(args.package)
    target = write(rows)
    data = args.package / "data" if (args.package / "data").is_dir() else args.package
    shutil.copyfile(data / "LICENSE.md", OUT / "LICENSE-DATA.md")
    levels = Counter({2: "provinces", 5: "regencies", 8: "districts"}[len(c)] for c, _ in rows)
    print(f"{target.relative_to(ROOT)}: {dict(levels)}, {target.stat().st_size:,} bytes")
    if args.corpus:
        words = common_words(rows, args.corpus)
        header = ("# One-word area names that edited Indonesian text uses as ordinary lowercase words.\n"
                  "# Generated by tools/build_gazetteer.py --corpus (political_text_id.csv); hand additions\n"
                  "# live in aliases.yaml (needs_context). In a post's text these need context.\n")
        (OUT / "common_words.txt").write_text(header + "\n".join(words) + "\n", encoding="utf-8")
        print(f"common_words.txt: {len(words)} words")


if __name__ == "__main__":
    main()
