"""Shape rules for tensor operations and layer calls, over symbolic dimensions.

Each function takes abstract values and returns the abstract result; anything it cannot
follow becomes a tensor of unknown shape (never a guess).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .. import _pytorch, _shapes
from . import _axes
from ._facts import (
    STEP,
    WHOLE_SLICE,
    IndexEllipsis,
    IndexInt,
    IndexItem,
    IndexKey,
    IndexNone,
    IndexSlice,
    IndexTensor,
    takes_axis,
)
from ._symbolic import (
    EMPTY_GUARD,
    EQUAL,
    UNKNOWN,
    Const,
    Poly,
    Unknown,
    Value,
    alternatives,
    as_int,
    cases,
    compare,
    number,
)
from ._values import (
    BATCH,
    FEATURE,
    STATE,
    TIME,
    Layer,
    Packed,
    Tensor,
    TupleValue,
    axis_symbol,
    cell_configs,
    dim,
    packed_batch,
    rnn_configs,
)

UNKNOWN_TENSOR = Tensor()

def known_rank(tensor: Tensor) -> int | None:
    return None if tensor.shape is None else len(tensor.shape)


def normalize_axis(axis: Value, rank: int | None) -> int | None:
    index = as_int(axis)
    if index is None or rank is None:
        return None
    if index < 0:
        index += rank
    return index if 0 <= index < rank else None


def derived(tensor: Tensor, shape: tuple | None, roles: tuple | None, keep_origin: bool = False, **extra) -> Tensor:
    """A tensor computed from ``tensor``: keeps the producing RNN, drops the origin unless asked."""
    feature = extra.pop("feature", UNKNOWN if shape is not None else tensor.feature)
    return Tensor(
        shape=shape,
        roles=roles if shape is not None else None,
        feature=feature,
        origin=tensor.origin if keep_origin else None,
        rnn=tensor.rnn,
        key=extra.pop("key", None),
        source=extra.pop("source", tensor.source if keep_origin else None),
        factors=extra.pop("factors", None) if shape is not None else None,
    )


def axes_of(tensor: Tensor) -> tuple | None:
    """The factors of every axis of ``tensor`` (recorded, else one per axis), None when its rank
    is not known."""
    if tensor.shape is None:
        return None
    return _axes.of_tensor(tensor.shape, tensor.factors, tensor.roles)


def _known_axes(tensor: Tensor) -> tuple:
    """``axes_of`` a tensor whose rank is known."""
    factors = axes_of(tensor)
    assert factors is not None  # the shape is known
    return factors


def _same_size(first: Value, second: Value) -> bool:
    return isinstance(first, Poly) and isinstance(second, Poly) and compare(first, second).verdict == EQUAL


# --- layers ---------------------------------------------------------------------------------


def call_layer(layer: Layer, args: list) -> Value:
    """The result of calling one non-recurrent, non-container layer on ``args``."""
    if not args:
        return UNKNOWN
    first = args[0]
    if not isinstance(first, Tensor):
        return UNKNOWN
    spec = _pytorch.LAYERS.get(layer.kind)
    if spec is None:
        return UNKNOWN
    result = _LAYER_RESULTS.get(spec.family)
    return result(layer, first) if result is not None else UNKNOWN


def _linear(layer: Layer, tensor: Tensor) -> Value:
    return _replace_last(tensor, layer.param("out_features"))


def _embedding(layer: Layer, tensor: Tensor) -> Value:
    if tensor.shape is None:
        # a new last axis: a known first axis stays first
        # (only the first: a new last axis may land where the second one was thought to be)
        return Tensor(feature=layer.param("embedding_dim"), key=tensor.key, leading=tensor.leading[:1])
    roles = (tensor.roles or (None,) * len(tensor.shape)) + (FEATURE,)
    return Tensor(shape=tensor.shape + (layer.param("embedding_dim"),), roles=roles)


def _same_shape(_layer: Layer, tensor: Tensor) -> Value:
    return tensor


def _cell_step(layer: Layer, tensor: Tensor) -> Value:
    return call_cell(layer, tensor, None, None)


def call_cell(layer: Value, inputs: Value, hx: Value | None, node: Any, guard: frozenset = EMPTY_GUARD) -> Value:
    """What one step of a recurrent cell returns, ``h'`` or an LSTMCell's ``(h', c')``, for every
    configuration of ``layer`` (the shapes come from ``_shapes``)."""
    results = []
    for config_guard, config in cell_configs(layer, guard):
        for input_guard, value in cases(inputs, config_guard):
            results.append((input_guard, _cell_result(config, value, hx, node)))
    return alternatives(results) if results else UNKNOWN


def _cell_result(config: _shapes.CellConfig, inputs: Value, hx: Value | None, node: Any) -> Value:
    hidden = dim(config.hidden_size)
    batched, batch = _cell_batch(inputs, hx)
    if batched is None:
        count = 2 if config.takes_state_pair else 1
        states: tuple = tuple(Tensor(feature=hidden, origin=STEP, source=node) for _ in range(count))
    else:
        roles = (BATCH, FEATURE) if batched else (FEATURE,)
        states = tuple(Tensor(shape=tuple(dim(size) for size in shape), roles=roles, origin=STEP, source=node)
                       for shape in _shapes.step_result_shapes(config, batch if batched else None))
    return TupleValue(states, origin=STEP) if config.takes_state_pair else states[0]


def _cell_batch(inputs: Value, hx: Value | None) -> tuple[bool | None, Value]:
    """Whether a step is batched (None: not known) and its batch: the input's first axis when it
    has two, else the first axis of a two-axis state it is given."""
    if isinstance(inputs, Tensor) and inputs.shape is not None:
        known, batch = _shapes.step_batch(inputs.shape)
        if known:
            return batch is not None, batch if batch is not None else UNKNOWN
        return None, UNKNOWN
    for _, state in cases(hx) if hx is not None else ():
        first = state.items[0] if isinstance(state, TupleValue) and state.items else state
        if isinstance(first, Tensor) and first.shape is not None and len(first.shape) == 2:
            return True, first.shape[0]
    return None, UNKNOWN


def _conv2d(layer: Layer, tensor: Tensor) -> Value:
    # (batch, channels, height, width) -> (batch, out_channels, ?, ?); unbatched without batch
    if tensor.shape is None and tensor.key is not None and isinstance(tensor.feature, Unknown) \
            and isinstance(tensor.lead, Unknown):
        # as for Conv1d: the unbatched form is rare in models
        tensor = Tensor(shape=tuple(axis_symbol(tensor.key, axis) for axis in range(4)), rnn=tensor.rnn,
                        key=tensor.key)
    if tensor.shape is None or len(tensor.shape) not in (3, 4):
        return Tensor()
    shape = tensor.shape[:-3] + (layer.param("out_channels"), UNKNOWN, UNKNOWN)
    return _spatial_result(layer, tensor, shape, (_axes.HEIGHT, _axes.WIDTH))


def _spatial_result(layer: Layer, tensor: Tensor, shape: tuple, spatial: tuple) -> Tensor:
    """A convolution's or pooling's result: its batch axis (when batched) and channels keep
    their meaning, and the spatial axes theirs (``spatial``: their factor names). A size the
    analysis does not work out is named after the layer's output, so that the code reading it
    (``b, c, h, w = f.shape``) and the axis it reads stay one symbol."""
    shape = _named_after_output(layer, shape)
    names = ((_axes.BATCH,) if len(shape) == len(spatial) + 2 else ()) + (_axes.CHANNELS,) + spatial
    factors = tuple(_axes.of_axis(size, name) for size, name in zip(shape, names, strict=True))
    return Tensor(shape=shape, rnn=tensor.rnn, factors=factors)


def _named_after_output(layer: Layer, shape: tuple) -> tuple:
    """``shape`` with each size the analysis does not work out named after the layer's output
    (short and still one per layer: `pool@15.shape[2]`)."""
    name = layer.name.removeprefix("self.") if layer.name else layer.kind
    key = f"{name}@{getattr(layer.node, 'lineno', '?')}"
    return tuple(axis_symbol(key, index) if isinstance(size, Unknown) else size for index, size in enumerate(shape))


def _pool(layer: Layer, tensor: Tensor) -> Value:
    """``MaxPool1d/2d``, ``AvgPool1d/2d``: every axis kept but the last one or two, resized."""
    spatial = (_axes.TIME,) if layer.kind.endswith("1d") else (_axes.HEIGHT, _axes.WIDTH)
    if tensor.shape is None or len(tensor.shape) not in (len(spatial) + 1, len(spatial) + 2):
        return Tensor()
    shape = tensor.shape[:-len(spatial)] + (UNKNOWN,) * len(spatial)
    result = _spatial_result(layer, tensor, shape, spatial)
    # the axes before the spatial ones keep what they were made of
    before, made = axes_of(tensor), result.factors
    if before is None or made is None:
        return result
    kept = before[:-len(spatial)]
    return replace(result, factors=kept + made[len(kept):])


def _adaptive_pool(layer: Layer, tensor: Tensor) -> Value:
    return _adaptive_pool2d(tensor, layer.param("output_size"))


def _opaque_tensor(_layer: Layer, _tensor: Tensor) -> Value:
    return Tensor()


def _adaptive_pool2d(tensor: Tensor, output_size: Value) -> Tensor:
    """The last two axes become ``output_size`` (an int, or a pair where None keeps the axis)."""
    if tensor.shape is None or len(tensor.shape) not in (3, 4):
        return Tensor()
    sizes = output_size.items if isinstance(output_size, TupleValue) else (output_size, output_size)
    if len(sizes) != 2:
        return Tensor()
    kept = tuple(old if isinstance(new, Const) and new.value is None else new if isinstance(new, Poly) else UNKNOWN
                 for old, new in zip(tensor.shape[-2:], sizes, strict=True))
    return Tensor(shape=tensor.shape[:-2] + kept)


def _replace_last(tensor: Tensor, size: Value) -> Tensor:
    if tensor.shape is None:
        return Tensor(feature=size, rnn=tensor.rnn, key=tensor.key)
    roles = tensor.roles[:-1] + (FEATURE,) if tensor.roles else None
    factors = _known_axes(tensor)
    return derived(tensor, tensor.shape[:-1] + (size,), roles, factors=factors[:-1] + (_axes.of_axis(size),))


def per_layer_size(tensor: Tensor) -> Value | None:
    """The number of rows per sample an RNN state's layers or directions still give ``tensor``:
    the product of those factors over its axes but the last; None when it has none."""
    axes = axes_of(tensor)
    if axes is None or len(axes) < 2:
        return None
    found = [factor for axis in axes[:-1] for factor in axis
             if factor.name in (_axes.LAYERS, _axes.DIRECTIONS, _axes.STATE_ROWS)]
    return _axes._product(found) if found else None


def _conv1d(layer: Layer, tensor: Tensor) -> Value:
    out_channels = layer.param("out_channels")
    if tensor.shape is None:
        # Conv1d takes (batch, channels, length); the unbatched form is rare in models
        key = tensor.key
        axes = tuple(axis_symbol(key, axis) if key else UNKNOWN for axis in range(3))
        length = axes[2] if isinstance(tensor.feature, Unknown) else tensor.feature
        tensor = Tensor(shape=(axes[0], axes[1], length), rnn=tensor.rnn, key=key)
    if tensor.shape is None or len(tensor.shape) != 3:
        return Tensor(shape=None)
    length = tensor.shape[2]
    kernel, stride, padding, dilation = (layer.param(name) for name in ("kernel_size", "stride", "padding", "dilation"))
    new_length: Value = UNKNOWN
    if as_int(stride) == 1 and isinstance(length, Poly) \
            and isinstance(kernel, Poly) and isinstance(padding, Poly) and isinstance(dilation, Poly):
        new_length = length + number(2) * padding - dilation * (kernel - number(1))
    # a size it does not work out is named after the output, as a Conv2d's: `feats.view(feats.size(0),
    # feats.size(2), -1)` of an input of unknown shape reads the named time axis before the channels
    shape = _named_after_output(layer, (tensor.shape[0], out_channels, new_length))
    names = (_axes.BATCH, _axes.CHANNELS, _axes.TIME)
    return Tensor(shape=shape, roles=(BATCH, FEATURE, TIME),
                  factors=tuple(_axes.of_axis(size, name) for size, name in zip(shape, names, strict=True)))


# what calling a layer of each family returns, given its first argument (a tensor)
_LAYER_RESULTS = {
    _pytorch.LINEAR: _linear,
    _pytorch.EMBEDDING: _embedding,
    _pytorch.CONV1D: _conv1d,
    _pytorch.SAME_SHAPE: _same_shape,
    _pytorch.CELL: _cell_step,
    _pytorch.CONV2D: _conv2d,
    _pytorch.ADAPTIVE_POOL2D: _adaptive_pool,
    _pytorch.POOL: _pool,
    _pytorch.FLATTEN_LAYER: lambda layer, tensor: flatten(tensor, layer.param("start_dim"), layer.param("end_dim")),
    _pytorch.OPAQUE_TENSOR: _opaque_tensor,
}


# --- recurrent calls ----------------------------------------------------------------------------


def call_rnn(layer: Layer, inputs: Value, guard: frozenset = EMPTY_GUARD, argument: str | None = None) -> Value:
    """``output, h_n`` (or ``output, (h_n, c_n)``) for every configuration of ``layer``;
    ``argument`` is the input's source text (see ``input_key``)."""
    results = []
    for config_guard, config in rnn_configs(layer, guard):
        for input_guard, value in cases(inputs, config_guard):
            results.append((input_guard, _rnn_result(layer, config, value, argument)))
    return alternatives(results)


def _rnn_result(layer: Layer, config: _shapes.RNNConfig, inputs: Value, argument: str | None = None) -> Value:
    if isinstance(inputs, Packed):
        batch = inputs.batch
        if isinstance(batch, Unknown):
            # named after the call's input, as the axes of an input of unknown rank are
            batch = packed_batch(layer.name or layer.kind)
        output: Value = Packed(
            feature=dim(_shapes.output_features(config)), batch_first=inputs.batch_first, batch=batch, rnn=layer,
        )
        batched = True
    else:
        if not isinstance(inputs, Tensor):
            inputs = UNKNOWN_TENSOR
        rank = known_rank(inputs)
        batched = rank != 2
        key = input_key(layer, inputs, argument)
        if batched:
            batch_axis = _shapes.batch_axis(config)
            time_axis = _shapes.time_axis(config)
            if batch_axis is None or time_axis is None:
                return UNKNOWN
            if rank == 3 and inputs.shape is not None:
                # an axis nothing names is named after the call's input, as for an input of unknown rank
                batch, seq = (inputs.shape[axis] if not isinstance(inputs.shape[axis], Unknown)
                              else axis_symbol(key, axis) for axis in (batch_axis, time_axis))
            else:
                batch, seq = axis_symbol(key, batch_axis), axis_symbol(key, time_axis)
                # `seq.unsqueeze(0)`: the first axis is known (a batch of one, batch first);
                # `x[t].unsqueeze(0)`: the second one too (the batch of `x`, sequence first)
                known = inputs.leading
                if batch_axis < len(known) and not isinstance(known[batch_axis], Unknown):
                    batch = known[batch_axis]
                if time_axis < len(known) and not isinstance(known[time_axis], Unknown):
                    seq = known[time_axis]
        else:
            assert inputs.shape is not None  # rank 2
            batch, seq = None, inputs.shape[0]
        shape = _unprojected(_shapes.output_shape, config, batch, seq)
        if shape is None:
            output = UNKNOWN_TENSOR
        else:
            roles = ((BATCH, TIME, FEATURE) if config.batch_first else (TIME, BATCH, FEATURE)) if batched \
                else (TIME, FEATURE)
            shape = tuple(dim(d) for d in shape)
            output = Tensor(shape=shape, roles=roles, origin="output", rnn=layer,
                            factors=_output_factors(config, shape, roles))
    state_roles = (STATE, BATCH, FEATURE) if batched else (STATE, FEATURE)
    hidden = _state_tensor(_any_directions(_shapes.hidden_state_shape, config, batch), state_roles, "h_n", layer,
                           config)
    if config.returns_cell_state:
        cell = _state_tensor(_any_directions(_shapes.cell_state_shape, config, batch), state_roles, "c_n", layer,
                             config)
        state: Value = TupleValue((hidden, cell), origin="state", rnn=layer)
    else:
        state = hidden
    return TupleValue((output, state), origin="result", rnn=layer)


def _any_directions(shape_of, config: _shapes.RNNConfig, batch: Any) -> tuple | None:
    """A state shape; when ``bidirectional`` is not known (``**kwargs``) only the
    layers*directions axis is unknown: the state keeps its three axes."""
    shape = _unprojected(shape_of, config, batch)
    if shape is None and config.bidirectional is None:
        shape = _unprojected(shape_of, replace(config, bidirectional=False), batch)
        return shape and (UNKNOWN,) + tuple(shape[1:])
    return shape


def _unprojected(shape_of, config: _shapes.RNNConfig, *dims) -> tuple | None:
    """A shape of ``config``; with a symbolic ``proj_size`` only ``H_out`` is unknown, not the rest."""
    shape = shape_of(config, *dims)
    if shape is None and _shapes.has_projection(config) is None:
        shape = shape_of(replace(config, proj_size=0), *dims)
        return shape and shape[:-1] + (UNKNOWN,)
    return shape


def input_key(layer: Layer, inputs: Tensor, argument: str | None = None) -> str:
    """The name for the axes of an RNN's input when nothing else names them: after the
    argument's text (`self.rnn(self.embed(premise))`), so that two calls of one RNN on
    different inputs do not share sizes; the parentheses keep it apart from any tensor's name."""
    if inputs.key:
        return inputs.key
    name = layer.name or layer.kind
    return f"{name}({argument})" if argument else f"input of {name}"


def _state_tensor(shape: tuple | None, roles: tuple, origin: str, layer: Layer, config=None) -> Tensor:
    if shape is None:
        return Tensor(origin=origin, rnn=layer)
    shape = tuple(dim(d) for d in shape)
    factors = None
    if config is not None and config.bidirectional is not None and isinstance(dim(config.num_layers), Poly):
        # the first axis runs over layers, and within each layer over its directions
        stack: tuple = (_axes.Factor(_axes.LAYERS, dim(config.num_layers)),)
        if config.bidirectional:
            stack += (_axes.Factor(_axes.DIRECTIONS, number(2)),)
        if _same_size(_axes._product(stack), shape[0]):
            factors = (stack,) + tuple(_axes.of_axis(size, _ROLE_FACTOR.get(role))
                                       for size, role in zip(shape[1:], roles[1:], strict=False))
    return Tensor(shape=shape, roles=roles, origin=origin, rnn=layer, factors=factors)


_ROLE_FACTOR = {BATCH: _axes.BATCH, TIME: _axes.TIME, FEATURE: _axes.FEATURES}


def _output_factors(config: _shapes.RNNConfig, shape: tuple, roles: tuple) -> tuple | None:
    """An RNN's output: a bidirectional one's features are the directions, each of ``H_out``."""
    axes = [_axes.of_axis(size, _ROLE_FACTOR.get(role)) for size, role in zip(shape, roles, strict=False)]
    if config.bidirectional:
        features = shape[-1]
        half = exact_quotient(features, number(2)) if isinstance(features, Poly) else UNKNOWN
        if not isinstance(half, Poly) or not _same_size(half * number(2), features):
            return None
        axes[-1] = (_axes.Factor(_axes.DIRECTIONS, number(2)), _axes.Factor(_axes.FEATURES, half))
    elif config.bidirectional is None:
        return None
    return tuple(axes)


# --- indexing -------------------------------------------------------------------------------------

def index_tensor(tensor: Tensor, items: tuple[IndexItem, ...]) -> Tensor:
    """``tensor[items]`` for basic indexing; unknown for advanced indexing."""
    if any(isinstance(item, IndexTensor) for item in items):
        return _advanced_index(tensor, items)
    if tensor.shape is None:
        # x[..., -1] style on unknown rank: only the new first axis may be known
        return Tensor(rnn=tensor.rnn, leading=_leading_after_index(tensor, items))
    shape, roles = list(tensor.shape), list(tensor.roles or (None,) * len(tensor.shape))
    consumed = sum(1 for item in items if takes_axis(item))
    if consumed > len(shape):
        return UNKNOWN_TENSOR
    expanded: list[IndexItem] = []
    for item in items:
        if isinstance(item, IndexEllipsis):
            expanded.extend([WHOLE_SLICE] * (len(shape) - consumed))
        else:
            expanded.append(item)
    old_factors = _known_axes(tensor)
    new_shape: list = []
    new_roles: list = []
    new_factors: list = []
    axis = 0
    for item in expanded:
        if isinstance(item, IndexNone):
            new_shape.append(number(1))
            new_roles.append(None)
            new_factors.append(())
            continue
        if isinstance(item, IndexInt):
            axis += 1
            continue
        if not isinstance(item, IndexSlice):
            return UNKNOWN_TENSOR  # a key: no tensor takes one
        length = _slice_length(shape[axis], item.lower, item.upper, item.step)
        new_shape.append(length)
        new_roles.append(roles[axis])
        # a whole axis keeps its factors; part of one is only its size
        new_factors.append(old_factors[axis] if item == WHOLE_SLICE else None)
        axis += 1
    new_shape.extend(shape[axis:])
    new_roles.extend(roles[axis:])
    new_factors.extend(old_factors[axis:])
    return derived(tensor, tuple(new_shape), tuple(new_roles), factors=tuple(new_factors))


def _advanced_index(tensor: Tensor, items: tuple[IndexItem, ...]) -> Tensor:
    """``tensor[items]`` with index tensors: followed where the result is certain, the index
    tensors (and integers, which index alongside them) one-dimensional of one size ``n``, one
    of them ``torch.arange(n)`` (the others of its size select ``n`` entries with it, mask or not).

    The indexed axes become one axis of size ``n``, where the first of them was when they are
    neighbours, else in front. ``out[torch.arange(batch), t]`` keeps the batch: the positions
    of the batch axis, in order, one per sample.
    """
    if tensor.shape is None or any(isinstance(item, (IndexEllipsis, IndexNone, IndexKey)) for item in items) \
            or len(items) > len(tensor.shape):
        return UNKNOWN_TENSOR
    advanced = [index for index, item in enumerate(items) if isinstance(item, (IndexTensor, IndexInt))]
    consumed = len(items)
    shapes = [item.value.shape if isinstance(item.value, Tensor) else None
              for item in items if isinstance(item, IndexTensor)]
    known = [shape for shape in shapes if shape is not None]
    if len(known) < len(shapes) or not any(isinstance(item, IndexTensor) and item.positions is not None
                                           for item in items):
        # a mask (its dtype is not followed) consumes as many axes as it has, and keeps only the
        # entries that hold: only an `arange` is certainly a tensor of positions
        return UNKNOWN_TENSOR
    if any(len(shape) != 1 for shape in known) or not all(_same_size(shape[0], known[0][0]) for shape in known):
        return UNKNOWN_TENSOR
    size = known[0][0]
    roles = list(tensor.roles or (None,) * len(tensor.shape))
    keeps_batch = any(
        isinstance(item, IndexTensor) and item.positions is not None and roles[index] == BATCH
        and _same_size(item.positions, tensor.shape[index]) for index, item in enumerate(items))
    old_factors = _known_axes(tensor)
    kept = [(tensor.shape[index], roles[index], old_factors[index] if item == WHOLE_SLICE else None)
            for index, item in enumerate(items) if isinstance(item, IndexSlice)]
    if any(not isinstance(item, IndexSlice) for index, item in enumerate(items) if index not in advanced):
        return UNKNOWN_TENSOR
    new_axis = (size, BATCH if keeps_batch else None, _axes.of_axis(size, _axes.BATCH) if keeps_batch else None)
    neighbours = advanced == list(range(advanced[0], advanced[-1] + 1))
    where = sum(1 for index in range(advanced[0]) if index not in advanced) if neighbours else 0
    axes = kept[:where] + [new_axis] + kept[where:] + [
        (tensor.shape[index], roles[index], old_factors[index]) for index in range(consumed, len(tensor.shape))]
    return derived(tensor, tuple(axis[0] for axis in axes), tuple(axis[1] for axis in axes),
                   factors=tuple(axis[2] for axis in axes))


# how many axes after the indexed ones ``_leading_after_index`` names: an RNN input has three
_LEADING_NAMED = 3


def _leading_after_index(tensor: Tensor, items: tuple[IndexItem, ...]) -> tuple:
    """The first axes of ``tensor[items]`` when ``tensor``'s rank is unknown: whole axes kept
    (``x[:, t]`` keeps the first), an integer index drops one (``x[t]`` starts with the second),
    ``None`` adds one of size 1; then the axes after the indexed ones, which come next. The
    analysis stops at anything else (an ellipsis, a partial slice)."""
    def source(axis: int) -> Value:
        if axis < len(tensor.leading):
            return tensor.leading[axis]
        return axis_symbol(tensor.key, axis) if tensor.key else UNKNOWN

    leading: list = []
    axis = 0
    for item in items:
        if item == WHOLE_SLICE:
            leading.append(source(axis))
            axis += 1
        elif isinstance(item, IndexInt):
            axis += 1
        elif isinstance(item, IndexNone):
            leading.append(number(1))
        else:
            return _known_prefix(leading)
    leading.extend(source(axis + extra) for extra in range(_LEADING_NAMED))
    return _known_prefix(leading)


def _known_prefix(leading: list) -> tuple:
    """``leading`` without the unknown axes at its end."""
    while leading and isinstance(leading[-1], Unknown):
        leading.pop()
    return tuple(leading)


def _slice_length(size: Value, lower: Value | None, upper: Value | None, step: Value | None) -> Value:
    if lower is None and upper is None and step is None:
        return size
    if step is not None and as_int(step) not in (None, 1):
        return UNKNOWN
    low, high = (as_int(lower) if lower is not None else 0), (as_int(upper) if upper is not None else None)
    if (lower is not None and low is None) or (upper is not None and high is None):
        # symbolic bounds (`out[..., :hidden]`, `out[..., hidden:]` of a `2*hidden` axis): exact
        # only when the bounds are sizes that certainly lie inside the axis
        start = number(0) if lower is None else lower
        stop = size if upper is None else upper
        if not (isinstance(start, Poly) and isinstance(stop, Poly)):  # (then `_within` is false)
            return UNKNOWN
        return stop - start if _within(number(0), start) and _within(start, stop) and _within(stop, size) else UNKNOWN
    if lower is not None and low is None:
        return UNKNOWN
    if upper is not None and high is None:
        return UNKNOWN
    if upper is None and low is not None and low < 0:
        return number(-low) if _at_least(size, -low) else UNKNOWN
    if low is not None and high is not None and 0 <= low <= high:
        return number(high - low) if _at_least(size, high) else UNKNOWN
    if upper is None and isinstance(size, Poly) and low is not None and low >= 0:
        return size - number(low)
    return UNKNOWN


def _within(smaller: Value, larger: Value) -> bool:
    """``smaller <= larger`` for every non-negative value of the symbols."""
    if not isinstance(smaller, Poly) or not isinstance(larger, Poly) or smaller.is_opaque or larger.is_opaque:
        return False
    return all(coeff >= 0 for _, coeff in (larger - smaller).terms) and all(coeff >= 0 for _, coeff in smaller.terms)


def _at_least(size: Value, bound: int) -> bool:
    known = as_int(size)
    return known is None or known >= bound


# --- shape methods --------------------------------------------------------------------------------


def reshape(tensor: Tensor, new_dims: list) -> Tensor:
    """``view``/``reshape``: infer a single ``-1`` when the element count allows it."""
    dims = list(new_dims)
    minus = [index for index, value in enumerate(dims) if as_int(value) == -1]
    if len(minus) == 1 and tensor.shape is not None:
        total = product(tensor.shape)
        known = product([value for index, value in enumerate(dims) if index != minus[0]])
        dims[minus[0]] = exact_quotient(total, known)
    elif minus:
        dims = [UNKNOWN if as_int(value) == -1 else value for value in dims]
    roles = _carried_roles(tensor, dims)
    factors = None
    source = axes_of(tensor)
    if source is not None:
        factors, _ = _axes.regroup(source, dims, _same_size)
    return derived(tensor, tuple(dims), roles, factors=factors)


def settled_sizes(tensor: Tensor, dims: list) -> list:
    """The sizes a ``view``/``reshape`` that runs asks for: one size the analysis does not know,
    beside known others and no ``-1``, is what the element count leaves for it (as ``-1``
    would be): `cat([h[0], h[1]]).view(1, bsz, 2 * hidden)` asks for the batch, whatever
    `bsz` is called."""
    unknown = [index for index, value in enumerate(dims) if not isinstance(value, Poly)]
    if len(unknown) != 1 or not isinstance(dims[unknown[0]], Unknown) or tensor.shape is None \
            or any(as_int(value) == -1 for value in dims):
        return dims
    total = product(tensor.shape)
    known = product([value for index, value in enumerate(dims) if index != unknown[0]])
    size = exact_quotient(total, known)
    if not isinstance(size, Poly) or size.is_opaque:
        return dims
    return [size if index == unknown[0] else value for index, value in enumerate(dims)]


def _carried_roles(tensor: Tensor, dims: list) -> tuple:
    """Roles survive a reshape for leading axes that keep their size, and a kept last axis."""
    roles: list = [None] * len(dims)
    if tensor.shape is None or tensor.roles is None:
        return tuple(roles)
    for index, (old, new) in enumerate(zip(tensor.shape, dims, strict=False)):
        if old != new or isinstance(old, Unknown):
            break
        roles[index] = tensor.roles[index]
    if dims and tensor.shape and dims[-1] == tensor.shape[-1] and not isinstance(dims[-1], Unknown):
        roles[-1] = tensor.roles[-1]
    return tuple(roles)


def product(dims) -> Value:
    """The product of sizes; unknown unless every one is a number."""
    total: Value = number(1)
    for value in dims:
        if not isinstance(value, Poly) or not isinstance(total, Poly):
            return UNKNOWN
        total = total * value
    return total


def exact_quotient(total: Value, divisor: Value) -> Value:
    if not isinstance(total, Poly) or not isinstance(divisor, Poly):
        return UNKNOWN
    if divisor.constant is not None:
        return total.floordiv(divisor) if divisor.constant else UNKNOWN
    # divide by a monomial: every term of total must contain it
    if len(divisor.terms) != 1:
        return UNKNOWN
    (mono, coeff), = divisor.terms
    result = {}
    for term_mono, term_coeff in total.terms:
        remaining = list(term_mono)
        for atom in mono:
            if atom not in remaining:
                return UNKNOWN
            remaining.remove(atom)
        result[tuple(remaining)] = term_coeff / coeff
    quotient = Poly.from_dict(result)
    if any(c.denominator != 1 for _, c in quotient.terms):
        return UNKNOWN
    return quotient


def with_rank(tensor: Tensor, rank: int) -> Tensor:
    """A tensor of unknown rank, once an operation tells its rank: unknown axes get symbols."""
    if tensor.shape is not None or rank < 1:
        return tensor
    known = tensor.leading
    leading: tuple = tuple(
        known[i] if i < len(known) and not isinstance(known[i], Unknown)
        else axis_symbol(tensor.key, i) if tensor.key else UNKNOWN for i in range(rank - 1))
    return Tensor(shape=leading + (tensor.feature,), roles=(None,) * rank, rnn=tensor.rnn, key=tensor.key)


def permute(tensor: Tensor, order: list) -> Tensor:
    tensor = with_rank(tensor, len(order))  # permute names every axis, so it fixes the rank
    rank = known_rank(tensor)
    named = [normalize_axis(value, rank) for value in order]
    axes = [axis for axis in named if axis is not None]
    if rank is None or tensor.shape is None or len(axes) != len(named) or len(axes) != rank \
            or sorted(axes) != list(range(rank)):
        return Tensor(rnn=tensor.rnn)
    roles = tensor.roles or (None,) * rank
    return derived(tensor, tuple(tensor.shape[a] for a in axes), tuple(roles[a] for a in axes),
                   factors=_axes.permuted(_known_axes(tensor), axes))


def transpose(tensor: Tensor, first: Value, second: Value) -> Tensor:
    rank = known_rank(tensor)
    a, b = normalize_axis(first, rank), normalize_axis(second, rank)
    if a is None or b is None or rank is None:
        return Tensor(rnn=tensor.rnn)
    order = list(range(rank))
    order[a], order[b] = order[b], order[a]
    return permute(tensor, [number(i) for i in order])


def keeps_first_axis(tensor: Tensor, axis: Value | None) -> bool:
    """Squeezing never drops an axis of size other than 1: the first one stays unless it is
    the axis squeezed, or every axis is and the first may be 1."""
    rank = known_rank(tensor)
    if rank is None or tensor.shape is None:
        return False
    if axis is None:
        return as_int(tensor.shape[0]) not in (None, 1)
    index = normalize_axis(axis, rank)
    return index is not None and index != 0


def squeeze(tensor: Tensor, axis: Value | None) -> Tensor:
    rank = known_rank(tensor)
    if rank is None or tensor.shape is None:
        return Tensor(rnn=tensor.rnn)
    if axis is None:
        if all(as_int(d) is not None for d in tensor.shape):
            keep = [i for i, d in enumerate(tensor.shape) if as_int(d) != 1]
            return _select_axes(tensor, keep)
        return Tensor(rnn=tensor.rnn)
    index = normalize_axis(axis, rank)
    if index is None:
        return Tensor(rnn=tensor.rnn)
    size = as_int(tensor.shape[index])
    if size == 1:
        return _select_axes(tensor, [i for i in range(rank) if i != index])
    if size is None:
        # may or may not drop the axis; any other axis keeps its size, the last one included
        return Tensor(rnn=tensor.rnn, feature=tensor.shape[-1] if index != rank - 1 else UNKNOWN)
    return tensor


def _select_axes(tensor: Tensor, keep: list) -> Tensor:
    assert tensor.shape is not None  # axes are kept of a known shape
    roles = tensor.roles or (None,) * len(tensor.shape)
    return derived(tensor, tuple(tensor.shape[i] for i in keep), tuple(roles[i] for i in keep),
                   factors=_axes.permuted(_known_axes(tensor), keep))


def unsqueeze(tensor: Tensor, axis: Value) -> Tensor:
    rank = known_rank(tensor)
    if rank is None or tensor.shape is None:
        # a new first axis (or one before the last) leaves the last axis in place
        keeps_last = (position := as_int(axis)) is not None and (position == 0 or position <= -2)
        # whatever the rank, a new axis at `k >= 0` has size 1 (`hidden.unsqueeze(0)` as an RNN's
        # h_0) and keeps the axes before it where they were; the known ones after it move one on
        # (`seq.unsqueeze(1)`: a batch of one, sequence first, whatever the first axis is)
        leading: tuple = ()
        if position is not None and position >= 0:
            before = tensor.leading[:position]
            before += (UNKNOWN,) * (position - len(before))
            leading = _known_prefix(list(before + (number(1),) + tensor.leading[position:]))
        return Tensor(rnn=tensor.rnn, feature=tensor.feature if keeps_last else UNKNOWN, leading=leading)
    index = as_int(axis)
    if index is None:
        return Tensor(rnn=tensor.rnn)
    if index < 0:
        index += rank + 1
    if not 0 <= index <= rank:
        return UNKNOWN_TENSOR
    roles = list(tensor.roles or (None,) * rank)
    factors = _known_axes(tensor)
    return derived(tensor, tensor.shape[:index] + (number(1),) + tensor.shape[index:],
                   tuple(roles[:index] + [None] + roles[index:]),
                   factors=factors[:index] + ((),) + factors[index:])


def flatten(tensor: Tensor, start: Value, end: Value) -> Tensor:
    rank = known_rank(tensor)
    a, b = normalize_axis(start, rank), normalize_axis(end, rank)
    if a is None or b is None or b < a or rank is None or tensor.shape is None:
        return Tensor(rnn=tensor.rnn)
    merged = product(tensor.shape[a:b + 1])
    roles = list(tensor.roles or (None,) * rank)
    merged_role = roles[a] if a == b else None
    return derived(tensor, tensor.shape[:a] + (merged,) + tensor.shape[b + 1:],
                   tuple(roles[:a] + [merged_role] + roles[b + 1:]),
                   factors=_axes.merged(_known_axes(tensor), a, b))


def reduce(tensor: Tensor, axis: Value | None, keepdim: bool) -> Tensor:
    rank = known_rank(tensor)
    if axis is None:
        return Tensor(shape=())
    index = normalize_axis(axis, rank)
    if index is None or rank is None or tensor.shape is None:
        if keepdim and rank is None and tensor.key is not None and as_int(axis) is not None:
            return Tensor(rnn=tensor.rnn, like=tensor.key)
        if not keepdim and rank is None:
            # `(tokens != pad).sum(1)` of a tensor of unknown rank: its first axis is kept (and
            # `.sum(0)` leaves the second one first)
            return Tensor(rnn=tensor.rnn, leading=_known_prefix([_lead_after_reduce(tensor, as_int(axis))]))
        return Tensor(rnn=tensor.rnn)
    roles = list(tensor.roles or (None,) * rank)
    if keepdim:
        return derived(tensor, tensor.shape[:index] + (number(1),) + tensor.shape[index + 1:], tuple(roles))
    return _select_axes(tensor, [i for i in range(rank) if i != index])


def gather(tensor: Tensor, axis: Value, index: Tensor) -> Tensor:
    """``tensor.gather(axis, index)``: the index's shape. An axis other than ``axis`` where
    the index is as long as the tensor keeps its meaning (``out.gather(1, steps)`` with
    ``steps`` of ``(batch, 1, hidden)`` picks one step per sample and keeps the batch)."""
    if index.shape is None or tensor.shape is None or len(index.shape) != len(tensor.shape):
        return Tensor(rnn=tensor.rnn)
    along = normalize_axis(axis, len(tensor.shape))
    if along is None:
        return Tensor(rnn=tensor.rnn)
    roles = tuple(tensor.role(k) if k != along and _same_size(size, tensor.shape[k]) else None
                  for k, size in enumerate(index.shape))
    return derived(tensor, index.shape, roles)


def _lead_after_reduce(tensor: Tensor, axis: int | None) -> Value:
    if axis is None or axis < 0:
        return UNKNOWN
    if axis >= 1:
        if not isinstance(tensor.lead, Unknown):
            return tensor.lead
        return axis_symbol(tensor.key, 0) if tensor.key else UNKNOWN
    return axis_symbol(tensor.key, 1) if tensor.key else UNKNOWN


def concatenate(tensors: list, axis: Value) -> Tensor:
    """``torch.cat``: sizes add along ``axis``; other axes come from the first tensor."""
    if not tensors or not all(isinstance(t, Tensor) for t in tensors):
        return UNKNOWN_TENSOR
    known = [t for t in tensors if t.shape is not None]
    if len(known) != len(tensors):
        return _concatenate_features(tensors, known, axis)
    rank = len(tensors[0].shape)
    index = normalize_axis(axis, rank)
    if index is None or any(len(t.shape) != rank for t in tensors):
        return UNKNOWN_TENSOR
    total: Value = number(0)
    for t in tensors:
        size = t.shape[index]
        total = total + size if isinstance(total, Poly) and isinstance(size, Poly) else UNKNOWN
    first = tensors[0]
    shape = first.shape[:index] + (total,) + first.shape[index + 1:]
    factors = None
    if len(tensors) > 1 and all(_same_shape_as(t, first) for t in tensors[1:]):
        # equal pieces laid one after the other: the joined axis counts them first
        rows = first.row_of is not None and all(t.row_of is first.row_of for t in tensors) \
            and index != len(first.shape) - 1
        factors = _axes.concatenated(_known_axes(first), index, len(tensors), rows=rows)
    return Tensor(shape=shape, roles=first.roles, rnn=_first_rnn(tensors), factors=factors)


def _same_shape_as(tensor: Tensor, other: Tensor) -> bool:
    return tensor.shape is not None and other.shape is not None and len(tensor.shape) == len(other.shape) and all(
        _same_size(a, b) for a, b in zip(tensor.shape, other.shape, strict=True))


def _first_rnn(tensors: list) -> Any:
    """The recurrent module behind a combination of tensors: the first one that has one."""
    return next((t.rnn for t in tensors if t.rnn is not None), None)


def _concatenate_features(tensors: list, known: list, axis: Value) -> Tensor:
    """``torch.cat`` when some operands have an unknown rank: features add up along the last
    axis; along another axis every operand has the rank and the last axis of the known ones."""
    index = as_int(axis)
    if index is None or any(len(t.shape) != len(known[0].shape) for t in known):
        return UNKNOWN_TENSOR
    rank = len(known[0].shape) if known else None
    if index > 0 and rank is None:
        # no rank known: every operand has the axes before `index`, all of one size, and the
        # joined one after them (`torch.cat((x[t].unsqueeze(0), embedded), dim=2)`)
        leading = [next((t.leading[i] for t in tensors if i < len(t.leading) and not isinstance(t.leading[i], Unknown)),
                        UNKNOWN) for i in range(index)]
        return Tensor(rnn=_first_rnn(tensors), leading=_known_prefix(leading))
    if index != -1 and (rank is None or normalize_axis(axis, rank) is None):
        return UNKNOWN_TENSOR
    if index != -1 and rank is not None and normalize_axis(axis, rank) != rank - 1:
        template = known[0]
        position = normalize_axis(axis, rank)
        assert position is not None  # checked above
        shape = template.shape[:position] + (UNKNOWN,) + template.shape[position + 1:]
        return Tensor(shape=shape, roles=template.roles, rnn=_first_rnn(tensors))
    total: Value = number(0)
    for t in tensors:
        size = t.last_axis
        total = total + size if isinstance(total, Poly) and isinstance(size, Poly) else UNKNOWN
    if known:
        template = known[0]
        shape = template.shape[:-1] + (total,)
        first = tensors[0]
        if first.shape is None and not isinstance(first.lead, Unknown) and len(shape) >= 2:
            # the other axes come from the first tensor, as above: its first axis is known
            shape = (first.lead,) + shape[1:]
        return Tensor(shape=shape, roles=template.roles, rnn=_first_rnn(tensors))
    return Tensor(feature=total, rnn=_first_rnn(tensors))


def matmul(first: Tensor, second: Tensor) -> Tensor:
    """``a @ b`` / ``torch.bmm`` / ``torch.matmul`` for operands of rank 2 or more."""
    if first.shape is None or second.shape is None or len(first.shape) < 2 or len(second.shape) < 2:
        return UNKNOWN_TENSOR
    batch = first.shape[:-2] if len(first.shape) >= len(second.shape) else second.shape[:-2]
    # attention: the features of `weights @ states` are the states'
    return Tensor(shape=batch + (first.shape[-2], second.shape[-1]), rnn=_first_rnn([second, first]))


def einsum(equation: str, operands: list) -> Tensor:
    """``torch.einsum`` with a literal equation and an explicit output (``"bij,bjk->bik"``): each
    output axis is the axis of that letter in the first operand that has it, factors included.
    An ellipsis, an implicit output or operands of unknown rank are not followed."""
    text = equation.replace(" ", "")
    if "->" not in text or "." in text:
        return Tensor()
    inputs, output = text.split("->")
    terms = inputs.split(",")
    if len(terms) != len(operands) or not all(isinstance(t, Tensor) and t.shape is not None for t in operands):
        return Tensor()
    found: dict = {}
    for term, tensor in zip(terms, operands, strict=True):
        if len(term) != len(tensor.shape) or not term.isalpha():
            return Tensor()
        made_of = axes_of(tensor) or ()
        for index, letter in enumerate(term):
            found.setdefault(letter, (tensor.shape[index], made_of[index], tensor.role(index)))
    if not all(letter in found for letter in output) or len(set(output)) != len(output):
        return Tensor()
    shape = tuple(found[letter][0] for letter in output)
    return Tensor(shape=shape, roles=tuple(found[letter][2] for letter in output),
                  factors=tuple(found[letter][1] for letter in output), rnn=_first_rnn(operands))


def stack(tensors: list, axis: Value, count: Value) -> Tensor:
    if not tensors or not isinstance(tensors[0], Tensor) or tensors[0].shape is None:
        return UNKNOWN_TENSOR
    first = tensors[0]
    assert first.shape is not None  # checked above
    rank = len(first.shape) + 1
    index = as_int(axis)
    if index is None:
        return UNKNOWN_TENSOR
    if index < 0:
        index += rank
    if not 0 <= index < rank:
        return UNKNOWN_TENSOR
    roles = list(first.roles or (None,) * (rank - 1))
    factors = _axes.stacked(_known_axes(first), index, count) if isinstance(count, Poly) else None
    return Tensor(shape=first.shape[:index] + (count,) + first.shape[index:],
                  roles=tuple(roles[:index] + [None] + roles[index:]),
                  factors=factors)


def repeat(tensor: Tensor, sizes: list, expand: bool) -> Tensor:
    """``repeat`` multiplies each axis by its count; ``expand`` sets it (-1 keeps it); both may
    add leading axes."""
    rank = known_rank(tensor)
    if rank is None or tensor.shape is None or len(sizes) < rank \
            or not all(isinstance(size, (Poly, Unknown)) for size in sizes):
        return Tensor(rnn=tensor.rnn)
    extra = len(sizes) - rank
    shape, roles = list(sizes[:extra]), [None] * extra
    factors = [_axes.of_axis(size) for size in sizes[:extra]]
    old_roles = tensor.roles or (None,) * rank
    old_factors = axes_of(tensor) or ((),) * rank
    for old, size, role, made_of in zip(tensor.shape, sizes[extra:], old_roles, old_factors, strict=True):
        if expand:
            new = old if as_int(size) == -1 else size
        else:
            new = old * size if isinstance(old, Poly) and isinstance(size, Poly) else UNKNOWN
        shape.append(new)
        roles.append(role if new == old else None)
        if new == old:
            factors.append(made_of)  # kept as it was
        elif not expand and isinstance(size, Poly):
            factors.append((_axes.Factor(_axes.PARTS, size),) + tuple(made_of))  # tiled: the copies first
        else:
            factors.append(_axes.of_axis(new))  # a size-1 axis broadcast: copies of one slice
    if expand and any(as_int(size) == -1 for size in sizes[:extra]):
        return Tensor(rnn=tensor.rnn)
    return derived(tensor, tuple(shape), tuple(roles), factors=tuple(factors))

