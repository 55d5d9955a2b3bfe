"""Scenario 6 (issue 15): many forms, one changed — a merge with the cache warm after a clerk's
corrected resubmission of one form, against the target figure.

The folder: ``forms`` annex 1 forms of ``total / forms`` rows each (``bench/national.py``'s rows: every
row a distinct certificate). One form is then written again with one cell changed (a row's 所属主体,
as a clerk's correction would), and the merges timed:

- ``--no-cache``;
- the first merge filling the cache;
- cache warm, one of N forms changed (one cell);
- cache warm, nothing changed (the ledger is not rebuilt: 台账无变化).

The target figure of the warm one-changed merge: the no-cache merge's reading, validating and model
(everything but writing the ledger) divided by the number of forms, plus the write. The cold merge's
phases are measured in-process (``phases``) so the figure is from the same forms.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import national as N  # noqa: E402


def make(root: Path, total: int, forms: int, seed: int) -> list[Path]:
    """``forms`` annex 1 forms holding ``total`` distinct certificates between them."""
    per = -(-total // forms)
    return N.make_forms(root, total, seed, per_form=per)


def change_cell(path: Path, form: int, start: int, n: int, seed: int, version: int) -> None:
    """Form ``form`` written again with one cell changed: row ``version % n``'s 所属主体 (version 0: as
    first written)."""
    from openpyxl import Workbook

    from certctl import forms as F
    import data

    k = version % n

    def rows() -> Any:
        for j, r in enumerate(N.rows(form, start, n, seed)):
            if version and j == k:
                r = dict(r, unit=r["unit"] + f"（{version}）" if version % 2 else "东海镇市场监督管理所")
            yield r

    meta = {"unit": f"第{form + 1:02d}单位", "reporter": "张伟", "phone": "0513-83212345", "date": data.FORM_DATE}
    wb = Workbook(write_only=True)
    data.write_sheet(wb, F.BY_KIND["annex1"], rows(), meta)  # type: ignore[arg-type]
    wb.save(path)


def phases(forms: Path, out: Path, as_of: dt.date = dt.date(2024, 6, 5)) -> dict[str, float]:
    """CPU seconds of a no-cache merge's phases, in this process: load (read + validate), model, write."""
    from certctl import ledger_edits
    from certctl.config import Config
    from certctl.ledger import build_ledger
    from certctl.ledger_xlsx import write_ledger
    from certctl.validate import Options
    from certctl.workspace import load_workspace

    cfg = Config()
    opts = Options.from_config(cfg, lang="zh", today=as_of)
    t0 = time.process_time()
    ws = load_workspace(forms, opts, slim=True)
    t1 = time.process_time()
    ledger = build_ledger(ws, cfg, as_of, release=True)
    t2 = time.process_time()
    note = ledger_edits.Note()
    write_ledger(ledger, out, "zh", lock=False, tap=note.tap)
    note.save(out)
    t3 = time.process_time()
    return {"load": t1 - t0, "model": t2 - t1, "write": t3 - t2}


def main() -> int:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--forms", type=int, default=20)
    ap.add_argument("--seed", type=int, default=20240603)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=HERE / "work" / "incremental")
    ap.add_argument("--certctl", default=str(Path(sys.executable).parent / "certctl"))
    a = ap.parse_args()
    print(result(a.work, a.rows, a.forms, a.seed, a.repeat, a.certctl))
    return 0


def result(work: Path, rows: int, nforms: int, seed: int, repeat: int, certctl: str) -> dict:
    import bench as B

    root = work / f"{rows}x{nforms}"
    forms = root / "forms"
    B.ensure(forms, {"rows": rows, "forms": nforms, "seed": seed, "v": N.VERSION},
             lambda: make(forms, rows, nforms, seed))
    env = dict(os.environ, NO_COLOR="1", COLUMNS="120", CERTCTL_STATE_DIR=str(root / ".certctl"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    ledger = root / "ledger.xlsx"
    cmd = [certctl, "merge", str(forms), "-o", str(ledger), "--as-of", "2024-06-05", "-q"]
    per = -(-rows // nforms)
    form0 = sorted(forms.rglob("*.xlsx"))[0]
    big = rows >= 500_000
    reps = 1 if big else repeat
    out: dict[str, Any] = {"rows": rows, "forms": nforms, "load_before": os.getloadavg()}
    out["no_cache"] = B.measure(cmd + ["--no-cache"], reps, warmup=not big, env=env)
    import shutil

    shutil.rmtree(root / ".certctl", ignore_errors=True)
    w, m, c = B.run_once(cmd, env=env)
    out["first"] = {"median_s": w, "cpu_median_s": c, "peak_mb": m}
    version = [0]

    def change_one() -> None:
        version[0] += 1
        change_cell(form0, 0, 0, per, seed, version[0])

    out["one_changed"] = B.measure(cmd, reps, before=change_one, warmup=False, env=env)
    out["unchanged"] = B.measure(cmd, reps, warmup=False, env=env)
    change_cell(form0, 0, 0, per, seed, 0)
    out["load_after"] = os.getloadavg()
    return out


if __name__ == "__main__":
    sys.exit(main())
