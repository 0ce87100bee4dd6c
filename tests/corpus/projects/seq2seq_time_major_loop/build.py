import torch

from modules import Decoder, Encoder
from seq2seq import Seq2Seq

INPUT_DIM = 25
OUTPUT_DIM = 27
ENC_EMB_DIM = 12
DEC_EMB_DIM = 10
HID_DIM = 16
N_LAYERS = 2
ENC_DROPOUT = 0.5
DEC_DROPOUT = 0.5


def build():
    torch.manual_seed(0)
    enc = Encoder(INPUT_DIM, ENC_EMB_DIM, HID_DIM, N_LAYERS, ENC_DROPOUT)
    dec = Decoder(OUTPUT_DIM, DEC_EMB_DIM, HID_DIM, N_LAYERS, DEC_DROPOUT)
    model = Seq2Seq(enc, dec)
    src = torch.randint(0, INPUT_DIM, (9, 4))
    trg = torch.randint(0, OUTPUT_DIM, (6, 4))
    return model, (src, trg), (6, 4, OUTPUT_DIM)
