"""An abstract interpreter for ``__init__`` and ``forward``: symbolic values, no execution.

It walks statements once, keeps guarded alternatives where branches differ, and records
events (layer calls, recurrent calls, indexing, reshapes) for the rules to judge.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from .. import _pytorch, _shapes
from .._source import text_of
from . import _tensor_ops as ops
from ._facts import (
    Fact,
    IndexEllipsis,
    IndexInt,
    IndexItem,
    IndexKey,
    IndexNone,
    IndexSlice,
    IndexTensor,
    LayerCall,
    Pack,
    Pad,
    Reduce,
    Reshape,
    Return,
    RnnCall,
    TensorOp,
    TensorSubscript,
    TupleSubscript,
    Unpack,
)
from ._names import ImportTable, argument, argument_value, dotted_name
from ._symbolic import (
    EMPTY_GUARD,
    OPAQUE_CONDITION,
    UNKNOWN,
    Alt,
    Bool,
    Const,
    Poly,
    Unknown,
    Value,
    alternatives,
    as_int,
    case_truth,
    cases,
    map_cases,
    merge_guards,
    number,
    truth,
)
from ._values import (
    LAYER_PARAMETERS,
    RNN_KINDS,
    DictValue,
    Layer,
    ListValue,
    Packed,
    Ref,
    ShapeValue,
    Tensor,
    TupleValue,
    python_value,
    rnn_configs,
)

MAX_INLINE_DEPTH = 4
MAX_BRANCH_CASES = 16  # beyond this, an if is split on its text alone
TORCH_NN = "torch.nn."
MODULE_BASES = {
    "torch.nn.Module", "pytorch_lightning.LightningModule", "lightning.LightningModule",
    "lightning.pytorch.LightningModule", "pl.LightningModule",
}
PACK = "torch.nn.utils.rnn.pack_padded_sequence"
PAD = "torch.nn.utils.rnn.pad_packed_sequence"


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


class PathEnds(Exception):
    """Internal: a ``return`` (or ``raise``) ends the current straight-line path."""


class Interpreter:
    """Interprets the methods of one class (or module-level code) over abstract values."""

    def __init__(self, imports: ImportTable, constants: dict, classes: dict, info: ClassInfo | None):
        self.imports = imports
        self.constants = constants
        self.classes = classes
        self.info = info  # the class whose method is running (``super()`` starts above it)
        self.instance = info  # the class of ``self``: its attributes and methods win
        self.events: list[Fact] = []
        self.layers: list[Layer] = []
        self.shape_notes: list[ShapeNote] = []
        # id(expression) -> the names a plain assignment binds it to (`c_n = hidden[-1]`)
        self.bound_names: dict[int, tuple[str, ...]] = {}
        self.recording_shapes = False
        self.guard: frozenset = EMPTY_GUARD
        self.depth = 0
        self.returns: list[list] = []
        self.aliases: dict[str, str] = {}
        self.assumptions: frozenset = EMPTY_GUARD  # configuration asserted (`assert num_layers == 1`)

    # --- entry points -------------------------------------------------------------------------

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

    def find_method(self, name: str, info: ClassInfo | None) -> tuple:
        seen = set()
        pending = [info] if info else []
        while pending:
            current = pending.pop(0)
            if current is None or current.name in seen:
                continue
            seen.add(current.name)
            if name in current.methods:
                return current.methods[name], current
            pending.extend(current.bases)
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
        args: list = []
        for param, default in positional_parameters(forward)[1:]:
            name = param.arg
            if default is None:
                args.append(Tensor(key=name))
            elif isinstance(default, ast.Constant) and default.value is None:
                # `hidden=None`: either nothing or a tensor, and `if hidden is None` tells which
                atom = f"{name} is None"
                args.append(Alt(((frozenset({(atom, True)}), Const(None)),
                                 (frozenset({(atom, False)}), Tensor(key=name)))))
            else:
                args.append(self.parameter_symbol(name, param, default))
        return args

    def call_function(self, function: ast.FunctionDef, state: dict, args: list, kwargs: dict,
                      bound_self: bool, owner: ClassInfo | None = None) -> Value:
        if self.depth >= MAX_INLINE_DEPTH:
            return UNKNOWN
        local = {key: value for key, value in state.items() if key.startswith("self.")}
        self.bind_parameters(function, local, args, kwargs, bound_self and not _is_staticmethod(function))
        previous_info, self.info = self.info, owner or self.info
        previous_guard = self.guard
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
        returned = self.returns.pop()
        for key, value in local.items():
            if key.startswith("self."):
                state[key] = value
        if not returned:
            return Const(None)
        return alternatives(returned)

    def bind_parameters(self, function: ast.FunctionDef, local: dict, args: list, kwargs: dict, bound_self: bool) -> None:
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
            elif default is not None:
                local[name] = self.eval(default, {})
            else:
                local[name] = UNKNOWN
        for param, default in zip(params.kwonlyargs, params.kw_defaults):
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
        if annotated in ("torch.Tensor", "Tensor") or (annotation is not None and self._is_tensor_annotation(annotation)):
            return Tensor(key=name)
        if annotated == "bool" or (isinstance(default, ast.Constant) and isinstance(default.value, bool)):
            return Bool(atom=name)
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
        combos: list = [(self.guard, [])]
        for value in values:
            combos = [(case_guard, items + [case]) for guard, items in combos for case_guard, case in cases(value, guard)]
        results = []
        previous = self.guard
        try:
            for guard, items in combos:
                self.guard = guard
                results.append((guard - previous, function(*items)))
        finally:
            self.guard = previous
        return alternatives(results)

    # --- statements ---------------------------------------------------------------------------

    def exec_block(self, statements: list, state: dict) -> None:
        for statement in statements:
            self.exec_statement(statement, state)

    def exec_statement(self, statement: ast.stmt, state: dict) -> None:
        if isinstance(statement, ast.If):
            self.exec_if(statement, state)
        elif isinstance(statement, (ast.For, ast.While)):
            self.exec_loop(statement, state)
        elif isinstance(statement, ast.With):
            for item in statement.items:
                value = self.eval(item.context_expr, state)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, UNKNOWN if isinstance(value, Layer) else value, state)
            self.exec_block(statement.body, state)
        elif isinstance(statement, _TRY_STATEMENTS):
            self.exec_block(statement.body, state)
        elif isinstance(statement, ast.FunctionDef):
            state[statement.name] = UNKNOWN
        else:
            self.exec_small(statement, state)

    def exec_small(self, small: ast.stmt, state: dict) -> None:
        if isinstance(small, ast.Assign):
            self.note_bindings(small.targets, small.value)
            value = self.eval(small.value, state)
            for target in small.targets:
                self.learn_rank(target, small.value, state)
                self.assign(target, value, state)
                self.note_shape(target, value, small)
        elif isinstance(small, ast.AnnAssign):
            if small.value is not None:
                self.note_bindings([small.target], small.value)
                value = self.eval(small.value, state)
                self.assign(small.target, value, state)
                self.note_shape(small.target, value, small)
        elif isinstance(small, ast.AugAssign):
            current = self.eval(small.target, state)
            operand = self.eval(small.value, state)
            result = self.binary(current, operand, small.op)
            self.assign(small.target, result, state)
        elif isinstance(small, ast.Expr):
            self.eval(small.value, state)
        elif isinstance(small, ast.Return):
            value = self.eval(small.value, state) if small.value is not None else Const(None)
            if self.returns:
                self.returns[-1].append((self.guard, value))
            # `forward`: what the analysed module's forward hands back to its callers
            self.events.append(Return(small, self.guard, value, forward=self.recording_shapes and self.depth == 1))
            self.note_shape(None, value, small)
            raise PathEnds()
        elif isinstance(small, ast.Raise):
            raise PathEnds()
        elif isinstance(small, ast.Assert):
            # `assert self.num_layers == 1`: what follows runs only where it holds
            condition = self.condition(small.test, state)
            holding = [guard for guard, taken in self.branch_cases(condition, small.test) if taken]
            if not holding:
                raise PathEnds()
            if len(holding) == 1 and not any(atom.startswith(OPAQUE_CONDITION) for atom, _ in holding[0]):
                self.assumptions |= holding[0] - self.guard  # `__init__`'s hold in forward too
                self.guard = holding[0]

    def note_bindings(self, targets: list[ast.expr], value: ast.expr) -> None:
        """Which names each expression is assigned to, element by element for a tuple assigned
        to a tuple of names (``h, c = hidden[0], hidden[-1]``)."""
        pairs = [(target, value) for target in targets]
        while pairs:
            target, expression = pairs.pop()
            if isinstance(target, ast.Name):
                known = self.bound_names.get(id(expression), ())
                if target.id not in known:
                    self.bound_names[id(expression)] = known + (target.id,)
            elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(expression, (ast.Tuple, ast.List)) \
                    and len(target.elts) == len(expression.elts) \
                    and not any(isinstance(element, ast.Starred) for element in target.elts + expression.elts):
                pairs.extend(zip(target.elts, expression.elts))

    def learn_rank(self, target: ast.expr, value: ast.expr, state: dict) -> None:
        """``batch, seq = x.shape`` tells the rank of ``x``: give its axes names from then on."""
        if not isinstance(target, (ast.Tuple, ast.List)):
            return
        if any(isinstance(element, ast.Starred) for element in target.elts):
            return
        source = value
        if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) and source.func.attr == "size" \
                and not source.args and not source.keywords:
            source = source.func.value
        elif isinstance(source, ast.Attribute) and source.attr == "shape":
            source = source.value
        else:
            return
        name = dotted_name(source)
        tensor = state.get(name) if name is not None else None
        if isinstance(tensor, Tensor) and tensor.shape is None and tensor.key is not None:
            state[name] = ops.with_rank(tensor, len(target.elts)) if not isinstance(tensor.feature, Unknown) \
                else Tensor(shape=tuple(Poly.atom(f"{tensor.key}.shape[{i}]") for i in range(len(target.elts))),
                            rnn=tensor.rnn, key=tensor.key)

    def note_shape(self, target: ast.AST | None, value: Value, node: ast.AST) -> None:
        if not self.recording_shapes:
            return
        if any(isinstance(case, (Tensor, TupleValue, Packed)) for _, case in cases(value)):
            name = "return" if target is None else text_of(target)
            self.shape_notes.append(ShapeNote(node, name, value))

    def exec_if(self, statement: ast.If, state: dict) -> None:
        condition = self.condition(statement.test, state)
        continuing = []  # (guard, state) of the paths that go on after the if
        for guard, taken in self.branch_cases(condition, statement.test):
            branch_state = dict(state)
            body = statement.body if taken else (statement.orelse or None)
            returned = self.exec_guarded(body, branch_state, guard) if body is not None else False
            if not returned:
                continuing.append((guard, branch_state))
        if not continuing:
            raise PathEnds()
        if len(continuing) == 1:
            guard, only = continuing[0]
            state.clear()
            state.update(only)
            self.guard = guard  # what follows runs only where this branch ran
            return
        self.merge_into(state, continuing)

    def branch_cases(self, condition: Value, test: ast.expr) -> list:
        """``(guard, taken)`` for each way ``if test`` can go under the current path."""
        outcomes = []
        for guard, case in cases(condition, self.guard):
            case_truth = _branch_truth(case)
            if case_truth is None:
                atom = OPAQUE_CONDITION + text_of(test)
                for truth in (True, False):
                    merged = merge_guards(guard, frozenset({(atom, truth)}))
                    if merged is not None:
                        outcomes.append((merged, truth))
            else:
                outcomes.append((guard, case_truth))
        if len(outcomes) > MAX_BRANCH_CASES:
            atom = OPAQUE_CONDITION + text_of(test)
            outcomes = [(merge_guards(self.guard, frozenset({(atom, truth)})), truth) for truth in (True, False)]
        return [(guard, taken) for guard, taken in outcomes if guard is not None]

    def exec_guarded(self, body: Any, state: dict, guard: frozenset) -> bool:
        """Run a branch under ``guard``; True when every path through it returned."""
        previous = self.guard
        self.guard = guard
        try:
            self.exec_block(body, state)
        except PathEnds:
            return True
        finally:
            self.guard = previous
        return False

    def merge_into(self, state: dict, branches: list) -> None:
        """Join the states of several paths into guarded alternatives."""
        keys = set()
        for _, branch_state in branches:
            keys |= set(branch_state)
        state.clear()
        for key in keys:
            values = [(guard, branch_state.get(key, UNKNOWN)) for guard, branch_state in branches]
            first = values[0][1]
            if all(value == first and _same_layer_identity(value, first) for _, value in values):
                state[key] = first
            else:
                state[key] = alternatives([(guard - self.guard, value) for guard, value in values])

    def exec_loop(self, statement: ast.For | ast.While, state: dict) -> None:
        before = dict(state)
        self._loop_pass(statement, state, first=True)
        # later iterations start where the first one ended; what they do is recorded when one more
        # iteration leaves every variable as it found it (`in_dim = 2 * hidden` after the first)
        later = dict(state)
        recorded = len(self.events), len(self.layers), len(self.shape_notes)
        self._loop_pass(statement, later, first=False)
        settled = _settled(state, later, _target_names(statement.target) if isinstance(statement, ast.For) else set())
        if not settled:
            del self.events[recorded[0]:], self.layers[recorded[1]:]
        del self.shape_notes[recorded[2]:]
        # the loop may run any number of times: a variable it changes is known only if unchanged
        joined = {key: _join_loop(before.get(key, UNKNOWN), value) for key, value in state.items()}
        # a second, silent pass from the joined state: a list or ModuleList filled in the loop keeps
        # its element only if later iterations append the same thing (`in_dim` may change)
        second = dict(joined)
        recorded = len(self.events), len(self.layers), len(self.shape_notes)
        self._loop_pass(statement, second, first=False)
        del self.events[recorded[0]:], self.layers[recorded[1]:], self.shape_notes[recorded[2]:]
        for key, value in joined.items():
            grown = _grown_module_list(before.get(key), state.get(key), later.get(key) if settled else None)
            state[key] = grown if grown is not None else _agreeing_collection(value, second.get(key, UNKNOWN))
        if statement.orelse:
            self.exec_block(statement.orelse, state)

    def _loop_pass(self, statement: ast.For | ast.While, state: dict, first: bool) -> None:
        before = dict(state)
        if isinstance(statement, ast.For):
            iterable = self.eval(statement.iter, state)
            self.assign(statement.target, _first_item(iterable) if first else _loop_item(iterable), state)
        else:
            self.condition(statement.test, state)
        previous_guard = self.guard
        try:
            self.exec_block(statement.body, state)
        except PathEnds:
            state.clear()
            state.update(before)
        finally:
            self.guard = previous_guard  # an early `continue`/`return` path ends with the loop

    # --- assignment ---------------------------------------------------------------------------

    def assign(self, target: ast.expr, value: Value, state: dict, node: ast.AST | None = None) -> None:
        if isinstance(target, ast.Name):
            state[target.id] = value
        elif isinstance(target, ast.Attribute) and _is_self(target.value):
            if isinstance(value, Layer):
                value = value.with_name(f"self.{target.attr}")
                self._rename_layer(value)
            elif isinstance(value, Alt):
                value = alternatives((g, v.with_name(f"self.{target.attr}") if isinstance(v, Layer) else v)
                                     for g, v in value.cases)
            state[f"self.{target.attr}"] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            elements = target.elts
            starred = any(isinstance(element, ast.Starred) for element in elements)
            if not starred:
                self.record_unpack(target, value)
            for index, element in enumerate(elements):
                if starred:
                    self.assign(_element_target(element), UNKNOWN, state)
                    continue
                item = map_cases(lambda v, i=index, n=len(elements): _unpack_item(v, i, n), value)
                self.assign(element, item, state)
        elif isinstance(target, ast.Subscript):
            base = self.eval(target.value, state)
            if isinstance(base, (ListValue, TupleValue, DictValue)):
                name = dotted_name(target.value)
                if name in state:
                    state[name] = UNKNOWN if isinstance(base, DictValue) else ListValue(UNKNOWN)
        elif isinstance(target, ast.Attribute):
            # `self.lstm.batch_first = True` after construction: the module reads it at every call
            owner = dotted_name(target.value)
            if owner is not None and owner in state:
                state[owner] = map_cases(lambda case: _with_attribute(case, target.attr, value), state[owner])

    def _rename_layer(self, layer: Layer) -> None:
        for index, known in enumerate(self.layers):
            if known.node is layer.node and not known.name:
                self.layers[index] = layer

    def record_unpack(self, target: ast.expr, value: Value) -> None:
        for guard, case in cases(value, self.guard):
            if isinstance(case, (Tensor, TupleValue)) and getattr(case, "rnn", None) is not None:
                self.events.append(Unpack(target, guard, case, len(target.elts)))

    # --- expressions ---------------------------------------------------------------------------

    def condition(self, expression: ast.expr, state: dict) -> Value:
        """A value in a boolean context: symbols become named conditions."""
        value = self.eval(expression, state)
        return map_cases(_as_condition, value)

    def eval(self, node: ast.expr | None, state: dict) -> Value:
        if node is None:
            return UNKNOWN
        method = getattr(self, f"eval_{type(node).__name__}", None)
        if method is None:
            return UNKNOWN
        return method(node, state)

    def eval_Constant(self, node: ast.Constant, state: dict) -> Value:
        value = node.value
        if isinstance(value, bool):
            return Bool(value)
        if isinstance(value, (int, float)):
            return number(value)
        if value is None or isinstance(value, (str, bytes)) or value is Ellipsis:
            return Const(value)
        return UNKNOWN  # complex

    def eval_Name(self, node: ast.Name, state: dict) -> Value:
        name = node.id
        if name in state:
            return state[name]
        qualified = self.imports.resolve(node)
        if qualified is not None:
            return Ref(qualified)
        if name in self.constants:
            return self.constants[name]
        if name in self.classes:
            return Ref(f"<class>.{name}")
        if name in ("len", "int", "range", "isinstance", "getattr", "max", "min", "sum", "float", "list",
                    "tuple", "zip", "enumerate", "hasattr", "abs", "round", "super", "dict", "print", "sorted",
                    "reversed", "bool", "str", "type", "next", "iter"):
            return Ref(f"builtins.{name}")
        return UNKNOWN

    def eval_Attribute(self, node: ast.Attribute, state: dict) -> Value:
        attribute = node.attr
        if _is_self(node.value):
            key = f"self.{attribute}"
            if key in state:
                return state[key]
            class_value = self._class_attribute(attribute)
            if attribute == "training" and isinstance(class_value, Unknown) and self.info is not None:
                # nn.Module's mode flag: either way is a configuration the model runs in
                return Bool(atom="self.training")
            return class_value
        qualified = self.imports.resolve(node)
        if qualified is not None and not isinstance(node.value, ast.Call):
            base_name = dotted_name(node.value)
            if base_name is not None and base_name.split(".")[0] not in state:
                return Ref(qualified)
        base = self.eval(node.value, state)
        return map_cases(lambda case: self.attribute_of(case, attribute, node), base)

    def _class_attribute(self, attribute: str) -> Value:
        start = self.instance or self.info
        if start is not None and attribute in start.overridden:
            return UNKNOWN  # `N_FEATURES = 0` in an abstract base: each subclass says the real value
        pending = [start] if start else []
        while pending:
            current = pending.pop(0)
            if attribute in current.class_attributes:
                return current.class_attributes[attribute]
            pending.extend(current.bases)
        return UNKNOWN

    def attribute_of(self, base: Value, attribute: str, node: ast.Attribute) -> Value:
        if isinstance(base, Tensor):
            if attribute == "shape":
                return self.shape_of(base)
            if attribute in ("T", "mT") and base.shape is not None and len(base.shape) == 2:
                return ops.transpose(base, number(0), number(1))
            if attribute in ("data", "real"):
                return base
            return UNKNOWN
        if isinstance(base, TupleValue) and base.origin is None and len(base.items) == 2 \
                and attribute in ("values", "indices"):
            return base.items[0 if attribute == "values" else 1]  # `x.max(dim=1).values`
        if isinstance(base, Layer) and base.module_class is not None:
            # `self.encoder.hidden_size` of an in-file module: what its __init__ stored
            return dict(base.module_state).get(f"self.{attribute}", UNKNOWN)
        if isinstance(base, Layer):
            if base.kind in RNN_KINDS or base.kind in LAYER_PARAMETERS:
                value = base.param(attribute)
                if not isinstance(value, Unknown):
                    return value
            if attribute.startswith("weight") or attribute.startswith("bias"):
                return Tensor()
            return UNKNOWN
        if isinstance(base, Poly) and not base.is_opaque and base.symbol is not None:
            # config.hidden_size: an attribute of a symbol is a symbol of its own
            return Poly.atom(f"{base.symbol}.{attribute}")
        if isinstance(base, Bool) and base.atom is not None:
            return Poly.atom(f"{base.atom}.{attribute}")
        if isinstance(base, Ref):
            return Ref(f"{base.qualified}.{attribute}")
        if isinstance(base, Packed) and attribute == "data":
            return Tensor(shape=(UNKNOWN, base.feature))
        return UNKNOWN

    def shape_of(self, tensor: Tensor) -> Value:
        if tensor.shape is None:
            if tensor.key is None:
                return UNKNOWN
            return ShapeValue((), key=tensor.key)  # the rank is learnt when it is unpacked
        return ShapeValue(tuple(self._named_dim(tensor, index) for index in range(len(tensor.shape))))

    def _named_dim(self, tensor: Tensor, index: int) -> Value:
        value = tensor.shape[index]
        if isinstance(value, Unknown) and tensor.key is not None:
            return Poly.atom(f"{tensor.key}.shape[{index}]")
        return value

    def eval_Subscript(self, node: ast.Subscript, state: dict) -> Value:
        base = self.eval(node.value, state)
        index = node.slice
        elements = index.elts if isinstance(index, ast.Tuple) and index.elts else [index]
        items = tuple(self.index_item(element, state) for element in elements)
        return self.guarded_map(lambda case: self.subscript(case, items, node), base)

    def index_item(self, value: ast.expr, state: dict) -> IndexItem:
        if isinstance(value, ast.Slice):
            return IndexSlice(self._optional(value.lower, state), self._optional(value.upper, state),
                              self._optional(value.step, state))
        if isinstance(value, ast.Constant) and value.value is None:
            return IndexNone()
        if isinstance(value, ast.Constant) and value.value is Ellipsis:
            return IndexEllipsis()
        evaluated = self.eval(value, state)
        if isinstance(evaluated, (Tensor, ListValue, TupleValue)):
            return IndexTensor()
        if isinstance(evaluated, Poly):
            return IndexInt(evaluated)
        return IndexInt(UNKNOWN) if not isinstance(evaluated, Const) else IndexKey(evaluated)

    def _optional(self, node: ast.expr | None, state: dict) -> Value | None:
        return None if node is None else self.eval(node, state)

    def subscript(self, base: Value, items: tuple[IndexItem, ...], node: ast.Subscript) -> Value:
        single = items[0] if len(items) == 1 else None
        if isinstance(base, Tensor):
            self.events.append(TensorSubscript(node, self.guard, base, items))
            result = ops.index_tensor(base, items)
            if base.origin in ("h_n", "c_n") and result.shape is not None and base.shape is not None \
                    and len(result.shape) == len(base.shape):
                # h_n[-2:] keeps the layers*directions axis: still a whole state for the head check
                result = Tensor(shape=result.shape, roles=result.roles, origin=base.origin, rnn=base.rnn)
            return result
        if isinstance(base, ShapeValue) and isinstance(single, IndexInt):
            index = as_int(single.value)
            return base.axis(index) if index is not None else UNKNOWN
        if isinstance(base, TupleValue):
            self.events.append(TupleSubscript(node, self.guard, base, items))
            if isinstance(single, IndexInt):
                index = as_int(single.value)
                if index is not None and -len(base.items) <= index < len(base.items):
                    return base.items[index]
            return UNKNOWN
        if isinstance(base, ListValue):
            if isinstance(single, IndexInt):
                return base.item
            return UNKNOWN
        if isinstance(base, DictValue) and single is not None:
            return _dict_lookup(base, single)
        if isinstance(base, Layer) and base.kind in ("ModuleList", "Sequential") and base.items is not None:
            if isinstance(single, IndexInt):
                index = as_int(single.value)
                if index is not None and -len(base.items) <= index < len(base.items):
                    return base.items[index]
            return UNKNOWN
        if isinstance(base, Layer) and base.kind == "ModuleList" and isinstance(single, IndexInt):
            # filled in a loop: `[0]` is the first child; alike children answer any index
            index = as_int(single.value)
            if index == 0 and base.first is not None:
                return base.first
            return base.element if index is not None and base.first is None else UNKNOWN
        if isinstance(base, Poly) and len(base.terms) == 1 and len(base.terms[0][0]) == 1 \
                and isinstance(single, IndexKey):
            # config["hidden_size"]
            return Poly.atom(f"{base.terms[0][0][0]}[{single.value.value!r}]")
        return UNKNOWN

    def eval_Tuple(self, node: ast.Tuple, state: dict) -> Value:
        if any(isinstance(element, ast.Starred) for element in node.elts):
            return UNKNOWN
        return TupleValue(tuple(self.eval(element, state) for element in node.elts))

    def eval_List(self, node: ast.List, state: dict) -> Value:
        if any(isinstance(element, ast.Starred) for element in node.elts):
            return ListValue(UNKNOWN)
        items = tuple(self.eval(element, state) for element in node.elts)
        if not items:
            return ListValue(UNKNOWN)
        return TupleValue(items)

    def eval_ListComp(self, node: ast.ListComp, state: dict) -> Value:
        inner = dict(state)
        for generator in node.generators:
            self.assign(generator.target, _loop_item(self.eval(generator.iter, inner)), inner)
        return ListValue(self.eval(node.elt, inner))

    eval_GeneratorExp = eval_ListComp

    def eval_Dict(self, node: ast.Dict, state: dict) -> Value:
        items = []
        for key_node, value_node in zip(node.keys, node.values):
            if key_node is None:
                items = None  # `**other`: the keys are not all known
                continue
            value = self.eval(value_node, state)
            key = self.eval(key_node, state)
            key = key.value if isinstance(key, Const) and isinstance(key.value, str) else as_int(key)
            if items is not None and key is not None and all(key != known for known, _ in items):
                items.append((key, value))
            else:
                items = None
        return DictValue(tuple(items)) if items else UNKNOWN

    def eval_IfExp(self, node: ast.IfExp, state: dict) -> Value:
        condition = self.condition(node.test, state)
        options = []
        previous = self.guard
        try:
            for guard, taken in self.branch_cases(condition, node.test):
                self.guard = guard
                options.append((guard - previous, self.eval(node.body if taken else node.orelse, state)))
        finally:
            self.guard = previous
        return alternatives(options)

    def eval_UnaryOp(self, node: ast.UnaryOp, state: dict) -> Value:
        if isinstance(node.op, ast.Not):
            value = self.condition(node.operand, state)
            return map_cases(lambda case: Bool(not case.truth) if isinstance(case, Bool) and case.truth is not None
                             else UNKNOWN, value)
        value = self.eval(node.operand, state)
        if isinstance(node.op, ast.USub):
            return map_cases(lambda case: -case if isinstance(case, Poly) else case if isinstance(case, Tensor)
                             else UNKNOWN, value)
        return value

    def eval_BoolOp(self, node: ast.BoolOp, state: dict) -> Value:
        is_and = isinstance(node.op, ast.And)

        def combine(a: Value, b: Value) -> Value:
            if not isinstance(a, Bool) or not isinstance(b, Bool) or a.truth is None or b.truth is None:
                return UNKNOWN
            return Bool(a.truth and b.truth) if is_and else Bool(a.truth or b.truth)

        # `a and b and c` is one node with three operands: fold left to right
        result = self.condition(node.values[0], state)
        for operand in node.values[1:]:
            result = map_cases(combine, result, self.condition(operand, state))
        return result

    def eval_Compare(self, node: ast.Compare, state: dict) -> Value:
        if len(node.ops) != 1:
            return UNKNOWN
        left = self.eval(node.left, state)
        right = self.eval(node.comparators[0], state)
        operator = node.ops[0]
        return map_cases(lambda a, b: _compare_values(a, b, operator), left, right)

    def eval_BinOp(self, node: ast.BinOp, state: dict) -> Value:
        left = self.eval(node.left, state)
        right = self.eval(node.right, state)
        return self.binary(left, right, node.op)

    def binary(self, left: Value, right: Value, operator: ast.AST) -> Value:
        def apply(a: Value, b: Value) -> Value:
            if isinstance(a, Poly) and isinstance(b, Poly):
                if isinstance(operator, ast.Add):
                    return a + b
                if isinstance(operator, ast.Sub):
                    return a - b
                if isinstance(operator, ast.Mult):
                    return a * b
                if isinstance(operator, ast.FloorDiv):
                    return a.floordiv(b)
                if isinstance(operator, ast.Div):
                    divisor = b.constant
                    if divisor:
                        return Poly(tuple((mono, coeff / divisor) for mono, coeff in a.terms))
                    return UNKNOWN
                return UNKNOWN
            if isinstance(operator, ast.MatMult):
                return ops.matmul(a, b) if isinstance(a, Tensor) and isinstance(b, Tensor) else Tensor()
            if isinstance(a, Tensor) and isinstance(b, Tensor):
                return _broadcast(a, b)
            # a number keeps a tensor's shape; a tensor of unknown rank keeps the names of its axes
            if isinstance(a, Tensor) and isinstance(b, (Poly, Bool)):
                return a if a.shape is not None or a.key or a.like else Tensor(feature=a.feature)
            if isinstance(b, Tensor) and isinstance(a, (Poly, Bool)):
                return b if b.shape is not None or b.key or b.like else Tensor(feature=b.feature)
            return UNKNOWN

        return map_cases(apply, left, right)

    def eval_Call(self, node: ast.Call, state: dict) -> Value:
        function = node.func
        args, kwargs, opaque, starred = self.arguments(node, state)
        # self.method(...) -> inline the method
        if isinstance(function, ast.Attribute) and _is_self(function.value):
            name = function.attr
            if f"self.{name}" in state or self.find_method(name, self.instance or self.info)[0] is None:
                if name in ("parameters", "buffers") and f"self.{name}" not in state and not args:
                    return ListValue(Tensor())  # `next(self.parameters())`: a tensor of the module
                callee = self.eval(function, state)
                result = self.guarded_map(lambda case: self.call_value(case, node, args, kwargs, opaque, state, starred), callee)
                self.learn_input_features(callee, node, state)
                return result
            return self.run_method(name, state, args, kwargs)
        if isinstance(function, ast.Call) and isinstance(function.func, ast.Name) and function.func.id == "super":
            return self.call_super(node, state, args, kwargs)
        if isinstance(function, ast.Attribute):
            base = self.eval(function.value, state)
            if isinstance(base, Ref):
                return self.call_ref(Ref(f"{base.qualified}.{function.attr}"), node, args, kwargs, opaque, state,
                                     starred)
            method = function.attr
            if method not in ("count", "index") and _holds_recurrent_tuple(base):
                # a tuple has no tensor methods: `hidden.detach()` on an LSTM's (h_n, c_n) raises
                self.events.append(TensorOp(node, self.guard, base, method))
            if method in _pytorch.IN_PLACE_SHAPE_METHODS:
                return self.reshape_in_place(base, method, args, kwargs, node, state)
            return self.guarded_map(lambda case: self.call_method(case, method, args, kwargs, node, state), base)
        callee = self.eval(function, state)
        result = self.guarded_map(lambda case: self.call_value(case, node, args, kwargs, opaque, state, starred), callee)
        self.learn_input_features(callee, node, state)
        return result

    def reshape_in_place(self, base: Value, method: str, args: list, kwargs: dict, node: ast.Call,
                         state: dict) -> Value:
        """``x.transpose_(0, 1)`` is ``x = x.transpose(0, 1)`` for ``x`` and every name bound to
        the same tensor; a shape set from elsewhere (``resize_``) leaves them unknown."""
        counterpart = _pytorch.IN_PLACE_SHAPE_METHODS[method]

        def apply(case: Value) -> Value:
            if not isinstance(case, Tensor):
                return UNKNOWN
            if counterpart is None:
                return Tensor(rnn=case.rnn)
            return self.tensor_method(case, counterpart, args, kwargs, node)

        result = self.guarded_map(apply, base)
        for name, value in list(state.items()):
            if value is base:
                state[name] = result
        return result

    def learn_input_features(self, callee: Value, node: ast.Call, state: dict) -> None:
        """After `out, _ = self.rnn(x)` succeeds, `x` has `input_size` features: a later
        `torch.cat([out, x], dim=-1)` knows its width."""
        if not isinstance(callee, Layer) or callee.kind not in RNN_KINDS:
            return
        argument = _argument_node(node, 0, "input")
        name = dotted_name(argument) if argument is not None else None
        features = callee.param("input_size")
        value = state.get(name) if name is not None else None
        if not isinstance(value, Tensor) or not isinstance(value.last_axis, Unknown) or not isinstance(features, Poly):
            return
        if value.shape:
            state[name] = replace(value, shape=value.shape[:-1] + (features,))
        elif value.shape is None:
            state[name] = replace(value, feature=features)

    def arguments(self, node: ast.Call, state: dict) -> tuple[list, dict, bool, list]:
        """The values of a call's arguments: positional, by keyword, whether ``*args`` or
        ``**kwargs`` may pass more, and the values those unpack (``nn.Sequential(*blocks)``)."""
        args: list = []
        kwargs: dict = {}
        opaque = False
        starred: list = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                opaque = True
                starred.append(self.eval(arg.value, state))
                continue
            args.append(self.eval(arg, state))
        for keyword in node.keywords:
            value = self.eval(keyword.value, state)
            if keyword.arg is None:  # **kwargs
                opaque = True
                starred.append(UNKNOWN)
            else:
                kwargs[keyword.arg] = value
        return args, kwargs, opaque, starred

    def call_super(self, node: ast.Call, state: dict, args: list, kwargs: dict) -> Value:
        attribute = node.func.attr if isinstance(node.func, ast.Attribute) else None
        if self.info is None or attribute is None:
            return UNKNOWN
        for base in self.info.bases:
            method, owner = self.find_method(attribute, base)
            if method is not None:
                return self.call_function(method, state, args, kwargs, bound_self=True, owner=owner)
        return UNKNOWN

    def call_value(self, callee: Value, node: ast.Call, args: list, kwargs: dict, opaque: bool, state: dict,
                   starred: list) -> Value:
        if isinstance(callee, Ref):
            return self.call_ref(callee, node, args, kwargs, opaque, state, starred)
        if isinstance(callee, Layer):
            return self.call_layer(callee, node, args, kwargs)
        return UNKNOWN

    # --- calls of layers ------------------------------------------------------------------------

    def call_layer(self, layer: Layer, node: ast.Call, args: list, kwargs: dict) -> Value:
        if layer.kind in RNN_KINDS:
            inputs = args[0] if args else kwargs.get("input", UNKNOWN)
            hx = args[1] if len(args) > 1 else kwargs.get("hx")
            hx_node = _argument_node(node, 1, "hx")
            self.events.append(RnnCall(node, self.guard, layer, inputs, hx, hx_node, _argument_node(node, 0, "input")))
            self._alias_input_dims(layer, inputs)
            return ops.call_rnn(layer, inputs, self.guard, node)
        self.events.append(LayerCall(node, self.guard, layer, tuple(args)))
        if layer.module_class is not None:
            return self.call_submodule(layer, args, kwargs)
        if layer.kind == "Sequential" and args and _holds_in_file_modules(layer):
            return self.call_sequential(layer, node, args[0])
        if not args:
            return UNKNOWN
        return self.guarded_map(lambda first: ops.call_layer(layer, [first, *args[1:]], self.guard), args[0])

    def call_sequential(self, layer: Layer, node: ast.Call, first: Value) -> Value:
        """A Sequential holding in-file modules: each child runs on what the previous returned."""
        if layer.items is not None:
            current = first
            for item in layer.items:
                current = self.guarded_map(lambda case, item=item: self.call_layer(item, node, [case], {})
                                           if isinstance(item, Layer) else UNKNOWN, current)
            return current
        # n alike children: the first runs on `first`; the result is known when one child keeps the shape
        once = self.call_layer(layer.element, node, [first], {})
        return map_cases(lambda before, after: _same_layout(before, after), first, once)

    def call_submodule(self, layer: Layer, args: list, kwargs: dict) -> Value:
        """Calling an in-file module: its forward runs on the caller's tensors."""
        info = self.classes.get(layer.module_class)
        if info is None or not layer.module_state and "__init__" in info.methods:
            return UNKNOWN
        state = dict(layer.module_state)
        return self.run_method("forward", state, args, kwargs, info=info)

    def _alias_input_dims(self, layer: Layer, inputs: Value) -> None:
        for guard, config in rnn_configs(layer, self.guard):
            for _, case in cases(inputs, guard):
                if isinstance(case, Tensor) and config.batch_first is not None and known_rank_is_3(case):
                    key = ops.input_key(layer, case)
                    for axis, label in ((_shapes.batch_axis(config), "batch"), (_shapes.time_axis(config), "seq")):
                        size = case.shape[axis] if case.shape is not None else Poly.atom(f"{key}.shape[{axis}]")
                        if isinstance(size, Poly) and size.symbol is not None:
                            self.aliases.setdefault(size.symbol, label)

    # --- calls of imported names ------------------------------------------------------------------

    def call_ref(self, ref: Ref, node: ast.Call, args: list, kwargs: dict, opaque: bool, state: dict,
                 starred: list) -> Value:
        name = ref.qualified
        if name.startswith("<class>."):
            return self.construct_in_file(name.split(".", 1)[1], node, args, kwargs)
        if name.startswith(TORCH_NN) and name.count(".") == 2:
            return self.construct(name[len(TORCH_NN):], node, args, kwargs, opaque, starred)
        if name.startswith("builtins."):
            return self.call_builtin(name[len("builtins."):], args, kwargs, node)
        short = name.rsplit(".", 1)[-1]
        if name in (PACK, "torch.nn.utils.rnn.pack_sequence"):
            return self.pack(node, args, kwargs, opaque, layout_free=name != PACK)
        if name == PAD:
            return self.pad(node, args, kwargs, opaque)
        if name.startswith("torch.") and not name.startswith("torch.nn.utils"):
            return self.call_torch(short, name, node, args, kwargs)
        return UNKNOWN

    def construct_in_file(self, class_name: str, node: ast.Call, args: list, kwargs: dict) -> Value:
        """An instance of a class from this file: its ``__init__`` runs with the arguments given."""
        info = self.classes.get(class_name)
        if info is None:
            return UNKNOWN
        module_state: dict = {}
        recorded = len(self.events), len(self.layers)
        if self.depth < MAX_INLINE_DEPTH - 1:
            self.run_method("__init__", module_state, args, kwargs, info=info)
        # the class's own analysis reports on its constructor; this instance only lends its state
        del self.events[recorded[0]:], self.layers[recorded[1]:]
        instance = Layer(kind=class_name, node=node, module_class=class_name, module_state=tuple(module_state.items()))
        injected = any(isinstance(case, Layer) for value in [*args, *kwargs.values()] for _, case in cases(value))
        if self.info is None and injected and self.depth < MAX_INLINE_DEPTH - 1:
            self.run_instance(instance, info)
        return instance

    def run_instance(self, instance: Layer, info: ClassInfo) -> None:
        """``Seq2Seq(encoder, decoder)`` outside any class: the modules it is given decide what its
        forward sees, so forward runs once on this instance (inputs as in the class's own analysis)."""
        forward, owner = self.find_method("forward", info)
        if forward is None:
            return
        previous, self.instance = self.instance, info
        try:
            self.call_function(forward, dict(instance.module_state), self.forward_arguments(forward), {},
                               bound_self=True, owner=owner)
        finally:
            self.instance = previous

    def construct(self, kind: str, node: ast.Call, args: list, kwargs: dict, opaque: bool, starred: list) -> Value:
        spec = _pytorch.LAYERS.get(kind)
        if spec is not None and spec.family == _pytorch.RECURRENT:
            layer = self._bind(kind, spec.parameters or (), node, args, kwargs, opaque,
                               accepted=spec.accepted_keywords)
        elif spec is not None and spec.parameters is not None:
            layer = self._bind(kind, spec.parameters, node, args, kwargs, opaque)
        elif spec is not None and spec.family == _pytorch.CONTAINER:
            items: tuple | None = None
            if kind == "Sequential" and not opaque and not kwargs:
                items = tuple(args) if all(isinstance(a, Layer) for a in args) else None
            elif kind == "Sequential" and not args and not kwargs and len(starred) == 1 \
                    and isinstance(starred[0], ListValue) and isinstance(starred[0].item, Layer):
                # `nn.Sequential(*[Block(d) for _ in range(n)])`: n alike children
                layer = Layer(kind=kind, node=node, element=starred[0].item)
                self.layers.append(layer)
                return layer
            elif kind == "ModuleList" and not args:
                items = ()
            elif kind == "ModuleList" and len(args) == 1 and isinstance(args[0], TupleValue):
                items = args[0].items
            element = args[0].item if kind == "ModuleList" and len(args) == 1 and isinstance(args[0], ListValue) else UNKNOWN
            layer = Layer(kind=kind, node=node, items=items, element=element)
        else:
            layer = Layer(kind=kind, node=node)
        self.layers.append(layer)
        return layer

    def _bind(self, kind: str, parameters: tuple, node: ast.Call, args: list, kwargs: dict, opaque: bool,
              accepted: tuple | None = None) -> Layer:
        names = [name for name, _ in parameters]
        bound: dict = {}
        for name, value in zip(names, args):
            bound[name] = value
        unknown_keywords = []
        for name, value in kwargs.items():
            if name in names:
                bound[name] = value
            elif accepted is not None and name not in accepted:
                unknown_keywords.append(name)
        params = []
        for name, default in parameters:
            if name in bound:
                params.append((name, bound[name]))
            elif opaque or unknown_keywords:
                # *args / **kwargs may carry it; a misspelt keyword was meant for one of them
                params.append((name, UNKNOWN))
            else:
                params.append((name, python_value(default) if default is not None else Const(None)))
        return Layer(kind=kind, params=tuple(params), node=node, unknown_keywords=tuple(unknown_keywords),
                     opaque_arguments=opaque)

    def call_builtin(self, name: str, args: list, kwargs: dict, node: ast.Call) -> Value:
        if name == "next" and args:
            return _loop_item(args[0])
        if name == "iter" and args:
            return args[0] if isinstance(args[0], ListValue) else UNKNOWN
        if name == "int" and args:
            return args[0] if isinstance(args[0], Poly) else UNKNOWN
        if name == "isinstance" and len(args) == 2:
            return map_cases(_isinstance, args[0], args[1])
        if name == "len" and args:
            value = args[0]
            if isinstance(value, TupleValue):
                return number(len(value.items))
            if isinstance(value, Tensor) and value.shape:
                return value.shape[0]
            return UNKNOWN
        if name == "bool" and args:
            return map_cases(_as_condition, args[0])
        # the first iteration sees the first children of a ModuleList built in a loop; an index
        # stays unknown (a loop over the batch is not a constant index)
        if name == "enumerate" and args:
            return ListValue(TupleValue((UNKNOWN, _loop_item(args[0]))),
                             first=TupleValue((UNKNOWN, _first_item(args[0]))))
        if name == "zip" and args:
            return ListValue(TupleValue(tuple(_loop_item(arg) for arg in args)),
                             first=TupleValue(tuple(_first_item(arg) for arg in args)))
        if name in ("reversed", "list", "tuple") and args and isinstance(args[0], (Layer, ListValue)):
            return ListValue(_loop_item(args[0]))
        return UNKNOWN

    def pack(self, node: ast.Call, args: list, kwargs: dict, opaque: bool = False, layout_free: bool = False) -> Value:
        inputs = args[0] if args else kwargs.get("input", UNKNOWN)
        batch_first = args[2] if len(args) > 2 else kwargs.get("batch_first", Bool(False))
        explicit = len(args) > 2 or "batch_first" in kwargs
        if layout_free or (opaque and not explicit):
            # pack_sequence takes a list of (seq, *) tensors: no layout; **kwargs may carry batch_first
            batch_first = UNKNOWN
        self.events.append(Pack(node, self.guard, inputs, batch_first, explicit))
        if layout_free:
            inputs = map_cases(_sequence_of_steps, inputs)
        return map_cases(lambda case, flag: _packed_from(case, flag, node), inputs, batch_first)

    def pad(self, node: ast.Call, args: list, kwargs: dict, opaque: bool = False) -> Value:
        packed = args[0] if args else kwargs.get("sequence", UNKNOWN)
        batch_first = args[1] if len(args) > 1 else kwargs.get("batch_first", Bool(False))
        if opaque and not (len(args) > 1 or "batch_first" in kwargs):
            batch_first = UNKNOWN  # *args / **kwargs may carry batch_first
        self.events.append(Pad(node, self.guard, packed, batch_first, len(args) > 1 or "batch_first" in kwargs))
        return map_cases(lambda case, flag: _padded_from(case, flag), packed, batch_first)

    def call_torch(self, short: str, name: str, node: ast.Call, args: list, kwargs: dict) -> Value:
        """``torch.<short>(...)``, by the function's behaviour in the registry."""
        function = _pytorch.TORCH_FUNCTIONS.get(short)
        behaviour = function.behaviour if function is not None else None
        if behaviour == _pytorch.CONCATENATE:
            tensors = args[0] if args else kwargs.get("tensors", UNKNOWN)
            axis = args[1] if len(args) > 1 else kwargs.get("dim", number(0))
            if isinstance(tensors, TupleValue):
                return map_cases(lambda *items: ops.concatenate(list(items), axis), *tensors.items)
            return Tensor()
        if behaviour == _pytorch.MATMUL and len(args) >= 2:
            return map_cases(lambda a, b: ops.matmul(a, b) if isinstance(a, Tensor) and isinstance(b, Tensor)
                             else Tensor(), args[0], args[1])
        if behaviour == _pytorch.STACK:
            tensors = args[0] if args else UNKNOWN
            axis = args[1] if len(args) > 1 else kwargs.get("dim", number(0))
            if isinstance(tensors, TupleValue):
                return map_cases(lambda *items: ops.stack(list(items), axis, number(len(items))), *tensors.items)
            if isinstance(tensors, ListValue):
                return map_cases(lambda item: ops.stack([item], axis, UNKNOWN), tensors.item)
            return Tensor()
        if behaviour == _pytorch.CREATE_LIKE:
            return args[0] if args and isinstance(args[0], Tensor) else Tensor()
        if behaviour in (_pytorch.CREATE, _pytorch.CREATE_FULL):
            return self.created_tensor(args[:1] if behaviour == _pytorch.CREATE_FULL else args, node)
        if behaviour == _pytorch.WRAP and args:
            return args[0]  # the legacy autograd wrapper keeps the tensor it wraps
        if args and function is not None and function.one_tensor and _holds_recurrent_tuple(args[0]):
            self.events.append(TensorOp(node, self.guard, args[0], name))
        if behaviour == _pytorch.ELEMENTWISE and args:
            return args[0] if isinstance(args[0], Tensor) else Tensor()
        if behaviour == _pytorch.AS_METHOD and args:
            return self.guarded_map(lambda case: self.call_method(case, short, args[1:], kwargs, node, {}), args[0])
        return Tensor()

    def created_tensor(self, args: list, node: ast.Call) -> Value:
        dims = args
        if len(args) == 1 and isinstance(args[0], (TupleValue, ShapeValue)):
            dims = list(args[0].items if isinstance(args[0], TupleValue) else args[0].dims)
        if not dims or any(isinstance(d, (TupleValue, ShapeValue, ListValue)) for d in dims):
            return Tensor(source=node)
        return Tensor(shape=tuple(map_cases(_as_dimension, d) for d in dims), source=node)

    # --- tensor methods ---------------------------------------------------------------------------

    def call_method(self, base: Value, method: str, args: list, kwargs: dict, node: ast.Call, state: dict) -> Value:
        if isinstance(base, Tensor):
            return self.tensor_method(base, method, args, kwargs, node)
        if isinstance(base, Unknown) and method in _pytorch.NEW_TENSOR_METHODS and method != "new_tensor":
            # `next(self.parameters()).new_zeros(...)`: only a tensor has these methods
            return self.created_tensor(args[:1] if method == "new_full" else args, node)
        if isinstance(base, ListValue) and method == "append" and args:
            target = node.func.value if isinstance(node.func, ast.Attribute) else None
            name = dotted_name(target) if target is not None else None
            if name is not None:
                key = name if name in state else (name if name.startswith("self.") else None)
                if key is not None and key in state:
                    state[key] = ListValue(args[0] if isinstance(base.item, Unknown) or base.item == args[0] else UNKNOWN)
            return Const(None)
        if isinstance(base, Layer) and method in ("forward", "__call__"):
            return self.call_layer(base, node, args, kwargs)
        if isinstance(base, DictValue):
            if method == "get" and args and isinstance(args[0], Const) and not kwargs:
                found = [value for key, value in base.items if key == args[0].value]
                return found[0] if found else (args[1] if len(args) > 1 else Const(None))
            name = dotted_name(node.func.value) if isinstance(node.func, ast.Attribute) else None
            if name is not None and name in state and method not in ("keys", "values", "items", "copy"):
                state[name] = UNKNOWN  # `update`, `pop`, `setdefault`: the entries change
            return UNKNOWN
        if isinstance(base, Layer) and method in ("append", "extend") and base.kind == "ModuleList":
            self._fill_module_list(base, method, args, node, state)
            return Const(None)
        if isinstance(base, Layer) and method in ("parameters", "named_parameters", "modules", "children"):
            return UNKNOWN
        if isinstance(base, Poly) and not base.is_opaque and len(base.terms) == 1 and len(base.terms[0][0]) == 1:
            # `cfg.get("hidden")`: a symbol of its own for each call written with other constants;
            # a call whose arguments are not constants is unknown (two such calls may differ)
            constants = [repr(arg.value) if isinstance(arg, Const) else
                         arg.describe() if isinstance(arg, Poly) and arg.constant is not None else None
                         for arg in args]
            if kwargs or None in constants:
                return UNKNOWN
            shown = ", ".join(constants)
            return Poly.atom(f"{base.terms[0][0][0]}.{method}({shown})")
        if isinstance(base, Const) and isinstance(base.value, str) and method in ("lower", "upper") and not args:
            return Const(getattr(base.value, method)())
        return UNKNOWN

    def _fill_module_list(self, module_list: Layer, method: str, args: list, node: ast.Call, state: dict) -> None:
        target = dotted_name(node.func.value) if isinstance(node.func, ast.Attribute) else None
        if target is None or target not in state or not args:
            return
        added = args[0] if method == "append" else _loop_item(args[0])
        if module_list.items is not None and (method == "append" or isinstance(args[0], TupleValue)):
            # the children stay known one by one; a loop turns them into a first and later ones
            new_items = (added,) if method == "append" else args[0].items
            state[target] = replace(module_list, items=module_list.items + new_items)
            return
        if module_list.items is not None and not module_list.items:
            element = added  # the first child
        elif module_list.items is None and module_list.element == added:
            element = added
        else:
            element = UNKNOWN
        state[target] = replace(module_list, items=None, element=element)

    def tensor_method(self, tensor: Tensor, method: str, args: list, kwargs: dict, node: ast.Call) -> Value:
        """``tensor.<method>(*args, **kwargs)``, by the method's behaviour in the registry; a
        method not listed (or a call its handler does not follow) returns a tensor of unknown
        shape, from the same RNN."""
        behaviour = _pytorch.TENSOR_METHODS.get(method)
        handler = _METHOD_HANDLERS.get(behaviour) if behaviour is not None else None
        result = handler(self, tensor, method, args, kwargs, node) if handler is not None else None
        return result if result is not None else Tensor(rnn=tensor.rnn)

    def method_size(self, tensor: Tensor, method: str, args: list, kwargs: dict, node: ast.Call) -> Value | None:
        axis = args[0] if args else kwargs.get("dim")
        shape = self.shape_of(tensor)
        if axis is None:
            return shape
        if isinstance(shape, ShapeValue):
            index = as_int(axis)
            if index is not None and tensor.shape is not None and -len(tensor.shape) <= index < len(tensor.shape):
                return self._named_dim(tensor, index)
        if tensor.key is not None and as_int(axis) is not None and as_int(axis) >= 0:
            return Poly.atom(f"{tensor.key}.shape[{as_int(axis)}]")
        return UNKNOWN

    def method_rank(self, tensor: Tensor, method: str, args: list, kwargs: dict, node: ast.Call) -> Value | None:
        return number(len(tensor.shape)) if tensor.shape is not None else UNKNOWN

    def method_reshape(self, tensor: Tensor, method: str, args: list, kwargs: dict, node: ast.Call) -> Value | None:
        dims = args
        if len(args) == 1 and isinstance(args[0], (TupleValue, ShapeValue)):
            dims = list(args[0].items if isinstance(args[0], TupleValue) else args[0].dims)
        if len(args) == 1 and isinstance(args[0], Tensor):
            return Tensor()  # view_as style
        if any(isinstance(d, Alt) for d in dims):
            # `view(layers, self.num_directions, batch, hidden)`: one shape (and one fact) per configuration
            return self.guarded_map(lambda *sizes: self.tensor_method(tensor, method, list(sizes), {}, node), *dims)
        self.events.append(Reshape(node, self.guard, tensor, tuple(dims), method))
        if not all(isinstance(d, (Poly, Unknown)) for d in dims):
            return Tensor(rnn=tensor.rnn)
        return ops.reshape(tensor, list(dims))

    def method_matmul(self, tensor: Tensor, method: str, args: list, kwargs: dict, node: ast.Call) -> Value | None:
        if not args:
            return None
        return map_cases(lambda other: ops.matmul(tensor, other) if isinstance(other, Tensor) else Tensor(), args[0])

    def method_like_other(self, tensor: Tensor, method: str, args: list, kwargs: dict,
                          node: ast.Call) -> Value | None:
        if not args:
            return None
        return args[0] if isinstance(args[0], Tensor) else tensor

    def method_permute(self, tensor: Tensor, method: str, args: list, kwargs: dict, node: ast.Call) -> Value | None:
        order = args
        if len(args) == 1 and isinstance(args[0], TupleValue):
            order = list(args[0].items)
        return ops.permute(tensor, list(order))

    def method_transpose(self, tensor: Tensor, method: str, args: list, kwargs: dict,
                         node: ast.Call) -> Value | None:
        return ops.transpose(tensor, args[0], args[1]) if len(args) == 2 else None

    def method_matrix_transpose(self, tensor: Tensor, method: str, args: list, kwargs: dict,
                                node: ast.Call) -> Value | None:
        if tensor.shape is not None and len(tensor.shape) == 2:
            return ops.transpose(tensor, number(0), number(1))
        return Tensor()

    def method_squeeze(self, tensor: Tensor, method: str, args: list, kwargs: dict, node: ast.Call) -> Value | None:
        return ops.squeeze(tensor, args[0] if args else kwargs.get("dim"))

    def method_unsqueeze(self, tensor: Tensor, method: str, args: list, kwargs: dict,
                         node: ast.Call) -> Value | None:
        return ops.unsqueeze(tensor, args[0] if args else kwargs.get("dim", UNKNOWN))

    def method_flatten(self, tensor: Tensor, method: str, args: list, kwargs: dict, node: ast.Call) -> Value | None:
        start = args[0] if args else kwargs.get("start_dim", number(0))
        end = args[1] if len(args) > 1 else kwargs.get("end_dim", number(-1))
        return ops.flatten(tensor, start, end)

    def method_reduce(self, tensor: Tensor, method: str, args: list, kwargs: dict, node: ast.Call) -> Value | None:
        axis = args[0] if args else kwargs.get("dim")
        keepdim = truth(args[1]) if len(args) > 1 else truth(kwargs.get("keepdim", Bool(False)))
        if isinstance(axis, TupleValue):
            return Tensor()
        self.events.append(Reduce(node, self.guard, tensor, axis, method))
        if axis is not None and isinstance(axis, Poly):
            reduced = ops.reduce(tensor, axis, bool(keepdim))
            if _pytorch.TENSOR_METHODS[method] == _pytorch.REDUCE_VALUES_INDICES:
                return TupleValue((reduced, reduced))
            return reduced
        if axis is None:
            return Tensor(shape=())
        return Tensor()

    def method_new_tensor(self, tensor: Tensor, method: str, args: list, kwargs: dict,
                          node: ast.Call) -> Value | None:
        return self.created_tensor(args[:1] if method == "new_full" else args, node)

    def method_new_legacy(self, tensor: Tensor, method: str, args: list, kwargs: dict,
                          node: ast.Call) -> Value | None:
        # the legacy `weight.new(layers, batch, hidden)`; a list or tuple argument is data
        if len(args) == 1 and isinstance(args[0], (TupleValue, ListValue)):
            return Tensor(source=node)
        return self.created_tensor(args, node)

    def method_elementwise(self, tensor: Tensor, method: str, args: list, kwargs: dict,
                           node: ast.Call) -> Value | None:
        return tensor

    def method_unknown(self, tensor: Tensor, method: str, args: list, kwargs: dict, node: ast.Call) -> Value | None:
        return UNKNOWN

    def method_repeat(self, tensor: Tensor, method: str, args: list, kwargs: dict, node: ast.Call) -> Value | None:
        sizes = list(args[0].items) if len(args) == 1 and isinstance(args[0], TupleValue) else args
        return ops.repeat(tensor, sizes, expand=method == "expand")


# tensor method behaviour (the registry's) -> the interpreter's handler
_METHOD_HANDLERS: dict[str, Callable[..., Value | None]] = {
    _pytorch.SIZE: Interpreter.method_size,
    _pytorch.RANK: Interpreter.method_rank,
    _pytorch.RESHAPE: Interpreter.method_reshape,
    _pytorch.MATMUL: Interpreter.method_matmul,
    _pytorch.LIKE_OTHER: Interpreter.method_like_other,
    _pytorch.PERMUTE: Interpreter.method_permute,
    _pytorch.TRANSPOSE: Interpreter.method_transpose,
    _pytorch.MATRIX_TRANSPOSE: Interpreter.method_matrix_transpose,
    _pytorch.SQUEEZE: Interpreter.method_squeeze,
    _pytorch.UNSQUEEZE: Interpreter.method_unsqueeze,
    _pytorch.FLATTEN: Interpreter.method_flatten,
    _pytorch.REDUCE: Interpreter.method_reduce,
    _pytorch.REDUCE_VALUES_INDICES: Interpreter.method_reduce,
    _pytorch.NEW_TENSOR: Interpreter.method_new_tensor,
    _pytorch.NEW_LEGACY: Interpreter.method_new_legacy,
    _pytorch.ELEMENTWISE: Interpreter.method_elementwise,
    _pytorch.PIECES: Interpreter.method_unknown,
    _pytorch.REPEAT: Interpreter.method_repeat,
    _pytorch.EXPAND: Interpreter.method_repeat,
    _pytorch.NOT_A_TENSOR: Interpreter.method_unknown,
}


# --- helpers --------------------------------------------------------------------------------------


def known_rank_is_3(tensor: Tensor) -> bool:
    """Batched input: rank 3, or rank not known (a batched call is the usual case)."""
    return tensor.shape is None or len(tensor.shape) == 3


def _as_dimension(value: Value) -> Value:
    """A size argument: a number, or unknown (a 0-d tensor, None, a string)."""
    return value if isinstance(value, Poly) else UNKNOWN


def _is_staticmethod(function: ast.FunctionDef) -> bool:
    """``@staticmethod``: called through ``self``, it takes no ``self`` parameter."""
    return any(isinstance(decorator, ast.Name) and decorator.id == "staticmethod"
               for decorator in function.decorator_list)


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _with_attribute(value: Value, attribute: str, new: Value) -> Value:
    """A layer after ``layer.<attribute> = new``. ``batch_first`` and ``dropout`` are read at
    every call: they take the new value. Any other constructor argument no longer says what
    the weights are (they keep their sizes), so it becomes unknown."""
    if not isinstance(value, Layer) or value.module_class is not None:
        return value
    if all(name != attribute for name, _ in value.params):
        return value
    if attribute not in ("batch_first", "dropout"):
        new = UNKNOWN
    return replace(value, params=tuple((name, new if name == attribute else old) for name, old in value.params))


def positional_parameters(function: ast.FunctionDef) -> list:
    """``(parameter, default or None)`` for each positional parameter: the defaults given belong
    to the last ones."""
    positional = list(function.args.posonlyargs) + list(function.args.args)
    defaults = [None] * (len(positional) - len(function.args.defaults)) + list(function.args.defaults)
    return list(zip(positional, defaults))


def _element_target(element: ast.expr) -> ast.expr:
    return element.value if isinstance(element, ast.Starred) else element


def _argument_node(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    return argument_value(argument(call, position, keyword))

def _unpack_item(value: Value, index: int, count: int) -> Value:
    if isinstance(value, TupleValue):
        if len(value.items) == count:
            return value.items[index]
        return UNKNOWN
    if isinstance(value, ShapeValue):
        if len(value.dims) == count or (not value.dims and value.key is not None):
            return value.axis(index)
        return UNKNOWN
    if isinstance(value, Tensor):
        if value.shape is not None and len(value.shape) > 0:
            return ops.index_tensor(value, (IndexInt(number(index)),))
        return Tensor()
    return UNKNOWN


def _dict_lookup(table: DictValue, item: IndexItem) -> Value:
    """``table[key]``; a symbolic key picks each entry under ``key == entry`` (an if/elif chain)."""
    key = item.value if isinstance(item, (IndexInt, IndexKey)) else UNKNOWN
    if isinstance(key, Const) or (isinstance(key, Poly) and key.constant is not None):
        wanted = key.value if isinstance(key, Const) else key.constant
        found = [value for entry, value in table.items if entry == wanted]
        return found[0] if found else UNKNOWN
    if not _is_named(key) or key.is_opaque:
        return UNKNOWN
    # the atoms read like those of `if key == "lstm":`, so later branches on the same key agree
    options, earlier = [], frozenset()
    for entry, value in table.items:
        atom = f"{key.symbol} == {entry if isinstance(entry, str) else str(entry)!r}"
        options.append((earlier | {(atom, True)}, value))
        earlier = earlier | {(atom, False)}
    return Alt(tuple(options)) if len(options) > 1 else options[0][1]


def _holds_recurrent_tuple(value: Value) -> bool:
    """Whether some case of ``value`` is a tuple an RNN returned (a result or an LSTM's state)."""
    return any(isinstance(case, TupleValue) and case.origin is not None for _, case in cases(value))


def _loop_item(iterable: Value) -> Value:
    if isinstance(iterable, TupleValue) and iterable.items and all(item == iterable.items[0] for item in iterable.items):
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


def _holds_in_file_modules(layer: Layer) -> bool:
    children = layer.items if layer.items is not None else (layer.element,)
    return any(isinstance(child, Layer) and child.module_class is not None for child in children)


def _same_layout(before: Value, after: Value) -> Value:
    """What a chain of alike children returns when one child gives back the shape it was given."""
    if isinstance(before, Tensor) and isinstance(after, Tensor) and before.shape == after.shape \
            and before.last_axis == after.last_axis and not isinstance(after.last_axis, Unknown):
        return Tensor(shape=after.shape, roles=after.roles if before.roles == after.roles else None,
                      feature=after.feature, rnn=after.rnn)
    return Tensor() if isinstance(after, Tensor) else UNKNOWN


def _sequence_of_steps(sequences: Value) -> Value:
    """One tensor of the list ``pack_sequence`` takes: its last axis is the features of every step."""
    item = _loop_item(sequences) if isinstance(sequences, (ListValue, TupleValue)) else UNKNOWN
    if isinstance(item, Tensor) and (item.shape is None or len(item.shape) >= 2):
        return Tensor(feature=item.last_axis, rnn=item.rnn)
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


def _target_names(target: ast.expr) -> set:
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*(_target_names(_element_target(element)) for element in target.elts))
    return set()


def _settled(once: dict, twice: dict, rebound: set) -> bool:
    """Whether a second iteration leaves every variable as the first left it (collections may grow;
    the loop's own targets are bound afresh each time)."""
    for key in (set(once) | set(twice)) - rebound:
        old, new = once.get(key, UNKNOWN), twice.get(key, UNKNOWN)
        if isinstance(old, ListValue) or (isinstance(old, Layer) and old.kind == "ModuleList"):
            continue
        if old != new or not _same_layer_identity(old, new):
            return False
    return True


def _grown_module_list(before: Value, once: Value, twice: Value | None) -> Value | None:
    """A ModuleList whose known children a loop appends to: its first child, and every later one
    (known when the loop settles and each iteration adds one alike child)."""
    if not all(isinstance(v, Layer) and v.kind == "ModuleList" and v.items is not None for v in (before, once)):
        return None
    if once.items == before.items:
        return once
    added = once.items[len(before.items):]
    if once.items[:len(before.items)] != before.items or not once.items:
        return replace(once, items=None, element=UNKNOWN)
    later = UNKNOWN
    if isinstance(twice, Layer) and twice.kind == "ModuleList" and twice.items is not None \
            and len(added) == 1 and twice.items[:-1] == once.items:
        children = once.items[1:] + twice.items[-1:]
        later = children[0] if all(child == children[0] for child in children) else UNKNOWN
    return replace(once, items=None, first=once.items[0], element=later)


def _agreeing_collection(first: Value, second: Value) -> Value:
    """A list or ModuleList after a loop: its element is known if both passes appended the same."""
    if isinstance(first, ListValue):
        return first if isinstance(second, ListValue) and second.item == first.item else ListValue(UNKNOWN)
    if isinstance(first, Layer) and first.kind == "ModuleList" and first.items is None:
        agrees = isinstance(second, Layer) and second.element == first.element
        return first if agrees else replace(first, element=UNKNOWN)
    return first


def _join_loop(old: Value, new: Value) -> Value:
    """A loop-carried variable: keep what every iteration agrees on."""
    if old == new and _same_layer_identity(old, new):
        return new
    if isinstance(new, ListValue) or (isinstance(new, Layer) and new.kind == "ModuleList"):
        return new
    if isinstance(old, Tensor) and isinstance(new, Tensor) and old.shape == new.shape and old.shape is not None:
        return Tensor(shape=new.shape, roles=new.roles if old.roles == new.roles else None)
    if isinstance(old, Const) and old.value is None:
        return new if isinstance(new, Tensor) and new.shape is None else UNKNOWN
    return UNKNOWN


def _same_layer_identity(a: Value, b: Value) -> bool:
    if isinstance(a, Layer) and isinstance(b, Layer):
        return a.node is b.node
    return True


def _branch_truth(case: Value) -> bool | None:
    """Which way ``if case:`` goes: a built module is always true, a tensor is not known."""
    return True if isinstance(case, Layer) else case_truth(case)


def _as_condition(case: Value) -> Value:
    """A boolean from any value; a bare symbol becomes a named condition."""
    if isinstance(case, Bool):
        if case.truth is not None:
            return case
        return Alt(((frozenset({(case.atom, True)}), Bool(True)), (frozenset({(case.atom, False)}), Bool(False)))) \
            if case.atom else UNKNOWN
    if isinstance(case, Poly):
        if case.constant is not None:
            return Bool(bool(case.constant))
        atom = case.symbol
        if atom is not None:
            if not atom.startswith("~"):
                return Alt(((frozenset({(atom, True)}), Bool(True)), (frozenset({(atom, False)}), Bool(False))))
        return UNKNOWN
    if isinstance(case, Const):
        return Bool(bool(case.value))
    if isinstance(case, Layer):
        return Bool(True)
    return UNKNOWN


def _compare_values(a: Value, b: Value, operator: ast.AST) -> Value:
    negate = isinstance(operator, (ast.NotEq, ast.IsNot, ast.NotIn))
    if _is_named(a) and not a.is_opaque and isinstance(b, Poly) and b.constant == 0 \
            and isinstance(operator, (ast.Eq, ast.NotEq, ast.Gt)):
        # `proj_size > 0`, `proj_size != 0`, `proj_size == 0` of a size: the same condition as `if proj_size:`
        positive = not isinstance(operator, ast.Eq)
        atom = a.symbol
        return Alt(((frozenset({(atom, True)}), Bool(positive)), (frozenset({(atom, False)}), Bool(not positive))))
    if isinstance(operator, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
        result = _equality(a, b)
        if result is None:
            return UNKNOWN
        if isinstance(result, Alt):
            return map_cases(lambda case: Bool(not case.truth) if negate else case, result)
        return Bool(result != negate)
    if isinstance(operator, (ast.In, ast.NotIn)) and isinstance(b, TupleValue) and isinstance(a, Const):
        if all(isinstance(item, Const) for item in b.items):
            return Bool((a in b.items) != negate)
        return UNKNOWN
    if isinstance(operator, (ast.In, ast.NotIn)) and isinstance(b, TupleValue) and _is_named(a):
        if all(isinstance(item, Const) for item in b.items):
            atom = f"{a.symbol} in {tuple(item.value for item in b.items)!r}"
            return Alt(((frozenset({(atom, not negate)}), Bool(True)), (frozenset({(atom, negate)}), Bool(False))))
        return UNKNOWN
    if isinstance(a, Poly) and isinstance(b, Poly) and a.constant is not None and b.constant is not None:
        x, y = a.constant, b.constant
        if isinstance(operator, ast.Lt):
            return Bool(x < y)
        if isinstance(operator, ast.LtE):
            return Bool(x <= y)
        if isinstance(operator, ast.Gt):
            return Bool(x > y)
        if isinstance(operator, ast.GtE):
            return Bool(x >= y)
    if isinstance(a, Poly) and isinstance(b, Poly) and not a.is_opaque and not b.is_opaque:
        symbol = f"{a.describe()} {_OPERATOR_TEXT.get(type(operator), '?')} {b.describe()}"
        return Alt(((frozenset({(symbol, True)}), Bool(True)), (frozenset({(symbol, False)}), Bool(False))))
    return UNKNOWN


_OPERATOR_TEXT = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_TRY_STATEMENTS = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)


def _is_named(value: Value) -> bool:
    """A number that is one named atom (``hidden_size``, ``cfg.layers``)."""
    return isinstance(value, Poly) and value.symbol is not None


def _equality(a: Value, b: Value) -> Any:
    if isinstance(a, Const) and isinstance(b, Const):
        return a.value == b.value
    for value, other in ((a, b), (b, a)):
        if isinstance(value, (Tensor, TupleValue, Packed, Layer)) and isinstance(other, Const) and other.value is None:
            return False  # `hidden is None` for a tensor
    if isinstance(a, Bool) and isinstance(b, Bool) and a.truth is not None and b.truth is not None:
        return a.truth == b.truth
    if isinstance(a, Poly) and isinstance(b, Poly):
        if a == b:
            return True
        if a.constant is not None and b.constant is not None:
            return False
    for symbol, constant in ((a, b), (b, a)):
        if _is_named(symbol) and isinstance(constant, (Const, Poly, Bool)) and not _is_named(constant):
            shown = repr(constant.value) if isinstance(constant, Const) else constant.describe()
            atom = f"{symbol.symbol} == {shown}"
            return Alt(((frozenset({(atom, True)}), Bool(True)), (frozenset({(atom, False)}), Bool(False))))
    return None


_PYTHON_TYPES = {"builtins.tuple": (TupleValue,), "builtins.list": (TupleValue, ListValue), "torch.Tensor": (Tensor,)}


def _isinstance(value: Value, kind: Value) -> Value:
    if isinstance(kind, Ref) and kind.qualified in _PYTHON_TYPES:
        if isinstance(value, Tensor) and value.key is not None and value.shape is None:
            # a parameter taken to be a tensor: code that asks may well be given a tuple
            # (`if isinstance(hidden, tuple)` for an LSTM's state), so the answer is not known
            return UNKNOWN
        if isinstance(value, (Tensor, TupleValue, ListValue, Packed)):
            if isinstance(value, TupleValue) and kind.qualified == "builtins.list":
                return UNKNOWN  # a literal list and a tuple look alike here
            return Bool(isinstance(value, _PYTHON_TYPES[kind.qualified]))
        return UNKNOWN
    if not isinstance(value, Layer):
        return UNKNOWN
    names = []
    if isinstance(kind, Ref):
        names = [kind.qualified]
    elif isinstance(kind, TupleValue) and all(isinstance(item, Ref) for item in kind.items):
        names = [item.qualified for item in kind.items]
    else:
        return UNKNOWN
    if value.module_class is not None:
        return UNKNOWN
    kinds = {name[len(TORCH_NN):] for name in names if name.startswith(TORCH_NN)}
    if len(kinds) != len(names):
        return UNKNOWN
    if "RNNBase" in kinds:
        return Bool(value.kind in RNN_KINDS)
    if "Module" in kinds:
        return Bool(True)
    return Bool(value.kind in kinds)


def _broadcast(a: Tensor, b: Tensor) -> Tensor:
    """An elementwise result: axes aligned from the right, a size 1 stretches to the other."""
    rnn = a.rnn if a.rnn is not None else b.rnn
    if a.shape == () or b.shape == ():
        return b if a.shape == () else a
    if a.shape is None and b.shape is None:
        # `x - x.mean(1, keepdim=True)`: the shape of `x`, whatever its rank
        for tensor, other in ((a, b), (b, a)):
            if tensor.key is not None and other.like == tensor.key:
                return replace(tensor, rnn=rnn)
        if a.like is not None and a.like == b.like and a.key is None and b.key is None:
            return Tensor(rnn=rnn, like=a.like)
    if a.shape is None or b.shape is None:
        return Tensor(feature=_broadcast_axis(a.last_axis, b.last_axis), rnn=rnn)
    if a.shape == b.shape:
        return Tensor(shape=a.shape, roles=a.roles if a.roles == b.roles else None, rnn=rnn)
    rank = max(len(a.shape), len(b.shape))
    a_dims, b_dims = (None,) * (rank - len(a.shape)) + a.shape, (None,) * (rank - len(b.shape)) + b.shape
    a_roles = (None,) * (rank - len(a.shape)) + (a.roles or (None,) * len(a.shape))
    b_roles = (None,) * (rank - len(b.shape)) + (b.roles or (None,) * len(b.shape))
    shape, roles = [], []
    for x, y, x_role, y_role in zip(a_dims, b_dims, a_roles, b_roles):
        if y is None or (as_int(y) == 1 and x is not None):
            shape.append(x)
            roles.append(x_role)
        elif x is None or as_int(x) == 1:
            shape.append(y)
            roles.append(y_role)
        else:
            shape.append(_broadcast_axis(x, y))
            roles.append(x_role if x_role == y_role and x == y else None)
    return Tensor(shape=tuple(shape), roles=tuple(roles), rnn=rnn)


def _broadcast_axis(x: Value, y: Value) -> Value:
    if x == y:
        return x
    if as_int(x) == 1:
        return y
    if as_int(y) == 1:
        return x
    return UNKNOWN


def _packed_from(tensor: Value, batch_first: Value, node: ast.AST) -> Value:
    if not isinstance(tensor, Tensor):
        return Packed(batch_first=batch_first, pack_node=node)
    batch: Value = UNKNOWN
    flag = truth(batch_first)
    if tensor.shape is not None and len(tensor.shape) == 3 and flag is not None:
        batch = tensor.shape[0 if flag else 1]
    return Packed(feature=tensor.last_axis, batch_first=batch_first, batch=batch, pack_node=node)


def _padded_from(packed: Value, batch_first: Value) -> Value:
    if not isinstance(packed, Packed):
        return TupleValue((Tensor(), Tensor()))
    flag = truth(batch_first)
    if flag is None:
        return TupleValue((Tensor(feature=packed.feature, rnn=packed.rnn), Tensor()))
    seq = Poly.atom("padded_seq")
    shape = (packed.batch, seq, packed.feature) if flag else (seq, packed.batch, packed.feature)
    from ._values import BATCH, FEATURE, TIME

    roles = (BATCH, TIME, FEATURE) if flag else (TIME, BATCH, FEATURE)
    origin = "output" if packed.rnn is not None else None
    lengths = Tensor(shape=(packed.batch,), roles=(BATCH,))  # one length per sequence
    return TupleValue((Tensor(shape=shape, roles=roles, origin=origin, rnn=packed.rnn), lengths))
