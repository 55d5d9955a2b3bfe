"""Every workbook certctl writes prints well on A4 as it comes (issue 14).

The structural half always runs: it reads the print setup from each workbook's XML (ledger, annotated
copy, report, every blank template). The rendered half prints each sheet with LibreOffice (headless) to
PDF and checks the pages: how many, every page one page wide (each page shows the first and the last
column header, repeated as print titles), a row's first and last cells on one page, a chart whole on one
page, the templates' handwriting rows and ID column measured on paper.

The rendered half needs soffice (libreoffice-calc), poppler-utils (pdfinfo, pdftotext) and a Chinese font
(fonts-noto-cjk or fonts-wqy-zenhei); it is skipped, saying so, without them. The measurements in
millimetres also need fonts-crosextra-carlito: without it LibreOffice lays out 11-point Calibri (the
default font) with DejaVu Sans, whose digits are 25 % wider than Excel's, and the page shrinks to fit.
``python tests/render_check.py OUT --png`` writes the same pages as PDF and PNG to look at.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

import render_check as RC
from certctl import forms as F
from certctl import templates as T
from certctl.ledger_xlsx import WRAP_WIDTHS, _lines, text_width

ROOT = Path(__file__).resolve().parents[1]
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Every kind of workbook, built from examples/ the way a clerk would (the CLI)."""
    return RC.build_all(tmp_path_factory.mktemp("print") / "built")


def _sheet_xml(xlsx: Path) -> dict[str, str]:
    """{sheet name: worksheet XML} and "" -> workbook.xml."""
    with zipfile.ZipFile(xlsx) as z:
        wb = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="/?(?:xl/)?([^"]+)"', rels)
                       + [(b, a) for a, b in re.findall(r'Target="/?(?:xl/)?([^"]+)"[^>]*Id="(rId\d+)"', rels)])
        out = {"": wb}
        for name, rid in re.findall(r'<sheet\b[^>]*name="([^"]+)"[^>]*r:id="(rId\d+)"', wb):
            out[RC._unescape(name)] = z.read("xl/" + targets[rid]).decode("utf-8")
    return out


def _assert_print_setup(xlsx: Path, sheet: str, xml: str) -> None:
    where = f"{xlsx.name} / {sheet}"
    assert re.search(r'<(?:\w+:)?pageSetUpPr\b[^>]*fitToPage="(1|true)"', xml), where
    setup = re.search(r"<pageSetup\b[^>]*/?>", xml)
    assert setup, where
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', setup.group(0)))
    assert attrs.get("orientation") == "landscape" and attrs.get("paperSize") == "9", (where, attrs)
    assert attrs.get("fitToWidth", "1") == "1" and attrs.get("fitToHeight") == "0", (where, attrs)
    assert re.search(r"<oddFooter>[^<]*(第 &amp;P 页 共 &amp;N 页|Page &amp;P of &amp;N)", xml), where
    margins = dict(re.findall(r'(\w+)="([\d.]+)"', re.search(r"<pageMargins\b[^>]*/>", xml).group(0)))  # type: ignore[union-attr]
    assert all(0.25 <= float(margins[k]) <= 0.8 for k in ("left", "right", "top", "bottom")), (where, margins)


def _print_titles(wb_xml: str, index: int) -> str | None:
    m = re.search(rf'<definedName name="_xlnm.Print_Titles" localSheetId="{index}"[^>]*>([^<]*)</definedName>', wb_xml)
    return m.group(1) if m else None


# ------------------------------------------------------------------------------------------ structure
def test_ledger_print_setup(built: dict[str, list[Path]]) -> None:
    xlsx = built["ledger"][0]
    parts = _sheet_xml(xlsx)
    names = [n for n in parts if n]
    assert names == ["证件台账", "期限事项", "变动记录", "问题清单", "单位汇总", "来源文件"]
    wb = load_workbook(xlsx)
    for i, name in enumerate(names):
        xml = parts[name]
        _assert_print_setup(xlsx, name, xml)
        assert _print_titles(parts[""], i) == f"'{name}'!$1:$1"
        assert '<printOptions gridLines="1"/>' in xml  # no borders in the ledger: grid lines on paper
        ws = wb[name]
        headers = [c.value for c in ws[1]]
        for col, h in enumerate(headers, start=1):
            if h not in WRAP_WIDTHS:
                continue
            letter = get_column_letter(col)
            assert ws.column_dimensions[letter].width <= WRAP_WIDTHS[h] + 2, (name, h)
            for row in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                c = row[0]
                if isinstance(c.value, str) and c.value:
                    assert c.alignment.wrap_text, (name, c.coordinate)
                    lines = _lines(c.value, int(ws.column_dimensions[letter].width) - 1)
                    if lines > 1:  # the row is as tall as its longest wrapped cell
                        assert ws.row_dimensions[c.row].height >= 15 * lines, (name, c.coordinate)


def test_ledger_line_count_agrees_with_text_width() -> None:
    """The fast line count (UTF-8 length) is the plain one (text_width per line) for ASCII and CJK."""
    ref = lambda text, w: sum(max(1, -(-text_width(p) // w)) for p in text.split("\n"))  # noqa: E731
    for text in ("", "abc", "启东市城市管理局/附件1_录入归集_2024-03-20.xlsx 第4行", "T001 遗失\nX004 已注销", "一" * 41):
        for w in (1, 7, 20, 30):
            assert _lines(text, w) == ref(text, w), (text, w)


@given(st.text(alphabet=st.sampled_from("ab1_-./ 第行启东市证件（）：\n"), max_size=120), st.integers(1, 60))
def test_ledger_line_count_property(text: str, width: int) -> None:
    assert _lines(text, width) == sum(max(1, -(-text_width(p) // width)) for p in text.split("\n"))


def test_annotated_copy_print_setup(built: dict[str, list[Path]]) -> None:
    assert built["annotated"]
    for xlsx in built["annotated"]:
        parts = _sheet_xml(xlsx)
        names = [n for n in parts if n]
        assert names[0] == "问题清单"
        wb = load_workbook(xlsx)
        for i, name in enumerate(names):
            _assert_print_setup(xlsx, name, parts[name])
            ws = wb[name]
            titles = ws.print_title_rows
            assert titles, (xlsx.name, name)
            head = int(titles.split(":")[0].lstrip("$"))
            last_col = max(c.column for c in ws[head] if c.value is not None)
            if ws.print_area:  # the print area reaches the last column (the 问题说明 column on a form sheet)
                _c1, _r1, c2, _r2 = range_boundaries(str(ws.print_area).split(",")[0].split("!")[-1].replace("$", ""))
                assert c2 >= last_col, (xlsx.name, name, ws.print_area)
        issues = wb["问题清单"]
        head = int(issues.print_title_rows.split(":")[0].lstrip("$"))
        for row in issues.iter_rows(min_row=head + 1):
            for c in row:
                if c.value is not None and c.column <= 9:
                    assert c.alignment.wrap_text, (xlsx.name, c.coordinate)  # nothing cut: long text wraps
        # each form sheet with findings carries its reasons in a printed 问题说明 column
        forms = [wb[n] for n in names[1:]]
        assert any(str(c.value).startswith("问题说明") for ws in forms for row in ws.iter_rows() for c in row), xlsx.name


def test_report_print_setup_and_charts(built: dict[str, list[Path]]) -> None:
    (xlsx,) = built["report"]
    assert xlsx.name == "证件管理报告-2024-06-05.xlsx"
    parts = _sheet_xml(xlsx)
    names = [n for n in parts if n]
    assert names == ["汇总", "逾期事项", "即将到期", "清理统计"]
    for name in names:
        _assert_print_setup(xlsx, name, parts[name])
    wb = load_workbook(xlsx)
    ws = wb["汇总"]
    c1, r1, c2, r2 = range_boundaries(str(ws.print_area).split("!")[-1].replace("$", ""))
    anchors = [ch.anchor._from for ch in ws._charts]
    assert len(anchors) == 2
    # side by side on one row, both inside the print area; everything inside ~25 cm of width
    assert anchors[0].row == anchors[1].row and anchors[0].col < anchors[1].col
    assert all(c1 - 1 <= a.col < c2 and r1 - 1 <= a.row < r2 for a in anchors)
    width_units = sum(ws.column_dimensions[get_column_letter(c)].width for c in range(c1, c2 + 1))
    assert width_units * 1.96 <= 276, width_units  # fits the A4 landscape width at 100 %
    for ch in ws._charts:
        assert ch.height <= 16.5  # a chart never needs more than one page


@pytest.mark.parametrize("family", F.FAMILIES)
def test_template_print_setup(family: str) -> None:
    xlsx = ROOT / "templates" / "xlsx" / T.TEMPLATE_FILES[family]
    parts = _sheet_xml(xlsx)
    wb = load_workbook(xlsx)
    for i, spec in enumerate(F.specs_for_family(family)):
        lay = T.layout(spec)
        name = lay.sheet
        _assert_print_setup(xlsx, name, parts[name])
        assert _print_titles(parts[""], i) == f"'{name}'!${lay.header_row}:${lay.header_row}"
        ws = wb[name]
        rows = range(lay.first_data_row, lay.last_data_row + 1)
        # rows tall enough to write in; 序号 numbered 1..N down the blank rows
        assert {ws.row_dimensions[r].height for r in rows} == {T.data_row_height(spec)}
        assert T.data_row_height(spec) * (25.4 / 72) * T.print_scale(spec) == pytest.approx(T.ROW_MM, abs=0.1)
        if "seq" in lay.columns:
            assert [ws.cell(r, lay.columns["seq"]).value for r in rows] == list(range(1, len(rows) + 1))
        if "id" in lay.columns:
            w = ws.column_dimensions[get_column_letter(lay.columns["id"])].width
            assert w >= 36  # 18 handwritten digits
        for dv in ws.data_validations.dataValidation:
            assert "certctl" not in (dv.prompt or ""), dv.prompt  # a unit does not know what certctl is
        optional = [c for c in spec.columns if c.optional and c.type != "seq"]
        for col in optional:
            letter = get_column_letter(lay.columns[col.key])
            prompts = [dv.prompt for dv in ws.data_validations.dataValidation if f"{letter}{lay.first_data_row}" in dv.sqref]
            assert prompts and "可以空着不填" in prompts[0] and col.hint.split("（")[0] in prompts[0], col.key


def test_numbered_blank_rows_are_not_data(tmp_path: Path) -> None:
    """A filled template whose other rows hold only their pre-printed 序号: 2 rows read, nothing flagged
    below them, and the merge counts 2 rows for the file."""
    from typer.testing import CliRunner

    from certctl.cli import app
    from certctl.validate import Options, validate_file
    from test_templates import FORM_DATE, fill_obviously

    d = tmp_path / "ledger" / "启东市城市管理局"
    d.mkdir(parents=True)
    out = d / "注销表.xlsx"
    fill_obviously(ROOT / "templates" / "xlsx" / T.TEMPLATE_FILES["annex2"], out)
    lay = T.layout(F.ANNEX2)
    ws = load_workbook(out).active
    assert ws.cell(lay.last_data_row, lay.columns["seq"]).value == T.DATA_ROWS  # still numbered
    res = validate_file(out, Options(today=FORM_DATE))
    assert res.rows == 2
    assert not [f for f in res.findings if f.row is not None and f.row > lay.first_data_row + 1], res.findings
    r = CliRunner().invoke(app, ["merge", str(tmp_path / "ledger"), "-o", str(tmp_path / "台账.xlsx"),
                                 "--as-of", "2024-06-05", "--no-cache"])
    assert r.exit_code in (0, 1), r.output
    files = load_workbook(tmp_path / "台账.xlsx")["来源文件"]
    head = [c.value for c in files[1]]
    row = [c.value for c in files[2]]
    assert (row[head.index("读取行数")], row[head.index("并入行数")]) == (2, 2)


# ------------------------------------------------------------------------------------------ rendered
MISSING = RC.missing_tools()
rendered = pytest.mark.skipif(bool(MISSING), reason="printing to PDF needs " + ", ".join(MISSING) + " (apt-get install "
                              "-y --no-install-recommends libreoffice-calc-nogui poppler-utils fonts-noto-cjk)")
CARLITO = shutil.which("fc-list") is not None and "Carlito" in subprocess.run(
    ["fc-list", ":family=Carlito", "family"], capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def printed(built: dict[str, list[Path]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[RC.Printed]]:
    out = tmp_path_factory.mktemp("pdf")
    files = [f for fs in built.values() for f in fs]
    pages = RC.print_sheets(files, out)
    kind = {f: k for k, fs in built.items() for f in fs}
    by_kind: dict[str, list[RC.Printed]] = {}
    for p in pages:
        by_kind.setdefault(kind[p.xlsx], []).append(p)
    return by_kind


# pages each sheet may take for the examples (before issue 14: ledger 21 portrait pages in all, the
# annotated 问题清单 4, the report 10)
MAX_PAGES = {"ledger": 2, "report": 1, "annotated": 2, "template": 2}


@rendered
@pytest.mark.parametrize("kind", ["ledger", "report", "annotated", "template"])
def test_every_page_is_one_page_wide(printed: dict[str, list[RC.Printed]], kind: str) -> None:
    assert printed[kind]
    for p in printed[kind]:
        pages = p.pages
        assert 1 <= len(pages) <= MAX_PAGES[kind], (p.xlsx.name, p.sheet, len(pages))
        w, h = RC.page_size_mm(p.pdf)
        assert (round(w), round(h)) == (297, 210), (p.xlsx.name, p.sheet)  # A4 landscape
        heads = RC.header_row_texts(p.xlsx, p.sheet)
        if not heads:  # the report's summary repeats no header when it fits one page
            continue
        first, last = RC.squash(heads[0]), RC.squash(heads[-1])
        for n, text in enumerate(pages, start=1):
            flat = RC.squash(text)
            # the header repeats on every page and reaches from the first column to the last
            assert first in flat and set(last) <= set(flat), (p.xlsx.name, p.sheet, n, first, last)
            assert re.search(rf"第{n}页共{len(pages)}页|Page{n}of{len(pages)}", flat), (p.xlsx.name, p.sheet, n)


@rendered
def test_ledger_rows_are_whole_on_a_page(printed: dict[str, list[RC.Printed]], built: dict[str, list[Path]]) -> None:
    """Each certificate's number, ID and last-change date (columns 1, 3 and 11) print on the same page."""
    p = next(x for x in printed["ledger"] if x.sheet == "证件台账")
    pages = [RC.squash(t) for t in p.pages]
    ws = load_workbook(built["ledger"][0])["证件台账"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows
    for row in rows:
        on = [i for i, t in enumerate(pages) if str(row[0]) in t]
        assert on, row[0]
        last_date = row[10].strftime("%Y-%m-%d") if isinstance(row[10], dt.datetime) else str(row[10])
        assert str(row[2]) in pages[on[0]] and last_date in pages[on[0]], row[0]


@rendered
def test_report_charts_are_whole_on_one_page(printed: dict[str, list[RC.Printed]]) -> None:
    p = next(x for x in printed["report"] if x.sheet == "汇总")
    pages = [RC.squash(t) for t in p.pages]
    for title, axis in (("各单位证件红黄绿", "证件数"), ("各单位逾期事项", "逾期事项数")):
        on = [i for i, t in enumerate(pages) if title in t]
        assert len(on) == 1 and axis in pages[on[0]], (title, on)


@rendered
def test_annotated_reasons_print_beside_the_rows(printed: dict[str, list[RC.Printed]]) -> None:
    """On paper the unit sees the reason: the 问题说明 column prints with the messages in it, and the
    问题清单's text is not cut (the value “填报时间 2024-06-…” used to be)."""
    for p in printed["annotated"]:
        text = RC.squash("".join(p.pages))
        if p.sheet == "问题清单":
            assert "处理建议" in text
        else:
            assert "问题说明" in text and ("【错误】" in text or "【警告】" in text or "【提示】" in text), p.xlsx.name


@rendered
@pytest.mark.skipif(not CARLITO, reason="millimetres on paper are measured with Excel's metrics: apt-get install "
                    "fonts-crosextra-carlito (LibreOffice's stand-in for Calibri)")
@pytest.mark.parametrize("family", ["annex1", "annex2", "annex4", "national"])
def test_template_rows_and_id_column_on_paper(printed: dict[str, list[RC.Printed]], family: str) -> None:
    """Measured on the printed page: data rows 8–10 mm apart (the 序号 numbers' pitch), the ID column ≈ 60 mm."""
    name = T.TEMPLATE_FILES[family]
    p = next(x for x in printed["template"] if x.xlsx.name == name)
    words = [w for w in RC.pdf_words(p.pdf) if w.page == 1]
    spec = F.specs_for_family(family)[0]
    seq_col = min(words, key=lambda w: w.x0).x0  # the 序号 column is leftmost
    numbers = sorted((w for w in words if w.text.isdigit() and abs(w.x0 - seq_col) < 15), key=lambda w: w.y0)
    numbers = [w for w in numbers if int(w.text) <= T.DATA_ROWS]
    pitches = [b.y0 - a.y0 for a, b in zip(numbers, numbers[1:]) if int(b.text) == int(a.text) + 1]
    assert len(pitches) >= 10 and all(8.0 <= x <= 10.0 for x in pitches), pitches
    # the ID column's width from the centres of its header and its neighbours' (headers are centred)
    cols = spec.columns
    i = next(k for k, c in enumerate(cols) if c.key == "id")

    def centre(title: str) -> float:
        parts = [w for w in words if w.text and w.text in title and w.y0 < numbers[0].y0]
        assert parts, title
        return sum((w.x0 + w.x1) / 2 for w in parts) / len(parts)

    left, right = cols[i - 1], cols[i + 1]
    span = centre(right.title) - centre(left.title)
    units = T.paper_width(left) / 2 + T.paper_width(cols[i]) + T.paper_width(right) / 2
    id_mm = span / units * T.paper_width(cols[i])
    assert 55 <= id_mm <= 75, id_mm
