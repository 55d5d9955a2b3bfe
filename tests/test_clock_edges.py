"""The clocks at their edges, built from the notices' clauses (启依法办发〔2020〕15号 一、二; 柞政司发〔2024〕52号
二、三.2、三.3), each as real .xlsx forms run through `certctl overdue --as-of` on each side of the deadline.

As found (red team of the deadlines): an annex 1 注销 of *another* certificate of the same person — an
older card revoked years before, or a second card — discharged the system entry that 一 asks for the
card recovered now ("各单位在…证件被收回…情形发生后 10 个工作日内…注销").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from certctl.config import Config
from certctl.overdue import find_obligations, load_forms
from certctl.samples import write_form
from certctl.validate import Options, validate_file

from test_rulesets import QA, ZA, ZB, meta, overdue_json, person, survey_row

D = dt.date


def _entry(doc: dict, cert: str) -> dict:
    items = [o for k in ("overdue", "due_soon", "done", "open") for o in doc.get(k, ()) if o["cert"] == cert
             and o["kind"] == "system_entry"]
    return items[0] if items else {}


def _revoked_2024(root: Path, p: dict) -> None:
    """QD0001 recovered with an annex 2 filed Thursday 2024-05-09: its 注销 in the system is due 10 working
    days later, 05-22 (Saturday 05-11 is a 调休 working day)."""
    write_form(root / QA / "附件2.xlsx", "annex2", [
        {**p, "unit": QA, "cert": "QD0001", "reason": "退休", "destination": "退休", "change_date": D(2024, 5, 6)},
    ], meta(QA, D(2024, 5, 9)))


def test_an_older_card_revoked_years_before_does_not_discharge_this_cards_entry(tmp_path: Path) -> None:
    root = tmp_path / "forms"
    p = person(1)
    write_form(root / QA / "附件1-2021.xlsx", "annex1", [
        {**p, "unit": QA, "cert": "QD0001OLD", "action": "注销", "entry_date": D(2021, 3, 1)},
    ], meta(QA, D(2021, 3, 2)))
    _revoked_2024(root, p)
    code, doc = overdue_json(root, "2024-05-22")
    assert (code, doc["due_soon"][0]["kind"], doc["due_soon"][0]["deadline"]) == (0, "system_entry", "2024-05-22")
    code, doc = overdue_json(root, "2024-05-23")
    item = _entry(doc, "QD0001")
    assert (code, item.get("state"), item.get("late"), item.get("done_on")) == (1, "overdue", 1, None)


def test_a_second_card_of_the_same_person_revoked_does_not_discharge_the_first(tmp_path: Path) -> None:
    root = tmp_path / "forms"
    p = person(1)
    write_form(root / QA / "附件1-2023.xlsx", "annex1", [
        {**p, "unit": QA, "cert": "QD0001", "action": "录入归集", "entry_date": D(2023, 3, 1)},
        {**p, "unit": QA, "cert": "QD0101", "action": "录入归集", "entry_date": D(2023, 3, 1)},
    ], meta(QA, D(2023, 3, 2)))
    write_form(root / QA / "附件1-2024.xlsx", "annex1", [
        {**p, "unit": QA, "cert": "QD0101", "action": "注销", "entry_date": D(2024, 5, 10)},
    ], meta(QA, D(2024, 5, 10)))
    _revoked_2024(root, p)
    code, doc = overdue_json(root, "2024-05-23")
    item = _entry(doc, "QD0001")
    assert (code, item.get("state"), item.get("done_by")) == (1, "overdue", "")
    # its own 注销, with a number mistyped (a number no other row names), still discharges it
    write_form(root / QA / "附件1-2024b.xlsx", "annex1", [
        {**p, "unit": QA, "cert": "QD00O1", "action": "注销", "entry_date": D(2024, 5, 13)},
    ], meta(QA, D(2024, 5, 13)))
    code, doc = overdue_json(root, "2024-05-23")
    assert (code, _entry(doc, "QD0001")) == (0, {})
    (done,) = [o for o in find_obligations(load_forms(root, Options()), Config(), D(2024, 5, 23))
               if o.kind == "system_entry"]
    assert (done.state, done.done_on) == ("done", D(2024, 5, 13))


# ------------------------------------------------------------------ a deadline on the Friday before a holiday
def _loss(root: Path, filed: dt.date) -> Path:
    """Lost Tuesday 2024-06-04: annex 4 due within 3 working days (启依法办发〔2020〕15号 二), Friday 06-07;
    Saturday 06-08 to Monday 06-10 (端午) are off."""
    path = root / QA / f"附件4-{filed.isoformat()}.xlsx"
    write_form(path, "annex4", [{**person(2), "unit": QA, "cert": "QD0002", "lost_date": D(2024, 6, 4),
                                 "declaration": "2024-06-05 启东日报登报声明作废"}], meta(QA, filed))
    return path


def test_filed_on_the_day_off_after_the_deadline_is_late_as_overdue_said_that_day(tmp_path: Path) -> None:
    """As found: on Saturday 06-08 `overdue` listed the loss 1 working day late (exit 1), yet the annex 4
    dated that Saturday was "done" in time and validate said nothing: one fact, two answers."""
    root = tmp_path / "forms"
    (root / QA).mkdir(parents=True)
    path = _loss(tmp_path / "pending", D(2024, 6, 7))  # the same loss filed on the deadline day: on time
    assert "T001" not in {f.code for f in validate_file(path, Options()).findings}
    path = _loss(root, D(2024, 6, 8))
    (t001,) = [f for f in validate_file(path, Options()).findings if f.code == "T001"]
    assert "2024-06-07（含当日）" in t001.message() and "逾期 1 个工作日" in t001.message()
    (ob,) = [o for o in find_obligations(load_forms(root, Options()), Config(), D(2024, 6, 12))
             if o.kind == "loss_report"]
    assert (ob.state, ob.late, ob.deadline) == ("done_late", 1, D(2024, 6, 7))


def test_the_survey_finds_an_old_card_and_the_annex_2_revokes_the_persons_other_card(tmp_path: Path) -> None:
    """柞政司发〔2024〕52号 三.2 四是: an old-version card still held is replaced or revoked by the end of 自查自纠
    (6月30日, a Sunday: 07-01). The unit's annex 2 revokes the holder's *other* card: the old one is still owed."""
    root = tmp_path / "forms"
    p = person(25, "610933")
    write_form(root / ZB / "摸排统计表.xlsx", "survey", {"survey_people": [
        survey_row(p, "SX0060", version="旧版", colour="红"),
        survey_row(p, "SX0160"),
    ]}, meta(ZB, D(2024, 6, 3)))
    write_form(root / ZB / "附件2.xlsx", "annex2", [
        {**p, "unit": ZB, "cert": "SX0160", "reason": "其他", "destination": "本单位"},
    ], meta(ZB, D(2024, 6, 20)))
    code, doc = overdue_json(root, "2024-07-01")
    assert [(o["cert"], o["state"]) for o in doc["due_soon"] if o["kind"] == "revocation"] == [("SX0060", "due_today")]
    code, doc = overdue_json(root, "2024-07-02")
    assert [(o["cert"], o["late"]) for o in doc["overdue"] if o["kind"] == "revocation"] == [("SX0060", 1)]
    assert code == 1


def test_a_campaign_deliverable_due_on_a_saturday_is_due_the_next_working_day(tmp_path: Path) -> None:
    """As found: next year's campaign configured with its survey due Saturday 2025-06-07 listed every bound
    unit 1 working day late on Monday 06-09; a calendar date that falls on a day off moves to the next
    working day (民法典 203), as the self-correction phase's 6月30日 already did."""
    root = tmp_path / "forms"
    write_form(root / "参考名单" / "执法主体清单.xlsx", "registry", [{"unit": ZA, "short": "交通", "must_report": "是"}])
    cfg = tmp_path / "certctl.toml"
    cfg.write_text('[campaign]\nkey = "zs2025"\nname = "2025年证件清理"\nstart = 2025-05-01\nend = 2025-07-31\n'
                   'followup_due = 2025-06-30\ndeliverables = [{ kind = "survey", due = 2025-06-07 }]\n',
                   encoding="utf-8")
    code, doc = overdue_json(root, "2025-06-09", "--config", str(cfg))
    assert (code, [(o["kind"], o["state"], o["deadline"]) for o in doc["due_soon"]]) == (
        0, [("survey", "due_today", "2025-06-09")])
    code, doc = overdue_json(root, "2025-06-10", "--config", str(cfg))
    assert (code, [(o["kind"], o["late"]) for o in doc["overdue"]]) == (1, [("survey", 1)])


def test_a_holder_found_by_the_june_and_the_july_survey_owes_one_revocation(tmp_path: Path) -> None:
    """As found: a non-staff holder (柞政司发〔2024〕52号 三.2 一是) on the 6月 survey and again on the unit's
    7月 自查自纠 survey was listed overdue twice — "逾期 2 项" for one card to revoke. The first survey that
    finds the holder starts the clock; the later one adds no second item."""
    root = tmp_path / "forms"
    p = person(22, "610933")
    write_form(root / ZB / "摸排统计表-6月.xlsx", "survey", {"survey_people": [
        survey_row(p, "SX0022", person_type="劳务派遣", colour="红", hours=30)]}, meta(ZB, D(2024, 6, 3)))
    write_form(root / ZB / "自查自纠-7月摸排统计表.xlsx", "survey", {"survey_people": [
        survey_row(p, "SX0022", person_type="劳务派遣", colour="红", hours=40)]}, meta(ZB, D(2024, 7, 15)))
    code, doc = overdue_json(root, "2024-07-16")
    assert [(o["kind"], o["cert"], o["late"]) for o in doc["overdue"]] == [("revocation", "SX0022", 11)]
    assert doc["overdue"][0]["source"].startswith(f"{ZB}/摸排统计表-6月.xlsx")
    assert (code, doc["counts"]["overdue"]) == (1, 1)


def test_a_loss_written_in_two_surveys_is_one_annex_4_owed(tmp_path: Path) -> None:
    """启依法办发〔2020〕15号 二: a lost card is reported within 3 working days; a loss a Jiangsu unit writes in
    the 备注 of two surveys is one annex 4 owed, not two."""
    root = tmp_path / "forms"
    p = person(23)
    for name, day in (("摸排统计表-6月.xlsx", D(2024, 6, 3)), ("摸排统计表-7月.xlsx", D(2024, 7, 15))):
        write_form(root / QA / name, "survey", {"survey_people": [
            survey_row(p, "QD0023", unit=QA, remark="2024年5月28日遗失，已登报声明")]}, meta(QA, day))
    code, doc = overdue_json(root, "2024-07-16")
    assert [(o["kind"], o["cert"], o["deadline"]) for o in doc["overdue"]] == [("loss_report", "QD0023", "2024-05-31")]
