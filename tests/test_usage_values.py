"""An invalid option value (``--lock-timeout -1``) was said in pydantic's English even on the Chinese line
("错误：'--lock-timeout' 的值无效：Input should be greater than or equal to 0"): now in Chinese there."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from certctl.cli import app


def _chinese_line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("错误："))


@pytest.mark.parametrize("command", [["merge", "ledger"], ["overdue", "ledger"], ["report", "ledger", "-o", "out"]])
@pytest.mark.parametrize("value, zh", [("-1", "应大于或等于 0"), ("abc", "应为数字"), ("nan", "应大于或等于 0")])
def test_an_invalid_lock_timeout_is_said_in_chinese(command: list[str], value: str, zh: str) -> None:
    r = CliRunner().invoke(app, [*command, "--lock-timeout", value])
    assert r.exit_code == 2, r.output
    line = _chinese_line(r.output)
    assert line == f"错误：'--lock-timeout' 的值无效：{zh}" or line.startswith(f"错误：'--lock-timeout' 的值无效：{zh}，"), line
    assert not re.search(r"[A-Za-z]{3,}", line.replace("--lock-timeout", "")), line
    en = CliRunner().invoke(app, [*command, "--lock-timeout", value, "--lang", "en"])
    assert en.exit_code == 2 and "Error: Invalid value for '--lock-timeout': Input should be" in en.output, en.output
    assert "错误" not in en.output, en.output
