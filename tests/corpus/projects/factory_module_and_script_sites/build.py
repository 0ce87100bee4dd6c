import torch

from model import build_model, get_parser


def build():
    torch.manual_seed(0)
    args = get_parser().parse_args(["--encoder-bidirectional"])
    model = build_model(args, 30)
    return model, (torch.randint(0, 30, (3, 7)),), (3, 5)
