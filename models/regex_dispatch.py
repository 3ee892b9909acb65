"""A faster, equivalent form of a big word-bounded alternation: alternatives grouped by their first character.

`(?<![a-z0-9_])(?:alt1|alt2|...)(?![a-z0-9_])` (models/signals.py's lexicons) costs, at every word start,
an attempt at every alternative: most alternatives begin with a group ("(?:kpu|bawaslu|...) ...",
"(?:di|me)?manipulasi..."), which the regex engine cannot reject by one character comparison. `dispatch`
rewrites the alternation so that every alternative begins with one literal character, and groups the
alternatives by that character: `(?<![a-z0-9_])(?:k(?:pu ...|ecurangan...|...)|s(?:uara ...|...)|...)`.
At a word start the engine then tries only the alternatives that can begin with its character.

The rewrite keeps the match sequence exactly (the same spans, `finditer` after `finditer`):
- a leading group is distributed over what follows it: `(?:A|B)R` tries A then B, each followed by R, exactly
  as `AR|BR` does (no capturing groups, no atomic or possessive parts: checked);
- a leading greedy optional part is the group "part, then nothing": `(?:X)?R` is `XR|R`, in that order;
- a leading set of literal characters `[ab]R` is `aR|bR` (one character matches at most one of them);
- alternatives that begin with different characters never both match at one position, so moving them
  apart (keeping the order of those that begin with the same character) changes no attempt order;
- a leading `\\b` before a word character is `(?<!\\w)` there; it is kept right after the first character
  as `(?<!\\w[\\s\\S])`.
Each rewritten alternative is rendered back to regex text and parsed again; `dispatch` raises unless the
parse tree comes back identical, and raises on any construct it does not rewrite (so a new cue in an
unsupported form fails loudly at import, never silently changes a score).
"""

from __future__ import annotations

import re
import re._constants as _C  # type: ignore[import-not-found]
import re._parser as _P  # type: ignore[import-not-found]
from typing import Any

__all__ = ["dispatch", "first_char_alternatives", "render"]

_Item = tuple[Any, Any]

_CATEGORY_TEXT = {
    _C.CATEGORY_WORD: r"\w", _C.CATEGORY_NOT_WORD: r"\W", _C.CATEGORY_DIGIT: r"\d",
    _C.CATEGORY_NOT_DIGIT: r"\D", _C.CATEGORY_SPACE: r"\s", _C.CATEGORY_NOT_SPACE: r"\S",
}
_AT_TEXT = {_C.AT_BOUNDARY: r"\b", _C.AT_NON_BOUNDARY: r"\B", _C.AT_BEGINNING_STRING: r"\A",
            _C.AT_END_STRING: r"\Z"}


def _char(code: int) -> str:
    return re.escape(chr(code))


def _set_item(op: Any, av: Any) -> str:
    if op is _C.LITERAL:
        return _char(av) if chr(av) not in "]\\^-" else "\\" + chr(av)
    if op is _C.RANGE:
        return f"{_set_item(_C.LITERAL, av[0])}-{_set_item(_C.LITERAL, av[1])}"
    if op is _C.CATEGORY:
        return _CATEGORY_TEXT[av]
    raise ValueError(f"set item {op} not rendered")


def render(items: list[_Item]) -> str:
    """Regex text for a parsed sequence (the subset of constructs the lexicons use)."""
    out: list[str] = []
    for op, av in items:
        if op is _C.LITERAL:
            out.append(_char(av))
        elif op is _C.IN:
            if len(av) == 1 and av[0][0] is _C.CATEGORY:
                out.append(_CATEGORY_TEXT[av[0][1]])
            else:
                neg = "^" if av and av[0][0] is _C.NEGATE else ""
                body = av[1:] if neg else av
                out.append(f"[{neg}{''.join(_set_item(o, a) for o, a in body)}]")
        elif op is _C.ANY:
            out.append(".")
        elif op is _C.BRANCH:
            out.append("(?:" + "|".join(render(list(alt)) for alt in av[1]) + ")")
        elif op is _C.SUBPATTERN and av[0] is None and not av[1] and not av[2]:
            out.append("(?:" + render(list(av[3])) + ")")
        elif op is _C.MAX_REPEAT or op is _C.MIN_REPEAT:
            lo, hi, sub = av
            body = "(?:" + render(list(sub)) + ")"
            if (lo, hi) == (0, 1):
                q = "?"
            elif (lo, hi) == (0, _C.MAXREPEAT):
                q = "*"
            elif (lo, hi) == (1, _C.MAXREPEAT):
                q = "+"
            elif hi == _C.MAXREPEAT:
                q = "{%d,}" % lo
            else:
                q = "{%d,%d}" % (lo, hi)
            out.append(body + q + ("?" if op is _C.MIN_REPEAT else ""))
        elif op is _C.AT and av in _AT_TEXT:
            out.append(_AT_TEXT[av])
        elif op is _C.ASSERT or op is _C.ASSERT_NOT:
            direction, sub = av
            kind = ("=" if op is _C.ASSERT else "!")
            out.append(f"(?{'<' if direction < 0 else ''}{kind}{render(list(sub))})")
        else:
            raise ValueError(f"construct {op} not rendered")
    return "".join(out)


_WORD_BEFORE = r"(?<!\w[\s\S])"


def _grouped(alts: list[tuple[str, str]], rest: str) -> list[tuple[str, str]]:
    """`(?:c1 t1|c2 t2|...)rest` as literal-first alternatives: those that begin with one character share it."""
    groups: dict[str, list[str]] = {}
    for c, tail in alts:
        groups.setdefault(c, []).append(tail)
    return [(c, (tails[0] if len(tails) == 1 else "(?:" + "|".join(tails) + ")") + rest) for c, tails in groups.items()]


def _expand(items: list[_Item]) -> list[tuple[str, str]]:
    """(first character, regex text for the rest): alternatives, in the engine's order of attempts, that
    together match what `items` matches, each beginning with a literal character."""
    if not items:
        raise ValueError("an alternative can match the empty string")
    (op, av), rest = items[0], items[1:]
    if op is _C.LITERAL:
        return [(chr(av), render(rest))]
    if op is _C.BRANCH:
        return _grouped([alt for branch in av[1] for alt in _expand(list(branch))], render(rest))
    if op is _C.SUBPATTERN and av[0] is None and not av[1] and not av[2]:
        return _expand(list(av[3]) + rest)
    if op is _C.MAX_REPEAT and av[0] == 0 and av[1] == 1:
        return _grouped(_expand(list(av[2])), render(rest)) + _expand(rest)
    if op is _C.IN and all(o is _C.LITERAL for o, _ in av):
        return _grouped([(chr(code), "") for _, code in av], render(rest))
    if op is _C.AT and av is _C.AT_BOUNDARY:
        out = []
        for c, tail in _expand(rest):
            if not re.fullmatch(r"\w", c):
                raise ValueError(r"\b before a non-word character")
            out.append((c, _WORD_BEFORE + tail))
        return out
    raise ValueError(f"leading {op} not rewritten")


def first_char_alternatives(alternatives: list[str]) -> list[tuple[str, list[str]]]:
    """(first character, the rest of each alternative that begins with it, in order) for an alternation."""
    groups: dict[str, list[str]] = {}
    for source in alternatives:
        tree = _P.parse(source)
        if repr(_P.parse(render(list(tree.data))).data) != repr(tree.data):
            raise ValueError(f"{source!r} is not rendered back to the same parse tree")
        for c, tail in _expand(list(tree.data)):
            groups.setdefault(c, []).append(tail)
    return list(groups.items())


def dispatch(alternatives: list[str], before: str, after: str) -> re.Pattern[str]:
    """`before(?:alt1|alt2|...)after`, compiled in the first-character form (same matches, see above)."""
    body = "|".join(f"{re.escape(c)}(?:{'|'.join(rests)})" for c, rests in first_char_alternatives(alternatives))
    return re.compile(f"{before}(?:{body}){after}")
