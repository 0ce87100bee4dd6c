import torch
import torch.nn as nn


class Translator(nn.Module):
    def __init__(self, reader, decoder):
        super().__init__()
        self.reader = reader
        self.decoder = decoder

    def forward(self, src, tgt, teacher_forcing: bool = False):
        # src: (src_len, batch), tgt: (tgt_len, batch): time-major, so the loop runs over axis 0
        state = self.reader(src)
        previous = tgt[0]
        scores = [torch.zeros(tgt.size(1), self.decoder.vocab_size)]
        for t in range(1, tgt.size(0)):
            step_scores, state = self.decoder(previous, state)
            scores.append(step_scores)
            previous = tgt[t] if teacher_forcing else step_scores.argmax(-1)
        return torch.stack(scores)
