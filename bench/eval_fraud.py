"""fraud_claim on the labelled sets: precision/recall per set, recall per sub-type, false-positive rates.

    PYTHONPATH=. python bench/eval_fraud.py [--set dev|frozen] [--misses] [--real] [--method lexicon|combined|head]

`--set dev` (default) reads the development sets: tests/data/hoaxes/dev_fraud_v2.jsonl (the one tuned on),
the older dev_fraud.jsonl/dev_civil.jsonl, dev_fraud_v3.jsonl/dev_civil_v3.jsonl and models/validation/provocation_fraud*.jsonl. `--set frozen`
reads the frozen validation files (fraud_claims.jsonl, civil.jsonl): run it once, on a final method. `--set blind_v4` reads tests/data/fraud_blind_v4 (written blind on 2 Dec 2026; run once, 2 Dec 06:27 UTC; now a dev set, --misses prints its errors). `--set blind_v5`: tests/data/fraud_blind_v5 (written blind on
2 Dec 2026; run once, 2 Dec 06:58 UTC; with v4 and the dev sets, training data of fraud-head-v4). `--set blind_v6`:
tests/data/fraud_blind_v6 (written blind on 4 Dec 2026; run once, 4 Dec 05:16 UTC), errors never printed.
`--real` adds the false-positive rate on /work/shared/data/political_text_id.csv (read, never copied;
its texts are printed only with --misses, to the terminal); with `--method combined|head` only its half 1
(`models.fraud_head.political_half`), the half the fraud head was not trained on.
`--method`: `lexicon` (default, models/signals.py alone), `combined` (the shipped scorer's fraud_claim: lexicon +
fraud head), `head` (the fraud head alone, mapped and damped as in the scorer, threshold from the artifact).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.normalize import normalize  # noqa: E402
from models.signals import fraud_claim_score  # noqa: E402

DATA = ROOT / "tests" / "data" / "hoaxes"
VALIDATION = ROOT / "models" / "validation"
REAL = Path(os.environ.get("SUHU_POLITICAL_TEXT", "/work/shared/data/political_text_id.csv"))
DECISION = 0.5


def _rows(path: Path) -> list[dict]:  # type: ignore[type-arg]
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


_SCORE = {"fn": lambda text: fraud_claim_score(normalize(text))}


def _use_method(method: str) -> None:
    if method == "lexicon":
        return
    from models.fraud_head import combine_fraud
    from models.scorer import load_scorer

    scorer = load_scorer()
    t = scorer.fraud_head_threshold
    if method == "combined":
        _SCORE["fn"] = lambda text: scorer.score_batch([text])[0].scores["fraud_claim"]
    else:
        def head_only(text: str) -> float:
            n = normalize(text)
            p = float(scorer.fast.predict([n])[0, scorer.fast.head_index["fraud"]])
            return combine_fraud(0.0, p, t, n)
        _SCORE["fn"] = head_only


def _score(text: str) -> float:
    return _SCORE["fn"](text)


def _flag(text: str) -> bool:
    return _score(text) >= DECISION


def _report(name: str, pos: list[dict], neg: list[dict], misses: bool) -> None:  # type: ignore[type-arg]
    tp_rows = [r for r in pos if _flag(r["text"])]
    fp_rows = [r for r in neg if _flag(r["text"])]
    tp, fp = len(tp_rows), len(fp_rows)
    prec = tp / (tp + fp) if tp + fp else float("nan")
    rec = tp / len(pos) if pos else float("nan")
    print(f"{name}: recall {rec:.3f} ({tp}/{len(pos)})  precision {prec:.3f}  false positives {fp}/{len(neg)}")
    if pos and "note" in pos[0]:
        total, hit = Counter(r["note"] for r in pos), Counter(r["note"] for r in tp_rows)
        weak = [f"{n} {hit[n]}/{total[n]}" for n in sorted(total, key=lambda n: hit[n] / total[n]) if hit[n] < total[n]]
        if weak:
            print("  recall below 1 by sub-type: " + ", ".join(weak))
    if misses:
        hits = {id(r) for r in tp_rows}
        for r in pos:
            if id(r) not in hits:
                print(f"  MISS {_score(r['text']):.2f} {r['text'][:150]}")
        for r in fp_rows:
            print(f"  FP   {_score(r['text']):.2f} {r['text'][:150]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="dev", choices=("dev", "frozen", "blind_v4", "blind_v5", "blind_v6", "blind_v7", "blind_v8"),
                    help="blind_v4, blind_v5 (used; training data of fraud-head-v4) / blind_v6: "
                         "tests/data/fraud_blind_vN (README there); blind_v6 is run once to confirm a final change, "
                         "its errors never printed")
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--real", action="store_true")
    ap.add_argument("--method", default="lexicon", choices=("lexicon", "combined", "head"))
    args = ap.parse_args()
    _use_method(args.method)
    print(f"method: {args.method}")
    if args.set == "dev":
        v2 = _rows(DATA / "dev_fraud_v2.jsonl")
        _report("dev_fraud_v2", [r for r in v2 if r["fraud_claim"]], [r for r in v2 if not r["fraud_claim"]],
                args.misses)
        _report("dev v1 (dev_fraud / dev_civil)", _rows(DATA / "dev_fraud.jsonl"), _rows(DATA / "dev_civil.jsonl"),
                args.misses)
        _report("dev v3 (dev_fraud_v3 / dev_civil_v3)", _rows(DATA / "dev_fraud_v3.jsonl"),
                _rows(DATA / "dev_civil_v3.jsonl"), args.misses)
        for name in ("provocation_fraud.jsonl", "provocation_fraud_holdout.jsonl"):
            rows = _rows(VALIDATION / name)
            _report(name, [r for r in rows if r["fraud_claim"]], [r for r in rows if not r["fraud_claim"]], False)
    elif args.set.startswith("blind_v"):
        blind = ROOT / "tests" / "data" / f"fraud_{args.set}"
        # errors are printed only for v4, whose errors were read for lexicon v6; the others never printed theirs
        _report(f"blind {args.set[6:]} (fraud / civil)", _rows(blind / "fraud.jsonl"), _rows(blind / "civil.jsonl"),
                args.misses and args.set == "blind_v4")
    else:
        rows = _rows(DATA / "fraud_claims.jsonl")
        _report("frozen fraud_claims", [r for r in rows if r["fraud_claim"]], [r for r in rows if not r["fraud_claim"]],
                args.misses)
        _report("frozen civil (on-topic)", [], _rows(DATA / "civil.jsonl"), args.misses)
    if args.real and REAL.exists():
        with REAL.open(encoding="utf-8") as f:
            texts = [{"text": r["text"]} for r in csv.DictReader(f) if r.get("text")]
        name = "political_text_id (real civil)"
        if args.method != "lexicon":
            from models.fraud_head import political_half

            texts = [r for r in texts if political_half(r["text"]) == 1]
            name += ", half 1 (never trained on)"
        t0 = time.perf_counter()
        _report(name, [], texts, args.misses)
        print(f"  ({(time.perf_counter() - t0) / len(texts) * 1e6:.0f} us/post incl. normalise)")


if __name__ == "__main__":
    main()
