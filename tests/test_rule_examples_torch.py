"""Real-torch proof for rule examples that have no folder in examples/: each buggy example
raises or gives the silent wrong result its rule describes.

Needs torch. An example is found by its rule and a fragment of its source, executed as a
module, and its model built with the constructor's defaults.
"""

from __future__ import annotations

import warnings

import pytest
import torch
from torch import nn

from rnnlint.rules import ALL_RULES


def example(code: str, fragment: str) -> str:
    rule = next(each for each in ALL_RULES if code == each.CODE)
    found = [invalid.code for invalid in rule.INVALID if fragment in invalid.code]
    assert len(found) == 1, f"{code}: {len(found)} invalid examples hold {fragment!r}"
    return found[0]


def model_of(source: str, name: str) -> nn.Module:
    namespace: dict = {}
    exec(compile(source, f"<{name}>", "exec"), namespace)
    torch.manual_seed(0)
    return namespace[name]()


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_rnn009_a_default_rate_on_one_layer_warns_and_never_acts():
    source = example("RNN009", "dropout=0.3):")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = model_of(source, "Forecaster")
    assert any("num_layers" in str(warning.message) for warning in caught)
    assert model.lstm.dropout == 0.3
    model.train()
    x = torch.randn(4, 6, 3)
    # in training mode a dropout that acted would give two different results
    assert torch.equal(model(x), model(x))


def test_rnn003_the_prediction_ignores_the_forward_direction_though_the_output_is_returned():
    model = model_of(example("RNN003", "return self.fc(h_n[-1]), out"), "TagAndClassify")
    x = torch.randn(3, 7, 5)
    prediction, out = model(x)
    with torch.no_grad():
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            getattr(model.gru, name).add_(1.0)  # the forward direction of the only layer
    changed_prediction, changed_out = model(x)
    assert torch.equal(prediction, changed_prediction)
    assert not torch.allclose(out, changed_out)


def test_rnn010_a_batch_first_padding_packed_sequence_first_mixes_the_samples():
    source = example("RNN010", "pad_sequence(clips, batch_first=True).float()")
    model = model_of(source, "Clips")
    # as many clips as steps: the pack runs, reading time as the batch
    clips = [torch.randn(length, 3) for length in (3, 3, 3)]
    lengths = torch.tensor([3, 3, 3])
    first = model(clips, lengths)
    # change only the second clip: sample 0's prediction must not move
    clips[1] = clips[1] + 1.0
    assert not torch.allclose(first[0], model(clips, lengths)[0])
    fixed = model_of(source.replace("enforce_sorted=False)", "enforce_sorted=False, batch_first=True)"), "Clips")
    clips_again = [torch.randn(length, 3) for length in (3, 3, 3)]
    before = fixed(clips_again, lengths)
    clips_again[1] = clips_again[1] + 1.0
    assert torch.allclose(before[0], fixed(clips_again, lengths)[0])


def test_rnn001_a_head_counting_layers_for_directions_fails_at_any_other_depth():
    source = example("RNN001", "nn.Linear(hidden * num_layers, n_classes)  # expect")
    namespace: dict = {}
    exec(compile(source, "<Classifier>", "exec"), namespace)
    x = torch.randn(3, 7, 6)
    assert namespace["Classifier"]()(x).shape == (3, 4)  # two layers: the sizes agree by accident
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        namespace["Classifier"](num_layers=3)(x)


def test_rnn005_a_conv2d_map_viewed_as_width_first_differs_from_the_permute():
    source = example("RNN005", "self.rnn(f.view(b, w, c * h))")
    model = model_of(source, "LineReader")
    images = torch.randn(2, 1, 8, 11)
    f = model.conv(images)
    b, c, h, w = f.shape
    viewed, moved = f.view(b, w, c * h), f.permute(0, 3, 1, 2).reshape(b, w, c * h)
    assert viewed.shape == moved.shape
    assert not torch.equal(viewed, moved)  # each "frame" mixes channels, heights and columns
    assert not torch.allclose(model(images), model.rnn(moved)[0])


def test_rnn005_an_embedding_viewed_features_first_differs_from_the_transpose():
    source = example("RNN005", "e.view(e.size(0), e.size(2), -1)")
    model = model_of(source, "SpatialDropout")
    e = model.embedding(torch.randint(0, 50, (3, 5)))
    viewed = e.view(e.size(0), e.size(2), -1)
    assert viewed.shape == e.transpose(1, 2).shape
    assert not torch.equal(viewed, e.transpose(1, 2))


def test_rnn006_a_learned_start_expanded_along_the_layers_axis_raises():
    model = model_of(example("RNN006", "self.h0.expand(x.size(0), -1, -1)"), "LearnedStart")
    with pytest.raises(RuntimeError, match="Expected hidden size"):
        model(torch.randn(3, 5, 4))


def test_rnn004_a_step_loop_feeding_the_batch_as_time_mixes_the_samples():
    model = model_of(example("RNN004", "self.lstm(x[:, t].unsqueeze(1), state)"), "StepTagger")
    x = torch.randn(3, 5, 4)
    changed = x.clone()
    changed[1] += 1.0  # sample 1 only
    # sample 0's outputs move with sample 1: the LSTM runs over the batch
    assert not torch.allclose(model(x)[0], model(changed)[0])
    # the correct loop (each step as (1, batch, features)) keeps them apart
    correct = model_of(example("RNN004", "self.lstm(x[:, t].unsqueeze(1), state)")
                       .replace("unsqueeze(1)", "unsqueeze(0)").replace("dim=1", "dim=0"), "StepTagger")
    assert torch.allclose(correct(x)[:, 0], correct(changed)[:, 0])


def test_rnn005_unflatten_of_h_n_directions_first_picks_rows_of_other_layers():
    model = model_of(example("RNN005", "h_n.unflatten(0, (2, self.layers))"), "TopLayer")
    x = torch.randn(2, 5, 4)
    _, (h_n, _) = model.lstm(x)
    top = h_n.view(3, 2, 2, 5)[-1]  # (directions, batch, hidden) of the last layer
    assert not torch.equal(model(x), top)


def test_rnn002_state_rows_joined_on_the_batch_axis_give_two_rows_per_sample():
    model = model_of(example("RNN002", "torch.cat([h_n[0], h_n[1]], dim=0)"), "Classifier")
    assert model(torch.randn(5, 7, 4)).shape == (10, 3)  # 5 samples, 10 predictions


def test_rnn005_a_view_after_an_einsum_to_time_first_mixes_the_samples():
    model = model_of(example("RNN005", 'torch.einsum("btf->tbf", out)'), "TimeMajor")
    x = torch.randn(3, 4, 4)
    changed = x.clone()
    changed[1] += 1.0  # sample 1 only
    assert not torch.allclose(model(x)[0], model(changed)[0])  # row 0 holds other samples' steps


def test_rnn004_batch_positions_on_the_time_axis_pick_other_samples():
    model = model_of(example("RNN004", "out[torch.arange(batch), lengths - 1]"), "LastStep")
    x = torch.randn(6, 4, 4)  # seq 6, batch 4
    lengths = torch.tensor([2, 4, 3, 1])
    changed = x.clone()
    changed[:, 1] += 1.0  # sample 1 only
    # the row for sample 0 moves with sample 1: it is read from sample `lengths[0] - 1`, step 0
    assert not torch.allclose(model(x, lengths)[0], model(changed, lengths)[0])
    out, _ = model.gru(x)
    assert not torch.allclose(model(x, lengths), out[lengths - 1, torch.arange(4)])
    # a batch larger than the sequence does not even run
    with pytest.raises(IndexError):
        model(torch.randn(2, 3, 4), torch.tensor([2, 2, 1]))


def test_rnn005_a_middle_axis_swapped_by_a_view_reads_each_sample_out_of_order():
    source = example("RNN005", "similarity.view(similarity.size(0), similarity.size(2), -1)")
    model = model_of(source, "Align")
    correct = model_of(source.replace("similarity.view(similarity.size(0), similarity.size(2), -1)",
                                      "similarity.transpose(1, 2)"), "Align")
    correct.load_state_dict(model.state_dict())
    for length in (5, 3):  # equal lengths or not, it runs silently with the shape of the correct one
        premise, hypothesis = torch.randn(2, 5, 4), torch.randn(2, length, 4)
        assert model(premise, hypothesis).shape == correct(premise, hypothesis).shape
        assert not torch.allclose(model(premise, hypothesis), correct(premise, hypothesis))


def test_rnn010_lengths_counted_per_row_contradict_a_sequence_first_pack():
    model = model_of(example("RNN010", "lengths = (tokens != 0).sum(1)"), "Tagger")
    tokens = torch.randint(1, 100, (3, 5))  # batch 3, seq 5: every token real
    with pytest.raises(RuntimeError):
        model(tokens)  # one length per sample, but the pack reads axis 1 (5 entries) as the batch
    square = torch.randint(1, 100, (4, 4))
    square[1, 2:] = 0  # sample 1 has two real steps
    changed = square.clone()
    changed[1, 0] = 7  # sample 1 only
    # on a square input it runs, and sample 0's state moves with sample 1: it packed the batch as time
    assert not torch.allclose(model(square)[0], model(changed)[0])


def test_rnn001_a_gathered_last_step_carries_both_directions():
    model = model_of(example("RNN001", "out.gather(1, steps)"), "LastStep")
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        model(torch.randn(3, 5, 6), torch.tensor([5, 2, 4]))


def test_rnn005_an_expanded_axis_read_first_regroups_each_step_but_keeps_the_samples_apart():
    source = example("RNN005", "spread.reshape(x.size(0) * x.size(1), self.speakers, self.scales)")
    model = model_of(source, "ScaleWeights")
    x = torch.randn(2, 5, 6)
    read = model(x)
    weights = torch.softmax(model.to_weights(model.lstm(x)[0]), dim=2)
    # each speaker's row should hold the step's weights of every scale, which sum to one
    meant = weights.unsqueeze(3).expand(-1, -1, -1, 2).transpose(2, 3).reshape(10, 2, 3)
    assert read.shape == meant.shape
    assert torch.allclose(meant.sum(2), torch.ones(10, 2))
    assert not torch.allclose(read.sum(2), torch.ones(10, 2))
    # the samples stay apart: sample 0's rows do not move with sample 1
    changed = x.clone()
    changed[1] += 1.0
    assert torch.equal(model(changed)[:5], read[:5])


def test_rnn012_a_time_major_padding_indexed_on_axis_1_feeds_one_sample_as_a_batch():
    model = model_of(example("RNN012", "self.cell(padded[:, t], h)"), "PaddedCellReader")
    with pytest.raises(RuntimeError):
        model([torch.randn(n, 3) for n in (6, 4, 5)])  # a batch of 6 steps against a state of 3 samples
    # as many samples as steps: it runs, and sample 0's state moves with sample 1
    sequences = [torch.randn(3, 3) for _ in range(3)]
    changed = [seq.clone() for seq in sequences]
    changed[1] += 1.0
    assert not torch.allclose(model(sequences)[0], model(changed)[0])


def test_rnn006_a_state_sized_with_the_time_axis_of_a_series_stepped_by_index_raises():
    model = model_of(example("RNN006", "self.step(series[t].unsqueeze(0), (h, c))"), "Forecaster")
    with pytest.raises(RuntimeError, match="Expected hidden"):
        model(torch.randn(5, 3, 4))  # 5 steps, 3 series: the state has 5 rows, each step 3
    fixed = model_of(example("RNN006", "self.step(series[t].unsqueeze(0), (h, c))")
                     .replace("series.shape[0], self.lstm.hidden_size", "series.shape[1], self.lstm.hidden_size"),
                     "Forecaster")
    assert len(fixed(torch.randn(5, 3, 4))) == 5


def test_rnn010_an_embedded_batch_first_padding_packed_sequence_first_reads_the_wrong_axis():
    source = example("RNN010", "tokens = pad_sequence(sequences, batch_first=True)")
    model = model_of(source, "Reader")
    sequences = [torch.randint(0, 20, (n,)) for n in (5, 3, 4)]
    lengths = torch.tensor([5, 3, 4])
    with pytest.raises(RuntimeError):
        model(sequences, lengths)  # 3 lengths, but the pack takes the 5 steps for the batch
    fixed = model_of(source.replace("enforce_sorted=False)", "enforce_sorted=False, batch_first=True)"), "Reader")
    assert fixed(sequences, lengths).shape == (3, 5)



def test_rnn010_a_loader_padding_batch_first_packed_sequence_first_raises_or_mixes_the_samples():
    source = example("RNN010", "collate_fn=collate")
    namespace: dict = {}
    exec(compile(source, "<loader>", "exec"), namespace)
    torch.manual_seed(0)
    with pytest.raises(RuntimeError):
        namespace["encode"]([[1, 2, 3, 4, 5], [6, 7, 8], [9, 10, 11, 12]])  # 3 lengths, 5 steps read as the batch
    # a batch as long as its longest sample runs, each code mixing the samples
    samples = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    changed = [[1, 2, 3], [14, 5, 6], [7, 8, 9]]  # sample 1 only
    torch.manual_seed(0)
    (codes,) = namespace["encode"](samples)
    torch.manual_seed(0)
    (other,) = namespace["encode"](changed)
    assert not torch.allclose(codes[0], other[0])  # sample 0's code depends on sample 1
    fixed: dict = {}
    exec(compile(source.replace("enforce_sorted=False)", "enforce_sorted=False, batch_first=True)"), "<fixed>", "exec"),
         fixed)
    torch.manual_seed(0)
    (codes,) = fixed["encode"](samples)
    torch.manual_seed(0)
    (other,) = fixed["encode"](changed)
    assert torch.allclose(codes[0], other[0]) and codes.shape == (3, 5)

def test_rnn004_a_loader_padding_sequence_first_fed_to_a_batch_first_gru_reads_steps_as_samples():
    namespace: dict = {}
    exec(compile(example("RNN004", "collate_fn=collate"), "<loader>", "exec"), namespace)
    samples = [[1, 2, 3, 4, 5], [6, 7, 8], [9, 10, 11, 12]]
    changed = [[1, 2, 3, 4, 5], [16, 7, 8], [9, 10, 11, 12]]  # sample 1 only
    torch.manual_seed(0)
    (rows,) = namespace["read"](samples)
    torch.manual_seed(0)
    (other,) = namespace["read"](changed)
    assert rows.shape == (5, 5)  # one row per time step, not per sample
    assert not torch.allclose(rows[0], other[0])  # row 0 mixes the samples

def test_rnn004_a_default_padding_fed_to_a_batch_first_lstm_reads_steps_as_samples():
    model = model_of(example("RNN004", "self.lstm(self.embedding(tokens))"), "Reader")
    sequences = [torch.randint(0, 20, (n,)) for n in (5, 3, 4)]
    assert model(sequences).shape == (5, 5)  # one row per time step, not per sequence
    changed = [seq.clone() for seq in sequences]
    changed[1][0] = (changed[1][0] + 1) % 20  # sequence 1 only
    assert not torch.allclose(model(sequences)[0], model(changed)[0])  # row 0 mixes the sequences


def test_rnn007_a_decoder_state_wrapped_in_a_tuple_by_another_method_raises():
    model = model_of(example("RNN007", "return (h_n,)"), "Seq2Seq")
    with pytest.raises(AttributeError, match="tuple"):
        model(torch.randn(5, 2, 8), torch.randn(4, 2, 8))
