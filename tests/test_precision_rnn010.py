"""Precision of RNN010: a packed sequence carries no layout, so the RNN it feeds says nothing of
the padded tensor's; a finding needs the code itself to show that layout. Correct code once
flagged, reduced from real patterns, next to the real bugs that must still be found."""

from __future__ import annotations

import pytest

from rnnlint import lint_source
from rnnlint._config import Config
from rnnlint._engine import check_source

from conftest import expected_markers

PACKED_ONLY_MODEL = """
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence


class Encoder(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.gru = nn.GRU(n_in, hidden, batch_first=True)  # only ever fed packed sequences

    def forward(self, padded, lengths):  # padded: (max_len, batch, n_in), from pad_sequence
        packed = pack_padded_sequence(padded, lengths, enforce_sorted=False)
        _, h_n = self.gru(packed)
        return h_n[-1]


def build(n_in, hidden):
    return Encoder(n_in, hidden)
"""

# the model of PACKED_ONLY_MODEL, run through a factory or built where it is called
PACKED_ONLY_MAIN = {
    "factory": "    model = build(3, 7)\n",
    "direct": "    model = Encoder(3, 7)\n",
}
PACKED_ONLY_RUN = """
if __name__ == "__main__":
{model}    padded = pad_sequence([torch.randn(n, 3) for n in (5, 2, 4)])
    assert model(padded, torch.tensor([5, 2, 4])).shape == (3, 7)
"""

CLEAN = {
    # a packed-only RNN's flag is no evidence of the padded tensor's layout
    **{f"packed_only_rnn_built_{how}": PACKED_ONLY_MODEL + PACKED_ONLY_RUN.format(model=line)
       for how, line in PACKED_ONLY_MAIN.items()},
    # sequence-first output on purpose: a head and log_softmax work the same in either layout
    "ctc_model_pads_back_time_major": """
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class CTCModel(nn.Module):
    def __init__(self, n_feats, hidden, n_classes):
        super().__init__()
        self.lstm = nn.LSTM(n_feats, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, feats, lengths):  # feats: (batch, time, n_feats)
        packed = pack_padded_sequence(feats, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, out_lengths = pad_packed_sequence(out)  # (time, batch, hidden): what ctc_loss takes
        return self.fc(out).log_softmax(-1), out_lengths


if __name__ == "__main__":
    log_probs, lens = CTCModel(5, 8, 6)(torch.randn(3, 9, 5), torch.tensor([9, 7, 4]))
    loss = nn.functional.ctc_loss(log_probs, torch.tensor([[1, 2, 3]] * 3), lens, torch.tensor([3, 3, 3]))
    assert log_probs.shape == (9, 3, 6) and torch.isfinite(loss)
""",
    "padded_output_handed_back_as_is": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence

class CharEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16)

    def forward(self, words):
        out, (h_n, _) = self.lstm(pack_sequence(words, enforce_sorted=False))
        states, lengths = pad_packed_sequence(out, batch_first=True)
        return states * 2, lengths, h_n[-1]
""",
    # packed as given and padded back batch first: right for a sequence-first input, which the
    # RNN's flag cannot tell from a batch-first one
    "packed_as_given_padded_batch_first": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, batch_first=True)

    def forward(self, padded, lengths):
        out, _ = self.gru(pack_padded_sequence(padded, lengths, enforce_sorted=False))
        out, _ = pad_packed_sequence(out, batch_first=True)
        return out[:, -1]
""",
    # both paths read x batch first
    "optional_lengths_agree": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)

    def forward(self, x, lengths=None):
        if lengths is not None:
            x = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.lstm(x)
        return h_n[-1]
""",
    # another RNN reads x unpacked, but after moving its axes: the pack reads them as given
    "other_read_after_a_transpose": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.context = nn.GRU(8, 16, batch_first=True)

    def forward(self, x, lengths):
        summary, _ = self.context(x.transpose(0, 1))
        _, (h_n, _) = self.lstm(pack_padded_sequence(x, lengths, enforce_sorted=False))
        return h_n[-1] + summary[:, -1]
""",
    # the state is split with the axis the pack reads as the batch
    "state_view_sized_with_the_packed_batch": """
import torch.nn as nn
from torch.nn.utils import rnn as rnn_utils

class Intent(nn.Module):
    def __init__(self, vocab, layers=2):
        super().__init__()
        self.layers = layers
        self.embedding = nn.Embedding(vocab, 20)
        self.gru = nn.GRU(20, 24, num_layers=layers, batch_first=True, bidirectional=True)

    def forward(self, utterances, lengths):
        packed = rnn_utils.pack_padded_sequence(self.embedding(utterances), lengths, enforce_sorted=False)
        _, h_n = self.gru(packed)
        h_n = h_n.view(self.layers, 2, utterances.size(1), 24)
        return h_n[-1].transpose(0, 1).reshape(utterances.size(1), -1)
""",
    "lengths_per_row_of_a_transposed_input": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(100, 8)
        self.gru = nn.GRU(8, 16)

    def forward(self, tokens, flag, given):
        lengths = (tokens != 0).sum(dim=1)  # tokens: (batch, seq)
        steps = self.embed(tokens).transpose(0, 1)  # (seq, batch, 8): axis 1 is the batch again
        first = self.gru(pack_padded_sequence(steps, lengths.cpu(), enforce_sorted=False))
        second = pack_padded_sequence(self.embed(tokens), lengths, batch_first=flag, enforce_sorted=False)
        third = pack_padded_sequence(self.embed(tokens), given, enforce_sorted=False)
        square = (tokens != 0).sum(-1)  # a negative axis: not followed
        return first, self.gru(second), self.gru(third), square
""",
}

FLAGGED = {
    # the input's layout is known: another RNN's output
    "packs_a_batch_first_rnn_output_sequence_first": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class TwoStage(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.GRU(8, 16, batch_first=True)
        self.second = nn.GRU(16, 16, batch_first=True)

    def forward(self, x, lengths):
        out, _ = self.first(x)
        _, h_n = self.second(pack_padded_sequence(out, lengths, enforce_sorted=False))  # expect: RNN010
        return h_n[-1]
""",
    # without lengths the LSTM reads x batch first; with them, the same x is packed sequence first
    "optional_lengths_disagree": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)

    def forward(self, x, lengths=None):
        if lengths is not None:
            x = pack_padded_sequence(x, lengths, enforce_sorted=False)  # expect: RNN010
        _, (h_n, _) = self.lstm(x)
        return h_n[-1]
""",
    "another_rnn_reads_the_same_input_batch_first": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.context = nn.GRU(8, 16, batch_first=True)

    def forward(self, tokens, lengths):
        embedded = self.embedding(tokens)
        summary, _ = self.context(embedded)
        _, (h_n, _) = self.lstm(pack_padded_sequence(embedded.relu(), lengths, enforce_sorted=False))  # expect: RNN010
        return h_n[-1] + summary[:, -1]
""",
    "same_input_packed_both_ways": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Pair(nn.Module):
    def __init__(self):
        super().__init__()
        self.words = nn.LSTM(8, 16, batch_first=True)
        self.chars = nn.GRU(8, 16, batch_first=True)

    def forward(self, x, lengths):
        _, (h_words, _) = self.words(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
        _, h_chars = self.chars(pack_padded_sequence(x, lengths, enforce_sorted=False))  # expect: RNN010
        return h_words[-1] + h_chars[-1]
""",
    # the state is split with axis 0 of the input as the batch, while the pack reads axis 1
    "state_view_sized_with_the_other_axis": """
import torch.nn as nn
from torch.nn.utils import rnn as rnn_utils

class Intent(nn.Module):
    def __init__(self, vocab, layers=2):
        super().__init__()
        self.layers = layers
        self.embedding = nn.Embedding(vocab, 20)
        self.gru = nn.GRU(20, 24, num_layers=layers, batch_first=True, bidirectional=True)

    def forward(self, utterances, lengths):
        embedded = self.embedding(utterances)
        packed = rnn_utils.pack_padded_sequence(embedded, lengths, enforce_sorted=False)  # expect: RNN010
        _, h_n = self.gru(packed)
        h_n = h_n.view(self.layers, 2, utterances.size(0), 24)
        return h_n[-1].transpose(0, 1).reshape(utterances.size(0), -1)
""",
    # padded back sequence first, then read batch first by the next RNN
    "padded_output_fed_to_a_batch_first_rnn": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Stacked(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.LSTM(8, 16, batch_first=True)
        self.second = nn.GRU(16, 16, batch_first=True)

    def forward(self, x, lengths):
        out, _ = self.first(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
        out, _ = pad_packed_sequence(out)  # expect: RNN010
        out, _ = self.second(out)
        return out
""",
    # padded back batch first, then pooled over axis 0
    "padded_output_pooled_over_its_batch_axis": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Averager(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16)
        self.out = nn.Linear(16, 3)

    def forward(self, tokens, lengths):
        packed_out, _ = self.gru(pack_padded_sequence(tokens, lengths))
        outputs, _ = pad_packed_sequence(packed_out, batch_first=True)  # expect: RNN010
        return self.out(outputs.sum(dim=0))  # expect: RNN004
""",
    "lengths_per_column_of_a_batch_first_pack": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(100, 8)
        self.gru = nn.GRU(8, 16, batch_first=True)

    def forward(self, tokens):
        lengths = tokens.ne(0).sum(0)  # one per column: tokens is (seq, batch)
        packed = pack_padded_sequence(self.embed(tokens), lengths, batch_first=True)  # expect: RNN010
        return self.gru(packed)
""",
}

# Fixes: offered only where the analysis knows the layout of the packed tensor
FIX_OFFERED = {"packs_a_batch_first_rnn_output_sequence_first"}


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_case_yields_nothing(name):
    assert [(finding.row, finding.code, finding.message) for finding in lint_source(CLEAN[name])] == []


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_at_exactly_the_markers(name):
    source = FLAGGED[name]
    assert sorted((finding.row, finding.code) for finding in lint_source(source)) == expected_markers(source)


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_fix_only_where_the_layout_is_known(name):
    result = check_source(FLAGGED[name], "model.py", Config(select=("RNN010",)), fix=True, unsafe_fixes=True)
    if name in FIX_OFFERED:
        assert result.fixed_source is not None and "batch_first=True" in result.fixed_source
    else:
        assert result.fixed_source is None


def test_witness_of_a_flagged_pack_is_named():
    finding, = [f for f in lint_source(FLAGGED["optional_lengths_disagree"]) if f.code == "RNN010"]
    assert "reads the same tensor that way unpacked on line 13" in finding.message
    finding, = [f for f in lint_source(FLAGGED["state_view_sized_with_the_other_axis"]) if f.code == "RNN010"]
    assert "takes axis 0 of the packed tensor for its batch" in finding.message
    assert " when " not in finding.message  # it holds whether the GRU is bidirectional or not


def test_packed_only_model_runs_and_is_left_unfixed():
    # the fix once offered here packed the time axis as the batch: the model crashed after it
    pytest.importorskip("torch")
    source = PACKED_ONLY_MODEL + PACKED_ONLY_RUN.format(model=PACKED_ONLY_MAIN["factory"])
    exec(compile(source, "<packed_only>", "exec"), {"__name__": "__main__"})
    result = check_source(source, "model.py", Config(select=("RNN010",)), fix=True, unsafe_fixes=True)
    assert result.fixed_source is None


OPTIONAL_LENGTHS_RUN = """

def build():
    return Encoder()


if __name__ == "__main__":
    model = {model}
    padded = pad_sequence([torch.randn(n, 8) for n in (5, 2, 4)])
    model(padded, torch.tensor([5, 2, 4]))
"""


@pytest.mark.parametrize("model", ["build()", "Encoder()"])
def test_module_level_call_neither_hides_nor_adds_a_finding(model):
    # the class's own analysis decides; a caller whose tensor's axes say nothing changes nothing
    source = ("import torch\nfrom torch.nn.utils.rnn import pad_sequence\n"
              + FLAGGED["optional_lengths_disagree"] + OPTIONAL_LENGTHS_RUN.format(model=model))
    assert [(finding.row, finding.code) for finding in lint_source(source)] == [(14, "RNN010")]
