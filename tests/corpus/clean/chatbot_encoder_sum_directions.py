"""Chatbot encoder-decoder step: a BiGRU encoder whose direction halves are summed,
followed by one step of a dot-attention GRU decoder.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class EncoderRNN(nn.Module):
    def __init__(self, hidden_size, embedding, n_layers=1, dropout=0.0):
        super(EncoderRNN, self).__init__()
        self.n_layers = n_layers
        self.hidden_size = hidden_size
        self.embedding = embedding
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers,
                          dropout=(0 if n_layers == 1 else dropout), bidirectional=True)

    def forward(self, input_seq, hidden=None):
        outputs, hidden = self.gru(self.embedding(input_seq), hidden)
        # add the forward half and the backward half of every output step
        outputs = outputs[:, :, :self.hidden_size] + outputs[:, :, self.hidden_size:]
        return outputs, hidden


class DotAttnDecoderStep(nn.Module):
    def __init__(self, embedding, hidden_size, output_size, n_layers=1):
        super().__init__()
        self.embedding = embedding
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers)
        self.concat = nn.Linear(hidden_size * 2, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)

    def forward(self, input_step, last_hidden, encoder_outputs):
        rnn_output, hidden = self.gru(self.embedding(input_step), last_hidden)
        attn = F.softmax(torch.sum(rnn_output * encoder_outputs, dim=2).t(), dim=1)
        context = attn.unsqueeze(1).bmm(encoder_outputs.transpose(0, 1)).squeeze(1)
        concat_output = torch.tanh(self.concat(torch.cat((rnn_output.squeeze(0), context), 1)))
        return F.softmax(self.out(concat_output), dim=1), hidden


class ChatbotStep(nn.Module):
    def __init__(self, vocab_size=40, hidden_size=24, n_layers=2):
        super().__init__()
        embedding = nn.Embedding(vocab_size, hidden_size)
        self.n_layers = n_layers
        self.encoder = EncoderRNN(hidden_size, embedding, n_layers, dropout=0.1)
        self.decoder = DotAttnDecoderStep(embedding, hidden_size, vocab_size, n_layers)

    def forward(self, input_seq, first_tokens):
        encoder_outputs, encoder_hidden = self.encoder(input_seq)
        # h_n is (n_layers * 2, batch, hidden): keep the forward direction of every layer
        batch = input_seq.size(1)
        per_direction = encoder_hidden.view(self.n_layers, 2, batch, self.encoder.hidden_size)
        decoder_hidden = per_direction[:, 0].contiguous()
        return self.decoder(first_tokens.unsqueeze(0), decoder_hidden, encoder_outputs)


def build():
    torch.manual_seed(0)
    model = ChatbotStep()
    input_seq = torch.randint(0, 40, (7, 4))
    first_tokens = torch.ones(4, dtype=torch.long)
    return model, (input_seq, first_tokens), (4, 40)
