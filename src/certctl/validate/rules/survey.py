"""Survey rules (柞政司发〔2024〕52号 三.2, 三.3): who may not hold a certificate, the unit's quotas, and
the 红/黄/绿 of every holder.

S001 non-staff holder · S002 left the post, card still held · S003 old-version card still held ·
S008 left the post with no 离岗日期 · S007 the unit's own 证件状态 differs from the colour by rule ·
S006 more holders than 机构编制数 or 执法岗位数 · S009 持证人数 differs from the rows counted.
(Training hours: training.py; the leaving deadline T004: deadline.py.)
"""

from __future__ import annotations

from collections import Counter

from ... import forms as F
from ... import rules as R
from ...normalize import compact
from ..columns import rows_where
from ..convert import not_applicable
from ..context import FileCheck
from ..table import Table

HELD_DONE_WORDS = ("已注销", "已收回", "已上交", "已交回", "已办理注销", "已缴销")  # 处理意见: no longer held
RED = ("S001", "S002", "S003", "T004")
YELLOW = ("S004", "S005", "S008", "V001", "C001", "C002", "C003", "I001", "I002", "I003", "I004", "I005", "I006",
          "I008", "N001", "V002", "V003", "D001", "F007")


def held(t: Table) -> list[bool]:
    """Whether each holder still has the certificate: a certificate number is there, and 处理意见
    does not say it was revoked or handed in (已注销, 已收回 …)."""
    def make() -> list[bool]:
        done = {op: any(w in op for w in HELD_DONE_WORDS) for op in set(t.value("opinion")) if op}
        return [bool(cert or text) and not done.get(op, False)
                for cert, text, op in zip(t.value("cert"), t.text("cert"), t.value("opinion"))]
    return t.derived("held", make)


def left_post(t: Table) -> list[int]:
    """The rows whose 在岗状态 is not 在岗 and whose 离岗日期 is given."""
    def make() -> list[int]:
        leave_dates = t.value("leave_date")
        return [k for k in rows_where(t.value("status"), _left) if leave_dates[k]]
    return t.derived("left_post", make)


def _left(status: str | None) -> bool:
    return bool(status) and status != "在岗"


def non_staff_holder(t: Table) -> None:
    """S001 (三.2 一): 劳务派遣 / 合同制 / 执法辅助 / 工勤 staff may not hold a certificate."""
    kinds = t.value("person_type")
    for k in rows_where(kinds, lambda kind: kind in F.NON_STAFF, held(t)):
        t.flag("S001", k, t.col("person_type"), "人员身份", kinds[k])


def left_but_held(t: Table) -> None:
    """S002 (三.2 二): a holder who retired, moved or resigned (在岗状态 not 在岗) still holds the card."""
    statuses = t.value("status")
    for k in rows_where(statuses, _left, held(t)):
        t.flag("S002", k, t.col("status"), "在岗状态", statuses[k])


def old_version_held(t: Table) -> None:
    """S003 (三.2 四): an old-version (旧版) card is still held."""
    for k in rows_where(t.value("version"), lambda version: version == "旧版", held(t)):
        t.flag("S003", k, t.col("version"), "证件版本", "旧版")


def leave_date_missing(t: Table) -> None:
    """S008: 在岗状态 says the holder left, but 离岗日期 is empty (the deadline cannot be counted)."""
    col = t.col("leave_date") if t.col("leave_date") is not None else t.col("status")
    statuses, leave_dates, texts = t.value("status"), t.value("leave_date"), t.text("leave_date")
    for k in rows_where(statuses, _left):
        if leave_dates[k] is None and (not texts[k] or not_applicable(texts[k])):
            t.flag("S008", k, col, "离岗日期", "", status=statuses[k])


def colour(t: Table) -> None:
    """红黄绿 by rule (三.3 names the mechanism; the colours are certctl's): red when the card must go
    (S001–S003, T004), yellow when something needs doing (training, missing data, a leaving deadline
    still running), else green. Then S007 where the unit's own 证件状态 says otherwise."""
    running = set(left_post(t))  # a leaving deadline still running: yellow unless already red
    lost = _loss_due(t)
    colours = ["绿"] * len(t)
    for k in sorted(set(t.found) | running | lost):
        codes = t.codes(k)
        red = [c for c in codes if c in RED]
        yellow = [f.code for f in t.found.get(k, ()) if f.code in YELLOW and f.severity != R.INFO]  # S004 before Oct
        if not red and k in running and held(t)[k]:
            yellow.append("T004")
        if k in lost:
            yellow.append(LOSS_DUE)
        if red or yellow:
            colours[k], t.colour_reasons[k] = ("红", red) if red else ("黄", yellow)
    t.colour = colours
    reported, holds = t.value("colour"), held(t)  # a card recovered has no colour to disagree with (its state counts)
    for k in [k for k, (said, derived) in enumerate(zip(reported, colours)) if said and said != derived and holds[k]]:
        t.flag("S007", k, t.col("colour"), "证件状态", reported[k], expected=colours[k], reason=_why(t, k))


LOSS_DUE = "loss_report"  # a colour reason that is not a rule: the model's obligation kind
_LOSS_DUE_TEXT = ("证件遗失，补发表（附件4）待报送", "certificate lost, annex 4 (reissue) due")


def _loss_due(t: Table) -> set[int]:
    """Rows whose 备注/处理意见 records a loss (遗失, with its date) whose annex 4 is due or overdue on the
    form's date — judged by the model's own clock (certctl.model.clocks: 3 working days from the loss,
    启依法办发〔2020〕15号 二), so that this form's 红黄绿 is the ledger's: the unit's 黄 is not called wrong."""
    from ...model.clocks import ATTENTION, Clock, evaluate
    from ...model.events import LOSS_WORDS, dated_mention

    opts = t.check.opts
    cal, day = opts.get_calendar(), t.check.reference_date
    out: set[int] = set()
    for k, (remark, opinion) in enumerate(zip(t.text("remark"), t.text("opinion"))):
        if not remark and not opinion:
            continue
        text = f"{remark or ''} {opinion or ''}"
        if not any(w in text for w in LOSS_WORDS):
            continue
        when = dated_mention(text, LOSS_WORDS, t.check.meta.date)[1]
        if when is None:
            continue
        try:
            deadline = cal.add_workdays(when, opts.report_days)
        except (OverflowError, ValueError):
            continue
        ob = evaluate(Clock("loss_report", "", "", "", when, deadline, when, []), day, cal, opts.due_soon_days)
        if ob is not None and ob.state in ATTENTION:
            out.add(k)
    return out


def _why(t: Table, k: int) -> str:
    lang = t.check.lang
    reasons = dict.fromkeys(R.RULES[c].description(lang) if c in R.RULES else _LOSS_DUE_TEXT[lang == "en"]
                            for c in t.colour_reasons.get(k, ()))
    return "、".join(reasons) or ("no problem found" if lang == "en" else "未发现问题")


def unit_quota(check: FileCheck, people: list[Table], units: Table) -> None:
    """S006 (三.2 三): a unit with more holders than its 机构编制数 or 执法岗位数 (holders: the rows
    counted under its name as 所属单位, else as 执法主体, or its own 持证人数 if higher); S009: 持证人数
    differs from the rows counted."""
    counted = _holders(people)
    limits = (("establishment", "机构编制数", "establishment"), ("posts", "执法岗位数", "enforcement posts"))
    for k, (unit, reported) in enumerate(zip(units.value("unit"), units.value("holders"))):
        if not unit:
            continue
        n = counted["reporting_unit"].get(compact(unit), counted["unit"].get(compact(unit), 0))
        holders = max(n, int(reported or 0))
        for key, what_zh, what_en in limits:
            limit = units.value(key)[k]
            if limit is not None and holders > limit:
                units.flag("S006", k, units.col(key), what_zh, _num(limit), unit=unit, holders=holders,
                           what=what_en if check.lang == "en" else what_zh, limit=_num(limit))
        if reported is not None and int(reported) != n and n:
            units.flag("S009", k, units.col("holders"), "持证人数", _num(reported), unit=unit,
                       reported=_num(reported), counted=n)


def _holders(people: list[Table]) -> dict[str, dict[str, int]]:
    """Certificates still held, counted per 所属单位 (reporting_unit) and per 执法主体 (unit), the
    names compared without spaces."""
    counted: dict[str, dict[str, int]] = {"reporting_unit": {}, "unit": {}}
    for t in people:
        for key, per_unit in counted.items():
            for name, n in Counter(name for name, still in zip(t.value(key), held(t)) if name and still).items():
                per_unit[compact(name)] = per_unit.get(compact(name), 0) + n
    return counted


def _num(x: float) -> str:
    """24.0 -> "24", 24.5 -> "24.5"."""
    return str(int(x)) if float(x).is_integer() else str(x)
