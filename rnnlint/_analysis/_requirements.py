"""Sizes a run can only have if its layer calls are to go through.

A ``Linear`` given a tensor whose last axis is ``2 * num_layers * hidden`` where it takes
``2 * hidden`` raises unless ``num_layers`` is 1. When such an equation has exactly one
solution for one size symbol, the run that reaches the call has that size: a rule that judges
an earlier step of the same run (a ``reshape`` of ``h_n`` that scrambles samples only when there
are several layers) judges it with the size pinned. The layer call itself is left to the rules
that judge layer widths: an equation the analysis cannot decide is no finding.
"""

from __future__ import annotations

from fractions import Fraction

from .. import _pytorch
from ._facts import LayerCall, ScopeFacts
from ._symbolic import EQUAL, Poly, Relation, Value, cases, compare
from ._values import Tensor

# layers whose first argument's last axis must equal a constructor parameter
_WIDTH_PARAMETER = {_pytorch.LINEAR: "in_features"}


def required_sizes(scope: ScopeFacts) -> dict[frozenset, dict[str, int]]:
    """``{guard of the call: {symbol: value}}`` for the layer calls of ``scope`` whose input
    width matches the layer's only for one value of one size symbol."""
    required: dict[frozenset, dict[str, int]] = {}
    for event in scope.events:
        if not isinstance(event, LayerCall) or not event.args or not isinstance(event.args[0], Tensor):
            continue
        spec = _pytorch.LAYERS.get(event.layer.kind)
        parameter = _WIDTH_PARAMETER.get(spec.family) if spec is not None else None
        tensor = event.args[0]
        if parameter is None or tensor.shape is None or not tensor.shape:
            continue
        found = _only_solution(tensor.shape[-1], event.layer.param(parameter), event.guard)
        if found is not None:
            required.setdefault(event.guard, {}).update([found])
    return required


def pinned_guard(guard: frozenset, required: dict[frozenset, dict[str, int]]) -> frozenset:
    """``guard`` with the sizes of every requirement whose call runs wherever ``guard`` holds."""
    atoms = {(Relation(symbol, "==", str(value)), True)
             for call_guard, sizes in required.items() if call_guard <= guard
             for symbol, value in sizes.items()}
    return guard | atoms if atoms else guard


def _only_solution(width: Value, expected: Value, guard: frozenset) -> tuple[str, int] | None:
    """``(symbol, value)`` when ``width == expected`` holds for exactly one positive integer value
    of one symbol, every other symbol being a size (positive): the difference is
    ``c * (symbol - value)`` with ``c`` one monomial."""
    width_cases, expected_cases = list(cases(width, guard)), list(cases(expected, guard))
    if len(width_cases) != 1 or len(expected_cases) != 1:
        return None
    first, second = width_cases[0][1], expected_cases[0][1]
    if not isinstance(first, Poly) or not isinstance(second, Poly) or first.is_opaque or second.is_opaque:
        return None
    if compare(first, second, guard).verdict == EQUAL:
        return None
    difference = first - second
    for symbol in sorted(difference.atoms):
        with_symbol, without = {}, {}
        for mono, coeff in difference.terms:
            count = mono.count(symbol)
            if count > 1:
                break
            if count:
                rest = list(mono)
                rest.remove(symbol)
                with_symbol[tuple(rest)] = coeff
            else:
                without[mono] = coeff
        else:
            if len(with_symbol) != 1:
                continue
            ((mono, coeff),) = with_symbol.items()
            if len(without) > 1 or (without and next(iter(without)) != mono):
                continue
            root = -Fraction(without.get(mono, 0)) / Fraction(coeff)
            if root.denominator == 1 and root > 0:
                return symbol, int(root)
    return None
