import torch

from train import create, experiment_config


def build():
    torch.manual_seed(0)
    cfg = experiment_config()
    model = create(cfg)
    left = torch.randint(0, cfg.model.vocab_size, (3, 7))
    right = torch.randint(0, cfg.model.vocab_size, (3, 5))
    return model, (left, right), (3, cfg.model.n_labels)
