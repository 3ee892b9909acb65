"""`suhu produce`: send JSONL or CSV posts to the `posts` topic, as fast as possible or paced.

JSONL lines travel as their original bytes, unparsable ones included: validation and
dead-lettering are the worker's job, and a producer that silently skipped bad lines would hide
exactly the input the operations room needs to see. The pure parts (CSV conversion, message
keys, pacing) are plain functions; `produce_lines` is the thin Kafka shell around them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

import click
import orjson

from streams.core import topics
from streams.core.formatting import format_rfc3339
from streams.core.records import DEFAULT_PLATFORM
from streams.core.settings import Settings

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10.0


class ProducerUnavailable(RuntimeError):
    """No broker answered at the configured bootstrap address."""


@dataclass(frozen=True, slots=True)
class ProduceResult:
    sent: int  # acknowledged by the broker (acks=all)
    errors: int  # failed after the client's retries
    seconds: float
    blank: int = 0  # empty lines, counted (not posts, nothing to send)

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        blank = f", {self.blank} blank lines skipped" if self.blank else ""
        return (f"sent {self.sent} posts, {self.errors} errors{blank} in {self.seconds:.2f}s "
                f"({self.rate:,.0f} posts/s)")


# ---------------------------------------------------------------------------------------------
# pure helpers


def _now_rfc3339() -> str:
    return format_rfc3339(dt.datetime.now(dt.timezone.utc), "milliseconds")


def csv_to_json_lines(
    rows: Iterable[str], stem: str, now: Callable[[], str] = _now_rfc3339
) -> Iterator[bytes]:
    """CSV with a `text` column -> post JSON: other columns become fields, gaps get defaults.

    A missing `id` becomes ``{stem}-{row}`` (1-based data row); a missing `created_at` becomes
    the time of sending, which is why this is lazy and `now` is called per row.
    """
    reader = csv.DictReader(rows)
    fields = reader.fieldnames or []
    text_col = next((f for f in fields if f and f.strip().lower() == "text"), None)
    if text_col is None:
        raise ValueError(f"CSV has no 'text' column (columns: {', '.join(f for f in fields if f) or 'none'})")
    for row_number, row in enumerate(reader, start=1):
        post: dict[str, Any] = {}
        for key, value in row.items():
            if key is None:  # more cells than headers: keep them rather than drop them
                post["extra_cells"] = value
                continue
            name = key.strip()
            if name == text_col.strip():
                post["text"] = value if value is not None else ""
            elif value not in (None, ""):
                post[name] = value
        post.setdefault("text", "")
        if not str(post.get("id", "")).strip():
            post["id"] = f"{stem}-{row_number}"
        if not str(post.get("created_at", "")).strip():
            post["created_at"] = now()
        yield orjson.dumps(post)


def jsonl_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """Each line without its terminator; the content otherwise byte-for-byte as read."""
    for raw in stream:
        yield raw.rstrip(b"\r\n")


def parse_line(line: bytes) -> tuple[bytes | None, int | None]:
    """(message key, created_at as epoch ms) where the line allows; (None, None) where it does not."""
    try:
        doc = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None, None
    if not isinstance(doc, dict):
        return None, None
    key = None
    post_id = doc.get("id")
    if isinstance(post_id, (str, int)) and not isinstance(post_id, bool) and str(post_id):
        platform = doc.get("platform")
        platform = platform if isinstance(platform, str) and platform else DEFAULT_PLATFORM
        key = f"{platform}:{post_id}".encode("utf-8", "replace")
    return key, _event_ms(doc.get("created_at"))


def _event_ms(value: Any) -> int | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:
        return None
    return int(t.timestamp() * 1000)


class Pacer:
    """When each message is due: a fixed rate, or the file's own event-time gaps sped up.

    Due times are computed from the start (no drift from sleep overshoot). With `speed`, a
    message whose created_at is missing or earlier than the latest seen goes out at once: replay
    keeps the stream's disorder instead of stalling on it.
    """

    def __init__(self, rate: float | None = None, speed: float | None = None) -> None:
        if rate is not None and speed is not None:
            raise ValueError("give either rate or speed, not both")
        if rate is not None and rate <= 0:
            raise ValueError("rate must be > 0 posts/s")
        if speed is not None and speed <= 0:
            raise ValueError("speed must be > 0")
        self.rate = rate
        self.speed = speed
        self._count = 0
        self._start: float | None = None
        self._first_event: int | None = None
        self._max_event: int | None = None

    @property
    def paced(self) -> bool:
        return self.rate is not None or self.speed is not None

    def due(self, now: float, event_ms: int | None) -> float:
        """Seconds to wait (>= 0) before sending the next message, given the clock `now`."""
        if self._start is None:
            self._start = now
        i = self._count
        self._count += 1
        if self.rate is not None:
            return max(0.0, self._start + i / self.rate - now)
        if self.speed is None or event_ms is None:
            return 0.0
        if self._first_event is None:
            self._first_event = self._max_event = event_ms
            return 0.0
        assert self._max_event is not None
        if event_ms <= self._max_event:
            return 0.0
        self._max_event = event_ms
        target = self._start + (event_ms - self._first_event) / 1000 / self.speed
        return max(0.0, target - now)


# ---------------------------------------------------------------------------------------------
# the Kafka shell


def _posts_max_bytes(settings: Settings) -> int:
    """The posts topic accepts oversized messages so the worker can dead-letter them: match it."""
    name = settings.topic(topics.POSTS)
    spec = next(s for s in topics.topic_specs(settings) if s.name == name)
    return spec.max_message_bytes or settings.max_message_bytes


def make_producer(settings: Settings) -> Any:
    from kafka import KafkaProducer
    from kafka.errors import KafkaError  # NoBrokersAvailable / KafkaTimeoutError are subclasses

    try:
        return KafkaProducer(
            bootstrap_servers=settings.bootstrap(),
            acks="all",
            linger_ms=20,
            batch_size=512 * 1024,
            max_request_size=_posts_max_bytes(settings),
            max_block_ms=int(CONNECT_TIMEOUT_S * 1000),
            bootstrap_timeout_ms=int(CONNECT_TIMEOUT_S * 1000),
            client_id="suhu-produce",
            **settings.kafka_python_security(),
        )
    except KafkaError as exc:
        raise ProducerUnavailable(
            f"no Kafka at {settings.bootstrap()}: run `suhu kafka up` or set SUHU_KAFKA_BOOTSTRAP "
            f"({type(exc).__name__})"
        ) from None


def produce_lines(
    settings: Settings,
    lines: Iterable[bytes],
    rate: float | None = None,
    speed: float | None = None,
    progress: bool = False,
    total: int | None = None,
    producer: Any = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> ProduceResult:
    """Send every non-empty line to the posts topic; returns counts once all are acknowledged."""
    pacer = Pacer(rate=rate, speed=speed)
    own_producer = producer is None
    if producer is None:
        producer = make_producer(settings)
    topic = settings.topic(topics.POSTS)
    errors = 0
    sent = 0
    blank = 0
    error_kinds: dict[str, int] = {}

    def on_ok(_: Any) -> None:
        nonlocal sent
        sent += 1

    def on_error(exc: BaseException) -> None:
        nonlocal errors
        errors += 1
        kind = type(exc).__name__
        if kind not in error_kinds:
            log.warning("send failed: %s (further %s errors are counted, not logged)", kind, kind)
        error_kinds[kind] = error_kinds.get(kind, 0) + 1

    bar = _progress_bar(total) if progress else None
    started = clock()
    try:
        for line in lines:
            if not line.strip():
                blank += 1
                continue
            key, event_ms = parse_line(line)
            if pacer.paced:
                wait = pacer.due(clock(), event_ms)
                if wait > 0:
                    sleep(wait)
            try:
                future = producer.send(topic, value=line, key=key)
            except Exception as exc:  # noqa: BLE001 - counted and reported; the loop goes on
                on_error(exc)
            else:
                future.add_callback(on_ok)
                future.add_errback(on_error)
            if bar is not None:
                bar[0].advance(bar[1])
        producer.flush()
    finally:
        if bar is not None:
            bar[0].stop()
        if own_producer:
            producer.close(timeout=CONNECT_TIMEOUT_S)
    return ProduceResult(sent=sent, errors=errors, seconds=clock() - started, blank=blank)


def _progress_bar(total: int | None) -> tuple[Any, Any]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("producing"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task("posts", total=total)
    progress.start()
    return progress, task


def _count_lines(path: Path) -> int | None:
    """A cheap total for the progress bar, for files small enough to scan twice."""
    if path.stat().st_size > 2 * 1024**3:
        return None
    n = 0
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            n += chunk.count(b"\n")
    return n


@click.command("produce")
@click.argument("source", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--rate", type=float, default=None, help="Send at N posts per second.")
@click.option("--speed", type=float, default=None,
              help="Replay created_at gaps X times faster (1 = real time).")
@click.option("--format", "fmt", type=click.Choice(["auto", "jsonl", "csv"]), default="auto", show_default=True,
              help="Input format; auto: .csv files are CSV, everything else JSONL.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_context
def produce_command(ctx: click.Context, source: str, rate: float | None, speed: float | None, fmt: str,
                    quiet: bool) -> None:
    """Send JSONL (or CSV with a `text` column) posts from SOURCE (a file, or - for stdin)."""
    from streams.tooling.cli_context import get_settings

    if rate is not None and speed is not None:
        raise click.UsageError("give either --rate or --speed, not both")
    if (rate is not None and rate <= 0) or (speed is not None and speed <= 0):
        raise click.UsageError("--rate and --speed must be > 0")
    settings = get_settings(ctx)
    path = None if source == "-" else Path(source)
    if path is not None and not path.is_file():
        raise click.UsageError(f"{source}: no such file")
    is_csv = fmt == "csv" or (fmt == "auto" and path is not None and path.suffix.lower() == ".csv")
    show = not quiet and sys.stderr.isatty()
    total = _count_lines(path) if (show and path is not None and not is_csv) else None

    stream: IO[bytes] = sys.stdin.buffer if path is None else path.open("rb")
    try:
        if is_csv:
            text_rows = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
            stem = path.stem if path is not None else "stdin"
            lines: Iterable[bytes] = csv_to_json_lines(text_rows, stem)
        else:
            lines = jsonl_lines(stream)
        try:
            result = produce_lines(settings, lines, rate=rate, speed=speed, progress=show, total=total)
        except ValueError as exc:  # CSV without a text column
            raise click.ClickException(str(exc)) from None
        except ProducerUnavailable as exc:
            click.echo(f"suhu produce: {exc}", err=True)
            sys.exit(1)
    finally:
        if path is not None:
            stream.close()
    click.echo(result.summary())
    if result.errors:
        sys.exit(1)


__all__ = [
    "Pacer",
    "ProduceResult",
    "ProducerUnavailable",
    "csv_to_json_lines",
    "jsonl_lines",
    "make_producer",
    "parse_line",
    "produce_command",
    "produce_lines",
]
