"""Regenerate every example form in this folder (synthetic people only, deterministic).

    python examples/generate.py            # rewrites examples/forms and examples/ledger
    python examples/generate.py OUT_DIR    # writes them somewhere else (the tests do this)

Every person here is made up: names from a fixed list, ID numbers built with a valid check
character by ``certctl.idcard.make_id`` from a seeded random generator. The forms are filled into the
blank templates of ``certctl template`` the way a clerk types them, so they look like real
submissions. ``manifest.json`` lists every file with what it shows and the rule codes it must raise.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path
from typing import Any

from certctl.idcard import make_id
from certctl.templates import fill_template

HERE = Path(__file__).resolve().parent
D = dt.date

# ------------------------------------------------------------------------------------------ people
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞",
         "平", "刚", "华", "建国", "志强", "海燕", "红梅", "晓东", "文斌", "立新", "玉兰", "春生", "永刚")

QD = {"城管": "启东市城市管理局", "市监": "启东市市场监督管理局", "吕四": "启东市吕四港镇人民政府"}
ZS = {"交通": "柞水县交通运输局", "乾佑": "柞水县乾佑街道办事处", "自然": "柞水县自然资源局"}
QD_AREA, ZS_AREA = "320681", "611026"


class People:
    """A seeded source of synthetic people; the same seed always gives the same people."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def person(self, area: str, born: tuple[int, int] = (1968, 1996), male: bool | None = None) -> dict[str, Any]:
        rng = self.rng
        if male is None:
            male = rng.random() < 0.6
        while True:
            birth = D(rng.randint(*born), rng.randint(1, 12), rng.randint(1, 28))
            seq = rng.randint(0, 499) * 2 + (1 if male else 0)
            pid = make_id(area, birth, seq)
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if pid not in self.used and name not in {p for p in self.used}:
                self.used.add(pid)
                self.used.add(name)
                return {"name": name, "sex": "男" if male else "女", "id": pid}


def wrong_check_digit(pid: str) -> str:
    c = "0123456789X"
    return pid[:17] + c[(c.index(pid[17]) + 3) % 11]


def qd_cert(n: int) -> str:
    return f"32068120{n:04d}"


def zs_cert(n: int) -> str:
    return f"61102622{n:04d}"


def meta(unit: str, reporter: str, phone: str, date: Any) -> dict[str, Any]:
    return {"unit": unit, "reporter": reporter, "phone": phone, "date": date}


# ------------------------------------------------------------------------------- single-form examples
def forms(out: Path, manifest: dict[str, Any]) -> None:
    ppl = People(20240603)
    d = out / "forms"
    form_date = D(2024, 6, 3)

    def add(name: str, family: str, rows: Any, m: dict[str, Any] | None, about: str, codes: list[str],
            clean: bool, **kw: Any) -> None:
        fill_template(family, rows, m, d / name, **kw)
        manifest[f"forms/{name}"] = {"family": family, "clean": clean, "about": about, "codes": codes}

    # annex 1 -------------------------------------------------------------------------------------
    a1 = [ppl.person(QD_AREA) for _ in range(6)]
    rows = [dict(p, unit=QD["城管"], cert=qd_cert(101 + i), action="录入归集", entry_date=D(2024, 5, 27))
            for i, p in enumerate(a1[:4])]
    rows[3].update(action="修改", remark="证件照片更新")
    add("附件1_备案表_正确.xlsx", "annex1", rows, meta(QD["城管"], "陆晓燕", "0513-83123456", form_date),
        "四名持证人录入归集、修改，填写规范。", [], True)
    bad = [dict(r) for r in rows]
    bad[0]["id"] = int(bad[0]["id"])  # typed into a number cell: Excel keeps 15 digits
    bad[1]["id"] = wrong_check_digit(bad[1]["id"])
    bad[2]["sex"] = "女" if bad[2]["sex"] == "男" else "男"
    bad[3].update(action="已注销", entry_date="2024-02-30")
    add("附件1_备案表_有错误.xlsx", "annex1", bad,
        meta(QD["城管"], "陆晓燕", "0513-83123456", None),
        "身份证号码存成数字、校验位错误、性别与身份证不符、“注销”写成“已注销”、不存在的日期 2024-02-30、缺少填报时间。",
        ["I006", "I004", "I010", "V002", "D001", "M004"], False)

    # annex 2 -------------------------------------------------------------------------------------
    a2 = [ppl.person(QD_AREA, born=(1964, 1966)), ppl.person(QD_AREA)]
    rows = [dict(a2[0], unit=QD["城管"], cert=qd_cert(201), reason="退休", destination="退休",
                 change_date=D(2024, 5, 31)),
            dict(a2[1], unit=QD["城管"], cert=qd_cert(202), reason="调离", destination="启东市财政局（非执法岗位）",
                 change_date=D(2024, 5, 30))]
    add("附件2_注销表_正确.xlsx", "annex2", rows, meta(QD["城管"], "陆晓燕", "13912345678", form_date),
        "一人退休、一人调离，变动后 3 个工作日内报送；原证件随表交还（A201 提示）。", ["A201"], True)
    bad = [dict(r) for r in rows]
    bad[0].update(change_date=D(2024, 5, 20), destination=None)
    bad[1].update(id=bad[1]["id"][:6] + bad[1]["id"][8:17], change_date=D(2024, 6, 10))
    add("附件2_注销表_有错误.xlsx", "annex2", bad, meta(QD["城管"], "陆晓燕", "8312345", form_date),
        "变动 2024-05-20 到 6 月 3 日才报送（超过 3 个工作日）、去向空白、15 位旧身份证号码、变动日期晚于填报时间、电话缺区号。",
        ["T002", "V001", "I003", "D002", "M005"], False)

    # annex 3 -------------------------------------------------------------------------------------
    a3 = [ppl.person(QD_AREA) for _ in range(2)]
    rows = [dict(a3[0], orig_unit=QD["城管"], cert=qd_cert(301), reason="调动", unit=QD["市监"], post="科员",
                 field="市场监管", new_field_hours=24, change_date=D(2024, 5, 30)),
            dict(a3[1], orig_unit=QD["吕四"], cert=qd_cert(302), reason="调动", unit=QD["市监"],
                 post="执法队员", field="市场监管", new_field_hours=20, change_date=D(2024, 5, 31))]
    add("附件3_换证表_正确.xlsx", "annex3", rows, meta(QD["市监"], "顾海燕", "0513-68123456", form_date),
        "两人调动到市场监管局（新执法领域培训 24 和 20 学时）。", ["A301"], True)
    bad = [dict(r) for r in rows]
    bad[0].update(new_field_hours=12, change_date=D(2024, 5, 21), cert=qd_cert(301)[:6] + " " + qd_cert(301)[6:])
    bad[1].update(orig_unit=QD["市监"], sex="女" if bad[1]["sex"] == "男" else "男")
    add("附件3_换证表_有错误.xlsx", "annex3", bad, meta(QD["市监"], "顾海燕", "0513-68123456", form_date),
        "变动后超过 3 个工作日才报送、证件号码中有空格、换证原因为调动而原单位与现单位相同、性别与身份证不符；"
        "新执法领域培训 12 学时不报错：20 学时的要求出自柞水通知三.3，只适用于陕西单位。",
        ["T002", "C002", "A302", "I010"], False)

    # annex 4 -------------------------------------------------------------------------------------
    a4 = [ppl.person(QD_AREA) for _ in range(2)]
    rows = [dict(a4[0], unit=QD["吕四"], cert=qd_cert(401), lost_date=D(2024, 5, 30),
                 declaration="2024年5月31日 南通日报登报声明作废")]
    add("附件4_补发表_正确.xlsx", "annex4", rows, meta(QD["吕四"], "施建国", "0513-83667788", form_date),
        "证件 5 月 30 日遗失，6 月 3 日报送补发（3 个工作日内），已登报声明作废；须附凭证（A402 提示）。", ["A402"], True)
    bad = [dict(rows[0], lost_date=D(2024, 5, 6), declaration=None),
           dict(a4[1], unit=QD["吕四"], cert=qd_cert(402), lost_date="2024-02-30", declaration="已声明作废")]
    add("附件4_补发表_有错误.xlsx", "annex4", bad, meta("", "施建国", "0513-83667788", form_date),
        "5 月 6 日遗失的证件 6 月 3 日才报送（迟报）、未填声明作废情况、遗失时间 2024-02-30 不存在、缺少填报单位。",
        ["T001", "A401", "D001", "M001"], False)

    # survey --------------------------------------------------------------------------------------
    sv = [ppl.person(ZS_AREA) for _ in range(5)]
    base = dict(reporting_unit=ZS["乾佑"], unit=ZS["乾佑"], category="省级", version="新版", person_type="公务员",
                status="在岗", hours=64, legal_qual="否", colour="绿")
    people = [dict(p, cert=zs_cert(501 + i), **base) for i, p in enumerate(sv[:4])]
    people[1].update(person_type="事业编制", legal_qual="是", hours=72)
    units = [{"unit": ZS["乾佑"], "establishment": 35, "posts": 12, "holders": 4, "report_date": form_date}]
    add("摸排统计表_正确.xlsx", "survey", {"survey_people": people, "survey_units": units},
        meta(ZS["乾佑"], "刘春生", "0914-4321234", form_date),
        "四名在岗持证人（人员表）与单位表持证人数一致，红黄绿自报与规则一致。", [], True)
    bad = [dict(r) for r in people]
    bad[0].update(person_type="劳务派遣", colour="绿")
    bad[1].update(status="退休", leave_date=D(2024, 5, 10), colour="黄")
    bad[2].update(version="旧版", colour="红")
    bad[3].update(hours=32, status="已退休", colour="绿")
    bad.append(dict(sv[4], cert=zs_cert(505), **dict(base, status="调离", hours=60)))
    bad_units = [{"unit": ZS["乾佑"], "establishment": 35, "posts": 3, "holders": 6, "report_date": form_date}]
    add("摸排统计表_有错误.xlsx", "survey", {"survey_people": bad, "survey_units": bad_units},
        meta(ZS["乾佑"], "刘春生", "0914-4321234", form_date),
        "劳务派遣人员持证、退休人员仍持证、旧版证件未换、“在岗状态”填成“已退休”、"
        "调离人员未填离岗日期、自报红黄绿与规则不符、持证人数超过执法岗位数且与人员表不一致。",
        ["S001", "S002", "S003", "V002", "S008", "S007", "S006", "S009"], False)

    # registry ------------------------------------------------------------------------------------
    reg = [{"unit": u, "short": s, "must_report": "是"} for u, s in
           ((QD["城管"], "城管局"), (QD["市监"], "市场监管局"), (ZS["乾佑"], "乾佑街道"))]
    add("执法主体清单_正确.xlsx", "registry", reg, None, "三个执法主体，全称、简称、是否需报送齐全。", [], True)
    bad = [dict(r) for r in reg]
    bad[0]["must_report"] = "需要"
    bad[2]["unit"] = None
    add("执法主体清单_有错误.xlsx", "registry", bad, None, "“是否需报送”填成“需要”、单位全称空白。", ["V002", "V001"], False)

    # national ------------------------------------------------------------------------------------
    nat = [dict(ppl.person(QD_AREA), cert=f"GA{320600 + i:08d}", issuer="公安部") for i in range(2)]
    add("国家部委持证名单_正确.xlsx", "national", nat, None, "两名持国家部委证件的人员。", [], True)
    bad = [dict(r) for r in nat]
    bad[0]["id"] = int(bad[0]["id"])
    bad[1]["id"] = wrong_check_digit(bad[1]["id"])
    add("国家部委持证名单_有错误.xlsx", "national", bad, None, "身份证号码存成数字、校验位错误。", ["I006", "I004"], False)


# ------------------------------------------------------------------------------------------ ledger
def ledger(out: Path, manifest: dict[str, Any]) -> None:
    """A small county's folder of submissions, as the justice bureau keeps it (one folder per unit)."""
    ppl = People(20240605)
    d = out / "ledger"
    stories: dict[str, str] = {}

    def add(rel: str, family: str, rows: Any, m: dict[str, Any] | None, about: str, codes: list[str]) -> None:
        fill_template(family, rows, m, d / rel)
        manifest[f"ledger/{rel}"] = {"family": family, "clean": False, "about": about, "codes": codes}

    # 启东市城市管理局: entries, one revocation (retirement), one transfer out
    cg = [ppl.person(QD_AREA) for _ in range(4)]
    retiree = ppl.person(QD_AREA, born=(1964, 1964))
    mover = ppl.person(QD_AREA)
    entry = [dict(p, unit=QD["城管"], cert=qd_cert(1 + i), action="录入归集", entry_date=D(2024, 3, 18))
             for i, p in enumerate(cg + [retiree, mover])]
    add("启东市城市管理局/附件1_录入归集_2024-03-20.xlsx", "annex1", entry,
        meta(QD["城管"], "陆晓燕", "0513-83123456", D(2024, 3, 20)),
        "新领证的 6 人录入系统并备案（录入归集）。", [])
    revoke = [dict(retiree, unit=QD["城管"], cert=qd_cert(5), reason="退休", destination="退休",
                   change_date=D(2024, 5, 30))]
    add("启东市城市管理局/附件2_注销_2024-06-03.xlsx", "annex2", revoke,
        meta(QD["城管"], "陆晓燕", "0513-83123456", D(2024, 6, 3)),
        f"{retiree['name']} 5 月 30 日退休，6 月 3 日报送注销（按时），原证件随表交还。", ["A201"])
    stories["revocation"] = f"{retiree['name']}（{QD['城管']}）退休注销"
    gone = [dict(p, unit=QD["城管"], cert=c, action=a, entry_date=D(2024, 6, 12))
            for p, c, a in ((retiree, qd_cert(5), "注销"), (mover, qd_cert(6), "修改"))]
    add("启东市城市管理局/附件1_注销_2024-06-14.xlsx", "annex1", gone,
        meta(QD["城管"], "陆晓燕", "0513-83123456", D(2024, 6, 14)),
        f"收回的两本证件 6 月 12 日在系统中处理（{retiree['name']} 退休：注销；{mover['name']} 调出换证：修改），"
        "6 月 14 日备案。", [])

    # 启东市市场监督管理局: the mover's replacement certificate
    replace = [dict(mover, orig_unit=QD["城管"], cert=qd_cert(6), reason="调动", unit=QD["市监"], post="科员",
                    field="市场监管", new_field_hours=24, change_date=D(2024, 5, 31))]
    add("启东市市场监督管理局/附件3_换证_2024-06-04.xlsx", "annex3", replace,
        meta(QD["市监"], "顾海燕", "0513-68123456", D(2024, 6, 4)),
        f"{mover['name']} 从城市管理局调到市场监督管理局，换发证件。", ["A301"])
    stories["replacement"] = f"{mover['name']} 调动换证"

    # 启东市吕四港镇人民政府: one loss reported on time, one late
    lv = [ppl.person(QD_AREA) for _ in range(2)]
    add("启东市吕四港镇人民政府/附件1_录入归集_2024-01-15.xlsx", "annex1",
        [dict(p, unit=QD["吕四"], cert=qd_cert(401 + i), action="录入归集", entry_date=D(2024, 1, 10))
         for i, p in enumerate(lv)], meta(QD["吕四"], "施建国", "0513-83667788", D(2024, 1, 15)),
        "吕四港镇两名持证人录入归集。", [])
    reissue = [dict(lv[0], unit=QD["吕四"], cert=qd_cert(401), lost_date=D(2024, 5, 31),
                    declaration="2024年5月31日 南通日报登报声明作废"),
               dict(lv[1], unit=QD["吕四"], cert=qd_cert(402), lost_date=D(2024, 5, 13),
                    declaration="2024年6月1日 启东日报登报声明作废")]
    add("启东市吕四港镇人民政府/附件4_补发_2024-06-03.xlsx", "annex4", reissue,
        meta(QD["吕四"], "施建国", "0513-83667788", D(2024, 6, 3)),
        f"{lv[0]['name']} 证件 5 月 31 日遗失按时报送补发；{lv[1]['name']} 5 月 13 日遗失，6 月 3 日才报送（迟报）。",
        ["T001", "A402"])
    stories["reissue"] = f"{lv[0]['name']} 遗失补发；{lv[1]['name']} 迟报遗失"

    # 柞水县交通运输局: a transfer-out revocation
    jt = [ppl.person(ZS_AREA) for _ in range(3)]
    add("柞水县交通运输局/附件2_注销_2024-05-28.xlsx", "annex2",
        [dict(jt[0], unit=ZS["交通"], cert=zs_cert(11), reason="调离", destination="柞水县人民政府办公室",
              change_date=D(2024, 5, 24))],
        meta(ZS["交通"], "王立新", "0914-4312345", D(2024, 5, 28)),
        f"{jt[0]['name']} 调离，5 月 28 日报送注销（陕西单位：启东通知的交还原证件提示 A201 和系统录入期限不适用）。", [])
    stories["revoked_but_active"] = f"{jt[0]['name']} 已注销（附件2），摸排表仍报为在岗有效"

    # 柞水县乾佑街道办事处: the cleanup survey for its area (both sheets)
    qy = [ppl.person(ZS_AREA) for _ in range(3)]
    leaver = ppl.person(ZS_AREA, born=(1964, 1964))
    dual = ppl.person(ZS_AREA)
    base = dict(category="省级", version="新版", person_type="公务员", status="在岗", hours=64, legal_qual="否",
                colour="绿")
    people = [dict(p, reporting_unit=ZS["乾佑"], unit=ZS["乾佑"], cert=zs_cert(31 + i), **base)
              for i, p in enumerate(qy)]
    people += [dict(p, reporting_unit=ZS["乾佑"], unit=ZS["交通"], cert=zs_cert(11 + i), **base)
               for i, p in enumerate(jt)]
    people.append(dict(leaver, reporting_unit=ZS["乾佑"], unit=ZS["乾佑"], cert=zs_cert(41),
                       **dict(base, status="退休", colour="红"), leave_date=D(2024, 5, 15), opinion="待注销"))
    people.append(dict(dual, reporting_unit=ZS["乾佑"], unit=ZS["乾佑"], cert=zs_cert(42), **base))
    units = [{"unit": ZS["乾佑"], "establishment": 40, "posts": 15, "holders": 8, "report_date": D(2024, 6, 3)},
             {"unit": ZS["交通"], "establishment": 30, "posts": 10, "holders": 3, "report_date": D(2024, 6, 3)}]
    add("柞水县乾佑街道办事处/摸排统计表_2024-06-03.xlsx", "survey", {"survey_people": people, "survey_units": units},
        meta(ZS["乾佑"], "刘春生", "0914-4321234", D(2024, 6, 3)),
        f"辖区摸排：{leaver['name']} 5 月 15 日退休仍持证（红）；{jt[0]['name']} 已注销仍列为在岗；"
        f"{dual['name']} 也在国家部委名单中（陕西的摸排行，不适用启东通知二的江苏省证件规定）。", ["S002"])
    stories["left_post"] = f"{leaver['name']} 退休仍持证"

    # reference lists
    reg = [{"unit": QD["城管"], "short": "城管局", "must_report": "是"},
           {"unit": QD["市监"], "short": "市场监管局", "must_report": "是"},
           {"unit": QD["吕四"], "short": "吕四港镇", "must_report": "是"},
           {"unit": ZS["交通"], "short": "交通局", "must_report": "是"},
           {"unit": ZS["乾佑"], "short": "乾佑街道", "must_report": "是"},
           {"unit": ZS["自然"], "short": "自然资源局", "must_report": "是"}]
    add("参考名单/执法主体清单.xlsx", "registry", reg, None,
        f"六个执法主体；{ZS['自然']} 需报送但没有报送任何表格。", [])
    nat = [dict(dual, cert="GA00061102", issuer="公安部"), dict(ppl.person(ZS_AREA), cert="HG00061103", issuer="海关总署"),
           dict(cg[0], cert="GA00032061", issuer="公安部")]
    add("参考名单/国家部委证件持证人员名单.xlsx", "national", nat, None,
        f"国家部委证件持证人；{cg[0]['name']}（{QD['城管']}）同时持有《江苏省行政执法证》；"
        f"{dual['name']} 另有陕西省证件（摸排表，不适用启东通知）。", [])
    stories["dual"] = f"{cg[0]['name']} 同时持有江苏省和国家部委证件"
    stories["not_reported"] = ZS["自然"]
    manifest["ledger/"] = {"stories": stories}


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else HERE
    manifest: dict[str, Any] = {}
    forms(out, manifest)
    ledger(out, manifest)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                       encoding="utf-8")
    n = sum(1 for k in manifest if k.endswith(".xlsx"))
    print(f"wrote {n} example forms and manifest.json to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
