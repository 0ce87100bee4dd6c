"""Running a corpus file (original or mutant) with real torch, and telling whether a mutant
misbehaves against its original.
"""

from __future__ import annotations

import contextlib
import importlib.util
import random
import signal
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .recorder import Trace, _recorder_class

RUN_TIMEOUT_S = 20
EVAL_SEED, TRAIN_SEED = 1234, 4321


@dataclass
class Run:
    error: str | None = None
    warnings: frozenset = frozenset()
    outputs: list = field(default_factory=list)     # [(mode, leaves)]
    state: dict | None = None
    inputs: list | None = None
    trace: Trace | None = None


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: int):
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum, _frame):
        raise _Timeout(f"ran longer than {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_LOADED = 0


def _load(path: Path):
    global _LOADED
    _LOADED += 1
    name = f"rnnlint_mutation_{_LOADED}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


def _tensor_leaves(value) -> list:
    import torch
    if isinstance(value, torch.Tensor):
        return [value.detach().clone()]
    if isinstance(value, (tuple, list)):
        return [leaf for item in value for leaf in _tensor_leaves(item)]
    if isinstance(value, dict):
        return [leaf for key in sorted(value, key=str) for leaf in _tensor_leaves(value[key])]
    return [value]


def _tensors(value) -> list:
    import torch
    return [leaf for leaf in _tensor_leaves(value) if isinstance(leaf, torch.Tensor)]


def _aligned_inputs(inputs, reference):
    """The mutant's inputs, with every tensor of the original's shape replaced by the original's.

    Inputs made after the model in build() come from a random stream that a changed parameter shape
    shifts; the data must be the same for both runs. Inputs whose shape the mutation changed stay.
    """
    import torch
    if reference is None:
        return inputs
    flat = iter(reference)

    def swap(value):
        if isinstance(value, torch.Tensor):
            original = next(flat, None)
            if isinstance(original, torch.Tensor) and original.shape == value.shape and original.dtype == value.dtype:
                return original.clone()
            return value
        if isinstance(value, tuple) and hasattr(value, "_fields"):
            return type(value)(*[swap(item) for item in value])
        if isinstance(value, (tuple, list)):
            return type(value)(swap(item) for item in value)
        if isinstance(value, dict):
            swapped = {key: swap(value[key]) for key in sorted(value, key=str)}
            return {key: swapped[key] for key in value}
        return value

    return swap(inputs)


def execute(path: Path, reference: Run | None = None, trace: bool = False) -> Run:
    """Import the file, build(), run forward in eval then train mode; never raises."""
    import torch
    run = Run()
    recorder = _recorder_class()(str(path)) if trace else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with _time_limit(RUN_TIMEOUT_S), (recorder.construction() if recorder else contextlib.nullcontext()), \
                    (recorder if recorder else contextlib.nullcontext()):
                module = _load(path)
                model, inputs, _ = module.build()
                if reference is not None and reference.state is not None:
                    own = model.state_dict()
                    compatible = {key: value for key, value in reference.state.items()
                                  if key in own and own[key].shape == value.shape}
                    model.load_state_dict(compatible, strict=False)
                inputs = _aligned_inputs(inputs, reference.inputs if reference else None)
                run.state = {key: value.detach().clone() for key, value in model.state_dict().items()}
                run.inputs = _tensors(inputs)
                if recorder:
                    recorder.attach(model)
                for mode, seed in (("eval", EVAL_SEED), ("train", TRAIN_SEED)):
                    model.train(mode == "train")
                    torch.manual_seed(seed)
                    random.seed(seed)
                    with torch.no_grad():
                        run.outputs.append((mode, _tensor_leaves(model(*inputs))))
        except (Exception, _Timeout) as error:  # noqa: BLE001 - a mutant may fail in any way
            run.error = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
    run.warnings = frozenset(f"{w.category.__name__}: {w.message}" for w in caught)
    if recorder:
        run.trace = recorder.trace
    return run


def misbehaviour(original: Run, mutant: Run) -> str | None:
    """How the mutant differs from the original on the same input and weights, else None."""
    import torch
    if mutant.error:
        return f"raises {mutant.error}"[:200]
    new_warnings = sorted(mutant.warnings - original.warnings)
    if new_warnings:
        return f"warns {new_warnings[0]}"[:200]
    for (mode, expected), (_, got) in zip(original.outputs, mutant.outputs, strict=False):
        if len(expected) != len(got):
            return f"returns {len(got)} values instead of {len(expected)} ({mode})"
        for want, have in zip(expected, got, strict=True):
            if isinstance(want, torch.Tensor) != isinstance(have, torch.Tensor):
                return f"returns a different kind of value ({mode})"
            if not isinstance(want, torch.Tensor):
                if want != have:
                    return f"returns different values ({mode})"
                continue
            if want.shape != have.shape:
                return f"returns shape {tuple(have.shape)} instead of {tuple(want.shape)} ({mode})"
            if want.dtype != have.dtype or not torch.equal(want, have):
                return f"returns different values ({mode})"
    return None
