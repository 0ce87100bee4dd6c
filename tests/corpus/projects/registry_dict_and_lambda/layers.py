import torch.nn as nn

RNNS = {"lstm": nn.LSTM, "gru": nn.GRU}
make_rnn = lambda kind, *args, **kwargs: RNNS[kind](*args, batch_first=True, **kwargs)  # noqa: E731
