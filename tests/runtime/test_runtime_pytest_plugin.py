"""The pytest plugin, run as a real inner pytest session over small buggy and fixed projects.

The inner sessions run in this process, which restores sys.modules after each: torch and
the runtime are imported here first, so that they are never torn down and imported again.
"""

import textwrap

import jaxtyping  # noqa: F401
import pytest
import torch  # noqa: F401

import rnnlint.runtime  # noqa: F401
from pytest_rnnlint import parse_packages

pytest_plugins = ["pytester"]

MODEL = """
    import pytest
    import torch
    from torch import nn


    class Tagger(nn.Module):
        def __init__(self, state_layers):
            super().__init__()
            self.gru = nn.GRU(4, 6, bidirectional=True)
            self.fc = nn.Linear(12, 2)
            self.state_layers = state_layers

        def forward(self, x):
            h0 = torch.zeros(self.state_layers, x.shape[1], 6)
            out, _ = self.gru(x, h0)
            return self.fc(out[-1])


    def test_tagger():
        assert Tagger(state_layers={layers})(torch.zeros(5, 3, 4)).shape == (3, 2)
"""

SILENT = """
    import pytest
    import torch
    from torch import nn


    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.gru = nn.GRU(4, 6, num_layers=2)
            self.fc = nn.Linear(6, 2)

        def forward(self, x):
            _, h_n = self.gru(x)
            return self.fc({head_input})


    @pytest.mark.rnnlint(batch=3, seq=5)
    def test_marked():
        Classifier()(torch.zeros(5, 3, 4))


    def test_fixture(rnn_watch):
        model = Classifier()
        rnn_watch(model, batch=3, seq=5)
        model(torch.zeros(5, 3, 4))
"""

ANNOTATED = """
    import torch
    from jaxtyping import Float
    from torch import Tensor


    def last_step(output: Float[Tensor, "seq batch hidden"]) -> Float[Tensor, "batch hidden"]:
        return output[{index}]
"""

USES_ANNOTATED = """
    import torch
    from shapes_pkg import last_step


    def test_last_step():
        last_step(torch.zeros(5, 3, 6))
"""


def write_model(pytester, state_layers):
    pytester.makepyfile(test_model=textwrap.dedent(MODEL.format(layers=state_layers)))


def test_buggy_model_fails_with_torch_error_without_the_flag(pytester):
    write_model(pytester, state_layers=1)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Expected hidden size (2, 3, 6), got [[]1, 3, 6[]]*"])
    result.stdout.no_fnmatch_line("*rnnlint rule*")


def test_buggy_model_fails_with_the_rnnlint_message_with_the_flag(pytester):
    write_model(pytester, state_layers=1)
    result = pytester.runpytest("--rnnlint")
    result.assert_outcomes(failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "*RNNShapeError: `Tagger.gru` got a wrong initial state*",
        "*h_0: expected (num_layers * num_directions, batch, hidden_size) = (2, 3, 6), got (1, 3, 6)*",
        "*see: rnnlint rule RNN006*",
    ])
    # the report ends on the model's own line, not in torch's hook machinery
    result.stdout.fnmatch_lines(["*out, _ = self.gru(x, h0)*", "E *.RNNShapeError: `Tagger.gru`*"])
    result.stdout.no_fnmatch_line("*def inner():*")


def test_ini_option_mirrors_the_flag(pytester):
    write_model(pytester, state_layers=1)
    pytester.makeini("[pytest]\nrnnlint = true\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*see: rnnlint rule RNN006*"])


@pytest.mark.parametrize("flags", [[], ["--rnnlint"]])
def test_fixed_model_passes_with_and_without_the_flag(pytester, flags):
    write_model(pytester, state_layers=2)
    pytester.runpytest(*flags).assert_outcomes(passed=1)


def test_marker_and_fixture_declare_sizes_and_catch_a_silent_bug(pytester):
    pytester.makepyfile(test_silent=textwrap.dedent(SILENT.format(head_input="h_n")))
    result = pytester.runpytest()
    result.assert_outcomes(failed=2)
    # count the traceback lines only: with CI set, pytest repeats messages in its short summary
    traceback_lines = [line for line in result.stdout.lines
                       if line.startswith("E") and "see: rnnlint rule RNN002" in line]
    assert len(traceback_lines) == 2


def test_marker_and_fixture_pass_a_correct_model(pytester):
    pytester.makepyfile(test_silent=textwrap.dedent(SILENT.format(head_input="h_n[-1]")))
    pytester.runpytest("--rnnlint").assert_outcomes(passed=2)


def test_unmarked_silent_bug_passes_without_the_plugin_checks(pytester):
    source = textwrap.dedent(SILENT.format(head_input="h_n"))
    pytester.makepyfile(test_silent=source.replace("@pytest.mark.rnnlint(batch=3, seq=5)", ""))
    pytester.runpytest("-k", "marked").assert_outcomes(passed=1, deselected=1)


def write_annotated(pytester, index):
    package = pytester.mkpydir("shapes_pkg")
    (package / "__init__.py").write_text(textwrap.dedent(ANNOTATED.format(index=index)))
    pytester.makepyfile(test_annotated=textwrap.dedent(USES_ANNOTATED))


def test_packages_option_checks_annotations_with_the_rnnlint_message(pytester):
    write_annotated(pytester, index=":, -1")  # the last sample of each step, not the last step
    pytester.runpytest().assert_outcomes(passed=1)
    result = pytester.runpytest("--rnnlint-packages=shapes_pkg")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*ShapeError: shapecheck: the return value of `shapes_pkg.last_step` does not match*",
        "*`batch` is bound to 3, but axis 0 has size 5*",
    ])


def test_packages_ini_option_mirrors_the_flag(pytester):
    write_annotated(pytester, index=":, -1")
    pytester.makeini("[pytest]\nrnnlint_packages = shapes_pkg, other_pkg\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ShapeError: shapecheck: the return value*"])


def test_packages_option_passes_a_correct_package(pytester):
    write_annotated(pytester, index="-1")
    pytester.runpytest("--rnnlint-packages=shapes_pkg").assert_outcomes(passed=1)


def test_package_imported_too_early_is_named_in_a_warning(pytester):
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    result = pytester.runpytest("--rnnlint-packages=json")
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*rnnlint: imported before the annotation checks*: json"])


def test_bad_package_name_is_a_usage_error(pytester):
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    result = pytester.runpytest("--rnnlint-packages=good,beartype.beartype(conf=1)")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*not a package name: 'beartype.beartype(conf=1)'*"])


@pytest.mark.parametrize(("text", "names"), [
    ("pkg", ["pkg"]),
    (" pkg1, pkg2.sub ,", ["pkg1", "pkg2.sub"]),
    ("pkg1\npkg2", ["pkg1", "pkg2"]),
    ("", []),
])
def test_parse_packages(text, names):
    assert parse_packages(text) == names


@pytest.mark.parametrize(("head_input", "outcome"), [
    ("h_n", {"failed": 2}), ("h_n[-1]", {"passed": 2}),
])
def test_flag_alone_recognises_h_n_by_identity(pytester, head_input, outcome):
    # no sizes declared: the head recognises the GRU's own h_n
    source = textwrap.dedent(SILENT.format(head_input=head_input))
    source = source.replace("@pytest.mark.rnnlint(batch=3, seq=5)\n", "")
    source = source.replace("rnn_watch(model, batch=3, seq=5)", "rnn_watch(model)")
    pytester.makepyfile(test_silent=source)
    result = pytester.runpytest("--rnnlint")
    result.assert_outcomes(**outcome)
    found = [line for line in result.stdout.lines if line.startswith("E") and "see: rnnlint rule" in line]
    if head_input == "h_n":
        assert len(found) == 2 and all("RNN002" in line for line in found)
        result.stdout.fnmatch_lines(["*`Classifier.fc` got the whole final state of `Classifier.gru`*"])
    else:
        assert found == []
