"""People on rows hidden in Excel/WPS: hidden by hand, or by a filter the unit left on (筛选). The clerk
who opens the form does not see them and counts fewer people than certctl reads. They are read like the
others — dropping them could lose a person the unit meant to report — and F013 (info) says which rows
were hidden, so the count can be checked. Before, nothing was said."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from certctl.cli import app
from certctl.reader import hidden_rows_in, read_workbook

from fixtures.builders import annex_row, run
from test_unusual_forms import REMINDERS, build


def _hide(*rows: int, filt: str | None = None):
    def post(wb, ws):
        for r in rows:
            ws.row_dimensions[r].hidden = True
        if filt:
            ws.auto_filter.ref = filt
    return post


def test_people_on_hidden_rows_are_read_and_said(tmp_path):
    res = run(build(tmp_path / "f.xlsx", "annex1", post=_hide(5, 6)))
    assert [r.values["name"] for r in res.records()] == [annex_row("annex1", i)["name"] for i in range(3)]
    (f,) = [f for f in res.findings if f.code == "F013"]
    assert (f.severity, f.cell) == ("info", "A5")
    assert f.message() == "第 5—6 行在 Excel/WPS 中是隐藏的（手动隐藏或筛选），其中 2 人已照常读取。"
    assert f.message("en") == ("Row(s) 5-6 are hidden in Excel/WPS (by hand or by a filter); the 2 people on "
                               "them were read like the others.")
    assert {f.code for f in res.findings} <= REMINDERS | {"F013"}


def test_a_filter_left_on_is_said_for_the_rows_it_hides(tmp_path):
    res = run(build(tmp_path / "f.xlsx", "annex2", post=_hide(4, 6, filt="A3:I6")))
    (f,) = [f for f in res.findings if f.code == "F013"]
    assert "第 4、6 行" in f.message() and "其中 2 人" in f.message()


def test_hidden_rows_above_the_table_or_below_it_are_nothing_to_say(tmp_path):
    """A hidden metadata line or an empty hidden row under the table holds no person."""
    res = run(build(tmp_path / "f.xlsx", "annex1", post=_hide(2, 9, 10)))
    assert "F013" not in {f.code for f in res.findings}
    assert res.meta.unit == "启东市城市管理局"


def test_in_json_and_in_english(tmp_path):
    path = build(tmp_path / "f.xlsx", "annex4", post=_hide(4))
    r = CliRunner().invoke(app, ["validate", "--lang", "en", "--format", "json", str(path)])
    found = [f for f in json.loads(r.stdout)["files"][0]["findings"] if f["code"] == "F013"]
    assert [(f["cell"], f["severity"]) for f in found] == [("A4", "info")]
    assert found[0]["hint"].startswith("If they should not be reported, delete the rows")


def test_a_hidden_row_tag_cut_between_two_slices_is_found():
    xml = b'<sheetData><row r="1"><c r="A1"/></row><row r="7" spans="1:9" hidden="1"><c r="A7"/></row></sheetData>'
    for cut in range(1, len(xml)):
        found: set[int] = set()
        assert b"".join(hidden_rows_in([xml[:cut], xml[cut:]], found)) == xml
        assert found == {6}, cut


def test_the_reader_says_which_rows_are_hidden(tmp_path):
    path = build(tmp_path / "f.xlsx", "annex1", post=_hide(5))
    assert read_workbook(path, error_cells=True).sheets[0].hidden_rows == {4}
