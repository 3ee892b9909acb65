"""Recovery reads through kafka-python: how fast a worker re-reads the topics it rebuilds state from.

On assignment the deliver stage re-reads its whole `alerts` partition (its firing alerts,
streams/runtime/delivery_stage.py) and the coordination stage re-reads the last window of
`posts-coordination` (streams/runtime/coordination_stage.py `read_since`), both with a kafka-python
consumer, each under a 120 s deadline. kafka-python checks every record batch's CRC-32C; without the
`crc32c` C extension it does so in pure Python (kafka/record/util.py falls back to
kafka/record/_crc32c.py), and that check, not the network, bounds the read. This bench times both reads
with the C extension and with the pure-Python fallback forced, on one local broker:

    .venv/bin/python bench/bench_recovery_read.py [--mib 100] [--out var/bench/recovery_read.json]

Records: fingerprint batches as the scoring stage writes them (256 posts each, `fingerprints_record`) and
alert records as the aggregate stage writes them (`Alert.to_dict`, one per message).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.bench_e2e import free_ports, loadavg  # noqa: E402
from streams.core.coordination import CoordPost, fingerprints_record  # noqa: E402
from streams.core.records import Alert  # noqa: E402
from streams.core.settings import load_settings  # noqa: E402
from streams.runtime.coordination_stage import read_since  # noqa: E402
from streams.runtime.partition_reader import PartitionReader, native_crc32c  # noqa: E402
from streams.tooling.kafka_runtime import start_local_kafka  # noqa: E402


def _fingerprint_record(batch: int, base_ms: int) -> bytes:
    posts = [CoordPost(f"x:{batch}-{i}", f"{batch}-{i}", base_ms + batch * 256 + i, f"a{i:015d}", "ID-JK",
                       tuple(range(4_000_000 + i, 4_000_024 + i)), ("tag",), False, 0.1, 0.0, None, None)
             for i in range(256)]
    return orjson.dumps(fingerprints_record(posts))


def _alert_record(i: int) -> bytes:
    alert = Alert(
        alert_id=f"{i:032x}", dedup_key=f"suhu:ID-JK:hate:{i % 97}", status="firing", severity="warning",
        region="ID-JK", region_name="DKI Jakarta", signal="hate", value=0.42, threshold=0.35, baseline=0.12,
        window_start="2024-02-14T03:00:00Z", window_end="2024-02-14T03:15:00Z", phase="voting", post_count=812,
        author_count=640, example_post_ids=("1758000000000000001", "1758000000000000002", "1758000000000000003"),
        summary_id="Ujaran kebencian di DKI Jakarta: 42 % unggahan (ambang 35 %)",
        summary_en="Hate speech in DKI Jakarta: 42 % of posts (threshold 35 %)", emitted_at="2024-02-14T03:16:00Z")
    return orjson.dumps(alert.to_dict())


def _produce(bootstrap: str, topic: str, bodies: Callable[[int], bytes], mib: int) -> tuple[int, int]:
    from kafka import KafkaProducer
    from kafka.admin import KafkaAdminClient, NewTopic

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    admin.create_topics([NewTopic(topic, 1, 1)])
    admin.close()
    producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, batch_size=1 << 20, max_request_size=2 << 20)
    n = size = 0
    while size < mib << 20:
        body = bodies(n)
        producer.send(topic, body)
        n += 1
        size += len(body)
    producer.flush()
    producer.close()
    return n, size


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mib", type=int, default=100, help="MiB written to each topic")
    ap.add_argument("--out", type=Path, default=REPO / "var" / "bench" / "recovery_read.json")
    a = ap.parse_args()

    import kafka.record.default_records as default_records
    from kafka.record._crc32c import crc as crc32c_python

    native = default_records.calc_crc32c
    rows = []
    with tempfile.TemporaryDirectory(prefix="suhu-bench-") as d:
        tmp = Path(d)
        port, ctl = free_ports(2)
        ks = load_settings(env={}, data_dir=tmp, kafka_local_port=port, kafka_local_controller_port=ctl)
        kafka = start_local_kafka(ks, data_dir=tmp / "kafka", die_with_parent=True)
        try:
            settings = load_settings(env={}, kafka_bootstrap=kafka.bootstrap, data_dir=tmp)

            def open_reader() -> Any:
                from kafka import KafkaConsumer
                return KafkaConsumer(bootstrap_servers=kafka.bootstrap, group_id=None, enable_auto_commit=False,
                                     auto_offset_reset="earliest", **settings.kafka_python_security())

            fp_n, fp_bytes = _produce(kafka.bootstrap, "fingerprints", lambda i: _fingerprint_record(i, 1_700_000_000_000), a.mib)
            al_n, al_bytes = _produce(kafka.bootstrap, "alerts", _alert_record, a.mib)
            reads = {
                "fingerprints": (fp_n, fp_bytes, "`read_since` of `posts-coordination` (coordination stage)",
                                 lambda: read_since(open_reader, "fingerprints", 0, fp_n, timeout_s=3600.0)),
                "alerts": (al_n, al_bytes, "`PartitionReader.read_all` of `alerts` (deliver stage)",
                           lambda: PartitionReader(open_reader).read_all("alerts", 0, 3600.0)),
            }
            for crc_name, crc in (("C extension (crc32c)", native), ("pure Python (kafka-python fallback)", crc32c_python)):
                if crc is native and not native_crc32c():
                    continue  # the C extension is not installed: only the fallback can be timed
                default_records.calc_crc32c = crc
                try:
                    for name, (n, size, path, read) in reads.items():
                        got, wall, cpu = _timed(read)
                        rows.append({"records": name, "path": path, "crc": crc_name, "messages": n,
                                     "mib": round(size / 2**20, 1), "read": len(got), "seconds": round(wall, 2),
                                     "cpu_s": round(cpu, 2), "mib_per_s": round(size / 2**20 / wall, 1)})
                        print(rows[-1], flush=True)
                finally:
                    default_records.calc_crc32c = native
        finally:
            kafka.stop()
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_bytes(orjson.dumps({"command": " ".join(["bench/bench_recovery_read.py", *sys.argv[1:]]),
                                    "rows": rows, "load": loadavg(), "native_crc32c": native_crc32c()},
                                   option=orjson.OPT_INDENT_2))
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
