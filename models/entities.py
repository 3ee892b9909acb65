"""Political-entity masking: a mention of a politician, party, candidate pair, ballot number or
campaign hashtag becomes its type's placeholder, so no name can carry label weight.

Why: names co-occur with hate in the training tweets, and a linear model learnt them as hate cues
(naming a candidate read as hate on debate night). With every mention replaced by `ent_tokoh`,
`ent_partai`, `ent_paslon`, `ent_nomor` or `ent_tagar`, the model can only learn what is said about
an entity, and bias metrics can still group posts by the type of entity they name.

The data is models/gazetteer/political_entities.yaml (its header documents the format and the
rules). Matching is token-level over *normalised* text (models.normalize.normalize_plain output):
- the longest alias starting at a token wins ("prabowo gibran" -> one ent_paslon, not two names);
- consecutive placeholders of one type collapse ("jokowi prabowo" -> "ent_tokoh"), while anything
  between them stays ("prabowo dan gibran" -> "ent_tokoh dan ent_tokoh");
- suffixed forms of tokoh/partai/paslon aliases are split off and kept as a token:
  "jokowinya" -> "ent_tokoh nya", like "jokowi nya" (suffixes: nya lah kah pun ku mu);
- `licensed` words (ordinary words that are also names: "amin", "mega", "01") are masked only next
  to a cue word of their type ("kubu amin", "bu mega", "coblos 02"); cue words stay in the text;
- `keep_phrases` ("kata sandi") are left untouched; `derogatory` labels and `ambiguous` words are
  never masked.
Masking is idempotent: mask(mask(x)) == mask(x).

Wiring: models.normalize.normalize(text) == mask_entities(normalize_plain(text)). Aliases are
compiled with normalize_plain (`_raw_normalize`), never with the masking `normalize`, which would
recurse; a re-entrant build raises a RuntimeError saying so.

Why one long module: the masking rules and their tokenisation edge cases (aliases, collapsing,
hashtags, ballot numbers) are one algorithm; the entity data is in models/gazetteer/.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from models.plaintext import normalize_plain

__all__ = [
    "ENTITY_TYPES", "PLACEHOLDER", "PLACEHOLDERS", "TYPE_OF_PLACEHOLDER", "GAZETTEER_VERSION", "DEFAULT_PATH",
    "SUFFIXES", "Entity", "Context", "Gazetteer", "EntityMasker", "load_gazetteer", "default_masker",
    "mask_entities", "entity_types_in",
]

# Bump together with `version:` in the YAML whenever masking changes: artefacts record it.
GAZETTEER_VERSION = "1"
DEFAULT_PATH = Path(__file__).resolve().parent / "gazetteer" / "political_entities.yaml"

ENTITY_TYPES: tuple[str, ...] = ("tokoh", "partai", "paslon", "nomor_urut", "tagar")
# Tokens of [a-z_] survive normalize's token rules; normalize never produces "ent_" itself.
PLACEHOLDER: dict[str, str] = {
    "tokoh": "ent_tokoh",
    "partai": "ent_partai",
    "paslon": "ent_paslon",
    "nomor_urut": "ent_nomor",
    "tagar": "ent_tagar",
}
PLACEHOLDERS = frozenset(PLACEHOLDER.values())
TYPE_OF_PLACEHOLDER: dict[str, str] = {v: k for k, v in PLACEHOLDER.items()}
_UNMASKED_TYPES = ("derogatory",)
_ALL_GROUPS = ENTITY_TYPES + _UNMASKED_TYPES

# Indonesian clitics split off a masked name ("prabowonya" -> "ent_tokoh nya").
SUFFIXES: tuple[str, ...] = ("nya", "lah", "kah", "pun", "ku", "mu")
_SUFFIX_TYPES = frozenset({"tokoh", "partai", "paslon"})
# An alias token must be a plain word; "user"/"url" are normalize's own placeholders.
_TOKEN = re.compile(r"[a-z0-9]+")
_RESERVED_TOKENS = frozenset({"user", "url"})
_ENTRY_KEYS = frozenset({"name", "type", "aliases", "licensed", "roles", "number"})
_CONTEXT_KEYS = ("before", "after", "chain", "pair")
_NO_TYPES: frozenset[str] = frozenset()


def _raw_normalize(text: str) -> str:
    """The normaliser aliases are compiled with: normalize_plain, because `normalize` masks (recursion)."""
    return normalize_plain(text)


# ---------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Entity:
    name: str
    type: str
    aliases: tuple[str, ...]
    licensed: tuple[str, ...] = ()
    roles: str = ""
    number: int | None = None


@dataclass(frozen=True)
class Context:
    """Cue words that license a type's `licensed` words (see the YAML header)."""

    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    chain: tuple[str, ...] = ()
    pair: tuple[str, ...] = ()


@dataclass(frozen=True)
class _NomorRule:
    designators: tuple[str, ...]
    glued: tuple[str, ...]
    context: Context
    plain_before: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """The parsed, structurally validated YAML; `build` compiles (and fully validates) a masker."""

    version: str
    entities: tuple[Entity, ...]
    derogatory: tuple[Entity, ...]
    ambiguous: tuple[tuple[str, str], ...]
    keep_phrases: tuple[str, ...]
    context: Mapping[str, Context]
    nomor: _NomorRule
    source: str
    _built: dict[Any, "EntityMasker"] = field(default_factory=dict, repr=False, compare=False)

    def of_type(self, etype: str) -> tuple[Entity, ...]:
        return tuple(e for e in self.entities + self.derogatory if e.type == etype)

    def build(self, normalize_fn: Callable[[str], str] | None = None) -> "EntityMasker":
        """Compile with `normalize_fn` (default: normalize_plain); cached per function."""
        key = normalize_fn or _raw_normalize
        masker = self._built.get(key)
        if masker is None:
            masker = _compile(self, key)
            self._built[key] = masker
        return masker


# ---------------------------------------------------------------------------------------- parsing


def _strings(value: Any, where: str, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError(f"{where}: `{what}` must be a list, got {type(value).__name__}")
    out = []
    for v in value:
        if not isinstance(v, str):
            raise ValueError(f"{where}: `{what}` item {v!r} is not a string (quote it in the YAML)")
        if not v.strip():
            raise ValueError(f"{where}: empty {what[:-1] if what.endswith('s') else what} in `{what}`")
        out.append(v.strip())
    return tuple(out)


def _parse_entry(raw: Any, group: str, k: int, source: str) -> Entity:
    where = f"{source}: entities.{group}[{k}]"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: an entry must be a mapping, got {raw!r}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: entry without a `name`: {raw!r}")
    where = f"{where} {name!r}"
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(map(str, unknown))} (an unquoted comma in a value?)")
    etype = raw.get("type")
    if etype not in _ALL_GROUPS:
        raise ValueError(f"{where}: unknown type {etype!r} (known: {', '.join(_ALL_GROUPS)})")
    if etype != group:
        raise ValueError(f"{where}: type {etype!r} listed under `{group}`")
    aliases = _strings(raw.get("aliases"), where, "aliases")
    licensed = _strings(raw.get("licensed"), where, "licensed")
    if not aliases and not licensed:
        raise ValueError(f"{where}: no aliases")
    if etype == "tagar":
        bad = [a for a in aliases if not a.startswith("#")]
        if bad:
            raise ValueError(f"{where}: tagar aliases are written as the original hashtag, got {bad}")
    roles = raw.get("roles", "")
    if roles is None:
        roles = ""
    if not isinstance(roles, str):
        raise ValueError(f"{where}: `roles` must be a string")
    number = raw.get("number")
    if etype == "partai" and "number" not in raw:
        raise ValueError(f"{where}: partai entries need `number` (the 2024 ballot number, or null)")
    if etype == "nomor_urut" and not (isinstance(number, int) and 1 <= number <= 99):
        raise ValueError(f"{where}: nomor_urut entries need an integer `number` in 1..99")
    if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
        raise ValueError(f"{where}: `number` must be an integer or null")
    return Entity(name.strip(), etype, aliases, licensed, roles, number)


def _parse_context(raw: Any, where: str) -> Context:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: must be a mapping with {', '.join(_CONTEXT_KEYS)}")
    unknown = set(raw) - set(_CONTEXT_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(map(str, unknown))}")
    return Context(**{k: _strings(raw.get(k), where, k) for k in _CONTEXT_KEYS})


def _parse(doc: Any, source: str) -> Gazetteer:
    if not isinstance(doc, dict):
        raise ValueError(f"{source}: the top level must be a mapping")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValueError(f"{source}: needs an integer `version`")
    groups = doc.get("entities")
    if not isinstance(groups, dict):
        raise ValueError(f"{source}: needs an `entities` mapping of type -> entries")
    entities: list[Entity] = []
    derogatory: list[Entity] = []
    for group, entries in groups.items():
        if group not in _ALL_GROUPS:
            raise ValueError(f"{source}: unknown entity type group {group!r} (known: {', '.join(_ALL_GROUPS)})")
        if not isinstance(entries, list):
            raise ValueError(f"{source}: entities.{group} must be a list")
        seen: set[str] = set()
        for k, raw in enumerate(entries):
            e = _parse_entry(raw, group, k, source)
            if e.name in seen:
                raise ValueError(f"{source}: entities.{group}: two entries named {e.name!r}")
            seen.add(e.name)
            (derogatory if group in _UNMASKED_TYPES else entities).append(e)
    context: dict[str, Context] = {}
    for etype, raw in (doc.get("context") or {}).items():
        if etype not in ENTITY_TYPES or etype == "nomor_urut":
            raise ValueError(f"{source}: context.{etype}: unknown type (nomor_urut has its own block)")
        context[etype] = _parse_context(raw, f"{source}: context.{etype}")
    rule = doc.get("nomor_urut")
    if not isinstance(rule, dict):
        raise ValueError(f"{source}: needs a `nomor_urut` rule block")
    where = f"{source}: nomor_urut"
    nomor = _NomorRule(
        designators=_strings(rule.get("designators"), where, "designators"),
        glued=_strings(rule.get("glued"), where, "glued"),
        context=_parse_context(rule.get("context") or {}, f"{where}.context"),
        plain_before=_strings(rule.get("plain_before"), where, "plain_before"),
    )
    ambiguous: list[tuple[str, str]] = []
    for k, raw in enumerate(doc.get("ambiguous") or []):
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not raw["text"].strip():
            raise ValueError(f"{source}: ambiguous[{k}]: needs a non-empty `text`: {raw!r}")
        if not isinstance(raw.get("reason"), str) or not raw["reason"].strip():
            raise ValueError(f"{source}: ambiguous[{k}] {raw['text']!r}: needs a `reason`")
        ambiguous.append((raw["text"].strip(), raw["reason"].strip()))
    keep = _strings(doc.get("keep_phrases"), source, "keep_phrases")
    return Gazetteer(str(version), tuple(entities), tuple(derogatory), tuple(ambiguous), keep, context, nomor,
                     source)


# ---------------------------------------------------------------------------------------- compiling


class _Rule:
    """When a licensed word is masked: after a `before` cue, before an `after` cue, chained to a
    placeholder of its type by a `chain` word, or paired with another word of the same rule."""

    __slots__ = ("placeholder", "before", "after", "chain", "pair", "group")

    def __init__(self, placeholder: str, ctx: Context, norm1: Callable[[str, str], str]) -> None:
        self.placeholder = placeholder
        self.before = frozenset(norm1(w, "before") for w in ctx.before)
        self.after = frozenset(norm1(w, "after") for w in ctx.after)
        self.chain = frozenset(norm1(w, "chain") for w in ctx.chain)
        self.pair = frozenset(norm1(w, "pair") for w in ctx.pair)
        self.group: set[str] = set()

    def allows(self, out: list[str], toks: list[str], i: int) -> bool:
        if out:
            prev = out[-1]
            if prev in self.before:
                return True
            if prev in self.chain and len(out) > 1 and out[-2] == self.placeholder:
                return True
        j = i + 1
        if j < len(toks):
            nxt = toks[j]
            if nxt in self.after:
                return True
            if nxt in self.pair and j + 1 < len(toks) and toks[j + 1] in self.group:
                return True
        return False


# A token trie: node[token] -> child node; node[""] -> (placeholder or None for a keep phrase,
# tokens emitted after it) where an entry ends there. Tokens are never "" after str.split().
_Node = dict


class EntityMasker:
    """A compiled gazetteer: `mask` is the hot path (one dict probe per token, a trie walk per hit)."""

    def __init__(self, root: dict[str, _Node], rules: dict[str, _Rule],
                 patterns: dict[str, tuple[str, str]], licensed: dict[str, tuple[str, str]],
                 generated: int, version: str, counts: dict[str, dict[str, int]]) -> None:
        self._root = root
        self._rules = rules
        self.patterns = patterns  # normalised alias -> (type, entity name); listed and nomor-generated
        self.licensed = licensed  # normalised licensed word -> (type, entity name)
        self.generated_variants = generated  # suffixed forms and keep phrases on top of `patterns`
        self.version = version
        self.counts = counts

    def mask(self, normalized: str) -> str:
        """Each longest alias match -> its placeholder; same-type neighbours collapse to one."""
        toks = normalized.split()
        root = self._root
        hits = [i for i, t in enumerate(toks) if t in root]
        if not hits:
            return normalized
        n = len(toks)
        out: list[str] = []
        pos = 0
        for i in hits:
            if i < pos:  # inside a match already emitted
                continue
            if i > pos:
                out.extend(toks[pos:i])
            node = root[toks[i]]
            best = node.get("")
            end = j = i + 1
            while j < n:
                node = node.get(toks[j])
                if node is None:
                    break
                j += 1
                term = node.get("")
                if term is not None:
                    best, end = term, j
            if best is not None:
                ph, extra = best
                if ph is not None and (not out or out[-1] != ph):
                    out.append(ph)
                if extra:
                    out.extend(extra)
                pos = end
                continue
            rule = self._rules.get(toks[i])
            if rule is not None and rule.allows(out, toks, i):
                if not out or out[-1] != rule.placeholder:
                    out.append(rule.placeholder)
            else:
                out.append(toks[i])
            pos = i + 1
        if pos < n:
            out.extend(toks[pos:])
        return " ".join(out)

    __call__ = mask


def _compile(g: Gazetteer, normalize_fn: Callable[[str], str]) -> EntityMasker:
    cache: dict[str, tuple[str, ...]] = {}

    def toks(text: str, where: str) -> tuple[str, ...]:
        t = cache.get(text)
        if t is None:
            t = tuple(normalize_fn(text).split())
            cache[text] = t
        if not t:
            raise ValueError(f"{g.source}: {where}: {text!r} normalises to nothing")
        bad = [x for x in t if not _TOKEN.fullmatch(x) or x in _RESERVED_TOKENS]
        if bad:
            raise ValueError(f"{g.source}: {where}: {text!r} normalises to {' '.join(t)!r}, "
                             f"with non-word or reserved tokens {bad}")
        return t

    def norm1(word: str, where: str) -> str:
        t = toks(word, where)
        if len(t) != 1:
            raise ValueError(f"{g.source}: {where}: cue {word!r} must normalise to one token, got {' '.join(t)!r}")
        return t[0]

    # key -> (type, entity name, alias as written); one owner per normalised alias
    owner: dict[tuple[str, ...], tuple[str, str, str]] = {}

    def claim(key: tuple[str, ...], etype: str, name: str, raw: str) -> None:
        prev = owner.get(key)
        if prev is None:
            owner[key] = (etype, name, raw)
        elif prev[:2] != (etype, name):
            what = "a different type" if prev[0] != etype else "another entry"
            raise ValueError(f"{g.source}: {etype} entry {name!r}: alias {raw!r} ({' '.join(key)!r}) collides "
                             f"with {what}: {prev[0]} entry {prev[1]!r} (alias {prev[2]!r})")

    licensed_words: dict[str, tuple[str, str]] = {}
    rules: dict[str, _Rule] = {}
    for etype, ctx in g.context.items():
        rules[etype] = _Rule(PLACEHOLDER[etype], ctx, lambda w, k, t=etype: norm1(w, f"context.{t}.{k}"))
    zero_rule = _Rule(PLACEHOLDER["nomor_urut"], g.nomor.context,
                      lambda w, k: norm1(w, f"nomor_urut.context.{k}"))
    plain_rule = _Rule(PLACEHOLDER["nomor_urut"], Context(before=g.nomor.plain_before),
                       lambda w, k: norm1(w, "nomor_urut.plain_before"))
    rule_of: dict[str, _Rule] = {}

    for e in g.entities:
        where = f"{e.type} entry {e.name!r}"
        for a in e.aliases:
            claim(toks(a, where), e.type, e.name, a)
        for w in e.licensed:
            word = norm1(w, f"{where}: licensed")
            if e.type not in rules:
                raise ValueError(f"{g.source}: {where}: licensed word {w!r} but no `context.{e.type}` cues")
            prev = licensed_words.get(word)
            if prev is not None and prev != (e.type, e.name):
                raise ValueError(f"{g.source}: {where}: licensed word {w!r} is also licensed for "
                                 f"{prev[0]} entry {prev[1]!r}")
            licensed_words[word] = (e.type, e.name)
            rule_of[word] = rules[e.type]
    # ballot numbers: designator + number aliases, glued forms, and the licensed bare numbers
    designators = [toks(d, "nomor_urut.designators") for d in g.nomor.designators]
    glued = [norm1(d, "nomor_urut.glued") for d in g.nomor.glued]
    for e in g.entities:
        if e.type != "nomor_urut":
            continue
        assert e.number is not None
        forms = [str(e.number)] + ([f"{e.number:02d}"] if e.number <= 9 else [])
        for form in forms:
            for d in designators:
                claim(d + (form,), e.type, e.name, " ".join(d + (form,)))
            for d1 in glued:
                claim((d1 + form,), e.type, e.name, d1 + form)
        for form, rule in ((str(e.number), plain_rule), (f"{e.number:02d}", zero_rule)):
            if form in rule_of and rule_of[form] is not rule:
                continue  # "10".."24" are plain only
            licensed_words[form] = (e.type, e.name)
            rule_of[form] = rule
    for word, (etype, name) in licensed_words.items():
        if (word,) in owner:
            o = owner[(word,)]
            raise ValueError(f"{g.source}: {etype} entry {name!r}: licensed word {word!r} is also an alias of "
                             f"{o[0]} entry {o[1]!r}; a word is either always masked or only in context")
        rule_of[word].group.add(word)

    # never-masked lists must not be (or, for derogatory labels, contain) a masked alias
    single_aliases = {k[0] for k in owner if len(k) == 1} | set(licensed_words)
    derog_keys: set[tuple[str, ...]] = set()
    for e in g.derogatory:
        for a in e.aliases:
            key = toks(a, f"derogatory entry {e.name!r}")
            hit = owner.get(key) or (licensed_words.get(key[0]) if len(key) == 1 else None)
            inner = [t for t in key if t in single_aliases]
            if hit or inner:
                raise ValueError(f"{g.source}: derogatory entry {e.name!r}: {a!r} would be masked "
                                 f"(alias of {hit or inner}); derogatory labels must stay in the text")
            derog_keys.add(key)
    for key, (etype, name, raw) in owner.items():
        inner = [t for t in key if (t,) in derog_keys]
        if inner:
            raise ValueError(f"{g.source}: {etype} entry {name!r}: alias {raw!r} contains the derogatory "
                             f"label {inner}, which must stay in the text")
    ambiguous_keys: set[tuple[str, ...]] = set()
    for text, _reason in g.ambiguous:
        key = toks(text, "ambiguous")
        hit = owner.get(key) or (licensed_words.get(key[0]) if len(key) == 1 else None)
        if hit:
            raise ValueError(f"{g.source}: ambiguous {text!r} ({' '.join(key)!r}) is also masked as {hit[:2]}")
        ambiguous_keys.add(key)
    # idempotency needs look-ahead cues that never start a match (see EntityMasker.mask)
    starts = {k[0] for k in owner} | set(licensed_words)
    for rule in list(rules.values()) + [zero_rule, plain_rule]:
        clash = (rule.after | rule.pair) & starts
        if clash:
            raise ValueError(f"{g.source}: `after`/`pair` cue words {sorted(clash)} also start an alias")

    # candidate table: aliases, suffixed variants, keep phrases (+ their suffixed forms)
    table: dict[tuple[str, ...], tuple[str | None, tuple[str, ...]]] = {}
    for key, (etype, _name, _raw) in owner.items():
        table[key] = (PLACEHOLDER[etype], ())
    keeps: list[tuple[str, ...]] = []
    for phrase in g.keep_phrases:
        key = toks(phrase, "keep_phrases")
        if key in owner:
            o = owner[key]
            raise ValueError(f"{g.source}: keep phrase {phrase!r} is an alias of {o[0]} entry {o[1]!r}")
        table[key] = (None, key)
        keeps.append(key)
    taken = set(table) | {(w,) for w in licensed_words} | derog_keys | ambiguous_keys
    generated = len(keeps)
    variants: dict[tuple[str, ...], tuple[str | None, tuple[str, ...]]] = {}
    for key, (etype, _name, _raw) in owner.items():
        if etype not in _SUFFIX_TYPES:
            continue
        for suf in SUFFIXES:
            v = key[:-1] + (key[-1] + suf,)
            if v not in taken and v not in variants:
                variants[v] = (PLACEHOLDER[etype], (suf,))
    for key in keeps:
        for suf in SUFFIXES:
            v = key[:-1] + (key[-1] + suf,)
            if v not in taken and v not in variants:
                variants[v] = (None, v)
    table.update(variants)
    generated += len(variants)

    root: dict[str, _Node] = {}
    for key, emit in table.items():
        node = root
        for tok in key:
            node = node.setdefault(tok, {})
        node[""] = emit
    for word in rule_of:
        root.setdefault(word, {})

    counts: dict[str, dict[str, int]] = {}
    for etype in ENTITY_TYPES + _UNMASKED_TYPES:
        es = g.of_type(etype)
        counts[etype] = {
            "entities": len(es),
            "aliases_listed": sum(len(e.aliases) + len(e.licensed) for e in es),
            "patterns": (sum(1 for o in owner.values() if o[0] == etype)
                         + sum(1 for t, _ in licensed_words.values() if t == etype)),
        }
    counts["derogatory"]["patterns"] = len(derog_keys)
    patterns = {" ".join(k): (o[0], o[1]) for k, o in owner.items()}
    return EntityMasker(root, rule_of, patterns, dict(licensed_words), generated, g.version, counts)


# ---------------------------------------------------------------------------------------- loading

_lock = threading.RLock()
_default_gazetteer: Gazetteer | None = None
_default_masker: EntityMasker | None = None
_building = False


def load_gazetteer(path: Path | str | None = None) -> Gazetteer:
    """Parse and validate the gazetteer (default file cached); ValueError names a bad entry.

    Validation includes compiling it with normalize_plain, so alias collisions between entries or
    types are reported here rather than on the first post.
    """
    global _default_gazetteer
    if path is None:
        with _lock:
            if _default_gazetteer is None:
                g = _load(DEFAULT_PATH)
                if g.version != GAZETTEER_VERSION:
                    raise ValueError(f"{DEFAULT_PATH}: version {g.version} but models.entities.GAZETTEER_VERSION "
                                     f"is {GAZETTEER_VERSION}; bump both together")
                _default_gazetteer = g
            return _default_gazetteer
    return _load(Path(path))


def _load(path: Path) -> Gazetteer:
    with open(path, encoding="utf-8") as f:
        try:
            doc = yaml.safe_load(f)
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not valid YAML: {exc}") from None
    g = _parse(doc, str(path))
    g.build()
    return g


def default_masker() -> EntityMasker:
    """The default gazetteer compiled with normalize_plain, built once per process."""
    global _default_masker, _building
    m = _default_masker
    if m is not None:
        return m
    with _lock:
        if _default_masker is None:
            if _building:
                raise RuntimeError("models.entities: the gazetteer is being compiled with a normaliser that "
                                   "masks entities itself; aliases must be compiled with normalize_plain "
                                   "(see _raw_normalize)")
            _building = True
            try:
                _default_masker = load_gazetteer().build()
            finally:
                _building = False
        return _default_masker


def mask_entities(normalized: str) -> str:
    """Mask political entities in normalize_plain output with the default gazetteer."""
    m = _default_masker
    if m is None:
        m = default_masker()
    return m.mask(normalized)


def entity_types_in(normalized_masked: str) -> frozenset[str]:
    """Entity types named in a masked text (for bias metrics and `hate_target`)."""
    if "ent_" not in normalized_masked:
        return _NO_TYPES
    return frozenset(TYPE_OF_PLACEHOLDER[t] for t in normalized_masked.split() if t in TYPE_OF_PLACEHOLDER)

