"""certctl.toml loading: defaults, the example file, and errors that name the key."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from certctl.config import Config, ConfigError, load_config, make_calendar

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str, name: str = "certctl.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def error_of(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    return info.value


def test_defaults_match_spec() -> None:
    c = Config()
    assert c.lang == "zh"
    assert c.forms_dir == "ledger"
    assert c.ledger == "台账.xlsx"
    assert c.deadlines.system_entry_days == 10
    assert c.deadlines.report_days == 3
    assert c.deadlines.due_soon_days == 3
    assert c.deadlines.survey_due == dt.date(2024, 6, 5)
    assert c.deadlines.report_due == dt.date(2024, 7, 25)
    assert c.deadlines.training_plan_due == dt.date(2024, 6, 5)
    assert c.training.annual_hours == 60
    assert c.training.new_field_hours == 20
    assert (c.age.min, c.age.warn_over) == (18, 65)
    assert c.rules.disable == []
    assert c.cert_patterns == {}
    assert c.calendar == {}


def test_missing_file_in_cwd_means_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config() == Config()


def test_cwd_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, 'lang = "en"\n[deadlines]\nreport_days = 5\n')
    monkeypatch.chdir(tmp_path)
    c = load_config()
    assert c.lang == "en" and c.deadlines.report_days == 5
    assert c.deadlines.system_entry_days == 10


def test_explicit_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="不存在"):
        load_config(tmp_path / "nope.toml")


def test_example_file_loads_and_is_the_defaults() -> None:
    assert load_config(ROOT / "certctl.example.toml") == Config()


def test_example_file_documents_every_key() -> None:
    text = (ROOT / "certctl.example.toml").read_text(encoding="utf-8")
    for name in Config.model_fields:
        assert re.search(rf"^\s*#?\s*\[?{name}\b", text, re.M), name
    for section in ("deadlines", "training", "age", "rules"):
        model = getattr(Config(), section)
        for key in type(model).model_fields:
            assert re.search(rf"^{key} = ", text, re.M), f"{section}.{key}"
    assert "[calendar.2027]" in text and "holidays" in text and "workdays" in text


def test_example_commented_calendar_block_works(tmp_path: Path) -> None:
    text = (ROOT / "certctl.example.toml").read_text(encoding="utf-8")
    uncommented = re.sub(r"^# (\[calendar\.2027\]|holidays =|workdays =|names =)", r"\1", text, flags=re.M)
    c = load_config(write(tmp_path, uncommented))
    assert dt.date(2027, 1, 1) in c.calendar[2027].holidays


def test_full_config(tmp_path: Path) -> None:
    c = load_config(write(tmp_path, """
lang = "en"
forms_dir = "收表"
ledger = "out/台账2024.xlsx"
[deadlines]
system_entry_days = 15
report_days = 5
due_soon_days = 0
survey_due = 2024-06-07
[training]
annual_hours = 40.5
[age]
min = 20
warn_over = 60
[rules]
disable = ["I012", "n002"]
[cert_patterns]
"省级" = '^苏\\d{8}$'
[calendar.2027]
holidays = [2027-01-01, 2027-10-01]
workdays = [2027-09-26]
"""))
    assert c.lang == "en" and c.forms_dir == "收表"
    assert c.deadlines.due_soon_days == 0 and c.deadlines.survey_due == dt.date(2024, 6, 7)
    assert c.training.annual_hours == 40.5
    assert c.rules.disable == ["I012", "N002"]  # as the findings spell them
    assert not c.rule_enabled("i012") and c.rule_enabled("I011")
    assert c.cert_patterns["省级"] == r"^苏\d{8}$"
    assert c.calendar[2027].workdays == [dt.date(2027, 9, 26)]


def test_make_calendar_uses_config_years(tmp_path: Path) -> None:
    c = load_config(write(tmp_path, "[calendar.2027]\nholidays = [2027-01-01]\nworkdays = [2027-01-02]\n"))
    cal = make_calendar(c)
    assert not cal.is_workday(dt.date(2027, 1, 1))
    assert cal.day_kind(dt.date(2027, 1, 2)) == (True, "调休上班")
    assert cal.warnings == []
    assert c.calendar_obj().add_workdays(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 2)
    cal2 = make_calendar(Config())
    cal2.is_workday(dt.date(2027, 1, 1))
    assert len(cal2.warnings) == 1 and "2027" in cal2.warnings[0]


def test_lang_of_config_reaches_calendar() -> None:
    cal = make_calendar(Config(lang="en"))
    cal.is_workday(dt.date(2027, 1, 1))
    assert "Monday" in cal.warnings[0]


# ----------------------------------------------------------------- errors name the key
@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ('[deadlines]\nreport_days = "abc"\n', "deadlines.report_days", "必须是正整数，现为 \"abc\""),
        ("[deadlines]\nreport_days = 0\n", "deadlines.report_days", "正整数"),
        ("[deadlines]\nsystem_entry_days = -1\n", "deadlines.system_entry_days", "正整数"),
        ("[deadlines]\nreport_days = 2.5\n", "deadlines.report_days", "正整数"),
        ("[deadlines]\nreport_days = true\n", "deadlines.report_days", "正整数"),
        ("[deadlines]\ndue_soon_days = -1\n", "deadlines.due_soon_days", "非负整数"),
        ('[deadlines]\nsurvey_due = "soon"\n', "deadlines.survey_due", "日期"),
        ("[deadlines]\nreport_dayz = 3\n", "deadlines.report_dayz", "未知的配置项"),
        ('langg = "zh"\n', "langg", "未知的配置项"),
        ('lang = "fr"\n', "lang", '"zh" 或 "en"'),
        ('[training]\nannual_hours = "多"\n', "training.annual_hours", "学时"),
        ("[age]\nmin = 70\n", "age.warn_over", "age.min"),
        ('[rules]\ndisable = "W203 W204"\n', "rules.disable[0]", "规则编号"),
        ("[rules]\ndisable = [1]\n", "rules.disable[0]", "规则编号"),
        ('[rules]\ndisable = ["W203"]\n', "rules.disable[0]", "没有编号为 \"W203\" 的规则"),  # the old example's code
        ('[rules]\ndisable = ["I012", "X0001"]\n', "rules.disable[1]", "是否应为 X001"),
        ('[cert_patterns]\n"省级" = "(["\n', "cert_patterns.省级", "正则表达式"),
        ("[calendar.abc]\nholidays = []\n", "calendar.abc", "年份"),
        ('[calendar.2027]\nholidays = ["x"]\n', "calendar.2027.holidays[0]", "日期"),
        ("[calendar.2027]\nholidays = [2026-12-31]\n", "calendar.2027.holidays", "2026-12-31 不在 2027 年"),
        ("[calendar.2027]\nholiday = [2027-01-01]\n", "calendar.2027.holiday", "did you mean"),
        ("[calendar.2027]\nholidays = [2027-01-01]\nworkdays = [2027-01-01]\n", "calendar.2027", "同时"),
        ("deadlines = 3\n", "deadlines", "表"),
        ('forms_dir = "D:\\new\\tz"\n', "forms_dir", "Windows 路径请用单引号"),  # \n read as a newline
        ('ledger = "C:\\tz\\new.xlsx"\n', "ledger", "换行或制表符"),  # \t a tab, \n a newline
        ('[output]\nmode = "0777"\n', "output.mode", "不能有执行位"),  # world-writable, executable personal data
        ('[output]\nmode = "0400"\n', "output.mode", "本人可读写"),  # the clerk could not save their ledger
        ('[output]\nmode = "0000"\n', "output.mode", "本人可读写"),
        ('[output]\nmode = "0666"\n', "output.mode", "其他用户不能写"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, text: str, key: str, fragment: str) -> None:
    err = error_of(tmp_path, text)
    message = str(err)
    assert message.startswith(f"{tmp_path / 'certctl.toml'}: {key}: "), message
    assert fragment in message
    assert err.key == key


def test_error_names_cwd_file_as_certctl_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, '[deadlines]\nreport_days = "abc"\n')
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_config()
    assert info.value.zh == 'certctl.toml: deadlines.report_days: 必须是正整数，现为 "abc"（第 2 行）'
    assert info.value.en == 'certctl.toml: deadlines.report_days: must be a positive integer, got "abc" (line 2)'
    assert str(info.value) == ('certctl.toml: deadlines.report_days: 必须是正整数，现为 "abc"（第 2 行） '
                               '(must be a positive integer, got "abc" (line 2))')


def test_toml_syntax_error(tmp_path: Path) -> None:
    err = error_of(tmp_path, "[deadlines\nreport_days = 3\n")
    assert "TOML" in str(err)


def test_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "certctl.toml"
    p.write_bytes('ledger = "台账.xlsx"\n'.encode("gbk"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(p)


def test_a_gbk_file_says_so_with_its_line_and_what_to_do(tmp_path: Path) -> None:
    """Notepad on a Chinese Windows saves GBK ('ANSI'): the message said only 'must be UTF-8'."""
    p = tmp_path / "certctl.toml"
    p.write_bytes('# 设置\nlang = "zh"\n'.encode("utf-8") + 'forms_dir = "报送表格"\n'.encode("gbk"))
    message = str(pytest.raises(ConfigError, load_config, p).value)
    assert "GBK" in message and "第 3 行" in message and "另存为" in message, message


def test_utf8_bom_accepted(tmp_path: Path) -> None:
    p = tmp_path / "certctl.toml"
    p.write_bytes(b"\xef\xbb\xbf" + 'ledger = "台账.xlsx"\n'.encode())
    assert load_config(p).ledger == "台账.xlsx"


def test_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_config(tmp_path)


def test_config_error_is_exception() -> None:
    assert issubclass(ConfigError, Exception)


def test_a_disabled_code_in_lower_case_is_switched_off_on_a_real_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """disable = ["t001"] was accepted and switched nothing off: validate and merge compare the codes
    as the findings spell them (T001). The config now keeps the code upper case."""
    import shutil

    from typer.testing import CliRunner

    from certctl.cli import app

    form = Path(__file__).parent.parent / "examples/ledger/启东市吕四港镇人民政府/附件4_补发_2024-06-03.xlsx"
    shutil.copy(form, tmp_path / "附件4.xlsx")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["validate", "附件4.xlsx", "-f", "json"])
    assert '"T001"' in r.output  # the form is late: T001 is there to switch off
    (tmp_path / "certctl.toml").write_text('[rules]\ndisable = ["t001"]\n', encoding="utf-8")
    r = CliRunner().invoke(app, ["validate", "附件4.xlsx", "-f", "json"])
    assert r.exit_code in (0, 1), r.output
    assert '"T001"' not in r.output


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("# 截止日期\n[deadlines]\nsurvey_due = 2024-13-05\n", 3, "日期 2024-13-05 不存在"),
        ("[deadlines]\nsurvey_due = 2024-6-5\n", 2, "两位"),
        ("[deadlines]\nsurvey_due = 2024/6/5\n", 2, "2024-06-05"),
        ("forms_dir = 报送表格\n", 1, '文字要加英文双引号，如 "报送表格"'),
        ("forms_dir = “报送表格”\n", 1, "英文半角"),
        ("[deadlines]\nreport_days = 3\nreport_days = 4\n", 3, "写了两次"),
        ('lang = "zh\nforms_dir = "x"\n', 1, "引号没有配对"),
        ('forms_dir = "D:\\证件\\ledger"\n', 1, "Windows 路径请用单引号"),  # a Windows path as typed
    ],
)
def test_toml_syntax_errors_say_the_line_in_chinese(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    """A clerk's typo in certctl.toml was the parser's English alone ('Expected newline or end of document
    after a statement (at line 2, column 18)'): now the line, its text and what is likely wrong, in Chinese."""
    message = str(error_of(tmp_path, text))
    assert f"第 {line} 行 " in message and "TOML 语法错误" in message, message
    assert fragment in message, message
    assert text.splitlines()[line - 1].strip() in message


@pytest.mark.parametrize(
    "text, line",
    [
        ('lang = "zh"\n\n[deadlines]\nreport_days = "3"\n', 4),
        ("[deadlines]\n# 3 个工作日\n report_days = 0\n", 3),
        ('deadlines.report_days = "x"\n', 1),
        ('[rules]\ndisable = ["I012",\n  "W203"]\n', 2),
        ('lang = "zh"\nlnag = "en"\n', 2),
    ],
)
def test_bad_values_name_the_line(tmp_path: Path, text: str, line: int) -> None:
    """A value of the wrong type or an unknown key names its key and now its line too."""
    err = error_of(tmp_path, text)
    message = str(err)
    assert f"（第 {line} 行） (" in message, message
    assert err.zh.endswith(f"（第 {line} 行）") and err.en.endswith(f" (line {line})"), (err.zh, err.en)


def test_a_path_from_the_home_folder_is_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """forms_dir = "~/证件/ledger" was looked for as a folder named ~ in the current folder (state_dir already
    took ~ as the home folder)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    c = load_config(write(tmp_path, 'forms_dir = "~/证件/ledger"\nledger = "~/证件/台账.xlsx"\n'))
    assert c.forms_dir == str(tmp_path / "证件/ledger") and c.ledger == str(tmp_path / "证件/台账.xlsx")
