"""The benchmark's forms: one big form of every kind, varied the way real submissions are.

A real form is not 100,000 distinct clean rows. Units and dates repeat (a town sends the same unit
name on every row, a batch of entries shares a few dates), people share birth dates, and a few cells
are wrong: a mistyped ID, an ID stored as a number, a date that does not exist, a value not in the
list, a #REF! left by a deleted sheet, a duplicated person. Every kind gets such a file, so the bench
measures what validating each kind costs, not one lucky layout.

Everything is seeded: the same seed gives byte-identical data (the workbooks differ only in their
zip timestamps). People are synthetic (valid check characters, known area codes).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any, Callable

from certctl import forms as F
from certctl.idcard import area_known, make_id
from certctl.samples import AREAS, GIVEN, SURNAMES, header_text

KINDS = ("annex1", "annex2", "annex3", "annex4", "survey")
FORM_DATE = dt.date(2024, 6, 3)
TOWNS = ("吕四港镇", "汇龙镇", "南阳镇", "北新镇", "王鲍镇", "合作镇", "海复镇", "近海镇", "寅阳镇", "惠萍镇",
         "东海镇", "乾佑街道", "营盘镇", "下梁镇", "红岩寺镇")
BODIES = ("市场监督管理所", "综合行政执法局", "自然资源所", "农业农村服务中心", "交通运输管理站", "卫生健康监督所")
BAD_EVERY = 2_000  # one defective row in about this many (each defect kind in turn)


def units(rng: random.Random, n: int = 40) -> list[str]:
    """n unit names, from town x body; the first few get most rows (as in a county)."""
    names = [f"{t}{b}" for t in TOWNS for b in BODIES]
    rng.shuffle(names)
    return names[:n]


def pick_unit(rng: random.Random, pool: list[str]) -> str:
    return pool[min(int(rng.expovariate(1 / 6)), len(pool) - 1)]


def person(rng: random.Random) -> dict[str, Any]:
    """A synthetic holder: birth dates from 36 years (so they repeat), a known area code."""
    male = rng.random() < 0.6
    birth = dt.date(rng.randint(1963, 1998), rng.randint(1, 12), rng.randint(1, 28))
    seq = rng.randint(0, 499) * 2 + (1 if male else 0)
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    area = rng.choice([a for a in AREAS if area_known(a)])
    return {"name": name, "sex": "男" if male else "女", "id": make_id(area, birth, seq)}


def cert_number(rng: random.Random) -> str:
    return f"{rng.choice(('32', '61'))}{rng.randint(0, 10**12 - 1):012d}"


def recent(rng: random.Random, days: int = 120) -> dt.date:
    """A date in the last ``days`` before the form (a few hundred distinct values per file)."""
    return FORM_DATE - dt.timedelta(days=rng.randint(1, days))


def as_typed(rng: random.Random, d: dt.date) -> Any:
    """Mostly real dates; now and then typed as text the way clerks type them."""
    r = rng.random()
    if r < 0.9:
        return d
    if r < 0.95:
        return f"{d.year}.{d.month}.{d.day}"
    return f"{d.year}年{d.month}月{d.day}日"


# ------------------------------------------------------------------------------- rows per kind
def _common(rng: random.Random, n: int, pool: list[str]) -> dict[str, Any]:
    p = person(rng)
    return {"seq": n, "name": p["name"], "sex": p["sex"], "id": p["id"], "unit": pick_unit(rng, pool),
            "cert": cert_number(rng)}


def annex1_row(rng: random.Random, n: int, pool: list[str]) -> dict[str, Any]:
    row = _common(rng, n, pool)
    row["action"] = rng.choices(("录入归集", "注销", "修改"), (70, 20, 10))[0]
    row["entry_date"] = as_typed(rng, FORM_DATE - dt.timedelta(days=rng.randint(0, 9)))
    row["remark"] = rng.choice(("", "", "", "", "换发新证", "信息更正"))
    return row


def annex2_row(rng: random.Random, n: int, pool: list[str]) -> dict[str, Any]:
    row = _common(rng, n, pool)
    row["reason"] = rng.choices(("退休", "调离", "辞职", "岗位调整", "非在编人员"), (40, 30, 10, 15, 5))[0]
    row["destination"] = rng.choice(("退休", "本县其他单位", "市级部门", "辞职离开", "本单位非执法岗位"))
    row["change_date"] = as_typed(rng, FORM_DATE - dt.timedelta(days=rng.choice((1, 1, 2, 3, 3, 5))))
    return row


def annex3_row(rng: random.Random, n: int, pool: list[str]) -> dict[str, Any]:
    row = _common(rng, n, pool)
    row["orig_unit"] = row["unit"]
    row["reason"] = rng.choices(("调动", "岗位调整", "旧版换新版", "证件损坏", "信息变更"), (60, 3, 27, 5, 5))[0]
    if row["reason"] == "调动":
        row["unit"] = pick_unit(rng, [u for u in pool if u != row["orig_unit"]])
    row["post"] = rng.choice(("执法队员", "执法中队长", "科员", "副所长"))
    row["field"] = rng.choice(("市场监管", "城市管理", "自然资源", "交通运输", "农业农村"))
    row["new_field_hours"] = rng.choice((20, 24, 24, 32, 40)) if row["reason"] == "调动" else None
    row["change_date"] = as_typed(rng, FORM_DATE - dt.timedelta(days=rng.choice((1, 1, 2, 3, 4))))
    return row


def annex4_row(rng: random.Random, n: int, pool: list[str]) -> dict[str, Any]:
    row = _common(rng, n, pool)
    lost = FORM_DATE - dt.timedelta(days=rng.choices((1, 2, 3, 6), (50, 30, 18, 2))[0])
    row["lost_date"] = as_typed(rng, lost)
    row["declaration"] = rng.choice((f"{lost.year}年{lost.month}月{lost.day}日 商洛日报登报声明作废",
                                     "已在单位门户网站声明作废", "已登报声明作废"))
    return row


def survey_row(rng: random.Random, n: int, pool: list[str]) -> dict[str, Any]:
    row = _common(rng, n, pool)
    row["reporting_unit"] = next(t for t in TOWNS if row["unit"].startswith(t))
    row["category"] = rng.choices(("省级", "国家部委"), (95, 5))[0]
    row["version"] = rng.choices(("新版", "旧版"), (98, 2))[0]
    row["person_type"] = rng.choices(("公务员", "参照公务员法管理", "事业编制", "劳务派遣", "执法辅助"), (60, 20, 18, 1, 1))[0]
    row["status"] = rng.choices(("在岗", "退休", "调离"), (96, 2, 2))[0]
    if row["status"] != "在岗":
        row["leave_date"] = as_typed(rng, recent(rng, 60))
    row["hours"] = rng.choices((64, 72, 80, 96, 120, 40), (30, 30, 20, 10, 5, 5))[0]
    row["legal_qual"] = rng.choices(("是", "否"), (30, 70))[0]
    red = row["person_type"] in F.NON_STAFF or row["status"] != "在岗" or row["version"] == "旧版"
    row["opinion"] = "已收回" if red and rng.random() < 0.3 else ""  # no longer held: nothing to flag
    if row["opinion"]:
        colour = "绿"
    else:
        colour = "红" if red else ("黄" if row["hours"] < 60 else "绿")
    row["colour"] = colour if rng.random() > 0.002 else rng.choice(F.COLOURS)  # a few disagree
    return row


ROWS: dict[str, Callable[[random.Random, int, list[str]], dict[str, Any]]] = {
    "annex1": annex1_row, "annex2": annex2_row, "annex3": annex3_row, "annex4": annex4_row, "survey": survey_row}


# ------------------------------------------------------------------------------- defects
def _bad_check(row: dict, rng: random.Random, rows: list[dict]) -> None:
    pid = row["id"]
    row["id"] = pid[:17] + ("0" if pid[17] != "0" else "1")


def _id_as_number(row: dict, rng: random.Random, rows: list[dict]) -> None:
    if row["id"][17] != "X":
        row["id"] = int(row["id"])  # a number cell: Excel keeps 15 digits


def _id_spaced(row: dict, rng: random.Random, rows: list[dict]) -> None:
    row["id"] = f"{row['id'][:6]} {row['id'][6:14]} {row['id'][14:]}"


def _no_name(row: dict, rng: random.Random, rows: list[dict]) -> None:
    row["name"] = ""


def _not_a_date(row: dict, rng: random.Random, rows: list[dict]) -> None:
    for key in ("entry_date", "change_date", "lost_date", "leave_date"):
        if row.get(key) is not None:
            row[key] = "2024-02-30"


def _formula_error(row: dict, rng: random.Random, rows: list[dict]) -> None:
    row["unit"] = "#REF!"


def _duplicate(row: dict, rng: random.Random, rows: list[dict]) -> None:
    if rows:
        other = rng.choice(rows)
        row["id"], row["sex"], row["name"] = other["id"], other["sex"], other["name"]


def _bad_sex(row: dict, rng: random.Random, rows: list[dict]) -> None:
    row["sex"] = "M"


DEFECTS = (_bad_check, _id_as_number, _id_spaced, _no_name, _not_a_date, _formula_error, _duplicate, _bad_sex)


def make_rows(kind: str, nrows: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(f"{seed}-{kind}")
    pool = units(rng)
    make = ROWS[kind]
    rows: list[dict[str, Any]] = []
    for n in range(1, nrows + 1):
        row = make(rng, n, pool)
        if n % BAD_EVERY == 0:
            DEFECTS[(n // BAD_EVERY) % len(DEFECTS)](row, rng, rows)
        rows.append(row)
    return rows


def unit_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The survey's 单位 sheet: one row per reporting unit, counts a little above its holders."""
    held: dict[str, int] = {}
    for r in rows:
        if not r["opinion"]:
            held[r["reporting_unit"]] = held.get(r["reporting_unit"], 0) + 1
    return [{"unit": u, "establishment": n + 10, "posts": n + 5, "holders": n, "report_date": FORM_DATE}
            for u, n in sorted(held.items())]


# ------------------------------------------------------------------------------- writing
def columns(spec: F.FormSpec) -> list[F.Column]:
    return [c for c in spec.columns if not c.optional or c.key in ("seq", "change_date", "new_field_hours")]


def write_sheet(wb: Any, spec: F.FormSpec, rows: list[dict[str, Any]], meta: dict[str, Any] | None) -> None:
    """The layout of certctl.samples.write_form (title, metadata row, wrapped headers, data, footer),
    through openpyxl's streaming writer so a 100,000-row file takes seconds."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    cols = columns(spec)
    ws = wb.create_sheet(spec.sheet_name or spec.label_zh.split(" ")[0])
    ws.append([spec.title])
    ws.merged_cells.add(f"A1:{letter(len(cols) - 1)}1")
    if meta is not None:
        line: list[Any] = [None] * len(cols)
        third = max(2, len(cols) // 3)
        d = meta["date"]
        line[0] = f"填报单位（盖章）：{meta['unit']}"
        line[third] = f"填报人员：{meta['reporter']}"
        line[2 * third] = f"联系电话：{meta['phone']}"
        line[len(cols) - 1] = f"填报时间：{d.year} 年 {d.month} 月 {d.day} 日"
        ws.append(line)
    wrap = Alignment(wrap_text=True)
    hdr = []
    for c in cols:
        cell = WriteOnlyCell(ws, header_text(c))
        cell.alignment = wrap
        hdr.append(cell)
    ws.append(hdr)
    text_cols = {i for i, c in enumerate(cols) if c.type in ("id", "cert")}
    keys = [c.key for c in cols]
    for data in rows:
        out: list[Any] = []
        for i, k in enumerate(keys):
            v = data.get(k)
            if v == "" or v is None:
                v = None
            elif i in text_cols and isinstance(v, str):
                v = WriteOnlyCell(ws, v)
                v.number_format = "@"
            elif isinstance(v, dt.date):
                v = WriteOnlyCell(ws, v)
                v.number_format = "yyyy-mm-dd"
            out.append(v)
        ws.append(out)
    if spec.footer:
        ws.append([])
        ws.append([spec.footer])


def write_form(path: Path, kind: str, nrows: int, seed: int) -> Path:
    from openpyxl import Workbook

    rows = make_rows(kind, nrows, seed)
    meta = {"unit": rows[0]["unit"], "reporter": "张伟", "phone": "0513-83212345", "date": FORM_DATE}
    wb = Workbook(write_only=True)
    if kind == "survey":
        write_sheet(wb, F.SURVEY_PEOPLE, rows, meta)
        write_sheet(wb, F.SURVEY_UNITS, unit_rows(rows), None)
    else:
        write_sheet(wb, F.BY_KIND[kind], rows, meta)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def letter(i: int) -> str:
    s, n = "", i + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s
