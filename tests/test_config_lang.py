"""A bad certctl.toml was said in both languages at once ("配置文件错误 / bad config: … 配置文件不存在 (config file
not found)"): now in the run's language, Chinese unless --lang en, as every other message; still exit 2."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from certctl.cli import app

EXAMPLES = Path(__file__).parent.parent / "examples"
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def bureau(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(EXAMPLES / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    return tmp_path


CASES = [
    (None, "配置文件不存在", "config file not found"),
    ('[deadlines]\nreport_days = "x"\n', '必须是正整数，现为 "x"（第 2 行）', 'must be a positive integer, got "x" (line 2)'),
    ("[deadlines]\nreport_dayz = 3\n", "未知的配置项；是否应为 'report_days'？", "unknown key; did you mean 'report_days'?"),
    ("[deadlines\n", "TOML 语法错误", "TOML syntax error at line 1"),
    ('[rules]\ndisable = ["X999"]\n', "没有编号为", "no rule has the code"),
]


@pytest.mark.parametrize("command", [["overdue", "ledger"], ["merge", "ledger"]])
@pytest.mark.parametrize("text, zh, en", CASES)
def test_a_bad_config_is_said_in_the_runs_language(bureau: Path, command: list[str], text: str | None, zh: str,
                                                    en: str) -> None:
    config = bureau / ("certctl.toml" if text is not None else "nope.toml")
    if text is not None:
        config.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(app, [*command, "--config", str(config)])
    assert r.exit_code == 2, r.output
    assert f"配置文件错误：{config}: " in r.output and zh in r.output, r.output
    assert en not in r.output and "bad config" not in r.output, r.output
    r = CliRunner().invoke(app, [*command, "--config", str(config), "--lang", "en"])
    assert r.exit_code == 2, r.output
    assert f"bad config: {config}: " in r.output and en in r.output, r.output
    assert not HAN.search(r.output), r.output
