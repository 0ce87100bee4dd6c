"""Linting many files: discovery, the content-keyed cache, parallel workers, fixes on disk.

Results stream back in a deterministic order; no parse tree outlives its file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

from . import __version__
from ._config import Config
from ._engine import PARSE_ERROR_CODE, FileResult, check_source, needs_analysis
from ._finding import Edit, Finding, Fix

# Below this much code to parse, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD_BYTES = 150_000  # measured break-even on two cores: about 120 kB


class PathError(Exception):
    """A path given on the command line does not exist."""


@dataclass
class RunOptions:
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    jobs: int = 0
    cache_dir: Path | None = None  # None: no cache


@dataclass
class RunResult:
    findings: list = field(default_factory=list)
    files: int = 0
    fixed: int = 0
    diffs: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    sources: dict = field(default_factory=dict)


def discover(paths: list, config: Config) -> list[Path]:
    """Python files and notebooks under ``paths``: folders are walked, skipping hidden folders and
    virtualenvs."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise PathError(f"{given}: no such file or directory")
        if path.is_file():
            found.append(path)  # a file named explicitly is always checked
            continue
        for root, folders, files in os.walk(path):
            root_path = Path(root)
            # exclusions apply below the folder given, never to the folder itself
            relative = root_path.relative_to(path)
            folders[:] = sorted(
                name for name in folders
                if not name.startswith(".") and name != "__pycache__"
                and not (root_path / name / "pyvenv.cfg").exists()
                and not config.is_excluded(relative / name)
            )
            for name in sorted(files):
                if config.is_included(relative / name) and not config.is_excluded(relative / name):
                    found.append(root_path / name)
    unique = sorted({str(p): p for p in found}.values(), key=lambda p: str(p))
    return unique


def read_source(path: Path) -> tuple[str | None, Finding | None, bytes]:
    """The file's text, or a RNN000 finding saying why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, Finding(str(path), 1, 0, PARSE_ERROR_CODE, f"cannot read file: {error.strerror}",
                             name="unreadable-file"), b""
    try:
        return data.decode("utf-8-sig"), None, data
    except UnicodeDecodeError as error:
        return None, Finding(str(path), 1, 0, PARSE_ERROR_CODE,
                             f"cannot decode file as UTF-8 (byte {error.start})", name="undecodable-file"), data


def run(paths: list, config: Config, options: RunOptions) -> RunResult:
    result = RunResult()
    files = discover(paths, config)
    result.files = len(files)
    cache = Cache(options.cache_dir, config) if options.cache_dir and not options.fix and not options.diff else None
    pending: list[tuple[Path, str, str | None]] = []
    notebooks: dict = {}  # path -> the notebook whose program is checked
    for path in files:
        source, error, data = read_source(path)
        if error is not None:
            result.findings.append(error)
            continue
        if is_notebook(path):
            source, error = _notebook_program(path, source, notebooks, data)
            if error is not None:
                result.findings.append(error)
                continue
            if source is None:
                continue  # a notebook in another language
        if not needs_analysis(source):
            if str(path) in notebooks:
                result.findings.extend(cell.error for cell in notebooks[str(path)].cells if cell.error is not None)
            continue
        key = cache.key(data) if cache else None
        cached = cache.load(key, str(path)) if cache else None
        if cached is not None:
            result.findings.extend(cached)
            continue
        pending.append((path, source, key))
    for (path, source, key), file_result in zip(pending, _check_all(pending, config, options)):
        notebook = notebooks.get(str(path))
        if notebook is not None:
            from ._notebook import cell_findings

            file_result.findings = cell_findings(notebook, file_result.findings)
        result.findings.extend(file_result.findings)
        result.warnings.extend(file_result.warnings)
        if cache is not None and not file_result.warnings:
            cache.store(key, file_result.findings)
        if file_result.fixed_source is not None:
            if notebook is not None:
                _apply_fixed_notebook(path, notebook, file_result, options, result)
            else:
                _apply_fixed(path, source, file_result, options, result)
        if file_result.findings:
            result.sources[str(path)] = {cell.number: cell.text for cell in notebook.cells} \
                if notebook is not None else file_result.fixed_source or source
    result.findings.sort(key=finding_order)
    return result


def finding_order(finding: Finding) -> tuple:
    """Files by name, then cells (of a notebook), rows and columns."""
    return (finding.path, finding.cell or 0, finding.row, finding.column, finding.code)


def is_notebook(path) -> bool:
    return str(path).endswith(".ipynb")


def _notebook_program(path: Path, source: str, notebooks: dict, data: bytes) -> tuple[str | None, Finding | None]:
    """The program made of a notebook's code cells, or the RNN000 saying why it cannot be read."""
    from ._notebook import NotebookError, read_notebook

    try:
        notebook = read_notebook(source, str(path))
    except NotebookError as error:
        return None, Finding(str(path), 1, 0, PARSE_ERROR_CODE, str(error), name="invalid-notebook")
    if not notebook.python:
        return None, None
    notebook.bom = data.startswith(b"\xef\xbb\xbf")  # written back as it was read
    notebooks[str(path)] = notebook
    return notebook.program, None


def _apply_fixed_notebook(path: Path, notebook, file_result: FileResult, options: RunOptions,
                          result: RunResult) -> None:
    from ._notebook import NotebookError, cell_diffs, fixed_cells, write_cells

    sources = fixed_cells(notebook, file_result.fixed_source)
    if not sources:
        if file_result.fixed_source != notebook.program:
            result.warnings.append(f"{path}: a fix touches IPython syntax, several cells or a name bound in several "
                                   "cells; fixes not applied")
        return
    for number, text in sources.items():
        before = next(cell.text for cell in notebook.cells if cell.number == number)
        result.fixed += _count_fixed(before, text)
    if options.diff:
        result.diffs.append(cell_diffs(notebook, sources))
        return
    try:
        text = write_cells(notebook.text, sources)
    except NotebookError as error:
        result.warnings.append(f"{path}: fixes not applied: {error}")
        return
    write_atomically(path, "\ufeff" + text if notebook.bom else text)


def _check_all(pending: list, config: Config, options: RunOptions) -> Iterator[FileResult]:
    jobs = options.jobs or os.cpu_count() or 1
    fixing = options.fix or options.diff
    tasks = [(str(path), source, config, fixing, options.unsafe_fixes) for path, source, _ in pending]
    if jobs <= 1 or len(tasks) < 2 or sum(len(task[1]) for task in tasks) < PARALLEL_THRESHOLD_BYTES:
        for task in tasks:
            yield _check_one(task)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
    # largest files first, one at a time: no worker is left with a big file at the end
    order = sorted(range(len(tasks)), key=lambda index: -len(tasks[index][1]))
    results: list = [None] * len(tasks)
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context) as pool:
        for index, file_result in zip(order, pool.map(_check_one, [tasks[index] for index in order])):
            results[index] = file_result
    yield from results  # the input order: output is deterministic whatever finishes first


def _check_one(task: tuple) -> FileResult:
    path, source, config, fix, unsafe = task
    try:
        return check_source(source, path, config, fix=fix, unsafe_fixes=unsafe)
    except RecursionError:
        return FileResult(path, warnings=[f"{path}: skipped: nesting too deep to analyse"])
    except Exception as error:  # noqa: BLE001 - one file's analysis gap must not stop the run
        return FileResult(path, warnings=[f"{path}: skipped: internal error: {type(error).__name__}: {error}"])


def _apply_fixed(path: Path, source: str, file_result: FileResult, options: RunOptions, result: RunResult) -> None:
    import difflib

    fixed = file_result.fixed_source
    if fixed is None or fixed == source:
        return
    result.fixed += _count_fixed(source, fixed)
    if options.diff:
        result.diffs.append("".join(difflib.unified_diff(
            source.splitlines(keepends=True), fixed.splitlines(keepends=True),
            fromfile=f"a/{path}", tofile=f"b/{path}",
        )))
        return
    write_atomically(path, fixed)


def _count_fixed(source: str, fixed: str) -> int:
    import difflib

    matcher = difflib.SequenceMatcher(a=source.splitlines(), b=fixed.splitlines(), autojunk=False)
    return max(1, sum(1 for tag, *_ in matcher.get_opcodes() if tag != "equal"))


def write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file and rename: a crash never leaves half a file."""
    folder = path.parent
    mode = path.stat().st_mode
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".rnnlint", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


class Cache:
    """Per-file results keyed by content, rnnlint version and effective configuration."""

    def __init__(self, folder: Path, config: Config):
        self.folder = Path(folder) / __version__
        self.salt = f"{__version__}:{config.fingerprint()}".encode()
        self.ready = False

    def key(self, data: bytes) -> str:
        return hashlib.sha256(self.salt + b"\0" + data).hexdigest()

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def load(self, key: str, path: str) -> list | None:
        try:
            records = json.loads(self._file(key).read_text(encoding="utf-8"))
            return [_finding_from(record, path) for record in records]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError):
            return None  # a corrupt or foreign entry is recomputed and overwritten

    def store(self, key: str, findings: list) -> None:
        try:
            self._prepare()
            target = self._file(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            records = [_record_of(finding) for finding in findings]
            handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(records, stream)
            os.replace(temporary, target)  # concurrent runs write whole files or nothing
        except OSError:
            pass  # a read-only or full disk only costs the cache

    def _prepare(self) -> None:
        if self.ready:
            return
        root = self.folder.parent
        root.mkdir(parents=True, exist_ok=True)
        ignore = root / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# created by rnnlint\n*\n", encoding="utf-8")
        self.ready = True


def _record_of(finding: Finding) -> dict:
    record = asdict(finding)
    record.pop("path")
    return record


def _finding_from(record: dict, path: str) -> Finding:
    fix = record.get("fix")
    if fix is not None:
        fix = Fix(title=fix["title"], safe=fix["safe"], edits=tuple(Edit(**edit) for edit in fix["edits"]))
    return Finding(path=path, row=record["row"], column=record["column"], code=record["code"],
                   message=record["message"], name=record.get("name", ""), end_row=record.get("end_row", 0),
                   end_column=record.get("end_column", 0), fix=fix, help=record.get("help"), cell=record.get("cell"))
