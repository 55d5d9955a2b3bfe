"""Duplicates inside one form (across all its sheets of the same kind: a long list continued on a
second sheet is one list).

U001 the same ID number twice · U002 one certificate number for two ID numbers. Only rows with a
valid ID take part; the first occurrence is where the message points the clerk.
"""

from __future__ import annotations

from ..table import Table


def same_id_twice(t: Table) -> None:
    """U001: an ID number that already occurred in the form (on this sheet or an earlier one)."""
    if t.ids is None:
        return
    ids, rows = t.ids.ids, t.rows
    earlier = t.check.seen_ids.setdefault(t.kind, [])  # [(sheet, {ID: Excel row where it first occurs})]
    seen_before = set().union(*(first.keys() for _, first in earlier))
    valid = [k for k, ok in enumerate(t.ids.ok) if ok]
    valid_ids = ids if len(valid) == len(ids) else [ids[k] for k in valid]
    valid_rows = rows if len(valid) == len(ids) else [rows[k] for k in valid]
    first_here = dict(zip(reversed(valid_ids), reversed(valid_rows)))  # the first row of each ID on this sheet
    repeats = []
    if len(first_here) < len(valid) or seen_before:  # some ID occurs twice
        repeats = [k for k in valid if first_here[ids[k]] != rows[k] or ids[k] in seen_before]
    earlier.append((t.sheet, first_here))
    if t.kind in ("survey_units", "registry"):
        return
    for k in repeats:
        pid = ids[k]
        sheet, row = next((s, first[pid]) for s, first in earlier if pid in first)
        t.flag("U001", k, t.col("id"), "身份证号码", pid, sensitive=True, id=pid, other=where(t, sheet, row))


def certificate_for_two_ids(t: Table) -> None:
    """U002: a certificate number that already occurred in the form for a different ID number."""
    if t.ids is None or "cert" not in t.values:
        return
    ids, rows, certs = t.ids.ids, t.rows, t.values["cert"]
    earlier = t.check.seen_certs.setdefault(t.kind, [])  # [(sheet, {certificate: (ID, Excel row) first seen})]
    seen_before: dict[str, tuple[str, str, int]] = {}
    for sheet, first in earlier:
        for cert, (pid, row) in first.items():
            seen_before.setdefault(cert, (sheet, pid, row))
    with_cert = [k for k, ok in enumerate(t.ids.ok) if ok and certs[k]]
    first_k = dict(zip(reversed([certs[k] for k in with_cert]), reversed(with_cert)))  # each certificate's first row here
    repeats = []
    if len(first_k) < len(with_cert) or seen_before:  # some certificate occurs twice
        repeats = [k for k in with_cert if first_k[certs[k]] != k or certs[k] in seen_before]
    for k in repeats:
        cert = certs[k]
        sheet, first_id, row = seen_before.get(cert) or (t.sheet, ids[first_k[cert]], rows[first_k[cert]])
        if first_id != ids[k]:
            t.flag("U002", k, t.col("cert"), "证件号码", cert, other=where(t, sheet, row))
    earlier.append((t.sheet, {cert: (ids[k], rows[k]) for cert, k in first_k.items()}))


def where(t: Table, sheet: str, row: int) -> str:
    """'第 5 行' on the same sheet, '工作表“第2页”第 5 行' on another one."""
    if t.check.lang == "en":
        return f"row {row}" if sheet == t.sheet else f"sheet '{sheet}' row {row}"
    return f"第 {row} 行" if sheet == t.sheet else f"工作表“{sheet}”第 {row} 行"
