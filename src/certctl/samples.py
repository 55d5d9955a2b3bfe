"""Synthetic forms: fake-but-valid people and workbooks laid out as the notices print them.

Used by the examples, the test-suite and the benchmark. Every ID number here is generated with a
valid check character for a synthetic person; none belongs to anyone.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import forms as F
from .idcard import make_id

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强海燕红梅晓东文斌立新玉兰春生永刚"
AREAS = ("320681", "320602", "611022", "611026", "610102", "320612", "321002", "610402")
UNITS = (
    "启东市市场监督管理局", "启东市城市管理局", "启东市吕四港镇人民政府", "柞水县交通运输局",
    "柞水县乾佑街道办事处", "柞水县自然资源局",
)


def fake_person(rng: random.Random, born_from: int = 1962, born_to: int = 2000) -> dict[str, Any]:
    male = rng.random() < 0.6
    birth = dt.date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
    seq = rng.randint(0, 499) * 2 + (1 if male else 0)
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    return {"name": name, "sex": "男" if male else "女", "id": make_id(rng.choice(AREAS), birth, seq)}


def header_text(col: F.Column) -> str:
    """Header text as the notices print it: long titles broken over lines, 序号 as 序\\n号."""
    t = col.title
    if t == "序号":
        return "序\n号"
    if len(t) > 8:
        mid = len(t) // 2
        return t[:mid] + "\n" + t[mid:]
    return t


def write_form(
    path: str | Path,
    family: str,
    rows: Mapping[str, Iterable[Mapping[str, Any]]] | Iterable[Mapping[str, Any]],
    meta: Mapping[str, Any] | None = None,
    *,
    title: bool = True,
    footer: bool = True,
    include_optional: Iterable[str] = ("change_date", "new_field_hours"),
    columns: Mapping[str, list[str]] | None = None,
    id_as_number: bool = False,
    two_row_header: bool = False,
) -> Path:
    """Write a filled form. ``rows`` maps a sheet kind to its rows (each a dict by column key); for a
    single-sheet family a plain list of rows is fine. ``meta`` has unit, reporter, phone, date.
    ``columns`` overrides the column keys (and order) written per kind."""
    from openpyxl import Workbook

    specs = F.specs_for_family(family)
    if not isinstance(rows, Mapping):
        rows = {specs[0].kind: list(rows)}
    meta = dict(meta or {})
    wb = Workbook()
    wb.remove(wb.active)
    for spec in specs:
        if spec.kind not in rows and len(specs) > 1 and spec.kind != specs[0].kind:
            continue
        ws = wb.create_sheet(spec.sheet_name or spec.label_zh.split(" ")[0])
        opt = set(include_optional)
        if columns and spec.kind in columns:
            cols = [spec.column(k) for k in columns[spec.kind]]
        else:
            cols = [c for c in spec.columns if not c.optional or c.key in opt or c.key == "seq"]
        r = 1
        if title:
            ws.cell(r, 1, spec.title)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(cols))
            r += 1
        if spec.metadata:
            _write_meta(ws, r, cols, meta)
            r += 1
        r = _write_header(ws, r, cols, two_row_header)
        r = _write_rows(ws, r, cols, rows.get(spec.kind, []), id_as_number)
        if footer and spec.footer:
            ws.cell(r + 1, 1, spec.footer)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    wb.save(p)
    return p


def _write_meta(ws, r: int, cols: list, meta: Mapping[str, Any]) -> None:
    """The 填报单位/填报人员/联系电话/填报时间 line of a form with metadata."""
    d = meta.get("date")
    dtext = f"{d.year} 年 {d.month} 月 {d.day} 日" if isinstance(d, dt.date) else (d or "    年  月  日")
    ws.cell(r, 1, f"填报单位（盖章）：{meta.get('unit', '')}")
    third = max(2, len(cols) // 3)
    ws.cell(r, third + 1, f"填报人员：{meta.get('reporter', '')}")
    ws.cell(r, 2 * third + 1, f"联系电话：{meta.get('phone', '')}")
    ws.cell(r, len(cols), f"填报时间：{dtext}")


def _write_header(ws, r: int, cols: list, two_row_header: bool) -> int:
    """The header at row ``r``; returns the first data row."""
    from openpyxl.styles import Alignment

    if not two_row_header:
        for i, c in enumerate(cols, start=1):
            cell = ws.cell(r, i, header_text(c))
            cell.alignment = Alignment(wrap_text=True)
        return r + 1
    # group title over the person columns, sub-headers below; other headers merged vertically
    for i, c in enumerate(cols, start=1):
        if c.key in ("sex", "id"):
            ws.cell(r + 1, i, header_text(c))
        else:
            ws.cell(r, i, header_text(c))
            ws.merge_cells(start_row=r, start_column=i, end_row=r + 1, end_column=i)
    person = [i for i, c in enumerate(cols, start=1) if c.key in ("sex", "id")]
    if person:
        ws.cell(r, person[0], "身份信息")
        if person[-1] > person[0]:
            ws.merge_cells(start_row=r, start_column=person[0], end_row=r, end_column=person[-1])
    return r + 2


def _write_rows(ws, r: int, cols: list, rows: Iterable[Mapping[str, Any]], id_as_number: bool) -> int:
    """The data rows from row ``r``; returns the row after the last."""
    for n, data in enumerate(rows, start=1):
        for i, c in enumerate(cols, start=1):
            v = data.get(c.key, n if c.key == "seq" else None)
            if v is None:
                continue
            if c.type in ("id", "cert") and isinstance(v, str) and not id_as_number:
                cell = ws.cell(r, i, v)
                cell.number_format = "@"
            elif c.type == "id" and id_as_number and isinstance(v, str) and v.isdigit():
                ws.cell(r, i, int(v))
            else:
                cell = ws.cell(r, i, v)
                if isinstance(v, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        r += 1
    return r
