"""On examples/ledger every figure of the cleanup statistics and the draft summary equals a count made here
independently, straight from the forms with openpyxl (never through certctl's reader or model)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest

from certctl.config import Config
from certctl.deliverables import CATEGORIES, cleanup_statistics
from certctl.deliverables.summary import render_summary
from certctl.model import build_model
from certctl.overdue import load_forms
from certctl.validate import Options

ROOT = Path(__file__).resolve().parents[1] / "examples" / "ledger"
DAY = dt.date(2024, 7, 31)  # every survey deadline has passed (leaving + 3 working days, 2024-06-30), not 12-31
NON_STAFF = {"劳务派遣", "合同制", "执法辅助", "工勤"}


def _date(v):
    return v.date() if isinstance(v, dt.datetime) else v


def _sheets():
    """(file, sheet title, 填报时间, header -> column index, data rows) of every sheet under ROOT."""
    for path in sorted(ROOT.rglob("*.xlsx")):
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            head = next(i for i, r in enumerate(rows) if r and r[0] in ("序号", "单位全称"))
            cols = {str(h): i for i, h in enumerate(rows[head]) if h}
            filed = next((_date(next(x for x in r[i + 1:] if x is not None)) for r in rows[:head]
                          for i, v in enumerate(r) if v == "填报时间："), None)
            data = [r for r in rows[head + 1:] if any(v not in (None, "") for v in r[1:]) and "注：" not in str(r[0])]
            yield path, ws.title, filed, cols, data


def independent_counts():
    """What a clerk would count by hand from the forms."""
    survey, units, revoked, registry, surveys_sent = [], {}, set(), [], {}
    state: dict[str, list] = {}  # cert -> [id, unit, revoked]
    changes = []
    for path, title, filed, cols, data in _sheets():
        col = lambda r, name: r[cols[name]] if name in cols else None  # noqa: E731
        if "是否需报送" in cols:
            # the campaign binds the units that must report and that the Zhashui notice binds (柞水, SPEC 6)
            registry += [col(r, "单位全称") for r in data if col(r, "是否需报送") == "是" and "柞水" in col(r, "单位全称")]
        elif "机构编制数" in cols:
            units.update({col(r, "单位全称"): r for r in data})
            unit_cols = cols
        elif "人员身份" in cols:
            surveys_sent[path.parent.name] = filed
            for r in data:
                survey.append({k: col(r, k) for k in cols})
                changes.append((filed, 3, col(r, "证件号码"), col(r, "身份证号码"), col(r, "执法主体全称"), False))
        elif "注销原因" in cols:
            for r in data:
                revoked.add(col(r, "原行政执法（监督）证件号码"))
                changes.append((filed, 1, col(r, "原行政执法（监督）证件号码"), col(r, "身份证号码"), None, True))
        elif "换证原因" in cols:
            for r in data:
                revoked.add(col(r, "原行政执法（监督）证件号码"))  # replaced: resolved too
                changes.append((filed, 1, col(r, "原行政执法（监督）证件号码"), col(r, "身份证号码"),
                                col(r, "现所属主体（受委托组织）全称"), False))
        elif "数据录入归集、注销、修改情况" in cols:
            for r in data:
                gone = col(r, "数据录入归集、注销、修改情况") == "注销"
                if gone:
                    revoked.add(col(r, "行政执法（监督）证件号码"))
                changes.append((_date(col(r, "数据录入时间")), 0, col(r, "行政执法（监督）证件号码"),
                                col(r, "身份证号码"), col(r, "所属主体（受委托组织）全称"), gone))
        elif "证件遗失时间" in cols:
            for r in data:
                changes.append((filed, 1, col(r, "行政执法（监督）证件号码"), col(r, "身份证号码"), None, False))
    for _, _, cert, pid, unit, gone in sorted(changes, key=lambda c: (c[0], c[1])):
        s = state.setdefault(cert, [pid, unit, False])
        s[1] = unit or s[1]
        s[2] = s[2] or gone
    holders = defaultdict(set)
    for cert, (pid, unit, gone) in state.items():
        if not gone:
            holders[unit].add(pid)

    found = defaultdict(lambda: defaultdict(int))  # unit -> category -> n
    resolved = defaultdict(lambda: defaultdict(int))
    for r in survey:
        if "已注销" in str(r.get("处理意见") or ""):
            continue
        cats = []
        if r["人员身份"] in NON_STAFF:
            cats.append("non_staff")
        if r["在岗状态"] != "在岗":
            cats.append("left_post")
        if r["证件版本"] == "旧版":
            cats.append("old_version")
        if r["在岗状态"] == "在岗" and r["本年度培训学时"] is not None and r["本年度培训学时"] < 60:
            cats.append("training")
        for c in cats:
            found[r["执法主体全称"]][c] += 1
            if c != "training" and r["证件号码"] in revoked:
                resolved[r["执法主体全称"]][c] += 1
    quota = {}
    for name, row in units.items():
        limit = min(row[unit_cols["机构编制数"]], row[unit_cols["执法岗位数"]])
        counted = sum(1 for r in survey if r["所属单位"] == name)
        excess = max(row[unit_cols["持证人数"]], counted) - limit
        quota[name] = (row[unit_cols["机构编制数"]], row[unit_cols["执法岗位数"]], max(0, excess))
    return dict(found=found, resolved=resolved, holders={u: len(p) for u, p in holders.items()}, quota=quota,
                registry=registry, surveys_sent=surveys_sent, survey=survey)


@pytest.fixture(scope="module")
def built():
    ws = load_forms(ROOT, Options())
    model = build_model(ws, Config(), DAY, findings=False)
    return model, cleanup_statistics(model, ws, Config())


def test_the_example_has_what_is_counted() -> None:
    hand = independent_counts()
    assert len(hand["survey"]) == 8 and sum(hand["holders"].values()) == 14
    assert hand["found"]["柞水县乾佑街道办事处"]["left_post"] == 1  # 周涛, retired, no annex 2


def test_statistics_equal_the_count_from_the_forms(built) -> None:
    model, stats = built
    hand = independent_counts()
    assert stats.as_of == DAY
    for u in stats.units:
        assert u.holders == hand["holders"].get(u.unit, 0), u.unit
        est, posts, excess = hand["quota"].get(u.unit, (None, None, 0))
        assert (u.establishment, u.posts) == (est, posts), u.unit
        for key in CATEGORIES:
            want_found = excess if key == "over_quota" else hand["found"].get(u.unit, {}).get(key, 0)
            want_resolved = 0 if key == "over_quota" else hand["resolved"].get(u.unit, {}).get(key, 0)
            want_open = want_found - want_resolved
            # on 07-31 every open case of 三.2 is past its deadline; a training shortfall is due 12-31
            want_overdue = 0 if key == "training" else want_open
            assert [u.n(key, m) for m in ("found", "resolved", "open", "overdue")] == \
                [want_found, want_resolved, want_open, want_overdue], (u.unit, key)
    assert stats.total.holders == sum(hand["holders"].values())
    for key in CATEGORIES:
        assert stats.total.n(key, "found") == sum(u.n(key, "found") for u in stats.units)


def test_the_draft_states_the_counted_figures(built) -> None:
    model, stats = built
    hand = independent_counts()
    text = render_summary(model, stats)
    bound = len(hand["registry"])
    assert f"本次专项清理涉及 {bound} 个单位" in text
    on_time = [u for u, d in hand["surveys_sent"].items() if d <= dt.date(2024, 6, 5)]
    late = [u for u, d in hand["surveys_sent"].items() if d > dt.date(2024, 6, 5)]
    never = [u for u in hand["registry"] if u not in hand["surveys_sent"]]
    assert (f"摸排统计表（应于 2024-06-05 前报送）：按时报送 {len(on_time)} 个，逾期报送 {len(late)} 个，"
            f"未报送 {len(never)} 个") in text
    named = lambda words: [p for p in ROOT.rglob("*") if any(w in p.name for w in words)]  # noqa: E731
    plans, reports = named(("培训计划",)), named(("清理工作报告", "自查自纠"))
    assert f"培训计划（应于 2024-06-05 前报送）：按时报送 {len(plans)} 个，逾期报送 0 个，未报送 {bound - len(plans)} 个" in text
    assert f"清理工作报告（应于 2024-07-25 前报送）：按时报送 {len(reports)} 个，逾期报送 0 个，未报送 {bound} 个" in text
    entities = {r["执法主体全称"] for r in hand["survey"]}
    assert f"各单位摸排统计表共列证件 {len(hand['survey'])} 个（{len(entities)} 个单位）" in text
    assert f"台账持证 {sum(hand['holders'].values())} 人" in text
    for key, cat in CATEGORIES.items():
        found = (sum(q[2] for q in hand["quota"].values()) if key == "over_quota"
                 else sum(f.get(key, 0) for f in hand["found"].values()))
        done = 0 if key in ("over_quota", "training") else sum(r.get(key, 0) for r in hand["resolved"].values())
        line = next(x for x in text.splitlines() if x.startswith(f"- {cat.zh}（"))
        assert re.findall(r"\d+(?= 人)", line.replace("（超出编制数或执法岗位数的人数）", "")) == \
            [str(found), str(done), str(found - done), str(0 if key == "training" else found - done)], line
    still = {u: sum(n - hand["resolved"][u].get(k, 0) for k, n in cats.items())
             for u, cats in hand["found"].items()}
    want = "、".join(f"{u}（{n} 项）" for u, n in sorted(still.items()) if n)
    assert f"尚有未整改问题的单位：{want}。" in text
