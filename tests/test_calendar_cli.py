"""`certctl calendar` and `certctl calendar import`, and the warning that next year is not known yet."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import chinese_calendar as cc
import pytest
from typer.testing import CliRunner

from certctl.calendar_file import update_text
from certctl.cli import app
from certctl.config import load_config, make_calendar
from certctl.workdays import CC_MAX_YEAR, WorkCalendar, calendar_notice

FIXTURES = Path(__file__).parent / "fixtures" / "holiday_notices"
ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
D = dt.date
NEXT = CC_MAX_YEAR + 1  # the year chinese-calendar does not know yet

# the synthetic notice is for 2027, the first year chinese-calendar 1.11.0 does not know; once an upgrade
# knows 2027 these tests would compare against it instead, so they are skipped then
needs_2027_unknown = pytest.mark.skipif(NEXT != 2027, reason="chinese-calendar now knows 2027")


def notice(name: str) -> str:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("#")) + "\n"


def run(*args: str, input: str | None = None, cwd: Path | None = None):  # type: ignore[no-untyped-def]
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(app, list(args), input=input)
    finally:
        os.chdir(old)


USER_TOML = """\
# 启东市司法局 certctl 设置（手工维护，请勿删除本注释）
lang = "zh"            # 界面语言
forms_dir = "报送表格"

[deadlines]
report_days = 3        # 启东 二
survey_due = 2024-06-05

# 2030 年的安排是试填的
[calendar.2030]
holidays = [2030-01-01]

[rules]
disable = ["I012"]     # 本局不查
"""


# ------------------------------------------------------------------------------ import
@needs_2027_unknown
def test_import_from_stdin_with_yes_writes_a_config_the_loader_accepts(tmp_path: Path) -> None:
    r = run("calendar", "import", "-", "--yes", input=notice("2027-synthetic.txt"), cwd=tmp_path)
    assert r.exit_code == 0, r.output
    assert "已写入" in r.stdout and "[calendar.2027]" in r.stdout
    assert "共8天 ✓" in r.stdout and "2月5日（周五）至12日（周五）" in r.stdout and "6=4+2 ✓" in r.stdout
    cfg = load_config(tmp_path / "certctl.toml")
    year = cfg.calendar[2027]
    assert D(2027, 10, 7) in year.holidays and D(2027, 10, 9) in year.workdays
    assert year.names[D(2027, 2, 5)] == "春节"
    cal = make_calendar(cfg)
    assert cal.source(2027) == "config"
    assert not cal.is_workday(D(2027, 10, 1)) and cal.is_workday(D(2027, 10, 9))
    assert cal.add_workdays(D(2027, 9, 30), 1) == D(2027, 10, 8)
    assert cal.day_kind(D(2027, 6, 9)) == (False, "端午节")
    # the next run says nothing about 2027 any more
    r = run("deadline", "2026-12-30", "30", cwd=tmp_path)
    assert r.exit_code == 0 and r.stdout == "2027-02-18\n" and r.stderr == ""


@needs_2027_unknown
def test_existing_config_keeps_its_comments_and_settings(tmp_path: Path) -> None:
    toml = tmp_path / "certctl.toml"
    toml.write_text(USER_TOML, encoding="utf-8")
    toml.chmod(0o600)
    before = tomllib.loads(USER_TOML)
    r = run("calendar", "import", "-", "-y", input=notice("2027-synthetic.txt"), cwd=tmp_path)
    assert r.exit_code == 0, r.output
    text = toml.read_text(encoding="utf-8")
    assert text.startswith(USER_TOML.rstrip("\n"))  # every line of the user's file, in place
    after = tomllib.loads(text)
    assert {k: v for k, v in after.items() if k != "calendar"} == {k: v for k, v in before.items() if k != "calendar"}
    assert after["calendar"]["2030"] == before["calendar"]["2030"]
    assert stat.S_IMODE(toml.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    cfg = load_config(toml)
    assert cfg.forms_dir == "报送表格" and cfg.rules.disable == ["I012"] and 2027 in cfg.calendar


@needs_2027_unknown
def test_a_hand_typed_year_is_replaced_in_place(tmp_path: Path) -> None:
    toml = tmp_path / "certctl.toml"
    toml.write_text(
        'lang = "zh"\n\n[calendar.2027]\n# 手工填的，有错\nholidays = [2027-01-01, 2027-10-08]\nworkdays = []\n\n'
        '[calendar.2027.names]\n"2027-01-01" = "元旦"\n\n# 规则\n[rules]\ndisable = []\n',
        encoding="utf-8")
    r = run("calendar", "import", "-", "--yes", input=notice("2027-synthetic.txt"), cwd=tmp_path)
    assert r.exit_code == 0, r.output
    assert "不同" in r.stdout  # the table says how many days the import changes
    text = toml.read_text(encoding="utf-8")
    assert text.count("[calendar.2027]") == 1 and text.count("[calendar.2027.names]") == 1
    assert "2027-10-08" not in text.split("[calendar.2027.names]")[0]
    assert text.index("[calendar.2027]") < text.index("# 规则") < text.index("[rules]")
    cfg = load_config(toml)
    assert D(2027, 10, 8) not in cfg.calendar[2027].holidays and cfg.rules.disable == []
    # importing the same notice again changes nothing
    r = run("calendar", "import", "-", "--yes", input=notice("2027-synthetic.txt"), cwd=tmp_path)
    assert r.exit_code == 0 and "无需改动" in r.stdout
    assert toml.read_text(encoding="utf-8") == text


@needs_2027_unknown
def test_bom_and_crlf_are_kept(tmp_path: Path) -> None:
    toml = tmp_path / "certctl.toml"
    toml.write_bytes(b"\xef\xbb\xbf" + 'lang = "zh"\r\n[deadlines]\r\nreport_days = 3\r\n'.encode("utf-8"))
    src = tmp_path / "通知.txt"
    src.write_text(notice("2027-synthetic.txt"), encoding="utf-8")
    r = run("calendar", "import", str(src), "--yes", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    data = toml.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\n" not in data.replace(b"\r\n", b"")
    assert 2027 in load_config(toml).calendar


@needs_2027_unknown
def test_without_yes_and_no_terminal_nothing_is_written(tmp_path: Path) -> None:
    toml = tmp_path / "certctl.toml"
    toml.write_text(USER_TOML, encoding="utf-8")
    r = run("calendar", "import", "-", input=notice("2027-synthetic.txt"), cwd=tmp_path)
    assert r.exit_code == 2
    assert "春节" in r.stdout  # the table is shown
    assert "--yes" in r.stderr and "未写入" in r.stderr
    assert toml.read_text(encoding="utf-8") == USER_TOML


@needs_2027_unknown
def test_unreadable_notice_exits_2_naming_the_sentence(tmp_path: Path) -> None:
    bad = notice("2027-synthetic.txt").replace("共8天", "共7天")
    r = run("calendar", "import", "-", "--yes", input=bad, cwd=tmp_path)
    assert r.exit_code == 2
    assert "2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共7天。" in r.stderr
    assert "不会猜测" in r.stderr and "Traceback" not in r.output
    assert not (tmp_path / "certctl.toml").exists()
    r = run("calendar", "import", "-", "--yes", "--lang", "en", input=bad, cwd=tmp_path)
    assert r.exit_code == 2 and "states 7 days" in r.stderr


@needs_2027_unknown
def test_missing_file_and_binary_input_exit_2(tmp_path: Path) -> None:
    r = run("calendar", "import", "nope.txt", "--yes", cwd=tmp_path)
    assert r.exit_code == 2 and "nope.txt" in r.stderr
    (tmp_path / "x.xlsx").write_bytes(bytes(range(256)) * 4)
    r = run("calendar", "import", "x.xlsx", "--yes", cwd=tmp_path)
    assert r.exit_code == 2 and "Traceback" not in r.output


@needs_2027_unknown
def test_a_year_the_library_has_is_left_alone(tmp_path: Path) -> None:
    r = run("calendar", "import", "-", "--yes", input=notice("2026.txt"), cwd=tmp_path)
    assert r.exit_code == 0, r.output
    assert "逐日一致" in r.stdout and "无需改动" in r.stdout
    assert not (tmp_path / "certctl.toml").exists()


@needs_2027_unknown
def test_a_config_it_cannot_rewrite_is_left_unchanged(tmp_path: Path) -> None:
    toml = tmp_path / "certctl.toml"
    original = 'calendar = { 2027 = { holidays = [2027-01-01] } }\n'
    toml.write_text(original, encoding="utf-8")
    r = run("calendar", "import", "-", "--yes", input=notice("2027-synthetic.txt"), cwd=tmp_path)
    assert r.exit_code == 2 and "未改动" in r.stderr
    assert toml.read_text(encoding="utf-8") == original


@needs_2027_unknown
def test_new_year_reaching_back_into_a_known_december(tmp_path: Path) -> None:
    # made up: 元旦 2027 from Thursday 2026-12-31, a working day in chinese-calendar's 2026
    text = notice("2027-synthetic.txt").replace(
        "1月1日（周五）至3日（周日）放假，共3天。",
        "12月31日（周四）至1月3日（周日）放假调休，共4天。1月9日（周六）上班。")
    r = run("calendar", "import", "-", "--yes", input=text, cwd=tmp_path)
    assert r.exit_code == 0, r.output
    cfg = load_config(tmp_path / "certctl.toml")
    assert set(cfg.calendar) == {2026, 2027}
    cal = make_calendar(cfg)
    for i in range(365):
        d = D(2026, 1, 1) + dt.timedelta(days=i)
        assert cal.is_workday(d) == (cc.is_workday(d) and d != D(2026, 12, 31)), d
    assert cal.day_kind(D(2026, 10, 1)) == (False, "国庆节")


@needs_2027_unknown
def test_new_year_reaching_back_into_an_unknown_december_is_refused(tmp_path: Path) -> None:
    text = (  # a made-up 2028 notice (items only, --year); its 元旦 starts on 2027-12-31, and 2027 is not known
        "一、元旦：12月31日至1月2日放假调休，共3天。\n二、春节：1月24日至27日放假，共4天。\n"
        "三、清明节：4月3日放假，与周末连休。\n四、劳动节：5月1日至2日放假，共2天。\n"
        "五、端午节：5月29日放假，与周末连休。\n六、国庆节、中秋节：10月2日至5日放假，共4天。\n")
    r = run("calendar", "import", "-", "--yes", "--year", "2028", input=text, cwd=tmp_path)
    assert r.exit_code == 2 and "请先导入 2027 年的通知" in r.stderr
    assert not (tmp_path / "certctl.toml").exists()


def test_update_text_appends_or_replaces_only_that_year() -> None:
    table = "[calendar.2027]\nholidays = [2027-01-01]\nworkdays = []\n"
    assert update_text("", {2027: table}) == table
    text = "a = 1\n[calendar.2026]\nholidays = []\n"
    assert update_text(text, {2027: table}) == text + "\n" + table
    replaced = update_text("a = 1\n\n[ calendar . \"2027\" ]\nholidays = []\n\n# next\n[b]\nc = 2\n", {2027: table})
    assert replaced == "a = 1\n\n" + table + "\n# next\n[b]\nc = 2\n"


# ------------------------------------------------------------------------------ certctl calendar
@needs_2027_unknown
def test_calendar_lists_the_sources(tmp_path: Path) -> None:
    r = run("calendar", "--as-of", "2026-10-31", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    assert f"2004–{CC_MAX_YEAR}" in r.stdout and "chinese-calendar" in r.stdout
    assert "周一至周五" in r.stdout and "注意" not in r.stdout
    r = run("calendar", "--as-of", "2026-11-01", cwd=tmp_path)
    assert "注意：2027 年的节假日安排尚未导入" in r.stdout and "certctl calendar import" in r.stdout
    (tmp_path / "certctl.toml").write_text(USER_TOML, encoding="utf-8")
    run("calendar", "import", "-", "--yes", input=notice("2027-synthetic.txt"), cwd=tmp_path)
    r = run("calendar", "--as-of", "2026-12-02", "--lang", "en", cwd=tmp_path)
    assert "certctl.toml [calendar.2027]" in r.stdout and "certctl.toml [calendar.2030]" in r.stdout
    assert "28 days off" in r.stdout and "Note" not in r.stdout


def test_help_lists_calendar() -> None:
    r = CliRunner().invoke(app, ["--help"])
    assert "calendar" in r.stdout
    r = CliRunner().invoke(app, ["calendar", "import", "--help"])
    assert r.exit_code == 0 and "--yes" in r.stdout and "[calendar." in r.stdout


# ------------------------------------------------------------------------------ the November warning
@needs_2027_unknown
def test_notice_only_from_1_november_and_only_while_next_year_is_missing() -> None:
    cal = WorkCalendar()
    assert calendar_notice(D(2026, 10, 31), cal) is None
    note = calendar_notice(D(2026, 11, 1), cal)
    assert note is not None and "2027" in note and "certctl calendar import" in note
    assert "2027" in (calendar_notice(D(2026, 12, 31), cal, "en") or "")
    assert calendar_notice(D(2026, 11, 1), WorkCalendar({2027: {"holidays": ["2027-01-01"]}})) is None
    assert "2027" in (calendar_notice(D(2027, 3, 1), cal) or "")  # the year itself unknown: always


@needs_2027_unknown
def test_calendar_with_as_of_says_it_once_and_not_again_as_a_fallback() -> None:
    seen: list[str] = []
    cal = WorkCalendar(warn=seen.append, as_of=D(2026, 11, 20))
    assert len(seen) == 1 and seen[0].startswith("警告：2027 年的节假日安排尚未导入")
    cal.add_workdays(D(2026, 12, 28), 20)  # walks into 2027, which falls back to Monday–Friday
    assert len(seen) == 1 and cal.fallback_years == [2027]
    assert WorkCalendar(warn=seen.append, as_of=D(2026, 6, 1)).warnings == []


def proc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-c", "from certctl.cli import main; main()", *args],
                          capture_output=True, text=True, encoding="utf-8", cwd=cwd, env=env, timeout=120)


@needs_2027_unknown
def test_deadline_warns_from_november_of_its_date(tmp_path: Path) -> None:
    p = proc("deadline", "2026-11-02", "3", cwd=tmp_path)
    assert p.returncode == 0 and p.stdout == "2026-11-05\n"
    assert p.stderr.count("警告") == 1 and "certctl calendar import" in p.stderr
    p = proc("deadline", "2026-10-30", "3", cwd=tmp_path)
    assert p.stderr == ""


@needs_2027_unknown
def test_overdue_and_report_say_it_once_and_the_report_shows_it(tmp_path: Path) -> None:
    forms = ROOT / "examples" / "ledger"
    p = proc("overdue", "--dir", str(forms), "--as-of", "2026-11-02", "--no-cache", cwd=tmp_path)
    assert p.returncode in (0, 1), p.stderr
    assert p.stderr.count("2027 年的节假日安排尚未导入") == 1
    out = tmp_path / "reports"
    p = proc("report", "--dir", str(forms), "--as-of", "2026-11-02", "-o", str(out), "--quiet", cwd=tmp_path)
    assert p.returncode in (0, 1), p.stderr
    assert p.stderr.count("2027 年的节假日安排尚未导入") == 1
    txt = (out / "证件管理报告-2026-11-02.txt").read_text(encoding="utf-8")
    assert "2027 年的节假日安排尚未导入" in txt and "certctl calendar import" in txt
    from openpyxl import load_workbook

    ws = load_workbook(out / "证件管理报告-2026-11-02.xlsx").active
    assert any("2027 年的节假日安排尚未导入" in str(c.value) for c in ws["A"] if c.value)
    p = proc("report", "--dir", str(forms), "--as-of", "2024-06-05", "-o", str(out), "--quiet", cwd=tmp_path)
    assert "2027" not in (out / "证件管理报告-2024-06-05.txt").read_text(encoding="utf-8")


@needs_2027_unknown
def test_merge_says_it_once(tmp_path: Path) -> None:
    forms = ROOT / "examples" / "ledger"
    p = proc("merge", str(forms), "-o", str(tmp_path / "台账.xlsx"), "--as-of", "2026-12-02", "--no-cache", "-q",
             cwd=tmp_path)
    assert p.returncode in (0, 1), p.stderr
    assert p.stderr.count("2027 年的节假日安排尚未导入") == 1
