"""Ordinary code, utilities: meters, timers, seeding, records, retries, distributed helpers, paths."""

from __future__ import annotations

import random
import textwrap

from ..pieces import Namer, Piece, fill


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


def block_distributed(rng: random.Random, nm: Namer) -> Piece:  # noqa: ARG001 - every block takes (rng, nm)
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
