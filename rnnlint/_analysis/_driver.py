"""The driver: sets up one analysis run per class, function and module body of a file, and
gathers what they record into the file's facts. The only caller of the interpreter.
"""

from __future__ import annotations

import ast

from .._source import SourceLines
from ._facts import FileFacts, RnnCall, ScopeFacts
from ._interpreter import (
    MODULE_BASES,
    ClassInfo,
    Interpreter,
    PathEnds,
    positional_parameters,
)
from ._names import ImportTable
from ._symbolic import UNKNOWN, Bool, Const, Omitted, Poly, Value, cases
from ._values import Tensor, TupleValue


def analyse(module: ast.Module, source: str, body: list | None = None) -> FileFacts:
    """Compute the facts of one parsed file; ``body``: the top-level statements to read (by
    default all of them; the engine leaves out definitions that cannot matter)."""
    body = module.body if body is None else body
    imports = ImportTable()
    _collect_imports(body, imports)
    constants = _module_constants(body, imports)
    classes = _collect_classes(body, imports)
    scopes = []
    for info in classes.values():
        if _is_module_class(info, imports, classes):
            scopes.append(_analyse_class(info, imports, constants, classes))
    for statement in body:
        if isinstance(statement, ast.FunctionDef):
            scopes.append(_analyse_function(statement, imports, constants, classes))
    scopes.append(_analyse_module_level(module, body, imports, constants, classes))
    return FileFacts(module=module, imports=imports, scopes=scopes, lines=SourceLines(source))


def _collect_imports(body: list, imports: ImportTable) -> None:
    """Read every import statement, at any depth, without walking expressions."""
    pending = list(body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            imports.add(statement)
            continue
        for name in ("body", "orelse", "finalbody"):
            block = getattr(statement, name, None)
            if isinstance(block, list):
                pending.extend(block)
        for handler in getattr(statement, "handlers", ()) or ():
            pending.extend(handler.body)


def _module_constants(body: list, imports: ImportTable) -> dict:
    """Module-level ``NAME = <expression over literals and earlier constants>``."""
    constants: dict = {}
    interpreter = Interpreter(imports, constants, {}, None)
    for statement in body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
            name = statement.targets[0].id
            value = interpreter.eval(statement.value, {})
            # a constant is a plain value; layers and tensors built at module level are not constants
            constants[name] = value if _is_plain(value) else UNKNOWN
    return constants


def _is_plain(value: Value) -> bool:
    return isinstance(value, (Bool, Const, Poly))


def _collect_classes(body: list, imports: ImportTable) -> dict:
    classes: dict = {}
    for statement in body:
        if not isinstance(statement, ast.ClassDef):
            continue
        methods = {}
        class_attributes: dict = {}
        for item in statement.body:
            if isinstance(item, ast.FunctionDef):
                methods[item.name] = item
        info = ClassInfo(statement.name, statement, methods, [], class_attributes)
        classes[info.name] = info
    interpreter = Interpreter(imports, {}, classes, None)
    for info in classes.values():
        for base in info.node.bases:
            if isinstance(base, ast.Name) and base.id in classes:
                info.bases.append(classes[base.id])
        for item in info.node.body:
            if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
                value = interpreter.eval(item.value, {})
                info.class_attributes[item.targets[0].id] = value if _is_plain(value) else UNKNOWN
    for info in classes.values():
        ancestors: list[ClassInfo] = []
        pending = list(info.bases)
        while pending:
            base = pending.pop()
            if all(base is not known for known in ancestors):
                ancestors.append(base)
                pending.extend(base.bases)
        for ancestor in ancestors:
            ancestor.overridden |= set(info.class_attributes) & set(ancestor.class_attributes)
    return classes


def _is_module_class(info: ClassInfo, imports: ImportTable, classes: dict, seen: frozenset = frozenset()) -> bool:
    if info.name in seen:
        return False
    for base in info.node.bases:
        qualified = imports.resolve(base)
        if qualified in MODULE_BASES or (qualified or "").endswith("LightningModule"):
            return True
        if isinstance(base, ast.Name) and base.id in classes:
            if _is_module_class(classes[base.id], imports, classes, seen | {info.name}):
                return True
    # a base from another file: a class with forward() is most likely a module
    return "forward" in info.methods and bool(info.node.bases)


def _analyse_class(info: ClassInfo, imports: ImportTable, constants: dict, classes: dict) -> ScopeFacts:
    interpreter = Interpreter(imports, constants, classes, info)
    state: dict = {}
    interpreter.run_method("__init__", state)
    attributes = {key[len("self."):]: value for key, value in state.items() if key.startswith("self.")}
    forward, owner = interpreter.find_method("forward", info)
    if forward is not None:
        assumed = interpreter.assumptions  # what __init__ asserted holds for forward
        args = interpreter.forward_arguments(forward)
        recorded = len(interpreter.events)
        interpreter.call_bound(forward, dict(state), args, owner, guard=assumed, record_shapes=True)
        _run_with_initial_state(interpreter, info, state, forward, owner, args, interpreter.events[recorded:], assumed)
    return ScopeFacts(
        name=info.name, kind="class", node=info.node, layers=interpreter.layers, attributes=attributes,
        events=interpreter.events, shape_notes=interpreter.shape_notes, aliases=interpreter.aliases,
        bound_names=interpreter.bound_names, head_calls=interpreter.head_calls,
    )


# methods that build an RNN's initial state for the caller: `hidden = model.init_hidden(batch)`
STATE_INITIALISERS = {
    "inithidden", "initstate", "initstates", "initialstate", "initialhidden", "inithiddenstate",
    "initialhiddenstate", "zerostate", "zerohidden", "beginstate", "getinitialstate", "initializehidden",
    "initialisehidden", "resethidden", "resetstate",
}


def _run_with_initial_state(interpreter: Interpreter, info: ClassInfo, state: dict, forward: ast.FunctionDef,
                            owner: ClassInfo | None, args: list, events: list, assumed: frozenset) -> None:
    """A class whose forward passes a state parameter straight to one RNN, and that offers one
    method building that state: forward runs again on the method's result, as its callers do."""
    fed = {index for event in events if isinstance(event, RnnCall) and event.hx is not None
           for index, arg in enumerate(args)
           for _, case in cases(event.hx) if isinstance(case, Tensor) and case.key is not None
           and any(case == param for _, param in cases(arg))}
    builders = {name for current in _class_chain(info) for name in current.methods
                if name.lower().replace("_", "") in STATE_INITIALISERS}
    if len(fed) != 1 or len(builders) != 1:
        return
    name = builders.pop()
    method, method_owner = interpreter.find_method(name, info)
    if method is None or method is forward:
        return
    built = interpreter.call_bound(method, dict(state), [], method_owner, guard=assumed)
    if not any(isinstance(case, (Tensor, TupleValue)) for _, case in cases(built)):
        return
    index = fed.pop()
    linked = args[:index] + [built] + args[index + 1:]
    parameter, default = positional_parameters(forward)[1:][index]
    guard = assumed
    if isinstance(default, ast.Constant) and default.value is None:
        # this run is the one where the caller passes the state: `state is None` is false in it
        guard = assumed | {(Omitted(parameter.arg), False)}
    interpreter.call_bound(forward, dict(state), linked, owner, guard=guard)


def _class_chain(info: ClassInfo) -> list[ClassInfo]:
    chain: list[ClassInfo] = []
    pending = [info]
    while pending:
        current = pending.pop(0)
        if current is not None and all(current is not known for known in chain):
            chain.append(current)
            pending.extend(current.bases)
    return chain


def _analyse_function(function: ast.FunctionDef, imports: ImportTable, constants: dict, classes: dict) -> ScopeFacts:
    interpreter = Interpreter(imports, constants, classes, None)
    interpreter.call_function(function, {}, [], {}, bound_self=False)
    return ScopeFacts(name=function.name, kind="function", node=function, layers=interpreter.layers,
                      events=interpreter.events, aliases=interpreter.aliases, bound_names=interpreter.bound_names,
                      head_calls=interpreter.head_calls)


def _analyse_module_level(module: ast.Module, body: list, imports: ImportTable, constants: dict,
                          classes: dict) -> ScopeFacts:
    interpreter = Interpreter(imports, constants, classes, None)
    statements = [s for s in body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    state: dict = {}
    try:
        interpreter.exec_block(statements, state)
    except PathEnds:
        pass
    return ScopeFacts(name="<module>", kind="module", node=module, layers=interpreter.layers,
                      events=interpreter.events, aliases=interpreter.aliases, bound_names=interpreter.bound_names,
                      head_calls=interpreter.head_calls)
