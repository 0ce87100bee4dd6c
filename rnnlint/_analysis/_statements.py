"""Statements: assignment, branches joined into guarded alternatives, loops run to a fixed
point, returns and asserts ending or narrowing a path."""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any

from .._source import text_of
from . import _tensor_ops as ops
from ._core import InterpreterBase, PathEnds, ShapeNote, _first_item, _is_self, _loop_item
from ._facts import STEP, IndexInt, Return, RnnCall, StepLoop, Unpack
from ._names import dotted_name
from ._program import Namespace
from ._symbolic import (
    OPAQUE_PREFIX,
    UNKNOWN,
    Alt,
    Bool,
    Const,
    Opaque,
    Poly,
    Unknown,
    Value,
    alternatives,
    as_int,
    cases,
    map_cases,
    number,
)
from ._values import (
    DictValue,
    Layer,
    ListValue,
    Packed,
    Ref,
    ShapeValue,
    Splits,
    Tensor,
    TupleValue,
    alike,
    axis_symbol,
)

# a loop runs three passes: loops nested deeper than this run one, so that the cost of a nest
# stays bounded (3 ** depth); what such a loop changes is then what every iteration agrees on
FULL_LOOP_DEPTH = 4


class Statements(InterpreterBase):
    """Executes statements."""

    _loops_running = 0  # the loops being executed around the current statement

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
            self.define_function(statement, state)
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
            if len(holding) == 1 and not any(isinstance(atom, Opaque) for atom, _ in holding[0]):
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
                pairs.extend(zip(target.elts, expression.elts, strict=True))

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
                else Tensor(shape=tuple(axis_symbol(tensor.key, i) for i in range(len(target.elts))),
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
        # what follows runs only where one of these branches ran: what all their guards say holds
        self.guard = frozenset.intersection(*(guard for guard, _ in continuing))

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
        key_sets = [branch_state.keys() for _, branch_state in branches]
        keys = set().union(*key_sets)
        everywhere = set(key_sets[0]).intersection(*key_sets[1:])  # the names every branch binds
        state.clear()
        first_state = branches[0][1]
        for key in keys:
            if key in everywhere:
                first = first_state[key]
                if all(branch_state[key] is first for _, branch_state in branches):
                    state[key] = first  # the same object in every branch (most names)
                    continue
                values = [(guard, branch_state[key]) for guard, branch_state in branches]
            elif key.startswith("self."):
                # a branch that leaves the attribute unset reads the class attribute
                inherited = self._class_attribute(key[len("self."):])
                values = [(guard, branch_state.get(key, inherited)) for guard, branch_state in branches]
            else:
                values = [(guard, branch_state.get(key, UNKNOWN)) for guard, branch_state in branches]
            first = values[0][1]
            # the same object in every branch (most names): equal without comparing field by field
            if all(value is first or (value == first and _same_layer_identity(value, first)) for _, value in values):
                state[key] = first
            else:
                state[key] = alternatives([(guard - self.guard, value) for guard, value in values])

    def exec_loop(self, statement: ast.For | ast.While, state: dict) -> None:
        self._loops_running += 1
        try:
            # a loop inside a later pass of another is run once: its own later iterations were
            # followed in the enclosing loop's first pass, and passes of nested loops multiply
            if self._loops_running > FULL_LOOP_DEPTH or self._later_passes:
                self._exec_loop_once(statement, state)
            else:
                self._exec_loop(statement, state)
        finally:
            self._loops_running -= 1

    def _exec_loop_once(self, statement: ast.For | ast.While, state: dict) -> None:
        """One pass, deep in a nest of loops: the facts of the first iteration, and after the
        loop only what it leaves as it found (a list or ModuleList filled in it is of unknown
        element)."""
        before = dict(state)
        self._loop_pass(statement, state, first=True)
        for key, value in list(state.items()):
            state[key] = _agreeing_collection(_join_loop(before.get(key, UNKNOWN), value), UNKNOWN)
        if statement.orelse:
            self.exec_block(statement.orelse, state)

    def _exec_loop(self, statement: ast.For | ast.While, state: dict) -> None:
        before = dict(state)
        start = len(self.events)
        self._loop_pass(statement, state, first=True)
        # later iterations start where the first one ended; what they do is recorded when one more
        # iteration leaves every variable as it found it (`in_dim = 2 * hidden` after the first)
        later = dict(state)
        recorded = len(self.events), len(self.layers), len(self.shape_notes)
        self._loop_pass(statement, later, first=False)
        settled = _settled(state, later, _target_names(statement.target) if isinstance(statement, ast.For) else set())
        for index in range(start, recorded[0]):
            step = self.events[index]
            if isinstance(step, StepLoop) and step.node is statement:
                # the calls of both passes: the second sees the state the first one carried over
                calls = tuple(event for event in self.events[start:] if isinstance(event, RnnCall))
                self.events[index] = replace(step, calls=calls)
        if not settled:
            del self.events[recorded[0]:], self.layers[recorded[1]:]
        del self.shape_notes[recorded[2]:]
        # the loop may run any number of times: a variable it changes is known only if unchanged
        joined = {key: _join_loop(before.get(key, UNKNOWN), value) for key, value in state.items()}
        # a second, silent pass from the joined state: a list or ModuleList filled in the loop keeps
        # its element only if later iterations append the same thing (`in_dim` may change)
        second = dict(joined)
        if any(_open_collection(value) for value in joined.values()):
            recorded = len(self.events), len(self.layers), len(self.shape_notes)
            self._loop_pass(statement, second, first=False)
            del self.events[recorded[0]:], self.layers[recorded[1]:], self.shape_notes[recorded[2]:]
        for key, value in joined.items():
            grown = _grown_module_list(before.get(key), state.get(key), later.get(key) if settled else None)
            state[key] = grown if grown is not None else _agreeing_collection(value, second.get(key, UNKNOWN))
        if statement.orelse:
            self.exec_block(statement.orelse, state)

    def _loop_pass(self, statement: ast.For | ast.While, state: dict, first: bool) -> None:
        """One iteration of the loop from ``state``; ``first``: the loop's first one."""
        self._later_passes += not first
        try:
            self._loop_pass_body(statement, state, first)
        finally:
            self._later_passes -= not first

    def _loop_pass_body(self, statement: ast.For | ast.While, state: dict, first: bool) -> None:
        before = dict(state)
        step_loop = None
        if isinstance(statement, ast.For):
            bound = self._range_bound(statement.iter, state)
            if bound is not None and isinstance(statement.target, ast.Name):
                # the variable counts steps: one opaque symbol, the same in every pass
                counter = Poly.atom(f"{OPAQUE_PREFIX}step {statement.target.id}@{statement.lineno}")
                self.assign(statement.target, counter, state)
                step_loop = (bound, counter, len(self.events), self.guard)
            else:
                iterable = self.eval(statement.iter, state) if bound is None else UNKNOWN
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
        if step_loop is not None and first and isinstance(statement, ast.For):
            bound, counter, start, guard = step_loop
            self.events.append(StepLoop(statement, guard, bound, counter, tuple(self.events[start:])))

    def _range_bound(self, iterable: ast.expr, state: dict) -> Value | None:
        """``n`` of ``range(n)`` or ``range(0, n)``; None for any other iterable."""
        if not isinstance(iterable, ast.Call) or iterable.keywords or not 1 <= len(iterable.args) <= 2 \
                or any(isinstance(arg, ast.Starred) for arg in iterable.args):
            return None
        if self.eval(iterable.func, state) != Ref("builtins.range"):
            return None
        if len(iterable.args) == 2 and as_int(self.eval(iterable.args[0], state)) != 0:
            return None
        return self.eval(iterable.args[-1], state)

    def assign(self, target: ast.expr, value: Value, state: dict) -> None:
        if isinstance(target, ast.Name):
            state[target.id] = value
        elif isinstance(target, ast.Attribute) and _is_self(target.value):
            if isinstance(value, Layer):
                value = value.with_name(f"self.{target.attr}")
                self._rename_layer(value)
            elif isinstance(value, Alt):
                value = alternatives((g, v.with_name(f"self.{target.attr}") if isinstance(v, Layer) else v)
                                     for g, v in value.cases)
            if self.none_default_parameters and self._has_class_attribute(target.attr):
                # `if batch_first is not None: self.batch_first = batch_first` over a class
                # attribute: the argument is an override of a class setting subclasses give;
                # what a caller passes for it is not known here (the default keeps the attribute)
                value = map_cases(lambda case: UNKNOWN if _is_symbol_of(case, self.none_default_parameters)
                                  else case, value)
            state[f"self.{target.attr}"] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            elements = target.elts
            starred = any(isinstance(element, ast.Starred) for element in elements)
            if not starred:
                self.record_unpack(target, value)
            count = len(elements)
            for index, element in enumerate(elements):
                if starred:
                    self.assign(_element_target(element), UNKNOWN, state)
                    continue
                item = map_cases(lambda v, i=index, n=count: _unpack_item(v, i, n), value)
                self.assign(element, item, state)
        elif isinstance(target, ast.Subscript):
            base = self.eval(target.value, state)
            if isinstance(base, (ListValue, TupleValue, DictValue)):
                name = dotted_name(target.value)
                key = target.slice.value if isinstance(target.slice, ast.Constant) else None
                if name in state and isinstance(base, DictValue) and isinstance(key, str):
                    # `config["hidden"] = 2 * config["hidden"]`: the dict holds the new value
                    items = tuple((known, value if known == key else item) for known, item in base.items)
                    if all(known != key for known, _ in base.items):
                        items += ((key, value),)
                    state[name] = DictValue(items)
                elif name in state:
                    state[name] = UNKNOWN if isinstance(base, DictValue) else ListValue(UNKNOWN)
        elif isinstance(target, ast.Attribute):
            # `self.lstm.batch_first = True` after construction: the module reads it at every call;
            # `cfg.num_layers = 2`: the object holds the new value, under each of its names
            owner = dotted_name(target.value)
            path: list = [target.attr]
            while owner is not None and owner not in state and "." in owner:
                owner, attribute = owner.rsplit(".", 1)  # `cfg.rnn.num_layers = 2`: `cfg` is changed
                path.insert(0, attribute)
            if owner is not None and owner in state:
                old = state[owner]
                new = map_cases(lambda case: _with_path(case, path, value), old)
                for name, held in list(state.items()):
                    if held is old:
                        state[name] = new

    def _rename_layer(self, layer: Layer) -> None:
        for index, known in enumerate(self.layers):
            if known.node is layer.node and not known.name:
                self.layers[index] = layer

    def record_unpack(self, target: ast.Tuple | ast.List, value: Value) -> None:
        for guard, case in cases(value, self.guard):
            if isinstance(case, (Tensor, TupleValue)) and (getattr(case, "rnn", None) is not None
                                                           or case.origin == STEP):
                self.events.append(Unpack(target, guard, case, len(target.elts)))


def _with_path(value: Value, path: list, new: Value) -> Value:
    """``value`` after ``value.a.b = new`` (``path`` = ``["a", "b"]``): an instance of a class of
    the project holds the new value (an attribute of an attribute that is no such instance is no
    longer known), a layer as ``_with_attribute`` says."""
    if isinstance(value, Layer) and value.module_class is not None:
        key = f"self.{path[0]}"
        if len(path) == 1:
            inner = new
        else:
            held = dict(value.module_state).get(key, UNKNOWN)
            inner = map_cases(lambda case: _with_path(case, path[1:], new), held) \
                if not isinstance(held, Unknown) else UNKNOWN
        state = tuple((name, item) for name, item in value.module_state if name != key) + ((key, inner),)
        return replace(value, module_state=state)
    if len(path) == 1:
        return _with_attribute(value, path[0], new)
    return value


def _with_attribute(value: Value, attribute: str, new: Value) -> Value:
    """A layer after ``layer.<attribute> = new``. ``batch_first`` and ``dropout`` are read at
    every call: they take the new value. Any other constructor argument no longer says what
    the weights are (they keep their sizes), so it becomes unknown. Parsed options after
    ``args.<option> = new``: that option is no longer its default (unknown)."""
    if isinstance(value, Namespace):
        return Namespace(tuple(entry for entry in value.defaults if entry[0] != attribute))
    if not isinstance(value, Layer) or value.module_class is not None:
        return value
    if all(name != attribute for name, _ in value.params):
        return value
    if attribute not in ("batch_first", "dropout"):
        new = UNKNOWN
    return replace(value, params=tuple((name, new if name == attribute else old) for name, old in value.params))


def _is_symbol_of(case: Value, names: set) -> bool:
    if isinstance(case, Poly):
        return case.symbol in names
    return isinstance(case, Bool) and case.truth is None and case.atom in names


def _element_target(element: ast.expr) -> ast.expr:
    return element.value if isinstance(element, ast.Starred) else element


def _unpack_item(value: Value, index: int, count: int) -> Value:
    if isinstance(value, Splits):
        return value.item
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


def _grown_module_list(before: Value | None, once: Value | None, twice: Value | None) -> Value | None:
    """A ModuleList whose known children a loop appends to: its first child, and every later one
    (known when the loop settles and each iteration adds one alike child)."""
    if not isinstance(before, Layer) or not isinstance(once, Layer) or before.items is None or once.items is None \
            or before.kind != "ModuleList" or once.kind != "ModuleList":
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
        later = children[0] if all(alike(child, children[0]) for child in children) else UNKNOWN
    return replace(once, items=None, first=once.items[0], element=later)


def _open_collection(value: Value) -> bool:
    """Whether ``value`` is a collection whose element ``_agreeing_collection`` judges."""
    return isinstance(value, ListValue) or (isinstance(value, Layer) and value.kind == "ModuleList"
                                            and value.items is None)


def _agreeing_collection(first: Value, second: Value) -> Value:
    """A list or ModuleList after a loop: its element is known if both passes appended the same."""
    if isinstance(first, ListValue):
        return first if isinstance(second, ListValue) and alike(second.item, first.item) else ListValue(UNKNOWN)
    if isinstance(first, Layer) and first.kind == "ModuleList" and first.items is None:
        agrees = isinstance(second, Layer) and alike(second.element, first.element)
        return first if agrees else replace(first, element=UNKNOWN)
    return first


def _join_loop(old: Value, new: Value) -> Value:
    """A loop-carried variable: keep what every iteration agrees on."""
    if old == new and _same_layer_identity(old, new):
        return new
    if isinstance(new, ListValue) or (isinstance(new, Layer) and new.kind == "ModuleList"):
        return new
    if isinstance(old, Tensor) and isinstance(new, Tensor) and old.shape == new.shape and old.shape is not None:
        if new.origin == STEP:
            # a cell's state carried through the loop: after it, what the last step returned (or,
            # when no step ran, the initial state of the same shape)
            return Tensor(shape=new.shape, roles=new.roles if old.roles == new.roles else None, origin=STEP,
                          source=new.source)
        return Tensor(shape=new.shape, roles=new.roles if old.roles == new.roles else None)
    if isinstance(old, Const) and old.value is None:
        return new if isinstance(new, Tensor) and new.shape is None else UNKNOWN
    return UNKNOWN


def _same_layer_identity(a: Value, b: Value) -> bool:
    if isinstance(a, Layer) and isinstance(b, Layer):
        return a.node is b.node
    return True


_TRY_STATEMENTS = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)
