"""Coordinated-campaign harness: an organic stream with realistic repetition, injected campaigns, and
the pure `CoordinationDetector`; prints recall, detection delay and false alerts per 24 h.

    PYTHONPATH=. python bench/coordination_harness.py --hours 2 --rate 500 --campaigns 40

The organic background is built from real Indonesian sentences read at run time from
/work/shared/data/political_text_id.csv and /work/shared/data/id_hate_abusive_train.csv (a word
bigram chain over them writes new posts, so no sentence is repeated verbatim by thousands of
accounts), mixed with the synthetic generator's templated election talk, plus organic repetition:
greetings and slogans (short), quotes of viral news headlines (real news sentences) by unrelated
accounts spread over hours, each with the quoter's own comment, and copypasta (long, steady all
day). Nothing from the data files is written anywhere: it lives in memory for the run.

Campaigns: 20-500 accounts (log-uniform), 0-30 % of words edited per copy, over 1-20 provinces,
2-30 minutes, a campaign hashtag on 90 % of copies, 5 % native reposts on top, account age sent
for half of them (mostly new accounts). A campaign is *detected* when a firing coordination alert's
cluster is mostly its posts; an alert whose cluster is mostly organic is a *false* alert.
Delay: the alert's event time minus the event time of the campaign's K-th distinct author.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import random
import resource
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from streams.coordination import CoordinationConfig, CoordinationDetector, CoordPost, fingerprint

DATA = Path(os.environ.get("SUHU_SHARED_DATA", "/work/shared/data"))
FILES = ("political_text_id.csv", "id_hate_abusive_train.csv")
PROVINCES = ["ID-AC", "ID-SU", "ID-SB", "ID-RI", "ID-JA", "ID-SS", "ID-BE", "ID-LA", "ID-BB", "ID-KR",
             "ID-JK", "ID-JB", "ID-JT", "ID-YO", "ID-JI", "ID-BT", "ID-BA", "ID-NB", "ID-NT", "ID-KB",
             "ID-KT", "ID-KS", "ID-KI", "ID-KU", "ID-SA", "ID-ST", "ID-SN", "ID-SG", "ID-GO", "ID-SR",
             "ID-MA", "ID-MU", "ID-PA", "ID-PB", "ID-PS", "ID-PT", "ID-PE", "ID-PD"]
WEIGHTS = [5, 15, 6, 7, 4, 9, 2, 9, 1.5, 2, 11, 49, 37, 4, 41, 12, 4.4, 5.5, 5.5, 5.5, 2.7, 4.1, 3.9, 0.7,
           2.6, 3.1, 9.2, 2.7, 1.2, 1.4, 1.9, 1.3, 1, 0.6, 0.6, 0.6, 0.7, 1.1]


def load_sentences() -> tuple[list[str], list[str]] | None:
    paths = [DATA / f for f in FILES]
    if not all(p.exists() for p in paths):
        return None
    news, all_ = [], []
    with paths[0].open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            t = (row.get("text") or "").strip()
            if t:
                all_.append(t)
                if "news" in (row.get("source") or "") and 8 <= len(t.split()) <= 30:
                    news.append(t)
    with paths[1].open(encoding="utf-8", errors="replace") as f:
        for row in csv.DictReader(f):
            t = (row.get("Tweet") or "").replace("USER", "").replace("RT :", "").strip()
            if t:
                all_.append(t)
    return news, all_


class Chain:
    """A word bigram chain over real sentences: new posts in the corpus' own vocabulary."""

    def __init__(self, sentences: list[str], rng: random.Random) -> None:
        self.rng = rng
        nxt: dict[str, list[str]] = defaultdict(list)
        self.starts: list[str] = []
        for s in sentences:
            w = s.split()
            if len(w) < 3:
                continue
            self.starts.append(w[0])
            for a, b in zip(w, w[1:]):
                nxt[a].append(b)
        self.nxt = dict(nxt)
        self.vocab = [w for w in self.nxt if w.isalpha() and len(w) > 3]

    def say(self, n: int) -> str:
        rng, nxt = self.rng, self.nxt
        w = rng.choice(self.starts)
        out = [w]
        for _ in range(n - 1):
            cand = nxt.get(w)
            w = rng.choice(cand) if cand and rng.random() < 0.9 else rng.choice(self.vocab)
            out.append(w)
        return " ".join(out)


GREETINGS = ["Selamat pagi semua", "Selamat hari pencoblosan!", "Ayo nyoblos, jangan golput!", "Met pagi",
             "Sudah nyoblos? Jari ungu dong", "Semangat pemilu damai", "Bismillah, nyoblos dulu",
             "Ayo ke TPS!", "Pemilu damai, Indonesia maju", "Jangan lupa nyoblos ya gaes"]


def edit(words: list[str], frac: float, rng: random.Random, vocab: list[str]) -> list[str]:
    out = list(words)
    for _ in range(int(round(len(out) * frac))):
        op = rng.random()
        i = rng.randrange(len(out))
        if op < 0.6:
            out[i] = rng.choice(vocab)
        elif op < 0.8 and len(out) > 4:
            del out[i]
        else:
            out.insert(i, rng.choice(vocab))
    return out


def build_events(hours: float, rate: float, n_campaigns: int, seed: int, sentences, chain: Chain,
                 t0: int, warmup_h: float = 1.0) -> tuple[list[tuple[int, dict]], dict[str, dict]]:
    """Scheduled (non-background) posts: organic repetition and campaigns."""
    rng = random.Random(seed + 1)
    span = int(hours * 3_600_000)
    ev: list[tuple[int, dict]] = []
    news = sentences[0] if sentences else [chain.say(14) for _ in range(200)]
    # viral headlines: one new every ~40 minutes, quoted 20-300 times over 2-10 hours by unrelated accounts
    n_head = max(1, int(hours * 1.5))
    for h in range(n_head):
        head = rng.choice(news)
        start = t0 + rng.randrange(span)
        dur = rng.uniform(2, 10) * 3_600_000
        for q in range(int(math.exp(rng.uniform(math.log(20), math.log(300))))):
            t = start + int(rng.expovariate(1.0) * dur / 3)
            comment = chain.say(rng.randint(3, 14))
            text = f"{head} {comment}" if rng.random() < 0.5 else f"{comment}: \"{head}\""
            if rng.random() < 0.5:
                text += f" https://berita.example/{h}"
            ev.append((t, {"id": f"h{h}-{q}", "text": text, "author": f"o{rng.randrange(2_000_000)}", "kind": "headline"}))
    # copypasta: 6 long texts repeated steadily all day, 1-25 per 15 minutes each
    for p in range(6):
        text = chain.say(rng.randint(25, 40))
        per15 = rng.uniform(1, 25)
        t = t0
        q = 0
        while True:
            t += int(rng.expovariate(per15 / 900_000.0))
            if t >= t0 + span:
                break
            ev.append((t, {"id": f"p{p}-{q}", "text": text + rng.choice(["", " 🎵", " 🙏", " #lagu"]),
                           "author": f"o{rng.randrange(2_000_000)}", "kind": "copypasta"}))
            q += 1
    # campaigns
    truth: dict[str, dict] = {}
    for c in range(n_campaigns):
        size = int(math.exp(rng.uniform(math.log(20), math.log(500))))
        frac = rng.uniform(0.0, 0.30)
        dur = rng.uniform(2, 30) * 60_000
        nprov = rng.randint(1, 20)
        provs = rng.sample(PROVINCES, nprov)
        lead = int(warmup_h * 3_600_000)  # campaigns start after the detector's cold-start hold
        start = t0 + lead + rng.randrange(max(1, span - lead - int(dur)))
        base = chain.say(rng.randint(12, 25)).split()
        tag = f"#{rng.choice(['Tolak', 'Usut', 'Bongkar', 'Dukung', 'Selamatkan'])}{rng.choice(['Curang', 'KPU', 'Suara', 'Rakyat', 'Demokrasi'])}{rng.randint(10, 99)}"
        age_known = rng.random() < 0.5
        times = sorted(start + int(rng.random() * dur) for _ in range(size))
        for i, t in enumerate(times):
            words = edit(base, rng.uniform(0, frac) if rng.random() < 0.5 else frac, rng, chain.vocab)
            text = " ".join(words) + (" " + tag if rng.random() < 0.9 else "")
            post = {"id": f"c{c}-{i}", "text": text, "author": f"b{c}-{i}", "kind": "campaign", "c": c,
                    "region": rng.choice(provs)}
            if age_known:
                post["new"] = rng.random() < 0.8
            ev.append((t, post))
            if rng.random() < 0.05:
                ev.append((t + rng.randrange(60_000), {"id": f"c{c}-{i}-rt", "text": "RT @akun: " + text,
                                                        "author": f"o{rng.randrange(2_000_000)}", "kind": "repost",
                                                        "c": c, "repost": True}))
        truth[str(c)] = {"size": size, "edit": frac, "dur_min": dur / 60000, "provinces": nprov,
                         "times": times, "authors": [f"b{c}-{i}" for i in range(size)]}
    ev.sort(key=lambda e: e[0])
    return ev, truth


def generator_texts(n: int, seed: int) -> list[str]:
    from streams.generator import generate_posts

    return [p["text"] for p in generate_posts(rate=50, count=n, seed=seed, minutes=None)]


def run(hours: float, rate: float, n_campaigns: int, seed: int, cfg: CoordinationConfig,
        generator_share: float = 0.2, greeting_share: float = 0.05, quiet: bool = False,
        warmup_h: float = 1.0) -> dict:
    sentences = load_sentences()
    if sentences is None:
        if SKIP is not None:
            SKIP(f"real sentences not found under {DATA} ({', '.join(FILES)})")
        print(f"SKIP: real sentences not found under {DATA} ({', '.join(FILES)}); the harness needs them",
              file=sys.stderr)
        raise SystemExit(2)
    rng = random.Random(seed)
    chain = Chain(sentences[1], rng)
    gen = generator_texts(20_000, seed)
    t0 = 1_707_868_800_000  # 2024-02-14T00:00Z
    events, truth = build_events(hours, rate, n_campaigns, seed, sentences, chain, t0, warmup_h)
    det = CoordinationDetector(cfg)
    alerts = []
    kinds: dict[str, str] = {}
    ei = 0
    n = 0
    started = time.perf_counter()
    det_s = 0.0
    step = 1000  # one second of background at a time
    total_ms = int(hours * 3_600_000)
    for sec in range(0, total_ms, step):
        now = t0 + sec
        batch = []
        k = _poisson(rng, rate)
        for j in range(k):
            r = rng.random()
            if r < greeting_share:
                text = rng.choice(GREETINGS)
            elif r < greeting_share + generator_share:
                text = rng.choice(gen)
            else:
                text = chain.say(rng.randint(5, 30))
            batch.append((now + rng.randrange(step), {"id": f"o{sec}-{j}", "text": text,
                                                      "author": f"o{rng.randrange(2_000_000)}", "kind": "organic"}))
        while ei < len(events) and events[ei][0] < now + step:
            batch.append(events[ei])
            ei += 1
        batch.sort(key=lambda e: e[0])
        t_det = time.perf_counter()
        for t, p in batch:
            if DEBUG is not None:
                DEBUG[p["id"]] = p["text"]
            fp = fingerprint(p["text"], (), p.get("repost"), cfg)
            cp = CoordPost("x:" + p["id"], p["id"], t, p["author"], p.get("region") or rng.choice(PROVINCES),
                           fp.sig, fp.hashtags, fp.repost, 0.1, 0.1, p.get("new"), None)
            for a in det.feed(cp):
                alerts.append(a)
            n += 1
        det_s += time.perf_counter() - t_det
        if not quiet and sec % 600_000 == 0 and sec:
            snap = det.snapshot()
            print(f"  {sec / 3_600_000:5.2f} h  posts {n:,}  clusters {snap['clusters']:,}  index {snap['index']:,}  "
                  f"alerts {len(alerts)}  rss {_rss_mb():.0f} MB  {n / (time.perf_counter() - started):,.0f} posts/s",
                  file=sys.stderr)
    alerts.extend(det.flush())
    return score(alerts, det, truth, cfg, hours, n, det_s, time.perf_counter() - started)


SKIP = None  # tests set pytest.skip here
DEBUG: dict[str, str] | None = None  # --debug: texts by id, to look at false alerts (never written out)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam > 50:
        return max(0, int(rng.gauss(lam, math.sqrt(lam)) + 0.5))
    L, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= L:
            return k
        k += 1


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def score(alerts, det: CoordinationDetector, truth: dict, cfg: CoordinationConfig, hours: float, n: int,
          det_s: float, wall_s: float) -> dict:
    from datetime import datetime

    firing = [a for a in alerts if a.status == "firing" and a.severity in ("warning", "critical")]
    first_firing: dict[str, object] = {}
    for a in firing:
        first_firing.setdefault(a.dedup_key, a)
    detected: dict[str, int] = {}
    false_alerts = []
    for key, a in first_firing.items():
        cid = key.rsplit(":", 1)[1]
        members = det.alerted[cid]["k"]
        lab = Counter(m.split(":", 1)[1].split("-")[0] if m.split(":", 1)[1].startswith("c") else "organic"
                      for m in members)
        top, cnt = lab.most_common(1)[0]
        if top.startswith("c") and top != "organic":
            c = top[1:]
            ms = int(datetime.fromisoformat(a.emitted_at.replace("Z", "+00:00")).timestamp() * 1000)
            detected[c] = min(detected.get(c, ms), ms)
        else:
            false_alerts.append((a, Counter(m.split(":", 1)[1][0] for m in members)))
            if DEBUG is not None:
                print("FALSE", a.coordination, [DEBUG.get(m.split(":", 1)[1], "")[:100] for m in members[:4]],
                      file=sys.stderr)
    delays = []
    missed = []
    for c, t in truth.items():
        if c in detected:
            kth = t["times"][cfg.min_authors - 1]
            delays.append((detected[c] - kth) / 60000)
        else:
            missed.append((c, t["size"], round(t["edit"], 2), round(t["dur_min"], 1), t["provinces"]))
    recall = len(detected) / len(truth) if truth else float("nan")
    out = {
        "hours": hours, "posts": n, "campaigns": len(truth), "detected": len(detected), "recall": recall,
        "delay_median_min": statistics.median(delays) if delays else None,
        "delay_p90_min": sorted(delays)[int(0.9 * (len(delays) - 1))] if delays else None,
        "false_alerts": len(false_alerts), "false_per_24h": len(false_alerts) * 24 / hours,
        "false_kinds": [dict(k) for _, k in false_alerts][:10], "missed": missed[:20],
        "detector_us_per_post": det_s / max(1, n) * 1e6, "wall_s": wall_s, "max_rss_mb": _rss_mb(),
        "stats": dict(det.stats),
    }
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=float, default=2.0)
    ap.add_argument("--rate", type=float, default=500.0)
    ap.add_argument("--campaigns", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--min-authors", type=int, default=10)
    ap.add_argument("--debug", action="store_true")
    args = ap.parse_args()
    global DEBUG
    if args.debug:
        DEBUG = {}
    cfg = CoordinationConfig(min_authors=args.min_authors)
    res = run(args.hours, args.rate, args.campaigns, args.seed, cfg)
    for k, v in res.items():
        print(f"{k}: {v}")


if __name__ == "__main__":
    main()
