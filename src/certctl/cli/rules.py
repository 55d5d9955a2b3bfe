"""certctl rules — the rule catalogue (code, severity, description, rule set, source), as `ruff rule` lists."""

from __future__ import annotations

import json
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from .. import rules as R
from .app import app
from enum import Enum

from .common import NARROW, Lang, console, fail, format_option, lang_option
from ..jurisdiction import set_label
from ..render import sev_label


class Fmt(str, Enum):
    table = "table"
    json = "json"


@app.command("rules")
def rules_cmd(
    code: Optional[str] = typer.Argument(None, help="只显示这条规则 / show one rule", show_default=False),
    fmt: Fmt = format_option(Fmt.table),
    lang: Lang = lang_option(Lang.zh),
    as_json: bool = typer.Option(False, "--json", hidden=True),  # the old spelling of --format json
) -> None:
    """列出全部校验规则：代码、级别、说明、依据。List every rule with code, severity, description and source."""
    lg = lang.value
    rules = list(R.RULES.values())
    if code:
        c = code.upper()
        if c not in R.RULES:
            fail(f"no rule {code}; certctl rules lists them all" if lg == "en" else f"没有规则 {code}；certctl rules 列出全部规则")
        rules = [R.RULES[c]]
    if as_json or fmt == Fmt.json:
        typer.echo(json.dumps([
            {"code": r.code, "name": r.name, "severity": r.severity, "scope": r.scope,
             "description": r.description(lg), "rule_set": r.ruleset, "source": r.source} for r in rules
        ], ensure_ascii=False, indent=2))
        return
    if code:
        r = rules[0]
        con = console()
        con.print(f"{r.code} ({r.name})  [{sev_label(r.severity, lg)}]", markup=False)
        con.print(r.description(lg), markup=False)
        con.print(("Rule set: " if lg == "en" else "规则集：") + set_label(r.ruleset, lg), markup=False)
        con.print(("Source: " if lg == "en" else "依据：") + r.source_text(lg), markup=False)
        hint = r.hint_en if lg == "en" else r.hint_zh
        if hint:
            con.print(("What to do: " if lg == "en" else "处理建议：") + hint, markup=False)
        return
    con = console()
    if con.width < NARROW:  # a narrow terminal: a few lines a rule, not six crushed columns
        for r in rules:
            con.print(Text(f"{r.code}  {sev_label(r.severity, lg)}  {r.scope}  ({r.name})", style="bold"))
            con.print(Text("  " + r.description(lg)), Text(("  Rule set: " if lg == "en" else "  规则集：") + set_label(r.ruleset, lg)),
                      Text(("  Source: " if lg == "en" else "  依据：") + r.source_text(lg)), sep="\n")
        return
    t = Table()
    for h in (("Code", "Severity", "Description", "Rule set", "Source", "Scope") if lg == "en"
              else ("代码", "级别", "说明", "规则集", "依据", "适用")):
        t.add_column(h, overflow="fold")
    for r in rules:
        # plain text, not markup: a source such as "certctl.toml [cert_patterns]" is printed as written
        t.add_row(*(Text(c) for c in (r.code, sev_label(r.severity, lg), r.description(lg), set_label(r.ruleset, lg),
                                      r.source_text(lg), r.scope)))
    con.print(t)
