"""Precision and coverage of region inference on a labelled JSONL file.

Usage: python bench/eval_regions.py FILE [FILE ...] [--errors]

Each line is {"location": ...} (a profile location) or {"text": ...} (a post), with the expected
province as "province" (or "region"/"expected"), null when no region should be found. Precision is
over the answers given (a wrong province or an answer where null was expected are both wrong);
coverage is the share of rows with a province that got one (any). Rows whose expected value is
null count in precision only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from streams.core.places import infer_region  # noqa: E402


def expected_of(row: dict[str, Any]) -> str | None:
    for k in ("province", "region", "expected", "iso", "code"):
        if k in row:
            return row[k]
    raise KeyError(f"no expected province in {sorted(row)}")


def evaluate(path: Path) -> dict[str, Any]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    answered = correct = positives = covered = 0
    errors: list[tuple[str, str | None, str]] = []
    for row in rows:
        exp = expected_of(row)
        if "location" in row or "profile" in row:
            got = infer_region(None, row.get("location", row.get("profile")), None)
            shown = row.get("location", row.get("profile"))
        else:
            got = infer_region(None, row.get("author_location"), row["text"])
            shown = row["text"]
        code = None if got.code == "unknown" else got.code
        if exp is not None:
            positives += 1
            covered += code is not None
        if code is not None:
            answered += 1
            correct += code == exp
        if code != exp:
            errors.append((shown, exp, f"{code} ({got.rule})" if code else got.rule))
    return {
        "rows": len(rows),
        "with_province": positives,
        "answered": answered,
        "precision": correct / answered if answered else 1.0,
        "coverage": covered / positives if positives else 0.0,
        "errors": errors,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    for f in args.files:
        r = evaluate(f)
        print(f"{f}: {r['rows']} rows ({r['with_province']} with a province), {r['answered']} answered, "
              f"precision {r['precision']:.3f}, coverage {r['coverage']:.3f}")
        if args.errors:
            for shown, exp, got in r["errors"]:
                print(f"   {exp!s:8} <- {got:32} {shown}")


if __name__ == "__main__":
    main()
