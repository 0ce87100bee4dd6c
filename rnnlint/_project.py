"""The project a file belongs to: its root, a module resolver, and the summaries of the project
modules a file imports, built once per run and shared by every file that imports them.

Standard library only; the analysis is imported only to build a summary, so that a warm run
(every result from the cache) does not load it. Nothing outside the project (site-packages, a module that is not
there) is resolved: names imported from it stay unknown.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the analysis is imported only where a summary is built
    from ._analysis._names import ImportTable
    from ._analysis._summary import ModuleSummary

# what marks a project's root, as ruff and the packaging tools read it
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
# installed code is not the project's: a file under one of these has no project
_INSTALLED = ("site-packages", "dist-packages")
# how many files deep an import chain is followed (model -> base -> config -> ...)
MAX_IMPORT_DEPTH = 3
# the modules of another file a recurrent file may run whatever they are (see _worth_binding)
SMALL_MODULE_CHARS = 20_000
# a module longer than this is not summarised (what it binds stays unknown)
MAX_SUMMARY_CHARS = 150_000
# how many files one reachability question may read
MAX_REACHED_FILES = 200
# how many folders above a file are tried as import roots (scripts put their own folder first)
MAX_SEARCH_FOLDERS = 6
# a project of more files is searched for construction sites only near a class's file
MAX_PROJECT_FILES = 400
NEARBY_FOLDERS = 2  # folders above a class's file searched in a larger project
_SITE_SKIPPED = {".git", "__pycache__", "node_modules", ".venv", "venv", "env", "build", "dist", ".tox",
                 "site-packages", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
# a file written this shortly before the run started (or since) may have been written again
# within the same tick of the file system's clock: its times cannot vouch for its content
RECENT_NS = 2_000_000_000
_RUN = [time.time_ns()]  # when the run started (a new run: ``forget_projects``)
# the run's ``_runner.StatIndex``, where it has a cache: what earlier runs learnt of unchanged files
STAT_INDEX: list = [None]
# torch is the registry's (``_pytorch``), never a project module, even inside torch's own tree
_NEVER_PROJECT = frozenset(sys.stdlib_module_names) | {"torch", "__future__"}
_IMPORT_AT = re.compile(r"[ \t]*(?:from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import\b([^\n#]*)|import[ \t]+([\w., \t]+))")
# `from .pgo import A, B` on one line, or `from .pgo import (\n    A,\n    B,\n)`
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import[ \t]*(?:\(([^)]*)\)|([^\n#(]*))",
                          re.MULTILINE)
_GLOBAL = re.compile(r"^[ \t]+global[ \t]+([\w, \t]+)", re.MULTILINE)


def absolute(path) -> Path:
    """``path`` made absolute without asking the file system (symbolic links are kept)."""
    return Path(os.path.abspath(path))


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8") if path.is_file() else None
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def import_lines(text: str) -> list:
    """``(dots, module, names, plain)`` of each line that starts with an import statement,
    found from the word ``import`` (plain string search is much faster than a regex over every
    line of a large file)."""
    found = []
    index = text.find("import")
    while index != -1:
        start = text.rfind("\n", 0, index) + 1
        end = text.find("\n", index)
        end = len(text) if end == -1 else end
        match = _IMPORT_AT.match(text, start, end)
        if match is not None:
            found.append(match.groups())
        index = text.find("import", end)
    return found


def import_words(text: str) -> str:
    """The text of the import lines of ``text`` that names things (modules, names, aliases),
    one short string: what the gate of a large run keeps of a file that names no recurrent layer."""
    return " ".join(part for groups in import_lines(text) for part in groups[1:] if part)


_NAME_OR_STAR = re.compile(r"[A-Za-z_]\w*|\*")


def imported_names(text: str) -> frozenset:
    """The names the import lines of ``text`` bind or name (modules' last parts included)."""
    return frozenset(_NAME_OR_STAR.findall(import_words(text)))


_DEFINITION = re.compile(r"^(?:class|def|async[ \t]+def)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)


def recurrent_definitions(text: str) -> list:
    """The top-level classes and functions of a recurrent file whose text (up to the next
    top-level definition) names a recurrent layer: what another file may import to build one.
    A class whose base builds it names that base, which counts too."""
    from ._engine import getattr_of_nn, names_recurrent_kind

    found = list(_DEFINITION.finditer(text))
    recurrent: set = set()
    ends = [match.start() for match in found[1:]] + [len(text)] if found else []
    for match, end in zip(found, ends, strict=True):
        segment = text[match.start():end]
        if names_recurrent_kind(segment) or getattr_of_nn(segment):
            recurrent.add(match.group(1))
    # a class built on a recurrent class of the same file
    for match in found:
        header = text[match.end():text.find(":", match.end())] if match.group(0).startswith("class") else ""
        if any(word in recurrent for word in re.findall(r"[A-Za-z_]\w*", header)):
            recurrent.add(match.group(1))
    return sorted(recurrent)


def find_root(path: Path | str) -> Path | None:
    """The project root of ``path``: the nearest folder holding a root marker, else the folder
    above the file's top package; None for installed code."""
    given = os.path.dirname(path)
    if given in _ROOTS:
        return _ROOTS[given]
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in _ROOTS:
        _ROOTS[folder] = None if any(part in _INSTALLED for part in folder.split(os.sep)) else _root_of(folder)
    _ROOTS[given] = _ROOTS[folder]
    return _ROOTS[folder]


_ROOTS: dict = {}  # folder -> its project root, in this process
_MARKED: dict = {}  # folder -> whether it holds a root marker
_PACKAGES: dict = {}  # folder -> whether it holds an __init__.py
_NEAREST: dict = {}  # folder -> the nearest folder at or above it holding a root marker (or None)
_TOPS: dict = {}  # folder -> the folder above its top package (None inside torch's tree)
_ROOT_PATHS: dict = {}  # a root as a string -> as a Path


def learn_folder(folder: str, package: bool, marked: bool) -> None:
    """What a walk that listed ``folder`` (absolute, as ``os.path.abspath`` spells it) saw in
    it: whether it holds an ``__init__.py`` (a regular file) and a root marker (one that
    exists). The project lookup of its files then asks the file system nothing of it."""
    _PACKAGES.setdefault(folder, package)
    _MARKED.setdefault(folder, marked)


def note_walked(top: str, python_files: int) -> None:
    """A walk of the run listed the folder ``top`` (absolute) and kept ``python_files`` ``.py``
    files below it: no more than ``site_files`` would find there, since that walk leaves out
    fewer folders (no exclusions, no ``.gitignore``, no virtualenv test) and files."""
    _WALKED[top] = max(_WALKED.get(top, 0), python_files)


_WALKED: dict = {}  # see note_walked


def _is_package(folder: str) -> bool:
    if folder not in _PACKAGES:
        _PACKAGES[folder] = os.path.isfile(os.path.join(folder, "__init__.py"))
    return _PACKAGES[folder]


def _root_of(folder: str) -> Path | None:
    """(Folders as absolute strings: a run asks this of every folder it reads; each answer is
    kept, so that a folder's parents are asked once whatever the number of folders below them.)"""
    top = _package_top(folder)
    if top is None:
        return None  # torch's own tree (a copy of it): what torch does is the registry's
    root = _marked_above(folder) or top
    if root not in _ROOT_PATHS:
        _ROOT_PATHS[root] = Path(root)
    return _ROOT_PATHS[root]


def _package_top(folder: str) -> str | None:
    """The first folder at or above ``folder`` that is no package; None where a package named
    torch that no package holds is on the way."""
    if folder not in _TOPS:
        parent = os.path.dirname(folder)
        if parent == folder or not _is_package(folder):
            _TOPS[folder] = folder
        elif os.path.basename(folder) == "torch" and not _is_package(parent):
            _TOPS[folder] = None
        else:
            _TOPS[folder] = _package_top(parent)
    return _TOPS[folder]


def _marked_above(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` that holds a root marker."""
    if folder not in _NEAREST:
        if folder not in _MARKED:
            _MARKED[folder] = any(os.path.exists(os.path.join(folder, marker)) for marker in ROOT_MARKERS)
        parent = os.path.dirname(folder)
        _NEAREST[folder] = folder if _MARKED[folder] else None if parent == folder else _marked_above(parent)
    return _NEAREST[folder]


@dataclass
class Bound:
    """What a file's imports bind from the project: local (or dotted, for a module alias) names
    to constants and classes, and the files that went into them."""

    constants: dict = field(default_factory=dict)
    classes: dict = field(default_factory=dict)
    functions: dict = field(default_factory=dict)
    # the functions a module defines at its top level: local name -> the ModuleContext they run in
    function_contexts: dict = field(default_factory=dict)
    depends: dict = field(default_factory=dict)  # path -> digest
    recurrent_names: set = field(default_factory=set)  # local names from modules that build RNNs
    foreign: list = field(default_factory=list)  # the summaries pulled, for their node ids


class Project:
    """One project of a run: resolves imports under ``root`` and keeps one summary per file."""

    def __init__(self, root: Path):
        self.root = absolute(root)
        self._summaries: dict = {}  # path -> ModuleSummary | None
        self._building: list = []  # paths whose summary is being built (a cycle, or depth)
        self._root_spelt = str(self.root)
        self._src: bool | None = None  # whether the root has a src folder
        self._files: dict = {}  # (folder, dotted) -> the file (str) | None
        self._resolved: dict = {}  # (importer's folder, module, level) -> Path | None
        self._paths: dict = {}  # a file resolved to, as a string -> as a Path
        self._binds: dict = {}  # (package __init__, name) -> whether it binds the name
        self._listings: dict = {}  # folder -> the names in it
        self._folders: dict = {}  # importer's folder -> where its absolute imports are looked for
        self._texts: dict = {}  # path -> text | None
        self._digests: dict = {}  # path -> the digest of its text | None
        self._recurrent: dict = {}  # path -> whether its text names a recurrent layer
        self._verdicts: dict = {}  # absolute path (str) -> what the prefilter said of a file the run read
        self._edges: dict = {}  # path -> (file, names) of what it imports from the project
        self._offers: dict = {}  # (path, names, depth) -> offers_recurrent
        self._defines: dict = {}  # (path, name) -> _defines_recurrent
        self._activated: set = set()  # paths of the summaries whose imports are bound
        self._activating: list = []
        # ClassInfo.key -> [(summary, depth)]: the summaries binding the class found it in, to be
        # activated (``_activate``) once the class runs; depth: how many activations deep it was bound
        self._pending: dict = {}
        self._bind_depth = 0  # the depth of the classes ``bind`` binds now
        self._definitions: set = set()  # names defined at top level by the run's recurrent files
        self._quick: tuple | None = None  # (how many definitions, a search for any of them)
        self._trees: dict = {}  # path -> the tree its summary was built from
        self.registry: dict = {}  # ClassInfo.key -> ClassInfo of every summary built
        self._class_recurrent: dict = {}  # ClassInfo.key -> whether the class may build an RNN
        self._small: dict = {}  # ClassInfo.key -> whether its module is small
        self._site_files: list | bool | None = False  # False: not listed yet
        self._library: bool | None = None
        self._stamps: dict = {}  # (scope, folder) -> scope_stamp

    # --- resolving ---------------------------------------------------------------------------
    # (folders and files as absolute strings inside: a warm run resolves the imports of many
    # files, and the answers are made Paths once each)
    def _search_folders(self, folder: str) -> list:
        """Where the absolute imports of a file in ``folder`` are looked for."""
        if folder not in self._folders:
            self._folders[folder] = self._folders_above(folder)
        return self._folders[folder]

    def _folders_above(self, folder: str) -> list:
        root = self._root_spelt
        folders = []
        for _ in range(MAX_SEARCH_FOLDERS):
            folders.append(folder)
            if folder == root or not self._inside(folder):
                break
            folder = os.path.dirname(folder)
        if self._src is None:
            self._src = os.path.isdir(os.path.join(root, "src"))
        if self._src:
            folders.append(os.path.join(root, "src"))
        if root not in folders:
            folders.append(root)
        return folders

    def _inside(self, folder: str) -> bool:
        """Whether ``folder`` is below the root (not the root itself)."""
        root = self._root_spelt
        return folder.startswith(root if root.endswith(os.sep) else root + os.sep) and folder != root

    def _listing(self, folder: Path | str) -> set:
        """The names in ``folder`` (one read of the folder answers every miss in it)."""
        folder = os.fspath(folder)
        if folder not in self._listings:
            try:
                self._listings[folder] = set(os.listdir(folder))
            except OSError:
                self._listings[folder] = set()
        return self._listings[folder]

    def _module_file(self, folder: str, dotted: str) -> str | None:
        key = (folder, dotted)
        found = self._files.get(key, False)
        if found is not False:
            return found
        if dotted:
            top = dotted.split(".", 1)[0]
            listing = self._listing(folder)
            if top not in listing and top + ".py" not in listing:
                return None
        found = None
        parts = [part for part in dotted.split(".") if part]
        base = os.path.join(folder, *parts) if parts else folder
        for candidate in (os.path.join(os.path.dirname(base), os.path.basename(base) + ".py") if dotted else None,
                          os.path.join(base, "__init__.py")):
            if candidate is not None and os.path.isfile(candidate):
                found = candidate
                break
        if found is None and dotted and os.path.isdir(base):
            found = base  # a namespace package: a folder without __init__.py
        self._files[key] = found
        return found

    def resolve(self, importer: Path, module: str, level: int) -> Path | None:
        """The file (or namespace folder) of ``module`` imported from ``importer`` (absolute)."""
        key = (os.path.dirname(importer), module, level)
        found = self._resolved.get(key, False)
        if found is False:
            spelt = self._resolve(key[0], module, level)
            if spelt is None:
                found = None
            else:
                found = self._paths.get(spelt)
                if found is None:
                    found = self._paths[spelt] = Path(spelt)
            self._resolved[key] = found
        return found

    def _resolve(self, folder: str, module: str, level: int) -> str | None:
        if level:
            for _ in range(level - 1):
                folder = os.path.dirname(folder)
            if folder != self._root_spelt and not self._inside(folder):
                return None
            return self._module_file(folder, module)
        if not module or module.split(".")[0] in _NEVER_PROJECT:
            return None
        for where in self._search_folders(folder):
            found = self._module_file(where, module)
            if found is not None:
                return found
        return None

    def _submodule(self, importer: Path, module: str, level: int, name: str, package: Path) -> Path | None:
        """The submodule ``from module import name`` binds, or None where it binds a name of
        ``package`` (the file ``module`` resolved to). As Python does: the package's attribute
        wins, so a name its ``__init__.py`` binds (``from .Decoder import Decoder``) is that
        name, not the same-named submodule; a namespace folder binds nothing of its own."""
        sub = self.resolve(importer, f"{module}.{name}" if module else name, level)
        if sub is None or sub == package or self._package_binds(package, name):
            return None
        return sub

    def _package_binds(self, package: Path, name: str) -> bool:
        """Whether the ``__init__.py`` ``package`` binds ``name`` at top level (a class, a
        function, an assignment, or an import of another module's name): read only for a name
        that is also a submodule, and parsed only when its text spells the name."""
        if package.name != "__init__.py":
            return False
        key = (package, name)
        if key not in self._binds:
            text = self.text(package)
            found = False
            if text is not None and name in text:
                try:
                    tree = ast.parse(text, filename=str(package))
                except (SyntaxError, ValueError, MemoryError, RecursionError):
                    tree = None
                found = tree is not None and name in _top_level_bindings(tree.body)
            self._binds[key] = found
        return self._binds[key]

    def module_name(self, path: Path) -> str:
        """A qualified name for ``path``, from the root (``src/`` left out)."""
        base = self.root / "src" if (self.root / "src") in path.parents else self.root
        try:
            parts = list(path.relative_to(base).with_suffix("").parts)
        except ValueError:
            parts = [path.stem]
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts) or path.parent.name

    # --- reading -----------------------------------------------------------------------------
    def text(self, path: Path) -> str | None:
        """The text of a project file, read once a run (summaries and cache checks read it)."""
        if path not in self._texts:
            self._texts[path] = _read(path)
        return self._texts[path]

    def digest(self, path: Path) -> str | None:
        """The SHA-256 of a project file's text (what a summary's ``depends`` records), computed
        once a run: every cached result that read the file checks it."""
        if path not in self._digests:
            index = STAT_INDEX[0]
            spelt = os.path.abspath(path)
            info = stat_or_none(spelt) if index is not None and path not in self._texts else None
            known = index.lookup(spelt, info) if index is not None and info is not None else None
            if known is not None and "h" in known:
                self._digests[path] = known["h"]  # unchanged since a run read it: not read again
                return known["h"]
            text = self.text(path)
            self._digests[path] = None if text is None else \
                hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
            if index is not None and info is not None and self._digests[path] is not None:
                index.note(spelt, info, h=self._digests[path])  # the figures taken before the read
        return self._digests[path]

    def remember(self, path: Path | str, recurrent: bool) -> None:
        """What the prefilter said of a file the run has read (its text is not kept: a summary
        reads it again if it needs it)."""
        self._verdicts.setdefault(path if isinstance(path, str) and os.path.isabs(path) else os.path.abspath(path),
                                  recurrent)

    def _imported(self, path: Path, text: str) -> list:
        """``(file, names)`` for each project file the import lines of ``text`` name: the names
        imported from it, or None for the module itself (a cheap read, no parse; an import
        spelt inside a string counts too, which only makes the answer larger)."""
        pairs: list = []
        for dots, module, names, plain in import_lines(text):
            if plain is not None:
                for part in plain.split(","):
                    name = part.split(" as ")[0].strip()
                    found = self.resolve(path, name, 0) if name else None
                    if found is not None:
                        pairs.append((found, None))
                continue
            level = len(dots)
            if not level and module.split(".")[0] in _NEVER_PROJECT:
                continue
            found = self.resolve(path, module, level)
            if found is None:
                continue
            listed = names if "(" in names else names.split(" as ")[0]
            taken = []
            for name in re.findall(r"[A-Za-z_]\w*|\*", listed):
                if name == "as":
                    continue
                sub = self._submodule(path, module, level, name, found)
                if sub is not None:
                    pairs.append((sub, None))
                else:
                    taken.append(name)
            if taken:
                pairs.append((found, frozenset(taken)))
        return [(file, names) for file, names in pairs
                if file != path and (file.suffix == ".py" or file.name == "__init__.py")]

    def _imports_of(self, path: Path) -> list:
        if path not in self._edges:
            text = _read(path)
            self._edges[path] = self._imported(path, text) if text is not None else []
        return self._edges[path]

    def _mentions_recurrent(self, path: Path) -> bool:
        from ._engine import getattr_of_nn, needs_analysis

        if path not in self._recurrent and str(path) in self._verdicts:
            self._recurrent[path] = self._verdicts[str(path)]
        if path not in self._recurrent:
            text = _read(path)
            # a factory `getattr(nn, rnn_type)(**kwargs)` builds what its caller's keywords say
            self._recurrent[path] = text is not None and (needs_analysis(text) or getattr_of_nn(text))
        return self._recurrent[path]

    def offers_recurrent(self, path: Path, names: frozenset | None, depth: int = 0) -> bool:
        """Whether what a file imports from ``path`` (``names``, or the module itself) may build
        a recurrent layer: the module names one, or it is a package ``__init__`` that re-exports
        one of ``names`` from a module that does (followed a few packages deep, and only for the
        names asked for, so that a file importing a registry function from a package of models
        is not taken for a model). A module that only imports a recurrent base class from a
        third file is not followed: the cost of reading every chain is not worth what it tells."""
        key = (path, names, depth)
        if key in self._offers:
            return self._offers[key]
        found = self._mentions_recurrent(path)
        if found and names is not None and path.name != "__init__.py":
            # a module that names a recurrent layer: only its definitions that do count
            found = any(self._defines_recurrent(path, name, hops=depth) for name in names)
        if not found and path.name == "__init__.py" and names is not None and depth < MAX_IMPORT_DEPTH - 1:
            for file, imported in self._imports_of(path):
                if imported is None:
                    continue  # a submodule the package imports is not what was asked for
                wanted = names if "*" in imported else names & imported
                if wanted and self.offers_recurrent(file, frozenset(wanted), depth + 1):
                    found = True
                    break
        self._offers[key] = found
        return found

    def _imported_from(self, path: Path, text: str, name: str) -> Path | None:
        """The project file a ``from ... import`` of ``text`` (the file at ``path``) takes ``name``
        from, one name per line or in parentheses over several; None when there is none, or
        several."""
        found = set()
        for match in _FROM_IMPORT.finditer(text):
            dots, module, names = match.group(1), match.group(2), match.group(3) or match.group(4)
            if name in re.findall(r"\w+", names.split(" as ")[0] if "(" not in names else names):
                target = self.resolve(path, module, len(dots))
                if target is None or target.suffix != ".py":
                    return None  # from a library, or a package's module: not followed
                found.add(target)
        return found.pop() if len(found) == 1 else None

    def _defines_recurrent(self, path: Path, name: str, depth: int = 0, hops: int = 0) -> bool:
        """Whether the top-level class or function ``name`` of ``path`` names a recurrent layer
        in its own text, or (for a class) in that of a base class defined in the same file; a
        name imported from another project file is what that file says of it, and any other name
        the file does not define there (assigned, from a library) counts as naming one."""
        from ._engine import getattr_of_nn, names_recurrent_kind_to_build

        key = (path, name)
        if key not in self._defines:
            text = "\n" + (self.text(path) or "")
            start = -1
            for keyword in ("\nclass ", "\ndef ", "\nasync def "):
                start = text.find(keyword + name, 0)
                while start != -1 and (text[start + len(keyword) + len(name):][:1].isalnum()
                                       or text[start + len(keyword) + len(name):][:1] == "_"):
                    start = text.find(keyword + name, start + 1)
                if start != -1:
                    break
            if start == -1:
                # not a plain definition: a name imported from another project file is what that
                # file says of it; any other (assigned, or from a library) is unknown, so it may
                self._defines[key] = True  # until found otherwise: an import cycle stays "may"
                source = self._imported_from(path, text, name) if hops < MAX_IMPORT_DEPTH - 1 else None
                if source is not None:
                    self._defines[key] = self.offers_recurrent(source, frozenset([name]), hops + 1)
                return self._defines[key]
            end = start + 1
            while True:
                end = text.find("\n", end + 1)
                if end == -1 or (end + 1 < len(text) and text[end + 1] not in " \t\n#)]}'\"" and
                                 not text.startswith("\n@", end)):
                    break
            segment = text[start:len(text) if end == -1 else end]
            found = names_recurrent_kind_to_build(segment) or getattr_of_nn(segment)
            if not found and segment.startswith("\nclass") and depth < 2:
                header = segment[:segment.find(":") if ":" in segment else len(segment)]
                bases = re.findall(r"[A-Za-z_]\w*", header[header.find("(") + 1:]) if "(" in header else []
                found = any(f"\nclass {base}" in text and self._defines_recurrent(path, base, depth + 1)
                            for base in bases)
            self._defines[key] = found
        return self._defines[key]

    def note_definitions(self, names) -> None:
        """Names a recurrent file of the run defines (``recurrent_definitions``)."""
        self._definitions.update(names)

    def may_import_definitions(self, words: str) -> bool:
        """Whether ``words`` (the ``import_words`` of a file) hold a name a recurrent file
        defines, or a star import (anything). A single search for any of the names (built once
        for the run's definitions) answers most files; only a hit is split into names."""
        if self._quick is None or self._quick[0] != len(self._definitions):
            spelt = "|".join(re.escape(name) for name in sorted(self._definitions, key=len, reverse=True))
            self._quick = (len(self._definitions), re.compile(spelt + r"|\*" if spelt else r"\*"))
        if self._quick[1].search(words) is None:
            return False
        names = _NAME_OR_STAR.findall(words)
        return "*" in names or not self._definitions.isdisjoint(names)

    def imports_recurrent(self, path: Path, text: str) -> bool:
        """Whether a file that names no recurrent layer imports something from the project that
        may build one: only then does it need the analysis."""
        if "import" not in text:
            return False
        return any(self.offers_recurrent(file, names) for file, names in self._imported(absolute(path), text))

    # --- summaries ---------------------------------------------------------------------------
    def summary(self, path: Path) -> ModuleSummary | None:
        path = absolute(path)
        if path in self._summaries:
            return self._summaries[path]
        if path in self._building or len(self._building) >= MAX_IMPORT_DEPTH:
            return None  # a cycle, or too deep: what it binds stays unknown
        text = self.text(path) if path.is_file() else None
        if text is None:
            return None
        try:
            tree = ast.parse(text, filename=str(path))
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            self._summaries[path] = None
            return None
        self._building.append(path)
        try:
            built = self._build(path, text, tree)
        finally:
            self._building.pop()
        self._summaries[path] = built
        return built

    def _build(self, path: Path, text: str, tree: ast.Module) -> ModuleSummary:
        from ._analysis import _driver
        from ._analysis._names import ImportTable
        from ._analysis._summary import ModuleContext, ModuleSummary, top_level_functions

        imports = ImportTable()
        _driver._collect_imports(tree.body, imports)
        # a package's __init__ mostly re-exports: what it imports is summarised only when an
        # importer asks for that name (its own definitions still see nothing it imports)
        # what the module imports is bound only once one of its classes is run where it is
        # imported (``_activate``), and a name it re-exports is followed only when asked for
        # (``defining``): a summary costs one parse, not one for each file it imports
        bound = Bound()
        # a name some function declares `global` may be set again: unknown (read from the text,
        # which is cheaper than walking every function of a module read only for its summary)
        rebound = _driver._rebound_names(tree.body, with_globals=False) | set(
            name for names in _GLOBAL.findall(text) for name in re.findall(r"\w+", names))
        constants = _driver._module_constants(tree.body, imports, rebound, bound.constants)
        constants.read_field_layout(tree, text)
        # its functions may parse (`def get_args(): ...; return parser.parse_args()`) or build the
        # parser another file parses: its options' defaults
        constants.read_options(tree, imports)
        classes = _driver._collect_classes(tree.body, imports, bound.classes)
        name = self.module_name(path)
        functions = dict(bound.functions)
        functions.update(top_level_functions(tree.body))
        context = ModuleContext(imports, constants, classes, functions)
        recurrent = self.offers_recurrent(path, None)
        for info in classes.values():
            if info.context is None:
                info.context = context
                info.key = f"{name}:{info.name}"
                self.registry[info.key] = info
                self._class_recurrent[info.key] = recurrent and self._defines_recurrent(path, info.name)
                self._small[info.key] = len(text) <= SMALL_MODULE_CHARS
                info.on_use = self.use
        depends = {str(path): hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()}
        depends.update(bound.depends)
        summary = ModuleSummary(name=name, path=str(path), digest=depends[str(path)], context=context,
                                constants={key: value for key, value in constants.items() if "." not in key},
                                classes={key: info for key, info in classes.items() if "." not in key},
                                functions=top_level_functions(tree.body), depends=depends,
                                recurrent=recurrent)
        summary.exports = {key: value for key, value in bound.classes.items() if "." not in key}
        summary.reexports = self._reexports(path, tree.body)
        self._trees[path] = tree
        return summary

    def _want(self, summary: ModuleSummary, info) -> None:
        """``info`` is bound from ``summary``: once it runs, ``summary`` is activated."""
        pending = self._pending.setdefault(info.key, [])
        if all(known is not summary or depth > self._bind_depth for known, depth in pending):
            pending.append((summary, self._bind_depth))

    def use(self, info) -> None:
        """A class of another file is about to run (a method, its bases looked up): activate the
        summaries it was bound from, and those their activation binds it from in turn, each no
        more than ``MAX_IMPORT_DEPTH`` activations deep."""
        pending = self._pending.get(info.key)
        if not pending:
            return
        index = 0
        while index < len(pending):
            summary, depth = pending[index]
            if summary.path not in self._activated and depth < MAX_IMPORT_DEPTH:
                self._activate(summary, depth)
            index += 1
        self._pending[info.key] = [(summary, depth) for summary, depth in pending
                                   if summary.path not in self._activated]

    def _activate(self, summary: ModuleSummary, depth: int) -> None:
        """Bind what a summarised module imports, now that one of its classes is run elsewhere:
        its methods read those names, and its classes' bases from other files are found (the
        classes it binds are ``depth + 1`` activations deep)."""
        if summary.path in self._activated:
            return
        tree = self._trees.get(Path(summary.path))
        if tree is None:
            return
        self._activated.add(summary.path)
        self._activating.append(summary.path)
        outer, self._bind_depth = self._bind_depth, depth + 1
        try:
            bound = self.bind(Path(summary.path), tree.body, summary.context.imports)
        finally:
            self._activating.pop()
            self._bind_depth = outer
        context = summary.context
        for key, value in bound.constants.items():
            context.constants.setdefault(key, value)
        for key, info in bound.classes.items():
            context.classes.setdefault(key, info)
        for info in summary.classes.values():
            if info.key.startswith(summary.name + ":"):
                for base in info.node.bases:
                    name = base.id if isinstance(base, ast.Name) else context.imports.resolve(base)
                    inherited = bound.classes.get(name or "")
                    if inherited is not None and all(inherited is not known for known in info.bases):
                        info.bases.append(inherited)
        summary.depends.update(bound.depends)
        summary.pulled.extend(bound.foreign)

    def _reexports(self, path: Path, body: list) -> dict:
        """``name -> (file, name there)`` for each name a package imports from a project module."""
        found: dict = {}
        for statement in _import_statements(body):
            if not isinstance(statement, ast.ImportFrom):
                continue
            module = statement.module or ""
            if not statement.level and module.split(".")[0] in _NEVER_PROJECT:
                continue
            target = self.resolve(path, module, statement.level)
            if target is None or target.suffix != ".py":
                continue
            for alias in statement.names:
                if alias.name != "*":
                    found[alias.asname or alias.name] = (target, alias.name)
        return found

    def defining(self, summary: ModuleSummary, name: str, depth: int = 0):
        """``(kind, value, summary that defines it)`` for a name a module binds, following the
        re-exports of packages, or None."""
        found = summary.lookup(name)
        if found is None:
            found = _exported(summary, name)
        if found is not None:
            return found[0], found[1], summary
        if name not in summary.reexports or depth >= MAX_IMPORT_DEPTH:
            return None
        file, original = summary.reexports[name]
        defining = self.summary(file) if self._may_bind(file, original) else None
        return self.defining(defining, original, depth + 1) if defining is not None else None

    def summaries_holding(self, infos: list) -> list:
        """The summaries whose classes include one of ``infos`` (by identity)."""
        return [summary for summary in self._summaries.values() if summary is not None
                and any(known is info for known in summary.classes.values() for info in infos)]

    def parsed_trees(self) -> list:
        """Every syntax tree a summary was built from."""
        return list(self._trees.values())

    def tree_at(self, path: Path) -> ast.Module | None:
        """The syntax tree the summary of the file at ``path`` was built from, if one was."""
        return self._trees.get(absolute(path))

    def tree_of(self, summary: ModuleSummary) -> ast.Module | None:
        """The syntax tree a summary was built from (its nodes are that file's)."""
        return self._trees.get(Path(summary.path))

    def bind(self, importer: Path, body: list, imports: ImportTable, builds_recurrent: bool = False,
             keep: frozenset = frozenset()) -> Bound:
        """Resolve the imports of a file among the project's files: each name they bind to a
        project constant or class becomes a constant or class of the file (the alias is taken
        out of ``imports``, since it is no library name); a module alias binds its dotted names.
        ``builds_recurrent``: the file names a recurrent layer itself, so any module it imports
        may feed one (see ``_worth_binding``); ``keep``: the keys of classes bound in any case
        (those whose construction sites the run looks for)."""
        importer = absolute(importer)
        bound = Bound()
        for statement in _import_statements(body):
            if isinstance(statement, ast.Import):
                for alias in statement.names:
                    if alias.name.split(".")[0] in _NEVER_PROJECT:
                        continue
                    target = self.resolve(importer, alias.name, 0)
                    summary = self.summary(target) if target is not None else None
                    if summary is not None:
                        qualified = alias.name
                        if alias.asname is not None:
                            imports.aliases[alias.asname] = qualified
                        self._bind_module(bound, qualified, summary, builds_recurrent, keep)
                continue
            module = statement.module or ""
            if not statement.level and module.split(".")[0] in _NEVER_PROJECT:
                continue
            target = self.resolve(importer, module, statement.level)
            if target is None:
                continue
            for alias in statement.names:
                if alias.name == "*":
                    continue
                local = alias.asname or alias.name
                sub = self._submodule(importer, module, statement.level, alias.name, target)
                if sub is not None:
                    summary = self.summary(sub)
                    if summary is not None:
                        qualified = "<project>." + summary.name
                        imports.aliases[local] = qualified
                        self._bind_module(bound, qualified, summary, builds_recurrent, keep)
                        if summary.recurrent:
                            bound.recurrent_names.add(local)
                    continue
                worth = target.suffix == ".py" and self._may_bind(target, alias.name)
                summary = self.summary(target) if worth else None
                if summary is None:
                    continue
                defined = self.defining(summary, alias.name)
                if defined is None:
                    continue
                kind, value, owner = defined
                if owner is not summary:
                    self._add_dependency(bound, summary)
                    summary = owner
                imports.aliases.pop(local, None)
                if kind == "constant":
                    bound.constants[local] = value
                elif kind == "class" and (value.key in keep or self._worth_binding(value, builds_recurrent)):
                    self._want(summary, value)
                    bound.classes[local] = value
                    if summary.recurrent:
                        bound.recurrent_names.add(local)
                elif kind == "function":
                    bound.functions[local] = value
                    if any(value is defined for defined in summary.functions.values()):
                        bound.function_contexts[local] = summary.context
                        # it runs where it is called, among its own file's names: bind them now
                        # (a class is activated when it runs; a function has no such hook)
                        if summary.recurrent and self._bind_depth < MAX_IMPORT_DEPTH:
                            self._activate(summary, self._bind_depth)
                    if summary.recurrent:
                        bound.recurrent_names.add(local)
                self._add_dependency(bound, summary)
        return bound

    def _may_bind(self, path: Path, name: str) -> bool:
        """Whether the text of ``path`` may bind ``name`` to a class, a function or a constant at top level,
        or import it (a re-export): only then is its summary worth building."""
        text = self.text(path)
        if text is None or len(text) > MAX_SUMMARY_CHARS or name not in text:
            return False
        text = "\n" + text
        if f"\nclass {name}" in text or f"\ndef {name}(" in text \
                or any(f"\n{name}{follow}" in text for follow in ("=", " =", ":", " :")):
            return True
        return any(name in (names or plain or "") for _, _, names, plain in import_lines(text))

    def recurrent_names(self, importer: Path, body: list) -> set:
        """The names a file's imports bind from the project that may build recurrent layers
        (see ``offers_recurrent``), found without building any summary."""
        importer = absolute(importer)
        names: set = set()
        for statement in _import_statements(body):
            if isinstance(statement, ast.Import):
                for alias in statement.names:
                    target = self.resolve(importer, alias.name, 0)
                    if target is not None and target.suffix == ".py" and self.offers_recurrent(target, None):
                        names.add(alias.asname or alias.name.split(".")[0])
                continue
            module = statement.module or ""
            if not statement.level and module.split(".")[0] in _NEVER_PROJECT:
                continue
            target = self.resolve(importer, module, statement.level)
            if target is None:
                continue
            for alias in statement.names:
                sub = self._submodule(importer, module, statement.level, alias.name, target)
                if sub is not None:
                    offers = sub.suffix == ".py" and self.offers_recurrent(sub, None)
                else:
                    offers = target.suffix == ".py" and self.offers_recurrent(target, frozenset([alias.name]))
                if offers:
                    names.add(alias.asname or alias.name)
        return names

    def bind_chosen(self, bound: Bound, path: Path) -> str | None:
        """Bind the module at ``path`` as ``import_module(...)`` returns it (``_sites``): its
        qualified name, None when it has no summary."""
        summary = self.summary(absolute(path))
        if summary is None:
            return None
        qualified = "<project>." + summary.name
        self._bind_module(bound, qualified, summary, True)
        return qualified

    def _bind_module(self, bound: Bound, qualified: str, summary: ModuleSummary, builds_recurrent: bool,
                     keep: frozenset = frozenset()) -> None:
        for key, value in summary.constants.items():
            bound.constants[f"{qualified}.{key}"] = value
        for key, info in list(summary.classes.items()) + list(summary.exports.items()):
            if info.key in keep or self._worth_binding(info, builds_recurrent):
                self._want(summary, info)
                bound.classes.setdefault(f"{qualified}.{key}", info)
        self._add_dependency(bound, summary)

    def _worth_binding(self, info, builds_recurrent: bool) -> bool:
        """A class of another file is run where it is used when it names a recurrent layer
        (itself or an in-file base), when it is no module (a configuration class), or, for a
        file that builds a recurrent layer itself, when its module is small (a front end that
        feeds the RNN): running every module of a large project wherever it is used would cost
        far more than it tells."""
        if "forward" not in info.methods or self._class_recurrent.get(info.key, False):
            return True
        return builds_recurrent and self._small.get(info.key, False)

    def reached(self, bound: Bound) -> list:
        """The summaries a file's analysis read: those its imports bound, and those their
        activations pulled in (during the analysis, as their classes ran)."""
        found: list = []
        pending = list(bound.foreign)
        while pending:
            summary = pending.pop(0)
            if all(summary is not known for known in found):
                found.append(summary)
                pending.extend(summary.pulled)
        return found

    def _add_dependency(self, bound: Bound, summary: ModuleSummary) -> None:
        if all(summary is not known for known in bound.foreign):
            bound.foreign.append(summary)
            bound.depends.update(summary.depends)
            for pulled in summary.pulled:
                self._add_dependency(bound, pulled)

    # --- the files construction sites are searched in (see _analysis/_sites.py) -------------
    def site_files(self) -> list | None:
        """The Python files under the root, once per project; None for a project of more than
        ``MAX_PROJECT_FILES`` (searched only near a class's file)."""
        if self._site_files is False and _WALKED.get(self._root_spelt, 0) > MAX_PROJECT_FILES:
            self._site_files = None  # the run's walk of the root kept more (and left out more folders)
        if self._site_files is False:
            found = _python_files(str(self.root), MAX_PROJECT_FILES)
            self._site_files = None if found is None else [Path(file) for file in found]
        return self._site_files  # type: ignore[return-value]

    def nearby_files(self, path: Path) -> list:
        """The Python files beside ``path`` and in the ``NEARBY_FOLDERS`` folders above it (no deeper)."""
        found: list = []
        folder = path.parent
        for _ in range(NEARBY_FOLDERS + 1):
            found.extend(folder / name for name in sorted(self._listing(folder)) if name.endswith(".py"))
            if folder == self.root or self.root not in folder.parents:
                break
            folder = folder.parent
        return found

    def site_scope(self, path: Path) -> tuple:
        """``(scope, files)``: where the construction sites of the classes of ``path`` are looked
        for, ``"project"`` (every file) or ``"nearby"`` (a larger project)."""
        files = self.site_files()
        return ("project", files) if files is not None else ("nearby", self.nearby_files(path))

    def is_library(self) -> bool:
        """Whether the project declares an installable distribution (``setup.py``, or a
        ``[project]`` or ``[tool.poetry]`` table in ``pyproject.toml``): its classes have callers
        outside it."""
        if self._library is None:
            text = self.text(self.root / "pyproject.toml") or ""
            self._library = (self.root / "setup.py").is_file() or \
                re.search(r"^\[(project|tool\.poetry)\]", text, re.MULTILINE) is not None
        return self._library

    def scope_stamp(self, scope: str, files: list, path: Path) -> str | None:
        """A stamp of the files of a site search (their paths, sizes, modification and change
        times, inodes), read from the file system without reading any file; None when a file
        was changed too recently for its times to tell a later change from it. The same stamp
        later means no file of the search was added, removed or written since."""
        key = (scope, path.parent if scope == "nearby" else None)
        if key not in self._stamps:
            self._stamps[key] = _stamp_files(files)
        return self._stamps[key]

    def site_record(self, path: Path, names: list, named: dict) -> dict:
        """What a cached result must find unchanged for the sites of the classes ``names`` of
        ``path`` to hold: the scope searched, its stamp, whether the project is a library, and
        ``{file: digest}`` of every file of the scope whose text names one of the classes."""
        scope, files = self.site_scope(path)
        return {"names": sorted(names), "scope": scope, "stamp": self.scope_stamp(scope, files, path),
                "library": self.is_library(), "named": named}

    def names_in(self, path: Path, names: list, files: list) -> dict:
        """``{file: digest}`` of the files among ``files`` (``path`` left out) whose text names
        one of ``names`` as a word; a file that cannot be read counts, with no digest."""
        named: dict = {}
        for file in files:
            file = absolute(file)
            if file == path:
                continue
            text = self.text(file)
            if text is None:
                if file.is_file():
                    named[str(file)] = None
                continue
            if any(name in text and re.search(rf"\b{re.escape(name)}\b", text) for name in names):
                named[str(file)] = self.digest(file)
        return named

    def sites_unchanged(self, path: Path, record: dict) -> bool:
        """Whether the site search a cached result of ``path`` rests on (``site_record``) would
        find the same files now: by the stamp of the scope when no file of it changed, else by
        reading the files of the scope for the classes' names."""
        path = absolute(path)
        scope, files = self.site_scope(path)
        if scope != record["scope"] or self.is_library() != record["library"]:
            return False
        stamp = self.scope_stamp(scope, files, path)
        if stamp is not None and stamp == record["stamp"]:
            return True
        return self.names_in(path, record["names"], files) == record["named"]

    def depends_of(self, path: Path, text: str) -> dict:
        """``{path: digest}`` of the project files a file's analysis reads, without analysing it."""
        path = absolute(path)
        depends: dict = {}
        for file, _ in self._imported(path, text):
            if file != path:
                summary = self.summary(file) if file.suffix == ".py" else None
                if summary is not None:
                    depends.update(summary.depends)
        return depends


def _python_files(top: str, most: int) -> list | None:
    """The ``.py`` files below ``top``, in the order of a top-down ``os.walk`` (links to folders
    not followed) that leaves out the ``_SITE_SKIPPED`` and hidden folders; None past ``most``
    files (counted a folder at a time)."""
    found: list = []
    pending = [top]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue
        below = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                if entry.name.endswith(".py"):
                    found.append(entry.path)
            elif entry.name not in _SITE_SKIPPED and not entry.name.startswith(".") and not entry.is_symlink():
                below.append(entry.path)
        if len(found) > most:
            return None
        pending.extend(reversed(below))  # the first subfolder is walked next, as os.walk does
    return found


def stat_or_none(path: str):
    """``os.stat(path)``, None where the file cannot be stat'ed (gone, no permission)."""
    try:
        return os.stat(path)
    except OSError:
        return None


def vouched(info) -> bool:
    """Whether a file's times, as ``os.stat`` gave them, are old enough to vouch for its content:
    written more than ``RECENT_NS`` before the run started, so that a later write shows in them."""
    return max(info.st_mtime_ns, info.st_ctime_ns) <= _RUN[0] - RECENT_NS


def _stamp_files(files: list) -> str | None:
    parts = []
    for file in files:
        try:
            info = os.stat(file)
        except OSError:
            parts.append(f"{file}:-")
            continue
        if not vouched(info):
            return None
        parts.append(f"{file}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _exported(summary: ModuleSummary, name: str):
    if name in summary.exports:
        return "class", summary.exports[name]
    context = summary.context
    if name in context.constants and "." not in name:
        return "constant", context.constants[name]
    if name in context.classes:
        return "class", context.classes[name]
    if name in context.functions:
        return "function", context.functions[name]
    return None


def _top_level_bindings(body: list) -> set:
    """The names the top level of a module binds (inside ``if``/``try`` blocks too), but not
    those ``from . import name`` binds: that is the package's own submodule."""
    names: set = set()
    for statement in _block_statements(body):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
            continue
        if isinstance(statement, ast.ImportFrom):
            if statement.level == 1 and not statement.module:
                continue
            names.update(alias.asname or alias.name for alias in statement.names if alias.name != "*")
            continue
        if isinstance(statement, ast.Import):
            names.update(alias.asname or alias.name.split(".")[0] for alias in statement.names)
            continue
        targets: list = []
        if isinstance(statement, ast.Assign):
            targets = list(statement.targets)
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)) and statement.value is not None:
            targets = [statement.target]
        while targets:
            target = targets.pop()
            if isinstance(target, ast.Name):
                names.add(target.id)
            elif isinstance(target, (ast.Tuple, ast.List)):
                targets.extend(target.elts)
            elif isinstance(target, ast.Starred):
                targets.append(target.value)
    return names


def _import_statements(body: list):
    return (statement for statement in _block_statements(body) if isinstance(statement, (ast.Import, ast.ImportFrom)))


def _block_statements(body: list):
    """The statements of a module's top level, also those inside its ``if``/``try``/``with``/
    ``for`` blocks (each block after the statements around it); a ``def`` or ``class`` is given,
    not its body: what it binds there is its own."""
    pending = list(body)
    while pending:
        statement = pending.pop(0)
        yield statement
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for name in ("body", "orelse", "finalbody"):
            block = getattr(statement, name, None)
            if isinstance(block, list):
                pending.extend(block)
        for handler in getattr(statement, "handlers", ()) or ():
            pending.extend(handler.body)


_PROJECTS: dict = {}  # root -> Project, one per process and run


def project_for(path: str | Path | None) -> Project | None:
    """The project of a file, shared by every file of the same root in this process."""
    if path is None:
        return None
    spelt = os.fspath(path)
    if spelt.startswith("<"):
        return None
    folder = os.path.dirname(spelt)
    if folder in _BY_FOLDER:
        return _BY_FOLDER[folder]
    root = find_root(spelt)
    if root is not None and root not in _PROJECTS:
        _PROJECTS[root] = Project(root)
    _BY_FOLDER[folder] = _PROJECTS[root] if root is not None else None
    return _BY_FOLDER[folder]


_BY_FOLDER: dict = {}  # the folder of a path as given -> its project (or None)


def forget_projects() -> None:
    """A new run starts from the files as they are now."""
    _RUN[0] = time.time_ns()
    _PROJECTS.clear()
    _BY_FOLDER.clear()
    _ROOTS.clear()
    _MARKED.clear()
    _PACKAGES.clear()
    _NEAREST.clear()
    _TOPS.clear()
    _WALKED.clear()
