"""Duplicates inside one form (across all its sheets of the same kind: a long list continued on a
second sheet is one list).

U001 the same ID number twice · U002 one certificate number for two ID numbers. Only rows with a
valid ID take part; the first occurrence is where the message points the clerk.
"""

from __future__ import annotations

from collections import Counter

from ..table import Table


def same_id_twice(t: Table) -> None:
    """U001: an ID number that already occurred in the form (on this sheet or an earlier one)."""
    if t.ids is None:
        return
    ids, oks, rows = t.ids.ids, t.ids.ok, t.rows
    earlier = t.check.seen_ids.setdefault(t.kind, [])  # [(sheet, {ID: Excel row where it first occurs})]
    seen_before = set().union(*(first.keys() for _, first in earlier))
    # the first row of each valid ID on this sheet (read backwards, so the earliest row is kept)
    first_here = {pid: row for pid, row, ok in zip(reversed(ids), reversed(rows), reversed(oks)) if ok}
    earlier.append((t.sheet, first_here))
    if t.kind in ("survey_units", "registry"):
        return
    counts = Counter(pid for pid, ok in zip(ids, oks) if ok)
    repeated = {pid for pid, n in counts.items() if n > 1} | (seen_before & counts.keys())
    for k in [k for k, pid in enumerate(ids) if pid in repeated]:
        pid = ids[k]
        if oks[k] and (first_here[pid] != rows[k] or pid in seen_before):
            sheet, row = next((s, first[pid]) for s, first in earlier if pid in first)
            t.flag("U001", k, t.col("id"), "身份证号码", pid, sensitive=True, id=pid, other=where(t, sheet, row))


def certificate_for_two_ids(t: Table) -> None:
    """U002: a certificate number that already occurred in the form for a different ID number."""
    if t.ids is None or "cert" not in t.values:
        return
    ids, oks, certs = t.ids.ids, t.ids.ok, t.values["cert"]
    earlier = t.check.seen_certs.setdefault(t.kind, [])  # [(sheet, {certificate: first row index}, IDs, Excel rows)]
    # the first row (index) of each certificate on this sheet among rows with a valid ID
    first_here = {cert: k for k, cert, ok in zip(range(len(certs) - 1, -1, -1), reversed(certs), reversed(oks))
                  if ok and cert}
    seen_before = set().union(*(first.keys() for _, first, _, _ in earlier))
    earlier.append((t.sheet, first_here, ids, t.rows))
    counts = Counter(cert for cert, ok in zip(certs, oks) if ok and cert)
    repeated = {cert for cert, n in counts.items() if n > 1} | (seen_before & counts.keys())
    for k in [k for k, cert in enumerate(certs) if cert in repeated]:
        cert = certs[k]
        if oks[k] and (first_here[cert] != k or cert in seen_before):
            sheet, first_id, row = _first_holder(earlier, cert)
            if first_id != ids[k]:
                t.flag("U002", k, t.col("cert"), "证件号码", cert, other=where(t, sheet, row))


def _first_holder(earlier: list, cert: str) -> tuple[str, str, int]:
    """(sheet, ID, Excel row) of the first row holding a certificate number."""
    for sheet, first, ids, rows in earlier:
        if cert in first:
            return sheet, ids[first[cert]], rows[first[cert]]
    raise KeyError(cert)


def where(t: Table, sheet: str, row: int) -> str:
    """'第 5 行' on the same sheet, '工作表“第2页”第 5 行' on another one."""
    if t.check.lang == "en":
        return f"row {row}" if sheet == t.sheet else f"sheet '{sheet}' row {row}"
    return f"第 {row} 行" if sheet == t.sheet else f"工作表“{sheet}”第 {row} 行"
