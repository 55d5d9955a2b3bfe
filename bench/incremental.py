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
    """``incremental.py --phases FORMS OUT``: the no-cache merge's phases as JSON (the bench runs it
    in a child process); ``incremental.py [--rows N --forms K]``: the scenario alone."""
    import argparse
    import json

    ap = argparse.ArgumentParser()
    ap.add_argument("--phases", nargs=2, type=Path, metavar=("FORMS", "OUT"))
    ap.add_argument("--many", default="100000x20", help="sizes, ROWSxFORMS, comma-separated")
    ap.add_argument("--seed", type=int, default=20240603)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    if a.phases:
        print(json.dumps(phases(*a.phases)))
        return 0
    import bench as B

    env = dict(os.environ, NO_COLOR="1", COLUMNS="120")
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def row(name: str, m: dict, base: dict | None = None, target: float | None = None) -> None:
        ratio = f"   x{m['cpu_median_s'] / base['cpu_median_s']:.2f} (cpu)" if base else ""
        print(f"  {name:<60} {m['median_s']:8.2f} s {m['cpu_median_s']:8.2f} cpu-s {m['peak_mb']:7.0f} MB{ratio}",
              flush=True)

    out = scenario(HERE / "work" / "full", a.many, a.seed, a.repeat, env, row, B)
    print(json.dumps(out, indent=1))
    return 0


def sizes(text: str) -> list[tuple[int, int]]:
    """"100000x20,1100000x22" -> [(100000, 20), (1100000, 22)]"""
    out = []
    for part in text.split(","):
        rows, _, forms = part.strip().partition("x")
        out.append((int(rows), int(forms or 1)))
    return out


def scenario(work: Path, many: str, seed: int, repeat: int, env: dict, row: Any, B: Any) -> dict:
    """Scenario 6 at each ROWSxFORMS size: the merges, the target figure beside the warm one-changed one."""
    out = {}
    for rows, nforms in sizes(many):
        r = result(work / "incremental", rows, nforms, seed, repeat, env, B)
        name = f"{rows:,} in {nforms} forms"
        row(f"{name}: merge --no-cache", r["no_cache"])
        row(f"{name}: first merge filling the cache", r["first"])
        t = r["target_s"]
        row(f"{name}: target ((no-cache - write) / {nforms} + write)", {"median_s": t, "cpu_median_s": t, "peak_mb": 0})
        row(f"{name}: cache warm, one of {nforms} forms changed", r["one_changed"],
            {"median_s": t, "cpu_median_s": t})
        row(f"{name}: cache warm, nothing changed", r["unchanged"])
        print(f"  load average {r['load_before'][0]:.1f} before, {r['load_after'][0]:.1f} after; "
              f"no-cache phases in-process (CPU s): {r['phases']}", flush=True)
        out[f"{rows}x{nforms}"] = r
    return out


def result(work: Path, rows: int, nforms: int, seed: int, repeat: int, env: dict, B: Any) -> dict:
    import json
    import shutil

    root = work / f"{rows}x{nforms}"
    forms = root / "forms"
    B.ensure(forms, {"rows": rows, "forms": nforms, "seed": seed, "v": N.VERSION},
             lambda: make(forms, rows, nforms, seed))
    env = dict(env, CERTCTL_STATE_DIR=str(root / ".certctl"))
    ledger = root / "ledger.xlsx"
    cmd = [B.CERTCTL, "merge", str(forms), "-o", str(ledger), "--as-of", "2024-06-05", "-q"]
    per = -(-rows // nforms)
    form0 = sorted(forms.rglob("*.xlsx"))[0]
    big = rows >= 500_000  # one run each, no warm-up: minutes a run
    reps = 1 if big else repeat
    out: dict[str, Any] = {"rows": rows, "forms": nforms, "load_before": os.getloadavg()}
    out["no_cache"] = B.measure(cmd + ["--no-cache"], reps, warmup=not big, env=env)
    ph = B.subprocess.run([B.PY, str(HERE / "incremental.py"), "--phases", str(forms), str(root / "phases.xlsx")],
                          env=env, check=True, capture_output=True, text=True)
    out["phases"] = {k: round(v, 2) for k, v in json.loads(ph.stdout).items()}
    write = out["phases"]["write"]
    # the target: the no-cache merge's reading, validating and model (all but the write) shared out
    # over the forms, plus the write
    out["target_s"] = (out["no_cache"]["cpu_median_s"] - write) / nforms + write
    # a first merge: no cache, and no ledger either — a ledger left without the note of what was written
    # (the note is in the state folder) is read whole and copied aside as edited (.bak.xlsx)
    shutil.rmtree(root / ".certctl", ignore_errors=True)
    for p in [ledger, *root.glob("ledger.*.bak.xlsx")]:
        p.unlink(missing_ok=True)
    w, m, c = B.run_once(cmd, env=env)
    out["first"] = {"median_s": w, "cpu_median_s": c, "peak_mb": m}
    version = [0]

    def change_one() -> None:  # a clerk's corrected resubmission: one cell of one form
        version[0] += 1
        change_cell(form0, 0, 0, per, seed, version[0])

    out["one_changed"] = B.measure(cmd, reps, before=change_one, warmup=False, env=env)
    out["one_changed"]["target_ratio"] = out["one_changed"]["cpu_median_s"] / out["target_s"]
    out["unchanged"] = B.measure(cmd, reps, warmup=False, env=env)
    change_cell(form0, 0, 0, per, seed, 0)  # the folder as its stamp says
    out["load_after"] = os.getloadavg()
    return out


if __name__ == "__main__":
    sys.exit(main())
