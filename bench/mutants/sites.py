"""What an operator is, and what operators ask of one corpus file: its syntax and what its
original run did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import libcst as cst

from .recorder import Trace, from_rnn
from .syntax import SourceFacts, keyword, last_identifier, positional
from .torch_names import GATED_ORDER, RNN_ORDER


@dataclass
class Candidate:
    old: cst.CSTNode
    new: cst.CSTNode
    anchor: cst.CSTNode
    in_scope: bool


@dataclass(frozen=True)
class Operator:
    name: str
    code: str
    summary: str
    find: Callable


OPERATORS: list = []


def operator(code: str, summary: str):
    def register(find):
        OPERATORS.append(Operator(find.__name__, code, summary, find))
        return find
    return register


class Sites:
    """What the operators ask of one corpus file: its syntax and what its original run did."""

    def __init__(self, facts: SourceFacts, trace: Trace):
        import torch
        self.facts, self.trace = facts, trace
        self.rnn_calls = []           # (constructor call, module) for every RNN built
        named = set()
        for call in facts.of_type(cst.Call):
            module = trace.built(facts.end(call))
            if isinstance(module, torch.nn.RNNBase):
                self.rnn_calls.append((call, module))
                if self._names_rnn_class(call):
                    named.add(id(module))
        self._named = named

    def named(self, module) -> bool:
        """The RNN's class can be read from the code, not only from a run-time string or argument."""
        return id(module) in self._named

    def _names_rnn_class(self, call: cst.Call) -> bool:
        roots = [call.func]
        scope = self.facts.function_of(call)
        for node in self.facts.within(call.func, cst.Name):
            if scope is not None:
                roots.extend(self.facts.assignments(scope, node.value))
            roots.extend(self.facts.assignments(self.facts.module, node.value))
        return any(last_identifier(node) in ("RNN", "LSTM", "GRU")
                   for root in roots for node in self.facts.within(root, (cst.Name, cst.Attribute)))

    def constructors(self) -> Iterator[tuple]:
        yield from self.rnn_calls

    def rnn_called_at(self, call, *kinds):
        for event in self.trace.at(self.facts.end(call), "rnn"):
            if event.name in kinds:
                return event.module
        return None

    def from_named_rnn(self, prov) -> bool:
        return from_rnn(prov) and self.named(prov.rnn)


def rnn_arg(call: cst.Call, module, name: str):
    found = keyword(call, name)
    if found is not None:
        return found
    order = RNN_ORDER if module.mode in ("RNN_TANH", "RNN_RELU") else GATED_ORDER
    return positional(call, order.index(name)) if name in order else None
