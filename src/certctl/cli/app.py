"""The Typer application object shared by every command module (one command per file).

Every command and group made through :class:`Typer` gets the same command style: ``-h`` and
``--help``, help laid out for Chinese at any width (:mod:`.helpfmt`). The commands of ``app`` are
imported when they run (:mod:`.lazy`)."""

from __future__ import annotations

from typing import Any, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from .helpfmt import (Context, Lang, english_help, english_short, english_text, set_help_language, short_help,
                      usage_errors_in_chinese)
from .lazy import COMMANDS, LazyCommands

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


class Command(TyperCommand):
    context_class = Context

    def make_context(self, info_name: Any, args: list[str], parent: Any = None, **extra: Any) -> Any:
        path = f"{parent.command_path} {info_name}" if parent is not None else str(info_name)
        return usage_errors_in_chinese(lambda: super(Command, self).make_context(info_name, args, parent, **extra),
                                       args, path)

    def get_short_help_str(self, limit: int = 45) -> str:
        return _short_help(self) or super().get_short_help_str(limit)

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        if not _help_text(self, formatter):
            super().format_help_text(ctx, formatter)


class Group(TyperGroup):
    context_class = Context

    def make_context(self, info_name: Any, args: list[str], parent: Any = None, **extra: Any) -> Any:
        if parent is None:  # certctl itself: the whole command line, before any help is printed
            set_help_language(args)
            if args and not [a for a in args if a not in ("--lang", "en", "zh", "--lang=en", "--lang=zh")]:
                args = []  # `certctl --lang en` alone: the help, as `certctl` alone gives it
        return usage_errors_in_chinese(lambda: super(Group, self).make_context(info_name, args, parent, **extra), args)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        return usage_errors_in_chinese(lambda: super(Group, self).resolve_command(ctx, args), args)

    def get_short_help_str(self, limit: int = 45) -> str:
        return _short_help(self) or super().get_short_help_str(limit)

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        if not _help_text(self, formatter):
            super().format_help_text(ctx, formatter)


def _short_help(cmd: Any) -> str | None:
    """A command's line in the command list: its first Chinese sentence, or with --lang en its English one."""
    if english_help() and (en := english_short(cmd.name)):
        return en
    return cmd.short_help or short_help(cmd.help)


def _help_text(cmd: Any, formatter: Any) -> bool:
    """With --lang en, a command's English help (help_en.py) written as its text; False when not."""
    text = english_text(cmd.name) if english_help() else None
    if text is None:
        return False
    formatter.write_paragraph()
    with formatter.indentation():
        formatter.write_text(text)
    return True


class LazyGroup(LazyCommands, Group):
    """certctl's own group: its commands' modules imported when the commands are looked up."""


class Typer(typer.Typer):
    """typer.Typer whose commands and sub-groups share certctl's help style and ``-h``."""

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("cls", Group)
        kw.setdefault("context_settings", CONTEXT_SETTINGS)
        kw.setdefault("add_completion", False)
        kw.setdefault("pretty_exceptions_enable", False)
        kw.setdefault("rich_markup_mode", None)
        super().__init__(**kw)

    def command(self, name: Optional[str] = None, *, cls: Any = None, **kw: Any) -> Any:  # type: ignore[override]
        kw.setdefault("context_settings", CONTEXT_SETTINGS)
        return super().command(name, cls=cls or Command, **kw)


app = Typer(
    name="certctl",
    help=(
        "certctl — 行政执法证件管理表格工具：校验表格、合并台账、计算工作日期限。\n\n"
        "Validate certificate forms cell by cell, merge them into the master ledger, "
        "and tell what is past its working-day deadline."
    ),
    no_args_is_help=True,
    cls=LazyGroup,
)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"certctl {__version__}")
        raise typer.Exit(0)


def _lang_everywhere(ctx: typer.Context, value: Optional[Lang]) -> Optional[Lang]:
    """``certctl --lang en COMMAND …``: every command's own --lang defaults to it."""
    if value is not None:
        ctx.default_map = {name: {"lang": value.value, "import": {"lang": value.value}} for name in COMMANDS}
    return value


@app.callback()
def _main(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", "-V", is_eager=True, callback=_version,
                                 help="显示版本号并退出 / show the version and exit"),
    lang: Optional[Lang] = typer.Option(None, "--lang", callback=_lang_everywhere, show_default=False,
                                       help="界面语言 zh（默认）或 en，对所有命令有效 / language of messages and "
                                            "help: zh (default) or en, for every command"),
) -> None:
    """certctl — 行政执法证件管理表格工具：校验表格、合并台账、计算工作日期限。

    Validate certificate forms cell by cell, merge them into the master ledger, and tell what is past
    its working-day deadline. 每个命令的用法：certctl 命令 -h
    """
