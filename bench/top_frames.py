"""Summarise py-spy raw (collapsed) stacks: the top functions by self and by inclusive samples."""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path


def summarise(stacks: Path, top: int = 25, thread: str | None = None) -> dict:
    """Samples, and the top frames by self and by inclusive share (percent of all samples)."""
    self_c: Counter[str] = Counter()
    incl: Counter[str] = Counter()
    total = 0
    for line in stacks.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        if thread and thread not in stack.split(";", 1)[0]:
            continue
        frames = [re.sub(r" \(.*?/site-packages/", " (", f) for f in stack.split(";")]
        count = int(n)
        total += count
        self_c[frames[-1]] += count
        for f in set(frames[1:]):
            incl[f] += count
    pct = (lambda c: 100 * c / total) if total else (lambda c: 0.0)
    return {"samples": total,
            "self": [(round(pct(c), 1), f) for f, c in self_c.most_common(top)],
            "inclusive": [(round(pct(c), 1), f) for f, c in incl.most_common(top)]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("stacks", type=Path)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--thread", default=None, help="only stacks whose thread frame contains this")
    a = ap.parse_args()
    s = summarise(a.stacks, a.top, a.thread)
    print(f"{s['samples']} samples")
    print("self%  function")
    for p, f in s["self"]:
        print(f"{p:5.1f}  {f}")
    print("\nincl%  function")
    for p, f in s["inclusive"]:
        print(f"{p:5.1f}  {f}")


if __name__ == "__main__":
    main()
