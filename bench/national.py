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


# The ledger's rows, for the bare write: read once (untimed) from the ledger certctl wrote for the same
# folder — the same sheets (split ones too), header and rows, the same cell values (empty cells as None,
# whole numbers as int, as certctl has them) — and kept as a pickle in the bench's work folder.
DUMP = r"""
import sys, pickle
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
def cell(v):
    if v == '':
        return None
    if v.__class__ is float and v.is_integer():
        return int(v)
    return v
sheets = []
for name in wb.sheet_names:
    rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    sheets.append((name, rows[0], [[cell(v) for v in r] for r in rows[1:]]))
with open(sys.argv[2], 'wb') as fh:
    pickle.dump(sheets, fh, protocol=5)
print(sum(len(s[2]) for s in sheets))
"""

# The bare baseline (issue 15: "bare read of all the files + bare write of the ledger's rows with the
# fastest writer you can find"), one process: the ledger's rows loaded from the pickle above (untimed),
# then two phases timed in-process (wall: time.perf_counter, CPU: time.process_time) — every form read
# whole with python-calamine, then the ledger's rows written with one writer, plain (no styles, widths
# or filters). Garbage collection off, as a bare script can have it. Prints the phases as JSON.
# Writers: rustpy-xlsxwriter (Rust; takes a dict a row), pyexcelerate, xlsxwriter in constant_memory
# mode, certctl's own streaming writer (certctl.ledger_xlsx.write_sheets) — the bench extra installs
# the first three (pyproject.toml, [project.optional-dependencies] bench).
WRITERS = ("rustpy", "pyexcelerate", "xlsxwriter", "certctl")
BARE = r"""
import gc, json, pickle, sys, time
from pathlib import Path
from python_calamine import CalamineWorkbook
gc.disable()
writer, out, rows_file = sys.argv[1], sys.argv[2], sys.argv[3]
with open(rows_file, 'rb') as fh:
    sheets = pickle.load(fh)  # untimed: the ledger's rows, as certctl wrote them
files = sorted(Path(sys.argv[4]).rglob('*.xlsx'))
if writer == 'rustpy':
    import rustpy_xlsxwriter as rx
elif writer == 'pyexcelerate':
    import pyexcelerate
elif writer == 'xlsxwriter':
    import xlsxwriter
else:
    from certctl.ledger_xlsx import write_sheets
w0, c0 = time.perf_counter(), time.process_time()
n = 0
for f in files:
    wb = CalamineWorkbook.from_path(str(f))
    for name in wb.sheet_names:
        n += len(wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
    wb.close()
w1, c1 = time.perf_counter(), time.process_time()
if writer == 'rustpy':
    def recs(head, rows):
        for r in rows:
            yield dict(zip(head, r))
    rx.write_worksheets([(name, recs(head, rows)) for name, head, rows in sheets], out)
elif writer == 'pyexcelerate':
    wb = pyexcelerate.Workbook()
    for name, head, rows in sheets:
        wb.new_sheet(name, data=[head] + rows)
    wb.save(out)
elif writer == 'xlsxwriter':
    wb = xlsxwriter.Workbook(out, {'constant_memory': True, 'default_date_format': 'yyyy-mm-dd'})
    for name, head, rows in sheets:
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, head)
        for i, r in enumerate(rows, 1):
            ws.write_row(i, 0, r)
    wb.close()
else:
    write_sheets(Path(out), [(name, head, rows, set(), None) for name, head, rows in sheets], 'bare')
w2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({'writer': writer, 'read_rows': n, 'written_rows': sum(len(s[2]) for s in sheets),
                  'read_s': w1 - w0, 'read_cpu_s': c1 - c0, 'write_s': w2 - w1, 'write_cpu_s': c2 - c1}))
"""


def writers() -> list[str]:
    """The bare writers installed here (certctl's always)."""
    import importlib.util

    mods = {"rustpy": "rustpy_xlsxwriter", "pyexcelerate": "pyexcelerate", "xlsxwriter": "xlsxwriter"}
    return [w for w in WRITERS if w == "certctl" or importlib.util.find_spec(mods[w]) is not None]
