"""One test (at least) per rule that a single form can show: it fires at the right cell with the
right severity. Real workbooks, built with certctl.samples.write_form or openpyxl."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from certctl import rules as R
from certctl.validate import Options, validate_file

from fixtures.builders import (CLEAN_INFO, FORM_DATE, META, annex_row, at, build, check, codes, col_of, one,
                               person, pid, problems, run)

FIRST = 4  # title row 1, metadata row 2, header row 3, first data row 4


def _sev(code: str) -> str:
    return R.RULES[code].severity


# ------------------------------------------------------------------------------------------ clean forms
@pytest.mark.parametrize("family", ["annex1", "annex2", "annex3", "annex4"])
def test_clean_annex_has_no_errors_or_warnings(tmp_path, family):
    res = check(tmp_path, family, [annex_row(family, n) for n in range(5)])
    assert res.family == family and res.rows == 5
    assert problems(res, CLEAN_INFO) == []


def test_clean_survey_both_sheets(tmp_path):
    people = [annex_row("survey", n) for n in range(4)]
    units = [{"unit": "乾佑街道办事处", "establishment": 30, "posts": 10, "holders": 4, "report_date": dt.date(2024, 6, 3)}]
    res = check(tmp_path, "survey", {"survey_people": people, "survey_units": units})
    assert res.family == "survey"
    assert {s.spec.kind for s in res.sheets} == {"survey_people", "survey_units"}
    assert len(res.records("survey_people")) == 4 and len(res.records("survey_units")) == 1
    assert problems(res) == []
    assert all(r.colour == "绿" for r in res.records("survey_people"))


# ------------------------------------------------------------------------------------------ F: file
def test_f001_not_an_excel_file(tmp_path):
    p = tmp_path / "注销表.xlsx"
    p.write_text("序号,姓名\n1,张三\n", encoding="utf-8")
    res = validate_file(p)
    assert res.read_error is not None
    f = one(res, "F001")
    assert f.severity == "error" and f.cell is None and f.row is None
    assert "CSV" in f.message("zh")


def test_f002_unknown_form(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["项目", "金额", "经办"])
    ws.append(["办公用品", 120, "李四"])
    p = tmp_path / "x.xlsx"
    wb.save(p)
    res = validate_file(p)
    assert codes(res) == ["F002"] and res.family == "unknown" and res.errors == 1
    assert "附件1—4" in res.findings[0].message() and "1 个工作表" in res.findings[0].message()


def test_f003_missing_required_column(tmp_path):
    cols = ["seq", "name", "unit", "id", "cert", "action", "entry_date", "remark"]  # no 性别
    res = check(tmp_path, "annex1", [annex_row("annex1")], columns={"annex1": cols})
    f = one(res, "F003")
    assert f.severity == "error" and f.row is None and f.cell is None and f.sheet == "附件1"
    assert "性别" in f.message() and "第 3 行" in f.message()
    assert "V001" not in codes(res)


def test_f004_duplicate_column(tmp_path):
    cols = ["seq", "name", "unit", "id", "sex", "cert", "action", "entry_date", "remark", "name"]
    res = check(tmp_path, "annex1", [annex_row("annex1")], columns={"annex1": cols})
    f = one(res, "F004")
    assert f.severity == "warning" and f.cell == "J3"
    assert "B3" in f.message() and "J3" in f.message()


def test_f005_no_data_rows(tmp_path):
    res = check(tmp_path, "annex2", [])
    f = one(res, "F005")
    assert f.severity == "info" and res.rows == 0 and res.errors == 0


def test_f006_xml_entity_refused(tmp_path):
    p = build(tmp_path, "annex1", [annex_row("annex1")])
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(p) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/workbook.xml":
                data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + data.split(b"?>", 1)[-1]
            zout.writestr(info, data)
    res = validate_file(bad)
    assert codes(res) == ["F006"] and res.read_error is not None


@pytest.mark.parametrize("err", ["#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?"])
def test_f007_error_value_typed_as_text(tmp_path, err):
    rows = [annex_row("annex1", 0, id=err), annex_row("annex1", 1, cert=err)]
    res = check(tmp_path, "annex1", rows)
    idc, certc = col_of(res, "id"), col_of(res, "cert")
    assert at(res, "F007") == [f"{idc}{FIRST}", f"{certc}{FIRST + 1}"]
    hits = [f for f in res.findings if f.code == "F007"]
    assert all(f.severity == "error" for f in hits)  # required columns: the row cannot be used
    # never a nonsense checksum / length / character / empty message on top
    assert not {"I002", "I004", "C002", "I001", "C001"} & set(codes(res))
    assert err in hits[0].message() and "身份证号码" in hits[0].message()


def test_f007_in_optional_column_is_warning(tmp_path):
    res = check(tmp_path, "annex1", [annex_row("annex1", 0, remark="#REF!")])
    f = one(res, "F007")
    assert f.severity == "warning" and f.cell == f"{col_of(res, 'remark')}{FIRST}" and res.errors == 0


def test_f007_cached_formula_error(tmp_path):
    """A formula whose cached result is an error (as Excel saves it)."""
    p = build(tmp_path, "annex1", [annex_row("annex1", 0), annex_row("annex1", 1)])
    # inject a cached error value into the XML of the first data row's ID cell
    res0 = run(p)
    idc = col_of(res0, "id")
    ref = f"{idc}{FIRST}".encode()
    out = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(p) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                import re

                data = re.sub(rb'<c r="' + ref + rb'"[^>]*?(/>|>.*?</c>)',
                              b'<c r="' + ref + b'" t="e"><f>VLOOKUP(A1,B:B,2,0)</f><v>#N/A</v></c>', data, count=1)
            zout.writestr(info, data)
    res = run(out)
    assert at(res, "F007") == [f"{idc}{FIRST}"]
    assert not {"I001", "I002", "I004"} & set(codes(res))


# ------------------------------------------------------------------------------------------ M: metadata
@pytest.mark.parametrize("key,code", [("unit", "M001"), ("reporter", "M002"), ("phone", "M003"), ("date", "M004")])
def test_m001_m004_missing_metadata(tmp_path, key, code):
    meta = dict(META)
    meta[key] = "" if key != "date" else None
    res = check(tmp_path, "annex1", [annex_row("annex1")], meta)
    f = one(res, code)
    assert f.severity == "error" and f.row == 2
    assert [c for c in codes(res) if c.startswith("M")] == [code]


@pytest.mark.parametrize("phone", ["12345", "0513", "1381234567", "电话号码"])
def test_m005_bad_phone(tmp_path, phone):
    res = check(tmp_path, "annex1", [annex_row("annex1")], dict(META, phone=phone))
    f = one(res, "M005")
    assert f.severity == "error" and f.row == 2 and phone in f.message()


@pytest.mark.parametrize("date", ["2024年2月30日", "六月初", "2024-13-01"])
def test_m006_bad_form_date(tmp_path, date):
    res = check(tmp_path, "annex1", [annex_row("annex1")], dict(META, date=date))
    f = one(res, "M006")
    assert f.severity == "error" and f.row == 2
    assert "M004" not in codes(res)


def test_no_metadata_row_at_all(tmp_path):
    res = check(tmp_path, "annex1", [annex_row("annex1")], {}, title=False)
    # write_form always writes the labels; drop the row by building without metadata
    wb = load_workbook(build(tmp_path, "annex1", [annex_row("annex1")], name="m.xlsx"))
    ws = wb.active
    ws.delete_rows(2)
    p = tmp_path / "nometa.xlsx"
    wb.save(p)
    res = run(p)
    for code in ("M001", "M002", "M003", "M004"):
        f = one(res, code)
        assert f.row is None and f.cell is None


# ------------------------------------------------------------------------------------------ I: IDs
def _id_check(tmp_path, value, family="annex1", **over):
    res = check(tmp_path, family, [annex_row(family, 0, id=value, **over), annex_row(family, 1)])
    return res, f"{col_of(res, 'id')}{FIRST}"


def test_i001_id_empty(tmp_path):
    res, cell = _id_check(tmp_path, "")
    assert at(res, "I001") == [cell] and _sev("I001") == "error"


@pytest.mark.parametrize("value", ["32068119800517123", "3206811980051712345", "32068119800517A23X"])
def test_i002_id_length_or_chars(tmp_path, value):
    res, cell = _id_check(tmp_path, value)
    assert at(res, "I002") == [cell]
    assert "I004" not in codes(res)


def test_i003_legacy_15(tmp_path):
    res, cell = _id_check(tmp_path, "320681800517123")
    assert at(res, "I003") == [cell] and _sev("I003") == "error"
    assert "I004" not in codes(res) and "I002" not in codes(res)


def test_i003_legacy_15_as_number(tmp_path):
    res, cell = _id_check(tmp_path, 320681800517123)
    assert at(res, "I003") == [cell]


def test_i004_checksum(tmp_path):
    good = pid()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    res, cell = _id_check(tmp_path, bad)
    f = one(res, "I004")
    assert f.cell == cell and good[17] in f.message(show_id=True)


def test_i005_birth_date(tmp_path):
    body = "32068119800230123"  # 30 February
    from certctl.idcard import check_char

    res, cell = _id_check(tmp_path, body + check_char(body))
    assert at(res, "I005") == [cell]


@pytest.mark.parametrize("value", [int(pid()[:17] + "3") if pid()[17] == "X" else int(pid()), "3.20681E+17",
                                   320681198005171000.0])
def test_i006_id_stored_as_number(tmp_path, value):
    res, cell = _id_check(tmp_path, value)
    f = one(res, "I006")
    assert f.cell == cell and f.severity == "error"
    msg = f.message()
    assert "文本" in f.hint() and "数字" in msg
    assert "校验位" not in msg
    assert not {"I002", "I004", "I005"} & set(codes(res))


def test_i006_whole_column_written_as_numbers(tmp_path):
    rows = [annex_row("annex1", n, id=pid(seq=n, male=True)) for n in range(3)]
    for r in rows:
        if r["id"].endswith("X"):
            r["id"] = r["id"][:17] + "1"
    res = check(tmp_path, "annex1", rows, id_as_number=True)
    assert len(at(res, "I006")) == 3
    assert "I004" not in codes(res)


def test_i007_normalised_accepted(tmp_path):
    v = pid()
    spaced = " " + v[:6] + " " + v[6:14] + "\u00a0" + v[14:] + "\u200b"
    res, cell = _id_check(tmp_path, spaced)
    f = one(res, "I007")
    assert f.cell == cell and f.severity == "info" and res.errors == 0
    assert v in f.message(show_id=True)
    assert res.records()[0].values["id"] == v


def test_i008_unknown_province(tmp_path):
    body = "99068119800517123"
    from certctl.idcard import check_char

    res, cell = _id_check(tmp_path, body + check_char(body))
    f = one(res, "I008")
    assert f.cell == cell and f.severity == "error" and "99" in f.message()


def test_i009_unknown_area_code_is_warning_only(tmp_path):
    v = pid(area="329999")
    res, cell = _id_check(tmp_path, v)
    f = one(res, "I009")
    assert f.cell == cell and f.severity == "warning" and res.errors == 0


def test_i010_sex_mismatch(tmp_path):
    res = check(tmp_path, "annex1", [annex_row("annex1", 0, id=pid(male=True), sex="女")])
    f = one(res, "I010")
    assert f.cell == f"{col_of(res, 'sex')}{FIRST}" and "男" in f.message()


def test_i011_under_18_at_form_date(tmp_path):
    res = check(tmp_path, "annex1", [annex_row("annex1", 0, id=pid(birth=dt.date(2006, 6, 4)), sex="男")])
    f = one(res, "I011")
    assert f.severity == "error" and "17" in f.message() and "2024-06-03" in f.message()


def test_i011_exactly_18_on_form_date_is_fine(tmp_path):
    res = check(tmp_path, "annex1", [annex_row("annex1", 0, id=pid(birth=dt.date(2006, 6, 3)), sex="男")])
    assert "I011" not in codes(res)


def test_i012_over_65(tmp_path):
    res = check(tmp_path, "annex1", [annex_row("annex1", 0, id=pid(birth=dt.date(1955, 1, 1)), sex="男")])
    f = one(res, "I012")
    assert f.severity == "warning" and "69" in f.message()


# ------------------------------------------------------------------------------------------ N: names
def test_n001_name_missing(tmp_path):
    res = check(tmp_path, "annex2", [annex_row("annex2", 0, name="  ")])
    assert at(res, "N001") == [f"{col_of(res, 'name')}{FIRST}"]


@pytest.mark.parametrize("name", ["张3", "Li Ming", "王A"])
def test_n002_name_latin_or_digit(tmp_path, name):
    res = check(tmp_path, "annex2", [annex_row("annex2", 0, name=name)])
    f = one(res, "N002")
    assert f.severity == "warning" and f.cell == f"{col_of(res, 'name')}{FIRST}"


# ------------------------------------------------------------------------------------------ D: dates
@pytest.mark.parametrize("value,why", [("2024-02-30", "不存在"), ("去年五月", "无法识别"), ("2024/6", "无法识别")])
def test_d001_bad_date(tmp_path, value, why):
    res = check(tmp_path, "annex1", [annex_row("annex1", 0, entry_date=value)])
    f = one(res, "D001")
    assert f.cell == f"{col_of(res, 'entry_date')}{FIRST}" and why in f.message()


def test_d002_date_after_form_date(tmp_path):
    res = check(tmp_path, "annex4", [annex_row("annex4", 0, lost_date=dt.date(2024, 6, 10))])
    f = one(res, "D002")
    assert f.cell == f"{col_of(res, 'lost_date')}{FIRST}" and "2024-06-03" in f.message()


# ------------------------------------------------------------------------------------------ C: certificates
def test_c001_cert_missing(tmp_path):
    res = check(tmp_path, "annex2", [annex_row("annex2", 0, cert=None)])
    assert at(res, "C001") == [f"{col_of(res, 'cert')}{FIRST}"]


@pytest.mark.parametrize("cert", ["3206 0001", "3206-0001", "证3206"])
def test_c002_cert_chars(tmp_path, cert):
    res = check(tmp_path, "annex2", [annex_row("annex2", 0, cert=cert)])
    assert at(res, "C002") == [f"{col_of(res, 'cert')}{FIRST}"]


@pytest.mark.parametrize("cert", [3.20681234567891e17, "3.20681E+17"])
def test_c003_cert_stored_as_number(tmp_path, cert):
    res = check(tmp_path, "annex2", [annex_row("annex2", 0, cert=cert)])
    f = one(res, "C003")
    assert f.cell == f"{col_of(res, 'cert')}{FIRST}" and "文本" in f.hint()


def test_c003_short_numeric_cert_is_fine(tmp_path):
    res = check(tmp_path, "annex2", [annex_row("annex2", 0, cert=32060001)])
    assert "C003" not in codes(res) and res.records()[0].values["cert"] == "32060001"


def test_c004_cert_pattern(tmp_path):
    res = check(tmp_path, "annex2", [annex_row("annex2", 0, cert="ABC123"), annex_row("annex2", 1)],
                opts={"cert_patterns": {"省级": r"\d{12}"}})
    assert at(res, "C004") == [f"{col_of(res, 'cert')}{FIRST}"]


# ------------------------------------------------------------------------------------------ V: values
def test_v001_required_empty(tmp_path):
    res = check(tmp_path, "annex2", [annex_row("annex2", 0, reason=None)])
    f = one(res, "V001")
    assert f.cell == f"{col_of(res, 'reason')}{FIRST}" and "注销原因" in f.message()


def test_v002_not_in_list_with_suggestion(tmp_path):
    res = check(tmp_path, "annex1", [annex_row("annex1", 0, action="录入")])
    f = one(res, "V002")
    assert f.cell == f"{col_of(res, 'action')}{FIRST}" and "录入归集" in f.message()


def test_v002_sex_unknown_value(tmp_path):
    res = check(tmp_path, "annex1", [annex_row("annex1", 0, sex="未知")])
    assert at(res, "V002") == [f"{col_of(res, 'sex')}{FIRST}"]


def test_v003_not_a_number(tmp_path):
    res = check(tmp_path, "survey", [annex_row("survey", 0, hours="很多")])
    f = one(res, "V003")
    assert f.cell == f"{col_of(res, 'hours')}{FIRST}"


# ------------------------------------------------------------------------------------------ U: duplicates
def test_u001_duplicate_id(tmp_path):
    a = annex_row("annex1", 0)
    b = annex_row("annex1", 1, id=a["id"], sex=a["sex"], cert=a["cert"])
    res = check(tmp_path, "annex1", [a, annex_row("annex1", 2), b])
    f = one(res, "U001")
    assert f.cell == f"{col_of(res, 'id')}{FIRST + 2}" and str(FIRST) in f.message()
    assert "U002" not in codes(res)


def test_u001_duplicate_after_normalisation(tmp_path):
    a = annex_row("annex1", 0)
    b = annex_row("annex1", 1, id=" " + a["id"].lower(), sex=a["sex"])
    res = check(tmp_path, "annex1", [a, b])
    assert at(res, "U001") == [f"{col_of(res, 'id')}{FIRST + 1}"]


def test_u002_cert_for_two_ids(tmp_path):
    a = annex_row("annex1", 0)
    b = annex_row("annex1", 1, cert=a["cert"])
    res = check(tmp_path, "annex1", [a, b])
    f = one(res, "U002")
    assert f.cell == f"{col_of(res, 'cert')}{FIRST + 1}" and str(FIRST) in f.message()


# ------------------------------------------------------------------------------------------ A: annexes
def test_a201_annex2_return_reminder(tmp_path):
    res = check(tmp_path, "annex2", [annex_row("annex2", n) for n in range(3)])
    f = one(res, "A201")
    assert f.severity == "info" and "3" in f.message() and f.cell is None


def test_a301_annex3_return_reminder(tmp_path):
    res = check(tmp_path, "annex3", [annex_row("annex3", n) for n in range(2)])
    assert one(res, "A301").severity == "info"


def test_a302_same_unit(tmp_path):
    res = check(tmp_path, "annex3", [annex_row("annex3", 0, unit="启东市城市管理局 ")])
    f = one(res, "A302")
    assert f.cell == f"{col_of(res, 'unit')}{FIRST}" and f.severity == "warning"


def test_a303_new_field_training_short(tmp_path):
    res = check(tmp_path, "annex3", [annex_row("annex3", 0, new_field_hours=12)])
    f = one(res, "A303")
    assert f.cell == f"{col_of(res, 'new_field_hours')}{FIRST}" and "12" in f.message()


def test_annex3_field_required(tmp_path):
    res = check(tmp_path, "annex3", [annex_row("annex3", 0, field=None)])
    assert at(res, "V001") == [f"{col_of(res, 'field')}{FIRST}"]


def test_a401_declaration_missing(tmp_path):
    res = check(tmp_path, "annex4", [annex_row("annex4", 0, declaration="")])
    f = one(res, "A401")
    assert f.cell == f"{col_of(res, 'declaration')}{FIRST}" and f.severity == "error"
    assert "V001" not in codes(res)


def test_a402_attach_proof(tmp_path):
    res = check(tmp_path, "annex4", [annex_row("annex4", 0)])
    assert one(res, "A402").severity == "info"


# ------------------------------------------------------------------------------------------ S: survey
def _survey(tmp_path, people, units=None, **kw):
    rows = {"survey_people": people}
    if units is not None:
        rows["survey_units"] = units
    return check(tmp_path, "survey", rows, **kw)


@pytest.mark.parametrize("pt", ["劳务派遣", "合同制", "执法辅助", "工勤"])
def test_s001_non_staff(tmp_path, pt):
    res = _survey(tmp_path, [annex_row("survey", 0, person_type=pt, colour="红")])
    f = one(res, "S001")
    assert f.cell == f"{col_of(res, 'person_type')}{FIRST}" and pt in f.message()
    assert res.records()[0].colour == "红" and "S007" not in codes(res)


def test_s001_not_when_already_revoked(tmp_path):
    res = _survey(tmp_path, [annex_row("survey", 0, person_type="劳务派遣", opinion="已注销并收回证件", colour="绿")])
    assert "S001" not in codes(res)


def test_s002_left_but_held(tmp_path):
    res = _survey(tmp_path, [annex_row("survey", 0, status="调离", leave_date=dt.date(2024, 6, 1), colour="红")])
    f = one(res, "S002")
    assert f.cell == f"{col_of(res, 'status')}{FIRST}"


def test_s003_old_version(tmp_path):
    res = _survey(tmp_path, [annex_row("survey", 0, version="旧版", colour="红")])
    assert at(res, "S003") == [f"{col_of(res, 'version')}{FIRST}"]


def test_s004_june_survey_is_hours_so_far_not_a_failed_review(tmp_path):
    """Issue 11, as found: a June survey reporting 40 hours so far was told "证件年度审查将不予通过".
    The 60 hours (国办发〔2023〕27号) are for the whole year: before October it is info, the holder 绿."""
    res = _survey(tmp_path, [annex_row("survey", 0, hours=40, colour="绿")])
    f = one(res, "S004")
    assert f.severity == "info" and "60" in f.message() and "40" in f.message() and "20" in f.message()
    assert "不予通过" not in f.message() and "will fail" not in f.message("en")
    assert res.records()[0].colour == "绿" and "S007" not in codes(res)
    assert R.RULES["S004"].source == "柞政司发〔2024〕52号 三.4；国办发〔2023〕27号"


def test_s004_from_october_is_a_warning(tmp_path):
    meta = dict(META, date=dt.date(2024, 10, 8))
    res = _survey(tmp_path, [annex_row("survey", 0, hours=40, colour="黄")], meta=meta)
    f = one(res, "S004")
    assert f.severity == "warning" and "不予通过" in f.message() and res.records()[0].colour == "黄"


def test_s004_configurable_requirement(tmp_path):
    res = _survey(tmp_path, [annex_row("survey", 0, hours=40)], opts={"annual_hours": 40})
    assert "S004" not in codes(res)


def test_s005_new_field_short_in_survey_is_warning(tmp_path):
    res = _survey(tmp_path, [annex_row("survey", 0, new_field_hours=8, colour="黄")])
    f = one(res, "S005")
    assert f.severity == "warning" and f.cell == f"{col_of(res, 'new_field_hours')}{FIRST}"


def test_s006_over_quota_on_unit_sheet(tmp_path):
    people = [annex_row("survey", n) for n in range(5)]
    units = [{"unit": "乾佑街道办事处", "establishment": 4, "posts": 3, "holders": 5, "report_date": FORM_DATE}]
    res = _survey(tmp_path, people, units)
    hits = [f for f in res.findings if f.code == "S006"]
    assert [f.sheet for f in hits] == ["单位", "单位"]
    # 单位 sheet: title row 1, header row 2 (no metadata row), first unit row 3
    assert {f.cell for f in hits} == {f"{col_of(res, 'establishment', 'survey_units')}3",
                                      f"{col_of(res, 'posts', 'survey_units')}3"}
    assert all(f.severity == "error" for f in hits)
    assert all("5" in f.message() for f in hits)


def test_s007_colour_mismatch(tmp_path):
    res = _survey(tmp_path, [annex_row("survey", 0, colour="绿", person_type="劳务派遣"),
                             annex_row("survey", 1, colour="红")])
    hits = [f for f in res.findings if f.code == "S007"]
    assert [f.cell for f in hits] == [f"{col_of(res, 'colour')}{FIRST}", f"{col_of(res, 'colour')}{FIRST + 1}"]
    assert "红" in hits[0].message() and "绿" in hits[1].message()


def test_s008_leave_date_missing(tmp_path):
    res = _survey(tmp_path, [annex_row("survey", 0, status="退休", colour="红")])
    f = one(res, "S008")
    assert f.cell == f"{col_of(res, 'leave_date')}{FIRST}" and "退休" in f.message()


def test_s009_holder_count_differs(tmp_path):
    people = [annex_row("survey", n) for n in range(3)]
    units = [{"unit": "乾佑街道办事处", "establishment": 30, "posts": 10, "holders": 5, "report_date": FORM_DATE}]
    res = _survey(tmp_path, people, units)
    f = one(res, "S009")
    assert f.sheet == "单位" and "5" in f.message() and "3" in f.message()


# ------------------------------------------------------------------------------------------ T: deadlines
def test_t001_loss_reported_late(tmp_path):
    res = check(tmp_path, "annex4", [annex_row("annex4", 0, lost_date=dt.date(2024, 5, 20))])
    f = one(res, "T001")
    assert f.cell == f"{col_of(res, 'lost_date')}{FIRST}" and f.severity == "error"


def test_t001_on_time_across_dragon_boat(tmp_path):
    # lost Thu 2024-06-06; 10 June is the Dragon Boat holiday -> 3rd working day is 12 June
    res = check(tmp_path, "annex4", [annex_row("annex4", 0, lost_date=dt.date(2024, 6, 6))],
                dict(META, date=dt.date(2024, 6, 12)))
    assert "T001" not in codes(res)


def test_t002_change_reported_late(tmp_path):
    res = check(tmp_path, "annex2", [annex_row("annex2", 0, change_date=dt.date(2024, 5, 10))])
    assert at(res, "T002") == [f"{col_of(res, 'change_date')}{FIRST}"]


def test_t003_no_change_date_column(tmp_path):
    res = check(tmp_path, "annex2", [annex_row("annex2", 0)], include_optional=())
    f = one(res, "T003")
    assert f.severity == "info" and f.cell is None and res.errors == 0


def test_t004_left_not_revoked(tmp_path):
    """柞政司发〔2024〕52号: still held after the self-correction phase (06-30, a Sunday: due 07-01)."""
    row = annex_row("survey", 0, status="辞职", leave_date=dt.date(2024, 5, 6), colour="红")
    assert "T004" not in codes(_survey(tmp_path, [row]))  # a June survey: the phase is still running
    res = _survey(tmp_path, [row], meta=dict(META, date=dt.date(2024, 7, 3)))
    assert at(res, "T004") == [f"{col_of(res, 'leave_date')}{FIRST}"] and one(res, "T004").params["late"] == 2


def test_t005_unknown_calendar_year(tmp_path):
    meta = dict(META, date=dt.date(2031, 3, 10))
    res = check(tmp_path, "annex4", [annex_row("annex4", 0, lost_date=dt.date(2031, 3, 3)),
                                     annex_row("annex4", 1, lost_date=dt.date(2031, 3, 4))], meta)
    f = one(res, "T005")
    assert f.severity == "warning" and "2031" in f.message()


# ------------------------------------------------------------------------------------------ config
def test_disabled_rule_is_silent(tmp_path):
    res = check(tmp_path, "annex1", [annex_row("annex1", 0, id=pid(birth=dt.date(1950, 1, 1)))],
                opts={"disabled": frozenset({"I012"})})
    assert "I012" not in codes(res)


@pytest.mark.parametrize("field,typed,suggested", [("legal_qual", "有", "是"), ("legal_qual", "无", "否"),
                                                   ("colour", "红牌", "红"), ("status", "离退休", "退休")])
def test_v002_suggests_the_allowed_value(tmp_path, field, typed, suggested):
    res = check(tmp_path, "survey", [annex_row("survey", 0, **{field: typed})])
    f = next(f for f in res.findings if f.code == "V002")
    assert f.cell == f"{col_of(res, field)}{FIRST}" and f"是否应为“{suggested}”" in f.message()


def test_unreadable_id_makes_a_survey_row_yellow(tmp_path):
    res = check(tmp_path, "survey", [annex_row("survey", 0, id="#REF!", colour="黄")])
    assert res.records()[0].colour == "黄" and "S007" not in codes(res)
