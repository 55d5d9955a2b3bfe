"""The rules validation applies, grouped as the catalogue (certctl/rules.py, `certctl rules`) groups
them. Cell checks (an ID number, a name, a date, a listed value …) are made when cells are converted
(validate/convert.py); the rules here look at whole rows and at the form.

person.py I010–I012, C004 · duplicates.py U001, U002 · annex.py A201, A301, A302, A402 ·
training.py A303, S004, S005 · survey.py S001–S003, S006–S009 · deadline.py T001–T005 ·
form.py F002–F005, M001–M006.
"""

from __future__ import annotations

from typing import Callable

from ..table import Table
from . import annex, deadline, duplicates, person, survey, training

# The row rules a form runs, by the codes in its FormSpec.checks (forms.py), in that order.
ROW_RULES: dict[str, Callable[[Table], None]] = {
    "A302": annex.same_unit_after_move,
    "A303": training.new_field_hours_short,
    "T001": deadline.lost_reported_late,
    "T002": deadline.change_reported_late,
    "S001": survey.non_staff_holder,
    "S002": survey.left_but_held,
    "S003": survey.old_version_held,
    "S004": training.annual_hours_short,
    "S005": training.new_field_hours_short_survey,
    "S008": survey.leave_date_missing,
    "T004": deadline.left_and_not_revoked,
}


def check_rows(t: Table) -> None:
    """Every row rule on the sheet's data rows. The order here is the order of each row's findings:
    its cells' (already flagged), then person and duplicate rules, then the form's own, then colour."""
    person.sex_matches_id(t)
    person.age_in_range(t)
    duplicates.same_id_twice(t)
    duplicates.certificate_for_two_ids(t)
    person.certificate_pattern(t)
    for code in t.spec.checks:
        if code in ROW_RULES:
            ROW_RULES[code](t)
    if t.kind == "survey_people":
        survey.colour(t)
