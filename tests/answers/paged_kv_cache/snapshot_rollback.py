import copy


class PagedKVCache:
    """Atomicity by rollback: run the operation on the live state and restore a snapshot on failure."""

    def __init__(self, num_blocks, block_size):
        if num_blocks < 1 or block_size < 1:
            raise ValueError("bad sizes")
        self.B = block_size
        self.n = num_blocks
        self.ref = {b: 0 for b in range(num_blocks)}
        self.mem = {}  # slot -> token
        self.tab = {}
        self.len = {}

    def num_free_blocks(self):
        return sum(r == 0 for r in self.ref.values())

    def refcount(self, block_id):
        return self.ref[block_id]

    def _new_block(self):
        free = [b for b, r in self.ref.items() if r == 0]
        if not free:
            raise MemoryError("out of KV blocks")
        b = min(free)
        self.ref[b] = 1
        return b

    def _atomic(self, fn):
        saved = copy.deepcopy((self.ref, self.mem, self.tab, self.len))
        try:
            fn()
        except MemoryError:
            self.ref, self.mem, self.tab, self.len = saved
            raise

    def _push(self, s, tokens):
        for t in tokens:
            L = self.len[s]
            off = L % self.B
            if off == 0:
                self.tab[s].append(self._new_block())
            elif self.ref[self.tab[s][-1]] > 1:
                old = self.tab[s][-1]
                new = self._new_block()
                for o in range(off):
                    self.mem[new * self.B + o] = self.mem[old * self.B + o]
                self.ref[old] -= 1
                self.tab[s][-1] = new
            self.mem[self.tab[s][-1] * self.B + off] = t
            self.len[s] = L + 1

    def add_sequence(self, seq_id, tokens=()):
        if seq_id in self.tab:
            raise ValueError("duplicate id")
        tokens = list(tokens)

        def run():
            self.tab[seq_id], self.len[seq_id] = [], 0
            self._push(seq_id, tokens)

        self._atomic(run)

    def append(self, seq_id, tokens):
        if seq_id not in self.tab:
            raise KeyError(seq_id)
        tokens = list(tokens)
        self._atomic(lambda: self._push(seq_id, tokens))

    def fork(self, parent_id, child_id):
        if parent_id not in self.tab:
            raise KeyError(parent_id)
        if child_id in self.tab:
            raise ValueError("duplicate id")
        self.tab[child_id] = list(self.tab[parent_id])
        self.len[child_id] = self.len[parent_id]
        for b in self.tab[child_id]:
            self.ref[b] += 1

    def free(self, seq_id):
        for b in self.tab.pop(seq_id):
            self.ref[b] -= 1
        del self.len[seq_id]

    def block_table(self, seq_id):
        return list(self.tab[seq_id])

    def slot_mapping(self, seq_id):
        t = self.tab[seq_id]
        return [t[p // self.B] * self.B + p % self.B for p in range(self.len[seq_id])]

    def read(self, seq_id):
        return [self.mem[s] for s in self.slot_mapping(seq_id)]


def make_cache(num_blocks, block_size):
    """The entry point the tests call: a new, empty cache."""
    return PagedKVCache(num_blocks, block_size)
