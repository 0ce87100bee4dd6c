"""What the editor server shows, without a client: code units, ``# noqa`` edits and hover texts."""

from __future__ import annotations

from rnnlint._editor import facts_of, from_units, noqa_code_at, noqa_edit, rule_hover, shape_hover, to_units

from conftest import ROOT


def test_code_units_and_back():
    line = 'grüße = "😀"; rnn = nn.GRU(8, 16)'
    column = line.index("nn.GRU")
    assert (to_units(line, column, "utf-16"), to_units(line, column, "utf-8"), to_units(line, column, "utf-32")) \
        == (20, 24, 19)
    for encoding in ("utf-8", "utf-16", "utf-32"):
        assert from_units(line, to_units(line, column, encoding), encoding) == column


def test_noqa_edit_adds_a_comment_or_a_code():
    assert noqa_edit("x = f(y)\n", "RNN001") == (8, 8, "  # noqa: RNN001")
    assert noqa_edit("x = f(y)   # reason\n", "RNN001") == (19, 19, "  # noqa: RNN001")
    line = "x = f(y)  # noqa: RNN004\n"
    assert noqa_edit(line, "RNN001") == (24, 24, ", RNN001")
    assert noqa_edit(line, "RNN004") is None and noqa_edit("x = f(y)  # noqa\n", "RNN001") is None


def test_noqa_code_hover():
    line = "x = f(y)  # noqa: RNN004, RNN001"
    assert noqa_code_at(line, line.index("RNN001") + 2) == "RNN001"
    assert noqa_code_at(line, 2) is None and noqa_code_at("x = 'RNN004'", 6) is None
    from rnnlint.rules import RULES_BY_CODE

    rule = RULES_BY_CODE["RNN004"]
    assert rule_hover("RNN004") == f"**RNN004** `{rule.NAME}`\n\n{rule.summary()}\n\n" \
        "[Documentation](https://github.com/rnnlint/rnnlint/blob/main/docs/rules/RNN004.md)"
    assert rule_hover("RNN999") is None


def _hover_at(source: str, needle: str, shift: int = 0, occurrence: int = 0):
    facts = facts_of(source, "model.py")
    lines = source.splitlines()
    seen = 0
    for row, line in enumerate(lines, start=1):
        if needle in line:
            if seen == occurrence:
                return shape_hover(facts, row, line, line.index(needle) + shift)
            seen += 1
    raise AssertionError(needle)


def test_shapes_follow_the_statement_that_bound_the_name_last():
    source = (ROOT / "examples" / "rnn004_batch_axis_as_time" / "buggy.py").read_text(encoding="utf-8")
    text = _hover_at(source, "last = ")
    assert "last: (seq, hidden_size)" in text


def test_a_flag_shows_each_alternative():
    source = (
        "import torch.nn as nn\n\n"
        "class Tagger(nn.Module):\n"
        "    def __init__(self, bidirectional: bool, hidden_size=16):\n"
        "        super().__init__()\n"
        "        self.rnn = nn.GRU(8, hidden_size, batch_first=True, bidirectional=bidirectional)\n\n"
        "    def forward(self, x):\n"
        "        out, h_n = self.rnn(x)\n"
        "        return out\n"
    )
    text = _hover_at(source, "out, h_n", shift=0)
    assert "out: (batch, seq, 2*hidden_size) if bidirectional | (batch, seq, hidden_size) if not bidirectional" \
        in text.replace("`", "")
    assert _hover_at(source, "self.rnn(x)", shift=5).count("GRU(") == 1


def test_no_hover_where_nothing_is_known():
    source = "import torch.nn as nn\n\ndef helper(x):\n    y = x.sum()\n    return y\n"
    assert _hover_at(source, "y = ") is None
    assert shape_hover(None, 1, "x = 1", 0) is None


def test_an_expression_shows_its_shape():
    source = (ROOT / "examples" / "rnn001_head_features_mismatch" / "buggy.py").read_text(encoding="utf-8")
    # on `mean`: the argument of the head, `out.mean(dim=1)`
    text = _hover_at(source, "out.mean", shift=5)
    assert text.startswith("```\nout.mean(dim=1): (batch, 2*hidden_size)\n```")
    # the head's result is not straight from the LSTM: no "sizes from" there
    returned = _hover_at(source, "return self.fc")
    assert "return: (batch, n_classes)" in returned and "sizes from" not in returned
    forecaster = (ROOT / "examples" / "rnn004_batch_axis_as_time" / "buggy.py").read_text(encoding="utf-8")
    assert "out[:, -1, :]: (seq, hidden_size)" in _hover_at(forecaster, "last = out[", shift=11)


def test_a_name_in_a_comment_or_string_has_no_shape():
    source = (
        "import torch.nn as nn\n\n"
        "class Tagger(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.rnn = nn.GRU(8, 16)\n\n"
        "    def forward(self, x):\n"
        "        out, h_n = self.rnn(x)\n"
        "        # out is the output\n"
        "        label = 'out'\n"
        "        return out\n"
    )
    assert _hover_at(source, "# out", shift=2) is None
    assert _hover_at(source, "'out'", shift=1) is None
    assert "out: (seq, batch, 16)" in _hover_at(source, "return out", shift=7)
