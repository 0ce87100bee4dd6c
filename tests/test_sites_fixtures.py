"""A test function's parameter named after a ``@pytest.fixture`` of its module is what that
fixture returns: ``Model(**params)`` with the fixture's dict is a construction site. A fixture
that takes ``params=``, yields, is parametrized over by the test, or whose shared value
some test of the module changes in place is unknown."""


import pytest

from rnnlint import lint_paths
from rnnlint._project import forget_projects

from conftest import found_by_file, write_project

pytestmark = pytest.mark.usefixtures("fresh_projects")

MODEL = """\
import torch.nn as nn


class Forecaster(nn.Module):
    def __init__(self, loss, hidden_size=16, num_layers=2, dropout=0.1, metadata=None):
        super().__init__()
        self.loss = loss
        self.lstm = nn.LSTM(hidden_size, hidden_size, num_layers=num_layers, dropout=dropout,
                            batch_first=True)

    def forward(self, x):
        return self.lstm(x)[0]
"""

TESTS = """\
import pytest
import torch.nn as nn

from model import Forecaster

NUM_LAYERS = {layers}


@pytest.fixture(scope="module")
def params():
    return {{"loss": nn.MSELoss(), "hidden_size": 8, "num_layers": NUM_LAYERS, "dropout": 0.1}}


def test_forward(params):
    model = Forecaster(**params, metadata={{}})
    assert model.lstm.num_layers == NUM_LAYERS
{extra}"""


def test_a_fixtures_dict_passed_to_the_class_is_a_configuration(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "", "model.py": MODEL,
                     "test_model.py": TESTS.format(layers=1, extra="")})
    findings = lint_paths([str(tmp_path / "model.py")])
    assert found_by_file(findings) == [("model.py", 8, "RNN009")]
    assert "(as built at test_model.py:15)" in findings[0].message


def test_a_fixture_in_the_same_file_as_the_class(tmp_path):
    tests = TESTS.format(layers=1, extra="").replace("from model import Forecaster\n", "")
    write_project(tmp_path, {"pyproject.toml": "", "model.py": MODEL + "\n\n" + tests})
    assert found_by_file(lint_paths([str(tmp_path / "model.py")])) == [("model.py", 8, "RNN009")]


PARAMETRIZED = '''

@pytest.mark.parametrize("params", [{"loss": None, "num_layers": 2}])
def test_again(params):
    Forecaster(**params)
'''

MUTATED = '''

def test_deeper(params):
    params["num_layers"] = 2
    Forecaster(**params)
'''


@pytest.mark.parametrize(("layers", "extra", "fixture"), [
    (2, "", None),  # the fixture stacks two layers
    (1, MUTATED, None),  # a test changes the module-scoped dict in place: order decides
    (1, "", "@pytest.fixture(params=[1, 2])\ndef params(request):\n"
     "    return {'loss': None, 'num_layers': request.param, 'dropout': 0.1}\n"),
    (1, "", "@pytest.fixture\ndef params():\n    yield {'loss': None, 'num_layers': 1, 'dropout': 0.1}\n"),
])
def test_fixtures_that_do_not_fix_one_layer_are_silent(tmp_path, layers, extra, fixture):
    tests = TESTS.format(layers=layers, extra=extra)
    if fixture is not None:
        start = tests.index("@pytest.fixture")
        tests = tests[:start] + fixture + tests[tests.index("\n\ndef test_forward"):]
    write_project(tmp_path, {"pyproject.toml": "", "model.py": MODEL, "test_model.py": tests})
    assert found_by_file(lint_paths([str(tmp_path)])) == []


def test_a_test_parametrized_over_the_fixtures_name_is_not_the_fixture(tmp_path):
    tests = TESTS.format(layers=2, extra=PARAMETRIZED.replace('"num_layers": 2', '"num_layers": 2, "dropout": 0.1'))
    write_project(tmp_path, {"pyproject.toml": "", "model.py": MODEL, "test_model.py": tests})
    assert found_by_file(lint_paths([str(tmp_path)])) == []


def test_a_dict_changed_after_its_literal_is_read_as_changed(tmp_path):
    tests = """\
from model import Forecaster


def test_deeper():
    config = {"loss": None, "num_layers": 1, "dropout": 0.1}
    config["num_layers"] = 2 * config["num_layers"]
    Forecaster(**config)
"""
    write_project(tmp_path, {"pyproject.toml": "", "model.py": MODEL, "test_model.py": tests})
    assert found_by_file(lint_paths([str(tmp_path)])) == []
    write_project(tmp_path, {"test_model.py": tests.replace("2 * config", "config")})
    forget_projects()
    assert found_by_file(lint_paths([str(tmp_path / "model.py")])) == [("model.py", 8, "RNN009")]
