"""certctl merge on an unchanged folder: the ledger is not rebuilt (same bytes, same file), the
summary and exit status are the same; every kind of change rebuilds it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from certctl.cli import app
from certctl.samples import write_form
from test_merge import AS_OF, A, B, P, a1, meta

UNCHANGED = "台账无变化"
WRITTEN = "台账已写出"


@pytest.fixture()
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.delenv("CERTCTL_CACHE_DIR", raising=False)
    forms = tmp_path / "forms"
    write_form(forms / "镇A" / "a.xlsx", "annex1", [a1(P[1], "QD0001"), a1(P[2], "QD0002")], meta(A))
    write_form(forms / "镇B" / "b.xlsx", "annex1", [a1(P[1], "QD0003", unit=B, day=21)], meta(B))  # X003
    return forms, tmp_path / "ledger.xlsx"


def merge(forms: Path, out: Path, *extra: str, as_of: str = AS_OF) -> object:
    return CliRunner().invoke(app, ["merge", str(forms), "-o", str(out), "--as-of", as_of, *extra])


def summary_line(output: str) -> str:
    """The totals line, up to where it says what happened to the ledger file."""
    line = next(x for x in output.splitlines() if x.startswith("共 "))
    return line.split("。")[0]


def rebuilt_equals_fresh(forms: Path, out: Path, tmp_path: Path, *extra: str, as_of: str = AS_OF) -> None:
    fresh = tmp_path / "fresh.xlsx"
    r = merge(forms, fresh, "--no-cache", *extra, as_of=as_of)
    assert r.exit_code in (0, 1), r.output
    assert out.read_bytes() == fresh.read_bytes()


def test_unchanged_folder_skips_the_rebuild(setup: tuple[Path, Path], tmp_path: Path) -> None:
    forms, out = setup
    first = merge(forms, out)
    assert first.exit_code == 1, first.output  # X003 is an error
    assert WRITTEN in first.output and UNCHANGED not in first.output
    before = out.read_bytes()
    stat = out.stat()
    second = merge(forms, out)
    assert second.exit_code == first.exit_code
    assert UNCHANGED in second.output and WRITTEN not in second.output
    assert summary_line(second.output) == summary_line(first.output)
    # every line but the first one (the totals: summary first) is the same: the files that need the
    # clerk, their errors, X003 with a masked ID
    assert second.output.splitlines()[1:] == first.output.splitlines()[1:]
    assert "X003" in second.output and P[1]["id"] not in second.output
    assert out.read_bytes() == before
    assert out.stat().st_mtime_ns == stat.st_mtime_ns and out.stat().st_ino == stat.st_ino  # not rewritten
    # JSON says so, with the same totals
    doc = json.loads(merge(forms, out, "--format", "json").output)
    assert doc["unchanged"] is True and doc["totals"]["rows_read"] == 3 and doc["cross_form"][0]["code"] == "X003"
    # --no-cache never skips
    r = merge(forms, out, "--no-cache", "-q")
    assert WRITTEN in r.output and out.read_bytes() == before


def _edit(forms: Path) -> None:
    write_form(forms / "镇A" / "a.xlsx", "annex1", [a1(P[1], "QD0001"), a1(P[2], "QD0009")], meta(A))


def _add(forms: Path) -> None:
    write_form(forms / "镇C" / "c.xlsx", "annex1", [a1(P[2], "QD0004", unit=B)], meta(B))


def _remove(forms: Path) -> None:
    (forms / "镇B" / "b.xlsx").unlink()


def _rename(forms: Path) -> None:
    (forms / "镇B" / "b.xlsx").rename(forms / "镇B" / "b2.xlsx")


def _move(forms: Path) -> None:
    (forms / "镇C").mkdir()
    shutil.move(forms / "镇B" / "b.xlsx", forms / "镇C" / "b.xlsx")


def _copy(forms: Path) -> None:  # a duplicate (same bytes) is still a new file in the ledger
    shutil.copy(forms / "镇B" / "b.xlsx", forms / "镇B" / "b-copy.xlsx")


def _touch(forms: Path) -> None:  # same bytes, new time: nothing to rebuild (the content decides)
    p = forms / "镇A" / "a.xlsx"
    os.utime(p, (p.stat().st_atime + 100, p.stat().st_mtime + 100))


@pytest.mark.parametrize("change", [_edit, _add, _remove, _rename, _move, _copy])
def test_a_changed_folder_rebuilds(setup: tuple[Path, Path], tmp_path: Path, change) -> None:
    forms, out = setup
    merge(forms, out)
    before = out.read_bytes()
    change(forms)
    r = merge(forms, out)
    assert WRITTEN in r.output and UNCHANGED not in r.output, r.output
    assert out.read_bytes() != before
    rebuilt_equals_fresh(forms, out, tmp_path)
    assert UNCHANGED in merge(forms, out).output  # and the next run is quiet again


def test_touching_a_file_is_not_a_change(setup: tuple[Path, Path]) -> None:
    forms, out = setup
    merge(forms, out)
    _touch(forms)
    assert UNCHANGED in merge(forms, out).output


def test_other_date_language_or_config_rebuilds(setup: tuple[Path, Path], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    forms, out = setup
    merge(forms, out)
    r = merge(forms, out, as_of="2024-06-20")
    assert WRITTEN in r.output
    rebuilt_equals_fresh(forms, out, tmp_path, as_of="2024-06-20")
    r = merge(forms, out, "--lang", "en", as_of="2024-06-20")
    assert "Ledger written" in r.output
    assert "Ledger unchanged" in merge(forms, out, "--lang", "en", as_of="2024-06-20").output
    rebuilt_equals_fresh(forms, out, tmp_path, "--lang", "en", as_of="2024-06-20")
    cfg = tmp_path / "certctl.toml"
    cfg.write_text("[training]\nannual_hours = 30\n", encoding="utf-8")
    assert "Ledger written" in merge(forms, out, "--lang", "en", "-c", str(cfg), as_of="2024-06-20").output
    cfg.write_text("[training]\nannual_hours = 31\n", encoding="utf-8")
    assert "Ledger written" in merge(forms, out, "--lang", "en", "-c", str(cfg), as_of="2024-06-20").output
    assert "Ledger unchanged" in merge(forms, out, "--lang", "en", "-c", str(cfg), as_of="2024-06-20").output


def test_modified_or_deleted_ledger_is_rebuilt(setup: tuple[Path, Path], tmp_path: Path) -> None:
    forms, out = setup
    merge(forms, out)
    good = out.read_bytes()
    out.write_bytes(good[:-10] + b"0123456789")  # someone edited (or damaged) the ledger
    r = merge(forms, out)
    assert WRITTEN in r.output and out.read_bytes() == good
    out.unlink()
    r = merge(forms, out)
    assert WRITTEN in r.output and out.read_bytes() == good
    # another output path is another ledger
    other = tmp_path / "other.xlsx"
    assert WRITTEN in merge(forms, other).output and other.read_bytes() == good
    assert UNCHANGED in merge(forms, out).output and UNCHANGED in merge(forms, other).output
