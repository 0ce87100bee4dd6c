"""Language-model sizes. The decoder shares its weight with the embedding, so the embedding
width is the hidden size by construction."""
VOCAB = 60
HIDDEN = 32
EMBED = HIDDEN
LAYERS = 2
DROPOUT = 0.25
