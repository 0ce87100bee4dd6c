"""Sizes shared by every part of the tagger."""
EMBED = 12
HIDDEN = 20
BIDIRECTIONAL = True
DIRECTIONS = 2 if BIDIRECTIONAL else 1
N_TAGS = 7
