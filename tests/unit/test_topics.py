"""Topic specs: the one place topic names, partitions and retention are decided."""

from __future__ import annotations

from streams.core.settings import load_settings
from streams.core.topics import (ALERTS, COORDINATION_STATE, DAY_MS, HOAX_CLAIMS, HOAX_MATCHES, HOUR_MS, POSTS,
                           POSTS_COORDINATION, POSTS_DLQ, POSTS_SCORED, topic_specs)


def test_there_are_exactly_the_eight_suhu_topics() -> None:
    names = [s.name for s in topic_specs(load_settings(env={}))]
    assert names == ["posts", "posts-scored", "alerts", "posts-dlq", "hoax-claims", "hoax-matches",
                     "posts-coordination", "coordination-state"]
    assert names == [POSTS, POSTS_SCORED, ALERTS, POSTS_DLQ, HOAX_CLAIMS, HOAX_MATCHES, POSTS_COORDINATION,
                     COORDINATION_STATE]


def test_the_claims_catalogue_is_one_compacted_partition_kept_forever() -> None:
    spec = next(s for s in topic_specs(load_settings(env={}, topic_partitions=6)) if s.name == HOAX_CLAIMS)
    assert spec.partitions == 1 and spec.cleanup_policy == "compact" and spec.config()["retention.ms"] == "-1"


def test_prefix_is_applied_to_every_topic() -> None:
    specs = topic_specs(load_settings(env={}, topic_prefix="staging."))
    assert [s.name for s in specs] == ["staging.posts", "staging.posts-scored", "staging.alerts", "staging.posts-dlq",
                                       "staging.hoax-claims", "staging.hoax-matches",
                                       "staging.posts-coordination", "staging.coordination-state"]


def test_retention_comes_from_settings() -> None:
    s = load_settings(env={}, posts_retention_hours=12, scored_retention_hours=1.5,
                      alerts_retention_days=30, dlq_retention_days=2)
    retention = {spec.name: spec.retention_ms for spec in topic_specs(s)}
    assert retention == {
        "posts": 12 * HOUR_MS,
        "posts-scored": 90 * 60 * 1000,
        "alerts": 30 * DAY_MS,
        "posts-dlq": 2 * DAY_MS,
        "hoax-claims": -1,
        "hoax-matches": 90 * 60 * 1000,
        "posts-coordination": 6 * HOUR_MS,
        "coordination-state": 30 * DAY_MS,
    }


def test_default_retention_keeps_post_text_short_and_alerts_long() -> None:
    retention = {spec.name: spec.retention_ms for spec in topic_specs(load_settings(env={}))}
    assert retention["posts-scored"] == 72 * HOUR_MS
    assert retention["alerts"] == 400 * DAY_MS


def test_partitions_come_from_settings() -> None:
    specs = {s.name: s.partitions for s in topic_specs(load_settings(env={}, topic_partitions=3))}
    # One partition each: the claims catalogue (every worker reads it all) and the coordination topics
    # (one detector sees every region, streams/runtime/coordination_stage.py).
    assert specs == {"posts": 3, "posts-scored": 3, "alerts": 3, "posts-dlq": 3, "hoax-claims": 1,
                     "hoax-matches": 3, "posts-coordination": 1, "coordination-state": 1}


def test_coordination_state_is_compacted() -> None:
    specs = {s.name: s for s in topic_specs(load_settings(env={}))}
    assert specs["coordination-state"].config()["cleanup.policy"] == "compact"


def test_posts_and_dead_letters_accept_oversized_messages_so_they_can_be_rejected_with_a_reason() -> None:
    s = load_settings(env={}, max_message_bytes=1_000_000)
    configs = {spec.name: spec.config() for spec in topic_specs(s)}
    assert int(configs["posts"]["max.message.bytes"]) >= 2 * s.max_message_bytes
    assert configs["posts-dlq"]["max.message.bytes"] == configs["posts"]["max.message.bytes"]
    assert "max.message.bytes" not in configs["alerts"]
    compacted = {"hoax-claims", "coordination-state"}
    assert all(c["cleanup.policy"] == "delete" for n, c in configs.items() if n not in compacted)
