"""The rule registry: every rule is listed here exactly once."""

from __future__ import annotations

from .rnn001_head_features_mismatch import HeadFeaturesMismatch
from .rnn002_hidden_state_into_head import HiddenStateIntoHead
from .rnn003_one_direction_last_hidden import OneDirectionLastHidden
from .rnn004_batch_axis_as_time import BatchAxisAsTime
from .rnn005_reshape_swaps_axes import ReshapeSwapsAxes
from .rnn006_initial_state_shape import InitialStateShape
from .rnn007_lstm_state_tuple import LstmStateTuple
from .rnn008_input_size_mismatch import InputSizeMismatch
from .rnn009_dropout_without_layers import DropoutWithoutLayers
from .rnn010_packed_layout_mismatch import PackedLayoutMismatch
from .rnn011_invalid_rnn_argument import InvalidRnnArgument
from .rnn100_unused_noqa import UnusedNoqa

ALL_RULES = (
    HeadFeaturesMismatch,
    HiddenStateIntoHead,
    OneDirectionLastHidden,
    BatchAxisAsTime,
    ReshapeSwapsAxes,
    InitialStateShape,
    LstmStateTuple,
    InputSizeMismatch,
    DropoutWithoutLayers,
    PackedLayoutMismatch,
    InvalidRnnArgument,
    UnusedNoqa,  # reads the suppressions: runs after every rule above
)

RULES_BY_CODE = {rule.CODE: rule for rule in ALL_RULES}
RULES_BY_NAME = {rule.NAME: rule for rule in ALL_RULES}
