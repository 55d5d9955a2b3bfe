"""`certctl deadline` — date N working days after DATE (placeholder, filled in shortly)."""

from __future__ import annotations

import typer

from .app import app


@app.command("deadline")
def deadline_cmd(date: str = typer.Argument(...), n: int = typer.Argument(...)) -> None:
    """计算 DATE 之后第 N 个工作日 / Date N working days after DATE."""
    typer.echo("not implemented yet", err=True)
    raise typer.Exit(2)
