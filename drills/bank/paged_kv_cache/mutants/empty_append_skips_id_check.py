"""append with no tokens returns before checking that seq_id exists (no KeyError)."""
from dataclasses import dataclass, field


@dataclass
class _Seq:
    table: tuple = ()
    length: int = 0


class PagedKVCache:
    def __init__(self, num_blocks, block_size):
        if num_blocks < 1 or block_size < 1 or int(num_blocks) != num_blocks or int(block_size) != block_size:
            raise ValueError("bad sizes")
        self.n, self.B = num_blocks, block_size
        self.rc = {b: 0 for b in range(num_blocks)}
        self.mem = {}
        self.seqs = {}

    def _lowest_free(self):
        for b in range(self.n):
            if self.rc[b] == 0:
                return b
        raise MemoryError

    def _plan(self, seq, n):
        """Blocks needed to append n tokens."""
        if n <= 0:
            return 0
        B, L = self.B, seq.length
        k = (L + n + B - 1) // B - (L + B - 1) // B
        return k + (1 if L % B and self.rc[seq.table[-1]] >= 2 else 0)

    def add_sequence(self, seq_id, tokens=()):
        if seq_id in self.seqs:
            raise ValueError("duplicate id")
        toks = list(tokens)
        if self._plan(_Seq(), len(toks)) > self.num_free_blocks():
            raise MemoryError
        self.seqs[seq_id] = _Seq()
        self.append(seq_id, toks)

    def append(self, seq_id, tokens):
        toks = list(tokens)
        if not toks:
            return
        seq = self.seqs[seq_id]
        if self._plan(seq, len(toks)) > self.num_free_blocks():
            raise MemoryError("not enough free blocks")
        B = self.B
        for tok in toks:
            L = seq.length
            off = L % B
            if off == 0:
                b = self._lowest_free()
                self.rc[b] = 1
                seq.table = seq.table + (b,)
            elif self.rc[seq.table[-1]] > 1:
                old = seq.table[-1]
                b = self._lowest_free()
                self.rc[b] = 1
                for o in range(off):
                    self.mem[b * B + o] = self.mem[old * B + o]
                self.rc[old] -= 1
                seq.table = seq.table[:-1] + (b,)
            self.mem[seq.table[-1] * B + off] = tok
            seq.length = L + 1

    def fork(self, parent_id, child_id):
        if parent_id not in self.seqs:
            raise KeyError(parent_id)
        if child_id in self.seqs:
            raise ValueError(child_id)
        p = self.seqs[parent_id]
        self.seqs[child_id] = _Seq(p.table, p.length)
        for b in p.table:
            self.rc[b] += 1

    def free(self, seq_id):
        if seq_id not in self.seqs:
            raise KeyError(seq_id)
        for b in self.seqs.pop(seq_id).table:
            self.rc[b] -= 1

    def block_table(self, seq_id):
        return list(self.seqs[seq_id].table)

    def slot_mapping(self, seq_id):
        s = self.seqs[seq_id]
        return [s.table[p // self.B] * self.B + p % self.B for p in range(s.length)]

    def read(self, seq_id):
        return [self.mem[x] for x in self.slot_mapping(seq_id)]

    def num_free_blocks(self):
        return sum(1 for v in self.rc.values() if v == 0)

    def refcount(self, block_id):
        return self.rc[block_id]


def make_cache(num_blocks, block_size):
    return PagedKVCache(num_blocks, block_size)
