"""Ordinary code, metrics: accuracy, confusion matrices, metric collections."""

from __future__ import annotations

import random

from ..pieces import Namer, Piece, fill


def block_accuracy(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        @torch.no_grad()
        def $fn(logits: torch.Tensor, target: torch.Tensor, topk: tuple[int, ...] = $topk) -> list[float]:
            """Top-k accuracy in percent for each k."""
            maxk = min(max(topk), logits.size(-1))
            _, pred = logits.topk(maxk, dim=-1)
            correct = pred.eq(target.unsqueeze(-1))
            return [correct[:, :k].any(dim=-1).float().mean().item() * 100.0 for k in topk]
        ''', fn=nm.func("accuracy"), topk=rng.choice(["(1,)", "(1, 5)", "(1, 3, 5)"])),
        {"import torch"})


def block_confusion(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        class $cls:
            """Accumulates a confusion matrix and derives per-class scores."""

            def __init__(self, num_classes: int = $n, ignore_index: int = $ignore):
                self.num_classes = num_classes
                self.ignore_index = ignore_index
                self.matrix = torch.zeros(num_classes, num_classes, dtype=torch.long)

            def update(self, pred: torch.Tensor, target: torch.Tensor) -> None:
                keep = target != self.ignore_index
                pred, target = pred[keep].flatten(), target[keep].flatten()
                index = target * self.num_classes + pred
                counts = torch.bincount(index, minlength=self.num_classes ** 2)
                self.matrix += counts.reshape(self.num_classes, self.num_classes).cpu()

            def precision(self) -> torch.Tensor:
                return self.matrix.diag() / self.matrix.sum(dim=0).clamp(min=1)

            def recall(self) -> torch.Tensor:
                return self.matrix.diag() / self.matrix.sum(dim=1).clamp(min=1)

            def f1(self) -> torch.Tensor:
                p, r = self.precision(), self.recall()
                return 2 * p * r / (p + r).clamp(min=1e-12)

            def summary(self, names: list[str] | None = None) -> str:
                names = names or [str(i) for i in range(self.num_classes)]
                rows = []
                for name, p, r, f in zip(names, self.precision(), self.recall(), self.f1()):
                    rows.append(f"{name:>12} {p:6.3f} {r:6.3f} {f:6.3f}")
                return "\\n".join(rows)
        ''', cls=nm.cls("matrix"), n=rng.choice([2, 10, 21, 80]), ignore=rng.choice([-100, 255])),
        {"import torch"})


def block_metric_collection(rng: random.Random, nm: Namer) -> Piece:
    names = rng.sample(["loss", "accuracy", "f1", "bleu", "wer", "map", "iou", "auc", "mse"], 4)
    return Piece(fill('''
        class $cls:
            """Named metrics with the direction in which each one improves."""

            higher_is_better = {$directions}

            def __init__(self) -> None:
                self.history: dict[str, list[float]] = collections.defaultdict(list)

            def log(self, **values: float) -> None:
                for name, value in values.items():
                    self.history[name].append(float(value))

            def best(self, name: str) -> float:
                values = self.history[name]
                if not values:
                    return math.nan
                return max(values) if self.higher_is_better.get(name, True) else min(values)

            def to_json(self, path: str) -> None:
                with open(path, "w") as handle:
                    json.dump(self.history, handle, indent=2)
        ''', cls=nm.cls("history"),
        directions=", ".join(f'"{n}": {n not in ("loss", "wer", "mse")}' for n in names)),
        {"import collections", "import json", "import math"})
