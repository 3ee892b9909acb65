"""Which debunked claim a post repeats, how closely, and whether it spreads or debunks it.

Pure and in memory (no Kafka): the scoring stage, `suhu score`, `suhu backtest` and
`suhu claims match` all use this class. Method (measured against MinHash-LSH candidates in
docs/HOAXES.md):

1. **Normalise** both sides the same way: `models.normalize.normalize_plain` (slang, leetspeak,
   repeated letters), function words dropped, a light Indonesian affix strip (``dicoblos`` /
   ``tercoblos`` / ``mencoblos`` -> ``coblos``) so edited quotes keep their words.
2. **Candidates** from an inverted index: claims sharing a word bigram with the post, or a word that
   is rare in the catalogue (document frequency under a cap), scored by the IDF mass they share.
   Dictionary lookups only: the cost grows with the post's length, not the catalogue's size.
3. **Re-rank** the best candidates by similarity: the IDF-weighted *containment* of the claim's words
   in the post (an edited copy keeps most of them), the share of the claim's bigrams found in order,
   and, for a partial quote with commentary, the share of the post's own content that comes from the
   claim, needing a minimum of shared rare words so a civil post on the same topic does not match.
4. **Stance**: debunking cues (hoaks, cek fakta, tidak benar, a fact-check link, ...) that are *not*
   part of the claim's own text make the post a debunk; ``bukan hoaks`` ("not a hoax") does not.

`known_hoax` = the calibrated similarity for a post that spreads the claim (0.5 = the match
threshold), and a small share of it for a post that debunks it, so the regional signal counts
spreading only while the post still carries its claim id and stance.

Why one long module: the fast matcher and its plain reference (`_match_reference`) sit side by side,
so a change to one is made next to the other; tests/unit/test_claim_index_fast.py holds them equal.
"""

from __future__ import annotations

import heapq
import math
import re
import threading
from dataclasses import dataclass
from typing import Iterable, Sequence

from models.normalize import normalize_plain
from streams.core.claims import Claim

__all__ = ["ClaimIndex", "ClaimMatch", "STANCES", "tokens", "MATCH_THRESHOLD", "stance_of"]

STANCES = ("spreading", "debunking")
MATCH_THRESHOLD = 0.5  # known_hoax at or over this: the post repeats the claim (the decision threshold)
DEBUNK_FACTOR = 0.2  # a debunking post keeps this share of its similarity as known_hoax
MAX_SCORED_CHARS = 4000  # a post is matched on its first 4,000 characters (bounded cost)
CANDIDATES = 8  # candidates re-ranked per post

_STOP = frozenset("""
yang di ke dari dan atau ini itu untuk dengan pada dalam akan sudah telah adalah ada juga
sebagai oleh karena agar supaya saat ketika jika kalau tapi tetapi namun lalu serta bagi para pun
si sang nya lah kah dong deh sih kok ya yah nih tuh loh lho aja saja kan kita kami saya aku kamu kalian
mereka dia ia anda gue gua lo lu jadi masih lagi baru sangat banget amat sekali semua setiap tiap
apa siapa mana bagaimana kenapa mengapa begitu begini sama juga hanya cuma url user q_kutip
""".split()) | {"!", "?"}
_PREFIXES = ("meng", "meny", "mem", "men", "me", "peng", "peny", "pem", "pen", "ber", "ter", "di", "ng")  # ng: slang (ngatur)
_SUFFIXES = ("nya", "lah", "kah", "kan", "an")

# Debunking cues, over the normalised text (a fact-check link is checked on the raw text).
_DEBUNK = re.compile(
    r"\b(?:hoaks|hoax|hoaxs|hoks|hoak|cek fakta|cekfakta|periksa fakta|faktanya|fakta nya|hasil cek|"
    r"tidak benar|tak benar|tidak terbukti|tak terbukti|bukan fakta|keliru|menyesatkan|disinformasi|"
    r"misinformasi|klarifikasi|mengklarifikasi|dibantah|membantah|bantahan|menampik|dipelintir|"
    r"jangan (?:mudah |langsung )?percaya|jangan (?:ikut )?(?:di)?sebar\w*|jangan ikut menyebarkan|"
    r"waspada penipuan|awas penipuan|penipuan|kabar bohong|berita bohong|fitnah|turnbackhoax|mafindo|"
    r"salah|suntingan|hasil editan|rekayasa digital|konteks(?:nya)? (?:salah|berbeda|lain)|kejadian lama)\b"
)
# "Not a hoax", "this is a fact": the post insists the claim is true.
_NOT_DEBUNK = re.compile(r"\b(?:bukan (?:hoaks|hoax|hoaxs|hoks|fitnah)|ini fakta|fakta bukan hoaks|"
                         r"katanya (?:hoaks|hoax) (?:tapi|padahal))\b")
_FACTCHECK_HOSTS = (
    "turnbackhoax.id", "cekfakta.com", "cekfakta.tempo.co", "kominfo.go.id", "komdigi.go.id",
    "factcheck.afp.com", "kompas.com/cekfakta", "cek-fakta", "cekfakta", "mafindo",
)
_URL = re.compile(r"(?:https?://|www\.)([^\s/]+)(\S*)", re.IGNORECASE)


def _stem(word: str) -> str:
    if len(word) <= 4 or not word.isalpha():
        return word
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            word = word[: -len(suf)]
            break
    for pre in _PREFIXES:
        if word.startswith(pre) and len(word) - len(pre) >= 4:
            return word[len(pre):]
    return word


_STEM_CACHE: dict[str, str] = {}


def tokens(normalized: str) -> list[str]:
    """The content words of a normalised text, affix-stripped, in order."""
    out = []
    cache = _STEM_CACHE
    for w in normalized.split():
        if w in _STOP or len(w) < 2:
            continue
        s = cache.get(w)
        if s is None:
            s = _stem(w)
            if len(cache) < 200_000:
                cache[w] = s
        out.append(s)
    return out


def _bigrams(toks: Sequence[str]) -> set[str]:
    return {f"{a} {b}" for a, b in zip(toks, toks[1:])}


def stance_of(normalized: str, raw: str, claim_words: Iterable[str] = (), debunk_hosts: Iterable[str] = ()) -> tuple[str, str | None]:
    """("spreading" | "debunking", the cue that decided it, or None)."""
    own = claim_words if isinstance(claim_words, (set, frozenset)) else set(claim_words)
    for m in _URL.finditer(raw):
        link = (m.group(1) + m.group(2)).lower()
        for host in (*_FACTCHECK_HOSTS, *debunk_hosts):
            if host and host in link:
                return "debunking", "fact-check link"
    if _NOT_DEBUNK.search(normalized):
        return "spreading", None
    for m in _DEBUNK.finditer(normalized):
        cue = m.group(0)
        # A cue that is part of the claim itself ("... surat suara palsu", "KPU bohong") says nothing.
        if all(_stem(w) in own for w in cue.split()):
            continue
        return "debunking", cue
    return "spreading", None


# The words a `_DEBUNK` / `_NOT_DEBUNK` match can start with. normalize_plain output is words of
# [a-z0-9_] and lone "!"/"?" separated by single spaces, so a match starts at a word that is one of these
# (tests/unit/test_claim_index_fast.py checks them against the patterns): a post with none of them
# cannot match, and `_stance` skips the regular expressions.
_DEBUNK_FIRST = frozenset("""
hoaks hoax hoaxs hoks hoak cek cekfakta periksa faktanya fakta hasil tidak tak bukan keliru menyesatkan
disinformasi misinformasi klarifikasi mengklarifikasi dibantah membantah bantahan menampik dipelintir jangan
waspada awas penipuan kabar berita fitnah turnbackhoax mafindo salah suntingan rekayasa konteks konteksnya
kejadian
""".split())
_NOT_DEBUNK_FIRST = frozenset({"bukan", "ini", "fakta", "katanya"})


def _stance(normalized: str, words: "set[str] | frozenset[str]", raw: str, claim_words: frozenset[str],
            hosts: tuple[str, ...]) -> tuple[str, str | None]:
    """`stance_of` for normalize_plain output whose words are ``words`` and hosts ``(*_FACTCHECK_HOSTS,
    *debunk_hosts)``: the same answer, the regular expressions run only where they can match."""
    low = raw.lower()
    if "http" in low or "www." in low:  # _URL can match nowhere else (h, t, p, w, . fold only from ASCII)
        for m in _URL.finditer(raw):
            link = (m.group(1) + m.group(2)).lower()
            for host in hosts:
                if host and host in link:
                    return "debunking", "fact-check link"
    if not _NOT_DEBUNK_FIRST.isdisjoint(words) and _NOT_DEBUNK.search(normalized):
        return "spreading", None
    if not _DEBUNK_FIRST.isdisjoint(words):
        for m in _DEBUNK.finditer(normalized):
            cue = m.group(0)
            if all(_stem(w) in claim_words for w in cue.split()):
                continue
            return "debunking", cue
    return "spreading", None


@dataclass(frozen=True, slots=True)
class ClaimMatch:
    claim_id: str
    similarity: float  # raw similarity in [0, 1]
    known_hoax: float  # calibrated: >= MATCH_THRESHOLD when the post repeats the claim (and spreads it)
    stance: str  # spreading | debunking
    matched: bool  # similarity over the match threshold
    why: dict  # the features behind it (word and bigram containment, shared words), for `claims match`


class _Entry:
    __slots__ = ("claim", "words", "bigrams", "nbig", "mass", "mass_version")

    def __init__(self, claim: Claim, words: frozenset[str], bigrams: frozenset[str]) -> None:
        self.claim = claim
        self.words = words
        self.bigrams = bigrams
        self.nbig = max(1, len(bigrams))
        self.mass = 0.0  # the IDF mass of its words, as of index version `mass_version`
        self.mass_version = -1


class ClaimIndex:
    """An in-memory, incrementally updatable index of the catalogue. Thread-safe (one lock)."""

    # similarity = the better of a "copy" score and a "partial quote" score (docs/HOAXES.md)
    SIM_THRESHOLD = 0.5  # raw similarity that maps to known_hoax 0.5
    W_COV = 0.65  # weight of word containment (the rest: bigram containment) in the copy score
    MIN_SHARED_IDF = 9.0  # a partial quote shares at least this much IDF mass with its claim ...
    MIN_SHARED_BIGRAMS = 2  # ... this many of its bigrams ...
    MIN_PARTIAL_COVERAGE = 0.35  # ... and this share of its words, or its score is scaled down
    PARTIAL_FACTOR = 0.8
    DF_CAP_SHARE = 0.005  # words in more than this share of claims (and over DF_CAP_MIN) propose no candidates
    DF_CAP_MIN = 25

    def __init__(self, claims: Iterable[Claim] = ()) -> None:
        self._lock = threading.RLock()
        self._entries: dict[str, _Entry] = {}
        self._by_word: dict[str, set[str]] = {}
        self._by_bigram: dict[str, set[str]] = {}
        self._hosts: dict[str, int] = {}
        self._idf_cache: dict[str, float] = {}
        self.version = 0
        self._host_list: tuple[str, ...] = ()
        self._hosts_version = -1
        for c in claims:
            self.upsert(c)

    # ------------------------------------------------------------------------------ catalogue
    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._entries

    def get(self, claim_id: str) -> Claim | None:
        e = self._entries.get(claim_id)
        return None if e is None else e.claim

    def claims(self) -> list[Claim]:
        with self._lock:
            return [e.claim for e in self._entries.values()]

    def upsert(self, claim: Claim) -> None:
        toks = tokens(normalize_plain(claim.text))
        extra = [t for k in claim.keywords for t in tokens(normalize_plain(k))]
        entry = _Entry(claim, frozenset(toks) | frozenset(extra), frozenset(_bigrams(toks)))
        with self._lock:
            self._remove(claim.id)
            self._entries[claim.id] = entry
            for w in entry.words:
                self._by_word.setdefault(w, set()).add(claim.id)
            for b in entry.bigrams:
                self._by_bigram.setdefault(b, set()).add(claim.id)
            host = _host(claim.url)
            if host:
                self._hosts[host] = self._hosts.get(host, 0) + 1
            self._changed()

    def remove(self, claim_id: str) -> bool:
        with self._lock:
            found = self._remove(claim_id)
            if found:
                self._changed()
            return found

    def _changed(self) -> None:
        self.version += 1
        self._idf_cache.clear()

    def _remove(self, claim_id: str) -> bool:
        e = self._entries.pop(claim_id, None)
        if e is None:
            return False
        for w in e.words:
            s = self._by_word.get(w)
            if s is not None:
                s.discard(claim_id)
                if not s:
                    del self._by_word[w]
        for b in e.bigrams:
            s = self._by_bigram.get(b)
            if s is not None:
                s.discard(claim_id)
                if not s:
                    del self._by_bigram[b]
        host = _host(e.claim.url)
        if host and host in self._hosts:
            self._hosts[host] -= 1
            if self._hosts[host] <= 0:
                del self._hosts[host]
        return True

    # ------------------------------------------------------------------------------ matching
    def _idf(self, word: str) -> float:
        v = self._idf_cache.get(word)
        if v is None:
            df = len(self._by_word.get(word, ()))
            v = math.log((len(self._entries) + 1) / (df + 0.5)) + 1.0
            if len(self._idf_cache) < 500_000:
                self._idf_cache[word] = v
        return v

    def _mass(self, e: "_Entry") -> float:
        if e.mass_version != self.version:
            e.mass = sum(self._idf(w) for w in e.words)
            e.mass_version = self.version
        return e.mass

    def match(self, text: str, *, top: int = 1, explain: bool = False,
              normalized: str | None = None) -> list[ClaimMatch]:
        """The best ``top`` claims for one post, best first ([] when nothing shares evidence).

        ``normalized``: ``normalize_plain(text[:MAX_SCORED_CHARS])`` when the caller already has it (the
        scoring stage normalises every post once); it must be exactly that string."""
        raw = text[:MAX_SCORED_CHARS] if isinstance(text, str) else ""
        if normalized is None:
            normalized = normalize_plain(raw)
        toks = tokens(normalized)
        if not toks:
            return []
        with self._lock:
            if not self._entries:
                return []
            return self._match(raw, normalized, toks, top, explain)

    def match_batch(self, texts: Sequence[str],
                    normalized: Sequence[str | None] | None = None) -> list[ClaimMatch | None]:
        """The best claim of each post (None: nothing shares evidence), the same as ``match(t)[0]``.

        One lock for the batch; ``normalized[i]`` (optional, None for unknown) as in `match`."""
        out: list[ClaimMatch | None] = []
        with self._lock:
            if not self._entries:
                return [None] * len(texts)
            for i, text in enumerate(texts):
                raw = text[:MAX_SCORED_CHARS] if isinstance(text, str) else ""
                norm = None if normalized is None else normalized[i]
                if norm is None:
                    norm = normalize_plain(raw)
                toks = tokens(norm)
                found = self._match(raw, norm, toks, 1, False) if toks else []
                out.append(found[0] if found else None)
        return out

    def _match(self, raw: str, normalized: str, toks: list[str], top: int, explain: bool) -> list[ClaimMatch]:
        """`_match_reference`, bit for bit (same floating-point operations in the same order), faster:
        no per-candidate method calls, the top candidates chosen by a threshold rather than a keyed heap."""
        cap = max(self.DF_CAP_MIN, int(len(self._entries) * self.DF_CAP_SHARE))
        words = set(toks)
        bigrams = _bigrams(toks)
        idf_get = self._idf_cache.get
        idf: dict[str, float] = {}
        for w in words:  # the same order as the reference's dict comprehension
            v = idf_get(w)
            idf[w] = self._idf(w) if v is None else v
        by_word, by_bigram = self._by_word, self._by_bigram
        hits: dict[str, float] = {}
        get = hits.get
        for w, v in idf.items():
            ids = by_word.get(w)
            if ids and len(ids) <= cap:
                if hits:
                    for cid in ids:
                        hits[cid] = get(cid, 0.0) + v
                else:
                    hits = dict.fromkeys(ids, v)  # 0.0 + v == v
                    get = hits.get
        for b in bigrams:
            ids = by_bigram.get(b)
            if ids and len(ids) <= cap:
                for cid in ids:
                    hits[cid] = get(cid, 0.0) + 2.0
        if not hits:
            return []
        if len(hits) > CANDIDATES:  # the CANDIDATES best by (-hits, id): every one at or over the k-th value
            kth = sorted(hits.values(), reverse=True)[CANDIDATES - 1]
            pool = [(-v, cid) for cid, v in hits.items() if v >= kth]
        else:
            pool = [(-v, cid) for cid, v in hits.items()]
        pool.sort()
        del pool[CANDIDATES:]
        post_mass = sum(idf.values())
        idf_items = list(idf.items())
        entries = self._entries
        version = self.version
        w_cov, w_big = self.W_COV, 1 - self.W_COV
        min_idf, min_big, min_cov = self.MIN_SHARED_IDF, self.MIN_SHARED_BIGRAMS, self.MIN_PARTIAL_COVERAGE
        pf = self.PARTIAL_FACTOR
        scored: list[tuple[float, str, tuple[float, ...]]] = []
        for _, cid in pool:
            e = entries[cid]
            ew = e.words
            shared_mass = 0.0
            for w, v in idf_items:
                if w in ew:
                    shared_mass += v
            claim_mass = e.mass if e.mass_version == version else self._mass(e)
            cov = shared_mass / claim_mass if claim_mass else 0.0
            nb = len(bigrams & e.bigrams)
            bcov = nb / e.nbig
            dens = shared_mass / post_mass if post_mass else 0.0
            copy = w_cov * cov + w_big * bcov
            a = shared_mass / min_idf
            b = nb / min_big
            c = cov / min_cov
            partial = dens * (a if a < 1.0 else 1.0) * (b if b < 1.0 else 1.0) * (c if c < 1.0 else 1.0)
            pp = pf * partial
            m = copy if copy >= pp else pp
            sim = m if m < 1.0 else 1.0
            scored.append((sim, cid, (cov, bcov, dens, shared_mass, copy, partial)))
        scored.sort(key=_by_sim)
        return self._results(raw, normalized, words, idf, scored[:top], explain)

    def _results(self, raw: str, normalized: str, words: set[str], idf: dict[str, float],
                 best: list[tuple[float, str, tuple[float, ...]]], explain: bool) -> list[ClaimMatch]:
        out = []
        if self._hosts_version != self.version:
            self._host_list = (*_FACTCHECK_HOSTS, *self._hosts)
            self._hosts_version = self.version
        hosts = self._host_list
        post_words = set(normalized.split())
        for sim, cid, f in best:
            e = self._entries[cid]
            why: dict = {"word_containment": round(f[0], 3), "bigram_containment": round(f[1], 3),
                         "post_share": round(f[2], 3), "shared_idf": round(f[3], 2),
                         "copy_score": round(f[4], 3), "partial_score": round(f[5], 3)}
            if explain:
                why["shared_words"] = sorted(words & e.words, key=lambda w: (-idf[w], w))[:12]
            stance, cue = _stance(normalized, post_words, raw, e.words, hosts)
            if cue:
                why["stance_cue"] = cue
            kh = calibrate(sim, self.SIM_THRESHOLD)
            if stance == "debunking":
                kh *= DEBUNK_FACTOR
            out.append(ClaimMatch(cid, round(sim, 6), round(kh, 6), stance, sim >= self.SIM_THRESHOLD, why))
        return out

    def _match_reference(self, raw: str, normalized: str, toks: list[str], top: int, explain: bool) -> list[ClaimMatch]:
        """The straightforward matcher that `_match` must equal (tests/unit/test_claim_index_fast.py)."""
        n = len(self._entries)
        cap = max(self.DF_CAP_MIN, int(n * self.DF_CAP_SHARE))
        words = set(toks)
        bigrams = _bigrams(toks)
        idf = {w: self._idf(w) for w in words}
        hits: dict[str, float] = {}
        for w in words:
            ids = self._by_word.get(w)
            if ids and len(ids) <= cap:
                v = idf[w]
                for cid in ids:
                    hits[cid] = hits.get(cid, 0.0) + v
        for b in bigrams:
            ids = self._by_bigram.get(b)
            if ids and len(ids) <= cap:
                for cid in ids:
                    hits[cid] = hits.get(cid, 0.0) + 2.0
        if not hits:
            return []
        best = heapq.nsmallest(CANDIDATES, hits.items(), key=lambda kv: (-kv[1], kv[0]))
        post_mass = sum(idf.values())
        scored: list[tuple[float, str, tuple[float, ...]]] = []
        for cid, _ in best:
            e = self._entries[cid]
            shared_mass = 0.0
            for w in words:
                if w in e.words:
                    shared_mass += idf[w]
            claim_mass = self._mass(e)
            cov = shared_mass / claim_mass if claim_mass else 0.0
            nb = len(bigrams & e.bigrams)
            bcov = nb / e.nbig
            dens = shared_mass / post_mass if post_mass else 0.0
            copy = self.W_COV * cov + (1 - self.W_COV) * bcov
            partial = (dens * min(1.0, shared_mass / self.MIN_SHARED_IDF) * min(1.0, nb / self.MIN_SHARED_BIGRAMS)
                       * min(1.0, cov / self.MIN_PARTIAL_COVERAGE))
            sim = min(1.0, max(copy, self.PARTIAL_FACTOR * partial))
            scored.append((sim, cid, (cov, bcov, dens, shared_mass, copy, partial)))
        scored.sort(key=lambda x: (-x[0], x[1]))
        out = []
        for sim, cid, f in scored[:top]:
            e = self._entries[cid]
            why: dict = {"word_containment": round(f[0], 3), "bigram_containment": round(f[1], 3),
                         "post_share": round(f[2], 3), "shared_idf": round(f[3], 2),
                         "copy_score": round(f[4], 3), "partial_score": round(f[5], 3)}
            if explain:
                why["shared_words"] = sorted(words & e.words, key=lambda w: (-idf[w], w))[:12]
            stance, cue = stance_of(normalized, raw, e.words, self._hosts)
            if cue:
                why["stance_cue"] = cue
            kh = calibrate(sim, self.SIM_THRESHOLD)
            if stance == "debunking":
                kh *= DEBUNK_FACTOR
            out.append(ClaimMatch(cid, round(sim, 6), round(kh, 6), stance, sim >= self.SIM_THRESHOLD, why))
        return out

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"claims": len(self._entries), "words": len(self._by_word), "bigrams": len(self._by_bigram)}


def _by_sim(x: tuple[float, str, tuple[float, ...]]) -> tuple[float, str]:
    return (-x[0], x[1])


def calibrate(sim: float, threshold: float) -> float:
    """Similarity mapped piecewise-linearly so that ``threshold`` becomes MATCH_THRESHOLD (0.5)."""
    if sim < threshold:
        return MATCH_THRESHOLD * sim / threshold
    return min(1.0, MATCH_THRESHOLD + (1 - MATCH_THRESHOLD) * (sim - threshold) / (1 - threshold))


def _host(url: str) -> str:
    m = _URL.match(url or "")
    return m.group(1).lower().removeprefix("www.") if m else ""
