"""One answer everywhere (issue 19): for random workspaces — real forms written to a folder, dates drawn
around the 2024–2025 holidays and makeup days — every certificate's colour, state and obligations read
back from the ledger workbook written by `certctl merge` equal what `certctl overdue --format json` and
`certctl report` give on the same date (overdue judging the docket it kept from a run on another day,
as a cron job does)."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from certctl.cli import app
from certctl.idcard import make_id
from certctl.report import report_paths
from certctl.samples import write_form
from certctl.workdays import WorkCalendar

D = dt.date
UNITS = ("启东市城市管理局", "启东市市场监督管理局")
SURVEY_UNIT = "柞水县乾佑街道办事处"
FIRST, LAST = D(2024, 1, 2), D(2025, 11, 28)
STATE_ZH = {"overdue": "逾期", "due_today": "今日到期", "due_soon": "即将到期", "open": "未到期", "done": "已办结",
            "done_late": "逾期办结", "not_checkable": "无法核对", "closed": "专项工作已结束，未办结"}

_cal = WorkCalendar(warn=lambda _m: None)
# days the holiday schedule moves (holidays on weekdays, makeup working days on weekends) and their neighbours
_EXCEPTIONS = [FIRST + dt.timedelta(n) for n in range((LAST - FIRST).days)
               if _cal.is_workday(FIRST + dt.timedelta(n)) != ((FIRST + dt.timedelta(n)).weekday() < 5)]
_NEAR = sorted({d + dt.timedelta(k) for d in _EXCEPTIONS for k in range(-4, 5) if FIRST <= d + dt.timedelta(k) <= LAST})
days = st.one_of(st.sampled_from(_NEAR), st.dates(FIRST, LAST))


def after(d: dt.date, lo: int, hi: int) -> Any:
    return st.integers(lo, hi).map(lambda k: min(LAST, max(FIRST, d + dt.timedelta(k))))


@st.composite
def stories(draw: Any, n: int) -> list[tuple[str, dt.date, str, dict[str, Any], dict[str, Any]]]:
    """The rows one certificate's life adds: (family, form date, unit, row, extra meta)."""
    male = draw(st.booleans())
    p = {"name": "王李张刘陈杨黄赵"[n % 8] + "伟芳娜敏静强磊军"[(n * 3) % 8], "sex": "男" if male else "女",
         "id": make_id("320681", D(1970 + n, 1 + n % 12, 1 + n % 28), n * 2 + (1 if male else 0))}
    cert = f"QD{n:04d}"
    unit = draw(st.sampled_from(UNITS))
    out: list[tuple[str, dt.date, str, dict[str, Any]]] = []
    entered = draw(days)
    if draw(st.booleans()):
        out.append(("annex1", draw(after(entered, 0, 3)), unit,
                    {**p, "unit": unit, "cert": cert, "action": "录入归集", "entry_date": entered}))
    plot = draw(st.sampled_from(["none", "revoke", "replace", "loss", "survey"]))
    event = draw(after(entered, 1, 200))
    filed = draw(after(event, 0, 12))
    changed = {"change_date": event} if draw(st.booleans()) else {}
    signed = f"新证于{draw(after(filed, 0, 15)).isoformat()}签收" if draw(st.booleans()) else None
    if plot == "revoke":
        out.append(("annex2", filed, unit, {**p, "unit": unit, "cert": cert, "reason": "退休", "destination": "退休",
                                            **changed}))
    elif plot == "replace":
        new = UNITS[1 - UNITS.index(unit)]
        out.append(("annex3", filed, new, {**p, "orig_unit": unit, "cert": cert, "reason": "调动", "unit": new,
                                           "post": "科员", "field": "市场监管", "new_field_hours": 24, "remark": signed,
                                           **changed}))
    elif plot == "loss":
        out.append(("annex4", filed, unit, {**p, "unit": unit, "cert": cert, "lost_date": event, "remark": signed,
                                            "declaration": "登报声明作废"}))
    elif plot == "survey":
        status = draw(st.sampled_from(["在岗", "在岗", "退休", "调离"]))
        row = {**p, "reporting_unit": SURVEY_UNIT, "unit": unit, "cert": cert, "category": "省级", "version": "新版",
               "person_type": draw(st.sampled_from(["公务员", "公务员", "劳务派遣"])), "status": status,
               "hours": draw(st.sampled_from([64, 30])), "legal_qual": "否",
               "colour": draw(st.sampled_from(["红", "黄", "绿"]))}
        if status != "在岗":
            row["leave_date"] = event
        if draw(st.booleans()):
            row["remark"] = f"证件于{event.isoformat()}遗失"
        if draw(st.booleans()):
            row["opinion"] = "已注销"
        out.append(("survey", filed, SURVEY_UNIT, row))
    if plot in ("revoke", "replace", "loss") and draw(st.booleans()):  # the annex 1 follow-up, in any order
        when = draw(after(filed, -3, 25))
        action = "注销" if plot == "revoke" else draw(st.sampled_from(["注销", "修改", "录入归集"]))
        number = cert if plot == "revoke" or draw(st.booleans()) else f"QN{n:04d}"
        out.append(("annex1", draw(after(when, 0, 3)), unit if plot != "replace" else out[-1][2],
                    {**p, "unit": unit, "cert": number, "action": action, "entry_date": when}))
    return out


@st.composite
def workspaces(draw: Any) -> tuple[list[Any], bool, dt.date]:
    n = draw(st.integers(1, 5))
    rows = [r for i in range(n) for r in draw(stories(i + 1))]
    return rows, draw(st.booleans()) or not rows, draw(days)


def write(root: Path, rows: list[Any], with_registry: bool) -> None:
    forms: dict[tuple[str, dt.date, str], list[dict[str, Any]]] = {}
    for family, date, unit, row in rows:
        forms.setdefault((family, date, unit), []).append(row)
    for (family, date, unit), items in forms.items():
        data: Any = {"survey_people": items} if family == "survey" else items
        write_form(root / unit / f"{family}-{date.isoformat()}.xlsx", family, data,
                   {"unit": unit, "reporter": "张三", "phone": "0513-83123456", "date": date})
    if with_registry:
        write_form(root / "参考名单" / "执法主体清单.xlsx", "registry",
                   [{"unit": u, "short": "", "must_report": "是"} for u in (*UNITS, SURVEY_UNIT)])


def _day(v: Any) -> str | None:
    if v is None or v == "":
        return None
    return v.date().isoformat() if isinstance(v, dt.datetime) else str(v)


def _sheet(path: Path, name: str, head: str | None = None) -> list[dict[str, Any]]:
    rows = [list(r) for r in openpyxl.load_workbook(path)[name].iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r and r[0] == head) if head else 0
    return [dict(zip(rows[start], r)) for r in rows[start + 1:] if any(v is not None for v in r)]


# each example writes a folder of forms and runs three commands (~1 s); CERTCTL_PROPERTY_EXAMPLES=500 for a
# longer search
@settings(max_examples=int(os.environ.get("CERTCTL_PROPERTY_EXAMPLES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(workspaces())
def test_ledger_overdue_and_report_give_one_answer(ws: tuple[list[Any], bool, dt.date]) -> None:
    rows, with_registry, as_of = ws
    day = as_of.isoformat()
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "forms"
        write(root, rows, with_registry)
        ledger = Path(tmp) / "台账.xlsx"
        res = runner.invoke(app, ["merge", str(root), "-o", str(ledger), "--as-of", day, "--no-cache", "-q"])
        assert res.exit_code in (0, 1), res.output
        # overdue as cron runs it: a run on another day keeps the docket, this day's run judges it again
        other = (as_of + dt.timedelta(days=9)).isoformat()
        assert runner.invoke(app, ["overdue", "--dir", str(root), "--as-of", other, "-q"]).exit_code in (0, 1)
        res = runner.invoke(app, ["overdue", "--dir", str(root), "--as-of", day, "--format", "json", "--show-id"])
        assert res.exit_code in (0, 1), res.output
        doc = json.loads(res.stdout)
        res = runner.invoke(app, ["report", "--dir", str(root), "--as-of", day, "--out", str(Path(tmp) / "r"), "-q",
                                  "--show-id"])
        assert res.exit_code in (0, 1), res.output
        report = report_paths(Path(tmp) / "r", as_of)[0]

        certs = {r["证件号码"]: r for r in _sheet(ledger, "证件台账")}
        items = _sheet(ledger, "期限事项")
        # every obligation: the ledger's 期限事项 counts are overdue's counts
        for state, n in doc["counts"].items():
            assert sum(1 for r in items if r["状态"] == STATE_ZH[state]) == n, (state, n)
        # the items listed as needing attention: the same in both, and the same certificate state and colour
        listed = doc["overdue"] + doc["due_soon"]
        pending = sorted((STATE_ZH[o["state"]], o["unit"], o["cert"], o["owed"], o["deadline"]) for o in listed)
        assert pending == sorted((r["状态"], r["单位"] or "", r["证件号码"] or "", r["应办事项"], _day(r["期限"]))
                                 for r in items if r["状态"] in ("逾期", "今日到期", "即将到期"))
        for o in listed:
            if o["cert"]:
                row = certs[o["cert"]]
                assert (o["status"], o["colour"]) == (row["证件状态"], row["红黄绿"]), o
                assert row["红黄绿"] in ("红", "黄"), (o, row)  # colour follows obligations: never green
        attention = {o["cert"] for o in listed if o["cert"]}
        for cert, row in certs.items():
            if row["红黄绿"] == "绿" or row["红黄绿"] is None:
                assert cert not in attention, row
            if row["红黄绿"] is None:
                assert row["证件状态"] in ("已注销", "已换发", "已补发"), row
        # the report: overdue items as overdue lists them, colours per unit as the ledger counts them
        over = _sheet(report, "逾期事项")
        assert sorted((r["单位"], r["证件号码"] or "", _day(r["期限"]), int(r["逾期工作日"])) for r in over) == sorted(
            (o["unit"], o["cert"], o["deadline"], o["late"]) for o in doc["overdue"])
        units = {r["单位"]: r for r in _sheet(report, "汇总", "单位") if r["单位"] != "合计"}
        for unit in {r["所属主体"] for r in certs.values()}:
            mine = [r["红黄绿"] for r in certs.values() if r["所属主体"] == unit]
            got = units[unit]
            assert (got["红"], got["黄"], got["绿"], got["证件数"]) == (
                mine.count("红"), mine.count("黄"), mine.count("绿"), len(mine)), unit
        summary = {r["单位"]: r for r in _sheet(ledger, "单位汇总")}
        for unit, got in units.items():
            if unit in summary:
                assert got["持证人数"] == summary[unit]["持证人数"], unit
