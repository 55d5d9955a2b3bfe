"""``certctl calendar import`` started with standard input closed (``<&-``, a service or a scheduled task
without one): said in one line, exit 2, nothing written — it was "内部错误（AttributeError: 'NoneType' object
has no attribute 'isatty'）"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from certctl.workdays import CC_MAX_YEAR

CERTCTL = str(Path(sys.executable).parent / "certctl")
NOTICE = Path(__file__).parent / "fixtures" / "holiday_notices" / "2027-synthetic.txt"


def closed_stdin(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([CERTCTL, *args], capture_output=True, text=True, timeout=120, env=env, cwd=cwd,
                          stdin=None, preexec_fn=lambda: os.close(0))


@pytest.mark.parametrize("lang,said", [("zh", "标准输入已关闭"), ("en", "standard input is closed")])
def test_notice_from_a_closed_stdin(tmp_path: Path, lang: str, said: str) -> None:
    p = closed_stdin("calendar", "import", "-", "--yes", "--lang", lang, cwd=tmp_path)
    assert p.returncode == 2 and said in p.stderr, p.stderr
    assert "内部错误" not in p.stderr and "internal error" not in p.stderr
    assert not (tmp_path / "certctl.toml").exists()


@pytest.mark.skipif(CC_MAX_YEAR + 1 != 2027, reason="chinese-calendar now knows 2027: nothing to confirm")
def test_not_confirmed_with_stdin_closed(tmp_path: Path) -> None:
    """A notice file, no --yes, nobody to ask: not written, and the message says to add --yes."""
    p = closed_stdin("calendar", "import", str(NOTICE), cwd=tmp_path)
    assert p.returncode == 2 and "--yes" in p.stderr and "内部错误" not in p.stderr, p.stderr
    assert not (tmp_path / "certctl.toml").exists()
