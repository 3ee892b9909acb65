"""The model card is data rendered by a function: every number comes from the training run's config.

Why one long module: the model card is one document rendered from one config; its sections share the
numbers they quote.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from models.signals import FRAUD_CUES, FRAUD_PREDICATES, PROVOCATION_CUES, TENSION_WEIGHTS

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
    out = ["## Variants tried for fast-v2 (calibration-split F1 at the best threshold; the test split was not used)", "",
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
           "the same seed-13 split (`models/offline/pretrain.py`):",
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
           f"| split | signal | {cmp['off'].get('version', 'fast tier').split('+')[0]} | transformer (all) | cascade | cascade, F1 of the labels it emits |",
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
               "Not shipped: the weights are not in the repository; the recipe is (`models/offline/pretrain.py`, fixed "
               "seed and step counts)" + (f": {exp['reproduced']}." if exp.get("reproduced") else ".")), ""]
    return out


def _pct(v: Any) -> str:
    return "-" if v is None else f"{100 * v:.1f} %"


def _auc(v: Any) -> str:
    return "-" if v is None else f"{v:.4f}"


def _variants_v3(rows: Any) -> list[str]:
    if not rows:
        return []
    out = ["## What was tried for fast-v3", "",
           "C fixed at 3, seed-13 split. Hate F1 on the tweets' calibration split; hate false-positive rate on the "
           "frozen set's civil posts that name an entity and on the civil corpus' test part; functional-suite "
           "accuracy. (rules v0): an earlier draft of the group rules.", "",
           "| variant | calibration hate F1 | civil FPR, names (frozen set) | civil FPR (corpus test) | functional accuracy |",
           "| --- | --- | --- | --- | --- |"]
    for name, f1, fpr, corpus, func in rows:
        out.append(f"| {name} | {f1:.4f} | {_pct(fpr)} | {_pct(corpus)} | {_pct(func)} |")
    return out + [""]


def _variants_v3_retune(rows: Any) -> list[str]:
    if not rows:
        return []
    out = ["## Retuning fast-v3 for the in-domain targets (not shipped)", "",
           "Goal: hate F1 >= 0.83 and incivility F1 >= 0.92 on the tweets' test split, with the civil "
           "false-positive rates and the functional suite held. Seed-13 split; the shipped features, data weights "
           "and C 3 unless stated. F1 on the tweets' calibration split (thresholds chosen on it plus the civil "
           "calibration part); hate false-positive rates on the frozen set's civil posts naming an entity / none "
           "and on the civil corpus' test part; incivility F1 on the frozen set; functional-suite accuracy. The "
           "test split was not scored for any of these.", "",
           "| variant | hate F1 | incivility F1 | civil FPR, names | civil FPR, none | civil FPR (corpus test) "
           "| incivility F1, frozen set | functional accuracy |",
           "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, hate, inc, names, none, corpus, pol_inc, func in rows:
        out.append(f"| {name} | {hate:.4f} | {inc:.4f} | {_pct(names)} | {_pct(none)} | {_pct(corpus)} | "
                   f"{pol_inc:.4f} | {_pct(func)} |")
    return out + [
        "",
        "Nothing reaches the targets. Without names, or their type as a feature, the tweets' hate boundary sits "
        "at 0.78-0.80 on calibration, and what raises it (less hand-written data in the hate head, C 10, generic "
        "placeholders in bigrams) costs civil false positives or functional accuracy; a 5-fold CV on the train "
        "split puts the placeholder bigrams (+0.001) and C 10 (+0.001) within noise. Incivility gains 0.014 when "
        "its head leaves out the hand-written posts (CV: 0.9013 -> 0.9122), but it then misses the political "
        "insults and camp labels the tweets do not mark `Abusive` (incivility F1 on the frozen set 0.87 -> 0.52): "
        "the two label conventions pull the head apart, and the shipped head keeps suhu's. Stacking the hate "
        "head with p(incivility) x (names an entity) encodes the tweets' convention that an insult of a "
        "politician is hate: +0.009 out-of-fold on the heads alone, +0.006 after the group rules, at the price of "
        "more of the known 'insult of a candidate reads as hate' failure.", ""]


def _political(pv: Mapping[str, Any] | None, civil: Mapping[str, Any] | None,
               base: Mapping[str, Any] | None = None) -> list[str]:
    if not pv:
        return []
    out = ["## Civil political posts: does naming a candidate read as hate?", "",
           f"Frozen set `models/validation/political_civility.jsonl`: {pv['n']} posts written by hand for suhu "
           f"before fast-v3 was tuned ({pv['civil']} civil: support, TPS reports, quick-count talk, policy criticism "
           f"without insults, news, debate-night chatter, identity mentions, counter-speech; {pv['uncivil_or_hateful']} "
           "uncivil or hateful: insults of candidates, camp labels, SARA hate, threats, mobilisation, gender hate), "
           "across the 2014/2019/2024 and Pilkada names and all 38 provinces. Never used to fit or choose anything.", "",
           "| signal | civil FPR | civil FPR, naming an entity | civil FPR, naming none | gap | F1 on the whole set |",
           "| --- | --- | --- | --- | --- | --- |"]
    for s in ("hate", "incivility", "provocation"):
        f = pv[s]["civil_fpr"]  # noqa: E741
        out.append(f"| {s} | {_pct(f['fpr'])} | {_pct(f['fpr_names'])} ({f['negatives_names']}) | "
                   f"{_pct(f['fpr_no_names'])} ({f['negatives_no_names']}) | {_pct(f['gap'])} | "
                   f"{pv[s]['metrics']['f1']:.4f} |")
    out += ["", "Posts whose hate/provocation labels (and, for civil posts, no incivility) are all right, by kind: "
            + ", ".join(f"{k} {v['correct']:.0%} ({v['n']})" for k, v in sorted(pv["by_kind"].items())) + ".", ""]
    if civil:
        h, i = civil["hate"], civil["incivility"]
        out += [f"Real civil political sentences (the civil corpus' test part, {h['negatives']} sentences after the "
                f"insult filter, never trained on): hate FPR {_pct(h['fpr'])} (naming an entity {_pct(h['fpr_names'])}, "
                f"none {_pct(h['fpr_no_names'])}), incivility FPR {_pct(i['fpr'])}."
                + (f" fast-v2 labelled {_pct(base['civil_corpus_hate_fpr'])} of the whole corpus `hate` "
                   f"({_pct(base['civil_corpus_hate_fpr_names'])} of sentences naming a politician, "
                   f"{_pct(base['civil_corpus_hate_fpr_no_names'])} of the others), and "
                   f"{_pct(base['political_hate_fpr_names'])} / {_pct(base['political_hate_fpr_no_names'])} of the "
                   "frozen set's civil posts naming / not naming an entity." if base else ""), ""]
    return out


def _bias(bias: Mapping[str, Any] | None) -> list[str]:
    if not bias:
        return []
    out = ["## Unintended bias (Borkan et al. 2019)", "",
           "`hate` on the tweets' test split plus the frozen political set, subgroups by the entity type a post "
           "names (after masking). BPSN low = naming the subgroup raises civil posts' scores; BNSP low = it lowers "
           "hateful posts' scores.", "",
           "| subgroup | posts | hateful | subgroup AUC | BPSN AUC | BNSP AUC |", "| --- | --- | --- | --- | --- | --- |"]
    for name, m in sorted(bias.items(), key=lambda kv: (kv[0] == "any_entity", kv[0])):
        out.append(f"| {name} | {m['n']} | {m['positives']} | {_auc(m['subgroup_auc'])} | {_auc(m['bpsn_auc'])} | "
                   f"{_auc(m['bnsp_auc'])} |")
    return out + [""]


def _functional_blind(runs: Sequence[Mapping[str, Any]] | None, note: str | None = None) -> list[str]:
    """Blind-suite runs recorded in the config (`functional_blind_runs`): each suite run once per rules version."""
    if not runs:
        return []
    out = ["## Group rules on the blind and development suites", "", note or "", "",
           "| suite | rules | cases | accuracy | hateful caught | non-hateful passed | threats as provocation | "
           "counter-speech as hate | negated hate as hate |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in runs:
        out.append(f"| {r['suite']} | {r['rules']} | {r['n']:,} | {r['accuracy']:.1%} | {r['hateful']:.1%} | "
                   f"{r['non_hateful']:.1%} | {r['threats_provocation']:.1%} | {r['counter_speech']:.1%} | "
                   f"{r['negated_hate']:.1%} |")
    return out + [""]


def _group_reader(g: Mapping[str, Any] | None) -> list[str]:
    """The group reader's section (models/reader.py): data, levels and the cross-validation that chose them."""
    if not g:
        return []
    cv = g.get("cross_validation", {})
    real = g.get("real_text", {})
    out = ["## Group reader (`" + str(g.get("version")) + "`)", "",
           "A logistic regression over the post with every group mention replaced by its category (`<grp_race>`, "
           "`models.sara.group_masked`), run only on posts that name a group. Where it is confident the post does "
           f"not attack the group (p < {g['lo']}) it caps the hate score at p; where it is confident it does "
           f"(p > {g['hi']}) it raises it to p; in between the rules and heads decide alone (`models/reader.py`).",
           "",
           f"- Trained on {g.get('examples', 0):,} distinct masked texts of the development functional suites "
           f"({', '.join('`' + n + '.yaml`' for n in g.get('trained_on', []))}: those suites are training data now, "
           "so their numbers above are optimistic), plus "
           f"{real.get('examples', 0):,} real group-naming texts: {real.get('tweets', '')}; {real.get('political', '')}. "
           "The blind suites were never read in training.",
           f"- Features: word 1-3-grams and character 2-5-grams within words, hashed and idf-weighted (the fast "
           f"tier's featurizer, its own vocabulary); C = {g.get('C')}; weights in `{g.get('file')}` (float32, no pickles).",
           "- Levels chosen by leave-one-suite-out over the development suites (the reader fitted without the suite "
           "it is scored on, the real text always in): mean accuracy of the scorer with it "
           f"{cv.get('best_mean', float('nan')):.1%} against {cv.get('rules_alone_mean', float('nan')):.1%} with the "
           "rules and heads alone; levels no bolder than cap < 0.25 and raise > 0.9 (models/offline/reader_training.py: "
           "bolder ones read civil review sentences of tests/unit/test_sara.py, praise and inclusion, as hate).", "",
           "| left-out suite | rules and heads | with the reader |", "| --- | --- | --- |"]
    for name, acc in cv.get("per_suite", {}).items():
        out.append(f"| `{name}` | {cv['rules_alone'][name]:.1%} | {acc:.1%} |")
    return out + [""]


def _functional(f: Mapping[str, Any] | None, holdout: Mapping[str, Any] | None = None,
                base: Mapping[str, Any] | None = None) -> list[str]:
    if not f:
        return []
    out = ["## Functional tests (HateCheck method)", "",
           "Two suites in the same format. The first (`functional_cases.yaml`) was used while the group rules "
           "were written, so its numbers are optimistic. The second (`functional_holdout.yaml`, "
           f"{holdout['n'] if holdout else '-'} cases) was written afterwards by another hand, blind to the rules, "
           "with new templates and group wordings; it was the honest estimate until group rules v3, whose author "
           "read its failures (with those of `functional_dev_v4.yaml`): it is now a development set too, and the "
           "honest estimates are the blind suites in the next section, each run once per rules version.", "",
           "| suite | accuracy | hateful caught | non-hateful passed | threats as provocation | counter-speech as hate | "
           "negated hate as hate |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, r in (("tuning suite", f), ("held-out suite", holdout)):
        if r:
            out.append(f"| {name} | {_pct(r['accuracy'])} | {_pct(r['hateful_recall'])} | "
                       f"{_pct(r['non_hateful_pass_rate'])} | {_pct(r['threat_provocation_share'])} | "
                       f"{_pct(r['counter_speech_hate_share'])} | {_pct(r['negated_hate_share'])} |")
    if base:
        a, b = base["functional"], base["functional_holdout"]
        out += ["", f"fast-v2 on the same suites (tuning / held-out): accuracy {_pct(a['accuracy'])} / "
                f"{_pct(b['accuracy'])}, hateful caught {_pct(a['hateful_recall'])} / {_pct(b['hateful_recall'])}, "
                f"threats as provocation {_pct(a['threat_provocation_share'])} / {_pct(b['threat_provocation_share'])}, "
                f"counter-speech as hate {_pct(a['counter_speech_hate_share'])} / "
                f"{_pct(b['counter_speech_hate_share'])}.", ""]
    out += [
           f"`suhu evaluate --functional`: {f['n']} cases from `models/validation/functional_cases.yaml` (templates x "
           "targets across suku, agama incl. Ahmadiyah and Syiah, ras, antargolongan, gender, orientation, disability "
           "and political camps; Röttger et al. 2021's functionalities plus news, candidate criticism/support and "
           "threats against camps), written by hand for suhu. Overall accuracy "
           f"**{_pct(f['accuracy'])}**, hateful cases caught {_pct(f['hateful_recall'])}, non-hateful passed "
           f"{_pct(f['non_hateful_pass_rate'])}, threats labelled `provocation` {_pct(f['threat_provocation_share'])}, "
           f"counter-speech labelled `hate` {_pct(f['counter_speech_hate_share'])}, negated hate labelled `hate` "
           f"{_pct(f['negated_hate_share'])}. `tests/unit/test_model_quality.py` holds each functionality at its floor.",
           "", "| functionality | label | cases | pass (tuning) | pass (held-out) | labelled hate (held-out) | "
           "labelled provocation (held-out) |", "| --- | --- | --- | --- | --- | --- | --- |"]
    held = {r["id"]: r for r in (holdout or {}).get("functionalities", [])}
    for row in f["functionalities"]:
        h = held.get(row["id"])
        out.append(f"| {row['id']} | {row['label']} | {row['n']} | {_pct(row['pass_rate'])} | "
                   f"{_pct(h['pass_rate']) if h else '-'} | {_pct(h['hate_share']) if h else '-'} | "
                   f"{_pct(h['provocation_share']) if h else '-'} |")
    return out + [""]


def _fraud_head(head: Mapping[str, Any] | None) -> list[str]:
    if not head:
        return []
    d = head["data"]
    cv = head["cv"][str(head["c"])]
    lines = [
        f"## fraud head ({head['version']}, issue 13): fraud_claim = lexicon + a trained head",
        f"- NB-weighted logistic regression on fast-v3's own features (no refit: `weights.npz` and every other head "
        f"are unchanged), weights in `{head['file']}` (float32, no pickle). Command: `{head['command']}`.",
        f"- Data: {d['hand_written']} hand-written posts ({d['hand_written_fraud']} fraud narratives; written for suhu, "
        f"nothing copied): `{d['hand_written_file']}` ({d.get('training_file', d['hand_written'])} posts, "
        f"{d['sittings']} sittings of different registers)"
        + (", and the sets of other writers (used dev and blind sets, training sittings), each one fold: "
           + "; ".join(f"{k} {d['used_' + k]}" for k in d["used_sets"]) if d.get("used_sets") else "")
        + "; "
        f"{d.get('political_used', 0)} sentences of `political_text_id.csv` half 0 (md5 split; half 1 is held out; "
        f"{d.get('political_half0', 0) - d.get('political_used', 0)} the lexicon flags left out; {d['political_licences']}) "
        f"and {d.get('tweets_used', 0)} tweets with no fraud vocabulary ({d['tweets_licence']}), all as negatives "
        f"except the hand-written fraud posts; weights {head['weights']}.",
        f"- C {head['c']}, threshold {head['threshold']} and veto {head.get('veto', 0.0)} by {head['cv_folds']}: "
        f"{head['threshold_rule']}. "
        f"Out of fold: recall {cv['recall']} (lexicon alone {cv['lexicon_recall']}), hand-written civil FPR "
        f"{cv['civil_fpr']} (lexicon {cv['lexicon_civil_fpr']}), political half 0 {cv['political_fpr']}.",
        "- Combination: the head's probability is mapped so its threshold reads 0.5, damped by the lexicon's own "
        "debunk/reporting framing (x0.45), and fraud_claim = max(lexicon, that) where the head flags; where the "
        "head's probability is under the veto, a lexicon decision (>= 0.5) is damped the same way (x0.45); elsewhere "
        "the lexicon's score stands.",
    ]
    for name, s in (head.get("out_of_fold_per_used_set") or {}).items():
        lines.append(f"- Out of fold on {name} (a writer the head had not seen): recall {s['recalled']}/{s['fraud']}, "
                     f"civil flagged {s['civil_flagged']}/{s['civil']} (lexicon alone {s['lexicon_recalled']}, "
                     f"{s['lexicon_civil_flagged']})")
    for k, v in (head.get("measured") or {}).items():
        lines.append(f"- {k}: {v}")
    return lines + [""]


def render_card(config: Mapping[str, Any], scratch: Mapping[str, Any] | None = None) -> str:
    """`scratch`: the from-scratch transformer record (models/artifacts/tf-scratch-v2.json), if any."""
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
        f"- Labelled tweets: `{t['data']}` ({t['rows']} tweets): Muhammad Okky Ibrohim and Indra Budi, 2019, "
        "\"Multi-label Hate Speech and Abusive Language Detection in Indonesian Twitter\", ALW3. "
        f"Licence {t['data_licence']}. The data is not in this repository; these weights are a derived "
        "work under the same non-commercial, share-alike terms.",
        *([f"- Civil political sentences: `{cc['data']}` (real news, blog and comment sentences about politics, "
           f"unlabelled for hate; licences: {cc['licences']}): {cc['rows']} rows, {cc['dropped_uncivil']} dropped "
           "because they contain an insult or hostile word (`models/offline/corpora.py` UNCIVIL_WORDS), the rest split "
           f"(seed {cc['split_seed']}) into train {cc['train']} (negatives, weight {cc['weight']}), calibration "
           f"{cc['calibration']} (thresholds) and test {cc['test']} (reported below). Not in this repository."]
          if (cc := t.get('civil_corpus')) else []),
        *([f"- Hand-written posts: `{ph['data']}`, {ph['rows']} posts written for suhu (no text taken from any "
           "data set): civil posts naming candidates, parties and ballot numbers, identity mentions, SARA hate, "
           "threats, counter-speech and negated hate, profanity that is not hate, abuse of non-protected groups, "
           f"camp labels, mobilisation; plus {ph['counterfactual_copies']} counterfactual copies that swap the group "
           f"named (Madura -> Bugis, Kristen -> Hindu); weight {ph['weight']}."] if (ph := t.get('phenomena')) else []),
        "- `incivility` = the tweets' `Abusive` label; `hate` = `HS` (which, following the data set, includes "
        "hateful insults of an individual); the hate target (individual/group) and SARA category (religion, race, "
        "physical, gender, other) heads are trained on hate posts only.",
        f"- Tweets split (seed {t['seed']}, stratified on HS x Abusive): train {t['split']['train']}, calibration "
        f"{t['split']['calibration']} (thresholds, together with the civil calibration part), test "
        f"{t['split']['test']} (reported only).",
        "",
        "## How it is built",
        "- Text normalisation (`models/normalize.py`, v" + str(config['normalizer_version']) + "): byte-escaped emoji "
        "decoded, user names and URLs replaced by `user`/`url`, quotation marks by `q_kutip`, hashtags split on "
        "camel case, lower case, reduplication `orang2` -> `orang orang`, leetspeak digits inside words, letters "
        "repeated 3+ times squeezed, spelled-out words (`b e n c i`) joined, laughter folded, emoji mapped to eleven "
        "coarse classes, ~300 hand-written slang/alay spellings folded (`models/slang.py`); a post cannot type the "
        "reserved tokens itself.",
        "- **Entity masking**, the last step of the same normalisation at training and scoring time: every mention "
        "in the political-entity gazetteer (`models/gazetteer/political_entities.yaml`: candidates of 2014, 2019 "
        "and 2024 and of the big Pilkada, officials, the 2024 parties and Aceh's local parties, pairs, coalitions, "
        "ballot-number expressions, campaign hashtags, nicknames and misspellings) becomes a typed placeholder "
        "(`ent_tokoh`, `ent_partai`, `ent_paslon`, `ent_nomor`, `ent_tagar`), so no name can carry label weight. "
        "Derogatory camp labels (cebong, kampret, kadrun, ...) are not masked: they stay incivility cues. "
        "`hate_entity` on a scored post keeps the type of entity a hateful post names.",
        "- **Group-hate evidence** (`models/sara.py`, v" + str(config.get('group_rules', {}).get('version', '-')) + "): "
        "a group (suku, agama, ras, antargolongan, gender, orientation, disability, a political camp) near a hostile "
        "predicate (strong emotion, negative attribute, dehumanising comparison, exclusion, negated positive, "
        "violence), with negation (per predicate), pronoun reference back to a named group, one-typo spellings "
        "of predicates and glued words split in two (only for words the tier's vocabulary does not know) and "
        "counter-speech (quoting or reporting hate to reject it; never when the post has a hostile pair of its own "
        "outside quotation marks). `hate` = noisy-OR of the head's probability and this evidence; on counter-speech or a "
        f"defended group, x {config.get('group_rules', {}).get('counter_speech_factor', '-')}. Violence against a "
        "group also raises `provocation`.",
        f"- Features: hashed word {tuple(config['features']['word_ngrams'])} and character "
        f"{tuple(config['features']['char_ngrams'])} n-grams ("
        f"{'inside each space-padded word' if config['features'].get('char_within_words') else 'over the whole padded text'}"
        f", FNV-style hash vectorised in numpy), columns seen in >= {config['min_df']} "
        "training posts kept, sublinear tf x idf, L2 per block"
        + ("; entity placeholders and `!`/`?` are left out of the features, and the heads' `hate` needs two "
           "words of content (a cheer like `Prabowo!!!` is not evidence)" if config['features'].get('drop_placeholders') else "")
        + ".",
        f"- Heads: {config.get('head_model', 'logistic regression (liblinear, balanced class weights)')}, "
        f"C per head {config['c_per_head']}"
        f"{' (incivility/hate: ' + config['c_selection'] + ')' if config.get('c_selection') else ''}. "
        "Weights are plain float32 arrays in `weights.npz` (no pickles); the NB scaling is folded into them.",
        f"- Thresholds: {th}. incivility/hate maximise F1 of the final score on the tweets' calibration split plus "
        "the civil corpus' calibration part (a false positive on a civil sentence costs as much as a miss).",
        "",
        "## Results on the held-out test split",
        _table(config["metrics_test"]),
        "",
        "Calibration split (used for choosing the thresholds, so optimistic):",
        "",
        _table(config["metrics_calibration"]),
        "",
        *_political(config.get("political_validation"), config.get("civil_corpus_test"), config.get("fast_v2_baseline")),
        *_functional(config.get("functional"), config.get("functional_holdout"), config.get("fast_v2_baseline")),
        *_functional_blind(config.get("functional_blind_runs"), config.get("functional_blind_note")),
        *_group_reader(config.get("group_reader")),
        *_bias(config.get("bias")),
        *_variants_v3_retune(config.get("variants_tried_v3_retune")),
        *_variants_v3(config.get("variants_tried_v3")),
        *_variants(config.get("variants_tried")),
        *_scratch(scratch),
        *_fraud_head(config.get("fraud_head")),
        "## provocation and fraud_claim (lexicon + rules, no training data)",
        f"- {len(PROVOCATION_CUES)} provocation cue patterns and {len(FRAUD_CUES)} fraud-claim cue patterns "
        "(`models/signals.py`), each with a weight: 0.8-0.85 for an unambiguous call, threat or claim "
        "(`kepung kpu`, `turun ke jalan`, `surat suara tercoblos`, `sirekap dimanipulasi`), 0.6-0.7 for a "
        "strong cue, 0.3-0.45 for a cue that needs a second one (a bare `bakar`, `lawan`, `hak angket`). "
        "Score = noisy-OR of the cues found.",
        f"- fraud_claim (lexicon v4-v5) adds {len(FRAUD_PREDICATES)} fraud-predicate families (`digelembungkan`, "
        "`diubah`, `dicoblosin`, `siluman`, ...) that count only near an election object (surat/kotak suara, C1, "
        "Sirekap, DPT, rekap, KPPS; generic objects such as `hasil`/`data` only in an election post); weak ones "
        "(0.22) need a second cue: another family or a suspicion marker within 100 characters (`tanpa saksi`, "
        "`tengah malam`, `siapa yang`). Debunk framing (`ternyata itu`, `faktanya`, `salah baca`, `sudah "
        "dikoreksi`) damps like reporting; lexicon v5 adds procedure explained (`tetap sah`, `menurut aturan`, "
        "`bimtek`), errors corrected (`sudah dibetulkan`), messages called false (`pesan ... palsu`, `tidak ada "
        "buktinya`, `video lama`) and how-to-report questions to that framing. Measured on the dev and frozen sets "
        "in docs/HOAXES.md.",
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
        "- In-domain `hate` F1 on the tweets' test split is below fast-v2's 0.839: those tweets reward knowing "
        "*who* is named (politicians' names co-occur with their hate labels), which masking removes on purpose, and "
        "the civil negatives and the thresholds chosen against civil text trade some recall on the tweets for far "
        "fewer false alarms on civil political text (see the variants table).",
        "- The tweets label hateful insults of one person as HS, so `hate` fires on harsh insults of a candidate; "
        "the functional suite's 'abuse of an individual' and 'abuse of a non-protected group' cases (non-hateful "
        "in the HateCheck method) fail about half the time for that reason.",
        "- Group evidence needs a group word near a hostile predicate: implicit derogation without a hostile word "
        "(`mending kosong daripada disewa orang X`), slurs used alone as the referent (`satu kantor sama banci`), "
        "and hate spread over two "
        "sentences far apart are left to the heads. Words glued three at a time (`gwbencisama`) are missed.",
        "- The gazetteer knows the names it lists: a new candidate or nickname is not masked until it is added "
        "(edit the YAML, retrain). Common first names (Agus, Edy) are masked wherever they occur.",
        "- provocation and fraud_claim are lexicon signals: they only know the phrasing they list; threats that "
        "name no violent verb (`jangan salahkan kami kalau ada yang mati`) and paraphrased calls are missed; "
        "negation is a 3-word window.",
        "- Trained on 2017-2018 Twitter plus formal civil text; new slang and code-switching with regional "
        "languages (Javanese, Sundanese) are weaker.",
        "",
        "## Reproduce",
        f"`{t['command']}` (reads `../shared/data/id_hate_abusive_train.csv`, seed {t['seed']}; "
        f"sklearn {t['sklearn']}, numpy {t['numpy']}, Python {t['python']}), then "
        "`suhu evaluate` for the test-split table above.",
        "",
    ]
    return "\n".join(parts)
