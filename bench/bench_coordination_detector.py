"""The pure coordination detector alone, per post: 30,000 generator posts fingerprinted once, then fed
to a fresh `CoordinationDetector` 7 times; prints the best. Run it with PYTHONPATH at two trees to
compare rules (the machine is shared: compare runs taken side by side).

    PYTHONPATH=. python bench/bench_coordination_detector.py new
"""

import time, sys
from streams.core.coordination import CoordinationConfig, CoordinationDetector, CoordPost, fingerprints
from streams.tooling.generator import generate_posts
cfg = CoordinationConfig()
posts = list(generate_posts(rate=200, count=30000, seed=3, minutes=None))
fps = fingerprints([(p["text"], p.get("hashtags") or (), p.get("is_repost") is True) for p in posts], cfg)
cps = []
t0 = 1_707_868_800_000
for i, (p, fp) in enumerate(zip(posts, fps)):
    cps.append(CoordPost(f"x:{i}", str(i), t0 + i * 5, p.get("author") or f"a{i}", "ID-JB", fp.sig, fp.hashtags, fp.repost, 0.1, 0.1, None, None))
print("with tags", sum(1 for c in cps if c.hashtags), "of", len(cps), file=sys.stderr)
best = 1e9
for r in range(7):
    det = CoordinationDetector(cfg)
    s = time.perf_counter()
    for c in cps:
        det.feed(c)
    det.flush()
    best = min(best, time.perf_counter() - s)
label = sys.argv[1] if len(sys.argv) > 1 else "detector"
print(f"{label}: detector {best / len(cps) * 1e6:.2f} us/post (best of 7, {len(cps)} posts)")
