"""The cache stores a sheet's records by columns (``validate/results.py`` ``pack_records``, issue 15):
read back they are the records validated; read back slim (``PackedRecords.records(shared)``, the fast
path a merge takes) they are what the plain ``slim_records`` makes of them. Hypothesis over records of
any shape (keys missing, mixed types, error codes, texts kept as read), and the example forms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certctl import codec
from certctl.validate import Options, validate_file
from certctl.validate.results import (FormResult, PackedRecords, Record, SheetResult, pack_records, slim_records,
                                      unpack_records)
from certctl import forms as F

ROOT = Path(__file__).resolve().parents[1]
KEYS = st.sampled_from(["unit", "name", "id", "id_ok", "sex", "cert", "remark", "opinion", "hours", "entry_date",
                        "_birth", "_male", "action"])
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False), st.text(max_size=3),
                   st.dates(dt.date(2024, 1, 1), dt.date(2024, 1, 9)),
                   st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 3)),
                   st.tuples(st.integers(0, 3), st.text(max_size=2)))
RAW_KEYS = st.sampled_from(["name", "remark", "opinion", "id", "cert", "seq", "unit"])
RECORDS = st.builds(
    Record, kind=st.sampled_from(["annex1", "survey_people"]), sheet=st.sampled_from(["附件1", "人员"]),
    row=st.integers(4, 9), values=st.dictionaries(KEYS, VALUES, max_size=10),
    raw=st.dictionaries(RAW_KEYS, st.text(max_size=3), max_size=6), errors=st.integers(0, 2),
    warnings=st.integers(0, 2), codes=st.lists(st.sampled_from(["V001", "A101", "S007"]), max_size=2),
    colour=st.sampled_from([None, "红", "绿"]), colour_reasons=st.lists(st.text(max_size=3), max_size=2))


def _through_codec(records: list[Record]) -> dict:
    """The packed records as the cache stores and reads them (JSON, tagged values decoded)."""
    return codec.loads(codec.dumps(pack_records(records)))


@settings(max_examples=200, deadline=None)
@given(st.lists(RECORDS, max_size=8))
def test_packed_records_read_back_equal(records: list[Record]) -> None:
    back = unpack_records(_through_codec(records))
    assert back == records
    assert [list(r.values) for r in back] == [list(r.values) for r in records]  # the keys' order too
    assert [list(r.raw) for r in back] == [list(r.raw) for r in records]
    assert [type(x) for r in back for x in r.values.values()] == [type(x) for r in records for x in r.values.values()]


@settings(max_examples=200, deadline=None)
@given(st.lists(RECORDS, max_size=8))
def test_packed_records_read_slim_as_slim_records_leaves_them(records: list[Record]) -> None:
    packed = _through_codec(records)
    spec = F.BY_KIND["annex1"]
    plain = FormResult("x.xlsx", sheets=[SheetResult("附件1", spec, 3, 1, {}, built=unpack_records(packed))])
    slim_records(plain, {})  # the reference: the records as validated, then slimmed
    fast = FormResult("x.xlsx", sheets=[SheetResult("附件1", spec, 3, 1, {}, table=PackedRecords(packed))])
    assert fast.sheets[0].record_count == len(records)
    slim_records(fast, {})  # the fast path: slim from the columns at once
    assert fast.sheets[0].table is None
    a, b = plain.sheets[0].records, fast.sheets[0].records
    assert a == b
    assert [(list(r.values.items()), r.raw, tuple(r.codes), tuple(r.colour_reasons), r.row) for r in a] == \
        [(list(r.values.items()), r.raw, tuple(r.codes), tuple(r.colour_reasons), r.row) for r in b]


@pytest.mark.parametrize("name", ["forms", "ledger"])
def test_example_forms_read_back_from_the_cache_equal(name: str) -> None:
    for path in sorted((ROOT / "examples" / name).rglob("*.xlsx")):
        res = validate_file(path, Options(today=dt.date(2024, 6, 5)))
        back = codec.loads(codec.dumps(res))
        assert back.records() == res.records(), path.name
        assert back == res, path.name


@pytest.mark.parametrize("bad", [
    {"n": -1}, {"n": 1, "items": {}},
    {"n": 1, "items": {f: ["p", [0]] for f in ("kind", "sheet", "row", "errors", "warnings", "codes", "colour",
                                             "colour_reasons")}, "values": {}, "raw": {}},
])
def test_packed_records_that_do_not_fit_are_refused(bad: dict) -> None:
    with pytest.raises((ValueError, KeyError, TypeError)):
        PackedRecords(bad)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(KEYS, VALUES, max_size=10), max_size=6))
def test_an_events_kept_values_from_a_slim_record_are_the_plain_ones(dicts: list[dict]) -> None:
    """``events.Slim`` takes a slim record's values (``Values``) by their places, found once a key map;
    the plain reference (``Slim.kept``) on the dict gives the same items, and equal ones are shared."""
    from certctl.model.events import Slim
    from certctl.validate.results import slim_values

    shared: dict = {}
    fast, plain = Slim(), Slim()
    got = [fast(slim_values(dict(d), shared)) for d in dicts]
    want = [plain(d) for d in dicts]
    assert [list(g.items()) for g in got] == [list(w.items()) for w in want]
    assert [list(g.items()) for g in got] == [list(Slim.kept(d)) for d in dicts]
    for i, a in enumerate(got):  # equal values: one dict
        for j, b in enumerate(got):
            assert (a is b) == (want[i] is want[j])



@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.one_of(KEYS, st.sampled_from(["action", "sign_date", "orig_unit"])), VALUES,
                                max_size=10), max_size=6))
def test_the_values_an_event_reads_from_a_slim_record_are_the_plain_ones(dicts: list[dict]) -> None:
    """``Slim.take`` reads a slim record's HEAD values by their places (a key its map lacks: None); the
    plain reference (``Slim.head``) on the dict gives the same, and what it keeps is ``Slim``'s."""
    from certctl.model.events import HEAD, Slim
    from certctl.validate.results import slim_values

    shared: dict = {}
    fast, plain = Slim(), Slim()
    got = [fast.take(slim_values(dict(d), shared)) for d in dicts]
    assert [h for _, h in got] == [Slim.head(d) for d in dicts] == [tuple(d.get(k) for k in HEAD) for d in dicts]
    assert [list(kv.items()) for kv, _ in got] == [list(plain(d).items()) for d in dicts]
    assert [plain.take(d)[1] for d in dicts] == [Slim.head(d) for d in dicts]

CELLS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=True), st.text(max_size=3),
                  st.dates(dt.date(2024, 1, 1), dt.date(2024, 1, 3)),
                  st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)))
VALUE_KEYS = ["unit", "name", "sex", "cert", "remark", "opinion", "hours", "entry_date", "action"]
CODES = st.sampled_from(["V001", "S007", "I001", "F005", "F004"])  # errors, warnings, an info


@st.composite
def tables(draw: st.DrawFn) -> object:
    """A validated sheet's columns of any shape: values of any type under any keys (the ID's four
    columns, an ID valid, invalid or empty), cells as read of any type, findings, colours."""
    from certctl.findings import Finding
    from certctl.validate.table import ID_KEYS, Table

    n = draw(st.integers(0, 7))
    column = st.lists(VALUES, min_size=n, max_size=n)
    keys = draw(st.lists(st.sampled_from(VALUE_KEYS), unique=True, max_size=6))
    values = {k: draw(column) for k in keys}
    if draw(st.booleans()):
        at = draw(st.integers(0, len(keys)))
        ok = draw(st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n))
        idcols = [draw(column), ok, draw(column), draw(column)]
        items = list(values.items())
        values = dict(items[:at] + list(zip(ID_KEYS, idcols)) + items[at:])
    raw_keys = draw(st.lists(st.sampled_from(["name", "remark", "opinion", "id", "cert", "seq", "unit"]),
                             unique=True, min_size=1, max_size=6))  # a sheet has a column at least
    t = Table(None, F.BY_KIND["annex1"], "附件1", {}, draw(st.lists(st.integers(4, 9), min_size=n, max_size=n)),
              {k: draw(st.lists(CELLS, min_size=n, max_size=n)) for k in raw_keys})  # type: ignore[arg-type]
    t.values = values
    for k in draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=3)) if n else []:
        t.found.setdefault(k, []).append(
            Finding(draw(CODES), "x.xlsx", severity_override=draw(st.sampled_from([None, "error", "warning", "info"]))))
    if draw(st.booleans()):
        t.colour = draw(st.lists(st.sampled_from(["红", "黄", "绿"]), min_size=n, max_size=n))
    t.colour_reasons = {k: draw(st.lists(st.text(max_size=2), max_size=2)) for k in
                        (draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=2)) if n else [])}
    return t


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_validated_sheet_read_slim_as_slim_records_leaves_its_records(data: st.DataObject) -> None:
    """``Table.records(shared)``, slim from the columns (the fast path a merge takes), gives what the
    plain ``slim_records`` makes of ``Table.records()``: the same values in the same order, texts
    kept, codes, counts, colours and rows."""
    import copy

    table = data.draw(tables())
    spec = F.BY_KIND["annex1"]
    plain = FormResult("x.xlsx", sheets=[SheetResult("附件1", spec, 3, 1, {}, built=copy.deepcopy(table).records())])
    slim_records(plain, {})  # the reference: the records as validated, then slimmed
    fast = FormResult("x.xlsx", sheets=[SheetResult("附件1", spec, 3, 1, {}, table=table)])
    slim_records(fast, {})
    assert fast.sheets[0].table is None
    a, b = plain.sheets[0].records, fast.sheets[0].records
    assert a == b
    assert [(list(r.values.items()), r.raw, tuple(r.codes), tuple(r.colour_reasons), r.row, r.errors, r.warnings,
             r.colour, r.kind, r.sheet) for r in a] == \
        [(list(r.values.items()), r.raw, tuple(r.codes), tuple(r.colour_reasons), r.row, r.errors, r.warnings,
          r.colour, r.kind, r.sheet) for r in b]
    assert [[type(x) for x in r.values.values()] for r in a] == [[type(x) for x in r.values.values()] for r in b]
