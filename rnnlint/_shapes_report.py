"""``rnnlint shapes``: what the analysis understood, layer by layer and line by line."""

from __future__ import annotations

import ast

from ._analysis._symbolic import Alt, cases
from ._analysis._values import Layer, TupleValue
from ._source import text_of


def shapes_report(source: str, path: str) -> str:
    from ._analysis import analyse
    from ._engine import parse_source

    tree = parse_source(source, path)
    if not isinstance(tree, ast.Module):
        return f"error: {tree.message} at line {tree.row}"
    facts = analyse(tree, source)
    out = []
    for scope in facts.scopes:
        if scope.kind != "class":
            continue
        names = (lambda aliases: (lambda atom: aliases.get(atom, atom)))(scope.aliases)
        out.append(f"{path}: class {scope.name}")
        layers = [(name, value) for name, value in scope.attributes.items()
                  if any(isinstance(case, Layer) for _, case in cases(value))]
        if layers:
            out.append("  layers:")
            for name, value in layers:
                out.append(f"    self.{name} = {_describe_layer(value, names)}")
        if scope.shape_notes:
            out.append("  forward:")
            for note in scope.shape_notes:
                for label, text in _bindings(note, names):
                    out.append(f"    {note.node.lineno:>4}  {label}: {text}")
        out.append("")
    if not out:
        return f"{path}: no nn.Module classes found"
    return "\n".join(out).rstrip()


def _describe_layer(value, names) -> str:
    if isinstance(value, Alt):
        return " | ".join(
            f"{case.describe(names)} if {_guard_text(guard)}" if guard else case.describe(names)
            for guard, case in value.cases
        )
    return value.describe(names)


def _guard_text(guard) -> str:
    return " and ".join(str(atom) if truth else f"not {atom}" for atom, truth in sorted(guard))


def _bindings(note, names):
    """``out, (h, c) = ...`` shown as one line per bound name."""
    statement = note.node
    target = statement.targets[0] if isinstance(statement, ast.Assign) else getattr(statement, "target", None)
    if isinstance(target, (ast.Tuple, ast.List)):
        yield from _unpack(target, note.value, names)
        return
    yield note.name, _describe_value(note.value, names)


def _unpack(target, value, names):
    for index, inner in enumerate(target.elts):
        item = _item(value, index, len(target.elts))
        if isinstance(inner, (ast.Tuple, ast.List)):
            yield from _unpack(inner, item, names)
        elif isinstance(inner, ast.Name) and inner.id == "_":
            continue
        else:
            yield text_of(inner), _describe_value(item, names)


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
