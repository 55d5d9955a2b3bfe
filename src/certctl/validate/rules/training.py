"""Training rules: hours a holder must have had.

A303 annex 3: fewer than 20 hours of training in the new field before a new card (柞政司发〔2024〕52号
三.3) · S004 survey: 本年度培训学时 below the annual requirement (三.4; 60 hours a year from
国办发〔2023〕27号) · S005 survey: 新执法领域培训学时 filled and below 20.
"""

from __future__ import annotations

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
    requirement (60 by default)."""
    minimum = t.check.opts.annual_hours
    hours, statuses = t.value("hours"), t.value("status")
    for k in rows_where(hours, lambda h: h is not None and h < minimum, held(t)):
        if statuses[k] in (None, "在岗"):
            t.flag("S004", k, t.col("hours"), "本年度培训学时", _num(hours[k]), min=_num(minimum))
