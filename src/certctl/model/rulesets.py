"""Rule sets: which notice each obligation and each cross-form rule of the model comes from (SPEC 6).

The two notices bind different places — Qidong 2020 (启依法办发〔2020〕15号) Jiangsu units, Zhashui 2024
(柞政司发〔2024〕52号) Shaanxi units — and certctl adds its own data-quality rules. Every obligation kind
(:data:`certctl.model.clocks.KINDS`) and every cross-form rule code below names its rule set here, in
one place, so that a bureau's configuration can later choose which sets run. Nothing here switches a
rule off yet: today every set runs.
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


QIDONG_2020 = RuleSet("qidong2020", "启东 2020（江苏）", "Qidong 2020 (Jiangsu)", R.QD)
ZHASHUI_2024 = RuleSet("zhashui2024", "柞水 2024（陕西）", "Zhashui 2024 (Shaanxi)", R.ZS)
CERTCTL = RuleSet("certctl", "certctl 数据质量", "certctl data quality", "")
RULESETS = {r.key: r for r in (QIDONG_2020, ZHASHUI_2024, CERTCTL)}

#: the rule set of each finding the model itself makes (validation rules keep their catalogue entry)
CROSS_RULES: dict[str, RuleSet] = {
    "X001": QIDONG_2020,  # Jiangsu card + ministry card (启依法办发〔2020〕15号 二, last sentence)
    "X002": CERTCTL,  # one certificate number, two ID numbers
    "X003": CERTCTL,  # one ID in force under two units
    "X004": CERTCTL,  # a survey reports a certificate held after its revocation
    "X005": CERTCTL,  # the same file twice
    "X006": CERTCTL,  # a row that cannot be placed in the ledger
    "X007": ZHASHUI_2024,  # the unit's 红黄绿 against the ledger's (柞政司发〔2024〕52号 三.3)
    "S007": ZHASHUI_2024,  # the same, for the survey row on its own date
    "R001": CERTCTL,  # a 简称 where the full name is required
    "R002": CERTCTL,  # a unit not in the registry
}
