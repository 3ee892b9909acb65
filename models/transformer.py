"""The transformer tier: any local Hugging Face sequence-classification checkpoint, offline, on CPU.

torch and transformers are imported inside functions so the fast tier never needs them. The
checkpoint's `id2label` must name the two trained signals (`hate`/`HS`, `incivility`/`Abusive`);
outputs are read as independent sigmoids (multi-label). Inputs are the same normalised text as the
fast tier. Every batch is padded to `max_length`, so a post is computed with the same shapes
whatever its batch-mates are, and scores are rounded like the fast tier's.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from models.artifacts import ArtifactError
from models.normalize import normalize

__all__ = ["TransformerTier", "SUHU_META"]

SUHU_META = "suhu_transformer.json"  # thresholds, version, metrics written by models.offline.finetune.fine_tune
_LABEL_ALIASES = {"hate": "hate", "hs": "hate", "incivility": "incivility", "abusive": "incivility"}
_DECIMALS = 6


class TransformerTier:
    def __init__(self, model, tokenizer, label_index: dict[str, int], thresholds: dict[str, float],  # type: ignore[no-untyped-def]
                 version: str, max_length: int = 128, batch_size: int = 32):
        self.model = model
        self.tokenizer = tokenizer
        self.label_index = label_index
        self.thresholds = thresholds
        self.version = version
        self.max_length = int(max_length)
        self.batch_size = int(batch_size)
        self._lock = threading.Lock()  # one forward pass at a time: torch's thread pool is shared

    @classmethod
    def load(cls, directory: Path, threads: int = 1, max_length: int = 128, batch_size: int = 32) -> "TransformerTier":
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        directory = Path(directory)
        if not (directory / "config.json").is_file():
            raise ArtifactError(f"{directory} has no config.json: not a Hugging Face checkpoint directory")
        torch.set_num_threads(max(1, int(threads)))
        try:
            tokenizer = AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
            model = AutoModelForSequenceClassification.from_pretrained(str(directory), local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ArtifactError(f"{directory}: cannot load checkpoint: {exc}") from None
        model.eval()
        label_index: dict[str, int] = {}
        for idx, name in model.config.id2label.items():
            signal = _LABEL_ALIASES.get(str(name).lower())
            if signal:
                label_index[signal] = int(idx)
        if set(label_index) != {"hate", "incivility"}:
            raise ArtifactError(f"{directory}: id2label {model.config.id2label} must name hate/HS and incivility/Abusive")
        thresholds = {"hate": 0.5, "incivility": 0.5}
        version = f"tf-{directory.name}"
        meta_path = directory / SUHU_META
        if meta_path.is_file():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            thresholds.update({k: float(v) for k, v in meta.get("thresholds", {}).items() if k in thresholds})
            version = str(meta.get("version", version))
            if meta.get("max_length"):  # trained on shorter inputs: padding further only costs time
                max_length = min(int(max_length), int(meta["max_length"]))
        # Positions past the checkpoint's embeddings would fail at the first long post.
        max_length = min(int(max_length), int(getattr(model.config, "max_position_embeddings", max_length)))
        return cls(model, tokenizer, label_index, thresholds, version, max_length, batch_size)

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        import torch

        out: list[dict[str, float]] = []
        normalized = [normalize(t) or "." for t in texts]
        with self._lock, torch.inference_mode():
            for start in range(0, len(normalized), self.batch_size):
                chunk = normalized[start:start + self.batch_size]
                enc = self.tokenizer(chunk, padding="max_length", truncation=True, max_length=self.max_length,
                                     return_tensors="pt")
                logits = self.model(**enc).logits.float()
                probs = torch.sigmoid(logits).numpy().astype(np.float64)
                for row in probs:
                    out.append({s: round(float(row[i]), _DECIMALS) for s, i in self.label_index.items()})
        return out
