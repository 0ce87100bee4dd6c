"""A layer class chosen by name from a config (`eval(config['encoder_type'])(config)`), the
options of `parse_known_args()`, and the classes built inside another class's configuration.

`eval` of a string that is one identifier reads that name where the call is (the caller's
locals, then the module's names), as Python does; any other string stays unknown. An argparse
option is set again only by an assignment to an attribute of something other than `self`: a
class's own `self.encoder_type = ...` leaves `--encoder_type` as its default. A class that only
another class builds, in the run of one of that class's construction sites, is run on what
that run passes it.

Every snippet carries `# expect: CODE` markers that must match its findings exactly; the clean
look-alikes must yield nothing. Each flagged program is run with torch: the dropout warning is
the silent wrong result RNN009 reports.
"""

from __future__ import annotations

import runpy
import sys
import warnings
from pathlib import Path

import pytest

from rnnlint import lint_source

from conftest import expected_markers, found_by_file, write_project

ENCODERS = """
import argparse

import torch
import torch.nn as nn


class BLSTMEncoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.lstm = nn.LSTM(8, config['hidden'], 1, bidirectional=True, dropout=config['dropout']){marker}

    def forward(self, x):
        return self.lstm(x)[0]


class GRUEncoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.gru = nn.GRU(8, config['hidden'], 2, dropout=config['dropout'])

    def forward(self, x):
        return self.gru(x)[0]


class Net(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder_type = config['encoder_type']
        self.encoder = {choose}

    def forward(self, x):
        return self.encoder(x)
"""

SCRIPT = """

parser = argparse.ArgumentParser()
parser.add_argument("--dropout", type=float, default={dropout})
parser.add_argument("--encoder_type", type=str, default={kind!r})
params{unpack} = parser.{parse}()
config = {{'hidden': 16, 'dropout': params.dropout, 'encoder_type': params.encoder_type}}
net = Net(config)
out = net(torch.randn(5, 2, 8))
"""


def program(choose: str = "eval(self.encoder_type)(config)", kind: str = "BLSTMEncoder", dropout: float = 0.5,
            known: bool = False, marker: str = "") -> str:
    unpack, parse = (", _", "parse_known_args") if known else ("", "parse_args")
    return ENCODERS.format(choose=choose, marker=marker) + SCRIPT.format(dropout=dropout, kind=kind, unpack=unpack,
                                                                        parse=parse)


FLAGGED = {
    "class_named_by_the_config": program(marker="  # expect: RNN009"),
    "options_of_parse_known_args": program(known=True, marker="  # expect: RNN009"),
}

CLEAN = {
    # the default names the encoder with two layers: its dropout acts between them
    "the_default_names_another_class": program(kind="GRUEncoder"),
    "no_dropout_by_default": program(dropout=0.0),
    # an expression, not a name: what it builds is not followed
    "an_expression_is_not_read": program(choose="eval(self.encoder_type + '(config)')"),
    # the script sets the option again: its default is not what runs
    "the_option_set_again": program().replace("net = Net(config)", "params.encoder_type = 'GRUEncoder'\n"
                                              "config['encoder_type'] = params.encoder_type\nnet = Net(config)"),
    # a name the file does not bind
    "a_name_of_no_class": program(kind="TransformerEncoder"),
    # the name is a local of the caller, bound to the two-layer encoder: `eval` reads it there first
    "the_name_is_a_local_of_the_caller": program(choose="eval(self.encoder_type)(config)").replace(
        "        self.encoder_type = config['encoder_type']\n",
        "        self.encoder_type = config['encoder_type']\n        BLSTMEncoder = GRUEncoder\n"),
}


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_at_exactly_the_markers(name):
    source = FLAGGED[name]
    assert [(finding.row, finding.code) for finding in lint_source(source)] == expected_markers(source)


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_look_alike_yields_nothing(name):
    assert lint_source(CLEAN[name]) == []


def test_the_finding_names_the_site_inside_the_class_that_chose_it():
    source = FLAGGED["class_named_by_the_config"]
    (finding,) = lint_source(source)
    row = next(row for row, line in enumerate(source.splitlines(), 1) if "eval(self.encoder_type)" in line)
    assert finding.message.endswith(f"(as built at line {row}); dropout acts only between stacked layers")


def _warnings_of(source: str, tmp_path, monkeypatch) -> list[str]:
    """The warnings running ``source`` as a script (no command-line arguments) gives."""
    path = tmp_path / "script.py"
    path.write_text(source)
    monkeypatch.setattr(sys, "argv", [str(path)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runpy.run_path(str(path), run_name="__main__")
    return [str(warning.message) for warning in caught]


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_torch_warns_that_the_dropout_does_nothing(name, tmp_path, monkeypatch):
    assert any("non-zero dropout expects num_layers greater than 1" in message
               for message in _warnings_of(FLAGGED[name], tmp_path, monkeypatch))


@pytest.mark.parametrize("name", ["the_default_names_another_class", "no_dropout_by_default",
                                  "the_name_is_a_local_of_the_caller"])
def test_torch_is_silent_on_the_look_alikes(name, tmp_path, monkeypatch):
    assert not any("dropout" in message for message in _warnings_of(CLEAN[name], tmp_path, monkeypatch))


@pytest.mark.usefixtures("fresh_projects")
def test_a_class_built_only_in_another_files_configuration_is_run_on_it(tmp_path):
    """The config dict is built in train.py; the class that chooses the encoder is in models.py."""
    models = ENCODERS.format(choose="eval(self.encoder_type)(config)", marker="")
    script = "from models import Net\n" + SCRIPT.format(dropout=0.5, kind="BLSTMEncoder", unpack="", parse="parse_args")
    script = script.replace("torch.randn", "__import__('torch').randn")
    root = write_project(tmp_path, {"models.py": models, "train.py": "import argparse\n" + script,
                                    "pyproject.toml": "[project]\nname = 'demo'\n"})
    from rnnlint._config import Config
    from rnnlint._runner import RunOptions, run

    findings = run([root / "models.py"], Config(), RunOptions(jobs=1)).findings
    row = next(row for row, line in enumerate(models.splitlines(), 1) if "nn.LSTM" in line)
    assert found_by_file(findings) == [("models.py", row, "RNN009")]
    # where the encoder is built, in the run of the site in train.py that builds its chooser
    inner = next(row for row, line in enumerate(models.splitlines(), 1) if "eval(self.encoder_type)" in line)
    outer = next(row for row, line in enumerate(script.splitlines(), 2) if "net = Net(config)" in line)
    assert f"(as built at line {inner}, train.py:{outer})" in findings[0].message
    assert {(Path(path).name, line) for path, line in findings[0].configurations} == {
        ("models.py", inner), ("train.py", outer)}
