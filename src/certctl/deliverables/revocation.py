"""待注销/收回清单: per unit, every certificate the cleanup found that must be revoked or recovered
(柞政司发〔2024〕52号 三.2: "凡是不符合资格条件的，一律取消其行政执法资格，并收回行政执法证件"), why — the
category and the survey's file and cell —, by when, and its state on the day. One sheet per unit, each
ready to send and printed on A4; ID numbers masked unless asked."""

from __future__ import annotations

from typing import Any

from .cases import CATEGORIES, RESOLVED, Case, CleanupCases
from .sheets import sheet_title, stamp, write_table

TITLE = ("待注销/收回行政执法证件清单", "Certificates to revoke or recover")
_HEAD = (("序号", "姓名", "身份证号码", "证件号码", "问题类别", "摸排所报情况", "来源（文件、单元格）", "依据", "办理期限",
          "状态", "办结情况"),
         ("no.", "name", "ID number", "certificate", "category", "as surveyed", "source (file, cell)", "basis",
          "deadline", "state", "done"))
_WIDTHS = (5, 9, 20, 15, 16, 16, 34, 22, 11, 10, 30)


def revocation_cases(cases: CleanupCases) -> dict[str, list[Case]]:
    """unit -> its cases whose card must be revoked or recovered (三.2), in list order."""
    out: dict[str, list[Case]] = {}
    for c in cases.cases:
        if CATEGORIES[c.category].revoke:
            out.setdefault(c.unit, []).append(c)
    return out


def _row(n: int, c: Case, lang: str, show_id: bool) -> list[Any]:
    en = lang == "en"
    cat = CATEGORIES[c.category]
    if c.category == "over_quota":
        who = ["—", "—", "—"]
        state = c.state_label(lang) + (f"（{c.resolved}/{c.count}）" if not en else f" ({c.resolved}/{c.count})")
        detail = c.detail + (f"；需减少 {c.count} 人，由单位确定人员" if not en else f"; {c.count} to go, chosen by the unit")
    else:
        who = [c.name, c.shown_id(show_id), c.cert]
        state, detail = c.state_label(lang), c.detail
    done = ""
    if c.state == RESOLVED and c.done_by:
        when = c.done_on.isoformat() if c.done_on else ""
        done = f"{when} {c.done_by}".strip()
    return [n, *who, cat.en if en else cat.zh, detail, f"{c.source} {c.cell}", cat.basis,
            c.due.isoformat() if c.due else "", state, done]


def unit_title(unit: str, cases: CleanupCases, lang: str) -> str:
    if lang == "en":
        return f"{unit}: {TITLE[1]} (as of {cases.as_of.isoformat()})"
    return f"{unit}{TITLE[0]}（截至 {cases.as_of.isoformat()}）"


def render_revocation(cases: CleanupCases, path: Any, lang: str = "zh", show_id: bool = False) -> None:
    """The list as a workbook at ``path``: one printable sheet per unit (a sheet saying none when no unit
    has a card to revoke)."""
    from openpyxl import Workbook

    en = lang == "en"
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    note = ("Please revoke these certificates, send annex 2 (or annex 3 for a transfer) and hand the original "
            "cards back to the bureau by the deadline (柞政司发〔2024〕52号 三.2; 启依法办发〔2020〕15号 二)." if en else
            "请于办理期限前办理注销、收回手续：报送附件2（证件注销表，调动换证报附件3），并将原证件交还县司法局"
            "（柞政司发〔2024〕52号 三.2）。状态为“已整改”的，仅供核对。")
    per_unit = revocation_cases(cases)
    for unit, items in per_unit.items():
        ws = wb.create_sheet(sheet_title(unit, taken))
        rows = [_row(n, c, lang, show_id) for n, c in enumerate(items, start=1)]
        write_table(ws, unit_title(unit, cases, lang), [note], _HEAD[1] if en else _HEAD[0], rows, _WIDTHS, lang)
    if not per_unit:
        ws = wb.create_sheet(sheet_title("None" if en else "无", taken))
        write_table(ws, f"{TITLE[1] if en else TITLE[0]}（{cases.as_of.isoformat()}）",
                    ["No certificate to revoke was found." if en else "未发现需要注销、收回的证件。"],
                    _HEAD[1] if en else _HEAD[0], [], _WIDTHS, lang)
    stamp(wb, TITLE[1] if en else TITLE[0], cases.as_of)
    from ..templates import save_deterministic

    save_deterministic(wb, path)  # openpyxl's save would stamp 'now' as modified
