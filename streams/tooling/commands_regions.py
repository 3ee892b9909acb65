"""`suhu regions resolve`: how a post's region would be inferred, and why."""

from __future__ import annotations

import json

import click


@click.group("regions")
def regions_group() -> None:
    """Region inference: resolve and explain."""


@regions_group.command("resolve")
@click.argument("text", default="")
@click.option("--profile", "profile", default=None, help="The author's profile location.")
@click.option("--region", "region", default=None, help="The post's region field.")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
def resolve_command(text: str, profile: str | None, region: str | None, as_json: bool) -> None:
    """Resolve TEXT (a post) and --profile (a profile location) to a province, explaining each rule.

    Only gazetteer names are printed back, never the input itself.
    """
    from streams.core.places import explain_region
    from streams.core.regions import region_name

    e = explain_region(text, profile=profile, region=region)
    if as_json:
        click.echo(json.dumps(e, indent=2, ensure_ascii=False))
        return
    where = "unknown" if e["region"] == "unknown" else f"{e['region']} ({region_name(e['region'])})"
    city = f", city {e['city']}" if e["city"] else ""
    click.echo(f"region: {where}{city}")
    click.echo(f"source: {e['source']}  rule: {e['rule']}  confidence: {e['confidence']:.2f}")
    if e["names"]:
        click.echo("decided by: " + ", ".join(e["names"]))
    for step in e["steps"]:
        if step["step"] == "field":
            click.echo(f"- region field -> {step['result']}")
            continue
        click.echo(f"- {step['step']} -> {step['decision']}")
        for n in step["names"]:
            mark = f"counts (weight {n['weight']})" if n["counts"] else "ignored"
            provs = ",".join(n["provinces"]) or "-"
            alias = f" = {n['alias_of']}" if n["alias_of"] else ""
            click.echo(f"    '{n['name']}'{alias} [{n['level']}: {provs}] {mark}: {n['why']}")
            for area in n["areas"]:
                click.echo(f"        {area}")
