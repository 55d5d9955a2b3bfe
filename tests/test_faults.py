"""Nothing lost: a merge killed at any moment leaves the old ledger or the new one, whole; two merges
started together never interleave their writes (one waits or is refused by the lock)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from certctl.idcard import make_id
from certctl.ledger_xlsx import SHEETS as LEDGER_SHEETS
from certctl.samples import write_form

CERTCTL = str(Path(sys.executable).parent / "certctl")
META = {"unit": "启东市城市管理局", "reporter": "张三", "phone": "0513-83123456", "date": dt.date(2024, 6, 3)}
AS_OF = "2024-06-05"
SHEETS = len(LEDGER_SHEETS)


def has_merge() -> bool:
    return subprocess.run([CERTCTL, "merge", "--help"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not has_merge(), reason="certctl merge not built yet")


def env(**extra: str) -> dict[str, str]:
    e = dict(os.environ)
    e.update(NO_COLOR="1", COLUMNS="200", **extra)
    return e


def rows(n: int, start: int = 0) -> list[dict]:
    out = []
    for i in range(start, start + n):
        male = i % 2 == 0
        pid = make_id("320681", dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28), (i % 400) * 2 + (1 if male else 0))
        out.append({"name": "王" + "伟芳娜秀英敏静丽强磊"[i % 10] + "明", "sex": "男" if male else "女", "id": pid,
                    "unit": "启东市城市管理局", "cert": f"3206810{i:05d}", "action": "录入归集",
                    "entry_date": dt.date(2024, 5, 20)})
    return out


def merge_cmd(forms: Path, out: Path, *extra: str) -> list[str]:
    return [CERTCTL, "merge", str(forms), "-o", str(out), "--as-of", AS_OF, "--quiet", *extra]


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def whole(p: Path) -> bool:
    wb = load_workbook(p, read_only=True)
    try:
        return len(wb.sheetnames) == SHEETS and all(ws.max_row >= 1 for ws in wb.worksheets)
    finally:
        wb.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Two form folders (old: 40 rows, new: 400 rows over 4 files) and the ledger each gives."""
    d = tmp_path_factory.mktemp("faults")
    old, new = d / "old", d / "new"
    write_form(old / "a.xlsx", "annex1", rows(40), META)
    for k in range(4):
        write_form(new / f"b{k}.xlsx", "annex1", rows(100, 100 * k), META)
    ref = {}
    solo = 0.0
    for name, forms in (("old", old), ("new", new)):
        out = d / f"ref-{name}.xlsx"
        t = time.monotonic()
        p = subprocess.run(merge_cmd(forms, out), capture_output=True, text=True, env=env(), timeout=60)
        solo = time.monotonic() - t
        assert out.exists(), p.stdout + p.stderr
        assert whole(out)
        ref[name] = out
    # the ledger is a pure function of the files: merging again gives the same bytes
    again = d / "again.xlsx"
    subprocess.run(merge_cmd(old, again), capture_output=True, env=env(), timeout=60)
    deterministic = sha(again) == sha(ref["old"])
    return {"dir": d, "old": old, "new": new, "ref": ref, "deterministic": deterministic, "solo": solo}


def outcome(p: Path, world) -> str:
    """'old' or 'new' when the ledger at p is one of the two, whole; else a description."""
    if not p.exists():
        return "missing"
    if not whole(p):
        return "broken"
    if world["deterministic"]:
        h = sha(p)
        for k in ("old", "new"):
            if h == sha(world["ref"][k]):
                return k
        return "other"
    n = load_workbook(p, read_only=True).worksheets[0].max_row
    return {41: "old", 401: "new"}.get(n, f"rows={n}")


def test_killed_merge_leaves_old_or_new_ledger(world):
    runs, per_wave = 24, 4
    d = world["dir"] / "kills"
    d.mkdir()
    solo = world["solo"]
    # waves of 4 runs at once, each on its own ledger (a copy of the old one), killed at moments spread
    # from just after start to past the end; odd runs pause with the temp file fully written (the
    # test hook), to hit the window before the rename
    procs = []
    killed = finished = 0
    for w in range(runs // per_wave):
        wave = []
        for j in range(per_wave):
            i = w * per_wave + j
            ledger = d / f"{i:02d}" / "台账.xlsx"
            ledger.parent.mkdir()
            shutil.copy(world["ref"]["old"], ledger)
            slow = i % 2 == 1
            extra = {"CERTCTL_TEST_SLOW_WRITE": "0.4"} if slow else {}
            frac = 0.1 + 2.4 * ((i * 7) % runs) / runs  # 0.1 … 2.5 times a lone run
            delay = frac * (solo + (0.4 if slow else 0))
            p = subprocess.Popen(merge_cmd(world["new"], ledger), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, env=env(**extra))
            wave.append((p, ledger, delay, time.monotonic()))
        for p, ledger, delay, started in sorted(wave, key=lambda x: x[3] + x[2]):
            wait = started + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                killed += 1
            else:
                finished += 1
            p.wait(timeout=60)
        procs += wave
    seen = {}
    for p, ledger, delay, _ in procs:
        got = outcome(ledger, world)
        assert got in ("old", "new"), (ledger, delay, got)
        seen[got] = seen.get(got, 0) + 1
        # only the ledger, certctl's .certctl/ folder (lock, note of what it wrote), a copy of the old
        # ledger (copied in without certctl's note, so kept: 台账.<time>.bak.xlsx) and at most a stale temp file
        for f in ledger.parent.iterdir():
            assert f.name in (ledger.name, ".certctl") or f.name.endswith((".tmp", ".bak.xlsx")), f.name
    print("kills", killed, "finished", finished, "outcomes", seen, "deterministic", world["deterministic"])
    assert killed >= 5, (killed, finished)
    assert seen.get("old", 0) >= 1 and seen.get("new", 0) >= 1, seen
    # the next merge after a kill cleans up and writes the new ledger
    victim = procs[1][1]
    p = subprocess.run(merge_cmd(world["new"], victim), capture_output=True, text=True, env=env(), timeout=60)
    assert outcome(victim, world) == "new", p.stdout + p.stderr
    assert [f.name for f in victim.parent.iterdir() if f.name.endswith(".tmp")] == []


@pytest.mark.parametrize("wait", [0, 30])
def test_two_merges_at_once_never_interleave(world, wait):
    d = world["dir"] / f"race{wait}"
    d.mkdir()
    ledger = d / "台账.xlsx"
    shutil.copy(world["ref"]["old"], ledger)
    slow = env(CERTCTL_TEST_SLOW_WRITE="0.8")
    a = subprocess.Popen(merge_cmd(world["old"], ledger, "--wait", str(wait)), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=slow)
    b = subprocess.Popen(merge_cmd(world["new"], ledger, "--wait", str(wait)), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=slow)
    ra, rb = a.wait(timeout=60), b.wait(timeout=60)
    outs = (a.stdout.read() + a.stderr.read(), b.stdout.read() + b.stderr.read())
    for o in outs:
        assert "Traceback" not in o
    got = outcome(ledger, world)
    assert got in ("old", "new"), got
    if wait == 0:
        # at most one may be refused, with exit 2 and a message naming the lock
        refused = [o for r, o in zip((ra, rb), outs) if r == 2]
        assert len(refused) <= 1, outs
        for o in refused:
            assert "锁" in o or "lock" in o
    else:
        assert ra in (0, 1) and rb in (0, 1), outs
    a.stdout.close(), a.stderr.close(), b.stdout.close(), b.stderr.close()


@pytest.mark.parametrize("sig,status", [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_ctrl_c_or_sigterm_mid_merge_leaves_old_ledger_no_temp_no_stale_lock(world, sig, status):
    """Ctrl-C, SIGTERM from a stopped cron job or service, or SIGHUP (the clerk closed the terminal window,
    the SSH session dropped): the old ledger whole, no temporary file with personal data left beside it,
    one line (no traceback), and the next run not blocked by the lock."""
    d = world["dir"] / f"signal{int(sig)}"
    d.mkdir()
    ledger = d / "台账.xlsx"
    shutil.copy(world["ref"]["old"], ledger)
    before = sha(ledger)
    p = subprocess.Popen(merge_cmd(world["new"], ledger), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env(CERTCTL_TEST_SLOW_WRITE="30"))
    tmp = None
    for _ in range(600):  # until the temporary ledger is written (the hook then sleeps 30 s)
        tmp = [f for f in d.iterdir() if f.name.endswith(".tmp")]
        if tmp or p.poll() is not None:
            break
        time.sleep(0.1)
    assert tmp, "the temporary ledger never appeared"
    time.sleep(0.3)
    p.send_signal(sig)
    out, err = p.communicate(timeout=60)
    assert p.returncode == status, (p.returncode, out, err)
    assert "Traceback" not in out + err
    assert "中断" in err or "终止" in err, err
    assert sha(ledger) == before
    assert [f.name for f in d.iterdir() if f.name.endswith(".tmp")] == []
    again = subprocess.run(merge_cmd(world["new"], ledger, "--wait", "0"), capture_output=True, text=True,
                           env=env(), timeout=60)
    assert again.returncode in (0, 1), again.stdout + again.stderr
    assert outcome(ledger, world) == "new"
