import torch

from train import create_model, get_parser


def build():
    torch.manual_seed(0)
    args = get_parser().parse_args([])
    model = create_model(args, vocab_size=40, n_tags=9)
    tokens = torch.randint(0, 40, (3, 8))
    return model, (tokens,), (3, 8, 9)
