"""An --as-of before the earlier notice was issued (启依法办发〔2020〕15号, 2020-11-25) — 2004 typed for 2024 —
no longer passes silently: overdue, report and cleanup say it in one warning line on stderr (Chinese, or
English with --lang en), naming the likely year; the run goes on as asked. A date since then: no line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from certctl.overdue import as_of_warning
from fixtures.builders import annex_row, build
from test_ids_in_file_names import certctl  # stderr not a terminal: a warning is one line whatever its width


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("asof") / "ledger"
    build(root, "annex2", [annex_row("annex2", 1)], name="城管局/附件2.xlsx")
    return root


@pytest.mark.parametrize("command", ["overdue", "report", "cleanup"])
def test_a_year_before_the_notices_is_said_in_one_line(forms: Path, tmp_path: Path, command: str) -> None:
    out = ["-o", str(tmp_path / command)] if command != "overdue" else []
    p = certctl(command, str(forms), *out, "--as-of", "2004-06-05")
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    lines = [s for s in p.stderr.splitlines() if "启依法办发〔2020〕15号" in s]
    assert len(lines) == 1 and lines[0].startswith("警告：--as-of 2004-06-05 早于") and "2024" in lines[0], p.stderr
    p = certctl(command, str(forms), *out, "--as-of", "2004-06-05", "--lang", "en")
    lines = [s for s in p.stderr.splitlines() if "2020-11-25" in s]
    assert len(lines) == 1 and lines[0].startswith("warning: --as-of 2004-06-05 is before") and "2024?" in lines[0]
    p = certctl(command, str(forms), *out, "--as-of", "2024-06-05")
    assert "2020-11-25" not in p.stderr and "启依法办发" not in p.stderr, p.stderr


def test_the_likely_year_is_one_digit_away_and_since_the_notice() -> None:
    today = dt.date(2026, 12, 3)
    assert as_of_warning(dt.date(2020, 11, 25), "zh", today) is None
    assert "2024" in as_of_warning(dt.date(2004, 6, 5), "zh", today)
    assert "2023" in as_of_warning(dt.date(2003, 6, 5), "en", today)
    assert as_of_warning(dt.date(2019, 6, 5), "en", today).endswith("is the year mistyped?")  # two digits from 2020
    assert as_of_warning(dt.date(2020, 11, 24), "zh", today).endswith("年份是否输错了？")  # its own year: no guess
