"""Write a checkpoint with the architecture of `suhu train --from-scratch-transformer` and untrained weights.

Why: the transformer tier's speed table must be reproducible by `make bench` on a machine that has not
spent ten minutes (and the dataset in ../shared) training one. A forward pass costs the same whatever
the weights hold: the cost is set by the shape (layers, width, heads, every input padded to the same
length, vocabulary), which this copies from `models.offline.pretrain.DEFAULT_RECIPE`. The WordPiece vocabulary
is learned from our own generated posts, so no dataset text is involved. Its scores are meaningless and
it is never used for anything but timing; `bench/run_all.sh` uses a trained checkpoint instead when
TF_DIR points at one.

    .venv/bin/python bench/shape_checkpoint.py var/bench/tf-shape
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def build(out_dir: Path, seed: int = 13) -> Path:
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    from models.normalize import normalize
    from models.offline.pretrain import DEFAULT_RECIPE as R
    from models.offline.pretrain import train_wordpiece
    from models.transformer import SUHU_META
    from streams.tooling.generator import generate_posts

    torch.manual_seed(seed)
    texts = [normalize(p["text"]) or "." for p in generate_posts(minutes=60, rate=8, seed=seed)]
    tok = train_wordpiece(texts, out_dir, R.vocab_size, R.min_frequency, R.max_length)
    # The embedding table as large as the recipe's even where our posts learn fewer word pieces.
    config = BertConfig(vocab_size=max(tok.vocab_size, R.vocab_size), hidden_size=R.hidden, num_hidden_layers=R.layers,
                        num_attention_heads=R.heads, intermediate_size=R.intermediate,
                        max_position_embeddings=R.max_length, pad_token_id=tok.pad_token_id,
                        num_labels=2, id2label={0: "hate", 1: "incivility"},
                        label2id={"hate": 0, "incivility": 1}, problem_type="multi_label_classification")
    model = BertForSequenceClassification(config)
    model.save_pretrained(str(out_dir))
    meta = {"version": "tf-shape-untrained", "max_length": R.max_length,
            "note": "architecture of tf-scratch-v1 with untrained weights: for timing only, scores are meaningless",
            "parameters": sum(p.numel() for p in model.parameters()), "vocab_size": config.vocab_size,
            "learned_word_pieces": tok.vocab_size}
    (out_dir / SUHU_META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return out_dir


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    a = ap.parse_args()
    build(a.out_dir)
    meta = json.loads((a.out_dir / "suhu_transformer.json").read_text())
    print(f"wrote {a.out_dir}: {meta['parameters']:,} parameters, vocabulary {meta['vocab_size']}")


if __name__ == "__main__":
    main()
