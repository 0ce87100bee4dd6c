"""Syntax tree -> facts: the recurrent modules of a file, their layers and what forward does.

Facts are computed once per file and shared by every rule; rules never re-walk the tree. This
package's public names, listed here, are all a rule may import from the analysis.
"""

from __future__ import annotations

from ._axes import BATCH as BATCH_FACTOR
from ._axes import DIRECTIONS as DIRECTIONS_FACTOR
from ._axes import LAYERS as LAYERS_FACTOR
from ._axes import regroup
from ._driver import analyse
from ._facts import (
    FACT_KINDS,
    STEP,
    TO_CELL,
    TO_LOSS,
    TO_RETURN,
    TO_STATE,
    WHOLE_SLICE,
    CellCall,
    Fact,
    FileFacts,
    HeadCall,
    HeadFlow,
    IndexEllipsis,
    IndexInt,
    IndexItem,
    IndexKey,
    IndexNone,
    IndexSlice,
    IndexTensor,
    LayerCall,
    Pack,
    Pad,
    PadSequence,
    RecurrentInput,
    Reduce,
    Reshape,
    Return,
    RnnCall,
    ScopeFacts,
    StepLoop,
    TensorOp,
    TensorSubscript,
    TupleSubscript,
    Unpack,
    inputs_of,
    recurrent_result,
    takes_axis,
    tensors_within,
)
from ._interpreter import ShapeNote
from ._names import argument, argument_value, unpacks
from ._program import Built, Called, Configuration, Site
from ._requirements import pinned_guard, required_sizes
from ._symbolic import (
    DIFFERENT,
    EQUAL,
    OPAQUE_CONDITION,
    UNKNOWN,
    UNKNOWN_ORDER,
    Alt,
    Atom,
    Bool,
    Comparison,
    Const,
    Flag,
    Omitted,
    Opaque,
    Poly,
    Relation,
    Unknown,
    Value,
    as_int,
    as_number,
    cases,
    compare,
    compare_numbers,
    merge_guards,
    multiply,
    number,
    restrict,
    substitute,
)
from ._tensor_ops import axes_of, exact_quotient, per_layer_size, product, reshape
from ._values import (
    BATCH,
    CELL_KINDS,
    FEATURE,
    LAYER_PARAMETERS,
    RNN_KINDS,
    SHAPE_PRESERVING,
    STATE,
    TIME,
    AxisOf,
    DictValue,
    Layer,
    ListValue,
    Packed,
    Tensor,
    TupleValue,
    axis_of,
    axis_symbol,
    cell_configs,
    dim,
    is_packed_batch,
    rnn_configs,
    split_flag,
)

__all__ = [
    # the result of one file's analysis
    "FileFacts", "ScopeFacts", "ShapeNote", "analyse",
    # sizes a run's layer calls need
    "pinned_guard", "required_sizes",
    # facts
    "FACT_KINDS", "Fact", "LayerCall", "Pack", "Pad", "PadSequence", "Reduce", "Reshape", "Return", "RnnCall",
    "TensorOp", "CellCall", "StepLoop", "STEP",
    "TensorSubscript", "TupleSubscript", "Unpack",
    "IndexEllipsis", "IndexInt", "IndexItem", "IndexKey", "IndexNone", "IndexSlice", "IndexTensor", "WHOLE_SLICE",
    "takes_axis",
    # provenance: who produced a value, where it goes
    "HeadCall", "HeadFlow", "TO_CELL", "TO_LOSS", "TO_RETURN", "TO_STATE", "tensors_within",
    "RecurrentInput", "inputs_of", "recurrent_result",
    # values and what they mean
    "Alt", "Bool", "Const", "DictValue", "Layer", "ListValue", "Packed", "Poly", "Tensor", "TupleValue", "Unknown",
    "Value", "UNKNOWN", "BATCH", "FEATURE", "STATE", "TIME", "AxisOf", "axis_symbol", "axis_of", "is_packed_batch",
    "cases", "as_int", "as_number", "number", "multiply", "restrict", "substitute", "merge_guards", "dim",
    "rnn_configs", "cell_configs", "split_flag",
    "reshape", "exact_quotient", "product", "axes_of", "regroup", "per_layer_size",
    "LAYERS_FACTOR", "DIRECTIONS_FACTOR", "BATCH_FACTOR",
    # comparisons, and the atoms of the conditions guards state
    "DIFFERENT", "EQUAL", "UNKNOWN_ORDER", "Comparison", "compare", "compare_numbers",
    "Atom", "Flag", "Omitted", "Opaque", "Relation", "OPAQUE_CONDITION",
    # the configuration a construction site gives a class
    "Built", "Called", "Configuration", "Site",
    # what the analysis knows of PyTorch
    "CELL_KINDS", "LAYER_PARAMETERS", "RNN_KINDS", "SHAPE_PRESERVING",
    # reading a call's arguments
    "argument", "argument_value", "unpacks",
]
