"""RNN007: an LSTM's ``(h_n, c_n)`` tuple used as one tensor, or one tensor used as that tuple."""

from __future__ import annotations

import ast
import re
from typing import ClassVar

from .._analysis import (
    CELL_KINDS,
    DIFFERENT,
    LAYER_PARAMETERS,
    SHAPE_PRESERVING,
    STEP,
    CellCall,
    IndexInt,
    Layer,
    LayerCall,
    Return,
    RnnCall,
    Tensor,
    TensorOp,
    TensorSubscript,
    TupleSubscript,
    TupleValue,
    Unknown,
    Unpack,
    as_int,
    cases,
    compare,
    merge_guards,
    number,
)
from .._source import SourceLines
from ._base import Invalid, Rule
from ._edits import past_parentheses, text_between
from ._util import definite, layer_label, layers_in, run_of, source_of, when, widest

# layers whose first argument must be one tensor (nn.Identity passes anything through)
TENSOR_LAYERS = (set(LAYER_PARAMETERS) | SHAPE_PRESERVING) - {"Identity"}
# second names that say "cell state": (h, c), (hidden, cell), (h_n, c_n), (hx, cx)
CELL_NAME = re.compile(r"^(c|cx|cn|ct|cs|c_?[0nt]|\w*cell\w*)$", re.IGNORECASE)


class LstmStateTuple(Rule):
    """
    ## What it does
    Checks for an LSTM's `(h_n, c_n)` state used as one tensor, or one tensor used as that
    state. It flags `hidden[-1]` on the tuple (that is `c_n`; not when it is assigned to a name
    that says cell state, as in `h_n, c_n = hidden[0], hidden[-1]`), the tuple indexed like a
    tensor (`hidden[-1, :, :]`), the tuple fed to a layer or a tensor operation, a tensor
    attribute read on it (`hidden.shape[0]` in a helper that checks shapes), a bare tensor
    given to an LSTM as its initial state, a tuple given to a GRU or an RNN, and the `h_n` of a
    GRU or an RNN unpacked as `(h, c)`.
    The same for recurrent cells: an `nn.LSTMCell` takes and returns `(h, c)`, an `nn.GRUCell`
    or `nn.RNNCell` one tensor `h`, so a lone tensor given to an LSTMCell, a tuple given to a
    GRUCell, and `h, c = gru_cell(x, h)` are reported, and so is an LSTMCell's `(h, c)` fed to a
    layer (`h = self.cell(x_t, (h, c))` then `self.fc(h)`). A pair that reaches the layer only
    from an earlier iteration of a loop exists only if that iteration ran: it is not reported.

    ## Why is this bad?
    An LSTM returns `(output, (h_n, c_n))` where a GRU or an RNN returns `(output, h_n)`.
    Code written for one and run with the other goes wrong in quiet ways: on the tuple,
    `hidden[-1]` is `c_n` (the cell state), not the last layer of `h_n`, and the shapes agree,
    so nothing raises. A GRU's `h_n` unpacked as `h, c` splits the layers axis when
    `num_layers * num_directions` is 2. A bare tensor given to an LSTM as `hx`, or the tuple
    indexed with several indices, raises.

    ## Example
    ```python
    _, hidden = self.lstm(x)
    return self.fc(hidden[-1])
    ```

    ## Use instead
    ```python
    _, (h_n, c_n) = self.lstm(x)
    return self.fc(h_n[-1])
    ```

    ## Fix safety
    `hidden[-1]` on the state tuple becomes `hidden[0][-1]`, the last layer of `h_n`. The fix
    is unsafe: it changes the values the code computes, and a model trained on `c_n` must be
    retrained. The other cases get advice only.
    """

    CODE = "RNN007"
    NAME = "lstm-state-tuple"
    MESSAGE = "{observed} of {rnn}{condition}, {expected}"
    FIX_TITLE = "Take the last layer of `h_n`: {fixed}"

    VALID: ClassVar[list[str]] = [
        """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(16, hidden, num_layers=2, batch_first=True)
        self.fc = nn.Linear(hidden, 4)

    def forward(self, x):
        _, (h_n, c_n) = self.lstm(x)
        return self.fc(h_n[-1])
""",
        """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.gru = nn.GRU(16, hidden, num_layers=2, batch_first=True)
        self.fc = nn.Linear(hidden, 4)

    def forward(self, x):
        _, hidden = self.gru(x)
        return self.fc(hidden[-1])
""",
        """
import torch
import torch.nn as nn

class LanguageModel(nn.Module):
    def __init__(self, vocab, hidden=64, layers=2):
        super().__init__()
        self.layers, self.hidden = layers, hidden
        self.embed = nn.Embedding(vocab, hidden)
        self.lstm = nn.LSTM(hidden, hidden, layers)
        self.out = nn.Linear(hidden, vocab)

    def init_hidden(self, batch):
        weight = next(self.parameters())
        return (weight.new_zeros(self.layers, batch, self.hidden),
                weight.new_zeros(self.layers, batch, self.hidden))

    def forward(self, tokens):
        hidden = self.init_hidden(tokens.size(1))
        out, hidden = self.lstm(self.embed(tokens), hidden)
        hidden = tuple(h.detach() for h in hidden)
        h, c = hidden
        return self.out(out), (h, c)
""",
        """
import torch
from torch import nn

class Summarizer(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, bidirectional=True)
        self.fc = nn.Linear(32, 2)

    def forward(self, x):
        _, h_n = self.gru(x)
        h_forward, h_backward = h_n
        return self.fc(torch.cat((h_forward, h_backward), dim=1))
""",
        """
import torch
import torch.nn as nn

class Steppers(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.lstm_cell = nn.LSTMCell(3, hidden)
        self.gru_cell = nn.GRUCell(3, hidden)

    def forward(self, x):
        h = c = g = torch.zeros(x.size(0), self.hidden)
        for t in range(x.size(1)):
            h, c = self.lstm_cell(x[:, t], (h, c))
            g = self.gru_cell(x[:, t], g)
        return h + g
""",
        """
import torch
import torch.nn as nn

class BridgedDecoder(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.bridge = nn.Linear(16, hidden)
        self.lstm = nn.LSTM(3, hidden, batch_first=True)

    def forward(self, y, ctx):
        h0 = torch.tanh(self.bridge(ctx)).unsqueeze(0)
        out, _ = self.lstm(y, (h0, torch.zeros_like(h0)))
        return out
""",
    ]
    INVALID: ClassVar[list[Invalid]] = [
        # an LSTMCell step returns `(h, c)`: kept whole in `h`, the head gets the tuple
        Invalid(
            """
import torch
import torch.nn as nn

class PairDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.LSTMCell(8, 16)
        self.fc = nn.Linear(16, 2)

    def forward(self, x):
        h = torch.zeros(x.size(0), 16)
        c = torch.zeros(x.size(0), 16)
        outs = []
        for t in range(x.size(1)):
            h = self.cell(x[:, t], (h, c))
            outs.append(self.fc(h))  # expect: RNN007:25
        return torch.stack(outs, 1)
"""
        ),
        Invalid(
            """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(16, hidden, num_layers=2, batch_first=True)
        self.fc = nn.Linear(hidden, 4)

    def forward(self, x):
        _, hidden = self.lstm(x)
        return self.fc(hidden[-1])  # expect: RNN007:24
""",
            fixed="""
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(16, hidden, num_layers=2, batch_first=True)
        self.fc = nn.Linear(hidden, 4)

    def forward(self, x):
        _, hidden = self.lstm(x)
        return self.fc(hidden[0][-1])
""",
        ),
        Invalid(
            """
from torch import nn

class Encoder(nn.Module):
    def __init__(self, hidden_size):
        super().__init__()
        self.rnn = nn.GRU(10, hidden_size, num_layers=2)

    def forward(self, x):
        out, (h, c) = self.rnn(x)  # expect: RNN007:14
        return out, h
"""
        ),
        Invalid(
            """
import torch
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self, layers=1, hidden=20):
        super().__init__()
        self.layers, self.hidden = layers, hidden
        self.lstm = nn.LSTM(8, hidden, layers, batch_first=True)

    def forward(self, x):
        h0 = torch.zeros(self.layers, x.size(0), self.hidden, device=x.device)
        out, _ = self.lstm(x, h0)  # expect: RNN007:31
        return out
"""
        ),
        Invalid(
            """
from torch.nn import LSTM, Module

class StatefulLSTM(Module):
    def __init__(self):
        super().__init__()
        self.cell = LSTM(4, 8)

    def forward(self, x):
        out, state = self.cell(x)
        return out, state.detach()  # expect: RNN007:21
"""
        ),
        Invalid(
            """
import torch
import torch.nn as nn

class Stepper(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.LSTMCell(3, hidden)

    def forward(self, x):
        h = torch.zeros(x.size(0), self.hidden)
        for t in range(x.size(1)):
            h = self.cell(x[:, t], h)  # expect: RNN007:36
        return h
"""
        ),
        Invalid(
            """
import torch.nn as nn

class GruStepper(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.GRUCell(3, hidden)

    def forward(self, x):
        h = x.new_zeros(x.size(0), self.hidden)
        for t in range(x.size(1)):
            h = self.cell(x[:, t], (h, h))  # expect: RNN007:36
        return h
"""
        ),
        Invalid(
            """
import torch.nn as nn

class Decoder(nn.Module):
    def __init__(self, hidden=6):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.GRUCell(3, hidden)

    def forward(self, x):
        h = x.new_zeros(x.size(0), self.hidden)
        for t in range(x.size(1)):
            h, c = self.cell(x[:, t], h)  # expect: RNN007:13
        return h
"""
        ),
        Invalid(
            """
import torch
import torch.nn as nn

class BridgedDecoder(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.bridge = nn.Linear(16, hidden)
        self.lstm = nn.LSTM(3, hidden, batch_first=True)

    def forward(self, y, ctx):
        out, _ = self.lstm(y, torch.tanh(self.bridge(ctx)).unsqueeze(0))  # expect: RNN007:31
        return out
"""
        ),
        Invalid(
            """
import torch
import torch.nn as nn

class StaleStateClassifier(nn.Module):
    def __init__(self, hidden=8, layers=2):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.rnn = nn.RNN(3, hidden, layers, batch_first=True)

    def forward(self, x):
        h0 = torch.zeros(self.layers, x.size(0), self.hidden)
        c0 = torch.zeros(self.layers, x.size(0), self.hidden)
        out, _ = self.rnn(x, (h0, c0))  # expect: RNN007:30
        return out[:, -1]
"""
        ),
        Invalid(
            """
import torch.nn as nn

class TupleStateDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(8, 16)

    def init_state(self, h_n):
        return (h_n,)

    def forward(self, tgt, state):
        out, _ = self.rnn(tgt, state)  # expect: RNN007:32
        return out

class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.GRU(8, 16)
        self.decoder = TupleStateDecoder()

    def forward(self, src, tgt):
        _, h_n = self.encoder(src)
        return self.decoder(tgt, self.decoder.init_state(h_n))
"""
        ),
    ]

    def check(self, context):
        facts = context.facts
        # the `return` that handed back each value a helper built: a bare state is reported there
        returned: dict = {}
        for _, event in facts.of(Return):
            if event.node.value is not None:
                returned.setdefault(id(event.value), []).append((event.guard, event.node.value))
        # (kind, node, run) -> (scope, [event, ...]): a node's cases are judged together, one
        # run at a time (a construction site's configuration apart from the class's symbolic run,
        # whose symbols it does not share), and a node is reported once
        groups: dict = {}
        for scope, event in facts.of(TensorSubscript, TupleSubscript, LayerCall, TensorOp, RnnCall, CellCall, Unpack):
            groups.setdefault((event.kind, id(event.node), run_of(event.guard)), (scope, []))[1].append(event)
        nested = {id(event.node.value) for _, event in facts.of(TensorSubscript, TupleSubscript)
                  if isinstance(event.node, ast.Subscript)}
        reported: set = set()
        for (kind, node_id, _), (_, events) in groups.items():
            if (kind, node_id) in reported:
                continue
            outcomes = [outcome for event in events for outcome in _judge(event, facts, returned)]
            found = list(definite(outcomes))
            for guard, (node, rnn, observed, expected, fix) in found:
                # the fewest conditions: those both of whose sides the same finding holds on go
                said = (observed, layer_label(rnn), expected)
                guard = widest(guard, [other for other, payload in found
                                       if (payload[2], layer_label(payload[1]), payload[3]) == said])
                replacements: tuple = ()
                fixed = ""
                unconditional = all(flagged is True for _, flagged, _ in outcomes)
                if fix is not None and unconditional and id(node) not in nested:
                    replacements, fixed = ((node, fix),), f"`{fix}`"
                yield self.report(
                    node, replacements=replacements, fix_safe=False,
                    help=_CELL_PAIR_HELP if kind == "layer_call" and rnn.kind == "LSTMCell" else _HELP[kind],
                    observed=observed, rnn=layer_label(rnn), expected=expected,
                    condition=when(guard), fixed=fixed,
                )
                reported.add((kind, node_id))
                break


# Each judge yields (guard, flagged, (node, rnn, observed, expected, fix)) for one fact.


def _judge(event, facts, returned: dict):
    if isinstance(event, TensorSubscript):
        yield event.guard, False, None  # indexing a tensor is what the code should do
    elif isinstance(event, TupleSubscript):
        yield from _tuple_subscript(event, facts)
    elif isinstance(event, LayerCall):
        yield from _layer_call(event, facts)
    elif isinstance(event, TensorOp):
        yield from _tensor_op(event)
    elif isinstance(event, RnnCall):
        yield from _rnn_call(event, returned)
    elif isinstance(event, CellCall):
        yield from _cell_call(event)
    elif isinstance(event, Unpack):
        yield from _unpack(event, facts)


def _tuple_subscript(event: TupleSubscript, facts):
    base, items = event.value, event.items
    if base.origin == "state" and len(items) > 1:
        # `hidden[-2, :, :]`: a tuple takes one index, so this raises a TypeError
        yield event.guard, True, (event.node, base.rnn, f"`{source_of(event.node)}` indexes the `(h_n, c_n)` tuple",
                                  "which is not a tensor", None)
        return
    flagged = base.origin == "state" and len(items) == 1 and isinstance(items[0], IndexInt) \
        and as_int(items[0].value) == -1
    if flagged and any(CELL_NAME.match(name) for name in facts.names_bound(event.node)):
        # `c_n = hidden[-1]`, `h_n, c_n = hidden[0], hidden[-1]`: the cell state, on purpose
        yield event.guard, False, None
        return
    fix = _first_item(event.node, facts.lines) if flagged else None
    yield event.guard, flagged, (event.node, base.rnn, f"`{source_of(event.node)}` is the `c_n`",
                                 "not the last layer of `h_n`", fix)


def _layer_call(event: LayerCall, facts):
    layer, args = event.layer, event.args
    if not args or not isinstance(layer, Layer) or not _takes_tensor(layer):
        return
    for guard, case in cases(args[0], event.guard):
        if isinstance(case, TupleValue) and case.origin == "state":
            yield guard, True, (event.node, case.rnn, f"{layer_label(layer)} receives the `(h_n, c_n)` tuple",
                                "not a tensor", None)
        elif isinstance(case, TupleValue) and case.origin == STEP:
            # an LSTMCell's `(h', c')`: made by this iteration in a first pass (an earlier one's
            # in a later pass exists only if that iteration ran: no evidence)
            step = facts.cell_call_of(case.items[0]) if case.items else None
            cell = next((found for _, found in layers_in(step.cell, guard, CELL_KINDS)), None) \
                if step is not None else None
            if event.later_pass or cell is None or cell.kind != "LSTMCell":
                continue
            yield guard, True, (event.node, cell, f"{layer_label(layer)} receives the `(h, c)` tuple",
                                "not a tensor", None)
        elif isinstance(case, Tensor):
            yield guard, False, None


def _tensor_op(event: TensorOp):
    call = event.node
    if isinstance(call, ast.Attribute):
        observed = f"`.{event.op}` is read on the `(h_n, c_n)` tuple"
    elif "." in event.op or not isinstance(call.func, ast.Attribute):
        observed = f"`{source_of(call.func)}` is applied to the `(h_n, c_n)` tuple"
    else:
        observed = f"`.{event.op}()` is called on the `(h_n, c_n)` tuple"
    for guard, case in cases(event.operand, event.guard):
        if isinstance(case, TupleValue) and case.origin == "state":
            yield guard, True, (call, case.rnn, observed, "not a tensor", None)
        elif isinstance(case, Tensor):
            yield guard, False, None


def _rnn_call(event: RnnCall, returned: dict):
    hx, hx_node = event.hx, event.hx_node
    if hx is None or hx_node is None:
        return
    # a tuple (written at the call, `self.rnn(x, (h0, c0))`, or made elsewhere: a state another
    # module built) given to a module that is a GRU or an RNN in every case (where it may be an
    # LSTM, the code may pick the state to match)
    single_state = all(rnn.kind in ("GRU", "RNN") for _, rnn in layers_in(event.rnn, event.guard))
    for guard, rnn in layers_in(event.rnn, event.guard):
        for hx_guard, case in cases(hx, guard):
            if isinstance(case, TupleValue) and single_state:
                # only an LSTM takes `(h_0, c_0)`: `self.rnn(x, (h0, c0))` after an LSTM became an RNN
                yield hx_guard, True, (hx_node, rnn, f"`{source_of(hx_node)}` is passed as the initial state",
                                       f"{_article(rnn.kind)} takes one tensor `h_0`, not a tuple", None)
            elif isinstance(case, TupleValue):
                yield hx_guard, False, None
            elif rnn.kind == "LSTM" and _certainly_tensor(case):
                node = next((node for return_guard, node in returned.get(id(case), ())
                             if merge_guards(return_guard, hx_guard) is not None), hx_node)
                yield hx_guard, True, (node, rnn, f"`{source_of(node)}` is passed alone as the initial state",
                                       "not as an `(h_0, c_0)` tuple", None)
            elif rnn.kind != "LSTM" and _certainly_tensor(case):
                # what a GRU or an RNN takes: where the module may be either, no evidence either way
                yield hx_guard, False, None


def _cell_call(event: CellCall):
    """An LSTMCell takes `(h, c)`; a GRUCell or an RNNCell one tensor `h`."""
    hx, hx_node = event.hx, event.hx_node
    if hx is None or hx_node is None:
        return
    for guard, cell in layers_in(event.cell, event.guard, CELL_KINDS):
        pair = cell.kind == "LSTMCell"
        for hx_guard, case in cases(hx, guard):
            if isinstance(case, TupleValue):
                if pair:
                    # what an earlier step returned exists only if that step could run: no evidence
                    yield hx_guard, (None if case.origin == STEP else False), None
                else:
                    yield hx_guard, True, (hx_node, cell, f"`{source_of(hx_node)}` is passed as the state",
                                           f"{_article(cell.kind)} takes one tensor `h`, not a tuple", None)
            elif _certainly_tensor(case):
                if pair:
                    yield hx_guard, True, (hx_node, cell, f"`{source_of(hx_node)}` is passed alone as the state",
                                           "not as an `(h, c)` tuple", None)
                else:
                    yield hx_guard, False, None


def _unpack(event: Unpack, facts):
    value, target = event.value, event.node
    if isinstance(value, Tensor) and value.origin == STEP:
        yield from _unpack_step(event, facts)
        return
    if not isinstance(value, Tensor) or value.origin != "h_n" or value.rnn is None or event.count != 2:
        if isinstance(value, TupleValue) and value.origin == "state":
            yield event.guard, False, None
        return
    rnn = value.rnn
    if rnn.kind not in ("GRU", "RNN"):
        return
    second = target.elts[1]
    if isinstance(second, ast.Starred):
        second = second.value
    named_cell = isinstance(second, ast.Name) and CELL_NAME.match(second.id) is not None
    rows = compare(value.shape[0], number(2), event.guard) if value.shape else None
    wrong_count = rows is not None and rows.verdict == DIFFERENT
    if not (named_cell or wrong_count):
        yield event.guard, False, None  # `h_forward, h_backward = h_n`: two rows, two names
        return
    guard = event.guard | (rows.guard if rows is not None and wrong_count else frozenset())
    yield guard, True, (target, rnn, f"`{source_of(target)}` unpacks the `h_n`", f"a {rnn.kind} has no `c_n`", None)


def _unpack_step(event: Unpack, facts):
    """`h, c = gru_cell(x, h)`: a GRUCell or RNNCell returns one tensor, whose unpacking splits the batch."""
    step = facts.cell_call_of(event.value)
    if step is None or event.count != 2:
        return
    second = event.node.elts[1]
    if isinstance(second, ast.Starred):
        second = second.value
    if not (isinstance(second, ast.Name) and CELL_NAME.match(second.id)):
        return
    for guard, cell in layers_in(step.cell, event.guard, CELL_KINDS):
        if cell.kind == "LSTMCell":
            yield guard, False, None
        else:
            observed = f"`{source_of(event.node)}` unpacks the one tensor returned by a step"
            yield guard, True, (event.node, cell, observed,
                                f"{_article(cell.kind)} has no cell state `c`", None)


def _article(kind: str) -> str:
    """`a GRU`, `an RNN`: as the name is read aloud."""
    return f"an {kind}" if kind.startswith(("RNN", "LSTM")) else f"a {kind}"


_CELL_PAIR_HELP = "an LSTMCell returns `(h, c)`: unpack it, `h, c = self.cell(x, (h, c))`, then feed `h`"
_HELP = {
    "subscript": "an LSTM returns `(output, (h_n, c_n))`: the last layer's hidden state is `hidden[0][-1]`",
    "layer_call": "unpack the state first: `_, (h_n, c_n) = self.lstm(x)`, then feed `h_n[-1]`",
    "tensor_op": "apply it to each tensor: `tuple(h.detach() for h in hidden)`",
    "rnn_call": "an LSTM takes `(h_0, c_0)`: build `c_0` like `h_0` and pass the tuple; a GRU or an RNN "
                "takes `h_0` alone",
    "unpack": "a GRU or an RNN returns `(output, h_n)` alone, a GRUCell or an RNNCell `h` alone: "
              "`out, h_n = self.gru(x)`, `h = self.cell(x, h)`",
    "cell_call": "an LSTMCell takes and returns `(h, c)`; a GRUCell and an RNNCell take and return `h`",
}


def _first_item(subscript: ast.Subscript, lines: SourceLines) -> str:
    """The text of ``subscript`` taking the first item of its value: ``hidden[-1]`` -> ``hidden[0][-1]``."""
    row, column, end_row, end_column = lines.characters(subscript)
    # `[0]` goes after the value's own parentheses and before any space ahead of its `[`
    value_end, _ = past_parentheses(lines, lines.characters(subscript.value)[2:], (end_row, end_column))
    before, after = text_between(lines, (row, column), value_end), text_between(lines, value_end, (end_row, end_column))
    return f"{before}[0]{after}"


def _takes_tensor(layer: Layer) -> bool:
    if layer.module_class is not None:
        return False
    if layer.kind == "Sequential":
        return bool(layer.items and isinstance(layer.items[0], Layer) and _takes_tensor(layer.items[0]))
    return layer.kind in TENSOR_LAYERS


def _certainly_tensor(value) -> bool:
    """A tensor the code made, an RNN returned, or one of known rank (a tuple has no shape to
    follow through `view` or `transpose`); a parameter of unknown type may be a tuple."""
    # a first or last axis known (`torch.tanh(self.bridge(ctx)).unsqueeze(0)`) comes from an operation
    return isinstance(value, Tensor) and (value.source is not None or value.origin is not None
                                          or value.shape is not None or not isinstance(value.lead, Unknown)
                                          or not isinstance(value.feature, Unknown))
