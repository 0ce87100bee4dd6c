"""The rule registry: every rule is listed here exactly once."""

from __future__ import annotations

from .rnn001_head_features_mismatch import HeadFeaturesMismatch
from .rnn002_hidden_state_into_head import HiddenStateIntoHead
from .rnn003_one_direction_last_hidden import OneDirectionLastHidden
from .rnn004_batch_axis_as_time import BatchAxisAsTime
from .rnn005_reshape_swaps_axes import ReshapeSwapsAxes
from .rnn008_input_size_mismatch import InputSizeMismatch

ALL_RULES = (
    HeadFeaturesMismatch,
    HiddenStateIntoHead,
    OneDirectionLastHidden,
    BatchAxisAsTime,
    ReshapeSwapsAxes,
    InputSizeMismatch,
)

RULES_BY_CODE = {rule.CODE: rule for rule in ALL_RULES}
RULES_BY_NAME = {rule.NAME: rule for rule in ALL_RULES}
