"""Ordinary code, data: datasets, collate functions, samplers, transforms, data loaders."""

from __future__ import annotations

import random
import textwrap

from ..pieces import Namer, Piece, fill


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
