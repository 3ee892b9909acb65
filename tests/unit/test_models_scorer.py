"""The shipped scorer: loading, determinism, the CLI, and the numbers the card claims."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from models.artifacts import DEFAULT_FAST_DIR, ArtifactError
from models.offline.evaluate import read_labelled_csv, split_indices, evaluate
from models.scorer import load_scorer
from streams.cli import cli

SHARED_CSV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "id_hate_abusive_train.csv"

POSTS = [
    "KPU curang! ayo kepung KPU sekarang!",
    "selamat pagi, semoga pemilu damai",
    "dasar cina kafir anjing",
    "",
    "gw gak tau deh wkwkwk 😂",
    "Sirekap dimanipulasi, suara digelembungkan di TPS 12",
]


@pytest.fixture(scope="module")
def scorer():  # type: ignore[no-untyped-def]
    return load_scorer()


def test_default_scorer_loads_the_committed_artifact(scorer) -> None:  # type: ignore[no-untyped-def]
    assert scorer.version == "fast-v3+fraud-head-v6+lexicon-v6+sara-v8+reader-v3"
    assert set(scorer.thresholds) == {"incivility", "hate", "provocation", "fraud_claim", "tension", "known_hoax"}


def test_a_post_scores_bit_identically_alone_and_in_any_batch(scorer) -> None:  # type: ignore[no-untyped-def]
    batch = scorer.score_batch(POSTS)
    alone = [scorer.score_batch([p])[0] for p in POSTS]
    reversed_batch = scorer.score_batch(POSTS[::-1])[::-1]
    assert batch == alone == reversed_batch


def test_a_post_without_any_known_word_gets_no_label(scorer) -> None:  # type: ignore[no-untyped-def]
    # Without evidence the score falls back to the intercept, which must sit below every threshold.
    for text in ("", "qwzx plmkj vbnrt", "?"):
        assert scorer.score_batch([text])[0].labels == ()


def test_non_string_input_is_scored_not_crashed(scorer) -> None:  # type: ignore[no-untyped-def]
    out = scorer.score_batch([None, 12345])  # type: ignore[list-item]
    assert len(out) == 2


@pytest.fixture
def artifact_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "fast"
    shutil.copytree(DEFAULT_FAST_DIR, dst)
    return dst


def test_loading_fails_when_the_weights_are_missing(artifact_copy: Path) -> None:
    (artifact_copy / "weights.npz").unlink()
    with pytest.raises(ArtifactError, match="missing"):
        load_scorer(artifact_copy)


def test_loading_fails_when_the_weights_are_corrupt(artifact_copy: Path) -> None:
    with open(artifact_copy / "weights.npz", "r+b") as f:
        f.seek(100)
        f.write(b"\x00\x01\x02")
    with pytest.raises(ArtifactError, match="checksum"):
        load_scorer(artifact_copy)


def test_loading_fails_without_config(artifact_copy: Path) -> None:
    (artifact_copy / "config.json").unlink()
    with pytest.raises(ArtifactError):
        load_scorer(artifact_copy)


def test_loading_fails_when_the_card_was_edited(artifact_copy: Path) -> None:
    card = artifact_copy / "MODEL_CARD.md"
    card.write_text(card.read_text() + "\nedited\n")
    with pytest.raises(ArtifactError, match="checksum"):
        load_scorer(artifact_copy)


def test_score_command_matches_the_library_exactly_and_reports_bad_lines(scorer) -> None:  # type: ignore[no-untyped-def]
    lines = [json.dumps({"id": str(i), "text": t, "region": "ID-JK"}) for i, t in enumerate(POSTS)]
    lines.insert(2, "not json")
    lines.insert(4, json.dumps({"id": "no-text"}))
    result = CliRunner().invoke(cli, ["score", "-"], input="\n".join(lines) + "\n", obj={})
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    errors = [o for o in out if "error" in o]
    scored = [o for o in out if "scores" in o]
    assert len(errors) == 2 and len(scored) == len(POSTS)
    direct = scorer.score_batch(POSTS)
    for obj, ps in zip(scored, direct):
        assert obj["scores"] == dict(ps.scores)
        assert obj["labels"] == list(ps.labels)
        assert obj["hate_category"] == ps.hate_category
        assert obj["model_version"] == scorer.version
        assert obj["region"] == "ID-JK"


def test_held_out_f1_is_what_the_card_claims(scorer) -> None:  # type: ignore[no-untyped-def]
    if not SHARED_CSV.is_file():
        pytest.skip(f"shared dataset not found at {SHARED_CSV}: held-out F1 cannot be checked here")
    data = read_labelled_csv(SHARED_CSV)
    test = data.subset(split_indices(data)["test"])
    got = evaluate(scorer, test)
    claimed = scorer.config["metrics_test"]
    for signal in ("hate", "incivility"):
        assert got[signal]["f1"] >= claimed[signal]["f1"] - 0.005


def test_abuse_of_a_group_defined_by_conduct_counts_the_heads_hate_half() -> None:
    """"Koruptor anjing semua" is incivility, not hate (HateCheck F24): with no protected group named, the
    heads' hate is halved; a protected group's evidence is never damped."""
    from models.sara import GroupEvidence
    from models.scorer import CONDUCT_ONLY_FACTOR, combine_hate

    conduct = GroupEvidence(0.0, 0.0, None, False, conduct_only=True)
    plain = GroupEvidence(0.0, 0.0, None, False)
    assert combine_hate(0.8, conduct) == pytest.approx(0.8 * CONDUCT_ONLY_FACTOR)
    assert combine_hate(0.8, plain) == pytest.approx(0.8)
    scorer = load_scorer()
    [koruptor, group] = scorer.score_batch(["Koruptor anjing semua, bikin susah rakyat kecil.",
                                            "Orang Madura anjing semua, bikin susah rakyat kecil."])
    assert "hate" not in koruptor.labels and "incivility" in koruptor.labels
    assert "hate" in group.labels
