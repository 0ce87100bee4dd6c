"""Precision of the analysis: correct code that once produced a finding, each case reduced
from a real pattern, and the real bug next to it that must still be found."""

from __future__ import annotations

import pytest

from rnnlint import lint_source

from conftest import expected_markers

CLEAN = {
    "single_layer_asserted_in_the_constructor": """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, n_in, hidden, num_layers=1):
        super().__init__()
        assert num_layers == 1, "this encoder supports a single layer"
        self.gru = nn.GRU(n_in, hidden, num_layers=num_layers, batch_first=True)

    def forward(self, x):
        _, h_n = self.gru(x)
        return h_n.view(x.size(0), -1)
""",
    "size_pinned_to_zero_by_a_branch_rnn_input": """
import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, vocab, emb_dim, pos_dim, hidden):
        super().__init__()
        self.pos_dim = pos_dim
        self.embed = nn.Embedding(vocab, emb_dim)
        self.lstm = nn.LSTM(emb_dim + pos_dim, hidden, batch_first=True)

    def forward(self, tokens, pos_feats=None):
        x = self.embed(tokens)
        if self.pos_dim > 0:
            x = torch.cat([x, pos_feats], dim=-1)
        out, _ = self.lstm(x)
        return out
""",
    "size_pinned_to_zero_by_a_branch_head": """
import torch
import torch.nn as nn


class Forecaster(nn.Module):
    def __init__(self, n_in, hidden, n_static=0):
        super().__init__()
        self.n_static = n_static
        self.gru = nn.GRU(n_in, hidden, batch_first=True)
        self.head = nn.Linear(hidden + n_static, 1)

    def forward(self, x, static=None):
        out, _ = self.gru(x)
        feats = out[:, -1]
        if self.n_static:
            feats = torch.cat([feats, static], dim=1)
        return self.head(feats)
""",
    "state_reshaped_with_the_layers_axis_first": """
import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, n_in, hidden, layers):
        super().__init__()
        self.gru = nn.GRU(n_in, hidden, num_layers=layers, batch_first=True)

    def forward(self, x):
        _, h_n = self.gru(x)
        per_layer = h_n.reshape(h_n.size(0), -1)  # (layers, batch*hidden): adjacent axes merged
        return per_layer.norm(dim=1)  # one norm per layer
""",
    "state_viewed_only_where_it_has_one_layer": """
import torch
import torch.nn as nn


class Summary(nn.Module):
    def __init__(self, n_in, hidden, num_layers):
        super().__init__()
        self.num_layers = num_layers
        self.gru = nn.GRU(n_in, hidden, num_layers=num_layers, batch_first=True)

    def forward(self, x):
        _, h_n = self.gru(x)
        if self.num_layers == 1:
            return h_n.view(x.size(0), -1)  # (1, batch, hidden) -> (batch, hidden)
        return h_n[-1]


class Asserted(Summary):
    def forward(self, x):
        assert self.num_layers == 1
        _, h_n = self.gru(x)
        return h_n.view(x.size(0), -1)
""",
    "subclass_sets_the_class_attribute_its_base_reads": """
import torch
import torch.nn as nn


class Base(nn.Module):
    BIDIRECTIONAL = False

    def __init__(self, n_in, hidden):
        super().__init__()
        self.gru = nn.GRU(n_in, hidden, batch_first=True, bidirectional=self.BIDIRECTIONAL)
        self.head = nn.Linear(hidden * (2 if self.BIDIRECTIONAL else 1), 1)

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.head(h_n[-1])


class BiModel(Base):
    BIDIRECTIONAL = True  # Base.__init__ reads this one for a BiModel

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.head(torch.cat([h_n[-2], h_n[-1]], dim=1))
""",
    "subclass_overrides_the_method_its_base_calls": """
import torch
import torch.nn as nn


class Base(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.rnn = self.build_rnn(n_in, hidden)  # template method: subclasses override
        self.fc = nn.Linear(hidden, 1)

    def build_rnn(self, n_in, hidden):
        return nn.GRU(n_in, hidden, batch_first=True)


class LSTMModel(Base):
    def build_rnn(self, n_in, hidden):
        return nn.LSTM(n_in, hidden, batch_first=True)

    def forward(self, x):
        _, (h, c) = self.rnn(x)
        return self.fc(h[-1] + c[-1])
""",
    "abstract_base_with_placeholder_sizes": """
import torch
import torch.nn as nn


class SensorModel(nn.Module):  # abstract: never instantiated itself
    N_FEATURES = 0  # set by each concrete subclass
    NUM_LAYERS = 1  # ditto
    DROPOUT = 0.25

    def __init__(self, hidden):
        super().__init__()
        self.lstm = nn.LSTM(self.N_FEATURES, hidden, num_layers=self.NUM_LAYERS,
                            dropout=self.DROPOUT, batch_first=True)

    def forward(self, x):
        return self.lstm(x)[0]


class Gyroscope(SensorModel):
    N_FEATURES = 6
    NUM_LAYERS = 2
""",
    "sizes_from_distinct_config_lookups": """
import torch
import torch.nn as nn


class LM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.lstm = nn.LSTM(cfg.get("emb"), cfg.get("hidden"), proj_size=cfg.get("proj"))

    def forward(self, x):
        return self.lstm(x)[0]
""",
    "features_joined_along_the_numpy_spelling_axis": """
import torch
import torch.nn as nn


class Merge(nn.Module):
    def __init__(self, n_in, hidden, extra):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, batch_first=True)
        self.side = nn.Linear(n_in, extra)
        self.head = nn.Linear(hidden + extra, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        both = torch.cat([out, self.side(x)], axis=2)  # torch reads axis= as dim=
        return self.head(both)
""",
    "in_file_class_named_like_a_torch_cell": """
import torch
import torch.nn as nn


class LSTMCell(nn.Module):
    \"\"\"Cells stacked; returns the last layer's output and the whole (h, c) state.\"\"\"

    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.cell = torch.nn.LSTMCell(input_size, hidden_size)

    def forward(self, x, hx=None):
        h, c = self.cell(x, hx)
        return h, (h, c)


class Decoder(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.rnn = LSTMCell(input_size, hidden_size)

    def step(self, inp, hs):
        out, hs = self.rnn(inp, hs)  # hs: the (h, c) tuple the class returns
        return out, hs

    def forward(self, x):
        hs = None
        outs = []
        for t in range(x.shape[1]):
            out, hs = self.step(x[:, t], hs)
            outs.append(out)
        return torch.stack(outs, dim=1)
""",
    "rows_reshaped_by_the_sizes_of_their_own_branch": """
import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, n_in, hidden, hops, pooling):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, bidirectional=True)
        self.pooling = pooling
        self.ws = nn.Linear(2 * hidden, hops)

    def forward(self, x):
        outp = self.lstm(x)[0]
        if self.pooling == "all":
            outp = torch.transpose(outp, 0, 1).contiguous()  # (batch, time, features)
        size = outp.size()  # the sizes of whichever layout the branch left
        flat = outp.view(-1, size[2])
        return self.ws(flat).view(size[0], size[1], -1)
""",
}

FLAGGED = {
    "wrong_head_in_training_mode_only": """
import torch.nn as nn

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, bidirectional=True)
        self.fc = nn.Linear(16, 3)  # expect: RNN001
        self.aux = nn.Linear(32, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        if self.training:
            return self.fc(out[-1])
        return self.aux(out[-1])
""",
    "size_added_where_the_branch_adds_nothing": """
import torch
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self, vocab, n_tags, emb_dim, pos_dim, hidden):
        super().__init__()
        self.pos_dim = pos_dim
        self.embed = nn.Embedding(vocab, emb_dim)
        self.pos_embed = nn.Embedding(n_tags, pos_dim)
        self.lstm = nn.LSTM(emb_dim + 2 * pos_dim, hidden, batch_first=True)  # expect: RNN008

    def forward(self, tokens, tags):
        x = self.embed(tokens)
        if self.pos_dim > 0:
            x = torch.cat([x, self.pos_embed(tags)], dim=-1)
        out, _ = self.lstm(x)
        return out
""",
    "state_viewed_after_an_assertion_that_allows_two_layers": """
import torch.nn as nn

class Summary(nn.Module):
    def __init__(self, n_in, hidden, num_layers):
        super().__init__()
        self.num_layers = num_layers
        self.gru = nn.GRU(n_in, hidden, num_layers=num_layers, batch_first=True)

    def forward(self, x):
        assert self.num_layers == 2
        _, h_n = self.gru(x)
        return h_n.view(x.size(0), -1)  # expect: RNN005
""",
    "repeat_tiles_read_scales_first": """
import torch.nn as nn

class Tiled(nn.Module):
    def __init__(self, hidden=6, scales=3, copies=2):
        super().__init__()
        self.scales, self.copies = scales, copies
        self.gru = nn.GRU(4, hidden, batch_first=True)
        self.to_scales = nn.Linear(hidden, scales)

    def forward(self, x):
        out, _ = self.gru(x)
        tiled = self.to_scales(out).repeat(1, 1, self.copies)
        return tiled.view(x.size(0), x.size(1), self.scales, self.copies)  # expect: RNN005
""",
    "expanded_axis_after_a_layer_read_first": """
import torch.nn as nn

class PerSpeaker(nn.Module):
    def __init__(self, hidden=6, scales=3, speakers=2):
        super().__init__()
        self.scales, self.speakers = scales, speakers
        self.gru = nn.GRU(4, hidden, batch_first=True)
        self.to_scales = nn.Linear(hidden, scales)

    def forward(self, x):
        batch, length = x.shape[0], x.shape[1]
        out, _ = self.gru(x)
        spread = self.to_scales(out).unsqueeze(3).expand(batch, length, self.scales, self.speakers)
        return spread.reshape(batch * length, self.speakers, self.scales)  # expect: RNN005
""",
    "same_config_lookup_twice": """
import torch.nn as nn

class LM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.lstm = nn.LSTM(cfg.get("emb"), cfg.get("hidden"), proj_size=cfg.get("hidden"))  # expect: RNN011

    def forward(self, x):
        return self.lstm(x)[0]
""",
    "head_too_small_for_features_joined_along_axis": """
import torch
import torch.nn as nn


class Merge(nn.Module):
    def __init__(self, n_in, hidden, extra):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, batch_first=True)
        self.side = nn.Linear(n_in, extra)
        self.head = nn.Linear(hidden, 3)  # expect: RNN001

    def forward(self, x):
        out, _ = self.lstm(x)
        both = torch.cat([out, self.side(x)], axis=2)
        return self.head(both)
""",
}


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_correct_code_yields_nothing(name):
    assert lint_source(CLEAN[name]) == []


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_the_real_bug_is_still_found(name):
    source = FLAGGED[name]
    assert sorted((finding.row, finding.code) for finding in lint_source(source)) == expected_markers(source)
