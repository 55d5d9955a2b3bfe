"""Thin command-line layer: each command lives in its own module and registers on ``app``.

The modules are imported when their command runs (cli/lazy.py: ``certctl validate`` loads neither the
ledger nor the model); :data:`COMMANDS` gives the order of ``certctl --help``."""

from __future__ import annotations

from .app import app
from .lazy import COMMANDS

__all__ = ["COMMANDS", "app", "main"]


def main() -> None:  # console-script entry point
    from .streams import run_main

    run_main(app)
