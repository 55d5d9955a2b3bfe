"""certctl benchmark: whole processes against the bare read/write of the same files.

Run with ``make bench`` (or ``.venv/bin/python bench/bench.py [--quick]``). It generates synthetic
forms of fake-but-valid people under bench/work/ (reused between runs when the sizes and seed are
the same), then times whole processes -- median of N runs after one warm-up -- and their peak memory
(max RSS of the child, from wait4). It prints a table and writes bench/results/bench.json.

Scenarios:
  1. ``certctl validate -q`` of a 100,000-row form of every kind (annex 1-4, survey; bench/data.py)
     vs a bare python-calamine read of the same file, timed in turns;
  2. ``certctl merge`` of 1,000 forms x 100 rows (cache off) vs a bare read of all of them plus
     writing one 100,000-row xlsx with openpyxl's write_only writer;
  3. ``certctl overdue`` on that workspace;
  4. the same merge again with the cache warm (vs the cold merge: the speed-up); and with the ledger
     spoilt before each run, so it is rebuilt with every form from the cache.
  5. national (issue 15): ``certctl merge --no-cache`` of annex 1 forms of 50,000 distinct
     certificates (bench/national.py) at each size of ``--national`` (default 100,000 rows; 1,100,000
     is the issue's case), vs reading them all with python-calamine and writing the ledger's rows (the
     same sheets, rows and values as the ledger the merge wrote, loaded untimed) with the fastest of
     rustpy-xlsxwriter, pyexcelerate, xlsxwriter and certctl's writer (each measured; the read and
     write phases timed in-process); the same merge with ``--sqlite``; and with the cache warm after
     one form changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from certctl import forms as F  # noqa: E402
from certctl.idcard import area_known  # noqa: E402
from certctl.samples import AREAS, UNITS, fake_person  # noqa: E402

import data  # noqa: E402  (bench/data.py: the varied forms of every kind)

PY = sys.executable
CERTCTL = str(Path(PY).with_name("certctl"))

# --------------------------------------------------------------------------------------- data
# Annex families mixed in the merge workspace (name -> share of the files).
DATA_VERSION = 2  # bump when the generated data changes
BIG_VERSION = 1  # bump when bench/data.py changes
MIX = (("annex1", 0.7), ("annex2", 0.1), ("annex3", 0.1), ("annex4", 0.1))


def _person(rng: random.Random) -> dict:
    """A fake person whose ID has a known area code (no I009 warning): valid data, no findings."""
    while True:
        p = fake_person(rng, born_from=1965, born_to=1998)
        if area_known(p["id"][:6]):
            return p


def _row(kind: str, rng: random.Random, n: int, unit: str, form_date: dt.date) -> dict:
    p = _person(rng)
    cert = f"{rng.choice(AREAS)}{rng.randint(0, 99_999_999):08d}"
    d = form_date - dt.timedelta(days=rng.randint(30, 900))
    row = {"seq": n, "name": p["name"], "sex": p["sex"], "id": p["id"], "unit": unit, "cert": cert}
    if kind == "annex1":
        row.update(action=rng.choice(("录入归集", "录入归集", "录入归集", "注销", "修改")), entry_date=d)
    elif kind == "annex2":
        row.update(reason=rng.choice(("退休", "调离", "辞职")), destination="本县其他单位",
                   change_date=form_date - dt.timedelta(days=1))
    elif kind == "annex3":
        row.update(orig_unit=unit, unit=rng.choice([u for u in UNITS if u != unit]), reason="调动",
                   post="执法队员", field="市场监管", new_field_hours=rng.choice((20, 24, 32)),
                   change_date=form_date - dt.timedelta(days=1))
    elif kind == "annex4":
        row.update(lost_date=form_date - dt.timedelta(days=1), declaration="2024年5月6日 商洛日报登报声明作废")
    return row


def make_workspace(root: Path, nfiles: int, nrows: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    kinds = [k for k, share in MIX for _ in range(round(share * nfiles))][:nfiles]
    kinds += ["annex1"] * (nfiles - len(kinds))
    rng.shuffle(kinds)
    out = []
    for i, kind in enumerate(kinds):
        unit = UNITS[i % len(UNITS)]
        form_date = dt.date(2024, 1, 2) + dt.timedelta(days=rng.randint(0, 150))
        rows = [_row(kind, rng, n, unit, form_date) for n in range(1, nrows + 1)]
        meta = {"unit": unit, "reporter": "李娜", "phone": "0513-83212345", "date": form_date}
        town = f"镇{i // 50:02d}"
        out.append(write_workspace_form(root / town / f"{i:04d}-{kind}.xlsx", kind, rows, meta))
    return out


def write_workspace_form(path: Path, kind: str, rows: list[dict], meta: dict) -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    data.write_sheet(wb, F.BY_KIND[kind], rows, meta)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def ensure(dirpath: Path, stamp: dict, build) -> Path:
    """Build into dirpath unless a previous run left the same stamp there."""
    marker = dirpath / ".stamp.json"
    if marker.exists() and json.loads(marker.read_text()) == json.loads(json.dumps(stamp)):
        return dirpath
    if dirpath.exists():
        shutil.rmtree(dirpath)
    dirpath.mkdir(parents=True)
    t = time.perf_counter()
    build()
    marker.write_text(json.dumps(stamp))
    print(f"  generated {dirpath.relative_to(ROOT)} in {time.perf_counter() - t:.1f} s", flush=True)
    return dirpath


# --------------------------------------------------------------------------------------- timing
BARE_READ = r"""
import sys
from pathlib import Path
from python_calamine import CalamineWorkbook
paths = [Path(a) for a in sys.argv[1:]]
files = [f for p in paths for f in (sorted(p.rglob('*.xlsx')) if p.is_dir() else [p])]
n = 0
for f in files:
    wb = CalamineWorkbook.from_path(str(f))
    for name in wb.sheet_names:
        n += len(wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
print(n)
"""

BARE_READ_WRITE = BARE_READ.replace("print(n)", r"""
from openpyxl import Workbook
rows = []
for f in files:
    wb = CalamineWorkbook.from_path(str(f))
    for name in wb.sheet_names:
        rows.extend(wb.get_sheet_by_name(name).to_python(skip_empty_area=False)[3:])
out = Workbook(write_only=True)
ws = out.create_sheet('ledger')
for r in rows:
    ws.append(r)
out.save(OUT)
print(n, len(rows))
""")


def run_once(cmd: list[str], env: dict | None = None, ok=(0, 1)) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system) of one child process. CPU time is
    what to compare on a machine other work shares: wall time then includes waiting for a core."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def measure(cmd: list[str], repeat: int, before=None, warmup: bool = True, **kw) -> dict:
    if before and warmup:
        before()
    if warmup:
        run_once(cmd, **kw)  # warm-up (page cache, .pyc)
    walls, rss, cpus = [], [], []
    for _ in range(repeat):
        if before:
            before()
        w, m, c = run_once(cmd, **kw)
        walls.append(w)
        rss.append(m)
        cpus.append(c)
    return {"cmd": " ".join(cmd), "median_s": statistics.median(walls), "min_s": min(walls),
            "max_s": max(walls), "runs": walls, "cpu_median_s": statistics.median(cpus), "cpu_runs": cpus,
            "peak_mb": max(rss)}


def measure_pair(base_cmd: list[str], cmd: list[str], repeat: int, **kw) -> tuple[dict, dict]:
    """Two commands timed in turns (base, cmd, base, cmd …) so both see the same machine load."""
    runs: dict[int, list[tuple[float, float, float]]] = {0: [], 1: []}
    for c in (base_cmd, cmd):
        run_once(c, **kw)  # warm-up
    for _ in range(repeat):
        for i, c in enumerate((base_cmd, cmd)):
            runs[i].append(run_once(c, **kw))
    out = []
    for i, c in enumerate((base_cmd, cmd)):
        walls, rss, cpus = zip(*runs[i])
        out.append({"cmd": " ".join(c), "median_s": statistics.median(walls), "min_s": min(walls),
                    "max_s": max(walls), "runs": list(walls), "cpu_median_s": statistics.median(cpus),
                    "cpu_runs": list(cpus), "peak_mb": max(rss)})
    return out[0], out[1]


def certctl_has(command: str) -> bool:
    out = subprocess.run([CERTCTL, "--help"], capture_output=True, text=True).stdout
    return any(line.strip().startswith(command + " ") or line.strip() == command
               for line in out.replace("│", " ").splitlines())


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform(), "date": dt.datetime.now().isoformat(timespec="seconds")}


# --------------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, 3 runs: a smoke test")
    ap.add_argument("--repeat", type=int, default=None, help="timed runs per command (default 5, quick 3)")
    ap.add_argument("--seed", type=int, default=20240603)
    ap.add_argument("--only", default="123456", help="scenarios to run, e.g. 1 or 24")
    ap.add_argument("--kinds", default=",".join(data.KINDS), help="form kinds for scenario 1, e.g. annex2,survey")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "bench.json")
    ap.add_argument("--national", default=None,
                    help="scenario 5 sizes in rows, e.g. 100000,1100000 (default 100000; --quick 10000)")
    ap.add_argument("--many", default=None,
                    help="scenario 6 sizes, ROWSxFORMS, e.g. 100000x20,1100000x22 (default 100000x20; --quick 10000x5)")
    ap.add_argument("--national-all", action="store_true",
                    help="at 500,000 rows and more also --sqlite and the warm merges (default: the cold merge only)")
    ap.add_argument("--bare-writer", default="all",
                    choices=("all", "rustpy", "pyexcelerate", "xlsxwriter", "certctl"),
                    help="scenario 5's bare writer (all: each one installed, the fastest by CPU for the ratio)")
    a = ap.parse_args(argv)
    big_rows = 10_000 if a.quick else 100_000
    nfiles, nrows = (100, 100) if a.quick else (1_000, 100)
    repeat = a.repeat or (3 if a.quick else 5)
    work = HERE / "work" / ("quick" if a.quick else "full")
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, NO_COLOR="1", COLUMNS="120", CERTCTL_STATE_DIR=str(work / ".certctl"))
    # certctl as installed: an installed package has its modules compiled (.pyc). A shell that sets
    # PYTHONDONTWRITEBYTECODE would make every run compile certctl's ~40 modules again (~0.3 s of CPU
    # here) while the bare read imports a compiled python-calamine; the warm-up run writes them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    mach = machine()
    print(f"certctl bench on {mach['cpu']} x{mach['nproc']}, Python {mach['python']}", flush=True)

    results: dict = {"machine": mach, "quick": a.quick, "repeat": repeat, "scenarios": {}}
    rows_out: list[tuple] = []

    def row(name, m, base=None, target=None):
        """base: the measurement this one is compared with (ratio of medians, wall and CPU)."""
        ratio = m["median_s"] / base["median_s"] if base else None
        cratio = m["cpu_median_s"] / base["cpu_median_s"] if base else None
        if base:
            m["ratio"], m["cpu_ratio"] = ratio, cratio
        rows_out.append((name, m["median_s"], m["cpu_median_s"], m["peak_mb"], ratio, cratio, target))
        print(f"  {name:<44} {m['median_s']:8.2f} s {m['cpu_median_s']:8.2f} cpu-s {m['peak_mb']:7.0f} MB"
              + (f"   x{ratio:.2f} (cpu x{cratio:.2f})" if ratio else ""), flush=True)

    if "1" in a.only:
        big_dir = work / "big"
        ensure(big_dir, {"rows": big_rows, "seed": a.seed, "v": BIG_VERSION, "kinds": list(data.KINDS)},
               lambda: [data.write_form(big_dir / f"{k}-big.xlsx", k, big_rows, a.seed) for k in data.KINDS])
        per_kind = results["scenarios"]["validate"] = {}
        for kind in [k for k in data.KINDS if k in a.kinds.split(",")]:
            big = big_dir / f"{kind}-big.xlsx"
            bare, val = measure_pair([PY, "-c", BARE_READ, str(big)], [CERTCTL, "validate", "-q", str(big)],
                                     repeat, env=env)
            per_kind[kind] = {"rows": big_rows, "file_mb": big.stat().st_size / 1e6, "bare_read": bare,
                              "certctl": val, "ratio": val["median_s"] / bare["median_s"],
                              "cpu_ratio": val["cpu_median_s"] / bare["cpu_median_s"],
                              "memory_ratio": val["peak_mb"] / bare["peak_mb"], "target_ratio": 2.0,
                              "target_memory_ratio": 2.0}
            row(f"bare read {kind} {big_rows:,} rows", bare)
            row(f"certctl validate {kind} {big_rows:,} rows", val, bare, 2.0)

    if any(c in a.only for c in "234"):
        ws = work / "forms"
        ensure(ws, {"files": nfiles, "rows": nrows, "seed": a.seed, "v": DATA_VERSION, "mix": MIX},
               lambda: make_workspace(ws, nfiles, nrows, a.seed))
        ledger = work / "ledger.xlsx"
        cache_dir = work / ".certctl"  # the state folder (CERTCTL_STATE_DIR above): cache and overdue's lock
        drop_cache = lambda: shutil.rmtree(cache_dir, ignore_errors=True)  # noqa: E731
        merge_cmd = [CERTCTL, "merge", str(ws), "-o", str(ledger), "--as-of", "2024-06-05", "-q"]
        if ("2" in a.only or "4" in a.only) and not certctl_has("merge"):
            print("  certctl merge: not available yet", flush=True)
            results["scenarios"]["merge"] = {"available": False}
        elif "2" in a.only or "4" in a.only:
            bare_out = work / "bare-ledger.xlsx"
            code = BARE_READ_WRITE.replace("OUT", repr(str(bare_out)))
            bare = measure([PY, "-c", code, str(ws)], repeat, env=env)
            row(f"bare read {nfiles:,} files + write {nfiles * nrows:,} rows", bare)
            cold = measure(merge_cmd + ["--no-cache"], repeat, env=env)
            row(f"certctl merge {nfiles:,} files (--no-cache)", cold, bare, 2.0)
            results["scenarios"]["merge"] = {"files": nfiles, "rows_per_file": nrows, "bare_read_write": bare,
                                             "certctl": cold, "ratio": cold["median_s"] / bare["median_s"],
                                             "target_ratio": 2.0}
            if "4" in a.only:
                drop_cache()
                first_s, first_mb, first_cpu = run_once(merge_cmd, env=env)  # cold, filling the cache
                first = {"median_s": first_s, "cpu_median_s": first_cpu, "peak_mb": first_mb}
                warm = measure(merge_cmd, repeat, env=env)
                row("certctl merge, first run filling the cache", first)
                row("certctl merge again, cache warm", warm, first, None)

                def spoil_ledger() -> None:  # a ledger edited by hand: rebuilt, every form from the cache
                    with open(ledger, "ab") as fh:
                        fh.write(b"x")

                rebuilt = measure(merge_cmd, repeat, before=spoil_ledger, env=env)
                row("certctl merge, ledger rebuilt, forms from cache", rebuilt, first, None)
                results["scenarios"]["merge_warm"] = {
                    "first_run": first, "certctl": warm, "rebuilt_from_cache": rebuilt,
                    "speedup": first_s / warm["median_s"], "speedup_vs_no_cache": cold["median_s"] / warm["median_s"],
                    "cpu_speedup": first_cpu / warm["cpu_median_s"],
                    "target_speedup": 5.0}
        if "3" in a.only:
            if certctl_has("overdue"):
                cmd = [CERTCTL, "overdue", "--dir", str(ws), "--as-of", "2024-06-05", "-q"]
                od_cold = measure(cmd + ["--no-cache"], max(1, repeat // 2), env=env)
                row("certctl overdue (--no-cache)", od_cold)
                od = measure(cmd, repeat, env=env)  # the warm-up run fills the cache
                row("certctl overdue (cache warm)", od)
                od_json = measure(cmd + ["--format", "json"], repeat, env=env)
                row("certctl overdue --format json (cache warm)", od_json)

                def forget_obligations() -> None:  # as on a new day: forms from the cache, obligations found again
                    import sqlite3

                    db = cache_dir / "cache.sqlite3"
                    if db.exists():
                        with sqlite3.connect(db) as conn:
                            conn.execute("DELETE FROM derived WHERE name LIKE 'overdue:%'")

                od_day = measure(cmd, repeat, before=forget_obligations, env=env)
                row("certctl overdue, forms cached, obligations not", od_day)

                def forget_docket() -> None:  # as after a changed folder: the model's docket is built again
                    import sqlite3

                    forget_obligations()
                    with sqlite3.connect(cache_dir / "cache.sqlite3") as conn:
                        conn.execute("DELETE FROM derived WHERE name LIKE 'docket:%'")

                od_docket = measure(cmd, repeat, before=forget_docket, env=env)
                row("certctl overdue, forms cached, docket not", od_docket)
                results["scenarios"]["overdue"] = {"no_cache": od_cold, "certctl": od, "json": od_json,
                                                   "obligations_not_cached": od_day, "docket_not_cached": od_docket,
                                                   "target_s": 2.0}
            else:
                print("  certctl overdue: not available yet", flush=True)
                results["scenarios"]["overdue"] = {"available": False}

    if "5" in a.only:
        sizes = [int(x) for x in (a.national or ("10000" if a.quick else "100000")).split(",")]
        results["scenarios"]["national"] = national(work, sizes, a, env, repeat, row)

    if "6" in a.only:  # many forms, one changed (issue 15): bench/incremental.py
        import incremental

        many = a.many or ("10000x5" if a.quick else "100000x20")
        results["scenarios"]["one_form_changed"] = incremental.scenario(work, many, a.seed, repeat, env, row,
                                                                        sys.modules[__name__])

    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print()
    print(f"{'measurement':<46}{'wall':>8}{'cpu':>8}{'peak':>8}{'ratio':>8}{'cpu ratio':>10}{'target':>8}")
    for name, s, cpu, mb, ratio, cratio, target in rows_out:
        print(f"{name:<46}{s:7.2f}s{cpu:7.2f}s{mb:6.0f}MB{(f'{ratio:7.2f}x' if ratio else ''):>8}"
              f"{(f'{cratio:9.2f}x' if cratio else ''):>10}{(f'<{target:g}x' if target else ''):>8}")
    sc = results["scenarios"]
    if "merge_warm" in sc:
        mw = sc["merge_warm"]
        print(f"second merge with the cache warm: {mw['speedup']:.1f}x faster than the first "
              f"(cpu {mw['cpu_speedup']:.1f}x) "
              f"({mw['speedup_vs_no_cache']:.1f}x faster than --no-cache); target >= 5x")
    print(f"\nwritten {a.out.relative_to(ROOT) if a.out.is_relative_to(ROOT) else a.out}")
    return 0


def bare_phases(cmd: list[str], reps: int, env: dict) -> dict:
    """The bare read + write (bench/national.py BARE): each run's read and write phases as the script
    timed them in-process (the untimed loading of the ledger's rows left out); medians of read + write."""
    import tempfile

    runs, peaks = [], []
    for _ in range(reps):
        with tempfile.TemporaryFile() as so, tempfile.TemporaryFile() as se:
            proc = subprocess.Popen(cmd, stdout=so, stderr=se, env=env)
            _, status, usage = os.wait4(proc.pid, 0)  # its peak memory (ru_maxrss), as run_once
            proc.returncode = os.waitstatus_to_exitcode(status)
            so.seek(0)
            se.seek(0)
            stdout, stderr = so.read().decode(), se.read().decode(errors="replace")
        if proc.returncode != 0:
            raise RuntimeError(f"bare {cmd[3]} exited {proc.returncode}:\n{stderr[-2000:]}")
        runs.append(json.loads(stdout.strip().splitlines()[-1]))
        peaks.append(usage.ru_maxrss / 1024)
    med = lambda k: statistics.median(r[k] for r in runs)  # noqa: E731
    walls = [r["read_s"] + r["write_s"] for r in runs]
    cpus = [r["read_cpu_s"] + r["write_cpu_s"] for r in runs]
    return {"cmd": " ".join(cmd[:2] + ["BARE"] + cmd[3:]), "median_s": statistics.median(walls),
            "cpu_median_s": statistics.median(cpus), "runs": walls, "cpu_runs": cpus, "peak_mb": max(peaks),
            "read_s": med("read_s"), "read_cpu_s": med("read_cpu_s"), "write_s": med("write_s"),
            "write_cpu_s": med("write_cpu_s"), "written_rows": runs[0]["written_rows"], "phases": runs}


def national(work: Path, sizes: list[int], a: argparse.Namespace, env: dict, repeat: int, row) -> dict:
    """Scenario 5 (issue 15): the national ledger at each size, against bare read + bare write of the
    ledger's rows with the fastest of the writers installed (bench/national.py)."""
    import national as N

    writers = N.writers() if a.bare_writer == "all" else [a.bare_writer]
    out: dict = {"bare_writers": writers, "sizes": {}}
    for size in sizes:
        root = work / "national" / f"{size}"
        forms = root / "forms"
        ensure(forms, {"rows": size, "seed": a.seed, "v": N.VERSION, "per_form": N.PER_FORM},
               lambda: N.make_forms(forms, size, a.seed))
        big = size >= 500_000  # one run each, no warm-up: minutes a run
        reps, warm = (1, False) if big else (max(1, min(repeat, 3)), True)
        load = os.getloadavg()
        ledger, db = root / "ledger.xlsx", root / "ledger.sqlite"
        cmd = [CERTCTL, "merge", str(forms), "-o", str(ledger), "--as-of", "2024-06-05", "-q"]
        cold = measure(cmd + ["--no-cache"], reps, warmup=warm, env=env)
        # the ledger's rows, as the merge just wrote them, for the bare write (untimed)
        rows_file = root / "ledger-rows.pickle"
        subprocess.run([PY, "-c", N.DUMP, str(ledger), str(rows_file)], check=True, capture_output=True, env=env)
        bares = {}
        for w in writers:
            wcmd = [PY, "-c", N.BARE, w, str(root / f"bare-{w}.xlsx"), str(rows_file), str(forms)]
            if warm:
                bare_phases(wcmd, 1, env)  # warm-up (page cache, .pyc)
            bares[w] = bare_phases(wcmd, reps, env)
            b = bares[w]
            print(f"    bare {w:<13} read {b['read_s']:6.2f} s ({b['read_cpu_s']:6.2f} cpu-s)  write "
                  f"{b['write_s']:6.2f} s ({b['write_cpu_s']:6.2f} cpu-s)", flush=True)
        fastest = min(bares, key=lambda w: bares[w]["cpu_median_s"])  # by CPU: wall waits on a shared machine
        bare = bares[fastest]
        row(f"national {size:,}: bare read + write ({fastest})", bare)
        row(f"national {size:,}: certctl merge --no-cache", cold, bare, 2.0)
        res = {"rows": size, "forms": -(-size // N.PER_FORM), "load_before": load, "bare_writer": fastest,
               "bare_read_write": bare, "bare_by_writer": bares,
               "certctl": cold, "ratio": cold["median_s"] / bare["median_s"],
               "cpu_ratio": cold["cpu_median_s"] / bare["cpu_median_s"], "target_ratio": 2.0, "target_peak_mb": 1000,
               "ledger_mb": ledger.stat().st_size / 1e6}
        out["sizes"][str(size)] = res
        if big and not a.national_all:  # minutes a run: the cold merge only (--national-all for the rest)
            res["load_after"] = os.getloadavg()
            print(f"  load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after", flush=True)
            continue
        with_db = measure(cmd + ["--no-cache", "--sqlite", str(db)], 1, warmup=False, env=env)
        row(f"national {size:,}: merge --no-cache --sqlite", with_db, bare)
        shutil.rmtree(work / ".certctl", ignore_errors=True)
        first_s, first_mb, first_cpu = run_once(cmd, env=env)  # fills the cache
        first = {"median_s": first_s, "cpu_median_s": first_cpu, "peak_mb": first_mb}
        form0 = sorted(forms.rglob("*.xlsx"))[0]
        version = [0]

        def change_one() -> None:  # one form changed since the last merge
            version[0] += 1
            N.changed_form(form0, size, a.seed, version[0])

        one = measure(cmd, reps, before=change_one, warmup=False, env=env)
        N.changed_form(form0, size, a.seed, 0)  # the generated folder as its stamp says
        row(f"national {size:,}: first merge filling the cache", first)
        row(f"national {size:,}: cache warm, one form changed", one, first)
        res.update({"load_after": os.getloadavg(), "with_sqlite": with_db, "first_run": first,
                    "one_form_changed": one, "sqlite_mb": db.stat().st_size / 1e6})
        print(f"  load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after", flush=True)
    return out


if __name__ == "__main__":
    sys.exit(main())
