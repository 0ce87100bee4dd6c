"""Translation model: bidirectional GRU encoder, GRU decoder with additive (Bahdanau) attention."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Encoder(nn.Module):
    def __init__(self, src_vocab, emb_dim, enc_hid_dim, dec_hid_dim):
        super().__init__()
        self.embedding = nn.Embedding(src_vocab, emb_dim)
        self.rnn = nn.GRU(emb_dim, enc_hid_dim, bidirectional=True)
        self.fc = nn.Linear(enc_hid_dim * 2, dec_hid_dim)

    def forward(self, src):
        outputs, hidden = self.rnn(self.embedding(src))   # outputs: (src_len, batch, 2*enc)
        # last forward and last backward states initialise the decoder
        hidden = torch.tanh(self.fc(torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1)))
        return outputs, hidden


class AdditiveAttention(nn.Module):
    def __init__(self, enc_hid_dim, dec_hid_dim):
        super().__init__()
        self.attn = nn.Linear(enc_hid_dim * 2 + dec_hid_dim, dec_hid_dim)
        self.v = nn.Linear(dec_hid_dim, 1, bias=False)

    def forward(self, hidden, encoder_outputs):
        src_len = encoder_outputs.shape[0]
        hidden = hidden.unsqueeze(1).repeat(1, src_len, 1)
        encoder_outputs = encoder_outputs.permute(1, 0, 2)
        energy = torch.tanh(self.attn(torch.cat((hidden, encoder_outputs), dim=2)))
        return F.softmax(self.v(energy).squeeze(2), dim=1)


class Decoder(nn.Module):
    def __init__(self, tgt_vocab, emb_dim, enc_hid_dim, dec_hid_dim):
        super().__init__()
        self.output_dim = tgt_vocab
        self.attention = AdditiveAttention(enc_hid_dim, dec_hid_dim)
        self.embedding = nn.Embedding(tgt_vocab, emb_dim)
        self.rnn = nn.GRU(enc_hid_dim * 2 + emb_dim, dec_hid_dim)
        self.fc_out = nn.Linear(enc_hid_dim * 2 + dec_hid_dim + emb_dim, tgt_vocab)

    def forward(self, token, hidden, encoder_outputs):
        embedded = self.embedding(token.unsqueeze(0))                  # (1, batch, emb)
        a = self.attention(hidden, encoder_outputs).unsqueeze(1)       # (batch, 1, src_len)
        weighted = torch.bmm(a, encoder_outputs.permute(1, 0, 2)).permute(1, 0, 2)
        output, hidden = self.rnn(torch.cat((embedded, weighted), dim=2), hidden.unsqueeze(0))
        prediction = self.fc_out(torch.cat((output.squeeze(0), weighted.squeeze(0),
                                            embedded.squeeze(0)), dim=1))
        return prediction, hidden.squeeze(0)


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, src, trg):
        trg_len, batch_size = trg.shape
        outputs = torch.zeros(trg_len, batch_size, self.decoder.output_dim)
        encoder_outputs, hidden = self.encoder(src)
        token = trg[0, :]
        for t in range(1, trg_len):
            output, hidden = self.decoder(token, hidden, encoder_outputs)
            outputs[t] = output
            token = trg[t]  # teacher forcing
        return outputs


def build():
    torch.manual_seed(0)
    enc = Encoder(src_vocab=40, emb_dim=16, enc_hid_dim=24, dec_hid_dim=32)
    dec = Decoder(tgt_vocab=45, emb_dim=16, enc_hid_dim=24, dec_hid_dim=32)
    src = torch.randint(0, 40, (7, 3))
    trg = torch.randint(0, 45, (6, 3))
    return Seq2Seq(enc, dec), (src, trg), (6, 3, 45)
