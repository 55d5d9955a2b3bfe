"""Which rule sets apply where (SPEC 6): the notice a rule comes from binds some places, not others.

Qidong 2020 (启依法办发〔2020〕15号) binds 启东 (Jiangsu) units, Zhashui 2024 (柞政司发〔2024〕52号) binds
柞水 (Shaanxi) units, and certctl's own data-quality rules apply everywhere. A bureau says in
``certctl.toml`` which sets it runs (``[rulesets] enabled``) and, for each notice's set, the words of
the unit names (or folder names) it binds (``[rulesets] places``). A form is judged by the set that
binds its unit — its 填报单位, else the folders it is filed in — if that set runs; a unit no set names
is judged by every set that runs (a bureau that runs one set needs no ``places`` at all). A rule or obligation of a set
that does not run, or does not bind the unit, never fires.

This module depends on nothing but :mod:`certctl.rules`, so validation, the model and the CLI all use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from .rules import CERTCTL_SET, QIDONG_SET, RULES, ZHASHUI_SET

NOTICE_SETS = (QIDONG_SET, ZHASHUI_SET)
ALL_SETS = (*NOTICE_SETS, CERTCTL_SET)
DEFAULT_PLACES: dict[str, tuple[str, ...]] = {QIDONG_SET: ("启东",), ZHASHUI_SET: ("柞水",)}


@dataclass(frozen=True)
class Jurisdiction:
    """The rule sets that run, and the places each notice's set binds."""

    enabled: frozenset[str] = frozenset(ALL_SETS)
    places: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_PLACES))

    def sets_for(self, unit: str = "", path: str = "") -> frozenset[str]:
        """The sets that judge a unit: its name, else the file's name and then its folders from the
        nearest up, decides by the first that names a place of a notice — that notice's set, if it runs
        (a 柞水 unit is never judged by the Qidong notice); nothing names one: every running set."""
        for text in (unit, *reversed(PurePath(path).parts)) if path else (unit,):
            if not text:
                continue
            bound = {k for k in NOTICE_SETS if any(w and w in text for w in self.places.get(k, ()))}
            if bound:
                return frozenset((bound & self.enabled) | {CERTCTL_SET})
        return self.enabled | {CERTCTL_SET}

    def set_applies(self, ruleset: str, unit: str = "", path: str = "") -> bool:
        if ruleset == CERTCTL_SET:
            return True
        if ruleset not in self.enabled:
            return False
        return ruleset in self.sets_for(unit, path)

    def applies(self, code: str, unit: str = "", path: str = "") -> bool:
        """Does rule ``code`` fire for a form of ``unit`` (else: filed at ``path``)?"""
        return self.rule_runs(code, self.sets_for(unit, path))

    def rule_runs(self, code: str, sets: frozenset[str]) -> bool:
        """Does rule ``code`` fire where the sets ``sets`` (from :meth:`sets_for`) judge? A file asks
        :meth:`sets_for` once and this for each finding."""
        rule = RULES.get(code)
        if rule is None or rule.ruleset == CERTCTL_SET:
            return True
        return rule.ruleset in self.enabled and rule.ruleset in sets

    def key(self) -> list:
        """A stable description (for cache keys)."""
        return [sorted(self.enabled), sorted((k, list(v)) for k, v in self.places.items())]


EVERYWHERE = Jurisdiction()

SET_LABELS = {
    QIDONG_SET: ("启东 2020（江苏）", "Qidong 2020 (Jiangsu)"),
    ZHASHUI_SET: ("柞水 2024（陕西）", "Zhashui 2024 (Shaanxi)"),
    CERTCTL_SET: ("certctl 数据质量", "certctl data quality"),
}


def set_label(key: str, lang: str = "zh") -> str:
    zh, en = SET_LABELS.get(key, (key, key))
    return en if lang == "en" else zh
