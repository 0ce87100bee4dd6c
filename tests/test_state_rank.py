"""RNN006 by rank: a batched input (three axes, or a packed batch) takes a three-axis `h_0`;
an unbatched one (two axes) a two-axis `h_0`. PyTorch raises "For batched 3-D input, hx should
also be 3-D but got 2-D tensor" (and the unbatched converse) at the call.

Each snippet is a whole program: run with torch, the flagged ones raise that error and the
clean ones run. The rank is judged only where the input's rank is known: a `forward(x)` may be
given an unbatched `x`, for which a two-axis state is right.
"""

from __future__ import annotations

import pytest

from rnnlint import lint_source

from conftest import expected_markers, run_program

FLAGGED = {
    "batch_state_without_layers_axis": """
import torch
from torch import nn

gru = nn.GRU(8, 16, num_layers=2)
x = torch.randn(5, 4, 8)
h0 = torch.zeros(4, 16)  # expect: RNN006
out, h = gru(x, h0)
""",
    "lstm_pair_without_layers_axis_batch_first": """
import torch
from torch import nn

lstm = nn.LSTM(8, 16, batch_first=True)
x = torch.randn(4, 5, 8)
state = (torch.zeros(4, 16), torch.zeros(4, 16))  # expect: RNN006:9, RNN006:26
out, (h, c) = lstm(x, state)
""",
    "unbatched_input_given_a_batched_state": """
import torch
from torch import nn

rnn = nn.RNN(8, 16)
x = torch.randn(5, 8)
h0 = torch.zeros(1, 4, 16)  # expect: RNN006
out, h = rnn(x, h0)
""",
    "packed_batch_given_a_state_without_layers_axis": """
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(8, hidden, batch_first=True)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        h0 = x.new_zeros(x.size(0), self.hidden)  # expect: RNN006
        _, h = self.gru(packed, h0)
        return h[-1]

Encoder()(torch.randn(4, 5, 8), torch.tensor([5, 3, 2, 1]))
""",
}

CLEAN = {
    "unbatched_input_and_state": """
import torch
from torch import nn

gru = nn.GRU(8, 16, num_layers=2)
x = torch.randn(5, 8)
out, h = gru(x, torch.zeros(2, 16))
""",
    "batched_input_and_state": """
import torch
from torch import nn

gru = nn.GRU(8, 16, num_layers=2)
x = torch.randn(5, 4, 8)
out, h = gru(x, torch.zeros(2, 4, 16))
""",
    # `forward(x)` may be given one unbatched sequence: a two-axis state is right for it
    "input_of_unknown_rank_with_a_two_axis_state": """
import torch
from torch import nn

class Tagger(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(8, hidden)

    def forward(self, x):
        out, _ = self.gru(x, torch.zeros(1, self.hidden))
        return out

Tagger()(torch.randn(5, 8))
""",
    # the state a loop carries exists only if an earlier step ran: what it becomes is no evidence
    "state_a_loop_reshapes_after_the_call": """
import torch
from torch import nn

gru = nn.GRU(8, 16, num_layers=2)
x = torch.randn(5, 8)
h = torch.zeros(2, 16)
for _ in range(3):
    out, h = gru(x, h)
    h = h.reshape(2, 16)
""",
    "packed_batch_and_state": """
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(8, hidden, batch_first=True)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        h0 = x.new_zeros(1, x.size(0), self.hidden)
        _, h = self.gru(packed, h0)
        return h[-1]

Encoder()(torch.randn(4, 5, 8), torch.tensor([5, 3, 2, 1]))
""",
}


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_at_exactly_the_markers(name):
    source = FLAGGED[name]
    assert sorted((finding.row, finding.code) for finding in lint_source(source)) == expected_markers(source)


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_look_alike_yields_nothing(name):
    assert [(finding.row, finding.code, finding.message) for finding in lint_source(CLEAN[name])] == []


def test_the_message_names_the_rank_the_input_asks_for():
    [batched] = lint_source(FLAGGED["batch_state_without_layers_axis"])
    assert "has 2 axes, `(4, 16)`" in batched.message
    assert "3 axes for its batched input" in batched.message
    [unbatched] = lint_source(FLAGGED["unbatched_input_given_a_batched_state"])
    assert "has 3 axes, `(1, 4, 16)`" in unbatched.message
    assert "2 axes for its unbatched input" in unbatched.message


@pytest.mark.parametrize("name", sorted(FLAGGED) + sorted(CLEAN))
def test_the_programs_do_what_the_findings_say_with_torch(tmp_path, name):
    run_program(tmp_path, FLAGGED.get(name) or CLEAN[name],
                (RuntimeError, r"should also be [23]-D|Expected hidden size") if name in FLAGGED else None)
