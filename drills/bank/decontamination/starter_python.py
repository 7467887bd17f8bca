def find_contaminated(train_docs, benchmark, n=13):
    """Indices (increasing) of the training documents that share an n-gram with the benchmark.

    train_docs: list[str]; benchmark: list[str] (one string per benchmark example); n: int >= 1.
    Tokens: lowercase, split on whitespace, delete string.punctuation characters, drop empty words.
    A benchmark example with 1 <= len < n tokens flags a document containing all its tokens in a row.
    """
    raise NotImplementedError("write n-gram decontamination here")
