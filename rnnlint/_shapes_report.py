"""``rnnlint shapes``: what the analysis understood, layer by layer and line by line.

``shapes_report`` is the text; ``shapes_data`` the same facts (and the file's findings) as a
plain dict with a versioned schema (docs/shapes-json.md), which the pictures are drawn from.
"""

from __future__ import annotations

import ast

from ._analysis import WHOLE_SLICE, IndexInt, IndexSlice, LayerCall, Return, takes_axis
from ._analysis._symbolic import Alt, Bool, Const, Poly, Unknown, as_int, cases
from ._analysis._values import Layer, Packed, Tensor, TupleValue
from ._source import SourceLines, text_of, walk

SCHEMA_VERSION = 1

# axis roles of the analysis -> the axis names PyTorch's documentation uses
AXIS_NAMES = {"batch": "batch", "time": "seq", "feature": "feature", "layers*directions": "num_layers*num_directions"}


def shapes_report(source: str, path: str) -> str:
    from ._analysis import analyse
    from ._engine import parse_source

    tree = parse_source(source, path)
    if not isinstance(tree, ast.Module):
        return f"error: {tree.message} at line {tree.row}"
    facts = analyse(tree, source, project=_project_of(path), path=path)
    out = []
    for scope in facts.scopes:
        if scope.kind != "class":
            continue
        names = _namer(scope.aliases)
        configuration = scope.configuration
        if configuration is None:
            out.append(f"{path}: class {scope.name}")
        else:
            # a configuration: the class as one construction site builds it, and where each value comes from
            out.append(f"{path}: class {scope.name}, as built at {configuration.place}")
            shown = ", ".join(f"{name}={value.describe(names)}" + (f" ({origin})" if origin != "passed" else "")
                              for name, value, origin in configuration.bindings)
            out.append(f"  configuration: {shown}")
        layers = _layer_attributes(scope)
        if layers:
            out.append("  layers:")
            for name, value in layers:
                out.append(f"    self.{name} = {_describe_layer(value, names)}")
        if scope.shape_notes:
            out.append("  forward:")
            for note in scope.shape_notes:
                for label, value in _bindings(note):
                    out.append(f"    {note.node.lineno:>4}  {label}: {_describe_value(value, names)}")
        out.append("")
    if not out:
        return f"{path}: no nn.Module classes found"
    return "\n".join(out).rstrip()


def _project_of(path: str):
    """The project a file on disk belongs to, as `rnnlint check` reads it: its imports and the
    construction sites of its classes in other project files (None for text without a file)."""
    import os

    if not os.path.isfile(path):
        return None
    from ._project import project_for

    return project_for(os.path.abspath(path))


def _namer(aliases: dict):
    return lambda atom: aliases.get(atom, atom)


def _layer_attributes(scope) -> list:
    return [(name, value) for name, value in scope.attributes.items()
            if any(isinstance(case, Layer) for _, case in cases(value))]


def _describe_layer(value, names) -> str:
    if isinstance(value, Alt):
        return " | ".join(
            f"{case.describe(names)} if {_guard_text(guard)}" if guard else case.describe(names)
            for guard, case in value.cases
        )
    return value.describe(names)


def _guard_text(guard) -> str:
    return " and ".join(str(atom) if truth else f"not {atom}" for atom, truth in sorted(guard))


def _bindings(note):
    """``out, (h, c) = ...`` as one ``(name, value)`` per bound name."""
    statement = note.node
    target = statement.targets[0] if isinstance(statement, ast.Assign) else getattr(statement, "target", None)
    if isinstance(target, (ast.Tuple, ast.List)):
        yield from _unpack(target, note.value)
        return
    yield note.name, note.value


def _unpack(target, value):
    for index, inner in enumerate(target.elts):
        item = _item(value, index, len(target.elts))
        if isinstance(inner, (ast.Tuple, ast.List)):
            yield from _unpack(inner, item)
        elif isinstance(inner, ast.Name) and inner.id == "_":
            continue
        else:
            yield text_of(inner), item


def _item(value, index: int, count: int):
    from ._analysis._symbolic import UNKNOWN, alternatives

    options = []
    for guard, case in cases(value):
        if isinstance(case, TupleValue) and len(case.items) == count:
            options.append((guard, case.items[index]))
        else:
            options.append((guard, UNKNOWN))
    return alternatives(options)


def _describe_value(value, names) -> str:
    if isinstance(value, Alt):
        return " | ".join(
            f"{case.describe(names)} if {_guard_text(guard)}" if guard else case.describe(names)
            for guard, case in value.cases
        )
    return value.describe(names)


# --- the same facts as data ----------------------------------------------------------------------


def shapes_data(source: str, path: str, config=None) -> dict:
    """The layers, forward shapes, recurrent calls and findings of one file, as plain data.

    >>> shapes_data("import torch.nn as nn\\n", "m.py")["classes"]
    []
    """
    from ._analysis import analyse
    from ._config import Config
    from ._engine import check_source, parse_source

    data: dict = {"version": SCHEMA_VERSION, "path": path, "error": None, "classes": [], "findings": []}
    tree = parse_source(source, path)
    if not isinstance(tree, ast.Module):
        data["error"] = {"message": tree.message, "location": {"row": tree.row, "column": tree.column + 1}}
        return data
    project = _project_of(path)
    facts = analyse(tree, source, project=project, path=path)
    lines = SourceLines(source)
    findings = [_finding_json(finding)
                for finding in check_source(source, path, config or Config(), project=project).findings]
    for scope in facts.scopes:
        # a class as one construction site builds it is the text report's; the schema keeps one entry a class
        if scope.kind == "class" and scope.configuration is None:
            data["classes"].append(_class_data(scope, lines))
    _place_findings(data, findings)
    return data


def _class_data(scope, lines: SourceLines) -> dict:
    names = _namer(scope.aliases)
    node = scope.node
    entry = {
        "name": scope.name,
        "location": _location(node, lines),
        "end_row": node.end_lineno,
        "layers": [_layer_data(name, value, names, lines) for name, value in _layer_attributes(scope)],
        "forward": _forward_data(scope, names, lines),
        "recurrent": _recurrent_data(scope, names, lines),
        "findings": [],
    }
    return entry


def _layer_data(name: str, value, names, lines: SourceLines) -> dict:
    first = next(case for _, case in cases(value) if isinstance(case, Layer))
    node = first.node
    return {
        "attribute": f"self.{name}",
        "text": _describe_layer(value, names),
        "location": _location(node, lines),
        "end_row": getattr(node, "end_lineno", None),
        "cases": [{"when": _guard_json(guard), "kind": case.kind,
                   "config": {key: _scalar(param, names) for key, param in case.params}}
                  for guard, case in cases(value) if isinstance(case, Layer)],
        "findings": [],
    }


def _forward_data(scope, names, lines: SourceLines) -> list:
    rows: dict = {}
    for note in scope.shape_notes:
        row = note.node.lineno
        entry = rows.setdefault(row, {"row": row, "code": lines.segment(note.node).split("\n")[0].strip(),
                                      "tensors": [], "findings": []})
        for label, value in _bindings(note):
            entry["tensors"].append({"name": label, **_value_json(value, names)})
    return [rows[row] for row in sorted(rows)]


def _value_json(value, names, outer: frozenset = frozenset()) -> dict:
    """``outer``: the guard the caller states already (a configuration's), left out of ``when``."""
    return {"text": _describe_value(value, names),
            "cases": [{"when": _guard_json(guard - outer), **_case_json(case, names)} for guard, case in cases(value)]}


def _case_json(case, names) -> dict:
    if isinstance(case, Tensor):
        shape = None if case.shape is None else [_dim(axis, names) for axis in case.shape]
        axes = None
        if case.shape is not None and case.roles is not None and len(case.roles) == len(case.shape):
            axes = [AXIS_NAMES.get(role) for role in case.roles]
        out = {"kind": "tensor", "shape": shape, "axes": axes}
        if case.shape is None:
            out["last"] = _dim(case.feature, names)
        out["origin"] = case.origin
        out["rnn"] = case.rnn.name or None if isinstance(case.rnn, Layer) else None
        return out
    if isinstance(case, TupleValue):
        return {"kind": "tuple", "items": [_value_json(item, names) for item in case.items]}
    if isinstance(case, Packed):
        return {"kind": "packed", "features": _dim(case.feature, names)}
    return {"kind": "other", "text": case.describe(names)}


def _dim(value, names) -> str | None:
    if isinstance(value, Unknown) or value is None:
        return None
    text = value.describe(names)
    return None if text == "?" else text


def _scalar(value, names):
    """A configuration value: a bool, int or float when known, a string for an expression
    (``2*HL_size``) or a Python literal (``'tanh'``), None when not known."""
    if isinstance(value, Bool) and value.truth is not None:
        return value.truth
    if isinstance(value, Poly) and value.constant is not None:
        constant = value.constant
        return int(constant) if constant.denominator == 1 else float(constant)
    if isinstance(value, Const) and value.value is None:
        return None
    return _dim(value, names)


def _guard_json(guard) -> list:
    from ._analysis import Opaque

    return [{"condition": atom.source if isinstance(atom, Opaque) else str(atom), "is": truth}
            for atom, truth in sorted(guard)]


def _location(node, lines: SourceLines) -> dict | None:
    if node is None or getattr(node, "lineno", None) is None:
        return None
    return {"row": node.lineno, "column": lines.character_column(node.lineno, node.col_offset) + 1}


def _span(node, lines: SourceLines) -> dict:
    position = lines.characters(node)
    assert position is not None  # the node of a fact has its position
    row, column, end_row, end_column = position
    return {"location": {"row": row, "column": column + 1}, "end_location": {"row": end_row, "column": end_column + 1}}


def _finding_json(finding) -> dict:
    return {
        "code": finding.code,
        "name": finding.name,
        "message": finding.message,
        "location": {"row": finding.row, "column": finding.column + 1},
        "end_location": {"row": finding.end_row or finding.row, "column": (finding.end_column or finding.column) + 1},
        "fixable": finding.fix is not None and finding.fix.safe,
    }


def _place_findings(data: dict, findings: list) -> None:
    """Each finding once: on the layer whose constructor holds it, the forward line it is on,
    the class it is in, or else the file."""
    for finding in findings:
        row = finding["location"]["row"]
        place = data["findings"]
        for entry in data["classes"]:
            if not entry["location"]["row"] <= row <= entry["end_row"]:
                continue
            place = entry["findings"]
            for layer in entry["layers"]:
                if layer["location"] and layer["location"]["row"] <= row <= (layer["end_row"] or row):
                    place = layer["findings"]
                    break
            else:
                forward = {line["row"]: line for line in entry["forward"]}
                if row in forward:
                    place = forward[row]["findings"]
            break
        place.append(finding)


# --- recurrent calls: what the picture draws ---------------------------------------------------


def _recurrent_data(scope, names, lines: SourceLines) -> list:
    from ._analysis import RnnCall, recurrent_result
    from ._analysis._values import rnn_configs

    calls, seen = [], set()
    for event in scope.events:
        if not isinstance(event, RnnCall):
            continue
        layer = event.rnn
        if id(layer.node) in seen:
            continue  # one picture per layer: the first call shows what later ones return too
        seen.add(id(layer.node))
        result = recurrent_result(event)
        configurations = []
        for guard, config in rnn_configs(layer, event.guard):
            configurations.append(_configuration(guard, config, event, result, names))
        calls.append({
            "attribute": layer.name or None,
            "kind": layer.kind,
            **_span(event.node, lines),
            "defined": _location(layer.node, lines),
            "input_text": text_of(event.input_node) if event.input_node is not None else None,
            "input_rows": _input_rows(scope, event, event.input_node),
            "state_text": text_of(event.hx_node) if event.hx_node is not None else None,
            "state_rows": _input_rows(scope, event, event.hx_node) if event.hx_node is not None else [],
            "cases": configurations,
            "reads": _reads(scope, layer, lines),
        })
    _link_heads(scope, calls, lines, names)
    return calls


def _configuration(guard, config, event, result, names) -> dict:
    from . import _shapes
    from ._analysis._symbolic import restrict

    def dim(value):
        return _scalar(value, names) if value is not None and not isinstance(value, (int, float)) else value

    batch, seq = Poly.atom("batch"), Poly.atom("seq")
    expected = _shapes.input_shape(config, batch, seq)
    roles = ("batch", "time", "feature") if config.batch_first else ("time", "batch", "feature")
    output, state = _result_parts(restrict(result, guard))
    return {
        "when": _guard_json(guard),
        "num_layers": dim(config.num_layers),
        "num_directions": _shapes.num_directions(config),
        "batch_first": config.batch_first,
        "hidden_size": dim(config.hidden_size),
        "input": _value_json(restrict(event.input, guard), names, guard),
        "expected_input": None if expected is None or config.batch_first is None else {
            "shape": [_dim(axis, names) if not isinstance(axis, (int, float)) else str(axis) for axis in expected],
            "axes": [AXIS_NAMES[role] for role in roles]},
        "output": output and _value_json(output, names, guard),
        "h_n": state[0] and _value_json(state[0], names, guard),
        "c_n": state[1] and _value_json(state[1], names, guard),
        "initial_state": None if event.hx is None else _value_json(restrict(event.hx, guard), names, guard),
        "expected_h_0": _shape_list(_shapes.hidden_state_shape(config, batch), names),
    }


def _shape_list(shape, names):
    if shape is None:
        return None
    return [str(axis) if isinstance(axis, int) else _dim(axis, names) for axis in shape]


def _result_parts(result):
    """``(output, (h_n, c_n or None))`` of a recurrent result under one configuration."""
    for _, case in cases(result):
        if isinstance(case, TupleValue) and len(case.items) == 2:
            output, state = case.items
            for _, inner in cases(state):
                if isinstance(inner, TupleValue) and len(inner.items) == 2:
                    return output, (inner.items[0], inner.items[1])
            return output, (state, None)
    return None, (None, None)


def _of_layer(value, layer: Layer):
    """The cases of ``value`` that are tensors straight from ``layer``'s call."""
    return [(guard, case) for guard, case in cases(value)
            if isinstance(case, Tensor) and case.origin in ("output", "h_n", "c_n")
            and isinstance(case.rnn, Layer) and case.rnn.node is layer.node]


def _reads(scope, layer: Layer, lines: SourceLines) -> list:
    """Where forward takes a part of the layer's ``output``, ``h_n`` or ``c_n``."""
    from ._analysis import Reduce, TensorSubscript
    from ._analysis._values import rnn_configs

    reads = []
    detail: object
    for event in scope.events:
        if isinstance(event, TensorSubscript):
            found = _of_layer(event.tensor, layer)
            kind, detail = "index", event.items
        elif isinstance(event, Reduce):
            found = _of_layer(event.tensor, layer)
            kind, detail = "reduce", event.axis
        elif isinstance(event, LayerCall) and event.args and event.node.args:
            found = _of_layer(event.args[0], layer)
            kind, detail = "whole", None
        else:
            continue
        if not found:
            continue
        node = event.node.args[0] if kind == "whole" else event.node
        origin = found[0][1].origin
        read_cases = []
        for guard, config in rnn_configs(layer, event.guard):
            read_cases.append({"when": _guard_json(guard), **_cells(origin, kind, detail, config)})
        reads.append({"of": origin, "text": text_of(node), **_span(node, lines), "into": None,
                      "cases": read_cases, "_node": node})
    # one entry per place in the code: a loop, or each configuration of the tensor, records it again
    unique: dict = {}
    for read in reads:
        key = (read["location"]["row"], read["location"]["column"], read["text"])
        if key not in unique:
            unique[key] = read
            continue
        known = unique[key]["cases"]
        known.extend(case for case in read["cases"] if all(case["when"] != other["when"] for other in known))
    return list(unique.values())


def _cells(origin: str, kind: str, detail, config) -> dict:
    """Which cells of the grid a read takes: ``steps`` of ``output`` (``all``, ``first``,
    ``last``, a 0-based index, or None when not known), ``directions`` of its features, and
    ``slots`` of ``h_n``/``c_n`` (``all``, or a list of ``{layer, direction}``)."""
    from . import _shapes

    directions = _shapes.num_directions(config)
    if origin == "output":
        time_axis = _shapes.time_axis(config)
        if kind == "whole":
            return {"steps": "all", "directions": "both", "batch": "all"}
        if kind == "reduce":
            index = as_int(detail) if isinstance(detail, Poly) else None
            roles = ("batch", "time", "feature") if config.batch_first else ("time", "batch", "feature")
            pooled = AXIS_NAMES[roles[index]] if index is not None and -3 <= index < 3 and time_axis is not None \
                else None
            return {"steps": "all", "directions": "both", "batch": "all", "pooled": pooled}
        if time_axis is None or not all(takes_axis(item) for item in detail):
            return {"steps": None, "directions": None, "batch": None}
        items = list(detail) + [WHOLE_SLICE] * (3 - len(detail))
        batch_axis = 1 - time_axis
        return {"steps": _take(items[time_axis]), "directions": _feature_half(items[2], config, directions),
                "batch": "all" if _take(items[batch_axis]) == "all" else "one"}
    # h_n or c_n
    if kind in ("whole", "reduce"):
        return {"slots": "all", "batch": "all"}
    if not detail or not all(takes_axis(item) for item in detail):
        return {"slots": None, "batch": None}
    items = list(detail) + [WHOLE_SLICE] * (3 - len(detail))
    layers = as_int(config.num_layers) if isinstance(config.num_layers, Poly) else (
        config.num_layers if isinstance(config.num_layers, int) else None)
    return {"slots": _slots(items[0], directions, layers), "batch": "all" if _take(items[1]) == "all" else "one"}


def _take(item):
    if isinstance(item, IndexSlice):
        return "all" if item.whole else "some"
    index = as_int(item.value)
    if index is None:
        return None
    return {0: "first", -1: "last"}.get(index, index)


def _feature_half(item, config, directions):
    from . import _shapes

    if not isinstance(item, IndexSlice):
        return None
    lower, upper, step = item.lower, item.upper, item.step
    if item.whole:
        return "both"
    size = _shapes.hidden_output_size(config)
    if directions == 2 and step is None and size is not None:
        if lower is None and upper == size:
            return "forward"
        if upper is None and lower == size:
            return "backward"
    return None


def _slots(item, directions, layers):
    """``h_n[i]``: the (layer, direction) pairs it takes; layers count from 0, negative from
    the last layer, as Python indexes."""
    if directions is None:
        return None
    total = layers * directions if layers is not None else None
    if isinstance(item, IndexInt):
        index = as_int(item.value)
        return None if index is None else [_slot(index, directions, layers)]
    lower, upper, step = item.lower, item.upper, item.step
    bounds = [None if bound is None else as_int(bound) for bound in (lower, upper, step)]
    if any(bound is None and given is not None for bound, given in zip(bounds, (lower, upper, step), strict=True)):
        return None
    start, stop, stride = bounds
    if total is not None:
        return [_slot(index, directions, layers) for index in range(total)[slice(start, stop, stride)]]
    if stride is None and stop is None and start is not None and start < 0:
        return [_slot(index, directions, None) for index in range(start, 0)]
    if stride is None and start in (None, 0) and stop is not None and stop > 0:
        return [_slot(index, directions, None) for index in range(stop)]
    if start is None and stop is None and stride is None:
        return "all"
    return None


def _slot(index: int, directions: int, layers: int | None) -> dict:
    if index >= 0:
        layer, direction = divmod(index, directions)
    else:
        back = -index - 1
        layer, direction = -(back // directions) - 1, directions - 1 - back % directions
        if layers is not None:
            layer += layers
    return {"layer": layer, "direction": "backward" if direction == 1 else "forward"}


def _link_heads(scope, calls: list, lines: SourceLines, names) -> None:
    """The ``Linear`` heads (and the ``return``) each read flows into, by the names forward
    assigns: ``last = h_n[-1]`` then ``self.fc(last)``."""
    from .rules._util import head_linear

    functions = [item for item in walk(scope.node) if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for call in calls:
        call["heads"] = []
        reads = call["reads"]
        for event in scope.events:
            if not isinstance(event, LayerCall) or not event.args or not event.node.args:
                continue
            layer_cases = [case for _, case in cases(event.layer) if isinstance(case, Layer)]
            heads = [head_linear(case) for case in layer_cases]
            if not layer_cases or heads[0] is None:
                continue
            reached = _reaching(event.node.args[0], functions, event.node.lineno)
            fed = [index for index, read in enumerate(reads) if id(read["_node"]) in reached]
            if not fed:
                continue
            received = {_dim(case.last_axis, names) for _, case in cases(event.args[0]) if isinstance(case, Tensor)}
            head_cases = []
            for guard, tensor in cases(event.args[0], event.guard):
                if not isinstance(tensor, Tensor):
                    continue
                for layer_guard, called in cases(event.layer, guard):
                    head = head_linear(called) if isinstance(called, Layer) else None
                    if head is None:
                        continue
                    for feature_guard, features in cases(head.param("in_features"), layer_guard):
                        head_cases.append({"when": _guard_json(feature_guard), "in_features": _scalar(features, names),
                                           "receives": _dim(tensor.last_axis, names)})
            entry = {
                "attribute": layer_cases[0].name or None,
                "kind": layer_cases[0].kind,
                **_span(event.node, lines),
                "defined": _location(layer_cases[0].node, lines),
                "argument": text_of(event.node.args[0]),
                "in_features": _scalar(heads[0].param("in_features"), names),
                "receives": received.pop() if len(received) == 1 else None,
                "cases": head_cases,
                "reads": fed,
            }
            if all(entry["location"] != head["location"] for head in call["heads"]):
                call["heads"].append(entry)
            for index in fed:
                reads[index]["into"] = reads[index]["into"] or entry["attribute"]
        for event in scope.events:
            if isinstance(event, Return) and event.forward and event.node.value is not None:
                reached = _reaching(event.node.value, functions, event.node.lineno)
                for read in reads:
                    if read["into"] is None and id(read["_node"]) in reached:
                        read["into"] = "return"
    for call in calls:
        for read in call["reads"]:
            del read["_node"]


def _input_rows(scope, event, node) -> list:
    """The rows of the statements whose values flow into the call's input (or initial state)
    ``node``, the call's own first."""
    if node is None:
        return [event.node.lineno]
    functions = [item for item in walk(scope.node) if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
    reached = _reaching(node, functions, event.node.lineno)
    rows = {statement.lineno for function in functions for statement in walk(function)
            if isinstance(statement, ast.Assign) and id(statement.value) in reached}
    return [event.node.lineno] + sorted(rows - {event.node.lineno})


def _reaching(expression: ast.expr, functions: list, row: int) -> set:
    """The ids of the nodes whose values flow into ``expression``: its own, and those of the
    last assignment before ``row`` to each name it reads, transitively."""
    reached = set()
    pending = [(expression, row, 0)]
    while pending:
        node, before, level = pending.pop()
        for inner in walk(node):
            reached.add(id(inner))
            if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load) and level < 8:
                for value in _reaching_assignments(inner.id, functions, before):
                    if id(value) not in reached:
                        pending.append((value, value.lineno, level + 1))
    return reached


def _reaching_assignments(name: str, functions: list, row: int) -> list:
    """The values of the assignments to ``name`` before ``row`` that a later one does not
    certainly replace: a later assignment in the same block, or in a block around the first,
    replaces it; one in a branch does not (``if bidirectional: h = cat(...) else: h = h_n[-1]``)."""
    for function in functions:
        if not function.lineno <= row <= (function.end_lineno or row):
            continue
        blocks = _blocks_of(function)  # id(statement) -> ids of the statement lists around it
        assignments = sorted((statement for statement in walk(function)
                              if isinstance(statement, ast.Assign) and statement.lineno < row
                              and any(name in _target_names(target) for target in statement.targets)),
                             key=lambda statement: statement.lineno)
        alive = []
        for index, first in enumerate(assignments):
            later = assignments[index + 1:]
            if not any(blocks.get(id(other), (None,))[0] in blocks.get(id(first), ()) for other in later):
                alive.append(first.value)
        return alive
    return []


def _blocks_of(function) -> dict:
    chains: dict = {}
    pending: list[tuple[list, tuple]] = [(function.body, ())]
    while pending:
        body, outer = pending.pop()
        chain = (id(body),) + outer
        for statement in body:
            chains[id(statement)] = chain
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(statement, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    pending.append((inner, chain))
            for handler in list(getattr(statement, "handlers", ()) or ()) + list(getattr(statement, "cases", ()) or ()):
                pending.append((handler.body, chain))
    return chains


def _target_names(target) -> set:
    return {node.id for node in walk(target) if isinstance(node, ast.Name)}
