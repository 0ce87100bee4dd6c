"""RNN002: the whole ``h_n`` fed to a head, layers*directions axis and all."""

from __future__ import annotations

import ast
from typing import ClassVar

from .._analysis import (
    TO_RETURN,
    TO_STATE,
    DictValue,
    IndexInt,
    IndexSlice,
    LayerCall,
    ListValue,
    Poly,
    Reduce,
    Return,
    TensorSubscript,
    TupleSubscript,
    TupleValue,
    Unknown,
    as_int,
    cases,
    per_layer_size,
    tensors_within,
)
from ._base import Invalid, Rule
from ._util import definite, head_linear, layer_label, layers_in, show_shape, tensors_in


class HiddenStateIntoHead(Rule):
    """
    ## What it does
    Checks for `h_n` passed whole into a `Linear` head (directly or through an activation or
    dropout) when `num_layers * num_directions` is not known to be 1. The head is reported
    only where its per-layer result reaches the model's result: what `forward` returns
    (alone or inside a tuple, list or dict, after elementwise operations only), a loss module
    or a recurrent cell. Returned after the prediction (the first item of a returned tuple or
    list, the one the runtime watch judges) or in a dict, a per-layer result that the code
    also reads per layer (`return logits[-1], logits`: every layer's logits for auxiliary
    losses) is left alone. A state reshaped or transposed still counts while an axis holds its layers
    or directions next to the batch, and so do rows of one state joined on the batch axis
    (`torch.cat([h_n[0], h_n[1]], dim=0)`: a `directions x batch` axis).

    ## Why is this bad?
    `h_n` has shape `(num_layers * num_directions, batch, hidden_size)` whatever
    `batch_first` says. A `Linear` acts on the last axis only, so the head returns
    `(num_layers * num_directions, batch, out)` instead of `(batch, out)`. Nothing raises
    until a loss or a metric meets the extra axis, or it silently broadcasts. An LSTM's `c_n`
    has the same layout and is checked the same way. An RNN built with `**kwargs` may have
    any number of layers and directions, so its state is reported too.

    A head applied per layer is fine when its result is then treated as per layer: indexed
    (`logits[-1]`), pooled over the layers axis (`logits.mean(dim=0)`), or passed on as an
    RNN's initial state (a bridge between an encoder and a decoder). Only a per-layer result
    that reaches the model's result unchanged but for elementwise operations (and squeezes of
    other axes) is reported: one reshaped or combined with other tensors first is not.

    ## Example
    ```python
    _, h_n = self.gru(x)
    return self.fc(h_n)  # the model's output: (num_layers, batch, out)
    ```

    ## Use instead
    ```python
    _, h_n = self.gru(x)
    return self.fc(h_n[-1])  # the last layer; for a bidirectional RNN concatenate h_n[-2] and h_n[-1]
    ```

    ## Fix safety
    No fix: which layers and directions the head should see is a modelling choice.
    """

    CODE = "RNN002"
    NAME = "hidden-state-into-head"
    MESSAGE = "{head} receives the whole `{state}` of {rnn}, shape {shape}; a head expects `(batch, features)`"

    VALID: ClassVar[list[str]] = [
        """
import torch
import torch.nn as nn

class Seq2Seq(nn.Module):
    def __init__(self, n_in, hidden, layers):
        super().__init__()
        self.encoder = nn.GRU(n_in, hidden, num_layers=layers)
        self.bridge = nn.Linear(hidden, hidden)
        self.decoder = nn.GRU(n_in, hidden, num_layers=layers)

    def forward(self, src, tgt):
        _, h_n = self.encoder(src)
        h_0 = torch.tanh(self.bridge(h_n))
        out, _ = self.decoder(tgt, h_0)
        return out
""",
        """
import torch.nn as nn

class Layerwise(nn.Module):
    def __init__(self, n_in, hidden, layers):
        super().__init__()
        self.gru = nn.GRU(n_in, hidden, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden, 5)

    def forward(self, x):
        _, h_n = self.gru(x)
        logits = self.fc(h_n)
        return logits[-1], logits.mean(dim=0)
""",
        """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.gru = nn.GRU(16, hidden, num_layers=2, batch_first=True)
        self.fc = nn.Linear(hidden, 3)

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.fc(h_n[-1])
""",
        """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(16, 32)
        self.fc = nn.Linear(32, 3)

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.fc(h_n).squeeze(0)
""",
        """
import torch.nn as nn

class Forecaster(nn.Module):
    def __init__(self, n_features, horizon, **lstm_kwargs):
        super().__init__()
        self.lstm = nn.LSTM(n_features, batch_first=True, **lstm_kwargs)
        self.regressor = nn.Linear(self.lstm.hidden_size, horizon)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.regressor(h_n[-1])
""",
    ]
    INVALID: ClassVar[list[Invalid]] = [
        # the two directions' rows joined on the batch axis: one prediction per row, not per sample
        Invalid(
            """
import torch
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=6):
        super().__init__()
        self.gru = nn.GRU(4, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden, 3)

    def forward(self, x):
        _, h_n = self.gru(x)
        both = torch.cat([h_n[0], h_n[1]], dim=0)
        return self.fc(both)  # expect: RNN002:16
"""
        ),
        Invalid(
            """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=64, layers=2):
        super().__init__()
        self.gru = nn.GRU(16, hidden, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden, 3)

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.fc(h_n)  # expect: RNN002:16
"""
        ),
        Invalid(
            """
import torch
from torch import nn

class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 20, num_layers=3)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(20, 1))

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return self.head(torch.relu(h))  # expect: RNN002:16
"""
        ),
        Invalid(
            """
import torch.nn as nn

class Forecaster(nn.Module):
    def __init__(self, n_features, horizon, **lstm_kwargs):
        super().__init__()
        self.lstm = nn.LSTM(n_features, batch_first=True, **lstm_kwargs)
        self.regressor = nn.Linear(self.lstm.hidden_size, horizon)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.regressor(h_n)  # expect: RNN002:16
"""
        ),
        Invalid(
            """
import torch
import torch.nn as nn

class Bridge(nn.Module):
    def __init__(self, hidden=24):
        super().__init__()
        self.encoder = nn.LSTM(16, hidden, batch_first=True, bidirectional=True)
        self.reduce_c = nn.Linear(hidden, hidden)

    def forward(self, x):
        memory, (h_n, c_n) = self.encoder(x)
        return memory, torch.relu(self.reduce_c(c_n))  # expect: RNN002:35
"""
        ),
    ]

    def check(self, context):
        # `hidden[-1]` of an LSTM's `(h_n, c_n)` is RNN007's finding: the tuple taken for a tensor
        tuple_items = {id(event.node) for _, event in context.facts.of(TupleSubscript)}
        # a per-layer result handed on as the model's result, to a loss or to a cell is wrong; one
        # that becomes an RNN's initial state makes the head a bridge between two RNNs
        flows = context.facts.head_flows()
        predicted = _predicted(context.facts)
        read_per_layer = _read_per_layer(context.facts)
        delivered = {(id(flow.call.layer), id(flow.call.state)) for flow in flows
                     if flow.sink not in (TO_STATE, TO_RETURN) or id(flow.call) in predicted
                     or id(flow.call) not in read_per_layer}
        bridges = {flow.call.layer.node for flow in flows if flow.sink == TO_STATE and flow.call.layer.node is not None}
        for scope, event in context.facts.of(LayerCall):
            if not event.args:
                continue
            argument = event.node.args[0] if isinstance(event.node, ast.Call) and event.node.args else None
            for guard, called in layers_in(event.layer, event.guard):
                if head_linear(called) is None or called.node in bridges:
                    continue
                # every case of the argument is judged together: a whole state on one side of a
                # condition the analysis cannot evaluate is reported only if no other case is fine
                outcomes = []
                for tensor_guard, tensor in tensors_in(event.args[0], guard):
                    whole = _whole_state(tensor, tensor_guard, argument, tuple_items)
                    if whole and (id(called), id(tensor)) not in delivered:
                        whole = False  # the per-layer result is indexed, pooled or passed on as a state: fine
                    outcomes.append((tensor_guard, whole, tensor))
                for _, tensor in definite(outcomes):
                    yield self.report(
                        event.node, event=event, head=layer_label(called),
                        state=tensor.origin or _state_name(tensor.rnn),
                        rnn=layer_label(tensor.rnn),
                        shape=show_shape(tensor, scope.aliases),
                        help=f"feed `{tensor.origin}[-1]` (last layer), or `torch.cat(({tensor.origin}[-2], "
                             f"{tensor.origin}[-1]), dim=1)` when bidirectional",
                    )
                    break
                else:
                    continue
                break


def _predicted(facts) -> set:
    """The head calls (by id) whose per-layer result a forward returns as its prediction: the
    value returned, or the first item of a returned tuple or list, as the runtime watch judges."""
    return {id(call) for _, event in facts.of(Return) if event.forward
            for value in _predictions(event.value) for tensor in tensors_within(value)
            if (call := facts.head_call_of(tensor)) is not None}


def _predictions(value, depth: int = 0):
    if depth > 4:
        return
    for _, case in cases(value):
        if isinstance(case, TupleValue) and case.items:
            yield from _predictions(case.items[0], depth + 1)
        elif isinstance(case, ListValue):
            yield from _predictions(case.first if case.first is not None else case.item, depth + 1)
        elif not isinstance(case, (TupleValue, DictValue)):
            yield case


def _read_per_layer(facts) -> set:
    """The head calls (by id) whose per-layer result the file also reads per layer: a row or
    rows of its layers axis (``logits[-1]``) or a pooling over it (``logits.mean(dim=0)``).
    Returned whole after the prediction, or in a dict, such a result is every layer's on
    purpose (deep supervision), not one prediction per layer by mistake."""
    found = set()
    for _, event in facts.of(TensorSubscript, Reduce):
        call = facts.head_call_of(event.tensor)
        if call is None:
            continue
        if isinstance(event, TensorSubscript):
            first = event.items[0] if event.items else None
            if isinstance(first, IndexInt) or (isinstance(first, IndexSlice) and not first.whole):
                found.add(id(call))
        elif event.axis is not None and as_int(event.axis) == 0:
            found.add(id(call))
    return found


def _state_name(rnn) -> str:
    """A reshaped state no longer says whether it was ``h_n`` or ``c_n``; only an LSTM has both."""
    return "h_n`/`c_n" if getattr(rnn, "kind", None) == "LSTM" else "h_n"


def _whole_state(tensor, guard: frozenset, argument, tuple_items: set) -> bool | None:
    """True for a whole ``h_n``/``c_n`` of more than one layer and direction, False for
    features known to be something else, None when nothing is known."""
    if tensor.origin in ("h_n", "c_n") and tensor.shape and len(tensor.shape) == 3:
        if tensor.origin == "c_n" and id(argument) in tuple_items:
            return None  # `hidden[-1]` of an LSTM's `(h_n, c_n)`: RNN007's finding
        return bool(_may_exceed_one(tensor.shape[0], guard, tensor.rnn))
    rows = per_layer_size(tensor)
    if rows is not None and tensor.origin is None and tensor.rnn is not None:
        # reshaped or transposed, the state still holds one row per layer and direction
        return bool(_may_exceed_one(rows, guard, None))
    return False if tensor.shape is not None else None


def _may_exceed_one(layers, guard, rnn) -> bool:
    """True when the layers*directions axis is a number other than 1 or a symbol, or unknown
    because `**kwargs` built the RNN (any count, even 1, leaves the axis in place)."""
    for _, value in cases(layers, guard):
        if isinstance(value, Unknown) and rnn is not None and rnn.opaque_arguments:
            return True
        if isinstance(value, Unknown) or not isinstance(value, Poly):
            return False
        if value.is_opaque:
            return False
        if value.constant is not None and value.constant == 1:
            continue
        return True
    return False
