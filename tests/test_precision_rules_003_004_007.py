"""Deliberate look-alikes of RNN003, RNN004 and RNN007 that must stay clean, next to the bugs
the rules must still catch.

Every snippet carries `# expect: CODE` markers that must match its findings exactly.
"""

from __future__ import annotations

import pytest

from rnnlint import lint_source

from conftest import expected_markers

FLAGGED = {
    "rnn003_last_row_into_the_head_output_unused": """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.gru = nn.GRU(8, hidden, bidirectional=True)
        self.fc = nn.Linear(hidden, 3)

    def forward(self, x):
        out, h = self.gru(x)
        return self.fc(h[-1])  # expect: RNN003
""",
    "rnn003_output_used_but_the_head_is_built_for_both_directions": """
import torch
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, hidden, dec_hidden):
        super().__init__()
        self.rnn = nn.GRU(8, hidden, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, dec_hidden)  # expect: RNN001

    def forward(self, src):
        outputs, h_n = self.rnn(src)
        return outputs, torch.tanh(self.fc(h_n[-1]))  # expect: RNN003
""",
    "rnn003_a_helper_returns_the_output_and_forward_drops_it": """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.gru = nn.GRU(8, hidden, bidirectional=True)
        self.fc = nn.Linear(hidden, 3)

    def encode(self, x):
        out, h = self.gru(x)
        return out, h

    def forward(self, x):
        _, h = self.encode(x)
        return self.fc(h[-1])  # expect: RNN003
""",
    "rnn004_pooling_over_the_batch_axis_drops_it": """
import torch
import torch.nn as nn

class Pooled(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16)  # sequence first
        self.fc = nn.Linear(16, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        mean = out.mean(dim=1)  # expect: RNN004
        peak = torch.amax(out, 1, False)  # expect: RNN004
        return self.fc(mean) + self.fc(peak)
""",
    "rnn007_last_item_of_the_tuple_under_a_name_that_says_hidden": """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 1)

    def forward(self, x):
        _, hidden = self.lstm(x)
        h_n, last = hidden[0], hidden[-1]  # expect: RNN007
        return self.fc(last[-1])
""",
    "rnn004_batch_positions_on_the_time_axis_of_a_batch_first_output": """
import torch
import torch.nn as nn

class LastStep(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)

    def forward(self, x, lengths):
        out, _ = self.lstm(x)
        rows = torch.arange(x.size(0)).cuda()
        return out[lengths - 1, rows]  # expect: RNN004
""",
    # a selection taken further (into a head, returned, reshaped, pooled) is judged
    "rnn004_last_sample_taken_further": """
import torch
import torch.nn as nn

class Forecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 5)
        self.fc = nn.Linear(5, 1)

    def forward(self, x, k):
        out, _ = self.lstm(x)
        if k == 0:
            return torch.sigmoid(self.fc(out[:, -1].detach()))  # expect: RNN004:41
        if k == 1:
            last = out[:, -1, :]  # expect: RNN004:19
            return last
        if k == 2:
            return self.fc(out[:, -1].contiguous().view(x.size(1), -1))  # expect: RNN004:27
        return out[:, 0].mean(dim=-1)  # expect: RNN004:19
""",
    # a selection that goes nowhere the analysis follows (a `cat`, a sum) is still judged
    # where nothing shows that the code reads time on the other axis
    "rnn004_last_sample_joined_and_kept_with_no_time_read": """
import torch
import torch.nn as nn

class Forecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 5)
        self.fc = nn.Linear(7, 1)

    def forward(self, x, extra):
        out, _ = self.lstm(x)
        self.summary = out[:, 0] + out[:, -1]  # expect: RNN004:23, RNN004:37
        return self.fc(torch.cat([out[:, -1], extra], dim=1))  # expect: RNN004:34
""",
    # `x[:, None]` on a tensor of unknown rank: a sequence-first RNN reads a batch of one, yet
    # a batch-first one reads a batch of `x.shape[0]`
    "rnn004_new_second_axis_is_one_time_step_for_a_batch_first_rnn": """
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 5, batch_first=True)
        self.fc = nn.Linear(5, 2)

    def forward(self, x):
        out, _ = self.gru(x[:, None])
        return self.fc(out[-1])  # expect: RNN004:23
""",
    "rnn001_after_one_step_per_sample_of_known_shape": """
import torch
import torch.nn as nn

class LastStep(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(16, 2)  # expect: RNN001

    def forward(self, x):
        out, _ = self.lstm(x)
        batch = x.size(0)
        last = out[torch.arange(batch), torch.zeros(batch).long()]
        return self.fc(last)
""",
}

CLEAN = {
    # RNN003: the forward direction is read somewhere else
    "rnn003_first_and_last_row_of_a_one_layer_state": """
import torch
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, 3)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.fc(torch.cat([h_n[0], h_n[-1]], dim=1))
""",
    "rnn003_forward_direction_taken_from_the_output": """
import torch
import torch.nn as nn

class Summary(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.hidden = hidden
        self.lstm = nn.LSTM(n_in, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, 1)

    def forward(self, x):
        out, (h_n, _) = self.lstm(x)
        forward_last = out[:, -1, : self.hidden]
        return self.fc(torch.cat([forward_last, h_n[-1]], dim=1))
""",
    "rnn003_bahdanau_decoder_state_from_the_backward_direction": """
import torch
import torch.nn as nn

class BahdanauEncoder(nn.Module):
    def __init__(self, n_in, hidden, dec_hidden):
        super().__init__()
        self.rnn = nn.GRU(n_in, hidden, bidirectional=True)
        self.init_state = nn.Linear(hidden, dec_hidden)

    def forward(self, src):
        outputs, h_n = self.rnn(src)
        return outputs, torch.tanh(self.init_state(h_n[-1]))
""",
    "rnn003_padded_output_returned_next_to_the_last_row": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Encoder(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden, bidirectional=True)
        self.init_state = nn.Linear(hidden, hidden)

    def forward(self, x, lengths):
        packed_out, (h_n, _) = self.lstm(pack_padded_sequence(x, lengths, enforce_sorted=False))
        memory, _ = pad_packed_sequence(packed_out)
        return memory, self.init_state(h_n[-1])
""",
    "rnn003_directions_split_by_a_view_of_the_whole_state": """
import torch.nn as nn

class Summariser(nn.Module):
    def __init__(self, hidden, layers=2):
        super().__init__()
        self.layers, self.hidden = layers, hidden
        self.gru = nn.GRU(8, hidden, num_layers=layers, bidirectional=True)
        self.fc = nn.Linear(hidden, 1)

    def forward(self, x):
        _, h_n = self.gru(x)
        by_direction = h_n.view(self.layers, 2, h_n.size(1), self.hidden)
        return self.fc(h_n[-1]) + self.fc(by_direction[-1, 0])
""",
    # RNN004: statistics over the batch that broadcast back keep the axis
    # one sample's states over time kept on the module for a plot: the selection goes nowhere
    # the analysis follows, and the prediction reads the last step
    "rnn004_one_sample_kept_for_a_plot": """
import torch.nn as nn

class Traced(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 6)
        self.fc = nn.Linear(6, 1)
        self.trace = None

    def forward(self, x):
        out, _ = self.lstm(x)
        self.trace = out[:, 0].detach()
        self.last_sample = out[:, -1]
        return self.fc(out[-1])
""",
    # a new second axis of size 1 (`seq[:, None]`, `seq.unsqueeze(1)`): a batch of one for a
    # sequence-first RNN, which its only sample may be read from
    "rnn004_one_sequence_as_a_batch_of_one": """
import torch
import torch.nn as nn

class OneSeries(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 5)
        self.gru = nn.GRU(3, 5)
        self.fc = nn.Linear(5, 1)

    def forward(self, seq):
        out, _ = self.lstm(seq[:, None])
        states, _ = self.gru(seq.unsqueeze(1))
        return self.fc(out[:, 0]) + self.fc(states[:, -1]) + out.mean(dim=1) + states.sum(1)
""",
    "rnn004_recurrent_batch_normalisation": """
import torch
import torch.nn as nn

class StepNormLSTM(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden)  # sequence first

    def forward(self, x):
        out, _ = self.lstm(x)
        mean = out.mean(dim=1, keepdim=True)
        scale = torch.amax(out.abs(), 1, True).clamp(min=1e-5)
        return (out - mean) / scale
""",
    # RNN007: the cell state, read on purpose
    "rnn007_cell_state_read_as_the_last_item_of_the_tuple": """
import torch
import torch.nn as nn

class CellSummary(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, batch_first=True)
        self.fc = nn.Linear(2 * hidden, 1)

    def forward(self, x):
        _, hidden = self.lstm(x)
        h_n, c_n = hidden[0], hidden[-1]
        return self.fc(torch.cat([h_n[-1], c_n[-1]], dim=1))
""",
    "rnn007_cell_state_bound_alone": """
import torch.nn as nn

class CellHead(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden)
        self.fc = nn.Linear(hidden, 1)

    def forward(self, x):
        _, state = self.lstm(x)
        cell = state[-1]
        return self.fc(cell[-1])
""",
    "rnn004_positions_changed_by_arithmetic_or_of_the_time_axis": """
import torch
import torch.nn as nn

class Steps(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16)

    def forward(self, x, lengths):
        out, _ = self.gru(x)
        batch = x.size(1)
        shifted = out[torch.arange(batch) + 1, lengths]  # not the positions any more
        flipped = out[torch.flip(torch.arange(batch), (0,)), lengths]
        own = out[torch.arange(x.size(0)), lengths]  # the time axis's own positions
        mask = out[lengths > 0]
        picked = out.gather(0, lengths.view(1, -1, 1).expand(1, batch, 16))
        return shifted, flipped, own, mask, picked, out[lengths - 1, torch.arange(batch)]
""",
}


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_at_exactly_the_markers(name):
    source = FLAGGED[name]
    assert sorted((finding.row, finding.code) for finding in lint_source(source)) == expected_markers(source)


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_deliberate_look_alike_yields_nothing(name):
    assert [(finding.row, finding.code, finding.message) for finding in lint_source(CLEAN[name])] == []
