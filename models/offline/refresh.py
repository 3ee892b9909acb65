"""Recompute an artifact's card numbers after a change to the scoring code, with its weights untouched.

The group rules (models/sara.py), the lexicons and the scorer's combination of them change what the shipped
scorer labels without any retraining; their numbers in config.json and the model card must follow, or
`tests/unit/test_model_quality.py` and `test_models_scorer.py` (which hold the card to the scorer) fail.
"""

from __future__ import annotations

from pathlib import Path

from models.artifacts import read_config, write_config
from models.fast import FAST_KIND, WEIGHTS_NAME
from models.offline.corpora import CIVIL_CORPUS, read_civil_corpus
from models.offline.evaluate import SPLIT_SEED, read_labelled_csv, resolve_data_path, split_indices
from models.offline.quality import quality_report
from models.offline.train import DEFAULT_OUT, refresh_card
from models.scorer import load_scorer

__all__ = ["refresh_metrics"]


def refresh_metrics(out_dir: Path = Path(DEFAULT_OUT), csv_path: Path | str | None = None) -> dict:  # type: ignore[type-arg]
    """Recompute every number the scoring code (not the weights) decides, then re-render the card.

    Why: the group rules (models/sara.py), the lexicons and the scorer's combination change the shipped
    scorer's labels without retraining. The tweets' test and calibration splits, the civil corpus' test
    part, the frozen political set, the bias AUCs and the functional suites are scored again with the
    committed weights, as `train_fast` scores them; the weights and thresholds are untouched.
    """
    out_dir = Path(out_dir)
    path = resolve_data_path(csv_path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the tweets are needed to recompute the card's in-domain numbers")
    data = read_labelled_csv(path)
    splits = split_indices(data, SPLIT_SEED)
    civil_file = resolve_data_path(CIVIL_CORPUS)
    civil = read_civil_corpus(civil_file)[0] if civil_file.is_file() else None
    scorer = load_scorer(out_dir)
    report = quality_report(scorer, data.subset(splits["test"]), data.subset(splits["calibration"]),
                            civil["test"] if civil else None)
    config = read_config(out_dir, FAST_KIND)
    config.pop("checksums")
    config.update(report)
    extra = [config["fraud_head"]["file"]] if "fraud_head" in config else []
    if "group_reader" in config:
        extra.append(config["group_reader"]["file"])
    write_config(out_dir, config, [WEIGHTS_NAME, "MODEL_CARD.md", *extra])
    return refresh_card(out_dir)
