"""An ID number in a form's file name (clerks name files after the person: 附件4_王伟明320681….xlsx) is
masked wherever the ID column is — overdue's terminal table and list, its plain lines for cron mail and
its CSV, the report's .txt and .xlsx, merge's file table, the warning about a file that cannot be read —
unless --show-id. (JSON keeps the real path, for scripts, as validate's JSON does.)"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.console import Console

from certctl.cli import overdue as cli_overdue
from certctl.overdue import Obligation
from fixtures.builders import META, annex_row, build

CERTCTL = str(Path(sys.executable).parent / "certctl")
AS_OF = "2024-05-20"
IN_NAME = "320681198005170012"  # the ID in the file names
MASKED = "320681********0012"


def certctl(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([CERTCTL, *args], capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ids") / "ledger"
    rows = [annex_row("annex4", n, lost_date=dt.date(2024, 5, 10)) for n in range(2)]
    build(root, "annex4", rows, meta=dict(META), name=f"城管局/附件4_王伟明{IN_NAME}.xlsx")
    (root / "城管局" / "附件2_李四320681198005170034.xlsx").write_bytes(b"not a workbook")
    return root


def test_overdue_plain_csv_and_warnings_mask_the_id_in_a_file_name(forms: Path, tmp_path: Path) -> None:
    p = certctl("overdue", str(forms), "--as-of", AS_OF)
    assert p.returncode == 1, p.stderr
    assert MASKED in p.stdout and IN_NAME not in p.stdout, p.stdout
    assert "320681********0034" in p.stderr and "198005170034" not in p.stderr, p.stderr
    p = certctl("overdue", str(forms), "--as-of", AS_OF, "-f", "csv")
    assert MASKED in p.stdout and IN_NAME not in p.stdout
    p = certctl("overdue", str(forms), "--as-of", AS_OF, "--show-id")  # asked for: in full
    assert IN_NAME in p.stdout


@pytest.mark.parametrize("width", (80, 120))
def test_overdue_terminal_masks_the_id_in_a_file_name(width: int) -> None:
    o = Obligation("loss_report", "overdue", "城管局", "报送证件补发表（附件4）", "file annex 4", dt.date(2024, 5, 14),
                   since=dt.date(2024, 5, 10), late=4, name="王伟明", id="320681198005170012", cert="320680000010",
                   path=f"城管局/附件4_王伟明{IN_NAME}.xlsx", sheet="附件4", row=4)
    for show_id in (False, True):
        buf = io.StringIO()
        con = Console(file=buf, width=width, force_terminal=False, color_system=None)
        for part in cli_overdue.sections_view([("逾期事项", [o], True)], width, "zh", show_id, False):
            con.print(part)
        flat = buf.getvalue().replace("\n", "").replace("│", "").replace(" ", "")
        assert (IN_NAME in flat) == show_id, buf.getvalue()


def test_report_txt_and_xlsx_mask_the_id_in_a_file_name(forms: Path, tmp_path: Path) -> None:
    out = tmp_path / "r"
    p = certctl("report", str(forms), "-o", str(out), "--as-of", AS_OF)
    assert p.returncode == 1, p.stderr
    txt = (out / f"证件管理报告-{AS_OF}.txt").read_text(encoding="utf-8")
    assert MASKED in txt and IN_NAME not in txt and "198005170034" not in txt, txt
    wb = load_workbook(out / f"证件管理报告-{AS_OF}.xlsx", read_only=True)
    cells = [str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert any(MASKED in c for c in cells) and not any(IN_NAME in c or "198005170034" in c for c in cells)


def test_merge_file_table_masks_the_id_in_a_file_name(forms: Path, tmp_path: Path) -> None:
    p = certctl("merge", str(forms), "-o", str(tmp_path / "台账.xlsx"), "--as-of", AS_OF, "--verbose")
    assert p.returncode == 1, p.stderr
    out = p.stdout.replace("\n", "").replace("│", "").replace(" ", "")
    assert MASKED in out and IN_NAME not in out and "198005170034" not in out, p.stdout
