"""The one definition of what shapes PyTorch's recurrent modules take and return.

Pure Python: no parser, no torch. Dimensions are whatever the caller uses: plain ints at
run time, symbolic dimensions in the static analysis. Only ``*`` is applied to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from . import _pytorch

Dim = TypeVar("Dim")
RNN_KINDS = _pytorch.RNN_KINDS  # the recurrent kinds these shapes are for


@dataclass(frozen=True)
class RNNConfig(Generic[Dim]):
    """The configuration of one recurrent module, as its constructor received it.

    Flags (``batch_first``, ``bidirectional``) are bools; ``None`` means not known.
    Sizes are ints at run time or symbolic dimensions in the static analysis.
    """

    kind: str
    input_size: Dim
    hidden_size: Dim
    num_layers: Dim = 1  # type: ignore[assignment]  # an int default, whatever dimensions the caller uses
    batch_first: bool | None = False
    bidirectional: bool | None = False
    proj_size: Dim = 0  # type: ignore[assignment]  # an int default, whatever dimensions the caller uses
    dropout: Any = 0.0
    bias: Any = True
    nonlinearity: Any = "tanh"
    # whether a symbolic ``proj_size`` is positive: the static analysis tries both ways
    projected: bool | None = None

    @property
    def returns_cell_state(self) -> bool:
        """An LSTM returns ``(h_n, c_n)`` where RNN and GRU return ``h_n`` alone."""
        return self.kind == "LSTM"


def num_directions(config: RNNConfig) -> int | None:
    if config.bidirectional is None:
        return None
    return 2 if config.bidirectional else 1


def has_projection(config: RNNConfig) -> bool | None:
    """Whether an LSTM projects its hidden state to ``proj_size``; None when not known."""
    if config.kind != "LSTM":
        return False
    if isinstance(config.proj_size, int) and not isinstance(config.proj_size, bool):
        return config.proj_size > 0
    return config.projected


def hidden_output_size(config: RNNConfig) -> Any:
    """``H_out``: the size of each direction's output and of ``h_n``'s last axis."""
    projected = has_projection(config)
    if projected is None:
        return None
    return config.proj_size if projected else config.hidden_size


def output_features(config: RNNConfig) -> Any:
    """The last axis of ``output``: ``num_directions * H_out``."""
    directions, size = num_directions(config), hidden_output_size(config)
    if directions is None or size is None:
        return None
    return size if directions == 1 else directions * size


def state_layers(config: RNNConfig) -> Any:
    """The first axis of ``h_n`` and ``c_n``: ``num_layers * num_directions``."""
    directions = num_directions(config)
    if directions is None:
        return None
    return config.num_layers if directions == 1 else config.num_layers * directions


def input_shape(config: RNNConfig, batch: Any, seq: Any) -> tuple | None:
    """The input shape: ``(seq, batch, input_size)``, or ``(batch, seq, input_size)`` when
    batch first, or ``(seq, input_size)`` for an unbatched call (``batch=None``)."""
    return _sequence_shape(config, batch, seq, config.input_size)


def output_shape(config: RNNConfig, batch: Any, seq: Any) -> tuple | None:
    """The shape of ``output``, laid out like the input; ``batch=None`` for unbatched."""
    return _sequence_shape(config, batch, seq, output_features(config))


def _sequence_shape(config: RNNConfig, batch: Any, seq: Any, features: Any) -> tuple | None:
    if features is None:
        return None
    if batch is None:
        return (seq, features)
    if config.batch_first is None:
        return None
    return (batch, seq, features) if config.batch_first else (seq, batch, features)


def hidden_state_shape(config: RNNConfig, batch: Any) -> tuple | None:
    """``h_n`` (and ``h_0``): ``(num_layers * num_directions, batch, H_out)``, never batch
    first; ``(num_layers * num_directions, H_out)`` for an unbatched call (``batch=None``)."""
    return _state_shape(config, batch, hidden_output_size(config))


def cell_state_shape(config: RNNConfig, batch: Any) -> tuple | None:
    """``c_n`` (and ``c_0``) of an LSTM: like ``h_n`` but always ``hidden_size`` wide."""
    if config.kind != "LSTM":
        return None
    return _state_shape(config, batch, config.hidden_size)


def _state_shape(config: RNNConfig, batch: Any, size: Any) -> tuple | None:
    layers = state_layers(config)
    if layers is None or size is None:
        return None
    return (layers, size) if batch is None else (layers, batch, size)


# an RNN's h_0 / c_0 has three axes for a batched input, two for an unbatched one: any other rank
# is refused whatever the input ("hx should also be 3-D")
STATE_RANKS = (2, 3)


def state_rank(batched: bool) -> int:
    """The rank of an RNN's ``h_0`` / ``c_0`` (and ``h_n`` / ``c_n``): three axes for a batched
    input (three axes, or a packed batch), two for an unbatched one; PyTorch raises "For batched
    3-D input, hx should also be 3-D" otherwise (a packed batch: "Expected hidden size")."""
    return 3 if batched else 2


def batch_axis(config: RNNConfig) -> int | None:
    """Axis of the batch in a batched input or output."""
    if config.batch_first is None:
        return None
    return 0 if config.batch_first else 1


def time_axis(config: RNNConfig) -> int | None:
    if config.batch_first is None:
        return None
    return 1 if config.batch_first else 0


# --- recurrent cells: one step -------------------------------------------------------------------


@dataclass(frozen=True)
class CellConfig(Generic[Dim]):
    """The configuration of one recurrent cell (``nn.RNNCell``, ``nn.LSTMCell``, ``nn.GRUCell``)."""

    kind: str
    input_size: Dim
    hidden_size: Dim

    @property
    def steps_of(self) -> str:
        """The recurrent module the cell is one step of (``LSTMCell`` -> ``LSTM``)."""
        return _pytorch.LAYERS[self.kind].steps_of or ""

    @property
    def takes_state_pair(self) -> bool:
        """An LSTMCell takes and returns ``(h, c)``; RNNCell and GRUCell one tensor ``h``."""
        return self.steps_of == "LSTM"


CELL_KINDS = _pytorch.CELL_KINDS  # the cells these shapes are for
# a cell's input and state have one or two axes: a batch of rows, or a single unbatched row
CELL_RANKS = (1, 2)


def step_input_shape(config: CellConfig, batch: Any) -> tuple:
    """The input of one step: ``(batch, input_size)``, or ``(input_size,)`` unbatched (``batch=None``)."""
    return (config.input_size,) if batch is None else (batch, config.input_size)


def step_state_shape(config: CellConfig, batch: Any) -> tuple:
    """``h`` (and an LSTMCell's ``c``), given and returned: ``(batch, hidden_size)``, or
    ``(hidden_size,)`` unbatched. Never a layers axis: that is ``nn.RNN``'s ``h_0``."""
    return (config.hidden_size,) if batch is None else (batch, config.hidden_size)


def step_result_shapes(config: CellConfig, batch: Any) -> tuple:
    """What a step returns: ``(h',)`` or, for an LSTMCell, ``(h', c')``; each like the state.
    Leaving the state out starts it at zeros of this shape."""
    state = step_state_shape(config, batch)
    return (state, state) if config.takes_state_pair else (state,)


def step_batch(input_shape: tuple) -> tuple[bool, Any]:
    """``(known, batch)`` of a cell's input shape: its first axis when it has two, None when it
    has one (unbatched); ``known`` is False for any other rank, which the cell rejects."""
    if len(input_shape) == 2:
        return True, input_shape[0]
    if len(input_shape) == 1:
        return True, None
    return False, None
