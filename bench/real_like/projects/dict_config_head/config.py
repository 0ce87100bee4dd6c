CONFIG = {
    "n_features": 9,
    "hidden": 14,
    "layers": 1,
    "bidirectional": True,
    "n_classes": 3,
}
