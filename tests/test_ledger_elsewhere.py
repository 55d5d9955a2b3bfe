"""The clerk's ledger renamed, moved, or saved in another format (台账.xls, 台账-6月.xlsx): the next merge
writes a ledger without the notes typed there, and now says where they are (certctl.ledger_elsewhere)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import time
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from certctl.cli import app

EXAMPLES = Path(__file__).parent.parent / "examples"
SOFFICE = shutil.which("soffice")


def merge(*args: str) -> object:
    return CliRunner().invoke(app, ["merge", "ledger", "--as-of", "2024-06-05", *args])


def _type_note(ledger: Path, cert: str, text: str) -> None:
    wb = openpyxl.load_workbook(ledger)
    ws = wb["证件台账"]
    col = next(c.column for c in ws[1] if c.value == "处理情况")
    row = next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == cert)
    ws.cell(row, col).value = text
    wb.save(ledger)


def _later(p: Path, than: Path) -> None:
    """``p`` saved after ``than`` (``than`` set a minute back: a time in the future would stay newer)."""
    t = p.stat().st_mtime - 60
    os.utime(than, (t, t))


@pytest.fixture
def bureau(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(EXAMPLES / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    r = merge()
    assert r.exit_code == 1 and (tmp_path / "台账.xlsx").is_file(), r.output
    return tmp_path


def test_a_renamed_ledger_is_named(bureau: Path) -> None:
    _type_note(bureau / "台账.xlsx", "320681200002", "已电话催办 6/5")
    (bureau / "台账.xlsx").rename(bureau / "台账-6月.xlsx")
    r = merge()
    assert r.exit_code == 1, r.output
    assert "上次合并写出的台账 台账.xlsx 不在了" in r.output and "台账-6月.xlsx 是 certctl 的台账" in r.output, r.output
    assert openpyxl.load_workbook(bureau / "台账-6月.xlsx")["证件台账"]["N3"].value == "已电话催办 6/5"  # untouched
    r = merge()  # said once: the ledger is there again
    assert "不在了" not in r.output


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permission bits")
def test_a_note_another_user_could_have_put_there_does_not_hide_the_renamed_ledger(bureau: Path) -> None:
    """The clerk renames the ledger and works in 台账-6月.xlsx. A note of that name in a .certctl/ others can
    write (a link to a shared folder) would have said it is merged by that name, and the hint was not said."""
    _type_note(bureau / "台账.xlsx", "320681200002", "已电话催办 6/5")
    (bureau / "台账.xlsx").rename(bureau / "台账-6月.xlsx")
    shared = bureau / "shared"
    (bureau / ".certctl").rename(shared)
    os.chmod(shared, 0o777)
    (bureau / ".certctl").symlink_to(shared)
    shutil.copy(shared / "台账.xlsx.json", shared / "台账-6月.xlsx.json")  # planted (or left by anyone)
    r = merge()
    assert "上次合并写出的台账 台账.xlsx 不在了" in r.output and "台账-6月.xlsx 是 certctl 的台账" in r.output, r.output


def test_a_ledger_deleted_for_a_fresh_start_is_said_once_without_candidates(bureau: Path) -> None:
    (bureau / "台账.xlsx").unlink()
    r = merge()
    assert "不在了" in r.output and "是 certctl 的台账" not in r.output, r.output


def test_a_first_merge_says_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(EXAMPLES / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    assert "注意" not in merge().output


def test_the_ledger_saved_as_csv_and_typed_there_is_named(bureau: Path) -> None:
    ledger = bureau / "台账.xlsx"
    rows = list(openpyxl.load_workbook(ledger)["证件台账"].iter_rows(values_only=True))
    rows[1] = (*rows[1][:-1], "已收回")
    with open(bureau / "台账.csv", "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    _later(bureau / "台账.csv", ledger)
    r = merge("--no-cache")
    assert "台账.csv 比台账 台账.xlsx 新" in r.output and "另存为 台账.xlsx" in r.output, r.output
    assert "台账.csv 比台账" not in merge("--no-cache").output  # the new ledger is newer: nothing to say


def test_an_older_export_beside_the_ledger_is_not_named(bureau: Path) -> None:
    ledger = bureau / "台账.xlsx"
    (bureau / "台账.csv").write_text("证件号码\n", encoding="utf-8")
    t = ledger.stat().st_mtime - 60
    os.utime(bureau / "台账.csv", (t, t))
    assert "注意" not in merge().output


def test_a_backup_copy_and_a_report_are_not_named(bureau: Path) -> None:
    ledger = bureau / "台账.xlsx"
    shutil.copy(ledger, bureau / "台账.2024-06-05T0930.bak.xlsx")
    _later(bureau / "台账.2024-06-05T0930.bak.xlsx", ledger)
    r = CliRunner().invoke(app, ["report", "ledger", "--as-of", "2024-06-05", "-o", "."])
    assert r.exit_code in (0, 1), r.output
    assert "注意" not in merge().output


def test_a_copy_of_the_ledger_newer_than_it_is_named(bureau: Path) -> None:
    ledger = bureau / "台账.xlsx"
    shutil.copy(ledger, bureau / "台账（已核）.xlsx")
    _type_note(bureau / "台账（已核）.xlsx", "320681200002", "已核")
    _later(bureau / "台账（已核）.xlsx", ledger)
    r = merge()
    assert "台账（已核）.xlsx 是 certctl 的台账，比台账 台账.xlsx 新" in r.output, r.output


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed: needed to save the ledger as .xls")
def test_the_ledger_saved_as_xls_by_libreoffice_is_named(bureau: Path) -> None:
    time.sleep(1.1)  # the .xls is written after the ledger, as a clerk's 另存为 is
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{bureau}/profile", "--headless",
                           "--convert-to", "xls", "--outdir", str(bureau), str(bureau / "台账.xlsx")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and (bureau / "台账.xls").is_file(), proc.stderr
    shutil.rmtree(bureau / "profile", ignore_errors=True)
    r = merge("--lang", "en")
    assert "台账.xls is newer than the ledger 台账.xlsx" in r.output, r.output


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed: it computes the formula's value")
def test_a_formula_the_clerk_typed_in_their_column_is_kept_or_the_ledger_copied_aside(bureau: Path) -> None:
    ledger = bureau / "台账.xlsx"
    wb = openpyxl.load_workbook(ledger)
    ws = wb["证件台账"]
    ws.cell(1, ws.max_column + 1).value = "距今天数"
    ws.cell(2, ws.max_column).value = "=TODAY()-K2"  # days since the last change, as clerks keep
    wb.save(ledger)
    saved = bureau / "lo"
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{bureau}/profile", "--headless",
                           "--convert-to", "xlsx", "--outdir", str(saved), str(ledger)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    shutil.rmtree(bureau / "profile", ignore_errors=True)
    shutil.move(saved / "台账.xlsx", ledger)
    shutil.rmtree(saved)
    r = merge()
    assert r.exit_code == 1, r.output
    cell = openpyxl.load_workbook(ledger)["证件台账"].cell(2, 15)
    assert cell.data_type == "f" or list(bureau.glob("台账.*.bak.xlsx")), (cell.value, r.output)
    # certctl writes no cell as a formula: the value carried, the formula said and kept in the copy aside
    assert "有 1 个单元格是公式（证件台账!O2），新台账中只有值，没有公式" in r.output, r.output
    assert isinstance(cell.value, int) and cell.value > 0, cell.value
    backup, = bureau.glob("台账.*.bak.xlsx")
    assert openpyxl.load_workbook(backup)["证件台账"]["O2"].value == "=TODAY()-K2"


@pytest.mark.parametrize("name", ["台账.xls", "台账.csv", "台账", "总台账.ods"])
def test_a_ledger_named_other_than_xlsx_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """merge -o 台账.csv wrote an .xlsx workbook under that name (Excel shows it as gibberish, or refuses a
    .xls that is not one), where template and validate --annotate already refused such a name."""
    shutil.copytree(EXAMPLES / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    r = merge("-o", name)
    assert r.exit_code == 2 and "台账须是 .xlsx 文件" in r.output, r.output
    assert not (tmp_path / name).exists()
    (tmp_path / "certctl.toml").write_text(f'ledger = "{name}"\n', encoding="utf-8")
    r = merge()
    assert r.exit_code == 2 and f"{Path(name).stem}.xlsx" in r.output, r.output


@pytest.mark.parametrize("command", ["merge", "overdue", "report"])
def test_a_forms_folder_missing_from_the_current_folder_says_which_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """A cron line without cd, or --config of another folder: forms_dir = "ledger" is looked for in the current
    folder; merge said only '文件夹不存在：ledger'."""
    work = tmp_path / "证件管理"
    shutil.copytree(EXAMPLES / "ledger", work / "ledger")
    (work / "certctl.toml").write_text('forms_dir = "ledger"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    extra = ["-o", "reports"] if command == "report" else []
    r = CliRunner().invoke(app, [command, "-c", str(work / "certctl.toml"), "--as-of", "2024-06-05", *extra])
    assert r.exit_code == 2, r.output
    assert f"表格文件夹 ledger 不存在（在当前文件夹 {tmp_path} 下找）" in r.output and "cd" in r.output, r.output


def test_a_title_row_inserted_above_the_header_keeps_the_notes(bureau: Path) -> None:
    ledger = bureau / "台账.xlsx"
    _type_note(ledger, "320681200002", "已电话催办 6/5")
    wb = openpyxl.load_workbook(ledger)
    ws = wb["证件台账"]
    ws.insert_rows(1)
    ws.cell(1, 1).value = "2024年6月行政执法证件台账"  # clerks title their sheets before printing
    wb.save(ledger)
    r = merge()
    assert "删除了 certctl 的列" not in r.output, r.output
    # the title itself is not in the ledger certctl writes: said, and kept in the copy aside
    assert "在表头上方插入了 1 行（“2024年6月行政执法证件台账”）" in r.output, r.output
    backup, = bureau.glob("台账.*.bak.xlsx")
    assert openpyxl.load_workbook(backup)["证件台账"]["A1"].value == "2024年6月行政执法证件台账"
    ws = openpyxl.load_workbook(ledger)["证件台账"]
    col = next(c.column for c in ws[1] if c.value == "处理情况")
    assert {r[0].value: r[col - 1].value for r in ws.iter_rows(min_row=2) if r[col - 1].value} == {
        "320681200002": "已电话催办 6/5"}
    assert "另存为" not in merge().output  # said once: the new ledger has its header on the first row


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="symbolic links")
def test_a_link_to_the_ledger_keeps_pointing_at_the_ledger_merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """台账.xlsx a link to 共享/台账.xlsx: merge replaced the link by a file of its own, the ledger on the shared
    folder left as it was (and copied the ledger aside: no note beside the link)."""
    shutil.copytree(EXAMPLES / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    assert merge("-o", "共享/台账.xlsx").exit_code == 1
    (tmp_path / "台账.xlsx").symlink_to(Path("共享/台账.xlsx"))
    _type_note(tmp_path / "台账.xlsx", "320681200002", "已电话催办")
    r = CliRunner().invoke(app, ["merge", "ledger", "--as-of", "2024-06-06", "--sqlite", "台账.sqlite"])
    assert r.exit_code == 1 and "另存为" not in r.output, r.output
    assert (tmp_path / "台账.xlsx").is_symlink()
    ws = openpyxl.load_workbook(tmp_path / "共享/台账.xlsx")["证件台账"]
    assert any(row[0] == "320681200002" and "已电话催办" in row for row in ws.iter_rows(values_only=True))
    assert not list(tmp_path.rglob("*.bak.xlsx"))


@pytest.mark.parametrize("command, name", [("report", "报告.xlsx"), ("cleanup", "清理材料.md"), ("report", "周报.txt")])
def test_an_output_folder_named_like_a_file_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, name: str) -> None:
    """report -o 报告.xlsx made a folder named 报告.xlsx (Excel cannot open it) holding the report."""
    shutil.copytree(EXAMPLES / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, [command, "ledger", "--as-of", "2024-07-02", "-o", name])
    assert r.exit_code == 2 and "要的是文件夹" in r.output, r.output
    assert not (tmp_path / name).exists()


def test_overdue_to_a_file_takes_the_format_its_name_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """overdue -o 逾期.csv wrote tab-separated lines under a title (Excel showed every item in one column);
    -f csv -o 逾期.xlsx wrote CSV text Excel refuses to open."""
    shutil.copytree(EXAMPLES / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    run = lambda *a: CliRunner().invoke(app, ["overdue", "ledger", "--as-of", "2024-07-02", *a])  # noqa: E731
    assert run("-o", "逾期.csv").exit_code == 1
    with open(tmp_path / "逾期.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["状态", "单位", "姓名"] and len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows)
    assert run("-o", "逾期.json").exit_code == 1
    assert (tmp_path / "逾期.json").read_text(encoding="utf-8").lstrip().startswith("{")
    assert run("-o", "逾期.txt").exit_code == 1
    assert (tmp_path / "逾期.txt").read_text(encoding="utf-8").startswith("截至 2024-07-02")
    r = run("-f", "csv", "-o", "逾期.xlsx")
    assert r.exit_code == 2 and "Excel 打不开" in r.output and not (tmp_path / "逾期.xlsx").exists(), r.output


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed: needed to save the ledger as .xls")
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_a_ledger_saved_as_xls_under_its_xlsx_name_is_read_back_or_said_in_chinese(bureau: Path, fmt: str) -> None:
    _type_note(bureau / "台账.xlsx", "320681200002", "已电话催办")
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{bureau}/profile", "--headless",
                           "--convert-to", fmt, "--outdir", str(bureau / "lo"), str(bureau / "台账.xlsx")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    shutil.rmtree(bureau / "profile", ignore_errors=True)
    shutil.move(bureau / f"lo/台账.{fmt}", bureau / "台账.xlsx")  # 另存为 97-2003 (or .ods), then renamed back to .xlsx
    r = merge("--no-cache")
    assert "ask for it again" not in r.output and "报送单位重新发送" not in r.output, r.output
    # read back (python-calamine reads Excel 97-2003 and .ods by their content): the note carried; formulas and
    # comments cannot be looked for in those formats, so the ledger is copied aside, and the format named
    said = "Excel 97-2003 格式（.xls）" if fmt == "xls" else "OpenDocument 格式（.ods）"
    assert r.exit_code == 1 and f"台账被另存为 {said}，其中的公式和批注无法核对" in r.output, r.output
    backup, = bureau.glob("台账.*.bak.xlsx")
    assert "改动了" not in r.output and "删除了" not in r.output, r.output  # its rows and sheets as certctl wrote them
    ws = openpyxl.load_workbook(bureau / "台账.xlsx")["证件台账"]
    assert any(row[0] == "320681200002" and "已电话催办" in row for row in ws.iter_rows(values_only=True))


CORPUS = Path(__file__).parent / "corpus" / "files"


@pytest.mark.parametrize("content, said", [
    ("证件号码,姓名\n".encode("utf-8-sig"), "这是文本/CSV 文件，不是 Excel 工作簿"),
    (b"PK\x03\x04truncated", "台账文件不完整或已损坏"),
    # an OLE file is told by its streams, as reader tells a form's: not python-calamine's English
    ((CORPUS / "encrypted_password.xlsx").read_bytes(), "台账文件已加密（设置了打开密码），请在 Excel/WPS 中取消打开密码后保存"),
    ((CORPUS / "ole_not_a_workbook.xls").read_bytes(), "这是 Word 文档（.doc），不是 Excel 工作簿"),
    ((CORPUS / "pdf_renamed.xlsx").read_bytes(), "这是PDF 文档，不是 Excel 工作簿（另存为其他格式后又改回了台账的名字？）"),
    ((CORPUS / "zip_bomb_declared.xlsx").read_bytes(), "台账文件的部件 xl/worksheets/sheet1.xml 解压后声明为"),
], ids=["csv", "truncated", "encrypted", "word-doc", "pdf", "bomb"])
def test_a_ledger_that_is_not_a_workbook_is_said_in_chinese_for_the_ledger(bureau: Path, content: bytes, said: str) -> None:
    (bureau / "台账.xlsx").write_bytes(content)
    r = merge("--no-cache")
    assert f"无法读回原台账：{said}" in r.output and list(bureau.glob("台账.*.bak.xlsx")), r.output
    said_line, = [line for line in r.output.splitlines() if "无法读回原台账" in line]
    assert "报送" not in said_line and "detect" not in said_line, said_line  # no advice to a sending unit
    (bureau / "台账.xlsx").write_bytes(content)
    r = CliRunner().invoke(app, ["--lang", "en", "merge", "ledger", "--as-of", "2024-06-05", "--no-cache"])
    assert "the ledger cannot be read back: " in r.output and "ask the unit" not in r.output, r.output
    assert "send the .xlsx form" not in r.output and "ask for it again" not in r.output, r.output


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="symbolic links")
def test_a_ledger_open_through_its_link_is_not_merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(EXAMPLES / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    assert merge("-o", "共享/台账.xlsx").exit_code == 1
    (tmp_path / "台账.xlsx").symlink_to(Path("共享/台账.xlsx"))
    (tmp_path / ".~lock.台账.xlsx#").write_text("clerk,host,...", encoding="utf-8")  # LibreOffice, opened via the link
    r = merge()
    assert r.exit_code == 2 and ".~lock.台账.xlsx#" in r.output, r.output


def test_two_ledgers_merged_side_by_side_do_not_name_each_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bureau merging two folders into 启东台账.xlsx and 柞水台账.xlsx in one folder: each is newer than the
    other in turn, and both are certctl's own — neither is the other's ledger gone astray."""
    shutil.copytree(EXAMPLES / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    for day in ("2024-06-05", "2024-06-06"):
        for name in ("启东台账.xlsx", "柞水台账.xlsx"):
            r = CliRunner().invoke(app, ["merge", "ledger", "--as-of", day, "-o", name])
            assert r.exit_code == 1 and "注意" not in r.output, r.output
