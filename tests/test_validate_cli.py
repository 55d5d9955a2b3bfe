"""`certctl validate` end to end: table and JSON output, exit status, several files and folders,
unreadable files, ID masking, --lang en, --form; through CliRunner and one real process."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from certctl.cli import app

from fixtures.builders import annex_row, build, pid

FINDING_KEYS = {"code", "severity", "sheet", "row", "column", "cell", "field", "value", "message"}
FILE_KEYS = {"path", "form", "rows", "errors", "warnings", "findings"}


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no certctl.toml from the repo
    monkeypatch.delenv("NO_COLOR", raising=False)


def invoke(*args: str):
    return CliRunner().invoke(app, ["validate", *map(str, args)])


def _clean(tmp_path, name="clean.xlsx"):
    return build(tmp_path, "annex1", [annex_row("annex1", n) for n in range(3)], name=name)


def _bad_checksum_id():
    v = pid(seq=7)
    return v[:17] + ("0" if v[17] != "0" else "1")


def _with_errors(tmp_path, name="errors.xlsx"):
    return build(tmp_path, "annex1", [annex_row("annex1", 0, id=_bad_checksum_id()), annex_row("annex1", 1)],
                 name=name)


def _with_warning(tmp_path, name="warn.xlsx"):
    return build(tmp_path, "annex1", [annex_row("annex1", 0, name="张3")], name=name)


def test_clean_file_exit_0_with_summary(tmp_path):
    r = invoke(_clean(tmp_path))
    assert r.exit_code == 0, r.output
    assert "clean.xlsx：附件1 备案表，3 行，错误 0，警告 0" in r.stdout


def test_errors_exit_1_table_names_cell_code_and_message(tmp_path):
    r = invoke(_with_errors(tmp_path))
    assert r.exit_code == 1
    out = r.stdout
    assert "D4" in out and "I004" in out and "错误" in out and "校验位不正确" in out
    assert "请核对证件原件" in out  # what to do
    assert "errors.xlsx：附件1 备案表，2 行，错误 1" in out


def test_warnings_exit_0_unless_strict(tmp_path):
    p = _with_warning(tmp_path)
    assert invoke(p).exit_code == 0
    assert invoke(p, "--strict").exit_code == 1


def test_errors_only_hides_warnings(tmp_path):
    r = invoke(_with_warning(tmp_path), "--errors-only")
    assert "N002" not in r.stdout and "警告 1" in r.stdout


def test_unreadable_file_exit_2_and_others_still_checked(tmp_path):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    r = invoke(_with_errors(tmp_path), bad, tmp_path / "不存在.xlsx")
    assert r.exit_code == 2
    out = r.stdout
    assert "I004" in out and "D4" in out  # the readable file was fully checked
    assert "坏文件.xlsx：无法读取" in out
    assert "Traceback" not in r.output
    assert "共 2 个文件" in out and "1 个文件无法读取" in out
    # a mistyped path is the clerk's to fix, not the unit's: said on stderr, never "ask the unit to re-save"
    assert "找不到" in r.stderr and "不存在.xlsx" in r.stderr and "请检查文件名" in r.stderr


def test_several_files_and_directories(tmp_path):
    d = tmp_path / "收件" / "乡镇"
    d.mkdir(parents=True)
    _clean(d, "a.xlsx")
    _with_warning(d.parent, "b.xlsx")
    (d / "~$a.xlsx").write_bytes(b"lock")  # Office lock file: skipped
    (d / "说明.txt").write_text("不是表格")
    single = _with_errors(tmp_path, "c.xlsx")
    r = invoke(tmp_path / "收件", single, "--format", "json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    names = [Path(f["path"]).name for f in doc["files"]]
    assert sorted(names) == ["a.xlsx", "b.xlsx", "c.xlsx"]


def test_empty_directory_is_a_clear_error(tmp_path):
    (tmp_path / "空").mkdir()
    r = invoke(tmp_path / "空")
    assert r.exit_code == 2
    assert "没有找到 Excel 表格文件" in r.output and "Traceback" not in r.output


def test_bad_form_option_exit_2(tmp_path):
    assert invoke(_clean(tmp_path), "--form", "annex9").exit_code == 2


def test_json_contract(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("a,b\n")
    r = invoke(_with_errors(tmp_path), build(tmp_path, "annex2", [annex_row("annex2", 0)], name="z2.xlsx"), bad,
               "--format", "json")
    assert r.exit_code == 2
    doc = json.loads(r.stdout)
    assert set(doc) == {"files"}
    files = {Path(f["path"]).name: f for f in doc["files"]}
    for f in files.values():
        assert FILE_KEYS <= set(f)
        for x in f["findings"]:
            assert FINDING_KEYS <= set(x)
            assert x["severity"] in ("error", "warning", "info")
            assert (x["row"] is None) == (x["cell"] is None) or x["column"] is None
    e = files["errors.xlsx"]
    assert (e["form"], e["rows"], e["errors"], e["warnings"]) == ("annex1", 2, 1, 0)
    (i004,) = e["findings"]
    assert (i004["code"], i004["sheet"], i004["row"], i004["column"], i004["cell"], i004["field"]) == (
        "I004", "附件1", 4, "D", "D4", "身份证号码")
    assert "*" in i004["value"] and "校验位" in i004["message"]
    z = files["z2.xlsx"]
    a201 = next(x for x in z["findings"] if x["code"] == "A201")
    assert a201["row"] is None and a201["column"] is None and a201["cell"] is None
    b = files["bad.xlsx"]
    assert b["form"] is None and b["rows"] == 0 and b["errors"] == 1
    assert b["findings"][0]["code"] == "F001" and b["findings"][0]["cell"] is None


def test_json_lang_en(tmp_path):
    r = invoke(_with_errors(tmp_path), "--format", "json", "--lang", "en")
    msg = json.loads(r.stdout)["files"][0]["findings"][0]["message"]
    assert "check character" in msg and not any("\u4e00" <= ch <= "\u9fff" for ch in msg)


def test_table_lang_en(tmp_path):
    r = invoke(_with_errors(tmp_path), "--lang", "en")
    assert "Cell" in r.stdout and "check character" in r.stdout and "1 error," in r.stdout


def _id_heavy_form(tmp_path):
    """Every way an ID can reach a message: checksum, duplicate, under age, sex, normalised, number."""
    good = pid(seq=3)
    rows = [
        annex_row("annex1", 0, id=_bad_checksum_id()),
        annex_row("annex1", 1, id=good, sex="男"),
        annex_row("annex1", 2, id=good, sex="女"),  # duplicate + sex mismatch
        annex_row("annex1", 3, id=pid(birth=dt.date(2010, 1, 1), seq=4), sex="男"),  # under 18
        annex_row("annex1", 4, id=" " + pid(seq=9).lower() + "\u00a0", sex="男"),  # normalised
        annex_row("annex1", 5, id=int(pid(seq=11)[:17] + "1"), sex="男"),  # a number
        annex_row("annex1", 6, remark="原号码 " + pid(seq=12)),  # an ID typed in free text
        annex_row("annex1", 7, sex=pid(seq=13)),  # an ID in the wrong column
    ]
    ids = [_bad_checksum_id(), good, pid(birth=dt.date(2010, 1, 1), seq=4), pid(seq=9), pid(seq=12), pid(seq=13)]
    return build(tmp_path, "annex1", rows, name="ids.xlsx"), ids


@pytest.mark.parametrize("extra", [(), ("--format", "json"), ("--lang", "en"), ("--format", "json", "--lang", "en"),
                                   ("--quiet",)])
def test_full_id_never_printed_without_show_id(tmp_path, extra):
    p, ids = _id_heavy_form(tmp_path)
    r = invoke(p, *extra)
    assert r.exit_code == 1
    for v in ids:
        assert v not in r.output, v
        assert v[6:14] not in r.output  # not even the birth date part
    if extra[:2] != ("--quiet",):
        assert "I004" in r.output and "U001" in r.output and "I011" in r.output and "I007" in r.output


def test_id_in_a_file_name_is_masked_on_the_terminal(tmp_path):
    v = pid(seq=21)
    p = _with_errors(tmp_path, f"张三{v}.xlsx")
    for extra in ((), ("--quiet",)):
        r = invoke(p, *extra)
        assert v not in r.output and f"张三{v[:6]}" in r.output
    assert v in invoke(p, "--show-id").output
    assert json.loads(invoke(p, "--format", "json").stdout)["files"][0]["path"] == str(p)  # scripts need it


def test_show_id_prints_in_full(tmp_path):
    p, ids = _id_heavy_form(tmp_path)
    r = invoke(p, "--show-id", "--format", "json")
    assert ids[0] in r.stdout and ids[1] in r.stdout


def test_form_option(tmp_path):
    p = build(tmp_path, "annex2", [annex_row("annex2", 0)], name="f.xlsx")
    r = invoke(p, "--form", "annex3", "--format", "json")
    f = json.loads(r.stdout)["files"][0]
    assert f["form"] == "annex3" and any(x["code"] == "F003" for x in f["findings"])
    assert r.exit_code == 1


def test_config_disables_a_rule(tmp_path):
    (tmp_path / "certctl.toml").write_text('[rules]\ndisable = ["N002"]\n', encoding="utf-8")
    r = invoke(_with_warning(tmp_path), "--strict")
    assert r.exit_code == 0 and "N002" not in r.stdout


def test_real_process_exit_codes_and_utf8(tmp_path):
    good, errs = _clean(tmp_path), _with_errors(tmp_path)
    env = dict(os.environ, PYTHONIOENCODING="utf-8", NO_COLOR="1")
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")

    def proc(*args):
        return subprocess.run([sys.executable, "-c", "from certctl.cli import main; main()", "validate", *map(str, args)],
                              capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, env=env, timeout=120)

    p = proc(good)
    assert p.returncode == 0 and "错误 0" in p.stdout and "\x1b[" not in p.stdout
    p = proc(good, errs, "--format", "json")
    assert p.returncode == 1 and len(json.loads(p.stdout)["files"]) == 2
    p = proc(tmp_path / "nope.xlsx")
    assert p.returncode == 2 and "Traceback" not in p.stderr and "找不到" in p.stderr
