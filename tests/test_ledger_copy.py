"""The copy of the ledger as certctl wrote it (issue 15): kept in the private ``.certctl/`` folder beside
the note (mode 0600), the note holding only its hash; read back only when the ledger was edited. Without
it (not written, deleted, not the file the note says) an edited ledger is treated as one without a note:
copied aside. A note of the previous format (a digest of every row in the note) is still read."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from certctl import ledger_edits as E
from certctl.ledger_file import formulas
from certctl.ledger import build_ledger
from certctl.ledger_xlsx import write_ledger
from certctl.pathnames import NAME_MAX
from certctl.samples import write_form
from certctl.validate import Options
from certctl.workspace import load_workspace
from fixtures.builders import annex_row, build

AS_OF = dt.date(2024, 6, 5)
CERTCTL = str(Path(sys.executable).parent / "certctl")
NO_NOTE = "找不到上次写出台账时的记录，无法核对改动（.certctl 文件夹被删除了，或台账是从别处拷来的？）"


def _merge(forms: Path, out: Path) -> list[str]:
    """What ``certctl merge`` does around the write: carry, write with the note tapping the rows, save."""
    ledger = build_ledger(load_workspace(forms, Options(today=AS_OF), slim=True), None, AS_OF, release=True)
    certs = [c.cert for c in ledger.certificates]
    carry = E.carry(out, certs)
    note = E.Note()
    write_ledger(ledger, out, "zh", lock=False, clerk=carry.clerk, written=lambda s: note.save(out), tap=note.tap)
    return certs


@pytest.fixture()
def written(tmp_path: Path) -> tuple[Path, list[str]]:
    forms = tmp_path / "forms"
    write_form(forms / "a.xlsx", "annex1", [annex_row("annex1", n) for n in range(4)])
    out = tmp_path / "台账.xlsx"
    return out, _merge(forms, out)


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _edit(out: Path, row: int, title: str, value: object) -> None:
    wb = load_workbook(out)
    ws = wb[E.LEDGER_SHEET]
    ws.cell(row, [c.value for c in ws[1]].index(title) + 1, value)
    wb.save(out)


def test_the_copy_is_the_ledger_byte_for_byte_private_and_named_in_the_note(written: tuple[Path, list[str]]) -> None:
    out, _ = written
    copy = E.copy_path(out)
    assert copy.parent == out.parent / ".certctl" and copy.read_bytes() == out.read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600 & ~E.state.umask()
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700 & ~E.state.umask()
    note = json.loads(E.note_path(out).read_text("utf-8"))
    assert note["sha256"] == _sha(out) and note["copy"] == copy.name and note["notes"] is False
    assert note["headers"][0] == "证件号码" and "处理情况" not in note["headers"]
    assert "certs" not in note and "rows" not in note  # no row of the ledger in the note
    assert [f.name for f in copy.parent.iterdir() if f.name.endswith(".tmp")] == []


def test_an_edited_ledger_is_checked_against_the_copy(written: tuple[Path, list[str]]) -> None:
    out, certs = written
    _edit(out, 2, "处理情况", "已电话催办")
    got = E.carry(out, certs)
    assert got.clerk.values(certs[0]) == ["已电话催办"] and not got.problems
    _edit(out, 3, "证件状态", "已注销")  # a cell certctl derives from the forms
    got = E.carry(out, certs)
    assert [zh for zh, _ in got.problems] == [f"改动了 1 行中由表格生成的内容（{load_workbook(out)[E.LEDGER_SHEET].cell(3, 1).value}）"]


def test_a_ledger_as_written_is_not_read_back_even_with_notes(written: tuple[Path, list[str]], tmp_path: Path) -> None:
    out, certs = written
    _edit(out, 2, "处理情况", "已电话催办")
    _merge(tmp_path / "forms", out)  # writes the note on the ledger, noted as such
    assert json.loads(E.note_path(out).read_text("utf-8"))["notes"] is True
    E.copy_path(out).unlink()  # not needed: the ledger is as written
    got = E.carry(out, certs)
    assert got.clerk.values(certs[0]) == ["已电话催办"] and not got.problems


@pytest.mark.parametrize("spoil", ["deleted", "other_bytes", "note_names_another"])
def test_without_its_copy_an_edited_ledger_is_as_without_a_note(written: tuple[Path, list[str]], spoil: str) -> None:
    out, certs = written
    copy = E.copy_path(out)
    if spoil == "deleted":
        copy.unlink()
    elif spoil == "other_bytes":
        copy.write_bytes(copy.read_bytes()[:-1] + b"x")
    else:
        note = json.loads(E.note_path(out).read_text("utf-8"))
        note["copy"] = "../台账.xlsx"
        E.note_path(out).write_text(json.dumps(note), "utf-8")
    assert E.carry(out, certs).problems == []  # not edited: the hash says so, no copy needed
    _edit(out, 2, "处理情况", "已电话催办")
    got = E.carry(out, certs)
    assert [zh for zh, _ in got.problems] == [NO_NOTE] and got.clerk.values(certs[0]) == ["已电话催办"]


def test_a_copy_that_cannot_be_written_is_no_copy(written: tuple[Path, list[str]], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Best effort, as the note: the note is written without a copy (an older copy removed, it is not this
    ledger's), an unedited ledger is still seen as such, an edited one is copied aside."""
    out, certs = written

    def full(ledger: Path, copy: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(E, "_keep_copy", full)
    _merge(tmp_path / "forms", out)
    assert not E.copy_path(out).exists()
    note = json.loads(E.note_path(out).read_text("utf-8"))
    assert note["copy"] is None and note["sha256"] == _sha(out)
    assert E.plain(out) == note["sha256"]
    _edit(out, 2, "处理情况", "已电话催办")
    assert [zh for zh, _ in E.carry(out, certs).problems] == [NO_NOTE]


def test_stopped_while_copying_leaves_no_temporary_copy(written: tuple[Path, list[str]], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGTERM (streams.Terminated) or Ctrl-C in the middle of the copy: no half copy with personal data
    left in .certctl/; one left by a killed merge (SIGKILL) is removed by the next."""
    from certctl.cli.streams import Terminated

    out, _ = written
    state = out.parent / ".certctl"
    killed = state / f".{E.copy_path(out).name}.99999.tmp"
    killed.write_bytes(b"half")

    def stopped(src, dst, length=0) -> None:
        dst.write(src.read(100))
        raise Terminated

    monkeypatch.setattr(E.shutil, "copyfileobj", stopped)
    with pytest.raises(Terminated):
        _merge(tmp_path / "forms", out)
    assert [f.name for f in state.iterdir() if f.name.endswith(".tmp")] == []
    monkeypatch.undo()
    _merge(tmp_path / "forms", out)
    assert E.copy_path(out).read_bytes() == out.read_bytes()


def _old_note(out: Path) -> dict:
    """The note as certctl before the copy wrote it (format 1): a digest of every row of 证件台账 and of
    every other sheet, made here from the ledger read back (its digests are those of the written values)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(out))
    sheets = {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}
    head = sheets[E.LEDGER_SHEET][0]
    k = head.index("处理情况")
    body = sheets[E.LEDGER_SHEET][1:]
    return {"format": 1, "sheets": {n: E._sheet_digest(g) for n, g in sheets.items() if n != E.LEDGER_SHEET},
            "headers": head[:k], "clerk_headers": head[k:], "certs": [E.cert_key(r[0]) for r in body],
            "notes": False, "sha256": _sha(out), "rows": [E._row_digest(r[:k]) for r in body]}


def test_a_note_of_the_previous_format_is_still_read(written: tuple[Path, list[str]]) -> None:
    """A ledger written by the certctl before this one: its edits are checked as they were, no copy."""
    out, certs = written
    E.copy_path(out).unlink()
    E.note_path(out).write_text(json.dumps(_old_note(out), ensure_ascii=False), "utf-8")
    assert E.plain(out) == _sha(out)
    _edit(out, 2, "处理情况", "已电话催办")
    got = E.carry(out, certs)
    assert got.clerk.values(certs[0]) == ["已电话催办"] and not got.problems
    _edit(out, 3, "证件状态", "已注销")
    assert [zh[:6] for zh, _ in E.carry(out, certs).problems] == ["改动了 1 "]


def test_two_ledgers_and_a_long_name_in_one_folder(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    write_form(forms / "a.xlsx", "annex1", [annex_row("annex1", n) for n in range(3)])
    long = tmp_path / ("某某镇人民政府关于报送年度行政执法证件清理工作摸排统计表的函附件注销证件信息表更正版" * 2)[:80]
    outs = [tmp_path / "台账.xlsx", long.with_suffix(".xlsx")]
    for out in outs:
        _merge(forms, out)
    copies = [E.copy_path(o) for o in outs]
    assert copies[0] != copies[1] and all(c.read_bytes() == o.read_bytes() for c, o in zip(copies, outs))
    assert all(len(os.fsencode(f".{c.name}.{2 ** 31}.tmp")) <= NAME_MAX for c in copies)
    assert all(json.loads(E.note_path(o).read_text("utf-8"))["copy"] == c.name for c, o in zip(copies, outs))


def test_the_copy_of_a_renamed_or_deleted_ledger_is_removed(tmp_path: Path) -> None:
    """By the next merge of any ledger of that folder: a copy is kept only to check its own ledger (its
    note, no personal data, stays). The renamed ledger itself has no note: copied aside once, as a ledger
    without one; given back its name, it is known again (not edited: nothing to check)."""
    forms = tmp_path / "forms"
    write_form(forms / "a.xlsx", "annex1", [annex_row("annex1", n) for n in range(3)])
    a, b = tmp_path / "台账.xlsx", tmp_path / "台账2024.xlsx"
    certs = _merge(forms, a)
    a.rename(b)
    assert [zh for zh, _ in E.carry(b, certs).problems] == [NO_NOTE]
    _merge(forms, b)
    assert not E.copy_path(a).exists() and E.note_path(a).is_file()
    assert E.copy_path(b).read_bytes() == b.read_bytes()
    assert sorted(f.name for f in (tmp_path / ".certctl").iterdir() if not f.name.endswith(".lock")) == sorted(
        [E.note_path(a).name, E.note_path(b).name, E.copy_path(b).name])
    b.rename(a)
    assert E.carry(a, certs).problems == [] and E.plain(a) is not None


def test_merge_with_sqlite_to_another_folder_keeps_the_copy_there(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    build(forms, "annex1", [annex_row("annex1", n) for n in range(3)], name="镇A/附件1.xlsx")
    out = tmp_path / "汇总" / "台账.xlsx"
    env = {**os.environ, "NO_COLOR": "1", "CERTCTL_STATE_DIR": str(tmp_path / "state")}
    p = subprocess.run([CERTCTL, "merge", str(forms), "-o", str(out), "--sqlite", str(out.with_suffix(".sqlite")),
                        "--as-of", "2024-06-05"], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert E.copy_path(out).read_bytes() == out.read_bytes()
    assert sorted(f.name for f in (out.parent / ".certctl").iterdir() if not f.name.endswith(".lock")) == [
        "台账.xlsx.json", "台账.xlsx.written.xlsx"]
    assert not (forms / ".certctl").exists()
    assert stat.S_IMODE((out.parent / ".certctl").stat().st_mode) == 0o700 & ~E.state.umask()
    assert stat.S_IMODE(E.copy_path(out).stat().st_mode) == 0o600 & ~E.state.umask()


CELLS = st.one_of(st.none(), st.just(""), st.booleans(), st.integers(-2, 2), st.floats(-2, 2).map(lambda f: round(f)),
                  st.sampled_from(["QD1", "QD2", "有效", "1", "a\r\nb"]), st.dates(dt.date(2024, 1, 1), dt.date(2024, 1, 3)))


@st.composite
def written_and_edited(draw) -> tuple[list[list[object]], list[list[object]]]:
    """Rows as written (the certificate first) and the same rows after a clerk: unchanged, a cell changed
    (1 into TRUE, 1.0 into 1, "" into None ...), rows swapped, deleted or added."""
    width = draw(st.integers(1, 4))
    rows = draw(st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=6))
    rows = [[f"QD{j}", *r] for j, r in enumerate(rows)]
    edited = [list(r) for r in rows]
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["cell", "swap", "delete", "add"]))
        if kind == "add" or not edited:
            edited.append(draw(st.lists(CELLS, min_size=width + 1, max_size=width + 1)))
        elif kind == "cell":
            r = draw(st.sampled_from(edited))
            r[draw(st.integers(0, width))] = draw(CELLS)
        elif kind == "swap":
            i, j = draw(st.integers(0, len(edited) - 1)), draw(st.integers(0, len(edited) - 1))
            edited[i], edited[j] = edited[j], edited[i]
        else:
            del edited[draw(st.integers(0, len(edited) - 1))]
    return rows, edited


@settings(max_examples=300, deadline=None)
@given(written_and_edited())
@example(([["QD0", 1]], [["QD0", True]]))
@example(([["QD0", 1.0, ""]], [["QD0", 1, None]]))
def test_rows_compared_at_once_find_what_their_digests_find(pair: tuple[list, list]) -> None:
    """_rows_against's shortcut (every row where it was written, cell for cell: _same_cells) says what the
    digests of each row say (the reference), whatever was edited."""
    rows, edited = pair
    headers = [f"c{k}" for k in range(len(rows[0]) if rows else 1)]
    own = {h: k for k, h in enumerate(headers)}
    body = [r for r in edited if any(E._filled(v) for v in r)]
    new = {r[0] for r in rows}
    wrote: dict[str, set[str]] = {}
    for r in rows:
        wrote.setdefault(E.cert_key(r[0]), set()).add(E._row_digest(r))
    got, want = [], []
    E._rows_against(body, own, 0, E._Written(headers, rows=rows), new, got)
    E._rows_against(body, own, 0, E._Written(headers, wrote=wrote), new, want)
    assert got == want
    if E._same_cells(edited, rows):
        assert [E._row_digest(r) for r in edited] == [E._row_digest(r) for r in rows]


def test_a_note_that_cannot_be_written_removes_the_previous_note_and_copy(
        written: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """The previous note and copy describe the ledger before this merge: left there, certctl's own changes
    since would be taken for the clerk's edits at the next merge."""
    out, _ = written
    assert E.note_path(out).is_file() and E.copy_path(out).is_file()

    def full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    import certctl.atomic

    monkeypatch.setattr(certctl.atomic, "atomic_write_bytes", full)
    note = E.Note()
    note.save(out)
    assert not E.note_path(out).exists() and not E.copy_path(out).exists()
    assert note.unkept is not None and "磁盘已满" in note.unkept[0] and "另存一份副本" in note.unkept[0]
    assert [zh for zh, _ in E.carry(out, ["x"]).problems] == [NO_NOTE]


@pytest.mark.parametrize("with_note", [True, False])
def test_a_title_row_above_the_header_is_said_and_the_notes_carried(written: tuple[Path, list[str]], with_note: bool) -> None:
    out, certs = written
    _edit(out, 2, "处理情况", "已电话催办")
    wb = load_workbook(out)
    ws = wb[E.LEDGER_SHEET]
    ws.insert_rows(1, 2)  # a title, and an empty row under it
    ws.cell(1, 3).value = "行政执法证件台账（打印用）"
    wb.save(out)
    if not with_note:  # a ledger of an older certctl: certctl's titles in either language looked for
        E.note_path(out).unlink()
    got = E.carry(out, certs)
    title = "在表头上方插入了 2 行（“行政执法证件台账（打印用）”），新台账中没有"
    assert [zh for zh, _ in got.problems] == ([title] if with_note else [NO_NOTE, title])
    assert got.clerk.values(certs[0]) == ["已电话催办"]


def test_formulas_anywhere_in_the_ledger_are_said_and_their_values_carried(written: tuple[Path, list[str]]) -> None:
    """certctl writes no cell as a formula: one in the ledger is the clerk's, and would be lost as a formula."""
    out, certs = written
    wb = load_workbook(out)
    ws = wb[E.LEDGER_SHEET]
    col = ws.max_column + 1
    ws.cell(1, col).value = "备注2"
    ws.cell(2, col).value = '="催办"&"一次"'
    ws.cell(3, col).value = "已核"
    wb["单位汇总"]["B2"] = "=1+1"
    wb.save(out)
    got = E.carry(out, certs)
    said = [zh for zh, _ in got.problems if "公式" in zh]
    assert said == [f"有 2 个单元格是公式（{E.LEDGER_SHEET}!{ws.cell(2, col).coordinate}、单位汇总!B2），新台账中只有值，没有公式"]
    assert got.clerk.values(certs[1]) == [None, "已核"]
    for size in (1, 7, 64, 1 << 20):  # each sheet read a slice at a time: no cell cut in two
        assert formulas(out, size) == (2, [f"{E.LEDGER_SHEET}!{ws.cell(2, col).coordinate}", "单位汇总!B2"])


def test_the_ledger_as_certctl_wrote_it_holds_no_formula(written: tuple[Path, list[str]]) -> None:
    out, _ = written
    assert formulas(out) == (0, []) and formulas(E.copy_path(out), 5) == (0, [])
