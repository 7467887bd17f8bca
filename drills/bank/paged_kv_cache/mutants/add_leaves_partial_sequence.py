"""A failed add_sequence still registers the (empty) sequence."""

import heapq


class PagedKVCache:
    def __init__(self, num_blocks, block_size):
        if num_blocks < 1 or block_size < 1:
            raise ValueError("num_blocks and block_size must be >= 1")
        self.block_size = block_size
        self.free_ids = list(range(num_blocks))  # a min-heap: always hand out the lowest free id
        self.refs = [0] * num_blocks
        self.slots = [None] * (num_blocks * block_size)  # the "KV data": one token id per slot
        self.tables = {}  # seq_id -> list of physical block ids
        self.lengths = {}  # seq_id -> number of tokens

    # ---------------------------------------------------------------- queries
    def num_free_blocks(self):
        return len(self.free_ids)

    def refcount(self, block_id):
        return self.refs[block_id]

    def block_table(self, seq_id):
        return list(self.tables[seq_id])

    def slot_mapping(self, seq_id):
        table, bs = self.tables[seq_id], self.block_size
        return [table[pos // bs] * bs + pos % bs for pos in range(self.lengths[seq_id])]

    def read(self, seq_id):
        return [self.slots[s] for s in self.slot_mapping(seq_id)]

    # ---------------------------------------------------------------- updates
    def add_sequence(self, seq_id, tokens=()):
        if seq_id in self.tables:
            raise ValueError(f"sequence {seq_id!r} already exists")
        tokens = list(tokens)
        self.tables[seq_id], self.lengths[seq_id] = [], 0
        if self._blocks_needed(0, None, len(tokens)) > len(self.free_ids):
            raise MemoryError(f"out of blocks: {len(self.free_ids)} free")
        self.tables[seq_id], self.lengths[seq_id] = [], 0
        self._write(seq_id, tokens)

    def append(self, seq_id, tokens):
        table = self.tables[seq_id]  # KeyError for an unknown sequence
        tokens = list(tokens)
        last = table[-1] if table else None
        if self._blocks_needed(self.lengths[seq_id], last, len(tokens)) > len(self.free_ids):
            raise MemoryError(f"out of blocks: {len(self.free_ids)} free")  # checked first: nothing changes
        self._write(seq_id, tokens)

    def fork(self, parent_id, child_id):
        table = self.tables[parent_id]
        if child_id in self.tables:
            raise ValueError(f"sequence {child_id!r} already exists")
        for block in table:
            self.refs[block] += 1
        self.tables[child_id] = list(table)
        self.lengths[child_id] = self.lengths[parent_id]

    def free(self, seq_id):
        table = self.tables.pop(seq_id)
        del self.lengths[seq_id]
        for block in table:
            self.refs[block] -= 1
            if self.refs[block] == 0:
                heapq.heappush(self.free_ids, block)

    # ---------------------------------------------------------------- helpers
    def _blocks_needed(self, length, last, n):
        if n == 0:
            return 0
        bs = self.block_size
        new = -(-(length + n) // bs) - -(-length // bs)  # ceil((L + n) / bs) - ceil(L / bs)
        cow = length % bs != 0 and self.refs[last] > 1
        return new + cow

    def _allocate(self):
        block = heapq.heappop(self.free_ids)
        self.refs[block] = 1
        return block

    def _write(self, seq_id, tokens):
        table, bs = self.tables[seq_id], self.block_size
        for token in tokens:
            length = self.lengths[seq_id]
            offset = length % bs
            if offset == 0:  # no block yet, or the last one is full
                table.append(self._allocate())
            elif self.refs[table[-1]] > 1:  # shared and partially filled: copy on write
                old, new = table[-1], self._allocate()
                self.slots[new * bs:new * bs + offset] = self.slots[old * bs:old * bs + offset]
                self.refs[old] -= 1
                table[-1] = new
            self.slots[table[-1] * bs + offset] = token
            self.lengths[seq_id] = length + 1


def make_cache(num_blocks, block_size):
    """The entry point the tests call: a new, empty cache."""
    return PagedKVCache(num_blocks, block_size)
