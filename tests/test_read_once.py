"""Issue 13, failure 4: files were hashed first and read later, so a form replaced during a merge was
cached under the old hash and later merges disagreed with validate on the same file. Now each form is
read once: the bytes hashed are the bytes validated (certctl.workspace.validate_once)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

from certctl.cache import FormCache, options_key
from certctl.reader import file_hash
from certctl.validate import Options, validate_file
from certctl.workspace import load_workspace, scan_forms, validate_once
from fixtures.builders import annex_row, build

OPTS = Options(today=dt.date(2024, 6, 5))


def facts(r) -> tuple:
    return (r.rows, r.errors, r.warnings, sorted(f.code for f in r.findings),
            [dataclasses.astuple(x) for s in r.sheets for x in s.records])


def test_4_form_replaced_during_a_merge_is_cached_under_what_was_read(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    path = build(forms, "annex1", [annex_row("annex1", n) for n in range(3)], name="镇A/附件1.xlsx")
    old = tmp_path / "old.xlsx"
    shutil.copy(path, old)
    new = build(tmp_path / "new", "annex1", [annex_row("annex1", n, sex="未知") for n in range(5)], name="附件1.xlsx")
    scan = scan_forms(forms)  # hashed: the old content …
    old_hash = scan.digests[0]
    shutil.copy(new, path)  # … then a unit's corrected form lands before it is read
    with FormCache(tmp_path / "cache") as cache:
        ws = load_workspace(forms, OPTS, cache=cache, scan=scan)
        got = ws.results[0]
        assert got.sha256 == file_hash(new) != old_hash
        assert facts(got) == facts(validate_file(new, OPTS))
        assert not scan.complete  # nothing derived from this folder is kept under the scan's key
        assert cache.get(old_hash, options_key(OPTS)) is None  # the old hash never holds the new content
    # the old content back: served (or read) as what it is, in agreement with validate
    shutil.copy(old, path)
    with FormCache(tmp_path / "cache") as cache:
        again = load_workspace(forms, OPTS, cache=cache).results[0]
    assert again.sha256 == old_hash and facts(again) == facts(validate_file(old, OPTS))


def test_4_validate_once_hashes_what_it_validates(tmp_path: Path) -> None:
    path = build(tmp_path, "annex4", [annex_row("annex4", 1), annex_row("annex4", 2, sex="未知")], name="表.xlsx")
    result, digest = validate_once(path, OPTS)
    plain = validate_file(path, OPTS)
    assert digest == file_hash(path) == result.sha256 == plain.sha256
    assert result.path == str(path) and all(f.path == str(path) for f in result.findings)
    assert facts(result) == facts(plain)
    # not a form at all, or gone: validate_file's own answer, no hash
    (tmp_path / "空.xlsx").write_bytes(b"")
    for bad in (tmp_path / "空.xlsx", tmp_path / "没有.xlsx"):
        r, d = validate_once(bad, OPTS)
        assert r.read_error is not None and r.path == str(bad)


def test_4_the_reader_reads_the_bytes_it_is_given_not_the_file(tmp_path: Path) -> None:
    from certctl.reader import read_workbook

    path = build(tmp_path, "annex1", [annex_row("annex1", n) for n in range(3)], name="附件1.xlsx")
    other = build(tmp_path / "b", "annex1", [annex_row("annex1", n) for n in range(7)], name="附件1.xlsx")
    data = other.read_bytes()
    wb = read_workbook(path, data)  # the file is never opened: what was read (and hashed) is what is read
    assert wb.path == str(path) and wb.sha256 == file_hash(other) != file_hash(path)
    assert [s.rows for s in wb.sheets] == [s.rows for s in read_workbook(other).sheets]
    res = validate_file(path, OPTS, data=data)
    assert res.path == str(path) and facts(res) == facts(validate_file(other, OPTS))
    path.unlink()
    assert validate_file(path, OPTS, data=data).read_error is None


CORPUS = sorted(p for p in (Path(__file__).parent / "corpus" / "files").iterdir() if p.is_file())


def test_4_every_bad_input_gets_the_same_answer_from_its_bytes() -> None:
    """Refusals by content (zip bombs, entities, foreign formats, encrypted, truncated, uncached formulas)
    are the same whether the reader opens the file or is handed its bytes."""
    assert len(CORPUS) >= 40
    for p in CORPUS:
        a, b = validate_file(p, OPTS), validate_file(p, OPTS, data=p.read_bytes())
        assert (a.read_error is None) == (b.read_error is None), p.name
        assert [f.to_dict("zh", True) for f in a.findings] == [f.to_dict("zh", True) for f in b.findings], p.name
        assert facts(a) == facts(b), p.name
