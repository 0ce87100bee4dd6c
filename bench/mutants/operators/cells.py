"""Operators on recurrent cells and step loops: RNN006 (a cell given an RNN-shaped state),
RNN007 (an LSTMCell given a lone tensor) and RNN012 (a step loop bounded by the batch size).
"""

from __future__ import annotations

import libcst as cst

from ..sites import Candidate, operator
from ..syntax import call_tail, followed, int_value, last_identifier, positional
from ..torch_names import STATE_FACTORIES


def _cell_state_ends(sites) -> set:
    """Where the states given to the file's cells were made."""
    ends = set()
    for event in sites.trace.of("cell"):
        for seen in event.hx_lineage:
            ends |= seen
    return ends


@operator("RNN006", "give a cell's state a layers axis, as for nn.RNN: `(1, batch, hidden)`")
def cell_state_layers_axis(sites):
    facts, ends = sites.facts, _cell_state_ends(sites)
    for call in facts.calls(*STATE_FACTORIES):
        if facts.end(call) not in ends or len(call.args) != 2 or any(arg.keyword for arg in call.args):
            continue
        if call_tail(call) in ("full", "new_full"):
            continue
        one = cst.Arg(cst.Integer("1"), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        yield Candidate(call, call.with_changes(args=[one, *call.args]), call, True)


@operator("RNN007", "pass an LSTMCell `h` alone instead of `(h, c)`")
def lstmcell_state_bare_tensor(sites):
    facts = sites.facts
    steps = {event.end for event in sites.trace.of("cell") if event.name == "LSTMCell" and event.hx == "tuple"}
    for call in facts.of_type(cst.Call):
        state = positional(call, 1)
        if facts.end(call) not in steps or state is None or not isinstance(state.value, cst.Tuple) \
                or len(state.value.elements) != 2:
            continue
        new = call.with_changes(args=[a.with_changes(value=state.value.elements[0].value.deep_clone())
                                      if a is state else a for a in call.args])
        yield Candidate(call, new, call, True)


def _step_loops(sites):
    """`(loop, bound, fed)` for `for t in range(bound)` loops whose body steps a cell or an RNN;
    ``fed``: whether some step's input is made from a subscript by the counter (`x[:, t]`)."""
    facts = sites.facts
    steps = {event.end for event in sites.trace.of("cell") + sites.trace.of("rnn") if event.end}
    for loop in facts.of_type(cst.For):
        iterable = loop.iter
        if not isinstance(iterable, cst.Call) or last_identifier(iterable.func) != "range" \
                or len(iterable.args) != 1 or not isinstance(loop.target, cst.Name):
            continue
        calls = [call for call in facts.within(loop.body, cst.Call) if facts.end(call) in steps]
        if calls:
            yield loop, iterable.args[0].value, any(_fed_by_counter(facts, call, loop.target.value) for call in calls)


def _fed_by_counter(facts, call, counter: str) -> bool:
    first = positional(call, 0)
    if first is None:
        return False
    roots = followed(facts, first.value, call)
    indexed = any(name.value == counter for root in roots for sub in facts.within(root, cst.Subscript)
                  for element in sub.slice for name in facts.within(element, cst.Name))
    return indexed


def _other_axis(node):
    """`x.size(0)` <-> `x.size(1)`, `x.shape[0]` <-> `x.shape[1]`: the other axis, else None."""
    if isinstance(node, cst.Call) and call_tail(node) == "size" and len(node.args) == 1 \
            and int_value(node.args[0].value) in (0, 1):
        flipped = 1 - int_value(node.args[0].value)
        return node.with_changes(args=[node.args[0].with_changes(value=cst.Integer(str(flipped)))])
    if isinstance(node, cst.Subscript) and last_identifier(node.value) == "shape" and len(node.slice) == 1 \
            and isinstance(node.slice[0].slice, cst.Index) and int_value(node.slice[0].slice.value) in (0, 1):
        flipped = 1 - int_value(node.slice[0].slice.value)
        return node.with_changes(slice=[node.slice[0].with_changes(slice=cst.Index(cst.Integer(str(flipped))))])
    return None


def _unpacked_sibling(facts, scope, name: str):
    """`batch, seq = x.shape` (or `x.size()`): the other name of the pair that binds ``name``."""
    for assign in facts.within(scope, cst.Assign):
        if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Tuple):
            continue
        value = assign.value
        is_shape = last_identifier(value) == "shape" or (isinstance(value, cst.Call) and call_tail(value) == "size"
                                                          and not value.args)
        names = [element.value for element in assign.targets[0].target.elements]
        if not is_shape or len(names) < 2 or not all(isinstance(item, cst.Name) for item in names[:2]):
            continue
        first, second = names[0].value, names[1].value
        if name in (first, second):
            return cst.Name(second if name == first else first)
    return None


@operator("RNN012", "bound a step loop by the batch size: `range(x.size(0))` for `range(x.size(1))`")
def step_loop_over_batch(sites):
    facts = sites.facts
    for loop, bound, fed in _step_loops(sites):
        other = _other_axis(bound)
        if other is None and isinstance(bound, cst.Name):
            scope = facts.function_of(loop)
            for assigned in facts.assignments(scope, bound.value) if scope is not None else ():
                other = _other_axis(assigned)
                if other is not None:
                    break
            if other is None and scope is not None:
                other = _unpacked_sibling(facts, scope, bound.value)
        if other is not None:
            # a loop whose steps read no `x[t]` walks nothing: out of scope
            yield Candidate(bound, other, loop, fed)


def _full(part) -> bool:
    return isinstance(part, cst.Slice) and part.lower is None and part.upper is None and part.step is None


def _counter_at(part, counter: str) -> bool:
    """`t` or `t:t + 1`: one step at the counter."""
    if isinstance(part, cst.Index):
        return isinstance(part.value, cst.Name) and part.value.value == counter
    return isinstance(part, cst.Slice) and isinstance(part.lower, cst.Name) and part.lower.value == counter


@operator("RNN012", "step along the batch axis: `x[t]` for `x[:, t]` in a step loop")
def step_index_batch_axis(sites):
    facts = sites.facts
    for loop, _, fed in _step_loops(sites):
        if not fed:
            continue
        counter = loop.target.value
        for node in facts.within(loop.body, cst.Subscript):
            parts = [element.slice for element in node.slice]
            if len(parts) < 2 or not _full(parts[0]) or not _counter_at(parts[1], counter):
                continue
            rest = list(node.slice[1:])
            rest[0] = rest[0].with_changes(comma=cst.MaybeSentinel.DEFAULT) if len(rest) == 1 else rest[0]
            # `x[t:t + 1]` on the batch axis keeps an axis of one sample whose length the
            # analysis cannot bound (t may run past it): out of scope; `x[t]` is in
            yield Candidate(node, node.with_changes(slice=rest), loop, isinstance(parts[1], cst.Index))
