"""Claim matching on a labelled set (default: the dev set): accuracy, stance, civil false matches.

    PYTHONPATH=. python bench/eval_hoaxes.py [--set dev|frozen] [--method index|minhash] [--misses]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.tooling.claim_eval import evaluate_matching, read_jsonl  # noqa: E402
from streams.core.claim_index import ClaimIndex  # noqa: E402
from streams.core.claims import read_catalogue  # noqa: E402

DATA = ROOT / "tests" / "data" / "hoaxes"
SETS = {"dev": ("dev_claims.jsonl", "dev_posts.jsonl", "dev_civil.jsonl"),
        "frozen": ("claims.jsonl", "posts.jsonl", "civil.jsonl")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="dev", choices=sorted(SETS))
    ap.add_argument("--method", default="index", choices=("index", "minhash"))
    ap.add_argument("--misses", action="store_true")
    a = ap.parse_args()
    cf, pf, vf = SETS[a.set]
    claims, errors = read_catalogue(DATA / cf)
    if errors:
        print(f"{len(errors)} bad catalogue rows: {errors[:5]}", file=sys.stderr)
    if a.method == "index":
        index = ClaimIndex(claims)
        match = lambda t: (index.match(t) or [None])[0]  # noqa: E731
    else:
        from minhash_baseline import MinHashMatcher  # bench/ is on the path when run as a script

        mh = MinHashMatcher(claims)
        match = mh.match
    posts, civil = read_jsonl(DATA / pf), read_jsonl(DATA / vf)
    t = time.perf_counter()
    rep = evaluate_matching(match, posts, civil)
    dt = time.perf_counter() - t
    out = rep.summary()
    out["claims"] = len(claims)
    out["seconds"] = round(dt, 3)
    print(json.dumps(out, indent=2))
    if a.misses:
        for m in rep.misses:
            print(m)


if __name__ == "__main__":
    main()
