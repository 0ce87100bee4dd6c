"""Generated programs: hypothesmith's Python (from the grammar and from libcst's nodes), plain and
spliced into recurrent models, and generated recurrent models with odd syntax.

Properties: no internal error, the same output every time (runs, PYTHONHASHSEED, --jobs), every
finding on a real line, every fix parses. Example counts are bounded to keep the suite short.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from rnnlint._config import Config  # noqa: E402
from rnnlint._engine import check_source  # noqa: E402

SETTINGS = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck), phases=[Phase.generate])

MODEL = '''import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, hidden_size=16, bidirectional=True):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden_size, batch_first=True, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden_size, 2)

    def forward(self, x):
{body}
        out, (h_n, c_n) = self.lstm(x)
        return self.fc(out[:, -1])
{module}
'''


def spliced(code: str, where: str) -> str:
    if where == "module":
        return MODEL.format(body="        pass", module=code)
    return MODEL.format(body=textwrap.indent(code, " " * 8) or "        pass", module="")


def _compiles(source: str) -> bool:
    try:
        compile(source, "generated.py", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def assert_sound(source: str, prefilter: bool = True) -> list:
    """The properties every program must have; returns its findings."""
    result = check_source(source, "generated.py", Config(), prefilter=prefilter)
    assert not result.errors, (result.errors, source)
    again = check_source(source, "generated.py", Config(), prefilter=prefilter)
    assert again.findings == result.findings  # deterministic in one process
    rows = source.splitlines(keepends=True) or [""]
    for finding in result.findings:
        if finding.code == "RNN000":
            continue
        assert 1 <= finding.row <= len(rows), (finding, source)
        assert 0 <= finding.column <= len(rows[finding.row - 1]), (finding, source)
    fixed = check_source(source, "generated.py", Config(), fix=True, unsafe_fixes=True, prefilter=prefilter)
    assert not fixed.errors, (fixed.errors, source)
    if fixed.fixed_source is not None:
        compile(fixed.fixed_source, "fixed.py", "exec")
    return result.findings


def check_generated(code: str) -> None:
    if _compiles(code):
        assert_sound(code, prefilter=False)  # plain: the whole analysis runs even without an RNN
    for where in ("module", "forward"):
        source = spliced(code, where)
        if _compiles(source):
            assert_sound(source)


@pytest.mark.slow
@settings(max_examples=40, **SETTINGS)
@given(hypothesmith.from_grammar())
def test_programs_from_the_grammar(code):
    check_generated(code)


@pytest.mark.slow
@settings(max_examples=10, **SETTINGS)
@given(hypothesmith.from_node())
def test_programs_from_libcst_nodes(code):
    check_generated(code)


# --- generated recurrent models ----------------------------------------------------------------

IMPORTS = {
    "nn": ("import torch\nimport torch.nn as nn\n", "nn.{kind}", "nn.Linear"),
    "from": ("import torch\nfrom torch import nn\n", "nn.{kind}", "nn.Linear"),
    "names": ("import torch\nfrom torch.nn import {kind}, Linear\n", "{kind}", "Linear"),
    "alias": ("import torch\nfrom torch.nn import {kind} as Recurrent, Linear as Head\n", "Recurrent", "Head"),
    "torch": ("import torch\n", "torch.nn.{kind}", "torch.nn.Linear"),
}

small = st.integers(min_value=0, max_value=5)
size = st.one_of(st.integers(min_value=1, max_value=64), st.sampled_from(["hidden_size", "hidden_size * 2", "n"]))
flag = st.one_of(st.booleans(), st.just("bidirectional"))


@st.composite
def recurrent_models(draw) -> str:
    kind = draw(st.sampled_from(["RNN", "LSTM", "GRU"]))
    header, recurrent, linear = IMPORTS[draw(st.sampled_from(sorted(IMPORTS)))]
    header, recurrent = header.format(kind=kind), recurrent.format(kind=kind)
    arguments = [str(draw(size)), "hidden_size"]
    keywords = draw(st.dictionaries(st.sampled_from(["num_layers", "bidirectional", "batch_first", "dropout", "bias",
                                                     "proj_size", "nonlinearity", "bogus"]),
                                    st.one_of(small.map(str), flag.map(str),
                                              st.sampled_from(["0.5", "'tanh'", "1e999"])),
                                    max_size=4))
    if draw(st.booleans()):
        arguments = []
        keywords.update({"input_size": draw(size), "hidden_size": "hidden_size"})
    call = f"{recurrent}({', '.join(arguments + [f'{key}={value}' for key, value in keywords.items()])})"
    head_in = draw(st.sampled_from(["hidden_size", "2 * hidden_size", "hidden_size * (2 if bidirectional else 1)",
                                    "self.rnn.hidden_size", "n", "64"]))
    unpack = draw(st.sampled_from(["out, h = self.rnn(x)", "out, *rest = self.rnn(x)", "(out, h) = self.rnn(x)",
                                   "out = self.rnn(x)[0]", "[out, h] = self.rnn(x)",
                                   "if (result := self.rnn(x)):\n            out = result[0]\n"
                                   "        else:\n            out = x"]))
    use = draw(st.sampled_from(["out[:, -1]", "out[-1]", "out.mean(dim=1)", "out.view(out.size(1), out.size(0), -1)",
                                "out.permute(1, 0, 2)[0]", "torch.cat([out, out], dim=-1)", "out[..., :hidden]",
                                "h[-1]", "h", "h[0][-1]", "out.reshape(-1, 2 * self.hidden_size)"]))
    tail = draw(st.sampled_from([
        "return self.fc({use})",
        "match x.dim():\n            case 3:\n                return self.fc({use})\n"
        "            case _:\n                return None",
        "y = self.fc({use})\n        return y",
        "return [self.fc(item) for item in ({use},)][0]",
    ])).format(use=use)
    decorator = draw(st.sampled_from(["", "@torch.no_grad()\n    ", "@staticmethod\n    ", "@property\n    "]))
    forward = draw(st.sampled_from(["def forward(self, x, hidden=None):", "async def forward(self, x):",
                                    "def forward(self, *inputs):\n        x = inputs[0]"]))
    nested = draw(st.sampled_from(["", "\n    class Config:\n        hidden = 4\n",
                                   "\n    def helper(self, t):\n        return t\n"]))
    outer = draw(st.sampled_from(["", "class Outer:\n"]))
    model = (f"{header}\nn = {draw(st.integers(min_value=1, max_value=64))}\n\n\n"
             f"class Model(torch.nn.Module):\n"
             f"    def __init__(self, hidden_size=16, bidirectional={draw(st.booleans())}):\n"
             f"        super().__init__()\n"
             f"        self.hidden_size = hidden_size\n"
             f"        self.rnn = {call}\n"
             f"        self.fc = {linear}({head_in}, 3)\n{nested}\n"
             f"    {decorator}{forward}\n"
             f"        {unpack}\n"
             f"        hidden = self.hidden_size\n"
             f"        {tail}\n")
    if outer:
        model = model.split("\n\n\nclass Model", 1)
        model = model[0] + "\n\n\n" + outer + textwrap.indent("class Model" + model[1], "    ")
    return model


@pytest.mark.slow
@settings(max_examples=150, **SETTINGS)
@given(recurrent_models())
def test_generated_recurrent_models(source):
    if _compiles(source):
        assert_sound(source)


# --- the same output across runs, hash seeds and --jobs ----------------------------------------

@pytest.mark.slow
@settings(max_examples=2, **SETTINGS)
@given(st.lists(recurrent_models(), min_size=12, max_size=12), st.lists(hypothesmith.from_grammar(), min_size=4,
                                                                         max_size=4))
def test_output_is_byte_identical_across_runs_hash_seeds_and_jobs(tmp_path_factory, models, programs):
    folder = tmp_path_factory.mktemp("generated")
    sources = models + [spliced(code, "module") for code in programs]
    for index, source in enumerate(sources):
        # large enough files that --jobs 2 really starts workers
        (folder / f"m{index:02}.py").write_text(source + "\n" + "# padding\n" * 1500)
    outputs = set()
    for seed, jobs in (("0", "1"), ("1", "2"), ("12345", "2"), ("random", "1")):
        result = subprocess.run([sys.executable, "-m", "rnnlint", "--no-cache", "--jobs", jobs, "--output-format",
                                 "json", str(folder)], capture_output=True, timeout=300,
                                env={**os.environ, "PYTHONHASHSEED": seed})
        assert b"Traceback" not in result.stderr and result.returncode in (0, 1, 2), result.stderr
        assert b"internal error" not in result.stderr, result.stderr
        outputs.add((result.returncode, result.stdout, result.stderr))
    assert len(outputs) == 1
