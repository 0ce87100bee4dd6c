"""Linting many files: discovery, the content-keyed cache, parallel workers, fixes on disk.

Results stream back in a deterministic order; no parse tree outlives its file.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import stat
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

from . import __version__
from ._config import _DEFAULT_EXCLUDED_NAMES, _INCLUDED_SUFFIXES, CONFIG_FILES, Config, Hierarchy
from ._engine import PARSE_ERROR_CODE, FileResult, check_source, getattr_of_nn, internal_error, needs_analysis
from ._finding import Edit, Finding, Fix
from ._project import ROOT_MARKERS, import_words, learn_folder, note_walked, recurrent_definitions, stat_or_none
from ._reading import encode_like, file_kind, read_file

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
    root: Path | None = None  # the project root: what force-exclude patterns are relative to
    # a folder -> the configuration of the files in it and its root (the nearest configuration
    # file above it, as ruff finds it); None: ``config`` and ``root`` for every file
    config_for: Callable[[Path], tuple[Config, Path]] | None = None
    # the process ends once the run is reported (the command line): the collector is left as the
    # run set it, since putting it back would start a collection of everything the run built
    process_ends: bool = False


@dataclass
class RunResult:
    findings: list = field(default_factory=list)
    files: int = 0
    fixed: int = 0  # findings fixed (or, with --diff, that would be)
    fixed_findings: list = field(default_factory=list)
    diffs: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    sources: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # internal errors: the run is incomplete
    incomplete: int = 0  # files not fully analysed (not counting those that cannot be read)


def discover(paths: list, config: Config, root: Path | None = None,
             config_for: Callable[[Path], tuple[Config, Path]] | None = None) -> list[Path]:
    """Python files and notebooks under ``paths``: folders are walked, skipping hidden folders,
    virtualenvs, the configuration's exclusions and (with ``respect-gitignore``) what the
    ``.gitignore`` files leave out. A path named explicitly is checked unless ``force-exclude``
    is on and it is excluded; ``root`` is the folder exclusions of such a path are relative to.
    ``config_for`` (a folder -> its configuration and root): the exclusions of each folder are
    those of the configuration nearest to it, instead of ``config``'s."""
    return [Path(found.spelt) for found in _discover(paths, config, root, config_for)]


class _Found(NamedTuple):
    """A file discovery found: spelt as ``Path`` spells it, its folder spelt the same way, what
    ``os.stat`` said of it when it was found (None for a file named explicitly), and the
    configuration of its folder (None: the run's)."""

    spelt: str
    folder: str
    info: os.stat_result | None
    config: Config | None


def _discover(paths: list, config: Config, root: Path | None,
              config_for: Callable[[Path], tuple[Config, Path]] | None) -> list[_Found]:
    """``discover``'s files, sorted by their spelling. A folder is listed once (``os.scandir``):
    its entries' types say which are folders and files, its names which configuration and
    ignore files it holds; each file is stat'ed once, and only a regular file is kept."""
    def settings(folder: str) -> tuple[Config, Path]:
        return config_for(Path(folder)) if config_for is not None else (config, root or Path.cwd())

    hierarchy = config_for if isinstance(config_for, Hierarchy) else None
    gitignore = None
    if config_for is not None or (config.respect_gitignore and (config.force_exclude or any(
            os.path.isdir(given) for given in paths))):
        from ._gitignore import GitIgnore

        gitignore = GitIgnore()
    found: dict = {}
    for given in paths:
        path = Path(given)
        kind = file_kind(path)
        if kind is not None and kind != "a directory":
            # only regular files are read: a named pipe would block the run forever
            raise PathError(f"{given}: {_not_readable(kind)}")
        named, named_root = settings(str(path if kind is not None else path.parent))
        if named.force_exclude and is_force_excluded(path, named, named_root, gitignore, is_dir=kind is not None):
            continue
        if kind is None:  # a file named explicitly is always checked
            spelt = str(path)
            found[spelt] = _Found(spelt, str(path.parent), None, named if config_for is not None else None)
            continue
        top = str(path)
        kept = _walk(top, os.path.realpath(top) if hierarchy is not None else "", config,
                     settings if config_for is not None else None, hierarchy, gitignore, found)
        note_walked(os.path.abspath(top), kept)
    return [found[spelt] for spelt in sorted(found)]


def _walk(top: str, resolved: str, config: Config, settings, hierarchy, gitignore, found: dict) -> int:
    """Walk the folder ``top`` (as ``os.walk`` would, not following links to folders) into ``found``.
    ``settings``: a folder -> its configuration and root (None: ``config`` for every folder);
    ``resolved``: its real path, where ``hierarchy`` is given. Returns how many ``.py`` files it kept."""
    own_configs = settings is not None
    python_files = 0
    # (folder, relative to top, real path, absolute path, what the folder above holds);
    # exclusions apply below the folder given, never to it
    pending: list = [(top, "", resolved, os.path.abspath(top), None)]
    while pending:
        folder, relative, real, absolute, above = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue  # unreadable: skipped, as os.walk does
        if above is not None:  # the folder above could be searched (this one was listed): its listing holds
            learn_folder(*above)
        names = {entry.name: entry for entry in entries}
        if relative and "pyvenv.cfg" in names and os.path.exists(os.path.join(folder, "pyvenv.cfg")):
            continue  # a virtualenv
        holds = (absolute, *_holds(names))
        kept = False
        if hierarchy is not None:
            here = hierarchy.for_walked(folder, real, {name for name in CONFIG_FILES
                                                       if name in names and _is_file(names[name])})[0]
        else:
            here = settings(folder)[0] if settings is not None else config
        # outside a repository no .gitignore applies: the folder's entries are not asked about
        ignores = gitignore if here.respect_gitignore and gitignore is not None \
            and gitignore.applies_in(folder, names) else None
        # without patterns of its own, a configuration includes and excludes by the name alone
        by_name = here.by_name
        prefix = folder if folder.endswith(os.sep) else ("" if folder == "." else folder + os.sep)
        inside = relative + os.sep if relative else ""
        folder_config = here if own_configs else None
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if name.startswith(".") or name == "__pycache__" \
                        or (name in _DEFAULT_EXCLUDED_NAMES if by_name else here.excludes(inside + name, name)) \
                        or (ignores is not None and ignores.ignored(prefix + name, True)):
                    continue
                if not _is_link(entry):  # a link to a folder is not followed
                    pending.append((prefix + name, inside + name, os.path.join(real, name) if real else "",
                                    os.path.join(absolute, name), holds))
                continue
            if by_name:
                if not name.endswith(_INCLUDED_SUFFIXES) or name in _DEFAULT_EXCLUDED_NAMES:
                    continue
            elif not here.includes(inside + name, name) or here.excludes(inside + name, name):
                continue
            spelt = prefix + name
            if ignores is not None and ignores.ignored(spelt, False):
                continue
            try:
                info = entry.stat()  # links followed
            except OSError:
                continue  # a broken link
            if stat.S_ISREG(info.st_mode):  # no pipe, socket or device
                found[spelt] = _Found(spelt, folder, info, folder_config)
                kept = True
                python_files += name.endswith(".py")
        if kept:  # a file in it could be stat'ed: its listing holds
            learn_folder(*holds)
    return python_files


def _holds(entries: dict) -> tuple[bool, bool]:
    """Whether a listed folder (its entries by name) holds an ``__init__.py`` and a project
    root marker, as the project lookup asks (``_project.learn_folder``)."""
    package = "__init__.py" in entries and _is_file(entries["__init__.py"])
    marked = any(name in entries and (not _is_link(entries[name]) or os.path.exists(entries[name].path))
                 for name in ROOT_MARKERS)
    return package, marked


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _is_link(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def is_force_excluded(path: Path, config: Config, root: Path, gitignore=None, is_dir: bool = False) -> bool:
    """Whether a path named explicitly (or given as ``--stdin-filename``) is excluded: by a
    pattern matching it or a folder above it (relative to ``root``), or by ``.gitignore``."""
    absolute = Path(os.path.abspath(path))
    try:
        parts = absolute.relative_to(os.path.abspath(root)).parts
    except ValueError:
        parts = absolute.parts[1:]
    if any(config.is_excluded(Path(*parts[:index + 1])) for index in range(len(parts))):
        return True
    if config.respect_gitignore:
        from ._gitignore import GitIgnore

        return (gitignore or GitIgnore()).ignored_with_parents(absolute, is_dir)
    return False


def _not_readable(kind: str) -> str:
    if kind.startswith("a "):
        return f"not a regular file ({kind[2:]}); only regular files are read"
    return kind[:1].lower() + kind[1:]  # the system's words: "no such file or directory"


def read_source(path: Path, prefilter: bool = True) -> tuple[str | None, Finding | None, bytes]:
    """The file's text, or a RNN000 finding saying why it cannot be read (see ``read_file``)."""
    return read_file(path, prefilter)


def _project_of(path: Path, recurrent: bool | None = None):
    """The project ``path`` belongs to; ``recurrent``: what the prefilter said of its text."""
    from ._project import project_for

    project = project_for(path)
    if project is not None and recurrent is not None:
        project.remember(path, recurrent)  # a file the run has read is not read again to tell
    return project


# Allocations between two collections of the youngest generation during a run (Python's default
# is 700): parse trees and summaries are long-lived, and collecting them often cost a tenth of a
# cold run; at 50,000 the collections still cost 3 to 5 % of a cold run of a large repository.
# Most objects die before a collection sees them, so garbage cycles are still collected: later,
# at a memory cost of at most this many young objects.
GC_THRESHOLD = 400_000


def run(paths: list, config: Config, options: RunOptions) -> RunResult:
    import gc

    threshold = gc.get_threshold()
    freeze = gc.get_freeze_count() == 0  # a host process that froze objects itself keeps them so
    if freeze:
        gc.freeze()  # what is loaded before the run is not walked by its collections
    gc.set_threshold(max(threshold[0], GC_THRESHOLD), *threshold[1:])
    try:
        return _run(paths, config, options)
    finally:
        if not options.process_ends:
            gc.set_threshold(*threshold)
            if freeze:
                gc.unfreeze()


def _run(paths: list, config: Config, options: RunOptions) -> RunResult:
    from . import _project

    _project.forget_projects()  # the files as they are now, not as an earlier run in this process read them
    result = RunResult()
    files = _discover(paths, config, options.root, options.config_for)
    result.files = len(files)
    cache = Cache(options.cache_dir, config) if options.cache_dir and not options.fix and not options.diff else None
    index = StatIndex(cache) if cache is not None else None
    _project.STAT_INDEX[0] = index
    try:
        _run_files(files, config, options, cache, index, result)
    finally:
        _project.STAT_INDEX[0] = None
    if index is not None and cache is not None and cache.problem is None:
        index.save()
    if cache is not None and cache.problem:
        result.warnings.append(cache.problem)
    result.findings.sort(key=finding_order)
    return result


def _run_files(files: list, config: Config, options: RunOptions, cache, index, result: RunResult) -> None:
    configs: dict = {}  # path -> its own configuration, where the run has one a folder
    pending: list[tuple[Path, str, str | None]] = []
    originals: dict = {}  # the bytes of each file a fix may write: its encoding and BOM are kept
    notebooks: dict = {}  # path -> the notebook whose program is checked
    importing: list = []  # (path or _Found, project, names it imports) of the files that name no RNN
    checking = _Checking(pending, config, options, configs, eager=len(files) >= EAGER_RUN_FILES)
    # a large run reads its largest files first: they are checked while it reads the rest, and no
    # worker is left with a big file at the end; its results are still taken in the files' order
    order = sorted(files, key=_size_first) if checking.eager else files
    try:
        first = _read_files(order, config, options, cache, index, result, configs, pending, originals, notebooks,
                            importing, checking)
        checked = checking.results()
    finally:
        checking.close()
    if order is not files:
        rank = {found.spelt: place for place, found in enumerate(files)}
        taken = sorted(range(len(pending)), key=lambda at: (at >= first, rank.get(str(pending[at][0]), 0)))
        pending[:], checked = [pending[at] for at in taken], [checked[at] for at in taken]
    _take_results(pending, checked, notebooks, result, cache, options, originals)


def _size_first(found: _Found) -> tuple:
    """Largest first (by the size discovery's stat gave); then by name."""
    info = found.info if found.info is not None else stat_or_none(found.spelt)
    return -(info.st_size if info is not None else 0), found.spelt


def _read_files(files: list, config: Config, options: RunOptions, cache, index, result: RunResult, configs: dict,
                pending: list, originals: dict, notebooks: dict, importing: list, checking: _Checking) -> int:
    """Read every file of the run and queue those to check (``checking`` hands them out); the
    number queued on their own, before the files queued because they import one of them."""
    folders: dict = {}  # folder -> (its absolute path, its project): found once for its files
    for found in files:
        checking.waiting()
        info = None
        in_notebook = is_notebook(found.spelt)
        if index is not None and not in_notebook:
            spelt = _absolute(found, folders)
            info = found.info if found.info is not None else stat_or_none(spelt)
            known = index.lookup(spelt, info) if info is not None else None
            if known is not None and _from_index(found, spelt, known, cache, result, importing, folders, config):
                continue
        path = Path(found.spelt)
        if found.config is not None:
            configs[path] = found.config
        source, error, data = read_source(path, prefilter=not in_notebook)
        if error is None and source is not None and info is not None:
            index.note(spelt, info, **_what_a_run_learns(source, data, cache, found.config or config))
        if error is not None or source is None:
            if error is not None:
                result.findings.append(error)
            continue
        assert source is not None  # read, since no error
        notebook_key = None
        if in_notebook:
            # a notebook known to have no finding is not taken apart again: building its
            # program (cells, IPython syntax, renamed names) costs more than most checks
            notebook_key = cache.key(data, found.config) if cache is not None else None
            if cache is not None and notebook_key is not None and cache.load(notebook_key, str(path)) == []:
                continue
            source, error = _notebook_program(path, source, notebooks, data)
            if error is not None:
                result.findings.append(error)
                continue
            if source is None:
                if cache is not None and notebook_key is not None:
                    cache.store(notebook_key, [])
                continue  # a notebook in another language
        recurrent = needs_analysis(source)
        # what the project asks of a file it imports: a recurrent layer named, or a factory
        # `getattr(nn, name)` (the same verdict it reaches reading a file the run did not read)
        project = _project_of(path, recurrent or getattr_of_nn(source)) if str(path) not in notebooks else None
        if recurrent and project is not None:
            project.note_definitions(recurrent_definitions(source))
        if not recurrent:
            if project is not None and "import" in source:
                importing.append((path, project, import_words(source)))
            elif str(path) in notebooks:
                errors = [cell.error for cell in notebooks[str(path)].cells if cell.error is not None]
                result.findings.extend(errors)
                if cache is not None and notebook_key is not None:
                    cache.store(notebook_key, errors)
            continue
        _queue(path, source, data, project, cache, result, pending, originals, options, notebooks,
               found.config or config)
        checking.queued()
    alone = len(pending)
    # a file that names no recurrent layer is read on only when it imports a name that a
    # recurrent file defines (in a large run, those the run read; in a small one, any)
    gated = len(files) > UNGATED_RUN_FILES
    for path, project, words in importing:
        if gated and not project.may_import_definitions(words):
            continue
        if isinstance(path, _Found):  # known from the stat index: not made a Path until needed
            if path.config is not None:
                configs[Path(path.spelt)] = path.config
            path = Path(path.spelt)
        source, error, data = read_source(path)
        if error is None and source and project.imports_recurrent(path, source):
            _queue(path, source, data, project, cache, result, pending, originals, options, notebooks,
                   configs.get(path, config))
            checking.queued()
    return alone


def _take_results(pending: list, checked: list, notebooks: dict, result: RunResult, cache, options: RunOptions,
                  originals: dict) -> None:
    for (path, source, key), file_result in zip(pending, checked, strict=True):
        notebook = notebooks.get(str(path))
        if notebook is not None:
            from ._notebook import cell_findings

            file_result.findings = cell_findings(notebook, file_result.findings)
        result.findings.extend(file_result.findings)
        result.warnings.extend(file_result.warnings)
        result.errors.extend(file_result.errors)
        result.incomplete += bool(file_result.errors)
        if cache is not None and key is not None and not file_result.warnings and not file_result.errors:
            cache.store(key, file_result.findings, file_result.depends, file_result.site_search)
        if file_result.fixed_source is not None:
            if notebook is not None:
                _apply_fixed_notebook(path, notebook, file_result, options, result)
            else:
                _apply_fixed(path, source, file_result, options, result, originals.get(path, b""))
        if file_result.findings:
            result.sources[str(path)] = _shown_source(notebook, file_result.fixed_source or source)


def _what_a_run_learns(source: str, data: bytes, cache, config: Config) -> dict:
    """What the stat index keeps of a file read (see ``StatIndex``): the prefilter's verdict
    (``r``), the text's import words (``w``) or, for a file that names a recurrent layer, the
    names it defines (``d``) and its cache key (``k``) under its own configuration (``c``)."""
    if not needs_analysis(source):
        return {"r": False, "w": import_words(source) if "import" in source else None}
    return {"r": True, "d": recurrent_definitions(source), "k": cache.key(data, config), "c": config.fingerprint()}


def _absolute(found: _Found, folders: dict) -> str:
    """``os.path.abspath`` of a found file, the folder's made absolute once for all its files."""
    known = folders.get(found.folder)
    if known is None:
        known = folders[found.folder] = (os.path.abspath(os.path.dirname(found.spelt)), False)
    folder = known[0]
    name = found.spelt[found.spelt.rfind(os.sep) + 1:]
    return folder + name if folder.endswith(os.sep) else folder + os.sep + name


def _folder_project(found: _Found, folders: dict):
    """The project of a found file (see ``_project_of``), looked up once a folder."""
    known = folders[found.folder]  # made by ``_absolute``
    if known[1] is False:
        from ._project import project_for

        known = folders[found.folder] = (known[0], project_for(found.spelt))
    return known[1]


def _from_index(found: _Found, spelt: str, known: dict, cache, result: RunResult, importing: list, folders: dict,
                config: Config) -> bool:
    """Whether what the stat index knows of an unchanged file (``spelt``: its absolute path)
    answers the run without reading it: a file that names no recurrent layer joins the files
    whose imports are looked at; one that does is served from the cache when its result there
    is still good."""
    if "r" not in known:
        return False  # only its digest is known
    project = _folder_project(found, folders)
    if project is not None and known["r"]:
        # a file the run has read is not read again to tell; a verdict of no recurrent layer leaves
        # the factory test (`getattr(nn, name)`) to the project, which reads the file if it must
        project.remember(spelt, True)
    if not known["r"]:
        if project is not None and known["w"] is not None:
            importing.append((found, project, known["w"]))
        return True
    if known["c"] != (found.config or config).fingerprint():
        return False
    cached = cache.load(known["k"], found.spelt, project)
    if cached is None:
        return False  # stale: read and checked as usual
    if project is not None:
        project.note_definitions(known["d"])
    result.findings.extend(cached)
    if cached:  # the source each finding is shown with in `full`
        source = read_source(Path(found.spelt))[0]
        if source is not None:
            result.sources[found.spelt] = source
    return True


class StatIndex:
    """What runs learnt of each file they read, by absolute path, with the figures ``os.stat``
    gave before the read (size, modification and change times, inode): a later run that finds
    the same figures takes what it needs from here instead of reading the file (the prefilter's
    verdict, import words, the cache key; a project file's digest, for the results that depend
    on it). A file written shortly before the run read it is not kept (``_project.vouched``): a
    second write in the same tick of the file system's clock would not show in its times.
    Anything amiss in the index file only costs reading the files again."""

    def __init__(self, cache: Cache):
        self.file = cache.folder / f"index-{hashlib.sha256(cache.salt).hexdigest()[:16]}.json"
        self.cache = cache
        self.entries: dict = {}
        self.changed = False
        try:
            entries = json.loads(self.file.read_text(encoding="utf-8"))
            if isinstance(entries, dict):
                self.entries = entries
        except Exception:  # noqa: BLE001 - missing, corrupt or foreign: start afresh
            pass

    @staticmethod
    def figures(info) -> list:
        return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]

    def lookup(self, path: str, info) -> dict | None:
        entry = self.entries.get(path)
        try:
            if entry is None or entry[0] != info.st_size or entry[1] != info.st_mtime_ns \
                    or entry[2] != info.st_ctime_ns or entry[3] != info.st_ino or not isinstance(entry[4], dict):
                return None
        except (TypeError, IndexError, KeyError):
            return None
        return entry[4]

    def note(self, path: str, info, **fields) -> None:
        from ._project import vouched

        if not vouched(info):
            return
        figures = self.figures(info)
        entry = self.entries.get(path)
        if isinstance(entry, list) and len(entry) == 5 and entry[:4] == figures and isinstance(entry[4], dict):
            if all(entry[4].get(name) == value for name, value in fields.items()):
                return
            entry[4].update(fields)
        else:
            self.entries[path] = [*figures, dict(fields)]
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        try:
            self.cache._prepare()
            self.file.parent.mkdir(parents=True, exist_ok=True)
            import tempfile  # a run that writes nothing does not load it

            handle, temporary = tempfile.mkstemp(dir=self.file.parent, suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    json.dump(self.entries, stream)
                os.replace(temporary, self.file)  # concurrent runs: the last whole index wins
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as error:
            where = error.filename or self.file.parent
            self.cache.problem = f"cannot write the cache in {where}: {error.strerror or error}; results are not cached"


def _shown_source(notebook, source: str):
    """What `full` shows a file's findings with: its text, or a notebook's cells by number."""
    return {cell.number: cell.text for cell in notebook.cells} if notebook is not None else source


# Up to this many files, a file that names no recurrent layer is checked for what it imports
# whatever the run read; above it, only when it imports a name a recurrent file of the run defines.
UNGATED_RUN_FILES = 100
# a run of this many files starts its workers at its first file to check (``_Checking``)
EAGER_RUN_FILES = 200


def _queue(path: Path, source: str, data: bytes, project, cache, result: RunResult, pending: list,
           originals: dict, options: RunOptions, notebooks: dict, config: Config) -> None:
    """A file to check: from the cache when its result there is still good, else pending."""
    key = cache.key(data, config) if cache else None
    cached = cache.load(key, str(path), project) if cache and key is not None else None
    if cached is not None:
        result.findings.extend(cached)
        if cached:  # the source each finding is shown with in `full`
            result.sources[str(path)] = _shown_source(notebooks.get(str(path)), source)
        return
    pending.append((path, source, key))
    if options.fix and not options.diff:
        originals[path] = data  # its BOM and coding cookie: the fixed file is written the same way


def finding_order(finding: Finding) -> tuple:
    """Files by name, then cells (of a notebook), rows and columns."""
    return (finding.path, finding.cell or 0, finding.row, finding.column, finding.code)


def is_notebook(path) -> bool:
    return str(path).endswith(".ipynb")


def _notebook_program(path: Path, source: str, notebooks: dict, data: bytes) -> tuple[str | None, Finding | None]:
    """The program made of a notebook's code cells, or the RNN000 saying why it cannot be read."""
    from ._notebook import NotebookError, read_notebook

    try:
        # names bound again are renamed only for the analysis: a program that names no recurrent
        # layer as written cannot name one renamed (an alias changes one letter of a name into
        # one no recurrent kind spells), and its cells' errors come before any renaming
        notebook = read_notebook(source, str(path), rename=False)
        if notebook.python and needs_analysis(notebook.program):
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

    assert file_result.fixed_source is not None  # called for a fixed file only
    sources = fixed_cells(notebook, file_result.fixed_source)
    if not sources:
        if file_result.fixed_source != notebook.program:
            result.warnings.append(f"{path}: a fix touches IPython syntax, several cells or a name bound in several "
                                   "cells; fixes not applied")
        return
    _count(result, file_result)
    if options.diff:
        result.diffs.append(cell_diffs(notebook, sources))
        return
    try:
        text = write_cells(notebook.text, sources)
    except NotebookError as error:
        result.warnings.append(f"{path}: fixes not applied: {error}")
        return
    write_atomically(path, "\ufeff" + text if notebook.bom else text)


class _Checking:
    """The checks of a run's pending files (``(path, source, key)`` each, in the order queued).

    A small run is checked once every file is queued: in this process, or (enough code to
    parse) in worker processes, largest file first. A large run (``eager``) starts its workers
    at its first file to check and hands each file out as it is queued, so that checking
    overlaps the reading of the rest. Either way the results come back in the order queued:
    output is deterministic whatever finishes first."""

    def __init__(self, pending: list, config: Config, options: RunOptions, configs: dict, eager: bool) -> None:
        self.pending = pending
        self.config, self.options, self.configs = config, options, configs
        self.jobs = options.jobs or os.cpu_count() or 1
        self.eager = eager and self.jobs > 1
        self.tasks: list = []
        self.pool: _Pool | None = None

    def _task(self, entry: tuple) -> tuple:
        path, source, _ = entry
        fixing = self.options.fix or self.options.diff
        if path in self.configs:
            return str(path), source, self.configs[path], fixing, self.configs[path].unsafe_fixes
        return str(path), source, self.config, fixing, self.options.unsafe_fixes

    def queued(self) -> None:
        """The files queued since the last call are handed out (a large run only)."""
        if not self.eager:
            return
        while len(self.tasks) < len(self.pending):
            self.tasks.append(self._task(self.pending[len(self.tasks)]))
            if self.pool is None:
                self.pool = _Pool(self.tasks, self.jobs, family=True)
            self.pool.submit(len(self.tasks) - 1)
        if self.pool is not None:
            self.pool.poll(block=False)

    def waiting(self) -> None:
        """Give a worker that has finished the next file, if one is waiting (a large run only).
        The workers of a large run are started at its first file, before any is queued: the
        first of them imports the analysis while this process reads (see ``_first_worker``)."""
        if self.eager and self.pool is None:
            self.pool = _Pool(self.tasks, self.jobs, family=True)
        if self.pool is not None and self.pool.waiting:
            self.pool.poll(block=False)

    def results(self) -> list[FileResult]:
        """The result of every file queued, in the order queued."""
        self.queued()
        if self.pool is None:
            self.tasks = [self._task(entry) for entry in self.pending]
            if self.jobs <= 1 or len(self.tasks) < 2 \
                    or sum(len(task[1]) for task in self.tasks) < PARALLEL_THRESHOLD_BYTES:
                return [_check_one(task) for task in self.tasks]
            from . import _analysis, rules  # noqa: F401 - imported once here, not once a worker

            self.pool = _Pool(self.tasks, min(self.jobs, len(self.tasks)))
            for index in range(len(self.tasks)):
                self.pool.submit(index)
        return self.pool.finish()

    def close(self) -> None:
        """Stop the workers (every one, at once, when the run did not finish)."""
        if self.pool is not None:
            self.pool.close()


class _Pool:
    """``count`` worker processes checking ``tasks`` (a list that may grow), one file at a time.

    Each worker has a pipe of its own and is given one file at a time, the largest one waiting:
    nothing is shared, so nothing can be left locked. On Ctrl-C or SIGTERM (a KeyboardInterrupt
    here) every worker is killed and reaped before the exception goes on (``close``): no process
    is left waiting for another. A worker that dies costs its file an error, and is replaced
    while files are waiting."""

    def __init__(self, tasks: list, count: int, family: bool = False) -> None:
        """``family``: the first worker imports the analysis and forks the others from itself
        (see ``_first_worker``), where processes fork; else each is forked from this process."""
        import multiprocessing

        self.context = multiprocessing.get_context("fork") if hasattr(os, "fork") else multiprocessing.get_context()
        self.tasks = tasks
        self.waiting: list = []  # indexes of the tasks not given yet, smallest first: popped from the end
        self.results: dict = {}
        self.workers: dict = {}  # connection -> (process, index of the task it runs, or None)
        self.done = False
        try:
            if family and count > 1 and self.context.get_start_method() == "fork":
                self._start_family(count)
            else:
                for _ in range(count):
                    self._start()
        except BaseException:
            self.close()
            raise

    def _start_family(self, count: int) -> None:
        with _interrupts_held():
            pipes = [self.context.Pipe() for _ in range(count)]
            process = self.context.Process(target=_first_worker, args=([child for _, child in pipes],),
                                           daemon=True)
            process.start()
            for _, child in pipes:
                child.close()
        self.workers[pipes[0][0]] = (process, None)
        for parent, _ in pipes[1:]:
            self.workers[parent] = (_Forked(), None)

    def _start(self) -> None:
        with _interrupts_held():  # a worker ignores Ctrl-C from its first instruction
            parent, child = self.context.Pipe()
            process = self.context.Process(target=_worker_loop, args=(child,), daemon=True)
            process.start()
            child.close()
        self.workers[parent] = (process, None)

    def submit(self, index: int) -> None:
        import bisect

        bisect.insort(self.waiting, index, key=lambda waiting: len(self.tasks[waiting][1]))
        for connection, (_, running) in list(self.workers.items()):
            if running is None:
                self._give(connection)

    def _give(self, connection) -> None:
        if self.waiting:
            index = self.waiting.pop()
            try:
                connection.send(self.tasks[index])
            except OSError:  # the worker is gone while idle: its file goes to the one replacing it
                self.waiting.append(index)
                self._replace(connection)
                return
            self.workers[connection] = (self.workers[connection][0], index)

    def _replace(self, connection) -> None:
        process = self.workers.pop(connection)[0]
        process.join(1)
        connection.close()
        self._start()
        self._give(next(reversed(self.workers)))

    def poll(self, block: bool) -> None:
        """Take the results that are ready (with ``block``, wait for one at least) and give the
        workers that sent them the next files."""
        from multiprocessing.connection import wait

        busy = {connection: process for connection, (process, index) in self.workers.items() if index is not None}
        if not busy:
            return
        by_sentinel = {process.sentinel: connection for connection, process in busy.items()
                       if process.sentinel is not None}
        # without waiting, each pipe is asked alone (cheaper than a selector over all of them): a
        # worker that died leaves its pipe readable too, at its end
        ready_now = wait(list(busy) + list(by_sentinel)) if block else [
            connection for connection in busy if connection.poll()]
        for ready in ready_now:
            connection = by_sentinel.get(ready, ready)  # a result, or a worker that stopped
            if connection not in self.workers or self.workers[connection][1] is None:
                continue
            process, index = self.workers[connection]
            try:
                message = connection.recv()
                if isinstance(process, _Forked) and process.pid is None:
                    process.pid = message  # a forked worker's first message: its result comes next
                    continue
                self.results[index] = message
            except (EOFError, OSError):  # the worker died: killed, or out of memory
                process.join(1)  # reaped: its exit code is known (for a worker forked here)
                path = self.tasks[index][0]
                code = f" with code {process.exitcode}" if process.exitcode is not None else ""
                self.results[index] = FileResult(path, errors=[
                    f"{path}: internal error in a worker process (it stopped{code}); "
                    "the file was not checked, please report this to rnnlint with the file if you can"])
                connection.close()
                del self.workers[connection]
                if self.waiting:
                    self._start()
                    connection = next(reversed(self.workers))
                else:
                    continue
            else:
                self.workers[connection] = (process, None)
            self._give(connection)

    def finish(self) -> list[FileResult]:
        """Every task's result, in the order of ``tasks``, once all are in; the workers stop."""
        try:
            while len(self.results) < len(self.tasks):
                self.poll(block=True)
                if not self.workers:  # every worker died with no file waiting: nothing more comes
                    break
            if not self.tasks:
                return []  # no file to check: the workers are stopped at once (``close``)
            for connection in self.workers:
                with contextlib.suppress(OSError):  # a worker gone already is sent nothing
                    connection.send(None)  # done: the worker returns
            self.done = True
        finally:
            self.close()
        return [self.results[index] for index in range(len(self.tasks))]

    def close(self) -> None:
        for connection, (process, _) in self.workers.items():
            if not self.done:
                if isinstance(process, _Forked) and process.pid is None:
                    process.learn_pid(connection)
                process.kill()
        for connection, (process, _) in self.workers.items():
            process.join(1)
            if process.is_alive():
                process.kill()
                process.join(1)
            connection.close()
        self.workers = {}


class _Forked:
    """A worker that the first worker forked (``_first_worker``): its pid is the first thing
    it sends; the first worker, its parent, waits for it, and its exit code is not known here."""

    sentinel = None
    exitcode = None

    def __init__(self) -> None:
        self.pid: int | None = None

    def learn_pid(self, connection) -> None:
        """Read the pid it sends first, if it comes soon (a worker not yet forked sends none)."""
        try:
            if connection.poll(0.5):
                self.pid = connection.recv()
        except (EOFError, OSError):
            pass

    def kill(self) -> None:
        import signal

        if isinstance(self.pid, int):
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)

    def join(self, timeout: float | None = None) -> None:
        pass

    def is_alive(self) -> bool:
        return False


def _first_worker(connections: list) -> None:
    """The first worker of a large run: it imports the analysis and the rules, forks one
    worker for each of the other pipes (they start with them imported), then checks files
    like them. The import is paid once, in a process of its own, while the main process
    reads the run's files; the main process never imports them."""
    _worker_signals()
    from . import _analysis, rules  # noqa: F401

    children = []
    for connection in connections[1:]:
        try:
            pid = os.fork()
        except OSError:  # no more processes: the main process finds this pipe closed
            connection.close()
            continue
        if pid == 0:
            code = 1
            try:
                for other in connections:
                    if other is not connection:
                        other.close()
                connection.send(os.getpid())
                _worker_loop(connection)
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
        connection.close()
    try:
        _worker_loop(connections[0])
    finally:
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _worker_signals() -> None:
    """Ctrl-C is the main process's to handle; SIGTERM ends a worker at once."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def _worker_loop(connection) -> None:
    """A worker: check each file it is sent until it is sent None."""
    _worker_signals()
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        connection.send(_check_one(task))


_INTERRUPTS = ("SIGINT", "SIGTERM")


def _interrupts_held():
    """A context in which SIGINT and SIGTERM wait until it ends (where the system allows)."""
    import contextlib
    import signal
    import threading

    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        return contextlib.nullcontext()

    @contextlib.contextmanager
    def held():
        signals = {getattr(signal, name) for name in _INTERRUPTS}
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    return held()


def _check_one(task: tuple) -> FileResult:
    path, source, config, fix, unsafe = task
    try:
        project = _project_of(Path(path)) if not is_notebook(path) else None
        return check_source(source, path, config, fix=fix, unsafe_fixes=unsafe, project=project)
    except RecursionError:
        return FileResult(path, errors=[f"{path}: could not be analysed: nesting too deep"])
    except Exception as error:  # noqa: BLE001 - one file's analysis gap must not stop the run
        return FileResult(path, errors=[internal_error(path, "the engine", error)])


def _apply_fixed(path: Path, source: str, file_result: FileResult, options: RunOptions, result: RunResult,
                 original: bytes = b"") -> None:
    import difflib

    fixed = file_result.fixed_source
    if fixed is None or fixed == source:
        return
    _count(result, file_result)
    if options.diff:
        result.diffs.append("".join(difflib.unified_diff(
            source.splitlines(keepends=True), fixed.splitlines(keepends=True),
            fromfile=f"a/{path}", tofile=f"b/{path}",
        )))
        return
    data = encode_like(fixed, original)
    if data is None:
        result.warnings.append(f"{path}: the fixed code cannot be written in the file's encoding; file left as it is")
        return
    with _interrupts_held():  # Ctrl-C waits for the file to be whole: fully fixed or untouched
        write_atomically(path, data)


def _count(result: RunResult, file_result: FileResult) -> None:
    fixed = sorted(file_result.fixed, key=finding_order)
    result.fixed += max(1, len(fixed))  # a change is at least one finding fixed
    result.fixed_findings.extend(fixed)


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write through a temporary file and rename: a crash never leaves half a file.
    ``text``: the bytes to write (a str is written as UTF-8)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    folder = path.parent
    mode = path.stat().st_mode
    import tempfile

    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".rnnlint", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


@functools.cache
def _code_stamp() -> str:
    """A stamp of the rnnlint modules this process runs, taken once: a result computed by other
    code (an edited checkout under an editable install) is not served again."""
    return _stamp_of(Path(__file__).resolve().parent)


def _stamp_of(package: Path) -> str:
    """The size and modification time of every module below ``package``."""
    stamps = []
    pending = [(str(package), "")]  # (folder, its path relative to package, with a separator)
    while pending:
        folder, relative = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir():
                    if not entry.is_symlink():  # as os.walk: a link to a folder is not followed
                        pending.append((entry.path, relative + entry.name + os.sep))
                    continue
                if entry.name.endswith(".py"):
                    info = entry.stat()
                    stamps.append(f"{relative}{entry.name}:{info.st_size}:{info.st_mtime_ns}")
            except OSError:
                continue
    return hashlib.sha256("\n".join(sorted(stamps)).encode()).hexdigest()[:16]


class Cache:
    """Per-file results keyed by content, rnnlint version and effective configuration."""

    def __init__(self, folder: Path, config: Config):
        self.folder = Path(folder) / __version__
        self.salt = f"{__version__}:{_code_stamp()}:{config.fingerprint()}".encode()
        self.ready = False
        self.problem: str | None = None  # why results could not be stored: one warning a run

    def key(self, data: bytes, config: Config | None = None) -> str:
        """``config``: the file's own configuration, when it is not the run's."""
        own = config.fingerprint().encode() if config is not None else b""
        return hashlib.sha256(self.salt + b"\0" + own + b"\0" + data).hexdigest()

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def load(self, key: str, path: str, project=None) -> list | None:
        """The findings stored for ``key``, unless a project file they were computed from (a
        config, a base class) has changed since, or the files searched for the construction
        sites of its classes would give another answer now (a file added that builds one)."""
        try:
            entry = json.loads(self._file(key).read_text(encoding="utf-8"))
            for depended, digest in entry["depends"].items():
                if project is None or project.digest(Path(depended)) != digest:
                    return None
            search = entry.get("sites")
            if search is not None and (project is None or not project.sites_unchanged(Path(path), search)):
                return None
            return [_finding_from(record, path) for record in entry["findings"]]
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - deep nesting (RecursionError), a foreign shape, bad bytes
            return None  # a corrupt or foreign entry is recomputed and overwritten

    def store(self, key: str, findings: list, depends: dict | None = None, sites: dict | None = None) -> None:
        if self.problem is not None:
            return
        try:
            self._prepare()
            target = self._file(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            records: dict = {"depends": depends or {}, "findings": [_record_of(finding) for finding in findings]}
            if sites is not None:
                records["sites"] = sites
            import tempfile

            handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    json.dump(records, stream)
                os.replace(temporary, target)  # concurrent runs write whole files or nothing
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as error:  # a read-only or full disk only costs the cache
            where = error.filename or self.folder
            self.problem = f"cannot write the cache in {where}: {error.strerror or error}; results are not cached"

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
                   end_column=record.get("end_column", 0), fix=fix, help=record.get("help"), cell=record.get("cell"),
                   configurations=tuple(tuple(site) for site in record.get("configurations", ())))
