"""Expressions: names, attributes, subscripts, literals and arithmetic over abstract values."""

from __future__ import annotations

import ast
from dataclasses import replace

from .. import _pytorch
from .._source import walk
from . import _tensor_ops as ops
from ._conditions import _is_named, _name
from ._core import MAX_EXPRESSION_NESTING, InterpreterBase, _is_self, _loop_item, method_order
from ._facts import (
    IndexEllipsis,
    IndexInt,
    IndexItem,
    IndexKey,
    IndexNone,
    IndexSlice,
    IndexTensor,
    TensorOp,
    TensorSubscript,
    TupleSubscript,
    takes_axis,
)
from ._names import dotted_name
from ._program import Namespace
from ._symbolic import UNKNOWN, Alt, Bool, Const, Poly, Relation, Unknown, Value, as_int, cases, map_cases, number
from ._values import (
    LAYER_PARAMETERS,
    RNN_KINDS,
    DictValue,
    FieldSet,
    Layer,
    ListValue,
    Packed,
    Ref,
    ShapeValue,
    Splits,
    Tensor,
    TupleValue,
    axis_symbol,
)


class Expressions(InterpreterBase):
    """Evaluates expressions."""

    def eval(self, node: ast.expr | None, state: dict) -> Value:
        if node is None:
            return UNKNOWN
        method = getattr(self, f"eval_{type(node).__name__}", None)
        if method is None or self.nesting >= MAX_EXPRESSION_NESTING:
            return UNKNOWN
        self.nesting += 1
        try:
            return method(node, state)
        finally:
            self.nesting -= 1

    def eval_Constant(self, node: ast.Constant, _state: dict) -> Value:
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
                    "reversed", "bool", "str", "type", "next", "iter", "vars", "eval"):
            return Ref(f"builtins.{name}")
        return UNKNOWN

    def eval_Attribute(self, node: ast.Attribute, state: dict) -> Value:
        attribute = node.attr
        if _is_self(node.value):
            key = f"self.{attribute}"
            if key in state:
                return state[key]
            class_value = self._class_attribute(attribute)
            if isinstance(class_value, Unknown) and (self.instance or self.info) is not None \
                    and attribute not in ("training", "forward"):
                method = self.bound_method(self.instance or self.info, attribute, state.items())
                if not isinstance(method, Unknown):
                    return method  # `collate_fn=self.collate`
            if attribute == "training" and isinstance(class_value, Unknown) and self.info is not None:
                # nn.Module's mode flag: either way is a configuration the model runs in
                return Bool(atom="self.training")
            return class_value
        qualified = self.imports.resolve(node)
        if qualified is not None and not isinstance(node.value, ast.Call):
            base_name = dotted_name(node.value)
            if base_name is not None and base_name.split(".")[0] not in state:
                # `config.HIDDEN` of a project module: its value
                return self.constants[qualified] if qualified in self.constants else Ref(qualified)
        base = self.eval(node.value, state)
        if attribute in _pytorch.TENSOR_ATTRIBUTES and isinstance(node.ctx, ast.Load) and any(
                isinstance(case, TupleValue) and case.origin is not None for _, case in cases(base)):
            # `hidden.shape` on an LSTM's (h_n, c_n): a tuple has no tensor attributes
            self.events.append(TensorOp(node, self.guard, base, attribute))
        return map_cases(lambda case: self.attribute_of(case, attribute), base)

    def _has_class_attribute(self, attribute: str) -> bool:
        return any(attribute in current.class_attributes for current in method_order(self.instance or self.info))

    def _class_attribute(self, attribute: str) -> Value:
        start = self.instance or self.info
        if start is not None and attribute in start.overridden:
            return UNKNOWN  # `N_FEATURES = 0` in an abstract base: each subclass says the real value
        for current in method_order(start):
            if attribute in current.class_attributes:
                return current.class_attributes[attribute]
        return UNKNOWN

    def _instance_class_attribute(self, instance: Layer, attribute: str) -> Value:
        """``config.num_layers`` where ``num_layers = 1`` is a class attribute of the instance's
        class: that value, when no method of the class sets it on the instance, none is named so
        (a property) and the class does not compute its attributes (``__getattr__``)."""
        info = self.registry.get(instance.module_class) or self.classes.get(instance.module_class)
        if info is None or attribute in info.overridden:
            return UNKNOWN
        order = method_order(info)
        if any(attribute in current.methods or {"__getattr__", "__getattribute__"} & set(current.methods)
               for current in order):
            return UNKNOWN
        for current in order:
            if any((isinstance(node, ast.Attribute) and node.attr == attribute and isinstance(node.ctx, ast.Store))
                   or (isinstance(node, ast.Name) and node.id == "setattr")
                   for method in current.methods.values() for node in walk(method)):
                return UNKNOWN
        for current in order:
            if attribute in current.class_attributes:
                return current.class_attributes[attribute]
        return UNKNOWN

    def attribute_of(self, base: Value, attribute: str) -> Value:
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
        if isinstance(base, Namespace):
            return base.get(attribute)  # `args.emb_dim`: the default of `--emb-dim`
        if isinstance(base, FieldSet):
            return base.attribute(attribute)  # `batch.text` of a torchtext iterator
        if isinstance(base, Layer) and base.module_class is not None:
            # `self.encoder.hidden_size` of an in-file module: what its __init__ stored
            stored = dict(base.module_state)
            if f"self.{attribute}" in stored:
                return stored[f"self.{attribute}"]
            found = self._instance_class_attribute(base, attribute)
            if isinstance(found, Unknown):
                info = self.registry.get(base.module_class) or self.classes.get(base.module_class)
                return self.bound_method(info, attribute, base.module_state)  # `batcher.collate`
            return found
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
        assert tensor.shape is not None  # called for the axes of a known shape
        value = tensor.shape[index]
        if isinstance(value, Unknown) and tensor.key is not None:
            return axis_symbol(tensor.key, index)
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
        if isinstance(evaluated, Tensor):
            return IndexTensor(value=evaluated, positions=evaluated.positions)
        if isinstance(evaluated, (ListValue, TupleValue)):
            return IndexTensor()
        if isinstance(evaluated, Poly):
            return IndexInt(evaluated)
        return IndexInt(UNKNOWN) if not isinstance(evaluated, Const) else IndexKey(evaluated)

    def _optional(self, node: ast.expr | None, state: dict) -> Value | None:
        return None if node is None else self.eval(node, state)

    def subscript(self, base: Value, items: tuple[IndexItem, ...], node: ast.Subscript) -> Value:
        single = items[0] if len(items) == 1 else None
        if isinstance(base, Splits):
            return base.item if isinstance(single, IndexInt) else UNKNOWN
        if isinstance(base, Tensor):
            event = TensorSubscript(node, self.guard, base, items)
            self.events.append(event)
            result = ops.index_tensor(base, items)
            if base.origin in ("h_n", "c_n") and result.shape is not None and base.shape is not None \
                    and len(result.shape) == len(base.shape):
                # h_n[-2:] keeps the layers*directions axis: still a whole state for the head check
                result = Tensor(shape=result.shape, roles=result.roles, origin=base.origin, rnn=base.rnn)
            elif base.origin in ("h_n", "c_n") and base.rnn is not None and items and isinstance(items[0], IndexInt) \
                    and all(not takes_axis(item) or (isinstance(item, IndexSlice) and item.whole)
                            for item in items[1:]):
                result = replace(result, row_of=base.rnn.node)  # one row of the state, whole
            self.record_result(event, result)
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
            # alike children (a comprehension's element) answer any index, a loop counter's too
            return base.element if base.first is None else UNKNOWN
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
        items: list | None = []
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            if key_node is None:
                items = None  # `**other`: the keys are not all known
                continue
            value = self.eval(value_node, state)
            evaluated = self.eval(key_node, state)
            key = evaluated.value if isinstance(evaluated, Const) and isinstance(evaluated.value, str) \
                else as_int(evaluated)
            if items is not None and key is not None and all(key != known for known, _ in items):
                items.append((key, value))
            else:
                items = None
        return DictValue(tuple(items)) if items else UNKNOWN

    def eval_BinOp(self, node: ast.BinOp, state: dict) -> Value:
        left = self.eval(node.left, state)
        right = self.eval(node.right, state)
        return self.binary(left, right, node.op)

    def binary(self, left: Value, right: Value, operator: ast.AST) -> Value:
        def apply(a: Value, b: Value) -> Value:
            # arithmetic changes the entries: `arange(n) + 1` is no longer the positions of an axis
            a, b = _without_positions(a), _without_positions(b)
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
    options: list = []
    earlier: frozenset = frozenset()
    for entry, value in table.items:
        atom = Relation(_name(key), "==", repr(entry if isinstance(entry, str) else str(entry)))
        options.append((earlier | {(atom, True)}, value))
        earlier = earlier | {(atom, False)}
    return Alt(tuple(options)) if len(options) > 1 else options[0][1]


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
    for x, y, x_role, y_role in zip(a_dims, b_dims, a_roles, b_roles, strict=False):
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


def _without_positions(value: Value) -> Value:
    return replace(value, positions=None) if isinstance(value, Tensor) and value.positions is not None else value
