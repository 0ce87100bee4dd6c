"""RNN002 reports a head applied to the whole `h_n` only where its per-layer result reaches the
model's result; a head applied per layer and then indexed, pooled or used as a state is fine.

Every snippet carries `# expect: CODE` markers that must match its findings exactly.
"""

from __future__ import annotations

import pytest

from rnnlint import lint_source

from conftest import expected_markers

FLAGGED = {
    "per_layer_logits_returned": """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=64, layers=2):
        super().__init__()
        self.gru = nn.GRU(16, hidden, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden, 3)

    def forward(self, x):
        _, h_n = self.gru(x)
        logits = self.fc(h_n)  # expect: RNN002
        return logits
""",
    "squeezing_the_output_axis_keeps_the_layers_axis": """
import torch.nn as nn

class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 20, num_layers=2, batch_first=True)
        self.fc = nn.Linear(20, 1)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.fc(h_n).squeeze(-1)  # expect: RNN002
""",
    "squeezing_the_batch_axis_keeps_the_layers_axis": """
import torch.nn as nn

class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(2, 32, num_layers=2, nonlinearity="relu", batch_first=True)
        self.readout = nn.Linear(32, 1)

    def forward(self, x):
        _, h_n = self.rnn(x)
        return self.readout(h_n).squeeze(1)  # expect: RNN002
""",
    "second_linear_and_the_per_layer_result_returned_first": """
import torch
import torch.nn as nn

class Stacked(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 20, num_layers=2)
        self.fc1 = nn.Linear(20, 10)
        self.fc2 = nn.Linear(10, 3)

    def forward(self, x):
        _, h_n = self.gru(x)
        per_layer = self.fc2(torch.relu(self.fc1(h_n)))  # expect: RNN002
        return per_layer, per_layer[-1]
""",
    "second_linear_and_a_dict_of_outputs": """
import torch
import torch.nn as nn

class Stacked(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 20, num_layers=2)
        self.fc1 = nn.Linear(20, 10)
        self.fc2 = nn.Linear(10, 3)

    def forward(self, x):
        _, h_n = self.gru(x)
        return {"logits": self.fc2(torch.relu(self.fc1(h_n)))}  # expect: RNN002
""",
    # a second prediction after the first (a multi-task model): judged, since nothing reads it per layer
    "per_layer_intent_logits_returned_after_the_slot_logits": """
import torch.nn as nn

class SlotsAndIntent(nn.Module):
    def __init__(self, hidden=16, layers=2):
        super().__init__()
        self.gru = nn.GRU(8, hidden, num_layers=layers, batch_first=True)
        self.slot_head = nn.Linear(hidden, 7)
        self.intent_head = nn.Linear(hidden, 4)

    def forward(self, x):
        states, h_n = self.gru(x)
        return self.slot_head(states), self.intent_head(h_n)  # expect: RNN002:39
""",
    "per_layer_result_first_in_a_returned_list": """
import torch.nn as nn

class Listed(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 20, num_layers=2)
        self.fc = nn.Linear(20, 3)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return [self.fc(h_n), h_n]  # expect: RNN002
""",
    "per_layer_result_into_a_loss_module": """
import torch
import torch.nn as nn

rnn = nn.GRU(3, 4, num_layers=2)
fc = nn.Linear(4, 5)
criterion = nn.CrossEntropyLoss()
_, h_n = rnn(torch.randn(6, 2, 3))
logits = fc(h_n)  # expect: RNN002
loss = criterion(logits, torch.tensor([1, 2]))
""",
    "per_layer_bridge_into_a_cell_state": """
import torch
import torch.nn as nn

class Generator(nn.Module):
    def __init__(self, vocab, emb=16, hidden=32, steps=6):
        super().__init__()
        self.steps = steps
        self.embedding = nn.Embedding(vocab, emb)
        self.encoder = nn.GRU(emb, hidden, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(hidden, hidden)
        self.decoder = nn.GRUCell(emb, hidden)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, body):
        _, h_n = self.encoder(self.embedding(body))
        hidden = torch.tanh(self.bridge(h_n))  # expect: RNN002
        token = body[:, 0]
        generated = []
        for _ in range(self.steps):
            # the cell rejects a state with a layers axis: RNN006 too
            hidden = self.decoder(self.embedding(token), hidden)  # expect: RNN006
            token = self.out(hidden).argmax(dim=-1)
            generated.append(token)
        return torch.stack(generated, dim=1)
""",
}

CLEAN = {
    # the prediction is what forward returns first, as the runtime watch judges it; every
    # layer's logits after it, read per layer too, are for auxiliary losses (deep supervision)
    "per_layer_logits_returned_after_the_last_layers": """
import torch
import torch.nn as nn

class DeeplySupervised(nn.Module):
    def __init__(self, hidden=8, layers=3):
        super().__init__()
        self.gru = nn.GRU(4, hidden, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden, 5)

    def forward(self, x):
        _, h_n = self.gru(x)
        per_layer = self.fc(h_n)
        return per_layer[-1], torch.log_softmax(per_layer, dim=-1)
""",
    "per_layer_logits_after_the_prediction_in_a_list_a_nested_tuple_and_a_dict": """
import torch.nn as nn

class DeeplySupervised(nn.Module):
    def __init__(self, form="list"):
        super().__init__()
        self.form = form
        self.gru = nn.GRU(4, 8, num_layers=3)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        _, h_n = self.gru(x)
        per_layer = self.fc(h_n)
        if self.form == "tuple":
            return (per_layer[-1], (per_layer, h_n))
        if self.form == "dict":
            return {"logits": per_layer.mean(dim=0), "per_layer": per_layer}
        return [per_layer[-1], per_layer]
""",
    # /tmp/fphunt r01: a bridge applied per layer feeds the decoder's h_0
    "per_layer_bridge_into_a_decoder_h_0": """
import torch
import torch.nn as nn

class Seq2Seq(nn.Module):
    def __init__(self, n_in, hidden, layers):
        super().__init__()
        self.encoder = nn.GRU(n_in, hidden, num_layers=layers)
        self.bridge = nn.Linear(hidden, hidden)
        self.decoder = nn.GRU(n_in, hidden, num_layers=layers)

    def forward(self, src, tgt):
        _, h_n = self.encoder(src)
        h_0 = torch.tanh(self.bridge(h_n))  # per-layer bridge: (layers, batch, hidden)
        out, _ = self.decoder(tgt, h_0)
        return out
""",
    # /tmp/fphunt r02: logits per layer, then the last layer's and their mean
    "per_layer_logits_indexed_and_pooled": """
import torch.nn as nn

class Layerwise(nn.Module):
    def __init__(self, n_in, hidden, layers):
        super().__init__()
        self.gru = nn.GRU(n_in, hidden, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden, 5)

    def forward(self, x):
        _, h_n = self.gru(x)
        logits = self.fc(h_n)  # (layers, batch, 5): one set of logits per layer
        return logits[-1], logits.mean(dim=0)
""",
    "encoder_returns_a_per_layer_bridge_the_decoder_takes_as_h_0": """
import torch
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, vocab, emb, enc_hid, dec_hid, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        self.rnn = nn.GRU(emb, enc_hid, num_layers=layers)
        self.fc = nn.Linear(enc_hid, dec_hid)

    def forward(self, src):
        outputs, hidden = self.rnn(self.embedding(src))
        return outputs, torch.tanh(self.fc(hidden))

class Decoder(nn.Module):
    def __init__(self, vocab, emb, dec_hid, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        self.rnn = nn.GRU(emb, dec_hid, num_layers=layers)
        self.out = nn.Linear(dec_hid, vocab)

    def forward(self, tgt, hidden):
        output, hidden = self.rnn(self.embedding(tgt), hidden)
        return self.out(output), hidden

class Seq2Seq(nn.Module):
    def __init__(self, vocab=30, emb=8, enc_hid=12, dec_hid=10, layers=2):
        super().__init__()
        self.encoder = Encoder(vocab, emb, enc_hid, dec_hid, layers)
        self.decoder = Decoder(vocab, emb, dec_hid, layers)

    def forward(self, src, tgt):
        _, hidden = self.encoder(src)
        logits, _ = self.decoder(tgt, hidden)
        return logits
""",
    "per_layer_head_in_a_helper_then_the_last_layer": """
import torch.nn as nn

class Helper(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 20, num_layers=2)
        self.fc = nn.Linear(20, 3)

    def head(self, state):
        return self.fc(state)

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.head(h_n)[-1]
""",
    "per_layer_scores_maxed_over_layers": """
import torch.nn as nn

class Scorer(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 20, num_layers=3, batch_first=True)
        self.score = nn.Linear(20, 4)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        best, _ = self.score(h_n).max(dim=0)
        return best
""",
    "per_layer_features_flattened_per_sample": """
import torch
import torch.nn as nn

class Flattened(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 20, num_layers=2, batch_first=True)
        self.proj = nn.Linear(20, 6)
        self.fc = nn.Linear(12, 3)

    def forward(self, x):
        _, h_n = self.gru(x)
        per_layer = torch.relu(self.proj(h_n))
        return self.fc(per_layer.permute(1, 0, 2).reshape(x.size(0), -1))
""",
}


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_at_exactly_the_markers(name):
    source = FLAGGED[name]
    assert sorted((finding.row, finding.code) for finding in lint_source(source)) == expected_markers(source)


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_look_alike_yields_nothing(name):
    assert [(finding.row, finding.code, finding.message) for finding in lint_source(CLEAN[name])] == []
