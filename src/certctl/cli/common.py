"""Helpers shared by the command modules: language, config, consoles, clean exits."""

from __future__ import annotations

import datetime as dt
import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, NoReturn

import typer

from .helpfmt import Lang

if TYPE_CHECKING:
    from rich.console import Console


LANG_HELP = "界面语言 zh（默认）或 en / language of messages and help: zh (default) or en"
CONFIG_HELP = "配置文件路径（默认当前目录下的 certctl.toml）/ config file"


from ..render import NARROW  # noqa: E402  below this many columns: lists, not tables
from .streams import failer, guard  # noqa: E402
from ..oserror import why


def console(stderr: bool = False, quiet: bool = False) -> Console:
    """Colour only on a terminal; NO_COLOR honoured; wide enough for Chinese tables. (rich is imported
    here: ``validate -q`` and JSON output print plain lines and need none of it.)"""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    return Console(
        file=stream,
        force_terminal=None,
        no_color=not tty or bool(os.environ.get("NO_COLOR")),
        highlight=False,
        soft_wrap=not tty,
        width=None if tty else 200,
        quiet=quiet,
    )


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a clear message on stderr and exit (2 = bad arguments or unreadable input)."""
    console(stderr=True).print(_sentence(f"certctl: {message}"))
    raise typer.Exit(code)


def _sentence(message: str) -> Any:
    """A message as rich Text that a terminal wraps between Chinese characters as well as at spaces: a
    Chinese sentence has no space, and rich alone moves it whole to the next line ("certctl: " left alone)."""
    from rich.console import Group

    from ..render import prose
    from .helpfmt import english_help

    return Group(prose(message, "en" if english_help() else "zh"))  # in a Group: print() would re-make plain Text


def load(config: Path | None, lang: Lang | None) -> tuple[Any, str]:
    """Load the config (clean exit 2 on a bad one) and decide the language."""
    try:
        from ..config import ConfigError, load_config
    except ImportError:  # pragma: no cover
        return None, (lang.value if lang else "zh")
    try:
        cfg = load_config(config)
    except ConfigError as e:  # in the run's language: --lang, else Chinese (the file's own lang unread)
        fail(f"bad config: {e.en}" if lang is not None and lang.value == "en" else f"配置文件错误：{e.zh}")
    chosen = lang.value if lang else getattr(cfg, "lang", "zh")
    from ..state import configure

    configure(cfg)  # state_dir and [output] mode, for every file this run writes
    return cfg, chosen


def form_files(paths: list[Path], lang: str) -> Any:
    """The spreadsheet files named or found below ``paths`` (folders searched recursively) and the
    folders that could not be listed (:class:`certctl.workspace.Listing`); a clean exit 2 when there
    is neither."""
    from ..workspace import find_forms

    listing = find_forms(list(paths))
    if not listing.files and not listing.unreadable:
        where = ", ".join(map(str, paths))
        fail(f"no spreadsheet files found in {where}" if lang == "en" else f"{where} 中没有找到 Excel 表格文件")
    return listing


def busy(enabled: bool, message: str) -> Any:
    """A spinner with ``message`` on stderr while something long runs (writing the ledger), only when
    asked for and stderr is a terminal; otherwise a context that does nothing."""
    import contextlib

    if not enabled or not sys.stderr.isatty():
        return contextlib.nullcontext()
    return console(stderr=True).status(message)


def progress_bar(enabled: bool) -> Any:
    """A rich progress bar on stderr, only when asked for and stderr is a terminal (else None)."""
    if not enabled or not sys.stderr.isatty():
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=console(stderr=True), transient=True)


# ------------------------------------------------------------------------------- one command style
# (issue 14) The same thing has the same option name in every command. Each shared option is defined
# once here; an old spelling stays accepted as a hidden alias (not in --help), resolved by one_of().
AS_OF_HELP = "截止日期（默认今天），如 2024-06-05、2024/6/5、2024.6.5、2024年6月5日 / as-of date (default today)"
DIR_HELP = "表格所在文件夹（默认取配置 forms_dir，即 ledger）/ forms folder (default: config forms_dir)"
LOG_HELP = "追加写入带时间戳的运行日志（身份证号码打码）/ append timestamped log lines (IDs masked)"
LOCK_HELP = "另一任务运行时最多等待的秒数 / seconds to wait for another run's lock"
SHOW_ID_HELP = "显示完整身份证号码（默认打码）/ print ID numbers in full"
CACHE_HELP = "复用未改动表格的校验结果（缓存在用户缓存目录或 state_dir）/ reuse results of unchanged forms"
DATE_FORMS = "2024-06-05、2024/6/5、2024.6.5、2024年6月5日 或 20240605"
DATE_FORMS_EN = "2024-06-05, 2024/6/5, 2024.6.5, 2024年6月5日 or 20240605"


def config_option() -> Any:
    return typer.Option(None, "--config", "-c", metavar="PATH", help=CONFIG_HELP, show_default=False)


def lang_option(default: Lang | None = None) -> Any:
    return typer.Option(default, "--lang", help=LANG_HELP, show_default=False)


def as_of_option(help: str = AS_OF_HELP) -> Any:
    return typer.Option(None, "--as-of", metavar="DATE", help=help, show_default=False)


def forms_dir_argument() -> Any:
    return typer.Argument(None, metavar="FORMS_DIR", help=DIR_HELP, show_default=False)


def dir_alias() -> Any:
    """The old ``--dir``/``-d`` of overdue and report: the forms folder, now a positional argument."""
    return typer.Option(None, "--dir", "-d", hidden=True)


def output_option(help: str, metavar: str = "FILE") -> Any:
    return typer.Option(None, "--output", "-o", metavar=metavar, show_default=False, help=help)


def format_option(default: Enum, choices: str = "table 或 json") -> Any:
    return typer.Option(default, "--format", "-f", help=f"输出格式 {choices} / output format")


def quiet_option(help: str) -> Any:
    return typer.Option(False, "--quiet", "-q", help=help)


def show_id_option(help: str = SHOW_ID_HELP) -> Any:
    return typer.Option(False, "--show-id", help=help)


def cache_option() -> Any:
    return typer.Option(True, "--cache/--no-cache", help=CACHE_HELP)


LEDGER_HELP = ("从 SQLite 台账（certctl merge --sqlite 写出）判定，不再逐一读取表格"
               " / judge from an SQLite ledger (merge --sqlite), not the forms")


def ledger_option(help: str = LEDGER_HELP) -> Any:
    return typer.Option(None, "--ledger", metavar="FILE", help=help, show_default=False)


def log_file_option() -> Any:
    return typer.Option(None, "--log-file", metavar="PATH", help=LOG_HELP, show_default=False)


def lock_timeout_option(default: float, help: str = LOCK_HELP) -> Any:
    return typer.Option(default, "--lock-timeout", metavar="SECONDS", min=0, help=help)


def one_of(name: str, value: Any, alias_name: str, alias: Any, lang: str) -> Any:
    """``value`` of option ``name``, or of its old spelling ``alias_name`` when only that was given."""
    if alias is None:
        return value
    if value is not None and value != alias:
        fail(f"{name} and {alias_name} say different things; give {name} only" if lang == "en"
             else f"{name} 与 {alias_name} 不一致，请只写 {name}")
    return alias


def read_date(text: str, option: str, lang: str, fail_with: Callable[[str, str], NoReturn]) -> dt.date:
    """The one date parser for every date argument (workdays.parse_date): 2024-06-05, 2024/6/5,
    2024.6.5, 2024年6月5日, 20240605; a date that is not real or not readable is a clean failure."""
    from ..workdays import parse_date

    try:
        return parse_date(text)
    except ValueError as e:
        if str(e).startswith("impossible"):
            fail_with(f"{option} 日期 {text!r} 不存在", f"{option} {text!r} is not a real calendar date")
        fail_with(f"无法识别的 {option} 日期 {text!r}，请写作 {DATE_FORMS}", f"cannot read {option} {text!r}; write {DATE_FORMS_EN}")


def fail_in(lang: str) -> Callable[[str, str], NoReturn]:
    """fail() in the run's language, with the (zh, en) signature of :meth:`Run.fail`."""
    return lambda zh, en: fail(en if lang == "en" else zh)


# ------------------------------------------------------------------------------- overdue and report
# (issue 19) What `certctl overdue` and `certctl report` share: a run's language, log and clean
# failures, the --as-of date, the forms folder, and reading the folder into the model.


class Run:
    """What overdue and report share: language, log, clean failures."""

    def __init__(self, command: str, lang: str, log_file: Path | None) -> None:
        from ..locking import RunLog

        self.command = command
        self.lang = lang
        try:
            self.log = RunLog(log_file, f"certctl {command}")
        except OSError as e:
            self.log = RunLog(None)
            self.fail(f"无法写入日志文件 {log_file}：{why(e)}", f"cannot write the log file {log_file}: {e.strerror or e}")

    def t(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh

    def fail(self, zh: str, en: str, code: int = 2) -> NoReturn:
        msg = self.t(zh, en)
        self.log.write(f"{'error' if self.lang == 'en' else '错误'}: {msg} (exit {code})")
        console(stderr=True).print(_sentence(f"certctl {self.command}: {msg}"))
        raise typer.Exit(code)

    def warn(self, message: str) -> None:
        self.log.write(message)
        console(stderr=True).print(message, markup=False, highlight=False)

    def finish(self, code: int) -> int:
        """The exit status: ``code``, or 2 when the log could not be written to the end (a full disk)."""
        err = self.log.error
        if err is None:
            return code
        console(stderr=True).print(
            f"certctl {self.command}: " + self.t(f"无法写入日志文件 {self.log.path}（{why(err)}），日志不完整",
                                                f"cannot write the log file {self.log.path} ({err.strerror or err}); the log is incomplete"),
            markup=False, highlight=False)
        return 2


def parse_as_of(run: Run, text: str | None) -> dt.date:
    if text is None or not text.strip():
        return dt.date.today()
    return read_date(text, "--as-of", run.lang, run.fail)


def no_forms_dir(d: Path) -> tuple[str, str]:
    """(zh, en): the forms folder ``d`` does not exist — a relative one named with the folder it was looked
    for in (a cron line without ``cd``, or ``--config`` of another folder: forms_dir is taken from the
    current folder, not the config's)."""
    where, where_en = "", ""
    if not d.is_absolute():
        where, where_en = f"（在当前文件夹 {Path.cwd()} 下找）", f" (looked for in the current folder {Path.cwd()})"
    return (f"表格文件夹 {d} 不存在{where}；请先 cd 到工作文件夹，或在命令后写上表格文件夹，或在 certctl.toml 中设置 forms_dir",
            f"forms directory {d} does not exist{where_en}; cd to the working folder first, name the forms folder "
            f"after the command, or set forms_dir in certctl.toml")


def resolve_dir(run: Run, cfg: Any, directory: Path | None) -> Path:
    d = directory if directory is not None else Path(getattr(cfg, "forms_dir", "ledger"))
    if not d.exists():
        run.fail(*no_forms_dir(d))
    if not d.is_dir():
        run.fail(f"{d} 不是文件夹", f"{d} is not a directory")
    from ..workspace import find_forms

    listing = find_forms([d])
    if not listing.files and not listing.unreadable:  # an empty, or unmounted, folder is not "nothing overdue"
        run.fail(f"表格文件夹 {d} 中没有任何表格文件（.xlsx、.xls）；若它在共享盘上，请检查是否已挂载",
                 f"the forms folder {d} holds no spreadsheet (.xlsx, .xls); if it is a network share, is it mounted?")
    return d


def _through_cache(run: Run, directory: Path, cache: bool, read: Callable[[Any], Any]) -> Any:
    """``read(form_cache)`` with the cache open (results of unchanged forms, by content; in the state
    folder, never the forms folder); a folder that cannot be read is a clean exit 2."""
    from ..cache import open_cache

    fc = open_cache(enabled=cache, warn=run.warn, lang=run.lang)
    try:
        return read(fc)
    except OSError as e:
        run.fail(f"无法读取表格文件夹 {directory}：{e}", f"cannot read the forms directory {directory}: {e}")
    finally:
        if fc is not None:
            fc.close()


def _warn_unreadable(run: Run, unreadable: list[tuple[str, str]]) -> None:
    """A warning per file that could not be read; an ID number in its name masked (as in the log: a warning
    is what a cron mail carries)."""
    from ..normalize import mask_ids_in_text

    for path, why in unreadable:
        path = mask_ids_in_text(path)
        run.warn(run.t(f"警告：无法读取 {path}，其内容未计入：{why}", f"warning: cannot read {path}; not counted: {why}"))


def gather_model(run: Run, cfg: Any, lang: str, directory: Path, as_of: dt.date, cache: bool = True,
                 with_workspace: bool = False) -> Any:
    """Read the forms and build the model (:mod:`certctl.model`) on ``as_of``; unreadable files and
    calendar fallbacks are warned about on stderr. ``with_workspace``: (workspace, model)."""
    from ..config import make_calendar
    from ..model import build_model
    from ..validate import Options
    from ..workspace import load_workspace

    opts = Options.from_config(cfg, lang=lang)
    ws = _through_cache(run, directory, cache, lambda fc: load_workspace(directory, opts, cache=fc))
    cal = make_calendar(cfg, warn=run.warn, lang=lang, as_of=as_of)  # says a missing next year
    model = build_model(ws, cfg, as_of, calendar=cal, findings=False)
    _warn_unreadable(run, [(str(directory / f.path), f.read_error_en if lang == "en" else f.read_error)
                           for f in model.files if f.status == "unreadable"])
    return (ws, model) if with_workspace else model


def gather_obligations(run: Run, cfg: Any, lang: str, directory: Path, as_of: dt.date, cache: bool = True) -> Any:
    """The obligations (a :class:`certctl.overdue.Found`, from the cache when the folder, options and
    date are unchanged); unreadable files and calendar fallbacks are warned about on stderr."""
    from ..overdue import obligations_in
    from ..validate import Options

    opts = Options.from_config(cfg, lang=lang)
    found = _through_cache(run, directory, cache,
                           lambda fc: obligations_in(directory, opts, cfg, as_of, cache=fc, lang=lang))
    _warn_unreadable(run, found.unreadable)
    for message in found.calendar_warnings:
        run.warn(message)
    return found


def gather_ledger_obligations(run: Run, cfg: Any, lang: str, ledger: Path, as_of: dt.date) -> Any:
    """The obligations on ``as_of`` of the SQLite ledger ``ledger`` (a :class:`certctl.overdue.Found`);
    a file that cannot be judged from is a clean exit 2, the files the merge could not read and calendar
    fallbacks are warned about on stderr, as for a forms folder."""
    from ..ledger_sqlite import LedgerUnusable
    from ..overdue import obligations_in_ledger

    try:
        found = obligations_in_ledger(ledger, cfg, as_of, lang=lang)
    except LedgerUnusable as e:
        run.fail(e.zh, e.en)
    _warn_unreadable(run, found.unreadable)
    for message in found.calendar_warnings:
        run.warn(message)
    return found


def gather_ledger_report(run: Run, cfg: Any, lang: str, ledger: Path, as_of: dt.date) -> Any:
    """The report on ``as_of`` from the SQLite ledger ``ledger`` (:func:`certctl.report.
    build_report_from_ledger`) and what was read ((report, :class:`certctl.ledger_sqlite.StoredDocket`));
    a file it cannot be made from is a clean exit 2, the files the merge could not read and calendar
    fallbacks are warned about on stderr, as for a forms folder."""
    from ..ledger_sqlite import LedgerUnusable, read_report_inputs
    from ..overdue import check_ledger_settings, ledger_calendar
    from ..report import build_report_from_ledger

    try:
        stored = read_report_inputs(ledger)
        check_ledger_settings(stored, cfg, ledger, "report")
    except LedgerUnusable as e:
        run.fail(e.zh, e.en)
    cal = ledger_calendar(stored.docket, cfg, as_of, lang)
    _warn_unreadable(run, [(str(Path(stored.forms_dir) / rel), en if lang == "en" else zh)
                           for rel, zh, en in stored.docket.unreadable])
    for message in dict.fromkeys(cal.warnings):
        run.warn(message)
    return build_report_from_ledger(stored, cfg, as_of, judging=cal), stored


class FolderJob(NamedTuple):
    """What a command that writes dated files into an output folder (report, cleanup) starts from."""

    cfg: Any
    lang: str
    run: "Run"
    day: dt.date
    forms: Path
    out: Path


def _within(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or inside it (links resolved; ``path`` need not exist yet)."""
    try:
        p, f = path.resolve(), folder.resolve()
    except (OSError, RuntimeError):
        return False
    return p == f or f in p.parents


def start_folder_job(command: str, config: Path | None, lang: Lang | None, directory: Path | None,
                     dir_old: Path | None, out: Path | None, out_old: Path | None, as_of: str | None,
                     log_file: Path | None, replaced: Callable[[Path, dt.date], Any],
                     ledger: Path | None = None) -> FolderJob:
    """The start ``certctl report`` and ``certctl cleanup`` share: the config, the forms folder, the
    output folder (required, a folder, created), the day; the log and every file the run will replace
    (``replaced(out, day)``) checked never to be a form or the forms folder. ``ledger``: the run reads
    that SQLite ledger, not a forms folder (none given with it, none read; ``forms`` is the configured one,
    which the outputs still never land in)."""
    cfg, lg = load(config, lang)
    directory = one_of("FORMS_DIR", directory, "--dir", dir_old, lg)
    if ledger is not None and directory is not None:
        failer(lg, f"certctl {command}")("表格文件夹与 --ledger 只能给一个：从表格生成，或从 SQLite 台账生成",
                                         "give FORMS_DIR or --ledger, not both: the forms, or the SQLite ledger")
    out = one_of("--output", out, "--out", out_old, lg)
    if out is None:
        fail("give the output folder with -o/--output DIR" if lg == "en" else "请用 -o/--output 指定输出文件夹")
    forms = directory if directory is not None else Path(getattr(cfg, "forms_dir", "ledger"))
    guard(log_file, "log", [forms], failer(lg, f"certctl {command}"))  # never a log appended to a form
    run = Run(command, lg, log_file)
    day = parse_as_of(run, as_of)
    d = resolve_dir(run, cfg, directory) if ledger is None else forms
    if out.exists() and not out.is_dir():
        run.fail(f"--output {out} 不是文件夹", f"--output {out} is not a directory")
    from ..outputs import OutputRefused, check_folder_name

    try:  # -o 报告.xlsx made a folder of that name
        check_folder_name(out, ("报告" if command == "report" else "专项清理材料",
                                "the report's files" if command == "report" else "the cleanup documents"))
    except OutputRefused as e:
        run.fail(e.zh, e.en)
    for p in replaced(out, day):  # the files it replaces must be certctl's, never forms (nor the ledger)
        guard(p, command, [d] if ledger is None else [d, ledger], run.fail)
    if command == "cleanup" and _within(out, d):  # its workbooks carry no certctl mark: they would be read as forms
        run.fail(f"输出文件夹 {out} 在表格文件夹 {d} 之内：待注销收回清单、身份核查名单会在下次合并、逾期检查时被当作"
                 f"报送的表格读入；请写到表格文件夹之外，例如 -o 专项清理材料",
                 f"the output folder {out} is inside the forms folder {d}: the revocation list and the roster would "
                 f"be read back as submitted forms by the next merge or overdue run; write them outside it, e.g. -o cleanup")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        run.fail(f"无法创建输出文件夹 {out}：{why(e)}", f"cannot create the output directory {out}: {e.strerror or e}")
    return FolderJob(cfg, lg, run, day, d, out)
