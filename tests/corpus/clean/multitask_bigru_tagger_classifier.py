"""Joint intent detection and slot filling on one shared BiGRU encoder."""
import torch
import torch.nn as nn


class JointIntentSlot(nn.Module):
    def __init__(self, vocab_size, n_intents, n_slots, embed_dim=24, hidden_dim=32,
                 num_layers=1, bidirectional=True):
        super().__init__()
        self.bidirectional = bidirectional
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.encoder = nn.GRU(embed_dim, hidden_dim, num_layers=num_layers, batch_first=True,
                              bidirectional=bidirectional)
        enc_dim = 2 * hidden_dim if bidirectional else hidden_dim
        self.slot_head = nn.Linear(enc_dim, n_slots)
        self.intent_head = nn.Linear(enc_dim, n_intents)

    def forward(self, utterance):
        states, h_n = self.encoder(self.embedding(utterance))
        if self.bidirectional:
            sentence = torch.cat((h_n[-2], h_n[-1]), dim=1)
        else:
            sentence = h_n[-1]
        return self.slot_head(states), self.intent_head(sentence)


def build():
    torch.manual_seed(0)
    model = JointIntentSlot(vocab_size=65, n_intents=5, n_slots=12, num_layers=2)
    utterance = torch.randint(0, 65, (3, 9))
    return model, (utterance,), (3, 9, 12)
