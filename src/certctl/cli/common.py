"""Helpers shared by the command modules: language, config, consoles, clean exits."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console


class Lang(str, Enum):
    zh = "zh"
    en = "en"


LANG_HELP = "界面语言 zh（默认）或 en / message language"
CONFIG_HELP = "配置文件路径（默认当前目录下的 certctl.toml）/ config file"


def console(stderr: bool = False, quiet: bool = False) -> Console:
    """Colour only on a terminal; NO_COLOR honoured; wide enough for Chinese tables."""
    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    return Console(
        file=stream,
        force_terminal=None,
        no_color=not tty or bool(os.environ.get("NO_COLOR")),
        highlight=False,
        soft_wrap=not tty,
        width=None if tty else 200,
        quiet=quiet,
    )


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a clear message on stderr and exit (2 = bad arguments or unreadable input)."""
    console(stderr=True).print(f"certctl: {message}", markup=False, highlight=False)
    raise typer.Exit(code)


def load(config: Path | None, lang: Lang | None) -> tuple[Any, str]:
    """Load the config (clean exit 2 on a bad one) and decide the language."""
    try:
        from ..config import ConfigError, load_config
    except ImportError:  # pragma: no cover
        return None, (lang.value if lang else "zh")
    try:
        cfg = load_config(config)
    except ConfigError as e:
        fail(f"配置文件错误 / bad config: {e}")
    chosen = lang.value if lang else getattr(cfg, "lang", "zh")
    from ..state import configure

    configure(cfg)  # state_dir and [output] mode, for every file this run writes
    return cfg, chosen


def form_files(paths: list[Path], lang: str) -> Any:
    """The spreadsheet files named or found below ``paths`` (folders searched recursively) and the
    folders that could not be listed (:class:`certctl.workspace.Listing`); a clean exit 2 when there
    is neither."""
    from ..workspace import find_forms

    listing = find_forms(list(paths))
    if not listing.files and not listing.unreadable:
        where = ", ".join(map(str, paths))
        fail(f"no spreadsheet files found in {where}" if lang == "en" else f"{where} 中没有找到 Excel 表格文件")
    return listing


def progress_bar(enabled: bool) -> Any:
    """A rich progress bar on stderr, only when asked for and stderr is a terminal (else None)."""
    if not enabled or not sys.stderr.isatty():
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=console(stderr=True), transient=True)
