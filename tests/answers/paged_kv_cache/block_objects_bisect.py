import bisect
from dataclasses import dataclass, field


@dataclass
class Block:
    ident: int
    ref: int = 0
    data: list = field(default_factory=list)  # filled slots, in order


class PagedKVCache:
    def __init__(self, num_blocks, block_size):
        if not (num_blocks >= 1 and block_size >= 1):
            raise ValueError("sizes must be positive")
        self.size = block_size
        self.blocks = [Block(i, data=[None] * block_size) for i in range(num_blocks)]
        self.free_list = list(range(num_blocks))  # kept sorted
        self.seqs = {}  # id -> [table, length]

    def num_free_blocks(self):
        return len(self.free_list)

    def refcount(self, block_id):
        return self.blocks[block_id].ref

    def _take(self):
        b = self.blocks[self.free_list.pop(0)]
        b.ref = 1
        return b.ident

    def _release(self, ident):
        b = self.blocks[ident]
        b.ref -= 1
        if b.ref == 0:
            bisect.insort(self.free_list, ident)

    def _cost(self, table, length, n):
        if n <= 0:
            return 0
        full_before = (length + self.size - 1) // self.size
        full_after = (length + n + self.size - 1) // self.size
        shared_partial = length % self.size != 0 and self.blocks[table[-1]].ref > 1
        return full_after - full_before + (1 if shared_partial else 0)

    def add_sequence(self, seq_id, tokens=()):
        if seq_id in self.seqs:
            raise ValueError("exists")
        tokens = list(tokens)
        if self._cost([], 0, len(tokens)) > len(self.free_list):
            raise MemoryError("no blocks")
        self.seqs[seq_id] = [[], 0]
        self._extend(seq_id, tokens)

    def append(self, seq_id, tokens):
        table, length = self.seqs[seq_id]
        tokens = list(tokens)
        if self._cost(table, length, len(tokens)) > len(self.free_list):
            raise MemoryError("no blocks")
        self._extend(seq_id, tokens)

    def _extend(self, seq_id, tokens):
        entry = self.seqs[seq_id]
        table = entry[0]
        for tok in tokens:
            pos = entry[1] % self.size
            if pos == 0:
                table.append(self._take())
            else:
                last = self.blocks[table[-1]]
                if last.ref > 1:
                    fresh = self.blocks[self._take()]
                    fresh.data[:pos] = last.data[:pos]
                    last.ref -= 1
                    table[-1] = fresh.ident
            self.blocks[table[-1]].data[pos] = tok
            entry[1] += 1

    def fork(self, parent_id, child_id):
        table, length = self.seqs[parent_id]
        if child_id in self.seqs:
            raise ValueError("exists")
        for ident in table:
            self.blocks[ident].ref += 1
        self.seqs[child_id] = [table[:], length]

    def free(self, seq_id):
        table, _ = self.seqs.pop(seq_id)
        for ident in table:
            self._release(ident)

    def block_table(self, seq_id):
        return self.seqs[seq_id][0][:]

    def slot_mapping(self, seq_id):
        table, length = self.seqs[seq_id]
        return [table[i // self.size] * self.size + i % self.size for i in range(length)]

    def read(self, seq_id):
        table, length = self.seqs[seq_id]
        return [self.blocks[table[i // self.size]].data[i % self.size] for i in range(length)]


def make_cache(num_blocks, block_size):
    """The entry point the tests call: a new, empty cache."""
    return PagedKVCache(num_blocks, block_size)
