"""Election calendars: which phase a region is in at a given event time.

Thresholds depend on the phase (a heated campaign is normal; the same heat during masa tenang
is not), and a phase boundary is midnight in the region's own time zone: 23:30 WIB on 10 Feb
in Jakarta is still campaign while the same instant, 01:30 WIT on 11 Feb in Papua, is already
masa tenang. Calendars are YAML; the built-in ones ship in ``streams/calendars/`` and are read
by the same loader as user files.

YAML format::

    name: pilkada-contoh            # required
    description: free text          # optional
    phases:                         # required: contiguous, in order, dates inclusive (YYYY-MM-DD)
      - {phase: campaign, start: 2024-09-25, end: 2024-11-23}
      - {phase: masa_tenang, start: 2024-11-24, end: 2024-11-26}
      - {phase: voting, start: 2024-11-27, end: 2024-11-27}
      - {phase: counting, start: 2024-11-28, end: 2024-12-16}
    applies_to: [ID-JK, Jabar]      # optional: regions holding this election (any spelling)
    outside: pre_campaign           # optional: the phase of every other region (default pre_campaign)
    regions:                        # optional: a whole replacement schedule for some regions
      ID-AC:
        phases: [...]

Before the first listed phase a region is in ``pre_campaign``; after the last one's end it is
in ``post_election`` (the last phase may omit ``end`` to stay open). Phase names are ``PHASES``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import yaml

from streams.core.regions import PROVINCE_BY_CODE, normalize_region, utc_offset_ms

# The one place phases are named, in chronological order.
PHASES: tuple[str, ...] = ("pre_campaign", "campaign", "masa_tenang", "voting", "counting", "post_election")

DAY_MS = 86_400_000
_EPOCH = dt.date(1970, 1, 1)
_DEFAULT_OFFSET_MS = 7 * 3_600_000  # unknown regions are read as WIB (see regions.tz_for)
_CACHE_LIMIT = 100_000


class _Loader(yaml.SafeLoader):
    """Leaves dates as text, so that a bad one (2024-02-30) gets our error message, not PyYAML's."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


class CalendarError(ValueError):
    """A calendar file is missing, malformed, or describes impossible phases."""


@dataclass(frozen=True, slots=True)
class PhaseSpan:
    phase: str
    start: dt.date
    end: dt.date | None  # inclusive; None = open-ended


@dataclass(frozen=True)
class Schedule:
    """One region's phases as epoch-day ranges, searchable by bisection."""

    spans: tuple[PhaseSpan, ...]
    before: str = "pre_campaign"
    after: str = "post_election"

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", [_epoch_day(s.start) for s in self.spans])

    def phase_on_day(self, day: int) -> str:
        starts: list[int] = self._starts  # type: ignore[attr-defined]
        i = bisect.bisect_right(starts, day) - 1
        if i < 0:
            return self.before
        span = self.spans[i]
        if span.end is not None and day > _epoch_day(span.end):
            return self.after
        return span.phase


def _epoch_day(d: dt.date) -> int:
    return (d - _EPOCH).days


class ElectionCalendar:
    def __init__(
        self,
        name: str,
        default: Schedule,
        overrides: Mapping[str, Schedule] | None = None,
        description: str = "",
        source: str = "",
    ) -> None:
        self.name = name
        self.description = description
        self.source = source
        self.default = default
        self.overrides: dict[str, Schedule] = dict(overrides or {})
        self._cache: dict[tuple[int, str], str] = {}

    def schedule_for(self, region_code: str) -> Schedule:
        return self.overrides.get(region_code, self.default)

    def phase_at(self, event_ms: int, region_code: str) -> str:
        """The phase in force at `event_ms` (UTC epoch ms) on the region's local calendar day."""
        if region_code in PROVINCE_BY_CODE:
            offset = utc_offset_ms(region_code)
        else:
            offset = _DEFAULT_OFFSET_MS
        day = (int(event_ms) + offset) // DAY_MS
        key = (day, region_code)
        phase = self._cache.get(key)
        if phase is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            phase = self._cache[key] = self.schedule_for(region_code).phase_on_day(day)
        return phase

    def phase_on(self, day: dt.date, region_code: str) -> str:
        """The phase on a local calendar day (for reports and tests)."""
        return self.schedule_for(region_code).phase_on_day(_epoch_day(day))

    def __repr__(self) -> str:
        return f"ElectionCalendar({self.name!r}, overrides={sorted(self.overrides)})"


# ---------------------------------------------------------------------------------------------
# loading


def builtin_calendars() -> tuple[str, ...]:
    folder = resources.files("streams") / "calendars"
    return tuple(sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml")))


def load_calendar(name_or_path: str | Path) -> ElectionCalendar:
    """A built-in calendar by name (``pemilu-2024``) or a YAML file by path."""
    text: str
    source: str
    ref = str(name_or_path)
    builtin = resources.files("streams") / "calendars" / f"{ref}.yaml"
    if "/" not in ref and "\\" not in ref and not ref.endswith((".yaml", ".yml")) and builtin.is_file():
        text, source = builtin.read_text(encoding="utf-8"), f"built-in {ref}"
    else:
        path = Path(ref).expanduser()
        if not path.is_file():
            raise CalendarError(
                f"calendar {ref!r}: neither a built-in calendar ({', '.join(builtin_calendars())}) nor a file"
            )
        text, source = path.read_text(encoding="utf-8"), str(path)
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise CalendarError(f"{source}: not valid YAML: {exc}") from None
    return parse_calendar(data, source=source)


def parse_calendar(data: Any, source: str = "<calendar>") -> ElectionCalendar:
    if not isinstance(data, dict):
        raise CalendarError(f"{source}: a calendar must be a mapping with 'name' and 'phases'")
    known = {"name", "description", "phases", "regions", "applies_to", "outside"}
    unknown = sorted(set(map(str, data)) - known)
    if unknown:
        raise CalendarError(f"{source}: unknown key(s) {', '.join(unknown)} (expected {', '.join(sorted(known))})")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise CalendarError(f"{source}: 'name' is required")
    default = _parse_schedule(data.get("phases"), f"{source}: phases")

    overrides: dict[str, Schedule] = {}
    applies_to = data.get("applies_to")
    if applies_to is not None:
        if not isinstance(applies_to, list) or not applies_to:
            raise CalendarError(f"{source}: 'applies_to' must be a non-empty list of regions")
        outside = data.get("outside", "pre_campaign")
        _check_phase(outside, f"{source}: outside")
        holding = {_region_code(r, f"{source}: applies_to") for r in applies_to}
        quiet = Schedule((), before=outside, after=outside)
        overrides.update({code: quiet for code in PROVINCE_BY_CODE if code not in holding})
    elif "outside" in data:
        raise CalendarError(f"{source}: 'outside' only makes sense together with 'applies_to'")

    regions = data.get("regions") or {}
    if not isinstance(regions, dict):
        raise CalendarError(f"{source}: 'regions' must map a region to {{phases: [...]}}")
    for raw_region, body in regions.items():
        code = _region_code(raw_region, f"{source}: regions")
        where = f"{source}: regions.{raw_region}"
        if not isinstance(body, dict) or set(body) != {"phases"}:
            raise CalendarError(f"{where}: expected a mapping with exactly one key, 'phases'")
        overrides[code] = _parse_schedule(body["phases"], f"{where}.phases")
    return ElectionCalendar(
        name.strip(), default, overrides, description=str(data.get("description") or ""), source=source
    )


def _region_code(raw: Any, where: str) -> str:
    code = normalize_region(raw).code
    if code not in PROVINCE_BY_CODE:
        raise CalendarError(f"{where}: {raw!r} is not an Indonesian province")
    return code


def _check_phase(phase: Any, where: str) -> str:
    if phase not in PHASES:
        raise CalendarError(f"{where}: unknown phase {phase!r} (expected one of {', '.join(PHASES)})")
    return str(phase)


def _parse_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise CalendarError(f"{where}: {value!r} has a time; phases are whole local days (YYYY-MM-DD)")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 10 and text[:4].isdigit():
            raise CalendarError(f"{where}: {value!r} has a time; phases are whole local days (YYYY-MM-DD)")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise CalendarError(f"{where}: {value!r} is not a date (YYYY-MM-DD)")


def _parse_schedule(raw: Any, where: str) -> Schedule:
    if not isinstance(raw, list) or not raw:
        raise CalendarError(f"{where}: a non-empty list of {{phase, start, end}} is required")
    spans: list[PhaseSpan] = []
    for i, item in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(item, dict):
            raise CalendarError(f"{at}: expected a mapping with phase, start, end")
        extra = sorted(set(map(str, item)) - {"phase", "start", "end"})
        if extra:
            raise CalendarError(f"{at}: unknown key(s) {', '.join(extra)}")
        phase = _check_phase(item.get("phase"), at)
        if "start" not in item:
            raise CalendarError(f"{at}: 'start' is required")
        start = _parse_date(item["start"], f"{at}.start")
        end = None if item.get("end") is None else _parse_date(item["end"], f"{at}.end")
        if end is not None and end < start:
            raise CalendarError(f"{at}: {phase} ends ({end}) before it starts ({start})")
        if end is None and i != len(raw) - 1:
            raise CalendarError(f"{at}: only the last phase may omit 'end'")
        if spans:
            prev = spans[-1]
            assert prev.end is not None
            if start <= prev.end:
                raise CalendarError(
                    f"{at}: {phase} starting {start} overlaps {prev.phase} ({prev.start} to {prev.end})"
                )
            if start != prev.end + dt.timedelta(days=1):
                raise CalendarError(
                    f"{at}: gap between {prev.phase} (ends {prev.end}) and {phase} (starts {start}); "
                    "phases must be contiguous"
                )
        spans.append(PhaseSpan(phase, start, end))
    return Schedule(tuple(spans))


__all__ = [
    "PHASES",
    "CalendarError",
    "ElectionCalendar",
    "PhaseSpan",
    "Schedule",
    "builtin_calendars",
    "load_calendar",
    "parse_calendar",
]
