"""Operators on the heads fed by an RNN: RNN001 (in_features), RNN002 (h_n whole), RNN003
(one direction of h_n).
"""

from __future__ import annotations

import libcst as cst

from ..sites import Candidate, Sites, operator, rnn_arg
from ..syntax import call_tail, drop_directions, expr, followed, int_value, keyword, positional


def _head_fed_by_rnn(sites: Sites, module) -> bool:
    return any(sites.from_named_rnn(event.prov) for event in sites.trace.calls_of(module) if event.kind == "linear")


@operator("RNN001", "drop the `2 *` / `* num_directions` from a head's in_features")
def head_in_features_drop_directions(sites):
    import torch
    facts = sites.facts
    for call in facts.calls("Linear"):
        module = sites.trace.built(facts.end(call))
        if not isinstance(module, torch.nn.Linear):
            continue
        features = keyword(call, "in_features") or positional(call, 0)
        if features is None:
            continue
        for root in followed(facts, features.value, call):
            for old, new in drop_directions(facts, root):
                yield Candidate(old, new, old, _head_fed_by_rnn(sites, module))


@operator("RNN001", "build the head with hidden_size after an LSTM with proj_size")
def head_ignores_proj_size(sites):
    import torch
    facts = sites.facts
    heads = [(call, sites.trace.built(facts.end(call))) for call in facts.calls("Linear")]
    for call, rnn in sites.constructors():
        proj, hidden = rnn_arg(call, rnn, "proj_size"), rnn_arg(call, rnn, "hidden_size")
        if proj is None or hidden is None or getattr(rnn, "proj_size", 0) <= 0:
            continue
        for head_call, head in heads:
            features = keyword(head_call, "in_features") or positional(head_call, 0)
            if features is None or not isinstance(head, torch.nn.Linear):
                continue
            for node in facts.within(features.value, type(proj.value)):
                if node.deep_equals(proj.value):
                    yield Candidate(node, hidden.value.deep_clone(), node, _head_fed_by_rnn(sites, head))


def _single_selection(node) -> bool:
    """`v[k]` or `v[k, :, :]`: one integer index on the first axis."""
    if not isinstance(node, cst.Subscript) or not node.slice:
        return False
    first, rest = node.slice[0].slice, node.slice[1:]
    return isinstance(first, cst.Index) and int_value(first.value) is not None and all(
        isinstance(element.slice, cst.Slice) and element.slice.lower is None and element.slice.upper is None
        for element in rest)


def _state_selections(sites: Sites, node) -> list:
    """Provenance of the h_n / c_n layer selections made under `node`, read from the run."""
    found = []
    for sub in sites.facts.within(node, cst.Subscript):
        for event in sites.trace.at(sites.facts.end(sub)):
            if event.name == "__getitem__" and event.prov is not None and event.prov.kind in ("h_n", "c_n") \
                    and isinstance(event.prov.axes, tuple) and event.prov.axes[0] == "layer" \
                    and sites.named(event.prov.rnn):
                found.append(event.prov)
    return found


def _both_directions(node):
    """`torch.cat((h[-2], h[-1]), dim=...)`: the base `h`, else None."""
    if not isinstance(node, cst.Call) or call_tail(node) not in ("cat", "concat") or not node.args:
        return None
    parts = node.args[0].value
    if not isinstance(parts, (cst.Tuple, cst.List)) or len(parts.elements) != 2:
        return None
    bases = [element.value.value for element in parts.elements if _single_selection(element.value)]
    if len(bases) != 2 or not bases[0].deep_equals(bases[1]) or not isinstance(bases[0], (cst.Name, cst.Attribute)):
        return None
    return bases[0]


@operator("RNN002", "feed h_n whole to the head instead of its last layer")
def hidden_state_into_head(sites):
    facts, linears = sites.facts, sites.trace.of("linear")
    for node in facts.nodes:
        base = None
        if _single_selection(node) and isinstance(node.value, (cst.Name, cst.Attribute)):
            base = node.value
        elif isinstance(node, cst.Call) and call_tail(node) == "squeeze" and isinstance(node.func, cst.Attribute) \
                and isinstance(node.func.value, (cst.Name, cst.Attribute)):
            base = node.func.value
        elif _both_directions(node) is not None:
            base = _both_directions(node)
        if base is None or isinstance(facts.parents.get(node), cst.Element):
            continue  # a part of `torch.cat((h[-2], h[-1]))` alone is not what reaches the head
        end = facts.end(node)
        state = _state_selections(sites, node) or [
            event.prov for event in sites.trace.at(end) if event.name == "squeeze"
            and event.prov is not None and event.prov.kind in ("h_n", "c_n")
            and isinstance(event.prov.axes, tuple) and sites.named(event.prov.rnn)]
        reaches_head = any(event.prov is not None and event.prov.kind in ("h_n", "c_n") and end in event.lineage
                           for event in linears)
        # RNN002 exempts a state with a single layer and direction: the head's extra axis is then 1
        stacked = any(prov.rnn.num_layers * (2 if prov.rnn.bidirectional else 1) > 1 for prov in state)
        yield Candidate(node, base.deep_clone(), node, bool(state) and reaches_head and stacked)


@operator("RNN003", "keep only h_n[-1] of a bidirectional RNN (one direction)")
def last_hidden_one_direction(sites):
    facts = sites.facts
    for node in facts.nodes:
        base = _both_directions(node)
        if base is None and isinstance(node, cst.Subscript) and len(node.slice) == 1 \
                and isinstance(node.slice[0].slice, cst.Slice) and int_value(node.slice[0].slice.lower) == -2 \
                and node.slice[0].slice.upper is None and isinstance(node.value, (cst.Name, cst.Attribute)):
            base = node.value
        if base is None:
            continue
        provs = _state_selections(sites, node) or [
            event.prov for event in sites.trace.at(facts.end(node)) if event.prov is not None
            and event.prov.kind == "h_n" and sites.named(event.prov.rnn)]
        bidirectional = any(prov.kind == "h_n" and prov.rnn.bidirectional for prov in provs)
        new = cst.Subscript(value=base.deep_clone(), slice=[cst.SubscriptElement(cst.Index(expr("-1")))])
        yield Candidate(node, new, node, bidirectional)
