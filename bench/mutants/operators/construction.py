"""Operators on an RNN's constructor: RNN009 (dropout on one layer), RNN008 (input_size) and
RNN011 (a misspelt keyword, a nonlinearity in capitals).
"""

from __future__ import annotations

import libcst as cst

from ..sites import Candidate, Sites, operator, rnn_arg
from ..syntax import drop_directions, expr, followed, int_value, with_keyword


def _is_zero(node) -> bool:
    return (isinstance(node, cst.Float) and float(node.value) == 0.0) or int_value(node) == 0


@operator("RNN009", "ask dropout of an RNN built with one layer")
def dropout_on_single_layer(sites):
    for call, module in sites.constructors():
        if module.num_layers != 1 or module.dropout:
            continue
        layers = rnn_arg(call, module, "num_layers")
        # one layer whatever the configuration: torch's default, or a literal 1
        one_layer = sites.named(module) and ((layers is None and not any(a.star for a in call.args))
                                             or (layers is not None and int_value(layers.value) == 1))
        arg = rnn_arg(call, module, "dropout")
        if arg is None:
            if not any(a.star for a in call.args):
                yield Candidate(call, with_keyword(call, "dropout", "0.3"), call, one_layer)
        elif isinstance(arg.value, cst.IfExp) and (_is_zero(arg.value.orelse) or _is_zero(arg.value.body)):
            # `dropout if num_layers > 1 else 0` written without its guard
            branch = arg.value.orelse if _is_zero(arg.value.body) else arg.value.body
            yield Candidate(arg.value, branch.deep_clone(), call, one_layer)


def _fed_by_layers(sites: Sites, module) -> bool:
    """The RNN's input features come from the model's own layers, so their count is in the code."""
    calls = [event for event in sites.trace.calls_of(module) if event.kind == "rnn"]
    return sites.named(module) and bool(calls) and all(event.prov is not None for event in calls)


@operator("RNN008", "build the RNN with twice its input_size (as if its input were bidirectional)")
def input_size_doubled(sites):
    for call, module in sites.constructors():
        given = rnn_arg(call, module, "input_size")
        if given is None:
            continue
        value = given.value
        text = sites.facts.code(value)
        simple = isinstance(value, (cst.Name, cst.Attribute, cst.Integer, cst.Subscript, cst.Call))
        doubled = expr(f"2 * {text}" if simple else f"2 * ({text})")
        yield Candidate(value, doubled, given, _fed_by_layers(sites, module))


@operator("RNN008", "forget part of the features in input_size (`a + b` -> `a`, `2 * h` -> `h`)")
def input_size_drops_part(sites):
    facts = sites.facts
    for call, module in sites.constructors():
        given = rnn_arg(call, module, "input_size")
        if given is None:
            continue
        in_scope = _fed_by_layers(sites, module)
        for root in followed(facts, given.value, call):
            for node in facts.within(root, cst.BinaryOperation):
                if isinstance(node.operator, cst.Add):
                    yield Candidate(node, node.left.deep_clone(), node, in_scope)
                    yield Candidate(node, node.right.deep_clone(), node, in_scope)
            for old, new in drop_directions(facts, root):
                yield Candidate(old, new, old, in_scope)


MISSPELLINGS = {
    "input_size": "input_dim", "hidden_size": "hidden_dim", "num_layers": "num_layer",
    "batch_first": "batchfirst", "bidirectional": "bidirection", "dropout": "drop_out",
    "bias": "use_bias", "nonlinearity": "activation", "proj_size": "projection_size",
}


@operator("RNN011", "misspell a keyword of an RNN constructor")
def misspelled_rnn_keyword(sites):
    for call, module in sites.constructors():
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in MISSPELLINGS:
                new = arg.with_changes(keyword=cst.Name(MISSPELLINGS[arg.keyword.value]))
                yield Candidate(arg, new, arg, sites.named(module))


@operator("RNN011", "write the nonlinearity with capitals (`'ReLU'`, `'Tanh'`)")
def nonlinearity_wrong_case(sites):
    for call, module in sites.constructors():
        arg = rnn_arg(call, module, "nonlinearity") if module.mode in ("RNN_TANH", "RNN_RELU") else None
        if arg is None or not isinstance(arg.value, cst.SimpleString):
            continue
        wrong = {"relu": "ReLU", "tanh": "Tanh"}.get(arg.value.evaluated_value)
        if wrong:
            quote = arg.value.value[0]
            yield Candidate(arg.value, cst.SimpleString(f"{quote}{wrong}{quote}"), arg, sites.named(module))
