"""Rule sets: which notice each obligation and each cross-form rule of the model comes from (SPEC 6).

The two notices bind different places — Qidong 2020 (启依法办发〔2020〕15号) Jiangsu units, Zhashui 2024
(柞政司发〔2024〕52号) Shaanxi units — and certctl adds its own data-quality rules. Every obligation kind
(:data:`certctl.model.clocks.KINDS`) and every cross-form rule code below names its rule set here, in
one place. Which sets run, and where, is the configuration's ``[rulesets]`` (:mod:`certctl.jurisdiction`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import rules as R


@dataclass(frozen=True)
class RuleSet:
    key: str
    zh: str
    en: str
    notice: str  # the document number a unit can look up ("" for certctl's own rules)


QIDONG_2020 = RuleSet(R.QIDONG_SET, "启东 2020（江苏）", "Qidong 2020 (Jiangsu)", R.QD)
ZHASHUI_2024 = RuleSet(R.ZHASHUI_SET, "柞水 2024（陕西）", "Zhashui 2024 (Shaanxi)", R.ZS)
CERTCTL = RuleSet(R.CERTCTL_SET, "certctl 数据质量", "certctl data quality", "")
RULESETS = {r.key: r for r in (QIDONG_2020, ZHASHUI_2024, CERTCTL)}

#: the rule set of each finding the model itself makes (as the rule catalogue says: rules.Rule.ruleset)
CROSS_RULES: dict[str, RuleSet] = {code: RULESETS[R.RULES[code].ruleset]
                                   for code in ("X001", "X002", "X003", "X004", "X005", "X006", "X007", "S007",
                                                "R001", "R002")}
