"""Source facts: a corpus file parsed once with libcst (positions, parents), and small syntax
helpers that read and rewrite calls.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider


class _Collect(cst.CSTVisitor):
    def __init__(self):
        self.nodes = []

    def on_visit(self, node):
        self.nodes.append(node)
        return True


class SourceFacts:
    """One corpus file parsed once; nodes keep their identity so one can be replaced."""

    def __init__(self, source: str):
        self.source = source
        self.module = cst.parse_module(source)
        wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        self.positions = wrapper.resolve(PositionProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        collect = _Collect()
        self.module.visit(collect)
        self.nodes = [node for node in collect.nodes if not self._in_build(node)]

    def end(self, node) -> tuple:
        position = self.positions[node]
        return (position.end.line, position.end.column)

    def line(self, node) -> int:
        return self.positions[node].start.line

    def function_of(self, node):
        while node is not None and not isinstance(node, cst.FunctionDef):
            node = self.parents.get(node)
        return node

    def _in_build(self, node) -> bool:
        # build() is the harness: its sizes and seeds are never mutated
        while node is not None:
            if isinstance(node, cst.FunctionDef) and node.name.value == "build":
                return True
            node = self.parents.get(node)
        return False

    def of_type(self, kind) -> list:
        return [node for node in self.nodes if isinstance(node, kind)]

    def calls(self, *tails: str) -> list:
        return [node for node in self.of_type(cst.Call) if call_tail(node) in tails]

    def within(self, root, kind) -> list:
        collect = _Collect()
        root.visit(collect)
        return [node for node in collect.nodes if isinstance(node, kind)]

    def name_uses(self, scope, name: str) -> int:
        return sum(1 for node in self.within(scope, cst.Name) if node.value == name)

    def assignments(self, scope, name: str) -> list:
        """Values assigned to a plain `name` inside `scope` (a function, or the module's top level)."""
        values = []
        for node in self.within(scope, cst.Assign):
            if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name) \
                    and node.targets[0].target.value == name \
                    and (not isinstance(scope, cst.Module) or self.function_of(node) is None):
                values.append(node.value)
        return values

    def code(self, node) -> str:
        return self.module.code_for_node(node)


def call_tail(call: cst.Call) -> str:
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return ""


def positional(call: cst.Call, index: int):
    plain = [arg for arg in call.args if arg.keyword is None and not arg.star]
    return plain[index] if index < len(plain) else None


def keyword(call: cst.Call, name: str):
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def int_value(expr):
    if isinstance(expr, cst.Integer):
        return int(expr.value)
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus) \
            and isinstance(expr.expression, cst.Integer):
        return -int(expr.expression.value)
    return None


def is_true(expr) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "True"


def last_identifier(expr) -> str:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return ""


def expr(text: str):
    return cst.parse_expression(text)


def without_arg(call: cst.Call, target) -> cst.Call:
    args = [arg for arg in call.args if arg is not target]
    if args and call.args[-1] is target:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=args)


def with_keyword(call: cst.Call, name: str, value: str) -> cst.Call:
    args = list(call.args)
    if args and args[-1].comma is cst.MaybeSentinel.DEFAULT:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    args.append(cst.Arg(keyword=cst.Name(name), value=expr(value),
                        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                              whitespace_after=cst.SimpleWhitespace(""))))
    return call.with_changes(args=args)


def is_directions_factor(node) -> bool:
    """`2`, `num_directions`-like names, or `(2 if bidirectional else 1)`."""
    if int_value(node) == 2:
        return True
    name = last_identifier(node).lower()
    if "direction" in name or name == "factor":
        return True
    return isinstance(node, cst.IfExp) and int_value(node.body) == 2 and int_value(node.orelse) == 1


def drop_directions(facts: SourceFacts, root) -> Iterator[tuple]:
    """(old, new) for every `a * factor` / `factor * a` under `root`, with the factor gone."""
    for node in facts.within(root, cst.BinaryOperation):
        if not isinstance(node.operator, cst.Multiply):
            continue
        if is_directions_factor(node.right):
            keep = node.left
        elif is_directions_factor(node.left):
            keep = node.right
        else:
            continue
        if node.lpar:
            keep = keep.with_changes(lpar=[*node.lpar, *keep.lpar], rpar=[*keep.rpar, *node.rpar])
        yield node, keep


def followed(facts: SourceFacts, value, at) -> list:
    """`value` itself, plus what a plain local name was assigned in the same function."""
    roots = [value]
    if isinstance(value, cst.Name):
        scope = facts.function_of(at)
        if scope is not None:
            roots.extend(facts.assignments(scope, value.value))
    return roots


def is_pure(node) -> bool:
    """An expression that can be written twice without running anything twice."""
    if isinstance(node, (cst.Name, cst.Integer)):
        return True
    if isinstance(node, cst.Attribute):
        return is_pure(node.value)
    if isinstance(node, cst.Subscript):
        return is_pure(node.value) and all(
            isinstance(element.slice, cst.Index) and int_value(element.slice.value) is not None
            for element in node.slice)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and not node.args:
        return node.func.attr.value == "contiguous" and is_pure(node.func.value)
    return False
