"""The thresholds file: one validated YAML that says when a region's window is alarming.

Validation happens once, at load, with the path to the offending key in the message, so a typo
fails `suhu thresholds check` (and worker start-up) instead of silently never paging.

Why one long module: the thresholds file's schema, its validation with paths in the messages, and
the lookup by region and phase belong to one record.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import yaml

from models.base import SIGNALS
from streams.core.aggregation import METRICS
from streams.core.formatting import format_level

log = logging.getLogger(__name__)

__all__ = [
    "ThresholdsError",
    "Level",
    "BaselineRule",
    "Rule",
    "Thresholds",
    "load_thresholds",
    "parse_thresholds",
    "explain",
    "DEFAULT_THRESHOLDS",
]

SEVERITIES = ("warning", "critical")
DEFAULT_THRESHOLDS = "defaults/thresholds.yaml"  # inside the streams package
_KNOBS = ("metric", "min_posts", "min_authors", "consecutive_windows", "consecutive_clear",
          "reminder_windows", "baseline", "min_declared_share", "warning_margin_z")
_BASELINE_KEYS = ("half_life_minutes", "warmup_windows", "min_rise", "ratio", "clear_rise")
# City windows reuse the province's levels, metric and baseline rule; only how much evidence a
# window needs and how quickly it fires/clears can differ (a city has fewer posts than its province).
_CITY_KNOBS = ("enabled", "min_posts", "min_authors", "consecutive_windows", "consecutive_clear",
               "reminder_windows", "min_declared_share", "warning_margin_z")


class ThresholdsError(ValueError):
    """The thresholds file is invalid; ``path`` names the bad key (e.g. ``signals.hate.voting``)."""

    def __init__(self, path: str, message: str, source: str = "") -> None:
        self.path = path
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{path}: {message}" if path else f"{where}{message}")


@dataclass(frozen=True, slots=True)
class Level:
    fire: float
    clear: float


@dataclass(frozen=True, slots=True)
class BaselineRule:
    half_life_minutes: float = 180.0
    warmup_windows: int = 10
    min_rise: float = 0.10
    ratio: float | None = 1.5
    clear_rise: float = 0.05


@dataclass(frozen=True, slots=True)
class Rule:
    """Everything needed to judge one (region, signal) in one phase."""

    metric: str
    min_posts: int
    min_authors: int
    consecutive_windows: int
    consecutive_clear: int
    reminder_windows: int
    baseline: BaselineRule
    warning: Level | None
    critical: Level | None
    # A window is judged only when at least this share of its posts has a declared region (the
    # region field or the author's profile location) rather than one read from the text.
    min_declared_share: float = 0.0
    # A warning needs its window's value to clear its levels by this many standard errors of a share
    # over the window's posts (sqrt(v(1-v)/n)): a small window's noise is not an incident.
    warning_margin_z: float = 0.0


@dataclass(frozen=True)
class Thresholds:
    author_cap: int
    defaults: Mapping[str, Any]  # validated knobs
    signals: Mapping[str, Mapping[str, Mapping[str, Level]]]  # signal -> phase|default -> severity -> Level
    regions: Mapping[str, Mapping[str, Any]]  # code -> {"knobs": {...}, "signals": {...}, "cities": {...}}
    source: str = ""
    cities: Mapping[str, Any] = field(default_factory=lambda: {"enabled": True})  # city-window knobs
    _cache: dict[tuple[str, str, str, bool], Rule] = field(default_factory=dict, repr=False, compare=False)

    def cities_enabled(self, region: str) -> bool:
        """Whether ``region``'s cities get their own windows (regions.<code>.cities, then cities)."""
        own = self.regions.get(region, {}).get("cities", {})
        return bool(own.get("enabled", self.cities.get("enabled", True)))

    def knobs(self, region: str, city: bool = False) -> dict[str, Any]:
        """The knobs in force: defaults, then the region's; for a city window then ``cities`` and
        ``regions.<code>.cities`` (the more specific level wins)."""
        knobs = dict(self.defaults)
        reg = self.regions.get(region, {})
        knobs.update(reg.get("knobs", {}))
        if city:
            knobs.update((k, v) for k, v in self.cities.items() if k != "enabled")
            knobs.update((k, v) for k, v in reg.get("cities", {}).items() if k != "enabled")
        return knobs

    def levels(self, region: str, signal: str, phase: str) -> Mapping[str, Level]:
        reg = self.regions.get(region, {}).get("signals", {}).get(signal, {})
        glob = self.signals.get(signal, {})
        for table in (reg, glob):
            if phase in table:
                return table[phase]
            if "default" in table:
                return table["default"]
        return {}

    def rule(self, region: str, signal: str, phase: str, city: bool = False) -> Rule:
        """The rule for a province window, or with ``city`` for a window of one of its cities."""
        key = (region, signal, phase, city)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        knobs = self.knobs(region, city)
        lv = self.levels(region, signal, phase)
        rule = Rule(
            metric=knobs["metric"],
            min_posts=knobs["min_posts"],
            min_authors=knobs["min_authors"],
            consecutive_windows=knobs["consecutive_windows"],
            consecutive_clear=knobs["consecutive_clear"],
            reminder_windows=knobs["reminder_windows"],
            baseline=knobs["baseline"],
            warning=lv.get("warning"),
            critical=lv.get("critical"),
            min_declared_share=knobs.get("min_declared_share", 0.0),
            warning_margin_z=knobs.get("warning_margin_z", 0.0),
        )
        self._cache[key] = rule
        return rule


# --------------------------------------------------------------------------------------- loading
def _phases() -> tuple[str, ...]:
    from streams.core.calendar import PHASES

    return tuple(PHASES)


def _region_codes() -> frozenset[str]:
    from streams.core.records import UNKNOWN_REGION
    from streams.core.regions import REGION_CODES

    return frozenset(REGION_CODES) - {UNKNOWN_REGION}


def _number(path: str, v: Any, lo: float, hi: float, src: str, integer: bool = False) -> Any:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or (integer and not isinstance(v, int)):
        kind = "an integer" if integer else "a number"
        raise ThresholdsError(path, f"must be {kind}, got {v!r}", src)
    if not math.isfinite(float(v)) or not lo <= v <= hi:
        raise ThresholdsError(path, f"must be between {lo:g} and {hi:g}, got {v!r}", src)
    return v if integer else float(v)


def _mapping(path: str, v: Any, src: str) -> Mapping[str, Any]:
    if not isinstance(v, Mapping):
        raise ThresholdsError(path, f"must be a mapping, got {type(v).__name__}", src)
    return v


def _unknown(path: str, m: Mapping[str, Any], allowed: tuple[str, ...] | frozenset[str], src: str) -> None:
    for k in m:
        if k not in allowed:
            prefix = f"{path}." if path else ""
            raise ThresholdsError(f"{prefix}{k}", f"unknown key (expected one of: {', '.join(sorted(allowed))})", src)


def _baseline(path: str, raw: Any, base: BaselineRule, src: str) -> BaselineRule:
    m = _mapping(path, raw, src)
    _unknown(path, m, _BASELINE_KEYS, src)
    vals = {
        "half_life_minutes": base.half_life_minutes,
        "warmup_windows": base.warmup_windows,
        "min_rise": base.min_rise,
        "ratio": base.ratio,
        "clear_rise": base.clear_rise,
    }
    if "half_life_minutes" in m:
        vals["half_life_minutes"] = _number(f"{path}.half_life_minutes", m["half_life_minutes"], 1e-3, 1e6, src)
    if "warmup_windows" in m:
        vals["warmup_windows"] = _number(f"{path}.warmup_windows", m["warmup_windows"], 0, 1_000_000, src, True)
    for k in ("min_rise", "clear_rise"):
        if k in m:
            vals[k] = _number(f"{path}.{k}", m[k], 0.0, 1.0, src)
    if "ratio" in m:
        vals["ratio"] = None if m["ratio"] is None else _number(f"{path}.ratio", m["ratio"], 1.0, 1e6, src)
    if vals["clear_rise"] > vals["min_rise"]:
        raise ThresholdsError(f"{path}.clear_rise", f"must not exceed min_rise ({vals['min_rise']:g})", src)
    return BaselineRule(**vals)


def _knobs(path: str, m: Mapping[str, Any], base: Mapping[str, Any], src: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    p = f"{path}." if path else ""
    if "metric" in m:
        if m["metric"] not in METRICS:
            raise ThresholdsError(f"{p}metric", f"unknown metric {m['metric']!r} (one of: {', '.join(METRICS)})", src)
        out["metric"] = m["metric"]
    for k, lo in (("min_posts", 1), ("min_authors", 1), ("consecutive_windows", 1),
                  ("consecutive_clear", 1), ("reminder_windows", 0)):
        if k in m:
            out[k] = _number(f"{p}{k}", m[k], lo, 1_000_000, src, True)
    if "min_declared_share" in m:
        out["min_declared_share"] = _number(f"{p}min_declared_share", m["min_declared_share"], 0.0, 1.0, src)
    if "warning_margin_z" in m:
        out["warning_margin_z"] = _number(f"{p}warning_margin_z", m["warning_margin_z"], 0.0, 10.0, src)
    if "baseline" in m:
        out["baseline"] = _baseline(f"{p}baseline", m["baseline"], base.get("baseline", BaselineRule()), src)
    return out


def _city_knobs(path: str, raw: Any, src: str) -> dict[str, Any]:
    m = _mapping(path, raw or {}, src)
    _unknown(path, m, _CITY_KNOBS, src)
    out = _knobs(path, {k: v for k, v in m.items() if k != "enabled"}, {}, src)
    if "enabled" in m:
        if not isinstance(m["enabled"], bool):
            raise ThresholdsError(f"{path}.enabled", f"must be true or false, got {m['enabled']!r}", src)
        out["enabled"] = m["enabled"]
    return out


def _levels(path: str, raw: Any, src: str) -> dict[str, Level]:
    m = _mapping(path, raw, src)
    _unknown(path, m, SEVERITIES, src)
    out: dict[str, Level] = {}
    for sev in SEVERITIES:
        if sev not in m:
            continue
        lm = _mapping(f"{path}.{sev}", m[sev], src)
        _unknown(f"{path}.{sev}", lm, ("fire", "clear"), src)
        for k in ("fire", "clear"):
            if k not in lm:
                raise ThresholdsError(f"{path}.{sev}.{k}", "is required", src)
        fire = _number(f"{path}.{sev}.fire", lm["fire"], 0.0, 1.0, src)
        clear = _number(f"{path}.{sev}.clear", lm["clear"], 0.0, 1.0, src)
        if not clear < fire:
            raise ThresholdsError(f"{path}.{sev}.clear", f"must be below fire ({fire:g}) so alerts do not flap", src)
        out[sev] = Level(fire, clear)
    if not out:
        raise ThresholdsError(path, "needs at least one of warning, critical", src)
    if "warning" in out and "critical" in out and out["critical"].fire < out["warning"].fire:
        raise ThresholdsError(f"{path}.critical.fire", "must not be below warning.fire", src)
    return out


def _signal_table(path: str, raw: Any, phases: tuple[str, ...], src: str) -> dict[str, dict[str, dict[str, Level]]]:
    m = _mapping(path, raw, src)
    _unknown(path, m, SIGNALS, src)
    out: dict[str, dict[str, dict[str, Level]]] = {}
    for sig, table in m.items():
        tm = _mapping(f"{path}.{sig}", table, src)
        _unknown(f"{path}.{sig}", tm, ("default", *phases), src)
        out[sig] = {ph: _levels(f"{path}.{sig}.{ph}", lv, src) for ph, lv in tm.items()}
    return out


# Signals that thresholds files written before them may lack (version 1 files): their levels then come
# from the shipped defaults (streams/defaults/thresholds.yaml), so an upgrade never refuses a file.
SIGNALS_ADDED_LATER: frozenset[str] = frozenset({"known_hoax"})


def _shipped_levels(signal: str) -> dict[str, dict[str, Level]]:
    return load_thresholds(None).signals[signal]


def parse_thresholds(data: Any, source: str = "") -> Thresholds:
    """Validate a parsed YAML document; raises ThresholdsError naming the bad key."""
    src = source
    m = _mapping("", data, src) if data is not None else {}
    if not m:
        raise ThresholdsError("", "the thresholds file is empty", src)
    # hoax_spread: the claim-spread alert's knobs, validated by streams/core/hoaxes.py (spread_rule)
    _unknown("", m, ("version", "author_cap", "defaults", "cities", "signals", "regions", "hoax_spread"), src)
    if m.get("version", 1) != 1:
        raise ThresholdsError("version", f"unsupported version {m.get('version')!r} (expected 1)", src)
    author_cap = _number("author_cap", m.get("author_cap", 3), 1, 1_000_000, src, True)
    dm = _mapping("defaults", m.get("defaults", {}), src)
    _unknown("defaults", dm, _KNOBS, src)
    defaults: dict[str, Any] = {"metric": "capped_share", "min_posts": 30, "min_authors": 15,
                                "consecutive_windows": 2, "consecutive_clear": 3, "reminder_windows": 0,
                                "baseline": BaselineRule(), "min_declared_share": 0.0, "warning_margin_z": 0.0}
    defaults.update(_knobs("defaults", dm, defaults, src))
    cities: dict[str, Any] = {"enabled": True}
    cities.update(_city_knobs("cities", m.get("cities"), src))
    phases = _phases()
    if "signals" not in m:
        raise ThresholdsError("signals", "is required (levels per signal and phase)", src)
    signals = _signal_table("signals", m["signals"], phases, src)
    for sig in SIGNALS:
        if sig not in signals and sig in SIGNALS_ADDED_LATER and not src.startswith("(package default)"):
            # A file written before the signal existed keeps working: the shipped levels, said once.
            signals[sig] = _shipped_levels(sig)
            log.warning("%s: no levels for %s (added after this file was written); using the shipped ones",
                        src or "thresholds", sig)
        if sig not in signals:
            raise ThresholdsError(f"signals.{sig}", "is missing: every signal needs levels", src)
        if "default" not in signals[sig]:
            raise ThresholdsError(f"signals.{sig}.default", "is required (used for phases not listed)", src)
    regions: dict[str, dict[str, Any]] = {}
    rm = m.get("regions") or {}
    rm = _mapping("regions", rm, src)
    codes = _region_codes()
    for code, raw in rm.items():
        path = f"regions.{code}"
        canon = code if code in codes else f"ID-{code}" if f"ID-{code}" in codes else None
        if canon is None:
            raise ThresholdsError(path, f"unknown region code {code!r} (use ISO 3166-2:ID, e.g. ID-JB)", src)
        if canon in regions:
            raise ThresholdsError(path, f"region {canon} is listed twice", src)
        rmap = _mapping(path, raw or {}, src)
        _unknown(path, rmap, (*_KNOBS, "signals", "cities"), src)
        regions[canon] = {
            "knobs": _knobs(path, rmap, defaults, src),
            "signals": _signal_table(f"{path}.signals", rmap.get("signals") or {}, phases, src),
            "cities": _city_knobs(f"{path}.cities", rmap.get("cities"), src),
        }
    return Thresholds(author_cap=author_cap, defaults=defaults, signals=signals, regions=regions, source=source,
                      cities=cities)


def load_thresholds(path: str | Path | None = None) -> Thresholds:
    """Load and validate a thresholds file; ``None`` is the default shipped in the package."""
    if path is None:
        text = resources.files("streams").joinpath(DEFAULT_THRESHOLDS).read_text(encoding="utf-8")
        source = f"(package default) {DEFAULT_THRESHOLDS}"
    else:
        p = Path(path)
        source = str(p)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise ThresholdsError("", f"cannot read: {exc.strerror or exc}", source) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ThresholdsError("", f"not valid YAML: {exc}", source) from None
    return parse_thresholds(data, source)


# ----------------------------------------------------------------------------------- plain words
_METRIC_WORDS = {
    "capped_share": "the share of posts over the model's decision threshold, each account counting at most {cap} posts",
    "share": "the share of posts over the model's decision threshold",
    "capped_mean": "the mean score, each account counting at most {cap} posts",
    "mean": "the mean score",
    "p90": "the 90th percentile of scores",
    "p99": "the 99th percentile of scores",
}


def _knob_words(k: Mapping[str, Any], cap: int) -> list[str]:
    b: BaselineRule = k["baseline"]
    ratio = f" and at least {b.ratio:g}x the baseline" if b.ratio else ""
    lines = [
        f"Each window is judged on {_METRIC_WORDS[k['metric']].format(cap=cap)}.",
        f"A window is judged only with at least {k['min_posts']} posts from at least {k['min_authors']} distinct accounts.",
        f"An alert fires after {k['consecutive_windows']} breaching window(s) in a row and resolves after "
        f"{k['consecutive_clear']} calm window(s) in a row (below the clear level).",
        *([f"A window is judged only when at least {format_level(k['min_declared_share'], 'share')} of its posts have a "
           "declared region (the region field or the author's profile), not one read from the text."]
          if k.get("min_declared_share") else []),
        *([f"A warning needs the window's value, less {k['warning_margin_z']:g} standard errors of a share over its posts, "
           "to clear its levels: a small window's chance excursion does not page."]
          if k.get("warning_margin_z") else []),
        "While an alert stays firing it is not repeated"
        + (f", except a reminder every {k['reminder_windows']} windows." if k["reminder_windows"] else "."),
        f"Baseline: the region's own level, an average of its closed windows with a half-life of "
        f"{b.half_life_minutes:g} minutes, known after {b.warmup_windows} windows. A warning needs the value "
        f"to exceed the baseline by {format_level(b.min_rise, 'share')}{ratio} (it stays while "
        f"{format_level(b.clear_rise, 'share')} above it); a critical alert fires on its absolute level alone.",
    ]
    return lines


def _city_words(t: Thresholds) -> list[str]:
    if not t.cities.get("enabled", True):
        return ["City windows: off (only provinces are judged; posts naming a city still count for their province)."]
    k = t.knobs("", city=True)
    return [
        "City windows: a post whose region names a known city (gazetteer) also counts in that city's own "
        "windows, judged with its province's levels but its own baseline and alert state "
        f"(dedup key suhu:<province>/<city>:<signal>:<ms>). A city window is judged only with at least "
        f"{k['min_posts']} posts from at least {k['min_authors']} distinct accounts; it fires after "
        f"{k['consecutive_windows']} breaching window(s) and resolves after {k['consecutive_clear']} calm one(s).",
    ]


def explain(t: Thresholds) -> str:
    """What a thresholds file means, in plain words, for `suhu thresholds check`."""
    metric = t.defaults["metric"]
    out = [f"Thresholds from {t.source or 'memory'}:", ""]
    out += _knob_words(t.defaults, t.author_cap)
    out.append("")
    out += _city_words(t)
    out.append("")
    for sig in SIGNALS:
        table = t.signals[sig]
        out.append(f"{sig}:")
        for phase, levels in table.items():
            label = "all other phases" if phase == "default" else f"during {phase}"
            parts = [f"{sev} fires at {format_level(lv.fire, metric)} and clears below {format_level(lv.clear, metric)}"
                     for sev, lv in levels.items()]
            out.append(f"  {label}: " + "; ".join(parts) + ".")
    if t.regions:
        out.append("")
        out.append("Region overrides:")
        for code, r in t.regions.items():
            bits = [f"{k}={v}" for k, v in r["knobs"].items() if k != "baseline"]
            if "baseline" in r["knobs"]:
                bits.append("own baseline rule")
            if r["signals"]:
                bits.append("own levels for " + ", ".join(r["signals"]))
            city = r.get("cities") or {}
            if city.get("enabled") is False:
                bits.append("no city windows")
            elif city:
                bits.append("city windows " + ", ".join(f"{k}={v}" for k, v in city.items() if k != "enabled"))
            out.append(f"  {code}: " + ("; ".join(bits) if bits else "no changes") + ".")
    return "\n".join(out)
