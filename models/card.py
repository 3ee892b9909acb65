"""The model card is data rendered by a function: every number comes from the training run's config."""

from __future__ import annotations

from typing import Any, Mapping

from models.signals import FRAUD_CUES, PROVOCATION_CUES, TENSION_WEIGHTS

__all__ = ["render_card"]


def _table(results: Mapping[str, Mapping[str, Any]]) -> str:
    rows = ["| signal | precision | recall | F1 | ROC AUC | positives / n | threshold |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for k, m in results.items():
        auc = "-" if m["roc_auc"] is None else f"{m['roc_auc']:.4f}"
        rows.append(f"| {k} | {m['precision']:.4f} | {m['recall']:.4f} | {m['f1']:.4f} | {auc} | "
                    f"{m['support']} / {m['n']} | {m['threshold']} |")
    return "\n".join(rows)


def _variants(rows: Any) -> list[str]:
    """Every variant tried before this version, with its calibration F1 (never test)."""
    if not rows:
        return []
    out = ["## Variants tried (calibration-split F1 at the best threshold; the test split was not used)", "",
           "| variant | hate F1 | incivility F1 |", "| --- | --- | --- |"]
    for name, hate, inc in rows:
        cell = lambda v: "-" if v is None else f"{v:.4f}"  # noqa: E731 (None: not run)
        out.append(f"| {name} | {cell(hate)} | {cell(inc)} |")
    out += ["", "None reaches the issue-3 hate target (F1 0.88): word/char n-gram linear models sit near 0.84 on "
            "this data. Shipped: the NB-LR with within-word character n-grams, the smallest feature set "
            "among the best, whose character features of a word do not depend on its neighbours.", ""]
    return out


def _scratch(exp: Mapping[str, Any] | None) -> list[str]:
    """The issue-3 experiment: a small BERT trained here from scratch, side by side with this tier."""
    if not exp:
        return []
    r, cmp = exp["recipe"], exp["comparison"]
    epochs = "; ".join(f"{e['epoch']}: hate {e['calibration_f1']['hate']:.4f}, incivility "
                       f"{e['calibration_f1']['incivility']:.4f}" for e in exp["epochs"])
    out = [f"## Transformer trained from scratch here ({exp['version']}, issue 3 experiment): "
           f"{'shipped' if cmp['ship'] else 'not shipped'}", "",
           "No pretrained weights can be downloaded on this machine, so a small BERT was trained from nothing on "
           "the same seed-13 split (`models/pretrain.py`):",
           f"- WordPiece vocabulary of {r['vocab_size']} learnt from the normalised train-split texts only "
           f"(min frequency {r['min_frequency']}; deterministic merges); inputs truncated at {r['max_length']} tokens.",
           f"- BERT, {r['layers']} layers, hidden {r['hidden']}, {r['heads']} heads, feed-forward {r['intermediate']}, "
           f"dropout {r['dropout']}: {exp['parameters']:,} parameters.",
           f"- Masked-LM pretraining on the train texts: {exp['mlm_steps']} steps (batch {r['mlm_batch']}, lr "
           f"{r['mlm_lr']}, {r['mlm_epochs']} epochs planned) in {exp['mlm_seconds']} s.",
           f"- Multi-label fine-tuning (hate = HS, incivility = Abusive): {exp['finetune_steps']} steps (batch "
           f"{r['ft_batch']}, lr {r['ft_lr']}, {r['ft_epochs']} epochs planned) in {exp['finetune_seconds']} s; the "
           f"epoch kept is the one with the best mean calibration F1 (epoch {exp['chosen_epoch']}; per epoch: "
           f"{epochs}); thresholds {exp['thresholds']} on the calibration split.",
           f"- {exp['train_seconds']} s of training in all, {r['threads']} torch thread, CPU only "
           f"(cap {r['time_cap_s']:.0f} s; {'stopped by the cap' if exp['stopped_by_time_cap'] else 'within the cap'}); "
           f"torch {exp['versions']['torch']}, transformers {exp['versions']['transformers']}. "
           f"Command: `{exp.get('command', 'suhu train --from-scratch-transformer DIR')}`.",
           "",
           "F1 / ROC AUC at each scorer's own thresholds (`suhu evaluate --transformer-dir DIR --transformer-mode "
           "all|cascade --split calibration|test`; cascade: the transformer scores only posts the fast tier puts "
           f"within {cmp['cascade'].get('margin', 0.25)} of a threshold"
           + (", " + " and ".join(f"{v:.1%} of the {k} split" for k, v in cmp["cascade"]["share_sent"].items())
              if "share_sent" in cmp["cascade"] else "") + "):", "",
           "| split | signal | fast-v2 | transformer (all) | cascade | cascade, F1 of the labels it emits |",
           "| --- | --- | --- | --- | --- | --- |"]
    for part in ("calibration", "test"):
        for signal in ("hate", "incivility"):
            cells = " | ".join(f"{cmp[m][part][signal]['f1']:.4f} / {cmp[m][part][signal]['roc_auc']:.4f}"
                               for m in ("off", "all", "cascade"))
            emitted = cmp["cascade"][part][signal].get("emitted_label_f1")
            out.append(f"| {part} | {signal} | {cells} | {'-' if emitted is None else f'{emitted:.4f}'} |")
    out += ["", "The cascade columns score every post at the fast tier's threshold; the scorer labels a post the "
            "transformer scored at the transformer's threshold, hence the last column."]
    beats = ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in cmp["beats_fast_on_calibration"].items())
    out += ["", f"Beats the fast tier on calibration F1: {beats}. "
            + ("Shipped as the transformer tier." if cmp["ship"] else
               "Not shipped: the weights are not in the repository; the recipe is (`models/pretrain.py`, fixed "
               "seed and step counts)" + (f": {exp['reproduced']}." if exp.get("reproduced") else ".")), ""]
    return out


def render_card(config: Mapping[str, Any], scratch: Mapping[str, Any] | None = None) -> str:
    """`scratch`: the from-scratch transformer record (models/artifacts/tf-scratch-v1.json), if any."""
    t = config["training"]
    th = config["thresholds"]
    lex = config.get("metrics_lexicon_validation")
    hold = config.get("metrics_lexicon_holdout")
    tw = " + ".join(f"{w} x {k}" for k, w in TENSION_WEIGHTS.items())
    parts = [
        f"# suhu scoring model card: {config['version']} (normaliser v{config['normalizer_version']}, "
        f"lexicon v{config['lexicon_version']})",
        "",
        "Scores every post with five signals in [0, 1]: `incivility`, `hate`, `provocation`, `fraud_claim`, "
        "`tension`. A signal is a *label* when its score is >= its threshold below.",
        "",
        "## Data and licence",
        f"- Trained on `{t['data']}` ({t['rows']} tweets): Muhammad Okky Ibrohim and Indra Budi, 2019, "
        "\"Multi-label Hate Speech and Abusive Language Detection in Indonesian Twitter\", ALW3. "
        f"Licence {t['data_licence']}. The data is not in this repository; these weights are a derived "
        "work under the same non-commercial, share-alike terms.",
        "- `incivility` = the dataset's `Abusive` label; `hate` = `HS`; the hate target (individual/group) "
        "and SARA category (religion, race, physical, gender, other) heads are trained on HS posts only.",
        f"- Split (seed {t['seed']}, stratified on HS x Abusive): train {t['split']['train']}, calibration "
        f"{t['split']['calibration']} ({'thresholds' if config.get('c_selection') else 'C and thresholds'} chosen here), test {t['split']['test']} (reported only).",
        "",
        "## How it is built",
        "- Text normalisation (`models/normalize.py`): byte-escaped emoji decoded, user names and URLs "
        "replaced by `user`/`url`, hashtags split on camel case, lower case, reduplication `orang2` -> "
        "`orang orang`, leetspeak digits inside words, letters repeated 3+ times squeezed, laughter folded, "
        "emoji mapped to ten coarse classes (`emo_marah`, `emo_tawa`, ...), ~300 hand-written slang/alay "
        "spellings folded (`models/slang.py`).",
        f"- Features: hashed word {tuple(config['features']['word_ngrams'])} and character "
        f"{tuple(config['features']['char_ngrams'])} n-grams ("
        f"{'inside each space-padded word' if config['features'].get('char_within_words') else 'over the whole padded text'}"
        f", FNV-style hash vectorised in numpy), columns seen in >= {config['min_df']} "
        "training posts kept, sublinear tf x idf, L2 per block.",
        f"- Heads: {config.get('head_model', 'logistic regression (liblinear, balanced class weights)')}, "
        f"C per head {config['c_per_head']}"
        f"{' (incivility/hate: ' + config['c_selection'] + ')' if config.get('c_selection') else ''}. "
        "Weights are plain float32 arrays in `weights.npz` (no pickles); the NB scaling is folded into them.",
        f"- Thresholds: {th}. incivility/hate maximise F1 on the calibration split.",
        "",
        "## Results on the held-out test split",
        _table(config["metrics_test"]),
        "",
        "Calibration split (used for choosing the thresholds, so optimistic):",
        "",
        _table(config["metrics_calibration"]),
        "",
        *_variants(config.get("variants_tried")),
        *_scratch(scratch),
        "## provocation and fraud_claim (lexicon + rules, no training data)",
        f"- {len(PROVOCATION_CUES)} provocation cue patterns and {len(FRAUD_CUES)} fraud-claim cue patterns "
        "(`models/signals.py`), each with a weight: 0.8-0.85 for an unambiguous call, threat or claim "
        "(`kepung kpu`, `turun ke jalan`, `surat suara tercoblos`, `sirekap dimanipulasi`), 0.6-0.7 for a "
        "strong cue, 0.3-0.45 for a cue that needs a second one (a bare `bakar`, `lawan`, `hak angket`). "
        "Score = noisy-OR of the cues found.",
        "- Context rules: a negator among the 3 words before a cue (`jangan`, `tidak`, `tolak`, `stop`, "
        "`bantah`, ...) multiplies that cue by 0.15; reporting/denial framing anywhere in the post "
        "(`hoaks`, `klarifikasi`, `tidak terbukti`, `diamankan`, `membubarkan`, `damai`, ...) multiplies the "
        "score by 0.45; a call to action (`ayo`, `mari`, `segera`, `!`) adds a 0.35 cue to provocation.",
        "- Validation set: `models/validation/provocation_fraud.jsonl`, hand-written for suhu (no text "
        "taken from any dataset): clear calls and claims, hard negatives (negated calls, fact-checks, "
        "news reports, neutral election talk, everyday uses of the same words) and slang/alay spellings. "
        "It was written by the lexicon's author; its first run (before any lexicon change) gave provocation "
        "P 0.970 / R 0.800 / F1 0.877 and fraud_claim P 0.943 / R 0.846 / F1 0.892. The lexicon was then "
        "revised on its errors (and one wrong label fixed), so the table below is a regression test, not an "
        "estimate of field accuracy:",
    ]
    if lex:
        parts += ["", _table(lex)]
    if hold:
        parts += ["", "- Hold-out set: `models/validation/provocation_fraud_holdout.jsonl`, 40 further posts "
                  "written after that revision with new phrasing, never used to change the lexicon. This is the "
                  "honest estimate: precision holds, recall drops sharply on unseen phrasings.", "", _table(hold)]
    parts += [
        "",
        "## tension (dashboard composite)",
        f"`tension = 1 - prod(1 - w_s * score_s)` with w: {tw}. A noisy-OR rather than a mean so that one "
        "strong signal is enough to raise it; weights rank how directly a signal precedes offline conflict "
        "(calls to mobilise and threats first, fraud claims next, hate, then plain rudeness, which is common "
        "and rarely escalates on its own). Threshold 0.5: provocation >= 0.63 alone, fraud_claim >= 0.84 alone, "
        "or combinations.",
        "",
        "## Known failure modes",
        "- Trained on 2017-2018 Twitter; new slang, new nicknames for candidates and code-switching with "
        "regional languages (Javanese, Sundanese) are weaker. Sarcasm and quoted abuse are scored as abuse.",
        "- The dataset labels many insults of public figures as HS; `hate` therefore also fires on harsh "
        "political insults, not only on SARA hate.",
        "- Thresholds maximise F1 on data where ~42% of posts are hate; real traffic has far less, so at these "
        "thresholds precision on live traffic is lower than the table says. Very short posts weigh each "
        "feature fully (L2 per block): a post that is only `!` scores as hate.",
        "- The lexicon signals only know the phrasing they list; paraphrases and images are missed, and "
        "negation is a 3-word window (long-range negation and irony are missed).",
        "",
        "## Reproduce",
        f"`{t['command']}` (reads `../shared/data/id_hate_abusive_train.csv`, seed {t['seed']}; "
        f"sklearn {t['sklearn']}, numpy {t['numpy']}, Python {t['python']}), then "
        "`suhu evaluate` for the test-split table above.",
        "",
    ]
    return "\n".join(parts)
