"""Converting whole columns: every cell of a column through its converter (convert.py), without
converting 100,000 cells one by one.

- A form's columns repeat themselves: a unit's name, a sex, an action, a handful of dates fill
  100,000 rows. Each distinct value of a column is converted once and its outcome shared.
- Names and certificate numbers are mostly all different, but mostly plain: a name of Chinese
  characters only, a number of digits only, is its own value with nothing to report (AS_IS). Such
  cells are taken as they are — all at once when the whole column is plain — and only the others
  go through the converter.
- ID numbers are all different; idcard.plain_ids recognises the valid plain ones a part at a time,
  and only the rest go through the converter.
- Rules ask "which rows hold a value that …" (a status that is not 在岗, hours below 60): rows_where
  tests each distinct value once.

convert_cell is the reference: tests/test_validate_columns.py checks that a column converted here
gives what converting its cells one by one gives.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from .. import forms as F
from ..idcard import plain_ids
from .convert import CJK_ONLY, NO_ID, FormFacts, IdValue, Problem, convert_cell

Problems = dict[int, tuple[Problem, ...]]  # data-row index -> the problems of its cell

# Column types whose usual cell (a str passing the test) is its own value, with nothing to report.
AS_IS: dict[str, Callable[[str], bool]] = {
    "name": lambda text: CJK_ONLY.fullmatch(text) is not None,  # 张伟
    "cert": lambda text: text.isascii() and text.isdigit(),  # 32068112345678
}


def convert_column(column: Sequence[object], col: F.Column, facts: FormFacts) -> tuple[Any, Problems]:
    """(value of each cell, problems by row) of one column; see convert.convert_cell."""
    if col.type == "id":
        return convert_ids(column, col, facts)
    as_is = AS_IS.get(col.type)
    if as_is is None:
        return convert_distinct(column, col, facts)
    joined = joined_texts(column)
    if joined is not None and as_is(joined):  # every filled cell plain: convert only the blank ones
        rest = [k for k, v in enumerate(column) if not v]
    else:
        rest = [k for k, v in enumerate(column) if not (v.__class__ is str and as_is(v))]  # type: ignore[arg-type]
    values = list(column)
    if not rest:
        return values, {}
    converted, problems = convert_distinct([column[k] for k in rest], col, facts)
    for k, value in zip(rest, converted):
        values[k] = value
    return values, {rest[i]: found for i, found in problems.items()}


def convert_distinct(column: Sequence[object], col: F.Column, facts: FormFacts) -> tuple[list[Any], Problems]:
    """Each distinct value converted once, its outcome given to every cell holding it."""
    distinct = dict.fromkeys(column)
    if True in distinct or False in distinct:  # True == 1 == 1.0, but they read as 是, 1 and 1
        converted = [convert_cell(v, col, facts) for v in column]
        return [value for value, _ in converted], {k: found for k, (_, found) in enumerate(converted) if found}
    outcome = {v: convert_cell(v, col, facts) for v in distinct}
    bad = {v for v, (_, found) in outcome.items() if found}
    if all(_same(value, v) for v, (value, _) in outcome.items()):  # every value is its own (units, listed values)
        values = list(column)
    else:
        values = list(map({v: value for v, (value, _) in outcome.items()}.__getitem__, column))
    return values, ({k: outcome[v][1] for k, v in enumerate(column) if v in bad} if bad else {})


def _same(value: object, cell: object) -> bool:
    """The converted value is the cell itself: equal and of the same type (1, 1.0 and True are equal
    but read differently)."""
    return value.__class__ is cell.__class__ and value == cell


def joined_texts(column: Sequence[object]) -> str | None:
    """The cells joined into one text when every cell is a str (a blank cell reads as ""); else None.
    What holds for the joined text holds for each cell, for tests like "digits only"."""
    try:
        return "".join(column)  # type: ignore[arg-type]
    except TypeError:  # a number, date … among the texts
        return None


def convert_ids(column: Sequence[object], col: F.Column, facts: FormFacts) -> tuple[IdColumns, Problems]:
    """The ID column: plain valid IDs recognised by idcard.plain_ids; every other cell converted one
    by one (it may be empty, stored as a number, mistyped …)."""
    plain = plain_ids(column)
    ids = IdColumns(list(column), [fact is not None for fact in plain], [fact[0] if fact else None for fact in plain],
                    [fact[1] if fact else None for fact in plain])
    problems: Problems = {}
    for k in [k for k, fact in enumerate(plain) if fact is None]:
        value, found = convert_cell(column[k], col, facts)
        ids.set(k, value if value is not None else NO_ID)
        if found:
            problems[k] = found
    return ids, problems


class IdColumns:
    """The values of an ID column as four columns: the normalised number, whether it is valid
    (None when the cell is empty), and for valid ones the birth date and sex it encodes."""

    def __init__(self, ids: list[Any], ok: list[Any], birth: list[Any], male: list[Any]):
        self.ids, self.ok, self.birth, self.male = ids, ok, birth, male

    def set(self, k: int, value: IdValue) -> None:
        self.ids[k], self.ok[k], self.birth[k], self.male[k] = value


def rows_where(column: Sequence[Any], test: Callable[[Any], bool], where: Sequence[Any] | None = None) -> list[int]:
    """The rows whose value passes ``test`` and, when ``where`` is given, whose ``where`` is true (for
    the survey: the card is still held). A column holds a few distinct values (a status, a version,
    hours): each is tested once, not each cell (equal values, like 1 and 1.0, alike)."""
    passing = {v for v in set(column) if test(v)}
    rows = [k for k, v in enumerate(column) if v in passing] if passing else []
    return rows if where is None else [k for k in rows if where[k]]
