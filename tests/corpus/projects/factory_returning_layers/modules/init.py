"""Layer factories: build a torch layer, initialise its weights, return it."""
import torch.nn as nn


def LSTM(input_size, hidden_size, **kwargs):
    layer = nn.LSTM(input_size, hidden_size, **kwargs)
    for name, param in layer.named_parameters():
        if "weight" in name or "bias" in name:
            param.data.uniform_(-0.1, 0.1)
    return layer


def Linear(in_features, out_features, bias=True, dropout=0.0):
    layer = nn.Linear(in_features, out_features, bias=bias)
    layer.weight.data.uniform_(-0.1, 0.1)
    if bias:
        layer.bias.data.zero_()
    return layer


def Embedding(num_embeddings, embedding_dim, padding_idx):
    layer = nn.Embedding(num_embeddings, embedding_dim, padding_idx=padding_idx)
    nn.init.uniform_(layer.weight, -0.1, 0.1)
    nn.init.constant_(layer.weight[padding_idx], 0)
    return layer
