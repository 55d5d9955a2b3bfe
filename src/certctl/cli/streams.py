"""What the commands share about where their output goes: the console, files, pipes and exit codes.

- :func:`run_main` runs the Typer app so that nothing ends in a traceback or a wrong exit status:
  a closed or broken stdout (``certctl overdue | head -1``) exits 2 with one line on stderr, as does an
  unexpected error (``CERTCTL_TRACEBACK=1`` shows the traceback); 1 always means "found something".
  Console streams replace what their encoding cannot show (an emoji in a name on a cp936 console)
  instead of failing.
- :func:`emit` writes a command's document (CSV, JSON, plain text) to ``--output FILE`` (atomically,
  UTF-8, CSV with a byte-order mark for Excel, mode of personal-data files) or to stdout: as UTF-8
  bytes when stdout is a file or a pipe (``> x.csv`` gives the same bytes as ``--output x.csv``, whatever
  the console's code page), as text with replacements on a console.
- :func:`guard` is :func:`certctl.outputs.check_output` with a clean exit 2.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
from pathlib import Path
from typing import Any, Callable, Iterable, NoReturn
from ..oserror import why

TRACEBACK_ENV = "CERTCTL_TRACEBACK"


def _say(message: str) -> None:
    """``message`` on stderr: on a terminal wrapped to its width at a space or between two Chinese
    characters (the terminal itself would cut a word or a date); to a pipe or a file, one line."""
    try:
        err = sys.stderr
        if err is not None:
            if err.isatty():
                import shutil

                from .helpfmt import wrap

                message = "\n".join(wrap(message, shutil.get_terminal_size().columns)) or message
            err.write(message + "\n")
            err.flush()
    except (OSError, ValueError):
        pass


say = _say


def asks_english(args: list[str]) -> bool:
    """Whether a command line asks for English: ``--lang en`` or ``--lang=en`` anywhere on it."""
    return "--lang=en" in args or any(a == "--lang" and b == "en" for a, b in zip(args, args[1:]))


def _lang() -> str:
    return "en" if asks_english(sys.argv) else "zh"


class _ClosedStdout:
    """Stands for a stdout that was closed when certctl started (``>&-``): writing to it is an error."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, s: str) -> int:
        raise OSError(errno.EBADF, "stdout is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "stdout is closed")


def _tolerant_streams() -> None:
    """Console text that the console's encoding cannot show is replaced ("?"), never an exception."""
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()  # type: ignore[assignment]
    if sys.stderr is None:  # started with stderr closed (`2>&-`, pythonw): messages go nowhere, the run goes on
        try:
            sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the life of the process
        except OSError:  # pragma: no cover
            pass
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # pragma: no cover
                pass


def _broken(e: BaseException) -> bool:
    return isinstance(e, OSError) and e.errno in (errno.EPIPE, errno.EBADF, errno.EINVAL, errno.ENOSPC, errno.EIO)


def _out_failed(e: OSError) -> NoReturn:
    """stdout cannot take the output (closed reader, closed stream, full disk): exit 2, quietly on stdout."""
    try:  # nothing more may reach the dead stream, not even at interpreter exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
    except (OSError, AttributeError):  # pragma: no cover
        pass
    en = _lang() == "en"
    if e.errno == errno.EPIPE:
        _say("certctl: output cut short: the program reading it stopped (broken pipe)" if en else
             "certctl: 输出未写完：读取输出的程序已关闭（管道断开）")
    elif e.errno == errno.EBADF:  # started with stdout closed (`>&-`, a service without one)
        _say("certctl: cannot write the output: stdout is closed" if en else
             "certctl: 无法写出输出：标准输出已关闭（stdout is closed），请把输出重定向到文件或用 -o 指定文件")
    else:
        _say(f"certctl: cannot write the output: {e.strerror or e}" if en else f"certctl: 无法写出输出：{why(e)}")
    raise SystemExit(2)


class Terminated(BaseException):
    """SIGTERM (``kill``, a service or cron job stopped, a shutdown) or SIGHUP (the terminal window
    closed, the SSH session dropped while a merge was running), raised where the program is so that every
    ``finally`` and ``except BaseException`` runs as for Ctrl-C: an output's temporary file is removed,
    the lock released. Not a KeyboardInterrupt, so nothing mistakes it for the clerk's Ctrl-C.
    ``signum`` is the signal; the exit status is 128 + it (143, 129), as a shell reports a killed job."""

    def __init__(self, signum: int = 15) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum: int, frame: Any) -> None:
    raise Terminated(signum)


def _catch_sigterm() -> None:
    """SIGTERM and SIGHUP raise :class:`Terminated` (unless ignored: ``nohup certctl merge`` keeps
    running when the terminal closes, as nohup means)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    for name in ("SIGTERM", "SIGHUP"):  # Windows has no SIGHUP
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            if signal.getsignal(sig) == signal.SIG_DFL:
                signal.signal(sig, _on_signal)
        except (ValueError, OSError):  # pragma: no cover - not settable on this platform
            pass


def _terminated(e: Terminated) -> int:
    """Say how the run was stopped; the exit status (143 SIGTERM, 129 SIGHUP)."""
    en = _lang() == "en"
    if e.signum == 1:  # the terminal is gone: its stdout and stderr may be too (EIO)
        _say("certctl: stopped (SIGHUP: the terminal was closed or the connection dropped); nothing half-written "
             "was left" if en else "certctl: 已终止（收到 SIGHUP：命令行窗口已关闭或远程连接已断开），没有留下写了一半的文件")
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
        except (OSError, AttributeError):  # pragma: no cover
            pass
        return 129
    _say("certctl: stopped (SIGTERM); nothing half-written was left" if en else
         "certctl: 已终止（收到 SIGTERM），没有留下写了一半的文件")
    return 128 + e.signum


def _unraisable(info: Any) -> None:
    """An error in a finaliser (openpyxl leaves its zip open when the disk fills; closing it in ``__del__``
    fails again): the failure itself was already said in one line, so no "Exception ignored … Traceback"
    after it, unless CERTCTL_TRACEBACK asks for tracebacks."""
    if os.environ.get(TRACEBACK_ENV):
        sys.__unraisablehook__(info)


def run_main(app: Any, args: list[str] | None = None) -> None:
    """Run ``app`` (Typer) as the ``certctl`` program: exit statuses 0/1/2 only, no traceback.

    Click's own ``main`` is not used: it turns a broken pipe into exit status 1, which cron would read as
    "something overdue". (Click's exceptions are recognised by name: Typer ships its own copy of click
    in recent versions.)"""
    import typer.main

    _tolerant_streams()
    _catch_sigterm()
    sys.unraisablehook = _unraisable
    command = typer.main.get_command(app)
    argv = sys.argv[1:] if args is None else args
    code: Any = 0
    try:
        try:
            with command.make_context("certctl", list(argv)) as ctx:
                command.invoke(ctx)
        except (KeyboardInterrupt, EOFError):
            raise
        except Exception as e:
            name = type(e).__name__
            if name == "Exit" and hasattr(e, "exit_code"):
                code = e.exit_code
            elif name == "Abort":
                raise KeyboardInterrupt from e
            elif hasattr(e, "show") and hasattr(e, "exit_code"):  # ClickException: bad arguments, exit 2
                e.show()
                code = e.exit_code
            else:
                raise
        out = sys.stdout
        if out is not None:
            out.flush()
    except (KeyboardInterrupt, EOFError):
        _say("certctl: interrupted" if _lang() == "en" else "certctl: 已中断")
        code = 130
    except Terminated as e:
        code = _terminated(e)
    except OSError as e:
        if _is_stdout_error(e):
            _out_failed(e)
        _unexpected(e)
    except Exception as e:  # noqa: BLE001 - the last line of defence: never a traceback, never exit 1
        _unexpected(e)
    raise SystemExit(code if isinstance(code, int) else 0)


def _is_stdout_error(e: OSError) -> bool:
    """An error writing stdout (a pipe closed by its reader, a closed stream, a full disk under
    ``> file``) rather than one about a named file (those carry the file's name)."""
    if e.errno == errno.EPIPE:
        return True
    return _broken(e) and getattr(e, "filename", None) is None


def _unexpected(e: BaseException) -> NoReturn:
    if os.environ.get(TRACEBACK_ENV):
        traceback.print_exception(e)
    en = _lang() == "en"
    what = f"{type(e).__name__}: {e}"
    _say(f"certctl: internal error ({what}); nothing more was done. Run again with {TRACEBACK_ENV}=1 to see where." if en
         else f"certctl: 内部错误（{what}），未继续执行。加环境变量 {TRACEBACK_ENV}=1 重新运行可看到出错位置。")
    raise SystemExit(2)


# ------------------------------------------------------------------------------------------ documents
def emit(text: str, output: Path | None, *, kind: str, fail: Callable[[str, str], NoReturn]) -> None:
    """Write a command's document: to ``output`` (a file) or to stdout. ``kind``: csv | json | text."""
    bom = kind == "csv"
    if output is not None:
        from ..outputs import write_text

        try:
            write_text(output, text, bom=bom)
        except OSError as e:
            fail(f"无法写出 {output}：{why(e)}", f"cannot write {output}: {e.strerror or e}")
        return
    out = sys.stdout
    tty = False
    try:
        tty = out.isatty()
    except (AttributeError, ValueError, OSError):
        pass
    buffer = getattr(out, "buffer", None)
    if not tty and buffer is not None:  # a file or a pipe: the document's own bytes (UTF-8)
        out.flush()
        data = text.encode("utf-8")
        if bom and not text.startswith("\ufeff"):
            data = b"\xef\xbb\xbf" + data
        buffer.write(data)
        buffer.flush()
        return
    if tty and text.startswith("\ufeff"):
        text = text[1:]  # a console has no use for the byte-order mark
    out.write(text)
    out.flush()


def guard(path: Path | None, kind: str, inputs: Iterable[Any], fail: Callable[[str, str], NoReturn]) -> None:
    """Refuse (exit 2) an output that would land on an input or on a file certctl did not write."""
    if path is None:
        return
    from ..outputs import OutputRefused, check_output

    try:
        check_output(path, kind, inputs)
    except OutputRefused as e:
        fail(e.zh, e.en)


def failer(lang: str, prefix: str = "certctl") -> Callable[[str, str], NoReturn]:
    """A ``fail(zh, en)`` for before a command's log is open: the message on stderr, exit 2."""
    def fail(zh: str, en: str) -> NoReturn:
        import typer

        _say(f"{prefix}: {en if lang == 'en' else zh}")
        raise typer.Exit(2)
    return fail
