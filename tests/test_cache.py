"""certctl.cache.FormCache: content-keyed, survives corruption, never changes a result."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from certctl import forms as F
from certctl.cache import FormCache, default_cache_dir, open_cache, options_key
from certctl.reader import file_hash
from certctl.validate import Options, validate_file
from certctl.workspace import load_workspace
from fixtures.builders import annex_row, build

OPTS = Options(today=dt.date(2024, 6, 5))
EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples" / "forms").glob("*.xlsx"))


def snapshot(result: Any) -> Any:
    """Everything a caller can see of a FormResult, as plain data (paths made relative)."""
    return (
        Path(result.path).name, result.family, result.sha256, dataclasses.astuple(result.meta),
        [(s.sheet, s.spec.kind, s.header_row, s.header_rows, s.colmap, s.skipped, s.record_count,
          [(r.kind, r.row, r.values, r.raw, r.errors, r.warnings, r.codes, r.colour, r.colour_reasons)
           for r in s.records]) for s in result.sheets],
        [(f.to_dict("zh", True), Path(f.path).name == Path(result.path).name) for f in result.findings],
    )


@pytest.fixture()
def forms(tmp_path: Path) -> Path:
    d = tmp_path / "forms"
    build(d, "annex1", [annex_row("annex1", n) for n in range(6)], name="镇A/annex1.xlsx")
    build(d, "annex2", [annex_row("annex2", n + 10) for n in range(3)], name="镇B/annex2.xlsx")
    # one with problems, so findings are cached too
    bad = [annex_row("annex4", 20), annex_row("annex4", 21, id="320681198001011234", sex="未知")]
    build(d, "annex4", bad, name="镇B/annex4.xlsx")
    return d


def test_roundtrip_and_repoint(forms: Path, tmp_path: Path) -> None:
    path = forms / "镇B" / "annex4.xlsx"
    res = validate_file(path, OPTS)
    assert res.findings  # the bad row
    key = options_key(OPTS)
    with FormCache(tmp_path / "cache") as cache:
        assert cache.get(res.sha256, key) is None
        cache.put(res.sha256, key, res)
        again = cache.get(res.sha256, key, path=tmp_path / "elsewhere.xlsx")
    assert again is not None and again is not res
    assert again.path == str(tmp_path / "elsewhere.xlsx")
    assert {f.path for f in again.findings} == {again.path}
    assert snapshot(again)[1:] == snapshot(res)[1:]
    # form specs come back as the module's own objects
    assert all(s.spec is F.BY_KIND[s.spec.kind] for s in again.sheets)


def test_every_form_kind_comes_back_as_validated(tmp_path: Path) -> None:
    """A fresh result keeps its rows as a column table and builds records when read; the cache stores
    the records. Loaded back, every kind's result shows callers what a fresh one shows."""
    key = options_key(OPTS)
    with FormCache(tmp_path / "cache") as cache:
        for path in EXAMPLES:
            res = validate_file(path, OPTS)
            cache.put(res.sha256, key, res)
    kinds: set[str] = set()
    with FormCache(tmp_path / "cache") as cache:
        for path in EXAMPLES:
            fresh = validate_file(path, OPTS)  # its records not built yet: counted from the table
            back = cache.get(fresh.sha256, key, path=path)
            assert back is not None, (path.name, cache.errors)
            assert not any(s.records_built for s in back.sheets)  # built from the stored columns when read
            assert [s.record_count for s in back.sheets] == [s.record_count for s in fresh.sheets]
            assert (back.rows, back.errors, back.warnings, back.infos) == \
                (fresh.rows, fresh.errors, fresh.warnings, fresh.infos)
            assert [f.ref for f in back.findings] == [f.ref for f in fresh.findings]
            assert back.meta.cells == fresh.meta.cells and snapshot(back) == snapshot(fresh)
            kinds |= {s.spec.kind for s in back.sheets}
            if "survey_people" in {s.spec.kind for s in back.sheets}:
                assert any(r.colour for r in back.records("survey_people"))
    assert kinds == set(F.BY_KIND)


def test_annotated_copy_of_a_cached_result_is_the_fresh_ones(tmp_path: Path) -> None:
    from certctl.annotate import annotate_results

    key = options_key(OPTS)
    for path in [p for p in EXAMPLES if "有错误" in p.name][:3]:
        fresh = validate_file(path, OPTS)
        with FormCache(tmp_path / "cache") as cache:
            cache.put(fresh.sha256, key, fresh)
            back = cache.get(fresh.sha256, key, path=path)
        a, b = tmp_path / "fresh.xlsx", tmp_path / "cached.xlsx"
        annotate_results([validate_file(path, OPTS)], a)
        annotate_results([back], b)
        wa, wb = load_workbook(a), load_workbook(b)
        assert wa.sheetnames == wb.sheetnames
        for sa, sb in zip(wa.worksheets, wb.worksheets):
            cells = lambda ws: [(c.coordinate, c.value, c.comment.text if c.comment else None,  # noqa: E731
                                 c.fill.fgColor.rgb, c.hyperlink.location if c.hyperlink else None)
                                for row in ws.iter_rows() for c in row]
            assert cells(sa) == cells(sb), (path.name, sa.title)


def test_second_load_from_cache_identical(forms: Path, tmp_path: Path) -> None:
    plain = load_workspace(forms, OPTS)
    with FormCache(tmp_path / "cache") as c1:
        first = load_workspace(forms, OPTS, cache=c1)
        assert c1.hits == 0 and len(c1) == 3
    with FormCache(tmp_path / "cache") as c2:
        second = load_workspace(forms, OPTS, cache=c2)
        assert c2.hits == 3 and c2.misses == 0
    for a, b, c in zip(plain.results, first.results, second.results):
        assert snapshot(a) == snapshot(b) == snapshot(c)
        assert a.path == c.path


def test_edited_file_is_read_again(forms: Path, tmp_path: Path) -> None:
    path = forms / "镇A" / "annex1.xlsx"
    cache = FormCache(tmp_path / "cache")
    ws1 = load_workspace(forms, OPTS, cache=cache)
    before = next(r for r in ws1.results if r.path == str(path))
    assert before.rows == 6 and before.errors == 0
    # a clerk fixes… no, breaks a cell: same name, new content
    wb = load_workbook(path)
    ws = wb.active
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == annex_row("annex1", 2)["id"]:
                cell.value = "32068119800101123"  # 17 characters
    wb.save(path)
    hits = cache.hits
    ws2 = load_workspace(forms, OPTS, cache=cache)
    after = next(r for r in ws2.results if r.path == str(path))
    assert cache.hits == hits + 2  # the two other files
    assert after.sha256 == file_hash(path) != before.sha256
    assert [f.code for f in after.findings if f.code.startswith("I")] == ["I002"]
    assert snapshot(after) == snapshot(validate_file(path, OPTS))
    cache.close()


def test_moved_file_served_under_new_path(forms: Path, tmp_path: Path) -> None:
    cache = FormCache(tmp_path / "cache")
    load_workspace(forms, OPTS, cache=cache)
    new = forms / "镇C" / "改名.xlsx"
    new.parent.mkdir()
    shutil.move(forms / "镇B" / "annex4.xlsx", new)
    ws = load_workspace(forms, OPTS, cache=cache)
    assert cache.hits == 3
    moved = next(r for r in ws.results if r.path == str(new))
    assert moved.findings and all(f.path == str(new) for f in moved.findings)
    cache.close()


def test_options_and_version_are_part_of_the_key(forms: Path, tmp_path: Path) -> None:
    path = forms / "镇A" / "annex1.xlsx"
    res = validate_file(path, OPTS)
    cache = FormCache(tmp_path / "cache")
    cache.put(res.sha256, options_key(OPTS), res)
    other = Options(today=dt.date(2024, 6, 5), disabled=frozenset({"I010"}))
    assert options_key(other) != options_key(OPTS)
    assert cache.get(res.sha256, options_key(other)) is None
    assert cache.get(res.sha256, options_key(OPTS)) is not None
    cache.close()
    newer = FormCache(tmp_path / "cache", version="99.0")
    assert newer.get(res.sha256, options_key(OPTS)) is None
    newer.close()


@pytest.mark.parametrize("garbage", [b"this is not a database at all" * 100, b"", b"SQLite format 3\x00" + b"\xff" * 5000])
def test_corrupt_cache_is_discarded(forms: Path, tmp_path: Path, garbage: bytes) -> None:
    db = tmp_path / "cache" / "cache.sqlite3"
    db.parent.mkdir()
    db.write_bytes(garbage)
    cache = FormCache(db.parent)
    ws = load_workspace(forms, OPTS, cache=cache)  # must not raise
    assert len(ws.results) == 3 and all(r.read_error is None for r in ws.results)
    cache.close()
    # rebuilt: the next run is served from it
    with FormCache(db.parent) as again:
        load_workspace(forms, OPTS, cache=again)
        assert again.hits == 3


def test_corrupt_entry_is_a_miss(forms: Path, tmp_path: Path) -> None:
    path = forms / "镇A" / "annex1.xlsx"
    res = validate_file(path, OPTS)
    key = options_key(OPTS)
    cache = FormCache(tmp_path / "cache")
    cache.put(res.sha256, key, res)
    cache.close()
    con = sqlite3.connect(tmp_path / "cache" / "cache.sqlite3")
    con.execute("UPDATE forms SET blob = ?", (b"\x00garbage",))
    con.commit()
    con.close()
    cache = FormCache(tmp_path / "cache")
    assert cache.get(res.sha256, key) is None
    assert cache.errors
    assert len(cache) == 0  # dropped
    cache.close()


def test_unwritable_place_runs_without_cache(forms: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = FormCache(blocker / "cache")  # a directory under a file cannot exist
    ws = load_workspace(forms, OPTS, cache=cache)
    assert len(ws.results) == 3 and cache.errors
    cache.close()


def test_undated_form_is_not_reused_another_day(tmp_path: Path) -> None:
    meta = {"unit": "启东市城市管理局", "reporter": "张三", "phone": "0513-83123456", "date": None}
    path = build(tmp_path, "annex1", [annex_row("annex1", 1)], meta=meta)
    opts = Options()
    res = validate_file(path, opts)
    assert res.meta.date is None
    cache = FormCache(tmp_path / "cache")
    cache.put(res.sha256, options_key(opts), res)
    assert cache.get(res.sha256, options_key(opts)) is not None
    cache._conn.execute("UPDATE forms SET day = '2000-01-01'")  # as if stored long ago
    assert cache.get(res.sha256, options_key(opts)) is None
    cache.close()


def test_size_bound(forms: Path, tmp_path: Path) -> None:
    results = [validate_file(p, OPTS) for p in sorted(forms.rglob("*.xlsx"))]
    cache = FormCache(tmp_path / "cache", max_bytes=1)
    for r in results:
        cache.put(r.sha256, "k", r)
    cache.trim()
    assert len(cache) == 0
    cache.close()
    roomy = FormCache(tmp_path / "cache")
    for r in results:
        roomy.put(r.sha256, "k", r)
    assert len(roomy) == 3
    roomy.close()


def test_two_processes_share_one_cache(forms: Path, tmp_path: Path) -> None:
    code = (
        "import sys, datetime as dt\n"
        "from certctl.cache import FormCache\n"
        "from certctl.validate import Options\n"
        "from certctl.workspace import load_workspace\n"
        "c = FormCache(sys.argv[2], timeout=20)\n"
        "for _ in range(3):\n"
        "    load_workspace(sys.argv[1], Options(today=dt.date(2024, 6, 5)), cache=c)\n"
        "c.close()\n"
        "assert not c.errors, c.errors\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(forms), str(tmp_path / "cache")],
                              stderr=subprocess.PIPE) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    with FormCache(tmp_path / "cache") as c:
        assert len(c) == 3


def test_default_place_is_the_user_cache_folder_not_the_forms_folder(forms: Path, monkeypatch) -> None:
    import os

    assert default_cache_dir(forms) == Path(os.environ["XDG_CACHE_HOME"]) / "certctl"
    assert open_cache(forms, enabled=False) is None
    monkeypatch.setenv("CERTCTL_STATE_DIR", str(forms.parent / "state"))
    assert default_cache_dir() == forms.parent / "state"
    assert not any(p.name.startswith(".certctl") for p in forms.rglob("*"))


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("certctl")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_merge_with_and_without_cache_writes_the_same_ledger(forms: Path, tmp_path: Path) -> None:
    from certctl.cli import merge as _merge_cli  # noqa: F401  (skip cleanly if merge is not there)

    args = ["--as-of", "2024-06-05", "-q", "--lang", "en"]
    r0 = _run("merge", str(forms), "-o", str(tmp_path / "plain.xlsx"), "--no-cache", *args, cwd=tmp_path)
    assert r0.returncode in (0, 1), r0.stderr
    db = default_cache_dir() / "cache.sqlite3"
    assert not db.exists()
    r1 = _run("merge", str(forms), "-o", str(tmp_path / "first.xlsx"), *args, cwd=tmp_path)
    r2 = _run("merge", str(forms), "-o", str(tmp_path / "second.xlsx"), *args, cwd=tmp_path)
    assert r1.returncode == r2.returncode == r0.returncode, r1.stderr + r2.stderr
    assert db.exists()

    def cells(p: Path) -> list:
        wb = load_workbook(p, read_only=True)
        return [[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]

    assert cells(tmp_path / "plain.xlsx") == cells(tmp_path / "first.xlsx") == cells(tmp_path / "second.xlsx")
