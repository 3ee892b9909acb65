"""Indonesian social-media text normalisation, shared by every tier and the lexicon signals.

One spelling per word is what lets a linear model generalise to new slang: variants are folded
(repeated letters, leetspeak, reduplication with "2", common slang), placeholders replace what
must not be learnt (user names, URLs) and emoji become a few coarse tokens.
Deterministic and pure: the same text always gives the same string.

This is the normalisation *before* entity masking; models/normalize.py composes the two (what every
model sees). Kept apart so that models/entities.py can compile its aliases with it without importing
the module that imports entities (no import circle).
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from models.slang import SLANG

__all__ = ["normalize_plain", "NORMALIZER_VERSION", "QUOTE_TOKEN"]

NORMALIZER_VERSION = "2"

# Literal byte escapes as found in scraped tweets: "\xf0\x9f\x98\x82" -> the emoji.
_BYTE_ESCAPES = re.compile(r"(?:\\x[0-9a-fA-F]{2})+")
_LITERAL_NEWLINE = re.compile(r"\\[nrt]")
_URL = re.compile(r"(?:https?://|www\.)\S+|\bURL\b", re.IGNORECASE)
_MENTION = re.compile(r"@\w+|\bUSER\b")
_RETWEET = re.compile(r"^\s*RT\b:?")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_REDUP = re.compile(r"\b([a-z]{2,})2\b")
# Leetspeak only where a digit sits before a letter and the token does not start with a number:
# "4nj1ng" -> "anjing", but "c1", "covid19", "2019ganti" and "01" are left alone.
_LEET_TOKEN = re.compile(r"\b(?![0-9]{2})(?=[a-z0-9]*[0-9][a-z0-9]*[a-z])(?=[a-z0-9]*[a-z][a-z0-9]*[0-9])[a-z0-9]+\b")
_LEET_TABLE = str.maketrans({"4": "a", "1": "i", "3": "e", "0": "o", "5": "s", "7": "t", "8": "b", "6": "g", "9": "g"})
_REPEAT = re.compile(r"([a-z])\1{2,}")
_LAUGH = re.compile(r"\b(?:a?(?:wk){2,}w?k?|(?:ha){2,}h?|(?:he){2,}h?|(?:hi){2,}h?|(?:xi){2,})\b")
# Every match of _LAUGH contains one of these; of _QUOTES one of those characters.
_LAUGH_CORES = ("wkwk", "haha", "hehe", "hihi", "xixi")
_QUOTE_CHARS = ('"', "'", "\u201c", "\u201d", "\u201e", "\u00ab", "\u00bb", "\u2018", "\u2019")
_DIGITS = tuple("0123456789")
_PUNCT = re.compile(r"[^a-z0-9_!?]+")
_BANG = re.compile(r"([!?])")
_SPACES = re.compile(r"\s+")
# Double quotation marks become a token: quoting is evidence of counter-speech (models/sara.py).
# A single quote counts only where it is not an apostrophe inside a word (Ma'ruf, Jum'at).
_QUOTES = re.compile(r'["\u201c\u201d\u201e\u00ab\u00bb]|(?<![A-Za-z])[\'\u2018\u2019]|[\'\u2018\u2019](?![A-Za-z])')
QUOTE_TOKEN = "q_kutip"
_RESERVED = re.compile(r"(?i)\bq_kutip\b|\bent_\w*")

_EMOJI_CLASSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("emo_marah", ("POUTING", "ANGRY", "RAGE", "SYMBOLS ON MOUTH", "ENRAGED", "STEAM FROM NOSE", "ANGER")),
    ("emo_hina", ("MIDDLE FINGER", "PILE OF POO", "CLOWN", "NAUSEATED", "VOMITING", "UNAMUSED", "ROLLING EYES")),
    ("emo_hewan", ("PIG", "DOG", "MONKEY", "RAT", "SNAKE", "BOAR", "COW", "CAMEL", "GORILLA", "ORANGUTAN")),
    ("emo_tawa", ("TEARS OF JOY", "ROLLING ON THE FLOOR", "GRINNING", "LAUGHING", "SMIRK", "SQUINTING")),
    ("emo_sedih", ("CRYING", "SAD", "DISAPPOINTED", "WEARY", "PENSIVE", "BROKEN HEART", "PLEADING")),
    ("emo_senyum", ("SMILING", "SLIGHTLY", "HUGGING", "BLUSH", "WINK")),
    ("emo_cinta", ("HEART", "KISS", "LOVE", "ROSE")),
    ("emo_tangan", ("HANDS", "THUMBS", "CLAPPING", "PRAY", "FLEXED", "HAND")),
    ("emo_api", ("FIRE", "COLLISION", "BOMB", "DAGGER", "KNIFE", "PISTOL", "SKULL")),
    ("emo_bendera", ("REGIONAL INDICATOR",)),
)


@lru_cache(maxsize=8192)
def _non_ascii(ch: str) -> str:
    """Emoji become one of a few coarse tokens; letters with accents lose them; the rest is space."""
    cat = unicodedata.category(ch)
    if cat.startswith("L"):
        base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii").lower()
        return base or " "
    if cat == "So" or 0x1F000 <= ord(ch) <= 0x1FAFF:
        name = unicodedata.name(ch, "")
        if not name or "FITZPATRICK" in name or "SKIN TONE" in name or "VARIATION SELECTOR" in name:
            return " "
        for token, keys in _EMOJI_CLASSES:
            if any(k in name for k in keys):
                return f" {token} "
        return " emo_lain "
    return " "


def _decode_escapes(match: re.Match[str]) -> str:
    raw = bytes.fromhex(match.group(0).replace("\\x", ""))
    return raw.decode("utf-8", errors="ignore") or " "


def _hashtag(match: re.Match[str]) -> str:
    return " " + _CAMEL.sub(" ", match.group(1)) + " "


def _has_any(text: str, parts: tuple[str, ...]) -> bool:
    for part in parts:
        if part in text:
            return True
    return False


def normalize_plain(text: str) -> str:
    """Lower-case, placeholder-ised, slang-folded text with tokens separated by single spaces."""
    if not text:
        return ""
    t = text
    # Each rewrite runs only when the characters it needs are present: a skipped rewrite would have
    # been a no-op, so the output is the same, at a third less time on a typical post.
    if "\\" in t:
        if "\\x" in t:
            t = _BYTE_ESCAPES.sub(_decode_escapes, t)
        t = _LITERAL_NEWLINE.sub(" ", t)
    t = html.unescape(t)
    if "RT" in t:
        t = _RETWEET.sub(" ", t)
    if "_" in t:
        t = _RESERVED.sub(" ", t)  # a post cannot fake our own tokens (a quotation, an entity)
    if _has_any(t, _QUOTE_CHARS):
        t = _QUOTES.sub(" " + QUOTE_TOKEN + " ", t)
    low = t.lower()
    if "url" in low or "http" in low or "www." in low:
        t = _URL.sub(" url ", t)
    if "@" in t or "USER" in t:
        t = _MENTION.sub(" user ", t)
    if "#" in t:
        t = _HASHTAG.sub(_hashtag, t)
    t = t.lower()
    if not t.isascii():
        t = _NON_ASCII.sub(lambda m: _non_ascii(m.group(0)), t)
    digits = _has_any(t, _DIGITS)
    if digits and "2" in t:
        t = _REDUP.sub(r"\1 \1", t)
    if digits:
        t = _LEET_TOKEN.sub(lambda m: m.group(0).translate(_LEET_TABLE), t)
    t = _REPEAT.sub(r"\1", t)
    if _has_any(t, _LAUGH_CORES):
        t = _LAUGH.sub(" haha ", t)
    bang = "!" in t or "?" in t
    if bang:
        t = _BANG.sub(r" \1 ", t)
    t = _PUNCT.sub(" ", t)
    if bang:
        t = _REPEAT_PUNCT.sub(r"\1", t)
    slang = SLANG.get
    return " ".join([slang(tok, tok) for tok in _join_spaced_letters(t.split())])


def _join_spaced_letters(tokens: list[str]) -> list[str]:
    """"b e n c i" -> "benci": three or more single letters in a row are one word spelled out."""
    if len(tokens) < 3 or list(map(len, tokens)).count(1) < 3:
        return tokens
    out: list[str] = []
    run: list[str] = []
    for tok in tokens + [""]:
        if len(tok) == 1 and tok.isalpha():
            run.append(tok)
            continue
        if len(run) >= 3:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if tok:
            out.append(tok)
    return out


_REPEAT_PUNCT = re.compile(r"([!?])(?:\s*\1)+")
