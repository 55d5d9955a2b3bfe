"""Annex rules (启依法办发〔2020〕15号 二 and the notes printed under annexes 2–4).

A201 / A301 annex 2/3: hand back the original certificates with the form (a reminder) · A302 annex 3:
换证原因 says the holder moved to another unit, yet the unit before and after is the same · A402 annex 4: attach the proof
of the invalidation declaration (a reminder). (A401, an empty 领证机关声明作废情况, is a cell check.)
"""

from __future__ import annotations

from ...normalize import compact
from ..context import FileCheck
from ..table import Table

MOVE_WORDS = ("调动", "调入", "调至", "调往", "调离", "单位变更", "转隶")  # 换证原因: the holder moved to another unit
POST_WORDS = ("岗位调动", "岗位调整", "岗位变动", "内部调岗")  # a change of post inside the unit (Qidong 二 names 岗位调动)


def moved_to_another_unit(reason: str | None) -> bool:
    """Does 换证原因 say the holder moved to another unit (not a change of post inside it)?"""
    text = compact(reason or "")
    for w in POST_WORDS:
        text = text.replace(w, "")
    return any(w in text for w in MOVE_WORDS)


def same_unit_after_move(t: Table) -> None:
    """A302: 换证原因 says the holder moved to another unit (调动 / 调入 / 单位变更), yet 原所属主体 and
    现所属主体 are the same. Same unit with any other reason — 岗位调动 (启依法办发〔2020〕15号 二 names it),
    a new version, a damaged card, changed details, or none given — is normal (SPEC 3). Units and
    reasons repeat: each distinct (before, after, reason) is judged once."""
    moves = list(zip(t.value("orig_unit"), t.value("unit"), t.value("reason")))
    same = {move for move in set(moves) if _same_unit(*move)}
    for k in [k for k, move in enumerate(moves) if move in same] if same else ():
        _, after, reason = moves[k]
        t.flag("A302", k, t.col("unit"), "现所属主体（受委托组织）全称", after, reason=reason)


def _same_unit(before: str | None, after: str | None, reason: str | None) -> bool:
    return bool(before and after and moved_to_another_unit(reason) and compact(before) == compact(after))


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
