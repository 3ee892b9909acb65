"""`suhu claims load | list | match | delete`: the debunked-claims catalogue (docs/OPERATIONS.md)."""

from __future__ import annotations

import json
import sys

import click

from streams.tooling.cli_context import get_settings


def index_from_file(path: str):  # type: ignore[no-untyped-def]
    """A ClaimIndex of a catalogue file; bad rows are reported on stderr (line and reason) and skipped."""
    from streams.core.claim_index import ClaimIndex
    from streams.core.claims import read_catalogue

    claims, errors = read_catalogue(path)
    for e in errors:
        click.echo(f"{path}:{e.line}: skipped: {e.reason}", err=True)
    if not claims:
        raise click.ClickException(f"{path}: no valid claims")
    return ClaimIndex(claims)


@click.group("claims")
def claims_group() -> None:
    """Debunked-claims catalogue: load a fact-checker's export, list it, explain a match."""


@claims_group.command("load")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--dry-run", is_flag=True, help="Validate and report only; publish nothing.")
@click.pass_context
def load_command(ctx: click.Context, file: str, dry_run: bool) -> None:
    """Import FILE (CSV: generic or TurnBackHoax-style; or JSONL) into the hoax-claims topic.

    Bad rows are reported with their line and reason; every good row is still loaded. Loading a claim
    id again replaces it (the topic is compacted by id). Workers pick the changes up live.
    """
    from streams.core.claims import read_catalogue

    claims, errors = read_catalogue(file)
    for e in errors:
        click.echo(f"{file}:{e.line}: skipped: {e.reason}", err=True)
    if dry_run:
        click.echo(f"{len(claims)} valid claims, {len(errors)} bad rows (dry run: nothing published)")
    else:
        from streams.runtime.catalogue_topic import publish_claims
        from streams.tooling.kafka_runtime import ensure_topics

        settings = get_settings(ctx)
        ensure_topics(settings)
        n = publish_claims(settings, claims)
        click.echo(f"loaded {n} claims into {settings.topic('hoax-claims')}, {len(errors)} bad rows skipped")
    if errors and not claims:
        sys.exit(1)


@claims_group.command("delete")
@click.argument("ids", nargs=-1, required=True)
@click.pass_context
def delete_command(ctx: click.Context, ids: tuple[str, ...]) -> None:
    """Remove claims by id (a tombstone on the compacted topic)."""
    from streams.runtime.catalogue_topic import delete_claims

    n = delete_claims(get_settings(ctx), ids)
    click.echo(f"deleted {n} claims")


@claims_group.command("list")
@click.option("--claims", "claims_file", type=click.Path(dir_okay=False, exists=True),
              help="List a catalogue file instead of the topic (no broker).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per claim.")
@click.pass_context
def list_command(ctx: click.Context, claims_file: str | None, as_json: bool) -> None:
    """The catalogue as workers see it: id, verdict, date, title."""
    if claims_file:
        index = index_from_file(claims_file)
    else:
        from streams.runtime.catalogue_topic import read_all_claims

        index, stats = read_all_claims(get_settings(ctx))
        if stats.rejected:
            click.echo(f"{stats.rejected} invalid records on the topic skipped", err=True)
    claims = sorted(index.claims(), key=lambda c: (c.published, c.id), reverse=True)
    for c in claims:
        if as_json:
            click.echo(json.dumps(c.to_dict(), ensure_ascii=False))
        else:
            click.echo(f"{c.id}\t{c.verdict}\t{c.published}\t{c.title}")
    if not as_json:
        click.echo(f"{len(claims)} claims", err=True)


@claims_group.command("match")
@click.argument("text")
@click.option("--claims", "claims_file", type=click.Path(dir_okay=False, exists=True),
              help="Match against a catalogue file instead of the topic (no broker).")
@click.option("--top", type=click.IntRange(1, 20), default=3, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def match_command(ctx: click.Context, text: str, claims_file: str | None, top: int, as_json: bool) -> None:
    """The claims TEXT repeats best, with the evidence: containment, shared words, stance and its cue."""
    if claims_file:
        index = index_from_file(claims_file)
    else:
        from streams.runtime.catalogue_topic import read_all_claims

        index, _ = read_all_claims(get_settings(ctx))
    found = index.match(text, top=top, explain=True)
    if as_json:
        click.echo(json.dumps([{"claim_id": m.claim_id, "title": index.get(m.claim_id).title,  # type: ignore[union-attr]
                                "similarity": m.similarity, "known_hoax": m.known_hoax, "matched": m.matched,
                                "stance": m.stance, "why": m.why} for m in found], ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo("no claim shares enough words with this text")
        return
    for rank, m in enumerate(found, 1):
        c = index.get(m.claim_id)
        verdict = "MATCH" if m.matched else "below the match threshold"
        click.echo(f"{rank}. {m.claim_id} [{c.verdict if c else '?'}] {c.title if c else ''}")
        click.echo(f"   {verdict}: similarity {m.similarity:.3f}, known_hoax {m.known_hoax:.3f}, stance {m.stance}"
                   + (f" (cue: {m.why['stance_cue']})" if "stance_cue" in m.why else ""))
        w = m.why
        click.echo(f"   claim words found {w['word_containment']:.0%} (IDF-weighted), claim bigrams found "
                   f"{w['bigram_containment']:.0%}, post from the claim {w['post_share']:.0%}")
        click.echo(f"   shared words: {', '.join(w.get('shared_words', []))}")
        if c:
            click.echo(f"   debunk: {c.url} ({c.source}, {c.published})")
