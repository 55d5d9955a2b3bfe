"""What validation returns: one FormResult per file, one SheetResult per form sheet, one Record per
data row, and the findings (certctl.findings.Finding). All dataclasses; nothing here prints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import forms as F
from .. import rules as R
from ..findings import Finding, count
from ..reader import ReadError

if TYPE_CHECKING:
    from .table import Table


@dataclass(slots=True)
class Record:
    """One data row, typed. ``values`` holds normalised values by column key (None when empty or
    invalid; the ID column adds id_ok, _birth and _male); ``raw`` the cell text as read."""

    kind: str
    sheet: str
    row: int  # Excel row number
    values: dict[str, Any]
    raw: dict[str, str]
    errors: int = 0
    warnings: int = 0
    codes: list[str] = field(default_factory=list)
    colour: str | None = None  # derived 红/黄/绿 (survey rows)
    colour_reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.errors == 0


@dataclass(slots=True)
class Metadata:
    """The line above the header: 填报单位（盖章）： 填报人员： 联系电话： 填报时间： 年 月 日."""

    unit: str = ""
    reporter: str = ""
    phone: str = ""
    date: dt.date | None = None
    date_text: str = ""
    row: int | None = None  # Excel row of the metadata line
    found: bool = False
    # (Excel row, 0-based column) of the cell holding each value ("unit", "reporter", "phone",
    # "date"); the cell of its label when the value is empty. Metadata findings point there.
    cells: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class SheetResult:
    """One sheet read as a form. ``records`` are built from ``table`` the first time they are read:
    validating needs only the converted columns, so ``validate -q`` never builds a Record."""

    sheet: str
    spec: F.FormSpec
    header_row: int  # Excel row number of the (last) header row
    header_rows: int  # 1, 2 or 3
    colmap: dict[str, int]  # column key -> 0-based index
    skipped: int = 0  # blank, footer and repeated-header rows
    table: Table | None = field(default=None, repr=False, compare=False)
    built: list[Record] | None = field(default=None, repr=False)
    released: int = field(default=0, repr=False, compare=False)  # records let go once merged (release_records)

    @property
    def records(self) -> list[Record]:
        if self.built is None:
            self.built = self.table.records() if self.table is not None else []
            self.table = None  # the records hold the values: the columns are not needed again (issue 15)
        return self.built

    @property
    def records_built(self) -> bool:
        return self.built is not None

    @property
    def record_count(self) -> int:
        """len(records), without building them."""
        if self.built is None and self.table is not None:
            return len(self.table.rows)
        return len(self.records) + self.released

    def __getstate__(self) -> dict[str, Any]:  # the cache (certctl.codec) holds the records, not the table
        assert not self.released, "a sheet whose records were let go is never cached"
        state = {k: v for k, v in self.__dict__.items() if k not in ("table", "built", "released")}
        state["records"] = self.records
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        records = state.pop("records", [])
        self.__dict__.update(state)
        self.built, self.table, self.released = records, None, 0


@dataclass
class FormResult:
    path: str
    family: str = "unknown"
    sha256: str = ""
    format: str = ""
    meta: Metadata = field(default_factory=Metadata)
    sheets: list[SheetResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    read_error: ReadError | None = None
    output: str = ""  # certctl's own output (ledger, report, annotated): not a form, skipped (certctl.marks)

    @property
    def rows(self) -> int:
        return sum(s.record_count for s in self.sheets)

    @property
    def errors(self) -> int:
        return count(self.findings, R.ERROR)

    @property
    def warnings(self) -> int:
        return count(self.findings, R.WARNING)

    @property
    def infos(self) -> int:
        return count(self.findings, R.INFO)

    def records(self, kind: str | None = None) -> list[Record]:
        return [r for s in self.sheets if kind is None or s.spec.kind == kind for r in s.records]

    def sheet_of(self, kind: str) -> SheetResult | None:
        for s in self.sheets:
            if s.spec.kind == kind:
                return s
        return None


# ------------------------------------------------------------------------------ bounded memory (issue 15)
#: Record.raw texts read once validation is over, and only when the value is empty (``values.get(k) or
#: raw.get(k)``; the ID and certificate number: when invalid) — certctl.model.events, certctl.render
RAW_KEPT = ("name", "remark", "opinion")
#: Record.values columns with few distinct values (units, choices; names repeat too): one string object
#: for them all
SHARED_KEYS = frozenset(("name", "unit", "orig_unit", "reporting_unit", "sex", "action", "category", "version", "person_type",
                         "status", "reason", "destination", "field", "post", "legal_qual", "colour", "issuer",
                         "must_report", "short", "declaration"))
_NO_RAW: dict[str, str] = {}  # shared: a slim record's raw is only read
_NONE: tuple[str, ...] = ()
_item = tuple.__getitem__


class Values(tuple):  # type: ignore[type-arg]
    """A slim record's values: read like the dict they were (``get``, ``[key]``, ``in``, ``items`` …,
    equal to an equal dict), stored as one tuple whose first item maps each key to its place — one map
    for every row with the same columns: ~130 bytes a row against ~370 for the dict (issue 15)."""

    __slots__ = ()

    def get(self, key: str, default: Any = None) -> Any:
        i = _item(self, 0).get(key)
        return default if i is None else _item(self, i)

    def __getitem__(self, key: str) -> Any:  # type: ignore[override]
        return _item(self, _item(self, 0)[key])

    def __contains__(self, key: object) -> bool:
        return key in _item(self, 0)

    def __iter__(self) -> Any:
        return iter(_item(self, 0))

    def __len__(self) -> int:
        return len(_item(self, 0))

    def keys(self) -> Any:
        return _item(self, 0).keys()

    def values(self) -> list[Any]:
        return [_item(self, i) for i in _item(self, 0).values()]

    def items(self) -> list[tuple[str, Any]]:
        return [(k, _item(self, i)) for k, i in _item(self, 0).items()]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Values) and _item(self, 0) is _item(other, 0):
            return tuple.__eq__(self, other)
        if isinstance(other, (Values, dict)):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(dict(self.items()))


def slim_values(v: dict[str, Any], shared: dict[Any, Any]) -> Values:
    """``v`` as :class:`Values`, its dates and its strings under ``SHARED_KEYS`` one object each."""
    maps = shared.setdefault(Values, {})
    keys = tuple(v)
    index = maps.get(keys)
    if index is None:
        index = maps[keys] = {k: i for i, k in enumerate(keys, start=1)}
    return Values((index, *[shared.setdefault(x, x) if x.__class__ is dt.date or (x.__class__ is str and k in SHARED_KEYS)
                            else x for k, x in v.items()]))


def slim_records(res: FormResult, shared: dict[Any, Any]) -> None:
    """Keep of ``res``'s records only what merging reads, once it is validated (and cached): the values
    without the ID's derived birth date and sex, their repeated strings and dates one object each (in
    ``shared``, across files), the texts as read only where the value is empty; the column tables go.
    What the model, the ledger and the terminal read of the records is unchanged (issue 15)."""
    for s in res.sheets:
        for rec in s.records:
            v = rec.values
            v.pop("_birth", None)
            v.pop("_male", None)
            rec.values = slim_values(v, shared)
            rec.row = shared.setdefault(rec.row, rec.row)  # row 4 … 50,004 of every form: one int each
            raw = rec.raw
            kept = {k: raw[k] for k in RAW_KEPT if raw.get(k) and not v.get(k)}
            if raw.get("id") and not v.get("id_ok"):
                kept["id"] = raw["id"]
            if raw.get("cert") and not v.get("cert"):
                kept["cert"] = raw["cert"]
            rec.raw = kept or _NO_RAW
            if not rec.codes:  # validation is over: nothing adds to them now
                rec.codes = _NONE  # type: ignore[assignment]
            if not rec.colour_reasons:
                rec.colour_reasons = _NONE  # type: ignore[assignment]


def release_records(res: FormResult, keep: Any) -> None:
    """Let go of the records of ``res`` once the model has taken what it needs of them, but those at
    (sheet, row) in ``keep``; ``record_count`` still counts them all."""
    for s in res.sheets:
        recs = s.records
        kept = [r for r in recs if (r.sheet, r.row) in keep] if keep else []
        s.released += len(recs) - len(kept)
        s.built = kept
