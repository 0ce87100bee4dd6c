"""What the runtime checks cost per forward call, next to jaxtyping + beartype in the same run.

CPU, one thread, autograd on as in training. Variants run interleaved in shuffled order,
block by block; each figure is a median over rounds of paired (variant - plain) differences.
Usage: python bench/runtime_overhead.py [--rounds N] [--clock thread|wall]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import warnings

import torch
from beartype import beartype
from jaxtyping import Float, jaxtyped
from torch import Tensor, nn

from rnnlint.runtime import shapecheck, watch

LSTM_TARGET_PERCENT = 2.0
RNN_TARGET_MICROSECONDS = 10.0


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(32, 64, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])


def annotated(checker):
    """The classifier's forward with jaxtyping annotations, checked by ``checker``."""

    def forward(self, x: Float[Tensor, "batch seq feature"]) -> Float[Tensor, "batch classes"]:
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])

    return checker(forward)


class JaxtypingClassifier(Classifier):
    forward = annotated(jaxtyped(typechecker=beartype))


class ShapecheckClassifier(Classifier):
    forward = annotated(shapecheck)


def annotated_rnn_call(checker, rnn):
    def run(x: Float[Tensor, "seq batch feature"]) -> tuple[
            Float[Tensor, "seq batch hidden"], Float[Tensor, "layers batch hidden"]]:
        return rnn(x)

    return checker(run)


class Watched:
    """A callable that runs ``call`` with ``watch(model, **sizes)`` active around its block."""

    def __init__(self, call, model, **sizes):
        self.call, self.model, self.sizes = call, model, sizes

    def block(self, calls):
        with watch(self.model, **self.sizes):
            self.call()  # steady state: the first call fills the watch's cache of shapes
            return time_block(self.call, calls)


# CPU time of this thread: with torch on one thread it is all the work of a call, and it
# does not count the time other processes hold the CPU (the wall clock is --clock wall)
CLOCK = [time.thread_time_ns]


def time_block(call, calls):
    clock = CLOCK[0]
    start = clock()
    for _ in range(calls):
        call()
    return (clock() - start) / calls / 1000.0


class Hooked:
    """Runs ``call`` with a no-op hook that ``register`` installs, for scale."""

    def __init__(self, call, register):
        self.call, self.register = call, register

    def block(self, calls):
        handle = self.register(lambda *_: None)
        try:
            self.call()
            return time_block(self.call, calls)
        finally:
            handle.remove()


def run_block(variant, calls):
    if isinstance(variant, (Watched, Hooked)):
        return variant.block(calls)
    return time_block(variant, calls)


def measure(variants, calls, rounds):
    """Median per-call time of the plain variant, and median paired overhead of the others."""
    names = list(variants)
    for name in names:  # warm up every path once
        run_block(variants[name], calls)
    samples = {name: [] for name in names}
    for _ in range(rounds):
        order = names[:]
        random.shuffle(order)
        for name in order:
            samples[name].append(run_block(variants[name], calls))
    plain = samples["plain"]
    results = {"plain": (statistics.median(plain), 0.0, 0.0, 0.0)}
    for name in names[1:]:
        differences = [variant - base for variant, base in zip(samples[name], plain, strict=True)]
        ratios = [variant / base - 1.0 for variant, base in zip(samples[name], plain, strict=True)]
        quartiles = statistics.quantiles(differences, n=4)
        results[name] = (statistics.median(samples[name]), statistics.median(differences),
                         100.0 * statistics.median(ratios), (quartiles[2] - quartiles[0]) / 2)
    return results


def report(title, results):
    print(f"\n{title}")
    print(f"  {'variant':<38}{'per call':>11}{'overhead':>11}{'+-IQR/2':>10}{'ratio':>10}")
    for name, (median, overhead, percent, spread) in results.items():
        if name == "plain":
            print(f"  {name:<38}{median:>8.1f} us")
        else:
            print(f"  {name:<38}{median:>8.1f} us{overhead:>+8.1f} us{spread:>7.1f} us"
                  f"{percent:>+8.2f} %")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--clock", choices=("thread", "wall"), default="thread")
    options = parser.parse_args()
    rounds = options.rounds
    if options.clock == "wall":
        CLOCK[0] = time.perf_counter_ns
    warnings.filterwarnings("ignore")
    torch.set_num_threads(1)
    torch.manual_seed(0)
    random.seed(0)
    print(f"torch {torch.__version__}, CPU, 1 thread, autograd on, {options.clock} clock; "
          f"{rounds} interleaved rounds, medians of paired differences")

    model = Classifier()
    checked = JaxtypingClassifier()
    ours = ShapecheckClassifier()
    for other in (checked, ours):
        other.load_state_dict(model.state_dict())
    x = torch.randn(8, 20, 32)
    lstm = measure({
        "plain": lambda: model(x),
        "watch(model)": Watched(lambda: model(x), model),
        "watch(model, batch=8, seq=20)": Watched(lambda: model(x), model, batch=8, seq=20),
        "jaxtyping + beartype": lambda: checked(x),
        "shapecheck (same annotations)": lambda: ours(x),
        "no-op pre-hook on the LSTM, for scale": Hooked(
            lambda: model(x), model.lstm.register_forward_pre_hook),
    }, calls=20, rounds=rounds)
    report("LSTM(32, 64, num_layers=2, bidirectional=True, batch_first=True) + Linear, "
           "input (8, 20, 32)", lstm)

    rnn = nn.RNN(2, 4)
    small = torch.randn(2, 3, 2)
    checked_rnn = annotated_rnn_call(jaxtyped(typechecker=beartype), rnn)
    tiny = measure({
        "plain": lambda: rnn(small),
        "watch(rnn)": Watched(lambda: rnn(small), rnn),
        "watch(rnn, batch=3, seq=2)": Watched(lambda: rnn(small), rnn, batch=3, seq=2),
        "jaxtyping + beartype": lambda: checked_rnn(small),
    }, calls=200, rounds=rounds)
    report("RNN(2, 4), input (2, 3, 2)", tiny)

    mlp = nn.Sequential(nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 32))
    owner = nn.ModuleDict({"mlp": mlp, "gru": nn.GRU(32, 32)})
    features = torch.randn(8, 32)

    plain_mlp = measure({
        "plain": lambda: mlp(features),
        "watch(owner): GRU beside the MLP": Watched(lambda: mlp(features), owner),
        "no-op global forward hook, for scale": Hooked(
            lambda: mlp(features), nn.modules.module.register_module_forward_hook),
    }, calls=200, rounds=rounds)
    report("Non-recurrent: Linear-ReLU-Linear (8, 32) inside a watched model", plain_mlp)

    lstm_percent = lstm["watch(model)"][2]
    lstm_sized = lstm["watch(model, batch=8, seq=20)"][2]
    rnn_overhead = tiny["watch(rnn)"][1]
    rnn_sized = tiny["watch(rnn, batch=3, seq=2)"][1]
    print("\ntargets")
    print(f"  watch on LSTM + Linear <= {LSTM_TARGET_PERCENT} %: {lstm_percent:+.2f} %: "
          f"{_verdict(lstm_percent <= LSTM_TARGET_PERCENT)} "
          f"(with sizes, which also hooks the head: {lstm_sized:+.2f} %)")
    print(f"  watch on RNN(2, 4) <= {RNN_TARGET_MICROSECONDS} us: {rnn_overhead:+.1f} us: "
          f"{_verdict(rnn_overhead <= RNN_TARGET_MICROSECONDS)} "
          f"(with sizes: {rnn_sized:+.1f} us)")
    print(f"  non-recurrent modules: {plain_mlp['watch(owner): GRU beside the MLP'][1]:+.2f} us "
          "(no hooks on them)")
    print(f"  jaxtyping + beartype on the LSTM: {lstm['jaxtyping + beartype'][1]:+.1f} us "
          f"({lstm['jaxtyping + beartype'][2]:+.1f} %); on RNN(2, 4): "
          f"{tiny['jaxtyping + beartype'][1]:+.1f} us ({tiny['jaxtyping + beartype'][2]:+.1f} %)")


def _verdict(passed):
    return "met" if passed else "MISSED"


if __name__ == "__main__":
    main()
