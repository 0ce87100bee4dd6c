"""The PyTorch names the benchmark follows: reductions, packing functions, an RNN's results,
layers that end an RNN's data, state factories and the constructors' argument order.
"""

from __future__ import annotations

SELECTIONS = ("__getitem__",)
REDUCTIONS = ("mean", "sum", "max", "min", "amax", "amin", "logsumexp", "nanmean")
PACKING = ("_pack_padded_sequence", "_pad_packed_sequence")
RNN_KINDS = ("output", "h_n", "c_n")
# learned layers: what leaves them is their own features ("layer"), no longer an RNN's
CUT_MODULES = ("Linear", "Bilinear", "Conv1d", "Conv2d", "Conv3d", "Embedding", "LSTMCell", "GRUCell",
               "RNNCell", "MultiheadAttention")

# positional order of the constructors' arguments
RNN_ORDER = ("input_size", "hidden_size", "num_layers", "nonlinearity", "bias", "batch_first", "dropout",
             "bidirectional")
GATED_ORDER = ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional",
               "proj_size")

STATE_FACTORIES = ("zeros", "ones", "randn", "rand", "empty", "full", "new_zeros", "new_ones", "new_empty",
                   "new_full", "new")
