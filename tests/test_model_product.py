"""The model's product of a form (model/product.py): its events packed by columns come back equal to
the events the model read off the records (the plain reference: the events themselves)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from certctl import codec
from certctl.model.events import EVENT_KINDS, Event, Slim
from certctl.model.product import events as stored_events, pack_events, unpack_events

DATE = st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))
DATES = st.one_of(st.none(), DATE)
TEXT = st.text(alphabet="张王李启东市局0123456789X（）$", max_size=6)
VALUES = st.dictionaries(st.sampled_from(["unit", "sex", "post", "field", "remark", "change_date", "hours"]),
                         st.one_of(TEXT, st.integers(0, 99), st.booleans(), DATE,
                                   st.tuples(TEXT)), max_size=4)
EVENT = st.builds(
    lambda kind, date, cert, pid, name, unit, sheet, row, values, family, filed, sub, signed, codes:
        (kind, date, cert, pid, name, unit, sheet, row, values, family, filed, sub, signed, codes),
    st.sampled_from(EVENT_KINDS), DATE, TEXT, TEXT, TEXT, TEXT,
    st.sampled_from(["附件1", "Sheet1"]), st.integers(1, 70000), VALUES,
    st.sampled_from(["annex1", "annex2", "annex3", "annex4"]), DATES, st.integers(0, 2), DATES,
    st.lists(st.sampled_from(["V001", "T001", "F003"]), max_size=3).map(tuple))


@settings(max_examples=200, deadline=None)
@given(st.lists(EVENT, max_size=30))
def test_packed_events_come_back_equal(rows: list[tuple]) -> None:
    slim = Slim()
    events = [Event(k, d, c, i, n, u, "/forms/a.xlsx", "a.xlsx", s, r, slim(v), f, fl, sb, None, sg, cd, None)
              for k, d, c, i, n, u, s, r, v, f, fl, sb, sg, cd in rows]
    packed = stored_events(codec.dumps(pack_events(events)))  # as the cache stores it and reads it back
    back = unpack_events(packed, "/forms/a.xlsx", "a.xlsx", {}, Slim())
    assert back == events
    assert [type(e.date) for e in back] == [type(e.date) for e in events]
    assert [list(e.values.items()) for e in back] == [list(e.values.items()) for e in events]  # and their order


@settings(max_examples=100, deadline=None)
@given(st.lists(EVENT, min_size=1, max_size=5), st.sampled_from(["k", "d", "c", "r", "v", "cd", "fl"]),
       st.one_of(st.integers(-3, 99), st.text(max_size=2), st.none(), st.dates()))
def test_events_that_do_not_fit_are_refused(rows: list[tuple], column: str, bad: object) -> None:
    """A stored entry someone changed (or planted) is refused — the form is then read again — or, when
    it still fits, gives events of the right types: never an error later in the model."""
    from certctl.codec import CodecError

    slim = Slim()
    events = [Event(k, d, c, i, n, u, "/f.xlsx", "f.xlsx", s, r, slim(v), f, fl, sb, None, sg, cd, None)
              for k, d, c, i, n, u, s, r, v, f, fl, sb, sg, cd in rows]
    cols = pack_events(events)
    cols[column][0] = bad
    try:
        got = stored_events(codec.dumps(cols))
    except CodecError:
        return
    back = unpack_events(got, "/f.xlsx", "f.xlsx", {}, Slim())
    assert all(type(e.date) is dt.date and type(e.kind) is str and type(e.cert) is str and type(e.row) is int
               and type(e.values) is dict and type(e.codes) is tuple for e in back)
