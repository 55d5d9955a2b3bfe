"""Rules that follow the notice they come from (issue 11): rule sets in config, campaigns as config,
clocks from the named event, and the rule corrections — each built the way the case was found.

Every case is real .xlsx written with certctl.samples.write_form (or the shipped examples/ledger), run
through the CLI or the library as a clerk would run it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from certctl import rules as R
from certctl.cli import app
from certctl.config import Config, config_from_dict
from certctl.idcard import make_id
from certctl.overdue import find_obligations, load_forms
from certctl.report import report_paths
from certctl.samples import write_form
from certctl.validate import Options, validate_file

D = dt.date
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "ledger"
QA, QB = "启东市城市管理局", "启东市市场监督管理局"
ZA, ZB = "柞水县交通运输局", "柞水县乾佑街道办事处"
QIDONG_ONLY = '[rulesets]\nenabled = ["qidong2020"]\n'
ZHASHUI_CODES = {c for c, r in R.RULES.items() if r.ruleset == R.ZHASHUI_SET}


def person(n: int, area: str = "320681", male: bool = True) -> dict[str, Any]:
    return {"name": "王李张刘陈杨黄赵"[n % 8] + "伟芳娜敏静强磊军"[n % 8], "sex": "男" if male else "女",
            "id": make_id(area, D(1970 + n, 1 + n % 12, 1 + n % 28), n * 2 + (1 if male else 0))}


def meta(unit: str, date: dt.date | None) -> dict[str, Any]:
    return {"unit": unit, "reporter": "张三", "phone": "0513-83123456", "date": date}


def survey_row(p: dict, cert: str, unit: str = ZB, **kw: Any) -> dict:
    row = {**p, "reporting_unit": unit, "unit": unit, "cert": cert, "category": "省级", "version": "新版",
           "person_type": "公务员", "status": "在岗", "hours": 64, "legal_qual": "否", "colour": "绿"}
    row.update(kw)
    return row


def za_revocation(root: Path, p: dict, cert: str, left: dt.date) -> None:
    """柞水县交通运输局's annex 2 for ``p`` (moved away on ``left``), filed 2024-05-28."""
    write_form(root / ZA / "附件2.xlsx", "annex2", [
        {**p, "unit": ZA, "cert": cert, "reason": "调离", "destination": "县政府办", "change_date": left},
    ], meta(ZA, D(2024, 5, 28)))


def overdue_json(root: Path, day: str, *extra: str) -> tuple[int, dict[str, Any]]:
    res = CliRunner().invoke(app, ["overdue", "--dir", str(root), "--as-of", day, "--format", "json", "--no-cache",
                                   *extra])
    assert res.exit_code in (0, 1), res.output
    return res.exit_code, json.loads(res.stdout)


def merged_codes(root: Path, tmp: Path, day: str, *extra: str) -> list[tuple[str, str, str]]:
    out = tmp / f"台账-{day}.xlsx"
    res = CliRunner().invoke(app, ["merge", str(root), "-o", str(out), "--as-of", day, "--no-cache", "-q", *extra])
    assert res.exit_code in (0, 1), res.output
    ws = openpyxl.load_workbook(out)["问题清单"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    return [(r[head.index("代码")], r[head.index("文件")], r[head.index("问题")]) for r in rows[1:] if r[0]]


# ------------------------------------------------------------------------------ 1. rule sets
def test_shipped_ledger_after_the_campaign_exits_0_and_the_report_lists_what_never_arrived(tmp_path: Path) -> None:
    """As found: `overdue --as-of 2025-06-03` listed the 2024 campaign's items 245 days late, every day."""
    code, doc = overdue_json(EXAMPLES, "2025-06-03")
    assert code == 0 and doc["overdue"] == [] and doc["counts"]["overdue"] == 0
    assert doc["counts"]["closed"] >= 3  # still known, no longer daily
    res = CliRunner().invoke(app, ["report", "--dir", str(EXAMPLES), "--as-of", "2025-06-03", "--out",
                                   str(tmp_path / "r"), "-q"])
    assert res.exit_code == 0, res.output
    text = report_paths(tmp_path / "r", D(2025, 6, 3))[1].read_text(encoding="utf-8")
    summary = text.split("专项工作结束小结", 1)[1]
    assert "柞政司发〔2024〕52号）已于 2024-07-31 结束" in summary
    assert "柞水县自然资源局\n   应办事项：报送专项清理工作摸排统计表" in summary
    assert "启东" not in summary  # a Jiangsu unit never owed the Shaanxi campaign
    wb = openpyxl.load_workbook(report_paths(tmp_path / "r", D(2025, 6, 3))[0])
    assert "专项工作结束小结" in wb.sheetnames


def test_during_the_campaign_only_bound_units_owe_its_deliverables() -> None:
    """As found: 启东市城市管理局 was listed as owing the Zhashui survey."""
    code, doc = overdue_json(EXAMPLES, "2024-06-06")
    owing = {o["unit"] for o in doc["overdue"] if o["kind"] in ("survey", "training_plan", "cleanup_report")}
    assert owing and all(u.startswith("柞水县") for u in owing), owing
    assert code == 1


def test_only_the_qidong_set_on_the_shipped_ledger_shows_no_zhashui_item(tmp_path: Path) -> None:
    cfg = tmp_path / "certctl.toml"
    cfg.write_text(QIDONG_ONLY, encoding="utf-8")
    for day in ("2024-06-06", "2024-07-02", "2025-06-03"):
        _, doc = overdue_json(EXAMPLES, day, "--config", str(cfg))
        items = doc["overdue"] + doc["due_soon"]
        assert not [o for o in items if o["rule_set"] != "qidong2020"], items
        assert doc["counts"]["closed"] == 0
    codes = merged_codes(EXAMPLES, tmp_path, "2024-06-06", "--config", str(cfg))
    assert not {c for c, _, _ in codes} & ZHASHUI_CODES, codes
    # with both sets (the shipped default) the survey's findings are there
    both = {c for c, _, _ in merged_codes(EXAMPLES, tmp_path, "2024-06-06")}
    assert "S002" in both and "X001" in both


def test_a_zhashui_unit_is_never_judged_by_the_qidong_notice(tmp_path: Path) -> None:
    """A Shaanxi unit's annex 2: no 交还市司法局 reminder (A201), no 10-working-day Jiangsu system entry."""
    root = tmp_path / "forms"
    za_revocation(root, person(1, "610933"), "SX0001", D(2024, 5, 24))
    opts = Options.from_config(Config())
    assert "A201" not in {f.code for f in validate_file(root / ZA / "附件2.xlsx", opts).findings}
    obs = find_obligations(load_forms(root, opts), Config(), D(2024, 12, 31))
    assert [o.kind for o in obs] == []
    # the same form from a Jiangsu unit owes both
    write_form(root / QA / "附件2.xlsx", "annex2", [
        {**person(2), "unit": QA, "cert": "QD0002", "reason": "退休", "destination": "退休",
         "change_date": D(2024, 5, 24)},
    ], meta(QA, D(2024, 5, 28)))
    assert "A201" in {f.code for f in validate_file(root / QA / "附件2.xlsx", opts).findings}
    kinds = sorted(o.kind for o in find_obligations(load_forms(root, opts), Config(), D(2024, 12, 31)))
    assert kinds == ["change_report", "system_entry"]


def test_config_rejects_an_unknown_rule_set() -> None:
    from certctl.config import ConfigError

    with pytest.raises(ConfigError) as e:
        config_from_dict({"rulesets": {"enabled": ["jiangsu"]}})
    assert "rulesets.enabled[0]" in str(e.value) and "qidong2020" in str(e.value)


# ------------------------------------------------------------------------------ 2. campaign as config
def test_a_survey_is_credited_only_to_the_unit_that_sent_it(tmp_path: Path) -> None:
    """As found: a unit was credited with the survey because someone else's survey listed its holder."""
    root = tmp_path / "forms"
    write_form(root / "参考名单" / "执法主体清单.xlsx", "registry",
               [{"unit": u, "short": u[3:7], "must_report": "是"} for u in (ZA, ZB)])
    write_form(root / ZB / "摸排统计表.xlsx", "survey", {"survey_people": [
        survey_row(person(3, "610933"), "SX0003", unit=ZB),
        {**survey_row(person(4, "610933"), "SX0004", unit=ZA), "reporting_unit": ZB},  # A's holder, in B's file
    ]}, meta(ZB, D(2024, 6, 3)))
    _, doc = overdue_json(root, "2024-06-06")
    owing = sorted((o["unit"], o["kind"]) for o in doc["overdue"] if o["kind"] == "survey")
    assert owing == [(ZA, "survey")]


def test_next_years_campaign_is_a_config_entry(tmp_path: Path) -> None:
    root = tmp_path / "forms"
    write_form(root / "参考名单" / "执法主体清单.xlsx", "registry",
               [{"unit": u, "short": u[3:7], "must_report": "是"} for u in (ZA, "柞水县林业局")])
    cfg = tmp_path / "certctl.toml"
    cfg.write_text('[campaign]\nkey = "zs2025"\nname = "2025年证件清理"\nunits = ["柞水县交通*"]\n'
                   'start = 2025-05-01\nend = 2025-07-31\nfollowup_due = 2025-06-30\n'
                   'deliverables = [{ kind = "survey", due = 2025-06-06 }]\n', encoding="utf-8")
    code, doc = overdue_json(root, "2025-06-09", "--config", str(cfg))
    assert code == 1
    assert [(o["unit"], o["kind"], o["deadline"]) for o in doc["overdue"]] == [(ZA, "survey", "2025-06-06")]
    code, doc = overdue_json(root, "2025-08-01", "--config", str(cfg))
    assert code == 0 and doc["counts"]["closed"] == 1


# ------------------------------------------------------------------------------ 3. clocks from the named event
def test_survey_red_holders_owe_revocation_by_the_end_of_self_correction(tmp_path: Path) -> None:
    """As found: non-staff and old-version holders found by the survey never got a deadline."""
    root = tmp_path / "forms"
    staff = person(5, "610933")
    old = person(6, "610933")
    write_form(root / ZB / "摸排统计表.xlsx", "survey", {"survey_people": [
        survey_row(staff, "SX0005", person_type="劳务派遣", colour="红"),
        survey_row(old, "SX0006", version="旧版", colour="红"),
    ]}, meta(ZB, D(2024, 6, 3)))
    obs = {o.cert: o for o in find_obligations(load_forms(root, Options()), Config(), D(2024, 7, 2))}
    # 2024-06-30 is a Sunday: due 07-01, overdue from 07-02 (民法典 203)
    assert (obs["SX0005"].kind, obs["SX0005"].deadline, obs["SX0005"].state, obs["SX0005"].late) == (
        "revocation", D(2024, 7, 1), "overdue", 1)
    assert obs["SX0005"].basis.startswith("柞政司发〔2024〕52号 二")
    assert obs["SX0006"].owed.startswith("旧版证件：办理换证或注销")
    # the annex 2 for the non-staff holder's certificate closes it
    write_form(root / ZB / "附件2.xlsx", "annex2", [
        {**staff, "unit": ZB, "cert": "SX0005", "reason": "非在编人员", "destination": "原单位"},
    ], meta(ZB, D(2024, 6, 20)))
    obs = {o.cert: o for o in find_obligations(load_forms(root, Options()), Config(), D(2024, 7, 2))}
    assert obs["SX0005"].state == "done" and obs["SX0006"].state == "overdue"


def test_recovered_card_clock_starts_at_the_annex_filing_not_the_leaving_date(tmp_path: Path) -> None:
    root = tmp_path / "forms"
    write_form(root / QA / "附件2.xlsx", "annex2", [
        {**person(7), "unit": QA, "cert": "QD0007", "reason": "退休", "destination": "退休",
         "change_date": D(2024, 5, 6)},
    ], meta(QA, D(2024, 5, 9)))
    obs = {o.kind: o for o in find_obligations(load_forms(root, Options()), Config(), D(2024, 5, 20))}
    entry = obs["system_entry"]
    # 10 working days from the filing 05-09 (Saturday 05-11 is a makeup working day): 05-22
    assert (entry.since, entry.deadline) == (D(2024, 5, 9), D(2024, 5, 22))


def test_new_card_signed_for_from_the_sign_date_column_else_not_checkable(tmp_path: Path) -> None:
    root = tmp_path / "forms"
    p, q = person(8), person(9)
    write_form(root / QB / "附件3.xlsx", "annex3", [
        {**p, "orig_unit": QA, "cert": "QD0008", "reason": "调动", "unit": QB, "post": "科员", "field": "市场监管",
         "sign_date": D(2024, 6, 12)},
        {**q, "orig_unit": QA, "cert": "QD0009", "reason": "调动", "unit": QB, "post": "科员", "field": "市场监管"},
    ], meta(QB, D(2024, 6, 4)), include_optional=("sign_date",))
    assert "D002" not in {f.code for f in validate_file(root / QB / "附件3.xlsx", Options()).findings}
    obs = {(o.kind, o.cert): o for o in find_obligations(load_forms(root, Options()), Config(), D(2024, 6, 20))}
    signed = obs[("new_card_entry", "QD0008")]
    assert (signed.since, signed.deadline) == (D(2024, 6, 12), D(2024, 6, 26))  # 13,14,17..21,24,25,26
    assert obs[("new_card_entry", "QD0009")].state == "not_checkable"


# ------------------------------------------------------------------------------ 4. rule corrections
def _dual_case(root: Path, survey_unit: str) -> None:
    p = person(10, "610933" if survey_unit.startswith("柞水") else "320681")
    write_form(root / "参考名单" / "国家部委名单.xlsx", "national", [{**p, "cert": "GA0010", "issuer": "公安部"}])
    if survey_unit.startswith("柞水"):
        write_form(root / survey_unit / "摸排统计表.xlsx", "survey",
                   {"survey_people": [survey_row(p, "SX0010", unit=survey_unit)]}, meta(survey_unit, D(2024, 6, 3)))
    else:
        write_form(root / survey_unit / "附件1.xlsx", "annex1", [
            {**p, "unit": survey_unit, "cert": "QD0010", "action": "录入归集", "entry_date": D(2024, 3, 18)},
        ], meta(survey_unit, D(2024, 3, 20)))


def test_x001_says_revoke_the_jiangsu_card_and_only_for_jiangsu_cards(tmp_path: Path) -> None:
    """As found: X001 said "请注销其一" (a county cannot revoke a ministry card) and fired on Shaanxi rows."""
    _dual_case(tmp_path / "js", QA)
    codes = merged_codes(tmp_path / "js", tmp_path, "2024-06-05")
    (msg,) = [m for c, _, m in codes if c == "X001"]
    assert "《江苏省行政执法证》QD0010" in msg and "GA0010" in msg
    hint = R.RULES["X001"].hint_zh
    assert "注销其一" not in hint and "江苏省证件" in hint and "不在本级注销" in hint
    assert R.RULES["X001"].source == "启依法办发〔2020〕15号 二" and R.RULES["X001"].ruleset == R.QIDONG_SET
    _dual_case(tmp_path / "sx", ZB)
    assert "X001" not in {c for c, _, _ in merged_codes(tmp_path / "sx", tmp_path, "2024-06-05")}


@pytest.mark.parametrize("reason", ["岗位调整", "岗位调动", "旧版换新版", ""])
def test_a302_not_on_a_change_of_post_inside_the_unit(tmp_path: Path, reason: str) -> None:
    """As found: A302 warned on every annex 3 row with the same unit, even with 换证原因 岗位调整."""
    path = tmp_path / "附件3.xlsx"
    write_form(path, "annex3", [{**person(11), "orig_unit": QA, "cert": "QD0011", "reason": reason, "unit": QA,
                                 "post": "执法队员", "field": "城市管理"}], meta(QA, D(2024, 6, 4)))
    assert "A302" not in {f.code for f in validate_file(path, Options.from_config(Config())).findings}


def test_a302_on_a_move_to_another_unit_that_names_the_same_unit(tmp_path: Path) -> None:
    path = tmp_path / "附件3.xlsx"
    write_form(path, "annex3", [{**person(12), "orig_unit": QA, "cert": "QD0012", "reason": "调动", "unit": QA,
                                 "post": "执法队员", "field": "城市管理"}], meta(QA, D(2024, 6, 4)))
    (f,) = [f for f in validate_file(path, Options.from_config(Config())).findings if f.code == "A302"]
    assert "调动" in f.message() and "岗位调动" in f.hint()


def test_the_20_hour_rule_is_zhashui_only(tmp_path: Path) -> None:
    """As found: A303 (柞政司发〔2024〕52号 三.3) fired on a Qidong annex 3."""
    rows = lambda unit: [{**person(13), "orig_unit": unit, "cert": "X0013", "reason": "调动", "unit": unit + "x",  # noqa: E731
                          "post": "科员", "field": "交通", "new_field_hours": 12}]
    opts = Options.from_config(Config())
    write_form(tmp_path / "qd.xlsx", "annex3", rows(QA), meta(QA, D(2024, 6, 4)))
    write_form(tmp_path / "zs.xlsx", "annex3", rows(ZA), meta(ZA, D(2024, 6, 4)))
    assert "A303" not in {f.code for f in validate_file(tmp_path / "qd.xlsx", opts).findings}
    assert "A303" in {f.code for f in validate_file(tmp_path / "zs.xlsx", opts).findings}


def test_the_3_working_day_rule_is_not_applied_to_zhashui_leavers(tmp_path: Path) -> None:
    """As found: T004 counted Qidong's 3 working days on a Zhashui survey; 三.3 says 及时 and the
    self-correction phase runs to 6月30日."""
    p = person(14, "610933")
    rows = {"survey_people": [survey_row(p, "SX0014", status="退休", leave_date=D(2024, 5, 15), colour="红")]}
    write_form(tmp_path / "june.xlsx", "survey", rows, meta(ZB, D(2024, 6, 3)))
    write_form(tmp_path / "july.xlsx", "survey", rows, meta(ZB, D(2024, 7, 3)))
    opts = Options.from_config(Config())
    june = {f.code for f in validate_file(tmp_path / "june.xlsx", opts).findings}
    assert "S002" in june and "T004" not in june
    (t004,) = [f for f in validate_file(tmp_path / "july.xlsx", opts).findings if f.code == "T004"]
    assert "2024-07-01" in t004.message() and "自查自纠" in t004.message() and "3 个工作日" not in t004.message()
    assert R.RULES["T004"].source.startswith("柞政司发〔2024〕52号")


def test_x004_names_the_revocation_filing_not_the_leaving_date(tmp_path: Path) -> None:
    """As found: X004 said "已于 2024-05-20 注销" where 05-20 was the day the holder left."""
    root = tmp_path / "forms"
    p = person(15, "610933")
    za_revocation(root, p, "SX0015", D(2024, 5, 20))
    write_form(root / ZB / "摸排统计表.xlsx", "survey", {"survey_people": [survey_row(p, "SX0015", unit=ZA)]},
               meta(ZB, D(2024, 6, 3)))
    (msg,) = [m for c, _, m in merged_codes(root, tmp_path, "2024-06-05") if c == "X004"]
    assert "2024-05-28" in msg and "2024-05-20" not in msg and "报送" in msg


@pytest.mark.parametrize("value, expected", [("在职", "在岗"), ("男性", "男"), ("岗位调整", "岗位调动")])
def test_synonyms_never_reverse_the_meaning(tmp_path: Path, value: str, expected: str) -> None:
    """As found: 在岗状态 "在职" was answered "是否应为“辞职”？" — the opposite meaning."""
    from certctl.forms import canonical

    assert canonical(value) == expected
    p = person(16, "610933")
    row = survey_row(p, "SX0016")
    if value == "在职":
        row["status"] = value
    elif value == "男性":
        row["sex"] = value
    else:
        return
    write_form(tmp_path / "s.xlsx", "survey", {"survey_people": [row]}, meta(ZB, D(2024, 6, 3)))
    res = validate_file(tmp_path / "s.xlsx", Options.from_config(Config()))
    v002 = [f for f in res.findings if f.code == "V002"]
    assert v002 == [] or all("辞职" not in f.message() for f in v002)
    assert res.records("survey_people")[0].values["status" if value == "在职" else "sex"] == expected


def test_annotated_copy_lists_the_basis_of_each_problem(tmp_path: Path) -> None:
    """The 问题清单 sent back to the unit says where each rule comes from: document number and clause."""
    src = tmp_path / "附件3.xlsx"
    write_form(src, "annex3", [{**person(17), "orig_unit": QA, "cert": "QD0017", "reason": "调动", "unit": QA,
                                "post": "科员", "field": "城市管理"}], meta(QA, D(2024, 6, 4)))
    out = tmp_path / "退回.xlsx"
    res = CliRunner().invoke(app, ["validate", str(src), "--annotate", str(out)])
    assert res.exit_code in (0, 1), res.output
    rows = [r for r in openpyxl.load_workbook(out)["问题清单"].iter_rows(values_only=True)]
    head = next(r for r in rows if r and r[0] == "序号")
    basis = {r[head.index("代码")]: r[head.index("依据")] for r in rows[rows.index(head) + 1:] if r and r[0]}
    assert basis["A302"] == "启依法办发〔2020〕15号 二" and basis["A301"].startswith("启依法办发〔2020〕15号 二")
