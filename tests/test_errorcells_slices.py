"""validate.errorcells.error_cells (the sheet XML inflated a slice at a time, cut after the last row
end, slices without a "#" passed over) against one regular-expression scan of the whole XML
(hypothesis): the same error cells, whatever the slice size and wherever the error cells fall."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certctl.validate import errorcells

PART = "xl/worksheets/sheet1.xml"
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def error_cells_whole(xml: bytes) -> list[tuple[int, int, str]]:
    """The reference: every cell of type "e" whose value is an error text, from the whole XML at once."""
    cells = []
    for m in errorcells._ERROR_CELL.finditer(xml):
        ref = errorcells._REF.search(m.group(1))
        value = errorcells._VALUE.search(m.group(2))
        if ref and value and value.group(1).lstrip().startswith(b"#"):
            column = 0
            for ch in ref.group(1):
                column = column * 26 + ch - 64
            cells.append((int(ref.group(2)) - 1, column - 1, value.group(1).decode("utf-8", "replace").strip()))
    return cells


CELL_KINDS = st.sampled_from([
    '<{p}c r="{ref}" t="s"><{p}v>{n}</{p}v></{p}c>',  # a shared string
    '<{p}c r="{ref}"><{p}v>{n}</{p}v></{p}c>',  # a number
    '<{p}c r="{ref}" s="1"/>',  # an empty styled cell
    '<{p}c r="{ref}" t="e"><{p}v>#REF!</{p}v></{p}c>',  # an error typed in
    '<{p}c r="{ref}" t="e"><{p}f>VLOOKUP(A{n},#REF!,2,0)</{p}f><{p}v>#N/A</{p}v></{p}c>',  # a formula's error
    '<{p}c r="{ref}" s="2" t="e"><{p}v> #DIV/0! </{p}v></{p}c>',
    '<{p}c r="{ref}" t="e"><{p}v>not an error</{p}v></{p}c>',  # no "#": not restored by either
    '<{p}c r="{ref}" t="inlineStr"><{p}is><{p}t>arrow&gt; row&gt; #{n} t="e"</{p}t></{p}is></{p}c>',
])


@st.composite
def sheet_xml(draw: st.DrawFn) -> bytes:
    prefix = draw(st.sampled_from(["", "x:"]))
    rows = []
    for r in range(1, draw(st.integers(0, 30)) + 1):
        kinds = draw(st.lists(CELL_KINDS, max_size=6))
        cells = "".join(k.format(p=prefix, ref=f"{chr(65 + c)}{r}", n=r * 7 + c) for c, k in enumerate(kinds))
        rows.append(f'<{prefix}row r="{r}">{cells}</{prefix}row>')
    body = "".join(rows)
    return (f'<?xml version="1.0"?><{prefix}worksheet><{prefix}sheetData>{body}</{prefix}sheetData>'
            f'</{prefix}worksheet>').encode()


@SETTINGS
@given(sheet_xml(), st.integers(16, 2048))
def test_sliced_scan_finds_what_the_whole_scan_finds(xml: bytes, slice_size: int) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(PART, xml)
    saved = errorcells.SLICE
    errorcells.SLICE = slice_size
    try:
        with zipfile.ZipFile(buf) as zf:
            found = list(errorcells.error_cells(zf, PART))
    finally:
        errorcells.SLICE = saved
    assert found == error_cells_whole(xml)


def test_the_reference_sees_the_error_cells() -> None:
    xml = (b'<row r="3"><c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C3" t="e"><v>x</v></c></row>'
           b'<x:row r="4"><x:c r="AA4" t="e"><x:v>#REF!</x:v></x:c></x:row>')
    assert error_cells_whole(xml) == [(2, 1, "#DIV/0!"), (3, 26, "#REF!")]


def test_the_readers_one_reading_finds_what_errorcells_reads_again(tmp_path) -> None:
    """``read_workbook(error_cells=True)`` finds each sheet's error cells in the same reading of its XML
    as the check for formulas without values: the cells errorcells.error_cells finds reading it again,
    the same refusals, and the grids put back the same (every corpus and example workbook)."""
    from pathlib import Path

    from certctl.reader import ReadError, read_workbook, sheet_parts

    root = Path(__file__).resolve().parents[1]
    paths = sorted((root / "tests" / "corpus" / "files").glob("*.xls*")) + sorted((root / "examples").rglob("*.xlsx"))
    seen_cells = 0
    for path in paths:
        try:
            plain = read_workbook(path)
        except ReadError as e:
            with pytest.raises(ReadError) as again:
                read_workbook(path, error_cells=True)
            assert (again.value.code, again.value.zh) == (e.code, e.zh), path.name
            continue
        once = read_workbook(path, path.read_bytes(), error_cells=True)
        if plain.format != "xlsx":
            assert all(s.error_cells is None for s in once.sheets)
            continue
        with zipfile.ZipFile(path) as zf:
            parts = sheet_parts(zf)
            for s in once.sheets:
                want = list(errorcells.error_cells(zf, parts[s.name])) if s.name in parts else []
                assert s.error_cells == want, (path.name, s.name)
                seen_cells += len(want)
        assert [s.uncached_formulas for s in once.sheets] == [s.uncached_formulas for s in plain.sheets]
        assert errorcells.restore_error_cells(once) == errorcells.restore_error_cells(plain), path.name
        assert [s.rows for s in once.sheets] == [s.rows for s in plain.sheets], path.name
    assert seen_cells  # the corpus has error cells
