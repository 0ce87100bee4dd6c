from base import SequenceModel


class FirstAndLast(SequenceModel):
    def summarise(self, out):
        # written for a batch-first LSTM: on (seq, batch, hidden) this selects samples
        return out[:, 0] + out[:, -1]  # expect: RNN004
