"""The bare ceiling: consume `posts`, parse the JSON, produce to another topic keyed by region.

Same client library as Faust (aiokafka), same commit discipline (commit after the producer
flushed, about once a second), no validation, no scoring, no state: the fastest a single Python
process can move these posts through this broker. Run by bench/bench_e2e.py as its own process.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def run(bootstrap: str, source: str, sink: str, group: str) -> None:
    consumer = AIOKafkaConsumer(
        source, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
        enable_auto_commit=False, max_partition_fetch_bytes=8 * 1024 * 1024, fetch_max_bytes=8 * 1024 * 1024,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, max_request_size=8 * 1024 * 1024)
    await consumer.start()
    await producer.start()
    last_commit = time.monotonic()
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=200, max_records=2000)
            for records in batches.values():
                for rec in records:
                    doc = orjson.loads(rec.value)
                    region = doc.get("region") if isinstance(doc, dict) else None
                    await producer.send(sink, key=str(region).encode(), value=rec.value)
            if time.monotonic() - last_commit >= 1.0:
                await producer.flush()
                await consumer.commit()
                last_commit = time.monotonic()
    finally:
        await producer.stop()
        await consumer.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--sink", required=True)
    ap.add_argument("--group", required=True)
    a = ap.parse_args()
    try:
        asyncio.run(run(a.bootstrap, a.source, a.sink, a.group))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
