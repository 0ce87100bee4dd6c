"""Builds the translator as the experiments do: two layers in both halves."""
from nets import Decoder, Encoder, Translator

N_LAYERS = 2
ENC_DROPOUT = 0.5
DEC_DROPOUT = 0.3


def make_model(src_vocab, tgt_vocab, emb_dim=16, hidden_size=32):
    encoder = Encoder(src_vocab, emb_dim, hidden_size, n_layers=N_LAYERS, dropout=ENC_DROPOUT)
    decoder = Decoder(tgt_vocab, emb_dim, hidden_size, n_layers=N_LAYERS, dropout=DEC_DROPOUT)
    return Translator(encoder, decoder)


def main():
    model = make_model(1000, 1200)
    print(sum(p.numel() for p in model.parameters()))


if __name__ == "__main__":
    main()
