"""Default settings as nested dicts, as a YAML file would load them."""
CONFIG = {
    "data": {"n_features": 7, "window": 16},
    "model": {
        "hidden": 18,
        "layers": 1,
        "dropout": 0.0,
        "bidirectional": False,
        "batch_first": True,
    },
}
