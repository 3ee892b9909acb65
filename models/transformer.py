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

__all__ = ["TransformerTier", "fine_tune", "SUHU_META"]

SUHU_META = "suhu_transformer.json"  # thresholds, version, metrics written by fine_tune
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


def fine_tune(base_dir: Path, csv_path: Path, out_dir: Path, seed: int = 13, epochs: float = 3.0,
              max_length: int = 128, threads: int = 1, batch_size: int = 16, lr: float = 3e-5,
              max_train_rows: int | None = None, log: Callable[[str], None] = print) -> dict:  # type: ignore[type-arg]
    """Fine-tune a local checkpoint on the train split; thresholds on calibration; test metrics saved."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from models.evaluate import metrics, read_labelled_csv, split_indices
    from models.train import _best_threshold

    torch.manual_seed(seed)
    torch.set_num_threads(max(1, threads))
    data = read_labelled_csv(csv_path)
    splits = split_indices(data, seed)
    tokenizer = AutoTokenizer.from_pretrained(str(base_dir), local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        str(base_dir), local_files_only=True, num_labels=2, problem_type="multi_label_classification",
        id2label={0: "hate", 1: "incivility"}, label2id={"hate": 0, "incivility": 1}, ignore_mismatched_sizes=True)
    y_all = np.stack([data.columns["HS"], data.columns["Abusive"]], axis=1).astype(np.float32)
    texts = [normalize(t) or "." for t in data.texts]
    train_idx = splits["train"] if max_train_rows is None else splits["train"][:max_train_rows]
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    steps = int(np.ceil(len(train_idx) / batch_size) * epochs)
    started = time.time()
    model.train()
    for step in range(steps):
        if step % int(np.ceil(len(train_idx) / batch_size)) == 0:
            order = rng.permutation(train_idx)
        b = order[(step % int(np.ceil(len(train_idx) / batch_size))) * batch_size:][:batch_size]
        enc = tokenizer([texts[i] for i in b], padding=True, truncation=True, max_length=max_length,
                        return_tensors="pt")
        loss = model(**enc, labels=torch.from_numpy(y_all[b])).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        if step % 50 == 0:
            log(f"  step {step}/{steps} loss {loss.item():.4f} ({time.time() - started:.0f}s)")
    model.eval()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out_dir))
    tokenizer.save_pretrained(str(out_dir))
    tier = TransformerTier.load(out_dir, threads=threads, max_length=max_length)
    meta: dict = {"version": f"tf-{out_dir.name}", "base": str(base_dir), "seed": seed, "epochs": epochs,  # type: ignore[type-arg]
                  "max_length": max_length, "train_rows": int(len(train_idx)), "train_seconds": round(time.time() - started)}
    thresholds: dict[str, float] = {}
    results: dict[str, dict] = {}  # type: ignore[type-arg]
    for part in ("calibration", "test"):
        idx = splits[part]
        probs = tier.predict([data.texts[i] for i in idx])
        for j, signal in enumerate(("hate", "incivility")):
            p = np.asarray([r[signal] for r in probs])
            y = y_all[idx, j].astype(np.int64)
            if part == "calibration":
                thresholds[signal], _ = _best_threshold(y, p)
            else:
                results[signal] = metrics(y, p, thresholds[signal])
    meta["thresholds"] = thresholds
    meta["metrics_test"] = results
    (out_dir / SUHU_META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    log(f"transformer written to {out_dir}: test {results}")
    return meta
