"""What every model sees: Indonesian social-media text normalised (models/plaintext.py), then political
entities masked (models/entities.py).

Training and scoring both call `normalize`, so no candidate's, party's or ballot number's name can
carry label weight: a mention is only its type (`ent_tokoh`, `ent_partai`, ...).
"""

from __future__ import annotations

from models.entities import mask_entities
from models.plaintext import NORMALIZER_VERSION, QUOTE_TOKEN, normalize_plain

__all__ = ["normalize", "normalize_plain", "normalize_many", "NORMALIZER_VERSION", "QUOTE_TOKEN"]


def normalize(text: str) -> str:
    """normalize_plain, then political entities masked."""
    return mask_entities(normalize_plain(text))


def normalize_many(texts: list[str] | tuple[str, ...]) -> list[str]:
    return [normalize(t) for t in texts]
