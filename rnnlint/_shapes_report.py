"""``rnnlint shapes``: what the analysis understood, layer by layer and line by line."""

from __future__ import annotations

from ._analysis._symbolic import Alt, cases
from ._analysis._values import Layer, TupleValue


def shapes_report(source: str, path: str) -> str:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    from ._analysis import analyse

    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        return f"error: syntax error at line {error.raw_line}: {str(error.message).splitlines()[0]}"
    facts = analyse(module)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
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
                line = positions[note.node].start.line if note.node in positions else 0
                for label, text in _bindings(note.name, note.value, names):
                    out.append(f"    {line:>4}  {label}: {text}")
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
    return " and ".join(atom if truth else f"not {atom}" for atom, truth in sorted(guard))


def _bindings(name: str, value, names):
    """``out, (h, c) = ...`` shown as one line per bound name."""
    import libcst as cst

    try:
        target = cst.parse_expression(name) if name != "return" else None
    except Exception:  # noqa: BLE001
        target = None
    if isinstance(target, (cst.Tuple, cst.List)):
        yield from _unpack(target, value, names)
        return
    yield name, _describe_value(value, names)


def _unpack(target, value, names):
    import libcst as cst

    for index, element in enumerate(target.elements):
        item = _item(value, index, len(target.elements))
        inner = element.value
        if isinstance(inner, (cst.Tuple, cst.List)):
            yield from _unpack(inner, item, names)
        elif isinstance(inner, cst.Name) and inner.value == "_":
            continue
        else:
            yield cst.Module(body=[]).code_for_node(inner), _describe_value(item, names)


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
