"""CRNN for text-line OCR: conv feature columns become a sequence for a BiLSTM and CTC head."""
import torch
import torch.nn as nn


class BidirectionalLSTM(nn.Module):
    def __init__(self, n_in, n_hidden, n_out):
        super(BidirectionalLSTM, self).__init__()
        self.rnn = nn.LSTM(n_in, n_hidden, bidirectional=True)
        self.embedding = nn.Linear(n_hidden * 2, n_out)

    def forward(self, input):
        recurrent, _ = self.rnn(input)
        T, b, h = recurrent.size()
        output = self.embedding(recurrent.view(T * b, h))
        return output.view(T, b, -1)


class CRNN(nn.Module):
    def __init__(self, img_h, n_channels, n_classes, n_hidden=32):
        super(CRNN, self).__init__()
        assert img_h % 4 == 0, 'img_h has to be a multiple of 4'
        self.cnn = nn.Sequential(
            nn.Conv2d(n_channels, 16, 3, 1, 1), nn.ReLU(True), nn.MaxPool2d(2, 2),
            nn.Conv2d(16, 32, 3, 1, 1), nn.ReLU(True), nn.MaxPool2d((2, 1), (2, 1)),
            nn.Conv2d(32, 32, (img_h // 4, 1)), nn.ReLU(True),  # collapse height to 1
        )
        self.rnn = nn.Sequential(
            BidirectionalLSTM(32, n_hidden, n_hidden),
            BidirectionalLSTM(n_hidden, n_hidden, n_classes),
        )

    def forward(self, input):
        conv = self.cnn(input)
        b, c, h, w = conv.size()
        assert h == 1, 'the height of conv must be 1'
        conv = conv.squeeze(2)
        conv = conv.permute(2, 0, 1)  # [w, b, c]
        return self.rnn(conv)         # [w, b, n_classes], ready for CTC


def build():
    torch.manual_seed(0)
    model = CRNN(img_h=16, n_channels=1, n_classes=20)
    images = torch.randn(3, 1, 16, 14)
    return model, (images,), (7, 3, 20)
