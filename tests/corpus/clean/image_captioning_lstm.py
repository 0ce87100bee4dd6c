"""Show-and-tell captioner: the image feature is the first input step of a batch-first LSTM."""
import torch
import torch.nn as nn


class EncoderCNN(nn.Module):
    def __init__(self, embed_size):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(3, 16, 5, stride=4), nn.ReLU(),
                                  nn.AdaptiveAvgPool2d((1, 1)))
        self.linear = nn.Linear(16, embed_size)
        self.bn = nn.BatchNorm1d(embed_size, momentum=0.01)

    def forward(self, images):
        features = self.conv(images)
        features = features.reshape(features.size(0), -1)
        return self.bn(self.linear(features))


class DecoderRNN(nn.Module):
    def __init__(self, embed_size, hidden_size, vocab_size, num_layers):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size, hidden_size, num_layers, batch_first=True)
        self.linear = nn.Linear(hidden_size, vocab_size)

    def forward(self, features, captions):
        embeddings = self.embed(captions)
        embeddings = torch.cat((features.unsqueeze(1), embeddings), 1)
        hiddens, _ = self.lstm(embeddings)
        return self.linear(hiddens)


class Captioner(nn.Module):
    def __init__(self, embed_size=16, hidden_size=32, vocab_size=60, num_layers=1):
        super().__init__()
        self.encoder = EncoderCNN(embed_size)
        self.decoder = DecoderRNN(embed_size, hidden_size, vocab_size, num_layers)

    def forward(self, images, captions):
        return self.decoder(self.encoder(images), captions)


def build():
    torch.manual_seed(0)
    model = Captioner(num_layers=2)
    images = torch.randn(4, 3, 32, 32)
    captions = torch.randint(0, 60, (4, 6))
    return model, (images, captions), (4, 7, 60)     # image step + 6 caption steps
