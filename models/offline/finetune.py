"""Fine-tuning a local Hugging Face checkpoint into the transformer tier (training only).

Kept apart from models/transformer.py, which the runtime scorer imports, so that scoring never
imports a training module (issue 12: no import circles between the runtime and training).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Callable

import numpy as np

from models.normalize import normalize
from models.transformer import SUHU_META, TransformerTier

__all__ = ["fine_tune"]

def fine_tune(base_dir: Path, csv_path: Path, out_dir: Path, seed: int = 13, epochs: float = 3.0,
              max_length: int = 128, threads: int = 1, batch_size: int = 16, lr: float = 3e-5,
              max_train_rows: int | None = None, log: Callable[[str], None] = print) -> dict:  # type: ignore[type-arg]
    """Fine-tune a local checkpoint on the train split; thresholds on calibration; test metrics saved."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from models.offline.evaluate import best_f1_threshold, metrics, read_labelled_csv, split_indices

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
                thresholds[signal], _ = best_f1_threshold(y, p)
            else:
                results[signal] = metrics(y, p, thresholds[signal])
    meta["thresholds"] = thresholds
    meta["metrics_test"] = results
    (out_dir / SUHU_META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    log(f"transformer written to {out_dir}: test {results}")
    return meta
