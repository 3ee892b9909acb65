"""The coordination detector (streams/core/coordination.py): a pure core, no Kafka."""

from __future__ import annotations

import random

import orjson
import pytest

from streams.core.coordination import (
    NATIONAL_REGION,
    SIGNAL,
    CoordinationConfig,
    CoordinationDetector,
    CoordPost,
    annotations,
    fingerprint,
)
from streams.core.records import Alert

T0 = 1_707_868_800_000
MIN = 60_000
BASE = ("Hasil hitung cepat lembaga survei bayaran sudah diatur sejak awal oleh penguasa, "
        "rakyat dibohongi media, jangan diam saja bersuara sekarang")
VOCAB = ("kemarin", "rapat", "desa", "jalan", "harga", "cabai", "sekolah", "hujan", "banjir", "motor",
         "kantor", "pasar", "ikan", "bupati", "kopi")


def edited(text: str, frac: float, rng: random.Random) -> str:
    words = text.split()
    for _ in range(int(len(words) * frac)):
        words[rng.randrange(len(words))] = rng.choice(VOCAB)
    return " ".join(words)


def post(i: int, ms: int, text: str, author: str | None = None, *, tags: tuple[str, ...] = (), region: str = "ID-JB",
         repost: bool = False, new: bool | None = None, hate: float = 0.05, cfg: CoordinationConfig | None = None,
         ) -> CoordPost:
    fp = fingerprint(text, tags, repost, cfg)
    return CoordPost(f"x:{i}", str(i), ms, author if author is not None else f"a{i}", region, fp.sig, fp.hashtags,
                     fp.repost, hate, 0.05, new, None)


def campaign(n: int, start: int = T0 + 40 * MIN, minutes: float = 5, frac: float = 0.2, seed: int = 3,
             tag: str = "#UsutCurang24", hate: float = 0.05, offset: int = 0) -> list[CoordPost]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        ms = start + int(i * minutes * MIN / n)
        out.append(post(offset + i, ms, edited(BASE, frac, rng) + " " + tag, f"buzzer{offset + i}",
                        region=rng.choice(["ID-JB", "ID-JI", "ID-SN", "ID-PA", "ID-KT"]), hate=hate))
    return out


def warm(det: CoordinationDetector, minutes: int = 31) -> None:
    """Unrelated background so the detector has seen more than a window (no cold-start hold)."""
    rng = random.Random(1)
    for m in range(minutes):
        words = [f"kata{rng.randrange(10**6)}" for _ in range(8)]
        det.feed(post(10**6 + m, T0 + m * MIN, " ".join(words), f"bg{m}"))


def run(det: CoordinationDetector, posts: list[CoordPost]) -> list[Alert]:
    out: list[Alert] = []
    for p in posts:
        out.extend(det.feed(p))
    return out


def test_fingerprint_ignores_urls_mentions_hashtags_and_emoji_but_keeps_hashtags():
    a = fingerprint("Hasil hitung cepat sudah diatur penguasa, rakyat dibohongi media 😡 https://x.co/1 @budi #UsutCurang")
    b = fingerprint("Hasil hitung cepat sudah diatur penguasa, rakyat dibohongi media")
    assert a.sig == b.sig and a.sig
    assert a.hashtags == ("usutcurang",)


def test_short_posts_are_not_fingerprinted():
    assert fingerprint("Ayo nyoblos, jangan golput! #PemiluDamai").sig == ()
    assert fingerprint("Selamat pagi semua, semoga sehat").sig == ()


def test_rt_prefix_is_a_repost():
    fp = fingerprint("RT @akun: " + BASE)
    assert fp.repost and fp.sig == fingerprint(BASE).sig


def test_a_campaign_of_distinct_authors_raises_one_coordination_alert():
    det = CoordinationDetector()
    warm(det)
    alerts = run(det, campaign(30)) + det.flush()
    firing = [a for a in alerts if a.status == "firing"]
    assert len(firing) == 1
    a = firing[0]
    assert a.signal == SIGNAL and a.region == NATIONAL_REGION and a.severity == "warning"
    d = a.coordination
    assert d["distinct_authors"] >= 10 and d["size"] >= 10
    assert "usutcurang24" in d["top_hashtags"]
    assert set(d["provinces"]) <= {"ID-JB", "ID-JI", "ID-SN", "ID-PA", "ID-KT"}
    assert a.dedup_key == f"suhu:coordination:{d['cluster_id']}"
    assert len(a.example_post_ids) == 5
    assert "kampanye terkoordinasi" in a.summary_id.lower() and "coordinated campaign" in a.summary_en.lower()
    body = a.to_json().decode()
    assert "dibohongi" not in body and "buzzer" not in body  # never the text, never an author
    assert Alert.from_json(a.to_json()) == a
    assert annotations(a)["cluster_id"] == d["cluster_id"]


def test_alert_comes_at_the_kth_author_once_the_reorder_delay_passes():
    cfg = CoordinationConfig(reorder_ms=0)
    det = CoordinationDetector(cfg)
    warm(det)
    posts = campaign(30, minutes=10)
    alerts = run(det, posts)
    firing = [a for a in alerts if a.status == "firing"]
    assert len(firing) == 1
    assert firing[0].author_count == 10  # decided at the 10th distinct author


def test_cluster_ids_are_deterministic_and_the_order_within_the_reorder_delay_does_not_matter():
    posts = campaign(40)
    shuffled = list(posts)
    rng = random.Random(9)
    for i in range(len(shuffled) - 1):  # local disorder of a few seconds
        if rng.random() < 0.5:
            shuffled[i], shuffled[i + 1] = shuffled[i + 1], shuffled[i]
    a1, a2 = CoordinationDetector(), CoordinationDetector()
    warm(a1)
    warm(a2)
    r1 = run(a1, posts) + a1.flush()
    r2 = run(a2, shuffled) + a2.flush()
    assert [a.to_dict() for a in r1] == [a.to_dict() for a in r2] and r1


def test_one_author_posting_many_times_is_not_a_campaign():
    det = CoordinationDetector()
    warm(det)
    posts = [CoordPost(p.key, p.post_id, p.event_ms, "same", p.region, p.sig, p.hashtags, False, 0.0, 0.0, None, None)
             for p in campaign(50)]
    assert not run(det, posts) + det.flush()


def test_native_reposts_are_counted_apart_and_never_make_a_cluster():
    det = CoordinationDetector()
    warm(det)
    posts = [post(i, T0 + 40 * MIN + i * 1000, "RT @akun: " + BASE + " #UsutCurang24", f"r{i}") for i in range(60)]
    posts += [post(100 + i, T0 + 41 * MIN + i * 1000, BASE, f"x{i}", repost=True) for i in range(60)]
    assert not run(det, posts) + det.flush()
    assert det.stats["reposts"] == 120


def test_greetings_from_many_accounts_are_not_a_campaign():
    det = CoordinationDetector()
    warm(det)
    posts = [post(i, T0 + 40 * MIN + i * 500, "Ayo nyoblos, jangan golput! #PemiluDamai", f"g{i}") for i in range(300)]
    assert not run(det, posts) + det.flush()
    assert det.stats["short"] >= 300


def test_near_identical_posts_without_evidence_are_never_a_campaign():
    # A template from 80 accounts in 10 minutes, no hashtag, account age unknown: a quick-count
    # evening's chatter looks exactly like this (tests/unit/test_debate_night.py).
    det = CoordinationDetector()
    warm(det)
    rng = random.Random(4)
    posts = [post(i, T0 + 40 * MIN + i * 7_500, edited(BASE, 0.1, rng), f"t{i}") for i in range(80)]
    assert not run(det, posts) + det.flush()


def test_a_campaign_slower_than_the_window_is_found_over_two_windows():
    # 16 accounts over 28 minutes: never 10 in one 15-minute window, 10 within two.
    det = CoordinationDetector()
    warm(det)
    alerts = run(det, campaign(16, minutes=28, frac=0.1)) + det.flush()
    assert len({a.dedup_key for a in alerts if a.status == "firing"}) == 1
    one_window = CoordinationDetector(CoordinationConfig(span_windows=1))
    warm(one_window)
    assert not [a for a in run(one_window, campaign(16, minutes=28, frac=0.1)) + one_window.flush()
                if a.status == "firing"]


def test_a_loose_cluster_without_evidence_is_not_a_campaign():
    cfg = CoordinationConfig()
    det = CoordinationDetector(cfg)
    warm(det)
    rng = random.Random(5)
    # a shared headline with each author's own words, no hashtag, account age unknown
    posts = [post(i, T0 + 40 * MIN + i * 20_000, BASE + " " + " ".join(rng.choice(VOCAB) for _ in range(4)), f"q{i}")
             for i in range(25)]
    assert not run(det, posts) + det.flush()


def test_new_accounts_are_evidence_too():
    det = CoordinationDetector()
    warm(det)
    rng = random.Random(5)
    posts = [post(i, T0 + 40 * MIN + i * 20_000, BASE + " " + " ".join(rng.choice(VOCAB) for _ in range(4)), f"n{i}",
                  new=True) for i in range(12)]
    alerts = run(det, posts) + det.flush()
    assert [a.coordination["new_account_share"] for a in alerts if a.status == "firing"] == [1.0]


def test_a_few_new_account_copies_in_an_organic_cluster_are_no_evidence():
    # 12 authors of unknown age share a headline; 3 new accounts post it too: 3 of 15, not 100 %.
    det = CoordinationDetector()
    warm(det)
    rng = random.Random(5)
    posts = [post(i, T0 + 40 * MIN + i * 20_000, BASE + " " + " ".join(rng.choice(VOCAB) for _ in range(4)), f"q{i}",
                  new=True if i % 5 == 4 else None) for i in range(15)]
    assert not [a for a in run(det, posts) + det.flush() if a.status == "firing"]


def test_a_campaign_split_by_its_edits_is_linked_by_its_tag_into_one_alert():
    # Two groups of copies of one message under one campaign tag, each of 7 accounts (K = 10), whose
    # edits keep them in two clusters: linked by the tag, one campaign of 14 accounts, one alert.
    det = CoordinationDetector()
    warm(det)
    words = BASE.split()
    half_a = " ".join(words[:9] + "pasar ikan bupati kopi desa jalan harga cabai".split())
    half_b = " ".join(words[:9] + "hujan banjir motor kantor sekolah rapat kemarin taman".split())
    posts = []
    for i in range(14):
        text = half_a if i % 2 == 0 else half_b
        posts.append(post(i, T0 + 40 * MIN + i * 20_000, text + " #BongkarSuara77", f"s{i}"))
    alerts = [a for a in run(det, posts) + det.flush() if a.status == "firing"]
    assert len(alerts) == 1
    unlinked = CoordinationDetector(CoordinationConfig(link_similarity=1.01))
    warm(unlinked)
    assert [a for a in run(unlinked, posts) + unlinked.flush() if a.status == "firing"] == []


def test_steady_copypasta_all_day_is_not_a_campaign():
    det = CoordinationDetector()
    text = "Ini lagu kebangsaan kita semua dinyanyikan bersama dengan penuh semangat juang pantang mundur"
    posts = [post(i, T0 + i * 60_000, text, f"s{i}", tags=("lagu",)) for i in range(6 * 60)]  # one a minute, 6 h
    assert not run(det, posts) + det.flush()


def test_a_hateful_campaign_is_critical():
    det = CoordinationDetector()
    warm(det)
    alerts = run(det, campaign(20, hate=0.9)) + det.flush()
    assert [a.severity for a in alerts if a.status == "firing"] == ["critical"]


def test_state_is_bounded_by_event_time_and_an_alerted_cluster_resolves():
    det = CoordinationDetector()
    warm(det)
    alerts = run(det, campaign(30))
    alerts += det.advance(T0 + 120 * MIN)
    assert [a.status for a in alerts] == ["firing", "resolved"]
    assert alerts[0].dedup_key == alerts[1].dedup_key
    snap = det.snapshot()
    assert snap["clusters"] == 0 and snap["index"] == 0 and snap["window_posts"] == 0


def test_a_restart_mid_campaign_does_not_alert_again():
    posts = campaign(60, minutes=10)
    first = CoordinationDetector()
    warm(first)
    half = [p for p in posts if p.event_ms < T0 + 40 * MIN + 6 * MIN]
    alerts = run(first, half)
    assert [a.status for a in alerts] == ["firing"]
    state = orjson.loads(orjson.dumps(dict(first.drain_changed())))  # what the state topic holds
    # The restarted detector re-reads the last windows of input (it had none before), then goes on.
    second = CoordinationDetector(CoordinationConfig(), state)
    warm(second)
    again = run(second, posts) + second.flush()
    assert not [a for a in again if a.status == "firing"]


def test_settings_knobs():
    from streams.core.settings import load_settings

    cfg = CoordinationConfig.from_settings(load_settings(env={}, coordination_min_authors=7, coordination_window_s=600))
    assert cfg.min_authors == 7 and cfg.window_ms == 600_000


@pytest.mark.parametrize("field,value", [("author_created_at", "2024-01-01"), ("author_created_at", 5),
                                         ("author_followers", -1), ("author_followers", "10"),
                                         ("is_repost", "yes")])
def test_contract_rejects_malformed_coordination_evidence(field, value):
    from streams.core.contract import ContractLimits, Rejection, validate_document

    limits = ContractLimits(10**6, 20_000, 0, 10**12)
    doc = {"id": "1", "text": "halo", "created_at": "2024-02-14T08:00:00+07:00", field: value}
    out = validate_document(doc, limits=limits, pseudonymize=lambda p, a: "a_x", now_ms=T0)
    assert isinstance(out, Rejection) and out.reason == "wrong_type"


def test_contract_passes_coordination_evidence_through():
    from streams.core.contract import ContractLimits, validate_document

    limits = ContractLimits(10**6, 20_000, 0, 10**12)
    doc = {"id": "1", "text": "halo", "created_at": "2024-02-14T08:00:00+07:00",
           "author_created_at": "2024-02-10T08:00:00+07:00", "author_followers": 3, "is_repost": False}
    out = validate_document(doc, limits=limits, pseudonymize=lambda p, a: "a_x", now_ms=T0)
    assert out.extra["author_followers"] == 3 and out.extra["is_repost"] is False


def test_pager_payloads_of_a_coordination_alert_carry_its_fields_and_no_text():
    from streams.outputs.delivery import alert_labels, alertmanager_payload, pagerduty_event

    det = CoordinationDetector()
    warm(det)
    (alert,) = [a for a in run(det, campaign(30)) if a.status == "firing"]
    labels = alert_labels(alert)
    assert labels["alertname"] == "SuhuCoordination" and labels["signal"] == "coordination"
    assert labels["region"] == "ID" and labels["severity"] == "warning"
    [entry] = alertmanager_payload(alert)
    ann = entry["annotations"]
    assert ann["cluster_id"] == alert.coordination["cluster_id"] and ann["distinct_authors"] == "10"
    assert ann["top_hashtags"] == "#usutcurang24" and ann["description"] == alert.summary_id
    event = pagerduty_event(alert, "rk")
    assert event["payload"]["custom_details"]["coordination"]["cluster_id"] == alert.coordination["cluster_id"]
    for body in (orjson.dumps(entry), orjson.dumps(event)):
        assert b"dibohongi" not in body and b"buzzer" not in body


def test_memory_is_bounded_by_the_window():
    det = CoordinationDetector(CoordinationConfig(reorder_ms=0))
    rng = random.Random(2)
    sizes = []
    for m in range(120):  # two hours of unrelated posts, 20 a minute
        for j in range(20):
            words = " ".join(f"w{rng.randrange(10**7)}" for _ in range(8))
            det.feed(post(m * 100 + j, T0 + m * MIN + j * 1000, words, f"u{rng.randrange(10**6)}"))
        if m % 30 == 29:
            sizes.append(det.snapshot()["window_posts"])
    assert max(sizes) <= 15 * 20 + 20 and sizes[-1] == sizes[1]


def _background(det: CoordinationDetector, minutes: int, per_minute: int, seed: int = 2, start: int = T0) -> None:
    rng = random.Random(seed)
    for m in range(minutes):
        for j in range(per_minute):
            words = " ".join(f"w{rng.randrange(10**7)}" for _ in range(8))
            det.feed(post(10**7 + m * 1000 + j, start + m * MIN + j * (MIN // per_minute), words, f"u{rng.randrange(10**6)}"))


def test_a_window_fuller_than_its_memory_bound_sheds_its_oldest_members_and_counts_them():
    cap = 200
    det = CoordinationDetector(CoordinationConfig(reorder_ms=0, max_window_posts=cap))
    _background(det, minutes=40, per_minute=30)  # 450 posts in a 15-minute window, more than the bound
    snap = det.snapshot()
    assert snap["window_posts"] == cap
    assert snap["index"] <= cap * det.cfg.bands
    assert det.stats["shed"] > 0


def test_a_fast_campaign_is_still_found_while_the_window_is_shedding():
    det = CoordinationDetector(CoordinationConfig(reorder_ms=0, max_window_posts=300))
    _background(det, minutes=31, per_minute=30)
    assert det.stats["shed"] > 0
    # 30 accounts in 3 minutes, interleaved with the background that keeps the window over its bound
    camp = campaign(30, start=T0 + 31 * MIN, minutes=3)
    rng = random.Random(5)
    bg = [post(2 * 10**7 + i, T0 + 31 * MIN + i * 2000, " ".join(f"w{rng.randrange(10**7)}" for _ in range(8)),
               f"v{i}") for i in range(90)]
    alerts = run(det, sorted(camp + bg, key=lambda p: p.event_ms)) + det.flush()
    assert [a.status for a in alerts if a.status == "firing"] == ["firing"]


def test_without_pressure_the_bound_changes_nothing():
    bounded, unbounded = (CoordinationDetector(CoordinationConfig(reorder_ms=0, max_window_posts=cap))
                          for cap in (10_000, 0))
    outs = []
    for det in (bounded, unbounded):
        warm(det)
        outs.append([(a.status, a.coordination["cluster_id"]) for a in run(det, campaign(30)) + det.flush()])
        assert det.stats["shed"] == 0
    assert outs[0] == outs[1] and outs[0]

def test_an_organic_tag_at_its_usual_rate_concentrated_on_near_identical_posts_is_no_campaign_tag():
    # A tag used about once a minute all hour (a regional account's tag the chatter repeats); in the last
    # quarter hour its uses happen to be near-identical posts of 12 accounts at that same rate: 100 % of
    # the tag's uses in one cluster, but no burst of the tag. The same posts under a new tag are a campaign.
    def stream(tag: str) -> list[CoordPost]:
        rng = random.Random(7)
        out = [post(10**5 + m, T0 + m * MIN, " ".join(f"kata{rng.randrange(10**6)}" for _ in range(8)), f"r{m}",
                    tags=("lampungmaju",)) for m in range(60)]
        out += [post(i, T0 + 60 * MIN + i * 75_000, edited(BASE, 0.1, rng), f"q{i}", tags=(tag,)) for i in range(12)]
        return out

    det = CoordinationDetector()
    assert not [a for a in run(det, stream("lampungmaju")) + det.flush() if a.status == "firing"]
    det = CoordinationDetector()
    assert len([a for a in run(det, stream("tolakcurang77")) + det.flush() if a.status == "firing"]) == 1


def test_new_accounts_count_by_distinct_author_and_a_few_are_no_evidence():
    # 7 authors of unknown age share a headline; 4 new accounts post it too (one of them three times):
    # 4 of 11 authors, not 6 of 13 posts, and 4 new accounts are too few to be evidence by themselves.
    det = CoordinationDetector()
    warm(det)
    rng = random.Random(5)
    authors = [f"q{i}" for i in range(7)] + ["n0", "n0", "n0", "n1", "n2", "n3"]
    rng.shuffle(authors)
    posts = [post(i, T0 + 40 * MIN + i * 20_000, BASE + " " + " ".join(rng.choice(VOCAB) for _ in range(4)), a,
                  new=True if a.startswith("n") else None) for i, a in enumerate(authors)]
    assert not [a for a in run(det, posts) + det.flush() if a.status == "firing"]


def test_fingerprints_read_back_share_one_string_per_region():
    """The window keeps each member's region for fifteen minutes: one string per code, not per record."""
    from streams.core.coordination import CoordPost

    cp = CoordPost("x:1", "1", 1_707_868_800_000, "a1", "ID-JB", (1, 2, 3), ("tag",), False, 0.1, 0.1, None, None)
    a, b = (CoordPost.from_dict(orjson.loads(orjson.dumps(cp.to_dict()))) for _ in range(2))
    assert a.to_dict() == cp.to_dict() and a.region is b.region


def test_an_alert_names_its_example_posts_by_their_own_ids_whatever_the_key_looks_like():
    """A member keeps the post id as a length into its ``platform:id`` key; an id the key does not end
    with as ``:id`` (another key form, or a key that merely ends with the same digits) is kept as it is."""
    det = CoordinationDetector()
    warm(det)
    posts = campaign(30)
    ids = {1: ("x:1", "id-1"), 2: ("x:1002", "2"), 3: ("x:3", 3)}  # not a suffix; a suffix, no ':'; not a str
    posts = [p if i not in ids else CoordPost(ids[i][0], ids[i][1], p.event_ms, p.author, p.region, p.sig,
                                              p.hashtags, p.repost, p.hate, p.provocation, None, None)
             for i, p in enumerate(posts)]
    firing = [a for a in run(det, posts) + det.flush() if a.status == "firing"]
    assert len(firing) == 1
    assert firing[0].example_post_ids == ("0", "id-1", "2", "3", "4")


def test_two_records_of_one_post_with_different_scores_are_one_member_whatever_their_order():
    """At-least-once delivery, a re-scored replay: same key and time, other fields differ. The reorder
    buffer never compares the two posts (they have no order); the first processed counts, once."""
    base = campaign(12)
    twins = [CoordPost(p.key, p.post_id, p.event_ms, p.author, p.region, p.sig, p.hashtags, p.repost, 0.9, 0.9,
                       None, None) for p in base]
    for order in (base + twins, twins + base):
        det = CoordinationDetector()
        warm(det)  # 31 posts
        run(det, sorted(order, key=lambda p: p.event_ms))
        det.flush()
        assert det.stats["duplicates"] == 12 and det.stats["fingerprinted"] == 31 + 12


def test_a_record_with_a_signature_value_out_of_range_is_refused_as_unreadable():
    cp = post(1, T0, BASE)
    d = cp.to_dict()
    assert list(CoordPost.from_dict(d).sig) == list(cp.sig)
    with pytest.raises(ValueError):
        CoordPost.from_dict({**d, "s": [-1, *d["s"][1:]]})
    with pytest.raises(ValueError):
        CoordPost.from_dict({**d, "s": [2**32, *d["s"][1:]]})


def test_a_members_scores_are_held_in_thousandths_and_the_cluster_mean_stays_within_half_of_one():
    det = CoordinationDetector()
    warm(det)
    rng = random.Random(4)
    posts = [CoordPost(p.key, p.post_id, p.event_ms, p.author, p.region, p.sig, p.hashtags, p.repost,
                       rng.random(), rng.random(), None, None) for p in campaign(30)]
    firing = [a for a in run(det, posts) + det.flush() if a.status == "firing"]
    members = firing[0].coordination["size"]
    exact = sum(p.hate for p in posts[:members]) / members
    in_thousandths = sum(round(p.hate * 1000) / 1000 for p in posts[:members]) / members
    assert firing[0].coordination["mean_scores"]["hate"] == round(in_thousandths, 4)
    assert abs(firing[0].coordination["mean_scores"]["hate"] - exact) <= 0.0006


def test_a_score_that_is_not_a_number_counts_as_zero_and_never_stops_the_detector():
    det = CoordinationDetector()
    warm(det)
    posts = [CoordPost(p.key, p.post_id, p.event_ms, p.author, p.region, p.sig, p.hashtags, p.repost,
                       float("nan") if i % 2 else 0.4, float("inf"), None, None) for i, p in enumerate(campaign(30))]
    firing = [a for a in run(det, posts) + det.flush() if a.status == "firing"]
    assert len(firing) == 1
    assert 0.0 < firing[0].coordination["mean_scores"]["hate"] <= 0.4
