"""Options declared in another file of the project: `args = get_args()` where `options.py`
builds the parser and parses, and `get_parser().parse_args()` where it only builds it. The
parsed values are the options' defaults, as in the file that declares them; a file that sets
an option again (`args.layers = 2`, `setattr(args, ...)`, `vars(args).update(...)`) leaves it
unknown.

Each program is run with torch: the flagged ones warn that dropout needs more than one layer.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from rnnlint import lint_paths

from conftest import found_by_file, write_project

pytestmark = pytest.mark.usefixtures("fresh_projects")

GET_ARGS = """\
import argparse


def get_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--layers", type=int, default={layers})
    parser.add_argument("--dropout", type=float, default=0.5)
    return parser.parse_args()
"""

GET_PARSER = """\
import argparse


def get_parser():
    parser = argparse.ArgumentParser()
    parser.add_argument("--layers", type=int, default={layers})
    parser.add_argument("--dropout", type=float, default=0.5)
    return parser
"""

TRAIN = """\
import torch
from torch import nn

from options import {name}

args = {call}
{change}
rnn = nn.LSTM(8, 16, num_layers=args.layers, dropout=args.dropout)
out, _ = rnn(torch.randn(5, 4, 8))
"""


def project(tmp_path, options=GET_ARGS, layers=1, name="get_args", call="get_args()", change=""):
    write_project(tmp_path, {
        "pyproject.toml": "",
        "options.py": options.format(layers=layers),
        "train.py": TRAIN.format(name=name, call=call, change=change),
    })
    return tmp_path


FLAGGED = {
    "parsed_in_a_function_of_another_file": {},
    "parser_built_in_another_file": {"options": GET_PARSER, "name": "get_parser", "call": "get_parser().parse_args()"},
    "parser_built_elsewhere_parses_an_empty_list": {"options": GET_PARSER, "name": "get_parser",
                                                     "call": "get_parser().parse_args([])"},
    "known_arguments_parsed_elsewhere": {"options": GET_PARSER, "name": "get_parser",
                                         "call": "get_parser().parse_known_args()[0]"},
    # a library function whose code is not in view is not taken to set options again
    "options_given_to_a_logger": {"name": "get_args\nimport logging", "change": "logging.getLogger().info(args)"},
}

CLEAN = {
    "two_layers_by_default": {"layers": 2},
    "option_set_again_by_attribute": {"change": "args.layers = 2"},
    "option_set_again_by_setattr": {"change": "setattr(args, 'layers', 2)"},
    "options_updated_through_vars": {"change": "vars(args).update({'layers': 2})"},
    "options_updated_through_the_dict": {"change": "args.__dict__['layers'] = 2"},
}


def test_an_option_a_helper_of_a_third_file_sets_again_is_unknown(tmp_path):
    root = project(tmp_path, name="get_args\nfrom tuning import deepen", change="deepen(args)")
    write_project(root, {"tuning.py": "def deepen(args):\n    args.layers = 2\n"})
    assert found_by_file(lint_paths([str(root / "train.py")])) == []
    pytest.importorskip("torch")
    run = subprocess.run([sys.executable, "-W", "always", "train.py"], cwd=root, capture_output=True, text=True,
                         check=True)
    assert "dropout option" not in run.stderr


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_the_defaults_of_options_declared_elsewhere_are_read(tmp_path, name):
    root = project(tmp_path, **FLAGGED[name])
    lines = (root / "train.py").read_text(encoding="utf-8").splitlines()
    row = next(number for number, line in enumerate(lines, start=1) if line.startswith("rnn = nn.LSTM"))
    assert found_by_file(lint_paths([str(root / "train.py")])) == [("train.py", row, "RNN009")]


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_an_option_the_program_sets_again_is_unknown(tmp_path, name):
    root = project(tmp_path, **CLEAN[name])
    assert found_by_file(lint_paths([str(root / "train.py")])) == []


def test_the_finding_names_the_default_and_where_it_is_declared(tmp_path):
    root = project(tmp_path)
    [finding] = lint_paths([str(root / "train.py")])
    assert "`1`" in finding.message


@pytest.mark.parametrize("name", sorted(FLAGGED) + sorted(CLEAN))
def test_the_programs_warn_exactly_where_a_finding_is_made(tmp_path, name):
    pytest.importorskip("torch")
    root = project(tmp_path, **(FLAGGED[name] if name in FLAGGED else CLEAN[name]))
    run = subprocess.run([sys.executable, "-W", "always", "train.py"], cwd=root, capture_output=True, text=True,
                         check=True)
    assert ("dropout option adds dropout after all but last recurrent layer" in run.stderr) == (name in FLAGGED)
