"""Modules a model wires together: what one submodule's forward (or another method of it)
returns flows into what the model does with it, another submodule's forward included, so the
rules judge it there. `nn.Module` methods that return the module (`.to(device)`, `.eval()`)
keep it; a method of a project submodule runs on its attributes, and what it sets is kept.

Every snippet carries `# expect: CODE` markers that must match its findings exactly; the clean
look-alikes must yield nothing. tests/corpus/projects holds multi-file correct projects of the
same kind that run with torch.
"""

from __future__ import annotations

import textwrap

import pytest

from rnnlint import lint_source

from conftest import expected_markers, without_markers

ENCODER_REDUCER = """
import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(10, 20, batch_first=True, bidirectional=True)

    def forward(self, x):
        out, hidden = self.lstm(x)
        return out, hidden


class Reduce(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(40, 20)

    def forward(self, hidden):
        h, c = hidden
        return self.lin(h.view(-1, 40)){marker}
"""

FLAGGED = {
    # the layer is moved to a device where it is built: still the bidirectional LSTM
    "layer_moved_where_built": """
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, device):
        super().__init__()
        self.lstm = nn.LSTM(10, 20, bidirectional=True).to(device)
        self.head = nn.Linear(20, 3)  # expect: RNN001

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out)
""",
    # pointer-summarizer's model: submodules built, moved and evaluated, then stored
    "submodules_moved_then_stored": ENCODER_REDUCER.format(marker="  # expect: RNN005") + """

class Model(object):
    def __init__(self, use_cuda, is_eval=False):
        encoder = Encoder()
        reduce_state = Reduce()
        if is_eval:
            encoder = encoder.eval()
        if use_cuda:
            encoder = encoder.cuda()
            reduce_state = reduce_state.cuda()
        self.encoder = encoder
        self.reduce_state = reduce_state

    def forward(self, x):
        out, hidden = self.encoder(x)
        return self.reduce_state(hidden)
""",
    # the model is given its submodules by a module-level construction
    "module_level_wiring": ENCODER_REDUCER.format(marker="  # expect: RNN005") + """

class Model(nn.Module):
    def __init__(self, encoder, reducer):
        super().__init__()
        self.encoder = encoder
        self.reducer = reducer

    def forward(self, x):
        out, hidden = self.encoder(x)
        return self.reducer(hidden)


encoder = Encoder()
reducer = Reduce()
model = Model(encoder, reducer)
""",
    # OpenNMT's decoder state: a method of the decoder wraps the encoder's h_n in a 1-tuple,
    # and the GRU receives the tuple
    "state_built_by_a_method_of_the_decoder": """
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(10, 20)

    def forward(self, x):
        return self.gru(x)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(10, 20)

    def init_state(self, enc_hidden):
        return (enc_hidden,)

    def forward(self, x, state):
        out, _ = self.gru(x, state)  # expect: RNN007
        return out


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = Decoder()

    def forward(self, src, tgt):
        _, h = self.encoder(src)
        return self.decoder(tgt, self.decoder.init_state(h))
""",
    # what a method sets on the submodule is what its later calls read
    "state_stored_by_a_method_then_read": """
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(10, 20)
        self.state = None

    def remember(self, h):
        self.state = (h,)

    def forward(self, x):
        out, _ = self.gru(x, self.state)  # expect: RNN007
        return out


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.GRU(10, 20)
        self.decoder = Decoder()

    def forward(self, src, tgt):
        _, h = self.encoder(src)
        self.decoder.remember(h)
        return self.decoder(tgt)
""",
}

CLEAN = {
    # the LSTM's pair split before the GRU decoder, by a method of the decoder
    "pair_split_for_a_gru": """
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(10, 20, num_layers=2)

    def forward(self, x):
        return self.lstm(x)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(10, 20, num_layers=2)

    def start(self, pair):
        h, _ = pair
        return h

    def forward(self, x, h):
        out, _ = self.gru(x, h)
        return out


class Model(nn.Module):
    def __init__(self, device="cpu"):
        super().__init__()
        self.encoder = Encoder().to(device)
        self.decoder = Decoder().to(device).eval()

    def forward(self, src, tgt):
        _, pair = self.encoder(src)
        return self.decoder(tgt, self.decoder.start(pair))
""",
    # both directions of each layer side by side before a unidirectional decoder
    "directions_bridged_by_cat": """
import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(10, 20, num_layers=2, bidirectional=True)

    def forward(self, x):
        return self.gru(x)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(10, 40, num_layers=2)

    def bridge(self, h):
        return torch.cat([h[0:h.size(0):2], h[1:h.size(0):2]], 2)

    def forward(self, x, h):
        out, _ = self.gru(x, h)
        return out


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = Decoder()

    def forward(self, src, tgt):
        _, h = self.encoder(src)
        return self.decoder(tgt, self.decoder.bridge(h))
""",
    # the reducer moves the batch to the front before the view
    "reducer_transposes_first": ENCODER_REDUCER.replace(
        "h.view(-1, 40)", "h.transpose(0, 1).contiguous().view(-1, 40)").format(marker="") + """

class Model(object):
    def __init__(self):
        self.encoder = Encoder().cuda()
        self.reduce_state = Reduce().cuda()

    def forward(self, x):
        out, hidden = self.encoder(x)
        return self.reduce_state(hidden)
""",
    # a project class with a `cuda` of its own: what it returns is not known to be the module
    "own_method_named_like_a_module_method": """
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(10, 20, bidirectional=True)

    def cuda(self, device=None):
        return Plain()

    def forward(self, x):
        return self.lstm(x)


class Plain(nn.Module):
    def forward(self, x):
        return x


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder().cuda()
        self.head = nn.Linear(20, 3)

    def forward(self, x):
        out = self.encoder(x)
        return self.head(out)
""",
    # the decoder's class is picked from a value the file cannot know: each may fit its state
    "decoder_chosen_at_run_time": """
import torch.nn as nn


class GRUDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(10, 20)

    def forward(self, x, state):
        out, _ = self.rnn(x, state)
        return out


class LSTMDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(10, 20)

    def forward(self, x, state):
        out, _ = self.rnn(x, state)
        return out


DECODERS = {"gru": GRUDecoder, "lstm": LSTMDecoder}


class Model(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.encoder = nn.LSTM(10, 20) if kind == "lstm" else nn.GRU(10, 20)
        self.decoder = DECODERS[kind]()

    def forward(self, src, tgt):
        _, state = self.encoder(src)
        return self.decoder(tgt, state)
""",
    # a method that changes the submodule through a name the caller cannot tell: its attributes
    # are unknown after it (not what the earlier method set)
    "state_changed_where_the_name_is_lost": """
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(10, 20)
        self.state = None

    def prime(self, h):
        self.state = (h,)

    def reset(self, h):
        self.state = h

    def forward(self, x):
        out, _ = self.gru(x, self.state)
        return out


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.GRU(10, 20)
        self.decoder = Decoder()

    def pick(self, decoder):
        return decoder

    def forward(self, src, tgt):
        _, h = self.encoder(src)
        decoder = self.decoder
        decoder.prime(h)
        self.pick(decoder).reset(h)
        return self.decoder(tgt)
""",
    # the method runs on a submodule of a submodule: the module holding it is no longer known
    "state_changed_in_a_nested_submodule": """
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(10, 20)
        self.state = None

    def prime(self, h):
        self.state = (h,)

    def reset(self, h):
        self.state = h

    def forward(self, x):
        out, _ = self.gru(x, self.state)
        return out


class Core(nn.Module):
    def __init__(self):
        super().__init__()
        self.decoder = Decoder()

    def forward(self, x):
        return self.decoder(x)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.GRU(10, 20)
        self.core = Core()

    def forward(self, src, tgt):
        _, h = self.encoder(src)
        self.core.decoder.prime(h)
        self.core.decoder.reset(h)
        return self.core(tgt)
""",
}


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_at_exactly_the_markers(name):
    source = FLAGGED[name]
    assert sorted((finding.row, finding.code) for finding in lint_source(source)) == expected_markers(source)


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_look_alike_yields_nothing(name):
    assert [(finding.row, finding.code, finding.message) for finding in lint_source(CLEAN[name])] == []


@pytest.mark.parametrize("name", ["state_built_by_a_method_of_the_decoder", "state_stored_by_a_method_then_read"])
def test_the_gru_given_a_tuple_raises_with_torch(name):
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    exec(compile(textwrap.dedent(without_markers(FLAGGED[name])), name, "exec"), namespace)
    model = namespace["Model"]()
    with pytest.raises(AttributeError, match="tuple"):
        model(torch.randn(5, 3, 10), torch.randn(4, 3, 10))


@pytest.mark.parametrize("name", ["pair_split_for_a_gru", "directions_bridged_by_cat",
                                  "state_changed_where_the_name_is_lost", "state_changed_in_a_nested_submodule"])
def test_the_clean_wiring_runs_with_torch(name):
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    exec(compile(CLEAN[name], name, "exec"), namespace)
    output = namespace["Model"]()(torch.randn(5, 3, 10), torch.randn(4, 3, 10))
    assert tuple(output.shape) == (4, 3, 40 if name == "directions_bridged_by_cat" else 20)
