"""Annex rules (启依法办发〔2020〕15号 二 and the notes printed under annexes 2–4).

A201 / A301 annex 2/3: hand back the original certificates with the form (a reminder) · A302 annex 3:
the same unit before and after a replacement that moves the holder · A402 annex 4: attach the proof
of the invalidation declaration (a reminder). (A401, an empty 领证机关声明作废情况, is a cell check.)
"""

from __future__ import annotations

from ...normalize import compact
from ..context import FileCheck
from ..table import Table

KEEPS_UNIT = ("旧版换新版", "旧版", "换新版", "损坏", "信息变更", "到期", "更正")  # 换证原因 that keep the holder's unit


def same_unit_after_move(t: Table) -> None:
    """A302: 原所属主体 and 现所属主体 are the same unit, and 换证原因 is not one that keeps the holder
    in the unit (a new version, a damaged card, changed details, expiry, a correction). Units and
    reasons repeat: each distinct (before, after, reason) is judged once."""
    moves = list(zip(t.value("orig_unit"), t.value("unit"), t.value("reason")))
    same = {move for move in set(moves) if _same_unit(*move)}
    for k in [k for k, move in enumerate(moves) if move in same] if same else ():
        t.flag("A302", k, t.col("unit"), "现所属主体（受委托组织）全称", moves[k][1])


def _same_unit(before: str | None, after: str | None, reason: str | None) -> bool:
    return bool(before and after and not any(w in (reason or "") for w in KEEPS_UNIT)
                and compact(before) == compact(after))


def reminders(check: FileCheck, sheet: str, kind: str, checks: tuple[str, ...], rows: int) -> None:
    """A201 / A301 / A402: what must go with a form that has rows."""
    if not rows:
        return
    if kind == "annex2" and "A201" in checks:
        check.add("A201", sheet, rows=rows)
    if kind == "annex3":
        check.add("A301", sheet, rows=rows)
    if kind == "annex4":
        check.add("A402", sheet, rows=rows)
