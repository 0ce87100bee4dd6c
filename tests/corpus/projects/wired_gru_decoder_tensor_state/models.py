import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, rnn_type, vocab, emb_size, hidden_size, num_layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb_size)
        self.rnn = getattr(nn, rnn_type)(input_size=emb_size, hidden_size=hidden_size,
                                         num_layers=num_layers)

    def forward(self, src):
        memory, hidden = self.rnn(self.embedding(src))
        return hidden, memory


class DecoderState:
    def __init__(self, hidden):
        self.hidden = hidden


class Decoder(nn.Module):
    def __init__(self, rnn_type, vocab, emb_size, hidden_size, num_layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb_size)
        self.rnn = getattr(nn, rnn_type)(emb_size, hidden_size, num_layers=num_layers)
        self.out = nn.Linear(hidden_size, vocab)

    def init_decoder_state(self, enc_hidden):
        # an LSTM's (h, c) pair stays a pair; a GRU's state is one tensor and stays one
        if isinstance(enc_hidden, tuple):
            return DecoderState(tuple(enc_hidden))
        return DecoderState(enc_hidden)

    def forward(self, tgt, state):
        outputs, hidden = self.rnn(self.embedding(tgt), state.hidden)
        return self.out(outputs), hidden


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, src, tgt):
        enc_hidden, _ = self.encoder(src)
        state = self.decoder.init_decoder_state(enc_hidden)
        out, _ = self.decoder(tgt, state)
        return out
