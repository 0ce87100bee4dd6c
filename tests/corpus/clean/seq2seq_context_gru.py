"""Plain encoder-decoder: the encoder's final state is the context fed to every decoder step."""
import random

import torch
import torch.nn as nn


class EncoderRNN(nn.Module):
    def __init__(self, input_dim, emb_dim, hid_dim):
        super().__init__()
        self.embedding = nn.Embedding(input_dim, emb_dim)
        self.rnn = nn.GRU(emb_dim, hid_dim)

    def forward(self, src):
        _, hidden = self.rnn(self.embedding(src))
        return hidden  # (1, batch, hid_dim)


class DecoderRNN(nn.Module):
    def __init__(self, output_dim, emb_dim, hid_dim):
        super().__init__()
        self.output_dim = output_dim
        self.embedding = nn.Embedding(output_dim, emb_dim)
        self.rnn = nn.GRU(emb_dim + hid_dim, hid_dim)
        self.fc_out = nn.Linear(emb_dim + hid_dim * 2, output_dim)

    def forward(self, input, hidden, context):
        embedded = self.embedding(input.unsqueeze(0))
        output, hidden = self.rnn(torch.cat((embedded, context), dim=2), hidden)
        output = torch.cat((embedded.squeeze(0), hidden.squeeze(0), context.squeeze(0)), dim=1)
        return self.fc_out(output), hidden


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder, teacher_forcing_ratio=0.5):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.teacher_forcing_ratio = teacher_forcing_ratio

    def forward(self, src, trg):
        max_len, batch_size = trg.shape
        outputs = torch.zeros(max_len, batch_size, self.decoder.output_dim, device=src.device)
        context = self.encoder(src)
        hidden = context
        input = trg[0, :]
        for t in range(1, max_len):
            output, hidden = self.decoder(input, hidden, context)
            outputs[t] = output
            teacher_force = self.training and random.random() < self.teacher_forcing_ratio
            input = trg[t] if teacher_force else output.argmax(1)
        return outputs


def build():
    torch.manual_seed(0)
    model = Seq2Seq(EncoderRNN(25, 12, 32), DecoderRNN(28, 12, 32))
    src = torch.randint(0, 25, (9, 5))
    trg = torch.randint(0, 28, (7, 5))
    return model, (src, trg), (7, 5, 28)
