"""RNN002: the whole ``h_n`` fed to a head, layers*directions axis and all."""

from __future__ import annotations

from .._analysis._symbolic import Poly, Unknown, cases
from ._base import Invalid, Rule
from ._util import head_linear, layer_label, layers_in, show_shape, tensors_in


class HiddenStateIntoHead(Rule):
    """
    ## What it does
    Checks for `h_n` passed whole into a `Linear` head (directly or through an activation or
    dropout) when `num_layers * num_directions` is not known to be 1.

    ## Why is this bad?
    `h_n` has shape `(num_layers * num_directions, batch, hidden_size)` whatever
    `batch_first` says. A `Linear` acts on the last axis only, so the head returns
    `(num_layers * num_directions, batch, out)` instead of `(batch, out)`. Nothing raises
    until a loss or a metric meets the extra axis, or it silently broadcasts.

    ## Example
    ```python
    _, h_n = self.gru(x)
    return self.fc(h_n)
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
    MESSAGE = "{head} receives the whole `h_n` of {rnn}, shape {shape}; a head expects `(batch, features)`"

    VALID = [
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
    ]
    INVALID = [
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
        return self.fc(h_n)
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
        return self.head(torch.relu(h))
"""
        ),
    ]

    def check(self, context):
        for scope, event in context.facts.events:
            if event.kind != "layer_call" or not event.data["args"]:
                continue
            for guard, called in layers_in(event.data["layer"], event.guard):
                if head_linear(called) is None:
                    continue
                for tensor_guard, tensor in tensors_in(event.data["args"][0], guard):
                    if tensor.origin != "h_n" or not tensor.shape or len(tensor.shape) != 3:
                        continue
                    if not _may_exceed_one(tensor.shape[0], tensor_guard):
                        continue
                    yield self.report(
                        event.node, head=layer_label(called), rnn=layer_label(tensor.rnn),
                        shape=show_shape(tensor, scope.aliases),
                        help="feed `h_n[-1]` (last layer), or `torch.cat((h_n[-2], h_n[-1]), dim=1)` "
                             "when bidirectional",
                    )
                    break
                else:
                    continue
                break


def _may_exceed_one(layers, guard) -> bool:
    """True when the layers*directions axis is a number other than 1 or a symbol (not unknown)."""
    for _, value in cases(layers, guard):
        if isinstance(value, Unknown) or not isinstance(value, Poly):
            return False
        if value.is_opaque:
            return False
        if value.constant is not None and value.constant == 1:
            continue
        return True
    return False
