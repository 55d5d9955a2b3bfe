"""Every form, described once, declaratively: its columns, their aliases, types and rules.

Validation, templates, annotation and the ledger all read these descriptions; nothing below is
repeated per form in code. Column ``key`` values are shared across forms where the meaning is shared
(``id``, ``name``, ``cert``, ``unit`` …) so later stages can treat rows of any form alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .normalize import header_key

# Column types: seq name id sex cert unit text enum date number
SEX = ("男", "女")
ENTRY_ACTIONS = ("录入归集", "注销", "修改")
CERT_CATEGORIES = ("省级", "国家部委")
CERT_VERSIONS = ("新版", "旧版")
PERSON_TYPES = ("公务员", "参照公务员法管理", "事业编制", "劳务派遣", "合同制", "执法辅助", "工勤", "其他")
NON_STAFF = ("劳务派遣", "合同制", "执法辅助", "工勤")
POST_STATUS = ("在岗", "退休", "调离", "辞职", "辞退", "其他离岗")
YES_NO = ("是", "否")
COLOURS = ("红", "黄", "绿")
REVOKE_REASONS = ("退休", "调离", "辞职", "辞退", "岗位调动", "非在编人员", "旧版证件作废", "死亡", "其他")
REPLACE_REASONS = ("调动", "岗位调动", "旧版换新版", "证件损坏", "信息变更", "其他")  # 岗位调动: Qidong 二's word

#: One vocabulary of the words units write for the values of the enumerated columns (and the reasons'
#: drop-down choices), used by validation, its suggestions and the ledger alike. ``SAME``: a word that
#: means exactly the value — read as that value (validation accepts it, the ledger shows the value).
#: ``NEAR``: what a unit probably meant — validation reports V002 and suggests the value. A suggestion
#: comes from here first; spelling alone never suggests a value the vocabulary gives another meaning
#: (在职 is 在岗, never 辞职).
SAME: dict[str, str] = {
    "男性": "男", "女性": "女",
    "在职": "在岗", "在编在岗": "在岗", "正常在岗": "在岗",
    "岗位调整": "岗位调动", "岗位变动": "岗位调动", "内部调岗": "岗位调动",
    # 证件状态 is named by its colours (柞政司发〔2024〕52号 三.3 “红黄绿”): 红色 is the colour 红 written out
    "红色": "红", "黄色": "黄", "绿色": "绿",
    # the notice's own phrase (启依法办发〔2020〕15号 一 “人员数据的录入归集”) and the usual short names of 人员身份
    "数据录入归集": "录入归集",
    "参照公务员管理": "参照公务员法管理", "参公管理": "参照公务员法管理", "参公": "参照公务员法管理",
    "事业编": "事业编制",
}
#: In a yes/no column (是 / 否) only: a tick is 是 and a cross is 否, the way Chinese forms are ticked —
#: read as that value, like ``SAME``. Anywhere else a tick or a cross means nothing certctl can tell.
#: The Latin letter X (a cross to some, a mark of choice to others) and circles (○ 〇) are not here.
YES_NO_MARKS: dict[str, str] = {
    "√": "是", "✓": "是", "✔": "是",
    "×": "否", "✕": "否", "✖": "否", "✗": "否", "✘": "否",
}
NEAR: dict[str, str] = {
    "有": "是", "具有": "是", "已取得": "是", "Y": "是", "YES": "是",
    "无": "否", "没有": "否", "未取得": "否", "N": "否", "NO": "否",
    "省": "省级", "国家": "国家部委", "部委": "国家部委", "新": "新版", "旧": "旧版",
    "离退休": "退休", "已退休": "退休", "调出": "调离", "已调离": "调离", "离职": "辞职", "已辞职": "辞职",
    "行政编制": "公务员", "陕西省行政执法证": "省级", "江苏省行政执法证": "省级",
    "新增": "录入归集", "录入": "录入归集", "归集": "录入归集", "变更": "修改", "已注销": "注销",
}


def canonical(value: str, enum: tuple[str, ...] = ()) -> str:
    """The value a word of the vocabulary means exactly (``SAME``; in a yes/no column, ``enum`` being
    ``YES_NO``, also a tick or a cross: ``YES_NO_MARKS``), else the word itself."""
    if enum == YES_NO and value in YES_NO_MARKS:
        return YES_NO_MARKS[value]
    return SAME.get(value, value)


def meant(value: str) -> str | None:
    """The value a unit most likely meant by ``value`` (exact or near), if the vocabulary knows it."""
    return SAME.get(value) or NEAR.get(value) or NEAR.get(value.upper())


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    type: str = "text"
    required: bool = True  # the cell must be filled on every data row
    optional: bool = False  # the column itself may be absent from the form
    aliases: tuple[str, ...] = ()
    enum: tuple[str, ...] = ()  # allowed values (enforced)
    choices: tuple[str, ...] = ()  # drop-down suggestions in templates (not enforced)
    width: int = 14
    hint: str = ""
    empty_code: str = "V001"  # the rule reported when a required cell is empty
    after_form: bool = False  # a date that may follow the form's 填报时间 (a card signed for later)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(header_key(t) for t in (self.title, *self.aliases)))


@dataclass(frozen=True)
class FormSpec:
    kind: str  # annex1 … annex4, survey_people, survey_units, registry, national
    family: str  # what --form names and what the file is: annex1 … annex4, survey, registry, national
    label_zh: str
    label_en: str
    title: str  # title row text as printed in the notice
    columns: tuple[Column, ...]
    sheet_name: str | None = None  # expected sheet name (survey)
    metadata: bool = True  # has the 填报单位 / 填报人员 / 联系电话 / 填报时间 row
    footer: str = ""
    checks: tuple[str, ...] = field(default=())  # form-level rule codes (see validate.FORM_CHECKS)
    signature_words: tuple[str, ...] = ()  # title words that identify the form when headers tie

    def column(self, key: str) -> Column | None:
        for c in self.columns:
            if c.key == key:
                return c
        return None

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


_SEQ = Column("seq", "序号", "seq", required=False, optional=True, width=6, aliases=("编号", "序"))
_NAME = Column("name", "姓名", "name", width=10, empty_code="N001", aliases=("持证人姓名", "持证人员姓名"), hint="持证人姓名；少数民族姓名用“·”分隔")
_UNIT = Column("unit", "所属主体（受委托组织）全称", "unit", width=30,
               aliases=("所属主体全称", "所属主体", "所属主体(受委托组织)", "执法主体全称", "所属单位全称", "单位名称",
                        "工作单位", "所属单位名称"),
               hint="填写单位全称，不用简称")
_ID = Column("id", "身份证号码", "id", width=21, empty_code="I001", aliases=("身份证号", "公民身份号码", "公民身份证号码", "身份证件号码", "身份证"),
             hint="18 位身份证号码，本列为文本格式")
_SEX = Column("sex", "性别", "sex", enum=SEX, width=6)
_CERT = Column("cert", "行政执法（监督）证件号码", "cert", width=20, empty_code="C001",
               aliases=("行政执法证件号码", "执法证件号码", "执法证号", "证件号码", "执法证号码",
                        # 号 / 编号 / 号码: the number on the card, however the unit words it
                        "执法证件编号", "执法证编号", "证件编号", "执法证件号", "行政执法证号", "行政执法证件编号"),
               hint="按证件原件填写，本列为文本格式")
_OLD_CERT = Column("cert", "原行政执法（监督）证件号码", "cert", width=20, empty_code="C001",
                   aliases=("原行政执法证件号码", "原证件号码", "原执法证号", "行政执法（监督）证件号码", "证件号码",
                            "原执法证件号码", "原执法证件编号", "原证件编号", "原执法证号码", "原执法证编号",
                            "执法证件号码", "执法证号", "执法证件编号"),
                   hint="按原证件填写，本列为文本格式")
_REMARK = Column("remark", "备注", "text", required=False, width=16)
_CHANGE_DATE = Column("change_date", "变动日期", "date", required=False, optional=True, width=12,
                      aliases=("离岗日期", "调动日期"),
                      hint="持证人离开原单位、调岗或离岗的日期（用于核对 3 个工作日报送期限）")
_NEW_FIELD_HOURS = Column("new_field_hours", "新执法领域培训学时", "number", required=False, optional=True, width=10,
                          aliases=("新领域培训学时", "新执法领域专业培训学时"), hint="调动至新执法领域的培训学时，不少于 20")
_SIGN_DATE = Column("sign_date", "签收日期", "date", required=False, optional=True, width=10, after_form=True,
                    aliases=("新证签收日期", "证件签收日期", "签收时间"),
                    hint="新证件签收的日期（签收后 10 个工作日内录入系统并报送附件1，启依法办发〔2020〕15号 一）")
_RETURN_NOTE = "注：报送表格时，领证单位应当将原行政执法（监督）证件同时交还市司法局。"

ANNEX1 = FormSpec(
    "annex1", "annex1", "附件1 人员数据录入归集、注销、修改备案表", "Annex 1 system entry filing",
    "“行政执法主体和人员管理系统”人员数据录入归集、注销、修改备案表",
    (_SEQ, _NAME, _UNIT, _ID, _SEX, _CERT,
     Column("action", "数据录入归集、注销、修改情况", "enum", enum=ENTRY_ACTIONS, width=14,
            aliases=("数据录入归集注销修改情况", "录入归集、注销、修改情况", "情况", "录入归集、注销、修改",
                     "数据录入归集、注销、修改"), hint="录入归集 / 注销 / 修改"),
     Column("entry_date", "数据录入时间", "date", width=12, aliases=("录入时间", "数据录入日期", "录入日期")),
     _SIGN_DATE, _REMARK),
    checks=(),
    signature_words=("备案表", "附件1", "录入归集"),
)

ANNEX2 = FormSpec(
    "annex2", "annex2", "附件2 证件注销表", "Annex 2 revocation",
    "行政执法（监督）证件注销表",
    (_SEQ, _NAME, _UNIT, _ID, _SEX, _OLD_CERT,
     Column("reason", "注销原因", "text", choices=REVOKE_REASONS, width=12, aliases=("注销理由", "注销事由")),
     Column("destination", "被注销人员去向", "text", width=16, aliases=("人员去向", "去向")),
     _CHANGE_DATE, _REMARK),
    footer=_RETURN_NOTE,
    checks=("A201", "T002"),
    signature_words=("注销表", "附件2"),
)

ANNEX3 = FormSpec(
    "annex3", "annex3", "附件3 证件换证表", "Annex 3 replacement",
    "行政执法（监督）证件换证表",
    (_SEQ, _NAME, _SEX, _ID,
     Column("orig_unit", "原所属主体（受委托组织）全称", "unit", width=28,
            aliases=("原所属主体全称", "原所属主体", "原单位", "原所属单位")),
     _OLD_CERT,
     Column("reason", "换证原因", "text", choices=REPLACE_REASONS, width=12, aliases=("换证理由", "换证事由", "换发原因")),
     Column("unit", "现所属主体（受委托组织）全称", "unit", width=28, aliases=("现所属主体全称", "现所属主体", "现单位", "现所属单位")),
     Column("post", "工作岗位及职务", "text", width=14, aliases=("工作岗位", "岗位及职务")),
     Column("field", "执法种类", "text", width=12, aliases=("执法类别", "执法领域")),
     _NEW_FIELD_HOURS, _CHANGE_DATE, _SIGN_DATE, _REMARK),
    footer=_RETURN_NOTE,
    checks=("A301", "A302", "A303", "T002"),
    signature_words=("换证表", "附件3"),
)

ANNEX4 = FormSpec(
    "annex4", "annex4", "附件4 证件补发表", "Annex 4 reissue",
    "行政执法（监督）证件补发表",
    (_SEQ, _NAME, _UNIT, _ID, _SEX, _CERT,
     Column("lost_date", "证件遗失时间", "date", width=12, aliases=("遗失时间", "遗失日期", "证件遗失日期")),
     Column("declaration", "领证机关声明作废情况（申明作废方式、时间等）", "text", width=30, empty_code="A401",
            aliases=("领证机关声明作废情况", "声明作废情况", "领证机关申明作废情况", "领证机关声明作废情况(声明作废方式、时间等)",
                     "声明作废方式、时间", "声明作废方式及时间", "申明作废情况"),
            hint="声明作废的方式和时间，如：2024年6月1日 商洛日报登报声明作废"),
     _REMARK),  # 签收 of the reissued card: a date in 备注 (the page has no room for another column)
    footer="注：报送表格时，领证单位应当就声明作废情况附相关凭证。",
    checks=("A401", "A402", "T001"),
    signature_words=("补发表", "附件4"),
)

SURVEY_PEOPLE = FormSpec(
    "survey_people", "survey", "摸排统计表（人员）", "Cleanup survey (people)",
    "行政执法证件专项清理工作摸排统计表",
    (_SEQ,
     Column("reporting_unit", "所属单位", "unit", width=20, aliases=("所属辖区单位", "辖区单位")),
     Column("unit", "执法主体全称", "unit", width=28, aliases=("执法主体", "所属主体全称", "所属主体（受委托组织）全称", "执法主体名称")),
     _NAME, _SEX, _ID,
     Column("cert", "证件号码", "cert", width=20, empty_code="C001", aliases=("行政执法证件号码", "执法证号", "行政执法（监督）证件号码",
                                                                         "执法证件号码", "执法证件编号", "执法证编号", "证件编号", "执法证号码")),
     Column("category", "证件类别", "enum", enum=CERT_CATEGORIES, width=10),
     Column("version", "证件版本", "enum", enum=CERT_VERSIONS, width=8),
     Column("person_type", "人员身份", "enum", enum=PERSON_TYPES, width=14, aliases=("人员类别", "人员身份类别")),
     Column("status", "在岗状态", "enum", enum=POST_STATUS, width=10, aliases=("在岗情况",)),
     Column("leave_date", "离岗日期", "date", required=False, width=12, hint="不在岗时必填"),
     Column("hours", "本年度培训学时", "number", width=10, aliases=("年度培训学时", "本年度学习培训学时", "本年度学时", "培训学时")),
     _NEW_FIELD_HOURS,
     Column("legal_qual", "法律职业资格", "enum", enum=YES_NO, width=8, aliases=("是否具有法律职业资格",)),
     Column("colour", "证件状态", "enum", enum=COLOURS, width=8, aliases=("红黄绿", "证件状态（红黄绿）", "红黄绿状态")),
     Column("opinion", "处理意见", "text", required=False, width=16),
     _REMARK),
    sheet_name="人员",
    checks=("S001", "S002", "S003", "S004", "S005", "S007", "S008", "T004"),
    signature_words=("摸排", "清理"),
)

SURVEY_UNITS = FormSpec(
    "survey_units", "survey", "摸排统计表（单位）", "Cleanup survey (units)",
    "行政执法证件专项清理工作摸排统计表（单位）",
    (Column("unit", "单位全称", "unit", width=30, aliases=("单位名称", "所属单位")),
     Column("establishment", "机构编制数", "number", width=10, aliases=("编制数",)),
     Column("posts", "执法岗位数", "number", width=10, aliases=("岗位数",)),
     Column("holders", "持证人数", "number", width=10),
     Column("report_date", "报送日期", "date", width=12, aliases=("报送时间",))),
    sheet_name="单位",
    metadata=False,
    checks=("S006", "S009"),
)

REGISTRY = FormSpec(
    "registry", "registry", "执法主体清单", "Registry of enforcement bodies",
    "行政执法主体清单",
    (_SEQ,
     Column("unit", "单位全称", "unit", width=34, aliases=("执法主体全称", "主体全称", "单位名称")),
     Column("short", "简称", "text", required=False, width=14),
     Column("must_report", "是否需报送", "enum", enum=YES_NO, width=10, aliases=("是否报送", "需报送"))),
    metadata=False,
)

NATIONAL = FormSpec(
    "national", "national", "国家部委证件持证人员名单", "National-ministry certificate holders",
    "国家部委行政执法证件持证人员名单",
    (_SEQ, _NAME, _ID,
     Column("cert", "证件号码", "cert", width=20, empty_code="C001", aliases=("国家部委证件号码", "执法证号")),
     Column("issuer", "发证机关", "text", width=20)),
    metadata=False,
)

SPECS: tuple[FormSpec, ...] = (ANNEX1, ANNEX2, ANNEX3, ANNEX4, SURVEY_PEOPLE, SURVEY_UNITS, REGISTRY, NATIONAL)
BY_KIND = {s.kind: s for s in SPECS}
FAMILIES = ("annex1", "annex2", "annex3", "annex4", "survey", "registry", "national")


def specs_for_family(family: str) -> tuple[FormSpec, ...]:
    return tuple(s for s in SPECS if s.family == family)


def family_label(family: str, lang: str = "zh") -> str:
    labels = {
        "annex1": ("附件1 备案表", "annex 1 (system entry)"),
        "annex2": ("附件2 注销表", "annex 2 (revocation)"),
        "annex3": ("附件3 换证表", "annex 3 (replacement)"),
        "annex4": ("附件4 补发表", "annex 4 (reissue)"),
        "survey": ("摸排统计表", "cleanup survey"),
        "registry": ("执法主体清单", "registry of bodies"),
        "national": ("国家部委持证名单", "national-ministry list"),
        "unknown": ("未识别", "unknown"),
    }
    zh, en = labels.get(family, (family, family))
    return en if lang == "en" else zh
