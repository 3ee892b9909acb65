"""HateCheck-style functional tests for the scorer (Röttger et al. 2021; Multilingual HateCheck 2022).

Why: held-out F1 on one tweet corpus does not say *which* kinds of hate a model misses or which
harmless posts it flags (negation, counter-speech, reclaimed slurs, spelling tricks, threats against
political camps). The suite expands hand-written Indonesian templates (validation/functional_cases.yaml)
over target groups, deterministically, so pass rates are comparable between model versions.
Case texts stay in memory: results and reports carry ids and counts only.
"""

from __future__ import annotations

import random
import re
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import yaml

__all__ = ["Case", "Expectation", "SuiteResult", "PERTURBATIONS", "DEFAULT_CASES", "load_cases", "perturb",
           "run_suite", "format_report"]

DEFAULT_CASES = Path(__file__).resolve().parents[1] / "validation" / "functional_cases.yaml"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_POOLS = {"candidate": "candidates", "person": "persons", "group": "non_protected_groups"}
_LEET = str.maketrans("aeioAEIO", "43104310")
_LEET_MORE = str.maketrans("sStgbSTGB", "577985798")  # only where the word has no a/e/i/o


@dataclass(frozen=True)
class Expectation:
    """`any_of`: at least one of these labels must fire; `none_of`: none of these may fire."""

    any_of: tuple[str, ...] = ()
    none_of: tuple[str, ...] = ()

    def met(self, labels: Sequence[str]) -> bool:
        hit = not self.any_of or any(s in labels for s in self.any_of)
        return hit and not any(s in labels for s in self.none_of)


@dataclass(frozen=True)
class Case:
    id: str
    functionality: str
    hatecheck: str | None
    label: str  # hateful | non_hateful
    target: str | None
    category: str | None
    register: str
    text: str
    expect: Expectation
    provocation_expected: bool = False


# --- perturbations (spelling variants, HateCheck F25-F29) -------------------------------------------

def _keyword_span(text: str, keywords: Sequence[str]) -> tuple[int, int]:
    """The first keyword in the text; else its longest word: the word that carries the hate."""
    found = [m.span() for kw in keywords for m in [re.search(rf"\b{re.escape(kw)}\b", text, re.I)] if m]
    if found:
        return min(found)
    return max((m.span() for m in re.finditer(r"[^\W\d_]+", text)), key=lambda s: (s[1] - s[0], -s[0]))


def _swap_adjacent(word: str, rng: random.Random) -> str:
    spots = [i for i in range(1, len(word) - 1) if word[i] != word[i + 1]] or \
            [i for i in range(len(word) - 1) if word[i] != word[i + 1]]
    i = rng.choice(spots)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def _missing_char(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word)) if len(word) > 2 else len(word) - 1
    return word[:i] + word[i + 1:]


def _leetspeak(word: str, rng: random.Random) -> str:
    out = word.translate(_LEET)
    return out if out != word else word.translate(_LEET_MORE)


_WORD_EDITS: dict[str, Callable[[str, random.Random], str]] = {
    "swap_adjacent": _swap_adjacent,
    "missing_char": _missing_char,
    "added_spaces": lambda w, rng: " ".join(w),
    "leetspeak": _leetspeak,
}
PERTURBATIONS: tuple[str, ...] = ("swap_adjacent", "missing_char", "missing_space", "added_spaces", "leetspeak")


def perturb(kind: str, text: str, keywords: Sequence[str], rng: random.Random) -> str:
    """One spelling variant of the hateful word; `missing_space` glues it to its neighbours instead."""
    start, end = _keyword_span(text, keywords)
    if kind == "missing_space":
        left = re.search(r"\s+$", text[:start])
        right = re.match(r"\s+", text[end:])
        a = left.start() if left else start
        b = end + right.end() if right else end
        return text[:a] + text[a:b].replace(" ", "") + text[b:]
    if kind not in _WORD_EDITS:
        raise ValueError(f"unknown perturbation {kind!r}; known: {PERTURBATIONS}")
    return text[:start] + _WORD_EDITS[kind](text[start:end], rng) + text[end:]


# --- expansion -------------------------------------------------------------------------------------

def _fill(template: str, values: dict[str, str | None]) -> str:
    text = _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)
    return text[:1].upper() + text[1:] if template.startswith("{") else text


def _bindings(fn: dict[str, Any], tpl: dict[str, Any], data: dict[str, Any], categories: Sequence[str]):
    """(key, target id, placeholder values) for every way to fill one template."""
    names = set(_PLACEHOLDER.findall(tpl["text"]))
    unknown = names - {"target", "slur", *_POOLS}
    if unknown:
        raise ValueError(f"{fn['id']}: unknown placeholder(s) {sorted(unknown)} in {tpl['text']!r}")
    if names & {"target", "slur"}:
        for t in data["targets"]:
            if t["category"] not in categories or ("slur" in names and not t.get("slur")):
                continue
            forms = t["forms"] if "target" in names else [None]
            slurs = (t.get("slur") or [None]) if "slur" in names else [None]
            for fi, form in enumerate(forms):
                for si, slur in enumerate(slurs):
                    yield f"{t['id']}.{fi}.{si}", t["id"], {"target": form, "slur": slur}
        return
    pool = next((p for p in _POOLS if p in names), None)
    if pool:
        for i, value in enumerate(data[_POOLS[pool]]):
            yield f"{pool}{i}", tpl.get("target"), {pool: value}
    else:
        yield "fixed", tpl.get("target"), {}


def _cap(cases: list[Case], n: int, seed: int, name: str) -> list[Case]:
    """A seeded sample keeping the original order; seeded per functionality so edits stay local."""
    if len(cases) <= n:
        return cases
    keep = set(random.Random(seed ^ zlib.crc32(name.encode())).sample(range(len(cases)), n))
    return [c for i, c in enumerate(cases) if i in keep]


def load_cases(path: Path | str | None = None) -> list[Case]:
    """Expand the YAML into cases; same file, same cases, same ids, same order."""
    data = yaml.safe_load(Path(path or DEFAULT_CASES).read_text(encoding="utf-8"))
    settings = data["settings"]
    seed = int(settings["seed"])
    category_of = {t["id"]: t["category"] for t in data["targets"]}
    by_fn: dict[str, list[Case]] = {}
    out: list[Case] = []
    for fn in data["functionalities"]:
        expect = Expectation(tuple(fn["expect"].get("any_of", ())), tuple(fn["expect"].get("none_of", ())))
        common = dict(functionality=fn["id"], hatecheck=fn.get("hatecheck"), label=fn["label"], expect=expect,
                      provocation_expected=bool(fn.get("provocation_expected", False)))
        if fn.get("perturb"):
            base = [c for src in fn["derived_from"] for c in by_fn[src]]
            cases = []
            for c in base:
                rng = random.Random(seed ^ zlib.crc32(f"{fn['id']}|{c.id}".encode()))
                text = perturb(fn["perturb"], c.text, data["spelling_keywords"], rng)
                cases.append(Case(id=f"{fn['id']}:{c.id}", target=c.target, category=c.category,
                                  register=c.register, text=text, **common))
            cases = _cap(cases, int(settings["max_spelling_cases"]), seed, fn["id"])
        else:
            categories = fn.get("categories") or settings["protected_categories"]
            cases = []
            for ti, tpl in enumerate(fn["templates"]):
                for key, target, values in _bindings(fn, tpl, data, categories):
                    cases.append(Case(id=f"{fn['id']}:t{ti:02d}:{key}", target=target,
                                      category=category_of.get(target) if target else None,
                                      register=tpl["register"], text=_fill(tpl["text"], values), **common))
            cases = _cap(cases, int(fn.get("max_cases", settings["max_cases"])), seed, fn["id"])
        by_fn[fn["id"]] = cases
        out.extend(cases)
    return out


# --- running and reporting -------------------------------------------------------------------------

@dataclass
class SuiteResult:
    version: str
    n: int
    accuracy: float
    hateful_recall: float  # hateful cases whose expectation was met (hate, or hate/provocation for threats)
    hate_label_recall: float  # hateful cases labelled `hate`
    non_hateful_pass_rate: float
    threat_provocation_share: float  # cases with provocation_expected labelled `provocation`
    counter_speech_hate_share: float  # F20 + F21 labelled `hate`
    negated_hate_share: float  # F15 labelled `hate`
    functionalities: list[dict[str, Any]]
    categories: dict[str, dict[str, Any]]
    failed_ids: dict[str, list[str]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rate(num: int, den: int) -> float:
    return round(num / den, 4) if den else float("nan")


def run_suite(scorer: Any, cases: Sequence[Case], batch_size: int = 512) -> SuiteResult:
    """Score every case once (batched) and aggregate pass rates; model quality is never asserted here."""
    labels: list[tuple[str, ...]] = []
    for i in range(0, len(cases), batch_size):
        labels.extend(tuple(ps.labels) for ps in scorer.score_batch([c.text for c in cases[i:i + batch_size]]))
    ok = [c.expect.met(lab) for c, lab in zip(cases, labels)]

    def share(pred: Callable[[Case], bool], signal: str | None = None) -> tuple[int, int]:
        idx = [i for i, c in enumerate(cases) if pred(c)]
        return sum(ok[i] if signal is None else signal in labels[i] for i in idx), len(idx)

    fns: list[dict[str, Any]] = []
    failed: dict[str, list[str]] = {}
    for name in dict.fromkeys(c.functionality for c in cases):
        idx = [i for i, c in enumerate(cases) if c.functionality == name]
        first = cases[idx[0]]
        passed = sum(ok[i] for i in idx)
        fns.append({"id": name, "hatecheck": first.hatecheck, "label": first.label, "n": len(idx), "passed": passed,
                    "pass_rate": _rate(passed, len(idx)),
                    "hate_share": _rate(sum("hate" in labels[i] for i in idx), len(idx)),
                    "provocation_share": _rate(sum("provocation" in labels[i] for i in idx), len(idx))})
        failed[name] = [cases[i].id for i in idx if not ok[i]]
    cats: dict[str, dict[str, Any]] = {}
    for cat in sorted({c.category for c in cases if c.category}):
        row: dict[str, Any] = {}
        for key, pred in (("all", lambda c: True), ("hateful", lambda c: c.label == "hateful"),
                          ("non_hateful", lambda c: c.label == "non_hateful")):
            p, n = share(lambda c, pred=pred: c.category == cat and pred(c))
            row[key] = {"n": n, "passed": p, "pass_rate": _rate(p, n)}
        cats[cat] = row
    hateful = lambda c: c.label == "hateful"  # noqa: E731
    return SuiteResult(
        version=str(getattr(scorer, "version", "?")), n=len(cases), accuracy=_rate(sum(ok), len(cases)),
        hateful_recall=_rate(*share(hateful)), hate_label_recall=_rate(*share(hateful, "hate")),
        non_hateful_pass_rate=_rate(*share(lambda c: c.label == "non_hateful")),
        threat_provocation_share=_rate(*share(lambda c: c.provocation_expected, "provocation")),
        counter_speech_hate_share=_rate(*share(lambda c: c.hatecheck in ("F20", "F21"), "hate")),
        negated_hate_share=_rate(*share(lambda c: c.hatecheck == "F15", "hate")),
        functionalities=fns, categories=cats, failed_ids=failed)


def format_report(result: SuiteResult) -> str:
    """A fixed-width table per functionality, the headline numbers, then pass rates per target category."""
    pct = lambda x: "   n/a" if x != x else f"{100 * x:5.1f}%"  # noqa: E731
    lines = [f"functional suite: {result.n} cases ({result.version})",
             f"{'functionality':<32} {'HC':<4} {'label':<11} {'n':>5} {'pass':>6} {'hate':>6} {'prov':>6}"]
    for f in result.functionalities:
        lines.append(f"{f['id']:<32} {f['hatecheck'] or '-':<4} {f['label']:<11} {f['n']:>5} "
                     f"{pct(f['pass_rate'])} {pct(f['hate_share'])} {pct(f['provocation_share'])}")
    lines += ["",
              f"overall accuracy {pct(result.accuracy)}   hateful recall {pct(result.hateful_recall)} "
              f"(hate label {pct(result.hate_label_recall)})   non-hateful pass {pct(result.non_hateful_pass_rate)}",
              f"threats labelled provocation {pct(result.threat_provocation_share)}   counter-speech flagged hate "
              f"{pct(result.counter_speech_hate_share)}   negated hate flagged hate {pct(result.negated_hate_share)}",
              "", f"{'category':<14} {'n':>5} {'pass':>6} {'hateful':>8} {'non-hateful':>12}"]
    for cat, row in result.categories.items():
        lines.append(f"{cat:<14} {row['all']['n']:>5} {pct(row['all']['pass_rate'])} "
                     f"{pct(row['hateful']['pass_rate']):>8} {pct(row['non_hateful']['pass_rate']):>12}")
    return "\n".join(lines)
