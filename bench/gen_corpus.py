"""Generate a synthetic ML repository for timing linters: nested packages of ordinary
training, data and model code, with a small share of recurrent model files.

Standard library only; `--check` alone imports torch, to run each recurrent model once.

    python bench/gen_corpus.py OUT_DIR --files 5000 --rnn-share 0.05 --seed 0
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import os
import random
import re
import string
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_FILES = 5000
DEFAULT_RNN_SHARE = 0.05
# share of recurrent files that carry one classic shape bug
BUG_SHARE = 0.15
# share of ordinary files that name a recurrent layer in passing (a config choice, a log line)
MENTION_SHARE = 0.01
MIN_LINES, MAX_LINES = 50, 400
RNN_MIN_LINES, RNN_MAX_LINES = 80, 300
MANIFEST = "corpus.json"

ADJECTIVES = [
    "residual", "gated", "light", "deep", "sparse", "dual", "fast", "wide", "shared",
    "local", "global", "cached", "scaled", "masked", "stacked", "fused", "simple",
    "robust", "dynamic", "static", "hybrid", "compact", "tiny", "large", "causal",
]
NOUNS = [
    "patch", "token", "feature", "spectral", "audio", "image", "graph", "text", "frame",
    "pixel", "voxel", "point", "query", "memory", "context", "prompt", "label", "sample",
    "batch", "shard", "signal", "speech", "video", "scene", "region", "anchor", "mask",
]
ROLES = [
    "block", "encoder", "head", "stem", "layer", "module", "net", "adapter", "neck",
    "mixer", "projector", "pooler", "stage", "tower", "bridge",
]
VERBS = [
    "build", "load", "compute", "prepare", "merge", "split", "resolve", "collect",
    "normalize", "format", "export", "update", "parse", "filter", "gather", "reduce",
    "select", "convert", "register", "apply", "summarize", "validate", "cache", "flatten",
]
OBJECTS = [
    "records", "paths", "metrics", "weights", "options", "shards", "batches", "labels",
    "entries", "scores", "buffers", "groups", "splits", "targets", "stats", "keys",
    "outputs", "rows", "columns", "tags", "examples", "chunks",
]
DOC_OPENERS = [
    "Functions for", "Utilities used by", "Building blocks for", "Code shared by",
    "Small pieces of", "Routines for", "Support code for",
]
DOC_TOPICS = [
    "the training pipeline", "dataset preparation", "model construction",
    "experiment bookkeeping", "evaluation runs", "the inference server",
    "distributed jobs", "checkpoint handling", "feature extraction", "the export path",
]
TOP_PACKAGES = {
    "data": ["datasets", "loaders", "transforms", "samplers", "io", "augment", "text", "vision"],
    "models": ["vision", "nlp", "audio", "layers", "heads", "backbones", "blocks", "zoo"],
    "training": ["loops", "callbacks", "optim", "schedulers", "distributed", "hooks"],
    "utils": ["io", "logging", "misc", "timing", "registry", "checkpoint"],
    "config": ["schemas", "presets", "parsing"],
    "evaluation": ["metrics", "reports", "probes"],
    "tools": ["convert", "export", "inspect", "scripts"],
    "serving": ["handlers", "batching", "runtime"],
}
KIND_PACKAGES = {
    "data": ["data"],
    "trainer": ["training", "tools"],
    "cnn": ["models"],
    "transformer": ["models"],
    "config": ["config", "tools"],
    "utils": ["utils", "serving", "tools"],
    "metrics": ["evaluation", "training"],
    "rnn": ["models"],
}
ORDINARY_KINDS = ["data", "trainer", "cnn", "transformer", "config", "utils", "metrics"]
ORDINARY_WEIGHTS = [18, 12, 16, 14, 10, 20, 10]
FILES_PER_FOLDER = 18

STDLIB = {
    "argparse", "collections", "contextlib", "copy", "dataclasses", "functools", "itertools",
    "json", "logging", "math", "os", "pathlib", "random", "re", "time", "typing", "warnings",
}


def fill(template: str, **values: object) -> str:
    """Dedent a `$name` template and substitute every placeholder (a missing one raises)."""
    text = textwrap.dedent(template).strip("\n")
    return string.Template(text).substitute({k: str(v) for k, v in values.items()})


@dataclass
class Piece:
    """A top-level block of code with the imports it needs."""

    text: str
    imports: set[str] = field(default_factory=set)

    @property
    def lines(self) -> int:
        return self.text.count("\n") + 1


class Namer:
    """Random identifiers, unique within one module."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _unique(self, make) -> str:
        for attempt in range(1000):
            name = make()
            if attempt > 20:
                name = f"{name}{attempt}"
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of names")

    def cls(self, role: str | None = None) -> str:
        rng = self.rng

        def make() -> str:
            parts = [rng.choice(ADJECTIVES), rng.choice(NOUNS), role or rng.choice(ROLES)]
            if rng.random() < 0.3:
                parts = parts[1:]
            return "".join(p.capitalize() for p in parts)

        return self._unique(make)

    def func(self, verb: str | None = None) -> str:
        rng = self.rng
        return self._unique(lambda: f"{verb or rng.choice(VERBS)}_{rng.choice(OBJECTS)}")

    def word(self) -> str:
        return self.rng.choice(NOUNS)

    def sentence(self) -> str:
        rng = self.rng
        return f"{rng.choice(DOC_OPENERS)} {rng.choice(DOC_TOPICS)}."


# --------------------------------------------------------------------------------------
# Ordinary (non-recurrent) code: blocks that grow with a size knob.
# --------------------------------------------------------------------------------------


def block_meter(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        class $cls:
            """Keeps a running $what average, optionally over a window."""

            def __init__(self, name: str, window: int = $window) -> None:
                self.name = name
                self.window = window
                self.values: list[float] = []
                self.total = 0.0
                self.count = 0

            def update(self, value: float, n: int = 1) -> None:
                self.values.append(value)
                if len(self.values) > self.window:
                    self.values.pop(0)
                self.total += value * n
                self.count += n

            @property
            def average(self) -> float:
                return self.total / max(self.count, 1)

            @property
            def recent(self) -> float:
                if not self.values:
                    return 0.0
                return sum(self.values) / len(self.values)

            def reset(self) -> None:
                self.values.clear()
                self.total = 0.0
                self.count = 0

            def __repr__(self) -> str:
                return f"{self.name}: {self.recent:.4f} (avg {self.average:.4f})"
        ''', cls=nm.cls("meter"), what=nm.word(), window=rng.choice([10, 20, 50, 100])))


def block_timer(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        @contextlib.contextmanager
        def $fn(label: str, sink: dict | None = None):
            """Time a block and log (or store) how long it took."""
            start = time.perf_counter()
            try:
                yield
            finally:
                elapsed = time.perf_counter() - start
                if sink is not None:
                    sink.setdefault(label, []).append(elapsed)
                if elapsed > $slow:
                    logger.warning("%s took %.2fs", label, elapsed)
                else:
                    logger.debug("%s took %.3fs", label, elapsed)
        ''', fn=nm.func("timed"), slow=rng.choice([0.5, 1.0, 5.0])),
        {"import contextlib", "import time", "import logging"})


def block_seed(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        def $fn(seed: int = $seed, deterministic: bool = False) -> None:
            """Seed every random generator the pipeline touches."""
            random.seed(seed)
            os.environ["PYTHONHASHSEED"] = str(seed)
            torch.manual_seed(seed)
            if torch.cuda.is_available():
                torch.cuda.manual_seed_all(seed)
            if deterministic:
                torch.backends.cudnn.deterministic = True
                torch.backends.cudnn.benchmark = False
        ''', fn=nm.func("seed"), seed=rng.choice([0, 1, 13, 42, 1234])),
        {"import os", "import random", "import torch"})


def block_records(rng: random.Random, nm: Namer) -> Piece:
    """A loop over dict records whose body grows with a knob."""
    keys = rng.sample(["id", "path", "label", "score", "split", "lang", "source", "weight",
                       "width", "height", "duration", "speaker", "domain", "quality"], 6)
    steps = []
    for key in keys[: rng.randint(2, 6)]:
        choice = rng.random()
        if choice < 0.35:
            steps.append(f'value = record.get("{key}")\n'
                         f'if value is None:\n'
                         f'    missing["{key}"] = missing.get("{key}", 0) + 1\n'
                         f'    continue')
        elif choice < 0.7:
            steps.append(f'if str(record.get("{key}", "")).strip() in skip:\n'
                         f'    continue')
        else:
            steps.append(f'record["{key}"] = float(record.get("{key}", 0.0)) * scale')
    body = textwrap.indent("\n".join(steps), " " * 8)
    return Piece(fill('''
        def $fn(
            records: Iterable[dict],
            skip: Sequence[str] = (),
            scale: float = 1.0,
            limit: int | None = None,
        ) -> tuple[list[dict], dict[str, int]]:
            """Keep the records that have every field this stage needs."""
            kept: list[dict] = []
            missing: dict[str, int] = {}
            for index, record in enumerate(records):
                if limit is not None and index >= limit:
                    break
        $body
                kept.append(record)
            if missing:
                logger.info("dropped records with missing fields: %s", missing)
            return kept, missing
        ''', fn=nm.func(), body=body.lstrip("\n")),
        {"from typing import Iterable, Sequence", "import logging"})


def block_flatten(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        def $flat(tree: dict, prefix: str = "", sep: str = "$sep") -> dict:
            """Flatten nested dicts into one level of joined keys."""
            out = {}
            for key, value in tree.items():
                name = f"{prefix}{sep}{key}" if prefix else str(key)
                if isinstance(value, dict):
                    out.update($flat(value, name, sep))
                else:
                    out[name] = value
            return out


        def $unflat(flat: dict, sep: str = "$sep") -> dict:
            """Inverse of `$flat`."""
            tree: dict = {}
            for key, value in flat.items():
                node = tree
                *parents, leaf = key.split(sep)
                for part in parents:
                    node = node.setdefault(part, {})
                node[leaf] = value
            return tree
        ''', flat=nm.func("flatten"), unflat=nm.func("unflatten"), sep=rng.choice([".", "/", "__"])))


def block_retry(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        def $fn(attempts: int = $n, delay: float = $delay, exceptions: tuple = (OSError,)):
            """Retry the wrapped call a few times with exponential backoff."""

            def decorator(func):
                @functools.wraps(func)
                def wrapper(*args, **kwargs):
                    wait = delay
                    for attempt in range(1, attempts + 1):
                        try:
                            return func(*args, **kwargs)
                        except exceptions as exc:
                            if attempt == attempts:
                                raise
                            logger.warning("%s failed (%s), retry %d/%d", func.__name__, exc, attempt, attempts)
                            time.sleep(wait)
                            wait *= 2
                    return None

                return wrapper

            return decorator
        ''', fn=nm.func("retry"), n=rng.choice([3, 5]), delay=rng.choice([0.1, 0.5, 1.0])),
        {"import functools", "import time", "import logging"})


def block_distributed(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        def $main() -> bool:
            """True on the process that writes logs and checkpoints."""
            if not dist.is_available() or not dist.is_initialized():
                return True
            return dist.get_rank() == 0


        def $reduce(value: torch.Tensor, average: bool = True) -> torch.Tensor:
            """Sum (or average) a tensor across all workers."""
            if not dist.is_available() or not dist.is_initialized():
                return value
            value = value.clone()
            dist.all_reduce(value, op=dist.ReduceOp.SUM)
            if average:
                value /= dist.get_world_size()
            return value
        ''', main=nm.func("is_main"), reduce=nm.func("reduce")),
        {"import torch", "import torch.distributed as dist"})


def block_chunks(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        def $fn(items: Sequence, size: int = $size, drop_last: bool = False) -> Iterator[list]:
            """Yield consecutive chunks of `size` items."""
            chunk = []
            for item in items:
                chunk.append(item)
                if len(chunk) == size:
                    yield chunk
                    chunk = []
            if chunk and not drop_last:
                yield chunk
        ''', fn=nm.func("chunk"), size=rng.choice([8, 16, 32, 64, 256])),
        {"from typing import Iterator, Sequence"})


def block_paths(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        def $fn(root: str | os.PathLike, pattern: str = "$pattern", recursive: bool = True) -> list[Path]:
            """List matching files under `root`, sorted for reproducibility."""
            base = Path(root).expanduser()
            if not base.exists():
                raise FileNotFoundError(f"no such directory: {base}")
            found = base.rglob(pattern) if recursive else base.glob(pattern)
            return sorted(p for p in found if p.is_file() and not p.name.startswith("."))
        ''', fn=nm.func("list"), pattern=rng.choice(["*.json", "*.pt", "*.wav", "*.jpg", "*.txt"])),
        {"import os", "from pathlib import Path"})


def block_dataset(rng: random.Random, nm: Namer) -> Piece:
    fields = rng.sample(["image", "text", "audio", "label", "mask", "boxes", "target"], 3)
    loads = "\n".join(
        f'        sample["{f}"] = self._load_{f}(entry)' for f in fields
    )
    loaders = "\n\n".join(fill('''
            def _load_$f(self, entry: dict):
                value = entry.get("$f")
                if value is None:
                    return torch.zeros($n)
                return torch.as_tensor(value, dtype=torch.float32)
        ''', f=f, n=rng.choice([1, 3, 16, 128])) for f in fields)
    return Piece(fill('''
        class $cls(Dataset):
            """Samples listed in a JSON-lines manifest, loaded lazily."""

            def __init__(self, manifest: str, transform: Callable | None = None, max_items: int | None = None):
                self.manifest = Path(manifest)
                self.transform = transform
                self.entries = []
                with self.manifest.open() as handle:
                    for line in handle:
                        line = line.strip()
                        if not line:
                            continue
                        self.entries.append(json.loads(line))
                        if max_items is not None and len(self.entries) >= max_items:
                            break

            def __len__(self) -> int:
                return len(self.entries)

            def __getitem__(self, index: int) -> dict:
                entry = self.entries[index]
                sample = {"index": index}
        $loads
                if self.transform is not None:
                    sample = self.transform(sample)
                return sample

        $loaders
        ''', cls=nm.cls("dataset"), loads=loads, loaders=textwrap.indent(loaders, "    ")),
        {"import json", "from pathlib import Path", "from typing import Callable",
         "import torch", "from torch.utils.data import Dataset"})


def block_collate(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        def $fn(batch: list[dict], pad_value: float = $pad) -> dict:
            """Stack a list of samples, padding the variable-length field."""
            keys = batch[0].keys()
            out = {}
            for key in keys:
                values = [sample[key] for sample in batch]
                if not torch.is_tensor(values[0]):
                    out[key] = values
                    continue
                lengths = [v.shape[0] if v.dim() else 1 for v in values]
                longest = max(lengths)
                if all(n == longest for n in lengths):
                    out[key] = torch.stack(values)
                    continue
                padded = values[0].new_full((len(values), longest, *values[0].shape[1:]), pad_value)
                for row, (value, n) in enumerate(zip(values, lengths)):
                    padded[row, :n] = value
                out[key] = padded
                out[f"{key}_lengths"] = torch.tensor(lengths)
            return out
        ''', fn=nm.func("collate"), pad=rng.choice([0.0, -1.0, -100.0])), {"import torch"})


def block_sampler(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        class $cls(Sampler):
            """Groups indices of similar length so batches waste little padding."""

            def __init__(self, lengths: list[int], batch_size: int = $bs, shuffle: bool = True, seed: int = 0):
                self.lengths = lengths
                self.batch_size = batch_size
                self.shuffle = shuffle
                self.seed = seed
                self.epoch = 0

            def set_epoch(self, epoch: int) -> None:
                self.epoch = epoch

            def __iter__(self):
                order = sorted(range(len(self.lengths)), key=self.lengths.__getitem__)
                batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
                if self.shuffle:
                    generator = random.Random(self.seed + self.epoch)
                    generator.shuffle(batches)
                for batch in batches:
                    yield from batch

            def __len__(self) -> int:
                return len(self.lengths)
        ''', cls=nm.cls("sampler"), bs=rng.choice([16, 32, 64, 128])),
        {"import random", "from torch.utils.data import Sampler"})


def block_transforms(rng: random.Random, nm: Namer) -> Piece:
    count = rng.randint(2, 5)
    classes = []
    for _ in range(count):
        kind = rng.choice(["normalize", "crop", "noise", "clip"])
        name = nm.cls({"normalize": "normalize", "crop": "crop", "noise": "noise", "clip": "clip"}[kind])
        if kind == "normalize":
            body = fill('''
                class $name:
                    def __init__(self, mean: float = $mean, std: float = $std, key: str = "image"):
                        self.mean, self.std, self.key = mean, std, key

                    def __call__(self, sample: dict) -> dict:
                        sample[self.key] = (sample[self.key] - self.mean) / self.std
                        return sample
                ''', name=name, mean=rng.choice([0.0, 0.5, 0.485]), std=rng.choice([1.0, 0.5, 0.229]))
        elif kind == "crop":
            body = fill('''
                class $name:
                    def __init__(self, size: int = $size, key: str = "image"):
                        self.size, self.key = size, key

                    def __call__(self, sample: dict) -> dict:
                        value = sample[self.key]
                        if value.shape[-1] <= self.size:
                            return sample
                        start = random.randint(0, value.shape[-1] - self.size)
                        sample[self.key] = value[..., start : start + self.size]
                        return sample
                ''', name=name, size=rng.choice([32, 64, 224, 16000]))
        elif kind == "noise":
            body = fill('''
                class $name:
                    def __init__(self, scale: float = $scale, p: float = 0.5, key: str = "audio"):
                        self.scale, self.p, self.key = scale, p, key

                    def __call__(self, sample: dict) -> dict:
                        if random.random() < self.p:
                            value = sample[self.key]
                            sample[self.key] = value + torch.randn_like(value) * self.scale
                        return sample
                ''', name=name, scale=rng.choice([0.01, 0.05, 0.1]))
        else:
            body = fill('''
                class $name:
                    def __init__(self, low: float = $low, high: float = $high, key: str = "target"):
                        self.low, self.high, self.key = low, high, key

                    def __call__(self, sample: dict) -> dict:
                        sample[self.key] = sample[self.key].clamp(self.low, self.high)
                        return sample
                ''', name=name, low=rng.choice([-1.0, 0.0]), high=rng.choice([1.0, 6.0, 255.0]))
        classes.append(body)
    names = [c.split("\n", 1)[0][6:-1] for c in classes]
    compose = fill('''
        def $fn(train: bool = True) -> Callable[[dict], dict]:
            """The default augmentation pipeline."""
            steps = [$steps]
            if not train:
                steps = steps[:1]

            def apply(sample: dict) -> dict:
                for step in steps:
                    sample = step(sample)
                return sample

            return apply
        ''', fn=nm.func("build"), steps=", ".join(f"{n}()" for n in names))
    return Piece("\n\n\n".join(classes + [compose]),
                 {"import random", "import torch", "from typing import Callable"})


def block_dataloader(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        def $fn(dataset, batch_size: int = $bs, workers: int = $workers, train: bool = True, collate=None) -> DataLoader:
            """A DataLoader with the settings every job here uses."""
            sampler = None
            if dist.is_available() and dist.is_initialized():
                sampler = DistributedSampler(dataset, shuffle=train)
            return DataLoader(
                dataset,
                batch_size=batch_size,
                shuffle=train and sampler is None,
                sampler=sampler,
                num_workers=workers,
                pin_memory=torch.cuda.is_available(),
                drop_last=train,
                collate_fn=collate,
                persistent_workers=workers > 0,
            )
        ''', fn=nm.func("build"), bs=rng.choice([8, 16, 32, 64]), workers=rng.choice([0, 2, 4, 8])),
        {"import torch", "import torch.distributed as dist",
         "from torch.utils.data import DataLoader, DistributedSampler"})


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
        for i, (w, d) in enumerate(zip(widths, depths)))
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


def block_config_dataclass(rng: random.Random, nm: Namer, mention: bool = False) -> Piece:
    pool = [
        ("learning_rate", "float", "3e-4"), ("weight_decay", "float", "0.01"),
        ("batch_size", "int", "32"), ("epochs", "int", "20"), ("warmup_steps", "int", "1000"),
        ("seed", "int", "0"), ("dropout", "float", "0.1"), ("grad_clip", "float", "1.0"),
        ("num_workers", "int", "4"), ("output_dir", "str", '"runs"'), ("log_every", "int", "50"),
        ("eval_every", "int", "1000"), ("fp16", "bool", "False"), ("image_size", "int", "224"),
        ("max_length", "int", "512"), ("label_smoothing", "float", "0.0"),
        ("accumulate", "int", "1"), ("resume", "str | None", "None"), ("device", "str", '"cuda"'),
        ("dataset", "str", '"default"'), ("patience", "int", "5"), ("ema_decay", "float", "0.999"),
        ("optimizer", "str", '"adamw"'), ("scheduler", "str", '"cosine"'), ("beta1", "float", "0.9"),
        ("beta2", "float", "0.999"), ("eps", "float", "1e-8"), ("mixup", "float", "0.0"),
        ("save_top_k", "int", "3"), ("project", "str", '"experiments"'),
    ]
    chosen = rng.sample(pool, rng.randint(5, len(pool)))
    fields_text = "\n".join(f"    {n}: {t} = {d}" for n, t, d in chosen)
    if mention:
        fields_text += '\n    encoder_type: str = "transformer"  # one of: transformer, conv, lstm'
    cls = nm.cls("config")
    numeric = [n for n, t, _ in chosen if t in ("int", "float")]
    checks = "\n".join(
        f'        if self.{n} < 0:\n            raise ValueError("{n} must be >= 0, got %r" % (self.{n},))'
        for n in numeric[: rng.randint(1, max(1, len(numeric)))])
    return Piece(fill('''
        @dataclasses.dataclass
        class $cls:
            """Settings for one run; every field can be overridden from the command line."""

        $fields

            def __post_init__(self) -> None:
        $checks

            def to_dict(self) -> dict:
                return dataclasses.asdict(self)

            @classmethod
            def from_dict(cls, values: dict) -> "$cls":
                known = {f.name for f in dataclasses.fields(cls)}
                unknown = sorted(set(values) - known)
                if unknown:
                    raise KeyError(f"unknown settings: {', '.join(unknown)}")
                return cls(**values)
        ''', cls=cls, fields=fields_text, checks=checks or "        pass"),
        {"import dataclasses"})


def block_argparse(rng: random.Random, nm: Namer, mention: bool = False) -> Piece:
    options = [
        ('"--lr"', "type=float, default=3e-4"), ('"--batch-size"', "type=int, default=32"),
        ('"--epochs"', "type=int, default=10"), ('"--seed"', "type=int, default=0"),
        ('"--data-dir"', 'default="data"'), ('"--output-dir"', 'default="runs"'),
        ('"--resume"', "default=None"), ('"--fp16"', 'action="store_true"'),
        ('"--workers"', "type=int, default=4"), ('"--log-every"', "type=int, default=50"),
        ('"--config"', "default=None"), ('"--device"', 'default="cuda"'),
        ('"--max-steps"', "type=int, default=None"), ('"--dry-run"', 'action="store_true"'),
        ('"--eval-only"', 'action="store_true"'), ('"--tag"', 'default=""'),
        ('"--dropout"', "type=float, default=0.1"), ('"--grad-clip"', "type=float, default=1.0"),
    ]
    chosen = rng.sample(options, rng.randint(4, len(options)))
    if mention:
        chosen.append(('"--arch"', 'choices=["transformer", "lstm", "cnn"], default="transformer"'))
    adds = "\n".join(f"    parser.add_argument({flag}, {rest})" for flag, rest in chosen)
    return Piece(fill('''
        def $fn(argv: list[str] | None = None) -> argparse.Namespace:
            """Command-line options for this entry point."""
            parser = argparse.ArgumentParser(description="$desc")
        $adds
            args = parser.parse_args(argv)
            if getattr(args, "config", None):
                with open(args.config) as handle:
                    for key, value in json.load(handle).items():
                        setattr(args, key.replace("-", "_"), value)
            return args
        ''', fn=nm.func("parse"), desc=nm.sentence().rstrip("."), adds=adds),
        {"import argparse", "import json"})


def block_merge_config(rng: random.Random, nm: Namer) -> Piece:
    return Piece(fill('''
        def $fn(base: dict, override: dict, path: str = "") -> dict:
            """Merge `override` into a copy of `base`, recursing into nested sections."""
            merged = copy.deepcopy(base)
            for key, value in override.items():
                where = f"{path}.{key}" if path else key
                if key not in merged:
                    logger.warning("new setting %s", where)
                    merged[key] = value
                elif isinstance(merged[key], dict) and isinstance(value, dict):
                    merged[key] = $fn(merged[key], value, where)
                elif type(merged[key]) is not type(value) and merged[key] is not None:
                    raise TypeError(f"{where}: expected {type(merged[key]).__name__}, got {type(value).__name__}")
                else:
                    merged[key] = value
            return merged


        def $load(path: str | os.PathLike, overrides: list[str] = ()) -> dict:
            """Read a JSON config and apply `key.sub=value` overrides."""
            with open(path) as handle:
                config = json.load(handle)
            for item in overrides:
                key, _, raw = item.partition("=")
                try:
                    value = json.loads(raw)
                except json.JSONDecodeError:
                    value = raw
                node = config
                *parents, leaf = key.split(".")
                for part in parents:
                    node = node.setdefault(part, {})
                node[leaf] = value
            return config
        ''', fn=nm.func("merge"), load=nm.func("load")),
        {"import copy", "import json", "import os", "import logging"})


def block_registry(rng: random.Random, nm: Namer) -> Piece:
    what = rng.choice(["models", "datasets", "losses", "optimizers", "transforms"])
    return Piece(fill('''
        _$upper: dict[str, Callable] = {}


        def $register(name: str):
            """Class decorator that makes a component buildable by name."""

            def wrap(obj):
                if name in _$upper:
                    raise KeyError(f"{name!r} is already registered")
                _$upper[name] = obj
                return obj

            return wrap


        def $build(name: str, **kwargs):
            try:
                factory = _$upper[name]
            except KeyError:
                known = ", ".join(sorted(_$upper))
                raise KeyError(f"unknown {name!r}; known: {known}") from None
            return factory(**kwargs)
        ''', upper=what.upper(), register=nm.func("register"), build=nm.func("build")),
        {"from typing import Callable"})


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


ORDINARY_BLOCKS = {
    "data": [block_dataset, block_collate, block_sampler, block_transforms, block_dataloader,
             block_records, block_paths, block_chunks],
    "trainer": [block_trainer, block_schedule, block_early_stop, block_ema, block_timer,
                block_seed, block_distributed],
    "cnn": [block_conv_bn, block_residual, block_backbone, block_squeeze_excite],
    "transformer": [block_attention, block_feed_forward, block_positional, block_encoder_stack],
    "config": [block_config_dataclass, block_argparse, block_merge_config, block_registry],
    "utils": [block_meter, block_timer, block_seed, block_records, block_flatten, block_retry,
              block_distributed, block_chunks, block_paths, block_registry],
    "metrics": [block_accuracy, block_confusion, block_metric_collection, block_meter,
                block_records],
}


# --------------------------------------------------------------------------------------
# Recurrent models.
# --------------------------------------------------------------------------------------

# planted bug -> the rule that names it (see examples/)
BUGS = {
    "head-after-bidirectional": "RNN001",
    "hidden-state-into-head": "RNN002",
    "one-direction-last-hidden": "RNN003",
    "batch-axis-as-time": "RNN004",
    "reshape-swaps-axes": "RNN005",
    "initial-state-shape": "RNN006",
    "lstm-state-tuple": "RNN007",
    "input-size-mismatch": "RNN008",
    "invalid-rnn-argument": "RNN011",
}


@dataclass
class RnnModel:
    """One recurrent model class plus what `--check` needs to call it."""

    piece: Piece
    cls: str
    call: str  # tokens | tagger | seq2seq | lm | series
    expect: list[int]  # intended output shape for batch 3, seq 5 (target length 6 for seq2seq)
    bug: str | None = None
    extra: dict = field(default_factory=dict)


class RnnNames:
    """The spellings one file uses for the usual constructor arguments."""

    def __init__(self, rng: random.Random) -> None:
        self.hid = rng.choice(["hidden_size", "hidden_dim", "rnn_hidden", "n_hidden"])
        self.nl = rng.choice(["num_layers", "n_layers", "rnn_layers"])
        self.emb = rng.choice(["embed_dim", "embedding_dim", "emb_size"])
        self.voc = rng.choice(["vocab_size", "n_tokens", "num_embeddings"])
        self.out = rng.choice(["num_classes", "n_labels", "output_size"])


def sizes(rng: random.Random) -> dict:
    hidden = rng.choice([32, 64, 100, 128, 256])
    embed = rng.choice([e for e in (24, 50, 96, 120, 200) if e != hidden])
    return {"H": hidden, "E": embed, "L": rng.choice([1, 1, 2, 2, 3]),
            "V": rng.choice([500, 1000, 2000, 5000]), "C": rng.choice([2, 3, 5, 7, 12]),
            "P": rng.choice([0.1, 0.2, 0.3, 0.5])}


def rnn_classifier(rng: random.Random, nm: Namer, bug: str | None) -> RnnModel:
    n = RnnNames(rng)
    s = sizes(rng)
    cell = rng.choice(["LSTM", "GRU"])
    bidirectional = rng.random() < 0.6
    pooling = rng.choice(["last", "mean", "max"])
    batch_first_kw = "batch_first"
    input_arg = n.emb
    if bug in ("head-after-bidirectional", "one-direction-last-hidden"):
        bidirectional = True
        pooling = "mean" if bug == "head-after-bidirectional" else "last"
    elif bug == "hidden-state-into-head":
        bidirectional, pooling = False, "state"
    elif bug == "lstm-state-tuple":
        cell, bidirectional, pooling = "LSTM", False, "tuple"
    elif bug == "invalid-rnn-argument":
        batch_first_kw = "batchfirst"
    elif bug == "input-size-mismatch":
        input_arg = n.hid
    attr = rng.choice(["rnn", cell.lower(), "encoder"])
    directions_style = rng.choice(["literal", "flag"])
    if (pooling == "last" and not bidirectional and s["L"] == 1 and directions_style == "literal"
            and rng.random() < 0.5):
        pooling = "squeeze"
    if directions_style == "flag":
        bi_param = f"\n        bidirectional: bool = {bidirectional},"
        bi_value = "bidirectional"
        pre = "        num_directions = 2 if bidirectional else 1\n"
        head_in = f"{n.hid} * num_directions"
    else:
        bi_param, bi_value, pre = "", str(bidirectional), ""
        head_in = rng.choice([f"{n.hid} * 2", f"2 * {n.hid}"]) if bidirectional else n.hid
    if bug in ("head-after-bidirectional", "one-direction-last-hidden", "hidden-state-into-head",
               "lstm-state-tuple"):
        head_in = n.hid
    state = "(h_n, c_n)" if cell == "LSTM" else "h_n"
    if pooling in ("last", "squeeze", "state", "tuple"):
        if pooling == "tuple":
            run = "        _, hidden = self.$attr(embedded)\n        features = hidden[-1]"
        elif pooling == "state":
            run = f"        _, {state} = self.$attr(embedded)\n        features = h_n"
        elif pooling == "squeeze":
            run = f"        _, {state} = self.$attr(embedded)\n        features = h_n.squeeze(0)"
        elif bug != "one-direction-last-hidden" and (bidirectional or directions_style == "flag"):
            # with a `bidirectional` argument both settings must work
            if directions_style == "flag":
                run = (f"        _, {state} = self.$attr(embedded)\n"
                       f"        if self.bidirectional:\n"
                       f"            features = torch.cat([h_n[-2], h_n[-1]], dim=-1)\n"
                       f"        else:\n"
                       f"            features = h_n[-1]")
            else:
                run = (f"        _, {state} = self.$attr(embedded)\n"
                       f"        features = torch.cat((h_n[-2], h_n[-1]), dim=1)")
        else:
            run = f"        _, {state} = self.$attr(embedded)\n        features = h_n[-1]"
        run = ("        if lengths is not None:\n"
               "            embedded = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)\n"
               + run)
    else:
        reduce = ("output.mean(dim=1)" if pooling == "mean" else "output.max(dim=1).values")
        run = (f"        output, _ = self.$attr(embedded)\n"
               f"        if lengths is not None:\n"
               f"            mask = (tokens != self.padding_idx).unsqueeze(-1).to(output.dtype)\n"
               f"            features = (output * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)\n"
               f"        else:\n"
               f"            features = {reduce}")
    run = string.Template(run).substitute(attr=attr)
    cls = nm.cls(rng.choice(["classifier", "encoder", "model"]))
    keep_bi = "        self.bidirectional = bidirectional\n" if directions_style == "flag" else ""
    text = fill('''
        class $cls(nn.Module):
            """$doc"""

            def __init__(
                self,
                $voc: int = $V,
                $emb: int = $E,
                $hid: int = $H,
                $nl: int = $L,
                $out: int = $C,
                dropout: float = $P,$bi_param
                padding_idx: int = 0,
            ):
                super().__init__()
        $pre$keep_bi        self.$hid = $hid
                self.padding_idx = padding_idx
                self.embedding = nn.Embedding($voc, $emb, padding_idx=padding_idx)
                self.$attr = nn.$cell(
                    $input_arg,
                    $hid,
                    num_layers=$nl,
                    $bf=True,
                    bidirectional=$bi_value,
                    dropout=dropout if $nl > 1 else 0.0,
                )
                self.dropout = nn.Dropout(dropout)
                self.$head = nn.Linear($head_in, $out)

            def forward(self, tokens: torch.Tensor, lengths: Optional[torch.Tensor] = None) -> torch.Tensor:
                embedded = self.dropout(self.embedding(tokens))
        $run
                return self.$head(self.dropout(features))
        ''', cls=cls, doc=rng.choice([
            "Sentence classifier over token ids (batch, seq).",
            "Intent classifier: embeds tokens, encodes them, pools, then scores.",
            "Sentiment model over padded, batch-first token ids.",
            "Document classifier with a recurrent encoder.",
        ]), voc=n.voc, emb=n.emb, hid=n.hid, nl=n.nl, out=n.out, bi_param=bi_param, pre=pre,
        keep_bi=keep_bi, attr=attr, cell=cell, input_arg=input_arg, bf=batch_first_kw,
        bi_value=bi_value, head=rng.choice(["fc", "head", "classifier", "out"]), head_in=head_in,
        run=run, **s)
    expect = [3, s["C"]]
    return RnnModel(Piece(text, {"from typing import Optional", "import torch", "from torch import nn",
                                 "from torch.nn.utils.rnn import pack_padded_sequence"}),
                    cls, "tokens", expect, bug, {"vocab": s["V"]})


def rnn_tagger(rng: random.Random, nm: Namer, bug: str | None) -> RnnModel:
    n = RnnNames(rng)
    s = sizes(rng)
    char_dim = rng.choice([16, 25, 30])
    char_channels = rng.choice([32, 50, 64])
    cell = rng.choice(["LSTM", "LSTM", "GRU"])
    rnn_in = f"{n.emb} + char_channels"
    proj_in = rng.choice([f"2 * {n.hid}", f"{n.hid} * 2"])
    if bug == "input-size-mismatch":
        rnn_in = n.emb
    elif bug == "head-after-bidirectional":
        proj_in = n.hid
    char_cls = nm.cls("chars")
    cls = nm.cls("tagger")
    text = fill('''
        class $char_cls(nn.Module):
            """Character CNN: one vector per word from its characters."""

            def __init__(self, n_chars: int = 100, char_dim: int = $char_dim, out_channels: int = $char_channels, kernel_size: int = 3):
                super().__init__()
                self.embedding = nn.Embedding(n_chars, char_dim, padding_idx=0)
                self.conv = nn.Conv1d(char_dim, out_channels, kernel_size, padding=kernel_size // 2)

            def forward(self, chars: torch.Tensor) -> torch.Tensor:
                batch, seq, word_len = chars.shape
                x = self.embedding(chars.reshape(batch * seq, word_len)).transpose(1, 2)
                x = torch.relu(self.conv(x)).max(dim=2).values
                return x.reshape(batch, seq, -1)


        class $cls(nn.Module):
            """Sequence tagger: word and character features, a bidirectional encoder, one score per tag."""

            def __init__(
                self,
                $voc: int = $V,
                $emb: int = $E,
                char_channels: int = $char_channels,
                $hid: int = $H,
                $nl: int = $L,
                num_tags: int = $C,
                dropout: float = $P,
            ):
                super().__init__()
                self.word_embedding = nn.Embedding($voc, $emb, padding_idx=0)
                self.char_encoder = $char_cls(out_channels=char_channels)
                self.encoder = nn.$cell(
                    $rnn_in,
                    $hid,
                    num_layers=$nl,
                    batch_first=True,
                    bidirectional=True,
                    dropout=dropout if $nl > 1 else 0.0,
                )
                self.dropout = nn.Dropout(dropout)
                self.projection = nn.Linear($proj_in, num_tags)

            def forward(self, words: torch.Tensor, chars: torch.Tensor, lengths: Optional[torch.Tensor] = None) -> torch.Tensor:
                x = torch.cat([self.word_embedding(words), self.char_encoder(chars)], dim=-1)
                x = self.dropout(x)
                if lengths is not None:
                    packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
                    packed_out, _ = self.encoder(packed)
                    out, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=words.size(1))
                else:
                    out, _ = self.encoder(x)
                return self.projection(self.dropout(out))

            def loss(self, words, chars, tags, lengths=None, pad_tag: int = -100) -> torch.Tensor:
                scores = self(words, chars, lengths)
                return F.cross_entropy(scores.reshape(-1, scores.size(-1)), tags.reshape(-1), ignore_index=pad_tag)

            @torch.no_grad()
            def decode(self, words, chars, lengths=None) -> list[list[int]]:
                best = self(words, chars, lengths).argmax(dim=-1)
                if lengths is None:
                    return best.tolist()
                return [row[:n].tolist() for row, n in zip(best, lengths.tolist())]
        ''', char_cls=char_cls, cls=cls, char_dim=char_dim, char_channels=char_channels,
        voc=n.voc, emb=n.emb, hid=n.hid, nl=n.nl, cell=cell, rnn_in=rnn_in, proj_in=proj_in, **s)
    return RnnModel(Piece(text, {"from typing import Optional", "import torch", "from torch import nn",
                                 "import torch.nn.functional as F",
                                 "from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence"}),
                    cls, "tagger", [3, 5, s["C"]], bug, {"vocab": s["V"]})


def rnn_seq2seq(rng: random.Random, nm: Namer, bug: str | None) -> RnnModel:
    n = RnnNames(rng)
    s = sizes(rng)
    bridge_in = rng.choice([f"2 * {n.hid}", f"{n.hid} * 2"])
    decoder_layers = ""
    if bug == "head-after-bidirectional":
        bridge_in = n.hid
    elif bug == "initial-state-shape":
        decoder_layers = ", num_layers=2"
    enc, att, dec, wrap = nm.cls("encoder"), nm.cls("attention"), nm.cls("decoder"), nm.cls("translator")
    tgt_vocab = rng.choice([400, 800, 3000])
    text = fill('''
        class $enc(nn.Module):
            """Bidirectional GRU over the source tokens."""

            def __init__(self, $voc: int = $V, $emb: int = $E, $hid: int = $H, $nl: int = $L, dropout: float = $P):
                super().__init__()
                self.embedding = nn.Embedding($voc, $emb, padding_idx=0)
                self.rnn = nn.GRU($emb, $hid, num_layers=$nl, batch_first=True, bidirectional=True, dropout=dropout if $nl > 1 else 0.0)
                self.bridge = nn.Linear($bridge_in, $hid)
                self.dropout = nn.Dropout(dropout)

            def forward(self, src: torch.Tensor):
                embedded = self.dropout(self.embedding(src))
                outputs, h_n = self.rnn(embedded)
                last = torch.cat([h_n[-2], h_n[-1]], dim=-1)
                hidden = torch.tanh(self.bridge(last))
                return outputs, hidden


        class $att(nn.Module):
            """Additive attention of one decoder state over all encoder outputs."""

            def __init__(self, enc_dim: int, dec_dim: int, attn_dim: int):
                super().__init__()
                self.proj = nn.Linear(enc_dim + dec_dim, attn_dim)
                self.score = nn.Linear(attn_dim, 1, bias=False)

            def forward(self, hidden: torch.Tensor, encoder_outputs: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
                src_len = encoder_outputs.size(1)
                repeated = hidden.unsqueeze(1).expand(-1, src_len, -1)
                energy = torch.tanh(self.proj(torch.cat([repeated, encoder_outputs], dim=-1)))
                scores = self.score(energy).squeeze(-1)
                if mask is not None:
                    scores = scores.masked_fill(~mask, float("-inf"))
                return torch.softmax(scores, dim=-1)


        class $dec(nn.Module):
            """One decoding step: attend, feed the context to a GRU, score the vocabulary."""

            def __init__(self, $voc: int = $tgt_vocab, $emb: int = $E, $hid: int = $H, dropout: float = $P):
                super().__init__()
                self.$voc = $voc
                self.attention = $att(2 * $hid, $hid, $hid)
                self.embedding = nn.Embedding($voc, $emb, padding_idx=0)
                self.rnn = nn.GRU($emb + 2 * $hid, $hid, batch_first=True$decoder_layers)
                self.out = nn.Linear($hid + 2 * $hid + $emb, $voc)
                self.dropout = nn.Dropout(dropout)

            def forward(self, token: torch.Tensor, hidden: torch.Tensor, encoder_outputs: torch.Tensor, mask=None):
                embedded = self.dropout(self.embedding(token.unsqueeze(1)))
                weights = self.attention(hidden, encoder_outputs, mask)
                context = torch.bmm(weights.unsqueeze(1), encoder_outputs)
                output, h_n = self.rnn(torch.cat([embedded, context], dim=-1), hidden.unsqueeze(0))
                features = torch.cat([output.squeeze(1), context.squeeze(1), embedded.squeeze(1)], dim=-1)
                return self.out(features), h_n.squeeze(0), weights


        class $wrap(nn.Module):
            """Encoder-decoder with attention and teacher forcing."""

            def __init__(self, encoder: $enc | None = None, decoder: $dec | None = None, pad_idx: int = 0):
                super().__init__()
                self.encoder = encoder or $enc()
                self.decoder = decoder or $dec()
                self.pad_idx = pad_idx

            def forward(self, src: torch.Tensor, tgt: torch.Tensor, teacher_forcing: float = 0.5) -> torch.Tensor:
                batch, steps = tgt.shape
                logits = torch.zeros(batch, steps, self.decoder.$voc, device=src.device)
                encoder_outputs, hidden = self.encoder(src)
                mask = src != self.pad_idx
                token = tgt[:, 0]
                for t in range(1, steps):
                    step_logits, hidden, _ = self.decoder(token, hidden, encoder_outputs, mask)
                    logits[:, t] = step_logits
                    use_target = self.training and random.random() < teacher_forcing
                    token = tgt[:, t] if use_target else step_logits.argmax(dim=-1)
                return logits

            @torch.no_grad()
            def translate(self, src: torch.Tensor, bos: int = 1, eos: int = 2, max_len: int = 50) -> torch.Tensor:
                encoder_outputs, hidden = self.encoder(src)
                mask = src != self.pad_idx
                token = torch.full((src.size(0),), bos, dtype=torch.long, device=src.device)
                result = []
                for _ in range(max_len):
                    step_logits, hidden, _ = self.decoder(token, hidden, encoder_outputs, mask)
                    token = step_logits.argmax(dim=-1)
                    result.append(token)
                    if (token == eos).all():
                        break
                return torch.stack(result, dim=1)
        ''', enc=enc, att=att, dec=dec, wrap=wrap, voc=n.voc, emb=n.emb, hid=n.hid, nl=n.nl,
        bridge_in=bridge_in, decoder_layers=decoder_layers, tgt_vocab=tgt_vocab, **s)
    return RnnModel(Piece(text, {"import random", "from typing import Optional", "import torch",
                                 "from torch import nn"}),
                    wrap, "seq2seq", [3, 6, tgt_vocab], bug, {"vocab": min(s["V"], tgt_vocab)})


def rnn_language_model(rng: random.Random, nm: Namer, bug: str | None) -> RnnModel:
    n = RnnNames(rng)
    s = sizes(rng)
    s["L"] = max(s["L"], 2) if bug == "initial-state-shape" else s["L"]
    cell = rng.choice(["LSTM", "GRU"])
    layers_expr = "1" if bug == "initial-state-shape" else f"self.{n.nl}"
    if cell == "LSTM":
        init = (f"return (weight.new_zeros({layers_expr}, batch_size, self.{n.hid}),\n"
                f"                weight.new_zeros({layers_expr}, batch_size, self.{n.hid}))")
        detach = "return tuple(h.detach() for h in hidden)"
    else:
        init = f"return weight.new_zeros({layers_expr}, batch_size, self.{n.hid})"
        detach = "return hidden.detach()"
    cls = nm.cls("model")
    tie = rng.random() < 0.5
    text = fill('''
        class $cls(nn.Module):
            """Word-level language model over sequence-first token ids (seq, batch)."""

            def __init__(self, $voc: int = $V, $emb: int = $E, $hid: int = $H, $nl: int = $L,
                         dropout: float = $P, tie_weights: bool = $tie):
                super().__init__()
                self.$hid = $hid
                self.$nl = $nl
                self.drop = nn.Dropout(dropout)
                self.encoder = nn.Embedding($voc, $emb)
                self.rnn = nn.$cell($emb, $hid, $nl, dropout=dropout if $nl > 1 else 0.0)
                self.decoder = nn.Linear($hid, $voc)
                if tie_weights:
                    if $hid != $emb:
                        raise ValueError("tied weights need $emb == $hid")
                    self.decoder.weight = self.encoder.weight
                self.init_weights()

            def init_weights(self, scale: float = 0.1) -> None:
                nn.init.uniform_(self.encoder.weight, -scale, scale)
                nn.init.zeros_(self.decoder.bias)
                nn.init.uniform_(self.decoder.weight, -scale, scale)

            def init_hidden(self, batch_size: int):
                weight = next(self.parameters())
                $init

            @staticmethod
            def detach_hidden(hidden):
                """Cut the graph between truncated back-propagation windows."""
                $detach

            def forward(self, tokens: torch.Tensor, hidden=None):
                emb = self.drop(self.encoder(tokens))
                output, hidden = self.rnn(emb, hidden)
                decoded = self.decoder(self.drop(output))
                return F.log_softmax(decoded, dim=-1), hidden


        def batchify(data: torch.Tensor, batch_size: int) -> torch.Tensor:
            """Cut a 1-D token stream into `batch_size` columns, sequence-first."""
            steps = data.size(0) // batch_size
            return data[: steps * batch_size].view(batch_size, -1).t().contiguous()


        def get_batch(source: torch.Tensor, i: int, bptt: int = $bptt):
            length = min(bptt, len(source) - 1 - i)
            return source[i : i + length], source[i + 1 : i + 1 + length].reshape(-1)


        def train_epoch(model: $cls, data: torch.Tensor, optimizer, batch_size: int, bptt: int = $bptt, clip: float = 0.25) -> float:
            model.train()
            hidden = model.init_hidden(batch_size)
            total = 0.0
            for batch, i in enumerate(range(0, data.size(0) - 1, bptt)):
                inputs, targets = get_batch(data, i, bptt)
                hidden = model.detach_hidden(hidden)
                optimizer.zero_grad()
                log_probs, hidden = model(inputs, hidden)
                loss = F.nll_loss(log_probs.view(-1, log_probs.size(-1)), targets)
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), clip)
                optimizer.step()
                total += loss.item()
            return total / max(1, batch + 1)
        ''', cls=cls, voc=n.voc, emb=n.emb, hid=n.hid, nl=n.nl, cell=cell, init=init, detach=detach,
        tie=tie and s["H"] == s["E"], bptt=rng.choice([35, 70, 128]), **s)
    return RnnModel(Piece(text, {"import torch", "from torch import nn", "import torch.nn.functional as F"}),
                    cls, "lm", [5, 3, s["V"]], bug, {"vocab": s["V"]})


def rnn_forecaster(rng: random.Random, nm: Namer, bug: str | None) -> RnnModel:
    n = RnnNames(rng)
    s = sizes(rng)
    cell = rng.choice(["GRU", "LSTM"])
    features = rng.choice([1, 4, 8, 13])
    horizon = rng.choice([1, 6, 12, 24])
    style = rng.choice(["batch_first", "transpose"])
    if bug == "batch-axis-as-time":
        style = "forgot_transpose"
    elif bug == "reshape-swaps-axes":
        style = "view"
    bf = ", batch_first=True" if style == "batch_first" else ""
    if style in ("batch_first", "forgot_transpose"):
        run = "out, _ = self.rnn(x)\n        last = out[:, -1, :]"
    elif style == "transpose":
        run = "out, _ = self.rnn(x.transpose(0, 1))\n        last = out[-1]"
    else:
        run = "x = x.view(x.size(1), x.size(0), -1)\n        out, _ = self.rnn(x)\n        last = out[-1]"
    norm_cls = nm.cls("norm")
    cls = nm.cls("forecaster")
    text = fill('''
        class $norm_cls(nn.Module):
            """Per-series normalisation, undone on the forecast."""

            def __init__(self, eps: float = 1e-5):
                super().__init__()
                self.eps = eps

            def forward(self, x: torch.Tensor):
                mean = x.mean(dim=1, keepdim=True)
                std = x.std(dim=1, keepdim=True) + self.eps
                return (x - mean) / std, mean, std


        class $cls(nn.Module):
            """Forecasts `horizon` steps of the first channel from a batch-first window (batch, time, features)."""

            def __init__(self, n_features: int = $features, $hid: int = $H, $nl: int = $L, horizon: int = $horizon, dropout: float = $P):
                super().__init__()
                self.norm = $norm_cls()
                self.rnn = nn.$cell(n_features, $hid, $nl, dropout=dropout if $nl > 1 else 0.0$bf)
                self.head = nn.Sequential(
                    nn.Linear($hid, $hid // 2),
                    nn.ReLU(),
                    nn.Linear($hid // 2, horizon),
                )

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                x, mean, std = self.norm(x)
                $run
                forecast = self.head(last)
                return forecast * std[:, :, 0] + mean[:, :, 0]


        def make_windows(series: torch.Tensor, window: int = $window, horizon: int = $horizon, stride: int = 1):
            """Slice a (time, features) series into training windows and targets."""
            inputs, targets = [], []
            for start in range(0, series.size(0) - window - horizon + 1, stride):
                inputs.append(series[start : start + window])
                targets.append(series[start + window : start + window + horizon, 0])
            return torch.stack(inputs), torch.stack(targets)
        ''', norm_cls=norm_cls, cls=cls, hid=n.hid, nl=n.nl, features=features, horizon=horizon,
        cell=cell, bf=bf, run=run, window=rng.choice([24, 48, 96, 168]), **s)
    expect = [3, horizon]
    return RnnModel(Piece(text, {"import torch", "from torch import nn"}),
                    cls, "series", expect, bug, {"features": features})


RNN_TEMPLATES = {
    "classifier": (rnn_classifier, ["head-after-bidirectional", "hidden-state-into-head",
                                    "one-direction-last-hidden", "lstm-state-tuple",
                                    "invalid-rnn-argument", "input-size-mismatch"]),
    "tagger": (rnn_tagger, ["head-after-bidirectional", "input-size-mismatch"]),
    "seq2seq": (rnn_seq2seq, ["head-after-bidirectional", "initial-state-shape"]),
    "lm": (rnn_language_model, ["initial-state-shape"]),
    "forecaster": (rnn_forecaster, ["batch-axis-as-time", "reshape-swaps-axes"]),
}
RNN_KIND_WEIGHTS = {"classifier": 4, "tagger": 2, "seq2seq": 2, "lm": 1, "forecaster": 2}


def rnn_extras(rng: random.Random, nm: Namer) -> list[Piece]:
    """Small training functions that surround a recurrent model in a real file."""
    pieces = [
        Piece(fill('''
            def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
                return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
            '''), {"from torch import nn"}),
        Piece(fill('''
            def pad_batch(sequences: list[torch.Tensor], pad_value: int = 0):
                """Pad token sequences to one batch-first tensor and return their lengths."""
                lengths = torch.tensor([len(s) for s in sequences])
                return pad_sequence(sequences, batch_first=True, padding_value=pad_value), lengths
            '''), {"import torch", "from torch.nn.utils.rnn import pad_sequence"}),
        Piece(fill('''
            def train_step(model: nn.Module, batch: dict, optimizer: torch.optim.Optimizer, clip: float = $clip) -> float:
                model.train()
                optimizer.zero_grad()
                logits = model(batch["inputs"], batch.get("lengths"))
                loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), batch["targets"].reshape(-1))
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), clip)
                optimizer.step()
                return loss.item()
            ''', clip=rng.choice([0.5, 1.0, 5.0])),
            {"import torch", "from torch import nn", "import torch.nn.functional as F"}),
        Piece(fill('''
            @torch.no_grad()
            def evaluate(model: nn.Module, loader, device: str = "cpu") -> dict:
                model.eval()
                correct, total, loss_sum = 0, 0, 0.0
                for batch in loader:
                    inputs = batch["inputs"].to(device)
                    targets = batch["targets"].to(device)
                    logits = model(inputs, batch.get("lengths"))
                    loss_sum += F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), reduction="sum").item()
                    correct += (logits.argmax(dim=-1) == targets).sum().item()
                    total += targets.numel()
                return {"loss": loss_sum / max(total, 1), "accuracy": correct / max(total, 1)}
            '''), {"import torch", "from torch import nn", "import torch.nn.functional as F"}),
        block_schedule(rng, nm),
        block_early_stop(rng, nm),
        block_seed(rng, nm),
        block_meter(rng, nm),
    ]
    rng.shuffle(pieces)
    return pieces


# --------------------------------------------------------------------------------------
# Assembling modules.
# --------------------------------------------------------------------------------------


def render(doc: str, pieces: list[Piece]) -> str:
    """A module: docstring, the imports its pieces use (merged, grouped), then the pieces."""
    body = "\n\n\n".join(p.text for p in pieces if p.text)
    plain: set[str] = set()
    from_names: dict[str, set[str]] = {}
    for piece in pieces:
        for line in piece.imports:
            words = line.replace(",", " ").split()
            if words[0] == "import":
                plain.add(line)
            else:
                from_names.setdefault(words[1], set()).update(words[3:])
    if "logger." in body:
        plain.add("import logging")

    def used(name: str) -> bool:
        return re.search(rf"\b{re.escape(name)}\b", body) is not None

    statements = [line for line in plain if used(line.split()[-1]) or line == "import logging"]
    for module, names in from_names.items():
        kept = sorted(n for n in names if used(n))
        if kept:
            statements.append(f"from {module} import {', '.join(kept)}")

    def group(line: str) -> int:
        return 0 if line.split()[1].split(".")[0] in STDLIB else 1

    def order(line: str) -> tuple:
        return (group(line), line.startswith("from "), line.split()[1])

    lines = [f'"""{doc}"""', ""]
    previous = None
    for line in sorted(statements, key=order):
        if previous is not None and group(line) != previous:
            lines.append("")
        lines.append(line)
        previous = group(line)
    if "logger." in body:
        lines += ["", "logger = logging.getLogger(__name__)"]
    return "\n".join(lines) + "\n\n\n" + body + "\n"


def ordinary_module(rng: random.Random, kind: str, mention: bool) -> str:
    nm = Namer(rng)
    target = int(rng.triangular(MIN_LINES, MAX_LINES, 140))
    pool = ORDINARY_BLOCKS[kind]
    pieces: list[Piece] = []
    if mention:
        maker = rng.choice([block_config_dataclass, block_argparse])
        pieces.append(maker(rng, nm, mention=True))
    total = 8 + sum(p.lines + 2 for p in pieces)
    while total < target:
        maker = rng.choice(pool) if rng.random() < 0.8 else rng.choice(ORDINARY_BLOCKS["utils"])
        piece = maker(rng, nm)
        if not piece.text:
            continue
        if total + piece.lines > MAX_LINES and total >= MIN_LINES:
            break
        pieces.append(piece)
        total += piece.lines + 3
    rng.shuffle(pieces)
    return render(nm.sentence(), pieces)


def rnn_module(rng: random.Random, bug: str | None) -> tuple[str, RnnModel]:
    nm = Namer(rng)
    if bug is not None:
        kinds = [k for k, (_, bugs) in RNN_TEMPLATES.items() if bug in bugs]
        kind = rng.choice(kinds)
    else:
        kind = rng.choices(list(RNN_KIND_WEIGHTS), weights=list(RNN_KIND_WEIGHTS.values()))[0]
    model = RNN_TEMPLATES[kind][0](rng, nm, bug)
    target = rng.randint(RNN_MIN_LINES, RNN_MAX_LINES)
    pieces = [model.piece]
    total = 10 + model.piece.lines
    for extra in rnn_extras(rng, nm):
        if total >= target:
            break
        if total + extra.lines > RNN_MAX_LINES:
            continue
        pieces.append(extra)
        total += extra.lines + 3
    doc = model.piece.text.split(f"class {model.cls}(", 1)[1].split('"""')[1]
    return render(doc.strip(), pieces), model


def rnn_big_module(lines: int, seed: int = 0) -> str:
    """One module of about `lines` lines made of many recurrent model classes (all correct)."""
    rng = random.Random(f"big:{seed}")
    nm = Namer(rng)
    pieces: list[Piece] = []
    total = 10
    kinds = list(RNN_TEMPLATES)
    index = 0
    while total < lines:
        kind = kinds[index % len(kinds)]
        index += 1
        if kind in ("lm", "forecaster") and index > len(kinds):
            # these two bring module-level functions of their own: only once per module
            kind = "classifier" if kind == "lm" else "tagger"
        piece = RNN_TEMPLATES[kind][0](rng, nm, None).piece
        pieces.append(piece)
        total += piece.lines + 3
    return render("Many recurrent models in one module, for timing.", pieces)


# --------------------------------------------------------------------------------------
# Layout and command line.
# --------------------------------------------------------------------------------------


class Layout:
    """Hands out folders under the project root, creating packages as files need them."""

    def __init__(self, rng: random.Random, root: str) -> None:
        self.rng = rng
        self.root = root
        self.folders: dict[str, list[str]] = {}  # every package folder -> file names in it
        self.planned: dict[str, int] = {}  # folder -> files planned for it
        self.leaves: dict[str, list[str]] = {}  # top-level package -> folders that take files

    def _add(self, path: str, created: list[str]) -> None:
        if path not in self.folders:
            self.folders[path] = []
            self.planned[path] = 0
            created.append(path)

    def place(self, kind: str) -> tuple[str, list[str]]:
        """Pick a folder for a file of `kind`: (folder, package folders created for it)."""
        top = self.rng.choice(KIND_PACKAGES[kind])
        leaves = self.leaves.setdefault(top, [])
        roomy = [f for f in leaves if self.planned[f] < FILES_PER_FOLDER]
        created: list[str] = []
        if roomy and self.rng.random() < 0.85:
            path = self.rng.choice(roomy)
        else:
            path = f"{self.root}/{top}"
            self._add(self.root, created)
            self._add(path, created)
            for _ in range(self.rng.choice([0, 1, 1, 2, 2, 3])):
                path = f"{path}/{self.rng.choice(TOP_PACKAGES[top])}"
                self._add(path, created)
            if path not in leaves:
                leaves.append(path)
        self.planned[path] += 1
        return path, created

    def file_name(self, folder: str, kind: str, rng: random.Random) -> str:
        suffix = {"data": ["dataset", "loader", "transforms", "io"], "trainer": ["trainer", "loop", "optim"],
                  "cnn": ["net", "blocks", "backbone"], "transformer": ["attention", "transformer", "layers"],
                  "config": ["config", "options", "settings"], "utils": ["utils", "tools", "common"],
                  "metrics": ["metrics", "scores", "eval"], "rnn": ["model", "rnn", "encoder", "tagger", "seq"]}[kind]
        for attempt in range(1000):
            name = f"{rng.choice(NOUNS)}_{rng.choice(suffix)}.py"
            if attempt > 30:
                name = f"{rng.choice(NOUNS)}_{rng.choice(suffix)}_{attempt}.py"
            if name not in self.folders[folder] and name != "__init__.py":
                self.folders[folder].append(name)
                return name
        raise RuntimeError("ran out of file names")


def generate(out_dir: str | os.PathLike, files: int = DEFAULT_FILES, rnn_share: float = DEFAULT_RNN_SHARE,
             seed: int = 0, project: str = "mlproject") -> dict:
    """Write the corpus under `out_dir` and return its manifest (also written as corpus.json)."""
    if files < 10:
        raise ValueError("--files must be at least 10")
    out = Path(out_dir)
    rng = random.Random(f"corpus:{seed}")
    layout = Layout(rng, project)
    n_rnn = round(files * rnn_share)
    plan: list[tuple[str, str]] = []  # (path, kind) for content files, in order
    inits: list[str] = []
    used = 0
    while used < files:
        kind = rng.choices(ORDINARY_KINDS, ORDINARY_WEIGHTS)[0]
        folder, created = layout.place(kind)
        if created and used + len(created) + 1 > files:
            # no room left for another package: put the file in one that exists
            for package in created:
                del layout.folders[package]
                for leaves in layout.leaves.values():
                    if package in leaves:
                        leaves.remove(package)
            folder = rng.choice(sorted(layout.folders) or [project])
            created = []
        for package in created:
            inits.append(f"{package}/__init__.py")
        used += len(created)
        plan.append((folder, kind))
        used += 1
    content = len(plan)
    rnn_slots = set(rng.sample(range(content), min(n_rnn, content)))
    # recurrent files live with the models, in folders that already exist
    model_folders = layout.leaves.get("models") or sorted(layout.folders)
    for slot in sorted(rnn_slots):
        plan[slot] = (rng.choice(model_folders), "rnn")
    n_bugs = round(len(rnn_slots) * BUG_SHARE)
    bug_slots = rng.sample(sorted(rnn_slots), n_bugs)
    bug_names = list(BUGS)
    bug_of = {slot: bug_names[i % len(bug_names)] for i, slot in enumerate(bug_slots)}
    ordinary = [i for i in range(content) if i not in rnn_slots]
    mention_slots = set(rng.sample(ordinary, round(len(ordinary) * MENTION_SHARE)))

    out.mkdir(parents=True, exist_ok=True)
    manifest = {"seed": seed, "files": files, "rnn_share": rnn_share, "rnn_files": [],
                "mention_files": [], "lines": 0, "bytes": 0}
    for path in inits:
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        name = path.rsplit("/", 2)[-2]
        target.write_text(f'"""The {name} package."""\n')
        manifest["bytes"] += target.stat().st_size
        manifest["lines"] += 1
    for index, (folder, kind) in enumerate(plan):
        file_rng = random.Random(f"file:{seed}:{index}")
        if index in rnn_slots:
            name = layout.file_name(folder, "rnn", file_rng)
            text, model = rnn_module(file_rng, bug_of.get(index))
            rel = f"{folder}/{name}"
            manifest["rnn_files"].append({
                "path": rel, "class": model.cls, "call": model.call, "expect": model.expect,
                "bug": model.bug, "code": BUGS.get(model.bug) if model.bug else None, **model.extra})
        else:
            name = layout.file_name(folder, kind, file_rng)
            text = ordinary_module(file_rng, kind, index in mention_slots)
            rel = f"{folder}/{name}"
            if index in mention_slots:
                manifest["mention_files"].append(rel)
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        manifest["bytes"] += len(text.encode())
        manifest["lines"] += text.count("\n")
    manifest["python_files"] = len(inits) + len(plan)
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def _run_model(torch, model, entry: dict) -> str:
    """Call a model once on random input of the kind its file expects: "ok" or what went wrong."""
    batch, seq = 3, 5
    call = entry["call"]
    if call == "tokens":
        y = model(torch.randint(1, entry["vocab"], (batch, seq)))
    elif call == "tagger":
        y = model(torch.randint(1, entry["vocab"], (batch, seq)), torch.randint(1, 100, (batch, seq, 7)))
    elif call == "seq2seq":
        y = model(torch.randint(1, entry["vocab"], (batch, seq)), torch.randint(1, entry["vocab"], (batch, 6)))
    elif call == "lm":
        y, _ = model(torch.randint(0, entry["vocab"], (seq, batch)), model.init_hidden(batch))
    else:
        y = model(torch.randn(batch, seq, entry["features"]))
    return "ok" if list(y.shape) == entry["expect"] else f"shape {list(y.shape)} != {entry['expect']}"


def check(out_dir: str | os.PathLike) -> int:
    """Parse every file; build and run each recurrent model once with torch. Returns failures."""
    out = Path(out_dir)
    manifest = json.loads((out / MANIFEST).read_text())
    failures = 0
    for path in sorted(out.rglob("*.py")):
        try:
            ast.parse(path.read_text(), str(path))
        except SyntaxError as exc:
            print(f"syntax error: {path.relative_to(out)}: {exc}")
            failures += 1
    import importlib.util

    import torch

    torch.manual_seed(0)
    results: dict[str, int] = {}
    for entry in manifest["rnn_files"]:
        spec = importlib.util.spec_from_file_location("corpus_model", out / entry["path"])
        module = importlib.util.module_from_spec(spec)
        outcome = "ok"
        try:
            spec.loader.exec_module(module)
            cls = getattr(module, entry["class"])
            settings = [{}]
            flag = inspect.signature(cls).parameters.get("bidirectional")
            if flag is not None and entry["bug"] is None:
                # a `bidirectional` argument must work both ways
                settings.append({"bidirectional": not flag.default})
            for kwargs in settings:
                outcome = _run_model(torch, cls(**kwargs).eval(), entry)
                if outcome != "ok":
                    outcome += f" with {kwargs}" if kwargs else ""
                    break
        except Exception as exc:  # noqa: BLE001 - the planted bugs raise all kinds of errors
            outcome = f"{type(exc).__name__}: {str(exc).splitlines()[0][:90]}"
        if entry["bug"] is None and outcome != "ok":
            print(f"FAIL {entry['path']}: correct model: {outcome}")
            failures += 1
        label = entry["bug"] or "correct"
        results[label] = results.get(label, 0) + 1
        if entry["bug"] is not None:
            if outcome == "ok":
                outcome = "silent: runs and returns the intended shape"
            print(f"bug {entry['bug']:<26} {entry['path']}: {outcome}")
    print(f"recurrent models run: {results}")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", help="folder to write the corpus into (created)")
    parser.add_argument("--files", type=int, default=DEFAULT_FILES, help="number of .py files (default %(default)s)")
    parser.add_argument("--rnn-share", type=float, default=DEFAULT_RNN_SHARE,
                        help="share of recurrent model files (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same corpus (default %(default)s)")
    parser.add_argument("--check", action="store_true",
                        help="after writing, parse every file and run each recurrent model with torch")
    args = parser.parse_args(argv)
    if not 0.0 <= args.rnn_share <= 1.0:
        parser.error("--rnn-share must be between 0 and 1")
    if args.files < 10:
        parser.error("--files must be at least 10")
    out = Path(args.out_dir)
    if out.exists() and any(out.iterdir()):
        parser.error(f"{out} is not empty")
    manifest = generate(out, args.files, args.rnn_share, args.seed)
    bugs = sum(1 for e in manifest["rnn_files"] if e["bug"])
    print(f"wrote {manifest['python_files']} .py files, {manifest['lines']:,} lines, "
          f"{manifest['bytes'] / 1e6:.1f} MB to {out}: {len(manifest['rnn_files'])} recurrent "
          f"({bugs} with a planted bug), {len(manifest['mention_files'])} that only mention one")
    if args.check:
        return 1 if check(out) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
