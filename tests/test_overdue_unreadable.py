"""A forms folder whose forms cannot be read (a unit sent a CSV renamed .xlsx, a file cut short): overdue,
report and cleanup exit 1, and what they print says why — the summary line counts the unreadable files (it used to read
"逾期 0 项 … 读取 2 个表格" over two files never read), the JSON lists them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.builders import annex_row, build

CERTCTL = str(Path(sys.executable).parent / "certctl")
AS_OF = "2024-06-05"


def certctl(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([CERTCTL, *args], capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture()
def forms(tmp_path: Path) -> Path:
    root = tmp_path / "ledger"
    build(root, "annex1", [annex_row("annex1", 1)], name="城管局/附件1.xlsx")
    (root / "城管局" / "附件2.xlsx").write_text("姓名,身份证号码\n", encoding="utf-8")
    (root / "乡镇" / "附件4.xls").parent.mkdir()
    (root / "乡镇" / "附件4.xls").write_bytes(b"")
    return root


@pytest.mark.parametrize("lang,said", [("zh", "无法读取 2 个，其内容未计入"), ("en", "2 unreadable, not counted")])
def test_summary_line_counts_the_unreadable_forms(forms: Path, lang: str, said: str) -> None:
    p = certctl("overdue", str(forms), "--as-of", AS_OF, "--lang", lang)
    assert p.returncode == 1, p.stderr
    last = p.stdout.strip().splitlines()[-1]
    assert said in last, p.stdout
    assert "附件2.xlsx" in p.stderr and "附件4.xls" in p.stderr


def test_json_lists_the_unreadable_forms(forms: Path) -> None:
    p = certctl("overdue", str(forms), "--as-of", AS_OF, "-f", "json")
    assert p.returncode == 1, p.stderr
    doc = json.loads(p.stdout)
    assert doc["overdue"] == []
    assert sorted(Path(u["path"]).name for u in doc["unreadable"]) == ["附件2.xlsx", "附件4.xls"]
    assert all(u["reason"] for u in doc["unreadable"])


def test_nothing_unreadable_nothing_said(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    build(root, "annex1", [annex_row("annex1", 1)], name="城管局/附件1.xlsx")
    p = certctl("overdue", str(root), "--as-of", AS_OF)
    assert p.returncode == 0 and "无法读取" not in p.stdout + p.stderr, p.stdout + p.stderr
    assert json.loads(certctl("overdue", str(root), "--as-of", AS_OF, "-f", "json").stdout)["unreadable"] == []


@pytest.mark.parametrize("cmd", ["report", "cleanup"])
def test_report_and_cleanup_say_the_unreadable_forms_too(forms: Path, tmp_path: Path, cmd: str) -> None:
    p = certctl(cmd, str(forms), "-o", str(tmp_path / cmd), "--as-of", AS_OF)
    assert p.returncode == 1, p.stderr
    assert "无法读取 2 个，其内容未计入" in p.stdout.splitlines()[0], p.stdout
    doc = json.loads(certctl(cmd, str(forms), "-o", str(tmp_path / cmd), "--as-of", AS_OF, "-f", "json").stdout)
    assert sorted(Path(u).name for u in doc["unreadable"]) == ["附件2.xlsx", "附件4.xls"]
