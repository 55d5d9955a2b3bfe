"""The cross-check roster (柞政司发〔2024〕52号 四.2: the bureau checks holders' identity together with the
county 编办, 组织部 and 人社局): every person holding a certificate in force on the day, with name, ID,
unit, 人员身份 and the staffing fields the latest survey reported, and an empty column for each office's
finding. A plain, printable workbook; ID numbers masked unless asked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..model.events import REISSUED, REPLACED
from ..normalize import mask_id
from .sheets import stamp, write_table

TITLE = ("行政执法人员资格身份核查名单", "Enforcement certificate holders for the identity cross-check")
_HEAD = (("序号", "单位", "姓名", "性别", "身份证号码", "证件号码", "证件状态", "证件类别", "证件版本", "人员身份",
          "在岗状态", "法律职业资格", "编办核查意见", "组织部核查意见", "人社局核查意见"),
         ("no.", "unit", "name", "sex", "ID number", "certificate", "state", "category", "version", "staff type",
          "post", "legal qualification", "编办 finding", "组织部 finding", "人社局 finding"))
_WIDTHS = (5, 24, 9, 5, 20, 15, 8, 8, 7, 12, 8, 8, 12, 12, 12)


def holders(model: Any) -> list[Any]:
    """The accounts of the people holding a certificate on the day: each card in force; for a person with
    none, the card being replaced or reissued (the new one is on its way — as the model counts holders)."""
    by_id: dict[str, list[Any]] = {}
    for a in model.accounts:
        by_id.setdefault(a.id, []).append(a)
    out = []
    for accs in by_id.values():
        live = [a for a in accs if a.in_force]
        if not live:
            latest = max(accs, key=lambda a: a.events[-1].sort_key())
            live = [latest] if latest.status in (REPLACED, REISSUED) else []
        out.extend(live)
    return sorted(out, key=lambda a: (a.unit, a.name, a.cert))


def roster_rows(model: Any, lang: str = "zh", show_id: bool = False) -> list[list[Any]]:
    """One row per holder's certificate (:func:`holders`), by unit and name; the survey's fields where a
    survey has them."""
    rows = []
    for n, a in enumerate(holders(model), start=1):
        f = a.facts
        legal = next((e.values.get("legal_qual") for e in reversed(a.events) if e.values.get("legal_qual")), "")
        rows.append([n, a.unit, a.name, a.sex, a.id if show_id else mask_id(a.id), a.cert, a.status, a.category,
                     (f.version if f else "") or "", (f.person_type if f else "") or "",
                     (f.post_status if f else "") or "", legal or "", "", "", ""])
    return rows


def render_roster(model: Any, path: Any, lang: str = "zh", show_id: bool = False, day: dt.date | None = None) -> None:
    from openpyxl import Workbook

    en = lang == "en"
    day = day or model.as_of
    wb = Workbook()
    ws = wb.active
    ws.title = "核查名单" if not en else "Roster"
    note = ("Certificate holders (including cards being replaced or reissued), with what the latest cleanup survey reported (blank: not on a "
            "survey). Each office writes its finding in its column (柞政司发〔2024〕52号 四.2)." if en else
            "持证人员（含换证、补发中的人员），人员身份等取自最近一次摸排统计表（空白：未列入摸排）。请县编办、县委组织部、县人社局"
            "在对应栏填写核查意见（柞政司发〔2024〕52号 四.2）。")
    title = f"{TITLE[1]} (as of {day.isoformat()})" if en else f"{TITLE[0]}（截至 {day.isoformat()}）"
    write_table(ws, title, [note], _HEAD[1] if en else _HEAD[0], roster_rows(model, lang, show_id), _WIDTHS, lang)
    stamp(wb, TITLE[1] if en else TITLE[0], day)
    from ..templates import save_deterministic

    save_deterministic(wb, path)  # openpyxl's save would stamp 'now' as modified
