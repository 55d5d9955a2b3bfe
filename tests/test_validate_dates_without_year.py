"""A day written without its year in a date column (5月20日, 5.20, 05-20): units write recent days so,
the form's 填报时间 giving the year. It was D001 “无法识别为日期” on a correct row; it is now read as the
last such day on or before the 填报时间 — as a day without its year in 备注 already was dated
(certctl.model.events) — and said (D003, info) with the date it was read as."""

from __future__ import annotations

import datetime as dt

import pytest

from certctl.validate.convert import month_day

from fixtures.builders import run
from test_unusual_forms import _with, build


@pytest.mark.parametrize("typed", ["5月20日", "5月20号", "5.20", "05-20", "5/20", "5 月 20 日", "5。20"])
def test_a_day_without_its_year_is_read_in_the_forms_year_and_said(tmp_path, typed):
    res = run(build(tmp_path / "f.xlsx", "annex1", rows=_with("annex1", "entry_date", [typed] * 3)(0)))
    assert [r.values["entry_date"] for r in res.records()] == [dt.date(2024, 5, 20)] * 3
    assert [(f.code, f.severity, f.cell) for f in res.findings] == [("D003", "info", f"H{r}") for r in (4, 5, 6)]
    f = res.findings[0]
    assert f.message() == f"“数据录入时间”的值“{typed}”没有写年份，按填报时间 2024-06-03 读作 2024-05-20。"
    assert f.message("en") == (f"数据录入时间 '{typed}' has no year; read as 2024-05-20, the last such day up to "
                               "the form date 2024-06-03.")


def test_a_december_day_on_a_january_form_is_last_year():
    assert month_day("12月28日", dt.date(2025, 1, 5)) == dt.date(2024, 12, 28)
    assert month_day("1月5日", dt.date(2025, 1, 5)) == dt.date(2025, 1, 5)


@pytest.mark.parametrize("typed", ["2月30日", "13月1日", "5月", "20日", "5.20.1", "下周一", "5月20日前"])
def test_what_is_no_day_is_still_d001(tmp_path, typed):
    res = run(build(tmp_path / "f.xlsx", "annex4", rows=_with("annex4", "lost_date", [typed, "2024-05-30", "2024-05-30"])(0)))
    assert [(f.code, f.cell) for f in res.findings if f.severity == "error"] == [("D001", "G4")]


def test_a_number_cell_is_not_read_as_a_day(tmp_path):
    """5.20 typed into a number cell is stored as 5.2: its day is lost, so it is not guessed — nor read as
    the Excel serial 5, 1900-01-05 (it was, without a word)."""
    res = run(build(tmp_path / "f.xlsx", "annex1", rows=_with("annex1", "entry_date", [5.2, 45432, 45432])(0)))
    assert [(f.code, f.cell) for f in res.findings if f.severity == "error"] == [("D001", "H4")]
