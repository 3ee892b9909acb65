"""The transformer tier end to end with a tiny BERT built here (no downloads)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
os.environ["HF_HUB_OFFLINE"] = "1"

from models.artifacts import ArtifactError  # noqa: E402
from models.scorer import load_scorer  # noqa: E402
from models.offline.finetune import fine_tune  # noqa: E402
from models.transformer import SUHU_META, TransformerTier  # noqa: E402
from tests.unit.scoring_helpers import with_group_evidence  # noqa: E402

WORDS = "user url kpu curang anjing goblok bodoh cina kafir pemilu damai selamat pagi ayo kita tidak saja ini itu".split()


def build_tiny_checkpoint(path: Path, labels: dict[int, str] | None = None) -> Path:
    torch.manual_seed(0)
    path.mkdir(parents=True, exist_ok=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, *"abcdefghijklmnopqrstuvwxyz"]
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    # transformers 5 takes the vocabulary as `vocab=` (it ignores `vocab_file=`, which left every word [UNK]).
    tokenizer = transformers.BertTokenizerFast(vocab=str(path / "vocab.txt"), do_lower_case=True)
    labels = labels or {0: "HS", 1: "Abusive"}
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=32, max_position_embeddings=64,
                                     num_labels=len(labels), id2label=labels,
                                     label2id={v: k for k, v in labels.items()},
                                     problem_type="multi_label_classification")
    model = transformers.BertForSequenceClassification(config)
    model.save_pretrained(str(path))
    tokenizer.save_pretrained(str(path))
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_checkpoint(tmp_path_factory.mktemp("tiny") / "tiny-bert")


TEXTS = ["KPU curang, dasar goblok!", "selamat pagi, pemilu damai", "", "ayo kita " * 100, "anjing kafir"]


def test_tiny_tokenizer_knows_its_words(tiny: Path) -> None:
    """Guards the fixture itself: a tokenizer that maps every word to [UNK] would make the tests below vacuous."""
    tok = transformers.AutoTokenizer.from_pretrained(str(tiny))
    ids = tok("KPU curang goblok")["input_ids"]
    assert tok.unk_token_id not in ids
    assert tok.convert_ids_to_tokens(ids)[1:-1] == ["kpu", "curang", "goblok"]


def test_tiny_checkpoint_loads_offline_and_scores_in_unit_interval(tiny: Path) -> None:
    tier = TransformerTier.load(tiny, threads=1, max_length=32, batch_size=2)
    out = tier.predict(TEXTS)
    assert len(out) == len(TEXTS)
    assert all(set(r) == {"hate", "incivility"} and all(0.0 <= v <= 1.0 for v in r.values()) for r in out)


def test_batched_inference_equals_one_by_one(tiny: Path) -> None:
    tier = TransformerTier.load(tiny, threads=1, max_length=32, batch_size=4)
    batched = tier.predict(TEXTS)
    single = [tier.predict([t])[0] for t in TEXTS]
    assert batched == single


def test_checkpoint_without_the_two_signals_fails_loudly(tmp_path: Path) -> None:
    path = build_tiny_checkpoint(tmp_path / "other", labels={0: "positive", 1: "negative"})
    with pytest.raises(ArtifactError, match="id2label"):
        TransformerTier.load(path)


def test_missing_checkpoint_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError):
        TransformerTier.load(tmp_path)


def test_all_mode_takes_hate_and_incivility_from_the_transformer(tiny: Path) -> None:
    tier = TransformerTier.load(tiny, max_length=32)
    scorer = load_scorer(transformer_dir=tiny, transformer_mode="all", transformer_max_length=32)
    got = scorer.score_batch(TEXTS)
    want = tier.predict(TEXTS)
    assert [g.scores["hate"] for g in got] == with_group_evidence(scorer, TEXTS, [w["hate"] for w in want])
    assert [g.scores["incivility"] for g in got] == [w["incivility"] for w in want]
    assert "tf-tiny-bert-all" in scorer.version


def test_cascade_sends_only_unsure_posts_to_the_transformer(tiny: Path) -> None:
    fast = load_scorer()
    texts = ["selamat pagi semua, semoga pemilu damai dan lancar", "dasar cina kafir anjing goblok bangsat"]
    sure = fast.score_batch(texts)
    # A margin of 0 makes no post unsure: the cascade must equal the fast tier exactly.
    none_sent = load_scorer(transformer_dir=tiny, transformer_mode="cascade", cascade_margin=0.0,
                            transformer_max_length=32)
    assert none_sent.score_batch(texts) == sure
    # A margin of 1 makes every post unsure: the cascade must equal the transformer.
    all_sent = load_scorer(transformer_dir=tiny, transformer_mode="cascade", cascade_margin=1.0,
                           transformer_max_length=32)
    tier = TransformerTier.load(tiny, max_length=32)
    assert [s.scores["hate"] for s in all_sent.score_batch(texts)] == with_group_evidence(
        all_sent, texts, [p["hate"] for p in tier.predict(texts)])


def test_fine_tune_writes_a_loadable_checkpoint_with_thresholds(tiny: Path, tmp_path: Path) -> None:
    rows = [("KPU curang dasar goblok anjing", 1, 1), ("selamat pagi pemilu damai", 0, 0),
            ("cina kafir", 1, 0), ("bodoh saja itu", 0, 1)] * 10
    csv_path = tmp_path / "tiny.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Tweet", "HS", "Abusive"])
        w.writerows(rows)
    out = tmp_path / "tuned"
    meta = fine_tune(tiny, csv_path, out, epochs=1, max_length=16, batch_size=8, log=lambda m: None)
    assert set(meta["thresholds"]) == {"hate", "incivility"}
    assert json.loads((out / SUHU_META).read_text())["version"] == "tf-tuned"
    tier = TransformerTier.load(out, max_length=16)
    assert tier.thresholds == meta["thresholds"]
