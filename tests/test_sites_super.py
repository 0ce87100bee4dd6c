"""A subclass's ``super().__init__(...)`` is a construction of its base: the base as every
instance of the subclass builds it (the values the call passes, the defaults it relies on),
in the base's file or in another project file. A subclass that changes what the base's
``__init__`` reads (a class attribute, a method) or passes what it got on (``*args``) is no
such configuration."""


import pytest

from rnnlint import lint_paths
from rnnlint._project import forget_projects

from conftest import found_by_file, write_project

pytestmark = pytest.mark.usefixtures("fresh_projects")

BASE = """\
import torch.nn as nn


class Tagger(nn.Module):
    width = 8

    def __init__(self, hidden=16, depth=1, dropout=0.3, n_tags=2):
        super().__init__()
        self.encoder = nn.LSTM(self.width, hidden // 2, self.layers(depth), dropout=dropout,
                               bidirectional=True)
        self.out = nn.Linear(hidden, n_tags)

    def layers(self, depth):
        return depth

    def forward(self, x):
        out, _ = self.encoder(x)
        return self.out(out)
"""

SUB = """\
from base import Tagger


class NewsTagger(Tagger):
{body}
"""

RELYING = "    def __init__(self, n_tags=2):\n        super().__init__(n_tags=n_tags)\n"


def test_a_subclass_in_another_file_relying_on_the_defaults_is_a_configuration(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "", "base.py": BASE, "news.py": SUB.format(body=RELYING)})
    findings = lint_paths([str(tmp_path / "base.py")])
    assert found_by_file(findings) == [("base.py", 9, "RNN009")]
    assert "(as built at news.py:6)" in findings[0].message


def test_a_subclass_in_the_same_file_relying_on_the_defaults_is_a_configuration(tmp_path):
    text = BASE + "\n\n" + SUB.format(body=RELYING).replace("from base import Tagger\n", "")
    write_project(tmp_path, {"pyproject.toml": "", "base.py": text})
    assert found_by_file(lint_paths([str(tmp_path / "base.py")])) == [("base.py", 9, "RNN009")]


@pytest.mark.parametrize("body", [
    # stacks the layers the dropout needs
    "    def __init__(self):\n        super().__init__(depth=2)\n",
    # no dropout at all
    "    def __init__(self):\n        super().__init__(dropout=0.0)\n",
    # overrides the hook the base's __init__ reads the depth from
    RELYING + "\n    def layers(self, depth):\n        return depth + 1\n",
    # what it passes on is not known
    "    def __init__(self, *args, **kwargs):\n        super().__init__(*args, **kwargs)\n",
    # no __init__ of its own: no construction of the base in view
    "    pass\n",
])
def test_subclasses_building_a_working_base_are_silent(tmp_path, body):
    write_project(tmp_path, {"pyproject.toml": "", "base.py": BASE, "news.py": SUB.format(body=body)})
    assert found_by_file(lint_paths([str(tmp_path)])) == []


def test_a_subclass_overriding_a_class_attribute_the_base_reads_is_silent(tmp_path):
    base = BASE.replace("self.layers(depth)", "depth + self.extra")
    base = base.replace("    width = 8\n", "    width = 8\n    extra = 0\n")
    body = "    extra = 1\n\n" + RELYING
    write_project(tmp_path, {"pyproject.toml": "", "base.py": base, "news.py": SUB.format(body=body)})
    assert found_by_file(lint_paths([str(tmp_path)])) == []
    # the same subclass without its class attribute builds the single layer
    write_project(tmp_path, {"news.py": SUB.format(body=RELYING)})
    forget_projects()
    assert found_by_file(lint_paths([str(tmp_path / "base.py")])) == [("base.py", 10, "RNN009")]
