"""Factories in the style of fairseq: each builds, initialises and returns a layer."""
import torch.nn as nn


def LSTM(input_size, hidden_size, **kwargs):
    m = nn.LSTM(input_size, hidden_size, **kwargs)
    for name, param in m.named_parameters():
        if "weight" in name or "bias" in name:
            param.data.uniform_(-0.1, 0.1)
    return m


def Linear(in_features, out_features, dropout=0.0):
    m = nn.Linear(in_features, out_features)
    m.weight.data.uniform_(-0.1, 0.1)
    return m
