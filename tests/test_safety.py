"""Issue 13 — nothing lost, no one let in. One test (or a few) per numbered failure of the issue, each
reproducing it on real files and real processes:

1. an output (ledger, log, annotated copy, --output, report, template) never lands on a form;
2. the clerk's 处理情况 and added columns are carried; a ledger edited otherwise is copied aside;
3. the cache cannot run code (a planted pickle is a miss) and is not used in a folder others can write;
5. an unreadable sub-folder is reported, counted and reflected in the exit status;
6. personal-data outputs are created 0600 (less the umask), configurable;
7. no traceback, and exit 2, for an unwritable lock folder, a full log, a closed or broken stdout;
8. a cp936 console: CSV to a file or a pipe in UTF-8 with BOM, unencodable characters replaced;
9. an empty or missing forms folder is exit 2; overdue works on a read-only share; state not in it.

(4, read each file once, is in test_read_once.py.) Tests that need an ordinary user's permissions run
certctl, when the suite runs as root, without root's power to ignore file permissions (``setpriv``
drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH), so a folder of mode 000 is unreadable to it as to a clerk.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment

from certctl import codec
from certctl.cache import FormCache, default_cache_dir, open_cache, options_key
from certctl.samples import write_form
from certctl.validate import Options, validate_file
from certctl.workspace import load_workspace
from fixtures.builders import META, annex_row, build
from test_overdue import build_campaign

CERTCTL = str(Path(sys.executable).parent / "certctl")
AS_OF = "2024-06-05"
OPTS = Options(today=dt.date(2024, 6, 5))
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def env(**extra: str) -> dict[str, str]:
    e = dict(os.environ)
    e.update({"NO_COLOR": "1", "COLUMNS": "200", **extra})
    return e


SETPRIV = shutil.which("setpriv")
AS_USER = [SETPRIV, "--bounding-set=-dac_override,-dac_read_search"] if (ROOT and SETPRIV) else []


def certctl(*args: str, cwd: Path | None = None, user: bool = False, **kw) -> subprocess.CompletedProcess:
    """Run certctl; ``user=True``: with an ordinary user's file permissions (see the module doc)."""
    e = kw.pop("env", None) or env()
    return subprocess.run([*(AS_USER if user else []), CERTCTL, *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env=e, **kw)


def no_traceback(p: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout, p.stderr


@pytest.fixture()
def open_dir():
    """A folder any user can enter and write (for runs as another user); removed afterwards."""
    d = Path(tempfile.mkdtemp(prefix="certctl-i13-", dir="/tmp"))
    d.chmod(0o777)
    yield d
    for p in d.rglob("*"):
        try:
            p.chmod(0o777) if p.is_dir() else None
        except OSError:
            pass
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture()
def campaign(tmp_path: Path) -> Path:
    build_campaign(tmp_path)
    return tmp_path / "ledger"


def user_can_run(where: Path) -> bool:
    if not ROOT:
        return True
    if not AS_USER:
        return False
    try:
        return certctl("--help", cwd=where, user=True).returncode == 0
    except OSError:
        return False


def sha(p: Path) -> bytes:
    return p.read_bytes()


# --------------------------------------------------------------------------------------- 1. outputs
def test_1_ledger_over_a_submitted_form_is_refused(campaign: Path, tmp_path: Path) -> None:
    form = next(campaign.rglob("附件4-补发.xlsx"))
    before = form.read_bytes()
    p = certctl("merge", str(campaign), "-o", str(form), "--as-of", AS_OF)
    no_traceback(p)
    assert p.returncode == 2
    assert str(form) in p.stderr and str(campaign) in p.stderr and "报送的表格" in p.stderr
    assert form.read_bytes() == before
    # the same form by another name: a symbolic link, a hard link
    link = tmp_path / "链接.xlsx"
    link.symlink_to(form)
    hard = tmp_path / "硬链接.xlsx"
    os.link(form, hard)
    for other in (link, hard):
        p = certctl("merge", str(campaign), "-o", str(other), "--as-of", AS_OF)
        assert p.returncode == 2 and "报送的表格" in p.stderr, p.stderr
    assert form.read_bytes() == before
    # a workbook that is not a certctl ledger, outside the tree, is not overwritten either
    other = tmp_path / "别人的.xlsx"
    write_form(other, "annex1", [annex_row("annex1", 1)], META)
    mine = other.read_bytes()
    p = certctl("merge", str(campaign), "-o", str(other), "--as-of", AS_OF)
    assert p.returncode == 2 and "不是 certctl 写出的台账" in p.stderr and other.read_bytes() == mine


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_1_a_planted_note_does_not_make_a_workbook_a_ledger(campaign: Path, tmp_path: Path) -> None:
    """A note of certctl's in a .certctl/ that other users can write (a shared folder, umask 000) could
    have been put there by anyone: it must not make the clerk's own 台账.xlsx one the merge may replace."""
    other = tmp_path / "台账.xlsx"
    write_form(other, "annex1", [annex_row("annex1", 1)], META)
    mine = other.read_bytes()
    state = tmp_path / ".certctl"
    state.mkdir()
    (state / "台账.xlsx.json").write_text("{}", encoding="utf-8")
    state.chmod(0o777)
    p = certctl("merge", str(campaign), "-o", str(other), "--as-of", AS_OF)
    no_traceback(p)
    assert p.returncode == 2 and "不是 certctl 写出的台账" in p.stderr, p.stderr
    assert other.read_bytes() == mine


def test_1_log_file_on_a_form_is_refused(campaign: Path, tmp_path: Path) -> None:
    form = next(campaign.rglob("附件4-补发.xlsx"))
    before = form.read_bytes()
    for cmd in (["overdue", "--dir", str(campaign)], ["report", "--dir", str(campaign), "--out", str(tmp_path / "r")]):
        p = certctl(*cmd, "--as-of", AS_OF, "--log-file", str(form))
        no_traceback(p)
        assert p.returncode == 2 and str(form) in p.stderr and str(campaign) in p.stderr, p.stderr
        assert form.read_bytes() == before
    # a text file that is not a certctl log is not appended to; a certctl log is
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    p = certctl("overdue", "--dir", str(campaign), "--as-of", AS_OF, "--log-file", str(notes))
    assert p.returncode == 2 and notes.read_text(encoding="utf-8") == "my notes\n"
    log = tmp_path / "o.log"
    for _ in range(2):
        assert certctl("overdue", "--dir", str(campaign), "--as-of", AS_OF, "--log-file", str(log)).returncode == 1
    assert log.read_text(encoding="utf-8").count("exit=1") == 2


def test_1_other_outputs_on_a_form_are_refused(campaign: Path, tmp_path: Path) -> None:
    form = next(campaign.rglob("附件4-补发.xlsx"))
    before = form.read_bytes()
    p = certctl("overdue", "--dir", str(campaign), "--as-of", AS_OF, "-f", "csv", "--output", str(form))
    assert p.returncode == 2 and str(form) in p.stderr
    p = certctl("validate", str(campaign), "--annotate", str(form.parent))  # the copy would replace nothing…
    assert p.returncode in (0, 1, 2)
    p = certctl("validate", str(form), "--annotate", str(form))  # …but onto the form itself it is refused
    assert p.returncode == 2
    other = next(campaign.rglob("摸排统计表.xlsx"))
    p = certctl("validate", str(form), "--annotate", str(other))
    assert p.returncode == 2 and str(other) in p.stderr
    p = certctl("template", "annex4", "-o", str(form), "--force")
    assert p.returncode == 2 and str(form) in p.stderr
    assert form.read_bytes() == before
    # certctl's own outputs are replaced as before
    t = tmp_path / "模板.xlsx"
    assert certctl("template", "annex4", "-o", str(t)).returncode == 0
    assert certctl("template", "annex4", "-o", str(t), "--force").returncode == 0
    a = tmp_path / "标注.xlsx"
    for _ in range(2):
        assert certctl("validate", str(form), "--annotate", str(a)).returncode in (0, 1)
    out = tmp_path / "reports"
    for _ in range(2):
        assert certctl("report", "--dir", str(campaign), "--out", str(out), "--as-of", AS_OF).returncode == 1


# --------------------------------------------------------------------------------------- 2. clerk's edits
def _merge(forms: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return certctl("merge", str(forms), "-o", str(out), "--as-of", AS_OF, *extra)


def _sheet(path: Path, name: str = "证件台账") -> list[list]:
    wb = load_workbook(path, read_only=True)
    try:
        return [list(r) for r in wb[name].iter_rows(values_only=True)]
    finally:
        wb.close()


def _edit(path: Path, fn) -> None:
    """Edit the ledger as a clerk would in Excel (openpyxl saves it again)."""
    wb = load_workbook(path)
    fn(wb)
    wb.save(path)


@pytest.fixture()
def ledger_world(tmp_path: Path) -> tuple[Path, Path]:
    forms = tmp_path / "forms"
    build(forms, "annex1", [annex_row("annex1", n) for n in range(4)], name="镇A/附件1.xlsx")
    build(forms, "annex1", [annex_row("annex1", n + 10) for n in range(2)], name="镇B/附件1.xlsx")
    out = tmp_path / "台账.xlsx"
    p = _merge(forms, out)
    assert p.returncode == 0, p.stderr
    return forms, out


def test_2_notes_and_added_columns_are_carried(ledger_world: tuple[Path, Path]) -> None:
    forms, out = ledger_world
    rows = _sheet(out)
    head = rows[0]
    assert head[-1] == "处理情况" and all(r[-1] is None for r in rows[1:])  # provided, empty
    cert = rows[2][0]

    def note(wb):
        ws = wb["证件台账"]
        col = head.index("处理情况") + 1
        ws.cell(1, col + 1, "联系人")
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, 1).value == cert:
                ws.cell(r, col, "已电话催办 6/5")
                ws.cell(r, col + 1, "李科长")
    _edit(out, note)
    # a new form arrives; the next merge keeps the notes on the same certificate
    build(forms, "annex1", [annex_row("annex1", 30)], name="镇C/附件1.xlsx")
    p = _merge(forms, out)
    assert p.returncode == 0, p.stderr
    assert "另存为" not in p.stdout
    rows = _sheet(out)
    assert rows[0][-2:] == ["处理情况", "联系人"]
    got = {r[0]: r[-2:] for r in rows[1:]}
    assert got[cert] == ["已电话催办 6/5", "李科长"]
    assert sum(1 for v in got.values() if v != [None, None]) == 1 and len(got) == 7
    assert not list(out.parent.glob("*.bak.xlsx"))
    # sorting the sheet is not an edit
    def sort(wb):
        ws = wb["证件台账"]
        data = sorted(([c.value for c in r] for r in ws.iter_rows(min_row=2)), key=lambda r: str(r[1]), reverse=True)
        for i, r in enumerate(data, start=2):
            for j, v in enumerate(r, start=1):
                ws.cell(i, j, v)
    _edit(out, sort)
    p = _merge(forms, out)
    assert "另存为" not in p.stdout and not list(out.parent.glob("*.bak.xlsx"))
    assert {r[0]: r[-2:] for r in _sheet(out)[1:]}[cert] == ["已电话催办 6/5", "李科长"]


@pytest.mark.parametrize("edit", ["deleted_row", "edited_number", "other_sheet", "derived_cell", "orphan_note",
                                  "comment", "comment_other_sheet"])
def test_2_edits_that_cannot_be_carried_are_copied_aside(ledger_world: tuple[Path, Path], edit: str) -> None:
    forms, out = ledger_world
    out.chmod(0o640)
    head = _sheet(out)[0]
    col = head.index("处理情况") + 1

    def change(wb):
        ws = wb["证件台账"]
        if edit == "deleted_row":
            ws.delete_rows(3)
        elif edit == "edited_number":
            ws.cell(3, 1, "320689999999")
        elif edit == "other_sheet":
            wb["变动记录"].cell(2, 4, "改过的名字")
        elif edit == "derived_cell":
            ws.cell(3, head.index("证件状态") + 1, "已注销")
        elif edit == "orphan_note":
            certs = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
            row = 2 + certs.index(annex_row("annex1", 10)["cert"])
            ws.cell(row, col, "待核实")
        elif edit == "comment":  # a 批注 is not a value: it was dropped silently
            ws.cell(3, 2).comment = Comment("已电话核实", "张三")
        elif edit == "comment_other_sheet":
            wb["问题清单"].cell(2, 3).comment = Comment("已退回", "张三")
    _edit(out, change)
    edited = out.read_bytes()
    if edit == "orphan_note":
        shutil.rmtree(forms / "镇B")  # that certificate's only form is gone
    p = _merge(forms, out)
    no_traceback(p)
    assert p.returncode == 0, p.stderr
    backups = list(out.parent.glob("台账.*.bak.xlsx"))
    assert len(backups) == 1, (edit, p.stdout)
    bak = backups[0]
    assert bak.read_bytes() == edited and stat.S_IMODE(bak.stat().st_mode) == 0o640
    line = [x for x in p.stdout.splitlines() if "另存为" in x]
    assert len(line) == 1 and str(bak) in line[0] and "无法带入新台账的改动" in line[0]
    if edit == "comment":
        assert "批注（证件台账!B3）" in line[0], line[0]
    # the next merge, with nothing edited, makes no further copy; the copy is never read as a form
    p = _merge(forms, out)
    assert len(list(out.parent.glob("台账.*.bak.xlsx"))) == 1 and "另存为" not in p.stdout


def test_2_ledger_inside_the_forms_folder_with_its_copies(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    build(forms, "annex1", [annex_row("annex1", n) for n in range(3)], name="镇A/附件1.xlsx")
    out = forms / "台账.xlsx"
    assert _merge(forms, out).returncode == 0
    _edit(out, lambda wb: wb["证件台账"].delete_rows(2))
    p = _merge(forms, out)
    assert p.returncode == 0 and "另存为" in p.stdout
    p = _merge(forms, out, "--no-cache", "-f", "json")
    doc = json.loads(p.stdout)
    assert [f["path"] for f in doc["files"]] == ["镇A/附件1.xlsx"]  # neither the ledger nor its copy


# --------------------------------------------------------------------------------------- 3. the cache
class _Boom:
    """Unpickling this creates a file: the proof that a cache entry ran code."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self):
        return (Path.write_text, (Path(self.target), "pwned"))


def test_3_planted_pickle_never_runs(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    path = build(forms, "annex1", [annex_row("annex1", n) for n in range(3)], name="a.xlsx")
    res = validate_file(path, OPTS)
    key = options_key(OPTS)
    where = tmp_path / "cache"
    with FormCache(where) as c:
        c.put(res.sha256, key, res)
        c.put_derived("overdue:x", "k", {"n": 1})
    proof = tmp_path / "pwned.txt"
    for blob in (pickle.dumps(_Boom(str(proof))), zlib.compress(pickle.dumps(_Boom(str(proof))))):
        con = sqlite3.connect(where / "cache.sqlite3")
        con.execute("UPDATE forms SET blob = ?", (blob,))
        con.execute("UPDATE derived SET blob = ?", (blob,))
        con.commit()
        con.close()
        with FormCache(where) as c:
            assert c.get(res.sha256, key) is None  # a miss
            assert c.get_derived("overdue:x", "k") is None
            ws = load_workspace(forms, OPTS, cache=c)
        assert not proof.exists()
        assert ws.results[0].rows == 3 and ws.results[0].sha256 == res.sha256
    # through the command line too (the cache of a real run, every entry replaced by the pickle)
    campaign = tmp_path / "c"
    build_campaign(campaign)
    e = env(CERTCTL_CACHE_DIR=str(tmp_path / "cli-cache"))
    first = certctl("overdue", "--dir", str(campaign / "ledger"), "--as-of", AS_OF, env=e)
    con = sqlite3.connect(tmp_path / "cli-cache" / "cache.sqlite3")
    con.execute("UPDATE forms SET blob = ?", (pickle.dumps(_Boom(str(proof))),))
    con.execute("UPDATE derived SET blob = ?", (pickle.dumps(_Boom(str(proof))),))
    con.commit()
    con.close()
    again = certctl("overdue", "--dir", str(campaign / "ledger"), "--as-of", AS_OF, env=e)
    assert not proof.exists()
    assert again.returncode == first.returncode == 1 and again.stdout == first.stdout


def test_3_codec_refuses_what_it_does_not_know() -> None:
    ok = codec.dumps({"a": (1, dt.date(2024, 6, 5)), 3: frozenset({"x"})})
    assert codec.loads(ok) == {"a": (1, dt.date(2024, 6, 5)), 3: frozenset({"x"})}
    for doc in ({"$o": "subprocess:Popen", "f": {"args": ["id"]}},
                {"$o": "os:system", "f": {}},
                {"$o": "certctl.state:UnsafeDir", "f": {}},  # in certctl, but not a dataclass
                {"$o": "certctl.findings:Finding", "f": {"code": "X", "nope": 1}},  # no such field
                {"$spec": "annex9"}, {"$pickle": "gASV"}, {"$t": "abc"}):
        with pytest.raises(codec.CodecError):
            codec.loads(zlib.compress(json.dumps(doc).encode()))
    with pytest.raises(codec.CodecError):
        codec.dumps(object())
    with pytest.raises(codec.CodecError):
        codec.dumps(_Boom("x"))


def test_3_every_result_type_round_trips(tmp_path: Path) -> None:
    from certctl.ledger import build_ledger, merge_summary
    from certctl.overdue import obligations_in

    campaign = tmp_path / "c"
    build_campaign(campaign)
    ws = load_workspace(campaign / "ledger", OPTS)
    for r in ws.results:
        back = codec.loads(codec.dumps(r))
        assert back == r or _same(back, r)
    summary = merge_summary(build_ledger(ws, None, dt.date(2024, 6, 5)))
    assert codec.loads(codec.dumps(summary)) == summary
    found = obligations_in(campaign / "ledger", OPTS, None, dt.date(2024, 6, 5))
    back = codec.loads(codec.dumps(found))
    assert back.obligations == found.obligations and back.unreadable == found.unreadable
    # the model's docket (what overdue keeps to judge a new day without reading the forms)
    from certctl.config import make_calendar
    from certctl.model import build_docket

    cal = make_calendar(None)
    docket = build_docket(ws, None, calendar=cal)
    kept = codec.loads(codec.dumps((docket, ["w"])))
    assert type(kept) is tuple and kept[1] == ["w"]
    assert docket.certs and docket.units
    for day in (dt.date(2024, 6, 5), dt.date(2024, 7, 29)):
        assert kept[0].judge(day, cal) == docket.judge(day, cal) != []
    # every fact the colour is judged from comes back (hours_final: a survey filed before October)
    assert any(e.facts is not None and not e.facts.hours_final for e in docket.certs.values())
    assert {c: e.facts for c, e in kept[0].certs.items()} == {c: e.facts for c, e in docket.certs.items()}


def _same(a, b) -> bool:
    import dataclasses

    def plain(r):
        return (r.path, r.family, r.sha256, dataclasses.astuple(r.meta),
                [(s.sheet, s.spec, s.colmap, [dataclasses.astuple(x) for x in s.records]) for s in r.sheets],
                [dataclasses.astuple(f) for f in r.findings])
    return plain(a) == plain(b)


def test_3_cache_folder_others_can_write_is_not_used(campaign: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared-cache"
    shared.mkdir()
    shared.chmod(0o777)
    warned: list[str] = []
    assert open_cache(cache_dir=shared, warn=warned.append) is None
    assert len(warned) == 1 and str(shared) in warned[0] and "不使用缓存" in warned[0]
    # a folder owned by someone else
    if ROOT:
        NOBODY = 65534
        theirs = tmp_path / "theirs"
        theirs.mkdir(mode=0o700)
        os.chown(theirs, NOBODY, NOBODY)
        warned.clear()
        assert open_cache(cache_dir=theirs, warn=warned.append) is None and len(warned) == 1
    # a database file others can write, in a private folder
    mine = tmp_path / "mine"
    with FormCache(mine) as c:
        c.put_derived("n", "k", 1)
    (mine / "cache.sqlite3").chmod(0o666)
    assert open_cache(cache_dir=mine, warn=warned.append) is None
    # the command: one warning, and the same result as without a cache
    p = certctl("overdue", "--dir", str(campaign), "--as-of", AS_OF, env=env(CERTCTL_STATE_DIR=str(shared)))
    assert p.returncode == 1 and p.stderr.count("不使用缓存") == 1, p.stderr
    assert not (shared / "cache.sqlite3").exists()


# --------------------------------------------------------------------------------------- 5. unreadable folder
def test_5_unreadable_sub_folder_is_reported_and_counted(open_dir: Path) -> None:
    if not user_can_run(open_dir):
        pytest.skip("an ordinary user cannot run this certctl")
    forms = open_dir / "forms"
    build(forms, "annex1", [annex_row("annex1", n) for n in range(3)], name="镇A/附件1.xlsx")
    build(forms, "annex1", [annex_row("annex1", n + 10) for n in range(3)], name="镇B/附件1.xlsx")
    for p in forms.rglob("*"):
        p.chmod(0o777 if p.is_dir() else 0o666)
    (forms / "镇B").chmod(0o000)
    xdg = open_dir / "xdg"
    xdg.mkdir(mode=0o777)
    e = env(XDG_CACHE_HOME=str(xdg))
    out = open_dir / "台账.xlsx"
    p = certctl("merge", str(forms), "-o", str(out), "--as-of", AS_OF, cwd=open_dir, user=True, env=e)
    no_traceback(p)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "无法读取 1" in p.stdout and "镇B" in p.stdout and "没有读取权限" in p.stdout
    p = certctl("overdue", "--dir", str(forms), "--as-of", AS_OF, cwd=open_dir, user=True, env=e)
    assert p.returncode == 1 and "镇B" in p.stderr, p.stderr
    p = certctl("validate", str(forms), cwd=open_dir, user=True, env=e)
    assert p.returncode == 2 and "镇B" in p.stdout


# --------------------------------------------------------------------------------------- 6. modes
@pytest.mark.parametrize("umask,config,want", [(0o022, None, 0o600), (0o022, "0640", 0o640), (0o077, "0640", 0o600),
                                               (0o002, "0664", 0o664)])
def test_6_personal_data_outputs_are_private(campaign: Path, tmp_path: Path, umask: int, config: str | None,
                                             want: int) -> None:
    cfg = tmp_path / "certctl.toml"
    cfg.write_text(f'[output]\nmode = "{config}"\n' if config else "", encoding="utf-8")
    form = next(campaign.rglob("附件4-补发.xlsx"))
    xdg = tmp_path / "xdg"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([CERTCTL, *args, "--config", str(cfg)], capture_output=True, text=True, timeout=120,
                              env=env(XDG_CACHE_HOME=str(xdg)), preexec_fn=lambda: os.umask(umask))

    made = {
        "ledger": (run("merge", str(campaign), "-o", str(tmp_path / "台账.xlsx"), "--as-of", AS_OF), tmp_path / "台账.xlsx"),
        "annotated": (run("validate", str(form), "--annotate", str(tmp_path / "a.xlsx")), tmp_path / "a.xlsx"),
        "csv": (run("overdue", "--dir", str(campaign), "--as-of", AS_OF, "-f", "csv", "--output", str(tmp_path / "o.csv"),
                    "--log-file", str(tmp_path / "o.log")), tmp_path / "o.csv"),
    }
    made["log"] = (made["csv"][0], tmp_path / "o.log")
    rp = run("report", "--dir", str(campaign), "--out", str(tmp_path / "r"), "--as-of", AS_OF)
    for f in (tmp_path / "r").iterdir():
        if f.is_file():
            made[f"report {f.name}"] = (rp, f)
    made["cache"] = (rp, xdg / "certctl" / "cache.sqlite3")
    for what, (p, f) in made.items():
        no_traceback(p)
        assert p.returncode in (0, 1), (what, p.stderr)
        assert stat.S_IMODE(f.stat().st_mode) == (want if what != "cache" else want & ~0o022), what


# --------------------------------------------------------------------------------------- 7. no traceback
def test_7_lock_in_an_unwritable_folder(open_dir: Path, campaign: Path) -> None:
    if not user_can_run(open_dir):
        pytest.skip("an ordinary user cannot run this certctl")
    forms = open_dir / "forms"
    shutil.copytree(campaign, forms)
    for p in [forms, *forms.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    here = open_dir / "只读"
    here.mkdir()
    here.chmod(0o555)  # like `cd /` for a user who cannot write there
    p = certctl("merge", str(forms), "--as-of", AS_OF, cwd=here, user=True, env=env(XDG_CACHE_HOME=str(open_dir / "x")))
    no_traceback(p)
    assert p.returncode == 2 and "锁文件" in p.stderr and str(here) in p.stderr, p.stderr
    # overdue puts its lock in the state folder: fine; a state folder that cannot be made is exit 2
    p = certctl("overdue", "--dir", str(forms), "--as-of", AS_OF, cwd=here, user=True,
                env=env(CERTCTL_STATE_DIR=str(here / "state")))
    no_traceback(p)
    assert p.returncode == 2 and "锁文件" in p.stderr, p.stderr


def test_7_log_that_fills_the_disk(campaign: Path, tmp_path: Path) -> None:
    if Path("/dev/full").exists():
        p = certctl("overdue", "--dir", str(campaign), "--as-of", AS_OF, "--log-file", "/dev/full")
        no_traceback(p)
        assert p.returncode == 2 and "/dev/full" in p.stderr and "日志" in p.stderr
        assert "逾期事项" in p.stdout  # the job itself was done and printed
    # a file that hits the size limit mid-run (RLIMIT_FSIZE): the first lines fit, the rest do not
    import resource

    log = tmp_path / "o.log"
    log.write_text("2024-06-04T07:30:00+08:00 certctl overdue: earlier run\n", encoding="utf-8")
    limit = log.stat().st_size + 150

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    p = subprocess.run([CERTCTL, "overdue", "--dir", str(campaign), "--as-of", AS_OF, "--log-file", str(log), "--no-cache"],
                       capture_output=True, text=True, timeout=120, env=env(), preexec_fn=small_disk)
    no_traceback(p)
    assert p.returncode == 2 and str(log) in p.stderr, p.stderr
    assert log.stat().st_size <= limit


def test_7_stdout_closed_and_broken_pipe(campaign: Path) -> None:
    args = [CERTCTL, "overdue", "--dir", str(campaign), "--as-of", AS_OF]
    p = subprocess.run(args, stderr=subprocess.PIPE, text=True, timeout=120, env=env(), preexec_fn=lambda: os.close(1))
    assert p.returncode == 2 and "Traceback" not in p.stderr and "无法写出输出" in p.stderr, p.stderr
    assert "标准输出已关闭" in p.stderr, p.stderr  # not the English "stdout is closed" alone
    for fmt in ("table", "csv", "json"):
        r, w = os.pipe()
        proc = subprocess.Popen([*args, "-f", fmt], stdout=w, stderr=subprocess.PIPE, text=True, env=env())
        os.close(w)
        os.close(r)  # the reader is gone before certctl writes (`| head -0`)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 2 and "Traceback" not in err and "管道" in err, (fmt, err)
    # head -1: shell pipelines see the same
    sh = subprocess.run(["bash", "-c", f"set -o pipefail; {' '.join(args)} --all | head -c 1 >/dev/null"],
                        capture_output=True, text=True, timeout=120, env=env())
    assert sh.returncode in (1, 2) and "Traceback" not in sh.stderr
    # an unexpected error is exit 2 with one line, not a traceback and exit 1
    p = subprocess.run([sys.executable, "-c", "import sys; from certctl.cli.streams import run_main; import typer\n"
                        "app = typer.Typer()\n@app.command()\ndef x():\n    raise RuntimeError('boom')\n"
                        "@app.command()\ndef y():\n    pass\nrun_main(app, ['x'])"], capture_output=True, text=True, env=env())
    assert p.returncode == 2 and "Traceback" not in p.stderr and "boom" in p.stderr


# --------------------------------------------------------------------------------------- 8. cp936 console
def test_8_csv_on_a_cp936_console(campaign: Path, tmp_path: Path) -> None:
    e = env(PYTHONIOENCODING="cp936")
    out = tmp_path / "x.csv"
    p = certctl("overdue", "--dir", str(campaign), "--as-of", AS_OF, "-f", "csv", "--output", str(out), env=e)
    no_traceback(p)
    assert p.returncode == 1 and p.stdout == ""
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "截至" not in data.decode("utf-8-sig")
    assert "证件号码" in data.decode("utf-8-sig")
    # `> x.csv` (the README's example): the same bytes
    with open(tmp_path / "y.csv", "wb") as fh:
        q = subprocess.run([CERTCTL, "overdue", "--dir", str(campaign), "--as-of", AS_OF, "-f", "csv"], stdout=fh,
                           stderr=subprocess.PIPE, text=True, env=e, timeout=120)
    assert q.returncode == 1 and "Traceback" not in q.stderr
    assert (tmp_path / "y.csv").read_bytes() == data


def test_8_unencodable_characters_are_replaced_on_the_console(tmp_path: Path) -> None:
    form = build(tmp_path, "annex4", [annex_row("annex4", 1, name="王😀明"), annex_row("annex4", 2, sex="未知")],
                 name="表😀.xlsx")
    for args in (["validate", str(form)], ["validate", str(form), "-q"]):
        p = subprocess.run([CERTCTL, *args], capture_output=True, timeout=120,
                           env=env(PYTHONIOENCODING="cp936"))
        err = p.stderr.decode("cp936", "replace")
        assert p.returncode == 1 and "Traceback" not in err, err
        text = p.stdout.decode("cp936")
        assert "表?.xlsx" in text
    # a real terminal (the rich table) in cp936
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([CERTCTL, "validate", str(form)], stdin=slave, stdout=slave, stderr=slave,
                            env=env(PYTHONIOENCODING="cp936", COLUMNS="160"))
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=120)
    os.close(master)
    text = b"".join(chunks).decode("cp936", "replace")
    assert proc.returncode == 1 and "Traceback" not in text and "表?.xlsx" in text and "V002" in text, text[-2000:]


# --------------------------------------------------------------------------------------- 9. exit codes, state
def test_9_empty_missing_or_unmounted_folder_is_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "mnt" / "forms"
    empty.mkdir(parents=True)
    (empty / "说明.txt").write_text("x", encoding="utf-8")
    for cmd in (["overdue"], ["report", "--out", str(tmp_path / "r")]):
        for d in (empty, tmp_path / "nope"):
            p = certctl(*cmd, "--dir", str(d), "--as-of", AS_OF)
            no_traceback(p)
            assert p.returncode == 2 and str(d) in p.stderr, p.stderr
            assert ("没有任何表格" in p.stderr) if d == empty else ("不存在" in p.stderr)


def test_9_overdue_on_a_read_only_share_leaves_it_alone(open_dir: Path, campaign: Path) -> None:
    share = open_dir / "share"
    shutil.copytree(campaign, share)
    before = sorted(str(p.relative_to(share)) for p in share.rglob("*"))
    for p in [share, *share.rglob("*")]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    xdg = open_dir / "xdg"
    xdg.mkdir(mode=0o777)
    e = env(XDG_CACHE_HOME=str(xdg))
    user = user_can_run(open_dir)
    for _ in range(2):  # the second run from the cache
        p = certctl("overdue", "--dir", str(share), "--as-of", AS_OF, cwd=open_dir, user=user, env=e)
        no_traceback(p)
        assert p.returncode == 1, p.stderr
        r = certctl("report", "--dir", str(share), "--as-of", AS_OF, "--out", str(open_dir / "reports"), cwd=open_dir,
                    user=user, env=e)
        assert r.returncode == 1, r.stderr
    assert sorted(str(p.relative_to(share)) for p in share.rglob("*")) == before  # no lock, no cache
    assert (xdg / "certctl" / "cache.sqlite3").exists()
    for p in [share, *share.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)


# --------------------------------------------------------------------------------------- 8. no fcntl (Windows)
def test_8_locks_without_fcntl(tmp_path: Path) -> None:
    """Where fcntl does not exist (Windows; simulated), run_lock still excludes a second run, and a lock
    left by a killed run is taken over."""
    e = env(CERTCTL_TEST_NO_FCNTL="1", PYTHONPATH=str(Path(__file__).parent / "nofcntl"))
    lock = tmp_path / "x.lock"
    hold = ("import sys, time\nassert sys.modules.get('fcntl', 0) is None\nfrom certctl.locking import run_lock\n"
            f"with run_lock({str(lock)!r}, 0):\n    print('held', flush=True); time.sleep(60)\n")
    try_it = ("import sys\nfrom certctl.locking import LockBusy, run_lock\n"
              f"try:\n    with run_lock({str(lock)!r}, float(sys.argv[1])):\n        print('got')\n"
              "except LockBusy as e:\n    print('busy', e.holder)\n")
    p = subprocess.Popen([sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True, env=e)
    try:
        assert p.stdout.readline().strip() == "held"
        out = subprocess.run([sys.executable, "-c", try_it, "0.3"], capture_output=True, text=True, env=e).stdout
        assert out.startswith("busy") and str(p.pid) in out, out
    finally:
        p.kill()
        p.wait()
    out = subprocess.run([sys.executable, "-c", try_it, "5"], capture_output=True, text=True, env=e).stdout
    assert out.strip() == "got", out


def test_8_two_merges_without_fcntl_keep_their_temp_files(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    build(forms, "annex1", [annex_row("annex1", n) for n in range(20)], name="a.xlsx")
    out = tmp_path / "台账.xlsx"
    e = env(CERTCTL_TEST_NO_FCNTL="1", PYTHONPATH=str(Path(__file__).parent / "nofcntl"),
            CERTCTL_TEST_SLOW_WRITE="1.0")
    cmd = [CERTCTL, "merge", str(forms), "-o", str(out), "--as-of", AS_OF, "-q", "--wait", "30", "--no-cache"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e) for _ in range(2)]
    results = [p.communicate(timeout=120) for p in procs]
    for p, (o, err) in zip(procs, results):
        assert p.returncode == 0 and "Traceback" not in err, err
    assert load_workbook(out, read_only=True).sheetnames[0] == "证件台账"
    assert not list(tmp_path.glob(".台账.xlsx.*.tmp"))
