"""Layout evidence from a data loader: `DataLoader(..., collate_fn=f)` with `f` a function of the
project yields what `f` returns, so a `pad_sequence` in it states the layout of the batches a loop
over the loader hands the model (RNN010 for a pack, RNN004 for an RNN fed them unpacked). Correct
look-alikes first: the layouts agree, the loop transposes, or nothing states the layout."""

from __future__ import annotations

import pytest

from rnnlint import lint_paths, lint_source

from conftest import found_by_file, write_project

TEMPLATE = """
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence
from torch.utils.data import DataLoader


def collate(batch):
    tokens = [torch.tensor(sample) for sample in batch]
    return pad_sequence(tokens{pad}), torch.tensor([len(sample) for sample in batch])


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 4)
        self.gru = nn.GRU(4, 5{rnn})

    def forward(self, tokens, lengths):
        {forward}
        return h_n[-1]


def encode(samples, device):
    model = Encoder()
    codes = []
    loader = {loader}
    for {loop}:
        {body}
        codes.append(model(tokens, lengths))
    return codes
"""

BATCH_FIRST = ", batch_first=True"
PACK = "_, h_n = self.gru(pack_padded_sequence(self.embedding(tokens), lengths, enforce_sorted=False))"
PACK_BATCH_FIRST = ("_, h_n = self.gru(pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, "
                    "enforce_sorted=False))")
UNPACKED = "_, h_n = self.gru(self.embedding(tokens))"
LOADER = "DataLoader(samples, batch_size=3, collate_fn=collate)"
LOOP = "tokens, lengths in loader"


def source(pad="", rnn="", forward=PACK, loader=LOADER, loop=LOOP, body="pass") -> str:
    return TEMPLATE.format(pad=pad, rnn=rnn, forward=forward, loader=loader, loop=loop, body=body)


CLEAN = {
    "batch_first_padding_packed_batch_first": source(pad=BATCH_FIRST, forward=PACK_BATCH_FIRST),
    "time_major_padding_packed_time_major": source(),
    "loop_transposes_the_batch": source(pad=BATCH_FIRST, body="tokens = tokens.t()"),
    "loop_transposes_and_moves_the_batch": source(pad=BATCH_FIRST, body="tokens = tokens.transpose(0, 1).to(device)"),
    "default_collation_states_nothing": source(loader="DataLoader(samples, batch_size=3)"),
    "collate_of_unknown_origin": source(pad=BATCH_FIRST, loader="DataLoader(samples, collate_fn=samples.collate)"),
    "batch_first_padding_batch_first_rnn": source(pad=BATCH_FIRST, rnn=BATCH_FIRST, forward=UNPACKED),
    "time_major_padding_time_major_rnn": source(forward=UNPACKED),
    "time_major_padding_permuted_for_a_batch_first_rnn": source(rnn=BATCH_FIRST, forward=UNPACKED,
                                                                body="tokens = tokens.permute(1, 0)"),
    "one_batch_by_next_transposed": source(pad=BATCH_FIRST, loop="_ in range(1)",
                                           body="tokens, lengths = next(iter(loader))\n        tokens = tokens.t()"),
    "loader_never_reaches_the_model": source(pad=BATCH_FIRST, loop="tokens, lengths in [(None, None)]"),
}

FLAGGED = {
    "batch_first_padding_packed_time_major": (source(pad=BATCH_FIRST), "RNN010"),
    "batch_first_padding_moved_to_a_device": (source(pad=BATCH_FIRST, body="tokens = tokens.to(device)"), "RNN010"),
    "time_major_padding_packed_batch_first": (source(forward=PACK_BATCH_FIRST), "RNN010"),
    "loop_over_enumerate": (source(pad=BATCH_FIRST, loop="step, (tokens, lengths) in enumerate(loader)"), "RNN010"),
    "collate_passed_by_position": (
        source(pad=BATCH_FIRST, loader="DataLoader(samples, 3, True, None, None, 0, collate)"), "RNN010"),
    "one_batch_by_next": (source(pad=BATCH_FIRST, loop="_ in range(1)", body="tokens, lengths = next(iter(loader))"),
                          "RNN010"),
    "batch_first_padding_time_major_rnn": (source(pad=BATCH_FIRST, forward=UNPACKED), "RNN004"),
    "time_major_padding_batch_first_rnn": (source(rnn=BATCH_FIRST, forward=UNPACKED), "RNN004"),
}


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_case_yields_nothing(name):
    assert [(finding.row, finding.code, finding.message) for finding in lint_source(CLEAN[name])] == []


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_once_in_forward(name):
    text, code = FLAGGED[name]
    forward_row = text.splitlines().index("    def forward(self, tokens, lengths):") + 2
    assert [(finding.row, finding.code) for finding in lint_source(text)] == [(forward_row, code)]


def test_the_message_names_the_padding_of_the_collate_function():
    finding, = lint_source(FLAGGED["batch_first_padding_packed_time_major"][0])
    assert "comes batch first from `pad_sequence` (`batch_first=True`)" in finding.message


COLLATE_FILE = """
import torch
from torch.nn.utils.rnn import pad_sequence


def collate(batch, batch_first=True):
    tokens = [torch.tensor(sample) for sample in batch]
    return pad_sequence(tokens, batch_first=batch_first), torch.tensor([len(sample) for sample in batch])
"""


def test_a_collate_function_of_another_project_file_states_the_layout(tmp_path, fresh_projects):  # noqa: ARG001
    train = source(pad=BATCH_FIRST).replace("from torch.utils.data import DataLoader\n",
                                           "from torch.utils.data import DataLoader\nfrom data import collate\n")
    train = train[:train.index("def collate")] + train[train.index("class Encoder"):]
    write_project(tmp_path, {"pyproject.toml": "", "data.py": COLLATE_FILE, "train.py": train})
    finding, = lint_paths([str(tmp_path)])
    assert found_by_file([finding]) == [("train.py", train.splitlines().index(
        "    def forward(self, tokens, lengths):") + 2, "RNN010")]
    assert "from `pad_sequence` (`batch_first=True`, its default)" not in finding.message
    assert "from `pad_sequence` (`batch_first=True`)" in finding.message
