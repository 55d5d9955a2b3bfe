"""One command style (issue 14): the same option name for the same thing in every command, -h and
--version, one date parser, --format json wherever a command prints a document, old spellings still
accepted, and help that reads at 80 columns (no line wider, no word cut)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer.main
from rich.cells import cell_len
from typer.testing import CliRunner

from certctl import __version__
from certctl.cli import app
from certctl.cli.helpfmt import wrap
from certctl.samples import write_form
from test_merge import AS_OF, A, P, a1, meta

# the thing -> the one spelling every command uses for it
CANON = {
    "config": ("-c", "--config"),
    "lang": ("--lang",),
    "as_of": ("--as-of",),
    "output": ("-o", "--output"),
    "format": ("-f", "--format"),
    "quiet": ("-q", "--quiet"),
    "show_id": ("--show-id",),
    "cache": ("--cache",),
    "log_file": ("--log-file",),
    "lock_timeout": ("--lock-timeout",),
}
# old spellings: accepted, never shown in help
OLD = {"--out", "--dir", "-d", "--wait", "--json"}
# commands reading the forms folder take it as their first argument
FORMS_DIR_COMMANDS = ("merge", "overdue", "report", "cleanup")
# commands printing a document a script may read
JSON_COMMANDS = ("validate", "merge", "overdue", "report", "cleanup", "rules", "deadline", "calendar")


def _commands() -> dict[str, object]:
    group = typer.main.get_command(app)
    ctx = typer.Context(group)
    out = {}
    for name in group.list_commands(ctx):  # type: ignore[attr-defined]
        cmd = out[name] = group.get_command(ctx, name)  # type: ignore[attr-defined]
        for sub, subcmd in getattr(cmd, "commands", {}).items():
            out[f"{name} {sub}"] = subcmd
    return out


def _options(cmd: object) -> list[object]:
    return [p for p in cmd.params if p.param_type_name == "option"]  # type: ignore[attr-defined]


def test_same_option_names_for_the_same_things() -> None:
    seen: dict[str, set[str]] = {}
    for name, cmd in _commands().items():
        for p in _options(cmd):
            names = set(p.opts)
            if p.hidden:
                assert names <= OLD, (name, p.opts)  # a hidden option is only ever an old spelling
                continue
            assert not names & OLD, (name, p.opts)
            for thing, spelling in CANON.items():
                if names & set(spelling):
                    assert names == set(spelling), f"{name}: {p.opts} should be {spelling}"
                    assert p.name == thing or (thing, p.name) in {("output", "out"), ("format", "fmt")}, (name, p.name)
                    seen.setdefault(thing, set()).add(name)
    assert seen["config"] >= {"validate", "merge", "overdue", "report", "deadline", "calendar"}
    assert seen["as_of"] >= {"merge", "overdue", "report", "calendar"}
    assert seen["lock_timeout"] >= {"merge", "overdue", "report"}
    assert seen["output"] >= {"merge", "overdue", "report", "template"}
    assert set(JSON_COMMANDS) <= seen["format"]


def test_forms_folder_is_the_first_argument() -> None:
    cmds = _commands()
    for name in FORMS_DIR_COMMANDS:
        args = [p for p in cmds[name].params if p.param_type_name == "argument"]  # type: ignore[attr-defined]
        assert args and args[0].metavar == "FORMS_DIR", name


def test_format_json_everywhere() -> None:
    cmds = _commands()
    for name in JSON_COMMANDS:
        fmt = next(p for p in _options(cmds[name]) if "--format" in p.opts)
        assert "json" in [c.value for c in fmt.type_descriptor.annotation], name


def test_deadline_json() -> None:
    res = CliRunner().invoke(app, ["deadline", "2024年4月30日", "3", "-f", "json", "--explain"])
    doc = json.loads(res.output)
    assert doc["due"] == "2024-05-08" and doc["date"] == "2024-04-30" and doc["n"] == 3
    assert sum(d["counted"] for d in doc["days"]) == 3


def test_calendar_json() -> None:
    doc = json.loads(CliRunner().invoke(app, ["calendar", "-f", "json", "--as-of", "2024-06-05"]).output)
    assert doc["years"][0]["source"].startswith("chinese-calendar") and doc["years"][0]["first"] == 2004


def test_help_and_version() -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"certctl {__version__}"
    for name in [*_commands(), ""]:
        short = runner.invoke(app, [*name.split(), "-h"])
        assert short.exit_code == 0, (name, short.output)
        assert short.output == runner.invoke(app, [*name.split(), "--help"]).output
        assert short.output.startswith("用法 Usage: certctl")
        assert "选项 Options:" in short.output and "显示本帮助并退出" in short.output


def test_help_fits_80_columns_without_cutting_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    runner = CliRunner()
    for name, cmd in _commands().items():
        out = runner.invoke(app, [*name.split(), "-h"], terminal_width=80).output
        wide = [ln for ln in out.splitlines() if cell_len(ln) > 80]
        assert not wide, (name, wide)
        texts = [cmd.help or ""] + [p.help or "" for p in cmd.params if not getattr(p, "hidden", False)]  # type: ignore[attr-defined]
        flat = " ".join(out.split())
        for word in {w for t in texts for w in re.findall(r"[A-Za-z][A-Za-z0-9_'-]{2,}", t)}:
            assert word in flat, (name, word)  # a Latin word cut over two lines would be missing


def test_command_list_has_no_space_inside_chinese_text() -> None:
    """A docstring wraps its Chinese text anywhere; the command list joins those lines without a space."""
    out = CliRunner().invoke(app, ["-h"], terminal_width=200).output
    listed = out[out.index("Commands"):]
    assert "、专项清理工作总结草稿" in listed
    assert not re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef] [\u4e00-\u9fff]", listed), listed


def test_wrap_never_splits_a_date_or_number() -> None:
    text = "截止日期（默认今天），如 2024-06-05、2024/6/5、2024.6.5、2024年6月5日，证件号码 61102622004，身份证 611026199001013134。"
    for width in range(22, 60):  # the longest piece (an ID and its 。) is 20 cells
        lines = wrap(text, width)
        assert all(cell_len(ln) <= width for ln in lines)
        joined = "\n".join(lines)
        for token in ("2024-06-05", "2024/6/5", "2024.6.5", "2024年6月5日", "61102622004", "611026199001013134"):
            assert token in joined, (width, token, lines)
        assert not any(ln.startswith(("，", "。", "、", "）")) for ln in lines)


def _forms(root: Path) -> Path:
    write_form(root / "a.xlsx", "annex1", [a1(P[1], "QD0001")], meta(A))
    return root


def test_merge_takes_the_chinese_date_and_the_old_spellings(tmp_path: Path) -> None:
    forms = _forms(tmp_path / "f")
    y, m, d = (int(x) for x in AS_OF.split("-"))
    r = CliRunner().invoke(app, ["merge", str(forms), "-o", str(tmp_path / "l.xlsx"), "--as-of", f"{y}年{m}月{d}日",
                                 "--lock-timeout", "1", "-q"])
    assert r.exit_code in (0, 1), r.output
    r = CliRunner().invoke(app, ["merge", str(forms), "-o", str(tmp_path / "l.xlsx"), "--as-of", "2024-02-30"])
    assert r.exit_code == 2 and "不存在" in r.output
    r = CliRunner().invoke(app, ["merge", str(forms), "-o", str(tmp_path / "l2.xlsx"), "--as-of", AS_OF, "--wait", "1", "-q"])
    assert r.exit_code in (0, 1), r.output


def test_old_spellings_of_overdue_report_rules(tmp_path: Path) -> None:
    forms = _forms(tmp_path / "f")
    runner = CliRunner()
    new = runner.invoke(app, ["overdue", str(forms), "--as-of", AS_OF, "-f", "json", "--no-cache"])
    old = runner.invoke(app, ["overdue", "--dir", str(forms), "--as-of", AS_OF, "-f", "json", "--no-cache"])
    assert new.exit_code == old.exit_code and json.loads(new.output) == json.loads(old.output)
    r = runner.invoke(app, ["report", str(forms), "--out", str(tmp_path / "r"), "--as-of", AS_OF, "-f", "json"])
    assert r.exit_code in (0, 1), r.output
    assert all(Path(p).is_file() for p in json.loads(r.output)["written"])
    assert runner.invoke(app, ["report", str(forms), "--as-of", AS_OF]).exit_code == 2  # no output folder
    assert json.loads(runner.invoke(app, ["rules", "--json"]).output) == \
        json.loads(runner.invoke(app, ["rules", "--format", "json"]).output)


@pytest.mark.parametrize("args, zh", [
    (["merge", "--bogus"], "错误：没有选项 --bogus"),
    (["overdue", "--as-of"], "错误：选项 --as-of 后面缺少值"),
    (["deadline", "2024-06-03"], "错误：缺少参数 N"),
    (["frob"], "错误：没有命令 frob"),
    (["overdue", "-f", "xml"], "无效，可选"),
])
def test_usage_errors_in_chinese(args: list[str], zh: str) -> None:
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2
    assert zh in res.output and "帮助：certctl" in res.output
    en = CliRunner().invoke(app, [*args, "--lang", "en"] if args[0] != "frob" else args)
    assert en.exit_code == 2
