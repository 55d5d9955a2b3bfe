"""Help that reads right in Chinese at 80 columns (issue 14), and in English with ``--lang en``.

Click wraps help by ``len()`` and only at spaces: a Chinese line is two columns a character, so it
overflows an 80-column terminal and is then cut by the terminal, mid-word. :class:`HelpFormatter`
measures display cells, breaks between two Chinese characters or at a space (never inside a Latin word,
an option name or a number; never before ，。 or after （ “), and labels the sections in Chinese first.

With ``--lang en`` anywhere on the command line (before or after the command, before or after ``-h``)
the help is English: the sections labelled in English, each command's text from cli/help_en.py and
each option's the English half of its "中文 / English" help. The language is taken from the command
line when certctl's group makes its context (:func:`set_help_language`), before any help is printed.
"""

from __future__ import annotations

import importlib
import inspect
import re
from contextvars import ContextVar
from enum import Enum
from typing import Any

import typer.core
from rich.cells import cell_len

from .streams import asks_english

# The click Typer runs on: recent Typer ships its own copy (typer._click), older ones use click itself.
click: Any = getattr(typer.core, "_click", None) or getattr(typer.core, "click")
_ClickUsageError: Any = importlib.import_module(click.__name__ + ".exceptions").UsageError
# click >= 8.2 says the help of a group run without a command as this error: the help, not an error
_NoArgsIsHelp: Any = getattr(importlib.import_module(click.__name__ + ".exceptions"), "NoArgsIsHelpError", ())

HEADINGS = {"Options": "选项 Options", "Arguments": "参数 Arguments", "Commands": "命令 Commands"}
USAGE = "用法 Usage: "
HELP_TEXT = "显示本帮助并退出 / show this help and exit"
class Lang(str, Enum):
    """The language of messages and help (``--lang``)."""

    zh = "zh"
    en = "en"


HEADINGS_EN = {"Options": "Options", "Arguments": "Arguments", "Commands": "Commands"}
USAGE_EN = "Usage: "
HELP_TEXT_EN = "show this help and exit"

_HELP_LANG: ContextVar[str] = ContextVar("certctl_help_lang", default="zh")


def set_help_language(args: list[str]) -> None:
    """The help's language for this run, from its command line (``--lang en`` / ``--lang=en``)."""
    _HELP_LANG.set("en" if asks_english(args) else "zh")


def english_help() -> bool:
    return _HELP_LANG.get() == "en"


_EN_HALF = re.compile(r"\s*/ (?=[A-Za-z'\-])")


def english_part(text: str) -> str:
    """The English half of a "中文 / English" help (the text as it is when it has no such half)."""
    parts = _EN_HALF.split(text, maxsplit=1)
    return parts[1] if len(parts) == 2 and re.search(r"[\u4e00-\u9fff]", parts[0]) else text


def english_text(name: str | None) -> str | None:
    """A command's English help (cli/help_en.py), by its click name; None when it has none."""
    from .help_en import EN_HELP

    text = EN_HELP.get(name or "")
    return inspect.cleandoc(text) if text else None


def english_short(name: str | None) -> str | None:
    """A command's line in the English command list: the first sentence of its English help."""
    text = english_text(name)
    if not text:
        return None
    first = _joined(text.split("\n\n")[0])
    m = re.search(r"\.(?=\s|$)", first)
    return first[: m.end()] if m else first

_NO_START = set("，。、；：？！）》」』”’】…%,.;:?!)]}")  # never the first character of a line
_NO_END = set("（《「『“‘【([{")  # never the last character of a line
_BREAK_AFTER = set("，。、；：？！）》」』”")  # Chinese punctuation a line may end on, whatever follows


def _wide(ch: str) -> bool:
    return cell_len(ch) == 2


def may_break(prev: str, ch: str, between_chinese: bool = True) -> bool:
    """Whether a line may break between ``prev`` and ``ch`` (neither a space): between two Chinese
    characters (unless not ``between_chinese``: a Chinese run is then a name) or after Chinese
    punctuation, never before ，。 nor after （“."""
    return ((between_chinese and _wide(prev) and _wide(ch) or prev in _BREAK_AFTER)
            and ch not in _NO_START and prev not in _NO_END)


def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: a line breaks at a space or between two Chinese characters, never inside a
    Latin word, number, date (2024年6月5日), path or option name, never before ，。 nor after （.
    In English help a Chinese run is a name (a sheet, a file, 调休上班): it stays whole, as a word does."""
    between_chinese = not english_help()
    out: list[str] = []
    for chunk in re.split(r"(\s+)", text):
        if not chunk:
            continue
        if chunk.isspace():
            out.append(" ")
            continue
        pieces: list[str] = []
        for ch in chunk:
            prev = pieces[-1][-1] if pieces else ""
            if prev and may_break(prev, ch, between_chinese):
                pieces.append(ch)  # a line may break between two Chinese characters, or after 、，
            elif pieces:
                pieces[-1] += ch
            else:
                pieces.append(ch)
        out.extend(pieces)
    return out


def _joined(text: str) -> str:
    """The paragraph on one line: a line break between two Chinese characters is no space (a docstring
    wraps Chinese text anywhere), any other run of spaces is one space."""
    parts = re.split(r"(\s+)", text.strip())
    out = []
    for i, part in enumerate(parts):
        if part and part.isspace():
            before, after = parts[i - 1][-1:], parts[i + 1][:1] if i + 1 < len(parts) else ""
            part = "" if "\n" in part and _wide(before) and _wide(after) else " "
        out.append(part)
    return "".join(out)


def _localised(help_text: str) -> str:
    """Typer's [default: x; x>=0] said in Chinese first."""
    return re.sub(r"\[default: ([^\]]*)\]", lambda m: "[默认：" + m.group(1).replace("; ", "；") + "]", help_text)


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` display cells (a single piece wider than that is cut)."""
    width = max(width, 10)
    text = _joined(text)
    lines: list[str] = []
    line = ""
    for tok in _tokens(text):
        if tok == " ":
            if line:
                line += " "
            continue
        if cell_len(line + tok) <= width or not line.strip():
            line = line + tok if line.strip() else tok
            while cell_len(line) > width:  # one piece longer than the line: cut it
                cut = _cut(line, width)
                lines.append(line[:cut])
                line = line[cut:]
        else:
            lines.append(line.rstrip())
            line = tok
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _cut(s: str, width: int) -> int:
    n = 0
    for i, ch in enumerate(s):
        n += cell_len(ch)
        if n > width:
            return max(i, 1)
    return len(s)


class HelpFormatter(click.HelpFormatter):
    """Click's formatter, measuring display cells and breaking lines where Chinese allows."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        usage = USAGE_EN if english_help() else USAGE
        self.write(f"{'':>{self.current_indent}}{usage}{prog} {args}".rstrip() + "\n")

    def write_heading(self, heading: str) -> None:
        headings = HEADINGS_EN if english_help() else HEADINGS
        self.write(f"{'':>{self.current_indent}}{headings.get(heading, heading)}:\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for para in re.split(r"\n\s*\n", text):
            if "\b" in para:  # click's marker: print this paragraph as written
                self.write("".join(f"{indent}{ln}\n" for ln in para.replace("\b", "").strip("\n").splitlines()))
            else:
                self.write("".join(f"{indent}{ln}\n" for ln in wrap(para, self.width - self.current_indent)))
            self.write("\n")
        if text:
            self.buffer.pop()  # click's own write_text ends without the blank line

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:  # type: ignore[no-untyped-def,override]
        if english_help():
            rows = [(term, HELP_TEXT_EN if help_ == "Show this message and exit." else english_part(help_ or ""))
                    for term, help_ in rows]
        else:
            rows = [(term, HELP_TEXT if help_ == "Show this message and exit." else _localised(help_ or ""))
                    for term, help_ in rows]
        first = min(max((cell_len(t) for t, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        text_width = max(self.width - first - self.current_indent, 20)
        for term, help_ in rows:
            lines = wrap(help_ or "", text_width)
            if cell_len(term) + col_spacing > first:
                self.write(f"{indent}{term}\n")
                lead = ""
            else:
                lead = term + " " * (first - cell_len(term))
                if not lines:
                    self.write(f"{indent}{term}\n")
                    continue
                self.write(f"{indent}{lead}{lines[0]}\n")
                lines = lines[1:]
            self.write("".join(f"{indent}{' ' * first}{ln}\n" for ln in lines))


def short_help(help_text: str | None) -> str | None:
    """A command's line in the command list: its first Chinese sentence (up to 。)."""
    first = (help_text or "").strip().split("\n\n")[0]
    if "。" in first:
        return _joined(first[: first.index("。") + 1])  # a line break inside Chinese text is no space
    return None


class Context(click.Context):
    formatter_class = HelpFormatter


# ------------------------------------------------------------------------------- usage errors
# Click's messages, said in Chinese (in English with --lang en); one it does not know is shown as it is.
_ERRORS = (
    (r"No such option: (\S+)(?: \(Possible options: (.+)\))?\.?", "没有选项 {0}", "（相近的选项：{1}）"),
    (r"No such command '(.+)'\.", "没有命令 {0}", ""),
    (r"Option '(.+)' requires an argument\.", "选项 {0} 后面缺少值", ""),
    (r"Option '(.+)' does not take a value\.", "选项 {0} 不带值", ""),
    (r"Missing argument '(.+)'\.", "缺少参数 {0}", ""),
    (r"Missing option '(.+)'\.", "缺少选项 {0}", ""),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.+)\)", "多余的参数：{0}", ""),
    (r"Invalid value for (.+?): (?:Value error, )?'(.*)' is not one of (.+)\.", "{0} 的值“{1}”无效，可选：{2}", ""),
    (r"Invalid value for (.+?): (.+)", "{0} 的值无效：{1}", ""),
)
# Why a value is invalid (pydantic's words, through typer; click's own): said in Chinese too.
_VALUE_ERRORS = (
    (r"Input should be greater than or equal to (\S+)", "应大于或等于 {0}"),
    (r"Input should be greater than (\S+)", "应大于 {0}"),
    (r"Input should be less than or equal to (\S+)", "应小于或等于 {0}"),
    (r"Input should be less than (\S+)", "应小于 {0}"),
    (r"Input should be a valid number.*", "应为数字，如 30 或 0.5"),
    (r"Input should be a finite number", "应为有限的数字"),
    (r"Input should be a valid integer, got a number with a fractional part", "应为整数，不能有小数"),
    (r"Input should be a valid integer.*", "应为整数"),
    (r"'(.*)' is not a valid float\.", "“{0}”不是数字"),
    (r"'(.*)' is not a valid integer\.", "“{0}”不是整数"),
    (r"'(.*)' is not in the range (.+)\.", "“{0}”不在允许的范围（{1}）内"),
    (r"(?:File|Directory|Path) '(.*)' does not exist\.", "{0} 不存在"),
)


def chinese_error(message: str) -> str:
    for pattern, zh, extra in _ERRORS:
        m = re.fullmatch(pattern, message.strip(), flags=re.S)
        if m:
            groups = [g or "" for g in m.groups()]
            if zh.endswith("：{1}"):  # why a value is invalid: in Chinese when it is one of the known reasons
                groups[-1] = _chinese_value_error(groups[-1])
            return zh.format(*groups) + (extra.format(*groups) if extra and groups[-1] else "")
    return message


def _chinese_value_error(detail: str) -> str:
    """pydantic's or click's reason a value is invalid (``Input should be greater than or equal to 0``) in
    Chinese; the reason as it is when it is none of those certctl's options give."""
    for pattern, zh in _VALUE_ERRORS:
        m = re.fullmatch(pattern, detail.strip(), flags=re.S)
        if m:
            return zh.format(*m.groups())
    return detail


class UsageError(_ClickUsageError):
    """A bad command line, said in the clerk's language: usage, what is wrong, where the help is."""

    def __init__(self, original: Any, english: bool, path: str) -> None:
        super().__init__(original.format_message(), original.ctx)
        self.english = english
        self.path = path

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def,override]
        import sys

        out = file or sys.stderr
        ctx = self.ctx
        lines = [ctx.get_usage()] if ctx is not None else []
        path = ctx.command_path if ctx is not None else self.path
        if self.english:
            lines += [f"Error: {self.message}", f"Try '{path} -h' for help."]
        else:
            lines += [f"错误：{chinese_error(self.message)}", f"帮助：{path} -h"]
        if _isatty(out):  # the terminal would cut a long line mid-word: wrap it at a space
            import shutil

            width = shutil.get_terminal_size().columns
            lines = [wrapped for line in lines for wrapped in (wrap(line, width) if cell_len(line) > width else [line])]
        out.write("\n".join(lines) + "\n")


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def usage_errors_in_chinese(make: Any, args: list[str], path: str = "certctl") -> Any:
    """``make()`` (a click make_context or resolve_command), its usage errors shown by :class:`UsageError`."""
    try:
        return make()
    except (UsageError, _NoArgsIsHelp):
        raise
    except _ClickUsageError as e:
        raise UsageError(e, english_help() or asks_english(args), path) from None
