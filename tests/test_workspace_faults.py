"""A clerk's folder as it really is, through real certctl processes: Office lock files beside forms and
beside the ledger, names that are not UTF-8, inside and out of the zip, link loops, a non-UTF-8 locale.
(Bad files one by one are the corpus, tests/corpus; kills and races are test_faults.py; outputs on forms,
permissions and pipes are test_safety.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from fixtures.builders import META, annex_row
from certctl.samples import write_form

CERTCTL = str(Path(sys.executable).parent / "certctl")
AS_OF = "2024-06-05"


def env(**extra: str) -> dict[str, str]:
    e = dict(os.environ)
    e.update({"NO_COLOR": "1", "COLUMNS": "200", **extra})
    return e


def certctl(*args: str, **kw) -> subprocess.CompletedProcess:
    e = kw.pop("env", None) or env()
    return subprocess.run([CERTCTL, *args], capture_output=True, timeout=120, env=e, **kw)


def text(p: subprocess.CompletedProcess) -> str:
    return p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")


def form(path: Path, n: int = 0, rows: int = 2) -> Path:
    write_form(path, "annex1", [annex_row("annex1", n + i) for i in range(rows)], META)
    return path


def merged(out: Path) -> dict:
    """The merge's JSON document for the files it read."""
    return json.loads(out.read_text("utf-8"))


# ------------------------------------------------------------------------- the ledger open in Excel
@pytest.mark.parametrize("name,lock", [("台账.xlsx", "~$台账.xlsx"), ("台账.xlsx", ".~lock.台账.xlsx#"),
                                       ("证件管理总台账2024.xlsx", "~$管理总台账2024.xlsx")])
def test_ledger_open_in_excel_or_wps_is_not_replaced(tmp_path: Path, name: str, lock: str) -> None:
    """A lock file beside the ledger: the clerk has it open, perhaps typing in 处理情况. Replacing it would
    leave what is unsaved out of the new ledger, and the clerk's save would put the old one back: refused,
    exit 2, the ledger untouched, the message naming the lock file to delete if Excel is not running."""
    forms = tmp_path / "ledger"
    form(forms / "镇A" / "附件1.xlsx")
    out = tmp_path / name
    first = certctl("merge", str(forms), "-o", str(out), "--as-of", AS_OF, "-q")
    assert first.returncode == 0, text(first)
    form(forms / "镇B" / "附件1.xlsx", n=10)  # something new to merge
    (tmp_path / lock).write_bytes(b"\x05clerk")
    before = out.read_bytes()
    p = certctl("merge", str(forms), "-o", str(out), "--as-of", AS_OF, "-q")
    assert p.returncode == 2, text(p)
    assert "Traceback" not in text(p)
    assert "正在 Excel/WPS 中打开" in text(p) and lock in text(p)
    assert out.read_bytes() == before
    (tmp_path / lock).unlink()  # Excel closed: the merge goes ahead
    p = certctl("merge", str(forms), "-o", str(out), "--as-of", AS_OF, "-q")
    assert p.returncode == 0, text(p)
    assert out.read_bytes() != before


# ------------------------------------------------------------------- odd things among the forms
def test_lock_files_links_and_gbk_names_among_the_forms(tmp_path: Path) -> None:
    """Excel's ``~$form.xlsx`` and LibreOffice's ``.~lock.form.xlsx#`` are skipped (not read, not counted);
    a symbolic link loop ends; a file name in GBK bytes and a zip whose member names are GBK (no UTF-8
    flag, as old Chinese zip tools write) are read. Every form is merged, exit 0, no traceback."""
    forms = tmp_path / "ledger"
    good = form(forms / "镇A" / "附件1.xlsx")
    (forms / "镇A" / "~$附件1.xlsx").write_bytes(b"\x05zhang" + b"\x00" * 160)
    (forms / "镇A" / ".~lock.附件1.xlsx#").write_text("zhang,host,2024-06-05", "utf-8")
    (forms / "镇A" / "回环").symlink_to(forms / "镇A")  # a link to its own folder
    (forms / "环1.xlsx").symlink_to(forms / "环2.xlsx")
    (forms / "环2.xlsx").symlink_to(forms / "环1.xlsx")
    gbk_name = os.fsencode(forms / "镇B") + b"/" + "附件1_测试".encode("gbk") + b".xlsx"
    os.makedirs(forms / "镇B")
    form(Path(os.fsdecode(gbk_name)), n=10)
    # GBK member names: the workbook of another form, plus a part named in GBK without the UTF-8 flag
    src = form(tmp_path / "src.xlsx", n=20)

    class GbkInfo(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's name
            try:
                return self.filename.encode("ascii"), self.flag_bits
            except UnicodeEncodeError:
                return self.filename.encode("gbk"), self.flag_bits & ~0x800

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(forms / "镇C.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for i in zin.infolist():
            z.writestr(GbkInfo(i.filename, i.date_time), zin.read(i))
        z.writestr(GbkInfo("docProps/说明.txt"), b"x")
    assert any(n.endswith(".txt") and "说明" not in n for n in zipfile.ZipFile(forms / "镇C.xlsx").namelist())
    out = tmp_path / "台账.xlsx"
    p = certctl("merge", str(forms), "-o", str(out), "--as-of", AS_OF, "--format", "json")
    assert "Traceback" not in text(p)
    assert p.returncode == 0, text(p)
    doc = json.loads(p.stdout)
    assert len(doc["files"]) == 3, [f["path"] for f in doc["files"]]
    assert sum(f["rows_merged"] for f in doc["files"]) == 6
    assert good.exists()
    v = certctl("validate", str(forms), "-q")
    assert v.returncode == 0 and "Traceback" not in text(v), text(v)
    v = certctl("validate", str(forms / "环1.xlsx"))  # named on the line: said, in Chinese
    assert v.returncode == 2 and "符号链接循环" in text(v), text(v)


def test_unreadable_file_among_the_forms_is_listed_not_lost(tmp_path: Path) -> None:
    """A form the run may not read (mode 000, run without root's override) is counted unreadable with
    its reason, exit 1; the other forms are merged."""
    if os.geteuid() == 0 and not _setpriv():
        pytest.skip("running as root without setpriv: cannot take away read permission")
    forms = tmp_path / "ledger"
    form(forms / "镇A" / "附件1.xlsx")
    locked = form(forms / "镇B" / "附件1.xlsx", n=10)
    locked.chmod(0)
    tmp_path.chmod(0o755)
    prefix = [_setpriv(), "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    out = tmp_path / "out" / "台账.xlsx"
    try:
        p = subprocess.run([*prefix, CERTCTL, "merge", str(forms), "-o", str(out), "--as-of", AS_OF,
                            "--format", "json"], capture_output=True, timeout=120, env=env())
    finally:
        locked.chmod(0o600)
    assert p.returncode == 1, text(p)
    doc = json.loads(p.stdout)
    bad = [f for f in doc["files"] if f["status"] != "ok" and f["rows_merged"] == 0]
    assert any("镇B" in f["path"] for f in bad), doc["files"]
    assert sum(f["rows_merged"] for f in doc["files"]) == 2


def _setpriv() -> str | None:
    import shutil

    return shutil.which("setpriv")


# --------------------------------------------------------------------------------- the console
def test_c_locale_prints_chinese_or_degrades_without_traceback(tmp_path: Path) -> None:
    """LANG=C / LC_ALL=C (a bare cron environment): messages still come out, as UTF-8 to a pipe, and the
    exit status is the same as under a Chinese locale."""
    forms = tmp_path / "ledger"
    form(forms / "附件1.xlsx")
    (forms / "坏.xlsx").write_bytes(b"")
    for cmd in (["validate", str(forms)], ["merge", str(forms), "-o", str(tmp_path / "台账.xlsx"), "--as-of", AS_OF],
                ["overdue", str(forms), "--as-of", AS_OF]):
        e = env(LANG="C", LC_ALL="C")
        e.pop("PYTHONIOENCODING", None)
        e.pop("PYTHONUTF8", None)
        p = certctl(*cmd, env=e)
        assert "Traceback" not in text(p), text(p)
        assert p.returncode in (1, 2), (cmd, text(p))
        assert "坏.xlsx" in text(p) or "无法读取" in text(p), text(p)


# ------------------------------------------------------------------------------------ a full disk
@pytest.fixture()
def full_disk(tmp_path: Path):
    """A small tmpfs mounted on tmp_path/full (root only): yields (the mount, a function filling it)."""
    import shutil

    mnt = tmp_path / "full"
    mnt.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")

    def fill() -> None:
        fd = os.open(mnt / "填满.bin", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)

    try:
        yield mnt, fill
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


def test_full_disk_is_said_in_chinese_and_leaves_what_was_there(tmp_path: Path, full_disk) -> None:
    """Every command writing to a full disk: exit 2, "磁盘已满" (the system says No space left on device in
    English), no traceback — not even Python's "Exception ignored" from a zip left open — the ledger
    written before untouched, no temporary file left."""
    mnt, fill = full_disk
    forms = tmp_path / "ledger"
    form(forms / "镇A" / "附件1.xlsx", rows=60)
    ledger = mnt / "台账.xlsx"
    assert certctl("merge", str(forms), "-o", str(ledger), "--as-of", AS_OF, "-q").returncode == 0
    before = ledger.read_bytes()
    fill()
    runs = {
        "merge": ["merge", str(forms), "-o", str(ledger), "--as-of", "2024-06-06", "-q"],
        "report": ["report", str(forms), "-o", str(mnt / "报告"), "--as-of", AS_OF, "-q"],
        "cleanup": ["cleanup", str(forms), "-o", str(mnt / "清理"), "--as-of", AS_OF, "-q"],
        "annotate": ["validate", str(forms / "镇A" / "附件1.xlsx"), "--annotate", str(mnt / "退回.xlsx"), "-q"],
        "overdue": ["overdue", str(forms), "--as-of", AS_OF, "-f", "json", "-o", str(mnt / "逾期.json")],
    }
    for what, args in runs.items():
        p = certctl(*args)
        err = p.stderr.decode("utf-8", "replace")
        assert p.returncode == 2, (what, text(p))
        assert "磁盘已满" in err, (what, err)
        assert "Traceback" not in text(p) and "Exception ignored" not in err, (what, err)
    assert ledger.read_bytes() == before
    assert [f.name for f in mnt.rglob("*.tmp")] == []


def test_a_fifo_named_like_a_form_does_not_hang_the_run(tmp_path: Path) -> None:
    """A named pipe (FIFO) called 附件1.xlsx among the forms — nothing ever writes to it: opening it to
    hash it blocked merge for ever (a cron job that never ends). Every command now names it unreadable
    and goes on: exit 1 (2 for validate, a file it cannot read), the other form merged."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    forms = tmp_path / "ledger"
    form(forms / "镇A" / "附件1.xlsx")
    os.mkfifo(forms / "镇B附件1.xlsx")
    runs = {
        "merge": (["merge", str(forms), "-o", str(tmp_path / "台账.xlsx"), "--as-of", AS_OF, "--no-cache"], 1),
        "overdue": (["overdue", str(forms), "--as-of", AS_OF], 1),
        "report": (["report", str(forms), "-o", str(tmp_path / "报告"), "--as-of", AS_OF], 1),
        "cleanup": (["cleanup", str(forms), "-o", str(tmp_path / "清理"), "--as-of", AS_OF], 1),
        "validate": (["validate", str(forms)], 2),
    }
    for what, (args, status) in runs.items():
        p = subprocess.run([CERTCTL, *args], capture_output=True, timeout=60, env=env(COLUMNS="300"))
        assert p.returncode == status, (what, text(p))
        assert "Traceback" not in text(p)
        assert "镇B附件1.xlsx" in text(p) and "不是普通文件" in text(p), (what, text(p))


def test_a_csv_among_the_forms_is_named_not_passed_over_in_silence(tmp_path: Path) -> None:
    """A unit's form saved as CSV (附件2.csv) is not read by merge; it was passed over without a word, so
    the clerk could believe its rows were in the ledger. Now one note names it (stderr, so cron mails it);
    certctl's own CSV export (overdue -f csv -o) in the folder is not named."""
    forms = tmp_path / "ledger"
    form(forms / "镇A" / "附件1.xlsx")
    (forms / "镇B").mkdir()
    (forms / "镇B" / "附件2.csv").write_text("姓名,身份证号码,证件号码\n张三,320681198005170012,3206810000001\n", "gbk")
    own = certctl("overdue", str(forms), "--as-of", AS_OF, "-f", "csv", "-o", str(forms / "逾期.csv"))
    assert own.returncode in (0, 1) and (forms / "逾期.csv").exists(), text(own)
    p = certctl("merge", str(forms), "-o", str(tmp_path / "台账.xlsx"), "--as-of", AS_OF, "-q")
    assert p.returncode == 0, text(p)
    err = p.stderr.decode("utf-8")
    assert "附件2.csv 是 CSV 文件，没有合并" in err and "另存为 .xlsx" in err, err
    assert "逾期.csv" not in err, err
