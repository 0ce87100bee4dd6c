"""Sequence tagger whose recurrent cell ('lstm' or 'gru') comes from the experiment arguments."""
from argparse import Namespace

import torch
from torch import nn

RNN_CLASSES = {'lstm': nn.LSTM, 'gru': nn.GRU}


class RecurrentTagger(nn.Module):
    def __init__(self, opt, n_vocab, n_tags):
        super().__init__()
        self.word_lut = nn.Embedding(n_vocab, opt.word_vec_size)
        rnn_class = {'lstm': nn.LSTM, 'gru': nn.GRU}[opt.cell]
        self.rnn = rnn_class(
            input_size=opt.word_vec_size,
            hidden_size=opt.rnn_size,
            num_layers=opt.layers,
            dropout=opt.dropout,
            bidirectional=opt.brnn,
        )
        self.generator = nn.Linear(opt.rnn_size * (2 if opt.brnn else 1), n_tags)

    def forward(self, src):
        # src: (seq_len, batch); the recurrent state type does not matter here
        outputs, _ = self.rnn(self.word_lut(src))
        return self.generator(outputs)


def build():
    torch.manual_seed(0)
    opt = Namespace(word_vec_size=16, rnn_size=20, layers=2, dropout=0.2, brnn=True,
                    cell='gru')
    model = RecurrentTagger(opt, n_vocab=35, n_tags=6)
    src = torch.randint(0, 35, (8, 3))
    return model, (src,), (8, 3, 6)
