"""Small helpers shared by rules: reading facts, wording values for messages."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any, TypeVar

from .._analysis import (  # noqa: F401 - the rules' API
    SHAPE_PRESERVING,
    Built,
    Called,
    Layer,
    LayerCall,
    Omitted,
    Opaque,
    Tensor,
    Value,
    argument,
    argument_value,
    cases,
    merge_guards,
    split_flag,
    unpacks,
)
from .._source import text_of

T = TypeVar("T")


def layers_in(value: Value, guard: frozenset, kinds: tuple | None = None) -> Iterator[tuple[frozenset, Layer]]:
    for case_guard, case in cases(value, guard):
        # torch kinds: an in-file class named like one (`class LSTMCell(nn.Module)`) is not one
        if isinstance(case, Layer) and (kinds is None or (case.kind in kinds and case.module_class is None)):
            yield case_guard, case


def tensors_in(value: Value, guard: frozenset) -> Iterator[tuple[frozenset, Tensor]]:
    for case_guard, case in cases(value, guard):
        if isinstance(case, Tensor):
            yield case_guard, case


def head_linear(layer: Layer) -> Layer | None:
    """The Linear that first touches the features when ``layer`` is called: itself or a Sequential's."""
    if layer.kind == "Linear":
        return layer
    if layer.kind == "Sequential" and layer.items:
        for item in layer.items:
            if not isinstance(item, Layer):
                return None
            if item.kind == "Linear":
                return item
            if item.kind not in SHAPE_PRESERVING or item.kind == "LayerNorm":
                return None
    return None


def head_calls(facts) -> Iterator[tuple]:
    """``(scope, event, guard, called, head)`` for every call of a layer whose first step is a
    ``Linear`` (the layer itself, or a Sequential's), under each case of the called layer."""
    for scope, event in facts.of(LayerCall):
        if not event.args:
            continue
        for guard, called in layers_in(event.layer, event.guard):
            head = head_linear(called)
            if head is not None:
                yield scope, event, guard, called, head


def show(value: Value, aliases: dict | None = None) -> str:
    """A value as it reads in a message, in backticks."""
    names = (lambda atom: aliases.get(atom, atom)) if aliases else None
    return f"`{value.describe(names)}`"


def show_shape(tensor: Tensor, aliases: dict | None = None) -> str:
    names = (lambda atom: aliases.get(atom, atom)) if aliases else None
    return f"`{tensor.describe(names)}`"


def run_of(guard: frozenset) -> frozenset:
    """The construction sites a guard is under: the outcomes of one configuration's run are
    judged together, apart from the class's own symbolic run and from other sites' runs."""
    return frozenset(atom for atom, truth in guard if isinstance(atom, Built) and truth)


def where_run(guard: frozenset) -> str:
    """`` (as built at train.py:86)``, `` (as called at train.py:19)``: the construction sites and
    the callers' calls a guard is under, nothing for the class's own run."""
    # a construction site's configuration reads as where the class was built
    sites = sorted((atom.file, atom.line) for atom, truth in guard
                   if isinstance(atom, Built) and not isinstance(atom, Called) and truth)
    places = [f"{file}:{line}" if file else str(line) for file, line in sites]
    built = f" (as built at {'' if sites[0][0] else 'line '}{', '.join(places)})" if sites else ""
    # a caller's run reads as where the file's class was called
    calls = sorted(f"{atom.file}:{atom.line}" for atom, truth in guard if isinstance(atom, Called) and truth)
    return built + (f" (as called at {', '.join(calls)})" if calls else "")


MAX_JOINED_ATOMS = 8  # conditions over more atoms are not joined: every assignment is tried


def _widened(guard: frozenset, holding: list, atoms: list) -> frozenset:
    """``guard`` without each literal whose removal leaves a condition every assignment of which
    (over ``atoms``) meets one of ``holding``: the finding holds there too."""
    current = frozenset(guard)
    for literal in sorted(guard, key=repr):
        if _covered(current - {literal}, holding, atoms):
            current = current - {literal}
    return current


def _covered(cube: frozenset, holding: list, atoms: list) -> bool:
    from itertools import product

    fixed = {atom for atom, _ in cube}
    free = [atom for atom in atoms if atom not in fixed]
    for truths in product((True, False), repeat=len(free)):
        assignment = cube | frozenset(zip(free, truths, strict=True))
        if not any(guard <= assignment for guard in holding):
            return False
    return True


class Condition(str):
    """The text ``when`` gives a condition, with what it was made of: ``stated``, the literals
    it names, and ``run``, the construction sites and callers' calls it says the finding comes
    from. The engine joins the conditions of one finding seen under several (``joined``)."""

    stated: frozenset
    run: frozenset
    unstated: bool  # whether the guard had literals the text leaves out (unknown branches, optional arguments)

    def __new__(cls, text: str, stated: frozenset, run: frozenset, unstated: bool = False) -> Condition:
        made = super().__new__(cls, text)
        made.stated, made.run, made.unstated = stated, run, unstated
        return made


def when(guard: frozenset) -> str:
    """`` when `bidirectional` is true`` for a finding that holds only under a condition."""
    # a branch the analysis could not evaluate says nothing a reader can act on, nor does
    # whether an optional forward argument (`lengths=None`) was passed: only configuration does
    told = frozenset(literal for literal in guard if not isinstance(literal[0], (Opaque, Omitted)))
    run = frozenset(literal for literal in told if isinstance(literal[0], Built))
    stated = told - run
    return Condition(_stated(stated) + where_run(run), stated, run, unstated=len(told) < len(guard))


def _stated(guard: frozenset) -> str:
    if not guard:
        return ""
    parts = []
    for atom, truth in sorted(guard):
        # a relation reads as a statement; a flag (even one spelt with an operator) as a truth
        reads_as_statement = any(op in atom.text for op in ("==", " in ", "<", ">"))
        parts.append(f"`{atom}` is {'true' if truth else 'false'}" if not reads_as_statement
                     else (f"`{atom}`" if truth else f"not `{atom}`"))
    return " when " + " and ".join(parts)


def joined(conditions: list) -> Condition:
    """One condition for a finding the same run reports under each of ``conditions``: each
    stated condition without the literals it holds without (``_widened``), and those
    that remain, when several, as alternatives: `` when `bidirectional` is true, or when
    `num_layers > 1` ``."""
    holding = [condition.stated for condition in conditions]
    atoms = sorted({atom for guard in holding for atom, _ in guard}, key=repr)
    if len(atoms) > MAX_JOINED_ATOMS:
        return conditions[0]
    widened: list = []
    for guard in holding:
        wide = _widened(guard, holding, atoms)
        if wide not in widened:
            widened.append(wide)
    minimal = [guard for guard in widened if not any(other < guard for other in widened)]
    minimal.sort(key=lambda guard: (len(guard), sorted(map(repr, guard))))
    run = conditions[0].run
    if any(not guard for guard in minimal):
        return Condition(where_run(run), frozenset(), run)
    text = ", or".join(_stated(guard) for guard in minimal)
    return Condition(text + where_run(run), minimal[0] if len(minimal) == 1 else frozenset(), run)


def layer_label(layer: Layer) -> str:
    return f"`{layer.name}`" if layer.name else f"this `{layer.kind}`"


def directed_label(layer: Layer, guard: frozenset) -> str:
    """``bidirectional `self.lstm` ``, or ``this bidirectional `LSTM` `` for a layer of no name."""
    word = direction_word(layer, guard)
    return f"{word}`{layer.name}`" if layer.name else f"this {word}`{layer.kind}`"


def direction_word(layer: Layer, guard: frozenset) -> str:
    """``bidirectional `` when the layer certainly is under ``guard``."""
    flags = {flag for _, flag in split_flag(layer.param("bidirectional"), guard)}
    return "bidirectional " if flags == {True} else ""


def operand(lines, node: ast.expr) -> str:
    """The original text of ``node`` as an operand of ``*``: in parentheses unless it binds
    tighter (a name, attribute, call, subscript or plain constant). The parser's span leaves
    out the node's own parentheses, which stay around an edit."""
    atomic = isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)) or (
        isinstance(node, ast.Constant) and (node.value is None or type(node.value) in (int, bool))
    )
    text = lines.segment(node)
    return text if atomic else f"({text})"


def source_of(node: ast.AST, limit: int = 80) -> str:
    """The code of ``node`` on one line, shortened for a message."""
    text = " ".join(text_of(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def definite(outcomes: list[tuple[frozenset, Any, T]]) -> Iterator[tuple[frozenset, T]]:
    """``(guard, payload)`` of each ``(guard, True, payload)`` outcome that no ``(guard, False, _)``
    outcome contradicts once opaque conditions are set aside: they may be tied to facts unseen.
    ``None`` marks an outcome nothing is known about; it contradicts nothing.

    An outcome that needs both an optional forward argument left out (``cond is None``) and a
    configuration (``cond_dim``) may never happen: callers may pass the argument exactly when
    the model is so configured. It is kept only if every outcome with the argument left out is
    flagged (the default call breaks whatever the configuration), or every outcome under that
    configuration is (passing the argument does not help)."""
    for guard, flagged, payload in outcomes:
        if flagged is not True:
            continue
        aside = set_aside(guard)
        free = guard - aside
        optional = frozenset(literal for literal in aside if isinstance(literal[0], Omitted))
        if optional:
            for reduced in (optional, free):
                if all(other is True for other_guard, other, _ in outcomes
                       if merge_guards(other_guard, reduced) is not None):
                    yield reduced, payload
                    break
            continue
        if all(other is not False for other_guard, other, _ in outcomes if merge_guards(other_guard, free) is not None):
            yield free, payload


def origin_of(value, configuration) -> str:
    """`` (argparse default, train.py:8)`` when ``value`` is, unchanged, an option's default a
    construction site passes (the configuration's binding is that very value); else nothing."""
    if configuration is None or isinstance(value, tuple):
        return ""
    for _, bound, origin in configuration.bindings:
        if bound is value and origin.startswith("argparse default"):
            return f" ({origin})"
    return ""


def widest(guard: frozenset, holding: list) -> frozenset:
    """``guard`` with each literal dropped whose other side is covered too: a finding that holds
    under ``g and x`` and under ``g and not x`` (each guard of ``holding`` is one it holds
    under) holds under ``g``, and says so without naming ``x``."""
    current = frozenset(guard)
    changed = True
    while changed:
        changed = False
        for literal in sorted(current, key=repr):
            atom, truth = literal
            flipped = (current - {literal}) | {(atom, not truth)}
            if any(other <= flipped for other in holding):
                current = current - {literal}
                changed = True
                break
    return current


def set_aside(guard: frozenset) -> frozenset:
    """The literals of a guard no finding may rest on: conditions the analysis cannot evaluate,
    and whether an optional argument was passed where a configuration is needed too."""
    unknown = {literal for literal in guard if isinstance(literal[0], Opaque)}
    optional = {literal for literal in guard if isinstance(literal[0], Omitted)}
    return frozenset(unknown | optional) if optional and guard - unknown - optional else frozenset(unknown)


def condition_of(comparison, case_guard: frozenset) -> frozenset:
    """The configuration under which a DIFFERENT comparison holds (``when`` drops opaque conditions)."""
    return comparison.guard | case_guard
