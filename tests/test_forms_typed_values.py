"""Values typed or exported the way clerks' tools produce them.

A quote in front of a value: the mark that keeps a number as text in Excel ('320680000001). Excel
does not store it when a clerk types it, but system exports and pastes from them do, in front of every
long number and date. An ID number so quoted was already read (I007); a certificate number, a date or
hours so quoted were errors on correct rows (C002 “含有字母和数字以外的字符”, D001 “无法识别为日期”,
V003 “不是数字”, and a survey row's colour then disputed, S007).

The check character X of an ID number typed as × (the multiplication sign a Chinese IME offers among its
symbols) or a Cyrillic Х: it was I002 “应为 18 位……现为 18 位” on a correct number."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, strategies as st

from certctl.normalize import QUOTES, parse_date, parse_number, unquoted

from fixtures.builders import run
from test_unusual_forms import _with, assert_clean, build


@pytest.mark.parametrize("fam,field,values,read", [
    ("annex1", "cert", ["'320680000001", "‘320680000002", "'JS32060003"], ["320680000001", "320680000002", "JS32060003"]),
    ("annex2", "cert", ["'320680000001", "`320680000002", "320680000003"], ["320680000001", "320680000002", "320680000003"]),
    ("annex1", "entry_date", ["'2024-05-20", "'2024.5.20", "'20240520"], [dt.date(2024, 5, 20)] * 3),
    ("annex4", "lost_date", ["'2024/5/30", "’2024年5月30日", "'45442"], [dt.date(2024, 5, 30)] * 3),
    ("survey", "hours", ["'64", "'60学时", "72"], [64.0, 60.0, 72.0]),
    ("survey", "cert", ["'6100000000", "'6100000001", "'6100000002"], ["6100000000", "6100000001", "6100000002"]),
])
def test_a_value_exported_with_the_quote_in_front_is_read(tmp_path, fam, field, values, read):
    res = run(build(tmp_path / "f.xlsx", fam, rows=_with(fam, field, values)(0)))
    assert_clean(res, fam)
    assert [r.values[field] for r in res.records()] == read


def test_a_quote_alone_is_still_not_a_certificate_number(tmp_path):
    res = run(build(tmp_path / "f.xlsx", "annex1", rows=_with("annex1", "cert", ["'", "'JS 0001", "320680000003"])(0)))
    assert [(f.code, f.cell) for f in res.findings if f.severity == "error"] == [("C002", "F4"), ("C002", "F5")]


@given(st.text(max_size=12), st.sampled_from(list(QUOTES)))
def test_the_quote_in_front_is_all_that_is_dropped(text, quote):
    assume(text[:1] not in QUOTES and not text[:1].isspace())
    assert unquoted(text) == text
    assert unquoted(quote + text) == unquoted(quote + quote + " " + text) == text


@pytest.mark.parametrize("quote", list(QUOTES))
def test_parsers_read_past_the_quote(quote):
    assert parse_date(quote + "2024-06-03") == parse_date("2024-06-03") == (dt.date(2024, 6, 3), None)
    assert parse_number(quote + "64学时") == parse_number("64") == (64.0, None)
    assert parse_date(quote) == (None, "empty")


def _x_ids(n: int) -> list[dict]:
    """``n`` valid annex 1 rows whose ID numbers end in the check character X."""
    from fixtures.builders import annex_row, pid

    out, seq = [], 0
    while len(out) < n:
        i = pid(seq=seq)
        if i.endswith("X"):
            out.append(annex_row("annex1", len(out), id=i, sex="男"))
        seq += 1
    return out


@pytest.mark.parametrize("typed", ["×", "Х", "х", "╳"])
def test_an_id_whose_x_is_typed_as_a_lookalike_is_read(tmp_path, typed):
    rows = _x_ids(3)
    ids = [r["id"] for r in rows]
    res = run(build(tmp_path / "f.xlsx", "annex1", rows=[dict(r, id=r["id"][:17] + typed) for r in rows]))
    assert_clean(res, "annex1")
    assert [r.values["id"] for r in res.records()] == ids
    assert {f.code for f in res.findings} == {"I007"}  # accepted as normalised, as a lower-case x is


def test_a_lookalike_x_where_the_check_character_is_a_digit_is_a_checksum_error(tmp_path):
    from fixtures.builders import annex_row

    row = annex_row("annex1", 0)
    assert not row["id"].endswith("X")
    res = run(build(tmp_path / "f.xlsx", "annex1", rows=[dict(row, id=row["id"][:17] + "×")]))
    assert [(f.code, f.cell) for f in res.findings if f.severity == "error"] == [("I004", "D4")]
