"""Conditions: a value in a boolean context, comparisons and ``isinstance`` as named atoms,
and which ways a branch can go under the current path."""

from __future__ import annotations

import ast
from typing import Any, TypeGuard

from .._source import text_of
from ._core import MAX_BRANCH_CASES, TORCH_NN, InterpreterBase
from ._symbolic import (
    OPAQUE_PREFIX,
    UNKNOWN,
    Alt,
    Bool,
    Const,
    Flag,
    Opaque,
    Poly,
    Relation,
    Value,
    alternatives,
    both_ways,
    case_truth,
    cases,
    map_cases,
    merge_guards,
)
from ._values import RNN_KINDS, Layer, ListValue, Packed, Ref, Tensor, TupleValue


class Conditions(InterpreterBase):
    """Evaluates conditions and chooses branches."""

    def branch_cases(self, condition: Value, test: ast.expr) -> list:
        """``(guard, taken)`` for each way ``if test`` can go under the current path."""
        outcomes: list[tuple[frozenset | None, Any]] = []
        for guard, case in cases(condition, self.guard):
            case_truth = _branch_truth(case)
            if case_truth is None:
                atom = Opaque(text_of(test))
                for truth in (True, False):
                    merged = merge_guards(guard, frozenset({(atom, truth)}))
                    if merged is not None:
                        outcomes.append((merged, truth))
            else:
                outcomes.append((guard, case_truth))
        if len(outcomes) > MAX_BRANCH_CASES:
            atom = Opaque(text_of(test))
            outcomes = [(merge_guards(self.guard, frozenset({(atom, truth)})), truth) for truth in (True, False)]
        return [(guard, taken) for guard, taken in outcomes if guard is not None]

    def condition(self, expression: ast.expr, state: dict) -> Value:
        """A value in a boolean context: symbols become named conditions."""
        value = self.eval(expression, state)
        return map_cases(_as_condition, value)

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
        main = _is_main_test(node)
        if main is not None and "__name__" not in state:
            # the file run as the program: its `if __name__ == "__main__":` block runs
            return Bool(main)
        left = self.eval(node.left, state)
        right = self.eval(node.comparators[0], state)
        operator = node.ops[0]
        return map_cases(lambda a, b: _compare_values(a, b, operator), left, right)


def _is_main_test(node: ast.Compare) -> bool | None:
    """What ``__name__ == "__main__"`` (either way round, or ``!=``) is where the file runs as
    the program: True for ``==``, False for ``!=``; None for any other comparison."""
    operator, sides = node.ops[0], (node.left, node.comparators[0])
    if not isinstance(operator, (ast.Eq, ast.NotEq)):
        return None
    names = [side for side in sides if isinstance(side, ast.Name) and side.id == "__name__"]
    texts = [side for side in sides if isinstance(side, ast.Constant) and side.value == "__main__"]
    if len(names) != 1 or len(texts) != 1:
        return None
    return isinstance(operator, ast.Eq)


def _branch_truth(case: Value) -> bool | None:
    """Which way ``if case:`` goes: a built module is always true, a tensor is not known."""
    return True if isinstance(case, Layer) else case_truth(case)


def _as_condition(case: Value) -> Value:
    """A boolean from any value; a bare symbol becomes a named condition."""
    if isinstance(case, Bool):
        if case.truth is not None:
            return case
        return both_ways(Flag(case.atom)) if case.atom else UNKNOWN
    if isinstance(case, Poly):
        if case.constant is not None:
            return Bool(bool(case.constant))
        name = case.symbol
        if name is not None and not name.startswith(OPAQUE_PREFIX):
            return both_ways(Flag(name))
        return UNKNOWN
    if isinstance(case, Const):
        return Bool(bool(case.value))
    if isinstance(case, Layer):
        return Bool(True)
    return UNKNOWN


def _compare_values(a: Value, b: Value, operator: ast.AST) -> Value:
    if isinstance(operator, (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
        # `tokens != pad`: a mask of the tensor's shape, whose truth as a branch is not known
        if isinstance(a, Tensor) and isinstance(b, Poly) and b.constant is not None:
            return Tensor(shape=a.shape, roles=a.roles, feature=a.feature, key=a.key, leading=a.leading)
        if isinstance(b, Tensor) and isinstance(a, Poly) and a.constant is not None:
            return Tensor(shape=b.shape, roles=b.roles, feature=b.feature, key=b.key, leading=b.leading)
        if isinstance(a, Tensor) or isinstance(b, Tensor):
            # `arange(T)[None, :] < lengths[:, None]`: a mask of a broadcast shape not worked out;
            # still a tensor (indexing by it is advanced indexing, never an integer's)
            return Tensor()
    negate = isinstance(operator, (ast.NotEq, ast.IsNot, ast.NotIn))
    flag = _flag_compared_with_a_bool(a, b, operator)
    if flag is not None:
        # `bidirectional == True`: the same condition as `if bidirectional:`; a flag that is
        # truthy but not equal to True (`bidirectional=2`) is a configuration no program builds
        atom, wanted = flag
        holds = wanted != negate
        return Alt(((frozenset({(atom, True)}), Bool(holds)), (frozenset({(atom, False)}), Bool(not holds))))
    if _is_named(a) and not a.is_opaque and isinstance(b, Poly) and b.constant == 0 \
            and isinstance(operator, (ast.Eq, ast.NotEq, ast.Gt)):
        # `proj_size > 0`, `proj_size != 0`, `proj_size == 0` of a size: the same condition as `if proj_size:`
        positive = not isinstance(operator, ast.Eq)
        named = Flag(_name(a))
        return Alt(((frozenset({(named, True)}), Bool(positive)), (frozenset({(named, False)}), Bool(not positive))))
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
            member = Relation(_name(a), "in", repr(tuple(item.value for item in b.items)))
            return Alt(((frozenset({(member, not negate)}), Bool(True)), (frozenset({(member, negate)}), Bool(False))))
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
        return both_ways(Relation(a.describe(), _OPERATOR_TEXT.get(type(operator), "?"), b.describe()))
    return UNKNOWN


def _flag_compared_with_a_bool(a: Value, b: Value, operator: ast.AST) -> tuple | None:
    """``(Flag, value compared with)`` for ``flag == True`` / ``flag is False`` (either side)."""
    if not isinstance(operator, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
        return None
    for symbol, constant in ((a, b), (b, a)):
        if not isinstance(constant, Bool) or constant.truth is None:
            continue
        if isinstance(symbol, Bool) and symbol.truth is None and symbol.atom:
            return Flag(symbol.atom), constant.truth
        if _is_named(symbol) and not symbol.is_opaque:
            return Flag(_name(symbol)), constant.truth
    return None


_OPERATOR_TEXT: dict[type, str] = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def _is_named(value: Value) -> TypeGuard[Poly]:
    """A number that is one named atom (``hidden_size``, ``cfg.layers``)."""
    return isinstance(value, Poly) and value.symbol is not None


def _name(value: Poly) -> str:
    """The atom of a named number (see ``_is_named``)."""
    assert value.symbol is not None
    return value.symbol


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
            return both_ways(Relation(_name(symbol), "==", shown))
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
