"""Layer factories: each builds a torch layer, initialises it the project's way, returns it."""
import torch
import torch.nn as nn


def lstm_layer(input_size, hidden_size, **options):
    layer = nn.LSTM(input_size, hidden_size, **options)
    for name, weight in layer.named_parameters():
        if name.startswith("weight_hh"):
            nn.init.orthogonal_(weight)
        elif name.startswith("weight_ih"):
            nn.init.xavier_uniform_(weight)
        else:
            nn.init.zeros_(weight)
    return layer


def linear_layer(in_features, out_features, bias=True):
    layer = nn.Linear(in_features, out_features, bias=bias)
    nn.init.kaiming_uniform_(layer.weight, nonlinearity="linear")
    return layer


def embedding_layer(num_embeddings, embedding_dim, padding_idx):
    layer = nn.Embedding(num_embeddings, embedding_dim, padding_idx=padding_idx)
    nn.init.normal_(layer.weight, std=embedding_dim ** -0.5)
    with torch.no_grad():
        layer.weight[padding_idx].zero_()
    return layer

