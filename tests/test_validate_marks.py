"""Ticks and crosses in yes/no columns (是 / 否), and colours written out (红色), on real .xlsx forms:
a clerk's √ is 是 and × is 否, silently, in a yes/no column only; 红色 is 红. Marks that could mean
either (a Latin X, a circle, a tick in a column that is not yes/no) are still V002."""

from __future__ import annotations

import pytest

from certctl.samples import write_form
from fixtures.builders import annex_row, check, codes, col_of, problems, run

FIRST = 4
TICKS = ["√", "✓", "✔"]
CROSSES = ["×", "✕", "✖", "✗", "✘"]


@pytest.mark.parametrize("mark,value", [(m, "是") for m in TICKS] + [(m, "否") for m in CROSSES]
                         + [(" √ ", "是"), ("是", "是"), ("否", "否")])
def test_a_tick_or_a_cross_in_the_yes_no_column_is_yes_or_no_silently(tmp_path, mark, value):
    res = check(tmp_path, "survey", [annex_row("survey", 0, legal_qual=mark), annex_row("survey", 1)])
    assert problems(res) == []
    assert [r.values["legal_qual"] for r in res.records()] == [value, "否"]


@pytest.mark.parametrize("typed,value", [("红色", "红"), ("黄色", "黄"), ("绿色", "绿")])
def test_a_colour_written_out_is_the_colour(tmp_path, typed, value):
    res = check(tmp_path, "survey", [annex_row("survey", 0, colour=typed)])
    assert "V002" not in codes(res)
    assert res.records()[0].values["colour"] == value
    # read as the colour, it is judged as the colour: a clean holder reported 红 is not what the rules give
    assert codes(res) == ([] if value == "绿" else ["S007"])


@pytest.mark.parametrize("mark", ["X", "x", "○", "〇", "√×", "?", "有"])
def test_a_mark_that_could_mean_either_is_still_asked_about(tmp_path, mark):
    res = check(tmp_path, "survey", [annex_row("survey", 0, legal_qual=mark)])
    f = next(f for f in res.findings if f.code == "V002")
    assert f.cell == f"{col_of(res, 'legal_qual')}{FIRST}" and f.value == mark
    assert res.records()[0].values["legal_qual"] is None


@pytest.mark.parametrize("field", ["version", "category", "status", "colour"])
@pytest.mark.parametrize("mark", ["√", "×"])
def test_a_tick_or_a_cross_outside_a_yes_no_column_means_nothing(tmp_path, field, mark):
    res = check(tmp_path, "survey", [annex_row("survey", 0, **{field: mark})])
    f = next(f for f in res.findings if f.code == "V002")
    assert f.cell == f"{col_of(res, field)}{FIRST}" and "是否应为" not in f.message()


def test_the_registry_s_must_report_column_takes_ticks(tmp_path):
    p = write_form(tmp_path / "执法主体清单.xlsx", "registry",
                   [{"unit": "柞水县交通运输局", "must_report": "√"}, {"unit": "柞水县自然资源局", "must_report": "×"}],
                   title=True, footer=False)
    res = run(p)
    assert problems(res) == []
    assert [r.values["must_report"] for r in res.records()] == ["是", "否"]
