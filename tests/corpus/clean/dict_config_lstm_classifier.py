"""Classifier whose hyper-parameters live in a plain dict loaded from a YAML/JSON file."""
import torch
import torch.nn as nn

DEFAULT_CONFIG = {
    "vocab_size": 100,
    "embedding_dim": 32,
    "hidden_size": 48,
    "num_layers": 1,
    "bidirectional": False,
    "num_classes": 2,
}


class ConfigurableLSTM(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config["vocab_size"], config["embedding_dim"])
        self.lstm = nn.LSTM(
            input_size=config["embedding_dim"],
            hidden_size=config["hidden_size"],
            num_layers=config["num_layers"],
            bidirectional=config["bidirectional"],
            batch_first=True,
        )
        lstm_out = config["hidden_size"] * (2 if config["bidirectional"] else 1)
        self.classifier = nn.Sequential(
            nn.Linear(lstm_out, config["hidden_size"]),
            nn.ReLU(),
            nn.Linear(config["hidden_size"], config["num_classes"]),
        )

    def forward(self, input_ids):
        output, _ = self.lstm(self.embedding(input_ids))
        pooled = output.mean(dim=1)
        return self.classifier(pooled)


def build():
    torch.manual_seed(0)
    config = dict(DEFAULT_CONFIG, num_layers=2, bidirectional=True, num_classes=5)
    model = ConfigurableLSTM(config)
    input_ids = torch.randint(0, 100, (3, 6))
    return model, (input_ids,), (3, 5)
