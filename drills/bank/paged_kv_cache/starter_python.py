class PagedKVCache:
    """Block manager of a paged KV cache: block tables, refcounts, copy-on-write (see the prompt)."""

    def __init__(self, num_blocks, block_size):
        raise NotImplementedError("set up the block pool here")

    def add_sequence(self, seq_id, tokens=()):
        raise NotImplementedError

    def append(self, seq_id, tokens):
        raise NotImplementedError

    def fork(self, parent_id, child_id):
        raise NotImplementedError

    def free(self, seq_id):
        raise NotImplementedError

    def block_table(self, seq_id):
        raise NotImplementedError

    def slot_mapping(self, seq_id):
        raise NotImplementedError

    def read(self, seq_id):
        raise NotImplementedError

    def num_free_blocks(self):
        raise NotImplementedError

    def refcount(self, block_id):
        raise NotImplementedError


def make_cache(num_blocks, block_size):
    """The entry point the tests call: a new, empty cache."""
    return PagedKVCache(num_blocks, block_size)
