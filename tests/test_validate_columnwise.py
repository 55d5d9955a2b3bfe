"""The column-wise validation paths: records of clean rows built on first read (and the same objects
the findings counted on for the others), the cache's copy of a result, and the fast paths agreeing with the per-cell
checks on real workbooks."""

from __future__ import annotations

from certctl import codec
from certctl.idcard import check_id
from certctl.validate import Options, validate_file

from fixtures.builders import FORM_DATE, META, annex_row, build, pid


def _rows(n: int = 30) -> list[dict]:
    rows = [annex_row("annex1", k) for k in range(n)]
    rows[3]["id"] = rows[3]["id"][:17] + ("1" if rows[3]["id"][17] != "1" else "2")  # bad check character
    rows[7]["id"] = rows[2]["id"]  # a duplicate ID
    rows[9]["sex"] = "女" if rows[9]["sex"] == "男" else "男"  # sex against the ID
    rows[11]["id"] = "'" + rows[11]["id"]  # a text marker: accepted, I007
    rows[12]["id"] = ""  # empty
    return rows


def test_records_built_on_first_read_are_the_ones_findings_counted_on(tmp_path):
    path = build(tmp_path, "annex1", _rows(), META)
    res = validate_file(path, Options(today=FORM_DATE))
    sheet = res.sheets[0]
    assert res.rows == sheet.record_count == 30
    assert not sheet.records_built  # nothing read yet: no record built
    codes = {(f.row, f.code) for f in res.findings if f.row}
    assert {(7, "I004"), (11, "U001"), (13, "I010"), (15, "I007"), (16, "I001")} <= codes
    recs = sheet.records
    assert sheet.records_built and recs is sheet.records and len(recs) == 30
    by_row = {r.row: r for r in recs}
    assert by_row[7].codes == ["I004"] and by_row[7].errors == 1
    assert by_row[16].values["id"] is None and "id_ok" not in by_row[16].values
    assert by_row[7].values["id_ok"] is False and "_birth" not in by_row[7].values
    assert by_row[15].values["id_ok"] is True and by_row[15].raw["id"].startswith("'")
    clean = by_row[5]
    assert clean.codes == [] and clean.values["id_ok"] is True and clean.raw["seq"]
    assert clean.values["_birth"] == check_id(clean.values["id"]).birth
    assert sum(r.errors for r in recs) == res.errors


def test_cached_result_holds_the_records_not_the_table(tmp_path):
    path = build(tmp_path, "annex1", _rows(15), META)
    res = validate_file(path, Options(today=FORM_DATE))
    state = res.sheets[0].__getstate__()  # what certctl.codec stores of a sheet
    assert "records" in state and "table" not in state and "built" not in state
    copy = codec.loads(codec.dumps(res))
    sheet = copy.sheets[0]
    assert not sheet.records_built and sheet.record_count == 15  # built from the packed columns when read
    assert [r.values for r in copy.records()] == [r.values for r in res.records()]
    assert [(r.row, r.codes, r.errors, r.warnings) for r in copy.records()] == \
        [(r.row, r.codes, r.errors, r.warnings) for r in res.records()]
    assert copy == res  # now that res has built its records too


def test_every_id_shape_gives_what_check_id_gives(tmp_path):
    ids = [pid(seq=s) for s in range(5)] + [pid(area="710000"), pid()[:17] + "x", "３２０６８１" + pid()[6:],
                                             pid(area="999999"), " " + pid(seq=40)]
    rows = [annex_row("annex1", k, id=v) for k, v in enumerate(ids)]
    res = validate_file(build(tmp_path, "annex1", rows, META), Options(today=FORM_DATE))
    for rec, raw in zip(res.records(), ids):
        r = check_id(raw)
        assert rec.values["id"] == r.value and rec.values["id_ok"] == (r.problem is None), raw
        if r.problem is None:
            assert (rec.values["_birth"], rec.values["_male"]) == (r.birth, r.male)
