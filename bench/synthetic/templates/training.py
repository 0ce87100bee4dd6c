"""Ordinary code, training: a trainer, schedules, early stopping, weight averaging."""

from __future__ import annotations

import random

from ..pieces import Namer, Piece, fill


def block_trainer(rng: random.Random, nm: Namer) -> Piece:
    extra_logs = "\n".join(
        f'            meters["{k}"].update(float(outputs.get("{k}", 0.0)))'
        for k in rng.sample(["accuracy", "grad_norm", "tokens", "lr", "aux_loss", "perplexity"],
                            rng.randint(1, 4)))
    return Piece(fill('''
        class $cls:
            """Runs epochs of training and evaluation and keeps checkpoints."""

            def __init__(self, model: nn.Module, optimizer: torch.optim.Optimizer, scheduler=None,
                         device: str = "cpu", grad_clip: float = $clip, use_amp: bool = $amp,
                         log_every: int = $every, output_dir: str = "checkpoints"):
                self.model = model.to(device)
                self.optimizer = optimizer
                self.scheduler = scheduler
                self.device = device
                self.grad_clip = grad_clip
                self.scaler = torch.cuda.amp.GradScaler(enabled=use_amp)
                self.use_amp = use_amp
                self.log_every = log_every
                self.output_dir = Path(output_dir)
                self.step = 0
                self.best = math.inf

            def _move(self, batch: dict) -> dict:
                return {k: v.to(self.device) if torch.is_tensor(v) else v for k, v in batch.items()}

            def train_epoch(self, loader, epoch: int) -> dict:
                self.model.train()
                meters = collections.defaultdict(lambda: _Average())
                for batch in loader:
                    batch = self._move(batch)
                    with torch.autocast(device_type="cuda", enabled=self.use_amp):
                        outputs = self.model(**batch)
                        loss = outputs["loss"]
                    self.optimizer.zero_grad(set_to_none=True)
                    self.scaler.scale(loss).backward()
                    if self.grad_clip > 0:
                        self.scaler.unscale_(self.optimizer)
                        nn.utils.clip_grad_norm_(self.model.parameters(), self.grad_clip)
                    self.scaler.step(self.optimizer)
                    self.scaler.update()
                    if self.scheduler is not None:
                        self.scheduler.step()
                    self.step += 1
                    meters["loss"].update(loss.item())
        $extra_logs
                    if self.step % self.log_every == 0:
                        logger.info("epoch %d step %d loss %.4f", epoch, self.step, meters["loss"].value)
                return {k: m.value for k, m in meters.items()}

            @torch.no_grad()
            def evaluate(self, loader) -> dict:
                self.model.eval()
                total, count = 0.0, 0
                for batch in loader:
                    batch = self._move(batch)
                    outputs = self.model(**batch)
                    total += outputs["loss"].item()
                    count += 1
                return {"loss": total / max(count, 1)}

            def save(self, name: str, metrics: dict | None = None) -> Path:
                self.output_dir.mkdir(parents=True, exist_ok=True)
                path = self.output_dir / f"{name}.pt"
                torch.save({
                    "model": self.model.state_dict(),
                    "optimizer": self.optimizer.state_dict(),
                    "step": self.step,
                    "metrics": metrics or {},
                }, path)
                return path

            def load(self, path: str) -> None:
                state = torch.load(path, map_location=self.device)
                self.model.load_state_dict(state["model"])
                self.optimizer.load_state_dict(state["optimizer"])
                self.step = state.get("step", 0)

            def fit(self, train_loader, val_loader, epochs: int = $epochs) -> float:
                for epoch in range(epochs):
                    train_stats = self.train_epoch(train_loader, epoch)
                    val_stats = self.evaluate(val_loader)
                    logger.info("epoch %d: train %s val %s", epoch, train_stats, val_stats)
                    if val_stats["loss"] < self.best:
                        self.best = val_stats["loss"]
                        self.save("best", val_stats)
                self.save("last")
                return self.best


        class _Average:
            def __init__(self) -> None:
                self.total, self.count = 0.0, 0

            def update(self, value: float) -> None:
                self.total += value
                self.count += 1

            @property
            def value(self) -> float:
                return self.total / max(self.count, 1)
        ''', cls=nm.cls("trainer"), clip=rng.choice([0.0, 1.0, 5.0]), amp=rng.choice([True, False]),
        every=rng.choice([10, 50, 100]), epochs=rng.choice([10, 30, 100]),
        extra_logs=extra_logs),
        {"import collections", "import math", "import logging", "from pathlib import Path",
         "import torch", "from torch import nn"})


def block_schedule(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        def $fn(optimizer, warmup_steps: int = $warm, total_steps: int = $total, min_ratio: float = $ratio):
            """Linear warmup, then cosine decay to `min_ratio` of the base rate."""

            def factor(step: int) -> float:
                if step < warmup_steps:
                    return (step + 1) / warmup_steps
                progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
                cosine = 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))
                return min_ratio + (1.0 - min_ratio) * cosine

            return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
        ''', fn=nm.func("build"), warm=rng.choice([500, 1000, 4000]),
        total=rng.choice([10000, 100000, 300000]), ratio=rng.choice([0.0, 0.01, 0.1])),
        {"import math", "import torch"})


def block_early_stop(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        class $cls:
            """Stops training when the monitored value stops improving."""

            def __init__(self, patience: int = $patience, min_delta: float = $delta, mode: str = "$mode"):
                if mode not in ("min", "max"):
                    raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
                self.patience = patience
                self.min_delta = min_delta
                self.mode = mode
                self.best = None
                self.bad_epochs = 0

            def _improved(self, value: float) -> bool:
                if self.best is None:
                    return True
                if self.mode == "min":
                    return value < self.best - self.min_delta
                return value > self.best + self.min_delta

            def __call__(self, value: float) -> bool:
                if self._improved(value):
                    self.best = value
                    self.bad_epochs = 0
                    return False
                self.bad_epochs += 1
                return self.bad_epochs > self.patience
        ''', cls=nm.cls("stopper"), patience=rng.choice([3, 5, 10]),
        delta=rng.choice([0.0, 1e-4, 1e-3]), mode=rng.choice(["min", "max"])))


def block_ema(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        class $cls:
            """Exponential moving average of a model's parameters."""

            def __init__(self, model: nn.Module, decay: float = $decay):
                self.decay = decay
                self.shadow = copy.deepcopy(model).eval()
                for param in self.shadow.parameters():
                    param.requires_grad_(False)

            @torch.no_grad()
            def update(self, model: nn.Module) -> None:
                for ema_param, param in zip(self.shadow.parameters(), model.parameters()):
                    ema_param.mul_(self.decay).add_(param.detach(), alpha=1.0 - self.decay)
                for ema_buf, buf in zip(self.shadow.buffers(), model.buffers()):
                    ema_buf.copy_(buf)
        ''', cls=nm.cls("average"), decay=rng.choice([0.999, 0.9999, 0.995])),
        {"import copy", "import torch", "from torch import nn"})
