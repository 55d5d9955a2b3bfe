"""Deadline rules (启依法办发〔2020〕15号 二): a holder's leaving, move or lost certificate is reported
within 3 working days (days off per the State Council's holiday schedule, workdays.py).

T001 annex 4 filed late after the loss · T002 annex 2/3 filed late after the change · T003 annex 2/3
without 变动日期, so not checkable · T004 survey (柞政司发〔2024〕52号): a holder who left and still holds the
card after the self-correction phase · T005 a year the holiday calendar does not know (counted Monday to Friday).
"""

from __future__ import annotations

import datetime as dt

from ... import rules as R
from ..context import FileCheck
from ..table import Table
from .survey import held, left_post


def late_by(check: FileCheck, event: dt.date, until: dt.date) -> tuple[dt.date, int]:
    """(deadline, working days late) of an action due ``report_days`` (3) working days after
    ``event`` and done on ``until``. The day of the event does not count; the deadline day itself
    is on time; an event before the notice was issued (启依法办发〔2020〕15号, 2020-11-25) is counted from
    the day it was issued — no duty ran before it. A year the calendar does not know is counted
    Monday to Friday and said once (T005)."""
    cal = check.opts.get_calendar()
    deadline = cal.add_workdays(max(event, R.QD_ISSUED), check.opts.report_days)
    for year in range(event.year, max(deadline, until).year + 1):  # the years this count walked through
        if not cal.is_known(year) and year not in check.warned_years:
            check.warned_years.add(year)
            check.add("T005", year=year)
    # filed on a day off after the deadline: 1 working day late, as overdue says of that day
    late = max(1, cal.workdays_between(deadline, until)) if until > deadline else 0
    return deadline, late


def lost_reported_late(t: Table) -> None:
    """T001: an annex 4 (补发) filed more than 3 working days after 证件遗失时间."""
    _reported_late(t, "T001", "lost_date", "证件遗失时间")


def change_reported_late(t: Table) -> None:
    """T002: an annex 2/3 (注销, 换证) filed more than 3 working days after its 变动日期."""
    _reported_late(t, "T002", "change_date", "变动日期")


def _reported_late(t: Table, code: str, key: str, title: str) -> None:
    """The form's 填报时间 against each row's event date (no date on or before it: nothing to say).
    Each distinct event date is counted once, in the order the rows hold them."""
    form_date = t.check.meta.date
    if form_date is None:
        return
    events = t.value(key)
    counted = {event: late_by(t.check, event, form_date) for event in dict.fromkeys(events)
               if event and event <= form_date}
    late = {event for event, (_, days) in counted.items() if days > 0}
    for k in [k for k, event in enumerate(events) if event in late] if late else ():
        event = events[k]
        deadline, days = counted[event]
        early = event < R.QD_ISSUED
        t.flag(code, k, t.col(key), title, event.isoformat(), event=event.isoformat(),
               deadline=deadline.isoformat(), form_date=form_date.isoformat(), late=days,
               before_notice=f"（在{R.QD} {R.QD_ISSUED.isoformat()} 印发之前，期限自印发之日起算）" if early else "",
               before_notice_en=f" (before {R.QD} was issued on {R.QD_ISSUED.isoformat()}: counted from that day)"
               if early else "")


def revocation_due(cal, followup_due: dt.date, campaign_end: dt.date | None,
                   left: dt.date | None) -> dt.date | None:
    """The day a holder the survey finds must lose the card has it revoked by (柞政司发〔2024〕52号 二, 三.3
    及时收回并注销 — no day count): the end of the self-correction phase (``followup_due``, a day off moved
    to the next working day, 民法典 203). A holder who left on or after that day cannot have been due
    before leaving: the campaign's end (its 总结提升 phase) instead; one who left after the campaign
    ended owes the campaign nothing (None). ``left``: the 离岗日期, None for a holder found for another
    reason (non-staff, old version), whose state predates the phase."""
    due = cal.next_workday(followup_due)
    if left is None or left < due:
        return due
    if campaign_end is None or left > campaign_end:
        return None
    return cal.next_workday(campaign_end)


def left_and_not_revoked(t: Table) -> None:
    """T004 (柞政司发〔2024〕52号 二, 三.3 及时收回并注销 — no day count): a holder who left the post (在岗状态
    not 在岗, with 离岗日期) and still holds the certificate after the day it was due (:func:`revocation_due`:
    the self-correction phase's end, 2024-06-30 moved to 07-01; for a holder who left after it, the
    campaign's end), judged at the survey's 填报时间 (else today). Qidong's 3 working days are not a
    Shaanxi rule."""
    until = t.check.reference_date
    opts = t.check.opts
    cal = opts.get_calendar()
    phase_due = cal.next_workday(opts.followup_due)
    leave_dates, still_held = t.value("leave_date"), held(t)
    for k in left_post(t):
        left = leave_dates[k]
        if not still_held[k] or left > until:
            continue
        deadline = revocation_due(cal, opts.followup_due, opts.campaign_end, left)
        if deadline is None or until <= deadline:
            continue
        late = max(1, cal.workdays_between(deadline, until))  # until > deadline: a day off after it is 1
        if late > 0:
            t.flag("T004", k, t.col("leave_date"), "离岗日期", left.isoformat(), event=left.isoformat(),
                   deadline=deadline.isoformat(), form_date=until.isoformat(), late=late,
                   phase=_PHASE[deadline != phase_due][0], phase_en=_PHASE[deadline != phase_due][1])


_PHASE = {False: ("自查自纠阶段内", "within the self-correction phase"),
          True: ("专项清理结束前（自查自纠阶段结束后离岗）", "by the end of the cleanup (left after the self-correction phase)")}


def not_checkable(check: FileCheck, sheet: str, kind: str, colmap: dict[str, int], rows: int) -> None:
    """T003: an annex 2/3 without the optional 变动日期 column: the 3-day rule cannot be checked."""
    if rows and kind in ("annex2", "annex3") and "change_date" not in colmap:
        check.add("T003", sheet)
