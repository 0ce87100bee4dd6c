"""Layers the program picks while it runs: methods resolved in Python's C3 order.

Every snippet carries `# expect: CODE` markers that must match its findings exactly; the clean
look-alikes are correct programs, or programs whose values the analysis cannot pin down, and
must yield nothing.
"""

from __future__ import annotations

import pytest

from rnnlint import lint_source

from conftest import expected_markers

FLAGGED = {
    # C3: Tagger, Recurrent, Bidirectional, Plain: the bidirectional builder wins
    "c3_order_picks_the_base_of_the_first_base": """
import torch.nn as nn

class Bidirectional:
    def build_rnn(self, n_in, hidden):
        return nn.LSTM(n_in, hidden, batch_first=True, bidirectional=True)

class Plain:
    def build_rnn(self, n_in, hidden):
        return nn.LSTM(n_in, hidden, batch_first=True)

class Recurrent(Bidirectional):
    pass

class Tagger(Recurrent, Plain, nn.Module):
    def __init__(self, n_in=6, hidden=10, n_tags=4):
        super().__init__()
        self.rnn = self.build_rnn(n_in, hidden)
        self.head = nn.Linear(hidden, n_tags)  # expect: RNN001

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out)
""",
    # a diamond: super() in Left goes on to Right (the instance's order), not to Base
    "super_follows_the_instance_order": """
import torch.nn as nn

class Base(nn.Module):
    def __init__(self):
        super().__init__()
        self.bidirectional = False

class Left(Base):
    def __init__(self):
        super().__init__()

class Right(Base):
    def __init__(self):
        super().__init__()
        self.bidirectional = True

class Model(Left, Right):
    def __init__(self, hidden=8):
        super().__init__()
        self.lstm = nn.LSTM(4, hidden, bidirectional=self.bidirectional)
        self.head = nn.Linear(hidden, 2)  # expect: RNN001

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out)
""",
}

CLEAN = {
    # the breadth-first walk would take Plain's unidirectional builder; C3 takes Bidirectional's
    "c3_order_head_sized_for_the_builder_it_gets": """
import torch.nn as nn

class Bidirectional:
    def build_rnn(self, n_in, hidden):
        return nn.LSTM(n_in, hidden, batch_first=True, bidirectional=True)

class Plain:
    def build_rnn(self, n_in, hidden):
        return nn.LSTM(n_in, hidden, batch_first=True)

class Recurrent(Bidirectional):
    pass

class Tagger(Recurrent, Plain, nn.Module):
    def __init__(self, n_in=6, hidden=10, n_tags=4):
        super().__init__()
        self.rnn = self.build_rnn(n_in, hidden)
        self.head = nn.Linear(2 * hidden, n_tags)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out)
""",
    # a diamond where depth first (Model, Left, Base) would keep Base's flag
    "diamond_super_reaches_the_override": """
import torch.nn as nn

class Base(nn.Module):
    def __init__(self):
        super().__init__()
        self.bidirectional = False

class Left(Base):
    def __init__(self):
        super().__init__()

class Right(Base):
    def __init__(self):
        super().__init__()
        self.bidirectional = True

class Model(Left, Right):
    def __init__(self, hidden=8):
        super().__init__()
        self.lstm = nn.LSTM(4, hidden, bidirectional=self.bidirectional)
        self.head = nn.Linear(2 * hidden, 2)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out)
""",
}


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_at_exactly_the_markers(name):
    source = FLAGGED[name]
    assert sorted((finding.row, finding.code) for finding in lint_source(source)) == expected_markers(source)


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_look_alike_yields_nothing(name):
    assert [(finding.row, finding.code, finding.message) for finding in lint_source(CLEAN[name])] == []
