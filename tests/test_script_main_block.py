"""A script's `if __name__ == "__main__":` block is the program: it runs when the file is run,
so what it builds and feeds the model (a loader's layout, a construction's arguments) is
evidence as a function's body is. `!=` is the other way round, and its body is what does not
run; a file that binds `__name__` itself is not so read.
"""

from __future__ import annotations

import runpy

import pytest

from rnnlint import lint_source

MODEL = """
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader


def collate(batch):
    return pad_sequence(batch, batch_first=True)


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(8, 16{batch_first})
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out)

"""

MAIN = """
if __name__ {op} "__main__":
    data = [torch.randn(5, 8), torch.randn(3, 8)]
    model = Tagger()
    loader = DataLoader(data, batch_size=2, collate_fn=collate)
    for x in loader:
        RESULT = model(x)
"""

RNN_ROW = next(row for row, line in enumerate(MODEL.splitlines(), 1) if "self.rnn(x)" in line)


def script(batch_first: bool = False, op: str = "==") -> str:
    return MODEL.format(batch_first=", batch_first=True" if batch_first else "") + MAIN.format(op=op)


def test_the_main_block_states_the_loader_layout():
    (finding,) = lint_source(script())
    assert (finding.code, finding.row) == ("RNN004", RNN_ROW)
    assert "`pad_sequence` lays it out batch first" in finding.message


def test_the_reversed_test_is_read_too():
    source = script().replace('__name__ == "__main__"', '"__main__" == __name__')
    assert [(f.code, f.row) for f in lint_source(source)] == [("RNN004", RNN_ROW)]


@pytest.mark.parametrize("source", [
    script(batch_first=True),  # the RNN reads the loader's layout
    script(op="!="),  # the block runs only where the file is imported: not the program's run
    # a file that binds `__name__` itself: what it compares is not known
    script().replace("if __name__", '__name__ = input()\nif __name__'),
], ids=["matching_layout", "not_main", "name_rebound"])
def test_look_alikes_are_silent(source):
    assert lint_source(source) == []


def test_the_script_mixes_samples_when_run():
    torch = pytest.importorskip("torch")
    source = script().replace("[torch.randn(5, 8), torch.randn(3, 8)]", "[FIRST, SECOND]")
    outputs = []
    # only sample 0 differs between the two runs; sample 1 is the same
    for first in (torch.zeros(5, 8), torch.full((5, 8), 5.0)):
        scope = {"__name__": "__main__", "FIRST": first, "SECOND": torch.ones(3, 8)}
        torch.manual_seed(0)
        exec(compile(source, "<script>", "exec"), scope)
        outputs.append(scope["RESULT"])
    # the GRU reads axis 0 (the two samples) as time: sample 1's result depends on sample 0
    assert outputs[0].shape == (2, 5, 3)
    assert not torch.allclose(outputs[0][1], outputs[1][1])


def test_run_as_a_module_the_block_does_not_run(tmp_path):
    path = tmp_path / "tagger.py"
    path.write_text(script())
    pytest.importorskip("torch")
    namespace = runpy.run_path(str(path), run_name="tagger")
    assert "RESULT" not in namespace
    assert "RESULT" in runpy.run_path(str(path), run_name="__main__")


MAIN_FUNCTION = """
import sys

import torch
import torch.nn as nn


def main():
    rnn = nn.LSTM(8, 16, bidirectional=True)
    head = nn.Linear(16, 3)
    out, _ = rnn(torch.randn(5, 2, 8))
    return head(out)


{call}
"""
HEAD_ROW = next(row for row, line in enumerate(MAIN_FUNCTION.splitlines(), 1) if "nn.Linear" in line)


@pytest.mark.parametrize("call", [
    'if __name__ == "__main__":\n    main()',  # run by the top level: not run a second time
    'if __name__ == "__main__":\n    if len(sys.argv) > 1:\n        main()',  # under a condition: run alone too
    "",  # never called here: run alone
    'if __name__ == "__main__":\n    for _ in range(3):\n        main()',
])
def test_a_function_the_top_level_calls_is_judged_once_however_it_is_called(call, tmp_path):
    source = MAIN_FUNCTION.format(call=call)
    findings = lint_source(source)
    assert [(finding.code, finding.row) for finding in findings] == [("RNN001", HEAD_ROW)]
    # the same message each way: no condition of the call's, no run named
    assert findings[0].message == ("this `Linear` takes `16` input features, but receives `32` from this "
                                   "bidirectional `LSTM`")
    path = tmp_path / "script.py"
    path.write_text(source)
    namespace = runpy.run_path(str(path), run_name="script")  # not the main module: nothing runs yet
    with pytest.raises(RuntimeError, match="32"):
        namespace["main"]()
