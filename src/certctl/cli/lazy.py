"""Commands loaded when they run: ``certctl validate`` imports cli/validate.py and what it needs,
not the ledger, the model, the calendar or the report.

This is click's documented lazy-loading pattern (a group that imports a subcommand's module when
the subcommand is looked up). :data:`COMMANDS` names every command and, in that order, lists them
in ``certctl --help``; a command lives in the module ``certctl.cli.<name>``, which registers it on
``app`` with ``@app.command(...)`` (or ``app.add_typer``) when imported. ``certctl --help`` looks
every command up, so it imports them all; running one command imports only its own module.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import typer

COMMANDS = ("validate", "merge", "overdue", "report", "cleanup", "deadline", "calendar", "template", "rules")


class LazyCommands:
    """For a click group (cli/app.py's LazyGroup): a command's module is imported the first time
    the command is looked up."""

    commands: dict[str, Any]

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return [name for name in COMMANDS if _exists(name)] + [n for n in self.commands if n not in COMMANDS]

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS and _exists(cmd_name):
            self.commands[cmd_name] = load(cmd_name)
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx: typer.Context, args: list[str]) -> Any:
        if args and args[0] not in COMMANDS:  # no such command: its "did you mean" needs every name
            for name in self.list_commands(ctx):
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)  # type: ignore[misc]


def load(name: str) -> Any:
    """Import ``certctl.cli.<name>`` and build the click command it registered on ``app`` (built
    from the app, as typer builds every command, so a sub-group like ``calendar`` is built the same way)."""
    importlib.import_module(f"{__package__}.{name}")
    from .app import app  # the module above registered its command there

    return typer.main.get_group(app).commands[name]


def _exists(name: str) -> bool:
    """Whether the command's module is there (a command not built yet must not break the others)."""
    return importlib.util.find_spec(f"{__package__}.{name}") is not None
