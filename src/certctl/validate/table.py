"""The data rows of one sheet, column by column: what the converters fill, what the rules read, and
what records are built from.

A rule looks at whole columns (``t.value("status")``, ``t.ids.ok`` …) and flags the rows that break
it (``t.flag(code, k, …)``, k being the row's index among the data rows). Each row's findings are
kept in the order they were flagged; a Record is built only when someone reads the records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence

from .. import forms as F
from .. import rules as R
from ..findings import Finding
from ..normalize import cell_text
from .results import _NONE, Record, _Columns, slim_columns

if TYPE_CHECKING:
    from .columns import IdColumns
    from .context import FileCheck

ID_KEYS = ("id", "id_ok", "_birth", "_male")  # Record.values keys of the ID column


class Table:
    def __init__(self, check: FileCheck, spec: F.FormSpec, sheet: str, colmap: dict[str, int],
                 rows: list[int], raw: dict[str, Sequence[object]]):
        self.check = check  # the file: options, metadata, findings
        self.spec = spec
        self.kind = spec.kind
        self.sheet = sheet
        self.colmap = colmap  # column key -> 0-based sheet column
        self.rows = rows  # Excel row number of each data row
        self.raw = raw  # column key -> cells as read (for every column of the form present)
        self.values: dict[str, list[Any]] = {}  # value key -> normalised values (Record.values)
        self.ids: IdColumns | None = None  # the ID column's values
        self.found: dict[int, list[Finding]] = {}  # data-row index -> its findings, in order
        self.colour: list[str] | None = None  # survey: 红/黄/绿 by rule, per row
        self.colour_reasons: dict[int, list[str]] = {}
        self._texts: dict[str, list[str]] = {}
        self._derived: dict[str, Any] = {}
        self._records: list[Record] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    # -------------------------------------------------------------------------- reading
    def col(self, key: str) -> int | None:
        """The 0-based sheet column of a form column; None when the form lacks it."""
        return self.colmap.get(key)

    def value(self, key: str) -> Sequence[Any]:
        """The normalised values of a column (all None when the form lacks it)."""
        found = self.values.get(key)
        return found if found is not None else [None] * len(self.rows)

    def text(self, key: str) -> Sequence[str | None]:
        """The text of each cell of a column as read (all None when the form lacks it)."""
        if key not in self._texts:
            cells = self.raw.get(key)
            if cells is None:
                return [None] * len(self.rows)
            self._texts[key] = [v if v.__class__ is str else cell_text(v) for v in cells]  # type: ignore[misc]
        return self._texts[key]

    def derived(self, name: str, make: Callable[[], Any]) -> Any:
        """A column several rules read (survey: whether each certificate is still held), made once."""
        if name not in self._derived:
            self._derived[name] = make()
        return self._derived[name]

    def codes(self, k: int) -> list[str]:
        return [f.code for f in self.found.get(k, ())]

    # -------------------------------------------------------------------------- flagging
    def flag(self, code: str, k: int, col: int | None, field: str, value: str | None, *,
             sensitive: bool = False, severity: str | None = None, **params: Any) -> None:
        """Report ``code`` at data row k, column ``col`` (the cell the finding points at)."""
        f = self.check.add(code, self.sheet, self.rows[k], col, field, value, sensitive=sensitive,
                           severity=severity, **params)
        if f is None:
            return
        self.found.setdefault(k, []).append(f)
        if self._records is not None:
            _count(self._records[k], f)

    # -------------------------------------------------------------------------- records
    def records(self, shared: dict[Any, Any] | None = None) -> list[Record]:
        """One Record per data row, built on first call; ``shared``: at once as
        :func:`~certctl.validate.results.slim_records` leaves them (a merge, issue 15), by columns
        (:meth:`_slim`; the reference is these records slimmed one by one)."""
        if shared is not None and self._records is None:
            return self._slim(shared)
        if self._records is None:
            self._records = [self._record(k, values, texts) for k, (values, texts)
                             in enumerate(zip(self._value_rows(), self._text_rows()))]
        return self._records

    def _value_rows(self) -> Any:
        keys = list(self.values)
        return (dict(zip(keys, row)) for row in zip(*self.values.values())) if keys else ({} for _ in self.rows)

    def _text_rows(self) -> Any:
        keys = list(self.raw)
        return (dict(zip(keys, row)) for row in zip(*(self.text(key) for key in keys)))

    def _slim(self, shared: dict[Any, Any]) -> list[Record]:
        """The slim records from the columns: the value columns as :class:`_Columns` (a row with an
        invalid ID has no birth date or sex, an empty one no id_ok either, as :meth:`_record` leaves
        it), the findings' codes and counts and the colours as columns (issue 15)."""
        n = len(self.rows)
        every = list(self.values)
        which = [0] * n
        keysets = [tuple(every)]
        if "id" in self.values:
            ok = self.values["id_ok"]
            if not all(ok):
                which = [0 if v else 2 if v is None else 1 for v in ok]
                no_fact = tuple(k for k in every if k not in ("_birth", "_male"))
                keysets += [no_fact, tuple(k for k in no_fact if k != "id_ok")]
        errors, warnings, codes = [0] * n, [0] * n, [_NONE] * n
        for k, found in self.found.items():
            codes[k] = [f.code for f in found]
            errors[k] = sum(1 for f in found if f.severity == R.ERROR)
            warnings[k] = sum(1 for f in found if f.severity == R.WARNING)
        colour: Sequence[str | None] = [None] * n
        reasons: list[Any] = [_NONE] * n
        if self.colour is not None:
            colour = self.colour
            for k, why in self.colour_reasons.items():
                reasons[k] = why
        items = [[self.kind] * n, [self.sheet] * n, self.rows, errors, warnings, codes, colour, reasons]
        return slim_columns(items, _Columns.of(every, [self.values[k] for k in every], keysets, which, n), self.raw,
                            shared)

    def _record(self, k: int, values: dict[str, Any], raw: dict[str, str]) -> Record:
        if "id" in values and not values["id_ok"]:  # an invalid ID tells no birth date or sex
            del values["_birth"], values["_male"]
            if values["id_ok"] is None:  # nor an empty one whether it is valid
                del values["id_ok"]
        rec = Record(self.kind, self.sheet, self.rows[k], values, raw)
        for f in self.found.get(k, ()):
            _count(rec, f)
        if self.colour is not None:
            rec.colour, rec.colour_reasons = self.colour[k], self.colour_reasons.get(k, [])
        return rec


def _count(rec: Record, f: Finding) -> None:
    rec.codes.append(f.code)
    if f.severity == R.ERROR:
        rec.errors += 1
    elif f.severity == R.WARNING:
        rec.warnings += 1
