"""`--lang en` switches the help to English, wherever it stands on the command line; Chinese stays the
default. Every command has its English help (cli/help_en.py), as every command has its Chinese one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main
from rich.cells import cell_len
from typer.testing import CliRunner

from certctl.cli import app
from certctl.cli.help_en import EN_HELP
from certctl.cli.helpfmt import english_part
from certctl.samples import write_form

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _commands() -> dict[str, object]:
    """Every command by its path below certctl ("" for certctl itself, "calendar import" …)."""
    group = typer.main.get_command(app)
    ctx = typer.Context(group)
    out: dict[str, object] = {"": group}
    for name in group.list_commands(ctx):  # type: ignore[attr-defined]
        cmd = out[name] = group.get_command(ctx, name)  # type: ignore[attr-defined]
        for sub, subcmd in getattr(cmd, "commands", {}).items():
            out[f"{name} {sub}"] = subcmd
    return out


COMMANDS = sorted(_commands())


def _help(args: list[str]) -> str:
    res = CliRunner().invoke(app, args, terminal_width=80)
    assert res.exit_code == 0, (args, res.output)
    return res.output


def test_every_command_has_its_english_help() -> None:
    names = {getattr(cmd, "name") for cmd in _commands().values()}
    assert names - set(EN_HELP) == set(), "commands without English help in cli/help_en.py"
    assert set(EN_HELP) - names == set(), "English help of commands that do not exist"


@pytest.mark.parametrize("path", COMMANDS)
def test_english_help_is_english_wherever_lang_stands(path: str) -> None:
    words = path.split()
    shown = _help([*words, "-h", "--lang", "en"])
    for args in ([*words, "--lang=en", "--help"], ["--lang", "en", *words, "-h"], [*words, "--lang", "en", "-h"]):
        assert _help(args) == shown, args
    assert shown.startswith(f"Usage: certctl {path}".rstrip())
    assert "Options:" in shown and "show this help and exit" in shown
    assert not re.search("用法|选项|参数|命令|显示本帮助|默认：", shown)
    cjk = len(CJK.findall(shown))
    assert cjk <= 0.05 * len(re.findall(r"[A-Za-z]", shown)), (path, cjk)  # a column or file name, no more
    cmd = _commands()[path]
    flat = " ".join(shown.split())
    assert " ".join(EN_HELP[getattr(cmd, "name")].split()[:6]) in flat
    for p in getattr(cmd, "params"):
        if getattr(p, "help", None) and not getattr(p, "hidden", False):
            english = english_part(p.help)
            assert english != p.help and not CJK.search(english.split("(")[0]), (path, p.help)
            assert " ".join(english.split()) in flat, (path, english)
    assert not [ln for ln in shown.splitlines() if cell_len(ln) > 80], path


@pytest.mark.parametrize("path", COMMANDS)
def test_english_help_keeps_a_chinese_name_on_one_line(path: str) -> None:
    """In English help a Chinese run is a name (变动记录, 专项清理工作总结草稿-DATE.md, 注销表.xlsx): at 80
    columns it is never broken between two of its characters, as an English word is not."""
    shown = _help([*path.split(), "-h", "--lang", "en"])
    lines = shown.splitlines()
    joined = "".join(shown.split())
    for name in set(re.findall(r"[\u4e00-\u9fff]{2,}", EN_HELP[getattr(_commands()[path], "name")])):
        if name in joined:
            assert any(name in ln for ln in lines), (path, name, shown)


@pytest.mark.parametrize("path", COMMANDS)
def test_chinese_help_stays_the_default(path: str) -> None:
    shown = _help([*path.split(), "-h"])
    assert shown.startswith("用法 Usage: certctl") and "选项 Options:" in shown and "显示本帮助并退出" in shown
    assert shown == _help([*path.split(), "-h", "--lang", "zh"])
    assert CJK.search(shown.split("\n\n")[1])  # the command's text in Chinese first


def test_the_command_list_in_english_is_each_command_s_first_english_sentence() -> None:
    shown = _help(["--lang", "en", "-h"])
    listed = " ".join(shown[shown.index("Commands:"):].split())
    assert "validate Validate forms: every problem, cell by cell." in listed
    assert "rules List every rule with its code, severity, description, rule set and source." in listed
    assert not CJK.search(listed.replace("证件管理报告", ""))


def test_certctl_lang_en_alone_is_the_english_help() -> None:
    res = CliRunner().invoke(app, ["--lang", "en"])
    plain = CliRunner().invoke(app, [])
    assert res.exit_code == plain.exit_code
    assert res.output.startswith("Usage: certctl") and "错误" not in res.output
    assert plain.output.startswith("用法 Usage: certctl") and "错误" not in plain.output  # the help, not an error


def test_lang_before_the_command_is_the_command_s_language(tmp_path: Path) -> None:
    from fixtures.builders import META, annex_row

    form = write_form(tmp_path / "附件1.xlsx", "annex1", [annex_row("annex1", 0)], META)
    en = CliRunner().invoke(app, ["--lang", "en", "validate", "-q", str(form)])
    zh = CliRunner().invoke(app, ["validate", "-q", str(form)])
    assert en.exit_code == zh.exit_code == 0
    assert "annex 1 (system entry), 1 row, 0 errors" in en.output and "附件1 备案表，1 行" in zh.output
    bad = CliRunner().invoke(app, ["--lang", "en", "validate", "--bogus"])
    assert bad.exit_code == 2 and "Error: No such option: --bogus" in bad.output and "错误" not in bad.output
