"""`suhu score`, `suhu train`, `suhu evaluate`: thin click shells over models/."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any, Iterator

import click
import orjson

__all__ = ["score_command", "train_command", "evaluate_command", "score_lines"]


def _scorer_from_settings(ctx: click.Context, model_dir: str | None, transformer_dir: str | None,
                          mode: str | None):  # type: ignore[no-untyped-def]
    from models.scorer import load_scorer
    from streams.tooling.cli_context import get_settings

    s = get_settings(ctx)
    mode = mode or s.transformer_mode
    tdir = Path(transformer_dir) if transformer_dir else s.transformer_dir
    mdir = Path(model_dir) if model_dir else s.model_dir
    try:
        return load_scorer(mdir, tdir, mode, s.torch_threads)
    except Exception as exc:  # a broken artifact is one clear line, not a trace
        raise click.ClickException(f"cannot load models: {exc}") from None


def score_lines(scorer: Any, lines: Iterator[bytes], out: IO[bytes], batch_size: int = 256,
                claims: Any = None) -> dict[str, int]:
    """JSONL in, JSONL out, same order. A bad line becomes an output line with an `error`, never a crash.

    ``claims`` (a streams.core.claim_index.ClaimIndex): each post is also matched against the debunked-claims
    catalogue (known_hoax, hoax_claim_id, hoax_stance), as in the worker."""
    counts = {"scored": 0, "errors": 0}
    pending: list[tuple[dict[str, Any], str]] = []

    def flush() -> None:
        if not pending:
            return
        texts = [t for _, t in pending]
        results = scorer.score_batch(texts)
        matched: list[tuple[Any, Any, Any]] = [(ps, None, None) for ps in results]
        if claims is not None:
            from streams.core.hoaxes import apply_claims

            matched = apply_claims(claims, texts, results)
        for (obj, _), (ps, claim_id, stance) in zip(pending, matched):
            obj.update(ps.to_dict())
            if claim_id is not None:
                obj["hoax_claim_id"], obj["hoax_stance"] = claim_id, stance
            obj["model_version"] = scorer.version
            out.write(orjson.dumps(obj) + b"\n")
        counts["scored"] += len(pending)
        pending.clear()

    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = orjson.loads(raw)
            if not isinstance(obj, dict):
                raise ValueError("not a JSON object")
            text = obj.get("text")
            if not isinstance(text, str):
                raise ValueError("no string `text` field")
        except (orjson.JSONDecodeError, ValueError) as exc:
            flush()
            out.write(orjson.dumps({"line": lineno, "error": str(exc)}) + b"\n")
            counts["errors"] += 1
            continue
        pending.append((obj, text))
        if len(pending) >= batch_size:
            flush()
    flush()
    return counts


@click.command("score")
@click.argument("file", default="-", type=click.File("rb"))
@click.option("--output", "-o", type=click.File("wb"), default="-", help="Where to write JSONL (default stdout).")
@click.option("--model-dir", type=click.Path(file_okay=False, exists=True), help="Fast-tier artifact directory.")
@click.option("--transformer-dir", type=click.Path(file_okay=False, exists=True), help="Local HF checkpoint.")
@click.option("--transformer-mode", type=click.Choice(["off", "cascade", "all"]), default=None)
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=256, show_default=True)
@click.option("--claims", "claims_file", type=click.Path(dir_okay=False, exists=True),
              help="Debunked-claims catalogue (CSV or JSONL) to match posts against (known_hoax).")
@click.pass_context
def score_command(ctx: click.Context, file: IO[bytes], output: IO[bytes], model_dir: str | None,
                  transformer_dir: str | None, transformer_mode: str | None, batch_size: int,
                  claims_file: str | None) -> None:
    """Score JSONL posts (FILE or - for stdin) offline; each line needs a `text` field."""
    scorer = _scorer_from_settings(ctx, model_dir, transformer_dir, transformer_mode)
    index = None
    if claims_file:
        from streams.tooling.commands_claims import index_from_file

        index = index_from_file(claims_file)
    counts = score_lines(scorer, iter(file), output, batch_size, claims=index)
    output.flush()
    click.echo(f"scored {counts['scored']} posts, {counts['errors']} bad lines ({scorer.version})", err=True)
    if counts["errors"] and not counts["scored"]:
        sys.exit(1)


@click.command("train")
@click.argument("csv_path", required=False, type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="models/artifacts/fast-v3",
              show_default=True, help="Artifact directory to write.")
@click.option("--seed", type=int, default=None, help="Split seed (default: the shipped one).")
@click.option("--transformer-base", type=click.Path(file_okay=False, exists=True),
              help="Also fine-tune this local Hugging Face checkpoint on the same split.")
@click.option("--transformer-out", type=click.Path(file_okay=False), default="var/transformer",
              show_default=True)
@click.option("--epochs", type=float, default=3.0, show_default=True)
@click.option("--max-length", type=int, default=128, show_default=True)
@click.option("--torch-threads", type=int, default=None)
@click.option("--from-scratch-transformer", "scratch_out", type=click.Path(file_okay=False),
              help="Instead of the fast tier: train a small BERT from scratch here (models/offline/pretrain.py recipe, "
                   "8-9 minutes on one core, capped at 12) into this directory.")
@click.option("--max-train-rows", type=click.IntRange(20), default=None,
              help="With --from-scratch-transformer: use only this many train (and calibration) rows (a smoke run).")
@click.option("--fraud-head", is_flag=True,
              help="Only (re)train the fraud head of the artifact at --out on its existing features "
                   "(models/validation/fraud_train.jsonl + half of political_text_id.csv + tweets as negatives); "
                   "the other heads' weights are not touched.")
@click.option("--refresh-metrics", is_flag=True,
              help="Train nothing: score the data again with the artifact at --out and the current scoring code "
                   "(group rules, lexicons) and rewrite its card's numbers (models/offline/refresh.py).")
def train_command(csv_path: str | None, out_dir: str, seed: int | None, transformer_base: str | None,
                  transformer_out: str, epochs: float, max_length: int, torch_threads: int | None,
                  scratch_out: str | None, max_train_rows: int | None, fraud_head: bool,
                  refresh_metrics: bool) -> None:
    """Train the fast tier (and optionally fine-tune a local transformer) from a labelled CSV."""
    from models.offline.evaluate import SPLIT_SEED, resolve_data_path
    from models.offline.train import train_fast

    path = resolve_data_path(csv_path)
    if refresh_metrics:
        from models.offline.refresh import refresh_metrics as refresh

        try:
            refresh(Path(out_dir), path)
        except FileNotFoundError as e:
            raise click.ClickException(str(e)) from e
        click.echo(f"{out_dir}: card numbers recomputed with the current scoring code", err=True)
        return
    if fraud_head:
        from models.offline.corpora import CIVIL_CORPUS
        from models.offline.fraud_head_training import train_fraud_head

        political = resolve_data_path(CIVIL_CORPUS)
        for p in (path, political):
            if not p.is_file():
                click.echo(f"{p} not found: trained without it", err=True)
        train_fraud_head(Path(out_dir), political if political.is_file() else None, path if path.is_file() else None,
                         log=lambda m: click.echo(m, err=True))
        return
    if not path.is_file():
        raise click.ClickException(f"training data {path} not found (default: ../shared/data/id_hate_abusive_train.csv)")
    seed = SPLIT_SEED if seed is None else seed
    if scratch_out:
        from dataclasses import replace

        from models.offline.pretrain import DEFAULT_RECIPE, compare_with_fast, train_from_scratch

        recipe = DEFAULT_RECIPE if torch_threads is None else replace(DEFAULT_RECIPE, threads=torch_threads)
        train_from_scratch(path, Path(scratch_out), recipe, seed=seed, max_train_rows=max_train_rows,
                           log=lambda m: click.echo(m, err=True))
        cmp = compare_with_fast(Path(scratch_out), path, seed=seed, threads=recipe.threads)
        for part in ("calibration", "test"):
            for signal in ("hate", "incivility"):
                cells = "  ".join(f"{mode} F1 {cmp[mode][part][signal]['f1']:.4f} AUC {cmp[mode][part][signal]['roc_auc']}"
                                  for mode in ("off", "all", "cascade"))
                click.echo(f"{part:<11} {signal:<10}  {cells}", err=True)
        click.echo(f"beats fast-v2 on calibration: {cmp['beats_fast_on_calibration']}; ship: {cmp['ship']}", err=True)
        return
    train_fast(path, Path(out_dir), seed=seed, log=lambda m: click.echo(m, err=True))
    if transformer_base:
        from models.offline.finetune import fine_tune

        fine_tune(Path(transformer_base), path, Path(transformer_out), seed=seed, epochs=epochs,
                  max_length=max_length, threads=torch_threads or 1, log=lambda m: click.echo(m, err=True))


@click.command("evaluate")
@click.argument("csv_path", required=False, type=click.Path(dir_okay=False))
@click.option("--split", type=click.Choice(["test", "calibration", "all"]), default="test", show_default=True,
              help="Without CSV: which part of the shared data's fixed split to evaluate.")
@click.option("--model-dir", type=click.Path(file_okay=False, exists=True))
@click.option("--transformer-dir", type=click.Path(file_okay=False, exists=True))
@click.option("--transformer-mode", type=click.Choice(["off", "cascade", "all"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--functional", is_flag=True,
              help="Run the HateCheck-style functional suite (models/validation/functional_cases.yaml) "
                   "instead; CSV_PATH and --split are ignored.")
@click.option("--cases", "cases_path", type=click.Path(dir_okay=False, exists=True),
              help="With --functional: another suite file of the same format (e.g. functional_holdout.yaml).")
@click.option("--bias", is_flag=True,
              help="Bias metrics instead: false-positive rates on the frozen civil political set, naming an "
                   "entity vs not, and subgroup/BPSN/BNSP AUCs per entity type (with CSV_PATH or the shared "
                   "data's test split added when present).")
@click.pass_context
def evaluate_command(ctx: click.Context, csv_path: str | None, split: str, model_dir: str | None,
                     transformer_dir: str | None, transformer_mode: str | None, as_json: bool,
                     functional: bool, cases_path: str | None, bias: bool) -> None:
    """Precision, recall, F1, ROC AUC per label: on CSV, or on the held-out split of the shared data."""
    from models.offline.evaluate import (evaluate, format_table, read_labelled_csv, read_labelled_jsonl,
                                 resolve_data_path, split_indices)

    scorer = _scorer_from_settings(ctx, model_dir, transformer_dir, transformer_mode)
    if bias:
        _bias_report(scorer, csv_path, as_json)
        return
    if functional:
        from models.offline.functional import format_report, load_cases, run_suite

        suite = run_suite(scorer, load_cases(cases_path))
        if as_json:
            click.echo(orjson.dumps(suite.to_dict(), option=orjson.OPT_INDENT_2).decode())
        else:
            click.echo(format_report(suite))
        return
    path = resolve_data_path(csv_path)
    if not path.is_file():
        raise click.ClickException(f"{path} not found")
    if path.suffix == ".jsonl":
        data = read_labelled_jsonl(path)
    else:
        data = read_labelled_csv(path)
        if csv_path is None and split != "all":
            data = data.subset(split_indices(data)[split])
    results = evaluate(scorer, data)
    if as_json:
        click.echo(orjson.dumps(results, option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(f"{path.name} ({'split ' + split if csv_path is None else 'all rows'}, {len(data.texts)} rows, "
                   f"{scorer.version})")
        click.echo(format_table(results))


def _bias_report(scorer: Any, csv_path: str | None, as_json: bool) -> None:
    """`suhu evaluate --bias`: the numbers of the model card's bias sections, recomputed."""
    from models.offline.corpora import concat_signals
    from models.offline.evaluate import read_labelled_csv, resolve_data_path, split_indices
    from models.offline.quality import political_as_labelled, bias_report, political_report, read_political_set

    rows = read_political_set()
    sets = [political_as_labelled(rows)]
    path = resolve_data_path(csv_path)
    note = "frozen political set"
    if path.is_file():
        data = read_labelled_csv(path)
        sets.insert(0, data.subset(split_indices(data)["test"]) if csv_path is None else data)
        note += f" + {path.name}" + (" (test split)" if csv_path is None else "")
    else:
        click.echo(f"{path} not found: subgroup AUCs on the frozen political set only", err=True)
    out = {"political": political_report(scorer, rows), "subgroups": bias_report(scorer, concat_signals(*sets))}
    if as_json:
        click.echo(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode())
        return
    click.echo(f"civil political posts ({scorer.version}): false-positive rate")
    click.echo("signal        all      naming an entity   naming none    gap")
    pct = lambda v, w=7: "-".ljust(w) if v is None else f"{v:<{w}.1%}"  # noqa: E731 (None: no such posts)
    for s in ("hate", "incivility", "provocation"):
        f = out["political"][s]["civil_fpr"]
        gap = "-" if f["gap"] is None else f"{f['gap']:+.1%}"
        click.echo(f"{s:<13} {pct(f['fpr'], 8)} {pct(f['fpr_names'])} (n={f['negatives_names']:<4}) "
                   f"{pct(f['fpr_no_names'], 6)} (n={f['negatives_no_names']:<3}) {gap}")
    click.echo(f"\n`hate` by entity subgroup ({note}; Borkan et al. 2019)")
    click.echo("subgroup      posts  hateful  subgroup AUC  BPSN AUC  BNSP AUC")
    for name, m in out["subgroups"].items():
        cell = lambda v: "-" if v is None else f"{v:.4f}"  # noqa: E731
        click.echo(f"{name:<13} {m['n']:<6} {m['positives']:<8} {cell(m['subgroup_auc']):<13} "
                   f"{cell(m['bpsn_auc']):<9} {cell(m['bnsp_auc'])}")
