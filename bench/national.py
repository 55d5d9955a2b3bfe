"""The national scenario's forms (issue 15): annex 1 forms of 50,000 rows, every row a new certificate.

The issue's case: 22 annex 1 forms of 50,000 rows, 1,100,000 distinct certificates, valid IDs — a
province's or the country's ledger built in one merge. ``make_forms(root, total)`` writes
``ceil(total / 50,000)`` forms holding ``total`` rows between them (10,000 rows: one form, for CI).

Every row is 录入归集 of a distinct certificate held by a distinct person: the ID numbers are made from
the row's number (area code, birth date and sequence), so they never repeat and their check characters
are right; names, units and entry dates vary as in ``bench/data.py``. A clean form: no findings.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any, Iterator

from certctl import forms as F
from certctl.idcard import area_known, make_id
from certctl.samples import AREAS, GIVEN, SURNAMES

import data

PER_FORM = 50_000
VERSION = 1  # bump when the generated forms change
_AREAS = [a for a in AREAS if area_known(a)]
_DAY0 = dt.date(1963, 1, 1)
_DAYS = (dt.date(1998, 12, 31) - _DAY0).days


def person(i: int, rng: random.Random) -> dict[str, Any]:
    """The i-th holder: a distinct ID for every i (sequence, then birth date, then area)."""
    seq, rest = i % 1000, i // 1000
    birth = _DAY0 + dt.timedelta(days=rest % _DAYS)
    area = _AREAS[(rest // _DAYS) % len(_AREAS)]
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    return {"name": name, "sex": "男" if seq % 2 else "女", "id": make_id(area, birth, seq)}


def rows(form: int, start: int, n: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(f"{seed}-national-{form}")
    pool = data.units(rng)
    for k in range(n):
        i = start + k
        row = {"seq": k + 1, **person(i, rng), "unit": data.pick_unit(rng, pool), "cert": f"32{i:012d}",
               "action": "录入归集", "entry_date": data.FORM_DATE - dt.timedelta(days=rng.randint(0, 9))}
        yield row


def write_one(path: Path, form: int, start: int, n: int, seed: int) -> Path:
    from openpyxl import Workbook

    meta = {"unit": f"第{form + 1:02d}单位", "reporter": "张伟", "phone": "0513-83212345", "date": data.FORM_DATE}
    wb = Workbook(write_only=True)
    data.write_sheet(wb, F.BY_KIND["annex1"], rows(form, start, n, seed), meta)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def make_forms(root: Path, total: int, seed: int, per_form: int = PER_FORM) -> list[Path]:
    out = []
    for form, start in enumerate(range(0, total, per_form)):
        n = min(per_form, total - start)
        out.append(write_one(root / f"省{form // 10:02d}" / f"{form:03d}-annex1.xlsx", form, start, n, seed))
    return out


def changed_form(path: Path, total: int, seed: int, version: int) -> None:
    """Write form 0 again, its names, units and entry dates drawn anew (the same certificates and IDs):
    one form that changed. ``version`` 0 is the form as first written."""
    write_one(path, 0, 0, min(PER_FORM, total), seed + version)


# The bare baseline: read every form with python-calamine, then write the ledger's rows — each data row
# twice, as 证件台账 and 变动记录 — split at the sheet limit, with the fastest writer found
# (rustpy-xlsxwriter if installed: a Rust writer, not a certctl dependency; else certctl's own
# streaming writer, which is ~8x faster than openpyxl's write_only mode and ~4x faster than
# xlsxwriter's constant_memory mode on the ledger's rows).
BARE = r"""
import sys, datetime as dt
from pathlib import Path
from python_calamine import CalamineWorkbook
writer, out = sys.argv[1], sys.argv[2]
files = sorted(Path(sys.argv[3]).rglob('*.xlsx'))
rows = []
for f in files:
    wb = CalamineWorkbook.from_path(str(f))
    for name in wb.sheet_names:
        rows.extend(wb.get_sheet_by_name(name).to_python(skip_empty_area=False)[3:])
    wb.close()
LIMIT = 1_048_575
head = ['序号', '姓名', '性别', '身份证号码', '所属主体', '证件号码', '操作', '数据录入时间', '备注']
parts = []
for table in ('证件台账', '变动记录'):
    for k in range(0, max(len(rows), 1), LIMIT):
        parts.append((table if k == 0 else f'{table}({k // LIMIT + 1})', k))
if writer == 'rustpy':
    import rustpy_xlsxwriter as rx
    def recs(k):
        for r in rows[k:k + LIMIT]:
            yield {h: v for h, v in zip(head, r)}
    rx.write_worksheets([(name, recs(k)) for name, k in parts], out)
else:
    from certctl.ledger_xlsx import write_sheets
    sheets = [(name, head, rows[k:k + LIMIT], set(), None) for name, k in parts]
    write_sheets(Path(out), sheets, 'bare')
print(len(rows))
"""
