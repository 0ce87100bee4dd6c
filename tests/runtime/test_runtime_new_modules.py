"""`watch_new_modules`: every recurrent module constructed inside it is watched, named by its
place in the model that owns it; nothing stays behind when it ends.
"""

import pytest
import torch
from torch import nn

from rnnlint.runtime import RNNShapeError, watch_new_modules


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, bidirectional=True)


class Classifier(nn.Module):
    def __init__(self, head_features=12):
        super().__init__()
        self.encoder = Encoder()
        self.head = nn.Linear(head_features, 2)

    def forward(self, x):
        out, _ = self.encoder.gru(x)
        return self.head(out[-1])


def hook_count(module):
    return len(module._forward_pre_hooks) + len(module._forward_hooks)


def test_modules_built_inside_are_watched_and_named_by_their_owner():
    with watch_new_modules():
        model = Classifier()
        with pytest.raises(RNNShapeError) as caught:
            model(torch.zeros(5, 3, 7))
    assert caught.value.rule == "RNN008"
    assert caught.value.module == "Classifier.encoder.gru"
    assert hook_count(model.encoder.gru) == 0


def test_modules_built_before_are_not_watched():
    model = Classifier()
    with watch_new_modules(), pytest.raises(RuntimeError) as caught:
        model(torch.zeros(5, 3, 7))
    assert not isinstance(caught.value, RNNShapeError)


def test_heads_are_watched_when_sizes_are_declared():
    with watch_new_modules(batch=3, seq=5):
        model = Classifier(head_features=6)
        assert hook_count(model.head) == 1
        with pytest.raises(RNNShapeError) as caught:
            model(torch.zeros(5, 3, 4))
    assert caught.value.rule == "RNN001"
    assert caught.value.module == "Classifier.head"


def test_registration_hooks_are_removed_on_exit():
    with watch_new_modules():
        pass
    rnn = nn.RNN(2, 4)
    assert hook_count(rnn) == 0


def test_results_are_bit_identical():
    torch.manual_seed(0)
    x = torch.randn(5, 3, 4)
    torch.manual_seed(1)
    plain = Classifier()(x)
    with watch_new_modules(batch=3, seq=5):
        torch.manual_seed(1)
        watched = Classifier()(x)
    assert torch.equal(plain, watched)
