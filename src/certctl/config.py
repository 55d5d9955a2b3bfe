"""certctl.toml: settings of certctl (SPEC sections 3 and 4), validated with pydantic v2.

``load_config()`` reads ``certctl.toml`` from the current directory (a missing file means the
defaults); ``load_config(path)`` reads that file, which must exist. Every problem raises
:class:`ConfigError` whose message names the file, the key and its line, in Chinese (``zh``) and English
(``en``; the command line shows the run's language), e.g.::

    certctl.toml: deadlines.report_days: 必须是正整数，现为 "abc"（第 2 行）
    certctl.toml: deadlines.report_days: must be a positive integer, got "abc" (line 2)

A TOML syntax error names the line, shows it and says in Chinese what is likely wrong (a Chinese
quote, text without quotes, a date that does not exist, a key written twice).

See ``certctl.example.toml`` at the repository root for every key, documented.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
import os
import re
import tomllib
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .workdays import Warn, WorkCalendar, YearSpec

__all__ = [
    "CONFIG_FILENAME",
    "Config",
    "ConfigError",
    "Deadlines",
    "Training",
    "Age",
    "Rules",
    "RuleSets",
    "Output",
    "CalendarYear",
    "load_config",
    "config_from_dict",
    "make_calendar",
    "JUDGING_SECTIONS",
    "judging_settings",
]

CONFIG_FILENAME = "certctl.toml"


class ConfigError(Exception):
    """A configuration file that cannot be used: ``zh`` and ``en`` the message for the clerk in each
    language (:meth:`text`); ``str(err)`` both, for a caller that does not know the language."""

    def __init__(self, message: str, key: str | None = None, *, zh: str | None = None, en: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        self.zh = message if zh is None else zh
        self.en = message if en is None else en

    def __str__(self) -> str:
        return self.message

    def text(self, lang: str) -> str:
        """The message in ``lang`` ("zh" or "en")."""
        return self.en if lang == "en" else self.zh


def _both(zh: str, en: str, key: str | None = None) -> ConfigError:
    return ConfigError(_bilingual(zh, en), key, zh=zh, en=en)


def _bilingual(zh: str, en: str) -> str:
    """Both messages, line by line, what they share said once: ``where: key: 中文 (English)`` (``str()`` of a
    :class:`ConfigError`, for a caller that has no language)."""
    out = []
    for z, e in zip(zh.split("\n"), en.split("\n")):
        shared = os.path.commonprefix([z, e])
        cut = shared.rfind(": ") + 2 if ": " in shared else 0
        out.append(z if z == e else f"{z} ({e[cut:]})")
    return "\n".join(out)


def _invalid(key: str, zh: str, en: str, ctx: dict[str, Any]) -> PydanticCustomError:
    """A value certctl refuses: ``key: zh (en)`` as pydantic's message, each half also in the error's
    context (``msg_zh``, ``msg_en``) for the run's language."""
    zh, en = f"{key}: " + zh.format(**ctx), f"{key}: " + en.format(**ctx)
    return PydanticCustomError("config_value", f"{zh} ({en[len(key) + 2:]})", {"msg_zh": zh, "msg_en": en})


_STRICT_INT: dict[str, Any] = {"strict": True}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Deadlines(_Section):
    """Working-day deadlines and fixed campaign dates (SPEC 4)."""

    system_entry_days: int = Field(10, gt=0, **_STRICT_INT)  # Qidong 一
    report_days: int = Field(3, gt=0, **_STRICT_INT)  # Qidong 二
    due_soon_days: int = Field(3, ge=0, **_STRICT_INT)  # yellow: due within N working days
    survey_due: _dt.date = _dt.date(2024, 6, 5)  # Zhashui 四.3
    report_due: _dt.date = _dt.date(2024, 7, 25)  # Zhashui 四.3
    training_plan_due: _dt.date = _dt.date(2024, 6, 5)  # Zhashui 四.3


class Training(_Section):
    """Training-hour requirements (SPEC 3, survey rules)."""

    annual_hours: float = Field(60, ge=0)
    new_field_hours: float = Field(20, ge=0)

    @field_validator("annual_hours", "new_field_hours", mode="before")
    @classmethod
    def _number_not_bool(cls, v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise PydanticCustomError("not_number", "not a number")
        return v


class Age(_Section):
    """Age limits checked from the ID number at the form date."""

    min: int = Field(18, ge=0, le=150, **_STRICT_INT)
    warn_over: int = Field(65, ge=0, le=150, **_STRICT_INT)

    @model_validator(mode="after")
    def _ordered(self) -> "Age":
        if self.min >= self.warn_over:
            raise _invalid("age.warn_over", "必须大于 age.min，现为 min = {min}，warn_over = {warn_over}",
                           "must be greater than age.min, got min = {min}, warn_over = {warn_over}",
                           {"min": self.min, "warn_over": self.warn_over})
        return self


class Rules(_Section):
    """Rule switches: codes listed in ``disable`` are not reported."""

    disable: list[str] = Field(default_factory=list)

    @field_validator("disable", mode="before")
    @classmethod
    def _codes(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list):
            raise PydanticCustomError("not_code_list", "not a list of rule codes")
        out = []
        for i, code in enumerate(v):
            if not isinstance(code, str) or not code.strip() or re.search(r"\s", code.strip()):
                raise _invalid(f"rules.disable[{i}]", "必须是规则编号，如 \"I012\"，现为 {got}",
                               "must be a rule code such as \"I012\", got {got}", {"got": _show(code)})
            out.append(_known_code(i, code.strip()))
        return out


def _known_code(i: int, code: str) -> str:
    """``code`` as the rules know it (upper case: the findings' codes are); a code no rule has is an error,
    not a switch that silently switches nothing off (the example of older versions, "W203", was one)."""
    from .rules import RULES

    if code.upper() in RULES:
        return code.upper()
    close = difflib.get_close_matches(code.upper(), list(RULES), n=1, cutoff=0.7)
    hint = f"；是否应为 {close[0]}？" if close else ""
    hint_en = f"; did you mean {close[0]}?" if close else ""
    raise _invalid(f"rules.disable[{i}]", "没有编号为 {got} 的规则（certctl rules 列出全部规则）{hint}",
                   "no rule has the code {got}; certctl rules lists them{hint_en}",
                   {"got": _show(code), "hint": hint, "hint_en": hint_en})


_SET_KEYS = ("qidong2020", "zhashui2024", "certctl")


class RuleSets(_Section):
    """Which rule sets run (SPEC 6) and the places each notice's set binds (words of unit or folder
    names). certctl's own data-quality set always runs; single rules are switched off in [rules]."""

    enabled: list[str] = Field(default_factory=lambda: list(_SET_KEYS))
    places: dict[str, list[str]] = Field(default_factory=lambda: {"qidong2020": ["启东"], "zhashui2024": ["柞水"]})

    @field_validator("enabled", mode="before")
    @classmethod
    def _known_sets(cls, v: Any) -> Any:
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise PydanticCustomError("not_set_list", "not a list of rule sets")
        for i, key in enumerate(v):
            if key not in _SET_KEYS:
                raise _invalid(f"rulesets.enabled[{i}]", "没有规则集 {got}，可用：qidong2020、zhashui2024、certctl",
                               "no rule set {got}; use qidong2020, zhashui2024, certctl", {"got": _show(key)})
        return v

    @field_validator("places", mode="after")
    @classmethod
    def _known_places(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for key in v:
            if key not in _SET_KEYS[:2]:
                raise _invalid(f"rulesets.places.{key}", "只能为 qidong2020 或 zhashui2024 指定地方",
                               "places are given for qidong2020 or zhashui2024 only", {})
        return v

    def jurisdiction(self) -> Any:
        from .jurisdiction import DEFAULT_PLACES, Jurisdiction

        places = dict(DEFAULT_PLACES)
        places.update({k: tuple(w for w in words if w.strip()) for k, words in self.places.items()})
        return Jurisdiction(frozenset(self.enabled) | {"certctl"}, places)


class CampaignPhase(_Section):
    name: str
    start: _dt.date
    end: _dt.date


class CampaignDeliverable(_Section):
    """One thing every bound unit sends: a survey form, or a file known by the words of its name."""

    kind: Literal["survey", "training_plan", "cleanup_report"]
    due: _dt.date
    label: str = ""  # short name (单位汇总 未报送); default by kind
    words: list[str] = Field(default_factory=list)  # file-name words; default by kind


def _default_phases() -> list[CampaignPhase]:
    d = _dt.date
    return [CampaignPhase(name="动员", start=d(2024, 5, 22), end=d(2024, 5, 31)),
            CampaignPhase(name="自查自纠", start=d(2024, 6, 1), end=d(2024, 6, 30)),
            CampaignPhase(name="总结提升", start=d(2024, 7, 1), end=d(2024, 7, 31))]


class CampaignCfg(_Section):
    """A campaign (SPEC 4): the shipped one is the Zhashui 2024 cleanup (柞政司发〔2024〕52号 二、四.3).
    Next year's campaign is a new entry here, not new code. ``deliverables`` empty: the three of
    [deadlines] (survey_due, training_plan_due, report_due)."""

    key: str = "zhashui2024-cleanup"
    name: str = "行政执法人员资格证件专项清理"
    name_en: str = "enforcement certificate cleanup"
    notice: str = "柞政司发〔2024〕52号"
    clause: str = "四.3"
    ruleset: Literal["qidong2020", "zhashui2024"] = "zhashui2024"
    units: list[str] = Field(default_factory=lambda: ["*"])  # registry full names it binds (patterns), within its rule set's places
    start: _dt.date = _dt.date(2024, 5, 22)
    end: _dt.date = _dt.date(2024, 7, 31)
    followup_due: _dt.date = _dt.date(2024, 6, 30)  # survey finds: revoked or replaced by (end of 自查自纠)
    phases: list[CampaignPhase] = Field(default_factory=_default_phases)
    deliverables: list[CampaignDeliverable] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> "CampaignCfg":
        if self.end < self.start:
            raise _invalid("campaign.end", "早于 campaign.start，现为 {end}", "before the start, got {end}",
                           {"end": self.end.isoformat()})
        return self


class CalendarYear(_Section):
    """One year's holiday schedule, for a year chinese-calendar does not know (or to correct it)."""

    holidays: list[_dt.date] = Field(default_factory=list)
    workdays: list[_dt.date] = Field(default_factory=list)
    names: dict[_dt.date, str] = Field(default_factory=dict)

    def to_spec(self) -> YearSpec:
        return YearSpec(
            holidays=frozenset(self.holidays),
            workdays=frozenset(self.workdays),
            names=dict(self.names),
        )


class Output(_Section):
    """Files certctl writes that hold personal data (ledger, reports, annotated copies, logs, cache)."""

    mode: str = "0600"  # permission bits as octal text; the umask is applied on top

    @field_validator("mode", mode="before")
    @classmethod
    def _octal(cls, v: Any) -> Any:
        if not isinstance(v, str) or not re.fullmatch(r"0?[0-7]{3}", v.strip()):
            raise PydanticCustomError("not_mode", "not an octal mode")
        bits = int(v.strip(), 8)
        if bits & 0o600 != 0o600 or bits & 0o111 or bits & 0o002:
            # the ledger is the clerk's working file: they must read and save it; nothing certctl writes is a
            # program; personal data that any user of the computer can change is not protected (data-protection.md)
            raise _invalid("output.mode", "{got} 不可用：文件须本人可读写（6__），不能有执行位（1），其他用户不能写（__2）；"
                           "常用 \"0600\"（仅本人）或 \"0640\"（同组可读）",
                           "{got}: the owner must read and write, no execute bits, not writable by others: "
                           "use \"0600\" or \"0640\"", {"got": _show(v.strip())})
        return v.strip()

    @property
    def file_mode(self) -> int:
        return int(self.mode, 8)


class Config(_Section):
    """All settings of certctl; every field has the default of SPEC 3–4."""

    lang: Literal["zh", "en"] = "zh"
    forms_dir: str = "ledger"
    ledger: str = "台账.xlsx"
    deadlines: Deadlines = Field(default_factory=Deadlines)
    training: Training = Field(default_factory=Training)
    age: Age = Field(default_factory=Age)
    rules: Rules = Field(default_factory=Rules)
    rulesets: RuleSets = Field(default_factory=RuleSets)
    campaign: CampaignCfg = Field(default_factory=CampaignCfg)
    cert_patterns: dict[str, str] = Field(default_factory=dict)
    calendar: dict[int, CalendarYear] = Field(default_factory=dict)
    state_dir: str | None = None  # locks and cache (default: the user's cache folder); see certctl.state
    output: Output = Field(default_factory=Output)

    @field_validator("forms_dir", "ledger", "state_dir", mode="before")
    @classmethod
    def _non_empty(cls, v: Any, info: Any) -> Any:
        if not isinstance(v, str) or not v.strip():
            raise PydanticCustomError("non_empty_str", "must be a non-empty string")
        if re.search(r"[\x00-\x1f]", v):  # "D:\new\表格": \n and \t are escapes in a TOML "string"
            raise _invalid(info.field_name, "路径 {got} 中有换行或制表符：双引号里的 \\n、\\t 是转义符；Windows 路径请用"
                           "单引号，如 {key} = 'D:\\证件\\ledger'，或写成 D:/证件/ledger",
                           "the path {got} has a newline or tab in it: in a double-quoted TOML string \\n and \\t "
                           "are escapes; put a Windows path in single quotes, e.g. {key} = 'D:\\证件\\ledger'",
                           {"key": info.field_name, "got": _show(v)})
        if v.startswith("~"):  # "~/证件/ledger": the home folder, as state_dir already took it, not a folder named ~
            import os

            return os.path.expanduser(v)
        return v

    @field_validator("cert_patterns", mode="after")
    @classmethod
    def _patterns(cls, v: dict[str, str]) -> dict[str, str]:
        for category, pattern in v.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise _invalid(f"cert_patterns.{category}", "不是有效的正则表达式（{err}），现为 {got}",
                               "not a valid regular expression ({err}), got {got}",
                               {"err": str(exc), "got": _show(pattern)}) from None
        return v

    @field_validator("calendar", mode="after")
    @classmethod
    def _calendar_years(cls, v: dict[int, CalendarYear]) -> dict[int, CalendarYear]:
        for year, spec in v.items():
            if not 1900 <= year <= 2200:
                raise _invalid(f"calendar.{year}", "年份超出范围 1900–2200", "year out of range 1900–2200", {})
            for key, dates in (("holidays", spec.holidays), ("workdays", spec.workdays),
                               ("names", list(spec.names))):
                for d in dates:
                    if d.year != year:
                        raise _invalid(f"calendar.{year}.{key}", "{d} 不在 {year} 年", "{d} is not in year {year}",
                                       {"year": year, "d": d.isoformat()})
            both = sorted(set(spec.holidays) & set(spec.workdays))
            if both:
                raise _invalid(f"calendar.{year}", "{d} 同时列在 holidays 和 workdays 中",
                               "{d} is listed both as a holiday and as a working day", {"d": both[0].isoformat()})
        return v

    # ------------------------------------------------------------------ helpers
    def calendar_obj(self, warn: Warn | None = None, lang: str | None = None) -> WorkCalendar:
        """The working-day calendar of this configuration (see :func:`make_calendar`)."""
        return make_calendar(self, warn=warn, lang=lang)

    def jurisdiction(self) -> Any:
        """The rule sets that run and where (see :mod:`certctl.jurisdiction`)."""
        return self.rulesets.jurisdiction()

    def rule_enabled(self, code: str) -> bool:
        """False when ``code`` is listed in ``[rules] disable`` (case-insensitive)."""
        return code.upper() not in {c.upper() for c in self.rules.disable}


def make_calendar(
    config: Config | None = None, warn: Warn | None = None, lang: str | None = None,
    as_of: _dt.date | None = None,
) -> WorkCalendar:
    """A :class:`WorkCalendar` with the ``[calendar.YYYY]`` years of ``config``.

    ``as_of``: the day the command judges on; give it wherever deadlines are computed for a
    clerk, so that from 1 November a missing next year is said once (``certctl calendar import``).
    """
    config = config or Config()
    return WorkCalendar(
        {year: spec.to_spec() for year, spec in config.calendar.items()},
        warn=warn,
        lang=lang or config.lang,
        as_of=as_of,
    )


#: the sections of certctl.toml that decide what is owed and by when (the clocks, their deadlines, the
#: working-day calendar, the colours): a ledger merged under other values of these is judged differently
JUDGING_SECTIONS = ("deadlines", "training", "age", "rules", "rulesets", "campaign", "cert_patterns", "calendar")


def judging_settings(config: Config | None = None) -> dict[str, Any]:
    """The :data:`JUDGING_SECTIONS` of ``config`` as plain JSON data (dates as ISO text), section by
    section, for comparing the settings a ledger was merged under with today's."""
    import json

    data = (config or Config()).model_dump(mode="json", include=set(JUDGING_SECTIONS))
    return json.loads(json.dumps(data, sort_keys=True, ensure_ascii=False))  # calendar years: text keys


# ---------------------------------------------------------------------- errors
# What each key expects, (zh, en), matched against the dotted key with list indices removed.
_EXPECT: list[tuple[str, tuple[str, str]]] = [
    ("lang", (" \"zh\" 或 \"en\"", "\"zh\" or \"en\"")),
    ("forms_dir", ("非空的目录路径字符串", "a non-empty directory path string")),
    ("ledger", ("非空的文件路径字符串", "a non-empty file path string")),
    ("state_dir", ("非空的目录路径字符串", "a non-empty directory path string")),
    ("output.mode", ("八进制权限字符串，如 \"0600\" 或 \"0640\"", "an octal mode string such as \"0600\" or \"0640\"")),
    ("output", ("表 [output]", "a table [output]")),
    ("deadlines.due_soon_days", ("非负整数", "a non-negative integer")),
    ("deadlines.*_days", ("正整数", "a positive integer")),
    ("deadlines.*_due", ("日期，如 2024-06-05", "a date such as 2024-06-05")),
    ("training.*", ("非负数（学时）", "a non-negative number of hours")),
    ("age.*", ("0–150 之间的整数", "an integer between 0 and 150")),
    ("rulesets.enabled", ("规则集列表，如 [\"qidong2020\"]", "a list of rule sets such as [\"qidong2020\"]")),
    ("rulesets.places*", ("表（规则集 = [地名]），如 qidong2020 = [\"启东\"]", "a table of rule set = [place words]")),
    ("rulesets", ("表 [rulesets]", "a table [rulesets]")),
    ("campaign.*.*", ("见 certctl.example.toml 的 [campaign]", "see [campaign] in certctl.example.toml")),
    ("campaign.start", ("日期，如 2024-05-22", "a date such as 2024-05-22")),
    ("campaign.end", ("日期，如 2024-07-31", "a date such as 2024-07-31")),
    ("campaign.followup_due", ("日期，如 2024-06-30", "a date such as 2024-06-30")),
    ("campaign.units", ("单位名称列表，如 [\"柞水县*\"]", "a list of unit names such as [\"柞水县*\"]")),
    ("campaign.ruleset", ("\"zhashui2024\" 或 \"qidong2020\"", "\"zhashui2024\" or \"qidong2020\"")),
    ("campaign", ("表 [campaign]", "a table [campaign]")),
    ("rules.disable", ("规则编号列表，如 [\"I012\"]", "a list of rule codes such as [\"I012\"]")),
    ("cert_patterns.*", ("正则表达式字符串", "a regular-expression string")),
    ("cert_patterns", ("表（类别 = 正则表达式）", "a table of category = regex")),
    ("calendar.*.holidays[[]]", ("日期，如 2027-01-01", "a date such as 2027-01-01")),
    ("calendar.*.workdays[[]]", ("日期，如 2027-02-07", "a date such as 2027-02-07")),
    ("rules.disable[[]]", ("规则编号，如 \"I012\"", "a rule code such as \"I012\"")),
    ("calendar.*.holidays", ("日期列表，如 [2027-01-01]", "a list of dates such as [2027-01-01]")),
    ("calendar.*.workdays", ("日期列表，如 [2027-02-07]", "a list of dates such as [2027-02-07]")),
    ("calendar.*.names", ("表（日期 = 节日名称）", "a table of date = holiday name")),
    ("calendar.*", ("表，含 holidays 和 workdays", "a table with holidays and workdays")),
    ("calendar", ("表，键为年份，如 [calendar.2027]", "a table keyed by year, e.g. [calendar.2027]")),
    ("deadlines", ("表 [deadlines]", "a table [deadlines]")),
    ("training", ("表 [training]", "a table [training]")),
    ("age", ("表 [age]", "a table [age]")),
    ("rules", ("表 [rules]", "a table [rules]")),
]

_SECTIONS: dict[str, type[BaseModel]] = {
    "": Config,
    "deadlines": Deadlines,
    "training": Training,
    "age": Age,
    "rules": Rules,
    "rulesets": RuleSets,
    "campaign": CampaignCfg,
    "output": Output,
}


def _show(value: Any) -> str:
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def _dotted(loc: tuple[Any, ...]) -> tuple[str, str]:
    """(key as written, pattern key without list indices) for a pydantic error location."""
    parts: list[str] = []
    pattern: list[str] = []
    for item in loc:
        if item == "[key]":
            continue
        if pattern and pattern[-1] == "calendar":  # a year key
            parts.append(str(item))
            pattern.append(str(item))
        elif isinstance(item, int) and parts:  # a list index
            parts[-1] = f"{parts[-1]}[{item}]"
            pattern[-1] = f"{pattern[-1]}[]"
        else:
            parts.append(str(item))
            pattern.append(str(item))
    return ".".join(parts), ".".join(pattern)


def _expect(pattern_key: str) -> tuple[str, str] | None:
    for pat, exp in _EXPECT:
        if fnmatchcase(pattern_key, pat):
            return exp
    return None


def _format_error(err: dict[str, Any]) -> tuple[str, str, str]:
    """(key, Chinese message, English message) for one pydantic error."""
    loc = tuple(err.get("loc", ()))
    kind = err.get("type", "")
    if kind == "config_value":  # (_invalid) the message names the key
        ctx = err.get("ctx") or {}
        msg = err["msg"]
        return msg.split(":", 1)[0], ctx.get("msg_zh", msg), ctx.get("msg_en", msg)
    if kind == "extra_forbidden":
        key, _ = _dotted(loc)
        section = ".".join(str(x) for x in loc[:-1])
        model = CalendarYear if (len(loc) == 3 and loc[0] == "calendar") else _SECTIONS.get(section)
        hint = hint_en = ""
        if model is not None:
            allowed = ", ".join(model.model_fields)
            close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1)
            hint, hint_en = f"；可用的键：{allowed}", f"; allowed keys: {allowed}"
            if close:
                hint, hint_en = f"；是否应为 {close[0]!r}？" + hint, f"; did you mean {close[0]!r}?" + hint_en
        return key, f"{key}: 未知的配置项{hint}", f"{key}: unknown key{hint_en}"
    key, pattern_key = _dotted(loc)
    if len(loc) == 3 and loc[0] == "calendar" and loc[2] == "[key]":
        year = loc[1] if len(loc) > 1 else "?"
        key = f"calendar.{year}"
        return key, f"{key}: 必须是年份，如 [calendar.2027]，现为 {_show(year)}", \
            f"{key}: must be a year such as [calendar.2027], got {_show(year)}"
    if loc[-1:] == ("[key]",) and len(loc) == 5 and loc[0] == "calendar" and loc[2] == "names":
        key = f"calendar.{loc[1]}.names"
        got = _show(err.get("input"))
        return key, f"{key}: 键必须是日期，如 \"2027-10-01\"，现为 {got}", \
            f"{key}: keys must be dates such as \"2027-10-01\", got {got}"
    expect = _expect(pattern_key)
    got = _show(err.get("input"))
    if expect is not None:
        zh, en = expect
        return key, f"{key}: 必须是{zh}，现为 {got}", f"{key}: must be {en}, got {got}"
    return key, f"{key}: 值无效（{err.get('msg', 'invalid value')}），现为 {got}", \
        f"{key}: {err.get('msg', 'invalid value')}, got {got}"


def _config_error(where: str, exc: ValidationError) -> ConfigError:
    errors = exc.errors(include_url=False)
    lines = [_format_error(e) for e in errors]
    first_key = lines[0][0] if lines else None
    zh = "\n".join(f"{where}: {m}" for _, m, _ in lines)
    en = "\n".join(f"{where}: {m}" for _, _, m in lines)
    return ConfigError(_bilingual(zh, en), key=first_key, zh=zh, en=en)



# ---------------------------------------------------------------------- loading
def config_from_dict(data: dict[str, Any], where: str = CONFIG_FILENAME) -> Config:
    """Validate already-parsed settings; ``where`` names the source in error messages."""
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise _config_error(where, exc) from None


def load_config(path: Path | str | None = None) -> Config:
    """Read certctl.toml.

    ``path=None``: ``./certctl.toml`` if it exists, else the defaults. An explicit ``path`` that
    does not exist is an error. Raises :class:`ConfigError` for anything unusable.
    """
    if path is None:
        candidate = Path.cwd() / CONFIG_FILENAME
        if not candidate.is_file():
            return Config()
        where = CONFIG_FILENAME
        file = candidate
    else:
        file = Path(path)
        where = str(path)
        if not file.exists():
            raise _both(f"{where}: 配置文件不存在", f"{where}: config file not found")
        if not file.is_file():
            raise _both(f"{where}: 不是文件", f"{where}: not a file")
    try:
        raw = file.read_bytes()
    except OSError as exc:
        from .oserror import why

        raise _both(f"{where}: 无法读取配置文件（{why(exc)}）",
                    f"{where}: cannot read config file: {why(exc, 'en')}") from None
    if raw.startswith(b"\xef\xbb\xbf"):  # a BOM left by Windows Notepad
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        n = raw.count(b"\n", 0, exc.start) + 1  # the line of the first byte that is not UTF-8
        gbk = ""
        try:
            raw.decode("gb18030")
            gbk = "（看来是 GBK 编码）"
        except UnicodeDecodeError:
            pass
        raise _both(f"{where}: 配置文件必须是 UTF-8 编码{gbk}，第 {n} 行起不是；请用记事本打开，“另存为”时编码选 UTF-8",
                    f"{where}: config file must be UTF-8 encoded; line {n} is not: save it as UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _both(*_syntax_error(where, text, exc)) from None
    try:
        return config_from_dict(data, where)
    except ConfigError as exc:
        zh, en = _with_lines(exc.zh, where, text, "（第 {n} 行）"), _with_lines(exc.en, where, text, " (line {n})")
        raise ConfigError(_bilingual(zh, en), key=exc.key, zh=zh, en=en) from None


# ---------------------------------------------------------------------- where in the file
_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")
_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*=")


def _parts(dotted: str) -> list[str]:
    return [p.strip().strip("\"'") for p in re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', dotted)]


def _assignments(text: str) -> list[tuple[int, tuple[str, ...]]]:
    """(line number, full key) of every ``key = value`` line and every ``[table]`` line, in order."""
    out: list[tuple[int, tuple[str, ...]]] = []
    table: tuple[str, ...] = ()
    for n, line in enumerate(text.splitlines(), 1):
        m = _TABLE.match(line)
        if m:
            table = tuple(_parts(m.group(1)))
            out.append((n, table))
            continue
        m = _ASSIGN.match(line)
        if m:
            out.append((n, table + tuple(_parts(m.group(1)))))
    return out


def _key_line(text: str, key: str) -> int | None:
    """The line of ``text`` where the setting ``key`` (``deadlines.report_days``, ``rules.disable[1]``)
    is written, or of the nearest enclosing key or table written; None when no line says it."""
    want = tuple(_parts(re.sub(r"\[\d+\]", "", key)))
    lines = _assignments(text)
    for n in range(len(want), 0, -1):
        for line, full in lines:
            if full == want[:n]:
                return line
    return None


def _with_lines(message: str, where: str, text: str, at: str) -> str:
    """Each ``where: key: …`` line of a validation message with the line of the file it is about."""
    out = []
    for line in message.split("\n"):
        rest = line[len(where) + 2:] if line.startswith(f"{where}: ") else ""
        key = rest.split(": ", 1)[0] if ": " in rest else ""
        n = _key_line(text, key) if key else None
        out.append(line if n is None else line + at.format(n=n))
    return "\n".join(out)


def _syntax_error(where: str, text: str, exc: tomllib.TOMLDecodeError) -> tuple[str, str]:
    """A TOML syntax error as a clerk can act on it: the line and its text, what is likely wrong (a Chinese
    quote or equals sign, text without quotes, a date that does not exist, a key written twice), in
    Chinese; (zh, en), the English the parser's own words."""
    raw = str(exc)
    m = _AT.search(raw)
    what = _AT.sub("", _AT_END.sub("", raw))
    lines = text.splitlines()
    n = int(m.group(1)) if m else None
    if n is None and what.startswith("Cannot overwrite a value"):
        seen: set[tuple[str, ...]] = set()
        for line, full in _assignments(text):
            if full in seen and not _TABLE.match(lines[line - 1]):
                n = line
                break
            seen.add(full)
    if n is None and what.startswith("Unterminated string"):
        n = next((i for i, t in enumerate(lines, 1) if t.split("#")[0].count('"') % 2), None)
    src = lines[n - 1].strip() if n is not None and 0 < n <= len(lines) else ""
    hint = _syntax_hint(src, what)
    at = f"第 {n} 行 {src}：" if n is not None else ""
    at_en = f" at line {n}" if n is not None else ""
    return f"{where}: {at}TOML 语法错误，{hint}", f"{where}: TOML syntax error{at_en}: {what}"


def _syntax_hint(src: str, what: str) -> str:
    value = src.split("=", 1)[1].split("#")[0].strip() if "=" in src else ""
    if what.startswith("Cannot overwrite a value"):
        return "同一个设置项写了两次，请删去一处"
    if what.startswith("Cannot declare"):
        return "同一个表（[…]）写了两次，请合并为一处"
    if any(ch in src for ch in "“”‘’＝［］"):
        return "引号、等号和方括号要用英文半角：\"…\"、=、[ ]"
    d = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if d:
        try:
            _dt.date(int(d.group(1)), int(d.group(2)), int(d.group(3)))
            return "日期的月和日要写两位，如 2024-06-05"
        except ValueError:
            return f"日期 {value} 不存在，请写成 2024-06-05 这样的日期"
    if re.search(r"\d{4}[/.年]\d{1,2}", value):
        return "日期要写成 2024-06-05（不加引号）"
    if value and value[0] not in "\"'[{0123456789-+tf" and not value.startswith(("true", "false")):
        return f"文字要加英文双引号，如 \"{value}\""
    if what.startswith("Unescaped '\\'"):
        return "双引号里的 \\ 是转义符：Windows 路径请用单引号，如 'D:\\证件\\ledger'，或写成 D:/证件/ledger"
    if what.startswith("Unterminated string") or src.split("#")[0].count('"') % 2:
        return "引号没有配对"
    if what.startswith("Unclosed array"):
        return "方括号 [ ] 没有配对"
    return "请对照 certctl.example.toml 检查这一行"
