from base import SequenceEncoder


class BatchFirstEncoder(SequenceEncoder):
    batch_first = True

    def summarise(self, out):
        return out[:, -1]


class StreamingEncoder(SequenceEncoder):
    def __init__(self, input_size, hidden_size):
        super().__init__(input_size, hidden_size, batch_first=True)

    def summarise(self, out):
        return out[:, -1, :]
