"""How every record suhu keeps in a changelog table is written and read: named, versioned, one module.

Why one long module: every stored format sits beside the others, so a change to one is reviewed
against all of them (a format is a promise to the next release, not a detail of its stage).

A stored record outlives the build that wrote it (a compacted changelog is replayed by the next
release), so nothing stored may depend on the order of a list in the code. In particular scores and
labels are stored against an explicit *signal layout*, never against ``SIGNALS.index``: adding,
removing or reordering a signal in `models.base.SIGNALS` changes how new records are written, never
how a stored one reads. docs/RELIABILITY.md ("Stored records") lists the formats.

The tables and their records (keys are strings; values are JSON):

* ``contributions`` (post dedup key -> what the post adds to its panes): a list
  ``[1, layout, region, event_ms, author, scores_bp, label_bits, post_id, partition, city, source]``.
  ``1`` is the format version (a legacy record starts with its region, a string). ``layout`` names the
  signals ``scores_bp`` (basis points) and the bits of ``label_bits`` are in: an id of
  `SIGNAL_LAYOUTS` (append-only), or, for a signal order no layout registers, the list of names itself.
  ``source`` is where the region came from, an index of `REGION_SOURCE_CODES` (append-only).
  Compact on purpose: one is written per post (a dict of names per record cost more, see the docs).
  The engine holds a live one as its JSON bytes (`ContributionCodec.encode_json`), exactly what the
  changelog carries: a worker keeps every contribution of its open windows, and the bytes take about
  a third of the memory of the decoded list (docs/OPERATIONS.md "Memory"). Decoding accepts both.
* ``engine-state``, ``"p:<partition>"`` -> the partition's clock: ``{"fmt": 1, "t", "c", "r", "w", "i",
  "lo", "e"}`` (see `encode_partition_state`; ``e`` is optional, absent from records written by
  earlier builds, and reads as ``{}``: an earlier build ignores it, so no new format).
* ``engine-state``, ``"m:<series>:<signal>"`` -> one alert state machine (streams/core/alerting.py), keyed by
  the signal's *name*: ``{"fmt": 1, "s", "sev", "n", "c", "r", "k", "b", "bn", "bt", "v", "last"}``.
* ``delivered``, alert_id -> ``{"fmt": 1, "at": unix seconds}`` (the deliver stage's mark).
* ``coordination-state`` (a compacted topic, not a Faust table), alerted cluster id -> ``{"fmt": 1, "s",
  "sev", "k", "t", "f", "d", "e"}`` (one alerted campaign, streams/core/coordination.py; see
  `encode_coordination`).

Records written before this module (no version, read as format 0): contributions as a list of 7, 8
or 9 fields ``[region, event_ms, author, scores_bp, label_bits, post_id, partition(, city(, source))]``
in the signal order of `LEGACY_SIGNALS`; state dicts without ``fmt``; a delivered mark as a bare
integer. A record of a newer format than this build knows raises `CodecError` (no silent guess).

Decoding returns positions in the order the *caller* asks for (`ContributionCodec(signals)`, by
default this build's `SIGNALS`): a signal the record has no score for reads as 0 and unlabelled, one
the caller does not know is ignored.
"""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple, Sequence

import orjson

from models.base import SIGNALS

__all__ = [
    "CodecError",
    "CONTRIBUTION_FORMAT",
    "STATE_FORMAT",
    "DELIVERED_FORMAT",
    "SIGNAL_LAYOUTS",
    "LEGACY_SIGNALS",
    "REGION_SOURCE_CODES",
    "Contribution",
    "ContributionCodec",
    "encode_contribution",
    "decode_contribution",
    "contribution_scores",
    "contribution_labels",
    "partition_key",
    "machine_key",
    "parse_state_key",
    "encode_partition_state",
    "partition_clock",
    "decode_partition_state",
    "encode_machine",
    "decode_machine",
    "encode_delivered",
    "decode_delivered",
    "COORDINATION_FORMAT",
    "encode_coordination",
    "decode_coordination",
]

CONTRIBUTION_FORMAT = 1
STATE_FORMAT = 1  # p: and m: records
DELIVERED_FORMAT = 1
COORDINATION_FORMAT = 1  # coordination-state records
FORMAT_KEY = "fmt"  # the version field of a dict record ("v" is a machine's last value)

# Signal layouts a contribution can name by id. APPEND-ONLY: never edit or reuse an entry, since stored
# records name them. A build whose SIGNALS order is none of these still works (each record then carries
# its list of names, about 60 bytes more); tests/unit/test_codecs.py asks for a new entry.
SIGNAL_LAYOUTS: dict[int, tuple[str, ...]] = {
    1: ("incivility", "hate", "provocation", "fraud_claim", "tension"),
    2: ("incivility", "hate", "provocation", "fraud_claim", "tension", "known_hoax"),  # issue 13
}
LEGACY_SIGNALS: tuple[str, ...] = SIGNAL_LAYOUTS[1]  # the order of records written before format 1

# Where a post's region came from, as stored in a contribution's ``source``. APPEND-ONLY as well
# ("none" never reaches a pane, so it has no code).
REGION_SOURCE_CODES: tuple[str, ...] = ("field", "profile", "text")


class CodecError(ValueError):
    """A stored record this build cannot read: its table, its format version and why."""

    def __init__(self, table: str, message: str, value: Any = None) -> None:
        self.table = table
        self.format = _format_of(value)
        super().__init__(f"{table}: {message}")


def _format_of(value: Any) -> Any:
    if isinstance(value, Mapping):
        return value.get(FORMAT_KEY, 0)
    if isinstance(value, (list, tuple)) and value:
        return value[0] if isinstance(value[0], int) and not isinstance(value[0], bool) else 0
    return None


# ------------------------------------------------------------------------------------- contributions
class Contribution(NamedTuple):
    """A decoded contribution: scores and label bits in the order of the codec's signals, ``source``
    an index of the codec's source names (default `streams.core.aggregation.SOURCE_NAMES`)."""

    region: str
    event_ms: int
    author: str
    scores: Sequence[int]  # basis points
    labels: int  # bit i set: labelled with signal i
    post_id: str
    partition: int
    city: str | None
    source: int


_new = tuple.__new__  # builds a Contribution from its fields without NamedTuple's Python-level __new__


class ContributionCodec:
    """Encodes contributions in one signal order and decodes any stored version into it.

    The engine builds one for its `SIGNALS`; tests build them for other orders. Decoding a record
    whose layout is the codec's own order returns its score list as is (no copy)."""

    def __init__(self, signals: Sequence[str] | None = None, sources: Sequence[str] | None = None) -> None:
        if sources is None:
            from streams.core.aggregation import SOURCE_NAMES as sources  # noqa: N811 - the panes' slots
        self.signals: tuple[str, ...] = tuple(SIGNALS if signals is None else signals)
        self.sources: tuple[str, ...] = tuple(sources)
        if len(set(self.signals)) != len(self.signals):
            raise ValueError(f"signal names repeat: {self.signals}")
        layout_id = next((i for i, names in SIGNAL_LAYOUTS.items() if names == self.signals), None)
        # What new records carry: the layout's id, or (unregistered order) the names themselves.
        self.layout: int | list[str] = layout_id if layout_id is not None else list(self.signals)
        # source slot (ours) -> stored code, and stored code -> slot
        self._source_out = [REGION_SOURCE_CODES.index(s) if s in REGION_SOURCE_CODES else 0 for s in self.sources]
        self._source_in = [self.sources.index(s) if s in self.sources else 0 for s in REGION_SOURCE_CODES]
        self._sources_as_stored = self._source_out == list(range(len(self.sources)))
        self._n, self._nsrc = len(self.signals), min(len(self.sources), len(REGION_SOURCE_CODES))
        self._legacy_own = self.signals == LEGACY_SIGNALS
        self._plans: dict[Any, tuple[tuple[int, ...], int] | None] = {}

    # -- writing -----------------------------------------------------------------------------------------
    def encode(self, c: Sequence[Any]) -> list[Any]:
        """The stored form of ``c``, a `Contribution` or a plain tuple in its field order (the engine's
        hot path builds a tuple: a third of the cost); scores and labels in this codec's order."""
        if self._sources_as_stored:
            return [CONTRIBUTION_FORMAT, self.layout, *c]
        return [CONTRIBUTION_FORMAT, self.layout, *c[:8], self._source_out[c[8]]]

    def encode_json(self, c: Sequence[Any]) -> bytes:
        """`encode` as the JSON the changelog carries: what the engine holds for a live contribution
        (one bytes object instead of a list, a score list and their numbers and strings)."""
        # Copied: orjson returns its 4 KiB output buffer with the length set short (orjson 3.x writes
        # into a bytes object it never shrinks), 30 times what the record needs; the copy is exact.
        return bytes(memoryview(orjson.dumps(self.encode(c))))

    # -- reading -----------------------------------------------------------------------------------------
    def decode(self, value: Any) -> Contribution:
        """Any stored version, decoded or as its JSON bytes -> `Contribution` in this codec's order;
        `CodecError` if unreadable."""
        if type(value) is bytes:
            value = _loads(value)
        # Fast path (a rebuild decodes every live contribution): a record of the current format in our
        # own layout, or a nine-field legacy one when our order is the legacy one, is its fields as is.
        try:
            head = value[0]
            if type(head) is int:
                if (head == CONTRIBUTION_FORMAT and len(value) == 11 and value[1] == self.layout
                        and self._sources_as_stored and len(value[5]) == self._n
                        and type(value[10]) is int and 0 <= value[10] < self._nsrc):
                    return _new(Contribution, value[2:])
            elif (type(head) is str and len(value) == 9 and self._legacy_own and len(value[3]) == self._n
                    and self._sources_as_stored and type(value[8]) is int and 0 <= value[8] < self._nsrc):
                return _new(Contribution, value)
        except (TypeError, IndexError, KeyError):
            pass
        return self._decode(value)

    def _decode(self, value: Any) -> Contribution:
        try:
            head = value[0]
            if isinstance(head, str):  # format 0: [region, event_ms, author, scores, bits, post_id, partition, ...]
                n = len(value)
                if not 7 <= n <= 9:
                    raise CodecError("contributions", f"a legacy record has 7 to 9 fields, not {n}", value)
                layout: Any = 1
                region, ev, author, scores, bits, post_id, partition = value[:7]
                city = value[7] if n > 7 else None  # records from before city windows
                code = value[8] if n > 8 else 0  # records from before region inference: the region field
            elif head == CONTRIBUTION_FORMAT and not isinstance(head, bool):
                if len(value) != 11:
                    raise CodecError("contributions", f"format 1 has 11 fields, not {len(value)}", value)
                _, layout, region, ev, author, scores, bits, post_id, partition, city, code = value
            else:
                raise CodecError("contributions", f"unknown format {head!r} (this build reads 0 and "
                                 f"{CONTRIBUTION_FORMAT})", value)
        except CodecError:
            raise
        except (TypeError, ValueError, IndexError, KeyError) as exc:
            raise CodecError("contributions", f"malformed record ({type(exc).__name__})", value) from None
        plan = self._plan(layout, value)
        if plan is not None:
            picks, stored = plan
            if len(scores) != stored:
                raise CodecError("contributions", f"{len(scores)} scores for a layout of {stored}", value)
            scores = [scores[j] if j >= 0 else 0 for j in picks]
            bits = sum(1 << i for i, j in enumerate(picks) if j >= 0 and bits >> j & 1)
        elif len(scores) != len(self.signals):
            raise CodecError("contributions", f"{len(scores)} scores for a layout of {len(self.signals)}", value)
        try:
            slot = self._source_in[code]
        except (IndexError, TypeError):
            raise CodecError("contributions", f"unknown region source code {code!r}", value) from None
        return _new(Contribution, (region, ev, author, scores, bits, post_id, partition, city, slot))

    def _plan(self, layout: Any, value: Any) -> tuple[tuple[int, ...], int] | None:
        """Where each of our signals sits in a stored layout (-1: not in it) and the layout's length;
        None when the layout is our own order."""
        key = tuple(layout) if isinstance(layout, list) else layout
        try:
            return self._plans[key]
        except KeyError:
            pass
        except TypeError:
            raise CodecError("contributions", f"bad signal layout {layout!r}", value) from None
        if isinstance(key, tuple):
            if not all(isinstance(s, str) for s in key):
                raise CodecError("contributions", f"bad signal layout {layout!r}", value)
            names = key
        elif isinstance(key, int) and not isinstance(key, bool) and key in SIGNAL_LAYOUTS:
            names = SIGNAL_LAYOUTS[key]
        else:
            raise CodecError("contributions", f"unknown signal layout {layout!r} (newer than this build?)", value)
        if names == self.signals:
            plan = None
        else:
            picks = tuple(names.index(s) if s in names else -1 for s in self.signals)
            plan = (picks, len(names))
        self._plans[key] = plan
        return plan

    def named(self, c: Contribution) -> tuple[dict[str, int], frozenset[str]]:
        """``c``'s scores by signal name and its labels as names."""
        return ({s: c.scores[i] for i, s in enumerate(self.signals)},
                frozenset(s for i, s in enumerate(self.signals) if c.labels >> i & 1))


_codecs: dict[tuple[str, ...], ContributionCodec] = {}


def _codec(signals: Sequence[str] | None) -> ContributionCodec:
    key = tuple(SIGNALS if signals is None else signals)
    codec = _codecs.get(key)
    if codec is None:
        codec = _codecs[key] = ContributionCodec(key)
    return codec


def encode_contribution(c: Contribution, signals: Sequence[str] | None = None) -> list[Any]:
    """``c`` (scores and labels in the order of ``signals``, default `SIGNALS`) as stored."""
    return _codec(signals).encode(c)


def decode_contribution(value: Any, signals: Sequence[str] | None = None) -> Contribution:
    """A stored contribution of any version, scores and labels in the order of ``signals``."""
    return _codec(signals).decode(value)


def contribution_scores(value: Any) -> dict[str, int]:
    """A stored contribution's scores (basis points) by signal name, as stored (no signal added)."""
    value = _decoded(value)
    names = _stored_signals(value)
    return dict(zip(names, _codec(names).decode(value).scores))


def contribution_labels(value: Any) -> frozenset[str]:
    """A stored contribution's labels, by name."""
    value = _decoded(value)
    codec = _codec(_stored_signals(value))
    return codec.named(codec.decode(value))[1]


def _loads(value: bytes) -> Any:
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        raise CodecError("contributions", "a record held as bytes is not JSON") from None


def _decoded(value: Any) -> Any:
    """A stored contribution as its list: bytes (as the engine holds it) parsed once."""
    return _loads(value) if type(value) is bytes else value


def _stored_signals(value: Any) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], str):
        return LEGACY_SIGNALS
    layout = value[1] if isinstance(value, (list, tuple)) and len(value) > 1 else None
    if isinstance(layout, list):
        return tuple(layout)
    if layout in SIGNAL_LAYOUTS:
        return SIGNAL_LAYOUTS[layout]
    raise CodecError("contributions", f"unknown signal layout {layout!r}", value)


# ------------------------------------------------------------------------------------- engine-state
def partition_key(partition: int) -> str:
    return f"p:{partition}"


def machine_key(series: str, signal: str) -> str:
    """``m:<series>:<signal name>`` (series names hold no ``:``, so the last one splits it off)."""
    return f"m:{series}:{signal}"


def parse_state_key(key: str) -> tuple[str, Any, str | None]:
    """``("p", partition, None)``, ``("m", series, signal)``, or ``("?", key, None)`` for a key this
    build does not know (left alone)."""
    if key.startswith("p:"):
        try:
            return "p", int(key[2:]), None
        except ValueError:
            return "?", key, None
    if key.startswith("m:"):
        series, sep, signal = key[2:].rpartition(":")
        if sep and series and signal:
            return "m", series, signal
    return "?", key, None


def partition_clock(parts: dict[int, dict[str, Any]], partition: int) -> dict[str, Any]:
    """The in-memory clock of ``partition`` in ``parts`` (created empty on first use): the one shape both
    engines (regional windows, claim spread) keep and store with `encode_partition_state`."""
    part = parts.get(partition)
    if part is None:
        part = parts[partition] = {"t": None, "c": None, "r": [], "w": {}, "i": [], "lo": None, "e": {}}
    return part


def encode_partition_state(part: Mapping[str, Any]) -> dict[str, Any]:
    """A partition's clock (streams/core/engine.py): ``t`` watermark, ``c`` newest closed window end, ``r``
    regions seen, ``w`` mark per input source, ``i`` idle sources, ``lo`` earliest event before the
    first watermark, ``e`` when each source's idleness was last reported (streams/core/watermarks.py
    `apply_report`; left out while empty). Copies, so later changes to ``part`` do not reach the
    stored value."""
    out = {FORMAT_KEY: STATE_FORMAT, "t": part["t"], "c": part["c"], "r": list(part["r"]), "w": dict(part["w"]),
           "i": list(part["i"]), "lo": part["lo"]}
    if part.get("e"):
        out["e"] = dict(part["e"])
    return out


def decode_partition_state(value: Any) -> dict[str, Any]:
    """Any stored version -> ``{"t", "c", "r", "w", "i", "lo", "e"}`` (fresh lists and dicts)."""
    _check_dict("engine-state p:", value, STATE_FORMAT)
    return {"t": value.get("t"), "c": value.get("c"), "r": list(value.get("r") or ()),
            "w": dict(value.get("w") or {}), "i": list(value.get("i") or ()), "lo": value.get("lo"),
            "e": dict(value.get("e") or {})}


def encode_machine(state: Mapping[str, Any]) -> dict[str, Any]:
    """An alert state machine (streams/core/alerting.py `new_state`) as stored; ``last`` is the last alert's
    dict (the `alerts` record, Alert.to_dict)."""
    out = dict(state)
    out[FORMAT_KEY] = STATE_FORMAT
    return out


def decode_machine(value: Any) -> dict[str, Any]:
    """Any stored version -> the state machine dict `streams.core.alerting.step` takes."""
    _check_dict("engine-state m:", value, STATE_FORMAT)
    out = dict(value)
    out.pop(FORMAT_KEY, None)
    return out


# ------------------------------------------------------------------------------------- delivered
def encode_delivered(at: float) -> dict[str, Any]:
    """The mark the deliver stage writes once the pagers took an alert (``at``: unix seconds)."""
    return {FORMAT_KEY: DELIVERED_FORMAT, "at": int(at)}


def decode_delivered(value: Any) -> int | None:
    """When an alert was marked delivered, or None when it is not marked (no record, a tombstone)."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)  # format 0: the bare time
    _check_dict("delivered", value, DELIVERED_FORMAT)
    at = value.get("at")
    if not isinstance(at, (int, float)) or isinstance(at, bool):
        raise CodecError("delivered", f"no time in {value!r}", value)
    return int(at)


# ------------------------------------------------------------------------------------- coordination-state
def encode_coordination(state: Mapping[str, Any]) -> dict[str, Any]:
    """An alerted campaign as the coordination detector keeps it: ``s`` status, ``sev`` severity, ``k``
    member keys (adoption after a restart), ``t`` last transition (event ms), ``f`` first alert, ``d``
    the firing alert's coordination fields, ``e`` example post ids, ``g`` (optional, absent in older
    records) the campaign hashtag it fired on (one alert per tag, also after a restart)."""
    out = dict(state)
    out[FORMAT_KEY] = COORDINATION_FORMAT
    return out


def decode_coordination(value: Any) -> dict[str, Any]:
    """Any stored version (format 0: the same without ``fmt``) -> the dict the detector keeps."""
    _check_dict("coordination-state", value, COORDINATION_FORMAT)
    if not isinstance(value.get("s"), str):
        raise CodecError("coordination-state", f"no status in {value!r}", value)
    out = dict(value)
    out.pop(FORMAT_KEY, None)
    return out


def _check_dict(table: str, value: Any, newest: int) -> None:
    if not isinstance(value, Mapping):
        raise CodecError(table, f"expected a JSON object, got {type(value).__name__}", value)
    fmt = value.get(FORMAT_KEY, 0)
    if not isinstance(fmt, int) or isinstance(fmt, bool) or not 0 <= fmt <= newest:
        raise CodecError(table, f"unknown format {fmt!r} (this build reads 0 to {newest})", value)
