"""What the rest of one file defines for the code that runs: module-level and nested functions
(factories returning a layer, helpers taking tensors), lambdas, `functools.partial` of a layer
class, `getattr(nn, name)` and dict registries over the names the file shows possible.

Every snippet carries `# expect: CODE` markers that must match its findings exactly; the clean
look-alikes are correct programs (or programs whose values the file does not pin down) and must
yield nothing. The single-file correct models of tests/corpus/clean_program run with torch.
"""

from __future__ import annotations

import pytest

from rnnlint import lint_source

from conftest import expected_markers, write_project

FLAGGED = {
    # a plain config class: its `__init__` sets the attributes, a class attribute gives the rest,
    # and a function that only reads the object leaves them as they are
    "plain_config_class_attributes": """
import torch.nn as nn

class Config:
    num_layers = 1

    def __init__(self, dropout=0.5):
        self.dropout = dropout
        self.hidden = 16

def describe(config):
    return f"{config.hidden} hidden units"

class Model(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.lstm = nn.LSTM(8, config.hidden, config.num_layers, dropout=config.dropout)  # expect: RNN009

    def forward(self, x):
        return self.lstm(x)[0]

def main():
    config = Config()
    print(describe(config))
    config.hidden = 32
    return Model(config)
""",
    # fairseq's factory: the keywords reach nn.LSTM through **kwargs
    "factory_forwarding_kwargs": """
import torch.nn as nn

def LSTM(input_size, hidden_size, **kwargs):
    m = nn.LSTM(input_size, hidden_size, **kwargs)
    for name, param in m.named_parameters():
        param.data.uniform_(-0.1, 0.1)
    return m

class Encoder(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.lstm = LSTM(8, hidden, num_layers=1, bidirectional=True)
        self.fc = nn.Linear(hidden, 2)  # expect: RNN001

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out)
""",
    # the factory's own default: one layer, and the caller asks for dropout
    "factory_default_layers_with_dropout": """
import torch.nn as nn

def make_gru(n_in, n_hidden, layers=1, dropout=0.0):
    return nn.GRU(n_in, n_hidden, layers, dropout=dropout)  # expect: RNN009

class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = make_gru(8, 16, dropout=0.5)

    def forward(self, x):
        return self.gru(x)[0]
""",
    "partial_of_a_layer_class": """
from functools import partial
import torch.nn as nn

BatchFirstLSTM = partial(nn.LSTM, batch_first=True)

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = BatchFirstLSTM(8, 16)
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[-1])  # expect: RNN004
""",
    "lambda_bound_to_a_name": """
import torch.nn as nn

bigru = lambda n_in, n_hidden: nn.GRU(n_in, n_hidden, bidirectional=True, batch_first=True)

class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = bigru(8, 16)
        self.fc = nn.Linear(16, 2)  # expect: RNN001

    def forward(self, x):
        out, _ = self.gru(x)
        return self.fc(out[:, -1])
""",
    # a helper taking the output: the index runs on the batch axis of a batch-first output
    "helper_taking_the_output": """
import torch.nn as nn

def last_step(output):
    return output[-1]  # expect: RNN004

class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(8, 16, batch_first=True)
        self.fc = nn.Linear(16, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(last_step(out))
""",
    "nested_function_of_init": """
import torch.nn as nn

class Stack(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()

        def block(n_in):
            return nn.GRU(n_in, hidden, bidirectional=True)  # expect: RNN008

        self.first = block(8)
        self.second = block(hidden)

    def forward(self, x):
        out, _ = self.first(x)
        out, _ = self.second(out)
        return out
""",
    # the names `choices=[...]` allows: both are bidirectional, the head takes one direction
    "getattr_over_argparse_choices": """
import argparse
import torch.nn as nn

parser = argparse.ArgumentParser()
parser.add_argument("--rnn-type", choices=["LSTM", "GRU"], default="LSTM")

class Model(nn.Module):
    def __init__(self, rnn_type, hidden=16):
        super().__init__()
        self.rnn = getattr(nn, rnn_type)(8, hidden, bidirectional=True)
        self.fc = nn.Linear(hidden, 2)  # expect: RNN001

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out)
""",
    # a constant name needs no domain
    "getattr_with_a_constant_name": """
import torch.nn as nn

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = getattr(nn, "GRU")(8, 16, num_layers=1, dropout=0.2)  # expect: RNN009

    def forward(self, x):
        return self.rnn(x)[0]
""",
    "registry_dict_at_module_level": """
import torch.nn as nn

RNNS = {"lstm": nn.LSTM, "gru": nn.GRU}

class Model(nn.Module):
    def __init__(self, cell="lstm"):
        super().__init__()
        self.rnn = RNNS[cell](8, 16, batch_first=True)
        self.fc = nn.Linear(16, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out[-1])  # expect: RNN004
""",
    # class hierarchies: the base builds the RNN from the subclass's `super().__init__` arguments
    "base_built_from_super_arguments": """
import torch.nn as nn

class Base(nn.Module):
    def __init__(self, n_in, hidden, bidirectional):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, batch_first=True, bidirectional=bidirectional)

class Tagger(Base):
    def __init__(self, hidden=16):
        super().__init__(8, hidden, bidirectional=True)
        self.fc = nn.Linear(hidden, 3)  # expect: RNN001

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out)
""",
    # the subclass's forward calls an inherited method that reads the wrong axis
    "inherited_method_called_by_the_subclass": """
import torch.nn as nn

class Base(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, batch_first=True)

    def encode(self, x):
        out, _ = self.lstm(x)
        return out[-1]  # expect: RNN004

class Sentiment(Base):
    def __init__(self, hidden=16):
        super(Sentiment, self).__init__(8, hidden)
        self.fc = nn.Linear(hidden, 3)

    def forward(self, x):
        return self.fc(self.encode(x))
""",
    # construction sites: the site leaves `layer_num` at its default of 1 and asks for dropout
    "site_relies_on_the_default_layers": """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, n_in, hidden, layer_num=1, dropout=0.0):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, layer_num, dropout=dropout, batch_first=True)  # expect: RNN009

    def forward(self, x):
        out, _ = self.lstm(x)
        return out

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder(8, 16, dropout=0.5)

    def forward(self, x):
        return self.encoder(x)
""",
    # the site passes a one-direction flag and a head sized for two
    "site_passes_the_flag_the_head_misses": """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden, bidirectional):
        super().__init__()
        self.gru = nn.GRU(8, hidden, batch_first=True, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden, 2)  # expect: RNN001

    def forward(self, x):
        out, _ = self.gru(x)
        return self.fc(out[:, -1])

def main():
    model = Classifier(16, bidirectional=True)
    return model
""",
    # argparse: `--rnn-dropout-rate` is read back as `args.rnn_dropout_rate`, default 0.1
    "argparse_default_reaches_the_site": """
import argparse
import torch.nn as nn

class DMM(nn.Module):
    def __init__(self, input_dim=6, rnn_dim=12, num_layers=1, rnn_dropout_rate=0.0):
        super().__init__()
        self.rnn = nn.RNN(input_dim, rnn_dim, num_layers=num_layers, dropout=rnn_dropout_rate)  # expect: RNN009

    def forward(self, x):
        return self.rnn(x)[0]

def main(args):
    return DMM(rnn_dim=args.rnn_dim, rnn_dropout_rate=args.rnn_dropout_rate)

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rnn-dim", type=int, default=12)
    parser.add_argument("--rnn-dropout-rate", type=float, default=0.1)
    main(parser.parse_args())
""",
    # `**vars(args)` passes every option by its dest; set_defaults wins over the option's default
    "vars_of_the_arguments_unpacked": """
import argparse
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, emb_dim, hidden, layers, dropout, **unused):
        super().__init__()
        self.gru = nn.GRU(emb_dim, hidden, layers, dropout=dropout)  # expect: RNN009

    def forward(self, x):
        return self.gru(x)[0]

parser = argparse.ArgumentParser()
parser.add_argument("--emb-dim", type=int, default=100)
parser.add_argument("--hidden", type=int, default=64)
parser.add_argument("-l", "--layers", type=int, default=2)
parser.add_argument("--dropout", type=float, default=0.3)
parser.set_defaults(layers=1)
args = parser.parse_args()
model = Encoder(**vars(args))
""",
    # a dataclass config: the site's instance keeps the one-layer default next to dropout
    "dataclass_config_at_the_site": """
from dataclasses import dataclass, field
import torch.nn as nn

@dataclass
class Config:
    n_features: int = 6
    hidden: int = 10
    num_layers: int = 1
    dropout: float = 0.3
    tags: list = field(default_factory=list)

class Model(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.lstm = nn.LSTM(cfg.n_features, cfg.hidden, cfg.num_layers, dropout=cfg.dropout)  # expect: RNN009

    def forward(self, x):
        return self.lstm(x)[0]

def build():
    return Model(Config(hidden=12))
""",
    "simple_namespace_config_at_the_site": """
from types import SimpleNamespace
import torch.nn as nn

class Model(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.gru = nn.GRU(8, cfg.hidden, cfg.layers, dropout=cfg.dropout)  # expect: RNN009

    def forward(self, x):
        return self.gru(x)[0]

model = Model(SimpleNamespace(hidden=16, layers=1, dropout=0.2))
""",
}

CLEAN = {
    # no string in the file says what `rnn_type` is, and two numbers fit many classes (a
    # Linear, a cell, a Conv1d...): unknown (keywords only a recurrent layer takes are
    # followed, tests/test_program_dynamic.py)
    "getattr_of_a_name_the_file_does_not_pin": """
import torch.nn as nn

class Model(nn.Module):
    def __init__(self, rnn_type, hidden=16):
        super().__init__()
        self.rnn = getattr(nn, rnn_type)(8, hidden)
        self.fc = nn.Linear(hidden, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out)
""",
    # each registered class has its state handled on its own branch: `cell == 'gru'` and
    # `cell == 'lstm'` cannot both hold
    "registry_with_a_branch_per_name": """
import torch.nn as nn

RNNS = {"lstm": nn.LSTM, "gru": nn.GRU}

class Model(nn.Module):
    def __init__(self, cell="lstm"):
        super().__init__()
        self.cell = cell
        self.rnn = RNNS[cell](8, 16)
        self.fc = nn.Linear(16, 2)

    def forward(self, x):
        _, state = self.rnn(x)
        if self.cell == "gru":
            h_n = state
        else:
            h_n = state[0]
        return self.fc(h_n[-1])
""",
    # the factory's keywords come from an unknown mapping: any parameter may be set
    "factory_called_with_unknown_kwargs": """
import torch.nn as nn

def make_lstm(n_in, n_hidden, bidirectional=False, **kwargs):
    return nn.LSTM(n_in, n_hidden, bidirectional=bidirectional, **kwargs)

class Model(nn.Module):
    def __init__(self, options):
        super().__init__()
        self.lstm = make_lstm(8, 16, **options)
        self.fc = nn.Linear(32, 2)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out)
""",
    # the factory is defined twice: which one runs is not known
    "factory_defined_twice": """
import torch.nn as nn

def make_rnn(n_in, n_hidden):
    return nn.GRU(n_in, n_hidden, bidirectional=True)

def make_rnn(n_in, n_hidden):
    return nn.GRU(n_in, n_hidden)

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = make_rnn(8, 16)
        self.fc = nn.Linear(16, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out)
""",
    # the partial's keyword is overridden by the call
    "partial_keyword_overridden_at_the_call": """
from functools import partial
import torch.nn as nn

BatchFirstLSTM = partial(nn.LSTM, batch_first=True)

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = BatchFirstLSTM(8, 16, batch_first=False)
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[-1])
""",
    # a helper called with the layout it reads
    "helper_told_the_layout": """
import torch.nn as nn

def last_step(output, batch_first):
    return output[:, -1] if batch_first else output[-1]

class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(8, 16, batch_first=True)
        self.fc = nn.Linear(16, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(last_step(out, True))
""",
    # the subclass asks for one direction: the base's layer has `hidden` features
    "base_built_one_direction_by_the_subclass": """
import torch.nn as nn

class Base(nn.Module):
    def __init__(self, n_in, hidden, bidirectional=True):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, batch_first=True, bidirectional=bidirectional)

class Tagger(Base):
    def __init__(self, hidden=16):
        super().__init__(8, hidden, bidirectional=False)
        self.fc = nn.Linear(hidden, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out)
""",
    # the base's arguments come from an unknown mapping
    "super_arguments_from_unknown_kwargs": """
import torch.nn as nn

class Base(nn.Module):
    def __init__(self, n_in, hidden, bidirectional=False):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, bidirectional=bidirectional)

class Tagger(Base):
    def __init__(self, hidden=16, **kwargs):
        super().__init__(8, hidden, **kwargs)
        self.fc = nn.Linear(2 * hidden, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out)
""",
    # a signature default with no site in view: callers we cannot see pass what they pass
    "defaults_alone_with_no_site": """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, n_in, hidden, layer_num=1, dropout=0.5):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, layer_num, dropout=dropout)

    def forward(self, x):
        return self.lstm(x)[0]
""",
    # every site passes two layers next to the one-layer default
    "every_site_passes_two_layers": """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, n_in, hidden, layer_num=1, dropout=0.5):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, layer_num, dropout=dropout)

    def forward(self, x):
        return self.lstm(x)[0]

def small():
    return Encoder(8, 16, layer_num=2)

def large():
    return Encoder(8, 32, 2, 0.3)
""",
    # the parsed values are changed from a config file: unknown
    "argparse_values_updated_from_a_file": """
import argparse
import json
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, layers, dropout):
        super().__init__()
        self.gru = nn.GRU(8, 16, layers, dropout=dropout)

    def forward(self, x):
        return self.gru(x)[0]

parser = argparse.ArgumentParser()
parser.add_argument("--layers", type=int, default=1)
parser.add_argument("--dropout", type=float, default=0.3)
args = parser.parse_args()
vars(args).update(json.load(open("config.json")))
model = Encoder(args.layers, args.dropout)
""",
    # the option is set again after parsing
    "argparse_value_assigned_after_parsing": """
import argparse
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, layers, dropout):
        super().__init__()
        self.gru = nn.GRU(8, 16, layers, dropout=dropout)

    def forward(self, x):
        return self.gru(x)[0]

parser = argparse.ArgumentParser()
parser.add_argument("--layers", type=int, default=1)
parser.add_argument("--dropout", type=float, default=0.3)
args = parser.parse_args()
if args.dropout > 0:
    args.layers = 2
model = Encoder(args.layers, args.dropout)
""",
    # the site overrides the one-layer default of the NamedTuple
    "namedtuple_config_overridden_at_the_site": """
from typing import NamedTuple
import torch.nn as nn

class HParams(NamedTuple):
    hidden: int = 10
    num_layers: int = 1
    dropout: float = 0.3

class Model(nn.Module):
    def __init__(self, hp):
        super().__init__()
        self.lstm = nn.LSTM(8, hp.hidden, hp.num_layers, dropout=hp.dropout)

    def forward(self, x):
        return self.lstm(x)[0]

def build():
    return Model(HParams(num_layers=2))
""",
    # the config object's attribute is set again before the model is built
    "config_instance_attribute_reassigned": """
import torch.nn as nn
from dataclasses import dataclass

@dataclass
class Cfg:
    num_layers: int = 1
    dropout: float = 0.5

class Model(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, cfg.num_layers, dropout=cfg.dropout)

    def forward(self, x):
        return self.lstm(x)[0]

def main():
    cfg = Cfg()
    cfg.num_layers = 2
    return Model(cfg)
""",
    # another name for the same object is changed
    "config_instance_changed_through_another_name": """
import torch.nn as nn

class Cfg:
    def __init__(self):
        self.num_layers = 1
        self.dropout = 0.5

class Model(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, cfg.num_layers, dropout=cfg.dropout)

    def forward(self, x):
        return self.lstm(x)[0]

def main():
    cfg = Cfg()
    other = cfg
    other.num_layers = 2
    return Model(cfg)
""",
    # a function that changes the object it is given, or a method of the object, runs first
    "config_instance_given_to_a_function_that_changes_it": """
import torch.nn as nn

class Cfg:
    def __init__(self):
        self.num_layers = 1
        self.dropout = 0.5

    def deepen(self):
        self.num_layers += 1

class Model(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, cfg.num_layers, dropout=cfg.dropout)

    def forward(self, x):
        return self.lstm(x)[0]

def stack(cfg, layers):
    cfg.num_layers = layers

def main():
    cfg = Cfg()
    stack(cfg, 2)
    return Model(cfg)

def other():
    cfg = Cfg()
    cfg.deepen()
    return Model(cfg)

def unknown(load):
    cfg = Cfg()
    load(cfg)
    return Model(cfg)
""",
    # a nested config object changed in place
    "nested_config_instance_changed": """
import torch.nn as nn

class RnnCfg:
    def __init__(self):
        self.num_layers = 1
        self.dropout = 0.5

class Cfg:
    def __init__(self):
        self.rnn = RnnCfg()

class Model(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, cfg.num_layers, dropout=cfg.dropout)

    def forward(self, x):
        return self.lstm(x)[0]

def main():
    cfg = Cfg()
    cfg.rnn.num_layers = 2
    return Model(cfg.rnn)
""",
}


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_at_exactly_the_markers(name):
    source = FLAGGED[name]
    assert sorted((finding.row, finding.code) for finding in lint_source(source)) == expected_markers(source)


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_look_alike_yields_nothing(name):
    assert [(finding.row, finding.code, finding.message) for finding in lint_source(CLEAN[name])] == []


SITES_THAT_DISAGREE = """
import torch.nn as nn

class Forecaster(nn.Module):
    def __init__(self, n_in, hidden, num_layers=1, dropout=0.0):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, num_layers, dropout=dropout, batch_first=True)

    def forward(self, x):
        return self.lstm(x)[0]

def deep():
    return Forecaster(4, 16, num_layers=3, dropout=0.5)

def small():
    return Forecaster(4, 8, dropout=0.2)
"""


def test_a_finding_under_one_site_names_that_site():
    # the deep site is correct; the small one relies on the one-layer default
    (finding,) = lint_source(SITES_THAT_DISAGREE)
    assert finding.code == "RNN009" and finding.row == 7
    assert "(as built at line 16)" in finding.message
    assert finding.configurations == (("<string>", 16),)


def test_the_json_output_carries_the_configuration(tmp_path):
    import json
    import subprocess
    import sys

    path = tmp_path / "model.py"
    path.write_text(SITES_THAT_DISAGREE, encoding="utf-8")
    completed = subprocess.run([sys.executable, "-m", "rnnlint", "--no-cache", "--output-format", "json", str(path)],
                               capture_output=True, text=True, timeout=120)
    (item,) = json.loads(completed.stdout)
    assert item["configurations"] == [{"filename": str(path), "row": 16}]


def test_shapes_prints_each_configuration_and_where_its_values_come_from(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "model.py"
    path.write_text(SITES_THAT_DISAGREE, encoding="utf-8")
    completed = subprocess.run([sys.executable, "-m", "rnnlint", "shapes", str(path)],
                               capture_output=True, text=True, timeout=120)
    assert "class Forecaster, as built at line 13" in completed.stdout
    assert "class Forecaster, as built at line 16" in completed.stdout
    assert "configuration: n_in=4, hidden=8, num_layers=1 (default), dropout=0.2" in completed.stdout


CLOSED = """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, hidden, bidirectional=False):
        super().__init__()
        self.gru = nn.GRU(8, hidden, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden, 2)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.fc(out)

def build():
    return Encoder(16)
"""


def _codes(source, closed):
    import ast

    from rnnlint._analysis import analyse
    from rnnlint.rules import ALL_RULES
    from rnnlint.rules._base import RuleContext

    facts = analyse(ast.parse(source), source, closed_classes=closed)
    # the rules that judge the analysis's facts (RNN100 judges suppression comments)
    return [rule.CODE for rule in ALL_RULES if rule.CODE != "RNN100"
            for _ in rule().check(RuleContext(facts=facts))]


def test_a_conditional_finding_no_site_reaches_is_left_out_when_every_site_is_in_view():
    # with callers out of view, `bidirectional=True` is a configuration someone may build
    assert _codes(CLOSED, frozenset()) == ["RNN001"]
    # every construction is in view and none passes `bidirectional=True`
    assert _codes(CLOSED, frozenset({"Encoder"})) == []
    # a site that does reach it keeps the finding, now under that site
    reached = CLOSED + "\ndef bidirectional():\n    return Encoder(16, bidirectional=True)\n"
    assert _codes(reached, frozenset({"Encoder"})) == ["RNN001"]


def test_shapes_says_which_values_are_argparse_defaults(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "dmm.py"
    path.write_text(FLAGGED["argparse_default_reaches_the_site"], encoding="utf-8")
    completed = subprocess.run([sys.executable, "-m", "rnnlint", "shapes", str(path)],
                               capture_output=True, text=True, timeout=120)
    assert "class DMM, as built at line 14" in completed.stdout
    assert ("configuration: input_dim=6 (default), rnn_dim=12 (argparse default, line 18), num_layers=1 (default), "
            "rnn_dropout_rate=0.1 (argparse default, line 19)") in completed.stdout


def test_a_finding_says_which_of_its_values_are_argparse_defaults():
    (finding,) = lint_source(FLAGGED["argparse_default_reaches_the_site"])
    # the rate is the option's default the site passes; the one layer is the signature's default
    assert finding.message.startswith(
        "`self.rnn` sets `dropout` to `0.1` (argparse default, line 19) but has `num_layers` `1` (as built at line 14)")


def test_a_finding_says_where_in_another_file_its_argparse_defaults_are(tmp_path):
    model = """\
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self, vocab, hidden, n_layers, dropout):
        super().__init__()
        self.emb = nn.Embedding(vocab, hidden)
        self.gru = nn.GRU(hidden, hidden, n_layers, dropout=dropout)

    def forward(self, x):
        return self.gru(self.emb(x))[0]
"""
    train = """\
import argparse

from model import Decoder

parser = argparse.ArgumentParser()
parser.add_argument("--hidden", type=int, default=256)
parser.add_argument("--n-layers", type=int, default=1)
parser.add_argument("--dropout", type=float, default={dropout})
args = parser.parse_args()
model = Decoder(1000, args.hidden, args.n_layers, {rate})
"""
    (finding,) = _model_findings(tmp_path / "read", model, train.format(dropout=0.5, rate="args.dropout"))
    assert finding.message.startswith(
        "`self.gru` sets `dropout` to `0.5` (argparse default, train.py:8) but has `num_layers` `1` "
        "(argparse default, train.py:7) (as built at train.py:10);")
    # a rate the site writes itself is no option's default, even where one has the same value
    (finding,) = _model_findings(tmp_path / "written", model, train.format(dropout=0.5, rate="0.5"))
    assert "`0.5` but has" in finding.message
    assert "`1` (argparse default, train.py:7)" in finding.message


def test_an_input_size_finding_says_which_sizes_are_argparse_defaults(tmp_path):
    model = """\
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, vocab, emb_dim, hidden, n_tags):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb_dim)
        self.lstm = nn.LSTM(hidden, hidden, batch_first=True)
        self.head = nn.Linear(hidden, n_tags)

    def forward(self, x):
        out, _ = self.lstm(self.emb(x))
        return self.head(out)
"""
    train = """\
import argparse

from model import Tagger

parser = argparse.ArgumentParser()
parser.add_argument("--emb-dim", type=int, default=100)
parser.add_argument("--hidden", type=int, default=256)
args = parser.parse_args()
model = Tagger(5000, args.emb_dim, {hidden}, 9)
"""
    (finding,) = _model_findings(tmp_path / "read", model, train.format(hidden="args.hidden"))
    assert finding.message == (
        "`self.lstm` is built with `input_size` `256` (argparse default, train.py:7), but is fed `100` "
        "features (argparse default, train.py:6) (as built at train.py:9)")
    # a size the site writes itself has no origin to tell
    (finding,) = _model_findings(tmp_path / "written", model, train.format(hidden="256"))
    assert "`input_size` `256`, but is fed `100` features (argparse default, train.py:6)" in finding.message


def test_a_head_finding_says_its_in_features_are_an_argparse_default(tmp_path):
    model = """\
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, emb_dim, hidden, n_tags):
        super().__init__()
        self.lstm = nn.LSTM(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(hidden, n_tags)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out)
"""
    train = """\
import argparse

from model import Tagger

parser = argparse.ArgumentParser()
parser.add_argument("--hidden", type=int, default=256)
args = parser.parse_args()
model = Tagger(100, args.hidden, 9)
"""
    (finding,) = _model_findings(tmp_path, model, train)
    assert finding.message == (
        "`self.head` takes `256` input features (argparse default, train.py:6), but receives `512` from "
        "bidirectional `self.lstm` (as built at train.py:8)")


def _model_findings(root, model: str, train: str) -> list:
    """The findings of ``model.py`` in a project of its own beside ``train.py``, which builds it."""
    from rnnlint import lint_paths
    from rnnlint._project import forget_projects

    write_project(root, {"pyproject.toml": "", "model.py": model, "train.py": train})
    forget_projects()
    try:
        return lint_paths([str(root / "model.py")])
    finally:
        forget_projects()
