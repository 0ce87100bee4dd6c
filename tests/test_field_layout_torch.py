"""Real-torch proof for the layout a torchtext legacy ``Field`` states: the programs RNN004 and
RNN010 report mix the samples of a batch or raise, and the fixed ones do not.

torchtext is not installed: a stand-in for ``torchtext.legacy.data`` builds each batch by hand
the way ``Field.process`` does (pad every example to the longest, a ``(batch, seq)`` tensor,
transposed to ``(seq, batch)`` unless ``batch_first``, with the lengths when
``include_lengths``), for fields of token ids (``use_vocab=False``).
"""

from __future__ import annotations

import json
import sys
import types

import pytest
import torch
from test_precision_field_layout import FLAGGED

from rnnlint import lint_source
from rnnlint.rules import ALL_RULES


class Field:
    def __init__(self, sequential=True, use_vocab=True, include_lengths=False, batch_first=False, pad_token="<pad>",
                 dtype=torch.long, **_):
        assert sequential and not use_vocab, "the stand-in pads token ids only"
        self.include_lengths, self.batch_first = include_lengths, batch_first
        self.pad_token, self.dtype = pad_token, dtype

    def process(self, batch):
        longest = max(len(example) for example in batch)
        padded = [list(example) + [self.pad_token] * (longest - len(example)) for example in batch]
        tensor = torch.tensor(padded, dtype=self.dtype)  # (batch, seq)
        if not self.batch_first:
            tensor.t_()
        tensor = tensor.contiguous()
        return (tensor, torch.tensor([len(example) for example in batch])) if self.include_lengths else tensor


class TabularDataset:
    def __init__(self, path, format, fields):
        assert format == "json"
        with open(path) as lines:
            rows = [json.loads(line) for line in lines]
        self.fields = {name: field for name, field in fields.values()}
        self.examples = [types.SimpleNamespace(**{name: row[key] for key, (name, _) in fields.items()}) for row in rows]


class Iterator:
    def __init__(self, dataset, batch_size, shuffle=False):
        assert not shuffle
        self.dataset, self.batch_size = dataset, batch_size

    def __iter__(self):
        examples = self.dataset.examples
        for start in range(0, len(examples), self.batch_size):
            chunk = examples[start:start + self.batch_size]
            yield types.SimpleNamespace(**{name: field.process([getattr(example, name) for example in chunk])
                                           for name, field in self.dataset.fields.items()})


@pytest.fixture
def torchtext(monkeypatch):
    package, legacy, data = (types.ModuleType(name) for name in ("torchtext", "torchtext.legacy",
                                                                 "torchtext.legacy.data"))
    data.Field, data.TabularDataset, data.Iterator = Field, TabularDataset, Iterator
    package.legacy, legacy.data = legacy, data
    for module in (package, legacy, data):
        monkeypatch.setitem(sys.modules, module.__name__, module)
    return data


def run(source: str, name: str, *args):
    namespace: dict = {}
    exec(compile(source, "<field>", "exec"), namespace)
    torch.manual_seed(0)
    return namespace[name](*args)


def reviews(tmp_path, samples) -> str:
    path = tmp_path / "reviews.json"
    path.write_text("".join(json.dumps({"tokens": sample}) + "\n" for sample in samples))
    return str(path)


def test_rnn004_a_batch_first_field_fed_to_a_sequence_first_gru_reads_steps_as_samples(torchtext, tmp_path):  # noqa: ARG001 - installs the stand-in
    rule = next(rule for rule in ALL_RULES if rule.CODE == "RNN004")
    source, = (invalid.code for invalid in rule.INVALID if "data.Field(" in invalid.code)
    assert [finding.code for finding in lint_source(source)] == ["RNN004"]
    samples = [[1, 2, 3, 4, 5], [6, 7, 8], [9, 10, 11, 12]]
    changed = [[1, 2, 3, 4, 5], [16, 7, 8], [9, 10, 11, 12]]  # sample 1 only
    (codes,) = run(source, "classify", reviews(tmp_path, samples))
    assert codes.shape == (5, 5)  # one code per time step, not per sample
    square = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    (codes,) = run(source, "classify", reviews(tmp_path, square))
    (other,) = run(source, "classify", reviews(tmp_path, [[1, 2, 3], [14, 5, 6], [7, 8, 9]]))
    assert not torch.allclose(codes[0], other[0])  # sample 0's code depends on sample 1
    fixed = source.replace("nn.GRU(4, 5)", "nn.GRU(4, 5, batch_first=True)")
    assert lint_source(fixed) == []
    (codes,) = run(fixed, "classify", reviews(tmp_path, samples))
    (other,) = run(fixed, "classify", reviews(tmp_path, changed))
    assert codes.shape == (3, 5) and torch.allclose(codes[0], other[0])


def test_rnn010_lengths_of_a_batch_first_field_packed_sequence_first_raise_or_mix_the_samples(torchtext):
    source, code = FLAGGED["lengths_packed_sequence_first"]
    assert code == "RNN010"
    namespace: dict = {}
    exec(compile(source, "<field>", "exec"), namespace)
    field = torchtext.Field(batch_first=True, include_lengths=True, use_vocab=False, pad_token=0)
    torch.manual_seed(0)
    model = namespace["Classifier"]()
    text, lengths = field.process([[1, 2, 3, 4, 5], [6, 7, 8], [9, 10, 11, 12]])
    with pytest.raises(RuntimeError):
        model(text, lengths)  # 3 lengths, but the pack takes the 5 steps for the batch
    text, lengths = field.process([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    changed, _ = field.process([[1, 2, 3], [14, 5, 6], [7, 8, 9]])  # sample 1 only
    assert not torch.allclose(model(text, lengths)[0], model(changed, lengths)[0])
    fixed_source = source.replace("lengths, enforce_sorted=False)", "lengths, batch_first=True, enforce_sorted=False)")
    assert lint_source(fixed_source) == []
    namespace = {}
    exec(compile(fixed_source, "<fixed>", "exec"), namespace)
    torch.manual_seed(0)
    fixed = namespace["Classifier"]()
    text, lengths = field.process([[1, 2, 3, 4, 5], [6, 7, 8], [9, 10, 11, 12]])
    changed, _ = field.process([[1, 2, 3, 4, 5], [16, 7, 8], [9, 10, 11, 12]])
    assert fixed(text, lengths).shape == (3, 2) and torch.allclose(fixed(text, lengths)[0], fixed(changed, lengths)[0])
