"""find_obligations: exact items and working-days-late figures across the 2024 cleanup campaign.

The forms are real .xlsx files written with certctl.samples.write_form; the calendar is the real 2024
State Council schedule (May Day 05-01..05-05 with makeup days 04-28 and 05-11; Dragon Boat 06-10).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from certctl.config import Config, config_from_dict
from certctl.idcard import make_id
from certctl.overdue import date_in_text, find_obligations, load_forms
from certctl.samples import write_form
from certctl.validate import Options

D = dt.date
A = "示例县交通运输局"  # registry unit, 简称 交通局
B = "示例县乾佑街道办事处"  # registry unit, 简称 乾佑街道
C = "示例县自然资源局"  # registry unit, 是否需报送 否
META = {"reporter": "汪光波", "phone": "13909147170"}


def pid(n: int, male: bool = True) -> str:
    return make_id("610933", D(1975 + n, 1 + n, 1 + n), n * 2 + (1 if male else 0))


P_LOST = {"name": "王伟", "sex": "男", "id": pid(1)}
P_RETIRED = {"name": "李娜", "sex": "女", "id": pid(2, male=False)}
P_STAY = {"name": "张强", "sex": "男", "id": pid(3)}
P_REVOKED = {"name": "刘敏", "sex": "女", "id": pid(4, male=False)}
P_MOVED = {"name": "陈磊", "sex": "男", "id": pid(5)}


def survey_row(p: dict, cert: str, **over) -> dict:
    r = dict(p, reporting_unit="乾佑街道", unit=B, cert=cert, category="省级", version="新版",
             person_type="公务员", status="在岗", hours=64, legal_qual="否", colour="绿")
    r.update(over)
    return r


def build_campaign(root: Path) -> Path:
    """The forms directory used by the overdue and report tests (see the module docstring)."""
    ledger = root / "ledger"
    write_form(ledger / "执法主体清单.xlsx", "registry", [
        {"unit": A, "short": "交通局", "must_report": "是"},
        {"unit": B, "short": "乾佑街道", "must_report": "是"},
        {"unit": C, "short": "自然资源局", "must_report": "否"},
    ])
    # Unit A lost a certificate on 2024-04-30 (before May Day): deadline 2024-05-08, annex 4 filed 05-10.
    # The bureau noted in 备注 that A signed for the reissued card on 05-13: the card had to be entered in
    # the system and filed on annex 1 within 10 working days, by 05-27; it never was.
    write_form(ledger / A / "附件4-补发.xlsx", "annex4", [
        dict(P_LOST, unit=A, cert="61000001", lost_date=D(2024, 4, 30),
             declaration="2024年5月6日 商洛日报登报声明作废", remark="新证于2024年5月13日签收"),
    ], dict(META, unit=A, date=D(2024, 5, 10)))
    # Unit B's survey, sent 2024-06-03: one holder retired on 2024-05-27 (revocation due 05-30, none filed),
    # one left on 2024-06-05 (due 06-11 across Dragon Boat), one revoked already per 处理意见.
    write_form(ledger / B / "摸排统计表.xlsx", "survey", {
        "survey_people": [
            survey_row(P_STAY, "61000002"),
            survey_row(P_RETIRED, "61000003", status="退休", leave_date=D(2024, 5, 27), colour="红"),
            survey_row(P_MOVED, "61000004", status="调离", leave_date=D(2024, 6, 3), colour="红"),
            survey_row(P_REVOKED, "61000005", status="辞职", leave_date=D(2024, 5, 20),
                       opinion="已注销", colour="绿"),
        ],
        "survey_units": [{"unit": B, "establishment": 30, "posts": 20, "holders": 4, "report_date": D(2024, 6, 3)}],
    }, dict(META, unit=B, date=D(2024, 6, 3)))
    # Unit B revoked 刘敏's certificate on annex 2 (变动日期 2024-05-20, filed 05-22) and entered it in
    # the system on annex 1 (注销, 2024-05-24): the system entry is done.
    write_form(ledger / B / "附件2-注销.xlsx", "annex2", [
        dict(P_REVOKED, unit=B, cert="61000005", reason="辞职", destination="辞职", change_date=D(2024, 5, 20)),
    ], dict(META, unit=B, date=D(2024, 5, 22)))
    write_form(ledger / B / "附件1-备案.xlsx", "annex1", [
        dict(P_REVOKED, unit=B, cert="61000005", action="注销", entry_date=D(2024, 5, 24)),
    ], dict(META, unit=B, date=D(2024, 5, 24)))
    # B's training plan arrived 2024-06-04; nobody has sent a cleanup report.
    (ledger / B / "乾佑街道2024年度培训计划-20240604.docx").write_bytes(b"plan")
    return ledger


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    ledger = build_campaign(tmp_path_factory.mktemp("campaign"))
    return load_forms(ledger, Options())


def table(obs, states=None):
    """(kind, state, unit, name, since, deadline, late) of the obligations in the given states."""
    return sorted(
        (o.kind, o.state, o.unit, o.name, o.since, o.deadline, o.late)
        for o in obs if states is None or o.state in states
    )


def test_workspace_reads_every_form(campaign):
    fams = sorted(r.family for r in campaign.results)
    assert fams == ["annex1", "annex2", "annex4", "registry", "survey"]
    assert all(r.read_error is None for r in campaign.results)


def test_before_campaign_date_2024_06_03(campaign):
    obs = find_obligations(campaign, Config(), D(2024, 6, 3))
    assert table(obs, ("overdue",)) == sorted([
        ("new_card_entry", "overdue", A, "王伟", D(2024, 5, 13), D(2024, 5, 27), 5),
    ])
    assert table(obs, ("due_today", "due_soon")) == sorted([
        ("survey", "due_soon", A, "", None, D(2024, 6, 5), 0),
        ("training_plan", "due_soon", A, "", None, D(2024, 6, 5), 0),
        # B's plan is dated 06-04 in its file name: on 06-03 it has not arrived yet
        ("training_plan", "due_soon", B, "", None, D(2024, 6, 5), 0),
    ])
    # what the survey found is due by the end of 自查自纠 (柞政司发〔2024〕52号 二: 06-30, a Sunday -> 07-01),
    # not 3 working days after leaving: that is the Qidong notice's rule, not Zhashui's
    assert [t for t in table(obs, ("open",)) if t[0] == "revocation"] == sorted([
        ("revocation", "open", B, "李娜", D(2024, 5, 27), D(2024, 7, 1), 0),
        ("revocation", "open", B, "陈磊", D(2024, 6, 3), D(2024, 7, 1), 0),
    ])
    soon = {o.kind: o.days_left for o in obs if o.state == "due_soon" and o.unit == A}
    assert soon == {"survey": 2, "training_plan": 2}


def test_on_campaign_date_2024_06_05(campaign):
    obs = find_obligations(campaign, Config(), D(2024, 6, 5))
    assert table(obs, ("overdue",)) == sorted([
        # 05-27 -> 06-05: 28, 29, 30, 31, 6/3, 6/4, 6/5
        ("new_card_entry", "overdue", A, "王伟", D(2024, 5, 13), D(2024, 5, 27), 7),
    ])
    assert table(obs, ("due_today", "due_soon")) == sorted([
        ("survey", "due_today", A, "", None, D(2024, 6, 5), 0),
        ("training_plan", "due_today", A, "", None, D(2024, 6, 5), 0),
    ])


def test_after_campaign_date_across_dragon_boat(campaign):
    # 2024-06-11: 06-10 (Dragon Boat) does not count
    obs = find_obligations(campaign, Config(), D(2024, 6, 11))
    over = {(o.kind, o.unit, o.name): o.late for o in obs if o.state == "overdue"}
    assert over == {
        ("new_card_entry", A, "王伟"): 10,  # 05-27 -> 28..31, 6/3..6/7, 6/11
        ("survey", A, ""): 3,  # 06-05 -> 6/6, 6/7, 6/11
        ("training_plan", A, ""): 3,
    }


def test_around_report_due_2024_07_25(campaign):
    before = find_obligations(campaign, Config(), D(2024, 7, 22))
    assert {(o.unit, o.state, o.days_left) for o in before if o.kind == "cleanup_report"} == {
        (A, "due_soon", 3), (B, "due_soon", 3)}
    on = find_obligations(campaign, Config(), D(2024, 7, 25))
    assert {(o.unit, o.state) for o in on if o.kind == "cleanup_report"} == {(A, "due_today"), (B, "due_today")}
    after = find_obligations(campaign, Config(), D(2024, 7, 29))  # Monday: 7/26, 7/29
    assert {(o.unit, o.state, o.late) for o in after if o.kind == "cleanup_report"} == {
        (A, "overdue", 2), (B, "overdue", 2)}
    # a month earlier it is simply not yet due
    early = find_obligations(campaign, Config(), D(2024, 6, 5))
    assert {o.state for o in early if o.kind == "cleanup_report"} == {"open"}


def test_done_items_and_done_late_are_not_overdue(campaign):
    obs = {(o.kind, o.unit, o.name): o for o in find_obligations(campaign, Config(), D(2024, 6, 5))}
    # loss on 2024-04-30 across May Day: deadline 05-08, annex 4 filed 05-10 -> 2 working days late
    lost = obs[("loss_report", A, "王伟")]
    assert (lost.state, lost.since, lost.deadline, lost.late, lost.done_on) == (
        "done_late", D(2024, 4, 30), D(2024, 5, 8), 2, D(2024, 5, 10))
    # the reissued card's entry runs from the recorded 签收 (05-13), never from the annex 4's filing date
    new = obs[("new_card_entry", A, "王伟")]
    assert (new.state, new.since, new.deadline) == ("overdue", D(2024, 5, 13), D(2024, 5, 27))
    # 刘敏: revocation already done (处理意见 已注销); the card came back with the annex 2 filed 05-22,
    # so the system entry was due 10 working days later (06-05) and the annex 1 注销 of 05-24 was in time
    assert obs[("revocation", B, "刘敏")].state == "done"
    entry = obs[("system_entry", B, "刘敏")]
    assert (entry.state, entry.since, entry.deadline, entry.done_on) == ("done", D(2024, 5, 22), D(2024, 6, 5),
                                                                         D(2024, 5, 24))
    # and the annex 2 itself came 2 working days after she left (05-20 -> 05-22): in time
    assert obs[("change_report", B, "刘敏")].state == "done"
    assert entry.done_by.endswith("!4:4") and "附件1-备案.xlsx" in entry.done_by
    # B sent the survey on 06-03 and the plan on 06-04
    assert obs[("survey", B, "")].state == "done"
    assert obs[("training_plan", B, "")].done_on == D(2024, 6, 4)
    # C does not have to report
    assert not [o for o in obs.values() if o.unit == C]


def test_before_the_form_existed_the_action_had_not_happened(campaign):
    # On 2024-05-09 the annex 4 (filed 05-10) was not there yet: the loss report is overdue by 1.
    obs = find_obligations(campaign, Config(), D(2024, 5, 9))
    assert table(obs, ("overdue",)) == [("loss_report", "overdue", A, "王伟", D(2024, 4, 30), D(2024, 5, 8), 1)]
    # on the deadline day itself it is due today, the day before due soon
    assert table(find_obligations(campaign, Config(), D(2024, 5, 8)), ("due_today",)) == [
        ("loss_report", "due_today", A, "王伟", D(2024, 4, 30), D(2024, 5, 8), 0)]
    # the survey and plan are not overdue before the campaign date, nor anything dated later
    assert [o for o in obs if o.kind == "revocation" and o.state == "overdue"] == []


def test_weekend_after_deadline_counts_one_day_late(campaign):
    # the survey was due Wednesday 06-05; on Saturday 06-08 that is 06-06, 06-07 = 2 working days late,
    # Sunday 06-09 and Monday 06-10 (Dragon Boat) add nothing.
    for day in (D(2024, 6, 8), D(2024, 6, 9), D(2024, 6, 10)):
        obs = find_obligations(campaign, Config(), day)
        assert {o.late for o in obs if o.kind == "survey" and o.unit == A} == {2}


def test_config_changes_the_deadlines(campaign):
    cfg = config_from_dict({"deadlines": {"report_days": 5, "survey_due": "2024-06-07", "due_soon_days": 0},
                            "campaign": {"followup_due": "2024-06-03"}})
    obs = find_obligations(campaign, cfg, D(2024, 6, 5))
    ret = [o for o in obs if o.kind == "revocation" and o.name == "李娜"][0]
    assert (ret.deadline, ret.late) == (D(2024, 6, 3), 2)
    assert {o.state for o in obs if o.kind == "survey" and o.unit == A} == {"open"}


def test_masked_id_and_dict_shape(campaign):
    o = [o for o in find_obligations(campaign, Config(), D(2024, 6, 5)) if o.name == "李娜"][0]
    d = o.to_dict()
    assert d["id"] != P_RETIRED["id"] and d["id"].startswith("610933") and "*" in d["id"]
    assert o.to_dict(show_id=True)["id"] == P_RETIRED["id"]
    assert d["source"] == f"{B}/摸排统计表.xlsx 人员!5:5"
    assert d["owed"] == "退休：办理证件注销（附件2）"
    assert set(d) >= {"unit", "name", "id", "cert", "owed", "since", "deadline", "late", "source", "state"}


def test_survey_known_loss_without_annex4(tmp_path):
    ledger = tmp_path / "ledger"
    write_form(ledger / "摸排.xlsx", "survey", {"survey_people": [
        survey_row(P_STAY, "61000009", remark="证件于2024年6月3日遗失", colour="黄"),
    ]}, dict(META, unit=B, date=D(2024, 6, 4)))
    ws = load_forms(ledger, Options())
    obs = [o for o in find_obligations(ws, Config(), D(2024, 6, 12)) if o.kind == "loss_report"]
    # 06-03 + 3 working days = 06-06; 06-12: 6/7, 6/11, 6/12
    assert [(o.state, o.deadline, o.late) for o in obs] == [("overdue", D(2024, 6, 6), 3)]


def test_moved_holder_discharged_by_annex3(tmp_path):
    ledger = tmp_path / "ledger"
    write_form(ledger / "摸排.xlsx", "survey", {"survey_people": [
        survey_row(P_MOVED, "61000004", status="调离", leave_date=D(2024, 6, 3)),
    ]}, dict(META, unit=B, date=D(2024, 6, 4)))
    write_form(ledger / "附件3.xlsx", "annex3", [
        dict(P_MOVED, orig_unit=B, cert="61000004", reason="调动", unit=A, post="科员", field="交通运输",
             new_field_hours=24, change_date=D(2024, 6, 3)),
    ], dict(META, unit=B, date=D(2024, 6, 5)))
    ws = load_forms(ledger, Options())
    obs = find_obligations(ws, Config(), D(2024, 6, 20))
    rev = [o for o in obs if o.kind == "revocation"]
    assert [(o.state, o.done_on) for o in rev] == [("done", D(2024, 6, 5))]
    # the old card came back with the annex 3 on 06-05: its system entry is due 10 working days later
    # (端午 06-10 off) = 06-20, due today; two working days later it is overdue
    entry = [o for o in obs if o.kind == "system_entry"]
    assert [(o.state, o.since, o.deadline) for o in entry] == [("due_today", D(2024, 6, 5), D(2024, 6, 20))]
    entry = [o for o in find_obligations(ws, Config(), D(2024, 6, 24)) if o.kind == "system_entry"]
    assert [(o.state, o.late) for o in entry] == [("overdue", 2)]


def test_no_registry_means_no_campaign_items(tmp_path):
    ledger = tmp_path / "ledger"
    write_form(ledger / "摸排.xlsx", "survey", {"survey_people": [survey_row(P_STAY, "61000002")]},
               dict(META, unit=B, date=D(2024, 6, 3)))
    assert find_obligations(load_forms(ledger, Options()), Config(), D(2024, 8, 1)) == []


def test_date_in_text():
    assert date_in_text("乾佑街道2024年度培训计划-20240604.docx") == D(2024, 6, 4)
    assert date_in_text("清理工作报告（2024.7.20）.pdf") == D(2024, 7, 20)
    assert date_in_text("证件于2024年6月3日遗失") == D(2024, 6, 3)
    assert date_in_text("培训计划.docx") is None
    assert date_in_text("2024-02-30 报告") is None
