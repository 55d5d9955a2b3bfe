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
