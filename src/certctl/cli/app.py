"""The Typer application object shared by every command module (one command per file); its
commands are imported when they run (cli/lazy.py)."""

from __future__ import annotations

import typer

from .lazy import LazyGroup

app = typer.Typer(
    name="certctl",
    help=(
        "certctl — 行政执法证件管理表格工具：校验表格、合并台账、计算工作日期限。\n\n"
        "Validate certificate forms cell by cell, merge them into the master ledger, "
        "and tell what is past its working-day deadline."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=LazyGroup,
)


@app.callback()
def _certctl() -> None:
    # A group with subcommands, even before any command module is imported (cli/lazy.py).
    pass
