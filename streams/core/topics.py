"""Every Kafka topic suhu uses, in one place: names, partitions, retention, keys."""

from __future__ import annotations

from dataclasses import dataclass

from streams.core.settings import Settings

POSTS = "posts"  # input: one JSON post per message, any key (producers use platform:id)
POSTS_SCORED = "posts-scored"  # validated, pseudonymised, scored posts; key = region code
ALERTS = "alerts"  # the durable record of every alert transition; key = dedup_key
POSTS_DLQ = "posts-dlq"  # original bytes + reason headers for every rejected message
HOAX_CLAIMS = "hoax-claims"  # the debunked-claims catalogue, compacted; key = claim id, a tombstone deletes
HOAX_MATCHES = "hoax-matches"  # posts spreading a catalogue claim (ids, never text); key = claim id
# Coordinated campaigns (streams/runtime/coordination_stage.py): ONE partition, so one detector sees every region.
POSTS_COORDINATION = "posts-coordination"  # fingerprints of scored posts (no text); key "c"
COORDINATION_STATE = "coordination-state"  # compacted: alerted cluster id -> its alert state

DLQ_REASON_HEADER = "suhu-dlq-reason"
DLQ_DETAIL_HEADER = "suhu-dlq-detail"
DLQ_SOURCE_HEADER = "suhu-dlq-source"  # topic/partition/offset of the original message

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    retention_ms: int
    cleanup_policy: str = "delete"
    max_message_bytes: int | None = None

    def config(self) -> dict[str, str]:
        cfg = {"retention.ms": str(self.retention_ms), "cleanup.policy": self.cleanup_policy}
        if self.max_message_bytes:
            cfg["max.message.bytes"] = str(self.max_message_bytes)
        return cfg


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """The topics `suhu topics create` and the worker ensure exist (Faust makes its own internals)."""
    p = settings.topic_partitions
    # Allow oversized messages in so the validator can dead-letter them with a reason
    # instead of the producer failing opaquely; the DLQ must accept the same size.
    big = max(settings.max_message_bytes, 1_000_000) * 4
    return [
        TopicSpec(settings.topic(POSTS), p, int(settings.posts_retention_hours * HOUR_MS), max_message_bytes=big),
        TopicSpec(settings.topic(POSTS_SCORED), p, int(settings.scored_retention_hours * HOUR_MS)),
        TopicSpec(settings.topic(ALERTS), p, int(settings.alerts_retention_days * DAY_MS)),
        TopicSpec(settings.topic(POSTS_DLQ), p, int(settings.dlq_retention_days * DAY_MS), max_message_bytes=big),
        # One partition: every worker reads the whole catalogue (a few MB at 20,000 claims), in order.
        TopicSpec(settings.topic(HOAX_CLAIMS), 1, -1, cleanup_policy="compact"),
        TopicSpec(settings.topic(HOAX_MATCHES), p, int(settings.scored_retention_hours * HOUR_MS)),
        TopicSpec(settings.topic(POSTS_COORDINATION), 1, 6 * HOUR_MS),
        TopicSpec(settings.topic(COORDINATION_STATE), 1, int(settings.alerts_retention_days * DAY_MS),
                  cleanup_policy="compact"),
    ]
