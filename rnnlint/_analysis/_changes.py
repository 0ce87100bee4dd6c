"""Whether a call may change a config object it is given: a plain class's instance or a dict
(``stack(cfg, 2)``, ``cfg.deepen()``). Read from the callee's text, with no run: a parameter
that is only read (``cfg.hidden``, ``cfg["hidden"]``, ``print(cfg)``) is left as it was.
"""

from __future__ import annotations

import ast

from .._source import walk

# builtins that never change what they are given (their result may be a copy)
SAFE_BUILTINS = frozenset({
    "print", "len", "str", "repr", "isinstance", "issubclass", "hasattr", "getattr", "id", "type", "format",
    "bool", "int", "float", "hash", "sorted", "list", "tuple", "dict", "set", "frozenset", "iter", "enumerate",
    "zip", "max", "min", "sum", "any", "all", "callable",
})
# methods of a dict that only read it
READING_METHODS = frozenset({"get", "keys", "values", "items", "copy", "__getitem__", "__contains__"})


def _root(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _passed(call: ast.Call) -> list:
    given = [arg.value if isinstance(arg, ast.Starred) else arg for arg in call.args]
    return given + [keyword.value for keyword in call.keywords]


def changes_parameter(function: ast.FunctionDef | ast.Lambda, name: str) -> bool:
    """Whether ``function`` may change the object its parameter ``name`` holds: an attribute or
    item of it set or deleted, a method of it called (other than a dict's readers), or the object
    passed on to a call other than a builtin that only reads (``setattr``, ``vars`` and any
    function: what they do is not followed). Another local name for it counts as the name."""
    names = {name}
    for node in walk(function):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id in names:
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    for node in walk(function):
        if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, (ast.Store, ast.Del)) \
                and _root(node) in names:
            return True
        if not isinstance(node, ast.Call):
            continue
        callee = node.func
        if isinstance(callee, ast.Attribute) and _root(callee.value) in names and callee.attr not in READING_METHODS:
            return True
        safe = isinstance(callee, ast.Name) and callee.id in SAFE_BUILTINS
        if not safe and any(isinstance(value, ast.Name) and value.id in names for value in _passed(node)):
            return True
    return False


def parameter_names(function: ast.FunctionDef | ast.Lambda) -> list:
    """The names of ``function``'s positional parameters, in order."""
    return [arg.arg for arg in [*function.args.posonlyargs, *function.args.args]]


def changes_argument(function: ast.FunctionDef | ast.Lambda, call: ast.Call, argument: ast.expr,
                     bound_self: bool) -> bool:
    """Whether ``function``, called by ``call`` (``bound_self``: as a method, its first parameter
    being the instance), may change what ``argument``, one of the call's arguments, holds."""
    positional = parameter_names(function)[1 if bound_self else 0:]
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            return True  # which parameter it fills is not known
        if arg is argument:
            if index < len(positional):
                return changes_parameter(function, positional[index])
            return function.args.vararg is None or changes_parameter(function, function.args.vararg.arg)
    for keyword in call.keywords:
        if keyword.value is argument:
            if keyword.arg is None:
                return False  # `**cfg`: the callee receives copies of the items, never the dict
            known = positional + [arg.arg for arg in function.args.kwonlyargs]
            if keyword.arg in known:
                return changes_parameter(function, keyword.arg)
            return function.args.kwarg is None or changes_parameter(function, function.args.kwarg.arg)
    return True
