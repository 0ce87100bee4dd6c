"""Methods callers run besides forward (`inference()`, `sample()`, `init_hidden(batch)`): each
runs after `__init__` on arguments nobody binds, and only what holds for every value of them is
reported. The clean sources are correct models; each runs with torch where it matters.
"""

from __future__ import annotations

import pytest

from rnnlint import lint_source

from conftest import expected_markers

CLEAN = {
    # the state comes in as an argument of unknown shape: nothing is known about its rank
    "state_from_an_argument": """
import torch
import torch.nn as nn

class Decoder(nn.Module):
    def __init__(self, vocab, hidden, layers=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, hidden)
        self.gru = nn.GRU(hidden, hidden, layers, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        output, _ = self.gru(self.embedding(tokens))
        return self.out(output)

    def decode_step(self, token, state):
        output, state = self.gru(self.embedding(token).unsqueeze(1), state.view(self.gru.num_layers, -1, 8))
        return self.out(output[:, -1]), state

    def from_latent(self, z, lengths):
        hidden = z.unsqueeze(0).repeat(self.gru.num_layers, 1, 1)
        return self.gru(torch.zeros(z.size(0), lengths, self.gru.input_size), hidden)
""",
    # `init_hidden(batch)` for a training script, right for every direction and layer count
    "init_hidden_for_a_training_script": """
import torch
import torch.nn as nn

class LanguageModel(nn.Module):
    def __init__(self, vocab, hidden=32, layers=2, bidirectional=True):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.directions = 2 if bidirectional else 1
        self.embedding = nn.Embedding(vocab, hidden)
        self.lstm = nn.LSTM(hidden, hidden, layers, bidirectional=bidirectional)
        self.decoder = nn.Linear(hidden * self.directions, vocab)

    def init_hidden(self, batch_size):
        weight = next(self.parameters())
        shape = (self.layers * self.directions, batch_size, self.hidden)
        return weight.new_zeros(shape), weight.new_zeros(shape)

    def forward(self, tokens, hidden):
        output, hidden = self.lstm(self.embedding(tokens), hidden)
        return self.decoder(output), hidden
""",
    # a sampling loop that feeds each step's state to the next one
    "sample_loop": """
import torch
import torch.nn as nn

class CharRNN(nn.Module):
    def __init__(self, vocab=20, hidden=16, layers=2):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.embedding = nn.Embedding(vocab, hidden)
        self.lstm = nn.LSTM(hidden, hidden, layers, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x):
        output, _ = self.lstm(self.embedding(x))
        return self.head(output)

    @torch.no_grad()
    def sample(self, start, steps=10, batch=3):
        state = (torch.zeros(self.layers, batch, self.hidden), torch.zeros(self.layers, batch, self.hidden))
        token = torch.full((batch, 1), start, dtype=torch.long)
        tokens = []
        for _ in range(steps):
            output, state = self.lstm(self.embedding(token), state)
            token = self.head(output[:, -1]).argmax(-1, keepdim=True)
            tokens.append(token)
        return torch.cat(tokens, dim=1)
""",
    # methods that call forward, or are no method of the instance
    "forward_callers_class_and_static_methods": """
import torch
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self, hidden=8, layers=1):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(4, hidden, layers, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, 3)

    @classmethod
    def from_config(cls, config):
        return cls(config["hidden"], config["layers"])

    @staticmethod
    def merge(h_n):
        return h_n.view(1, -1)

    def forward(self, x):
        output, _ = self.gru(x)
        return self.fc(output)

    def predict(self, x):
        return self.forward(x).argmax(-1)

    def scores(self, x):
        return self(x).softmax(-1)
""",
    # a method forward calls only when the flag it needs is set, and one that refuses the others
    "runs_only_under_a_flag": """
import torch
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, hidden=8, bidirectional=False):
        super().__init__()
        self.hidden, self.bidirectional = hidden, bidirectional
        self.gru = nn.GRU(4, hidden, bidirectional=bidirectional)

    def run_both_directions(self, x):
        h0 = torch.zeros(2, x.size(1), self.hidden)
        return self.gru(x, h0)

    def forward(self, x):
        if self.bidirectional:
            return self.run_both_directions(x)
        return self.gru(x)

    def encode_bidirectional(self, x):
        if not self.bidirectional:
            raise ValueError("built with one direction")
        return self.gru(x, torch.zeros(2, x.size(1), self.hidden))
""",
}

CLEAN["recognize_one_utterance"] = """
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Encoder(nn.Module):
    def __init__(self, features=8, hidden=16):
        super().__init__()
        self.rnn = nn.LSTM(features, hidden, batch_first=True)

    def forward(self, padded, lengths):
        packed, _ = self.rnn(pack_padded_sequence(padded, lengths, batch_first=True))
        return pad_packed_sequence(packed, batch_first=True)[0]

class Recognizer(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()

    def forward(self, padded, lengths):
        return self.encoder(padded, lengths)

    def recognize(self, utterance, length):
        # one utterance made a batch of one: its only sample is row 0
        outputs = self.encoder(utterance.unsqueeze(0), length)
        return outputs[0].argmax(-1)
"""

# a batch of one made in `generate(x)` and lost on the way (an embedding, a conv, a cat): its
# `[0]` is the one sample, and so is its state flattened whole; the same in forward is a batch
CLEAN["generate_one_sample_through_layers"] = """
import torch
import torch.nn as nn

class Synthesizer(nn.Module):
    def __init__(self, vocab=10, hidden=8):
        super().__init__()
        self.embedding = nn.Embedding(vocab, hidden)
        self.conv = nn.Conv1d(hidden, hidden, 3, padding=1)
        self.rnn = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * hidden, 4)

    def forward(self, tokens):
        out, _ = self.rnn(self.embedding(tokens))
        return self.proj(out)

    def generate(self, tokens):
        x = torch.as_tensor(tokens).unsqueeze(0)
        x = self.conv(self.embedding(x).transpose(1, 2)).transpose(1, 2)
        out, h_n = self.rnn(torch.cat([x, x], dim=1))
        frames = self.proj(out).transpose(1, 2)[0]
        summary = h_n.view(1, -1)
        return frames, summary
"""

# a private method nobody outside calls: an unfinished helper, not run on unknown arguments
CLEAN["private_helper_nobody_calls"] = """
import torch
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(4, hidden, 2)

    def forward(self, x):
        return self.gru(x)[0]

    def _draft_state(self, x):
        return self.gru(x, torch.zeros(1, x.size(1), self.hidden))
"""

FLAGGED = {
    # the bad h_0 of a sampling method forward never calls (Sentence-VAE's `inference()`)
    "inference_state_of_another_rank": """
import torch
import torch.nn as nn

class SentenceVAE(nn.Module):
    def __init__(self, vocab, hidden_size, latent_size, num_layers=1, bidirectional=False):
        super().__init__()
        self.hidden_size, self.latent_size = hidden_size, latent_size
        self.bidirectional, self.num_layers = bidirectional, num_layers
        self.hidden_factor = (2 if bidirectional else 1) * num_layers
        self.embedding = nn.Embedding(vocab, 8)
        self.decoder_rnn = nn.GRU(8, hidden_size, num_layers=num_layers, bidirectional=bidirectional,
                                  batch_first=True)
        self.latent2hidden = nn.Linear(latent_size, hidden_size * self.hidden_factor)

    def forward(self, tokens, z):
        hidden = self.latent2hidden(z)
        if self.bidirectional or self.num_layers > 1:
            hidden = hidden.view(self.hidden_factor, z.size(0), self.hidden_size)
        else:
            hidden = hidden.unsqueeze(0)
        return self.decoder_rnn(self.embedding(tokens), hidden)

    def inference(self, n=4, z=None):
        if z is None:
            batch_size = n
            z = torch.randn(batch_size, self.latent_size)
        else:
            batch_size = z.size(0)
        hidden = self.latent2hidden(z)
        if self.bidirectional or self.num_layers > 1:
            hidden = hidden.view(self.hidden_factor, batch_size, self.hidden_size)
        hidden = hidden.unsqueeze(0)
        tokens = torch.zeros(batch_size, 1, dtype=torch.long)
        output, hidden = self.decoder_rnn(self.embedding(tokens), hidden)  # expect: RNN006
        return output
""",
    # `init_hidden(batch)` for a training script, missing the directions
    "init_hidden_without_directions": """
import torch
import torch.nn as nn

class LanguageModel(nn.Module):
    def __init__(self, vocab, hidden=32, layers=2):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.embedding = nn.Embedding(vocab, hidden)
        self.lstm = nn.LSTM(hidden, hidden, layers, bidirectional=True)

    def forward(self, tokens, hidden):
        return self.lstm(self.embedding(tokens), hidden)

    def warm_up(self, tokens):
        hidden = self.init_hidden(tokens.size(1))
        return self.lstm(self.embedding(tokens), hidden)

    def init_hidden(self, batch_size):
        weight = next(self.parameters())
        return (weight.new_zeros(self.layers, batch_size, self.hidden),  # expect: RNN006
                weight.new_zeros(self.layers * 2, batch_size, self.hidden))
""",
    # a private method the script part of the file calls
    "private_method_called_by_the_script": """
import torch
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(4, hidden, 2)

    def forward(self, x):
        return self.gru(x)[0]

    def _warm_start(self, x):
        return self.gru(x, torch.zeros(1, x.size(1), self.hidden))  # expect: RNN006

def main(model, batches):
    for x in batches:
        model._warm_start(x)
""",
}


def _codes(source: str) -> list:
    return sorted((finding.row, finding.code) for finding in lint_source(source))


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_a_correct_method_besides_forward_yields_nothing(name):
    assert lint_source(CLEAN[name]) == []


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_a_method_besides_forward_is_flagged_at_exactly_the_markers(name):
    source = FLAGGED[name]
    assert _codes(source) == expected_markers(source)


def _namespace(source: str) -> dict:
    namespace: dict = {}
    exec(compile(source, "<model>", "exec"), namespace)
    return namespace


def test_the_clean_methods_run_in_torch():
    torch = pytest.importorskip("torch")
    lm = _namespace(CLEAN["init_hidden_for_a_training_script"])["LanguageModel"](11)
    scores, _ = lm(torch.zeros(5, 3, dtype=torch.long), lm.init_hidden(3))
    assert scores.shape == (5, 3, 11)
    rnn = _namespace(CLEAN["sample_loop"])["CharRNN"]()
    assert rnn.sample(1).shape == (3, 10)
    decoder = _namespace(CLEAN["state_from_an_argument"])["Decoder"](11, 8)
    logits, state = decoder.decode_step(torch.zeros(3, dtype=torch.long), torch.zeros(2, 3, 8))
    assert logits.shape == (3, 11) and state.shape == (2, 3, 8)
    synthesizer = _namespace(CLEAN["generate_one_sample_through_layers"])["Synthesizer"]()
    frames, summary = synthesizer.generate([1, 2, 3])
    assert frames.shape == (4, 6) and summary.shape == (1, 16)
    recognizer = _namespace(CLEAN["recognize_one_utterance"])["Recognizer"]()
    assert recognizer.recognize(torch.randn(7, 8), torch.tensor([7])).shape == (7,)
    encoder = _namespace(CLEAN["runs_only_under_a_flag"])["Encoder"](bidirectional=True)
    assert encoder(torch.zeros(5, 3, 4))[0].shape == (5, 3, 16)
    with pytest.raises(ValueError, match="one direction"):
        _namespace(CLEAN["runs_only_under_a_flag"])["Encoder"]().encode_bidirectional(torch.zeros(5, 3, 4))


def test_the_flagged_methods_raise_in_torch():
    torch = pytest.importorskip("torch")
    vae = _namespace(FLAGGED["inference_state_of_another_rank"])["SentenceVAE"](11, 8, 4, bidirectional=True)
    vae(torch.zeros(3, 5, dtype=torch.long), torch.randn(3, 4))  # forward is right
    with pytest.raises(RuntimeError, match="3-D"):
        vae.inference()
    lm = _namespace(FLAGGED["init_hidden_without_directions"])["LanguageModel"](11)
    with pytest.raises(RuntimeError, match=r"hidden\[0\] size \(4, 3, 32\)"):
        lm(torch.zeros(5, 3, dtype=torch.long), lm.init_hidden(3))


def test_the_finding_says_the_rank_and_the_condition():
    (finding,) = lint_source(FLAGGED["inference_state_of_another_rank"])
    assert "has 4 axes" in finding.message and "expects 3 axes" in finding.message
    assert "`bidirectional` is true" in finding.message or "num_layers > 1" in finding.message


def test_a_method_forward_runs_is_reported_once():
    source = FLAGGED["init_hidden_without_directions"].replace(
        "        return self.lstm(self.embedding(tokens), hidden)\n\n    def warm_up",
        "        return self.warm_up(tokens)\n\n    def warm_up", 1)
    assert source != FLAGGED["init_hidden_without_directions"]
    assert _codes(source) == expected_markers(source)


def test_the_batch_of_one_look_alike_is_flagged_as_forward():
    # in forward the input is a batch: row 0 of the batch axis and the folded state are findings
    source = CLEAN["generate_one_sample_through_layers"]
    source = source.replace("def forward(self, tokens):", "def unused(self, tokens):")
    source = source.replace("def generate(self, tokens):", "def forward(self, tokens):").replace(
        "x = torch.as_tensor(tokens).unsqueeze(0)", "x = tokens")
    assert sorted(finding.code for finding in lint_source(source)) == ["RNN004", "RNN005"]
