"""What torchtext's legacy data API states about the batches it yields: a ``Field``'s
``batch_first``, the names a dataset gives its fields, the iterators over such a dataset.
Pure functions over values; torchtext itself is never imported.
"""

from __future__ import annotations

import ast

from .._source import walk
from ._symbolic import UNKNOWN, Bool, Const, Value
from ._values import DictValue, FieldSet, Loader, Splits, Tensor, TextField, TupleValue

FIELDS = ("Field", "ReversibleField")
# the positional parameters every version of `Field` starts with; later ones moved between versions
FIELD_POSITIONS = ("sequential", "use_vocab", "init_token", "eos_token", "fix_length")
FIELD_LAYOUT = ("batch_first", "include_lengths", "sequential")  # what a later assignment may change
ITERATORS = ("Iterator", "BucketIterator", "BPTTIterator")
TEXT_LABEL = ("IMDB", "SST", "TREC")  # built on `(text_field, label_field)`: `batch.text`, `batch.label`
# built on one `text_field`: a `BPTTIterator` yields `batch.text` (and `batch.target`, the next tokens)
LANGUAGE_MODELING = ("LanguageModelingDataset", "WikiText2", "WikiText103", "PennTreebank")
TRANSLATION = ("TranslationDataset", "Multi30k", "IWSLT", "WMT14")  # `fields=(src, trg)`
# dataset class -> (position of its fields in the constructor, in `splits`, keyword)
DATASETS = {"Dataset": (1, None, "fields"), "TabularDataset": (2, None, "fields"),
            **{name: (2, 1, "fields") for name in TRANSLATION}}


def torchtext_name(qualified: str) -> str | None:
    """``Field``, ``BucketIterator.splits``, ``datasets.IMDB.splits``: the name of a legacy data
    API object under ``torchtext.data`` or ``torchtext.legacy.data`` (``datasets.`` for the
    dataset classes), whichever module of the package it is reached through; None otherwise."""
    parts = qualified.split(".")
    if parts[0] != "torchtext":
        return None
    parts = parts[1:]
    if parts[:1] == ["legacy"]:
        parts = parts[1:]
    if not parts or parts[0] not in ("data", "datasets"):
        return None
    prefix = "datasets." if parts[0] == "datasets" else ""
    parts = parts[1:]
    if len(parts) > 1 and parts[0].islower() and parts[1][:1].isupper():
        parts = parts[1:]  # `torchtext.data.field.Field`, `torchtext.datasets.imdb.IMDB`
    return prefix + ".".join(parts) if parts and parts[0][:1].isupper() else None


def states_layout(name: str) -> bool:
    """Whether ``name`` (as ``torchtext_name`` gives it) is a field, a dataset or an iterator
    that ``torchtext_call`` reads: a function calling one is worth running where it is called."""
    base = name.removesuffix(".splits")
    return base in FIELDS or base in ITERATORS or base in DATASETS or base.removeprefix("datasets.") in (
        *TEXT_LABEL, *TRANSLATION, *LANGUAGE_MODELING)


def field_arguments(args: list, kwargs: dict) -> dict | None:
    """The arguments of a ``Field(...)`` call by name; None when a positional one may be any."""
    if len(args) > len(FIELD_POSITIONS):
        return None
    given = dict(zip(FIELD_POSITIONS, args, strict=False))
    given.update(kwargs)
    return given


def is_true(value: Value) -> bool:
    return isinstance(value, Bool) and value.truth is True


def changes_field_layout(module: ast.Module, text: str) -> bool:
    """Whether the file sets ``batch_first``, ``include_lengths`` or ``sequential`` on an object
    after building it (``TEXT.batch_first = True``, or any ``setattr``): a field's arguments may
    then not be what its batches follow. The tree is walked only where ``text`` names one."""
    if not any(word in text for word in (*FIELD_LAYOUT, "setattr")):
        return False
    return any(isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and node.attr in FIELD_LAYOUT
               and not (isinstance(node.value, ast.Name) and node.value.id == "self")
               for node in walk(module)) or any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr"
        for node in walk(module))


def named_fields(value: Value, keyed: bool) -> tuple | None:
    """``[("text", TEXT), ("label", LABEL)]`` as ``(("text", TEXT), ...)`` (an entry of field
    ``None`` is left out); with ``keyed``, also a dict of ``{"column": ("text", TEXT)}`` (or a
    list of such pairs); None for anything else. A name given twice is unknown."""
    pairs: list = []
    if isinstance(value, TupleValue):
        entries = list(value.items)
    elif keyed and isinstance(value, DictValue):
        entries = []
        for _, item in value.items:
            if isinstance(item, TupleValue) and item.items and all(isinstance(inner, TupleValue)
                                                                    for inner in item.items):
                entries.extend(item.items)
            else:
                entries.append(item)
    else:
        return None
    for entry in entries:
        if not (isinstance(entry, TupleValue) and len(entry.items) == 2 and isinstance(entry.items[0], Const)
                and isinstance(entry.items[0].value, str)):
            return None
        if entry.items[1] != Const(None):
            pairs.append((entry.items[0].value, entry.items[1]))
    names = [name for name, _ in pairs]
    return tuple((name, field if names.count(name) == 1 else UNKNOWN) for name, field in pairs)


def dataset_fields(name: str, args: list, kwargs: dict) -> tuple | None:
    """The named fields of the dataset ``name(*args, **kwargs)`` builds (``name`` as
    ``torchtext_name`` gives it, ``.splits`` included); None where they cannot be read."""
    splits = name.endswith(".splits")
    base = name.removesuffix(".splits").removeprefix("datasets.")
    if base in TEXT_LABEL and name.startswith("datasets."):
        offset = 0 if splits else 1  # `IMDB(path, text_field, label_field)`
        text = args[offset] if len(args) > offset else kwargs.get("text_field")
        label = args[offset + 1] if len(args) > offset + 1 else kwargs.get("label_field")
        return None if text is None else (("text", text), ("label", label if label is not None else UNKNOWN))
    if base in LANGUAGE_MODELING and name.startswith("datasets."):
        first = 0 if splits else 1  # `WikiText2(path, text_field)`
        text = args[first] if len(args) > first else kwargs.get("text_field")
        return None if text is None else (("text", text),)
    if base not in DATASETS or (base in TRANSLATION) != name.startswith("datasets."):
        return None
    position, splits_position, keyword = DATASETS[base]
    at = splits_position if splits else position
    given = args[at] if at is not None and len(args) > at else kwargs.get(keyword)
    if given is None:
        return None
    if base in TRANSLATION and isinstance(given, TupleValue) and len(given.items) == 2 \
            and all(isinstance(item, TextField) or not isinstance(item, TupleValue) for item in given.items):
        return (("src", given.items[0]), ("trg", given.items[1]))  # the translation datasets' own names
    return named_fields(given, keyed=base == "TabularDataset")


def iterated(datasets: Value, bptt: bool = False) -> Value:
    """``BucketIterator.splits(datasets, ...)``: an iterator over each dataset given."""
    if isinstance(datasets, TupleValue):
        return TupleValue(tuple(iterator_over(item, bptt) for item in datasets.items))
    if isinstance(datasets, Splits):
        return Splits(iterator_over(datasets.item, bptt))
    return UNKNOWN


def iterator_over(dataset: Value, bptt: bool = False) -> Value:
    """An iterator over ``dataset``: its batches hold the dataset's fields by name. A
    ``BPTTIterator`` cuts the one text of a language-modelling dataset into ``batch.text``, laid
    out as its field states, and ``batch.target`` (a tensor of its own); lengths it never gives."""
    if not isinstance(dataset, FieldSet) or dataset.batch:
        return UNKNOWN
    if not bptt:
        return Loader(FieldSet(dataset.fields, batch=True))
    text = [field for name, field in dataset.fields if name == "text"]
    if len(text) != 1 or not isinstance(text[0], TextField) or text[0].include_lengths != Bool(False):
        return UNKNOWN
    return Loader(FieldSet((("text", text[0]), ("target", TextField(Tensor(), Bool(False)))), batch=True))
