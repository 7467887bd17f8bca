import heapq


class PagedKVCache:
    def __init__(self, num_blocks, block_size):
        if not isinstance(num_blocks, int) or not isinstance(block_size, int) or num_blocks < 1 or block_size < 1:
            raise ValueError("num_blocks and block_size must be ints >= 1")
        self.B = block_size
        self.free_heap = list(range(num_blocks))
        self.refs = [0] * num_blocks
        self.slots = [None] * (num_blocks * block_size)
        self.tables = {}
        self.lengths = {}

    def _alloc(self):
        b = heapq.heappop(self.free_heap)
        self.refs[b] = 1
        return b

    def _decref(self, b):
        self.refs[b] -= 1
        if self.refs[b] == 0:
            heapq.heappush(self.free_heap, b)

    def _need(self, seq_id, n):
        if n == 0:
            return 0
        L, B = self.lengths[seq_id], self.B
        need = -(-(L + n) // B) - (-(-L // B))
        if L % B and self.refs[self.tables[seq_id][-1]] > 1:
            need += 1
        return need

    def add_sequence(self, seq_id, tokens=()):
        if seq_id in self.tables:
            raise ValueError(f"{seq_id!r} exists")
        tokens = list(tokens)
        need = -(-len(tokens) // self.B)
        if need > len(self.free_heap):
            raise MemoryError("out of blocks")
        self.tables[seq_id] = []
        self.lengths[seq_id] = 0
        self.append(seq_id, tokens)

    def append(self, seq_id, tokens):
        table = self.tables[seq_id]
        tokens = list(tokens)
        if self._need(seq_id, len(tokens)) > len(self.free_heap):
            raise MemoryError("out of blocks")
        B = self.B
        for tok in tokens:
            L = self.lengths[seq_id]
            if L % B == 0:
                table.append(self._alloc())
            elif self.refs[table[-1]] > 1:
                old = table[-1]
                new = self._alloc()
                for o in range(L % B):
                    self.slots[new * B + o] = self.slots[old * B + o]
                self._decref(old)
                table[-1] = new
            self.slots[table[L // B] * B + L % B] = tok
            self.lengths[seq_id] = L + 1

    def fork(self, parent_id, child_id):
        table = self.tables[parent_id]
        if child_id in self.tables:
            raise ValueError(f"{child_id!r} exists")
        self.tables[child_id] = list(table)
        self.lengths[child_id] = self.lengths[parent_id]
        for b in table:
            self.refs[b] += 1

    def free(self, seq_id):
        table = self.tables.pop(seq_id)
        del self.lengths[seq_id]
        for b in table:
            self._decref(b)

    def block_table(self, seq_id):
        return list(self.tables[seq_id])

    def slot_mapping(self, seq_id):
        t, B = self.tables[seq_id], self.B
        return [t[p // B] * B + p % B for p in range(self.lengths[seq_id])]

    def read(self, seq_id):
        return [self.slots[s] for s in self.slot_mapping(seq_id)]

    def num_free_blocks(self):
        return len(self.free_heap)

    def refcount(self, block_id):
        return self.refs[block_id]


def make_cache(num_blocks, block_size):
    return PagedKVCache(num_blocks, block_size)
