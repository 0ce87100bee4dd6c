"""Layers the program picks while it runs: `getattr(nn, name)(...)` whose arguments only the
recurrent layers take, factories in other files, and methods resolved in Python's C3 order.

Every snippet carries `# expect: CODE` markers that must match its findings exactly; the clean
look-alikes are correct programs, or programs whose values the analysis cannot pin down, and
must yield nothing.
"""

from __future__ import annotations

import inspect
import warnings

import pytest

from rnnlint import _pytorch, lint_source

from conftest import expected_markers

FLAGGED = {
    # C3: Tagger, Recurrent, Bidirectional, Plain: the bidirectional builder wins
    "c3_order_picks_the_base_of_the_first_base": """
import torch.nn as nn

class Bidirectional:
    def build_rnn(self, n_in, hidden):
        return nn.LSTM(n_in, hidden, batch_first=True, bidirectional=True)

class Plain:
    def build_rnn(self, n_in, hidden):
        return nn.LSTM(n_in, hidden, batch_first=True)

class Recurrent(Bidirectional):
    pass

class Tagger(Recurrent, Plain, nn.Module):
    def __init__(self, n_in=6, hidden=10, n_tags=4):
        super().__init__()
        self.rnn = self.build_rnn(n_in, hidden)
        self.head = nn.Linear(hidden, n_tags)  # expect: RNN001

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out)
""",
    # a diamond: super() in Left goes on to Right (the instance's order), not to Base
    "super_follows_the_instance_order": """
import torch.nn as nn

class Base(nn.Module):
    def __init__(self):
        super().__init__()
        self.bidirectional = False

class Left(Base):
    def __init__(self):
        super().__init__()

class Right(Base):
    def __init__(self):
        super().__init__()
        self.bidirectional = True

class Model(Left, Right):
    def __init__(self, hidden=8):
        super().__init__()
        self.lstm = nn.LSTM(4, hidden, bidirectional=self.bidirectional)
        self.head = nn.Linear(hidden, 2)  # expect: RNN001

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out)
""",
    # whatever the name is, the keywords build an RNN, LSTM or GRU: each is fed the
    # embedding's 32 features but built for 16
    "getattr_of_an_unknown_name_with_recurrent_keywords": """
import torch.nn as nn

class CharModel(nn.Module):
    def __init__(self, vocab, n_out, n_layers=1):
        super().__init__()
        self.encoder = nn.Embedding(vocab, 32)
        self.rnn = getattr(nn, CONFIG["rnn"])(input_size=16, hidden_size=32, num_layers=n_layers)  # expect: RNN008
        self.decoder = nn.Linear(32, n_out)

    def forward(self, x, hidden):
        out, hidden = self.rnn(self.encoder(x), hidden)
        return self.decoder(out), hidden
""",
    # the file shows "LSTM" and handles it; the other names the keywords admit (GRU, RNN)
    # return one tensor, which the else branch folds into the batch axis
    "getattr_beyond_the_names_the_file_shows": """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, rnn_type, input_size, hidden_size, num_layers, dropout):
        super().__init__()
        self.rnn_type = rnn_type
        self.rnn = getattr(nn, rnn_type)(input_size, hidden_size, num_layers=num_layers, dropout=dropout)

    def forward(self, x):
        _, hidden = self.rnn(x)
        if self.rnn_type == "LSTM":
            return hidden[0].permute(1, 0, 2).reshape(x.size(1), -1)
        return hidden.view(x.size(1), -1)  # expect: RNN005
""",
    # `proj_size` is nn.LSTM's alone: the module is certainly an LSTM, and takes `(h_0, c_0)`
    "getattr_keywords_only_one_kind_takes": """
import torch
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.rnn = getattr(nn, kind)(input_size=4, hidden_size=8, proj_size=2)

    def forward(self, x):
        h0 = torch.zeros(1, x.size(1), 2)
        out, _ = self.rnn(x, h0)  # expect: RNN007
        return out
""",
    # whichever name: bidirectional, so `2*hidden` features reach the head
    "getattr_of_a_name_the_file_does_not_pin_bidirectional": """
import torch.nn as nn

class Model(nn.Module):
    def __init__(self, rnn_type, hidden=16):
        super().__init__()
        self.rnn = getattr(nn, rnn_type)(8, hidden, bidirectional=True)
        self.fc = nn.Linear(hidden, 2)  # expect: RNN001

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out)
""",
    # fairseq's combine_bidir: `bsz` comes from a helper the analysis does not follow, but a
    # view that runs gives it the size the element count leaves: the batch, read across the
    # two directions stacked along it
    "view_size_left_by_the_element_count": """
import torch
import torch.nn as nn

from helpers import convert_padding_direction

class Encoder(nn.Module):
    def __init__(self, hidden=8, layers=2):
        super().__init__()
        self.layers, self.units = layers, 2 * hidden
        self.embed = nn.Embedding(50, 6)
        self.lstm = nn.LSTM(6, hidden, num_layers=layers, bidirectional=True)

    def forward(self, tokens):
        tokens = convert_padding_direction(tokens)
        bsz = tokens.size(1)
        _, (h_n, _) = self.lstm(self.embed(tokens))

        def combine(outs):
            return torch.cat([
                torch.cat([outs[2 * i], outs[2 * i + 1]], dim=0).view(1, bsz, self.units)  # expect: RNN005
                for i in range(self.layers)
            ], dim=0)

        return combine(h_n)
""",
    # the HashtagGeneration encoder: layers of a comprehension, stepped by a counter; with
    # `rnn_type` "LSTM" (a name the file shows) each state is an `(h, c)` pair, which
    # `torch.cat` cannot join
    "cat_of_states_from_a_module_list_by_counter": """
import torch
import torch.nn as nn

class BiAttEncoder(nn.Module):
    def __init__(self, rnn_type, emb, hidden):
        super().__init__()
        self.n_states = 2 if rnn_type == "LSTM" else 1
        self.rnns = nn.ModuleList([getattr(nn, rnn_type)(input_size=size, hidden_size=hidden, num_layers=1,
                                                          bidirectional=True) for size in [emb]])
        self.combine = nn.Linear(2 * hidden, hidden)

    def forward(self, src, ans):
        hidden = None
        for index in range(len(self.rnns)):
            rnn = self.rnns[index]
            src_out, src_hidden = rnn(src, hidden)
            ans_out, ans_hidden = rnn(ans, hidden)
            hidden = self.combine(torch.cat([src_hidden, ans_hidden], dim=-1))  # expect: RNN007
        return hidden
""",
}

CLEAN = {
    # the breadth-first walk would take Plain's unidirectional builder; C3 takes Bidirectional's
    "c3_order_head_sized_for_the_builder_it_gets": """
import torch.nn as nn

class Bidirectional:
    def build_rnn(self, n_in, hidden):
        return nn.LSTM(n_in, hidden, batch_first=True, bidirectional=True)

class Plain:
    def build_rnn(self, n_in, hidden):
        return nn.LSTM(n_in, hidden, batch_first=True)

class Recurrent(Bidirectional):
    pass

class Tagger(Recurrent, Plain, nn.Module):
    def __init__(self, n_in=6, hidden=10, n_tags=4):
        super().__init__()
        self.rnn = self.build_rnn(n_in, hidden)
        self.head = nn.Linear(2 * hidden, n_tags)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out)
""",
    # a diamond where depth first (Model, Left, Base) would keep Base's flag
    "diamond_super_reaches_the_override": """
import torch.nn as nn

class Base(nn.Module):
    def __init__(self):
        super().__init__()
        self.bidirectional = False

class Left(Base):
    def __init__(self):
        super().__init__()

class Right(Base):
    def __init__(self):
        super().__init__()
        self.bidirectional = True

class Model(Left, Right):
    def __init__(self, hidden=8):
        super().__init__()
        self.lstm = nn.LSTM(4, hidden, bidirectional=self.bidirectional)
        self.head = nn.Linear(2 * hidden, 2)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out)
""",
    # fed what it is built for, whatever the name
    "getattr_of_an_unknown_name_fed_its_input_size": """
import torch.nn as nn

class CharRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, n_layers=1):
        super().__init__()
        self.encoder = nn.Embedding(input_size, hidden_size)
        self.rnn = getattr(nn, CONFIG["rnn"])(input_size=hidden_size, hidden_size=hidden_size,
                                              num_layers=n_layers)
        self.decoder = nn.Linear(hidden_size, output_size)

    def forward(self, x, hidden):
        out, hidden = self.rnn(self.encoder(x), hidden)
        return self.decoder(out), hidden
""",
    # an LSTM's (h, c) is right for the LSTM and wrong for the others: the name is not known,
    # so nothing is said
    "getattr_of_an_unknown_name_given_a_pair": """
import torch
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, opt):
        super().__init__()
        self.rnn = getattr(nn, opt.rnn_type)(input_size=8, hidden_size=16, num_layers=2)

    def forward(self, x):
        h = torch.zeros(2, x.size(1), 16)
        out, _ = self.rnn(x, (h, h))
        return out
""",
    # the file shows the only names it uses; the state matches each
    "getattr_state_matches_each_name_shown": """
import torch
import torch.nn as nn

class Decoder(nn.Module):
    def __init__(self, rnn_type, input_size, hidden_size, num_layers, dropout):
        super().__init__()
        self.rnn_type = rnn_type
        self.num_layers = num_layers
        self.hidden_size = hidden_size
        self.rnn = getattr(nn, rnn_type)(input_size, hidden_size, num_layers=num_layers, dropout=dropout)

    def forward(self, x):
        h = torch.zeros(self.num_layers, x.size(1), self.hidden_size)
        if self.rnn_type == "LSTM":
            state = (h, torch.zeros_like(h))
        else:
            state = h
        out, _ = self.rnn(x, state)
        return out
""",
    # `isinstance(final, tuple)` tells the LSTM from the others: after the branch that returns,
    # the state is one tensor whichever of the rest it is
    "getattr_state_told_apart_by_isinstance": """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, rnn_type):
        super().__init__()
        self.rnn = getattr(nn, rnn_type)(input_size=4, hidden_size=8, num_layers=2)
        self.is_lstm = rnn_type == "LSTM"

    def forward(self, x):
        out, final = self.rnn(x)
        if isinstance(final, tuple):
            return final[0].size()
        return final.size()
""",
    # the fix: the two directions of each sample side by side, then the view
    "view_size_left_by_the_element_count_after_cat_of_features": """
import torch
import torch.nn as nn

from helpers import convert_padding_direction

class Encoder(nn.Module):
    def __init__(self, hidden=8, layers=2):
        super().__init__()
        self.layers, self.units = layers, 2 * hidden
        self.embed = nn.Embedding(50, 6)
        self.lstm = nn.LSTM(6, hidden, num_layers=layers, bidirectional=True)

    def forward(self, tokens):
        tokens = convert_padding_direction(tokens)
        bsz = tokens.size(1)
        out, (h_n, _) = self.lstm(self.embed(tokens))
        rows = out.view(count_rows(out), self.units)  # (seq * batch, 2 * hidden): adjacent axes merged
        final = torch.cat([
            torch.cat([h_n[2 * i], h_n[2 * i + 1]], dim=1).view(1, bsz, self.units)
            for i in range(self.layers)
        ], dim=0)
        return rows, final
""",
    # two sizes the analysis does not know: the element count settles neither
    "view_with_two_sizes_not_known": """
import torch
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.gru = nn.GRU(6, hidden, bidirectional=True)

    def forward(self, x, a, b):
        _, h_n = self.gru(x)
        return torch.cat([h_n[0], h_n[1]], dim=0).view(a.item(), b.item(), 16)
""",
    # the same encoder taking each state apart first: the pair's `h` for an LSTM
    "cat_of_states_taken_apart": """
import torch
import torch.nn as nn

class BiAttEncoder(nn.Module):
    def __init__(self, rnn_type, emb, hidden):
        super().__init__()
        self.rnn_type = rnn_type
        self.rnns = nn.ModuleList([getattr(nn, rnn_type)(input_size=size, hidden_size=hidden, num_layers=1,
                                                          bidirectional=True) for size in [emb]])
        self.combine = nn.Linear(2 * hidden, hidden)

    def forward(self, src, ans):
        merged = None
        for index in range(len(self.rnns)):
            rnn = self.rnns[index]
            _, src_hidden = rnn(src)
            _, ans_hidden = rnn(ans)
            if self.rnn_type == "LSTM":
                src_hidden, ans_hidden = src_hidden[0], ans_hidden[0]
            merged = self.combine(torch.cat([src_hidden, ans_hidden], dim=-1))
        return merged
""",
    # positional arguments alone fit many torch.nn classes (a Linear, a Conv1d...): unknown
    "getattr_with_arguments_many_layers_take": """
import torch.nn as nn

class Block(nn.Module):
    def __init__(self, kind, n_in, n_out):
        super().__init__()
        self.layer = getattr(nn, kind)(n_in, n_out)
        self.head = nn.Linear(n_out, 2)

    def forward(self, x):
        out = self.layer(x)
        return self.head(out[0])
""",
    # `mode` is nn.RNNBase's own first parameter: no recurrent kind of the table
    "getattr_with_an_rnnbase_mode": """
import torch.nn as nn

class Block(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.rnn = getattr(nn, kind)(mode="GRU", input_size=4, hidden_size=8, num_layers=1)
        self.head = nn.Linear(8, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out)
""",
}


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_at_exactly_the_markers(name):
    source = FLAGGED[name]
    assert sorted((finding.row, finding.code) for finding in lint_source(source)) == expected_markers(source)


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_look_alike_yields_nothing(name):
    assert [(finding.row, finding.code, finding.message) for finding in lint_source(CLEAN[name])] == []


def _torch_nn_classes():
    torch = pytest.importorskip("torch")
    return [(name, getattr(torch.nn, name)) for name in dir(torch.nn) if isinstance(getattr(torch.nn, name), type)]


RECURRENT_FAMILY = {"RNNBase", "RNN", "LSTM", "GRU"}


def test_the_keywords_that_single_out_the_recurrent_layers_do_so_in_torch():
    # a class whose signature lists its parameters: no other class takes such a set of keywords
    # (the test is monotone: a class taking all of its parameters takes any subset)
    checked = 0
    for name, cls in _torch_nn_classes():
        try:
            parameters = inspect.signature(cls.__init__).parameters
        except (TypeError, ValueError):
            continue
        if any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters.values()):
            continue
        checked += 1
        if name not in RECURRENT_FAMILY:
            assert not _pytorch.singles_out_recurrent(set(parameters) - {"self"}), name
    assert checked > 100


def test_the_classes_taking_any_keywords_refuse_recurrent_ones():
    # `Module.__init__(*args, **kwargs)` and its kind raise on keywords they do not know;
    # nn.Identity alone takes and ignores anything (a name the file does not show is not
    # taken for "Identity" when it is called with recurrent keywords)
    torch = pytest.importorskip("torch")
    keywords = {"input_size": 4, "hidden_size": 8, "num_layers": 2, "dropout": 0.1}
    assert _pytorch.singles_out_recurrent(keywords)
    accepting = set()
    for name, cls in _torch_nn_classes():
        if not issubclass(cls, torch.nn.Module) or inspect.isabstract(cls):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cls(**keywords)
        except Exception:  # noqa: BLE001 - any refusal will do
            continue
        accepting.add(name)
    assert accepting == {"RNN", "LSTM", "GRU", "Identity"}


@pytest.mark.parametrize(("positional", "keywords", "kinds"), [
    (0, ("input_size", "hidden_size", "num_layers"), ("RNN", "LSTM", "GRU")),
    (2, ("num_layers", "dropout"), ("RNN", "LSTM", "GRU")),
    (0, ("input_size", "hidden_size", "proj_size"), ("LSTM",)),
    (0, ("input_size", "hidden_size", "nonlinearity", "num_layers"), ("RNN",)),
    (2, (), ()),  # a Linear, a Conv1d, a cell... take two numbers too
    (0, ("input_size", "hidden_size"), ()),  # the cells take these
    (2, ("num_layers",), ()),  # so does nn.TransformerEncoder (with a layer and a count)
    (0, ("mode", "input_size", "hidden_size", "num_layers"), ()),  # nn.RNNBase
])
def test_the_recurrent_kinds_a_call_can_build(positional, keywords, kinds):
    assert _pytorch.recurrent_kinds_taking(positional, keywords) == kinds


def test_each_kind_named_is_built_by_torch_with_those_arguments():
    torch = pytest.importorskip("torch")
    for kind in ("RNN", "LSTM", "GRU"):
        getattr(torch.nn, kind)(4, 8, num_layers=2, dropout=0.1)
    torch.nn.LSTM(input_size=4, hidden_size=8, proj_size=2)
    with pytest.raises(ValueError, match="proj_size"):
        torch.nn.GRU(input_size=4, hidden_size=8, proj_size=2)
