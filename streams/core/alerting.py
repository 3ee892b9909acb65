"""One pure state machine per (region, signal): ok -> pending -> firing -> resolved.

The state is a small JSON-able dict (it lives in a Faust changelog table), `step` never mutates
its input, and every field of an alert is derived from stream time and window contents, so a
replay at any speed, or after a crash, produces identical alerts (identical ``alert_id``s).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, Mapping

from streams.core.formatting import format_level, signal_words
from streams.core.records import Alert
from streams.core.thresholds import Level, Rule
from streams.core.windowing import format_ms

__all__ = ["Observation", "Transition", "new_state", "step", "series_key", "dedup_key", "alert_id",
           "make_alert", "summaries"]


@dataclass(frozen=True, slots=True)
class Observation:
    """One closed window's facts for one (region, signal)."""

    region: str
    signal: str
    window_start_ms: int
    window_end_ms: int
    phase: str
    value: float
    post_count: int
    author_count: int
    examples: tuple[str, ...] = ()
    city: str | None = None  # a city window of ``region`` (its own machine, baseline and dedup key)
    declared_share: float = 1.0  # share of posts whose region was declared (field or profile), not inferred from text
    region_sources: Mapping[str, float] | None = None  # share of posts per region source, for the alert


@dataclass(frozen=True, slots=True)
class Transition:
    status: str  # firing | resolved
    severity: str  # warning | critical
    dedup_key: str
    threshold: float
    baseline: float | None


def new_state() -> dict[str, Any]:
    # s: ok|pending|firing; sev: severity; n: breaching windows in a row; c: calm windows in a row;
    # r: windows since the last emission (reminders); k: dedup key; b/bn/bt: baseline value,
    # windows seen, last update (window end ms); v: last value.
    return {"s": "ok", "sev": None, "n": 0, "c": 0, "r": 0, "k": None, "b": None, "bn": 0, "bt": None, "v": None}


def series_key(region: str, city: str | None = None) -> str:
    """The name of one window series: ``ID-JB`` for a province, ``ID-JB/Bandung`` for one of its
    cities (gazetteer names hold neither ``/`` nor ``:``, so the key splits back unambiguously)."""
    return region if city is None else f"{region}/{city}"


def dedup_key(region: str, signal: str, incident_start_ms: int, city: str | None = None) -> str:
    return f"suhu:{series_key(region, city)}:{signal}:{incident_start_ms}"


def alert_id(key: str, status: str, severity: str, window_end_ms: int) -> str:
    return hashlib.sha256(f"{key}|{status}|{severity}|{window_end_ms}".encode()).hexdigest()[:32]


def _threshold(rule: Rule, severity: str, status: str) -> float:
    level: Level | None = getattr(rule, severity) or rule.critical or rule.warning
    if level is None:
        return 0.0
    return level.fire if status == "firing" else level.clear


def step(state: dict[str, Any] | None, obs: Observation, rule: Rule) -> tuple[dict[str, Any], Transition | None]:
    """Judge one closed window; returns the new state and the transition to publish, if any."""
    s = dict(state) if state else new_state()
    v = obs.value
    b = s.get("b")
    bl = rule.baseline
    enough = (obs.post_count >= rule.min_posts and obs.author_count >= rule.min_authors
              and obs.declared_share >= rule.min_declared_share)
    known = b is not None and s.get("bn", 0) >= bl.warmup_windows
    crit, warn = rule.critical, rule.warning

    crit_fire = enough and crit is not None and v >= crit.fire
    # A warning is judged on the value less its margin of noise (rule.warning_margin_z standard errors);
    # critical levels stay absolute, so a real wave is never held back at that severity.
    lo = v - rule.warning_margin_z * math.sqrt(max(v * (1.0 - v), 0.0) / max(1, obs.post_count))
    warn_fire = (
        enough and warn is not None and known and lo >= warn.fire and lo >= b + bl.min_rise
        and (bl.ratio is None or lo >= b * bl.ratio)
    )
    hold = enough and (
        (crit is not None and v >= crit.clear)
        or (warn is not None and v >= warn.clear and (not known or v >= b + bl.clear_rise))
    )
    breach = "critical" if crit_fire else "warning" if warn_fire else None
    baseline_out = None if b is None else round(b, 6)

    tr: Transition | None = None
    if s["s"] == "firing":
        if breach == "critical" and s["sev"] == "warning":
            s.update(sev="critical", c=0, r=0)  # escalation: a new transition, same incident
            tr = Transition("firing", "critical", s["k"], _threshold(rule, "critical", "firing"), baseline_out)
        elif hold or breach:
            s["c"] = 0
            s["r"] = s.get("r", 0) + 1
            if rule.reminder_windows and s["r"] >= rule.reminder_windows:
                s["r"] = 0
                tr = Transition("firing", s["sev"], s["k"], _threshold(rule, s["sev"], "firing"), baseline_out)
        else:
            s["c"] = s.get("c", 0) + 1
            s["r"] = s.get("r", 0) + 1
            if s["c"] >= rule.consecutive_clear:
                tr = Transition("resolved", s["sev"], s["k"], _threshold(rule, s["sev"], "resolved"), baseline_out)
                s.update(s="ok", sev=None, n=0, c=0, r=0, k=None)
    elif breach:
        n = s.get("n", 0) + 1
        if n >= rule.consecutive_windows:
            key = dedup_key(obs.region, obs.signal, obs.window_end_ms, obs.city)
            s.update(s="firing", sev=breach, n=0, c=0, r=0, k=key)
            tr = Transition("firing", breach, key, _threshold(rule, breach, "firing"), baseline_out)
        else:
            s.update(s="pending", sev=breach, n=n)
    else:
        s.update(s="ok", sev=None, n=0)

    # The baseline learns from every judged window, incidents included: a region that stays
    # heated becomes its own normal (warnings end), while critical levels stay absolute.
    if enough:
        if b is None:
            s["b"] = round(v, 6)
        else:
            dt = obs.window_end_ms - (s.get("bt") or obs.window_end_ms)
            alpha = 1.0 - 0.5 ** (dt / (bl.half_life_minutes * 60_000.0)) if dt > 0 else 0.0
            if s.get("bn", 0) < bl.warmup_windows:
                alpha = max(alpha, 1.0 / (s.get("bn", 0) + 1))  # warm-up: a plain mean, not the first value
            s["b"] = round(b + alpha * (v - b), 6)
        s["bn"] = s.get("bn", 0) + 1
        s["bt"] = obs.window_end_ms
    s["v"] = v
    return s, tr


# --------------------------------------------------------------------------------- alert text
PHASE_WORDS = {
    "pre_campaign": ("pra-kampanye", "pre-campaign"),
    "campaign": ("kampanye", "campaign"),
    "masa_tenang": ("masa tenang", "campaign silence (masa tenang)"),
    "voting": ("pemungutan suara", "voting"),
    "counting": ("penghitungan dan rekapitulasi suara", "counting and recapitulation"),
    "post_election": ("pasca-pemilu", "post-election"),
}
_SEV_WORDS = {"warning": ("PERINGATAN", "WARNING"), "critical": ("KRITIS", "CRITICAL")}
_MONTHS_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TZ_LABELS = {7: "WIB", 8: "WITA", 9: "WIT"}


def _span(start_ms: int, end_ms: int, tz: tzinfo, months: tuple[str, ...]) -> str:
    a = datetime.fromtimestamp(start_ms / 1000, tz=tz)
    e = datetime.fromtimestamp(end_ms / 1000, tz=tz)
    off = a.utcoffset() or timedelta(0)
    hours = off.total_seconds() / 3600
    label = _TZ_LABELS.get(int(hours)) if hours.is_integer() else None
    label = label or f"UTC{'+' if hours >= 0 else '-'}{abs(hours):g}"
    return f"{a.day} {months[a.month - 1]} {a.year} {a:%H:%M}-{e:%H:%M} {label}"


def summaries(tr: Transition, obs: Observation, region_name: str, tz: tzinfo, metric: str) -> tuple[str, str]:
    """The same facts in Bahasa Indonesia (for the operations room) and in English."""
    sig_id, sig_en = signal_words(obs.signal)
    ph_id, ph_en = PHASE_WORDS.get(obs.phase, (obs.phase, obs.phase))
    val, thr, base = (format_level(x, metric) for x in (obs.value, tr.threshold, tr.baseline))
    share = metric.endswith("share")
    what_id = f"{val} unggahan melewati ambang" if share else f"nilai {metric} {val}"
    what_en = f"{val} of posts over the threshold" if share else f"{metric} {val}"
    span_id = _span(obs.window_start_ms, obs.window_end_ms, tz, _MONTHS_ID)
    span_en = _span(obs.window_start_ms, obs.window_end_ms, tz, _MONTHS_EN)
    if tr.status == "firing":
        tag_id, tag_en = _SEV_WORDS[tr.severity]
        head_id = f"[{tag_id}] {sig_id} di {region_name}"
        head_en = f"[{tag_en}] {sig_en} in {region_name}"
        lim_id, lim_en = f"ambang {thr}", f"threshold {thr}"
    else:
        head_id = f"[SELESAI] {sig_id} di {region_name} kembali normal"
        head_en = f"[RESOLVED] {sig_en} in {region_name} back to normal"
        lim_id, lim_en = f"batas pulih {thr}", f"clear level {thr}"
    summary_id = (
        f"{head_id}: {what_id} ({lim_id}, baseline {base}), {obs.post_count} unggahan dari "
        f"{obs.author_count} akun, {span_id}, fase: {ph_id}"
    )
    summary_en = (
        f"{head_en}: {what_en} ({lim_en}, baseline {base}), {obs.post_count} posts from "
        f"{obs.author_count} accounts, {span_en}, phase: {ph_en}"
    )
    rs = obs.region_sources or {}
    if rs.get("profile", 0.0) + rs.get("text", 0.0) > 0:  # say how much of the evidence is inferred
        f, pr, tx = (f"{rs.get(k, 0.0) * 100:.0f}%" for k in ("field", "profile", "text"))
        summary_id += f"; asal wilayah: {f} kolom region, {pr} profil, {tx} teks"
        summary_en += f"; region from: {f} region field, {pr} profile, {tx} text"
    return summary_id, summary_en


def make_alert(tr: Transition, obs: Observation, region_name: str, tz: tzinfo = timezone.utc,
               metric: str = "capped_share") -> Alert:
    summary_id, summary_en = summaries(tr, obs, region_name, tz, metric)
    return Alert(
        alert_id=alert_id(tr.dedup_key, tr.status, tr.severity, obs.window_end_ms),
        dedup_key=tr.dedup_key,
        status=tr.status,
        severity=tr.severity,
        region=obs.region,
        region_name=region_name,
        signal=obs.signal,
        value=round(obs.value, 6),
        threshold=tr.threshold,
        baseline=tr.baseline,
        window_start=format_ms(obs.window_start_ms),
        window_end=format_ms(obs.window_end_ms),
        phase=obs.phase,
        post_count=obs.post_count,
        author_count=obs.author_count,
        example_post_ids=tuple(obs.examples),
        summary_id=summary_id,
        summary_en=summary_en,
        emitted_at=format_ms(obs.window_end_ms),
        city=obs.city,
        region_sources=dict(obs.region_sources) if obs.region_sources is not None else None,
    )
