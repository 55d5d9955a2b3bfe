"""overdue on a terminal under 100 columns (the list layout): a unit folder named in full
(启东市吕四港经济开发区综合行政执法局（吕四港镇人民政府综合行政执法大队）, 36 characters) made the source line
wider than the terminal, and the file name was cut where the line ended — `…大队）/附件2` over `_注销_2024-06-03.xlsx`,
the date in it broken. Now the folder ends its line and the file name with its place starts the next."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from rich.console import Console

from certctl.cli import overdue as cli_overdue
from certctl.overdue import Obligation

UNIT = "启东市吕四港经济开发区综合行政执法局（吕四港镇人民政府综合行政执法大队）"


def item(path: str) -> Obligation:
    return Obligation("revocation", "overdue", UNIT, "在系统中办理注销并报送备案表（附件1）", "deregister", dt.date(2024, 6, 18),
                      since=dt.date(2024, 6, 3), late=2, name="欧阳司马", id="320681198005170012",
                      cert="320680000000", path=path, sheet="附件2", row=4)


def shown(width: int, o: Obligation) -> list[str]:
    buf = io.StringIO()
    con = Console(file=buf, width=width, force_terminal=False, color_system=None)
    for part in cli_overdue.sections_view([("逾期事项", [o], True)], width, "zh", False, False):
        con.print(part)
    return [line.rstrip() for line in buf.getvalue().splitlines()]


@pytest.mark.parametrize("width", (80, 90))
def test_a_long_unit_folder_never_cuts_the_file_name(width: int) -> None:
    lines = shown(width, item(f"{UNIT}/附件2_注销_2024-06-03.xlsx"))
    assert max(len(x) for x in lines) <= width
    assert any(x.strip() == "附件2_注销_2024-06-03.xlsx 附件2!4:4" for x in lines), "\n".join(lines)
    assert any(x.strip().startswith("来源 ") and x.strip().endswith("）/") for x in lines), "\n".join(lines)


def test_a_source_that_fits_stays_on_one_line() -> None:
    lines = shown(80, item("城管局/附件2_注销_2024-06-03.xlsx"))
    assert any(x.strip() == "来源 城管局/附件2_注销_2024-06-03.xlsx 附件2!4:4" for x in lines), "\n".join(lines)


def test_the_table_drops_the_unit_folder_whatever_its_parentheses() -> None:
    """The wide table names the unit in its own column, so the source leaves out the unit's folder — also
    when the folder is written with full-width parentheses and the form's 填报单位 with half-width ones
    (the folder repeated made each row nine lines high at 120 columns)."""
    o = item(f"{UNIT}/附件2_注销_2024-06-03.xlsx")
    o.unit = UNIT.replace("（", "(").replace("）", ")")
    assert cli_overdue._source_cell(o) == "附件2_注销_2024-06-03.xlsx\n附件2!4:4"
    o.unit = "柞水县交通运输局"  # another unit's folder is kept
    assert cli_overdue._source_cell(o).startswith(UNIT)
