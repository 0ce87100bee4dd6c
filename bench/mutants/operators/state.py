"""Operators on an RNN's state: RNN007 (the LSTM's (h, c) tuple) and RNN006 (h0's shape)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from ..sites import Candidate, Sites, operator
from ..syntax import call_tail, drop_directions, followed, int_value, last_identifier, positional
from ..torch_names import STATE_FACTORIES


def _tuple_target(assign):
    if isinstance(assign, cst.Assign) and len(assign.targets) == 1 \
            and isinstance(assign.targets[0].target, cst.Tuple) and isinstance(assign.value, cst.Call):
        return assign.targets[0].target
    return None


@operator("RNN007", "unpack an LSTM's result as `out, h = ...` (h is the (h_n, c_n) tuple)")
def lstm_state_unpacked_as_tensor(sites):
    facts = sites.facts
    for assign in facts.of_type(cst.Assign):
        target = _tuple_target(assign)
        if target is None or len(target.elements) != 2:
            continue
        inner = target.elements[1].value
        if not isinstance(inner, cst.Tuple) or len(inner.elements) != 2:
            continue
        hidden, cell = inner.elements[0].value, inner.elements[1].value
        if not isinstance(hidden, cst.Name) or hidden.value == "_" or not isinstance(cell, cst.Name):
            continue
        scope = facts.function_of(assign)
        if cell.value != "_" and scope is not None and facts.name_uses(scope, cell.value) > 1:
            continue  # the cell state is used later: the bug would be a NameError, not plausible
        new_target = target.with_changes(elements=[target.elements[0], target.elements[1].with_changes(
            value=hidden.deep_clone())])
        new = assign.with_changes(targets=[assign.targets[0].with_changes(target=new_target)])
        module = sites.rnn_called_at(assign.value, "LSTM")
        yield Candidate(assign, new, assign, module is not None and sites.named(module))


@operator("RNN007", "unpack a GRU/RNN h_n as if it were an LSTM's `(h, c)`")
def gru_state_unpacked_as_pair(sites):
    facts = sites.facts
    for assign in facts.of_type(cst.Assign):
        target = _tuple_target(assign)
        if target is None or len(target.elements) != 2:
            continue
        hidden = target.elements[1].value
        if not isinstance(hidden, cst.Name) or hidden.value == "_":
            continue
        scope = facts.function_of(assign)
        cell = next((name for name in ("c_n", "cell", "cell_state", "c_state") if scope is None
                     or facts.name_uses(scope, name) == 0), None)
        if cell is None:
            continue
        pair = cst.Tuple(elements=[cst.Element(hidden.deep_clone(), comma=cst.Comma(
            whitespace_after=cst.SimpleWhitespace(" "))), cst.Element(cst.Name(cell))])
        new_target = target.with_changes(elements=[target.elements[0], target.elements[1].with_changes(value=pair)])
        new = assign.with_changes(targets=[assign.targets[0].with_changes(target=new_target)])
        module = sites.rnn_called_at(assign.value, "GRU", "RNN")
        yield Candidate(assign, new, assign, module is not None and sites.named(module))


@operator("RNN007", "pass a bare tensor as an LSTM's state instead of `(h0, c0)`")
def lstm_state_bare_tensor(sites):
    facts = sites.facts
    for call in facts.of_type(cst.Call):
        state = positional(call, 1)
        if state is None or not isinstance(state.value, cst.Tuple) or len(state.value.elements) != 2:
            continue
        new = call.with_changes(args=[a.with_changes(value=state.value.elements[0].value.deep_clone())
                                      if a is state else a for a in call.args])
        module = sites.rnn_called_at(call, "LSTM")
        yield Candidate(call, new, call, module is not None and sites.named(module))
    h0_lineages = [event.hx_lineage[0] for event in sites.trace.of("rnn")
                   if event.name == "LSTM" and event.hx == "tuple" and event.hx_lineage and sites.named(event.module)]
    for ret in facts.of_type(cst.Return):
        if not isinstance(ret.value, cst.Tuple) or len(ret.value.elements) != 2:
            continue
        # `return h0, c0` from the helper that makes the state: h0 must be what the LSTM got
        first = ret.value.elements[0].value
        made = [first]
        scope = facts.function_of(ret)
        if isinstance(first, cst.Name) and scope is not None:
            made = facts.assignments(scope, first.value)
        is_state = any(facts.end(node) in seen for node in made for seen in h0_lineages)
        yield Candidate(ret, ret.with_changes(value=first.deep_clone()), ret, is_state)


def _hx_of_named(sites: Sites) -> set:
    ends = set()
    for event in sites.trace.of("rnn"):
        if sites.named(event.module):
            for seen in event.hx_lineage:
                ends |= seen
    return ends


@operator("RNN006", "drop the directions from the layers axis of h0/c0")
def h0_layers_drop_directions(sites):
    facts, hx_ends = sites.facts, _hx_of_named(sites)
    for call in facts.calls(*STATE_FACTORIES):
        layers = positional(call, 0)
        if layers is None:
            continue
        in_scope = facts.end(call) in hx_ends
        if int_value(layers.value) == 2:
            yield Candidate(layers.value, cst.Integer("1"), call, in_scope)
        for old, new in drop_directions(facts, layers.value):
            yield Candidate(old, new, call, in_scope)


def _size_swaps(facts, root) -> Iterator[tuple]:
    """`x.size(0)` <-> `x.size(1)` and `x.shape[0]` <-> `x.shape[1]` under `root`."""
    for node in facts.within(root, cst.Call):
        if call_tail(node) == "size" and len(node.args) == 1 and int_value(node.args[0].value) in (0, 1):
            flipped = 1 - int_value(node.args[0].value)
            yield node, node.with_changes(args=[node.args[0].with_changes(value=cst.Integer(str(flipped)))])
    for node in facts.within(root, cst.Subscript):
        if last_identifier(node.value) == "shape" and len(node.slice) == 1 \
                and isinstance(node.slice[0].slice, cst.Index) and int_value(node.slice[0].slice.value) in (0, 1):
            flipped = 1 - int_value(node.slice[0].slice.value)
            yield node, node.with_changes(slice=[node.slice[0].with_changes(
                slice=cst.Index(cst.Integer(str(flipped))))])


@operator("RNN006", "take h0's batch size from the time axis (`size(0)` <-> `size(1)`)")
def h0_batch_from_time_axis(sites):
    facts, hx_ends = sites.facts, _hx_of_named(sites)
    for call in facts.of_type(cst.Call):
        tail = call_tail(call)
        # the calls that size a state: tensor factories and the model's own state helpers
        if facts.end(call) not in hx_ends or not (tail in STATE_FACTORIES or "hidden" in tail or "state" in tail):
            continue
        for arg in call.args:
            for root in followed(facts, arg.value, call):
                for old, new in _size_swaps(facts, root):
                    yield Candidate(old, new, old, True)


@operator("RNN006", "size h0 like c0 (hidden_size) in an LSTM with proj_size")
def h0_sized_like_c0(sites):
    import torch
    facts, hx_ends = sites.facts, _hx_of_named(sites)
    projected = any(isinstance(event.module, torch.nn.LSTM) and event.module.proj_size > 0
                    and event.hx == "tuple" for event in sites.trace.of("rnn"))
    factories = [call for call in facts.calls(*STATE_FACTORIES) if len(call.args) >= 3]
    for first in factories:
        for second in factories:
            if first is second or facts.function_of(first) is not facts.function_of(second):
                continue
            same_head = all(a.value.deep_equals(b.value)
                            for a, b in zip(first.args[:-1], second.args[:-1], strict=False))
            last_a, last_b = first.args[-1].value, second.args[-1].value
            if not same_head or last_a.deep_equals(last_b) or facts.line(first) > facts.line(second):
                continue
            yield Candidate(last_a, last_b.deep_clone(), first, projected and facts.end(first) in hx_ends)
