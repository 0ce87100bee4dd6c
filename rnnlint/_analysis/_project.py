"""The project a file belongs to: its root, a module resolver, and the summaries of the project
modules a file imports, built once per run and shared by every file that imports them.

Standard library only. Nothing outside the project (site-packages, a module that is not
there) is resolved: names imported from it stay unknown.
"""

from __future__ import annotations

import ast
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ._names import ImportTable
from ._summary import ModuleContext, ModuleSummary, top_level_functions

# what marks a project's root, as ruff and the packaging tools read it
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
# installed code is not the project's: a file under one of these has no project
_INSTALLED = ("site-packages", "dist-packages")
# how many files deep an import chain is followed (model -> base -> config -> ...)
MAX_IMPORT_DEPTH = 4
# how many folders above a file are tried as import roots (scripts put their own folder first)
MAX_SEARCH_FOLDERS = 6
# torch is the registry's (``_pytorch``), never a project module, even inside torch's own tree
_NEVER_PROJECT = frozenset(sys.stdlib_module_names) | {"torch", "__future__"}
_IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import\b([^\n#]*)|import[ \t]+([\w., \t]+))",
                          re.MULTILINE)


def find_root(path: Path) -> Path | None:
    """The project root of ``path``: the nearest folder holding a root marker, else the folder
    above the file's top package; None for installed code."""
    path = Path(path).resolve()
    if any(part in _INSTALLED for part in path.parts):
        return None
    folder = path.parent
    if folder not in _ROOTS:
        _ROOTS[folder] = _root_of(folder)
    return _ROOTS[folder]


_ROOTS: dict = {}  # folder -> its project root, in this process


def _root_of(folder: Path) -> Path:
    for candidate in [folder, *folder.parents]:
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            return candidate
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


@dataclass
class Bound:
    """What a file's imports bind from the project: local (or dotted, for a module alias) names
    to constants and classes, and the files that went into them."""

    constants: dict = field(default_factory=dict)
    classes: dict = field(default_factory=dict)
    functions: dict = field(default_factory=dict)
    depends: dict = field(default_factory=dict)  # path -> digest
    recurrent_names: set = field(default_factory=set)  # local names from modules that build RNNs
    foreign: list = field(default_factory=list)  # the summaries pulled, for their node ids


class Project:
    """One project of a run: resolves imports under ``root`` and keeps one summary per file."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self._summaries: dict = {}  # path -> ModuleSummary | None
        self._building: list = []  # paths whose summary is being built (a cycle, or depth)
        self._files: dict = {}  # (folder, dotted) -> Path | None
        self._texts: dict = {}  # path -> text | None
        self._recurrent: dict = {}  # path -> bool
        self._node_ids: dict = {}  # path -> ids of the nodes of its tree
        self.registry: dict = {}  # ClassInfo.key -> ClassInfo of every summary built

    # --- resolving ---------------------------------------------------------------------------
    def _search_folders(self, importer: Path) -> list:
        folders = []
        folder = importer.parent
        for _ in range(MAX_SEARCH_FOLDERS):
            folders.append(folder)
            if folder == self.root or self.root not in folder.parents:
                break
            folder = folder.parent
        if (self.root / "src").is_dir():
            folders.append(self.root / "src")
        if self.root not in folders:
            folders.append(self.root)
        return folders

    def _module_file(self, folder: Path, dotted: str) -> Path | None:
        key = (folder, dotted)
        if key not in self._files:
            found = None
            base = folder.joinpath(*dotted.split(".")) if dotted else folder
            for candidate in (base.with_name(base.name + ".py") if dotted else None, base / "__init__.py"):
                if candidate is not None and candidate.is_file():
                    found = candidate
                    break
            if found is None and dotted and base.is_dir():
                found = base  # a namespace package: a folder without __init__.py
            self._files[key] = found
        return self._files[key]

    def resolve(self, importer: Path, module: str, level: int) -> Path | None:
        """The file (or namespace folder) of ``module`` imported from ``importer``."""
        if level:
            folder = importer.parent
            for _ in range(level - 1):
                folder = folder.parent
            if self.root != folder and self.root not in folder.parents:
                return None
            return self._module_file(folder, module)
        if not module or module.split(".")[0] in _NEVER_PROJECT:
            return None
        for folder in self._search_folders(importer):
            found = self._module_file(folder, module)
            if found is not None:
                return found
        return None

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
        if path not in self._texts:
            try:
                self._texts[path] = path.read_text(encoding="utf-8") if path.is_file() else None
            except (OSError, UnicodeDecodeError, ValueError):
                self._texts[path] = None
        return self._texts[path]

    def remember(self, path: Path, text: str) -> None:
        """The text of a file the run has read already (or an editor's unsaved text)."""
        self._texts[Path(path).resolve()] = text

    def _imported_files(self, path: Path, text: str) -> list:
        """The project files the import lines of ``text`` name (a cheap read, no parse)."""
        files = []
        for match in _IMPORT_LINE.finditer(text):
            dots, module, names, plain = match.groups()
            if plain is not None:
                modules = [(part.split(" as ")[0].strip(), 0) for part in plain.split(",")]
                for name, level in modules:
                    found = self.resolve(path, name, level) if name else None
                    if found is not None:
                        files.append(found)
                continue
            level = len(dots)
            found = self.resolve(path, module, level)
            if found is None:
                continue
            files.append(found)
            for name in re.findall(r"[A-Za-z_]\w*", names.split(" as ")[0] if "(" not in names else names):
                sub = self.resolve(path, f"{module}.{name}" if module else name, level)
                if sub is not None and sub != found:
                    files.append(sub)
        return [file for file in files if file.suffix == ".py" or file.name == "__init__.py"]

    def reaches_recurrent(self, path: Path, text: str | None = None, depth: int = 0) -> bool:
        """Whether ``path`` mentions a recurrent layer or imports (within a few files) a project
        module that does: only such files need the analysis."""
        from .._engine import needs_analysis

        path = Path(path).resolve()
        if path in self._recurrent:
            return self._recurrent[path]
        text = self.text(path) if text is None else text
        self._recurrent[path] = False  # a cycle adds nothing
        found = text is not None and (needs_analysis(text) or (depth < MAX_IMPORT_DEPTH and any(
            self.reaches_recurrent(file, None, depth + 1) for file in self._imported_files(path, text)
            if file != path)))
        if found or depth == 0:
            self._recurrent[path] = found
        else:
            del self._recurrent[path]  # decided under a depth limit: not memoised
        return found

    def imports_recurrent(self, path: Path, text: str) -> bool:
        """Whether a file that names no recurrent layer imports a project module that builds one."""
        if "import" not in text:
            return False
        path = Path(path).resolve()
        return any(self.reaches_recurrent(file) for file in self._imported_files(path, text) if file != path)

    # --- summaries ---------------------------------------------------------------------------
    def summary(self, path: Path) -> ModuleSummary | None:
        path = Path(path).resolve()
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
        from . import _driver

        imports = ImportTable()
        _driver._collect_imports(tree.body, imports)
        bound = self.bind(path, tree.body, imports)
        constants = _driver._module_constants(tree.body, imports, _driver._rebound_names(tree.body), bound.constants)
        classes = _driver._collect_classes(tree.body, imports, bound.classes)
        name = self.module_name(path)
        functions = dict(bound.functions)
        functions.update(top_level_functions(tree.body))
        context = ModuleContext(imports, constants, classes, functions)
        local_classes = {}
        for info in classes.values():
            if info.context is None:
                info.context = context
                info.key = f"{name}:{info.name}"
                self.registry[info.key] = info
                local_classes[info.name] = info
        depends = {str(path): hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()}
        depends.update(bound.depends)
        summary = ModuleSummary(name=name, path=str(path), digest=depends[str(path)], context=context,
                                constants={key: value for key, value in constants.items() if "." not in key},
                                classes={key: info for key, info in classes.items() if "." not in key},
                                functions=top_level_functions(tree.body), depends=depends,
                                recurrent=self.reaches_recurrent(path, text))
        summary.exports = {key: value for key, value in bound.classes.items() if "." not in key}
        self._node_ids[path] = tree
        return summary

    def node_ids(self, summary: ModuleSummary) -> set:
        """The ids of every node of a summarised file: facts recorded there belong to that file."""
        tree = self._node_ids.get(Path(summary.path))
        if isinstance(tree, ast.AST):
            self._node_ids[Path(summary.path)] = {id(node) for node in ast.walk(tree)}
        found = self._node_ids.get(Path(summary.path))
        return found if isinstance(found, set) else set()

    def bind(self, importer: Path, body: list, imports: ImportTable) -> Bound:
        """Resolve the imports of a file among the project's files: each name they bind to a
        project constant or class becomes a constant or class of the file (the alias is taken
        out of ``imports``, since it is no library name); a module alias binds its dotted names."""
        importer = Path(importer).resolve()
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
                        self._bind_module(bound, qualified, summary)
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
                sub = self.resolve(importer, f"{module}.{alias.name}" if module else alias.name, statement.level)
                if sub is not None and sub != target:
                    summary = self.summary(sub)
                    if summary is not None:
                        qualified = "<project>." + summary.name
                        imports.aliases[local] = qualified
                        self._bind_module(bound, qualified, summary)
                        if summary.recurrent:
                            bound.recurrent_names.add(local)
                    continue
                summary = self.summary(target) if target.suffix == ".py" else None
                if summary is None:
                    continue
                found = summary.lookup(alias.name)
                if found is None:
                    found = _exported(summary, alias.name)
                if found is None:
                    continue
                kind, value = found
                self._add_dependency(bound, summary)
                imports.aliases.pop(local, None)
                if kind == "constant":
                    bound.constants[local] = value
                elif kind == "class":
                    bound.classes[local] = value
                    if summary.recurrent:
                        bound.recurrent_names.add(local)
                elif kind == "function":
                    bound.functions[local] = value
                    if summary.recurrent:
                        bound.recurrent_names.add(local)
        return bound

    def _bind_module(self, bound: Bound, qualified: str, summary: ModuleSummary) -> None:
        self._add_dependency(bound, summary)
        for key, value in summary.constants.items():
            bound.constants[f"{qualified}.{key}"] = value
        for key, info in list(summary.classes.items()) + list(summary.exports.items()):
            bound.classes.setdefault(f"{qualified}.{key}", info)

    def _add_dependency(self, bound: Bound, summary: ModuleSummary) -> None:
        if all(summary is not known for known in bound.foreign):
            bound.foreign.append(summary)
            bound.depends.update(summary.depends)

    def depends_of(self, path: Path, text: str) -> dict:
        """``{path: digest}`` of the project files a file's analysis reads, without analysing it."""
        path = Path(path).resolve()
        depends: dict = {}
        for file in self._imported_files(path, text):
            if file != path:
                summary = self.summary(file) if file.suffix == ".py" else None
                if summary is not None:
                    depends.update(summary.depends)
        return depends


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


def _import_statements(body: list):
    pending = list(body)
    while pending:
        statement = pending.pop(0)
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            yield statement
            continue
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue  # an import inside a function binds a local name of that function
        for name in ("body", "orelse", "finalbody"):
            block = getattr(statement, name, None)
            if isinstance(block, list):
                pending.extend(block)
        for handler in getattr(statement, "handlers", ()) or ():
            pending.extend(handler.body)


_PROJECTS: dict = {}  # root -> Project, one per process and run


def project_for(path: str | Path | None) -> Project | None:
    """The project of a file, shared by every file of the same root in this process."""
    if path is None or str(path).startswith("<"):
        return None
    root = find_root(Path(path))
    if root is None:
        return None
    if root not in _PROJECTS:
        _PROJECTS[root] = Project(root)
    return _PROJECTS[root]


def forget_projects() -> None:
    """A new run starts from the files as they are now."""
    _PROJECTS.clear()
    _ROOTS.clear()
