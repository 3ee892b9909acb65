"""A small BERT trained here from scratch (issue 3): no pretrained weights can be downloaded.

Recipe, all on the fast tier's seed-13 split: a WordPiece vocabulary learnt from the normalised
train texts only; a short masked-LM pretraining on the same train texts; multi-label fine-tuning
(hate = HS, incivility = Abusive); the fine-tuning epoch and the decision thresholds chosen on the
calibration split; the test split scored once at the end. Step counts are fixed by the recipe so a
run is reproducible; a wall-clock cap stops a run that overruns on a busy machine, and says so in
the metadata. The output is a plain Hugging Face directory that `TransformerTier.load` reads.

Why one long module: one training recipe, end to end (vocabulary, masked-LM, fine-tuning,
calibration, metadata), reproducible from one file.
"""

from __future__ import annotations

import copy
import json
import os
import platform
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from models.normalize import normalize

__all__ = ["ScratchRecipe", "train_from_scratch", "compare_with_fast", "train_wordpiece", "learn_wordpiece_vocab",
           "DEFAULT_RECIPE", "SCRATCH_VERSION"]

SCRATCH_VERSION = "tf-scratch-v2"
_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
_SIGNAL_COLUMNS = (("hate", "HS"), ("incivility", "Abusive"))


@dataclass(frozen=True)
class ScratchRecipe:
    """Every knob of the from-scratch run; stored in the output's metadata."""

    vocab_size: int = 8000
    min_frequency: int = 2
    hidden: int = 128
    layers: int = 3
    heads: int = 2
    intermediate: int = 512
    max_length: int = 64
    dropout: float = 0.1
    mlm_epochs: int = 6
    mlm_batch: int = 64
    mlm_lr: float = 5e-4
    mlm_probability: float = 0.15
    ft_epochs: int = 6
    ft_batch: int = 32
    ft_lr: float = 2e-4
    warmup: float = 0.06
    weight_decay: float = 0.01
    time_cap_s: float = 720.0  # both phases together; a guard, not the schedule
    threads: int = 1


DEFAULT_RECIPE = ScratchRecipe()


def learn_wordpiece_vocab(texts: Sequence[str], vocab_size: int, min_frequency: int = 2) -> list[str]:
    """WordPiece vocabulary by frequency-ordered merges, deterministic: ties go to the smaller pair.

    The `tokenizers` WordPieceTrainer numbers the `##` symbols in hash-map order, so equally frequent
    merges come out differently from run to run (measured: 10-48 of 8,000 tokens differ between
    runs on the same texts). This is the same algorithm (BPE merges over word counts with the `##`
    continuation prefix, Bert normalisation and pre-tokenisation from `tokenizers`), in plain Python.
    """
    import heapq
    from collections import Counter

    from tokenizers.normalizers import BertNormalizer
    from tokenizers.pre_tokenizers import BertPreTokenizer

    norm = BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=True)
    pre = BertPreTokenizer()
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w for w, _ in pre.pre_tokenize_str(norm.normalize_str(text)))
    words = sorted(counts)
    freq = [counts[w] for w in words]
    seqs = [[w[0], *("##" + c for c in w[1:])] for w in words]
    vocab = list(_SPECIALS) + sorted({sym for seq in seqs for sym in seq})
    known = set(vocab)
    pairs: Counter[tuple[str, str]] = Counter()
    where: dict[tuple[str, str], set[int]] = {}
    for i, seq in enumerate(seqs):
        for pair in zip(seq, seq[1:]):
            pairs[pair] += freq[i]
            where.setdefault(pair, set()).add(i)
    heap = [(-c, a, b) for (a, b), c in pairs.items()]
    heapq.heapify(heap)
    while len(vocab) < vocab_size and heap:
        neg, a, b = heapq.heappop(heap)
        if pairs.get((a, b), 0) != -neg:
            continue  # stale entry
        if -neg < min_frequency:
            break
        merged = a + b[2:] if b.startswith("##") else a + b
        touched: set[tuple[str, str]] = set()
        for i in sorted(where.pop((a, b), ())):
            seq, f = seqs[i], freq[i]
            for pair in zip(seq, seq[1:]):
                pairs[pair] -= f
                touched.add(pair)
                where.get(pair, set()).discard(i)
            out, k = [], 0
            while k < len(seq):
                if k + 1 < len(seq) and seq[k] == a and seq[k + 1] == b:
                    out.append(merged)
                    k += 2
                else:
                    out.append(seq[k])
                    k += 1
            seqs[i] = out
            for pair in zip(out, out[1:]):
                pairs[pair] += f
                touched.add(pair)
                where.setdefault(pair, set()).add(i)
        pairs.pop((a, b), None)
        for pair in sorted(touched):
            c = pairs.get(pair, 0)
            if c > 0:
                heapq.heappush(heap, (-c, *pair))
            else:
                pairs.pop(pair, None)
        if merged not in known:
            known.add(merged)
            vocab.append(merged)
    return vocab


def train_wordpiece(texts: Sequence[str], out_dir: Path, vocab_size: int, min_frequency: int,
                    max_length: int):  # type: ignore[no-untyped-def]
    """WordPiece on already-normalised texts; returns a transformers (tokenizers-backed) tokenizer saved in out_dir."""
    from transformers import BertTokenizerFast

    out_dir.mkdir(parents=True, exist_ok=True)
    vocab = learn_wordpiece_vocab(texts, vocab_size, min_frequency)
    (out_dir / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    # transformers 5 takes `vocab=` (a `vocab_file=` keyword is ignored: a 5-token vocabulary).
    tok = BertTokenizerFast(vocab=str(out_dir / "vocab.txt"), do_lower_case=True, strip_accents=False,
                            model_max_length=max_length)
    tok.save_pretrained(str(out_dir))
    return tok


def _optimise(model, loss, opt, sched) -> float:  # type: ignore[no-untyped-def]
    """One optimiser step with gradient clipping; returns the loss value."""
    import torch

    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    sched.step()
    opt.zero_grad()
    return float(loss.item())


def _schedule(total: int, warmup: float) -> Callable[[int], float]:
    """Linear warm-up, then linear decay to zero (the BERT schedule)."""
    w = max(1, int(total * warmup))

    def factor(step: int) -> float:
        if step < w:
            return (step + 1) / w
        return max(0.0, (total - step) / max(1, total - w))

    return factor


def _mask(ids, special, generator, probability: float, mask_id: int, vocab_size: int):  # type: ignore[no-untyped-def]
    """BERT masking: 15% of real tokens are targets; of those 80% [MASK], 10% random, 10% kept."""
    import torch

    labels = ids.clone()
    chosen = (torch.rand(ids.shape, generator=generator) < probability) & ~special
    labels[~chosen] = -100
    ids = ids.clone()
    roll = torch.rand(ids.shape, generator=generator)
    ids[chosen & (roll < 0.8)] = mask_id
    rand = chosen & (roll >= 0.8) & (roll < 0.9)
    ids[rand] = torch.randint(len(_SPECIALS), vocab_size, ids.shape, generator=generator)[rand]
    return ids, labels


def _batches(n: int, batch: int, rng: np.random.Generator) -> list[np.ndarray]:
    order = rng.permutation(n)
    return [order[i:i + batch] for i in range(0, n, batch)]


def _calibration_f1(model, tok, texts: list[str], y: np.ndarray, max_length: int):  # type: ignore[no-untyped-def]
    import torch

    from models.offline.evaluate import best_f1_threshold

    model.eval()
    probs = []
    with torch.inference_mode():
        for i in range(0, len(texts), 256):
            enc = tok(texts[i:i + 256], padding=True, truncation=True, max_length=max_length, return_tensors="pt")
            probs.append(torch.sigmoid(model(**enc).logits.float()).numpy())
    p = np.concatenate(probs)
    model.train()
    return [best_f1_threshold(y[:, j].astype(np.int64), p[:, j])[1] for j in range(y.shape[1])]


def train_from_scratch(csv_path: Path, out_dir: Path, recipe: ScratchRecipe = DEFAULT_RECIPE, seed: int = 13,
                       max_train_rows: int | None = None, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Tokenizer, MLM pretraining, fine-tuning, thresholds and metrics; writes a loadable checkpoint."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    import transformers
    from transformers import BertConfig, BertForMaskedLM, BertForSequenceClassification

    from models.offline.evaluate import metrics, read_labelled_csv, split_indices
    from models.offline.evaluate import best_f1_threshold
    from models.transformer import SUHU_META, TransformerTier

    started = time.time()
    torch.manual_seed(seed)
    torch.set_num_threads(max(1, recipe.threads))
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    out_dir = Path(out_dir)

    data = read_labelled_csv(csv_path)
    splits = split_indices(data, seed)
    texts = [normalize(t) or "." for t in data.texts]
    y_all = np.stack([data.columns[c] for _, c in _SIGNAL_COLUMNS], axis=1).astype(np.float32)
    train_idx = splits["train"] if max_train_rows is None else splits["train"][:max_train_rows]
    train_texts = [texts[i] for i in train_idx]
    cal_idx = splits["calibration"] if max_train_rows is None else splits["calibration"][:max_train_rows]
    log(f"data: {csv_path} ({len(texts)} rows; train {len(train_idx)}, calibration {len(cal_idx)}, "
        f"test {len(splits['test'])})")

    tok = train_wordpiece(train_texts, out_dir, recipe.vocab_size, recipe.min_frequency, recipe.max_length)
    lengths = [len(x) for x in tok(train_texts, truncation=False)["input_ids"]]
    log(f"tokenizer: {tok.vocab_size} WordPiece tokens; train lengths median {int(np.median(lengths))}, "
        f"p95 {int(np.percentile(lengths, 95))}, {np.mean(np.asarray(lengths) > recipe.max_length):.1%} "
        f"truncated at {recipe.max_length}")
    enc_train = tok(train_texts, truncation=True, max_length=recipe.max_length)["input_ids"]

    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=recipe.hidden, num_hidden_layers=recipe.layers,
                        num_attention_heads=recipe.heads, intermediate_size=recipe.intermediate,
                        max_position_embeddings=recipe.max_length, hidden_dropout_prob=recipe.dropout,
                        attention_probs_dropout_prob=recipe.dropout, pad_token_id=tok.pad_token_id)

    def pad(rows: list[list[int]]):  # type: ignore[no-untyped-def]
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), tok.pad_token_id, dtype=torch.long)
        for k, r in enumerate(rows):
            ids[k, :len(r)] = torch.tensor(r, dtype=torch.long)
        return ids, (ids != tok.pad_token_id).long()

    def over_cap() -> bool:
        return time.time() - started > recipe.time_cap_s

    # Phase 1: masked-LM on the train texts. Loss only at the masked positions (cheap output layer).
    mlm = BertForMaskedLM(config)
    mlm.train()
    steps_per_epoch = int(np.ceil(len(enc_train) / recipe.mlm_batch))
    total = steps_per_epoch * recipe.mlm_epochs
    opt = torch.optim.AdamW(mlm.parameters(), lr=recipe.mlm_lr, weight_decay=recipe.weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, _schedule(total, recipe.warmup))
    special_ids = torch.tensor(tok.all_special_ids)
    mlm_done, capped, t0 = 0, False, time.time()
    for epoch in range(recipe.mlm_epochs):
        losses = []
        for b in _batches(len(enc_train), recipe.mlm_batch, rng):
            ids, att = pad([enc_train[i] for i in b])
            inp, labels = _mask(ids, torch.isin(ids, special_ids), gen, recipe.mlm_probability,
                                tok.mask_token_id, tok.vocab_size)
            hidden = mlm.bert(input_ids=inp, attention_mask=att).last_hidden_state
            sel = labels != -100
            if not bool(sel.any()):
                continue
            logits = mlm.cls(hidden[sel])
            loss = torch.nn.functional.cross_entropy(logits, labels[sel])
            losses.append(_optimise(mlm, loss, opt, sched))
            mlm_done += 1
            if over_cap():
                capped = True
                break
        log(f"  mlm epoch {epoch + 1}/{recipe.mlm_epochs}: loss {np.mean(losses):.3f} "
            f"({mlm_done} steps, {time.time() - t0:.0f}s)")
        if capped:
            log("  mlm stopped by the time cap")
            break
    mlm_seconds = time.time() - t0

    # Phase 2: multi-label classification from the pretrained encoder; best epoch by calibration F1.
    config.num_labels = 2
    config.problem_type = "multi_label_classification"
    config.id2label = {0: "hate", 1: "incivility"}
    config.label2id = {"hate": 0, "incivility": 1}
    clf = BertForSequenceClassification(config)
    missing = clf.bert.load_state_dict(mlm.bert.state_dict(), strict=False)
    if [k for k in missing.missing_keys if not k.startswith("pooler.")] or missing.unexpected_keys:
        raise RuntimeError(f"pretrained encoder does not fit the classifier: {missing}")
    del mlm
    clf.train()
    y_train = torch.from_numpy(y_all[train_idx])
    cal_texts, y_cal = [texts[i] for i in cal_idx], y_all[cal_idx]
    steps_per_epoch = int(np.ceil(len(enc_train) / recipe.ft_batch))
    total = steps_per_epoch * recipe.ft_epochs
    opt = torch.optim.AdamW(clf.parameters(), lr=recipe.ft_lr, weight_decay=recipe.weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, _schedule(total, recipe.warmup))
    ft_done, t1 = 0, time.time()
    best: tuple[float, int, list[float], dict[str, Any]] | None = None
    per_epoch: list[dict[str, Any]] = []
    for epoch in range(recipe.ft_epochs):
        if capped:
            break
        losses = []
        for b in _batches(len(enc_train), recipe.ft_batch, rng):
            ids, att = pad([enc_train[i] for i in b])
            loss = clf(input_ids=ids, attention_mask=att, labels=y_train[b]).loss
            losses.append(_optimise(clf, loss, opt, sched))
            ft_done += 1
            if over_cap():
                capped = True
                break
        f1s = _calibration_f1(clf, tok, cal_texts, y_cal, recipe.max_length)
        per_epoch.append({"epoch": epoch + 1, "loss": round(float(np.mean(losses)), 4),
                          "calibration_f1": {s: round(f, 4) for (s, _), f in zip(_SIGNAL_COLUMNS, f1s)}})
        log(f"  fine-tune epoch {epoch + 1}/{recipe.ft_epochs}: loss {np.mean(losses):.4f}, calibration F1 "
            f"hate {f1s[0]:.4f} incivility {f1s[1]:.4f} ({ft_done} steps, {time.time() - t1:.0f}s)"
            f"{' (stopped by the time cap)' if capped else ''}")
        if best is None or float(np.mean(f1s)) > best[0]:
            best = (float(np.mean(f1s)), epoch + 1, f1s, copy.deepcopy(clf.state_dict()))
    if best is None:
        raise RuntimeError("the time cap ended the run before any fine-tuning epoch")
    clf.load_state_dict(best[3])
    clf.eval()
    train_seconds = time.time() - started
    clf.save_pretrained(str(out_dir))

    tier = TransformerTier.load(out_dir, threads=recipe.threads, max_length=recipe.max_length, batch_size=64)
    thresholds: dict[str, float] = {}
    results: dict[str, dict[str, Any]] = {"calibration": {}, "test": {}}
    for part, idx in (("calibration", cal_idx), ("test", splits["test"])):
        probs = tier.predict([data.texts[i] for i in idx])
        for j, (signal, _) in enumerate(_SIGNAL_COLUMNS):
            p = np.asarray([r[signal] for r in probs])
            y = y_all[idx, j].astype(np.int64)
            if part == "calibration":
                thresholds[signal], _ = best_f1_threshold(y, p)
            results[part][signal] = metrics(y, p, thresholds[signal])
    meta: dict[str, Any] = {
        "version": SCRATCH_VERSION if max_train_rows is None else f"{SCRATCH_VERSION}-subset{max_train_rows}",
        "base": "none (trained from scratch here)",
        "command": "suhu train --from-scratch-transformer DIR"
                   + (f" --torch-threads {recipe.threads}" if recipe.threads != 1 else "")
                   + (f" --max-train-rows {max_train_rows}" if max_train_rows else ""),
        "data": Path(csv_path).name,
        "recipe": asdict(recipe),
        "seed": seed,
        "max_length": recipe.max_length,
        "parameters": int(sum(p.numel() for p in clf.parameters())),
        "train_rows": int(len(train_idx)),
        "mlm_steps": mlm_done,
        "mlm_seconds": round(mlm_seconds),
        "finetune_steps": ft_done,
        "finetune_seconds": round(time.time() - t1),
        "chosen_epoch": best[1],
        "epochs": per_epoch,
        "stopped_by_time_cap": capped,
        "train_seconds": round(train_seconds),
        "thresholds": thresholds,
        "metrics_calibration": results["calibration"],
        "metrics_test": results["test"],
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "python": platform.python_version()},
    }
    (out_dir / SUHU_META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {out_dir} in {train_seconds:.0f}s of training: calibration {results['calibration']}, "
        f"test {results['test']}")
    return meta


def compare_with_fast(transformer_dir: Path, csv_path: Path, seed: int = 13, threads: int = 1,
                      fast_dir: Path | None = None) -> dict[str, Any]:
    """fast-v2 alone, the transformer for every post (`all`) and the cascade, on calibration and test.

    The verdict follows issue 3: ship only where `all` beats the fast tier's F1 on the calibration
    split for both hate and incivility. Written into the checkpoint's metadata.
    """
    from sklearn.metrics import f1_score

    from models.offline.evaluate import evaluate, read_labelled_csv, split_indices
    from models.scorer import load_scorer
    from models.transformer import SUHU_META

    data = read_labelled_csv(csv_path)
    splits = split_indices(data, seed)
    out: dict[str, Any] = {}
    scorers = {}
    for mode in ("off", "all", "cascade"):
        scorer = scorers[mode] = load_scorer(fast_dir, transformer_dir if mode != "off" else None, mode, threads)
        out[mode] = {"version": scorer.version}
        for part in ("calibration", "test"):
            sub = data.subset(splits[part])
            res = evaluate(scorer, sub)
            out[mode][part] = {k: res[k] for k in ("hate", "incivility")}
            # The labels the scorer emits: in cascade mode a post the transformer scored is labelled at
            # the transformer's threshold, which `evaluate` (one threshold per signal) cannot show.
            emitted = [ps.labels for i in range(0, len(sub.texts), 512)
                       for ps in scorer.score_batch(sub.texts[i:i + 512])]
            truth = sub.signal_labels()
            for k in ("hate", "incivility"):
                out[mode][part][k]["emitted_label_f1"] = round(float(f1_score(
                    truth[k], [k in lab for lab in emitted], zero_division=0)), 4)
    fast, margin = scorers["off"], scorers["cascade"].cascade_margin
    for part in ("calibration", "test"):
        p = fast.fast.predict([normalize(data.texts[i]) for i in splits[part]])
        unsure = np.zeros(len(p), dtype=bool)
        for signal in ("hate", "incivility"):
            unsure |= np.abs(p[:, fast.fast.head_index[signal]] - fast.fast_thresholds[signal]) < margin
        out["cascade"].setdefault("share_sent", {})[part] = round(float(unsure.mean()), 4)
    out["cascade"]["margin"] = margin
    beats = {s: out["all"]["calibration"][s]["f1"] > out["off"]["calibration"][s]["f1"] for s in ("hate", "incivility")}
    out["beats_fast_on_calibration"] = beats
    out["ship"] = all(beats.values())
    meta_path = Path(transformer_dir) / SUHU_META
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["comparison"] = out
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return out
