"""``certctl cleanup -o`` a folder inside the forms folder: its workbooks (待注销收回清单, 身份核查名单) carry no
certctl mark, so the next merge read them back as forms (身份核查名单 as a survey of 14 rows, all errors).
Refused before anything is written, exit 2, in the run's language; a folder beside the forms is fine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.builders import annex_row, build

CERTCTL = str(Path(sys.executable).parent / "certctl")
AS_OF = "2024-06-05"


def certctl(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([CERTCTL, *args], capture_output=True, text=True, timeout=120, env=env, cwd=cwd)


@pytest.mark.parametrize("out,lang,said", [("ledger/专项清理", "zh", "在表格文件夹"), ("ledger", "en", "inside the forms folder")])
def test_cleanup_into_the_forms_folder_is_refused(tmp_path: Path, out: str, lang: str, said: str) -> None:
    build(tmp_path / "ledger", "annex2", [annex_row("annex2", 1)], name="城管局/附件2.xlsx")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    p = certctl("cleanup", "-o", out, "--as-of", AS_OF, "--lang", lang, cwd=tmp_path)
    assert p.returncode == 2 and said in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    p = certctl("cleanup", "-o", "专项清理", "--as-of", AS_OF, cwd=tmp_path)
    assert p.returncode in (0, 1), p.stderr
    assert len(list((tmp_path / "专项清理").glob("*.xlsx"))) == 2
