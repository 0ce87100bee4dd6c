"""Values the rest of one file sets: module-level names wherever they are bound, names set
again elsewhere, and flags compared with `== True`.

Every snippet carries `# expect: CODE` markers that must match its findings exactly; the clean
look-alikes are correct programs (or programs whose values the file does not pin down) and must
yield nothing.
"""

from __future__ import annotations

import pytest

from rnnlint import lint_source

from conftest import expected_markers

FLAGGED = {
    # `n_hidden` is bound once, under the script part: methods read that value
    "global_bound_under_main": """
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, n_hidden, num_layers=1, dropout=DROPOUT)  # expect: RNN009

    def forward(self, x):
        out, _ = self.lstm(x)
        return out

if __name__ == "__main__":
    n_hidden = 16
    DROPOUT = 0.5
    model = Tagger()
""",
    "global_bound_in_try_after_the_class": """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, HIDDEN, bidirectional=True)
        self.fc = nn.Linear(HIDDEN, 2)  # expect: RNN001

    def forward(self, x):
        out, _ = self.gru(x)
        return self.fc(out)

try:
    HIDDEN = 32
except ImportError:
    pass
""",
    "global_declared_but_only_read_elsewhere": """
import torch.nn as nn

LAYERS = 1
DROPOUT = 0.3

def report():
    global LAYERS
    print(LAYERS)

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, num_layers=LAYERS, dropout=DROPOUT)  # expect: RNN009

    def forward(self, x):
        return self.lstm(x)[0]
""",
    # `== True` is the same condition as truthiness: the head is still one direction short
    "head_sized_with_a_flag_compared_with_false": """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, params):
        super().__init__()
        self.num_directions = 1 if params.bidirectional == False else 1
        self.gru = nn.GRU(8, params.hidden, bidirectional=params.bidirectional)
        self.fc = nn.Linear(params.hidden * self.num_directions, 2)  # expect: RNN001

    def forward(self, x):
        out, _ = self.gru(x)
        return self.fc(out)
""",
    # the default keeps the class's setting, and that setting is batch-first
    "class_setting_kept_by_the_default_argument": """
import torch.nn as nn

class Encoder(nn.Module):
    batch_first = True

    def __init__(self, input_size, hidden_size, batch_first=None):
        super().__init__()
        if batch_first is not None:
            self.batch_first = batch_first
        self.rnn = nn.LSTM(input_size, hidden_size, batch_first=self.batch_first)

    def forward(self, x):
        out, _ = self.rnn(x)
        return out[-1]  # expect: RNN004
""",
    # a layer built once at module level is that layer in every function that reads it
    "layers_built_at_module_level_read_by_a_function": """
import torch
from torch import nn

lstm = nn.LSTM(8, 16, bidirectional=True)
head = nn.Linear(16, 2)  # expect: RNN001

def train(x):
    out, _ = lstm(x)
    return head(out)

train(torch.randn(5, 4, 8))
""",
    "layer_built_in_the_script_part_read_by_main": """
import torch
from torch import nn

def main():
    x = torch.randn(5, 4, 8)
    out, _ = encoder(x)
    return out[:, -1]  # expect: RNN004

if __name__ == "__main__":
    encoder = nn.GRU(8, 16)
    main()
""",
}

CLEAN = {
    # the layer's setting is changed after it is built: read at each call, so not known
    "module_level_layer_changed_after_it_is_built": """
import torch
from torch import nn

lstm = nn.LSTM(8, 16)
lstm.batch_first = True

def last_step(x):
    out, _ = lstm(x)
    return out[:, -1]

last_step(torch.randn(4, 5, 8))
""",
    "module_level_layer_changed_by_setattr_in_a_function": """
import torch
from torch import nn

lstm = nn.LSTM(8, 16)

def configure():
    setattr(lstm, "batch_first", True)

def last_step(x):
    out, _ = lstm(x)
    return out[:, -1]
""",
    "module_level_layer_rebuilt_by_a_function": """
import torch
from torch import nn

rnn = nn.GRU(8, 16)
head = nn.Linear(32, 2)

def build():
    global rnn
    rnn = nn.GRU(8, 16, bidirectional=True)

def score(x):
    out, _ = rnn(x)
    return head(out)
""",
    "module_level_layer_moved_to_a_device": """
import torch
from torch import nn

rnn = nn.GRU(8, 16, bidirectional=True)
head = nn.Linear(32, 2)
rnn = rnn.to("cpu")

def score(x):
    out, _ = rnn(x)
    return head(out)
""",
    # the layer is changed through a parameter of the function it is passed to
    "module_level_layer_changed_through_a_parameter": """
import torch
from torch import nn

lstm = nn.LSTM(8, 16)

def make_batch_first(module):
    module.batch_first = True

make_batch_first(lstm)

def last_step(x):
    out, _ = lstm(x)
    return out[:, -1]

last_step(torch.randn(4, 5, 8))
""",
    "module_level_layer_changed_by_setattr_through_a_parameter": """
import torch
from torch import nn

lstm = nn.LSTM(8, 16)

def configure(module, name):
    setattr(module, name, True)

configure(lstm, "batch_first")

def last_step(x):
    out, _ = lstm(x)
    return out[:, -1]

last_step(torch.randn(4, 5, 8))
""",
    "module_level_layers_that_agree": """
import torch
from torch import nn

rnn = nn.GRU(8, 16, bidirectional=True)
head = nn.Linear(32, 2)

def score(x):
    out, _ = rnn(x)
    return head(out[-1])

score(torch.randn(5, 4, 8))
""",
    # tests/corpus/projects/subclass_overrides_batch_first: a caller passing `batch_first`
    # (or a subclass) reads the output its own way; the default is sequence-first
    "class_setting_overridden_by_an_optional_argument": """
import torch.nn as nn

class SequenceEncoder(nn.Module):
    batch_first = False

    def __init__(self, input_size, hidden_size, batch_first=None):
        super().__init__()
        if batch_first is not None:
            self.batch_first = batch_first
        self.rnn = nn.LSTM(input_size, hidden_size, batch_first=self.batch_first)

    def summarise(self, out):
        return out[-1]

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.summarise(out)
""",
    # a branch that leaves an attribute unset reads the class attribute
    "class_attribute_read_where_a_branch_sets_nothing": """
import torch.nn as nn

class Encoder(nn.Module):
    directions = 1

    def __init__(self, hidden, bidirectional=False):
        super().__init__()
        if bidirectional:
            self.directions = 2
        self.gru = nn.GRU(8, hidden, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden * self.directions, 2)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.fc(out)
""",
    # chrisvdweth/ml-toolkit: the head is sized with `== True`, the RNN with the flag itself
    "head_sized_with_a_flag_compared_with_true": """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, params):
        super().__init__()
        self.num_directions = 2 if params.bidirectional == True else 1
        self.gru = nn.GRU(8, params.hidden, bidirectional=params.bidirectional)
        self.fc = nn.Linear(params.hidden * self.num_directions, 2)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.fc(out)
""",
    "head_sized_with_a_parameter_flag_compared_with_is_true": """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden, bidirectional=False):
        super().__init__()
        directions = 1 if bidirectional is not True else 2
        self.gru = nn.GRU(8, hidden, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden * directions, 2)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.fc(out)
""",
    # `configure()` sets the placeholders before any model is built (tests/corpus/projects)
    "global_reassigned_in_configure": """
import torch.nn as nn

NUM_LAYERS = 1
DROPOUT = 0.0
BATCH_FIRST = False

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, num_layers=NUM_LAYERS, dropout=DROPOUT, batch_first=BATCH_FIRST)

    def forward(self, tokens):
        out, _ = self.lstm(tokens)
        return out[:, -1]

def configure(args):
    global NUM_LAYERS, DROPOUT, BATCH_FIRST
    NUM_LAYERS = args.layers
    DROPOUT = args.dropout
    BATCH_FIRST = True
""",
    # a one-line function's `global` statement follows its colon, not an indent
    "global_reassigned_by_a_one_line_function": """
import torch.nn as nn

LAYERS = 1
DROPOUT = 0.5

def set_layers(n): global LAYERS; LAYERS = n

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, num_layers=LAYERS, dropout=DROPOUT)

    def forward(self, x):
        return self.lstm(x)[0]
""",
    "global_assigned_twice_at_module_level": """
import torch.nn as nn

LAYERS = 1
DROPOUT = 0.5
if __name__ == "__main__":
    LAYERS = 2

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, num_layers=LAYERS, dropout=DROPOUT)

    def forward(self, x):
        return self.lstm(x)[0]
""",
    "global_rebound_by_a_loop": """
import torch.nn as nn

HIDDEN = 16
for HIDDEN in (16, 32):
    pass

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, HIDDEN, bidirectional=True)
        self.fc = nn.Linear(2 * 16, 2)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.fc(out)
""",
    "global_augmented_in_the_script_part": """
import torch.nn as nn

HIDDEN = 8
if __name__ == "__main__":
    HIDDEN *= 2

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, HIDDEN, bidirectional=True)
        self.fc = nn.Linear(32, 2)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.fc(out)
""",
}


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_at_exactly_the_markers(name):
    source = FLAGGED[name]
    assert sorted((finding.row, finding.code) for finding in lint_source(source)) == expected_markers(source)


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_look_alike_yields_nothing(name):
    assert [(finding.row, finding.code, finding.message) for finding in lint_source(CLEAN[name])] == []
