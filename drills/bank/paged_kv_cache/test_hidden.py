"""Hidden suite for `paged_kv_cache` (plain Python): designed scenarios with exact block tables,
refcounts, slots and reads, the all-or-nothing out-of-blocks rule, and random operation sequences
compared, after every step, with a plain model of the prompt's rules."""

import operator
import random

from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=30,
                    phases=[Phase.explicit, Phase.generate])


class Model:
    """The prompt's rules, written as plainly as possible."""

    def __init__(self, num_blocks, block_size):
        self.n, self.bs = num_blocks, block_size
        self.refs = [0] * num_blocks
        self.data = {}  # (block, offset) -> token
        self.tables, self.lengths = {}, {}

    def free_count(self):
        return sum(1 for r in self.refs if r == 0)

    def lowest_free(self):
        for b in range(self.n):
            if self.refs[b] == 0:
                return b
        raise AssertionError("model out of blocks")

    def needed(self, seq, count):
        if count == 0:
            return 0
        length, bs = self.lengths[seq], self.bs
        new = (length + count + bs - 1) // bs - (length + bs - 1) // bs
        cow = 1 if length % bs and self.refs[self.tables[seq][-1]] > 1 else 0
        return new + cow

    def add(self, seq, tokens):
        if seq in self.tables:
            raise ValueError
        self.tables[seq], self.lengths[seq] = [], 0
        if self.needed(seq, len(tokens)) > self.free_count():
            del self.tables[seq], self.lengths[seq]
            raise MemoryError
        self.write(seq, tokens)

    def append(self, seq, tokens):
        if seq not in self.tables:
            raise KeyError(seq)
        if self.needed(seq, len(tokens)) > self.free_count():
            raise MemoryError
        self.write(seq, tokens)

    def write(self, seq, tokens):
        table = self.tables[seq]
        for t in tokens:
            length = self.lengths[seq]
            off = length % self.bs
            if off == 0:
                b = self.lowest_free()
                self.refs[b] = 1
                table.append(b)
            elif self.refs[table[-1]] > 1:
                old = table[-1]
                new = self.lowest_free()
                self.refs[new] = 1
                for o in range(off):
                    self.data[(new, o)] = self.data[(old, o)]
                self.refs[old] -= 1
                table[-1] = new
            self.data[(table[-1], off)] = t
            self.lengths[seq] = length + 1

    def fork(self, parent, child):
        if parent not in self.tables:
            raise KeyError(parent)
        if child in self.tables:
            raise ValueError
        for b in self.tables[parent]:
            self.refs[b] += 1
        self.tables[child] = list(self.tables[parent])
        self.lengths[child] = self.lengths[parent]

    def free(self, seq):
        if seq not in self.tables:
            raise KeyError(seq)
        for b in self.tables.pop(seq):
            self.refs[b] -= 1
        del self.lengths[seq]

    def slots(self, seq):
        return [self.tables[seq][p // self.bs] * self.bs + p % self.bs for p in range(self.lengths[seq])]

    def read(self, seq):
        return [self.data[(s // self.bs, s % self.bs)] for s in self.slots(seq)]


def ints(values, what):
    try:
        return [operator.index(v) for v in values]
    except TypeError:
        fail(f"{what} is {values!r}; expected a list of ints")


def compare(cache, model, when):
    """Every observable of the user's cache equals the model's."""
    free = cache.num_free_blocks()
    check(free == model.free_count(), f"{when}: num_free_blocks() is {free}, expected {model.free_count()}")
    refs = [cache.refcount(b) for b in range(model.n)]
    check(refs == model.refs, f"{when}: refcounts of blocks 0..{model.n - 1} are {refs}, expected {model.refs}")
    for seq in model.tables:
        table = ints(cache.block_table(seq), f"block_table({seq!r})")
        check(table == model.tables[seq], f"{when}: block_table({seq!r}) is {table}, expected {model.tables[seq]}")
        slots = ints(cache.slot_mapping(seq), f"slot_mapping({seq!r})")
        check(slots == model.slots(seq), f"{when}: slot_mapping({seq!r}) is {slots}, expected {model.slots(seq)}")
        got = ints(cache.read(seq), f"read({seq!r})")
        check(got == model.read(seq), f"{when}: read({seq!r}) is {got}, expected {model.read(seq)}")


def expect_raises(exc_type, call, what):
    try:
        call()
    except exc_type:
        return
    except Exception as exc:  # noqa: BLE001 - the wrong kind is reported
        fail(f"{what} raised {type(exc).__name__}: {exc}; expected {exc_type.__name__}")
    fail(f"{what} did not raise {exc_type.__name__}")


def test_worked_example(impl):
    """The prompt's example: prefill, fork, copy-on-write, in-place append, free, and a refused append."""
    c = impl.make_cache(num_blocks=6, block_size=4)
    m = Model(6, 4)
    c.add_sequence("A", [11, 12, 13, 14, 15, 16]); m.add("A", [11, 12, 13, 14, 15, 16])
    compare(c, m, "after add_sequence('A', 6 tokens)")
    c.fork("A", "B"); m.fork("A", "B")
    compare(c, m, "after fork('A', 'B')")
    c.append("B", [27]); m.append("B", [27])
    compare(c, m, "after append('B', [27])")
    check(ints(c.block_table("B"), "block_table('B')") == [0, 2], "B's shared half-full block 1 should be copied into block 2")
    c.append("A", [17, 18, 19]); m.append("A", [17, 18, 19])
    compare(c, m, "after append('A', [17, 18, 19])")
    c.free("A"); m.free("A")
    compare(c, m, "after free('A')")
    expect_raises(MemoryError, lambda: c.append("B", list(range(100))), "append('B', 100 tokens) with 4 free blocks")
    compare(c, m, "after the refused append")


def test_blocks_fill_in_order(impl):
    """A new block is taken exactly when the last one is full, always the lowest free id; slots follow the table."""
    c = impl.make_cache(num_blocks=8, block_size=3)
    m = Model(8, 3)
    c.add_sequence(0); m.add(0, [])
    compare(c, m, "after add_sequence(0) with no tokens")
    for step, tokens in enumerate([[1], [2, 3], [4], [5, 6, 7, 8, 9], [], [10]]):
        c.append(0, tokens); m.append(0, tokens)
        compare(c, m, f"after append #{step} of {len(tokens)} tokens")
    c.add_sequence(1, [20, 21, 22, 23]); m.add(1, [20, 21, 22, 23])
    c.append(0, [11, 12]); m.append(0, [11, 12])
    compare(c, m, "with two sequences interleaved")
    c.free(0); m.free(0)
    c.add_sequence(2, list(range(30, 38))); m.add(2, list(range(30, 38)))
    compare(c, m, "after reusing freed blocks (lowest first)")


def test_fork_shares_without_allocating(impl):
    """fork copies the table, adds one reference per block, allocates nothing; forks of forks stack refcounts."""
    c = impl.make_cache(num_blocks=5, block_size=2)
    m = Model(5, 2)
    c.add_sequence("p", [1, 2, 3]); m.add("p", [1, 2, 3])
    c.fork("p", "c1"); m.fork("p", "c1")
    c.fork("c1", "c2"); m.fork("c1", "c2")
    compare(c, m, "after two forks")
    check(c.refcount(0) == 3 and c.num_free_blocks() == 3, "three sequences share blocks 0 and 1; 3 blocks stay free")
    c.add_sequence("e"); m.add("e", [])
    c.fork("e", "e2"); m.fork("e", "e2")
    compare(c, m, "after forking an empty sequence")
    c.append("e2", [9]); m.append("e2", [9])
    compare(c, m, "after appending to a fork of an empty sequence")


def test_copy_on_write(impl):
    """Writing into a shared, partly filled last block copies its filled slots to a new block; the other owner keeps the old one."""
    c = impl.make_cache(num_blocks=10, block_size=4)
    m = Model(10, 4)
    c.add_sequence("root", [1, 2, 3, 4, 5]); m.add("root", [1, 2, 3, 4, 5])
    for name in ("x", "y", "z"):
        c.fork("root", name); m.fork("root", name)
    for name, tok in (("x", 60), ("root", 50), ("y", 70)):
        c.append(name, [tok]); m.append(name, [tok])
        compare(c, m, f"after append({name!r}, [{tok}])")
    c.append("z", [80, 81, 82, 83]); m.append("z", [80, 81, 82, 83])
    compare(c, m, "after z, the last owner of the shared block, writes in place")
    for name, want in (("root", [1, 2, 3, 4, 5, 50]), ("x", [1, 2, 3, 4, 5, 60]), ("y", [1, 2, 3, 4, 5, 70]),
                       ("z", [1, 2, 3, 4, 5, 80, 81, 82, 83])):
        got = ints(c.read(name), f"read({name!r})")
        check(got == want, f"read({name!r}) is {got}, expected {want}: each fork must keep its own tokens")


def test_full_shared_block_is_not_copied(impl):
    """A shared last block that is full stays shared: the next token opens a new block, no copy."""
    c = impl.make_cache(num_blocks=6, block_size=2)
    m = Model(6, 2)
    c.add_sequence(1, [1, 2, 3, 4]); m.add(1, [1, 2, 3, 4])
    c.fork(1, 2); m.fork(1, 2)
    c.append(2, [5]); m.append(2, [5])
    c.append(1, [6]); m.append(1, [6])
    compare(c, m, "after both sequences grow past a full shared block")
    check(ints(c.block_table(1), "block_table(1)")[:2] == [0, 1] and ints(c.block_table(2), "block_table(2)")[:2] == [0, 1],
          "full shared blocks 0 and 1 must stay shared")


def test_free_keeps_shared_blocks(impl):
    """free drops one reference per block: blocks still used by a fork stay allocated; an id can be reused."""
    c = impl.make_cache(num_blocks=6, block_size=2)
    m = Model(6, 2)
    c.add_sequence("a", [1, 2, 3]); m.add("a", [1, 2, 3])
    c.fork("a", "b"); m.fork("a", "b")
    c.append("b", [4, 5]); m.append("b", [4, 5])
    c.free("a"); m.free("a")
    compare(c, m, "after freeing the parent")
    c.add_sequence("a", [7]); m.add("a", [7])
    compare(c, m, "after reusing the id 'a'")
    c.free("b"); m.free("b")
    c.free("a"); m.free("a")
    check(c.num_free_blocks() == 6, f"after freeing everything {c.num_free_blocks()} of 6 blocks are free")


def test_out_of_blocks_is_all_or_nothing(impl):
    """MemoryError when the blocks (copy-on-write included) do not fit, with the cache unchanged, then normal use."""
    c = impl.make_cache(num_blocks=4, block_size=2)
    m = Model(4, 2)
    c.add_sequence("s", [1, 2, 3]); m.add("s", [1, 2, 3])
    c.fork("s", "t"); m.fork("s", "t")
    # t needs a copy of block 1 plus 2 new blocks = 3 > 2 free
    expect_raises(MemoryError, lambda: c.append("t", [4, 5, 6, 7]), "append('t', 4 tokens) needing 3 blocks with 2 free")
    compare(c, m, "after the refused append")
    expect_raises(MemoryError, lambda: c.add_sequence("u", [1, 2, 3, 4, 5]), "add_sequence('u', 5 tokens) with 2 free blocks")
    compare(c, m, "after the refused add_sequence")
    expect_raises(KeyError, lambda: c.block_table("u"), "block_table of the sequence whose add_sequence failed")
    c.append("t", [4, 5, 6]); m.append("t", [4, 5, 6])  # exactly 2 blocks: copy + 1 new
    compare(c, m, "after an append that uses the last free blocks")
    c.append("s", [9]); m.append("s", [9])  # s owns block 1 alone now: in place, no block needed
    compare(c, m, "after an in-place append with no free block")
    expect_raises(MemoryError, lambda: c.append("s", [10]), "append('s', [10]) needing a block with none free")
    compare(c, m, "after the refused append")
    c.append("s", []); m.append("s", [])
    compare(c, m, "after appending no token with no free block")


def test_errors(impl):
    """KeyError for unknown sequences, ValueError for existing ids and bad sizes."""
    expect_raises(ValueError, lambda: impl.make_cache(0, 4), "PagedKVCache(0, 4)")
    expect_raises(ValueError, lambda: impl.make_cache(4, 0), "PagedKVCache(4, 0)")
    c = impl.make_cache(4, 4)
    c.add_sequence("a", [1])
    expect_raises(ValueError, lambda: c.add_sequence("a"), "add_sequence of an existing id")
    expect_raises(ValueError, lambda: c.fork("a", "a"), "fork to an existing id")
    for name, call in [("append", lambda: c.append("zz", [1])), ("append (no tokens)", lambda: c.append("zz", [])),
                       ("fork", lambda: c.fork("zz", "b")),
                       ("free", lambda: c.free("zz")), ("block_table", lambda: c.block_table("zz")),
                       ("slot_mapping", lambda: c.slot_mapping("zz")), ("read", lambda: c.read("zz"))]:
        expect_raises(KeyError, call, f"{name} of an unknown sequence")
    check(c.num_free_blocks() == 3 and ints(c.read("a"), "read('a')") == [1], "failed calls changed the cache")


def test_returned_lists_are_copies(impl):
    """Changing a returned block table or the caller's token list does not change the cache."""
    c = impl.make_cache(4, 2)
    tokens = [5, 6, 7]
    c.add_sequence(0, tokens)
    tokens.append(8)
    table = c.block_table(0)
    table.append(3)
    table[0] = 2
    check(ints(c.block_table(0), "block_table(0)") == [0, 1], "block_table must return a copy")
    check(ints(c.read(0), "read(0)") == [5, 6, 7], "the cache must copy the tokens it is given")


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), num_blocks=st.integers(1, 12), block_size=st.integers(1, 4))
def test_random_operations_match_model(impl, seed, num_blocks, block_size):
    """Random add/append/fork/free sequences (out-of-blocks included) match a plain model after every step."""
    rng = random.Random(seed)
    c = impl.make_cache(num_blocks, block_size)
    m = Model(num_blocks, block_size)
    next_id, token = 0, 100
    log = []
    for step in range(30):
        live = sorted(m.tables)
        op = rng.choice(["add", "append", "append", "append", "fork", "fork", "free"] if live else ["add"])
        if op == "add":
            args = (next_id, list(range(token, token + rng.randint(0, 2 * block_size))))
            next_id += 1
        elif op == "append":
            args = (rng.choice(live), list(range(token, token + rng.randint(0, block_size + 1))))
        elif op == "fork":
            args = (rng.choice(live), next_id)
            next_id += 1
        else:
            args = (rng.choice(live),)
        token += 10
        log.append(f"{op}{args}")
        model_call = {"add": m.add, "append": m.append, "fork": m.fork, "free": m.free}[op]
        user_call = {"add": c.add_sequence, "append": c.append, "fork": c.fork, "free": c.free}[op]
        try:
            model_call(*args)
        except MemoryError:
            expect_raises(MemoryError, lambda: user_call(*args), f"step {step}, {op}{args} (blocks run out)")
        else:
            user_call(*args)
        compare(c, m, f"after {'; '.join(log[-3:])} (step {step}, {num_blocks} blocks of {block_size})")
