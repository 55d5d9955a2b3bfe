"""The rule catalogue: every check certctl makes, with a stable code, severity, description and source.

Codes never change meaning once released. Letters group the rules:
F file and structure · M form metadata · I identity numbers · N names · D dates · C certificate numbers
V values · U duplicates within a form · A annex-specific · S cleanup survey · T deadlines
X cross-form (merge) · R reference lists.

Messages are ``str.format`` templates; parameters named ``id``/``id2`` hold ID numbers and are masked
when printed unless the user asks for them in full.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, replace

ERROR, WARNING, INFO = "error", "warning", "info"

QD = "启依法办发〔2020〕15号"  # Qidong 2020 notice
QD_ISSUED = _dt.date(2020, 11, 25)  # its date (启东市司法局办公室 2020年11月25日印发): its working-day clocks start no earlier
ZS = "柞政司发〔2024〕52号"  # Zhashui 2024 notice
DQ = "certctl 数据质量规则（非通知条款）"  # certctl's own checks, said plainly (SPEC 6)
HOURS = "国办发〔2023〕27号"  # 提升行政执法质量三年行动计划: 每人每年不少于60学时

#: rule sets (SPEC 6): each rule belongs to the notice it comes from, or to certctl's own data-quality set
QIDONG_SET, ZHASHUI_SET, CERTCTL_SET = "qidong2020", "zhashui2024", "certctl"

#: certctl's own wording in a rule's source, in English (longest first: one is the start of another)
_SOURCE_EN = (
    (DQ, "certctl data-quality rule (not a notice clause)"),
    ("（安全）", " (safety)"),
    ("：不漏读、不重复计数", ": nothing left unread, nothing counted twice"),
    ("：避免重复计数", ": nothing counted twice"),
    ("：读表惯例（备注写不下时续写在下一行，或把备注单元格向下合并）",
     ": reading convention (a 备注 too long for its row goes on in the next row, or its cell is merged downward)"),
    ("：读表惯例（备注写不下时续写在下一行）", ": reading convention (a 备注 too long for its row goes on in the next row)"),
    ("：读表惯例（表格模板常附填表示例）", ": reading convention (a form's template often carries an example sheet)"),
    ("：读表惯例（没有年份的日期，按填报时间当天或之前最近的该日读）",
     ": reading convention (a day without its year is the last such day up to the form's date)"),
    ("：同一报送的版本，见 ", ": versions of one submission, see "),
    ("；表头与必填项见", "; headers and required cells: "),
    ("（certctl.toml [cert_patterns]）", " (certctl.toml [cert_patterns])"),
)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: str
    name: str  # short kebab-case name, as ruff has
    zh: str  # one-line description
    en: str
    source: str
    msg_zh: str
    msg_en: str
    hint_zh: str = ""
    hint_en: str = ""
    scope: str = "validate"  # validate | merge | overdue
    ruleset: str = CERTCTL_SET  # qidong2020 | zhashui2024 | certctl (see certctl.model.rulesets)

    def message(self, lang: str, **params: object) -> str:
        tpl = self.msg_en if lang == "en" else self.msg_zh
        if lang == "en":  # a parameter given in both languages: ``reason`` / ``reason_en``
            params = {**params, **{k[:-3]: v for k, v in params.items() if k.endswith("_en")}}
        try:
            return tpl.format(**params)
        except (KeyError, IndexError, ValueError):
            return tpl

    def hint(self, lang: str, **params: object) -> str:
        tpl = self.hint_en if lang == "en" else self.hint_zh
        try:
            return tpl.format(**params)
        except (KeyError, IndexError, ValueError):
            return tpl

    def description(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def source_text(self, lang: str) -> str:
        """The source as a clerk reads it: in English certctl's own wording is English; notice names and
        their clauses stay as the notices write them."""
        if lang != "en":
            return self.source
        text = self.source
        for zh, en in _SOURCE_EN:
            text = text.replace(zh, en)
        return text


_R = Rule
RULES: dict[str, Rule] = {r.code: r for r in [
    # ---------------------------------------------------------------- F: file and structure
    _R("F001", ERROR, "unreadable-file", "文件无法读取（损坏、加密或不是 Excel 文件）",
       "File cannot be read (corrupt, encrypted, or not an Excel workbook)", DQ,
       "文件无法读取：{reason}", "File cannot be read: {reason}",
       "请让报送单位用 Excel 或 WPS 重新另存为 .xlsx 后再报送。",
       "Ask the unit to re-save the file as .xlsx in Excel or WPS and send it again."),
    _R("F002", ERROR, "unknown-form", "无法识别表格类型（未找到任何附件表头）",
       "Form kind not recognised (no known header found)", DQ,
       "未能识别表格类型：没有找到{what}的表头（已查看 {sheets} 个工作表）。",
       "Could not recognise the form: no header of {what} was found ({sheets} sheets looked at).",
       "请使用 certctl template 生成的空白表格，或用 --form 指定表格类型。",
       "Use a blank form from `certctl template`, or force the kind with --form."),
    _R("F003", ERROR, "missing-column", "缺少必填列", "A required column is missing", DQ,
       "表头（第 {header_row} 行）中缺少必填列“{column}”，该列的内容都无法核对。{meant}",
       "Required column '{column}' is missing from the header (row {header_row}); nothing in it can be checked.{meant}",
       "请按通知附件格式补上该列，列名可参照空白模板。",
       "Add the column as laid out in the notice's annex; see the blank template."),
    _R("F004", WARNING, "duplicate-column", "同一列名出现两次，只读取第一列",
       "A column header appears twice; only the first is read", DQ,
       "列“{column}”出现两次（{cells}），只读取了第一列。",
       "Column '{column}' appears twice ({cells}); only the first was read.",
       "请删除重复的列。", "Delete the duplicated column."),
    _R("F005", INFO, "no-data", "表格没有数据行", "The form has no data rows", DQ,
       "表格中没有任何数据行。", "The form has no data rows."),
    _R("F006", ERROR, "unsafe-file", "文件结构异常，出于安全考虑拒绝读取（压缩炸弹、XML 实体等）",
       "File refused for safety (zip bomb, XML entities, oversized)", DQ + "（安全）",
       "出于安全考虑拒绝读取该文件：{reason}", "File refused for safety: {reason}",
       "请让报送单位将内容复制到空白模板中重新保存后报送。",
       "Ask the unit to copy the content into a blank template and send it again."),
    _R("F007", ERROR, "cell-error", "单元格是公式错误值（如 #REF!、#N/A），内容无法读取（非必填列为警告）",
       "Cell holds a formula error value (e.g. #REF!, #N/A); its content cannot be read (warning in optional columns)",
       DQ,
       "“{field}”单元格是公式错误值 {value}，内容无法读取。",
       "{field} holds the formula error {value}; its content cannot be read.",
       "多为引用的表格或行被删除所致：请把公式改为直接填写的内容（复制后“选择性粘贴—数值”），核对无误后再报送。",
       "Usually a referenced sheet or row was deleted: replace the formula with the typed value (Paste Special > Values) and check it."),

    _R("F009", WARNING, "hidden-sheet", "隐藏的工作表中有表格数据，已一并读取",
       "A hidden sheet holds form data; it was read too", DQ + "：不漏读、不重复计数",
       "工作表“{name}”是隐藏的，其中的 {rows} 行表格数据也已读取（合并时一并并入台账）。",
       "Sheet '{name}' is hidden; its {rows} data rows were read too (and go into the ledger on merge).",
       "如是旧版本或草稿，请删除该工作表后重新报送；如是本期数据，请取消隐藏，便于核对。",
       "If it is an old copy or a draft, delete the sheet and send the form again; if not, unhide it."),
    _R("F013", INFO, "hidden-rows", "表格中被隐藏（或被筛选隐藏）的行中有人员数据，已照常读取",
       "Rows hidden in Excel/WPS (by hand or by a filter) hold people; they were read like the others",
       DQ + "：不漏读、不重复计数",
       "第 {lines} 行在 Excel/WPS 中是隐藏的（手动隐藏或筛选），其中 {count} 人已照常读取。",
       "Row(s) {lines} are hidden in Excel/WPS (by hand or by a filter); the {count} people on them were read "
       "like the others.",
       "如这些人不应报送，请删除这些行后重新报送；否则请取消隐藏或清除筛选，便于核对人数。",
       "If they should not be reported, delete the rows and send the form again; otherwise unhide them or "
       "clear the filter so the count can be checked."),
    _R("F010", INFO, "remark-continued", "只填了备注的行，作为上一行备注的续写并入，不算作一人",
       "A row of 备注 alone continues the 备注 of the row above; it is not another person",
       DQ + "：读表惯例（备注写不下时续写在下一行，或把备注单元格向下合并）",
       "第{line}行{what}，已并入第{prev}行{part}，不另算一人。",
       "Row {line} {what}; it was joined to row {prev}{part}, not read as another person.",
       "备注较长时，可在同一单元格内按 Alt+Enter 换行。",
       "For a long 备注, break the line inside its cell with Alt+Enter."),
    _R("F012", INFO, "example-sheet", "填表示例、填表说明工作表中的表格不是报送数据，未读取",
       "A sheet named as an example (填表示例, 填表说明…) beside the form: its table is not read as data",
       DQ + "：读表惯例（表格模板常附填表示例）",
       "工作表“{name}”是填表示例或说明（{rows} 行），未作为报送数据读取；本表的数据取自其他工作表。",
       "Sheet '{name}' is an example or instructions sheet ({rows} rows); it was not read as data — the form's "
       "data come from its other sheets.",
       "如该工作表中是真实人员，请把它改名（不含“示例”“说明”等字样）后重新报送。",
       "If that sheet holds real people, rename it (without 示例, 说明…) and send the form again."),
    _R("F011", INFO, "remark-alone", "只填了备注的行，上面没有可续写的人员行，未作为人员读取",
       "A row of 备注 alone with no person row above it to continue: not read as a person",
       DQ + "：读表惯例（备注写不下时续写在下一行）",
       "第{line}行只填了备注“{text}”，上面没有人员行可以续写，未作为人员读取。",
       "Row {line} has only 备注 '{text}' and no person row above it to continue; it was not read as a person.",
       "如是某人的备注，请写在该人员所在行的“备注”中。",
       "If it is about someone, write it in the 备注 of that person's row."),

    # ---------------------------------------------------------------- M: metadata
    _R("F008", INFO, "certctl-output", "certctl 自己生成的文件（台账、报告、标注副本、专项清理材料），不是报送的表格，已跳过",
       "A file certctl wrote (ledger, report, annotated copy, cleanup document), not a submitted form: skipped",
       DQ + "：避免重复计数",
       "这是 certctl 生成的{kind}，不是报送的表格，未作为表格读取。",
       "This is a certctl {kind}, not a submitted form; it was not read as a form.",
       "如需合并，请把 certctl 的输出文件放在表格文件夹之外。",
       "Keep certctl's outputs outside the forms folder."),
    _R("M001", ERROR, "missing-reporting-unit", "缺少填报单位", "填报单位 (reporting unit) is missing",
       DQ + "；表头与必填项见" + QD + " 附件1—4", "表头上方缺少“填报单位”。", "The reporting unit (填报单位) is missing above the header.",
       "请在“填报单位（盖章）：”后填写单位全称。", "Fill in the unit's full name after 填报单位（盖章）：."),
    _R("M002", ERROR, "missing-reporter", "缺少填报人员", "填报人员 (person filling in) is missing",
       DQ + "；表头与必填项见" + QD + " 附件1—4", "表头上方缺少“填报人员”。", "The person filling in the form (填报人员) is missing.",
       "请填写经办人姓名。", "Fill in the name of the person responsible."),
    _R("M003", ERROR, "missing-phone", "缺少联系电话", "联系电话 (contact phone) is missing",
       DQ + "；表头与必填项见" + QD + " 附件1—4", "表头上方缺少“联系电话”。", "The contact phone (联系电话) is missing.",
       "请填写手机号码或带区号的固定电话。", "Fill in a mobile number or a landline with area code."),
    _R("M004", ERROR, "missing-form-date", "缺少填报时间", "填报时间 (date of the form) is missing",
       DQ + "；表头与必填项见" + QD + " 附件1—4", "表头上方缺少“填报时间”。", "The date of the form (填报时间) is missing.",
       "请填写完整的年月日，例如 2024年6月3日。", "Fill in the full date, e.g. 2024年6月3日."),
    _R("M005", ERROR, "bad-phone", "联系电话格式不正确", "Contact phone is not a valid number",
       DQ, "联系电话“{value}”不是有效的手机号码或带区号的固定电话。",
       "Contact phone '{value}' is not a mainland mobile number or a landline with area code.",
       "手机号为 11 位（1 开头）；固定电话请写区号，如 0513-83123456。",
       "Mobiles have 11 digits starting with 1; landlines need the area code, e.g. 0513-83123456."),
    _R("M006", ERROR, "bad-form-date", "填报时间不是有效日期", "填报时间 is not a valid date", DQ,
       "填报时间“{value}”不是有效日期。", "The form date '{value}' is not a valid date.",
       "请写成 2024年6月3日 或 2024-06-03。", "Write it as 2024年6月3日 or 2024-06-03."),
    _R("M007", WARNING, "form-date-in-future", "填报时间晚于今天", "填报时间 is after today", DQ,
       "填报时间 {date} 晚于今天（{today}），可能写错了（如年份）；期限按所写日期计算。",
       "The form date {date} is after today ({today}): perhaps a wrong year; deadlines are counted from it as written.",
       "请核对填报时间，写错的请改正后重新报送。", "Check the form date; if it is wrong, correct it and send the form again."),

    # ---------------------------------------------------------------- I: identity numbers
    _R("I001", ERROR, "id-missing", "身份证号码为空", "ID number is empty", DQ + "；表头与必填项见" + QD + " 附件1—4",
       "身份证号码为空。", "ID number is empty.", "请填写 18 位身份证号码。", "Fill in the 18-character ID number."),
    _R("I002", ERROR, "id-length", "身份证号码位数或字符不正确", "ID number has the wrong length or characters",
       "GB 11643-1999", "身份证号码“{id}”应为 18 位（前 17 位数字，最后一位数字或 X），现为 {length} 位。",
       "ID number '{id}' must be 18 characters (17 digits, then a digit or X); it has {length}.",
       "请核对证件原件重新填写。", "Check against the ID card and retype it."),
    _R("I003", ERROR, "id-legacy-15", "15 位旧身份证号码", "Legacy 15-digit ID number", "GB 11643-1999",
       "“{id}”是 15 位旧身份证号码，应填写 18 位号码。",
       "'{id}' is a legacy 15-digit ID number; the 18-character number is required.",
       "请向本人核实现行 18 位身份证号码。", "Ask the holder for the current 18-character number."),
    _R("I004", ERROR, "id-checksum", "身份证号码校验位错误", "ID number check character is wrong",
       "GB 11643-1999 (ISO 7064 MOD 11-2)", "身份证号码“{id}”校验位不正确（按前 17 位计算应为 {expected}），可能有录入错误。",
       "ID number '{id}' fails its check character (should be {expected} from the first 17 digits): likely a typo.",
       "请核对证件原件，逐位检查。", "Check every digit against the ID card."),
    _R("I005", ERROR, "id-birth-date", "身份证号码中的出生日期不存在", "ID number's birth date is impossible",
       "GB 11643-1999", "身份证号码“{id}”中的出生日期 {birth} 不存在或不合理。",
       "ID number '{id}' contains an impossible birth date {birth}.", "请核对证件原件。", "Check against the ID card."),
    _R("I006", ERROR, "id-stored-as-number", "身份证号码被存成数字，后几位已丢失",
       "ID number stored as a number: Excel has lost its last digits", DQ,
       "身份证号码被 Excel 存成了数字（显示为 {id}），Excel 只保留 15 位有效数字，后几位已经丢失，无法核对号码。",
       "The ID number was stored by Excel as a number (shows as {id}); Excel keeps only 15 significant digits, so the last digits are lost.",
       "请把该列单元格格式设为“文本”，再重新输入完整的 18 位号码（不能只改格式，丢失的数字需要重新输入）。",
       "Format the column as Text, then retype the full 18-character numbers (changing the format alone does not bring the digits back)."),
    _R("I007", INFO, "id-normalised", "身份证号码经规范化后通过（去空格、全角转半角、x 转 X）",
       "ID number accepted after normalisation (spaces, full-width, x)", DQ,
       "身份证号码已规范化，按“{id}”接受。", "ID number normalised and accepted as '{id}'.",
       "建议在原表中去掉多余的空格或全角字符。", "Consider removing the extra spaces or full-width characters in the form."),
    _R("I008", ERROR, "id-province", "身份证号码省级代码不存在", "ID number's province code does not exist",
       "GB/T 2260", "身份证号码“{id}”的前两位 {prefix} 不是有效的省级行政区划代码。",
       "ID number '{id}' starts with {prefix}, which is not a province code.", "请核对证件原件。", "Check against the ID card."),
    _R("I009", WARNING, "id-area-unknown", "身份证号码地址码不在已知行政区划代码中",
       "ID number's 6-digit address code is not a known (current or historical) code", "GB/T 2260",
       "身份证号码“{id}”的地址码 {area} 不在已知的现行或历史行政区划代码中。",
       "ID number '{id}': address code {area} is not a known current or historical code.",
       "旧代码终身有效；如与证件原件一致可忽略。", "Old codes stay valid for life; ignore if it matches the ID card."),
    _R("I010", ERROR, "sex-mismatch", "性别与身份证号码不一致", "性别 disagrees with the ID number",
       "GB 11643-1999", "性别填写为“{value}”，但身份证号码第 17 位表示“{expected}”。",
       "性别 is '{value}' but the ID number's 17th digit means '{expected}'.",
       "请核对性别或身份证号码。", "Check the sex or the ID number."),
    _R("I011", ERROR, "under-age", "持证人未满 18 周岁", "Holder is under 18", DQ,
       "按身份证号码计算，持证人在 {on} 时只有 {age} 岁，未满 {min} 周岁。",
       "By the ID number the holder is {age} on {on}, under {min}.", "请核对身份证号码。", "Check the ID number."),
    _R("I012", WARNING, "over-age", "持证人已超过 65 周岁", "Holder is over 65", DQ,
       "按身份证号码计算，持证人在 {on} 时已 {age} 岁（超过 {max} 岁），请确认是否仍在执法岗位。",
       "By the ID number the holder is {age} on {on} (over {max}); check they are still in post.",
       "如已退休，应办理证件注销。", "If retired, the certificate must be revoked."),

    # ---------------------------------------------------------------- N: names
    _R("N001", ERROR, "name-missing", "姓名为空", "姓名 (name) is empty", DQ + "；表头与必填项见" + QD + " 附件1—4",
       "姓名为空。", "Name is empty.", "请填写持证人姓名。", "Fill in the holder's name."),
    _R("N002", WARNING, "name-latin-digit", "姓名含数字或拉丁字母", "Name contains digits or Latin letters",
       DQ, "姓名“{value}”含有数字或拉丁字母，请确认。", "Name '{value}' contains digits or Latin letters.",
       "请核对是否误录了数字或字母；少数民族姓名中间的点请用“·”。",
       "Check for mistyped digits or letters; use '·' between the parts of minority names."),

    # ---------------------------------------------------------------- D: dates
    _R("D001", ERROR, "bad-date", "日期无法识别或不存在", "Date is unreadable or impossible", DQ,
       "“{field}”的值“{value}”{why}。", "{field} '{value}' {why}.",
       "请写成 2024年6月3日、2024-06-03 或 2024.6.3。", "Write it as 2024年6月3日, 2024-06-03 or 2024.6.3."),
    _R("D002", ERROR, "date-after-form", "日期晚于填报时间", "Date is after the form's 填报时间", DQ,
       "“{field}”为 {value}，晚于填报时间 {form_date}。", "{field} {value} is after the form date {form_date}.",
       "请核对日期。", "Check the date."),
    _R("D003", INFO, "date-without-year", "日期没有写年份，按填报时间推定年份", "A date without its year, given the "
       "year of the form's 填报时间", DQ + "：读表惯例（没有年份的日期，按填报时间当天或之前最近的该日读）",
       "“{field}”的值“{value}”没有写年份，按填报时间 {form_date} 读作 {date}。",
       "{field} '{value}' has no year; read as {date}, the last such day up to the form date {form_date}.",
       "如年份不对，请写上年份，如 2024年5月20日。", "If that is the wrong year, write the year, e.g. 2024年5月20日."),

    # ---------------------------------------------------------------- C: certificate numbers
    _R("C001", ERROR, "cert-missing", "证件号码为空", "Certificate number is empty", DQ + "；表头与必填项见" + QD + " 附件1—4",
       "“{field}”为空。", "{field} is empty.", "请按证件原件填写证件号码。", "Fill in the number from the certificate."),
    _R("C002", ERROR, "cert-chars", "证件号码含空格或字母数字以外的字符",
       "Certificate number contains characters other than letters and digits", DQ,
       "证件号码“{value}”含有字母和数字以外的字符。", "Certificate number '{value}' contains characters other than letters and digits.",
       "请按证件原件填写，不要加空格或标点。", "Copy it from the certificate without spaces or punctuation."),
    _R("C003", ERROR, "cert-stored-as-number", "证件号码被存成数字，位数已丢失",
       "Certificate number stored as a number that lost digits", DQ,
       "证件号码被 Excel 存成了数字（显示为 {value}），超过 15 位的部分已经丢失。",
       "The certificate number was stored as a number ({value}); digits beyond 15 are lost.",
       "请把该列设为“文本”格式后重新输入完整号码。", "Format the column as Text and retype the full numbers."),
    _R("C004", ERROR, "cert-pattern", "证件号码不符合配置的编码格式", "Certificate number does not match the configured pattern",
       DQ + "（certctl.toml [cert_patterns]）", "证件号码“{value}”不符合{category}证件的编码格式 {pattern}。",
       "Certificate number '{value}' does not match the {category} pattern {pattern}.",
       "请核对证件原件。", "Check against the certificate."),

    # ---------------------------------------------------------------- V: values
    _R("V001", ERROR, "required-empty", "必填项为空", "A required cell is empty", DQ,
       "“{field}”为必填项，不能为空。", "{field} is required.", "请补充填写。", "Fill it in."),
    _R("V002", ERROR, "not-in-list", "取值不在规定选项中", "Value is not one of the allowed options", DQ,
       "“{field}”的值“{value}”不在规定选项中（{allowed}）。{suggest}",
       "{field} '{value}' is not one of the allowed options ({allowed}).{suggest}",
       "请从下拉列表中选择。", "Pick a value from the drop-down list."),
    _R("V003", ERROR, "not-a-number", "应为数字", "Value must be a number", DQ,
       "“{field}”的值“{value}”不是数字。", "{field} '{value}' is not a number.",
       "请只填写数字，例如 24。", "Type a number only, e.g. 24."),

    # ---------------------------------------------------------------- U: duplicates within a form
    _R("U001", ERROR, "duplicate-id",
       "同一人在表中出现多次（同一身份证号码；附件1 按同一情况、摸排表按同一证件类别计）",
       "The same person appears twice in the form (one ID number; in annex 1 with the same 情况, in the survey "
       "with the same certificate category)",
       DQ, "身份证号码“{id}”在本表中重复出现（另见{other}）。",
       "ID number '{id}' appears more than once in this form (see also {other}).",
       "请删除重复行或核对号码。", "Delete the duplicate row or check the number."),
    _R("U002", ERROR, "cert-two-ids", "同一证件号码对应不同身份证号码", "One certificate number is given for two ID numbers",
       DQ, "证件号码“{value}”在{other}对应另一个身份证号码。",
       "Certificate number '{value}' is given for a different ID number on {other}.",
       "一个证件号码只能属于一人，请核对。", "A certificate number belongs to one person only: check both rows."),

    # ---------------------------------------------------------------- A: annex rules
    _R("A201", INFO, "annex2-return-certificate", "注销表报送时须交还原证件",
       "Annex 2: the original certificate must be handed back with the form", QD + " 二；附件2 注",
       "报送注销表时，领证单位应当将原行政执法（监督）证件同时交还市司法局（共 {rows} 本）。",
       "With the revocation form the unit must hand back the original certificates ({rows})."),
    _R("A301", INFO, "annex3-return-certificate", "换证表报送时须交还原证件",
       "Annex 3: the original certificate must be handed back with the form", QD + " 二；附件3 注",
       "报送换证表时，领证单位应当将原行政执法（监督）证件同时交还市司法局（共 {rows} 本）。",
       "With the replacement form the unit must hand back the original certificates ({rows})."),
    _R("A302", WARNING, "annex3-same-unit", "换证原因为调到其他单位，但原所属主体与现所属主体相同",
       "Annex 3: the reason is a move to another unit, yet the original and the new unit are the same", QD + " 二",
       "换证原因为“{reason}”（调到其他单位），但原所属主体与现所属主体相同（{value}）。",
       "The reason is '{reason}' (a move to another unit), yet the original and the new unit are the same ({value}).",
       "请核对现所属主体是否应为调入的新单位；如只是本单位内岗位调动，换证原因请写“岗位调动”。",
       "Check 现所属主体 is the new unit; for a change of post inside the unit, write 岗位调动 as the reason."),
    _R("A303", ERROR, "annex3-new-field-training", "调动换证：新执法领域培训不足 20 学时",
       "Annex 3: fewer than 20 hours of training in the new field", ZS + " 三.3",
       "新执法领域培训学时为 {value}，不足 {min} 学时，不能换发证件。",
       "New-field training is {value} hours, below {min}: the certificate cannot be replaced yet.",
       "由新执法机关完成不少于 20 学时的新执法领域专业培训后再报送。",
       "The new body must complete at least 20 hours of new-field training first."),
    _R("A401", ERROR, "annex4-declaration-missing", "补发表未填写声明作废情况",
       "Annex 4: the invalidation declaration is missing", QD + " 二；附件4 注",
       "“领证机关声明作废情况”为空：补发证件须先声明原证件作废。",
       "The invalidation declaration is empty: a reissue needs the lost certificate declared void first.",
       "请填写声明作废的方式和时间（如 2024年6月1日 在XX报登报声明作废）。",
       "State how and when it was declared void (e.g. notice in a newspaper on a date)."),
    _R("A402", INFO, "annex4-attach-proof", "补发表须附声明作废凭证",
       "Annex 4: attach proof of the invalidation declaration", QD + " 二；附件4 注",
       "报送补发表时，应就声明作废情况附相关凭证（共 {rows} 人）。",
       "Attach proof of each invalidation declaration ({rows} holders)."),

    # ---------------------------------------------------------------- S: cleanup survey
    _R("S001", ERROR, "survey-non-staff", "非正式在编人员持有执法证件",
       "Non-staff (agency, contract, auxiliary, service) holder of a certificate", ZS + " 三.2（一）",
       "人员身份为“{value}”，属于非正式在编人员，不得持有执法证件，应取消执法资格并收回证件。",
       "Person type '{value}' is not permanent staff and may not hold a certificate: revoke and recover it.",
       "请办理注销并填写附件2。", "Revoke the certificate (annex 2)."),
    _R("S002", ERROR, "survey-left-still-held", "已离岗人员仍持有执法证件",
       "Holder has left the post but still holds the certificate", ZS + " 三.2（二）、三.3",
       "在岗状态为“{value}”，证件仍未注销、收回。", "Status is '{value}' but the certificate has not been revoked.",
       "请及时收回并注销（附件2）。", "Recover and revoke it (annex 2)."),
    _R("S003", ERROR, "survey-old-version", "仍持有已作废的旧版证件", "An old-version certificate is still held",
       ZS + " 三.2（四）", "证件版本为旧版，已作废的旧版证件应完成换发、注销或收回。",
       "The certificate is the void old version: it must be replaced, revoked or recovered.",
       "请办理换证或注销。", "Replace or revoke it."),
    _R("S004", WARNING, "survey-training-short",
       "本年度培训学时低于全年要求（10 月 1 日前的摸排为提示：学时尚可补足）",
       "Annual training hours below the requirement (info before 1 October: the hours can still be made up)",
       ZS + " 三.4；" + HOURS, "本年度培训学时为 {value}，低于全年要求的 {min} 学时{verdict}",
       "Training this year is {value} hours, below the yearly {min}{verdict}",
       "请在年底前补足学时。", "Complete the hours before year end."),
    _R("S005", WARNING, "survey-new-field-short", "新执法领域培训不足 20 学时",
       "New-field training below 20 hours", ZS + " 三.3",
       "新执法领域培训学时为 {value}，不足 {min} 学时，换发新证前须补足。",
       "New-field training is {value} hours, below {min}: complete it before a new certificate is issued.",
       "由新执法机关组织不少于 20 学时的新执法领域专业培训后，再申请换发证件。",
       "The new body must give at least 20 hours of new-field training before a new certificate is applied for."),
    _R("S006", ERROR, "survey-over-quota", "持证人数超过机构编制数或执法岗位数",
       "Holders exceed the unit's establishment or enforcement posts", ZS + " 三.2（三）",
       "{unit} 持证 {holders} 人，超过{what} {limit}。", "{unit} has {holders} holders, more than its {what} ({limit}).",
       "请核查超编、超岗申领证件情况。", "Check for certificates issued beyond the establishment or posts."),
    _R("S007", WARNING, "survey-colour-mismatch", "单位自报的红黄绿与规则判定不一致",
       "The unit's own red/yellow/green disagrees with the rules", ZS + " 三.3",
       "单位填报为“{value}”，按规则应为“{expected}”（{reason}）。",
       "The unit reported '{value}', the rules give '{expected}' ({reason}).",
       "红黄绿由规则判定：请按判定结果更正“证件状态”，并在“处理意见”中写明处理办法。",
       "Red/yellow/green follows the rules: correct 证件状态 and state the action in 处理意见."),
    _R("S008", ERROR, "survey-leave-date-missing", "离岗人员未填写离岗日期",
       "离岗日期 missing for a holder who is not in post", DQ,
       "在岗状态为“{status}”，必须填写离岗日期。", "Status is '{status}': 离岗日期 (date of leaving) is required.",
       "请填写离岗日期。", "Fill in the date of leaving."),
    _R("S009", WARNING, "survey-holder-count", "单位表的持证人数与人员表不一致",
       "The unit sheet's holder count differs from the people sheet", DQ,
       "{unit} 在单位表中填报持证 {reported} 人，人员表中有 {counted} 人。",
       "{unit} reports {reported} holders on the unit sheet; the people sheet lists {counted}.",
       "请核对两张表：人员表应列出单位的每一名持证人员。",
       "Check both sheets: the people sheet must list every holder of the unit."),

    # ---------------------------------------------------------------- T: deadlines
    _R("T001", ERROR, "late-loss-report", "证件遗失后超过 3 个工作日才报送补发表",
       "Lost certificate reported after 3 working days", QD + " 二",
       "证件遗失时间 {event}{before_notice}，报送期限为 {deadline}（含当日），填报时间 {form_date}，逾期 {late} 个工作日。",
       "Lost on {event}{before_notice}; due by {deadline}; reported {form_date}: {late} working days late.",
       "请在备注中说明逾期原因；证件遗失后应在 3 个工作日内报送补发表。",
       "Explain the delay in 备注; a lost certificate must be reported within 3 working days."),
    _R("T002", ERROR, "late-change-report", "人员变动后超过 3 个工作日才报送注销/换证表",
       "Revocation or replacement reported after 3 working days", QD + " 二",
       "变动日期 {event}{before_notice}，报送期限为 {deadline}（含当日），填报时间 {form_date}，逾期 {late} 个工作日。",
       "Change on {event}{before_notice}; due by {deadline}; reported {form_date}: {late} working days late.",
       "请在备注中说明逾期原因；人员离岗、调岗后应在 3 个工作日内报送。",
       "Explain the delay in 备注; departures and moves must be reported within 3 working days."),
    _R("T003", INFO, "deadline-not-checkable", "表中没有变动日期，无法核对 3 个工作日期限",
       "No 变动日期 column: the 3-working-day deadline cannot be checked", QD + " 二",
       "表中没有“变动日期”列，无法核对 3 个工作日的报送期限。",
       "The form has no 变动日期 column, so the 3-working-day deadline cannot be checked.",
       "使用 certctl template 生成的模板可填写变动日期。", "Templates from `certctl template` have a 变动日期 column."),
    _R("T004", ERROR, "left-not-revoked-in-time", "自查自纠阶段结束后，离岗人员证件仍未注销、收回",
       "The self-correction phase is over and a holder who left still holds the certificate",
       ZS + " 二（第二阶段 自查自纠）、三.3",
       "离岗日期 {event}，证件仍未注销、收回；应在{phase}（{deadline} 前，含当日）办结，截至 {form_date} 已逾期 {late} 个工作日。",
       "Left on {event} and still held; due {phase} (by {deadline}); {late} working days late on {form_date}.",
       "请立即收回证件并报送注销表（附件2）。", "Recover the certificate now and file the revocation form (annex 2)."),
    _R("T005", WARNING, "calendar-year-unknown", "节假日安排未知的年份，按周一至周五计算",
       "A year with no holiday schedule: counted Monday to Friday", DQ,
       "{year} 年的法定节假日安排未知，按周一至周五计算工作日。",
       "The {year} holiday schedule is unknown; working days counted Monday to Friday.",
       "可在 certctl.toml 的 [calendar.{year}] 中填写 holidays 和 workdays。",
       "Add holidays and workdays under [calendar.{year}] in certctl.toml."),

    # ---------------------------------------------------------------- X: cross-form (merge)
    _R("X001", ERROR, "dual-certificate", "领取国家部委证件的人员同时持有《江苏省行政执法证》",
       "A holder of a national-ministry certificate also holds the Jiangsu certificate", QD + " 二",
       "身份证号码“{id}”已领取国家部委证件 {cert2}，同时持有《江苏省行政执法证》{cert}（另见 {other}）。",
       "ID '{id}' holds national-ministry certificate {cert2} and also the Jiangsu certificate {cert} (see also {other}).",
       "领取国家部委行政执法证件的人员不得同时领取《江苏省行政执法证》：请收回该人员的江苏省证件并报送注销表（附件2）；"
       "国家部委证件由发证部委管理，不在本级注销。",
       "A ministry-card holder may not also hold the Jiangsu card: recover the Jiangsu card and file annex 2; "
       "the ministry card is not revoked here.", scope="merge"),
    _R("X002", ERROR, "cert-shared", "同一证件号码属于两个不同身份证号码",
       "One certificate number is held by two different ID numbers", DQ,
       "证件号码 {cert} 同时对应身份证号码“{id}”和“{id2}”（另见 {other}）。",
       "Certificate {cert} is held by ID '{id}' and ID '{id2}' (see also {other}).", scope="merge"),
    _R("X003", ERROR, "id-two-units", "同一人在两个单位同时持有有效证件",
       "One ID number is active under two units", DQ,
       "身份证号码“{id}”同时在“{unit}”和“{unit2}”持有有效证件（另见 {other}）。",
       "ID '{id}' is active under '{unit}' and '{unit2}' (see also {other}).", scope="merge"),
    _R("X004", ERROR, "revoked-still-active", "已注销的证件在摸排表中仍为有效",
       "A survey shows a certificate active after annex 2 revoked it", DQ,
       "证件 {cert} 的注销已于 {date} 报送或录入（{other}），摸排表仍报告为持有。",
       "Certificate {cert}: its revocation was filed or entered on {date} ({other}), yet the survey reports it as held.",
       "请核对：证件已注销的，摸排表应改为不持证；仍在使用的，应立即收回。",
       "Check: if revoked, the survey must not list it as held; if still in use, recover it now.", scope="merge"),
    _R("X005", INFO, "duplicate-file", "内容相同的文件只合并一次", "A file with identical content is merged once",
       DQ, "与 {other} 内容完全相同，只合并一次。", "Identical to {other}; merged once.", scope="merge"),
    _R("X008", WARNING, "correction-or-addition", "无法判断后报的文件是更正版还是补充报送",
       "A later file could be a correction or an addition", DQ + "：同一报送的版本，见 docs/versions.md",
       "同一单位、同一表格类型：{detail}。无法判断是更正还是补充报送，两份都已并入台账。",
       "Same unit, same form: {detail}. It could be a correction or an addition; both were merged.",
       "如是更正，请报送单位在文件名中注明（更正版）后重新报送；如是补充，可忽略本提示。",
       "If it is a correction, ask the unit to resend it named （更正版）; if an addition, nothing to do.",
       scope="merge"),
    _R("X009", INFO, "superseded-rows", "表格的行已被更正版取代",
       "Rows of the form were superseded by a corrected version", DQ + "：同一报送的版本，见 docs/versions.md",
       "本文件有 {n} 行已被更正版 {other} 取代，按更正后的内容并入（期限仍按本文件的填报时间计算）；"
       "更正版未涉及的 {kept} 行仍按本文件并入。",
       "{n} rows were superseded by the corrected {other} and merged as corrected (deadlines still judged on this "
       "file's date); {kept} rows the correction leaves out are merged from this file.", scope="merge"),
    _R("X006", ERROR, "row-rejected", "该行未并入台账", "The row was not merged into the ledger", DQ,
       "该行未并入台账：{reason}", "The row was not merged: {reason}", scope="merge"),
    _R("X007", WARNING, "ledger-colour-mismatch", "单位自报的红黄绿与台账判定不一致",
       "The unit's own red/yellow/green disagrees with the ledger", ZS + " 三.3",
       "证件 {cert}：单位填报为“{value}”，台账判定为“{expected}”（{reason}）。",
       "Certificate {cert}: the unit reported '{value}', the ledger gives '{expected}' ({reason}).", scope="merge"),

    # ---------------------------------------------------------------- R: reference lists
    _R("R001", WARNING, "unit-abbreviation", "使用了单位简称而非全称", "A unit's short name is used where the full name is required",
       DQ, "“{value}”是简称，应填写全称“{expected}”。", "'{value}' is a short name; use the full name '{expected}'.",
       scope="merge"),
    _R("R002", WARNING, "unit-unknown", "单位不在执法主体清单中", "The unit is not in the registry of enforcement bodies",
       DQ, "“{value}”不在执法主体清单中。", "'{value}' is not in the registry of enforcement bodies.",
       scope="merge"),
]}


#: the rule set of each rule that comes from a notice; every other rule is certctl's own (CERTCTL_SET)
_NOTICE_RULES = {
    QIDONG_SET: ("A201", "A301", "A302", "A401", "A402", "T001", "T002", "T003", "X001"),
    ZHASHUI_SET: ("A303", "S001", "S002", "S003", "S004", "S005", "S006", "S007", "T004", "X007"),
}
for _set, _codes in _NOTICE_RULES.items():
    for _code in _codes:
        RULES[_code] = replace(RULES[_code], ruleset=_set)


def get(code: str) -> Rule:
    return RULES[code]
