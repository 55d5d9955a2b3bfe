"""What a clerk gets on paper: every kind of workbook certctl writes, printed to PDF by LibreOffice.

    python tests/render_check.py OUT_DIR [--png] [ledger|report|annotated|template ...]

builds each kind from examples/ (the ledger and the report of examples/ledger on 2024-06-05, the
annotated copy of every examples/forms/*_有错误.xlsx, every blank template), prints each sheet on its
own (LibreOffice, headless) to ``OUT_DIR/pdf/<file>--<sheet>.pdf`` and lists the pages per sheet and
whether every page shows the sheet's first and last header column (a row never split over two pages
in width); naming kinds prints only those. ``--png`` also writes the first pages as PNG (150 dpi) under ``OUT_DIR/png`` to look at.

Needs ``soffice`` (libreoffice-calc), ``pdfinfo``/``pdftotext``/``pdftoppm`` (poppler-utils) and a
Chinese font (fonts-noto-cjk or fonts-wqy-zenhei). ``tests/test_print.py`` uses the same functions.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
AS_OF = "2024-06-05"

TOOLS = ("soffice", "pdfinfo", "pdftotext", "pdftoppm")


def missing_tools() -> list[str]:
    """The tools (and the Chinese font) a render needs that this machine lacks."""
    gone = [t for t in TOOLS if shutil.which(t) is None]
    fc = shutil.which("fc-list")
    if fc is not None:
        out = subprocess.run([fc, ":lang=zh", "family"], capture_output=True, text=True).stdout
        if not out.strip():
            gone.append("a Chinese font (fonts-noto-cjk or fonts-wqy-zenhei)")
    return gone


# ------------------------------------------------------------------------------------------ sheets
_SHEET_RE = re.compile(r'<sheet\b[^>]*?/>')


def sheet_names(xlsx: Path) -> list[str]:
    with zipfile.ZipFile(xlsx) as z:
        wb = z.read("xl/workbook.xml").decode("utf-8")
    return [_unescape(re.search(r'name="([^"]*)"', s).group(1)) for s in _SHEET_RE.findall(wb)]  # type: ignore[union-attr]


def _unescape(s: str) -> str:
    return s.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def only_sheet(src: Path, index: int, dst: Path) -> Path:
    """A copy of ``src`` holding only its ``index``-th sheet, the same bytes otherwise (so the print
    setup is the original's). LibreOffice prints hidden sheets too, so the others are dropped from
    the workbook's sheet list (their parts stay, unreferenced) with their sheet-local names."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                for i, tag in enumerate(_SHEET_RE.findall(text)):
                    text = text.replace(tag, "" if i != index else re.sub(r'\s+state="[^"]*"', "", tag), 1)

                def local(m: re.Match[str]) -> str:
                    n = int(m.group(1))
                    return "" if n != index else m.group(0).replace(f'localSheetId="{n}"', 'localSheetId="0"')

                text = re.sub(r'<definedName\b[^>]*localSheetId="(\d+)"[^>]*>.*?</definedName>', local, text)
                text = re.sub(r'\s(activeTab|firstSheet)="\d+"', "", text)
                data = text.encode("utf-8")
            zout.writestr(info, data)
    return dst


def to_pdf(files: list[Path], outdir: Path, profile: Path) -> list[Path]:
    """Print ``files`` to PDF with LibreOffice (one headless run, a private profile)."""
    outdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, HOME=str(profile))
    proc = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}/lo", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)],
        capture_output=True, text=True, timeout=600, env=env)
    pdfs = [outdir / (f.stem + ".pdf") for f in files]
    missing = [p.name for p in pdfs if not p.exists()]
    if proc.returncode != 0 or missing:
        raise RuntimeError(f"soffice failed ({proc.returncode}): {missing} {proc.stderr[-2000:]}")
    return pdfs


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, laid out (``pdftotext -layout``)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def page_size_mm(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert m, info
    return float(m.group(1)) * 25.4 / 72, float(m.group(2)) * 25.4 / 72


@dataclass
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def pdf_words(pdf: Path) -> list[Word]:
    """Every word with its box in mm from the page's top left (``pdftotext -bbox``)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    words: list[Word] = []
    page = 0
    k = 25.4 / 72
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            x0, y0, x1, y1 = (float(m.group(i)) * k for i in range(1, 5))
            words.append(Word(page, x0, y0, x1, y1, _unescape(m.group(5))))
    return words


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ------------------------------------------------------------------------------------------ build
def build_all(out: Path) -> dict[str, list[Path]]:
    """Every kind of workbook certctl writes, from examples/: {kind: [files]}."""
    from typer.testing import CliRunner

    from certctl.cli import app

    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CERTCTL_CACHE_DIR", str(out / "cache"))
    runner = CliRunner()

    def run(*args: str) -> None:
        r = runner.invoke(app, list(args))
        if r.exit_code not in (0, 1):
            raise RuntimeError(f"certctl {' '.join(args)}: exit {r.exit_code}\n{r.output}")

    ledger = out / "台账.xlsx"
    run("merge", str(EXAMPLES / "ledger"), "-o", str(ledger), "--as-of", AS_OF, "--no-cache")
    run("report", "--dir", str(EXAMPLES / "ledger"), "--out", str(out / "report"), "--as-of", AS_OF)
    annotated = []
    for src in sorted((EXAMPLES / "forms").glob("*_有错误.xlsx")):
        dst = out / "annotated" / (src.stem + ".检查结果.xlsx")
        dst.parent.mkdir(exist_ok=True)
        run("validate", str(src), "--annotate", str(dst), "--quiet")
        annotated.append(dst)
    run("template", "all", "-o", str(out / "templates"))
    return {
        "ledger": [ledger],
        "report": sorted((out / "report").glob("*.xlsx")),
        "annotated": annotated,
        "template": sorted((out / "templates").glob("*.xlsx")),
    }


@dataclass
class Printed:
    xlsx: Path
    sheet: str
    pdf: Path

    @property
    def pages(self) -> list[str]:
        return pdf_pages(self.pdf)


def print_sheets(files: list[Path], out: Path) -> list[Printed]:
    """Each sheet of each file printed on its own: [Printed]."""
    split = out / "split"
    split.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[Path, str, Path]] = []
    for f in files:
        for i, name in enumerate(sheet_names(f)):
            dst = split / f"{f.stem}--{i + 1}-{_safe(name)}.xlsx"
            jobs.append((f, name, only_sheet(f, i, dst)))
    pdfs = to_pdf([j[2] for j in jobs], out / "pdf", out / "profile")
    return [Printed(f, name, pdf) for (f, name, _), pdf in zip(jobs, pdfs)]


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>| ]', "_", name)


def header_row_texts(xlsx: Path, sheet: str) -> list[str]:
    """The header cells of a printed sheet (the row its print titles repeat)."""
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    ws = wb[sheet]
    rows = ws.print_title_rows
    if not rows:
        return []
    r = int(rows.split(":")[0].lstrip("$"))
    return [str(c.value) for c in ws[r] if c.value is not None]


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    gone = missing_tools()
    if gone:
        print("missing: " + ", ".join(gone), file=sys.stderr)
        return 2
    out = Path(argv[0]).resolve()
    files = build_all(out / "built")
    kinds = [a for a in argv[1:] if not a.startswith("-")] or list(files)
    printed = print_sheets([f for k in kinds for f in files[k]], out)
    print(f"{'pages':>5}  {'every page: first+last header':<30} file / sheet")
    for p in printed:
        heads = header_row_texts(p.xlsx, p.sheet)
        pages = p.pages
        ok = "-"
        if heads:
            first, last = squash(heads[0]), squash(heads[-1])
            ok = "yes" if all(first in squash(t) and last in squash(t) for t in pages) else "NO"
        print(f"{len(pages):>5}  {ok:<30} {p.xlsx.name} / {p.sheet}")
    if "--png" in argv:
        png = out / "png"
        png.mkdir(exist_ok=True)
        for p in printed:
            subprocess.run(["pdftoppm", "-png", "-r", "150", "-l", "2", str(p.pdf), str(png / p.pdf.stem)],
                           check=True)
        print(f"PNG pages in {png}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main(sys.argv[1:]))
