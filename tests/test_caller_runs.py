"""A caller's run: another project file that builds a class of the checked file and calls it
(a training loop over a loader whose layout its collate or its torchtext field states) runs the
class's forward on the values it passes; what that run records at the checked file's code is a
run of the class of its own, judged apart from the symbolic run ("as called at train.py:N").
Correct look-alikes first: the layouts agree, the caller transposes, or nothing states the
layout."""

from __future__ import annotations

import json

import pytest

from rnnlint import lint_paths

from conftest import found_by_file, run_rnnlint, write_project

pytestmark = pytest.mark.usefixtures("fresh_projects")

MODEL = """\
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 8)
        self.gru = nn.GRU(8, 16{rnn})

    def forward(self, tokens):
        out, h_n = self.gru(self.embedding(tokens))
        return h_n[-1]
"""

LOADER = """\
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

from model import Encoder


def collate(batch):
    return pad_sequence([torch.tensor(sample) for sample in batch]{layout})


def train(samples):
    model = Encoder()
    loader = DataLoader(samples, batch_size=4, collate_fn=collate)
    for tokens in loader:
        {body}
        model(tokens).sum().backward()
"""

FIELD = """\
import torch
from torchtext.legacy import data

from model import Encoder


def train(path, device):
    TEXT = data.Field({layout})
    LABEL = data.LabelField(dtype=torch.float)
    train_data = data.TabularDataset(path=path, format="csv", fields=[("text", TEXT), ("label", LABEL)])
    iterator = data.BucketIterator(train_data, batch_size=32, device=device)
    model = Encoder()
    for batch in iterator:
        {body}
        model(tokens).sum().backward()
"""


def project(tmp_path, caller: str, layout: str, body: str = "pass", rnn: str = "") -> list:
    if caller is FIELD and body == "pass":
        body = "tokens = batch.text"
    files = {"pyproject.toml": "", "model.py": MODEL.replace("{rnn}", rnn),
             "train.py": caller.replace("{layout}", layout).replace("{body}", body)}
    write_project(tmp_path, files)
    return lint_paths([str(tmp_path / "model.py")])


CLEAN = {
    "loader_time_major": (LOADER, "", "pass", ""),
    "loader_batch_first_into_a_batch_first_gru": (LOADER, ", batch_first=True", "pass", ", batch_first=True"),
    "loader_batch_first_transposed": (LOADER, ", batch_first=True", "tokens = tokens.t()", ""),
    "loader_unknown_layout": (LOADER, ", batch_first=samples.flag", "pass", ""),
    "field_time_major": (FIELD, "", "pass", ""),
    "field_batch_first_into_a_batch_first_gru": (FIELD, "batch_first=True", "pass", ", batch_first=True"),
    "field_batch_first_transposed": (FIELD, "batch_first=True", "tokens = batch.text.permute(1, 0)", ""),
    "field_unknown_layout": (FIELD, "batch_first=path.flag", "pass", ""),
}

FLAGGED = {
    "loader_batch_first_into_a_time_major_gru": (LOADER, ", batch_first=True", "pass", ""),
    "field_batch_first_into_a_time_major_gru": (FIELD, "batch_first=True", "pass", ""),
    "loader_time_major_into_a_batch_first_gru": (LOADER, "", "pass", ", batch_first=True"),
}


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_a_caller_whose_batches_fit_is_silent(tmp_path, name):
    caller, layout, body, rnn = CLEAN[name]
    assert found_by_file(project(tmp_path, caller, layout, body, rnn)) == []


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_a_caller_whose_batches_are_in_the_other_layout_is_reported_at_the_rnn(tmp_path, name):
    caller, layout, body, rnn = FLAGGED[name]
    findings = project(tmp_path, caller, layout, body, rnn)
    assert found_by_file(findings) == [("model.py", 11, "RNN004")]
    assert "(as called at train.py:" in findings[0].message


@pytest.mark.parametrize(("prefix", "codes"), [("", ["RNN004"]), ("# unsaved\n", [])])
def test_a_caller_run_is_kept_only_when_the_checked_text_is_the_files(tmp_path, prefix, codes):
    # an editor's unsaved buffer differs from the file the project read: no node of the
    # project's parse is surely one of the checked tree's, so nothing of the caller's run is kept
    project(tmp_path, LOADER, ", batch_first=True", "pass", "")
    text = prefix + MODEL.replace("{rnn}", "")
    result = run_rnnlint("--no-cache", "--output-format", "json", "--stdin-filename", "model.py", "-",
                         cwd=tmp_path, stdin=text)
    assert [finding["code"] for finding in json.loads(result.stdout)] == codes


HOLDER = """\
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden, batch_first=True, bidirectional={bidirectional})

    def forward(self, x):
        out, hidden = self.lstm(x)
        return out, hidden


class ReduceState(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.reduce_h = nn.Linear(hidden * {directions}, hidden)

    def forward(self, hidden):
        h, c = hidden
        return self.reduce_h({reshape})


class Model(object):
    def __init__(self, model_file_path=None):
        encoder = Encoder()
        reduce_state = ReduceState()
        if model_file_path is not None:
            encoder = encoder.cuda()
        self.encoder = encoder
        self.reduce_state = reduce_state
"""

TRAINER = """\
from model import Model


class Train(object):
    def __init__(self, batcher):
        self.batcher = batcher

    def setup_train(self, model_file_path=None):
        self.model = Model(model_file_path)
{again}
    def {method}(self, {parameter}):
        out, hidden = self.model.encoder({parameter})
        return self.model.reduce_state(hidden)
"""

VIEW = "h.view(-1, 16 * {directions})"
FIXED = "h.transpose(0, 1).contiguous().view(-1, 16 * {directions})"
AGAIN = """
    def reload(self):
        self.model = self.batcher.model()
"""


def holder_project(tmp_path, reshape=VIEW, bidirectional=True, again="", method="train_one_batch",
                   parameter="batch") -> list:
    directions = 2 if bidirectional else 1
    model = HOLDER.replace("{reshape}", reshape).replace("{directions}", str(directions)) \
        .replace("{bidirectional}", str(bidirectional))
    train = TRAINER.replace("{again}", again).replace("{method}", method).replace("{parameter}", parameter)
    write_project(tmp_path, {"pyproject.toml": "", "model.py": model, "train.py": train})
    return lint_paths([str(tmp_path / "model.py")])


HOLDER_CLEAN = {
    "transposed_before_the_view": {"reshape": FIXED},
    "one_direction": {"bidirectional": False},
    "model_attribute_set_in_two_places": {"again": AGAIN},
    "a_method_given_one_sample": {"method": "greedy_decode", "parameter": "sentence"},
}


@pytest.mark.parametrize("name", sorted(HOLDER_CLEAN))
def test_a_trainer_calling_the_modules_through_a_plain_class_is_silent_when_right(tmp_path, name):
    assert found_by_file(holder_project(tmp_path, **HOLDER_CLEAN[name])) == []


def test_a_trainer_calling_the_modules_through_a_plain_class_reports_the_view_of_the_state(tmp_path):
    # the symbolic run of ReduceState knows nothing of `hidden`; the trainer hands it the
    # bidirectional encoder's (2, batch, 16) h_n, whose view mixes samples
    assert found_by_file(holder_project(tmp_path)) == [("model.py", 21, "RNN005")]


def test_without_the_trainer_the_view_is_unknown(tmp_path):
    holder_project(tmp_path)
    (tmp_path / "train.py").unlink()
    from rnnlint._project import forget_projects

    forget_projects()
    assert found_by_file(lint_paths([str(tmp_path / "model.py")])) == []


TWO_MODELS = """\
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

from model import Encoder


def collate(batch):
    return pad_sequence([torch.tensor(sample) for sample in batch], batch_first=True)


def train(samples):
    model = Encoder(batch_first=True)
    loader = DataLoader(samples, batch_size=4, collate_fn=collate)
    for tokens in loader:
        model(tokens).sum().backward()
    other = Encoder(batch_first={other})
    for tokens in loader:
        other(tokens).sum().backward()
"""

CONFIGURABLE = MODEL.replace("def __init__(self):", "def __init__(self, batch_first=False):") \
    .replace("{rnn}", ", batch_first=batch_first")


@pytest.mark.parametrize(("other", "found"), [("samples.flag", []), ("True", []),
                                               ("False", [("model.py", 11, "RNN004")])])
def test_each_call_of_a_caller_is_a_run_of_its_own_named_by_its_line(tmp_path, other, found):
    write_project(tmp_path, {"pyproject.toml": "", "model.py": CONFIGURABLE,
                             "train.py": TWO_MODELS.replace("{other}", other)})
    findings = lint_paths([str(tmp_path / "model.py")])
    assert found_by_file(findings) == found
    assert all("(as called at train.py:19)" in finding.message for finding in findings)


SYNTHESIZER = """\
import torch
import torch.nn as nn


class Synthesizer(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(10, 8)
        self.conv = nn.Conv1d(8, 8, 3, padding=1)
        self.rnn = nn.GRU(8, 8, batch_first=True)

    def forward(self, tokens):
        return self.rnn(self.embedding(tokens))[0]

    def generate(self, tokens):
        x = torch.as_tensor(tokens).unsqueeze(0)
        x = self.conv(self.embedding(x).transpose(1, 2)).transpose(1, 2)
        out, _ = self.rnn(x)
        return out.transpose(1, 2)[0]
"""

SCRIPT = """\
import torch

from model import Synthesizer

model = Synthesizer()
frames = model.generate({tokens})
"""


@pytest.mark.parametrize("tokens", ["[1, 2, 3]", "torch.tensor([1, 2, 3])"])
def test_a_caller_of_an_entry_method_with_one_sample_is_silent(tmp_path, tokens):
    # WaveRNN's `gen_tacotron.py` calls `Tacotron.generate(x)`: one utterance, its row 0 the sample
    write_project(tmp_path, {"pyproject.toml": "", "model.py": SYNTHESIZER, "gen.py": SCRIPT.format(tokens=tokens)})
    assert found_by_file(lint_paths([str(tmp_path)])) == []
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    exec(compile(SYNTHESIZER, "model.py", "exec"), namespace)
    assert namespace["Synthesizer"]().generate(torch.tensor([1, 2, 3])).shape == (8, 3)
