"""Duplicates inside one form (across all its sheets of the same kind: a long list continued on a
second sheet is one list).

U001 the same ID number twice · U002 one certificate number for two ID numbers. Only rows with a
valid ID take part; the first occurrence is where the message points the clerk.

Each sheet's taking-part rows are kept (FileCheck.seen_ids / seen_certs) for the sheets after it. A
value is counted once per sheet (a Counter); only the rows holding a value seen twice are looked at
one by one.
"""

from __future__ import annotations

from collections import Counter
from itertools import compress
from typing import Iterator, NamedTuple

from ..table import Table


class Seen(NamedTuple):
    """The rows of one sheet that take part: their values (IDs or certificate numbers), Excel rows
    and ID numbers, in row order."""

    sheet: str
    values: list[str]
    rows: list[int]
    ids: list[str]


def same_id_twice(t: Table) -> None:
    """U001: an ID number that already occurred in the form (on this sheet or an earlier one). In annex 1
    a person is the ID number and 情况 together: an old card revoked (注销) and the new one entered (录入归集)
    in one form is a replacement, not a duplicate (启依法办发〔2020〕15号 一: 收回、换发 are both filed). In
    the survey, the ID number and 证件类别: a holder of a provincial and a ministry card has a row for each."""
    if t.ids is None:
        return
    oks = t.ids.ok
    ks = list(compress(range(len(t)), oks))  # the rows with a valid ID
    ids = list(compress(t.ids.ids, oks))
    keys = ids
    also = {"annex1": "action", "survey_people": "category"}.get(t.kind)
    if also in t.values:
        keys = [f"{i}\x00{a}" for i, a in zip(ids, compress(t.values[also], oks))]
    here = Seen(t.sheet, keys, list(compress(t.rows, oks)), ids)
    earlier = t.check.seen_ids.setdefault(t.kind, [])
    if t.kind not in ("survey_units", "registry"):
        for i, first, j in repeats(earlier, here):
            t.flag("U001", ks[i], t.col("id"), "身份证号码", ids[i], sensitive=True, id=ids[i],
                   other=where(t, first.sheet, first.rows[j]))
    earlier.append(here)


def certificate_for_two_ids(t: Table) -> None:
    """U002: a certificate number that already occurred in the form for a different ID number."""
    if t.ids is None or "cert" not in t.values:
        return
    certs = t.values["cert"]
    ks = [k for k in compress(range(len(t)), t.ids.ok) if certs[k]]  # a valid ID and a certificate
    here = Seen(t.sheet, [certs[k] for k in ks], [t.rows[k] for k in ks], [t.ids.ids[k] for k in ks])
    earlier = t.check.seen_certs.setdefault(t.kind, [])
    for i, first, j in repeats(earlier, here):
        if first.ids[j] != here.ids[i]:
            t.flag("U002", ks[i], t.col("cert"), "证件号码", here.values[i], other=where(t, first.sheet, first.rows[j]))
    earlier.append(here)


def repeats(earlier: list[Seen], here: Seen) -> Iterator[tuple[int, Seen, int]]:
    """(i, first, j) for each row i of ``here`` whose value occurred before — on an earlier sheet, or
    higher on this one — with ``first.rows[j]`` the value's first occurrence in the form."""
    counts = Counter(here.values)
    repeated = set().union(*(s.values for s in earlier)) & counts.keys()
    if len(counts) < len(here.values):  # some value twice on this sheet
        repeated |= {value for value, n in counts.items() if n > 1}
    if not repeated:
        return
    first: dict[str, tuple[Seen, int]] = {}
    for s in [*earlier, here]:
        for i in [i for i, value in enumerate(s.values) if value in repeated]:
            if s.values[i] not in first:
                first[s.values[i]] = (s, i)
            elif s is here:
                yield (i, *first[s.values[i]])


def where(t: Table, sheet: str, row: int) -> str:
    """'第 5 行' on the same sheet, '工作表“第2页”第 5 行' on another one."""
    if t.check.lang == "en":
        return f"row {row}" if sheet == t.sheet else f"sheet '{sheet}' row {row}"
    return f"第 {row} 行" if sheet == t.sheet else f"工作表“{sheet}”第 {row} 行"
