"""Thin command-line layer: each command lives in its own module and registers on ``app``."""

from __future__ import annotations

from .app import app

# Command modules register themselves on import (order = order in --help).
from . import validate as _validate  # noqa: F401,E402
from . import rules as _rules  # noqa: F401,E402
from . import deadline as _deadline  # noqa: F401,E402


def main() -> None:  # console-script entry point
    app()
