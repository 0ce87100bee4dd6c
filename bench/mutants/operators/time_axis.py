"""Operators on the time axis: RNN004 (a time step or a pooling on the batch axis, batch_first
dropped or added) and RNN005 (a permute replaced by a view).
"""

from __future__ import annotations

import libcst as cst

from ..recorder import selects_time
from ..sites import Candidate, Sites, operator, rnn_arg
from ..syntax import (
    call_tail,
    expr,
    int_value,
    is_pure,
    is_true,
    keyword,
    last_identifier,
    positional,
    with_keyword,
    without_arg,
)
from ..torch_names import REDUCTIONS


def _time_select_swap(node):
    """`v[-1]` <-> `v[:, -1]` (keeping trailing `:`): the swapped subscript, else None."""
    if not isinstance(node, cst.Subscript) or not node.slice:
        return None
    parts = [element.slice for element in node.slice]

    def full(part):
        return isinstance(part, cst.Slice) and part.lower is None and part.upper is None and part.step is None

    def colon():
        return cst.SubscriptElement(cst.Slice(lower=None, upper=None))

    def minus_one():
        return cst.SubscriptElement(cst.Index(expr("-1")))

    if isinstance(parts[0], cst.Index) and int_value(parts[0].value) == -1 and all(full(p) for p in parts[1:]):
        elements = [colon(), minus_one()] + [colon() for _ in range(len(parts) - 2)]
    elif len(parts) >= 2 and full(parts[0]) and isinstance(parts[1], cst.Index) \
            and int_value(parts[1].value) == -1 and all(full(p) for p in parts[2:]):
        elements = [minus_one()] + [colon() for _ in range(len(parts) - 1 if len(parts) > 2 else 0)]
    else:
        return None
    return node.with_changes(slice=elements)


@operator("RNN004", "select the last time step on the batch axis (`out[-1]` <-> `out[:, -1]`)")
def time_step_on_batch_axis(sites):
    for node in sites.facts.of_type(cst.Subscript):
        new = _time_select_swap(node)
        if new is None:
            continue
        in_scope = any(event.name == "__getitem__" and event.prov is not None and event.prov.kind == "output"
                       and sites.named(event.prov.rnn) and selects_time(event)
                       for event in sites.trace.at(sites.facts.end(node)))
        yield Candidate(node, new, node, in_scope)


def _reduction_dim(call: cst.Call):
    """The `dim` argument of `x.mean(dim=k)` / `torch.max(x, k)`: (arg, value), else None."""
    if call_tail(call) not in REDUCTIONS or not isinstance(call.func, cst.Attribute):
        return None
    is_function = last_identifier(call.func.value) == "torch"
    arg = keyword(call, "dim") or positional(call, 1 if is_function else 0)
    if arg is None or int_value(arg.value) not in (0, 1):
        return None
    return arg, int_value(arg.value)


@operator("RNN004", "pool over the batch axis instead of time (dim 0 <-> 1)")
def pool_over_batch_axis(sites):
    for call in sites.facts.of_type(cst.Call):
        found = _reduction_dim(call)
        if found is None:
            continue
        arg, dim = found
        in_scope = any(event.name in REDUCTIONS and event.prov is not None and event.prov.kind == "output"
                       and sites.named(event.prov.rnn) and selects_time(event)
                       for event in sites.trace.at(sites.facts.end(call)))
        new = call.with_changes(args=[a.with_changes(value=cst.Integer(str(1 - dim))) if a is arg else a
                                      for a in call.args])
        yield Candidate(call, new, call, in_scope)


def _time_axis_used(sites: Sites, module) -> bool:
    """The RNN reads plain tensors and its output is then time-selected or pooled."""
    calls = [event for event in sites.trace.calls_of(module) if event.kind == "rnn"]
    return sites.named(module) and bool(calls) and not any(event.packed for event in calls) \
        and bool(sites.trace.time_uses(module))


@operator("RNN004", "drop (or flip) `batch_first=True` on an RNN fed batch-first data")
def rnn_drop_batch_first(sites):
    for call, module in sites.constructors():
        arg = rnn_arg(call, module, "batch_first")
        if arg is None or not is_true(arg.value):
            continue
        new = without_arg(call, arg) if arg.keyword is not None else call.with_changes(
            args=[a.with_changes(value=cst.Name("False")) if a is arg else a for a in call.args])
        yield Candidate(call, new, arg, _time_axis_used(sites, module))


@operator("RNN004", "add `batch_first=True` to an RNN fed sequence-first data")
def rnn_add_batch_first(sites):
    for call, module in sites.constructors():
        if rnn_arg(call, module, "batch_first") is not None or any(arg.star for arg in call.args):
            continue
        yield Candidate(call, with_keyword(call, "batch_first", "True"), call, _time_axis_used(sites, module))


@operator("RNN005", "replace a batch/time `permute`/`transpose` by a `view` of the swapped sizes")
def permute_to_view(sites):
    facts = sites.facts
    for call in facts.calls("permute", "transpose"):
        if not isinstance(call.func, cst.Attribute) or not is_pure(call.func.value):
            continue
        dims = [int_value(arg.value) for arg in call.args]
        if None in dims or any(arg.keyword is not None for arg in call.args):
            continue
        events = [event for event in sites.trace.at(facts.end(call)) if event.name in ("permute", "transpose")]
        if not events:
            continue
        rank = len(events[0].shape)
        if call_tail(call) == "transpose":
            if len(dims) != 2:
                continue
            order = list(range(rank))
            a, b = dims[0] % rank, dims[1] % rank
            order[a], order[b] = order[b], order[a]
        else:
            order = [d % rank for d in dims]
        if len(order) != rank or order[0] == 0:
            continue  # only orders that move the leading (batch, time or layer) axis
        receiver = facts.code(call.func.value)
        sizes = [f"{receiver}.size({d})" for d in order[:-1]] + ["-1"]
        new = expr(f"{receiver}.view({', '.join(sizes)})")
        end = facts.end(call)
        touches_rnn = any(sites.from_named_rnn(event.prov) for event in events)
        feeds_rnn = any(sites.named(event.module) and (end in event.lineage
                                                       or any(end in seen for seen in event.hx_lineage))
                        for event in sites.trace.of("rnn"))
        yield Candidate(call, new, call, touches_rnn or feeds_rnn)


@operator("RNN005", "replace a `permute`/`transpose` that keeps the first axis by a `view` of the moved sizes")
def middle_permute_to_view(sites):
    """`feats.transpose(1, 2)` of a Conv1d's (batch, channels, time) -> `feats.view(feats.size(0),
    feats.size(2), -1)`: the shape asked for, with channels and time read out of memory order."""
    facts = sites.facts
    for call in facts.calls("permute", "transpose"):
        if not isinstance(call.func, cst.Attribute) or not is_pure(call.func.value):
            continue
        dims = [int_value(arg.value) for arg in call.args]
        if None in dims or any(arg.keyword is not None for arg in call.args):
            continue
        events = [event for event in sites.trace.at(facts.end(call)) if event.name in ("permute", "transpose")]
        if not events:
            continue
        rank = len(events[0].shape)
        if call_tail(call) == "transpose":
            if len(dims) != 2:
                continue
            order = list(range(rank))
            a, b = dims[0] % rank, dims[1] % rank
            order[a], order[b] = order[b], order[a]
        else:
            order = [d % rank for d in dims]
        if len(order) != rank or rank < 3 or order[0] != 0 or order == sorted(order):
            continue  # the first axis stays: only middle (and last) axes move
        receiver = facts.code(call.func.value)
        sizes = [f"{receiver}.size({d})" for d in order[:-1]] + ["-1"]
        new = expr(f"{receiver}.view({', '.join(sizes)})")
        end = facts.end(call)
        touches_rnn = any(sites.from_named_rnn(event.prov) for event in events)
        feeds_rnn = any(sites.named(event.module) and (end in event.lineage
                                                       or any(end in seen for seen in event.hx_lineage))
                        for event in sites.trace.of("rnn"))
        yield Candidate(call, new, call, touches_rnn or feeds_rnn)


def _state_slices(call: cst.Call):
    """`torch.cat([h[i], h[j]], dim)` of two rows of one pure state, on the features (dim 1 or
    -1): (the state's code, the dim argument), else None."""
    if call_tail(call) not in ("cat", "concat") or not (
            isinstance(call.func, cst.Attribute) and last_identifier(call.func.value) == "torch"):
        return None
    pieces = positional(call, 0)
    dim = keyword(call, "dim") or positional(call, 1)
    if pieces is None or dim is None or int_value(dim.value) not in (1, -1):
        return None
    if not isinstance(pieces.value, (cst.List, cst.Tuple)) or len(pieces.value.elements) != 2:
        return None
    bases = []
    for element in pieces.value.elements:
        row = element.value
        if not isinstance(row, cst.Subscript) or len(row.slice) != 1 or not isinstance(row.slice[0].slice, cst.Index) \
                or int_value(row.slice[0].slice.value) is None or not is_pure(row.value):
            return None
        bases.append(row.value)
    if not bases[0].deep_equals(bases[1]):
        return None
    return bases[0], dim


@operator("RNN005", "join two state rows on the batch axis, then view them as features")
def cat_state_rows_then_view(sites):
    """`torch.cat([h_n[-2], h_n[-1]], dim=1)` -> `torch.cat([h_n[-2], h_n[-1]], dim=0).view(h_n.size(1),
    -1)`: the shape asked for, each row now the halves of two samples."""
    facts = sites.facts
    for call in facts.of_type(cst.Call):
        found = _state_slices(call)
        if found is None:
            continue
        state, dim = found
        joined = call.with_changes(args=[a.with_changes(value=cst.Integer("0")) if a is dim else a
                                         for a in call.args])
        new = expr(f"{facts.code(joined)}.view({facts.code(state)}.size(1), -1)")
        in_scope = any(event.name in ("cat", "concat") and sites.from_named_rnn(event.prov)
                       and event.prov.kind in ("h_n", "c_n")
                       for event in sites.trace.at(facts.end(call)))
        yield Candidate(call, new, call, in_scope)
