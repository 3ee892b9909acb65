"""Coordinated campaigns: many accounts, one message (lightly edited), minutes apart.

Why one long module: it is one algorithm (fingerprint -> LSH bands -> clusters -> evidence ->
alert state), and live = backtest rests on that one code path; split, one state machine would be
spread over files that change together.

A pure core, fed scored posts in event-time order; it knows nothing of Kafka. The worker
(streams/runtime/coordination_stage.py) and `suhu backtest` run exactly this code, so live = backtest.

How a post is read (`fingerprint`):

* The text is lower-cased; URLs, @mentions, #hashtags and emoji are stripped from what is
  fingerprinted (hashtags are kept as a feature of the cluster, the URL's domain too), and so is a
  native-repost prefix ``RT @user:``. Indonesian function words and election small talk
  (`STOPWORDS`) are dropped; what is left are the *content tokens*.
* A post with fewer than ``min_tokens`` distinct content tokens is too short to say anything about
  coordination (greetings, "ayo nyoblos", slogans): it is counted and never clustered.
* MinHash over the content tokens (``bands`` x ``rows`` values, multiply-shift hashing of CRC-32
  token hashes: deterministic across processes, so cluster ids survive restarts), and LSH bands:
  two posts whose Jaccard similarity is J share at least one band with probability
  1 - (1 - J^rows)^bands (0.65 at J = 0.32, two copies each with 30 % of words edited; 0.97 at
  J = 0.54, a copy and its original). A band match is verified on the signature (estimated
  Jaccard >= ``min_similarity``) before a post joins a cluster.

How posts become a cluster: leader clustering. A post that matches a cluster's registered member
joins it; otherwise it starts a cluster of its own (its id derives from the leader post's
``platform:id``: deterministic). The first ``max_registered`` members register their bands, so
copies chain through edited copies, and the index stays bounded per cluster.

A cluster is *coordinated* when its evidence holds (a hashtag on most members that is mostly used
by this cluster and is a burst of that tag against its own last hour, `_tag_burst`; or a share of
its distinct authors, at least ``new_account_authors``, that are new accounts when the platform
sends account age) and at least
``min_authors`` (K, default 10) distinct authors posted into it over its last ``span_windows``
sliding event-time windows (``window_ms``, default 15 min; 2 windows, so a campaign slower than the
window, 20 accounts over 25 minutes, still counts). Without evidence a cluster is never a campaign,
however many accounts post it: near-identical text from many accounts is what templates, quote
formats, slogans and copypasta look like too, at a campaign's speed (a quick-count evening's
templated chatter, tests/unit/test_debate_night.py). It must also be a burst against the phrase's
own baseline: a cluster that has lived longer than a window (a copypasta, a slogan that circulates
all day) must reach ``burst_ratio`` x its own authors per window before the current one, in the
window.

Native reposts (``is_repost`` true or an ``RT @`` prefix) are counted on the cluster they match
(`reposts`) and never start a cluster nor count as an author.

State is bounded by event time: members older than the window are evicted as the clock (the
largest event time processed) moves on (a live cluster keeps their authors one more window, for
the two-window count); a cluster with no member left is dropped (and, if it was alerted, resolved). Posts are processed in (event time, platform:id) order through a reorder
buffer of ``reorder_ms``, so an input that is out of order by less than that gives the same
clusters, ids and alerts in any arrival order. Recovery: `alerted` (cluster id -> its alert state
and member keys) is the durable part; everything else is recomputed from the last window of input
(see streams/runtime/coordination_stage.py). A recomputed cluster that holds a member of an alerted
cluster takes that cluster's id, so a restart never alerts the same campaign twice.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import zlib
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from types import MappingProxyType
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import operator
from array import array

import numpy as np

from streams.core.formatting import format_number, format_rfc3339
from streams.core.records import UNKNOWN_REGION, Alert, ScoredPost, shared_author
from streams.core.regions import REGION_CODES

__all__ = ["CoordinationConfig", "CoordinationDetector", "Fingerprint", "CoordPost", "fingerprint",
           "coord_post", "SIGNAL", "NATIONAL_REGION", "FINGERPRINTS_KIND", "fingerprints_record",
           "coord_posts_of"]

SIGNAL = "coordination"
NATIONAL_REGION = "ID"  # a campaign spans provinces: its alert is national, its provinces are listed
NATIONAL_NAME = "Lintas provinsi"
_DAY_MS = 86_400_000

# Function words and election small talk: never content (they make unrelated posts look alike).
STOPWORDS = frozenset("""
yang dan di ke dari ini itu untuk dengan pada adalah dalam tidak akan juga sudah ada bisa atau
saya kita kami kamu anda dia mereka aku gue gua gw lo lu elu nya kalau kalo karena krn jadi jd
sih dong deh kok lah pun nih tuh aja saja ya yg dgn utk tdk gak ga nggak enggak ngga udah udh
sama lagi masih mau harus telah para oleh bagi seperti tapi tp namun serta hingga sampai agar
supaya biar buat bikin apa siapa mana kapan gimana bagaimana kenapa mengapa banget sekali
semua setiap tiap satu dua tiga hari ini besok kemarin tadi nanti sekarang mari ayo yuk
pemilu pilkada pilpres nyoblos coblos tps kpu bawaslu suara rakyat indonesia warga
rt user url amp via the a of to in and is for on selamat pagi siang sore malam terima kasih
""".split())

_URL = re.compile(r"(?:https?://|www\.)(\S+)", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_RT = re.compile(r"^\s*rt\s+@?\w*\s*:?", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")
_ESCAPED = re.compile(r"\\x[0-9a-f]{2}|\\[nrtu]|&[a-z]+;")  # literal escapes and entities some exports carry
_MASK = (1 << 64) - 1


@dataclass(frozen=True)
class CoordinationConfig:
    window_ms: int = 15 * 60_000
    min_authors: int = 10  # K distinct authors in the window
    min_tokens: int = 6  # distinct content tokens for a post to be fingerprinted
    bands: int = 12
    rows: int = 2
    min_similarity: float = 0.25  # estimated Jaccard a band match must reach to join
    min_leader_similarity: float = 0.125  # and to the cluster's leader (no chaining away from it)
    max_registered: int = 16  # members per cluster whose bands are indexed
    phrase_authors: int = 5  # distinct authors that make a cluster's phrase remembered
    phrase_memory: int = 400_000  # band keys remembered at most
    phrase_memory_ms: int = _DAY_MS
    tight_similarity: float = 0.45  # mean estimated Jaccard to the leader that makes copies "tight"
    hashtag_share: float = 0.7  # share of members carrying one hashtag that makes it a campaign tag
    new_account_days: int = 30
    # New accounts as evidence: a share of the cluster's distinct authors in the window, and at least
    # this many of them (a few new-account copies inside an organic cluster are no campaign).
    new_account_share: float = 0.4
    new_account_authors: int = 5
    span_windows: int = 2  # an evidence-backed cluster counts its distinct authors over this many windows
    # Clusters of one campaign split by its edits: clusters that carry the same hashtag on most of their
    # members, with leaders this similar (estimated Jaccard), are judged together as one campaign when
    # together they hold most of the tag's uses; one alert per campaign tag (see `evidence`).
    link_similarity: float = 0.2
    link_max_clusters: int = 64  # a tag on more clusters than this in the window is not linked (cost bound)
    # A campaign tag must be a burst of that tag: its uses in the window against its uses per window over
    # the ``tag_lookback_ms`` before the window (counted in ``tag_bucket_ms`` buckets). An organic tag
    # used steadily (a regional account's tag, a slogan tag the chatter repeats) concentrated on a few
    # near-identical clusters is not a campaign tag however concentrated it is.
    tag_bucket_ms: int = 5 * 60_000
    tag_lookback_ms: int = 60 * 60_000
    burst_ratio: float = 3.0  # vs the cluster's own authors per window before the current one
    hate_threshold: float = 0.5  # cluster mean hate (or provocation) that makes the alert critical
    provocation_threshold: float = 0.5
    reorder_ms: int = 60_000  # posts are processed in event-time order this far behind the newest
    # Memory bound: fingerprinted posts held in the window at most (0: unbounded). About 2.1 KB each
    # for posts unlike any other (cluster, index entries, signature; docs/OPERATIONS.md "Memory"), far
    # less for copies: the default, ~1.1 GB of unrelated posts, holds a full 15-minute window up to
    # ~550 posts/s. Above it the oldest members leave early (counted as
    # `shed`): the window shrinks instead of the worker running out of memory, and campaigns slower
    # than the shrunken window are the ones it can miss.
    max_window_posts: int = 500_000
    examples: int = 5
    max_alerted_age_ms: int = _DAY_MS  # how long an alerted cluster's id is remembered after it ends
    seed: int = 0x5348_5548  # "SHUH": the MinHash family (changing it changes every cluster id)

    @classmethod
    def from_settings(cls, settings: Any) -> "CoordinationConfig":
        kw: dict[str, Any] = {}
        for name, attr, scale in (("window_ms", "coordination_window_s", 1000),
                                  ("min_authors", "coordination_min_authors", 1),
                                  ("min_tokens", "coordination_min_words", 1),
                                  ("reorder_ms", "coordination_reorder_s", 1000),
                                  ("max_window_posts", "coordination_max_window_posts", 1)):
            value = getattr(settings, attr, None)
            if value is not None:
                kw[name] = int(value * scale)
        return cls(**kw)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    sig: tuple[int, ...]  # MinHash values (empty: too short to fingerprint)
    hashtags: tuple[str, ...]  # lower-cased, without '#'
    repost: bool
    tokens: int  # distinct content tokens


def _family(cfg: CoordinationConfig) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(cfg.seed)
    k = cfg.bands * cfg.rows
    a = rng.integers(1, 2**63, size=k, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd multipliers
    b = rng.integers(0, 2**63, size=k, dtype=np.uint64)
    return a.reshape(-1, 1), b.reshape(-1, 1)


_FAMILIES: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}


def _read(text: str, hashtags: Iterable[str], repost: bool | None,
          cfg: CoordinationConfig) -> tuple[set[str], tuple[str, ...], bool]:
    """(content tokens, hashtags, repost) of a post's text."""
    low = text.lower()
    is_rt = low.lstrip().startswith("rt") and bool(_RT.match(low))
    tags = {h.lower().lstrip("#") for h in hashtags if isinstance(h, str) and h.strip("#")}
    body = _RT.sub(" ", low, count=1) if is_rt else low
    if "http" in body or "www." in body:
        body = _URL.sub(" ", body)
    if "@" in body:
        body = _MENTION.sub(" ", body)
    if "\\" in body or "&" in body:
        body = _ESCAPED.sub(" ", body)
    if "#" in body:
        tags.update(_HASHTAG.findall(body))
        body = _HASHTAG.sub(" ", body)
    toks = {t for t in _WORD.findall(body) if len(t) > 1 and t not in STOPWORDS and not t.isdigit()}
    return toks, tuple(sorted(tags)), bool(repost) or is_rt


def _fam(cfg: CoordinationConfig) -> tuple[np.ndarray, np.ndarray]:
    key = (cfg.seed, cfg.bands * cfg.rows)
    fam = _FAMILIES.get(key)
    if fam is None:
        fam = _FAMILIES[key] = _family(cfg)
    return fam


def fingerprint(text: str, hashtags: Iterable[str] = (), repost: bool | None = None,
                cfg: CoordinationConfig | None = None) -> Fingerprint:
    """The post's fingerprint; pure and deterministic. Never keeps the text."""
    return fingerprints([(text, hashtags, repost)], cfg)[0]


def fingerprints(items: Sequence[tuple[str, Iterable[str], bool | None]],
                 cfg: CoordinationConfig | None = None) -> list[Fingerprint]:
    """Fingerprints of a batch of (text, hashtags, repost): one vectorised MinHash for the whole
    batch (the per-call cost of numpy is most of a single post's), same values as one by one."""
    cfg = cfg or _DEFAULT
    read = [_read(t, h, r, cfg) for t, h, r in items]
    hashes: list[int] = []
    offsets: list[int] = []
    for toks, _, _ in read:
        if len(toks) >= cfg.min_tokens:
            offsets.append(len(hashes))
            hashes.extend(zlib.crc32(t.encode()) for t in toks)
    sigs: list[list[int]] = []
    if offsets:
        a, b = _fam(cfg)
        hs = np.array(hashes, dtype=np.uint64)
        sigs = np.minimum.reduceat((a * hs + b) >> np.uint64(40), offsets, axis=1).T.tolist()
    out: list[Fingerprint] = []
    it = iter(sigs)
    for toks, tags, rp in read:
        sig = tuple(next(it)) if len(toks) >= cfg.min_tokens else ()
        out.append(Fingerprint(sig, tags, rp, len(toks)))
    return out


_DEFAULT = CoordinationConfig()


@dataclass(frozen=True, slots=True)
class CoordPost:
    """What the detector needs of a post: no text (the fingerprint stands for it)."""

    key: str  # platform:id
    post_id: str
    event_ms: int
    author: str | None
    region: str
    # MinHash values: a tuple when fingerprinted here, an ``array('I')`` when read back from a record
    # (the reorder buffer holds tens of thousands while a worker catches up: ~1 KB each as a tuple of
    # ints, ~160 bytes as an array; both read the same).
    sig: Sequence[int]
    hashtags: tuple[str, ...]
    repost: bool
    hate: float
    provocation: float
    new_account: bool | None  # author_created_at within new_account_days, None when not sent
    followers: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"k": self.key, "i": self.post_id, "t": self.event_ms, "a": self.author, "r": self.region,
                "s": list(self.sig), "h": list(self.hashtags), "rp": self.repost, "ha": self.hate,
                "pv": self.provocation, "n": self.new_account, "f": self.followers}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "CoordPost":
        region = str(d.get("r") or UNKNOWN_REGION)
        author = shared_author(d.get("a"))
        try:
            sig = array("I", d.get("s") or ())
        except OverflowError as exc:  # not a MinHash value (uint32): an unreadable record, like a bad type
            raise ValueError(f"signature value out of range: {exc}") from None
        return cls(str(d["k"]), str(d["i"]), int(d["t"]), author, _REGION_STR.get(region, region),
                   sig, tuple(d.get("h") or ()), bool(d.get("rp")),
                   float(d.get("ha") or 0.0), float(d.get("pv") or 0.0), d.get("n"), d.get("f"))


# One shared string per region code: a member keeps its post's region for the whole window.
_REGION_STR: dict[str, str] = {code: code for code in (*REGION_CODES, UNKNOWN_REGION)}

# One record of ``posts-coordination`` carries a scoring batch's fingerprints (issue 12: every record is
# a trip through Faust's per-message machinery; one per post cost the worker about a sixth of its rate).
# A record holding one post's ``to_dict`` (written before format 1) still reads.
FINGERPRINTS_KIND = "fingerprints"
FINGERPRINTS_FORMAT = 1


def fingerprints_record(cps: Sequence[CoordPost]) -> dict[str, Any]:
    """The posts-coordination record for a batch of fingerprints, in batch order."""
    return {"kind": FINGERPRINTS_KIND, "fmt": FINGERPRINTS_FORMAT, "posts": [cp.to_dict() for cp in cps]}


def coord_posts_of(doc: Mapping[str, Any]) -> list[CoordPost]:
    """The fingerprints a posts-coordination record carries (a batch, or one post of the older format).
    Raises ValueError (or KeyError/TypeError) on a record it cannot read, a newer format included."""
    if doc.get("kind") == FINGERPRINTS_KIND:
        fmt = doc.get("fmt")
        if not isinstance(fmt, int) or not 1 <= fmt <= FINGERPRINTS_FORMAT:
            raise ValueError(f"fingerprints record of unknown format {fmt!r}")
        return [CoordPost.from_dict(d) for d in doc["posts"]]
    return [CoordPost.from_dict(doc)]


def _parse_ms(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        return None
    return int(dt.timestamp() * 1000)


def coord_post(sp: ScoredPost, cfg: CoordinationConfig | None = None) -> CoordPost:
    """The detector's view of a scored post (fingerprinted here; the text goes no further)."""
    return coord_posts([sp], cfg)[0]


def coord_posts(sps: Sequence[ScoredPost], cfg: CoordinationConfig | None = None) -> list[CoordPost]:
    """`coord_post` for a batch (one vectorised MinHash)."""
    cfg = cfg or _DEFAULT
    fps = fingerprints([(sp.post.text, _tags(sp.post.extra.get("hashtags")), sp.post.extra.get("is_repost") is True)
                        for sp in sps], cfg)
    return [_coord(sp, fp, cfg) for sp, fp in zip(sps, fps)]


def _tags(value: Any) -> Iterable[str]:
    return value if isinstance(value, list) else ()


def _coord(sp: ScoredPost, fp: Fingerprint, cfg: CoordinationConfig) -> CoordPost:
    p = sp.post
    extra = p.extra
    created = _parse_ms(extra.get("author_created_at"))
    new = None if created is None else (p.event_ms - created) <= cfg.new_account_days * _DAY_MS
    followers = extra.get("author_followers")
    followers = followers if isinstance(followers, int) and not isinstance(followers, bool) else None
    return CoordPost(p.dedup_key, str(p.id), p.event_ms, p.author, p.region, fp.sig, fp.hashtags, fp.repost,
                     float(sp.scores.get("hate", 0.0)), float(sp.scores.get("provocation", 0.0)), new, followers)


class _Members:
    """A cluster's members in the window, oldest first: a list with a head (a deque costs ~600
    bytes even for one member, and most clusters have one)."""

    __slots__ = ("items", "head")

    def __init__(self) -> None:
        self.items: list[tuple[Any, ...]] = []
        self.head = 0

    def append(self, m: tuple[Any, ...]) -> None:
        self.items.append(m)

    def oldest(self) -> tuple[Any, ...]:
        return self.items[self.head]

    def popleft(self) -> tuple[Any, ...]:
        m = self.items[self.head]
        self.head += 1
        if self.head == len(self.items):
            self.items.clear()
            self.head = 0
        elif self.head >= 32 and 2 * self.head >= len(self.items):
            del self.items[:self.head]
            self.head = 0
        return m

    def __len__(self) -> int:
        return len(self.items) - self.head

    def __bool__(self) -> bool:
        return len(self.items) > self.head

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return islice(self.items, self.head, None)


class _Cluster:
    __slots__ = ("cid", "first_ms", "last_ms", "members", "authors", "sigs", "tags", "sim_sum",
                 "reposts", "authors_ever", "seen_authors", "alerted", "known", "new", "new_authors", "hate", "prov", "recheck",
                 "echo", "remembered", "joined", "past")

    def __init__(self, cid: str, ms: int) -> None:
        self.cid = cid
        self.first_ms = ms
        self.last_ms = ms
        self.members = _Members()
        self.authors: dict[str, int] = {}  # in the window (plain dicts: a cluster is made per post)
        self.sigs: list[bytes] = []  # registered members' signatures, uint32 (index 0: the leader)
        # The band keys it put in the index are those of `sigs` (`_band_keys`), recomputed when needed
        # rather than kept: a list of 12 per cluster was ~150 bytes per post in the window.
        self.tags: Mapping[str, int] = _NO_TAGS  # hashtags of the members in the window (a dict once it has one)
        # Signature values equal to the leader's, summed over members in the window (an int: exact as
        # members come and go); over members x signature length, the mean estimated Jaccard to it.
        self.sim_sum = 0
        self.reposts = 0
        self.authors_ever = 0  # distinct authors since the cluster began (bounded by seen_authors)
        # Distinct authors seen: the one author while there is one (no set for most clusters, ~200 bytes
        # each), a set from the second, None once it outgrew 4,096 (then authors_ever only counts up).
        self.seen_authors: str | set[str] | None = None
        self.alerted = False
        self.known = 0  # members in the window whose account age is known
        self.new = 0  # ... and new
        self.new_authors: dict[str, int] | None = None  # distinct new-account authors in the window (posts each)
        self.hate = 0.0  # summed scores of the members in the window
        self.prov = 0.0
        self.recheck = 0  # distinct authors at which the evidence is judged again
        self.echo = False  # its first post resembled a phrase that recurred before (phrase memory)
        self.remembered = False  # its bands are in the phrase memory
        self.joined = 0  # members since the cluster began
        # Authors of members evicted from the window less than a window ago, oldest first (made at the
        # first such eviction): a campaign slower than the window keeps counting them (`span_authors`).
        self.past: deque[tuple[int, str]] | None = None


_NO_TAGS: Mapping[str, int] = MappingProxyType({})  # shared by every cluster without hashtags (read-only)


def _band_keys(sig: Sequence[int], bands: int, rows: int) -> list[int]:
    """The LSH index keys of a signature: one per band of ``rows`` values (the same for a tuple or an array)."""
    return [hash((i, *sig[i * rows:(i + 1) * rows])) for i in range(bands)]


def _count(kv: tuple[str, int]) -> int:
    return kv[1]


# A member, as the cluster keeps it (a tuple: a post costs ~200 bytes in the window, no text, no sig).
# _PID is the post id's length when the key ends with ":" + id (the usual ``platform:id``; no second
# string held), else the id itself; _SIM is the number of signature values equal to the leader's (an
# int below 257, so CPython's shared small ints: no float object per member).
_MS, _AUTHOR, _KEY, _PID, _REGION, _HATE, _PROV, _NEW, _FOL, _TAGS, _SIM = range(11)


# A member's hate and provocation, in thousandths: one shared float per value instead of two float
# objects per member (the alert reports cluster means to two decimals, four in its fields; the mean of
# rounded scores is within 0.0005 of the exact one).
_MILLIS: tuple[float, ...] = tuple(i / 1000 for i in range(1001))


def _milli(score: float) -> float:
    try:
        return _MILLIS[min(1000, max(0, round(score * 1000)))]
    except (ValueError, OverflowError):  # NaN or infinite: no record carries one (JSON has neither)
        return 0.0


def _pid_field(key: str, post_id: str) -> int | str:
    if type(post_id) is not str:  # as the records carry it (an int here would read as a length)
        post_id = str(post_id)
    n = len(post_id)
    return n if n and key.endswith(post_id) and key[-n - 1:-n] == ":" else post_id


def _member_pid(m: tuple[Any, ...]) -> str:
    pid = m[_PID]
    return m[_KEY][-pid:] if type(pid) is int else pid


class CoordinationDetector:
    """Fed scored posts (or `CoordPost`s) in any order within ``reorder_ms``; returns alerts.

    ``alerted`` is the durable mapping (cluster id -> {"s": status, "sev": severity, "k": member
    keys, "t": last event ms}); pass the recovered one after a restart.
    """

    def __init__(self, config: CoordinationConfig | None = None, alerted: dict[str, Any] | None = None,
                 *, phase_at: Callable[[int, str], str] | None = None,
                 region_name: Callable[[str], str] | None = None, external_clock: bool = False) -> None:
        self.cfg = config or CoordinationConfig()
        # External clock (the worker): posts are released by `advance_watermark` (the low mark over
        # the input partitions, minus the reorder delay), never by the newest event seen, which one
        # fast partition can run ahead of. Own clock (backtest: input in event-time order): the newest
        # event time fed, minus the reorder delay. Either way, posts are processed in event-time order.
        self._external = external_clock
        self.alerted: dict[str, Any] = alerted if alerted is not None else {}
        self._phase_at = phase_at
        self._region_name = region_name
        self._index: dict[int, tuple[_Cluster, int]] = {}  # band key -> (cluster, registered slot), last wins
        self._tags: Counter[str] = Counter()  # hashtags of every fingerprinted post in the window
        self._tag_clusters: dict[str, set[_Cluster]] = {}  # hashtag -> clusters with it in the window
        # hashtag -> [last bucket index, uses per bucket (a ring of _ring buckets)]: the tag's recent history
        # (`_tag_burst`); tags unused for a ring's span are dropped at each new bucket (bounded).
        self._ring = (self.cfg.tag_lookback_ms + self.cfg.window_ms) // self.cfg.tag_bucket_ms + 2
        self._tag_hist: dict[str, list[int]] = {}
        self._tag_bucket = -1
        # campaign tag -> (alerted cluster id, event ms of its alert): one alert per campaign tag while
        # that cluster lives (or for span_windows windows), whatever clusters its copies went to.
        self._tag_fired: dict[str, tuple[str, int]] = {}
        # Phrase memory: bands of clusters that recurred (>= phrase_authors authors), for a day. A new
        # cluster that starts like one of them is an echo of a known phrase (a template, a slogan, a
        # copypasta coming back in a variant): without hard evidence it is never a campaign.
        self._phrases: dict[int, int] = {}
        self._clusters: dict[str, _Cluster] = {}
        # The cluster of each joined member, in processing (event-time) order: that member is its cluster's
        # oldest when it reaches the front, so its time is read there (a tuple each cost ~40 MiB at 500k).
        self._order: deque[_Cluster] = deque()
        self._origin: int | None = None  # the first event time processed (cold start or replay)
        # The reorder buffer (a heap): event time, key, then arrival, so two records of one post never
        # compare their `CoordPost`s (which have no order).
        self._pending: list[tuple[int, str, int, CoordPost]] = []
        self._arrivals = 0
        self._seen: dict[str, int] = {}  # post key -> event ms, within the window (dedup)
        self._seen_order: deque[str] = deque()  # the keys of `_seen`, in processing (event-time) order
        self._member_of: dict[str, str] = {}  # member key -> alerted cluster id (adoption on recovery)
        self._clock = 0  # the newest event time fed
        self._done = 0  # the event time processed up to
        self.changed: set[str] = set()  # alerted ids changed since the last drain (for the changelog)
        self.stats: Counter[str] = Counter()
        for cid, st in self.alerted.items():
            for k in st.get("k", ()):
                self._member_of[k] = cid
            if isinstance(st.get("g"), str):
                self._tag_fired[st["g"]] = (cid, int(st.get("t", 0)))

    # ------------------------------------------------------------------ input
    def feed(self, post: ScoredPost | CoordPost) -> list[Alert]:
        cp = post if isinstance(post, CoordPost) else coord_post(post, self.cfg)
        if cp.event_ms > self._clock:
            self._clock = cp.event_ms
        self._arrivals += 1
        heapq.heappush(self._pending, (cp.event_ms, cp.key, self._arrivals, cp))
        return self._release(self._done if self._external else self._clock - self.cfg.reorder_ms)

    def advance_watermark(self, watermark_ms: int) -> list[Alert]:
        """The input's watermark moved (external clock): process what is now in order."""
        return self._release(watermark_ms - self.cfg.reorder_ms)

    def flush(self) -> list[Alert]:
        """Process everything buffered (end of a backtest); does not resolve open clusters."""
        return self._release(self._clock)

    def advance(self, event_ms: int) -> list[Alert]:
        """Move the clock without a post (an idle input): releases, evicts, resolves."""
        if event_ms > self._clock:
            self._clock = event_ms
        return self._release(max(self._done, self._clock - self.cfg.reorder_ms))

    def _release(self, upto: int) -> list[Alert]:
        out: list[Alert] = []
        pend = self._pending
        while pend and pend[0][0] <= upto:
            cp = heapq.heappop(pend)[3]
            out.extend(self._process(cp))
        if upto > self._done:
            self._done = upto
            out.extend(self._evict(upto))
        return out

    # ------------------------------------------------------------------ core
    def _process(self, cp: CoordPost) -> list[Alert]:
        st = self.stats
        # Nothing to compare, so nothing to deduplicate: not remembered in `_seen` (a redelivered or a
        # too-late short post counts as "short" too).
        if not cp.sig:
            st["short"] += 1
            return self._evict(cp.event_ms) if cp.event_ms > self._done else []
        if cp.key in self._seen:
            st["duplicates"] += 1
            return []
        if cp.event_ms < self._done - self.cfg.window_ms:
            st["too_late"] += 1
            return []
        self._seen[cp.key] = cp.event_ms
        self._seen_order.append(cp.key)
        out = self._evict(cp.event_ms) if cp.event_ms > self._done else []
        cfg = self.cfg
        r = cfg.rows
        sig = cp.sig
        keys = _band_keys(sig, cfg.bands, r)
        best: _Cluster | None = None
        best_sim = 0.0
        index = self._index
        tried: set[tuple[int, int]] = set()
        k_ = len(sig)
        eq = operator.eq
        near_big = False  # a band shared with a recurring cluster it did not join (a variant of it)
        for k in keys:
            hit = index.get(k)
            if hit is None:
                continue
            c, slot = hit
            if c.remembered:
                near_big = True
            t = (id(c), slot)
            if t in tried:
                continue
            tried.add(t)
            s = sum(map(eq, c.sigs[slot], sig)) / k_
            # ... and near enough the leader too, so unrelated posts cannot chain into one cluster.
            if s >= cfg.min_similarity and s > best_sim and (
                    slot == 0 or sum(map(eq, c.sigs[0], sig)) / k_ >= cfg.min_leader_similarity):
                best, best_sim = c, s
        if cp.repost:
            st["reposts"] += 1
            if best is not None:
                best.reposts += 1
            return out
        if best is None:
            cid = self._member_of.get(cp.key) or "c" + hashlib.sha1(cp.key.encode()).hexdigest()[:16]
            best = self._clusters.get(cid)
            if best is None:
                best = self._clusters[cid] = _Cluster(cid, cp.event_ms)
                phrases = self._phrases
                best.echo = near_big or any(k in phrases for k in keys)
                if cid in self.alerted:
                    best.alerted = True
                st["clusters"] += 1
        elif best.cid not in self.alerted:
            adopted = self._member_of.get(cp.key)
            if adopted is not None and adopted not in self._clusters:
                self._rename(best, adopted)
        st["fingerprinted"] += 1
        if self._origin is None:
            self._origin = cp.event_ms
        c = best
        sim_leader = k_ if not c.sigs else sum(map(eq, c.sigs[0], sig))  # values equal to the leader's
        if len(c.sigs) < cfg.max_registered:
            slot = len(c.sigs)
            c.sigs.append(sig if type(sig) is array else array("I", sig))
            entry = (c, slot)
            for k in keys:
                index[k] = entry
        if cp.hashtags:
            self._count_tags(cp.hashtags, cp.event_ms)
        c.joined += 1
        hate, prov = _milli(cp.hate), _milli(cp.provocation)
        c.members.append((cp.event_ms, cp.author, cp.key, _pid_field(cp.key, cp.post_id), cp.region, hate, prov,
                          cp.new_account, cp.followers, cp.hashtags, sim_leader))
        c.last_ms = max(c.last_ms, cp.event_ms)
        c.sim_sum += sim_leader
        c.hate += hate
        c.prov += prov
        if cp.new_account is not None:
            c.known += 1
            if cp.new_account:
                c.new += 1
                if cp.author is not None:
                    na = c.new_authors
                    if na is None:
                        na = c.new_authors = {}
                    na[cp.author] = na.get(cp.author, 0) + 1
        if cp.hashtags:
            tags = c.tags
            if tags is _NO_TAGS:
                tags = c.tags = {}
            for t in cp.hashtags:
                n_t = tags.get(t, 0)
                if not n_t:
                    self._tag_clusters.setdefault(t, set()).add(c)
                tags[t] = n_t + 1
        a = cp.author
        if a is not None:
            c.authors[a] = c.authors.get(a, 0) + 1
            seen = c.seen_authors
            if c.authors_ever == 0:
                c.authors_ever = 1
                c.seen_authors = a
            elif seen is None:  # a long-lived phrase: keep counting, stop remembering
                c.authors_ever += 1
            elif type(seen) is str:
                if a != seen:
                    c.authors_ever += 1
                    c.seen_authors = {seen, a}
            elif a not in seen:
                c.authors_ever += 1
                seen.add(a)
                if len(seen) > 4096:
                    c.seen_authors = None
        self._order.append(c)
        cap = cfg.max_window_posts
        if cap and len(self._order) > cap:
            out.extend(self._evict(self._done, cap))
        if not c.remembered and len(c.authors) >= cfg.phrase_authors:
            self._remember(c, cp.event_ms)
        out.extend(self._judge(c, cp.event_ms))
        return out

    def _count_tags(self, tags: tuple[str, ...], ms: int) -> None:
        """Count a post's hashtags: in the window (`_tags`) and in the tag's bucket history."""
        b = ms // self.cfg.tag_bucket_ms
        ring = self._ring
        hist = self._tag_hist
        if b > self._tag_bucket:  # a new bucket: forget the tags unused for a whole ring (bounded)
            self._tag_bucket = b
            for t in [t for t, h in hist.items() if h[0] <= b - ring]:
                del hist[t]
        for t in tags:
            self._tags[t] += 1
            h = hist.get(t)
            if h is None:
                h = hist[t] = [b] + [0] * ring
            elif b > h[0]:
                for i in range(h[0] + 1, min(b, h[0] + ring) + 1):
                    h[1 + i % ring] = 0
                h[0] = b
            if b > h[0] - ring:
                h[1 + b % ring] += 1

    def _tag_burst(self, t: str, now: int) -> bool:
        """Whether hashtag ``t`` is a burst now: its uses in the window (``now`` - window_ms, now] at least
        ``burst_ratio`` x its uses per window over the ``tag_lookback_ms`` before the window (a new tag
        has none). Not judged (False) before the detector has seen a window of history before the
        window: after a cold start or a restart, every tag would look new."""
        cfg = self.cfg
        h = self._tag_hist.get(t)
        if h is None:
            return False
        bm = cfg.tag_bucket_ms
        ring = self._ring
        start_b = (now - cfg.window_ms) // bm  # the bucket the window starts in (counted as the window's)
        seen_ms = (now - cfg.window_ms) - (self._origin if self._origin is not None else now)
        if seen_ms < cfg.window_ms:
            return False
        look_b = min(cfg.tag_lookback_ms, seen_ms) // bm
        last = h[0]
        before = inside = 0
        for i in range(max(start_b - look_b, last - ring + 1), last + 1):
            if i < start_b:
                before += h[1 + i % ring]
            else:
                inside += h[1 + i % ring]
        per_window = before * cfg.window_ms / max(bm, look_b * bm)
        return inside > cfg.burst_ratio * per_window

    def _remember(self, c: _Cluster, now: int) -> None:
        """Put a recurring phrase's bands in the phrase memory (bounded: oldest out first)."""
        c.remembered = True
        phrases = self._phrases
        for k in self._bands_of(c):
            phrases.pop(k, None)
            phrases[k] = now
        cap = self.cfg.phrase_memory
        if len(phrases) > cap:
            horizon = now - self.cfg.phrase_memory_ms
            drop = [k for k, t in phrases.items() if t < horizon] or list(phrases)[: len(phrases) - cap // 2]
            for k in drop:
                del phrases[k]

    def _rename(self, c: _Cluster, cid: str) -> None:
        del self._clusters[c.cid]
        c.cid = cid
        c.alerted = cid in self.alerted
        self._clusters[cid] = c

    def _evict(self, now: int, cap: int = 0) -> list[Alert]:
        """Members older than the window leave it; with ``cap``, also the oldest beyond ``cap`` members
        (the memory bound, `CoordinationConfig.max_window_posts`; deterministic: it depends only on the
        posts processed, so live = backtest still holds)."""
        horizon = now - self.cfg.window_ms
        span_ms = (self.cfg.span_windows - 1) * self.cfg.window_ms
        out: list[Alert] = []
        order = self._order
        while order and (order[0].members.oldest()[_MS] <= horizon or (cap and len(order) > cap)):
            c = order.popleft()
            m = c.members.popleft()
            if m[_MS] > horizon:
                self.stats["shed"] += 1
            c.sim_sum -= m[_SIM]
            c.hate -= m[_HATE]
            c.prov -= m[_PROV]
            if m[_NEW] is not None:
                c.known -= 1
                if m[_NEW]:
                    c.new -= 1
                    na = c.new_authors
                    if na is not None and m[_AUTHOR] in na:
                        k_ = na[m[_AUTHOR]] - 1
                        if k_:
                            na[m[_AUTHOR]] = k_
                        else:
                            del na[m[_AUTHOR]]
            for t in m[_TAGS]:
                n = c.tags[t] - 1
                if n:
                    c.tags[t] = n
                else:
                    del c.tags[t]
                    holders = self._tag_clusters.get(t)
                    if holders is not None:
                        holders.discard(c)
                        if not holders:
                            del self._tag_clusters[t]
                n = self._tags[t] - 1
                if n > 0:
                    self._tags[t] = n
                else:
                    del self._tags[t]
            a = m[_AUTHOR]
            if a is not None:
                n = c.authors[a] - 1
                if n:
                    c.authors[a] = n
                else:
                    del c.authors[a]
            if not c.members:
                out.extend(self._drop(c, now))
            elif a is not None and span_ms:
                past = c.past
                if past is None:
                    past = c.past = deque()
                past.append((m[_MS], a))
                while past and past[0][0] <= horizon - span_ms:  # bounded: one window of evicted members
                    past.popleft()
        seen, so = self._seen, self._seen_order
        forget = horizon - self.cfg.reorder_ms
        while so and seen.get(so[0], forget) <= forget:
            seen.pop(so.popleft(), None)
        return out

    def _bands_of(self, c: _Cluster) -> list[int]:
        """The band keys ``c`` put in the index: those of its registered signatures, in order."""
        cfg = self.cfg
        return [k for sig in c.sigs for k in _band_keys(sig, cfg.bands, cfg.rows)]

    def _drop(self, c: _Cluster, now: int) -> list[Alert]:
        for k in self._bands_of(c):
            hit = self._index.get(k)
            if hit is not None and hit[0] is c:
                del self._index[k]
        self._clusters.pop(c.cid, None)
        out: list[Alert] = []
        now = c.last_ms + self.cfg.window_ms  # when it ended, whenever the clock noticed (deterministic)
        state = self.alerted.get(c.cid)
        if state is not None and state.get("s") == "firing":
            state = dict(state, s="resolved", t=now)
            self.alerted[c.cid] = state
            self.changed.add(c.cid)
            out.append(self._alert(c, state, "resolved", now))
        # Forget alerted clusters long over (bounded durable state).
        if self.alerted and len(self.alerted) % 64 == 0:
            for cid in [k for k, s in self.alerted.items()
                        if s.get("s") == "resolved" and s.get("t", 0) < now - self.cfg.max_alerted_age_ms]:
                for k in self.alerted.pop(cid).get("k", ()):
                    self._member_of.pop(k, None)
                self.changed.add(cid)
        return out

    # ------------------------------------------------------------------ decision
    def span_authors(self, c: _Cluster) -> int:
        """Distinct authors over the cluster's last ``span_windows`` windows: those in the window, and
        those of members evicted less than (span_windows - 1) windows ago (a campaign slower than the
        window: 20 accounts over 25 minutes never has 10 in one 15-minute window)."""
        past = c.past
        if not past:
            return len(c.authors)
        horizon = c.last_ms - self.cfg.span_windows * self.cfg.window_ms
        while past and past[0][0] <= horizon:
            past.popleft()
        authors = c.authors
        return len(authors) + len({a for _, a in past if a not in authors})

    def evidence(self, c: _Cluster) -> dict[str, Any]:
        cfg = self.cfg
        n = len(c.members)
        authors = len(c.authors)
        # A campaign tag: on most members, and most of its uses in the window are in this cluster
        # (#Pemilu2024 is on many clusters: it says nothing).
        tag_share = 0.0
        tag: str | None = None
        group: list[_Cluster] = [c]
        for t, cnt in heapq.nlargest(3, c.tags.items(), key=_count):
            if not n or cnt < cfg.hashtag_share * n:
                continue
            uses = self._tags.get(t, cnt)
            if not self._tag_burst(t, c.last_ms):
                continue  # a tag in steady use (organic): its concentration here is no campaign
            if cnt >= cfg.hashtag_share * uses:
                if cnt / n > tag_share:
                    tag_share, tag, group = cnt / n, t, [c]
                continue
            # Split by its edits: the clusters that carry this tag on most members and start like this
            # one hold most of its uses together (a tag shared by unrelated chatter is on many others).
            linked = self._linked(c, t)
            if len(linked) > 1 and sum(g.tags.get(t, 0) for g in linked) >= cfg.hashtag_share * uses \
                    and cnt / n > tag_share:
                tag_share, tag, group = cnt / n, t, linked
        # New accounts by distinct author, over all the cluster's authors in the window (unknown age =
        # not new): a few new-account copies inside an organic cluster whose other authors' age is
        # unknown are not a share of it, nor are one new account's repeated posts.
        new_auth = len(c.new_authors) if c.new_authors else 0
        new_share = new_auth / len(c.authors) if c.known and c.authors else None
        tight = n > 0 and c.sim_sum / (n * cfg.bands * cfg.rows) >= cfg.tight_similarity
        # Near-identical text from many accounts is no evidence by itself: templates (share buttons,
        # quote formats, a quick-count evening's chatter), copypasta and slogans are near-identical
        # too, and as fast as a campaign (tests/unit/test_debate_night.py: ~27 templates at ~12
        # accounts a minute each). Without a campaign hashtag or new accounts, never a campaign.
        strong = tag_share >= cfg.hashtag_share or (new_share is not None and new_share >= cfg.new_account_share
                                                    and new_auth >= cfg.new_account_authors)
        need = cfg.min_authors if strong else 1 << 30
        window_start = c.last_ms - cfg.window_ms
        # Linked clusters are one phrase: judged by the oldest of them and their authors together (a
        # template under its own hashtag, steady all day, is no burst however many clusters it makes).
        first_ms, ever = c.first_ms, c.authors_ever
        if len(group) > 1:
            first_ms = min(g.first_ms for g in group)
            ever = sum(g.authors_ever for g in group)
            authors = sum(len(g.authors) for g in group)
        age = window_start - first_ms
        if self._origin is not None and first_ms < self._origin + cfg.window_ms and age < cfg.window_ms:
            # Born in the first window this detector saw: it may be an old phrase whose past we did not
            # see (cold start, or the replay after a restart). Judged only once its own baseline exists.
            need = 1 << 30
        elif age >= cfg.window_ms:
            # A burst against the phrase's own baseline, judged on the window: its authors in the
            # window against its authors per window before it.
            before = max(0, ever - authors)
            baseline = before / (age / cfg.window_ms)
            if authors <= int(baseline * cfg.burst_ratio):
                need = 1 << 30
        if strong and need < 1 << 30:
            # K distinct authors over the last `span_windows` windows: a campaign slower than the window
            # (and over all the linked clusters of its tag)
            authors = self.span_authors(c) if len(group) == 1 else self.group_authors(group)
        return {"authors": authors, "need": need, "tight": tight, "tag_share": tag_share, "new_share": new_share,
                "echo": c.echo, "tag": tag if tag_share >= cfg.hashtag_share else None, "linked": len(group)}

    def _linked(self, c: _Cluster, t: str) -> list[_Cluster]:
        """Clusters carrying hashtag ``t`` on most of their members whose leader is near ``c``'s leader
        (``link_similarity``): copies of one message that the edits split. Bounded by
        ``link_max_clusters``."""
        holders = self._tag_clusters.get(t)
        if not holders or len(holders) > self.cfg.link_max_clusters or not c.sigs:
            return [c]
        lead = c.sigs[0]
        k_ = len(lead)
        share = self.cfg.hashtag_share
        out = [c]
        for g in holders:
            if g is c or not g.sigs or g.tags.get(t, 0) < share * len(g.members):
                continue
            if sum(map(operator.eq, g.sigs[0], lead)) / k_ >= self.cfg.link_similarity:
                out.append(g)
        return out

    def group_authors(self, group: Sequence[_Cluster]) -> int:
        """Distinct authors over the linked clusters' last ``span_windows`` windows."""
        seen: set[str] = set()
        for g in group:
            self.span_authors(g)  # trims its past
            seen.update(g.authors)
            if g.past:
                seen.update(a for _, a in g.past)
        return len(seen)

    def _link_candidate(self, c: _Cluster) -> bool:
        """A cluster of 2+ authors whose main hashtag is on most of its members and on other clusters
        too (bounded): it may be part of a campaign split by edits, judged with its linked clusters."""
        if len(c.authors) < 2 or not c.tags:
            return False
        t, cnt = max(c.tags.items(), key=_count)
        if cnt < self.cfg.hashtag_share * len(c.members):
            return False
        holders = self._tag_clusters.get(t)
        return holders is not None and 1 < len(holders) <= self.cfg.link_max_clusters

    def _severity(self, c: _Cluster) -> str:
        n = len(c.members) or 1
        hate = c.hate / n
        prov = c.prov / n
        return "critical" if hate >= self.cfg.hate_threshold or prov >= self.cfg.provocation_threshold else "warning"

    def _judge(self, c: _Cluster, now: int) -> list[Alert]:
        k = self.cfg.min_authors
        link = self._link_candidate(c)
        if not link and len(c.authors) < k and (
                not c.past or len(c.authors) + len(c.past) < k or self.span_authors(c) < k):
            return []
        state = self.alerted.get(c.cid)
        if state is not None and state.get("s") == "firing":
            if state.get("sev") == "warning" and self._severity(c) == "critical":
                state = dict(state, sev="critical", t=now)
                self.alerted[c.cid] = state
                self.changed.add(c.cid)
                return [self._alert(c, state, "firing", now)]
            return []
        if state is not None:  # resolved long ago and back: the same campaign, a new incident
            if c.alerted:
                return []
        n_auth = len(c.authors) + (len(c.past) if c.past else 0)
        if not link and n_auth < c.recheck and len(c.members) % 32:
            return []  # nothing that could change the verdict much: not judged on every post
        ev = self.evidence(c)
        if ev["authors"] < ev["need"]:
            c.recheck = min(ev["need"], n_auth + 4)
            return []
        tag = ev.get("tag")
        if tag is not None:
            fired = self._tag_fired.get(tag)
            if fired is not None and fired[0] != c.cid and (
                    fired[0] in self._clusters or now - fired[1] < self.cfg.span_windows * self.cfg.window_ms):
                self.stats["linked_suppressed"] += 1
                return []  # another cluster of a campaign already alerted under this tag
        keys = [m[_KEY] for m in c.members][:64]
        state = {"s": "firing", "sev": self._severity(c), "k": keys, "t": now, "f": now}
        if tag is not None:
            state["g"] = tag
            self._tag_fired[tag] = (c.cid, now)
            if len(self._tag_fired) > 4096:
                horizon = now - self.cfg.max_alerted_age_ms
                for t_ in [t_ for t_, (_, ms) in self._tag_fired.items() if ms < horizon]:
                    del self._tag_fired[t_]
            if ev.get("linked", 1) > 1:
                self.stats["alerts_linked"] += 1
        alert = self._alert(c, state, "firing", now)
        state["d"] = alert.coordination  # what the resolution reports, with the final counts
        state["e"] = list(alert.example_post_ids)
        self.alerted[c.cid] = state
        c.alerted = True
        for k in keys:
            self._member_of[k] = c.cid
        self.changed.add(c.cid)
        self.stats["alerts"] += 1
        return [alert]

    def _alert(self, c: _Cluster, state: Mapping[str, Any], status: str, now: int) -> Alert:
        cfg = self.cfg
        members = list(c.members)
        n = len(members) or 1
        hate = round(sum(m[_HATE] for m in members) / n, 4)
        prov = round(sum(m[_PROV] for m in members) / n, 4)
        provinces = Counter(m[_REGION] for m in members if m[_REGION] != UNKNOWN_REGION)
        known = [m[_NEW] for m in members if m[_NEW] is not None]
        new_share = round(sum(known) / len(known), 4) if known else None
        fol = sorted(m[_FOL] for m in members if m[_FOL] is not None)
        authors = len(c.authors) if status == "firing" else c.authors_ever
        first = min((m[_MS] for m in members), default=c.first_ms)
        last = max((m[_MS] for m in members), default=c.last_ms)
        severity = state.get("sev") or "warning"
        dedup = f"suhu:{SIGNAL}:{c.cid}"
        aid = hashlib.sha256(f"{dedup}|{status}|{severity}".encode()).hexdigest()[:32]
        tags = [t for t, _ in sorted(c.tags.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]
        if status == "resolved" and state.get("d"):
            # The campaign as it ended: its totals since it began (its window is empty by now).
            details = dict(state["d"], size=c.joined, distinct_authors=c.authors_ever, reposts=c.reposts,
                           last_seen=format_rfc3339(c.last_ms))
            members = []
            first, last = c.first_ms, c.last_ms
        else:
            details = None
        details = details or {
            "cluster_id": c.cid,
            "size": len(members),
            "distinct_authors": authors,
            "reposts": c.reposts,
            "new_account_share": new_share,
            "median_followers": fol[len(fol) // 2] if fol else None,
            "provinces": dict(sorted(provinces.items())),
            "first_seen": format_rfc3339(first),
            "last_seen": format_rfc3339(last),
            "top_hashtags": tags,
            "mean_scores": {"hate": hate, "provocation": prov},
        }
        np_ = len(provinces)
        tag_txt = (" #" + " #".join(tags[:3])) if tags else ""
        new_id = f", {new_share * 100:.0f}% akun baru" if new_share is not None else ""
        new_en = f", {new_share * 100:.0f}% new accounts" if new_share is not None else ""
        mins = f"{max(1.0, (last - first) / 60000):.0f}"
        if status == "resolved":
            sid = f"Kampanye terkoordinasi {c.cid} berakhir: tidak ada unggahan baru selama {cfg.window_ms // 60000} menit."
            sen = f"Coordinated campaign {c.cid} is over: no new posts for {cfg.window_ms // 60000} minutes."
        else:
            sid = (f"Kampanye terkoordinasi: {len(members)} unggahan hampir sama dari {authors} akun di {np_} provinsi"
                   f" dalam {mins} menit{new_id}{tag_txt}; rata-rata skor kebencian {hate:.2f}, provokasi {prov:.2f}.")
            sen = (f"Coordinated campaign: {len(members)} near-identical posts from {authors} accounts in {np_} "
                   f"provinces within {mins} min{new_en}{tag_txt}; mean hate {hate:.2f}, provocation {prov:.2f}.")
        phase = self._phase_at(first, NATIONAL_REGION) if self._phase_at else "unknown"
        return Alert(
            alert_id=aid, dedup_key=dedup, status=status, severity=severity,
            region=NATIONAL_REGION, region_name=NATIONAL_NAME, signal=SIGNAL,
            value=float(authors), threshold=float(cfg.min_authors), baseline=None,
            window_start=format_rfc3339(first), window_end=format_rfc3339(last), phase=phase,
            post_count=len(members) if status == "firing" else c.joined, author_count=authors,
            example_post_ids=tuple(_member_pid(m) for m in members[:cfg.examples]) if members else tuple(
                state.get("e", ())),
            summary_id=sid, summary_en=sen, emitted_at=format_rfc3339(now),
            coordination=details,
        )

    # ------------------------------------------------------------------ introspection
    def snapshot(self) -> dict[str, Any]:
        """Bounded numbers for metrics: never ids, authors or hashtags."""
        largest = max((len(c.authors) for c in self._clusters.values()), default=0)
        firing = sum(1 for s in self.alerted.values() if s.get("s") == "firing")
        return {"clusters": len(self._clusters), "index": len(self._index), "buffered": len(self._pending),
                "window_posts": len(self._order), "largest_authors": largest, "firing": firing,
                "clock_ms": self._done}

    def drain_changed(self) -> list[tuple[str, Any]]:
        out = [(cid, self.alerted.get(cid)) for cid in sorted(self.changed)]
        self.changed.clear()
        return out


def annotations(alert: Alert) -> dict[str, str]:
    """Alertmanager annotations of a coordination alert (strings; no text, no author)."""
    d = alert.coordination or {}
    ms = d.get("mean_scores") or {}
    share = d.get("new_account_share")
    return {
        "cluster_id": str(d.get("cluster_id", "")),
        "cluster_size": str(d.get("size", "")),
        "distinct_authors": str(d.get("distinct_authors", "")),
        "new_account_share": "" if share is None else format_number(share),
        "provinces": ",".join(d.get("provinces") or ()),
        "first_seen": str(d.get("first_seen", "")),
        "last_seen": str(d.get("last_seen", "")),
        "top_hashtags": ",".join("#" + t for t in d.get("top_hashtags") or ()),
        "mean_hate": format_number(ms.get("hate")),
        "mean_provocation": format_number(ms.get("provocation")),
    }
