"""A call whose arguments do not fit the signature raises ``TypeError`` before the body runs: the
analysis follows no path into the body through that call, so nothing the body would do with
those arguments is reported, and a finding reached by another call names only that call's
condition. Arguments that ``*args``/``**kwargs`` take, or that bind as Python binds them, run the
body as before. Each snippet's ``# expect:`` markers must match its findings exactly; the torch
tests show what each case does when it runs.
"""

from __future__ import annotations

import pytest
import torch

from rnnlint import lint_source

from conftest import expected_positions, without_markers

STEP = """
import torch
import torch.nn as nn

class Step(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.cell = nn.GRUCell(4, hidden)

    def forward({parameters}):
        return self.cell(x, h){mark}

class Model(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.step = Step(hidden)

    def forward(self, x, verbose=False):
        h = x.new_zeros(x.size(0), self.hidden)
        if verbose:
            return self.step({call})
        return self.step(x, h)
"""

TUPLE = "  # expect: RNN007:29"

CASES = {
    # `verbose=True` is no parameter of Step.forward: that call raises, the tuple never reaches the cell
    "unexpected_keyword": STEP.format(parameters="self, x, h", call="x, (h, h), verbose=True", mark=""),
    # one positional argument too many: the same
    "too_many_positional": STEP.format(parameters="self, x, h", call="x, (h, h), True", mark=""),
    # `h` given by position and by keyword: the same
    "given_twice": STEP.format(parameters="self, x, h", call="x, (h, h), h=h", mark=""),
    # Step.forward takes any keyword: the tuple reaches the cell
    "keywords_taken_by_kwargs": STEP.format(parameters="self, x, h, **options", call="x, (h, h), verbose=True",
                                            mark=TUPLE),
    # a parameter of that name: the tuple reaches the cell
    "keyword_of_the_signature": STEP.format(parameters="self, x, h, verbose=False", call="x, (h, h), verbose=True",
                                            mark=TUPLE),
    # extra positional arguments taken by `*rest`
    "positional_taken_by_varargs": STEP.format(parameters="self, x, h, *rest", call="x, (h, h), True", mark=TUPLE),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_findings_match_the_markers(name):
    source = CASES[name]
    found = sorted((finding.row, finding.column + 1, finding.code) for finding in lint_source(without_markers(source)))
    assert found == expected_positions(source)


def test_a_finding_reached_by_another_call_names_that_calls_condition():
    # the tuple reaches the cell only through the call without `verbose` (the other raises):
    # the condition printed is the one under which the faulty line runs
    source = """
import torch.nn as nn

class Step(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.cell = nn.GRUCell(4, hidden)

    def forward(self, x, h):
        return self.cell(x, h)

class Model(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.step = Step(hidden)

    def forward(self, x, verbose=False):
        h = x.new_zeros(x.size(0), self.hidden)
        pair = (h, h)
        if verbose:
            return self.step(x, pair, verbose=True)
        return self.step(x, pair)
"""
    findings = lint_source(source)
    assert [(finding.code, finding.row) for finding in findings] == [("RNN007", 10)]
    assert "when `verbose` is false" in findings[0].message


def _model(name: str):
    namespace: dict = {}
    exec(compile(without_markers(CASES[name]), "<snippet>", "exec"), namespace)
    return namespace["Model"]()


@pytest.mark.parametrize("name", ["unexpected_keyword", "too_many_positional", "given_twice"])
def test_the_call_that_does_not_fit_raises_before_the_cell_runs(name):
    model = _model(name)
    x = torch.randn(3, 4)
    assert model(x).shape == (3, 8)
    with pytest.raises(TypeError, match="argument"):
        model(x, verbose=True)


@pytest.mark.parametrize("name", ["keywords_taken_by_kwargs", "keyword_of_the_signature",
                                  "positional_taken_by_varargs"])
def test_the_call_that_fits_gives_the_cell_a_tuple(name):
    model = _model(name)
    x = torch.randn(3, 4)
    with pytest.raises(AttributeError, match="'tuple' object"):  # the GRUCell reads the tuple's `.dim()`
        model(x, verbose=True)
