"""The interpreter's state and how a function runs: binding arguments, inlining calls, paths.

Every part of the interpreter (statements, expressions, conditions, calls) builds on this class;
what one part asks of another is declared here.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from . import _tensor_ops as ops
from ._facts import Fact, HeadCall, IndexInt, LayerCall, TensorSubscript
from ._names import ImportTable, dotted_name
from ._symbolic import EMPTY_GUARD, UNKNOWN, Alt, Bool, Const, Omitted, Poly, Value, alternatives, cases, number
from ._values import Layer, ListValue, Loader, Splits, Tensor, TupleValue, python_value

MAX_INLINE_DEPTH = 4
MAX_BRANCH_CASES = 16  # beyond this, an if is split on its text alone
# Expressions nested deeper than this (500 chained `a if c else ...`, 2,000 chained subscripts)
# are unknown: one such expression must not cost the findings of the rest of the file.
MAX_EXPRESSION_NESTING = 100
TORCH_NN = "torch.nn."
MODULE_BASES = {
    "torch.nn.Module", "pytorch_lightning.LightningModule", "lightning.LightningModule",
    "lightning.pytorch.LightningModule", "pl.LightningModule",
}


@dataclass
class ShapeNote:
    """What a forward statement produced, for ``rnnlint shapes``."""

    node: ast.AST
    name: str
    value: Value


@dataclass
class ClassInfo:
    name: str
    node: ast.ClassDef
    methods: dict
    bases: list  # in-file ClassInfo bases
    class_attributes: dict = field(default_factory=dict)
    # class attributes some in-file subclass sets again: placeholders, unknown for this class
    overridden: set = field(default_factory=set)
    # a class from another project file: the context its methods run in, and its unique key
    context: object = None
    key: str = ""
    # called before the class's methods run or its bases are looked up (``Project.use``)
    on_use: object = field(default=None, repr=False, compare=False)


def used(info: ClassInfo) -> ClassInfo:
    """``info``, its summary's imports bound if it is another file's class about to run."""
    if info.on_use is not None:
        info.on_use(info)  # type: ignore[operator]
    return info


class PathEnds(Exception):
    """Internal: a ``return`` (or ``raise``) ends the current straight-line path."""


class InterpreterBase:
    """The state of one interpretation, and how a function runs."""

    # how many of the loops around the current statement are in a pass after their first: a
    # cell's result a statement reads there may be an earlier iteration's (``StepLoop``)
    _later_passes = 0

    def __init__(self, imports: ImportTable, constants: dict, classes: dict, info: ClassInfo | None,
                 registry: dict | None = None):
        self.imports = imports
        self.constants = constants
        self.classes = classes
        self.home = (imports, constants, classes)  # the analysed file's names
        # every class an instance may be of, by ``ClassInfo.key`` (other files' too)
        self.registry = registry if registry is not None else classes
        self.info = info  # the class whose method is running (``super()`` starts above it)
        self.instance = info  # the class of ``self``: its attributes and methods win
        self.events: list[Fact] = []
        self.layers: list[Layer] = []
        self.shape_notes: list[ShapeNote] = []
        # id(expression) -> the names a plain assignment binds it to (`c_n = hidden[-1]`)
        self.bound_names: dict[int, tuple[str, ...]] = {}
        # id(tensor) -> (tensor, the head call on an RNN's state it is the per-layer result of);
        # the tensor is kept so that its id stays its own
        self.head_calls: dict[int, tuple[Tensor, HeadCall]] = {}
        self.recording_shapes = False
        self.guard: frozenset = EMPTY_GUARD
        self.depth = 0
        self.nesting = 0  # expressions being evaluated, one inside the other
        # a data loader's collate function running on a batch: every function of the project it
        # calls runs too (what it returns is the batch), and a bound method may be called
        self.collating = 0
        self.returns: list[list] = []
        self.aliases: dict[str, str] = {}
        self.unspliced: set[int] = set()  # calls a `*args` passes arguments of unknown number to
        self.assumptions: frozenset = EMPTY_GUARD  # configuration asserted (`assert num_layers == 1`)
        # top-level parameters defaulting to None (`batch_first=None`): "keep the class's setting"
        self.none_default_parameters: set = set()
        # top-level parameters with a number as default: name -> that number (a symbol stays a
        # symbol, since callers may pass anything; the default says what the author expects)
        self.parameter_defaults: dict[str, Value] = {}
        # the definitions a call of this interpretation reached (run, or refused at the depth limit
        # or for arguments that do not fit): a method forward reaches is no entry of its own
        self.reached: set[ast.FunctionDef] = set()
        # the file's own parameterless functions this run called from its top level, unguarded:
        # each ran just as a run of its own would (``_program.inline``)
        self.whole_calls: set[ast.FunctionDef] = set()

    def run_method(self, name: str, state: dict, args: list | None = None, kwargs: dict | None = None,
                   info: ClassInfo | None = None) -> Value:
        method, owner = self.find_method(name, info or self.instance or self.info)
        if method is None:
            return UNKNOWN
        previous, self.instance = self.instance, info or self.instance
        try:
            return self.call_function(method, state, args or [], kwargs or {}, bound_self=True, owner=owner)
        finally:
            self.instance = previous

    def record_result(self, event: LayerCall | TensorSubscript, result: Value) -> None:
        """Give a recorded fact the value it produced, once that value is known."""
        for index in range(len(self.events) - 1, -1, -1):
            if self.events[index] is event:
                self.events[index] = replace(event, result=result)
                return

    def head_call_of(self, tensor: Tensor) -> HeadCall | None:
        entry = self.head_calls.get(id(tensor))
        return entry[1] if entry is not None and entry[0] is tensor else None

    def find_method(self, name: str, info: ClassInfo | None) -> tuple:
        for current in method_order(info):
            if name in current.methods:
                return current.methods[name], current
        return None, None

    def call_bound(self, function: ast.FunctionDef, state: dict, args: list, owner: ClassInfo | None, *,
                   guard: frozenset, record_shapes: bool = False) -> Value:
        """A method of the analysed class run on ``args`` where ``guard`` holds (what ``__init__``
        asserted, or the case its caller picks); ``record_shapes``: note what each statement of
        this run produces, for ``rnnlint shapes``."""
        previous = self.guard, self.recording_shapes
        self.guard, self.recording_shapes = guard, record_shapes
        try:
            return self.call_function(function, state, args, {}, bound_self=True, owner=owner)
        finally:
            self.guard, self.recording_shapes = previous

    def forward_arguments(self, forward: ast.FunctionDef) -> list:
        """forward's parameters are tensors of unknown shape unless their default says otherwise."""
        return [self.unbound_argument(param, default) for param, default in positional_parameters(forward)[1:]]

    def unbound_argument(self, param: ast.arg, default: ast.expr | None) -> Value:
        """What a top-level parameter no call in view binds holds: a tensor of unknown shape, or
        for ``=None`` either nothing or such a tensor (``if hidden is None`` tells which), a
        symbol for another default."""
        name = param.arg
        if default is None:
            return Tensor(key=name)
        if isinstance(default, ast.Constant) and default.value is None:
            atom = Omitted(name)
            return Alt(((frozenset({(atom, True)}), Const(None)), (frozenset({(atom, False)}), Tensor(key=name))))
        return self.parameter_symbol(name, param, default)

    def entry_arguments(self, method: ast.FunctionDef) -> tuple[list, dict]:
        """What a method called from outside the class receives when no call in view binds it:
        every parameter as forward's are (a tensor of unknown shape, or for ``=None`` nothing or
        such a tensor, a symbol for another default), keyword-only ones too."""
        kwargs = {param.arg: self.unbound_argument(param, default)
                  for param, default in zip(method.args.kwonlyargs, method.args.kw_defaults, strict=True)}
        return self.forward_arguments(method), kwargs

    def call_entry(self, method: ast.FunctionDef, state: dict, args: list, kwargs: dict, info: ClassInfo, *,
                   guard: frozenset) -> Value:
        """A method of the analysed class run as its callers outside it do, after ``__init__``."""
        _, owner = self.find_method(method.name, info)
        previous = self.guard
        self.guard = guard
        try:
            return self.call_function(method, state, args, kwargs, bound_self=True, owner=owner)
        finally:
            self.guard = previous

    def call_function(self, function: ast.FunctionDef, state: dict, args: list, kwargs: dict,
                      bound_self: bool, owner: ClassInfo | None = None) -> Value:
        self.reached.add(function)
        if self.depth >= MAX_INLINE_DEPTH:
            return UNKNOWN
        if not fits_signature(function, len(args), kwargs, bound_self and not _is_staticmethod(function)):
            return UNKNOWN  # the call raises TypeError: nothing in the body runs
        local = {key: value for key, value in state.items() if key.startswith("self.")}
        self.bind_parameters(function, local, args, kwargs, bound_self and not _is_staticmethod(function))
        previous_info, self.info = self.info, owner or self.info
        previous_guard = self.guard
        # a method runs among the names of the file that defines it
        previous_names = self.imports, self.constants, self.classes
        if owner is not None:
            context = used(owner).context
            self.imports, self.constants, self.classes = self.home if context is None else (
                context.imports, context.constants, context.classes)  # type: ignore[attr-defined]
        self.depth += 1
        self.returns.append([])
        try:
            self.exec_block(function.body, local)
        except PathEnds:
            pass
        finally:
            self.depth -= 1
            self.info = previous_info
            self.guard = previous_guard
            self.imports, self.constants, self.classes = previous_names
        returned = self.returns.pop()
        for key, value in local.items():
            if key.startswith("self."):
                state[key] = value
        if not returned:
            return Const(None)
        return alternatives(returned)

    def bind_parameters(self, function: ast.FunctionDef, local: dict, args: list, kwargs: dict,
                        bound_self: bool) -> None:
        params = function.args
        positional = positional_parameters(function)
        if bound_self and positional:
            positional = positional[1:]
        remaining = list(args)
        for param, default in positional:
            name = param.arg
            if remaining:
                local[name] = remaining.pop(0)
            elif name in kwargs:
                local[name] = kwargs[name]
            elif self.depth == 0 and not args and not kwargs:
                local[name] = self.parameter_symbol(name, param, default)
                if isinstance(default, ast.Constant) and default.value is None:
                    self.none_default_parameters.add(name)
            elif default is not None:
                local[name] = self.eval(default, {})
            else:
                local[name] = UNKNOWN
        for param, default in zip(params.kwonlyargs, params.kw_defaults, strict=True):
            name = param.arg
            if name in kwargs:
                local[name] = kwargs[name]
            elif self.depth == 0 and not args and not kwargs:
                local[name] = self.parameter_symbol(name, param, default)
            elif default is not None:
                local[name] = self.eval(default, {})
            else:
                local[name] = UNKNOWN
        if params.vararg is not None:
            local[params.vararg.arg] = UNKNOWN
        if params.kwarg is not None:
            local[params.kwarg.arg] = UNKNOWN

    def parameter_symbol(self, name: str, param: ast.arg, default: ast.expr | None) -> Value:
        """A top-level parameter is a symbol: callers may pass anything, so defaults are not facts."""
        annotation = param.annotation
        annotated = dotted_name(annotation) if annotation is not None else None
        if annotated in ("torch.Tensor", "Tensor") \
                or (annotation is not None and self._is_tensor_annotation(annotation)):
            return Tensor(key=name)
        if annotated == "bool" or (isinstance(default, ast.Constant) and isinstance(default.value, bool)):
            return Bool(atom=name)
        if isinstance(default, ast.Constant) and isinstance(default.value, (int, float)):
            value = python_value(default.value)
            # the same name with another default elsewhere in the scope: no one default
            known = self.parameter_defaults.setdefault(name, value)
            if known != value:
                self.parameter_defaults[name] = UNKNOWN
        return Poly.atom(name)

    def _is_tensor_annotation(self, annotation: ast.expr) -> bool:
        if isinstance(annotation, ast.Subscript):
            return self._is_tensor_annotation(annotation.value)
        qualified = self.imports.resolve(annotation)
        return qualified in ("torch.Tensor", "torch.FloatTensor", "torch.LongTensor") or (
            qualified is not None and qualified.startswith("jaxtyping.")
        )

    def guarded_map(self, function: Callable[..., Value], *values: Value) -> Value:
        """Like ``map_cases``, with events recorded under each case's guard."""
        previous = self.guard
        if not any(isinstance(value, Alt) for value in values):  # one combination, under the current guard
            try:
                result = function(*values)
            finally:
                self.guard = previous
            return alternatives(((EMPTY_GUARD, result),))
        combos: list = [(self.guard, [])]
        for value in values:
            combos = [(case_guard, items + [case])
                      for guard, items in combos for case_guard, case in cases(value, guard)]
        results = []
        try:
            for guard, items in combos:
                self.guard = guard
                results.append((guard - previous, function(*items)))
        finally:
            self.guard = previous
        return alternatives(results)

    def exec_block(self, statements: list, state: dict) -> None:
        raise NotImplementedError  # in Statements

    def define_function(self, statement: ast.FunctionDef, state: dict) -> None:
        raise NotImplementedError  # in Program

    def call_program_value(self, callee: Value, node: ast.Call, args: list, kwargs: dict, opaque: bool,
                           state: dict, starred: list) -> Value | None:
        raise NotImplementedError  # in Program

    def call_program_ref(self, ref: Value, args: list, kwargs: dict, opaque: bool,
                         node: ast.Call | None = None) -> Value | None:
        raise NotImplementedError  # in Program

    def note_site(self, class_name: str, node: ast.Call, args: list, kwargs: dict, opaque: bool,
                  inherited: bool = False) -> None:
        raise NotImplementedError  # in Program

    def parsed_arguments(self, parser: Value = UNKNOWN) -> Value:
        raise NotImplementedError  # in Program

    def bound_method(self, info: ClassInfo | None, name: str, state: Iterable) -> Value:
        raise NotImplementedError  # in Program

    def record_fields(self, info: ClassInfo, args: list, kwargs: dict) -> dict | None:
        raise NotImplementedError  # in Program

    def call_value(self, callee: Value, node: ast.Call, args: list, kwargs: dict, opaque: bool, state: dict,
                   starred: list) -> Value:
        raise NotImplementedError  # in Calls

    def branch_cases(self, condition: Value, test: ast.expr) -> list:
        raise NotImplementedError  # in Conditions

    def assign(self, target: ast.expr, value: Value, state: dict) -> None:
        raise NotImplementedError  # in Statements

    def condition(self, expression: ast.expr, state: dict) -> Value:
        raise NotImplementedError  # in Conditions

    def eval(self, node: ast.expr | None, state: dict) -> Value:
        raise NotImplementedError  # in Expressions

    def shape_of(self, tensor: Tensor) -> Value:
        raise NotImplementedError  # in Expressions

    def _named_dim(self, tensor: Tensor, index: int) -> Value:
        raise NotImplementedError  # in Expressions

    def _has_class_attribute(self, attribute: str) -> bool:
        raise NotImplementedError  # in Expressions

    def _class_attribute(self, attribute: str) -> Value:
        raise NotImplementedError  # in Expressions

    def binary(self, left: Value, right: Value, operator: ast.AST) -> Value:
        raise NotImplementedError  # in Expressions


def method_order(info: ClassInfo | None) -> list[ClassInfo]:
    """The classes an attribute of ``info`` is looked up in, in Python's order (C3, as
    ``type.__mro__``), over the bases the project defines; a hierarchy C3 cannot order (Python
    refuses to create the class) falls back to the bases breadth first."""
    if info is None:
        return []
    linear = _c3(info, ())
    if linear is not None:
        return linear
    chain: list[ClassInfo] = []
    pending = [info]
    while pending:
        current = pending.pop(0)
        if all(current is not known for known in chain):
            chain.append(current)
            pending.extend(_declared_bases(current))
    return chain


def _c3(info: ClassInfo, visiting: tuple) -> list[ClassInfo] | None:
    if any(info is known for known in visiting) or len(visiting) > 64:
        return None  # a cycle (a name bound twice), or absurdly deep: no order
    bases = _declared_bases(info)
    sequences = []
    for base in bases:
        linear = _c3(base, (*visiting, info))
        if linear is None:
            return None
        sequences.append(linear)
    sequences.append(list(bases))
    result = [info]
    while any(sequences):
        sequences = [sequence for sequence in sequences if sequence]
        for sequence in sequences:
            head = sequence[0]
            if not any(any(head is item for item in other[1:]) for other in sequences):
                break
        else:
            return None
        result.append(head)
        sequences = [sequence[1:] if sequence[0] is head else sequence for sequence in sequences]
    return result


def _declared_bases(info: ClassInfo) -> list[ClassInfo]:
    """``info.bases`` in the order the class statement names them (a base found in another file
    is added later than the file's own)."""
    written = [base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else ""
               for base in info.node.bases]

    def position(base: ClassInfo) -> int:
        return written.index(base.name) if base.name in written else len(written)

    return sorted(used(info).bases, key=position)


def _is_staticmethod(function: ast.FunctionDef) -> bool:
    """``@staticmethod``: called through ``self``, it takes no ``self`` parameter."""
    return any(isinstance(decorator, ast.Name) and decorator.id == "staticmethod"
               for decorator in function.decorator_list)


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def fits_signature(function: ast.FunctionDef, given: int, kwargs: dict, bound_self: bool) -> bool:
    """Whether ``given`` positional arguments and the keywords named in ``kwargs`` can bind to
    ``function``'s parameters; False only where Python raises ``TypeError`` for the arguments
    written (too many positional ones, a keyword no parameter takes, a parameter given twice).
    Arguments ``*args``/``**kwargs`` may add are not judged."""
    params = function.args
    positional = [param.arg for param in [*params.posonlyargs, *params.args]]
    if bound_self and positional:
        positional = positional[1:]
    if params.vararg is None and given > len(positional):
        return False
    named = {param.arg for param in params.args} | {param.arg for param in params.kwonlyargs}
    if bound_self and params.args and not params.posonlyargs:
        named.discard(params.args[0].arg)
    for keyword in kwargs:
        if keyword in positional[:given]:
            return False
        if keyword not in named and params.kwarg is None:
            return False
    return True


def positional_parameters(function: ast.FunctionDef) -> list:
    """``(parameter, default or None)`` for each positional parameter: the defaults given belong
    to the last ones."""
    positional = list(function.args.posonlyargs) + list(function.args.args)
    defaults = [None] * (len(positional) - len(function.args.defaults)) + list(function.args.defaults)
    return list(zip(positional, defaults, strict=True))


def _loop_item(iterable: Value) -> Value:
    if isinstance(iterable, Loader):
        return iterable.batch
    if isinstance(iterable, Splits):
        return iterable.item
    if isinstance(iterable, TupleValue) and iterable.items \
            and all(item == iterable.items[0] for item in iterable.items):
        return iterable.items[0]
    if isinstance(iterable, ListValue):
        return iterable.item
    if isinstance(iterable, Layer) and iterable.kind in ("ModuleList", "Sequential") and iterable.items:
        first = iterable.items[0]
        if all(item == first for item in iterable.items):
            return first
    if isinstance(iterable, Layer) and iterable.kind == "ModuleList" and iterable.items is None:
        return iterable.element
    if isinstance(iterable, Tensor):
        # iterating a tensor walks its first axis
        return ops.index_tensor(iterable, (IndexInt(number(0)),)) if iterable.shape else Tensor()
    return UNKNOWN


def _first_item(iterable: Value) -> Value:
    """What the first iteration over ``iterable`` binds (a number stays unknown: an index that
    walks the batch is no constant index)."""
    if isinstance(iterable, TupleValue) and iterable.items and not isinstance(iterable.items[0], Poly):
        return iterable.items[0]
    if isinstance(iterable, ListValue) and iterable.first is not None:
        return iterable.first
    if isinstance(iterable, Layer) and iterable.kind in ("ModuleList", "Sequential"):
        if iterable.items:
            return iterable.items[0]
        if iterable.items is None and iterable.first is not None:
            return iterable.first
    return _loop_item(iterable)
