"""Every PromQL query of the suhu Grafana dashboards, with dashboard variables substituted.

Used by tests that run each panel's query against a real Prometheus (Grafana itself is not
packaged anywhere we can reach). Load deploy/prometheus/rules/*.yml into that Prometheus too:
the pipeline-health dashboard's alert table reads `ALERTS`.

    python deploy/grafana/panel_queries.py [--var region=ID-JK,ID-JB] [dashboard.json ...]
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

DASHBOARD_DIR = Path(__file__).resolve().parent / "dashboards"
# Grafana's own interval variables, as Grafana would expand them for a 15 s scrape interval.
BUILTINS: dict[str, str] = {"__rate_interval": "1m", "__interval": "15s", "__range": "1h", "__range_s": "3600"}
_VAR = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]")


@dataclass(frozen=True)
class PanelQuery:
    dashboard: str  # dashboard uid
    panel: str  # panel title
    ref_id: str
    expr: str  # with variables substituted
    instant: bool
    datasource_uid: str | None


def dashboards(directory: Path = DASHBOARD_DIR) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))]


def iter_panels(panels: Sequence[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for p in panels:
        yield p
        yield from iter_panels(p.get("panels", []))  # collapsed rows keep their panels inside


def default_variables(dashboard: Mapping[str, Any]) -> dict[str, list[str]]:
    """Each variable's current (default) selection; "All" stays "All" and becomes `.*` below."""
    out: dict[str, list[str]] = {}
    for v in dashboard.get("templating", {}).get("list", []):
        value = v.get("current", {}).get("value", [])
        out[v["name"]] = value if isinstance(value, list) else [value]
    return out


_REGEX_SPECIAL = re.compile(r"([.*+?()|\[\]{}^$\\])")


def _escape(value: str) -> str:
    """Regex metacharacters escaped as Grafana does inside a PromQL string (a doubled backslash)."""
    return _REGEX_SPECIAL.sub(r"\\\\\1", value)


def _format(values: Sequence[str]) -> str:
    if not values or "$__all" in values:
        return ".*"
    if len(values) == 1:
        return _escape(values[0])
    return "(" + "|".join(_escape(v) for v in values) + ")"


def substitute(expr: str, variables: Mapping[str, Sequence[str] | str]) -> str:
    """Grafana's default (regex) formatting: one value as is, several as (a|b), All as .*"""

    def repl(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2) or m.group(3)
        if name in variables:
            val = variables[name]
            return _format([val] if isinstance(val, str) else list(val))
        if name in BUILTINS:
            return BUILTINS[name]
        raise KeyError(f"unknown dashboard variable ${name} in {expr!r}")

    return _VAR.sub(repl, expr)


def panel_queries(
    dashboard: Mapping[str, Any], variables: Mapping[str, Sequence[str] | str] | None = None
) -> list[PanelQuery]:
    values: dict[str, Sequence[str] | str] = dict(default_variables(dashboard))
    values.update(variables or {})
    out = []
    for p in iter_panels(dashboard.get("panels", [])):
        for t in p.get("targets", []):
            if "expr" not in t:
                continue
            ds = (t.get("datasource") or p.get("datasource") or {}).get("uid")
            out.append(PanelQuery(dashboard["uid"], p.get("title", ""), t.get("refId", ""),
                                  substitute(t["expr"], values), bool(t.get("instant")), ds))
    return out


def all_panel_queries(variables: Mapping[str, Sequence[str] | str] | None = None,
                      directory: Path = DASHBOARD_DIR) -> list[PanelQuery]:
    return [q for d in dashboards(directory) for q in panel_queries(d, variables)]


def main(argv: Sequence[str]) -> None:
    variables: dict[str, list[str]] = {}
    files: list[Path] = []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--var":
            name, _, val = args.pop(0).partition("=")
            variables[name] = val.split(",")
        else:
            files.append(Path(a))
    boards = [json.loads(f.read_text()) for f in files] if files else dashboards()
    for d in boards:
        for q in panel_queries(d, variables):
            print(f"{q.dashboard}\t{q.panel}\t{q.ref_id}\t{q.expr}")


if __name__ == "__main__":
    main(sys.argv[1:])
