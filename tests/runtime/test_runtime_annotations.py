"""`shapecheck` and the aliases: jaxtyping annotations checked by beartype, one clean error."""

import pytest
import torch
from beartype import beartype
from jaxtyping import Float, Int, TypeCheckError, jaxtyped
from torch import Tensor, nn

from rnnlint.runtime import (
    BatchFirstOutput,
    BatchFirstSequence,
    CellState,
    HiddenState,
    LastHidden,
    SeqFirstSequence,
    ShapeError,
    shape_error_from,
    shapecheck,
)


@shapecheck
def encode(
    x: BatchFirstSequence, h0: HiddenState  # noqa: ARG001 - the annotation is what is checked
) -> Float[Tensor, "batch directions_x_hidden"]:
    return torch.cat((h0[-2], h0[-1]), dim=1)


def test_matching_shapes_pass_and_the_result_is_returned():
    result = encode(torch.zeros(4, 7, 3), torch.ones(2, 4, 5))
    assert torch.equal(result, torch.ones(4, 10))


def test_argument_mismatch_names_function_argument_shapes_and_bindings():
    with pytest.raises(ShapeError) as caught:
        encode(torch.zeros(4, 7, 3), torch.zeros(2, 5, 5))
    error = caught.value
    assert error.function.endswith("encode")
    assert error.argument == "h0"
    assert error.got == (2, 5, 5)
    assert error.bindings["batch"] == 4 and error.bindings["seq"] == 7
    assert "layers_x_directions batch hidden" in error.expected
    assert "`batch` is bound to 4, but axis 1 has size 5" in str(error)


def test_error_is_one_exception_without_a_chain():
    with pytest.raises(ShapeError) as caught:
        encode(torch.zeros(4, 7, 3), torch.zeros(2, 5, 5))
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert isinstance(caught.value, TypeError)
    assert "Called with parameters" not in str(caught.value)


def test_return_value_mismatch_is_reported_as_such():
    @shapecheck
    def last_step(output: BatchFirstOutput) -> LastHidden:
        return output[-1]  # the last sample, not the last step

    with pytest.raises(ShapeError) as caught:
        last_step(torch.zeros(4, 7, 6))
    assert caught.value.argument == "return value"
    assert caught.value.got == (7, 6)
    assert "`batch` is bound to 4, but axis 0 has size 7" in str(caught.value)


def test_rank_mismatch_is_explained():
    @shapecheck
    def read(x: SeqFirstSequence) -> None:  # noqa: ARG001 - the annotation is what is checked
        return None

    with pytest.raises(ShapeError, match="the annotation has 3 axes, the tensor 2"):
        read(torch.zeros(7, 3))


def test_dtype_mismatch_is_a_shape_error_too():
    @shapecheck
    def read(tokens: Int[Tensor, "batch seq"]) -> None:  # noqa: ARG001 - the annotation is what is checked
        return None

    with pytest.raises(ShapeError) as caught:
        read(torch.zeros(4, 7))
    assert caught.value.argument == "tokens"
    assert "f32" in str(caught.value)


def test_decorated_forward_of_a_recurrent_model():
    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(3, 5, batch_first=True)

        @shapecheck
        def forward(self, x: BatchFirstSequence) -> tuple[HiddenState, CellState]:
            _, (h_n, c_n) = self.lstm(x)
            return h_n, c_n

    tagger = Tagger()
    h_n, c_n = tagger(torch.zeros(4, 7, 3))
    assert h_n.shape == (1, 4, 5) and c_n.shape == (1, 4, 5)
    with pytest.raises(ShapeError) as caught:
        tagger(torch.zeros(4, 7))
    assert caught.value.argument == "x"


def test_plain_jaxtyping_error_converts_to_the_same_report():
    @jaxtyped(typechecker=beartype)
    def head(features: Float[Tensor, "batch 8"]) -> None:  # noqa: ARG001 - the annotation is what is checked
        return None

    with pytest.raises(TypeCheckError) as caught:
        head(torch.zeros(4, 6))
    error = shape_error_from(caught.value)
    assert isinstance(error, ShapeError)
    assert error.argument == "features" and error.got == (4, 6)
    assert "axis 1 must have size 8, has 6" in str(error)


def test_an_unrecognised_message_is_kept_whole():
    error = shape_error_from(TypeCheckError("something else entirely"))
    assert str(error) == "something else entirely"
