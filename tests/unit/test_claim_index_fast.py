"""The claim matcher's fast path equals its straightforward reference, output for output.

`ClaimIndex._match` (and `_stance`, `match_batch`, the scorer's normalisation reused by `apply_claims`)
is an optimisation of `ClaimIndex._match_reference` (and `stance_of`, `match`): the same claim, the same
similarity and known_hoax (the same floating-point operations in the same order, so equal exactly), the
same stance and cue, the same `why`. Checked on the frozen and dev sets, on a synthetic catalogue large
enough for the document-frequency cap to act (the bench's, smaller), and on generated posts.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from models.base import PostScores
from models.normalize import normalize_plain
from streams.tooling.claim_eval import read_jsonl
from streams.core.claim_index import (_DEBUNK, _DEBUNK_FIRST, _FACTCHECK_HOSTS, _NOT_DEBUNK, _NOT_DEBUNK_FIRST,
                                 MAX_SCORED_CHARS, ClaimIndex, _stance, stance_of, tokens)
from streams.core.claims import Claim, read_catalogue
from streams.core.hoaxes import apply_claims

DATA = Path(__file__).resolve().parents[1] / "data" / "hoaxes"


def _claims(name: str) -> list[Claim]:
    claims, errors = read_catalogue(DATA / name)
    assert not errors
    return claims


def _synthetic(base: list[Claim], n: int, seed: int = 7) -> list[Claim]:
    """bench/bench_claims.py's catalogue, smaller: real words at realistic document frequencies."""
    rng = random.Random(seed)
    words = sorted({w for c in base for w in c.text.lower().split()})
    syll = ["ka", "ra", "ma", "ta", "ng", "si", "lu", "pe", "ba", "do", "wi", "ju", "ne", "ko", "har"]
    invented = sorted({"".join(rng.choice(syll) for _ in range(rng.randint(2, 4))) for _ in range(3000)})
    out = list(base)
    for i in range(n):
        text = " ".join(rng.choice(words) if rng.random() < 0.55 else rng.choice(invented)
                        for _ in range(rng.randint(12, 28)))
        out.append(Claim(f"syn{i}", f"synthetic {i}", text, "SALAH", "bench", f"https://example.id/{i}", "2024-02-01"))
    return out


@pytest.fixture(scope="module")
def frozen_index() -> ClaimIndex:
    return ClaimIndex(_claims("claims.jsonl") + _claims("dev_claims.jsonl"))


@pytest.fixture(scope="module")
def big_index() -> ClaimIndex:
    return ClaimIndex(_synthetic(_claims("dev_claims.jsonl"), 6000))


@pytest.fixture(scope="module")
def posts() -> list[str]:
    names = ("posts.jsonl", "civil.jsonl", "dev_posts.jsonl", "dev_civil.jsonl", "fraud_claims.jsonl")
    return [r["text"] for n in names if (DATA / n).exists() for r in read_jsonl(DATA / n)]


@pytest.fixture(scope="module")
def vocabulary() -> list[str]:
    words = {w for n in ("claims.jsonl", "dev_claims.jsonl") for c in _claims(n) for w in c.text.split()}
    return sorted(words)


def _both(index: ClaimIndex, text: str, top: int) -> tuple[list, list]:
    raw = text[:MAX_SCORED_CHARS]
    normalized = normalize_plain(raw)
    toks = tokens(normalized)
    if not toks:
        return [], []
    return (index._match(raw, normalized, toks, top, True),
            index._match_reference(raw, normalized, toks, top, True))


@pytest.mark.parametrize("which", ["frozen_index", "big_index"])
def test_the_fast_matcher_equals_the_reference_on_every_labelled_post(which: str, posts: list[str],
                                                                       request: pytest.FixtureRequest) -> None:
    index = request.getfixturevalue(which)
    assert len(posts) > 1500
    compared = 0
    for text in posts:
        for top in (1, 8):
            fast, ref = _both(index, text, top)
            assert fast == ref, text  # ClaimMatch equality: id, similarity, known_hoax, stance, why (exactly)
            compared += bool(ref)
    assert compared > 1500


def test_match_batch_and_a_given_normalisation_give_what_match_gives(frozen_index: ClaimIndex,
                                                                      posts: list[str]) -> None:
    sample = posts[::3] + ["", "!!!", None, "x" * 5000]  # type: ignore[list-item]
    one = [(frozen_index.match(t) or [None])[0] for t in sample]
    assert frozen_index.match_batch(sample) == one
    plain = [normalize_plain(t[:MAX_SCORED_CHARS]) if isinstance(t, str) else None for t in sample]
    assert frozen_index.match_batch(sample, plain) == one
    assert [(frozen_index.match(t, normalized=p) or [None])[0] for t, p in zip(sample, plain)] == one
    assert ClaimIndex().match_batch(sample) == [None] * len(sample)


def test_apply_claims_reuses_the_scorers_normalisation_and_only_where_it_is_the_same(
        frozen_index: ClaimIndex, posts: list[str]) -> None:
    texts = posts[:300] + [posts[0] + " " + "kata " * 1200]  # the last is longer than the matcher reads
    bare = [PostScores({"known_hoax": 0.0}, ()) for _ in texts]
    with_plain = [PostScores({"known_hoax": 0.0}, (), plain=normalize_plain(t)) for t in texts]
    assert apply_claims(frozen_index, texts, with_plain) == apply_claims(frozen_index, texts, bare)
    # a scorer normalisation of the whole long post is not used for its first 4,000 characters
    wrong = [PostScores({"known_hoax": 0.0}, (), plain="server sirekap singapura asing") for _ in texts]
    assert apply_claims(frozen_index, texts[-1:], wrong[-1:]) == apply_claims(frozen_index, texts[-1:], bare[-1:])


def test_apply_claims_leaves_a_post_unmatched_when_matching_fails(frozen_index: ClaimIndex, posts: list[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [t for t in posts[:40] if (frozen_index.match(t) or [None])[0]]
    assert texts
    bare = [PostScores({"known_hoax": 0.0}, ()) for _ in texts]
    good = apply_claims(frozen_index, texts, bare)
    real = ClaimIndex._match

    def flaky(self, raw, normalized, toks, top, explain):  # type: ignore[no-untyped-def]
        if raw == texts[0]:
            raise RuntimeError("boom")
        return real(self, raw, normalized, toks, top, explain)

    monkeypatch.setattr(ClaimIndex, "_match", flaky)
    out = apply_claims(frozen_index, texts, bare)
    assert out[0] == (bare[0], None, None)
    assert out[1:] == good[1:]


def test_the_scorer_hands_its_plain_normalisation_to_the_matcher() -> None:
    from models.normalize import normalize
    from models.scorer import load_scorer

    texts = ["Server @KPU_RI di Singapura!! https://t.co/x #PemiluCurang", "Prabowo-Gibran menang 58%", ""]
    scores = load_scorer().score_batch(texts)
    assert [ps.plain for ps in scores] == [normalize_plain(t) for t in texts]
    assert "plain" not in scores[0].to_dict()
    from models.entities import mask_entities

    assert [mask_entities(normalize_plain(t)) for t in texts] == [normalize(t) for t in texts]


# ------------------------------------------------------------------------------------ generated posts
_CUES = ["hoaks", "hoax", "cek fakta", "tidak benar", "bukan hoaks", "ini fakta", "jangan disebar", "salah",
         "konteksnya salah", "katanya hoax tapi", "faktanya", "HOAKS!!", "h0aks", "kabar bohong", "fitnah",
         "https://turnbackhoax.id/x", "HTTPS://CEKFAKTA.COM/y", "www.example.id/z", "https://example.id/1",
         "cek-fakta", "@user", "#HoaxPemilu", "\u201ckutipan\u201d", "\U0001F602", "\u017f", "\u212a"]


def _post(vocab: list[str]) -> st.SearchStrategy[str]:
    word = st.one_of(st.sampled_from(vocab), st.sampled_from(_CUES), st.text(max_size=8))
    return st.lists(word, max_size=40).map(" ".join)


@settings(max_examples=300)
@given(data=st.data())
def test_generated_posts_match_the_same_on_both_paths(data: st.DataObject, big_index: ClaimIndex,
                                                      frozen_index: ClaimIndex, vocabulary: list[str]) -> None:
    text = data.draw(_post(vocabulary))
    for index in (frozen_index, big_index):
        fast, ref = _both(index, text, 3)
        assert fast == ref


@settings(max_examples=400)
@given(data=st.data())
def test_the_fast_stance_is_stance_of(data: st.DataObject, vocabulary: list[str]) -> None:
    raw = data.draw(_post(vocabulary))
    claim = frozenset(tokens(normalize_plain(data.draw(_post(vocabulary)))))
    normalized = normalize_plain(raw)
    hosts = ("example.id",)
    assert (_stance(normalized, set(normalized.split()), raw, claim, (*_FACTCHECK_HOSTS, *hosts))
            == stance_of(normalized, raw, claim, hosts))


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of ``\\b(?:a|b|...)\\b``."""
    body = pattern[len(r"\b(?:"):-len(r")\b")]
    out, depth, cur = [], 0, ""
    for ch in body:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "|" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return out + [cur]


@pytest.mark.parametrize("pattern,first", [(_DEBUNK.pattern, _DEBUNK_FIRST), (_NOT_DEBUNK.pattern, _NOT_DEBUNK_FIRST)])
def test_every_cue_starts_with_a_word_the_prefilter_knows(pattern: str, first: frozenset[str]) -> None:
    """A cue's first word is a literal (or ``konteks(?:nya)?``): each of its spellings is in the set."""
    for alt in _alternatives(pattern):
        head = re.match(r"[a-z]+(?:\(\?:[a-z]+\)\?)?", alt)
        assert head, alt
        rest = alt[head.end():]
        assert rest == "" or rest[0] == " ", alt  # the first word ends at a space or the pattern's end
        m = re.fullmatch(r"([a-z]+)(?:\(\?:([a-z]+)\)\?)?", head.group(0))
        assert m
        spellings = {m.group(1)} | ({m.group(1) + m.group(2)} if m.group(2) else set())
        assert spellings <= first, alt
