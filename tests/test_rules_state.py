"""RNN006 and RNN007 on initial states and LSTM state tuples: markers, clean look-alikes, fixes.

The clean sources are the shapes real models give their states; none may yield a finding.
"""

from __future__ import annotations

import ast
import importlib.util
import shutil
import sys

import pytest

from rnnlint import lint_source
from rnnlint._config import Config
from rnnlint._engine import check_source

from conftest import ROOT, expected_markers, run_rnnlint

RNN006_EXAMPLE = ROOT / "examples" / "rnn006_initial_state_shape"
RNN007_EXAMPLE = ROOT / "examples" / "rnn007_lstm_state_tuple"

FLAGGED = {
    # a helper checks the state's shape, but an LSTM's state is the (h_n, c_n) tuple
    "shape_read_on_the_lstm_state_in_a_helper": """
import torch
import torch.nn as nn

class Decoder(nn.Module):
    def __init__(self, hidden=8, layers=2):
        super().__init__()
        self.layers = layers
        self.lstm = nn.LSTM(4, hidden, layers, batch_first=True)

    def _check(self, hidden):
        assert hidden.shape[0] == self.layers  # expect: RNN007

    def forward(self, x):
        hidden = None
        for t in range(x.size(1)):
            _, hidden = self.lstm(x[:, t:t + 1], hidden)
            self._check(hidden)
        return hidden
""",
    "decoder_state_unsqueezed_for_two_layers": """
import torch
import torch.nn as nn

class Decoder(nn.Module):
    def __init__(self, embed_dim, hidden_size):
        super().__init__()
        self.rnn = nn.GRU(embed_dim, hidden_size, num_layers=2, batch_first=True)

    def forward(self, embedded, hidden: torch.Tensor):
        output, h_n = self.rnn(embedded, hidden.unsqueeze(0))  # expect: RNN006
        return output, h_n.squeeze(0)
""",
    "seq_taken_for_batch_before_a_permute": """
import torch
from torch import nn

class Tagger(nn.Module):
    def __init__(self, hidden, layers):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.gru = nn.GRU(8, hidden, layers)

    def forward(self, x):
        h0 = torch.zeros(self.layers, x.size(1), self.hidden, device=x.device)  # expect: RNN006
        out, h_n = self.gru(x.permute(1, 0, 2), h0)
        return out.permute(1, 0, 2)
""",
    "lstm_state_batch_first": """
import torch
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self, hidden_dim, n_layers):
        super().__init__()
        self.hidden_dim, self.n_layers = hidden_dim, n_layers
        self.lstm = nn.LSTM(50, hidden_dim, n_layers, batch_first=True)

    def init_hidden(self, batch_size):
        return (torch.zeros(batch_size, self.n_layers, self.hidden_dim),  # expect: RNN006
                torch.zeros(self.n_layers, batch_size, self.hidden_dim))

    def forward(self, x):
        out, hidden = self.lstm(x, self.init_hidden(x.size(0)))
        return out
""",
    "seq_first_state_takes_seq_for_batch": """
import torch
from torch import nn

class Encoder(nn.Module):
    def __init__(self, hidden, layers):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.gru = nn.GRU(8, hidden, layers)

    def forward(self, x):
        h0 = x.new_zeros(self.layers, x.size(0), self.hidden)  # expect: RNN006
        out, h_n = self.gru(x, h0)
        return out
""",
    "missing_directions_through_parameters": """
import torch
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self, hidden, layers):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.lstm = nn.LSTM(8, hidden, layers, bidirectional=True)

    def forward(self, x):
        weight = next(self.parameters())
        h0 = weight.new_zeros(self.layers, x.size(1), self.hidden)  # expect: RNN006
        c0 = weight.new_zeros(self.layers * 2, x.size(1), self.hidden)
        out, _ = self.lstm(x, (h0, c0))
        return out
""",
    "projected_lstm_state_sized_hidden": """
import torch
from torch import nn

class Speller(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(40, 128, 2, proj_size=32)

    def forward(self, x):
        h0 = torch.zeros(2, x.size(1), 128).to(x.device)  # expect: RNN006
        c0 = torch.zeros(2, x.size(1), 128).to(x.device)
        out, _ = self.lstm(x, (h0, c0))
        return out
""",
    "encoder_state_into_narrower_decoder": """
from torch import nn

class Seq2Seq(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.encoder = nn.GRU(8, hidden, 2, bidirectional=True)
        self.decoder = nn.GRU(8, hidden, 2)

    def forward(self, source, target):
        _, h_n = self.encoder(source)
        out, _ = self.decoder(target, h_n)  # expect: RNN006
        return out
""",
    "last_of_state_tuple": """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(16, hidden, num_layers=2)
        self.fc = nn.Linear(hidden, 4)

    def forward(self, x):
        out, hidden = self.lstm(x)
        last = hidden[-1]  # expect: RNN007
        return self.fc(last[-1])
""",
    "gru_state_unpacked_as_pair": """
from torch import nn

class Encoder(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.gru = nn.GRU(10, hidden)

    def forward(self, x):
        out, h_n = self.gru(x)
        h, c = h_n  # expect: RNN007
        return out, h
""",
    "bare_tensor_into_lstm": """
import torch
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.hidden = hidden
        self.lstm = nn.LSTM(8, hidden, batch_first=True)

    def forward(self, x):
        h0 = torch.randn(1, x.size(0), self.hidden)
        out, _ = self.lstm(x, h0)  # expect: RNN007
        return out
""",
    "state_tuple_into_layer_and_ops": """
import torch
import torch.nn as nn
import torch.nn.functional as F

class Regressor(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden)
        self.fc = nn.Sequential(nn.Linear(hidden, 1))

    def forward(self, x):
        out, state = self.lstm(x)
        a = self.fc(state)  # expect: RNN007
        b = F.relu(state)  # expect: RNN007
        return a, b, state.squeeze(0)  # expect: RNN007
""",
}

CLEAN = {
    # the shapes of an LSTM's state read on its parts
    "shape_read_on_each_part_of_the_lstm_state": """
import torch
import torch.nn as nn

class Decoder(nn.Module):
    def __init__(self, hidden=8, layers=2):
        super().__init__()
        self.layers = layers
        self.lstm = nn.LSTM(4, hidden, layers, batch_first=True)

    def _check(self, hidden):
        if isinstance(hidden, tuple):
            assert hidden[0].shape[0] == self.layers
        else:
            assert hidden.shape[0] == self.layers
        h, c = hidden
        return h.shape, c.dtype

    def forward(self, x):
        hidden = None
        for t in range(x.size(1)):
            _, hidden = self.lstm(x[:, t:t + 1], hidden)
            self._check(hidden)
        return hidden
""",
    "state_parameter_tested_for_a_tuple": """
import torch.nn as nn

class Decoder(nn.Module):
    def __init__(self, rnn_type="gru", hidden_size=8):
        super().__init__()
        rnn = nn.GRU if rnn_type == "gru" else nn.LSTM
        self.rnn = rnn(4, hidden_size, batch_first=True)

    def forward(self, x, hidden=None):
        # callers give an LSTM its (h, c) pair: the code asks which it got
        if isinstance(hidden, tuple):
            h, c = hidden
            hidden = (h.permute(1, 0, 2).contiguous(), c.permute(1, 0, 2).contiguous())
        elif hidden is not None:
            hidden = hidden.permute(1, 0, 2).contiguous()
        _, hidden = self.rnn(x, hidden)
        return hidden
""",
    "decoder_state_unsqueezed_for_one_layer": """
import torch
import torch.nn as nn

class Decoder(nn.Module):
    def __init__(self, embed_dim, hidden_size, layers):
        super().__init__()
        self.rnn = nn.GRU(embed_dim, hidden_size, batch_first=True)
        self.deep = nn.GRU(embed_dim, hidden_size, num_layers=layers, batch_first=True)

    def forward(self, embedded, hidden: torch.Tensor):
        output, h_n = self.rnn(embedded, hidden.unsqueeze(0))
        deeper, _ = self.deep(embedded, hidden.unsqueeze(0))  # `layers` may be 1: unknown
        return output + deeper, h_n.squeeze(0)
""",
    "batch_taken_before_a_permute": """
import torch
from torch import nn

class Tagger(nn.Module):
    def __init__(self, hidden, layers):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.gru = nn.GRU(8, hidden, layers)

    def forward(self, x):
        h0 = torch.zeros(self.layers, x.size(0), self.hidden, device=x.device)
        out, h_n = self.gru(x.permute(1, 0, 2), h0)
        return out.permute(1, 0, 2)
""",
    "init_hidden_layers_times_directions": """
import torch
import torch.nn as nn

device = torch.device("cpu")

class SpamLSTM(nn.Module):
    def __init__(self, vocab, dim, hidden, layers, bidirectional):
        super().__init__()
        self.layers, self.hidden = layers, hidden
        self.num_directions = 2 if bidirectional else 1
        self.embedding = nn.Embedding(vocab, dim)
        self.lstm = nn.LSTM(dim, hidden, layers, batch_first=True, bidirectional=bidirectional)

    def init_hidden(self, batch_size):
        h0 = torch.zeros(self.layers * self.num_directions, batch_size, self.hidden).to(device)
        c0 = torch.zeros(self.layers * self.num_directions, batch_size, self.hidden).to(device)
        return (h0, c0)

    def forward(self, x):
        hidden = self.init_hidden(x.size(0))
        out, hidden = self.lstm(self.embedding(x), hidden)
        return out, hidden
""",
    "gru_state_from_weight_new_zeros": """
import torch
from torch import nn

class CharGRU(nn.Module):
    def __init__(self, n_chars, hidden=64, layers=2):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.gru = nn.GRU(n_chars, hidden, layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, n_chars)

    def init_hidden(self, batch):
        weight = next(self.parameters()).data
        return weight.new_zeros(self.layers * 2, batch, self.hidden)

    def forward(self, x):
        out, h = self.gru(x, self.init_hidden(x.shape[0]))
        return self.fc(out), h
""",
    "state_tuple_detached_between_chunks": """
import torch
import torch.nn as nn

class StatefulLM(nn.Module):
    def __init__(self, vocab, hidden=32, layers=2):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.embed = nn.Embedding(vocab, hidden)
        self.lstm = nn.LSTM(hidden, hidden, layers)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, tokens, hidden=None):
        if hidden is None:
            zeros = tokens.new_zeros(self.layers, tokens.size(1), self.hidden, dtype=torch.float)
            hidden = (zeros, zeros.clone())
        out, hidden = self.lstm(self.embed(tokens), hidden)
        hidden = tuple(h.detach() for h in hidden)
        return self.out(out), hidden
""",
    "state_halves_taken_by_index": """
import torch
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden, 2, batch_first=True)
        self.fc = nn.Linear(2 * hidden, 3)

    def forward(self, x):
        out, hidden = self.lstm(x, (torch.zeros(2, x.size(0), self.lstm.hidden_size, device=x.device),
                                    torch.zeros(2, x.size(0), self.lstm.hidden_size, device=x.device)))
        h, c = hidden
        both = torch.cat((hidden[0][-1], hidden[1][-1]), dim=1)
        return self.fc(both), torch.stack(hidden)
""",
    "projected_lstm_states": """
import torch
import torch.nn as nn

class ProjectedLM(nn.Module):
    def __init__(self, embed_dim=16, hidden_dim=48, layers=2):
        super().__init__()
        self.layers, self.embed_dim, self.hidden_dim = layers, embed_dim, hidden_dim
        self.lstm = nn.LSTM(embed_dim, hidden_dim, layers, proj_size=embed_dim)

    def init_state(self, batch):
        return (torch.zeros(self.layers, batch, self.embed_dim), torch.zeros(self.layers, batch, self.hidden_dim))

    def forward(self, x, state=None):
        if state is None:
            state = self.init_state(x.size(1))
        return self.lstm(x, state)
""",
    "bidirectional_gru_directions_unpacked": """
import torch
from torch import nn

class Summarizer(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, bidirectional=True)
        self.fc = nn.Linear(32, 2)

    def forward(self, x):
        _, h_n = self.gru(x)
        forward_state, backward_state = h_n
        return self.fc(torch.cat((forward_state, backward_state), dim=1))
""",
    "rnn_type_chooses_the_state": """
import torch
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, rnn_type, hidden, layers):
        super().__init__()
        self.rnn_type, self.hidden, self.layers = rnn_type, hidden, layers
        if rnn_type == "LSTM":
            self.rnn = nn.LSTM(8, hidden, layers)
        else:
            self.rnn = nn.GRU(8, hidden, layers)
        self.fc = nn.Linear(hidden, 2)

    def forward(self, x):
        h0 = x.new_zeros(self.layers, x.size(1), self.hidden)
        state = (h0, h0.clone()) if self.rnn_type == "LSTM" else h0
        out, hidden = self.rnn(x, state)
        if self.rnn_type == "LSTM":
            hidden = hidden[0]
        return self.fc(hidden[-1])
""",
    "lstm_state_through_identity_and_module": """
from torch import nn

class Bridge(nn.Module):
    def forward(self, state):
        h, c = state
        return h + c

class Model(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden)
        self.keep = nn.Identity()
        self.bridge = Bridge()

    def forward(self, x):
        out, state = self.lstm(x)
        return self.keep(state), self.bridge(state)
""",
    "state_from_argument_of_unknown_type": """
import torch.nn as nn

class Decoder(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden, 2)

    def forward(self, y, hidden):
        out, hidden = self.lstm(y, hidden)
        return out, hidden
""",
}


def _codes(source: str, select=("RNN006", "RNN007")) -> list:
    return sorted((finding.row, finding.code) for finding in lint_source(source) if finding.code in select)


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_at_exactly_the_markers(name):
    source = FLAGGED[name]
    assert _codes(source) == expected_markers(source)


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_state_handling_yields_nothing(name):
    assert lint_source(CLEAN[name]) == []


@pytest.mark.parametrize("folder", [RNN006_EXAMPLE, RNN007_EXAMPLE], ids=["rnn006", "rnn007"])
def test_examples_flagged_at_their_markers_and_fixed_halves_clean(folder):
    buggy = (folder / "buggy.py").read_text()
    assert sorted((f.row, f.code) for f in lint_source(buggy)) == expected_markers(buggy)
    assert lint_source((folder / "fixed.py").read_text()) == []


def test_message_names_the_axis_and_the_formula():
    (finding,) = lint_source((RNN006_EXAMPLE / "buggy.py").read_text())
    assert "axis 0" in finding.message and "num_layers * num_directions" in finding.message
    assert "`2*num_layers`" in finding.message
    (batch_first,) = [f for f in lint_source(FLAGGED["lstm_state_batch_first"])]
    assert "`batch` on axis 0" in batch_first.message and batch_first.fix is None


def test_only_a_certain_missing_direction_gets_a_fix():
    fixes = {name: [f.fix for f in lint_source(source) if f.code == "RNN006"] for name, source in FLAGGED.items()}
    assert fixes["missing_directions_through_parameters"][0].edits[0].content == "self.layers * 2"
    assert all(fix is None for fix in fixes["lstm_state_batch_first"] + fixes["projected_lstm_state_sized_hidden"])


def test_fix_on_a_copy_of_the_rnn006_example_parses_converges_and_matches_fixed(tmp_path):
    copy = tmp_path / "model.py"
    shutil.copy(RNN006_EXAMPLE / "buggy.py", copy)
    first = run_rnnlint("--no-cache", "--fix", "--select", "RNN006", copy)
    assert first.returncode == 0, first.stdout + first.stderr  # every finding was fixed
    fixed = copy.read_text()
    ast.parse(fixed)
    expected = (RNN006_EXAMPLE / "fixed.py").read_text()
    assert fixed.replace("  # expect: RNN006", "") == expected
    again = run_rnnlint("--no-cache", "--fix", copy)
    assert again.returncode == 0 and copy.read_text() == fixed


def test_rnn007_fix_is_unsafe_and_applies_only_when_asked(tmp_path):
    copy = tmp_path / "model.py"
    shutil.copy(RNN007_EXAMPLE / "buggy.py", copy)
    original = copy.read_text()
    safe_only = run_rnnlint("--no-cache", "--fix", copy)
    assert safe_only.returncode == 1 and copy.read_text() == original
    unsafe = run_rnnlint("--no-cache", "--fix", "--unsafe-fixes", copy)
    assert unsafe.returncode == 0, unsafe.stdout + unsafe.stderr
    fixed = copy.read_text()
    assert "self.fc(hidden[0][-1])" in fixed
    ast.parse(fixed)
    result = check_source(fixed, str(copy), Config(), fix=True, unsafe_fixes=True)
    assert result.fixed_source is None and result.findings == []


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes_bytecode
    return module


def test_rnn007_fixed_copy_computes_what_the_fixed_example_computes(tmp_path):
    torch = pytest.importorskip("torch")
    copy = tmp_path / "state_tuple_fixed_copy.py"
    copy.write_text(check_source((RNN007_EXAMPLE / "buggy.py").read_text(), str(copy), Config(),
                                 fix=True, unsafe_fixes=True).fixed_source)
    ours, theirs = _load(copy, "rnnlint_state_copy"), _load(RNN007_EXAMPLE / "fixed.py", "rnnlint_state_fixed")
    buggy = _load(RNN007_EXAMPLE / "buggy.py", "rnnlint_state_buggy")
    results = []
    for module in (ours, theirs, buggy):
        model, inputs = module.build()
        with torch.no_grad():
            results.append(model(*inputs))
    assert torch.equal(results[0], results[1])
    assert not torch.equal(results[0], results[2])  # the buggy half reads c_n: same shape, other values


def test_rnn006_buggy_raises_and_the_fixed_copy_runs(tmp_path):
    torch = pytest.importorskip("torch")
    copy = tmp_path / "initial_state_fixed_copy.py"
    copy.write_text(check_source((RNN006_EXAMPLE / "buggy.py").read_text(), str(copy), Config(), fix=True).fixed_source)
    model, inputs = _load(RNN006_EXAMPLE / "buggy.py", "rnnlint_initial_buggy").build()
    with pytest.raises(RuntimeError, match="hidden size"):
        model(*inputs)
    model, inputs = _load(copy, "rnnlint_initial_copy").build()
    with torch.no_grad():
        assert model(*inputs).shape == (4, 3)


def test_an_unsqueezed_one_layer_state_for_a_two_layer_gru_raises_in_torch():
    import torch

    namespace: dict = {}
    exec(FLAGGED["decoder_state_unsqueezed_for_two_layers"], namespace)
    decoder = namespace["Decoder"](6, 8)
    with pytest.raises(RuntimeError, match="hidden size"):
        decoder(torch.randn(3, 5, 6), torch.randn(3, 8))
    (finding,) = [f for f in lint_source(FLAGGED["decoder_state_unsqueezed_for_two_layers"]) if f.code == "RNN006"]
    assert "`1` on axis 0" in finding.message and "`2`" in finding.message


def test_a_state_of_another_rank_given_to_a_cell_is_reported_by_its_rank():
    import torch

    source = """
import torch
import torch.nn as nn

class CellDecoder(nn.Module):
    def __init__(self, hidden=7):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.GRUCell(5, hidden)

    def forward(self, x):
        h = torch.zeros(1, x.size(0), self.hidden)
        for t in range(x.size(1)):
            h = self.cell(x[:, t], h)
        return h
"""
    (finding,) = lint_source(source)
    assert finding.code == "RNN006"
    # the fault is the layers axis a cell has no room for, not the size on axis 0
    assert "has 3 axes, `(1, x.shape[0], hidden)`" in finding.message
    assert "expects 2 axes (`(batch, hidden_size)`)" in finding.message
    namespace: dict = {}
    exec(source, namespace)
    with pytest.raises((RuntimeError, ValueError), match=r"2D|1D"):
        namespace["CellDecoder"]()(torch.randn(3, 4, 5))


def test_a_condition_both_sides_of_which_break_is_not_named():
    import torch

    source = """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, rnn_type, wide):
        super().__init__()
        if rnn_type == "LSTM":
            if wide:
                self.rnn = nn.LSTM(8, 32)
            else:
                self.rnn = nn.LSTM(8, 16)
        else:
            self.rnn = nn.GRU(8, 16)

    def forward(self, x):
        out, hidden = self.rnn(x)
        return out, hidden.detach()
"""
    (finding,) = lint_source(source)
    assert finding.code == "RNN007"
    # wide or not, the LSTM's tuple gets `.detach()`: only the kind is the condition
    assert finding.message.endswith("when `rnn_type == 'LSTM'`, not a tensor")
    namespace: dict = {}
    exec(source, namespace)
    for wide in (True, False):
        with pytest.raises(AttributeError, match="detach"):
            namespace["Encoder"]("LSTM", wide)(torch.randn(5, 2, 8))
    namespace["Encoder"]("GRU", False)(torch.randn(5, 2, 8))


def test_widest_drops_only_literals_whose_other_side_holds_too():
    from rnnlint._analysis._symbolic import Flag
    from rnnlint.rules._util import widest

    kind, wide, deep = Flag("lstm"), Flag("wide"), Flag("deep")
    both = [frozenset({(kind, True), (wide, True)}), frozenset({(kind, True), (wide, False)})]
    assert widest(both[0], both) == frozenset({(kind, True)})
    # `wide` alone holds without `deep`; the other side of `wide` needs `deep`
    one = [frozenset({(kind, True), (wide, True)}), frozenset({(kind, True), (deep, True), (wide, False)})]
    assert widest(one[0], one) == one[0]
    assert widest(one[1], one) == frozenset({(kind, True), (deep, True)})
    assert widest(one[0], one[:1]) == one[0]


def test_a_shape_read_on_the_lstm_state_raises_in_torch_and_its_parts_do_not():
    import torch

    namespace: dict = {}
    exec(FLAGGED["shape_read_on_the_lstm_state_in_a_helper"], namespace)
    with pytest.raises(AttributeError, match="shape"):
        namespace["Decoder"]()(torch.randn(3, 5, 4))
    exec(CLEAN["shape_read_on_each_part_of_the_lstm_state"], namespace)
    h_n, c_n = namespace["Decoder"]()(torch.randn(3, 5, 4))
    assert h_n.shape == c_n.shape == (2, 3, 8)
