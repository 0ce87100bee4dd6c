"""Runs the watcher on CUDA tensors, unchanged, and prints what it checked.

Every watched call runs under torch.cuda.set_sync_debug_mode("error"), so a check that
synchronised with the device would fail here. Usage: python bench/cuda_check.py [--device cpu]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
import warnings

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from rnnlint.runtime import RNNShapeError, watch

BATCH, SEQ = 4, 7


class Tagger(nn.Module):
    def __init__(self, head_features=32, state_layers=2):
        super().__init__()
        self.lstm = nn.LSTM(10, 16, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(head_features, 3)
        self.state_layers = state_layers

    def forward(self, x):
        zeros = x.new_zeros(self.state_layers, x.shape[0], 16)
        out, _ = self.lstm(x, (zeros, zeros))
        return self.fc(out[:, -1])


@contextlib.contextmanager
def no_sync(device):
    """Make any device synchronisation an error, where torch itself does not synchronise."""
    if device.type != "cuda" or not SYNC_CHECK[0]:
        yield
        return
    torch.cuda.set_sync_debug_mode("error")
    try:
        yield
    finally:
        torch.cuda.set_sync_debug_mode("default")


SYNC_CHECK = [True]


def expect_rule(rule, model, *inputs, device):
    try:
        with watch(model, batch=BATCH, seq=SEQ), no_sync(device):
            model(*inputs)
    except RNNShapeError as error:
        assert error.rule == rule, error
        return str(error).splitlines()[1].strip()
    raise AssertionError(f"{rule} was not raised")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    device = torch.device(parser.parse_args().device)
    if device.type == "cuda" and not torch.cuda.is_available():
        print("CUDA is not available: nothing checked")
        return 1
    warnings.filterwarnings("ignore")
    torch.set_num_threads(1)
    torch.manual_seed(0)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(f"torch {torch.__version__} on {name}")
    x = torch.randn(BATCH, SEQ, 10, device=device)

    model = Tagger().to(device)
    try:
        with no_sync(device):
            plain = model(x)
    except RuntimeError as error:
        SYNC_CHECK[0] = False
        print(f"note  torch itself synchronises in this forward ({error}); sync check off")
        plain = model(x)
    with watch(model, batch=BATCH, seq=SEQ), no_sync(device):
        watched = model(x)
    assert torch.equal(plain, watched)
    print("ok    correct model: no error, output bit-identical, no device synchronisation")

    checks = [
        ("RNN006", Tagger(state_layers=1), (x,)),
        ("RNN001", Tagger(head_features=16), (x,)),
        ("RNN008", Tagger(), (x[..., :8],)),
        ("RNN004", Tagger(), (x.transpose(0, 1).contiguous(),)),
    ]
    for rule, bad_model, inputs in checks:
        line = expect_rule(rule, bad_model.to(device), *inputs, device=device)
        print(f"ok    {rule} caught: {line}")

    lengths = torch.tensor([7, 6, 4, 2])  # lengths stay on the CPU, as packing requires
    packed = pack_padded_sequence(x, lengths, batch_first=True)
    lstm = nn.LSTM(10, 16, batch_first=True).to(device)
    with watch(lstm, batch=BATCH, seq=SEQ), no_sync(device):
        lstm(packed)
    print("ok    packed sequence on the device: checked without synchronisation")

    compiled = torch.compile(model, backend="eager")
    with watch(model, batch=BATCH, seq=SEQ):
        assert torch.allclose(compiled(x), plain)
    print("ok    torch.compile(backend='eager'): runs clean under the watcher")

    timings = {"plain": [], "watched": []}
    for _ in range(7):
        for label, values in timings.items():
            with watch(model) if label == "watched" else contextlib.nullcontext():
                model(x)
                if device.type == "cuda":
                    torch.cuda.synchronize(device)
                start = time.perf_counter()
                for _ in range(100):
                    model(x)
                if device.type == "cuda":
                    torch.cuda.synchronize(device)
                values.append(1e6 * (time.perf_counter() - start) / 100)
    for label, values in timings.items():
        print(f"time  {label:8} {statistics.median(values):8.1f} us per call (median of 7)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
