"""`certctl deadline` through Typer's CliRunner and as a real process (exit codes, streams)."""

from __future__ import annotations

import re

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from certctl.cli import app

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(autouse=True)
def _clean_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # never pick up a certctl.toml from the repo


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["deadline", *args])


def out_err(result) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    return result.stdout, getattr(result, "stderr", "")


@pytest.mark.parametrize(
    "text", ["2024-04-30", "2024/4/30", "2024.4.30", "2024年4月30日", "20240430"]
)
def test_date_formats_and_stdout_is_only_the_date(text: str) -> None:
    result = run(text, "3")
    assert result.exit_code == 0, result.output
    assert result.stdout == "2024-05-08\n"  # 05-01..05-05 劳动节


def test_makeup_sunday_counts() -> None:
    result = run("2024-04-26", "3")
    assert result.stdout == "2024-04-30\n"


def test_national_day_2026() -> None:
    assert run("2026-09-30", "3").stdout == "2026-10-10\n"


def test_explain_table() -> None:
    result = run("2024-04-26", "3", "--explain")
    assert result.exit_code == 0
    out = result.stdout
    assert out.splitlines()[-1] == "2024-04-30"
    assert "调休上班" in out and "周末" in out and "跳过" in out and "计入" in out
    assert "\x1b[" not in out  # no colour when not a terminal
    may = run("2024-04-30", "1", "--explain").stdout
    assert "劳动节" in may


def test_explain_english() -> None:
    out = run("2024-04-26", "3", "--explain", "--lang", "en").stdout
    assert "makeup working day" in out and "weekend" in out and "skipped" in out


def test_zero_days_is_the_date_itself() -> None:
    assert run("2024-06-03", "0").stdout == "2024-06-03\n"


def test_unknown_year_warns_on_stderr_once() -> None:
    result = run("2026-12-30", "30", "--explain")
    assert result.exit_code == 0
    stdout, stderr = out_err(result)
    assert stdout.splitlines()[-1] == "2027-02-10"
    assert stderr.count("2027") >= 1 and stderr.count("警告") == 1
    assert "certctl.toml" in stderr
    assert "警告" not in stdout


def test_configured_year_no_warning(tmp_path: Path) -> None:
    cfg = tmp_path / "my.toml"
    cfg.write_text("[calendar.2027]\nholidays = [2027-01-01]\nworkdays = [2027-01-02]\n", encoding="utf-8")
    result = run("2026-12-31", "1", "--config", str(cfg))
    assert result.exit_code == 0
    assert result.stdout == "2027-01-02\n"
    assert out_err(result)[1] == ""


def test_config_in_cwd_is_used(tmp_path: Path) -> None:
    (tmp_path / "certctl.toml").write_text("[calendar.2027]\nholidays = [2027-01-04]\n", encoding="utf-8")
    assert run("2026-12-31", "2").stdout == "2027-01-05\n"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("2024-02-30", "3"), "不存在"),
        (("tomorrow", "3"), "无法识别的日期"),
        (("2024-06-03", "abc"), "非负整数"),
        (("2024-06-03", "1.5"), "非负整数"),
        (("2024-06-03", "3", "--lang", "fr"), "--lang"),
        (("2024-06-03", "3", "--config", "nope.toml"), "nope.toml"),
        (("9999-12-30", "30"), "超出"),
    ],
)
def test_bad_input_exit_2_chinese_message(args: tuple[str, ...], fragment: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    stdout, stderr = out_err(result)
    assert stdout == ""
    assert fragment in stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("args", [("2024-02-30", "3"), ("2024-06-03", "abc"), ("9999-12-30", "30")])
def test_bad_input_chinese_message_has_no_english_half(args: tuple[str, ...]) -> None:
    """In Chinese mode deadline's own errors are Chinese only, as every command's are (English with --lang en)."""
    zh = out_err(run(*args))[1].splitlines()[-1]
    en = out_err(run(*args, "--lang", "en"))[1].splitlines()[-1]
    assert zh.startswith("错误：") and en.startswith("error: ")
    assert en.removeprefix("error: ") not in zh, zh
    assert not re.search(r"[\u4e00-\u9fff]", en), en


def test_bad_config_names_key(tmp_path: Path) -> None:
    (tmp_path / "certctl.toml").write_text('[deadlines]\nreport_days = "abc"\n', encoding="utf-8")
    result = run("2024-06-03", "3")
    assert result.exit_code == 2
    assert "deadlines.report_days" in out_err(result)[1]


def test_help_is_bilingual() -> None:
    result = CliRunner().invoke(app, ["deadline", "--help"])
    assert result.exit_code == 0
    assert "工作日" in result.stdout and "working days" in result.stdout


# ----------------------------------------------------------------- as a real process
def proc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-c", "from certctl.cli import main; main()", "deadline", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=60,
    )


def test_process_ok(tmp_path: Path) -> None:
    p = proc("2024年4月30日", "3", cwd=tmp_path)
    assert p.returncode == 0
    assert p.stdout == "2024-05-08\n"
    assert p.stderr == ""


def test_process_explain_no_colour(tmp_path: Path) -> None:
    p = proc("2024-04-26", "3", "--explain", cwd=tmp_path)
    assert p.returncode == 0
    assert "\x1b[" not in p.stdout
    assert p.stdout.splitlines()[-1] == "2024-04-30"


@pytest.mark.parametrize(
    "args", [("2024-02-30", "3"), ("2024-06-03", "x"), ("2024-06-03", "3", "--config", "missing.toml")]
)
def test_process_errors_exit_2_without_traceback(tmp_path: Path, args: tuple[str, ...]) -> None:
    p = proc(*args, cwd=tmp_path)
    assert p.returncode == 2
    assert p.stdout == ""
    assert "Traceback" not in p.stderr
    assert "错误" in p.stderr


def test_process_bad_config_exit_2(tmp_path: Path) -> None:
    (tmp_path / "certctl.toml").write_text("[deadlines]\nbogus = 1\n", encoding="utf-8")
    p = proc("2024-06-03", "3", cwd=tmp_path)
    assert p.returncode == 2
    assert "deadlines.bogus" in p.stderr and "Traceback" not in p.stderr


def test_process_fallback_warning_on_stderr(tmp_path: Path) -> None:
    p = proc("2027-03-01", "5", cwd=tmp_path)
    assert p.returncode == 0
    assert p.stdout == "2027-03-08\n"
    assert "2027" in p.stderr and p.stderr.count("警告") == 1
