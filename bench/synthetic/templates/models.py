"""Ordinary code, models: CNN blocks and transformer blocks."""

from __future__ import annotations

import random

from ..pieces import Namer, Piece, fill


def block_conv_bn(rng: random.Random, nm: Namer) -> Piece:
    act = rng.choice(["nn.ReLU(inplace=True)", "nn.SiLU()", "nn.GELU()", "nn.LeakyReLU(0.1)"])
    return Piece(fill('''
        class $cls(nn.Module):
            """Convolution, batch norm, activation."""

            def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1, groups: int = 1):
                super().__init__()
                self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride, kernel_size // 2, groups=groups, bias=False)
                self.norm = nn.BatchNorm2d(out_channels)
                self.act = $act

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return self.act(self.norm(self.conv(x)))
        ''', cls=nm.cls("conv"), act=act), {"import torch", "from torch import nn"})


def block_residual(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        class $cls(nn.Module):
            """Two 3x3 convolutions with a skip connection."""

            expansion = 1

            def __init__(self, channels: int, out_channels: int | None = None, stride: int = 1, drop_path: float = $dp):
                super().__init__()
                out_channels = out_channels or channels
                self.conv1 = nn.Conv2d(channels, out_channels, 3, stride, 1, bias=False)
                self.bn1 = nn.BatchNorm2d(out_channels)
                self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
                self.bn2 = nn.BatchNorm2d(out_channels)
                self.drop_path = drop_path
                self.shortcut = nn.Identity()
                if stride != 1 or out_channels != channels:
                    self.shortcut = nn.Sequential(
                        nn.Conv2d(channels, out_channels, 1, stride, bias=False),
                        nn.BatchNorm2d(out_channels),
                    )

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                out = F.relu(self.bn1(self.conv1(x)))
                out = self.bn2(self.conv2(out))
                if self.training and self.drop_path > 0:
                    keep = torch.rand(x.shape[0], 1, 1, 1, device=x.device) >= self.drop_path
                    out = out * keep / (1.0 - self.drop_path)
                return F.relu(out + self.shortcut(x))
        ''', cls=nm.cls("residual"), dp=rng.choice([0.0, 0.1, 0.2])),
        {"import torch", "from torch import nn", "import torch.nn.functional as F"})


def block_backbone(rng: random.Random, nm: Namer) -> Piece:
    n_stages = rng.randint(2, 6)
    widths = [rng.choice([16, 32, 64]) * (2 ** i) for i in range(n_stages)]
    depths = [rng.randint(1, 4) for _ in range(n_stages)]
    stage_lines = "\n".join(
        f"        ({w}, {d}, {1 if i == 0 else 2}),"
        for i, (w, d) in enumerate(zip(widths, depths, strict=True)))
    return Piece(fill('''
        class $cls(nn.Module):
            """A plain convolutional backbone: a stem and $n stages."""

            stages_config = [
        $stages
            ]

            def __init__(self, in_channels: int = 3, num_classes: int = $classes, dropout: float = $drop):
                super().__init__()
                first = self.stages_config[0][0]
                self.stem = nn.Sequential(
                    nn.Conv2d(in_channels, first, 3, 2, 1, bias=False),
                    nn.BatchNorm2d(first),
                    nn.ReLU(inplace=True),
                )
                layers = []
                channels = first
                for width, depth, stride in self.stages_config:
                    for index in range(depth):
                        layers.append(nn.Conv2d(channels, width, 3, stride if index == 0 else 1, 1, bias=False))
                        layers.append(nn.BatchNorm2d(width))
                        layers.append(nn.ReLU(inplace=True))
                        channels = width
                self.features = nn.Sequential(*layers)
                self.pool = nn.AdaptiveAvgPool2d(1)
                self.dropout = nn.Dropout(dropout)
                self.classifier = nn.Linear(channels, num_classes)
                self.reset_parameters()

            def reset_parameters(self) -> None:
                for module in self.modules():
                    if isinstance(module, nn.Conv2d):
                        nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
                    elif isinstance(module, nn.BatchNorm2d):
                        nn.init.ones_(module.weight)
                        nn.init.zeros_(module.bias)
                    elif isinstance(module, nn.Linear):
                        nn.init.normal_(module.weight, std=0.01)
                        nn.init.zeros_(module.bias)

            def forward_features(self, x: torch.Tensor) -> torch.Tensor:
                return self.features(self.stem(x))

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                x = self.pool(self.forward_features(x)).flatten(1)
                return self.classifier(self.dropout(x))
        ''', cls=nm.cls("backbone"), n=n_stages, stages=stage_lines,
        classes=rng.choice([10, 100, 1000]), drop=rng.choice([0.0, 0.2, 0.5])),
        {"import torch", "from torch import nn"})


def block_squeeze_excite(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        class $cls(nn.Module):
            """Channel attention: squeeze to a vector, excite with a gate."""

            def __init__(self, channels: int, reduction: int = $red):
                super().__init__()
                hidden = max(8, channels // reduction)
                self.fc1 = nn.Conv2d(channels, hidden, 1)
                self.fc2 = nn.Conv2d(hidden, channels, 1)

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                scale = x.mean(dim=(2, 3), keepdim=True)
                scale = torch.sigmoid(self.fc2(F.relu(self.fc1(scale))))
                return x * scale
        ''', cls=nm.cls("excite"), red=rng.choice([4, 8, 16])),
        {"import torch", "from torch import nn", "import torch.nn.functional as F"})


def block_attention(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        class $cls(nn.Module):
            """Multi-head self-attention with an optional key padding mask."""

            def __init__(self, dim: int = $dim, heads: int = $heads, dropout: float = $drop, bias: bool = True):
                super().__init__()
                if dim % heads:
                    raise ValueError(f"dim {dim} is not divisible by {heads} heads")
                self.heads = heads
                self.head_dim = dim // heads
                self.scale = self.head_dim ** -0.5
                self.qkv = nn.Linear(dim, 3 * dim, bias=bias)
                self.proj = nn.Linear(dim, dim)
                self.dropout = nn.Dropout(dropout)

            def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
                batch, length, dim = x.shape
                qkv = self.qkv(x).reshape(batch, length, 3, self.heads, self.head_dim)
                q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
                scores = (q @ k.transpose(-2, -1)) * self.scale
                if mask is not None:
                    scores = scores.masked_fill(~mask[:, None, None, :], float("-inf"))
                weights = self.dropout(scores.softmax(dim=-1))
                out = (weights @ v).transpose(1, 2).reshape(batch, length, dim)
                return self.proj(out)
        ''', cls=nm.cls("attention"), dim=rng.choice([256, 384, 512, 768]),
        heads=rng.choice([4, 8]), drop=rng.choice([0.0, 0.1])),
        {"import torch", "from torch import nn"})


def block_feed_forward(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        class $cls(nn.Module):
            """Position-wise feed-forward network."""

            def __init__(self, dim: int, mult: int = $mult, dropout: float = $drop):
                super().__init__()
                self.net = nn.Sequential(
                    nn.Linear(dim, dim * mult),
                    nn.$act(),
                    nn.Dropout(dropout),
                    nn.Linear(dim * mult, dim),
                    nn.Dropout(dropout),
                )

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return self.net(x)
        ''', cls=nm.cls("feedforward"), mult=rng.choice([2, 4]), drop=rng.choice([0.0, 0.1]),
        act=rng.choice(["GELU", "ReLU", "SiLU"])), {"import torch", "from torch import nn"})


def block_positional(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        class $cls(nn.Module):
            """Fixed sinusoidal position embeddings, added to batch-first input."""

            def __init__(self, dim: int, max_len: int = $max_len):
                super().__init__()
                position = torch.arange(max_len).unsqueeze(1)
                div = torch.exp(torch.arange(0, dim, 2) * (-math.log(10000.0) / dim))
                table = torch.zeros(max_len, dim)
                table[:, 0::2] = torch.sin(position * div)
                table[:, 1::2] = torch.cos(position * div)
                self.register_buffer("table", table, persistent=False)

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return x + self.table[: x.size(1)].unsqueeze(0)
        ''', cls=nm.cls("positions"), max_len=rng.choice([512, 1024, 4096])),
        {"import math", "import torch", "from torch import nn"})


def block_encoder_stack(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        class $cls(nn.Module):
            """Pre-norm transformer encoder built from torch's own layer."""

            def __init__(self, dim: int = $dim, depth: int = $depth, heads: int = 8, ff_mult: int = 4, dropout: float = 0.1):
                super().__init__()
                layer = nn.TransformerEncoderLayer(
                    d_model=dim,
                    nhead=heads,
                    dim_feedforward=dim * ff_mult,
                    dropout=dropout,
                    batch_first=True,
                    norm_first=True,
                )
                self.encoder = nn.TransformerEncoder(layer, num_layers=depth)
                self.norm = nn.LayerNorm(dim)

            def forward(self, x: torch.Tensor, padding_mask: torch.Tensor | None = None) -> torch.Tensor:
                return self.norm(self.encoder(x, src_key_padding_mask=padding_mask))


        def $mask_fn(length: int, device=None) -> torch.Tensor:
            """Upper-triangular mask that hides future positions."""
            return torch.triu(torch.ones(length, length, dtype=torch.bool, device=device), diagonal=1)
        ''', cls=nm.cls("encoder"), dim=rng.choice([256, 512, 768]), depth=rng.choice([2, 4, 6, 12]),
        mask_fn=nm.func("causal")), {"import torch", "from torch import nn"})
