import torch.nn as nn


def build_rnn(input_size, hidden_size):
    rnn = nn.LSTM(input_size, hidden_size, num_layers=2, batch_first=True, bidirectional=True)
    for name, param in rnn.named_parameters():
        if "weight_hh" in name:
            nn.init.orthogonal_(param)
    return rnn
