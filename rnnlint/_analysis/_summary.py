"""What one project module offers the files that import it: its constants, classes and functions,
keyed by the module's qualified name. Built once per run and shared; standard library only.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ._names import ImportTable


@dataclass
class ModuleContext:
    """The names one file's code reads: its imports, its module-level constants and its classes
    (by the name they have in that file). A method of a class from another file runs in the
    context of its own file."""

    imports: ImportTable
    constants: dict
    classes: dict
    functions: dict = field(default_factory=dict)


@dataclass
class ModuleSummary:
    """One project module, as its importers see it.

    ``constants``: module-level plain values (one binding each); ``classes``: ``ClassInfo`` of
    each top-level class, whose methods run in ``context``; ``functions``: top-level function
    definitions; ``exports``: names bound by importing them from another project module
    (``from .base import Encoder`` in an ``__init__.py``): ``name -> (module, name there)``.
    ``depends``: ``{path: digest}`` of every project file this summary was built from (its own
    and, transitively, those it imports), so a cached result keyed by it goes stale when any of
    them changes. Further kinds of facts (configurations, construction sites) are added as fields.
    """

    name: str
    path: str
    digest: str
    context: ModuleContext
    constants: dict = field(default_factory=dict)
    classes: dict = field(default_factory=dict)
    functions: dict = field(default_factory=dict)
    exports: dict = field(default_factory=dict)
    submodules: dict = field(default_factory=dict)  # `from . import config`: local name -> module
    # a package's names imported from project modules, summarised when asked for: name -> (file, name)
    reexports: dict = field(default_factory=dict)
    pulled: list = field(default_factory=list)  # the summaries binding its imports brought in
    depends: dict = field(default_factory=dict)
    # names imported from project modules that mention a recurrent layer (themselves, or what they
    # import): a file that uses one may build a recurrent layer through it
    recurrent: bool = False

    def lookup(self, name: str):
        """``("constant" | "class" | "function" | "module", value)`` for a name this module
        binds, or None."""
        if name in self.classes:
            return "class", self.classes[name]
        if name in self.functions:
            return "function", self.functions[name]
        if name in self.constants:
            return "constant", self.constants[name]
        if name in self.submodules:
            return "module", self.submodules[name]
        return None


def top_level_functions(body: list) -> dict:
    return {statement.name: statement for statement in body if isinstance(statement, ast.FunctionDef)}
