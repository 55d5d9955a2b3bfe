"""What validation returns: one FormResult per file, one SheetResult per form sheet, one Record per
data row, and the findings (certctl.findings.Finding). All dataclasses; nothing here prints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from .. import forms as F
from .. import rules as R
from ..findings import Finding, count
from ..normalize import cell_text
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
    validating needs only the converted columns, so ``validate -q`` never builds a Record. A sheet read
    back from the cache has its stored columns there (:class:`PackedRecords`), built the same way, or
    at once slim by :func:`slim_records` (a merge: issue 15)."""

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
        state["records"] = pack_records(self.records)  # by columns: issue 15
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        records = state.pop("records", [])
        table = None
        if type(records) is dict:  # built when first read, from the columns (slim_records: slim at once)
            table, records = PackedRecords(records), None
        elif type(records) is not list or not all(type(r) is Record for r in records):
            raise ValueError("records: neither packed nor a list of records")
        self.__dict__.update(state)
        self.built, self.table, self.released = records, table, 0


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


# ------------------------------------------------------------------------ records stored by columns (issue 15)
#: a packed column: its values as they are (str, int, float, bool, None), dates as day numbers, or
#: anything else each as certctl.codec stores it (decoded by the codec before unpack_records sees it)
_PLAIN = frozenset((str, int, float, bool, type(None)))
_ITEMS = ("kind", "sheet", "row", "errors", "warnings", "codes", "colour", "colour_reasons")


def _pack_column(col: list[Any]) -> list[Any]:
    types = set(map(type, col))
    if types <= _PLAIN:
        return ["p", col]
    if types <= {dt.date, type(None)}:
        return ["d", [None if x is None else x.toordinal() for x in col]]
    return ["e", col]  # certctl.codec encodes each value (a tuple, a datetime …)


def _unpack_column(packed: Any, n: int) -> list[Any]:
    tag, col = packed
    if type(col) is not list or len(col) != n or tag not in ("p", "d", "e"):
        raise ValueError("a packed column of another length or kind")
    if tag == "d":
        days: dict[int, dt.date] = {}
        return [None if x is None else days.get(x) or days.setdefault(x, dt.date.fromordinal(x)) for x in col]
    return col


def _pack_dicts(dicts: list[dict[str, Any]]) -> dict[str, Any]:
    """Dicts as one column a key (None where a dict has not that key) and, a dict, which keys it has
    (each key tuple once, in its order)."""
    keysets: dict[tuple[str, ...], int] = {}
    which = [keysets.setdefault(tuple(d), len(keysets)) for d in dicts]
    every = list(dict.fromkeys(k for ks in keysets for k in ks))
    return {"keys": [list(ks) for ks in keysets], "which": which,
            "cols": [_pack_column([d.get(k) for d in dicts]) for k in every], "every": every}


def pack_records(records: list[Record]) -> dict[str, Any]:
    """``records`` as plain data by columns, for the cache: one list a field, the values and raw texts
    one list a column — stored and read back ~4x cheaper than a record at a time, whose every value
    the codec walked (issue 15). :func:`unpack_records` gives equal records back."""
    cols = {f: _pack_column([getattr(r, f) for r in records]) for f in _ITEMS}
    return {"n": len(records), "items": cols, "values": _pack_dicts([r.values for r in records]),
            "raw": _pack_dicts([r.raw for r in records])}


class PackedRecords:
    """A cached sheet's records as :func:`pack_records` stored them, built when first read (as a
    :class:`~certctl.validate.table.Table` builds them when just validated): ``records()`` the records
    as validated, ``records(shared)`` at once as :func:`slim_records` leaves them. Checked when made
    (ValueError: the cache takes the entry for a miss)."""

    __slots__ = ("n", "items", "values", "raw")

    def __init__(self, packed: dict[str, Any]) -> None:
        n = packed["n"]
        if type(n) is not int or n < 0:
            raise ValueError("packed records without a count")
        self.n = n
        self.items = [_unpack_column(packed["items"][f], n) for f in _ITEMS]
        for codes, reasons in zip(self.items[5], self.items[7]):
            if type(codes) not in (list, tuple) or type(reasons) not in (list, tuple):
                raise ValueError("a record's codes are not a list")
        self.values = _Columns(packed["values"], n)
        self.raw = _Columns(packed["raw"], n)

    @property
    def rows(self) -> range:  # SheetResult.record_count
        return range(self.n)

    def records(self, shared: dict[Any, Any] | None = None) -> list[Record]:
        if shared is not None:
            return self._slim(shared)
        return [Record(kind, sheet, row, v, raw, errors, warnings, codes, colour, reasons)
                for (kind, sheet, row, errors, warnings, codes, colour, reasons), v, raw
                in zip(zip(*self.items), self.values.dicts(), self.raw.dicts())]

    def _slim(self, shared: dict[Any, Any]) -> list[Record]:
        """What ``slim_records`` makes of ``records()``, without the dicts in between (issue 15)."""
        return slim_columns(self.items, self.values, dict(zip(self.raw.every, self.raw.cols)), shared)


class _Columns:
    """Packed dicts (:func:`_pack_dicts`), their columns unpacked."""

    __slots__ = ("keysets", "every", "which", "cols", "n")

    def __init__(self, packed: Any, n: int) -> None:
        self.keysets = [tuple(ks) for ks in packed["keys"]]
        self.every = list(packed["every"])
        self.which = packed["which"]
        if (type(self.which) is not list or len(self.which) != n or len(self.every) != len(packed["cols"])
                or len(set(self.every)) != len(self.every) or not all(type(k) is str for k in self.every)
                or any(k not in self.every for ks in self.keysets for k in ks)
                or (self.which and (set(map(type, self.which)) != {int} or min(self.which) < 0
                                    or max(self.which) >= len(self.keysets)))):
            raise ValueError("packed dicts that do not fit")
        self.cols = [_unpack_column(c, n) for c in packed["cols"]]
        self.n = n

    @classmethod
    def of(cls, every: list[str], cols: list[Sequence[Any]], keysets: list[tuple[str, ...]], which: list[int],
           n: int) -> _Columns:
        """Columns in memory (a validated sheet's, certctl.validate.table), as they would be unpacked."""
        self = cls.__new__(cls)
        self.every, self.cols, self.keysets, self.which, self.n = every, cols, keysets, which, n
        return self

    def dicts(self) -> list[dict[str, Any]]:
        rows = list(zip(*self.cols)) if self.every else [()] * self.n
        if len(self.keysets) == 1 and self.keysets[0] == tuple(self.every):  # the usual sheet
            keys = self.keysets[0]
            return [dict(zip(keys, r)) for r in rows]
        pos = {k: i for i, k in enumerate(self.every)}
        picks = [(ks, [pos[k] for k in ks]) for ks in self.keysets]
        out = []
        for r, w in zip(rows, self.which):
            ks, at = picks[w]
            out.append({k: r[i] for k, i in zip(ks, at)})
        return out


def unpack_records(packed: dict[str, Any]) -> list[Record]:
    """The records :func:`pack_records` stored (ValueError when ``packed`` is not that)."""
    return PackedRecords(packed).records()


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


def _shared_column(col: Sequence[Any], key: str, share: Any) -> Sequence[Any]:
    """A column of values with what :func:`slim_values` shares one object each: its dates, and its
    strings when ``key`` is one of ``SHARED_KEYS``."""
    keyed = key in SHARED_KEYS
    types = set(map(type, col))
    if dt.date not in types and not (keyed and str in types):
        return col
    if types <= ({dt.date, str, type(None)} if keyed else {dt.date, type(None)}):
        return list(map(share, col, col))  # None is itself
    return [share(x, x) if x.__class__ is dt.date or (keyed and x.__class__ is str) else x for x in col]


def slim_columns(items: Sequence[Sequence[Any]], vals: _Columns, raw: dict[str, Sequence[Any]],
                 shared: dict[Any, Any]) -> list[Record]:
    """The records :func:`slim_records` leaves, made at once from a sheet's columns — ``items`` one
    column per field of ``_ITEMS``, ``vals`` the values' columns, ``raw`` the cells as read by column
    key — without a dict a row in between (issue 15): for a sheet read back from the cache
    (:class:`PackedRecords`) and one just validated (:class:`certctl.validate.table.Table`)."""
    share = shared.setdefault
    cols = {k: _shared_column(c, k, share) for k, c in zip(vals.every, vals.cols) if k not in ("_birth", "_male")}
    maps = shared.setdefault(Values, {})
    index_of = []
    for ks in vals.keysets:
        keys = tuple(k for k in ks if k in cols)
        index = maps.get(keys)
        if index is None:
            index = maps[keys] = {k: i for i, k in enumerate(keys, start=1)}
        index_of.append((index, keys))
    rows = zip(*cols.values()) if cols else [()] * vals.n
    if len(index_of) == 1 and index_of[0][1] == tuple(cols):  # every row the same columns
        index = index_of[0][0]
        values = [Values((index, *r)) for r in rows]
    else:
        at = {k: i for i, k in enumerate(cols)}
        picks = [(index, [at[k] for k in keys]) for index, keys in index_of]
        values = []
        for r, w in zip(rows, vals.which):
            index, pos = picks[w]
            values.append(Values((index, *[r[i] for i in pos])))
    raws = _kept_raw(raw, cols, vals.n)
    kind, sheet, row, errors, warnings, codes, colour, reasons = items
    return list(map(Record, kind, sheet, map(share, row, row), values, raws, errors, warnings,
                    [c or _NONE for c in codes], colour, [r or _NONE for r in reasons]))


def _kept_raw(raw: dict[str, Sequence[Any]], cols: dict[str, Sequence[Any]], n: int) -> list[dict[str, str]]:
    """Each row's texts as read that slim_records keeps (most rows: none, one shared empty dict): a
    text is made (cell_text) only of a cell whose value is empty."""
    kept: list[dict[str, str] | None] = [None] * n
    checks = [(k, k) for k in RAW_KEPT] + [("id", "id_ok"), ("cert", "cert")]
    for k, vk in checks:
        cells = raw.get(k)
        if cells is None:
            continue
        vc = cols.get(vk)
        for i in (range(n) if vc is None else [i for i, v in enumerate(vc) if not v]):
            c = cells[i]
            t = c if c.__class__ is str else cell_text(c)
            if t:
                d = kept[i]
                if d is None:
                    d = kept[i] = {}
                d[k] = t
    return [d or _NO_RAW for d in kept]


def slim_records(res: FormResult, shared: dict[Any, Any]) -> None:
    """Keep of ``res``'s records only what merging reads, once it is validated (and cached): the values
    without the ID's derived birth date and sex, their repeated strings and dates one object each (in
    ``shared``, across files), the texts as read only where the value is empty; the column tables go.
    What the model, the ledger and the terminal read of the records is unchanged (issue 15)."""
    for s in res.sheets:
        if s.built is None and s.table is not None:  # just validated or from the cache: slim at once
            s.built, s.table = s.table.records(shared), None
            continue
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
