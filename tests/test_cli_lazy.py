"""Commands are loaded when they run (cli/lazy.py): validate does not import the other commands."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from certctl.cli import COMMANDS, app

ROOT = Path(__file__).resolve().parents[1]
FORM = ROOT / "examples" / "forms" / "附件2_注销表_正确.xlsx"

PROBE = """
import json, sys
from certctl.cli import main
sys.argv = ["certctl"] + sys.argv[1:]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("certctl", "rich.console")))), file=sys.stderr)
"""


def _loaded(*args: str) -> set[str]:
    p = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT)
    return set(json.loads(p.stderr.strip().splitlines()[-1]))


def test_validate_loads_only_its_own_command() -> None:
    loaded = _loaded("validate", "-q", str(FORM))
    others = {f"certctl.cli.{c}" for c in COMMANDS if c != "validate"}
    assert "certctl.cli.validate" in loaded
    assert not loaded & others
    assert not {"certctl.model", "certctl.overdue", "certctl.ledger", "certctl.locking"} & loaded


def test_quiet_validate_prints_plain_lines_without_rich() -> None:
    """``validate -q`` prints one line per file, no table: the rich console is not even imported."""
    assert "rich.console" not in _loaded("validate", "-q", str(FORM))
    assert "rich.console" in _loaded("validate", str(FORM))
    out = subprocess.run([sys.executable, "-c", PROBE, "validate", "-q", str(FORM), str(FORM)], capture_output=True,
                         cwd=ROOT).stdout.decode("utf-8").splitlines()
    assert len(out) == 3 and out[0] == out[1] and "附件2" in out[0], out  # two files and the total


def test_help_lists_every_command_in_order() -> None:
    res = CliRunner().invoke(app, ["--help"])
    assert res.exit_code == 0
    listed = re.findall(r"^  (\S+) ", res.output.split("Commands:")[1], re.M)  # wrapped help lines go deeper
    assert listed == list(COMMANDS)


def test_unknown_command_is_a_usage_error_naming_the_close_one() -> None:
    res = CliRunner().invoke(app, ["valdate"])
    assert res.exit_code == 2
    assert "validate" in res.output


def test_every_command_module_is_listed() -> None:
    """A module registering a command on ``app`` but missing from COMMANDS would never be loaded."""
    cli = ROOT / "src" / "certctl" / "cli"
    decorator = re.compile(r"^(@app\.command\(|app\.add_typer\()", re.M)
    registering = {p.stem for p in cli.glob("*.py") if decorator.search(p.read_text("utf-8"))}
    assert registering == set(COMMANDS)
