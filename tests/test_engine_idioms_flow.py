"""Idioms the analysis follows through a module's data flow, each tied to the rule it enables.

Every snippet carries `# expect: CODE` markers that must match its findings exactly; the clean
look-alikes are the correct forms of the same idioms and must yield nothing.
"""

from __future__ import annotations

import pytest

from rnnlint import lint_source

from conftest import expected_markers

FLAGGED = {
    "default_state_built_with_the_time_axis_as_batch": """
import torch
import torch.nn as nn

class LanguageModel(nn.Module):
    def __init__(self, vocab, embed, hidden, layers=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, layers)
        self.layers, self.hidden = layers, hidden

    def init_state(self, batch):
        zeros = torch.zeros(self.layers, batch, self.hidden)  # expect: RNN006
        return zeros, zeros.clone()

    def forward(self, tokens, state=None):
        if state is None:
            state = self.init_state(tokens.size(0))  # the time axis
        out, state = self.lstm(self.embedding(tokens), state)
        return out, state
""",
    "swap_after_per_series_normalisation": """
import torch.nn as nn

class Forecaster(nn.Module):
    def __init__(self, n_features, hidden):
        super().__init__()
        self.rnn = nn.GRU(n_features, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        # per-series normalisation: the statistics broadcast back to the shape of x
        mean = x.mean(dim=1, keepdim=True)
        std = x.std(dim=1, keepdim=True) + 1e-5
        x = (x - mean) / std
        x = x.view(x.size(1), x.size(0), -1)  # expect: RNN005
        out, _ = self.rnn(x)
        return self.head(out[-1])
""",
    "batch_first_cleared_after_construction": """
import torch.nn as nn

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.lstm.batch_first = False
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])  # expect: RNN004
""",
    "in_place_transpose_back_to_sequence_first": """
import torch.nn as nn

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        seq_first = out
        out.transpose_(0, 1)
        return self.fc(seq_first[:, -1])  # expect: RNN004
""",
    # a @staticmethod called through self takes no self: the tensor reaches its parameter
    "staticmethod_pools_the_batch_axis": """
import torch
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(12, 20, batch_first=True)

    @staticmethod
    def summarise(states):
        return torch.cat([states.mean(dim=0), states.amax(dim=1)], dim=-1)  # expect: RNN004

    def forward(self, x):
        states, _ = self.gru(x)
        return self.summarise(states)
""",
    # a dict of classes indexed by a constructor argument: each entry is one case
    "dict_of_rnn_classes": """
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self, kind="gru", hidden=24):
        super().__init__()
        classes = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
        self.rnn = classes[kind.lower()](10, hidden, 2, batch_first=True)
        self.out = nn.Linear(hidden, 5)

    def forward(self, x):
        states, _ = self.rnn(x)
        return self.out(states[-1])  # expect: RNN004
""",
    "dict_of_rnn_classes_bad_keyword": """
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self, kind="gru"):
        super().__init__()
        self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[kind](input_size=10, hidden_dim=24)  # expect: RNN011
""",
    # each case of the class keeps its own state shape
    "dict_of_classes_state_by_isinstance": """
import torch.nn as nn

class Recommender(nn.Module):
    def __init__(self, items, kind="lstm", hidden=32, layers=1):
        super().__init__()
        self.embed = nn.Embedding(items, 16)
        self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[kind](16, hidden, layers, batch_first=True)
        self.hidden, self.layers = hidden, layers

    def start(self, batch):
        zeros = self.embed.weight.new_zeros(self.layers, batch, self.hidden)
        if isinstance(self.rnn, nn.LSTM):
            return zeros  # expect: RNN007
        return zeros

    def forward(self, items):
        out, _ = self.rnn(self.embed(items), self.start(items.size(0)))
        return out
""",
    # a symbolic proj_size still leaves the batch and time axes of the output known
    "symbolic_proj_size_pooled_over_batch": """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, features=20, hidden=64, proj=16):
        super().__init__()
        self.lstm = nn.LSTM(features, hidden, batch_first=True, proj_size=proj)
        self.head = nn.Linear(proj, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out.mean(dim=0))  # expect: RNN004
""",
    # an LSTM that projects wants h_0 proj_size wide: hidden_size (c_0's width) is too wide
    "symbolic_proj_size_h0_like_c0": """
import torch
import torch.nn as nn

class Streamer(nn.Module):
    def __init__(self, features, hidden, proj, layers):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.lstm = nn.LSTM(features, hidden, layers, proj_size=proj)

    def forward(self, x):
        h0 = torch.zeros(self.layers, x.size(1), self.hidden)  # expect: RNN006
        c0 = torch.zeros(self.layers, x.size(1), self.hidden)
        out, _ = self.lstm(x, (h0, c0))
        return out
""",
    # an elementwise product keeps the axes of the RNN output, inside an in-file submodule too
    "attention_pool_submodule_over_batch": """
import torch
import torch.nn as nn

class Pool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, states):
        weights = torch.softmax(self.score(states), dim=0)
        return (weights * states).sum(dim=1)  # expect: RNN004

class Reader(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, bidirectional=True)
        self.pool = Pool(32)

    def forward(self, x):
        states, _ = self.gru(x)
        return self.pool(states)
""",
    # the length of a Conv1d output is the length of its input: `view` cannot move it first
    "conv_output_viewed_time_first": """
import torch.nn as nn

class Spotter(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 12, 3, padding=1)
        self.gru = nn.GRU(12, 20)

    def forward(self, x):
        x = self.conv(x)
        x = x.reshape(x.size(2), x.size(0), -1)  # expect: RNN005
        out, _ = self.gru(x)
        return out[-1]
""",
    # `view` with the two leading sizes swapped, one of them a constant
    "directions_and_batch_swapped_by_view": """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(10, 16, num_layers=3, batch_first=True, bidirectional=True)

    def forward(self, x):
        _, h_n = self.gru(x)
        top = h_n.view(3, 2, x.size(0), 16)[-1]
        return top.view(top.size(1), top.size(0), -1)  # expect: RNN005
""",
    # the sizes of a reshape come from a flag: each configuration is checked
    "reshape_with_configured_directions": """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, hidden=16, layers=2, bidirectional=True):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.directions = 2 if bidirectional else 1
        self.gru = nn.GRU(10, hidden, layers, batch_first=True, bidirectional=bidirectional)

    def forward(self, x):
        _, h_n = self.gru(x)
        last = h_n.view(self.layers, self.directions, x.size(0), self.hidden)[-1]
        return last.reshape(last.size(1), last.size(0), -1)  # expect: RNN005
""",
    # a tuple takes one index: `hidden[-1, :, :]` on (h_n, c_n) raises
    "state_tuple_indexed_like_a_tensor": """
import torch
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(12, 20, batch_first=True, bidirectional=True)

    def forward(self, x):
        _, hidden = self.lstm(x)
        forward_last = hidden[-2, :, :]  # expect: RNN007
        return torch.cat((forward_last, hidden[-1, :, :]), dim=1)  # expect: RNN007
""",
    # a state built by a helper through view and transpose is certainly one tensor
    "helper_returns_one_transformed_state": """
import torch
import torch.nn as nn

class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.bridge = nn.Linear(8, 2 * 24)
        self.lstm = nn.LSTM(10, 24, 2, batch_first=True)

    def start(self, summary):
        return self.bridge(summary).view(summary.size(0), 2, 24).transpose(0, 1).contiguous()  # expect: RNN007

    def forward(self, x, summary):
        out, _ = self.lstm(x, self.start(summary))
        return out
""",
    # `hidden = model.init_hidden(batch)` then `model(x, hidden)`: the method's state is judged
    "init_hidden_for_the_caller": """
import torch
import torch.nn as nn

class Generator(nn.Module):
    def __init__(self, vocab, hidden=32, layers=2):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.embed = nn.Embedding(vocab, 16)
        self.lstm = nn.LSTM(16, hidden, layers, batch_first=True, bidirectional=True)

    def forward(self, tokens, hidden):
        out, hidden = self.lstm(self.embed(tokens), hidden)
        return out, hidden

    def init_hidden(self, batch):
        return (torch.zeros(self.layers, batch, self.hidden),  # expect: RNN006
                torch.zeros(self.layers * 2, batch, self.hidden))
""",
    "init_hidden_bare_tensor_for_the_caller": """
import torch.nn as nn

class Generator(nn.Module):
    def __init__(self, chars, hidden=32, layers=2):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.lstm = nn.LSTM(chars, hidden, layers, batch_first=True)

    def forward(self, x, state):
        return self.lstm(x, state)

    def init_hidden(self, batch):
        weight = next(self.parameters()).data
        return weight.new(self.layers, batch, self.hidden).zero_()  # expect: RNN007
""",
    # pad_packed_sequence back to the other layout than the RNN and the pack, then a step taken
    # on what is now its batch axis
    "pad_defaults_to_sequence_first": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.out = nn.Linear(16, 4)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out)  # expect: RNN010
        return self.out(out[:, 0])  # expect: RNN004
""",
    # ... or reduced where the RNN's layout has time
    "pad_to_batch_first_then_summed_over_time": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Averager(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16)

    def forward(self, x, lengths):
        out, _ = self.gru(pack_padded_sequence(x, lengths))
        padded, _ = pad_packed_sequence(out, batch_first=True)  # expect: RNN010
        return padded.sum(dim=0)  # expect: RNN004
""",
}

CLEAN = {
    "rnn002_case_on_one_side_of_a_data_dependent_branch": """
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, num_layers=2)
        self.fc = nn.Linear(16, 3)

    def forward(self, x, lengths):
        _, h = self.gru(x)
        if lengths.numel() > 3:
            h = h[-1]
        return self.fc(h)
""",
    "rnn003_case_on_one_side_of_a_data_dependent_branch": """
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, bidirectional=True)
        self.fc = nn.Linear(16, 3)

    def forward(self, x, lengths):
        _, h = self.gru(x)
        if lengths.numel() > 3:
            h = h.view(1, 2, -1, 16).sum(1)
        return self.fc(h[-1])
""",
    "rnn004_case_on_one_side_of_a_data_dependent_branch": """
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16)
        self.fc = nn.Linear(16, 3)

    def forward(self, x, lengths):
        out, _ = self.lstm(x)
        if lengths.numel() > 3:
            out = out.transpose(0, 1)
        return self.fc(out[:, -1])
""",
    "rnn005_case_on_one_side_of_a_data_dependent_branch": """
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16)

    def forward(self, x, lengths):
        if lengths.numel() > 3:
            x = x.transpose(0, 1)
        x = x.view(x.size(1), x.size(0), -1)
        out, _ = self.gru(x)
        return out
""",
    "rnn008_case_on_one_side_of_a_data_dependent_branch": """
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 8)
        self.gru = nn.GRU(8, 16)

    def forward(self, x, lengths):
        x = torch.zeros(5, 2, 4)
        if lengths.numel() > 3:
            x = self.proj(x)
        out, _ = self.gru(x)
        return out
""",
    "optional_conditioning_vector_for_the_head": """
import torch
import torch.nn as nn


class ConditionedEncoder(nn.Module):
    # A GRU summary, optionally concatenated with a conditioning vector of cond_dim features.

    def __init__(self, n_in, hidden, n_out, cond_dim=None):
        super().__init__()
        self.gru = nn.GRU(n_in, hidden, batch_first=True)
        in_features = hidden + cond_dim if cond_dim else hidden
        self.head = nn.Linear(in_features, n_out)

    def forward(self, x, cond=None):
        _, h = self.gru(x)
        z = h[-1]
        if cond is not None:  # callers pass cond exactly when the model was built with cond_dim
            z = torch.cat([z, cond], dim=-1)
        return self.head(z)
""",
    "optional_speaker_embedding_for_the_rnn_input": """
import torch
import torch.nn as nn


class SpeakerConditionedDecoder(nn.Module):
    # Prenet + LSTM; the LSTM input is optionally extended with a speaker embedding.

    def __init__(self, n_in, prenet_dim, hidden, spk_dim=None):
        super().__init__()
        self.prenet = nn.Linear(n_in, prenet_dim)
        self.lstm = nn.LSTM(prenet_dim + spk_dim if spk_dim else prenet_dim, hidden, batch_first=True)

    def forward(self, x, spk=None):
        x = self.prenet(x)
        if spk is not None:  # callers pass spk exactly when the model was built with spk_dim
            x = torch.cat([x, spk.unsqueeze(1).expand(-1, x.size(1), -1)], dim=-1)
        out, _ = self.lstm(x)
        return out
""",
    "transpose_after_per_series_normalisation": """
import torch.nn as nn

class Forecaster(nn.Module):
    def __init__(self, n_features, hidden):
        super().__init__()
        self.rnn = nn.GRU(n_features, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        # per-series normalisation: the statistics broadcast back to the shape of x
        mean = x.mean(dim=1, keepdim=True)
        std = x.std(dim=1, keepdim=True) + 1e-5
        x = (x - mean) / std
        x = x.transpose(0, 1)
        out, _ = self.rnn(x)
        return self.head(out[-1])
""",
    "branches_on_the_layer_count_agree": """
import torch
import torch.nn as nn

class Encoder(nn.Module):
    # one bidirectional layer of hidden // 2, or a deep unidirectional stack of hidden
    def __init__(self, hidden, n_layers=1):
        super().__init__()
        self.n_layers = n_layers
        if n_layers > 1:
            self.rnn = nn.LSTM(8, hidden, n_layers, batch_first=True)
        else:
            self.rnn = nn.LSTM(8, hidden // 2, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden, 3)

    def forward(self, x):
        _, (h, _) = self.rnn(x)
        if self.n_layers == 1:
            last = torch.cat((h[-1], h[-2]), 1)
        else:
            last = h[-1]
        return self.fc(last)

for n in (1, 2, 3):
    print(n, Encoder(16, n)(torch.randn(2, 5, 8)).shape)
""",
    "input_width_shares_a_size_with_the_constructor": """
import torch
import torch.nn as nn

class ConditionedDecoder(nn.Module):
    def __init__(self, embed_size, latent_size, hidden_size, classes):
        super().__init__()
        self.latent_size = latent_size
        self.rnn = nn.LSTM(embed_size + latent_size, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size + latent_size, classes)

    def forward(self, x, z):
        batch, steps, _ = x.size()
        z = z.unsqueeze(1).repeat(1, steps, 1).view(batch, steps, self.latent_size)
        out, _ = self.rnn(torch.cat([x, z], 2))
        extra = z[:, -1]
        return self.fc(torch.cat([out[:, -1], x[:, -1, :self.latent_size]], 1)), extra
""",
    "batch_first_set_after_construction": """
import torch.nn as nn

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16)
        self.lstm.batch_first = True  # read at every call, like the constructor argument
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])
""",
    "in_place_transpose_to_batch_first": """
import torch
import torch.nn as nn

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16)
        self.gru = nn.GRU(8, 16, num_layers=2)
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        out.transpose_(0, 1)
        h = torch.zeros(x.size(1), 16).unsqueeze(0)
        h.unsqueeze_(0)
        h.squeeze_(0)
        deep, _ = self.gru(x, h.repeat(2, 1, 1))
        return self.fc(out[:, -1]), deep
""",
    "staticmethod_pools_time": """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(12, 20, batch_first=True)

    @staticmethod
    def summarise(states):
        return states.mean(dim=1)

    def forward(self, x):
        states, _ = self.gru(x)
        return self.summarise(states)
""",
    "dict_of_rnn_classes_last_step": """
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self, kind="gru", hidden=24):
        super().__init__()
        classes = {"lstm": nn.LSTM, "gru": nn.GRU}
        self.rnn = classes[kind](10, hidden, 2, batch_first=True)
        self.out = nn.Linear(hidden, 5)

    def forward(self, x):
        states, _ = self.rnn(x)
        return self.out(states[:, -1])
""",
    "dict_of_classes_state_by_isinstance": """
import torch.nn as nn

class Recommender(nn.Module):
    def __init__(self, items, kind="lstm", hidden=32, layers=1):
        super().__init__()
        self.embed = nn.Embedding(items, 16)
        self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[kind](16, hidden, layers, batch_first=True)
        self.hidden, self.layers = hidden, layers

    def start(self, batch):
        zeros = self.embed.weight.new_zeros(self.layers, batch, self.hidden)
        if isinstance(self.rnn, nn.LSTM):
            return zeros, zeros.clone()
        return zeros

    def forward(self, items):
        out, _ = self.rnn(self.embed(items), self.start(items.size(0)))
        return out[:, -1]
""",
    "symbolic_proj_size_h0_projected": """
import torch
import torch.nn as nn

class Streamer(nn.Module):
    def __init__(self, features, hidden, proj, layers):
        super().__init__()
        self.hidden, self.proj, self.layers = hidden, proj, layers
        self.lstm = nn.LSTM(features, hidden, layers, proj_size=proj)

    def forward(self, x):
        h0 = torch.zeros(self.layers, x.size(1), self.proj)
        c0 = torch.zeros(self.layers, x.size(1), self.hidden)
        out, _ = self.lstm(x, (h0, c0))
        return out.mean(dim=0)
""",
    "conv_output_permuted": """
import torch.nn as nn

class Spotter(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 12, 3, padding=1)
        self.gru = nn.GRU(12, 20)

    def forward(self, x):
        x = self.conv(x).permute(2, 0, 1)
        out, _ = self.gru(x)
        return out[-1]
""",
    "directions_split_then_transposed": """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, hidden=16, layers=2, bidirectional=True):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.directions = 2 if bidirectional else 1
        self.gru = nn.GRU(10, hidden, layers, batch_first=True, bidirectional=bidirectional)

    def forward(self, x):
        _, h_n = self.gru(x)
        last = h_n.view(self.layers, self.directions, x.size(0), self.hidden)[-1]
        return last.transpose(0, 1).reshape(x.size(0), -1)
""",
    "state_tuple_sliced_and_indexed_once": """
import torch
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(12, 20, batch_first=True, bidirectional=True)

    def forward(self, x):
        _, hidden = self.lstm(x)
        h_n = hidden[0]
        return torch.cat((h_n[-2, :, :], h_n[-1, :, :]), dim=1), hidden[:1]
""",
    "init_hidden_for_the_caller": """
import torch.nn as nn

class Generator(nn.Module):
    def __init__(self, chars, hidden=32, layers=2):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.lstm = nn.LSTM(chars, hidden, layers, batch_first=True)

    def forward(self, x, state):
        return self.lstm(x, state)

    def init_hidden(self, batch):
        weight = next(self.parameters()).data
        return (weight.new(self.layers, batch, self.hidden).zero_(),
                weight.new(self.layers, batch, self.hidden).zero_())
""",
    # the padded output is moved back to the RNN's layout before it is used
    "pad_sequence_first_then_transposed": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.out = nn.Linear(16, 4)

    def forward(self, x, lengths):
        out, _ = self.lstm(pack_padded_sequence(x, lengths, True))
        out, _ = pad_packed_sequence(out)
        return self.out(out.transpose(1, 0))
""",
    # packed and padded in the same layout, the input moved there on purpose: the RNN's own
    # flag plays no part in a packed call
    "pack_and_pad_agree": """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, batch_first=True)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x.transpose(0, 1), lengths, enforce_sorted=False)
        out, _ = self.gru(packed)
        out, _ = pad_packed_sequence(out)
        return out.mean(dim=0)
""",
}


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_at_exactly_the_markers(name):
    source = FLAGGED[name]
    assert sorted((finding.row, finding.code) for finding in lint_source(source)) == expected_markers(source)


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_look_alike_yields_nothing(name):
    assert [(finding.row, finding.code, finding.message) for finding in lint_source(CLEAN[name])] == []


CONV_OF_A_TRANSPOSE = """
import torch.nn as nn


class ConvEncoder(nn.Module):
    def __init__(self, n_feats=5, channels=6, hidden=7):
        super().__init__()
        self.conv = nn.Conv1d(n_feats, channels, kernel_size=3, padding=1)
        self.gru = nn.GRU(channels, hidden, batch_first=True)

    def forward(self, x):
        feats = self.conv(x.transpose(1, 2))  # x of unknown rank: its transpose has no named sizes
        _, h_n = self.gru(feats.{read})
        return h_n[-1]
"""


@pytest.mark.parametrize("read, expected", [
    ("view(feats.size(0), feats.size(2), -1)", [(13, "RNN005")]),  # (batch, channels, time) read as (batch, time, ...)
    ("transpose(1, 2)", []),
    ("permute(0, 2, 1).contiguous().view(feats.size(0), feats.size(2), -1)", []),
])
def test_a_conv1d_output_of_unknown_sizes_keeps_its_axes_for_a_view(read, expected):
    assert [(finding.row, finding.code) for finding in lint_source(CONV_OF_A_TRANSPOSE.format(read=read))] == expected
