"""A directory of submitted forms, read and validated once: the input of merge, overdue and report.

``load_workspace(root, opts)`` finds every spreadsheet below ``root`` (recursively, any mix of form
kinds), validates each with :func:`certctl.validate.validate_file` and returns a :class:`Workspace`:

- ``results``: one :class:`FormResult` per distinct file *content*, sorted by path (relative to the
  root, POSIX separators) so the order never depends on the file system or the working directory.
  Files that cannot be read are kept, with ``read_error`` set, so callers can report them.
- ``duplicates``: ``(duplicate path, original path)`` for every file whose bytes (sha256) equal an
  earlier file's; the duplicate is not validated or merged again. ``findings`` holds one X005 info
  finding per duplicate naming both paths.

Nothing here prints. ``progress(done, total, path)`` is called after each file when given; ``cache``
(an object with ``get(sha256, options_key)`` / ``put(sha256, options_key, result)``, e.g.
:class:`certctl.cache.FormCache`; ``get_many(sha256s, options_key)`` is used when it has one) is
consulted only when passed.

``find_forms(paths)`` lists the spreadsheet files below folders (recursively; hidden files and folders,
Office lock files ``~$…`` and certctl's own ``.certctl`` folders left out, symbolic links followed once)
and every folder or file it could not open (:class:`Listing`): a folder that cannot be read is never
skipped without a word — it becomes an unreadable result (F001 naming it) like a file that cannot be
read, counted in 无法读取.

``scan_forms(root, exclude)`` lists and hashes the files without reading them (a :class:`Scan`);
``inputs_key(scan, opts, cfg, as_of, ...)`` digests everything a derived result (the ledger, the
obligations) depends on — every file's relative path and sha256, the options, the config, the as-of
date, the certctl version and source code — so a caller can tell "nothing changed" from one hash per
file. ``load_workspace(..., scan=scan)`` reuses the hashes instead of reading every file twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from . import oserror
from .findings import Finding
from .gcpause import gc_paused
from .pathnames import shown
from .reader import EXTENSIONS, ReadError, file_hash
from .validate import FormResult, Options, validate_file
from .validate.results import slim_records

Progress = Callable[[int, int, str], None]

#: bump when validation output changes shape, so cached results of an older certctl are not reused
CACHE_SCHEMA = "3"  # 2: a sheet's records stored by columns (validate/results.py pack_records); 3: and the model's product of a form (model/product.py)


@dataclass
class Workspace:
    root: Path
    results: list[FormResult] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (duplicate path, original path)
    findings: list[Finding] = field(default_factory=list)  # X005 per duplicate
    paths: list[str] = field(default_factory=list)  # every file found, in order (duplicates included)
    others: list[str] = field(default_factory=list)  # files below the root that are not spreadsheets
    # path -> the model's product of a form that came from the cache as that (model/product.py), and
    # where the model hands the product of a form it read (the merge keeps it in the cache)
    products: dict[str, Any] = field(default_factory=dict)
    product_sink: Any = None

    def rel(self, path: str | os.PathLike[str]) -> str:
        """``path`` relative to the root, with ``/`` separators (the path shown in the ledger)."""
        return rel_path(self.root, path)

    @property
    def readable(self) -> list[FormResult]:
        return [r for r in self.results if r.read_error is None]

    @property
    def unreadable(self) -> list[FormResult]:
        return [r for r in self.results if r.read_error is not None]

    def of_family(self, family: str) -> list[FormResult]:
        """Results whose form family is (or includes, for multi-kind workbooks) ``family``."""
        return [r for r in self.results if r.read_error is None and family in r.family.split("+")]


@lru_cache(maxsize=65536)
def rel_path(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> str:
    """``path`` relative to ``root`` as shown (undecodable bytes of a name escaped: certctl.pathnames)."""
    return shown(_rel_path(root, path))


def _rel_path(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> str:
    p = Path(path)
    r = Path(root)
    try:
        return p.relative_to(r).as_posix()
    except ValueError:
        try:
            return p.resolve().relative_to(r.resolve()).as_posix()
        except (ValueError, OSError):
            return p.as_posix()


def options_key(opts: Options) -> str:
    """A short, stable digest of everything in ``opts`` that changes a validation result."""
    cal = opts.calendar
    extra = getattr(cal, "extra_years", None) or {}
    parts = {
        "schema": CACHE_SCHEMA,
        "lang": opts.lang,
        "form": opts.form,
        "annual_hours": opts.annual_hours,
        "new_field_hours": opts.new_field_hours,
        "min_age": opts.min_age,
        "warn_over_age": opts.warn_over_age,
        "report_days": opts.report_days,
        "due_soon_days": opts.due_soon_days,
        "disabled": sorted(opts.disabled),
        "jurisdiction": opts.jurisdiction.key() if opts.jurisdiction is not None else None,
        "followup_due": opts.followup_due,
        "campaign_end": opts.campaign_end,
        "cert_patterns": sorted(opts.cert_patterns.items()),
        "today": opts.today.isoformat() if opts.today else None,
        "calendar": sorted((int(y), repr(s)) for y, s in extra.items()),
    }
    try:
        from . import __version__ as ver  # type: ignore[attr-defined]
    except Exception:  # pragma: no cover
        ver = ""
    parts["version"] = ver
    parts["code"] = code_fingerprint()
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def _hash(path: Path) -> str | None:
    try:
        return file_hash(path)
    except OSError:
        return None


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of certctl's own source files: results cached by one build of the code are never
    served to another (a version number is not bumped for every change)."""
    pkg = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(pkg.rglob("*.py")):
        try:
            h.update(f.relative_to(pkg).as_posix().encode())
            h.update(f.read_bytes())
        except OSError:  # pragma: no cover
            h.update(b"?")
    return h.hexdigest()[:16]


@dataclass
class Listing:
    """Spreadsheet files found, the folders (or entries) that could not be opened, with why, and the
    other files below the folders (plans, reports … — a campaign's deliverables count by name)."""

    files: list[Path] = field(default_factory=list)
    unreadable: list[tuple[Path, ReadError]] = field(default_factory=list)
    others: list[Path] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ read once
def validate_once(path: str | os.PathLike[str], opts: Options) -> tuple[FormResult, str | None]:
    """Validate ``path`` from one reading of its bytes: (result, sha256 of those bytes).

    The bytes are read once, hashed, and handed to the reader as they are (it does not open the file
    again), so what is validated and what is hashed are the same content: a form replaced while a merge
    runs is never stored under the hash of another content. Not a regular file, too large, or
    unreadable: ``validate_file(path)`` says why, and the hash is None."""
    p = Path(path)
    data = _read_once(p)
    if data is None:
        return validate_file(p, opts), None
    return validate_file(p, opts, data=data), hashlib.sha256(data).hexdigest()


def _read_once(p: Path) -> bytes | None:
    from .reader import MAX_FILE_BYTES

    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return None
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def find_forms(paths: Iterable[str | os.PathLike[str]]) -> Listing:
    """The spreadsheet files below each folder in ``paths`` (a file is taken as given), sorted per
    folder, every folder below them that could not be listed, and the other regular files below them.
    Symbolic links to folders are followed, each folder once (a link loop ends there)."""
    out = Listing()
    for raw in paths:
        p = Path(raw)
        if not p.is_dir():
            out.files.append(p)
            continue
        found: list[Path] = []
        others: list[Path] = []
        seen: set[tuple[int, int]] = set()
        _walk(p, found, out.unreadable, seen, others)
        out.files.extend(sorted(found, key=_path_order))
        out.others.extend(sorted(others))
        out.unreadable.extend(packed_forms(found, others))
    return out


_COPY = re.compile(r"^(?:复件|副本|Copy of)\s*[-_]?\s*|\s*[-－—_]?\s*(?:的)?副本(?:\s*[（(]\s*\d{1,2}\s*[)）])?$"
                   r"|\s*[-－—_]?\s*[（(]\s*\d{1,2}\s*[)）]$|\s+-\s+Copy(?:\s*\(\d{1,2}\))?$", re.IGNORECASE)


def plain_name(name: str) -> str:
    """A file name without the marks a copy gets from Windows, WPS or a chat app (附件2(1).xlsx,
    附件2 - 副本.xlsx, 复件 附件2.xlsx): listed after its plain name, the plain one is the original of two
    identical files and the copy the duplicate (X005), as the clerk reads them."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return name
    plain = _COPY.sub("", stem)
    return f"{plain}.{ext}" if plain else name


def _path_order(p: Path) -> tuple[Path, bool, Path]:
    """:func:`_rel_order` of a path as found (by its parts, as paths sort)."""
    plain = plain_name(p.name)
    return (p.with_name(plain), plain != p.name, p)


def _rel_order(rel: str) -> tuple[str, bool, str]:
    """The listing order of a relative path: by path, a copy right after its plain name."""
    head, _, name = rel.rpartition("/")
    plain = plain_name(name)
    return (f"{head}/{plain}" if head else plain, plain != name, rel)


ARCHIVES = (".zip", ".rar", ".7z")


def packed_forms(found: list[Path], others: list[Path]) -> list[tuple[Path, ReadError]]:
    """The archives below the folder whose forms were not read: a .zip holding spreadsheets none of the
    same name found unpacked below the folder; a .rar or .7z (not opened) with no folder of its name beside
    it (what 解压到“名称\” makes). A unit that sends its forms packed (汇龙镇报送材料.zip) is then said
    (F001, the file table, 来源文件), never silently left out; once unpacked beside it, nothing is said.
    A .zip of other things (photos, a plan) is no form and stays a deliverable by name."""
    names = {p.name for p in found}
    out = []
    for p in others:
        ext = p.suffix.lower()
        if ext not in ARCHIVES:
            continue
        if ext != ".zip":
            if not (p.parent / p.stem).is_dir():
                out.append((p, ReadError(
                    "F001", f"压缩包（{ext}），其中的表格没有读取；请解压到名为“{p.stem}”的文件夹后重新合并"
                            "（如其中没有需要合并的表格，可将其移出本文件夹）",
                    f"an archive ({ext}): its forms were not read; unpack it into a folder named “{p.stem}” and "
                    "merge again (if it holds no forms to merge, move it out of this folder)")))
            continue
        inside = _zip_forms(p)
        missing = sorted(set(inside or ()) - names)
        if inside is None or missing:
            shown_names = "、".join(missing[:3]) + (" 等" if len(missing) > 3 else "")
            out.append((p, ReadError(
                "F001", (f"压缩包中的 {len(missing)} 个表格没有读取（{shown_names}）" if inside is not None
                         else "压缩包无法打开，其中的表格没有读取") + "；请解压到本文件夹后重新合并",
                (f"{len(missing)} forms in the archive were not read ({', '.join(missing[:3])})" if inside is not None
                 else "the archive cannot be opened: its forms were not read") + "; unpack it here and merge again")))
    return out


def _zip_forms(p: Path) -> list[str] | None:
    """The file names of the spreadsheets in a .zip (from its directory; nothing is unpacked), a name
    saved by Chinese Windows in GBK read as such; None: not a zip that opens."""
    import zipfile

    try:
        with zipfile.ZipFile(p) as z:
            infos = z.infolist()
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return None
    out = []
    for info in infos:
        name = info.filename
        if not info.flag_bits & 0x800:  # no UTF-8 flag: the bytes are the system's (GBK on Chinese Windows)
            try:
                name = name.encode("cp437").decode("gbk")
            except (UnicodeEncodeError, UnicodeDecodeError):
                pass
        base = name.rstrip("/").rsplit("/", 1)[-1]
        if Path(base).suffix.lower() in EXTENSIONS and not base.startswith(("~$", ".")) and not info.is_dir():
            out.append(base)
    return out


def _walk(d: Path, found: list[Path], bad: list[tuple[Path, ReadError]], seen: set[tuple[int, int]],
          others: list[Path]) -> None:
    try:
        st = d.stat()
        if (st.st_dev, st.st_ino) in seen:
            return
        seen.add((st.st_dev, st.st_ino))
        with os.scandir(d) as it:
            entries = list(it)
    except OSError as e:
        bad.append((d, folder_error(e)))
        return
    for e in entries:
        name = e.name
        if name.startswith((".", "~$")):
            continue
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            _walk(Path(e.path), found, bad, seen, others)
            continue
        try:
            regular = e.is_file()
        except OSError:
            regular = False
        if Path(name).suffix.lower() in EXTENSIONS:
            if regular or not e.is_symlink():  # a broken link is skipped; a FIFO named .xlsx is read (and refused)
                found.append(Path(e.path))
        elif regular:  # only by name, and hashed: never a FIFO or device
            others.append(Path(e.path))


def folder_error(e: OSError) -> ReadError:
    """A folder that could not be listed, said in each language (the reason in Chinese where
    :func:`certctl.oserror.why` knows it, the system's own text kept in brackets)."""
    if isinstance(e, PermissionError):
        return ReadError("F001", "无法打开文件夹（没有读取权限），其中的表格都未读取；请检查文件夹权限",
                         "cannot open the folder (permission denied): none of its forms were read; check its permissions")
    return ReadError("F001", f"无法打开文件夹：{oserror.why(e)}，其中的表格都未读取",
                     f"cannot open the folder ({oserror.why(e, 'en')}): none of its forms were read")


def unreadable_result(path: str | os.PathLike[str], error: ReadError, lang: str = "zh") -> FormResult:
    """A result for something that could not be read at all (a folder), as validate_file gives for a file."""
    res = FormResult(str(path), read_error=error)
    res.findings = [Finding(error.code, str(path), params={"reason": error.reason(lang)})]
    return res


@dataclass
class Scan:
    """The form files below a root, sorted by relative path, each with its sha256 (None: unreadable),
    and the folders below it that could not be listed."""

    root: Path  # the folder paths are relative to
    files: list[Path]
    digests: list[str | None]
    unreadable: list[tuple[Path, ReadError]] = field(default_factory=list)
    changed: bool = False  # a file was replaced between the scan and its reading (see load_workspace)
    others: list[Path] = field(default_factory=list)  # not spreadsheets (plans, reports …): by name only

    def rels(self) -> list[str]:
        return [rel_path(self.root, p) for p in self.files]

    @property
    def complete(self) -> bool:
        """Every folder could be listed and every file hashed (otherwise nothing derived from them can
        be trusted)."""
        return not self.unreadable and not self.changed and all(d is not None for d in self.digests)

    def key(self) -> str:
        h = hashlib.sha256()
        for rel, d in zip(self.rels(), self.digests):
            h.update(f"{rel}\t{d}\n".encode("utf-8"))
        for d, _ in self.unreadable:
            h.update(f"{rel_path(self.root, d)}\t-\n".encode("utf-8"))
        for p in self.others:  # deliverables count by name
            h.update(f"{rel_path(self.root, p)}\n".encode("utf-8"))
        return h.hexdigest()


def scan_forms(root: str | os.PathLike[str], exclude: Iterable[str | os.PathLike[str]] = (),
               files: list[Path] | None = None, unreadable: list[tuple[Path, ReadError]] | None = None,
               others: list[Path] | None = None) -> Scan:
    """List (or take ``files``, ``unreadable`` and ``others`` from :func:`find_forms`) and hash every
    form below ``root``, without reading them as forms."""
    root_p = Path(root)
    base = root_p if root_p.is_dir() else root_p.parent
    skip = {Path(e).resolve() for e in exclude}
    bad: list[tuple[Path, ReadError]] = list(unreadable or [])
    if files is None or others is None:
        listing = find_forms([root_p])
        if files is None:
            files, bad = listing.files, listing.unreadable
        others = listing.others
    files = [p for p in files if not skip or p.resolve() not in skip]
    files.sort(key=lambda p: _rel_order(rel_path(base, p)))
    others = sorted(others, key=lambda p: rel_path(base, p))
    return Scan(base, files, [_hash(p) for p in files], bad, others=others)


def config_digest(cfg: Any) -> str:
    """A stable text of a :class:`certctl.config.Config` (or None)."""
    if cfg is None:
        return ""
    dump = getattr(cfg, "model_dump_json", None)
    if dump is not None:
        try:
            return dump()
        except Exception:  # pragma: no cover
            pass
    return repr(cfg)


def inputs_key(scan: Scan, opts: Options, cfg: Any, as_of: Any, *extra: Any) -> str:
    """The digest of everything a result derived from the whole folder depends on."""
    parts = [
        "certctl-derived-1", scan.key(), options_key(opts), config_digest(cfg),
        as_of.isoformat() if hasattr(as_of, "isoformat") else str(as_of), str(scan.root.resolve()),
        *[str(x) for x in extra],
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _product_blobs(cache: Any, scan: Scan, key: str) -> dict[str, Any]:
    """{sha256: (stored product, its stored events)} of the forms whose model product the cache holds
    (model/product.py), still compressed."""
    from .model.product import EVENTS_SUFFIX, OKEY_SUFFIX

    digests = [d for d in dict.fromkeys(scan.digests) if d is not None]
    try:
        heads = cache.get_many(digests, key + OKEY_SUFFIX, decode=False)
        events = cache.get_many(list(heads), key + EVENTS_SUFFIX, decode=False) if heads else {}
    except Exception:
        return {}
    return {d: (heads[d], events[d]) for d in heads if d in events}


def _product(cache: Any, digest: str, key: str, blob: Any, path: str, ws: Workspace) -> FormResult | None:
    """The form's result (its records let go) from its stored product, the product in ``ws.products``;
    None (a miss: the records are read as before) when it cannot be read."""
    from .model.product import SUFFIXES, loads

    head, events = blob
    try:
        with gc_paused():
            result, prod = loads(head, path)
    except Exception:
        return None
    prod["events"] = events  # decoded by the model when it comes to the form
    ws.products[path] = prod
    for k in (key, *(key + s for s in SUFFIXES)):  # the records stay in the cache with it (a merge may need them)
        cache.touch([digest], k)
    return result


def _cached(cache: Any, pre: dict[str, Any] | None, lazy: bool, digest: str, key: str, path: str) -> FormResult | None:
    """The form's result from the cache — from ``pre`` (fetched at once for the folder; decoded now when
    ``lazy``) or asked for alone — moved to ``path``; None when missing or unreadable (validated again)."""
    result: FormResult | None
    if pre is not None:
        result = pre.pop(digest, None)  # decoded once: not held twice
        if lazy and result is not None:
            with gc_paused():
                try:
                    result = cache.decode(digest, key, result)
                except Exception:
                    result = None
    else:
        try:
            result = cache.get(digest, key)
        except Exception:
            result = None
    if result is not None:
        result.path = path  # the same content may have moved or been renamed
        for f in result.findings:
            f.path = path
    return result


def load_workspace(
    root: str | os.PathLike[str],
    opts: Options | None = None,
    *,
    cache: Any = None,
    progress: Progress | None = None,
    exclude: Iterable[str | os.PathLike[str]] = (),
    scan: Scan | None = None,
    slim: bool = False,
    products: bool = False,
) -> Workspace:
    """Read and validate every form below ``root`` (or the single file ``root``). Files in
    ``exclude`` (e.g. the ledger itself when it is written inside the forms folder) are skipped.
    ``scan``: the files and hashes already found by :func:`scan_forms` (``exclude`` is then ignored).
    ``slim``: keep of each form, once validated and cached, only what merging reads
    (:func:`certctl.validate.results.slim_records`: memory bounded by rows, issue 15). ``products`` (with
    ``slim`` and a cache): a form whose model product is cached comes as that, without its records
    (``ws.products``; model/product.py)."""
    opts = opts or Options()
    if scan is None:
        scan = scan_forms(root, exclude)
    base = scan.root
    ws = Workspace(root=base, others=[str(p) for p in scan.others])
    for d, err in scan.unreadable:  # a folder that could not be listed: reported, counted as unreadable
        ws.paths.append(str(d))
        ws.results.append(unreadable_result(d, err, opts.lang))
    files = scan.files
    total = len(files)
    key = options_key(opts) if cache is not None else ""
    pre: dict[str, Any] | None = None
    lazy = slim and hasattr(cache, "decode")  # each form decoded when its turn comes (issue 15)
    # the model's products first: the records of those forms are not even fetched (model/product.py)
    prods = _product_blobs(cache, scan, key) if products and lazy else {}
    if cache is not None and hasattr(cache, "get_many"):
        with gc_paused():  # decoding ~10^6 acyclic objects
            try:  # one query for every file instead of one per file
                digests = [d for d in dict.fromkeys(scan.digests) if d is not None and d not in prods]
                pre = cache.get_many(digests, key, decode=False) if lazy else cache.get_many(digests, key)
            except Exception:
                pre = None
    seen: dict[str, str] = {}  # sha256 -> original path
    shared: dict[Any, Any] = {}  # slim: one object for each repeated value
    for i, (p, digest) in enumerate(zip(files, scan.digests), start=1):
        sp = str(p)
        ws.paths.append(sp)
        if digest is not None and digest in seen:
            orig = seen[digest]
            ws.duplicates.append((sp, orig))
            ws.findings.append(Finding("X005", sp, params={"other": ws.rel(orig)}, value=ws.rel(orig)))
            if progress is not None:
                progress(i, total, sp)
            continue
        # the model's product of the form, when cached: its records are not decoded (model/product.py)
        # (a product that cannot be read: the form is validated again)
        result: FormResult | None = _product(cache, digest, key, prods.pop(digest), sp, ws) if digest in prods else None
        if result is None and cache is not None and digest is not None:
            result = _cached(cache, pre, lazy, digest, key, sp)
        if result is None:
            result, parsed = validate_once(p, opts)
            if parsed is not None and parsed != digest:  # replaced since the scan: it is what was read now
                scan.changed = True
                digest = parsed
                result.sha256 = parsed
            if cache is not None and digest is not None and result.read_error is None:
                try:
                    cache.put(digest, key, result)  # under the hash of the very bytes validated
                except Exception:
                    pass
        if digest is not None:
            seen[digest] = sp
            if not result.sha256:
                result.sha256 = digest
        if slim:
            with gc_paused():  # a cached form's records are built here, from its columns
                slim_records(result, shared)
        ws.results.append(result)
        if progress is not None:
            progress(i, total, sp)
    if scan.unreadable:
        ws.results.sort(key=lambda r: ws.rel(r.path))
    return ws
