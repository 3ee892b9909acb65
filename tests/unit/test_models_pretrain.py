"""The from-scratch transformer recipe end to end on a tiny CSV built here (seconds of CPU)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("tokenizers")
os.environ["HF_HUB_OFFLINE"] = "1"

from models.offline.pretrain import ScratchRecipe, train_from_scratch  # noqa: E402
from models.scorer import load_scorer
from tests.unit.scoring_helpers import with_group_evidence  # noqa: E402
from models.transformer import SUHU_META, TransformerTier  # noqa: E402

TINY = ScratchRecipe(vocab_size=300, min_frequency=1, hidden=16, layers=1, heads=2, intermediate=32,
                     max_length=24, mlm_epochs=1, mlm_batch=16, ft_epochs=2, ft_batch=16)
ROWS = [("KPU curang dasar goblok anjing @user", 1, 1), ("selamat pagi, semoga pemilu damai", 0, 0),
        ("dasar cina kafir pengkhianat bangsa", 1, 0), ("bodoh banget sih lu wkwk", 0, 1),
        ("ayo ke TPS tanggal 14, pakai hak pilih", 0, 0), ("antek asing goblok harus diusir", 1, 1)]
TEXTS = ["KPU curang, dasar goblok!", "selamat pagi, pemilu damai", "", "ayo kita " * 100, "anjing kafir 😡"]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:  # type: ignore[type-arg]
    tmp = tmp_path_factory.mktemp("scratch")
    csv_path = tmp / "tiny.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Tweet", "HS", "Abusive"])
        for k in range(20):  # distinct rows so the stratified split has something to split
            w.writerows((f"{text} {k}", hs, ab) for text, hs, ab in ROWS)
    out = tmp / "tf-scratch"
    meta = train_from_scratch(csv_path, out, TINY, seed=13, log=lambda m: None)
    meta["csv"] = csv_path
    return out, meta


def test_recipe_writes_a_directory_the_transformer_tier_loads(scratch: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    out, meta = scratch
    tier = TransformerTier.load(out, threads=1)
    assert tier.version == meta["version"] == json.loads((out / SUHU_META).read_text())["version"]
    assert tier.thresholds == meta["thresholds"]
    assert tier.max_length == TINY.max_length  # capped to what it was trained on, not the default 128
    assert meta["train_rows"] == 84 and meta["mlm_steps"] > 0 and meta["finetune_steps"] > 0


def test_scratch_scores_are_probabilities_and_batch_equals_one_by_one(scratch: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    out, _ = scratch
    tier = TransformerTier.load(out, threads=1, batch_size=3)
    batched = tier.predict(TEXTS)
    single = [tier.predict([t])[0] for t in TEXTS]
    assert batched == single
    assert all(set(r) == {"hate", "incivility"} and all(0.0 <= v <= 1.0 for v in r.values()) for r in batched)


def test_scratch_metrics_cover_calibration_and_test_for_both_signals(scratch: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    _, meta = scratch
    for part in ("metrics_calibration", "metrics_test"):
        assert set(meta[part]) == {"hate", "incivility"}
        assert all(m["n"] == 18 for m in meta[part].values())  # 15% of 120 rows each
    assert meta["chosen_epoch"] in {e["epoch"] for e in meta["epochs"]}


def test_same_seed_same_weights(scratch: tuple[Path, dict], tmp_path: Path) -> None:  # type: ignore[type-arg]
    out, meta = scratch
    again = train_from_scratch(meta["csv"], tmp_path / "again", TINY, seed=13, log=lambda m: None)
    assert (tmp_path / "again" / "vocab.txt").read_bytes() == (out / "vocab.txt").read_bytes()
    assert TransformerTier.load(tmp_path / "again").predict(TEXTS) == TransformerTier.load(out).predict(TEXTS)
    assert again["thresholds"] == meta["thresholds"]


def test_scratch_checkpoint_plugs_into_the_scorer_in_all_mode(scratch: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    out, _ = scratch
    scorer = load_scorer(transformer_dir=out, transformer_mode="all")
    want = TransformerTier.load(out).predict(TEXTS)
    got = scorer.score_batch(TEXTS)
    assert [g.scores["hate"] for g in got] == with_group_evidence(scorer, TEXTS, [w["hate"] for w in want])
    assert scorer.thresholds["incivility"] == TransformerTier.load(out).thresholds["incivility"]


def test_committed_fast_card_is_what_render_card_makes_of_its_config(tmp_path: Path) -> None:
    import shutil

    from models.artifacts import DEFAULT_FAST_DIR
    from models.offline.train import refresh_card

    copy = tmp_path / "fast"
    shutil.copytree(DEFAULT_FAST_DIR, copy)
    refresh_card(copy)
    assert (copy / "MODEL_CARD.md").read_text() == (DEFAULT_FAST_DIR / "MODEL_CARD.md").read_text()
    assert (copy / "config.json").read_text() == (DEFAULT_FAST_DIR / "config.json").read_text()


def test_card_reports_the_scratch_experiment_and_its_verdict(scratch: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    from models.artifacts import DEFAULT_FAST_DIR
    from models.offline.card import render_card

    out, meta = scratch
    config = json.loads((DEFAULT_FAST_DIR / "config.json").read_text())
    fast = {part: config[f"metrics_{part}"] for part in ("calibration", "test")}
    loser = {m: {"version": m, **{p: {s: {"f1": 0.5, "roc_auc": 0.6} for s in ("hate", "incivility")}
                                   for p in fast}} for m in ("all", "cascade")}
    record = {**meta, "comparison": {"off": {"version": "fast-v2", **fast}, **loser,
                                     "beats_fast_on_calibration": {"hate": False, "incivility": False},
                                     "ship": False}}
    record.pop("csv")
    card = render_card(config, record)
    assert f"({meta['version']}, issue 3 experiment): not shipped" in card
    assert f"| test | hate | {fast['test']['hate']['f1']:.4f} / {fast['test']['hate']['roc_auc']:.4f} | 0.5000 / 0.6000 | 0.5000 / 0.6000 | - |" in card
    assert f"{meta['parameters']:,} parameters" in card
