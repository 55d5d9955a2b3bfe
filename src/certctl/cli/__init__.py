"""Thin command-line layer: each command lives in its own module and registers on ``app``."""

from __future__ import annotations

import importlib

from .app import app

# Command modules register themselves on import; the order here is the order in --help.
COMMANDS = ("validate", "merge", "overdue", "report", "cleanup", "deadline", "calendar", "template", "rules")

for _name in COMMANDS:
    try:
        importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _e:  # a command not built yet must not break the others
        if _e.name != f"{__name__}.{_name}":
            raise


def main() -> None:  # console-script entry point
    from .streams import run_main

    run_main(app)
