"""Every bad input of tests/corpus gets its recorded outcome: exit status, finding codes, a clear
Chinese message, never a traceback; a whole directory of them is processed file by file; zip bombs
are refused before anything is inflated, with memory bounded."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from certctl.cli import app
from certctl.render import summary_line
from certctl.validate import Options, validate_file

CORPUS = Path(__file__).parent / "corpus"
FILES = CORPUS / "files"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["files"]
CERTCTL = [str(Path(sys.executable).parent / "certctl")]

sys.path.insert(0, str(CORPUS))
import make_corpus  # noqa: E402

runner = CliRunner()


def exit_of(res) -> int:
    if res.read_error is not None:
        return 2
    return 1 if res.errors else 0


def rendered(res, lang: str = "zh") -> str:
    lines = [f.message(lang) + " " + f.hint(lang) for f in res.findings]
    return "\n".join(lines + [summary_line(res, lang)])


def clean_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(NO_COLOR="1", COLUMNS="200", PYTHONIOENCODING="utf-8")
    return env


# ------------------------------------------------------------------------------ the corpus itself
def test_manifest_covers_every_file_and_at_least_40():
    on_disk = {p.name for p in FILES.iterdir() if not p.name.startswith(".")}
    assert on_disk == set(MANIFEST), (on_disk ^ set(MANIFEST))
    assert set(make_corpus.CORPUS) == set(MANIFEST)
    assert sum(1 for m in MANIFEST.values() if m["class"] != "control") >= 40


def test_corpus_regenerates_byte_identical(tmp_path):
    make_corpus.build(tmp_path)
    for name in MANIFEST:
        a, b = FILES / name, tmp_path / name
        if a.is_dir():
            assert b.is_dir()
            continue
        assert a.read_bytes() == b.read_bytes(), f"{name}: committed file differs from make_corpus.py output"


def test_corpus_files_are_small():
    total = sum(p.stat().st_size for p in FILES.iterdir() if p.is_file())
    assert total < 1_000_000
    assert (FILES / "zip_bomb_declared.xlsx").stat().st_size < 10_000
    declared = sum(i.file_size for i in zipfile.ZipFile(FILES / "zip_bomb_declared.xlsx").infolist())
    assert declared > 8 * 10**9


# ------------------------------------------------------------------------------ one file at a time
@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_corpus_file_outcome(name):
    exp = MANIFEST[name]
    res = validate_file(FILES / name, Options())
    codes = {f.code for f in res.findings}
    text = rendered(res)
    assert exit_of(res) == exp["exit"], (name, sorted(codes), text)
    for c in exp["codes"]:
        assert c in codes, (name, c, sorted(codes), text)
    for c in exp.get("absent", ()):
        assert c not in codes, (name, c, text)
    assert exp["message"] in text, (name, exp["message"], text)
    if exp["exit"] == 0 and not exp["codes"]:
        assert res.errors == 0 and res.warnings == 0, text
    if res.read_error is not None:
        # exactly one finding naming the reason, in both languages, no Python exception text
        assert len(res.findings) == 1
        for lang in ("zh", "en"):
            msg = res.findings[0].message(lang)
            assert len(msg) > 10 and "Traceback" not in msg and "Error(" not in msg
        assert res.findings[0].message("zh") != res.findings[0].message("en")


def test_english_messages_too():
    res = validate_file(FILES / "encrypted_password.xlsx", Options(lang="en"))
    assert "password-protected" in rendered(res, "en")
    res = validate_file(FILES / "xxe_passwd.xlsx", Options(lang="en"))
    assert "DOCTYPE" in rendered(res, "en")


def test_nothing_from_passwd_is_read():
    for name in ("xxe_passwd.xlsx", "xxe_in_shared_strings.xlsx"):
        res = validate_file(FILES / name, Options())
        assert "root:" not in rendered(res)
        assert res.sheets == []


SUBPROCESS = ["truncated.xlsx", "html_saved_as.xlsx", "encrypted_password.xlsx", "xxe_passwd.xlsx",
              "zip_bomb_declared.xlsx", "formulas_uncached.xlsx", "really_xlsx.xls", "missing_column.xlsx",
              "附件1 启东市 城市管理局（第二批）.xlsx"]


@pytest.mark.parametrize("name", SUBPROCESS)
def test_real_process(name):
    exp = MANIFEST[name]
    p = subprocess.run(CERTCTL + ["validate", str(FILES / name)], capture_output=True, text=True,
                       env=clean_env(), timeout=60)
    out = p.stdout + p.stderr
    assert p.returncode == exp["exit"], out
    assert "Traceback" not in out and "Exception" not in out
    assert exp["message"] in out.replace("\n", ""), out


def test_folder_named_like_a_file_on_the_command_line():
    """Given as an argument, a folder is searched for forms: none there is a clean exit 2."""
    p = subprocess.run(CERTCTL + ["validate", str(FILES / "folder_named_like.xlsx")], capture_output=True,
                       text=True, env=clean_env(), timeout=60)
    assert p.returncode == 2
    assert "没有找到 Excel 表格文件" in p.stderr and "Traceback" not in p.stderr + p.stdout


# ------------------------------------------------------------------------------ a whole directory
def test_whole_directory_in_one_call_reports_every_file():
    r = runner.invoke(app, ["validate", str(FILES), "--format", "json"])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert r.exit_code == 2  # some files unreadable
    data = json.loads(r.stdout)
    by_name = {Path(f["path"]).name: f for f in data["files"]}
    files = [n for n in MANIFEST if not (FILES / n).is_dir()]
    assert set(by_name) == set(files)
    for name in files:
        got = {f["code"] for f in by_name[name]["findings"]}
        assert set(MANIFEST[name]["codes"]) <= got, (name, got)
    good = by_name["good_baseline.xlsx"]
    assert good["rows"] == 6 and good["errors"] == 0


def test_whole_directory_table_output_has_no_traceback():
    p = subprocess.run(CERTCTL + ["validate", str(FILES), "--quiet"], capture_output=True, text=True,
                       env=clean_env(), timeout=120)
    out = p.stdout + p.stderr
    assert p.returncode == 2
    assert "Traceback" not in out
    for name in MANIFEST:
        if not (FILES / name).is_dir():
            assert name in out, name


def test_directory_and_explicit_files_mixed(tmp_path):
    r = runner.invoke(app, ["validate", str(FILES / "good_baseline.xlsx"), str(FILES / "folder_named_like.xlsx"),
                            str(tmp_path / "does-not-exist.xlsx"), "--format", "json"])
    assert r.exit_code == 2
    data = json.loads(r.stdout)
    names = [Path(f["path"]).name for f in data["files"]]
    assert "good_baseline.xlsx" in names and "does-not-exist.xlsx" in names
    assert data["files"][0]["errors"] == 0


# ------------------------------------------------------------------------------ bombs, with memory bounded
BOUNDED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
sys.argv = ["certctl", "validate", *sys.argv[1:]]
from certctl.cli import main
try:
    main()
finally:
    print("MAXRSS_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def run_bounded(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", BOUNDED, *map(str, paths)], capture_output=True, text=True,
                          env=clean_env(), timeout=60)


def maxrss_mb(p: subprocess.CompletedProcess[str]) -> float:
    line = [ln for ln in p.stderr.splitlines() if ln.startswith("MAXRSS_KB")][-1]
    return int(line.split()[1]) / 1024


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bombs")
    out = {
        "real": make_corpus.make_real_bomb(d / "real_2GiB.xlsx", 2 << 30),
        "lying": make_corpus.make_lying_bomb(d / "lying_2GiB.xlsx", 2 << 30),
    }
    parts = make_corpus.xlsx_parts([("附件1", make_corpus.sheet_xml(make_corpus.form_rows()))])
    for i in range(20001):
        parts[f"m/{i}"] = b""
    out["many"] = make_corpus.zip_write(d / "many_parts.xlsx", parts, zipfile.ZIP_STORED)
    return out


def test_bombs_are_small_on_disk(bombs):
    assert bombs["real"].stat().st_size < 4_000_000
    assert sum(i.file_size for i in zipfile.ZipFile(bombs["real"]).infolist()) >= 2 << 30


@pytest.mark.parametrize("kind,fragment", [("real", "疑似压缩炸弹"), ("lying", "疑似压缩炸弹"), ("many", "数量异常")])
def test_zip_bomb_refused_under_1GiB_address_space(bombs, kind, fragment):
    p = run_bounded(bombs[kind], FILES / "good_baseline.xlsx")
    out = p.stdout + p.stderr
    assert p.returncode == 2, out
    assert "Traceback" not in out and "MemoryError" not in out
    assert fragment in out.replace("\n", "")
    assert "F006" in out
    assert "good_baseline.xlsx" in out  # the other file of the run is still processed
    assert maxrss_mb(p) < 400, maxrss_mb(p)


def test_bomb_refused_before_inflating(bombs, monkeypatch):
    """The reader refuses on declared sizes alone: it never asks zlib for more than a few KB."""
    import zlib

    produced = 0
    real = zlib.decompressobj

    class Counting:
        def __init__(self, *a, **k):
            self._d = real(*a, **k)

        def decompress(self, data, max_length=0):
            nonlocal produced
            out = self._d.decompress(data, max_length)
            produced += len(out)
            return out

        def __getattr__(self, name):
            return getattr(self._d, name)

    monkeypatch.setattr(zlib, "decompressobj", Counting)
    res = validate_file(bombs["real"], Options())
    assert res.read_error is not None and res.read_error.code == "F006"
    assert produced < 1 << 20


# ------------------------------------------------------------------------------ merge over the corpus
def test_merge_over_corpus_directory(tmp_path):
    forms = tmp_path / "forms"
    shutil.copytree(FILES, forms)
    out = tmp_path / "台账.xlsx"
    p = subprocess.run(CERTCTL + ["merge", str(forms), "-o", str(out), "--as-of", "2024-06-05"],
                       capture_output=True, text=True, env=clean_env(), timeout=120)
    text = p.stdout + p.stderr
    assert "Traceback" not in text
    assert p.returncode in (1, 2), text
    assert out.exists(), text
    from openpyxl import load_workbook

    wb = load_workbook(out, read_only=True)
    assert len(wb.sheetnames) == 6
    sources = wb["来源文件"]
    listed = " ".join(str(c) for row in sources.iter_rows(values_only=True) for c in row if c is not None)
    for name, exp in MANIFEST.items():
        if (FILES / name).is_dir():
            continue
        assert name in listed, f"{name} missing from 来源文件"
    issues = " ".join(str(c) for row in wb["问题清单"].iter_rows(values_only=True) for c in row if c is not None)
    for code in ("F001", "F006"):
        assert code in issues
    wb.close()
