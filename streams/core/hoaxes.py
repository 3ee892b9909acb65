"""Known hoaxes in the stream: claim matching applied to scored posts, and the per-claim spread alert.

Pure (no Kafka): the scoring stage and `suhu score`/`suhu backtest` call `apply_claims`; the
``claim-spread`` agent (streams/runtime/claims_stage.py) and `suhu backtest` run `ClaimSpreadEngine`, so
live and offline reach the same alerts.

* `apply_claims` sets each post's ``known_hoax`` score and label, ``hoax_claim_id`` and stance.
* `ClaimSpreadEngine`: per claim, event-time windows (the regional windows' size, step and grace)
  over the posts *spreading* it; a window with at least ``min_posts`` posts from ``min_authors``
  accounts in ``min_provinces`` provinces fires a ``hoax_spread`` alert naming the claim (title,
  verdict, debunk link) and the provinces, never a post's text. It resolves after
  ``consecutive_clear`` windows below that. Windows close on the same watermark as the regional
  engine (the scoring stage's marks, streams/core/watermarks.py), state lives in two injected mappings
  (changelog tables live, dicts offline) and `rebuild` recomputes the panes after a restart.

Why one long module: matching applied to posts and the claim-spread engine share the HoaxPost record
and the page texts; the engine mirrors streams/core/engine.py's windows on the same watermark.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta, timezone
from typing import Any, Callable, Collection, Mapping, MutableMapping, Sequence

import orjson

from models.base import PostScores
from streams.core.alerting import _MONTHS_EN, _MONTHS_ID, _span, alert_id
from streams.core.codecs import decode_partition_state, encode_partition_state, partition_clock, partition_key
from streams.core.changelog import writer
from streams.core.claim_index import MATCH_THRESHOLD, MAX_SCORED_CHARS, ClaimIndex, ClaimMatch
from streams.core.claims import Claim
from streams.core.records import UNKNOWN_REGION, Alert, ScoredPost
from streams.core.watermarks import LEGACY_SOURCE, advance_clock, apply_report
from streams.core.windowing import WindowSpec, format_ms

__all__ = ["apply_claims", "SpreadRule", "ClaimSpreadEngine", "HoaxPost", "SPREAD_SIGNAL", "NATIONAL",
           "hoax_post", "spread_summaries"]

SPREAD_SIGNAL = "hoax_spread"  # the alert's signal
NATIONAL = "ID"  # a claim-spread alert's region: the country (its provinces are in the summary)
_WIB = timezone(timedelta(hours=7))
MAX_NAMED_PROVINCES = 10


def apply_claims(index: ClaimIndex | None, texts: Sequence[str], scores: Sequence[PostScores],
                 threshold: float = MATCH_THRESHOLD) -> list[tuple[PostScores, str | None, str | None]]:
    """Each post's scores with ``known_hoax`` set (and its label), the matched claim id and stance.

    A post that repeats no claim keeps ``known_hoax`` 0 and gets (None, None); one whose best claim is
    under the match threshold too. Never raises on a post: matching failures leave it unmatched.
    The scorer's normalisation (``PostScores.plain``) is reused where it normalised the same text the
    matcher would (a post of at most the matcher's MAX_SCORED_CHARS characters), so a post is not
    normalised twice.
    """
    scores = list(scores)[: len(texts)]
    found: list[ClaimMatch | None] = [None] * len(scores)
    if index is not None and len(index):
        plain = [ps.plain if isinstance(t, str) and len(t) <= MAX_SCORED_CHARS else None
                 for t, ps in zip(texts, scores)]
        try:
            found = index.match_batch(texts[: len(scores)], plain)
        except Exception:  # noqa: BLE001 - one post's matching bug must not unmatch (or dead-letter) the rest
            found = [_match_one(index, t) for t in texts[: len(scores)]]
    out: list[tuple[PostScores, str | None, str | None]] = []
    for ps, m in zip(scores, found):
        if m is None or not m.matched:
            out.append((ps, None, None))
            continue
        sc = dict(ps.scores)
        sc["known_hoax"] = m.known_hoax
        labels = tuple(s for s in ps.labels if s != "known_hoax")
        if m.known_hoax >= threshold:
            labels = labels + ("known_hoax",)
        out.append((dataclasses.replace(ps, scores=sc, labels=labels), m.claim_id, m.stance))
    return out


def _match_one(index: ClaimIndex, text: str) -> ClaimMatch | None:
    try:
        found = index.match(text)
    except Exception:  # noqa: BLE001 - a matching bug must not dead-letter the post
        return None
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class HoaxPost:
    """What the spread stage needs of a post spreading a claim (the ``hoax-matches`` record)."""

    key: str  # the post's dedup key
    post_id: str
    claim_id: str
    event_ms: int
    author: str
    region: str
    source: int | None = None  # input partition (watermark source)

    def to_json(self) -> bytes:
        return orjson.dumps({"k": self.key, "id": self.post_id, "c": self.claim_id, "t": self.event_ms,
                             "a": self.author, "r": self.region, "s": self.source})

    @classmethod
    def from_json(cls, raw: bytes) -> "HoaxPost":
        d = orjson.loads(raw)
        return cls(str(d["k"]), str(d["id"]), str(d["c"]), int(d["t"]), str(d["a"]), str(d["r"]),
                   None if d.get("s") is None else int(d["s"]))


def hoax_post(sp: ScoredPost) -> HoaxPost | None:
    """The spread record of a scored post that spreads a known hoax, else None."""
    if sp.hoax_claim_id is None or sp.hoax_stance != "spreading" or "known_hoax" not in sp.labels:
        return None
    p = sp.post
    return HoaxPost(p.dedup_key, p.id, sp.hoax_claim_id, p.event_ms, p.author or f"~{p.dedup_key}", p.region,
                    sp.source)


@dataclass(frozen=True)
class SpreadRule:
    min_posts: int = 15
    min_authors: int = 10
    min_provinces: int = 3
    critical_provinces: int = 8  # this many provinces makes it critical
    consecutive_clear: int = 3

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any] | None) -> "SpreadRule":
        if not m:
            return cls()
        unknown = set(m) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"hoax_spread: unknown keys {sorted(unknown)}")
        vals = {k: int(v) for k, v in m.items()}
        if any(v < 1 for v in vals.values()):
            raise ValueError("hoax_spread: every value must be a positive integer")
        return cls(**vals)


def spread_rule(thresholds_file: Any = None) -> SpreadRule:
    """The ``hoax_spread`` section of the thresholds file (None: the package default)."""
    from importlib import resources
    from pathlib import Path

    import yaml

    if thresholds_file is None:
        text = resources.files("streams").joinpath("defaults/thresholds.yaml").read_text(encoding="utf-8")
    else:
        text = Path(thresholds_file).read_text(encoding="utf-8")
    doc = yaml.safe_load(text) or {}
    return SpreadRule.from_mapping(doc.get("hoax_spread") if isinstance(doc, dict) else None)


class _Pane:
    __slots__ = ("count", "authors", "regions", "examples")

    def __init__(self) -> None:
        self.count = 0
        self.authors: dict[str, int] = {}
        self.regions: dict[str, int] = {}
        self.examples: list[str] = []

    def add(self, author: str, region: str, post_id: str) -> None:
        self.count += 1
        self.authors[author] = self.authors.get(author, 0) + 1
        self.regions[region] = self.regions.get(region, 0) + 1
        ex = self.examples  # the 3 smallest ids: the same whatever the arrival order
        if len(ex) < 3 or post_id < ex[-1]:
            ex.append(post_id)
            ex.sort()
            del ex[3:]


class ClaimSpreadEngine:
    """Per-claim windows over posts spreading it; alerts when a claim spreads across provinces."""

    def __init__(self, window: WindowSpec, rule: SpreadRule, claim_info: Callable[[str], Claim | None],
                 contributions: MutableMapping[str, Any], state: MutableMapping[str, Any], *,
                 sources: int | None = None, region_name: Callable[[str], str] | None = None,
                 calendar: Any = None) -> None:
        self.window, self.rule, self.claim_info = window, rule, claim_info
        self.contributions, self.state = contributions, state
        # Every write names the partition of the event that makes it (streams/core/changelog.py).
        self._contributions_at, self._state_at = writer(contributions), writer(state)
        self._size, self._step, self._grace = window.size_ms, window.step_ms, window.grace_ms
        self._expected = None if sources is None else [str(i) for i in range(sources)]
        if region_name is None:
            from streams.core.regions import region_name as _rn

            region_name = _rn
        self._region_name = region_name
        self.calendar = calendar
        self.stats: dict[str, int] = {}
        self._panes: dict[str, dict[int, _Pane]] = {}
        self._keys: dict[tuple[str, int], list[str]] = {}
        self._parts: dict[int, dict[str, Any]] = {}
        self._machines: dict[str, dict[str, Any]] = {}
        self.latest: dict[str, dict[str, Any]] = {}  # claim -> its latest closed window (for metrics)
        self.rebuild()

    def _count(self, name: str, n: int = 1) -> None:
        self.stats[name] = self.stats.get(name, 0) + n

    # ------------------------------------------------------------------------------ recovery
    def rebuild(self) -> None:
        self._panes.clear()
        self._keys.clear()
        self._parts.clear()
        self._machines.clear()
        for key, value in list(self.state.items()):
            if key.startswith("p:"):
                self._parts[int(key[2:])] = decode_partition_state(value)
            elif key.startswith("m:"):
                self._machines[key[2:]] = dict(value)
        for key, c in list(self.contributions.items()):
            self._add(key, c)

    def _add(self, key: str, c: Sequence[Any]) -> None:
        claim, ev, author, region, post_id = c[0], c[1], c[2], c[3], c[4]
        p = ev - ev % self._step
        pane = self._panes.setdefault(claim, {}).get(p)
        if pane is None:
            pane = self._panes[claim][p] = _Pane()
            self._keys[(claim, p)] = []
        pane.add(author, region, post_id)
        self._keys[(claim, p)].append(key)

    def _part(self, partition: int) -> dict[str, Any]:
        return partition_clock(self._parts, partition)

    def _save(self, partition: int, part: dict[str, Any]) -> None:
        self._state_at(partition)[partition_key(partition)] = encode_partition_state(part)

    # ------------------------------------------------------------------------------ hot path
    def process(self, hp: HoaxPost, partition: int, source: str | None = None) -> list[Alert]:
        if hp.key in self.contributions:
            self._count("duplicates")
            return []
        part = self._part(partition)
        ev = hp.event_ms
        pane = ev - ev % self._step
        if part["c"] is not None and pane + self._size <= part["c"]:
            self._count("late_dropped")  # every window it belonged to is closed
        else:
            c = [hp.claim_id, ev, hp.author, hp.region, hp.post_id, partition]
            self._contributions_at(partition)[hp.key] = c
            self._add(hp.key, c)
            self._count("processed")
            if hp.claim_id not in part["r"]:
                part["r"].append(hp.claim_id)
            if part["c"] is None and (part["lo"] is None or ev < part["lo"]):
                part["lo"] = ev
        src = LEGACY_SOURCE if source is None else source
        if part["w"].get(src) is None or ev > part["w"][src]:
            part["w"][src] = ev
        if src in part["i"]:
            part["i"].remove(src)
        alerts = self._tick(partition, part)
        self._save(partition, part)
        return alerts

    def advance(self, partition: int, marks: Mapping[str, int], idle: Collection[str] = (),
                owned: Collection[str] = (), emitted_ms: int | None = None) -> list[Alert]:
        """A watermark record on ``partition`` (as `RegionalEngine.advance`)."""
        part = self._part(partition)
        if not apply_report(part, marks, idle, owned, emitted_ms):
            return []
        alerts = self._tick(partition, part)
        self._save(partition, part)
        return alerts

    def watermark(self, partition: int) -> int | None:
        """The partition's event-time clock (ms), as `RegionalEngine.watermark`."""
        part = self._parts.get(partition)
        return None if part is None else part["t"]

    def _tick(self, partition: int, part: dict[str, Any]) -> list[Alert]:
        moved = advance_clock(part, self._expected, self._grace, self._step)
        if moved is None:
            return []
        c, new_c = moved
        if new_c <= c:
            return []
        out: list[tuple[int, str, Alert]] = []
        state = self._state_at(partition)
        for claim in sorted(part["r"]):
            self._close_claim(claim, c, new_c, out, state)
        part["c"] = new_c
        self._evict(part, new_c, self._contributions_at(partition))
        out.sort(key=lambda x: (x[0], x[1]))
        self._count("alerts", len(out))
        return [a for _, _, a in out]

    # ------------------------------------------------------------------------------ closure
    def _close_claim(self, claim: str, old_c: int, new_c: int, out: list[tuple[int, str, Alert]],
                     state: MutableMapping[str, Any]) -> None:
        panes = self._panes.get(claim, {})
        m = self._machines.get(claim) or {"s": "ok"}
        e = old_c + self._step
        while e <= new_c:
            has = any(e - self._size <= p < e for p in panes)
            if not has and m.get("s") != "firing":
                later = [p for p in panes if p >= e]
                if not later:
                    return
                e = min(later) + self._step
                continue
            m = self._judge(claim, e, panes, m, out, state)
            e += self._step

    def _window(self, claim: str, end: int, panes: Mapping[int, _Pane]) -> dict[str, Any]:
        posts, authors, regions, examples = 0, set(), {}, []
        for p in range(end - self._size, end, self._step):
            pane = panes.get(p)
            if pane is None:
                continue
            posts += pane.count
            authors.update(pane.authors)
            for r, n in pane.regions.items():
                regions[r] = regions.get(r, 0) + n
            examples.extend(pane.examples)
        provinces = sorted((r for r in regions if r != UNKNOWN_REGION), key=lambda r: (-regions[r], r))
        return {"claim": claim, "posts": posts, "authors": len(authors), "provinces": provinces,
                "province_posts": {r: regions[r] for r in provinces}, "examples": sorted(examples)[:3],
                "window_end_ms": end}

    def _judge(self, claim: str, end: int, panes: Mapping[int, _Pane], m: dict[str, Any],
               out: list[tuple[int, str, Alert]], state: MutableMapping[str, Any]) -> dict[str, Any]:
        r = self.rule
        w = self._window(claim, end, panes)
        self.latest[claim] = w
        n_prov = len(w["provinces"])
        breach = w["posts"] >= r.min_posts and w["authors"] >= r.min_authors and n_prov >= r.min_provinces
        sev = "critical" if breach and n_prov >= r.critical_provinces else "warning"
        new = dict(m)
        status = None
        if m.get("s") == "firing":
            if breach:
                new["c"] = 0
                if sev == "critical" and m.get("sev") == "warning":
                    new["sev"], status = "critical", "firing"
            else:
                new["c"] = m.get("c", 0) + 1
                if new["c"] >= r.consecutive_clear:
                    status = "resolved"
        elif breach:
            new = {"s": "firing", "sev": sev, "c": 0, "k": f"suhu:claim:{claim}:{SPREAD_SIGNAL}:{end}"}
            status = "firing"
        if status is not None:
            alert = self._alert(claim, status, new.get("sev") or "warning", new["k"], w, end)
            new["last"] = alert.to_dict()
            out.append((end, claim, alert))
            if status == "resolved":
                new = {"s": "ok", "last": new["last"]}
        if new != m:
            self._machines[claim] = new
            state[f"m:{claim}"] = new
        return new

    def _alert(self, claim_id: str, status: str, severity: str, key: str, w: Mapping[str, Any], end: int) -> Alert:
        claim = self.claim_info(claim_id)
        info = {"id": claim_id, "title": claim.title if claim else claim_id,
                "verdict": claim.verdict if claim else "", "url": claim.url if claim else "",
                "source": claim.source if claim else "",
                "provinces": list(w["provinces"]), "province_names": [self._name(r) for r in w["provinces"]]}
        start = end - self._size
        summary_id, summary_en = spread_summaries(status, info, w["posts"], w["authors"], start, end)
        phase = ""
        if self.calendar is not None:
            try:
                phase = self.calendar.phase_at(end - 1, NATIONAL)
            except Exception:  # noqa: BLE001 - a calendar problem must not lose the alert
                phase = ""
        threshold = self.rule.critical_provinces if severity == "critical" else self.rule.min_provinces
        return Alert(
            alert_id=alert_id(key, status, severity, end), dedup_key=key, status=status, severity=severity,
            region=NATIONAL, region_name="Indonesia", signal=SPREAD_SIGNAL, value=float(len(w["provinces"])),
            threshold=float(threshold), baseline=None, window_start=format_ms(start), window_end=format_ms(end),
            phase=phase, post_count=w["posts"], author_count=w["authors"], example_post_ids=tuple(w["examples"]),
            summary_id=summary_id, summary_en=summary_en, emitted_at=format_ms(end), claim=info)

    def _name(self, region: str) -> str:
        try:
            return str(self._region_name(region))
        except (KeyError, ValueError):
            return region

    def _evict(self, part: dict[str, Any], closed: int, contributions: MutableMapping[str, Any]) -> None:
        for claim in list(part["r"]):
            panes = self._panes.get(claim, {})
            for p in [p for p in panes if p + self._size <= closed]:
                del panes[p]
                for key in self._keys.pop((claim, p), ()):
                    contributions.pop(key, None)
            if not panes and (self._machines.get(claim) or {}).get("s") != "firing":
                part["r"].remove(claim)
                self._panes.pop(claim, None)

    def snapshot(self, top: int = 20) -> list[dict[str, Any]]:
        """The claims with the most posts in their latest closed window (bounded: ``top``)."""
        rows = sorted(self.latest.values(), key=lambda w: (-w["posts"], w["claim"]))[:top]
        return [{**w, "state": (self._machines.get(w["claim"]) or {}).get("s", "ok")} for w in rows]


def spread_summaries(status: str, info: Mapping[str, Any], posts: int, authors: int, start: int,
                     end: int) -> tuple[str, str]:
    """The page in Bahasa Indonesia and English: the claim, its verdict and debunk, the provinces."""
    names = list(info.get("province_names") or [])
    shown = ", ".join(names[:MAX_NAMED_PROVINCES])
    more = len(names) - MAX_NAMED_PROVINCES
    more_id = f" dan {more} lainnya" if more > 0 else ""
    more_en = f" and {more} more" if more > 0 else ""
    title = str(info.get("title") or info.get("id"))
    verdict = str(info.get("verdict") or "")
    url = str(info.get("url") or "")
    span_id = _span(start, end, _WIB, _MONTHS_ID)
    span_en = _span(start, end, _WIB, _MONTHS_EN)
    v_id = f" ({verdict})" if verdict else ""
    if status == "firing":
        head_id = f'[HOAKS] "{title}"{v_id} menyebar di {len(names)} provinsi: {shown}{more_id}'
        head_en = f'[HOAX] "{title}"{v_id} is spreading in {len(names)} provinces: {shown}{more_en}'
    else:
        head_id = f'[SELESAI] Hoaks "{title}"{v_id} tidak lagi menyebar luas'
        head_en = f'[RESOLVED] Hoax "{title}"{v_id} no longer spreading widely'
    tail_id = f"; {posts} unggahan dari {authors} akun, {span_id}"
    tail_en = f"; {posts} posts from {authors} accounts, {span_en}"
    if url:
        tail_id += f"; bantahan: {url}"
        tail_en += f"; debunk: {url}"
    return head_id + tail_id, head_en + tail_en
