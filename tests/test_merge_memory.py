"""certctl merge in bounded memory (issue 15): each form's records slimmed once validated
(``load_workspace(slim=True)``) and let go once their rows are events (``build_ledger(release=True)``)
— the ledger written is the one the full records give, byte for byte."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certctl.ledger import build_ledger, merge_summary
from certctl.ledger_xlsx import write_ledger
from certctl.render import file_problems
from certctl.validate import Options
from certctl.validate.results import slim_values
from certctl.workspace import load_workspace

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2024, 6, 5)

KEYS = st.sampled_from(["unit", "name", "id", "id_ok", "sex", "cert", "remark", "hours", "entry_date"])
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False), st.text(max_size=3),
                   st.dates(dt.date(2024, 1, 1), dt.date(2024, 1, 9)))
DICTS = st.dictionaries(KEYS, VALUES, max_size=9)


@given(DICTS, DICTS, KEYS)
def test_values_read_like_the_dict(d: dict, other: dict, key: str) -> None:
    shared: dict = {}
    v = slim_values(d, shared)
    assert v.get(key) == d.get(key) and v.get(key, "x") == d.get(key, "x")
    assert (key in v) == (key in d)
    if key in d:
        assert v[key] == d[key]
    else:
        with pytest.raises(KeyError):
            v[key]
    assert list(v) == list(d) and len(v) == len(d) and list(v.keys()) == list(d.keys())
    assert v.items() == list(d.items()) and v.values() == list(d.values())
    assert v == d and d == v and not (v != d)
    w = slim_values(other, shared)
    assert (v == w) == (d == other) == (w == v) and (v != w) == (d != other)
    assert (v == other) == (d == other)
    assert slim_values(dict(reversed(list(d.items()))), shared) == v  # a dict's order never counts


def _ledger(root: Path, out: Path, slim: bool) -> tuple[bytes, object, list]:
    opts = Options(today=AS_OF)
    ws = load_workspace(root, opts, slim=slim)
    ledger = build_ledger(ws, None, AS_OF, release=slim)
    write_ledger(ledger, out, "zh", lock=False)
    problems = [(p, f.code, f.sheet, f.row, name) for p, f, name in file_problems(ws.readable, ws.rel)]
    return out.read_bytes(), merge_summary(ledger).totals, problems


@pytest.mark.parametrize("folder", ["examples/forms", "examples/ledger", "tests/fixtures/versions", "tests/corpus/files"])
def test_slim_and_released_merge_writes_the_same_ledger(folder: str, tmp_path: Path) -> None:
    root = ROOT / folder
    full = _ledger(root, tmp_path / "full.xlsx", slim=False)
    slim = _ledger(root, tmp_path / "slim.xlsx", slim=True)
    assert slim[0] == full[0]
    assert slim[1] == full[1]
    assert slim[2] == full[2]


def test_slim_load_decodes_each_cached_form_in_turn(tmp_path: Path) -> None:
    """``load_workspace(slim=True)`` takes the cache's blobs in one query and decodes each form when its
    turn comes: the same results as the full load from the cache, an unreadable entry a miss, read again."""
    import sqlite3

    from certctl.cache import FormCache

    forms = ROOT / "examples" / "forms"
    opts = Options(today=AS_OF)
    with FormCache(tmp_path / "cache") as cache:
        load_workspace(forms, opts, cache=cache)  # fills it
    with FormCache(tmp_path / "cache") as cache:
        full = load_workspace(forms, opts, cache=cache)
        assert cache.hits == len(full.results) and not cache.misses
    con = sqlite3.connect(tmp_path / "cache" / "cache.sqlite3")
    spoilt = con.execute("SELECT sha256 FROM forms ORDER BY sha256 LIMIT 1").fetchone()[0]
    con.execute("UPDATE forms SET blob = ? WHERE sha256 = ?", (b"\x00garbage", spoilt))
    con.commit()
    con.close()
    with FormCache(tmp_path / "cache") as cache:
        slim = load_workspace(forms, opts, cache=cache, slim=True)
        assert cache.hits == len(full.results) - 1 and cache.misses == 1 and cache.errors
    assert [r.sha256 for r in slim.results] == [r.sha256 for r in full.results]
    assert [r.findings for r in slim.results] == [r.findings for r in full.results]
    assert [[rec.values for rec in r.records()] for r in slim.results] == \
        [[{k: v for k, v in rec.values.items() if k not in ("_birth", "_male")} for rec in r.records()]
         for r in full.results]


PEOPLE = st.lists(st.tuples(st.sampled_from(["A", "B", "C", "D"]),  # ID
                            st.sampled_from(["有效", "已注销", "已换发", "已补发", "挂失"]),
                            st.sampled_from(["", "甲局", "乙局", "乙 局"]),
                            st.sampled_from(["省级", "国家部委"]),
                            st.sampled_from(["annex1", "annex3", "survey_people"]),
                            st.integers(1, 5)), max_size=12)


def _accounts(people: list) -> dict:
    from certctl.model.accounts import Account
    from certctl.model.events import Event

    out = {}
    for n, (pid, status, unit, category, family, day) in enumerate(people):
        cert = f"C{n}"
        ev = Event("录入归集", dt.date(2024, 1, day), cert, pid, "", unit, f"f{n % 3}.xlsx", f"f{n % 3}.xlsx", "s",
                   n + 5, {}, family)
        out[cert] = Account(cert, id=pid, unit=unit, category=category, status=status, events=[ev])
    return out


@given(PEOPLE, st.sets(st.sampled_from(["A", "B", "E"])))
def test_persons_with_one_card_are_not_indexed_and_nothing_changes(people: list, national: set) -> None:
    """_holders and _cross_person index only the persons with several cards (or on the ministry list):
    the same holders, findings and flags as indexing every person."""
    from certctl.model.build import _Builder, _cross_person, _holders

    assert _holders(list(_accounts(people).values())) == _holders(list(_accounts(people).values()), every=True)
    nat = {pid: (f"N{pid}", "national.xlsx 第1行") for pid in national}
    got = []
    for every in (False, True):
        b = _Builder(None, None, AS_OF, None)
        accounts = _accounts(people)
        _cross_person(b, accounts, nat, every=every)
        got.append(([(f.code, f.path, f.row, f.params) for f in b.findings],
                    {c: ([f.code for f in a.findings], list(a.flags)) for c, a in accounts.items()}))
    assert got[0] == got[1]


CELLS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=6),
                  st.text(alphabet="a\r\n\x01\x0b\ufffe 中", max_size=6), st.dates(),
                  st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2030, 1, 1)))


@given(CELLS)
def test_cell_text_at_once_is_the_plain_one(v: object) -> None:
    from certctl.ledger_edits import _norm_plain, norm

    assert norm(v) == _norm_plain(v)


@given(st.lists(st.one_of(st.just(""), st.just(None), CELLS), max_size=6))
def test_any_filled_counts_as_the_plain_any(values: list[object]) -> None:
    from certctl.ledger_edits import _any_filled, _filled

    assert _any_filled(values) == any(_filled(v) for v in values)


def test_a_plain_ledger_edited_after_the_check_is_read_back(tmp_path: Path) -> None:
    """merge asks ``plain`` before reading the forms; a clerk's note saved after that is still carried."""
    from openpyxl import load_workbook

    from certctl import ledger_edits as E
    from certctl.samples import write_form
    from fixtures.builders import annex_row

    forms = tmp_path / "forms"
    write_form(forms / "a.xlsx", "annex1", [annex_row("annex1", n) for n in range(3)])
    out = tmp_path / "台账.xlsx"
    opts = Options(today=AS_OF)
    ledger = build_ledger(load_workspace(forms, opts, slim=True), None, AS_OF, release=True)
    note = E.Note()
    write_ledger(ledger, out, "zh", lock=False, written=lambda s: note.save(out), tap=note.tap)
    certs = [c.cert for c in ledger.certificates]
    sha = E.plain(out)
    assert sha is not None and E.plain(tmp_path / "none.xlsx") is None
    assert E.carry(out, certs, plain_sha=sha).clerk.values(certs[0]) == [None]
    wb = load_workbook(out)
    ws = wb[E.LEDGER_SHEET]
    col = [c.value for c in ws[1]].index("处理情况") + 1
    ws.cell(2, col, "已电话催办")
    wb.save(out)
    assert E.plain(out) is None  # edited: not plain any more
    got = E.carry(out, certs, plain_sha=sha)
    assert got.clerk.values(ws.cell(2, 1).value) == ["已电话催办"] and not got.problems
