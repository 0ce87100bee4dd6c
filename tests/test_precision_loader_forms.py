"""Layout evidence from a data loader, whatever form its ``collate_fn`` takes: a lambda, a
``functools.partial`` of a collate function, what a factory returns, a method of an instance
(``batcher.collate``, ``self.collate``) or a callable object; and a loader kept on ``self`` and
iterated in another method. The collate's ``pad_sequence`` states the layout of the batches the
loop yields. Correct look-alikes first: the layouts agree, the code transposes, or nothing can be
traced."""

from __future__ import annotations

import pytest

from rnnlint import lint_source

HEAD = """
import functools

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence
from torch.utils.data import DataLoader


def collate(batch, batch_first=False):
    tokens = [torch.tensor(sample) for sample in batch]
    return pad_sequence(tokens, batch_first=batch_first), torch.tensor([len(sample) for sample in batch])


def make_collate(batch_first):
    def pad(batch):
        tokens = [torch.tensor(sample) for sample in batch]
        return pad_sequence(tokens, batch_first=batch_first), torch.tensor([len(sample) for sample in batch])
    return pad


def stacked(batch):
    tokens = torch.stack([torch.tensor(sample) for sample in batch])
    return tokens.permute(1, 0), torch.tensor([len(sample) for sample in batch])


def padded_then_moved(batch):
    tokens = pad_sequence([torch.tensor(sample) for sample in batch], batch_first=True)
    return tokens.permute(1, 0), torch.tensor([len(sample) for sample in batch])


class Batcher:
    def __init__(self, batch_first):
        self.batch_first = batch_first

    def collate(self, batch):
        return collate(batch, self.batch_first)

    def __call__(self, batch):
        return collate(batch, batch_first=self.batch_first)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 4)
        self.gru = nn.GRU(4, 5{rnn})

    def forward(self, tokens, lengths):
        {forward}
        return h_n[-1]
"""

FUNCTION = """

def encode(samples, device, flag):
    model = Encoder()
    codes = []
    loader = DataLoader(samples, batch_size=3, collate_fn={collate})
    for tokens, lengths in loader:
        {body}
        codes.append(model(tokens, lengths))
    return codes
"""

TRAINER = """

class Trainer:
    def __init__(self, samples):
        self.model = Encoder()
        self.batch_first = {flag}
        self.loader = DataLoader(samples, batch_size=3, collate_fn={collate})

    def collate(self, batch):
        return collate(batch, batch_first=self.batch_first)

    def run(self, device):
        codes = []
        for step, (tokens, lengths) in enumerate(self.loader):
            {body}
            codes.append(self.model(tokens, lengths))
        return codes
"""

PACK = "_, h_n = self.gru(pack_padded_sequence(self.embedding(tokens), lengths, enforce_sorted=False))"
UNPACKED = "_, h_n = self.gru(self.embedding(tokens))"
BATCH_FIRST = ", batch_first=True"


def source(collate, rnn="", forward=PACK, body="pass") -> str:
    return HEAD.replace("{rnn}", rnn).replace("{forward}", forward) \
        + FUNCTION.replace("{collate}", collate).replace("{body}", body)


def trainer(collate="self.collate", flag="True", rnn="", forward=PACK, body="pass") -> str:
    return HEAD.replace("{rnn}", rnn).replace("{forward}", forward) \
        + TRAINER.replace("{collate}", collate).replace("{flag}", flag).replace("{body}", body)


CLEAN = {
    "partial_time_major_into_a_time_major_pack": source("functools.partial(collate, batch_first=False)"),
    "partial_time_major_into_a_default_gru": source("functools.partial(collate, batch_first=False)",
                                                    forward=UNPACKED),
    "partial_batch_first_into_a_batch_first_gru": source("functools.partial(collate, batch_first=True)",
                                                         rnn=BATCH_FIRST, forward=UNPACKED),
    "lambda_batch_first_transposed_in_the_loop": source("lambda batch: collate(batch, True)",
                                                        body="tokens = tokens.t()"),
    "lambda_of_unknown_origin": source("lambda batch: samples.collate(batch)"),
    "factory_time_major": source("make_collate(False)"),
    "factory_batch_first_transposed": source("make_collate(True)", body="tokens = tokens.transpose(0, 1)"),
    "stacks_then_permutes": source("stacked", forward=UNPACKED),
    "pads_batch_first_then_permutes": source("padded_then_moved"),
    "method_of_an_instance_time_major": source("Batcher(False).collate"),
    "callable_object_batch_first_into_a_batch_first_gru": source("Batcher(True)", rnn=BATCH_FIRST,
                                                                 forward=UNPACKED),
    "trainer_collate_method_time_major": trainer(flag="False"),
    "trainer_collate_method_batch_first_transposed": trainer(body="tokens = tokens.t().to(device)"),
    "trainer_loader_with_default_collation": trainer(collate="None"),
}

FLAGGED = {
    "partial_batch_first_into_a_time_major_pack": (source("functools.partial(collate, batch_first=True)"), "RNN010"),
    "partial_batch_first_into_a_default_gru": (source("functools.partial(collate, batch_first=True)",
                                                      forward=UNPACKED), "RNN004"),
    "lambda_batch_first_into_a_time_major_pack": (source("lambda batch: collate(batch, True)"), "RNN010"),
    "factory_batch_first_into_a_time_major_pack": (source("make_collate(True)"), "RNN010"),
    "factory_time_major_into_a_batch_first_gru": (source("make_collate(False)", rnn=BATCH_FIRST, forward=UNPACKED),
                                                  "RNN004"),
    "method_of_an_instance_batch_first": (source("Batcher(True).collate"), "RNN010"),
    "callable_object_batch_first": (source("Batcher(batch_first=True)"), "RNN010"),
    "trainer_collate_method_batch_first": (trainer(body="tokens = tokens.to(device)"), "RNN010"),
    "trainer_module_collate_into_a_batch_first_gru": (
        trainer(collate="functools.partial(collate, batch_first=False)", rnn=BATCH_FIRST, forward=UNPACKED),
        "RNN004"),
}


# a flag the caller sets: the layouts contradict where it is true, and the finding says so
CONDITIONAL = {
    "partial_of_the_caller_s_flag": (source("functools.partial(collate, batch_first=flag)"), "`flag`"),
    "trainer_flag_of_the_samples": (trainer(flag="samples.batch_first"), "`samples.batch_first`"),
}


@pytest.mark.parametrize("name", sorted(CONDITIONAL))
def test_a_flag_the_caller_sets_gives_a_finding_where_it_is_true(name):
    text, flag = CONDITIONAL[name]
    finding, = lint_source(text)
    assert finding.code == "RNN010" and finding.message.endswith(f"when {flag} is true")


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_case_yields_nothing(name):
    assert [(finding.row, finding.code, finding.message) for finding in lint_source(CLEAN[name])] == []


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_once_in_forward(name):
    text, code = FLAGGED[name]
    forward_row = text.splitlines().index("    def forward(self, tokens, lengths):") + 2
    assert [(finding.row, finding.code) for finding in lint_source(text)] == [(forward_row, code)]


def test_the_message_names_the_padding_the_partial_sets():
    finding, = lint_source(FLAGGED["partial_batch_first_into_a_time_major_pack"][0])
    assert "batch first from `pad_sequence` (`batch_first=True`)" in finding.message
