"""The English help of every command, shown by ``-h`` / ``--help`` with ``--lang en`` (cli/helpfmt.py).

The Chinese help is each command's docstring (the default). An option's help is written once, "中文 /
English", and its English half is shown in English (helpfmt.english_part). A command is keyed by its
click name (the group itself by ``certctl``); tests/test_docs.py checks every command has its entry.
The first sentence is the command's line in ``certctl --help``.
"""

from __future__ import annotations

EN_HELP: dict[str, str] = {
    "certctl": """certctl — certificate forms of administrative law enforcement: check the forms, merge the
    ledger, count working-day deadlines.

    Validate certificate forms cell by cell, merge them into the master ledger, and tell what is past its
    working-day deadline. Each command's usage: certctl COMMAND -h. Messages and help are in Chinese
    unless --lang en is given (before or after the command).""",
    "validate": """Validate forms: every problem, cell by cell.

    Files and folders (every spreadsheet below a folder) are read; each problem is listed with its cell,
    the holder's name, its rule code and what to do. --annotate writes a copy with the cells marked and a
    problem list, to hand back to the unit; the forms themselves are never written.

    Exit status: 0 no errors; 1 errors found (--strict: or warnings); 2 a file could not be read or bad
    arguments.""",
    "merge": """Merge every form below FORMS_DIR into the master ledger.

    The ledger has six sheets: 证件台账 (certificates), 期限事项 (deadlines), 变动记录 (events), 问题清单
    (problems), 单位汇总 (units) and 来源文件 (files); ID numbers are in full in the ledger and masked on the terminal. The ledger is
    written to a temporary file and renamed into place; a lock file (.certctl/<ledger>.lock) keeps two
    merges from writing at once: the second exits 2, or waits up to --lock-timeout seconds. The 处理情况
    column and columns a clerk adds to 证件台账 are carried into the new ledger by certificate number; a
    ledger with other edits is first copied aside (.bak.xlsx).

    Exit status: 0 no errors; 1 errors found or a file unreadable; 2 bad arguments or config, no forms,
    or the ledger is locked.""",
    "overdue": """List what is past its working-day deadline (and what is due soon).

    On a terminal: a table (200 rows per section unless --all); otherwise plain text, one tab-separated
    line per item, grouped by unit. With --ledger FILE: judged from the SQLite ledger a merge wrote, as
    the forms folder it merged would be (docs/ledger-schema.md); forms received after that merge are not
    in it.

    Exit status: 0 nothing overdue; 1 something overdue, or a form or folder unreadable; 2 error (a bad
    date or config, no such or an empty folder, an output over a form, a log that cannot be written, a
    broken pipe, another run holding the lock, or a --ledger that is missing, not certctl's SQLite
    ledger, or of another version or settings).""",
    "report": """Write the dated report: OUT/证件管理报告-DATE.xlsx and .txt.

    The xlsx has a summary by unit (red, yellow, green) and charts; the .txt is a plain-text e-mail body.
    Run again on the same day, it replaces that day's report. With --ledger FILE: the same report from
    the SQLite ledger a merge wrote, as the forms folder it merged would give (docs/ledger-schema.md).

    Exit status: 0 written, nothing overdue; 1 written, something overdue (or a form or folder
    unreadable); 2 error (also a --ledger that is missing, not certctl's SQLite ledger, or of another
    version or settings).""",
    "cleanup": """Write the cleanup campaign's papers: revocation list, cross-check roster, draft summary.

    OUT/待注销收回清单-DATE.xlsx (certificates to revoke and recover, a page per unit),
    身份核查名单-DATE.xlsx (holders for the establishment office, organisation and human-resources
    departments to check) and 专项清理工作总结草稿-DATE.md (a draft of the campaign's summary).

    Exit status: 0 written, nothing overdue; 1 written, a case overdue (or a form or folder unreadable);
    2 error.""",
    "deadline": """Print the date N working days after DATE, as an ISO date.

    The day of DATE itself does not count; weekends and public holidays are skipped, makeup working days
    (调休上班) count, as the State Council's holiday schedule sets them.""",
    "calendar": """Show which years' holiday schedules are known, and where from.

    The schedules come from chinese-calendar, from certctl.toml, or the Monday–Friday fallback for a year
    not known yet; `certctl calendar import FILE` adds a year from the State Council's notice.""",
    "import": """Read the State Council's notice on a year's holidays into certctl.toml.

    What was understood is shown as a list; on confirmation it is written to certctl.toml as
    [calendar.YYYY], keeping the rest of the file.

    Exit status: 0 written or nothing to change; 2 refused or could not.""",
    "template": """Write a blank form: annexes 1–4, the survey, the registry or the national list.

    ID and certificate columns as text, dates as dates, drop-down lists, fill-in hints and an A4
    print setup. Examples: certctl template annex2 -o 注销表.xlsx; certctl template all -o 模板/""",
    "rules": """List every rule with its code, severity, description, rule set and source.

    The source is the notice and clause a rule comes from, or certctl's own data-quality rules, said
    plainly.""",
}
