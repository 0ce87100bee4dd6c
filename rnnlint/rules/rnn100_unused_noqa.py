"""RNN100 unused-noqa: a ``# noqa: RNNxxx`` that suppresses nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from ._base import Invalid, Report, Rule, RuleContext


class UnusedNoqa(Rule):
    """
    ## What it does
    Checks for an rnnlint code in a `# noqa:` comment that suppresses no finding on its line.
    The finding it was written for is gone, or the code names no rnnlint rule.

    Only `RNN` codes are judged, and only where the rules they name checked the file (a code of
    a rule left out by `select`, `ignore` or `per-file-ignores` is left alone: another
    configuration may need it). A bare `# noqa` is left alone, and so is the code of this rule.

    ## Why is this bad?
    A suppression outlives the bug it was written for. Left in place, it hides the next
    finding of that rule on the line, which may be a new bug, and tells the reader that
    something is wrong with code that is right.

    ## Example
    ```python
    self.lstm = nn.LSTM(input_size, hidden_size, num_layers=2, dropout=0.3)  # noqa: RNN009
    ```

    ## Use instead
    ```python
    self.lstm = nn.LSTM(input_size, hidden_size, num_layers=2, dropout=0.3)
    ```

    ## Fix safety
    The fix takes the code out of the comment, or the whole comment when it was the only code
    (a comment after it stays). It changes no code, so it is safe. When other text follows the
    codes in the same comment (`# noqa: RNN009 because...`), removing the comment would leave
    that text outside it: no fix is offered.
    """

    CODE = "RNN100"
    NAME = "unused-noqa"
    MESSAGE = "`# noqa` lists `{code}`, which {reason}"
    FIX_TITLE = "Remove `{code}` from the `# noqa` comment"
    READS = "suppressions"

    VALID: ClassVar[list[str]] = [
        # the code suppresses the finding it names
        "import torch.nn as nn\n"
        "rnn = nn.LSTM(8, 16, dropout=0.3)  # noqa: RNN009\n",
        # a bare noqa, other linters' codes, and this rule's own code are left alone
        "import torch.nn as nn\n"
        "rnn = nn.LSTM(8, 16)  # noqa\n"
        "gru = nn.GRU(8, 16)  # noqa: E501, F401\n"
        "cell = nn.GRU(8, 16)  # noqa: RNN100\n",
        # a prefix that suppresses a finding is used
        "import torch.nn as nn\n"
        "rnn = nn.LSTM(8, 16, dropout=0.3)  # noqa: RNN00\n",
        # a noqa inside a string is no comment
        "import torch.nn as nn\n"
        "rnn = nn.LSTM(8, 16)\n"
        "text = 'x = 1  # noqa: RNN001'\n",
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            "import torch.nn as nn\n"
            "rnn = nn.LSTM(8, 16, num_layers=2, dropout=0.3)  # noqa: RNN009  # expect: RNN100:58\n",
            fixed="import torch.nn as nn\n"
                  "rnn = nn.LSTM(8, 16, num_layers=2, dropout=0.3)\n",
        ),
        Invalid(
            "import torch.nn as nn\n"
            "rnn = nn.LSTM(8, 16, dropout=0.3)  # noqa: RNN009, RNN001  # expect: RNN100:52\n"
            "gru = nn.GRU(8, 16)  # noqa: RNN011,E501  # type: ignore  # expect: RNN100:30\n",
            fixed="import torch.nn as nn\n"
                  "rnn = nn.LSTM(8, 16, dropout=0.3)  # noqa: RNN009\n"
                  "gru = nn.GRU(8, 16)  # noqa: E501  # type: ignore\n",
        ),
        Invalid(
            "import torch.nn as nn\n"
            "rnn = nn.LSTM(8, 16)  # noqa: RNN999  # type: ignore  # expect: RNN100:31\n",
            fixed="import torch.nn as nn\n"
                  "rnn = nn.LSTM(8, 16)  # type: ignore\n",
        ),
        # other text after the code in the same comment: advice only
        Invalid(
            "import torch.nn as nn\n"
            "rnn = nn.LSTM(8, 16)  # noqa: RNN009 the dropout is set later  # expect: RNN100:31\n",
        ),
    ]

    def check(self, context: RuleContext) -> Iterator[Report]:
        facts = context.suppressions
        for comment in facts.comments:
            for listed in comment.codes:
                if listed.used or not listed.code.startswith("RNN") or "RNN100".startswith(listed.code):
                    continue
                named = [code for code in facts.known_codes if code.startswith(listed.code)]
                if not named:
                    reason = "names no rnnlint rule"
                elif all(code in facts.rules_run for code in named):
                    reason = "suppresses no finding on this line"
                else:
                    continue  # a rule it names did not check this file: another configuration may need it
                replacements = ((listed.removal, ""),) if listed.removal is not None else ()
                yield self.report(listed.span, replacements=replacements, code=listed.code, reason=reason)
