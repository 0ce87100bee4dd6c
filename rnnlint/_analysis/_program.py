"""What the rest of one file defines for the code that runs: functions and lambdas (inlined
where they are called), ``functools.partial`` of a callable, ``getattr(nn, name)`` over the
names the file shows possible. No import of the driver; the interpreter mixes this part in.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from .._pytorch import recurrent_kinds_taking
from .._source import walk
from ._core import MAX_INLINE_DEPTH, ClassInfo, InterpreterBase, PathEnds, positional_parameters
from ._facts import PadSequence
from ._names import ImportTable
from ._symbolic import UNKNOWN, Atom, Bool, Const, Opaque, Poly, Relation, Value, alternatives, cases, merge_guards
from ._torchtext import (
    FIELDS,
    ITERATORS,
    changes_field_layout,
    dataset_fields,
    field_arguments,
    is_true,
    iterated,
    iterator_over,
    states_layout,
    torchtext_name,
)
from ._values import (
    DictValue,
    FieldSet,
    Layer,
    Loader,
    Packed,
    Ref,
    Splits,
    Tensor,
    TextField,
    TupleValue,
    python_value,
)

PARTIAL = "functools.partial"
DATA_LOADERS = ("torch.utils.data.DataLoader", "torch.utils.data.dataloader.DataLoader")
COLLATE_POSITION = 6  # DataLoader(dataset, batch_size, shuffle, sampler, batch_sampler, num_workers, collate_fn)


@dataclass(frozen=True)
class Function(Value):
    """A function or lambda of this file: called, its body runs on the caller's arguments.
    ``closure`` is the enclosing scope's live state (names are read when the call runs, as in
    Python); ``owner`` the class whose method defines it."""

    key: int = 0  # id of the definition: two functions are the same value only when one node
    node: Any = field(default=None, compare=False, hash=False)
    builds: bool = False  # its body constructs a layer (or calls a function that does)
    closure: Any = field(default=None, compare=False, hash=False)
    owner: Any = field(default=None, compare=False, hash=False)
    # a function of another project file: the ModuleContext its body reads its names in
    context: Any = field(default=None, compare=False, hash=False)

    def describe(self, names=None) -> str:  # noqa: ARG002 - the signature of every value's describe
        return f"<function {getattr(self.node, 'name', 'lambda')}>"


@dataclass(frozen=True)
class Member(Value):
    """``getattr(module, name)`` for a name the file does not show (``excluded``: the names it
    does, each its own case): called with arguments only a recurrent layer takes, it is each
    recurrent kind they fit, under an opaque condition per kind (``name`` keys it: a symbol, or
    the place of the call), so that a finding must hold whichever it is."""

    module: str = ""
    name: str = ""
    excluded: tuple = ()

    def describe(self, names=None) -> str:  # noqa: ARG002 - the signature of every value's describe
        return f"getattr({self.module}, ...)"


@dataclass(frozen=True)
class Method(Value):
    """``batcher.collate`` or ``self.collate`` where it is not called: a method of a project class
    bound to an instance, with that instance's attributes as they were then (``state``). It runs
    where a data loader calls it on a batch; any other call of it is unknown."""

    key: int = 0  # id of the method's definition
    name: str = ""
    info: Any = field(default=None, compare=False, hash=False)
    state: tuple = field(default=(), compare=False, hash=False)  # ((``self.x``, Value), ...)

    def describe(self, names=None) -> str:  # noqa: ARG002 - the signature of every value's describe
        return f"<method {self.name}>"


@dataclass(frozen=True)
class Partial(Value):
    """``functools.partial(target, *args, **kwargs)``: a call adds its own arguments."""

    target: Value = UNKNOWN
    args: tuple = ()
    kwargs: tuple = ()  # ((name, Value), ...)

    def describe(self, names=None) -> str:
        return f"partial({self.target.describe(names)})"


class Built(Atom):
    """The configuration one construction site gives a class: true in the run of the class on
    that site's arguments (``Decoder(..., n_layers=1, dropout=0.5)`` at line 86)."""

    class_name: str
    line: int
    file: str  # the site's file, relative to the project root, when it is another file

    def __new__(cls, class_name: str, line: int, file: str = "") -> Built:
        atom = super().__new__(cls, f"{class_name} as built at {file + ':' if file else 'line '}{line}")
        atom.class_name, atom.line, atom.file = class_name, line, file
        return atom

    def __reduce__(self) -> tuple:
        return Built, (self.class_name, self.line, self.file)

    def __repr__(self) -> str:
        return f"Built({self.class_name!r}, {self.line}, {self.file!r})"

    @property
    def place(self) -> str:
        """``86`` for a site of the file itself, ``train.py:86`` for one in another file."""
        return f"{self.file}:{self.line}" if self.file else str(self.line)


class Called(Built):
    """A caller's run: another project file that builds the class and calls it (``model(x)`` at
    train.py:42) ran its code on the values it passes; every fact of that run holds under this
    atom, which a rule judges apart, as it does a construction site's run."""

    def __new__(cls, class_name: str, line: int, file: str = "") -> Called:
        atom = str.__new__(cls, f"{class_name} as called at {file}:{line}")
        atom.class_name, atom.line, atom.file = class_name, line, file
        return atom

    def __reduce__(self) -> tuple:
        return Called, (self.class_name, self.line, self.file)

    def __repr__(self) -> str:
        return f"Called({self.class_name!r}, {self.line}, {self.file!r})"


@dataclass(frozen=True)
class Site:
    """A construction of a class: its node and the values it passes; ``file`` names another
    project file the site is in (relative to the project root), empty for the file itself."""

    class_name: str
    node: Any = field(compare=False, hash=False)
    args: tuple = ()
    kwargs: tuple = ()  # ((name, Value), ...)
    file: str = ""
    # a subclass's `super().__init__(...)`: every instance of the subclass builds the base so,
    # the defaults it leaves included (a configuration even when it passes nothing known)
    inherited: bool = False
    # the arguments that read an argparse option's default (``args.emb_dim``), as seen in the
    # site's own file: ((position or keyword, the option's line), ...)
    read_defaults: tuple = field(default=(), compare=False, hash=False)
    # the construction sites whose run this one was seen in (``Built`` literals): a class built
    # by another class's configuration (`eval(self.kind)(config)` on a site's config)
    within: frozenset = field(default=frozenset(), compare=False, hash=False)


@dataclass(frozen=True)
class Instance(Value):
    """A project module that another file's construction site passes (``NMTModel(encoder,
    decoder)`` with ``encoder = RNNEncoder(...)`` built in the site's function): its class and the
    arguments it was built with, rebuilt in the class's own file for the configuration's run."""

    class_key: str  # the class's name in the checked file, or its project key (``pkg.mod:Name``)
    args: tuple = ()
    kwargs: tuple = ()  # ((name, Value), ...)
    node: Any = field(default=None, compare=False, hash=False)  # the construction, in the site's file

    def describe(self, names=None) -> str:  # noqa: ARG002 - the signature of every value's describe
        return f"{self.class_key.rsplit(':', 1)[-1]}(...)"


@dataclass(frozen=True)
class Configuration:
    """A class as one site builds it: the site, and each constructor parameter's value with
    where it comes from (``"passed"`` by the site, the signature's ``"default"``, or
    ``"argparse default, line N"`` for an option's default the site reads)."""

    site: Site
    bindings: tuple = ()  # ((name, Value, origin), ...)

    @property
    def line(self) -> int:
        return self.site.node.lineno

    @property
    def place(self) -> str:
        """``line 86``, or ``train.py:86`` for a site in another file."""
        return f"{self.site.file}:{self.line}" if self.site.file else f"line {self.line}"


@dataclass(frozen=True)
class Namespace(Value):
    """What ``parser.parse_args()`` returns: each option's default (``--emb-dim`` read back as
    ``args.emb_dim``), with the line that declares it; an option the file sets again elsewhere
    is left out (unknown)."""

    defaults: tuple = ()  # ((dest, Value, line), ...)

    def get(self, name: str) -> Value:
        return next((value for dest, value, _ in self.defaults if dest == name), UNKNOWN)

    def describe(self, names=None) -> str:  # noqa: ARG002 - the signature of every value's describe
        return "Namespace(" + ", ".join(dest for dest, _, _ in self.defaults) + ")"


@dataclass(frozen=True)
class Parser(Value):
    """An ``argparse.ArgumentParser``: what its ``parse_args()`` returns is the ``Namespace`` of
    the file that built it, wherever it is parsed (``get_parser().parse_args()`` in another file)."""

    namespace: Value = UNKNOWN

    def describe(self, names=None) -> str:  # noqa: ARG002 - the signature of every value's describe
        return "ArgumentParser"


# calls after which the parsed values may be anything: `vars(args).update(cfg)`, `setattr(args, ...)`
_NAMESPACE_CHANGERS = ("setattr", "update", "load_config", "merge_from_file", "merge_from_list")


def namespace_changes(module: ast.Module) -> tuple[bool, frozenset]:
    """``(opaque, assigned)``: whether the file may change parsed values in ways a reader cannot
    follow (``vars(args).update(...)``, ``setattr``, ``args.__dict__``), and the attributes it
    sets on anything but ``self`` (``args.hidden = 2`` sets the option ``hidden`` again)."""
    assigned: set = set()
    for node in walk(module):
        if isinstance(node, ast.Attribute):
            if node.attr == "__dict__":
                return True, frozenset()
            if isinstance(node.ctx, (ast.Store, ast.Del)) \
                    and not (isinstance(node.value, ast.Name) and node.value.id == "self"):
                assigned.add(node.attr)
        elif isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            if name in _NAMESPACE_CHANGERS:
                return True, frozenset()
    return False, frozenset(assigned)


def unchanged_options(namespace: Value, changes: tuple[bool, frozenset]) -> Value:
    """``namespace`` as a file with ``changes`` (``namespace_changes``) reads it: unknown when the
    file may change it any way, without the options it sets again otherwise."""
    if not isinstance(namespace, Namespace):
        return namespace
    opaque, assigned = changes
    if opaque:
        return UNKNOWN
    return Namespace(tuple(entry for entry in namespace.defaults if entry[0] not in assigned))


def argparse_defaults(module: ast.Module, changes: tuple[bool, frozenset] | None = None) -> tuple:
    """``((dest, default, line), ...)`` of the file's ``add_argument`` calls and
    ``set_defaults``; nothing when the file may change the parsed values in ways a reader
    cannot follow (``vars(args).update(...)``, ``setattr``, ``set_defaults(**cfg)``).
    ``changes``: the file's ``namespace_changes``, when already worked out."""
    found: dict = {}
    conflicting: set = set()
    opaque, assigned = changes if changes is not None else namespace_changes(module)
    if opaque:
        return ()

    def note(dest: str | None, value: Value, line: int, replace: bool = False) -> None:
        if dest is None:
            return
        if dest in found and not replace and found[dest][0] != value:
            conflicting.add(dest)
        found[dest] = (value, line)

    for node in walk(module):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
        if name == "add_argument":
            note(argparse_dest(node), _argument_default(node), node.lineno)
        elif name == "set_defaults":
            if any(keyword.arg is None for keyword in node.keywords):
                return ()
            for keyword in node.keywords:
                value = _literal(keyword.value)
                note(keyword.arg, value if value is not None else UNKNOWN, node.lineno, replace=True)
    return tuple((dest, value, line) for dest, (value, line) in found.items()
                 if dest not in conflicting and dest not in assigned)


def _argument_default(call: ast.Call) -> Value:
    keywords = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg}
    action_node = keywords.get("action")
    action = action_node.value if isinstance(action_node, ast.Constant) else None
    if "default" not in keywords:
        if action == "store_true":
            return Bool(False)
        if action == "store_false":
            return Bool(True)
        return Const(None) if action in (None, "store") and "nargs" not in keywords else UNKNOWN
    default = keywords["default"]
    kind_node = keywords.get("type")
    kind = kind_node.id if isinstance(kind_node, ast.Name) else None
    if isinstance(default, ast.Constant) and isinstance(default.value, str) and kind in ("int", "float"):
        try:  # argparse converts a string default through `type`
            return python_value(int(default.value) if kind == "int" else float(default.value))
        except ValueError:
            return UNKNOWN
    value = _literal(default)
    return value if value is not None else UNKNOWN


def _literal(node: ast.expr) -> Value | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and isinstance(node.operand.value, (int, float)):
        return python_value(-node.operand.value)
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, (bool, int, float, str))):
        return python_value(node.value)
    return None


RECORD_DECORATORS = {"dataclasses.dataclass", "attr.s", "attr.attrs", "attr.define", "attrs.define",
                     "attr.frozen", "attrs.frozen", "attr.mutable", "attrs.mutable"}
RECORD_BASES = {"typing.NamedTuple", "pydantic.BaseModel"}


def record_class_fields(node: ast.ClassDef, imports: ImportTable) -> list | None:
    """``[(field, default or None), ...]`` of a dataclass, attrs class, NamedTuple or pydantic
    model (annotated class attributes, in order); None for another class or one that defines
    its own ``__init__``."""
    decorated = any(imports.resolve(decorator.func if isinstance(decorator, ast.Call) else decorator)
                    in RECORD_DECORATORS for decorator in node.decorator_list)
    based = any(imports.resolve(base) in RECORD_BASES for base in node.bases)
    if not (decorated or based) or any(isinstance(item, ast.FunctionDef) and item.name == "__init__"
                                       for item in node.body):
        return None
    return [(item.target.id, item.value) for item in node.body
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)]


def _is_factory(default: ast.expr) -> bool:
    # `field(default_factory=list)`, `attr.ib(...)`, `Field(...)`: not the value itself
    return isinstance(default, ast.Call)


MAX_CONFIGURATIONS = 4  # distinct sites analysed per class; more stay the class's symbolic run


class ModuleBindings(dict):
    """The module-level names of one file (name -> value), and what the file says of the
    strings a name takes: ``rnn_type == "LSTM"``, ``choices=["LSTM", "GRU"]`` (``domains``:
    the last part of the name -> the strings, in source order)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._domains: dict[str, tuple[str, ...]] = {}
        self._domains_of: ast.Module | None = None  # the module they are read from, when first asked for
        # the module (and its text) whose ``field_layout_changed`` is read when first asked for
        self._field_layout_of: tuple | None = None
        self._field_layout_changed = True
        self.sites: list[Site] = []  # every construction the runs of the file saw
        self.parsed: Value = UNKNOWN  # what `parser.parse_args()` returns in this file
        self.fixtures: dict = {}  # the module's pytest fixtures a test parameter receives: name -> def
        # (prefix, qualified name): `import_module(prefix + name)` is that module (``_sites``)
        self.chosen_module: tuple | None = None
        # the file's tree, and what it may do to parsed options it is given (``namespace_changes``,
        # worked out when first asked)
        self.module: ast.Module | None = None
        self.namespace_changes: tuple | None = None

    def read_options(self, module: ast.Module, imports: ImportTable) -> None:
        """What ``parse_args()`` returns in the file: its options' defaults, when it imports
        argparse; and the file's tree, for how it reads parsed options it is given."""
        self.module = module
        if "argparse" in {qualified.split(".")[0] for qualified in imports.aliases.values()}:
            self.namespace_changes = namespace_changes(module)
            self.parsed = Namespace(argparse_defaults(module, self.namespace_changes))

    @property
    def domains(self) -> dict[str, tuple[str, ...]]:
        if self._domains_of is not None:
            self._domains, self._domains_of = string_domains(self._domains_of), None
        return self._domains

    def read_domains(self, module: ast.Module) -> None:
        """The domains are ``module``'s (``string_domains``), read when first asked for: most
        files never ask."""
        self._domains, self._domains_of = {}, module

    def read_field_layout(self, module: ast.Module, text: str) -> None:
        """``field_layout_changed`` is to be read from ``module`` (of source ``text``), when first
        asked for: only a file that builds a torchtext ``Field`` asks."""
        self._field_layout_of, self._field_layout_changed = (module, text), True

    @property
    def field_layout_changed(self) -> bool:
        """Whether the file may change a torchtext field's layout after building it
        (``_torchtext.changes_field_layout``); until a module is given, it may."""
        if self._field_layout_of is not None:
            self._field_layout_changed = changes_field_layout(*self._field_layout_of)
            self._field_layout_of = None
        return self._field_layout_changed

    def configurations(self, class_name: str, every_site: bool = False) -> list[Site]:
        """The distinct sites of ``class_name`` that pass at least one known value (or, with
        ``every_site``, all of them), first seen first."""
        return self.choose(self.sites, class_name, every_site)

    @staticmethod
    def choose(sites: list, class_name: str | None = None, every_site: bool = False,
               limit: int | None = MAX_CONFIGURATIONS) -> list[Site]:
        """The distinct ``sites`` (of ``class_name`` when given) that pass a known value, or all."""
        chosen: list[Site] = []
        for site in sites:
            if (class_name is None or site.class_name == class_name) and site not in chosen \
                    and (every_site or site.inherited or _passes_known_values(site)):
                chosen.append(site)
        return chosen[:limit]

    def distinct_sites(self, class_name: str) -> list[Site]:
        chosen: list[Site] = []
        for site in self.sites:
            if site.class_name == class_name and site not in chosen:
                chosen.append(site)
        return chosen


def _passes_known_values(site: Site) -> bool:
    for value in [*site.args, *(value for _, value in site.kwargs)]:
        for _, case in cases(value):
            if _is_known(case) or isinstance(case, Instance):
                return True
            # a config object: a record instance or parsed arguments holding known values
            if isinstance(case, Layer) and case.module_class is not None \
                    and not any(isinstance(item, Layer) for _, item in case.module_state) \
                    and any(_is_known(item) for _, item in case.module_state):
                return True
            if isinstance(case, Namespace) and any(_is_known(item) for _, item, _ in case.defaults):
                return True
            if isinstance(case, DictValue) and any(_is_known(item) for _, item in case.items):
                return True
    return False


def _is_known(value: Value) -> bool:
    return isinstance(value, Const) or (isinstance(value, Poly) and value.constant is not None) \
        or (isinstance(value, Bool) and value.truth is not None)


def is_callable_value(value: Value) -> bool:
    """A value that a module-level name may hold for the code below to call or construct."""
    if isinstance(value, (Function, Partial)):
        return True
    if isinstance(value, Ref):
        return value.qualified.startswith("torch.nn.") or value.qualified.startswith("<class>.")
    if isinstance(value, DictValue):
        return bool(value.items) and all(is_callable_value(item) for _, item in value.items)
    return False


def module_functions(body: list, rebound: set, imports: ImportTable, classes: dict) -> dict:
    """The functions defined once at module level, as values; ``builds`` says which construct
    a layer, directly or through another of them."""
    functions = [statement for statement in body
                 if isinstance(statement, ast.FunctionDef) and statement.name not in rebound]
    # each function's body is walked once: whether it builds a layer itself, and the names it calls
    walked = [(function, builds_layers(function, imports, set()), _called_names(function)) for function in functions]
    builders: set = set()
    known = set(classes)
    changed = True
    while changed:
        changed = False
        for function, direct, called in walked:
            if function.name not in builders and (direct or not called.isdisjoint(known | builders)):
                builders.add(function.name)
                changed = True
    return {function.name: Function(key=id(function), node=function, builds=function.name in builders)
            for function in functions}


def imported_functions(bound: Any, defined: dict) -> dict:
    """The functions a file's imports bind from other project files (``Project.bind``), as
    values whose bodies run among the names of their own file; a name the file binds itself wins."""
    if bound is None:
        return {}
    found = {}
    for local, context in bound.function_contexts.items():
        node = bound.functions[local]
        if local not in defined:
            found[local] = Function(key=id(node), node=node, context=context,
                                    builds=builds_layers(node, context.imports, set(context.classes)))
    return found


def _called_names(node: ast.AST) -> set:
    """The plain names ``node`` calls (``helper(...)``)."""
    return {call.func.id for call in walk(node) if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)}


def builds_layers(node: ast.AST, imports: ImportTable, builders: set) -> bool:
    """Whether ``node`` calls a ``torch.nn`` class, ``functools.partial``, ``getattr`` of a
    module, a class of the file or one of ``builders``, or builds or parses an argparse parser
    (``def get_args(): ...; return parser.parse_args()``: the options' defaults): only then can
    inlining it tell more than its arguments do."""
    for call in walk(node):
        if not isinstance(call, ast.Call):
            continue
        function = call.func
        if isinstance(function, ast.Attribute) and function.attr in ("parse_args", "parse_known_args"):
            return True
        if isinstance(function, ast.Name) and function.id in builders:
            return True
        if isinstance(function, ast.Name) and function.id == "getattr" and call.args \
                and _last_name(call.args[0]) == "nn":
            return True
        qualified = imports.resolve(function)
        torchtext = torchtext_name(qualified) if qualified is not None else None
        if torchtext is not None and states_layout(torchtext):
            return True  # a torchtext field or iterator: it states the layout of the batches
        if qualified == "argparse.ArgumentParser":
            return True
        if qualified == PARTIAL or (qualified is not None and qualified.startswith("torch.nn.")
                                    and qualified.count(".") == 2 and qualified[len("torch.nn."):][:1].isupper()):
            return True
    return False


@functools.lru_cache(maxsize=512)  # asked at every call of the function: its body is walked once
def returns_function(node: ast.AST) -> bool:
    """Whether the function ``node`` returns a lambda or a function it defines (a factory of a
    collate function: what it returns is worth knowing, whatever its arguments)."""
    if isinstance(node, ast.Lambda):
        return isinstance(node.body, ast.Lambda)
    nested = {statement.name for statement in getattr(node, "body", ()) if isinstance(statement, ast.FunctionDef)}
    return any(isinstance(child, ast.Return) and (isinstance(child.value, ast.Lambda) or (
        isinstance(child.value, ast.Name) and child.value.id in nested)) for child in walk(node))


def carries_recurrent_values(values: list) -> bool:
    """Whether an argument is (or holds) a layer or what a recurrent layer returned: a helper
    taking it can say something of a recurrent module."""
    for value in values:
        for _, case in cases(value):
            if isinstance(case, (Layer, Function, Partial)):
                return True
            if isinstance(case, (Tensor, Packed)) and case.rnn is not None:
                return True
            if isinstance(case, TupleValue) and (case.rnn is not None or carries_recurrent_values(list(case.items))):
                return True
    return False


def string_domains(module: ast.Module) -> dict[str, tuple[str, ...]]:
    """The strings each name is compared with, or offered by ``choices=[...]``, anywhere in the
    file; a name is keyed by its last part (``args.rnn_type``, ``self.rnn_type``: ``rnn_type``)."""
    domains: dict[str, list[str]] = {}

    def add(name: str | None, values: list) -> None:
        if name is None:
            return
        known = domains.setdefault(name, [])
        for value in values:
            if isinstance(value, str) and value not in known:
                known.append(value)

    for node in walk(module):
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = node.left, node.comparators[0]
            if isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
                for named, other in ((left, right), (right, left)):
                    if isinstance(other, ast.Constant):
                        add(_last_name(named), [other.value])
            elif isinstance(node.ops[0], (ast.In, ast.NotIn)) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
                add(_last_name(left), [item.value for item in right.elts if isinstance(item, ast.Constant)])
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
            choices = next((keyword.value for keyword in node.keywords if keyword.arg == "choices"), None)
            if isinstance(choices, (ast.Tuple, ast.List, ast.Set)):
                add(argparse_dest(node), [item.value for item in choices.elts if isinstance(item, ast.Constant)])
    return {name: tuple(values) for name, values in domains.items() if values}


def module_prefix(node: ast.expr) -> str | None:
    """``"models."`` of ``"models." + name`` or ``f"models.{name}"``: the literal start of a
    computed module name; None for any other expression."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant) \
            and isinstance(node.left.value, str):
        return node.left.value
    if isinstance(node, ast.JoinedStr) and len(node.values) > 1 and isinstance(node.values[0], ast.Constant) \
            and isinstance(node.values[0].value, str):
        return node.values[0].value
    return None


def argparse_dest(call: ast.Call) -> str | None:
    """The attribute ``parser.add_argument(...)`` sets, by argparse's rules: ``dest=`` if given,
    else the first long option (``--emb-dim``: ``emb_dim``), else the first short one."""
    for keyword in call.keywords:
        if keyword.arg == "dest":
            return keyword.value.value if isinstance(keyword.value, ast.Constant) \
                and isinstance(keyword.value.value, str) else None
    options = [arg.value for arg in call.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    if len(options) != len(call.args) or not options:
        return None
    if not options[0].startswith("-"):
        return options[0]  # a positional argument
    chosen = next((option for option in options if option.startswith("--")), options[0])
    return chosen.lstrip("-").replace("-", "_") or None


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


class Program(InterpreterBase):
    """Calls of the file's own functions, lambdas and partials; ``getattr`` of a module."""

    def note_site(self, class_name: str, node: ast.Call, args: list, kwargs: dict, opaque: bool,
                  inherited: bool = False) -> None:
        """A construction of a class of the file, kept for the class's runs per configuration
        (``inherited``: a subclass's ``super().__init__(...)``)."""
        sites = getattr(self.constants, "sites", None)
        if sites is not None and not opaque:
            within = frozenset(literal for literal in self.guard if isinstance(literal[0], Built) and literal[1])
            sites.append(Site(class_name, node, tuple(args), tuple(kwargs.items()), inherited=inherited,
                              read_defaults=self._read_defaults(node), within=within))

    def _read_defaults(self, node: ast.Call) -> tuple:
        """The arguments of ``node`` that are ``args.<dest>`` of the file's parsed options:
        ``((position or keyword, line of the option), ...)``."""
        parsed = getattr(self.constants, "parsed", None)
        if not isinstance(parsed, Namespace):
            return ()
        lines = {dest: line for dest, _, line in parsed.defaults}
        given = [*enumerate(node.args), *((keyword.arg, keyword.value) for keyword in node.keywords
                                          if keyword.arg is not None)]
        return tuple((key, lines[value.attr]) for key, value in given
                     if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name)
                     and lines.get(value.attr, 0) > 0)

    def record_fields(self, info: Any, args: list, kwargs: dict) -> dict | None:
        """``Config(hidden=32)`` of a dataclass, attrs class or NamedTuple of the file, as its
        instance's attributes (``self.hidden``): the fields in order, each given or defaulted;
        None for any other class (its ``__init__`` runs)."""
        fields = record_class_fields(info.node, self.imports)
        if fields is None:
            return None
        state: dict = {}
        remaining = list(args)
        for name, default in fields:
            if remaining:
                state[f"self.{name}"] = remaining.pop(0)
            elif name in kwargs:
                state[f"self.{name}"] = kwargs[name]
            elif default is not None and not _is_factory(default):
                state[f"self.{name}"] = self.eval(default, {})
            else:
                state[f"self.{name}"] = UNKNOWN
        return state

    def parsed_arguments(self, parser: Value = UNKNOWN) -> Value:
        """``parser.parse_args()``: the argparse defaults of the file that built ``parser`` (a
        ``Parser``), or of the file the call is in, when it imports argparse; as the analysed
        file reads them (``namespace_changes``: an option it sets again is unknown)."""
        parsed = parser.namespace if isinstance(parser, Parser) else getattr(self.constants, "parsed", UNKNOWN)
        if not isinstance(parsed, Namespace):
            return parsed
        home = self.home[1]
        if not isinstance(home, ModuleBindings) or home.module is None:
            return parsed
        if home.namespace_changes is None:
            home.namespace_changes = namespace_changes(home.module)
        return unchanged_options(parsed, home.namespace_changes)

    def eval_Lambda(self, node: ast.Lambda, state: dict) -> Value:
        return Function(key=id(node), node=node, closure=state, owner=self.info,
                        builds=builds_layers(node, self.imports, set(self.classes)))

    def define_function(self, statement: ast.FunctionDef, state: dict) -> None:
        """A ``def`` inside a function or method: a name of that scope."""
        state[statement.name] = Function(key=id(statement), node=statement, closure=state, owner=self.info,
                                         builds=builds_layers(statement, self.imports, set(self.classes)))

    def call_program_ref(self, ref: Value, args: list, kwargs: dict, opaque: bool,
                         node: ast.Call | None = None) -> Value | None:
        """``functools.partial(...)`` and ``getattr(module, name)``; None for any other ref."""
        if not isinstance(ref, Ref):
            return None
        if ref.qualified == PARTIAL:
            if opaque or not args:
                return UNKNOWN
            return Partial(args[0], tuple(args[1:]), tuple(kwargs.items()))
        if ref.qualified in DATA_LOADERS:
            return self.data_loader(args, kwargs, opaque)
        torchtext = torchtext_name(ref.qualified)
        if torchtext is not None and node is not None:
            return self.torchtext_call(torchtext, node, args, kwargs, opaque)
        if ref.qualified in ("types.SimpleNamespace", "argparse.Namespace") and not args:
            return UNKNOWN if opaque else Namespace(tuple((name, value, 0) for name, value in kwargs.items()))
        if ref.qualified == "builtins.vars" and len(args) == 1 and isinstance(args[0], Namespace):
            return DictValue(tuple((dest, value) for dest, value, _ in args[0].defaults))
        chosen = getattr(self.constants, "chosen_module", None)
        if ref.qualified == "importlib.import_module" and chosen is not None and node is not None \
                and node.args and module_prefix(node.args[0]) == chosen[0]:
            # the run of a file for the sites of the module this computed name may be: in the
            # world where it is that module (the only one where those sites build its classes)
            return Ref(chosen[1])
        if ref.qualified == "builtins.getattr" and len(args) == 2 and not kwargs and isinstance(args[0], Ref):
            place = f"line {node.lineno}:{node.col_offset}" if node is not None else "getattr"
            return alternatives(
                (guard, self.attribute_named(args[0], case) if not isinstance(case, Member)
                 else replace(case, module=args[0].qualified, name=case.name or place))
                for guard, case in self.named_cases(args[1]))
        return None

    def data_loader(self, args: list, kwargs: dict, opaque: bool) -> Value:
        """``DataLoader(dataset, ..., collate_fn=f)`` with ``f`` a function of the project (a
        lambda, a ``functools.partial`` of one, what a factory returned, a bound method or an
        object with ``__call__``): a ``Loader`` whose batches are what ``f`` returns on samples
        the analysis does not know (its ``pad_sequence`` states the batches' layout). Any other
        loader is unknown: the default collation says nothing of which axis is the batch."""
        collate = kwargs.get("collate_fn", args[COLLATE_POSITION] if len(args) > COLLATE_POSITION else None)
        if opaque or collate is None or self.depth >= MAX_INLINE_DEPTH:
            return UNKNOWN
        self.collating += 1
        try:
            batch = self.collated(collate, [UNKNOWN], {})
        finally:
            self.collating -= 1
        return UNKNOWN if batch == UNKNOWN else Loader(batch)

    def torchtext_call(self, name: str, node: ast.Call, args: list, kwargs: dict, opaque: bool) -> Value:
        """A call of torchtext's legacy data API: a sequential ``Field`` (its ``batch_first``
        states the layout of the padded ids each batch holds for it: a ``PadSequence`` fact at
        the call), a dataset built on named fields, an iterator over one (a ``Loader`` whose
        batches hold the fields' tensors by name). Anything else is unknown."""
        if opaque:
            return UNKNOWN  # `**kwargs` may carry any argument
        if name in FIELDS:
            return self.text_field(node, args, kwargs)
        if name in ITERATORS or name.removesuffix(".splits") in ITERATORS:
            if "batch_first" in kwargs:
                return UNKNOWN  # a layout argument of the iterator's own: not the field's alone
            datasets = args[0] if args else kwargs.get("datasets" if name.endswith(".splits") else "dataset")
            if datasets is None:
                return UNKNOWN
            bptt = name.startswith("BPTTIterator")
            return iterated(datasets, bptt) if name.endswith(".splits") else iterator_over(datasets, bptt)
        fields = dataset_fields(name, args, kwargs)
        if fields is None:
            return UNKNOWN
        return Splits(FieldSet(fields)) if name.endswith(".splits") else FieldSet(fields)

    def text_field(self, node: ast.Call, args: list, kwargs: dict) -> Value:
        """``Field(sequential=True, ..., include_lengths=False, batch_first=False)``: a batch
        holds its ids padded ``(batch, seq)`` with ``batch_first``, else ``(seq, batch)``."""
        given = field_arguments(args, kwargs)
        if given is None or not is_true(given.get("sequential", Bool(True))) \
                or getattr(self.constants, "field_layout_changed", True):
            return UNKNOWN
        explicit = "batch_first" in given
        batch_first = given.get("batch_first", Bool(False))
        if not isinstance(batch_first, Bool) or batch_first.truth is None:
            batch_first = UNKNOWN  # a flag the program decides elsewhere: the layout is not stated
        layout = "" if isinstance(batch_first, Bool) and batch_first.truth is False else \
            f"[batch_first={batch_first.describe()}]"
        tensor = Tensor(key=f"field@{node.lineno}:{node.col_offset}{layout}")
        self.events.append(PadSequence(node, self.guard, tensor, batch_first, explicit))
        return TextField(tensor, given.get("include_lengths", Bool(False)))

    def collated(self, collate: Value, args: list, kwargs: dict) -> Value:
        """What the collate function ``collate`` returns on ``args``; unknown for a callable that
        is not the project's."""
        if isinstance(collate, Partial):
            merged = dict(collate.kwargs)
            merged.update(kwargs)
            return self.collated(collate.target, [*collate.args, *args], merged)
        if isinstance(collate, Function):
            return self.inline(collate, args, kwargs, {})
        if isinstance(collate, Method):
            return self.run_method(collate.name, dict(collate.state), args, kwargs, info=collate.info)
        if isinstance(collate, Layer) and collate.module_class is not None:
            # an object whose class defines `__call__` (and no forward: a module's call is forward)
            info = self.registry.get(collate.module_class) or self.classes.get(collate.module_class)
            if info is not None and self.find_method("forward", info)[0] is None \
                    and self.find_method("__call__", info)[0] is not None:
                return self.run_method("__call__", dict(collate.module_state), args, kwargs, info=info)
        return UNKNOWN

    def bound_method(self, info: ClassInfo | None, name: str, state: Iterable) -> Value:
        """``obj.name`` not called, for ``obj`` an instance of the project class ``info`` with the
        attributes ``state``: the bound method, when ``name`` is a plain method of the class."""
        method, _ = self.find_method(name, info) if info is not None else (None, None)
        if method is None or method.decorator_list:
            return UNKNOWN  # a property, a static or class method: not a method bound to the instance
        return Method(key=id(method), name=name, info=info,
                      state=tuple((key, value) for key, value in state if key.startswith("self.")))

    def named_cases(self, name: Value) -> list:
        """The strings ``name`` may be: a constant, the cases of an alternative, or for a named
        symbol each string the file compares it with or offers as a choice, each under the
        atom ``name == 'string'`` that a branch on it would test (and none of the earlier).
        Any other string is a ``Member`` case (its ``module`` left for the caller to set)."""
        result: list[tuple[frozenset, Value]] = []
        for guard, case in cases(name, self.guard):
            if isinstance(case, Const) and isinstance(case.value, str):
                result.append((guard, case))
                continue
            if isinstance(case, Const):
                result.append((guard, UNKNOWN))  # not a string: getattr raises
                continue
            symbol = case.symbol if isinstance(case, Poly) and not case.is_opaque else None
            domain = self.string_domain(symbol) if symbol is not None else ()
            earlier: frozenset = frozenset()
            for option in domain:
                atom = Relation(symbol or "", "==", repr(option))
                result.append((guard | earlier | {(atom, True)}, Const(option)))
                earlier = earlier | {(atom, False)}
            # a string the file does not show (another file's choices)
            result.append((guard | earlier, Member(name=symbol or "", excluded=domain)))
        return result

    def string_domain(self, symbol: str) -> tuple:
        """The strings the running code's file, and the analysed file, show ``symbol`` takes."""
        key = symbol.rsplit(".", 1)[-1]
        found: list = []
        for constants in (self.constants, self.home[1]):
            for option in getattr(constants, "domains", {}).get(key, ()):
                if option not in found:
                    found.append(option)
        return tuple(found)

    def call_member(self, member: Member, node: ast.Call, args: list, kwargs: dict, opaque: bool,
                    starred: list) -> Value:
        """A torch.nn class the file does not name, called: each recurrent kind its arguments
        fit, each under its opaque condition (any other class raises on them); unknown when the
        arguments fit other classes too."""
        if opaque or member.module != "torch.nn":
            return UNKNOWN
        kinds = [kind for kind in recurrent_kinds_taking(len(args), kwargs) if kind not in member.excluded]
        results: list = []
        earlier: frozenset = frozenset()
        previous = self.guard
        for index, kind in enumerate(kinds):
            # a name that is none of them cannot build with these arguments: the last kind is
            # what remains (a single kind is certain)
            atom = Opaque(f"{member.name} == {kind!r}")
            delta = earlier | {(atom, True)} if index < len(kinds) - 1 else earlier
            earlier = earlier | {(atom, False)}
            merged = merge_guards(previous, delta)
            if merged is None:
                continue
            self.guard = merged
            try:
                results.append((delta, self.call_value(Ref(f"torch.nn.{kind}"), node, args, kwargs, opaque, {},
                                                       starred)))
            finally:
                self.guard = previous
        return alternatives(results) if results else UNKNOWN

    @staticmethod
    def attribute_named(module: Ref, name: Value) -> Value:
        if isinstance(name, Const) and isinstance(name.value, str) and name.value.isidentifier():
            return Ref(f"{module.qualified}.{name.value}")
        return UNKNOWN

    def call_program_value(self, callee: Value, node: ast.Call, args: list, kwargs: dict, opaque: bool,
                           state: dict, starred: list) -> Value | None:
        """A call of a partial or of a function of the file; None for any other callee."""
        if isinstance(callee, Member):
            return self.call_member(callee, node, args, kwargs, opaque, starred)
        if isinstance(callee, Method):
            # a bound method is followed only where a data loader's collate function calls it
            if not self.collating or opaque or self.depth >= MAX_INLINE_DEPTH:
                return UNKNOWN
            return self.run_method(callee.name, dict(callee.state), args, kwargs, info=callee.info)
        if isinstance(callee, Partial):
            merged = dict(callee.kwargs)
            merged.update(kwargs)
            return self.call_value(callee.target, node, [*callee.args, *args], merged, opaque, state, starred)
        if not isinstance(callee, Function):
            return None
        if opaque or self.depth >= MAX_INLINE_DEPTH:
            return UNKNOWN  # `*args` / `**kwargs` of unknown content: any parameter may be set
        if not callee.builds and not self.collating and not returns_function(callee.node) \
                and not carries_recurrent_values([*args, *kwargs.values()]):
            return UNKNOWN  # nothing recurrent goes in or gets built: running it would tell nothing
        return self.inline(callee, args, kwargs, state)

    def inline(self, function: Function, args: list, kwargs: dict, state: dict) -> Value:
        """Run ``function`` on the arguments: its closure and parameters are its names; what it
        sets on ``self`` (a nested function of a method) is set for the caller."""
        node = function.node
        if self.depth == 0 and not self.guard and not args and not kwargs and function.closure is None \
                and function.owner is None and function.context is None and _takes_nothing(node):
            self.whole_calls.add(node)
        local: dict = dict(function.closure) if function.closure is not None else {}
        if function.owner is not None:
            local.update((key, value) for key, value in state.items() if key.startswith("self."))
        if not self.bind_call(node, local, args, kwargs):
            return UNKNOWN
        previous = self.info, self.instance, self.guard
        previous_names = self.imports, self.constants, self.classes
        if function.closure is None:
            # a module-level function: `self` is no name of it, its class attributes none of its
            self.info = self.instance = None
        if function.context is not None:
            context = function.context
            self.imports, self.constants, self.classes = context.imports, context.constants, context.classes
        self.depth += 1
        self.returns.append([])
        try:
            if isinstance(node, ast.Lambda):
                self.returns[-1].append((self.guard, self.eval(node.body, local)))
            else:
                self.exec_block(node.body, local)
        except PathEnds:
            pass
        finally:
            self.depth -= 1
            self.info, self.instance, self.guard = previous
            self.imports, self.constants, self.classes = previous_names
        returned = self.returns.pop()
        if function.owner is not None:
            for key, value in local.items():
                if key.startswith("self."):
                    state[key] = value
        if not returned:
            return Const(None)
        return alternatives(returned)

    def bind_call(self, node: ast.FunctionDef | ast.Lambda, local: dict, args: list, kwargs: dict) -> bool:
        """Bind a call's arguments to the parameters as Python does; False when they do not fit
        (a call that raises, or one whose meaning the analysis cannot tell)."""
        params = node.args
        remaining = list(args)
        extra = dict(kwargs)
        for param, default in positional_parameters(node):  # type: ignore[arg-type]
            name = param.arg
            if remaining:
                local[name] = remaining.pop(0)
                if name in extra:
                    return False
            elif name in extra:
                local[name] = extra.pop(name)
            elif default is not None:
                local[name] = self.eval(default, {})
            else:
                return False
        for param, default in zip(params.kwonlyargs, params.kw_defaults, strict=True):
            name = param.arg
            if name in extra:
                local[name] = extra.pop(name)
            elif default is not None:
                local[name] = self.eval(default, {})
            else:
                return False
        if params.vararg is not None:
            local[params.vararg.arg] = TupleValue(tuple(remaining))
        elif remaining:
            return False
        if params.kwarg is not None:
            local[params.kwarg.arg] = DictValue(tuple(extra.items())) if extra else DictValue(())
        elif extra:
            return False
        return True


def unknown_rest(method: ast.FunctionDef, given: int, kwargs: dict) -> dict:
    """``kwargs`` with every parameter of ``method`` that the ``given`` positional arguments
    (after ``self``) and the keywords leave unset: unknown, for a call with ``*args``/``**kwargs``."""
    rest = dict(kwargs)
    names = [param.arg for param, _ in positional_parameters(method)[1 + given:]]
    names += [param.arg for param in method.args.kwonlyargs]
    for name in names:
        rest.setdefault(name, UNKNOWN)
    return rest


def expanded_keywords(value: Value) -> dict | None:
    """The keywords ``**value`` passes when ``value`` is a dict whose keys are all known."""
    if isinstance(value, DictValue) and all(isinstance(key, str) for key, _ in value.items):
        return dict(value.items)
    return None


def _takes_nothing(node: ast.AST) -> bool:
    """Whether a definition has no parameter at all (``def main():``)."""
    if not isinstance(node, ast.FunctionDef):
        return False
    arguments = node.args
    return not (arguments.posonlyargs or arguments.args or arguments.kwonlyargs or arguments.vararg
                or arguments.kwarg)
