"""One place builds the recurrent layers: `getattr(nn, rnn_type)` on the caller's keywords."""
import torch.nn as nn


def rnn_factory(rnn_type, **kwargs):
    no_pack = False
    if rnn_type == "SRU":
        no_pack = True
        raise NotImplementedError("SRU needs its own package")
    rnn = getattr(nn, rnn_type)(**kwargs)
    return rnn, no_pack
