"""Recurrent model files: classifiers, taggers, seq2seq, language models, forecasters, their
training functions, and the classic bugs planted in some of them.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

from ..pieces import Namer, Piece, fill
from .training import block_early_stop, block_schedule
from .utils import block_meter, block_seed

# planted bug -> the rule that names it (see examples/)
BUGS = {
    "head-after-bidirectional": "RNN001",
    "hidden-state-into-head": "RNN002",
    "one-direction-last-hidden": "RNN003",
    "batch-axis-as-time": "RNN004",
    "reshape-swaps-axes": "RNN005",
    "initial-state-shape": "RNN006",
    "lstm-state-tuple": "RNN007",
    "input-size-mismatch": "RNN008",
    "invalid-rnn-argument": "RNN011",
}


@dataclass
class RnnModel:
    """One recurrent model class plus what `--check` needs to call it."""

    piece: Piece
    cls: str
    call: str  # tokens | tagger | seq2seq | lm | series
    expect: list[int]  # intended output shape for batch 3, seq 5 (target length 6 for seq2seq)
    bug: str | None = None
    extra: dict = field(default_factory=dict)


class RnnNames:
    """The spellings one file uses for the usual constructor arguments."""

    def __init__(self, rng: random.Random) -> None:
        self.hid = rng.choice(["hidden_size", "hidden_dim", "rnn_hidden", "n_hidden"])
        self.nl = rng.choice(["num_layers", "n_layers", "rnn_layers"])
        self.emb = rng.choice(["embed_dim", "embedding_dim", "emb_size"])
        self.voc = rng.choice(["vocab_size", "n_tokens", "num_embeddings"])
        self.out = rng.choice(["num_classes", "n_labels", "output_size"])


def sizes(rng: random.Random) -> dict:
    hidden = rng.choice([32, 64, 100, 128, 256])
    embed = rng.choice([e for e in (24, 50, 96, 120, 200) if e != hidden])
    return {"H": hidden, "E": embed, "L": rng.choice([1, 1, 2, 2, 3]),
            "V": rng.choice([500, 1000, 2000, 5000]), "C": rng.choice([2, 3, 5, 7, 12]),
            "P": rng.choice([0.1, 0.2, 0.3, 0.5])}


def rnn_classifier(rng: random.Random, nm: Namer, bug: str | None) -> RnnModel:
    n = RnnNames(rng)
    s = sizes(rng)
    cell = rng.choice(["LSTM", "GRU"])
    bidirectional = rng.random() < 0.6
    pooling = rng.choice(["last", "mean", "max"])
    batch_first_kw = "batch_first"
    input_arg = n.emb
    if bug in ("head-after-bidirectional", "one-direction-last-hidden"):
        bidirectional = True
        pooling = "mean" if bug == "head-after-bidirectional" else "last"
    elif bug == "hidden-state-into-head":
        bidirectional, pooling = False, "state"
    elif bug == "lstm-state-tuple":
        cell, bidirectional, pooling = "LSTM", False, "tuple"
    elif bug == "invalid-rnn-argument":
        batch_first_kw = "batchfirst"
    elif bug == "input-size-mismatch":
        input_arg = n.hid
    attr = rng.choice(["rnn", cell.lower(), "encoder"])
    directions_style = rng.choice(["literal", "flag"])
    if (pooling == "last" and not bidirectional and s["L"] == 1 and directions_style == "literal"
            and rng.random() < 0.5):
        pooling = "squeeze"
    if directions_style == "flag":
        bi_param = f"\n        bidirectional: bool = {bidirectional},"
        bi_value = "bidirectional"
        pre = "        num_directions = 2 if bidirectional else 1\n"
        head_in = f"{n.hid} * num_directions"
    else:
        bi_param, bi_value, pre = "", str(bidirectional), ""
        head_in = rng.choice([f"{n.hid} * 2", f"2 * {n.hid}"]) if bidirectional else n.hid
    if bug in ("head-after-bidirectional", "one-direction-last-hidden", "hidden-state-into-head",
               "lstm-state-tuple"):
        head_in = n.hid
    state = "(h_n, c_n)" if cell == "LSTM" else "h_n"
    if pooling in ("last", "squeeze", "state", "tuple"):
        if pooling == "tuple":
            run = "        _, hidden = self.$attr(embedded)\n        features = hidden[-1]"
        elif pooling == "state":
            run = f"        _, {state} = self.$attr(embedded)\n        features = h_n"
        elif pooling == "squeeze":
            run = f"        _, {state} = self.$attr(embedded)\n        features = h_n.squeeze(0)"
        elif bug != "one-direction-last-hidden" and (bidirectional or directions_style == "flag"):
            # with a `bidirectional` argument both settings must work
            if directions_style == "flag":
                run = (f"        _, {state} = self.$attr(embedded)\n"
                       f"        if self.bidirectional:\n"
                       f"            features = torch.cat([h_n[-2], h_n[-1]], dim=-1)\n"
                       f"        else:\n"
                       f"            features = h_n[-1]")
            else:
                run = (f"        _, {state} = self.$attr(embedded)\n"
                       f"        features = torch.cat((h_n[-2], h_n[-1]), dim=1)")
        else:
            run = f"        _, {state} = self.$attr(embedded)\n        features = h_n[-1]"
        run = ("        if lengths is not None:\n"
               "            embedded = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)\n"
               + run)
    else:
        reduce = ("output.mean(dim=1)" if pooling == "mean" else "output.max(dim=1).values")
        run = (f"        output, _ = self.$attr(embedded)\n"
               f"        if lengths is not None:\n"
               f"            mask = (tokens != self.padding_idx).unsqueeze(-1).to(output.dtype)\n"
               f"            features = (output * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)\n"
               f"        else:\n"
               f"            features = {reduce}")
    run = string.Template(run).substitute(attr=attr)
    cls = nm.cls(rng.choice(["classifier", "encoder", "model"]))
    keep_bi = "        self.bidirectional = bidirectional\n" if directions_style == "flag" else ""
    text = fill('''
        class $cls(nn.Module):
            """$doc"""

            def __init__(
                self,
                $voc: int = $V,
                $emb: int = $E,
                $hid: int = $H,
                $nl: int = $L,
                $out: int = $C,
                dropout: float = $P,$bi_param
                padding_idx: int = 0,
            ):
                super().__init__()
        $pre$keep_bi        self.$hid = $hid
                self.padding_idx = padding_idx
                self.embedding = nn.Embedding($voc, $emb, padding_idx=padding_idx)
                self.$attr = nn.$cell(
                    $input_arg,
                    $hid,
                    num_layers=$nl,
                    $bf=True,
                    bidirectional=$bi_value,
                    dropout=dropout if $nl > 1 else 0.0,
                )
                self.dropout = nn.Dropout(dropout)
                self.$head = nn.Linear($head_in, $out)

            def forward(self, tokens: torch.Tensor, lengths: Optional[torch.Tensor] = None) -> torch.Tensor:
                embedded = self.dropout(self.embedding(tokens))
        $run
                return self.$head(self.dropout(features))
        ''', cls=cls, doc=rng.choice([
            "Sentence classifier over token ids (batch, seq).",
            "Intent classifier: embeds tokens, encodes them, pools, then scores.",
            "Sentiment model over padded, batch-first token ids.",
            "Document classifier with a recurrent encoder.",
        ]), voc=n.voc, emb=n.emb, hid=n.hid, nl=n.nl, out=n.out, bi_param=bi_param, pre=pre,
        keep_bi=keep_bi, attr=attr, cell=cell, input_arg=input_arg, bf=batch_first_kw,
        bi_value=bi_value, head=rng.choice(["fc", "head", "classifier", "out"]), head_in=head_in,
        run=run, **s)
    expect = [3, s["C"]]
    return RnnModel(Piece(text, {"from typing import Optional", "import torch", "from torch import nn",
                                 "from torch.nn.utils.rnn import pack_padded_sequence"}),
                    cls, "tokens", expect, bug, {"vocab": s["V"]})


def rnn_tagger(rng: random.Random, nm: Namer, bug: str | None) -> RnnModel:
    n = RnnNames(rng)
    s = sizes(rng)
    char_dim = rng.choice([16, 25, 30])
    char_channels = rng.choice([32, 50, 64])
    cell = rng.choice(["LSTM", "LSTM", "GRU"])
    rnn_in = f"{n.emb} + char_channels"
    proj_in = rng.choice([f"2 * {n.hid}", f"{n.hid} * 2"])
    if bug == "input-size-mismatch":
        rnn_in = n.emb
    elif bug == "head-after-bidirectional":
        proj_in = n.hid
    char_cls = nm.cls("chars")
    cls = nm.cls("tagger")
    text = fill('''
        class $char_cls(nn.Module):
            """Character CNN: one vector per word from its characters."""

            def __init__(self, n_chars: int = 100, char_dim: int = $char_dim, out_channels: int = $char_channels, kernel_size: int = 3):
                super().__init__()
                self.embedding = nn.Embedding(n_chars, char_dim, padding_idx=0)
                self.conv = nn.Conv1d(char_dim, out_channels, kernel_size, padding=kernel_size // 2)

            def forward(self, chars: torch.Tensor) -> torch.Tensor:
                batch, seq, word_len = chars.shape
                x = self.embedding(chars.reshape(batch * seq, word_len)).transpose(1, 2)
                x = torch.relu(self.conv(x)).max(dim=2).values
                return x.reshape(batch, seq, -1)


        class $cls(nn.Module):
            """Sequence tagger: word and character features, a bidirectional encoder, one score per tag."""

            def __init__(
                self,
                $voc: int = $V,
                $emb: int = $E,
                char_channels: int = $char_channels,
                $hid: int = $H,
                $nl: int = $L,
                num_tags: int = $C,
                dropout: float = $P,
            ):
                super().__init__()
                self.word_embedding = nn.Embedding($voc, $emb, padding_idx=0)
                self.char_encoder = $char_cls(out_channels=char_channels)
                self.encoder = nn.$cell(
                    $rnn_in,
                    $hid,
                    num_layers=$nl,
                    batch_first=True,
                    bidirectional=True,
                    dropout=dropout if $nl > 1 else 0.0,
                )
                self.dropout = nn.Dropout(dropout)
                self.projection = nn.Linear($proj_in, num_tags)

            def forward(self, words: torch.Tensor, chars: torch.Tensor, lengths: Optional[torch.Tensor] = None) -> torch.Tensor:
                x = torch.cat([self.word_embedding(words), self.char_encoder(chars)], dim=-1)
                x = self.dropout(x)
                if lengths is not None:
                    packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
                    packed_out, _ = self.encoder(packed)
                    out, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=words.size(1))
                else:
                    out, _ = self.encoder(x)
                return self.projection(self.dropout(out))

            def loss(self, words, chars, tags, lengths=None, pad_tag: int = -100) -> torch.Tensor:
                scores = self(words, chars, lengths)
                return F.cross_entropy(scores.reshape(-1, scores.size(-1)), tags.reshape(-1), ignore_index=pad_tag)

            @torch.no_grad()
            def decode(self, words, chars, lengths=None) -> list[list[int]]:
                best = self(words, chars, lengths).argmax(dim=-1)
                if lengths is None:
                    return best.tolist()
                return [row[:n].tolist() for row, n in zip(best, lengths.tolist())]
        ''', char_cls=char_cls, cls=cls, char_dim=char_dim, char_channels=char_channels,
        voc=n.voc, emb=n.emb, hid=n.hid, nl=n.nl, cell=cell, rnn_in=rnn_in, proj_in=proj_in, **s)
    return RnnModel(Piece(text, {"from typing import Optional", "import torch", "from torch import nn",
                                 "import torch.nn.functional as F",
                                 "from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence"}),
                    cls, "tagger", [3, 5, s["C"]], bug, {"vocab": s["V"]})


def rnn_seq2seq(rng: random.Random, nm: Namer, bug: str | None) -> RnnModel:
    n = RnnNames(rng)
    s = sizes(rng)
    bridge_in = rng.choice([f"2 * {n.hid}", f"{n.hid} * 2"])
    decoder_layers = ""
    if bug == "head-after-bidirectional":
        bridge_in = n.hid
    elif bug == "initial-state-shape":
        decoder_layers = ", num_layers=2"
    enc, att, dec, wrap = nm.cls("encoder"), nm.cls("attention"), nm.cls("decoder"), nm.cls("translator")
    tgt_vocab = rng.choice([400, 800, 3000])
    text = fill('''
        class $enc(nn.Module):
            """Bidirectional GRU over the source tokens."""

            def __init__(self, $voc: int = $V, $emb: int = $E, $hid: int = $H, $nl: int = $L, dropout: float = $P):
                super().__init__()
                self.embedding = nn.Embedding($voc, $emb, padding_idx=0)
                self.rnn = nn.GRU($emb, $hid, num_layers=$nl, batch_first=True, bidirectional=True, dropout=dropout if $nl > 1 else 0.0)
                self.bridge = nn.Linear($bridge_in, $hid)
                self.dropout = nn.Dropout(dropout)

            def forward(self, src: torch.Tensor):
                embedded = self.dropout(self.embedding(src))
                outputs, h_n = self.rnn(embedded)
                last = torch.cat([h_n[-2], h_n[-1]], dim=-1)
                hidden = torch.tanh(self.bridge(last))
                return outputs, hidden


        class $att(nn.Module):
            """Additive attention of one decoder state over all encoder outputs."""

            def __init__(self, enc_dim: int, dec_dim: int, attn_dim: int):
                super().__init__()
                self.proj = nn.Linear(enc_dim + dec_dim, attn_dim)
                self.score = nn.Linear(attn_dim, 1, bias=False)

            def forward(self, hidden: torch.Tensor, encoder_outputs: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
                src_len = encoder_outputs.size(1)
                repeated = hidden.unsqueeze(1).expand(-1, src_len, -1)
                energy = torch.tanh(self.proj(torch.cat([repeated, encoder_outputs], dim=-1)))
                scores = self.score(energy).squeeze(-1)
                if mask is not None:
                    scores = scores.masked_fill(~mask, float("-inf"))
                return torch.softmax(scores, dim=-1)


        class $dec(nn.Module):
            """One decoding step: attend, feed the context to a GRU, score the vocabulary."""

            def __init__(self, $voc: int = $tgt_vocab, $emb: int = $E, $hid: int = $H, dropout: float = $P):
                super().__init__()
                self.$voc = $voc
                self.attention = $att(2 * $hid, $hid, $hid)
                self.embedding = nn.Embedding($voc, $emb, padding_idx=0)
                self.rnn = nn.GRU($emb + 2 * $hid, $hid, batch_first=True$decoder_layers)
                self.out = nn.Linear($hid + 2 * $hid + $emb, $voc)
                self.dropout = nn.Dropout(dropout)

            def forward(self, token: torch.Tensor, hidden: torch.Tensor, encoder_outputs: torch.Tensor, mask=None):
                embedded = self.dropout(self.embedding(token.unsqueeze(1)))
                weights = self.attention(hidden, encoder_outputs, mask)
                context = torch.bmm(weights.unsqueeze(1), encoder_outputs)
                output, h_n = self.rnn(torch.cat([embedded, context], dim=-1), hidden.unsqueeze(0))
                features = torch.cat([output.squeeze(1), context.squeeze(1), embedded.squeeze(1)], dim=-1)
                return self.out(features), h_n.squeeze(0), weights


        class $wrap(nn.Module):
            """Encoder-decoder with attention and teacher forcing."""

            def __init__(self, encoder: $enc | None = None, decoder: $dec | None = None, pad_idx: int = 0):
                super().__init__()
                self.encoder = encoder or $enc()
                self.decoder = decoder or $dec()
                self.pad_idx = pad_idx

            def forward(self, src: torch.Tensor, tgt: torch.Tensor, teacher_forcing: float = 0.5) -> torch.Tensor:
                batch, steps = tgt.shape
                logits = torch.zeros(batch, steps, self.decoder.$voc, device=src.device)
                encoder_outputs, hidden = self.encoder(src)
                mask = src != self.pad_idx
                token = tgt[:, 0]
                for t in range(1, steps):
                    step_logits, hidden, _ = self.decoder(token, hidden, encoder_outputs, mask)
                    logits[:, t] = step_logits
                    use_target = self.training and random.random() < teacher_forcing
                    token = tgt[:, t] if use_target else step_logits.argmax(dim=-1)
                return logits

            @torch.no_grad()
            def translate(self, src: torch.Tensor, bos: int = 1, eos: int = 2, max_len: int = 50) -> torch.Tensor:
                encoder_outputs, hidden = self.encoder(src)
                mask = src != self.pad_idx
                token = torch.full((src.size(0),), bos, dtype=torch.long, device=src.device)
                result = []
                for _ in range(max_len):
                    step_logits, hidden, _ = self.decoder(token, hidden, encoder_outputs, mask)
                    token = step_logits.argmax(dim=-1)
                    result.append(token)
                    if (token == eos).all():
                        break
                return torch.stack(result, dim=1)
        ''', enc=enc, att=att, dec=dec, wrap=wrap, voc=n.voc, emb=n.emb, hid=n.hid, nl=n.nl,
        bridge_in=bridge_in, decoder_layers=decoder_layers, tgt_vocab=tgt_vocab, **s)
    return RnnModel(Piece(text, {"import random", "from typing import Optional", "import torch",
                                 "from torch import nn"}),
                    wrap, "seq2seq", [3, 6, tgt_vocab], bug, {"vocab": min(s["V"], tgt_vocab)})


def rnn_language_model(rng: random.Random, nm: Namer, bug: str | None) -> RnnModel:
    n = RnnNames(rng)
    s = sizes(rng)
    s["L"] = max(s["L"], 2) if bug == "initial-state-shape" else s["L"]
    cell = rng.choice(["LSTM", "GRU"])
    layers_expr = "1" if bug == "initial-state-shape" else f"self.{n.nl}"
    if cell == "LSTM":
        init = (f"return (weight.new_zeros({layers_expr}, batch_size, self.{n.hid}),\n"
                f"                weight.new_zeros({layers_expr}, batch_size, self.{n.hid}))")
        detach = "return tuple(h.detach() for h in hidden)"
    else:
        init = f"return weight.new_zeros({layers_expr}, batch_size, self.{n.hid})"
        detach = "return hidden.detach()"
    cls = nm.cls("model")
    tie = rng.random() < 0.5
    text = fill('''
        class $cls(nn.Module):
            """Word-level language model over sequence-first token ids (seq, batch)."""

            def __init__(self, $voc: int = $V, $emb: int = $E, $hid: int = $H, $nl: int = $L,
                         dropout: float = $P, tie_weights: bool = $tie):
                super().__init__()
                self.$hid = $hid
                self.$nl = $nl
                self.drop = nn.Dropout(dropout)
                self.encoder = nn.Embedding($voc, $emb)
                self.rnn = nn.$cell($emb, $hid, $nl, dropout=dropout if $nl > 1 else 0.0)
                self.decoder = nn.Linear($hid, $voc)
                if tie_weights:
                    if $hid != $emb:
                        raise ValueError("tied weights need $emb == $hid")
                    self.decoder.weight = self.encoder.weight
                self.init_weights()

            def init_weights(self, scale: float = 0.1) -> None:
                nn.init.uniform_(self.encoder.weight, -scale, scale)
                nn.init.zeros_(self.decoder.bias)
                nn.init.uniform_(self.decoder.weight, -scale, scale)

            def init_hidden(self, batch_size: int):
                weight = next(self.parameters())
                $init

            @staticmethod
            def detach_hidden(hidden):
                """Cut the graph between truncated back-propagation windows."""
                $detach

            def forward(self, tokens: torch.Tensor, hidden=None):
                emb = self.drop(self.encoder(tokens))
                output, hidden = self.rnn(emb, hidden)
                decoded = self.decoder(self.drop(output))
                return F.log_softmax(decoded, dim=-1), hidden


        def batchify(data: torch.Tensor, batch_size: int) -> torch.Tensor:
            """Cut a 1-D token stream into `batch_size` columns, sequence-first."""
            steps = data.size(0) // batch_size
            return data[: steps * batch_size].view(batch_size, -1).t().contiguous()


        def get_batch(source: torch.Tensor, i: int, bptt: int = $bptt):
            length = min(bptt, len(source) - 1 - i)
            return source[i : i + length], source[i + 1 : i + 1 + length].reshape(-1)


        def train_epoch(model: $cls, data: torch.Tensor, optimizer, batch_size: int, bptt: int = $bptt, clip: float = 0.25) -> float:
            model.train()
            hidden = model.init_hidden(batch_size)
            total = 0.0
            for batch, i in enumerate(range(0, data.size(0) - 1, bptt)):
                inputs, targets = get_batch(data, i, bptt)
                hidden = model.detach_hidden(hidden)
                optimizer.zero_grad()
                log_probs, hidden = model(inputs, hidden)
                loss = F.nll_loss(log_probs.view(-1, log_probs.size(-1)), targets)
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), clip)
                optimizer.step()
                total += loss.item()
            return total / max(1, batch + 1)
        ''', cls=cls, voc=n.voc, emb=n.emb, hid=n.hid, nl=n.nl, cell=cell, init=init, detach=detach,
        tie=tie and s["H"] == s["E"], bptt=rng.choice([35, 70, 128]), **s)
    return RnnModel(Piece(text, {"import torch", "from torch import nn", "import torch.nn.functional as F"}),
                    cls, "lm", [5, 3, s["V"]], bug, {"vocab": s["V"]})


def rnn_forecaster(rng: random.Random, nm: Namer, bug: str | None) -> RnnModel:
    n = RnnNames(rng)
    s = sizes(rng)
    cell = rng.choice(["GRU", "LSTM"])
    features = rng.choice([1, 4, 8, 13])
    horizon = rng.choice([1, 6, 12, 24])
    style = rng.choice(["batch_first", "transpose"])
    if bug == "batch-axis-as-time":
        style = "forgot_transpose"
    elif bug == "reshape-swaps-axes":
        style = "view"
    bf = ", batch_first=True" if style == "batch_first" else ""
    if style in ("batch_first", "forgot_transpose"):
        run = "out, _ = self.rnn(x)\n        last = out[:, -1, :]"
    elif style == "transpose":
        run = "out, _ = self.rnn(x.transpose(0, 1))\n        last = out[-1]"
    else:
        run = "x = x.view(x.size(1), x.size(0), -1)\n        out, _ = self.rnn(x)\n        last = out[-1]"
    norm_cls = nm.cls("norm")
    cls = nm.cls("forecaster")
    text = fill('''
        class $norm_cls(nn.Module):
            """Per-series normalisation, undone on the forecast."""

            def __init__(self, eps: float = 1e-5):
                super().__init__()
                self.eps = eps

            def forward(self, x: torch.Tensor):
                mean = x.mean(dim=1, keepdim=True)
                std = x.std(dim=1, keepdim=True) + self.eps
                return (x - mean) / std, mean, std


        class $cls(nn.Module):
            """Forecasts `horizon` steps of the first channel from a batch-first window (batch, time, features)."""

            def __init__(self, n_features: int = $features, $hid: int = $H, $nl: int = $L, horizon: int = $horizon, dropout: float = $P):
                super().__init__()
                self.norm = $norm_cls()
                self.rnn = nn.$cell(n_features, $hid, $nl, dropout=dropout if $nl > 1 else 0.0$bf)
                self.head = nn.Sequential(
                    nn.Linear($hid, $hid // 2),
                    nn.ReLU(),
                    nn.Linear($hid // 2, horizon),
                )

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                x, mean, std = self.norm(x)
                $run
                forecast = self.head(last)
                return forecast * std[:, :, 0] + mean[:, :, 0]


        def make_windows(series: torch.Tensor, window: int = $window, horizon: int = $horizon, stride: int = 1):
            """Slice a (time, features) series into training windows and targets."""
            inputs, targets = [], []
            for start in range(0, series.size(0) - window - horizon + 1, stride):
                inputs.append(series[start : start + window])
                targets.append(series[start + window : start + window + horizon, 0])
            return torch.stack(inputs), torch.stack(targets)
        ''', norm_cls=norm_cls, cls=cls, hid=n.hid, nl=n.nl, features=features, horizon=horizon,
        cell=cell, bf=bf, run=run, window=rng.choice([24, 48, 96, 168]), **s)
    expect = [3, horizon]
    return RnnModel(Piece(text, {"import torch", "from torch import nn"}),
                    cls, "series", expect, bug, {"features": features})


RNN_TEMPLATES = {
    "classifier": (rnn_classifier, ["head-after-bidirectional", "hidden-state-into-head",
                                    "one-direction-last-hidden", "lstm-state-tuple",
                                    "invalid-rnn-argument", "input-size-mismatch"]),
    "tagger": (rnn_tagger, ["head-after-bidirectional", "input-size-mismatch"]),
    "seq2seq": (rnn_seq2seq, ["head-after-bidirectional", "initial-state-shape"]),
    "lm": (rnn_language_model, ["initial-state-shape"]),
    "forecaster": (rnn_forecaster, ["batch-axis-as-time", "reshape-swaps-axes"]),
}
RNN_KIND_WEIGHTS = {"classifier": 4, "tagger": 2, "seq2seq": 2, "lm": 1, "forecaster": 2}


def rnn_extras(rng: random.Random, nm: Namer) -> list[Piece]:
    """Small training functions that surround a recurrent model in a real file."""
    pieces = [
        Piece(fill('''
            def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
                return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
            '''), {"from torch import nn"}),
        Piece(fill('''
            def pad_batch(sequences: list[torch.Tensor], pad_value: int = 0):
                """Pad token sequences to one batch-first tensor and return their lengths."""
                lengths = torch.tensor([len(s) for s in sequences])
                return pad_sequence(sequences, batch_first=True, padding_value=pad_value), lengths
            '''), {"import torch", "from torch.nn.utils.rnn import pad_sequence"}),
        Piece(fill('''
            def train_step(model: nn.Module, batch: dict, optimizer: torch.optim.Optimizer, clip: float = $clip) -> float:
                model.train()
                optimizer.zero_grad()
                logits = model(batch["inputs"], batch.get("lengths"))
                loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), batch["targets"].reshape(-1))
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), clip)
                optimizer.step()
                return loss.item()
            ''', clip=rng.choice([0.5, 1.0, 5.0])),
            {"import torch", "from torch import nn", "import torch.nn.functional as F"}),
        Piece(fill('''
            @torch.no_grad()
            def evaluate(model: nn.Module, loader, device: str = "cpu") -> dict:
                model.eval()
                correct, total, loss_sum = 0, 0, 0.0
                for batch in loader:
                    inputs = batch["inputs"].to(device)
                    targets = batch["targets"].to(device)
                    logits = model(inputs, batch.get("lengths"))
                    loss_sum += F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), reduction="sum").item()
                    correct += (logits.argmax(dim=-1) == targets).sum().item()
                    total += targets.numel()
                return {"loss": loss_sum / max(total, 1), "accuracy": correct / max(total, 1)}
            '''), {"import torch", "from torch import nn", "import torch.nn.functional as F"}),
        block_schedule(rng, nm),
        block_early_stop(rng, nm),
        block_seed(rng, nm),
        block_meter(rng, nm),
    ]
    rng.shuffle(pieces)
    return pieces
