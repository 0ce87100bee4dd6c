"""Video action recogniser: a small CNN embeds each frame, an LSTM aggregates the clip."""
import torch
import torch.nn as nn


class FrameEncoder(nn.Module):
    def __init__(self, out_dim):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.fc = nn.Linear(16, out_dim)

    def forward(self, frames):
        return self.fc(self.features(frames).flatten(1))


class ActionRecognizer(nn.Module):
    def __init__(self, num_actions, frame_dim=24, hidden_size=32, num_layers=2,
                 bidirectional=False):
        super().__init__()
        self.frame_encoder = FrameEncoder(frame_dim)
        self.temporal = nn.LSTM(frame_dim, hidden_size, num_layers=num_layers,
                                batch_first=True, bidirectional=bidirectional)
        factor = 2 if bidirectional else 1
        self.classifier = nn.Linear(hidden_size * factor, num_actions)

    def forward(self, clips):
        # clips: (batch, frames, channels, height, width)
        b, t, c, h, w = clips.shape
        frame_features = self.frame_encoder(clips.view(b * t, c, h, w)).view(b, t, -1)
        out, _ = self.temporal(frame_features)
        return self.classifier(out[:, -1, :])


def build():
    torch.manual_seed(0)
    model = ActionRecognizer(num_actions=7)
    clips = torch.randn(3, 5, 3, 16, 16)
    return model, (clips,), (3, 7)
