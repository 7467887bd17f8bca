def learn_bpe(corpus, num_merges, min_frequency=2):
    """Learn up to num_merges BPE merges from corpus (a str), in order.

    Words: corpus.split(); each word starts as its characters. Each round merges the most frequent
    adjacent pair (counts weighted by word frequency; ties: the largest pair as a tuple), and stops
    early when no pair is left or the best count is < min_frequency.
    Returns a list of pairs (a, b) of strings. Raises ValueError if num_merges < 0 or min_frequency < 1.
    """
    raise NotImplementedError("write learn_bpe here")


def encode(text, merges):
    """Split text on whitespace and segment each word by applying merges in the order given.

    Returns one list of symbols (strings) per word; "".join(symbols) == word.
    """
    raise NotImplementedError("write encode here")
