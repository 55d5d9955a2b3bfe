"""Training rules: hours a holder must have had.

A303 annex 3: fewer than 20 hours of training in the new field before a new card (柞政司发〔2024〕52号
三.3) · S004 survey: 本年度培训学时 below the annual requirement (三.4; 60 hours a year from
国办发〔2023〕27号) · S005 survey: 新执法领域培训学时 filled and below 20.
"""

from __future__ import annotations

from ... import rules as R
from ..columns import rows_where
from ..table import Table
from .survey import _num, held


def new_field_hours_short(t: Table) -> None:
    """A303: an annex 3 row whose 新执法领域培训学时 is below the required 20 hours."""
    _below(t, "A303", t.check.opts.new_field_hours)


def new_field_hours_short_survey(t: Table) -> None:
    """S005: a survey row whose 新执法领域培训学时 is filled and below 20 hours."""
    _below(t, "S005", t.check.opts.new_field_hours)


def _below(t: Table, code: str, minimum: float) -> None:
    hours = t.value("new_field_hours")
    for k in rows_where(hours, lambda h: h is not None and h < minimum):
        t.flag(code, k, t.col("new_field_hours"), "新执法领域培训学时", _num(hours[k]), min=_num(minimum))


def annual_hours_short(t: Table) -> None:
    """S004: a holder in post who still holds the card has fewer 本年度培训学时 than the annual
    requirement (60 by default, 国办发〔2023〕27号). The requirement is for the whole year: a survey dated
    before 1 October reports hours so far, so a shortfall then is info (hours still needed this year);
    from 1 October it is a warning (柞政司发〔2024〕52号 三.4: 未完成…年度审查不予通过)."""
    minimum = t.check.opts.annual_hours
    early = t.check.reference_date.month < 10
    hours, statuses = t.value("hours"), t.value("status")
    for k in rows_where(hours, lambda h: h is not None and h < minimum, held(t)):
        if statuses[k] not in (None, "在岗"):
            continue
        need = _num(minimum - hours[k])
        if early:
            verdict = f"；这是年中的学时，不是全年结果：本年内还需 {need} 学时。"
            verdict_en = f"; these are the hours so far this year: {need} more are needed by year end."
        else:
            verdict = f"；年底前还需 {need} 学时，未完成的证件年度审查不予通过。"
            verdict_en = f"; {need} more are needed by year end, or the annual review fails."
        t.flag("S004", k, t.col("hours"), "本年度培训学时", _num(hours[k]), min=_num(minimum), verdict=verdict,
               verdict_en=verdict_en, severity=R.INFO if early else None)
