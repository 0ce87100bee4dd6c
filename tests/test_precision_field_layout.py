"""Layout evidence from torchtext's legacy fields: ``Field(batch_first=...)`` states the layout
of the tensors an iterator over a dataset built with it yields (``batch.text`` is
``(batch, seq)`` with ``batch_first=True``, else ``(seq, batch)``; with ``include_lengths=True``
it is ``(tokens, lengths)``), so RNN004 reports an RNN fed them unpacked in the other layout and
RNN010 a pack that reads them so. torchtext itself is never imported. Correct look-alikes
first: the layouts agree, the code moves the axes, or nothing states the layout."""

from __future__ import annotations

import pytest

from rnnlint import lint_paths, lint_source

from conftest import found_by_file, write_project

TEMPLATE = """
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence
{imports}


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 4)
        self.lstm = nn.LSTM(4, 5{rnn})
        self.fc = nn.Linear(5, 2)

    def forward(self, {params}):
        {forward}
        return self.fc(h_n[-1])


def train(path, device, flag):
    TEXT = {field}
    LABEL = {label}
    train_data = {dataset}
    iterator = {iterator}
    model = Classifier()
    for batch in iterator:
        {body}
        loss = model({feed}).sum()
    return loss
"""

LEGACY = "from torchtext.legacy import data"
FIELD = "data.Field(batch_first=True)"
DEFAULT_FIELD = "data.Field()"
LABEL = "data.LabelField(dtype=torch.float)"
DATASET = ("data.TabularDataset(path=path, format='csv', fields=[('text', TEXT), ('label', LABEL)])")
ITERATOR = "data.BucketIterator(train_data, batch_size=32, device=device)"
BATCH_FIRST = ", batch_first=True"
UNPACKED = "_, (h_n, _) = self.lstm(self.embedding(text))"
PACKED = "_, (h_n, _) = self.lstm(pack_padded_sequence(self.embedding(text), lengths, enforce_sorted=False))"
PACKED_BATCH_FIRST = ("_, (h_n, _) = self.lstm(pack_padded_sequence(self.embedding(text), lengths, "
                      "batch_first=True, enforce_sorted=False))")
LENGTHS_BODY = "text, lengths = batch.text"


def source(imports=LEGACY, rnn="", params="text", forward=UNPACKED, field=FIELD, label=LABEL, dataset=DATASET,
           iterator=ITERATOR, body="text = batch.text", feed="text") -> str:
    return TEMPLATE.format(imports=imports, rnn=rnn, params=params, forward=forward, field=field, label=label,
                           dataset=dataset, iterator=iterator, body=body, feed=feed)


def with_lengths(field="data.Field(batch_first=True, include_lengths=True)", forward=PACKED, **kwargs) -> str:
    return source(params="text, lengths", forward=forward, field=field, body=LENGTHS_BODY, feed="text, lengths",
                  **kwargs)


TWO_FIELDS = source(
    params="src", forward="_, (h_n, _) = self.lstm(self.embedding(src))", rnn=BATCH_FIRST,
    field="data.Field()",
    label="data.Field(batch_first=True)",
    dataset="data.TabularDataset(path=path, format='csv', fields=[('trg', TEXT), ('src', LABEL)])",
    body="src = batch.src", feed="src",
)

CLEAN = {
    "batch_first_field_batch_first_rnn": source(rnn=BATCH_FIRST),
    "default_field_sequence_first_rnn": source(field=DEFAULT_FIELD),
    "explicit_false_field_sequence_first_rnn": source(field="data.Field(batch_first=False)"),
    "loop_transposes_with_t": source(body="text = batch.text.t()"),
    "loop_transposes_with_transpose": source(body="text = batch.text.transpose(0, 1).to(device)"),
    "loop_permutes": source(field=DEFAULT_FIELD, rnn=BATCH_FIRST, body="text = batch.text.permute(1, 0)"),
    "forward_transposes": source(forward="_, (h_n, _) = self.lstm(self.embedding(text).transpose(0, 1))"),
    "batch_first_from_an_unknown_value": source(field="data.Field(batch_first=flag)"),
    "batch_first_from_keywords": source(field="data.Field(**flag)"),
    "two_fields_the_matching_one_fed": TWO_FIELDS,
    "lengths_packed_batch_first": with_lengths(forward=PACKED_BATCH_FIRST),
    "lengths_packed_sequence_first_default_field": with_lengths(field="data.Field(include_lengths=True)"),
    "lengths_unknown": source(field="data.Field(batch_first=True, include_lengths=flag)"),
    "lengths_of_a_field_of_unknown_layout_packed": with_lengths(field="data.Field(batch_first=flag, "
                                                                      "include_lengths=True)"),
    "iterator_given_a_layout_of_its_own": source(
        iterator="data.BucketIterator(train_data, batch_size=32, batch_first=False)"),
    "iterator_given_keywords": source(iterator="data.BucketIterator(train_data, **flag)"),
    "field_given_every_argument_by_position": source(
        field="data.Field(True, True, None, None, None, torch.long, None, None, False, None, 'en', False, True)"),
    "dataset_of_unknown_fields": source(dataset="data.TabularDataset(path=path, format='csv', fields=flag)"),
    "iterator_over_an_unknown_dataset": source(iterator="data.BucketIterator(path, batch_size=32)"),
    "attribute_no_field_is_named": source(body="text = batch.comment"),
    "not_sequential": source(field="data.Field(sequential=False, batch_first=True)"),
    "field_of_another_library": source(imports="from mylib import data"),
    "field_changed_after_construction": source(body="text = batch.text", field="data.Field(batch_first=True)")
    .replace("    LABEL = ", "    TEXT.batch_first = False\n    LABEL = "),
}

FLAGGED = {
    "batch_first_field_sequence_first_rnn": (source(), "RNN004"),
    "default_field_batch_first_rnn": (source(field=DEFAULT_FIELD, rnn=BATCH_FIRST), "RNN004"),
    "moved_to_a_device": (source(body="text = batch.text.to(device)"), "RNN004"),
    "older_torchtext_module": (source(imports="from torchtext import data"), "RNN004"),
    "field_imported_by_name": (source(imports="from torchtext.data import Field, TabularDataset, BucketIterator",
                                      field="Field(batch_first=True)",
                                      dataset="TabularDataset(path, 'csv', [('text', TEXT), ('label', None)])",
                                      iterator="BucketIterator(train_data, 32)"), "RNN004"),
    "getattr_of_the_batch": (source(body="text = getattr(batch, 'text')"), "RNN004"),
    "dict_of_fields": (source(dataset="data.TabularDataset(path, 'json', {'review': ('text', TEXT)})"), "RNN004"),
    "iterator_splits": (source(dataset="data.TabularDataset.splits(path=path, train='a.csv', test='b.csv', "
                                       "format='csv', fields=[('text', TEXT), ('label', LABEL)])[0]",
                               iterator="data.BucketIterator.splits((train_data, train_data), batch_size=32)[0]"),
                        "RNN004"),
    "two_fields_the_other_one_fed": (TWO_FIELDS.replace("batch.src", "batch.trg"), "RNN004"),
    "lengths_packed_sequence_first": (with_lengths(), "RNN010"),
    "lengths_default_field_packed_batch_first": (with_lengths(field="data.Field(include_lengths=True)",
                                                              forward=PACKED_BATCH_FIRST), "RNN010"),
}


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_case_yields_nothing(name):
    assert [(finding.row, finding.code, finding.message) for finding in lint_source(CLEAN[name])] == []


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_once_in_forward(name):
    text, code = FLAGGED[name]
    forward_row = next(row for row, line in enumerate(text.splitlines(), 1) if "    def forward(" in line) + 1
    assert [(finding.row, finding.code) for finding in lint_source(text)] == [(forward_row, code)]


def test_the_message_names_the_field():
    finding, = lint_source(FLAGGED["batch_first_field_sequence_first_rnn"][0])
    assert "`data.Field` lays it out batch first (`batch_first=True`)" in finding.message
    finding, = lint_source(FLAGGED["default_field_batch_first_rnn"][0])
    assert "lays it out sequence first (`batch_first=False`, its default)" in finding.message


DATA_FILE = """
from torchtext.legacy import data


def iterators(path, device, batch_first=True):
    TEXT = data.Field(batch_first=batch_first, include_lengths=True)
    LABEL = data.LabelField()
    train, test = data.TabularDataset.splits(path=path, train="train.csv", test="test.csv", format="csv",
                                             fields=[("text", TEXT), ("label", LABEL)])
    TEXT.build_vocab(train)
    return data.BucketIterator.splits((train, test), batch_size=32, device=device), TEXT
"""

TRAIN_FILE = """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

from data import iterators


class Classifier(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 4)
        self.lstm = nn.LSTM(4, 5)
        self.fc = nn.Linear(5, 2)

    def forward(self, text, lengths):
        _, (h_n, _) = self.lstm(pack_padded_sequence(self.embedding(text), lengths{pack}, enforce_sorted=False))
        return self.fc(h_n[-1])


def main(path, device):
    (train_iter, test_iter), TEXT = iterators(path, device{layout})
    model = Classifier(len(TEXT.vocab))
    for batch in train_iter:
        text, lengths = batch.text
        model(text, lengths).sum().backward()
"""


@pytest.mark.parametrize(("pack", "layout", "expected"), [
    ("", "", ["RNN010"]),
    (", batch_first=True", "", []),
    ("", ", batch_first=False", []),
    (", batch_first=True", ", batch_first=False", ["RNN010"]),
])
def test_an_iterator_built_in_another_project_file_states_the_layout(tmp_path, fresh_projects,  # noqa: ARG001
                                                                     pack, layout, expected):
    train = TRAIN_FILE.format(pack=pack, layout=layout)
    write_project(tmp_path, {"pyproject.toml": "", "data.py": DATA_FILE, "train.py": train})
    findings = lint_paths([str(tmp_path)])
    row = train.splitlines().index("    def forward(self, text, lengths):") + 2
    assert found_by_file(findings) == [("train.py", row, code) for code in expected]
    for finding in findings:
        assert "comes {} first from `Field`".format("sequence" if layout else "batch") in finding.message


def test_a_field_another_project_file_changes_after_building_it_states_nothing(tmp_path, fresh_projects):  # noqa: ARG001
    changed = DATA_FILE.replace("    TEXT.build_vocab(train)", "    TEXT.batch_first = not batch_first")
    write_project(tmp_path, {"pyproject.toml": "", "data.py": changed,
                             "train.py": TRAIN_FILE.format(pack="", layout="")})
    assert lint_paths([str(tmp_path)]) == []


def test_a_field_of_another_project_file_fed_unpacked(tmp_path, fresh_projects):  # noqa: ARG001
    data = DATA_FILE.replace("include_lengths=True", "include_lengths=False")
    train = TRAIN_FILE.format(pack="", layout="").replace("text, lengths = batch.text", "text = batch.text") \
        .replace("model(text, lengths)", "model(text)").replace("def forward(self, text, lengths):",
                                                                 "def forward(self, text):") \
        .replace("pack_padded_sequence(self.embedding(text), lengths, enforce_sorted=False)", "self.embedding(text)")
    write_project(tmp_path, {"pyproject.toml": "", "data.py": data, "train.py": train})
    finding, = lint_paths([str(tmp_path)])
    row = train.splitlines().index("    def forward(self, text):") + 2
    assert found_by_file([finding]) == [("train.py", row, "RNN004")]
    assert "but `data.Field` lays it out batch first (`batch_first=True`)" in finding.message


TRAINER = """
import torch.nn as nn
from torchtext.legacy import data


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 4)
        self.gru = nn.GRU(4, 5)

    def forward(self, text):
        _, h_n = self.gru(self.embedding(text))
        return h_n[-1]


class Trainer:
    def __init__(self, path):
        self.text = data.Field({field})
        train, valid = data.TabularDataset.splits(path=path, train="a.csv", validation="b.csv", format="csv",
                                                  fields=[("text", self.text)])
        self.train_iter, self.valid_iter = data.BucketIterator.splits((train, valid), batch_size=8)
        self.model = Classifier()

    def epoch(self):
        for batch in self.train_iter:
            self.model(batch.text).sum().backward()
"""


@pytest.mark.parametrize(("field", "expected"), [("", []), ("batch_first=False", []), ("batch_first=True", ["RNN004"])])
def test_iterators_a_class_keeps_and_iterates_in_another_method(field, expected):
    text = TRAINER.format(field=field)
    row = text.splitlines().index("    def forward(self, text):") + 2
    assert [(finding.row, finding.code) for finding in lint_source(text)] == [(row, code) for code in expected]


LANGUAGE_MODEL = """
import torch.nn as nn
from torchtext.legacy import data, datasets


class LanguageModel(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 8)
        self.lstm = nn.LSTM(8, 16{rnn})
        self.decoder = nn.Linear(16, vocab)

    def forward(self, text):
        output, _ = self.lstm(self.embedding(text))
        return self.decoder(output)


def train(criterion):
    TEXT = data.Field({field})
    train_data, valid_data, test_data = datasets.WikiText2.splits(TEXT)
    TEXT.build_vocab(train_data)
    train_iter, valid_iter, test_iter = data.BPTTIterator.splits((train_data, valid_data, test_data),
                                                                 batch_size=20, bptt_len=35)
    model = LanguageModel(len(TEXT.vocab))
    for batch in train_iter:
        output = model(batch.text)
        criterion(output.view(-1, output.size(-1)), batch.target.view(-1)).backward()
"""


@pytest.mark.parametrize(("field", "rnn", "expected"), [
    ("lower=True", "", []),
    ("batch_first=True", ", batch_first=True", []),
    ("batch_first=True, include_lengths=True", "", []),  # a BPTTIterator gives no lengths: unknown
    ("batch_first=True", "", ["RNN004"]),
    ("", ", batch_first=True", ["RNN004"]),
])
def test_a_bptt_iterator_cuts_the_text_in_the_layout_of_its_field(field, rnn, expected):
    text = LANGUAGE_MODEL.format(field=field, rnn=rnn)
    row = text.splitlines().index("    def forward(self, text):") + 2
    assert [(finding.row, finding.code) for finding in lint_source(text)] == [(row, code) for code in expected]


SCRIPT = """import random

import torch
import torch.nn as nn
import torch.optim as optim
from torchtext.legacy import data, datasets

SEED = 1234
TEXT = data.Field(tokenize='spacy', tokenizer_language='en_core_web_sm', include_lengths=True)
LABEL = data.LabelField(dtype=torch.float)
train_data, test_data = datasets.IMDB.splits(TEXT, LABEL)
train_data, valid_data = train_data.split(random_state=random.seed(SEED))
TEXT.build_vocab(train_data, max_size=25000)
LABEL.build_vocab(train_data)
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
train_iterator, valid_iterator, test_iterator = data.BucketIterator.splits(
    (train_data, valid_data, test_data), batch_size=64, sort_within_batch=True, device=device)


class RNN(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, output_dim, n_layers, bidirectional, dropout, pad_idx):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.rnn = nn.LSTM(embedding_dim, hidden_dim, num_layers=n_layers, bidirectional=bidirectional,
                           dropout=dropout)
        self.fc = nn.Linear(hidden_dim * 2, output_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, text, text_lengths):
        embedded = self.dropout(self.embedding(text))
        packed_embedded = nn.utils.rnn.pack_padded_sequence(embedded, text_lengths.to('cpu'){pack})
        packed_output, (hidden, cell) = self.rnn(packed_embedded)
        output, output_lengths = nn.utils.rnn.pad_packed_sequence(packed_output)
        hidden = self.dropout(torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1))
        return self.fc(hidden)


PAD_IDX = TEXT.vocab.stoi[TEXT.pad_token]
model = RNN(len(TEXT.vocab), 100, 256, 1, 2, True, 0.5, PAD_IDX)
optimizer = optim.Adam(model.parameters())
criterion = nn.BCEWithLogitsLoss()


def train(model, iterator, optimizer, criterion):
    epoch_loss = 0
    model.train()
    for batch in iterator:
        optimizer.zero_grad()
        text, text_lengths = batch.text
        predictions = model(text, text_lengths).squeeze(1)
        loss = criterion(predictions, batch.label)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
    return epoch_loss / len(iterator)


for epoch in range(5):
    train_loss = train(model, train_iterator, optimizer, criterion)
"""


@pytest.mark.parametrize(("pack", "split", "expected"), [
    ("", True, []),
    (", batch_first=False", True, []),
    (", batch_first=True", True, ["RNN010"]),
    (", batch_first=True", False, ["RNN010"]),
])
def test_a_script_of_module_level_iterators_and_a_training_function(pack, split, expected):
    text = SCRIPT.format(pack=pack)
    if not split:
        text = text.replace("train_data, valid_data = train_data.split(random_state=random.seed(SEED))",
                            "valid_data = test_data")
    row = next(row for row, line in enumerate(text.splitlines(), 1) if "pack_padded_sequence(" in line)
    assert [(finding.row, finding.code) for finding in lint_source(text)] == [(row, code) for code in expected]
