"""Ordinary code, configuration: dataclasses, argparse, merged config files, registries."""

from __future__ import annotations

import random

from ..pieces import Namer, Piece, fill


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


def block_merge_config(rng: random.Random, nm: Namer) -> Piece:  # noqa: ARG001 - every block takes (rng, nm)
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
