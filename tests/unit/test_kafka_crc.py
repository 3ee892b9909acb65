"""kafka-python checks every fetched record batch's CRC-32C. With the `crc32c` C extension (a declared
dependency) that check is not what bounds a worker's recovery reads; without it kafka-python silently
falls back to pure Python, about 4 MiB/s, and re-reading an `alerts` partition or a coordination window
takes minutes (bench/bench_recovery_read.py). These tests fail where an install step lost the extension."""

from __future__ import annotations

import os

from kafka.record._crc32c import crc as crc32c_python
from kafka.record.default_records import DefaultRecordBatch, DefaultRecordBatchBuilder

from streams.runtime.partition_reader import native_crc32c


def test_kafka_python_checks_crcs_with_the_c_extension() -> None:
    assert native_crc32c(), "the crc32c package is missing: pip install -e . (it is a dependency of suhu)"


def test_the_c_extension_computes_kafkas_crc32c() -> None:
    from crc32c import crc32c

    for data in (b"", b"123456789", os.urandom(4096)):
        assert crc32c(data) == crc32c_python(memoryview(data))
    assert crc32c(b"123456789") == 0xE3069283  # the Castagnoli check value


def test_a_record_batch_built_and_read_back_passes_its_crc_check_and_a_flipped_byte_fails_it() -> None:
    builder = DefaultRecordBatchBuilder(magic=2, compression_type=0, is_transactional=False, producer_id=-1,
                                        producer_epoch=-1, base_sequence=-1, batch_size=1 << 20)
    for i in range(100):
        builder.append(i, timestamp=1_700_000_000_000 + i, key=None, value=b'{"kind":"x","i":%d}' % i, headers=[])
    raw = bytearray(builder.build())
    assert DefaultRecordBatch(bytes(raw)).validate_crc()
    raw[-5] ^= 0xFF  # inside the last record's value: covered by the CRC
    assert not DefaultRecordBatch(bytes(raw)).validate_crc()
