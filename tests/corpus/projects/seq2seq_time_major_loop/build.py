import torch

from modules import SourceReader, StepDecoder
from seq2seq import Translator

SRC_VOCAB = 25
TGT_VOCAB = 27
EMB = 12
STATE = 16
DEPTH = 2
DROPOUT = 0.5


def build():
    torch.manual_seed(0)
    reader = SourceReader(SRC_VOCAB, EMB, STATE, DEPTH, DROPOUT)
    decoder = StepDecoder(TGT_VOCAB, EMB - 2, STATE, DEPTH, DROPOUT)
    model = Translator(reader, decoder)
    src = torch.randint(0, SRC_VOCAB, (9, 4))
    tgt = torch.randint(0, TGT_VOCAB, (6, 4))
    return model, (src, tgt), (6, 4, TGT_VOCAB)
