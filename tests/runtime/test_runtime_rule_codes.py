"""Every rule code the runtime side can name is a rule of the registry, so that
`see: rnnlint rule RNNnnn` always leads to a documented rule."""

import re
from pathlib import Path

import rnnlint.runtime
from rnnlint.rules import RULES_BY_CODE

RUNTIME_SOURCES = sorted(Path(rnnlint.runtime.__file__).parent.glob("*.py"))


def test_runtime_codes_are_registered_rules():
    named = {code for path in RUNTIME_SOURCES
             for code in re.findall(r"\"(RNN\d{3})\"", path.read_text())}
    assert {"RNN001", "RNN006", "RNN008"} <= named
    assert named <= set(RULES_BY_CODE)
