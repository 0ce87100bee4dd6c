"""RNN003: ``h_n[-1]`` of a bidirectional RNN, which holds the backward direction only."""

from __future__ import annotations

from .._analysis._symbolic import as_int
from .._analysis._values import split_flag
from ._base import Invalid, Rule
from ._util import layer_label, when


class OneDirectionLastHidden(Rule):
    """
    ## What it does
    Checks for `h_n[-1]` (also `h_n[-1, :, :]`, or `hidden[0][-1]` of an LSTM state) taken
    from a bidirectional RNN as "the last hidden state".

    ## Why is this bad?
    For a bidirectional RNN, `h_n` stacks `(layer, direction)` pairs: `h_n[-2]` is the
    forward direction of the last layer and `h_n[-1]` its backward direction. `h_n[-1]`
    alone has the expected shape, so nothing fails, but the model never sees the forward
    direction's summary of the sequence.

    ## Example
    ```python
    self.gru = nn.GRU(input_size, hidden_size, bidirectional=True)
    self.fc = nn.Linear(hidden_size, n_classes)
    ...
    _, h_n = self.gru(x)
    return self.fc(h_n[-1])
    ```

    ## Use instead
    ```python
    self.fc = nn.Linear(2 * hidden_size, n_classes)
    ...
    _, h_n = self.gru(x)
    return self.fc(torch.cat((h_n[-2], h_n[-1]), dim=1))
    ```

    ## Fix safety
    No fix: the head's `in_features` must change with it, and which directions to use is a
    modelling choice.
    """

    CODE = "RNN003"
    NAME = "one-direction-last-hidden"
    MESSAGE = "`h_n[-1]` of bidirectional {rnn} is the backward direction of the last layer only{condition}"

    VALID = [
        """
import torch
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.gru = nn.GRU(16, hidden, num_layers=2, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, 4)

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.fc(torch.cat((h_n[-2], h_n[-1]), dim=1))
""",
        """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(16, hidden, num_layers=2)
        self.fc = nn.Linear(hidden, 4)

    def forward(self, x):
        _, (h_n, c_n) = self.lstm(x)
        return self.fc(h_n[-1])
""",
        """
import torch
from torch import nn

class Encoder(nn.Module):
    def __init__(self, hidden, bidirectional=False):
        super().__init__()
        self.bidirectional = bidirectional
        self.rnn = nn.GRU(8, hidden, bidirectional=bidirectional)

    def forward(self, x):
        _, h = self.rnn(x)
        if self.bidirectional:
            return torch.cat([h[-2], h[-1]], dim=-1)
        return h[-1]
""",
        """
import torch.nn as nn

class Summed(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, bidirectional=True)

    def forward(self, x):
        _, h_n = self.gru(x)
        return h_n[-2] + h_n[-1]
""",
    ]
    INVALID = [
        Invalid(
            """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.gru = nn.GRU(16, hidden, num_layers=2, bidirectional=True)
        self.fc = nn.Linear(hidden, 4)

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.fc(h_n[-1])
"""
        ),
        Invalid(
            """
from torch.nn import LSTM, Linear, Module

class Tagger(Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = LSTM(cfg.emb, cfg.hidden, batch_first=True, bidirectional=True)
        self.out = Linear(cfg.hidden, cfg.labels)

    def forward(self, x):
        _, hidden = self.encoder(x)
        last = hidden[0][-1, :, :]
        return self.out(last)
"""
        ),
        Invalid(
            """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, hidden, bidirectional=True):
        super().__init__()
        self.rnn = nn.GRU(8, hidden, bidirectional=bidirectional)
        self.proj = nn.Linear(hidden, hidden)

    def forward(self, x):
        _, h = self.rnn(x)
        return self.proj(h[-1])
"""
        ),
    ]

    def check(self, context):
        both_directions = _rnns_read_both_directions(context.facts)
        for scope, event in context.facts.events:
            if event.kind != "subscript" or "tensor" not in event.data:
                continue
            tensor = event.data["tensor"]
            if tensor.origin != "h_n" or tensor.rnn is None or not _selects_last_layer(event.data["items"]):
                continue
            if tensor.rnn.node in both_directions:
                continue  # h_n[-2] is read too: both directions are used
            for guard, bidirectional in split_flag(tensor.rnn.param("bidirectional"), event.guard):
                if bidirectional:
                    yield self.report(
                        event.node, event=event, rnn=layer_label(tensor.rnn), condition=when(guard),
                        help="use `torch.cat((h_n[-2], h_n[-1]), dim=1)` with a head of `2 * hidden_size`",
                    )
                    break


def _selects_last_layer(items: list) -> bool:
    """``[-1]`` or ``[-1, :, :]``: the last entry of the layers*directions axis, all of the rest."""
    if not items or items[0][0] != "int" or as_int(items[0][1]) != -1:
        return False
    return all(item[0] == "slice" and item[1:] == (None, None, None) for item in items[1:])


def _rnns_read_both_directions(facts) -> set:
    """RNNs whose h_n is also read at index -2 (or sliced from -2) somewhere in the file."""
    seen = set()
    for _, event in facts.events:
        if event.kind != "subscript" or "tensor" not in event.data:
            continue
        tensor = event.data["tensor"]
        if tensor.origin != "h_n" or tensor.rnn is None or not event.data["items"]:
            continue
        first = event.data["items"][0]
        if first[0] == "int" and as_int(first[1]) == -2:
            seen.add(tensor.rnn.node)
        elif first[0] == "slice" and first[1] is not None and as_int(first[1]) == -2:
            seen.add(tensor.rnn.node)
    return seen
