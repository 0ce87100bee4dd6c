"""Construction sites in other files of the project: where a class of the checked file is built
by a file that imports it (``train.py`` builds ``Decoder(..., n_layers=1, dropout=0.5)``), and
whether every construction of the class is in view (a *closed* class).

In a project of at most ``MAX_PROJECT_FILES`` Python files every file is searched; in a larger
one, the files beside the class's file and in the two folders above it. A file is read for its sites only when
its text names the class and its import lines reach the class's module (the cheap scan of
``_project``), and only then parsed and run: at most ``MAX_SITE_FILES`` files for one checked
file, each of at most ``MAX_SITE_FILE_CHARS`` (a class that a file left unread may build is not closed).

A class is closed, and so only what its sites build, when all of this holds:
- the project is no installable library (no ``setup.py``, no ``[project]`` or
  ``[tool.poetry]`` table in ``pyproject.toml``): a library's classes are built by callers
  nobody can see;
- every project file was listed (at most ``MAX_PROJECT_FILES``) and every one that names the
  class could be read and parsed;
- every mention of the class's name in the project, outside its ``class`` line, the import
  lines and ``super(Name, self)``, is a direct call the analysis saw and recorded as a construction site (a class passed
  around, subclassed, named in a string or a comment, or built where no run reaches is not closed);
- its module is no package ``__init__.py`` and has no ``__all__``;
- it is built at least once, in its own file or another project file (every mention in its own
  file is a site seen too), and every site could be run as a configuration.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from .._project import MAX_PROJECT_FILES  # noqa: F401 - the limit the module's docstring describes
from .._source import walk
from ._program import Instance, Namespace
from ._symbolic import UNKNOWN, Alt, Bool, Const, Poly, Value, alternatives
from ._values import DictValue, Layer

MAX_SITE_FILES = 4  # files run for the sites of one file's classes
MAX_SITE_FILE_CHARS = 40_000  # a longer file is not run for its sites
MAX_INSTANCE_DEPTH = 3  # modules within modules a site's instance carries; deeper ones are unknown


@dataclass(frozen=True)
class Foreign(Value):
    """A value another file's site passes that means nothing here (one of its own symbols):
    the parameter stays a symbol in the configuration's run."""

    def describe(self, names=None) -> str:  # noqa: ARG002 - the signature of every value's describe
        return "?"


FOREIGN = Foreign()


def portable(value: Value, prefix: str = "", site_prefix: str = "") -> Value:
    """A site's value as the class's own file may read it: a known constant, parsed arguments
    holding them, a config object's known attributes, a project module built at the site (an
    ``Instance``: its class and constructor arguments, ``carried``), else ``FOREIGN``.
    ``prefix``: the checked module's ``name:`` (its classes are named as that file names them);
    ``site_prefix``: the site's module's, for the classes the site's own file defines."""
    if isinstance(value, Const) or (isinstance(value, Poly) and value.constant is not None) \
            or (isinstance(value, Bool) and value.truth is not None):
        return value
    if isinstance(value, Namespace):  # parsed arguments: each option's literal default
        return Namespace(tuple((dest, item if portable(item) is item else UNKNOWN, line)
                               for dest, item, line in value.defaults))
    if isinstance(value, Layer) and _is_module(value):
        instance = _instance(value, prefix, site_prefix, 0)
        return instance if isinstance(instance, Instance) else FOREIGN
    if isinstance(value, Layer) and value.module_class is not None \
            and not any(isinstance(item, Layer) for _, item in value.module_state):
        # a config object (a plain class's instance): its known attributes (``config.dropout``)
        return replace(value, module_state=tuple((key, item if portable(item) is item else UNKNOWN)
                                                 for key, item in value.module_state))
    if isinstance(value, DictValue):  # a dict config: its known items (``config["dropout"]``)
        return DictValue(tuple((key, portable(item) if not isinstance(portable(item), Foreign) else UNKNOWN)
                               for key, item in value.items))
    if isinstance(value, Alt) and any(_is_module(case) for _, case in value.cases):
        # `make_encoder(opt)`: one module per branch, each under its condition
        return alternatives((guard, carried(case, prefix, site_prefix, 0)) for guard, case in value.cases)
    return FOREIGN


def _is_module(value: Value) -> bool:
    """A project module's instance: a project class whose attributes hold layers."""
    return isinstance(value, Layer) and value.module_class is not None \
        and any(isinstance(item, Layer) for _, item in value.module_state)


def _instance(value: Layer, prefix: str, site_prefix: str, depth: int) -> Value:
    """The recipe of a project module built at a site: unknown when it was changed after it was
    built (the arguments no longer say what it is), or when it is too deep."""
    built = value.built
    if built is None or depth >= MAX_INSTANCE_DEPTH or built[2] is not value.module_state:
        return UNKNOWN
    key = value.module_class or ""
    if ":" not in key:
        if not site_prefix:
            return UNKNOWN
        key = site_prefix + key  # a class of the site's own file
    if prefix and key.startswith(prefix):
        key = key[len(prefix):]  # a class of the checked file: its own name there
    args, kwargs, _ = built
    return Instance(key, tuple(carried(item, prefix, site_prefix, depth + 1) for item in args),
                    tuple((name, carried(item, prefix, site_prefix, depth + 1)) for name, item in kwargs),
                    value.node)


def carried(value: Value, prefix: str, site_prefix: str, depth: int) -> Value:
    """An argument a site's module was built with, as its rebuild in the class's file gets it:
    constants and the site's symbols (one run's, so the same symbol is the same size), torch
    layers, modules (as ``Instance``), config objects; anything else is unknown, as unknown as
    it would have been to the module at the site."""
    if isinstance(value, (Const, Poly, Bool)):
        return value
    if isinstance(value, Alt):
        return alternatives((guard, carried(case, prefix, site_prefix, depth)) for guard, case in value.cases)
    if _is_module(value):
        assert isinstance(value, Layer)  # `_is_module` said so
        return _instance(value, prefix, site_prefix, depth)
    if isinstance(value, Layer) and value.module_class is None:
        return value if not _holds_project_module(value) else UNKNOWN
    if isinstance(value, (Layer, Namespace, DictValue)):
        known = portable(value)
        return UNKNOWN if isinstance(known, Foreign) else known
    return UNKNOWN


def _holds_project_module(layer: Layer) -> bool:
    """Whether a torch container holds a project module (its state is another file's run)."""
    children = [*(layer.items or ()), layer.element, *([layer.first] if layer.first is not None else [])]
    return any(isinstance(child, Layer) and (child.module_class is not None or _holds_project_module(child))
               for child in children)


def _mentions(text: str, name: str) -> list:
    """``(line, is a call)`` of each mention of ``name`` outside import lines and its ``class`` line."""
    found = []
    for match in re.finditer(rf"\b{re.escape(name)}\b", text):
        start = text.rfind("\n", 0, match.start()) + 1
        head = text[start:match.start()].strip()
        if head.startswith(("from ", "import ")) or head in ("class",):
            continue
        if re.search(r"\bsuper\(\s*$", text[max(0, match.start() - 40):match.start()]):
            continue  # `super(Decoder, self)` inside the class reads the class, it does not pass it on
        line = text.count("\n", 0, match.start()) + 1
        call = re.match(r"\s*\(", text[match.end():match.end() + 80]) is not None
        found.append((line, call))
    return found


def all_seen(text: str, name: str, lines: set) -> bool:
    """Whether every mention of ``name`` in ``text`` is a direct call recorded at one of ``lines``."""
    return all(call and line in lines for line, call in _mentions(text, name))


class Caller(NamedTuple):
    """Another project file run for its sites: its label (``train.py``), its syntax tree, the
    facts its runs recorded (``ScopeFacts``), and the sites it made (``(class name, Site)``)."""

    label: str
    tree: ast.Module
    scopes: tuple
    sites: tuple


def foreign_sites(project, path: Path, names: list) -> tuple:
    """``(sites, open_names, depends, record, trees, callers)``: the construction sites other project files
    make of the classes ``names`` of the file at ``path`` (class name -> [Site, ...], each with its
    file), the names whose every construction cannot be in view, ``{path: digest}`` of the files
    read, what a cached result must find unchanged (``Project.site_record``), and the syntax trees
    of the files run (a module a site built has its layers' nodes there), and those runs (``Caller``)."""
    from .._project import absolute

    path = absolute(path)
    sites: dict = {name: [] for name in names}
    open_names = set(names) if project.is_library() else set()
    depends: dict = {}
    scope, files = project.site_scope(path)
    if scope == "nearby":
        # a larger project: the files beside the class's file and in the folders above it (no
        # deeper), where its scripts usually are; a class of a large project is never closed
        open_names = set(names)
    project.scope_stamp(scope, files, path)  # taken before any file of the search is read
    named_files = project.names_in(path, names, files)
    key_prefix = project.module_name(path) + ":"
    runs = 0
    trees: list = []
    callers: list = []
    for spelt in named_files:
        file = Path(spelt)
        text = project.text(file)
        if text is None:  # a file that cannot be read may build any of them (never a pipe)
            open_names |= set(names)
            continue
        named = [name for name in names if name in text and re.search(rf"\b{re.escape(name)}\b", text)]
        chosen = None
        if not any(target == path or (target.name == "__init__.py" and target.parent in path.parents)
                   for target, _ in project._imports_of(file)):
            prefix = module_choice(text, project.module_name(path))
            open_names |= set(named)  # a class of the same name, or one reached in a way not followed
            if prefix is None:
                continue
            chosen = (prefix, path)  # `import_module("models." + name)`: its sites, never closed
        if len(text) > MAX_SITE_FILE_CHARS or runs >= MAX_SITE_FILES:
            open_names |= set(named)  # not read: its sites stay unknown
            continue
        runs += 1
        scopes: list = []
        found = _sites_in(project, file, text, named, key_prefix, chosen, trees, scopes)
        if found is None:
            open_names |= set(named)
            continue
        depends[spelt] = named_files[spelt]
        label = _label(project, file)
        if scopes:
            callers.append(Caller(label, trees[-1], tuple(scopes), tuple(found)))
        site_prefix = project.module_name(file) + ":"
        for name in named:
            of_name = [site for local, site in found if local == name]
            lines = {site.node.lineno for site in of_name}
            if not all_seen(text, name, lines):
                open_names.add(name)
            for site in of_name:
                sites[name].append(type(site)(
                    name, site.node, tuple(portable(value, key_prefix, site_prefix) for value in site.args),
                    tuple((key, portable(value, key_prefix, site_prefix)) for key, value in site.kwargs), label,
                    site.inherited, site.read_defaults))
    return sites, open_names, depends, project.site_record(path, names, named_files), trees, callers


def _label(project, file: Path) -> str:
    try:
        return file.relative_to(project.root).as_posix()
    except ValueError:
        return file.name


def _base_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def module_choice(text: str, module: str) -> str | None:
    """The literal prefix of the file's one ``import_module(prefix + name)`` when ``module``
    may be what it imports (it starts with the prefix); None otherwise, and when the file has
    several such calls (one world per call: which module each gives is not one choice)."""
    calls = re.findall(r"\bimport_module\(\s*(?:([\"'])([\w.]+)\1\s*\+|f([\"'])([\w.]+)\{)", text)
    if len(calls) != 1 or text.count("import_module(") != 1:
        return None
    prefix = calls[0][1] or calls[0][3]
    return prefix if prefix.endswith(".") and module.startswith(prefix) and len(module) > len(prefix) else None


def _builds_at_module_level(tree: ast.Module) -> bool:
    """Whether a module-level ``NAME = value`` of the file calls anything: the one place its run
    evaluates code whatever lines it is asked for (``_driver._module_constants``)."""
    from ._driver import _module_level_statements

    return any(isinstance(node, ast.Call) for statement in _module_level_statements(tree.body)
               for node in walk(statement.value))


def _sites_in(project, file: Path, text: str, names: list, key_prefix: str, chosen: tuple | None = None,
              trees: list | None = None, runs: list | None = None) -> list | None:
    """``[(class name, Site), ...]`` of the sites of ``names`` the runs of ``file`` see; None when
    the file cannot be parsed. ``runs``: where the facts of those runs go (``ScopeFacts`` each)."""
    from ._driver import run_for_sites

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return None
    if trees is not None:
        trees.append(tree)
    try:
        lines = {line for name in names for line, call in _mentions(text, name) if call}
        # a subclass's `super().__init__(...)` builds its base: its class is run too
        lines |= {statement.lineno for statement in tree.body if isinstance(statement, ast.ClassDef)
                  and any(_base_name(base) in names for base in statement.bases)}
        if not lines and not _builds_at_module_level(tree):
            # no call of a class and no subclass (a package's `__init__.py` re-exporting it): no
            # statement of the file would run, so it builds nothing (its imports are not bound)
            return []
        keep = frozenset(key_prefix + name for name in names)
        recorded, classes, scopes = run_for_sites(tree, text, project, str(file), lines, chosen, keep)
    except RecursionError:
        return None
    if runs is not None:
        runs.extend(scopes)
    wanted = {key_prefix + name: name for name in names}
    found = []
    for site in recorded:
        info = classes.get(site.class_name)
        name = wanted.get(getattr(info, "key", None) or "")
        if name is not None:
            found.append((name, site))
    return found
