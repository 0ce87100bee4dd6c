"""Token ids for the tagger; the script part of train.py reads it."""
PAD, UNK = 0, 1


def encode(words, table):
    return [table.get(word, UNK) for word in words]
