"""Operators on packed sequences: RNN010 (batch_first of a pack or a pad flipped)."""

from __future__ import annotations

from ..sites import Candidate, operator
from ..syntax import is_true, keyword, with_keyword, without_arg


def _flip_batch_first(call):
    arg = keyword(call, "batch_first")
    if arg is not None and is_true(arg.value):
        return without_arg(call, arg)
    if arg is None and not any(a.star for a in call.args):
        return with_keyword(call, "batch_first", "True")
    return None


@operator("RNN010", "drop or add `batch_first=True` on pack_padded_sequence")
def pack_flip_batch_first(sites):
    facts = sites.facts
    for call in facts.calls("pack_padded_sequence"):
        new = _flip_batch_first(call)
        if new is None:
            continue
        end = facts.end(call)
        consumed = any(event.packed and sites.named(event.module) and end in event.lineage
                       for event in sites.trace.of("rnn"))
        yield Candidate(call, new, call, consumed)


@operator("RNN010", "drop or add `batch_first=True` on pad_packed_sequence")
def pad_packed_flip_batch_first(sites):
    facts = sites.facts
    for call in facts.calls("pad_packed_sequence"):
        new = _flip_batch_first(call)
        if new is None:
            continue
        produced = any(event.name == "_pad_packed_sequence" and sites.from_named_rnn(event.prov)
                       for event in sites.trace.at(facts.end(call)))
        yield Candidate(call, new, call, produced)
