"""Idioms the shape analysis follows, each as a small model with `# expect:` markers.

Every case is flagged at exactly its markers; with the one edit that repairs it, it yields nothing,
so each idiom is checked for what it finds and for what it must not.
"""

from __future__ import annotations

import re

import pytest

from rnnlint import lint_source

from conftest import expected_markers

MARKER = re.compile(r"\s*#\s*expect:.*$", re.MULTILINE)

# name -> (buggy source, (text to replace, replacement) that repairs it)
CASES = {
    "symbolic_slice_bounds": ("""
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(16, hidden, bidirectional=True)
        self.out = nn.Linear(2 * hidden, 4)  # expect: RNN001

    def forward(self, x):
        y, _ = self.gru(x)
        summed = y[:, :, :self.hidden] + y[:, :, self.hidden:]
        return self.out(summed)
""", ("nn.Linear(2 * hidden, 4)", "nn.Linear(hidden, 4)")),

    "view_with_a_direction_count_from_a_flag": ("""
import torch.nn as nn

class SpeakerEncoder(nn.Module):
    def __init__(self, hidden_size=32, num_layers=3, bidirectional=True):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.num_directions = 2 if bidirectional else 1
        self.gru = nn.GRU(20, hidden_size, num_layers, batch_first=True, bidirectional=bidirectional)
        self.linear = nn.Linear(hidden_size, 16)  # expect: RNN001

    def forward(self, mels):
        _, h_n = self.gru(mels)
        batch = mels.shape[0]
        h_n = h_n.view(self.num_layers, self.num_directions, batch, self.hidden_size)
        top = h_n[-1].permute(1, 0, 2).reshape(batch, self.num_directions * self.hidden_size)
        return self.linear(top)
""", ("nn.Linear(hidden_size, 16)", "nn.Linear(self.num_directions * hidden_size, 16)")),

    "attribute_of_an_in_file_submodule": ("""
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.hidden_size = hidden
        self.gru = nn.GRU(8, hidden, bidirectional=True)

    def forward(self, x):
        return self.gru(x)

class Model(nn.Module):
    def __init__(self, hidden=24):
        super().__init__()
        self.encoder = Encoder(hidden)
        self.head = nn.Linear(2 * hidden, 3)  # expect: RNN001

    def forward(self, x):
        _, h_n = self.encoder(x)
        per_direction = h_n.view(1, 2, x.size(1), self.encoder.hidden_size)
        return self.head(per_direction[-1, 0])
""", ("nn.Linear(2 * hidden, 3)", "nn.Linear(hidden, 3)")),

    "max_values_of_a_char_cnn": ("""
import torch
import torch.nn as nn

class CharCNN(nn.Module):
    def __init__(self, n_chars, char_dim, n_filters):
        super().__init__()
        self.char_emb = nn.Embedding(n_chars, char_dim)
        self.conv = nn.Conv1d(char_dim, n_filters, 3, padding=1)

    def forward(self, chars):
        batch, seq_len, word_len = chars.size()
        x = self.char_emb(chars.view(batch * seq_len, word_len))
        x = self.conv(x.transpose(1, 2))
        x = torch.relu(x).max(dim=2).values
        return x.view(batch, seq_len, -1)

class Tagger(nn.Module):
    def __init__(self, n_words, n_chars, word_dim=24, char_dim=8, n_filters=16, hidden=32):
        super().__init__()
        self.word_emb = nn.Embedding(n_words, word_dim)
        self.char_cnn = CharCNN(n_chars, char_dim, n_filters)
        self.encoder = nn.LSTM(word_dim, hidden, batch_first=True)  # expect: RNN008

    def forward(self, words, chars):
        features = torch.cat([self.word_emb(words), self.char_cnn(chars)], dim=-1)
        out, _ = self.encoder(features)
        return out
""", ("nn.LSTM(word_dim, hidden", "nn.LSTM(word_dim + n_filters, hidden")),

    "broadcast_attention_weights": ("""
import torch
import torch.nn as nn

class AttentionPool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, states):
        weights = torch.softmax(self.score(states), dim=1)
        return (weights * states).sum(dim=1)

class Classifier(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.gru = nn.GRU(20, hidden, batch_first=True, bidirectional=True)
        self.pool = AttentionPool(2 * hidden)
        self.fc = nn.Linear(hidden, 5)  # expect: RNN001

    def forward(self, x):
        states, _ = self.gru(x)
        return self.fc(self.pool(states))
""", ("nn.Linear(hidden, 5)", "nn.Linear(2 * hidden, 5)")),

    "output_concatenated_with_the_input": ("""
import torch
import torch.nn as nn

class Skip(nn.Module):
    def __init__(self, hidden=24):
        super().__init__()
        self.rnn = nn.GRU(20, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden + 20, 5)  # expect: RNN001

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(torch.cat([out, x], dim=2))
""", ("nn.Linear(hidden + 20, 5)", "nn.Linear(2 * hidden + 20, 5)")),

    "attention_context_from_bmm": ("""
import torch
import torch.nn as nn

class SelfAttentive(nn.Module):
    def __init__(self, hidden=20, d_a=16, hops=3):
        super().__init__()
        self.bilstm = nn.LSTM(24, hidden, batch_first=True, bidirectional=True)
        self.ws1 = nn.Linear(2 * hidden, d_a, bias=False)
        self.ws2 = nn.Linear(d_a, hops, bias=False)
        self.fc = nn.Linear(hops * hidden, 4)  # expect: RNN001

    def forward(self, x):
        H, _ = self.bilstm(x)
        A = torch.softmax(self.ws2(torch.tanh(self.ws1(H))), dim=1)
        M = torch.bmm(A.transpose(1, 2), H)
        return self.fc(M.flatten(start_dim=1))
""", ("nn.Linear(hops * hidden, 4)", "nn.Linear(hops * 2 * hidden, 4)")),

    "squeeze_of_an_axis_of_unknown_size": ("""
import torch.nn as nn

class Step(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.gru = nn.GRU(hidden, hidden)
        self.out = nn.Linear(2 * hidden, 7)  # expect: RNN001

    def forward(self, step, last_hidden):
        rnn_output, hidden = self.gru(step, last_hidden)
        return self.out(rnn_output.squeeze(0)), hidden
""", ("nn.Linear(2 * hidden, 7)", "nn.Linear(hidden, 7)")),

    "flipped_sequence": ("""
import torch
import torch.nn as nn

class BackwardLM(nn.Module):
    def __init__(self, vocab, embed_dim=24, hidden_dim=32):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed_dim)
        self.backward_lstm = nn.LSTM(2 * embed_dim, hidden_dim, batch_first=True)  # expect: RNN008

    def forward(self, tokens):
        emb = self.embedding(tokens)
        bwd, _ = self.backward_lstm(torch.flip(emb, dims=[1]))
        return bwd.flip(1)
""", ("nn.LSTM(2 * embed_dim", "nn.LSTM(embed_dim")),

    "mean_over_padded_steps": ("""
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class MeanPool(nn.Module):
    def __init__(self, vocab, emb_dim=16, hid_dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb_dim)
        self.gru = nn.GRU(emb_dim, hid_dim, bidirectional=True)
        self.out = nn.Linear(hid_dim, 3)  # expect: RNN001

    def forward(self, tokens, lengths):
        packed_out, _ = self.gru(pack_padded_sequence(self.emb(tokens), lengths))
        outputs, out_lengths = pad_packed_sequence(packed_out)
        summed = outputs.sum(dim=0)
        return self.out(summed / out_lengths.unsqueeze(1).to(summed.dtype))
""", ("nn.Linear(hid_dim, 3)", "nn.Linear(2 * hid_dim, 3)")),

    "pack_sequence_of_embedded_words": ("""
import torch.nn as nn
from torch.nn.utils.rnn import pack_sequence

class CharWords(nn.Module):
    def __init__(self, n_chars, char_dim=12, hidden=16):
        super().__init__()
        self.char_embed = nn.Embedding(n_chars, char_dim)
        self.char_lstm = nn.LSTM(2 * char_dim, hidden)  # expect: RNN008

    def forward(self, words):
        embedded = [self.char_embed(w) for w in words]
        _, (h_n, _) = self.char_lstm(pack_sequence(embedded, enforce_sorted=False))
        return h_n[-1]
""", ("nn.LSTM(2 * char_dim", "nn.LSTM(char_dim")),

    "sequential_of_in_file_blocks": ("""
import torch.nn as nn

class BidirectionalLSTM(nn.Module):
    def __init__(self, n_in, n_hidden, n_out):
        super().__init__()
        self.rnn = nn.LSTM(n_in, n_hidden, bidirectional=True)  # expect: RNN008
        self.embedding = nn.Linear(n_hidden * 2, n_out)

    def forward(self, input):
        recurrent, _ = self.rnn(input)
        T, b, h = recurrent.size()
        output = self.embedding(recurrent.view(T * b, h))
        return output.view(T, b, -1)

class Head(nn.Module):
    def __init__(self, n_hidden=32, n_classes=20):
        super().__init__()
        self.rnn = nn.Sequential(
            BidirectionalLSTM(32, n_hidden, n_hidden),
            BidirectionalLSTM(2 * n_hidden, n_hidden, n_classes),
        )

    def forward(self, columns):
        return self.rnn(columns)
""", ("BidirectionalLSTM(2 * n_hidden, n_hidden, n_classes)", "BidirectionalLSTM(n_hidden, n_hidden, n_classes)")),

    "sequential_of_alike_blocks_from_a_list": ("""
import torch.nn as nn

class Block(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.gru = nn.GRU(2 * d_model, d_model, batch_first=True, bidirectional=True)  # expect: RNN008
        self.proj = nn.Linear(2 * d_model, d_model)

    def forward(self, x):
        y, _ = self.gru(x)
        return x + self.proj(y)

class Net(nn.Module):
    def __init__(self, in_features, d_model=32, n_blocks=3):
        super().__init__()
        self.inp = nn.Linear(in_features, d_model)
        self.blocks = nn.Sequential(*[Block(d_model) for _ in range(n_blocks)])

    def forward(self, x):
        return self.blocks(self.inp(x))
""", ("nn.GRU(2 * d_model, d_model", "nn.GRU(d_model, d_model")),

    "frames_through_conv2d_and_adaptive_pooling": ("""
import torch.nn as nn

class FrameEncoder(nn.Module):
    def __init__(self, out_dim):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(),
                                      nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(16, out_dim)

    def forward(self, frames):
        return self.fc(self.features(frames).flatten(1))

class Clips(nn.Module):
    def __init__(self, frame_dim=24, hidden_size=32):
        super().__init__()
        self.frame_encoder = FrameEncoder(frame_dim)
        self.temporal = nn.LSTM(2 * frame_dim, hidden_size, batch_first=True)  # expect: RNN008

    def forward(self, clips):
        b, t, c, h, w = clips.shape
        frame_features = self.frame_encoder(clips.view(b * t, c, h, w)).view(b, t, -1)
        out, _ = self.temporal(frame_features)
        return out[:, -1]
""", ("nn.LSTM(2 * frame_dim", "nn.LSTM(frame_dim")),

    "image_step_concatenated_along_time": ("""
import torch
import torch.nn as nn

class Captioner(nn.Module):
    def __init__(self, embed_size=16, hidden_size=32, vocab_size=60):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(3, 16, 5, stride=4), nn.ReLU(), nn.AdaptiveAvgPool2d((1, 1)))
        self.linear = nn.Linear(16, embed_size)
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(2 * embed_size, hidden_size, batch_first=True)  # expect: RNN008

    def forward(self, images, captions):
        features = self.linear(self.conv(images).reshape(images.size(0), -1))
        steps = torch.cat((features.unsqueeze(1), self.embed(captions)), 1)
        hiddens, _ = self.lstm(steps)
        return hiddens
""", ("nn.LSTM(2 * embed_size", "nn.LSTM(embed_size")),

    "code_repeated_over_time": ("""
import torch.nn as nn

class Decoder(nn.Module):
    def __init__(self, seq_len, embedding_dim=16):
        super().__init__()
        self.seq_len = seq_len
        self.encoder = nn.LSTM(4, embedding_dim, batch_first=True)
        self.rnn = nn.LSTM(2 * embedding_dim, embedding_dim, batch_first=True)  # expect: RNN008

    def forward(self, x):
        _, (h_n, _) = self.encoder(x)
        repeated = h_n[-1].unsqueeze(1).repeat(1, self.seq_len, 1)
        out, _ = self.rnn(repeated)
        return out
""", ("nn.LSTM(2 * embedding_dim, embedding_dim", "nn.LSTM(embedding_dim, embedding_dim")),

    "modules_handed_to_a_model_built_in_a_function": ("""
import torch
import torch.nn as nn

class EncoderRNN(nn.Module):
    def __init__(self, input_dim, emb_dim, hid_dim):
        super().__init__()
        self.embedding = nn.Embedding(input_dim, emb_dim)
        self.rnn = nn.GRU(emb_dim, hid_dim)

    def forward(self, src):
        _, hidden = self.rnn(self.embedding(src))
        return hidden

class DecoderRNN(nn.Module):
    def __init__(self, output_dim, emb_dim, hid_dim):
        super().__init__()
        self.embedding = nn.Embedding(output_dim, emb_dim)
        self.rnn = nn.GRU(emb_dim, hid_dim)  # expect: RNN008

    def forward(self, input, hidden, context):
        embedded = self.embedding(input.unsqueeze(0))
        output, hidden = self.rnn(torch.cat((embedded, context), dim=2), hidden)
        return output, hidden

class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, src, trg):
        context = self.encoder(src)
        output, hidden = self.decoder(trg[0, :], context, context)
        return output

def build():
    return Seq2Seq(EncoderRNN(25, 12, 32), DecoderRNN(28, 12, 32))
""", ("self.rnn = nn.GRU(emb_dim, hid_dim)  # expect: RNN008", "self.rnn = nn.GRU(emb_dim + hid_dim, hid_dim)")),

    "projection_size_from_a_parameter": ("""
import torch.nn as nn

class LSTMP(nn.Module):
    def __init__(self, proj_size=16, bidirectional=True):
        super().__init__()
        self.lstm = nn.LSTM(input_size=24, hidden_size=64, batch_first=True,
                            bidirectional=bidirectional, proj_size=proj_size)
        num_directions = 2 if bidirectional else 1
        self.fc = nn.Linear(proj_size, 10)  # expect: RNN001

    def forward(self, x):
        output, (h_n, c_n) = self.lstm(x)
        return self.fc(output.mean(dim=1))
""", ("nn.Linear(proj_size, 10)", "nn.Linear(proj_size * num_directions, 10)")),

    "head_built_for_hidden_size_after_a_projection": ("""
import torch.nn as nn

class Streaming(nn.Module):
    def __init__(self, input_dim, cell_dim, proj_dim, n_tokens):
        super().__init__()
        self.rnn = nn.LSTM(input_dim, cell_dim, num_layers=2, proj_size=proj_dim)
        self.output = nn.Linear(cell_dim, n_tokens)  # expect: RNN001

    def forward(self, chunk):
        out, _ = self.rnn(chunk)
        return self.output(out)
""", ("nn.Linear(cell_dim, n_tokens)", "nn.Linear(proj_dim, n_tokens)")),

    "module_list_filled_in_a_loop": ("""
import torch
from torch import nn

class BiGRUStack(nn.Module):
    def __init__(self, input_dim, hidden_dim, n_layers):
        super().__init__()
        self.grus = nn.ModuleList()
        in_dim = input_dim
        for _ in range(n_layers):
            self.grus.append(nn.GRU(in_dim, hidden_dim, batch_first=True, bidirectional=True))  # expect: RNN008
            in_dim = hidden_dim

    def forward(self, x):
        for gru in self.grus:
            x, _ = gru(x)
        return x
""", ("            in_dim = hidden_dim\n", "            in_dim = 2 * hidden_dim\n")),

    "recurrent_class_picked_from_a_dict": ("""
import torch.nn as nn

class Recommender(nn.Module):
    def __init__(self, n_items, embedding_dim=32, hidden_size=40, rnn_type="lstm"):
        super().__init__()
        self.item_embedding = nn.Embedding(n_items, embedding_dim)
        cells = {"lstm": nn.LSTM, "gru": nn.GRU}
        self.rnn = cells[rnn_type.lower()](2 * embedding_dim, hidden_size, batch_first=True)  # expect: RNN008

    def forward(self, histories):
        out, _ = self.rnn(self.item_embedding(histories))
        return out[:, -1]
""", ("(2 * embedding_dim, hidden_size", "(embedding_dim, hidden_size")),
}


def _findings(source: str) -> list:
    return sorted((finding.row, finding.code) for finding in lint_source(source))


@pytest.mark.parametrize("name", sorted(CASES))
def test_flagged_at_exactly_the_markers(name):
    source, _ = CASES[name]
    assert expected_markers(source), "every case carries a marker"
    assert _findings(source) == expected_markers(source)


@pytest.mark.parametrize("name", sorted(CASES))
def test_repaired_case_yields_nothing(name):
    source, (old, new) = CASES[name]
    assert source.count(old) == 1, old
    repaired = MARKER.sub("", source.replace(old, new))
    assert _findings(repaired) == []
