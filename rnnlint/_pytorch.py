"""What rnnlint knows of PyTorch, as tables: layers, tensor methods, ``torch`` functions.

Pure data, no torch, no parser. The interpreter dispatches on these tables, and the prefilter,
``_shapes``, the runtime and the docs take their lists from here. What an RNN's results look
like is ``_shapes``'s business, not this module's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Parameters = tuple[tuple[str, Any], ...]  # (name, default) in positional order; None: required

# --- layers -------------------------------------------------------------------------------------

# The families of layers, by what calling one returns (each has one handler in the analysis):
RECURRENT = "recurrent"  # nn.RNN / LSTM / GRU: (output, h_n) or (output, (h_n, c_n)); see _shapes
CELL = "cell"  # nn.RNNCell / LSTMCell / GRUCell: one step
LINEAR = "linear"  # the last axis becomes out_features
EMBEDDING = "embedding"  # a new last axis of embedding_dim
CONV1D = "conv1d"
CONV2D = "conv2d"
ADAPTIVE_POOL2D = "adaptive_pool2d"
POOL = "pool"  # max/avg pooling: batch and channels kept, the spatial axes resized
FLATTEN_LAYER = "flatten_layer"  # nn.Flatten: axes start_dim..end_dim joined in order
SAME_SHAPE = "same_shape"  # activations, dropout, normalisations
OPAQUE_TENSOR = "opaque_tensor"  # one tensor of a shape the analysis does not follow
UNFOLLOWED = "unfollowed"  # nothing is known of what a call returns
CONTAINER = "container"  # Sequential, ModuleList, ModuleDict


@dataclass(frozen=True)
class LayerSpec:
    """One ``torch.nn`` layer: its family and, where the analysis binds them, its constructor
    parameters in positional order (``keyword_only``: accepted by keyword alone)."""

    kind: str
    family: str
    parameters: Parameters | None = None
    keyword_only: tuple[str, ...] = ()
    # torch's `mode` attribute of a built recurrent module (`RNN_TANH` for nn.RNN)
    modes: tuple[str, ...] = ()
    # the recurrent module a cell is one step of (`LSTMCell` -> `LSTM`)
    steps_of: str | None = None

    @property
    def accepted_keywords(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.parameters or ()) + self.keyword_only


# nn.RNN / nn.LSTM / nn.GRU share these, in this order; nn.RNN alone takes `nonlinearity` (third
# positionally), nn.LSTM alone takes `proj_size` (last)
_RECURRENT_COMMON: Parameters = (
    ("input_size", None),
    ("hidden_size", None),
    ("num_layers", 1),
    ("bias", True),
    ("batch_first", False),
    ("dropout", 0.0),
    ("bidirectional", False),
)
_FACTORY = ("device", "dtype")
NONLINEARITIES = ("tanh", "relu")
_CONV: Parameters = (
    ("in_channels", None), ("out_channels", None), ("kernel_size", None), ("stride", 1),
    ("padding", 0), ("dilation", 1), ("groups", 1), ("bias", True),
)

_LAYERS: tuple[LayerSpec, ...] = (
    LayerSpec("RNN", RECURRENT, _RECURRENT_COMMON[:3] + (("nonlinearity", "tanh"),) + _RECURRENT_COMMON[3:],
              _FACTORY, modes=("RNN_TANH", "RNN_RELU")),
    LayerSpec("LSTM", RECURRENT, _RECURRENT_COMMON + (("proj_size", 0),), _FACTORY, modes=("LSTM",)),
    LayerSpec("GRU", RECURRENT, _RECURRENT_COMMON, _FACTORY, modes=("GRU",)),
    LayerSpec("RNNCell", CELL, (("input_size", None), ("hidden_size", None), ("bias", True), ("nonlinearity", "tanh")),
              steps_of="RNN"),
    LayerSpec("LSTMCell", CELL, (("input_size", None), ("hidden_size", None), ("bias", True)), steps_of="LSTM"),
    LayerSpec("GRUCell", CELL, (("input_size", None), ("hidden_size", None), ("bias", True)), steps_of="GRU"),
    LayerSpec("Linear", LINEAR, (("in_features", None), ("out_features", None), ("bias", True))),
    # a Bilinear's result is not followed: its parameters are bound for attribute reads only
    LayerSpec("Bilinear", UNFOLLOWED, (("in1_features", None), ("in2_features", None), ("out_features", None))),
    LayerSpec("Embedding", EMBEDDING, (("num_embeddings", None), ("embedding_dim", None), ("padding_idx", None))),
    LayerSpec("Conv1d", CONV1D, _CONV),
    LayerSpec("Conv2d", CONV2D, _CONV),
    LayerSpec("AdaptiveAvgPool2d", ADAPTIVE_POOL2D, (("output_size", None),)),
    LayerSpec("LayerNorm", SAME_SHAPE, (("normalized_shape", None), ("eps", 1e-5))),
    *(LayerSpec(kind, SAME_SHAPE) for kind in (
        "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "ReLU", "ReLU6", "Tanh", "Sigmoid", "GELU",
        "ELU", "SELU", "CELU", "SiLU", "Mish", "LeakyReLU", "PReLU", "Softmax", "LogSoftmax", "Softplus", "Hardtanh",
        "Identity", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d", "GroupNorm",
        "Tanhshrink", "Softsign",
    )),
    *(LayerSpec(kind, POOL) for kind in ("MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d")),
    LayerSpec("Flatten", FLATTEN_LAYER, (("start_dim", 1), ("end_dim", -1))),
    *(LayerSpec(kind, OPAQUE_TENSOR) for kind in (
        "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "MaxPool3d",
        "AvgPool3d", "AdaptiveAvgPool1d", "AdaptiveAvgPool3d", "Unflatten", "Upsample",
        "ZeroPad2d", "ConstantPad1d", "ConstantPad2d", "ReflectionPad1d", "ReflectionPad2d", "PixelShuffle",
    )),
    *(LayerSpec(kind, CONTAINER) for kind in ("Sequential", "ModuleList", "ModuleDict")),
)

LAYERS: dict[str, LayerSpec] = {spec.kind: spec for spec in _LAYERS}
# `torch.nn` classes that wrap a tensor and read as that tensor (`nn.Parameter(torch.zeros(...))`)
TENSOR_WRAPPERS = frozenset({"Parameter", "Buffer"})


def kinds_of(family: str) -> tuple[str, ...]:
    """The layer kinds of one family, in table order."""
    return tuple(spec.kind for spec in _LAYERS if spec.family == family)


RNN_KINDS = kinds_of(RECURRENT)  # ("RNN", "LSTM", "GRU")
CELL_KINDS = kinds_of(CELL)  # ("RNNCell", "LSTMCell", "GRUCell")
# every recurrent kind a file may build: a file naming none of them cannot produce a finding
RECURRENT_KINDS = RNN_KINDS + CELL_KINDS
# non-recurrent layers whose constructor arguments the analysis binds
LAYER_PARAMETERS: dict[str, Parameters] = {
    spec.kind: spec.parameters for spec in _LAYERS if spec.family != RECURRENT and spec.parameters is not None
}
SHAPE_PRESERVING = frozenset(kinds_of(SAME_SHAPE))
CONTAINERS = frozenset(kinds_of(CONTAINER))
# torch's `mode` of a built recurrent module -> its kind (the runtime reads modules, not calls)
KIND_OF_MODE = {mode: spec.kind for spec in _LAYERS for mode in spec.modes}


def constructor_parameters(kind: str) -> Parameters:
    """``(name, default)`` pairs in the positional order that ``kind``'s constructor accepts.

    >>> [name for name, _ in constructor_parameters("RNN")][:4]
    ['input_size', 'hidden_size', 'num_layers', 'nonlinearity']
    """
    return LAYERS[kind].parameters or ()


def accepted_keywords(kind: str) -> tuple[str, ...]:
    """Every keyword that ``kind``'s constructor accepts."""
    return LAYERS[kind].accepted_keywords


# Keywords only nn.RNN, nn.LSTM, nn.GRU (and nn.RNNBase, whose first parameter is `mode`) take
# among the classes of torch.nn; two groups single them out together: the cells take
# `input_size`/`hidden_size` but no `num_layers`, `dropout` or `batch_first`, the transformer
# stacks take `num_layers` but no sizes, `dropout` or `batch_first` (a test checks this against
# every class of torch.nn).
RECURRENT_ONLY_KEYWORDS = frozenset({"bidirectional", "proj_size"})
_RECURRENT_SIZES = frozenset({"input_size", "hidden_size"})
_RECURRENT_STACKING = frozenset({"num_layers", "dropout", "batch_first"})


def singles_out_recurrent(keywords) -> bool:
    """Whether a class of torch.nn that accepts all of ``keywords`` is a recurrent layer.

    >>> singles_out_recurrent({"input_size", "hidden_size", "num_layers"}), singles_out_recurrent({"hidden_size"})
    (True, False)
    """
    given = frozenset(keywords)
    if given & RECURRENT_ONLY_KEYWORDS:
        return True
    if "num_layers" in given and given & (_RECURRENT_SIZES | {"dropout", "batch_first", "bias"}):
        return True
    return bool(given & _RECURRENT_SIZES) and bool(given & _RECURRENT_STACKING)


def recurrent_kinds_taking(positional: int, keywords) -> tuple[str, ...]:
    """The recurrent kinds (``RNN_KINDS``) a call of an unnamed torch.nn class with
    ``positional`` arguments and these ``keywords`` can build, when its keywords single the
    recurrent layers out; none otherwise (nn.RNNBase is left out: it needs its `mode`)."""
    given = tuple(keywords)
    if "mode" in given or not singles_out_recurrent(given):
        return ()
    kinds = []
    for kind in RNN_KINDS:
        names = [name for name, _ in constructor_parameters(kind)]
        if positional > len(names) or any(name in names[:positional] for name in given):
            continue
        if all(name in accepted_keywords(kind) for name in given) and \
                all(name in given or index < positional for index, name in enumerate(names[:2])):
            kinds.append(kind)
    return tuple(kinds)


# --- tensor methods -----------------------------------------------------------------------------

# What `tensor.<method>(...)` returns, by behaviour (each has one handler in the analysis).
SIZE = "size"  # x.size(), x.size(1)
RANK = "rank"  # x.dim()
RESHAPE = "reshape"  # x.view(...), x.reshape(...)
MATMUL = "matmul"
LIKE_OTHER = "like_other"  # x.view_as(y): the shape of y
PERMUTE = "permute"
MOVEDIM = "movedim"  # x.movedim(source, destination): the axes reordered
UNFLATTEN = "unflatten"  # x.unflatten(dim, sizes): one axis split
TRANSPOSE = "transpose"  # two axes swapped
MATRIX_TRANSPOSE = "matrix_transpose"  # x.t()
SQUEEZE = "squeeze"
UNSQUEEZE = "unsqueeze"
FLATTEN = "flatten"
REDUCE = "reduce"  # one axis reduced (or all of them)
REDUCE_VALUES_INDICES = "reduce_values_indices"  # with an axis: (values, indices)
NEW_TENSOR = "new_tensor"  # x.new_zeros(sizes): a tensor of those sizes
NEW_LEGACY = "new_legacy"  # x.new(sizes), or data when given a list
ELEMENTWISE = "elementwise"  # the same shape
PIECES = "pieces"  # chunk / split / unbind: a sequence the analysis does not follow
REPEAT = "repeat"
EXPAND = "expand"
NOT_A_TENSOR = "not_a_tensor"  # a Python value: x.item(), x.tolist()
GATHER = "gather"  # x.gather(dim, index): the index's shape

_METHOD_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (SIZE, ("size",)),
    (RANK, ("dim", "ndimension")),
    (RESHAPE, ("view", "reshape")),
    (MATMUL, ("bmm", "matmul")),
    (LIKE_OTHER, ("view_as", "reshape_as", "expand_as")),
    (PERMUTE, ("permute",)),
    (MOVEDIM, ("movedim", "moveaxis")),
    (UNFLATTEN, ("unflatten",)),
    (TRANSPOSE, ("transpose", "swapaxes", "swapdims")),
    (MATRIX_TRANSPOSE, ("t",)),
    (SQUEEZE, ("squeeze",)),
    (UNSQUEEZE, ("unsqueeze",)),
    (FLATTEN, ("flatten",)),
    (REDUCE, ("mean", "sum", "prod", "std", "var", "norm", "logsumexp", "amax", "amin", "all", "any", "nansum",
              "nanmean", "argmax", "argmin")),
    (REDUCE_VALUES_INDICES, ("max", "min", "median", "mode", "kthvalue")),
    (NEW_TENSOR, ("new_zeros", "new_ones", "new_empty", "new_full", "new_tensor")),
    (NEW_LEGACY, ("new",)),
    (ELEMENTWISE, (
        "contiguous", "float", "double", "half", "bfloat16", "to", "cuda", "cpu", "detach", "clone", "relu",
        "tanh", "sigmoid", "exp", "log", "abs", "neg", "sqrt", "softmax", "log_softmax", "masked_fill",
        "clamp", "pow", "mul", "add", "sub", "div", "type_as", "requires_grad_", "relu_", "tanh_",
        "sigmoid_", "mul_", "add_", "masked_fill_", "fill_", "zero_", "pin_memory", "long", "int", "bool",
        "type", "copy_", "normal_", "uniform_", "requires_grad", "retain_grad",
        "sign", "floor", "ceil", "round", "reciprocal", "rsqrt", "erf", "sin", "cos", "clamp_", "lt", "gt",
        "le", "ge", "eq", "ne", "logical_not", "where", "masked_scatter", "nan_to_num", "dropout", "flip", "roll",
    )),
    (PIECES, ("chunk", "split", "unbind")),
    (REPEAT, ("repeat",)),
    (EXPAND, ("expand",)),
    (GATHER, ("gather",)),
    (NOT_A_TENSOR, ("item", "tolist", "numel", "numpy")),
)
# conversions that leave every entry as it is (an `arange`'s positions survive them)
# Tensor methods that take a dimension but refuse its NumPy spelling `axis=` (defined in Python,
# not by torch's argument parser, which reads `axis` as `dim` everywhere else: `x.sum(axis=1)`).
AXIS_REFUSED = frozenset(("split", "unflatten", "norm"))


def dim_keyword(kwargs: dict, name: str) -> dict:
    """``kwargs`` with an ``axis=`` keyword read as the ``dim=`` torch takes it for, for a
    function or method of torch ``name`` that accepts the alias."""
    if "axis" not in kwargs or "dim" in kwargs or name in AXIS_REFUSED:
        return kwargs
    renamed = {k: v for k, v in kwargs.items() if k != "axis"}
    renamed["dim"] = kwargs["axis"]
    return renamed


KEEP_ENTRIES = frozenset(("contiguous", "to", "cuda", "cpu", "detach", "clone", "long", "int", "type_as",
                          "type", "pin_memory", "requires_grad_"))
# nn.Module methods that return the module itself (`nn.LSTM(...).to(device)`, `encoder.eval()`)
MODULE_METHODS_RETURNING_SELF = frozenset((
    "to", "cuda", "cpu", "float", "double", "half", "bfloat16", "type", "train", "eval", "requires_grad_",
    "share_memory", "apply", "to_empty", "ipu", "xpu", "mtia",
))
# method -> behaviour; a method not listed returns a tensor of unknown shape
TENSOR_METHODS: dict[str, str] = {name: behaviour for behaviour, names in _METHOD_GROUPS for name in names}
# attributes every tensor has and a tuple has not: reading one on an LSTM's `(h_n, c_n)` raises
TENSOR_ATTRIBUTES = frozenset({
    "shape", "dtype", "device", "data", "ndim", "is_cuda", "layout", "T", "mT", "grad", "requires_grad",
})
# methods that change a tensor's shape in place -> the method returning that shape (None: unknown)
IN_PLACE_SHAPE_METHODS: dict[str, str | None] = {
    "transpose_": "transpose", "t_": "t", "squeeze_": "squeeze", "unsqueeze_": "unsqueeze",
    "swapaxes_": "swapaxes", "swapdims_": "swapdims", "resize_": None, "resize_as_": None,
    "set_": None, "as_strided_": None,
}


def methods_of(behaviour: str) -> frozenset[str]:
    return frozenset(name for name, found in TENSOR_METHODS.items() if found == behaviour)


NEW_TENSOR_METHODS = methods_of(NEW_TENSOR)


# --- torch functions ------------------------------------------------------------------------------

CONCATENATE = "concatenate"  # torch.cat(tensors, dim)
STACK = "stack"
CREATE = "create"  # torch.zeros(sizes)
CREATE_FULL = "create_full"  # torch.full(sizes, value)
CREATE_LIKE = "create_like"  # torch.zeros_like(x): the shape of x
WRAP = "wrap"  # the legacy autograd Variable(x): x itself
AS_METHOD = "as_method"  # torch.f(x, *args) is x.f(*args)
EINSUM = "einsum"  # torch.einsum("bij,bjk->bik", a, b): axes named by letters
ARANGE = "arange"  # torch.arange(n): the positions 0..n-1, one axis of size n


@dataclass(frozen=True)
class TorchFunction:
    """``torch.<name>`` (or ``torch.nn.functional.<name>``): its behaviour (one of the method
    behaviours, or those above), and whether its first argument must be one tensor."""

    name: str
    behaviour: str | None
    one_tensor: bool = False


_FUNCTION_GROUPS: tuple[tuple[str | None, bool, tuple[str, ...]], ...] = (
    (CONCATENATE, False, ("cat", "concat", "concatenate")),
    (MATMUL, True, ("bmm", "matmul")),
    (STACK, False, ("stack",)),
    (EINSUM, False, ("einsum",)),
    (ARANGE, False, ("arange",)),
    (CREATE, False, ("zeros", "ones", "randn", "rand", "empty")),
    (CREATE_FULL, False, ("full",)),
    (CREATE_LIKE, False, ("zeros_like", "ones_like", "randn_like", "rand_like", "empty_like", "full_like")),
    (WRAP, False, ("Variable",)),
    (ELEMENTWISE, True, (
        "relu", "tanh", "sigmoid", "gelu", "elu", "selu", "leaky_relu", "silu", "softmax", "log_softmax",
        "dropout", "exp", "log", "abs", "sqrt", "layer_norm", "normalize", "softplus", "mish", "hardtanh",
        "clone", "detach", "sign", "neg", "masked_fill", "clamp", "pow", "mul", "add", "sub", "div",
        "logsigmoid", "alpha_dropout", "feature_alpha_dropout", "nan_to_num", "rsqrt", "erf", "sin", "cos", "flip",
        "roll",
    )),
    (AS_METHOD, True, ("transpose", "permute", "movedim", "moveaxis", "unflatten", "reshape", "squeeze", "unsqueeze",
                       "flatten", "mean", "sum", "max",
                       "min", "amax", "amin", "argmax", "logsumexp", "gather")),
)
TORCH_FUNCTIONS: dict[str, TorchFunction] = {
    name: TorchFunction(name, behaviour, one_tensor) for behaviour, one_tensor, names in _FUNCTION_GROUPS
    for name in names
}
