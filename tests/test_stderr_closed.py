"""Started with standard error closed (``2>&-`` in a cron line or a service unit, pythonw on Windows):
merge and validate did nothing but exit 2 with "内部错误（AttributeError: 'NoneType' object has no attribute
'isatty'）" — on stdout, and without writing the ledger. Now every command runs as usual; what it would
have said on stderr is lost, as asked, and the exit status is the usual one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.builders import annex_row, build

CERTCTL = str(Path(sys.executable).parent / "certctl")
AS_OF = "2024-06-05"


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("closed") / "ledger"
    build(root, "annex2", [annex_row("annex2", 1), annex_row("annex2", 2, sex="未知")], name="城管局/附件2.xlsx")
    return root


@pytest.mark.parametrize("cmd", ["merge", "validate", "overdue", "report"])
def test_every_command_runs_with_stderr_closed(forms: Path, tmp_path: Path, cmd: str) -> None:
    args = {"merge": ["merge", str(forms), "-o", str(tmp_path / "台账.xlsx"), "--as-of", AS_OF],
            "validate": ["validate", str(forms)],
            "overdue": ["overdue", str(forms), "--as-of", AS_OF],
            "report": ["report", str(forms), "-o", str(tmp_path / "r"), "--as-of", AS_OF]}[cmd]
    p = subprocess.run([CERTCTL, *args], stdout=subprocess.PIPE, text=True, timeout=120,
                       env={**os.environ, "NO_COLOR": "1"}, preexec_fn=lambda: os.close(2))
    assert "内部错误" not in p.stdout and "Traceback" not in p.stdout, p.stdout
    assert p.returncode in (0, 1), (p.returncode, p.stdout)
    if cmd == "merge":
        assert (tmp_path / "台账.xlsx").is_file()
