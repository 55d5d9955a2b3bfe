"""What a clerk reads on the terminal (issue 14), rendered at 80 and at 120 columns: no ID, certificate
number, date or cell reference is ever broken over two lines; a narrow terminal gets a list, a wide one a
table; summary first; the person's name beside each finding about a person; a repeated hint said once."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from certctl.cli import merge as cli_merge
from certctl.cli import overdue as cli_overdue
from certctl.overdue import Obligation
from certctl.render import person_names, print_results
from certctl.validate import Options, validate_file

ROOT = Path(__file__).resolve().parents[1]
FORMS = ROOT / "examples" / "forms"
LEDGER = ROOT / "examples" / "ledger"
WIDTHS = (80, 120)
# what must never be broken: dates, masked IDs, long numbers, cell references
WHOLE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{6}\*+\d{4}|\d{9,}|[A-Z]{1,2}\d+(?::\d+)?|\d+:\d+")


def render(width: int, *parts: object) -> str:
    con = Console(width=width, file=io.StringIO(), color_system=None, highlight=False)
    for p in parts:
        con.print(p)
    return con.file.getvalue()  # type: ignore[attr-defined]


def on_one_line(token: str, out: str) -> bool:
    return any(token in line for line in out.splitlines())


def assert_whole(texts: list[str], out: str) -> None:
    for text in texts:
        for token in WHOLE.findall(text):
            assert on_one_line(token, out), f"{token!r} broken over lines:\n{out}"


# ----------------------------------------------------------------------------------------- validate
@pytest.fixture(scope="module")
def results() -> list:
    files = sorted(FORMS.glob("*_有错误.xlsx"))
    return [validate_file(p, Options(lang="zh")) for p in files]


@pytest.mark.parametrize("width", WIDTHS)
def test_validate_nothing_broken_and_names_beside_findings(results: list, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    con = Console(width=width, file=io.StringIO(), color_system=None, highlight=False)
    print_results(results, con, "zh")
    out = con.file.getvalue()  # type: ignore[attr-defined]
    assert max(len(line) for line in out.splitlines()) <= width
    names = person_names(results)
    about_people = 0
    for res in results:
        for f in res.findings:
            assert on_one_line(f.ref, out), f.ref
            assert_whole([f.message("zh"), f.ref], out)
            name = names.get((f.path, f.sheet, f.row))
            if name:
                about_people += 1
                assert any(f.ref in line and name in line for line in out.splitlines()), (f.ref, name)
    assert about_people > 10
    assert out.splitlines()[0].startswith("共 ")  # summary first
    assert ("┃" in out) == (width >= 100)  # a table when wide, a list when narrow
    # a hint's arrow starts its text, never a line of its own (a Chinese hint has no space to break at)
    assert not [line for line in out.splitlines() if line.strip() == "→"], out
    if width < 100:
        assert any(line.lstrip().startswith("→请") for line in out.splitlines())


def test_validate_a_repeated_hint_is_said_once(results: list) -> None:
    survey = [r for r in results if "摸排统计表" in r.path]
    con = Console(width=120, file=io.StringIO(), color_system=None)
    print_results(survey, con, "zh")
    out = con.file.getvalue()  # type: ignore[attr-defined]
    s007 = [f for f in survey[0].findings if f.code == "S007"]
    assert len(s007) >= 3
    assert out.count("红黄绿由规则判定") == 1
    assert out.count("同前 S007") == len(s007) - 1


# ----------------------------------------------------------------------------------------- overdue
def _obligations() -> list[Obligation]:
    long_unit = "柞水县乾佑街道办事处综合行政执法大队第二中队"
    return [
        Obligation("revocation", "overdue", long_unit, "退休：办理证件注销（附件2）并收回证件，逾期原因写入备注", "revoke",
                   dt.date(2024, 5, 20), since=dt.date(2024, 5, 15), late=12, name="周涛", id="611026199001013134",
                   cert="61102622004" + str(i), path=f"{long_unit}/摸排统计表_2024-06-03（第二次更正）.xlsx",
                   sheet="人员", row=10 + i)
        for i in range(3)
    ] + [Obligation("revocation", "overdue", "柞水县交通运输局", "办理证件注销", "revoke", dt.date(2024, 5, 30),
                    since=dt.date(2024, 5, 27), late=4, name="阿卜杜拉·买买提", id="61102619900101301X",
                    cert="611026220099", path="柞水县交通运输局/附件2.xlsx", sheet="附件2", row=4)]


@pytest.mark.parametrize("width", WIDTHS)
def test_overdue_nothing_broken(width: int) -> None:
    obs = _obligations()
    parts = cli_overdue.sections_view([("截至 2024-06-05 逾期事项", obs, True)], width, "zh", False, False)
    out = render(width, *parts)
    assert max(len(line) for line in out.splitlines()) <= width
    for o in obs:
        for token in (o.shown_id(False), o.cert, o.deadline.isoformat(), o.since.isoformat(), f"{o.sheet}!{o.row}:{o.row}",
                      o.name):
            assert on_one_line(token, out), (width, token, out)
    assert ("┃" in out) == (width >= 100)


def test_overdue_places_are_cell_refs() -> None:
    o = _obligations()[3]
    assert cli_overdue.place(o) == "柞水县交通运输局/附件2.xlsx 附件2!4:4"


# ----------------------------------------------------------------------------------------- merge
@pytest.mark.parametrize("width", WIDTHS)
def test_merge_summary_first_problem_files_only(width: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture) -> None:
    buf = io.StringIO()
    monkeypatch.setattr(cli_merge, "console", lambda *a, **k: Console(width=width, file=buf, color_system=None))
    from typer.testing import CliRunner

    from certctl.cli import app

    res = CliRunner().invoke(app, ["merge", str(LEDGER), "-o", str(tmp_path / "台账.xlsx"), "--as-of", "2024-06-05",
                                   "--no-cache"])
    assert res.exit_code == 1, res.output
    out = buf.getvalue()
    assert out.startswith("共 10 个文件")  # the one-line summary before anything else
    assert "需要处理的文件（2 个，共 10 个" in out  # not the 8 files merged without a problem
    assert "已合并" not in out
    assert any("周涛" in line and "人员!K10" in line for line in out.splitlines())  # whom the finding is about
    assert_whole(["2024-05-28 2024-06-03 611026220011 320681200001 GA00032061"], out)
    buf.truncate(0)
    buf.seek(0)
    res = CliRunner().invoke(app, ["merge", str(LEDGER), "-o", str(tmp_path / "台账.xlsx"), "--as-of", "2024-06-05",
                                   "--verbose"])
    assert "已合并" in buf.getvalue()


# ------------------------------------------------------------------------------- messages on stderr
class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("width", WIDTHS)
def test_a_long_message_on_a_terminal_is_wrapped_between_words(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warning or error written straight to stderr (deadline's holiday warning, a refused pair of
    arguments) is wrapped at a space on a terminal, so the terminal does not cut a word or a year in two;
    to a pipe it stays one line."""
    import sys

    from rich.cells import cell_len

    from certctl.cli.streams import say
    from certctl.workdays import fallback_warning

    monkeypatch.setenv("COLUMNS", str(width))
    message = fallback_warning(2035, "en")
    tty = _Terminal()
    monkeypatch.setattr(sys, "stderr", tty)
    say(message)
    lines = tty.getvalue().splitlines()
    assert len(lines) > 1 and max(cell_len(ln) for ln in lines) <= width
    assert " ".join(lines) == message  # broken at spaces only: every word whole
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    say(message)
    assert pipe.getvalue() == message + "\n"


# ------------------------------------------------------------------------------------------ rules
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_rules_at_80_columns_is_a_list_every_line_whole(width: int, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`certctl rules` on a narrow terminal: a few lines a rule (description, rule set, source each on its
    own lines, unbroken where they fit) instead of six columns a dozen characters wide; a table from
    NARROW columns up."""
    import importlib

    from rich.cells import cell_len
    from typer.testing import CliRunner

    from certctl import rules as R
    from certctl.cli import app

    buf = io.StringIO()
    mod = importlib.import_module("certctl.cli.rules")
    monkeypatch.setattr(mod, "console", lambda *a, **k: Console(width=width, file=buf, color_system=None, highlight=False))
    assert CliRunner().invoke(app, ["rules", "--lang", lang]).exit_code == 0
    out = buf.getvalue()
    assert max(cell_len(ln) for ln in out.splitlines()) <= width
    if width >= 100:
        assert "┃" in out
        return
    lines = out.splitlines()
    for r in R.RULES.values():
        desc = r.description(lang)
        if cell_len(desc) <= width - 2:
            assert "  " + desc in lines, (r.code, desc)
        assert any(ln.startswith(r.code + "  ") for ln in lines), r.code


def test_english_counts_say_one_in_the_singular() -> None:
    """"1 note", "1 file", "1 warning": no "1 notes" in an English summary (Chinese has no plural)."""
    from certctl.render import summary_line, total_line

    res = validate_file(FORMS / "摸排统计表_有错误.xlsx", Options(lang="en"))
    assert res.infos == 1
    line = summary_line(res, "en")
    assert line.endswith(", 1 note") and "1 notes" not in line, line
    total = total_line([res], "en")
    assert total.startswith("1 file, ") and f"in 1 file, {res.warnings} warnings" in total, total
    assert summary_line(res, "zh").endswith("提示 1")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", (80, 120, 140))
def test_a_word_in_a_chinese_sentence_is_never_cut(width: int, lang: str) -> None:
    """A Chinese message has no spaces to break at: it breaks between Chinese characters, never inside
    "Excel" or an ID glued to ），Excel (rich alone cut it "Exce|l" in a narrow 问题 column)."""
    from types import SimpleNamespace

    from certctl.render import findings_view

    msg = ("身份证号码被 Excel 存成了数字（显示为 320681********1328），Excel 只保留 15 位有效数字，后几位已经丢失，"
           "无法核对号码（WPS 与 LibreOffice 同样如此）。")
    hint = "请把该列单元格格式设为“文本”，再重新输入完整的 18 位号码（不能只改格式，丢失的数字需要重新输入）。"
    f = SimpleNamespace(ref="Sheet名称很长很长很长很长很长很长!D5", code="I006", severity="error", sheet=None, row=None,
                        path="x.xlsx", message=lambda lang, show_id: msg, hint=lambda lang, show_id: hint)
    out = render(width, findings_view([f, f], width, lang, False, {}))
    assert max(len(line) for line in out.splitlines()) <= width
    for word in set(re.findall(r"[A-Za-z]+|\d{6}\*+\d{4}", msg + hint)):
        assert on_one_line(word, out), f"{word!r} cut:\n{out}"
    assert not any(line.lstrip("│ ").startswith(("，", "。", "）", "”")) for line in out.splitlines())


from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["身份", "证件号码", "Excel", " ", "，", "（", "）", "2024-06-03", "320681********1328",
                                 "位", "“文本”", "a", "。", "WPS", "  "]), max_size=40),
       st.integers(4, 40), st.booleans())
def test_line_breaks_fit_the_width_and_cut_no_word_that_fits(pieces: list[str], width: int, chinese: bool) -> None:
    from rich.cells import cell_len

    from certctl.render import line_breaks

    text = "".join(pieces)
    cuts = line_breaks(text, width, chinese)
    assert cuts == sorted(set(cuts)) and all(0 < c < len(text) for c in cuts)
    lines = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    assert all(cell_len(ln.rstrip()) <= width for ln in lines), lines
    for ln, c in zip(lines, cuts):  # inside a Latin word or number only when nothing else fits: a full line
        if re.fullmatch(r"[\w*-]{2}", text[c - 1:c + 1]) and text[c - 1:c + 1].isascii():
            assert cell_len(ln) >= width - 1, (text, width, lines)


def test_cleanup_and_report_in_english_count_one_in_the_singular(tmp_path: Path) -> None:
    """On 2024-07-05 the example has one cleanup case overdue and one item done late: "1 cleanup case",
    and no "1 more items were done late"."""
    from typer.testing import CliRunner

    from certctl.cli import app

    r = CliRunner().invoke(app, ["cleanup", str(LEDGER), "-o", str(tmp_path / "c"), "--as-of", "2024-07-05", "--lang", "en"])
    assert r.exit_code in (0, 1), r.output
    assert "On 2024-07-05: 1 cleanup case overdue." in r.stdout, r.stdout
    r = CliRunner().invoke(app, ["report", str(LEDGER), "-o", str(tmp_path / "r"), "--as-of", "2024-07-05", "--lang", "en"])
    assert r.exit_code in (0, 1), r.output
    txt = (tmp_path / "r" / "证件管理报告-2024-07-05.txt").read_text(encoding="utf-8")
    assert "Also done late, after the deadline: 1 " in txt and "1 more items" not in txt, txt


@pytest.mark.parametrize("english", [True, False])
def test_a_long_usage_error_on_a_terminal_is_wrapped_between_words(english: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """`certctl overdue --format xml` at 80 columns: click's long "Error: Invalid value …" line is wrapped at
    a space on a terminal (the terminal would cut it mid-word); to a pipe it stays one line."""
    from rich.cells import cell_len

    from certctl.cli.helpfmt import UsageError, _ClickUsageError

    monkeypatch.setenv("COLUMNS", "80")
    message = "Invalid value for '--format' / '-f': Value error, 'xml' is not one of 'table', 'json', 'csv'."
    tty = _Terminal()
    UsageError(_ClickUsageError(message), english, "certctl overdue").show(tty)
    lines = tty.getvalue().splitlines()
    assert max(cell_len(ln) for ln in lines) <= 80, lines
    said = f"Error: {message}" if english else "错误：'--format' / '-f' 的值“xml”无效，可选：'table', 'json', 'csv'"
    assert said in " ".join(lines) if english else said in "".join(lines), lines
    pipe = io.StringIO()
    UsageError(_ClickUsageError(message), english, "certctl overdue").show(pipe)
    assert f"{said}\n" in pipe.getvalue()
    assert ("Error:" in pipe.getvalue()) is english  # Chinese mode: Chinese only


def test_a_chinese_error_starts_on_the_line_of_certctl(monkeypatch: pytest.MonkeyPatch) -> None:
    """`certctl: ` followed by a Chinese sentence (no spaces) at 80 columns: the sentence starts beside it
    and breaks between characters, instead of leaving "certctl: " alone on its line."""
    import typer

    from certctl.cli import common

    buf = io.StringIO()
    monkeypatch.setattr(common, "console", lambda *a, **k: Console(width=80, file=buf, color_system=None, highlight=False))
    message = "无法读取通知：没有找到“一、元旦：……”这样的编号条目；请复制通知正文。请对照通知原文改正后重试；certctl 不会猜测。"
    with pytest.raises(typer.Exit):
        common.fail(message)
    lines = buf.getvalue().splitlines()
    assert lines[0].startswith("certctl: 无法读取通知") and len(lines) == 2, lines
    assert "".join(lines) == "certctl: " + message


def test_merge_cross_form_findings_at_80_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cross-form findings at the end of `certctl merge`: a Chinese message fills the line (it breaks
    between characters), while a file path and a sheet!cell stay whole on one line."""
    import importlib

    from typer.testing import CliRunner

    from certctl.cli import app

    buf = io.StringIO()
    mod = importlib.import_module("certctl.cli.merge")
    monkeypatch.setattr(mod, "console", lambda *a, **k: Console(width=80, file=buf, color_system=None, highlight=False))
    r = CliRunner().invoke(app, ["merge", str(LEDGER), "-o", str(tmp_path / "台账.xlsx"), "--as-of", "2024-06-05", "--no-cache"])
    assert r.exit_code in (0, 1), r.output
    out = buf.getvalue()
    lines = out.splitlines()
    x001 = next(i for i, ln in enumerate(lines) if " X001 " in ln)
    from rich.cells import cell_len

    assert cell_len(lines[x001]) >= 74, lines[x001]  # the sentence goes on beside the code: the line is full
    for token in re.findall(r"\S+\.xlsx|\S+![A-Z]*\d+(?::\d+)?", " ".join(lines[x001:])):
        token = token.strip("（）。")
        if len(token) < 70:
            assert on_one_line(token, out), f"{token!r} broken:\n{out}"
