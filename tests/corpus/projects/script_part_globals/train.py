"""Settings written in the script part (and one after the class); `fused` comes from an
optional import. Every value the class reads is consistent with the others."""
import torch
import torch.nn as nn

try:
    from fast_rnn_kernels import fused_lstm  # noqa: F401  (optional, absent here)
    FUSED = True
except ImportError:
    FUSED = False


class ChordTagger(nn.Module):
    def __init__(self):
        super().__init__()
        num_directions = 2 if BIDIRECTIONAL else 1
        self.lstm = nn.LSTM(N_PITCHES, HIDDEN, num_layers=LAYERS, bidirectional=BIDIRECTIONAL,
                            dropout=DROPOUT if LAYERS > 1 else 0.0, batch_first=True)
        self.fc = nn.Linear(num_directions * HIDDEN, N_CHORDS)

    def forward(self, roll):
        out, _ = self.lstm(roll)
        return self.fc(out)


N_CHORDS = 12

if __name__ == "__main__":
    N_PITCHES = 88
    HIDDEN = 64
    LAYERS = 2
    DROPOUT = 0.3
    BIDIRECTIONAL = True
    model = ChordTagger()
    torch.save(model.state_dict(), "chords.pt")
