from tagger_base import Tagger


class DeepTagger(Tagger):
    """Two stacked layers: the dropout acts between them."""

    def __init__(self, n_features):
        super().__init__(n_features, depth=2, dropout=0.2)


class PlainTagger(Tagger):
    """One layer and the default of no dropout."""

    def __init__(self, n_features, n_tags=3):
        super().__init__(n_features, n_tags=n_tags)
